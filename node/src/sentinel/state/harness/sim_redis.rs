//! A simulated Redis node: enough of a master/replica for a sentinel to watch and reconfigure it.
//! It answers PING and INFO from its own role and offset, queues MULTI/EXEC, obeys SLAVEOF, and
//! reports which connections CLIENT KILL closes; the cluster wires the effects.

use crate::resp::frame::Frame;

/// Replication role of a simulated node.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) enum SimRole {
    Master,
    Replica { host: String, port: u16 },
}

#[derive(Debug)]
pub(crate) struct SimRedis {
    pub host: String,
    pub port: u16,
    pub alive: bool,
    pub role: SimRole,
    pub run_id: String,
    pub offset: u64,
    pub priority: i64,
    /// The replication link comes up at this time after a SLAVEOF (the "sync").
    pub sync_ready_at: u64,
    /// PING reply override (e.g. "-LOADING ..." or "-BUSY ...").
    pub ping_reply: Option<String>,
    pub slaveof_count: usize,
    /// `redis_version` in INFO; FAILOVER is served from 6.2 on.
    pub version: &'static str,
    pub failover_count: usize,
    /// FAILOVER's reply when set (a refusal).
    pub failover_error: Option<String>,
}

/// What a command does besides its reply.
#[derive(Debug, PartialEq, Eq)]
pub(crate) enum Effect {
    Publish {
        channel: String,
        payload: String,
    },
    KillNormal,
    KillPubSub,
    Subscribe,
    /// FAILOVER TO host port: hand the master role over to that replica (the cluster checks it).
    HandOver {
        host: String,
        port: u16,
    },
}

/// Context the cluster provides for INFO.
pub(crate) struct InfoCtx {
    pub now: u64,
    /// For a replica: whether its link to the master is up now.
    pub link_up: bool,
    /// For a master: its connected replicas (ip, port, offset).
    pub replicas: Vec<(String, u16, u64)>,
}

impl SimRedis {
    pub fn new(host: &str, port: u16, role: SimRole, run: u64) -> SimRedis {
        SimRedis {
            host: host.to_string(),
            port,
            alive: true,
            role,
            run_id: run_id(run),
            offset: 0,
            priority: 100,
            sync_ready_at: 0,
            ping_reply: None,
            slaveof_count: 0,
            version: "7.0.15",
            failover_count: 0,
            failover_error: None,
        }
    }

    pub fn info(&self, ctx: &InfoCtx) -> String {
        let mut s = format!(
            "# Server\r\nredis_version:{}\r\nredis_mode:standalone\r\nrun_id:{}\r\ntcp_port:{}\r\n\r\n# Replication\r\n",
            self.version, self.run_id, self.port
        );
        match &self.role {
            SimRole::Master => {
                s.push_str(&format!("role:master\r\nconnected_slaves:{}\r\n", ctx.replicas.len()));
                for (i, (ip, port, off)) in ctx.replicas.iter().enumerate() {
                    s.push_str(&format!("slave{i}:ip={ip},port={port},state=online,offset={off},lag=0\r\n"));
                }
            }
            SimRole::Replica { host, port } => {
                let up = if ctx.link_up { "up" } else { "down" };
                s.push_str(&format!(
                    "role:slave\r\nmaster_host:{host}\r\nmaster_port:{port}\r\nmaster_link_status:{up}\r\nmaster_last_io_seconds_ago:0\r\nmaster_sync_in_progress:0\r\nslave_read_repl_offset:{o}\r\nslave_repl_offset:{o}\r\n",
                    o = self.offset
                ));
                if !ctx.link_up {
                    s.push_str(&format!("master_link_down_since_seconds:{}\r\n", ctx.now.saturating_sub(self.sync_ready_at) / 1000));
                }
                s.push_str(&format!("slave_priority:{}\r\nslave_read_only:1\r\nreplica_announced:1\r\nconnected_slaves:0\r\n", self.priority));
            }
        }
        s.push_str(&format!("master_failover_state:no-failover\r\nmaster_replid:{}\r\nmaster_repl_offset:{}\r\n", self.run_id, self.offset));
        s
    }

    /// Executes one command (outside MULTI). Returns the reply and any effect.
    pub fn exec(&mut self, argv: &[String], ctx: &InfoCtx, sync_delay: u64) -> (Frame, Option<Effect>) {
        let cmd = argv.first().map(|c| c.to_ascii_uppercase()).unwrap_or_default();
        let arg = |i: usize| argv.get(i).map(String::as_str).unwrap_or("");
        match cmd.as_str() {
            "PING" => match &self.ping_reply {
                Some(r) if r.starts_with('-') => (Frame::Error(r[1..].to_string()), None),
                Some(r) => (Frame::Simple(r.clone()), None),
                None => (Frame::Simple("PONG".into()), None),
            },
            "AUTH" | "CONFIG" => (Frame::Simple("OK".into()), None),
            "CLIENT" if arg(1).eq_ignore_ascii_case("SETNAME") => (Frame::Simple("OK".into()), None),
            "CLIENT" if arg(1).eq_ignore_ascii_case("KILL") => {
                let effect = if arg(3).eq_ignore_ascii_case("pubsub") { Effect::KillPubSub } else { Effect::KillNormal };
                (Frame::Int(0), Some(effect))
            }
            "INFO" => (Frame::Bulk(self.info(ctx).into_bytes()), None),
            "SUBSCRIBE" => (Frame::Array(vec![bulk("subscribe"), bulk(arg(1)), Frame::Int(1)]), Some(Effect::Subscribe)),
            "PUBLISH" => (Frame::Int(0), Some(Effect::Publish { channel: arg(1).to_string(), payload: arg(2).to_string() })),
            "SLAVEOF" | "REPLICAOF" => {
                self.slaveof_count += 1;
                if arg(1).eq_ignore_ascii_case("NO") && arg(2).eq_ignore_ascii_case("ONE") {
                    self.role = SimRole::Master;
                } else {
                    let port = arg(2).parse().unwrap_or(0);
                    let new = SimRole::Replica { host: arg(1).to_string(), port };
                    if self.role != new {
                        self.role = new;
                        self.sync_ready_at = ctx.now + sync_delay;
                    }
                }
                (Frame::Simple("OK".into()), None)
            }
            "SCRIPT" => (Frame::Simple("OK".into()), None),
            "FAILOVER" if self.version >= "6.2" => {
                self.failover_count += 1;
                if let Some(e) = &self.failover_error {
                    return (Frame::Error(e.clone()), None);
                }
                if self.role != SimRole::Master {
                    return (Frame::Error("ERR FAILOVER is not valid when server is a replica.".into()), None);
                }
                let port = arg(3).parse().unwrap_or(0);
                (Frame::Simple("OK".into()), Some(Effect::HandOver { host: arg(2).to_string(), port }))
            }
            _ => (Frame::Error(format!("ERR unknown command '{cmd}'")), None),
        }
    }
}

fn bulk(s: &str) -> Frame {
    Frame::Bulk(s.as_bytes().to_vec())
}

/// A deterministic 40-hex run id.
pub(crate) fn run_id(n: u64) -> String {
    format!("{:040x}", n.wrapping_mul(0x9e37_79b9_7f4a_7c15))
}
