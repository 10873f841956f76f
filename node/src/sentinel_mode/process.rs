//! `redis-ha-node --sentinel` once its configuration is loaded and logging is set up: the listeners,
//! the start-up redis-sentinel logs (`Running mode=sentinel`, a generated myid saved, `Sentinel ID
//! is ...`, one `+monitor` per master), the timer, serving clients, and the shutdown (a pending
//! config flush written, `Sentinel is now ready to exit, bye bye...`).
//!
//! A sentinel keeps no dataset: its save points are dropped (the config rewrite never writes them
//! in sentinel mode, so the file is unaffected) and no RDB/AOF is loaded.
//!
//! `RHN_SENTINEL_TIMING=redis7` in the environment selects sentinel.c's exact periods
//! ([`Timing::redis7`]) instead of the default [`Timing::fast`] (for side-by-side comparisons).

use std::process::ExitCode;
use std::sync::Arc;

use super::driver::{self, Runtime};
use crate::log;
use crate::sentinel::config::SentinelConfig;
use crate::sentinel::state::{NodeInfo, Sentinel, Timing};
use crate::server;
use crate::state::Shared;
use crate::util::mono_ms;

/// The timing chosen by `RHN_SENTINEL_TIMING` (`redis7`, else the default).
fn timing_from_env() -> Timing {
    match std::env::var("RHN_SENTINEL_TIMING").as_deref() {
        Ok("redis7") => Timing::redis7(),
        _ => Timing::default(),
    }
}

/// Runs the sentinel until SHUTDOWN or SIGTERM/SIGINT. `pidfile` is written once listening.
pub async fn serve(sc: SentinelConfig, pidfile: String) -> ExitCode {
    let SentinelConfig { mut config, mut settings, .. } = sc;
    // Before the state exists: it builds the command table, which is redis-sentinel's from now on.
    crate::cmd::command_table::set_sentinel_mode(super::commands::COMMANDS.to_vec());
    config.save.clear();
    let requirepass = config.requirepass.as_ref().map(|p| String::from_utf8_lossy(p).into_owned());
    crate::cmd::install();
    let shared = Arc::new(Shared::new(config));
    let listeners = match server::open(&shared, &pidfile).await {
        Ok(l) => l,
        Err(e) => {
            log::warning(&e);
            return ExitCode::from(1);
        }
    };
    let port = {
        let mut st = shared.lock();
        let port = st.config.port;
        st.set_process_info(port);
        port
    };
    log::notice(&format!("Running mode=sentinel, port={}.", crate::server::shown_port(&shared, port)));

    // sentinelIsRunning: an id is picked once and saved, so it survives restarts.
    let generated = settings.myid.is_none();
    if generated {
        settings.myid = Some(crate::sentinel::config::new_myid());
    }
    // Hellos announce the TLS port when the links are TLS (sentinelSendHello).
    let hello_port = {
        let st = shared.lock();
        let tls_port = st.config.get_int("tls-port").unwrap_or(0) as u16;
        if st.config.get_bool("tls-replication").unwrap_or(false) && tls_port != 0 {
            tls_port
        } else {
            port
        }
    };
    let machine =
        Sentinel::new(settings, NodeInfo { port: hello_port, requirepass }, timing_from_env(), Box::new(crate::util::Rng::seeded()), mono_ms());
    {
        let runtime = Runtime::new(machine, &shared);
        let mut st = shared.lock();
        st.sentinel = Some(Box::new(runtime));
        if generated {
            // Logged by the flush itself, like Redis; a failure is logged and not fatal.
            let _ = driver::flush_now(&mut st);
        }
        if let Some(rt) = super::driver::runtime_ref(&st.sentinel) {
            log::warning(&format!("Sentinel ID is {}", rt.machine.myid()));
        }
        // The +monitor events queued at construction.
        driver::drain(&mut st, None);
    }
    tokio::spawn(driver::timer(shared.clone()));

    let _request = server::run(shared.clone(), listeners).await;
    server::disconnect_all(&shared);
    {
        let mut st = shared.lock();
        driver::flush_if_pending(&mut st);
        // Dropping the runtime ends the timer and every link task.
        st.sentinel = None;
    }
    server::close(&shared, &pidfile);
    log::warning("Sentinel is now ready to exit, bye bye...");
    ExitCode::SUCCESS
}
