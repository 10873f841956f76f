//! Intsets (`intset.c`): the blob of an integer set. Header: encoding u32 LE (2, 4 or 8 bytes per
//! element), length u32 LE; then the elements, sorted ascending, signed little-endian.

/// Why an intset blob was refused.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct IntsetError(pub &'static str);

impl std::fmt::Display for IntsetError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "intset integrity check failed: {}", self.0)
    }
}

impl std::error::Error for IntsetError {}

/// The narrowest element width that holds every value (an intset only ever upgrades, so Redis's
/// own blob can be wider after removals; for the values we hold this is what a fresh one uses).
fn width(values: &[i64]) -> usize {
    let mut w = 2;
    for &v in values {
        if v < i32::MIN as i64 || v > i32::MAX as i64 {
            return 8;
        }
        if v < i16::MIN as i64 || v > i16::MAX as i64 {
            w = 4;
        }
    }
    w
}

/// Encodes sorted, distinct integers.
pub fn encode(values: &[i64]) -> Vec<u8> {
    let w = width(values);
    let mut out = Vec::with_capacity(8 + w * values.len());
    out.extend_from_slice(&(w as u32).to_le_bytes());
    out.extend_from_slice(&(values.len() as u32).to_le_bytes());
    for &v in values {
        match w {
            2 => out.extend_from_slice(&(v as i16).to_le_bytes()),
            4 => out.extend_from_slice(&(v as i32).to_le_bytes()),
            _ => out.extend_from_slice(&v.to_le_bytes()),
        }
    }
    out
}

/// Decodes and validates an intset: known encoding, exact size, not empty, strictly ascending.
pub fn decode(blob: &[u8]) -> Result<Vec<i64>, IntsetError> {
    if blob.len() < 8 {
        return Err(IntsetError("too short"));
    }
    let w = u32::from_le_bytes([blob[0], blob[1], blob[2], blob[3]]) as usize;
    if !matches!(w, 2 | 4 | 8) {
        return Err(IntsetError("invalid encoding"));
    }
    let count = u32::from_le_bytes([blob[4], blob[5], blob[6], blob[7]]) as usize;
    if count.checked_mul(w).and_then(|n| n.checked_add(8)) != Some(blob.len()) {
        return Err(IntsetError("size does not match the length"));
    }
    if count == 0 {
        return Err(IntsetError("empty"));
    }
    let mut out = Vec::with_capacity(count);
    for c in blob[8..].chunks_exact(w) {
        let v = match w {
            2 => i16::from_le_bytes([c[0], c[1]]) as i64,
            4 => i32::from_le_bytes([c[0], c[1], c[2], c[3]]) as i64,
            _ => i64::from_le_bytes([c[0], c[1], c[2], c[3], c[4], c[5], c[6], c[7]]),
        };
        if out.last().is_some_and(|&last| last >= v) {
            return Err(IntsetError("not sorted or has duplicates"));
        }
        out.push(v);
    }
    Ok(out)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::util::Rng;

    #[test]
    fn matches_redis_bytes() {
        // SADD S 1 2 3 on redis-server 7.0 (facts §4.5).
        assert_eq!(encode(&[1, 2, 3]), b"\x02\x00\x00\x00\x03\x00\x00\x00\x01\x00\x02\x00\x03\x00".to_vec());
    }

    #[test]
    fn round_trips_each_width() {
        for vals in [vec![-5, 0, 7], vec![-40000, 1, 40000], vec![i64::MIN, -1, i64::MAX], vec![i16::MIN as i64, i16::MAX as i64]] {
            let blob = encode(&vals);
            assert_eq!(decode(&blob).unwrap(), vals);
        }
        assert_eq!(encode(&[i16::MAX as i64 + 1])[0], 4);
        assert_eq!(encode(&[i32::MIN as i64 - 1])[0], 8);
    }

    #[test]
    fn refuses_corrupt_blobs() {
        assert!(decode(&encode(&[])).is_err());
        assert!(decode(b"\x03\x00\x00\x00\x01\x00\x00\x00\x01\x00\x00").is_err());
        assert!(decode(b"\x02\x00\x00\x00\x02\x00\x00\x00\x02\x00\x01\x00").is_err());
        let blob = encode(&[1, 5, 9, 70000]);
        let mut rng = Rng::seeded();
        for _ in 0..5000 {
            let mut m = blob.clone();
            let i = rng.below(m.len());
            m[i] = rng.below(256) as u8;
            m.truncate(m.len() - rng.below(3));
            let _ = decode(&m);
        }
    }
}
