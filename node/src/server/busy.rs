//! Serving clients while a script keeps the server busy (Redis's `processEventsWhileBlocked`).
//!
//! A script runs on the event loop's thread, as in Redis, so while it runs no connection task
//! does. Once it has run past `busy-reply-threshold`, the script's instruction hook calls
//! [`serve`] every 100000 instructions: it accepts new connections and reads every idle client's
//! socket directly, runs what arrived through the dispatcher — which answers -BUSY to everything
//! but the commands Redis allows then (SCRIPT KILL, FUNCTION KILL, SHUTDOWN NOSAVE, ...) — and
//! writes the replies straight to the socket. What a client sent that does not yet make a whole
//! command is kept in its `busy_input` for its connection task, which runs again when the script
//! ends; a connection accepted meanwhile gets its task then.

use std::os::fd::OwnedFd;
use std::sync::{Arc, Mutex, OnceLock, Weak};

use bytes::BytesMut;

use crate::client::ClientState;
use crate::resp::reply::Out;
use crate::resp::request::{Limits, Request, RequestParser};
use crate::state::{Shared, ShutdownRequest, State};
use crate::sys;

/// A listening socket the busy loop accepts on.
#[derive(Clone, Copy)]
struct Listener {
    fd: i32,
    unix: bool,
}

struct Registry {
    shared: Weak<Shared>,
    listeners: Vec<Listener>,
    unixsocket: String,
    pidfile: String,
}

static REGISTRY: OnceLock<Mutex<Registry>> = OnceLock::new();

/// CONFIG SET port / bind replaced the TCP listeners: accept on these from now on.
pub fn replace_tcp(tcp: &[i32]) {
    let Some(Ok(mut reg)) = REGISTRY.get().map(|m| m.lock()) else { return };
    let unix: Vec<Listener> = reg.listeners.iter().copied().filter(|l| l.unix).collect();
    reg.listeners = tcp.iter().map(|&fd| Listener { fd, unix: false }).chain(unix).collect();
}

/// Makes [`serve`] the script runner's way to serve clients; `listeners` are the raw
/// descriptors of the TCP listeners and, last if `unix`, the unix socket.
pub fn install(shared: &Arc<Shared>, tcp: &[i32], unix: Option<i32>, pidfile: &str) {
    let mut listeners: Vec<Listener> = tcp.iter().map(|&fd| Listener { fd, unix: false }).collect();
    if let Some(fd) = unix {
        listeners.push(Listener { fd, unix: true });
    }
    let unixsocket = shared.lock().config.unixsocket.clone();
    let reg = Registry { shared: Arc::downgrade(shared), listeners, unixsocket, pidfile: pidfile.to_string() };
    let cell = REGISTRY
        .get_or_init(|| Mutex::new(Registry { shared: Weak::new(), listeners: Vec::new(), unixsocket: String::new(), pidfile: String::new() }));
    if let Ok(mut r) = cell.lock() {
        *r = reg;
    }
    crate::cmd::scripting::set_busy_server(serve);
}

/// One round of serving clients while a script is busy.
fn serve(st: &mut State) {
    let Some(Ok(reg)) = REGISTRY.get().map(|m| m.lock()) else { return };
    let (listeners, shared) = (reg.listeners.clone(), reg.shared.clone());
    drop(reg);
    for l in &listeners {
        accept_new(st, &shared, *l);
    }
    let ids: Vec<u64> = st.clients.keys().copied().collect();
    for id in ids {
        serve_client(st, id);
    }
    if let Some(req) = st.shutdown {
        exit_now(req);
    }
}

/// Accepts what is waiting on a listener: each connection is registered now (its commands are
/// served by this loop) and gets its connection task when the runtime runs again.
fn accept_new(st: &mut State, shared: &Weak<Shared>, l: Listener) {
    let Some(shared) = shared.upgrade() else { return };
    loop {
        let fd: OwnedFd = match sys::accept_now(l.fd) {
            Ok(fd) => fd,
            Err(_) => return,
        };
        super::listen::adopt(&shared, st, fd, l.unix);
    }
}

fn serve_client(st: &mut State, id: u64) {
    let Some(mut me) = st.clients.remove(&id) else { return };
    // Only idle clients: nothing of theirs half-parsed or unwritten in their connection task
    // (which would be out of order with what is written here), not blocked, not links.
    // (A TLS client's bytes are records only its connection task can decrypt.)
    let idle = me.fd >= 0 && !me.tls && me.qbuf == 0 && me.outbox.pending() == 0 && !me.is_blocked() && !me.is_master && !me.is_replica && !me.killed;
    if idle {
        read_and_run(st, &mut me);
    }
    st.clients.insert(id, me);
}

fn read_and_run(st: &mut State, me: &mut ClientState) {
    let fd = me.fd as i32;
    let mut chunk = [0u8; 16 * 1024];
    loop {
        match sys::recv_now(fd, &mut chunk) {
            Ok(0) => {
                // Closed by the client: its task sees the end of the stream itself.
                return;
            }
            Ok(n) => me.busy_input.extend_from_slice(&chunk[..n]),
            Err(_) => break,
        }
        if me.busy_input.len() > st.config.client_query_buffer_limit {
            me.outbox.kill();
            return;
        }
    }
    let mut out = Out::with_resp(me.resp);
    loop {
        // Parse from a copy with a fresh parser: a command that is not whole stays in
        // `busy_input` untouched, for the connection task's own parser.
        let mut buf = BytesMut::from(&me.busy_input[..]);
        let limits =
            Limits { max_bulk_len: st.config.proto_max_bulk_len, authenticated: me.authenticated || st.acl.default_is_open(), from_master: false };
        let argv = match RequestParser::new().parse(&mut buf, limits) {
            Ok(Some(Request::Command(argv))) => argv,
            Ok(Some(Request::Empty)) => {
                let used = me.busy_input.len() - buf.len();
                me.busy_input.drain(..used);
                continue;
            }
            Ok(None) => break,
            Err(e) => {
                out.error(&e.0);
                me.busy_input.clear();
                me.outbox.kill();
                break;
            }
        };
        let used = me.busy_input.len() - buf.len();
        me.busy_input.drain(..used);
        out.resp = me.resp;
        let outcome = crate::cmd::execute_while_busy(st, me, &mut out, argv);
        if outcome == crate::cmd::Outcome::Close {
            me.outbox.kill();
            break;
        }
    }
    write_now(me, &out.buf);
}

/// Writes a reply straight to the socket; what does not fit goes through the client's outbox,
/// written by its task later.
fn write_now(me: &ClientState, mut data: &[u8]) {
    while !data.is_empty() {
        match sys::send_now(me.fd as i32, data) {
            Ok(0) | Err(_) => break,
            Ok(n) => data = &data[n..],
        }
    }
    if !data.is_empty() {
        me.send(data.to_vec());
    }
}

/// SHUTDOWN NOSAVE while a script runs: Redis exits from inside the script's hook.
fn exit_now(_req: ShutdownRequest) -> ! {
    crate::log::warning("User requested shutdown...");
    if let Some(Ok(reg)) = REGISTRY.get().map(|m| m.lock()) {
        if !reg.unixsocket.is_empty() {
            let _ = std::fs::remove_file(&reg.unixsocket);
        }
        if !reg.pidfile.is_empty() {
            let _ = std::fs::remove_file(&reg.pidfile);
        }
    }
    crate::log::warning("Redis is now ready to exit, bye bye...");
    std::process::exit(0);
}
