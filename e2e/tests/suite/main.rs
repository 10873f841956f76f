//! The e2e suite. Every module but `manifests` needs a cluster with the operator installed: its tests are
//! `#[ignore]`d, and e2e/run.sh runs them with `--ignored`, phase by phase (install checks, scenarios,
//! then uninstall), against the local cluster of scripts/cluster.sh, kind, or the current kubeconfig's.
//! `manifests` needs no cluster and runs in CI's `cargo test`. See e2e/README.md.

mod cluster;
mod examples;
mod failover;
mod install;
mod lifecycle;
mod manifests;
mod operator;
mod teardown;
mod tls;
