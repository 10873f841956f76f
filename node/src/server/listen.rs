//! Listening and accepting: the configured TCP addresses and unix socket, and each accepted
//! client checked against maxclients and protected mode before it gets a session.

use std::net::{IpAddr, SocketAddr};
use std::sync::atomic::Ordering;
use std::sync::{Arc, Mutex, Weak};
use std::time::Duration;
use tokio::net::{TcpListener, TcpStream, UnixListener, UnixStream};
use tokio::sync::mpsc;

use super::session::{self, Stream};
use crate::client::ClientState;
use crate::log;
use crate::state::{Shared, State};
use crate::util::now_ms;

pub const DENIED_MSG: &str = "-DENIED Redis is running in protected mode because protected mode is enabled and no password is set for the default user. In this mode connections are only accepted from the loopback interface. If you want to connect from external computers to Redis you may adopt one of the following solutions: 1) Just disable protected mode sending the command 'CONFIG SET protected-mode no' from the loopback interface by connecting to Redis from the same host the server is running, however MAKE SURE Redis is not publicly accessible from internet if you do so. Use CONFIG REWRITE to make this change permanent. 2) Alternatively you can just disable the protected mode by editing the Redis configuration file, and setting the protected mode option to 'no', and then restarting the server. 3) If you started the server manually just for testing, restart it with the '--protected-mode no' option. 4) Set up an authentication password for the default user. NOTE: You only need to do one of the above things in order for the server to start accepting connections from the outside.\r\n";

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

/// Binds every configured address on `port` and on `tls-port`. Errors read like Redis's
/// "Failed listening on port ...".
pub async fn bind_listeners(shared: &Shared) -> Result<(Vec<TcpListener>, Vec<TcpListener>), String> {
    let (binds, port, tls_port) = {
        let st = shared.lock();
        (st.config.bind.clone(), st.config.port, tls_port(&st))
    };
    Ok((bind_tcp(&binds, port)?, bind_tcp(&binds, tls_port)?))
}

fn tls_port(st: &State) -> u16 {
    st.config.get_int("tls-port").unwrap_or(0).clamp(0, 65535) as u16
}

/// Binds `binds` (Redis's defaults when empty) on `port`; none when the port is 0. Must run on
/// the runtime (the listeners register with its reactor).
fn bind_tcp(binds: &[String], port: u16) -> Result<Vec<TcpListener>, String> {
    let mut listeners = Vec::new();
    if port == 0 {
        return Ok(listeners);
    }
    let binds = if binds.is_empty() { vec!["*".to_string(), "-::*".to_string()] } else { binds.to_vec() };
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

/// The TCP accept loops with their listeners' descriptors, kept so that CONFIG SET port / bind can
/// replace them while the server runs.
struct Acceptors {
    shared: Weak<Shared>,
    running: Vec<(i32, tokio::task::JoinHandle<()>)>,
    /// The `tls-port` listeners' loops.
    running_tls: Vec<(i32, tokio::task::JoinHandle<()>)>,
}

static ACCEPTORS: Mutex<Option<Acceptors>> = Mutex::new(None);

/// Starts accepting on `listeners` and on the TLS ones; returns the plain listeners' descriptors.
pub(super) fn start_tcp(shared: &Arc<Shared>, listeners: Vec<TcpListener>, tls: Vec<TcpListener>) -> Vec<i32> {
    let running = spawn_loops(shared, listeners, false);
    let running_tls = spawn_loops(shared, tls, true);
    let fds = running.iter().map(|(fd, _)| *fd).collect();
    if let Ok(mut a) = ACCEPTORS.lock() {
        *a = Some(Acceptors { shared: Arc::downgrade(shared), running, running_tls });
    }
    fds
}

fn spawn_loops(shared: &Arc<Shared>, listeners: Vec<TcpListener>, tls: bool) -> Vec<(i32, tokio::task::JoinHandle<()>)> {
    use std::os::fd::AsRawFd;
    listeners.into_iter().map(|l| (l.as_raw_fd(), tokio::spawn(accept_loop(shared.clone(), l, tls)))).collect()
}

/// CONFIG SET port / bind (Redis's `changeListenPort` / `changeBindAddr`): the old listeners
/// close first, then the configured addresses are bound; returns the new listeners' descriptors.
/// Err: they could not be (the old ones stay closed; the caller restores the old settings and
/// calls this again, as Redis does).
pub fn rebind(st: &mut State) -> Result<Vec<i32>, String> {
    let Ok(mut guard) = ACCEPTORS.lock() else { return Err("listeners unavailable".into()) };
    let Some(acc) = guard.as_mut() else { return Err("listeners unavailable".into()) };
    for (fd, task) in acc.running.drain(..).chain(acc.running_tls.drain(..)) {
        // The task owns the socket and drops it only when next polled; shutting the listening
        // socket down now stops it listening at once, so the same address can be bound again
        // below (both carry SO_REUSEADDR, which then allows it).
        crate::sys::shutdown_listener(fd);
        task.abort();
    }
    let Some(shared) = acc.shared.upgrade() else { return Err("server stopping".into()) };
    let listeners = bind_tcp(&st.config.bind, st.config.port)?;
    let tls = bind_tcp(&st.config.bind, tls_port(st))?;
    acc.running = spawn_loops(&shared, listeners, false);
    acc.running_tls = spawn_loops(&shared, tls, true);
    let fds: Vec<i32> = acc.running.iter().map(|(fd, _)| *fd).collect();
    log::notice(&format!(
        "Listening on port {} ({})",
        st.config.port,
        if st.config.bind.is_empty() { "* -::*".to_string() } else { st.config.bind.join(" ") }
    ));
    Ok(fds)
}

pub(super) async fn accept_loop(shared: Arc<Shared>, listener: TcpListener, tls: bool) {
    loop {
        match listener.accept().await {
            Ok((stream, peer)) => accept(&shared, stream, peer, tls),
            Err(e) => {
                log::warning(&format!("Accepting client connection: {e}"));
                tokio::time::sleep(Duration::from_millis(10)).await;
            }
        }
    }
}

pub(super) async fn accept_unix_loop(shared: Arc<Shared>, listener: UnixListener) {
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

fn accept(shared: &Arc<Shared>, stream: TcpStream, peer: SocketAddr, tls: bool) {
    use std::os::fd::AsRawFd;
    let fd = stream.as_raw_fd();
    let local = stream.local_addr().map(|a| a.to_string()).unwrap_or_default();
    let ip = peer.ip();
    let loopback = ip.is_loopback() || matches!(ip, IpAddr::V6(v6) if v6.to_ipv4_mapped().is_some_and(|v4| v4.is_loopback()));
    let stream = if tls {
        // The settings of the moment: a certificate rotated by CONFIG SET serves new clients.
        let Some(config) = shared.lock().tls.as_ref().map(|t| t.server.clone()) else { return };
        match crate::tls::server_conn::TlsConn::new(stream, config) {
            Ok(c) => Stream::Tls(Box::new(c)),
            Err(e) => {
                log::verbose(&format!("Error accepting a client connection: {e}"));
                return;
            }
        }
    } else {
        Stream::Tcp(stream)
    };
    register(shared, stream, peer.to_string(), local, fd, loopback);
}

/// Whether protected mode refuses a client: on, no password for the default user, not local.
pub fn protected_mode_denies(protected_mode: bool, has_password: bool, local: bool) -> bool {
    protected_mode && !has_password && !local
}

fn register(shared: &Arc<Shared>, stream: Stream, addr: String, local: String, fd: i32, is_local: bool) {
    let mut st = shared.lock();
    register_locked(shared, &mut st, stream, addr, local, fd, is_local);
}

/// A connection accepted by the busy loop (`busy.rs`) while a script runs: registered now, its
/// task spawned to run when the script ends.
pub(super) fn adopt(shared: &Arc<Shared>, st: &mut State, fd: std::os::fd::OwnedFd, unix: bool) {
    use std::os::fd::AsRawFd;
    let raw = fd.as_raw_fd();
    if unix {
        let std_stream = std::os::unix::net::UnixStream::from(fd);
        let Ok(stream) = UnixStream::from_std(std_stream) else { return };
        let path = st.config.unixsocket.clone();
        register_locked(shared, st, Stream::Unix(stream), format!("{path}:0"), format!("{path}:0"), raw, true);
    } else {
        let std_stream = std::net::TcpStream::from(fd);
        let Ok(stream) = TcpStream::from_std(std_stream) else { return };
        let (Ok(peer), local) = (stream.peer_addr(), stream.local_addr().map(|a| a.to_string()).unwrap_or_default()) else { return };
        let ip = peer.ip();
        let loopback = ip.is_loopback() || matches!(ip, IpAddr::V6(v6) if v6.to_ipv4_mapped().is_some_and(|v4| v4.is_loopback()));
        register_locked(shared, st, Stream::Tcp(stream), peer.to_string(), local, raw, loopback);
    }
}

fn register_locked(shared: &Arc<Shared>, st: &mut State, stream: Stream, addr: String, local: String, fd: i32, is_local: bool) {
    let try_write = |s: &Stream, b: &[u8]| {
        let _ = match s {
            Stream::Tcp(t) => t.try_write(b),
            Stream::Unix(u) => u.try_write(b),
            // No handshake yet: a refused TLS client is just closed.
            Stream::Tls(_) => Ok(0),
        };
    };
    if st.clients.len() >= st.config.maxclients {
        st.stats.rejected_connections += 1;
        try_write(&stream, b"-ERR max number of clients reached\r\n");
        return;
    }
    if protected_mode_denies(st.config.protected_mode, !st.acl.user(crate::acl::DEFAULT_USER).nopass(), is_local) {
        st.stats.rejected_connections += 1;
        try_write(&stream, DENIED_MSG.as_bytes());
        return;
    }
    if matches!(stream, Stream::Tcp(_) | Stream::Tls(_)) {
        crate::sys::set_keepalive(fd, st.config.tcp_keepalive);
    }
    let tls = matches!(stream, Stream::Tls(_));
    let id = crate::client::next_client_id();
    let (tx, rx) = mpsc::unbounded_channel();
    let mut client = ClientState::new(id, addr, local, fd as i64, tx, now_ms());
    // Like Redis, a client starts authenticated when the default user needs no password, and
    // stays so if requirepass is set later.
    client.authenticated = st.acl.default_is_open();
    client.tls = tls;
    st.clients.insert(id, Box::new(client));
    st.stats.total_connections_received += 1;
    shared.connected.fetch_add(1, Ordering::Relaxed);
    tokio::spawn(session::run(shared.clone(), stream, id, rx));
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
