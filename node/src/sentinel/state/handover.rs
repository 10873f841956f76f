//! The coordinated handover of a manual failover (our extension of Redis's sentinel).
//!
//! Redis's sentinel promotes with `SLAVEOF NO ONE` on the chosen replica. The old master is told
//! nothing until a later INFO shows it still claims the role, so every write it acknowledges in
//! between is thrown away when it is finally turned into a replica (redis/redis#6062): a planned
//! switchover — and so every rolling update — loses acknowledged writes. When `SENTINEL FAILOVER`
//! finds the master up and able to coordinate (Redis ≥ 6.2's `FAILOVER` command, which our node
//! serves too), the sentinel asks the master instead: `FAILOVER TO <replica> TIMEOUT <ms>` makes it
//! pause writes, wait until the replica has acknowledged its whole offset, and hand over with
//! `PSYNC ... FAILOVER`, turning itself into the new master's replica in the same step. No master
//! that is no longer the master acknowledges anything.
//!
//! Everything else is Redis's failover: the same rules decide whether it may happen, the promotion
//! is still read from the replica's INFO, the other replicas are reconfigured the same way, and the
//! events are Redis's plus two: `+coordinated-failover` (replica form: the master agreed to hand
//! over to it) and `-coordinated-failover <why>` (master form: it cannot, so the classic promotion
//! runs, with its known risk). Automatic failovers (the master is down) never coordinate.

use super::instance::{flag, FailoverState, Handover, InstId, Loc, Ms};
use super::{Expect, Level, Sentinel};
use crate::resp::frame::Frame;

/// The first Redis version with `FAILOVER`.
const FAILOVER_SINCE: (u32, u32, u32) = (6, 2, 0);

/// `redis_version:` of an INFO text, as (major, minor, patch).
fn redis_version(info: &str) -> Option<(u32, u32, u32)> {
    let v = info.split("\r\n").find_map(|l| l.strip_prefix("redis_version:"))?;
    let mut parts = v.trim().splitn(3, '.').map(|p| p.parse::<u32>().ok());
    Some((parts.next()??, parts.next()??, parts.next().flatten().unwrap_or(0)))
}

impl Sentinel {
    /// Why master `m` cannot hand over by itself, or None when it can.
    fn handover_blocker(&self, m: usize) -> Option<String> {
        let master = &self.masters[m];
        if master.inst.has(flag::S_DOWN | flag::O_DOWN) {
            return Some("master-down".into());
        }
        if self.link(Loc::Master(m)).is_none_or(|l| l.cc.is_none()) {
            return Some("master-disconnected".into());
        }
        match master.inst.info.as_deref().and_then(redis_version) {
            None => Some("master-version-unknown".into()),
            Some(v) if v < FAILOVER_SINCE => Some(format!("master-version {}.{}.{}", v.0, v.1, v.2)),
            Some(_) => None,
        }
    }

    /// The send-slaveof-noone step of a failover, coordinated when it can be. True when this step is
    /// taken care of here (the master was asked, or its answer is awaited); false when the classic
    /// `SLAVEOF NO ONE` to replica `r` must run.
    pub(super) fn coordinate_handover(&mut self, m: usize, r: usize, now: Ms) -> bool {
        match self.masters[m].handover {
            Handover::Uncoordinated => return false,
            Handover::Requested | Handover::Accepted => {
                let master = &self.masters[m];
                if now - master.failover_state_change_time > master.failover_timeout {
                    self.event_at(Level::Warning, "-failover-abort-slave-timeout", Loc::Master(m), "");
                    self.abort_failover(m, now);
                }
                return true;
            }
            Handover::Undecided => {}
        }
        if !self.masters[m].inst.has(flag::FORCE_FAILOVER) {
            self.masters[m].handover = Handover::Uncoordinated;
            return false;
        }
        if let Some(why) = self.handover_blocker(m) {
            self.masters[m].handover = Handover::Uncoordinated;
            self.event_at(Level::Warning, "-coordinated-failover", Loc::Master(m), &format!(" {why}"));
            return false;
        }
        let master = &self.masters[m];
        // The replica's address as the master lists it: FAILOVER TO looks it up among its replicas.
        let (host, port) = (master.replicas[r].addr.host.clone(), master.replicas[r].addr.port.to_string());
        let timeout = (self.timing.coordinated_failover_timeout as Ms).min(master.failover_timeout).max(1).to_string();
        if !self.send(Loc::Master(m), Expect::Handover, &["FAILOVER", "TO", &host, &port, "TIMEOUT", &timeout]) {
            return true; // the link just went: decided again on the next tick
        }
        let master = &mut self.masters[m];
        master.handover = Handover::Requested;
        master.failover_state_change_time = now;
        self.event_at(Level::Warning, "+coordinated-failover", Loc::Replica(m, r), "");
        true
    }

    /// The master's reply to `FAILOVER TO`: on +OK the failover waits for the promotion as usual; on an
    /// error (an older or renamed command, a replica it does not list as online) the classic
    /// promotion runs on the next step.
    pub(super) fn on_handover_reply(&mut self, inst: InstId, reply: &Frame, now: Ms) {
        let Some(m) = self.masters.iter().position(|x| x.inst.id == inst) else { return };
        let master = &self.masters[m];
        if !master.in_failover() || master.handover != Handover::Requested || master.failover_state != FailoverState::SendSlaveofNoone {
            return;
        }
        let Some(r) = master.promoted_idx() else { return };
        if let Frame::Error(e) = reply {
            let why = e.clone();
            self.masters[m].handover = Handover::Uncoordinated;
            self.event_at(Level::Warning, "-coordinated-failover", Loc::Master(m), &format!(" refused {why}"));
            self.failover_state_machine(m, now);
            return;
        }
        let master = &mut self.masters[m];
        master.handover = Handover::Accepted;
        master.failover_state = FailoverState::WaitPromotion;
        master.failover_state_change_time = now;
        self.event_at(Level::Notice, "+failover-state-wait-promotion", Loc::Replica(m, r), "");
    }

    /// Whether a replica reporting role:master is the promotion this failover waits for: the
    /// classic wait, or a handover whose +OK we have not read yet (the link may have dropped it).
    pub(super) fn awaits_promotion(&self, m: usize) -> bool {
        let master = &self.masters[m];
        master.in_failover()
            && (master.failover_state == FailoverState::WaitPromotion
                || (master.failover_state == FailoverState::SendSlaveofNoone && master.handover == Handover::Requested))
    }

    /// After a coordinated promotion the old master already follows the new one. It gets the same
    /// reconfiguration transaction as any replica (SLAVEOF to where it already points is a no-op):
    /// CONFIG REWRITE keeps it a replica across a restart, and CLIENT KILL sends its clients, who
    /// now only get -READONLY, to look for the new master.
    pub(super) fn finish_handover(&mut self, m: usize, r: usize) {
        if !matches!(self.masters[m].handover, Handover::Requested | Handover::Accepted) {
            return;
        }
        let to = self.masters[m].replicas[r].addr.clone();
        self.send_slaveof(Loc::Master(m), Some(&to));
    }
}

#[cfg(test)]
mod tests {
    use super::redis_version;

    #[test]
    fn reads_the_version_from_info() {
        assert_eq!(redis_version("# Server\r\nredis_version:7.0.15\r\nredis_git_sha1:0\r\n"), Some((7, 0, 15)));
        assert_eq!(redis_version("redis_version:6.2\r\n"), Some((6, 2, 0)));
        assert_eq!(redis_version("redis_version:255.255.255\r\n"), Some((255, 255, 255)));
        assert_eq!(redis_version("redis_version:x\r\n"), None);
        assert_eq!(redis_version("role:master\r\n"), None);
    }
}
