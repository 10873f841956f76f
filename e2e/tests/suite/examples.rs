//! Every RedisHA in `manifests/examples/` applied with `kubectl` the way its comments tell a user to (its
//! password Secret first): all pods Ready, `kubectl get rha` shows the master, the ready data pods and
//! the sentinels, and `<name>-master` has exactly one endpoint, the master.

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
    let mut files: Vec<_> = std::fs::read_dir(&dir)?.filter_map(|e| e.ok().map(|e| e.path())).filter(|p| p.extension().is_some_and(|e| e == "yaml")).collect();
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
        let not_ready: Vec<&str> = pods.lines().filter(|l| l.split_whitespace().nth(1).is_some_and(|r| r.split_once('/').is_none_or(|(a, b)| a != b))).collect();
        ensure!(not_ready.is_empty(), "{stem}: pods not Ready: {not_ready:?}");
        // One example at a time: the fast-failover example asks for most of a small node's CPU.
        t.finish().await?;
    }
    Ok(())
}
