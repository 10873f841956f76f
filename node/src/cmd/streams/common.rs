//! What the stream commands share: ID parsing (`streamGenericParseIDOrReply` and the range
//! forms), entry replies, typed lookups, and the commands a consumer group's changes are
//! propagated as (XCLAIM ... LASTID, XGROUP SETID ... ENTRIESREAD).

use bytes::Bytes;

use crate::cmd::ctx::Ctx;
use crate::cmd::handler::{CmdError, WRONGTYPE};
use crate::db::listpack::LpItem;
use crate::db::stream::node::{EntryRef, Master};
use crate::db::stream::{Stream, StreamId};
use crate::db::Value;
use crate::resp::reply::Out;

pub(super) const INVALID_ID: &str = "ERR Invalid stream ID specified as stream command argument";

/// `streamGenericParseIDOrReply`: `<ms>[-<seq>]`, and unless `strict` the special `-` and `+`.
pub(super) fn parse_id(arg: &[u8], missing_seq: u64, strict: bool) -> Result<StreamId, CmdError> {
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

pub(super) fn parse_strict_id(arg: &[u8]) -> Result<StreamId, CmdError> {
    parse_id(arg, 0, true)
}

/// `streamParseIntervalIDOrReply`: a range bound, exclusive with a `(` prefix (then strict).
pub(super) fn parse_interval(arg: &[u8], missing_seq: u64) -> Result<(StreamId, bool), CmdError> {
    if arg.len() > 1 && arg[0] == b'(' {
        Ok((parse_id(&arg[1..], missing_seq, true)?, true))
    } else {
        Ok((parse_id(arg, missing_seq, false)?, false))
    }
}

/// A range's start bound, moved past an exclusive one.
pub(super) fn range_start(arg: &[u8]) -> Result<StreamId, CmdError> {
    match parse_interval(arg, 0)? {
        (id, true) => id.incr().ok_or_else(|| "ERR invalid start ID for the interval".into()),
        (id, false) => Ok(id),
    }
}

/// A range's end bound, moved before an exclusive one.
pub(super) fn range_end(arg: &[u8]) -> Result<StreamId, CmdError> {
    match parse_interval(arg, u64::MAX)? {
        (id, true) => id.decr().ok_or_else(|| "ERR invalid end ID for the interval".into()),
        (id, false) => Ok(id),
    }
}

pub(super) fn id_bytes(id: StreamId) -> Bytes {
    Bytes::from(id.to_text().into_bytes())
}

pub(super) fn reply_id(out: &mut Out, id: StreamId) {
    out.bulk(id.to_text().as_bytes());
}

pub(super) fn reply_item(out: &mut Out, item: LpItem) {
    match item {
        LpItem::Str(s) => out.bulk(s),
        LpItem::Int(n) => out.bulk_int(n),
    }
}

/// One entry as replies show it: `[id, [field, value, ...]]`.
pub(super) fn reply_entry(out: &mut Out, node: &[u8], m: &Master, e: &EntryRef) {
    out.array(2);
    reply_id(out, e.id);
    out.array(2 * e.num_fields as usize);
    e.for_each_pair(node, m, |f, v| {
        reply_item(out, f);
        reply_item(out, v);
    });
}

/// Entries in range (`streamReplyWithRange` without a group), as an array; returns how many.
pub(super) fn reply_range(out: &mut Out, s: &Stream, start: StreamId, end: StreamId, count: usize, rev: bool) -> usize {
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
pub(super) fn reply_one(out: &mut Out, s: &Stream, id: StreamId) -> bool {
    let mut found = false;
    s.visit(id, id, false, |node, m, e| {
        reply_entry(out, node, m, e);
        found = true;
        false
    });
    found
}

pub(super) fn as_stream(v: &Value) -> Option<&Stream> {
    match v {
        Value::Stream(s) => Some(s),
        _ => None,
    }
}

/// The stream at `key` for reading (hit/miss accounting), or `None`; WRONGTYPE for other types.
pub(super) fn read_stream<'a>(ctx: &'a mut Ctx, key: &[u8]) -> Result<(Option<&'a Stream>, &'a mut Out), CmdError> {
    ctx.read_typed(key, as_stream)
}

/// The stream at `key` for writing, or `None`.
pub(super) fn write_stream<'a>(ctx: &'a mut Ctx, key: &[u8]) -> Result<Option<&'a mut Stream>, CmdError> {
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
pub(super) fn must_obey(ctx: &Ctx) -> bool {
    ctx.me.is_master || ctx.me.is_aof_loader
}

/// The XCLAIM that carries a delivery to replicas and the AOF (`streamPropagateXCLAIM`).
pub(super) fn xclaim_argv(key: &Bytes, group: &[u8], id: Bytes, consumer: &[u8], time: i64, count: u64, last_id: StreamId) -> Vec<Bytes> {
    vec![
        Bytes::from_static(b"XCLAIM"),
        key.clone(),
        Bytes::copy_from_slice(group),
        Bytes::copy_from_slice(consumer),
        Bytes::from_static(b"0"),
        id,
        Bytes::from_static(b"TIME"),
        Bytes::from(time.to_string()),
        Bytes::from_static(b"RETRYCOUNT"),
        Bytes::from(count.to_string()),
        Bytes::from_static(b"FORCE"),
        Bytes::from_static(b"JUSTID"),
        Bytes::from_static(b"LASTID"),
        id_bytes(last_id),
    ]
}

/// `XGROUP SETID key group last-id ENTRIESREAD n` (`streamPropagateGroupID`).
pub(super) fn setid_argv(key: &Bytes, group: &[u8], last_id: StreamId, entries_read: i64) -> Vec<Bytes> {
    vec![
        Bytes::from_static(b"XGROUP"),
        Bytes::from_static(b"SETID"),
        key.clone(),
        Bytes::copy_from_slice(group),
        id_bytes(last_id),
        Bytes::from_static(b"ENTRIESREAD"),
        Bytes::from(entries_read.to_string()),
    ]
}

/// Looks a consumer up for a read or claim, refreshing its seen time, or creates it
/// (`streamLookupConsumer` + `streamCreateConsumer`); true when created.
pub(super) fn touch_consumer(s: &mut Stream, group: &[u8], consumer: &[u8], now: i64) -> bool {
    let Some(g) = s.groups.get_mut(group) else { return false };
    match g.consumers.get_mut(consumer) {
        Some(c) => {
            c.seen_time = now;
            false
        }
        None => g.ensure_consumer(consumer, now),
    }
}
