//! The data server's network side and its lifecycle: start-up ([`open`]), serving until a
//! SHUTDOWN or a signal ([`run`]), and the end ([`disconnect_all`], [`close`]). Both roles, data
//! server and sentinel, run through here.
//!
//! Owns: the listeners, the client connections' tasks and the periodic cron. May call everything
//! below it (commands run through `crate::cmd`) and `metrics` beside it; nothing in the crate calls
//! up into it except `main` and `sentinel_mode`'s start-up (`sentinel_mode/process.rs`).
//!
//! - [`listen`]: binding, accepting, maxclients and protected mode, registering a client.
//! - [`session`]: one client connection's I/O loop: read, run under the lock, write.
//! - [`cron`]: Redis's serverCron — active expiry, rates, idle clients, pauses.
//! - [`busy`]: serving clients while a script keeps the server busy (the dispatcher answers -BUSY
//!   to most of what they send); handed to `cmd::scripting` at start-up.
//! - [`sync_hold`]: `ha-sync-replicas`, a batch's replies held until enough replicas acknowledged
//!   its writes.
//! - `tls_reload.rs`: `tls-auto-reload-interval`, the TLS files read again and the settings rebuilt
//!   when they changed.

pub mod busy;
pub mod cron;
pub mod listen;
pub mod session;
pub mod sync_hold;
mod tls_reload;

use std::sync::atomic::Ordering;
use std::sync::Arc;
use std::time::Duration;
use tokio::net::{TcpListener, UnixListener};
use tokio::signal::unix::{signal, SignalKind};

use crate::log;
use crate::state::{Shared, ShutdownRequest};
use listen::{accept_unix_loop, bind_listeners, bind_unix};

/// The start-up both roles share once the configuration is loaded: load the ACL users (`user`
/// lines, the aclfile), bind the TCP listeners and the unix socket, start the metrics endpoint,
/// write the pid file. Err is the message to log before exiting with status 1.
pub async fn open(shared: &Arc<Shared>, pidfile: &str) -> Result<Listeners, String> {
    shared.lock().load_acl_users()?;
    {
        // `tlsConfigure`: TLS settings that do not load stop the start-up.
        let mut st = shared.lock();
        if crate::tls::wanted(&st.config) {
            match crate::tls::load(&st.config) {
                Ok(t) => st.tls = Some(Arc::new(t)),
                Err(e) => {
                    log::warning(&e);
                    return Err("Failed to configure TLS. Check logs for more info.".into());
                }
            }
        }
    }
    let (tcp, tls) = bind_listeners(shared).await?;
    let unix = bind_unix(shared)?;
    if tcp.is_empty() && tls.is_empty() && unix.is_none() {
        return Err("Configured to not listen anywhere, exiting.".into());
    }
    crate::metrics::start(shared);
    if !pidfile.is_empty() {
        if let Err(e) = std::fs::write(pidfile, format!("{}\n", std::process::id())) {
            crate::log::warning(&format!("Failed to write PID file: {e}"));
        }
    }
    Ok(Listeners { tcp, tls, unix })
}

/// The port the start-up line names: `port`, or `tls-port` for a TLS-only server (as Redis logs it).
pub fn shown_port(shared: &Shared, port: u16) -> u16 {
    if port != 0 {
        return port;
    }
    shared.lock().config.get_int("tls-port").unwrap_or(0) as u16
}

/// What [`open`] bound: the `port` and `tls-port` listeners and the unix socket.
pub struct Listeners {
    pub tcp: Vec<TcpListener>,
    pub tls: Vec<TcpListener>,
    pub unix: Option<UnixListener>,
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

/// CONFIG SET port / bind: listen anew, and have the busy-script loop accept on the new sockets.
fn relisten(st: &mut crate::state::State) -> Result<(), String> {
    let fds = listen::rebind(st)?;
    busy::replace_tcp(&fds);
    Ok(())
}

/// Serves until `shutdown` resolves or a SHUTDOWN command arrives. Returns what was requested.
pub async fn run(shared: Arc<Shared>, listeners: Listeners) -> ShutdownRequest {
    let Listeners { tcp, tls, unix } = listeners;
    let tls_seen = tls_reload::baseline(&shared);
    {
        use std::os::fd::AsRawFd;
        let tcp = listen::start_tcp(&shared, tcp, tls);
        let pidfile = shared.lock().config.pidfile.clone();
        busy::install(&shared, &tcp, unix.as_ref().map(|u| u.as_raw_fd()), &pidfile);
        crate::cmd::config_cmd::set_listener_hook(relisten);
    }
    if let Some(u) = unix {
        tokio::spawn(accept_unix_loop(shared.clone(), u));
    }
    tokio::spawn(cron::cron(shared.clone()));
    tokio::spawn(crate::repl::master::ack_requests(shared.clone()));
    tokio::spawn(crate::evict::background(shared.clone()));
    tokio::spawn(tls_reload::watch(shared.clone(), tls_seen));
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

/// Sends every client a kill so their tasks flush and exit.
pub fn disconnect_all(shared: &Shared) {
    shared.shutting_down.store(true, Ordering::Relaxed);
    let st = shared.lock();
    for c in st.clients.values() {
        c.outbox.kill();
    }
}
