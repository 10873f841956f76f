//! CLIENT subcommands.

use bytes::Bytes;

use super::args;
use super::ctx::{Ctx, Handler};
use super::handler::{CmdError, CmdResult, SYNTAX};
use crate::client::{ClientState, ReplyMode};
use crate::state::Pause;

pub const COMMANDS: &[(&str, Handler)] = &[
    ("client|id", id),
    ("client|setname", setname),
    ("client|getname", getname),
    ("client|list", list),
    ("client|info", info),
    ("client|kill", kill),
    ("client|pause", pause),
    ("client|unpause", unpause),
    ("client|reply", reply),
    ("client|no-evict", no_evict),
    ("client|tracking", tracking),
    ("client|caching", caching),
    ("client|trackinginfo", trackinginfo),
    ("client|getredir", getredir),
    ("client|unblock", unblock),
    ("client|help", help),
];

fn id(ctx: &mut Ctx, _argv: &[Bytes]) -> CmdResult {
    ctx.out.int(ctx.me.id as i64);
    Ok(())
}

/// Client names may not contain spaces or special characters (they would break CLIENT LIST).
pub fn validate_name(name: &[u8]) -> Result<(), CmdError> {
    if name.iter().any(|&c| !(b'!'..=b'~').contains(&c)) {
        return Err("ERR Client names cannot contain spaces, newlines or special characters.".into());
    }
    Ok(())
}

fn setname(ctx: &mut Ctx, argv: &[Bytes]) -> CmdResult {
    validate_name(&argv[2])?;
    ctx.me.name = if argv[2].is_empty() { None } else { Some(argv[2].to_vec()) };
    ctx.out.ok();
    Ok(())
}

fn getname(ctx: &mut Ctx, _argv: &[Bytes]) -> CmdResult {
    match &ctx.me.name {
        Some(n) => {
            let n = n.clone();
            ctx.out.bulk(&n)
        }
        None => ctx.out.null(),
    }
    Ok(())
}

/// The `flags=` field of CLIENT LIST, letters in Redis's order.
fn flags_string(c: &ClientState) -> String {
    let mut f = String::new();
    if c.monitor {
        f.push('O');
    } else if c.is_replica {
        f.push('S');
    }
    if c.is_master {
        f.push('M');
    }
    if c.subscriptions() > 0 {
        f.push('P');
    }
    if c.multi.active {
        f.push('x');
    }
    if c.is_blocked() {
        f.push('b');
    }
    if let Some(t) = c.tracking.as_ref() {
        f.push('t');
        if t.broken_redir {
            f.push('R');
        }
        if t.bcast {
            f.push('B');
        }
    }
    if c.dirty_cas {
        f.push('d');
    }
    if c.killed {
        f.push('A');
    }
    if c.no_evict {
        f.push('e');
    }
    if f.is_empty() {
        f.push('N');
    }
    f
}

/// One CLIENT LIST line, with Redis 7.0's fields in Redis's order; `running` is the command the
/// client is running when it describes itself (its arguments count in `argv-mem`).
pub fn describe(c: &ClientState, acl: &crate::acl::Acl, now_ms: i64, running: Option<&[Bytes]>) -> String {
    let name = c.name.as_ref().map(|n| String::from_utf8_lossy(n).into_owned()).unwrap_or_default();
    let multi = if c.multi.active { c.multi.queue.len() as i64 } else { -1 };
    let cmd = if c.last_cmd.is_empty() { "NULL" } else { c.last_cmd };
    let mem = c.memory(running);
    format!(
        "id={} addr={} laddr={} fd={} name={} age={} idle={} flags={} db={} sub={} psub={} ssub={} multi={} qbuf={} qbuf-free={} argv-mem={} multi-mem={} rbs={} rbp={} obl={} oll={} omem={} tot-mem={} events={} cmd={} user={} redir={} resp={}",
        c.id,
        c.addr,
        c.laddr,
        c.fd,
        name,
        (now_ms / 1000 - c.created_ms / 1000).max(0),
        (now_ms / 1000 - c.last_interaction_ms / 1000).max(0),
        flags_string(c),
        c.db,
        c.channels.len(),
        c.patterns.len(),
        c.shard_channels.len(),
        multi,
        c.qbuf,
        mem.qbuf_free,
        mem.argv_mem,
        mem.multi_mem,
        mem.rbs,
        mem.rbp,
        mem.obl,
        mem.oll,
        mem.omem,
        mem.tot_mem,
        if c.outbox.meter().limited() > 0 { "rw" } else { "r" },
        cmd,
        String::from_utf8_lossy(acl.name_of(c.user)),
        c.tracking.as_ref().map(|t| t.redirect as i64).unwrap_or(-1),
        c.resp
    )
}

/// Redis's client types (`getClientType`): a MONITOR counts as normal.
fn client_type(c: &ClientState) -> &'static str {
    if c.is_master {
        "master"
    } else if c.is_replica && !c.monitor {
        "replica"
    } else if c.subscriptions() > 0 {
        "pubsub"
    } else {
        "normal"
    }
}

/// `getClientTypeByName`.
fn type_by_name(arg: &[u8]) -> Result<&'static str, CmdError> {
    let t = super::handler::lower(arg);
    match t.as_str() {
        "normal" => Ok("normal"),
        "slave" | "replica" => Ok("replica"),
        "pubsub" => Ok("pubsub"),
        "master" => Ok("master"),
        _ => Err(format!("ERR Unknown client type '{}'", String::from_utf8_lossy(arg)).into()),
    }
}

fn list(ctx: &mut Ctx, argv: &[Bytes]) -> CmdResult {
    let now = ctx.now;
    let mut text = String::new();
    if argv.len() == 4 && args::is(&argv[2], "type") {
        let t = type_by_name(&argv[3])?;
        let mut all: Vec<&ClientState> = ctx.st.clients.values().map(|b| &**b).collect();
        all.push(ctx.me);
        all.sort_by_key(|c| c.id);
        for c in all.into_iter().filter(|c| client_type(c) == t) {
            text.push_str(&describe(c, &ctx.st.acl, now, (c.id == ctx.me.id).then_some(argv)));
            text.push('\n');
        }
    } else if argv.len() > 3 && args::is(&argv[2], "id") {
        // In argument order, repeats included; unknown ids are skipped.
        for a in &argv[3..] {
            let id = crate::util::parse_i64(a).ok_or("ERR Invalid client ID")?;
            let c = if id as u64 == ctx.me.id { Some(&*ctx.me) } else { ctx.st.clients.get(&(id as u64)).map(|b| &**b) };
            if let Some(c) = c {
                text.push_str(&describe(c, &ctx.st.acl, now, (c.id == ctx.me.id).then_some(argv)));
                text.push('\n');
            }
        }
    } else if argv.len() != 2 {
        return Err(SYNTAX.into());
    } else {
        let mut all: Vec<&ClientState> = ctx.st.clients.values().map(|b| &**b).collect();
        all.push(ctx.me);
        all.sort_by_key(|c| c.id);
        for c in all {
            text.push_str(&describe(c, &ctx.st.acl, now, (c.id == ctx.me.id).then_some(argv)));
            text.push('\n');
        }
    }
    ctx.out.verbatim(text.as_bytes());
    Ok(())
}

fn info(ctx: &mut Ctx, argv: &[Bytes]) -> CmdResult {
    let mut line = describe(ctx.me, &ctx.st.acl, ctx.now, Some(argv));
    line.push('\n');
    ctx.out.verbatim(line.as_bytes());
    Ok(())
}

fn kill(ctx: &mut Ctx, argv: &[Bytes]) -> CmdResult {
    let mut f_id: Option<u64> = None;
    let mut f_addr: Option<String> = None;
    let mut f_laddr: Option<String> = None;
    let mut f_type: Option<&'static str> = None;
    let mut f_user: Option<crate::acl::UserId> = None;
    let mut skipme = true;
    let old_form = argv.len() == 3;
    if old_form {
        // CLIENT KILL <addr>: may kill the caller itself.
        f_addr = Some(String::from_utf8_lossy(&argv[2]).into_owned());
        skipme = false;
    } else {
        let mut i = 2;
        while i < argv.len() {
            let Some(v) = argv.get(i + 1) else { return Err(SYNTAX.into()) };
            let key = super::handler::lower(&argv[i]);
            match key.as_str() {
                "id" => match crate::util::parse_i64(v) {
                    Some(n) if n > 0 => f_id = Some(n as u64),
                    _ => return Err("ERR client-id should be greater than 0".into()),
                },
                "type" => f_type = Some(type_by_name(v)?),
                "addr" => f_addr = Some(String::from_utf8_lossy(v).into_owned()),
                "laddr" => f_laddr = Some(String::from_utf8_lossy(v).into_owned()),
                "user" => match ctx.st.acl.id_of(v) {
                    Some(id) => f_user = Some(id),
                    None => return Err(format!("ERR No such user '{}'", String::from_utf8_lossy(v)).into()),
                },
                "skipme" => {
                    if args::is(v, "yes") {
                        skipme = true;
                    } else if args::is(v, "no") {
                        skipme = false;
                    } else {
                        return Err(SYNTAX.into());
                    }
                }
                _ => return Err(SYNTAX.into()),
            }
            i += 2;
        }
    }
    let matches = |c: &ClientState| {
        f_id.is_none_or(|x| c.id == x)
            && f_addr.as_ref().is_none_or(|x| &c.addr == x)
            && f_laddr.as_ref().is_none_or(|x| &c.laddr == x)
            && f_type.is_none_or(|x| client_type(c) == x)
            && f_user.is_none_or(|x| c.user == x)
    };
    let mut killed = 0;
    for c in ctx.st.clients.values_mut() {
        if !c.killed && matches(c) {
            c.killed = true;
            c.outbox.kill();
            killed += 1;
        }
    }
    let kill_me = !skipme && matches(ctx.me);
    if kill_me {
        killed += 1;
    }
    if old_form {
        if killed == 0 {
            return Err("ERR No such client".into());
        }
        ctx.out.ok();
    } else {
        ctx.out.int(killed);
    }
    // Closed once the reply is written (CLIENT_CLOSE_AFTER_REPLY).
    if kill_me {
        ctx.me.killed = true;
    }
    Ok(())
}

fn pause(ctx: &mut Ctx, argv: &[Bytes]) -> CmdResult {
    if argv.len() > 4 {
        return Err(
            format!("ERR unknown subcommand or wrong number of arguments for '{}'. Try CLIENT HELP.", String::from_utf8_lossy(&argv[1])).into()
        );
    }
    let write_only = match argv.get(3) {
        None => false,
        Some(a) if args::is(a, "write") => true,
        Some(a) if args::is(a, "all") => false,
        Some(_) => return Err("ERR CLIENT PAUSE mode must be WRITE or ALL".into()),
    };
    let ms = crate::util::parse_i64(&argv[2]).ok_or("ERR timeout is not an integer or out of range")?;
    if ms < 0 {
        return Err("ERR timeout is negative".into());
    }
    let until = if ms > 0 { ctx.now.saturating_add(ms) } else { 0 };
    // A later pause never shortens or weakens the one in force (ALL is stronger than WRITE).
    let p = match ctx.st.pause {
        Some(old) if old.until_ms > ctx.now => Pause { until_ms: old.until_ms.max(until), write_only: old.write_only && write_only },
        _ => Pause { until_ms: until, write_only },
    };
    ctx.st.pause = Some(p);
    ctx.out.ok();
    Ok(())
}

fn unpause(ctx: &mut Ctx, _argv: &[Bytes]) -> CmdResult {
    ctx.st.pause = None;
    for c in ctx.st.clients.values() {
        c.outbox.wake();
    }
    ctx.out.ok();
    Ok(())
}

fn reply(ctx: &mut Ctx, argv: &[Bytes]) -> CmdResult {
    let a = &argv[2];
    if args::is(a, "on") {
        ctx.me.reply_mode = ReplyMode::On;
        ctx.out.ok();
    } else if args::is(a, "off") {
        ctx.me.reply_mode = ReplyMode::Off;
    } else if args::is(a, "skip") {
        // Arms a skip of the next command's reply (even while this one is skipped); not when OFF.
        if ctx.me.reply_mode != ReplyMode::Off {
            ctx.me.reply_mode = ReplyMode::Skip;
        }
    } else {
        return Err(SYNTAX.into());
    }
    Ok(())
}

fn no_evict(ctx: &mut Ctx, argv: &[Bytes]) -> CmdResult {
    if args::is(&argv[2], "on") {
        ctx.me.no_evict = true;
    } else if args::is(&argv[2], "off") {
        ctx.me.no_evict = false;
    } else {
        return Err(SYNTAX.into());
    }
    ctx.out.ok();
    Ok(())
}

/// CLIENT TRACKING ON|OFF [REDIRECT id] [PREFIX p ...] [BCAST] [OPTIN] [OPTOUT] [NOLOOP]
fn tracking(ctx: &mut Ctx, argv: &[Bytes]) -> CmdResult {
    use crate::tracking::ClientTracking;
    let mut mode = ClientTracking::default();
    let mut prefixes: Vec<Vec<u8>> = Vec::new();
    let mut j = 3;
    while j < argv.len() {
        let more = argv.len() - 1 - j;
        let a = &argv[j];
        if args::is(a, "redirect") && more > 0 {
            j += 1;
            if mode.redirect != 0 {
                return Err("ERR A client can only redirect to a single other client".into());
            }
            let id = args::int(&argv[j])?;
            if id as u64 != ctx.me.id && !ctx.st.clients.contains_key(&(id as u64)) {
                return Err("ERR The client ID you want redirect to does not exist".into());
            }
            mode.redirect = id as u64;
        } else if args::is(a, "bcast") {
            mode.bcast = true;
        } else if args::is(a, "optin") {
            mode.optin = true;
        } else if args::is(a, "optout") {
            mode.optout = true;
        } else if args::is(a, "noloop") {
            mode.noloop = true;
        } else if args::is(a, "prefix") && more > 0 {
            j += 1;
            prefixes.push(argv[j].to_vec());
        } else {
            return Err(SYNTAX.into());
        }
        j += 1;
    }
    if args::is(&argv[2], "on") {
        if !mode.bcast && !prefixes.is_empty() {
            return Err("ERR PREFIX option requires BCAST mode to be enabled".into());
        }
        if let Some(t) = ctx.me.tracking.as_ref() {
            if t.bcast != mode.bcast {
                return Err("ERR You can't switch BCAST mode on/off before disabling tracking for this client, and then re-enabling it with a different mode.".into());
            }
        }
        if mode.bcast && (mode.optin || mode.optout) {
            return Err("ERR OPTIN and OPTOUT are not compatible with BCAST".into());
        }
        if mode.optin && mode.optout {
            return Err("ERR You can't specify both OPTIN mode and OPTOUT mode".into());
        }
        if let Some(t) = ctx.me.tracking.as_ref() {
            if (mode.optin && t.optout) || (mode.optout && t.optin) {
                return Err("ERR You can't switch OPTIN/OPTOUT mode before disabling tracking for this client, and then re-enabling it with a different mode.".into());
            }
        }
        if mode.bcast {
            // Redis 7.0's check returns the index of a clash between two given prefixes as its
            // "ok" value, so a clash found past the first prefix is replied as an error and
            // tracking is enabled anyway (with the +OK after it).
            match check_prefixes(ctx.me.tracking.as_deref(), &prefixes) {
                PrefixCheck::Ok => {}
                PrefixCheck::Refused(e) => return Err(e.into()),
                PrefixCheck::RepliedAnyway(e) => ctx.out.error(&e),
            }
        }
        crate::tracking::enable(ctx.st, ctx.me, mode, &prefixes);
    } else if args::is(&argv[2], "off") {
        crate::tracking::disable(ctx.st, ctx.me);
    } else {
        return Err(SYNTAX.into());
    }
    ctx.out.ok();
    Ok(())
}

enum PrefixCheck {
    Ok,
    Refused(String),
    RepliedAnyway(String),
}

/// `checkPrefixCollisionsOrReply`: no two prefixes of a client may cover the same key.
fn check_prefixes(current: Option<&crate::tracking::ClientTracking>, prefixes: &[Vec<u8>]) -> PrefixCheck {
    let overlap = |a: &[u8], b: &[u8]| {
        let n = a.len().min(b.len());
        a[..n] == b[..n]
    };
    let show = |b: &[u8]| String::from_utf8_lossy(c_str(b)).into_owned();
    for (i, p) in prefixes.iter().enumerate() {
        if let Some(t) = current {
            if let Some(old) = t.prefixes.iter().find(|old| overlap(old, p)) {
                return PrefixCheck::Refused(format!(
                    "ERR Prefix '{}' overlaps with an existing prefix '{}'. Prefixes for a single client must not overlap.",
                    show(p),
                    show(old)
                ));
            }
        }
        if let Some(q) = prefixes[i + 1..].iter().find(|q| overlap(p, q)) {
            let e = format!(
                "ERR Prefix '{}' overlaps with another provided prefix '{}'. Prefixes for a single client must not overlap.",
                show(p),
                show(q)
            );
            return if i == 0 { PrefixCheck::Refused(e) } else { PrefixCheck::RepliedAnyway(e) };
        }
    }
    PrefixCheck::Ok
}

/// The part of a byte string C's `%s` prints: up to the first NUL.
fn c_str(b: &[u8]) -> &[u8] {
    b.iter().position(|&c| c == 0).map(|i| &b[..i]).unwrap_or(b)
}

/// CLIENT CACHING YES|NO: whether the next command's reads are tracked (OPTIN / OPTOUT).
fn caching(ctx: &mut Ctx, argv: &[Bytes]) -> CmdResult {
    let Some(t) = ctx.me.tracking.as_mut() else {
        return Err("ERR CLIENT CACHING can be called only when the client is in tracking mode with OPTIN or OPTOUT mode enabled".into());
    };
    if args::is(&argv[2], "yes") {
        if !t.optin {
            return Err("ERR CLIENT CACHING YES is only valid when tracking is enabled in OPTIN mode.".into());
        }
    } else if args::is(&argv[2], "no") {
        if !t.optout {
            return Err("ERR CLIENT CACHING NO is only valid when tracking is enabled in OPTOUT mode.".into());
        }
    } else {
        return Err(SYNTAX.into());
    }
    t.caching = true;
    ctx.out.ok();
    Ok(())
}

/// CLIENT TRACKINGINFO: flags, redirect and prefixes.
fn trackinginfo(ctx: &mut Ctx, _argv: &[Bytes]) -> CmdResult {
    let t = ctx.me.tracking.as_deref();
    let mut flags: Vec<&str> = vec![if t.is_some() { "on" } else { "off" }];
    if let Some(t) = t {
        if t.bcast {
            flags.push("bcast");
        }
        if t.optin {
            flags.push("optin");
            if t.caching {
                flags.push("caching-yes");
            }
        }
        if t.optout {
            flags.push("optout");
            if t.caching {
                flags.push("caching-no");
            }
        }
        if t.noloop {
            flags.push("noloop");
        }
        if t.broken_redir {
            flags.push("broken_redirect");
        }
    }
    let out = &mut *ctx.out;
    out.map(3);
    out.bulk(b"flags");
    out.set(flags.len());
    for f in flags {
        out.bulk(f.as_bytes());
    }
    out.bulk(b"redirect");
    out.int(t.map(|t| t.redirect as i64).unwrap_or(-1));
    out.bulk(b"prefixes");
    match t {
        Some(t) => {
            out.array(t.prefixes.len());
            for p in &t.prefixes {
                out.bulk(p);
            }
        }
        None => out.array(0),
    }
    Ok(())
}

/// CLIENT GETREDIR: the redirect client id, 0 without one, -1 when not tracking.
fn getredir(ctx: &mut Ctx, _argv: &[Bytes]) -> CmdResult {
    ctx.out.int(ctx.me.tracking.as_ref().map(|t| t.redirect as i64).unwrap_or(-1));
    Ok(())
}

fn unblock(ctx: &mut Ctx, argv: &[Bytes]) -> CmdResult {
    if argv.len() > 4 {
        return Err(
            format!("ERR unknown subcommand or wrong number of arguments for '{}'. Try CLIENT HELP.", String::from_utf8_lossy(&argv[1])).into()
        );
    }
    let as_error = match argv.get(3) {
        None => false,
        Some(a) if args::is(a, "timeout") => false,
        Some(a) if args::is(a, "error") => true,
        Some(_) => return Err("ERR CLIENT UNBLOCK reason should be TIMEOUT or ERROR".into()),
    };
    let id = args::int(&argv[2])?;
    let Some(mut target) = ctx.st.clients.remove(&(id as u64)) else {
        ctx.out.int(0);
        return Ok(());
    };
    let res = match super::blocking::unregister(ctx.st, &mut target) {
        Some(b) => {
            let reply = if as_error {
                let mut o = crate::resp::reply::Out::with_resp(target.resp);
                o.error("UNBLOCKED client unblocked via CLIENT UNBLOCK");
                o.buf
            } else {
                super::blocking::timeout_reply(&b.argv[0], target.resp)
            };
            target.outbox.unblocked(reply);
            1
        }
        None => 0,
    };
    ctx.st.clients.insert(id as u64, target);
    ctx.out.int(res);
    Ok(())
}

fn help(ctx: &mut Ctx, _argv: &[Bytes]) -> CmdResult {
    super::introspect::help_reply(
        ctx,
        "CLIENT",
        &[
            "CACHING (YES|NO)",
            "    Enable/disable tracking of the keys for next command in OPTIN/OPTOUT modes.",
            "GETREDIR",
            "    Return the client ID we are redirecting to when tracking is enabled.",
            "GETNAME",
            "    Return the name of the current connection.",
            "ID",
            "    Return the ID of the current connection.",
            "INFO",
            "    Return information about the current client connection.",
            "KILL <ip:port>",
            "    Kill connection made from <ip:port>.",
            "KILL <option> <value> [<option> <value> [...]]",
            "    Kill connections. Options are:",
            "    * ADDR (<ip:port>|<unixsocket>:0)",
            "      Kill connections made from the specified address",
            "    * LADDR (<ip:port>|<unixsocket>:0)",
            "      Kill connections made to specified local address",
            "    * TYPE (NORMAL|MASTER|REPLICA|PUBSUB)",
            "      Kill connections by type.",
            "    * USER <username>",
            "      Kill connections authenticated by <username>.",
            "    * SKIPME (YES|NO)",
            "      Skip killing current connection (default: yes).",
            "LIST [options ...]",
            "    Return information about client connections. Options:",
            "    * TYPE (NORMAL|MASTER|REPLICA|PUBSUB)",
            "      Return clients of specified type.",
            "UNPAUSE",
            "    Stop the current client pause, resuming traffic.",
            "PAUSE <timeout> [WRITE|ALL]",
            "    Suspend all, or just write, clients for <timeout> milliseconds.",
            "REPLY (ON|OFF|SKIP)",
            "    Control the replies sent to the current connection.",
            "SETNAME <name>",
            "    Assign the name <name> to the current connection.",
            "UNBLOCK <clientid> [TIMEOUT|ERROR]",
            "    Unblock the specified blocked client.",
            "TRACKING (ON|OFF) [REDIRECT <id>] [BCAST] [PREFIX <prefix> [...]]",
            "         [OPTIN] [OPTOUT] [NOLOOP]",
            "    Control server assisted client side caching.",
            "TRACKINGINFO",
            "    Report tracking status for the current connection.",
            "NO-EVICT (ON|OFF)",
            "    Protect current client connection from eviction.",
        ],
    );
    Ok(())
}
