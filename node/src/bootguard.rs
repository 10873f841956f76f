//! Boot guard: a data node that knows its sentinels asks them who the master is before it serves
//! anything, and starts as that master's replica.
//!
//! Without it, a master that restarts with an empty dataset (no persistence, a lost volume) comes
//! back as a master before the sentinels notice it was gone, its replicas resynchronize from it and
//! the whole group's data is wiped (apecloud/kubeblocks#10753). With `ha-boot-master-name <name>`
//! and `ha-boot-sentinels host:port[,host:port...]` the node, before binding its listeners:
//! - asks every sentinel `SENTINEL GET-MASTER-ADDR-BY-NAME <name>` and `SENTINEL REPLICAS <name>`;
//! - follows the address most sentinels give (ties: the first sentinel listed wins);
//! - if that address is its own and it starts with data, starts as the master;
//! - if it is its own but it starts empty while the sentinels know healthy replicas, it waits,
//!   without listening, so the sentinels see it down and promote a replica; then it follows that one;
//! - if no sentinel answers or none knows the group, it uses its configured role.
//!
//! `masteruser`/`masterauth` authenticate to the sentinels too (they usually share the password).
//! The decision is pure ([`decide`]); the rest is thin I/O.

use std::net::{IpAddr, SocketAddr};
use std::time::Duration;

use crate::config::Config;
use crate::log;
use crate::resp::frame::Frame;
use crate::resp::peer::Peer;

/// How long one sentinel may take to connect and answer.
const SENTINEL_TIMEOUT: Duration = Duration::from_millis(1500);
/// How often the sentinels are asked again while waiting for a failover.
const WAIT_POLL: Duration = Duration::from_millis(500);

/// What one sentinel said about the group.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Answer {
    /// The master's address, None when the sentinel does not know the group.
    pub master: Option<(String, u16)>,
    /// Replicas it does not consider down (a link the sentinel is still establishing counts: in
    /// doubt, a replica that may hold the data must not be wiped).
    pub healthy_replicas: usize,
}

/// The role to start in.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Decision {
    /// No sentinel knows the group: the configured role (`replicaof` or master).
    Configured,
    /// The sentinels name this node: start as a master.
    Master,
    /// Start as a replica of this address.
    ReplicaOf(String, u16),
    /// The sentinels name this node but it has no data and they know healthy replicas: serving
    /// now would wipe them, so wait for the failover.
    Wait,
}

/// Decides the start-up role from the sentinels' answers (`None` = that sentinel did not answer).
pub fn decide(answers: &[Option<Answer>], is_self: impl Fn(&str, u16) -> bool, has_data: bool) -> Decision {
    let mut votes: Vec<((String, u16), usize)> = Vec::new();
    for addr in answers.iter().flatten().filter_map(|a| a.master.clone()) {
        match votes.iter_mut().find(|(a, _)| *a == addr) {
            Some((_, n)) => *n += 1,
            None => votes.push((addr, 1)),
        }
    }
    // max_by_key keeps the last of equals: reverse so the first listed wins a tie.
    let Some(((host, port), _)) = votes.into_iter().rev().max_by_key(|(_, n)| *n) else {
        return Decision::Configured;
    };
    if !is_self(&host, port) {
        return Decision::ReplicaOf(host, port);
    }
    let replicas = answers.iter().flatten().map(|a| a.healthy_replicas).max().unwrap_or(0);
    if has_data || replicas == 0 {
        Decision::Master
    } else {
        Decision::Wait
    }
}

/// Runs the guard when configured; returns the role to start in.
pub async fn run(config: &Config) -> Decision {
    let name = config.get("ha-boot-master-name").unwrap_or_default();
    let sentinels: Vec<String> =
        config.get("ha-boot-sentinels").unwrap_or_default().split([',', ' ']).filter(|s| !s.is_empty()).map(str::to_string).collect();
    if name.is_empty() || sentinels.is_empty() {
        return Decision::Configured;
    }
    let has_data = has_data(config);
    let mut waited = false;
    loop {
        let mut answers = Vec::with_capacity(sentinels.len());
        for s in &sentinels {
            answers.push(ask(config, s, &name).await);
        }
        let decision = decide(&answers, |h, p| is_self(config, h, p), has_data);
        match &decision {
            Decision::Wait => {
                if !waited {
                    log::warning(&format!(
                        "Boot guard: the sentinels name this node as the master of '{name}', but it starts with no data and \
                         they know healthy replicas; waiting for them to promote one instead of serving an empty dataset."
                    ));
                    waited = true;
                }
                tokio::time::sleep(WAIT_POLL).await;
                continue;
            }
            Decision::Configured => log::notice(&format!("Boot guard: no sentinel knows master '{name}'; starting in the configured role.")),
            Decision::Master => log::notice(&format!("Boot guard: the sentinels name this node as the master of '{name}'.")),
            Decision::ReplicaOf(h, p) => {
                log::notice(&format!("Boot guard: the sentinels name {h}:{p} as the master of '{name}'; starting as its replica."))
            }
        }
        return decision;
    }
}

/// Asks one sentinel about the group; None when it cannot be reached or answers nonsense.
async fn ask(config: &Config, sentinel: &str, name: &str) -> Option<Answer> {
    let work = async {
        let mut peer = Peer::connect_addr(sentinel).await.ok()?;
        let mut req = Vec::new();
        let auth = config.get("masterauth").filter(|p| !p.is_empty());
        if let Some(pass) = &auth {
            match config.get("masteruser").filter(|u| !u.is_empty()) {
                Some(user) => crate::resp::request::encode_command(&mut req, &["AUTH", &user, pass]),
                None => crate::resp::request::encode_command(&mut req, &["AUTH", pass]),
            }
        }
        crate::resp::request::encode_command(&mut req, &["SENTINEL", "GET-MASTER-ADDR-BY-NAME", name]);
        crate::resp::request::encode_command(&mut req, &["SENTINEL", "REPLICAS", name]);
        peer.send_raw(&req).await.ok()?;
        let mut frames = Vec::new();
        for _ in 0..if auth.is_some() { 3 } else { 2 } {
            frames.push(peer.read_frame().await.ok()?);
        }
        let replicas = frames.pop()?;
        let addr = frames.pop()?;
        let master = match addr.items() {
            Some([host, port]) => Some((host.as_str()?.to_string(), port.as_str()?.parse().ok()?)),
            _ => None,
        };
        let healthy_replicas = replicas.items().map(|list| list.iter().filter(|r| replica_healthy(r)).count()).unwrap_or(0);
        Some(Answer { master, healthy_replicas })
    };
    tokio::time::timeout(SENTINEL_TIMEOUT, work).await.ok().flatten()
}

/// A SENTINEL REPLICAS record (flat key/value list) whose flags do not say it is down.
fn replica_healthy(record: &Frame) -> bool {
    let Some(items) = record.items() else { return false };
    let flags = items.chunks(2).find(|kv| kv.first().and_then(Frame::as_str) == Some("flags")).and_then(|kv| kv.get(1)?.as_str());
    flags.is_some_and(|f| !f.split(',').any(|x| matches!(x, "s_down" | "o_down")))
}

/// Whether `host:port` is this node: our port, and the announced address or an address of this
/// machine (an address we can bind to is ours).
fn is_self(config: &Config, host: &str, port: u16) -> bool {
    if port != config.port {
        return false;
    }
    if config.get("replica-announce-ip").is_some_and(|a| !a.is_empty() && a.eq_ignore_ascii_case(host)) {
        return true;
    }
    let ips: Vec<IpAddr> = match host.parse::<IpAddr>() {
        Ok(ip) => vec![ip],
        Err(_) => std::net::ToSocketAddrs::to_socket_addrs(&(host, port)).map(|it| it.map(|a| a.ip()).collect()).unwrap_or_default(),
    };
    ips.iter()
        .any(|ip| if ip.is_loopback() { listens_on_loopback(config, *ip) } else { std::net::TcpListener::bind(SocketAddr::new(*ip, 0)).is_ok() })
}

/// Whether a loopback address is this node's. Every 127.x address can be bound on Linux, so binding
/// proves nothing there: several nodes on one machine (tests, `--group`) each own the 127.x address
/// they `bind`; a node bound to every address owns the standard ones (127.0.0.1, ::1).
fn listens_on_loopback(config: &Config, ip: IpAddr) -> bool {
    let bind = config.get("bind").unwrap_or_default();
    let addrs = || bind.split_whitespace().map(|b| b.trim_start_matches('-'));
    if addrs().any(|b| b.parse::<IpAddr>().is_ok_and(|b| b == ip)) {
        return true;
    }
    let everywhere = addrs().any(|b| matches!(b, "*" | "::*" | "0.0.0.0" | "::"));
    everywhere && (ip == IpAddr::from([127, 0, 0, 1]) || ip == IpAddr::from(std::net::Ipv6Addr::LOCALHOST))
}

/// Whether this node starts with data: a persisted dataset that holds keys. An RDB is read with
/// the loader (only when the guard runs); an AOF counts when any of its files has commands beyond
/// an empty base.
fn has_data(config: &Config) -> bool {
    let dir = std::path::Path::new(&config.dir);
    if config.get_bool("appendonly") == Some(true) {
        let aof_dir = dir.join(config.get("appenddirname").unwrap_or_else(|| "appendonlydir".into()));
        let Ok(entries) = std::fs::read_dir(&aof_dir) else { return false };
        return entries.flatten().any(|e| {
            let name = e.file_name().to_string_lossy().into_owned();
            let size = e.metadata().map(|m| m.len()).unwrap_or(0);
            (name.contains(".incr.") && size > 0) || (name.contains(".base.") && size > EMPTY_BASE_MAX)
        });
    }
    let path = dir.join(config.get("dbfilename").unwrap_or_else(|| "dump.rdb".into()));
    let Ok(data) = std::fs::read(&path) else { return false };
    let opts = crate::persistence::startup::load_options(config);
    match crate::persistence::rdb::decode::load(&data, &opts) {
        Ok(loaded) => loaded.dbs.iter().any(|db| !db.is_empty()),
        // A file that does not load will stop the start-up anyway; treat it as data, never as empty.
        Err(_) => true,
    }
}

/// An AOF base of an empty dataset (an RDB preamble with only AUX fields, or an empty command file)
/// stays under this size.
const EMPTY_BASE_MAX: u64 = 256;

#[cfg(test)]
mod tests {
    use super::*;

    fn at(host: &str, port: u16, replicas: usize) -> Option<Answer> {
        Some(Answer { master: Some((host.into(), port)), healthy_replicas: replicas })
    }
    const UNKNOWN: Option<Answer> = Some(Answer { master: None, healthy_replicas: 0 });
    fn me(h: &str, p: u16) -> bool {
        h == "10.0.0.1" && p == 6379
    }

    #[test]
    fn a_loopback_address_is_ours_only_when_bound_or_standard() {
        let args = |a: &[&str]| Config::from_args(&a.iter().map(|s| s.to_string()).collect::<Vec<_>>()).expect("config");
        let bound = args(&["--port", "7000", "--bind", "127.0.5.1"]);
        assert!(is_self(&bound, "127.0.5.1", 7000));
        assert!(!is_self(&bound, "127.0.5.2", 7000), "a peer on another loopback address of the same machine");
        assert!(!is_self(&bound, "127.0.5.1", 7001));
        let everywhere = args(&["--port", "7000"]);
        assert!(is_self(&everywhere, "127.0.0.1", 7000));
        assert!(!is_self(&everywhere, "127.0.5.2", 7000));
        let announced = args(&["--port", "7000", "--bind", "127.0.5.1", "--replica-announce-ip", "cache-0.example"]);
        assert!(is_self(&announced, "cache-0.example", 7000));
    }

    #[test]
    fn decisions() {
        use Decision::*;
        let cases: Vec<(&str, Vec<Option<Answer>>, bool, Decision)> = vec![
            ("nobody answers", vec![None, None, None], false, Configured),
            ("nobody knows the group", vec![UNKNOWN, UNKNOWN, None], false, Configured),
            ("another master", vec![at("10.0.0.2", 6379, 2), None, UNKNOWN], false, ReplicaOf("10.0.0.2".into(), 6379)),
            (
                "majority wins",
                vec![at("10.0.0.1", 6379, 1), at("10.0.0.3", 6379, 1), at("10.0.0.3", 6379, 1)],
                true,
                ReplicaOf("10.0.0.3".into(), 6379),
            ),
            ("tie: first listed", vec![at("10.0.0.2", 6379, 1), at("10.0.0.3", 6379, 1)], true, ReplicaOf("10.0.0.2".into(), 6379)),
            ("us, with data", vec![at("10.0.0.1", 6379, 2), at("10.0.0.1", 6379, 2)], true, Master),
            ("us, empty, replicas exist", vec![at("10.0.0.1", 6379, 0), at("10.0.0.1", 6379, 2)], false, Wait),
            ("us, empty, no replicas", vec![at("10.0.0.1", 6379, 0)], false, Master),
            ("same host other port is not us", vec![at("10.0.0.1", 6380, 2)], false, ReplicaOf("10.0.0.1".into(), 6380)),
        ];
        for (what, answers, has_data, want) in cases {
            assert_eq!(decide(&answers, me, has_data), want, "{what}");
        }
    }

    #[test]
    fn replica_health_from_flags() {
        let rec = |flags: &str| {
            Frame::Array(vec![
                Frame::Bulk(b"name".to_vec()),
                Frame::Bulk(b"x".to_vec()),
                Frame::Bulk(b"flags".to_vec()),
                Frame::Bulk(flags.as_bytes().to_vec()),
            ])
        };
        assert!(replica_healthy(&rec("slave")));
        assert!(!replica_healthy(&rec("s_down,slave")));
        assert!(replica_healthy(&rec("slave,disconnected")));
        assert!(!replica_healthy(&rec("o_down,slave")));
        assert!(!replica_healthy(&Frame::Array(vec![])));
    }
}
