//! `redis-ha-node`: command line compatible with redis-server
//! (`redis-ha-node [configfile] [--directive value ...]`).

use std::process::ExitCode;
use std::sync::Arc;

use redis_ha_node::config::Config;
use redis_ha_node::server::shown_port;
use redis_ha_node::state::Shared;
use redis_ha_node::{log, server, sys, REDIS_VERSION, VERSION};

fn usage() -> String {
    "Usage: ./redis-server [/path/to/redis.conf] [options] [-]\n       \
     ./redis-server - (read config from stdin)\n       \
     ./redis-server -v or --version\n       \
     ./redis-server -h or --help\n       \
     ./redis-server --test-config [/path/to/redis.conf] [options]\n\n\
     Examples:\n       \
     ./redis-server (run the server with default conf)\n       \
     echo 'maxmemory 128mb' | ./redis-server -\n       \
     ./redis-server /etc/redis/6379.conf\n       \
     ./redis-server --port 7777\n       \
     ./redis-server --port 7777 --replicaof 127.0.0.1 8888\n       \
     ./redis-server /etc/myredis.conf --loglevel verbose -\n       \
     ./redis-server /etc/myredis.conf --loglevel verbose\n\n\
     Sentinel mode:\n       \
     ./redis-server /etc/sentinel.conf --sentinel\n\n\
     (redis-ha-node accepts the same arguments; it also runs as redis-server when invoked through a link of that name.)\n\n\
     Local group (redis-ha-node only):\n       \
     redis-ha-node --group [--data-nodes 3] [--sentinels 3] [--port 6379] [--sentinel-port 26379]\n"
        .to_string()
}

fn version_line() -> String {
    format!("Redis server v={REDIS_VERSION} sha=00000000:0 malloc=libc bits=64 build=redis-ha-node-{VERSION}")
}

fn main() -> ExitCode {
    let argv: Vec<String> = std::env::args().collect();
    let prog = argv.first().map(|p| p.rsplit('/').next().unwrap_or(p).to_string()).unwrap_or_default();
    let mut args: Vec<String> = argv.iter().skip(1).cloned().collect();

    if let Some(first) = args.first() {
        match first.as_str() {
            "-v" | "--version" => {
                println!("{}", version_line());
                return ExitCode::SUCCESS;
            }
            "-h" | "--help" => {
                // Like redis-server: usage on stderr, exit status 1.
                eprint!("{}", usage());
                return ExitCode::from(1);
            }
            // Ours: a whole group (data nodes and sentinels) on loopback, see group.rs.
            "--group" => return redis_ha_node::group::main(&args[1..]),
            _ => {}
        }
    }
    // Like Redis's checkForSentinelMode: the program name or a `--sentinel` argument.
    let sentinel = prog.contains("redis-sentinel") || args.iter().any(|a| a == "--sentinel");
    if sentinel {
        return run_sentinel(&args);
    }
    // The handlers are known before the configuration is read, so rename-command can be checked.
    redis_ha_node::cmd::install_handlers();
    let test_config = args.first().is_some_and(|a| a == "--test-config");
    if test_config {
        args.remove(0);
    }
    let config = match Config::from_args(&args) {
        Ok(c) => c,
        Err(e) => {
            eprint!("{e}");
            return ExitCode::from(1);
        }
    };
    if test_config {
        println!("Configuration test passed");
        return ExitCode::SUCCESS;
    }
    run(config)
}

/// Daemonizes if asked and points the log at its file and level. The error is the exit status.
fn setup_process(config: &Config) -> Result<(), ExitCode> {
    if config.daemonize {
        if let Err(e) = sys::daemonize() {
            eprintln!("Can't daemonize: {e}");
            return Err(ExitCode::from(1));
        }
        log::set_silent(config.logfile.is_empty());
    }
    log::set_level(config.loglevel);
    if let Err(e) = log::set_file(&config.logfile) {
        eprintln!("{e}");
        return Err(ExitCode::from(1));
    }
    Ok(())
}

fn banner() {
    let pid = std::process::id();
    log::warning("oO0OoO0OoO0Oo Redis is starting oO0OoO0OoO0Oo");
    log::warning(&format!("Redis version={REDIS_VERSION}, bits=64, commit=00000000, modified=0, pid={pid}, just started (redis-ha-node {VERSION})"));
}

/// The pidfile to write: the configured one, or Redis's default when daemonized.
fn pidfile_of(config: &Config) -> String {
    if config.pidfile.is_empty() && config.daemonize {
        "/var/run/redis.pid".to_string()
    } else {
        config.pidfile.clone()
    }
}

/// Moves to `dir`, where relative paths (dump files, the sentinel's scripts) are resolved.
fn enter_dir(config: &Config) -> Result<(), ExitCode> {
    if !config.dir.is_empty() {
        if let Err(e) = std::env::set_current_dir(&config.dir) {
            log::warning(&format!("Can't chdir to '{}': {e}", config.dir));
            return Err(ExitCode::from(1));
        }
    }
    Ok(())
}

/// The tokio runtime: one thread (Redis's event loop) unless `io-threads` or RHN_WORKERS ask for more.
fn build_runtime(config: &Config) -> Result<tokio::runtime::Runtime, ExitCode> {
    let io_threads: usize = config.get("io-threads").and_then(|v| v.parse().ok()).unwrap_or(1);
    let workers = std::env::var("RHN_WORKERS").ok().and_then(|v| v.parse().ok()).unwrap_or(io_threads);
    let built = if workers <= 1 {
        tokio::runtime::Builder::new_current_thread().enable_all().build()
    } else {
        tokio::runtime::Builder::new_multi_thread().worker_threads(workers).enable_all().thread_name("redis-ha-node").build()
    };
    built.map_err(|e| {
        log::warning(&format!("Can't start the runtime: {e}"));
        ExitCode::from(1)
    })
}

/// `redis-ha-node [sentinel.conf] --sentinel [options]` or a `redis-sentinel` link: redis-sentinel's
/// start-up checks and messages, then the sentinel (see `sentinel_mode`).
fn run_sentinel(args: &[String]) -> ExitCode {
    log::set_role(b'X');
    let sc = match Config::from_args_sentinel(args) {
        Ok(c) => c,
        Err(e) => {
            eprint!("{e}");
            return ExitCode::from(1);
        }
    };
    if let Err(msg) = redis_ha_node::sentinel::config::check_config_file(&sc.config) {
        log::warning(&msg);
        return ExitCode::from(1);
    }
    if let Err(code) = setup_process(&sc.config) {
        return code;
    }
    banner();
    log::warning("Configuration loaded");
    for w in &sc.warnings {
        log::warning(w);
    }
    let pidfile = pidfile_of(&sc.config);
    if let Err(code) = enter_dir(&sc.config) {
        return code;
    }
    let runtime = match build_runtime(&sc.config) {
        Ok(r) => r,
        Err(code) => return code,
    };
    let code = runtime.block_on(redis_ha_node::sentinel_mode::serve(sc, pidfile));
    runtime.shutdown_timeout(std::time::Duration::from_millis(200));
    code
}

fn run(mut config: Config) -> ExitCode {
    if let Err(code) = setup_process(&config) {
        return code;
    }
    banner();
    match &config.file {
        Some(f) => log::warning(&format!("Configuration loaded from {}", f.display())),
        None => log::warning(
            "Warning: no config file specified, using the default config. In order to specify a config file use redis-ha-node /path/to/redis.conf",
        ),
    }
    match redis_ha_node::fdlimit::adjust_open_files_limit(config.maxclients) {
        Ok(maxclients) => config.maxclients = maxclients,
        Err(fatal) => {
            log::warning(&fatal);
            return ExitCode::from(1);
        }
    }
    let pidfile = pidfile_of(&config);
    if let Err(code) = enter_dir(&config) {
        return code;
    }
    let runtime = match build_runtime(&config) {
        Ok(r) => r,
        Err(code) => return code,
    };
    let code = runtime.block_on(async move {
        log::set_role(b'M');
        let port = config.port;
        // Before anything listens: ask the sentinels (if configured) which role to start in.
        let boot = redis_ha_node::bootguard::run(&config).await;
        // The command table is built before the state, so used_memory_startup includes it (Redis's
        // tables exist when it measures its startup memory).
        redis_ha_node::cmd::command_table::set_renames(config.rename_commands.clone());
        redis_ha_node::cmd::install();
        let shared = Arc::new(Shared::new(config));
        let listeners = match server::open(&shared, &pidfile).await {
            Ok(l) => l,
            Err(e) => {
                log::warning(&e);
                return ExitCode::from(1);
            }
        };
        {
            shared.lock().set_process_info(port);
        }
        log::notice(&format!("Running mode=standalone, port={}.", shown_port(&shared, port)));
        log::warning("Server initialized");
        {
            // `replicaof` in the configuration: follow that master once the dataset is loaded.
            let mut st = shared.lock();
            use redis_ha_node::bootguard::Decision;
            let master = match boot {
                Decision::ReplicaOf(host, port) => Some((host, port)),
                Decision::Master => None,
                Decision::Configured | Decision::Wait => st.config().replicaof.clone(),
            };
            if let Some((host, port)) = master {
                redis_ha_node::repl::replica::set_master(&mut st, host, port);
            }
        }
        redis_ha_node::persistence::startup::start(&shared);
        log::notice("Ready to accept connections tcp");
        let _request = server::run(shared.clone(), listeners).await;
        server::disconnect_all(&shared);
        server::close(&shared, &pidfile);
        log::warning("Redis is now ready to exit, bye bye...");
        ExitCode::SUCCESS
    });
    runtime.shutdown_timeout(std::time::Duration::from_millis(200));
    code
}
