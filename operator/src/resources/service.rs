//! Services: headless ones give pods their stable DNS names; `<name>-master` follows the pod labelled
//! `redisha.io/role=master` (moved by the switch-master watcher), `<name>-replicas` the replicas, and
//! `<name>-sentinel` reaches any ready sentinel.

use std::collections::BTreeMap;

use k8s_openapi::api::core::v1::{Service, ServicePort, ServiceSpec};
use k8s_openapi::apimachinery::pkg::apis::meta::v1::OwnerReference;
use k8s_openapi::apimachinery::pkg::util::intstr::IntOrString;

use super::names::{Names, COMPONENT_DATA, COMPONENT_SENTINEL, DATA_PORT, ROLE_LABEL, ROLE_MASTER, ROLE_REPLICA, SENTINEL_PORT};
use crate::crd::RedisHA;

/// All five Services of `rha`.
pub fn all(rha: &RedisHA, names: &Names, owner: &OwnerReference) -> Vec<Service> {
    let data = names.selector(Some(COMPONENT_DATA));
    let with_role = |role: &str| {
        let mut s = data.clone();
        s.insert(ROLE_LABEL.into(), role.into());
        s
    };
    let client_annotations = (!rha.spec.service.annotations.is_empty()).then(|| rha.spec.service.annotations.clone());
    let client_type = rha.spec.service.type_.as_str();
    vec![
        headless(names, names.data_headless(), COMPONENT_DATA, data.clone(), DATA_PORT, "redis", owner),
        headless(names, names.sentinel_headless(), COMPONENT_SENTINEL, names.selector(Some(COMPONENT_SENTINEL)), SENTINEL_PORT, "sentinel", owner),
        client(
            names,
            names.master_service(),
            COMPONENT_DATA,
            with_role(ROLE_MASTER),
            DATA_PORT,
            "redis",
            client_type,
            client_annotations.clone(),
            owner,
        ),
        client(names, names.replicas_service(), COMPONENT_DATA, with_role(ROLE_REPLICA), DATA_PORT, "redis", client_type, client_annotations, owner),
        client(
            names,
            names.sentinel_service(),
            COMPONENT_SENTINEL,
            names.selector(Some(COMPONENT_SENTINEL)),
            SENTINEL_PORT,
            "sentinel",
            "ClusterIP",
            None,
            owner,
        ),
    ]
}

fn port(port: i32, name: &str) -> Vec<ServicePort> {
    vec![ServicePort {
        name: Some(name.into()),
        port,
        target_port: Some(IntOrString::String(name.into())),
        protocol: Some("TCP".into()),
        ..ServicePort::default()
    }]
}

fn headless(
    names: &Names,
    name: String,
    component: &str,
    selector: BTreeMap<String, String>,
    p: i32,
    port_name: &str,
    owner: &OwnerReference,
) -> Service {
    Service {
        metadata: super::child_meta(names, name, Some(component), owner),
        spec: Some(ServiceSpec {
            cluster_ip: Some("None".into()),
            // Pods must resolve each other before they are ready: a replica syncs from the master, and
            // sentinels resolve every announced hostname, while readiness depends on exactly that.
            publish_not_ready_addresses: Some(true),
            selector: Some(selector),
            ports: Some(port(p, port_name)),
            ..ServiceSpec::default()
        }),
        ..Service::default()
    }
}

fn client(
    names: &Names,
    name: String,
    component: &str,
    selector: BTreeMap<String, String>,
    p: i32,
    port_name: &str,
    type_: &str,
    annotations: Option<BTreeMap<String, String>>,
    owner: &OwnerReference,
) -> Service {
    let mut metadata = super::child_meta(names, name, Some(component), owner);
    metadata.annotations = annotations;
    Service {
        metadata,
        spec: Some(ServiceSpec { type_: Some(type_.into()), selector: Some(selector), ports: Some(port(p, port_name)), ..ServiceSpec::default() }),
        ..Service::default()
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::crd::{RedisHASpec, ServiceType};
    use crate::resources::{fixtures::rha, render, RenderOptions};

    fn services(spec: RedisHASpec) -> BTreeMap<String, Service> {
        let c = render(&rha(spec), &RenderOptions::default()).expect("renders");
        c.services.into_iter().map(|s| (s.metadata.name.clone().unwrap_or_default(), s)).collect()
    }

    fn selector(s: &Service) -> BTreeMap<String, String> {
        s.spec.as_ref().and_then(|s| s.selector.clone()).unwrap_or_default()
    }

    #[test]
    fn five_services_with_the_right_selectors() {
        let s = services(RedisHASpec::default());
        let names: Vec<_> = s.keys().map(String::as_str).collect();
        assert_eq!(names, ["cache-headless", "cache-master", "cache-replicas", "cache-sentinel", "cache-sentinel-headless"]);
        assert_eq!(selector(&s["cache-master"]).get(ROLE_LABEL).map(String::as_str), Some("master"));
        assert_eq!(selector(&s["cache-master"]).get("app.kubernetes.io/component").map(String::as_str), Some("data"));
        assert_eq!(selector(&s["cache-replicas"]).get(ROLE_LABEL).map(String::as_str), Some("replica"));
        assert_eq!(selector(&s["cache-sentinel"]).get("app.kubernetes.io/component").map(String::as_str), Some("sentinel"));
        assert!(!selector(&s["cache-headless"]).contains_key(ROLE_LABEL));
        for h in ["cache-headless", "cache-sentinel-headless"] {
            let spec = s[h].spec.as_ref().expect("spec");
            assert_eq!(spec.cluster_ip.as_deref(), Some("None"));
            assert_eq!(spec.publish_not_ready_addresses, Some(true));
        }
        // Client-facing Services only route to ready pods.
        assert_eq!(s["cache-master"].spec.as_ref().and_then(|s| s.publish_not_ready_addresses), None);
        let port = &s["cache-sentinel"].spec.as_ref().and_then(|s| s.ports.clone()).expect("ports")[0];
        assert_eq!(port.port, 26379);
    }

    #[test]
    fn type_and_annotations_apply_to_master_and_replicas_only() {
        let mut spec = RedisHASpec::default();
        spec.service.type_ = ServiceType::LoadBalancer;
        spec.service.annotations.insert("lb.example/internal".into(), "true".into());
        let s = services(spec);
        for n in ["cache-master", "cache-replicas"] {
            assert_eq!(s[n].spec.as_ref().and_then(|s| s.type_.as_deref()), Some("LoadBalancer"));
            assert!(s[n].metadata.annotations.as_ref().is_some_and(|a| a.contains_key("lb.example/internal")));
        }
        assert_eq!(s["cache-sentinel"].spec.as_ref().and_then(|s| s.type_.as_deref()), Some("ClusterIP"));
        assert!(s["cache-sentinel"].metadata.annotations.is_none());
    }
}
