//! `spec.tls` on a real cluster: a RedisHA whose every port is TLS only, with a Secret as cert-manager
//! writes it. It becomes Ready (the pods' scripts, replication and sentinels over TLS, and the
//! operator's own sentinel links with the Secret's certificate: status.master comes from them), serves
//! clients over TLS and nothing in plaintext, takes a renewed certificate from another CA without a
//! restart, and fails over afterwards with the new certificates on every link.

use std::path::Path;
use std::process::Command;
use std::time::Duration;

use anyhow::{bail, ensure, Context as _, Result};
use k8s_openapi::api::core::v1::{Pod, Secret};
use serde_json::json;

use crate::cluster::{test_spec, wait_for, Cluster};
use crate::failover::{check_keys, wait_switched, write_keys, CLI_MASTER, FAILOVER, NAME, READY};

const SECRET: &str = "cache-tls";

fn openssl(dir: &Path, args: &[&str]) -> Result<()> {
    let out = Command::new("openssl").args(args).current_dir(dir).output().context("openssl (scripts/test.sh installs it)")?;
    ensure!(out.status.success(), "openssl {args:?}: {}", String::from_utf8_lossy(&out.stderr));
    Ok(())
}

/// A CA named `ca`, and a certificate `cert` it signs for every name the set is reached by.
fn issue(dir: &Path, ca: &str, cert: &str, ns: &str) -> Result<()> {
    let ec = ["-newkey", "ec", "-pkeyopt", "ec_paramgen_curve:prime256v1", "-nodes"];
    if !dir.join(format!("{ca}.crt")).exists() {
        openssl(
            dir,
            &[
                &["req", "-x509"][..],
                &ec,
                &["-keyout", &format!("{ca}.key"), "-out", &format!("{ca}.crt"), "-days", "2", "-subj", &format!("/CN={ca}")],
            ]
            .concat(),
        )?;
    }
    openssl(dir, &[&["req"][..], &ec, &["-keyout", &format!("{cert}.key"), "-out", &format!("{cert}.csr"), "-subj", "/CN=cache"]].concat())?;
    let d = format!("{ns}.svc.cluster.local");
    let names = [
        format!("*.cache-headless.{d}"),
        format!("*.cache-sentinel-headless.{d}"),
        "cache-master".into(),
        format!("cache-master.{ns}.svc"),
        format!("cache-master.{d}"),
        "cache-sentinel".into(),
        format!("cache-sentinel.{d}"),
        "localhost".into(),
    ];
    let san: Vec<String> = names.iter().map(|n| format!("DNS:{n}")).chain(["IP:127.0.0.1".to_string()]).collect();
    std::fs::write(dir.join(format!("{cert}.ext")), format!("subjectAltName={}\nextendedKeyUsage=serverAuth,clientAuth\n", san.join(",")))?;
    openssl(
        dir,
        &[
            "x509",
            "-req",
            "-in",
            &format!("{cert}.csr"),
            "-CA",
            &format!("{ca}.crt"),
            "-CAkey",
            &format!("{ca}.key"),
            "-CAcreateserial",
            "-out",
            &format!("{cert}.crt"),
            "-days",
            "2",
            "-extfile",
            &format!("{cert}.ext"),
        ],
    )
}

fn read(dir: &Path, file: &str) -> Result<String> {
    std::fs::read_to_string(dir.join(file)).with_context(|| format!("reading {file}"))
}

#[tokio::test]
#[ignore = "needs a cluster with the operator installed: run e2e/run.sh"]
async fn a_tls_redisha_serves_tls_only_rotates_its_certificate_and_fails_over() -> Result<()> {
    let cluster = Cluster::connect().await?;
    let mut t = cluster.namespace("tls").await?;
    let dir = std::env::temp_dir().join(&t.name);
    std::fs::create_dir_all(&dir)?;
    issue(&dir, "ca1", "first", &t.name)?;
    // ca2.crt rides along for the test's own client, which trusts only the second CA.
    issue(&dir, "ca2", "second", &t.name)?;
    let secret = |cert: &str, ca: String| -> Result<serde_json::Value> {
        Ok(json!({
            "apiVersion": "v1", "kind": "Secret", "type": "kubernetes.io/tls",
            "metadata": {"name": SECRET},
            "stringData": {"tls.crt": read(&dir, &format!("{cert}.crt"))?, "tls.key": read(&dir, &format!("{cert}.key"))?, "ca.crt": ca, "ca2.crt": read(&dir, "ca2.crt")?},
        }))
    };
    t.apply::<Secret>(SECRET, secret("first", read(&dir, "ca1.crt")?)?).await?;
    t.tls_secret = Some(SECRET.into());

    let mut spec = test_spec(2);
    spec["tls"] = json!({"secretName": SECRET});
    t.redisha(NAME, spec).await?;
    t.wait_ready(NAME, 2, READY).await?;
    let master = t.status_master(NAME).await?;
    t.sh(&format!("i=0; until {CLI_MASTER} PING | grep -q PONG; do i=$((i+1)); [ $i -lt 60 ] || exit 1; sleep 0.5; done")).await?;
    write_keys(&t, 100, 2).await?;
    // The operator follows the sentinels as its own least-privilege user.
    let clients = t.sh("redis-cli --no-auth-warning -h cache-sentinel -p 26379 CLIENT LIST").await?;
    ensure!(clients.contains("user=redis-ha-operator"), "the operator's sentinel links log in as redis-ha-operator: {clients}");
    let plain = t.sh("command redis-cli --no-auth-warning -h cache-master PING 2>&1; command redis-cli --no-auth-warning -h cache-sentinel -p 26379 PING 2>&1; true").await?;
    ensure!(!plain.contains("PONG"), "plaintext must not be served: {plain}");
    let ca2_only =
        "command redis-cli --no-auth-warning --tls --cacert /tls/ca2.crt --cert /tls/tls.crt --key /tls/tls.key -h cache-master PING 2>&1; true";
    ensure!(!t.sh(ca2_only).await?.contains("PONG"), "the first certificate is not trusted by the second CA alone");

    // Renewal to a certificate of another CA; ca.crt carries both while pods still present the old one.
    let pods: Vec<(String, String)> = t
        .api::<Pod>()
        .list(&Default::default())
        .await?
        .items
        .iter()
        .filter(|p| p.metadata.name.as_deref().is_some_and(|n| n.starts_with("cache-")))
        .map(|p| (p.metadata.name.clone().unwrap_or_default(), p.metadata.uid.clone().unwrap_or_default()))
        .collect();
    ensure!(pods.len() == 5, "2 data pods and 3 sentinels, got {pods:?}");
    t.apply::<Secret>(SECRET, secret("second", format!("{}{}", read(&dir, "ca1.crt")?, read(&dir, "ca2.crt")?))?).await?;
    wait_for("every pod to present the renewed certificate", Duration::from_secs(240), || async {
        let mut out = String::new();
        for host in ["cache-master", "cache-replicas"] {
            out += &t.sh(&ca2_only.replace("cache-master", host)).await?;
        }
        let sentinels = t.sh(&ca2_only.replace("-h cache-master", "-h cache-sentinel -p 26379")).await?;
        Ok((out.matches("PONG").count() == 2 && sentinels.contains("PONG")).then_some(()))
    })
    .await?;
    for (pod, uid) in &pods {
        let p = t.api::<Pod>().get(pod).await?;
        ensure!(p.metadata.uid.as_deref() == Some(uid.as_str()), "pod {pod} was replaced");
        ensure!(t.restarts(pod).await? == 0, "pod {pod} restarted");
    }

    // A failover after the renewal: the pods link up again with the new certificate, and the
    // operator's sentinel links (rebuilt from the renewed Secret) follow the switch.
    t.delete_pod(&master).await?;
    let new_master = wait_switched(&t, &master, FAILOVER).await?;
    if new_master == master {
        bail!("the master did not move");
    }
    check_keys(&t, 100).await?;
    t.wait_ready(NAME, 2, READY).await?;
    let _ = std::fs::remove_dir_all(&dir);
    t.finish().await
}
