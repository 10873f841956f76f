//! `redis-ha-e2e`: the end-to-end tests of the packaged operator. The code is in `tests/suite/`:
//!
//! - `kind.rs`: tests against a real cluster, `#[ignore]`d so `cargo test` never counts them as passed
//!   without one. `e2e/run.sh` creates a kind cluster, builds and loads the images, installs the chart
//!   and runs them with `--ignored`.
//! - `manifests.rs`: the examples and the chart's RedisHA values through the CRD's CEL rules and the
//!   operator's own spec checks; no cluster, so they run in CI with the rest of the workspace.
//! - `cluster.rs`: helpers (namespaces, RedisHAs, redis-cli pods, waits).
