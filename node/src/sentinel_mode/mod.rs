//! `redis-ha-node --sentinel`: the server in sentinel mode, as redis-sentinel is redis-server in
//! sentinel mode. This module joins the two halves and is the only place that knows both: the
//! sentinel (`crate::sentinel`: its state machine, configuration, links and scripts, which share
//! only `resp`, `config`, `util` and the process helpers `log` and `sys` with the data server) and
//! the data server's hosting (`server`'s listeners and sessions, `cmd`'s dispatcher, the ACL users
//! in `State::acl` that a config rewrite writes back, and `pubsub`, which carries its events).
//! Clients reach the sentinel through the same sessions as a data server's clients; its commands
//! are one more family handed to the dispatcher; its runtime lives in `State::sentinel` (as a
//! `state::SentinelRole`, so nothing below this module knows its types).
//!
//! Layout:
//! - `process.rs`: start-up and shutdown (listeners, myid, `+monitor`, the timer, the exit).
//! - `driver.rs`: runs the machine under the server's lock (timer, executing its actions, events on
//!   the local pub/sub, config flushes with the ACL users).
//! - `commands.rs`: what a sentinel answers (SENTINEL * with its HELP, INFO, ROLE, PUBLISH); ACL and the
//!   client commands are the data server's own (`cmd/acl.rs`), as in redis-sentinel.

pub mod commands;
pub mod driver;
mod process;

pub use process::serve;
