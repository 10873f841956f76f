//! Process behaviour of the binary, as a drop-in for redis-server: command line (`--version`,
//! `--help`, `--test-config`, config from stdin), the names it answers to (`redis-server`,
//! `redis-sentinel` links, `--sentinel`), `daemonize`/`pidfile`/`logfile` with Redis's log line format, and clean
//! shutdown on SIGTERM, SIGINT and the SHUTDOWN command.

mod harness;

use harness::*;
use std::path::Path;
use std::process::{Command, Stdio};

/// Redis's log line: `pid:role dd Mon yyyy hh:mm:ss.mmm <level mark> message`, i.e.
/// `^\d+:[MCSX] \d{2} [A-Z][a-z]{2} \d{4} \d{2}:\d{2}:\d{2}\.\d{3} [.\-*#] ` (no regex crate here).
fn is_redis_log_line(line: &str) -> bool {
    let Some((pid, rest)) = line.split_once(':') else { return false };
    if pid.is_empty() || !pid.bytes().all(|b| b.is_ascii_digit()) {
        return false;
    }
    // R = role letter, 9 = digit, A = uppercase, a = lowercase, L = level mark; others literal.
    const TEMPLATE: &[u8] = b"R 99 Aaa 9999 99:99:99.999 L ";
    let b = rest.as_bytes();
    b.len() > TEMPLATE.len()
        && TEMPLATE.iter().zip(b).all(|(t, &c)| match t {
            b'R' => matches!(c, b'M' | b'C' | b'S' | b'X'),
            b'9' => c.is_ascii_digit(),
            b'A' => c.is_ascii_uppercase(),
            b'a' => c.is_ascii_lowercase(),
            b'L' => matches!(c, b'.' | b'-' | b'*' | b'#'),
            lit => c == *lit,
        })
}

#[test]
fn log_line_checker_accepts_redis_lines_only() {
    assert!(is_redis_log_line("1234:M 22 Nov 2026 00:53:15.246 * Ready to accept connections tcp"));
    assert!(is_redis_log_line("7:C 01 Jan 2025 23:59:59.000 # oO0OoO0OoO0Oo Redis is starting oO0OoO0OoO0Oo"));
    assert!(!is_redis_log_line("1234:M 2026-11-22 00:53:15 * Ready"));
    assert!(!is_redis_log_line("[INFO] Ready to accept connections"));
    assert!(!is_redis_log_line("1234:M 22 Nov 2026 00:53:15 * no millis"));
}

fn bin() -> &'static Path {
    Path::new(BIN)
}

#[test]
fn version_flags() {
    for flag in ["--version", "-v"] {
        let (st, out, _) = run_to_end(bin(), &[flag], None);
        assert!(st.success(), "{flag}: {st:?}");
        let first = out.lines().next().unwrap_or("");
        assert!(first.starts_with("Redis server v=7.0.15 "), "{flag}: {first:?}");
        assert!(first.contains(" bits=64 "), "{flag}: {first:?}");
    }
}

#[test]
fn help_prints_redis_usage() {
    for flag in ["--help", "-h"] {
        let (st, out, err) = run_to_end(bin(), &[flag], None);
        // Like redis-server: the usage on stderr, exit status 1.
        assert_eq!(st.code(), Some(1), "{flag}: exit status");
        assert!(out.is_empty(), "{flag}: nothing on stdout: {out}");
        let text = err;
        assert!(text.starts_with("Usage: ./redis-server [/path/to/redis.conf] [options] [-]\n"), "{flag}: {text}");
        for needle in ["./redis-server - (read config from stdin)", "./redis-server -v or --version", "--test-config", "--sentinel"] {
            assert!(text.contains(needle), "{flag}: usage lacks {needle:?}:\n{text}");
        }
    }
}

#[test]
fn test_config_good_and_bad_files() {
    let dir = Scratch::new("testcfg");
    let good = dir.path("good.conf");
    std::fs::write(&good, "# a comment\nport 7000\nsave \"\"\nmaxmemory 100mb\nappendonly no\n").unwrap();
    let (st, out, err) = run_to_end(bin(), &["--test-config", good.to_str().unwrap()], None);
    assert_eq!(st.code(), Some(0), "good config: stdout {out} stderr {err}");
    assert!(out.contains("Configuration test passed"), "{out}");

    let bad = dir.path("bad.conf");
    std::fs::write(&bad, "port 7000\nno-such-directive yes\n").unwrap();
    let (st, _out, err) = run_to_end(bin(), &["--test-config", bad.to_str().unwrap()], None);
    assert_eq!(st.code(), Some(1));
    let want = "\n*** FATAL CONFIG FILE ERROR (Redis 7.0.15) ***\nReading the configuration file, at line 2\n>>> 'no-such-directive yes'\nBad directive or wrong number of arguments\n";
    assert_eq!(err, want);

    let bad_value = dir.path("bad-value.conf");
    std::fs::write(&bad_value, "port 7000\nmaxmemory lots\n").unwrap();
    let (st, _out, err) = run_to_end(bin(), &["--test-config", bad_value.to_str().unwrap()], None);
    assert_eq!(st.code(), Some(1));
    assert!(err.contains("*** FATAL CONFIG FILE ERROR (Redis 7.0.15) ***"), "{err}");
    assert!(err.contains("at line 2\n>>> 'maxmemory lots'\n"), "{err}");
}

#[test]
fn a_bad_config_file_stops_the_server_with_exit_1() {
    let dir = Scratch::new("badcfg");
    let bad = dir.path("bad.conf");
    std::fs::write(&bad, "port 7000\nappendonly maybe\n").unwrap();
    let (st, _out, err) = run_to_end(bin(), &[bad.to_str().unwrap()], None);
    assert_eq!(st.code(), Some(1));
    assert!(
        err.contains("*** FATAL CONFIG FILE ERROR (Redis 7.0.15) ***\nReading the configuration file, at line 2\n>>> 'appendonly maybe'\n"),
        "{err}"
    );
}

/// Starts `program args...` as a sentinel listening on `port`, checks it answers as one (ROLE, an
/// unknown data command), stops it with SIGTERM and returns its output.
fn run_sentinel_once(program: &Path, args: &[&str], port: u16) -> String {
    let mut child =
        KillOnDrop(Command::new(program).args(args).stdin(Stdio::null()).stdout(Stdio::piped()).stderr(Stdio::piped()).spawn().expect("spawn"));
    let up = wait_for(WAIT, || std::net::TcpStream::connect(("127.0.0.1", port)).ok());
    assert!(up.is_some(), "sentinel did not start");
    let mut c = Conn::connect(port);
    c.check(&["ROLE"], b"*2\r\n$8\r\nsentinel\r\n*1\r\n$8\r\nmymaster\r\n");
    c.check(&["GET", "k"], b"-ERR unknown command 'GET', with args beginning with: 'k' \r\n");
    signal(child.0.id(), "TERM");
    assert!(wait_exit(&mut child.0, WAIT).success());
    let mut out = String::new();
    if let Some(mut o) = child.0.stdout.take() {
        let _ = std::io::Read::read_to_string(&mut o, &mut out);
    }
    out
}

/// Sentinel mode (`--sentinel`, or a `redis-sentinel` link, as redis-server decides) needs a config
/// file it can save its state to, as redis-sentinel does; with one it starts as a sentinel, logs
/// its id and saves it.
#[test]
fn sentinel_mode_needs_a_config_file_and_runs_with_one() {
    let (st, out, _) = run_to_end(bin(), &["--sentinel"], None);
    assert_eq!(st.code(), Some(1));
    assert!(out.contains("Sentinel needs config file on disk to save state. Exiting..."), "{out}");
    let dir = Scratch::new("sentinel");
    let conf = dir.path("sentinel.conf");
    let conf_arg = conf.to_str().expect("utf-8 path");
    let link = dir.path("redis-sentinel");
    std::os::unix::fs::symlink(BIN, &link).expect("symlink");
    for (program, args) in [(bin(), vec![conf_arg, "--sentinel"]), (link.as_path(), vec![conf_arg])] {
        let port = free_port();
        std::fs::write(&conf, format!("port {port}\nbind 127.0.0.1\nsentinel monitor mymaster 127.0.0.1 1 2\n")).expect("write conf");
        let out = run_sentinel_once(program, &args, port);
        assert!(out.lines().all(is_redis_log_line), "{out}");
        assert!(out.contains(&format!("Running mode=sentinel, port={port}.")), "{out}");
        let saved = std::fs::read_to_string(&conf).expect("read conf");
        let id = saved.lines().find_map(|l| l.strip_prefix("sentinel myid ")).expect("myid saved");
        assert!(out.contains(&format!("Sentinel ID is {id}")), "{out}");
    }
}

#[test]
fn redis_server_link_behaves_like_the_binary() {
    let dir = Scratch::new("link");
    let link = dir.path("redis-server");
    std::os::unix::fs::symlink(BIN, &link).unwrap();
    let (st, out, _) = run_to_end(&link, &["--version"], None);
    assert!(st.success());
    assert!(out.starts_with("Redis server v=7.0.15 "), "{out}");
    let srv = Server::start_with(link.to_str().unwrap(), &[]);
    let mut c = srv.conn();
    c.check(&["PING"], b"+PONG\r\n");
    c.check(&["SET", "k", "v"], b"+OK\r\n");
    c.check(&["GET", "k"], b"$1\r\nv\r\n");
}

#[test]
fn config_from_stdin() {
    let port = free_port();
    let dir = Scratch::new("stdin");
    let mut child = Command::new(BIN)
        .args(["-", "--bind", "127.0.0.1", "--dir", dir.0.to_str().unwrap()])
        .stdin(Stdio::piped())
        .stdout(Stdio::null())
        .stderr(Stdio::null())
        .spawn()
        .unwrap();
    {
        use std::io::Write;
        let mut stdin = child.stdin.take().unwrap();
        write!(stdin, "port {port}\nsave \"\"\nmaxmemory 128mb\n").unwrap();
        // Dropping stdin closes it: the config ends there.
    }
    let guard = KillOnDrop(child);
    let up = wait_for(WAIT, || std::net::TcpStream::connect(("127.0.0.1", port)).ok());
    assert!(up.is_some(), "server with config from stdin did not listen on {port}");
    let mut c = Conn::connect(port);
    c.check(&["CONFIG", "GET", "maxmemory"], b"*2\r\n$9\r\nmaxmemory\r\n$9\r\n134217728\r\n");
    c.check(&["CONFIG", "GET", "port"], format!("*2\r\n$4\r\nport\r\n${}\r\n{port}\r\n", port.to_string().len()).as_bytes());
    drop(guard);
}

struct KillOnDrop(std::process::Child);

impl Drop for KillOnDrop {
    fn drop(&mut self) {
        let _ = self.0.kill();
        let _ = self.0.wait();
    }
}

/// Kills a daemonized process (not our child) if a test fails before stopping it.
struct PidGuard(u32);

impl Drop for PidGuard {
    fn drop(&mut self) {
        if pid_alive(self.0) {
            let _ = Command::new("kill").arg("-KILL").arg(self.0.to_string()).status();
        }
    }
}

fn read_pidfile(path: &Path) -> Option<u32> {
    std::fs::read_to_string(path).ok()?.trim().parse().ok()
}

#[test]
fn daemonize_pidfile_logfile_and_sigterm() {
    let dir = Scratch::new("daemon");
    let port = free_port();
    let pidfile = dir.path("node.pid");
    let logfile = dir.path("node.log");
    let conf = dir.path("node.conf");
    std::fs::write(
        &conf,
        format!(
            "daemonize yes\nport {port}\nbind 127.0.0.1\nsave \"\"\npidfile {}\nlogfile {}\ndir {}\n",
            pidfile.display(),
            logfile.display(),
            dir.0.display()
        ),
    )
    .unwrap();
    let mut parent = Command::new(BIN).arg(&conf).stdin(Stdio::null()).stdout(Stdio::null()).stderr(Stdio::null()).spawn().unwrap();
    let st = wait_exit(&mut parent, WAIT);
    assert_eq!(st.code(), Some(0), "the parent of a daemonized server exits 0");

    let pid = wait_for(WAIT, || read_pidfile(&pidfile)).expect("pid file written");
    let _guard = PidGuard(pid);
    assert_ne!(pid, parent.id(), "the pid file holds the daemon's pid, not the parent's");
    assert!(pid_alive(pid), "pid {pid} from the pid file is not running");
    let up = wait_for(WAIT, || std::net::TcpStream::connect(("127.0.0.1", port)).ok());
    assert!(up.is_some(), "daemon does not accept connections");
    let mut c = Conn::connect(port);
    c.check(&["PING"], b"+PONG\r\n");
    let info = bulk_text(&c.cmd(&["INFO", "server"]));
    assert!(info.contains(&format!("process_id:{pid}\r\n")), "{info}");

    let log = std::fs::read_to_string(&logfile).unwrap();
    let lines: Vec<&str> = log.lines().collect();
    assert!(!lines.is_empty(), "log file is empty");
    for l in &lines {
        assert!(is_redis_log_line(l), "not in Redis's log format: {l:?}");
        assert!(l.starts_with(&format!("{pid}:")), "log line from another pid: {l:?}");
    }
    assert!(lines.iter().any(|l| l.contains("version=7.0.15") && l.contains(&format!("pid={pid}"))), "no start-up line with version and pid:\n{log}");
    assert!(lines.iter().any(|l| l.contains(&format!("port={port}"))), "no start-up line with the port:\n{log}");

    signal(pid, "TERM");
    assert!(wait_for(WAIT, || (!pid_alive(pid)).then_some(())).is_some(), "daemon did not exit on SIGTERM");
    assert!(!pidfile.exists(), "pid file not removed on shutdown");
    let log = std::fs::read_to_string(&logfile).unwrap();
    assert!(log.contains("Received SIGTERM scheduling shutdown..."), "{log}");
    assert!(log.lines().last().unwrap_or("").ends_with("Redis is now ready to exit, bye bye..."), "{log}");
    for l in log.lines() {
        assert!(is_redis_log_line(l), "not in Redis's log format: {l:?}");
    }
}

fn start_logged(dir: &Scratch, extra: &[&str]) -> (Server, std::path::PathBuf, std::path::PathBuf) {
    let pidfile = dir.path("srv.pid");
    let logfile = dir.path("srv.log");
    let mut args = vec!["--pidfile", pidfile.to_str().unwrap(), "--logfile", logfile.to_str().unwrap()];
    args.extend_from_slice(extra);
    let srv = Server::start(&args);
    (srv, pidfile, logfile)
}

fn check_clean_exit(srv: &mut Server, pidfile: &Path, logfile: &Path, expect_line: &str) {
    let st = srv.wait_exit(WAIT);
    assert_eq!(st.code(), Some(0), "exit status {st:?}");
    assert!(!pidfile.exists(), "pid file not removed");
    let log = std::fs::read_to_string(logfile).unwrap();
    assert!(log.contains(expect_line), "log lacks {expect_line:?}:\n{log}");
    assert!(log.contains("Redis is now ready to exit, bye bye..."), "{log}");
    for l in log.lines() {
        assert!(is_redis_log_line(l), "not in Redis's log format: {l:?}");
    }
}

#[test]
fn sigterm_shuts_down_cleanly() {
    let dir = Scratch::new("term");
    let (mut srv, pidfile, logfile) = start_logged(&dir, &[]);
    assert_eq!(read_pidfile(&pidfile), Some(srv.pid()));
    let mut c = srv.conn();
    c.check(&["SET", "a", "1"], b"+OK\r\n");
    signal(srv.pid(), "TERM");
    check_clean_exit(&mut srv, &pidfile, &logfile, "Received SIGTERM scheduling shutdown...");
    assert!(c.is_closed_within(WAIT), "client connection left open after shutdown");
}

#[test]
fn sigint_shuts_down_cleanly() {
    let dir = Scratch::new("int");
    let (mut srv, pidfile, logfile) = start_logged(&dir, &[]);
    assert_eq!(read_pidfile(&pidfile), Some(srv.pid()));
    signal(srv.pid(), "INT");
    check_clean_exit(&mut srv, &pidfile, &logfile, "Received SIGINT scheduling shutdown...");
}

#[test]
fn shutdown_command() {
    let dir = Scratch::new("shutdown");
    let (mut srv, pidfile, logfile) = start_logged(&dir, &[]);
    let mut other = srv.conn();
    other.check(&["PING"], b"+PONG\r\n");
    let mut c = srv.conn();
    c.check(&["SHUTDOWN", "ABORT"], b"-ERR No shutdown in progress.\r\n");
    c.check(&["SHUTDOWN", "BOGUS"], b"-ERR syntax error\r\n");
    c.send(&encode(&[b"SHUTDOWN", b"NOSAVE"]));
    // On success redis-server replies nothing: the connection just closes.
    assert_eq!(show(&c.expect_closed()), "");
    check_clean_exit(&mut srv, &pidfile, &logfile, "User requested shutdown...");
    assert!(other.is_closed_within(WAIT));
}

#[test]
fn startup_log_on_stdout_without_logfile() {
    let srv = Server::start(&[]);
    let pid = srv.pid();
    let port = srv.port;
    let text = wait_for(WAIT, || {
        let t = srv.output_text();
        t.contains("Ready to accept connections").then_some(t)
    })
    .unwrap_or_else(|| panic!("no ready line:\n{}", srv.output_text()));
    for l in text.lines() {
        assert!(is_redis_log_line(l), "not in Redis's log format: {l:?}");
    }
    assert!(text.contains(&format!("pid={pid}")) && text.contains("version=7.0.15"), "{text}");
    assert!(text.contains(&format!("port={port}")), "{text}");
}

#[test]
fn port_in_use_fails_with_exit_1() {
    let holder = std::net::TcpListener::bind("127.0.0.1:0").unwrap();
    let port = holder.local_addr().unwrap().port().to_string();
    let (st, out, err) = run_to_end(bin(), &["--port", &port, "--bind", "127.0.0.1", "--save", ""], None);
    assert_eq!(st.code(), Some(1), "stdout {out} stderr {err}");
    let text = format!("{out}{err}");
    assert!(text.contains(&format!("Failed listening on port {port} (tcp), aborting")), "{text}");
    drop(holder);
}
