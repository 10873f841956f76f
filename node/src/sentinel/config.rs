//! sentinel.conf as redis-sentinel 7.0 reads and writes it: the `sentinel <directive> ...` lines
//! (sentinel.c `sentinelHandleConfiguration`, with its argument counts, checks and messages),
//! applied once the whole configuration is read and in Redis's order (the pre-monitor directives,
//! then every `monitor`, then the rest, so a line may name a master declared further down), the
//! start-up check that the file is writable, and the rewrite that persists the sentinel state
//! (`rewriteConfigSentinelOption` on top of CONFIG REWRITE), written atomically.
//!
//! Deliberate differences from redis-sentinel 7.0, all on input it refuses or output it cannot
//! read back:
//! - `sentinel can-failover <master> yes` (removed in Redis 2.8, where every sentinel may fail
//!   over) is ignored with a warning; any other value is refused with a message naming it.
//! - A line refused only because of non-breaking spaces (U+00A0, from a web page) is read again
//!   with plain spaces, with a warning.
//! - A hostname refused because `resolve-hostnames` is off says how to allow it.
//! - The rewrite quotes values that would not read back (spaces, quotes, empty), and replaces old
//!   `known-slave` lines instead of keeping them next to the `known-replica` lines it writes.
//! - With `resolve-hostnames yes`, hostnames are kept as written (the state machine resolves them
//!   on each connect), so the rewrite writes the hostname where Redis writes the address it
//!   resolved at load time.

use std::net::IpAddr;
use std::path::Path;

use super::settings::{KnownSentinel, MasterSettings, SentinelSettings};
use crate::config::{
    has_comment_token, has_nbsp, inline_comment_reason, overwrite_atomically, read_old, rewritten_content, strerror, without_nbsp, Config,
    ConfigError, RewriteState, SentinelLine,
};
use crate::resp::request::split_args;
use crate::util::repr;

/// The directives sentinel.c applies before any `monitor` line (`preMonitorCfgName`).
const PRE_MONITOR: [&str; 9] = [
    "announce-ip",
    "announce-port",
    "deny-scripts-reconfig",
    "sentinel-user",
    "sentinel-pass",
    "current-epoch",
    "myid",
    "resolve-hostnames",
    "announce-hostnames",
];
/// Length of a sentinel id (CONFIG_RUN_ID_SIZE).
const RUN_ID_SIZE: usize = 40;

pub const UNRECOGNIZED: &str = "Unrecognized sentinel configuration statement.";
pub const NO_SUCH_MASTER: &str = "No such master with specified name.";
pub const QUORUM: &str = "Quorum must be 1 or greater.";
pub const ZERO_TIME: &str = "negative or zero time parameter.";
pub const NEGATIVE_TIME: &str = "negative time parameter.";
pub const DUPLICATE_MASTER: &str = "Duplicate master name.";
pub const DUPLICATE_REPLICA: &str = "Duplicate hostname and port for replica.";
pub const DUPLICATE_SENTINEL: &str = "Duplicate runid for sentinel.";
pub const CANT_RESOLVE: &str = "Can't resolve instance hostname.";
pub const INVALID_PORT: &str = "Invalid port number.";
pub const NOTIFICATION_SCRIPT: &str = "Notification script seems non existing or non executable.";
pub const RECONFIG_SCRIPT: &str = "Client reconfiguration script seems non existing or non executable.";
pub const MALFORMED_MYID: &str = "Malformed Sentinel id in myid option.";
pub const RENAMED_TWICE: &str = "Same command renamed multiple times with rename-command.";
pub const DENY_SCRIPTS_YES_NO: &str = "Please specify yes or no for the deny-scripts-reconfig options.";
pub const RESOLVE_YES_NO: &str = "Please specify yes or no for the resolve-hostnames option.";
pub const ANNOUNCE_YES_NO: &str = "Please specify yes or no for the announce-hostnames option.";
/// Ours: Redis stores a negative parallel-syncs as is (and then reconfigures no replica).
pub const NEGATIVE_PARALLEL_SYNCS: &str = "parallel-syncs must be 0 or greater.";
/// Ours, for `sentinel can-failover <master> no` (or a value that is not yes).
pub const CAN_FAILOVER_REMOVED: &str = "Unrecognized sentinel configuration statement. 'can-failover' was removed in Redis 2.8: every \
                                        sentinel may now be elected to fail over and this cannot be turned off; remove the line.";
/// Ours, appended to [`CANT_RESOLVE`] for a hostname while `resolve-hostnames` is off.
pub const HOSTNAME_HINT: &str = "(only IP addresses are accepted unless 'sentinel resolve-hostnames yes' is set)";

/// What a sentinel needs at start-up from argv and its config file.
#[derive(Debug, Clone)]
pub struct SentinelConfig {
    /// The ordinary directives (port, bind, dir, logfile, requirepass ...), sentinel defaults applied.
    pub config: Config,
    /// What the `sentinel ...` lines say.
    pub settings: SentinelSettings,
    /// Things to log at warning level once logging is set up (obsolete directives ignored, lines
    /// read with non-breaking spaces as spaces).
    pub warnings: Vec<String>,
}

impl Config {
    /// redis-sentinel's argv after the program name (`<file> [--directive args...]`, with
    /// `--sentinel <directive> ...` for sentinel lines): the ordinary directives load as in
    /// [`Config::from_args`] but with the sentinel defaults (port 26379, protected-mode off), then
    /// the `sentinel` lines are applied. Errors are the FATAL CONFIG FILE ERROR block, naming
    /// file, line and text. Does not check that the file is writable (see [`check_config_file`]).
    pub fn from_args_sentinel(args: &[String]) -> Result<SentinelConfig, ConfigError> {
        let mut config = Config::from_args_in_mode(args, true)?;
        let lines = config.take_sentinel_lines();
        let dir = config.dir.clone();
        let (settings, mut warnings, mut nbsp) = apply_lines(&lines, Path::new(&dir))?;
        nbsp.extend_from_slice(config.nbsp_lines());
        warnings.extend(nbsp_warnings(&nbsp));
        Ok(SentinelConfig { config, settings, warnings })
    }
}

/// (source, line, read as spaces) of a line holding non-breaking spaces.
type NbspLine = (String, usize, bool);

/// Applies queued `sentinel` lines in Redis's order: pre-monitor directives, `monitor`, the rest.
/// Relative script paths are checked from `dir`, where redis-sentinel (which chdirs there) looks.
/// Returns the settings, warnings, and the lines that hold non-breaking spaces.
pub(crate) fn apply_lines(lines: &[SentinelLine], dir: &Path) -> Result<(SentinelSettings, Vec<String>, Vec<NbspLine>), ConfigError> {
    let mut loader = Loader { settings: SentinelSettings::default(), dir };
    let mut warnings = Vec::new();
    let mut nbsp = Vec::new();
    for phase in [Phase::PreMonitor, Phase::Monitor, Phase::PostMonitor] {
        for line in lines.iter().filter(|l| phase_of(&l.args) == phase) {
            let applied = match loader.apply(&line.args) {
                Err(reason) if has_nbsp(&line.text) => match retry_without_nbsp(&mut loader, &line.text) {
                    Some(ok) => {
                        nbsp.push((line.source.clone(), line.line, true));
                        Ok(ok)
                    }
                    None => Err(reason),
                },
                Ok(ok) if has_nbsp(&line.text) => {
                    nbsp.push((line.source.clone(), line.line, false));
                    Ok(ok)
                }
                other => other,
            };
            match applied {
                Ok(Applied::Done) => {}
                Ok(Applied::Warn(w)) => warnings.push(format!("{w} (line {} of '{}')", line.line, line.source)),
                Err(reason) => {
                    // `sentinel <directive> <name> ... ## note`: the comment made the count wrong.
                    let reason = if reason == UNRECOGNIZED && has_comment_token(&line.text, 2) {
                        inline_comment_reason(&line.source, line.line)
                    } else {
                        reason
                    };
                    return Err(ConfigError::at_line(&line.source, line.line, &line.text, reason));
                }
            }
        }
    }
    Ok((loader.settings, warnings, nbsp))
}

/// Applies the line again with its non-breaking spaces read as spaces; None if it still fails.
fn retry_without_nbsp(loader: &mut Loader, text: &[u8]) -> Option<Applied> {
    let argv = split_args(&without_nbsp(text))?;
    if argv.len() < 2 || !argv[0].eq_ignore_ascii_case(b"sentinel") {
        return None;
    }
    loader.apply(&argv[1..]).ok()
}

/// Warnings naming the lines with non-breaking spaces, per source (in order of appearance): first
/// the lines read with them as spaces, then the lines read as written.
fn nbsp_warnings(lines: &[NbspLine]) -> Vec<String> {
    let mut sources: Vec<&str> = Vec::new();
    for (source, _, _) in lines {
        if !sources.contains(&source.as_str()) {
            sources.push(source);
        }
    }
    let mut warnings = Vec::new();
    for as_spaces in [true, false] {
        for source in &sources {
            let mut nums: Vec<usize> = lines.iter().filter(|(s, _, a)| s == source && *a == as_spaces).map(|(_, n, _)| *n).collect();
            if nums.is_empty() {
                continue;
            }
            nums.sort_unstable();
            let nums = nums.iter().map(usize::to_string).collect::<Vec<_>>().join(", ");
            warnings.push(if as_spaces {
                format!("Non-breaking spaces (U+00A0) were read as plain spaces on line(s) {nums} of '{source}'; replace them with spaces")
            } else {
                format!(
                    "Non-breaking spaces (U+00A0) on line(s) {nums} of '{source}' were read as part of the values, as redis-sentinel reads \
                     them; check those values"
                )
            });
        }
    }
    warnings
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Phase {
    PreMonitor,
    Monitor,
    PostMonitor,
}

fn phase_of(args: &[Vec<u8>]) -> Phase {
    let Some(name) = args.first() else { return Phase::PostMonitor };
    if name.eq_ignore_ascii_case(b"monitor") {
        Phase::Monitor
    } else if PRE_MONITOR.iter().any(|p| name.eq_ignore_ascii_case(p.as_bytes())) {
        Phase::PreMonitor
    } else {
        Phase::PostMonitor
    }
}

/// A line that was accepted, possibly with something to tell the user.
#[derive(Debug)]
enum Applied {
    Done,
    Warn(String),
}

struct Loader<'a> {
    settings: SentinelSettings,
    dir: &'a Path,
}

impl Loader<'_> {
    /// `sentinelHandleConfiguration`: one line's arguments after `sentinel`. Checks come before
    /// changes, so a refused line leaves the settings as they were.
    fn apply(&mut self, argv: &[Vec<u8>]) -> Result<Applied, String> {
        let Some(first) = argv.first() else { return Err(UNRECOGNIZED.into()) };
        let directive = String::from_utf8_lossy(first).to_ascii_lowercase();
        let arg = |i: usize| String::from_utf8_lossy(&argv[i]).into_owned();
        match (directive.as_str(), argv.len()) {
            ("monitor", 5) => {
                let quorum = atoi(&argv[4]);
                if quorum <= 0 {
                    return Err(QUORUM.into());
                }
                let (host, port) = self.address(&argv[2], &argv[3])?;
                let name = arg(1);
                if self.settings.masters.iter().any(|m| m.name == name) {
                    return Err(DUPLICATE_MASTER.into());
                }
                self.settings.masters.push(MasterSettings::new(&name, &host, port, quorum as u32));
            }
            ("down-after-milliseconds", 3) => {
                let ms = atoi(&argv[2]);
                let master = self.master(&argv[1])?;
                master.down_after_ms = positive(ms)?;
            }
            ("failover-timeout", 3) => {
                let ms = atoi(&argv[2]);
                let master = self.master(&argv[1])?;
                master.failover_timeout_ms = positive(ms)?;
            }
            ("parallel-syncs", 3) => {
                let n = atoi(&argv[2]);
                let master = self.master(&argv[1])?;
                master.parallel_syncs = u32::try_from(n).map_err(|_| NEGATIVE_PARALLEL_SYNCS.to_string())?;
            }
            ("notification-script", 3) => {
                self.master(&argv[1])?;
                let path = self.executable(&argv[2], NOTIFICATION_SCRIPT)?;
                self.master(&argv[1])?.notification_script = Some(path);
            }
            ("client-reconfig-script", 3) => {
                self.master(&argv[1])?;
                let path = self.executable(&argv[2], RECONFIG_SCRIPT)?;
                self.master(&argv[1])?.client_reconfig_script = Some(path);
            }
            ("auth-pass", 3) => self.master(&argv[1])?.auth_pass = Some(arg(2)),
            ("auth-user", 3) => self.master(&argv[1])?.auth_user = Some(arg(2)),
            ("current-epoch", 2) => {
                let epoch = strtoull(&argv[1]);
                self.settings.current_epoch = self.settings.current_epoch.max(epoch);
            }
            ("myid", 2) => {
                if argv[1].len() != RUN_ID_SIZE {
                    return Err(MALFORMED_MYID.into());
                }
                self.settings.myid = Some(arg(1));
            }
            ("config-epoch", 3) => {
                let epoch = strtoull(&argv[2]);
                self.master(&argv[1])?.config_epoch = epoch;
                // Redundant now that current-epoch is persisted, but Redis keeps it.
                self.settings.current_epoch = self.settings.current_epoch.max(epoch);
            }
            ("leader-epoch", 3) => self.master(&argv[1])?.leader_epoch = strtoull(&argv[2]),
            ("known-replica" | "known-slave", 4) => {
                self.master(&argv[1])?;
                let (host, port) = self.address(&argv[2], &argv[3])?;
                let master = self.master(&argv[1])?;
                if master.known_replicas.iter().any(|(h, p)| *p == port && h.eq_ignore_ascii_case(&host)) {
                    return Err(DUPLICATE_REPLICA.into());
                }
                master.known_replicas.push((host, port));
            }
            // The old form without a runid is ignored, master name included.
            ("known-sentinel", 4) => {}
            ("known-sentinel", 5) => {
                self.master(&argv[1])?;
                let (host, port) = self.address(&argv[2], &argv[3])?;
                let runid = arg(4);
                let master = self.master(&argv[1])?;
                if master.known_sentinels.iter().any(|s| s.runid == runid) {
                    return Err(DUPLICATE_SENTINEL.into());
                }
                master.known_sentinels.push(KnownSentinel { host, port, runid });
            }
            ("rename-command", 4) => {
                let (command, renamed) = (arg(2), arg(3));
                let master = self.master(&argv[1])?;
                if master.rename_commands.iter().any(|(c, _)| c.eq_ignore_ascii_case(&command)) {
                    return Err(RENAMED_TWICE.into());
                }
                master.rename_commands.push((command, renamed));
            }
            ("announce-ip", 2) => {
                if !argv[1].is_empty() {
                    self.settings.announce_ip = Some(arg(1));
                }
            }
            ("announce-port", 2) => {
                // Redis keeps any int here; a port that does not fit is refused.
                self.settings.announce_port = u16::try_from(atoi(&argv[1])).map_err(|_| INVALID_PORT.to_string())?;
            }
            ("deny-scripts-reconfig", 2) => self.settings.deny_scripts_reconfig = yes_no(&argv[1]).ok_or(DENY_SCRIPTS_YES_NO)?,
            ("sentinel-user", 2) => {
                if !argv[1].is_empty() {
                    self.settings.sentinel_user = Some(arg(1));
                }
            }
            ("sentinel-pass", 2) => {
                if !argv[1].is_empty() {
                    self.settings.sentinel_pass = Some(arg(1));
                }
            }
            ("resolve-hostnames", 2) => self.settings.resolve_hostnames = yes_no(&argv[1]).ok_or(RESOLVE_YES_NO)?,
            ("announce-hostnames", 2) => self.settings.announce_hostnames = yes_no(&argv[1]).ok_or(ANNOUNCE_YES_NO)?,
            ("master-reboot-down-after-period", 3) => {
                let ms = atoi(&argv[2]);
                let master = self.master(&argv[1])?;
                master.master_reboot_down_after_period_ms = u64::try_from(ms).map_err(|_| NEGATIVE_TIME.to_string())?;
            }
            // Removed in Redis 2.8; "yes" is what every sentinel does now.
            ("can-failover", 3) => {
                self.master(&argv[1])?;
                if yes_no(&argv[2]) != Some(true) {
                    return Err(CAN_FAILOVER_REMOVED.into());
                }
                return Ok(Applied::Warn(
                    "'sentinel can-failover' is obsolete (removed in Redis 2.8, every sentinel may fail over) and was ignored; remove the line"
                        .into(),
                ));
            }
            _ => return Err(UNRECOGNIZED.into()),
        }
        Ok(Applied::Done)
    }

    fn master(&mut self, name: &[u8]) -> Result<&mut MasterSettings, String> {
        // NB: master names are case-sensitive (unlike directive and command names).
        self.settings.masters.iter_mut().find(|m| m.name.as_bytes() == name).ok_or_else(|| NO_SUCH_MASTER.to_string())
    }

    /// `createSentinelAddr`: the port must be 0..=65535 (as atoi reads it), the host an IP
    /// address (kept in its canonical form) unless resolve-hostnames is on.
    fn address(&self, host: &[u8], port: &[u8]) -> Result<(String, u16), String> {
        let port = u16::try_from(atoi(port)).map_err(|_| INVALID_PORT.to_string())?;
        let host = String::from_utf8_lossy(host).into_owned();
        match host.parse::<IpAddr>() {
            Ok(ip) => Ok((ip.to_string(), port)),
            // Redis resolves the name now and keeps the address; unresolved names are accepted
            // too. The name is kept and resolved on each connect.
            Err(_) if self.settings.resolve_hostnames => Ok((host, port)),
            Err(_) => Err(format!("{CANT_RESOLVE} {HOSTNAME_HINT}")),
        }
    }

    /// access(path, X_OK), the path found from `dir` when relative; the path is kept as written.
    fn executable(&self, path: &[u8], reason: &str) -> Result<String, String> {
        let path = String::from_utf8_lossy(path).into_owned();
        crate::sys::access(&self.dir.join(&path), crate::sys::X_OK).map_err(|_| reason.to_string())?;
        Ok(path)
    }
}

fn positive(ms: i32) -> Result<u64, String> {
    if ms <= 0 {
        return Err(ZERO_TIME.into());
    }
    Ok(ms as u64)
}

/// C's `atoi` (glibc: `(int) strtol(s, NULL, 10)`): leading spaces, a sign, digits, anything after
/// ignored, 0 when there are no digits; out of range saturates like strtol, then truncates to int.
fn atoi(s: &[u8]) -> i32 {
    let (negative, digits) = sign_and_digits(s);
    let mut v: i64 = 0;
    for &d in digits {
        let d = i64::from(d - b'0');
        v = match v.checked_mul(10).and_then(|v| if negative { v.checked_sub(d) } else { v.checked_add(d) }) {
            Some(v) => v,
            None => {
                v = if negative { i64::MIN } else { i64::MAX };
                break;
            }
        };
    }
    v as i32
}

/// C's `strtoull(s, NULL, 10)`: like [`atoi`], saturating at u64::MAX; a '-' negates modulo 2^64.
fn strtoull(s: &[u8]) -> u64 {
    let (negative, digits) = sign_and_digits(s);
    let mut v: u64 = 0;
    for &d in digits {
        match v.checked_mul(10).and_then(|v| v.checked_add(u64::from(d - b'0'))) {
            Some(next) => v = next,
            None => return u64::MAX,
        }
    }
    if negative {
        v.wrapping_neg()
    } else {
        v
    }
}

/// Skips C isspace, reads an optional sign, and returns the run of digits that follows.
fn sign_and_digits(s: &[u8]) -> (bool, &[u8]) {
    let start = s.iter().position(|c| !matches!(c, b' ' | b'\t' | b'\n' | b'\r' | 0x0b | 0x0c)).unwrap_or(s.len());
    let mut rest = &s[start..];
    let mut negative = false;
    if let Some((&sign @ (b'+' | b'-'), tail)) = rest.split_first() {
        negative = sign == b'-';
        rest = tail;
    }
    let len = rest.iter().position(|c| !c.is_ascii_digit()).unwrap_or(rest.len());
    (negative, &rest[..len])
}

/// Redis's `yesnotoi`.
fn yes_no(s: &[u8]) -> Option<bool> {
    if s.eq_ignore_ascii_case(b"yes") {
        Some(true)
    } else if s.eq_ignore_ascii_case(b"no") {
        Some(false)
    } else {
        None
    }
}

/// `sentinelCheckConfigFile`, run after loading: a sentinel needs a config file it can write to
/// save its state. The error is the warning to log before exiting with status 1.
pub fn check_config_file(cfg: &Config) -> Result<(), String> {
    let Some(path) = cfg.file_abs() else {
        return Err("Sentinel needs config file on disk to save state. Exiting...".into());
    };
    crate::sys::access(path, crate::sys::W_OK)
        .map_err(|e| format!("Sentinel config file {} is not writable: {}. Exiting...", path.display(), strerror(&e)))
}

/// A new sentinel id: 40 random hex characters (`getRandomHexChars`).
pub fn new_myid() -> String {
    let mut bytes = [0u8; RUN_ID_SIZE / 2];
    let from_os = std::fs::File::open("/dev/urandom").and_then(|mut f| std::io::Read::read_exact(&mut f, &mut bytes));
    if from_os.is_err() {
        return crate::util::Rng::seeded().hex(RUN_ID_SIZE);
    }
    crate::util::to_hex(&bytes)
}

/// Logged at notice level after a successful [`flush_config`], as Redis does.
pub const FLUSHED: &str = "Sentinel new configuration saved on disk";

/// `sentinelFlushConfig`: rewrites the config file with the current state. The error is the
/// warning Redis logs ("WARNING: Sentinel was not able to save the new configuration on disk!!!: <reason>").
pub fn flush_config(cfg: &Config, settings: &SentinelSettings, users: Option<&[Vec<u8>]>) -> Result<(), String> {
    rewrite(cfg, settings, users).map_err(|e| format!("WARNING: Sentinel was not able to save the new configuration on disk!!!: {}", strerror(&e)))
}

/// Rewrites the config file like CONFIG REWRITE in sentinel mode: comments, ordinary directives
/// and their order kept, the old `sentinel` lines replaced in place by the current ones, new
/// lines appended after "# Generated by CONFIG REWRITE"; written to a temporary file in the same
/// directory, synced, renamed over the file, and the directory synced.
pub fn rewrite(cfg: &Config, settings: &SentinelSettings, users: Option<&[Vec<u8>]>) -> std::io::Result<()> {
    let Some(path) = cfg.file_abs() else {
        return Err(std::io::Error::new(std::io::ErrorKind::NotFound, "no config file"));
    };
    let old = read_old(path)?;
    let content = match users {
        Some(u) => rewritten_with_users(cfg, settings, Some(u), &old),
        None => rewritten(cfg, settings, &old),
    };
    overwrite_atomically(path, &content)
}

/// The file [`rewrite`] writes, given the old content.
pub fn rewritten(cfg: &Config, settings: &SentinelSettings, old: &[u8]) -> Vec<u8> {
    // Without the ACL state at hand: the default user of a configuration that defines none.
    let fresh = [b"user default on nopass ~* &* +@all".to_vec()];
    let users = (cfg.users.is_empty() && cfg.requirepass.is_none()).then_some(&fresh[..]);
    rewritten_with_users(cfg, settings, users, old)
}

/// [`rewritten`] with the ACL users' `user` lines (None: the file's are kept as they are).
pub fn rewritten_with_users(cfg: &Config, settings: &SentinelSettings, users: Option<&[Vec<u8>]>, old: &[u8]) -> Vec<u8> {
    rewritten_content(cfg, old, users, &|st| write_state(st, settings))
}

/// The per-master keys Redis marks as rewritten after writing every master, so the lines of
/// masters (or settings) that are gone are removed.
const MASTER_KEYS: [&str; 14] = [
    "sentinel monitor",
    "sentinel down-after-milliseconds",
    "sentinel failover-timeout",
    "sentinel parallel-syncs",
    "sentinel notification-script",
    "sentinel client-reconfig-script",
    "sentinel auth-pass",
    "sentinel auth-user",
    "sentinel config-epoch",
    "sentinel leader-epoch",
    "sentinel known-replica",
    "sentinel known-sentinel",
    "sentinel rename-command",
    "sentinel master-reboot-down-after-period",
];

/// `rewriteConfigSentinelOption` (the ACL users are written just before, by `rewritten_content`).
fn write_state(st: &mut RewriteState, s: &SentinelSettings) {
    let line = |st: &mut RewriteState, key: &str, text: String, force: bool| st.rewrite_line(key, text.into_bytes(), force);
    if let Some(id) = &s.myid {
        line(st, "sentinel myid", format!("sentinel myid {id}"), true);
    }
    let yes = |b: bool| if b { "yes" } else { "no" };
    let defaults = SentinelSettings::default();
    line(
        st,
        "sentinel deny-scripts-reconfig",
        format!("sentinel deny-scripts-reconfig {}", yes(s.deny_scripts_reconfig)),
        s.deny_scripts_reconfig != defaults.deny_scripts_reconfig,
    );
    line(
        st,
        "sentinel resolve-hostnames",
        format!("sentinel resolve-hostnames {}", yes(s.resolve_hostnames)),
        s.resolve_hostnames != defaults.resolve_hostnames,
    );
    line(
        st,
        "sentinel announce-hostnames",
        format!("sentinel announce-hostnames {}", yes(s.announce_hostnames)),
        s.announce_hostnames != defaults.announce_hostnames,
    );
    for m in &s.masters {
        let name = word(&m.name);
        line(st, "sentinel monitor", format!("sentinel monitor {name} {} {} {}", word(&m.host), m.port, m.quorum), true);
        let fresh = MasterSettings::new(&m.name, &m.host, m.port, m.quorum);
        if m.down_after_ms != fresh.down_after_ms {
            line(st, "sentinel down-after-milliseconds", format!("sentinel down-after-milliseconds {name} {}", m.down_after_ms), true);
        }
        if m.failover_timeout_ms != fresh.failover_timeout_ms {
            line(st, "sentinel failover-timeout", format!("sentinel failover-timeout {name} {}", m.failover_timeout_ms), true);
        }
        if m.parallel_syncs != fresh.parallel_syncs {
            line(st, "sentinel parallel-syncs", format!("sentinel parallel-syncs {name} {}", m.parallel_syncs), true);
        }
        if let Some(path) = &m.notification_script {
            line(st, "sentinel notification-script", format!("sentinel notification-script {name} {}", word(path)), true);
        }
        if let Some(path) = &m.client_reconfig_script {
            line(st, "sentinel client-reconfig-script", format!("sentinel client-reconfig-script {name} {}", word(path)), true);
        }
        if let Some(pass) = &m.auth_pass {
            line(st, "sentinel auth-pass", format!("sentinel auth-pass {name} {}", word(pass)), true);
        }
        if let Some(user) = &m.auth_user {
            line(st, "sentinel auth-user", format!("sentinel auth-user {name} {}", word(user)), true);
        }
        if m.master_reboot_down_after_period_ms != 0 {
            let text = format!("sentinel master-reboot-down-after-period {name} {}", m.master_reboot_down_after_period_ms);
            line(st, "sentinel master-reboot-down-after-period", text, true);
        }
        line(st, "sentinel config-epoch", format!("sentinel config-epoch {name} {}", m.config_epoch), true);
        line(st, "sentinel leader-epoch", format!("sentinel leader-epoch {name} {}", m.leader_epoch), true);
        for (host, port) in &m.known_replicas {
            line(st, "sentinel known-replica", format!("sentinel known-replica {name} {} {port}", word(host)), true);
        }
        for k in &m.known_sentinels {
            line(st, "sentinel known-sentinel", format!("sentinel known-sentinel {name} {} {} {}", word(&k.host), k.port, word(&k.runid)), true);
        }
        for (command, renamed) in &m.rename_commands {
            line(st, "sentinel rename-command", format!("sentinel rename-command {name} {} {}", word(command), word(renamed)), true);
        }
    }
    line(st, "sentinel current-epoch", format!("sentinel current-epoch {}", s.current_epoch), true);
    match &s.announce_ip {
        Some(ip) => line(st, "sentinel announce-ip", format!("sentinel announce-ip {}", repr(ip.as_bytes())), true),
        None => st.mark("sentinel announce-ip"),
    }
    match s.announce_port {
        0 => st.mark("sentinel announce-port"),
        port => line(st, "sentinel announce-port", format!("sentinel announce-port {port}"), true),
    }
    match &s.sentinel_user {
        Some(user) => line(st, "sentinel sentinel-user", format!("sentinel sentinel-user {}", word(user)), true),
        None => st.mark("sentinel sentinel-user"),
    }
    match &s.sentinel_pass {
        Some(pass) => line(st, "sentinel sentinel-pass", format!("sentinel sentinel-pass {}", word(pass)), true),
        None => st.mark("sentinel sentinel-pass"),
    }
    for key in MASTER_KEYS {
        st.mark(key);
    }
}

/// A value as Redis writes it (`%s`), but quoted when it would not read back as one argument.
fn word(s: &str) -> String {
    let plain = !s.is_empty() && s.bytes().all(|c| c > b' ' && c != 0x7f && c != b'"' && c != b'\'');
    if plain {
        s.to_string()
    } else {
        repr(s.as_bytes())
    }
}

#[cfg(test)]
#[path = "config_tests.rs"]
mod tests;
