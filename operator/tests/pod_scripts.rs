//! The pod scripts (start, readiness, preStop) executed with `sh` against real processes on loopback:
//! `redis-ha-node` data pods and `redis-server --sentinel` sentinels, configured from the operator's
//! own rendered ConfigMap and container env (see `pods/mod.rs`). Also the operator's switchover
//! request ([`request_failover`]) against those sentinels.
//!
//! Needs the release build of `redis-ha-node` (or $REDIS_HA_NODE), `redis-server` and `redis-cli`.

mod pods;

use std::time::{Duration, Instant};

use pods::{make_certs, Cluster, Role};
use redis_ha_operator::crd::PersistenceMode;
use redis_ha_operator::master::credentials::{Credentials, TlsMaterial};
use redis_ha_operator::master::events::Addr;
use redis_ha_operator::resources::Names;
use redis_ha_operator::rollout::apply::{request_failover, FailoverOutcome, FailoverRequest};

const UP: Duration = Duration::from_secs(20);

fn replica_of(c: &Cluster, i: usize, master: usize) -> bool {
    let r = c.role(i);
    r == Role { role: "slave".into(), master_host: c.data_hosts[master].clone(), link_up: true }
}

#[test]
fn first_start_readiness_and_an_empty_master_that_restarts_without_sentinels() {
    let Some(c) = Cluster::new(2, 0, PersistenceMode::None, false) else { return };
    let mut p0 = c.start_node(0);
    let _p1 = c.start_node(1);

    // No sentinel, no data anywhere: pod 0 is master and pod 1 replicates it.
    c.wait(UP, "pod 0 is master", || c.role(0).role == "master");
    c.wait(UP, "pod 1 replicates pod 0", || replica_of(&c, 1, 0));
    assert!(p0.output().contains("no peer has data; pod 0 starts as master"), "{}", p0.output());

    // Readiness: a master, and a replica with its link up, are ready.
    assert_eq!(c.run_node_script(0, "ready-node.sh").0, 0, "a master is ready");
    assert_eq!(c.run_node_script(1, "ready-node.sh").0, 0, "a synced replica is ready");

    c.fill(0, 100);
    c.wait(UP, "the replica has the keys", || c.dbsize(1) == 100);

    // The master dies (no persistence): its replica, cut off, is not ready.
    p0.kill();
    c.wait(UP, "pod 1's link is down", || c.role(1) == Role { role: "slave".into(), master_host: c.data_hosts[0].clone(), link_up: false });
    let (code, _) = c.run_node_script(1, "ready-node.sh");
    assert_eq!(code, 1, "a replica without its master link is not ready");

    // Pod 0 comes back empty and no sentinel knows the group: it must not start as an empty master
    // (pod 1 would resync from it and lose the data); it promotes pod 1, which has the data.
    let p0 = c.start_node(0);
    c.wait(UP, "pod 1 is promoted", || c.role(1).role == "master");
    c.wait(UP, "pod 0 replicates pod 1", || replica_of(&c, 0, 1));
    assert_eq!(c.dbsize(1), 100, "the data survived");
    c.wait(UP, "pod 0 synced the data", || c.dbsize(0) == 100);
    assert!(p0.output().contains(&format!("promoted {}", c.data_hosts[1])), "{}", p0.output());
}

#[test]
fn a_full_restart_picks_the_pod_with_data_over_an_empty_pod_0() {
    let Some(mut c) = Cluster::new(2, 1, PersistenceMode::Rdb, true) else { return };
    c.set_env("BOOT_WAIT_SECONDS", "20");
    c.set_env("SENTINEL_BOOT_WAIT_SECONDS", "40");
    // Pod 1 kept its volume; pod 0's is empty (a lost or new volume).
    c.seed_rdb(1, 50);

    // Everything starts at once, the sentinel included, as after a whole-cluster outage.
    let sentinel = c.start_sentinel(0);
    let p0 = c.start_node(0);
    let p1 = c.start_node(1);

    c.wait(UP, "pod 1 is master", || c.role(1).role == "master");
    c.wait(UP, "pod 0 replicates pod 1", || replica_of(&c, 0, 1));
    assert_eq!(c.dbsize(1), 50, "pod 1 kept its data");
    c.wait(UP, "pod 0 synced pod 1's data", || c.dbsize(0) == 50);
    assert!(p1.output().contains("this pod has the most data (offset 0) and starts as master"), "{}", p1.output());
    assert!(!p0.output().contains("starts as master"), "the empty pod 0 never started as master: {}", p0.output());

    // The sentinel waited for the data pods' choice instead of assuming pod 0.
    c.wait(UP, "the sentinel monitors pod 1", || c.sentinel_master(0) == c.data_hosts[1]);
    assert!(sentinel.output().contains(&format!("monitoring cache at {}", c.data_hosts[1])), "{}", sentinel.output());
    // Ready once it also knows a replica (from the master's INFO, within 10 s): it can fail over then.
    c.wait(UP, "a sentinel that knows the master and a replica is ready", || c.run_sentinel_script(0, "ready-sentinel.sh").0 == 0);
}

#[test]
fn a_full_restart_picks_the_pod_with_the_most_data_then_the_lowest_ordinal() {
    let Some(mut c) = Cluster::new(3, 0, PersistenceMode::Rdb, true) else { return };
    c.set_env("BOOT_WAIT_SECONDS", "20");
    // Pod 0 saved early; pods 1 and 2 saved later, at one offset (replicas in step when the outage hit).
    let offsets = c.seed_history(&[Some(50), Some(100), Some(100)]);
    assert!(offsets[0] < offsets[1] && offsets[1] == offsets[2], "{offsets:?}");

    // Everything starts at once and no sentinel knows the group.
    let p0 = c.start_node(0);
    let p1 = c.start_node(1);
    let p2 = c.start_node(2);

    // Pod 1: the most data, and the lower ordinal of the two that have it. Pod 0, first in line by
    // ordinal, must not win with its older data.
    c.wait(UP, "pod 1 is master", || c.role(1).role == "master");
    c.wait(UP, "pods 0 and 2 replicate pod 1", || replica_of(&c, 0, 1) && replica_of(&c, 2, 1));
    assert_eq!(c.dbsize(1), 100, "pod 1 kept its data");
    c.wait(UP, "every pod has pod 1's data", || c.dbsize(0) == 100 && c.dbsize(2) == 100);
    let offset = offsets[1].unwrap_or(-1);
    assert!(p1.output().contains(&format!("this pod has the most data (offset {offset}) and starts as master")), "{}", p1.output());
    for p in [&p0, &p2] {
        assert!(!p.output().contains("starts as master"), "{}", p.output());
    }
}

#[test]
fn sentinels_name_the_master_prestop_hands_over_and_an_empty_named_master_stays_a_replica() {
    let Some(c) = Cluster::new(3, 3, PersistenceMode::None, true) else { return };
    let sentinels: Vec<_> = (0..3).map(|i| c.start_sentinel(i)).collect();
    let mut nodes = vec![Some(c.start_node(0)), Some(c.start_node(1)), None];

    // start-sentinel.sh: every sentinel finds the master the data pods chose.
    c.wait(UP, "pod 0 is master", || c.role(0).role == "master");
    for i in 0..3 {
        c.wait(UP, "each sentinel names pod 0", || c.sentinel_master(i) == c.data_hosts[0]);
    }
    for s in &sentinels {
        assert!(s.output().contains(&format!("monitoring cache at {}", c.data_hosts[0])), "{}", s.output());
    }
    c.wait(UP, "pod 1 replicates pod 0", || replica_of(&c, 1, 0));
    c.wait(UP, "sentinel 0 is ready once it knows a replica", || c.run_sentinel_script(0, "ready-sentinel.sh").0 == 0);
    // writeSafety fenced (the default): the master takes writes, and is ready, once a majority of the
    // sentinels have named it master in their hellos (every 2 s).
    c.wait(UP, "the master is ready (not fenced)", || c.run_node_script(0, "ready-node.sh").0 == 0);
    c.fill(0, 100);
    c.wait(UP, "pod 1 has the keys", || c.dbsize(1) == 100);
    // Known is not enough: a replica the sentinel has not yet connected to ("slave,disconnected") or seen
    // linked is no failover candidate, and SENTINEL FAILOVER answers NOGOODSLAVE.
    c.wait(Duration::from_secs(30), "the sentinels know the replica, connected and linked", || {
        (0..3).all(|i| {
            let r = c.sentinel_cli(i, &["SENTINEL", "REPLICAS", "cache"]);
            r.contains(&c.data_hosts[1]) && r.contains("\nflags\nslave\n") && r.contains("\nmaster-link-status\nok\n")
        })
    });

    // preStop on the master: it asks the sentinels for a failover and returns once demoted.
    let started = Instant::now();
    let (code, out) = c.run_node_script(0, "pre-stop-node.sh");
    assert_eq!(code, 0, "{out}");
    assert_eq!(c.role(0).role, "slave", "preStop returns only once the pod is demoted: {out}");
    // ... and linked to the new master: the handover is done, a SIGTERM now loses nothing.
    assert!(replica_of(&c, 0, 1), "preStop returns only once the new master took the old one on: {out}");
    assert!(started.elapsed() < Duration::from_secs(20), "took {:?}", started.elapsed());
    c.wait(UP, "the sentinels name pod 1", || c.sentinel_master(0) == c.data_hosts[1]);
    // preStop on a replica does nothing.
    assert_eq!(c.run_node_script(0, "pre-stop-node.sh"), (0, String::new()));

    // A pod starting while the sentinels know the group replicates the master they name.
    nodes[2] = Some(c.start_node(2));
    c.wait(UP, "pod 2 replicates pod 1", || replica_of(&c, 2, 1));
    c.wait(UP, "pod 2 has the keys", || c.dbsize(2) == 100);

    // The operator's switchover request: never from a pod that is no longer master...
    let rt = tokio::runtime::Builder::new_current_thread().enable_all().build().expect("runtime");
    let request = |pod: usize| FailoverRequest {
        sentinels: c.sentinel_hosts.iter().map(|h| Addr::new(h.clone(), c.sentinel_port)).collect(),
        master_set: "cache".into(),
        // The operator's own user, as in a cluster: its ACL on Debian's redis-sentinel is enough.
        creds: c.operator_creds(),
        names: Names { name: "cache".into(), namespace: "test".into(), cluster_domain: "cluster.local".into() },
        pod: format!("cache-{pod}"),
        pod_ip: Some(c.data_hosts[pod].clone()),
    };
    let moved = rt.block_on(request_failover(request(0)));
    assert_eq!(moved, FailoverOutcome::Moved(Addr::new(c.data_hosts[1].clone(), c.port)), "pod 0 was already switched away from");
    // ...and from the current master it moves mastership to a replica, once the sentinels have a candidate:
    // pod 0 (just demoted) and pod 2 (just started) count only after a sentinel has read their INFO and seen
    // the link up, else SENTINEL FAILOVER answers NOGOODSLAVE (the operator then asks again on its next pass).
    // And every sentinel has read each of them as a replica in its INFO (every 10 s): one whose last
    // INFO of pod 0 still said master (before preStop demoted it), and whose next comes just after
    // pod 0's promotion, sees no role change and turns it straight back into a replica (Redis
    // sentinel's +convert-to-slave), undoing the failover.
    c.wait(Duration::from_secs(40), "every sentinel has read pods 0 and 2 as linked replicas", || {
        (0..3).all(|i| {
            let r = c.sentinel_cli(i, &["SENTINEL", "REPLICAS", "cache"]);
            [0, 2].iter().all(|&p| {
                r.split("name\n").any(|entry| {
                    entry.contains(&format!("\nip\n{}\n", c.data_hosts[p]))
                        && entry.contains("\nflags\nslave\n")
                        && entry.contains("\nmaster-link-status\nok\n")
                        && entry.contains("\nrole-reported\nslave\n")
                })
            })
        })
    });
    let asked = rt.block_on(request_failover(request(1)));
    assert_eq!(asked, FailoverOutcome::Requested(Addr::new(c.sentinel_hosts[0].clone(), c.sentinel_port)));
    c.wait(UP, "the sentinels moved the master off pod 1", || !c.sentinel_master(0).is_empty() && c.sentinel_master(0) != c.data_hosts[1]);
    let again = rt.block_on(request_failover(request(1)));
    assert!(matches!(again, FailoverOutcome::Moved(_) | FailoverOutcome::InProgress(_)), "never a second failover: {again:?}");
    let m = c.data_hosts.iter().position(|h| *h == c.sentinel_master(0)).expect("the master is a data pod");
    c.wait(UP, "the new master serves", || c.role(m).role == "master");

    // The named master restarts empty before the sentinels notice: start-node.sh starts it behind the
    // node's boot guard, unreachable, so it never serves an empty dataset its replicas would copy.
    if let Some(mut p) = nodes[m].take() {
        p.kill();
    }
    let restarted = c.start_node(m);
    c.wait(UP, "start-node.sh to start the boot guard", || restarted.output().contains("named master but restarted without data"));
    let others: Vec<usize> = (0..3).filter(|i| *i != m).collect();
    // The sentinels see their master down and fail over to a pod that has the data.
    c.wait(Duration::from_secs(90), "the sentinels promote a pod with the data", || {
        let now = c.sentinel_master(0);
        others.iter().any(|i| c.data_hosts[*i] == now && c.role(*i).role == "master")
    });
    for &i in &others {
        assert_eq!(c.dbsize(i), 100, "pod {i} kept the data");
    }
    c.wait(UP, "the restarted pod follows the new master", || c.role(m).role == "slave");
    let new_master = others.iter().copied().find(|i| c.role(*i).role == "master").expect("a new master");
    assert_eq!(c.dbsize(new_master), 100, "no data lost");
    c.wait(UP, "the restarted pod syncs the data back", || c.dbsize(m) == 100);
    drop(restarted);
    drop(nodes);
    drop(sentinels);
}

/// A peer that once answered -LOADING keeps `errorstat_LOADING:count=1` in its INFO for good; read as
/// "loading", it made every other pod of a full restart wait for it forever (seen on the e2e cluster).
/// start-node.sh's `classify` reads the `loading` field instead.
#[test]
fn start_node_reads_loading_from_its_field_not_from_errorstats() {
    let script = include_str!("../src/resources/scripts/start-node.sh");
    let funcs: String = ["field() {", "keys_in() {", "classify() {"]
        .iter()
        .map(|start| {
            let from = script.find(start).unwrap_or_else(|| panic!("{start} in start-node.sh"));
            let to = from + script[from..].find("\n}\n").expect("the function's end") + 3;
            &script[from..to]
        })
        .collect();
    let info = |loading: &str| {
        format!(
            "# Replication\nrole:slave\nmaster_host:redis-ha-undecided.invalid\nmaster_link_status:down\nmaster_repl_offset:0\n\
             # Persistence\nloading:{loading}\nasync_loading:0\n# Errorstats\nerrorstat_LOADING:count=1\n# Keyspace\n"
        )
    };
    let cases = [(info("0"), "candidate"), (info("1"), "loading"), ("LOADING Redis is loading the dataset in memory".to_string(), "loading")];
    for (text, want) in cases {
        let out = std::process::Command::new("sh")
            .arg("-c")
            .arg(format!("{funcs}\nclassify \"$1\"; printf %s \"$state\""))
            .arg("sh")
            .arg(&text)
            .output()
            .expect("sh");
        assert_eq!(String::from_utf8_lossy(&out.stdout), want, "{text}");
    }
}

#[test]
fn acl_users_get_their_passwords_from_files_and_their_rules_from_the_config_map() {
    let app_pw = "app \"pw\" with \\ and spaces";
    let users = [("app", "~app:* &app:* +@all -@dangerous", app_pw), ("reader", "%R~* +@read +@connection", "r-secret")];
    let Some(c) = Cluster::new_with_users(1, 0, PersistenceMode::None, true, &users) else { return };
    let _p0 = c.start_node(0);
    c.wait(UP, "pod 0 is master", || c.role(0).role == "master");

    // The ConfigMap holds the rules, never a password.
    let listed = c.config_entry("users").unwrap_or_default();
    assert_eq!(listed, "app ~app:* &app:* +@all -@dangerous\nreader %R~* +@read +@connection\n");
    assert!(!listed.contains("pw") && !listed.contains("r-secret"));

    // Each user logs in with its own password and gets exactly its rules.
    assert_eq!(c.user_cli(0, "app", app_pw, &["SET", "app:1", "v"]).trim(), "OK");
    assert!(c.user_cli(0, "app", app_pw, &["SET", "other", "v"]).contains("NOPERM"), "app may not touch other keys");
    assert!(c.user_cli(0, "app", app_pw, &["FLUSHALL"]).contains("NOPERM"), "app may not run @dangerous commands");
    assert_eq!(c.user_cli(0, "reader", "r-secret", &["GET", "app:1"]).trim(), "v");
    assert!(c.user_cli(0, "reader", "r-secret", &["SET", "app:1", "x"]).contains("NOPERM"), "reader may not write");
    assert!(c.user_cli(0, "app", "wrong", &["PING"]).contains("WRONGPASS"), "a wrong password is refused");
    // The default user keeps spec.auth's password.
    assert_eq!(c.data_cli(0, &["ACL", "WHOAMI"]).trim(), "default");
    let acl = c.data_cli(0, &["ACL", "LIST"]);
    assert!(acl.lines().any(|l| l.starts_with("user app on #") && l.ends_with(" ~app:* resetchannels &app:* +@all -@dangerous")), "{acl}");
}

/// `spec.tls`: every port TLS only, with the Secret's certificate. The scripts (start, readiness,
/// preStop) and the sentinels reach the pods over TLS, replication runs over TLS, and the operator's
/// own switchover request goes over TLS with the Secret's certificate, verified against its CA and
/// the pods' addresses: a client with another CA, or without TLS, gets nowhere.
#[test]
fn with_tls_the_pods_elect_replicate_and_hand_over_over_tls_only() {
    let Some(c) = Cluster::new_tls(2, 3, true) else { return };
    let _sentinels: Vec<_> = (0..3).map(|i| c.start_sentinel(i)).collect();
    let _nodes = [c.start_node(0), c.start_node(1)];
    c.wait(UP, "pod 0 is master", || c.role(0).role == "master");
    for i in 0..3 {
        c.wait(UP, "each sentinel names pod 0", || c.sentinel_master(i) == c.data_hosts[0]);
    }
    c.wait(UP, "pod 1 replicates pod 0 over TLS", || replica_of(&c, 1, 0));
    c.wait(UP, "the master is ready", || c.run_node_script(0, "ready-node.sh").0 == 0);
    c.wait(UP, "sentinel 0 is ready", || c.run_sentinel_script(0, "ready-sentinel.sh").0 == 0);
    c.fill(0, 100);
    c.wait(UP, "pod 1 has the keys", || c.dbsize(1) == 100);

    // Nothing answers in plaintext.
    let plain = std::process::Command::new("redis-cli")
        .args(["-h", &c.data_hosts[0], "-p", &c.port.to_string(), "PING"])
        .env("REDISCLI_AUTH", c.password.as_deref().unwrap_or_default())
        .output()
        .expect("redis-cli runs");
    assert!(!String::from_utf8_lossy(&plain.stdout).contains("PONG"), "plaintext must not be served");

    c.wait(Duration::from_secs(30), "the sentinels know the replica, connected and linked", || {
        (0..3).all(|i| {
            let r = c.sentinel_cli(i, &["SENTINEL", "REPLICAS", "cache"]);
            r.contains(&c.data_hosts[1]) && r.contains("\nflags\nslave\n") && r.contains("\nmaster-link-status\nok\n")
        })
    });

    let material = c.operator_creds().tls.expect("a TLS cluster");
    let rt = tokio::runtime::Builder::new_current_thread().enable_all().build().expect("runtime");
    let request = |creds: Credentials| FailoverRequest {
        sentinels: c.sentinel_hosts.iter().map(|h| Addr::new(h.clone(), c.sentinel_port)).collect(),
        master_set: "cache".into(),
        creds,
        names: Names { name: "cache".into(), namespace: "test".into(), cluster_domain: "cluster.local".into() },
        pod: "cache-0".into(),
        pod_ip: Some(c.data_hosts[0].clone()),
    };
    // Refused: no TLS, and TLS with a CA that did not sign the pods' certificate.
    let stranger = c.dir.0.join("stranger");
    make_certs(&stranger, &[&c.data_hosts[0]]);
    let wrong_ca = TlsMaterial { ca: std::fs::read(stranger.join("ca.crt")).expect("ca"), ..material.clone() };
    for creds in [Credentials { tls: None, ..c.operator_creds() }, Credentials { tls: Some(wrong_ca), ..c.operator_creds() }] {
        let outcome = rt.block_on(request_failover(request(creds)));
        assert!(matches!(outcome, FailoverOutcome::Failed(_)), "{outcome:?}");
    }
    assert_eq!(c.sentinel_master(0), c.data_hosts[0], "nothing moved");

    // The operator's own user is all it needs, and can do nothing else: no key, no other command.
    let creds = c.operator_creds();
    let op = c.operator_password.clone().expect("a password");
    let denied = c.user_cli(0, "redis-ha-operator", &op, &["GET", "key:1"]);
    assert!(denied.contains("NOPERM"), "{denied}");
    assert!(c.user_cli(0, "redis-ha-operator", &op, &["ROLE"]).contains("master"));
    let s = (&c.sentinel_hosts[0], c.sentinel_port);
    assert!(c.user_cli_at(s.0, s.1, "redis-ha-operator", &op, &["SENTINEL", "SET", "cache", "quorum", "1"]).contains("NOPERM"));
    assert!(c.user_cli_at(s.0, s.1, "redis-ha-operator", &op, &["PUBLISH", "__sentinel__:hello", "x"]).contains("NOPERM"));
    let asked = rt.block_on(request_failover(request(creds)));
    assert_eq!(asked, FailoverOutcome::Requested(Addr::new(c.sentinel_hosts[0].clone(), c.sentinel_port)));
    c.wait(UP, "the sentinels name pod 1", || c.sentinel_master(0) == c.data_hosts[1]);
    c.wait(UP, "pod 1 serves as master", || c.role(1).role == "master");
    c.wait(UP, "pod 0 follows it over TLS", || replica_of(&c, 0, 1));
    c.wait(Duration::from_secs(30), "the sentinels see pod 0 as a linked replica", || {
        (0..3).all(|i| {
            let r = c.sentinel_cli(i, &["SENTINEL", "REPLICAS", "cache"]);
            r.contains(&c.data_hosts[0]) && r.contains("\nflags\nslave\n") && r.contains("\nmaster-link-status\nok\n")
        })
    });

    // preStop on the master hands over through the sentinels, over TLS.
    let (code, out) = c.run_node_script(1, "pre-stop-node.sh");
    assert_eq!(code, 0, "{out}");
    assert_eq!(c.role(1).role, "slave", "{out}");
    assert!(replica_of(&c, 1, 0), "the handover over TLS is done when preStop returns: {out}");
    c.wait(UP, "the sentinels name pod 0 again", || c.sentinel_master(0) == c.data_hosts[0]);
    assert_eq!(c.dbsize(0), 100, "no data lost");
}
