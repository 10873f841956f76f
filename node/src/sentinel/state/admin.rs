//! The SENTINEL subcommands that change state: FAILOVER, RESET, MONITOR, REMOVE, SET, CONFIG SET,
//! SIMULATE-FAILURE, FLUSHCONFIG. They return Redis's reply errors; their side effects (events, a
//! config flush, closed links) are queued as actions like any other input's.

use super::instance::{flag, host_ok, Loc, Ms};
use super::{Level, LinkKind, Sentinel};
use crate::util::{glob_match, parse_i64};

/// A SENTINEL command error; `Display` is the reply line without the leading `-`.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum SentinelError {
    #[error("ERR No such master with that name")]
    NoSuchMaster,
    #[error("INPROG Failover already in progress")]
    InProgress,
    #[error("NOGOODSLAVE No suitable replica to promote")]
    NoGoodSlave,
    /// `-NOQUORUM <n> usable Sentinels. ...` (SENTINEL CKQUORUM).
    #[error("NOQUORUM {0}")]
    NoQuorum(String),
    /// Any other `-ERR <text>`.
    #[error("ERR {0}")]
    Err(String),
}

fn err(text: impl Into<String>) -> SentinelError {
    SentinelError::Err(text.into())
}

const SCRIPTS_DENIED: &str = "Reconfiguration of scripts path is denied for security reasons. Check the deny-scripts-reconfig configuration directive in your Sentinel configuration";

impl Sentinel {
    fn master_or_err(&self, name: &str) -> Result<usize, SentinelError> {
        self.master_by_name(name).ok_or(SentinelError::NoSuchMaster)
    }

    /// SENTINEL FAILOVER: a forced failover (no ODOWN, no election) if a replica can be promoted.
    pub fn failover(&mut self, name: &str, now_ms: u64) -> Result<(), SentinelError> {
        let now = now_ms as Ms;
        let m = self.master_or_err(name)?;
        if self.masters[m].in_failover() {
            return Err(SentinelError::InProgress);
        }
        if self.select_replica(m, now).is_none() {
            return Err(SentinelError::NoGoodSlave);
        }
        self.start_failover(m, now);
        self.masters[m].inst.flags |= flag::FORCE_FAILOVER;
        Ok(())
    }

    /// SENTINEL RESET <pattern>: forgets replicas, sentinels and failover state of every master whose
    /// name matches the glob; returns how many.
    pub fn reset(&mut self, pattern: &str, now_ms: u64) -> usize {
        let now = now_ms as Ms;
        let mut n = 0;
        for m in 0..self.masters.len() {
            if glob_match(pattern.as_bytes(), self.masters[m].inst.name.as_bytes(), false) {
                self.reset_master(m, false, true, now);
                n += 1;
            }
        }
        if n > 0 {
            self.flush();
        }
        n
    }

    /// SENTINEL MONITOR <name> <host> <port> <quorum>.
    pub fn monitor(&mut self, name: &str, host: &str, port: i64, quorum: i64, now_ms: u64) -> Result<(), SentinelError> {
        if quorum <= 0 {
            return Err(err("Quorum must be 1 or greater."));
        }
        if !host_ok(host, self.resolve_hostnames) {
            return Err(err("Invalid IP address or hostname specified"));
        }
        let quorum = u32::try_from(quorum).unwrap_or(u32::MAX);
        let m = self.create_master(name, host, port, quorum, now_ms as Ms).map_err(|e| err(e.master_text()))?;
        self.flush();
        self.event_at(Level::Warning, "+monitor", Loc::Master(m), &format!(" quorum {quorum}"));
        Ok(())
    }

    /// SENTINEL REMOVE <name>.
    pub fn remove(&mut self, name: &str) -> Result<(), SentinelError> {
        let m = self.master_or_err(name)?;
        self.event_at(Level::Warning, "-monitor", Loc::Master(m), "");
        self.remove_master(m);
        self.flush();
        Ok(())
    }

    /// SENTINEL FLUSHCONFIG.
    pub fn flush_config(&mut self) {
        self.flush();
    }

    /// SENTINEL SIMULATE-FAILURE: replaces the crash flags ([`super::SIMFAILURE_CRASH_AFTER_ELECTION`],
    /// [`super::SIMFAILURE_CRASH_AFTER_PROMOTION`]).
    pub fn simulate_failure(&mut self, flags: u32) {
        self.simfailure = flags;
    }

    /// The current SIMULATE-FAILURE flags (INFO's sentinel_simulate_failure_flags).
    pub fn simulate_failure_flags(&self) -> u32 {
        self.simfailure
    }

    /// SENTINEL SET <name> <option> <value> [...]; `args` starts at the first option. Options before
    /// a bad one stay applied (and flushed), as in Redis. `executable` checks a script path.
    pub fn set(&mut self, name: &str, args: &[String], executable: &dyn Fn(&str) -> bool) -> Result<(), SentinelError> {
        let m = self.master_or_err(name)?;
        let mut changes = 0;
        let result = self.set_options(m, args, executable, &mut changes);
        if changes > 0 {
            self.flush();
        }
        result
    }

    fn set_options(&mut self, m: usize, args: &[String], executable: &dyn Fn(&str) -> bool, changes: &mut usize) -> Result<(), SentinelError> {
        let mut j = 0;
        while j < args.len() {
            let option = args[j].as_str();
            let more = args.len() - 1 - j;
            let opt = option.to_ascii_lowercase();
            let bad = |v: &str| err(format!("Invalid argument '{v}' for SENTINEL SET '{option}'"));
            let number = |v: &str, min: i64| parse_i64(v.as_bytes()).filter(|n| *n >= min).ok_or_else(|| bad(v));
            let mut redacted = false;
            let used = match opt.as_str() {
                _ if more == 0 && opt != "rename-command" => 0,
                "down-after-milliseconds" => {
                    let v = number(&args[j + 1], 1)?;
                    let master = &mut self.masters[m];
                    master.inst.down_after = v;
                    for ri in master.replicas.iter_mut().chain(master.sentinels.iter_mut()) {
                        ri.down_after = v;
                    }
                    1
                }
                "failover-timeout" => {
                    self.masters[m].failover_timeout = number(&args[j + 1], 1)?;
                    1
                }
                "parallel-syncs" => {
                    self.masters[m].parallel_syncs = u32::try_from(number(&args[j + 1], 1)?).unwrap_or(u32::MAX);
                    1
                }
                "quorum" => {
                    self.masters[m].quorum = u32::try_from(number(&args[j + 1], 1)?).unwrap_or(u32::MAX);
                    1
                }
                "master-reboot-down-after-period" => {
                    self.masters[m].reboot_down_after = number(&args[j + 1], 0)?;
                    1
                }
                "notification-script" | "client-reconfig-script" => {
                    let v = args[j + 1].as_str();
                    if self.deny_scripts_reconfig {
                        return Err(err(SCRIPTS_DENIED));
                    }
                    let notification = opt == "notification-script";
                    if !v.is_empty() && !executable(v) {
                        return Err(err(if notification {
                            "Notification script seems non existing or non executable"
                        } else {
                            "Client reconfiguration script seems non existing or non executable"
                        }));
                    }
                    let value = Some(v.to_string()).filter(|s| !s.is_empty());
                    if notification {
                        self.masters[m].notification_script = value;
                    } else {
                        self.masters[m].client_reconfig_script = value;
                    }
                    1
                }
                "auth-pass" | "auth-user" => {
                    let value = Some(args[j + 1].clone()).filter(|s| !s.is_empty());
                    if opt == "auth-pass" {
                        self.masters[m].auth_pass = value;
                        redacted = true;
                    } else {
                        self.masters[m].auth_user = value;
                    }
                    self.drop_instance_connections(m);
                    1
                }
                "rename-command" if more > 1 => {
                    let (old, new) = (args[j + 1].clone(), args[j + 2].clone());
                    if old.is_empty() || new.is_empty() {
                        return Err(bad(if new.is_empty() { &new } else { &old }));
                    }
                    let renames = &mut self.masters[m].renames;
                    renames.retain(|(from, _)| !from.eq_ignore_ascii_case(&old));
                    if !old.eq_ignore_ascii_case(&new) {
                        renames.push((old, new));
                    }
                    2
                }
                _ => 0,
            };
            if used == 0 {
                return Err(err(format!("Unknown option or number of arguments for SENTINEL SET '{option}'")));
            }
            *changes += 1;
            let text = match used {
                1 => format!(" {option} {}", if redacted { "******" } else { &args[j + 1] }),
                _ => format!(" {option} {} {}", args[j + 1], args[j + 2]),
            };
            self.event_at(Level::Warning, "+set", Loc::Master(m), &text);
            j += used + 1;
        }
        Ok(())
    }

    /// Closes the master's and its replicas' connections (they reconnect with new credentials).
    fn drop_instance_connections(&mut self, m: usize) {
        let links: Vec<_> = std::iter::once(self.masters[m].inst.link).chain(self.masters[m].replicas.iter().map(|r| r.link)).collect();
        for lid in links {
            self.close_link(lid, LinkKind::Cmd);
            self.close_link(lid, LinkKind::PubSub);
        }
    }

    /// SENTINEL CONFIG SET <option> <value> (the six global options).
    pub fn config_set(&mut self, option: &str, value: &str) -> Result<(), SentinelError> {
        let badfmt = || err(format!("Invalid value '{value}' to SENTINEL CONFIG SET '{option}'"));
        let yes_no = || match value.to_ascii_lowercase().as_str() {
            "yes" => Ok(true),
            "no" => Ok(false),
            _ => Err(badfmt()),
        };
        let mut drop_conns = false;
        match option.to_ascii_lowercase().as_str() {
            "resolve-hostnames" => self.resolve_hostnames = yes_no()?,
            "announce-hostnames" => self.announce_hostnames = yes_no()?,
            "announce-ip" => self.announce_ip = Some(value.to_string()).filter(|s| !s.is_empty()),
            "announce-port" => {
                self.announce_port = parse_i64(value.as_bytes()).and_then(|n| u16::try_from(n).ok()).ok_or_else(badfmt)?;
            }
            "sentinel-user" => {
                self.sentinel_user = Some(value.to_string()).filter(|s| !s.is_empty());
                drop_conns = true;
            }
            "sentinel-pass" => {
                self.sentinel_pass = Some(value.to_string()).filter(|s| !s.is_empty());
                drop_conns = true;
            }
            _ => return Err(err(format!("Invalid argument '{option}' to SENTINEL CONFIG SET"))),
        }
        self.flush();
        if drop_conns {
            let links: Vec<_> = self.masters.iter().flat_map(|m| m.sentinels.iter().map(|s| s.link)).collect();
            for lid in links {
                self.close_link(lid, LinkKind::Cmd);
                self.close_link(lid, LinkKind::PubSub);
            }
        }
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use super::super::{Action, NodeInfo, Timing};
    use super::*;
    use crate::sentinel::settings::{MasterSettings, SentinelSettings};
    use crate::util::Rng;

    fn sentinel() -> Sentinel {
        let cfg = SentinelSettings {
            myid: Some("a".repeat(40)),
            masters: vec![MasterSettings::new("mymaster", "10.0.0.1", 6379, 2)],
            ..SentinelSettings::default()
        };
        let mut s = Sentinel::new(cfg, NodeInfo::default(), Timing::redis7(), Box::new(Rng::with_seed(2)), 0);
        s.take_actions();
        s
    }

    fn args(a: &[&str]) -> Vec<String> {
        a.iter().map(|s| s.to_string()).collect()
    }

    #[test]
    fn set_applies_and_reports() {
        let mut s = sentinel();
        s.set("mymaster", &args(&["down-after-milliseconds", "5000", "auth-pass", "pw", "rename-command", "CONFIG", "XCONFIG"]), &|_| true).unwrap();
        assert_eq!(s.masters[0].inst.down_after, 5000);
        assert_eq!(s.masters[0].auth_pass.as_deref(), Some("pw"));
        assert_eq!(s.masters[0].map_command("config"), "XCONFIG");
        let out = s.take_actions();
        let ev: Vec<_> = out.iter().filter_map(|a| if let Action::Event(e) = a { Some(e.payload.clone()) } else { None }).collect();
        assert_eq!(
            ev,
            vec![
                "master mymaster 10.0.0.1 6379 down-after-milliseconds 5000",
                "master mymaster 10.0.0.1 6379 auth-pass ******",
                "master mymaster 10.0.0.1 6379 rename-command CONFIG XCONFIG",
            ]
        );
        assert_eq!(out.last(), Some(&Action::FlushConfig));
    }

    #[test]
    fn set_errors_are_redis_strings() {
        let mut s = sentinel();
        let cases: [(&[&str], &str); 7] = [
            (&["quorum", "0"], "ERR Invalid argument '0' for SENTINEL SET 'quorum'"),
            (&["failover-timeout", "x"], "ERR Invalid argument 'x' for SENTINEL SET 'failover-timeout'"),
            (&["master-reboot-down-after-period", "-1"], "ERR Invalid argument '-1' for SENTINEL SET 'master-reboot-down-after-period'"),
            (&["nope", "1"], "ERR Unknown option or number of arguments for SENTINEL SET 'nope'"),
            (&["quorum"], "ERR Unknown option or number of arguments for SENTINEL SET 'quorum'"),
            (&["rename-command", "a"], "ERR Unknown option or number of arguments for SENTINEL SET 'rename-command'"),
            (&["notification-script", "/x"], &format!("ERR {SCRIPTS_DENIED}")),
        ];
        for (a, expect) in cases {
            assert_eq!(s.set("mymaster", &args(a), &|_| true).unwrap_err().to_string(), expect, "{a:?}");
        }
        assert_eq!(s.set("nope", &args(&["quorum", "1"]), &|_| true), Err(SentinelError::NoSuchMaster));
        s.deny_scripts_reconfig = false;
        let e = s.set("mymaster", &args(&["client-reconfig-script", "/x"]), &|_| false).unwrap_err();
        assert_eq!(e.to_string(), "ERR Client reconfiguration script seems non existing or non executable");
        // Options before the bad one stay applied.
        let _ = s.set("mymaster", &args(&["quorum", "3", "parallel-syncs", "0"]), &|_| true);
        assert_eq!(s.masters[0].quorum, 3);
    }

    #[test]
    fn monitor_remove_reset() {
        let mut s = sentinel();
        assert_eq!(s.monitor("m2", "10.0.0.5", 6379, 0, 0).unwrap_err().to_string(), "ERR Quorum must be 1 or greater.");
        assert_eq!(s.monitor("m2", "host.example", 6379, 1, 0).unwrap_err().to_string(), "ERR Invalid IP address or hostname specified");
        assert_eq!(s.monitor("mymaster", "10.0.0.5", 6379, 1, 0).unwrap_err().to_string(), "ERR Duplicate master name.");
        assert_eq!(s.monitor("m2", "10.0.0.5", 70000, 1, 0).unwrap_err().to_string(), "ERR Invalid port number.");
        s.monitor("m2", "10.0.0.5", 6379, 1, 0).unwrap();
        assert!(s
            .take_actions()
            .iter()
            .any(|a| matches!(a, Action::Event(e) if e.name == "+monitor" && e.payload == "master m2 10.0.0.5 6379 quorum 1")));
        s.create_replica(1, "10.0.0.6", 6379, 0);
        assert_eq!(s.reset("m*", 0), 2);
        assert!(s.masters[1].replicas.is_empty());
        assert_eq!(s.reset("zzz", 0), 0);
        s.remove("m2").unwrap();
        assert_eq!(s.masters.len(), 1);
        assert_eq!(s.remove("m2"), Err(SentinelError::NoSuchMaster));
    }

    #[test]
    fn forced_failover_needs_a_replica() {
        let mut s = sentinel();
        assert_eq!(s.failover("mymaster", 10), Err(SentinelError::NoGoodSlave));
        assert_eq!(SentinelError::NoGoodSlave.to_string(), "NOGOODSLAVE No suitable replica to promote");
        assert_eq!(s.failover("x", 10), Err(SentinelError::NoSuchMaster));
    }

    #[test]
    fn config_set_globals() {
        let mut s = sentinel();
        s.config_set("announce-port", "1234").unwrap();
        s.config_set("RESOLVE-HOSTNAMES", "yes").unwrap();
        assert_eq!((s.announce_port, s.resolve_hostnames), (1234, true));
        assert_eq!(
            s.config_set("announce-port", "70000").unwrap_err().to_string(),
            "ERR Invalid value '70000' to SENTINEL CONFIG SET 'announce-port'"
        );
        assert_eq!(s.config_set("bogus", "1").unwrap_err().to_string(), "ERR Invalid argument 'bogus' to SENTINEL CONFIG SET");
    }
}
