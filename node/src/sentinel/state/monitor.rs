//! The timer (sentinelTimer): TILT detection, reconnection, the periodic PING / INFO / hello, and the
//! SDOWN / ODOWN checks that feed the failover.

use super::instance::{flag, Kind, Loc, Ms, Role};
use super::{Action, ConnId, Expect, Level, LinkKind, Sentinel, HELLO_CHANNEL};

/// Periodic commands are skipped on a link with this many replies due (per sharing instance).
const MAX_PENDING_COMMANDS: usize = 100;

impl Sentinel {
    /// The periodic timer: call it every [`Sentinel::next_tick_delay_ms`].
    pub fn tick(&mut self, now_ms: u64) {
        let now = now_ms as Ms;
        self.check_tilt(now);
        let mut switch = Vec::new();
        for m in 0..self.masters.len() {
            self.handle_instance(Loc::Master(m), now);
            let mut r = 0;
            while r < self.masters[m].replicas.len() {
                self.handle_instance(Loc::Replica(m, r), now);
                r += 1;
            }
            let mut s = 0;
            while s < self.masters[m].sentinels.len() {
                self.handle_instance(Loc::Sentinel(m, s), now);
                s += 1;
            }
            if self.masters[m].failover_state == super::instance::FailoverState::UpdateConfig {
                switch.push(m);
            }
        }
        for m in switch {
            self.switch_to_promoted(m, now);
        }
    }

    /// A timer delta that is negative or above the trigger means the process was stopped or the
    /// clock jumped: everything would look timed out, so stop acting for a while.
    fn check_tilt(&mut self, now: Ms) {
        let delta = now - self.previous_time;
        if delta < 0 || delta > self.timing.tilt_trigger as Ms {
            self.tilt = true;
            self.tilt_start_time = now;
            self.event(Level::Warning, "+tilt", None, "#tilt mode entered".to_string());
        }
        self.previous_time = now;
    }

    fn handle_instance(&mut self, loc: Loc, now: Ms) {
        // Monitoring half: runs even in TILT.
        self.reconnect(loc, now);
        self.send_periodic_commands(loc, now);

        // Acting half.
        if self.tilt {
            if now - self.tilt_start_time < self.timing.tilt_period as Ms {
                return;
            }
            self.tilt = false;
            self.event(Level::Warning, "-tilt", None, "#tilt mode exited".to_string());
        }
        let became_sdown = self.check_subjectively_down(loc, now);
        if let Loc::Master(m) = loc {
            self.check_objectively_down(m, now);
            let forced = self.start_failover_if_needed(m, now) || (became_sdown && self.timing.ask_on_sdown);
            if forced {
                self.ask_master_state_to_other_sentinels(m, true, now);
            }
            self.failover_state_machine(m, now);
            self.ask_master_state_to_other_sentinels(m, false, now);
        }
    }

    /// Opens the missing connections of a disconnected link, at most once per reconnect period, and
    /// queues the handshake (AUTH, CLIENT SETNAME, then PING or SUBSCRIBE).
    fn reconnect(&mut self, loc: Loc, now: Ms) {
        let (lid, kind, host, port) = {
            let ri = self.inst(loc);
            (ri.link, ri.kind, ri.addr.host.clone(), ri.addr.port)
        };
        let period = self.timing.reconnect_period as Ms;
        let Some(link) = self.links.get_mut(&lid) else { return };
        if !link.disconnected() || port == 0 {
            return;
        }
        if link.last_reconn_time.is_some_and(|t| now - t < period) {
            return;
        }
        link.last_reconn_time = Some(now);
        let need_cc = link.cc.is_none();
        let need_pc = kind != Kind::Sentinel && link.pc.is_none();
        let id8: String = self.myid.chars().take(8).collect();
        if need_cc {
            let conn = ConnId(self.alloc_id());
            self.conns.insert(conn, (lid, LinkKind::Cmd));
            if let Some(link) = self.links.get_mut(&lid) {
                link.cc = Some(conn);
                link.pending.clear();
                link.cc_conn_time = now;
                link.local_ip = None;
            }
            self.out.push(Action::Connect { conn, host: host.clone(), port, kind: LinkKind::Cmd });
            if let Some(auth) = self.auth_argv(loc) {
                let argv: Vec<&str> = auth.iter().map(String::as_str).collect();
                self.send(loc, Expect::Discard, &argv);
            }
            self.send(loc, Expect::Discard, &["CLIENT", "SETNAME", &format!("sentinel-{id8}-cmd")]);
            self.send_ping(loc, now);
        }
        if need_pc {
            let conn = ConnId(self.alloc_id());
            self.conns.insert(conn, (lid, LinkKind::PubSub));
            if let Some(link) = self.links.get_mut(&lid) {
                link.pc = Some(conn);
                link.pc_conn_time = now;
                link.pc_handshake = 0;
            }
            self.out.push(Action::Connect { conn, host, port, kind: LinkKind::PubSub });
            let m = loc.master();
            let mut handshake = vec![vec!["CLIENT".into(), "SETNAME".into(), format!("sentinel-{id8}-pubsub")]];
            if let Some(auth) = self.auth_argv(loc) {
                handshake.insert(0, auth);
            }
            if let Some(link) = self.links.get_mut(&lid) {
                link.pc_handshake = handshake.len() as u8;
            }
            for argv in handshake {
                self.send_pubsub(m, conn, argv);
            }
            self.send_pubsub(m, conn, vec!["SUBSCRIBE".into(), HELLO_CHANNEL.into()]);
        }
    }

    /// `AUTH [user] pass` for the instance: the master's credentials for masters and replicas;
    /// sentinel-user/pass (else our requirepass) for sentinels.
    fn auth_argv(&self, loc: Loc) -> Option<Vec<String>> {
        let master = &self.masters[loc.master()];
        let (user, pass) = match loc {
            Loc::Sentinel(..) => match &self.sentinel_pass {
                Some(p) => (self.sentinel_user.clone(), Some(p.clone())),
                None => (None, self.node.requirepass.clone()),
            },
            _ => (master.auth_user.clone(), master.auth_pass.clone()),
        };
        let pass = pass?;
        Some(match user {
            Some(u) => vec!["AUTH".into(), u, pass],
            None => vec!["AUTH".into(), pass],
        })
    }

    /// A command on a pub/sub connection: no reply tracking, every frame there is "activity".
    fn send_pubsub(&mut self, m: usize, conn: ConnId, mut argv: Vec<String>) {
        if let Some(first) = argv.first_mut() {
            *first = self.masters[m].map_command(first);
        }
        self.out.push(Action::Send { conn, argv, expect: Expect::Discard });
    }

    fn send_periodic_commands(&mut self, loc: Loc, now: Ms) {
        let Some(link) = self.link(loc) else { return };
        if link.disconnected() || link.pending.len() >= MAX_PENDING_COMMANDS * link.refcount.max(1) as usize {
            return;
        }
        let (last_pong, last_ping) = (link.last_pong_time, link.last_ping_time);
        let ri = self.inst(loc);
        let master = &self.masters[loc.master()].inst;
        let t = &self.timing;
        let watch_master = master.has(flag::O_DOWN | flag::FAILOVER_IN_PROGRESS) || (t.info_watch_on_sdown && master.has(flag::S_DOWN));
        let info_period = match ri.kind {
            Kind::Replica if watch_master => t.info_period_failover,
            Kind::Replica if ri.master_link_down_time != 0 => t.info_period_link_down,
            _ => t.info_period,
        } as Ms;
        let ping_period = ri.down_after.min(t.ping_period as Ms);
        let want_info = ri.kind != Kind::Sentinel && ri.info_refresh.is_none_or(|r| now - r > info_period);
        let want_ping = now - last_pong > ping_period && last_ping.is_none_or(|p| now - p > ping_period / 2);
        let want_hello = now - ri.last_pub_time > t.publish_period as Ms;
        if want_info {
            self.send(loc, Expect::Info, &["INFO"]);
        }
        if want_ping {
            self.send_ping(loc, now);
        }
        if want_hello {
            self.send_hello(loc);
        }
    }

    /// Updates SDOWN; true when the instance just became SDOWN. Also closes links that look dead
    /// while connected (a ping pending for half of down-after, or a silent pub/sub link).
    pub(super) fn check_subjectively_down(&mut self, loc: Loc, now: Ms) -> bool {
        let down_after = self.inst(loc).down_after;
        let Some(link) = self.link(loc) else { return false };
        let lid = self.inst(loc).link;
        let elapsed = match link.act_ping_time {
            Some(t) => now - t,
            None if link.disconnected() => now - link.last_avail_time,
            None => 0,
        };
        let t = &self.timing;
        let close_cc = link.cc.is_some()
            && now - link.cc_conn_time > t.min_link_reconnect_period as Ms
            && link.act_ping_time.is_some_and(|a| now - a > down_after / 2)
            && now - link.last_pong_time > down_after / 2;
        let close_pc = link.pc.is_some()
            && now - link.pc_conn_time > t.min_link_reconnect_period as Ms
            && link.pc_last_activity.is_none_or(|a| now - a > t.pubsub_idle_limit() as Ms);
        if close_cc {
            self.close_link(lid, LinkKind::Cmd);
        }
        if close_pc {
            self.close_link(lid, LinkKind::PubSub);
        }

        let ri = self.inst(loc);
        let master = &self.masters[loc.master()];
        let role_mismatch = ri.kind == Kind::Master
            && ri.role_reported == Some(Role::Replica)
            && now - ri.role_reported_time > down_after + self.timing.role_mismatch_grace() as Ms;
        let rebooted = ri.kind == Kind::Master && ri.has(flag::MASTER_REBOOT) && now - master.reboot_since > master.reboot_down_after;
        if elapsed > down_after || role_mismatch || rebooted {
            if !ri.has(flag::S_DOWN) {
                self.event_at(Level::Warning, "+sdown", loc, "");
                let ri = self.inst_mut(loc);
                ri.s_down_since = Some(now);
                ri.flags |= flag::S_DOWN;
                return true;
            }
        } else if ri.has(flag::S_DOWN) {
            self.event_at(Level::Warning, "-sdown", loc, "");
            self.inst_mut(loc).flags &= !(flag::S_DOWN | flag::SCRIPT_KILL_SENT);
        }
        false
    }

    /// ODOWN: SDOWN here and, counting us, at least `quorum` sentinels that said it is down.
    pub(super) fn check_objectively_down(&mut self, m: usize, now: Ms) {
        let master = &self.masters[m];
        let mut votes = 0u32;
        let mut odown = false;
        if master.inst.has(flag::S_DOWN) {
            votes = 1 + master.sentinels.iter().filter(|s| s.has(flag::MASTER_DOWN)).count() as u32;
            odown = votes >= master.quorum;
        }
        let quorum = master.quorum;
        if odown {
            if !master.inst.has(flag::O_DOWN) {
                self.event_at(Level::Warning, "+odown", Loc::Master(m), &format!(" #quorum {votes}/{quorum}"));
                let inst = &mut self.masters[m].inst;
                inst.flags |= flag::O_DOWN;
                inst.o_down_since = Some(now);
            }
        } else if master.inst.has(flag::O_DOWN) {
            self.event_at(Level::Warning, "-odown", Loc::Master(m), "");
            self.masters[m].inst.flags &= !flag::O_DOWN;
        }
    }
}

#[cfg(test)]
mod tests {
    use super::super::instance::{flag, Loc, Role};
    use super::super::{Action, NodeInfo, Sentinel, Timing};
    use crate::sentinel::settings::{KnownSentinel, MasterSettings, SentinelSettings};
    use crate::util::Rng;

    fn one_master(quorum: u32, peers: usize) -> Sentinel {
        let mut ms = MasterSettings::new("mymaster", "10.0.0.1", 6379, quorum);
        ms.down_after_ms = 1000;
        ms.known_sentinels =
            (0..peers).map(|i| KnownSentinel { host: format!("10.0.1.{}", i + 2), port: 26379, runid: format!("{:040}", i + 2) }).collect();
        let cfg = SentinelSettings { myid: Some("f".repeat(40)), masters: vec![ms], ..SentinelSettings::default() };
        Sentinel::new(cfg, NodeInfo::default(), Timing::redis7(), Box::new(Rng::with_seed(3)), 0)
    }

    fn events(s: &mut Sentinel) -> Vec<String> {
        s.take_actions()
            .into_iter()
            .filter_map(|a| match a {
                Action::Event(e) => Some(format!("{} {}", e.name, e.payload)),
                _ => None,
            })
            .collect()
    }

    /// §5.4: SDOWN when elapsed > down-after, elapsed measured from the first unanswered PING, or
    /// from the last valid reply when disconnected; a master claiming role:slave for
    /// down-after + 2 INFO periods is SDOWN too.
    #[test]
    fn sdown_rules() {
        struct Case {
            act_ping_ago: Option<i64>,
            connected: bool,
            last_avail_ago: i64,
            role_slave_for: Option<i64>,
            sdown: bool,
        }
        let cases = [
            Case { act_ping_ago: Some(1000), connected: true, last_avail_ago: 0, role_slave_for: None, sdown: false },
            Case { act_ping_ago: Some(1001), connected: true, last_avail_ago: 0, role_slave_for: None, sdown: true },
            Case { act_ping_ago: None, connected: true, last_avail_ago: 50_000, role_slave_for: None, sdown: false },
            Case { act_ping_ago: None, connected: false, last_avail_ago: 1001, role_slave_for: None, sdown: true },
            Case { act_ping_ago: None, connected: false, last_avail_ago: 999, role_slave_for: None, sdown: false },
            Case { act_ping_ago: None, connected: true, last_avail_ago: 0, role_slave_for: Some(21_000), sdown: false },
            Case { act_ping_ago: None, connected: true, last_avail_ago: 0, role_slave_for: Some(21_001), sdown: true },
        ];
        for (i, c) in cases.iter().enumerate() {
            let mut s = one_master(1, 0);
            let now = 100_000;
            let lid = s.masters[0].inst.link;
            let link = s.links.get_mut(&lid).unwrap();
            link.act_ping_time = c.act_ping_ago.map(|a| now - a);
            link.last_avail_time = now - c.last_avail_ago;
            link.last_pong_time = now;
            if c.connected {
                link.cc = Some(super::ConnId(9001));
                link.pc = Some(super::ConnId(9002));
                link.cc_conn_time = now;
                link.pc_conn_time = now;
            }
            if let Some(f) = c.role_slave_for {
                s.masters[0].inst.role_reported = Some(Role::Replica);
                s.masters[0].inst.role_reported_time = now - f;
            }
            s.check_subjectively_down(Loc::Master(0), now);
            assert_eq!(s.masters[0].inst.has(flag::S_DOWN), c.sdown, "case {i}");
        }
    }

    /// §5.4: ODOWN = SDOWN here and 1 + (peers with MASTER_DOWN) >= quorum.
    #[test]
    fn odown_counts_quorum() {
        // (quorum, peers, peers saying down, locally sdown, expect odown)
        let cases = [
            (1, 0, 0, true, true),
            (1, 2, 0, false, false),
            (2, 2, 0, true, false),
            (2, 2, 1, true, true),
            (3, 2, 1, true, false),
            (3, 2, 2, true, true),
            (3, 4, 2, true, true),
        ];
        for (i, &(quorum, peers, down, sdown, odown)) in cases.iter().enumerate() {
            let mut s = one_master(quorum, peers);
            for p in 0..down {
                s.masters[0].sentinels[p].flags |= flag::MASTER_DOWN;
            }
            if sdown {
                s.masters[0].inst.flags |= flag::S_DOWN;
            }
            s.take_actions();
            s.check_objectively_down(0, 10);
            assert_eq!(s.masters[0].inst.has(flag::O_DOWN), odown, "case {i}");
            if odown {
                let ev = events(&mut s);
                assert_eq!(ev, vec![format!("+odown master mymaster 10.0.0.1 6379 #quorum {}/{quorum}", down + 1)]);
            }
        }
    }

    /// SDOWN follows down-after exactly when nothing answers: the creation time arms the clock.
    #[test]
    fn unreachable_master_is_sdown_after_down_after() {
        let mut s = one_master(1, 0);
        let mut t = 0;
        while t <= 1000 {
            s.tick(t);
            t += 100;
        }
        assert!(!events(&mut s).iter().any(|e| e.starts_with("+sdown master")));
        s.tick(1001);
        assert!(events(&mut s).iter().any(|e| e == "+sdown master mymaster 10.0.0.1 6379"));
    }

    #[test]
    fn tilt_on_a_timer_jump_and_exit_after_the_period() {
        let mut s = one_master(1, 0);
        s.tick(100);
        s.tick(2200); // delta 2100 > 2000
        assert!(s.is_tilt());
        let ev = events(&mut s);
        assert!(ev.contains(&"+tilt #tilt mode entered".to_string()));
        // No SDOWN while in TILT even though the master never answered.
        for t in (2300..32_200).step_by(100) {
            s.tick(t);
        }
        let ev = events(&mut s);
        assert!(!ev.iter().any(|e| e.starts_with("+sdown")), "{ev:?}");
        s.tick(32_300);
        let ev = events(&mut s);
        assert!(ev.contains(&"-tilt #tilt mode exited".to_string()));
        assert!(ev.iter().any(|e| e.starts_with("+sdown master")));
        // A clock going backwards tilts too.
        s.tick(30_000);
        assert!(s.is_tilt());
    }
}
