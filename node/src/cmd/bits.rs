//! Bitmap commands (Redis 7.0 `bitops.c`): SETBIT, GETBIT, BITCOUNT, BITPOS, BITOP, BITFIELD and
//! BITFIELD_RO. Bitmaps are strings; bit 0 is the most significant bit of the first byte.

use bytes::Bytes;

use super::args;
use super::ctx::{Ctx, Handler};
use super::handler::{CmdError, CmdResult, SYNTAX, WRONGTYPE};
use crate::db::{Entry, Value};
use crate::notify;

pub const COMMANDS: &[(&str, Handler)] = &[
    ("setbit", setbit),
    ("getbit", getbit),
    ("bitcount", bitcount),
    ("bitpos", bitpos),
    ("bitop", bitop),
    ("bitfield", bitfield),
    ("bitfield_ro", bitfield_ro),
];

const BAD_OFFSET: &str = "ERR bit offset is not an integer or out of range";

/// Whether the client's commands are obeyed whatever the limits (the master link, the AOF loader).
fn must_obey(ctx: &Ctx) -> bool {
    ctx.me.is_master || ctx.me.is_aof_loader
}

/// `getBitOffsetFromArgument`: a bit offset, or with `hash` a `#N` offset counted in fields of
/// `bits` bits; limited to `proto-max-bulk-len` bytes.
fn bit_offset(ctx: &Ctx, arg: &[u8], hash: bool, bits: u32) -> Result<u64, CmdError> {
    let use_hash = hash && bits > 0 && arg.first() == Some(&b'#');
    let digits = if use_hash { &arg[1..] } else { arg };
    let mut off = crate::util::parse_i64(digits).ok_or(BAD_OFFSET)?;
    if use_hash {
        off = off.wrapping_mul(bits as i64);
    }
    if off < 0 || (!must_obey(ctx) && (off as u64 >> 3) >= ctx.st.config.proto_max_bulk_len as u64) {
        return Err(BAD_OFFSET.into());
    }
    Ok(off as u64)
}

/// The string at `key` for reading (its bytes; integers in decimal), or None.
fn read_string(ctx: &mut Ctx, key: &[u8]) -> Result<Option<Vec<u8>>, CmdError> {
    match ctx.lookup_read(key) {
        None => Ok(None),
        Some(e) => e.str().map(|s| Some(s.to_vec())).ok_or_else(|| WRONGTYPE.into()),
    }
}

/// `lookupStringForBitCommand`: the string at `key`, created or zero-padded so that bit `maxbit`
/// exists; returns whether the key was created or grew.
fn string_for_write<'a>(ctx: &'a mut Ctx, key: &[u8], maxbit: u64) -> Result<(&'a mut Vec<u8>, bool), CmdError> {
    let need = (maxbit >> 3) as usize + 1;
    let mut grew = false;
    match ctx.lookup_write(key) {
        Some(e) if e.str().is_none() => return Err(WRONGTYPE.into()),
        Some(_) => {}
        None => {
            ctx.db().insert(Entry::with_value(key, Value::Raw(Box::new(vec![0; need]))));
            ctx.notify_new(key);
            grew = true;
        }
    }
    let e = ctx.lookup_write(key).ok_or("ERR internal error")?;
    let s = e.str_mut().ok_or(WRONGTYPE)?;
    if s.len() < need {
        s.resize(need, 0);
        grew = true;
    }
    Ok((s, grew))
}

/// SETBIT key offset 0|1
fn setbit(ctx: &mut Ctx, argv: &[Bytes]) -> CmdResult {
    let key = &argv[1];
    let off = bit_offset(ctx, &argv[2], false, 0)?;
    let err = "ERR bit is not an integer or out of range";
    let on = crate::util::parse_i64(&argv[3]).filter(|v| i32::try_from(*v).is_ok()).ok_or(err)?;
    if on & !1 != 0 {
        return Err(err.into());
    }
    let (s, grew) = string_for_write(ctx, key, off)?;
    let byte = (off >> 3) as usize;
    let bit = 7 - (off & 7) as u8;
    let old = (s[byte] >> bit) & 1;
    if on == 1 {
        s[byte] |= 1 << bit;
    } else {
        s[byte] &= !(1 << bit);
    }
    if grew || old as i64 != on {
        ctx.modified(key);
        ctx.notify(notify::STRING, "setbit", key);
        ctx.dirty(1);
    }
    ctx.out.int(old as i64);
    Ok(())
}

/// GETBIT key offset
fn getbit(ctx: &mut Ctx, argv: &[Bytes]) -> CmdResult {
    let off = bit_offset(ctx, &argv[2], false, 0)?;
    let Some(s) = read_string(ctx, &argv[1])? else {
        ctx.out.int(0);
        return Ok(());
    };
    let byte = (off >> 3) as usize;
    let v = s.get(byte).map(|b| (b >> (7 - (off & 7))) & 1).unwrap_or(0);
    ctx.out.int(v as i64);
    Ok(())
}

/// A `start end [BYTE|BIT]` range resolved against a string of `len` bytes: byte bounds plus the
/// masks of the bits outside a BIT range in the first and last bytes; None when empty.
struct Range {
    start: i64,
    end: i64,
    first_mask: u8,
    last_mask: u8,
}

fn resolve(mut start: i64, mut end: i64, len: i64, isbit: bool) -> Range {
    let total = if isbit { len << 3 } else { len };
    if start < 0 {
        start += total;
    }
    if end < 0 {
        end += total;
    }
    start = start.max(0);
    end = end.max(0);
    if end >= total {
        end = total - 1;
    }
    let (mut first_mask, mut last_mask) = (0u8, 0u8);
    if isbit && start <= end {
        first_mask = !((1u16 << (8 - (start & 7))) - 1) as u8;
        last_mask = ((1u16 << (7 - (end & 7))) - 1) as u8;
        start >>= 3;
        end >>= 3;
    }
    Range { start, end, first_mask, last_mask }
}

fn unit(arg: &[u8]) -> Result<bool, CmdError> {
    if args::is(arg, "bit") {
        Ok(true)
    } else if args::is(arg, "byte") {
        Ok(false)
    } else {
        Err(SYNTAX.into())
    }
}

fn popcount(b: &[u8]) -> i64 {
    let mut n = 0u64;
    let mut chunks = b.chunks_exact(8);
    for c in chunks.by_ref() {
        n += u64::from_ne_bytes(c.try_into().expect("8 bytes")).count_ones() as u64;
    }
    n += chunks.remainder().iter().map(|x| x.count_ones() as u64).sum::<u64>();
    n as i64
}

/// BITCOUNT key [start end [BYTE|BIT]]
fn bitcount(ctx: &mut Ctx, argv: &[Bytes]) -> CmdResult {
    let Some(s) = read_string(ctx, &argv[1])? else {
        ctx.out.int(0);
        return Ok(());
    };
    let r = match argv.len() {
        2 => Range { start: 0, end: s.len() as i64 - 1, first_mask: 0, last_mask: 0 },
        4 | 5 => {
            let start = args::int(&argv[2])?;
            let end = args::int(&argv[3])?;
            let isbit = if argv.len() == 5 { unit(&argv[4])? } else { false };
            if start < 0 && end < 0 && start > end {
                ctx.out.int(0);
                return Ok(());
            }
            resolve(start, end, s.len() as i64, isbit)
        }
        _ => return Err(SYNTAX.into()),
    };
    if r.start > r.end {
        ctx.out.int(0);
        return Ok(());
    }
    let (a, b) = (r.start as usize, r.end as usize);
    let mut count = popcount(&s[a..=b]);
    if r.first_mask != 0 {
        count -= (s[a] & r.first_mask).count_ones() as i64;
    }
    if r.last_mask != 0 {
        count -= (s[b] & r.last_mask).count_ones() as i64;
    }
    ctx.out.int(count);
    Ok(())
}

/// `redisBitpos`: the first bit equal to `bit` in `s`; for a clear bit not found, the bit just
/// past the end (the string reads as zero-padded), for a set bit -1.
fn first_bit(s: &[u8], bit: bool) -> i64 {
    for (i, &b) in s.iter().enumerate() {
        let v = if bit { b } else { !b };
        if v != 0 {
            return (i as i64) * 8 + v.leading_zeros() as i64;
        }
    }
    if bit {
        -1
    } else {
        s.len() as i64 * 8
    }
}

/// BITPOS key 0|1 [start [end [BYTE|BIT]]]
fn bitpos(ctx: &mut Ctx, argv: &[Bytes]) -> CmdResult {
    let bit = crate::util::parse_i64(&argv[2]).ok_or(super::handler::NOT_INT)?;
    if bit != 0 && bit != 1 {
        return Err("ERR The bit argument must be 1 or 0.".into());
    }
    let bit = bit == 1;
    let Some(s) = read_string(ctx, &argv[1])? else {
        ctx.out.int(if bit { -1 } else { 0 });
        return Ok(());
    };
    let len = s.len() as i64;
    let mut end_given = false;
    let r = match argv.len() {
        3 => Range { start: 0, end: len - 1, first_mask: 0, last_mask: 0 },
        4..=6 => {
            let start = args::int(&argv[3])?;
            let isbit = if argv.len() == 6 { unit(&argv[5])? } else { false };
            let end = if argv.len() >= 5 {
                end_given = true;
                args::int(&argv[4])?
            } else if isbit {
                (len << 3) + 7
            } else {
                len - 1
            };
            resolve(start, end, len, isbit)
        }
        _ => return Err(SYNTAX.into()),
    };
    if r.start > r.end {
        ctx.out.int(-1);
        return Ok(());
    }
    let (mut start, end) = (r.start, r.end);
    let mut bytes = end - start + 1;
    let pick = |b: u8, mask: u8| if bit { b & !mask } else { b | mask };
    let pos = 'found: {
        if r.first_mask != 0 {
            let mut t = pick(s[start as usize], r.first_mask);
            if r.last_mask != 0 && bytes == 1 {
                t = pick(t, r.last_mask);
            }
            let p = first_bit(&[t], bit);
            if bytes == 1 || (p != -1 && p != 8) {
                break 'found p;
            }
            start += 1;
            bytes -= 1;
        }
        let cur = bytes - if r.last_mask != 0 { 1 } else { 0 };
        if cur > 0 {
            let p = first_bit(&s[start as usize..(start + cur) as usize], bit);
            if bytes == cur || (p != -1 && p != cur << 3) {
                break 'found p;
            }
            start += cur;
            bytes -= cur;
        }
        first_bit(&[pick(s[end as usize], r.last_mask)], bit)
    };
    if end_given && !bit && pos == bytes << 3 {
        ctx.out.int(-1);
        return Ok(());
    }
    ctx.out.int(if pos != -1 { pos + (start << 3) } else { pos });
    Ok(())
}

/// BITOP AND|OR|XOR|NOT destkey key [key ...]
fn bitop(ctx: &mut Ctx, argv: &[Bytes]) -> CmdResult {
    #[derive(PartialEq, Clone, Copy)]
    enum Op {
        And,
        Or,
        Xor,
        Not,
    }
    let op = if args::is(&argv[1], "and") {
        Op::And
    } else if args::is(&argv[1], "or") {
        Op::Or
    } else if args::is(&argv[1], "xor") {
        Op::Xor
    } else if args::is(&argv[1], "not") {
        Op::Not
    } else {
        return Err(SYNTAX.into());
    };
    if op == Op::Not && argv.len() != 4 {
        return Err("ERR BITOP NOT must be called with a single source key.".into());
    }
    let dest = &argv[2];
    let mut srcs: Vec<Vec<u8>> = Vec::with_capacity(argv.len() - 3);
    for k in &argv[3..] {
        srcs.push(read_string(ctx, k)?.unwrap_or_default());
    }
    let maxlen = srcs.iter().map(|s| s.len()).max().unwrap_or(0);
    if maxlen == 0 {
        ctx.delete_signalled(dest);
        ctx.out.int(0);
        return Ok(());
    }
    let mut res = vec![0u8; maxlen];
    for (j, out) in res.iter_mut().enumerate() {
        let at = |s: &Vec<u8>| s.get(j).copied().unwrap_or(0);
        let mut v = at(&srcs[0]);
        if op == Op::Not {
            v = !v;
        }
        for s in &srcs[1..] {
            let b = at(s);
            match op {
                Op::And => v &= b,
                Op::Or => v |= b,
                Op::Xor => v ^= b,
                Op::Not => {}
            }
        }
        *out = v;
    }
    // setKey: a new raw string, any TTL gone.
    ctx.delete(dest);
    ctx.db().insert(Entry::with_value(dest, Value::Raw(Box::new(res))));
    ctx.modified(dest);
    ctx.notify(notify::STRING, "set", dest);
    ctx.dirty(1);
    ctx.out.int(maxlen as i64);
    Ok(())
}

#[derive(Clone, Copy, PartialEq)]
enum Overflow {
    Wrap,
    Sat,
    Fail,
}

#[derive(Clone, Copy, PartialEq)]
enum FieldOp {
    Get,
    Set,
    Incrby,
}

struct Field {
    op: FieldOp,
    offset: u64,
    value: i64,
    signed: bool,
    bits: u32,
    overflow: Overflow,
}

fn bitfield(ctx: &mut Ctx, argv: &[Bytes]) -> CmdResult {
    bitfield_generic(ctx, argv, false)
}

fn bitfield_ro(ctx: &mut Ctx, argv: &[Bytes]) -> CmdResult {
    bitfield_generic(ctx, argv, true)
}

/// `getBitfieldTypeFromArgument`: `i1`..`i64` or `u1`..`u63`.
fn field_type(arg: &[u8]) -> Result<(bool, u32), CmdError> {
    let err = "ERR Invalid bitfield type. Use something like i16 u8. Note that u64 is not supported but i64 is.";
    let signed = match arg.first() {
        Some(b'i') => true,
        Some(b'u') => false,
        _ => return Err(err.into()),
    };
    let bits = crate::util::parse_i64(&arg[1..]).ok_or(err)?;
    if bits < 1 || (signed && bits > 64) || (!signed && bits > 63) {
        return Err(err.into());
    }
    Ok((signed, bits as u32))
}

fn get_unsigned(p: &[u8], mut offset: u64, bits: u32) -> u64 {
    let mut v = 0u64;
    for _ in 0..bits {
        let byte = (offset >> 3) as usize;
        let bit = 7 - (offset & 7);
        let b = (p.get(byte).copied().unwrap_or(0) >> bit) & 1;
        v = (v << 1) | b as u64;
        offset += 1;
    }
    v
}

fn get_signed(p: &[u8], offset: u64, bits: u32) -> i64 {
    let mut v = get_unsigned(p, offset, bits) as i64;
    if bits < 64 && v & (1i64 << (bits - 1)) != 0 {
        v |= (-1i64) << bits;
    }
    v
}

fn set_unsigned(p: &mut [u8], mut offset: u64, bits: u32, value: u64) {
    for j in 0..bits {
        let on = value & (1u64 << (bits - 1 - j)) != 0;
        let byte = (offset >> 3) as usize;
        let bit = 7 - (offset & 7);
        if on {
            p[byte] |= 1 << bit;
        } else {
            p[byte] &= !(1 << bit);
        }
        offset += 1;
    }
}

/// `checkUnsignedBitfieldOverflow`: whether `value + incr` leaves `bits` bits, and the value to
/// store instead under WRAP or SAT.
fn unsigned_overflow(value: u64, incr: i64, bits: u32, ow: Overflow) -> Option<u64> {
    let max: u64 = if bits == 64 { u64::MAX } else { (1u64 << bits) - 1 };
    let maxincr = max.wrapping_sub(value) as i64;
    let minincr = (value as i64).wrapping_neg();
    let wrap = || value.wrapping_add(incr as u64) & !(u64::MAX.checked_shl(bits).unwrap_or(0));
    if value > max || (incr > 0 && incr > maxincr) {
        Some(match ow {
            Overflow::Wrap => wrap(),
            _ => max,
        })
    } else if incr < 0 && incr < minincr {
        Some(match ow {
            Overflow::Wrap => wrap(),
            _ => 0,
        })
    } else {
        None
    }
}

/// `checkSignedBitfieldOverflow`.
fn signed_overflow(value: i64, incr: i64, bits: u32, ow: Overflow) -> Option<i64> {
    let max: i64 = if bits == 64 { i64::MAX } else { (1i64 << (bits - 1)) - 1 };
    let min = -max - 1;
    let maxincr = (max as u64).wrapping_sub(value as u64) as i64;
    let minincr = min.wrapping_sub(value);
    let wrap = || {
        let msb = 1u64 << (bits - 1);
        let mut c = (value as u64).wrapping_add(incr as u64);
        if bits < 64 {
            let mask = u64::MAX << bits;
            if c & msb != 0 {
                c |= mask;
            } else {
                c &= !mask;
            }
        }
        c as i64
    };
    if value > max || (bits != 64 && incr > maxincr) || (value >= 0 && incr > 0 && incr > maxincr) {
        Some(match ow {
            Overflow::Wrap => wrap(),
            _ => max,
        })
    } else if value < min || (bits != 64 && incr < minincr) || (value < 0 && incr < 0 && incr < minincr) {
        Some(match ow {
            Overflow::Wrap => wrap(),
            _ => min,
        })
    } else {
        None
    }
}

/// BITFIELD key [GET type offset] [SET type offset value] [INCRBY type offset incr]
/// [OVERFLOW WRAP|SAT|FAIL] ... / BITFIELD_RO key [GET type offset ...]
fn bitfield_generic(ctx: &mut Ctx, argv: &[Bytes], ro: bool) -> CmdResult {
    let mut ops = Vec::new();
    let mut overflow = Overflow::Wrap;
    let mut readonly = true;
    let mut highest: u64 = 0;
    let mut j = 2;
    while j < argv.len() {
        let rem = argv.len() - j - 1;
        let sub = &argv[j];
        let op = if args::is(sub, "get") && rem >= 2 {
            FieldOp::Get
        } else if args::is(sub, "set") && rem >= 3 {
            FieldOp::Set
        } else if args::is(sub, "incrby") && rem >= 3 {
            FieldOp::Incrby
        } else if args::is(sub, "overflow") && rem >= 1 {
            let t = &argv[j + 1];
            overflow = if args::is(t, "wrap") {
                Overflow::Wrap
            } else if args::is(t, "sat") {
                Overflow::Sat
            } else if args::is(t, "fail") {
                Overflow::Fail
            } else {
                return Err("ERR Invalid OVERFLOW type specified".into());
            };
            j += 2;
            continue;
        } else {
            return Err(SYNTAX.into());
        };
        let (signed, bits) = field_type(&argv[j + 1])?;
        let offset = bit_offset(ctx, &argv[j + 2], true, bits)?;
        let mut value = 0;
        if op != FieldOp::Get {
            readonly = false;
            highest = highest.max(offset + bits as u64 - 1);
            value = args::int(&argv[j + 3])?;
        }
        ops.push(Field { op, offset, value, signed, bits, overflow });
        j += if op == FieldOp::Get { 3 } else { 4 };
    }
    let key = &argv[1];
    if readonly {
        let s = read_string(ctx, key)?;
        ctx.out.array(ops.len());
        for f in &ops {
            let src = s.as_deref().unwrap_or(&[]);
            if f.signed {
                ctx.out.int(get_signed(src, f.offset, f.bits));
            } else {
                ctx.out.int(get_unsigned(src, f.offset, f.bits) as i64);
            }
        }
        return Ok(());
    }
    if ro {
        return Err("ERR BITFIELD_RO only supports the GET subcommand".into());
    }
    let mut replies: Vec<Option<i64>> = Vec::with_capacity(ops.len());
    let mut changes = 0;
    {
        let (s, _) = string_for_write(ctx, key, highest)?;
        for f in &ops {
            if f.op == FieldOp::Get {
                let v = if f.signed { get_signed(s, f.offset, f.bits) } else { get_unsigned(s, f.offset, f.bits) as i64 };
                replies.push(Some(v));
                continue;
            }
            changes += 1;
            if f.signed {
                let old = get_signed(s, f.offset, f.bits);
                let (newval, over, ret) = if f.op == FieldOp::Incrby {
                    let o = signed_overflow(old, f.value, f.bits, f.overflow);
                    let n = o.unwrap_or_else(|| old.wrapping_add(f.value));
                    (n, o.is_some(), n)
                } else {
                    let o = signed_overflow(f.value, 0, f.bits, f.overflow);
                    (o.unwrap_or(f.value), o.is_some(), old)
                };
                if over && f.overflow == Overflow::Fail {
                    replies.push(None);
                } else {
                    replies.push(Some(ret));
                    set_unsigned(s, f.offset, f.bits, newval as u64);
                }
            } else {
                let old = get_unsigned(s, f.offset, f.bits);
                let (newval, over, ret) = if f.op == FieldOp::Incrby {
                    let o = unsigned_overflow(old, f.value, f.bits, f.overflow);
                    let n = o.unwrap_or_else(|| old.wrapping_add(f.value as u64));
                    (n, o.is_some(), n)
                } else {
                    let o = unsigned_overflow(f.value as u64, 0, f.bits, f.overflow);
                    (o.unwrap_or(f.value as u64), o.is_some(), old)
                };
                if over && f.overflow == Overflow::Fail {
                    replies.push(None);
                } else {
                    replies.push(Some(ret as i64));
                    set_unsigned(s, f.offset, f.bits, newval);
                }
            }
        }
    }
    ctx.out.array(replies.len());
    for r in replies {
        match r {
            Some(v) => ctx.out.int(v),
            None => ctx.out.null(),
        }
    }
    if changes > 0 {
        ctx.modified(key);
        ctx.notify(notify::STRING, "setbit", key);
        ctx.dirty(changes);
    }
    Ok(())
}
