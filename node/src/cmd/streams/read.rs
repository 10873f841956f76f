//! XREAD and XREADGROUP (`xreadCommand`), and what the blocking machinery asks about the clients
//! they park: whether a stream that got data can serve one now, and which ones lost their key.
//!
//! A blocked reader's command is run again when it is served. Before it blocks, XREAD's `$` IDs
//! are replaced by the IDs they stood for, so the re-run reads what arrived since; while the
//! server serves a client because one key got data, the command looks at that key alone, as
//! Redis's `serveClientsBlockedOnStreamKey` does.

use bytes::Bytes;

use super::common::{id_bytes, parse_strict_id, reply_entry, reply_id, setid_argv, touch_consumer, xclaim_argv};
use crate::client::{Blocked, ClientState};
use crate::cmd::args;
use crate::cmd::ctx::Ctx;
use crate::cmd::handler::{CmdError, CmdResult, SYNTAX, WRONGTYPE};
use crate::db::stream::groups::INVALID_ENTRIES_READ;
use crate::db::stream::{Stream, StreamId};
use crate::db::Value;
use crate::notify;
use crate::resp::reply::Out;
use crate::state::State;

/// A served blocked reader without COUNT gets at most this many entries (XREAD_BLOCKED_DEFAULT_COUNT).
const BLOCKED_DEFAULT_COUNT: usize = 1000;

struct ReadArgs {
    /// BLOCK's deadline (Unix ms, 0 = forever); `None` without BLOCK.
    deadline: Option<i64>,
    count: usize,
    streams_arg: usize,
    n: usize,
    group: Option<(Bytes, Bytes)>,
    noack: bool,
}

/// BLOCK's milliseconds (`getTimeoutFromObjectOrReply` with UNIT_MILLISECONDS).
fn parse_block(arg: &[u8], now: i64) -> Result<i64, CmdError> {
    let ms = crate::util::parse_i64(arg).ok_or("ERR timeout is not an integer or out of range")?;
    if ms < 0 {
        return Err("ERR timeout is negative".into());
    }
    if ms == 0 {
        return Ok(0);
    }
    Ok(now.saturating_add(ms))
}

fn parse_args(ctx: &Ctx, argv: &[Bytes], xreadgroup: bool) -> Result<ReadArgs, CmdError> {
    let mut a = ReadArgs { deadline: None, count: 0, streams_arg: 0, n: 0, group: None, noack: false };
    let argc = argv.len();
    let mut i = 1;
    while i < argc {
        let more = argc - i - 1;
        let o = &argv[i][..];
        if args::is(o, "block") && more > 0 {
            if ctx.me.is_script {
                return Err(format!("ERR {} command is not allowed with BLOCK option from scripts", String::from_utf8_lossy(&argv[0])).into());
            }
            i += 1;
            a.deadline = Some(parse_block(&argv[i], ctx.now)?);
        } else if args::is(o, "count") && more > 0 {
            i += 1;
            a.count = args::int(&argv[i])?.max(0) as usize;
        } else if args::is(o, "streams") && more > 0 {
            a.streams_arg = i + 1;
            let n = argc - a.streams_arg;
            if n % 2 != 0 {
                return Err("ERR Unbalanced XREAD list of streams: for each stream key an ID or '$' must be specified.".into());
            }
            a.n = n / 2;
            break;
        } else if args::is(o, "group") && more >= 2 {
            if !xreadgroup {
                return Err("ERR The GROUP option is only supported by XREADGROUP. You called XREAD instead.".into());
            }
            a.group = Some((argv[i + 1].clone(), argv[i + 2].clone()));
            i += 2;
        } else if args::is(o, "noack") {
            if !xreadgroup {
                return Err("ERR The NOACK option is only supported by XREADGROUP. You called XREAD instead.".into());
            }
            a.noack = true;
        } else {
            return Err(SYNTAX.into());
        }
        i += 1;
    }
    if a.streams_arg == 0 {
        return Err(SYNTAX.into());
    }
    if xreadgroup && a.group.is_none() {
        return Err("ERR Missing GROUP option for XREADGROUP".into());
    }
    Ok(a)
}

/// Where a (validated) XREAD/XREADGROUP argv keeps its streams, and its group name.
fn locate(argv: &[Bytes]) -> Option<(usize, usize, Option<&Bytes>)> {
    let mut group = None;
    let mut i = 1;
    while i < argv.len() {
        if args::is(&argv[i], "streams") {
            let start = i + 1;
            return Some((start, (argv.len() - start) / 2, group));
        }
        if args::is(&argv[i], "group") {
            group = argv.get(i + 1);
            i += 3;
        } else if args::is(&argv[i], "block") || args::is(&argv[i], "count") {
            i += 2;
        } else {
            i += 1;
        }
    }
    None
}

fn nogroup_error(key: &[u8], group: &[u8]) -> CmdError {
    format!(
        "NOGROUP No such key '{}' or consumer group '{}' in XREADGROUP with GROUP option",
        String::from_utf8_lossy(key),
        String::from_utf8_lossy(group)
    )
    .into()
}

/// XREAD [COUNT n] [BLOCK ms] STREAMS key [key ...] id [id ...]
/// XREADGROUP GROUP group consumer [COUNT n] [BLOCK ms] [NOACK] STREAMS key [key ...] id [id ...]
pub fn xread(ctx: &mut Ctx, argv: &[Bytes]) -> CmdResult {
    let xreadgroup = argv[0].len() == 10;
    let a = parse_args(ctx, argv, xreadgroup)?;
    ctx.prevent_propagation();
    let (sa, n) = (a.streams_arg, a.n);
    let keys = &argv[sa..sa + n];
    let mut ids = Vec::with_capacity(n);
    for (i, key) in keys.iter().enumerate() {
        let arg = &argv[sa + n + i];
        let s = match ctx.lookup_read(key).map(|e| &e.value) {
            None => None,
            Some(Value::Stream(s)) => Some(&**s),
            Some(_) => return Err(WRONGTYPE.into()),
        };
        if let Some((g, _)) = &a.group {
            if !s.is_some_and(|s| s.groups.contains_key(&g[..])) {
                return Err(nogroup_error(key, g));
            }
        }
        let id = if &arg[..] == b"$" {
            if xreadgroup {
                return Err("ERR The $ ID is meaningless in the context of XREADGROUP: you want to read the history of this consumer by specifying a proper ID, or use the > ID to get new messages. The $ ID would just return an empty result set.".into());
            }
            s.map(|s| s.last_id).unwrap_or(StreamId::ZERO)
        } else if &arg[..] == b">" {
            if !xreadgroup {
                return Err("ERR The > ID can be specified only when calling XREADGROUP using the GROUP <group> <consumer> option.".into());
            }
            StreamId::MAX
        } else {
            parse_strict_id(arg)?
        };
        ids.push(id);
    }

    // Served because one key got data: that key alone, compared with the stream's last ID.
    let db = ctx.me.db;
    let serving = match &ctx.st.serving_key {
        Some((d, k)) if *d == db => keys.iter().position(|x| x == k),
        _ => None,
    };
    let count = if serving.is_some() && a.count == 0 { BLOCKED_DEFAULT_COUNT } else { a.count };
    let want_prop = ctx.propagation_wanted();
    let mut body = Out::with_resp(ctx.out.resp);
    let mut served = 0;
    for i in 0..n {
        if serving.is_some_and(|s| s != i) {
            continue;
        }
        let key = &keys[i];
        let now = ctx.now;
        let Some(e) = ctx.lookup_read(key) else { continue };
        let Value::Stream(s) = &mut e.value else { continue };
        let mut gt = ids[i];
        let mut history = false;
        let serve = if let Some((g, _)) = &a.group {
            let last = s.groups.get(&g[..]).map(|g| g.last_id).unwrap_or(StreamId::ZERO);
            if gt != StreamId::MAX {
                history = true;
                true
            } else if serving.is_some() {
                gt = last;
                s.last_id > last
            } else if s.length > 0 && s.edge_id(false).is_some_and(|m| m > last) {
                gt = last;
                true
            } else {
                false
            }
        } else if serving.is_some() {
            s.last_id > gt
        } else {
            s.length > 0 && s.edge_id(false).is_some_and(|m| m > gt)
        };
        if !serve {
            continue;
        }
        served += 1;
        if body.is_resp3() {
            // A map entry: key then value.
        } else {
            body.array(2);
        }
        body.bulk(key);
        let Some(start) = gt.incr() else {
            body.array(0);
            continue;
        };
        match &a.group {
            None => {
                super::common::reply_range(&mut body, s, start, StreamId::MAX, count, false);
            }
            Some((g, c)) => {
                let mut fx = Effects { want_prop, ..Default::default() };
                serve_group(&mut body, s, key, g, c, start, count, a.noack, history, now, &mut fx);
                fx.apply(ctx);
                ctx.dirty(1);
            }
        }
    }
    if served > 0 {
        let mut head = Out::with_resp(ctx.out.resp);
        head.map(served);
        if !head.is_resp3() {
            head.buf.clear();
            head.array(served);
        }
        ctx.out.raw(&head.buf);
        ctx.out.raw(&body.buf);
        return Ok(());
    }
    if let Some(deadline) = a.deadline {
        // Inside MULTI/EXEC or a script a blocking read answers at once, as in Redis.
        if serving.is_none() && !ctx.me.in_exec {
            let mut parked = argv.to_vec();
            for (i, id) in ids.iter().enumerate() {
                if &argv[sa + n + i][..] == b"$" {
                    parked[sa + n + i] = id_bytes(*id);
                }
            }
            return Err(CmdError::Block(Blocked { db, keys: keys.to_vec(), deadline_ms: deadline, argv: parked }));
        }
    }
    ctx.out.null_array();
    Ok(())
}

/// What serving a group leaves to do once the stream is no longer borrowed: events and the
/// commands to propagate.
#[derive(Default)]
struct Effects {
    /// Whether anything receives propagated commands (else none are built).
    want_prop: bool,
    created_consumer: bool,
    key: Bytes,
    propagate: Vec<Vec<Bytes>>,
}

impl Effects {
    fn apply(self, ctx: &mut Ctx) {
        if self.created_consumer {
            ctx.notify(notify::STREAM, "xgroup-createconsumer", &self.key);
            ctx.dirty(1);
        }
        for argv in self.propagate {
            ctx.also_propagate(argv);
        }
    }
}

/// `streamReplyWithRange` for a group: new entries (updating the group's last ID and read
/// counter, and the PELs unless NOACK) or, for an explicit ID, the consumer's pending history.
#[allow(clippy::too_many_arguments)]
fn serve_group(
    out: &mut Out,
    s: &mut Stream,
    key: &Bytes,
    g: &[u8],
    c: &[u8],
    start: StreamId,
    count: usize,
    noack: bool,
    history: bool,
    now: i64,
    fx: &mut Effects,
) {
    fx.key = key.clone();
    let want_prop = fx.want_prop;
    if touch_consumer(s, g, c, now) {
        fx.created_consumer = true;
        if noack && want_prop {
            fx.propagate.push(vec![
                Bytes::from_static(b"XGROUP"),
                Bytes::from_static(b"CREATECONSUMER"),
                key.clone(),
                Bytes::copy_from_slice(g),
                Bytes::copy_from_slice(c),
            ]);
        }
    }
    if history {
        let ids: Vec<StreamId> = {
            let grp = &s.groups[g];
            let cons = &grp.consumers[c];
            cons.pel.range(start..).take(if count == 0 { usize::MAX } else { count }).copied().collect()
        };
        out.array(ids.len());
        for id in ids {
            if super::common::reply_one(out, s, id) {
                if let Some(n) = s.groups.get_mut(g).and_then(|grp| grp.pel.get_mut(&id)) {
                    n.delivery_time = now;
                    n.delivery_count += 1;
                }
            } else {
                out.array(2);
                reply_id(out, id);
                out.null_array();
            }
        }
        return;
    }
    let mut delivered = Vec::new();
    let at = out.buf.len();
    s.visit(start, StreamId::MAX, false, |node, m, e| {
        reply_entry(out, node, m, e);
        delivered.push(e.id);
        count == 0 || delivered.len() < count
    });
    let mut head = Out::with_resp(out.resp);
    head.array(delivered.len());
    out.buf.splice(at..at, head.buf);
    let mut propagate_last_id = false;
    for id in delivered {
        let grp = &s.groups[g];
        if id > grp.last_id {
            let read = if grp.entries_read != INVALID_ENTRIES_READ && !s.range_has_tombstones(Some(id), None) {
                Some(grp.entries_read + 1)
            } else if s.entries_added > 0 {
                Some(s.estimate_distance(id).map(|n| n as i64).unwrap_or(INVALID_ENTRIES_READ))
            } else {
                None
            };
            let grp = s.groups.get_mut(g).expect("group");
            if let Some(r) = read {
                grp.entries_read = r;
            }
            grp.last_id = id;
            if noack {
                propagate_last_id = true;
            }
        }
        if !noack {
            let grp = s.groups.get_mut(g).expect("group");
            grp.assign(id, c, now, 1);
            if want_prop {
                fx.propagate.push(xclaim_argv(key, g, id_bytes(id), c, now, 1, grp.last_id));
            }
        }
    }
    if propagate_last_id && want_prop {
        let grp = &s.groups[g];
        fx.propagate.push(setid_argv(key, g, grp.last_id, grp.entries_read));
    }
}

/// What a stream that got data means for a client blocked on it.
pub enum ReaderVerdict {
    Serve,
    Wait,
    /// Unblock it with this error reply (its group is gone).
    Fail(&'static str),
}

/// `serveClientsBlockedOnStreamKey`'s test for one blocked reader: a group reader is served when
/// the stream holds entries past the group's last ID, a plain reader when it holds entries past
/// the ID it waits after.
pub fn blocked_reader_ready(st: &State, b: &Blocked, key: &[u8]) -> ReaderVerdict {
    let Some((sa, n, group)) = locate(&b.argv) else { return ReaderVerdict::Wait };
    let Some(Value::Stream(s)) = st.dbs[b.db].peek(key, crate::util::now_ms()).map(|e| &e.value) else { return ReaderVerdict::Wait };
    let gt = match group {
        Some(g) => match s.groups.get(&g[..]) {
            Some(g) => g.last_id,
            None => return ReaderVerdict::Fail("NOGROUP the consumer group this client was blocked on no longer exists"),
        },
        None => {
            let Some(i) = b.argv[sa..sa + n].iter().position(|k| &k[..] == key) else { return ReaderVerdict::Wait };
            match StreamId::parse(&b.argv[sa + n + i], 0) {
                Some((id, true)) => id,
                _ => StreamId::ZERO,
            }
        }
    };
    if s.last_id > gt {
        ReaderVerdict::Serve
    } else {
        ReaderVerdict::Wait
    }
}

/// Unblocks XREADGROUP clients whose stream was deleted or replaced by another type
/// (`unblockDeletedStreamReadgroupClients`): their group is gone with it.
pub fn drop_readers_of_deleted_keys(st: &mut State) {
    let now = crate::util::now_ms();
    let gone: Vec<(usize, Bytes)> =
        st.blocking_keys.keys().filter(|(db, k)| !matches!(st.dbs[*db].peek(k, now).map(|e| &e.value), Some(Value::Stream(_)))).cloned().collect();
    for (db, key) in gone {
        let Some(waiting) = st.blocking_keys.get(&(db, key.clone())).cloned() else { continue };
        for id in waiting {
            let is_group_reader =
                st.clients.get(&id).and_then(|c| c.blocked.as_ref()).is_some_and(|b| b.argv[0].len() == 10 && args::is(&b.argv[0], "xreadgroup"));
            if !is_group_reader {
                continue;
            }
            let Some(mut c) = st.clients.remove(&id) else { continue };
            fail_blocked(st, &mut c, "UNBLOCKED the stream key no longer exists");
            st.clients.insert(id, c);
        }
    }
}

/// Unblocks a client with an error reply.
pub fn fail_blocked(st: &mut State, c: &mut ClientState, msg: &str) {
    if crate::blocked::unregister(st, c).is_none() {
        return;
    }
    let mut o = Out::with_resp(c.resp);
    o.error(msg);
    for code in std::mem::take(&mut o.errors) {
        st.stats.record_error(&code);
    }
    c.outbox.unblocked(o.buf);
}
