//! `redis-ha-operator`: the Kubernetes controller for `RedisHA` resources.
//!
//! It renders a RedisHA into data and sentinel StatefulSets, Services, a ConfigMap and
//! PodDisruptionBudgets, and keeps the `<name>-master` Service on the master by listening to every
//! sentinel's `+switch-master` instead of polling (a poll remains as the backstop). It rolls the data
//! pods itself (their StatefulSet is `OnDelete`): replicas first, one at a time, the master last after
//! a switchover.
//!
//! Layout:
//! - [`crd`]: the `RedisHA` resource (spec, status, validation); `bin/crdgen.rs` writes `crds/redisha.yaml`.
//! - [`resources`]: pure builders, RedisHA → child objects, and the pod scripts.
//! - [`controller`]: reconcile (server-side apply of children, a rollout step, then status), error policy,
//!   `run` over every namespace or one ([`controller::WatchScope`]).
//! - [`rollout`]: the order of a rolling update of the data pods — replicas first, the master last
//!   after a switchover, one pod at a time (pure).
//! - [`updater`]: applies the rollout plan: pod deletions (UID precondition), `SENTINEL FAILOVER`,
//!   `RollingUpdate` Events.
//! - [`status`]: the reconciler's status and conditions (pure).
//! - [`switch_master`]: sentinel pub/sub messages → events (pure parser).
//! - [`topology`]: who is master — sentinel majority, switch dedup/timing, ROLE confirmation, label order (pure).
//! - [`watcher`]: per RedisHA, one subscription per sentinel plus the poll; emits decisions.
//! - [`master`]: applies decisions: role labels (demote, then promote), `MasterSwitched` Events, status.
//! - [`watchers`]: starts, reconfigures and stops one watcher per RedisHA.
//! - [`leader`]: Lease-based leader election. [`metrics`], [`http`]: `/metrics`, `/healthz`, `/readyz`;
//!   [`readiness`]: what `/readyz` answers (leading, or a standby keeping up with the Lease).
//! - [`error`]: the one error type.
//!
//! Tests beyond the unit tests: `tests/crd.rs` (schema and CEL rules), `tests/sentinel_failover.rs`
//! (the watcher against real sentinels) and `tests/pod_scripts.rs` (the pod scripts run with `sh`
//! against real `redis-ha-node` and sentinel processes on loopback addresses).

pub mod controller;
pub mod crd;
pub mod error;
#[cfg(test)]
pub(crate) mod fixtures;
pub mod http;
pub mod leader;
pub mod master;
pub mod metrics;
pub mod readiness;
pub mod resources;
pub mod rollout;
pub mod status;
pub mod switch_master;
pub mod topology;
pub mod updater;
pub mod watcher;
pub mod watchers;
