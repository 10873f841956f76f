//! Read views for the SENTINEL API, INFO and ROLE: plain values another layer turns into replies.
//! Times are "ms ago" computed from the `now_ms` passed in.

use super::admin::SentinelError;
use super::instance::{flag, FailoverState, Instance, Kind, Loc, Ms, Role};
use super::Sentinel;
use crate::util::glob_match;

/// An instance record (`addReplySentinelRedisInstance`): ordered (field, value) pairs, every value
/// a string as Redis sends them (bulk strings).
pub type Record = Vec<(&'static str, String)>;

/// The `flags` field: Redis's order, comma-joined.
pub(crate) fn flags_string(ri: &Instance, disconnected: bool) -> String {
    let table: [(bool, &str); 14] = [
        (ri.has(flag::S_DOWN), "s_down"),
        (ri.has(flag::O_DOWN), "o_down"),
        (ri.kind == Kind::Master, "master"),
        (ri.kind == Kind::Replica, "slave"),
        (ri.kind == Kind::Sentinel, "sentinel"),
        (disconnected, "disconnected"),
        (ri.has(flag::MASTER_DOWN), "master_down"),
        (ri.has(flag::FAILOVER_IN_PROGRESS), "failover_in_progress"),
        (ri.has(flag::PROMOTED), "promoted"),
        (ri.has(flag::RECONF_SENT), "reconf_sent"),
        (ri.has(flag::RECONF_INPROG), "reconf_inprog"),
        (ri.has(flag::RECONF_DONE), "reconf_done"),
        (ri.has(flag::FORCE_FAILOVER), "force_failover"),
        (ri.has(flag::SCRIPT_KILL_SENT), "script_kill_sent"),
    ];
    table.iter().filter(|(on, _)| *on).map(|(_, name)| *name).collect::<Vec<_>>().join(",")
}

impl Sentinel {
    fn record(&self, loc: Loc, now: Ms) -> Record {
        let ri = self.inst(loc);
        let master = &self.masters[loc.master()];
        let link = self.link(loc);
        let mut r: Record = vec![
            ("name", ri.name.clone()),
            ("ip", self.announced(&ri.addr).to_string()),
            ("port", ri.addr.port.to_string()),
            ("runid", ri.runid.clone().unwrap_or_default()),
            ("flags", flags_string(ri, self.disconnected(loc))),
            ("link-pending-commands", link.map_or(0, |l| l.pending.len()).to_string()),
            ("link-refcount", link.map_or(1, |l| l.refcount).to_string()),
        ];
        if ri.has(flag::FAILOVER_IN_PROGRESS) {
            r.push(("failover-state", master.failover_state.as_str().to_string()));
        }
        let (act, avail, pong) = link.map_or((None, now, now), |l| (l.act_ping_time, l.last_avail_time, l.last_pong_time));
        r.push(("last-ping-sent", act.map_or(0, |t| now - t).to_string()));
        r.push(("last-ok-ping-reply", (now - avail).to_string()));
        r.push(("last-ping-reply", (now - pong).to_string()));
        if ri.has(flag::S_DOWN) {
            r.push(("s-down-time", (now - ri.s_down_since.unwrap_or(now)).to_string()));
        }
        if ri.has(flag::O_DOWN) {
            r.push(("o-down-time", (now - ri.o_down_since.unwrap_or(now)).to_string()));
        }
        r.push(("down-after-milliseconds", ri.down_after.to_string()));
        if ri.kind != Kind::Sentinel {
            r.push(("info-refresh", ri.info_refresh.map_or(0, |t| now - t).to_string()));
            r.push(("role-reported", if ri.role_reported == Some(Role::Master) { "master" } else { "slave" }.to_string()));
            r.push(("role-reported-time", (now - ri.role_reported_time).to_string()));
        }
        match ri.kind {
            Kind::Master => {
                r.push(("config-epoch", master.config_epoch.to_string()));
                r.push(("num-slaves", master.replicas.len().to_string()));
                r.push(("num-other-sentinels", master.sentinels.len().to_string()));
                r.push(("quorum", master.quorum.to_string()));
                r.push(("failover-timeout", master.failover_timeout.to_string()));
                r.push(("parallel-syncs", master.parallel_syncs.to_string()));
                if let Some(s) = &master.notification_script {
                    r.push(("notification-script", s.clone()));
                }
                if let Some(s) = &master.client_reconfig_script {
                    r.push(("client-reconfig-script", s.clone()));
                }
            }
            Kind::Replica => {
                r.push(("master-link-down-time", ri.master_link_down_time.to_string()));
                r.push(("master-link-status", if ri.slave_master_link_up { "ok" } else { "err" }.to_string()));
                r.push(("master-host", ri.slave_master_host.clone().unwrap_or_else(|| "?".to_string())));
                r.push(("master-port", ri.slave_master_port.to_string()));
                r.push(("slave-priority", ri.slave_priority.to_string()));
                r.push(("slave-repl-offset", ri.slave_repl_offset.to_string()));
                r.push(("replica-announced", ri.replica_announced.to_string()));
            }
            Kind::Sentinel => {
                r.push(("last-hello-message", (now - ri.last_hello_time).to_string()));
                r.push(("voted-leader", ri.leader.clone().unwrap_or_else(|| "?".to_string())));
                r.push(("voted-leader-epoch", ri.leader_epoch.to_string()));
            }
        }
        r
    }

    fn master_idx(&self, name: &str) -> Result<usize, SentinelError> {
        self.master_by_name(name).ok_or(SentinelError::NoSuchMaster)
    }

    /// SENTINEL MASTERS.
    pub fn masters_records(&self, now_ms: u64) -> Vec<Record> {
        (0..self.masters.len()).map(|m| self.record(Loc::Master(m), now_ms as Ms)).collect()
    }

    /// SENTINEL MASTER <name>.
    pub fn master_record(&self, name: &str, now_ms: u64) -> Result<Record, SentinelError> {
        Ok(self.record(Loc::Master(self.master_idx(name)?), now_ms as Ms))
    }

    /// SENTINEL REPLICAS <name> (replicas with replica-announced 0 are left out).
    pub fn replica_records(&self, name: &str, now_ms: u64) -> Result<Vec<Record>, SentinelError> {
        let m = self.master_idx(name)?;
        Ok((0..self.masters[m].replicas.len())
            .filter(|&r| self.masters[m].replicas[r].replica_announced != 0)
            .map(|r| self.record(Loc::Replica(m, r), now_ms as Ms))
            .collect())
    }

    /// SENTINEL SENTINELS <name>.
    pub fn sentinel_records(&self, name: &str, now_ms: u64) -> Result<Vec<Record>, SentinelError> {
        let m = self.master_idx(name)?;
        Ok((0..self.masters[m].sentinels.len()).map(|s| self.record(Loc::Sentinel(m, s), now_ms as Ms)).collect())
    }

    /// SENTINEL GET-MASTER-ADDR-BY-NAME: the current address (the promoted replica from
    /// reconf_slaves on); `None` for an unknown name (a null reply).
    pub fn master_addr(&self, name: &str) -> Option<(String, u16)> {
        let m = &self.masters[self.master_by_name(name)?];
        let a = m.current_addr();
        Some((self.announced(a).to_string(), a.port))
    }

    /// ROLE's list of monitored master names.
    pub fn master_names(&self) -> Vec<String> {
        self.masters.iter().map(|m| m.inst.name.clone()).collect()
    }

    /// SENTINEL CKQUORUM: the `+OK ...` status text, or the `-NOQUORUM ...` error.
    pub fn ckquorum(&self, name: &str) -> Result<String, SentinelError> {
        let (usable, quorum_ok, majority_ok) = self.quorum_status(self.master_idx(name)?);
        if quorum_ok && majority_ok {
            return Ok(format!("OK {usable} usable Sentinels. Quorum and failover authorization can be reached"));
        }
        let mut reasons = Vec::new();
        if !quorum_ok {
            reasons.push("Not enough available Sentinels to reach the specified quorum for this master");
        }
        if !majority_ok {
            reasons.push("Not enough available Sentinels to reach the majority and authorize a failover");
        }
        Err(SentinelError::NoQuorum(format!("{usable} usable Sentinels. {}", reasons.join(". "))))
    }

    /// The `# Sentinel` INFO section (with CRLFs); script counters come from the driver.
    pub fn info_section(&self, now_ms: u64, running_scripts: usize, scripts_queue_length: usize) -> String {
        let now = now_ms as Ms;
        let tilt_since = if self.tilt { (now - self.tilt_start_time) / 1000 } else { -1 };
        let mut s = format!(
            "# Sentinel\r\nsentinel_masters:{}\r\nsentinel_tilt:{}\r\nsentinel_tilt_since_seconds:{tilt_since}\r\nsentinel_running_scripts:{running_scripts}\r\nsentinel_scripts_queue_length:{scripts_queue_length}\r\nsentinel_simulate_failure_flags:{}\r\n",
            self.masters.len(),
            u8::from(self.tilt),
            self.simfailure
        );
        for (i, m) in self.masters.iter().enumerate() {
            let status = if m.inst.has(flag::O_DOWN) {
                "odown"
            } else if m.inst.has(flag::S_DOWN) {
                "sdown"
            } else {
                "ok"
            };
            s.push_str(&format!(
                "master{i}:name={},status={status},address={}:{},slaves={},sentinels={}\r\n",
                m.inst.name,
                self.announced(&m.inst.addr),
                m.inst.addr.port,
                m.replicas.len(),
                m.sentinels.len() + 1
            ));
        }
        s
    }

    /// SENTINEL INFO-CACHE [names...]: per master (all when `names` is empty; unknown names skipped),
    /// the (age ms, INFO text) of the master then of each replica.
    pub fn info_cache(&self, names: &[String], now_ms: u64) -> Vec<(String, Vec<(i64, Option<String>)>)> {
        let now = now_ms as Ms;
        let picked: Vec<&super::instance::Master> = if names.is_empty() {
            self.masters.iter().collect()
        } else {
            names.iter().filter_map(|n| self.master_by_name(n)).map(|m| &self.masters[m]).collect()
        };
        picked
            .into_iter()
            .map(|m| {
                let mut entries = vec![(m.inst.info_refresh.map_or(0, |t| now - t), m.inst.info.clone())];
                // NB: Redis tests the *master's* info_refresh for each replica's age; kept for parity.
                entries.extend(
                    m.replicas
                        .iter()
                        .map(|r| (if m.inst.info_refresh.is_some() { r.info_refresh.map_or(now, |t| now - t) } else { 0 }, r.info.clone())),
                );
                (m.inst.name.clone(), entries)
            })
            .collect()
    }

    /// SENTINEL CONFIG GET <glob>: the matching global options, in Redis's order.
    pub fn config_get(&self, pattern: &str) -> Vec<(&'static str, String)> {
        let yes_no = |b: bool| if b { "yes" } else { "no" }.to_string();
        let all = [
            ("resolve-hostnames", yes_no(self.resolve_hostnames)),
            ("announce-hostnames", yes_no(self.announce_hostnames)),
            ("announce-ip", self.announce_ip.clone().unwrap_or_default()),
            ("announce-port", self.announce_port.to_string()),
            ("sentinel-user", self.sentinel_user.clone().unwrap_or_default()),
            ("sentinel-pass", self.sentinel_pass.clone().unwrap_or_default()),
        ];
        all.into_iter().filter(|(k, _)| glob_match(pattern.as_bytes(), k.as_bytes(), true)).collect()
    }

    /// The failover state of a master as shown in `failover-state` (`none` when idle).
    pub fn failover_state(&self, name: &str) -> Option<&'static str> {
        let m = &self.masters[self.master_by_name(name)?];
        Some(if m.failover_state == FailoverState::None { "none" } else { m.failover_state.as_str() })
    }
}

#[cfg(test)]
mod tests {
    use super::super::instance::flag;
    use super::super::{NodeInfo, Timing};
    use super::*;
    use crate::sentinel::settings::{KnownSentinel, MasterSettings, SentinelSettings};
    use crate::util::Rng;

    fn sentinel() -> Sentinel {
        let mut ms = MasterSettings::new("mymaster", "10.0.0.1", 6379, 2);
        ms.known_replicas = vec![("10.0.0.2".into(), 6380)];
        ms.known_sentinels = vec![KnownSentinel { host: "10.0.1.2".into(), port: 26379, runid: "b".repeat(40) }];
        let cfg = SentinelSettings { myid: Some("a".repeat(40)), masters: vec![ms], ..SentinelSettings::default() };
        let mut s = Sentinel::new(cfg, NodeInfo::default(), Timing::redis7(), Box::new(Rng::with_seed(4)), 1000);
        s.take_actions();
        s
    }

    fn keys(r: &Record) -> Vec<&'static str> {
        r.iter().map(|(k, _)| *k).collect()
    }

    #[test]
    fn master_record_has_20_fields_in_order() {
        let s = sentinel();
        let r = s.master_record("mymaster", 1500).unwrap();
        assert_eq!(
            keys(&r),
            vec![
                "name",
                "ip",
                "port",
                "runid",
                "flags",
                "link-pending-commands",
                "link-refcount",
                "last-ping-sent",
                "last-ok-ping-reply",
                "last-ping-reply",
                "down-after-milliseconds",
                "info-refresh",
                "role-reported",
                "role-reported-time",
                "config-epoch",
                "num-slaves",
                "num-other-sentinels",
                "quorum",
                "failover-timeout",
                "parallel-syncs"
            ]
        );
        let get = |k: &str| r.iter().find(|(f, _)| *f == k).map(|(_, v)| v.as_str());
        assert_eq!(get("flags"), Some("master,disconnected"));
        assert_eq!(get("last-ping-sent"), Some("500"));
        assert_eq!(get("runid"), Some(""));
        assert_eq!(get("num-slaves"), Some("1"));
        assert_eq!(get("info-refresh"), Some("0"));
        assert_eq!(s.master_record("nope", 0), Err(SentinelError::NoSuchMaster));
    }

    #[test]
    fn replica_and_sentinel_records() {
        let s = sentinel();
        let r = &s.replica_records("mymaster", 1000).unwrap()[0];
        assert_eq!(r.len(), 21);
        assert_eq!(
            &keys(r)[14..],
            ["master-link-down-time", "master-link-status", "master-host", "master-port", "slave-priority", "slave-repl-offset", "replica-announced"]
        );
        assert_eq!(r[0], ("name", "10.0.0.2:6380".to_string()));
        assert!(r.contains(&("master-host", "?".to_string())));
        assert!(r.contains(&("master-link-status", "err".to_string())));
        let p = &s.sentinel_records("mymaster", 1000).unwrap()[0];
        assert_eq!(&keys(p)[11..], ["last-hello-message", "voted-leader", "voted-leader-epoch"]);
        assert_eq!(p[4], ("flags", "sentinel,disconnected".to_string()));
    }

    #[test]
    fn optional_fields_appear_when_set() {
        let mut s = sentinel();
        s.masters[0].inst.flags |= flag::S_DOWN | flag::O_DOWN | flag::FAILOVER_IN_PROGRESS;
        s.masters[0].inst.s_down_since = Some(1200);
        s.masters[0].inst.o_down_since = Some(1300);
        s.masters[0].failover_state = FailoverState::WaitStart;
        s.masters[0].notification_script = Some("/n.sh".into());
        let r = s.master_record("mymaster", 2000).unwrap();
        assert_eq!(r.len(), 24);
        assert_eq!(r[7], ("failover-state", "wait_start".to_string()));
        assert_eq!(r[11], ("s-down-time", "800".to_string()));
        assert_eq!(r[12], ("o-down-time", "700".to_string()));
        assert_eq!(r[4].1, "s_down,o_down,master,disconnected,failover_in_progress");
        assert_eq!(r.last(), Some(&("notification-script", "/n.sh".to_string())));
    }

    #[test]
    fn flags_table() {
        let s = sentinel();
        let mut ri = Instance::new(
            super::super::instance::InstId(1),
            Kind::Replica,
            "x".into(),
            super::super::instance::Addr::new("1.1.1.1", 1),
            s.masters[0].inst.link,
            1,
            0,
        );
        let cases: [(u32, bool, &str); 5] = [
            (0, false, "slave"),
            (flag::S_DOWN, true, "s_down,slave,disconnected"),
            (flag::PROMOTED | flag::RECONF_DONE, false, "slave,promoted,reconf_done"),
            (flag::SCRIPT_KILL_SENT | flag::FORCE_FAILOVER | flag::MASTER_DOWN, false, "slave,master_down,force_failover,script_kill_sent"),
            (flag::RECONF_SENT | flag::RECONF_INPROG | flag::O_DOWN, false, "o_down,slave,reconf_sent,reconf_inprog"),
        ];
        for (flags, disc, expect) in cases {
            ri.flags = flags;
            assert_eq!(flags_string(&ri, disc), expect);
        }
    }

    #[test]
    fn addr_ckquorum_info_role() {
        let mut s = sentinel();
        assert_eq!(s.master_addr("mymaster"), Some(("10.0.0.1".to_string(), 6379)));
        assert_eq!(s.master_addr("nope"), None);
        assert_eq!(s.ckquorum("mymaster").unwrap(), "OK 2 usable Sentinels. Quorum and failover authorization can be reached");
        s.masters[0].sentinels[0].flags |= flag::S_DOWN;
        assert_eq!(
            s.ckquorum("mymaster").unwrap_err().to_string(),
            "NOQUORUM 1 usable Sentinels. Not enough available Sentinels to reach the specified quorum for this master. Not enough available Sentinels to reach the majority and authorize a failover"
        );
        let info = s.info_section(5000, 0, 0);
        assert!(info.starts_with("# Sentinel\r\nsentinel_masters:1\r\nsentinel_tilt:0\r\nsentinel_tilt_since_seconds:-1\r\n"));
        assert!(info.ends_with("master0:name=mymaster,status=ok,address=10.0.0.1:6379,slaves=1,sentinels=2\r\n"));
        assert_eq!(s.master_names(), vec!["mymaster".to_string()]);
        assert_eq!(
            s.config_get("announce-*").iter().map(|(k, _)| *k).collect::<Vec<_>>(),
            vec!["announce-hostnames", "announce-ip", "announce-port"]
        );
    }
}
