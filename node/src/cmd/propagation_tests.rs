//! What each write command propagates to the AOF and replicas (and what evictions propagate): the exact operations real
//! redis-server 7.0.15 wrote to its AOF for the same commands (checked with
//! `appendonlydir/appendonly.aof.1.incr.aof`), including the case of every argument: verbatim
//! commands keep the client's spelling, rewritten ones are written by Redis in uppercase.

use bytes::Bytes;

use super::testing::Session;
use crate::client::{ClientMsg, ClientState};
use crate::evict::OOM_ERROR;
use crate::propagate::{ALL, REPL};
use crate::util::now_ms;

/// A session that records what it propagates.
fn session() -> Session {
    let mut s = Session::new();
    s.capture();
    s
}

/// Runs `line` and returns what it propagated, with every number within the command's run of
/// `now + offset_ms` (an absolute deadline Redis computed) replaced by `<T>`.
fn run_timed(s: &mut Session, line: &str, offset_ms: i64) -> Vec<String> {
    s.propagated();
    let before = now_ms() + offset_ms;
    s.run(line);
    let after = now_ms() + offset_ms;
    s.propagated()
        .into_iter()
        .map(|op| {
            op.split(' ')
                .map(|w| match w.parse::<i64>() {
                    Ok(n) if (before..=after).contains(&n) => "<T>".to_string(),
                    _ => w.to_string(),
                })
                .collect::<Vec<_>>()
                .join(" ")
        })
        .collect()
}

/// Runs each line and returns everything they propagated.
fn run_all(s: &mut Session, lines: &[&str]) -> Vec<String> {
    s.propagated();
    for l in lines {
        s.run(l);
    }
    s.propagated()
}

/// The bulk strings of a flat RESP2 array reply, in order.
fn bulks(reply: &str) -> Vec<String> {
    let lines: Vec<&str> = reply.split("\r\n").collect();
    lines.iter().enumerate().filter(|(i, _)| *i > 0 && lines[i - 1].starts_with('$')).map(|(_, l)| l.to_string()).collect()
}

/// Parks the session's client on a blocking command, then carries on as a new client, the
/// blocked one waiting in the registry like a connected client would.
fn block_then_switch(s: &mut Session, line: &str) -> tokio::sync::mpsc::UnboundedReceiver<ClientMsg> {
    assert_eq!(s.run(line), "", "{line} should block");
    let (tx, rx) = tokio::sync::mpsc::unbounded_channel();
    let next = ClientState::new(s.me.id + 1, "127.0.0.1:2".into(), "127.0.0.1:6379".into(), -1, tx, now_ms());
    let blocked = std::mem::replace(&mut s.me, next);
    s.st.clients.insert(blocked.id, Box::new(blocked));
    rx
}

// ---------------------------------------------------------------------------------------------
// Strings

#[test]
fn set_with_an_expire_becomes_set_pxat() {
    let mut s = session();
    assert_eq!(run_timed(&mut s, "SET k v EX 100", 100_000), vec!["SET k v PXAT <T>"]);
    assert_eq!(run_timed(&mut s, "set k v px 100000 get", 100_000), vec!["SET k v PXAT <T>"]);
    // The options other than the expire go: the value was stored, unconditionally from then on.
    assert_eq!(run_timed(&mut s, "set k v ex 10 xx get", 10_000), vec!["SET k v PXAT <T>"]);
    assert_eq!(run_all(&mut s, &["set k v EXAT 99999999999 GET"]), vec!["SET k v PXAT 99999999999000"]);
    // 7.0 rewrites PXAT too (into the same thing, uppercase, other options dropped).
    assert_eq!(run_all(&mut s, &["set k v pxat 99999999999999 get"]), vec!["SET k v PXAT 99999999999999"]);
    // A deadline already past is stored as is; the key's deletion goes out when it is found expired.
    assert_eq!(run_all(&mut s, &["set k v exat 1", "get k"]), vec!["SET k v PXAT 1000", "DEL k"]);
}

#[test]
fn set_get_without_expire_drops_its_get() {
    let mut s = session();
    assert_eq!(run_all(&mut s, &["set k 1 get"]), vec!["set k 1"]);
    assert_eq!(run_all(&mut s, &["set k5 v nx keepttl get"]), vec!["set k5 v nx keepttl"]);
    assert_eq!(run_all(&mut s, &["SET k 3 GET keepttl get"]), vec!["SET k 3 keepttl"]);
    assert_eq!(run_all(&mut s, &["set k 4 xx"]), vec!["set k 4 xx"]);
}

#[test]
fn set_that_stores_nothing_propagates_nothing() {
    let mut s = session();
    s.run("SET k v");
    assert_eq!(run_all(&mut s, &["SET k v2 NX", "set k v PX 100000 NX", "SET nokey v XX GET", "setnx k v"]), Vec::<String>::new());
}

#[test]
fn setex_and_psetex_become_set_pxat() {
    let mut s = session();
    assert_eq!(run_timed(&mut s, "setex k 100 v", 100_000), vec!["SET k v PXAT <T>"]);
    assert_eq!(run_timed(&mut s, "psetex k 100000 v", 100_000), vec!["SET k v PXAT <T>"]);
    assert_eq!(run_all(&mut s, &["setnx k2 v"]), vec!["setnx k2 v"]);
}

#[test]
fn getex_with_an_expire_becomes_pexpireat() {
    let mut s = session();
    s.run("SET k v");
    assert_eq!(run_timed(&mut s, "getex k ex 100", 100_000), vec!["PEXPIREAT k <T>"]);
    assert_eq!(run_timed(&mut s, "getex k px 100000", 100_000), vec!["PEXPIREAT k <T>"]);
    assert_eq!(run_all(&mut s, &["getex k exat 99999999999"]), vec!["PEXPIREAT k 99999999999000"]);
    assert_eq!(run_all(&mut s, &["getex k pxat 99999999999999"]), vec!["PEXPIREAT k 99999999999999"]);
    assert_eq!(run_all(&mut s, &["getex nokey ex 100", "getex k"]), Vec::<String>::new());
}

#[test]
fn getex_persist_becomes_persist_once() {
    let mut s = session();
    s.run("SET k v EX 100");
    assert_eq!(run_all(&mut s, &["getex k persist", "getex k persist"]), vec!["PERSIST k"]);
}

#[test]
fn getex_with_a_past_deadline_becomes_a_deletion() {
    let mut s = session();
    s.run("SET k v");
    assert_eq!(run_all(&mut s, &["getex k exat 1"]), vec!["DEL k"]);
    s.run("CONFIG SET lazyfree-lazy-expire yes");
    s.run("SET k v");
    assert_eq!(run_all(&mut s, &["getex k pxat 1"]), vec!["UNLINK k"]);
}

#[test]
fn getdel_becomes_del_or_unlink() {
    let mut s = session();
    s.run("SET k v");
    assert_eq!(run_all(&mut s, &["getdel k", "getdel k"]), vec!["DEL k"]);
    s.run("CONFIG SET lazyfree-lazy-user-del yes");
    s.run("SET k v");
    assert_eq!(run_all(&mut s, &["getdel k"]), vec!["UNLINK k"]);
}

#[test]
fn getset_becomes_set() {
    let mut s = session();
    s.run("SET k 1");
    assert_eq!(run_all(&mut s, &["getset k 2", "GETSET nokey new"]), vec!["SET k 2", "SET nokey new"]);
}

#[test]
fn incrbyfloat_becomes_set_keepttl() {
    let mut s = session();
    s.run("set k 1.5");
    assert_eq!(
        run_all(&mut s, &["incrbyfloat k 1", "incrbyfloat newk 2.5e3", "incrbyfloat newk 0"]),
        vec!["SET k 2.5 KEEPTTL", "SET newk 2500 KEEPTTL", "SET newk 2500 KEEPTTL"]
    );
    s.run("set big 99999999999999999999");
    assert_eq!(run_all(&mut s, &["incrbyfloat big 1"]), vec!["SET big 100000000000000000000 KEEPTTL"]);
}

#[test]
fn other_string_writes_propagate_verbatim() {
    let mut s = session();
    let lines = ["mset a 1 b 2", "msetnx d 1 c 3", "append k x", "setrange k 0 y", "incr n", "incrby n 5", "decr n", "decrby n 2"];
    assert_eq!(run_all(&mut s, &lines), lines.to_vec());
    // No change, no propagation.
    assert_eq!(run_all(&mut s, &["msetnx a 1 z 3", "get k", "strlen k"]), Vec::<String>::new());
}

// ---------------------------------------------------------------------------------------------
// Keys

#[test]
fn expire_family_becomes_pexpireat() {
    let mut s = session();
    s.run("set k v");
    assert_eq!(run_timed(&mut s, "expire k 100", 100_000), vec!["PEXPIREAT k <T>"]);
    assert_eq!(run_timed(&mut s, "pexpire k 100000", 100_000), vec!["PEXPIREAT k <T>"]);
    assert_eq!(run_all(&mut s, &["expireat k 99999999999"]), vec!["PEXPIREAT k 99999999999000"]);
    // PEXPIREAT itself goes out as sent.
    assert_eq!(run_all(&mut s, &["pexpireat k 99999999999999"]), vec!["pexpireat k 99999999999999"]);
}

#[test]
fn expire_options_are_kept_as_sent() {
    let mut s = session();
    s.run("set k v");
    s.run("expire k 100");
    assert_eq!(run_all(&mut s, &["expire k 100 nx"]), Vec::<String>::new());
    assert_eq!(run_timed(&mut s, "expire k 100 xx", 100_000), vec!["PEXPIREAT k <T> xx"]);
    assert_eq!(run_timed(&mut s, "EXPIRE k 1000 GT", 1_000_000), vec!["PEXPIREAT k <T> GT"]);
    assert_eq!(run_timed(&mut s, "expire k 10 lt", 10_000), vec!["PEXPIREAT k <T> lt"]);
    assert_eq!(run_all(&mut s, &["expire k 5 gt", "pexpire k 500000 lt", "expire nokey 100"]), Vec::<String>::new());
    assert_eq!(run_all(&mut s, &["persist k", "persist k"]), vec!["persist k"]);
}

#[test]
fn expire_in_the_past_becomes_a_deletion() {
    let mut s = session();
    for line in ["expire k -1", "pexpireat k 1", "expireat k 0", "expire k 0"] {
        s.run("set k v");
        assert_eq!(run_all(&mut s, &[line]), vec!["DEL k"], "{line}");
    }
    s.run("CONFIG SET lazyfree-lazy-expire yes");
    s.run("set k v");
    assert_eq!(run_all(&mut s, &["pexpire k -5"]), vec!["UNLINK k"]);
}

#[test]
fn flushdb_and_flushall_propagate_even_when_empty() {
    let mut s = session();
    let lines = ["flushdb", "flushdb", "flushall", "flushall", "flushdb async", "FLUSHALL SYNC"];
    assert_eq!(run_all(&mut s, &lines), lines.to_vec());
}

#[test]
fn key_writes_propagate_verbatim() {
    let mut s = session();
    s.run("set k v");
    s.run("set a 1");
    let lines = [
        "unlink nok k",
        "rename a b",
        "renamenx b c",
        "move c 1",
        "set c 2",
        "copy c d",
        "copy c e db 2",
        "copy c d replace",
        "swapdb 0 1",
        "swapdb 0 0",
    ];
    assert_eq!(run_all(&mut s, &lines), lines.to_vec());
    s.run("set x 1");
    // Nothing deleted, renamed onto itself, nothing copied or renamed: nothing propagates.
    assert_eq!(run_all(&mut s, &["del nok", "rename x x", "copy x e db 2", "renamenx x c", "touch x"]), Vec::<String>::new());
    s.run("set y 1");
    assert_eq!(run_all(&mut s, &["del y nok"]), vec!["del y nok"]);
}

// ---------------------------------------------------------------------------------------------
// Lists

#[test]
fn blpop_and_brpop_become_pops() {
    let mut s = session();
    s.run("rpush l a b c");
    assert_eq!(run_all(&mut s, &["blpop nol l 0", "BRPOP l 0"]), vec!["LPOP l", "RPOP l"]);
}

#[test]
fn blmove_and_brpoplpush_become_moves() {
    let mut s = session();
    s.run("rpush l x y z");
    // Served at once: the client's LEFT/RIGHT are kept, the timeout goes.
    assert_eq!(run_all(&mut s, &["blmove l l2 RIGHT LEFT 0", "brpoplpush l2 l 0"]), vec!["LMOVE l l2 RIGHT LEFT", "RPOPLPUSH l2 l"]);
    assert_eq!(run_all(&mut s, &["lmove l l2 left right", "rpoplpush l l2"]), vec!["lmove l l2 left right", "rpoplpush l l2"]);
}

#[test]
fn lmpop_and_blmpop_become_pops_of_what_they_took() {
    let mut s = session();
    s.run("rpush l a b c d e");
    assert_eq!(
        run_all(&mut s, &["lmpop 2 nol l left count 2", "lmpop 1 l RIGHT", "blmpop 0 1 l left count 10"]),
        vec!["LPOP l 2", "RPOP l 1", "LPOP l 2"]
    );
    assert_eq!(run_all(&mut s, &["lmpop 1 l left"]), Vec::<String>::new());
}

#[test]
fn served_blocked_list_clients_propagate_their_pops_after_the_push() {
    let cases = [
        ("blpop bl 0", "LPOP bl"),
        ("brpop bl 0", "RPOP bl"),
        ("blmove bl dst LEFT RIGHT 0", "LMOVE bl dst left right"),
        ("brpoplpush bl dst 0", "RPOPLPUSH bl dst"),
        ("blmpop 0 1 bl RIGHT COUNT 3", "RPOP bl 2"),
    ];
    for (blocking, served) in cases {
        let mut s = session();
        let _rx = block_then_switch(&mut s, blocking);
        assert_eq!(run_all(&mut s, &["rpush bl a b"]), vec!["rpush bl a b", served], "{blocking}");
    }
}

#[test]
fn list_writes_propagate_verbatim() {
    let mut s = session();
    let lines = [
        "rpush l a b a c a x y z",
        "lpop l",
        "rpop l 2",
        "lrem l 2 a",
        "ltrim l 1 2",
        "lset l 0 q",
        "linsert l before q r",
        "rpushx l a",
        "rpop l 100",
    ];
    assert_eq!(run_all(&mut s, &lines), lines.to_vec());
    assert_eq!(run_all(&mut s, &["lpop l 0", "lpop nol 2", "lrem nol 0 zz", "rpush l a", "ltrim l 0 100"]), vec!["rpush l a"]);
}

// ---------------------------------------------------------------------------------------------
// Sets

#[test]
fn spop_becomes_srem_of_the_member_drawn() {
    let mut s = session();
    s.run("sadd s a b c");
    s.propagated();
    let reply = s.run("spop s");
    let member = bulks(&reply).remove(0);
    assert_eq!(s.propagated(), vec![format!("SREM s {member}")]);
    assert_eq!(run_all(&mut s, &["spop nos", "spop s 0", "srandmember s 2", "srandmember s"]), Vec::<String>::new());
}

#[test]
fn spop_with_a_count_becomes_srems_in_a_transaction() {
    // Both strategies: popping one by one (few popped) and rebuilding the set (most popped).
    for (count, size) in [(3, 10), (8, 10), (150, 200)] {
        let mut s = session();
        let members: Vec<String> = (0..size).map(|i| format!("m{i}")).collect();
        s.run(&format!("sadd s {}", members.join(" ")));
        s.propagated();
        let popped = bulks(&s.run(&format!("spop s {count}")));
        assert_eq!(popped.len(), count);
        let mut want = vec!["MULTI".to_string()];
        want.extend(popped.iter().map(|m| format!("SREM s {m}")));
        want.push("EXEC".into());
        assert_eq!(s.propagated(), want);
    }
    // Integers of an intset are propagated in their decimal form.
    let mut s = session();
    s.run("sadd s 1 2 3 4 5 6 7 8 9 10");
    s.propagated();
    let popped = bulks(&s.run("spop s 7"));
    assert_eq!(s.propagated()[1..8], popped.iter().map(|m| format!("SREM s {m}")).collect::<Vec<_>>()[..]);
}

#[test]
fn spop_with_a_count_of_one_is_a_single_srem() {
    let mut s = session();
    s.run("sadd s a b c d e f g h i j k l");
    s.propagated();
    let popped = bulks(&s.run("spop s 1"));
    assert_eq!(s.propagated(), vec![format!("SREM s {}", popped[0])]);
}

#[test]
fn spop_of_the_whole_set_becomes_del() {
    let mut s = session();
    s.run("sadd s2 1 2 3");
    s.run("sadd s3 a b c");
    // DEL even with lazy server deletions: Redis 7.0 never writes UNLINK here.
    s.run("CONFIG SET lazyfree-lazy-server-del yes");
    assert_eq!(run_all(&mut s, &["spop s2 3", "spop s3 10", "spop nos 3"]), vec!["DEL s2", "DEL s3"]);
}

#[test]
fn set_writes_propagate_verbatim() {
    let mut s = session();
    let lines = ["sadd st a b c", "srem st a z", "smove st st2 b", "sinterstore sd2 st st", "sunionstore sd3 st", "sdiffstore sd5 st"];
    assert_eq!(run_all(&mut s, &lines), lines.to_vec());
    let noops = ["sadd st c", "srem st z", "smove st st c", "smove st st2 zz", "sinterstore sd st nos", "sdiffstore sd4 st st"];
    assert_eq!(run_all(&mut s, &noops), Vec::<String>::new());
}

// ---------------------------------------------------------------------------------------------
// Sorted sets

#[test]
fn bzpopmin_and_bzpopmax_become_zpops_without_count() {
    let mut s = session();
    s.run("zadd z 1 a 2 b 3 c");
    assert_eq!(run_all(&mut s, &["bzpopmin noz z 0", "BZPOPMAX z 0"]), vec!["ZPOPMIN z", "ZPOPMAX z"]);
}

#[test]
fn zmpop_and_bzmpop_become_zpops_of_what_they_took() {
    let mut s = session();
    s.run("zadd z 1 a 2 b 3 c 4 d 5 e");
    assert_eq!(
        run_all(&mut s, &["zmpop 2 noz z MIN", "zmpop 1 z max count 2", "bzmpop 0 1 z MIN COUNT 5"]),
        vec!["ZPOPMIN z 1", "ZPOPMAX z 2", "ZPOPMIN z 2"]
    );
    assert_eq!(run_all(&mut s, &["zmpop 1 z min"]), Vec::<String>::new());
}

#[test]
fn served_blocked_zset_clients_propagate_their_pops_after_the_add() {
    let cases = [("bzpopmin bz 0", "ZPOPMIN bz"), ("bzpopmax bz 0", "ZPOPMAX bz"), ("bzmpop 0 1 bz max count 5", "ZPOPMAX bz 2")];
    for (blocking, served) in cases {
        let mut s = session();
        let _rx = block_then_switch(&mut s, blocking);
        assert_eq!(run_all(&mut s, &["zadd bz 1 a 2 b"]), vec!["zadd bz 1 a 2 b", served], "{blocking}");
    }
}

#[test]
fn zset_writes_propagate_verbatim() {
    let mut s = session();
    let lines = [
        "zadd z 1 a 2 b 3 c 4 d",
        "zpopmin z",
        "zpopmax z 2",
        "zadd z xx 5 b",
        "zincrby z 2.5 b",
        "zadd z incr 1 b",
        "zrangestore dst z 0 -1",
        "zunionstore u 1 z",
    ];
    assert_eq!(run_all(&mut s, &lines), lines.to_vec());
    // Nothing popped, no score changed, nothing removed, empty results where no key was: nothing.
    let noops = ["zpopmin z 0", "zpopmin noz 3", "zadd z nx 1 b", "zincrby z 0 b", "zrem z nope", "zrangestore dst2 z 5 10", "zinterstore i 1 noz"];
    assert_eq!(run_all(&mut s, &noops), Vec::<String>::new());
}

// ---------------------------------------------------------------------------------------------
// Hashes

#[test]
fn hincrbyfloat_becomes_hset() {
    let mut s = session();
    s.run("hset h f 1");
    assert_eq!(
        run_all(&mut s, &["hincrbyfloat h f 1.5", "hincrbyfloat h g 3", "hincrbyfloat h f 1e20", "hincrby h n 1"]),
        vec!["HSET h f 2.5", "HSET h g 3", "HSET h f 100000000000000000000", "hincrby h n 1"]
    );
}

// ---------------------------------------------------------------------------------------------
// RESTORE

/// `DUMP` of the string "v" by redis-server 7.0.15.
const DUMP_V: &[u8] = b"\x00\x01v\n\x00\x91\x08\xce\xb2\x198\x8a\xce";

fn restore(s: &mut Session, args: &[&str]) -> String {
    let mut argv = vec![Bytes::from_static(b"restore"), Bytes::copy_from_slice(args[0].as_bytes()), Bytes::copy_from_slice(args[1].as_bytes())];
    argv.push(Bytes::from_static(DUMP_V));
    argv.extend(args[2..].iter().map(|a| Bytes::copy_from_slice(a.as_bytes())));
    s.run_argv(argv)
}

/// The propagated operations with the payload shown as `<payload>`.
fn propagated_restores(s: &mut Session) -> Vec<String> {
    let payload = String::from_utf8_lossy(DUMP_V).into_owned();
    s.propagated().into_iter().map(|op| op.replace(&payload, "<payload>")).collect()
}

#[test]
fn restore_with_a_relative_ttl_becomes_absttl() {
    let mut s = session();
    let before = now_ms() + 100_000;
    assert_eq!(restore(&mut s, &["k3", "100000"]), "+OK\r\n");
    assert_eq!(restore(&mut s, &["k3", "100000", "replace", "IDLETIME", "10"]), "+OK\r\n");
    let after = now_ms() + 100_000;
    let ops = propagated_restores(&mut s);
    assert_eq!(ops.len(), 2);
    for (op, tail) in ops.iter().zip(["<payload> ABSTTL", "<payload> replace IDLETIME 10 ABSTTL"]) {
        let words: Vec<&str> = op.splitn(4, ' ').collect();
        assert_eq!((words[0], words[1], words[3]), ("restore", "k3", tail));
        let at: i64 = words[2].parse().unwrap_or(0);
        assert!((before..=after).contains(&at), "{op}");
    }
}

#[test]
fn restore_without_a_relative_ttl_is_verbatim() {
    let mut s = session();
    restore(&mut s, &["k2", "0"]);
    restore(&mut s, &["k4", "99999999999999", "absttl"]);
    restore(&mut s, &["k2", "0", "replace"]);
    assert_eq!(
        propagated_restores(&mut s),
        vec!["restore k2 0 <payload>", "restore k4 99999999999999 <payload> absttl", "restore k2 0 <payload> replace"]
    );
}

#[test]
fn restore_already_expired_propagates_only_the_deletion() {
    let mut s = session();
    restore(&mut s, &["k5", "1", "absttl"]);
    assert_eq!(propagated_restores(&mut s), Vec::<String>::new());
    restore(&mut s, &["k2", "0"]);
    s.propagated();
    restore(&mut s, &["k2", "1", "replace", "absttl"]);
    assert_eq!(propagated_restores(&mut s), vec!["DEL k2"]);
}

// ---------------------------------------------------------------------------------------------
// PUBLISH, connection and server commands, transactions

#[test]
fn publish_goes_to_replicas_only() {
    let mut s = session();
    let dirty = s.st.dirty;
    s.run("publish ch hi");
    let ops = s.st.prop.take_captured();
    assert_eq!(ops.len(), 1);
    assert_eq!(ops[0].argv, vec![Bytes::from_static(b"publish"), Bytes::from_static(b"ch"), Bytes::from_static(b"hi")]);
    assert_eq!(ops[0].targets, REPL);
    assert_eq!(s.st.dirty, dirty);
    s.run("set k v");
    let ops = s.st.prop.take_captured();
    assert_eq!(ops[0].targets, ALL);
}

#[test]
fn connection_and_server_commands_never_propagate() {
    let mut s = session();
    let lines =
        ["select 3", "select 0", "client setname x", "config set maxmemory-policy allkeys-lru", "ping", "echo x", "dbsize", "object encoding k"];
    assert_eq!(run_all(&mut s, &lines), Vec::<String>::new());
}

#[test]
fn rewrites_inside_exec_share_its_transaction() {
    let mut s = session();
    s.run("sadd s a b c d e f g h i j k l");
    s.run("MULTI");
    for l in ["setex k 100 v", "spop s 2", "incrbyfloat f 1", "publish ch x", "get k"] {
        s.run(l);
    }
    s.propagated();
    let reply = s.run("EXEC");
    // The set's members are single letters, the GET replies "v".
    let popped: Vec<String> =
        bulks(&reply).into_iter().filter(|m| m.len() == 1 && m.as_str() != "v" && m.as_bytes()[0].is_ascii_lowercase()).collect();
    assert_eq!(popped.len(), 2, "{reply}");
    let ops: Vec<String> =
        s.propagated().into_iter().map(|op| if op.starts_with("SET k v PXAT ") { "SET k v PXAT <T>".into() } else { op }).collect();
    assert_eq!(
        ops,
        vec![
            "MULTI".to_string(),
            "SET k v PXAT <T>".into(),
            format!("SREM s {}", popped[0]),
            format!("SREM s {}", popped[1]),
            "SET f 1 KEEPTTL".into(),
            "publish ch x".into(),
            "EXEC".into(),
        ]
    );
}

// --- The unit of propagation: a command, a transaction, nothing for no change -------------

#[test]
fn writes_propagate_reads_do_not() {
    let mut s = Session::new();
    s.capture();
    s.run("SET k v");
    s.run("GET k");
    s.run("set k2 v2");
    assert_eq!(s.propagated(), vec!["SET k v", "set k2 v2"]);
}

#[test]
fn several_operations_become_a_transaction_one_does_not() {
    let mut s = Session::new();
    s.capture();
    s.run("MULTI");
    s.run("SET a 1");
    s.run("EXEC");
    assert_eq!(s.propagated(), vec!["SET a 1"]);
    s.run("MULTI");
    s.run("SET a 1");
    s.run("GET a");
    s.run("INCR a");
    s.run("EXEC");
    assert_eq!(s.propagated(), vec!["MULTI", "SET a 1", "INCR a", "EXEC"]);
}

#[test]
fn no_change_no_propagation() {
    let mut s = Session::new();
    s.capture();
    s.run("DEL missing");
    s.run("SET k v NX");
    s.run("SET k v NX");
    assert_eq!(s.propagated(), vec!["SET k v NX"]);
}

#[test]
fn evictions_propagate_touch_watchers_and_then_refuse() {
    let mut s = Session::new();
    s.run("SET keep 1");
    s.run("SET k v EX 100");
    s.run("WATCH k");
    s.capture();
    s.run("CONFIG SET maxmemory-policy volatile-ttl");
    // Far below any process's usage: CONFIG SET evicts the one key with a TTL at once.
    assert_eq!(s.run("CONFIG SET maxmemory 1"), "+OK\r\n");
    assert_eq!(s.propagated(), vec!["DEL k"]);
    assert_eq!(s.st.stats.evicted_keys, 1);
    assert_eq!(s.run("SET x 1"), format!("-{OOM_ERROR}\r\n"));
    assert_eq!(s.run("GET keep"), "$1\r\n1\r\n");
    // Queuing is refused too; the WATCHed key was touched by its eviction.
    s.run("MULTI");
    assert_eq!(s.run("PING"), format!("-{OOM_ERROR}\r\n"));
    assert_eq!(s.run("EXEC"), "-EXECABORT Transaction discarded because of previous errors.\r\n");
    s.run("CONFIG SET maxmemory 0");
    s.run("SET j v EX 100");
    s.run("CONFIG SET lazyfree-lazy-eviction yes");
    s.propagated();
    s.run("CONFIG SET maxmemory 1");
    assert_eq!(s.propagated(), vec!["UNLINK j"]);
    assert_eq!(s.st.stats.evicted_keys, 2);
}
