//! The Lua debugger's sessions (Redis 7.0's `SCRIPT DEBUG` and `evalGenericCommandWithDebugging`):
//! an EVAL from a client in debug mode runs under `script::debugger`, talking to the client over
//! its own socket. In YES mode the server forks and the child runs the session on a copy of the
//! dataset (its writes are thrown away when it exits; the server goes on serving everyone else);
//! in SYNC mode the server runs it itself, blocked until it ends, and keeps its writes. Either way
//! the client's connection closes after the EVAL's reply, which is how redis-cli knows the session
//! ended.

use std::io;

use bytes::Bytes;

use crate::client::LuaDebug;
use crate::cmd::args;
use crate::cmd::ctx::Ctx;
use crate::cmd::handler::CmdResult;
use crate::log;
use crate::script::debugger::{Session, Wire};
use crate::sys;

/// SCRIPT DEBUG YES|SYNC|NO.
pub fn script_debug(ctx: &mut Ctx, argv: &[Bytes]) -> CmdResult {
    // Replies waiting to be written (earlier commands of a pipeline, or EXEC's array header).
    if !ctx.out.buf.is_empty() || ctx.me.in_exec {
        return Err("ERR SCRIPT DEBUG must be called outside a pipeline".into());
    }
    let mode = if args::is(&argv[2], "no") {
        LuaDebug::Off
    } else if args::is(&argv[2], "yes") {
        LuaDebug::Forked
    } else if args::is(&argv[2], "sync") {
        LuaDebug::Sync
    } else {
        return Err("ERR Use SCRIPT DEBUG YES/SYNC/NO".into());
    };
    ctx.me.lua_debug = mode;
    ctx.out.ok();
    Ok(())
}

/// The client's socket, blocking for the session (a 5 s send timeout, as Redis sets).
struct Socket(i32);

impl Wire for Socket {
    fn read(&mut self, buf: &mut [u8]) -> io::Result<usize> {
        loop {
            match sys::recv_now(self.0, buf) {
                Err(e) if e.kind() == io::ErrorKind::WouldBlock => {
                    sys::wait_fd(self.0, false, -1)?;
                }
                Err(e) if e.kind() == io::ErrorKind::Interrupted => {}
                other => return other,
            }
        }
    }

    fn write_all(&mut self, mut data: &[u8]) -> io::Result<()> {
        while !data.is_empty() {
            match sys::send_now(self.0, data) {
                Ok(n) => data = &data[n..],
                Err(e) if e.kind() == io::ErrorKind::WouldBlock => {
                    if !sys::wait_fd(self.0, true, 5000)? {
                        return Err(io::ErrorKind::TimedOut.into());
                    }
                }
                Err(e) if e.kind() == io::ErrorKind::Interrupted => {}
                Err(e) => return Err(e),
            }
        }
        Ok(())
    }
}

/// EVAL / EVAL_RO from a client in debug mode (`run` is the plain EVAL).
pub fn eval(ctx: &mut Ctx, argv: &[Bytes], run: fn(&mut Ctx, &[Bytes]) -> CmdResult) -> CmdResult {
    if ctx.me.tls || ctx.me.fd < 0 {
        // The session talks to the socket directly, which a TLS connection's encryption (owned
        // by its connection task) does not allow here.
        ctx.me.lua_debug = LuaDebug::Off;
        return Err("ERR The Lua debugger is not available over TLS connections".into());
    }
    let fd = ctx.me.fd as i32;
    let timeout = ctx.st.config.get_int("busy-reply-threshold").unwrap_or(5000);
    if ctx.me.lua_debug == LuaDebug::Sync {
        log::warning("Redis synchronous debugging eval session started");
        let mut session = Session::new(Box::new(Socket(fd)), &argv[1], timeout);
        let result = session.run(|| run(ctx, argv));
        session.end();
        log::warning("Redis synchronous debugging eval session ended");
        // The reply goes out as usual, and then the connection closes.
        ctx.me.killed = true;
        return result;
    }
    let start = ctx.out.buf.len();
    let child = sys::fork_child(|| {
        sys::ignore_termination_signals();
        let mut session = Session::new(Box::new(Socket(fd)), &argv[1], timeout);
        let result = session.run(|| run(ctx, argv));
        session.end();
        if let Err(crate::cmd::handler::CmdError::Reply(e)) = result {
            ctx.out.error(&e);
        }
        session.write(&ctx.out.buf[start..]);
        0
    });
    match child {
        Ok(pid) => {
            log::warning("Redis forked for debugging eval");
            ctx.st.scripts.debug_sessions.push(pid);
            // The child has the connection now: this side closes its end without a word.
            ctx.me.killed = true;
            Ok(())
        }
        Err(e) => {
            ctx.me.lua_debug = LuaDebug::Off;
            Err(format!("ERR Fork() failed: can't run EVAL in debugging mode: {e}").into())
        }
    }
}

/// EVALSHA / EVALSHA_RO in debug mode: a script is debugged from its source only.
pub fn evalsha(ctx: &mut Ctx, argv: &[Bytes]) -> CmdResult {
    super::feed_monitors(ctx, argv);
    if argv[1].len() != 40 {
        return Err("NOSCRIPT No matching script. Please use EVAL.".into());
    }
    Err("ERR Please use EVAL instead of EVALSHA for debugging".into())
}
