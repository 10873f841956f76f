//! Agreement between sentinels: asking the others whether the master is down (and for their vote),
//! answering those requests with at most one vote per epoch, counting votes for a leader, and the
//! quorum/majority check of SENTINEL CKQUORUM.

use super::instance::{flag, Loc, Ms};
use super::{Expect, Level, Sentinel};
use crate::resp::frame::Frame;

/// The answer to `SENTINEL is-master-down-by-addr`: `*3 :<down> $<leader or *> :<leader epoch>`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct MasterDownReply {
    pub down: bool,
    /// The runid we voted for (possibly an earlier vote in that epoch); `None` is sent as `*`.
    pub leader: Option<String>,
    pub leader_epoch: u64,
}

impl MasterDownReply {
    /// The reply as a RESP frame.
    pub fn to_frame(&self) -> Frame {
        Frame::Array(vec![
            Frame::Int(i64::from(self.down)),
            Frame::Bulk(self.leader.as_deref().unwrap_or("*").as_bytes().to_vec()),
            Frame::Int(self.leader_epoch as i64),
        ])
    }
}

/// Votes needed to win among `voters` sentinels (us included): an absolute majority.
pub(crate) fn majority(voters: usize) -> usize {
    voters / 2 + 1
}

/// Whether `votes` for the top candidate elect it: a majority of all known voters and the quorum.
pub(crate) fn wins(votes: usize, voters: usize, quorum: u32) -> bool {
    votes >= majority(voters) && votes >= quorum as usize
}

/// Counts votes in first-seen order, so ties resolve the same way every time.
fn tally(counts: &mut Vec<(String, usize)>, runid: &str) -> usize {
    match counts.iter_mut().find(|(r, _)| r == runid) {
        Some((_, n)) => {
            *n += 1;
            *n
        }
        None => {
            counts.push((runid.to_string(), 1));
            1
        }
    }
}

impl Sentinel {
    /// Answers `SENTINEL is-master-down-by-addr <ip> <port> <epoch> <runid|*>`: down only if we
    /// monitor that address, see it SDOWN and are not in TILT; with a runid, also vote.
    pub fn is_master_down_by_addr(&mut self, ip: &str, port: i64, req_epoch: u64, runid: &str, now_ms: u64) -> MasterDownReply {
        let now = now_ms as Ms;
        let m = self.masters.iter().position(|m| m.inst.addr.is(ip, port));
        let mut reply = MasterDownReply { down: false, leader: None, leader_epoch: 0 };
        let Some(m) = m else { return reply };
        reply.down = !self.tilt && self.masters[m].inst.has(flag::S_DOWN);
        if runid != "*" {
            let (leader, epoch) = self.vote_leader(m, req_epoch, runid, now);
            reply.leader = leader;
            reply.leader_epoch = epoch;
        }
        reply
    }

    /// sentinelVoteLeader: vote for `req_runid` in `req_epoch` unless we already voted in that epoch
    /// or a later one; returns the standing vote and its epoch.
    pub(super) fn vote_leader(&mut self, m: usize, req_epoch: u64, req_runid: &str, now: Ms) -> (Option<String>, u64) {
        if req_epoch > self.current_epoch {
            self.current_epoch = req_epoch;
            self.flush();
            self.event(Level::Warning, "+new-epoch", Some(m), req_epoch.to_string());
        }
        if self.masters[m].leader_epoch < req_epoch && self.current_epoch <= req_epoch {
            let epoch = self.current_epoch;
            let master = &mut self.masters[m];
            master.leader = Some(req_runid.to_string());
            master.leader_epoch = epoch;
            self.flush();
            self.event(Level::Warning, "+vote-for-leader", Some(m), format!("{req_runid} {epoch}"));
            // Having voted for someone else, hold back our own attempt for this master.
            if !req_runid.eq_ignore_ascii_case(&self.myid) {
                let delay = self.rand_desync();
                self.masters[m].failover_start_time = Some(now + delay);
            }
        }
        let master = &self.masters[m];
        (master.leader.clone(), master.leader_epoch)
    }

    /// sentinelGetLeader: the runid that won `epoch` (our own vote goes to the front-runner among
    /// the others' votes, or to ourselves), if it has a majority of known sentinels and the quorum.
    pub(super) fn get_leader(&mut self, m: usize, epoch: u64, now: Ms) -> Option<String> {
        let voters = self.masters[m].sentinels.len() + 1;
        let current = self.current_epoch;
        let mut counts: Vec<(String, usize)> = Vec::new();
        for s in &self.masters[m].sentinels {
            if let Some(l) = s.leader.as_deref().filter(|_| s.leader_epoch == current) {
                tally(&mut counts, l);
            }
        }
        let mut winner: Option<String> = None;
        let mut max_votes = 0;
        for (r, n) in &counts {
            if *n > max_votes {
                max_votes = *n;
                winner = Some(r.clone());
            }
        }
        let candidate = winner.clone().unwrap_or_else(|| self.myid.clone());
        let (myvote, leader_epoch) = self.vote_leader(m, epoch, &candidate, now);
        if let Some(v) = myvote.filter(|_| leader_epoch == epoch) {
            let n = tally(&mut counts, &v);
            if n > max_votes {
                max_votes = n;
                winner = Some(v);
            }
        }
        winner.filter(|_| wins(max_votes, voters, self.masters[m].quorum))
    }

    /// While the master is SDOWN, asks every connected sentinel for its view (and, during a failover,
    /// for its vote); `forced` ignores the ask period. Stale answers are dropped first.
    pub(super) fn ask_master_state_to_other_sentinels(&mut self, m: usize, forced: bool, now: Ms) {
        let validity = self.timing.master_down_validity as Ms;
        let period = self.timing.ask_period as Ms;
        for s in 0..self.masters[m].sentinels.len() {
            let ri = &mut self.masters[m].sentinels[s];
            let elapsed = now - ri.last_master_down_reply_time;
            if elapsed > validity {
                ri.flags &= !flag::MASTER_DOWN;
                ri.leader = None;
            }
            let master = &self.masters[m];
            if !master.inst.has(flag::S_DOWN) || self.disconnected(Loc::Sentinel(m, s)) {
                continue;
            }
            if !forced && now - master.sentinels[s].last_master_down_reply_time < period {
                continue;
            }
            let runid = if master.failover_state > super::instance::FailoverState::None { self.myid.clone() } else { "*".to_string() };
            let argv = vec![
                "SENTINEL".to_string(),
                "is-master-down-by-addr".to_string(),
                self.announced(&master.inst.addr).to_string(),
                master.inst.addr.port.to_string(),
                self.current_epoch.to_string(),
                runid,
            ];
            self.send_owned(Loc::Sentinel(m, s), Expect::IsMasterDown, argv);
        }
    }

    /// A reply to is-master-down-by-addr: anything but `*3 :int $str :int` is ignored (the flag
    /// then expires on its own).
    pub(super) fn on_master_down_reply(&mut self, inst: super::instance::InstId, reply: &Frame, now: Ms) {
        let Some(Loc::Sentinel(m, s)) = self.locate(inst) else { return };
        let Some(items) = reply.items() else { return };
        let [down, leader, epoch] = items else { return };
        let (Some(down), Some(leader), Some(epoch)) = (down.as_int(), leader.as_bytes(), epoch.as_int()) else { return };
        let ri = &mut self.masters[m].sentinels[s];
        ri.last_master_down_reply_time = now;
        if down == 1 {
            ri.flags |= flag::MASTER_DOWN;
        } else {
            ri.flags &= !flag::MASTER_DOWN;
        }
        if leader != b"*" {
            ri.leader = Some(String::from_utf8_lossy(leader).into_owned());
            ri.leader_epoch = epoch as u64;
        }
    }

    /// (usable sentinels counting us, quorum reachable, majority reachable) for SENTINEL CKQUORUM.
    pub(crate) fn quorum_status(&self, m: usize) -> (usize, bool, bool) {
        let master = &self.masters[m];
        let voters = master.sentinels.len() + 1;
        let usable = 1 + master.sentinels.iter().filter(|s| !s.has(flag::S_DOWN | flag::O_DOWN)).count();
        (usable, usable >= master.quorum as usize, usable >= majority(voters))
    }
}

#[cfg(test)]
mod tests {
    use super::super::{Action, NodeInfo, Timing};
    use super::*;
    use crate::sentinel::settings::{KnownSentinel, MasterSettings, SentinelSettings};
    use crate::util::Rng;

    fn sentinel(quorum: u32, peers: usize) -> Sentinel {
        let mut ms = MasterSettings::new("mymaster", "10.0.0.1", 6379, quorum);
        ms.known_sentinels = (0..peers).map(|i| KnownSentinel { host: format!("10.0.1.{}", i + 2), port: 26379, runid: peer(i) }).collect();
        let cfg = SentinelSettings { myid: Some("a".repeat(40)), masters: vec![ms], ..SentinelSettings::default() };
        let mut s = Sentinel::new(cfg, NodeInfo::default(), Timing::redis7(), Box::new(Rng::with_seed(9)), 0);
        s.take_actions();
        s
    }

    fn peer(i: usize) -> String {
        format!("{}", (b'b' + i as u8) as char).repeat(40)
    }

    #[test]
    fn majority_table() {
        for (voters, need) in [(1, 1), (2, 2), (3, 2), (4, 3), (5, 3), (6, 4), (7, 4)] {
            assert_eq!(majority(voters), need, "voters {voters}");
        }
    }

    /// §5.5: a winner needs votes >= (voters/2 + 1) and >= quorum.
    #[test]
    fn winner_table() {
        // (votes, voters, quorum, wins)
        let cases = [
            (1, 1, 1, true),
            (1, 3, 1, false),
            (2, 3, 1, true),
            (2, 3, 3, false),
            (3, 3, 3, true),
            (2, 4, 2, false),
            (3, 4, 2, true),
            (3, 5, 4, false),
            (4, 5, 4, true),
        ];
        for (votes, voters, quorum, expect) in cases {
            assert_eq!(wins(votes, voters, quorum), expect, "{votes}/{voters} q{quorum}");
        }
    }

    /// §5.5: one vote per epoch; a higher request epoch is adopted; the stored vote is returned.
    #[test]
    fn vote_rules() {
        let mut s = sentinel(2, 2);
        let a = |c: char| c.to_string().repeat(40);
        // (request epoch, runid, expected leader, expected leader epoch, expected current epoch)
        let steps: [(u64, String, Option<String>, u64, u64); 5] = [
            (10, a('x'), Some(a('x')), 10, 10),
            (10, a('y'), Some(a('x')), 10, 10), // already voted in 10
            (9, a('y'), Some(a('x')), 10, 10),  // older epoch: no vote
            (11, a('y'), Some(a('y')), 11, 11),
            (11, a('x'), Some(a('y')), 11, 11),
        ];
        for (i, (epoch, runid, leader, leader_epoch, current)) in steps.into_iter().enumerate() {
            let r = s.is_master_down_by_addr("10.0.0.1", 6379, epoch, &runid, 100);
            assert_eq!((r.leader, r.leader_epoch, s.current_epoch()), (leader, leader_epoch, current), "step {i}");
        }
        // `*` asks only for the down state.
        let r = s.is_master_down_by_addr("10.0.0.1", 6379, 20, "*", 100);
        assert_eq!(r, MasterDownReply { down: false, leader: None, leader_epoch: 0 });
        assert_eq!(r.to_frame(), Frame::Array(vec![Frame::Int(0), Frame::Bulk(b"*".to_vec()), Frame::Int(0)]));
        assert_eq!(s.current_epoch(), 11, "a '*' request never moves the epoch");
        // Unknown address: not down, no vote.
        let r = s.is_master_down_by_addr("10.9.9.9", 6379, 30, &a('z'), 100);
        assert_eq!(r, MasterDownReply { down: false, leader: None, leader_epoch: 0 });
    }

    #[test]
    fn voting_for_another_delays_our_own_failover() {
        let mut s = sentinel(2, 2);
        s.is_master_down_by_addr("10.0.0.1", 6379, 1, &"x".repeat(40), 5000);
        let start = s.masters[0].failover_start_time.unwrap();
        assert!((5000..6000).contains(&start));
        let ev: Vec<_> = s
            .take_actions()
            .into_iter()
            .filter_map(|a| if let Action::Event(e) = a { Some(format!("{} {}", e.name, e.payload)) } else { None })
            .collect();
        assert_eq!(ev, vec!["+new-epoch 1".to_string(), format!("+vote-for-leader {} 1", "x".repeat(40))]);
    }

    #[test]
    fn down_only_when_sdown_and_not_tilted() {
        let mut s = sentinel(2, 2);
        s.masters[0].inst.flags |= flag::S_DOWN;
        assert!(s.is_master_down_by_addr("10.0.0.1", 6379, 0, "*", 1).down);
        s.tilt = true;
        assert!(!s.is_master_down_by_addr("10.0.0.1", 6379, 0, "*", 1).down);
    }

    /// The leader count: others' votes in the current epoch, plus ours for the front-runner.
    #[test]
    fn get_leader_table() {
        let me = "a".repeat(40);
        // (quorum, peers, peer votes as Some(peer index or 99 = me), expected winner: None, Some(99 = me) or Some(peer))
        let cases: [(u32, usize, &[Option<usize>], Option<usize>); 6] = [
            (1, 0, &[], Some(99)),                         // alone: 1/1
            (2, 2, &[Some(99), None], Some(99)),           // me + 1 = 2 of 3
            (2, 2, &[None, None], None),                   // only my vote
            (2, 2, &[Some(0), Some(0)], Some(0)),          // I join the front-runner: 3 of 3
            (3, 4, &[Some(0), Some(1), None, None], None), // split: 2,1 of 5 (I follow the first)
            (3, 2, &[Some(99), Some(99)], Some(99)),       // 3 of 3, quorum 3
        ];
        for (i, (quorum, peers, votes, expect)) in cases.into_iter().enumerate() {
            let mut s = sentinel(quorum, peers);
            s.current_epoch = 5;
            for (p, v) in votes.iter().enumerate() {
                if let Some(v) = v {
                    s.masters[0].sentinels[p].leader = Some(if *v == 99 { me.clone() } else { peer(*v) });
                    s.masters[0].sentinels[p].leader_epoch = 5;
                }
            }
            let got = s.get_leader(0, 5, 0);
            let expect = expect.map(|v| if v == 99 { me.clone() } else { peer(v) });
            assert_eq!(got, expect, "case {i}");
        }
    }

    #[test]
    fn votes_from_an_older_epoch_do_not_count() {
        let mut s = sentinel(2, 2);
        s.current_epoch = 5;
        s.masters[0].sentinels[0].leader = Some("a".repeat(40));
        s.masters[0].sentinels[0].leader_epoch = 4;
        assert_eq!(s.get_leader(0, 5, 0), None);
    }

    #[test]
    fn master_down_replies_are_validated() {
        let mut s = sentinel(2, 1);
        let id = s.masters[0].sentinels[0].id;
        let bad = [
            Frame::Int(1),
            Frame::Array(vec![Frame::Int(1)]),
            Frame::Array(vec![Frame::Bulk(b"1".to_vec()), Frame::Bulk(b"*".to_vec()), Frame::Int(0)]),
        ];
        for f in bad {
            s.on_master_down_reply(id, &f, 10);
            assert!(!s.masters[0].sentinels[0].has(flag::MASTER_DOWN));
        }
        s.on_master_down_reply(id, &MasterDownReply { down: true, leader: Some("q".repeat(40)), leader_epoch: 3 }.to_frame(), 10);
        let ri = &s.masters[0].sentinels[0];
        assert!(ri.has(flag::MASTER_DOWN));
        assert_eq!((ri.leader.clone(), ri.leader_epoch), (Some("q".repeat(40)), 3));
    }
}
