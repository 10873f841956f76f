//! Generic key commands: DEL, EXISTS, TYPE, expiry, RENAME, KEYS, SCAN, FLUSH*, MOVE, COPY,
//! SWAPDB, OBJECT …

use bytes::Bytes;

use super::args;
use super::ctx::{Ctx, Handler};
use super::handler::{CmdError, CmdResult, NO_SUCH_KEY, SYNTAX};
use crate::db::{Entry, Value};
use crate::keyspace::{touch_all_watched, touch_watched};
use crate::notify;
use crate::util::glob_match;

pub const COMMANDS: &[(&str, Handler)] = &[
    ("del", del),
    ("unlink", del),
    ("exists", exists),
    ("type", type_cmd),
    ("expire", expire),
    ("pexpire", expire),
    ("expireat", expire),
    ("pexpireat", expire),
    ("ttl", ttl),
    ("pttl", ttl),
    ("expiretime", ttl),
    ("pexpiretime", ttl),
    ("persist", persist),
    ("rename", rename),
    ("renamenx", rename),
    ("keys", keys),
    ("scan", scan),
    ("randomkey", randomkey),
    ("dbsize", dbsize),
    ("flushdb", flushdb),
    ("flushall", flushall),
    ("move", move_cmd),
    ("copy", copy),
    ("touch", touch),
    ("swapdb", swapdb),
    ("object|encoding", object),
    ("object|refcount", object),
    ("object|idletime", object),
    ("object|freq", object),
    ("object|help", object_help),
];

/// DEL and UNLINK: UNLINK always frees large values in the background, DEL when
/// `lazyfree-lazy-user-del` says so.
fn del(ctx: &mut Ctx, argv: &[Bytes]) -> CmdResult {
    let lazy = args::is(&argv[0], "unlink") || ctx.st.config.get_bool("lazyfree-lazy-user-del").unwrap_or(false);
    let mut n = 0;
    for key in &argv[1..] {
        if ctx.delete_freeing(key, lazy) {
            ctx.modified(key);
            ctx.notify(notify::GENERIC, "del", key);
            ctx.dirty(1);
            n += 1;
        }
    }
    ctx.out.int(n);
    Ok(())
}

fn exists(ctx: &mut Ctx, argv: &[Bytes]) -> CmdResult {
    let mut n = 0;
    for key in &argv[1..] {
        if ctx.lookup_read_notouch(key).is_some() {
            n += 1;
        }
    }
    ctx.out.int(n);
    Ok(())
}

fn type_cmd(ctx: &mut Ctx, argv: &[Bytes]) -> CmdResult {
    let t = ctx.lookup_read_notouch(&argv[1]).map(|e| e.value.type_name()).unwrap_or("none");
    ctx.out.simple(t);
    Ok(())
}

fn expire(ctx: &mut Ctx, argv: &[Bytes]) -> CmdResult {
    let name = super::handler::lower(&argv[0]);
    let (unit_ms, absolute) = match name.as_str() {
        "expire" => (1000, false),
        "pexpire" => (1, false),
        "expireat" => (1000, true),
        _ => (1, true),
    };
    let (mut nx, mut xx, mut gt, mut lt) = (false, false, false, false);
    for opt in &argv[3..] {
        if args::is(opt, "nx") {
            nx = true;
        } else if args::is(opt, "xx") {
            xx = true;
        } else if args::is(opt, "gt") {
            gt = true;
        } else if args::is(opt, "lt") {
            lt = true;
        } else {
            return Err(format!("ERR Unsupported option {}", String::from_utf8_lossy(opt)).into());
        }
    }
    if nx && (xx || gt || lt) {
        return Err("ERR NX and XX, GT or LT options at the same time are not compatible".into());
    }
    if gt && lt {
        return Err("ERR GT and LT options at the same time are not compatible".into());
    }
    let n = args::int(&argv[2])?;
    let invalid = || -> CmdError { format!("ERR invalid expire time in '{name}' command").into() };
    let mut when = n.checked_mul(unit_ms).ok_or_else(invalid)?;
    if !absolute {
        when = when.checked_add(ctx.now).ok_or_else(invalid)?;
    }
    let key = &argv[1];
    let Some(e) = ctx.lookup_write(key) else {
        ctx.out.int(0);
        return Ok(());
    };
    let current = e.expire_at;
    // A key without a TTL counts as an infinite TTL for GT/LT.
    let skip = (nx && current != 0) || (xx && current == 0) || (gt && (current == 0 || when <= current)) || (lt && current != 0 && when >= current);
    if skip {
        ctx.out.int(0);
        return Ok(());
    }
    let wanted = ctx.propagation_wanted();
    if ctx.already_expired(when) {
        ctx.delete(key);
        ctx.modified(key);
        ctx.notify(notify::GENERIC, "del", key);
        // The key is gone: propagate its deletion (UNLINK when expiry is lazy).
        if wanted {
            let lazy = ctx.st.config.get_bool("lazyfree-lazy-expire").unwrap_or(false);
            ctx.propagate_as(vec![crate::propagate::deletion_cmd(lazy), key.clone()]);
        }
    } else {
        let db = ctx.me.db;
        ctx.st.dbs[db].set_expire(key, when);
        ctx.modified(key);
        ctx.notify(notify::GENERIC, "expire", key);
        // Relative or second-based forms go out as PEXPIREAT with the absolute deadline in ms (the
        // NX/XX/GT/LT options kept as sent); PEXPIREAT itself goes out verbatim.
        if wanted && !(absolute && unit_ms == 1) {
            let mut v = argv.to_vec();
            v[0] = Bytes::from_static(b"PEXPIREAT");
            v[2] = Bytes::from(when.to_string());
            ctx.propagate_as(v);
        }
    }
    ctx.dirty(1);
    ctx.out.int(1);
    Ok(())
}

fn ttl(ctx: &mut Ctx, argv: &[Bytes]) -> CmdResult {
    let name = super::handler::lower(&argv[0]);
    let now = ctx.now;
    let Some(e) = ctx.lookup_read_notouch(&argv[1]) else {
        ctx.out.int(-2);
        return Ok(());
    };
    if e.expire_at == 0 {
        ctx.out.int(-1);
        return Ok(());
    }
    let (ms, abs) = match name.as_str() {
        "ttl" => (false, false),
        "pttl" => (true, false),
        "expiretime" => (false, true),
        _ => (true, true),
    };
    let v = if abs { e.expire_at } else { (e.expire_at - now).max(0) };
    ctx.out.int(if ms { v } else { (v + 500) / 1000 });
    Ok(())
}

fn persist(ctx: &mut Ctx, argv: &[Bytes]) -> CmdResult {
    let key = &argv[1];
    let has = ctx.lookup_write(key).map(|e| e.expire_at != 0);
    if has == Some(true) {
        let db = ctx.me.db;
        ctx.st.dbs[db].set_expire(key, 0);
        ctx.modified(key);
        ctx.notify(notify::GENERIC, "persist", key);
        ctx.dirty(1);
        ctx.out.int(1);
    } else {
        ctx.out.int(0);
    }
    Ok(())
}

fn rename(ctx: &mut Ctx, argv: &[Bytes]) -> CmdResult {
    let nx = argv[0].eq_ignore_ascii_case(b"renamenx");
    let (src, dst) = (&argv[1], &argv[2]);
    if ctx.lookup_write(src).is_none() {
        return Err(NO_SUCH_KEY.into());
    }
    if src == dst {
        if nx {
            ctx.out.int(0);
        } else {
            ctx.out.ok();
        }
        return Ok(());
    }
    if nx && ctx.lookup_write(dst).is_some() {
        ctx.out.int(0);
        return Ok(());
    }
    let db = ctx.me.db;
    let Some(entry) = ctx.st.dbs[db].remove(src) else { return Err(NO_SUCH_KEY.into()) };
    ctx.delete(dst);
    ctx.st.dbs[db].insert(entry.renamed(dst));
    // Redis re-adds the value under the new name (`dbAdd`): a `new` event even over an old key.
    ctx.notify_new(dst);
    ctx.modified(src);
    ctx.modified(dst);
    ctx.notify(notify::GENERIC, "rename_from", src);
    ctx.notify(notify::GENERIC, "rename_to", dst);
    ctx.signal_ready(dst);
    ctx.dirty(1);
    if nx {
        ctx.out.int(1);
    } else {
        ctx.out.ok();
    }
    Ok(())
}

fn keys(ctx: &mut Ctx, argv: &[Bytes]) -> CmdResult {
    let pattern = &argv[1];
    let all = &pattern[..] == b"*";
    let now = ctx.now;
    let found: Vec<Vec<u8>> =
        ctx.db().iter().filter(|e| !e.is_expired(now) && (all || glob_match(pattern, e.key(), false))).map(|e| e.key().to_vec()).collect();
    ctx.out.array(found.len());
    for k in &found {
        ctx.out.bulk(k);
    }
    Ok(())
}

/// Parses a SCAN cursor the way Redis does (`strtoul`, base 10): an optional sign then digits, where
/// `-n` wraps around and the empty string is 0; leading spaces, trailing junk and overflow are errors.
pub fn parse_cursor(arg: &[u8]) -> Result<u64, CmdError> {
    let invalid = || CmdError::from("ERR invalid cursor");
    if arg.first().is_some_and(|c| c.is_ascii_whitespace()) {
        return Err(invalid());
    }
    if arg.is_empty() {
        return Ok(0);
    }
    let (neg, digits) = match arg[0] {
        b'-' => (true, &arg[1..]),
        b'+' => (false, &arg[1..]),
        _ => (false, arg),
    };
    if digits.is_empty() || !digits.iter().all(u8::is_ascii_digit) {
        return Err(invalid());
    }
    let mut v: u64 = 0;
    for &c in digits {
        v = v.checked_mul(10).and_then(|v| v.checked_add(u64::from(c - b'0'))).ok_or_else(invalid)?;
    }
    Ok(if neg { v.wrapping_neg() } else { v })
}

/// MATCH / COUNT (/ TYPE when allowed) options shared by the SCAN family.
pub struct ScanOpts {
    pub pattern: Option<Bytes>,
    pub count: usize,
    pub type_filter: Option<String>,
}

pub fn parse_scan_opts(argv: &[Bytes], allow_type: bool) -> Result<ScanOpts, CmdError> {
    let mut o = ScanOpts { pattern: None, count: 10, type_filter: None };
    let mut i = 0;
    while i < argv.len() {
        let has_arg = i + 1 < argv.len();
        if args::is(&argv[i], "count") && has_arg {
            let n = args::int(&argv[i + 1])?;
            if n < 1 {
                return Err(SYNTAX.into());
            }
            o.count = n as usize;
        } else if args::is(&argv[i], "match") && has_arg {
            o.pattern = Some(argv[i + 1].clone());
        } else if allow_type && args::is(&argv[i], "type") && has_arg {
            o.type_filter = Some(super::handler::lower(&argv[i + 1]));
        } else {
            return Err(SYNTAX.into());
        }
        i += 2;
    }
    Ok(o)
}

fn scan(ctx: &mut Ctx, argv: &[Bytes]) -> CmdResult {
    let cursor = parse_cursor(&argv[1])?;
    let opts = parse_scan_opts(&argv[2..], true)?;
    let now = ctx.now;
    let mut found = Vec::new();
    let next = ctx.db().scan(cursor, opts.count, |e| {
        if e.is_expired(now) {
            return;
        }
        if let Some(p) = &opts.pattern {
            if !glob_match(p, e.key(), false) {
                return;
            }
        }
        if let Some(t) = &opts.type_filter {
            if e.value.type_name() != t {
                return;
            }
        }
        found.push(e.key().to_vec());
    });
    ctx.out.array(2);
    ctx.out.bulk(next.to_string().as_bytes());
    ctx.out.array(found.len());
    for k in &found {
        ctx.out.bulk(k);
    }
    Ok(())
}

fn randomkey(ctx: &mut Ctx, _argv: &[Bytes]) -> CmdResult {
    let now = ctx.now;
    let db = ctx.me.db;
    let st = &mut *ctx.st;
    let key = st.dbs[db].random_key(now, &mut st.rng);
    match key {
        Some(k) => ctx.out.bulk(&k),
        None => ctx.out.null(),
    }
    Ok(())
}

fn dbsize(ctx: &mut Ctx, _argv: &[Bytes]) -> CmdResult {
    let n = ctx.db().len();
    ctx.out.int(n as i64);
    Ok(())
}

/// FLUSHALL / FLUSHDB [ASYNC|SYNC]: whether the data goes to the background thread; without an
/// argument `lazyfree-lazy-user-flush` decides.
fn flush_mode(ctx: &Ctx, argv: &[Bytes]) -> Result<bool, CmdError> {
    match argv.get(1) {
        None => Ok(ctx.st.config.get_bool("lazyfree-lazy-user-flush").unwrap_or(false)),
        Some(a) if argv.len() == 2 && args::is(a, "async") => Ok(true),
        Some(a) if argv.len() == 2 && args::is(a, "sync") => Ok(false),
        Some(_) => Err(SYNTAX.into()),
    }
}

/// Empties database `db`, its data freed in the background when `lazy` (Redis's `emptyDbAsync`).
fn empty_db(ctx: &mut Ctx, db: usize, lazy: bool) {
    if lazy {
        let mut old = std::mem::take(&mut ctx.st.dbs[db]);
        // Keys this command already found expired still get their events.
        ctx.st.dbs[db].expired_log = std::mem::take(&mut old.expired_log);
        crate::lazyfree::free_databases(vec![old]);
    } else {
        ctx.st.dbs[db].clear();
    }
}

fn flushdb(ctx: &mut Ctx, argv: &[Bytes]) -> CmdResult {
    let lazy = flush_mode(ctx, argv)?;
    let db = ctx.me.db;
    let n = ctx.st.dbs[db].len() as u64;
    touch_all_watched(ctx.st, Some(&mut *ctx.me), Some(db));
    empty_db(ctx, db, lazy);
    ctx.dirty(n);
    // Like Redis (forceCommandPropagation to the AOF and replicas), FLUSHDB propagates even when
    // the database was already empty.
    if n == 0 && ctx.propagation_wanted() {
        ctx.also_propagate(argv.to_vec());
        ctx.prevent_propagation();
    }
    ctx.out.ok();
    Ok(())
}

fn flushall(ctx: &mut Ctx, argv: &[Bytes]) -> CmdResult {
    let lazy = flush_mode(ctx, argv)?;
    let n: u64 = ctx.st.dbs.iter().map(|d| d.len() as u64).sum();
    touch_all_watched(ctx.st, Some(&mut *ctx.me), None);
    for db in 0..ctx.st.dbs.len() {
        empty_db(ctx, db, lazy);
    }
    // Like Redis: a running BGSAVE would write the old data, so it stops; with save points set the
    // now empty dataset is saved at once (without resetting the change count, so FLUSHALL still
    // propagates). FLUSHALL counts one more change than the keys removed, so a save point fires.
    if ctx.st.snapshots.rdb_child().is_some() {
        crate::persistence::snapshot::kill_child(ctx.st);
    }
    if !ctx.st.config.save.is_empty() {
        let dirty = ctx.st.dirty;
        let _ = crate::persistence::snapshot::save(ctx.st);
        ctx.st.dirty = dirty;
    }
    ctx.dirty(n + 1);
    ctx.out.ok();
    Ok(())
}

fn db_index(arg: &[u8], ctx: &Ctx) -> Result<usize, CmdError> {
    let n = args::int32(arg)?;
    if n < 0 || n as usize >= ctx.st.dbs.len() {
        return Err("ERR DB index is out of range".into());
    }
    Ok(n as usize)
}

fn move_cmd(ctx: &mut Ctx, argv: &[Bytes]) -> CmdResult {
    let key = &argv[1];
    let target = db_index(&argv[2], ctx)?;
    let src = ctx.me.db;
    if target == src {
        return Err("ERR source and destination objects are the same".into());
    }
    if ctx.lookup_write(key).is_none() {
        ctx.out.int(0);
        return Ok(());
    }
    let now = ctx.now;
    if ctx.st.dbs[target].lookup(key, now).is_some() {
        ctx.out.int(0);
        return Ok(());
    }
    if let Some(e) = ctx.st.dbs[src].remove(key) {
        ctx.st.dbs[target].insert(e);
    }
    notify_new_in(ctx, key, target);
    ctx.modified(key);
    touch_watched(ctx.st, Some(&mut *ctx.me), target, key);
    ctx.notify(notify::GENERIC, "move_from", key);
    crate::keyspace::notify_in_db(ctx.st, Some(&mut *ctx.me), Some(&mut *ctx.out), notify::GENERIC, "move_to", key, target);
    ctx.dirty(1);
    ctx.out.int(1);
    Ok(())
}

/// The `new` keyspace event for a key created in database `db`.
fn notify_new_in(ctx: &mut Ctx, key: &[u8], db: usize) {
    if ctx.st.config.notify_keyspace_events & notify::NEW != 0 {
        crate::keyspace::notify_in_db(ctx.st, Some(&mut *ctx.me), Some(&mut *ctx.out), notify::NEW, "new", key, db);
    }
}

fn copy(ctx: &mut Ctx, argv: &[Bytes]) -> CmdResult {
    let (src, dst) = (&argv[1], &argv[2]);
    let mut target = ctx.me.db;
    let mut replace = false;
    let mut i = 3;
    while i < argv.len() {
        if args::is(&argv[i], "replace") {
            replace = true;
            i += 1;
        } else if args::is(&argv[i], "db") && i + 1 < argv.len() {
            target = db_index(&argv[i + 1], ctx)?;
            i += 2;
        } else {
            return Err(SYNTAX.into());
        }
    }
    if src == dst && target == ctx.me.db {
        return Err("ERR source and destination objects are the same".into());
    }
    let Some(copy) = ctx.lookup_read(src).map(|e| e.duplicate(dst)) else {
        ctx.out.int(0);
        return Ok(());
    };
    let now = ctx.now;
    let exists = ctx.st.dbs[target].lookup(dst, now).is_some();
    if exists && !replace {
        ctx.out.int(0);
        return Ok(());
    }
    ctx.st.dbs[target].insert(copy);
    notify_new_in(ctx, dst, target);
    touch_watched(ctx.st, Some(&mut *ctx.me), target, dst);
    crate::keyspace::notify_in_db(ctx.st, Some(&mut *ctx.me), Some(&mut *ctx.out), notify::GENERIC, "copy_to", dst, target);
    if target == ctx.me.db {
        ctx.signal_ready(dst);
    }
    ctx.dirty(1);
    ctx.out.int(1);
    Ok(())
}

fn touch(ctx: &mut Ctx, argv: &[Bytes]) -> CmdResult {
    let mut n = 0;
    for key in &argv[1..] {
        if ctx.lookup_read_notouch(key).is_some() {
            n += 1;
        }
    }
    ctx.out.int(n);
    Ok(())
}

fn swapdb(ctx: &mut Ctx, argv: &[Bytes]) -> CmdResult {
    let as_int = |a: &[u8]| crate::util::parse_i64(a).filter(|n| i32::try_from(*n).is_ok());
    let a = as_int(&argv[1]).ok_or("ERR invalid first DB index")?;
    let b = as_int(&argv[2]).ok_or("ERR invalid second DB index")?;
    let n = ctx.st.dbs.len() as i64;
    if a < 0 || a >= n || b < 0 || b >= n {
        return Err("ERR DB index is out of range".into());
    }
    let (a, b) = (a as usize, b as usize);
    if a != b {
        // WATCHes on a key that exists in either db are invalidated (checked before the swap).
        crate::keyspace::touch_flushed_db(ctx.st, Some(&mut *ctx.me), a, Some(b));
        crate::keyspace::touch_flushed_db(ctx.st, Some(&mut *ctx.me), b, Some(a));
        ctx.st.dbs.swap(a, b);
        // Clients blocked on keys in either db may now find data.
        let now = ctx.now;
        let ready: Vec<(usize, Bytes)> =
            ctx.st.blocking_keys.keys().filter(|(d, k)| (*d == a || *d == b) && ctx.st.dbs[*d].peek(k, now).is_some()).cloned().collect();
        ctx.st.ready_keys.extend(ready);
    }
    ctx.dirty(1);
    ctx.out.ok();
    Ok(())
}

/// Redis shares the integer objects 0..9999 (OBJ_SHARED_INTEGERS), which report a huge refcount.
const SHARED_INTEGERS: i64 = 10000;

fn object(ctx: &mut Ctx, argv: &[Bytes]) -> CmdResult {
    let sub = super::handler::lower(&argv[1]);
    let lfu = ctx.st.evict.access().lfu;
    // OBJECT does not count as an access (LOOKUP_NOTOUCH).
    let now = ctx.now;
    let db = ctx.me.db;
    let Some(e) = ctx.st.dbs[db].lookup(&argv[2], now) else {
        ctx.out.null();
        return Ok(());
    };
    match sub.as_str() {
        "encoding" => {
            let enc = e.encoding();
            ctx.out.bulk(enc.as_bytes());
        }
        "refcount" => {
            // Small integers are shared objects unless maxmemory is set with an LRU/LFU policy
            // (which needs a private access clock per object).
            let policy = &ctx.st.config.maxmemory_policy;
            let no_sharing = ctx.st.config.maxmemory != 0 && (policy.contains("lru") || policy.contains("lfu"));
            let shared = matches!(e.value, Value::Int(n) if (0..SHARED_INTEGERS).contains(&n)) && !no_sharing;
            ctx.out.int(if shared { i32::MAX as i64 } else { 1 });
        }
        "idletime" => {
            if lfu {
                return Err("ERR An LFU maxmemory policy is selected, idle time not tracked. Please note that when switching between policies at runtime LRU and LFU data will take some time to adjust.".into());
            }
            ctx.out.int(crate::db::access::idle_seconds(e, now) as i64);
        }
        _ => {
            if !lfu {
                return Err("ERR An LFU maxmemory policy is not selected, access frequency not tracked. Please note that when switching between policies at runtime LRU and LFU data will take some time to adjust.".into());
            }
            // Decayed to now: the stored counter only changes on access.
            ctx.out.int(crate::db::access::frequency(ctx.st.evict.access(), e, now) as i64);
        }
    }
    Ok(())
}

fn object_help(ctx: &mut Ctx, _argv: &[Bytes]) -> CmdResult {
    super::introspect::help_reply(
        ctx,
        "OBJECT",
        &[
            "ENCODING <key>",
            "    Return the kind of internal representation used in order to store the value",
            "    associated with a <key>.",
            "FREQ <key>",
            "    Return the access frequency index of the <key>. The returned integer is",
            "    proportional to the logarithm of the recent access frequency of the key.",
            "IDLETIME <key>",
            "    Return the idle time of the <key>, that is the approximated number of",
            "    seconds elapsed since the last access to the key.",
            "REFCOUNT <key>",
            "    Return the number of references of the value associated with the specified",
            "    <key>.",
        ],
    );
    Ok(())
}

/// Builds a string entry; used by commands that create string keys.
pub fn string_entry(key: &[u8], val: &[u8]) -> Entry {
    Entry::string(key, val)
}
