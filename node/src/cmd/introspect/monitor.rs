//! MONITOR: the clients that see every command, and the line each command becomes.

use bytes::Bytes;

use crate::client::ClientState;
use crate::cmd::ctx::Ctx;
use crate::cmd::handler::CmdResult;
use crate::state::State;

pub(super) fn monitor(ctx: &mut Ctx, _argv: &[Bytes]) -> CmdResult {
    if ctx.me.multi.active || ctx.me.in_exec {
        return Err("ERR MONITOR isn't allowed for DENY BLOCKING client".into());
    }
    // Already monitoring: Redis does not even reply.
    if !ctx.me.monitor {
        ctx.me.monitor = true;
        ctx.st.monitors.push(ctx.me.id);
        ctx.out.ok();
    }
    Ok(())
}

/// Sends a command to every MONITOR client: `+<unix time> [<db> <addr>] "arg" ...`. Returns the
/// line when the running client is itself a monitor (it gets it after its own reply).
pub fn feed_monitors(st: &mut State, me: &ClientState, argv: &[Bytes], now_ms: i64) -> Option<Vec<u8>> {
    let us = crate::util::now_us();
    let _ = now_ms;
    let mut line = format!("+{}.{:06} [{} {}]", us / 1_000_000, us % 1_000_000, me.db, me.addr);
    for a in super::redacted(argv).iter() {
        line.push(' ');
        crate::util::repr_into(&mut line, a);
    }
    line.push_str("\r\n");
    for id in &st.monitors {
        if let Some(c) = st.clients.get(id) {
            c.send_within_limit(&st.obuf_limits, line.clone().into_bytes());
        }
    }
    me.monitor.then(|| line.into_bytes())
}
