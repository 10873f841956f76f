//! Shared helpers for the integration tests: start the built `redis-ha-node` on a free loopback
//! port, talk raw RESP to it, and wait for things with a deadline (no test waits unbounded).
//!
//! Every server gets `--bind 127.0.0.1 --save "" --daemonize no` and its own scratch directory,
//! and is killed when its `Server` is dropped, so a failing assertion never leaks a process.
#![allow(dead_code)]

use std::io::{ErrorKind, Read, Write};
use std::net::{TcpListener, TcpStream};
use std::path::{Path, PathBuf};
use std::process::{Child, Command, ExitStatus, Stdio};
use std::sync::atomic::{AtomicUsize, Ordering};
use std::time::{Duration, Instant};

/// The binary under test, built by cargo for this test run.
pub const BIN: &str = env!("CARGO_BIN_EXE_redis-ha-node");

/// The server `Server::start` runs: our binary, or the program named by `REDIS_HA_TEST_SERVER`
/// (e.g. `redis-server`, to check the protocol tests' expectations against real Redis).
pub fn server_program() -> String {
    std::env::var("REDIS_HA_TEST_SERVER").unwrap_or_else(|_| BIN.to_string())
}
/// Upper bound for any single wait in the tests.
pub const WAIT: Duration = Duration::from_secs(10);

static SCRATCH_SEQ: AtomicUsize = AtomicUsize::new(0);

/// A port that was free a moment ago (the OS picked it for a bind to port 0).
pub fn free_port() -> u16 {
    let l = TcpListener::bind("127.0.0.1:0").expect("bind 127.0.0.1:0");
    l.local_addr().expect("local addr").port()
}

/// A fresh scratch directory, removed by `Scratch`'s drop.
pub struct Scratch(pub PathBuf);

impl Scratch {
    pub fn new(tag: &str) -> Scratch {
        let n = SCRATCH_SEQ.fetch_add(1, Ordering::Relaxed);
        let dir = std::env::temp_dir().join(format!("redis-ha-test-{}-{tag}-{n}", std::process::id()));
        let _ = std::fs::remove_dir_all(&dir);
        std::fs::create_dir_all(&dir).expect("create scratch dir");
        Scratch(dir)
    }

    pub fn path(&self, name: &str) -> PathBuf {
        self.0.join(name)
    }
}

impl Drop for Scratch {
    fn drop(&mut self) {
        let _ = std::fs::remove_dir_all(&self.0);
    }
}

/// Polls `f` until it returns Some or `limit` passes.
pub fn wait_for<T>(limit: Duration, mut f: impl FnMut() -> Option<T>) -> Option<T> {
    let deadline = Instant::now() + limit;
    loop {
        if let Some(v) = f() {
            return Some(v);
        }
        if Instant::now() >= deadline {
            return None;
        }
        std::thread::sleep(Duration::from_millis(20));
    }
}

/// Waits for a child to exit, killing it (and failing) if it does not within `limit`.
pub fn wait_exit(child: &mut Child, limit: Duration) -> ExitStatus {
    match wait_for(limit, || child.try_wait().ok().flatten()) {
        Some(st) => st,
        None => {
            let _ = child.kill();
            let _ = child.wait();
            panic!("process {} did not exit within {limit:?}", child.id());
        }
    }
}

/// True while a process with this pid exists and is not a zombie.
pub fn pid_alive(pid: u32) -> bool {
    match std::fs::read_to_string(format!("/proc/{pid}/stat")) {
        Ok(stat) => {
            // The state is the first field after the parenthesised command name.
            let state = stat.rsplit_once(')').and_then(|(_, rest)| rest.split_whitespace().next());
            !matches!(state, Some("Z") | Some("X") | None)
        }
        Err(_) => false,
    }
}

/// Sends a signal by name (`TERM`, `INT`, `KILL`) with kill(1).
pub fn signal(pid: u32, sig: &str) {
    let st = Command::new("kill").arg(format!("-{sig}")).arg(pid.to_string()).status().expect("run kill");
    assert!(st.success(), "kill -{sig} {pid} failed");
}

/// A running server started from the built binary.
pub struct Server {
    pub port: u16,
    pub child: Child,
    pub scratch: Scratch,
    /// Where stdout and stderr go (the log, unless `--logfile` was given).
    pub output: PathBuf,
}

impl Server {
    /// Starts the binary on a free port with `extra` directives appended, and waits until it accepts.
    pub fn start(extra: &[&str]) -> Server {
        Self::start_with(&server_program(), extra)
    }

    /// Like `start`, through another path to the binary (a symlink).
    pub fn start_with(program: &str, extra: &[&str]) -> Server {
        let mut last_err = String::new();
        // The port was free when picked; another process may grab it before the server binds.
        for _ in 0..3 {
            let port = free_port();
            let scratch = Scratch::new("srv");
            let output = scratch.path("stdout.log");
            let log = std::fs::File::create(&output).expect("create log");
            let log2 = log.try_clone().expect("clone log");
            let mut args: Vec<String> = vec![
                "--port".into(),
                port.to_string(),
                "--bind".into(),
                "127.0.0.1".into(),
                "--save".into(),
                "".into(),
                "--daemonize".into(),
                "no".into(),
                "--dir".into(),
                scratch.0.display().to_string(),
            ];
            args.extend(extra.iter().map(|s| s.to_string()));
            let child = Command::new(program)
                .args(&args)
                .stdin(Stdio::null())
                .stdout(Stdio::from(log))
                .stderr(Stdio::from(log2))
                .spawn()
                .expect("spawn server");
            let mut srv = Server { port, child, scratch, output };
            if srv.wait_ready() {
                return srv;
            }
            last_err = srv.output_text();
            // Drop kills it; try another port.
        }
        panic!("server did not start; output:\n{last_err}");
    }

    /// Waits until the port accepts connections; false if the process died or the wait timed out.
    /// A connection can also reach another test's server that took the port first (ours then exits
    /// on the bind error), so ours must still be running a moment after the port answered.
    fn wait_ready(&mut self) -> bool {
        let port = self.port;
        let child = &mut self.child;
        let answered = wait_for(WAIT, || {
            if let Ok(Some(_)) = child.try_wait() {
                return Some(false);
            }
            TcpStream::connect(("127.0.0.1", port)).ok().map(|_| true)
        })
        .unwrap_or(false);
        if !answered {
            return false;
        }
        std::thread::sleep(Duration::from_millis(50));
        matches!(self.child.try_wait(), Ok(None))
    }

    pub fn conn(&self) -> Conn {
        Conn::connect(self.port)
    }

    pub fn pid(&self) -> u32 {
        self.child.id()
    }

    pub fn output_text(&self) -> String {
        std::fs::read_to_string(&self.output).unwrap_or_default()
    }

    /// Waits for the process to exit on its own and returns its status.
    pub fn wait_exit(&mut self, limit: Duration) -> ExitStatus {
        wait_exit(&mut self.child, limit)
    }

    pub fn assert_alive(&mut self) {
        assert!(self.child.try_wait().expect("try_wait").is_none(), "server exited; output:\n{}", self.output_text());
    }
}

impl Drop for Server {
    fn drop(&mut self) {
        if let Ok(None) = self.child.try_wait() {
            let _ = self.child.kill();
        }
        let _ = self.child.wait();
    }
}

/// Encodes a command as a RESP multibulk request.
pub fn encode(args: &[&[u8]]) -> Vec<u8> {
    let mut out = format!("*{}\r\n", args.len()).into_bytes();
    for a in args {
        out.extend_from_slice(format!("${}\r\n", a.len()).as_bytes());
        out.extend_from_slice(a);
        out.extend_from_slice(b"\r\n");
    }
    out
}

/// Length of the first complete RESP reply in `buf`, if it is complete.
pub fn reply_len(buf: &[u8]) -> Option<usize> {
    let line_end = buf.windows(2).position(|w| w == b"\r\n")?;
    let head = std::str::from_utf8(&buf[1..line_end]).ok();
    let after = line_end + 2;
    match *buf.first()? {
        b'+' | b'-' | b':' | b'_' | b',' | b'#' | b'(' => Some(after),
        b'$' | b'=' | b'!' => {
            let n: i64 = head?.parse().ok()?;
            if n < 0 {
                return Some(after);
            }
            let end = after + n as usize + 2;
            (buf.len() >= end).then_some(end)
        }
        b'*' | b'~' | b'>' | b'%' | b'|' => {
            let n: i64 = head?.parse().ok()?;
            if n < 0 {
                return Some(after);
            }
            let items = if matches!(buf[0], b'%' | b'|') { n * 2 } else { n };
            let mut pos = after;
            for _ in 0..items {
                pos += reply_len(&buf[pos..])?;
            }
            Some(pos)
        }
        other => panic!("not a RESP reply (first byte {:?}): {:?}", other as char, String::from_utf8_lossy(buf)),
    }
}

/// A raw client connection with a read buffer.
pub struct Conn {
    pub stream: TcpStream,
    buf: Vec<u8>,
}

impl Conn {
    pub fn connect(port: u16) -> Conn {
        let stream = TcpStream::connect(("127.0.0.1", port)).expect("connect");
        stream.set_nodelay(true).ok();
        Conn { stream, buf: Vec::new() }
    }

    pub fn send(&mut self, bytes: &[u8]) {
        self.stream.write_all(bytes).expect("write to server");
    }

    /// Reads more bytes, waiting at most until `deadline`. Ok(0) = EOF; Err = timed out.
    fn fill(&mut self, deadline: Instant) -> Result<usize, ()> {
        let now = Instant::now();
        if now >= deadline {
            return Err(());
        }
        self.stream.set_read_timeout(Some((deadline - now).max(Duration::from_millis(1)))).ok();
        let mut chunk = [0u8; 65536];
        match self.stream.read(&mut chunk) {
            Ok(n) => {
                self.buf.extend_from_slice(&chunk[..n]);
                Ok(n)
            }
            Err(e) if matches!(e.kind(), ErrorKind::WouldBlock | ErrorKind::TimedOut | ErrorKind::Interrupted) => {
                if Instant::now() >= deadline {
                    Err(())
                } else {
                    Ok(usize::MAX)
                }
            }
            // A reset counts as the connection being closed.
            Err(_) => Ok(0),
        }
    }

    /// Reads one complete reply (raw bytes), failing the test after `WAIT`.
    pub fn read_reply(&mut self) -> Vec<u8> {
        self.try_read_reply(WAIT).unwrap_or_else(|e| panic!("{e}"))
    }

    /// Reads one complete reply within `limit`.
    pub fn try_read_reply(&mut self, limit: Duration) -> Result<Vec<u8>, String> {
        let deadline = Instant::now() + limit;
        loop {
            if !self.buf.is_empty() {
                if let Some(n) = reply_len(&self.buf) {
                    return Ok(self.buf.drain(..n).collect());
                }
            }
            match self.fill(deadline) {
                Ok(0) => return Err(format!("connection closed; partial input {:?}", String::from_utf8_lossy(&self.buf))),
                Ok(_) => {}
                Err(()) => return Err(format!("no complete reply within {limit:?}; got {:?}", String::from_utf8_lossy(&self.buf))),
            }
        }
    }

    /// Sends a command and returns its reply.
    pub fn cmd(&mut self, args: &[&str]) -> Vec<u8> {
        let raw: Vec<&[u8]> = args.iter().map(|a| a.as_bytes()).collect();
        self.send(&encode(&raw));
        self.read_reply()
    }

    /// Sends a command and asserts the reply bytes.
    pub fn check(&mut self, args: &[&str], want: &[u8]) {
        let got = self.cmd(args);
        assert_eq!(show(&got), show(want), "reply to {args:?}");
    }

    /// Reads exactly `want.len()` bytes and asserts them.
    pub fn expect(&mut self, want: &[u8]) {
        let deadline = Instant::now() + WAIT;
        while self.buf.len() < want.len() {
            match self.fill(deadline) {
                Ok(0) | Err(()) => break,
                Ok(_) => {}
            }
        }
        let n = want.len().min(self.buf.len());
        let got: Vec<u8> = self.buf.drain(..n).collect();
        assert_eq!(show(&got), show(want));
    }

    /// Asserts that the server closes the connection within `WAIT`; returns what it sent before.
    pub fn expect_closed(&mut self) -> Vec<u8> {
        let deadline = Instant::now() + WAIT;
        loop {
            match self.fill(deadline) {
                Ok(0) => return std::mem::take(&mut self.buf),
                Ok(_) => {}
                Err(()) => panic!("connection still open after {WAIT:?}; got {:?}", show(&self.buf)),
            }
        }
    }

    /// Everything that arrives within `dur` (for asserting silence or collecting pushes).
    pub fn read_for(&mut self, dur: Duration) -> Vec<u8> {
        let deadline = Instant::now() + dur;
        while let Ok(n) = self.fill(deadline) {
            if n == 0 {
                break;
            }
        }
        std::mem::take(&mut self.buf)
    }

    /// True if the server has closed the connection (checked within `limit`).
    pub fn is_closed_within(&mut self, limit: Duration) -> bool {
        let deadline = Instant::now() + limit;
        loop {
            match self.fill(deadline) {
                Ok(0) => return true,
                Ok(_) => {}
                Err(()) => return false,
            }
        }
    }
}

/// Bytes as an escaped string, for readable assertion failures.
pub fn show(b: &[u8]) -> String {
    b.escape_ascii().to_string()
}

/// The text of a bulk (or verbatim) reply.
pub fn bulk_text(reply: &[u8]) -> String {
    let s = String::from_utf8_lossy(reply).into_owned();
    let body = s.split_once("\r\n").map(|(_, b)| b).unwrap_or("");
    let body = body.strip_suffix("\r\n").unwrap_or(body);
    body.strip_prefix("txt:").unwrap_or(body).to_string()
}

/// Runs the binary with `args` (through `program`) to completion, with stdin from `input`.
pub fn run_to_end(program: &Path, args: &[&str], input: Option<&[u8]>) -> (ExitStatus, String, String) {
    let mut child = Command::new(program)
        .args(args)
        .stdin(if input.is_some() { Stdio::piped() } else { Stdio::null() })
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .expect("spawn");
    if let (Some(data), Some(mut stdin)) = (input, child.stdin.take()) {
        stdin.write_all(data).expect("write stdin");
    }
    let out_pipe = child.stdout.take();
    let err_pipe = child.stderr.take();
    let reader = |p: Option<std::process::ChildStdout>| {
        std::thread::spawn(move || {
            let mut s = String::new();
            if let Some(mut p) = p {
                let _ = p.read_to_string(&mut s);
            }
            s
        })
    };
    let out_t = reader(out_pipe);
    let err_t = std::thread::spawn(move || {
        let mut s = String::new();
        if let Some(mut p) = err_pipe {
            let _ = p.read_to_string(&mut s);
        }
        s
    });
    let status = wait_exit(&mut child, WAIT);
    (status, out_t.join().unwrap_or_default(), err_t.join().unwrap_or_default())
}
