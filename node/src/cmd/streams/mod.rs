//! Stream commands (Redis 7.0 `t_stream.c`): XADD, XTRIM, XDEL, XLEN, XRANGE, XREVRANGE, XSETID
//! (`entries.rs`); XREAD and XREADGROUP, blocking included (`read.rs`); XGROUP, XACK, XPENDING,
//! XCLAIM, XAUTOCLAIM (`groups.rs`); XINFO (`info.rs`).
//!
//! The data and its encoding live in `db::stream`; here are the argument rules, replies, keyspace
//! events and the propagation Redis 7.0 does (XREADGROUP as XCLAIM / XGROUP SETID, an XADD `*` as
//! the ID it generated, an approximate trim as the exact one it did).

mod entries;
mod groups;
mod info;
mod read;

use bytes::Bytes;

use super::ctx::{Ctx, Handler};
use super::handler::{CmdError, WRONGTYPE};
use crate::db::listpack::LpItem;
use crate::db::stream::node::{EntryRef, Master};
use crate::db::stream::{Stream, StreamId};
use crate::db::Value;
use crate::resp::reply::Out;

pub use read::{blocked_reader_ready, drop_readers_of_deleted_keys, fail_blocked, ReaderVerdict};

pub const COMMANDS: &[(&str, Handler)] = &[
    ("xadd", entries::xadd),
    ("xtrim", entries::xtrim),
    ("xdel", entries::xdel),
    ("xlen", entries::xlen),
    ("xrange", entries::xrange),
    ("xrevrange", entries::xrevrange),
    ("xsetid", entries::xsetid),
    ("xread", read::xread),
    ("xreadgroup", read::xread),
    ("xgroup|create", groups::xgroup),
    ("xgroup|setid", groups::xgroup),
    ("xgroup|destroy", groups::xgroup),
    ("xgroup|createconsumer", groups::xgroup),
    ("xgroup|delconsumer", groups::xgroup),
    ("xgroup|help", groups::xgroup_help),
    ("xack", groups::xack),
    ("xpending", groups::xpending),
    ("xclaim", groups::xclaim),
    ("xautoclaim", groups::xautoclaim),
    ("xinfo|stream", info::xinfo),
    ("xinfo|groups", info::xinfo),
    ("xinfo|consumers", info::xinfo),
    ("xinfo|help", info::xinfo_help),
];

const INVALID_ID: &str = "ERR Invalid stream ID specified as stream command argument";

/// `streamGenericParseIDOrReply`: `<ms>[-<seq>]`, and unless `strict` the special `-` and `+`.
fn parse_id(arg: &[u8], missing_seq: u64, strict: bool) -> Result<StreamId, CmdError> {
    match arg {
        b"-" | b"+" if strict => Err(INVALID_ID.into()),
        b"-" => Ok(StreamId::ZERO),
        b"+" => Ok(StreamId::MAX),
        _ => match StreamId::parse(arg, missing_seq) {
            Some((id, true)) => Ok(id),
            _ => Err(INVALID_ID.into()),
        },
    }
}

fn parse_strict_id(arg: &[u8]) -> Result<StreamId, CmdError> {
    parse_id(arg, 0, true)
}

/// `streamParseIntervalIDOrReply`: a range bound, exclusive with a `(` prefix (then strict).
fn parse_interval(arg: &[u8], missing_seq: u64) -> Result<(StreamId, bool), CmdError> {
    if arg.len() > 1 && arg[0] == b'(' {
        Ok((parse_id(&arg[1..], missing_seq, true)?, true))
    } else {
        Ok((parse_id(arg, missing_seq, false)?, false))
    }
}

/// A range's start bound, moved past an exclusive one.
fn range_start(arg: &[u8]) -> Result<StreamId, CmdError> {
    match parse_interval(arg, 0)? {
        (id, true) => id.incr().ok_or_else(|| "ERR invalid start ID for the interval".into()),
        (id, false) => Ok(id),
    }
}

/// A range's end bound, moved before an exclusive one.
fn range_end(arg: &[u8]) -> Result<StreamId, CmdError> {
    match parse_interval(arg, u64::MAX)? {
        (id, true) => id.decr().ok_or_else(|| "ERR invalid end ID for the interval".into()),
        (id, false) => Ok(id),
    }
}

fn id_bytes(id: StreamId) -> Bytes {
    Bytes::from(id.to_text().into_bytes())
}

fn reply_id(out: &mut Out, id: StreamId) {
    out.bulk(id.to_text().as_bytes());
}

fn reply_item(out: &mut Out, item: LpItem) {
    match item {
        LpItem::Str(s) => out.bulk(s),
        LpItem::Int(n) => out.bulk_int(n),
    }
}

/// One entry as replies show it: `[id, [field, value, ...]]`.
fn reply_entry(out: &mut Out, node: &[u8], m: &Master, e: &EntryRef) {
    out.array(2);
    reply_id(out, e.id);
    out.array(2 * e.num_fields as usize);
    e.for_each_pair(node, m, |f, v| {
        reply_item(out, f);
        reply_item(out, v);
    });
}

/// Entries in range (`streamReplyWithRange` without a group), as an array; returns how many.
fn reply_range(out: &mut Out, s: &Stream, start: StreamId, end: StreamId, count: usize, rev: bool) -> usize {
    let at = out.buf.len();
    let mut n = 0;
    s.visit(start, end, rev, |node, m, e| {
        reply_entry(out, node, m, e);
        n += 1;
        count == 0 || n < count
    });
    let mut head = Out::with_resp(out.resp);
    head.array(n);
    out.buf.splice(at..at, head.buf);
    n
}

/// The single entry `id` as `[id, [fields...]]` (raw, no surrounding array); false if not there.
fn reply_one(out: &mut Out, s: &Stream, id: StreamId) -> bool {
    let mut found = false;
    s.visit(id, id, false, |node, m, e| {
        reply_entry(out, node, m, e);
        found = true;
        false
    });
    found
}

fn as_stream(v: &Value) -> Option<&Stream> {
    match v {
        Value::Stream(s) => Some(s),
        _ => None,
    }
}

/// The stream at `key` for reading (hit/miss accounting), or `None`; WRONGTYPE for other types.
fn read_stream<'a>(ctx: &'a mut Ctx, key: &[u8]) -> Result<(Option<&'a Stream>, &'a mut Out), CmdError> {
    ctx.read_typed(key, as_stream)
}

/// The stream at `key` for writing, or `None`.
fn write_stream<'a>(ctx: &'a mut Ctx, key: &[u8]) -> Result<Option<&'a mut Stream>, CmdError> {
    match ctx.lookup_write(key) {
        None => Ok(None),
        Some(e) => match &mut e.value {
            Value::Stream(s) => Ok(Some(s)),
            _ => Err(WRONGTYPE.into()),
        },
    }
}

/// Whether this client's commands must be obeyed as they are (Redis's `mustObeyClient`: the
/// master link and the AOF loader): trimming limits are not enforced for them.
fn must_obey(ctx: &Ctx) -> bool {
    ctx.me.is_master || ctx.me.is_aof_loader
}
