//! `redis-ha-operator`: wiring only (arguments, logging, leader election, HTTP, controller).
//! The logic lives in the library; see its crate docs for the layout.

use std::time::Duration;

use anyhow::Context as _;
use k8s_openapi::api::coordination::v1::Lease;
use kube::runtime::events::Reporter;
use kube::{Api, Client};
use redis_ha_operator::controller::{self, Context, WatchScope};
use redis_ha_operator::http;
use redis_ha_operator::leader::{self, LeaseConfig, Tenure};
use redis_ha_operator::master::registry::Watchers;
use redis_ha_operator::metrics::Metrics;
use redis_ha_operator::readiness::{Readiness, Role};
use redis_ha_operator::resources::RenderOptions;
use redis_ha_operator::rollout::apply::Rollouts;

const USAGE: &str = "Usage: redis-ha-operator [options]
  --metrics-addr ADDR     serve /metrics, /healthz, /readyz on ADDR (default 0.0.0.0:8080)
  --leader-elect          take a Lease before reconciling (needed when running more than one replica)
  --lease-namespace NS    namespace of the Lease (default: the watched namespace, else $POD_NAMESPACE, else \"default\")
  --watch-namespace NS    manage RedisHAs in namespace NS only, with a Role there instead of a ClusterRole
                          (default: $WATCH_NAMESPACE; empty: every namespace)
  --node-image IMAGE      image for RedisHAs without spec.image (default: the node image of this version)
  --cluster-domain DOMAIN cluster DNS domain used in pod hostnames (default cluster.local)
  --log-format text|json  log lines as text (default) or one JSON object per line
  --version, --help
Logging: RUST_LOG (default info).";

#[derive(Debug)]
struct Args {
    metrics_addr: String,
    leader_elect: bool,
    lease_namespace: String,
    watch: WatchScope,
    json_logs: bool,
    opts: RenderOptions,
}

/// `argv` without the program name; `env` reads the environment (POD_NAMESPACE, WATCH_NAMESPACE).
fn parse_args(argv: impl IntoIterator<Item = String>, env: impl Fn(&str) -> Option<String>) -> Result<Option<Args>, String> {
    let mut args = Args {
        metrics_addr: "0.0.0.0:8080".into(),
        leader_elect: false,
        lease_namespace: String::new(),
        watch: WatchScope::from_namespace(&env("WATCH_NAMESPACE").unwrap_or_default()),
        json_logs: false,
        opts: RenderOptions::default(),
    };
    let mut lease_namespace = None;
    let mut it = argv.into_iter();
    while let Some(a) = it.next() {
        let mut value = |name: &str| it.next().ok_or_else(|| format!("{name} needs a value"));
        match a.as_str() {
            "--version" | "-V" => {
                println!("redis-ha-operator {}", env!("CARGO_PKG_VERSION"));
                return Ok(None);
            }
            "--help" | "-h" => {
                println!("{USAGE}");
                return Ok(None);
            }
            "--metrics-addr" => args.metrics_addr = value(&a)?,
            "--leader-elect" => args.leader_elect = true,
            "--lease-namespace" => lease_namespace = Some(value(&a)?),
            "--watch-namespace" => args.watch = WatchScope::from_namespace(&value(&a)?),
            "--node-image" => args.opts.default_image = value(&a)?,
            "--cluster-domain" => args.opts.cluster_domain = value(&a)?,
            "--log-format" => {
                args.json_logs = match value(&a)?.as_str() {
                    "json" => true,
                    "text" => false,
                    other => return Err(format!("--log-format must be text or json, not {other:?}")),
                }
            }
            other => return Err(format!("unknown argument {other:?}")),
        }
    }
    // A namespaced operator keeps its Lease with everything else it touches, so two of them watching
    // different namespaces never contend for one Lease.
    args.lease_namespace =
        lease_namespace.or_else(|| args.watch.namespace().map(str::to_string)).or_else(|| env("POD_NAMESPACE")).unwrap_or_else(|| "default".into());
    Ok(Some(args))
}

async fn shutdown_signal() {
    let term = async {
        match tokio::signal::unix::signal(tokio::signal::unix::SignalKind::terminate()) {
            Ok(mut s) => {
                s.recv().await;
            }
            Err(_) => std::future::pending::<()>().await,
        }
    };
    tokio::select! {
        _ = tokio::signal::ctrl_c() => {}
        _ = term => {}
    }
}

fn main() -> std::process::ExitCode {
    let args = match parse_args(std::env::args().skip(1), |k| std::env::var(k).ok()) {
        Ok(Some(a)) => a,
        Ok(None) => return std::process::ExitCode::SUCCESS,
        Err(e) => {
            eprintln!("redis-ha-operator: {e}\n{USAGE}");
            return std::process::ExitCode::from(2);
        }
    };
    let filter = tracing_subscriber::EnvFilter::try_from_default_env().unwrap_or_else(|_| tracing_subscriber::EnvFilter::new("info"));
    // JSON for log pipelines (every field of a span or event becomes a key); text for people.
    if args.json_logs {
        tracing_subscriber::fmt().json().with_current_span(true).with_env_filter(filter).init();
    } else {
        tracing_subscriber::fmt().with_env_filter(filter).init();
    }
    let rt = match tokio::runtime::Builder::new_multi_thread().enable_all().build() {
        Ok(rt) => rt,
        Err(e) => {
            eprintln!("redis-ha-operator: cannot start the runtime: {e}");
            return std::process::ExitCode::FAILURE;
        }
    };
    match rt.block_on(run(args)) {
        Ok(()) => std::process::ExitCode::SUCCESS,
        Err(e) => {
            tracing::error!(error = %format!("{e:#}"), "exiting");
            std::process::ExitCode::FAILURE
        }
    }
}

async fn run(args: Args) -> anyhow::Result<()> {
    let metrics = Metrics::new().context("metrics")?;
    let lease_duration = Duration::from_secs(15);
    let ready = if args.leader_elect { Readiness::with_lease(lease_duration) } else { Readiness::default() };
    let listener = tokio::net::TcpListener::bind(&args.metrics_addr).await.with_context(|| format!("binding {}", args.metrics_addr))?;
    tokio::spawn(http::serve(listener, metrics.clone(), ready.clone()));

    let client = Client::try_default().await.context("connecting to the Kubernetes API")?;
    let identity = std::env::var("POD_NAME").unwrap_or_else(|_| format!("redis-ha-operator-{}", std::process::id()));
    let (lost_tx, lost_rx) = tokio::sync::oneshot::channel::<()>();
    // Dropped (or sent) once the controller has stopped: the lease holder then gives the lease up.
    let (stop_holding, stop_rx) = tokio::sync::oneshot::channel::<()>();
    let mut holder = None;
    if args.leader_elect {
        let api = Api::<Lease>::namespaced(client.clone(), &args.lease_namespace);
        let cfg = LeaseConfig {
            name: "redis-ha-operator".into(),
            identity: identity.clone(),
            duration: lease_duration,
            renew_every: Duration::from_secs(4),
        };
        tracing::info!(%identity, "waiting for the leader lease");
        ready.set_role(Role::Standby);
        tokio::select! {
            _ = leader::acquire(&api, &cfg, &ready) => {}
            _ = shutdown_signal() => {
                // An acquisition in flight may have succeeded unseen; give the lease back if so.
                if let Ok(Err(e)) = tokio::time::timeout(Duration::from_secs(5), leader::release(&api, &cfg)).await {
                    tracing::warn!(error = %e, "could not check the leader lease on the way out");
                }
                return Ok(());
            }
        }
        tracing::info!(%identity, "leading");
        let ready = ready.clone();
        holder = Some(tokio::spawn(async move {
            if leader::hold(&api, &cfg, &ready, async {
                let _ = stop_rx.await;
            })
            .await
                == Tenure::Lost
            {
                let _ = lost_tx.send(());
            }
        }));
    } else {
        // Without election this replica always leads; the dropped sender disables the branch below.
        drop(lost_tx);
    }
    ready.set_role(Role::Leading);

    let ctx = Context {
        client,
        reporter: Reporter { controller: "redis-ha-operator".into(), instance: Some(identity) },
        metrics,
        opts: args.opts,
        watchers: Watchers::default(),
        rollouts: Rollouts::default(),
    };
    let (done_tx, done_rx) = tokio::sync::oneshot::channel::<bool>();
    let stopping = ready.clone();
    let shutdown = async move {
        let lost = tokio::select! {
            _ = shutdown_signal() => false,
            Ok(()) = lost_rx => true,
        };
        stopping.set_role(Role::Stopping);
        let _ = done_tx.send(lost);
    };
    match args.watch.namespace() {
        Some(ns) => tracing::info!(namespace = %ns, "managing the RedisHAs of one namespace"),
        None => tracing::info!("managing the RedisHAs of every namespace"),
    }
    controller::run(ctx, args.watch, shutdown).await;
    // Only now, with nothing left acting for the leader, may a standby take over.
    drop(stop_holding);
    if let Some(holder) = holder {
        let _ = holder.await;
    }
    if done_rx.await.unwrap_or(false) {
        anyhow::bail!("lost the leader lease");
    }
    tracing::info!("stopped");
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    fn parse(argv: &[&str], env: &[(&str, &str)]) -> Args {
        let env: Vec<(String, String)> = env.iter().map(|(k, v)| (k.to_string(), v.to_string())).collect();
        let lookup = |k: &str| env.iter().find(|(n, _)| n == k).map(|(_, v)| v.clone());
        parse_args(argv.iter().map(|a| a.to_string()), lookup).expect("parses").expect("runs")
    }

    #[test]
    fn watch_namespace_from_the_flag_or_the_environment() {
        assert_eq!(parse(&[], &[]).watch, WatchScope::AllNamespaces);
        assert_eq!(parse(&["--watch-namespace", "team-a"], &[]).watch, WatchScope::Namespace("team-a".into()));
        assert_eq!(parse(&[], &[("WATCH_NAMESPACE", "team-b")]).watch, WatchScope::Namespace("team-b".into()));
        assert_eq!(parse(&["--watch-namespace", "team-a"], &[("WATCH_NAMESPACE", "team-b")]).watch, WatchScope::Namespace("team-a".into()));
        assert_eq!(parse(&["--watch-namespace", ""], &[("WATCH_NAMESPACE", "team-b")]).watch, WatchScope::AllNamespaces, "empty: every namespace");
        assert!(parse_args(["--watch-namespace".to_string()], |_| None).is_err(), "the flag needs a value");
    }

    #[test]
    fn the_lease_follows_the_watched_namespace_unless_given() {
        let pod = [("POD_NAMESPACE", "ops")];
        assert_eq!(parse(&[], &pod).lease_namespace, "ops");
        assert_eq!(parse(&[], &[]).lease_namespace, "default");
        assert_eq!(parse(&["--watch-namespace", "team-a"], &pod).lease_namespace, "team-a");
        assert_eq!(parse(&["--lease-namespace", "leases", "--watch-namespace", "team-a"], &pod).lease_namespace, "leases");
    }
}
