//! XGROUP (CREATE, SETID, DESTROY, CREATECONSUMER, DELCONSUMER, HELP), XACK, XPENDING, XCLAIM,
//! XAUTOCLAIM.

use bytes::Bytes;

use super::common::{
    parse_id, parse_strict_id, range_end, range_start, read_stream, reply_id, reply_one, setid_argv, touch_consumer, write_stream, xclaim_argv,
};
use crate::cmd::args;
use crate::cmd::ctx::Ctx;
use crate::cmd::handler::{CmdError, CmdResult, SYNTAX, WRONGTYPE};
use crate::db::stream::groups::INVALID_ENTRIES_READ;
use crate::db::stream::{Group, Nack, Stream, StreamId};
use crate::db::Value;
use crate::notify;

fn text(b: &[u8]) -> std::borrow::Cow<'_, str> {
    String::from_utf8_lossy(b)
}

fn subcommand_error(sub: &[u8]) -> CmdError {
    format!("ERR unknown subcommand or wrong number of arguments for '{}'. Try XGROUP HELP.", text(sub)).into()
}

/// XGROUP CREATE key group id|$ [MKSTREAM] [ENTRIESREAD n] / SETID key group id|$ [ENTRIESREAD n]
/// / DESTROY key group / CREATECONSUMER key group consumer / DELCONSUMER key group consumer
pub fn xgroup(ctx: &mut Ctx, argv: &[Bytes]) -> CmdResult {
    let sub = &argv[1];
    let create = args::is(sub, "create");
    let setid = args::is(sub, "setid");
    let mut mkstream = false;
    let mut entries_read = INVALID_ENTRIES_READ;
    if create || setid {
        let mut i = 5;
        while i < argv.len() {
            if create && args::is(&argv[i], "mkstream") {
                mkstream = true;
                i += 1;
            } else if args::is(&argv[i], "entriesread") && i + 1 < argv.len() {
                entries_read = args::int(&argv[i + 1])?;
                if entries_read < 0 && entries_read != INVALID_ENTRIES_READ {
                    return Err("ERR value for ENTRIESREAD must be positive or -1".into());
                }
                i += 2;
            } else {
                return Err(subcommand_error(sub));
            }
        }
    }
    let key = &argv[1 + 1];
    let gname = &argv[3];
    let exists = write_stream(ctx, key)?.is_some();
    if !exists && !mkstream {
        return Err("ERR The XGROUP subcommand requires the key to exist. Note that for CREATE you may want to use the MKSTREAM option to create an empty stream automatically.".into());
    }
    let has_group = write_stream(ctx, key)?.is_some_and(|s| s.groups.contains_key(&gname[..]));
    if !has_group && (setid || args::is(sub, "createconsumer") || args::is(sub, "delconsumer")) {
        return Err(format!("NOGROUP No such consumer group '{}' for key name '{}'", text(gname), text(key)).into());
    }
    let argc = argv.len();
    if create && (5..=8).contains(&argc) {
        let id = if &argv[4][..] == b"$" { write_stream(ctx, key)?.map(|s| s.last_id).unwrap_or(StreamId::ZERO) } else { parse_strict_id(&argv[4])? };
        if !exists {
            ctx.write_or_create(key, "stream", || Value::Stream(Box::default()))?;
            ctx.modified(key);
        }
        let s = write_stream(ctx, key)?.expect("exists");
        if s.groups.contains_key(&gname[..]) {
            return Err("BUSYGROUP Consumer Group name already exists".into());
        }
        s.groups.insert(gname[..].into(), Group::new(id, entries_read));
        ctx.out.ok();
        ctx.dirty(1);
        ctx.notify(notify::STREAM, "xgroup-create", key);
    } else if setid && (argc == 5 || argc == 7) {
        let s = write_stream(ctx, key)?.expect("exists");
        let id = if &argv[4][..] == b"$" { s.last_id } else { parse_id(&argv[4], 0, false)? };
        let g = s.groups.get_mut(&gname[..]).expect("checked");
        g.last_id = id;
        g.entries_read = entries_read;
        ctx.out.ok();
        ctx.dirty(1);
        ctx.notify(notify::STREAM, "xgroup-setid", key);
    } else if args::is(sub, "destroy") && argc == 4 {
        let s = write_stream(ctx, key)?.expect("exists");
        if s.groups.remove(&gname[..]).is_some() {
            ctx.out.int(1);
            ctx.dirty(1);
            ctx.notify(notify::STREAM, "xgroup-destroy", key);
            ctx.signal_ready(key);
        } else {
            ctx.out.int(0);
        }
    } else if args::is(sub, "createconsumer") && argc == 5 {
        let now = ctx.now;
        let s = write_stream(ctx, key)?.expect("exists");
        let created = s.groups.get_mut(&gname[..]).expect("checked").ensure_consumer(&argv[4], now);
        ctx.out.int(created as i64);
        if created {
            ctx.dirty(1);
            ctx.notify(notify::STREAM, "xgroup-createconsumer", key);
        }
    } else if args::is(sub, "delconsumer") && argc == 5 {
        let s = write_stream(ctx, key)?.expect("exists");
        match s.groups.get_mut(&gname[..]).expect("checked").delete_consumer(&argv[4]) {
            Some(pending) => {
                ctx.out.int(pending as i64);
                ctx.dirty(1);
                ctx.notify(notify::STREAM, "xgroup-delconsumer", key);
            }
            None => ctx.out.int(0),
        }
    } else {
        return Err(subcommand_error(sub));
    }
    Ok(())
}

const XGROUP_HELP: &[&str] = &[
    "XGROUP <subcommand> [<arg> [value] [opt] ...]. Subcommands are:",
    "CREATE <key> <groupname> <id|$> [option]",
    "    Create a new consumer group. Options are:",
    "    * MKSTREAM",
    "      Create the empty stream if it does not exist.",
    "    * ENTRIESREAD entries_read",
    "      Set the group's entries_read counter (internal use).",
    "CREATECONSUMER <key> <groupname> <consumer>",
    "    Create a new consumer in the specified group.",
    "DELCONSUMER <key> <groupname> <consumer>",
    "    Remove the specified consumer.",
    "DESTROY <key> <groupname>",
    "    Remove the specified group.",
    "SETID <key> <groupname> <id|$> [ENTRIESREAD entries_read]",
    "    Set the current group ID and entries_read counter.",
    "HELP",
    "    Prints this help.",
];

pub fn xgroup_help(ctx: &mut Ctx, _argv: &[Bytes]) -> CmdResult {
    super::info::reply_help(ctx, XGROUP_HELP);
    Ok(())
}

/// XACK key group id [id ...]
pub fn xack(ctx: &mut Ctx, argv: &[Bytes]) -> CmdResult {
    let key = &argv[1];
    let has_group = {
        let (s, _) = read_stream(ctx, key)?;
        s.is_some_and(|s| s.groups.contains_key(&argv[2][..]))
    };
    if !has_group {
        ctx.out.int(0);
        return Ok(());
    }
    let ids = argv[3..].iter().map(|a| parse_strict_id(a)).collect::<Result<Vec<_>, _>>()?;
    let s = write_stream(ctx, key)?.expect("exists");
    let g = s.groups.get_mut(&argv[2][..]).expect("checked");
    let acked = ids.iter().filter(|id| g.ack(**id)).count();
    ctx.dirty(acked as u64);
    ctx.out.int(acked as i64);
    Ok(())
}

fn nogroup(key: &[u8], group: &[u8]) -> CmdError {
    format!("NOGROUP No such key '{}' or consumer group '{}'", text(key), text(group)).into()
}

/// XPENDING key group [[IDLE min-idle] start end count [consumer]]
pub fn xpending(ctx: &mut Ctx, argv: &[Bytes]) -> CmdResult {
    let argc = argv.len();
    let justinfo = argc == 3;
    if argc != 3 && !(6..=9).contains(&argc) {
        return Err(SYNTAX.into());
    }
    let mut range = None;
    let mut minidle = 0;
    let mut consumer = None;
    if argc >= 6 {
        let mut idx = 3;
        if args::is(&argv[3], "idle") {
            minidle = args::int(&argv[4])?;
            if argc < 8 {
                return Err(SYNTAX.into());
            }
            idx += 2;
        }
        let count = args::int(&argv[idx + 2])?.max(0);
        let start = range_start(&argv[idx])?;
        let end = range_end(&argv[idx + 1])?;
        consumer = argv.get(idx + 3);
        range = Some((start, end, count));
    }
    let key = &argv[1];
    let gname = &argv[2];
    let now = ctx.now;
    let (s, out) = read_stream(ctx, key)?;
    let Some(g) = s.and_then(|s| s.groups.get(&gname[..])) else { return Err(nogroup(key, gname)) };
    let Some((start, end, mut count)) = range else {
        debug_assert!(justinfo);
        out.array(4);
        out.int(g.pel.len() as i64);
        match (g.pel.keys().next(), g.pel.keys().next_back()) {
            (Some(first), Some(last)) => {
                reply_id(out, *first);
                reply_id(out, *last);
                let with: Vec<_> = g.consumers.iter().filter(|(_, c)| !c.pel.is_empty()).collect();
                out.array(with.len());
                for (name, c) in with {
                    out.array(2);
                    out.bulk(name);
                    out.bulk_int(c.pel.len() as i64);
                }
            }
            _ => {
                out.null();
                out.null();
                out.null_array();
            }
        }
        return Ok(());
    };
    let ids: Box<dyn Iterator<Item = &StreamId>> = match consumer {
        Some(name) => match g.consumers.get(&name[..]) {
            Some(c) => Box::new(c.pel.range(start..)),
            None => {
                out.array(0);
                return Ok(());
            }
        },
        None => Box::new(g.pel.range(start..).map(|(k, _)| k)),
    };
    let mut rows: Vec<(StreamId, &Nack)> = Vec::new();
    for id in ids {
        if count == 0 || *id > end {
            break;
        }
        let Some(n) = g.pel.get(id) else { continue };
        if minidle != 0 && now - n.delivery_time < minidle {
            continue;
        }
        rows.push((*id, n));
        count -= 1;
    }
    out.array(rows.len());
    for (id, n) in rows {
        out.array(4);
        reply_id(out, id);
        out.bulk(&n.consumer);
        out.int((now - n.delivery_time).max(0));
        out.int(n.delivery_count as i64);
    }
    Ok(())
}

/// The stream and group of XCLAIM / XAUTOCLAIM, or NOGROUP.
fn claim_target<'a>(ctx: &'a mut Ctx, key: &[u8], group: &[u8]) -> Result<&'a mut Stream, CmdError> {
    let has = match ctx.lookup_read(key).map(|e| &e.value) {
        None => false,
        Some(Value::Stream(s)) => s.groups.contains_key(group),
        Some(_) => return Err(WRONGTYPE.into()),
    };
    if !has {
        return Err(nogroup(key, group));
    }
    Ok(write_stream(ctx, key)?.expect("exists"))
}

/// XCLAIM key group consumer min-idle-time id [id ...] [IDLE ms] [TIME unix-ms] [RETRYCOUNT n]
/// [FORCE] [JUSTID] [LASTID id]
pub fn xclaim(ctx: &mut Ctx, argv: &[Bytes]) -> CmdResult {
    let (key, gname, cname) = (&argv[1], &argv[2], &argv[3]);
    claim_target(ctx, key, gname)?;
    let minidle = crate::util::parse_i64(&argv[4]).ok_or("ERR Invalid min-idle-time argument for XCLAIM")?.max(0);
    let mut j = 5;
    let mut ids = Vec::new();
    while j < argv.len() {
        match parse_strict_id(&argv[j]) {
            Ok(id) => ids.push((id, argv[j].clone())),
            Err(_) => break,
        }
        j += 1;
    }
    let now = ctx.now;
    let (mut force, mut justid) = (false, false);
    let mut retrycount: i64 = -1;
    let mut deliverytime: i64 = -1;
    let mut last_id = StreamId::ZERO;
    while j < argv.len() {
        let more = argv.len() - 1 - j;
        let opt = &argv[j];
        let int_arg = |a: &[u8], msg: &'static str| crate::util::parse_i64(a).ok_or(msg);
        if args::is(opt, "force") {
            force = true;
        } else if args::is(opt, "justid") {
            justid = true;
        } else if args::is(opt, "idle") && more > 0 {
            j += 1;
            deliverytime = now - int_arg(&argv[j], "ERR Invalid IDLE option argument for XCLAIM")?;
        } else if args::is(opt, "time") && more > 0 {
            j += 1;
            deliverytime = int_arg(&argv[j], "ERR Invalid TIME option argument for XCLAIM")?;
        } else if args::is(opt, "retrycount") && more > 0 {
            j += 1;
            retrycount = int_arg(&argv[j], "ERR Invalid RETRYCOUNT option argument for XCLAIM")?;
        } else if args::is(opt, "lastid") && more > 0 {
            j += 1;
            last_id = parse_strict_id(&argv[j])?;
        } else {
            return Err(format!("ERR Unrecognized XCLAIM option '{}'", text(opt)).into());
        }
        j += 1;
    }
    ctx.prevent_propagation();
    let resp = ctx.out.resp;
    let s = claim_target(ctx, key, gname)?;
    let mut propagate_last_id = false;
    {
        let g = s.groups.get_mut(&gname[..]).expect("checked");
        if last_id > g.last_id {
            g.last_id = last_id;
            propagate_last_id = true;
        }
    }
    if deliverytime == -1 || deliverytime < 0 || deliverytime > now {
        deliverytime = now;
    }
    let mut props = Vec::new();
    let mut reply = crate::resp::reply::Out::with_resp(resp);
    let mut n = 0;
    let mut dirty = 0;
    let mut created = false;
    let mut consumer_ready = false;
    for (id, id_arg) in ids {
        let exists = s.contains(id);
        let g = s.groups.get_mut(&gname[..]).expect("checked");
        if !exists {
            if let Some(nack) = g.pel.get(&id) {
                props.push(xclaim_argv(key, gname, id_arg, &nack.consumer, nack.delivery_time, nack.delivery_count, g.last_id));
                propagate_last_id = false;
                dirty += 1;
                g.ack(id);
            }
            continue;
        }
        let forced_new = force && !g.pel.contains_key(&id);
        let Some(nack) = g.pel.get(&id) else {
            if !forced_new {
                continue;
            }
            claim_one(s, gname, cname, id, None, deliverytime, retrycount, justid, now, &mut consumer_ready, &mut created);
            finish_claim(s, gname, key, id, id_arg, justid, &mut reply, &mut props);
            propagate_last_id = false;
            n += 1;
            dirty += 1;
            continue;
        };
        if minidle > 0 && now - nack.delivery_time < minidle {
            continue;
        }
        let prior = Some((nack.consumer.clone(), nack.delivery_count));
        claim_one(s, gname, cname, id, prior, deliverytime, retrycount, justid, now, &mut consumer_ready, &mut created);
        finish_claim(s, gname, key, id, id_arg, justid, &mut reply, &mut props);
        propagate_last_id = false;
        n += 1;
        dirty += 1;
    }
    if propagate_last_id {
        let g = &s.groups[&gname[..]];
        props.push(setid_argv(key, gname, g.last_id, g.entries_read));
        dirty += 1;
    }
    ctx.out.array(n);
    ctx.out.raw(&reply.buf);
    claims_done(ctx, key, created, dirty, props);
    Ok(())
}

/// What XCLAIM and XAUTOCLAIM leave for the end: the consumer they created, the changes they
/// count, and the XCLAIMs / XGROUP SETID they propagate instead of themselves.
fn claims_done(ctx: &mut Ctx, key: &[u8], created: bool, mut dirty: u64, props: Vec<Vec<Bytes>>) {
    if created {
        ctx.notify(notify::STREAM, "xgroup-createconsumer", key);
        dirty += 1;
    }
    ctx.dirty(dirty);
    for p in props {
        ctx.also_propagate(p);
    }
}

/// Moves one pending entry to `cname` (creating the consumer on first use), with XCLAIM's
/// delivery time and count rules. `prior` is the entry's owner and count, `None` for a NACK FORCE
/// creates (its count starts at 1, like `streamCreateNACK`).
#[allow(clippy::too_many_arguments)]
fn claim_one(
    s: &mut Stream,
    gname: &[u8],
    cname: &[u8],
    id: StreamId,
    prior: Option<(Box<[u8]>, u64)>,
    deliverytime: i64,
    retrycount: i64,
    justid: bool,
    now: i64,
    consumer_ready: &mut bool,
    created: &mut bool,
) {
    if !*consumer_ready {
        *created |= touch_consumer(s, gname, cname, now);
        *consumer_ready = true;
    }
    let count = prior.as_ref().map(|p| p.1).unwrap_or(1);
    let count = if retrycount >= 0 {
        retrycount as u64
    } else if !justid {
        count + 1
    } else {
        count
    };
    s.groups.get_mut(gname).expect("checked").assign(id, cname, deliverytime, count);
}

/// The reply for a claimed entry and its propagation as XCLAIM.
fn finish_claim(
    s: &Stream,
    gname: &[u8],
    key: &Bytes,
    id: StreamId,
    id_arg: Bytes,
    justid: bool,
    reply: &mut crate::resp::reply::Out,
    props: &mut Vec<Vec<Bytes>>,
) {
    if justid {
        reply_id(reply, id);
    } else if !reply_one(reply, s, id) {
        reply.null();
    }
    let g = &s.groups[gname];
    let nack = &g.pel[&id];
    props.push(xclaim_argv(key, gname, id_arg, &nack.consumer, nack.delivery_time, nack.delivery_count, g.last_id));
}

/// XAUTOCLAIM key group consumer min-idle-time start [COUNT count] [JUSTID]
pub fn xautoclaim(ctx: &mut Ctx, argv: &[Bytes]) -> CmdResult {
    let (key, gname, cname) = (&argv[1], &argv[2], &argv[3]);
    let minidle = crate::util::parse_i64(&argv[4]).ok_or("ERR Invalid min-idle-time argument for XAUTOCLAIM")?.max(0);
    let start = range_start(&argv[5])?;
    let mut count: i64 = 100;
    let mut justid = false;
    let mut j = 6;
    while j < argv.len() {
        let more = argv.len() - 1 - j;
        if args::is(&argv[j], "count") && more > 0 {
            let max = i64::MAX / 16;
            count = crate::util::parse_i64(&argv[j + 1]).filter(|c| (1..=max).contains(c)).ok_or("ERR COUNT must be > 0")?;
            j += 1;
        } else if args::is(&argv[j], "justid") {
            justid = true;
        } else {
            return Err(SYNTAX.into());
        }
        j += 1;
    }
    ctx.prevent_propagation();
    let now = ctx.now;
    let resp = ctx.out.resp;
    let s = claim_target(ctx, key, gname)?;
    let mut attempts = count * 10;
    let mut reply = crate::resp::reply::Out::with_resp(resp);
    let mut n = 0;
    let mut deleted = Vec::new();
    let mut props = Vec::new();
    let mut dirty = 0;
    let (mut consumer_ready, mut created) = (false, false);
    let mut cursor = start;
    let mut last_seen: Option<StreamId> = None;
    while attempts > 0 && count > 0 {
        attempts -= 1;
        let next = s.groups[&gname[..]].pel.range(cursor..).next().map(|(k, _)| *k);
        let Some(id) = next else {
            last_seen = None;
            cursor = StreamId::MAX;
            break;
        };
        last_seen = Some(id);
        cursor = match id.incr() {
            Some(c) => c,
            None => StreamId::MAX,
        };
        if !s.contains(id) {
            let g = s.groups.get_mut(&gname[..]).expect("checked");
            let nack = &g.pel[&id];
            props.push(xclaim_argv(key, gname, super::common::id_bytes(id), &nack.consumer, nack.delivery_time, nack.delivery_count, g.last_id));
            dirty += 1;
            g.ack(id);
            deleted.push(id);
            count -= 1;
            continue;
        }
        let nack = &s.groups[&gname[..]].pel[&id];
        if minidle > 0 && now - nack.delivery_time < minidle {
            continue;
        }
        let prior = Some((nack.consumer.clone(), nack.delivery_count));
        // XAUTOCLAIM sets the time to now and counts a delivery unless JUSTID.
        claim_one(s, gname, cname, id, prior, now, -1, justid, now, &mut consumer_ready, &mut created);
        finish_claim(s, gname, key, id, super::common::id_bytes(id), justid, &mut reply, &mut props);
        n += 1;
        count -= 1;
        dirty += 1;
    }
    // The cursor: the next pending entry after the last one looked at, or 0-0 when none is left.
    let end_id = match last_seen {
        Some(_) if cursor != StreamId::MAX || last_seen != Some(StreamId::MAX) => {
            s.groups[&gname[..]].pel.range(cursor..).next().map(|(k, _)| *k).unwrap_or(StreamId::ZERO)
        }
        _ => StreamId::ZERO,
    };
    let out = &mut *ctx.out;
    out.array(3);
    reply_id(out, end_id);
    out.array(n);
    out.raw(&reply.buf);
    out.array(deleted.len());
    for id in deleted {
        reply_id(out, id);
    }
    claims_done(ctx, key, created, dirty, props);
    Ok(())
}
