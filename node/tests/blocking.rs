//! Real blocking behaviour of the list commands (BLPOP, BRPOP, BLMOVE, BRPOPLPUSH, BLMPOP), over TCP
//! against the built server: clients parked on keys are served by pushes from other clients, in
//! arrival order, with Redis 7.0's exact replies; timeouts, disconnects and MULTI behave like Redis.
//!
//! Each test starts its own server on a free port. `BLOCKING_TEST_BIN=redis-server cargo test
//! --test blocking` runs the same tests against a real Redis to check the expectations.

use std::io::{ErrorKind, Read, Write};
use std::net::{TcpListener, TcpStream};
use std::process::{Child, Command, Stdio};
use std::time::{Duration, Instant};

/// A server process, killed when dropped.
struct Server {
    child: Child,
    port: u16,
    dir: std::path::PathBuf,
}

impl Server {
    /// Starts a server on a free port. Tests run in parallel: a port found free can be taken by
    /// another test's server before ours binds it, and then ours exits while the client would talk
    /// to the other one (reset when that test ends). Such a start is retried on a new port.
    fn start() -> Server {
        for _ in 0..10 {
            if let Some(server) = Server::try_start() {
                return server;
            }
        }
        panic!("no server started after 10 attempts");
    }

    fn try_start() -> Option<Server> {
        let bin = std::env::var("BLOCKING_TEST_BIN").unwrap_or_else(|_| env!("CARGO_BIN_EXE_redis-ha-node").to_string());
        let port = TcpListener::bind("127.0.0.1:0").and_then(|l| l.local_addr()).map(|a| a.port()).expect("free port");
        let dir = std::env::temp_dir().join(format!("blocking-test-{}-{port}", std::process::id()));
        std::fs::create_dir_all(&dir).expect("temp dir");
        let child = Command::new(bin)
            .args(["--port", &port.to_string(), "--save", "", "--bind", "127.0.0.1", "--dir"])
            .arg(&dir)
            .stdout(Stdio::null())
            .stderr(Stdio::null())
            .spawn()
            .expect("start server");
        let mut server = Server { child, port, dir };
        let deadline = Instant::now() + Duration::from_secs(10);
        loop {
            if server.child.try_wait().ok().flatten().is_some() {
                return None;
            }
            if TcpStream::connect(("127.0.0.1", port)).is_ok() {
                // Ours answered, or another one holds the port and ours is about to exit.
                std::thread::sleep(Duration::from_millis(50));
                return server.child.try_wait().ok().flatten().is_none().then_some(server);
            }
            assert!(Instant::now() < deadline, "server did not start on port {port}");
            std::thread::sleep(Duration::from_millis(20));
        }
    }

    fn client(&self) -> Client {
        let stream = TcpStream::connect(("127.0.0.1", self.port)).expect("connect");
        stream.set_nodelay(true).expect("nodelay");
        Client { stream, buf: Vec::new() }
    }
}

impl Drop for Server {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
        let _ = std::fs::remove_dir_all(&self.dir);
    }
}

/// A raw RESP connection: commands go out as arrays, replies come back as their exact bytes.
struct Client {
    stream: TcpStream,
    buf: Vec<u8>,
}

impl Client {
    fn send(&mut self, args: &[&str]) {
        let mut req = format!("*{}\r\n", args.len()).into_bytes();
        for a in args {
            req.extend_from_slice(format!("${}\r\n{a}\r\n", a.len()).as_bytes());
        }
        self.stream.write_all(&req).expect("write");
    }

    /// Sends a command and reads its reply (at most 5 s).
    fn call(&mut self, args: &[&str]) -> String {
        self.send(args);
        self.reply(Duration::from_secs(5)).unwrap_or_else(|| panic!("no reply to {args:?}"))
    }

    /// The next complete reply, or None if none arrives within `wait`.
    fn reply(&mut self, wait: Duration) -> Option<String> {
        let deadline = Instant::now() + wait;
        loop {
            if let Some(end) = reply_end(&self.buf, 0) {
                let raw: Vec<u8> = self.buf.drain(..end).collect();
                return Some(String::from_utf8_lossy(&raw).into_owned());
            }
            let left = deadline.checked_duration_since(Instant::now())?;
            self.stream.set_read_timeout(Some(left.max(Duration::from_millis(1)))).expect("timeout");
            let mut chunk = [0u8; 4096];
            match self.stream.read(&mut chunk) {
                Ok(0) => return None,
                Ok(n) => self.buf.extend_from_slice(&chunk[..n]),
                Err(e) if matches!(e.kind(), ErrorKind::WouldBlock | ErrorKind::TimedOut) => return None,
                Err(e) => panic!("read: {e}"),
            }
        }
    }

    /// Asserts that nothing arrives for a little while (the client is still blocked).
    fn assert_silent(&mut self) {
        assert_eq!(self.reply(Duration::from_millis(150)), None, "expected the client to still be blocked");
    }
}

/// Where the RESP value starting at `pos` ends, if it is complete.
fn reply_end(b: &[u8], pos: usize) -> Option<usize> {
    let t = *b.get(pos)?;
    let nl = pos + b[pos..].windows(2).position(|w| w == b"\r\n")?;
    let line = std::str::from_utf8(&b[pos + 1..nl]).ok()?;
    let after = nl + 2;
    match t {
        b'$' | b'=' | b'!' => {
            let n: i64 = line.parse().ok()?;
            if n < 0 {
                return Some(after);
            }
            let end = after + n as usize + 2;
            (b.len() >= end).then_some(end)
        }
        b'*' | b'~' | b'>' | b'%' | b'|' => {
            let n: i64 = line.parse().ok()?;
            let items = if matches!(t, b'%' | b'|') { n * 2 } else { n };
            let mut p = after;
            for _ in 0..items.max(0) {
                p = reply_end(b, p)?;
            }
            Some(p)
        }
        _ => Some(after),
    }
}

/// RESP2 bulk string.
fn bulk(s: &str) -> String {
    format!("${}\r\n{s}\r\n", s.len())
}

/// RESP2 array of bulks.
fn bulks(items: &[&str]) -> String {
    let mut r = format!("*{}\r\n", items.len());
    for i in items {
        r.push_str(&bulk(i));
    }
    r
}

/// Waits until the server reports `n` blocked clients (so arrival order is known).
fn wait_blocked(c: &mut Client, n: usize) {
    let deadline = Instant::now() + Duration::from_secs(5);
    loop {
        let info = c.call(&["INFO", "clients"]);
        if info.contains(&format!("blocked_clients:{n}\r\n")) {
            return;
        }
        assert!(Instant::now() < deadline, "never saw {n} blocked clients: {info}");
        std::thread::sleep(Duration::from_millis(10));
    }
}

#[test]
fn blpop_is_served_by_a_push_from_another_client() {
    let s = Server::start();
    let (mut a, mut b) = (s.client(), s.client());
    a.send(&["BLPOP", "k", "0"]);
    wait_blocked(&mut b, 1);
    a.assert_silent();
    assert_eq!(b.call(&["RPUSH", "k", "v1", "v2"]), ":2\r\n");
    assert_eq!(a.reply(Duration::from_secs(5)).as_deref(), Some(bulks(&["k", "v1"]).as_str()));
    assert_eq!(b.call(&["LRANGE", "k", "0", "-1"]), bulks(&["v2"]));
    // The served client reads commands again.
    assert_eq!(a.call(&["PING"]), "+PONG\r\n");
    assert!(b.call(&["INFO", "clients"]).contains("blocked_clients:0\r\n"));
}

#[test]
fn brpop_serves_from_the_key_that_got_data_and_pipelined_commands_wait() {
    let s = Server::start();
    let (mut a, mut b) = (s.client(), s.client());
    // BRPOP and a pipelined PING in one write: the PING runs only after BRPOP is served.
    a.send(&["BRPOP", "k1", "k2", "0"]);
    a.send(&["PING"]);
    wait_blocked(&mut b, 1);
    a.assert_silent();
    assert_eq!(b.call(&["RPUSH", "k2", "x", "y"]), ":2\r\n");
    assert_eq!(a.reply(Duration::from_secs(5)).as_deref(), Some(bulks(&["k2", "y"]).as_str()));
    assert_eq!(a.reply(Duration::from_secs(5)).as_deref(), Some("+PONG\r\n"));
}

#[test]
fn blocked_clients_are_served_first_come_first_served() {
    let s = Server::start();
    let (mut a, mut b, mut c, mut d) = (s.client(), s.client(), s.client(), s.client());
    a.send(&["BLPOP", "q", "0"]);
    wait_blocked(&mut d, 1);
    b.send(&["BLPOP", "q", "0"]);
    wait_blocked(&mut d, 2);
    c.send(&["BRPOP", "other", "q", "0"]);
    wait_blocked(&mut d, 3);
    // One element: only the first waiter gets it.
    assert_eq!(d.call(&["RPUSH", "q", "one"]), ":1\r\n");
    assert_eq!(a.reply(Duration::from_secs(5)).as_deref(), Some(bulks(&["q", "one"]).as_str()));
    b.assert_silent();
    c.assert_silent();
    // Two elements: the next two in arrival order.
    assert_eq!(d.call(&["RPUSH", "q", "two", "three"]), ":2\r\n");
    assert_eq!(b.reply(Duration::from_secs(5)).as_deref(), Some(bulks(&["q", "two"]).as_str()));
    assert_eq!(c.reply(Duration::from_secs(5)).as_deref(), Some(bulks(&["q", "three"]).as_str()));
    assert_eq!(d.call(&["EXISTS", "q"]), ":0\r\n");
}

#[test]
fn timeouts_reply_a_null_array_after_the_timeout() {
    let s = Server::start();
    let mut a = s.client();
    for cmd in [
        &["BLPOP", "nokey", "0.3"][..],
        &["BRPOP", "nokey", "other", "0.3"],
        &["BLMPOP", "0.3", "1", "nokey", "LEFT"],
        // Redis 7.0 answers a timed out BLMOVE/BRPOPLPUSH with a null array too.
        &["BLMOVE", "nokey", "dst", "LEFT", "RIGHT", "0.3"],
        &["BRPOPLPUSH", "nokey", "dst", "0.3"],
    ] {
        let start = Instant::now();
        assert_eq!(a.call(cmd), "*-1\r\n", "{cmd:?}");
        let took = start.elapsed();
        assert!(took >= Duration::from_millis(290) && took < Duration::from_secs(3), "{cmd:?} took {took:?}");
    }
    assert!(a.call(&["HELLO", "3"]).starts_with('%'));
    assert_eq!(a.call(&["BLPOP", "nokey", "0.1"]), "_\r\n");
    assert_eq!(a.call(&["BLMOVE", "nokey", "dst", "LEFT", "RIGHT", "0.1"]), "_\r\n");
    assert_eq!(a.call(&["EXISTS", "dst"]), ":0\r\n");
}

#[test]
fn blmove_chain_serves_a_client_blocked_on_the_destination() {
    let s = Server::start();
    let (mut a, mut b, mut c, mut d) = (s.client(), s.client(), s.client(), s.client());
    a.send(&["BLMOVE", "k1", "k2", "LEFT", "RIGHT", "0"]);
    wait_blocked(&mut d, 1);
    b.send(&["BRPOPLPUSH", "k2", "k3", "0"]);
    wait_blocked(&mut d, 2);
    c.send(&["BLPOP", "k3", "0"]);
    wait_blocked(&mut d, 3);
    assert_eq!(d.call(&["LPUSH", "k1", "v"]), ":1\r\n");
    assert_eq!(a.reply(Duration::from_secs(5)).as_deref(), Some(bulk("v").as_str()));
    assert_eq!(b.reply(Duration::from_secs(5)).as_deref(), Some(bulk("v").as_str()));
    assert_eq!(c.reply(Duration::from_secs(5)).as_deref(), Some(bulks(&["k3", "v"]).as_str()));
    assert_eq!(d.call(&["EXISTS", "k1", "k2", "k3"]), ":0\r\n");
    wait_blocked(&mut d, 0);
}

#[test]
fn blmpop_is_served_with_its_count() {
    let s = Server::start();
    let (mut a, mut b) = (s.client(), s.client());
    a.send(&["BLMPOP", "0", "2", "m1", "m2", "RIGHT", "COUNT", "2"]);
    wait_blocked(&mut b, 1);
    assert_eq!(b.call(&["RPUSH", "m2", "a", "b", "c"]), ":3\r\n");
    assert_eq!(a.reply(Duration::from_secs(5)).as_deref(), Some("*2\r\n$2\r\nm2\r\n*2\r\n$1\r\nc\r\n$1\r\nb\r\n"));
    assert_eq!(b.call(&["LRANGE", "m2", "0", "-1"]), bulks(&["a"]));
}

#[test]
fn a_disconnected_blocked_client_leaves_no_trace() {
    let s = Server::start();
    let mut b = s.client();
    {
        let mut a = s.client();
        a.send(&["BLPOP", "gone", "0"]);
        wait_blocked(&mut b, 1);
    }
    wait_blocked(&mut b, 0);
    assert_eq!(b.call(&["RPUSH", "gone", "v"]), ":1\r\n");
    assert_eq!(b.call(&["LRANGE", "gone", "0", "-1"]), bulks(&["v"]));
    // A later waiter is served normally.
    let mut c = s.client();
    c.send(&["BLPOP", "gone2", "0"]);
    wait_blocked(&mut b, 1);
    assert_eq!(b.call(&["RPUSH", "gone2", "w"]), ":1\r\n");
    assert_eq!(c.reply(Duration::from_secs(5)).as_deref(), Some(bulks(&["gone2", "w"]).as_str()));
}

#[test]
fn multi_serves_waiters_only_after_exec_and_never_blocks_inside() {
    let s = Server::start();
    let (mut a, mut b) = (s.client(), s.client());
    a.send(&["BLPOP", "t", "0"]);
    wait_blocked(&mut b, 1);
    // A transaction that pushes then pops leaves nothing for the waiter.
    assert_eq!(b.call(&["MULTI"]), "+OK\r\n");
    assert_eq!(b.call(&["RPUSH", "t", "x"]), "+QUEUED\r\n");
    assert_eq!(b.call(&["LPOP", "t"]), "+QUEUED\r\n");
    assert_eq!(b.call(&["BLPOP", "t", "0"]), "+QUEUED\r\n");
    assert_eq!(b.call(&["EXEC"]), "*3\r\n:1\r\n$1\r\nx\r\n*-1\r\n");
    a.assert_silent();
    // A transaction that leaves data serves it once EXEC is done.
    assert_eq!(b.call(&["MULTI"]), "+OK\r\n");
    assert_eq!(b.call(&["RPUSH", "t", "y", "z"]), "+QUEUED\r\n");
    assert_eq!(b.call(&["LPOP", "t"]), "+QUEUED\r\n");
    assert_eq!(b.call(&["EXEC"]), "*2\r\n:2\r\n$1\r\ny\r\n");
    assert_eq!(a.reply(Duration::from_secs(5)).as_deref(), Some(bulks(&["t", "z"]).as_str()));
}

#[test]
fn waiter_is_served_from_the_ready_key_even_if_another_of_its_keys_changed_type() {
    let s = Server::start();
    let (mut a, mut b) = (s.client(), s.client());
    a.send(&["BLPOP", "w1", "w2", "0"]);
    wait_blocked(&mut b, 1);
    // w1 becoming a string does not wake it (and does not make it fail later).
    assert_eq!(b.call(&["SET", "w1", "str"]), "+OK\r\n");
    a.assert_silent();
    assert_eq!(b.call(&["RPUSH", "w2", "v"]), ":1\r\n");
    assert_eq!(a.reply(Duration::from_secs(5)).as_deref(), Some(bulks(&["w2", "v"]).as_str()));
}

#[test]
fn several_keys_made_ready_by_one_transaction_are_served_in_push_order() {
    let s = Server::start();
    let (mut a, mut b) = (s.client(), s.client());
    a.send(&["BLPOP", "r1", "r2", "0"]);
    wait_blocked(&mut b, 1);
    assert_eq!(b.call(&["MULTI"]), "+OK\r\n");
    assert_eq!(b.call(&["RPUSH", "r2", "second-key"]), "+QUEUED\r\n");
    assert_eq!(b.call(&["RPUSH", "r1", "first-key"]), "+QUEUED\r\n");
    assert_eq!(b.call(&["EXEC"]), "*2\r\n:1\r\n:1\r\n");
    // Redis serves the waiter from r2, the key that became ready first.
    assert_eq!(a.reply(Duration::from_secs(5)).as_deref(), Some(bulks(&["r2", "second-key"]).as_str()));
    assert_eq!(b.call(&["LRANGE", "r1", "0", "-1"]), bulks(&["first-key"]));
}

#[test]
fn blmove_to_a_wrong_type_destination_fails_when_served() {
    let s = Server::start();
    let (mut a, mut b) = (s.client(), s.client());
    a.send(&["BLMOVE", "src", "dst", "LEFT", "LEFT", "0"]);
    wait_blocked(&mut b, 1);
    assert_eq!(b.call(&["SET", "dst", "str"]), "+OK\r\n");
    assert_eq!(b.call(&["RPUSH", "src", "v"]), ":1\r\n");
    assert_eq!(a.reply(Duration::from_secs(5)).as_deref(), Some("-WRONGTYPE Operation against a key holding the wrong kind of value\r\n"));
    assert_eq!(b.call(&["LRANGE", "src", "0", "-1"]), bulks(&["v"]));
}
