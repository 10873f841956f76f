//! Ziplists (`ziplist.c`) and zipmaps (`zipmap.c`): the compact encodings of RDB files written by
//! Redis 6.2 and older. Decode only; Redis 7.0 converts them to listpacks on load and so do we.
//!
//! Ziplist: zlbytes u32 LE, zltail u32 LE, zllen u16 LE, entries, `0xFF`. Entry: prevlen (1 byte,
//! or `0xFE` + u32 LE), encoding (`00pppppp` / `01pppppp qqqqqqqq` / `10______` + u32 BE string
//! lengths; `C0` int16, `D0` int32, `E0` int64, `F0` int24, `FE` int8, `F1..FD` 0..12), data.

/// Why a ziplist or zipmap blob was refused.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ZlError(pub &'static str);

impl std::fmt::Display for ZlError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "ziplist integrity check failed: {}", self.0)
    }
}

impl std::error::Error for ZlError {}

const HDR: usize = 10;
const END: u8 = 0xFF;

fn slice(b: &[u8], from: usize, n: usize) -> Result<&[u8], ZlError> {
    from.checked_add(n).and_then(|to| b.get(from..to)).ok_or(ZlError("entry runs past the end"))
}

fn le_int(b: &[u8]) -> i64 {
    // Sign-extend a little-endian integer of 1..=8 bytes.
    let mut v: u64 = 0;
    for (i, &x) in b.iter().enumerate() {
        v |= (x as u64) << (8 * i);
    }
    let shift = 64 - 8 * b.len() as u32;
    ((v << shift) as i64) >> shift
}

/// Decodes a ziplist into its elements (integers in decimal).
pub fn decode(zl: &[u8]) -> Result<Vec<Vec<u8>>, ZlError> {
    if zl.len() < HDR + 1 {
        return Err(ZlError("too short"));
    }
    let bytes = u32::from_le_bytes([zl[0], zl[1], zl[2], zl[3]]) as usize;
    if bytes != zl.len() {
        return Err(ZlError("header size does not match the blob"));
    }
    let tail = u32::from_le_bytes([zl[4], zl[5], zl[6], zl[7]]) as usize;
    if tail > zl.len() - 1 {
        return Err(ZlError("tail offset out of range"));
    }
    if zl[zl.len() - 1] != END {
        return Err(ZlError("no terminator"));
    }
    let count = u16::from_le_bytes([zl[8], zl[9]]) as usize;
    let mut out = Vec::with_capacity(count.min(4096));
    let mut p = HDR;
    // The size of the previous entry, which each entry's prevlen must state: Redis checks it
    // whatever `sanitize-dump-payload` says (it converts every ziplist it loads).
    let mut prev_size = 0usize;
    loop {
        let start = p;
        let b = *zl.get(p).ok_or(ZlError("entry runs past the end"))?;
        if b == END {
            break;
        }
        let prevlen = if b < 254 { b as usize } else { u32::from_le_bytes(slice(zl, p + 1, 4)?.try_into().unwrap_or_default()) as usize };
        if prevlen != prev_size {
            return Err(ZlError("prevlen does not match the previous entry"));
        }
        p += if b < 254 { 1 } else { 5 };
        let enc = *zl.get(p).ok_or(ZlError("entry runs past the end"))?;
        let (item, next) = match enc >> 6 {
            0 => {
                let n = (enc & 0x3f) as usize;
                (slice(zl, p + 1, n)?.to_vec(), p + 1 + n)
            }
            1 => {
                let n = (((enc & 0x3f) as usize) << 8) | *zl.get(p + 1).ok_or(ZlError("entry runs past the end"))? as usize;
                (slice(zl, p + 2, n)?.to_vec(), p + 2 + n)
            }
            2 => {
                let h = slice(zl, p + 1, 4)?;
                let n = u32::from_be_bytes([h[0], h[1], h[2], h[3]]) as usize;
                (slice(zl, p + 5, n)?.to_vec(), p + 5 + n)
            }
            _ => {
                let (v, n) = match enc {
                    0xC0 => (le_int(slice(zl, p + 1, 2)?), 2),
                    0xD0 => (le_int(slice(zl, p + 1, 4)?), 4),
                    0xE0 => (le_int(slice(zl, p + 1, 8)?), 8),
                    0xF0 => (le_int(slice(zl, p + 1, 3)?), 3),
                    0xFE => (le_int(slice(zl, p + 1, 1)?), 1),
                    0xF1..=0xFD => (((enc & 0x0f) as i64) - 1, 0),
                    _ => return Err(ZlError("invalid entry encoding")),
                };
                (v.to_string().into_bytes(), p + 1 + n)
            }
        };
        if next >= zl.len() {
            return Err(ZlError("entry runs past the end"));
        }
        out.push(item);
        prev_size = next - start;
        p = next;
    }
    if p != zl.len() - 1 {
        return Err(ZlError("data after the terminator"));
    }
    if count != 65535 && count != out.len() {
        return Err(ZlError("element count does not match the header"));
    }
    Ok(out)
}

/// Decodes a zipmap (Redis ≤ 2.4 small hashes) into field/value pairs.
/// Layout: zmlen (1 byte), then per pair `<len>field<len><free>value<free bytes>`, then `0xFF`;
/// a length is one byte below 254, else `0xFE` + u32 LE.
pub fn decode_zipmap(zm: &[u8]) -> Result<Vec<(Vec<u8>, Vec<u8>)>, ZlError> {
    fn len_at(zm: &[u8], p: usize) -> Result<(usize, usize), ZlError> {
        let b = *zm.get(p).ok_or(ZlError("zipmap runs past the end"))?;
        match b {
            0..=253 => Ok((b as usize, p + 1)),
            254 => {
                let h = slice(zm, p + 1, 4)?;
                Ok((u32::from_le_bytes([h[0], h[1], h[2], h[3]]) as usize, p + 5))
            }
            _ => Err(ZlError("zipmap length is the end marker")),
        }
    }
    if zm.len() < 2 {
        return Err(ZlError("too short"));
    }
    let mut out = Vec::new();
    let mut p = 1;
    loop {
        match zm.get(p) {
            None => return Err(ZlError("zipmap runs past the end")),
            Some(&END) => break,
            Some(_) => {}
        }
        let (flen, q) = len_at(zm, p)?;
        let field = slice(zm, q, flen)?.to_vec();
        let (vlen, q) = len_at(zm, q + flen)?;
        let free = *zm.get(q).ok_or(ZlError("zipmap runs past the end"))? as usize;
        let value = slice(zm, q + 1, vlen)?.to_vec();
        p = q + 1 + vlen + free;
        out.push((field, value));
    }
    if p != zm.len() - 1 {
        return Err(ZlError("data after the zipmap terminator"));
    }
    Ok(out)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::util::Rng;

    /// A ziplist as Redis 6.2 writes it for RPUSH l a 12 -3 hello 100000 300 (hand-assembled).
    fn sample() -> Vec<u8> {
        let e: Vec<Vec<u8>> = vec![
            vec![0x01, b'a'], // "a"
            vec![0xFD],       // 12 immediate
            vec![0xFE, 0xFD], // -3 as int8
            vec![0x05, b'h', b'e', b'l', b'l', b'o'],
            vec![0xF0, 0xA0, 0x86, 0x01], // 100000 as int24
            vec![0xC0, 0x2C, 0x01],       // 300 as int16
        ];
        let mut body = Vec::new();
        let mut prev = 0usize;
        let mut tail = 0;
        for x in &e {
            tail = HDR + body.len();
            body.push(prev as u8);
            body.extend_from_slice(x);
            prev = x.len() + 1;
        }
        let mut zl = Vec::new();
        let total = HDR + body.len() + 1;
        zl.extend_from_slice(&(total as u32).to_le_bytes());
        zl.extend_from_slice(&(tail as u32).to_le_bytes());
        zl.extend_from_slice(&(e.len() as u16).to_le_bytes());
        zl.extend_from_slice(&body);
        zl.push(END);
        zl
    }

    #[test]
    fn decodes_every_encoding() {
        let got = decode(&sample()).unwrap();
        let want: Vec<Vec<u8>> = ["a", "12", "-3", "hello", "100000", "300"].iter().map(|s| s.as_bytes().to_vec()).collect();
        assert_eq!(got, want);
    }

    #[test]
    fn zipmap() {
        let zm = b"\x02\x03foo\x03\x00bar\x01k\x02\x02vvxx\xff";
        assert_eq!(decode_zipmap(zm).unwrap(), vec![(b"foo".to_vec(), b"bar".to_vec()), (b"k".to_vec(), b"vv".to_vec())]);
        assert!(decode_zipmap(&zm[..zm.len() - 1]).is_err());
    }

    #[test]
    fn corrupt_blobs_never_panic() {
        let zl = sample();
        let mut rng = Rng::seeded();
        for _ in 0..20_000 {
            let mut m = zl.clone();
            let i = rng.below(m.len());
            m[i] = rng.below(256) as u8;
            if rng.below(4) == 0 {
                m.truncate(rng.below(m.len() + 1));
            }
            let _ = decode(&m);
            let _ = decode_zipmap(&m);
        }
    }
}
