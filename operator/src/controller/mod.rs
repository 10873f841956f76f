//! The reconciler: a RedisHA → its children (server-side apply, one field manager), the watcher for
//! its sentinels, and the status it owns. Idempotent: every pass applies the same rendered objects.
//! The top of the library: it may call [`crate::rollout`], [`crate::master`] (the watchers, one per
//! RedisHA), [`crate::resources`], [`crate::crd`], [`crate::error`] and [`crate::metrics`]; only
//! `main` calls in.
//!
//! Then it takes one step of a rolling update of the data pods ([`crate::rollout::apply`]): the data
//! StatefulSet is `OnDelete`, so a new template reaches the pods only through the operator.
//!
//! What only the operator can check (a missing Secret, risky but valid settings, a spec that slipped past
//! a CRD without its CEL rules) becomes a Warning Event and a condition; an invalid spec renders nothing.
//!
//! Beside this file: [`status`] (the status and conditions it writes, pure) and `rollout_tests.rs`
//! (the whole reconcile against a mocked API server, with the sentinels faked).

pub mod status;

use std::sync::Arc;
use std::time::Duration;

use futures::StreamExt;
use k8s_openapi::api::apps::v1::StatefulSet;
use k8s_openapi::api::core::v1::{ConfigMap, Pod, Secret, Service};
use k8s_openapi::api::policy::v1::PodDisruptionBudget;
use k8s_openapi::jiff::Timestamp;
use kube::api::{Api, DynamicObject, Patch, PatchParams};
use kube::runtime::controller::{Action, Controller};
use kube::runtime::events::{Event, EventType, Recorder, Reporter};
use kube::runtime::watcher;
use kube::{Client, Resource, ResourceExt};
use serde::de::DeserializeOwned;
use serde::Serialize;
use serde_json::json;

use self::status::Observed;

use crate::crd::RedisHA;
use crate::error::{Error, Result};
use crate::master::credentials::{Credentials, TlsMaterial};
use crate::master::events::Addr;
use crate::master::mover::{KubeMasterApi, MasterMover};
use crate::master::registry::Watchers;
use crate::master::sentinel_addrs;
use crate::master::watcher::{WatchConfig, DEFAULT_POLL};
use crate::metrics::Metrics;
use crate::resources::config::OPERATOR_USER;
use crate::resources::names::Names;
use crate::resources::{self, RenderOptions};
use crate::rollout::apply::{self, Rollouts};

/// Field manager of every server-side apply the reconciler makes.
pub const FIELD_MANAGER: &str = "redis-ha-operator";
/// Periodic resync, on top of change-driven reconciles.
const REQUEUE: Duration = Duration::from_secs(60);
/// How long a graceful shutdown may wait for the controller. NB: kube's controller holds its runner
/// until its RedisHA cache has listed once, so a shutdown before that would otherwise never end; well
/// inside the pod's 30 s grace period, leaving time to release the Lease.
const SHUTDOWN_GRACE: Duration = Duration::from_secs(20);
/// Resync while a roll is in progress: pods are not watched, and a step may wait on a pod's readiness
/// or a role label that changes no StatefulSet or RedisHA status.
const ROLLING_REQUEUE: Duration = Duration::from_secs(5);

/// Where the controllers and their watches work: every namespace (the default), or one
/// (`--watch-namespace`), for installations whose RBAC is a Role in that namespace.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub enum WatchScope {
    #[default]
    AllNamespaces,
    Namespace(String),
}

impl WatchScope {
    /// From `--watch-namespace` / `$WATCH_NAMESPACE`: empty means every namespace.
    pub fn from_namespace(ns: &str) -> Self {
        if ns.is_empty() {
            WatchScope::AllNamespaces
        } else {
            WatchScope::Namespace(ns.to_string())
        }
    }

    /// The namespace, when the scope is one.
    pub fn namespace(&self) -> Option<&str> {
        match self {
            WatchScope::AllNamespaces => None,
            WatchScope::Namespace(ns) => Some(ns),
        }
    }

    /// An Api over this scope: a cluster-wide list/watch needs a ClusterRole, a namespaced one a Role.
    pub fn api<K>(&self, client: Client) -> Api<K>
    where
        K: Resource<Scope = k8s_openapi::NamespaceResourceScope>,
        <K as Resource>::DynamicType: Default,
    {
        match self {
            WatchScope::AllNamespaces => Api::all(client),
            WatchScope::Namespace(ns) => Api::namespaced(client, ns),
        }
    }
}

/// What reconcile needs.
#[derive(Clone)]
pub struct Context {
    pub client: Client,
    pub reporter: Reporter,
    pub metrics: Metrics,
    pub opts: RenderOptions,
    pub watchers: Watchers,
    pub rollouts: Rollouts,
}

/// Reconciles one RedisHA.
pub async fn reconcile(rha: Arc<RedisHA>, ctx: Arc<Context>) -> Result<Action> {
    let _timer = ctx.metrics.reconcile_duration.start_timer();
    ctx.metrics.reconciles.inc();
    let ns = rha.namespace().ok_or(Error::Render(resources::RenderError::NoNamespace))?;
    let name = rha.name_any();
    let key = (ns.clone(), name.clone());
    let recorder = Recorder::new(ctx.client.clone(), ctx.reporter.clone());
    let reference = rha.object_ref(&());
    let warn = |reason: &'static str, note: String| {
        let recorder = recorder.clone();
        let reference = reference.clone();
        async move {
            let ev = Event { type_: EventType::Warning, reason: reason.into(), note: Some(note), action: "Reconcile".into(), secondary: None };
            if let Err(e) = recorder.publish(&ev, &reference).await {
                tracing::warn!(error = %e, "could not record an Event");
            }
        }
    };
    let new_generation = rha.status.as_ref().and_then(|s| s.observed_generation) != rha.metadata.generation;

    let problems: Vec<String> = rha.spec.problems().iter().map(ToString::to_string).collect();
    if !problems.is_empty() {
        ctx.watchers.stop(&key);
        if new_generation {
            warn("InvalidSpec", problems.join("; ")).await;
        }
        let patch = status::compute(&rha, &Observed { problems, ..Observed::default() }, &Default::default(), Timestamp::now());
        apply_status(&ctx.client, &ns, &name, patch).await?;
        return Ok(Action::await_change());
    }
    if new_generation {
        for a in rha.spec.advisories() {
            warn("RiskySpec", a).await;
        }
    }

    let (password, secret_problem) = match &rha.spec.auth {
        None => (None, None),
        Some(auth) => match read_password(&ctx.client, &ns, &auth.secret_name, &auth.key).await {
            Ok(p) => (Some(p), None),
            Err(Error::Secret(why)) => {
                warn("SecretProblem", why.clone()).await;
                (None, Some(why))
            }
            Err(e) => return Err(e),
        },
    };

    // spec.tls: the operator presents the Secret's certificate to the sentinels, so without a complete
    // Secret it waits, as without the password (and the pods could not start either).
    let (tls, secret_problem) = match (&rha.spec.tls, secret_problem) {
        (Some(spec), None) => match read_tls(&ctx.client, &ns, &spec.secret_name).await {
            Ok(m) => (Some(m), None),
            Err(Error::Secret(why)) => {
                let why =
                    if spec.cert_manager.is_some() { format!("{why}; cert-manager issues it from the Certificate of the same name") } else { why };
                warn("SecretProblem", why.clone()).await;
                (None, Some(why))
            }
            Err(e) => return Err(e),
        },
        (_, problem) => (None, problem),
    };
    // The operator's own user (with spec.auth), created in the pods from a Secret it generates once.
    let user = match (&rha.spec.auth, &secret_problem) {
        (Some(_), None) => Some((OPERATOR_USER.to_string(), operator_password(&ctx.client, &ns, &rha, &ctx.opts.cluster_domain).await?)),
        _ => None,
    };
    let creds = Credentials { password, user, tls };

    // Each user's password Secret must be there (the pods would not start without it).
    // (It does not hold the watcher back: that needs only the default user's password.)
    let mut users_problem: Option<String> = None;
    for u in &rha.spec.users {
        let (s, k) = (&u.password_secret.secret_name, &u.password_secret.key);
        if let Err(Error::Secret(why)) = read_password(&ctx.client, &ns, s, k).await {
            let why = why
                .replace("spec.auth.secretName", "spec.users[].passwordSecret.secretName")
                .replace("spec.auth.key", "spec.users[].passwordSecret.key");
            let why = format!("user {:?}: {why}", u.name);
            warn("SecretProblem", why.clone()).await;
            users_problem.get_or_insert(why);
        }
    }

    let children = resources::render(&rha, &ctx.opts)?;
    apply(&Api::<ConfigMap>::namespaced(ctx.client.clone(), &ns), &children.config_map).await?;
    for s in &children.services {
        apply(&Api::<Service>::namespaced(ctx.client.clone(), &ns), s).await?;
    }
    let sts_api = Api::<StatefulSet>::namespaced(ctx.client.clone(), &ns);
    let data = apply(&sts_api, &children.data).await?;
    let sentinel = apply(&sts_api, &children.sentinel).await?;
    apply_certificate(&ctx.client, &ns, &rha, children.certificate.as_ref(), &warn).await?;
    let pdb_api = Api::<PodDisruptionBudget>::namespaced(ctx.client.clone(), &ns);
    for p in &children.pdbs {
        apply(&pdb_api, p).await?;
    }
    if !rha.spec.pod_disruption_budget.enabled {
        let names = Names::of(&rha, &ctx.opts.cluster_domain)?;
        for n in [names.data_pdb(), names.sentinel_pdb()] {
            delete_owned(&pdb_api, &n, &rha).await?;
        }
    }

    // The watcher needs the password to talk to sentinels; without a usable Secret it waits.
    // A pod restarted without its Secret could not start, so without one nothing is rolled either.
    let mut rollout = None;
    if secret_problem.is_none() {
        start_watcher(&ctx, &rha, key.clone(), creds.clone())?;
        let names = Names::of(&rha, &ctx.opts.cluster_domain)?;
        let deps = apply::Deps {
            client: &ctx.client,
            reporter: &ctx.reporter,
            rollouts: &ctx.rollouts,
            watched_master: ctx.watchers.state(&key).master_pod,
        };
        rollout = apply::roll(deps, &rha, &names, (&data, &sentinel), &creds).await?;
    }

    let ready = |s: &StatefulSet| s.status.as_ref().and_then(|st| st.ready_replicas).unwrap_or(0);
    let rolling = rollout.as_ref().is_some_and(|p| p.rolling());
    let seen = Observed {
        ready_replicas: ready(&data),
        ready_sentinels: ready(&sentinel),
        problems: Vec::new(),
        secret_problem: secret_problem.or(users_problem),
        rollout,
    };
    let patch = status::compute(&rha, &seen, &ctx.watchers.state(&key), Timestamp::now());
    apply_status(&ctx.client, &ns, &name, patch).await?;
    Ok(Action::requeue(if rolling { ROLLING_REQUEUE } else { REQUEUE }))
}

fn start_watcher(ctx: &Context, rha: &RedisHA, key: (String, String), creds: Credentials) -> Result<()> {
    let names = Names::of(rha, &ctx.opts.cluster_domain)?;
    let sentinels = sentinel_addrs(rha, &names);
    let cfg = WatchConfig { master_set: names.master_set().to_string(), configured: sentinels.len(), sentinels, creds, poll: DEFAULT_POLL };
    let status = rha.status.clone().unwrap_or_default();
    let initial = status.master.as_ref().and_then(|m| m.address.rsplit_once(':')).and_then(|(h, p)| Addr::parse(h.trim_matches(['[', ']']), p));
    let api = KubeMasterApi {
        pods: Api::<Pod>::namespaced(ctx.client.clone(), &key.0),
        rhas: Api::<RedisHA>::namespaced(ctx.client.clone(), &key.0),
        name: key.1.clone(),
        selector: names.data_pod_selector(),
        recorder: Recorder::new(ctx.client.clone(), ctx.reporter.clone()),
        reference: rha.object_ref(&()),
    };
    let metrics = ctx.metrics.clone();
    ctx.watchers.ensure(key, cfg, initial, move |state| MasterMover::new(names, api, Some(metrics), state, status.failovers));
    Ok(())
}

/// Server-side apply of one child, forced: the operator owns every field it renders.
async fn apply<K>(api: &Api<K>, obj: &K) -> Result<K>
where
    K: Resource + Serialize + DeserializeOwned + Clone + std::fmt::Debug,
{
    let name = obj.meta().name.clone().unwrap_or_default();
    api.patch(&name, &PatchParams::apply(FIELD_MANAGER).force(), &Patch::Apply(obj)).await.map_err(Error::Kube)
}

/// Deletes `name` if it exists and this RedisHA controls it (never a user's object of the same name).
async fn delete_owned<K>(api: &Api<K>, name: &str, rha: &RedisHA) -> Result<()>
where
    K: Resource + Clone + DeserializeOwned + std::fmt::Debug,
{
    let uid = rha.uid();
    if let Some(obj) = api.get_opt(name).await.map_err(Error::Kube)? {
        if obj.meta().owner_references.iter().flatten().any(|o| Some(&o.uid) == uid.as_ref() && o.controller == Some(true)) {
            api.delete(name, &Default::default()).await.map_err(Error::Kube)?;
        }
    }
    Ok(())
}

async fn apply_status(client: &Client, ns: &str, name: &str, status: serde_json::Value) -> Result<()> {
    let api = Api::<RedisHA>::namespaced(client.clone(), ns);
    let body = json!({"apiVersion": "redisha.io/v1alpha1", "kind": "RedisHA", "status": status});
    api.patch_status(name, &PatchParams::apply(FIELD_MANAGER).force(), &Patch::Apply(&body)).await.map_err(Error::Kube)?;
    Ok(())
}

/// Reads the password. Errors name the Secret and key, never the value.
async fn read_password(client: &Client, ns: &str, secret: &str, key: &str) -> Result<String> {
    let api = Api::<Secret>::namespaced(client.clone(), ns);
    let Some(s) = api.get_opt(secret).await.map_err(Error::Kube)? else {
        return Err(Error::Secret(format!("Secret {ns}/{secret} (spec.auth.secretName) does not exist")));
    };
    let Some(bytes) = s.data.as_ref().and_then(|d| d.get(key)) else {
        return Err(Error::Secret(format!("Secret {ns}/{secret} has no key {key:?} (spec.auth.key)")));
    };
    password_from_bytes(&bytes.0).map_err(|why| Error::Secret(format!("Secret {ns}/{secret} key {key:?}: {why}")))
}

/// The password of the operator's own ACL user, from `<name>-operator`; on first use the Secret is
/// created, owned by the RedisHA, with a random password (from the kernel's random source).
async fn operator_password(client: &Client, ns: &str, rha: &RedisHA, cluster_domain: &str) -> Result<String> {
    let names = Names::of(rha, cluster_domain)?;
    let api = Api::<Secret>::namespaced(client.clone(), ns);
    let name = names.operator_secret();
    if let Some(s) = api.get_opt(&name).await.map_err(Error::Kube)? {
        if let Some(pw) = s.data.as_ref().and_then(|d| d.get("password")).and_then(|b| password_from_bytes(&b.0).ok()) {
            return Ok(pw);
        }
        return Err(Error::Secret(format!(
            "Secret {ns}/{name} (the operator's own user) has no usable key \"password\"; delete it to have a new one made"
        )));
    }
    let mut bytes = [0u8; 24];
    std::io::Read::read_exact(&mut std::fs::File::open("/dev/urandom").map_err(|e| Error::Secret(format!("/dev/urandom: {e}")))?, &mut bytes)
        .map_err(|e| Error::Secret(format!("/dev/urandom: {e}")))?;
    let pw: String = bytes.iter().map(|b| format!("{b:02x}")).collect();
    let owner = resources::owner_reference(rha)?;
    let secret: Secret = serde_json::from_value(json!({
        "metadata": {"name": name, "namespace": ns, "labels": names.labels(None), "ownerReferences": [owner]},
        "type": "Opaque",
        "stringData": {"password": pw},
    }))?;
    match api.create(&kube::api::PostParams::default(), &secret).await {
        Ok(_) => Ok(pw),
        // Another pass made it meanwhile: use that one.
        Err(kube::Error::Api(s)) if s.is_already_exists() => Box::pin(operator_password(client, ns, rha, cluster_domain)).await,
        Err(e) => Err(Error::Kube(e)),
    }
}

/// Reads the `spec.tls` Secret. Errors name the Secret and the missing key, never a value.
async fn read_tls(client: &Client, ns: &str, secret: &str) -> Result<TlsMaterial> {
    let api = Api::<Secret>::namespaced(client.clone(), ns);
    let Some(s) = api.get_opt(secret).await.map_err(Error::Kube)? else {
        return Err(Error::Secret(format!("Secret {ns}/{secret} (spec.tls.secretName) does not exist")));
    };
    let data = s.data.unwrap_or_default();
    let key = |k: &str| {
        data.get(k)
            .map(|b| b.0.clone())
            .filter(|b| !b.is_empty())
            .ok_or_else(|| Error::Secret(format!("Secret {ns}/{secret} (spec.tls.secretName) has no key {k:?}")))
    };
    Ok(TlsMaterial { cert: key("tls.crt")?, key: key("tls.key")?, ca: key("ca.crt")? })
}

/// Applies `spec.tls.certManager`'s Certificate, or deletes the one this RedisHA made once the spec
/// drops it. Without cert-manager's CRDs it warns and goes on: the rest of the set does not depend on it.
async fn apply_certificate<W, F>(client: &Client, ns: &str, rha: &RedisHA, cert: Option<&DynamicObject>, warn: &W) -> Result<()>
where
    W: Fn(&'static str, String) -> F,
    F: std::future::Future<Output = ()>,
{
    let api = Api::<DynamicObject>::namespaced_with(client.clone(), ns, &resources::certificate::api_resource());
    let outcome = match (cert, &rha.spec.tls) {
        (Some(c), _) => apply(&api, c).await.map(|_| ()),
        (None, Some(tls)) => delete_owned(&api, &tls.secret_name, rha).await,
        (None, None) => Ok(()),
    };
    // NB: without the CRD the API server answers a bare "404 page not found", not a NotFound Status.
    match outcome {
        Err(Error::Kube(kube::Error::Api(s))) if s.code == 404 => {
            if cert.is_some() {
                warn("CertManagerMissing", "spec.tls.certManager: the API server does not serve certificates.cert-manager.io/v1; install cert-manager, or create the Secret yourself and drop certManager".into()).await;
            }
            Ok(())
        }
        other => other,
    }
}

/// The password must be one line of UTF-8: it is written into redis.conf by the start scripts.
pub fn password_from_bytes(bytes: &[u8]) -> std::result::Result<String, &'static str> {
    let s = std::str::from_utf8(bytes).map_err(|_| "the password is not UTF-8")?;
    let s = s.strip_suffix('\n').unwrap_or(s);
    if s.is_empty() {
        return Err("the password is empty");
    }
    if s.contains(['\n', '\r', '\0']) {
        return Err("the password must be a single line");
    }
    Ok(s.to_string())
}

/// Requeues by error kind and counts the failure.
pub fn error_policy(rha: Arc<RedisHA>, error: &Error, ctx: Arc<Context>) -> Action {
    ctx.metrics.failures.with_label_values(&[error.metric_label()]).inc();
    tracing::warn!(namespace = %rha.namespace().unwrap_or_default(), name = %rha.name_any(), error = %error, "reconcile failed");
    match error {
        Error::InvalidSpec(_) | Error::Render(_) => Action::await_change(),
        _ => Action::requeue(Duration::from_secs(15)),
    }
}

/// How often the janitor compares the running watchers with the RedisHAs that exist: one metadata
/// list of the RedisHAs, so a deleted one's watcher stops dialling its gone sentinels within seconds.
const JANITOR_PERIOD: Duration = Duration::from_secs(10);

/// Stops the watchers (and forgets the switchovers in flight) of RedisHAs that no longer exist. A
/// failed list stops nothing: the next pass asks again.
async fn janitor_pass(rhas: &Api<RedisHA>, watchers: &Watchers, rollouts: &Rollouts) {
    let list = match rhas.list_metadata(&kube::api::ListParams::default()).await {
        Ok(list) => list,
        Err(e) => {
            tracing::debug!(error = %e, "janitor: listing the RedisHAs failed; next pass");
            return;
        }
    };
    let live: std::collections::HashSet<(String, String)> = list.items.iter().map(|r| (r.namespace().unwrap_or_default(), r.name_any())).collect();
    watchers.retain(|k| live.contains(k));
    rollouts.retain(|k| live.contains(k));
}

/// Runs the controller over `scope` until `shutdown` resolves, then stops every watcher.
pub async fn run(ctx: Context, scope: WatchScope, shutdown: impl std::future::Future<Output = ()> + Send + Sync + 'static) {
    let client = ctx.client.clone();
    let rhas = scope.api::<RedisHA>(client.clone());
    let owned = watcher::Config::default().labels("app.kubernetes.io/managed-by=redis-ha-operator");
    let controller = Controller::new(rhas, watcher::Config::default())
        .owns(scope.api::<StatefulSet>(client.clone()), owned.clone())
        .owns(scope.api::<Service>(client.clone()), owned.clone())
        .owns(scope.api::<ConfigMap>(client.clone()), owned.clone())
        .owns(scope.api::<PodDisruptionBudget>(client.clone()), owned);
    let watchers = ctx.watchers.clone();
    let rollouts = ctx.rollouts.clone();
    // Janitor: a deleted RedisHA's watcher stops within seconds, with no finalizer to block deletion.
    // It lists the RedisHAs itself rather than reading the controller's cache: waiting for that cache
    // to be ready beside the controller's own wait never returned (kube-runtime's ready signal wakes
    // only the last task that polled it), so the janitor never ran.
    let janitor = tokio::spawn({
        let (watchers, rollouts) = (watchers.clone(), rollouts.clone());
        let rhas = scope.api::<RedisHA>(client.clone());
        async move {
            let mut tick = tokio::time::interval(JANITOR_PERIOD);
            loop {
                tick.tick().await;
                janitor_pass(&rhas, &watchers, &rollouts).await;
            }
        }
    });
    let (shutting_down, shutdown_seen) = tokio::sync::oneshot::channel::<()>();
    let running = controller
        .graceful_shutdown_on(async move {
            shutdown.await;
            let _ = shutting_down.send(());
        })
        .run(reconcile, error_policy, Arc::new(ctx))
        .for_each(|res| async move {
            if let Err(e) = res {
                tracing::debug!(error = %e, "reconcile stream");
            }
        });
    tokio::select! {
        () = running => {}
        Ok(()) = async move {
            shutdown_seen.await?;
            tokio::time::sleep(SHUTDOWN_GRACE).await;
            Ok::<(), tokio::sync::oneshot::error::RecvError>(())
        } => tracing::warn!("the controller did not stop within {}s of the shutdown; stopping it", SHUTDOWN_GRACE.as_secs()),
    }
    janitor.abort();
    watchers.stop_all();
}

#[cfg(test)]
mod rollout_tests;

#[cfg(test)]
mod tests {
    use super::*;
    use crate::crd::{AuthSpec, RedisHASpec};
    use crate::fixtures::{self, Seen};
    use crate::resources::fixtures::rha;

    fn summary(s: &Seen) -> String {
        format!("{} {}", s.method, s.path)
    }

    #[tokio::test]
    async fn a_new_redisha_gets_exactly_its_children_then_status() {
        let (ctx, mut api) = fixtures::context();
        let watchers = ctx.watchers.clone();
        let r = rha(RedisHASpec { auth: Some(AuthSpec { secret_name: "redis-pw".into(), key: "password".into() }), ..Default::default() });
        let task = tokio::spawn(reconcile(Arc::new(r), Arc::new(ctx)));

        // The password is read from the Secret (base64 "s3cret").
        let secret =
            json!({"apiVersion": "v1", "kind": "Secret", "metadata": {"name": "redis-pw", "namespace": "prod"}, "data": {"password": "czNjcmV0"}});
        let s = api.next(Some(secret)).await;
        assert_eq!(summary(&s), "GET /api/v1/namespaces/prod/secrets/redis-pw");
        // The operator's own user: no Secret yet, so it makes one with a random password.
        let s = api.next(None).await;
        assert_eq!(summary(&s), "GET /api/v1/namespaces/prod/secrets/cache-operator");
        let s = api.next(None).await;
        assert_eq!(summary(&s), "POST /api/v1/namespaces/prod/secrets");
        assert_eq!(s.body["metadata"]["name"], "cache-operator");
        assert_eq!(s.body["metadata"]["ownerReferences"][0]["kind"], "RedisHA");
        let generated = s.body["stringData"]["password"].as_str().unwrap_or_default().to_string();
        assert!(generated.len() == 48 && generated.chars().all(|c| c.is_ascii_hexdigit()), "{generated}");

        let mut applied = Vec::new();
        for _ in 0..10 {
            let s = api.next(None).await;
            assert_eq!(s.method, "PATCH", "{}", summary(&s));
            assert!(s.query.contains("fieldManager=redis-ha-operator") && s.query.contains("force=true"), "server-side apply, forced: {}", s.query);
            let text = s.body.to_string();
            assert!(!text.contains("s3cret"), "the password must not reach any child: {}", summary(&s));
            applied.push(s.path);
        }
        assert_eq!(
            applied,
            [
                "/api/v1/namespaces/prod/configmaps/cache-config",
                "/api/v1/namespaces/prod/services/cache-headless",
                "/api/v1/namespaces/prod/services/cache-sentinel-headless",
                "/api/v1/namespaces/prod/services/cache-master",
                "/api/v1/namespaces/prod/services/cache-replicas",
                "/api/v1/namespaces/prod/services/cache-sentinel",
                "/apis/apps/v1/namespaces/prod/statefulsets/cache",
                "/apis/apps/v1/namespaces/prod/statefulsets/cache-sentinel",
                "/apis/policy/v1/namespaces/prod/poddisruptionbudgets/cache",
                "/apis/policy/v1/namespaces/prod/poddisruptionbudgets/cache-sentinel",
            ]
        );
        let s = api.next(None).await;
        assert_eq!(summary(&s), "PATCH /apis/redisha.io/v1alpha1/namespaces/prod/redishas/cache/status");
        assert_eq!(s.body["status"]["phase"], "Pending");
        assert_eq!(s.body["status"]["observedGeneration"], 1);
        assert!(s.body["status"].get("master").is_none(), "master is the watcher's field");
        assert!(!s.body.to_string().contains("s3cret"));

        let action = task.await.expect("reconcile task").expect("reconcile succeeds");
        assert_eq!(action, Action::requeue(REQUEUE));
        assert_eq!(watchers.len(), 1, "a watcher runs for the new RedisHA");
        watchers.stop_all();
    }

    /// spec.tls without certManager on a cluster without cert-manager: the look for a Certificate to
    /// clean up gets the API server's bare 404 (no such resource type), which is not an error.
    #[tokio::test]
    async fn tls_without_cert_manager_installed_still_reconciles() {
        let (ctx, mut api) = fixtures::context();
        let watchers = ctx.watchers.clone();
        let tls = crate::crd::TlsSpec { secret_name: "cache-tls".into(), client_auth: Default::default(), cert_manager: None };
        let r = rha(RedisHASpec { tls: Some(tls), ..Default::default() });
        let task = tokio::spawn(reconcile(Arc::new(r), Arc::new(ctx)));
        let pem = |s: &str| json!(base64_of(s));
        let secret = json!({"apiVersion": "v1", "kind": "Secret", "metadata": {"name": "cache-tls", "namespace": "prod"},
            "data": {"tls.crt": pem("CERT"), "tls.key": pem("KEY"), "ca.crt": pem("CA")}});
        // A Warning first: no spec.auth.
        let s = api.next(None).await;
        assert_eq!(summary(&s), "POST /apis/events.k8s.io/v1/namespaces/prod/events");
        let s = api.next(Some(secret)).await;
        assert_eq!(summary(&s), "GET /api/v1/namespaces/prod/secrets/cache-tls");
        for _ in 0..8 {
            let s = api.next(None).await;
            assert_eq!(s.method, "PATCH", "{}", summary(&s));
        }
        let page_not_found = json!({"kind": "Status", "apiVersion": "v1", "status": "Failure", "code": 404, "reason": "Failed to parse error data", "message": "404 page not found"});
        let s = api.next(Some(page_not_found)).await;
        assert_eq!(summary(&s), "GET /apis/cert-manager.io/v1/namespaces/prod/certificates/cache-tls");
        for _ in 0..2 {
            let s = api.next(None).await;
            assert!(s.path.contains("poddisruptionbudgets"), "{}", summary(&s));
        }
        let s = api.next(None).await;
        assert!(s.path.ends_with("/status"), "{}", summary(&s));
        task.await.expect("reconcile task").expect("reconcile succeeds");
        watchers.stop_all();
    }

    fn base64_of(s: &str) -> String {
        serde_json::to_value(k8s_openapi::ByteString(s.as_bytes().to_vec())).ok().and_then(|v| v.as_str().map(str::to_string)).unwrap_or_default()
    }

    #[tokio::test]
    async fn an_invalid_spec_gets_a_warning_and_status_and_no_children() {
        let (ctx, mut api) = fixtures::context();
        let watchers = ctx.watchers.clone();
        let r = rha(RedisHASpec { sentinels: 3, quorum: Some(4), ..Default::default() });
        let task = tokio::spawn(reconcile(Arc::new(r), Arc::new(ctx)));

        let s = api.next(None).await;
        assert_eq!(summary(&s), "POST /apis/events.k8s.io/v1/namespaces/prod/events");
        assert_eq!(s.body["type"], "Warning");
        assert_eq!(s.body["reason"], "InvalidSpec");
        assert!(s.body["note"].as_str().is_some_and(|n| n.contains("spec.quorum")), "{}", s.body);
        let s = api.next(None).await;
        assert_eq!(summary(&s), "PATCH /apis/redisha.io/v1alpha1/namespaces/prod/redishas/cache/status");
        assert_eq!(s.body["status"]["phase"], "Invalid");
        assert_eq!(task.await.expect("task").expect("reconcile"), Action::await_change());
        assert!(api.idle(200).await, "nothing else: no children for an invalid spec");
        assert!(watchers.is_empty());
    }

    #[tokio::test]
    async fn a_missing_secret_is_a_warning_and_a_degraded_status_but_children_are_applied() {
        let (ctx, mut api) = fixtures::context();
        let watchers = ctx.watchers.clone();
        let mut r = rha(RedisHASpec { auth: Some(AuthSpec { secret_name: "nope".into(), key: "password".into() }), ..Default::default() });
        // Same generation already observed: no advisory Events this time.
        r.status = Some(crate::crd::RedisHAStatus { observed_generation: Some(1), ..Default::default() });
        let task = tokio::spawn(reconcile(Arc::new(r), Arc::new(ctx)));
        assert_eq!(summary(&api.next(None).await), "GET /api/v1/namespaces/prod/secrets/nope");
        let s = api.next(None).await;
        assert_eq!((s.body["type"].as_str(), s.body["reason"].as_str()), (Some("Warning"), Some("SecretProblem")));
        assert!(s.body["note"].as_str().is_some_and(|n| n.contains("prod/nope") && n.contains("spec.auth.secretName")));
        for _ in 0..10 {
            assert_eq!(api.next(None).await.method, "PATCH");
        }
        let s = api.next(None).await;
        assert!(s.path.ends_with("/status"));
        let conditions = s.body["status"]["conditions"].as_array().cloned().unwrap_or_default();
        let ready = conditions.iter().find(|c| c["type"] == "Ready").expect("Ready condition");
        assert_eq!(ready["status"], "False");
        task.await.expect("task").expect("reconcile");
        assert!(watchers.is_empty(), "no watcher without a usable password");
    }

    #[tokio::test]
    async fn the_janitor_stops_the_watchers_of_redishas_that_are_gone() {
        let (ctx, mut api) = fixtures::context();
        let metrics = Metrics::new().expect("metrics");
        for ns in ["prod", "gone"] {
            crate::master::registry::tests::start(&ctx.watchers, &metrics, ns, 1);
        }
        let rhas = WatchScope::AllNamespaces.api::<RedisHA>(ctx.client.clone());
        let pass = tokio::spawn({
            let (watchers, rollouts) = (ctx.watchers.clone(), ctx.rollouts.clone());
            async move { janitor_pass(&rhas, &watchers, &rollouts).await }
        });
        let item =
            |ns: &str| json!({"apiVersion": "meta.k8s.io/v1", "kind": "PartialObjectMetadata", "metadata": {"name": "cache", "namespace": ns}});
        let list =
            json!({"apiVersion": "meta.k8s.io/v1", "kind": "PartialObjectMetadataList", "metadata": {}, "items": [item("prod"), item("other")]});
        let s = api.next(Some(list)).await;
        assert_eq!((s.method.as_str(), s.path.as_str()), ("GET", "/apis/redisha.io/v1alpha1/redishas"));
        pass.await.expect("janitor pass");
        assert_eq!(ctx.watchers.len(), 1, "the watcher of gone/cache stopped, prod/cache's kept");
        assert_eq!(ctx.watchers.state(&("prod".into(), "cache".into())).sentinels_configured, 1);

        // A failed list stops nothing.
        let rhas = WatchScope::AllNamespaces.api::<RedisHA>(ctx.client.clone());
        let pass = tokio::spawn({
            let (watchers, rollouts) = (ctx.watchers.clone(), ctx.rollouts.clone());
            async move { janitor_pass(&rhas, &watchers, &rollouts).await }
        });
        api.next(None).await;
        pass.await.expect("janitor pass");
        assert_eq!(ctx.watchers.len(), 1);
        ctx.watchers.stop_all();
    }

    /// The paths `run` lists over `scope`, one per watched kind, then that it stops on shutdown.
    async fn watched_paths(scope: WatchScope) -> Vec<String> {
        let (ctx, mut api) = fixtures::context();
        let (stop, stopped) = tokio::sync::oneshot::channel::<()>();
        let task = tokio::spawn(run(ctx, scope, async {
            let _ = stopped.await;
        }));
        let mut paths = std::collections::BTreeSet::new();
        while paths.len() < 5 {
            // A 404 (the verifier's answer to a GET): the caches never fill, the lists are retried.
            let s = api.next(None).await;
            assert_eq!(s.method, "GET", "{}", summary(&s));
            paths.insert(s.path);
        }
        let _ = stop.send(());
        tokio::time::timeout(SHUTDOWN_GRACE + Duration::from_secs(5), task).await.expect("run stops on shutdown").expect("run task");
        paths.into_iter().collect()
    }

    // Paused time: the shutdown grace passes at once (the caches never list, so only the grace ends it).
    #[tokio::test(start_paused = true)]
    async fn a_namespace_scope_watches_that_namespace_only() {
        assert_eq!(
            watched_paths(WatchScope::from_namespace("team-a")).await,
            [
                "/api/v1/namespaces/team-a/configmaps",
                "/api/v1/namespaces/team-a/services",
                "/apis/apps/v1/namespaces/team-a/statefulsets",
                "/apis/policy/v1/namespaces/team-a/poddisruptionbudgets",
                "/apis/redisha.io/v1alpha1/namespaces/team-a/redishas",
            ]
        );
        assert_eq!(
            watched_paths(WatchScope::from_namespace("")).await,
            [
                "/api/v1/configmaps",
                "/api/v1/services",
                "/apis/apps/v1/statefulsets",
                "/apis/policy/v1/poddisruptionbudgets",
                "/apis/redisha.io/v1alpha1/redishas"
            ]
        );
    }

    #[test]
    fn password_rules() {
        assert_eq!(password_from_bytes(b"s3cret\n").as_deref(), Ok("s3cret"));
        assert_eq!(password_from_bytes(b"with \"quotes\" and \\").as_deref(), Ok("with \"quotes\" and \\"));
        assert!(password_from_bytes(b"").is_err());
        assert!(password_from_bytes(b"two\nlines").is_err());
        assert!(password_from_bytes(&[0xff, 0xfe]).is_err());
        // The error says what is wrong, never the value.
        assert!(!password_from_bytes(b"a\nsecretvalue").err().unwrap_or_default().contains("secretvalue"));
    }
}
