//! Set commands (Redis 7.0 `t_set.c`): SADD, SREM, SMEMBERS, SISMEMBER, SMISMEMBER, SCARD, SPOP,
//! SRANDMEMBER, SMOVE, SINTER, SINTERCARD, SINTERSTORE, SUNION, SUNIONSTORE, SDIFF, SDIFFSTORE, SSCAN.
//!
//! The algebra commands follow Redis's algorithms step by step (which set is iterated, in which
//! order members are added to the result), because that decides both the reply order of intsets
//! and the encoding of stored results.

use bytes::Bytes;

use super::args;
use super::ctx::{Ctx, Handler};
use super::handler::{CmdError, CmdResult, SYNTAX, WRONGTYPE};
use super::hashes::rand_count;
use super::keys::{parse_cursor, parse_scan_opts};
use crate::db::types::{EncodingLimits, Member};
use crate::db::{Db, Entry, SetVal, Value};
use crate::notify;
use crate::resp::reply::Out;
use crate::util::{glob_match, parse_i64, Rng};

pub const COMMANDS: &[(&str, Handler)] = &[
    ("sadd", sadd),
    ("srem", srem),
    ("smembers", smembers),
    ("sismember", sismember),
    ("smismember", smismember),
    ("scard", scard),
    ("spop", spop),
    ("srandmember", srandmember),
    ("smove", smove),
    ("sinter", sinter),
    ("sintercard", sintercard),
    ("sinterstore", sinterstore),
    ("sunion", sunion),
    ("sunionstore", sunionstore),
    ("sdiff", sdiff),
    ("sdiffstore", sdiffstore),
    ("sscan", sscan),
];

fn as_set(e: &mut Entry) -> Result<&mut SetVal, CmdError> {
    match &mut e.value {
        Value::Set(s) => Ok(s),
        _ => Err(WRONGTYPE.into()),
    }
}

/// Looks a set up for reading (hit/miss accounting) and hands back the output with it.
fn read_set<'a>(ctx: &'a mut Ctx, key: &[u8]) -> Result<(Option<&'a SetVal>, &'a mut Out), CmdError> {
    ctx.read_typed(key, |v| match v {
        Value::Set(x) => Some(&**x),
        _ => None,
    })
}

/// The set at `key` (already type-checked) together with the server's random generator.
fn set_and_rng<'a>(ctx: &'a mut Ctx, key: &[u8]) -> Option<(&'a mut SetVal, &'a mut Rng, &'a mut Out)> {
    let (db, now) = (ctx.me.db, ctx.now);
    let st = &mut *ctx.st;
    match st.dbs[db].lookup(key, now).map(|e| &mut e.value) {
        Some(Value::Set(s)) => Some((&mut **s, &mut st.rng, &mut *ctx.out)),
        _ => None,
    }
}

fn bulk_member(out: &mut Out, m: Member) {
    match m {
        Member::Int(n) => out.bulk_int(n),
        Member::Bytes(b) => out.bulk(b),
    }
}

fn sadd(ctx: &mut Ctx, argv: &[Bytes]) -> CmdResult {
    let key = &argv[1];
    let lim = ctx.st.enc;
    let e = ctx.write_or_create(key, "set", || Value::Set(Box::default()))?;
    let s = as_set(e)?;
    let mut added = 0;
    for m in &argv[2..] {
        if s.add(m, &lim) {
            added += 1;
        }
    }
    if added > 0 {
        ctx.modified(key);
        ctx.notify(notify::SET, "sadd", key);
        ctx.dirty(added);
    }
    ctx.out.int(added as i64);
    Ok(())
}

fn srem(ctx: &mut Ctx, argv: &[Bytes]) -> CmdResult {
    let key = &argv[1];
    let Some(e) = ctx.write_value(key, "set")? else {
        ctx.out.int(0);
        return Ok(());
    };
    let s = as_set(e)?;
    let mut deleted = 0;
    for m in &argv[2..] {
        if s.remove(m) {
            deleted += 1;
            if s.is_empty() {
                break;
            }
        }
    }
    if deleted > 0 {
        ctx.modified(key);
        ctx.notify(notify::SET, "srem", key);
        ctx.delete_if_empty(key);
        ctx.dirty(deleted);
    }
    ctx.out.int(deleted as i64);
    Ok(())
}

fn smembers(ctx: &mut Ctx, argv: &[Bytes]) -> CmdResult {
    let (s, out) = read_set(ctx, &argv[1])?;
    match s {
        None => out.set(0),
        Some(s) => {
            out.set(s.len());
            for m in s.iter() {
                bulk_member(out, m);
            }
        }
    }
    Ok(())
}

fn sismember(ctx: &mut Ctx, argv: &[Bytes]) -> CmdResult {
    let (s, out) = read_set(ctx, &argv[1])?;
    out.int(s.is_some_and(|s| s.contains(&argv[2])) as i64);
    Ok(())
}

fn smismember(ctx: &mut Ctx, argv: &[Bytes]) -> CmdResult {
    let (s, out) = read_set(ctx, &argv[1])?;
    out.array(argv.len() - 2);
    for m in &argv[2..] {
        out.int(s.is_some_and(|s| s.contains(m)) as i64);
    }
    Ok(())
}

fn scard(ctx: &mut Ctx, argv: &[Bytes]) -> CmdResult {
    let (s, out) = read_set(ctx, &argv[1])?;
    out.int(s.map_or(0, |s| s.len()) as i64);
    Ok(())
}

/// SPOP key [count]
fn spop(ctx: &mut Ctx, argv: &[Bytes]) -> CmdResult {
    if argv.len() == 3 {
        return spop_count(ctx, argv);
    }
    if argv.len() > 3 {
        return Err(SYNTAX.into());
    }
    let key = &argv[1];
    if ctx.write_value(key, "set")?.is_none() {
        ctx.out.null();
        return Ok(());
    }
    let popped = set_and_rng(ctx, key).and_then(|(s, rng, _)| s.pop_random(rng));
    let Some(m) = popped else {
        ctx.out.null();
        return Ok(());
    };
    ctx.notify(notify::SET, "spop", key);
    ctx.out.bulk(&m);
    ctx.delete_if_empty(key);
    ctx.modified(key);
    ctx.dirty(1);
    // Propagated as the removal of the member drawn, so replicas and the AOF pop the same one.
    if ctx.propagation_wanted() {
        ctx.propagate_as(vec![srem_cmd(), key.clone(), Bytes::from(m)]);
    }
    Ok(())
}

/// The command SPOP is propagated as (Redis's shared.srem).
fn srem_cmd() -> Bytes {
    Bytes::from_static(b"SREM")
}

/// SPOP pops members one by one unless the members that stay are this many times fewer than the
/// count; then it rebuilds the set from them (`SPOP_MOVE_STRATEGY_MUL`).
const SPOP_MOVE_STRATEGY_MUL: usize = 5;

fn spop_count(ctx: &mut Ctx, argv: &[Bytes]) -> CmdResult {
    let key = &argv[1];
    let count = args::count(&argv[2])?;
    let lim = ctx.st.enc;
    let Some(e) = ctx.write_value(key, "set")? else {
        ctx.out.set(0);
        return Ok(());
    };
    let size = as_set(e)?.len();
    if count == 0 {
        ctx.out.set(0);
        return Ok(());
    }
    ctx.notify(notify::SET, "spop", key);
    if count >= size {
        // The whole set, replied the way SUNION of the one key builds it (a read lookup in Redis,
        // counted as a keyspace hit).
        ctx.lookup_read(key);
        let Some((s, _, out)) = set_and_rng(ctx, key) else { return Err(WRONGTYPE.into()) };
        let all = union_of(&[Some(&*s)], &lim);
        reply_set(out, &all);
        ctx.delete(key);
        ctx.notify(notify::GENERIC, "del", key);
        ctx.modified(key);
        ctx.dirty(size as u64);
        // Redis 7.0 propagates popping the whole set as DEL (never UNLINK).
        if ctx.propagation_wanted() {
            ctx.propagate_as(vec![Bytes::from_static(b"DEL"), key.clone()]);
        }
        return Ok(());
    }
    // Otherwise every member popped is propagated as its own SREM, in reply order (the
    // framework wraps them in MULTI/EXEC).
    let wanted = ctx.propagation_wanted();
    let mut popped: Vec<Bytes> = Vec::new();
    let Some((s, rng, out)) = set_and_rng(ctx, key) else { return Err(WRONGTYPE.into()) };
    let remaining = size - count;
    if remaining * SPOP_MOVE_STRATEGY_MUL > count {
        out.set(count);
        for _ in 0..count {
            match s.pop_random(rng) {
                Some(m) => {
                    out.bulk(&m);
                    if wanted {
                        popped.push(Bytes::from(m));
                    }
                }
                None => out.null(),
            }
        }
    } else {
        // Most of the set goes: move the members that stay into a new set (which picks its
        // encoding afresh), reply the rest.
        let mut kept = SetVal::default();
        for _ in 0..remaining {
            let Some(m) = s.random(rng).map(|m| m.to_vec()) else { break };
            kept.add(&m, &lim);
            s.remove(&m);
        }
        reply_set(out, s);
        if wanted {
            popped.extend(s.iter().map(|m| Bytes::from(m.to_vec())));
        }
        *s = kept;
    }
    ctx.modified(key);
    ctx.dirty(count as u64);
    if wanted {
        for m in popped {
            ctx.also_propagate(vec![srem_cmd(), key.clone(), m]);
        }
        ctx.prevent_propagation();
    }
    Ok(())
}

fn reply_set(out: &mut Out, s: &SetVal) {
    out.set(s.len());
    for m in s.iter() {
        bulk_member(out, m);
    }
}

/// SRANDMEMBER key [count]
fn srandmember(ctx: &mut Ctx, argv: &[Bytes]) -> CmdResult {
    if argv.len() > 3 {
        return Err(SYNTAX.into());
    }
    let key = &argv[1];
    if argv.len() == 3 {
        let n = rand_count(&argv[2])?;
        return srandmember_count(ctx, key, n);
    }
    if read_set(ctx, key)?.0.is_none() {
        ctx.out.null();
        return Ok(());
    }
    match set_and_rng(ctx, key) {
        Some((s, rng, out)) => match s.random(rng) {
            Some(m) => bulk_member(out, m),
            None => out.null(),
        },
        None => ctx.out.null(),
    }
    Ok(())
}

fn srandmember_count(ctx: &mut Ctx, key: &[u8], n: i64) -> CmdResult {
    if read_set(ctx, key)?.0.is_none() || n == 0 {
        ctx.out.array(0);
        return Ok(());
    }
    let Some((s, rng, out)) = set_and_rng(ctx, key) else { return Err(WRONGTYPE.into()) };
    let s = &*s;
    let count = n.unsigned_abs() as usize;
    if n < 0 || count == 1 {
        out.array(count);
        for _ in 0..count {
            match s.random(rng) {
                Some(m) => bulk_member(out, m),
                None => out.null(),
            }
        }
    } else if count >= s.len() {
        out.array(s.len());
        for m in s.iter() {
            bulk_member(out, m);
        }
    } else {
        let picked = s.sample_unique(count, rng);
        out.array(picked.len());
        for m in picked {
            bulk_member(out, m);
        }
    }
    Ok(())
}

/// SMOVE source destination member
fn smove(ctx: &mut Ctx, argv: &[Bytes]) -> CmdResult {
    let (src, dst, member) = (&argv[1], &argv[2], &argv[3]);
    let lim = ctx.st.enc;
    let Some(src_type) = ctx.lookup_write(src).map(|e| e.value.type_name()) else {
        ctx.out.int(0);
        return Ok(());
    };
    let dst_type = ctx.lookup_write(dst).map(|e| e.value.type_name());
    if src_type != "set" || dst_type.is_some_and(|t| t != "set") {
        return Err(WRONGTYPE.into());
    }
    let Some(e) = ctx.write_value(src, "set")? else {
        ctx.out.int(0);
        return Ok(());
    };
    let s = as_set(e)?;
    if src == dst {
        let present = s.contains(member);
        ctx.out.int(present as i64);
        return Ok(());
    }
    if !s.remove(member) {
        ctx.out.int(0);
        return Ok(());
    }
    ctx.notify(notify::SET, "srem", src);
    ctx.delete_if_empty(src);
    ctx.modified(src);
    ctx.dirty(1);
    let d = as_set(ctx.write_or_create(dst, "set", || Value::Set(Box::default()))?)?;
    if d.add(member, &lim) {
        ctx.dirty(1);
        ctx.modified(dst);
        ctx.notify(notify::SET, "sadd", dst);
    }
    ctx.out.int(1);
    Ok(())
}

/// Type-checks every source key in order (the first wrong type fails the command). Redis 7.0
/// looks sources up as reads, with hit/miss accounting, even for the STORE variants.
fn check_sources(ctx: &mut Ctx, keys: &[Bytes]) -> Result<(), CmdError> {
    for k in keys {
        ctx.read_value(k, "set")?;
    }
    Ok(())
}

/// The sets at `keys` (None for missing keys), borrowed from the db.
fn sources<'a>(db: &'a Db, keys: &[Bytes], now: i64) -> Vec<Option<&'a SetVal>> {
    keys.iter()
        .map(|k| match db.peek(k, now).map(|e| &e.value) {
            Some(Value::Set(s)) => Some(&**s),
            _ => None,
        })
        .collect()
}

/// What SINTER-like commands do with the intersection.
#[derive(Clone, Copy, PartialEq)]
enum InterMode {
    Reply,
    Card(usize),
    Store,
}

/// The members of the intersection, in the order of the smallest set (ties keep key order, as
/// glibc's stable qsort does), stopping at `limit` members when it is non-zero.
fn intersect<'a>(sets: &[&'a SetVal], limit: usize) -> Vec<Member<'a>> {
    let mut order: Vec<usize> = (0..sets.len()).collect();
    order.sort_by_key(|&i| sets[i].len());
    let first = sets[order[0]];
    let others: Vec<&SetVal> = order[1..].iter().map(|&i| sets[i]).filter(|s| !std::ptr::eq(*s, first)).collect();
    let mut out = Vec::new();
    for m in first.iter() {
        if others.iter().all(|s| s.contains_member(m)) {
            out.push(m);
            if limit != 0 && out.len() >= limit {
                break;
            }
        }
    }
    out
}

fn sinter_generic(ctx: &mut Ctx, keys: &[Bytes], dst: Option<&Bytes>, mode: InterMode) -> CmdResult {
    check_sources(ctx, keys)?;
    let lim = ctx.st.enc;
    let (db, now) = (ctx.me.db, ctx.now);
    let stored: Option<SetVal> = {
        let sets = sources(&ctx.st.dbs[db], keys, now);
        let out = &mut *ctx.out;
        if sets.iter().any(Option::is_none) {
            // An empty (missing) set makes the intersection empty.
            match mode {
                InterMode::Reply => out.set(0),
                InterMode::Card(_) => out.int(0),
                InterMode::Store => {}
            }
            None
        } else {
            let sets: Vec<&SetVal> = sets.into_iter().flatten().collect();
            let limit = if let InterMode::Card(l) = mode { l } else { 0 };
            let members = intersect(&sets, limit);
            match mode {
                InterMode::Reply => {
                    out.set(members.len());
                    for m in members {
                        bulk_member(out, m);
                    }
                    None
                }
                InterMode::Card(_) => {
                    out.int(members.len() as i64);
                    None
                }
                InterMode::Store => {
                    let mut s = SetVal::default();
                    for m in members {
                        s.add_member(m, &lim);
                    }
                    Some(s)
                }
            }
        }
    };
    if let Some(dst) = dst {
        match stored {
            Some(s) if !s.is_empty() => store_result(ctx, dst, s, "sinterstore"),
            Some(_) => {
                ctx.out.int(0);
                ctx.delete_signalled(dst);
            }
            None => {
                // Missing source: Redis deletes the destination before replying.
                ctx.delete_signalled(dst);
                ctx.out.int(0);
            }
        }
    }
    Ok(())
}

/// Stores a non-empty result set at `dst` (replacing any value and TTL, like `setKey`).
fn store_result(ctx: &mut Ctx, dst: &[u8], s: SetVal, event: &str) {
    let n = s.len();
    ctx.db().insert(Entry::with_value(dst, Value::Set(Box::new(s))));
    ctx.modified(dst);
    ctx.out.int(n as i64);
    ctx.notify(notify::SET, event, dst);
    ctx.dirty(1);
}

fn sinter(ctx: &mut Ctx, argv: &[Bytes]) -> CmdResult {
    sinter_generic(ctx, &argv[1..], None, InterMode::Reply)
}

fn sinterstore(ctx: &mut Ctx, argv: &[Bytes]) -> CmdResult {
    sinter_generic(ctx, &argv[2..], Some(&argv[1]), InterMode::Store)
}

/// SINTERCARD numkeys key [key ...] [LIMIT limit]
fn sintercard(ctx: &mut Ctx, argv: &[Bytes]) -> CmdResult {
    const NUMKEYS: &str = "ERR numkeys should be greater than 0";
    let numkeys = parse_i64(&argv[1]).filter(|&n| n >= 1).ok_or(NUMKEYS)? as usize;
    if numkeys > argv.len() - 2 {
        return Err("ERR Number of keys can't be greater than number of args".into());
    }
    let mut limit = 0;
    let mut i = 2 + numkeys;
    while i < argv.len() {
        if args::is(&argv[i], "limit") && i + 1 < argv.len() {
            const NEG: &str = "ERR LIMIT can't be negative";
            limit = parse_i64(&argv[i + 1]).filter(|&n| n >= 0).ok_or(NEG)? as usize;
            i += 2;
        } else {
            return Err(SYNTAX.into());
        }
    }
    sinter_generic(ctx, &argv[2..2 + numkeys], None, InterMode::Card(limit))
}

/// Every member of the given sets, added in order to a new set (`SUNION`).
fn union_of(sets: &[Option<&SetVal>], lim: &EncodingLimits) -> SetVal {
    let mut dst = SetVal::default();
    for s in sets.iter().flatten() {
        for m in s.iter() {
            dst.add_member(m, lim);
        }
    }
    dst
}

/// SDIFF with Redis's choice between its two algorithms, which can decide the result's encoding
/// (the second one adds all of the first set, then removes).
fn diff_of(sets: &[Option<&SetVal>], keys: &[Bytes], lim: &EncodingLimits) -> SetVal {
    let mut dst = SetVal::default();
    let Some(first) = sets[0] else { return dst };
    // The first key repeated later: the difference is empty.
    if keys[1..].iter().zip(&sets[1..]).any(|(k, s)| s.is_some() && *k == keys[0]) {
        return dst;
    }
    let existing = sets.iter().flatten().count();
    let algo_one_work = (first.len() * existing) / 2;
    let algo_two_work: usize = sets.iter().flatten().map(|s| s.len()).sum();
    if algo_one_work <= algo_two_work {
        for m in first.iter() {
            if !sets[1..].iter().flatten().any(|s| s.contains_member(m)) {
                dst.add_member(m, lim);
            }
        }
    } else {
        for m in first.iter() {
            dst.add_member(m, lim);
        }
        for s in sets[1..].iter().flatten() {
            if dst.is_empty() {
                break;
            }
            for m in s.iter() {
                dst.remove_member(m);
            }
        }
    }
    dst
}

fn sunion_diff(ctx: &mut Ctx, keys: &[Bytes], dst: Option<&Bytes>, diff: bool) -> CmdResult {
    check_sources(ctx, keys)?;
    let lim = ctx.st.enc;
    let (db, now) = (ctx.me.db, ctx.now);
    let result = {
        let sets = sources(&ctx.st.dbs[db], keys, now);
        if diff {
            diff_of(&sets, keys, &lim)
        } else {
            union_of(&sets, &lim)
        }
    };
    match dst {
        None => reply_set(ctx.out, &result),
        Some(dst) if !result.is_empty() => store_result(ctx, dst, result, if diff { "sdiffstore" } else { "sunionstore" }),
        Some(dst) => {
            ctx.out.int(0);
            ctx.delete_signalled(dst);
        }
    }
    Ok(())
}

fn sunion(ctx: &mut Ctx, argv: &[Bytes]) -> CmdResult {
    sunion_diff(ctx, &argv[1..], None, false)
}

fn sunionstore(ctx: &mut Ctx, argv: &[Bytes]) -> CmdResult {
    sunion_diff(ctx, &argv[2..], Some(&argv[1]), false)
}

fn sdiff(ctx: &mut Ctx, argv: &[Bytes]) -> CmdResult {
    sunion_diff(ctx, &argv[1..], None, true)
}

fn sdiffstore(ctx: &mut Ctx, argv: &[Bytes]) -> CmdResult {
    sunion_diff(ctx, &argv[2..], Some(&argv[1]), true)
}

/// SSCAN key cursor [MATCH pattern] [COUNT count]
fn sscan(ctx: &mut Ctx, argv: &[Bytes]) -> CmdResult {
    let cursor = parse_cursor(&argv[2])?;
    let (s, out) = read_set(ctx, &argv[1])?;
    let Some(s) = s else {
        out.array(2);
        out.bulk(b"0");
        out.array(0);
        return Ok(());
    };
    // Options are parsed only once the key is known to exist, like Redis's scanGenericCommand.
    let opts = parse_scan_opts(&argv[3..], false)?;
    let pattern = opts.pattern.filter(|p| &p[..] != b"*");
    let mut found: Vec<Member> = Vec::new();
    let next = s.scan(cursor, opts.count, |m| {
        let keep = match (&pattern, m) {
            (None, _) => true,
            (Some(p), Member::Bytes(b)) => glob_match(p, b, false),
            (Some(p), Member::Int(n)) => glob_match(p, n.to_string().as_bytes(), false),
        };
        if keep {
            found.push(m);
        }
    });
    out.array(2);
    out.bulk(next.to_string().as_bytes());
    out.array(found.len());
    for m in found {
        bulk_member(out, m);
    }
    Ok(())
}
