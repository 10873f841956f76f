//! WAIT numreplicas timeout: blocks until enough replicas acknowledged the client's last write
//! (Redis's `waitCommand`), asking them for ACKs (REPLCONF GETACK) before the next cron tick.

use bytes::Bytes;

use super::ctx::{Ctx, Handler};
use super::handler::{CmdError, CmdResult};
use super::{args, blocking};
use crate::client::Blocked;
use crate::repl::ReplicaState;
use crate::resp::reply::Out;
use crate::state::State;

pub const COMMANDS: &[(&str, Handler)] = &[("wait", wait)];

const ON_REPLICA: &str = "ERR WAIT cannot be used with replica instances. Please also note that since Redis 4.0 if a replica is configured to be writable (which is not the default) writes to replicas are just local and are not propagated.";

/// Online replicas whose acknowledged offset reached `offset`.
pub fn acked(st: &State, offset: i64) -> usize {
    st.repl.replicas.iter().filter(|r| r.state == ReplicaState::Online && r.ack_offset >= offset).count()
}

fn wait(ctx: &mut Ctx, argv: &[Bytes]) -> CmdResult {
    if ctx.st.repl.is_replica() {
        return Err(ON_REPLICA.into());
    }
    let want = args::int(&argv[1])?;
    let timeout_ms = args::int(&argv[2])?;
    if timeout_ms < 0 {
        return Err("ERR timeout is negative".into());
    }
    let have = acked(ctx.st, ctx.me.woff);
    if have as i64 >= want || !blocking::may_block(ctx.me) {
        ctx.out.int(have as i64);
        return Ok(());
    }
    ctx.st.repl.get_ack_pending = true;
    ctx.st.repl.wait_clients.push(ctx.me.id);
    let deadline_ms = if timeout_ms == 0 { 0 } else { ctx.now.saturating_add(timeout_ms) };
    Err(CmdError::Block(Blocked { db: ctx.me.db, keys: Vec::new(), deadline_ms, argv: argv.to_vec() }))
}

/// The reply of a WAIT that timed out: how many replicas acknowledged so far.
pub fn timeout_reply(st: &State, woff: i64, resp: u8) -> Vec<u8> {
    let mut o = Out::with_resp(resp);
    o.int(acked(st, woff) as i64);
    o.buf
}

/// After replicas acknowledged (or left): wakes WAITers whose count is reached.
pub fn replicas_acked(st: &mut State) {
    if st.repl.wait_clients.is_empty() {
        return;
    }
    let ids = std::mem::take(&mut st.repl.wait_clients);
    for id in ids {
        let Some(c) = st.clients.get(&id) else { continue };
        let Some(b) = c.blocked.as_ref() else { continue };
        let want = crate::util::parse_i64(&b.argv[1]).unwrap_or(0);
        let have = acked(st, c.woff);
        if have as i64 >= want {
            let resp = c.resp;
            if let Some(mut c) = st.clients.remove(&id) {
                blocking::unregister(st, &mut c);
                let mut o = Out::with_resp(resp);
                o.int(have as i64);
                c.outbox.unblocked(o.buf);
                st.clients.insert(id, c);
            }
        } else {
            st.repl.wait_clients.push(id);
        }
    }
}
