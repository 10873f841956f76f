//! Behaviour of `Config` as a whole, checked against what redis-server 7.0.15 does.

use super::*;
use std::path::Path;

/// A scratch directory removed when dropped.
struct TempDir(PathBuf);

impl TempDir {
    fn new(tag: &str) -> TempDir {
        let dir = std::env::temp_dir().join(format!("redis-ha-config-{tag}-{}", std::process::id()));
        let _ = std::fs::remove_dir_all(&dir);
        std::fs::create_dir_all(&dir).unwrap_or_else(|e| panic!("mkdir {}: {e}", dir.display()));
        TempDir(dir)
    }

    fn path(&self, name: &str) -> String {
        self.0.join(name).to_string_lossy().into_owned()
    }

    fn write(&self, name: &str, text: &str) -> String {
        let path = self.path(name);
        std::fs::write(&path, text).unwrap_or_else(|e| panic!("write {path}: {e}"));
        path
    }
}

impl Drop for TempDir {
    fn drop(&mut self) {
        let _ = std::fs::remove_dir_all(&self.0);
    }
}

fn args(list: &[&str]) -> Vec<String> {
    list.iter().map(|s| s.to_string()).collect()
}

fn load(text: &str) -> Result<Config, ConfigError> {
    let mut c = Config::default();
    c.load_str(text, "test.conf").map(|_| c)
}

fn load_err(text: &str) -> String {
    match load(text) {
        Ok(_) => panic!("{text:?} loaded"),
        Err(e) => e.to_string(),
    }
}

fn fatal(line: usize, text: &str, reason: &str) -> String {
    format!("\n*** FATAL CONFIG FILE ERROR (Redis 7.0.15) ***\nReading the configuration file, at line {line}\n>>> '{text}'\n{reason}\n")
}

#[test]
fn defaults_match_redis_7_0_15() {
    // CONFIG GET * of a redis-server 7.0.15 started with no configuration (dir left out: it is
    // the working directory).
    let expected = include_str!("testdata/redis-7.0.15-defaults.tsv");
    let c = Config::default();
    let mut all = c.get_matching(&[b"*"]);
    all.retain(|(name, _)| name != "dir");
    let mut got: Vec<String> = all.iter().map(|(n, v)| format!("{n}\t{v}")).collect();
    got.sort();
    let expected: Vec<String> = expected.lines().map(str::to_string).collect();
    assert_eq!(got, expected);
    assert_eq!(c.get("dir"), Some(value::current_dir()));
    assert_eq!(c.port, 6379);
    assert_eq!(c.bind, vec!["*".to_string(), "-::*".to_string()]);
    assert!(c.protected_mode);
    assert_eq!((c.timeout, c.tcp_keepalive, c.maxclients, c.databases), (0, 300, 10000, 16));
    assert_eq!((c.pidfile.as_str(), c.logfile.as_str(), c.loglevel), ("", "", LogLevel::Notice));
    assert_eq!((c.proto_max_bulk_len, c.client_query_buffer_limit), (512 << 20, 1 << 30));
    assert_eq!((c.hz, c.slowlog_log_slower_than, c.slowlog_max_len), (10, 10000, 128));
    assert_eq!((c.hash_max_listpack_entries, c.hash_max_listpack_value), (512, 64));
    assert_eq!((c.zset_max_listpack_entries, c.zset_max_listpack_value), (128, 64));
    assert_eq!((c.set_max_intset_entries, c.list_max_listpack_size), (512, -2));
    assert_eq!((c.maxmemory, c.maxmemory_policy.as_str(), c.active_expire_effort), (0, "noeviction", 1));
    assert_eq!(c.enable_debug_command, "no");
    assert_eq!(c.save, vec![(3600, 1), (300, 100), (60, 10000)]);
    assert_eq!((c.requirepass.clone(), c.replicaof.clone(), c.appendonly), (None, None, false));
}

#[test]
fn load_errors_are_worded_like_redis() {
    assert_eq!(load_err("port 1\nfoo bar\n"), fatal(2, "foo bar", "Bad directive or wrong number of arguments"));
    assert_eq!(load_err("port\n"), fatal(1, "port", "wrong number of arguments"));
    assert_eq!(load_err("  port abc  \r\n"), fatal(1, "port abc", "argument couldn't be parsed into an integer"));
    assert_eq!(load_err("port 70000"), fatal(1, "port 70000", "argument must be between 0 and 65535 inclusive"));
    assert_eq!(load_err("daemonize maybe"), fatal(1, "daemonize maybe", "argument must be 'yes' or 'no'"));
    assert_eq!(load_err("maxmemory 10x"), fatal(1, "maxmemory 10x", "argument must be a memory value"));
    assert_eq!(load_err("loglevel loud"), fatal(1, "loglevel loud", "argument(s) must be one of the following: debug, verbose, notice, warning"));
    assert_eq!(load_err("requirepass \"abc"), fatal(1, "requirepass \"abc", "Unbalanced quotes in configuration line"));
    assert_eq!(load_err("requirepass \"a\"b"), fatal(1, "requirepass \"a\"b", "Unbalanced quotes in configuration line"));
    assert_eq!(load_err("save 900"), fatal(1, "save 900", "Invalid save parameters"));
    assert_eq!(load_err("replicaof host 99999"), fatal(1, "replicaof host 99999", "Invalid master port"));
    assert_eq!(load_err("replicaof host"), fatal(1, "replicaof host", "wrong number of arguments"));
    assert_eq!(load_err("user"), fatal(1, "user", "Bad directive or wrong number of arguments"));
    assert_eq!(load_err("include"), fatal(1, "include", "Bad directive or wrong number of arguments"));
    assert_eq!(load_err("list-max-ziplist-entries"), fatal(1, "list-max-ziplist-entries", "Bad directive or wrong number of arguments"));
    assert_eq!(load_err("foo.bar"), fatal(1, "foo.bar", "Module config specified without value"));
    assert_eq!(load_err("sentinel monitor a b c"), fatal(1, "sentinel monitor a b c", "sentinel directive while not in sentinel mode"));
    assert_eq!(load_err("notify-keyspace-events Q"), fatal(1, "notify-keyspace-events Q", "Invalid event class character. Use 'Ag$lshzxeKEtmdn'."));
    assert_eq!(
        load_err("client-output-buffer-limit master 0 0 0"),
        fatal(1, "client-output-buffer-limit master 0 0 0", "Invalid client class specified in buffer limit configuration.")
    );
    assert_eq!(
        load_err("bind 1 2 3 4 5 6 7 8 9 10 11 12 13 14 15 16 17"),
        fatal(1, "bind 1 2 3 4 5 6 7 8 9 10 11 12 13 14 15 16 17", "Too many bind addresses specified.")
    );
    assert_eq!(load_err("dir /nonexistent/dir"), fatal(1, "dir /nonexistent/dir", "No such file or directory"));
    assert_eq!(load_err("dir /etc/passwd"), fatal(1, "dir /etc/passwd", "Not a directory"));
    assert!(load_err("loadmodule /x/y.so").contains("does not support Redis modules"));
}

#[test]
fn accepted_syntax() {
    let c = match load(
        "# comment\n\n   # indented comment\nDAEMONIZE YES\nLogLevel WARNING\nappendonly Yes\n\
         maxmemory 1GB\nmaxmemory-policy ALLKEYS-LRU\nrequirepass \"a#b\\x41\"\nbind 127.0.0.1 ::1\n\
         slaveof 10.0.0.1 6380\nhash-max-ziplist-entries 1024\nlist-max-ziplist-size 5\n\
         list-max-ziplist-entries 512\nlua-replicate-commands yes\nrename-command FLUSHALL \"\"\n\
         user bob on #5e884898da28047151d0e56f8dc6292773603d0d6aabbdd62a11ef721d1542d8 ~* +@all\n\
         notify-keyspace-events Ex\nsentinel\nhz 1000\nunixsocketperm 700\nmaxmemory-clients 5%\n",
    ) {
        Ok(c) => c,
        Err(e) => panic!("{e}"),
    };
    assert!(c.daemonize && c.appendonly);
    assert_eq!(c.loglevel, LogLevel::Warning);
    assert_eq!(c.maxmemory, 1 << 30);
    assert_eq!(c.maxmemory_policy, "allkeys-lru");
    assert_eq!(c.requirepass.as_deref(), Some(&b"a#bA"[..]));
    assert_eq!(c.bind, vec!["127.0.0.1".to_string(), "::1".to_string()]);
    assert_eq!(c.replicaof, Some(("10.0.0.1".to_string(), 6380)));
    assert_eq!(c.get("replicaof").as_deref(), Some("10.0.0.1 6380"));
    assert_eq!(c.hash_max_listpack_entries, 1024);
    assert_eq!(c.list_max_listpack_size, 5);
    assert_eq!(c.rename_commands, vec![(b"FLUSHALL".to_vec(), Vec::new())]);
    assert_eq!(c.users.len(), 1);
    assert_eq!(c.notify_keyspace_events, crate::notify::EXPIRED | crate::notify::KEYEVENT);
    assert_eq!(c.hz, 500);
    assert_eq!(c.get("unixsocketperm").as_deref(), Some("700"));
    assert_eq!(c.get("maxmemory-clients").as_deref(), Some("5%"));
    assert_eq!(c.get_int("maxmemory-clients"), Some(-5));

    let c = load("replicaof a 1\nreplicaof NO ONE\nhz 0\n").unwrap_or_else(|e| panic!("{e}"));
    assert_eq!((c.replicaof.clone(), c.hz), (None, 1));
    let c = load("pidfile /var/run/x.pid\npidfile \"\"\nlogfile \"\"\n").unwrap_or_else(|e| panic!("{e}"));
    assert_eq!((c.pidfile.as_str(), c.logfile.as_str()), ("", ""));
}

#[test]
fn save_lines_accumulate_and_empty_clears() {
    // Results observed with redis-server 7.0.15 and CONFIG GET save.
    let cases = [
        ("save 900 1\nsave \"\"\n", ""),
        ("save 900 1\nsave 300 10 60 10000\n", "900 1 300 10 60 10000"),
        ("save \"\"\nsave 900 1\n", "900 1"),
        ("save 900 1\nsave\n", ""),
        ("port 1\n", "3600 1 300 100 60 10000"),
    ];
    for (text, shown) in cases {
        let c = load(text).unwrap_or_else(|e| panic!("{e}"));
        assert_eq!(c.get("save").as_deref(), Some(shown), "{text:?}");
    }
    let c = Config::from_args(&args(&["--save", "900", "1", "--save", "100", "2"])).unwrap_or_else(|e| panic!("{e}"));
    assert_eq!(c.save, vec![(900, 1), (100, 2)]);
    let c = Config::from_args(&args(&["--save", "--port", "7000"])).unwrap_or_else(|e| panic!("{e}"));
    assert_eq!((c.save.clone(), c.port), (vec![], 7000));
}

#[test]
fn argv_is_parsed_like_redis_server() {
    let dir = TempDir::new("argv");
    let file = dir.write("a.conf", "port 1\nsave 900 1\n");
    let c = Config::from_args(&args(&[&file, "--port", "7000", "--save", "100", "2", "--replicaof", "127.0.0.1", "6390"]))
        .unwrap_or_else(|e| panic!("{e}"));
    assert_eq!(c.port, 7000);
    assert_eq!(c.save, vec![(900, 1), (100, 2)]);
    assert_eq!(c.replicaof, Some(("127.0.0.1".to_string(), 6390)));
    assert_eq!(c.file, Some(PathBuf::from(&file)));

    let c = Config::from_args(&args(&["--port 7001", "--requirepass", "--x", "--bind", "127.0.0.1", "::1"])).unwrap_or_else(|e| panic!("{e}"));
    assert_eq!(c.port, 7001);
    assert_eq!(c.requirepass.as_deref(), Some(&b"--x"[..]));
    assert_eq!(c.bind.len(), 2);
    assert_eq!(c.file, None);

    // Option lines are numbered after the file, as Redis numbers them.
    let err = Config::from_args(&args(&[&file, "--port", "abc"])).err().map(|e| e.to_string());
    assert_eq!(err, Some(fatal(4, "port \"abc\"", "argument couldn't be parsed into an integer")));
    let err = Config::from_args(&args(&["--port", "abc"])).err().map(|e| e.to_string());
    assert_eq!(err, Some(fatal(2, "port \"abc\"", "argument couldn't be parsed into an integer")));
    let err = Config::from_args(&args(&["--port", "1", "--loglevel"])).err().map(|e| e.to_string());
    assert_eq!(err, Some(fatal(3, "loglevel", "wrong number of arguments")));

    let missing = dir.path("missing.conf");
    let err = Config::from_args(&args(&[&missing])).err().map(|e| e.to_string());
    assert_eq!(err, Some(format!("Fatal error, can't open config file '{missing}': No such file or directory")));

    let err = Config::from_args(&args(&["--logfile", "/nonexistent/dir/x.log"])).err().map(|e| e.to_string());
    assert_eq!(err, Some("\n*** FATAL CONFIG FILE ERROR (Redis 7.0.15) ***\nCan't open the log file: No such file or directory\n".into()));
    let err = Config::from_args(&args(&["--cluster-enabled", "yes", "--replicaof", "a", "1"])).err().map(|e| e.to_string());
    assert_eq!(err, Some("\n*** FATAL CONFIG FILE ERROR (Redis 7.0.15) ***\nreplicaof directive not allowed in cluster mode\n".into()));
}

#[test]
fn include_files_and_globs() {
    let dir = TempDir::new("include");
    dir.write("one.conf", "timeout 5\n");
    std::fs::create_dir_all(dir.0.join("conf.d")).unwrap_or_else(|e| panic!("{e}"));
    dir.write("conf.d/b.conf", "maxclients 20\n");
    dir.write("conf.d/a.conf", "maxclients 10\ntcp-keepalive 7\n");
    dir.write("conf.d/.hidden.conf", "maxclients 99\n");
    dir.write("bad.conf", "timeout 1\nbad line\n");
    let main = dir.write(
        "main.conf",
        &format!("include {}\ninclude {}/conf.d/*.conf\ninclude {}/nomatch/*.conf\n", dir.path("one.conf"), dir.0.display(), dir.0.display()),
    );
    let c = Config::from_args(&args(&[&main])).unwrap_or_else(|e| panic!("{e}"));
    assert_eq!((c.timeout, c.maxclients, c.tcp_keepalive), (5, 20, 7));

    // Relative includes are found from `dir`, redis-server's working directory.
    let rel = dir.write("rel.conf", &format!("dir {}\ninclude one.conf\n", dir.0.display()));
    let c = Config::from_args(&args(&[&rel])).unwrap_or_else(|e| panic!("{e}"));
    assert_eq!(c.timeout, 5);

    // Errors inside an included file show that file's line, as Redis does.
    let err = load(&format!("port 5\ninclude {}\n", dir.path("bad.conf"))).err();
    assert_eq!(err.as_ref().map(|e| e.to_string()), Some(fatal(2, "bad line", "Bad directive or wrong number of arguments")));
    assert_eq!(err.and_then(|e| e.source), Some(dir.path("bad.conf")));
    assert_eq!(
        load("include inc2.conf").err().map(|e| e.to_string()),
        Some("Fatal error, can't open config file 'inc2.conf': No such file or directory".into())
    );

    let looping = dir.write("loop.conf", "");
    dir.write("loop.conf", &format!("include {looping}\n"));
    let err = Config::from_args(&args(&[&looping])).err().map(|e| e.reason);
    assert!(err.is_some_and(|r| r.contains("include nested more than 16 levels")));
}

#[test]
fn inline_comments_are_refused_with_a_clear_message() {
    let reason = |line: usize| {
        format!(
            "Bad directive or wrong number of arguments: inline comments after a value are not allowed \
             (use a line of its own starting with '#') - in 'test.conf' at line {line}"
        )
    };
    assert_eq!(load_err("port 1\ndaemonize yes   ## run in background"), fatal(2, "daemonize yes   ## run in background", &reason(2)));
    // Accepted by Redis as two addresses, but certainly a comment.
    assert_eq!(load_err("bind 127.0.0.1 #public"), fatal(1, "bind 127.0.0.1 #public", &reason(1)));
    assert_eq!(load_err("save 900 1 #every 15 min"), fatal(1, "save 900 1 #every 15 min", &reason(1)));
    assert_eq!(load_err("timeout #none"), fatal(1, "timeout #none", &reason(1)));
    assert_eq!(load_err("maxmemory 1gb # don't"), fatal(1, "maxmemory 1gb # don't", &reason(1)));
    assert_eq!(load_err("requirepass \"a #b"), fatal(1, "requirepass \"a #b", "Unbalanced quotes in configuration line"));
    // Values that merely contain or start with '#' are fine.
    let c = load("requirepass #secret\nmasterauth \"a #b\"\nmasteruser a#b\n").unwrap_or_else(|e| panic!("{e}"));
    assert_eq!(c.requirepass.as_deref(), Some(&b"#secret"[..]));
    assert_eq!(c.get("masterauth").as_deref(), Some("a #b"));
    assert_eq!(c.get("masteruser").as_deref(), Some("a#b"));
    // A quoted "#..." token is an argument, not a comment (here one too many).
    assert_eq!(load_err("requirepass a \"#b\""), fatal(1, "requirepass a \"#b\"", "wrong number of arguments"));
    // ACL rules use '#<sha256>' for hashed passwords.
    assert!(load("user alice on #5e884898da28047151d0e56f8dc6292773603d0d6aabbdd62a11ef721d1542d8 ~* +@all").is_ok());
}

#[test]
fn config_get_matches_like_redis() {
    let c = Config::default();
    let get = |pats: &[&str]| {
        let pats: Vec<&[u8]> = pats.iter().map(|p| p.as_bytes()).collect();
        c.get_matching(&pats)
    };
    let kv = |k: &str, v: &str| (k.to_string(), v.to_string());
    // An exact name is replied as given; the same directive is listed once.
    assert_eq!(get(&["PORT"]), vec![kv("PORT", "6379")]);
    assert_eq!(get(&["port", "PORT", "Port"]), vec![kv("port", "6379")]);
    assert_eq!(get(&["port", "p*"]).len(), 6);
    assert_eq!(get(&["p*", "port"]).len(), 6);
    assert_eq!(get(&["nonexistent"]), vec![]);
    // Aliases are entries of their own.
    let slave: Vec<String> = get(&["*slave*"]).into_iter().map(|(k, _)| k).collect();
    assert_eq!(slave.len(), 13);
    assert!(slave.contains(&"slaveof".to_string()) && slave.contains(&"repl-ping-slave-period".to_string()));
    assert_eq!(get(&["replicaof", "slaveof"]).len(), 2);
    // Hidden directives only answer to their exact name.
    assert_eq!(get(&["rdb-key-save-delay"]), vec![kv("rdb-key-save-delay", "0")]);
    assert_eq!(get(&["rdb-key*"]), vec![]);
    let mm: Vec<String> = get(&["maxmemory*", "MAXMEMORY-P*"]).into_iter().map(|(k, _)| k).collect();
    assert_eq!(mm, ["maxmemory-policy", "maxmemory-samples", "maxmemory-eviction-tenacity", "maxmemory", "maxmemory-clients"]);
}

fn set(c: &mut Config, pairs: &[(&str, &str)]) -> Result<Vec<&'static str>, String> {
    let pairs: Vec<(&[u8], &[u8])> = pairs.iter().map(|(k, v)| (k.as_bytes(), v.as_bytes())).collect();
    c.set_pairs(&pairs)
}

#[test]
fn config_set_errors_are_worded_like_redis() {
    let mut c = Config::default();
    let failed = |name: &str, why: &str| Err(format!("ERR CONFIG SET failed (possibly related to argument '{name}') - {why}"));
    let unknown = |name: &str| Err(format!("ERR Unknown option or number of arguments for CONFIG SET - '{name}'"));
    assert_eq!(set(&mut c, &[("foo", "1")]), unknown("foo"));
    assert_eq!(set(&mut c, &[("maxmemory", "10x")]), failed("maxmemory", "argument must be a memory value"));
    assert_eq!(set(&mut c, &[("maxmemory", "10mb"), ("MAXMEMORY", "20mb")]), failed("MAXMEMORY", "duplicate parameter"));
    assert_eq!(set(&mut c, &[("daemonize", "no")]), failed("daemonize", "can't set immutable config"));
    assert_eq!(set(&mut c, &[("dir", "/tmp")]), failed("dir", "can't set protected config"));
    assert_eq!(set(&mut c, &[("enable-debug-command", "yes")]), failed("enable-debug-command", "can't set immutable config"));
    assert_eq!(set(&mut c, &[("maxmemory", "10mb"), ("foo", "1")]), unknown("foo"));
    assert_eq!(set(&mut c, &[("daemonize", "no"), ("foo", "1")]), failed("daemonize", "can't set immutable config"));
    assert_eq!(set(&mut c, &[("foo", "1"), ("daemonize", "no")]), unknown("foo"));
    assert_eq!(set(&mut c, &[("maxmemory", "1mb"), ("daemonize", "no")]), failed("daemonize", "can't set immutable config"));
    assert_eq!(set(&mut c, &[("maxmemory", "1x"), ("port", "abc")]), failed("maxmemory", "argument must be a memory value"));
    assert_eq!(set(&mut c, &[("port", "abc"), ("maxmemory", "1x")]), failed("port", "argument couldn't be parsed into an integer"));
    assert_eq!(set(&mut c, &[("slave-read-only", "maybe")]), failed("slave-read-only", "argument must be 'yes' or 'no'"));
    assert_eq!(set(&mut c, &[("save", "1 2 3")]), failed("save", "Invalid save parameters"));
    assert_eq!(set(&mut c, &[("slaveof", "1.2.3.4 5")]), failed("slaveof", "can't set immutable config"));
    assert_eq!(set(&mut c, &[("hz", "-1")]), failed("hz", "argument must be between 0 and 2147483647 inclusive"));
    assert_eq!(
        set(&mut c, &[("client-output-buffer-limit", "normal 1mb 2mb")]),
        failed("client-output-buffer-limit", "Wrong number of arguments in buffer limit configuration.")
    );
    assert_eq!(
        set(&mut c, &[("notify-keyspace-events", "x y")]),
        failed("notify-keyspace-events", "Invalid event class character. Use 'Ag$lshzxeKEtmdn'.")
    );
    assert_eq!(
        set(&mut c, &[("shutdown-on-sigint", "x")]),
        failed("shutdown-on-sigint", "argument(s) must be one of the following: default, save, nosave, now, force")
    );
    // Nothing changed by any of the failures above.
    let fresh = Config::default();
    assert_eq!(c.get_matching(&[b"*"]), fresh.get_matching(&[b"*"]));
}

#[test]
fn config_set_applies_atomically() {
    let mut c = Config::default();
    assert!(set(&mut c, &[("maxmemory", "10mb"), ("port", "abc")]).is_err());
    assert_eq!(c.maxmemory, 0);
    assert_eq!(set(&mut c, &[("maxmemory", "10mb"), ("hz", "1000"), ("timeout", "0")]), Ok(vec!["maxmemory", "hz"]));
    assert_eq!((c.maxmemory, c.hz, c.get("hz").as_deref()), (10 << 20, 500, Some("500")));
    // A primary name and its alias are different entries: both apply, the last wins.
    assert_eq!(set(&mut c, &[("replica-read-only", "yes"), ("slave-read-only", "no")]), Ok(vec!["replica-read-only"]));
    assert_eq!(c.get_bool("replica-read-only"), Some(false));
    assert_eq!(set(&mut c, &[("save", "")]).map(|v| c.save.len() + v.len()), Ok(1));
    assert_eq!(set(&mut c, &[("save", "10 1 20 2")]), Ok(vec!["save"]));
    assert_eq!(c.save, vec![(10, 1), (20, 2)]);
    assert_eq!(set(&mut c, &[("client-output-buffer-limit", "pubsub 1mb 2mb 3")]), Ok(vec!["client-output-buffer-limit"]));
    assert_eq!(c.get("client-output-buffer-limit").as_deref(), Some("normal 0 0 0 slave 268435456 67108864 60 pubsub 1048576 2097152 3"));
    assert_eq!(c.client_output_buffer_limit(ClientClass::Pubsub), ObufLimit { hard: 1 << 20, soft: 2 << 20, soft_seconds: 3 });
    assert_eq!(set(&mut c, &[("requirepass", "")]), Ok(vec![]));
    assert_eq!(set(&mut c, &[("requirepass", "pw"), ("loglevel", "debug")]), Ok(vec!["requirepass", "loglevel"]));
    assert_eq!((c.requirepass.as_deref(), c.loglevel), (Some(&b"pw"[..]), LogLevel::Debug));
    assert_eq!(set(&mut c, &[("bind", "")]), Ok(vec!["bind"]));
    assert!(c.bind.is_empty());
    assert_eq!(set(&mut c, &[("notify-keyspace-events", "KEA")]), Ok(vec!["notify-keyspace-events"]));
    assert_eq!(c.get("notify-keyspace-events").as_deref(), Some("AKE"));
    assert_eq!(set(&mut c, &[("maxmemory-policy", "allkeys-lfu"), ("list-max-ziplist-size", "5")]).map(|v| v.len()), Ok(2));
    assert_eq!((c.maxmemory_policy.as_str(), c.list_max_listpack_size), ("allkeys-lfu", 5));

    // Typed fields are the only copy of their value: direct assignments are seen by CONFIG GET.
    c.port = 7777;
    c.replicaof = Some(("h".into(), 1));
    assert_eq!((c.get("port").as_deref(), c.get("slaveof").as_deref()), (Some("7777"), Some("h 1")));

    let mut p = Config::default();
    let protected: &[(&[u8], &[u8])] = &[(b"dbfilename", b"x.rdb")];
    assert!(p.load_str("enable-protected-configs local", "t").is_ok());
    assert!(p.set_pairs(protected).is_err());
    assert_eq!(p.set_pairs_from(protected, true), Ok(vec!["dbfilename"]));
}

#[test]
fn rewrite_follows_redis() {
    let dir = TempDir::new("rewrite");
    let inc = dir.write("inc.conf", "timeout 5\n");
    let file = dir.write(
        "rw.conf",
        &format!(
            "# top comment\nport 7811\nslaveof 127.0.0.1 9999\nhash-max-ziplist-entries 1024\nlua-time-limit 6000\n\
             save 900 1\nsave 300 10\ninclude {inc}\nrename-command FLUSHALL \"\"\nlist-max-ziplist-entries 512\n\
             bind * -::*\n\n\nmaxmemory 100mb\nmaxmemory 200mb\n# ??? unknown-thing yes\nrequirepass \"a b\"\n  \
             # indented comment\nlogfile \"\"\nnotify-keyspace-events \"\"\n"
        ),
    );
    let log = dir.path("rw.log");
    let pid = dir.path("rw.pid");
    let d = dir.0.to_string_lossy().into_owned();
    let c =
        Config::from_args(&args(&[&file, "--daemonize", "yes", "--pidfile", &pid, "--logfile", &log, "--dir", &d])).unwrap_or_else(|e| panic!("{e}"));
    assert_eq!(c.rewrite(), Ok(()));
    let got = std::fs::read_to_string(&file).unwrap_or_default();
    // What redis-server 7.0.15 writes for the same file and settings, except that Redis appends
    // in hash order (here: table order) and also writes its ACL users.
    let expected = format!(
        "# top comment\nport 7811\nreplicaof 127.0.0.1 9999\nhash-max-listpack-entries 1024\nbusy-reply-threshold 6000\n\
         save 900 1\nsave 300 10\ninclude {inc}\nrename-command FLUSHALL \"\"\n# ??? list-max-ziplist-entries 512\n\n\
         maxmemory 200mb\n\n# ??? unknown-thing yes\nrequirepass \"a b\"\n# indented comment\nlogfile \"{log}\"\n\
         notify-keyspace-events \"\"\n\n# Generated by CONFIG REWRITE\ndaemonize yes\npidfile \"{pid}\"\ntimeout 5\n\
         dir \"{d}\"\nlatency-tracking-info-percentiles 50 99 99.9\n"
    );
    assert_eq!(got, expected);
    // Rewriting again only adds the blank last line Redis adds too (the old final newline ends
    // an empty line), and is then stable.
    let again = Config::from_args(&args(&[&file])).unwrap_or_else(|e| panic!("{e}"));
    assert_eq!(again.rewrite(), Ok(()));
    assert_eq!(std::fs::read_to_string(&file).unwrap_or_default(), format!("{expected}\n"));
    assert_eq!(again.rewrite(), Ok(()));
    assert_eq!(std::fs::read_to_string(&file).unwrap_or_default(), format!("{expected}\n"));
    let mode = std::fs::metadata(&file).map(|m| std::os::unix::fs::PermissionsExt::mode(&m.permissions()) & 0o777);
    assert!(mode.is_ok_and(|m| m & 0o600 == 0o600));
}

#[test]
fn rewrite_of_a_minimal_file_and_of_changes() {
    let dir = TempDir::new("rewrite2");
    let file = dir.write("rw2.conf", "port 7812\n");
    let mut c = Config::from_args(&args(&[&file])).unwrap_or_else(|e| panic!("{e}"));
    assert_eq!(c.rewrite(), Ok(()));
    let d = c.dir.clone();
    assert_eq!(
        std::fs::read_to_string(&file).unwrap_or_default(),
        format!(
            "port 7812\n\n# Generated by CONFIG REWRITE\ndir \"{d}\"\nsave 3600 1\nsave 300 100\nsave 60 10000\n\
             latency-tracking-info-percentiles 50 99 99.9\n"
        )
    );
    let changes = [
        ("save", ""),
        ("notify-keyspace-events", "KEA"),
        ("maxmemory", "3000"),
        ("client-output-buffer-limit", "pubsub 64mb 16mb 90"),
        ("shutdown-on-sigterm", "nosave now"),
        ("maxmemory-clients", "5%"),
        ("requirepass", "x\"y\\z"),
        ("masteruser", "é"),
        ("hz", "1000"),
    ];
    assert!(set(&mut c, &changes).is_ok());
    assert_eq!(c.rewrite(), Ok(()));
    assert_eq!(
        std::fs::read_to_string(&file).unwrap_or_default(),
        format!(
            "port 7812\n\n# Generated by CONFIG REWRITE\ndir \"{d}\"\nsave \"\"\n\n\
             latency-tracking-info-percentiles 50 99 99.9\n\nmasteruser \"\\xc3\\xa9\"\nrequirepass \"x\\\"y\\\\z\"\n\
             shutdown-on-sigterm nosave now\nhz 500\nmaxmemory 3000\nmaxmemory-clients 5%\n\
             client-output-buffer-limit pubsub 64mb 16mb 90\nnotify-keyspace-events \"AKE\"\n"
        )
    );
    // The rewritten file loads back to the same values.
    let back = Config::from_args(&args(&[&file])).unwrap_or_else(|e| panic!("{e}"));
    assert_eq!(back.get_matching(&[b"*"]), c.get_matching(&[b"*"]));

    assert_eq!(Config::default().rewrite(), Err("ERR The server is running without a config file".into()));
    let gone = Config { file: Some(Path::new("/nonexistent/dir/x.conf").to_path_buf()), ..Config::default() };
    assert_eq!(gone.rewrite(), Err("ERR Rewriting config file: No such file or directory".into()));
}
