//! sentinel.conf loading and rewriting, checked against redis-sentinel 7.0.15 (messages and
//! rewritten files observed from the real binary).

use std::os::unix::fs::PermissionsExt;
use std::path::{Path, PathBuf};

use super::*;

/// A scratch directory removed when dropped.
struct TempDir(PathBuf);

impl TempDir {
    fn new(tag: &str) -> TempDir {
        // Tests run in parallel: every directory is new.
        static NEXT: std::sync::atomic::AtomicUsize = std::sync::atomic::AtomicUsize::new(0);
        let n = NEXT.fetch_add(1, std::sync::atomic::Ordering::Relaxed);
        let dir = std::env::temp_dir().join(format!("redis-ha-sentinel-conf-{tag}-{}-{n}", std::process::id()));
        let _ = std::fs::remove_dir_all(&dir);
        std::fs::create_dir_all(&dir).unwrap_or_else(|e| panic!("mkdir {}: {e}", dir.display()));
        // The path Config keeps for `dir` (symlinks resolved, like chdir + getcwd).
        TempDir(std::fs::canonicalize(&dir).unwrap_or(dir))
    }

    fn path(&self, name: &str) -> String {
        self.0.join(name).to_string_lossy().into_owned()
    }

    fn write(&self, name: &str, text: &str) -> String {
        let path = self.path(name);
        std::fs::write(&path, text).unwrap_or_else(|e| panic!("write {path}: {e}"));
        path
    }

    fn script(&self, name: &str, mode: u32) -> String {
        let path = self.write(name, "#!/bin/sh\nexit 0\n");
        std::fs::set_permissions(&path, std::fs::Permissions::from_mode(mode)).unwrap_or_else(|e| panic!("chmod {path}: {e}"));
        path
    }

    fn dir(&self) -> String {
        self.0.to_string_lossy().into_owned()
    }
}

impl Drop for TempDir {
    fn drop(&mut self) {
        let _ = std::fs::remove_dir_all(&self.0);
    }
}

fn strings(list: &[&str]) -> Vec<String> {
    list.iter().map(|s| s.to_string()).collect()
}

/// `redis-sentinel <dir>/sentinel.conf --dir <dir> <extra...>` with `text` as the file.
fn load_in(dir: &TempDir, text: &str, extra: &[&str]) -> Result<SentinelConfig, ConfigError> {
    let file = dir.write("sentinel.conf", text);
    let mut args = vec![file, "--dir".to_string(), dir.dir()];
    args.extend(strings(extra));
    Config::from_args_sentinel(&args)
}

fn load(text: &str) -> SentinelConfig {
    let dir = TempDir::new("load");
    load_in(&dir, text, &[]).unwrap_or_else(|e| panic!("{text:?} did not load:{e}"))
}

fn settings(text: &str) -> SentinelSettings {
    load(text).settings
}

/// The error for `text`, which must fail.
fn load_err(text: &str) -> ConfigError {
    let dir = TempDir::new("err");
    match load_in(&dir, text, &[]) {
        Ok(_) => panic!("{text:?} loaded"),
        Err(e) => e,
    }
}

/// Asserts the error names `line` and its text and gives `reason`, in Redis's block.
fn assert_fails(text: &str, line: usize, reason: &str) {
    let e = load_err(text);
    // Trimmed like Redis trims (not Unicode whitespace).
    let shown = text.lines().nth(line - 1).unwrap_or_default().trim_matches([' ', '\t', '\r']).to_string();
    assert_eq!((e.line, e.text.as_deref(), e.reason.as_str()), (Some(line), Some(shown.as_str()), reason), "{text:?}");
    assert_eq!(
        e.to_string(),
        format!("\n*** FATAL CONFIG FILE ERROR (Redis 7.0.15) ***\nReading the configuration file, at line {line}\n>>> '{shown}'\n{reason}\n")
    );
}

fn master<'a>(s: &'a SentinelSettings, name: &str) -> &'a MasterSettings {
    s.masters.iter().find(|m| m.name == name).unwrap_or_else(|| panic!("no master {name} in {s:?}"))
}

const M: &str = "sentinel monitor m 127.0.0.1 6379 2\n";

// ---------------------------------------------------------------- directives

#[test]
fn sentinel_defaults_port_and_protected_mode() {
    let c = load(M);
    assert_eq!((c.config.port, c.config.protected_mode), (26379, false));
    assert!(c.config.is_sentinel());
    assert_eq!(c.settings.masters, vec![MasterSettings::new("m", "127.0.0.1", 6379, 2)]);
    assert_eq!(c.settings.myid, None);
    assert!(c.warnings.is_empty());
    // The file can set both, as in redis-sentinel.
    let c = load(&format!("port 26380\nprotected-mode yes\n{M}"));
    assert_eq!((c.config.port, c.config.protected_mode), (26380, true));
    // The ordinary directives load as for redis-server.
    let c = load(&format!("bind 127.0.0.1\nloglevel warning\nrequirepass pw\ndaemonize no\npidfile /tmp/x.pid\n{M}"));
    assert_eq!(c.config.bind, vec!["127.0.0.1".to_string()]);
    assert_eq!((c.config.loglevel, c.config.pidfile.as_str()), (crate::config::LogLevel::Warning, "/tmp/x.pid"));
    assert_eq!(c.config.requirepass.as_deref(), Some(&b"pw"[..]));
}

#[test]
fn every_directive_is_applied() {
    let dir = TempDir::new("all");
    let script = dir.script("notify.sh", 0o755);
    let text = format!(
        "SENTINEL MONITOR m1 127.0.0.1 6379 2\n\
         sentinel Down-After-Milliseconds m1 5000\n\
         sentinel failover-timeout m1 10000\n\
         sentinel parallel-syncs m1 3\n\
         sentinel notification-script m1 {script}\n\
         sentinel client-reconfig-script m1 notify.sh\n\
         sentinel auth-pass m1 \"p w\"\n\
         sentinel auth-user m1 bob\n\
         sentinel rename-command m1 CONFIG GUESS\n\
         sentinel rename-command m1 SLAVEOF RO\n\
         sentinel master-reboot-down-after-period m1 7000\n\
         sentinel config-epoch m1 3\n\
         sentinel leader-epoch m1 4\n\
         sentinel known-replica m1 127.0.0.1 6380\n\
         sentinel known-slave m1 127.0.0.1 6381\n\
         sentinel known-sentinel m1 127.0.0.1 26400 0123456789012345678901234567890123456789\n\
         sentinel known-sentinel m1 127.0.0.1 26401\n\
         sentinel known-sentinel nosuchmaster 127.0.0.1 26401\n\
         sentinel monitor m0 ::1 7000 1\n\
         sentinel announce-ip 1.2.3.4\n\
         sentinel announce-port 1234\n\
         sentinel deny-scripts-reconfig no\n\
         sentinel sentinel-user su\n\
         sentinel sentinel-pass \"sp x\"\n\
         sentinel current-epoch 7\n\
         sentinel myid aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa\n\
         sentinel resolve-hostnames yes\n\
         sentinel announce-hostnames YES\n"
    );
    let c = load_in(&dir, &text, &[]).unwrap_or_else(|e| panic!("{e}"));
    let s = &c.settings;
    assert_eq!(s.myid.as_deref(), Some("aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa"));
    assert_eq!((s.current_epoch, s.announce_ip.as_deref(), s.announce_port), (7, Some("1.2.3.4"), 1234));
    assert_eq!((s.deny_scripts_reconfig, s.resolve_hostnames, s.announce_hostnames), (false, true, true));
    assert_eq!((s.sentinel_user.as_deref(), s.sentinel_pass.as_deref()), (Some("su"), Some("sp x")));
    assert_eq!(s.masters.iter().map(|m| m.name.as_str()).collect::<Vec<_>>(), ["m1", "m0"]);
    let m1 = master(s, "m1");
    assert_eq!((m1.host.as_str(), m1.port, m1.quorum), ("127.0.0.1", 6379, 2));
    assert_eq!((m1.down_after_ms, m1.failover_timeout_ms, m1.parallel_syncs), (5000, 10000, 3));
    assert_eq!((m1.notification_script.as_deref(), m1.client_reconfig_script.as_deref()), (Some(script.as_str()), Some("notify.sh")));
    assert_eq!((m1.auth_pass.as_deref(), m1.auth_user.as_deref()), (Some("p w"), Some("bob")));
    assert_eq!(m1.rename_commands, vec![("CONFIG".to_string(), "GUESS".to_string()), ("SLAVEOF".to_string(), "RO".to_string())]);
    assert_eq!((m1.master_reboot_down_after_period_ms, m1.config_epoch, m1.leader_epoch), (7000, 3, 4));
    assert_eq!(m1.known_replicas, vec![("127.0.0.1".to_string(), 6380), ("127.0.0.1".to_string(), 6381)]);
    let runid = "0123456789012345678901234567890123456789".to_string();
    assert_eq!(m1.known_sentinels, vec![KnownSentinel { host: "127.0.0.1".into(), port: 26400, runid }]);
    assert_eq!(master(s, "m0"), &MasterSettings::new("m0", "::1", 7000, 1));
}

#[test]
fn empty_values_leave_optional_settings_unset() {
    let s =
        settings(&format!("{M}sentinel announce-ip 1.2.3.4\nsentinel announce-ip \"\"\nsentinel sentinel-user \"\"\nsentinel sentinel-pass \"\"\n"));
    // An empty value does not unset an earlier one (sentinel.c only sets non-empty strings).
    assert_eq!((s.announce_ip.as_deref(), s.sentinel_user.clone(), s.sentinel_pass.clone()), (Some("1.2.3.4"), None, None));
    let s = settings(&format!("{M}sentinel auth-pass m \"\"\n"));
    assert_eq!(master(&s, "m").auth_pass.as_deref(), Some(""));
}

#[test]
fn numbers_read_like_atoi_and_strtoull() {
    assert_eq!(atoi(b"5000"), 5000);
    assert_eq!(atoi(b"  -12abc"), -12);
    assert_eq!(atoi(b"abc"), 0);
    assert_eq!(atoi(b"+7"), 7);
    assert_eq!(atoi(b"99999999999"), 99999999999i64 as i32);
    assert_eq!(atoi(b"99999999999999999999999"), -1);
    assert_eq!(strtoull(b"18446744073709551615"), u64::MAX);
    assert_eq!(strtoull(b"18446744073709551616"), u64::MAX);
    assert_eq!(strtoull(b"-1"), u64::MAX);
    assert_eq!(strtoull(b"12x"), 12);
    // Trailing garbage is ignored, as by redis-sentinel.
    let s = settings(&format!("{M}sentinel down-after-milliseconds m 5000ms\nsentinel parallel-syncs m x\n"));
    assert_eq!((master(&s, "m").down_after_ms, master(&s, "m").parallel_syncs), (5000, 0));
    // A port atoi reads as 0 is accepted, as by redis-sentinel.
    assert_eq!(master(&settings("sentinel monitor m 127.0.0.1 abc 2\n"), "m").port, 0);
}

#[test]
fn epochs_only_move_forward() {
    let s = settings(&format!("sentinel current-epoch 9\nsentinel current-epoch 4\n{M}sentinel config-epoch m 12\n"));
    assert_eq!((s.current_epoch, master(&s, "m").config_epoch), (12, 12));
    let s = settings(&format!("{M}sentinel config-epoch m 3\nsentinel current-epoch 5\n"));
    assert_eq!(s.current_epoch, 5);
}

#[test]
fn addresses_are_canonical_and_hostnames_need_resolve_hostnames() {
    let s = settings("sentinel monitor m 0:0::1 6379 2\nsentinel known-replica m 0:0:0:0:0:0:0:2 1\n");
    assert_eq!((master(&s, "m").host.as_str(), master(&s, "m").known_replicas[0].0.as_str()), ("::1", "::2"));
    assert_fails("sentinel monitor m master 6379 2\n", 1, &format!("{CANT_RESOLVE} {HOSTNAME_HINT}"));
    assert!(load_err("sentinel monitor m 127.0.0.1 6379 2\nsentinel known-replica m replica-0 6379\n").reason.starts_with(CANT_RESOLVE));
    // resolve-hostnames is applied before any monitor line, wherever it is; the name is kept.
    let s = settings("sentinel monitor m master 6379 2\nsentinel known-replica m Replica-0 6379\nsentinel resolve-hostnames yes\n");
    assert_eq!((master(&s, "m").host.as_str(), master(&s, "m").known_replicas.clone()), ("master", vec![("Replica-0".to_string(), 6379)]));
    assert_fails(
        "sentinel resolve-hostnames yes\nsentinel monitor m r 6379 2\nsentinel known-replica m r 1\nsentinel known-replica m R 1\n",
        4,
        DUPLICATE_REPLICA,
    );
}

#[test]
fn scripts_must_exist_and_be_executable() {
    let dir = TempDir::new("scripts");
    let runnable = dir.script("ok.sh", 0o755);
    dir.script("plain.sh", 0o644);
    let ok = load_in(&dir, &format!("{M}sentinel notification-script m {runnable}\nsentinel client-reconfig-script m ok.sh\n"), &[]);
    let s = ok.unwrap_or_else(|e| panic!("{e}")).settings;
    assert_eq!(master(&s, "m").notification_script.as_deref(), Some(runnable.as_str()));
    let fails = |text: &str| load_in(&dir, text, &[]).err().map(|e| e.reason).unwrap_or_default();
    assert_eq!(fails(&format!("{M}sentinel notification-script m /nonexistent/x.sh\n")), NOTIFICATION_SCRIPT);
    assert_eq!(fails(&format!("{M}sentinel client-reconfig-script m {}\n", dir.path("missing.sh"))), RECONFIG_SCRIPT);
    // root may run any file with an execute bit only: check the mode, not the uid.
    assert_eq!(fails(&format!("{M}sentinel client-reconfig-script m plain.sh\n")), RECONFIG_SCRIPT);
}

#[test]
fn load_order_is_pre_monitor_then_monitor_then_the_rest() {
    // A line naming a master declared further down works, as do global lines anywhere.
    let s = settings(
        "sentinel down-after-milliseconds m 5000\nsentinel known-replica m 127.0.0.1 6380\nsentinel myid bbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbb\n\
         sentinel monitor m 127.0.0.1 6379 2\nsentinel monitor a 127.0.0.2 6379 1\n",
    );
    assert_eq!(s.masters.iter().map(|m| m.name.as_str()).collect::<Vec<_>>(), ["m", "a"]);
    assert_eq!((master(&s, "m").down_after_ms, master(&s, "m").known_replicas.len()), (5000, 1));
    // Errors are reported in application order: a later monitor error before an earlier
    // post-monitor one, a later pre-monitor error before both.
    assert_fails("sentinel parallel-syncs x 1\nsentinel monitor m 127.0.0.1 6379 0\n", 2, QUORUM);
    assert_fails("sentinel parallel-syncs x 1\nsentinel monitor m 127.0.0.1 6379 0\nsentinel myid abc\n", 3, MALFORMED_MYID);
    // Ordinary directives are checked first: sentinel lines are applied after the whole file.
    assert_fails("sentinel bogus\nport x\n", 2, "argument couldn't be parsed into an integer");
}

#[test]
fn errors_match_redis_sentinel() {
    let cases: &[(&str, usize, &str)] = &[
        ("sentinel monitor m 127.0.0.1 70000 2\n", 1, INVALID_PORT),
        ("sentinel monitor m 127.0.0.1 -1 2\n", 1, INVALID_PORT),
        ("sentinel monitor m 127.0.0.1 6379 0\n", 1, QUORUM),
        ("sentinel monitor m 127.0.0.1 6379 -3\n", 1, QUORUM),
        ("sentinel monitor m 127.0.0.1 6379\n", 1, UNRECOGNIZED),
        ("sentinel bogus\n", 1, UNRECOGNIZED),
        ("sentinel monitor M1 127.0.0.1 6379 2\nsentinel down-after-milliseconds m1 100\n", 2, NO_SUCH_MASTER),
        ("sentinel monitor m 127.0.0.1 6379 2\nsentinel monitor m 127.0.0.2 6379 2\n", 2, DUPLICATE_MASTER),
        ("sentinel myid abc\n", 1, MALFORMED_MYID),
        ("sentinel myid aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa\n", 1, MALFORMED_MYID),
        (
            "sentinel monitor m 127.0.0.1 6379 2\nsentinel known-sentinel m 127.0.0.1 1 aaaa\nsentinel known-sentinel m 127.0.0.2 1 aaaa\n",
            3,
            DUPLICATE_SENTINEL,
        ),
        ("sentinel monitor m 127.0.0.1 6379 2\nsentinel known-replica m 127.0.0.1 1\nsentinel known-replica m 127.0.0.1 1\n", 3, DUPLICATE_REPLICA),
        ("sentinel monitor m ::1 6379 2\nsentinel known-replica m 0:0::1 1\nsentinel known-replica m ::1 1\n", 3, DUPLICATE_REPLICA),
        ("sentinel monitor m 127.0.0.1 6379 2\nsentinel known-replica m 127.0.0.1 65536\n", 2, INVALID_PORT),
        ("sentinel monitor m 127.0.0.1 6379 2\nsentinel known-replica x 127.0.0.1 1\n", 2, NO_SUCH_MASTER),
        ("sentinel monitor m 127.0.0.1 6379 2\nsentinel rename-command m a b\nsentinel rename-command m A c\n", 3, RENAMED_TWICE),
        ("sentinel monitor m 127.0.0.1 6379 2\nsentinel down-after-milliseconds m 0\n", 2, ZERO_TIME),
        ("sentinel monitor m 127.0.0.1 6379 2\nsentinel failover-timeout m -5\n", 2, ZERO_TIME),
        ("sentinel monitor m 127.0.0.1 6379 2\nsentinel master-reboot-down-after-period m -5\n", 2, NEGATIVE_TIME),
        ("sentinel monitor m 127.0.0.1 6379 2\nsentinel parallel-syncs m -1\n", 2, NEGATIVE_PARALLEL_SYNCS),
        ("sentinel monitor m 127.0.0.1 6379 2\nsentinel auth-pass nope x\n", 2, NO_SUCH_MASTER),
        ("sentinel monitor m 127.0.0.1 6379 2\nsentinel config-epoch nope 1\n", 2, NO_SUCH_MASTER),
        ("sentinel deny-scripts-reconfig maybe\n", 1, DENY_SCRIPTS_YES_NO),
        ("sentinel resolve-hostnames maybe\n", 1, RESOLVE_YES_NO),
        ("sentinel announce-hostnames maybe\n", 1, ANNOUNCE_YES_NO),
        ("sentinel announce-port 70000\n", 1, INVALID_PORT),
        ("sentinel current-epoch\n", 1, UNRECOGNIZED),
        ("\n\nsentinel monitor m 127.0.0.1 6379 2 extra\n", 3, UNRECOGNIZED),
    ];
    for (text, line, reason) in cases {
        assert_fails(text, *line, reason);
    }
    // The lone `sentinel` line (the mode switch) is fine.
    assert!(settings("sentinel\n").masters.is_empty());
}

#[test]
fn command_line_sentinel_options() {
    let dir = TempDir::new("argv");
    let c =
        load_in(&dir, "port 26380\n", &["--sentinel", "monitor", "m", "127.0.0.1", "6379", "2", "--sentinel", "down-after-milliseconds", "m", "100"]);
    let c = c.unwrap_or_else(|e| panic!("{e}"));
    assert_eq!(master(&c.settings, "m").down_after_ms, 100);
    // The options follow the file's lines (one empty line after it), as redis-sentinel counts:
    // line 3 is `dir` (added by load_in), line 4 the sentinel option.
    let e = load_in(&dir, "port 26380\n", &["--sentinel", "monitor", "m", "127.0.0.1", "6379", "0"]).err().unwrap_or_else(|| panic!("loaded"));
    assert_eq!(
        e.to_string(),
        "\n*** FATAL CONFIG FILE ERROR (Redis 7.0.15) ***\nReading the configuration file, at line 4\n\
         >>> 'sentinel \"monitor\" \"m\" \"127.0.0.1\" \"6379\" \"0\"'\nQuorum must be 1 or greater.\n"
    );
    assert_eq!(e.source.as_deref(), Some("command line"));
    // `--sentinel` alone, as main passes it through, is the mode switch.
    let c = load_in(&dir, M, &["--sentinel", "--port", "26390"]).unwrap_or_else(|e| panic!("{e}"));
    assert_eq!(c.config.port, 26390);
}

#[test]
fn included_files_queue_their_sentinel_lines() {
    let dir = TempDir::new("include");
    let inc = dir.write("inc.conf", "sentinel down-after-milliseconds m 0\n");
    let e = load_in(&dir, &format!("include {inc}\n{M}"), &[]).err().unwrap_or_else(|| panic!("loaded"));
    assert_eq!((e.source.as_deref(), e.line, e.reason.as_str()), (Some(inc.as_str()), Some(1), ZERO_TIME));
}

#[test]
fn normal_mode_still_refuses_sentinel_lines() {
    let dir = TempDir::new("normal");
    let file = dir.write("redis.conf", M);
    let e = Config::from_args(&[file]).err().unwrap_or_else(|| panic!("loaded"));
    assert_eq!(e.reason, "sentinel directive while not in sentinel mode");
    let c = Config::from_args(&[dir.write("r.conf", "sentinel\nport 7000\n")]).unwrap_or_else(|e| panic!("{e}"));
    assert_eq!((c.port, c.protected_mode, c.is_sentinel()), (7000, true, false));
}

#[test]
fn obsolete_can_failover_yes_is_ignored_with_a_warning() {
    let c = load(&format!("{M}sentinel can-failover m yes\n"));
    assert_eq!(c.settings.masters, vec![MasterSettings::new("m", "127.0.0.1", 6379, 2)]);
    assert_eq!(c.warnings.len(), 1);
    assert!(c.warnings[0].contains("'sentinel can-failover' is obsolete"), "{:?}", c.warnings);
    assert!(c.warnings[0].ends_with("(line 2 of '") || c.warnings[0].contains("(line 2 of '"), "{:?}", c.warnings);
    assert_fails(&format!("{M}sentinel can-failover m no\n"), 2, CAN_FAILOVER_REMOVED);
    assert_fails(&format!("{M}sentinel can-failover x yes\n"), 2, NO_SUCH_MASTER);
}

#[test]
fn inline_comments_on_sentinel_lines_say_so() {
    let dir = TempDir::new("inline");
    let text = format!("{M}sentinel down-after-milliseconds m 5000 ## five seconds\n");
    let e = load_in(&dir, &text, &[]).err().unwrap_or_else(|| panic!("loaded"));
    let file = dir.path("sentinel.conf");
    assert_eq!(e.line, Some(2));
    assert_eq!(
        e.reason,
        format!(
            "Bad directive or wrong number of arguments: inline comments after a value are not allowed (use a line of its own \
             starting with '#') - in '{file}' at line 2"
        )
    );
    // A '#' value is a value when the count is right (a password may start with '#').
    assert_eq!(master(&settings(&format!("{M}sentinel auth-pass m #secret\n")), "m").auth_pass.as_deref(), Some("#secret"));
}

#[test]
fn non_breaking_spaces_that_break_a_line_are_read_as_spaces() {
    let nb = "\u{a0}\u{a0}";
    let text = format!(
        "port 26379{nb} \n{nb} \n# comment{nb}\nsentinel monitor m 127.0.0.1 6379 2{nb}\nsentinel auth-pass m pass{nb}\n\
         sentinel down-after-milliseconds m{nb}1000\nrequirepass x{nb}\n"
    );
    let c = load(&text);
    assert_eq!((c.config.port, c.config.requirepass.clone()), (26379, Some(format!("x{nb}").into_bytes())));
    let m = master(&c.settings, "m");
    // Lines that load as written keep their bytes, as in redis-sentinel (atoi stops at the
    // first non-digit); the others are read with spaces.
    assert_eq!((m.quorum, m.auth_pass.clone(), m.down_after_ms), (2, Some(format!("pass{nb}")), 1000));
    let file = c.config.file_abs().map(|p| p.display().to_string()).unwrap_or_default();
    assert_eq!(c.config.file.as_ref().map(|p| p.display().to_string()), Some(file.clone()));
    assert_eq!(
        c.warnings,
        [
            format!("Non-breaking spaces (U+00A0) were read as plain spaces on line(s) 1, 2, 6 of '{file}'; replace them with spaces"),
            format!(
                "Non-breaking spaces (U+00A0) on line(s) 4, 5, 7 of '{file}' were read as part of the values, as redis-sentinel reads \
                 them; check those values"
            ),
        ]
    );
    // Still wrong with plain spaces: the line as written is reported.
    assert_fails(&format!("port x{nb}\n"), 1, "argument couldn't be parsed into an integer");
    assert_eq!(without_nbsp(format!("a{nb}\"b{nb}\"").as_bytes()), format!("a  \"b{nb}\"").into_bytes());
}

// ---------------------------------------------------------------- start-up checks

#[test]
fn config_file_must_exist_and_be_writable() {
    let c = Config::from_args_sentinel(&strings(&["--sentinel", "monitor", "m", "127.0.0.1", "6379", "2"])).unwrap_or_else(|e| panic!("{e}"));
    assert_eq!(c.config.port, 26379);
    assert_eq!(check_config_file(&c.config), Err("Sentinel needs config file on disk to save state. Exiting...".to_string()));

    let dir = TempDir::new("check");
    let c = load_in(&dir, M, &[]).unwrap_or_else(|e| panic!("{e}"));
    assert_eq!(check_config_file(&c.config), Ok(()));
    let file = dir.path("sentinel.conf");
    std::fs::remove_file(&file).unwrap_or_else(|e| panic!("rm: {e}"));
    assert_eq!(check_config_file(&c.config), Err(format!("Sentinel config file {file} is not writable: No such file or directory. Exiting...")));
}

#[test]
fn myids_are_random_hex() {
    let (a, b) = (new_myid(), new_myid());
    assert_eq!((a.len(), b.len()), (40, 40));
    assert!(a.bytes().all(|c| c.is_ascii_hexdigit() && !c.is_ascii_uppercase()));
    assert_ne!(a, b);
}

// ---------------------------------------------------------------- fixtures

fn fixtures() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures/configs")
}

fn seed(name: &str) -> String {
    fixtures().join("seeds").join(name).to_string_lossy().into_owned()
}

/// `redis-sentinel <seed> --port 0 --dir <tmp> --daemonize no --pidfile "" --logfile "" <extra>`.
fn load_seed(name: &str, dir: &TempDir, extra: &[&str]) -> Result<SentinelConfig, ConfigError> {
    let tmp = dir.dir();
    let mut args = strings(&[&seed(name), "--port", "0", "--dir", &tmp, "--daemonize", "no", "--pidfile", "", "--logfile", ""]);
    args.extend(strings(extra));
    Config::from_args_sentinel(&args)
}

#[test]
fn stock_sentinel_conf_loads() {
    let stock = fixtures().join("sentinel-7.0-default.conf").to_string_lossy().into_owned();
    let c = Config::from_args_sentinel(std::slice::from_ref(&stock)).unwrap_or_else(|e| panic!("{stock}:{e}"));
    assert_eq!((c.config.port, c.config.protected_mode, c.config.daemonize), (26379, false, false));
    assert_eq!((c.config.pidfile.as_str(), c.config.logfile.as_str(), c.config.dir.as_str()), ("/var/run/redis-sentinel.pid", "", "/tmp"));
    assert_eq!(c.settings, SentinelSettings { masters: vec![MasterSettings::new("mymaster", "127.0.0.1", 6379, 2)], ..SentinelSettings::default() });
    assert!(c.warnings.is_empty());
}

#[test]
fn seed000_and_seed004_load() {
    let dir = TempDir::new("seed000");
    let c = load_seed("seed000-sentinel.conf", &dir, &[]).unwrap_or_else(|e| panic!("{e}"));
    assert_eq!((c.config.port, c.config.dir.clone()), (0, dir.dir()));
    assert_eq!(c.settings.masters, vec![MasterSettings::new("mymaster", "127.0.0.1", 6379, 2)]);

    // Without overrides, its own port shows.
    let c = Config::from_args_sentinel(&[seed("seed004-sentinel.conf")]).unwrap_or_else(|e| panic!("{e}"));
    assert_eq!(c.config.port, 26380);
    assert_eq!(c.settings.masters, vec![MasterSettings::new("mymaster", "192.168.231.130", 6379, 1)]);
}

#[test]
fn seed001_hostname_needs_resolve_hostnames() {
    let dir = TempDir::new("seed001");
    // redis-sentinel 7.0 refuses it too ("Can't resolve instance hostname."): since 6.2 a
    // hostname needs resolve-hostnames; ours says so.
    let e = load_seed("seed001-sentinel.conf", &dir, &[]).err().unwrap_or_else(|| panic!("seed001 loaded"));
    assert_eq!((e.line, e.text.as_deref()), (Some(3), Some("sentinel monitor redis-ha master 6379 2")));
    assert_eq!(e.reason, format!("{CANT_RESOLVE} {HOSTNAME_HINT}"));

    let c = load_seed("seed001-sentinel.conf", &dir, &["--sentinel", "resolve-hostnames", "yes"]).unwrap_or_else(|e| panic!("{e}"));
    let m = master(&c.settings, "redis-ha");
    assert_eq!((m.host.as_str(), m.port, m.quorum, m.failover_timeout_ms, m.down_after_ms), ("master", 6379, 2, 10000, 5000));
    assert!(!c.config.protected_mode);
}

#[test]
fn seed002_loads_with_warnings_for_can_failover_and_non_breaking_spaces() {
    let dir = TempDir::new("seed002");
    let c = load_seed("seed002-sentinel.conf", &dir, &[]).unwrap_or_else(|e| panic!("seed002:{e}"));
    let m = master(&c.settings, "def_master");
    assert_eq!((m.host.as_str(), m.port, m.quorum), ("127.0.0.1", 6379, 2));
    // The non-breaking spaces after the password are part of it for redis-sentinel too.
    let pass = "012_345^678-90\u{a0}\u{a0}";
    assert_eq!((m.auth_pass.as_deref(), m.down_after_ms, m.parallel_syncs, m.failover_timeout_ms), (Some(pass), 30000, 1, 900000));
    assert_eq!(c.config.port, 0);
    let file = seed("seed002-sentinel.conf");
    assert_eq!(
        c.warnings,
        [
            format!(
                "'sentinel can-failover' is obsolete (removed in Redis 2.8, every sentinel may fail over) and was ignored; remove the \
                 line (line 22 of '{file}')"
            ),
            format!("Non-breaking spaces (U+00A0) were read as plain spaces on line(s) 4, 9, 11, 18, 22, 23, 30, 34 of '{file}'; replace them with spaces"),
            format!(
                "Non-breaking spaces (U+00A0) on line(s) 8, 10, 17, 29, 33 of '{file}' were read as part of the values, as \
                 redis-sentinel reads them; check those values"
            ),
        ]
    );
}

#[test]
fn seed003_inline_comments_are_refused_with_file_and_line() {
    let dir = TempDir::new("seed003");
    let file = seed("seed003-sentinel.conf");
    let e = load_seed("seed003-sentinel.conf", &dir, &[]).err().unwrap_or_else(|| panic!("seed003 loaded"));
    let line = "port 26379       ##监听端口";
    assert_eq!((e.source.as_deref(), e.line, e.text.as_deref()), (Some(file.as_str()), Some(2), Some(line)));
    assert_eq!(
        e.reason,
        format!(
            "Bad directive or wrong number of arguments: inline comments after a value are not allowed (use a line of its own \
             starting with '#') - in '{file}' at line 2"
        )
    );

    // With the comments on lines of their own (and this host's dir) it loads.
    let text = std::fs::read_to_string(&file).unwrap_or_else(|e| panic!("read: {e}"));
    let fixed: String = text
        .lines()
        .map(|l| match l.find(" ##") {
            _ if l.starts_with("dir ") => format!("# {l}\n"),
            Some(pos) => format!("{}\n", &l[..pos]),
            None => format!("{l}\n"),
        })
        .collect();
    let fixed_path = dir.write("fixed.conf", &fixed);
    let args = strings(&[&fixed_path, "--dir", &dir.dir(), "--logfile", "", "--daemonize", "no"]);
    let c = Config::from_args_sentinel(&args).unwrap_or_else(|e| panic!("{e}"));
    assert_eq!(c.settings.masters.len(), 2);
    for (name, port) in [("redis_14555_g1_4500", 4500), ("redis_14555_g2_4501", 4501)] {
        let m = master(&c.settings, name);
        assert_eq!((m.host.as_str(), m.port, m.quorum), ("192.168.16.22", port, 2));
        assert_eq!((m.down_after_ms, m.failover_timeout_ms, m.parallel_syncs), (2500, 10000, 1));
    }
}

// ---------------------------------------------------------------- rewrite

/// Loads `text` from `dir`/sentinel.conf and returns the rewritten file (written to disk).
fn rewrite_text(dir: &TempDir, text: &str, extra: &[&str]) -> (SentinelConfig, String) {
    let c = load_in(dir, text, extra).unwrap_or_else(|e| panic!("{e}"));
    rewrite(&c.config, &c.settings, None).unwrap_or_else(|e| panic!("rewrite: {e}"));
    let out = std::fs::read_to_string(dir.path("sentinel.conf")).unwrap_or_else(|e| panic!("read: {e}"));
    (c, out)
}

#[test]
fn rewrite_of_a_small_file_matches_redis_sentinel() {
    // redis-sentinel 7.0.15 started on this file generated its id and flushed the config; this is
    // what it wrote (it orders the appended ordinary directives by hash; ours follow the table).
    let dir = TempDir::new("rw-small");
    let input = "port 26390\n# a comment\nsentinel monitor mymaster 127.0.0.1 6379 2\nsentinel down-after-milliseconds mymaster 5000\n";
    let mut c = load_in(&dir, input, &[]).unwrap_or_else(|e| panic!("{e}"));
    assert_eq!(c.settings.myid, None);
    c.settings.myid = Some("8ddb25fc76378e2591eb2503fd8ae6212cf55d43".into());
    flush_config(&c.config, &c.settings, None).unwrap_or_else(|e| panic!("{e}"));
    let out = std::fs::read_to_string(dir.path("sentinel.conf")).unwrap_or_else(|e| panic!("read: {e}"));
    let expected = format!(
        "port 26390\n# a comment\nsentinel monitor mymaster 127.0.0.1 6379 2\nsentinel down-after-milliseconds mymaster 5000\n\n\
         # Generated by CONFIG REWRITE\n{}user default on nopass ~* &* +@all\nsentinel myid 8ddb25fc76378e2591eb2503fd8ae6212cf55d43\n\
         sentinel config-epoch mymaster 0\nsentinel leader-epoch mymaster 0\nsentinel current-epoch 0\n",
        appended(&dir)
    );
    assert_eq!(out, expected);
    // Loaded again, the id is there.
    let again = load_in(&dir, &out, &[]).unwrap_or_else(|e| panic!("{e}"));
    assert_eq!(again.settings, c.settings);
}

/// The ordinary lines a sentinel rewrite appends to a file without them: the ones redis-sentinel
/// appends, in the order of our directive table.
fn appended(dir: &TempDir) -> String {
    format!("protected-mode no\ndir \"{}\"\nlatency-tracking-info-percentiles 50 99 99.9\n", dir.dir())
}

#[test]
fn rewrite_of_every_directive_matches_redis_sentinel() {
    let dir = TempDir::new("rw-full");
    let script = dir.script("notify.sh", 0o755);
    let input = format!(
        "# Example sentinel config\nport 26379\ndaemonize no\nSENTINEL resolve-hostnames no\nsentinel monitor m1 127.0.0.1 6379 2\n\
         sentinel down-after-milliseconds m1 30000\nsentinel failover-timeout m1 10000\nsentinel parallel-syncs m1 3\n\
         sentinel notification-script m1 {script}\nsentinel client-reconfig-script m1 {script}\n\n# auth\nsentinel auth-pass m1 secret\n\
         sentinel auth-user m1 bob\nsentinel rename-command m1 CONFIG GUESS\nsentinel master-reboot-down-after-period m1 7000\n\
         sentinel known-replica m1 127.0.0.1 6380\nsentinel known-sentinel m1 127.0.0.1 26400 0123456789012345678901234567890123456789\n\
         sentinel known-sentinel m1 127.0.0.1 26401\nsentinel config-epoch m1 3\nsentinel leader-epoch m1 4\nsentinel announce-ip 10.0.0.1\n\
         sentinel announce-port 1234\nsentinel deny-scripts-reconfig no\nsentinel sentinel-user su\nsentinel sentinel-pass sp\n\
         sentinel current-epoch 7\nsentinel myid aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa\n"
    );
    let (c, out) = rewrite_text(&dir, &input, &[]);
    // What redis-sentinel 7.0.15 wrote for this file (default down-after and the old-form
    // known-sentinel blanked, announce-ip quoted, the rest in place).
    let expected = format!(
        "# Example sentinel config\nport 26379\ndaemonize no\nsentinel resolve-hostnames no\nsentinel monitor m1 127.0.0.1 6379 2\n\n\
         sentinel failover-timeout m1 10000\nsentinel parallel-syncs m1 3\nsentinel notification-script m1 {script}\n\
         sentinel client-reconfig-script m1 {script}\n\n# auth\nsentinel auth-pass m1 secret\nsentinel auth-user m1 bob\n\
         sentinel rename-command m1 CONFIG GUESS\nsentinel master-reboot-down-after-period m1 7000\nsentinel known-replica m1 127.0.0.1 6380\n\
         sentinel known-sentinel m1 127.0.0.1 26400 0123456789012345678901234567890123456789\n\nsentinel config-epoch m1 3\n\
         sentinel leader-epoch m1 4\nsentinel announce-ip \"10.0.0.1\"\nsentinel announce-port 1234\nsentinel deny-scripts-reconfig no\n\
         sentinel sentinel-user su\nsentinel sentinel-pass sp\nsentinel current-epoch 7\nsentinel myid aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa\n\n\
         # Generated by CONFIG REWRITE\n{}user default on nopass ~* &* +@all\n",
        appended(&dir)
    );
    assert_eq!(out, expected);
    // And it reads back to the same state.
    let again = load_in(&dir, &out, &[]).unwrap_or_else(|e| panic!("{e}"));
    assert_eq!(again.settings, c.settings);
}

#[test]
fn rewrite_of_the_stock_file_matches_redis_sentinel() {
    // The stock sentinel.conf plus a myid line, rewritten by redis-sentinel 7.0.15.
    let dir = TempDir::new("rw-stock");
    let stock = std::fs::read_to_string(fixtures().join("sentinel-7.0-default.conf")).unwrap_or_else(|e| panic!("{e}"));
    let file = dir.write("sentinel.conf", &format!("{stock}sentinel myid 0123456789abcdef0123456789abcdef01234567\n"));
    let c = Config::from_args_sentinel(std::slice::from_ref(&file)).unwrap_or_else(|e| panic!("{e}"));
    let out = rewritten(&c.config, &c.settings, &std::fs::read(&file).unwrap_or_default());
    let expected = include_str!("testdata/sentinel-7.0-default.rewritten.conf");
    assert_eq!(String::from_utf8_lossy(&out), expected);
}

#[test]
fn rewrite_round_trips_and_keeps_comments() {
    let dir = TempDir::new("rw-round");
    let input = "# keep me\nport 26400\nsentinel monitor b 10.0.0.2 6379 1\n# between\nsentinel monitor a ::1 6380 2\n\
                 sentinel auth-pass a \"has space\"\nsentinel sentinel-pass \"x y\"\nsentinel rename-command a CONFIG \"\"\n\
                 save 900 1\nsentinel known-slave a ::2 7000\nsentinel can-failover a yes\n";
    let (first, out) = rewrite_text(&dir, input, &[]);
    assert!(out.starts_with("# keep me\nport 26400\nsentinel monitor b 10.0.0.2 6379 1\n# between\nsentinel monitor a ::1 6380 2\n"), "{out}");
    // Values that would not read back are quoted; the old known-slave line is replaced in place;
    // a sentinel writes no save points; the obsolete line stays as it was.
    assert!(out.contains("\nsentinel auth-pass a \"has space\"\n"), "{out}");
    assert!(out.contains("\nsentinel sentinel-pass \"x y\"\n"), "{out}");
    assert!(out.contains("\nsentinel rename-command a CONFIG \"\"\n"), "{out}");
    assert!(out.contains("\nsentinel known-replica a ::2 7000\n") && !out.contains("known-slave"), "{out}");
    assert!(!out.contains("save"), "{out}");
    assert!(out.contains("\nsentinel can-failover a yes\n"), "{out}");
    let second = load_in(&dir, &out, &[]).unwrap_or_else(|e| panic!("{e}\n{out}"));
    assert_eq!(second.settings, first.settings);
    assert_eq!(second.config.port, 26400);
    // Like redis-sentinel, the next rewrite adds one empty line at the end (the old file's last
    // newline reads as an empty line) and then the file stays as it is.
    rewrite(&second.config, &second.settings, None).unwrap_or_else(|e| panic!("{e}"));
    let second_out = std::fs::read_to_string(dir.path("sentinel.conf")).unwrap_or_default();
    assert_eq!(second_out, format!("{out}\n"));
    rewrite(&second.config, &second.settings, None).unwrap_or_else(|e| panic!("{e}"));
    assert_eq!(std::fs::read_to_string(dir.path("sentinel.conf")).unwrap_or_default(), second_out);
}

#[test]
fn rewrite_writes_the_current_state() {
    let dir = TempDir::new("rw-state");
    let input = "sentinel monitor a 127.0.0.1 6379 2\nsentinel known-replica a 127.0.0.1 6380\nsentinel monitor gone 127.0.0.1 7000 1\n\
                 sentinel down-after-milliseconds gone 1000\nsentinel announce-ip 1.2.3.4\n";
    let mut c = load_in(&dir, input, &[]).unwrap_or_else(|e| panic!("{e}"));
    // A failover moved `a` to its replica; `gone` was removed; a sentinel was found.
    let s = &mut c.settings;
    s.myid = Some("c".repeat(40));
    s.current_epoch = 3;
    s.announce_ip = None;
    s.masters.retain(|m| m.name == "a");
    let a = &mut s.masters[0];
    a.port = 6380;
    a.config_epoch = 3;
    a.known_replicas = vec![("127.0.0.1".into(), 6379)];
    a.known_sentinels.push(KnownSentinel { host: "10.0.0.9".into(), port: 26379, runid: "d".repeat(40) });
    let out = String::from_utf8_lossy(&rewritten(&c.config, &c.settings, input.as_bytes())).into_owned();
    let sentinel_lines: Vec<&str> = out.lines().filter(|l| l.starts_with("sentinel")).collect();
    let sentinel_id = format!("sentinel myid {}", "c".repeat(40));
    let known = format!("sentinel known-sentinel a 10.0.0.9 26379 {}", "d".repeat(40));
    assert_eq!(
        sentinel_lines,
        [
            "sentinel monitor a 127.0.0.1 6380 2",
            "sentinel known-replica a 127.0.0.1 6379",
            &sentinel_id,
            "sentinel config-epoch a 3",
            "sentinel leader-epoch a 0",
            &known,
            "sentinel current-epoch 3",
        ]
    );
    // The old lines that no longer apply are gone, not commented out.
    assert!(!out.contains("gone") && !out.contains("announce-ip"), "{out}");
}

#[test]
fn rewrite_is_atomic_and_reports_errors() {
    let dir = TempDir::new("rw-atomic");
    let (c, _) = rewrite_text(&dir, M, &[]);
    let names: Vec<String> = std::fs::read_dir(&dir.0)
        .map(|rd| rd.filter_map(|e| e.ok()).map(|e| e.file_name().to_string_lossy().into_owned()).collect())
        .unwrap_or_default();
    assert_eq!(names, ["sentinel.conf"], "no temporary file left behind");
    assert_eq!(flush_config(&c.config, &c.settings, None), Ok(()));
    std::fs::remove_dir_all(&dir.0).unwrap_or_else(|e| panic!("{e}"));
    assert_eq!(
        flush_config(&c.config, &c.settings, None),
        Err("WARNING: Sentinel was not able to save the new configuration on disk!!!: No such file or directory".to_string())
    );
}

#[test]
fn rewrite_with_requirepass_or_users_leaves_acl_lines_alone() {
    let dir = TempDir::new("rw-acl");
    let (_, out) = rewrite_text(&dir, &format!("requirepass foo\n{M}"), &[]);
    assert!(!out.contains("user default"), "{out}");
    let (_, out) = rewrite_text(&dir, &format!("user default on nopass ~* &* +@all\n{M}"), &[]);
    assert_eq!(out.matches("user default").count(), 1, "{out}");
}
