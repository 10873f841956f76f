//! Sorted-set commands (Redis 7.0's t_zset.c): ZADD/ZINCRBY, removal, the range family
//! (ZRANGE with BYSCORE/BYLEX/REV/LIMIT and its older spellings, ZRANGESTORE), ranks, pops and
//! their blocking forms, ZRANDMEMBER, the set operations (ZUNION/ZINTER/ZDIFF[STORE], ZINTERCARD)
//! and ZSCAN. Owns their argument parsing, semantics and replies. May call what a command family
//! may: the `cmd` helpers (`Ctx`, `args`, `blocking`, and the SCAN arguments `keys` parses), the
//! keyspace and the values of `db` (sorted sets from `db::zset`, plain sets as set operations'
//! inputs), notifications and the reply writer. Nothing outside calls in but through [`COMMANDS`]
//! and `zadd_command` (GEOADD runs as the ZADD it stands for).
//!
//! Layout, one file per command family:
//! - `mod.rs` (this file): [`COMMANDS`], `zadd_command`, and what the families share: key access
//!   (`zread`, `zwrite`), the member/score reply, storing a computed result, the bookkeeping after
//!   removals.
//! - `add_remove.rs`: ZADD, ZINCRBY, ZREM.
//! - `lookups.rs`: ZCARD, ZSCORE, ZMSCORE, ZRANK, ZREVRANK, ZCOUNT, ZLEXCOUNT.
//! - `ranges.rs`: ZRANGE and its older spellings, ZRANGESTORE, ZREMRANGEBY*, range arguments.
//! - `pops.rs`: ZPOPMIN/ZPOPMAX, BZPOPMIN/BZPOPMAX, ZMPOP, BZMPOP.
//! - `randmember.rs`: ZRANDMEMBER.
//! - `set_ops.rs`: ZUNION/ZINTER/ZDIFF[STORE], ZINTERCARD.
//! - `scan.rs`: ZSCAN.
//!
//! Replies follow Redis's shapes per protocol: WITHSCORES is a flat member/score list in RESP2
//! and a list of [member, score] pairs in RESP3; scores are doubles (`%.17g`).

mod add_remove;
mod lookups;
mod pops;
mod randmember;
mod ranges;
mod scan;
mod set_ops;

use super::ctx::{Ctx, Handler};
use super::handler::{CmdError, WRONGTYPE};
use crate::db::{Elem, Entry, Value, ZSet};
use crate::notify;
use crate::resp::reply::Out;
use add_remove::{zadd, zincrby, zrem};

/// ZADD for the commands built on it (GEOADD runs as the ZADD it stands for).
pub(crate) fn zadd_command(ctx: &mut Ctx, argv: &[bytes::Bytes]) -> super::handler::CmdResult {
    zadd(ctx, argv)
}
use lookups::{zcard, zcount, zlexcount, zmscore, zrank, zrevrank, zscore};
use pops::{bzmpop, bzpopmax, bzpopmin, zmpop, zpopmax, zpopmin};
use randmember::zrandmember;
use ranges::{
    zrange, zrangebylex, zrangebyscore, zrangestore, zremrangebylex, zremrangebyrank, zremrangebyscore, zrevrange, zrevrangebylex, zrevrangebyscore,
};
use scan::zscan;
use set_ops::{zdiff, zdiffstore, zinter, zintercard, zinterstore, zunion, zunionstore};

pub const COMMANDS: &[(&str, Handler)] = &[
    ("zadd", zadd),
    ("zincrby", zincrby),
    ("zrem", zrem),
    ("zcard", zcard),
    ("zscore", zscore),
    ("zmscore", zmscore),
    ("zcount", zcount),
    ("zlexcount", zlexcount),
    ("zrank", zrank),
    ("zrevrank", zrevrank),
    ("zrange", zrange),
    ("zrangestore", zrangestore),
    ("zrevrange", zrevrange),
    ("zrangebyscore", zrangebyscore),
    ("zrevrangebyscore", zrevrangebyscore),
    ("zrangebylex", zrangebylex),
    ("zrevrangebylex", zrevrangebylex),
    ("zremrangebyrank", zremrangebyrank),
    ("zremrangebyscore", zremrangebyscore),
    ("zremrangebylex", zremrangebylex),
    ("zpopmin", zpopmin),
    ("zpopmax", zpopmax),
    ("bzpopmin", bzpopmin),
    ("bzpopmax", bzpopmax),
    ("zmpop", zmpop),
    ("bzmpop", bzmpop),
    ("zrandmember", zrandmember),
    ("zunion", zunion),
    ("zinter", zinter),
    ("zdiff", zdiff),
    ("zunionstore", zunionstore),
    ("zinterstore", zinterstore),
    ("zdiffstore", zdiffstore),
    ("zintercard", zintercard),
    ("zscan", zscan),
];

// ---------------------------------------------------------------------------------------------
// Key access and replies.

/// Looks a key up for reading (hit/miss stats, lazy expiry) and checks that it holds a zset.
fn zread<'a>(ctx: &'a mut Ctx, key: &[u8]) -> Result<(Option<&'a ZSet>, &'a mut Out), CmdError> {
    ctx.read_typed(key, |v| match v {
        Value::ZSet(x) => Some(&**x),
        _ => None,
    })
}

/// Looks a key up for writing and checks that it holds a zset.
fn zwrite<'a>(ctx: &'a mut Ctx, key: &[u8]) -> Result<Option<&'a mut ZSet>, CmdError> {
    match ctx.write_value(key, "zset")? {
        Some(e) => match &mut e.value {
            Value::ZSet(z) => Ok(Some(&mut **z)),
            _ => Err(WRONGTYPE.into()),
        },
        None => Ok(None),
    }
}

/// Members with optional scores: a flat list in RESP2, [member, score] pairs in RESP3.
fn reply_members<'a>(out: &mut Out, items: impl ExactSizeIterator<Item = (&'a [u8], f64)>, withscores: bool) {
    let resp3 = out.is_resp3();
    let n = items.len();
    out.array(if withscores && !resp3 { n * 2 } else { n });
    for (m, s) in items {
        if withscores && resp3 {
            out.array(2);
        }
        out.bulk(m);
        if withscores {
            out.double(s);
        }
    }
}

/// Stores a computed result at `dst` like Redis's *STORE commands: an empty result deletes the
/// key; otherwise the key is replaced (TTL dropped) with the encoding Redis would pick.
fn store_result(ctx: &mut Ctx, dst: &[u8], items: Vec<(Elem, f64)>, event: &str) {
    let n = items.len();
    if n == 0 {
        ctx.out.int(0);
        ctx.delete_signalled(dst);
        return;
    }
    let lim = ctx.st.enc;
    let z = ZSet::from_sorted(items, &lim);
    ctx.exists(dst); // expires a stale key first, as Redis's lookup does
    ctx.db().insert(Entry::with_value(dst, Value::ZSet(Box::new(z))));
    ctx.modified(dst);
    ctx.out.int(n as i64);
    ctx.notify(notify::ZSET, event, dst);
    ctx.dirty(1);
    ctx.signal_ready(dst);
}

/// After removals: the event, the key's deletion when it emptied out, WATCH and dirty.
fn after_removal(ctx: &mut Ctx, key: &[u8], event: &str, removed: usize) {
    if removed == 0 {
        return;
    }
    ctx.modified(key);
    ctx.notify(notify::ZSET, event, key);
    ctx.delete_if_empty(key);
    ctx.dirty(removed as u64);
}
