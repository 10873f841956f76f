//! Sentinel pub/sub messages → typed events. Pure: the subscriber hands in `(channel, payload)`.
//!
//! Formats (Redis sentinel documentation, "Pub/Sub messages"):
//! - `+switch-master`: `<master-set> <old-ip> <old-port> <new-ip> <new-port>`
//! - `+odown` / `-odown`: `master <master-set> <ip> <port> [#quorum n/m]` (instance details first)
//! - `+failover-end`: `master <master-set> <ip> <port>`

use std::fmt;

/// Channels the watcher subscribes to on every sentinel.
pub const CHANNELS: &[&str] = &["+switch-master", "+odown", "-odown", "+failover-end"];

/// A node address as sentinels report it: an announced hostname or an IP, and a port.
#[derive(Debug, Clone, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct Addr {
    pub host: String,
    pub port: u16,
}

impl Addr {
    pub fn new(host: impl Into<String>, port: u16) -> Self {
        Addr { host: host.into(), port }
    }

    /// Parses the `host port` pair of a sentinel reply or message.
    pub fn parse(host: &str, port: &str) -> Option<Self> {
        if host.is_empty() {
            return None;
        }
        Some(Addr { host: host.to_string(), port: port.parse().ok()? })
    }
}

impl fmt::Display for Addr {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        if self.host.contains(':') {
            write!(f, "[{}]:{}", self.host, self.port)
        } else {
            write!(f, "{}:{}", self.host, self.port)
        }
    }
}

/// What a sentinel announced about a master set.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum SentinelEvent {
    /// The set's master changed (published after the failover, by every sentinel that updates its config).
    SwitchMaster { master_set: String, old: Addr, new: Addr },
    /// The master is objectively down: a failover is about to start.
    ODown { master_set: String, master: Addr },
    /// The master is no longer objectively down.
    ODownCleared { master_set: String, master: Addr },
    /// A failover finished (the new master is in place and replicas are being reconfigured).
    FailoverEnd { master_set: String, master: Addr },
}

impl SentinelEvent {
    pub fn master_set(&self) -> &str {
        match self {
            SentinelEvent::SwitchMaster { master_set, .. }
            | SentinelEvent::ODown { master_set, .. }
            | SentinelEvent::ODownCleared { master_set, .. }
            | SentinelEvent::FailoverEnd { master_set, .. } => master_set,
        }
    }
}

/// Parses one pub/sub message. Anything malformed, or about a replica or sentinel rather than a
/// master, gives None: a sentinel's message must never crash or mislead the watcher.
pub fn parse(channel: &str, payload: &str) -> Option<SentinelEvent> {
    let words: Vec<&str> = payload.split_ascii_whitespace().collect();
    match channel {
        "+switch-master" => match words.as_slice() {
            [set, old_host, old_port, new_host, new_port] => Some(SentinelEvent::SwitchMaster {
                master_set: set.to_string(),
                old: Addr::parse(old_host, old_port)?,
                new: Addr::parse(new_host, new_port)?,
            }),
            _ => None,
        },
        "+odown" | "-odown" | "+failover-end" => {
            // `<type> <name> <ip> <port>` then, for non-masters, `@ <master-name> <ip> <port>`.
            let [kind, name, host, port, rest @ ..] = words.as_slice() else { return None };
            if *kind != "master" || rest.first() == Some(&"@") {
                return None;
            }
            let master = Addr::parse(host, port)?;
            let master_set = name.to_string();
            Some(match channel {
                "+odown" => SentinelEvent::ODown { master_set, master },
                "-odown" => SentinelEvent::ODownCleared { master_set, master },
                _ => SentinelEvent::FailoverEnd { master_set, master },
            })
        }
        _ => None,
    }
}

/// Parses a `SENTINEL GET-MASTER-ADDR-BY-NAME` reply: `[host, port]`, or nil for an unknown set.
pub fn parse_master_addr(reply: Option<Vec<String>>) -> Option<Addr> {
    match reply?.as_slice() {
        [host, port] => Addr::parse(host, port),
        _ => None,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// The operator's user on the sentinels may subscribe to exactly the channels the watcher follows.
    #[test]
    fn the_operator_user_may_read_exactly_the_watched_channels() {
        let rules = crate::resources::config::OPERATOR_ACL_SENTINEL;
        let mut granted: Vec<&str> = rules.split_whitespace().filter_map(|r| r.strip_prefix('&')).collect();
        let mut watched = CHANNELS.to_vec();
        granted.sort_unstable();
        watched.sort_unstable();
        assert_eq!(granted, watched);
        assert!(rules.contains("resetchannels") && rules.contains("+subscribe"));
    }

    #[test]
    fn switch_master() {
        assert_eq!(
            parse("+switch-master", "cache 10.0.0.1 6379 cache-1.cache-headless.prod.svc.cluster.local 6379"),
            Some(SentinelEvent::SwitchMaster {
                master_set: "cache".into(),
                old: Addr::new("10.0.0.1", 6379),
                new: Addr::new("cache-1.cache-headless.prod.svc.cluster.local", 6379),
            })
        );
    }

    #[test]
    fn odown_and_failover_end_for_masters_only() {
        assert_eq!(
            parse("+odown", "master cache 127.0.0.1 6379 #quorum 2/2"),
            Some(SentinelEvent::ODown { master_set: "cache".into(), master: Addr::new("127.0.0.1", 6379) })
        );
        assert_eq!(
            parse("-odown", "master cache 127.0.0.1 6379"),
            Some(SentinelEvent::ODownCleared { master_set: "cache".into(), master: Addr::new("127.0.0.1", 6379) })
        );
        assert_eq!(
            parse("+failover-end", "master cache 127.0.0.1 6380"),
            Some(SentinelEvent::FailoverEnd { master_set: "cache".into(), master: Addr::new("127.0.0.1", 6380) })
        );
        assert_eq!(parse("+odown", "slave 127.0.0.1:6380 127.0.0.1 6380 @ cache 127.0.0.1 6379"), None);
        assert_eq!(parse("+odown", "master cache 127.0.0.1 6379 @ other 1.2.3.4 1"), None);
    }

    #[test]
    fn malformed_messages_are_ignored() {
        for (ch, payload) in [
            ("+switch-master", ""),
            ("+switch-master", "cache 10.0.0.1 6379 10.0.0.2"),
            ("+switch-master", "cache 10.0.0.1 6379 10.0.0.2 notaport"),
            ("+switch-master", "cache 10.0.0.1 6379 10.0.0.2 70000"),
            ("+switch-master", "cache 10.0.0.1 6379 10.0.0.2 6379 extra"),
            ("+odown", "master"),
            ("+odown", "master cache host -1"),
            ("+sdown", "master cache 127.0.0.1 6379"),
            ("+switch-master", "\u{0}\u{ffff} \n\n"),
        ] {
            assert_eq!(parse(ch, payload), None, "{ch} {payload:?}");
        }
    }

    #[test]
    fn master_addr_reply() {
        assert_eq!(parse_master_addr(Some(vec!["h".into(), "6379".into()])), Some(Addr::new("h", 6379)));
        assert_eq!(parse_master_addr(None), None);
        assert_eq!(parse_master_addr(Some(vec!["h".into()])), None);
        assert_eq!(parse_master_addr(Some(vec!["".into(), "1".into()])), None);
    }

    #[test]
    fn display_brackets_ipv6() {
        assert_eq!(Addr::new("::1", 6379).to_string(), "[::1]:6379");
        assert_eq!(Addr::new("h", 1).to_string(), "h:1");
    }
}
