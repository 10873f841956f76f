//! HyperLogLog values, byte-for-byte compatible with Redis 7.0 (`hyperloglog.c`).
//!
//! An HLL is an ordinary string value. Layout (all offsets in bytes):
//!
//! * `0..4`   magic `"HYLL"`
//! * `4`      encoding: 0 = dense, 1 = sparse
//! * `5..8`   unused (copied verbatim on sparse -> dense conversion)
//! * `8..16`  cached cardinality, little endian; bit 7 of byte 15 set = cache invalid
//! * `16..`   registers: dense = 16384 packed 6-bit registers (12288 bytes, LSB
//!   first); sparse = run-length opcodes: `00xxxxxx` ZERO (1..=64 zero registers),
//!   `01xxxxxx yyyyyyyy` XZERO (1..=16384 zero registers, 14-bit length - 1),
//!   `1vvvvvxx` VAL (value 1..=32 repeated 1..=4 times).
//!
//! Everything here works on raw bytes and depends only on `std`. Every public
//! function validates the header first (like `isHLLObjectOrReply`) and never
//! panics on malformed input: malformed sparse data yields [`HllError::Corrupt`]
//! exactly where Redis replies `-INVALIDOBJ`, and is otherwise processed the way
//! Redis processes it (Redis updates a sparse value in place even when opcodes
//! *after* the touched register are bogus, and so does [`add`]).
//!
//! Caller responsibilities (things Redis does in the command layer):
//! * non-string keys get the generic `WRONGTYPE Operation against a key holding the
//!   wrong kind of value` (checkType); [`check`] only covers string contents;
//! * PFADD on a missing key creates [`new_sparse`] and counts that as an update
//!   (so the cache is invalidated via [`invalidate_cache`] even with no elements);
//! * after any `Ok(true)` / "changed" result: signalModifiedKey, keyspace event, dirty++.

use std::fmt;

/// Register index bits (HLL_P).
pub const HLL_P: u32 = 14;
/// Hash bits used for the run of zeroes (HLL_Q = 64 - P).
pub const HLL_Q: u32 = 64 - HLL_P;
/// Number of registers (HLL_REGISTERS).
pub const HLL_REGISTERS: usize = 1 << HLL_P;
/// Header size (HLL_HDR_SIZE).
pub const HLL_HDR_SIZE: usize = 16;
/// Exact byte length of a dense HLL (HLL_DENSE_SIZE).
pub const HLL_DENSE_SIZE: usize = HLL_HDR_SIZE + (HLL_REGISTERS * HLL_BITS).div_ceil(8);
/// Encoding byte value of the dense representation.
pub const HLL_DENSE: u8 = 0;
/// Encoding byte value of the sparse representation.
pub const HLL_SPARSE: u8 = 1;
/// Default of the `hll-sparse-max-bytes` config.
pub const HLL_SPARSE_MAX_BYTES_DEFAULT: usize = 3000;

const HLL_BITS: usize = 6;
const HLL_REGISTER_MAX: u32 = (1 << HLL_BITS) - 1;
const HLL_P_MASK: u64 = (HLL_REGISTERS as u64) - 1;
const HLL_MAX_ENCODING: u8 = 1;
const HASH_SEED: u32 = 0xadc8_3b19;
const SPARSE_VAL_MAX_VALUE: u8 = 32;
const SPARSE_VAL_MAX_LEN: usize = 4;
const SPARSE_ZERO_MAX_LEN: usize = 64;
const SPARSE_XZERO_MAX_LEN: usize = 16384;
/// 0.5/ln(2), the bias constant of the Ertl estimator.
#[allow(clippy::excessive_precision)]
const HLL_ALPHA_INF: f64 = 0.721347520444481703680;
/// Histogram size; Redis uses 64, we allow any byte so raw input can't index out of range.
const HISTO_LEN: usize = 256;

/// Why an HLL operation failed (the cases where Redis replies with an error).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum HllError {
    /// The string is not an HLL (bad length/magic/encoding): `-WRONGTYPE ...`.
    NotHll,
    /// Sparse data that does not describe exactly 16384 registers: `-INVALIDOBJ ...`.
    Corrupt,
    /// PFDEBUG DECODE on a dense HLL: `-ERR HLL encoding is not sparse`.
    NotSparse,
}

impl HllError {
    /// The error line Redis sends, without the leading `-`.
    pub fn message(&self) -> &'static str {
        match self {
            HllError::NotHll => "WRONGTYPE Key is not a valid HyperLogLog string value.",
            HllError::Corrupt => "INVALIDOBJ Corrupted HLL object detected",
            HllError::NotSparse => "ERR HLL encoding is not sparse",
        }
    }
}

impl fmt::Display for HllError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.message())
    }
}

impl std::error::Error for HllError {}

// ---------------------------------------------------------------------------
// Hashing
// ---------------------------------------------------------------------------

/// MurmurHash64A (MurmurHash2, 64-bit), endian-neutral as in Redis (`MurmurHash64A`).
pub fn murmurhash64a(key: &[u8], seed: u32) -> u64 {
    const M: u64 = 0xc6a4_a793_5bd1_e995;
    const R: u32 = 47;
    let len = key.len();
    let mut h: u64 = (seed as u64) ^ (len as u64).wrapping_mul(M);
    let mut chunks = key.chunks_exact(8);
    for c in &mut chunks {
        let mut k = u64::from_le_bytes([c[0], c[1], c[2], c[3], c[4], c[5], c[6], c[7]]);
        k = k.wrapping_mul(M);
        k ^= k >> R;
        k = k.wrapping_mul(M);
        h ^= k;
        h = h.wrapping_mul(M);
    }
    let tail = chunks.remainder();
    if !tail.is_empty() {
        for (i, &b) in tail.iter().enumerate().rev() {
            h ^= (b as u64) << (8 * i);
        }
        h = h.wrapping_mul(M);
    }
    h ^= h >> R;
    h = h.wrapping_mul(M);
    h ^= h >> R;
    h
}

/// Register index and "000..1" pattern length of an element (`hllPatLen`): the low
/// 14 hash bits pick the register, the count is 1 + trailing zeroes of the other 50
/// bits (at most 51).
pub fn pat_len(element: &[u8]) -> (usize, u8) {
    let hash = murmurhash64a(element, HASH_SEED);
    let index = (hash & HLL_P_MASK) as usize;
    let rest = (hash >> HLL_P) | (1u64 << HLL_Q);
    (index, (rest.trailing_zeros() + 1) as u8)
}

// ---------------------------------------------------------------------------
// Header helpers
// ---------------------------------------------------------------------------

/// Validate an HLL string (`isHLLObjectOrReply`): length >= 16, magic, encoding <= 1,
/// and a dense value must be exactly 12304 bytes. Sparse payload is not checked.
pub fn check(v: &[u8]) -> Result<(), HllError> {
    if v.len() < HLL_HDR_SIZE || &v[0..4] != b"HYLL" || v[4] > HLL_MAX_ENCODING {
        return Err(HllError::NotHll);
    }
    if v[4] == HLL_DENSE && v.len() != HLL_DENSE_SIZE {
        return Err(HllError::NotHll);
    }
    Ok(())
}

/// Set the cache-invalid bit (`HLL_INVALIDATE_CACHE`), as PFADD/PFMERGE do after a change.
pub fn invalidate_cache(v: &mut [u8]) {
    if v.len() >= HLL_HDR_SIZE {
        v[15] |= 0x80;
    }
}

/// Whether the cached cardinality may be used (`HLL_VALID_CACHE`).
pub fn cache_valid(v: &[u8]) -> bool {
    v.len() >= HLL_HDR_SIZE && v[15] & 0x80 == 0
}

/// Whether a (valid) HLL uses the sparse encoding.
pub fn is_sparse(v: &[u8]) -> bool {
    v.len() > 4 && v[4] == HLL_SPARSE
}

/// Empty HLL (`createHLLObject`): sparse header with a zero cache and one XZERO:16384.
pub fn new_sparse() -> Vec<u8> {
    let mut v = Vec::with_capacity(HLL_HDR_SIZE + 2);
    v.extend_from_slice(b"HYLL");
    v.push(HLL_SPARSE);
    v.extend_from_slice(&[0u8; 11]);
    let mut left = HLL_REGISTERS;
    while left > 0 {
        let n = left.min(SPARSE_XZERO_MAX_LEN);
        let mut op = [0u8; 2];
        xzero_set(&mut op, 0, n);
        v.extend_from_slice(&op);
        left -= n;
    }
    v
}

// ---------------------------------------------------------------------------
// Dense registers (`HLL_DENSE_GET_REGISTER` / `HLL_DENSE_SET_REGISTER`)
// ---------------------------------------------------------------------------

#[inline]
fn dense_get(regs: &[u8], i: usize) -> u8 {
    let byte = i * HLL_BITS / 8;
    let fb = (i * HLL_BITS) & 7;
    let b0 = regs[byte] as u32;
    // Redis reads the sds terminator for the last register; its bits are masked off.
    let b1 = regs.get(byte + 1).copied().unwrap_or(0) as u32;
    (((b0 >> fb) | (b1 << (8 - fb))) & HLL_REGISTER_MAX) as u8
}

#[inline]
fn dense_put(regs: &mut [u8], i: usize, val: u8) {
    let byte = i * HLL_BITS / 8;
    let fb = (i * HLL_BITS) & 7;
    let fb8 = 8 - fb;
    let v = val as u32;
    regs[byte] &= !((HLL_REGISTER_MAX << fb) as u8);
    regs[byte] |= (v << fb) as u8;
    if let Some(b1) = regs.get_mut(byte + 1) {
        *b1 &= !((HLL_REGISTER_MAX >> fb8) as u8);
        *b1 |= (v >> fb8) as u8;
    }
}

/// Raise a dense register to `count` if it is smaller (`hllDenseSet`).
fn dense_set(regs: &mut [u8], index: usize, count: u8) -> bool {
    if count > dense_get(regs, index) {
        dense_put(regs, index, count);
        true
    } else {
        false
    }
}

// ---------------------------------------------------------------------------
// Sparse opcodes
// ---------------------------------------------------------------------------

#[inline]
fn is_zero_op(b: u8) -> bool {
    b & 0xc0 == 0
}
#[inline]
fn is_xzero_op(b: u8) -> bool {
    b & 0xc0 == 0x40
}
#[inline]
fn is_val_op(b: u8) -> bool {
    b & 0x80 != 0
}
#[inline]
fn zero_len(b: u8) -> usize {
    (b & 0x3f) as usize + 1
}
#[inline]
fn xzero_len(b0: u8, b1: u8) -> usize {
    ((((b0 & 0x3f) as usize) << 8) | b1 as usize) + 1
}
#[inline]
fn val_value(b: u8) -> u8 {
    ((b >> 2) & 0x1f) + 1
}
#[inline]
fn val_len(b: u8) -> usize {
    (b & 0x3) as usize + 1
}
#[inline]
fn val_op(val: u8, len: usize) -> u8 {
    (((val as usize - 1) << 2 | (len - 1)) as u8) | 0x80
}
#[inline]
fn zero_op(len: usize) -> u8 {
    (len - 1) as u8
}
#[inline]
fn xzero_set(buf: &mut [u8], at: usize, len: usize) {
    let l = len - 1;
    buf[at] = ((l >> 8) as u8) | 0x40;
    buf[at + 1] = (l & 0xff) as u8;
}

/// Writes a run of `len` zero registers at `at` as ZERO or, when longer, XZERO; returns its bytes.
fn put_zero_run(buf: &mut [u8], at: usize, len: usize) -> usize {
    if len > SPARSE_ZERO_MAX_LEN {
        xzero_set(buf, at, len);
        2
    } else {
        buf[at] = zero_op(len);
        1
    }
}

/// One decoded sparse opcode.
enum Op {
    Zero(usize),
    Val(u8, usize),
}

impl Op {
    fn len(&self) -> usize {
        match *self {
            Op::Zero(n) | Op::Val(_, n) => n,
        }
    }
}

/// Walk sparse opcodes like Redis does. An XZERO whose second byte is missing
/// (last byte of the string) reads the sds NUL terminator, i.e. 0.
fn sparse_ops(body: &[u8]) -> impl Iterator<Item = Op> + '_ {
    let mut p = 0usize;
    std::iter::from_fn(move || {
        if p >= body.len() {
            return None;
        }
        let b = body[p];
        if is_zero_op(b) {
            p += 1;
            Some(Op::Zero(zero_len(b)))
        } else if is_xzero_op(b) {
            let b1 = body.get(p + 1).copied().unwrap_or(0);
            p += 2;
            Some(Op::Zero(xzero_len(b, b1)))
        } else {
            p += 1;
            Some(Op::Val(val_value(b), val_len(b)))
        }
    })
}

/// Sparse -> dense conversion (`hllSparseToDense`); header (incl. the unused bytes and
/// the cached cardinality) is copied, encoding becomes dense. Err if the opcodes do not
/// cover exactly 16384 registers.
fn sparse_to_dense_bytes(v: &[u8]) -> Result<Vec<u8>, HllError> {
    let mut dense = vec![0u8; HLL_DENSE_SIZE];
    dense[..HLL_HDR_SIZE].copy_from_slice(&v[..HLL_HDR_SIZE]);
    dense[4] = HLL_DENSE;
    let regs = &mut dense[HLL_HDR_SIZE..];
    let mut idx = 0usize;
    for op in sparse_ops(&v[HLL_HDR_SIZE..]) {
        let n = op.len();
        if idx + n > HLL_REGISTERS {
            return Err(HllError::Corrupt); // run past the last register
        }
        if let Op::Val(val, _) = op {
            for i in idx..idx + n {
                dense_put(regs, i, val);
            }
        }
        idx += n;
    }
    if idx != HLL_REGISTERS {
        return Err(HllError::Corrupt);
    }
    Ok(dense)
}

/// `hllSparseSet`: raise register `index` to `count` in a sparse HLL, in place, with
/// Redis's exact opcode split and adjacent-VAL merge, promoting to dense when `count`
/// exceeds 32 or the value would grow beyond `max_bytes`. Unlike Redis this does not
/// invalidate the cache itself (callers do it on `Ok(true)`, which is equivalent).
fn sparse_set(v: &mut Vec<u8>, index: usize, count: u8, max_bytes: usize) -> Result<bool, HllError> {
    if count > SPARSE_VAL_MAX_VALUE {
        return promote(v, index, count);
    }
    // Work like the C code on an sds buffer: logical length `len`, a NUL terminator at
    // v[len] and 3 spare bytes (sdsMakeRoomFor(o->ptr,3)).
    let orig_len = v.len();
    v.resize(orig_len + 4, 0);
    let r = sparse_set_in_buf(v, orig_len, index, count, max_bytes);
    match r {
        SetResult::Done(changed, new_len) => {
            v.truncate(new_len);
            Ok(changed)
        }
        SetResult::Invalid => {
            v.truncate(orig_len);
            Err(HllError::Corrupt)
        }
        SetResult::Promote => {
            v.truncate(orig_len);
            promote(v, index, count)
        }
    }
}

enum SetResult {
    Done(bool, usize),
    Invalid,
    Promote,
}

fn sparse_set_in_buf(v: &mut [u8], len0: usize, index: usize, count: u8, max_bytes: usize) -> SetResult {
    let sparse = HLL_HDR_SIZE;
    let mut len = len0;
    let mut end = len0;

    // Step 1: find the opcode covering `index`.
    let mut p = sparse;
    let mut first = 0usize;
    let mut prev: Option<usize> = None;
    let mut span = 0usize;
    while p < end {
        let b = v[p];
        let oplen;
        if is_zero_op(b) {
            span = zero_len(b);
            oplen = 1;
        } else if is_val_op(b) {
            span = val_len(b);
            oplen = 1;
        } else {
            span = xzero_len(b, v[p + 1]);
            oplen = 2;
        }
        if index < first + span {
            break;
        }
        prev = Some(p);
        p += oplen;
        first += span;
    }
    if span == 0 || p >= end {
        return SetResult::Invalid;
    }
    let b = v[p];
    let next = {
        let n = if is_xzero_op(b) { p + 2 } else { p + 1 };
        if n >= end {
            None
        } else {
            Some(n)
        }
    };
    let (is_zero, is_xzero, is_val) = (is_zero_op(b), is_xzero_op(b), is_val_op(b));
    let runlen = if is_zero {
        zero_len(b)
    } else if is_xzero {
        xzero_len(b, v[p + 1])
    } else {
        val_len(b)
    };

    let mut updated_in_place = false;
    if is_val {
        let oldcount = val_value(b);
        if oldcount >= count {
            return SetResult::Done(false, len);
        }
        if runlen == 1 {
            v[p] = val_op(count, 1);
            updated_in_place = true;
        }
    }
    if !updated_in_place && is_zero && runlen == 1 {
        v[p] = val_op(count, 1);
        updated_in_place = true;
    }

    if !updated_in_place {
        // General case: split the opcode into up to three (max 5 bytes).
        let mut seq = [0u8; 5];
        let mut n = 0usize;
        let last = first + span - 1;
        if is_zero || is_xzero {
            if index != first {
                n += put_zero_run(&mut seq, n, index - first);
            }
            seq[n] = val_op(count, 1);
            n += 1;
            if index != last {
                n += put_zero_run(&mut seq, n, last - index);
            }
        } else {
            let curval = val_value(b);
            if index != first {
                seq[n] = val_op(curval, index - first);
                n += 1;
            }
            seq[n] = val_op(count, 1);
            n += 1;
            if index != last {
                seq[n] = val_op(curval, last - index);
                n += 1;
            }
        }

        // Step 3: replace the old opcode with the new sequence.
        let seqlen = n as isize;
        let oldlen: isize = if is_xzero { 2 } else { 1 };
        let delta = seqlen - oldlen;
        if delta > 0 && len as isize + delta > max_bytes as isize {
            return SetResult::Promote;
        }
        if delta != 0 {
            if let Some(nx) = next {
                let dst = (nx as isize + delta) as usize;
                v.copy_within(nx..end, dst);
            }
        }
        len = (len as isize + delta) as usize; // sdsIncrLen
        v[len] = 0;
        v[p..p + n].copy_from_slice(&seq[..n]);
        end = (end as isize + delta) as usize;
    }

    // Step 4: merge adjacent VAL opcodes with equal value, scanning up to 5 opcodes
    // starting from the one before the updated opcode.
    let mut p = prev.unwrap_or(sparse);
    let mut scanlen = 5;
    while p < end {
        if scanlen == 0 {
            break;
        }
        scanlen -= 1;
        let b = v[p];
        if is_xzero_op(b) {
            p += 2;
            continue;
        } else if is_zero_op(b) {
            p += 1;
            continue;
        }
        if p + 1 < end && is_val_op(v[p + 1]) {
            let v1 = val_value(b);
            let v2 = val_value(v[p + 1]);
            if v1 == v2 {
                let l = val_len(b) + val_len(v[p + 1]);
                if l <= SPARSE_VAL_MAX_LEN {
                    v[p + 1] = val_op(v1, l);
                    v.copy_within(p + 1..end + 1, p);
                    len -= 1;
                    v[len] = 0;
                    end -= 1;
                    continue;
                }
            }
        }
        p += 1;
    }
    SetResult::Done(true, len)
}

/// The `promote:` path of `hllSparseSet`: convert to dense, then set the register.
fn promote(v: &mut Vec<u8>, index: usize, count: u8) -> Result<bool, HllError> {
    let mut dense = sparse_to_dense_bytes(v)?;
    let changed = dense_set(&mut dense[HLL_HDR_SIZE..], index, count);
    *v = dense;
    Ok(changed)
}

/// Raise register `index` to `count` whatever the encoding (hllDenseSet/hllSparseSet).
fn set_register(v: &mut Vec<u8>, index: usize, count: u8, max_bytes: usize) -> Result<bool, HllError> {
    if v[4] == HLL_DENSE {
        Ok(dense_set(&mut v[HLL_HDR_SIZE..], index, count))
    } else {
        sparse_set(v, index, count, max_bytes)
    }
}

// ---------------------------------------------------------------------------
// Estimator
// ---------------------------------------------------------------------------

/// `hllSigma` from Ertl, "New cardinality estimation algorithms for HyperLogLog sketches".
fn hll_sigma(mut x: f64) -> f64 {
    if x == 1.0 {
        return f64::INFINITY;
    }
    let mut y = 1.0f64;
    let mut z = x;
    loop {
        x *= x;
        let z_prime = z;
        z += x * y;
        y += y;
        if z_prime == z {
            return z;
        }
    }
}

/// `hllTau` from the same paper (`pow(1-x,2)` is `t*t`, as gcc compiles it).
fn hll_tau(mut x: f64) -> f64 {
    if x == 0.0 || x == 1.0 {
        return 0.0;
    }
    let mut y = 1.0f64;
    let mut z = 1.0 - x;
    loop {
        x = x.sqrt();
        let z_prime = z;
        y *= 0.5;
        let t = 1.0 - x;
        z -= t * t * y;
        if z_prime == z {
            return z / 3.0;
        }
    }
}

/// Cardinality from a register histogram (the estimator part of `hllCount`).
fn estimate(h: &[i64; HISTO_LEN]) -> u64 {
    let m = HLL_REGISTERS as f64;
    let q = HLL_Q as usize;
    let mut z = m * hll_tau((m - h[q + 1] as f64) / m);
    for j in (1..=q).rev() {
        z += h[j] as f64;
        z *= 0.5;
    }
    z += m * hll_sigma(h[0] as f64 / m);
    // llroundl: round half away from zero, like f64::round; a result that does not fit a long
    // long (infinity when every register is at its maximum) is LLONG_MIN, as x86's conversion
    // gives, and Redis stores and replies with that.
    let e = (HLL_ALPHA_INF * m * m / z).round();
    if e.is_finite() && e >= i64::MIN as f64 && e < i64::MAX as f64 {
        e as i64 as u64
    } else {
        i64::MIN as u64
    }
}

/// Register histogram of a checked HLL value (`hllDenseRegHisto` / `hllSparseRegHisto`).
fn histogram(v: &[u8]) -> Result<[i64; HISTO_LEN], HllError> {
    let mut h = [0i64; HISTO_LEN];
    let body = &v[HLL_HDR_SIZE..];
    if v[4] == HLL_DENSE {
        for i in 0..HLL_REGISTERS {
            h[dense_get(body, i) as usize] += 1;
        }
    } else {
        let mut idx = 0usize;
        for op in sparse_ops(body) {
            let n = op.len();
            if idx + n > HLL_REGISTERS {
                return Err(HllError::Corrupt);
            }
            let val = match op {
                Op::Zero(_) => 0,
                Op::Val(val, _) => val,
            };
            h[val as usize] += n as i64;
            idx += n;
        }
        if idx != HLL_REGISTERS {
            return Err(HllError::Corrupt);
        }
    }
    Ok(h)
}

fn read_cache(v: &[u8]) -> u64 {
    let mut b = [0u8; 8];
    b.copy_from_slice(&v[8..16]);
    u64::from_le_bytes(b)
}

// ---------------------------------------------------------------------------
// Public operations
// ---------------------------------------------------------------------------

/// PFADD of one element (`hllAdd` -> hllDenseAdd/hllSparseAdd): hashes the element,
/// raises its register (sparse values are edited in place exactly like Redis, and
/// promoted to dense when a value > 32 is needed or the string would exceed
/// `sparse_max_bytes` = `hll-sparse-max-bytes`). Returns whether a register changed;
/// on change the cache-invalid bit is set (what PFADD does when `updated`).
/// On `Err(Corrupt)` earlier elements of the same PFADD stay applied, as in Redis.
pub fn add(v: &mut Vec<u8>, element: &[u8], sparse_max_bytes: usize) -> Result<bool, HllError> {
    check(v)?;
    let (index, count) = pat_len(element);
    let changed = set_register(v, index, count, sparse_max_bytes)?;
    if changed {
        invalidate_cache(v);
    }
    Ok(changed)
}

/// Single-key PFCOUNT (`pfcountCommand` case 2 + `hllCount`): returns the cached
/// cardinality if the cache is valid, else recomputes it and stores it in the header.
/// The bool is true when the value bytes changed (Redis then does
/// signalModifiedKey + dirty++ so the new cache is propagated).
pub fn count(v: &mut [u8]) -> Result<(u64, bool), HllError> {
    check(v)?;
    if cache_valid(v) {
        return Ok((read_cache(v), false));
    }
    let card = estimate(&histogram(v)?);
    v[8..16].copy_from_slice(&card.to_le_bytes());
    Ok((card, true))
}

/// Compute the cardinality without touching the cache (`hllCount` on the value, as
/// the PFSELFTEST does); Err(Corrupt) for invalid sparse data.
pub fn estimate_value(v: &[u8]) -> Result<u64, HllError> {
    check(v)?;
    Ok(estimate(&histogram(v)?))
}

/// `hllMerge`: max[i] = max(max[i], register i of `v`) for a sparse or dense HLL
/// (used by multi-key PFCOUNT and PFMERGE). Validates `v` like isHLLObjectOrReply first.
pub fn merge_into(max: &mut [u8; HLL_REGISTERS], v: &[u8]) -> Result<(), HllError> {
    check(v)?;
    let body = &v[HLL_HDR_SIZE..];
    if v[4] == HLL_DENSE {
        for (i, m) in max.iter_mut().enumerate() {
            let val = dense_get(body, i);
            if val > *m {
                *m = val;
            }
        }
        return Ok(());
    }
    let mut i = 0usize;
    for op in sparse_ops(body) {
        let n = op.len();
        if i + n > HLL_REGISTERS {
            return Err(HllError::Corrupt);
        }
        if let Op::Val(val, _) = op {
            for m in &mut max[i..i + n] {
                if val > *m {
                    *m = val;
                }
            }
        }
        i += n;
    }
    if i != HLL_REGISTERS {
        return Err(HllError::Corrupt);
    }
    Ok(())
}

/// `hllCount` on the internal HLL_RAW encoding (one byte per register): the estimate
/// multi-key PFCOUNT replies with after merging every key with [`merge_into`].
pub fn count_registers(regs: &[u8; HLL_REGISTERS]) -> u64 {
    let mut h = [0i64; HISTO_LEN];
    for &r in regs.iter() {
        h[r as usize] += 1;
    }
    estimate(&h)
}

/// The write step of `pfmergeCommand`: `dest` is the existing destination value or
/// [`new_sparse`]; if `use_dense` (some merged key, the destination included, was
/// dense) it is converted to dense first; then every non-zero register of `regs` is
/// applied in index order with hllDenseSet/hllSparseSet (so a sparse destination stays
/// sparse unless a value > 32 or `sparse_max_bytes` forces promotion), and finally the
/// cache is invalidated. Redis ignores hllSparseSet failures here; so do we.
pub fn merge_store(dest: &mut Vec<u8>, regs: &[u8; HLL_REGISTERS], use_dense: bool, sparse_max_bytes: usize) -> Result<(), HllError> {
    check(dest)?;
    if use_dense {
        to_dense(dest)?;
    }
    for (j, &r) in regs.iter().enumerate() {
        if r == 0 {
            continue;
        }
        // Redis discards the -1 from hllSparseSet in PFMERGE.
        let _ = set_register(dest, j, r, sparse_max_bytes);
    }
    invalidate_cache(dest);
    Ok(())
}

/// Whole PFMERGE (`pfmergeCommand`): `values` are the existing values of
/// `destkey, src1, src2, ...` in argument order (missing keys omitted; the destination
/// is merged too, as Redis does), `dest` the destination's current value if it exists.
/// Returns the new destination value. Type checks on non-string keys are the caller's.
pub fn pfmerge(values: &[&[u8]], dest: Option<&[u8]>, sparse_max_bytes: usize) -> Result<Vec<u8>, HllError> {
    let mut max = [0u8; HLL_REGISTERS];
    let mut use_dense = false;
    for v in values {
        check(v)?;
        if v[4] == HLL_DENSE {
            use_dense = true;
        }
        merge_into(&mut max, v)?;
    }
    let mut out = match dest {
        Some(d) => d.to_vec(),
        None => new_sparse(),
    };
    merge_store(&mut out, &max, use_dense, sparse_max_bytes)?;
    Ok(out)
}

/// What PFMERGE stores into a new key when some input is dense (`createHLLObject` +
/// `hllSparseToDense` + hllDenseSet per register + HLL_INVALIDATE_CACHE): a dense HLL
/// with zero header bytes and the cache-invalid bit set. When all inputs are sparse
/// Redis 7.0 keeps the destination sparse: use [`merge_store`] / [`pfmerge`] for that.
pub fn dense_from_registers(regs: &[u8; HLL_REGISTERS]) -> Vec<u8> {
    let mut v = vec![0u8; HLL_DENSE_SIZE];
    v[0..4].copy_from_slice(b"HYLL");
    v[4] = HLL_DENSE;
    {
        let body = &mut v[HLL_HDR_SIZE..];
        for (i, &r) in regs.iter().enumerate() {
            if r != 0 {
                dense_set(body, i, r.min(HLL_REGISTER_MAX as u8));
            }
        }
    }
    invalidate_cache(&mut v);
    v
}

/// PFDEBUG TODENSE (`hllSparseToDense`): converts a sparse value in place and returns
/// true (Redis then does dirty++), false if it was already dense.
pub fn to_dense(v: &mut Vec<u8>) -> Result<bool, HllError> {
    check(v)?;
    if v[4] == HLL_DENSE {
        return Ok(false);
    }
    *v = sparse_to_dense_bytes(v)?;
    Ok(true)
}

/// The 16384 register values of an HLL (what PFDEBUG GETREG replies), without
/// modifying it. Note PFDEBUG GETREG also converts a sparse key to dense: see
/// [`pfdebug_getreg`].
pub fn registers(v: &[u8]) -> Result<Vec<u8>, HllError> {
    check(v)?;
    let dense;
    let d: &[u8] = if v[4] == HLL_DENSE {
        v
    } else {
        dense = sparse_to_dense_bytes(v)?;
        &dense
    };
    let body = &d[HLL_HDR_SIZE..];
    Ok((0..HLL_REGISTERS).map(|i| dense_get(body, i)).collect())
}

/// PFDEBUG GETREG exactly as Redis: a sparse value is converted to dense in place
/// (bool = converted, Redis does dirty++), then the registers are returned.
pub fn pfdebug_getreg(v: &mut Vec<u8>) -> Result<(Vec<u8>, bool), HllError> {
    let converted = to_dense(v)?;
    Ok((registers(v)?, converted))
}

/// PFDEBUG DECODE text (`pfdebugCommand` "decode"): `z:N` ZERO, `Z:N` XZERO, `v:VAL,N`
/// VAL, space separated; Err(NotSparse) for a dense value. Never fails on bad opcodes.
pub fn decode_sparse(v: &[u8]) -> Result<String, HllError> {
    check(v)?;
    if v[4] != HLL_SPARSE {
        return Err(HllError::NotSparse);
    }
    let body = &v[HLL_HDR_SIZE..];
    let mut out = String::new();
    let mut p = 0usize;
    while p < body.len() {
        let b = body[p];
        if is_zero_op(b) {
            out.push_str(&format!("z:{} ", zero_len(b)));
            p += 1;
        } else if is_xzero_op(b) {
            let b1 = body.get(p + 1).copied().unwrap_or(0);
            out.push_str(&format!("Z:{} ", xzero_len(b, b1)));
            p += 2;
        } else {
            out.push_str(&format!("v:{},{} ", val_value(b), val_len(b)));
            p += 1;
        }
    }
    Ok(out.trim_matches(' ').to_string())
}

/// PFDEBUG ENCODING reply: "dense" or "sparse".
pub fn encoding_name(v: &[u8]) -> Result<&'static str, HllError> {
    check(v)?;
    Ok(if v[4] == HLL_DENSE { "dense" } else { "sparse" })
}

// ---------------------------------------------------------------------------
// PFSELFTEST
// ---------------------------------------------------------------------------

struct XorShift(u64);

impl XorShift {
    fn seeded() -> XorShift {
        let t = std::time::SystemTime::now().duration_since(std::time::UNIX_EPOCH).map(|d| d.as_nanos() as u64).unwrap_or(0x9e37_79b9_7f4a_7c15);
        let local = 0u8;
        let addr = &local as *const u8 as u64;
        XorShift((t ^ addr.rotate_left(32)) | 1)
    }
    fn next(&mut self) -> u64 {
        let mut x = self.0;
        x ^= x << 13;
        x ^= x >> 7;
        x ^= x << 17;
        self.0 = x;
        x.wrapping_mul(0x2545_f491_4f6c_dd1d)
    }
}

/// PFSELFTEST (`pfselftestCommand`): (1) 1000 rounds of random dense register writes
/// read back exactly without disturbing neighbours; (2) 10M distinct 8-byte elements
/// added to a dense and a sparse HLL: sparse stays sparse at 1/10/100/1000 elements
/// (for checkpoints below `sparse_max_bytes/2`), both agree at every power of ten,
/// and the error is <= 6 standard errors (1 at cardinality 10). Err carries Redis's
/// reply text without the leading '-' ("ERR TESTFAILED ...").
pub fn selftest(sparse_max_bytes: usize) -> Result<(), String> {
    let mut rng = XorShift::seeded();
    let mut dense = vec![0u8; HLL_DENSE_SIZE];
    dense[0..4].copy_from_slice(b"HYLL");
    let mut bytecounters = vec![0u8; HLL_REGISTERS];

    // Test 1: register access.
    for _ in 0..1000 {
        let regs = &mut dense[HLL_HDR_SIZE..];
        for (i, bc) in bytecounters.iter_mut().enumerate() {
            let r = (rng.next() as u32 & HLL_REGISTER_MAX) as u8;
            *bc = r;
            dense_put(regs, i, r);
        }
        for (i, &bc) in bytecounters.iter().enumerate() {
            let val = dense_get(regs, i);
            if val != bc {
                return Err(format!("ERR TESTFAILED Register {} should be {} but is {}", i, bc, val));
            }
        }
    }

    // Test 2: approximation error, dense and sparse side by side.
    for b in &mut dense[HLL_HDR_SIZE..] {
        *b = 0;
    }
    let mut sparse = new_sparse();
    let relerr = 1.04 / (HLL_REGISTERS as f64).sqrt();
    let mut checkpoint: u64 = 1;
    let seed = rng.next();
    for j in 1..=10_000_000u64 {
        let ele = (j ^ seed).to_le_bytes();
        let (index, cnt) = pat_len(&ele);
        dense_set(&mut dense[HLL_HDR_SIZE..], index, cnt);
        if add(&mut sparse, &ele, sparse_max_bytes).is_err() {
            return Err("ERR TESTFAILED sparse add failed".to_string());
        }
        if j != checkpoint {
            continue;
        }
        if (j as usize) < sparse_max_bytes / 2 && !is_sparse(&sparse) {
            return Err("ERR TESTFAILED sparse encoding not used".to_string());
        }
        let dcount = estimate_value(&dense).map_err(|e| e.message().to_string())?;
        let scount = estimate_value(&sparse).map_err(|e| e.message().to_string())?;
        if dcount != scount {
            return Err("ERR TESTFAILED dense/sparse disagree".to_string());
        }
        let abserr = (checkpoint as i64 - dcount as i64).unsigned_abs();
        let mut maxerr = (relerr * 6.0 * checkpoint as f64).ceil() as u64;
        if j == 10 {
            maxerr = 1;
        }
        if abserr > maxerr {
            return Err(format!("ERR TESTFAILED Too big error. card:{} abserr:{}", checkpoint, abserr));
        }
        checkpoint *= 10;
    }
    Ok(())
}

// ---------------------------------------------------------------------------
// Tests. Expected bytes/values were produced by real redis-server 7.0.15
// (GET/PFCOUNT/PFDEBUG/PFMERGE on a scratch instance; see each test).
// ---------------------------------------------------------------------------

#[cfg(test)]
mod tests {
    use super::*;

    const MAXB: usize = HLL_SPARSE_MAX_BYTES_DEFAULT;

    fn unhex(s: &str) -> Vec<u8> {
        (0..s.len()).step_by(2).map(|i| u8::from_str_radix(&s[i..i + 2], 16).unwrap()).collect()
    }

    fn fnv(b: &[u8]) -> u64 {
        let mut h: u64 = 0xcbf2_9ce4_8422_2325;
        for &x in b {
            h ^= x as u64;
            h = h.wrapping_mul(0x100_0000_01b3);
        }
        h
    }

    /// PFADD as the command does it: create the key if missing (counts as an update),
    /// add every element, invalidate the cache if anything was updated.
    fn pfadd(key: &mut Option<Vec<u8>>, elements: &[Vec<u8>], maxb: usize) -> Result<bool, HllError> {
        let mut updated = false;
        if key.is_none() {
            *key = Some(new_sparse());
            updated = true;
        }
        let v = key.as_mut().unwrap();
        check(v)?;
        for e in elements {
            updated |= add(v, e, maxb)?;
        }
        if updated {
            invalidate_cache(v);
        }
        Ok(updated)
    }

    fn elems(prefix: &str, a: usize, b: usize) -> Vec<Vec<u8>> {
        (a..b).map(|i| format!("{}{}", prefix, i).into_bytes()).collect()
    }

    fn build(prefix: &str, a: usize, b: usize, maxb: usize) -> Vec<u8> {
        let mut k = None;
        pfadd(&mut k, &elems(prefix, a, b), maxb).unwrap();
        k.unwrap()
    }

    fn nonzero(regs: &[u8]) -> Vec<(usize, u8)> {
        regs.iter().enumerate().filter(|&(_, &r)| r != 0).map(|(i, &r)| (i, r)).collect()
    }

    struct Rng(u64);
    impl Rng {
        fn next(&mut self) -> u64 {
            self.0 ^= self.0 << 13;
            self.0 ^= self.0 >> 7;
            self.0 ^= self.0 << 17;
            self.0
        }
        fn below(&mut self, n: usize) -> usize {
            (self.next() % n as u64) as usize
        }
    }

    #[test]
    fn murmur_and_patlen() {
        // 'e0' lands in register 1318 with count 1 (PFDEBUG GETREG / DECODE "Z:1318 v:1,1").
        assert_eq!(pat_len(b"e0"), (1318, 1));
        // Element built by inverting MurmurHash64A: register 1234, count 40.
        assert_eq!(pat_len(&unhex("f6e80658c6c055a9")), (1234, 40));
        // Hash with all 50 high bits zero: count 51 (GETREG showed register 77 = 51).
        assert_eq!(pat_len(&unhex("a39d9031fe4552b7")), (77, 51));
        assert_eq!(murmurhash64a(&unhex("a39d9031fe4552b7"), 0xadc83b19), 77);
    }

    #[test]
    fn empty_hll_and_pfadd_without_elements() {
        // PFADD em -> 1, GET em
        let mut k = None;
        assert_eq!(pfadd(&mut k, &[], MAXB), Ok(true));
        let mut v = k.clone().unwrap();
        assert_eq!(v, unhex("48594c4c0100000000000000000000807fff"));
        assert_eq!(new_sparse(), unhex("48594c4c0100000000000000000000007fff"));
        // PFCOUNT em -> 0 and writes the cache.
        assert_eq!(count(&mut v), Ok((0, true)));
        assert_eq!(v, unhex("48594c4c0100000000000000000000007fff"));
        assert_eq!(count(&mut v), Ok((0, false)));
        // PFADD em (existing, no elements) -> 0
        let mut k = Some(v);
        assert_eq!(pfadd(&mut k, &[], MAXB), Ok(false));
    }

    #[test]
    fn one_and_ten_elements_bytes() {
        let mut v = build("e", 0, 1, MAXB);
        assert_eq!(v, unhex("48594c4c0100000000000000000000804525807ad8"));
        assert_eq!(count(&mut v), Ok((1, true)));
        assert_eq!(v, unhex("48594c4c0100000001000000000000004525807ad8"));

        let mut v = build("e", 0, 10, MAXB);
        assert_eq!(v, unhex("48594c4c010000000000000000000080452580472e844fc9804412844a5184430d844103844eb984408880406a8441b1"));
        assert_eq!(
            decode_sparse(&v).unwrap(),
            "Z:1318 v:1,1 Z:1839 v:2,1 Z:4042 v:1,1 Z:1043 v:2,1 Z:2642 v:2,1 Z:782 v:2,1 Z:260 v:2,1 Z:3770 v:2,1 Z:137 v:1,1 Z:107 v:2,1 Z:434"
        );
        assert_eq!(encoding_name(&v), Ok("sparse"));
        assert_eq!(count(&mut v), Ok((10, true)));
        assert_eq!(&v[8..16], &unhex("0a00000000000000")[..]);
        assert_eq!(fnv(&v), 0xd06c25fbeaa23420);
        // PFDEBUG GETREG n10: converts to dense, keeps the header (valid cache 10).
        let mut g = v.clone();
        let (regs, converted) = pfdebug_getreg(&mut g).unwrap();
        assert!(converted);
        assert_eq!(
            nonzero(&regs),
            vec![(1318, 1), (3158, 2), (7201, 1), (8245, 2), (10888, 2), (11671, 2), (11932, 2), (15703, 2), (15841, 1), (15949, 2)]
        );
        assert_eq!(registers(&v).unwrap(), regs);
        assert_eq!(encoding_name(&g), Ok("dense"));
        assert_eq!(fnv(&g), 0xb5cf9d1f84b3495c);
        assert_eq!(decode_sparse(&g), Err(HllError::NotSparse));
        // PFADD n10 e3 after that -> 0, header untouched.
        assert_eq!(add(&mut g, b"e3", MAXB), Ok(false));
        assert_eq!(&g[..16], &unhex("48594c4c000000000a00000000000000")[..]);
    }

    #[test]
    fn thousand_elements_sparse() {
        let mut v = build("e", 0, 1000, MAXB);
        assert_eq!(encoding_name(&v), Ok("sparse"));
        assert_eq!(v.len(), 1906);
        assert_eq!(fnv(&v), 0x5935de0232806824);
        assert_eq!(count(&mut v), Ok((1008, true)));
        assert_eq!(fnv(&v), 0x4ded8ea0046b668d);
        assert_eq!(count(&mut v), Ok((1008, false)));
    }

    #[test]
    fn five_thousand_and_100k_dense() {
        let mut v = build("e", 0, 5000, MAXB);
        assert_eq!(encoding_name(&v), Ok("dense"));
        assert_eq!(v.len(), HLL_DENSE_SIZE);
        assert_eq!(fnv(&v), 0x805246753a1cdada);
        assert_eq!(count(&mut v), Ok((4968, true)));
        assert_eq!(fnv(&v), 0x9219c5a2921db657);

        let mut v = build("e", 0, 100_000, MAXB);
        assert_eq!(fnv(&v), 0xafbf1713dc5ba3c8);
        assert_eq!(count(&mut v), Ok((100853, true)));
        assert_eq!(&v[8..16], &unhex("f589010000000000")[..]);
        assert_eq!(fnv(&v), 0xfd1fc23694773e63);
    }

    #[test]
    fn promotion_by_size() {
        // Default 3000: PFADD p e0 .. e1682 keeps it sparse at exactly 3000 bytes,
        // e1683 promotes (header copied: encoding 0, cache-invalid bit set).
        let mut v = build("e", 0, 1683, MAXB);
        assert_eq!(v.len(), 3000);
        assert_eq!(fnv(&v), 0x3c1b2ef7aaad95df);
        assert_eq!(add(&mut v, b"e1683", MAXB), Ok(true));
        assert_eq!(&v[..16], &unhex("48594c4c000000000000000000000080")[..]);
        assert_eq!(fnv(&v), 0x1dff1bb55f474a5d);
        // CONFIG SET hll-sparse-max-bytes 100: promoted when adding e28.
        let mut v = build("e", 0, 28, 100);
        assert_eq!(
            v,
            unhex("48594c4c01000000000000000000008042358842ee8044528042da84450e8442958440d38043548c406f8043868042ac8041648441b884453d90118443458440e180422a8441038446cc88038045d684407984419384408880406a8440488013804152")
        );
        assert_eq!(add(&mut v, b"e28", 100), Ok(true));
        assert_eq!(encoding_name(&v), Ok("dense"));
        assert_eq!(fnv(&v), 0x51c994f31001da69);
    }

    #[test]
    fn promotion_by_register_value() {
        // PFADD big e0 e1; PFADD big <elem with count 40> -> dense.
        let mut k = Some(build("e", 0, 2, MAXB));
        assert_eq!(k.as_deref().unwrap(), &unhex("48594c4c01000000000000000000008045258079258441b1")[..]);
        assert_eq!(pfadd(&mut k, &[unhex("f6e80658c6c055a9")], MAXB), Ok(true));
        let mut v = k.unwrap();
        assert_eq!(&v[..16], &unhex("48594c4c000000000000000000000080")[..]);
        assert_eq!(fnv(&v), 0xa9ce5ffe6d581bd8);
        assert_eq!(nonzero(&registers(&v).unwrap()), vec![(1234, 40), (1318, 1), (15949, 2)]);
        assert_eq!(count(&mut v), Ok((3, true)));
        // Count 51 (maximum) on a new key.
        let mut k = None;
        pfadd(&mut k, &[unhex("a39d9031fe4552b7")], MAXB).unwrap();
        let mut v = k.unwrap();
        assert_eq!(nonzero(&registers(&v).unwrap()), vec![(77, 51)]);
        assert_eq!(count(&mut v), Ok((1, true)));
    }

    #[test]
    fn pfmerge_sparse_sparse_stays_sparse() {
        let a = build("e", 0, 10, MAXB);
        let b = build("f", 0, 20, MAXB);
        // PFCOUNT a b
        let mut max = [0u8; HLL_REGISTERS];
        merge_into(&mut max, &a).unwrap();
        merge_into(&mut max, &b).unwrap();
        assert_eq!(count_registers(&max), 30);
        // PFMERGE m a b (m missing)
        let mut m = pfmerge(&[&a, &b], None, MAXB).unwrap();
        assert_eq!(
            m,
            unhex("48594c4c01000000000000000000008040c784419d803680404488423f80428d8c446d800690288441a7844e208040c18041c79041428040428440b98044c080405080448284430d8440fa80078440569045ae8442388042ed8042298c415d84408880406a8441b1")
        );
        assert_eq!(count(&mut m), Ok((30, true)));
        assert_eq!(&m[..16], &unhex("48594c4c010000001e00000000000000")[..]);
        // PFMERGE m4 b with m4 = sparse e5..e14 (the destination is merged too).
        let m4 = build("e", 5, 15, MAXB);
        let out = pfmerge(&[&m4, &b], Some(&m4), MAXB).unwrap();
        assert_eq!(
            out,
            unhex("48594c4c01000000000000000000008040c784419d80368040448844ce8c41c38042a8800690288441a7844a278c43f78040c18041c790208041208040428440b98044c080405080488d80078440569045ae8440c980416d8042ed8042298c41e78040b4804167")
        );
        // PFMERGE m3 s1 s2, 700 elements each: still sparse (1400 estimated).
        let s1 = build("e", 0, 700, MAXB);
        let s2 = build("h", 0, 700, MAXB);
        let mut m3 = pfmerge(&[&s1, &s2], None, MAXB).unwrap();
        assert_eq!(encoding_name(&m3), Ok("sparse"));
        assert_eq!(fnv(&m3), 0x8ad87f38e1c5cbbc);
        assert_eq!(count(&mut m3).unwrap().0, 1400);
        // CONFIG SET hll-sparse-max-bytes 1000; PFMERGE m s1 s2: promoted part-way through the merge.
        let m = pfmerge(&[&s1, &s2], None, 1000).unwrap();
        assert_eq!(&m[..16], &unhex("48594c4c000000000000000000000080")[..]);
        assert_eq!(fnv(&m), 0x395b65392e12ff65);
    }

    #[test]
    fn pfmerge_sparse_dense() {
        let a = build("e", 0, 10, MAXB);
        let b = build("f", 0, 20, MAXB);
        let d = build("g", 0, 3000, MAXB);
        assert_eq!(encoding_name(&d), Ok("dense"));
        let mut m2 = pfmerge(&[&a, &d], None, MAXB).unwrap();
        assert_eq!(&m2[..16], &unhex("48594c4c000000000000000000000080")[..]);
        assert_eq!(fnv(&m2), 0xdd71e004105c3e40);
        let mut max = [0u8; HLL_REGISTERS];
        merge_into(&mut max, &a).unwrap();
        merge_into(&mut max, &d).unwrap();
        assert_eq!(dense_from_registers(&max), m2);
        assert_eq!(count_registers(&max), 3010);
        assert_eq!(count(&mut m2), Ok((3010, true)));
        // PFCOUNT a b d n100000
        let big = build("e", 0, 100_000, MAXB);
        merge_into(&mut max, &b).unwrap();
        merge_into(&mut max, &big).unwrap();
        assert_eq!(count_registers(&max), 104287);
    }

    #[test]
    fn pfdebug_and_errors() {
        // PFADD n1 e0; PFCOUNT n1; PFDEBUG TODENSE n1 (x2); GET n1
        let mut n1 = build("e", 0, 1, MAXB);
        count(&mut n1).unwrap();
        assert_eq!(to_dense(&mut n1), Ok(true));
        assert_eq!(to_dense(&mut n1), Ok(false));
        assert_eq!(fnv(&n1), 0x08e36f495aa4f8cb);
        assert_eq!(HllError::NotHll.message(), "WRONGTYPE Key is not a valid HyperLogLog string value.");
        assert_eq!(HllError::Corrupt.message(), "INVALIDOBJ Corrupted HLL object detected");
        assert_eq!(HllError::NotSparse.message(), "ERR HLL encoding is not sparse");
        // SET s hello; PFADD s a / PFCOUNT s -> WRONGTYPE
        let mut s = b"hello".to_vec();
        assert_eq!(add(&mut s, b"a", MAXB), Err(HllError::NotHll));
        assert_eq!(count(&mut s), Err(HllError::NotHll));
        let hdr = unhex("48594c4c010000000000000000000080");
        assert_eq!(check(&hdr[..15]), Err(HllError::NotHll));
        let mut enc2 = hdr.clone();
        enc2[4] = 2;
        enc2.extend_from_slice(&[0x7f, 0xff]);
        assert_eq!(check(&enc2), Err(HllError::NotHll));
        let mut dense = unhex("48594c4c00");
        dense.resize(HLL_DENSE_SIZE, 0);
        assert_eq!(count(&mut dense.clone()), Ok((0, false)));
        dense.push(0);
        assert_eq!(check(&dense), Err(HllError::NotHll));
        // Cached value is returned verbatim (0x7fffffffffffffff).
        let mut c = unhex("48594c4c00000000ffffffffffffff7f");
        c.resize(HLL_DENSE_SIZE, 0);
        assert_eq!(count(&mut c), Ok((9223372036854775807, false)));
        // Sparse with no opcodes: PFADD/PFCOUNT -> INVALIDOBJ, DECODE -> "".
        let mut e = hdr.clone();
        assert_eq!(add(&mut e, b"a", MAXB), Err(HllError::Corrupt));
        assert_eq!(count(&mut e), Err(HllError::Corrupt));
        assert_eq!(decode_sparse(&e).unwrap(), "");
    }

    #[test]
    fn corrupt_sparse_like_redis() {
        let hdr = "48594c4c010000000000000000000080";
        // (body, DECODE, elements, body after "PFADD k <elements>" or None if it errors).
        // Redis updates in place when the touched opcode precedes the damage.
        let cases: &[(&str, &str, &[&str], Option<&str>)] = &[
            ("7fff80", "Z:16384 v:1,1", &["a", "b", "c"], Some("60f38050b1844bfb80425a80")),
            ("7ffe81", "Z:16383 v:1,2", &["a", "b", "c"], Some("60f38050b1844bfb80425981")),
            ("4000", "Z:1", &["a", "b", "c"], None),
            ("7fff7fff", "Z:16384 Z:16384", &["a", "b", "c"], Some("60f38050b1844bfb80425a7fff")),
            // Truncated XZERO: the missing byte is the sds terminator (0).
            ("7f", "Z:16129", &["a"], Some("71a6844d")),
        ];
        for (body, decoded, elements, after) in cases {
            let v = unhex(&format!("{}{}", hdr, body));
            assert_eq!(decode_sparse(&v).unwrap(), *decoded);
            assert_eq!(count(&mut v.clone()), Err(HllError::Corrupt));
            let mut max = [0u8; HLL_REGISTERS];
            assert_eq!(merge_into(&mut max, &v), Err(HllError::Corrupt));
            assert_eq!(to_dense(&mut v.clone()), Err(HllError::Corrupt));
            assert_eq!(registers(&v), Err(HllError::Corrupt));
            let mut k = Some(v.clone());
            let els: Vec<Vec<u8>> = elements.iter().map(|e| e.as_bytes().to_vec()).collect();
            let r = pfadd(&mut k, &els, MAXB);
            match after {
                Some(a) => {
                    assert_eq!(r, Ok(true), "{}", body);
                    assert_eq!(k.unwrap(), unhex(&format!("{}{}", hdr, a)), "{}", body);
                }
                None => assert_eq!(r, Err(HllError::Corrupt), "{}", body),
            }
        }
    }

    #[test]
    fn estimator_matches_redis_at_many_cardinalities() {
        // PFCOUNT after PFADD e0..e{n-1}, values from redis-server 7.0.15.
        for (n, want) in [(1usize, 1u64), (10, 10), (1000, 1008), (5000, 4968), (100_000, 100853)] {
            let v = build("e", 0, n, MAXB);
            assert_eq!(estimate_value(&v), Ok(want), "n={}", n);
            let mut max = [0u8; HLL_REGISTERS];
            merge_into(&mut max, &v).unwrap();
            assert_eq!(count_registers(&max), want, "n={}", n);
        }
        assert_eq!(count_registers(&[0u8; HLL_REGISTERS]), 0);
    }

    #[test]
    fn dense_register_roundtrip() {
        let mut rng = Rng(0x1234_5678_9abc_def1);
        let mut regs = vec![0u8; HLL_DENSE_SIZE - HLL_HDR_SIZE];
        let mut want = vec![0u8; HLL_REGISTERS];
        for _ in 0..20 {
            for (i, w) in want.iter_mut().enumerate() {
                *w = (rng.next() & 63) as u8;
                dense_put(&mut regs, i, *w);
            }
            for (i, &w) in want.iter().enumerate() {
                assert_eq!(dense_get(&regs, i), w);
            }
        }
    }

    #[test]
    fn fuzz_corrupted_values_never_panic() {
        let mut rng = Rng(0x9e37_79b9_7f4a_7c15);
        let bases = [
            new_sparse(),
            build("e", 0, 1, MAXB),
            build("e", 0, 10, MAXB),
            build("e", 0, 300, MAXB),
            build("e", 0, 1500, MAXB),
            build("e", 0, 5000, MAXB),
        ];
        let mut corrupt = 0;
        for iter in 0..6000 {
            let mut v = bases[iter % bases.len()].clone();
            match rng.below(6) {
                0 | 1 => {
                    for _ in 0..=rng.below(4) {
                        let i = rng.below(v.len());
                        v[i] = rng.next() as u8;
                    }
                }
                2 => {
                    let i = rng.below(v.len());
                    v[i] ^= 1 << rng.below(8);
                }
                3 => v.truncate(HLL_HDR_SIZE + rng.below(v.len() - HLL_HDR_SIZE + 1)),
                4 => {
                    for _ in 0..=rng.below(6) {
                        let i = HLL_HDR_SIZE + rng.below(v.len() - HLL_HDR_SIZE + 1);
                        v.insert(i, rng.next() as u8);
                    }
                }
                _ => {
                    let i = rng.below(v.len());
                    v.remove(i);
                }
            }
            let checked = check(&v);
            let valid_regs = registers(&v);
            let mut max = [0u8; HLL_REGISTERS];
            let merged = merge_into(&mut max, &v);
            let est = estimate_value(&v);
            let _ = decode_sparse(&v);
            let _ = encoding_name(&v);
            if checked.is_err() {
                assert_eq!(valid_regs, Err(HllError::NotHll));
                assert_eq!(merged, Err(HllError::NotHll));
                continue;
            }
            // All readers agree on validity.
            assert_eq!(valid_regs.is_ok(), merged.is_ok());
            assert_eq!(valid_regs.is_ok(), est.is_ok());
            if let Ok(regs) = &valid_regs {
                assert_eq!(&max[..], &regs[..]);
                assert_eq!(count_registers(&max), est.unwrap());
            } else {
                corrupt += 1;
            }
            let mut c = v.clone();
            let _ = count(&mut c);
            let mut d = v.clone();
            let _ = to_dense(&mut d);
            let mut w = v.clone();
            for j in 0..20 {
                let e = (rng.next() ^ j).to_le_bytes();
                let maxb = [MAXB, 40, 200][rng.below(3)];
                if add(&mut w, &e, maxb).is_err() {
                    break;
                }
                assert!(check(&w).is_ok());
            }
            let _ = pfmerge(&[&v, &bases[2]], Some(&v), MAXB);
        }
        assert!(corrupt > 500, "fuzz produced too few corrupt values: {}", corrupt);
    }

    #[test]
    fn sparse_and_dense_agree_on_random_input() {
        // Every add keeps sparse and an independently maintained dense copy in sync.
        let mut rng = Rng(42);
        for maxb in [MAXB, 64, 500] {
            let mut s = new_sparse();
            let mut d = new_sparse();
            to_dense(&mut d).unwrap();
            for _ in 0..2500 {
                let e = rng.next().to_le_bytes();
                let a = add(&mut s, &e, maxb).unwrap();
                let b = add(&mut d, &e, maxb).unwrap();
                assert_eq!(a, b);
            }
            assert_eq!(registers(&s).unwrap(), registers(&d).unwrap());
            assert!(s.len() <= maxb.max(HLL_DENSE_SIZE));
        }
    }

    #[test]
    fn pfselftest() {
        selftest(MAXB).unwrap();
    }
}
