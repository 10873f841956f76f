//! CLIENT subcommands.

use bytes::Bytes;

use super::{args, CmdError, CmdResult, Ctx, Handler, SYNTAX};
use crate::client::{ClientMsg, ClientState, ReplyMode};
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

/// One CLIENT LIST line, with Redis 7.0's fields in Redis's order.
pub fn describe(c: &ClientState, now_ms: i64) -> String {
    let name = c.name.as_ref().map(|n| String::from_utf8_lossy(n).into_owned()).unwrap_or_default();
    let multi = if c.multi.active { c.multi.queue.len() as i64 } else { -1 };
    let cmd = if c.last_cmd.is_empty() { "NULL" } else { &c.last_cmd };
    format!(
        "id={} addr={} laddr={} fd={} name={} age={} idle={} flags={} db={} sub={} psub={} ssub=0 multi={} qbuf={} qbuf-free={} argv-mem=0 multi-mem=0 rbs=16384 rbp=0 obl=0 oll=0 omem={} tot-mem={} events=r cmd={} user=default redir=-1 resp={}",
        c.id,
        c.addr,
        c.laddr,
        c.fd,
        name,
        (now_ms - c.created_ms).max(0) / 1000,
        (now_ms - c.last_interaction_ms).max(0) / 1000,
        c.flags_string(),
        c.db,
        c.channels.len(),
        c.patterns.len(),
        multi,
        c.qbuf,
        16384usize.saturating_sub(c.qbuf),
        c.obuf,
        c.qbuf + c.obuf + 16384,
        cmd,
        c.resp
    )
}

fn client_type(c: &ClientState) -> &'static str {
    if c.is_master {
        "master"
    } else if c.is_replica {
        "replica"
    } else if c.subscriptions() > 0 {
        "pubsub"
    } else {
        "normal"
    }
}

fn list(ctx: &mut Ctx, argv: &[Bytes]) -> CmdResult {
    let mut type_filter: Option<String> = None;
    let mut ids: Option<Vec<u64>> = None;
    let mut i = 2;
    while i < argv.len() {
        if args::is(&argv[i], "type") && i + 1 < argv.len() {
            let t = super::lower(&argv[i + 1]);
            let t = if t == "slave" { "replica".to_string() } else { t };
            if !matches!(t.as_str(), "normal" | "master" | "replica" | "pubsub") {
                return Err(format!("ERR Unknown client type '{}'", String::from_utf8_lossy(&argv[i + 1])).into());
            }
            type_filter = Some(t);
            i += 2;
        } else if args::is(&argv[i], "id") && i + 1 < argv.len() {
            let mut v = Vec::new();
            for a in &argv[i + 1..] {
                match crate::util::parse_i64(a) {
                    Some(n) if n > 0 => v.push(n as u64),
                    _ => return Err("ERR Invalid client ID".into()),
                }
            }
            ids = Some(v);
            i = argv.len();
        } else {
            return Err(SYNTAX.into());
        }
    }
    let now = ctx.now;
    let mut all: Vec<&ClientState> = ctx.st.clients.values().map(|b| &**b).collect();
    all.push(ctx.me);
    all.sort_by_key(|c| c.id);
    let mut text = String::new();
    for c in all {
        if type_filter.as_deref().is_some_and(|t| t != client_type(c)) {
            continue;
        }
        if ids.as_ref().is_some_and(|v| !v.contains(&c.id)) {
            continue;
        }
        text.push_str(&describe(c, now));
        text.push('\n');
    }
    ctx.out.verbatim(text.as_bytes());
    Ok(())
}

fn info(ctx: &mut Ctx, _argv: &[Bytes]) -> CmdResult {
    let mut line = describe(ctx.me, ctx.now);
    line.push('\n');
    ctx.out.verbatim(line.as_bytes());
    Ok(())
}

fn kill(ctx: &mut Ctx, argv: &[Bytes]) -> CmdResult {
    // Old form: CLIENT KILL addr:port.
    if argv.len() == 3 {
        let addr = String::from_utf8_lossy(&argv[2]).into_owned();
        if ctx.me.addr == addr {
            ctx.me.killed = true;
            ctx.out.ok();
            return Ok(());
        }
        let found = ctx.st.clients.values_mut().find(|c| c.addr == addr && !c.killed);
        return match found {
            Some(c) => {
                c.killed = true;
                let _ = c.tx.send(ClientMsg::Kill);
                ctx.out.ok();
                Ok(())
            }
            None => Err("ERR No such client".into()),
        };
    }
    let mut f_id = None;
    let mut f_addr = None;
    let mut f_laddr = None;
    let mut f_type = None;
    let mut f_user = None;
    let mut f_maxage = None;
    let mut skipme = true;
    let mut i = 2;
    while i + 1 < argv.len() {
        let v = &argv[i + 1];
        let key = super::lower(&argv[i]);
        match key.as_str() {
            "id" => match crate::util::parse_i64(v) {
                Some(n) if n > 0 => f_id = Some(n as u64),
                _ => return Err("ERR client-id should be greater than 0".into()),
            },
            "addr" => f_addr = Some(String::from_utf8_lossy(v).into_owned()),
            "laddr" => f_laddr = Some(String::from_utf8_lossy(v).into_owned()),
            "type" => {
                let t = super::lower(v);
                let t = if t == "slave" { "replica".to_string() } else { t };
                if !matches!(t.as_str(), "normal" | "master" | "replica" | "pubsub") {
                    return Err(format!("ERR Unknown client type '{}'", String::from_utf8_lossy(v)).into());
                }
                f_type = Some(t);
            }
            "user" => f_user = Some(String::from_utf8_lossy(v).into_owned()),
            "skipme" => {
                if args::is(v, "yes") {
                    skipme = true;
                } else if args::is(v, "no") {
                    skipme = false;
                } else {
                    return Err(SYNTAX.into());
                }
            }
            "maxage" => f_maxage = Some(args::int(v)?),
            _ => return Err(SYNTAX.into()),
        }
        i += 2;
    }
    if i != argv.len() {
        return Err(SYNTAX.into());
    }
    let now = ctx.now;
    let matches = |c: &ClientState| {
        f_id.is_none_or(|x| c.id == x)
            && f_addr.as_ref().is_none_or(|x| &c.addr == x)
            && f_laddr.as_ref().is_none_or(|x| &c.laddr == x)
            && f_type.as_ref().is_none_or(|x| client_type(c) == x)
            && f_user.as_ref().is_none_or(|x| x == "default")
            && f_maxage.is_none_or(|x| (now - c.created_ms) / 1000 >= x)
    };
    let mut killed = 0;
    for c in ctx.st.clients.values_mut() {
        if !c.killed && matches(c) {
            c.killed = true;
            let _ = c.tx.send(ClientMsg::Kill);
            killed += 1;
        }
    }
    if !skipme && matches(ctx.me) {
        ctx.me.killed = true;
        killed += 1;
    }
    ctx.out.int(killed);
    Ok(())
}

fn pause(ctx: &mut Ctx, argv: &[Bytes]) -> CmdResult {
    let ms = crate::util::parse_i64(&argv[2]).ok_or("ERR timeout is not an integer or out of range")?;
    if ms < 0 {
        return Err("ERR timeout is negative".into());
    }
    let write_only = match argv.get(3) {
        None => false,
        Some(a) if args::is(a, "write") => true,
        Some(a) if args::is(a, "all") => false,
        Some(_) => return Err(SYNTAX.into()),
    };
    if argv.len() > 4 {
        return Err(SYNTAX.into());
    }
    let until = ctx.now.saturating_add(ms);
    // A later pause never shortens or weakens the one in force.
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
        let _ = c.tx.send(ClientMsg::Wake);
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
        if ctx.me.reply_mode == ReplyMode::On {
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

fn trackinginfo(ctx: &mut Ctx, _argv: &[Bytes]) -> CmdResult {
    let out = &mut *ctx.out;
    out.map(3);
    out.bulk(b"flags");
    out.set(1);
    out.bulk(b"off");
    out.bulk(b"redirect");
    out.int(-1);
    out.bulk(b"prefixes");
    out.array(0);
    Ok(())
}

fn getredir(ctx: &mut Ctx, _argv: &[Bytes]) -> CmdResult {
    ctx.out.int(-1);
    Ok(())
}

fn unblock(ctx: &mut Ctx, argv: &[Bytes]) -> CmdResult {
    let id = args::int(&argv[2])?;
    let as_error = match argv.get(3) {
        None => false,
        Some(a) if args::is(a, "timeout") => false,
        Some(a) if args::is(a, "error") => true,
        Some(_) => return Err("ERR CLIENT UNBLOCK reason should be TIMEOUT or ERROR".into()),
    };
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
            let _ = target.tx.send(ClientMsg::Unblocked(reply));
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
            "    * ID <client-id>",
            "      Kill connections by client id.",
            "    * MAXAGE <maxage>",
            "      Kill connections older than the specified age.",
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
