//! Helpers for the cluster tests: a namespace per test, RedisHAs applied server-side, commands run by
//! short-lived pods inside the cluster (the Services are exercised the way clients reach them, with no
//! port-forward), `kubectl` where a user would type it, and waits with deadlines that say what they
//! waited for. Any cluster works (e2e/run.sh: the local one of scripts/cluster.sh, kind, or the current
//! kubeconfig's).

use std::future::Future;
use std::process::Command;
use std::sync::atomic::{AtomicU32, Ordering};
use std::time::{Duration, Instant};

use anyhow::{anyhow, bail, ensure, Context as _, Result};
use k8s_openapi::api::apps::v1::Deployment;
use k8s_openapi::api::coordination::v1::Lease;
use k8s_openapi::api::core::v1::{Namespace, Pod};
use k8s_openapi::api::discovery::v1::EndpointSlice;
use k8s_openapi::api::events::v1::Event;
use kube::api::{Api, DeleteParams, ListParams, LogParams, Patch, PatchParams, PostParams};
use kube::{Client, ResourceExt};
use redis_ha_operator::crd::RedisHA;
use redis_ha_operator::resources::names::{Names, ROLE_LABEL, ROLE_MASTER};
use serde_json::{json, Value};

const FIELD_MANAGER: &str = "redis-ha-e2e";
/// The Secret every test RedisHA takes its password from, and the key in it.
pub const AUTH_SECRET: &str = "e2e-auth";
/// The UID the node image runs as (and the operator's pods: RUN_AS).
const NODE_UID: i64 = 999;
/// The chart's operator pods and Deployment.
const OPERATOR_SELECTOR: &str = "app.kubernetes.io/name=redis-ha-operator,app.kubernetes.io/component=operator";
static SEQ: AtomicU32 = AtomicU32::new(0);

/// An environment setting that `e2e/run.sh` exports, with the default it would have.
pub fn setting(name: &str, default: &str) -> String {
    std::env::var(name).ok().filter(|v| !v.is_empty()).unwrap_or_else(|| default.to_string())
}

pub fn node_image() -> String {
    setting("E2E_NODE_IMAGE", &format!("ghcr.io/redis-ha/redis-ha-node:{}", env!("CARGO_PKG_VERSION")))
}

pub fn client_image() -> String {
    setting("E2E_CLIENT_IMAGE", "redis-ha-e2e-client:e2e")
}

pub fn operator_namespace() -> String {
    setting("E2E_OPERATOR_NAMESPACE", "redis-ha-system")
}

/// The node image under a second tag (e2e/run.sh loads it), for a spec change of `spec.image`.
pub fn node_image_next() -> String {
    setting("E2E_NODE_IMAGE_NEXT", &format!("{}-next", node_image()))
}

/// Runs `kubectl` (from the PATH, with the suite's kubeconfig) and returns its stdout; fails with its
/// stderr. Used where the user-facing tool is the point (apply of files, exec, get columns).
pub fn kubectl(args: &[&str]) -> Result<String> {
    let out = Command::new("kubectl").args(args).output().context("running kubectl (is it on the PATH?)")?;
    if !out.status.success() {
        bail!("kubectl {} failed: {}{}", args.join(" "), String::from_utf8_lossy(&out.stderr), String::from_utf8_lossy(&out.stdout));
    }
    Ok(String::from_utf8_lossy(&out.stdout).into_owned())
}

/// Polls `probe` until it yields a value; fails after `timeout`, naming `what` and the last reason.
pub async fn wait_for<T, F, Fut>(what: &str, timeout: Duration, mut probe: F) -> Result<T>
where
    F: FnMut() -> Fut,
    Fut: Future<Output = Result<Option<T>>>,
{
    let start = Instant::now();
    let mut last = String::from("not yet");
    loop {
        match probe().await {
            Ok(Some(v)) => return Ok(v),
            Ok(None) => {}
            Err(e) => last = format!("{e:#}"),
        }
        if start.elapsed() > timeout {
            bail!("timed out after {timeout:?} waiting for {what} (last: {last})");
        }
        tokio::time::sleep(Duration::from_millis(500)).await;
    }
}

/// The cluster of the current kubeconfig context.
#[derive(Clone)]
pub struct Cluster {
    pub client: Client,
}

impl Cluster {
    /// Connects, or fails saying there is no cluster and how to get one.
    pub async fn connect() -> Result<Cluster> {
        let connect = async {
            let client = Client::try_default().await?;
            client.apiserver_version().await?;
            Ok::<_, kube::Error>(client)
        };
        match tokio::time::timeout(Duration::from_secs(10), connect).await {
            Ok(Ok(client)) => Ok(Cluster { client }),
            Ok(Err(e)) => bail!("no reachable Kubernetes cluster ({e}); run these tests through e2e/run.sh"),
            Err(_) => bail!("the Kubernetes API did not answer within 10 s; run these tests through e2e/run.sh"),
        }
    }

    /// A fresh namespace for one test, holding the auth Secret.
    pub async fn namespace(&self, test: &str) -> Result<TestNs> {
        let nanos = std::time::SystemTime::now().duration_since(std::time::UNIX_EPOCH).map(|d| d.subsec_nanos()).unwrap_or(0);
        let name = format!("e2e-{test}-{:x}", nanos ^ SEQ.fetch_add(1, Ordering::Relaxed));
        let ns: Namespace = serde_json::from_value(json!({
            "metadata": {"name": name, "labels": {"app.kubernetes.io/part-of": "redis-ha-e2e"}}
        }))?;
        Api::<Namespace>::all(self.client.clone()).create(&PostParams::default(), &ns).await.context("creating the test namespace")?;
        let t = TestNs { cluster: self.clone(), name, password: format!("e2e-{nanos:x}-pw"), tls_secret: None };
        let secret = json!({
            "apiVersion": "v1", "kind": "Secret",
            "metadata": {"name": AUTH_SECRET},
            "stringData": {"password": t.password},
        });
        t.apply::<k8s_openapi::api::core::v1::Secret>(AUTH_SECRET, secret).await?;
        println!("test namespace {}", t.name);
        Ok(t)
    }

    /// The running operator pods (release `redis-ha-operator` of the chart).
    pub async fn operator_pods(&self) -> Result<Vec<Pod>> {
        let api = Api::<Pod>::namespaced(self.client.clone(), &operator_namespace());
        let lp = ListParams::default().labels(OPERATOR_SELECTOR);
        Ok(api.list(&lp).await?.items.into_iter().filter(|p| p.metadata.deletion_timestamp.is_none()).collect())
    }

    pub async fn delete_operator_pod(&self, pod: &str) -> Result<()> {
        Api::<Pod>::namespaced(self.client.clone(), &operator_namespace()).delete(pod, &DeleteParams::default()).await?;
        Ok(())
    }

    /// The operator's leader Lease: (holder, renewed how long ago).
    pub async fn lease_holder(&self) -> Result<Option<(String, Duration)>> {
        let api = Api::<Lease>::namespaced(self.client.clone(), &operator_namespace());
        let Some(lease) = api.get_opt("redis-ha-operator").await? else { return Ok(None) };
        let spec = lease.spec.unwrap_or_default();
        let Some(holder) = spec.holder_identity.filter(|h| !h.is_empty()) else { return Ok(None) };
        let age = spec
            .renew_time
            .map(|t| {
                let now = std::time::SystemTime::now();
                let renewed = std::time::SystemTime::UNIX_EPOCH + Duration::from_millis(t.0.as_millisecond().max(0) as u64);
                now.duration_since(renewed).unwrap_or_default()
            })
            .unwrap_or(Duration::MAX);
        Ok(Some((holder, age)))
    }

    /// Waits until the operator Deployment has every replica available again.
    pub async fn wait_operator_available(&self) -> Result<()> {
        let api = Api::<Deployment>::namespaced(self.client.clone(), &operator_namespace());
        wait_for("the operator Deployment to be available", Duration::from_secs(180), || {
            let api = api.clone();
            async move {
                let list = api.list(&ListParams::default().labels(OPERATOR_SELECTOR)).await?;
                let Some(d) = list.items.first() else { bail!("no operator Deployment in {}", operator_namespace()) };
                let want = d.spec.as_ref().and_then(|s| s.replicas).unwrap_or(1);
                let s = d.status.clone().unwrap_or_default();
                let current = s.observed_generation >= d.metadata.generation;
                Ok((current && s.updated_replicas == Some(want) && s.available_replicas == Some(want)).then_some(()))
            }
        })
        .await
    }
}

/// One test's namespace. `finish` deletes it; a failed test leaves it for inspection.
pub struct TestNs {
    pub cluster: Cluster,
    pub name: String,
    pub password: String,
    /// With `spec.tls`: the TLS Secret, mounted whole at /tls in the `sh` pods, whose redis-cli then
    /// speaks TLS with its certificate.
    pub tls_secret: Option<String>,
}

impl TestNs {
    fn client(&self) -> Client {
        self.cluster.client.clone()
    }

    pub fn api<K>(&self) -> Api<K>
    where
        K: kube::Resource<Scope = k8s_openapi::NamespaceResourceScope, DynamicType = ()>,
    {
        Api::namespaced(self.client(), &self.name)
    }

    /// Server-side apply of `obj` (JSON), as the e2e field manager.
    pub async fn apply<K>(&self, name: &str, obj: Value) -> Result<K>
    where
        K: kube::Resource<Scope = k8s_openapi::NamespaceResourceScope, DynamicType = ()> + Clone + serde::de::DeserializeOwned + std::fmt::Debug,
    {
        let api: Api<K> = self.api();
        api.patch(name, &PatchParams::apply(FIELD_MANAGER).force(), &Patch::Apply(&obj)).await.with_context(|| format!("applying {name}"))
    }

    /// Applies a RedisHA with `spec` (JSON).
    pub async fn redisha(&self, name: &str, spec: Value) -> Result<RedisHA> {
        let obj = json!({"apiVersion": "redisha.io/v1alpha1", "kind": "RedisHA", "metadata": {"name": name}, "spec": spec});
        self.apply::<RedisHA>(name, obj).await
    }

    /// Merge-patches the RedisHA's spec.
    pub async fn patch_spec(&self, name: &str, spec: Value) -> Result<()> {
        self.api::<RedisHA>().patch(name, &PatchParams::default(), &Patch::Merge(&json!({"spec": spec}))).await?;
        Ok(())
    }

    pub async fn get(&self, name: &str) -> Result<RedisHA> {
        Ok(self.api::<RedisHA>().get(name).await?)
    }

    pub async fn names(&self, name: &str) -> Result<Names> {
        Ok(Names::of(&self.get(name).await?, "cluster.local")?)
    }

    /// Waits until the RedisHA reports Ready with `replicas` data pods, every sentinel and a master,
    /// for the current generation.
    pub async fn wait_ready(&self, name: &str, replicas: i32, timeout: Duration) -> Result<RedisHA> {
        wait_for(&format!("RedisHA {}/{name} to be Ready with {replicas} data pods", self.name), timeout, || async {
            let rha = self.get(name).await?;
            let Some(s) = rha.status.clone() else { return Ok(None) };
            let current = s.observed_generation == rha.metadata.generation;
            let ok = current
                && s.phase.as_deref() == Some("Ready")
                && s.ready_replicas == replicas
                && s.ready_sentinels == rha.spec.sentinels
                && s.master.is_some();
            if !ok {
                bail!(
                    "phase {:?}, ready {}/{replicas}, sentinels {}, master {:?}",
                    s.phase,
                    s.ready_replicas,
                    s.ready_sentinels,
                    s.master.map(|m| m.pod)
                );
            }
            Ok(Some(rha))
        })
        .await
    }

    /// The master pod as the RedisHA status says.
    pub async fn status_master(&self, name: &str) -> Result<String> {
        let rha = self.get(name).await?;
        rha.status.and_then(|s| s.master).map(|m| m.pod).ok_or_else(|| anyhow!("RedisHA {name} has no status.master"))
    }

    /// Data pods labelled master.
    pub async fn labelled_masters(&self, name: &str) -> Result<Vec<String>> {
        let names = self.names(name).await?;
        let lp = ListParams::default().labels(&format!("{},{ROLE_LABEL}={ROLE_MASTER}", names.data_pod_selector()));
        Ok(self.api::<Pod>().list(&lp).await?.items.iter().filter(|p| p.metadata.deletion_timestamp.is_none()).map(|p| p.name_any()).collect())
    }

    /// The pods behind a Service's ready endpoints (its EndpointSlices).
    pub async fn endpoint_pods(&self, service: &str) -> Result<Vec<String>> {
        let lp = ListParams::default().labels(&format!("kubernetes.io/service-name={service}"));
        let mut pods: Vec<String> = self
            .api::<EndpointSlice>()
            .list(&lp)
            .await?
            .items
            .iter()
            .flat_map(|s| s.endpoints.iter())
            .filter(|e| e.conditions.as_ref().and_then(|c| c.ready).unwrap_or(false))
            .filter_map(|e| e.target_ref.as_ref().and_then(|r| r.name.clone()))
            .collect();
        pods.sort();
        pods.dedup();
        Ok(pods)
    }

    /// The data pod the sentinels name master (asked through `<name>-sentinel`).
    pub async fn sentinel_master(&self, name: &str) -> Result<String> {
        let names = self.names(name).await?;
        let out =
            self.sh(&format!("redis-cli --no-auth-warning -h {} -p 26379 SENTINEL get-master-addr-by-name {name}", names.sentinel_service())).await?;
        let host = out.lines().next().unwrap_or_default().trim();
        names.data_pod_of_host(host).ok_or_else(|| anyhow!("the sentinels name {host:?}, not one of {name}'s data pods"))
    }

    /// Events on the RedisHA `name` with `reason`, oldest first.
    pub async fn events(&self, name: &str, reason: &str) -> Result<Vec<Event>> {
        let mut evs: Vec<Event> = self
            .api::<Event>()
            .list(&ListParams::default())
            .await?
            .items
            .into_iter()
            .filter(|e| e.reason.as_deref() == Some(reason))
            .filter(|e| e.regarding.as_ref().is_some_and(|r| r.kind.as_deref() == Some("RedisHA") && r.name.as_deref() == Some(name)))
            .collect();
        evs.sort_by_key(|e| (e.event_time.as_ref().map(|t| t.0), e.metadata.creation_timestamp.as_ref().map(|t| t.0)));
        Ok(evs)
    }

    /// Runs `script` with `sh -c` in a pod of the node image (redis-cli, with REDISCLI_AUTH from the
    /// test Secret) in this namespace, and returns its output. Fails if the script fails.
    pub async fn sh(&self, script: &str) -> Result<String> {
        let script = match &self.tls_secret {
            // Every `redis-cli ` gets the TLS arguments (dash allows no function named redis-cli), except
            // a `command redis-cli`, which a test writes to go without them.
            Some(_) => script
                .replace("command redis-cli", "\u{0}")
                .replace("redis-cli ", "redis-cli --tls --cacert /tls/ca.crt --cert /tls/tls.crt --key /tls/tls.key ")
                .replace('\u{0}', "redis-cli"),
            None => script.to_string(),
        };
        let pod = self.run_pod(&node_image(), vec!["sh".into(), "-c".into(), script.clone()], "cli").await?;
        let (ok, logs) = self.wait_pod_done(&pod, Duration::from_secs(120)).await?;
        let _ = self.api::<Pod>().delete(&pod, &DeleteParams::default().grace_period(0)).await;
        if !ok {
            bail!("`{script}` failed in pod {pod}: {logs}");
        }
        Ok(logs)
    }

    /// Starts a pod that runs `command` once; returns its name.
    pub async fn run_pod(&self, image: &str, command: Vec<String>, prefix: &str) -> Result<String> {
        let pod: Pod = serde_json::from_value(json!({
            "metadata": {"generateName": format!("{prefix}-"), "labels": {"app.kubernetes.io/part-of": "redis-ha-e2e"}},
            "spec": {
                "restartPolicy": "Never",
                "automountServiceAccountToken": false,
                "enableServiceLinks": false,
                "securityContext": {"runAsNonRoot": true, "runAsUser": NODE_UID, "runAsGroup": NODE_UID, "seccompProfile": {"type": "RuntimeDefault"}},
                "containers": [{
                    "name": prefix,
                    "image": image,
                    "imagePullPolicy": "IfNotPresent",
                    "command": command,
                    "env": [{"name": "REDISCLI_AUTH", "valueFrom": {"secretKeyRef": {"name": AUTH_SECRET, "key": "password"}}}],
                    "securityContext": {"allowPrivilegeEscalation": false, "readOnlyRootFilesystem": true, "capabilities": {"drop": ["ALL"]}},
                    "volumeMounts": self.tls_secret.iter().map(|_| json!({"name": "tls", "mountPath": "/tls", "readOnly": true})).collect::<Vec<_>>(),
                }],
                "volumes": self.tls_secret.iter().map(|s| json!({"name": "tls", "secret": {"secretName": s}})).collect::<Vec<_>>(),
            },
        }))?;
        let created = self.api::<Pod>().create(&PostParams::default(), &pod).await.context("creating a pod")?;
        Ok(created.name_any())
    }

    /// Waits for a run-once pod to end; (succeeded, logs).
    pub async fn wait_pod_done(&self, pod: &str, timeout: Duration) -> Result<(bool, String)> {
        let api = self.api::<Pod>();
        let phase = wait_for(&format!("pod {}/{pod} to finish", self.name), timeout, || async {
            let p = api.get(pod).await?;
            let phase = p.status.and_then(|s| s.phase).unwrap_or_default();
            Ok(matches!(phase.as_str(), "Succeeded" | "Failed").then_some(phase))
        })
        .await?;
        let logs = api.logs(pod, &LogParams::default()).await.unwrap_or_default();
        Ok((phase == "Succeeded", logs))
    }

    /// The logs of a pod so far.
    pub async fn logs(&self, pod: &str) -> Result<String> {
        Ok(self.api::<Pod>().logs(pod, &LogParams::default()).await?)
    }

    pub async fn delete_pod(&self, pod: &str) -> Result<()> {
        self.api::<Pod>().delete(pod, &DeleteParams::default()).await?;
        Ok(())
    }

    /// Runs `sh -c script` in the pod's first container (`kubectl exec`); returns its output.
    pub fn exec(&self, pod: &str, script: &str) -> Result<String> {
        kubectl(&["-n", &self.name, "exec", pod, "--", "sh", "-c", script])
    }

    /// kill -9 of the data server process in `pod`, from the node it runs on (a privileged pod in the
    /// host's PID namespace: a container's PID 1 cannot be killed from inside its own namespace). The
    /// kubelet then restarts the container in the same pod. Returns when the kill was done.
    pub async fn kill9_data_server(&self, pod: &str) -> Result<()> {
        let target = self.api::<Pod>().get(pod).await?;
        let uid = target.metadata.uid.clone().context("pod without uid")?;
        let node = target.spec.as_ref().and_then(|s| s.node_name.clone()).context("pod not scheduled")?;
        // cgroupfs paths carry the pod UID as is, systemd's with underscores.
        let script = format!(
            "n=0; for p in /proc/[0-9]*; do \
               case \"$(readlink $p/exe 2>/dev/null)\" in */redis-ha-node) ;; *) continue ;; esac; \
               if grep -q -e '{uid}' -e '{uid_}' $p/cgroup 2>/dev/null; then kill -9 ${{p#/proc/}} && n=$((n+1)); fi; \
             done; echo killed $n; [ $n -ge 1 ]",
            uid_ = uid.replace('-', "_")
        );
        let killer: Pod = serde_json::from_value(json!({
            "metadata": {"generateName": "kill9-", "labels": {"app.kubernetes.io/part-of": "redis-ha-e2e"}},
            "spec": {
                "restartPolicy": "Never",
                "nodeName": node,
                "hostPID": true,
                "automountServiceAccountToken": false,
                "containers": [{
                    "name": "kill9",
                    "image": node_image(),
                    "imagePullPolicy": "IfNotPresent",
                    "command": ["sh", "-c", script],
                    "securityContext": {"privileged": true, "runAsUser": 0, "runAsNonRoot": false},
                }],
            },
        }))?;
        let created = self.api::<Pod>().create(&PostParams::default(), &killer).await.context("creating the kill -9 pod")?;
        let (ok, logs) = self.wait_pod_done(&created.name_any(), Duration::from_secs(60)).await?;
        let _ = self.api::<Pod>().delete(&created.name_any(), &DeleteParams::default().grace_period(0)).await;
        ensure!(ok, "kill -9 of {pod}'s data server failed: {logs}");
        Ok(())
    }

    /// Restarts of the data container of `pod` so far.
    pub async fn restarts(&self, pod: &str) -> Result<i32> {
        let p = self.api::<Pod>().get(pod).await?;
        Ok(p.status.and_then(|s| s.container_statuses).and_then(|cs| cs.first().map(|c| c.restart_count)).unwrap_or(0))
    }

    /// Starts a pod that subscribes to `+switch-master` on every sentinel of `name` and prints each line
    /// it gets with the wall-clock time it got it (`<unix seconds> <line>`); returns the pod's name.
    pub async fn switch_master_listener(&self, name: &str, sentinels: i32) -> Result<String> {
        let names = self.names(name).await?;
        let subs: Vec<String> = (0..sentinels)
            .map(|i| {
                let host = names.sentinel_host(&names.sentinel_pod(i));
                format!("(redis-cli --no-auth-warning -h {host} -p 26379 SUBSCRIBE +switch-master | while read -r l; do echo \"$(date +%s.%N) $l\"; done) &")
            })
            .collect();
        let script = format!("{} wait", subs.join(" "));
        let pod = self.run_pod(&node_image(), vec!["sh".into(), "-c".into(), script], "switch-listener").await?;
        wait_for("the +switch-master listener to subscribe", Duration::from_secs(60), || async {
            let logs = self.logs(&pod).await.unwrap_or_default();
            Ok((logs.lines().filter(|l| l.ends_with(" subscribe")).count() >= sentinels as usize).then_some(()))
        })
        .await?;
        Ok(pod)
    }

    /// The first `+switch-master` of `name` that the listener saw at or after `since` (unix seconds).
    pub async fn first_switch_master(&self, listener: &str, name: &str, since: f64) -> Result<Option<f64>> {
        let logs = self.logs(listener).await?;
        Ok(logs
            .lines()
            .filter_map(|l| l.split_once(' '))
            .filter(|(_, msg)| msg.starts_with(&format!("{name} ")) && msg.split_whitespace().count() == 5)
            .filter_map(|(t, _)| t.parse::<f64>().ok())
            .filter(|t| *t >= since)
            .fold(None, |min: Option<f64>, t| Some(min.map_or(t, |m| m.min(t)))))
    }

    /// Deletes the namespace (and with it everything the test made) and waits until it is gone, so the
    /// next test has the node's resources. A failed test never gets here: its namespace stays.
    pub async fn finish(self) -> Result<()> {
        if setting("E2E_KEEP_NAMESPACES", "0") == "1" {
            println!("keeping namespace {}", self.name);
            return Ok(());
        }
        // Pods go at once: their graceful stop (a switchover before a master stops) is not under test here.
        let _ = self.api::<Pod>().delete_collection(&DeleteParams::default().grace_period(0), &ListParams::default()).await;
        let namespaces = Api::<Namespace>::all(self.client());
        namespaces.delete(&self.name, &DeleteParams::default()).await?;
        wait_for(&format!("namespace {} to be deleted", self.name), Duration::from_secs(180), || async {
            Ok(namespaces.get_opt(&self.name).await?.is_none().then_some(()))
        })
        .await
    }
}

/// A RedisHA spec for the tests: password auth from the test Secret, short sentinel timings so a
/// failover takes seconds, small requests so several sets fit a laptop's kind cluster.
pub fn test_spec(replicas: i32) -> Value {
    json!({
        "replicas": replicas,
        "sentinels": 3,
        "downAfterMilliseconds": 2000,
        "failoverTimeoutMilliseconds": 10000,
        "auth": {"secretName": AUTH_SECRET},
        "resources": {"requests": {"cpu": "50m", "memory": "64Mi"}},
        "sentinelResources": {"requests": {"cpu": "20m", "memory": "32Mi"}},
    })
}
