//! Latency from a sentinel publishing `+switch-master` to the operator's label patch request (issue 6,
//! point 7). Runs the real watcher and [`MasterMover`] against an in-process fake sentinel (a minimal
//! RESP server: SUBSCRIBE, SENTINEL GET-MASTER-ADDR-BY-NAME, ROLE, HELLO/CLIENT/AUTH) and a mock API that
//! timestamps the promotion request. Prints p50/p99 over N switches.
//!
//! `cargo run --release -p redis-ha-operator --example switch_latency -- [N]` (default 200).

use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

use redis_ha_operator::master::events::Addr;
use redis_ha_operator::master::mover::{DataPod, MasterApi, MasterMover, Note};
use redis_ha_operator::master::watcher::{self, WatchConfig};
use redis_ha_operator::resources::names::Names;
use tokio::io::{AsyncBufReadExt, AsyncReadExt, AsyncWriteExt, BufReader};
use tokio::net::{TcpListener, TcpStream};
use tokio::sync::{broadcast, mpsc, watch};

type Shared<T> = Arc<Mutex<T>>;

/// The fake sentinel's state: the master it reports, and the pub/sub fan-out.
#[derive(Clone)]
struct Fake {
    master: Shared<String>,
    publish: broadcast::Sender<(String, String)>,
}

async fn read_command(r: &mut BufReader<tokio::net::tcp::OwnedReadHalf>) -> Option<Vec<String>> {
    let mut line = String::new();
    r.read_line(&mut line).await.ok()?;
    let n: usize = line.trim().strip_prefix('*')?.parse().ok()?;
    let mut args = Vec::with_capacity(n);
    for _ in 0..n {
        line.clear();
        r.read_line(&mut line).await.ok()?;
        let len: usize = line.trim().strip_prefix('$')?.parse().ok()?;
        let mut buf = vec![0u8; len + 2];
        r.read_exact(&mut buf).await.ok()?;
        buf.truncate(len);
        args.push(String::from_utf8_lossy(&buf).into_owned());
    }
    Some(args)
}

fn bulk(s: &str) -> String {
    format!("${}\r\n{s}\r\n", s.len())
}

async fn serve_client(stream: TcpStream, fake: Fake) {
    let (r, mut w) = stream.into_split();
    let mut r = BufReader::new(r);
    let mut sub: Option<broadcast::Receiver<(String, String)>> = None;
    loop {
        let cmd = if let Some(rx) = sub.as_mut() {
            tokio::select! {
                c = read_command(&mut r) => c,
                m = rx.recv() => {
                    let Ok((ch, payload)) = m else { return };
                    let frame = format!("*3\r\n{}{}{}", bulk("message"), bulk(&ch), bulk(&payload));
                    if w.write_all(frame.as_bytes()).await.is_err() { return; }
                    continue;
                }
            }
        } else {
            read_command(&mut r).await
        };
        let Some(cmd) = cmd else { return };
        let name = cmd.first().map(|s| s.to_ascii_uppercase()).unwrap_or_default();
        let reply = match name.as_str() {
            "SUBSCRIBE" => {
                sub.get_or_insert_with(|| fake.publish.subscribe());
                cmd[1..].iter().enumerate().map(|(i, ch)| format!("*3\r\n{}{}:{}\r\n", bulk("subscribe"), bulk(ch), i + 1)).collect()
            }
            "SENTINEL" => {
                let m = fake.master.lock().map(|m| m.clone()).unwrap_or_default();
                format!("*2\r\n{}{}", bulk("127.0.0.1"), bulk(&m))
            }
            "ROLE" => format!("*3\r\n{}:0\r\n*0\r\n", bulk("master")),
            "PING" => "+PONG\r\n".to_string(),
            _ => "+OK\r\n".to_string(),
        };
        if w.write_all(reply.as_bytes()).await.is_err() {
            return;
        }
    }
}

/// Records when the promotion request is made.
#[derive(Clone, Default)]
struct Timed {
    promoted: Shared<Vec<(String, Instant)>>,
    pods: Shared<Vec<DataPod>>,
}

impl MasterApi for Timed {
    async fn list_data_pods(&self) -> redis_ha_operator::error::Result<Vec<DataPod>> {
        Ok(self.pods.lock().map(|p| p.clone()).unwrap_or_default())
    }
    async fn set_role(&self, pod: &str, role: &'static str) -> redis_ha_operator::error::Result<()> {
        if role == "master" {
            if let Ok(mut p) = self.promoted.lock() {
                p.push((pod.to_string(), Instant::now()));
            }
        }
        if let Ok(mut pods) = self.pods.lock() {
            if let Some(p) = pods.iter_mut().find(|p| p.name == pod) {
                p.role = Some(role.to_string());
            }
        }
        Ok(())
    }
    async fn record(&self, _: Note) -> redis_ha_operator::error::Result<()> {
        Ok(())
    }
    async fn patch_status(&self, _: serde_json::Value) -> redis_ha_operator::error::Result<()> {
        Ok(())
    }
}

#[tokio::main(flavor = "multi_thread", worker_threads = 2)]
async fn main() -> anyhow::Result<()> {
    let rounds: usize = std::env::args().nth(1).and_then(|a| a.parse().ok()).unwrap_or(200);
    // Two loopback addresses stand for two data pods (the mover resolves them by pod IP); the same fake
    // server answers as sentinel and, for the ROLE check, as the new master.
    let first = TcpListener::bind("127.0.0.1:0").await?;
    let port = first.local_addr()?.port();
    let second = TcpListener::bind(("127.0.0.2", port)).await?;
    let (publish, _) = broadcast::channel(64);
    let fake = Fake { master: Arc::new(Mutex::new(port.to_string())), publish: publish.clone() };
    for listener in [first, second] {
        let fake = fake.clone();
        tokio::spawn(async move {
            while let Ok((s, _)) = listener.accept().await {
                tokio::spawn(serve_client(s, fake.clone()));
            }
        });
    }

    let names = Names { name: "cache".into(), namespace: "bench".into(), cluster_domain: "cluster.local".into() };
    let host = |i: usize| format!("127.0.0.{}", i + 1);
    let api = Timed::default();
    if let Ok(mut p) = api.pods.lock() {
        *p = (0..2).map(|i| DataPod { name: names.data_pod(i), role: None, ip: Some(host(i as usize)) }).collect();
    }
    let cfg = WatchConfig {
        master_set: "cache".into(),
        sentinels: vec![Addr::new("127.0.0.1", port)],
        configured: 1,
        creds: Default::default(),
        poll: Duration::from_secs(3600),
    };
    let (tx, mut rx) = mpsc::channel(64);
    let (_stop, stop_rx) = watch::channel(false);
    tokio::spawn(watcher::run(cfg, None, tx, stop_rx));
    let mut mover = MasterMover::new(names.clone(), api.clone(), None, Arc::default(), 0);
    tokio::spawn(async move {
        while let Some(out) = rx.recv().await {
            let _ = mover.handle(out).await;
        }
    });
    // The first poll names cache-0 (127.0.0.1); the rounds then alternate cache-1, cache-0, ...
    tokio::time::sleep(Duration::from_millis(300)).await;

    let mut samples = Vec::with_capacity(rounds);
    for round in 1..=rounds {
        let (old, new) = (host((round + 1) % 2), host(round % 2));
        let expected = names.data_pod((round % 2) as i32);
        let before = api.promoted.lock().map(|p| p.len()).unwrap_or(0);
        let published = Instant::now();
        let _ = publish.send(("+switch-master".into(), format!("cache {old} {port} {new} {port}")));
        let deadline = published + Duration::from_secs(2);
        loop {
            let hit = api.promoted.lock().ok().and_then(|p| p.get(before).cloned());
            if let Some((pod, at)) = hit {
                if pod == expected {
                    samples.push(at.duration_since(published));
                }
                break;
            }
            if Instant::now() > deadline {
                break;
            }
            tokio::time::sleep(Duration::from_micros(200)).await;
        }
    }
    samples.sort();
    if samples.is_empty() {
        anyhow::bail!("no switch reached the label patch");
    }
    let pct = |p: f64| samples[((samples.len() as f64 * p).ceil() as usize).clamp(1, samples.len()) - 1];
    println!(
        "switch-master → label patch request: n={} (of {rounds}) p50={:.2} ms p99={:.2} ms max={:.2} ms (target p99 < 100 ms)",
        samples.len(),
        pct(0.50).as_secs_f64() * 1e3,
        pct(0.99).as_secs_f64() * 1e3,
        samples[samples.len() - 1].as_secs_f64() * 1e3
    );
    Ok(())
}
