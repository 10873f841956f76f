//! The data server: listeners, accepting clients (maxclients, protected mode), the periodic cron
//! (active expiry, rates, idle timeouts, pauses) and shutdown.

use std::net::{IpAddr, SocketAddr};
use std::sync::atomic::Ordering;
use std::sync::Arc;
use std::time::Duration;
use tokio::net::{TcpListener, TcpStream, UnixListener};
use tokio::signal::unix::{signal, SignalKind};
use tokio::sync::mpsc;

use crate::client::ClientState;
use crate::connection::{self, Stream};
use crate::log;
use crate::state::{Shared, ShutdownRequest, State};
use crate::util::now_ms;

pub const DENIED_MSG: &str = "-DENIED Redis is running in protected mode because protected mode is enabled and no password is set for the default user. In this mode connections are only accepted from the loopback interface. If you want to connect from external computers to Redis you may adopt one of the following solutions: 1) Just disable protected mode sending the command 'CONFIG SET protected-mode no' from the loopback interface by connecting to Redis from the same host the server is running, however MAKE SURE Redis is not publicly accessible from internet if you do so. Use CONFIG REWRITE to make this change permanent. 2) Alternatively you can just disable the protected mode by editing the Redis configuration file, and setting the protected mode option to 'no', and then restarting the server. 3) If you started the server manually just for testing, restart it with the '--protected-mode no' option. 4) Set up an authentication password for the default user. NOTE: You only need to do one of the above things in order for the server to start accepting connections from the outside.\r\n";

/// Active expiry: keys sampled per database per cycle (ACTIVE_EXPIRE_CYCLE_KEYS_PER_LOOP).
const EXPIRE_KEYS_PER_LOOP: usize = 20;
/// Keep sampling a database while more than this share of the sample was expired.
const EXPIRE_ACCEPTABLE_STALE: f64 = 0.10;

/// Turns a `bind` entry into a socket address; `*` and `::*` are the wildcards, a leading `-` marks
/// an address that may be unavailable.
fn bind_addr(entry: &str, port: u16) -> Option<(SocketAddr, bool)> {
    let (optional, addr) = match entry.strip_prefix('-') {
        Some(rest) => (true, rest),
        None => (false, entry),
    };
    let ip: IpAddr = match addr {
        "*" => IpAddr::from([0u8, 0, 0, 0]),
        "::*" => IpAddr::from([0u16; 8]),
        other => other.parse().ok()?,
    };
    Some((SocketAddr::new(ip, port), optional))
}

/// Binds every configured address. Errors read like Redis's "Failed listening on port ...".
/// The start-up both roles share once the configuration is loaded: bind the TCP listeners and the
/// unix socket, start the metrics endpoint, write the pid file. Err is the message to log before
/// exiting with status 1.
pub async fn open(shared: &Arc<Shared>, pidfile: &str) -> Result<(Vec<TcpListener>, Option<UnixListener>), String> {
    let listeners = bind_listeners(shared).await?;
    let unix = bind_unix(shared)?;
    if listeners.is_empty() && unix.is_none() {
        return Err("Configured to not listen anywhere, exiting.".into());
    }
    crate::metrics::start(shared);
    if !pidfile.is_empty() {
        if let Err(e) = std::fs::write(pidfile, format!("{}\n", std::process::id())) {
            crate::log::warning(&format!("Failed to write PID file: {e}"));
        }
    }
    Ok((listeners, unix))
}

/// The end of [`open`]: removes the unix socket file and the pid file, as Redis does on exit.
pub fn close(shared: &Shared, pidfile: &str) {
    let unixsocket = shared.lock().config.unixsocket.clone();
    if !unixsocket.is_empty() {
        crate::log::notice("Removing the unix socket file.");
        let _ = std::fs::remove_file(&unixsocket);
    }
    if !pidfile.is_empty() {
        crate::log::notice("Removing the pid file.");
        let _ = std::fs::remove_file(pidfile);
    }
}

pub async fn bind_listeners(shared: &Shared) -> Result<Vec<TcpListener>, String> {
    let (binds, port) = {
        let st = shared.lock();
        (st.config.bind.clone(), st.config.port)
    };
    let mut listeners = Vec::new();
    if port == 0 {
        return Ok(listeners);
    }
    let binds = if binds.is_empty() { vec!["*".to_string(), "-::*".to_string()] } else { binds };
    for b in &binds {
        let Some((addr, optional)) = bind_addr(b, port) else {
            return Err(format!("Failed listening on port {port} (tcp), aborting: invalid bind address '{b}'"));
        };
        let sock = if addr.is_ipv6() { tokio::net::TcpSocket::new_v6() } else { tokio::net::TcpSocket::new_v4() };
        let bound = sock.and_then(|s| {
            s.set_reuseaddr(true)?;
            if addr.is_ipv6() {
                // Like Redis, an IPv6 wildcard listens on IPv6 only; `*` covers IPv4.
                let _ = set_v6only(&s);
            }
            s.bind(addr)?;
            s.listen(511)
        });
        match bound {
            Ok(l) => listeners.push(l),
            Err(e) if optional => log::verbose(&format!("Skipping optional bind address {b}: {e}")),
            Err(e) if addr.is_ipv6() && e.kind() == std::io::ErrorKind::AddrNotAvailable => {
                log::warning(&format!("Could not create server TCP listening socket {b}:{port}: {e}"));
            }
            Err(e) => {
                return Err(format!(
                    "Warning: Could not create server TCP listening socket {b}:{port}: {e}\nFailed listening on port {port} (tcp), aborting."
                ))
            }
        }
    }
    Ok(listeners)
}

fn set_v6only(_s: &tokio::net::TcpSocket) -> std::io::Result<()> {
    // tokio does not expose IPV6_V6ONLY; Linux's default (bindv6only=0) makes [::] dual-stack, so a
    // second bind of 0.0.0.0 would fail. Binding `*` first and treating `-::*` as optional covers it.
    Ok(())
}

/// Listens on `unixsocket` when set, replacing a stale socket file and applying `unixsocketperm`.
pub fn bind_unix(shared: &Shared) -> Result<Option<UnixListener>, String> {
    let (path, perm) = {
        let st = shared.lock();
        (st.config.unixsocket.clone(), st.config.get("unixsocketperm").and_then(|p| u32::from_str_radix(&p, 8).ok()).unwrap_or(0))
    };
    if path.is_empty() {
        return Ok(None);
    }
    let _ = std::fs::remove_file(&path);
    let l = UnixListener::bind(&path).map_err(|e| format!("Failed opening Unix socket: {e}"))?;
    if perm != 0 {
        use std::os::unix::fs::PermissionsExt;
        let _ = std::fs::set_permissions(&path, std::fs::Permissions::from_mode(perm));
    }
    log::notice(&format!("The server is now ready to accept connections at {path}"));
    Ok(Some(l))
}

/// Serves until `shutdown` resolves or a SHUTDOWN command arrives. Returns what was requested.
pub async fn run(shared: Arc<Shared>, listeners: Vec<TcpListener>, unix: Option<UnixListener>) -> ShutdownRequest {
    for l in listeners {
        tokio::spawn(accept_loop(shared.clone(), l));
    }
    if let Some(u) = unix {
        tokio::spawn(accept_unix_loop(shared.clone(), u));
    }
    tokio::spawn(cron(shared.clone()));
    tokio::spawn(crate::evict::background(shared.clone()));
    // SHUTDOWN sets the request under the lock; look for it a few times a second.
    let requested = async {
        loop {
            tokio::time::sleep(Duration::from_millis(20)).await;
            if let Some(r) = shared.lock().shutdown {
                return r;
            }
        }
    };
    tokio::pin!(requested);
    let (Ok(mut term), Ok(mut int)) = (signal(SignalKind::terminate()), signal(SignalKind::interrupt())) else {
        return requested.await;
    };
    loop {
        tokio::select! {
            r = &mut requested => return r,
            _ = term.recv() => log::warning("Received SIGTERM scheduling shutdown..."),
            _ = int.recv() => log::warning("Received SIGINT scheduling shutdown..."),
        }
        // Like Redis, a shutdown whose final save fails leaves the server running.
        let mut st = shared.lock();
        if crate::persistence::snapshot::prepare_shutdown(&mut st, ShutdownRequest::Default, false).is_ok() {
            return ShutdownRequest::Default;
        }
        log::warning("SIGTERM received but errors trying to shut down the server, check the logs for more information");
    }
}

async fn accept_loop(shared: Arc<Shared>, listener: TcpListener) {
    loop {
        match listener.accept().await {
            Ok((stream, peer)) => accept(&shared, stream, peer),
            Err(e) => {
                log::warning(&format!("Accepting client connection: {e}"));
                tokio::time::sleep(Duration::from_millis(10)).await;
            }
        }
    }
}

async fn accept_unix_loop(shared: Arc<Shared>, listener: UnixListener) {
    let path = shared.lock().config.unixsocket.clone();
    loop {
        match listener.accept().await {
            Ok((stream, _)) => {
                use std::os::fd::AsRawFd;
                let fd = stream.as_raw_fd();
                // Redis shows unix clients as `<path>:0`; they are local, so protected mode lets them in.
                register(&shared, Stream::Unix(stream), format!("{path}:0"), format!("{path}:0"), fd, true);
            }
            Err(e) => {
                log::warning(&format!("Accepting client connection: {e}"));
                tokio::time::sleep(Duration::from_millis(10)).await;
            }
        }
    }
}

fn accept(shared: &Arc<Shared>, stream: TcpStream, peer: SocketAddr) {
    use std::os::fd::AsRawFd;
    let fd = stream.as_raw_fd();
    let local = stream.local_addr().map(|a| a.to_string()).unwrap_or_default();
    let ip = peer.ip();
    let loopback = ip.is_loopback() || matches!(ip, IpAddr::V6(v6) if v6.to_ipv4_mapped().is_some_and(|v4| v4.is_loopback()));
    register(shared, Stream::Tcp(stream), peer.to_string(), local, fd, loopback);
}

/// Whether protected mode refuses a client: on, no password for the default user, not local.
pub fn protected_mode_denies(protected_mode: bool, has_password: bool, local: bool) -> bool {
    protected_mode && !has_password && !local
}

fn register(shared: &Arc<Shared>, stream: Stream, addr: String, local: String, fd: i32, is_local: bool) {
    let try_write = |s: &Stream, b: &[u8]| {
        let _ = match s {
            Stream::Tcp(t) => t.try_write(b),
            Stream::Unix(u) => u.try_write(b),
        };
    };
    let mut st = shared.lock();
    if st.clients.len() >= st.config.maxclients {
        st.stats.rejected_connections += 1;
        drop(st);
        try_write(&stream, b"-ERR max number of clients reached\r\n");
        return;
    }
    if protected_mode_denies(st.config.protected_mode, st.config.requirepass.is_some(), is_local) {
        st.stats.rejected_connections += 1;
        drop(st);
        try_write(&stream, DENIED_MSG.as_bytes());
        return;
    }
    if matches!(stream, Stream::Tcp(_)) {
        crate::sys::set_keepalive(fd, st.config.tcp_keepalive);
    }
    let id = crate::client::next_client_id();
    let (tx, rx) = mpsc::unbounded_channel();
    let mut client = ClientState::new(id, addr, local, fd as i64, tx, now_ms());
    // Like Redis, a client starts authenticated when the default user needs no password, and
    // stays so if requirepass is set later.
    client.authenticated = st.config.requirepass.is_none();
    st.clients.insert(id, Box::new(client));
    st.stats.total_connections_received += 1;
    drop(st);
    shared.connected.fetch_add(1, Ordering::Relaxed);
    tokio::spawn(connection::run(shared.clone(), stream, id, rx));
}

/// Redis's serverCron at `hz`: active expiry, instantaneous rates, idle clients, pause expiry.
/// Clients idle for 2 s give back their empty buffers, once per idle spell (Redis's clientsCron
/// frees an idle client's query buffer after 2 s the same way).
fn trim_idle_clients(st: &mut State, now: i64) {
    for c in st.clients.values_mut() {
        if !c.buffers_trimmed && now - c.last_interaction_ms > 2000 {
            c.buffers_trimmed = true;
            c.outbox.trim();
        }
    }
}

async fn cron(shared: Arc<Shared>) {
    let mut last_second = 0i64;
    loop {
        let hz = shared.lock().config.hz.clamp(1, 500);
        tokio::time::sleep(Duration::from_millis(1000 / hz as u64)).await;
        let mut st = shared.lock();
        let now = now_ms();
        // A replica waits for its master's DELs instead of expiring keys itself.
        if st.active_expire_enabled && !st.repl.is_replica() {
            active_expire(&mut st, now);
        }
        let second_tick = now - last_second >= 1000;
        if second_tick {
            last_second = now;
        }
        crate::repl::replica::cron(&shared, &mut st);
        crate::repl::master::cron(&shared, &mut st, second_tick);
        let used = crate::alloc::used_memory();
        if used > st.peak_memory {
            st.peak_memory = used;
        }
        let (ops, input, output) = (st.stats.total_commands_processed, st.stats.total_net_input_bytes, st.stats.total_net_output_bytes);
        st.stats.ops_rate.sample(now, ops);
        st.stats.input_rate.sample(now, input);
        st.stats.output_rate.sample(now, output);
        crate::persistence::snapshot::cron(&mut st);
        crate::persistence::aof::flush(&mut st);
        crate::repl::flush_stream(&mut st);
        if st.pause.is_some_and(|p| p.until_ms <= now) {
            st.pause = None;
        }
        if second_tick {
            trim_idle_clients(&mut st, now);
        }
        let timeout = st.config.timeout;
        if timeout > 0 {
            let limit = now - timeout as i64 * 1000;
            for c in st.clients.values_mut() {
                let exempt = c.is_replica || c.is_master || c.subscriptions() > 0 || c.blocked.is_some();
                if !exempt && c.last_interaction_ms < limit && !c.killed {
                    log::verbose("Closing idle client");
                    c.killed = true;
                    c.outbox.kill();
                }
            }
        }
    }
}

/// The active expiry cycle: sample keys with a TTL in each db, repeat while many were stale,
/// within a time budget (25% of a cron tick, as Redis's slow cycle).
pub fn active_expire(st: &mut crate::state::State, now: i64) {
    let effort = st.config.active_expire_effort.clamp(1, 10) as usize;
    let per_loop = EXPIRE_KEYS_PER_LOOP + EXPIRE_KEYS_PER_LOOP / 4 * (effort - 1);
    let budget_us = 1_000_000 / st.config.hz.max(1) as i64 / 4;
    let start = crate::util::now_us();
    let mut total_sampled = 0usize;
    let mut total_expired = 0usize;
    for db in 0..st.dbs.len() {
        if st.dbs[db].expires_count() == 0 {
            continue;
        }
        loop {
            let (sampled, expired) = st.dbs[db].active_expire(now, per_loop);
            total_sampled += sampled;
            total_expired += expired;
            if !st.dbs[db].expired_log.is_empty() {
                crate::cmd::ctx::expired_events(st, None, None, db);
            }
            if crate::util::now_us() - start > budget_us {
                st.stats.expired_time_cap_reached_count += 1;
                break;
            }
            if sampled == 0 || (expired as f64) <= sampled as f64 * EXPIRE_ACCEPTABLE_STALE {
                break;
            }
        }
    }
    if total_sampled > 0 {
        let perc = total_expired as f64 / total_sampled as f64;
        st.stats.expired_stale_perc = perc * 0.05 + st.stats.expired_stale_perc * 0.95;
    }
    if !st.ready_keys.is_empty() {
        crate::cmd::blocking::serve_ready_keys(st, None);
    }
}

/// Sends every client a kill so their tasks flush and exit.
pub fn disconnect_all(shared: &Shared) {
    shared.shutting_down.store(true, Ordering::Relaxed);
    let st = shared.lock();
    for c in st.clients.values() {
        c.outbox.kill();
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn protected_mode_rule() {
        assert!(protected_mode_denies(true, false, false));
        assert!(!protected_mode_denies(true, false, true));
        assert!(!protected_mode_denies(true, true, false));
        assert!(!protected_mode_denies(false, false, false));
    }

    #[test]
    fn bind_entries() {
        assert_eq!(bind_addr("*", 6379), Some(("0.0.0.0:6379".parse().unwrap(), false)));
        assert_eq!(bind_addr("-::*", 1), Some(("[::]:1".parse().unwrap(), true)));
        assert_eq!(bind_addr("127.0.0.1", 2), Some(("127.0.0.1:2".parse().unwrap(), false)));
        assert_eq!(bind_addr("nonsense", 2), None);
    }
}
