//! The roll's check before it restarts a former master ([`handover::check`]) against real processes on
//! 127.0.0.1, for our node and for redis-server (the INFO fields it reads mean the same in both):
//! - a coordinated switchover (`FAILOVER TO`): the new master took over at the old one's offset;
//! - a classic one (`REPLICAOF NO ONE` on the replica while the old master still takes writes, then
//!   the old master pointed at it): the old master's last writes are gone, and the check says so;
//! - before the switch (the pod is still a master) it waits.
//!
//! Needs the release build of `redis-ha-node` (or $REDIS_HA_NODE) and `redis-server`.

use std::net::TcpListener;
use std::path::{Path, PathBuf};
use std::process::{Child, Command, Stdio};
use std::time::{Duration, Instant};

use redis_ha_operator::master::credentials::Credentials;
use redis_ha_operator::master::events::Addr;
use redis_ha_operator::rollout::handover::{self, Handover};

struct Proc(Child);

impl Drop for Proc {
    fn drop(&mut self) {
        let _ = self.0.kill();
        let _ = self.0.wait();
    }
}

fn node_binary() -> PathBuf {
    let path = std::env::var_os("REDIS_HA_NODE").map(PathBuf::from).unwrap_or_else(|| {
        let target =
            std::env::var_os("CARGO_TARGET_DIR").map(PathBuf::from).unwrap_or_else(|| Path::new(env!("CARGO_MANIFEST_DIR")).join("../target"));
        target.join("release/redis-ha-node")
    });
    assert!(path.exists(), "{} is needed (scripts/test.sh builds it)", path.display());
    path
}

fn free_port() -> u16 {
    TcpListener::bind("127.0.0.1:0").and_then(|l| l.local_addr()).map(|a| a.port()).expect("a free port")
}

fn wait(what: &str, mut f: impl FnMut() -> bool) {
    let deadline = Instant::now() + Duration::from_secs(20);
    while Instant::now() < deadline {
        if f() {
            return;
        }
        std::thread::sleep(Duration::from_millis(50));
    }
    panic!("timed out waiting for {what}");
}

struct Node {
    port: u16,
    _proc: Proc,
    _dir: tempdir::Dir,
}

mod tempdir {
    /// A scratch directory removed on drop.
    pub struct Dir(pub std::path::PathBuf);

    impl Dir {
        pub fn new() -> Dir {
            let p = std::env::temp_dir().join(format!("handover-{}-{}", std::process::id(), super::free_port()));
            std::fs::create_dir_all(&p).expect("scratch dir");
            Dir(p)
        }
    }

    impl Drop for Dir {
        fn drop(&mut self) {
            let _ = std::fs::remove_dir_all(&self.0);
        }
    }
}

impl Node {
    fn start(bin: &Path, extra: &[&str]) -> Node {
        let dir = tempdir::Dir::new();
        let port = free_port();
        let child = Command::new(bin)
            .args(["--port", &port.to_string(), "--bind", "127.0.0.1", "--save", "", "--appendonly", "no", "--repl-diskless-sync-delay", "0"])
            .args(extra)
            .current_dir(&dir.0)
            .stdout(Stdio::null())
            .stderr(Stdio::null())
            .spawn()
            .expect("spawn");
        let node = Node { port, _proc: Proc(child), _dir: dir };
        wait("the node to serve", || node.conn().is_some());
        node
    }

    fn conn(&self) -> Option<redis::Connection> {
        redis::Client::open(format!("redis://127.0.0.1:{}", self.port)).ok()?.get_connection_with_timeout(Duration::from_secs(1)).ok()
    }

    fn cmd(&self, args: &[&str]) -> redis::RedisResult<redis::Value> {
        let mut c = self.conn().ok_or_else(|| redis::RedisError::from((redis::ErrorKind::IoError, "connect")))?;
        let mut cmd = redis::cmd(args[0]);
        for a in &args[1..] {
            cmd.arg(*a);
        }
        cmd.query(&mut c)
    }

    fn info(&self) -> String {
        let mut c = self.conn().expect("connect");
        redis::cmd("INFO").arg("replication").query(&mut c).unwrap_or_default()
    }

    fn linked_to(&self, master: &Node) -> bool {
        let i = self.info();
        i.contains("role:slave") && i.contains(&format!("master_port:{}", master.port)) && i.contains("master_link_status:up")
    }

    fn write(&self, from: usize, n: usize) {
        for i in from..from + n {
            self.cmd(&["SET", &format!("k{i}"), "v"]).expect("SET");
        }
    }

    fn addr(&self) -> Addr {
        Addr::new("127.0.0.1", self.port)
    }
}

fn check(old: &Node) -> Handover {
    let rt = tokio::runtime::Builder::new_current_thread().enable_all().build().expect("runtime");
    rt.block_on(handover::check(&old.addr(), &Credentials::default()))
}

fn pair(bin: &Path) -> (Node, Node) {
    let master = Node::start(bin, &[]);
    let replica = Node::start(bin, &["--replicaof", "127.0.0.1", &master.port.to_string()]);
    wait("the replica's link", || replica.linked_to(&master));
    master.write(0, 200);
    (master, replica)
}

fn binaries() -> Vec<PathBuf> {
    vec![node_binary(), PathBuf::from("redis-server")]
}

#[test]
fn a_coordinated_switchover_is_verified() {
    for bin in binaries() {
        let (master, replica) = pair(&bin);
        assert!(matches!(check(&master), Handover::NotYet(_)), "{}: a master is not switched over yet", bin.display());
        let port = replica.port.to_string();
        master.cmd(&["FAILOVER", "TO", "127.0.0.1", &port, "TIMEOUT", "5000"]).expect("FAILOVER");
        wait("the old master to follow the new one", || master.linked_to(&replica));
        match check(&master) {
            Handover::Continued { offset, new_master } => {
                assert_eq!(new_master, replica.addr());
                assert!(offset > 0, "{offset}");
            }
            other => panic!("{}: {other:?}\nold:\n{}\nnew:\n{}", bin.display(), master.info(), replica.info()),
        }
    }
}

#[test]
fn writes_the_old_master_took_after_a_classic_promotion_are_reported_lost() {
    for bin in binaries() {
        let (master, replica) = pair(&bin);
        wait("the replica has the writes", || replica.cmd(&["DBSIZE"]).ok() == Some(redis::Value::Int(200)));
        replica.cmd(&["REPLICAOF", "NO", "ONE"]).expect("promote");
        // The old master, told nothing, still acknowledges writes.
        master.write(200, 50);
        master.cmd(&["REPLICAOF", "127.0.0.1", &replica.port.to_string()]).expect("demote");
        wait("the old master to resync from the new one", || master.linked_to(&replica));
        match check(&master) {
            Handover::Diverged(why) => assert!(!why.is_empty()),
            other => panic!("{}: {other:?}\nold:\n{}\nnew:\n{}", bin.display(), master.info(), replica.info()),
        }
        assert_eq!(master.cmd(&["DBSIZE"]).ok(), Some(redis::Value::Int(200)), "the 50 late writes are gone");
    }
}
