//! The command table: our handlers joined with Redis 7.0's own command metadata.
//!
//! Arity, flags, key positions and the COMMAND INFO / DOCS replies come from `redis-7.0-commands.resp3`,
//! captured from a real redis-server 7.0 by `tools/gen-command-table.py`; this keeps arity checks and
//! COMMAND output exactly Redis's. Only commands we implement are listed.
//!
//! A sentinel process uses redis-sentinel 7.0's own capture instead ([`set_sentinel_mode`]): its 15
//! commands, with the read-only ACL subcommands (the data server's handlers) and the sentinel
//! versions of INFO, ROLE and PUBLISH and the SENTINEL subcommands, whose handlers `sentinel_mode`
//! hands in (this layer never imports it: it sits above); everything else is an unknown command
//! there, as in Redis.

use hashbrown::HashMap;
use std::hash::{Hash, Hasher};
use std::sync::OnceLock;

use bytes::Bytes;

use super::ctx::Handler;
use super::handler::with_lower;
use crate::resp::frame::Frame;

const CAPTURED: &[u8] = include_bytes!("redis-7.0-commands.resp3");
/// The same capture from a real redis-sentinel 7.0 (`tools/gen-command-table.py <port> sentinel`):
/// the only commands a sentinel serves, with the SENTINEL subcommands and their arities.
const CAPTURED_SENTINEL: &[u8] = include_bytes!("redis-7.0-sentinel-commands.resp3");

/// Which capture the table is built from. The one question "is this process a sentinel" is
/// `Config::is_sentinel`; this switch only picks the table, once, before it is built.
static SENTINEL_MODE: OnceLock<Vec<(&'static str, Handler)>> = OnceLock::new();

/// The data server's handlers, handed in by [`install`] (the dispatcher above, which knows every
/// command family; this table sits below them and imports none).
static HANDLERS: OnceLock<Vec<(&'static str, Handler)>> = OnceLock::new();

/// Hands the table its handlers; `crate::cmd::install` calls it once at start-up, before the
/// table is first used.
pub fn install(handlers: Vec<(&'static str, Handler)>) {
    let _ = HANDLERS.set(handlers);
}

/// Whether a handler is installed for the top-level command `name` (any case): the catalog
/// `rename-command` lines are checked against, before the table exists.
pub fn handler_known(name: &[u8]) -> bool {
    let Ok(name) = std::str::from_utf8(name) else { return false };
    let name = name.to_ascii_lowercase();
    HANDLERS.get().is_some_and(|h| h.iter().any(|(n, _)| *n == name || n.strip_prefix(name.as_str()).is_some_and(|rest| rest.starts_with('|'))))
}

/// The configuration's `rename-command` pairs, applied when the table is built.
static RENAMES: OnceLock<Vec<(Vec<u8>, Vec<u8>)>> = OnceLock::new();

/// Hands the table the `rename-command` pairs (already checked by the configuration loader); must
/// be called before the table is first used.
pub fn set_renames(renames: Vec<(Vec<u8>, Vec<u8>)>) {
    let _ = RENAMES.set(renames);
}

/// Makes the table redis-sentinel's: its commands, with `handlers` (the sentinel's INFO, ROLE,
/// PUBLISH and SENTINEL subcommands) over the data server's (ACL, CLIENT, HELLO ... as in Redis).
/// Must be called before the table is first used; the process stays a sentinel.
pub fn set_sentinel_mode(handlers: Vec<(&'static str, Handler)>) {
    let _ = SENTINEL_MODE.set(handlers);
}

pub mod flags {
    pub const WRITE: u32 = 1 << 0;
    pub const READONLY: u32 = 1 << 1;
    pub const DENYOOM: u32 = 1 << 2;
    pub const ADMIN: u32 = 1 << 3;
    pub const PUBSUB: u32 = 1 << 4;
    pub const NOSCRIPT: u32 = 1 << 5;
    pub const BLOCKING: u32 = 1 << 6;
    pub const LOADING: u32 = 1 << 7;
    pub const STALE: u32 = 1 << 8;
    pub const SKIP_MONITOR: u32 = 1 << 9;
    pub const SKIP_SLOWLOG: u32 = 1 << 10;
    pub const FAST: u32 = 1 << 11;
    pub const NO_AUTH: u32 = 1 << 12;
    pub const MAY_REPLICATE: u32 = 1 << 13;
    pub const NO_MULTI: u32 = 1 << 14;
    pub const MOVABLEKEYS: u32 = 1 << 15;
    pub const ALLOW_BUSY: u32 = 1 << 16;

    pub fn from_name(n: &str) -> u32 {
        match n {
            "write" => WRITE,
            "readonly" => READONLY,
            "denyoom" => DENYOOM,
            "admin" => ADMIN,
            "pubsub" => PUBSUB,
            "noscript" => NOSCRIPT,
            "blocking" => BLOCKING,
            "loading" => LOADING,
            "stale" => STALE,
            "skip_monitor" => SKIP_MONITOR,
            "skip_slowlog" => SKIP_SLOWLOG,
            "fast" => FAST,
            "no_auth" => NO_AUTH,
            "may_replicate" => MAY_REPLICATE,
            "no_multi" => NO_MULTI,
            "movablekeys" => MOVABLEKEYS,
            "allow_busy" => ALLOW_BUSY,
            _ => 0,
        }
    }
}

/// One command or subcommand.
pub struct CommandDef {
    /// Lowercase full name: "get", "config|get".
    pub name: String,
    /// Dense index of this command or subcommand (for per-command statistics).
    pub id: usize,
    /// Its id in the ACL catalog (the bit ACL rules set for it).
    pub acl_id: usize,
    pub arity: i64,
    pub flags: u32,
    pub first_key: i64,
    pub last_key: i64,
    pub step: i64,
    pub handler: Option<Handler>,
    /// By lowercase name (bytes, as clients send them).
    pub subcommands: HashMap<Name, CommandDef>,
    /// COMMAND INFO entry (subcommands filtered to implemented ones).
    pub info: Frame,
    /// COMMAND DOCS value (the map after the name).
    pub docs: Option<Frame>,
}

impl CommandDef {
    /// The subcommand a client's (lowercased) name runs.
    pub fn subcommand(&self, name: &[u8]) -> Option<&CommandDef> {
        self.subcommands.get(&Key(name))
    }

    pub fn has(&self, f: u32) -> bool {
        self.flags & f != 0
    }

    /// Does `argc` satisfy the arity (negative = at least)?
    pub fn arity_ok(&self, argc: usize) -> bool {
        let argc = argc as i64;
        if self.arity >= 0 {
            argc == self.arity
        } else {
            argc >= -self.arity
        }
    }

    /// Key argument positions for `argv` from (first, last, step), as COMMAND GETKEYS uses.
    pub fn key_positions(&self, argc: usize) -> Vec<usize> {
        if self.first_key <= 0 {
            return Vec::new();
        }
        let last = if self.last_key < 0 { argc as i64 + self.last_key } else { self.last_key };
        let mut out = Vec::new();
        let mut i = self.first_key;
        while i <= last && (i as usize) < argc {
            out.push(i as usize);
            i += self.step.max(1);
        }
        out
    }
}

/// A command's name as the table keys it: lowercase bytes as clients send them, hashed with one
/// `write`. A lookup runs for every request: `str` keys would cost a UTF-8 check of the name first,
/// and `[u8]`'s own `Hash` a length prefix.
#[derive(Clone, PartialEq, Eq)]
pub struct Name(Box<[u8]>);

impl Name {
    fn new(name: &[u8]) -> Name {
        Name(name.into())
    }
}

impl Hash for Name {
    fn hash<H: Hasher>(&self, state: &mut H) {
        state.write(&self.0);
    }
}

/// A name being looked up (already lowercase), hashed as [`Name`] is.
struct Key<'a>(&'a [u8]);

impl Hash for Key<'_> {
    fn hash<H: Hasher>(&self, state: &mut H) {
        state.write(self.0);
    }
}

impl hashbrown::Equivalent<Name> for Key<'_> {
    fn equivalent(&self, key: &Name) -> bool {
        *self.0 == *key.0
    }
}

pub struct CommandTable {
    /// By lowercase name (bytes, as clients send them).
    pub commands: HashMap<Name, CommandDef>,
    /// Full names by `CommandDef::id`.
    pub names: Vec<&'static str>,
    /// `rename-command`: the name a client types → the command it runs (None: removed). Only what
    /// clients send goes through it; the server's own references (ids, propagation) keep the
    /// original names, and so do COMMAND's replies, as in Redis.
    renamed: HashMap<Name, Option<Name>>,
}

impl CommandTable {
    pub fn get(&self, name: &str) -> Option<&CommandDef> {
        self.commands.get(&Key(name.as_bytes()))
    }

    /// The command a client's (lowercased) name runs, after `rename-command`.
    pub fn resolve(&self, name: &[u8]) -> Option<&CommandDef> {
        if self.renamed.is_empty() {
            return self.commands.get(&Key(name));
        }
        match self.renamed.get(&Key(name)) {
            Some(Some(original)) => self.commands.get(original),
            Some(None) => None,
            None => self.commands.get(&Key(name)),
        }
    }

    /// Commands sorted by name (stable order for COMMAND / COMMAND LIST).
    pub fn sorted(&self) -> Vec<&CommandDef> {
        let mut v: Vec<_> = self.commands.values().collect();
        v.sort_by(|a, b| a.name.cmp(&b.name));
        v
    }
}

static TABLE: OnceLock<CommandTable> = OnceLock::new();
static NAMES: OnceLock<Vec<&'static str>> = OnceLock::new();

/// The command table, built on first use.
pub fn table() -> &'static CommandTable {
    TABLE.get_or_init(build)
}

/// Full command names indexed by id.
pub fn names() -> &'static [&'static str] {
    NAMES.get_or_init(|| {
        let t = table();
        let mut v = vec![""; t.names.len()];
        for def in t.commands.values() {
            v[def.id] = def.name.as_str();
            for sub in def.subcommands.values() {
                v[sub.id] = sub.name.as_str();
            }
        }
        v
    })
}

/// The id of a command by full name ("get", "config|get").
pub fn id_of(name: &str) -> Option<usize> {
    let mut parts = name.splitn(2, '|');
    let top = table().get(parts.next()?)?;
    match parts.next() {
        None => Some(top.id),
        Some(sub) => top.subcommand(sub.as_bytes()).map(|d| d.id),
    }
}

/// Resolves argv to a command definition, descending into subcommands.
pub enum Lookup<'t> {
    Found(&'t CommandDef),
    Unknown,
    UnknownSub(&'t CommandDef),
}

/// Like Redis's `lookupCommand`: a container command with arguments always resolves to one of its
/// subcommands (COMMAND FOO is an unknown subcommand, not COMMAND).
pub fn lookup(argv: &[Bytes]) -> Lookup<'static> {
    let t = table();
    let Some(def) = with_lower(&argv[0], |name| t.resolve(name)) else { return Lookup::Unknown };
    if def.subcommands.is_empty() || argv.len() < 2 {
        return Lookup::Found(def);
    }
    match with_lower(&argv[1], |sub| def.subcommand(sub)) {
        Some(sub) => Lookup::Found(sub),
        None => Lookup::UnknownSub(def),
    }
}

fn build() -> CommandTable {
    let installed = HANDLERS.get().expect("crate::cmd::install() runs before the command table is used");
    let mut handlers: HashMap<&'static str, Handler> = installed.iter().copied().collect();
    let sentinel = SENTINEL_MODE.get();
    if let Some(own) = sentinel {
        handlers.extend(own.iter().copied());
    }
    let sentinel = sentinel.is_some();
    let (info, docs) = parse_captured(if sentinel { CAPTURED_SENTINEL } else { CAPTURED });
    let mut docs_by_name: HashMap<String, Frame> = HashMap::new();
    if let Frame::Map(pairs) = docs {
        for (k, v) in pairs {
            if let Some(n) = k.as_str() {
                docs_by_name.insert(n.to_ascii_lowercase(), v);
            }
        }
    }
    let mut commands = HashMap::new();
    let mut next_id = 0;
    for entry in info.items().unwrap_or(&[]) {
        if let Some(def) = def_from_info(entry, &handlers, &docs_by_name, &mut next_id) {
            commands.insert(Name::new(def.name.as_bytes()), def);
        }
    }
    CommandTable { commands, names: vec![""; next_id], renamed: renames() }
}

/// The typed-name map of the configured renames, applied in order (a later line sees the earlier).
fn renames() -> HashMap<Name, Option<Name>> {
    let mut map: HashMap<Name, Option<Name>> = HashMap::new();
    for (from, to) in RENAMES.get().map(Vec::as_slice).unwrap_or(&[]) {
        let from = Name::new(&from.to_ascii_lowercase());
        let original = match map.get(&from) {
            Some(Some(o)) => o.clone(),
            _ => from.clone(),
        };
        map.insert(from, None);
        if !to.is_empty() {
            map.insert(Name::new(&to.to_ascii_lowercase()), Some(original));
        }
    }
    map
}

/// The ACL catalog: every command of the capture this process uses (served or not, as ACL
/// rules name Redis's commands), with its categories. Handed to `acl::catalog` by `install`.
pub fn acl_catalog() -> crate::acl::catalog::Catalog {
    let (info, _) = parse_captured(if SENTINEL_MODE.get().is_some() { CAPTURED_SENTINEL } else { CAPTURED });
    let mut cat = crate::acl::catalog::Catalog::default();
    for entry in info.items().unwrap_or(&[]) {
        add_to_catalog(&mut cat, entry, None);
    }
    cat.finish();
    cat
}

fn add_to_catalog(cat: &mut crate::acl::catalog::Catalog, entry: &Frame, parent: Option<usize>) {
    let Some(items) = entry.items() else { return };
    let Some(name) = items.first().and_then(|n| n.as_str()) else { return };
    let words = |i: usize| items.get(i).and_then(|f| f.items()).unwrap_or(&[]).iter().filter_map(|f| f.as_str()).collect::<Vec<_>>();
    let categories = words(6).iter().filter_map(|c| crate::acl::catalog::category_bit(c.trim_start_matches('@').as_bytes())).fold(0, |a, b| a | b);
    let no_auth = words(2).contains(&"no_auth");
    let id = cat.add(name, categories, no_auth, parent);
    for sub in items.get(9).and_then(|s| s.items()).unwrap_or(&[]) {
        add_to_catalog(cat, sub, Some(id));
    }
}

fn parse_captured(captured: &[u8]) -> (Frame, Frame) {
    let parsed = Frame::parse(captured).and_then(|(info, used)| Frame::parse(&captured[used..]).map(|(docs, _)| (info, docs)));
    match parsed {
        Ok(pair) => pair,
        Err(e) => panic!("the embedded command table is corrupt ({e:?}); regenerate it with tools/gen-command-table.py"),
    }
}

fn def_from_info(entry: &Frame, handlers: &HashMap<&'static str, Handler>, docs: &HashMap<String, Frame>, next_id: &mut usize) -> Option<CommandDef> {
    let items = entry.items()?;
    let name = items.first()?.as_str()?.to_ascii_lowercase();
    let arity = items.get(1)?.as_int()?;
    let flags = items.get(2)?.items().unwrap_or(&[]).iter().filter_map(|f| f.as_str()).map(flags::from_name).fold(0, |a, b| a | b);
    let first_key = items.get(3)?.as_int()?;
    let last_key = items.get(4)?.as_int()?;
    let step = items.get(5)?.as_int()?;
    let mut subcommands: HashMap<Name, CommandDef> = HashMap::new();
    let mut info_items = items.to_vec();
    if let Some(subs) = items.get(9).and_then(|s| s.items()) {
        let mut kept = Vec::new();
        for sub in subs {
            if let Some(d) = def_from_info(sub, handlers, docs, next_id) {
                kept.push(sub.clone());
                let short = d.name.split('|').nth(1).unwrap_or("").to_string();
                subcommands.insert(Name::new(short.as_bytes()), d);
            }
        }
        // Keep the frame kind (a set in RESP3, like every list in COMMAND INFO).
        info_items[9] = match &items[9] {
            Frame::Set(_) => Frame::Set(kept),
            _ => Frame::Array(kept),
        };
    }
    let handler = handlers.get(name.as_str()).copied();
    if handler.is_none() && subcommands.is_empty() {
        return None;
    }
    let mut doc = docs.get(&name).cloned();
    if let (Some(Frame::Map(pairs)), false) = (&mut doc, subcommands.is_empty()) {
        // Keep only the documented subcommands we implement.
        for (k, v) in pairs.iter_mut() {
            if k.as_str() == Some("subcommands") {
                if let Frame::Map(subdocs) = v {
                    subdocs.retain(|(sk, _)| {
                        sk.as_str()
                            .map(|s| s.to_ascii_lowercase())
                            .is_some_and(|s| subcommands.contains_key(&Key(s.split('|').nth(1).unwrap_or("").as_bytes())))
                    });
                }
            }
        }
    }
    let id = *next_id;
    *next_id += 1;
    let acl_id = crate::acl::catalog::get().id_of(&name).unwrap_or(usize::MAX);
    Some(CommandDef { name, id, acl_id, arity, flags, first_key, last_key, step, handler, subcommands, info: Frame::Array(info_items), docs: doc })
}
