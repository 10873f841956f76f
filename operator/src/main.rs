//! `redis-ha-operator`: wiring only (arguments, logging, leader election, HTTP, controller).
//! The logic lives in the library; see its crate docs for the layout.

use std::time::Duration;

use anyhow::Context as _;
use k8s_openapi::api::coordination::v1::Lease;
use kube::runtime::events::Reporter;
use kube::{Api, Client};
use redis_ha_operator::controller::{self, Context};
use redis_ha_operator::http::{self, Readiness};
use redis_ha_operator::leader::{self, LeaseConfig};
use redis_ha_operator::metrics::Metrics;
use redis_ha_operator::resources::RenderOptions;
use redis_ha_operator::updater::Rollouts;
use redis_ha_operator::watchers::Watchers;

const USAGE: &str = "Usage: redis-ha-operator [options]
  --metrics-addr ADDR     serve /metrics, /healthz, /readyz on ADDR (default 0.0.0.0:8080)
  --leader-elect          take a Lease before reconciling (needed when running more than one replica)
  --lease-namespace NS    namespace of the Lease (default: $POD_NAMESPACE, else \"default\")
  --node-image IMAGE      image for RedisHAs without spec.image (default: the node image of this version)
  --cluster-domain DOMAIN cluster DNS domain used in pod hostnames (default cluster.local)
  --log-format text|json  log lines as text (default) or one JSON object per line
  --version, --help
Logging: RUST_LOG (default info).";

struct Args {
    metrics_addr: String,
    leader_elect: bool,
    lease_namespace: String,
    json_logs: bool,
    opts: RenderOptions,
}

fn parse_args() -> Result<Option<Args>, String> {
    let mut args = Args {
        metrics_addr: "0.0.0.0:8080".into(),
        leader_elect: false,
        lease_namespace: std::env::var("POD_NAMESPACE").unwrap_or_else(|_| "default".into()),
        json_logs: false,
        opts: RenderOptions::default(),
    };
    let mut it = std::env::args().skip(1);
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
            "--lease-namespace" => args.lease_namespace = value(&a)?,
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
    let args = match parse_args() {
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
    let ready = Readiness::default();
    let listener = tokio::net::TcpListener::bind(&args.metrics_addr).await.with_context(|| format!("binding {}", args.metrics_addr))?;
    tokio::spawn(http::serve(listener, metrics.clone(), ready.clone()));

    let client = Client::try_default().await.context("connecting to the Kubernetes API")?;
    let identity = std::env::var("POD_NAME").unwrap_or_else(|_| format!("redis-ha-operator-{}", std::process::id()));
    let (lost_tx, lost_rx) = tokio::sync::oneshot::channel::<()>();
    if args.leader_elect {
        let api = Api::<Lease>::namespaced(client.clone(), &args.lease_namespace);
        let cfg = LeaseConfig {
            name: "redis-ha-operator".into(),
            identity: identity.clone(),
            duration: Duration::from_secs(15),
            renew_every: Duration::from_secs(4),
        };
        tracing::info!(%identity, "waiting for the leader lease");
        tokio::select! {
            _ = leader::acquire(&api, &cfg) => {}
            _ = shutdown_signal() => return Ok(()),
        }
        tracing::info!(%identity, "leading");
        tokio::spawn(async move {
            leader::hold(&api, &cfg).await;
            let _ = lost_tx.send(());
        });
    } else {
        // Without election this replica always leads; the dropped sender disables the branch below.
        drop(lost_tx);
    }
    ready.set(true);

    let ctx = Context {
        client,
        reporter: Reporter { controller: "redis-ha-operator".into(), instance: Some(identity) },
        metrics,
        opts: args.opts,
        watchers: Watchers::default(),
        rollouts: Rollouts::default(),
    };
    let (done_tx, done_rx) = tokio::sync::oneshot::channel::<bool>();
    let shutdown = async move {
        let lost = tokio::select! {
            _ = shutdown_signal() => false,
            Ok(()) = lost_rx => true,
        };
        let _ = done_tx.send(lost);
    };
    controller::run(ctx, shutdown).await;
    if done_rx.await.unwrap_or(false) {
        anyhow::bail!("lost the leader lease");
    }
    tracing::info!("stopped");
    Ok(())
}
