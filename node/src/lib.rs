//! redis-ha-node: a Redis 7.0-compatible data server (and, in later stages, replica and sentinel)
//! in one binary, a drop-in for `redis-server` and `redis-sentinel`.
//!
//! Layout:
//! - `main.rs`: argv → config → daemonize → runtime → server.
//! - `config/`: redis.conf parsing, CONFIG GET/SET/REWRITE.
//! - `resp/`: request parsing (`request.rs`), reply encoding (`reply.rs`), reply frames (`frame.rs`).
//! - `server.rs`: listeners, accept, cron; `connection.rs`: one client's I/O loop.
//! - `state.rs`: the shared state behind one lock; `client.rs`: per-client registry entry.
//! - `cmd/`: dispatcher and commands by family; `db/`: keyspace and value types.
//! - `persistence/`: RDB codec (CRC64, LZF, listpack, intset), DUMP payloads.
//! - `alloc.rs`: the counting global allocator (used_memory); `evict.rs`: maxmemory, eviction, LRU/LFU.
//! - `metrics.rs`: Prometheus metrics over HTTP (`ha-metrics-port`), from INFO with redis_exporter's names.
//! - `group.rs`: `--group`, a local HA group (data nodes and sentinels as child processes).
//! - `bootguard.rs`: a data node asks its sentinels which role to start in (never an empty master).
//! - `sentinel/`: the sentinel role (sentinel.conf, the decision logic).
//! - `fdlimit.rs`: the open-file limit raised to what `maxclients` needs.
//! - `outbox.rs`: the way to a client's connection from elsewhere, counting its pending output.
//! - `pubsub.rs`, `notify.rs`, `stats.rs`, `log.rs`, `util/` (numbers, globs, long double), `sys.rs` (the only unsafe code).

pub mod alloc;
pub mod bootguard;
pub mod client;
pub mod cmd;
pub mod config;
pub mod db;
pub mod evict;
pub mod fdlimit;
pub mod group;
pub mod keyspace;
pub mod log;
pub mod metrics;
pub mod notify;
pub mod outbox;
pub mod persistence;
pub mod propagate;
pub mod pubsub;
pub mod repl;
pub mod resp;
pub mod sentinel;
pub mod server;
pub mod state;
pub mod stats;
pub mod sys;
pub mod util;

/// The Redis version we are compatible with and report to clients.
pub const REDIS_VERSION: &str = "7.0.15";
/// Our own version.
pub const VERSION: &str = env!("CARGO_PKG_VERSION");
