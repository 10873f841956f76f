//! Pure builders: a `RedisHA` → the objects the operator applies. No API calls, no clock, no I/O, so
//! every rendered field can be unit-tested; the controller only sends what these return. May call
//! only [`crate::crd`].
//!
//! Layout: this file ([`render`]: every child of a RedisHA, with [`RenderOptions`] and
//! [`RenderError`]), [`names`] (object names, labels, DNS names), [`config`] (the ConfigMap:
//! redis.conf, sentinel.conf and the pod scripts), `scripts/` (those scripts: start, readiness and
//! preStop), [`statefulset`] (data and sentinel pods), [`service`], [`pdb`], [`certificate`]
//! (cert-manager's, for `spec.tls.certManager`).

pub mod certificate;
pub mod config;
pub mod names;
pub mod pdb;
pub mod service;
pub mod statefulset;

use k8s_openapi::apimachinery::pkg::apis::meta::v1::{ObjectMeta, OwnerReference};
use kube::{Resource, ResourceExt};

use crate::crd::RedisHA;

pub use names::Names;

/// Settings of the operator that shape what it renders (not part of any RedisHA).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct RenderOptions {
    /// Image for pods when `spec.image` is unset: the node image of the operator's own version.
    pub default_image: String,
    /// Cluster DNS domain used in the pods' announced hostnames.
    pub cluster_domain: String,
}

impl Default for RenderOptions {
    fn default() -> Self {
        RenderOptions {
            default_image: format!("ghcr.io/redis-ha/redis-ha-node:{}", env!("CARGO_PKG_VERSION")),
            cluster_domain: "cluster.local".to_string(),
        }
    }
}

/// Everything one RedisHA renders into. The controller applies each with server-side apply.
#[derive(Debug, Clone)]
pub struct Children {
    pub config_map: k8s_openapi::api::core::v1::ConfigMap,
    pub data: k8s_openapi::api::apps::v1::StatefulSet,
    pub sentinel: k8s_openapi::api::apps::v1::StatefulSet,
    pub services: Vec<k8s_openapi::api::core::v1::Service>,
    pub pdbs: Vec<k8s_openapi::api::policy::v1::PodDisruptionBudget>,
    /// `spec.tls.certManager`'s Certificate.
    pub certificate: Option<kube::api::DynamicObject>,
}

/// Why a RedisHA cannot be rendered: it lacks what any stored object has.
#[derive(Debug, thiserror::Error, PartialEq, Eq)]
pub enum RenderError {
    #[error("the RedisHA has no namespace")]
    NoNamespace,
    #[error("the RedisHA has no uid yet (not stored by the API server)")]
    NoUid,
}

/// Renders every child of `rha`.
pub fn render(rha: &RedisHA, opts: &RenderOptions) -> Result<Children, RenderError> {
    let names = Names::of(rha, &opts.cluster_domain)?;
    let owner = owner_reference(rha)?;
    let config_map = config::config_map(rha, &names, &owner);
    let hash = config::config_hash(&config_map);
    Ok(Children {
        data: statefulset::data(rha, &names, &owner, opts, &hash),
        sentinel: statefulset::sentinel(rha, &names, &owner, opts, &hash),
        services: service::all(rha, &names, &owner),
        pdbs: pdb::all(rha, &names, &owner),
        certificate: certificate::certificate(rha, &names, &owner),
        config_map,
    })
}

/// The controller owner reference every child carries: deleting the RedisHA deletes them (garbage
/// collection), and `Controller::owns` maps their changes back to it.
pub fn owner_reference(rha: &RedisHA) -> Result<OwnerReference, RenderError> {
    if rha.uid().is_none() {
        return Err(RenderError::NoUid);
    }
    rha.controller_owner_ref(&()).ok_or(RenderError::NoUid)
}

/// Metadata for a child: name, namespace, labels, owner.
fn child_meta(names: &Names, name: String, component: Option<&str>, owner: &OwnerReference) -> ObjectMeta {
    ObjectMeta {
        name: Some(name),
        namespace: Some(names.namespace.clone()),
        labels: Some(names.labels(component)),
        owner_references: Some(vec![owner.clone()]),
        ..ObjectMeta::default()
    }
}

#[cfg(test)]
pub(crate) mod fixtures {
    //! A stored-looking RedisHA for builder tests.
    use crate::crd::{RedisHA, RedisHASpec};

    pub fn rha(spec: RedisHASpec) -> RedisHA {
        let mut r = RedisHA::new("cache", spec);
        r.metadata.namespace = Some("prod".into());
        r.metadata.uid = Some("1b2c3d4e-0000-4000-8000-000000000001".into());
        r.metadata.generation = Some(1);
        r
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::crd::RedisHASpec;

    #[test]
    fn render_needs_a_stored_object() {
        let mut r = fixtures::rha(RedisHASpec::default());
        r.metadata.uid = None;
        assert_eq!(render(&r, &RenderOptions::default()).err(), Some(RenderError::NoUid));
        let mut r = fixtures::rha(RedisHASpec::default());
        r.metadata.namespace = None;
        assert_eq!(render(&r, &RenderOptions::default()).err(), Some(RenderError::NoNamespace));
    }

    #[test]
    fn every_child_is_owned_by_the_redisha_as_controller() {
        let c = render(&fixtures::rha(RedisHASpec::default()), &RenderOptions::default()).expect("renders");
        let mut metas = vec![&c.config_map.metadata, &c.data.metadata, &c.sentinel.metadata];
        metas.extend(c.services.iter().map(|s| &s.metadata));
        metas.extend(c.pdbs.iter().map(|p| &p.metadata));
        assert_eq!(metas.len(), 3 + 5 + 2);
        for m in metas {
            let refs = m.owner_references.as_deref().unwrap_or_default();
            assert_eq!(refs.len(), 1, "{:?}", m.name);
            assert_eq!(refs[0].kind, "RedisHA");
            assert_eq!(refs[0].name, "cache");
            assert_eq!(refs[0].controller, Some(true));
            assert_eq!(m.namespace.as_deref(), Some("prod"));
            let labels = m.labels.clone().unwrap_or_default();
            assert_eq!(labels.get("app.kubernetes.io/instance").map(String::as_str), Some("cache"));
            assert_eq!(labels.get("app.kubernetes.io/managed-by").map(String::as_str), Some("redis-ha-operator"));
        }
    }
}
