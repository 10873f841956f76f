//! Runs the operator's pod scripts for real on one machine: each "pod" is a loopback address of its
//! own (127.0.K.n), so every data pod listens on the same port as in a cluster, and the scripts reach
//! their peers through DATA_HOSTS instead of DNS. The ConfigMap and the container env are rendered by
//! the operator from a RedisHA, then only what differs on one machine is overridden (addresses, ports,
//! directories). Data pods run the built `redis-ha-node`; sentinels run Debian's `redis-server
//! --sentinel` through the same script (the node's sentinel role is not available yet).
//!
//! Every process runs in its own process group and is killed on drop, panics included.

use std::collections::BTreeMap;
use std::net::TcpListener;
use std::os::unix::process::CommandExt;
use std::path::{Path, PathBuf};
use std::process::{Child, Command, Output, Stdio};
use std::sync::atomic::{AtomicU32, Ordering};
use std::time::{Duration, Instant};

use redis_ha_operator::crd::{AuthSpec, ClientAuth, ConfigDirective, PersistenceMode, PersistenceSpec, RedisHA, RedisHASpec, TlsSpec, UserSpec};
use redis_ha_operator::master::credentials::{Credentials, TlsMaterial};
use redis_ha_operator::resources::config::OPERATOR_USER;
use redis_ha_operator::resources::{self, RenderOptions};

pub const SET: &str = "cache";
pub const PASSWORD: &str = "pw with \"quotes\" \\ and spaces";

/// One running script (and what it execs into), killed with its process group on drop.
pub struct Proc {
    child: Child,
    pub log: PathBuf,
}

impl Proc {
    pub fn kill(&mut self) {
        // The script and everything it started share the child's process group.
        let _ = Command::new("kill").args(["-KILL", "--", &format!("-{}", self.child.id())]).stderr(Stdio::null()).status();
        let _ = self.child.kill();
        let _ = self.child.wait();
    }

    pub fn output(&self) -> String {
        std::fs::read_to_string(&self.log).unwrap_or_default()
    }
}

impl Drop for Proc {
    fn drop(&mut self) {
        self.kill();
    }
}

/// A scratch directory removed on drop.
pub struct TempDir(pub PathBuf);

impl Drop for TempDir {
    fn drop(&mut self) {
        let _ = std::fs::remove_dir_all(&self.0);
    }
}

/// What a data pod's INFO replication says.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Role {
    pub role: String,
    pub master_host: String,
    pub link_up: bool,
}

/// A RedisHA's pods on loopback.
pub struct Cluster {
    pub data_hosts: Vec<String>,
    pub sentinel_hosts: Vec<String>,
    pub port: u16,
    pub sentinel_port: u16,
    pub password: Option<String>,
    /// With a password: the operator's own user's, where its Secret would be mounted.
    pub operator_password: Option<String>,
    pub node: PathBuf,
    /// With `spec.tls`: where the Secret's files are (tls.crt, tls.key, ca.crt), as the pods' TLS_DIR.
    pub tls_dir: Option<PathBuf>,
    env: BTreeMap<String, String>,
    config: BTreeMap<String, String>,
    // Declared last: dropped after the processes the tests hold.
    pub dir: TempDir,
}

static NEXT_NET: AtomicU32 = AtomicU32::new(0);

fn have(bin: &str) -> bool {
    Command::new(bin).arg("--version").stdout(Stdio::null()).stderr(Stdio::null()).status().is_ok_and(|s| s.success())
}

/// The node binary: $REDIS_HA_NODE, else the release build in $CARGO_TARGET_DIR or the workspace's
/// `target/` (scripts/test.sh builds it).
fn node_binary() -> Option<PathBuf> {
    if let Some(p) = std::env::var_os("REDIS_HA_NODE") {
        return Some(PathBuf::from(p)).filter(|p| p.exists());
    }
    let target = std::env::var_os("CARGO_TARGET_DIR").map(PathBuf::from).unwrap_or_else(|| Path::new(env!("CARGO_MANIFEST_DIR")).join("../target"));
    Some(target.join("release/redis-ha-node")).filter(|p| p.exists())
}

/// A port free on every one of `hosts`.
fn free_port(hosts: &[String]) -> u16 {
    for _ in 0..50 {
        let Ok(first) = TcpListener::bind((hosts[0].as_str(), 0)) else { continue };
        let Ok(port) = first.local_addr().map(|a| a.port()) else { continue };
        if hosts[1..].iter().all(|h| TcpListener::bind((h.as_str(), port)).is_ok()) {
            return port;
        }
    }
    panic!("no port free on {hosts:?}");
}

/// Replaces whole config lines by their first word (redis.conf and sentinel.conf both read
/// `directive args...`); `sentinel <sub>` lines are keyed by their first two words.
fn rewrite(conf: &str, with: &[(&str, String)]) -> String {
    let mut out = String::new();
    for line in conf.lines() {
        let mut words = line.split_whitespace();
        let first = words.next().unwrap_or("");
        let key = if first == "sentinel" { format!("sentinel {}", words.next().unwrap_or("")) } else { first.to_string() };
        match with.iter().find(|(k, _)| *k == key) {
            Some((k, v)) => out.push_str(&format!("{k} {v}\n")),
            None => out.push_str(&format!("{line}\n")),
        }
    }
    out
}

impl Cluster {
    /// Panics when a needed tool is missing. Returns an Option for the callers' convenience.
    pub fn new(replicas: i32, sentinels: i32, persistence: PersistenceMode, auth: bool) -> Option<Cluster> {
        Cluster::new_with_users(replicas, sentinels, persistence, auth, &[])
    }

    /// [`Cluster::new`] with `spec.users`: (name, rules, password); each password is written where
    /// its Secret would be mounted.
    pub fn new_with_users(replicas: i32, sentinels: i32, persistence: PersistenceMode, auth: bool, users: &[(&str, &str, &str)]) -> Option<Cluster> {
        Cluster::build(replicas, sentinels, persistence, auth, users, false)
    }

    /// [`Cluster::new`] with `spec.tls`: a CA and one certificate for every pod address, made with
    /// openssl where the Secret would be mounted; the sentinels are the node's own (as in the pods).
    pub fn new_tls(replicas: i32, sentinels: i32, auth: bool) -> Option<Cluster> {
        Cluster::build(replicas, sentinels, PersistenceMode::None, auth, &[], true)
    }

    fn build(replicas: i32, sentinels: i32, persistence: PersistenceMode, auth: bool, users: &[(&str, &str, &str)], tls: bool) -> Option<Cluster> {
        let node = node_binary();
        // A missing tool is a failure, never a skip: scripts/test.sh installs and builds them all.
        assert!(
            node.is_some() && have("redis-server") && have("redis-cli"),
            "redis-ha-node (release build, or $REDIS_HA_NODE), redis-server and redis-cli are needed (scripts/test.sh installs them)"
        );
        // A /24 of loopback per cluster, so tests running in parallel never share an address.
        let seq = NEXT_NET.fetch_add(1, Ordering::Relaxed);
        let net = (std::process::id().wrapping_mul(7).wrapping_add(seq.wrapping_mul(13))) % 250 + 1;
        let data_hosts: Vec<String> = (0..replicas).map(|i| format!("127.0.{net}.{}", i + 1)).collect();
        let sentinel_hosts: Vec<String> = (0..sentinels).map(|i| format!("127.0.{net}.{}", 101 + i)).collect();
        let port = free_port(&data_hosts);
        // Without sentinels, SENTINEL_SERVICE still names an address, where nothing listens.
        let service = sentinel_hosts.first().cloned().unwrap_or_else(|| format!("127.0.{net}.250"));
        let sentinel_port = free_port(if sentinel_hosts.is_empty() { std::slice::from_ref(&service) } else { &sentinel_hosts });
        let dir = std::env::temp_dir().join(format!("redis-ha-pods-{}-{net}-{port}", std::process::id()));
        std::fs::create_dir_all(&dir).expect("scratch dir");

        let mut rha = RedisHA::new(
            SET,
            RedisHASpec {
                replicas,
                sentinels,
                // Short, so the failovers the tests cause take seconds.
                down_after_milliseconds: 3000,
                failover_timeout_milliseconds: 3000,
                persistence: PersistenceSpec { mode: persistence, ..Default::default() },
                auth: auth.then(|| AuthSpec { secret_name: "pw".into(), key: "password".into() }),
                users: users
                    .iter()
                    .map(|(name, rules, _)| UserSpec {
                        name: name.to_string(),
                        rules: rules.to_string(),
                        password_secret: AuthSpec { secret_name: format!("user-{name}"), key: "password".into() },
                    })
                    .collect(),
                tls: tls.then(|| TlsSpec { secret_name: "tls".into(), client_auth: ClientAuth::Required, cert_manager: None }),
                // Full syncs start at once instead of after the 5 s diskless delay.
                config: vec![ConfigDirective { name: "repl-diskless-sync-delay".into(), value: "0".into() }],
                ..Default::default()
            },
        );
        rha.metadata.namespace = Some("test".into());
        rha.metadata.uid = Some("00000000-0000-4000-8000-000000000001".into());
        let children = resources::render(&rha, &RenderOptions::default()).expect("render");
        let config = children.config_map.data.clone().unwrap_or_default();
        let mut env = BTreeMap::new();
        let containers = children.data.spec.as_ref().and_then(|s| s.template.spec.as_ref()).map(|p| p.containers.clone()).unwrap_or_default();
        for e in containers.iter().flat_map(|c| c.env.iter().flatten()) {
            if let Some(v) = &e.value {
                env.insert(e.name.clone(), v.clone());
            }
        }
        let password = auth.then(|| PASSWORD.to_string());
        if let Some(pw) = &password {
            let file = dir.join("password");
            std::fs::write(&file, pw).expect("password file");
            env.insert("PASSWORD_FILE".into(), file.display().to_string());
        }
        let operator_password = auth.then(|| format!("op-{}", std::process::id()));
        if let Some(pw) = &operator_password {
            let file = dir.join("operator-password");
            std::fs::write(&file, pw).expect("operator password file");
            env.insert("OPERATOR_PASSWORD_FILE".into(), file.display().to_string());
        }
        if !users.is_empty() {
            let users_dir = dir.join("users");
            std::fs::create_dir_all(&users_dir).expect("users dir");
            for (name, _, pw) in users {
                std::fs::write(users_dir.join(name), pw).expect("user password file");
            }
            env.insert("USERS_DIR".into(), users_dir.display().to_string());
        }
        env.insert("DATA_PORT".into(), port.to_string());
        env.insert("SENTINEL_PORT".into(), sentinel_port.to_string());
        env.insert("SENTINEL_SERVICE".into(), service);
        env.insert("DATA_HOSTS".into(), data_hosts.join(" "));
        env.insert("FAILOVER_WAIT_SECONDS".into(), "20".into());
        let tls_dir = tls.then(|| {
            let d = dir.join("tls");
            let ips: Vec<&String> = data_hosts.iter().chain(&sentinel_hosts).collect();
            make_certs(&d, &ips);
            env.insert("TLS_DIR".into(), d.display().to_string());
            d
        });
        Some(Cluster {
            data_hosts,
            sentinel_hosts,
            port,
            sentinel_port,
            password,
            operator_password,
            node: node.unwrap_or_default(),
            tls_dir,
            env,
            config,
            dir: TempDir(dir),
        })
    }

    pub fn set_env(&mut self, key: &str, value: &str) {
        self.env.insert(key.into(), value.into());
    }

    pub fn data_dir(&self, i: usize) -> PathBuf {
        self.dir.0.join(format!("pod-{i}/data"))
    }

    /// The ConfigMap as pod `name` sees it, with this machine's bind address, port and directories.
    fn pod_dirs(&self, name: &str, host: &str) -> (PathBuf, PathBuf) {
        let base = self.dir.0.join(name);
        let (config, run) = (base.join("config"), base.join("run"));
        for d in [&config, &run, &base.join("data")] {
            std::fs::create_dir_all(d).expect("pod dirs");
        }
        let tls_files = |port: u16| -> Vec<(&'static str, String)> {
            let Some(d) = &self.tls_dir else { return vec![("port", port.to_string())] };
            vec![
                ("port", "0".into()),
                ("tls-port", port.to_string()),
                ("tls-cert-file", d.join("tls.crt").display().to_string()),
                ("tls-key-file", d.join("tls.key").display().to_string()),
                ("tls-ca-cert-file", d.join("ca.crt").display().to_string()),
            ]
        };
        for (k, v) in &self.config {
            let v = match k.as_str() {
                "redis.conf" => rewrite(
                    v,
                    &[
                        &tls_files(self.port)[..],
                        &[
                            ("bind", host.to_string()),
                            ("dir", base.join("data").display().to_string()),
                            ("replica-announce-port", self.port.to_string()),
                        ],
                    ]
                    .concat(),
                ),
                "sentinel.conf" => rewrite(
                    v,
                    &[
                        &tls_files(self.sentinel_port)[..],
                        &[("bind", host.to_string()), ("dir", run.display().to_string()), ("sentinel announce-port", self.sentinel_port.to_string())],
                    ]
                    .concat(),
                ),
                _ => v.clone(),
            };
            std::fs::write(config.join(k), v).expect("config file");
        }
        (config, run)
    }

    fn script_env(&self, cmd: &mut Command, pod: &str, host: &str, config: &Path, run: &Path) {
        cmd.env_clear().env("PATH", std::env::var_os("PATH").unwrap_or_default());
        if let Some(marker) = std::env::var_os("REDIS_HA_TEST_RUN") {
            cmd.env("REDIS_HA_TEST_RUN", marker);
        }
        cmd.envs(&self.env).env("POD_NAME", pod).env("CONFIG_DIR", config).env("CONF_DIR", run).env("LOCAL_HOST", host);
    }

    fn spawn(&self, mut cmd: Command, log: PathBuf) -> Proc {
        // Appended, so a restarted pod's log keeps what its previous run said.
        let out = std::fs::File::options().create(true).append(true).open(&log).expect("log file");
        let err = out.try_clone().expect("log file");
        cmd.stdout(out).stderr(err).stdin(Stdio::null()).process_group(0);
        Proc { child: cmd.spawn().expect("spawn sh"), log }
    }

    /// Runs start-node.sh as data pod `i`.
    pub fn start_node(&self, i: usize) -> Proc {
        let (pod, host) = (format!("{SET}-{i}"), self.data_hosts[i].clone());
        let (config, run) = self.pod_dirs(&format!("pod-{i}"), &host);
        let mut cmd = Command::new("sh");
        cmd.arg(config.join("start-node.sh"));
        self.script_env(&mut cmd, &pod, &host, &config, &run);
        cmd.env("DATA_DIR", self.data_dir(i)).env("REDIS_HA_NODE", &self.node);
        let log = self.dir.0.join(format!("pod-{i}.log"));
        self.spawn(cmd, log)
    }

    /// Runs start-sentinel.sh as sentinel pod `i` (exec'ing `redis-server ... --sentinel`).
    pub fn start_sentinel(&self, i: usize) -> Proc {
        let (pod, host) = (format!("{SET}-sentinel-{i}"), self.sentinel_hosts[i].clone());
        let (config, run) = self.pod_dirs(&format!("sentinel-{i}"), &host);
        let mut cmd = Command::new("sh");
        cmd.arg(config.join("start-sentinel.sh"));
        self.script_env(&mut cmd, &pod, &host, &config, &run);
        // Debian's redis-sentinel, except with TLS: the pods' sentinels are the node's, and the
        // config then carries tls-auto-reload-interval, which redis-sentinel 7.0 does not know.
        let program = if self.tls_dir.is_some() { self.node.clone() } else { PathBuf::from("redis-server") };
        cmd.env("REDIS_HA_NODE", program).env("ANNOUNCE_HOST", &host);
        let log = self.dir.0.join(format!("sentinel-{i}.log"));
        self.spawn(cmd, log)
    }

    /// Runs a one-shot script (readiness, preStop) as data pod `i`; returns its exit code and output.
    pub fn run_node_script(&self, i: usize, script: &str) -> (i32, String) {
        let (pod, host) = (format!("{SET}-{i}"), self.data_hosts[i].clone());
        let (config, run) = self.pod_dirs(&format!("pod-{i}"), &host);
        self.run(&config.join(script), &pod, &host, &config, &run)
    }

    /// Runs a one-shot script as sentinel pod `i`.
    pub fn run_sentinel_script(&self, i: usize, script: &str) -> (i32, String) {
        let (pod, host) = (format!("{SET}-sentinel-{i}"), self.sentinel_hosts[i].clone());
        let (config, run) = self.pod_dirs(&format!("sentinel-{i}"), &host);
        self.run(&config.join(script), &pod, &host, &config, &run)
    }

    fn run(&self, script: &Path, pod: &str, host: &str, config: &Path, run: &Path) -> (i32, String) {
        let mut cmd = Command::new("sh");
        cmd.arg(script);
        self.script_env(&mut cmd, pod, host, config, run);
        let out: Output = cmd.output().expect("sh runs");
        let text = format!("{}{}", String::from_utf8_lossy(&out.stdout), String::from_utf8_lossy(&out.stderr));
        (out.status.code().unwrap_or(-1), text)
    }

    /// redis-cli against `host:port` with the cluster's password; the reply text, CRs stripped.
    pub fn cli(&self, host: &str, port: u16, args: &[&str]) -> String {
        let mut cmd = Command::new("redis-cli");
        cmd.args(["--no-auth-warning", "-h", host, "-p", &port.to_string()]).args(self.tls_args()).args(args).stdin(Stdio::null());
        if let Some(pw) = &self.password {
            cmd.env("REDISCLI_AUTH", pw);
        }
        match cmd.output() {
            Ok(o) => String::from_utf8_lossy(&o.stdout).replace('\r', ""),
            Err(_) => String::new(),
        }
    }

    /// redis-cli's TLS arguments with the pods' own certificate, or none.
    pub fn tls_args(&self) -> Vec<String> {
        let Some(d) = &self.tls_dir else { return Vec::new() };
        let f = |n: &str| d.join(n).display().to_string();
        vec!["--tls".into(), "--cacert".into(), f("ca.crt"), "--cert".into(), f("tls.crt"), "--key".into(), f("tls.key")]
    }

    /// The operator's login as its own user only (no default password), with the TLS files if any.
    pub fn operator_creds(&self) -> Credentials {
        let tls = self.tls_dir.as_ref().map(|d| {
            let read = |n: &str| std::fs::read(d.join(n)).expect("tls file");
            TlsMaterial { ca: read("ca.crt"), cert: read("tls.crt"), key: read("tls.key") }
        });
        Credentials { password: None, user: self.operator_password.clone().map(|pw| (OPERATOR_USER.to_string(), pw)), tls }
    }

    /// redis-cli against data pod `i`, logged in as an ACL user.
    pub fn user_cli(&self, i: usize, user: &str, password: &str, args: &[&str]) -> String {
        self.user_cli_at(&self.data_hosts[i], self.port, user, password, args)
    }

    /// redis-cli against `host:port`, logged in as an ACL user.
    pub fn user_cli_at(&self, host: &str, port: u16, user: &str, password: &str, args: &[&str]) -> String {
        let out = Command::new("redis-cli")
            .args(["--no-auth-warning", "-h", host, "-p", &port.to_string(), "--user", user])
            .args(self.tls_args())
            .args(args)
            .env("REDISCLI_AUTH", password)
            .stdin(Stdio::null())
            .output();
        out.map(|o| format!("{}{}", String::from_utf8_lossy(&o.stdout), String::from_utf8_lossy(&o.stderr)).replace('\r', "")).unwrap_or_default()
    }

    /// The rendered ConfigMap's entry `key`.
    pub fn config_entry(&self, key: &str) -> Option<String> {
        self.config.get(key).cloned()
    }

    pub fn data_cli(&self, i: usize, args: &[&str]) -> String {
        self.cli(&self.data_hosts[i], self.port, args)
    }

    pub fn sentinel_cli(&self, i: usize, args: &[&str]) -> String {
        self.cli(&self.sentinel_hosts[i], self.sentinel_port, args)
    }

    pub fn role(&self, i: usize) -> Role {
        let info = self.data_cli(i, &["INFO", "replication"]);
        let field = |k: &str| info.lines().find_map(|l| l.strip_prefix(&format!("{k}:"))).unwrap_or("").to_string();
        Role { role: field("role"), master_host: field("master_host"), link_up: field("master_link_status") == "up" }
    }

    pub fn dbsize(&self, i: usize) -> i64 {
        self.data_cli(i, &["DBSIZE"]).trim().parse().unwrap_or(-1)
    }

    /// The master host the sentinel `i` names, "" when it names none.
    pub fn sentinel_master(&self, i: usize) -> String {
        self.sentinel_cli(i, &["SENTINEL", "GET-MASTER-ADDR-BY-NAME", SET]).lines().next().unwrap_or("").to_string()
    }

    /// Writes `n` keys to data pod `i` with one MSET.
    pub fn fill(&self, i: usize, n: usize) {
        let mut args = vec!["MSET".to_string()];
        for k in 0..n {
            args.push(format!("key:{k}"));
            args.push(format!("value:{k}"));
        }
        let refs: Vec<&str> = args.iter().map(String::as_str).collect();
        assert_eq!(self.data_cli(i, &refs).trim(), "OK");
    }

    /// Puts a dump.rdb with `n` keys into data pod `i`'s data directory, written by the node itself.
    pub fn seed_rdb(&self, i: usize, n: usize) {
        let data = self.data_dir(i);
        std::fs::create_dir_all(&data).expect("data dir");
        let mut cmd = Command::new(&self.node);
        cmd.args(["--port", &self.port.to_string(), "--bind", &self.data_hosts[i], "--dir"]).arg(&data).args(["--save", ""]);
        if let Some(pw) = &self.password {
            cmd.args(["--requirepass", pw]);
        }
        let mut seed = self.spawn(cmd, self.dir.0.join(format!("seed-{i}.log")));
        self.wait(Duration::from_secs(10), "the seeding node listens", || self.data_cli(i, &["PING"]).trim() == "PONG");
        self.fill(i, n);
        assert_eq!(self.data_cli(i, &["SAVE"]).trim(), "OK");
        seed.kill();
        assert!(data.join("dump.rdb").exists(), "dump.rdb written");
    }

    /// Gives data pods dump.rdb files cut from one replication history, as a full outage leaves them:
    /// pod 0's node is master, the others replicate it, and pod `i` saves once `keys[i]` keys are
    /// written (`None`: no file). Files saved at the same count come from one replica's save, so their
    /// replication offsets are equal. Returns each file's `repl-offset` as the node reports it.
    pub fn seed_history(&self, keys: &[Option<usize>]) -> Vec<Option<i64>> {
        let mut nodes = Vec::new();
        for i in 0..keys.len() {
            let data = self.data_dir(i);
            std::fs::create_dir_all(&data).expect("data dir");
            let mut cmd = Command::new(&self.node);
            cmd.args(["--port", &self.port.to_string(), "--bind", &self.data_hosts[i], "--dir"]).arg(&data).args(["--save", ""]);
            if i > 0 {
                cmd.args(["--replicaof", &self.data_hosts[0], &self.port.to_string()]);
            } else {
                cmd.args(["--repl-diskless-sync-delay", "0"]);
            }
            if let Some(pw) = &self.password {
                cmd.args(["--requirepass", pw, "--masterauth", pw]);
            }
            nodes.push(self.spawn(cmd, self.dir.0.join(format!("seed-{i}.log"))));
        }
        for i in 1..keys.len() {
            self.wait(Duration::from_secs(20), "the seeding replicas are linked", || self.role(i).link_up);
        }
        let offset = |i: usize| -> i64 {
            let info = self.data_cli(i, &["INFO", "replication"]);
            info.lines().find_map(|l| l.strip_prefix("master_repl_offset:")).and_then(|v| v.trim().parse().ok()).unwrap_or(-1)
        };
        let mut counts: Vec<usize> = keys.iter().flatten().copied().collect();
        counts.sort_unstable();
        counts.dedup();
        let mut offsets = vec![None; keys.len()];
        for n in counts {
            self.fill(0, n);
            let target = offset(0);
            for i in 1..keys.len() {
                self.wait(Duration::from_secs(20), "the seeding replicas caught up", || offset(i) == target);
            }
            // One save per count; the other pods at that count get a copy of that very file.
            let savers: Vec<usize> = (0..keys.len()).filter(|i| keys[*i] == Some(n)).collect();
            let first = savers[0];
            assert_eq!(self.data_cli(first, &["SAVE"]).trim(), "OK");
            for &i in &savers[1..] {
                std::fs::copy(self.data_dir(first).join("dump.rdb"), self.data_dir(i).join("dump.rdb")).expect("copy dump.rdb");
            }
            for &i in &savers {
                offsets[i] = Some(target);
            }
        }
        drop(nodes);
        offsets
    }
}

impl Cluster {
    /// Polls `f` every 100 ms until it holds; after `within` panics naming `what`, with the tail of
    /// every pod's log (script lines and server log), which is what explains a failure.
    pub fn wait(&self, within: Duration, what: &str, mut f: impl FnMut() -> bool) {
        let deadline = Instant::now() + within;
        while Instant::now() < deadline {
            if f() {
                return;
            }
            std::thread::sleep(Duration::from_millis(100));
        }
        panic!("timed out after {within:?} waiting until {what}\n{}", self.logs(25));
    }

    /// The last `lines` lines of every log in the cluster's directory.
    pub fn logs(&self, lines: usize) -> String {
        let mut logs = String::new();
        let mut files: Vec<PathBuf> = std::fs::read_dir(&self.dir.0).into_iter().flatten().flatten().map(|e| e.path()).collect();
        files.sort();
        for f in files.iter().filter(|p| p.extension().is_some_and(|e| e == "log")) {
            let text = std::fs::read_to_string(f).unwrap_or_default();
            let all: Vec<&str> = text.lines().collect();
            let tail = all[all.len().saturating_sub(lines)..].join("\n");
            logs.push_str(&format!("--- {}\n{tail}\n", f.display()));
        }
        logs
    }
}

impl Drop for Cluster {
    fn drop(&mut self) {
        // POD_SCRIPTS_LOGS=1 shows what every pod did, for a passing test too.
        if std::env::var_os("POD_SCRIPTS_LOGS").is_some() {
            eprintln!("{}", self.logs(usize::MAX));
        }
    }
}

/// A CA and a certificate signed by it for `ips` (and localhost), for server and client auth, as the
/// `spec.tls` Secret holds them: `dir/{ca.crt,tls.crt,tls.key}`.
pub fn make_certs(dir: &Path, ips: &[&String]) {
    std::fs::create_dir_all(dir).expect("tls dir");
    let run = |args: &[&str]| {
        let out = Command::new("openssl").args(args).current_dir(dir).output().expect("openssl runs (scripts/test.sh installs it)");
        assert!(out.status.success(), "openssl {args:?}: {}", String::from_utf8_lossy(&out.stderr));
    };
    let san: Vec<String> = ips.iter().map(|ip| format!("IP:{ip}")).chain(["DNS:localhost".to_string()]).collect();
    let ec = ["-newkey", "ec", "-pkeyopt", "ec_paramgen_curve:prime256v1", "-nodes"];
    run(&[&["req", "-x509"][..], &ec, &["-keyout", "ca.key", "-out", "ca.crt", "-days", "2", "-subj", "/CN=pods-ca"]].concat());
    run(&[&["req"][..], &ec, &["-keyout", "tls.key", "-out", "tls.csr", "-subj", "/CN=pods"]].concat());
    std::fs::write(
        dir.join("ext.cnf"),
        format!("subjectAltName={}\nextendedKeyUsage=serverAuth,clientAuth\nkeyUsage=digitalSignature,keyEncipherment\n", san.join(",")),
    )
    .expect("ext file");
    run(&[
        "x509",
        "-req",
        "-in",
        "tls.csr",
        "-CA",
        "ca.crt",
        "-CAkey",
        "ca.key",
        "-CAcreateserial",
        "-out",
        "tls.crt",
        "-days",
        "2",
        "-extfile",
        "ext.cnf",
    ]);
}
