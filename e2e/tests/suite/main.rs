//! The e2e suite: `kind` needs a cluster (its tests are ignored without `--ignored`), `manifests`
//! needs none and runs in CI. See the crate docs and e2e/README.md.

mod cluster;
mod kind;
mod manifests;
