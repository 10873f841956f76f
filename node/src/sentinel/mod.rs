//! The sentinel (`redis-ha-node --sentinel`): a drop-in for redis-sentinel 7.0's monitoring, failure
//! detection, votes and failover.
//!
//! It sits beside the data server and shares only `resp` (the peer client, frames), `config`
//! (sentinel.conf is a redis.conf with `sentinel` lines), `util`, and the process helpers `log`
//! and `sys`. Nothing of the data server imports it. It is hosted the way redis-sentinel is hosted
//! by redis-server, by `crate::sentinel_mode`, the one module above both: that module runs the
//! machine under the server's lock and answers the SENTINEL commands through the dispatcher.
//!
//! Layout:
//! - `settings.rs`: what sentinel.conf holds (and what a rewrite writes back): shared by the config
//!   parser and the state machine.
//! - `config.rs`: `sentinel ...` lines of sentinel.conf, their errors, and the atomic rewrite;
//!   `config_tests.rs` (with `testdata/`) checks both against redis-sentinel 7.0.15.
//! - `state/`: the pure decision logic (SDOWN/ODOWN, votes, leader election, replica selection, the
//!   failover steps): time and replies in, actions out; no clock and no sockets.
//! - `links.rs`: one task per connection to an instance, reporting what it reads to a callback.
//! - `scripts.rs`: the notification / client-reconfig script queue.

pub mod config;
pub mod links;
pub mod scripts;
pub mod settings;
pub mod state;
