//! An in-memory cluster for scenario tests: N sentinels (the real state machine) and simulated Redis
//! nodes on a discrete-event network with a fixed latency, whose links can be cut, isolated and
//! healed. A cut holds messages (TCP retransmits) and fails new connects; killing a node resets
//! its connections. Test-only (`scenarios.rs` drives it); it uses the machine above it, the
//! sentinel's `settings`, `resp::frame` and `util`'s seeded PRNG.
//!
//! `sim_redis.rs`: one simulated node (PING, INFO, MULTI/EXEC, SLAVEOF, CLIENT KILL); this file
//! holds the cluster, the network and its cuts.

mod sim_redis;

use std::cmp::Reverse;
use std::collections::{BTreeMap, BinaryHeap, HashMap, HashSet};

pub(crate) use sim_redis::{InfoCtx, SimRedis, SimRole};

use super::{Action, ConnId, Level, LinkKind, NodeInfo, Sentinel, Timing};
use crate::resp::frame::Frame;
use crate::sentinel::settings::{MasterSettings, SentinelSettings};
use crate::util::Rng;
use sim_redis::Effect;

#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub(crate) enum Node {
    S(usize),
    R(usize),
}

/// One event a sentinel emitted.
#[derive(Debug, Clone)]
pub(crate) struct Logged {
    pub time: u64,
    pub sentinel: usize,
    pub level: Level,
    pub name: String,
    pub payload: String,
    /// The sentinel's failover epoch of the master at that moment (for leader uniqueness checks).
    pub failover_epoch: u64,
}

pub(crate) struct SimSentinel {
    pub st: Sentinel,
    pub host: String,
    pub alive: bool,
    pub paused_until: u64,
    pub flushes: usize,
}

struct SimConn {
    owner: usize,
    target: Node,
    kind: LinkKind,
    open: bool,
    subscribed: bool,
    multi: Option<Vec<Vec<String>>>,
}

enum Msg {
    Tick(usize),
    Request { s: usize, conn: ConnId, argv: Vec<String> },
    Frame { s: usize, conn: ConnId, frame: Frame },
    Connected { s: usize, conn: ConnId },
    ConnectFailed { s: usize, conn: ConnId },
    Disconnected { s: usize, conn: ConnId },
}

pub(crate) struct Cluster {
    pub now: u64,
    pub latency: u64,
    pub connect_timeout: u64,
    pub sync_delay: u64,
    pub sentinels: Vec<SimSentinel>,
    pub redis: Vec<SimRedis>,
    pub log: Vec<Logged>,
    conns: HashMap<(usize, ConnId), SimConn>,
    queue: BinaryHeap<Reverse<(u64, u64)>>,
    msgs: BTreeMap<u64, Msg>,
    seq: u64,
    cuts: HashSet<(Node, Node)>,
    held: Vec<(Node, Node, Msg)>,
    runs: u64,
    last_offset_tick: u64,
}

/// Shape of a test cluster.
pub(crate) struct Spec {
    pub sentinels: usize,
    pub replicas: usize,
    pub quorum: u32,
    pub down_after: u64,
    pub failover_timeout: u64,
    pub timing: Timing,
    pub seed: u64,
}

impl Spec {
    pub fn new(sentinels: usize, replicas: usize, quorum: u32) -> Spec {
        Spec { sentinels, replicas, quorum, down_after: 1000, failover_timeout: 10_000, timing: Timing::fast(), seed: 1 }
    }
}

pub(crate) const MASTER_NAME: &str = "mymaster";

pub(crate) fn redis_host(i: usize) -> String {
    format!("10.0.0.{}", i + 1)
}

impl Cluster {
    /// Redis 0 is the master of the others; every sentinel monitors it and knows nothing else.
    pub fn new(spec: Spec) -> Cluster {
        let mut redis = vec![SimRedis::new(&redis_host(0), 6379, SimRole::Master, 1)];
        for i in 1..=spec.replicas {
            redis.push(SimRedis::new(&redis_host(i), 6379, SimRole::Replica { host: redis_host(0), port: 6379 }, i as u64 + 1));
        }
        let mut c = Cluster {
            now: 0,
            latency: 1,
            connect_timeout: 200,
            sync_delay: 20,
            sentinels: Vec::new(),
            redis,
            log: Vec::new(),
            conns: HashMap::new(),
            queue: BinaryHeap::new(),
            msgs: BTreeMap::new(),
            seq: 0,
            cuts: HashSet::new(),
            held: Vec::new(),
            runs: 100,
            last_offset_tick: 0,
        };
        for i in 0..spec.sentinels {
            let mut ms = MasterSettings::new(MASTER_NAME, &redis_host(0), 6379, spec.quorum);
            ms.down_after_ms = spec.down_after;
            ms.failover_timeout_ms = spec.failover_timeout;
            let cfg = SentinelSettings { masters: vec![ms], ..SentinelSettings::default() };
            // NB: with_seed sets the low bit, so keep the seeds odd and distinct.
            let rng = Rng::with_seed(spec.seed.wrapping_mul(1000).wrapping_add(2 * i as u64 + 1));
            let st = Sentinel::new(cfg, NodeInfo { port: 26379, requirepass: None }, spec.timing.clone(), Box::new(rng), 0);
            c.sentinels.push(SimSentinel { st, host: format!("10.0.1.{}", i + 1), alive: true, paused_until: 0, flushes: 0 });
            c.drain(i);
            c.schedule(3 * i as u64, Msg::Tick(i));
        }
        c
    }

    fn schedule(&mut self, at: u64, msg: Msg) {
        self.seq += 1;
        self.queue.push(Reverse((at, self.seq)));
        self.msgs.insert(self.seq, msg);
    }

    fn is_cut(&self, a: Node, b: Node) -> bool {
        self.cuts.contains(&(a, b)) || self.cuts.contains(&(b, a))
    }

    /// Sends across `from → to`, held while that pair is cut.
    fn transmit(&mut self, from: Node, to: Node, msg: Msg) {
        if self.is_cut(from, to) {
            self.held.push((from, to, msg));
        } else {
            let at = self.now + self.latency;
            self.schedule(at, msg);
        }
    }

    // ---- scenario controls ---------------------------------------------------------------

    pub fn cut(&mut self, a: Node, b: Node) {
        self.cuts.insert((a, b));
    }

    /// Cuts `n` from every other node.
    pub fn isolate(&mut self, n: Node) {
        let all: Vec<Node> = (0..self.sentinels.len()).map(Node::S).chain((0..self.redis.len()).map(Node::R)).collect();
        for other in all.into_iter().filter(|o| *o != n) {
            self.cut(n, other);
        }
    }

    /// Removes every cut and releases held messages in order.
    pub fn heal(&mut self) {
        self.cuts.clear();
        for (from, to, msg) in std::mem::take(&mut self.held) {
            self.transmit(from, to, msg);
        }
    }

    /// Kills a Redis node: its connections are reset.
    pub fn kill_redis(&mut self, i: usize) {
        self.redis[i].alive = false;
        let ids: Vec<(usize, ConnId)> = self.conns.iter().filter(|(_, c)| c.open && c.target == Node::R(i)).map(|(id, _)| *id).collect();
        for id in ids {
            self.reset_conn(id);
        }
    }

    /// Restarts a Redis node with its last role and a new run id.
    pub fn restart_redis(&mut self, i: usize) {
        self.runs += 1;
        self.redis[i].alive = true;
        self.redis[i].run_id = sim_redis::run_id(self.runs);
        self.redis[i].sync_ready_at = self.now + self.sync_delay;
    }

    /// Kills a sentinel process: its own connections vanish, connections to it are reset.
    pub fn kill_sentinel(&mut self, s: usize) {
        self.sentinels[s].alive = false;
        for c in self.conns.values_mut().filter(|c| c.owner == s) {
            c.open = false;
        }
        let ids: Vec<(usize, ConnId)> = self.conns.iter().filter(|(_, c)| c.open && c.target == Node::S(s)).map(|(id, _)| *id).collect();
        for id in ids {
            self.reset_conn(id);
        }
    }

    /// Freezes a sentinel (no ticks, no input) until `until`.
    pub fn pause(&mut self, s: usize, until: u64) {
        self.sentinels[s].paused_until = until;
    }

    fn reset_conn(&mut self, id: (usize, ConnId)) {
        let Some(c) = self.conns.get_mut(&id) else { return };
        if !c.open {
            return;
        }
        c.open = false;
        let (owner, target) = (c.owner, c.target);
        self.transmit(target, Node::S(owner), Msg::Disconnected { s: owner, conn: id.1 });
    }

    // ---- the event loop --------------------------------------------------------------------

    /// Runs every event up to and including time `t`.
    pub fn run_until(&mut self, t: u64) {
        while let Some(Reverse((at, seq))) = self.queue.peek().copied() {
            if at > t {
                break;
            }
            self.queue.pop();
            self.advance(at);
            if let Some(msg) = self.msgs.remove(&seq) {
                self.deliver(msg);
            }
        }
        self.advance(t);
    }

    /// Moves the clock; alive masters take writes (1 offset unit per ms).
    fn advance(&mut self, t: u64) {
        let dt = t.saturating_sub(self.last_offset_tick);
        for r in self.redis.iter_mut().filter(|r| r.alive && r.role == SimRole::Master) {
            r.offset += dt;
        }
        self.last_offset_tick = self.last_offset_tick.max(t);
        self.now = self.now.max(t);
    }

    fn deliver(&mut self, msg: Msg) {
        let target_s = match &msg {
            Msg::Tick(s) | Msg::Frame { s, .. } | Msg::Connected { s, .. } | Msg::ConnectFailed { s, .. } | Msg::Disconnected { s, .. } => Some(*s),
            Msg::Request { s, conn, .. } => match self.conns.get(&(*s, *conn)).map(|c| c.target) {
                Some(Node::S(j)) => Some(j),
                _ => None,
            },
        };
        if let Some(s) = target_s {
            if !self.sentinels[s].alive {
                return;
            }
            let until = self.sentinels[s].paused_until;
            if until > self.now {
                self.schedule(until, msg);
                return;
            }
        }
        let now = self.now;
        match msg {
            Msg::Tick(s) => {
                self.sentinels[s].st.tick(now);
                self.drain(s);
                let delay = self.sentinels[s].st.next_tick_delay_ms();
                self.schedule(now + delay, Msg::Tick(s));
            }
            Msg::Frame { s, conn, frame } => {
                if self.conns.get(&(s, conn)).is_some_and(|c| c.open) {
                    self.sentinels[s].st.on_reply(conn, frame, now);
                    self.drain(s);
                }
            }
            Msg::Connected { s, conn } => {
                let host = self.sentinels[s].host.clone();
                self.sentinels[s].st.on_connected(conn, Some(host), None, now);
                self.drain(s);
            }
            Msg::ConnectFailed { s, conn } => {
                self.sentinels[s].st.on_connect_failed(conn, "Connection refused", now);
                self.drain(s);
            }
            Msg::Disconnected { s, conn } => {
                self.sentinels[s].st.on_disconnected(conn, now);
                self.drain(s);
            }
            Msg::Request { s, conn, argv } => self.serve(s, conn, argv),
        }
    }

    /// Executes the actions sentinel `s` produced.
    fn drain(&mut self, s: usize) {
        for action in self.sentinels[s].st.take_actions() {
            match action {
                Action::Connect { conn, host, port, kind } => {
                    let target = self.lookup(&host, port);
                    let reachable = target.filter(|t| match t {
                        Node::R(i) => self.redis[*i].alive,
                        Node::S(j) => self.sentinels[*j].alive,
                    });
                    match reachable {
                        Some(t) if !self.is_cut(Node::S(s), t) => {
                            self.conns.insert((s, conn), SimConn { owner: s, target: t, kind, open: true, subscribed: false, multi: None });
                            self.transmit(t, Node::S(s), Msg::Connected { s, conn });
                        }
                        Some(_) => {
                            let at = self.now + self.connect_timeout;
                            self.schedule(at, Msg::ConnectFailed { s, conn });
                        }
                        None => {
                            let at = self.now + self.latency;
                            self.schedule(at, Msg::ConnectFailed { s, conn });
                        }
                    }
                }
                Action::Send { conn, argv, .. } => {
                    if let Some(c) = self.conns.get(&(s, conn)).filter(|c| c.open) {
                        let target = c.target;
                        self.transmit(Node::S(s), target, Msg::Request { s, conn, argv });
                    }
                }
                Action::Close { conn } => {
                    if let Some(c) = self.conns.get_mut(&(s, conn)) {
                        c.open = false;
                    }
                }
                Action::Event(e) => {
                    let failover_epoch = self.sentinels[s].st.masters.first().map_or(0, |m| m.failover_epoch);
                    self.log.push(Logged { time: self.now, sentinel: s, level: e.level, name: e.name, payload: e.payload, failover_epoch });
                }
                Action::FlushConfig => self.sentinels[s].flushes += 1,
                Action::RunScript { .. } => {}
                Action::Crash => {
                    // exit(99): nothing after it runs.
                    self.kill_sentinel(s);
                    return;
                }
            }
        }
    }

    fn lookup(&self, host: &str, port: u16) -> Option<Node> {
        if let Some(i) = self.redis.iter().position(|r| r.host == host && r.port == port) {
            return Some(Node::R(i));
        }
        self.sentinels.iter().position(|x| x.host == host && port == 26379).map(Node::S)
    }

    /// A request arrives at its target.
    fn serve(&mut self, s: usize, conn: ConnId, argv: Vec<String>) {
        let Some(c) = self.conns.get(&(s, conn)).filter(|c| c.open) else { return };
        let target = c.target;
        let frame = match target {
            Node::R(i) => {
                if !self.redis[i].alive {
                    return;
                }
                self.serve_redis(i, (s, conn), argv)
            }
            Node::S(j) => {
                if !self.sentinels[j].alive {
                    return;
                }
                self.serve_sentinel(j, &argv)
            }
        };
        if let Some(frame) = frame {
            self.transmit(target, Node::S(s), Msg::Frame { s, conn, frame });
        }
    }

    fn info_ctx(&self, i: usize) -> InfoCtx {
        let r = &self.redis[i];
        let link_up = match &r.role {
            SimRole::Replica { host, port } => self
                .redis
                .iter()
                .position(|m| &m.host == host && m.port == *port)
                .is_some_and(|m| self.redis[m].alive && !self.is_cut(Node::R(i), Node::R(m)) && self.now >= r.sync_ready_at),
            SimRole::Master => false,
        };
        let replicas = (0..self.redis.len())
            .filter(|&k| k != i && self.redis[k].alive && self.redis[k].role == (SimRole::Replica { host: r.host.clone(), port: r.port }))
            .filter(|&k| !self.is_cut(Node::R(i), Node::R(k)) && self.now >= self.redis[k].sync_ready_at)
            .map(|k| (self.redis[k].host.clone(), self.redis[k].port, self.redis[k].offset))
            .collect();
        InfoCtx { now: self.now, link_up, replicas }
    }

    /// Keeps replica offsets in step with a reachable master.
    fn sync_offsets(&mut self) {
        for i in 0..self.redis.len() {
            if let SimRole::Replica { .. } = self.redis[i].role {
                if self.info_ctx(i).link_up {
                    if let SimRole::Replica { host, port } = self.redis[i].role.clone() {
                        if let Some(m) = self.redis.iter().position(|x| x.host == host && x.port == port) {
                            self.redis[i].offset = self.redis[m].offset;
                        }
                    }
                }
            }
        }
    }

    fn serve_redis(&mut self, i: usize, conn: (usize, ConnId), argv: Vec<String>) -> Option<Frame> {
        self.sync_offsets();
        let cmd = argv.first().map(|a| a.to_ascii_uppercase()).unwrap_or_default();
        let in_multi = self.conns.get(&conn).is_some_and(|c| c.multi.is_some());
        if cmd == "MULTI" {
            if let Some(c) = self.conns.get_mut(&conn) {
                c.multi = Some(Vec::new());
            }
            return Some(Frame::Simple("OK".into()));
        }
        if cmd == "EXEC" {
            let queued = self.conns.get_mut(&conn).and_then(|c| c.multi.take()).unwrap_or_default();
            let replies = queued.into_iter().map(|q| self.exec_redis(i, conn, &q)).collect();
            return Some(Frame::Array(replies));
        }
        if in_multi {
            if let Some(c) = self.conns.get_mut(&conn) {
                c.multi.get_or_insert_with(Vec::new).push(argv);
            }
            return Some(Frame::Simple("QUEUED".into()));
        }
        Some(self.exec_redis(i, conn, &argv))
    }

    fn exec_redis(&mut self, i: usize, conn: (usize, ConnId), argv: &[String]) -> Frame {
        let ctx = self.info_ctx(i);
        let (frame, effect) = self.redis[i].exec(argv, &ctx, self.sync_delay);
        match effect {
            Some(Effect::Subscribe) => {
                if let Some(c) = self.conns.get_mut(&conn) {
                    c.subscribed = true;
                }
            }
            Some(Effect::Publish { channel, payload }) => {
                let subs: Vec<(ConnId, usize)> =
                    self.conns.iter().filter(|(_, c)| c.open && c.subscribed && c.target == Node::R(i)).map(|(id, c)| (id.1, c.owner)).collect();
                let n = subs.len();
                for (id, owner) in subs {
                    let frame = Frame::Array(vec![
                        Frame::Bulk(b"message".to_vec()),
                        Frame::Bulk(channel.clone().into_bytes()),
                        Frame::Bulk(payload.clone().into_bytes()),
                    ]);
                    self.transmit(Node::R(i), Node::S(owner), Msg::Frame { s: owner, conn: id, frame });
                }
                return Frame::Int(n as i64);
            }
            Some(Effect::KillNormal) | Some(Effect::KillPubSub) => {
                let pubsub = effect == Some(Effect::KillPubSub);
                let victims: Vec<(usize, ConnId)> = self
                    .conns
                    .iter()
                    .filter(|(id, c)| **id != conn && c.open && c.target == Node::R(i) && (c.kind == LinkKind::PubSub) == pubsub)
                    .map(|(id, _)| *id)
                    .collect();
                let n = victims.len();
                for id in victims {
                    self.reset_conn(id);
                }
                return Frame::Int(n as i64);
            }
            Some(Effect::HandOver { host, port }) => {
                // FAILOVER's effect at once: the target promotes itself and this node follows it.
                let me = (self.redis[i].host.clone(), self.redis[i].port);
                let target = self
                    .redis
                    .iter()
                    .position(|r| r.alive && r.host == host && r.port == port && r.role == SimRole::Replica { host: me.0.clone(), port: me.1 });
                let Some(j) = target else {
                    return Frame::Error("ERR FAILOVER target HOST and PORT is not a replica.".into());
                };
                self.redis[j].role = SimRole::Master;
                self.redis[i].role = SimRole::Replica { host, port };
                self.redis[i].sync_ready_at = self.now + self.sync_delay;
            }
            None => {}
        }
        frame
    }

    fn serve_sentinel(&mut self, j: usize, argv: &[String]) -> Option<Frame> {
        let now = self.now;
        let cmd = argv.first().map(|a| a.to_ascii_uppercase()).unwrap_or_default();
        let frame = match cmd.as_str() {
            "PING" => Frame::Simple("PONG".into()),
            "AUTH" | "CLIENT" => Frame::Simple("OK".into()),
            "PUBLISH" => {
                let payload = argv.get(2).cloned().unwrap_or_default();
                self.sentinels[j].st.publish_hello(&payload, now);
                Frame::Int(1)
            }
            "SENTINEL" if argv.len() == 6 && argv[1].eq_ignore_ascii_case("is-master-down-by-addr") => {
                let port = argv[3].parse::<i64>().unwrap_or(0);
                let epoch = argv[4].parse::<u64>().unwrap_or(0);
                self.sentinels[j].st.is_master_down_by_addr(&argv[2], port, epoch, &argv[5], now).to_frame()
            }
            _ => Frame::Error("ERR unknown command".into()),
        };
        self.drain(j);
        Some(frame)
    }

    // ---- assertions helpers ------------------------------------------------------------------

    /// Events named `name`, in order.
    pub fn events(&self, name: &str) -> Vec<&Logged> {
        self.log.iter().filter(|l| l.name == name).collect()
    }

    /// Events of sentinel `s` named `name`.
    pub fn events_of(&self, s: usize, name: &str) -> Vec<&Logged> {
        self.log.iter().filter(|l| l.sentinel == s && l.name == name).collect()
    }

    /// Each epoch's elected leaders must be unique.
    pub fn assert_one_leader_per_epoch(&self) {
        let mut by_epoch: BTreeMap<u64, HashSet<usize>> = BTreeMap::new();
        for l in self.events("+elected-leader") {
            by_epoch.entry(l.failover_epoch).or_default().insert(l.sentinel);
        }
        for (epoch, leaders) in by_epoch {
            assert_eq!(leaders.len(), 1, "epoch {epoch} has leaders {leaders:?}");
        }
    }

    pub fn dump(&self) -> String {
        self.log.iter().map(|l| format!("{:>6} S{} {} {}\n", l.time, l.sentinel, l.name, l.payload)).collect()
    }
}
