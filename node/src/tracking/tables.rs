//! Client-side caching's tables, the part of `State` tracking owns (and each client's mode):
//! the keys clients read, the BCAST prefixes with their changed keys, the running client's own
//! pending invalidations. Nothing here imports anything above the data, so the state and the
//! client can hold these without importing the code that works on them.

use std::collections::{BTreeMap, BTreeSet, HashMap};

use bytes::Bytes;

/// A client's tracking mode (`CLIENT TRACKING ON ...`).
#[derive(Debug, Default, Clone)]
pub struct ClientTracking {
    /// Client id the messages go to (0: this client, in RESP3).
    pub redirect: u64,
    pub bcast: bool,
    pub optin: bool,
    pub optout: bool,
    pub noloop: bool,
    /// CLIENT CACHING was given for the next command.
    pub caching: bool,
    /// The redirect client is gone.
    pub broken_redir: bool,
    pub prefixes: BTreeSet<Vec<u8>>,
}

#[derive(Debug, Default)]
pub(super) struct Bcast {
    /// Keys changed under the prefix since the last broadcast, with who changed them (NOLOOP).
    pub(super) keys: BTreeMap<Vec<u8>, Option<u64>>,
    pub(super) clients: BTreeSet<u64>,
}

/// What is about to be sent to the running client once its reply is out.
#[derive(Debug)]
pub(super) enum Pending {
    Key(Bytes),
    Flush,
}

/// The tracking part of `State`.
#[derive(Debug, Default)]
pub struct Tracking {
    pub(super) table: HashMap<Bytes, Vec<u64>>,
    pub(super) items: usize,
    pub(super) prefixes: BTreeMap<Vec<u8>, Bcast>,
    /// Clients with tracking on (INFO `tracking_clients`).
    pub clients: usize,
    pub(super) pending: Vec<Pending>,
    /// Rounds in a row the table stayed over `tracking-table-max-keys`.
    pub(super) over_limit_rounds: u32,
    /// While a script runs: its caller, who reads and writes through it (Redis's current client).
    pub(super) script_caller: Option<ScriptCaller>,
}

#[derive(Debug, Clone, Copy)]
pub(super) struct ScriptCaller {
    pub(super) id: u64,
    /// Its reads are remembered (default mode, CACHING rules met).
    pub(super) remembers: bool,
    pub(super) noloop: bool,
}

impl Tracking {
    /// Nobody tracks and nothing is tracked: the hooks on the request path stop here.
    #[inline]
    pub fn is_idle(&self) -> bool {
        self.clients == 0 && self.table.is_empty()
    }

    pub fn total_keys(&self) -> usize {
        self.table.len()
    }

    pub fn total_items(&self) -> usize {
        self.items
    }

    pub fn total_prefixes(&self) -> usize {
        self.prefixes.len()
    }
}
