//! Names of everything a RedisHA owns, its labels, and the stable DNS names pods announce.
//!
//! Sentinels and replicas announce hostnames (`announce-hostnames`), not pod IPs: a restarted pod keeps
//! its name, so the sentinels' view survives IP churn, and the operator maps a reported address back to a
//! pod by name.

use std::collections::BTreeMap;

use kube::ResourceExt;

use super::RenderError;
use crate::crd::RedisHA;

/// Port of the data pods.
pub const DATA_PORT: i32 = 6379;
/// Port of the sentinel pods.
pub const SENTINEL_PORT: i32 = 26379;
/// Prometheus metrics port of data and sentinel pods when `spec.metrics.enabled` (redis-ha-node's
/// `ha-metrics-port`; 9121 is redis_exporter's port, where scrape configs already look).
pub const METRICS_PORT: i32 = 9121;

/// Label the switch-master watcher moves: `master` on exactly one data pod, `replica` on the others.
pub const ROLE_LABEL: &str = "redisha.io/role";
pub const ROLE_MASTER: &str = "master";
pub const ROLE_REPLICA: &str = "replica";

pub const LABEL_NAME: &str = "app.kubernetes.io/name";
pub const LABEL_INSTANCE: &str = "app.kubernetes.io/instance";
pub const LABEL_COMPONENT: &str = "app.kubernetes.io/component";
pub const LABEL_MANAGED_BY: &str = "app.kubernetes.io/managed-by";
pub const APP_NAME: &str = "redis-ha";
pub const MANAGER: &str = "redis-ha-operator";
pub const COMPONENT_DATA: &str = "data";
pub const COMPONENT_SENTINEL: &str = "sentinel";

/// Names derived from one RedisHA.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Names {
    /// The RedisHA's name; also the sentinels' master-set name.
    pub name: String,
    pub namespace: String,
    pub cluster_domain: String,
}

impl Names {
    pub fn of(rha: &RedisHA, cluster_domain: &str) -> Result<Self, RenderError> {
        Ok(Names { name: rha.name_any(), namespace: rha.namespace().ok_or(RenderError::NoNamespace)?, cluster_domain: cluster_domain.into() })
    }

    /// The name sentinels monitor (`sentinel monitor <master_set> ...`).
    pub fn master_set(&self) -> &str {
        &self.name
    }
    pub fn data_statefulset(&self) -> String {
        self.name.clone()
    }
    pub fn sentinel_statefulset(&self) -> String {
        format!("{}-sentinel", self.name)
    }
    pub fn data_headless(&self) -> String {
        format!("{}-headless", self.name)
    }
    pub fn sentinel_headless(&self) -> String {
        format!("{}-sentinel-headless", self.name)
    }
    pub fn master_service(&self) -> String {
        format!("{}-master", self.name)
    }
    pub fn replicas_service(&self) -> String {
        format!("{}-replicas", self.name)
    }
    pub fn sentinel_service(&self) -> String {
        format!("{}-sentinel", self.name)
    }
    /// The Secret with the password of the operator's own ACL user, which the operator generates.
    pub fn operator_secret(&self) -> String {
        format!("{}-operator", self.name)
    }
    pub fn config_map(&self) -> String {
        format!("{}-config", self.name)
    }
    pub fn data_pdb(&self) -> String {
        self.name.clone()
    }
    pub fn sentinel_pdb(&self) -> String {
        format!("{}-sentinel", self.name)
    }
    pub fn data_pod(&self, ordinal: i32) -> String {
        format!("{}-{ordinal}", self.name)
    }
    pub fn sentinel_pod(&self, ordinal: i32) -> String {
        format!("{}-sentinel-{ordinal}", self.name)
    }

    /// DNS suffix shared by every pod behind a headless Service: `.<svc>.<ns>.svc.<domain>`.
    fn pod_domain(&self, headless: &str) -> String {
        format!("{headless}.{}.svc.{}", self.namespace, self.cluster_domain)
    }
    /// The hostname a data pod announces (and sentinels report).
    pub fn data_host(&self, pod: &str) -> String {
        format!("{pod}.{}", self.pod_domain(&self.data_headless()))
    }
    /// The hostname a sentinel pod announces; the operator connects to each sentinel through it.
    pub fn sentinel_host(&self, pod: &str) -> String {
        format!("{pod}.{}", self.pod_domain(&self.sentinel_headless()))
    }
    /// `.<headless>.<ns>.svc.<domain>` of data pods, for the start script to build its own hostname.
    pub fn data_domain(&self) -> String {
        self.pod_domain(&self.data_headless())
    }
    pub fn sentinel_domain(&self) -> String {
        self.pod_domain(&self.sentinel_headless())
    }

    /// The data pod a reported host names, if it is one of ours: `<name>-<n>.<name>-headless...`,
    /// or the bare pod name. An IP address or a foreign host gives None.
    pub fn data_pod_of_host(&self, host: &str) -> Option<String> {
        let host = host.trim_end_matches('.');
        let (pod, rest) = host.split_once('.').unwrap_or((host, ""));
        // Accept the full name or any shorter form the resolver's search path completes (`.svc`, ...).
        let domain = self.data_domain();
        if !rest.is_empty() && rest != domain && !domain.starts_with(&format!("{rest}.")) {
            return None;
        }
        self.data_ordinal(pod)?;
        Some(pod.to_string())
    }

    /// The ordinal of one of this set's data pods (`<name>-<n>`), None for any other name.
    pub fn data_ordinal(&self, pod: &str) -> Option<i32> {
        let ordinal = pod.strip_prefix(&self.name)?.strip_prefix('-')?;
        if ordinal.is_empty() || !ordinal.bytes().all(|b| b.is_ascii_digit()) || (ordinal.len() > 1 && ordinal.starts_with('0')) {
            return None;
        }
        ordinal.parse().ok()
    }

    /// Labels every child carries; `component` narrows to data or sentinel.
    pub fn labels(&self, component: Option<&str>) -> BTreeMap<String, String> {
        let mut l = self.selector(component);
        l.insert(LABEL_MANAGED_BY.into(), MANAGER.into());
        l
    }

    /// Selector for one component's pods (or all of this RedisHA's pods).
    pub fn selector(&self, component: Option<&str>) -> BTreeMap<String, String> {
        let mut l = BTreeMap::new();
        l.insert(LABEL_NAME.into(), APP_NAME.into());
        l.insert(LABEL_INSTANCE.into(), self.name.clone());
        if let Some(c) = component {
            l.insert(LABEL_COMPONENT.into(), c.into());
        }
        l
    }

    /// Label selector string for listing this RedisHA's data pods.
    pub fn data_pod_selector(&self) -> String {
        self.selector(Some(COMPONENT_DATA)).iter().map(|(k, v)| format!("{k}={v}")).collect::<Vec<_>>().join(",")
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn names() -> Names {
        Names { name: "cache".into(), namespace: "prod".into(), cluster_domain: "cluster.local".into() }
    }

    #[test]
    fn hostnames_are_stable_pod_dns_names() {
        let n = names();
        assert_eq!(n.data_host("cache-1"), "cache-1.cache-headless.prod.svc.cluster.local");
        assert_eq!(n.sentinel_host("cache-sentinel-0"), "cache-sentinel-0.cache-sentinel-headless.prod.svc.cluster.local");
    }

    #[test]
    fn reported_hosts_map_back_to_data_pods_only() {
        let n = names();
        assert_eq!(n.data_pod_of_host("cache-2.cache-headless.prod.svc.cluster.local").as_deref(), Some("cache-2"));
        assert_eq!(n.data_pod_of_host("cache-2.cache-headless.prod.svc.cluster.local.").as_deref(), Some("cache-2"));
        assert_eq!(n.data_pod_of_host("cache-2.cache-headless.prod.svc").as_deref(), Some("cache-2"));
        assert_eq!(n.data_pod_of_host("cache-12").as_deref(), Some("cache-12"));
        for foreign in [
            "10.0.0.7",
            "cache-sentinel-0.cache-sentinel-headless.prod.svc.cluster.local",
            "cache-1.other-headless.prod.svc.cluster.local",
            "cache-1.cache-headless.dev.svc.cluster.local",
            "cache-1.cache-headless.pro",
            "cachex-1",
            "cache-",
            "cache-01",
            "cache-a",
            "",
        ] {
            assert_eq!(n.data_pod_of_host(foreign), None, "{foreign}");
        }
    }

    #[test]
    fn ordinals_of_data_pods_only() {
        let n = names();
        assert_eq!(n.data_ordinal("cache-0"), Some(0));
        assert_eq!(n.data_ordinal("cache-12"), Some(12));
        for other in ["cache-sentinel-0", "cache-01", "cache-", "cachex-1", "cache-99999999999"] {
            assert_eq!(n.data_ordinal(other), None, "{other}");
        }
    }

    #[test]
    fn the_longest_allowed_name_fits_every_derived_name_and_label() {
        let n = Names { name: "n".repeat(crate::crd::MAX_NAME_LEN), ..names() };
        // StatefulSet pods carry `controller-revision-hash: <statefulset>-<hash>`, the hash up to 10 characters.
        let longest_label = format!("{}-{}", n.sentinel_statefulset(), "h".repeat(10));
        assert_eq!(longest_label.len(), 63, "MAX_NAME_LEN is exactly what the 63-character label limit allows");
        for derived in [
            n.data_statefulset(),
            n.sentinel_statefulset(),
            n.data_headless(),
            n.sentinel_headless(),
            n.master_service(),
            n.replicas_service(),
            n.sentinel_service(),
            n.config_map(),
            n.data_pod(99),
            n.sentinel_pod(14),
        ] {
            assert!(derived.len() <= 63, "{derived} ({} characters)", derived.len());
        }
    }

    #[test]
    fn selectors_narrow_by_component() {
        let n = names();
        assert_eq!(n.data_pod_selector(), "app.kubernetes.io/component=data,app.kubernetes.io/instance=cache,app.kubernetes.io/name=redis-ha");
        assert!(!n.selector(None).contains_key(LABEL_COMPONENT));
        assert!(!n.selector(Some(COMPONENT_DATA)).contains_key(LABEL_MANAGED_BY), "selectors must not carry mutable labels");
    }
}
