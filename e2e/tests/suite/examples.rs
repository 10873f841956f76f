//! Every RedisHA in `manifests/examples/` applied with `kubectl` the way its comments tell a user to (its
//! password Secret first): all pods Ready, `kubectl get rha` shows the master, the ready data pods and
//! the sentinels, and `<name>-master` has exactly one endpoint, the master.
//!
//! An example that asks for hard anti-affinity cannot place more pods than the cluster has nodes (the
//! local cluster has one): there the test checks that the rule holds as documented — one data pod and
//! one sentinel per node, the rest Pending for the anti-affinity rule — then relaxes it to `soft` with
//! `kubectl patch` and checks everything else as for the other examples.

use std::path::Path;
use std::time::Duration;

use anyhow::{ensure, Context as _, Result};
use serde::Deserialize;
use serde_json::Value;

use crate::cluster::{kubectl, wait_for, Cluster};

const READY: Duration = Duration::from_secs(420);

#[tokio::test]
#[ignore = "needs a cluster with the operator installed: run e2e/run.sh"]
async fn every_example_runs_as_documented() -> Result<()> {
    let dir = Path::new(env!("CARGO_MANIFEST_DIR")).join("../manifests/examples");
    let mut files: Vec<_> =
        std::fs::read_dir(&dir)?.filter_map(|e| e.ok().map(|e| e.path())).filter(|p| p.extension().is_some_and(|e| e == "yaml")).collect();
    files.sort();
    ensure!(!files.is_empty(), "no examples in {}", dir.display());
    let cluster = Cluster::connect().await?;
    for file in files {
        let text = std::fs::read_to_string(&file)?;
        let doc = serde_yaml::Deserializer::from_str(&text).map(Value::deserialize).find_map(|d| d.ok().filter(|v| v["kind"] == "RedisHA"));
        let rha = doc.with_context(|| format!("{} holds no RedisHA", file.display()))?;
        let name = rha["metadata"]["name"].as_str().context("a name")?.to_string();
        let stem = file.file_stem().unwrap_or_default().to_string_lossy().into_owned();
        let t = cluster.namespace(&format!("example-{stem}")).await?;
        if let Some(secret) = rha["spec"]["auth"]["secretName"].as_str() {
            let key = rha["spec"]["auth"]["key"].as_str().unwrap_or("password");
            kubectl(&["-n", &t.name, "create", "secret", "generic", secret, &format!("--from-literal={key}={}", t.password)])?;
        }
        println!("{}: kubectl apply", file.display());
        kubectl(&["-n", &t.name, "apply", "-f", &file.to_string_lossy()])?;
        let replicas = rha["spec"]["replicas"].as_i64().unwrap_or(3) as i32;
        let sentinels = rha["spec"]["sentinels"].as_i64().unwrap_or(3);
        let nodes = schedulable_nodes(&cluster).await?;
        if rha["spec"]["antiAffinity"] == "hard" && (nodes as i64) < replicas.max(sentinels as i32) as i64 {
            hard_anti_affinity_holds(&t, &name, nodes).await?;
            kubectl(&["-n", &t.name, "patch", "rha", &name, "--type", "merge", "-p", r#"{"spec":{"antiAffinity":"soft"}}"#])?;
        }
        let ready = t.wait_ready(&name, replicas, READY).await?;
        let master = ready.status.and_then(|s| s.master).map(|m| m.pod).context("status.master")?;

        let columns = kubectl(&["-n", &t.name, "get", "rha", &name, "--no-headers"])?;
        let cols: Vec<&str> = columns.split_whitespace().collect();
        println!("kubectl get rha: {}", columns.trim());
        ensure!(
            cols.len() >= 4 && cols[0] == name && cols[1] == master && cols[2] == replicas.to_string() && cols[3] == sentinels.to_string(),
            "{stem}: kubectl get rha shows NAME MASTER READY SENTINELS = {name} {master} {replicas} {sentinels}: {columns}"
        );
        let master_service = format!("{name}-master");
        let endpoints = wait_for(&format!("{master_service} to route to {master} alone"), Duration::from_secs(60), || async {
            let eps = t.endpoint_pods(&master_service).await?;
            Ok((eps == [master.clone()]).then_some(eps))
        })
        .await?;
        println!("{stem}: {master_service} -> {endpoints:?}");
        let pods = kubectl(&["-n", &t.name, "get", "pods", "--no-headers"])?;
        let not_ready: Vec<&str> =
            pods.lines().filter(|l| l.split_whitespace().nth(1).is_some_and(|r| r.split_once('/').is_none_or(|(a, b)| a != b))).collect();
        ensure!(not_ready.is_empty(), "{stem}: pods not Ready: {not_ready:?}");
        // One example at a time: the fast-failover example asks for most of a small node's CPU.
        t.finish().await?;
    }
    Ok(())
}

/// Nodes that take pods (not cordoned, no NoSchedule taint).
async fn schedulable_nodes(cluster: &Cluster) -> Result<usize> {
    let nodes = kube::Api::<k8s_openapi::api::core::v1::Node>::all(cluster.client.clone()).list(&Default::default()).await?;
    Ok(nodes
        .items
        .iter()
        .filter(|n| {
            let spec = n.spec.clone().unwrap_or_default();
            !spec.unschedulable.unwrap_or(false) && !spec.taints.unwrap_or_default().iter().any(|t| t.effect == "NoSchedule")
        })
        .count())
}

/// With hard anti-affinity on `nodes` nodes: `nodes` data pods and `nodes` sentinels run, every other pod
/// of the RedisHA stays Pending, and the scheduler says it is the anti-affinity rule.
async fn hard_anti_affinity_holds(t: &crate::cluster::TestNs, name: &str, nodes: usize) -> Result<()> {
    use k8s_openapi::api::core::v1::Pod;
    wait_for(&format!("{name}: {nodes} data pod(s) and {nodes} sentinel(s) placed, the rest Pending for anti-affinity"), READY, || async {
        let pods = t.api::<Pod>().list(&Default::default()).await?.items;
        let of = |component: &str| -> Vec<&Pod> {
            pods.iter()
                .filter(|p| p.metadata.labels.as_ref().and_then(|l| l.get("app.kubernetes.io/component")).map(String::as_str) == Some(component))
                .collect()
        };
        let placed = |ps: &[&Pod]| ps.iter().filter(|p| p.spec.as_ref().and_then(|s| s.node_name.as_ref()).is_some()).count();
        let pending_for_affinity = |ps: &[&Pod]| {
            ps.iter().filter(|p| p.spec.as_ref().and_then(|s| s.node_name.as_ref()).is_none()).all(|p| {
                p.status.as_ref().and_then(|s| s.conditions.as_ref()).is_some_and(|cs| {
                    cs.iter().any(|c| {
                        c.type_ == "PodScheduled" && c.status == "False" && c.message.as_deref().is_some_and(|m| m.contains("anti-affinity"))
                    })
                })
            })
        };
        let (data, sentinels) = (of("data"), of("sentinel"));
        if data.len() < 2
            || placed(&data) != nodes
            || placed(&sentinels) != nodes
            || !pending_for_affinity(&data)
            || !pending_for_affinity(&sentinels)
        {
            anyhow::bail!("data {}/{} placed, sentinels {}/{} placed", placed(&data), data.len(), placed(&sentinels), sentinels.len());
        }
        Ok(Some(()))
    })
    .await?;
    println!("{name}: hard anti-affinity holds on {nodes} node(s): the other pods are Pending; relaxing it to soft");
    Ok(())
}
