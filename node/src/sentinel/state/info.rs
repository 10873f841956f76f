//! INFO replies: the parsing (the same line prefixes sentinelRefreshInstanceInfo looks at) and what a
//! reply changes — replica discovery, role changes, promotion, reconfiguration progress, and the
//! conversion of instances that disagree with our view.

use super::instance::{flag, FailoverState, Kind, Loc, Ms, Role};
use super::{Level, Sentinel};

/// The fields of one INFO text that matter to a sentinel.
#[derive(Debug, Default, Clone, PartialEq, Eq)]
pub(crate) struct InfoReport {
    /// The 40 characters after `run_id:`.
    pub run_id: Option<String>,
    /// `slaveN:` lines: (ip, port) as written (port parsed like atoi).
    pub replicas: Vec<(String, i64)>,
    /// `master_link_down_since_seconds` × 1000, 0 when absent.
    pub master_link_down_ms: Ms,
    pub role: Option<Role>,
    // Only read after `role:slave` was seen.
    pub master_host: Option<String>,
    pub master_port: Option<i64>,
    pub link_up: Option<bool>,
    pub slave_priority: Option<i64>,
    pub slave_repl_offset: Option<u64>,
    pub replica_announced: Option<i64>,
    /// `master_replid:`, in either role.
    pub master_replid: Option<String>,
}

/// C's atoi/strtoll: optional spaces and sign, then digits; anything unparsable is 0.
pub(crate) fn atoi(s: &str) -> i64 {
    let s = s.trim_start();
    let (neg, digits) = match s.as_bytes().first() {
        Some(b'-') => (true, &s[1..]),
        Some(b'+') => (false, &s[1..]),
        _ => (false, s),
    };
    let mut n: i64 = 0;
    for b in digits.bytes().take_while(u8::is_ascii_digit) {
        n = n.saturating_mul(10).saturating_add(i64::from(b - b'0'));
    }
    if neg {
        -n
    } else {
        n
    }
}

/// C's strtoull for the non-negative values we read (a leading minus wraps, as in C).
pub(crate) fn atou(s: &str) -> u64 {
    atoi(s) as u64
}

/// Parses an INFO text. Never fails: unknown or malformed lines are skipped.
pub(crate) fn parse_info(text: &str) -> InfoReport {
    let mut r = InfoReport::default();
    for l in text.split("\r\n") {
        if l.len() >= 47 && l.starts_with("run_id:") {
            if let Some(id) = l.get(7..47) {
                r.run_id = Some(id.to_string());
            }
        }
        if l.len() >= 7 && l.starts_with("slave") && l.as_bytes()[5].is_ascii_digit() {
            if let Some(entry) = parse_replica_line(l) {
                r.replicas.push(entry);
            }
        }
        if l.len() >= 32 && l.starts_with("master_link_down_since_seconds") {
            r.master_link_down_ms = atoi(l.get(31..).unwrap_or("")).saturating_mul(1000);
        }
        if let Some(v) = l.strip_prefix("master_replid:") {
            r.master_replid = Some(v.to_string());
        }
        if l.starts_with("role:master") {
            r.role = Some(Role::Master);
        } else if l.starts_with("role:slave") {
            r.role = Some(Role::Replica);
        }
        if r.role == Some(Role::Replica) {
            if let Some(v) = l.strip_prefix("master_host:") {
                r.master_host = Some(v.to_string());
            } else if let Some(v) = l.strip_prefix("master_port:") {
                r.master_port = Some(atoi(v));
            } else if let Some(v) = l.strip_prefix("master_link_status:") {
                r.link_up = Some(v.eq_ignore_ascii_case("up"));
            } else if let Some(v) = l.strip_prefix("slave_priority:") {
                r.slave_priority = Some(atoi(v));
            } else if let Some(v) = l.strip_prefix("slave_repl_offset:") {
                r.slave_repl_offset = Some(atou(v));
            } else if let Some(v) = l.strip_prefix("replica_announced:") {
                r.replica_announced = Some(atoi(v));
            }
        }
    }
    r
}

/// `slave0:ip=1.2.3.4,port=6380,state=online,...` or the old `slave0:1.2.3.4,6380,online`.
fn parse_replica_line(l: &str) -> Option<(String, i64)> {
    let field = |s: &str| s.split(',').next().unwrap_or("").to_string();
    if let Some(i) = l.find("ip=") {
        let ip = field(&l[i + 3..]);
        let port = l.find("port=").map(|p| atoi(&field(&l[p + 5..])))?;
        Some((ip, port))
    } else {
        let rest = &l[l.find(':')? + 1..];
        let mut parts = rest.splitn(3, ',');
        let ip = parts.next()?.to_string();
        let port = parts.next()?;
        parts.next()?; // the old format needs the state field too
        Some((ip, atoi(port)))
    }
}

impl Sentinel {
    /// Applies an INFO reply from a master or replica (sentinelRefreshInstanceInfo).
    pub(super) fn refresh_instance_info(&mut self, loc: Loc, text: &str, now: Ms) {
        let report = parse_info(text);
        let m = loc.master();
        let kind = self.inst(loc).kind;
        let ri = self.inst_mut(loc);
        ri.info = Some(text.to_string());
        ri.master_link_down_time = report.master_link_down_ms;
        if let Some(id) = &report.master_replid {
            if ri.replid.as_ref().is_some_and(|old| old != id) {
                ri.replid_change_time = now;
            }
            ri.replid = Some(id.clone());
        }
        let mut rebooted = false;
        if let Some(id) = &report.run_id {
            match &ri.runid {
                None => ri.runid = Some(id.clone()),
                Some(old) if old != id => {
                    ri.runid = Some(id.clone());
                    rebooted = true;
                }
                _ => {}
            }
        }
        if report.role == Some(Role::Replica) {
            if let Some(h) = &report.master_host {
                if ri.slave_master_host.as_ref().is_none_or(|old| !old.eq_ignore_ascii_case(h)) {
                    ri.slave_master_host = Some(h.clone());
                    ri.slave_conf_change_time = now;
                }
            }
            if let Some(p) = report.master_port {
                if ri.slave_master_port != p {
                    ri.slave_master_port = p;
                    ri.slave_conf_change_time = now;
                }
            }
            if let Some(up) = report.link_up {
                ri.slave_master_link_up = up;
            }
            if let Some(p) = report.slave_priority {
                ri.slave_priority = p;
            }
            if let Some(o) = report.slave_repl_offset {
                ri.slave_repl_offset = o;
            }
            if let Some(a) = report.replica_announced {
                ri.replica_announced = a;
            }
        }
        ri.info_refresh = Some(now);
        if rebooted {
            self.event_at(Level::Notice, "+reboot", loc, "");
            if kind == Kind::Master && self.masters[m].reboot_down_after != 0 {
                self.masters[m].inst.flags |= flag::MASTER_REBOOT;
                self.masters[m].reboot_since = now;
            }
        }
        if kind == Kind::Master {
            for (ip, port) in &report.replicas {
                let known = self.masters[m].replicas.iter().any(|r| r.addr.is(ip, *port));
                if !known {
                    if let Some(r) = self.create_replica(m, ip, *port, now) {
                        self.event_at(Level::Notice, "+slave", Loc::Replica(m, r), "");
                        self.flush();
                    }
                }
            }
        }

        // ---- acting half ----
        let ri = self.inst_mut(loc);
        if report.role != ri.role_reported {
            ri.role_reported_time = now;
            ri.role_reported = report.role;
            if report.role == Some(Role::Replica) {
                ri.slave_conf_change_time = now;
            }
            let coherent = matches!((kind, report.role), (Kind::Master, Some(Role::Master)) | (Kind::Replica, Some(Role::Replica)));
            let name = if coherent { "+role-change" } else { "-role-change" };
            let role = if report.role == Some(Role::Master) { "master" } else { "slave" };
            self.event_at(Level::Verbose, name, loc, &format!(" new reported role is {role}"));
        }
        if self.tilt {
            return;
        }
        // A master claiming to be a replica is only ever marked SDOWN (monitor.rs), never fixed.
        let Loc::Replica(_, r) = loc else { return };
        match report.role {
            Some(Role::Master) => self.replica_reports_master(m, r, now),
            Some(Role::Replica) => {
                self.replica_reports_replica(m, r, now);
                self.track_reconf_progress(m, r);
            }
            None => {}
        }
    }

    /// A replica now says role:master: either the promotion we asked for, or an instance to turn
    /// back into a replica once things have settled.
    fn replica_reports_master(&mut self, m: usize, r: usize, now: Ms) {
        let master = &self.masters[m];
        let ri = &master.replicas[r];
        if ri.has(flag::PROMOTED) && self.awaits_promotion(m) {
            // The promotion is acknowledged: the new config epoch makes the others follow us.
            let master = &mut self.masters[m];
            master.config_epoch = master.failover_epoch;
            master.failover_state = FailoverState::ReconfSlaves;
            master.failover_state_change_time = now;
            self.flush();
            self.event_at(Level::Warning, "+promoted-slave", Loc::Replica(m, r), "");
            if self.simfailure & super::SIMFAILURE_CRASH_AFTER_PROMOTION != 0 {
                self.out.push(super::Action::Crash);
            }
            self.event_at(Level::Warning, "+failover-state-reconf-slaves", Loc::Master(m), "");
            self.finish_handover(m, r);
            let (from, to) = (self.masters[m].inst.addr.clone(), self.masters[m].replicas[r].addr.clone());
            self.client_reconfig_script(m, "leader", &from, &to);
            self.force_hello_update(m);
        } else {
            // Wait a few hello periods so a newer configuration can reach us first. Redis counts from
            // the role change it saw, which misses a replica that was a master at our previous INFO
            // (10 s apart), a replica in between, and has just been promoted by another sentinel: it
            // would be turned back at once, before that sentinel's hello arrives, undoing the
            // failover. A promotion always starts a new replication ID, so we also count from that.
            let wait = self.timing.convert_wait() as Ms;
            let settled = now - ri.role_reported_time > wait && now - ri.replid_change_time > wait;
            if !ri.has(flag::PROMOTED) && self.master_looks_sane(m, now) && ri.no_down_for(wait, now) && settled {
                let to = self.masters[m].inst.addr.clone();
                if self.send_slaveof(super::instance::Loc::Replica(m, r), Some(&to)) {
                    self.event_at(Level::Notice, "+convert-to-slave", Loc::Replica(m, r), "");
                }
            }
        }
    }

    /// A replica replicating from another address than our master's is pointed back, once the
    /// master looks sane and the replica's config has been stable for failover-timeout.
    fn replica_reports_replica(&mut self, m: usize, r: usize, now: Ms) {
        let master = &self.masters[m];
        let ri = &master.replicas[r];
        let addr = &master.inst.addr;
        let same =
            ri.slave_master_port == i64::from(addr.port) && ri.slave_master_host.as_deref().is_some_and(|h| h.eq_ignore_ascii_case(&addr.host));
        if same {
            return;
        }
        let wait = master.failover_timeout;
        if self.master_looks_sane(m, now) && ri.no_down_for(wait, now) && now - ri.slave_conf_change_time > wait {
            let to = addr.clone();
            if self.send_slaveof(Loc::Replica(m, r), Some(&to)) {
                self.event_at(Level::Notice, "+fix-slave-config", Loc::Replica(m, r), "");
            }
        }
    }

    /// reconf_sent → reconf_inprog (it follows the promoted replica) → reconf_done (link up).
    fn track_reconf_progress(&mut self, m: usize, r: usize) {
        let master = &self.masters[m];
        let ri = &master.replicas[r];
        if !ri.has(flag::RECONF_SENT | flag::RECONF_INPROG) {
            return;
        }
        let Some(promoted) = master.promoted_idx().map(|p| master.replicas[p].addr.clone()) else { return };
        if ri.has(flag::RECONF_SENT)
            && ri.slave_master_host.as_deref().is_some_and(|h| h.eq_ignore_ascii_case(&promoted.host))
            && ri.slave_master_port == i64::from(promoted.port)
        {
            let ri = &mut self.masters[m].replicas[r];
            ri.flags = (ri.flags & !flag::RECONF_SENT) | flag::RECONF_INPROG;
            self.event_at(Level::Notice, "+slave-reconf-inprog", Loc::Replica(m, r), "");
        }
        let ri = &self.masters[m].replicas[r];
        if ri.has(flag::RECONF_INPROG) && ri.slave_master_link_up {
            let ri = &mut self.masters[m].replicas[r];
            ri.flags = (ri.flags & !flag::RECONF_INPROG) | flag::RECONF_DONE;
            self.event_at(Level::Notice, "+slave-reconf-done", Loc::Replica(m, r), "");
        }
    }

    /// The master is a master in our view and its own, not down, and its INFO is recent.
    fn master_looks_sane(&self, m: usize, now: Ms) -> bool {
        let mi = &self.masters[m].inst;
        mi.role_reported == Some(Role::Master)
            && !mi.has(flag::S_DOWN | flag::O_DOWN)
            && mi.info_refresh.is_some_and(|t| now - t < self.timing.sane_info_age() as Ms)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    const MASTER_INFO: &str = "# Server\r\nredis_version:7.0.15\r\nrun_id:0123456789abcdef0123456789abcdef01234567\r\ntcp_port:6379\r\n\r\n# Replication\r\nrole:master\r\nconnected_slaves:2\r\nslave0:ip=10.0.0.2,port=6379,state=online,offset=236,lag=0\r\nslave1:10.0.0.3,6380,online\r\nmaster_failover_state:no-failover\r\nmaster_replid:aaaa\r\nmaster_repl_offset:236\r\n";

    const REPLICA_INFO: &str = "# Replication\r\nrole:slave\r\nmaster_host:10.0.0.1\r\nmaster_port:6379\r\nmaster_link_status:down\r\nmaster_last_io_seconds_ago:-1\r\nmaster_sync_in_progress:0\r\nslave_read_repl_offset:100\r\nslave_repl_offset:99\r\nmaster_link_down_since_seconds:12\r\nslave_priority:50\r\nslave_read_only:1\r\nreplica_announced:0\r\nconnected_slaves:0\r\n";

    #[test]
    fn parses_a_master() {
        let r = parse_info(MASTER_INFO);
        assert_eq!(r.run_id.as_deref(), Some("0123456789abcdef0123456789abcdef01234567"));
        assert_eq!(r.role, Some(Role::Master));
        assert_eq!(r.replicas, vec![("10.0.0.2".to_string(), 6379), ("10.0.0.3".to_string(), 6380)]);
        assert_eq!(r.master_link_down_ms, 0);
        assert_eq!(r.master_host, None);
    }

    #[test]
    fn parses_a_replica() {
        let r = parse_info(REPLICA_INFO);
        assert_eq!(r.role, Some(Role::Replica));
        assert_eq!(r.master_host.as_deref(), Some("10.0.0.1"));
        assert_eq!(r.master_port, Some(6379));
        assert_eq!(r.link_up, Some(false));
        assert_eq!(r.slave_repl_offset, Some(99));
        assert_eq!(r.slave_priority, Some(50));
        assert_eq!(r.replica_announced, Some(0));
        assert_eq!(r.master_link_down_ms, 12_000);
    }

    #[test]
    fn replica_fields_need_role_slave_first() {
        let r = parse_info("master_host:1.2.3.4\r\nslave_priority:0\r\nrole:slave\r\nmaster_port:7\r\n");
        assert_eq!((r.master_host, r.slave_priority, r.master_port), (None, None, Some(7)));
    }

    #[test]
    fn garbage_never_panics() {
        for text in [
            "",
            "\r\n\r\n",
            "run_id:short",
            "slave0:",
            "slave0:ip=",
            "slave0:ip=1.2.3.4",
            "slave9:a,b",
            "role:slave\r\nmaster_port:x",
            "ü€run_id:ééééééééééééééééééééééééééééééééééééééééé",
            "master_link_down_since_seconds:zz",
        ] {
            let _ = parse_info(text);
        }
        assert_eq!(parse_info("slave0:ip=1.2.3.4").replicas, vec![]);
        assert_eq!(parse_info("slave0:ip=1.2.3.4,port=x").replicas, vec![("1.2.3.4".to_string(), 0)]);
    }

    /// A changed run_id is a reboot; with master-reboot-down-after-period set the master is SDOWN
    /// until it answers PONG or the period passes.
    #[test]
    fn reboot_marks_the_master() {
        use super::super::{Action, NodeInfo, Timing};
        use crate::sentinel::settings::{MasterSettings, SentinelSettings};
        let mut ms = MasterSettings::new("mymaster", "10.0.0.1", 6379, 1);
        ms.master_reboot_down_after_period_ms = 500;
        let cfg = SentinelSettings { myid: Some("a".repeat(40)), masters: vec![ms], ..SentinelSettings::default() };
        let mut s = Sentinel::new(cfg, NodeInfo::default(), Timing::redis7(), Box::new(crate::util::Rng::with_seed(1)), 0);
        s.refresh_instance_info(Loc::Master(0), MASTER_INFO, 10);
        s.take_actions();
        s.refresh_instance_info(Loc::Master(0), &MASTER_INFO.replace("run_id:0123", "run_id:9999"), 20);
        let ev: Vec<_> = s
            .take_actions()
            .into_iter()
            .filter_map(|a| if let Action::Event(e) = a { Some(format!("{} {}", e.name, e.payload)) } else { None })
            .collect();
        assert_eq!(ev, vec!["+reboot master mymaster 10.0.0.1 6379".to_string()]);
        assert!(s.masters[0].inst.has(flag::MASTER_REBOOT));
        let lid = s.masters[0].inst.link;
        if let Some(l) = s.links.get_mut(&lid) {
            l.act_ping_time = None;
            l.cc = Some(super::super::ConnId(77));
            l.pc = Some(super::super::ConnId(78));
        }
        s.check_subjectively_down(Loc::Master(0), 520);
        assert!(!s.masters[0].inst.has(flag::S_DOWN));
        s.check_subjectively_down(Loc::Master(0), 521);
        assert!(s.masters[0].inst.has(flag::S_DOWN));
    }

    /// A replica seen as a master at two INFOs 10 s apart, but with a new replication ID at the second:
    /// it was a replica in between and another sentinel has just promoted it. It is left alone for the
    /// usual wait (that sentinel's hello is due), where Redis turns it back at once; with the same ID it
    /// is converted as Redis does.
    #[test]
    fn a_freshly_promoted_replica_is_not_turned_back_before_the_hello() {
        use super::super::{Action, ConnId, NodeInfo, Timing};
        use crate::sentinel::settings::{MasterSettings, SentinelSettings};
        let converted = |replid_later: &str| {
            let ms = MasterSettings::new("mymaster", "10.0.0.1", 6379, 1);
            let cfg = SentinelSettings { myid: Some("a".repeat(40)), masters: vec![ms], ..SentinelSettings::default() };
            let mut s = Sentinel::new(cfg, NodeInfo::default(), Timing::redis7(), Box::new(crate::util::Rng::with_seed(1)), 0);
            s.refresh_instance_info(Loc::Master(0), MASTER_INFO, 1_000);
            let r = s.masters[0].replicas.iter().position(|r| r.addr.is("10.0.0.2", 6379)).expect("replica discovered");
            let lid = s.masters[0].replicas[r].link;
            if let Some(l) = s.links.get_mut(&lid) {
                l.cc = Some(ConnId(7));
            }
            let as_master =
                |id: &str| format!("# Replication\r\nrole:master\r\nconnected_slaves:0\r\nmaster_replid:{id}\r\nmaster_repl_offset:9\r\n");
            s.refresh_instance_info(Loc::Replica(0, r), &as_master("1111"), 1_000);
            let mut events = Vec::new();
            for now in [11_000, 21_000] {
                s.refresh_instance_info(Loc::Master(0), MASTER_INFO, now);
                s.refresh_instance_info(Loc::Replica(0, r), &as_master(if now == 11_000 { replid_later } else { "2222" }), now);
                events.extend(s.take_actions().into_iter().filter_map(|a| match a {
                    Action::Event(e) if e.name == "+convert-to-slave" => Some(now),
                    _ => None,
                }));
            }
            events
        };
        assert_eq!(converted("1111"), vec![11_000], "the same history: converted after the wait, as Redis does");
        assert_eq!(converted("2222"), vec![21_000], "a new history: converted only once it has settled");
    }

    #[test]
    fn atoi_is_c_like() {
        assert_eq!(atoi("42abc"), 42);
        assert_eq!(atoi("-7"), -7);
        assert_eq!(atoi(" 5"), 5);
        assert_eq!(atoi("x"), 0);
        assert_eq!(atoi(""), 0);
    }
}
