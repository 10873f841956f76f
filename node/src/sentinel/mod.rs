//! The sentinel role (`redis-ha-node --sentinel`): a drop-in for redis-sentinel 7.0.
//!
//! Owns monitoring, failure detection, the votes and the failover. Like redis-sentinel, which is
//! redis-server in sentinel mode, it is hosted by the server: clients reach it through the same
//! listeners, sessions and dispatcher (`server`, `cmd`: its commands are one more family the
//! dispatcher is handed, and INFO/HELP reuse the server's formatting), and its runtime lives in
//! `State::sentinel`. Its decisions (`state/`) import nothing of the server; its I/O uses only
//! `resp` (the peer client), `config` and `util`. Nothing of the data server imports it.
//!
//! Layout:
//! - `settings.rs`: what sentinel.conf holds (and what a rewrite writes back): shared by the config
//!   parser and the state machine.
//! - `config.rs`: `sentinel ...` lines of sentinel.conf, their errors, and the atomic rewrite.
//! - `state/`: the pure decision logic (SDOWN/ODOWN, votes, leader election, replica selection, the
//!   failover steps): time and replies in, actions out; no clock and no sockets.
//! - `driver.rs`: runs the machine in the server process (timer, executing its actions, events on
//!   the local pub/sub, config flushes); `links.rs`: one task per connection to an instance;
//!   `scripts.rs`: the notification / client-reconfig script queue.
//! - `commands.rs`: what a sentinel answers (SENTINEL *, INFO, ROLE, PUBLISH); ACL and the
//!   client commands are the data server's own (`cmd/acl.rs`), as in redis-sentinel.
//! - `process.rs`: start-up and shutdown of `redis-ha-node --sentinel`.

pub mod commands;
pub mod config;
pub mod driver;
pub mod links;
pub mod process;
pub mod scripts;
pub mod settings;
pub mod state;
