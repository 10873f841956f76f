//! The failover of one master (sentinelFailoverStateMachine): start, election wait, replica
//! selection, promotion, reconfiguration of the other replicas honouring parallel-syncs, and the
//! final switch of our view to the promoted replica.

use super::instance::{flag, Addr, FailoverState, Loc, Ms};
use super::{Action, Expect, Level, Sentinel};

impl Sentinel {
    /// Begins a failover attempt in a new epoch (also used by SENTINEL FAILOVER).
    pub(super) fn start_failover(&mut self, m: usize, now: Ms) {
        self.current_epoch += 1;
        let epoch = self.current_epoch;
        let desync = self.rand_desync();
        let master = &mut self.masters[m];
        master.failover_state = FailoverState::WaitStart;
        master.inst.flags |= flag::FAILOVER_IN_PROGRESS;
        master.failover_epoch = epoch;
        master.failover_start_time = Some(now + desync);
        master.failover_state_change_time = now;
        self.event(Level::Warning, "+new-epoch", Some(m), epoch.to_string());
        self.event_at(Level::Warning, "+try-failover", Loc::Master(m), "");
    }

    /// Starts a failover if the master is ODOWN, none is running, and the last attempt (or our vote
    /// for another sentinel) is at least 2 × failover-timeout old.
    pub(super) fn start_failover_if_needed(&mut self, m: usize, now: Ms) -> bool {
        let master = &self.masters[m];
        if !master.inst.has(flag::O_DOWN) || master.in_failover() {
            return false;
        }
        if master.failover_start_time.is_some_and(|t| now - t < master.failover_timeout * 2) {
            return false;
        }
        self.start_failover(m, now);
        true
    }

    /// Runs the current failover step; with `chain_failover_steps`, the quick steps that follow
    /// (select, send SLAVEOF NO ONE) run in the same tick.
    pub(super) fn failover_state_machine(&mut self, m: usize, now: Ms) {
        loop {
            if !self.masters[m].in_failover() {
                return;
            }
            let before = self.masters[m].failover_state;
            match before {
                FailoverState::WaitStart => self.failover_wait_start(m, now),
                FailoverState::SelectSlave => self.failover_select_slave(m, now),
                FailoverState::SendSlaveofNoone => self.failover_send_slaveof_noone(m, now),
                FailoverState::WaitPromotion => self.failover_wait_promotion(m, now),
                FailoverState::ReconfSlaves => self.failover_reconf_next_slave(m, now),
                FailoverState::None | FailoverState::UpdateConfig => {}
            }
            let after = self.masters[m].failover_state;
            let quick = matches!(after, FailoverState::SelectSlave | FailoverState::SendSlaveofNoone);
            if !self.timing.chain_failover_steps || after == before || !quick {
                return;
            }
        }
    }

    fn failover_wait_start(&mut self, m: usize, now: Ms) {
        let epoch = self.masters[m].failover_epoch;
        let leader = self.get_leader(m, epoch, now);
        let is_leader = leader.is_some_and(|l| l.eq_ignore_ascii_case(&self.myid));
        let master = &self.masters[m];
        if !is_leader && !master.inst.has(flag::FORCE_FAILOVER) {
            let election_timeout = (self.timing.election_timeout as Ms).min(master.failover_timeout);
            if master.failover_start_time.is_some_and(|t| now - t > election_timeout) {
                self.event_at(Level::Warning, "-failover-abort-not-elected", Loc::Master(m), "");
                self.abort_failover(m, now);
            }
            return;
        }
        self.event_at(Level::Warning, "+elected-leader", Loc::Master(m), "");
        if self.simfailure & super::SIMFAILURE_CRASH_AFTER_ELECTION != 0 {
            self.out.push(Action::Crash);
        }
        let master = &mut self.masters[m];
        master.failover_state = FailoverState::SelectSlave;
        master.failover_state_change_time = now;
        self.event_at(Level::Warning, "+failover-state-select-slave", Loc::Master(m), "");
    }

    fn failover_select_slave(&mut self, m: usize, now: Ms) {
        let Some(r) = self.select_replica(m, now) else {
            self.event_at(Level::Warning, "-failover-abort-no-good-slave", Loc::Master(m), "");
            self.abort_failover(m, now);
            return;
        };
        self.event_at(Level::Warning, "+selected-slave", Loc::Replica(m, r), "");
        let master = &mut self.masters[m];
        master.replicas[r].flags |= flag::PROMOTED;
        master.promoted = Some(master.replicas[r].id);
        master.failover_state = FailoverState::SendSlaveofNoone;
        master.failover_state_change_time = now;
        self.event_at(Level::Notice, "+failover-state-send-slaveof-noone", Loc::Replica(m, r), "");
    }

    fn failover_send_slaveof_noone(&mut self, m: usize, now: Ms) {
        let Some(r) = self.masters[m].promoted_idx() else {
            // The promoted replica vanished (a reset): nothing left to wait for.
            self.event_at(Level::Warning, "-failover-abort-slave-timeout", Loc::Master(m), "");
            self.abort_failover(m, now);
            return;
        };
        if self.coordinate_handover(m, r, now) {
            return;
        }
        if self.disconnected(Loc::Replica(m, r)) {
            let master = &self.masters[m];
            if now - master.failover_state_change_time > master.failover_timeout {
                self.event_at(Level::Warning, "-failover-abort-slave-timeout", Loc::Master(m), "");
                self.abort_failover(m, now);
            }
            return;
        }
        if !self.send_slaveof(Loc::Replica(m, r), None) {
            return;
        }
        self.event_at(Level::Notice, "+failover-state-wait-promotion", Loc::Replica(m, r), "");
        let master = &mut self.masters[m];
        master.failover_state = FailoverState::WaitPromotion;
        master.failover_state_change_time = now;
    }

    /// The promotion itself is seen in the promoted replica's INFO (info.rs); here only the timeout.
    fn failover_wait_promotion(&mut self, m: usize, now: Ms) {
        let master = &self.masters[m];
        if now - master.failover_state_change_time > master.failover_timeout {
            self.event_at(Level::Warning, "-failover-abort-slave-timeout", Loc::Master(m), "");
            self.abort_failover(m, now);
        }
    }

    /// Points up to parallel-syncs replicas at a time to the promoted one, then checks for the end.
    fn failover_reconf_next_slave(&mut self, m: usize, now: Ms) {
        let Some(p) = self.masters[m].promoted_idx() else { return };
        let promoted = self.masters[m].replicas[p].addr.clone();
        let limit = self.masters[m].parallel_syncs as usize;
        let mut in_progress = self.masters[m].replicas.iter().filter(|r| r.has(flag::RECONF_SENT | flag::RECONF_INPROG)).count();
        let reconf_timeout = self.timing.slave_reconf_timeout as Ms;
        let mut r = 0;
        while in_progress < limit && r < self.masters[m].replicas.len() {
            let ri = &self.masters[m].replicas[r];
            if ri.has(flag::PROMOTED | flag::RECONF_DONE) {
                r += 1;
                continue;
            }
            // Stuck in reconf_sent: count it as done; a later +fix-slave-config will correct it.
            if ri.has(flag::RECONF_SENT) && now - ri.slave_reconf_sent_time > reconf_timeout {
                self.event_at(Level::Notice, "-slave-reconf-sent-timeout", Loc::Replica(m, r), "");
                let ri = &mut self.masters[m].replicas[r];
                ri.flags = (ri.flags & !flag::RECONF_SENT) | flag::RECONF_DONE;
            }
            let ri = &self.masters[m].replicas[r];
            if ri.has(flag::RECONF_SENT | flag::RECONF_INPROG) || self.disconnected(Loc::Replica(m, r)) {
                r += 1;
                continue;
            }
            if self.send_slaveof(Loc::Replica(m, r), Some(&promoted)) {
                let ri = &mut self.masters[m].replicas[r];
                ri.flags |= flag::RECONF_SENT;
                ri.slave_reconf_sent_time = now;
                self.event_at(Level::Notice, "+slave-reconf-sent", Loc::Replica(m, r), "");
                in_progress += 1;
            }
            r += 1;
        }
        self.failover_detect_end(m, now);
    }

    /// Done when every reachable replica is reconfigured (the promoted one must be up), or after
    /// failover-timeout, in which case the rest get a best-effort SLAVEOF.
    fn failover_detect_end(&mut self, m: usize, now: Ms) {
        let master = &self.masters[m];
        let Some(p) = master.promoted_idx() else { return };
        if master.replicas[p].has(flag::S_DOWN) {
            return;
        }
        let mut not_reconfigured = master.replicas.iter().filter(|r| !r.has(flag::PROMOTED | flag::RECONF_DONE) && !r.has(flag::S_DOWN)).count();
        let timeout = now - master.failover_state_change_time > master.failover_timeout;
        if timeout {
            not_reconfigured = 0;
            self.event_at(Level::Warning, "+failover-end-for-timeout", Loc::Master(m), "");
        }
        if not_reconfigured == 0 {
            self.event_at(Level::Warning, "+failover-end", Loc::Master(m), "");
            let master = &mut self.masters[m];
            master.failover_state = FailoverState::UpdateConfig;
            master.failover_state_change_time = now;
        }
        if timeout {
            let promoted = self.masters[m].replicas[p].addr.clone();
            for r in 0..self.masters[m].replicas.len() {
                if self.masters[m].replicas[r].has(flag::PROMOTED | flag::RECONF_DONE | flag::RECONF_SENT) || self.disconnected(Loc::Replica(m, r)) {
                    continue;
                }
                if self.send_slaveof(Loc::Replica(m, r), Some(&promoted)) {
                    self.event_at(Level::Notice, "+slave-reconf-sent-be", Loc::Replica(m, r), "");
                    self.masters[m].replicas[r].flags |= flag::RECONF_SENT;
                }
            }
        }
    }

    /// update_config: our view of the master moves to the promoted replica (+switch-master).
    pub(super) fn switch_to_promoted(&mut self, m: usize, now: Ms) {
        let master = &self.masters[m];
        let old = master.inst.addr.clone();
        let new = master.promoted_idx().map_or_else(|| old.clone(), |p| master.replicas[p].addr.clone());
        let text = format!("{} {} {} {} {}", master.inst.name, self.announced(&old), old.port, self.announced(&new), new.port);
        self.event(Level::Warning, "+switch-master", Some(m), text);
        if self.reset_master_and_change_address(m, &new.host, i64::from(new.port), now) && self.timing.hello_after_switch {
            self.force_hello_update(m);
        }
    }

    /// The reconfiguration transaction: MULTI, SLAVEOF (host port | NO ONE), CONFIG REWRITE,
    /// CLIENT KILL TYPE normal, CLIENT KILL TYPE pubsub, EXEC. Replies are discarded; the effect is
    /// read back from INFO.
    pub(super) fn send_slaveof(&mut self, loc: Loc, to: Option<&Addr>) -> bool {
        if self.link(loc).is_none_or(|l| l.cc.is_none()) {
            return false;
        }
        let (host, port) = match to {
            Some(a) => (self.announced(a).to_string(), a.port.to_string()),
            None => ("NO".to_string(), "ONE".to_string()),
        };
        self.send(loc, Expect::Discard, &["MULTI"]);
        self.send(loc, Expect::Discard, &["SLAVEOF", &host, &port]);
        self.send(loc, Expect::Discard, &["CONFIG", "REWRITE"]);
        self.send(loc, Expect::Discard, &["CLIENT", "KILL", "TYPE", "normal"]);
        self.send(loc, Expect::Discard, &["CLIENT", "KILL", "TYPE", "pubsub"]);
        self.send(loc, Expect::Discard, &["EXEC"]);
        if self.timing.info_after_slaveof {
            self.send(loc, Expect::Info, &["INFO"]);
        }
        true
    }
}
