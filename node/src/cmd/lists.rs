//! List commands (Redis 7.0 `t_list.c`): pushes, pops, ranges, LPOS/LINSERT/LREM/LSET/LTRIM,
//! LMOVE/RPOPLPUSH/LMPOP and the blocking BLPOP/BRPOP/BLMOVE/BRPOPLPUSH/BLMPOP.
//!
//! Lists are `Value::List(Box<VecDeque<Elem>>)`; an emptied list is always deleted, so a key that
//! exists holds at least one element. Replies, errors, keyspace events and the order in which a
//! command emits its reply and its events (visible to a RESP3 client subscribed to its own events)
//! follow `t_list.c`.

use bytes::Bytes;
use std::collections::VecDeque;

use super::ctx::{Ctx, Handler};
use super::handler::{CmdError, CmdResult, NO_SUCH_KEY, OUT_OF_RANGE, SYNTAX, WRONGTYPE};
use super::{args, blocking};
use crate::client::Blocked;
use crate::db::{Elem, Value};
use crate::notify;

pub const COMMANDS: &[(&str, Handler)] = &[
    ("lpush", lpush),
    ("rpush", rpush),
    ("lpushx", lpushx),
    ("rpushx", rpushx),
    ("lpop", lpop),
    ("rpop", rpop),
    ("llen", llen),
    ("lrange", lrange),
    ("lindex", lindex),
    ("lset", lset),
    ("lrem", lrem),
    ("ltrim", ltrim),
    ("linsert", linsert),
    ("lpos", lpos),
    ("lmove", lmove),
    ("rpoplpush", rpoplpush),
    ("lmpop", lmpop),
    ("blpop", blpop),
    ("brpop", brpop),
    ("blmove", blmove),
    ("brpoplpush", brpoplpush),
    ("blmpop", blmpop),
];

type List = VecDeque<Elem>;

/// Which end of a list (Redis's LIST_HEAD / LIST_TAIL).
#[derive(Clone, Copy, PartialEq, Eq)]
enum End {
    Left,
    Right,
}

impl End {
    fn pop_event(self) -> &'static str {
        match self {
            End::Left => "lpop",
            End::Right => "rpop",
        }
    }

    fn push_event(self) -> &'static str {
        match self {
            End::Left => "lpush",
            End::Right => "rpush",
        }
    }

    /// The pop command a blocking or multi-key pop is propagated as (Redis's shared.lpop/rpop).
    fn pop_cmd(self) -> Bytes {
        Bytes::from_static(match self {
            End::Left => b"LPOP",
            End::Right => b"RPOP",
        })
    }

    /// The LMOVE argument for this end, as Redis writes it (shared.left/right).
    fn arg(self) -> Bytes {
        Bytes::from_static(match self {
            End::Left => b"left",
            End::Right => b"right",
        })
    }
}

fn pop_end(l: &mut List, end: End) -> Option<Elem> {
    match end {
        End::Left => l.pop_front(),
        End::Right => l.pop_back(),
    }
}

fn push_end(l: &mut List, end: End, e: Elem) {
    match end {
        End::Left => l.push_front(e),
        End::Right => l.push_back(e),
    }
}

/// `LEFT` / `RIGHT` (case-insensitive), else a syntax error.
fn parse_end(arg: &[u8]) -> Result<End, CmdError> {
    if args::is(arg, "left") {
        Ok(End::Left)
    } else if args::is(arg, "right") {
        Ok(End::Right)
    } else {
        Err(SYNTAX.into())
    }
}

/// The list at `key` for a read command (counts hits/misses): None when missing, WRONGTYPE for
/// another type.
fn read_list<'a>(ctx: &'a mut Ctx, key: &[u8]) -> Result<Option<&'a mut List>, CmdError> {
    match ctx.lookup_read(key).map(|e| &mut e.value) {
        None => Ok(None),
        Some(Value::List(l)) => Ok(Some(l)),
        Some(_) => Err(WRONGTYPE.into()),
    }
}

/// The list at `key` for a write command (no hit/miss accounting, like `lookupKeyWrite`).
fn write_list<'a>(ctx: &'a mut Ctx, key: &[u8]) -> Result<Option<&'a mut List>, CmdError> {
    match ctx.lookup_write(key).map(|e| &mut e.value) {
        None => Ok(None),
        Some(Value::List(l)) => Ok(Some(l)),
        Some(_) => Err(WRONGTYPE.into()),
    }
}

/// The list at `key`, created empty when missing (the caller pushes into it at once).
fn list_or_create<'a>(ctx: &'a mut Ctx, key: &[u8]) -> Result<&'a mut List, CmdError> {
    match &mut ctx.write_or_create(key, "list", || Value::List(Box::default()))?.value {
        Value::List(l) => Ok(l),
        _ => Err(WRONGTYPE.into()),
    }
}

/// Pops up to `n` elements from one end, in pop order.
fn pop_n(l: &mut List, end: End, n: usize) -> Vec<Elem> {
    let n = n.min(l.len());
    match end {
        End::Left => l.drain(..n).collect(),
        End::Right => {
            let at = l.len() - n;
            let mut v: Vec<Elem> = l.drain(at..).collect();
            v.reverse();
            v
        }
    }
}

/// Redis's `listElementsRemoved`: the pop event, deleting an emptied list (`del` event), WATCH and
/// the dirty counter.
fn elements_removed(ctx: &mut Ctx, key: &[u8], end: End, count: usize) {
    ctx.notify(notify::LIST, end.pop_event(), key);
    ctx.delete_if_empty(key);
    ctx.modified(key);
    ctx.dirty(count as u64);
}

// ---------------------------------------------------------------------------------------------
// Pushes

fn lpush(ctx: &mut Ctx, argv: &[Bytes]) -> CmdResult {
    push_generic(ctx, argv, End::Left, false)
}

fn rpush(ctx: &mut Ctx, argv: &[Bytes]) -> CmdResult {
    push_generic(ctx, argv, End::Right, false)
}

fn lpushx(ctx: &mut Ctx, argv: &[Bytes]) -> CmdResult {
    push_generic(ctx, argv, End::Left, true)
}

fn rpushx(ctx: &mut Ctx, argv: &[Bytes]) -> CmdResult {
    push_generic(ctx, argv, End::Right, true)
}

/// LPUSH/RPUSH (create the list) and LPUSHX/RPUSHX (`only_existing`: push only into a list).
fn push_generic(ctx: &mut Ctx, argv: &[Bytes], end: End, only_existing: bool) -> CmdResult {
    let key = &argv[1];
    let exists = write_list(ctx, key)?.is_some();
    if !exists && only_existing {
        ctx.out.int(0);
        return Ok(());
    }
    let l = list_or_create(ctx, key)?;
    for e in &argv[2..] {
        push_end(l, end, Elem::from(&e[..]));
    }
    let len = l.len();
    ctx.out.int(len as i64);
    ctx.modified(key);
    ctx.notify(notify::LIST, end.push_event(), key);
    ctx.dirty((argv.len() - 2) as u64);
    ctx.signal_ready(key);
    Ok(())
}

// ---------------------------------------------------------------------------------------------
// Pops

fn lpop(ctx: &mut Ctx, argv: &[Bytes]) -> CmdResult {
    pop_generic(ctx, argv, End::Left)
}

fn rpop(ctx: &mut Ctx, argv: &[Bytes]) -> CmdResult {
    pop_generic(ctx, argv, End::Right)
}

/// LPOP/RPOP key [count]: one element as a bulk, or with a count an array (null array when the key
/// is missing, empty array for count 0).
fn pop_generic(ctx: &mut Ctx, argv: &[Bytes], end: End) -> CmdResult {
    if argv.len() > 3 {
        return Err(format!("ERR wrong number of arguments for '{}' command", super::handler::lower(&argv[0])).into());
    }
    let count = match argv.get(2) {
        Some(a) => Some(args::count(a)?),
        None => None,
    };
    let key = &argv[1];
    let Some(l) = write_list(ctx, key)? else {
        if count.is_some() {
            ctx.out.null_array();
        } else {
            ctx.out.null();
        }
        return Ok(());
    };
    match count {
        Some(0) => {
            ctx.out.array(0);
            Ok(())
        }
        None => {
            let Some(v) = pop_end(l, end) else {
                ctx.out.null();
                return Ok(());
            };
            ctx.out.bulk(&v);
            elements_removed(ctx, key, end, 1);
            Ok(())
        }
        Some(n) => {
            let popped = pop_n(l, end, n);
            ctx.out.bulks(popped.iter().map(|e| &e[..]));
            elements_removed(ctx, key, end, popped.len());
            Ok(())
        }
    }
}

/// Pops up to `count` elements from the first non-empty list among `keys` and replies
/// `[key, [elements]]` (LMPOP/BLMPOP). Returns false when every key is missing.
fn mpop_from(ctx: &mut Ctx, keys: &[Bytes], end: End, count: usize) -> Result<bool, CmdError> {
    for key in keys {
        let Some(l) = write_list(ctx, key)? else { continue };
        if l.is_empty() {
            continue;
        }
        let popped = pop_n(l, end, count);
        ctx.out.array(2);
        ctx.out.bulk(key);
        ctx.out.bulks(popped.iter().map(|e| &e[..]));
        elements_removed(ctx, key, end, popped.len());
        // Propagated as a plain pop of the elements it took: `LPOP key <n>`.
        if ctx.propagation_wanted() {
            ctx.propagate_as(vec![end.pop_cmd(), key.clone(), Bytes::from(popped.len().to_string())]);
        }
        return Ok(true);
    }
    Ok(false)
}

/// Parsed `numkeys key... LEFT|RIGHT [COUNT n]` of LMPOP/BLMPOP.
struct MpopArgs {
    keys: Vec<Bytes>,
    end: End,
    count: usize,
}

/// Parses LMPOP's arguments starting at `numkeys_idx`, with Redis's errors and their order.
fn parse_mpop(argv: &[Bytes], numkeys_idx: usize) -> Result<MpopArgs, CmdError> {
    const NUMKEYS: &str = "ERR numkeys should be greater than 0";
    const COUNT: &str = "ERR count should be greater than 0";
    let numkeys = crate::util::parse_i64(&argv[numkeys_idx]).filter(|n| *n >= 1).ok_or(NUMKEYS)?;
    let keys_left = (argv.len() - numkeys_idx - 1) as i64;
    if numkeys >= keys_left {
        return Err(SYNTAX.into());
    }
    let first = numkeys_idx + 1;
    let where_idx = first + numkeys as usize;
    let end = parse_end(&argv[where_idx])?;
    let mut count: Option<usize> = None;
    let mut j = where_idx + 1;
    while j < argv.len() {
        if count.is_none() && args::is(&argv[j], "count") && j + 1 < argv.len() {
            j += 1;
            let n = crate::util::parse_i64(&argv[j]).filter(|n| *n >= 1).ok_or(COUNT)?;
            count = Some(n as usize);
        } else {
            return Err(SYNTAX.into());
        }
        j += 1;
    }
    Ok(MpopArgs { keys: argv[first..where_idx].to_vec(), end, count: count.unwrap_or(1) })
}

fn lmpop(ctx: &mut Ctx, argv: &[Bytes]) -> CmdResult {
    let a = parse_mpop(argv, 1)?;
    if !mpop_from(ctx, &a.keys, a.end, a.count)? {
        ctx.out.null_array();
    }
    Ok(())
}

// ---------------------------------------------------------------------------------------------
// Reads

fn llen(ctx: &mut Ctx, argv: &[Bytes]) -> CmdResult {
    let n = read_list(ctx, &argv[1])?.map_or(0, |l| l.len());
    ctx.out.int(n as i64);
    Ok(())
}

fn lrange(ctx: &mut Ctx, argv: &[Bytes]) -> CmdResult {
    let start = args::int(&argv[2])?;
    let end = args::int(&argv[3])?;
    let (entry, out) = ctx.read_with_out(&argv[1]);
    let l = match entry.map(|e| &e.value) {
        None => {
            out.array(0);
            return Ok(());
        }
        Some(Value::List(l)) => l,
        Some(_) => return Err(WRONGTYPE.into()),
    };
    match args::range(start, end, l.len()) {
        None => out.array(0),
        Some((s, e)) => out.bulks(l.range(s..=e).map(|x| &x[..])),
    }
    Ok(())
}

/// A Redis list index (negative = from the tail) → a position, if inside the list.
fn index_of(index: i64, len: usize) -> Option<usize> {
    let len = len as i64;
    let i = if index < 0 { len + index } else { index };
    (0..len).contains(&i).then_some(i as usize)
}

fn lindex(ctx: &mut Ctx, argv: &[Bytes]) -> CmdResult {
    let (entry, out) = ctx.read_with_out(&argv[1]);
    let l = match entry.map(|e| &e.value) {
        None => {
            out.null();
            return Ok(());
        }
        Some(Value::List(l)) => l,
        Some(_) => return Err(WRONGTYPE.into()),
    };
    // The index is parsed after the type check, as in Redis.
    match index_of(args::int(&argv[2])?, l.len()) {
        Some(i) => out.bulk(&l[i]),
        None => out.null(),
    }
    Ok(())
}

/// A non-negative integer option whose every parse error (not a number, negative) is `msg`, like
/// Redis's `getPositiveLongFromObjectOrReply` with a message.
fn non_negative(arg: &[u8], msg: &'static str) -> Result<i64, CmdError> {
    crate::util::parse_i64(arg).filter(|n| *n >= 0).ok_or_else(|| msg.into())
}

/// LPOS key element [RANK rank] [COUNT num-matches] [MAXLEN len].
fn lpos(ctx: &mut Ctx, argv: &[Bytes]) -> CmdResult {
    let mut rank: i64 = 1;
    let mut count: Option<i64> = None;
    let mut maxlen: i64 = 0;
    let mut j = 3;
    while j < argv.len() {
        let more = j + 1 < argv.len();
        if args::is(&argv[j], "rank") && more {
            j += 1;
            rank = args::int(&argv[j])?;
            if rank == 0 {
                return Err("ERR RANK can't be zero: use 1 to start from the first match, 2 from the second ... or use negative to start from the end of the list".into());
            }
        } else if args::is(&argv[j], "count") && more {
            j += 1;
            count = Some(non_negative(&argv[j], "ERR COUNT can't be negative")?);
        } else if args::is(&argv[j], "maxlen") && more {
            j += 1;
            maxlen = non_negative(&argv[j], "ERR MAXLEN can't be negative")?;
        } else {
            return Err(SYNTAX.into());
        }
        j += 1;
    }
    // A negative rank scans from the tail. Redis 7.0 negates it in C `long` arithmetic, so
    // LONG_MIN stays negative and then matches from the first hit: keep that with wrapping ops.
    let from_tail = rank < 0;
    if from_tail {
        rank = rank.wrapping_neg();
    }
    let ele = &argv[2];
    let (entry, out) = ctx.read_with_out(&argv[1]);
    let l = match entry.map(|e| &e.value) {
        None => {
            if count.is_some() {
                out.array(0);
            } else {
                out.null();
            }
            return Ok(());
        }
        Some(Value::List(l)) => l,
        Some(_) => return Err(WRONGTYPE.into()),
    };
    let len = l.len();
    let mut found: Vec<i64> = Vec::new();
    let mut matches: i64 = 0;
    let mut scanned: i64 = 0;
    let mut iter: Box<dyn Iterator<Item = &Elem>> = if from_tail { Box::new(l.iter().rev()) } else { Box::new(l.iter()) };
    while maxlen == 0 || scanned < maxlen {
        let Some(x) = iter.next() else { break };
        if x[..] == ele[..] {
            matches += 1;
            if matches >= rank {
                let pos = if from_tail { len as i64 - scanned - 1 } else { scanned };
                found.push(pos);
                match count {
                    None => break,
                    Some(c) => {
                        if c != 0 && matches.wrapping_sub(rank).wrapping_add(1) >= c {
                            break;
                        }
                    }
                }
            }
        }
        scanned += 1;
    }
    match count {
        Some(_) => {
            out.array(found.len());
            for p in found {
                out.int(p);
            }
        }
        None => match found.first() {
            Some(p) => out.int(*p),
            None => out.null(),
        },
    }
    Ok(())
}

// ---------------------------------------------------------------------------------------------
// In-place writes

fn lset(ctx: &mut Ctx, argv: &[Bytes]) -> CmdResult {
    let key = &argv[1];
    let Some(l) = write_list(ctx, key)? else { return Err(NO_SUCH_KEY.into()) };
    let Some(i) = index_of(args::int(&argv[2])?, l.len()) else { return Err(OUT_OF_RANGE.into()) };
    l[i] = Elem::from(&argv[3][..]);
    ctx.out.ok();
    ctx.modified(key);
    ctx.notify(notify::LIST, "lset", key);
    ctx.dirty(1);
    Ok(())
}

fn lrem(ctx: &mut Ctx, argv: &[Bytes]) -> CmdResult {
    let key = &argv[1];
    let count = args::int(&argv[2])?;
    let ele = &argv[3];
    let Some(l) = write_list(ctx, key)? else {
        ctx.out.int(0);
        return Ok(());
    };
    // count > 0: the first `count` matches from the head; < 0: from the tail; 0: all. Redis
    // negates in C arithmetic, so LONG_MIN means "all, from the tail".
    let from_tail = count < 0;
    let limit = if from_tail { count.wrapping_neg() } else { count };
    let limit = if limit <= 0 { usize::MAX } else { limit as usize };
    let mut removed = 0usize;
    let len = l.len();
    let mut kept: List = VecDeque::with_capacity(len);
    if from_tail {
        while let Some(x) = l.pop_back() {
            if removed < limit && x[..] == ele[..] {
                removed += 1;
            } else {
                kept.push_front(x);
            }
        }
    } else {
        while let Some(x) = l.pop_front() {
            if removed < limit && x[..] == ele[..] {
                removed += 1;
            } else {
                kept.push_back(x);
            }
        }
    }
    *l = kept;
    if removed > 0 {
        ctx.dirty(removed as u64);
        ctx.notify(notify::LIST, "lrem", key);
        ctx.delete_if_empty(key);
        ctx.modified(key);
    }
    ctx.out.int(removed as i64);
    Ok(())
}

fn ltrim(ctx: &mut Ctx, argv: &[Bytes]) -> CmdResult {
    let key = &argv[1];
    let start = args::int(&argv[2])?;
    let end = args::int(&argv[3])?;
    let Some(l) = write_list(ctx, key)? else {
        ctx.out.ok();
        return Ok(());
    };
    let len = l.len();
    let removed = match args::range(start, end, len) {
        None => {
            l.clear();
            len
        }
        Some((s, e)) => {
            l.truncate(e + 1);
            l.drain(..s);
            len - (e + 1 - s)
        }
    };
    ctx.notify(notify::LIST, "ltrim", key);
    ctx.delete_if_empty(key);
    ctx.modified(key);
    ctx.dirty(removed as u64);
    ctx.out.ok();
    Ok(())
}

fn linsert(ctx: &mut Ctx, argv: &[Bytes]) -> CmdResult {
    let key = &argv[1];
    let after = if args::is(&argv[2], "after") {
        true
    } else if args::is(&argv[2], "before") {
        false
    } else {
        return Err(SYNTAX.into());
    };
    let Some(l) = write_list(ctx, key)? else {
        ctx.out.int(0);
        return Ok(());
    };
    let pivot = &argv[3];
    let Some(pos) = l.iter().position(|x| x[..] == pivot[..]) else {
        ctx.out.int(-1);
        return Ok(());
    };
    l.insert(if after { pos + 1 } else { pos }, Elem::from(&argv[4][..]));
    let len = l.len();
    ctx.modified(key);
    ctx.notify(notify::LIST, "linsert", key);
    ctx.dirty(1);
    ctx.out.int(len as i64);
    Ok(())
}

// ---------------------------------------------------------------------------------------------
// Moves

/// Redis's `lmoveGenericCommand`: pops from `src` and pushes to `dst`, replying the element (null
/// when `src` is missing). Events: the push on `dst` first, then the pop on `src`. Returns whether
/// an element moved.
fn lmove_generic(ctx: &mut Ctx, src: &[u8], dst: &[u8], from: End, to: End) -> Result<bool, CmdError> {
    if write_list(ctx, src)?.is_none_or(|l| l.is_empty()) {
        ctx.out.null();
        return Ok(false);
    }
    // The destination's type is checked before anything is popped.
    write_list(ctx, dst)?;
    let Some(v) = write_list(ctx, src)?.and_then(|l| pop_end(l, from)) else {
        ctx.out.null();
        return Ok(false);
    };
    push_end(list_or_create(ctx, dst)?, to, v.clone());
    ctx.modified(dst);
    ctx.notify(notify::LIST, to.push_event(), dst);
    ctx.out.bulk(&v);
    elements_removed(ctx, src, from, 1);
    ctx.signal_ready(dst);
    Ok(true)
}

fn lmove(ctx: &mut Ctx, argv: &[Bytes]) -> CmdResult {
    let from = parse_end(&argv[3])?;
    let to = parse_end(&argv[4])?;
    lmove_generic(ctx, &argv[1], &argv[2], from, to).map(drop)
}

fn rpoplpush(ctx: &mut Ctx, argv: &[Bytes]) -> CmdResult {
    lmove_generic(ctx, &argv[1], &argv[2], End::Right, End::Left).map(drop)
}

// ---------------------------------------------------------------------------------------------
// Blocking variants

/// The keys a (re-run) blocking command should look at. When the server re-runs the command for a
/// client it is serving because `k` got data, Redis serves it from `k` alone, whatever its other
/// keys hold, so only `k` is considered then.
fn keys_to_serve(ctx: &Ctx, keys: &[Bytes]) -> Vec<Bytes> {
    if let Some((db, k)) = &ctx.st.serving_key {
        if *db == ctx.me.db && keys.contains(k) {
            return vec![k.clone()];
        }
    }
    keys.to_vec()
}

/// Parks the client on `keys` until one gets data or the deadline passes, or, where blocking is not
/// allowed (inside MULTI/EXEC), answers at once with the timeout reply (`null` for the move
/// commands there, like Redis's `addReplyNull`; a null array for the pops).
fn block_or_null(ctx: &mut Ctx, argv: &[Bytes], keys: Vec<Bytes>, deadline_ms: i64, null_bulk: bool) -> CmdResult {
    if !blocking::may_block(ctx.me) {
        if null_bulk {
            ctx.out.null();
        } else {
            ctx.out.null_array();
        }
        return Ok(());
    }
    Err(CmdError::Block(Blocked { db: ctx.me.db, keys, deadline_ms, argv: argv.to_vec() }))
}

fn blpop(ctx: &mut Ctx, argv: &[Bytes]) -> CmdResult {
    bpop_generic(ctx, argv, End::Left)
}

fn brpop(ctx: &mut Ctx, argv: &[Bytes]) -> CmdResult {
    bpop_generic(ctx, argv, End::Right)
}

/// BLPOP/BRPOP key [key ...] timeout: pops one element from the first non-empty list and replies
/// `[key, element]`.
fn bpop_generic(ctx: &mut Ctx, argv: &[Bytes], end: End) -> CmdResult {
    let last = argv.len() - 1;
    let deadline = blocking::parse_timeout(&argv[last], ctx.now)?;
    let keys = &argv[1..last];
    for key in keys_to_serve(ctx, keys) {
        let Some(l) = write_list(ctx, &key)? else { continue };
        let Some(v) = pop_end(l, end) else { continue };
        ctx.out.array(2);
        ctx.out.bulk(&key);
        ctx.out.bulk(&v);
        elements_removed(ctx, &key, end, 1);
        // Propagated as the pop it did: `LPOP key` / `RPOP key`.
        if ctx.propagation_wanted() {
            ctx.propagate_as(vec![end.pop_cmd(), key]);
        }
        return Ok(());
    }
    block_or_null(ctx, argv, keys.to_vec(), deadline, false)
}

/// BLMPOP timeout numkeys key [key ...] LEFT|RIGHT [COUNT count]. The timeout is checked after
/// the other arguments, as in Redis.
fn blmpop(ctx: &mut Ctx, argv: &[Bytes]) -> CmdResult {
    let a = parse_mpop(argv, 2)?;
    let deadline = blocking::parse_timeout(&argv[1], ctx.now)?;
    let keys = keys_to_serve(ctx, &a.keys);
    if mpop_from(ctx, &keys, a.end, a.count)? {
        return Ok(());
    }
    block_or_null(ctx, argv, a.keys, deadline, false)
}

/// BLMOVE/BRPOPLPUSH once the arguments are parsed: moves if `src` has data, else blocks on it.
fn bmove_generic(ctx: &mut Ctx, argv: &[Bytes], from: End, to: End, deadline: i64) -> CmdResult {
    let (src, dst) = (&argv[1], &argv[2]);
    if write_list(ctx, src)?.is_some() {
        if lmove_generic(ctx, src, dst, from, to)? && ctx.propagation_wanted() {
            propagate_bmove(ctx, argv, from, to);
        }
        return Ok(());
    }
    block_or_null(ctx, argv, vec![src.clone()], deadline, true)
}

/// A served BLMOVE/BRPOPLPUSH is propagated as LMOVE/RPOPLPUSH without the timeout. Redis keeps
/// the client's LEFT/RIGHT when it serves at once, and writes `left`/`right` itself when it serves
/// a client that was blocked.
fn propagate_bmove(ctx: &mut Ctx, argv: &[Bytes], from: End, to: End) {
    let (src, dst) = (argv[1].clone(), argv[2].clone());
    if argv[0].eq_ignore_ascii_case(b"brpoplpush") {
        ctx.propagate_as(vec![Bytes::from_static(b"RPOPLPUSH"), src, dst]);
        return;
    }
    let (wherefrom, whereto) = if ctx.st.serving_key.is_some() { (from.arg(), to.arg()) } else { (argv[3].clone(), argv[4].clone()) };
    ctx.propagate_as(vec![Bytes::from_static(b"LMOVE"), src, dst, wherefrom, whereto]);
}

fn blmove(ctx: &mut Ctx, argv: &[Bytes]) -> CmdResult {
    let from = parse_end(&argv[3])?;
    let to = parse_end(&argv[4])?;
    let deadline = blocking::parse_timeout(&argv[5], ctx.now)?;
    bmove_generic(ctx, argv, from, to, deadline)
}

fn brpoplpush(ctx: &mut Ctx, argv: &[Bytes]) -> CmdResult {
    let deadline = blocking::parse_timeout(&argv[3], ctx.now)?;
    bmove_generic(ctx, argv, End::Right, End::Left, deadline)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn list(items: &[&str]) -> List {
        items.iter().map(|s| Elem::from(s.as_bytes())).collect()
    }

    #[test]
    fn pop_n_orders_like_redis() {
        let mut l = list(&["a", "b", "c", "d"]);
        let v = pop_n(&mut l, End::Right, 3);
        assert_eq!(v, vec![Elem::from(&b"d"[..]), Elem::from(&b"c"[..]), Elem::from(&b"b"[..])]);
        assert_eq!(l, list(&["a"]));
        let v = pop_n(&mut l, End::Left, 10);
        assert_eq!(v, vec![Elem::from(&b"a"[..])]);
        assert!(l.is_empty());
    }

    #[test]
    fn index_of_handles_negatives_and_bounds() {
        assert_eq!(index_of(0, 3), Some(0));
        assert_eq!(index_of(-1, 3), Some(2));
        assert_eq!(index_of(-3, 3), Some(0));
        assert_eq!(index_of(-4, 3), None);
        assert_eq!(index_of(3, 3), None);
        assert_eq!(index_of(i64::MIN, 3), None);
        assert_eq!(index_of(i64::MAX, 3), None);
    }
}
