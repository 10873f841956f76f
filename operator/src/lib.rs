//! `redis-ha-operator`: the Kubernetes controller for `RedisHA` resources.
//!
//! It renders a RedisHA into data and sentinel StatefulSets, Services, a ConfigMap and
//! PodDisruptionBudgets, and keeps the `<name>-master` Service on the master by listening to every
//! sentinel's `+switch-master` instead of polling (a poll remains as the backstop). It rolls the data
//! pods itself (their StatefulSet is `OnDelete`): replicas first, one at a time, the master last after
//! a switchover.
//!
//! Layout (each domain module's imports point only at those listed after it and at the plumbing's
//! [`error`] and [`metrics`]):
//! - [`controller`]: reconcile (server-side apply of children, a rollout step, then status), error
//!   policy, `run` over every namespace or one ([`controller::WatchScope`]); [`controller::status`]:
//!   the status and conditions it writes (pure).
//! - [`rollout`]: rolling updates of the data pods — [`rollout::plan`] (pure order: replicas first, the
//!   master last after a switchover) and [`rollout::apply`] (pod deletions, `SENTINEL FAILOVER`, Events).
//! - [`master`]: following the sentinels — [`master::events`] (pub/sub parser), [`master::topology`]
//!   (pure decisions), [`master::watcher`] (subscriptions and poll), [`master::mover`] (labels, Events,
//!   status), [`master::registry`] (one watcher per RedisHA).
//! - [`resources`]: pure builders, RedisHA → child objects, names and labels, and the pod scripts.
//! - [`crd`]: the `RedisHA` resource (spec, status, validation); `bin/crdgen.rs` writes `crds/redisha.yaml`.
//! - Process plumbing beside them: [`leader`] (Lease-based leader election, reporting to
//!   [`readiness`]), [`http`] (`/metrics`, `/healthz`, `/readyz`, over [`metrics`] and [`readiness`],
//!   what `/readyz` answers), [`error`] (the one error type; it carries [`resources`]' render error).
//! - `main.rs`: the binary, wiring only; `fixtures.rs` (tests): a mocked API server for the
//!   reconciler and the leader election.
//!
//! Tests beyond the unit tests: `tests/crd.rs` (the committed CRD is current; schema and CEL rules),
//! `tests/sentinel_failover.rs` (the watcher against real sentinels), `tests/handover.rs` (the
//! roll's check before a former master restarts, against real processes) and `tests/pod_scripts.rs`
//! (the pod scripts run with `sh` against real `redis-ha-node` and sentinel processes on loopback
//! addresses; the harness is `tests/pods/`).

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
