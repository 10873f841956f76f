//! The sentinel's decision logic as a sans-IO state machine (raft-rs style): time and replies come in
//! through methods that all take `now_ms` (monotonic milliseconds), and what to do comes out as
//! [`Action`]s drained with [`Sentinel::take_actions`]. No clock, no sockets, no tokio; randomness is
//! injected ([`RandomSource`]), so a seeded run is reproducible. It imports only the sentinel's
//! `settings` (what it is built from and exports), `resp::frame` (the replies it reads) and `util`
//! (glob matching, and its PRNG as a [`RandomSource`]).
//!
//! The driver's loop (`sentinel_mode/driver.rs`): call [`Sentinel::tick`] every
//! [`Sentinel::next_tick_delay_ms`], hand every connection event and every frame read to the
//! `on_*` methods, serve SENTINEL commands with the admin methods and the read views, and execute
//! the actions in order after each call.
//!
//! Layout:
//! - `action.rs`: [`Action`], [`ConnId`], [`Expect`], [`Event`].
//! - `timing.rs`: [`Timing`] (`redis7()` and the default `fast()`), [`RandomSource`].
//! - `instance.rs`: masters, replicas, sentinel peers, links, flags.
//! - `monitor.rs`: the timer: TILT, reconnects, PING/INFO/hello, SDOWN/ODOWN.
//! - `info.rs`: INFO parsing and what a reply changes (roles, replicas, reconf progress).
//! - `hello.rs`: hello payloads, discovery of sentinels, config propagation by epoch.
//! - `election.rs`: is-master-down-by-addr (both sides), votes, leader election, CKQUORUM.
//! - `select.rs`: replica selection for promotion.
//! - `failover.rs`: the failover steps, reconfiguration of replicas, the switch to the new master.
//! - `handover.rs`: a manual failover's promotion coordinated with the master (`FAILOVER TO`), so
//!   the old master acknowledges nothing after the switch.
//! - `admin.rs`: SENTINEL FAILOVER / RESET / MONITOR / REMOVE / SET / CONFIG SET / SIMULATE-FAILURE.
//! - `records.rs`: read views for the SENTINEL API, INFO and ROLE.
//! - `roster.rs`: adding/removing instances, link sharing, master resets.
//! - `persist.rs`: construction from and export to [`SentinelSettings`].
//! - `harness/`, `scenarios.rs` (tests): N sentinels and simulated Redis nodes on a cuttable network.

mod action;
mod admin;
mod election;
mod failover;
mod handover;
mod hello;
mod info;
mod instance;
mod monitor;
mod persist;
mod records;
mod roster;
mod select;
mod timing;

#[cfg(test)]
mod harness;
#[cfg(test)]
mod scenarios;

use std::collections::HashMap;

pub use action::{Action, ConnId, Event, Expect, Level, LinkKind};
pub use admin::SentinelError;
pub use election::MasterDownReply;
pub use records::Record;
pub use timing::{RandomSource, Timing};

use instance::{flag, Addr, InstId, Instance, Link, LinkId, Loc, Master, Ms, Pending};

use super::settings::SentinelSettings;
use crate::resp::frame::Frame;

/// The hello channel.
pub const HELLO_CHANNEL: &str = "__sentinel__:hello";

/// What the state machine needs to know about the process it runs in.
#[derive(Debug, Clone, Default)]
pub struct NodeInfo {
    /// Our listening port (announced in hellos unless announce-port is set).
    pub port: u16,
    /// `requirepass`: used to AUTH to other sentinels when sentinel-pass is not set.
    pub requirepass: Option<String>,
}

/// SENTINEL SIMULATE-FAILURE crash-after-election: [`Action::Crash`] right after `+elected-leader`.
pub const SIMFAILURE_CRASH_AFTER_ELECTION: u32 = 1;
/// SENTINEL SIMULATE-FAILURE crash-after-promotion: [`Action::Crash`] right after `+promoted-slave`.
pub const SIMFAILURE_CRASH_AFTER_PROMOTION: u32 = 2;

/// One sentinel's whole state.
pub struct Sentinel {
    myid: String,
    current_epoch: u64,
    masters: Vec<Master>,
    links: HashMap<LinkId, Link>,
    conns: HashMap<ConnId, (LinkId, LinkKind)>,
    next_id: u64,
    tilt: bool,
    tilt_start_time: Ms,
    previous_time: Ms,
    announce_ip: Option<String>,
    announce_port: u16,
    deny_scripts_reconfig: bool,
    resolve_hostnames: bool,
    announce_hostnames: bool,
    sentinel_user: Option<String>,
    sentinel_pass: Option<String>,
    node: NodeInfo,
    simfailure: u32,
    timing: Timing,
    rng: Box<dyn RandomSource>,
    out: Vec<Action>,
    flush_pending: bool,
}

impl std::fmt::Debug for Sentinel {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Sentinel")
            .field("myid", &self.myid)
            .field("current_epoch", &self.current_epoch)
            .field("masters", &self.masters.len())
            .field("tilt", &self.tilt)
            .finish_non_exhaustive()
    }
}

impl Sentinel {
    /// A sentinel resuming from `settings` (a missing myid is generated and flushed, and a
    /// `+monitor` event is queued per master, as at Redis start-up). `now_ms` starts the TILT clock:
    /// construct it right before the first [`Sentinel::tick`].
    pub fn new(settings: SentinelSettings, node: NodeInfo, timing: Timing, mut rng: Box<dyn RandomSource>, now_ms: u64) -> Sentinel {
        let now = now_ms as Ms;
        let (myid, generated) = match settings.myid.clone() {
            Some(id) => (id, false),
            None => {
                let mut id = String::with_capacity(40);
                while id.len() < 40 {
                    id.push_str(&format!("{:016x}", rng.next_u64()));
                }
                id.truncate(40);
                (id, true)
            }
        };
        let mut s = Sentinel {
            myid,
            current_epoch: settings.current_epoch,
            masters: Vec::new(),
            links: HashMap::new(),
            conns: HashMap::new(),
            next_id: 1,
            tilt: false,
            tilt_start_time: 0,
            previous_time: now,
            announce_ip: settings.announce_ip.clone().filter(|s| !s.is_empty()),
            announce_port: settings.announce_port,
            deny_scripts_reconfig: settings.deny_scripts_reconfig,
            resolve_hostnames: settings.resolve_hostnames,
            announce_hostnames: settings.announce_hostnames,
            sentinel_user: settings.sentinel_user.clone().filter(|s| !s.is_empty()),
            sentinel_pass: settings.sentinel_pass.clone().filter(|s| !s.is_empty()),
            node,
            simfailure: 0,
            timing,
            rng,
            out: Vec::new(),
            flush_pending: false,
        };
        for ms in &settings.masters {
            s.load_master(ms, now);
        }
        if generated {
            s.flush();
        }
        for m in 0..s.masters.len() {
            let q = s.masters[m].quorum;
            s.event_at(Level::Warning, "+monitor", Loc::Master(m), &format!(" quorum {q}"));
        }
        s
    }

    /// The actions produced since the last call, in order (at most one FlushConfig, last).
    pub fn take_actions(&mut self) -> Vec<Action> {
        let mut out = std::mem::take(&mut self.out);
        if std::mem::take(&mut self.flush_pending) {
            out.push(Action::FlushConfig);
        }
        out
    }

    /// This sentinel's 40-character id.
    pub fn myid(&self) -> &str {
        &self.myid
    }

    /// The highest epoch seen or started (persisted as `current-epoch`).
    pub fn current_epoch(&self) -> u64 {
        self.current_epoch
    }

    /// Whether TILT mode is on (INFO's `sentinel_tilt`).
    pub fn is_tilt(&self) -> bool {
        self.tilt
    }

    /// The periods in use.
    pub fn timing(&self) -> &Timing {
        &self.timing
    }

    /// The periods in use, for SENTINEL DEBUG to change (new values apply from the next tick).
    pub fn timing_mut(&mut self) -> &mut Timing {
        &mut self.timing
    }

    /// How long to wait before the next [`Sentinel::tick`]: 1000 / hz with hz re-drawn every time,
    /// so sentinels started together drift apart (fewer split votes).
    pub fn next_tick_delay_ms(&mut self) -> u64 {
        let hz = self.timing.hz_min + self.rng.below(self.timing.hz_spread);
        1000 / hz.max(1)
    }

    /// The stream `conn` is established; `local_ip` is our address on it (announced in hellos when
    /// announce-ip is not set), `peer_ip` the address the instance's host resolved to.
    pub fn on_connected(&mut self, conn: ConnId, local_ip: Option<String>, peer_ip: Option<String>, _now_ms: u64) {
        let Some(&(lid, kind)) = self.conns.get(&conn) else { return };
        if kind == LinkKind::Cmd {
            if let Some(link) = self.links.get_mut(&lid) {
                link.local_ip = local_ip;
            }
            if self.timing.hello_on_connect {
                let due = self.timing.publish_period as Ms + 1;
                for master in &mut self.masters {
                    let records = std::iter::once(&mut master.inst).chain(master.replicas.iter_mut());
                    for ri in records.filter(|ri| ri.link == lid) {
                        ri.last_pub_time -= due;
                    }
                }
            }
        }
        let Some(ip) = peer_ip else { return };
        for master in &mut self.masters {
            let records = std::iter::once(&mut master.inst).chain(master.replicas.iter_mut()).chain(master.sentinels.iter_mut());
            for ri in records.filter(|ri| ri.link == lid) {
                ri.addr.ip = Some(ip.clone());
            }
        }
    }

    /// Connecting `conn` failed (refused, timed out, or the hostname did not resolve). The link is
    /// retried by a later tick; nothing waits for it.
    pub fn on_connect_failed(&mut self, conn: ConnId, reason: &str, now_ms: u64) {
        if let Some(&(lid, kind)) = self.conns.get(&conn) {
            if let Some(loc) = self.owner_of(lid) {
                let name = match kind {
                    LinkKind::Cmd => "-cmd-link-reconnection",
                    LinkKind::PubSub => "-pubsub-link-reconnection",
                };
                self.event_at(Level::Debug, name, loc, &format!(" #{reason}"));
            }
        }
        self.on_disconnected(conn, now_ms);
    }

    /// The stream `conn` was closed by the peer or failed.
    pub fn on_disconnected(&mut self, conn: ConnId, _now_ms: u64) {
        if let Some((lid, kind)) = self.conns.remove(&conn) {
            if let Some(link) = self.links.get_mut(&lid) {
                match kind {
                    LinkKind::Cmd if link.cc == Some(conn) => {
                        link.cc = None;
                        link.pending.clear();
                    }
                    LinkKind::PubSub if link.pc == Some(conn) => link.pc = None,
                    _ => {}
                }
            }
        }
    }

    /// A frame read from `conn`: a reply on a command link, or any traffic on a pub/sub link.
    pub fn on_reply(&mut self, conn: ConnId, reply: Frame, now_ms: u64) {
        let now = now_ms as Ms;
        let Some(&(lid, kind)) = self.conns.get(&conn) else { return };
        match kind {
            LinkKind::PubSub => {
                let Some(link) = self.links.get_mut(&lid) else { return };
                if link.pc_handshake > 0 {
                    // The reply to AUTH or CLIENT SETNAME, discarded like Redis's callback does.
                    link.pc_handshake -= 1;
                    return;
                }
                if matches!(reply, Frame::Error(_)) {
                    // SUBSCRIBE refused: hiredis has no callback for it and drops the connection.
                    self.close_link(lid, LinkKind::PubSub);
                    return;
                }
                link.pc_last_activity = Some(now);
                self.on_pubsub_frame(&reply, now);
            }
            LinkKind::Cmd => {
                let Some(link) = self.links.get_mut(&lid) else { return };
                let Some(p) = link.pending.pop_front() else {
                    // An error nobody asked for (say, "max number of clients reached" before the
                    // server closes): hiredis drops the connection rather than wait for the EOF.
                    if matches!(reply, Frame::Error(_)) {
                        self.close_link(lid, LinkKind::Cmd);
                    }
                    return;
                };
                match p.expect {
                    Expect::Discard => {}
                    Expect::Ping => self.on_ping_reply(lid, p.inst, &reply, now),
                    Expect::Info => {
                        if let (Some(loc), Some(text)) = (self.locate(p.inst), bulk_text(&reply)) {
                            self.refresh_instance_info(loc, &text, now);
                        }
                    }
                    Expect::Publish => {
                        if !matches!(reply, Frame::Error(_)) {
                            if let Some(loc) = self.locate(p.inst) {
                                self.inst_mut(loc).last_pub_time = now;
                            }
                        }
                    }
                    Expect::IsMasterDown => self.on_master_down_reply(p.inst, &reply, now),
                    Expect::Handover => self.on_handover_reply(p.inst, &reply, now),
                }
            }
        }
    }

    /// A `message` on `__sentinel__:hello` carries a hello; everything else is just activity.
    fn on_pubsub_frame(&mut self, reply: &Frame, now: Ms) {
        let Some(items) = reply.items() else { return };
        if items.len() != 3 || items[0].as_bytes() != Some(b"message") {
            return;
        }
        if let Some(payload) = items[2].as_bytes() {
            let payload = String::from_utf8_lossy(payload).into_owned();
            self.process_hello(&payload, now);
        }
    }

    fn on_ping_reply(&mut self, lid: LinkId, inst: InstId, reply: &Frame, now: Ms) {
        let text = match reply {
            Frame::Simple(s) | Frame::Error(s) => Some(s.as_str()),
            _ => None,
        };
        let valid = text.is_some_and(|t| t.starts_with("PONG") || t.starts_with("LOADING") || t.starts_with("MASTERDOWN"));
        let busy = text.is_some_and(|t| t.starts_with("BUSY"));
        if let Some(link) = self.links.get_mut(&lid) {
            if valid {
                link.last_avail_time = now;
                link.act_ping_time = None;
            }
            link.last_pong_time = now;
        }
        let Some(loc) = self.locate(inst) else { return };
        if valid && text.is_some_and(|t| t.starts_with("PONG")) {
            self.inst_mut(loc).flags &= !flag::MASTER_REBOOT;
        }
        // A script blocking the instance makes it look down: kill it once per SDOWN.
        let ri = self.inst(loc);
        if busy && ri.has(flag::S_DOWN) && !ri.has(flag::SCRIPT_KILL_SENT) {
            self.send(loc, Expect::Discard, &["SCRIPT", "KILL"]);
            self.inst_mut(loc).flags |= flag::SCRIPT_KILL_SENT;
        }
    }

    // ---- identifiers, lookups --------------------------------------------------------------

    fn alloc_id(&mut self) -> u64 {
        self.next_id += 1;
        self.next_id
    }

    fn new_link(&mut self, needs_pubsub: bool, now: Ms) -> LinkId {
        let id = LinkId(self.alloc_id());
        self.links.insert(id, Link::new(needs_pubsub, now));
        id
    }

    /// Drops one reference; the last one closes the connections.
    fn release_link(&mut self, lid: LinkId) {
        let last = match self.links.get_mut(&lid) {
            Some(l) => {
                l.refcount = l.refcount.saturating_sub(1);
                l.refcount == 0
            }
            None => false,
        };
        if last {
            self.close_link(lid, LinkKind::Cmd);
            self.close_link(lid, LinkKind::PubSub);
            self.links.remove(&lid);
        }
    }

    /// Closes one connection of a link (Redis's instanceLinkCloseConnection).
    fn close_link(&mut self, lid: LinkId, kind: LinkKind) {
        let Some(link) = self.links.get_mut(&lid) else { return };
        let conn = match kind {
            LinkKind::Cmd => {
                link.pending.clear();
                link.cc.take()
            }
            LinkKind::PubSub => link.pc.take(),
        };
        if let Some(conn) = conn {
            self.conns.remove(&conn);
            self.out.push(Action::Close { conn });
        }
    }

    fn locate(&self, id: InstId) -> Option<Loc> {
        self.masters.iter().enumerate().find_map(|(m, master)| {
            if master.inst.id == id {
                return Some(Loc::Master(m));
            }
            if let Some(r) = master.replicas.iter().position(|r| r.id == id) {
                return Some(Loc::Replica(m, r));
            }
            master.sentinels.iter().position(|s| s.id == id).map(|s| Loc::Sentinel(m, s))
        })
    }

    /// Some instance using link `lid` (for event text).
    fn owner_of(&self, lid: LinkId) -> Option<Loc> {
        self.masters.iter().enumerate().find_map(|(m, master)| {
            if master.inst.link == lid {
                return Some(Loc::Master(m));
            }
            if let Some(r) = master.replicas.iter().position(|r| r.link == lid) {
                return Some(Loc::Replica(m, r));
            }
            master.sentinels.iter().position(|s| s.link == lid).map(|s| Loc::Sentinel(m, s))
        })
    }

    fn inst(&self, loc: Loc) -> &Instance {
        match loc {
            Loc::Master(m) => &self.masters[m].inst,
            Loc::Replica(m, r) => &self.masters[m].replicas[r],
            Loc::Sentinel(m, s) => &self.masters[m].sentinels[s],
        }
    }

    fn inst_mut(&mut self, loc: Loc) -> &mut Instance {
        match loc {
            Loc::Master(m) => &mut self.masters[m].inst,
            Loc::Replica(m, r) => &mut self.masters[m].replicas[r],
            Loc::Sentinel(m, s) => &mut self.masters[m].sentinels[s],
        }
    }

    fn link(&self, loc: Loc) -> Option<&Link> {
        self.links.get(&self.inst(loc).link)
    }

    fn link_mut(&mut self, loc: Loc) -> Option<&mut Link> {
        let lid = self.inst(loc).link;
        self.links.get_mut(&lid)
    }

    fn disconnected(&self, loc: Loc) -> bool {
        self.link(loc).is_none_or(Link::disconnected)
    }

    fn master_by_name(&self, name: &str) -> Option<usize> {
        self.masters.iter().position(|m| m.inst.name == name)
    }

    // ---- output helpers --------------------------------------------------------------------

    fn flush(&mut self) {
        self.flush_pending = true;
    }

    /// The host as announced: the name itself with `announce-hostnames yes`, else the IP it last
    /// resolved to (the name until a connect has resolved it).
    fn announced<'a>(&self, addr: &'a Addr) -> &'a str {
        match &addr.ip {
            Some(ip) if !self.announce_hostnames => ip,
            _ => &addr.host,
        }
    }

    /// Redis's `%@`: `<type> <name> <ip> <port>` plus ` @ <master> <ip> <port>` for non-masters.
    fn at(&self, loc: Loc) -> String {
        let ri = self.inst(loc);
        let head = format!("{} {} {} {}", ri.kind.as_str(), ri.name, self.announced(&ri.addr), ri.addr.port);
        match loc {
            Loc::Master(_) => head,
            _ => {
                let m = &self.masters[loc.master()].inst;
                format!("{head} @ {} {} {}", m.name, self.announced(&m.addr), m.addr.port)
            }
        }
    }

    /// An event whose payload is `%@` followed by `suffix`.
    fn event_at(&mut self, level: Level, name: &str, loc: Loc, suffix: &str) {
        let payload = format!("{}{suffix}", self.at(loc));
        self.event(level, name, Some(loc.master()), payload);
    }

    /// An event; warnings about a master also run its notification script with `<name> <payload>`.
    fn event(&mut self, level: Level, name: &str, master: Option<usize>, payload: String) {
        if level == Level::Warning {
            if let Some(path) = master.and_then(|m| self.masters.get(m)).and_then(|m| m.notification_script.clone()) {
                self.out.push(Action::RunScript { path, args: vec![name.to_string(), payload.clone()] });
            }
        }
        self.out.push(Action::Event(Event { level, name: name.to_string(), payload }));
    }

    /// Queues `argv` on the instance's command connection (command name through rename-command).
    /// False when the link has no command connection.
    fn send(&mut self, loc: Loc, expect: Expect, argv: &[&str]) -> bool {
        let owned: Vec<String> = argv.iter().map(|s| s.to_string()).collect();
        self.send_owned(loc, expect, owned)
    }

    fn send_owned(&mut self, loc: Loc, expect: Expect, mut argv: Vec<String>) -> bool {
        let inst = self.inst(loc).id;
        if let Some(first) = argv.first_mut() {
            *first = self.masters[loc.master()].map_command(first);
        }
        let Some(link) = self.link_mut(loc) else { return false };
        let Some(conn) = link.cc else { return false };
        link.pending.push_back(Pending { expect, inst });
        self.out.push(Action::Send { conn, argv, expect });
        true
    }

    /// PING, arming the pending-ping clock only if the previous one was answered.
    fn send_ping(&mut self, loc: Loc, now: Ms) -> bool {
        if !self.send(loc, Expect::Ping, &["PING"]) {
            return false;
        }
        if let Some(link) = self.link_mut(loc) {
            link.last_ping_time = Some(now);
            if link.act_ping_time.is_none() {
                link.act_ping_time = Some(now);
            }
        }
        true
    }

    fn rand_desync(&mut self) -> Ms {
        self.rng.below(self.timing.failover_desync) as Ms
    }
}

/// The text of a bulk/simple reply (INFO is a bulk string; anything else is ignored).
fn bulk_text(reply: &Frame) -> Option<String> {
    match reply {
        Frame::Bulk(b) | Frame::Verbatim(b) => Some(String::from_utf8_lossy(b).into_owned()),
        _ => None,
    }
}
