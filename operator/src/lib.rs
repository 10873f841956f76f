//! `redis-ha-operator`: the Kubernetes controller for `RedisHA` resources.
//!
//! It renders a RedisHA into data and sentinel StatefulSets, Services, a ConfigMap and
//! PodDisruptionBudgets, and keeps the `<name>-master` Service on the master by listening to every
//! sentinel's `+switch-master` instead of polling (a poll remains as the backstop).
//!
//! Layout:
//! - [`crd`]: the `RedisHA` resource (spec, status, validation); `bin/crdgen.rs` writes `crds/redisha.yaml`.
//! - [`resources`]: pure builders, RedisHA → child objects, and the pod scripts.
//! - [`controller`]: reconcile (server-side apply of children, then status), error policy, `run`.
//! - [`status`]: the reconciler's status and conditions (pure).
//! - [`switch_master`]: sentinel pub/sub messages → events (pure parser).
//! - [`topology`]: who is master — sentinel majority, switch dedup/timing, ROLE confirmation, label order (pure).
//! - [`watcher`]: per RedisHA, one subscription per sentinel plus the poll; emits decisions.
//! - [`master`]: applies decisions: role labels (demote, then promote), `MasterSwitched` Events, status.
//! - [`watchers`]: starts, reconfigures and stops one watcher per RedisHA.
//! - [`leader`]: Lease-based leader election. [`metrics`], [`http`]: `/metrics`, `/healthz`, `/readyz`.
//! - [`error`]: the one error type.

pub mod controller;
pub mod crd;
pub mod error;
#[cfg(test)]
pub(crate) mod fixtures;
pub mod http;
pub mod leader;
pub mod master;
pub mod metrics;
pub mod resources;
pub mod status;
pub mod switch_master;
pub mod topology;
pub mod watcher;
pub mod watchers;
