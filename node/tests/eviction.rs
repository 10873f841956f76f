//! `maxmemory` over TCP against the built server: every eviction policy keeps `used_memory` (the
//! allocator's count, as INFO reports it) within the limit, evicts the keys its policy names,
//! refuses writes with Redis's exact OOM error when nothing can go, and the per-key LRU / LFU data
//! behind OBJECT IDLETIME / FREQ moves as in Redis 7.0.
//!
//! The limit is set relative to the memory the fresh server uses (as Redis's own maxmemory tests
//! do), so the tests do not depend on the binary's baseline. Where `redis-server` is installed, the
//! error texts are checked against it too.

mod harness;

use harness::*;
use std::time::Duration;

/// Slack over the limit that Redis's maxmemory tests allow too (the INFO command itself and the
/// client's buffers are allocated after the eviction check).
const TOLERANCE: u64 = 4096;

const OOM: &[u8] = b"-OOM command not allowed when used memory > 'maxmemory'.\r\n";

fn info_field(c: &mut Conn, section: &str, field: &str) -> String {
    let text = bulk_text(&c.cmd(&["INFO", section]));
    let prefix = format!("{field}:");
    text.split("\r\n").find_map(|l| l.strip_prefix(&prefix)).map(str::to_string).unwrap_or_else(|| panic!("no {field} in INFO {section}:\n{text}"))
}

fn info_u64(c: &mut Conn, section: &str, field: &str) -> u64 {
    let v = info_field(c, section, field);
    v.parse().unwrap_or_else(|_| panic!("{field} is not a number: {v:?}"))
}

fn used(c: &mut Conn) -> u64 {
    info_u64(c, "memory", "used_memory")
}

fn evicted(c: &mut Conn) -> u64 {
    info_u64(c, "stats", "evicted_keys")
}

fn int_reply(r: &[u8]) -> i64 {
    let s = String::from_utf8_lossy(r);
    s.strip_prefix(':').and_then(|v| v.trim_end().parse().ok()).unwrap_or_else(|| panic!("not an integer reply: {s:?}"))
}

/// Sends `cmds` pipelined in batches and returns every reply.
fn pipeline(c: &mut Conn, cmds: &[Vec<String>]) -> Vec<Vec<u8>> {
    let mut replies = Vec::with_capacity(cmds.len());
    for batch in cmds.chunks(200) {
        let mut buf = Vec::new();
        for cmd in batch {
            let args: Vec<&[u8]> = cmd.iter().map(|a| a.as_bytes()).collect();
            buf.extend_from_slice(&encode(&args));
        }
        c.send(&buf);
        for _ in batch {
            replies.push(c.read_reply());
        }
    }
    replies
}

fn strs(parts: &[&str]) -> Vec<String> {
    parts.iter().map(|s| s.to_string()).collect()
}

/// A 100-byte value.
fn value() -> String {
    "x".repeat(100)
}

/// Sets the limit `extra` bytes above what the server uses now (with an empty keyspace this is its
/// baseline), and the policy.
fn limit_above_now(c: &mut Conn, extra: u64, policy: &str) -> u64 {
    c.check(&["CONFIG", "SET", "maxmemory-policy", policy], b"+OK\r\n");
    let limit = used(c) + extra;
    c.check(&["CONFIG", "SET", "maxmemory", &limit.to_string()], b"+OK\r\n");
    limit
}

fn exists(c: &mut Conn, keys: &[String]) -> usize {
    let cmds: Vec<Vec<String>> = keys.iter().map(|k| vec!["EXISTS".to_string(), k.clone()]).collect();
    pipeline(c, &cmds).iter().map(|r| int_reply(r) as usize).sum()
}

/// Redis's "is the memory limit honoured?" test for one policy: fill to about the limit, write as
/// much again, and the memory is still within it. Volatile policies get keys with a TTL, plus a
/// set of keys without one that must all survive.
fn limit_honoured(policy: &str) {
    let srv = Server::start(&["--maxmemory-samples", "10"]);
    let mut c = srv.conn();
    let volatile = policy.starts_with("volatile-");
    let keep: Vec<String> = (0..200).map(|i| format!("persistent:{i}")).collect();
    if volatile {
        let cmds: Vec<Vec<String>> = keep.iter().map(|k| strs(&["SET", k, &value()])).collect();
        pipeline(&mut c, &cmds);
    }
    let limit = limit_above_now(&mut c, 2 << 20, policy);
    let set = |i: usize| {
        let k = format!("key:{i}");
        if volatile {
            strs(&["SETEX", &k, "10000", &value()])
        } else {
            strs(&["SET", &k, &value()])
        }
    };
    let mut n = 0;
    loop {
        let cmds: Vec<Vec<String>> = (n..n + 500).map(set).collect();
        for r in pipeline(&mut c, &cmds) {
            assert_eq!(show(&r), "+OK\\r\\n", "policy {policy}");
        }
        n += 500;
        if used(&mut c) + TOLERANCE > limit {
            break;
        }
        assert!(n < 1_000_000, "memory never reached the limit");
    }
    assert!(n > 1000, "only {n} keys fit");
    // As many again: everything beyond the limit is evicted.
    let cmds: Vec<Vec<String>> = (n..2 * n).map(set).collect();
    for r in pipeline(&mut c, &cmds) {
        assert_eq!(show(&r), "+OK\\r\\n", "policy {policy}");
    }
    let now = used(&mut c);
    assert!(now <= limit + TOLERANCE, "policy {policy}: used {now} over the limit {limit}");
    let ev = evicted(&mut c);
    assert!(ev > 0, "policy {policy}: nothing evicted");
    let dbsize = int_reply(&c.cmd(&["DBSIZE"])) as u64;
    assert!(dbsize < 2 * n as u64, "policy {policy}: {dbsize} keys left of {}", 2 * n);
    if volatile {
        assert_eq!(exists(&mut c, &keep), keep.len(), "policy {policy} evicted keys without a TTL");
    }
    // The exceeded-time counters exist and are numbers.
    info_u64(&mut c, "stats", "total_eviction_exceeded_time");
    info_u64(&mut c, "stats", "current_eviction_exceeded_time");
}

#[test]
fn limit_honoured_allkeys_lru() {
    limit_honoured("allkeys-lru");
}

#[test]
fn limit_honoured_allkeys_lfu() {
    limit_honoured("allkeys-lfu");
}

#[test]
fn limit_honoured_allkeys_random() {
    limit_honoured("allkeys-random");
}

#[test]
fn limit_honoured_volatile_lru() {
    limit_honoured("volatile-lru");
}

#[test]
fn limit_honoured_volatile_lfu() {
    limit_honoured("volatile-lfu");
}

#[test]
fn limit_honoured_volatile_random() {
    limit_honoured("volatile-random");
}

#[test]
fn limit_honoured_volatile_ttl() {
    limit_honoured("volatile-ttl");
}

/// Writes `SET prefix:i <100 bytes>` until one is refused; returns how many succeeded and the
/// refusal.
fn fill_until_refused(c: &mut Conn, prefix: &str, ttl: bool) -> (usize, Vec<u8>) {
    let mut n = 0;
    loop {
        let cmds: Vec<Vec<String>> = (n..n + 200)
            .map(|i| {
                let k = format!("{prefix}:{i}");
                if ttl {
                    strs(&["SETEX", &k, "10000", &value()])
                } else {
                    strs(&["SET", &k, &value()])
                }
            })
            .collect();
        for r in pipeline(c, &cmds) {
            if r.first() == Some(&b'-') {
                return (n, r);
            }
            n += 1;
        }
        assert!(n < 1_000_000, "never refused");
    }
}

#[test]
fn noeviction_refuses_writes_with_the_oom_error() {
    let srv = Server::start(&["--maxmemory-samples", "10"]);
    let mut c = srv.conn();
    let limit = limit_above_now(&mut c, 1 << 20, "noeviction");
    let (n, err) = fill_until_refused(&mut c, "k", false);
    assert_eq!(show(&err), show(OOM));
    assert!(n > 1000, "only {n} keys written");
    assert_eq!(evicted(&mut c), 0);
    // Reads and deletions still work; the refusal counts as a rejected call.
    c.check(&["GET", "k:0"], format!("${}\r\n{}\r\n", 100, value()).as_bytes());
    let stats = bulk_text(&c.cmd(&["INFO", "commandstats"]));
    assert!(stats.split("\r\n").any(|l| l.starts_with("cmdstat_set:") && !l.contains("rejected_calls=0,")), "{stats}");
    let errors = bulk_text(&c.cmd(&["INFO", "errorstats"]));
    assert!(errors.contains("errorstat_OOM:count="), "{errors}");
    assert!(used(&mut c) > limit - TOLERANCE);
    // Freeing memory lets writes in again.
    let dels: Vec<Vec<String>> = (0..n / 2).map(|i| strs(&["DEL", &format!("k:{i}")])).collect();
    pipeline(&mut c, &dels);
    c.check(&["SET", "again", "1"], b"+OK\r\n");
}

#[test]
fn volatile_policies_refuse_when_only_keys_without_ttl_remain() {
    for policy in ["volatile-lru", "volatile-lfu", "volatile-random", "volatile-ttl"] {
        let srv = Server::start(&["--maxmemory-samples", "10"]);
        let mut c = srv.conn();
        limit_above_now(&mut c, 1 << 20, policy);
        // A few keys with a TTL go first; then nothing is left to evict.
        c.check(&["SETEX", "ttl:1", "1000", "v"], b"+OK\r\n");
        c.check(&["SETEX", "ttl:2", "1000", "v"], b"+OK\r\n");
        let (n, err) = fill_until_refused(&mut c, "k", false);
        assert_eq!(show(&err), show(OOM), "policy {policy}");
        assert_eq!(evicted(&mut c), 2, "policy {policy}");
        assert_eq!(int_reply(&c.cmd(&["EXISTS", "ttl:1", "ttl:2"])), 0, "policy {policy}");
        let all: Vec<String> = (0..n).map(|i| format!("k:{i}")).collect();
        assert_eq!(exists(&mut c, &all), n, "policy {policy} evicted a key without a TTL");
    }
}

#[test]
fn volatile_ttl_evicts_the_nearest_expiries_first() {
    let srv = Server::start(&["--maxmemory-samples", "10"]);
    let mut c = srv.conn();
    let limit = limit_above_now(&mut c, 2 << 20, "volatile-ttl");
    // Keys expiring soon and keys expiring late, interleaved, to about 80% of the room.
    let mut n = 0;
    while used(&mut c) + (400 << 10) < limit {
        let mut cmds = Vec::new();
        for i in n..n + 200 {
            cmds.push(strs(&["SETEX", &format!("soon:{i}"), "1000", &value()]));
            cmds.push(strs(&["SETEX", &format!("late:{i}"), "100000", &value()]));
        }
        pipeline(&mut c, &cmds);
        n += 200;
    }
    // More late keys, well past the limit.
    let cmds: Vec<Vec<String>> = (0..n).map(|i| strs(&["SETEX", &format!("new:{i}"), "100000", &value()])).collect();
    pipeline(&mut c, &cmds);
    let soon: Vec<String> = (0..n).map(|i| format!("soon:{i}")).collect();
    let late: Vec<String> = (0..n).map(|i| format!("late:{i}")).collect();
    let soon_gone = n - exists(&mut c, &soon);
    let late_gone = n - exists(&mut c, &late);
    assert!(soon_gone > n / 2, "only {soon_gone} of {n} near expiries evicted");
    assert!(late_gone * 10 <= soon_gone, "{late_gone} late vs {soon_gone} soon keys evicted");
}

/// Reads every hot key once.
fn read_all(c: &mut Conn, keys: &[String]) {
    let cmds: Vec<Vec<String>> = keys.iter().map(|k| strs(&["GET", k])).collect();
    pipeline(c, &cmds);
}

/// Keys read over and over survive while cold keys go (LRU by access time, LFU by frequency).
fn keeps_hot_keys(policy: &str, wait: Duration) {
    let srv = Server::start(&["--maxmemory-samples", "10"]);
    let mut c = srv.conn();
    let limit = limit_above_now(&mut c, 2 << 20, policy);
    let hot: Vec<String> = (0..100).map(|i| format!("hot:{i}")).collect();
    let cmds: Vec<Vec<String>> = hot.iter().map(|k| strs(&["SET", k, &value()])).collect();
    pipeline(&mut c, &cmds);
    let mut n = 0;
    while used(&mut c) + (200 << 10) < limit {
        let cmds: Vec<Vec<String>> = (n..n + 500).map(|i| strs(&["SET", &format!("cold:{i}"), &value()])).collect();
        pipeline(&mut c, &cmds);
        n += 500;
    }
    // LRU has a one-second clock: let the cold keys age.
    std::thread::sleep(wait);
    for _ in 0..10 {
        read_all(&mut c, &hot);
    }
    // New keys push memory over the limit; the hot keys keep being read.
    let mut m = 0;
    while evicted(&mut c) < (n / 2) as u64 {
        let cmds: Vec<Vec<String>> = (m..m + 500).map(|i| strs(&["SET", &format!("new:{i}"), &value()])).collect();
        pipeline(&mut c, &cmds);
        m += 500;
        read_all(&mut c, &hot);
        assert!(m < 20 * n + 10_000, "evictions never reached half the cold keys");
    }
    assert_eq!(exists(&mut c, &hot), hot.len(), "policy {policy} evicted hot keys");
    assert!(used(&mut c) <= limit + TOLERANCE);
}

#[test]
fn allkeys_lru_keeps_recently_read_keys() {
    keeps_hot_keys("allkeys-lru", Duration::from_millis(2100));
}

#[test]
fn allkeys_lfu_keeps_frequently_read_keys() {
    keeps_hot_keys("allkeys-lfu", Duration::ZERO);
}

#[test]
fn object_freq_counts_accesses_under_lfu() {
    let srv = Server::start(&[]);
    let mut c = srv.conn();
    c.check(&["CONFIG", "SET", "maxmemory-policy", "allkeys-lfu"], b"+OK\r\n");
    // Factor 0: every access counts, so the counter is exact.
    c.check(&["CONFIG", "SET", "lfu-log-factor", "0"], b"+OK\r\n");
    c.check(&["SET", "k", "v"], b"+OK\r\n");
    c.check(&["OBJECT", "FREQ", "k"], b":5\r\n");
    for _ in 0..10 {
        c.cmd(&["GET", "k"]);
    }
    c.check(&["OBJECT", "FREQ", "k"], b":15\r\n");
    // OBJECT itself is not an access; SET over the key is one, and keeps the frequency (as
    // redis-server 7.0.15 replies).
    c.check(&["OBJECT", "FREQ", "k"], b":15\r\n");
    c.check(&["SET", "k", "w"], b"+OK\r\n");
    c.check(&["OBJECT", "FREQ", "k"], b":16\r\n");
    // With the default factor the counter grows, but logarithmically.
    c.check(&["CONFIG", "SET", "lfu-log-factor", "10"], b"+OK\r\n");
    c.check(&["SET", "j", "v"], b"+OK\r\n");
    for _ in 0..200 {
        c.cmd(&["GET", "j"]);
    }
    let f = int_reply(&c.cmd(&["OBJECT", "FREQ", "j"]));
    assert!((7..40).contains(&f), "freq {f} after 200 reads");
    // RESTORE ... FREQ sets the counter.
    let payload = c.cmd(&["DUMP", "j"]);
    let payload = &payload[payload.iter().position(|&b| b == b'\n').unwrap() + 1..payload.len() - 2];
    let mut args: Vec<&[u8]> = vec![b"RESTORE", b"r", b"0"];
    args.push(payload);
    args.extend_from_slice(&[b"FREQ", b"77"]);
    c.send(&encode(&args));
    assert_eq!(show(&c.read_reply()), "+OK\\r\\n");
    c.check(&["OBJECT", "FREQ", "r"], b":77\r\n");
    c.check(&["OBJECT", "IDLETIME", "k"], format!("-{}\r\n", IDLE_UNDER_LFU).as_bytes());
}

#[test]
fn object_idletime_grows_under_lru() {
    let srv = Server::start(&[]);
    let mut c = srv.conn();
    c.check(&["SET", "k", "v"], b"+OK\r\n");
    c.check(&["SET", "j", "v"], b"+OK\r\n");
    std::thread::sleep(Duration::from_millis(2100));
    let idle = int_reply(&c.cmd(&["OBJECT", "IDLETIME", "k"]));
    assert!((2..=3).contains(&idle), "idle {idle}");
    // Reading is an access; OBJECT is not.
    c.cmd(&["GET", "k"]);
    let idle = int_reply(&c.cmd(&["OBJECT", "IDLETIME", "k"]));
    assert!(idle <= 1, "idle {idle} right after GET");
    let idle = int_reply(&c.cmd(&["OBJECT", "IDLETIME", "j"]));
    assert!(idle >= 2, "idle {idle}");
    c.check(&["OBJECT", "FREQ", "k"], format!("-{}\r\n", FREQ_NOT_LFU).as_bytes());
    // RESTORE ... IDLETIME sets the clock back.
    let payload = c.cmd(&["DUMP", "k"]);
    let payload = &payload[payload.iter().position(|&b| b == b'\n').unwrap() + 1..payload.len() - 2];
    let mut args: Vec<&[u8]> = vec![b"RESTORE", b"r", b"0"];
    args.push(payload);
    args.extend_from_slice(&[b"IDLETIME", b"1000"]);
    c.send(&encode(&args));
    assert_eq!(show(&c.read_reply()), "+OK\\r\\n");
    let idle = int_reply(&c.cmd(&["OBJECT", "IDLETIME", "r"]));
    assert!((1000..=1001).contains(&idle), "idle {idle}");
}

const IDLE_UNDER_LFU: &str = "ERR An LFU maxmemory policy is selected, idle time not tracked. Please note that when switching between policies at runtime LRU and LFU data will take some time to adjust.";
const FREQ_NOT_LFU: &str = "ERR An LFU maxmemory policy is not selected, access frequency not tracked. Please note that when switching between policies at runtime LRU and LFU data will take some time to adjust.";

#[test]
fn config_set_maxmemory_evicts_at_once() {
    let srv = Server::start(&[]);
    let mut c = srv.conn();
    c.check(&["CONFIG", "SET", "maxmemory-policy", "allkeys-random"], b"+OK\r\n");
    let base = used(&mut c);
    let cmds: Vec<Vec<String>> = (0..20_000).map(|i| strs(&["SET", &format!("k:{i}"), &value()])).collect();
    pipeline(&mut c, &cmds);
    let full = used(&mut c);
    assert!(full > base + (2 << 20));
    let limit = base + (full - base) / 2;
    // Inside MULTI, nothing but CONFIG SET itself can have evicted before INFO runs.
    c.check(&["MULTI"], b"+OK\r\n");
    c.check(&["CONFIG", "SET", "maxmemory", &limit.to_string()], b"+QUEUED\r\n");
    c.check(&["INFO", "stats"], b"+QUEUED\r\n");
    let reply = String::from_utf8_lossy(&c.cmd(&["EXEC"])).into_owned();
    assert!(reply.starts_with("*2\r\n+OK\r\n"), "{reply}");
    let evicted_by_config: u64 = reply.split("\r\n").find_map(|l| l.strip_prefix("evicted_keys:")).unwrap().parse().unwrap();
    assert!(evicted_by_config > 0, "CONFIG SET evicted nothing");
    // Eviction is time-limited per run (maxmemory-eviction-tenacity); the rest happens in the
    // background, without commands arriving.
    std::thread::sleep(Duration::from_millis(300));
    let now = used(&mut c);
    assert!(now <= limit + TOLERANCE, "used {now} over {limit}");
    let dbsize = int_reply(&c.cmd(&["DBSIZE"])) as u64;
    assert!(dbsize < 15_000, "{dbsize} keys left");
    assert_eq!(evicted(&mut c), 20_000 - dbsize);
}

#[test]
fn evicted_keys_send_the_evicted_event_and_touch_watchers() {
    let srv = Server::start(&[]);
    let mut sub = srv.conn();
    let mut c = srv.conn();
    c.check(&["CONFIG", "SET", "notify-keyspace-events", "Ee"], b"+OK\r\n");
    sub.cmd(&["SUBSCRIBE", "__keyevent@0__:evicted"]);
    c.check(&["CONFIG", "SET", "maxmemory-policy", "volatile-lru"], b"+OK\r\n");
    let cmds: Vec<Vec<String>> = (0..2000).map(|i| strs(&["SET", &format!("k:{i}"), &value()])).collect();
    pipeline(&mut c, &cmds);
    // The only key with a TTL, and a big one: evicting it is enough.
    let big = "v".repeat(100_000);
    c.check(&["SET", "doomed", &big, "EX", "1000"], b"+OK\r\n");
    c.check(&["WATCH", "doomed"], b"+OK\r\n");
    let now = used(&mut c);
    c.check(&["CONFIG", "SET", "maxmemory", &(now - 50_000).to_string()], b"+OK\r\n");
    c.check(&["EXISTS", "doomed"], b":0\r\n");
    assert_eq!(evicted(&mut c), 1);
    assert_eq!(int_reply(&c.cmd(&["DBSIZE"])), 2000);
    // The eviction touched the WATCHed key.
    c.check(&["MULTI"], b"+OK\r\n");
    c.check(&["PING"], b"+QUEUED\r\n");
    c.check(&["EXEC"], b"*-1\r\n");
    let msg = sub.read_reply();
    let want = b"*3\r\n$7\r\nmessage\r\n$22\r\n__keyevent@0__:evicted\r\n$6\r\ndoomed\r\n";
    assert_eq!(show(&msg), show(want));
}

/// MULTI under OOM: queuing anything is refused, EXEC is refused only for a queued write.
fn oom_transcript(program: &str) -> Vec<String> {
    let srv = Server::start_with(program, &[]);
    let mut a = srv.conn();
    let mut b = srv.conn();
    let mut log = Vec::new();
    let run = |c: &mut Conn, args: &[&str], log: &mut Vec<String>| log.push(show(&c.cmd(args)));
    run(&mut b, &["CONFIG", "SET", "maxmemory-policy", "noeviction"], &mut log);
    run(&mut b, &["SET", "k:0", &value()], &mut log);
    run(&mut a, &["MULTI"], &mut log);
    run(&mut a, &["SET", "queued", "1"], &mut log);
    // Far below what is used: nothing may grow any more.
    run(&mut b, &["CONFIG", "SET", "maxmemory", "1"], &mut log);
    run(&mut b, &["SET", "k:1", "v"], &mut log);
    run(&mut a, &["EXEC"], &mut log);
    run(&mut a, &["GET", "k:0"], &mut log);
    run(&mut a, &["MULTI"], &mut log);
    run(&mut a, &["GET", "k:0"], &mut log);
    run(&mut a, &["EXEC"], &mut log);
    run(&mut a, &["MULTI"], &mut log);
    run(&mut a, &["DISCARD"], &mut log);
    run(&mut a, &["SETEX", "x", "10", "v"], &mut log);
    // Volatile policies with no key having a TTL: nothing is evicted, the keys stay.
    run(&mut a, &["CONFIG", "SET", "maxmemory-policy", "volatile-lfu"], &mut log);
    run(&mut a, &["OBJECT", "IDLETIME", "k:0"], &mut log);
    run(&mut a, &["CONFIG", "SET", "maxmemory-policy", "volatile-ttl"], &mut log);
    run(&mut a, &["OBJECT", "FREQ", "k:0"], &mut log);
    run(&mut a, &["SET", "y", "1"], &mut log);
    run(&mut a, &["DEL", "k:0"], &mut log);
    log
}

#[test]
fn oom_and_object_errors_match_redis() {
    let ours = oom_transcript(BIN);
    let want = [
        "+OK\\r\\n".to_string(),
        "+OK\\r\\n".to_string(),
        "+OK\\r\\n".to_string(),
        "+QUEUED\\r\\n".to_string(),
        "+OK\\r\\n".to_string(),
        show(OOM),
        "-EXECABORT Transaction discarded because of: OOM command not allowed when used memory > \\'maxmemory\\'.\\r\\n".to_string(),
        format!("$100\\r\\n{}\\r\\n", value()),
        "+OK\\r\\n".to_string(),
        show(OOM),
        "-EXECABORT Transaction discarded because of previous errors.\\r\\n".to_string(),
        "+OK\\r\\n".to_string(),
        "+OK\\r\\n".to_string(),
        show(OOM),
        "+OK\\r\\n".to_string(),
        show(format!("-{IDLE_UNDER_LFU}\r\n").as_bytes()),
        "+OK\\r\\n".to_string(),
        show(format!("-{FREQ_NOT_LFU}\r\n").as_bytes()),
        show(OOM),
        ":1\\r\\n".to_string(),
    ];
    assert_eq!(ours, want);
    let have_redis = std::process::Command::new("redis-server").arg("--version").output().map(|o| o.status.success()).unwrap_or(false);
    if have_redis {
        assert_eq!(oom_transcript("redis-server"), want, "real Redis differs");
    } else {
        eprintln!("redis-server not installed: not compared with real Redis");
    }
}
