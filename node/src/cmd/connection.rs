//! Connection commands: PING, ECHO, QUIT, SELECT, AUTH, HELLO, RESET.

use bytes::Bytes;

use super::args;
use super::ctx::{Ctx, Handler};
use super::handler::CmdResult;
use crate::client::ReplyMode;

pub const COMMANDS: &[(&str, Handler)] =
    &[("ping", ping), ("echo", echo), ("quit", quit), ("select", select), ("auth", auth), ("hello", hello), ("reset", reset)];

fn ping(ctx: &mut Ctx, argv: &[Bytes]) -> CmdResult {
    if argv.len() > 2 {
        return Err("ERR wrong number of arguments for 'ping' command".into());
    }
    if ctx.me.in_pubsub_context() {
        ctx.out.array(2);
        ctx.out.bulk(b"pong");
        ctx.out.bulk(argv.get(1).map(|b| &b[..]).unwrap_or(b""));
    } else if let Some(msg) = argv.get(1) {
        ctx.out.bulk(msg);
    } else {
        ctx.out.simple("PONG");
    }
    Ok(())
}

fn echo(ctx: &mut Ctx, argv: &[Bytes]) -> CmdResult {
    ctx.out.bulk(&argv[1]);
    Ok(())
}

fn quit(ctx: &mut Ctx, _argv: &[Bytes]) -> CmdResult {
    ctx.out.ok();
    ctx.me.killed = true;
    Ok(())
}

fn select(ctx: &mut Ctx, argv: &[Bytes]) -> CmdResult {
    let n = args::int32(&argv[1])?;
    if n < 0 || n as usize >= ctx.st.dbs.len() {
        return Err("ERR DB index is out of range".into());
    }
    ctx.me.db = n as usize;
    ctx.out.ok();
    Ok(())
}

const WRONGPASS: &str = "WRONGPASS invalid username-password pair or user is disabled.";

fn auth(ctx: &mut Ctx, argv: &[Bytes]) -> CmdResult {
    if argv.len() > 3 {
        return Err(super::handler::SYNTAX.into());
    }
    let (user, pass): (&[u8], &[u8]) = if argv.len() == 2 { (b"default", &argv[1]) } else { (&argv[1], &argv[2]) };
    if argv.len() == 2 && ctx.st.acl.user(crate::acl::DEFAULT_USER).nopass() {
        return Err(
            "ERR AUTH <password> called without any password configured for the default user. Are you sure your configuration is correct?".into()
        );
    }
    if super::acl::authenticate(ctx, user, pass, &argv[0]) {
        ctx.out.ok();
        Ok(())
    } else {
        crate::log::verbose("Invalid password attempt (AUTH)");
        Err(WRONGPASS.into())
    }
}

fn hello(ctx: &mut Ctx, argv: &[Bytes]) -> CmdResult {
    let mut proto = None;
    let mut i = 1;
    if argv.len() > 1 {
        match crate::util::parse_i64(&argv[1]) {
            Some(n @ (2 | 3)) => proto = Some(n as u8),
            Some(_) => return Err("NOPROTO unsupported protocol version".into()),
            None => return Err("ERR Protocol version is not an integer or out of range".into()),
        }
        i = 2;
    }
    let mut auth: Option<(Bytes, Bytes)> = None;
    while i < argv.len() {
        let more = argv.len() - i - 1;
        if args::is(&argv[i], "auth") && more >= 2 {
            auth = Some((argv[i + 1].clone(), argv[i + 2].clone()));
            i += 3;
        } else if args::is(&argv[i], "setname") && more >= 1 {
            // Redis 7.0 names the client right here, before authentication is checked.
            let name = &argv[i + 1];
            super::clients::validate_name(name)?;
            ctx.me.name = if name.is_empty() { None } else { Some(name.to_vec()) };
            i += 2;
        } else {
            return Err(format!("ERR Syntax error in HELLO option '{}'", String::from_utf8_lossy(&argv[i])).into());
        }
    }
    if let Some((user, pass)) = &auth {
        if !super::acl::authenticate(ctx, user, pass, &argv[0]) {
            return Err(WRONGPASS.into());
        }
    }
    if !ctx.me.authenticated {
        return Err("NOAUTH HELLO must be called with the client already authenticated, otherwise the HELLO AUTH <user> <pass> option can be used to authenticate the client and select the RESP protocol version at the same time".into());
    }
    if let Some(p) = proto {
        ctx.me.resp = p;
        ctx.out.resp = p;
    }
    let sentinel = ctx.st.config.is_sentinel();
    let out = &mut *ctx.out;
    // A sentinel's map has no `role`.
    out.map(if sentinel { 6 } else { 7 });
    out.bulk(b"server");
    out.bulk(b"redis");
    out.bulk(b"version");
    out.bulk(crate::REDIS_VERSION.as_bytes());
    out.bulk(b"proto");
    out.int(ctx.me.resp as i64);
    out.bulk(b"id");
    out.int(ctx.me.id as i64);
    out.bulk(b"mode");
    if sentinel {
        out.bulk(b"sentinel");
    } else {
        out.bulk(b"standalone");
        out.bulk(b"role");
        out.bulk(b"master");
    }
    out.bulk(b"modules");
    out.array(0);
    Ok(())
}

fn reset(ctx: &mut Ctx, _argv: &[Bytes]) -> CmdResult {
    super::tx::discard_transaction(ctx.me);
    super::tx::unwatch_all(ctx.st, ctx.me);
    crate::pubsub::forget_client(ctx.st, ctx.me);
    crate::tracking::disable(ctx.st, ctx.me);
    if ctx.me.monitor {
        let id = ctx.me.id;
        ctx.st.monitors.retain(|m| *m != id);
        ctx.me.monitor = false;
    }
    ctx.me.db = 0;
    ctx.me.resp = 2;
    ctx.out.resp = 2;
    ctx.me.name = None;
    ctx.me.reply_mode = ReplyMode::On;
    // (Redis 7.0's RESET keeps CLIENT NO-EVICT.)
    // Back to the default user: authenticated only if it needs no password.
    ctx.me.user = crate::acl::DEFAULT_USER;
    ctx.me.authenticated = ctx.st.acl.default_is_open();
    ctx.out.simple("RESET");
    Ok(())
}
