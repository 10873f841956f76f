//! LZF compression, compatible with liblzf 3.6 (`lzf_c.c`, `lzf_d.c`), which Redis 7.0 bundles
//! and distribution builds link as the system liblzf.
//!
//! The compressor follows liblzf 3.6's algorithm with Redis's build settings (HLOG 16, VERY_FAST,
//! not ULTRA_FAST) step by step, so for the same input and output budget it produces the same
//! bytes as redis-server: a DUMP payload or RDB file written by us matches Redis's byte for byte
//! (checked against redis-server 7.0.15 on multi-node lists). liblzf leaves its hash table
//! uninitialised; we start every call from an empty one, which is deterministic. (Older liblzf,
//! with an extra `ip + 4 < in_end` condition on matches, compresses the last bytes differently.)
//!
//! Format: a control byte `000LLLLL` starts a literal run of L+1 bytes; `LLLooooo oooooooo` is a
//! back-reference of L+2 bytes at distance `o`+1; `111ooooo LLLLLLLL oooooooo` one of L+9 bytes.

use std::cell::RefCell;

const HLOG: u32 = 16;
const HSIZE: usize = 1 << HLOG;
const MAX_LIT: usize = 1 << 5;
const MAX_OFF: usize = 1 << 13;
const MAX_REF: usize = (1 << 8) + (1 << 3);

/// Why a compressed block could not be expanded.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum LzfError {
    /// The output would exceed the announced uncompressed length (liblzf's E2BIG).
    TooLong,
    /// A literal or back-reference runs outside the input or before the start of the output (EINVAL).
    Corrupt,
    /// The block expanded to fewer bytes than announced.
    TooShort,
}

impl std::fmt::Display for LzfError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(match self {
            LzfError::TooLong => "LZF data expands beyond its announced length",
            LzfError::Corrupt => "corrupt LZF data",
            LzfError::TooShort => "LZF data expands to less than its announced length",
        })
    }
}

impl std::error::Error for LzfError {}

/// The hash table, reused between calls: an entry is `generation << 32 | position`, so a new
/// call invalidates the whole table by bumping the generation instead of clearing 512 KiB.
struct HashTable {
    slots: Vec<u64>,
    generation: u32,
}

thread_local! {
    static HTAB: RefCell<HashTable> = const { RefCell::new(HashTable { slots: Vec::new(), generation: 0 }) };
}

#[inline]
fn frst(input: &[u8], p: usize) -> u32 {
    ((input[p] as u32) << 8) | input[p + 1] as u32
}

#[inline]
fn next(v: u32, input: &[u8], p: usize) -> u32 {
    (v << 8) | input[p + 2] as u32
}

#[inline]
fn idx(h: u32) -> usize {
    ((h >> (3 * 8 - HLOG)).wrapping_sub(h.wrapping_mul(5)) as usize) & (HSIZE - 1)
}

/// Compresses `input` into at most `out_len` bytes, like `lzf_compress(in, in_len, out, out_len)`;
/// None when it does not fit (liblzf returns 0).
pub fn compress(input: &[u8], out_len: usize) -> Option<Vec<u8>> {
    if input.is_empty() || out_len == 0 || input.len() > u32::MAX as usize {
        return None;
    }
    HTAB.with(|t| {
        let mut t = t.borrow_mut();
        if t.slots.is_empty() {
            t.slots = vec![0; HSIZE];
        }
        t.generation = t.generation.wrapping_add(1);
        if t.generation == 0 {
            t.slots.iter_mut().for_each(|s| *s = 0);
            t.generation = 1;
        }
        let gen = t.generation;
        compress_with(input, out_len, &mut t.slots, gen)
    })
}

fn compress_with(input: &[u8], out_len: usize, htab: &mut [u64], gen: u32) -> Option<Vec<u8>> {
    let in_end = input.len();
    // liblzf writes into a buffer of out_len (+1 spare byte Redis allocates); bounds are checked
    // against out_end exactly as in C, the slack only absorbs the reserved run-header byte.
    let out_end = out_len;
    let mut out = vec![0u8; out_len + 4];
    let tag = (gen as u64) << 32;
    let lookup = |htab: &[u64], h: usize| -> Option<usize> {
        let v = htab[h];
        (v >> 32 == gen as u64).then_some((v & 0xffff_ffff) as usize)
    };

    let mut ip = 0usize;
    let mut op = 1usize; // start run
    let mut lit = 0usize;

    if in_end >= 3 {
        let mut hval = frst(input, ip);
        while ip + 2 < in_end {
            hval = next(hval, input, ip);
            let h = idx(hval);
            let reference = lookup(htab, h);
            htab[h] = tag | ip as u64;

            let matched = reference.filter(|&r| {
                r < ip && ip - r - 1 < MAX_OFF && r > 0 && input[r + 2] == input[ip + 2] && input[r] == input[ip] && input[r + 1] == input[ip + 1]
            });
            if let Some(r) = matched {
                let off = ip - r - 1;
                let mut len = 2usize;
                let maxlen = (in_end - ip - len).min(MAX_REF);

                // A faster conservative test, then the exact one.
                if op + 3 + 1 >= out_end && op - (lit == 0) as usize + 3 + 1 >= out_end {
                    return None;
                }
                out[op - lit - 1] = (lit as u8).wrapping_sub(1); // stop run
                op -= (lit == 0) as usize; // undo run if length is zero

                'scan: {
                    if maxlen > 16 {
                        for _ in 0..16 {
                            len += 1;
                            if input[r + len] != input[ip + len] {
                                break 'scan;
                            }
                        }
                    }
                    loop {
                        len += 1;
                        if !(len < maxlen && input[r + len] == input[ip + len]) {
                            break;
                        }
                    }
                }

                len -= 2; // len is now #octets - 1
                ip += 1;

                if len < 7 {
                    out[op] = ((off >> 8) + (len << 5)) as u8;
                    op += 1;
                } else {
                    out[op] = ((off >> 8) + (7 << 5)) as u8;
                    out[op + 1] = (len - 7) as u8;
                    op += 2;
                }
                out[op] = off as u8;
                op += 1;
                lit = 0;
                op += 1; // start run

                ip += len + 1;
                if ip + 2 >= in_end {
                    break;
                }

                // VERY_FAST: hash the last two positions of the match.
                ip -= 2;
                hval = frst(input, ip);
                hval = next(hval, input, ip);
                htab[idx(hval)] = tag | ip as u64;
                ip += 1;
                hval = next(hval, input, ip);
                htab[idx(hval)] = tag | ip as u64;
                ip += 1;
            } else {
                // One more literal byte.
                if op >= out_end {
                    return None;
                }
                lit += 1;
                out[op] = input[ip];
                op += 1;
                ip += 1;
                if lit == MAX_LIT {
                    out[op - lit - 1] = (lit - 1) as u8; // stop run
                    lit = 0;
                    op += 1; // start run
                }
            }
        }
    }

    if op + 3 > out_end {
        return None;
    }
    while ip < in_end {
        lit += 1;
        out[op] = input[ip];
        op += 1;
        ip += 1;
        if lit == MAX_LIT {
            out[op - lit - 1] = (lit - 1) as u8;
            lit = 0;
            op += 1;
        }
    }
    out[op - lit - 1] = (lit as u8).wrapping_sub(1); // end run
    op -= (lit == 0) as usize; // undo run if length is zero
    out.truncate(op);
    Some(out)
}

/// What Redis's `rdbSaveLzfStringObject` does with a string: compress only if that saves at
/// least four bytes (output budget `len - 4`). None = store it plain.
pub fn compress_for_rdb(input: &[u8]) -> Option<Vec<u8>> {
    if input.len() <= 4 {
        return None;
    }
    compress(input, input.len() - 4)
}

/// Expands `input` into exactly `out_len` bytes (liblzf's `lzf_decompress` with CHECK_INPUT, plus
/// the caller's check that the result has the announced length). Never panics on corrupt input.
pub fn decompress(input: &[u8], out_len: usize) -> Result<Vec<u8>, LzfError> {
    // Every 3 input bytes expand to at most 264 output bytes; refuse absurd announced lengths
    // before allocating for them.
    if out_len > input.len().saturating_mul(88).saturating_add(8) {
        return Err(LzfError::Corrupt);
    }
    let mut out: Vec<u8> = Vec::with_capacity(out_len);
    let mut ip = 0usize;
    while ip < input.len() {
        let ctrl = input[ip] as usize;
        ip += 1;
        if ctrl < 32 {
            let n = ctrl + 1;
            if out.len() + n > out_len {
                return Err(LzfError::TooLong);
            }
            if ip + n > input.len() {
                return Err(LzfError::Corrupt);
            }
            out.extend_from_slice(&input[ip..ip + n]);
            ip += n;
        } else {
            let mut len = ctrl >> 5;
            let mut back = ((ctrl & 0x1f) << 8) + 1;
            if ip >= input.len() {
                return Err(LzfError::Corrupt);
            }
            if len == 7 {
                len += input[ip] as usize;
                ip += 1;
                if ip >= input.len() {
                    return Err(LzfError::Corrupt);
                }
            }
            back += input[ip] as usize;
            ip += 1;
            let n = len + 2;
            if out.len() + n > out_len {
                return Err(LzfError::TooLong);
            }
            if back > out.len() {
                return Err(LzfError::Corrupt);
            }
            let start = out.len() - back;
            // Byte by byte: the source may overlap what is being written (runs).
            for i in 0..n {
                let b = out[start + i];
                out.push(b);
            }
        }
    }
    if out.len() != out_len {
        return Err(LzfError::TooShort);
    }
    Ok(out)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::util::Rng;

    fn round_trip(data: &[u8]) {
        if let Some(c) = compress(data, data.len() + 64) {
            assert_eq!(decompress(&c, data.len()).as_deref(), Ok(data), "len {}", data.len());
        }
    }

    #[test]
    fn known_vectors() {
        // What redis-server 7.0 stores (DUMP) for 30 × 'a' and for a repeated phrase.
        let c = compress_for_rdb(&[b'a'; 30]).unwrap();
        assert_eq!(c, b"\x01aa\xe0\x11\x00\x01aa".to_vec());
        assert_eq!(decompress(&c, 30).unwrap(), vec![b'a'; 30]);
        let phrase = b"hello world hello world hello world hello world";
        let c = compress_for_rdb(phrase).unwrap();
        assert_eq!(c, b"\x0chello world h\xe0\x17\x0b\x01ld".to_vec());
        assert_eq!(decompress(&c, phrase.len()).unwrap(), phrase.to_vec());
        // liblzf 3.6 also takes a match that starts in the last four bytes.
        let tail = b"abcdefghijklmnopqrstuvwxyz!!!!!!!!!!!!!!!!!!!!xyz";
        assert_eq!(compress_for_rdb(tail).unwrap(), b"\x1aabcdefghijklmnopqrstuvwxyz!\xe0\x0a\x00\x20\x16".to_vec());
        // Incompressible data does not fit a budget smaller than the input.
        let data: Vec<u8> = (0..64u8).collect();
        assert_eq!(compress_for_rdb(&data), None);
    }

    #[test]
    fn round_trips() {
        let mut rng = Rng::seeded();
        for len in [1, 2, 3, 4, 5, 20, 21, 100, 1000, 70_000] {
            let random: Vec<u8> = (0..len).map(|_| rng.below(256) as u8).collect();
            let text: Vec<u8> = (0..len).map(|i| b"abcabcabd"[i % 9]).collect();
            let low: Vec<u8> = (0..len).map(|_| b"ab"[rng.below(2)]).collect();
            round_trip(&random);
            round_trip(&text);
            round_trip(&low);
            let c = compress_for_rdb(&text);
            if len >= 100 {
                assert!(c.is_some(), "repetitive text of {len} compresses");
            }
        }
    }

    #[test]
    fn corrupt_input_is_refused() {
        assert_eq!(decompress(&[0x05, b'a'], 6), Err(LzfError::Corrupt)); // literal past the end
        assert_eq!(decompress(&[0x20, 0x00], 3), Err(LzfError::Corrupt)); // reference before start
        assert_eq!(decompress(&[0x00, b'a', 0x20], 3), Err(LzfError::Corrupt)); // truncated reference
        assert_eq!(decompress(&[0x01, b'a', b'b'], 1), Err(LzfError::TooLong));
        assert_eq!(decompress(&[0x01, b'a', b'b'], 3), Err(LzfError::TooShort));
        assert_eq!(decompress(&[0x00, b'a'], 1 << 40), Err(LzfError::Corrupt));
        let mut rng = Rng::seeded();
        let data: Vec<u8> = (0..500).map(|i| b"hello world "[i % 12]).collect();
        let c = compress_for_rdb(&data).unwrap();
        for _ in 0..2000 {
            let mut m = c.clone();
            let i = rng.below(m.len());
            m[i] = rng.below(256) as u8;
            if rng.below(4) == 0 {
                m.truncate(rng.below(m.len() + 1));
            }
            let _ = decompress(&m, data.len());
            let _ = decompress(&m, rng.below(1000));
        }
    }
}
