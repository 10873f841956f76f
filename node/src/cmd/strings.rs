//! String commands.

use bytes::Bytes;

use super::args;
use super::ctx::{Ctx, Handler};
use super::handler::{CmdError, CmdResult, NOT_INT, OVERFLOW, SYNTAX, WRONGTYPE};
use crate::db::{Entry, StrRef, Value};
use crate::notify;
use crate::util::long_double::{self, Num};
use crate::util::parse_i64;

pub const COMMANDS: &[(&str, Handler)] = &[
    ("get", get),
    ("set", set),
    ("setnx", setnx),
    ("setex", setex),
    ("psetex", setex),
    ("mget", mget),
    ("mset", mset),
    ("msetnx", msetnx),
    ("getset", getset),
    ("getdel", getdel),
    ("getex", getex),
    ("append", append),
    ("strlen", strlen),
    ("incr", incr),
    ("decr", incr),
    ("incrby", incr),
    ("decrby", incr),
    ("incrbyfloat", incrbyfloat),
    ("getrange", getrange),
    ("substr", getrange),
    ("setrange", setrange),
    ("lcs", lcs),
];

/// Reads a string key: Ok(None) if missing, WRONGTYPE for other types.
fn read_str(ctx: &mut Ctx, key: &[u8]) -> Result<Option<Vec<u8>>, CmdError> {
    match ctx.lookup_read(key) {
        None => Ok(None),
        Some(e) => match e.str() {
            Some(s) => Ok(Some(s.to_vec())),
            None => Err(WRONGTYPE.into()),
        },
    }
}

fn get(ctx: &mut Ctx, argv: &[Bytes]) -> CmdResult {
    reply_get(ctx, &argv[1])
}

/// Expiry options of SET / GETEX.
#[derive(Clone, Copy, PartialEq)]
enum Ttl {
    None,
    Keep,
    At(i64),
}

/// Which of EX / PX / EXAT / PXAT was given.
#[derive(Clone, Copy, PartialEq)]
enum ExpireKind {
    Ex,
    Px,
    ExAt,
    PxAt,
}

impl ExpireKind {
    fn parse(arg: &[u8]) -> Option<ExpireKind> {
        [("ex", ExpireKind::Ex), ("px", ExpireKind::Px), ("exat", ExpireKind::ExAt), ("pxat", ExpireKind::PxAt)]
            .into_iter()
            .find(|(kw, _)| args::is(arg, kw))
            .map(|(_, k)| k)
    }

    fn is_absolute(self) -> bool {
        matches!(self, ExpireKind::ExAt | ExpireKind::PxAt)
    }
}

/// Redis's `getExpireMillisecondsOrReply`: a positive integer, scaled and made absolute; anything
/// that overflows or is not positive is an invalid expire time.
fn expire_ms(kind: ExpireKind, val: &[u8], now: i64, cmd: &str) -> Result<i64, CmdError> {
    let n = args::int(val)?;
    let invalid = || -> CmdError { format!("ERR invalid expire time in '{cmd}' command").into() };
    if n <= 0 {
        return Err(invalid());
    }
    let ms = match kind {
        ExpireKind::Ex | ExpireKind::ExAt => n.checked_mul(1000).ok_or_else(invalid)?,
        _ => n,
    };
    let at = if kind.is_absolute() { ms } else { ms.checked_add(now).ok_or_else(invalid)? };
    if at <= 0 {
        return Err(invalid());
    }
    Ok(at)
}

/// Options of SET (`for_set`) or GETEX, parsed like Redis's `parseExtendedStringArgumentsOrReply`:
/// an option may repeat, conflicting ones are a syntax error; the expire value is checked later.
#[derive(Default)]
struct StrOpts {
    nx: bool,
    xx: bool,
    get: bool,
    keepttl: bool,
    persist: bool,
    expire: Option<(ExpireKind, Bytes)>,
}

fn parse_str_opts(argv: &[Bytes], start: usize, for_set: bool) -> Result<StrOpts, CmdError> {
    let mut o = StrOpts::default();
    let mut j = start;
    while j < argv.len() {
        let a = &argv[j];
        let next = argv.get(j + 1);
        let has_expire = o.expire.is_some();
        if for_set && args::is(a, "nx") && !o.xx {
            o.nx = true;
        } else if for_set && args::is(a, "xx") && !o.nx {
            o.xx = true;
        } else if for_set && args::is(a, "get") {
            o.get = true;
        } else if for_set && args::is(a, "keepttl") && !o.persist && !has_expire {
            o.keepttl = true;
        } else if !for_set && args::is(a, "persist") && !has_expire && !o.keepttl {
            o.persist = true;
        } else if let (Some(kind), Some(v)) = (ExpireKind::parse(a), next) {
            // The same kind may repeat (the last value wins); another kind conflicts.
            if o.keepttl || o.persist || o.expire.as_ref().is_some_and(|(k, _)| *k != kind) {
                return Err(SYNTAX.into());
            }
            o.expire = Some((kind, v.clone()));
            j += 1;
        } else {
            return Err(SYNTAX.into());
        }
        j += 1;
    }
    Ok(o)
}

/// Stores a string and its expiry, with the `set` (and `expire`) events.
fn store(ctx: &mut Ctx, key: &[u8], val: &[u8], ttl: Ttl) {
    let created = ctx.st.dbs[ctx.me.db].peek(key, ctx.now).is_none();
    store_known(ctx, key, val, ttl, created);
}

/// `store` when the caller already looked the key up (`created`: it was not there).
fn store_known(ctx: &mut Ctx, key: &[u8], val: &[u8], ttl: Ttl, created: bool) {
    let now = ctx.now;
    let db = ctx.me.db;
    ctx.st.dbs[db].set_string(key, val, ttl == Ttl::Keep, now);
    if created {
        ctx.notify_new(key);
    }
    if let Ttl::At(at) = ttl {
        ctx.st.dbs[db].set_expire(key, at);
    }
    ctx.modified(key);
    ctx.notify(notify::STRING, "set", key);
    if matches!(ttl, Ttl::At(_)) {
        ctx.notify(notify::GENERIC, "expire", key);
    }
    ctx.dirty(1);
}

/// Replies with the string value of `key` (null when missing): Redis's `getGenericCommand`.
fn reply_get(ctx: &mut Ctx, key: &[u8]) -> CmdResult {
    let (entry, out) = ctx.read_with_out(key);
    match entry {
        None => out.null(),
        Some(e) => match e.str() {
            Some(StrRef::Bytes(b)) => out.bulk(b),
            Some(StrRef::Int(n)) => out.bulk_int(n),
            None => return Err(WRONGTYPE.into()),
        },
    }
    Ok(())
}

/// SET and its relatives (`setGenericCommand`): `argv` is the command as sent, `cmd` its name for
/// error messages.
fn set_generic(ctx: &mut Ctx, argv: &[Bytes], key: &Bytes, val: &Bytes, o: &StrOpts, cmd: &str, ok: fn(&mut Ctx), abort: fn(&mut Ctx)) -> CmdResult {
    let mut ttl = if o.keepttl { Ttl::Keep } else { Ttl::None };
    if let Some((kind, v)) = &o.expire {
        ttl = Ttl::At(expire_ms(*kind, v, ctx.now, cmd)?);
    }
    if o.get {
        reply_get(ctx, key)?;
    }
    let found = ctx.lookup_write(key).is_some();
    if (o.nx && found) || (o.xx && !found) {
        if !o.get {
            abort(ctx);
        }
        return Ok(());
    }
    store_known(ctx, key, val, ttl, !found);
    if !o.get {
        ok(ctx);
    }
    if ctx.propagation_wanted() {
        propagate_set(ctx, argv, key, val, ttl, o.get);
    }
    Ok(())
}

/// How Redis 7.0 propagates a SET that stored its value: any expire (EX, PX, EXAT, PXAT, SETEX,
/// PSETEX) as `SET key value PXAT <ms>`, dropping the other options, so replicas and the AOF
/// get the same absolute deadline; otherwise the command as sent, less its GET options.
fn propagate_set(ctx: &mut Ctx, argv: &[Bytes], key: &Bytes, val: &Bytes, ttl: Ttl, get: bool) {
    if let Ttl::At(at) = ttl {
        ctx.propagate_as(vec![Bytes::from_static(b"SET"), key.clone(), val.clone(), Bytes::from_static(b"PXAT"), int_arg(at)]);
    } else if get {
        let kept = argv.iter().enumerate().filter(|(i, a)| *i < 3 || !args::is(a, "get")).map(|(_, a)| a.clone()).collect();
        ctx.propagate_as(kept);
    }
}

/// An integer as a propagated argument.
fn int_arg(n: i64) -> Bytes {
    Bytes::from(n.to_string())
}

fn set(ctx: &mut Ctx, argv: &[Bytes]) -> CmdResult {
    let o = parse_str_opts(argv, 3, true)?;
    set_generic(ctx, argv, &argv[1], &argv[2], &o, "set", |c| c.out.ok(), |c| c.out.null())
}

fn setnx(ctx: &mut Ctx, argv: &[Bytes]) -> CmdResult {
    let o = StrOpts { nx: true, ..StrOpts::default() };
    set_generic(ctx, argv, &argv[1], &argv[2], &o, "setnx", |c| c.out.int(1), |c| c.out.int(0))
}

fn setex(ctx: &mut Ctx, argv: &[Bytes]) -> CmdResult {
    let name = super::handler::lower(&argv[0]);
    let kind = if name == "setex" { ExpireKind::Ex } else { ExpireKind::Px };
    let o = StrOpts { expire: Some((kind, argv[2].clone())), ..StrOpts::default() };
    set_generic(ctx, argv, &argv[1], &argv[3], &o, &name, |c| c.out.ok(), |c| c.out.null())
}

fn mget(ctx: &mut Ctx, argv: &[Bytes]) -> CmdResult {
    ctx.out.array(argv.len() - 1);
    for key in &argv[1..] {
        match ctx.lookup_read(key).and_then(|e| e.str().map(|s| s.to_vec())) {
            Some(v) => ctx.out.bulk(&v),
            None => ctx.out.null(),
        }
    }
    Ok(())
}

fn mset(ctx: &mut Ctx, argv: &[Bytes]) -> CmdResult {
    if argv.len() % 2 == 0 {
        return Err(format!("ERR wrong number of arguments for '{}' command", super::handler::lower(&argv[0])).into());
    }
    for pair in argv[1..].chunks(2) {
        store(ctx, &pair[0], &pair[1], Ttl::None);
    }
    ctx.out.ok();
    Ok(())
}

fn msetnx(ctx: &mut Ctx, argv: &[Bytes]) -> CmdResult {
    if argv.len() % 2 == 0 {
        return Err("ERR wrong number of arguments for 'msetnx' command".into());
    }
    if argv[1..].chunks(2).any(|p| ctx.exists(&p[0])) {
        ctx.out.int(0);
        return Ok(());
    }
    for pair in argv[1..].chunks(2) {
        store(ctx, &pair[0], &pair[1], Ttl::None);
    }
    ctx.out.int(1);
    Ok(())
}

fn getset(ctx: &mut Ctx, argv: &[Bytes]) -> CmdResult {
    let old = read_str(ctx, &argv[1])?;
    store(ctx, &argv[1], &argv[2], Ttl::None);
    // Redis 7.0 propagates GETSET as the SET it amounts to.
    if ctx.propagation_wanted() {
        ctx.propagate_as(vec![Bytes::from_static(b"SET"), argv[1].clone(), argv[2].clone()]);
    }
    match old {
        Some(o) => ctx.out.bulk(&o),
        None => ctx.out.null(),
    }
    Ok(())
}

fn getdel(ctx: &mut Ctx, argv: &[Bytes]) -> CmdResult {
    match read_str(ctx, &argv[1])? {
        Some(v) => {
            ctx.delete_signalled(&argv[1]);
            ctx.out.bulk(&v);
            // Propagated as the deletion it is: UNLINK when user deletions are lazy.
            if ctx.propagation_wanted() {
                let lazy = ctx.st.config.get_bool("lazyfree-lazy-user-del").unwrap_or(false);
                ctx.propagate_as(vec![crate::propagate::deletion_cmd(lazy), argv[1].clone()]);
            }
        }
        None => ctx.out.null(),
    }
    Ok(())
}

fn getex(ctx: &mut Ctx, argv: &[Bytes]) -> CmdResult {
    let key = &argv[1];
    let o = parse_str_opts(argv, 2, false)?;
    let Some(v) = read_str(ctx, key)? else {
        ctx.out.null();
        return Ok(());
    };
    // The expire value is checked only once the key is known to be a string.
    let at = match &o.expire {
        Some((kind, val)) => Some((expire_ms(*kind, val, ctx.now, "getex")?, kind.is_absolute())),
        None => None,
    };
    ctx.out.bulk(&v);
    let db = ctx.me.db;
    // Propagated as what it did: PEXPIREAT with the absolute deadline, PERSIST, or the deletion
    // of a key whose deadline has passed (UNLINK when expiry is lazy).
    let wanted = ctx.propagation_wanted();
    match at {
        Some((at, true)) if ctx.already_expired(at) => {
            ctx.delete_signalled(key);
            if wanted {
                let lazy = ctx.st.config.get_bool("lazyfree-lazy-expire").unwrap_or(false);
                ctx.propagate_as(vec![crate::propagate::deletion_cmd(lazy), key.clone()]);
            }
        }
        Some((at, _)) => {
            ctx.st.dbs[db].set_expire(key, at);
            ctx.modified(key);
            ctx.notify(notify::GENERIC, "expire", key);
            ctx.dirty(1);
            if wanted {
                ctx.propagate_as(vec![Bytes::from_static(b"PEXPIREAT"), key.clone(), int_arg(at)]);
            }
        }
        None if o.persist => {
            let had = ctx.lookup_write(key).is_some_and(|e| e.expire_at != 0);
            if had {
                ctx.st.dbs[db].set_expire(key, 0);
                ctx.modified(key);
                ctx.notify(notify::GENERIC, "persist", key);
                ctx.dirty(1);
                if wanted {
                    ctx.propagate_as(vec![Bytes::from_static(b"PERSIST"), key.clone()]);
                }
            }
        }
        None => {}
    }
    Ok(())
}

const TOO_BIG: &str = "ERR string exceeds maximum allowed size (proto-max-bulk-len)";

fn append(ctx: &mut Ctx, argv: &[Bytes]) -> CmdResult {
    let (key, val) = (&argv[1], &argv[2]);
    let max = ctx.st.config.proto_max_bulk_len as usize;
    let len = match ctx.lookup_write(key) {
        None => {
            let now = ctx.now;
            ctx.db().set_string(key, val, false, now);
            ctx.notify_new(key);
            val.len()
        }
        Some(e) => {
            let Some(s) = e.str_mut() else { return Err(WRONGTYPE.into()) };
            if s.len() + val.len() > max {
                return Err(TOO_BIG.into());
            }
            s.extend_from_slice(val);
            s.len()
        }
    };
    ctx.modified(key);
    ctx.notify(notify::STRING, "append", key);
    ctx.dirty(1);
    ctx.out.int(len as i64);
    Ok(())
}

fn strlen(ctx: &mut Ctx, argv: &[Bytes]) -> CmdResult {
    let n = match ctx.lookup_read(&argv[1]) {
        None => 0,
        Some(e) => e.str().ok_or(WRONGTYPE)?.len(),
    };
    ctx.out.int(n as i64);
    Ok(())
}

fn incr(ctx: &mut Ctx, argv: &[Bytes]) -> CmdResult {
    let name = super::handler::lower(&argv[0]);
    let by = match name.as_str() {
        "incr" => 1,
        "decr" => -1,
        "incrby" => args::int(&argv[2])?,
        _ => {
            let n = args::int(&argv[2])?;
            if n == i64::MIN {
                return Err("ERR decrement would overflow".into());
            }
            -n
        }
    };
    let key = &argv[1];
    let result = match ctx.lookup_write(key) {
        None => {
            ctx.db().insert(Entry::with_value(key, Value::Int(by)));
            ctx.notify_new(key);
            by
        }
        Some(e) => {
            let cur = match &e.value {
                Value::Int(n) => *n,
                _ => match e.str() {
                    Some(StrRef::Bytes(b)) => parse_i64(b).ok_or(NOT_INT)?,
                    Some(StrRef::Int(n)) => n,
                    None => return Err(WRONGTYPE.into()),
                },
            };
            let n = cur.checked_add(by).ok_or(OVERFLOW)?;
            e.set_value(Value::Int(n));
            n
        }
    };
    ctx.modified(key);
    // Redis names every INCR/DECR variant "incrby".
    ctx.notify(notify::STRING, "incrby", key);
    ctx.dirty(1);
    ctx.out.int(result);
    Ok(())
}

fn incrbyfloat(ctx: &mut Ctx, argv: &[Bytes]) -> CmdResult {
    let key = &argv[1];
    // Like Redis: type check, then the current value, then the increment, in long double.
    let cur = match ctx.lookup_write(key) {
        None => Num::Finite(long_double::Ld::ZERO),
        Some(e) => match e.str() {
            Some(s) => long_double::parse(&s.to_vec()).ok_or(super::handler::NOT_FLOAT)?,
            None => return Err(WRONGTYPE.into()),
        },
    };
    let by = long_double::parse(&argv[2]).ok_or(super::handler::NOT_FLOAT)?;
    let sum = match (cur, by) {
        (Num::Finite(a), Num::Finite(b)) => long_double::add(a, b),
        _ => None,
    };
    let text = sum.map(long_double::format_human).ok_or("ERR increment would produce NaN or Infinity")?;
    let now = ctx.now;
    let db = ctx.me.db;
    let mut entry = Entry::string_verbatim(key, text.as_bytes());
    let old = ctx.st.dbs[db].peek(key, now).map(|e| e.expire_at);
    entry.expire_at = old.unwrap_or(0);
    ctx.st.dbs[db].insert(entry);
    if old.is_none() {
        ctx.notify_new(key);
    }
    ctx.modified(key);
    ctx.notify(notify::STRING, "incrbyfloat", key);
    ctx.dirty(1);
    ctx.out.bulk(text.as_bytes());
    // Always propagated as a SET of the result, so float precision and formatting cannot make
    // replicas or a reloaded AOF differ; KEEPTTL keeps the key's TTL as INCRBYFLOAT does.
    if ctx.propagation_wanted() {
        ctx.propagate_as(vec![Bytes::from_static(b"SET"), key.clone(), Bytes::from(text.into_bytes()), Bytes::from_static(b"KEEPTTL")]);
    }
    Ok(())
}

fn getrange(ctx: &mut Ctx, argv: &[Bytes]) -> CmdResult {
    let start = args::int(&argv[2])?;
    let end = args::int(&argv[3])?;
    // Both negative and start > end: empty, before even looking at the key.
    if start < 0 && end < 0 && start > end {
        ctx.out.bulk(b"");
        return Ok(());
    }
    let Some(v) = read_str(ctx, &argv[1])? else {
        ctx.out.bulk(b"");
        return Ok(());
    };
    let len = v.len() as i64;
    let mut s = if start < 0 { len.saturating_add(start) } else { start };
    let mut e = if end < 0 { len.saturating_add(end) } else { end };
    s = s.max(0);
    e = e.max(0);
    if e >= len {
        e = len - 1;
    }
    if s > e || len == 0 {
        ctx.out.bulk(b"");
    } else {
        ctx.out.bulk(&v[s as usize..=e as usize]);
    }
    Ok(())
}

/// Redis's `checkStringLength`: the resulting string may not exceed proto-max-bulk-len.
fn check_string_length(ctx: &Ctx, size: usize, append: usize) -> CmdResult {
    let total = size.checked_add(append);
    if ctx.me.is_master || total.is_some_and(|t| t as u64 <= ctx.st.config.proto_max_bulk_len as u64) {
        Ok(())
    } else {
        Err(TOO_BIG.into())
    }
}

fn setrange(ctx: &mut Ctx, argv: &[Bytes]) -> CmdResult {
    let key = &argv[1];
    let offset = args::int(&argv[2])?;
    if offset < 0 {
        return Err("ERR offset is out of range".into());
    }
    let offset = offset as usize;
    let val = &argv[3];
    let existing = match ctx.lookup_write(key) {
        None => None,
        Some(e) => Some(e.str().ok_or(WRONGTYPE)?.len()),
    };
    match existing {
        None if val.is_empty() => {
            ctx.out.int(0);
            return Ok(());
        }
        Some(len) if val.is_empty() => {
            ctx.out.int(len as i64);
            return Ok(());
        }
        _ => check_string_length(ctx, offset, val.len())?,
    }
    if existing.is_none() {
        let now = ctx.now;
        ctx.db().set_string(key, b"", false, now);
        ctx.notify_new(key);
    }
    let len = {
        let Some(e) = ctx.lookup_write(key) else { return Err("ERR internal error".into()) };
        let Some(s) = e.str_mut() else { return Err(WRONGTYPE.into()) };
        if s.len() < offset + val.len() {
            s.resize(offset + val.len(), 0);
        }
        s[offset..offset + val.len()].copy_from_slice(val);
        s.len()
    };
    ctx.modified(key);
    ctx.notify(notify::STRING, "setrange", key);
    ctx.dirty(1);
    ctx.out.int(len as i64);
    Ok(())
}

fn lcs(ctx: &mut Ctx, argv: &[Bytes]) -> CmdResult {
    // Keys first (a non-string is an error before any option is read), then the options.
    let mut fetch = |k: &[u8]| -> Result<Vec<u8>, CmdError> {
        match ctx.lookup_read(k) {
            None => Ok(Vec::new()),
            Some(e) => e.str().map(|s| s.to_vec()).ok_or_else(|| "ERR The specified keys must contain string values".into()),
        }
    };
    let a = fetch(&argv[1]);
    let b = fetch(&argv[2]);
    let (a, b) = (a?, b?);
    let (mut get_len, mut get_idx, mut with_len) = (false, false, false);
    let mut min_len = 0i64;
    let mut i = 3;
    while i < argv.len() {
        let opt = &argv[i];
        if args::is(opt, "idx") {
            get_idx = true;
        } else if args::is(opt, "len") {
            get_len = true;
        } else if args::is(opt, "withmatchlen") {
            with_len = true;
        } else if args::is(opt, "minmatchlen") && i + 1 < argv.len() {
            min_len = args::int(&argv[i + 1])?.max(0);
            i += 1;
        } else {
            return Err(SYNTAX.into());
        }
        i += 1;
    }
    if get_len && get_idx {
        return Err("ERR If you want both the length and indexes, please just use IDX.".into());
    }
    if a.len() >= u32::MAX as usize - 1 || b.len() >= u32::MAX as usize - 1 {
        return Err("ERR String too long for LCS".into());
    }
    // The classic (|a|+1) x (|b|+1) table of u32, limited like Redis by proto-max-bulk-len.
    let cells = (a.len() + 1) as u128 * (b.len() + 1) as u128;
    if cells * 4 > ctx.st.config.proto_max_bulk_len as u128 {
        return Err("ERR Insufficient memory, transient memory for LCS exceeds proto-max-bulk-len".into());
    }
    let w = b.len() + 1;
    let mut dp = vec![0u32; cells as usize];
    for i in 1..=a.len() {
        for j in 1..=b.len() {
            dp[i * w + j] = if a[i - 1] == b[j - 1] { dp[(i - 1) * w + j - 1] + 1 } else { dp[(i - 1) * w + j].max(dp[i * w + j - 1]) };
        }
    }
    let total = dp[a.len() * w + b.len()] as usize;
    if get_len && !get_idx {
        ctx.out.int(total as i64);
        return Ok(());
    }
    // Walk back from the end collecting the LCS and the matching ranges, as Redis does.
    let mut result = vec![0u8; total];
    let mut idx = total;
    let (mut i, mut j) = (a.len(), b.len());
    let mut matches: Vec<((usize, usize), (usize, usize), usize)> = Vec::new();
    let mut cur: Option<((usize, usize), (usize, usize))> = None;
    let emit = |cur: &mut Option<((usize, usize), (usize, usize))>, matches: &mut Vec<_>| {
        if let Some((ra, rb)) = cur.take() {
            let l = ra.1 - ra.0 + 1;
            if l as i64 >= min_len {
                matches.push((ra, rb, l));
            }
        }
    };
    while i > 0 && j > 0 {
        if a[i - 1] == b[j - 1] {
            idx -= 1;
            result[idx] = a[i - 1];
            match &mut cur {
                Some(((as_, _), (bs, _))) if *as_ == i && *bs == j => {
                    *as_ = i - 1;
                    *bs = j - 1;
                }
                _ => {
                    emit(&mut cur, &mut matches);
                    cur = Some(((i - 1, i - 1), (j - 1, j - 1)));
                }
            }
            i -= 1;
            j -= 1;
        } else {
            if dp[(i - 1) * w + j] > dp[i * w + j - 1] {
                i -= 1;
            } else {
                j -= 1;
            }
            emit(&mut cur, &mut matches);
        }
    }
    emit(&mut cur, &mut matches);
    if !get_idx {
        ctx.out.bulk(&result);
        return Ok(());
    }
    let out = &mut *ctx.out;
    out.map(2);
    out.bulk(b"matches");
    out.array(matches.len());
    for (ra, rb, l) in &matches {
        out.array(if with_len { 3 } else { 2 });
        out.array(2);
        out.int(ra.0 as i64);
        out.int(ra.1 as i64);
        out.array(2);
        out.int(rb.0 as i64);
        out.int(rb.1 as i64);
        if with_len {
            out.int(*l as i64);
        }
    }
    out.bulk(b"len");
    out.int(total as i64);
    Ok(())
}
