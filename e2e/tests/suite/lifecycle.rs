//! A RedisHA's life after it is Ready: scaling the data pods, a spec change (a config value and the
//! image tag) rolled replicas first and the master last with no client errors beyond the switchover, and
//! a data pod that comes back with its volume emptied, which must never become master again (the boot
//! guard) nor wipe the others.

use std::time::Duration;

use anyhow::{ensure, Result};
use k8s_openapi::api::core::v1::Pod;
use serde_json::json;

use crate::cluster::{node_image_next, test_spec, wait_for, Cluster};
use crate::failover::{check_keys, ready_set, start_writer_with, write_keys, writer_result, CLI_MASTER, NAME, READY};

#[tokio::test]
#[ignore = "needs a cluster with the operator installed: run e2e/run.sh"]
async fn scaling_replicas_up_and_down() -> Result<()> {
    let (t, _) = ready_set("scale", 3).await?;
    write_keys(&t, 100, 3).await?;

    t.patch_spec(NAME, json!({"replicas": 4})).await?;
    t.wait_ready(NAME, 4, READY).await?;
    let replicas = |n: usize| {
        let t = &t;
        move || async move {
            let info = t.sh(&format!("{CLI_MASTER} INFO replication")).await?;
            let slaves = info.lines().find_map(|l| l.trim().strip_prefix("connected_slaves:")).unwrap_or("").to_string();
            Ok((slaves == n.to_string()).then_some(()))
        }
    };
    wait_for("the master to feed 3 replicas", Duration::from_secs(120), replicas(3)).await?;
    wait_for("cache-replicas to route to the 3 replicas", Duration::from_secs(60), || async {
        Ok((t.endpoint_pods("cache-replicas").await?.len() == 3).then_some(()))
    })
    .await?;

    t.patch_spec(NAME, json!({"replicas": 2})).await?;
    t.wait_ready(NAME, 2, READY).await?;
    wait_for("the master to feed 1 replica", Duration::from_secs(120), replicas(1)).await?;
    check_keys(&t, 100).await?;
    t.finish().await
}

#[tokio::test]
#[ignore = "needs a cluster with the operator installed: run e2e/run.sh"]
async fn a_spec_change_rolls_the_replicas_first_and_the_master_last() -> Result<()> {
    let (t, old) = ready_set("roll", 3).await?;
    write_keys(&t, 500, 3).await?;
    let seen = t.events(NAME, "RollingUpdate").await?.len();
    // A client writes all through the roll, until the key appears. Plain writes, no WAIT: the
    // switchover is coordinated with the old master (it hands over at its offset), so even a write
    // only the master acknowledged survives the roll.
    let writer = start_writer_with(&t, 900, &["--stop-key", "e2e-stop", "--wait", "0"]).await?;

    let image = node_image_next();
    // The change also adds an ACL user whose password comes from a Secret (spec.users).
    let app_secret = json!({"apiVersion": "v1", "kind": "Secret", "metadata": {"name": "e2e-app"}, "stringData": {"password": "app-pw-e2e"}});
    t.apply::<k8s_openapi::api::core::v1::Secret>("e2e-app", app_secret).await?;
    let users = json!([{"name": "app", "rules": "~app:* +@all -@dangerous", "passwordSecret": {"secretName": "e2e-app"}}]);
    t.patch_spec(NAME, json!({"config": [{"name": "maxmemory-policy", "value": "allkeys-lru"}], "image": image, "users": users})).await?;
    let steps = wait_for("the roll to restart the former master", Duration::from_secs(600), || async {
        let evs = t.events(NAME, "RollingUpdate").await?;
        let steps: Vec<(String, String)> =
            evs.iter().skip(seen).map(|e| (e.action.clone().unwrap_or_default(), e.note.clone().unwrap_or_default())).collect();
        Ok(steps.iter().any(|(a, _)| a == "RestartFormerMaster").then_some(steps))
    })
    .await?;
    println!("roll: {steps:#?}");
    // The image change rolls the sentinels too; the switchover waits until they are done, so it is
    // asked for once and the master moves once.
    let actions: Vec<&str> = steps.iter().map(|(a, _)| a.as_str()).collect();
    ensure!(actions.iter().filter(|a| **a == "Switchover").count() == 1, "one switchover: {actions:?}");
    let first_switchover = actions.iter().position(|a| *a == "Switchover");
    let last_replica = actions.iter().rposition(|a| *a == "RestartReplica");
    ensure!(actions.iter().filter(|a| **a == "RestartReplica").count() == 2, "both replicas restarted once: {actions:?}");
    ensure!(first_switchover.is_some_and(|s| last_replica.is_some_and(|r| r < s)), "replicas before the switchover: {actions:?}");
    ensure!(actions.last() == Some(&"RestartFormerMaster"), "the former master last: {actions:?}");
    let (_, last_note) = &steps[steps.len() - 1];
    ensure!(last_note.contains(&old), "the pod restarted last is the former master {old}: {steps:?}");
    // The operator checked the switchover's outcome before the restart.
    ensure!(last_note.contains("took over at its offset"), "the handover was verified before the restart: {last_note}");
    ensure!(t.events(NAME, "SwitchoverDiverged").await?.is_empty(), "no diverged switchover");
    ensure!(
        steps.iter().filter(|(a, _)| a == "RestartReplica").all(|(_, n)| !n.contains(&old)),
        "the master is not restarted as a replica: {steps:?}"
    );

    t.wait_ready(NAME, 3, READY).await?;
    let new = t.status_master(NAME).await?;
    ensure!(new != old, "the master moved off {old} before its restart");
    let policy = t.sh(&format!("{CLI_MASTER} CONFIG GET maxmemory-policy")).await?;
    ensure!(policy.lines().nth(1).map(str::trim) == Some("allkeys-lru"), "the new config is live on the master: {policy}");
    for p in t.api::<Pod>().list(&Default::default()).await?.items {
        let name = p.metadata.name.clone().unwrap_or_default();
        if name.starts_with("cache-") {
            let images: Vec<String> = p.spec.iter().flat_map(|s| s.containers.iter()).filter_map(|c| c.image.clone()).collect();
            ensure!(images.iter().all(|i| *i == image), "{name} runs {images:?}, not {image}");
        }
    }
    check_keys(&t, 500).await?;
    // The user logs in with its Secret's password and is held to its rules.
    let as_app =
        t.sh(&format!("{CLI_MASTER} --user app --pass app-pw-e2e SET app:1 v; {CLI_MASTER} --user app --pass app-pw-e2e SET other v")).await?;
    ensure!(as_app.lines().next().map(str::trim) == Some("OK") && as_app.contains("NOPERM"), "the app user's rules hold: {as_app}");

    t.sh(&format!("{CLI_MASTER} SET e2e-stop 1")).await?;
    let result = writer_result(&t, &writer, 900).await?;
    // Writes fail only while the master changes (a switchover pauses them, then the client finds the
    // new master): no more spans of errors than master changes, each short, and nothing acknowledged
    // is lost.
    let spans = result["error_spans"].as_array().cloned().unwrap_or_default();
    let longest = spans.iter().filter_map(|s| Some(s[1].as_f64()? - s[0].as_f64()?)).fold(0.0, f64::max);
    let switches = result["masters"].as_array().map(Vec::len).unwrap_or(0).saturating_sub(1);
    ensure!(switches >= 1, "the client followed the switchover: {result}");
    let distinct: std::collections::BTreeSet<String> =
        result["masters"].as_array().into_iter().flatten().filter_map(|m| m.as_str().map(str::to_string)).collect();
    ensure!(distinct.len() == 2, "the master moved once, from the old master to one updated replica: {result}");
    ensure!(spans.len() <= switches, "client errors beyond the switchovers: {result}");
    ensure!(longest <= 10.0, "a switchover held writes up for {longest:.1} s: {result}");
    ensure!(result["lost"] == 0, "no acknowledged write lost in the roll: {result}");
    t.finish().await
}

#[tokio::test]
#[ignore = "needs a cluster with the operator installed: run e2e/run.sh"]
async fn a_data_pod_back_with_an_emptied_volume_never_becomes_master() -> Result<()> {
    let cluster = Cluster::connect().await?;
    let t = cluster.namespace("bootguard").await?;
    let mut spec = test_spec(3);
    spec["persistence"] = json!({"mode": "rdb", "size": "1Gi"});
    t.redisha(NAME, spec).await?;
    t.wait_ready(NAME, 3, READY).await?;
    let old = t.status_master(NAME).await?;
    write_keys(&t, 500, 3).await?;
    t.sh(&format!("{CLI_MASTER} SAVE")).await?;
    let names = t.names(NAME).await?;
    let old_host = names.data_host(&old);

    // A watcher records every answer of the old master's pod to ROLE, from before the kill until the end.
    let watch = format!(
        "while true; do echo \"$(date +%s.%N) $(timeout 1 redis-cli --no-auth-warning -h {old_host} ROLE 2>&1 | head -n 1) \
         $(timeout 1 redis-cli --no-auth-warning -h {old_host} DBSIZE 2>&1 | head -n 1)\"; sleep 0.2; done"
    );
    let watcher = t.run_pod(&crate::cluster::node_image(), vec!["sh".into(), "-c".into(), watch], "role-watch").await?;
    wait_for("the ROLE watcher to report", Duration::from_secs(60), || async {
        Ok(t.logs(&watcher).await.unwrap_or_default().lines().any(|l| l.contains(" master ")).then_some(()))
    })
    .await?;

    let listing = t.exec(&old, "rm -rf /data/* /data/.[!.]* 2>/dev/null; ls -A /data | wc -l")?;
    ensure!(listing.trim() == "0", "the volume of {old} is empty: {listing}");
    let before = t.logs(&watcher).await?.lines().count();
    t.kill9_data_server(&old).await?;

    let new = crate::failover::wait_switched(&t, &old, Duration::from_secs(120)).await?;
    t.wait_ready(NAME, 3, READY).await?;
    wait_for(&format!("{old} to be a replica with the 500 keys again"), Duration::from_secs(120), || async {
        let out =
            t.sh(&format!("redis-cli --no-auth-warning -h {old_host} ROLE | head -n 1; redis-cli --no-auth-warning -h {old_host} DBSIZE")).await?;
        let lines: Vec<&str> = out.lines().map(str::trim).collect();
        Ok((lines == ["slave", "500"]).then_some(()))
    })
    .await?;
    let logs = t.logs(&watcher).await?;
    let after_kill: Vec<&str> = logs.lines().skip(before).collect();
    let as_master: Vec<&&str> = after_kill.iter().filter(|l| l.split_whitespace().nth(1) == Some("master")).collect();
    println!("{old} after the kill (first lines): {:#?}", after_kill.iter().take(15).collect::<Vec<_>>());
    // The first lines after the kill may still be the old process answering (the kill pod starts first).
    ensure!(as_master.iter().all(|l| l.split_whitespace().nth(2) != Some("0")), "{old} served as an empty master after its restart: {as_master:#?}");
    ensure!(new != old && t.status_master(NAME).await? == new, "the master is {new}, not the emptied {old}");
    for i in 0..3 {
        let host = names.data_host(&names.data_pod(i));
        let n = t.sh(&format!("redis-cli --no-auth-warning -h {host} GET key:500")).await?;
        ensure!(n.trim() == "value:500", "{host} kept the data: GET key:500 = {n:?}");
    }
    check_keys(&t, 500).await?;
    t.finish().await
}
