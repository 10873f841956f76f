//! Whole-cluster scenarios on the in-memory harness: real sentinel state machines, simulated Redis
//! nodes, a network that can be cut. Section numbers refer to the protocol-facts reference (§5).

use super::harness::{redis_host, Cluster, Node, SimRole, Spec, MASTER_NAME};
use super::{Level, SentinelError, Timing};

const WARM_UP: u64 = 6000;

/// Every sentinel knows the others and the replicas (hellos flow every 2 s).
fn warmed(spec: Spec) -> Cluster {
    let (n, replicas) = (spec.sentinels, spec.replicas);
    let mut c = Cluster::new(spec);
    c.run_until(WARM_UP);
    for (i, s) in c.sentinels.iter().enumerate() {
        let m = &s.st.masters[0];
        assert_eq!(m.sentinels.len(), n - 1, "S{i} peers\n{}", c.dump());
        assert_eq!(m.replicas.len(), replicas, "S{i} replicas\n{}", c.dump());
    }
    c
}

fn role_of(c: &Cluster, r: usize) -> SimRole {
    c.redis[r].role.clone()
}

/// §5.6: the master dies; one leader, one promotion, the other replica follows, every sentinel
/// switches (the others through hellos carrying the new config epoch), the old master is converted
/// when it returns. With Timing::fast(), +switch-master comes within down-after + 500 ms.
fn master_dies(timing: Timing, down_after: u64, seed: u64, budget: u64) {
    let mut spec = Spec::new(3, 2, 2);
    spec.timing = timing;
    spec.down_after = down_after;
    spec.seed = seed;
    let mut c = warmed(spec);
    let kill_at = c.now;
    c.kill_redis(0);
    c.run_until(kill_at + down_after + budget);

    let dump = c.dump();
    c.assert_one_leader_per_epoch();
    assert_eq!(c.events("+elected-leader").len(), 1, "{dump}");
    let promoted = c.events("+promoted-slave");
    assert_eq!(promoted.len(), 1, "{dump}");
    let leader = promoted[0].sentinel;
    let switches = c.events("+switch-master");
    for s in 0..3 {
        let mine: Vec<_> = switches.iter().filter(|l| l.sentinel == s).collect();
        assert_eq!(mine.len(), 1, "S{s} must switch exactly once\n{dump}");
        assert!(mine[0].payload.starts_with("mymaster 10.0.0.1 6379 10.0.0."), "{}", mine[0].payload);
        assert!(mine[0].time <= kill_at + down_after + budget);
    }
    let new_master = switches[0].payload.split(' ').nth(3).map(str::to_string).unwrap_or_default();
    assert!(switches.iter().all(|l| l.payload.split(' ').nth(3) == Some(new_master.as_str())), "{dump}");
    // Observers learned it through a hello (+config-update-from), not their own failover.
    for s in (0..3).filter(|s| *s != leader) {
        assert_eq!(c.events_of(s, "+config-update-from").len(), 1, "S{s}\n{dump}");
    }
    let p = (1..=2).find(|&r| redis_host(r) == new_master).expect("promoted is a replica");
    let other = 3 - p;
    assert_eq!(role_of(&c, p), SimRole::Master);
    assert_eq!(role_of(&c, other), SimRole::Replica { host: new_master.clone(), port: 6379 }, "{dump}");
    for s in &c.sentinels {
        assert_eq!(s.st.master_addr(MASTER_NAME), Some((new_master.clone(), 6379)));
    }
    // The leader's config now names the new master, with the old one among the known replicas.
    let cfg = c.sentinels[leader].st.settings();
    assert_eq!(cfg.masters[0].host, new_master);
    assert!(cfg.masters[0].known_replicas.contains(&(redis_host(0), 6379)));
    assert!(c.sentinels[leader].flushes > 0);

    // §5.8: the old master comes back as a master and is turned into a replica of the new one.
    c.restart_redis(0);
    let back = c.now;
    c.run_until(back + 15_000);
    let dump = c.dump();
    assert!(!c.events("+convert-to-slave").is_empty(), "{dump}");
    assert_eq!(role_of(&c, 0), SimRole::Replica { host: new_master.clone(), port: 6379 }, "{dump}");
    assert!(c.events("-role-change").iter().any(|l| l.payload.ends_with("new reported role is master")));
    assert_eq!(c.events("+switch-master").len(), 3, "no further switches\n{dump}");
}

#[test]
fn master_dies_fast_timing_switches_within_budget() {
    for seed in 1..=4 {
        master_dies(Timing::fast(), 1000, seed, 500);
    }
}

#[test]
fn master_dies_fast_timing_long_down_after() {
    master_dies(Timing::fast(), 5000, 7, 500);
}

#[test]
fn master_dies_redis7_timing() {
    // Redis's own periods: detection at 1 s pings, 1 s asks, INFO each 1 s during the failover.
    master_dies(Timing::redis7(), 5000, 3, 8000);
}

/// The event sequence of §5.6 (the observed single-sentinel run).
#[test]
fn single_sentinel_event_sequence() {
    let mut spec = Spec::new(1, 1, 1);
    spec.timing = Timing::redis7();
    let mut c = warmed(spec);
    c.kill_redis(0);
    c.run_until(c.now + 10_000);
    let seq: Vec<&str> = c
        .log
        .iter()
        .filter(|l| l.time >= WARM_UP && l.level != Level::Debug)
        .map(|l| l.name.as_str())
        .filter(|n| !n.ends_with("role-change"))
        .collect();
    let expect = [
        "+sdown",
        "+odown",
        "+new-epoch",
        "+try-failover",
        "+vote-for-leader",
        "+elected-leader",
        "+failover-state-select-slave",
        "+selected-slave",
        "+failover-state-send-slaveof-noone",
        "+failover-state-wait-promotion",
        "+promoted-slave",
        "+failover-state-reconf-slaves",
        "+failover-end",
        "+switch-master",
        "+slave",
    ];
    assert_eq!(&seq[..expect.len()], expect, "{}", c.dump());
    assert!(c.events("+odown")[0].payload.ends_with("#quorum 1/1"));
}

/// §5.4/§5.5: a sentinel cut off from the others cannot fail over: with quorum 2 it never reaches
/// ODOWN; with quorum 1 (fully isolated) it tries, gets only its own vote (1 of 3 < majority) and
/// gives up after the election timeout.
#[test]
fn partitioned_minority_cannot_fail_over() {
    for quorum in [2, 1] {
        let mut spec = Spec::new(3, 2, quorum);
        spec.failover_timeout = 4000;
        let mut c = warmed(spec);
        if quorum == 2 {
            // Cut from the master and the other sentinels, but still reaching the replicas.
            c.cut(Node::S(0), Node::R(0));
            c.cut(Node::S(0), Node::S(1));
            c.cut(Node::S(0), Node::S(2));
        } else {
            c.isolate(Node::S(0));
        }
        c.run_until(c.now + 12_000);
        let dump = c.dump();
        assert!(c.events("+elected-leader").is_empty(), "quorum {quorum}\n{dump}");
        assert!(c.events("+promoted-slave").is_empty(), "quorum {quorum}\n{dump}");
        assert!(c.events("+switch-master").is_empty(), "quorum {quorum}\n{dump}");
        assert_eq!(role_of(&c, 0), SimRole::Master);
        assert!(!c.events_of(0, "+sdown").is_empty(), "S0 does see the master down\n{dump}");
        if quorum == 2 {
            assert!(c.events_of(0, "+odown").is_empty(), "{dump}");
        } else {
            // Election timeout = min(10 s, failover-timeout 4 s).
            let tries = c.events_of(0, "+try-failover");
            let aborts = c.events_of(0, "-failover-abort-not-elected");
            assert!(!tries.is_empty() && !aborts.is_empty(), "{dump}");
            let waited = aborts[0].time - tries[0].time;
            assert!((4000..4200).contains(&waited), "aborted after {waited} ms\n{dump}");
        }
        // The majority side saw nothing wrong.
        assert!(c.events_of(1, "+sdown").iter().all(|l| !l.payload.starts_with("master")), "{dump}");
    }
}

/// §5.5: two candidates split the vote (2 + 2 of 4, majority 3) in the first epoch; after the
/// election timeout and the 2 × failover-timeout retry delay, a later epoch elects exactly one.
#[test]
fn split_vote_resolves_in_a_later_epoch() {
    let mut spec = Spec::new(4, 2, 1);
    spec.failover_timeout = 3000;
    let mut c = warmed(spec);
    // S0 and S1 lose the master; S2 and S3 still see it (they vote but never start a failover).
    c.cut(Node::S(0), Node::R(0));
    c.cut(Node::S(1), Node::R(0));
    // S0 only reaches S2, S1 only reaches S3.
    c.cut(Node::S(0), Node::S(1));
    c.cut(Node::S(0), Node::S(3));
    c.cut(Node::S(1), Node::S(2));
    let start = c.now;
    c.run_until(start + 5000);
    let dump = c.dump();
    assert!(c.events("+elected-leader").is_empty(), "{dump}");
    assert!(!c.events_of(0, "+try-failover").is_empty() && !c.events_of(1, "+try-failover").is_empty(), "{dump}");
    assert!(!c.events_of(0, "-failover-abort-not-elected").is_empty(), "{dump}");
    assert!(!c.events_of(1, "-failover-abort-not-elected").is_empty(), "{dump}");
    let first_epochs: Vec<u64> = c.events("+try-failover").iter().map(|l| l.failover_epoch).collect();

    // Sentinels reach each other again; S0 and S1 still cannot reach the master.
    c.heal();
    c.cut(Node::S(0), Node::R(0));
    c.cut(Node::S(1), Node::R(0));
    c.run_until(start + 20_000);
    let dump = c.dump();
    c.assert_one_leader_per_epoch();
    let elected = c.events("+elected-leader");
    assert_eq!(elected.len(), 1, "{dump}");
    assert!(elected[0].failover_epoch > *first_epochs.iter().max().unwrap_or(&0), "{dump}");
    assert_eq!(c.events("+promoted-slave").len(), 1, "{dump}");
    assert_eq!(c.events("+switch-master").iter().map(|l| l.sentinel).collect::<std::collections::BTreeSet<_>>().len(), 4, "{dump}");
}

/// §5.9: a sentinel whose timer stalls for 3 s enters TILT: it keeps collecting but neither marks
/// the master down nor says it is down to others for 30 s; the others fail over without it, and it
/// still learns the new configuration from hellos.
#[test]
fn tilt_suppresses_action() {
    let mut c = warmed(Spec::new(3, 2, 2));
    let t0 = c.now;
    c.pause(0, t0 + 3000);
    c.kill_redis(0);
    c.run_until(t0 + 10_000);
    let dump = c.dump();
    assert!(c.sentinels[0].st.is_tilt(), "{dump}");
    assert_eq!(c.events_of(0, "+tilt").len(), 1, "{dump}");
    assert!(c.events_of(0, "+sdown").is_empty(), "{dump}");
    assert!(c.events_of(0, "+try-failover").is_empty(), "{dump}");
    let down = c.sentinels[0].st.is_master_down_by_addr(&redis_host(0), 6379, 0, "*", c.now);
    assert!(!down.down);
    assert_eq!(c.events("+promoted-slave").len(), 1, "{dump}");
    assert_eq!(c.events_of(0, "+switch-master").len(), 1, "S0 follows through hellos\n{dump}");
    c.run_until(t0 + 3000 + 30_500);
    assert_eq!(c.events_of(0, "-tilt").len(), 1, "{}", c.dump());
}

/// §5.6: SENTINEL FAILOVER skips ODOWN and the election; INPROG while one runs; NOGOODSLAVE when
/// no replica is fit (here: both are down).
#[test]
fn forced_failover() {
    let mut c = warmed(Spec::new(3, 2, 2));
    let now = c.now;
    c.sentinels[1].st.failover(MASTER_NAME, now).expect("a replica is fit");
    assert_eq!(c.sentinels[1].st.failover(MASTER_NAME, now), Err(SentinelError::InProgress));
    c.run_until(now + 2000);
    let dump = c.dump();
    assert_eq!(c.events_of(1, "+elected-leader").len(), 1, "{dump}");
    assert_eq!(c.events("+switch-master").len(), 3, "{dump}");
    assert!(c.events("+odown").is_empty(), "{dump}");
    let new_master = c.sentinels[1].st.master_addr(MASTER_NAME).map(|a| a.0).unwrap_or_default();
    assert_ne!(new_master, redis_host(0));
    // The old master was alive: it is reconfigured as a replica of the new one.
    c.run_until(c.now + 12_000);
    assert_eq!(role_of(&c, 0), SimRole::Replica { host: new_master, port: 6379 }, "{}", c.dump());

    let mut c = warmed(Spec::new(3, 2, 2));
    c.kill_redis(1);
    c.kill_redis(2);
    c.run_until(c.now + 1500);
    let now = c.now;
    assert_eq!(c.sentinels[0].st.failover(MASTER_NAME, now), Err(SentinelError::NoGoodSlave));
    assert_eq!(c.sentinels[0].st.failover("nope", now), Err(SentinelError::NoSuchMaster));
}

/// SENTINEL FAILOVER with a master that serves FAILOVER (handover.rs): the master is asked to hand
/// over, so it is the new master's replica the moment the replica is promoted; the replica never
/// gets SLAVEOF NO ONE, and the old master is not converted later (it already follows).
#[test]
fn forced_failover_is_coordinated_with_the_master() {
    let mut c = warmed(Spec::new(3, 2, 2));
    let now = c.now;
    c.sentinels[1].st.failover(MASTER_NAME, now).expect("a replica is fit");
    c.run_until(now + 2000);
    let dump = c.dump();
    assert_eq!(c.redis[0].failover_count, 1, "{dump}");
    let coordinated = c.events_of(1, "+coordinated-failover");
    assert_eq!(coordinated.len(), 1, "{dump}");
    assert!(c.events("-coordinated-failover").is_empty(), "{dump}");
    assert_eq!(c.events("+switch-master").len(), 3, "{dump}");
    let new_master = c.sentinels[1].st.master_addr(MASTER_NAME).map(|a| a.0).unwrap_or_default();
    assert!(coordinated[0].payload.starts_with(&format!("slave {new_master}:6379 {new_master} 6379 @ mymaster 10.0.0.1 6379")), "{dump}");
    let p = (1..=2).find(|&r| redis_host(r) == new_master).expect("promoted is a replica");
    assert_eq!(c.redis[p].slaveof_count, 0, "no SLAVEOF NO ONE: the master handed over\n{dump}");
    assert_eq!(role_of(&c, 0), SimRole::Replica { host: new_master.clone(), port: 6379 }, "{dump}");
    // The old master got the reconfiguration transaction (CONFIG REWRITE, CLIENT KILL) once.
    assert_eq!(c.redis[0].slaveof_count, 1, "{dump}");
    // The event order is Redis's, with the handover in place of SLAVEOF NO ONE.
    let names: Vec<String> = c.log.iter().filter(|l| l.sentinel == 1).map(|l| l.name.clone()).collect();
    let pos = |n: &str| names.iter().position(|x| x == n).unwrap_or_else(|| panic!("{n} missing\n{dump}"));
    assert!(pos("+failover-state-send-slaveof-noone") < pos("+coordinated-failover"));
    assert!(pos("+coordinated-failover") < pos("+failover-state-wait-promotion"));
    assert!(pos("+failover-state-wait-promotion") < pos("+promoted-slave"));
    c.run_until(c.now + 15_000);
    let dump = c.dump();
    assert!(c.events("+convert-to-slave").is_empty(), "{dump}");
    assert_eq!(c.redis[0].slaveof_count, 1, "{dump}");
    assert_eq!(c.events("+switch-master").len(), 3, "{dump}");
}

/// A master that cannot coordinate (older than 6.2, or refusing FAILOVER) gets Redis's classic
/// promotion, announced with -coordinated-failover and the reason.
#[test]
fn forced_failover_falls_back_when_the_master_cannot_coordinate() {
    for (version, error, why) in [
        ("6.0.9", None, " master-version 6.0.9"),
        ("7.0.15", Some("ERR unknown command 'FAILOVER', with args beginning with: 'TO' "), " refused ERR unknown command"),
    ] {
        let mut c = warmed(Spec::new(3, 2, 2));
        c.redis[0].version = version;
        c.redis[0].failover_error = error.map(str::to_string);
        c.run_until(c.now + 11_000); // an INFO with the version
        let now = c.now;
        c.sentinels[1].st.failover(MASTER_NAME, now).expect("a replica is fit");
        c.run_until(now + 2000);
        let dump = c.dump();
        let fallback = c.events_of(1, "-coordinated-failover");
        assert_eq!(fallback.len(), 1, "{dump}");
        assert!(fallback[0].payload.starts_with(&format!("master mymaster 10.0.0.1 6379{why}")), "{}", fallback[0].payload);
        // Asked (and refused) only when the version allows it.
        assert_eq!(c.events("+coordinated-failover").len(), usize::from(error.is_some()), "{dump}");
        assert_eq!(c.events("+switch-master").len(), 3, "{dump}");
        let new_master = c.sentinels[1].st.master_addr(MASTER_NAME).map(|a| a.0).unwrap_or_default();
        let p = (1..=2).find(|&r| redis_host(r) == new_master).expect("promoted is a replica");
        assert_eq!(c.redis[p].slaveof_count, 1, "SLAVEOF NO ONE\n{dump}");
        assert_eq!(role_of(&c, 0), SimRole::Master, "the old master is converted only later\n{dump}");
        c.run_until(c.now + 15_000);
        assert_eq!(role_of(&c, 0), SimRole::Replica { host: new_master, port: 6379 }, "{}", c.dump());
    }
}

/// An automatic failover (the master is down) never tries to coordinate.
#[test]
fn automatic_failover_does_not_ask_the_master() {
    let mut c = warmed(Spec::new(3, 2, 2));
    c.kill_redis(0);
    c.run_until(c.now + 4000);
    let dump = c.dump();
    assert_eq!(c.events("+switch-master").len(), 3, "{dump}");
    assert!(c.events("+coordinated-failover").is_empty() && c.events("-coordinated-failover").is_empty(), "{dump}");
    assert_eq!(c.redis[0].failover_count, 0);
}

/// §5.6 step 2: with no fit replica the elected leader aborts (-failover-abort-no-good-slave) and
/// retries only after 2 × failover-timeout.
#[test]
fn no_good_slave_aborts() {
    let mut spec = Spec::new(3, 1, 2);
    spec.failover_timeout = 3000;
    let mut c = warmed(spec);
    c.redis[1].priority = 0;
    c.run_until(c.now + 11_000); // a fresh INFO reports priority 0
    c.kill_redis(0);
    let t = c.now;
    c.run_until(t + 5000);
    let dump = c.dump();
    let aborts = c.events("-failover-abort-no-good-slave");
    assert_eq!(aborts.len(), 1, "{dump}");
    assert!(c.events("+promoted-slave").is_empty());
    c.run_until(t + 9000);
    assert!(c.events("-failover-abort-no-good-slave").len() >= 2, "retried after 2 × failover-timeout\n{}", c.dump());
    c.assert_one_leader_per_epoch();
}

/// §5.8: a replica replicating from the wrong master is pointed back once the master looks sane
/// and the replica's configuration has been stable for failover-timeout.
#[test]
fn misconfigured_replica_is_fixed() {
    let mut spec = Spec::new(3, 2, 2);
    spec.failover_timeout = 3000;
    let mut c = warmed(spec);
    c.redis[2].role = SimRole::Replica { host: redis_host(1), port: 6379 };
    c.run_until(c.now + 25_000);
    let dump = c.dump();
    assert!(!c.events("+fix-slave-config").is_empty(), "{dump}");
    assert!(c.events("+fix-slave-config").iter().all(|l| l.payload.starts_with("slave 10.0.0.3:6379 ")), "{dump}");
    assert_eq!(role_of(&c, 2), SimRole::Replica { host: redis_host(0), port: 6379 });
    assert!(c.events("+try-failover").is_empty(), "{dump}");
}

/// SIMULATE-FAILURE crash-after-election: the elected leader dies before promoting; the survivors
/// (who voted for it, so they hold back for 2 × failover-timeout) fail over in a later epoch.
#[test]
fn leader_crash_after_election_is_recovered() {
    let mut spec = Spec::new(3, 2, 2);
    spec.failover_timeout = 3000;
    let mut c = warmed(spec);
    for s in &mut c.sentinels {
        s.st.simulate_failure(super::SIMFAILURE_CRASH_AFTER_ELECTION);
    }
    c.kill_redis(0);
    let t = c.now;
    while c.events("+elected-leader").is_empty() && c.now < t + 5000 {
        c.run_until(c.now + 10);
    }
    let first = c.events("+elected-leader").first().map(|l| (l.sentinel, l.failover_epoch));
    let Some((crashed, epoch)) = first else { panic!("nobody elected\n{}", c.dump()) };
    assert!(!c.sentinels[crashed].alive);
    for s in &mut c.sentinels {
        s.st.simulate_failure(0);
    }
    c.run_until(t + 15_000);
    let dump = c.dump();
    c.assert_one_leader_per_epoch();
    let elected = c.events("+elected-leader");
    assert_eq!(elected.len(), 2, "{dump}");
    assert!(elected[1].failover_epoch > epoch && elected[1].sentinel != crashed, "{dump}");
    assert!(c.events("+promoted-slave").iter().all(|l| l.sentinel != crashed));
    for s in (0..3).filter(|s| *s != crashed) {
        assert_eq!(c.events_of(s, "+switch-master").len(), 1, "S{s}\n{dump}");
    }
}
