//! The persistent side: building the tables from [`SentinelSettings`] and exporting the current
//! state back (what every config flush writes).

use super::instance::Ms;
use super::Sentinel;
use crate::sentinel::settings::{KnownSentinel, MasterSettings, SentinelSettings};

impl Sentinel {
    /// Adds one configured master with its known replicas and sentinels. Entries the parser let
    /// through but that cannot be used (a duplicate name, a hostname without resolve-hostnames) are
    /// skipped, as Redis would have refused the file.
    pub(super) fn load_master(&mut self, ms: &MasterSettings, now: Ms) {
        let Ok(m) = self.create_master(&ms.name, &ms.host, i64::from(ms.port), ms.quorum.max(1), now) else { return };
        let down_after = ms.down_after_ms.max(1) as Ms;
        let master = &mut self.masters[m];
        master.inst.down_after = down_after;
        master.failover_timeout = ms.failover_timeout_ms.max(1) as Ms;
        master.parallel_syncs = ms.parallel_syncs;
        master.notification_script = ms.notification_script.clone();
        master.client_reconfig_script = ms.client_reconfig_script.clone();
        master.auth_pass = ms.auth_pass.clone();
        master.auth_user = ms.auth_user.clone();
        master.renames = ms.rename_commands.clone();
        master.reboot_down_after = ms.master_reboot_down_after_period_ms as Ms;
        master.config_epoch = ms.config_epoch;
        master.leader_epoch = ms.leader_epoch;
        self.current_epoch = self.current_epoch.max(ms.config_epoch);
        for (host, port) in &ms.known_replicas {
            self.create_replica(m, host, i64::from(*port), now);
        }
        for ks in &ms.known_sentinels {
            self.create_sentinel(m, &ks.runid, &ks.host, i64::from(ks.port), now);
        }
    }

    /// A snapshot of everything sentinel.conf must hold now: the current master addresses (the
    /// promoted replica once it accepted the promotion), epochs, votes, known replicas and sentinels.
    pub fn settings(&self) -> SentinelSettings {
        SentinelSettings {
            myid: Some(self.myid.clone()),
            current_epoch: self.current_epoch,
            announce_ip: self.announce_ip.clone(),
            announce_port: self.announce_port,
            deny_scripts_reconfig: self.deny_scripts_reconfig,
            resolve_hostnames: self.resolve_hostnames,
            announce_hostnames: self.announce_hostnames,
            sentinel_user: self.sentinel_user.clone(),
            sentinel_pass: self.sentinel_pass.clone(),
            masters: self
                .masters
                .iter()
                .map(|m| {
                    let current = m.current_addr();
                    MasterSettings {
                        name: m.inst.name.clone(),
                        host: self.announced(current).to_string(),
                        port: current.port,
                        quorum: m.quorum,
                        down_after_ms: m.inst.down_after.max(0) as u64,
                        failover_timeout_ms: m.failover_timeout.max(0) as u64,
                        parallel_syncs: m.parallel_syncs,
                        notification_script: m.notification_script.clone(),
                        client_reconfig_script: m.client_reconfig_script.clone(),
                        auth_pass: m.auth_pass.clone(),
                        auth_user: m.auth_user.clone(),
                        rename_commands: m.renames.clone(),
                        master_reboot_down_after_period_ms: m.reboot_down_after.max(0) as u64,
                        config_epoch: m.config_epoch,
                        leader_epoch: m.leader_epoch,
                        // A replica at the current master address is the promoted one: the old master's
                        // address is written in its place, so the old master is found again on restart.
                        known_replicas: m
                            .replicas
                            .iter()
                            .map(|r| {
                                let a = if r.addr.same(current) { &m.inst.addr } else { &r.addr };
                                (self.announced(a).to_string(), a.port)
                            })
                            .collect(),
                        known_sentinels: m
                            .sentinels
                            .iter()
                            .filter_map(|s| {
                                s.runid.as_ref().map(|runid| KnownSentinel {
                                    host: self.announced(&s.addr).to_string(),
                                    port: s.addr.port,
                                    runid: runid.clone(),
                                })
                            })
                            .collect(),
                    }
                })
                .collect(),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::super::{Action, NodeInfo, Timing};
    use super::*;
    use crate::util::Rng;

    fn settings() -> SentinelSettings {
        let mut ms = MasterSettings::new("mymaster", "10.0.0.1", 6379, 2);
        ms.down_after_ms = 5000;
        ms.config_epoch = 7;
        ms.leader_epoch = 6;
        ms.known_replicas = vec![("10.0.0.2".into(), 6379), ("10.0.0.3".into(), 6379)];
        ms.known_sentinels = vec![KnownSentinel { host: "10.0.1.2".into(), port: 26379, runid: "b".repeat(40) }];
        SentinelSettings { myid: Some("a".repeat(40)), current_epoch: 3, masters: vec![ms], ..SentinelSettings::default() }
    }

    #[test]
    fn round_trips_and_adopts_the_highest_epoch() {
        let s = Sentinel::new(settings(), NodeInfo::default(), Timing::fast(), Box::new(Rng::with_seed(1)), 0);
        let out = s.settings();
        // current-epoch is raised to the highest config epoch (sentinelHandleConfiguration).
        assert_eq!(out.current_epoch, 7);
        let mut expect = settings();
        expect.current_epoch = 7;
        assert_eq!(out, expect);
    }

    #[test]
    fn generated_myid_is_flushed_and_monitor_announced() {
        let mut cfg = settings();
        cfg.myid = None;
        let mut s = Sentinel::new(cfg, NodeInfo::default(), Timing::fast(), Box::new(Rng::with_seed(1)), 0);
        assert_eq!(s.myid().len(), 40);
        assert!(s.myid().bytes().all(|b| b.is_ascii_hexdigit()));
        let actions = s.take_actions();
        assert!(actions
            .iter()
            .any(|a| matches!(a, Action::Event(e) if e.name == "+monitor" && e.payload == "master mymaster 10.0.0.1 6379 quorum 2")));
        assert_eq!(actions.last(), Some(&Action::FlushConfig));
    }

    #[test]
    fn promoted_replica_is_written_as_the_old_master() {
        let mut s = Sentinel::new(settings(), NodeInfo::default(), Timing::fast(), Box::new(Rng::with_seed(1)), 0);
        let m = &mut s.masters[0];
        m.inst.flags |= super::super::instance::flag::FAILOVER_IN_PROGRESS;
        m.failover_state = super::super::instance::FailoverState::ReconfSlaves;
        m.promoted = Some(m.replicas[0].id);
        let out = s.settings();
        assert_eq!((out.masters[0].host.as_str(), out.masters[0].port), ("10.0.0.2", 6379));
        assert_eq!(out.masters[0].known_replicas, vec![("10.0.0.1".to_string(), 6379), ("10.0.0.3".to_string(), 6379)]);
    }
}
