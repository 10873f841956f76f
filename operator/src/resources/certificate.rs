//! The cert-manager `Certificate` of `spec.tls.certManager`: it has cert-manager write the Secret
//! `spec.tls.secretName`, valid for every name clients and peers reach the pods by, for server and
//! client auth (the pods present it to each other, the operator to the sentinels). cert-manager
//! renews it; the pods pick the renewed files up without restarts (`tls-auto-reload-interval`).

use kube::api::{ApiResource, DynamicObject, GroupVersionKind};
use serde_json::json;

use super::names::Names;
use crate::crd::RedisHA;
use k8s_openapi::apimachinery::pkg::apis::meta::v1::OwnerReference;

/// `certificates.cert-manager.io/v1`, which the operator applies as a dynamic object: cert-manager's
/// CRDs are optional, so the operator is not built against their types.
pub fn api_resource() -> ApiResource {
    ApiResource::from_gvk_with_plural(&GroupVersionKind::gvk("cert-manager.io", "v1", "Certificate"), "certificates")
}

/// Every DNS name the pods are reached by: the Services, short and qualified, and each pod's
/// hostname (wildcards over the headless Services), plus localhost for the pods' own probes.
pub fn dns_names(names: &Names) -> Vec<String> {
    let mut out = Vec::new();
    for svc in [names.master_service(), names.replicas_service(), names.sentinel_service()] {
        let ns = &names.namespace;
        out.push(svc.clone());
        out.push(format!("{svc}.{ns}"));
        out.push(format!("{svc}.{ns}.svc"));
        out.push(format!("{svc}.{ns}.svc.{}", names.cluster_domain));
    }
    out.push(format!("*.{}", names.data_domain()));
    out.push(format!("*.{}", names.sentinel_domain()));
    out.push("localhost".into());
    out
}

/// The Certificate, or None without `spec.tls.certManager`.
pub fn certificate(rha: &RedisHA, names: &Names, owner: &OwnerReference) -> Option<DynamicObject> {
    let tls = rha.spec.tls.as_ref()?;
    let cm = tls.cert_manager.as_ref()?;
    let mut spec = json!({
        "secretName": tls.secret_name,
        "commonName": format!("{}.{}.svc.{}", names.master_service(), names.namespace, names.cluster_domain),
        "dnsNames": dns_names(names),
        "ipAddresses": ["127.0.0.1"],
        "usages": ["server auth", "client auth", "digital signature", "key encipherment"],
        "privateKey": {"algorithm": "ECDSA", "size": 256, "rotationPolicy": "Always"},
        "issuerRef": {"name": cm.issuer_ref.name, "kind": cm.issuer_ref.kind, "group": cm.issuer_ref.group},
    });
    if let Some(d) = &cm.duration {
        spec["duration"] = json!(d);
    }
    if let Some(r) = &cm.renew_before {
        spec["renewBefore"] = json!(r);
    }
    let mut obj = DynamicObject::new(&tls.secret_name, &api_resource()).within(&names.namespace);
    obj.metadata = super::child_meta(names, tls.secret_name.clone(), None, owner);
    obj.data = json!({ "spec": spec });
    Some(obj)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::crd::{CertManagerSpec, ClientAuth, IssuerRef, RedisHASpec, TlsSpec};
    use crate::resources::{fixtures::rha, owner_reference};

    fn tls(cert_manager: Option<CertManagerSpec>) -> RedisHASpec {
        RedisHASpec { tls: Some(TlsSpec { secret_name: "cache-tls".into(), client_auth: ClientAuth::Required, cert_manager }), ..Default::default() }
    }

    #[test]
    fn only_with_cert_manager() {
        for spec in [RedisHASpec::default(), tls(None)] {
            let r = rha(spec);
            let names = Names::of(&r, "cluster.local").expect("names");
            assert!(certificate(&r, &names, &owner_reference(&r).expect("owner")).is_none());
        }
    }

    #[test]
    fn the_certificate_names_every_way_in_and_both_usages() {
        let issuer = IssuerRef { name: "ca".into(), kind: "ClusterIssuer".into(), group: "cert-manager.io".into() };
        let r = rha(tls(Some(CertManagerSpec { issuer_ref: issuer, duration: Some("720h".into()), renew_before: None })));
        let names = Names::of(&r, "cluster.local").expect("names");
        let c = certificate(&r, &names, &owner_reference(&r).expect("owner")).expect("a Certificate");
        let v = serde_json::to_value(&c).expect("serializes");
        assert_eq!(v["apiVersion"], "cert-manager.io/v1");
        assert_eq!(v["kind"], "Certificate");
        assert_eq!(v["metadata"]["name"], "cache-tls");
        assert_eq!(v["metadata"]["namespace"], "prod");
        assert_eq!(v["metadata"]["ownerReferences"][0]["kind"], "RedisHA");
        let spec = &v["spec"];
        assert_eq!(spec["secretName"], "cache-tls");
        assert_eq!(spec["issuerRef"], json!({"name": "ca", "kind": "ClusterIssuer", "group": "cert-manager.io"}));
        assert_eq!(spec["duration"], "720h");
        assert!(spec.get("renewBefore").is_none());
        let dns: Vec<&str> = spec["dnsNames"].as_array().expect("dnsNames").iter().filter_map(|n| n.as_str()).collect();
        for want in [
            "cache-master",
            "cache-master.prod.svc.cluster.local",
            "cache-replicas.prod.svc",
            "cache-sentinel.prod",
            // The names the pods announce and the operator connects to.
            "*.cache-headless.prod.svc.cluster.local",
            "*.cache-sentinel-headless.prod.svc.cluster.local",
            "localhost",
        ] {
            assert!(dns.contains(&want), "{want} missing from {dns:?}");
        }
        let usages = spec["usages"].as_array().expect("usages");
        assert!(usages.contains(&json!("server auth")) && usages.contains(&json!("client auth")));
    }
}
