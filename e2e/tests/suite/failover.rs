//! A RedisHA on a real cluster with the operator installed, as its users meet it: Ready, writes through
//! `<name>-master` by DNS name, and failovers (the master pod deleted, or its process killed with -9)
//! that move the Service's single endpoint, record a `MasterSwitched` Event and lose no write a client
//! had acknowledged with `WAIT 1`. Like every cluster test they are `#[ignore]`d: `cargo test` without a
//! cluster must not count them as passed; `e2e/run.sh` runs them with `--ignored`. Each test works in a
//! namespace of its own, deleted when it passes and kept when it fails.

use std::time::{Duration, Instant};

use anyhow::{bail, ensure, Context as _, Result};
use serde_json::Value;

use crate::cluster::{client_image, test_spec, wait_for, Cluster, TestNs};

pub const READY: Duration = Duration::from_secs(300);
pub const FAILOVER: Duration = Duration::from_secs(90);
pub const NAME: &str = "cache";
/// redis-cli against the master Service of `NAME`.
pub const CLI_MASTER: &str = "redis-cli --no-auth-warning -h cache-master";

/// A Ready RedisHA `NAME` with `replicas` data pods in a fresh namespace.
pub async fn ready_set(test: &str, replicas: i32) -> Result<(TestNs, String)> {
    let cluster = Cluster::connect().await?;
    let t = cluster.namespace(test).await?;
    t.redisha(NAME, test_spec(replicas)).await?;
    t.wait_ready(NAME, replicas, READY).await?;
    let master = t.status_master(NAME).await?;
    // kube-proxy refuses connections to a Service until it has programmed its first endpoints.
    t.sh(&format!("i=0; until {CLI_MASTER} PING | grep -q PONG; do i=$((i+1)); [ $i -lt 60 ] || exit 1; sleep 0.5; done")).await?;
    Ok((t, master))
}

/// Writes `n` keys through the master Service and waits for every replica to acknowledge them.
pub async fn write_keys(t: &TestNs, n: u32, replicas: i32) -> Result<()> {
    let out =
        t.sh(&format!("seq 1 {n} | sed 's/.*/SET key:& value:&/' | {CLI_MASTER} > /dev/null && {CLI_MASTER} WAIT {} 10000", replicas - 1)).await?;
    ensure!(out.trim() == (replicas - 1).to_string(), "WAIT: {} replicas acknowledged, expected {}", out.trim(), replicas - 1);
    Ok(())
}

/// The dataset behind the master Service holds the `n` keys `write_keys` wrote, with their values (other
/// keys a test's writer added may be there too).
pub async fn check_keys(t: &TestNs, n: u32) -> Result<()> {
    let keys: Vec<String> = (1..=n).map(|i| format!("key:{i}")).collect();
    let out = t.sh(&format!("{CLI_MASTER} EXISTS {} && {CLI_MASTER} GET key:{n}", keys.join(" "))).await?;
    let lines: Vec<&str> = out.lines().map(str::trim).collect();
    ensure!(lines == [n.to_string().as_str(), format!("value:{n}").as_str()], "after the switch the master has {lines:?}, expected {n} keys");
    Ok(())
}

/// Waits until the sentinels, the role labels, the master Service's endpoints and the status all name
/// one pod other than `old`; returns it.
pub async fn wait_switched(t: &TestNs, old: &str, timeout: Duration) -> Result<String> {
    wait_for(&format!("the master to move away from {old} everywhere"), timeout, || async {
        let by_sentinels = t.sentinel_master(NAME).await?;
        let labelled = t.labelled_masters(NAME).await?;
        let endpoints = t.endpoint_pods("cache-master").await?;
        let status = t.status_master(NAME).await?;
        if by_sentinels == old || labelled != [by_sentinels.clone()] || endpoints != [by_sentinels.clone()] || status != by_sentinels {
            bail!("sentinels {by_sentinels}, labelled {labelled:?}, endpoints {endpoints:?}, status {status}");
        }
        Ok(Some(by_sentinels))
    })
    .await
}

#[tokio::test]
#[ignore = "needs a cluster with the operator installed: run e2e/run.sh"]
async fn a_redisha_becomes_ready() -> Result<()> {
    let (t, master) = ready_set("ready", 3).await?;
    ensure!(t.labelled_masters(NAME).await? == [master.clone()], "exactly the status master carries the master label");
    ensure!(t.endpoint_pods("cache-master").await? == [master.clone()], "cache-master routes to the master only");
    let replicas = t.endpoint_pods("cache-replicas").await?;
    ensure!(replicas.len() == 2 && !replicas.contains(&master), "cache-replicas routes to the two replicas, got {replicas:?}");
    ensure!(t.sentinel_master(NAME).await? == master, "the sentinels agree with the status");
    let rha = t.get(NAME).await?;
    let ready = rha.status.as_ref().and_then(|s| s.conditions.iter().find(|c| c.type_ == "Ready")).map(|c| c.status.clone());
    ensure!(ready.as_deref() == Some("True"), "Ready condition is {ready:?}");
    t.finish().await
}

#[tokio::test]
#[ignore = "needs a cluster with the operator installed: run e2e/run.sh"]
async fn writes_through_the_master_service_succeed() -> Result<()> {
    let (t, _) = ready_set("writes", 3).await?;
    let out = t
        .sh(&format!(
            "{CLI_MASTER} SET greeting hello && {CLI_MASTER} WAIT 2 5000 && {CLI_MASTER} GET greeting \
             && redis-cli --no-auth-warning -h cache-replicas GET greeting \
             && redis-cli --no-auth-warning -h cache-replicas SET greeting nope || true"
        ))
        .await?;
    // redis-cli ends an error reply with an empty line when its output is not a terminal.
    let lines: Vec<&str> = out.lines().map(str::trim).filter(|l| !l.is_empty()).collect();
    ensure!(lines.len() == 5, "unexpected output {lines:?}");
    ensure!(lines[..4] == ["OK", "2", "hello", "hello"], "write, replication and reads: {lines:?}");
    ensure!(lines[4].starts_with("READONLY"), "cache-replicas must refuse writes: {lines:?}");
    t.finish().await
}

#[tokio::test]
#[ignore = "needs a cluster with the operator installed: run e2e/run.sh"]
async fn deleting_the_master_pod_switches_the_master_service_and_keeps_the_data() -> Result<()> {
    let (t, old) = ready_set("failover", 3).await?;
    write_keys(&t, 1000, 3).await?;
    let seen = t.events(NAME, "MasterSwitched").await?.len();

    let start = Instant::now();
    t.delete_pod(&old).await?;
    let event = wait_for("a MasterSwitched Event", FAILOVER, || async {
        let evs = t.events(NAME, "MasterSwitched").await?;
        Ok((evs.len() > seen).then(|| evs.last().and_then(|e| e.note.clone()).unwrap_or_default()))
    })
    .await?;
    let new = wait_switched(&t, &old, FAILOVER).await?;
    println!("master {old} -> {new} in {:?}: {event}", start.elapsed());
    ensure!(event.contains(&new), "the MasterSwitched Event names the new master {new}: {event}");

    check_keys(&t, 1000).await?;
    ensure!(t.sh(&format!("{CLI_MASTER} SET after-failover yes")).await?.trim() == "OK", "writes go on after the switch");
    // The deleted pod comes back as a replica of the new master.
    t.wait_ready(NAME, 3, READY).await?;
    ensure!(t.status_master(NAME).await? == new, "the master stays on {new} once the old pod is back");
    t.finish().await
}

/// Starts the Sentinel writer (e2e/client) against `NAME` for `seconds`, acknowledging each write only
/// once `WAIT 1` confirms a replica has it; returns the pod once it has written 20 keys.
pub async fn start_writer(t: &TestNs, seconds: u64) -> Result<String> {
    start_writer_with(t, seconds, &[]).await
}

/// `start_writer` with more of the writer's options (e.g. `--stop-key`).
pub async fn start_writer_with(t: &TestNs, seconds: u64, extra: &[&str]) -> Result<String> {
    let seconds = seconds.to_string();
    let mut args =
        vec!["python3", "/app/sentinel_writer.py", "--sentinel", "cache-sentinel:26379", "--master", NAME, "--seconds", &seconds, "--wait", "1"];
    args.extend_from_slice(extra);
    let pod = t.run_pod(&client_image(), args.into_iter().map(String::from).collect(), "writer").await?;
    wait_for("the client to write 20 keys", Duration::from_secs(120), || async {
        let logs = t.logs(&pod).await.unwrap_or_default();
        let acked = logs.lines().filter_map(|l| l.strip_prefix("progress ")).filter_map(|n| n.trim().parse::<u64>().ok()).max();
        Ok(acked.filter(|n| *n >= 20))
    })
    .await?;
    Ok(pod)
}

/// Waits for the writer to end and returns its RESULT.
pub async fn writer_result(t: &TestNs, pod: &str, seconds: u64) -> Result<Value> {
    let (ok, logs) = t.wait_pod_done(pod, Duration::from_secs(seconds + 180)).await?;
    ensure!(ok, "the client failed:\n{logs}");
    let result: Value = logs
        .lines()
        .find_map(|l| l.strip_prefix("RESULT "))
        .context("the client printed no RESULT line")
        .and_then(|j| Ok(serde_json::from_str(j)?))?;
    println!("client: {result}");
    Ok(result)
}

/// The writer followed the switch, kept writing on the new master within 30 s, and lost nothing it had
/// acknowledged.
pub fn check_writer_across_failover(result: &Value) -> Result<()> {
    let masters = result["masters"].as_array().map(Vec::len).unwrap_or(0);
    let after = result["acked_on_last_master"].as_u64().unwrap_or(0);
    let outage = result["longest_outage_seconds"].as_f64().unwrap_or(f64::MAX);
    ensure!(masters >= 2, "the client followed the switch to a new master: {result}");
    ensure!(after >= 20, "the client kept writing through the new master: {result}");
    ensure!(outage < 30.0, "writes resumed within 30 s: {result}");
    ensure!(result["lost"] == 0, "no write acknowledged with WAIT 1 is lost: {result}");
    Ok(())
}

#[tokio::test]
#[ignore = "needs a cluster with the operator installed: run e2e/run.sh"]
async fn a_sentinel_client_keeps_writing_across_a_failover() -> Result<()> {
    let (t, old) = ready_set("client", 3).await?;
    let seconds = 60;
    let pod = start_writer(&t, seconds).await?;
    t.delete_pod(&old).await?;
    let result = writer_result(&t, &pod, seconds).await?;
    check_writer_across_failover(&result)?;
    t.finish().await
}

#[tokio::test]
#[ignore = "needs a cluster with the operator installed: run e2e/run.sh"]
async fn kill_9_of_the_master_process_fails_over_and_moves_the_master_service() -> Result<()> {
    let (t, old) = ready_set("kill9", 3).await?;
    write_keys(&t, 500, 3).await?;
    let listener = t.switch_master_listener(NAME, 3).await?;
    let seconds = 45;
    let writer = start_writer(&t, seconds).await?;
    let seen = t.events(NAME, "MasterSwitched").await?.len();
    let restarts = t.restarts(&old).await?;

    let killed_at = unix_now();
    t.kill9_data_server(&old).await?;
    // The endpoint move, timed by polling the master Service's EndpointSlices every 50 ms.
    let moved_at = {
        let deadline = Instant::now() + FAILOVER;
        loop {
            let eps = t.endpoint_pods("cache-master").await.unwrap_or_default();
            if eps.len() == 1 && eps[0] != old {
                break unix_now();
            }
            ensure!(Instant::now() < deadline, "the master Service still routes to {eps:?} {FAILOVER:?} after the kill");
            tokio::time::sleep(Duration::from_millis(50)).await;
        }
    };
    let new = wait_switched(&t, &old, FAILOVER).await?;
    let switched_at = wait_for("the listener's +switch-master", Duration::from_secs(30), || async {
        t.first_switch_master(&listener, NAME, killed_at - 1.0).await
    })
    .await?;
    println!(
        "kill -9 of {old}: +switch-master after {:.3} s (down-after 2 s), {new}'s endpoint {:.3} s after +switch-master",
        switched_at - killed_at,
        moved_at - switched_at
    );
    // The goal is 1 s; the operator moves the label within ~0.1 s, the rest is the EndpointSlice
    // controller, which on a loaded 2-core machine takes up to ~1 s itself. 2 s bounds regressions.
    ensure!(moved_at - switched_at <= 2.0, "the master Service moved {:.3} s after +switch-master (goal: 1 s)", moved_at - switched_at);
    let evs = t.events(NAME, "MasterSwitched").await?;
    ensure!(evs.len() > seen, "a MasterSwitched Event");
    let note = evs.last().and_then(|e| e.note.clone()).unwrap_or_default();
    ensure!(note.contains(&new), "the MasterSwitched Event names the new master {new}: {note}");
    ensure!(t.status_master(NAME).await? == new, "status.master is {new}");
    ensure!(t.restarts(&old).await? > restarts, "the killed container was restarted in place");

    let result = writer_result(&t, &writer, seconds).await?;
    check_writer_across_failover(&result)?;
    check_keys(&t, 500).await?;
    // The killed pod comes back as a replica of the new master.
    t.wait_ready(NAME, 3, READY).await?;
    ensure!(t.status_master(NAME).await? == new, "the master stays on {new} once {old} is back");
    t.finish().await
}

fn unix_now() -> f64 {
    std::time::SystemTime::now().duration_since(std::time::UNIX_EPOCH).map(|d| d.as_secs_f64()).unwrap_or(0.0)
}
