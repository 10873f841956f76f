//! Listpacks (`listpack.c`), the blob Redis 7.0 stores small hashes, small sorted sets and list
//! nodes in: a 6-byte header (total bytes u32 LE, element count u16 LE), the entries, and `0xFF`.
//!
//! Each entry is an encoding byte (with the data) followed by its "backlen" (the size of
//! encoding+data in 7-bit groups, for walking backwards). Strings that are canonical 64-bit
//! integers are stored as integers in the smallest fitting encoding, exactly as `lpAppend` does,
//! so a listpack we build is byte-identical to Redis's for the same elements.

use crate::util::parse_i64;

const HDR: usize = 6;
const EOF: u8 = 0xFF;
/// The element count in the header saturates here (the real count is then found by walking).
const COUNT_UNKNOWN: usize = 65535;

/// Why a listpack blob was refused.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct LpError(pub &'static str);

impl std::fmt::Display for LpError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "listpack integrity check failed: {}", self.0)
    }
}

impl std::error::Error for LpError {}

/// One element read from a listpack.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum LpItem<'a> {
    Str(&'a [u8]),
    Int(i64),
}

impl LpItem<'_> {
    /// The element as Redis returns it: integers in decimal.
    pub fn to_vec(&self) -> Vec<u8> {
        match self {
            LpItem::Str(s) => s.to_vec(),
            LpItem::Int(n) => n.to_string().into_bytes(),
        }
    }
}

/// Size of the backlen field for an entry of `l` bytes (encoding + data).
fn backlen_size(l: usize) -> usize {
    match l {
        0..=127 => 1,
        128..=16382 => 2,
        16383..=2097150 => 3,
        2097151..=268435454 => 4,
        _ => 5,
    }
}

fn put_backlen(out: &mut Vec<u8>, l: usize) {
    let l = l as u64;
    match backlen_size(l as usize) {
        1 => out.push(l as u8),
        2 => out.extend_from_slice(&[(l >> 7) as u8, ((l & 127) | 128) as u8]),
        3 => out.extend_from_slice(&[(l >> 14) as u8, (((l >> 7) & 127) | 128) as u8, ((l & 127) | 128) as u8]),
        4 => out.extend_from_slice(&[(l >> 21) as u8, (((l >> 14) & 127) | 128) as u8, (((l >> 7) & 127) | 128) as u8, ((l & 127) | 128) as u8]),
        _ => out.extend_from_slice(&[
            (l >> 28) as u8,
            (((l >> 21) & 127) | 128) as u8,
            (((l >> 14) & 127) | 128) as u8,
            (((l >> 7) & 127) | 128) as u8,
            ((l & 127) | 128) as u8,
        ]),
    }
}

/// Bytes of encoding + data for an integer.
fn int_size(v: i64) -> usize {
    match v {
        0..=127 => 1,
        -4096..=4095 => 2,
        -32768..=32767 => 3,
        -8388608..=8388607 => 4,
        -2147483648..=2147483647 => 5,
        _ => 9,
    }
}

/// Bytes of encoding + data for a string of `n` bytes.
fn str_size(n: usize) -> usize {
    match n {
        0..=63 => 1 + n,
        64..=4095 => 2 + n,
        _ => 5 + n,
    }
}

/// The number of bytes `ele` takes in a listpack (entry and backlen), as `lpAppend` would store it.
pub fn entry_size(ele: &[u8]) -> usize {
    let l = match parse_i64(ele) {
        Some(v) => int_size(v),
        None => str_size(ele.len()),
    };
    l + backlen_size(l)
}

/// Appends an integer entry (encoding, data, backlen) to `b`.
fn encode_int(b: &mut Vec<u8>, v: i64) {
    let start = b.len();
    match int_size(v) {
        1 => b.push(v as u8),
        2 => {
            let u = (v as u64) & 0x1fff;
            b.extend_from_slice(&[((u >> 8) as u8) | 0xC0, u as u8]);
        }
        3 => {
            b.push(0xF1);
            b.extend_from_slice(&(v as i16).to_le_bytes());
        }
        4 => {
            b.push(0xF2);
            b.extend_from_slice(&(v as i32).to_le_bytes()[..3]);
        }
        5 => {
            b.push(0xF3);
            b.extend_from_slice(&(v as i32).to_le_bytes());
        }
        _ => {
            b.push(0xF4);
            b.extend_from_slice(&v.to_le_bytes());
        }
    }
    let l = b.len() - start;
    put_backlen(b, l);
}

/// Appends a string entry (never as an integer) to `b`.
fn encode_str(b: &mut Vec<u8>, s: &[u8]) {
    let start = b.len();
    let n = s.len();
    if n < 64 {
        b.push(0x80 | n as u8);
    } else if n < 4096 {
        b.extend_from_slice(&[0xE0 | (n >> 8) as u8, n as u8]);
    } else {
        b.push(0xF0);
        b.extend_from_slice(&(n as u32).to_le_bytes());
    }
    b.extend_from_slice(s);
    let l = b.len() - start;
    put_backlen(b, l);
}

/// Builds a listpack by appending elements.
#[derive(Debug, Clone)]
pub struct Writer {
    buf: Vec<u8>,
    count: usize,
}

impl Default for Writer {
    fn default() -> Self {
        Writer::new()
    }
}

impl Writer {
    pub fn new() -> Writer {
        let mut buf = Vec::with_capacity(64);
        buf.extend_from_slice(&[0; HDR]);
        Writer { buf, count: 0 }
    }

    /// Appends a string; canonical integers are stored as integers (`lpAppend`).
    pub fn push(&mut self, ele: &[u8]) {
        match parse_i64(ele) {
            Some(v) => self.push_int(v),
            None => self.push_str(ele),
        }
    }

    /// Appends an integer (`lpAppendInteger`).
    pub fn push_int(&mut self, v: i64) {
        encode_int(&mut self.buf, v);
        self.count += 1;
    }

    /// Appends a string as a string, never as an integer.
    pub fn push_str(&mut self, s: &[u8]) {
        encode_str(&mut self.buf, s);
        self.count += 1;
    }

    /// Elements appended so far.
    pub fn len(&self) -> usize {
        self.count
    }

    pub fn is_empty(&self) -> bool {
        self.count == 0
    }

    /// The listpack's total size once finished (`lpBytes`).
    pub fn bytes(&self) -> usize {
        self.buf.len() + 1
    }

    /// Writes the header and terminator and returns the blob.
    pub fn finish(mut self) -> Vec<u8> {
        self.buf.push(EOF);
        let total = self.buf.len() as u32;
        let count = self.count.min(COUNT_UNKNOWN) as u16;
        self.buf[0..4].copy_from_slice(&total.to_le_bytes());
        self.buf[4..6].copy_from_slice(&count.to_le_bytes());
        self.buf
    }
}

/// Builds a listpack from strings.
pub fn encode<'a>(items: impl IntoIterator<Item = &'a [u8]>) -> Vec<u8> {
    let mut w = Writer::new();
    for it in items {
        w.push(it);
    }
    w.finish()
}

/// Reads one entry at `p`; returns the item and the offset of the next entry.
fn read_entry(lp: &[u8], p: usize) -> Result<(LpItem<'_>, usize), LpError> {
    let trunc = LpError("entry runs past the end");
    let get = |i: usize| lp.get(i).copied().ok_or(trunc.clone());
    let b = get(p)?;
    let bytes = |from: usize, n: usize| -> Result<&[u8], LpError> {
        lp.get(from..from.checked_add(n).ok_or(LpError("bad length"))?).ok_or(LpError("entry runs past the end"))
    };
    let (item, l) = if b & 0x80 == 0 {
        (LpItem::Int((b & 0x7f) as i64), 1)
    } else if b & 0xC0 == 0x80 {
        let n = (b & 0x3f) as usize;
        (LpItem::Str(bytes(p + 1, n)?), 1 + n)
    } else if b & 0xE0 == 0xC0 {
        let u = (((b & 0x1f) as u16) << 8) | get(p + 1)? as u16;
        let v = if u >= 1 << 12 { u as i64 - (1 << 13) } else { u as i64 };
        (LpItem::Int(v), 2)
    } else if b & 0xF0 == 0xE0 {
        let n = (((b & 0x0f) as usize) << 8) | get(p + 1)? as usize;
        (LpItem::Str(bytes(p + 2, n)?), 2 + n)
    } else {
        match b {
            0xF0 => {
                let h = bytes(p + 1, 4)?;
                let n = u32::from_le_bytes([h[0], h[1], h[2], h[3]]) as usize;
                (LpItem::Str(bytes(p + 5, n)?), 5 + n)
            }
            0xF1 => {
                let h = bytes(p + 1, 2)?;
                (LpItem::Int(i16::from_le_bytes([h[0], h[1]]) as i64), 3)
            }
            0xF2 => {
                let h = bytes(p + 1, 3)?;
                let v = i32::from_le_bytes([0, h[0], h[1], h[2]]) >> 8;
                (LpItem::Int(v as i64), 4)
            }
            0xF3 => {
                let h = bytes(p + 1, 4)?;
                (LpItem::Int(i32::from_le_bytes([h[0], h[1], h[2], h[3]]) as i64), 5)
            }
            0xF4 => {
                let h = bytes(p + 1, 8)?;
                let mut a = [0u8; 8];
                a.copy_from_slice(h);
                (LpItem::Int(i64::from_le_bytes(a)), 9)
            }
            _ => return Err(LpError("invalid entry encoding")),
        }
    };
    let next = p + l + backlen_size(l);
    if next > lp.len() {
        return Err(LpError("entry runs past the end"));
    }
    Ok((item, next))
}

/// The deep check Redis makes with `sanitize-dump-payload yes` (on top of [`decode`]'s): every
/// entry's backlen must encode that entry's size, or walking the listpack backwards (as Redis does)
/// would go astray. Call it on a blob [`decode`] accepted.
pub fn check_backlens(lp: &[u8]) -> Result<(), LpError> {
    let mut p = HDR;
    while lp.get(p).is_some_and(|&b| b != EOF) {
        let (_, next) = read_entry(lp, p)?;
        let total = next - p;
        let l = (1..=5).map(|s| total.saturating_sub(s)).find(|&l| l + backlen_size(l) == total).ok_or(LpError("bad entry size"))?;
        let mut want = Vec::with_capacity(5);
        put_backlen(&mut want, l);
        if lp[p + l..next] != want[..] {
            return Err(LpError("entry backlen does not match its size"));
        }
        p = next;
    }
    Ok(())
}

/// Validates a listpack blob (header size and count, every entry within bounds, terminator) and
/// returns its elements.
pub fn decode(lp: &[u8]) -> Result<Vec<LpItem<'_>>, LpError> {
    if lp.len() < HDR + 1 {
        return Err(LpError("too short"));
    }
    let total = u32::from_le_bytes([lp[0], lp[1], lp[2], lp[3]]) as usize;
    if total != lp.len() {
        return Err(LpError("header size does not match the blob"));
    }
    if lp[lp.len() - 1] != EOF {
        return Err(LpError("no terminator"));
    }
    let count = u16::from_le_bytes([lp[4], lp[5]]) as usize;
    let mut items = Vec::with_capacity(count.min(4096));
    let mut p = HDR;
    loop {
        match lp.get(p) {
            None => return Err(LpError("entry runs past the end")),
            Some(&EOF) => break,
            Some(_) => {
                let (item, next) = read_entry(lp, p)?;
                items.push(item);
                p = next;
            }
        }
    }
    if p != lp.len() - 1 {
        return Err(LpError("data after the terminator"));
    }
    if count != COUNT_UNKNOWN && count != items.len() {
        return Err(LpError("element count does not match the header"));
    }
    Ok(items)
}

// ---------------------------------------------------------------------------------------------
// A finished listpack edited in place (streams keep their nodes this way). Offsets point at an
// entry's first byte; the offset of the terminator means "the end". These functions trust the
// blob: it was built here or passed `decode` (and `check_backlens`) when loaded.

/// Offset of the first entry.
pub const FIRST: usize = HDR;

/// An empty listpack with room for `cap` bytes (`lpNew`).
pub fn new_blob(cap: usize) -> Vec<u8> {
    let mut b = Vec::with_capacity(cap.max(HDR + 1));
    b.extend_from_slice(&((HDR + 1) as u32).to_le_bytes());
    b.extend_from_slice(&[0, 0, EOF]);
    b
}

/// True when `off` is the terminator (or past it).
#[inline]
pub fn at_end(lp: &[u8], off: usize) -> bool {
    lp.get(off).is_none_or(|&b| b == EOF)
}

/// The element at `off` and the offset of the next one. A damaged blob reads as the end.
#[inline]
pub fn get(lp: &[u8], off: usize) -> (LpItem<'_>, usize) {
    match read_entry(lp, off) {
        Ok(r) => r,
        Err(_) => (LpItem::Int(0), lp.len().saturating_sub(1)),
    }
}

/// The integer at `off` (a string element reads as its integer value, or 0) and the next offset.
#[inline]
pub fn get_int(lp: &[u8], off: usize) -> (i64, usize) {
    let b = lp.get(off).copied().unwrap_or(EOF);
    if b & 0x80 == 0 {
        return ((b & 0x7f) as i64, off + 2);
    }
    match get(lp, off) {
        (LpItem::Int(v), next) => (v, next),
        (LpItem::Str(s), next) => (parse_i64(s).unwrap_or(0), next),
    }
}

/// The offset of the element after the one at `off`, from its encoding byte alone (the hot
/// path of walking a stream node). A damaged blob reads as the end.
#[inline]
pub fn skip(lp: &[u8], off: usize) -> usize {
    let Some(&b) = lp.get(off) else { return lp.len().saturating_sub(1) };
    let l = if b & 0x80 == 0 {
        1
    } else if b & 0xC0 == 0x80 {
        1 + (b & 0x3f) as usize
    } else if b & 0xE0 == 0xC0 {
        2
    } else if b & 0xF0 == 0xE0 {
        match lp.get(off + 1) {
            Some(&n) => 2 + ((((b & 0x0f) as usize) << 8) | n as usize),
            None => return lp.len().saturating_sub(1),
        }
    } else {
        match b {
            0xF0 => match lp.get(off + 1..off + 5) {
                Some(h) => 5 + u32::from_le_bytes([h[0], h[1], h[2], h[3]]) as usize,
                None => return lp.len().saturating_sub(1),
            },
            0xF1 => 3,
            0xF2 => 4,
            0xF3 => 5,
            0xF4 => 9,
            _ => return lp.len().saturating_sub(1),
        }
    };
    let next = off + l + backlen_size(l);
    if next >= lp.len() {
        return lp.len().saturating_sub(1);
    }
    next
}

/// The offset of the element before `off` (which may be the terminator's), walking the backlen;
/// `None` at the first element.
pub fn prev(lp: &[u8], off: usize) -> Option<usize> {
    if off <= HDR {
        return None;
    }
    // The backlen is stored big-endian-ish from its last byte backwards, 7 bits a byte; every
    // byte but the first one read has the high bit set.
    let mut p = off - 1;
    let mut l: usize = 0;
    let mut shift = 0;
    loop {
        let b = *lp.get(p)?;
        l |= ((b & 127) as usize) << shift;
        if b & 128 == 0 {
            break;
        }
        shift += 7;
        if shift > 28 || p == 0 {
            return None;
        }
        p -= 1;
    }
    p.checked_sub(l).filter(|&s| s >= HDR)
}

/// Total bytes (`lpBytes`).
pub fn blob_bytes(lp: &[u8]) -> usize {
    lp.len()
}

fn set_total(lp: &mut [u8]) {
    let total = lp.len() as u32;
    lp[0..4].copy_from_slice(&total.to_le_bytes());
}

fn bump_count(lp: &mut [u8]) {
    let c = u16::from_le_bytes([lp[4], lp[5]]) as usize;
    if c < COUNT_UNKNOWN {
        lp[4..6].copy_from_slice(&((c + 1) as u16).to_le_bytes());
    }
}

/// Appends a string (stored as an integer when it is one, like `lpAppend`).
pub fn append(lp: &mut Vec<u8>, ele: &[u8]) {
    lp.pop();
    match parse_i64(ele) {
        Some(v) => encode_int(lp, v),
        None => encode_str(lp, ele),
    }
    lp.push(EOF);
    set_total(lp);
    bump_count(lp);
}

/// Appends an integer.
pub fn append_int(lp: &mut Vec<u8>, v: i64) {
    lp.pop();
    encode_int(lp, v);
    lp.push(EOF);
    set_total(lp);
    bump_count(lp);
}

/// Replaces the element at `off` with the integer `v` (`lpReplaceInteger`); the following
/// elements move if the size changes. Returns the offset of the element after it.
pub fn replace_int(lp: &mut Vec<u8>, off: usize, v: i64) -> usize {
    // The common case in place: a 7-bit integer replacing another (a node's counts, flags).
    if (0..128).contains(&v) && lp.get(off).is_some_and(|&b| b & 0x80 == 0) {
        lp[off] = v as u8;
        return off + 2;
    }
    let (_, next) = get(lp, off);
    let mut enc = Vec::with_capacity(11);
    encode_int(&mut enc, v);
    if enc.len() == next - off {
        lp[off..next].copy_from_slice(&enc);
    } else {
        lp.splice(off..next, enc.iter().copied());
        set_total(lp);
    }
    off + enc.len()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn backlens_are_checked_only_on_request() {
        let good = encode([&b"f1"[..], b"v1", &[b'x'; 200][..]]);
        assert!(decode(&good).is_ok() && check_backlens(&good).is_ok());
        let mut bad = good.clone();
        bad[HDR + 3] = 5; // "f1"'s backlen says 5, the entry is 3 bytes
        assert!(decode(&bad).is_ok(), "the shallow check walks forwards only");
        assert_eq!(check_backlens(&bad), Err(LpError("entry backlen does not match its size")));
    }
    use crate::util::Rng;

    #[test]
    fn matches_redis_bytes() {
        // HSET H f v f2 7 on redis-server 7.0 (facts §4.5).
        let lp = encode([&b"f"[..], b"v", b"f2", b"7"]);
        assert_eq!(lp, b"\x13\x00\x00\x00\x04\x00\x81f\x02\x81v\x02\x82f2\x03\x07\x01\xff".to_vec());
        // RPUSH L a b 1 2
        assert_eq!(encode([&b"a"[..], b"b", b"1", b"2"]), b"\x11\x00\x00\x00\x04\x00\x81a\x02\x81b\x02\x01\x01\x02\x01\xff".to_vec());
    }

    #[test]
    fn round_trip_every_encoding() {
        let long64 = vec![b'x'; 64];
        let long4096 = vec![b'y'; 4096];
        let long200k = vec![b'z'; 200_000];
        let ints: Vec<String> = [
            0i64,
            1,
            127,
            128,
            -1,
            -4096,
            4095,
            4096,
            -4097,
            32767,
            -32768,
            32768,
            8388607,
            -8388608,
            8388608,
            i32::MAX as i64,
            i32::MIN as i64,
            i32::MAX as i64 + 1,
            i64::MAX,
            i64::MIN,
        ]
        .iter()
        .map(|n| n.to_string())
        .collect();
        let mut items: Vec<&[u8]> = vec![b"", b"a", b"01", b"-0", b"+1", b"1.5", &long64, &long4096, &long200k];
        items.extend(ints.iter().map(|s| s.as_bytes()));
        let lp = encode(items.iter().copied());
        let back = decode(&lp).unwrap();
        assert_eq!(back.len(), items.len());
        for (a, b) in items.iter().zip(&back) {
            assert_eq!(&b.to_vec(), a);
        }
        for s in &ints {
            assert!(matches!(decode(&encode([s.as_bytes()])).unwrap()[0], LpItem::Int(_)));
        }
        let mut size = HDR + 1;
        for it in &items {
            size += entry_size(it);
        }
        assert_eq!(size, lp.len());
    }

    #[test]
    fn edits_in_place_match_a_fresh_build() {
        let mut lp = new_blob(64);
        for e in [&b"1"[..], b"0", b"field", b"127", b"x"] {
            append(&mut lp, e);
        }
        assert_eq!(lp, encode([&b"1"[..], b"0", b"field", b"127", b"x"]));
        let next = replace_int(&mut lp, FIRST, 128);
        assert_eq!(lp, encode([&b"128"[..], b"0", b"field", b"127", b"x"]));
        assert_eq!(get(&lp, next).0, LpItem::Int(0));
        replace_int(&mut lp, FIRST, 5);
        assert_eq!(lp, encode([&b"5"[..], b"0", b"field", b"127", b"x"]));
        // Walking back from the terminator visits every element.
        let mut off = lp.len() - 1;
        let mut back = vec![];
        while let Some(p) = prev(&lp, off) {
            back.push(get(&lp, p).0.to_vec());
            off = p;
        }
        assert_eq!(back, vec![b"x".to_vec(), b"127".to_vec(), b"field".to_vec(), b"0".to_vec(), b"5".to_vec()]);
        let big = vec![b'q'; 5000];
        append(&mut lp, &big);
        let last = prev(&lp, lp.len() - 1).unwrap();
        assert_eq!(get(&lp, last).0.to_vec(), big);
        assert!(decode(&lp).is_ok() && check_backlens(&lp).is_ok());
    }

    #[test]
    fn corrupt_blobs_never_panic() {
        let lp = encode([&b"hello"[..], b"12345", b"world", &[b'q'; 300], b"-7"]);
        assert!(decode(&lp).is_ok());
        assert!(decode(&lp[..lp.len() - 1]).is_err());
        assert!(decode(&[]).is_err());
        let mut rng = Rng::seeded();
        for _ in 0..20_000 {
            let mut m = lp.clone();
            for _ in 0..1 + rng.below(3) {
                let i = rng.below(m.len());
                m[i] = rng.below(256) as u8;
            }
            if rng.below(5) == 0 {
                m.truncate(rng.below(m.len() + 1));
            }
            let _ = decode(&m);
        }
    }
}
