//! Hash commands (Redis 7.0 `t_hash.c`): HSET, HSETNX, HGET, HMGET, HMSET, HDEL, HEXISTS, HLEN,
//! HSTRLEN, HKEYS, HVALS, HGETALL, HINCRBY, HINCRBYFLOAT, HRANDFIELD, HSCAN.
//!
//! Replies follow the value's order: a listpack hash answers in insertion order, like Redis.
//! HINCRBYFLOAT computes in x87 extended precision (`long_double`), as Redis does with C's
//! `long double`, so that e.g. 0.1 + 0.2 prints `0.3`.

use bytes::Bytes;

use super::args;
use super::ctx::{Ctx, Handler};
use super::handler::{CmdError, CmdResult, NOT_FLOAT, NOT_INT, OVERFLOW, SYNTAX, WRONGTYPE};
use super::keys::{parse_cursor, parse_scan_opts};
use crate::db::{Entry, HashVal, Value};
use crate::notify;
use crate::resp::reply::Out;
use crate::util::{glob_match, parse_i64};

pub const COMMANDS: &[(&str, Handler)] = &[
    ("hset", hset),
    ("hmset", hset),
    ("hsetnx", hsetnx),
    ("hget", hget),
    ("hmget", hmget),
    ("hdel", hdel),
    ("hexists", hexists),
    ("hlen", hlen),
    ("hstrlen", hstrlen),
    ("hkeys", hkeys),
    ("hvals", hvals),
    ("hgetall", hgetall),
    ("hincrby", hincrby),
    ("hincrbyfloat", hincrbyfloat),
    ("hrandfield", hrandfield),
    ("hscan", hscan),
];

/// The hash inside an entry already checked to be a hash.
fn as_hash(e: &mut Entry) -> Result<&mut HashVal, CmdError> {
    match &mut e.value {
        Value::Hash(h) => Ok(h),
        _ => Err(WRONGTYPE.into()),
    }
}

/// Looks a hash up for reading (hit/miss accounting) and hands back the output with it.
fn read_hash<'a>(ctx: &'a mut Ctx, key: &[u8]) -> Result<(Option<&'a HashVal>, &'a mut Out), CmdError> {
    ctx.read_typed(key, |v| match v {
        Value::Hash(x) => Some(&**x),
        _ => None,
    })
}

/// Redis's `hashTypeLookupWriteOrCreate`.
fn write_hash<'a>(ctx: &'a mut Ctx, key: &[u8]) -> Result<&'a mut HashVal, CmdError> {
    let e = ctx.write_or_create(key, "hash", || Value::Hash(Box::default()))?;
    as_hash(e)
}

/// HSET key field value [field value ...] / HMSET (replies OK instead of the count).
fn hset(ctx: &mut Ctx, argv: &[Bytes]) -> CmdResult {
    let hmset = argv[0].len() > 1 && argv[0][1].eq_ignore_ascii_case(&b'm');
    if argv.len() % 2 == 1 {
        let name = if hmset { "hmset" } else { "hset" };
        return Err(format!("ERR wrong number of arguments for '{name}' command").into());
    }
    let key = &argv[1];
    let lim = ctx.st.enc;
    let h = write_hash(ctx, key)?;
    h.try_conversion(argv[2..].iter().map(|a| &a[..]), &lim);
    let mut created = 0;
    for pair in argv[2..].chunks_exact(2) {
        if h.set(&pair[0], &pair[1], &lim) {
            created += 1;
        }
    }
    if hmset {
        ctx.out.ok();
    } else {
        ctx.out.int(created);
    }
    ctx.modified(key);
    ctx.notify(notify::HASH, "hset", key);
    ctx.dirty((argv.len() as u64 - 2) / 2);
    Ok(())
}

fn hsetnx(ctx: &mut Ctx, argv: &[Bytes]) -> CmdResult {
    let (key, field, value) = (&argv[1], &argv[2], &argv[3]);
    let lim = ctx.st.enc;
    let h = write_hash(ctx, key)?;
    if h.contains(field) {
        ctx.out.int(0);
        return Ok(());
    }
    h.try_conversion([&field[..], &value[..]].into_iter(), &lim);
    h.set(field, value, &lim);
    ctx.out.int(1);
    ctx.modified(key);
    ctx.notify(notify::HASH, "hset", key);
    ctx.dirty(1);
    Ok(())
}

fn hget(ctx: &mut Ctx, argv: &[Bytes]) -> CmdResult {
    let (h, out) = read_hash(ctx, &argv[1])?;
    match h.and_then(|h| h.get(&argv[2])) {
        Some(v) => out.bulk(v),
        None => out.null(),
    }
    Ok(())
}

fn hmget(ctx: &mut Ctx, argv: &[Bytes]) -> CmdResult {
    let (h, out) = read_hash(ctx, &argv[1])?;
    out.array(argv.len() - 2);
    for field in &argv[2..] {
        match h.and_then(|h| h.get(field)) {
            Some(v) => out.bulk(v),
            None => out.null(),
        }
    }
    Ok(())
}

fn hdel(ctx: &mut Ctx, argv: &[Bytes]) -> CmdResult {
    let key = &argv[1];
    let Some(e) = ctx.write_value(key, "hash")? else {
        ctx.out.int(0);
        return Ok(());
    };
    let h = as_hash(e)?;
    let mut deleted = 0;
    for field in &argv[2..] {
        if h.remove(field) {
            deleted += 1;
            if h.is_empty() {
                break;
            }
        }
    }
    if deleted > 0 {
        ctx.modified(key);
        ctx.notify(notify::HASH, "hdel", key);
        ctx.delete_if_empty(key);
        ctx.dirty(deleted as u64);
    }
    ctx.out.int(deleted);
    Ok(())
}

fn hexists(ctx: &mut Ctx, argv: &[Bytes]) -> CmdResult {
    let (h, out) = read_hash(ctx, &argv[1])?;
    out.int(h.is_some_and(|h| h.contains(&argv[2])) as i64);
    Ok(())
}

fn hlen(ctx: &mut Ctx, argv: &[Bytes]) -> CmdResult {
    let (h, out) = read_hash(ctx, &argv[1])?;
    out.int(h.map_or(0, |h| h.len()) as i64);
    Ok(())
}

fn hstrlen(ctx: &mut Ctx, argv: &[Bytes]) -> CmdResult {
    let (h, out) = read_hash(ctx, &argv[1])?;
    out.int(h.and_then(|h| h.get(&argv[2])).map_or(0, |v| v.len()) as i64);
    Ok(())
}

/// What HKEYS / HVALS / HGETALL return.
#[derive(Clone, Copy, PartialEq)]
enum Parts {
    Keys,
    Vals,
    Both,
}

fn hgetall_generic(ctx: &mut Ctx, key: &[u8], parts: Parts) -> CmdResult {
    let (h, out) = read_hash(ctx, key)?;
    let len = h.map_or(0, |h| h.len());
    if parts == Parts::Both {
        out.map(len);
    } else {
        out.array(len);
    }
    if let Some(h) = h {
        for (f, v) in h.iter() {
            if parts != Parts::Vals {
                out.bulk(f);
            }
            if parts != Parts::Keys {
                out.bulk(v);
            }
        }
    }
    Ok(())
}

fn hkeys(ctx: &mut Ctx, argv: &[Bytes]) -> CmdResult {
    hgetall_generic(ctx, &argv[1], Parts::Keys)
}

fn hvals(ctx: &mut Ctx, argv: &[Bytes]) -> CmdResult {
    hgetall_generic(ctx, &argv[1], Parts::Vals)
}

fn hgetall(ctx: &mut Ctx, argv: &[Bytes]) -> CmdResult {
    hgetall_generic(ctx, &argv[1], Parts::Both)
}

fn hincrby(ctx: &mut Ctx, argv: &[Bytes]) -> CmdResult {
    let (key, field) = (&argv[1], &argv[2]);
    let incr = args::int(&argv[3])?;
    let lim = ctx.st.enc;
    let h = write_hash(ctx, key)?;
    let cur = match h.get(field) {
        Some(v) => parse_i64(v).ok_or("ERR hash value is not an integer")?,
        None => 0,
    };
    let new = cur.checked_add(incr).ok_or(OVERFLOW)?;
    h.try_conversion(std::iter::once(&field[..]), &lim);
    h.set(field, new.to_string().as_bytes(), &lim);
    ctx.out.int(new);
    ctx.modified(key);
    ctx.notify(notify::HASH, "hincrby", key);
    ctx.dirty(1);
    Ok(())
}

fn hincrbyfloat(ctx: &mut Ctx, argv: &[Bytes]) -> CmdResult {
    use crate::util::long_double::{self, Num};
    let (key, field) = (&argv[1], &argv[2]);
    let incr = match long_double::parse(&argv[3]) {
        None => return Err(NOT_FLOAT.into()),
        Some(Num::Inf(_)) => return Err("ERR value is NaN or Infinity".into()),
        Some(Num::Finite(x)) => x,
    };
    let lim = ctx.st.enc;
    let h = write_hash(ctx, key)?;
    let cur = match h.get(field) {
        Some(v) => long_double::parse(v).ok_or("ERR hash value is not a float")?,
        None => Num::Finite(long_double::Ld::ZERO),
    };
    let sum = match cur {
        Num::Finite(c) => long_double::add(c, incr),
        Num::Inf(_) => None,
    };
    let text = sum.map(long_double::format_human).ok_or("ERR increment would produce NaN or Infinity")?;
    h.try_conversion(std::iter::once(&field[..]), &lim);
    h.set(field, text.as_bytes(), &lim);
    ctx.out.bulk(text.as_bytes());
    ctx.modified(key);
    ctx.notify(notify::HASH, "hincrbyfloat", key);
    ctx.dirty(1);
    // Always propagated as an HSET of the result, so float precision and formatting cannot make
    // replicas or a reloaded AOF differ.
    if ctx.propagation_wanted() {
        ctx.propagate_as(vec![Bytes::from_static(b"HSET"), key.clone(), field.clone(), Bytes::from(text.into_bytes())]);
    }
    Ok(())
}

/// Parses HRANDFIELD / SRANDMEMBER's count: any long but LONG_MIN (its negation would overflow).
pub fn rand_count(arg: &[u8]) -> Result<i64, CmdError> {
    let n = parse_i64(arg).ok_or(NOT_INT)?;
    if n == i64::MIN {
        return Err(format!("ERR value is out of range, value must between {} and {}", -i64::MAX, i64::MAX).into());
    }
    Ok(n)
}

/// HRANDFIELD key [count [WITHVALUES]]
fn hrandfield(ctx: &mut Ctx, argv: &[Bytes]) -> CmdResult {
    if argv.len() < 3 {
        let (key, db) = (&argv[1], ctx.me.db);
        if read_hash(ctx, key)?.0.is_none() {
            ctx.out.null();
            return Ok(());
        }
        let st = &mut *ctx.st;
        let h = match st.dbs[db].peek(key, ctx.now).map(|e| &e.value) {
            Some(Value::Hash(h)) => h,
            _ => return Err(WRONGTYPE.into()),
        };
        match h.random(&mut st.rng) {
            Some((f, _)) => ctx.out.bulk(f),
            None => ctx.out.null(),
        }
        return Ok(());
    }
    let n = rand_count(&argv[2])?;
    let withvalues = match argv.get(3) {
        None => false,
        Some(a) if argv.len() == 4 && args::is(a, "withvalues") => true,
        Some(_) => return Err(SYNTAX.into()),
    };
    if withvalues && !(-(i64::MAX / 2)..=i64::MAX / 2).contains(&n) {
        return Err("ERR value is out of range".into());
    }
    hrandfield_count(ctx, &argv[1], n, withvalues)
}

fn hrandfield_count(ctx: &mut Ctx, key: &[u8], n: i64, withvalues: bool) -> CmdResult {
    let db = ctx.me.db;
    let now = ctx.now;
    if read_hash(ctx, key)?.0.is_none() || n == 0 {
        ctx.out.array(0);
        return Ok(());
    }
    let Ctx { st, out, .. } = ctx;
    let st = &mut **st;
    let h = match st.dbs[db].peek(key, now).map(|e| &e.value) {
        Some(Value::Hash(h)) => h,
        _ => return Err(WRONGTYPE.into()),
    };
    let rng = &mut st.rng;
    let resp3 = out.is_resp3();
    // RESP3 nests each field-value pair; RESP2 replies a flat array.
    let emit = |out: &mut Out, f: &[u8], v: &[u8]| {
        if withvalues && resp3 {
            out.array(2);
        }
        out.bulk(f);
        if withvalues {
            out.bulk(v);
        }
    };
    let header = |out: &mut Out, items: usize| out.array(if withvalues && !resp3 { items * 2 } else { items });
    let count = n.unsigned_abs() as usize;
    if n < 0 || count == 1 {
        // With repetitions (or a single field): independent draws.
        header(out, count);
        for _ in 0..count {
            if let Some((f, v)) = h.random(rng) {
                emit(out, f, v);
            }
        }
    } else if count >= h.len() {
        header(out, h.len());
        for (f, v) in h.iter() {
            emit(out, f, v);
        }
    } else {
        let picked = h.sample_unique(count, rng);
        header(out, picked.len());
        for (f, v) in picked {
            emit(out, f, v);
        }
    }
    Ok(())
}

/// HSCAN key cursor [MATCH pattern] [COUNT count]
fn hscan(ctx: &mut Ctx, argv: &[Bytes]) -> CmdResult {
    let cursor = parse_cursor(&argv[2])?;
    let (h, out) = read_hash(ctx, &argv[1])?;
    let Some(h) = h else {
        out.array(2);
        out.bulk(b"0");
        out.array(0);
        return Ok(());
    };
    // Options are parsed only once the key is known to exist, like Redis's scanGenericCommand.
    let opts = parse_scan_opts(&argv[3..], false)?;
    let mut found: Vec<(&[u8], &[u8])> = Vec::new();
    let next = h.scan(cursor, opts.count, |f, v| {
        if opts.pattern.as_ref().is_none_or(|p| &p[..] == b"*" || glob_match(p, f, false)) {
            found.push((f, v));
        }
    });
    out.array(2);
    out.bulk(next.to_string().as_bytes());
    out.array(found.len() * 2);
    for (f, v) in found {
        out.bulk(f);
        out.bulk(v);
    }
    Ok(())
}
