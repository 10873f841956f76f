//! WAIT numreplicas timeout: blocks until enough replicas acknowledged the client's last write
//! (Redis's `waitCommand`), asking them for ACKs (REPLCONF GETACK) before the next cron tick.

use bytes::Bytes;

use super::ctx::{Ctx, Handler};
use super::handler::{CmdError, CmdResult};
use super::{args, blocking};
use crate::client::Blocked;

pub const COMMANDS: &[(&str, Handler)] = &[("wait", wait)];

const ON_REPLICA: &str = "ERR WAIT cannot be used with replica instances. Please also note that since Redis 4.0 if a replica is configured to be writable (which is not the default) writes to replicas are just local and are not propagated.";

fn wait(ctx: &mut Ctx, argv: &[Bytes]) -> CmdResult {
    if ctx.st.repl.is_replica() {
        return Err(ON_REPLICA.into());
    }
    let want = args::int(&argv[1])?;
    let timeout_ms = args::int(&argv[2])?;
    if timeout_ms < 0 {
        return Err("ERR timeout is negative".into());
    }
    let have = ctx.st.repl.acked(ctx.me.woff);
    if have as i64 >= want || !blocking::may_block(ctx.me) {
        ctx.out.int(have as i64);
        return Ok(());
    }
    crate::blocked::wait_for_acks(ctx.st, ctx.me);
    let deadline_ms = if timeout_ms == 0 { 0 } else { ctx.now.saturating_add(timeout_ms) };
    Err(CmdError::Block(Blocked { db: ctx.me.db, keys: Vec::new(), deadline_ms, argv: argv.to_vec() }))
}
