//! Blocking commands (BLPOP, BLMOVE, BZPOPMIN …): parking clients on keys and serving them, in
//! arrival order, when a key gets data — Redis's `handleClientsBlockedOnKeys`.
//!
//! A blocked client's command is simply run again on its behalf once one of its keys is ready; its
//! reply travels to the connection task as `ClientMsg::Unblocked`.

use bytes::Bytes;

use super::{call, lookup, Lookup, Outcome};
pub use crate::blocked::{block_client, unregister};
use crate::client::ClientState;
use crate::resp::reply::Out;
use crate::state::State;
use crate::util::now_ms;

/// The reply a blocking command gives when it times out: a null array for every blocked type in
/// Redis 7.0 (`replyToBlockedClientTimedOut`), BLMOVE/BRPOPLPUSH included (`*-1` in RESP2).
pub fn timeout_reply(_argv0: &[u8], resp: u8) -> Vec<u8> {
    let mut o = Out::with_resp(resp);
    o.null_array();
    o.buf
}

/// Times out `me` if it is still blocked; returns the reply to send.
pub fn expire_block(st: &mut State, me: &mut ClientState) -> Option<Vec<u8>> {
    let b = unregister(st, me)?;
    if b.argv[0].eq_ignore_ascii_case(b"wait") {
        return Some(crate::blocked::wait_timed_out(st, me));
    }
    Some(timeout_reply(&b.argv[0], me.resp))
}

/// True when the command may block: not inside MULTI/EXEC (where it answers at once, as in Redis).
pub fn may_block(me: &ClientState) -> bool {
    !me.in_exec
}

/// A BLOCK timeout argument in seconds (may be fractional) → absolute deadline in ms (0 = forever).
/// Like Redis's `getTimeoutFromObjectOrReply`: the milliseconds are truncated toward zero (so
/// 0.0001 and -0.0001 both mean "forever"), and a value that overflows C's `long long` conversion
/// (1e300, inf) comes out as LLONG_MIN, hence "timeout is negative".
pub fn parse_timeout(arg: &[u8], now: i64) -> Result<i64, super::handler::CmdError> {
    let secs = crate::util::parse_f64(arg).ok_or("ERR timeout is not a float or out of range")?;
    let ms_f = secs * 1000.0;
    let ms = if ms_f.is_finite() && ms_f > -9.223_372_036_854_776e18 && ms_f < 9.223_372_036_854_776e18 { ms_f.trunc() as i64 } else { i64::MIN };
    if ms < 0 {
        return Err("ERR timeout is negative".into());
    }
    Ok(if ms == 0 { 0 } else { now.saturating_add(ms) })
}

/// Serves clients blocked on keys that became ready. `me` is the client whose command made them
/// ready (it is out of the registry while it runs).
pub fn serve_ready_keys(st: &mut State, me: Option<&mut ClientState>) {
    if st.serving_blocked {
        return;
    }
    st.serving_blocked = true;
    let _ = me;
    let mut rounds = 0;
    while !st.ready_keys.is_empty() && rounds < 100_000 {
        rounds += 1;
        let ready = std::mem::take(&mut st.ready_keys);
        for (db, key) in ready {
            serve_key(st, db, &key);
        }
    }
    st.serving_blocked = false;
}

/// The value type a blocked command waits for, so a client is only served by a key of its type
/// (Redis serves BLPOP clients when a list is ready, BZPOPMIN clients for a zset ...).
fn wanted_type(argv0: &[u8]) -> Option<&'static str> {
    match super::handler::lower(argv0).as_str() {
        "blpop" | "brpop" | "blmove" | "brpoplpush" | "blmpop" => Some("list"),
        "bzpopmin" | "bzpopmax" | "bzmpop" => Some("zset"),
        "xread" | "xreadgroup" => Some("stream"),
        _ => None,
    }
}

fn serve_key(st: &mut State, db: usize, key: &Bytes) {
    let Some(waiting) = st.blocking_keys.get(&(db, key.clone())).cloned() else { return };
    for id in waiting {
        let Some(ty) = st.dbs[db].peek(key, now_ms()).map(|e| e.value.type_name()) else { break };
        let wanted = st.clients.get(&id).and_then(|c| c.blocked.as_ref()).and_then(|b| wanted_type(&b.argv[0]));
        if wanted.is_some_and(|w| w != ty) {
            continue;
        }
        if ty == "stream" {
            let verdict = match st.clients.get(&id).and_then(|c| c.blocked.as_ref()) {
                Some(b) => super::streams::blocked_reader_ready(st, b, key),
                None => continue,
            };
            match verdict {
                super::streams::ReaderVerdict::Serve => {}
                super::streams::ReaderVerdict::Wait => continue,
                super::streams::ReaderVerdict::Fail(msg) => {
                    if let Some(mut c) = st.clients.remove(&id) {
                        super::streams::fail_blocked(st, &mut c, msg);
                        st.clients.insert(id, c);
                    }
                    continue;
                }
            }
        }
        let Some(mut client) = st.clients.remove(&id) else { continue };
        let Some(b) = unregister(st, &mut client) else {
            st.clients.insert(id, client);
            continue;
        };
        let mut out = Out::with_resp(client.resp);
        st.serving_key = Some((db, key.clone()));
        let outcome = match lookup(&b.argv) {
            Lookup::Found(def) => {
                let start_us = crate::util::now_us();
                call(st, &mut client, &mut out, def, &b.argv, start_us / 1000, start_us)
            }
            _ => Outcome::Done,
        };
        st.serving_key = None;
        if outcome != Outcome::Blocked {
            if st.aof.has_unwritten() {
                crate::persistence::aof::flush(st);
            }
            crate::repl::flush_stream(st);
            client.outbox.unblocked(out.buf);
        }
        st.clients.insert(id, client);
    }
}
