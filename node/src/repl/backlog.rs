//! The replication backlog (`repl-backlog-size`): the last bytes of the replication stream, so a
//! replica that lost its link can continue from its offset (PSYNC's partial resynchronization).

/// A ring buffer of the stream's most recent bytes. Offsets are stream offsets: the first byte
/// ever fed after creation is `first_offset` when the backlog is full of history from the start.
#[derive(Debug)]
pub struct Backlog {
    buf: Vec<u8>,
    /// Where the next byte goes in `buf`.
    idx: usize,
    /// Bytes of history held (≤ capacity).
    pub histlen: usize,
    /// Stream offset of the oldest byte held (repl_backlog_first_byte_offset).
    pub first_offset: i64,
}

impl Backlog {
    /// A backlog created when the stream is at `master_offset` (its next byte is master_offset+1).
    pub fn new(size: usize, master_offset: i64) -> Backlog {
        Backlog { buf: vec![0; size.max(16 * 1024)], idx: 0, histlen: 0, first_offset: master_offset + 1 }
    }

    pub fn size(&self) -> usize {
        self.buf.len()
    }

    /// Appends stream bytes (the caller advances the master offset by the same amount).
    pub fn feed(&mut self, mut data: &[u8]) {
        let cap = self.buf.len();
        let total = data.len();
        if data.len() > cap {
            data = &data[data.len() - cap..];
        }
        let mut rest = data;
        while !rest.is_empty() {
            let n = rest.len().min(cap - self.idx);
            self.buf[self.idx..self.idx + n].copy_from_slice(&rest[..n]);
            self.idx = (self.idx + n) % cap;
            rest = &rest[n..];
        }
        let new_hist = self.histlen + total;
        if new_hist > cap {
            self.first_offset += (new_hist - cap) as i64;
            self.histlen = cap;
        } else {
            self.histlen = new_hist;
        }
    }

    /// Resizes (CONFIG SET repl-backlog-size), keeping as much recent history as fits.
    pub fn resize(&mut self, size: usize) {
        let size = size.max(16 * 1024);
        if size == self.buf.len() {
            return;
        }
        let end = self.first_offset + self.histlen as i64;
        let keep = self.histlen.min(size);
        let recent = self.range(end - keep as i64, end).unwrap_or_default();
        self.buf = vec![0; size];
        self.idx = 0;
        self.histlen = 0;
        self.first_offset = end - keep as i64;
        self.feed_raw_keep(&recent);
    }

    fn feed_raw_keep(&mut self, data: &[u8]) {
        let first = self.first_offset;
        self.feed(data);
        self.first_offset = first;
    }

    /// The bytes from stream offset `from` (inclusive) to `to` (exclusive), if all are still held.
    pub fn range(&self, from: i64, to: i64) -> Option<Vec<u8>> {
        let end = self.first_offset + self.histlen as i64;
        if from < self.first_offset || to > end || from > to {
            return None;
        }
        let cap = self.buf.len();
        // Position in buf of the oldest byte.
        let start_idx = (self.idx + cap - self.histlen) % cap;
        let skip = (from - self.first_offset) as usize;
        let len = (to - from) as usize;
        let mut out = Vec::with_capacity(len);
        let mut pos = (start_idx + skip) % cap;
        let mut left = len;
        while left > 0 {
            let n = left.min(cap - pos);
            out.extend_from_slice(&self.buf[pos..pos + n]);
            pos = (pos + n) % cap;
            left -= n;
        }
        Some(out)
    }

    /// Whether a replica at `offset` (the next byte it needs) can continue from here.
    pub fn can_continue_from(&self, offset: i64) -> bool {
        offset >= self.first_offset && offset <= self.first_offset + self.histlen as i64
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn keeps_the_most_recent_bytes() {
        let mut b = Backlog::new(16 * 1024, 0);
        assert_eq!(b.first_offset, 1);
        b.feed(b"hello");
        assert_eq!(b.range(1, 6).unwrap(), b"hello");
        assert_eq!(b.range(3, 6).unwrap(), b"llo");
        assert!(b.can_continue_from(6));
        assert!(!b.can_continue_from(7));
        let big: Vec<u8> = (0..40_000u32).map(|i| (i % 251) as u8).collect();
        b.feed(&big);
        let end = 1 + 5 + big.len() as i64;
        assert_eq!(b.histlen, 16 * 1024);
        assert_eq!(b.first_offset, end - 16 * 1024);
        assert_eq!(b.range(end - 100, end).unwrap(), &big[big.len() - 100..]);
        assert!(b.range(1, 6).is_none());
    }

    #[test]
    fn resize_keeps_recent_history() {
        let mut b = Backlog::new(32 * 1024, 100);
        let data: Vec<u8> = (0..20_000u32).map(|i| (i % 200) as u8).collect();
        b.feed(&data);
        let end = 101 + data.len() as i64;
        b.resize(16 * 1024);
        assert_eq!(b.first_offset, end - 16 * 1024);
        assert_eq!(b.range(end - 16 * 1024, end).unwrap(), &data[data.len() - 16 * 1024..]);
        b.feed(b"xyz");
        assert_eq!(b.range(end, end + 3).unwrap(), b"xyz");
    }
}
