//! redis-ha-node: a Redis 7.0-compatible data server, PSYNC2 replica and sentinel in one binary, a
//! drop-in for `redis-server` and `redis-sentinel`.
//!
//! Layout, top layer first; a module imports only those in its own layer or below (the layers and
//! the path of a command are drawn in ARCHITECTURE.md at the repository root):
//! - process: `main.rs` (argv → config → daemonize → runtime → server), `sentinel_mode/`
//!   (`--sentinel`: the sentinel hosted by the server's sessions, dispatcher, ACL and pub/sub; its
//!   runtime sits in `State::sentinel`), `server/` (listeners, one session per connection,
//!   serverCron, shutdown), `metrics.rs` (Prometheus over HTTP), `group.rs` (`--group`: a local HA
//!   group of child processes), `bootguard.rs` (a data node asks its sentinels which role to start
//!   in).
//! - `cmd/`: the dispatcher, the command table and the commands by family.
//! - subsystems: `repl/` (replication, both sides), `persistence/` (RDB, AOF, snapshots, start-up
//!   load), `evict/` (maxmemory), `script/` (the Lua engine, the script cache, FUNCTION libraries,
//!   the debugger), `fence/` (write fencing: a master cut off from its sentinels refuses writes).
//! - side effects of keyspace changes: `keyspace.rs` (WATCH, notifications, expired events,
//!   latency samples), `tracking/` (client-side caching invalidations), `propagate/` (the write
//!   stream to AOF and replicas), `pubsub.rs` (delivery), `blocked.rs` (clients waiting on keys or
//!   in WAIT, and WAIT's wake-ups), `lazyfree.rs` (freeing big values off the command's thread).
//! - state: `state.rs` (the shared state behind one lock, and the dispatcher's installed entry
//!   points); each subsystem's part of it sits in a file of that subsystem that imports nothing
//!   above the state (`repl/replication.rs`, `persistence/aof_writer.rs`, `save_status.rs`,
//!   `loading.rs`, `propagate/ops.rs`, `evict/evictor.rs`), its fields private to the subsystem
//!   where the rest of the server reads it through methods; `client/` (a client's registry entry
//!   and id; `memory.rs`: its buffers as Redis accounts them for CLIENT LIST), `outbox.rs` (a
//!   client's output queue and its accounting), `stats.rs` (INFO counters).
//! - `sentinel/`: the sentinel (its state machine, sentinel.conf, links to instances, scripts),
//!   beside the data server: it imports only the ground below.
//! - security: `acl/` (ACL users and rules, the permission check, ACL LOG, the aclfile; the
//!   commands' categories come from `acl/catalog.rs`, filled in by the command table), `tls/`
//!   (rustls settings from `tls-*`, a client's TLS connection driven by readiness).
//! - data: `db/` (keyspace, value types and encodings, the LRU/LFU access clock).
//! - ground: `config/` (redis.conf, CONFIG GET/SET/REWRITE), `resp/` (requests and the one command
//!   encoder, replies, frames, the peer client), `util/` (Redis's number formats, globs,
//!   `sdscatrepr`, clocks, PRNG), `sys.rs` (the OS calls libc gives), `alloc.rs` (the counting
//!   allocator behind used_memory), `log.rs`, `notify.rs`, `migrate_sockets.rs` (MIGRATE's cached
//!   connections), `fdlimit.rs` (the open-file limit `maxclients` needs; CONFIG SET raises it).
//!
//! Unit tests live in a `tests` module at the end of the file they test; tests that drive whole
//! commands live under `cmd/` (`cmd::testing::Session`, `cmd/propagation_tests.rs`); tests against
//! real processes live in `node/tests/`.

pub mod acl;
pub mod alloc;
pub mod blocked;
pub mod bootguard;
pub mod client;
pub mod cmd;
pub mod config;
pub mod db;
pub mod evict;
pub mod fdlimit;
pub mod fence;
pub mod group;
pub mod keyspace;
pub mod lazyfree;
pub mod log;
pub mod metrics;
pub mod migrate_sockets;
pub mod notify;
pub mod outbox;
pub mod persistence;
pub mod propagate;
pub mod pubsub;
pub mod repl;
pub mod resp;
pub mod script;
pub mod sentinel;
pub mod sentinel_mode;
pub mod server;
pub mod state;
pub mod stats;
pub mod sys;
pub mod tls;
pub mod tracking;
pub mod util;

/// The Redis version we are compatible with and report to clients.
pub const REDIS_VERSION: &str = "7.0.15";
/// Our own version.
pub const VERSION: &str = env!("CARGO_PKG_VERSION");
