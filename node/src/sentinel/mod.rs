//! The sentinel role (`redis-ha-node --sentinel`): a drop-in for redis-sentinel 7.0.
//!
//! Layout:
//! - `settings.rs`: what sentinel.conf holds (and what a rewrite writes back): shared by the config
//!   parser and the state machine.
//! - `config.rs`: `sentinel ...` lines of sentinel.conf, their errors, and the atomic rewrite.
//! - `state/`: the pure decision logic (SDOWN/ODOWN, votes, leader election, replica selection, the
//!   failover steps): time and replies in, actions out; no clock and no sockets.

pub mod config;
pub mod settings;
pub mod state;
