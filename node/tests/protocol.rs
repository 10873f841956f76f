//! The wire protocol over raw TCP against the built binary: pipelining, inline commands, Redis's
//! protocol errors and limits (each closes the connection after its reply), authentication,
//! `timeout`, `maxclients`, HELLO, CLIENT, RESET, transactions, pub/sub in RESP2 and RESP3,
//! keyspace notifications and MONITOR. Expected bytes were taken from redis-server 7.0.15.

mod harness;

use harness::*;
use std::time::{Duration, Instant};

const NOAUTH: &[u8] = b"-NOAUTH Authentication required.\r\n";
const WRONGPASS: &[u8] = b"-WRONGPASS invalid username-password pair or user is disabled.\r\n";

/// HELLO's reply with the client id replaced by `{id}`.
fn hello_reply(proto: u8) -> String {
    let head = if proto == 3 { "%7" } else { "*14" };
    format!(
        "{head}\r\n$6\r\nserver\r\n$5\r\nredis\r\n$7\r\nversion\r\n$6\r\n7.0.15\r\n$5\r\nproto\r\n:{proto}\r\n$2\r\nid\r\n:{{id}}\r\n$4\r\nmode\r\n$10\r\nstandalone\r\n$4\r\nrole\r\n$6\r\nmaster\r\n$7\r\nmodules\r\n*0\r\n"
    )
}

/// Asserts a HELLO reply, with the client id it reports equal to `id`.
fn assert_hello(reply: &[u8], proto: u8, id: i64) {
    let want = hello_reply(proto).replace("{id}", &id.to_string());
    assert_eq!(show(reply), show(want.as_bytes()));
}

fn int_reply(reply: &[u8]) -> i64 {
    let s = String::from_utf8_lossy(reply);
    s.strip_prefix(':').and_then(|r| r.strip_suffix("\r\n")).and_then(|n| n.parse().ok()).unwrap_or_else(|| panic!("not an integer reply: {s:?}"))
}

// ---------------------------------------------------------------------------------------------
// Framing

#[test]
fn pipelining_ten_thousand_commands_in_one_write() {
    let srv = Server::start(&[]);
    let mut c = srv.conn();
    let n = 10_000;
    let mut batch = Vec::new();
    let mut want = Vec::new();
    for i in 0..n {
        let (k, v) = (format!("k{}", i % 100), format!("value-{i}"));
        batch.extend(encode(&[b"SET", k.as_bytes(), v.as_bytes()]));
        want.extend_from_slice(b"+OK\r\n");
        batch.extend(encode(&[b"GET", k.as_bytes()]));
        want.extend(format!("${}\r\n{v}\r\n", v.len()).into_bytes());
        batch.extend(encode(&[b"INCR", b"counter"]));
        want.extend(format!(":{}\r\n", i + 1).into_bytes());
    }
    // Write from another thread: the replies may fill the socket buffer before we start reading.
    let mut w = c.stream.try_clone().unwrap();
    let writer = std::thread::spawn(move || {
        use std::io::Write;
        w.write_all(&batch).unwrap();
    });
    c.expect(&want);
    writer.join().unwrap();
    c.check(&["DBSIZE"], b":101\r\n");
}

#[test]
fn inline_commands() {
    let srv = Server::start(&[]);
    let mut c = srv.conn();
    c.send(b"PING\r\nPING\nset greeting \"hello world\"\r\nGET greeting\r\n\r\n\nset q 'it\\'s'\r\nget q\r\nSET bin \"\\x41\\x00\\n\"\r\nSTRLEN bin\r\nECHO   spaced    \r\n");
    c.expect(b"+PONG\r\n+PONG\r\n+OK\r\n$11\r\nhello world\r\n+OK\r\n$4\r\nit's\r\n+OK\r\n:3\r\n$6\r\nspaced\r\n");
    // Empty requests (`*0`, `*-1`, blank lines) get no reply at all.
    c.send(b"*0\r\n*-1\r\n\r\nPING\r\n");
    c.expect(b"+PONG\r\n");
    c.check(&["PING"], b"+PONG\r\n");
}

#[test]
fn protocol_errors_reply_then_close() {
    let srv = Server::start(&[]);
    let big_inline = vec![b'a'; 70_000];
    let mut big_count = b"*".to_vec();
    big_count.extend(vec![b'1'; 70_000]);
    let mut big_bulk_count = b"*1\r\n$".to_vec();
    big_bulk_count.extend(vec![b'1'; 70_000]);
    let cases: Vec<(Vec<u8>, &[u8])> = vec![
        (b"*x\r\nPING\r\n".to_vec(), b"-ERR Protocol error: invalid multibulk length\r\n"),
        (b"*3000000000\r\nPING\r\n".to_vec(), b"-ERR Protocol error: invalid multibulk length\r\n"),
        (b"*1\r\n:3\r\nPING\r\n".to_vec(), b"-ERR Protocol error: expected '$', got ':'\r\n"),
        (b"*2\r\n$3\r\nGET\r\n+x\r\n".to_vec(), b"-ERR Protocol error: expected '$', got '+'\r\n"),
        (b"*1\r\n$-5\r\nPING\r\n".to_vec(), b"-ERR Protocol error: invalid bulk length\r\n"),
        (b"*1\r\n$abc\r\nPING\r\n".to_vec(), b"-ERR Protocol error: invalid bulk length\r\n"),
        (b"set \"a\r\nPING\r\n".to_vec(), b"-ERR Protocol error: unbalanced quotes in request\r\n"),
        (b"set \"a\"b c\r\nPING\r\n".to_vec(), b"-ERR Protocol error: unbalanced quotes in request\r\n"),
        (b"set 'a\r\nPING\r\n".to_vec(), b"-ERR Protocol error: unbalanced quotes in request\r\n"),
        (big_inline, b"-ERR Protocol error: too big inline request\r\n"),
        (big_count, b"-ERR Protocol error: too big mbulk count string\r\n"),
        (big_bulk_count, b"-ERR Protocol error: too big bulk count string\r\n"),
    ];
    for (input, want) in cases {
        let mut c = srv.conn();
        // A valid command first: the error must not disturb what came before it.
        c.send(b"PING\r\n");
        c.send(&input);
        let got = c.expect_closed();
        let mut full = b"+PONG\r\n".to_vec();
        full.extend_from_slice(want);
        assert_eq!(show(&got), show(&full), "input {:?}", show(&input[..input.len().min(40)]));
    }
    // Cross-protocol scripting guard: closed without a reply (and the command after is not run).
    for input in [&b"POST / HTTP/1.1\r\nHost: x\r\n\r\nSET posted 1\r\n"[..], b"Host: example.com\r\nSET posted 1\r\n"] {
        let mut c = srv.conn();
        c.send(input);
        assert_eq!(show(&c.expect_closed()), "", "input {:?}", show(input));
    }
    let mut c = srv.conn();
    c.check(&["EXISTS", "posted"], b":0\r\n");
    let info = bulk_text(&c.cmd(&["INFO", "errorstats"]));
    assert!(info.contains("errorstat_ERR:count="), "protocol errors are counted in errorstats: {info}");
}

#[test]
fn request_lines_end_where_redis_ends_them() {
    // networking.c finds a header line's end with strchr(buf, '\r') and skips two bytes without
    // checking the '\n'; inline requests end at strchr(buf, '\n'). strchr stops at a NUL byte, so a
    // NUL before the line end means "no line yet": the request waits (up to the 64 KiB limit).
    let srv = Server::start(&[]);
    for (input, want) in [(&b"*1\rX$4\r\nPING\r\n"[..], &b"+PONG\r\n"[..]), (b"*1\r\n$4\rXPING\r\n", b"+PONG\r\n")] {
        let mut c = srv.conn();
        c.send(input);
        assert_eq!(show(&c.read_for(Duration::from_millis(300))), show(want), "input {:?}", show(input));
    }
    for input in [&b"PI\x00NG\r\nPING\r\n"[..], b"*1\x00\r\n$4\r\nPING\r\n", b"\x00\x01garbage\r\nPING\r\n"] {
        let mut c = srv.conn();
        c.send(input);
        assert_eq!(show(&c.read_for(Duration::from_millis(300))), "", "input {:?} must wait, not run", show(input));
        assert!(!c.is_closed_within(Duration::from_millis(50)));
    }
    let mut c = srv.conn();
    c.check(&["PING"], b"+PONG\r\n");
}

#[test]
fn a_hostile_client_does_not_affect_another() {
    let srv = Server::start(&[]);
    let mut good = srv.conn();
    good.check(&["SET", "stable", "yes"], b"+OK\r\n");
    let garbage: Vec<Vec<u8>> = vec![
        vec![0xff; 5000],
        b"*1\r\n$2147483647\r\n".to_vec(),
        b"*2147483647\r\n$1\r\na\r\n".to_vec(),
        b"*-99999999999999999999\r\n".to_vec(),
        b"$5\r\nhello\r\n".to_vec(),
        b"\r\n\r\n\r\n*1\r\n$4\r\nPI".to_vec(),
        (0u8..=255).cycle().take(100_000).collect(),
        b"\"\\x\"\r\n".to_vec(),
        b"*1\r\n$4\r\nPINGXX\r\n".to_vec(),
    ];
    let mut rng = 0x9e3779b97f4a7c15u64;
    let mut next = move || {
        rng ^= rng << 13;
        rng ^= rng >> 7;
        rng ^= rng << 17;
        rng
    };
    for (i, g) in garbage.iter().enumerate() {
        let mut bad = srv.conn();
        bad.send(g);
        // Random noise too, sent in odd-sized pieces.
        let noise: Vec<u8> = (0..4096).map(|_| next() as u8).collect();
        for piece in noise.chunks(1 + (next() % 300) as usize) {
            // The server may already have closed this connection after a protocol error.
            if std::io::Write::write_all(&mut bad.stream, piece).is_err() {
                break;
            }
        }
        good.check(&["GET", "stable"], b"$3\r\nyes\r\n");
        good.check(&["INCR", "rounds"], format!(":{}\r\n", i + 1).as_bytes());
        drop(bad);
    }
    let mut fresh = srv.conn();
    fresh.check(&["PING"], b"+PONG\r\n");
}

#[test]
fn proto_max_bulk_len() {
    let srv = Server::start(&["--proto-max-bulk-len", "1mb"]);
    let mut c = srv.conn();
    c.send(b"*3\r\n$3\r\nSET\r\n$1\r\nk\r\n$1048577\r\n");
    assert_eq!(show(&c.expect_closed()), show(b"-ERR Protocol error: invalid bulk length\r\n"));
    let mut c = srv.conn();
    let value = vec![b'v'; 1 << 20];
    c.send(&encode(&[b"SET", b"k", &value]));
    c.expect(b"+OK\r\n");
    c.check(&["STRLEN", "k"], b":1048576\r\n");
    c.check(&["CONFIG", "GET", "proto-max-bulk-len"], b"*2\r\n$18\r\nproto-max-bulk-len\r\n$7\r\n1048576\r\n");
}

#[test]
fn client_query_buffer_limit() {
    let srv = Server::start(&["--client-query-buffer-limit", "1mb"]);
    let mut other = srv.conn();
    other.check(&["PING"], b"+PONG\r\n");
    let mut c = srv.conn();
    let mut req = b"*3\r\n$3\r\nSET\r\n$1\r\nk\r\n$3000000\r\n".to_vec();
    req.extend(vec![b'a'; 2_000_000]);
    let mut w = c.stream.try_clone().unwrap();
    // The server may reset the connection mid-write; that is the expected outcome.
    let writer = std::thread::spawn(move || {
        let _ = std::io::Write::write_all(&mut w, &req);
    });
    assert!(c.is_closed_within(WAIT), "a client over client-query-buffer-limit must be disconnected");
    writer.join().unwrap();
    // Requests under the limit are served, and others are unaffected.
    let mut ok = srv.conn();
    let value = vec![b'x'; 500_000];
    ok.send(&encode(&[b"SET", b"k", &value]));
    ok.expect(b"+OK\r\n");
    other.check(&["STRLEN", "k"], b":500000\r\n");
}

#[test]
fn idle_clients_are_closed_after_timeout() {
    let srv = Server::start(&["--timeout", "1"]);
    let mut idle = srv.conn();
    idle.check(&["PING"], b"+PONG\r\n");
    let mut busy = srv.conn();
    let mut sub = srv.conn();
    sub.send(&encode(&[b"SUBSCRIBE", b"ch"]));
    let _ = sub.read_reply();
    let start = Instant::now();
    // The busy client talks every 200ms and must survive; the idle one must be closed.
    while start.elapsed() < Duration::from_millis(3500) {
        busy.check(&["PING"], b"+PONG\r\n");
        std::thread::sleep(Duration::from_millis(200));
    }
    assert!(idle.is_closed_within(Duration::from_secs(3)), "idle client not closed after timeout 1");
    busy.check(&["PING"], b"+PONG\r\n");
    // Pub/sub clients are exempt from the idle timeout, as in Redis.
    sub.send(&encode(&[b"PING"]));
    sub.expect(b"*2\r\n$4\r\npong\r\n$0\r\n\r\n");
}

#[test]
fn maxclients() {
    let srv = Server::start(&["--maxclients", "2"]);
    let mut a = srv.conn();
    a.check(&["PING"], b"+PONG\r\n");
    // The start-up probe's connection may not be gone yet: retry the second client for a bounded time.
    let b = wait_for(WAIT, || {
        let mut b = srv.conn();
        b.send(&encode(&[b"PING"]));
        b.try_read_reply(Duration::from_secs(1)).ok().filter(|r| r == b"+PONG\r\n").map(|_| b)
    });
    let b = b.expect("a second client is accepted with maxclients 2");
    let mut c = srv.conn();
    let got = c.expect_closed();
    assert_eq!(show(&got), show(b"-ERR max number of clients reached\r\n"));
    drop(b);
    // Once a slot frees up, a new client is accepted (bounded retry: the close is asynchronous).
    let ok = wait_for(WAIT, || {
        let mut d = srv.conn();
        d.send(&encode(&[b"PING"]));
        d.try_read_reply(Duration::from_secs(1)).ok().filter(|r| r == b"+PONG\r\n")
    });
    assert!(ok.is_some(), "no slot freed after a client left");
    let info = bulk_text(&a.cmd(&["INFO", "stats"]));
    assert!(info.contains("rejected_connections:") && !info.contains("rejected_connections:0\r\n"), "{info}");
}

#[test]
fn quit_replies_ok_and_closes_before_running_later_commands() {
    let srv = Server::start(&[]);
    let mut c = srv.conn();
    c.send(b"SET before 1\r\nQUIT\r\nSET after 1\r\n");
    assert_eq!(show(&c.expect_closed()), show(b"+OK\r\n+OK\r\n"));
    let mut d = srv.conn();
    d.check(&["EXISTS", "before", "after"], b":1\r\n");
}

// ---------------------------------------------------------------------------------------------
// Authentication

#[test]
fn unauthenticated_limits_with_requirepass() {
    let srv = Server::start(&["--requirepass", "secret"]);
    let mut c = srv.conn();
    c.send(b"*11\r\n");
    assert_eq!(show(&c.expect_closed()), show(b"-ERR Protocol error: unauthenticated multibulk length\r\n"));
    let mut c = srv.conn();
    c.send(b"*2\r\n$4\r\nAUTH\r\n$16385\r\n");
    assert_eq!(show(&c.expect_closed()), show(b"-ERR Protocol error: unauthenticated bulk length\r\n"));
    // At the limits exactly, the request is read (and the password is simply wrong).
    let mut c = srv.conn();
    let pw = vec![b'a'; 16384];
    c.send(&encode(&[b"AUTH", &pw]));
    c.expect(WRONGPASS);
    let mut ten: Vec<&[u8]> = vec![b"DEL"];
    ten.extend(std::iter::repeat_n(&b"x"[..], 9));
    c.send(&encode(&ten));
    c.expect(NOAUTH);
    // Once authenticated, the limits are gone.
    c.check(&["AUTH", "secret"], b"+OK\r\n");
    let big = vec![b'b'; 100_000];
    c.send(&encode(&[b"SET", b"big", &big]));
    c.expect(b"+OK\r\n");
    let many: Vec<String> = (0..40).map(|i| format!("k{i}")).collect();
    let mut args: Vec<&str> = vec!["DEL"];
    args.extend(many.iter().map(|s| s.as_str()));
    c.check(&args, b":0\r\n");
}

#[test]
fn noauth_wrongpass_and_auth_flows() {
    let srv = Server::start(&["--requirepass", "secret"]);
    let mut c = srv.conn();
    c.check(&["GET", "a"], NOAUTH);
    c.check(&["PING"], NOAUTH);
    c.check(&["AUTH", "wrong"], WRONGPASS);
    c.check(&["AUTH", "default", "wrong"], WRONGPASS);
    c.check(&["AUTH", "nouser", "secret"], WRONGPASS);
    c.check(&["AUTH", "a", "b", "c"], b"-ERR syntax error\r\n");
    c.check(&["HELLO", "3"], b"-NOAUTH HELLO must be called with the client already authenticated, otherwise the HELLO AUTH <user> <pass> option can be used to authenticate the client and select the RESP protocol version at the same time\r\n");
    c.check(&["HELLO", "3", "AUTH", "default", "wrong"], WRONGPASS);
    c.check(&["AUTH", "secret"], b"+OK\r\n");
    c.check(&["SET", "a", "1"], b"+OK\r\n");
    c.check(&["AUTH", "default", "secret"], b"+OK\r\n");
    // A failed AUTH after success does not log the client out (Redis keeps it authenticated).
    c.check(&["AUTH", "wrong"], WRONGPASS);
    c.check(&["GET", "a"], b"$1\r\n1\r\n");
    c.send(b"QUIT\r\n");
    assert_eq!(show(&c.expect_closed()), "+OK\\r\\n");

    // HELLO AUTH authenticates and switches protocol in one step; SETNAME names the client.
    let mut h = srv.conn();
    let id = {
        h.send(&encode(&[b"HELLO", b"3", b"AUTH", b"default", b"secret", b"SETNAME", b"app"]));
        let r = h.read_reply();
        let text = String::from_utf8_lossy(&r).into_owned();
        let id: i64 = text.split("$2\r\nid\r\n:").nth(1).and_then(|s| s.split("\r\n").next()).and_then(|s| s.parse().ok()).expect("id in HELLO");
        assert_hello(&r, 3, id);
        id
    };
    h.check(&["CLIENT", "GETNAME"], b"$3\r\napp\r\n");
    h.check(&["CLIENT", "ID"], format!(":{id}\r\n").as_bytes());
    h.check(&["GET", "missing"], b"_\r\n");

    // Without requirepass, AUTH is an error with Redis's text.
    let open = Server::start(&[]);
    let mut o = open.conn();
    o.check(
        &["AUTH", "x"],
        b"-ERR AUTH <password> called without any password configured for the default user. Are you sure your configuration is correct?\r\n",
    );
    // The default user has `nopass`: any password is accepted in the two-argument form.
    o.check(&["AUTH", "default", "x"], b"+OK\r\n");
}

#[test]
fn requirepass_set_at_runtime_applies_to_new_clients() {
    let srv = Server::start(&[]);
    let mut admin = srv.conn();
    admin.check(&["CONFIG", "SET", "requirepass", "pw"], b"+OK\r\n");
    let mut c = srv.conn();
    c.check(&["PING"], NOAUTH);
    c.check(&["AUTH", "pw"], b"+OK\r\n");
    c.check(&["PING"], b"+PONG\r\n");
}

// ---------------------------------------------------------------------------------------------
// HELLO, CLIENT, RESET

#[test]
fn hello_replies() {
    let srv = Server::start(&[]);
    let mut c = srv.conn();
    let id = int_reply(&c.cmd(&["CLIENT", "ID"]));
    assert_hello(&c.cmd(&["HELLO"]), 2, id);
    assert_hello(&c.cmd(&["HELLO", "3"]), 3, id);
    // Now in RESP3: maps, nulls and doubles change form.
    c.check(&["GET", "nothing"], b"_\r\n");
    c.check(&["CONFIG", "GET", "maxclients"], b"%1\r\n$10\r\nmaxclients\r\n$5\r\n10000\r\n");
    assert_hello(&c.cmd(&["HELLO"]), 3, id);
    assert_hello(&c.cmd(&["HELLO", "2"]), 2, id);
    c.check(&["GET", "nothing"], b"$-1\r\n");
    c.check(&["HELLO", "4"], b"-NOPROTO unsupported protocol version\r\n");
    c.check(&["HELLO", "1"], b"-NOPROTO unsupported protocol version\r\n");
    c.check(&["HELLO", "abc"], b"-ERR Protocol version is not an integer or out of range\r\n");
    c.check(&["HELLO", "3", "FOO"], b"-ERR Syntax error in HELLO option 'FOO'\r\n");
    c.check(&["HELLO", "3", "AUTH", "default"], b"-ERR Syntax error in HELLO option 'AUTH'\r\n");
    // A failed HELLO leaves the protocol as it was.
    c.check(&["GET", "nothing"], b"$-1\r\n");
    assert_hello(&c.cmd(&["HELLO", "2", "SETNAME", "named"]), 2, id);
    c.check(&["CLIENT", "GETNAME"], b"$5\r\nnamed\r\n");
}

/// Checks one CLIENT LIST / CLIENT INFO line against Redis 7.0's field list and order.
fn check_client_line(line: &str, port: u16) -> std::collections::HashMap<String, String> {
    const FIELDS: &[&str] = &[
        "id",
        "addr",
        "laddr",
        "fd",
        "name",
        "age",
        "idle",
        "flags",
        "db",
        "sub",
        "psub",
        "ssub",
        "multi",
        "qbuf",
        "qbuf-free",
        "argv-mem",
        "multi-mem",
        "rbs",
        "rbp",
        "obl",
        "oll",
        "omem",
        "tot-mem",
        "events",
        "cmd",
        "user",
        "redir",
        "resp",
    ];
    let pairs: Vec<(&str, &str)> = line.split(' ').map(|kv| kv.split_once('=').unwrap_or_else(|| panic!("bad field {kv:?} in {line:?}"))).collect();
    let names: Vec<&str> = pairs.iter().map(|(k, _)| *k).collect();
    assert_eq!(names, FIELDS, "field order in {line:?}");
    let map: std::collections::HashMap<String, String> = pairs.iter().map(|(k, v)| (k.to_string(), v.to_string())).collect();
    assert!(map["addr"].starts_with("127.0.0.1:"), "{line}");
    assert_eq!(map["laddr"], format!("127.0.0.1:{port}"));
    for numeric in [
        "id",
        "fd",
        "age",
        "idle",
        "db",
        "sub",
        "psub",
        "ssub",
        "multi",
        "qbuf",
        "qbuf-free",
        "argv-mem",
        "multi-mem",
        "rbs",
        "rbp",
        "obl",
        "oll",
        "omem",
        "tot-mem",
        "redir",
        "resp",
    ] {
        assert!(map[numeric].parse::<i64>().is_ok(), "{numeric} not numeric in {line:?}");
    }
    map
}

#[test]
fn client_id_setname_list_info_kill() {
    let srv = Server::start(&[]);
    let mut a = srv.conn();
    let mut b = srv.conn();
    let a_id = int_reply(&a.cmd(&["CLIENT", "ID"]));
    let b_id = int_reply(&b.cmd(&["CLIENT", "ID"]));
    assert!(b_id > a_id, "ids increase: {a_id} then {b_id}");
    a.check(&["CLIENT", "GETNAME"], b"$-1\r\n");
    a.check(&["CLIENT", "SETNAME", "alpha"], b"+OK\r\n");
    a.check(&["CLIENT", "SETNAME", "has space"], b"-ERR Client names cannot contain spaces, newlines or special characters.\r\n");
    a.check(&["CLIENT", "GETNAME"], b"$5\r\nalpha\r\n");

    let info = bulk_text(&a.cmd(&["CLIENT", "INFO"]));
    assert!(info.ends_with('\n') && info.matches('\n').count() == 1, "{info:?}");
    let f = check_client_line(info.trim_end(), srv.port);
    assert_eq!(f["id"], a_id.to_string());
    assert_eq!(f["name"], "alpha");
    assert_eq!(f["flags"], "N");
    assert_eq!(f["db"], "0");
    assert_eq!(f["multi"], "-1");
    assert_eq!(f["cmd"], "client|info");
    assert_eq!(f["user"], "default");
    assert_eq!(f["resp"], "2");

    b.check(&["SELECT", "3"], b"+OK\r\n");
    let list = bulk_text(&a.cmd(&["CLIENT", "LIST"]));
    let lines: Vec<&str> = list.lines().collect();
    assert_eq!(lines.len(), 2, "{list}");
    let b_line = lines.iter().map(|l| check_client_line(l, srv.port)).find(|m| m["id"] == b_id.to_string()).expect("b listed");
    assert_eq!(b_line["db"], "3");
    assert_eq!(b_line["cmd"], "select");
    let by_id = bulk_text(&a.cmd(&["CLIENT", "LIST", "ID", &b_id.to_string()]));
    assert_eq!(by_id.lines().count(), 1);
    a.check(&["CLIENT", "LIST", "TYPE", "pubsub"], b"$0\r\n\r\n");

    a.check(&["CLIENT", "KILL", "ID", "999999"], b":0\r\n");
    a.check(&["CLIENT", "KILL", "1.2.3.4:5"], b"-ERR No such client\r\n");
    a.check(&["CLIENT", "KILL", "ID", "abc"], b"-ERR client-id should be greater than 0\r\n");
    a.check(&["CLIENT", "KILL", "FOO", "bar"], b"-ERR syntax error\r\n");
    a.check(&["CLIENT", "KILL", "ID", &b_id.to_string()], b":1\r\n");
    assert!(b.is_closed_within(WAIT), "killed client still connected");
    // The old form by address, and SKIPME.
    let mut c = srv.conn();
    let c_addr = check_client_line(bulk_text(&c.cmd(&["CLIENT", "INFO"])).trim_end(), srv.port)["addr"].clone();
    a.check(&["CLIENT", "KILL", &c_addr], b"+OK\r\n");
    assert!(c.is_closed_within(WAIT));
    let a_addr = f["addr"].clone();
    a.check(&["CLIENT", "KILL", "ADDR", &a_addr], b":0\r\n");
    a.check(&["CLIENT", "KILL", "ADDR", &a_addr, "SKIPME", "no"], b":1\r\n");
    assert!(a.is_closed_within(WAIT));
}

#[test]
fn reset_restores_connection_defaults() {
    let srv = Server::start(&[]);
    let mut c = srv.conn();
    let _ = c.cmd(&["HELLO", "3", "SETNAME", "x"]);
    c.check(&["SELECT", "5"], b"+OK\r\n");
    c.check(&["SET", "in5", "v"], b"+OK\r\n");
    c.check(&["WATCH", "in5"], b"+OK\r\n");
    c.check(&["MULTI"], b"+OK\r\n");
    c.check(&["SET", "y", "1"], b"+QUEUED\r\n");
    c.check(&["RESET"], b"+RESET\r\n");
    // Back to db 0, RESP2, no name, no transaction.
    c.check(&["GET", "in5"], b"$-1\r\n");
    c.check(&["CLIENT", "GETNAME"], b"$-1\r\n");
    c.check(&["EXEC"], b"-ERR EXEC without MULTI\r\n");
    let f = check_client_line(bulk_text(&c.cmd(&["CLIENT", "INFO"])).trim_end(), srv.port);
    assert_eq!((f["db"].as_str(), f["resp"].as_str(), f["name"].as_str(), f["multi"].as_str()), ("0", "2", "", "-1"));
    // RESET also leaves subscribed mode.
    c.send(&encode(&[b"SUBSCRIBE", b"ch"]));
    c.expect(b"*3\r\n$9\r\nsubscribe\r\n$2\r\nch\r\n:1\r\n");
    c.check(&["RESET"], b"+RESET\r\n");
    c.check(&["GET", "in5"], b"$-1\r\n");
    let mut p = srv.conn();
    p.check(&["PUBLISH", "ch", "m"], b":0\r\n");
}

// ---------------------------------------------------------------------------------------------
// Transactions

#[test]
fn multi_exec_watch() {
    let srv = Server::start(&[]);
    let mut a = srv.conn();
    let mut b = srv.conn();
    a.check(&["MULTI"], b"+OK\r\n");
    a.check(&["SET", "a", "1"], b"+QUEUED\r\n");
    a.check(&["INCR", "a"], b"+QUEUED\r\n");
    a.check(&["LPUSH", "a", "x"], b"+QUEUED\r\n");
    a.check(&["GET", "a"], b"+QUEUED\r\n");
    // Runtime errors do not abort EXEC; each reply is in place.
    a.check(&["EXEC"], b"*4\r\n+OK\r\n:2\r\n-WRONGTYPE Operation against a key holding the wrong kind of value\r\n$1\r\n2\r\n");

    // Queue-time errors abort with EXECABORT.
    a.send(b"MULTI\r\nSET a 1\r\nFOO\r\nEXEC\r\n");
    a.expect(b"+OK\r\n+QUEUED\r\n-ERR unknown command 'FOO', with args beginning with: \r\n-EXECABORT Transaction discarded because of previous errors.\r\n");
    a.send(b"MULTI\r\nSET a 1\r\nINCR a b\r\nEXEC\r\n");
    a.expect(
        b"+OK\r\n+QUEUED\r\n-ERR wrong number of arguments for 'incr' command\r\n-EXECABORT Transaction discarded because of previous errors.\r\n",
    );
    a.send(b"EXEC\r\nDISCARD\r\nMULTI\r\nMULTI\r\nWATCH x\r\nDISCARD\r\n");
    a.expect(b"-ERR EXEC without MULTI\r\n-ERR DISCARD without MULTI\r\n+OK\r\n-ERR MULTI calls can not be nested\r\n-ERR WATCH inside MULTI is not allowed\r\n+OK\r\n");

    // WATCH: another client's write makes EXEC fail (null array), in RESP2 and RESP3.
    a.check(&["WATCH", "k"], b"+OK\r\n");
    b.check(&["SET", "k", "1"], b"+OK\r\n");
    a.send(b"MULTI\r\nSET k 2\r\nEXEC\r\nGET k\r\n");
    a.expect(b"+OK\r\n+QUEUED\r\n*-1\r\n$1\r\n1\r\n");
    let _ = a.cmd(&["HELLO", "3"]);
    a.check(&["WATCH", "k"], b"+OK\r\n");
    b.check(&["DEL", "k"], b":1\r\n");
    a.send(b"MULTI\r\nSET k 2\r\nEXEC\r\n");
    a.expect(b"+OK\r\n+QUEUED\r\n_\r\n");
    let _ = a.cmd(&["HELLO", "2"]);

    // An untouched watch lets EXEC through; UNWATCH and EXEC both clear watches.
    a.check(&["WATCH", "k", "other"], b"+OK\r\n");
    b.check(&["SET", "unrelated", "1"], b"+OK\r\n");
    a.send(b"MULTI\r\nSET k 3\r\nEXEC\r\n");
    a.expect(b"+OK\r\n+QUEUED\r\n*1\r\n+OK\r\n");
    a.check(&["WATCH", "k"], b"+OK\r\n");
    a.check(&["UNWATCH"], b"+OK\r\n");
    b.check(&["SET", "k", "4"], b"+OK\r\n");
    a.send(b"MULTI\r\nGET k\r\nEXEC\r\n");
    a.expect(b"+OK\r\n+QUEUED\r\n*1\r\n$1\r\n4\r\n");

    // Expiry of a watched key and FLUSHALL also make EXEC fail.
    a.check(&["SET", "t", "v", "PX", "50"], b"+OK\r\n");
    a.check(&["WATCH", "t"], b"+OK\r\n");
    std::thread::sleep(Duration::from_millis(120));
    a.send(b"MULTI\r\nGET t\r\nEXEC\r\n");
    a.expect(b"+OK\r\n+QUEUED\r\n*-1\r\n");
    a.check(&["SET", "f", "1"], b"+OK\r\n");
    a.check(&["WATCH", "f"], b"+OK\r\n");
    b.check(&["FLUSHALL"], b"+OK\r\n");
    a.send(b"MULTI\r\nGET f\r\nEXEC\r\n");
    a.expect(b"+OK\r\n+QUEUED\r\n*-1\r\n");
    // DISCARD drops the queue.
    a.send(b"MULTI\r\nSET d 1\r\nDISCARD\r\nEXISTS d\r\n");
    a.expect(b"+OK\r\n+QUEUED\r\n+OK\r\n:0\r\n");
}

// ---------------------------------------------------------------------------------------------
// Pub/Sub, keyspace notifications, MONITOR

#[test]
fn pubsub_resp2_across_clients() {
    let srv = Server::start(&[]);
    let mut s = srv.conn();
    let mut p = srv.conn();
    s.send(b"SUBSCRIBE c1 c2\r\nPSUBSCRIBE p*\r\n");
    s.expect(b"*3\r\n$9\r\nsubscribe\r\n$2\r\nc1\r\n:1\r\n*3\r\n$9\r\nsubscribe\r\n$2\r\nc2\r\n:2\r\n*3\r\n$10\r\npsubscribe\r\n$2\r\np*\r\n:3\r\n");
    p.check(&["PUBLISH", "c1", "hello"], b":1\r\n");
    p.check(&["PUBLISH", "pq", "x"], b":1\r\n");
    p.check(&["PUBLISH", "nobody", "x"], b":0\r\n");
    s.expect(b"*3\r\n$7\r\nmessage\r\n$2\r\nc1\r\n$5\r\nhello\r\n*4\r\n$8\r\npmessage\r\n$2\r\np*\r\n$2\r\npq\r\n$1\r\nx\r\n");
    p.check(&["PUBSUB", "NUMSUB", "c1", "zz"], b"*4\r\n$2\r\nc1\r\n:1\r\n$2\r\nzz\r\n:0\r\n");
    p.check(&["PUBSUB", "NUMPAT"], b":1\r\n");
    // RESP2 subscribed context: only the pub/sub commands, PING, QUIT, RESET.
    s.send(b"GET x\r\nPING\r\nPING hi\r\n");
    s.expect(b"-ERR Can't execute 'get': only (P|S)SUBSCRIBE / (P|S)UNSUBSCRIBE / PING / QUIT / RESET are allowed in this context\r\n*2\r\n$4\r\npong\r\n$0\r\n\r\n*2\r\n$4\r\npong\r\n$2\r\nhi\r\n");
    // UNSUBSCRIBE without arguments: one reply per channel (hash order), counts going down.
    s.send(b"UNSUBSCRIBE\r\n");
    let r1 = String::from_utf8(s.read_reply()).unwrap();
    let r2 = String::from_utf8(s.read_reply()).unwrap();
    let mut chans = vec![r1.clone(), r2.clone()];
    chans.sort();
    assert!(r1.ends_with(":2\r\n") && r2.ends_with(":1\r\n"), "{r1:?} {r2:?}");
    assert!(chans[0].contains("$2\r\nc1\r\n") && chans[1].contains("$2\r\nc2\r\n"), "{chans:?}");
    assert!(r1.starts_with("*3\r\n$11\r\nunsubscribe\r\n"));
    s.send(b"PUNSUBSCRIBE\r\nPING\r\n");
    s.expect(b"*3\r\n$12\r\npunsubscribe\r\n$2\r\np*\r\n:0\r\n+PONG\r\n");
    // Out of subscribed mode: normal commands again; no more messages.
    p.check(&["PUBLISH", "c1", "late"], b":0\r\n");
    s.check(&["GET", "x"], b"$-1\r\n");
    s.send(b"UNSUBSCRIBE\r\n");
    s.expect(b"*3\r\n$11\r\nunsubscribe\r\n$-1\r\n:0\r\n");
}

#[test]
fn pubsub_resp3_push_frames() {
    let srv = Server::start(&[]);
    let mut s = srv.conn();
    let mut p = srv.conn();
    let _ = s.cmd(&["HELLO", "3"]);
    s.send(b"SUBSCRIBE c1\r\nPSUBSCRIBE n*\r\n");
    s.expect(b">3\r\n$9\r\nsubscribe\r\n$2\r\nc1\r\n:1\r\n>3\r\n$10\r\npsubscribe\r\n$2\r\nn*\r\n:2\r\n");
    p.check(&["PUBLISH", "c1", "hello"], b":1\r\n");
    p.check(&["PUBLISH", "news", "x"], b":1\r\n");
    s.expect(b">3\r\n$7\r\nmessage\r\n$2\r\nc1\r\n$5\r\nhello\r\n>4\r\n$8\r\npmessage\r\n$2\r\nn*\r\n$4\r\nnews\r\n$1\r\nx\r\n");
    // RESP3 has no subscribed-context restriction: ordinary commands work and PING is plain.
    s.send(b"SET k v\r\nGET k\r\nGET none\r\nPING\r\n");
    s.expect(b"+OK\r\n$1\r\nv\r\n_\r\n+PONG\r\n");
    s.send(b"UNSUBSCRIBE c1\r\nPUNSUBSCRIBE n*\r\n");
    s.expect(b">3\r\n$11\r\nunsubscribe\r\n$2\r\nc1\r\n:1\r\n>3\r\n$12\r\npunsubscribe\r\n$2\r\nn*\r\n:0\r\n");
    p.check(&["PUBLISH", "c1", "late"], b":0\r\n");
    assert_eq!(show(&s.read_for(Duration::from_millis(200))), "");
}

#[test]
fn keyspace_notifications() {
    let srv = Server::start(&["--notify-keyspace-events", "KEA"]);
    let mut s = srv.conn();
    let mut w = srv.conn();
    s.send(b"PSUBSCRIBE __key*@0__:*\r\n");
    s.expect(b"*3\r\n$10\r\npsubscribe\r\n$12\r\n__key*@0__:*\r\n:1\r\n");
    w.send(b"SET nk v\r\nEXPIRE nk 100\r\nDEL nk\r\n");
    w.expect(b"+OK\r\n:1\r\n:1\r\n");
    let ev = |space: &str, event: &str, key: &str| -> Vec<u8> {
        let mut out = Vec::new();
        let ks = format!("__keyspace@0__:{key}");
        let ke = format!("__keyevent@0__:{event}");
        for (ch, payload) in [(ks, event.to_string()), (ke, key.to_string())] {
            out.extend(
                format!("*4\r\n$8\r\npmessage\r\n${}\r\n{space}\r\n${}\r\n{ch}\r\n${}\r\n{payload}\r\n", space.len(), ch.len(), payload.len())
                    .into_bytes(),
            );
        }
        out
    };
    let pat = "__key*@0__:*";
    let mut want = ev(pat, "set", "nk");
    want.extend(ev(pat, "expire", "nk"));
    want.extend(ev(pat, "del", "nk"));
    s.expect(&want);
    // Key expiry fires `expired`; writes to another db are not seen by this pattern.
    w.send(b"SET gone v PX 30\r\nSELECT 1\r\nSET other v\r\n");
    w.expect(b"+OK\r\n+OK\r\n+OK\r\n");
    let mut want = ev(pat, "set", "gone");
    want.extend(ev(pat, "expire", "gone"));
    want.extend(ev(pat, "expired", "gone"));
    s.expect(&want);
    assert_eq!(show(&s.read_for(Duration::from_millis(200))), "");
    // Turning notifications off at runtime stops them.
    w.check(&["CONFIG", "SET", "notify-keyspace-events", ""], b"+OK\r\n");
    w.check(&["SELECT", "0"], b"+OK\r\n");
    w.check(&["SET", "quiet", "1"], b"+OK\r\n");
    assert_eq!(show(&s.read_for(Duration::from_millis(200))), "");
}

#[test]
fn monitor_output_format() {
    let srv = Server::start(&[]);
    let mut m = srv.conn();
    m.check(&["MONITOR"], b"+OK\r\n");
    let mut c = srv.conn();
    c.send(b"SET foo \"bar baz\"\r\nSELECT 2\r\nGET \"\\x01\\n\\\"\"\r\nSELECT 0\r\n");
    c.expect(b"+OK\r\n+OK\r\n$-1\r\n+OK\r\n");
    let c_addr = {
        let info = bulk_text(&c.cmd(&["CLIENT", "INFO"]));
        info.split(' ').find_map(|kv| kv.strip_prefix("addr=")).unwrap().to_string()
    };
    let want_tails = [
        format!(" [0 {c_addr}] \"SET\" \"foo\" \"bar baz\""),
        format!(" [2 {c_addr}] \"SELECT\" \"2\""),
        format!(" [2 {c_addr}] \"GET\" \"\\x01\\n\\\"\""),
        format!(" [0 {c_addr}] \"SELECT\" \"0\""),
        format!(" [0 {c_addr}] \"CLIENT\" \"INFO\""),
    ];
    for tail in want_tails {
        let line = String::from_utf8(m.read_reply()).unwrap();
        let body = line.strip_prefix('+').and_then(|l| l.strip_suffix("\r\n")).unwrap_or_else(|| panic!("not a status line: {line:?}"));
        let (ts, rest) = body.split_once(' ').unwrap();
        let (secs, micros) = ts.split_once('.').unwrap_or_else(|| panic!("timestamp {ts:?}"));
        assert!(secs.len() >= 10 && secs.bytes().all(|b| b.is_ascii_digit()), "{line:?}");
        assert!(micros.len() == 6 && micros.bytes().all(|b| b.is_ascii_digit()), "{line:?}");
        assert_eq!(format!(" {rest}"), tail);
    }
    // AUTH-like secrets are not shown, and MONITOR clients get no replies of other clients.
    assert_eq!(show(&m.read_for(Duration::from_millis(150))), "");
}

// ---------------------------------------------------------------------------------------------
// A real client library

#[test]
fn redis_crate_client() {
    let srv = Server::start(&[]);
    let client = redis::Client::open(format!("redis://127.0.0.1:{}/", srv.port)).unwrap();
    let mut con = client.get_connection().unwrap();
    let _: () = redis::cmd("SET").arg("k").arg(42).query(&mut con).unwrap();
    let v: i64 = redis::cmd("INCRBY").arg("k").arg(8).query(&mut con).unwrap();
    assert_eq!(v, 50);
    let (a, b): (String, Option<String>) = redis::pipe().cmd("GET").arg("k").cmd("GET").arg("missing").query(&mut con).unwrap();
    assert_eq!((a.as_str(), b), ("50", None));
    let r: (i64, i64) = redis::pipe().atomic().cmd("INCR").arg("n").cmd("INCR").arg("n").query(&mut con).unwrap();
    assert_eq!(r, (1, 2));
    let err = redis::cmd("INCR").arg("k").arg("extra").query::<i64>(&mut con).unwrap_err();
    assert!(err.to_string().contains("wrong number of arguments for 'incr' command"), "{err}");
    let pong: String = redis::cmd("PING").query(&mut con).unwrap();
    assert_eq!(pong, "PONG");
}
