//! `redis-ha-node --group`: a whole highly available group on loopback in one command.
//!
//! Starts N data nodes (the first a master, the others its replicas) and M sentinels as child
//! processes of this binary, each in its own directory under a scratch folder, prints their
//! addresses, then streams every sentinel event (`+sdown`, `+odown`, `+switch-master`, ...) as it
//! happens. Killing the master shows the failover live. Ctrl-C (or SIGTERM) stops every child and
//! removes the scratch folder unless `--dir` named one to keep.
//!
//! The data nodes carry the boot guard (`ha-boot-*`), so a node restarted by hand asks the
//! sentinels who the master is before it serves.

use std::io::Write;
use std::net::TcpStream;
use std::path::{Path, PathBuf};
use std::process::{Child, Command, ExitCode, Stdio};
use std::time::{Duration, Instant};

use crate::resp::frame::Frame;
use crate::resp::peer::Peer;

const MASTER_NAME: &str = "mymaster";
const USAGE: &str = "Usage: redis-ha-node --group [--data-nodes N] [--sentinels M] [--port P] [--sentinel-port S]\n\
                     \x20                          [--down-after-milliseconds MS] [--failover-timeout MS] [--dir DIR]\n\
                     Starts N data nodes on ports P.. (default 3 on 6379..) and M sentinels on S.. (default 3 on\n\
                     26379..), all on 127.0.0.1, and prints the sentinels' events until Ctrl-C.\n";

/// What the command line asks for.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct GroupOptions {
    pub data_nodes: u16,
    pub sentinels: u16,
    pub port: u16,
    pub sentinel_port: u16,
    pub down_after_ms: u64,
    pub failover_timeout_ms: u64,
    pub dir: Option<PathBuf>,
}

impl Default for GroupOptions {
    fn default() -> Self {
        GroupOptions { data_nodes: 3, sentinels: 3, port: 6379, sentinel_port: 26379, down_after_ms: 5000, failover_timeout_ms: 10000, dir: None }
    }
}

/// Parses the arguments after `--group`.
pub fn parse_options(args: &[String]) -> Result<GroupOptions, String> {
    let mut o = GroupOptions::default();
    let mut it = args.iter();
    while let Some(flag) = it.next() {
        let mut value = || it.next().ok_or_else(|| format!("{flag} needs a value"));
        fn num<T: std::str::FromStr>(flag: &str, v: &str) -> Result<T, String> {
            v.parse().map_err(|_| format!("invalid value for {flag}: '{v}'"))
        }
        match flag.as_str() {
            "--data-nodes" => o.data_nodes = num(flag, value()?)?,
            "--sentinels" => o.sentinels = num(flag, value()?)?,
            "--port" => o.port = num(flag, value()?)?,
            "--sentinel-port" => o.sentinel_port = num(flag, value()?)?,
            "--down-after-milliseconds" => o.down_after_ms = num(flag, value()?)?,
            "--failover-timeout" => o.failover_timeout_ms = num(flag, value()?)?,
            "--dir" => o.dir = Some(PathBuf::from(value()?)),
            other => return Err(format!("unknown option '{other}'")),
        }
    }
    if o.data_nodes == 0 || o.sentinels == 0 {
        return Err("--data-nodes and --sentinels must be at least 1".into());
    }
    if o.down_after_ms == 0 || o.failover_timeout_ms == 0 {
        return Err("--down-after-milliseconds and --failover-timeout must be positive".into());
    }
    let last = |base: u16, n: u16| base.checked_add(n - 1).ok_or_else(|| format!("ports from {base} overflow"));
    let (data_end, sentinel_end) = (last(o.port, o.data_nodes)?, last(o.sentinel_port, o.sentinels)?);
    if o.port <= sentinel_end && o.sentinel_port <= data_end {
        return Err("the data node and sentinel port ranges overlap".into());
    }
    Ok(o)
}

/// The quorum: a majority of the sentinels.
pub fn quorum(sentinels: u16) -> u16 {
    sentinels / 2 + 1
}

/// A sentinel's configuration file.
pub fn sentinel_conf(o: &GroupOptions, port: u16, dir: &Path) -> String {
    format!(
        "port {port}\nbind 127.0.0.1\ndir \"{dir}\"\nlogfile \"{dir}/sentinel.log\"\n\
         sentinel monitor {MASTER_NAME} 127.0.0.1 {master} {quorum}\n\
         sentinel down-after-milliseconds {MASTER_NAME} {down}\n\
         sentinel failover-timeout {MASTER_NAME} {timeout}\n",
        dir = dir.display(),
        master = o.port,
        quorum = quorum(o.sentinels),
        down = o.down_after_ms,
        timeout = o.failover_timeout_ms,
    )
}

/// A data node's command line (after the program).
pub fn data_args(o: &GroupOptions, i: u16, dir: &Path) -> Vec<String> {
    let sentinels: Vec<String> = (0..o.sentinels).map(|j| format!("127.0.0.1:{}", o.sentinel_port + j)).collect();
    let mut args: Vec<String> = vec![
        "--port".into(),
        (o.port + i).to_string(),
        "--bind".into(),
        "127.0.0.1".into(),
        "--dir".into(),
        dir.display().to_string(),
        "--logfile".into(),
        dir.join("node.log").display().to_string(),
        "--daemonize".into(),
        "no".into(),
        "--ha-boot-master-name".into(),
        MASTER_NAME.into(),
        "--ha-boot-sentinels".into(),
        sentinels.join(","),
    ];
    if i > 0 {
        args.extend(["--replicaof".into(), "127.0.0.1".into(), o.port.to_string()]);
    }
    args
}

/// Runs the group until Ctrl-C or SIGTERM.
pub fn main(args: &[String]) -> ExitCode {
    let o = match parse_options(args) {
        Ok(o) => o,
        Err(e) => {
            eprintln!("redis-ha-node --group: {e}\n{USAGE}");
            return ExitCode::from(1);
        }
    };
    let exe = match std::env::current_exe() {
        Ok(p) => p,
        Err(e) => {
            eprintln!("redis-ha-node --group: cannot find this program's path: {e}");
            return ExitCode::from(1);
        }
    };
    let (root, scratch) = match &o.dir {
        Some(d) => (d.clone(), false),
        None => (std::env::temp_dir().join(format!("redis-ha-group-{}", std::process::id())), true),
    };
    let mut children: Vec<(String, Child)> = Vec::new();
    let started = start_all(&o, &exe, &root, &mut children);
    let code = match started {
        Ok(()) => {
            print_addresses(&o, &root);
            for j in 0..o.sentinels {
                let port = o.sentinel_port + j;
                std::thread::spawn(move || stream_events(port));
            }
            wait_for_signal();
            println!("Stopping the group...");
            ExitCode::SUCCESS
        }
        Err(e) => {
            eprintln!("redis-ha-node --group: {e}");
            ExitCode::from(1)
        }
    };
    stop_all(&mut children);
    if scratch {
        let _ = std::fs::remove_dir_all(&root);
    }
    code
}

fn start_all(o: &GroupOptions, exe: &Path, root: &Path, children: &mut Vec<(String, Child)>) -> Result<(), String> {
    let spawn = |name: String, args: Vec<String>, children: &mut Vec<(String, Child)>| -> Result<(), String> {
        let child = Command::new(exe)
            .args(&args)
            .stdin(Stdio::null())
            .stdout(Stdio::null())
            .stderr(Stdio::inherit())
            .spawn()
            .map_err(|e| format!("cannot start {name}: {e}"))?;
        children.push((name, child));
        Ok(())
    };
    for i in 0..o.data_nodes {
        let dir = root.join(format!("node-{}", o.port + i));
        std::fs::create_dir_all(&dir).map_err(|e| format!("cannot create {}: {e}", dir.display()))?;
        spawn(format!("data node {}", o.port + i), data_args(o, i, &dir), children)?;
        // The master first: its replicas and the sentinels find it serving.
        if i == 0 {
            wait_listening(o.port, &mut children[0])?;
        }
    }
    // The sentinels' first INFO of the master then lists every replica: without that they would
    // only learn of them at the next INFO, 10 s later, and a master killed before could not fail over.
    for i in 1..o.data_nodes {
        wait_listening(o.port + i, &mut children[i as usize])?;
    }
    wait_replicas(o.port, o.data_nodes - 1)?;
    for j in 0..o.sentinels {
        let port = o.sentinel_port + j;
        let dir = root.join(format!("sentinel-{port}"));
        std::fs::create_dir_all(&dir).map_err(|e| format!("cannot create {}: {e}", dir.display()))?;
        let conf = dir.join("sentinel.conf");
        std::fs::write(&conf, sentinel_conf(o, port, &dir)).map_err(|e| format!("cannot write {}: {e}", conf.display()))?;
        spawn(format!("sentinel {port}"), vec![conf.display().to_string(), "--sentinel".into()], children)?;
    }
    for (k, port) in (0..o.data_nodes).map(|i| o.port + i).chain((0..o.sentinels).map(|j| o.sentinel_port + j)).enumerate() {
        wait_listening(port, &mut children[k])?;
    }
    Ok(())
}

/// Waits until `port` accepts connections, failing if the child exits first.
fn wait_listening(port: u16, child: &mut (String, Child)) -> Result<(), String> {
    let deadline = Instant::now() + Duration::from_secs(20);
    while Instant::now() < deadline {
        if let Ok(Some(status)) = child.1.try_wait() {
            return Err(format!("{} exited ({status}); is port {port} free?", child.0));
        }
        if TcpStream::connect(("127.0.0.1", port)).is_ok() {
            return Ok(());
        }
        std::thread::sleep(Duration::from_millis(20));
    }
    Err(format!("{} is not listening on {port}", child.0))
}

/// Waits until the master reports `n` replicas online.
fn wait_replicas(port: u16, n: u16) -> Result<(), String> {
    let want = format!("connected_slaves:{n}\r\n");
    let deadline = Instant::now() + Duration::from_secs(20);
    while Instant::now() < deadline {
        if info(port, "replication").is_some_and(|text| text.contains(&want)) {
            return Ok(());
        }
        std::thread::sleep(Duration::from_millis(20));
    }
    Err(format!("the replicas did not connect to the master on {port}"))
}

/// One INFO section of a local server, or None.
fn info(port: u16, section: &str) -> Option<String> {
    block_on(async {
        let mut peer = Peer::connect("127.0.0.1", port).await.ok()?.with_read_timeout(Duration::from_secs(2));
        peer.send(&["INFO", section]).await.ok()?;
        peer.read_frame().await.ok()?.as_str().map(str::to_string)
    })?
}

/// Runs `f` on a runtime of its own: the group's supervisor is plain threads.
fn block_on<T>(f: impl std::future::Future<Output = T>) -> Option<T> {
    Some(tokio::runtime::Builder::new_current_thread().enable_all().build().ok()?.block_on(f))
}

fn print_addresses(o: &GroupOptions, root: &Path) {
    let mut out = std::io::stdout().lock();
    let _ = writeln!(out, "Redis HA group '{MASTER_NAME}' on 127.0.0.1 (files in {}):", root.display());
    for i in 0..o.data_nodes {
        let role = if i == 0 { "master".to_string() } else { format!("replica of 127.0.0.1:{}", o.port) };
        let _ = writeln!(out, "  data node  127.0.0.1:{}  {role}", o.port + i);
    }
    for j in 0..o.sentinels {
        let _ = writeln!(out, "  sentinel   127.0.0.1:{}", o.sentinel_port + j);
    }
    let _ = writeln!(
        out,
        "Quorum {} of {}, down-after {} ms. Try: redis-cli -p {} SENTINEL GET-MASTER-ADDR-BY-NAME {MASTER_NAME}",
        quorum(o.sentinels),
        o.sentinels,
        o.down_after_ms,
        o.sentinel_port
    );
    let _ = writeln!(out, "Sentinel events follow (Ctrl-C stops the group):");
    let _ = out.flush();
}

/// Subscribes to every event of one sentinel and prints them, reconnecting while the group runs.
fn stream_events(port: u16) {
    loop {
        let _ = block_on(subscribe_and_print(port));
        std::thread::sleep(Duration::from_millis(500));
    }
}

/// Prints the sentinel's events until the connection ends.
async fn subscribe_and_print(port: u16) -> Result<(), String> {
    let mut peer = Peer::connect("127.0.0.1", port).await?;
    peer.send(&["PSUBSCRIBE", "*"]).await?;
    loop {
        if let Some(line) = event_line(&peer.read_frame().await?, port) {
            let mut out = std::io::stdout().lock();
            let _ = writeln!(out, "{line}");
            let _ = out.flush();
        }
    }
}

/// `pmessage * <channel> <payload>` → `HH:MM:SS.mmm [sentinel <port>] <channel> <payload>`; the
/// hello chatter between sentinels is left out.
pub fn event_line(frame: &Frame, port: u16) -> Option<String> {
    let items = frame.items()?;
    if items.len() != 4 || items[0].as_str()? != "pmessage" {
        return None;
    }
    let channel = items[2].as_str()?;
    if channel == "__sentinel__:hello" {
        return None;
    }
    let payload = items[3].as_str().unwrap_or("");
    let ms = crate::sys::realtime_us() / 1000;
    let (h, m, s) = ((ms / 3_600_000) % 24, (ms / 60_000) % 60, (ms / 1000) % 60);
    Some(format!("{h:02}:{m:02}:{s:02}.{:03} [sentinel {port}] {channel} {payload}", ms % 1000))
}

fn wait_for_signal() {
    let runtime = tokio::runtime::Builder::new_current_thread().enable_all().build();
    let Ok(runtime) = runtime else {
        // No runtime, no signal handling: wait for stdin to close instead.
        let _ = std::io::stdin().read_line(&mut String::new());
        return;
    };
    runtime.block_on(async {
        use tokio::signal::unix::{signal, SignalKind};
        match (signal(SignalKind::interrupt()), signal(SignalKind::terminate())) {
            (Ok(mut int), Ok(mut term)) => {
                tokio::select! {
                    _ = int.recv() => {}
                    _ = term.recv() => {}
                }
            }
            _ => std::future::pending::<()>().await,
        }
    });
}

/// SIGTERM to every child (they shut down cleanly), then SIGKILL what is still there after 5 s.
fn stop_all(children: &mut [(String, Child)]) {
    for (_, c) in children.iter() {
        crate::sys::kill(c.id() as i32, 15);
    }
    let deadline = Instant::now() + Duration::from_secs(5);
    for (_, c) in children.iter_mut() {
        while Instant::now() < deadline {
            if !matches!(c.try_wait(), Ok(None)) {
                break;
            }
            std::thread::sleep(Duration::from_millis(20));
        }
        if matches!(c.try_wait(), Ok(None)) {
            let _ = c.kill();
        }
        let _ = c.wait();
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn args(s: &str) -> Vec<String> {
        s.split_whitespace().map(str::to_string).collect()
    }

    #[test]
    fn options() {
        assert_eq!(parse_options(&[]), Ok(GroupOptions::default()));
        let o =
            parse_options(&args("--data-nodes 5 --sentinels 1 --port 7000 --sentinel-port 27000 --down-after-milliseconds 1000")).unwrap_or_default();
        assert_eq!((o.data_nodes, o.sentinels, o.port, o.sentinel_port, o.down_after_ms), (5, 1, 7000, 27000, 1000));
        assert_eq!(parse_options(&args("--sentinels 0")), Err("--data-nodes and --sentinels must be at least 1".into()));
        assert_eq!(parse_options(&args("--port x")), Err("invalid value for --port: 'x'".into()));
        assert_eq!(parse_options(&args("--port")), Err("--port needs a value".into()));
        assert_eq!(parse_options(&args("--bogus 1")), Err("unknown option '--bogus'".into()));
        assert_eq!(parse_options(&args("--port 26378")), Err("the data node and sentinel port ranges overlap".into()));
        assert_eq!(parse_options(&args("--port 65535")), Err("ports from 65535 overflow".into()));
    }

    #[test]
    fn quorum_is_a_majority() {
        assert_eq!([1, 2, 3, 4, 5].map(quorum), [1, 2, 2, 3, 3]);
    }

    #[test]
    fn configs() {
        let o = GroupOptions::default();
        let conf = sentinel_conf(&o, 26380, Path::new("/tmp/x"));
        assert!(conf.contains("sentinel monitor mymaster 127.0.0.1 6379 2\n"), "{conf}");
        assert!(conf.starts_with("port 26380\nbind 127.0.0.1\n"));
        let a = data_args(&o, 1, Path::new("/tmp/n"));
        assert!(a.ends_with(&["--replicaof".to_string(), "127.0.0.1".into(), "6379".into()]));
        assert!(a.contains(&"127.0.0.1:26379,127.0.0.1:26380,127.0.0.1:26381".to_string()));
        assert!(!data_args(&o, 0, Path::new("/tmp/n")).contains(&"--replicaof".to_string()));
    }

    #[test]
    fn events_are_formatted_and_hellos_skipped() {
        let pm = |ch: &str, p: &str| {
            Frame::Array(vec![
                Frame::Bulk(b"pmessage".to_vec()),
                Frame::Bulk(b"*".to_vec()),
                Frame::Bulk(ch.as_bytes().to_vec()),
                Frame::Bulk(p.as_bytes().to_vec()),
            ])
        };
        let line = event_line(&pm("+switch-master", "mymaster 127.0.0.1 6379 127.0.0.1 6380"), 26379).unwrap_or_default();
        assert!(line.ends_with(" [sentinel 26379] +switch-master mymaster 127.0.0.1 6379 127.0.0.1 6380"), "{line}");
        assert_eq!(event_line(&pm("__sentinel__:hello", "x"), 26379), None);
        assert_eq!(event_line(&Frame::Array(vec![Frame::Bulk(b"psubscribe".to_vec())]), 26379), None);
    }
}
