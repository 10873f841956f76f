//! Stream entry IDs (`streamID`): milliseconds and a sequence number, ordered as one 128-bit number.

use std::fmt::Write as _;

#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Default)]
pub struct StreamId {
    pub ms: u64,
    pub seq: u64,
}

impl StreamId {
    pub const ZERO: StreamId = StreamId { ms: 0, seq: 0 };
    pub const MAX: StreamId = StreamId { ms: u64::MAX, seq: u64::MAX };

    pub fn new(ms: u64, seq: u64) -> StreamId {
        StreamId { ms, seq }
    }

    pub fn is_zero(&self) -> bool {
        self.ms == 0 && self.seq == 0
    }

    /// The next ID (`streamIncrID`); `None` past the last possible one.
    pub fn incr(&self) -> Option<StreamId> {
        if self.seq == u64::MAX {
            if self.ms == u64::MAX {
                None
            } else {
                Some(StreamId { ms: self.ms + 1, seq: 0 })
            }
        } else {
            Some(StreamId { ms: self.ms, seq: self.seq + 1 })
        }
    }

    /// The previous ID (`streamDecrID`); `None` before 0-0.
    pub fn decr(&self) -> Option<StreamId> {
        if self.seq == 0 {
            if self.ms == 0 {
                None
            } else {
                Some(StreamId { ms: self.ms - 1, seq: u64::MAX })
            }
        } else {
            Some(StreamId { ms: self.ms, seq: self.seq - 1 })
        }
    }

    /// The 16-byte big-endian form the radix tree and the RDB file key nodes and PELs by.
    pub fn to_be_bytes(&self) -> [u8; 16] {
        let mut b = [0u8; 16];
        b[..8].copy_from_slice(&self.ms.to_be_bytes());
        b[8..].copy_from_slice(&self.seq.to_be_bytes());
        b
    }

    pub fn from_be_bytes(b: &[u8]) -> Option<StreamId> {
        if b.len() != 16 {
            return None;
        }
        let ms = u64::from_be_bytes(b[..8].try_into().ok()?);
        let seq = u64::from_be_bytes(b[8..].try_into().ok()?);
        Some(StreamId { ms, seq })
    }

    /// `<ms>-<seq>` as replies show it.
    pub fn to_text(&self) -> String {
        let mut s = String::with_capacity(24);
        let _ = write!(s, "{}-{}", self.ms, self.seq);
        s
    }

    /// Parses `<ms>[-<seq>]`; a missing sequence is `missing_seq`, `None` for `seq_any` when the
    /// text is `<ms>-*` (XADD). Redis's `streamGenericParseIDOrReply` minus the special forms.
    pub fn parse(text: &[u8], missing_seq: u64) -> Option<(StreamId, bool)> {
        if text.len() > 127 {
            return None;
        }
        let (ms_part, seq_part) = match text.iter().position(|&c| c == b'-') {
            Some(i) => (&text[..i], Some(&text[i + 1..])),
            None => (text, None),
        };
        let ms = parse_u64(ms_part)?;
        match seq_part {
            None => Some((StreamId { ms, seq: missing_seq }, true)),
            Some(b"*") => Some((StreamId { ms, seq: 0 }, false)),
            Some(s) => Some((StreamId { ms, seq: parse_u64(s)? }, true)),
        }
    }
}

/// Redis's `string2ull`: a canonical `long long` that is not negative, or else whatever C's
/// `strtoull` takes whole (leading spaces, a sign, leading zeros; a minus wraps around).
fn parse_u64(s: &[u8]) -> Option<u64> {
    if let Some(v) = crate::util::parse_i64(s) {
        return u64::try_from(v).ok();
    }
    let mut i = 0;
    while i < s.len() && matches!(s[i], b' ' | b'\t' | b'\n' | 0x0b | 0x0c | b'\r') {
        i += 1;
    }
    let mut neg = false;
    if i < s.len() && (s[i] == b'+' || s[i] == b'-') {
        neg = s[i] == b'-';
        i += 1;
    }
    if i >= s.len() {
        return None;
    }
    let mut v: u64 = 0;
    for &c in &s[i..] {
        if !c.is_ascii_digit() {
            return None;
        }
        v = v.checked_mul(10)?.checked_add((c - b'0') as u64)?;
    }
    Some(if neg { v.wrapping_neg() } else { v })
}
