//! Who is master, and keeping Kubernetes in step with it: the operator follows every sentinel's
//! `+switch-master` (with a poll as the backstop) and moves the `<name>-master` Service's label to the
//! new master within a second of the sentinels' decision.
//!
//! Owns: the sentinel connections of the watcher, the decision rules, the role labels, the
//! `MasterSwitched` Events and the status fields `master`, `failovers` and `lastFailover`. May call:
//! [`crate::crd`], [`crate::resources`] (names and labels), [`crate::error`], [`crate::metrics`] —
//! never the reconciler, which calls in here.
//!
//! Layers, lowest first:
//! - [`events`]: sentinel pub/sub messages → typed events (pure parser), and [`events::Addr`].
//! - [`credentials`]: how the operator logs in (password, TLS client certificate) to the pods.
//! - [`topology`]: the pure decisions — sentinel majority, switch dedup and timing, ROLE confirmation,
//!   label order.
//! - [`watcher`]: per RedisHA, one subscription per sentinel plus the poll; emits the decisions.
//! - [`mover`]: applies the decisions to Kubernetes (labels: demote, then promote; Events; status).
//! - [`registry`]: starts, reconfigures and stops one watcher (with its mover) per RedisHA.
//!
//! This file: [`sentinel_addrs`], every sentinel of a RedisHA by its pod's stable hostname.

pub mod credentials;
pub mod events;
pub mod mover;
pub mod registry;
pub mod topology;
pub mod watcher;

use crate::crd::RedisHA;
use crate::resources::names::{Names, SENTINEL_PORT};
use events::Addr;

/// Every sentinel of `rha`, addressed by its pod's stable hostname.
pub fn sentinel_addrs(rha: &RedisHA, names: &Names) -> Vec<Addr> {
    (0..rha.spec.sentinels).map(|i| Addr::new(names.sentinel_host(&names.sentinel_pod(i)), SENTINEL_PORT as u16)).collect()
}
