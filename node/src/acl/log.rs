//! The ACL log (ACL LOG): refused commands, keys, channels and authentications, recent similar
//! ones grouped into one entry with a count (`addACLLogEntry`).

use std::collections::VecDeque;

/// Entries within this many milliseconds of each other, otherwise alike, are grouped.
const GROUPING_MAX_DELTA_MS: i64 = 60_000;
/// How many recent entries are looked at for grouping.
const GROUPING_SCAN: usize = 10;

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Reason {
    Command,
    Key,
    Channel,
    Auth,
}

impl Reason {
    pub fn as_str(self) -> &'static str {
        match self {
            Reason::Command => "command",
            Reason::Key => "key",
            Reason::Channel => "channel",
            Reason::Auth => "auth",
        }
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Context {
    Toplevel,
    Multi,
    Lua,
}

impl Context {
    pub fn as_str(self) -> &'static str {
        match self {
            Context::Toplevel => "toplevel",
            Context::Multi => "multi",
            Context::Lua => "lua",
        }
    }
}

#[derive(Debug, Clone)]
pub struct Entry {
    pub count: u64,
    pub reason: Reason,
    pub context: Context,
    /// The command, key, channel, or (for auth) the command name as typed.
    pub object: Vec<u8>,
    pub username: Vec<u8>,
    /// Unix ms of the last occurrence.
    pub ctime_ms: i64,
    /// CLIENT INFO of the last client it happened to.
    pub client_info: Vec<u8>,
}

#[derive(Debug, Default)]
pub struct AclLog {
    /// Newest first.
    pub entries: VecDeque<Entry>,
}

impl AclLog {
    /// Adds an entry, or bumps a recent similar one (moved to the front); keeps at most `max_len`.
    pub fn add(&mut self, e: Entry, max_len: usize) {
        let similar = self.entries.iter().take(GROUPING_SCAN).position(|o| {
            o.reason == e.reason
                && o.context == e.context
                && (o.ctime_ms - e.ctime_ms).abs() <= GROUPING_MAX_DELTA_MS
                && o.object == e.object
                && o.username == e.username
        });
        match similar.and_then(|i| self.entries.remove(i)) {
            Some(mut o) => {
                o.count += 1;
                o.ctime_ms = e.ctime_ms;
                o.client_info = e.client_info;
                self.entries.push_front(o);
            }
            None => {
                self.entries.push_front(e);
                self.entries.truncate(max_len);
            }
        }
    }
}
