//! What ACL rules are written against: every command and subcommand Redis 7.0 (or redis-sentinel)
//! knows, with its ACL categories, whether or not we serve it, so an ACL file written for Redis
//! (`-cluster`, `+readonly`) loads here too. Each gets an id, the bit it has in a selector's
//! command bitmap.
//!
//! The catalog is built from the same captured COMMAND INFO as the command table; the table,
//! which sits above this module, hands in the builder ([`set_source`]) so nothing here imports it.

use std::collections::HashMap;
use std::sync::OnceLock;

/// ACL CAT's categories, in Redis's order (the order `ACL CAT` lists them and the describe
/// algorithm tries them). A command's categories are a bitmask over this array.
pub const CATEGORIES: [&str; 21] = [
    "keyspace",
    "read",
    "write",
    "set",
    "sortedset",
    "list",
    "hash",
    "string",
    "bitmap",
    "hyperloglog",
    "geo",
    "stream",
    "pubsub",
    "admin",
    "fast",
    "slow",
    "blocking",
    "dangerous",
    "connection",
    "transaction",
    "scripting",
];

/// The bit of a category name (any case), or None.
pub fn category_bit(name: &[u8]) -> Option<u32> {
    CATEGORIES.iter().position(|c| c.as_bytes().eq_ignore_ascii_case(name)).map(|i| 1 << i)
}

/// One command or subcommand.
#[derive(Debug, Clone)]
pub struct Entry {
    /// Lowercase full name ("get", "config|get").
    pub name: String,
    /// Categories, a bitmask over [`CATEGORIES`].
    pub categories: u32,
    pub parent: Option<usize>,
    pub subcommands: Vec<usize>,
    /// Runs without authentication (AUTH, HELLO, ...): never refused by the command rules.
    pub no_auth: bool,
}

#[derive(Debug, Default)]
pub struct Catalog {
    pub entries: Vec<Entry>,
    /// Top-level commands in the order rules are described (by name).
    pub top: Vec<usize>,
    by_name: HashMap<String, usize>,
}

impl Catalog {
    /// Adds a command (or, with `parent`, a subcommand) and returns its id.
    pub fn add(&mut self, name: &str, categories: u32, no_auth: bool, parent: Option<usize>) -> usize {
        let id = self.entries.len();
        let name = name.to_ascii_lowercase();
        self.by_name.insert(name.clone(), id);
        self.entries.push(Entry { name, categories, parent, subcommands: Vec::new(), no_auth });
        match parent {
            Some(p) => self.entries[p].subcommands.push(id),
            None => self.top.push(id),
        }
        id
    }

    /// Sorts the description order: top-level commands and each one's subcommands by name.
    pub fn finish(&mut self) {
        let entries = &self.entries;
        self.top.sort_by(|a, b| entries[*a].name.cmp(&entries[*b].name));
        let mut subs: Vec<Vec<usize>> = self.entries.iter().map(|e| e.subcommands.clone()).collect();
        for s in &mut subs {
            s.sort_by(|a, b| entries[*a].name.cmp(&entries[*b].name));
        }
        for (e, s) in self.entries.iter_mut().zip(subs) {
            e.subcommands = s;
        }
    }

    /// Redis's `ACLLookupCommand` (`lookupCommandBySdsLogic`, strict): "name" or
    /// "container|sub", any case; a subcommand form of a command without subcommands is unknown.
    pub fn lookup(&self, name: &[u8]) -> Option<usize> {
        let name = std::str::from_utf8(name).ok()?.to_ascii_lowercase();
        let mut parts = name.split('|');
        let base = parts.next()?;
        let sub = parts.next();
        if parts.next().is_some() {
            return None;
        }
        let id = *self.by_name.get(base)?;
        if self.entries[id].parent.is_some() {
            return None;
        }
        match sub {
            None => Some(id),
            Some(s) => {
                let e = &self.entries[id];
                e.subcommands.iter().copied().find(|&i| self.entries[i].name.split('|').nth(1) == Some(s))
            }
        }
    }

    /// The id of a full name as the command table spells it.
    pub fn id_of(&self, full_name: &str) -> Option<usize> {
        self.by_name.get(full_name).copied()
    }

    pub fn len(&self) -> usize {
        self.entries.len()
    }

    pub fn is_empty(&self) -> bool {
        self.entries.is_empty()
    }
}

static SOURCE: OnceLock<fn() -> Catalog> = OnceLock::new();
static CATALOG: OnceLock<Catalog> = OnceLock::new();

/// Hands in the builder of the catalog (the command table's); called at start-up before any ACL
/// rule is applied.
pub fn set_source(f: fn() -> Catalog) {
    let _ = SOURCE.set(f);
}

/// The catalog, built on first use.
pub fn get() -> &'static Catalog {
    CATALOG.get_or_init(|| match SOURCE.get() {
        Some(f) => f(),
        None => Catalog::default(),
    })
}
