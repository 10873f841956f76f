//! The switch-master watcher against real processes: `redis-server` (a master and a replica) and three
//! `redis-sentinel`s on 127.0.0.1. Killing the master must make the watcher report the switch to the
//! replica's address within the failover time, with the ROLE check passing.
//!
//! Needs `redis-server` and `redis-sentinel` on PATH (scripts/test.sh installs them). Every process is
//! killed on drop, panics included.

use std::net::TcpListener;
use std::path::{Path, PathBuf};
use std::process::{Child, Command, Stdio};
use std::time::{Duration, Instant};

use redis_ha_operator::master::credentials::Credentials;
use redis_ha_operator::master::events::Addr;
use redis_ha_operator::master::topology::Cause;
use redis_ha_operator::master::watcher::{self, Output, WatchConfig};
use tokio::sync::{mpsc, watch};

const SET: &str = "cache";
const PASSWORD: &str = "s3cret \"quoted\"";

struct Proc {
    child: Child,
}

impl Drop for Proc {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

impl Proc {
    fn kill(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

fn free_port() -> u16 {
    TcpListener::bind("127.0.0.1:0").and_then(|l| l.local_addr()).map(|a| a.port()).expect("a free port")
}

fn have(bin: &str) -> bool {
    Command::new(bin).arg("--version").stdout(Stdio::null()).stderr(Stdio::null()).status().is_ok_and(|s| s.success())
}

fn start(bin: &str, conf: &Path, dir: &Path, extra: &[&str]) -> Proc {
    let log = std::fs::File::create(dir.join(format!("{}.log", conf.file_stem().and_then(|s| s.to_str()).unwrap_or("x")))).expect("log file");
    let child = Command::new(bin).arg(conf).args(extra).current_dir(dir).stdout(log).stderr(Stdio::null()).spawn().expect("spawn");
    Proc { child }
}

fn wait_port(port: u16) {
    let deadline = Instant::now() + Duration::from_secs(10);
    while Instant::now() < deadline {
        if std::net::TcpStream::connect(("127.0.0.1", port)).is_ok() {
            return;
        }
        std::thread::sleep(Duration::from_millis(50));
    }
    panic!("port {port} did not open");
}

fn redis_quoted(s: &str) -> String {
    format!("\"{}\"", s.replace('\\', "\\\\").replace('"', "\\\""))
}

/// A scratch directory removed on drop (declared before the processes, so it outlives them).
struct TempDir(PathBuf);

impl Drop for TempDir {
    fn drop(&mut self) {
        let _ = std::fs::remove_dir_all(&self.0);
    }
}

fn tempdir() -> TempDir {
    let d = std::env::temp_dir().join(format!("redis-ha-watcher-{}-{}", std::process::id(), free_port()));
    std::fs::create_dir_all(&d).expect("temp dir");
    TempDir(d)
}

/// Waits for the master to report its replica as online, so the failover has a candidate.
async fn wait_replica_synced(master: &Addr) {
    let deadline = Instant::now() + Duration::from_secs(15);
    let client = redis::Client::open(redis::ConnectionInfo {
        addr: redis::ConnectionAddr::Tcp(master.host.clone(), master.port),
        redis: redis::RedisConnectionInfo { password: Some(PASSWORD.into()), ..Default::default() },
    })
    .expect("client");
    while Instant::now() < deadline {
        if let Ok(mut c) = client.get_multiplexed_async_connection().await {
            let info: String = redis::cmd("INFO").arg("replication").query_async(&mut c).await.unwrap_or_default();
            if info.contains("state=online") {
                return;
            }
        }
        tokio::time::sleep(Duration::from_millis(100)).await;
    }
    panic!("replica never synced");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn watcher_sees_real_switch_master_after_the_master_dies() {
    if !have("redis-server") || !have("redis-sentinel") {
        // Fail loudly in CI, where scripts/test.sh installs both; a developer without them sees why.
        assert!(std::env::var_os("CI").is_none(), "redis-server and redis-sentinel must be installed (scripts/test.sh does)");
        eprintln!("skipped: redis-server/redis-sentinel not installed");
        return;
    }
    let scratch = tempdir();
    let dir = scratch.0.clone();
    let (mp, rp) = (free_port(), free_port());
    let pw = redis_quoted(PASSWORD);
    let node_conf = |name: &str, port: u16, replicaof: Option<u16>| {
        let mut c = format!("port {port}\nbind 127.0.0.1\nsave \"\"\nappendonly no\nrequirepass {pw}\nmasterauth {pw}\ndir {}\n", dir.display());
        c.push_str(&format!("dbfilename {name}.rdb\nrepl-diskless-sync yes\nrepl-diskless-sync-delay 0\n"));
        if let Some(m) = replicaof {
            c.push_str(&format!("replicaof 127.0.0.1 {m}\n"));
        }
        let path = dir.join(format!("{name}.conf"));
        std::fs::write(&path, c).expect("write conf");
        path
    };
    let mut master = start("redis-server", &node_conf("master", mp, None), &dir, &[]);
    wait_port(mp);
    let _replica = start("redis-server", &node_conf("replica", rp, Some(mp)), &dir, &[]);
    wait_port(rp);
    wait_replica_synced(&Addr::new("127.0.0.1", mp)).await;

    let mut sentinels = Vec::new();
    let mut sentinel_addrs = Vec::new();
    for i in 0..3 {
        let port = free_port();
        let conf = dir.join(format!("sentinel{i}.conf"));
        std::fs::write(
            &conf,
            format!(
                "port {port}\nbind 127.0.0.1\ndir {dir}\nrequirepass {pw}\n\
                 sentinel monitor {SET} 127.0.0.1 {mp} 2\n\
                 sentinel auth-pass {SET} {pw}\n\
                 sentinel down-after-milliseconds {SET} 1000\n\
                 sentinel failover-timeout {SET} 4000\n\
                 sentinel parallel-syncs {SET} 1\n",
                dir = dir.display()
            ),
        )
        .expect("write sentinel conf");
        sentinels.push(start("redis-sentinel", &conf, &dir, &[]));
        wait_port(port);
        sentinel_addrs.push(Addr::new("127.0.0.1", port));
    }

    let cfg = WatchConfig {
        master_set: SET.into(),
        sentinels: sentinel_addrs,
        configured: 3,
        creds: Credentials::password(Some(PASSWORD.into())),
        poll: Duration::from_millis(500),
    };
    assert!(!format!("{cfg:?}").contains("s3cret"), "the password must never be printed");
    let (out_tx, mut out) = mpsc::channel(64);
    let (stop_tx, stop_rx) = watch::channel(false);
    let task = tokio::spawn(watcher::run(cfg, None, out_tx, stop_rx));

    // Startup: with no recorded master, the poll (majority of GET-MASTER-ADDR-BY-NAME) names the master.
    let first = next_switch(&mut out, Duration::from_secs(10)).await;
    assert_eq!(first.to, Addr::new("127.0.0.1", mp));
    assert_eq!(first.cause, Cause::Backstop);

    // Let the sentinels discover each other and the replica before the failure.
    tokio::time::sleep(Duration::from_secs(2)).await;
    let killed_at = Instant::now();
    master.kill();

    // down-after (1 s) + election + promotion: typically 2–5 s; the failover timeout bounds it.
    let switch = next_switch(&mut out, Duration::from_secs(20)).await;
    let took = killed_at.elapsed();
    assert_eq!(switch.to, Addr::new("127.0.0.1", rp), "the replica is the new master");
    assert_eq!(switch.from, Some(Addr::new("127.0.0.1", mp)));
    assert_eq!(switch.cause, Cause::Event, "the switch comes from +switch-master, not the poll");
    assert!(switch.odown_to_switch.is_some(), "the watcher saw +odown before +switch-master");
    eprintln!("switch seen {took:?} after the kill; odown→switch {:?}", switch.odown_to_switch);

    // The other sentinels' identical +switch-master messages do not produce a second switch.
    let deadline = Instant::now() + Duration::from_secs(2);
    while let Ok(Some(o)) = tokio::time::timeout(deadline.saturating_duration_since(Instant::now()), out.recv()).await {
        assert!(!matches!(o, Output::Switch(_)), "a duplicate switch: {o:?}");
    }

    stop_tx.send(true).expect("stop");
    tokio::time::timeout(Duration::from_secs(5), task).await.expect("watcher stops on shutdown").expect("watcher task");
    drop(sentinels);
}

async fn next_switch(out: &mut mpsc::Receiver<Output>, within: Duration) -> redis_ha_operator::master::topology::Switch {
    let deadline = Instant::now() + within;
    loop {
        let left = deadline.saturating_duration_since(Instant::now());
        match tokio::time::timeout(left, out.recv()).await {
            Ok(Some(Output::Switch(s))) => return s,
            Ok(Some(other)) => eprintln!("watcher: {other:?}"),
            Ok(None) => panic!("watcher stopped"),
            Err(_) => panic!("no switch within {within:?}"),
        }
    }
}
