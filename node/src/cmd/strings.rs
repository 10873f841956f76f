//! String commands.

use bytes::Bytes;

use super::{args, CmdError, CmdResult, Ctx, Handler, NOT_INT, OVERFLOW, SYNTAX, WRONGTYPE};
use crate::db::{Entry, StrRef, Value};
use crate::notify;
use crate::util::{fmt_human_double, parse_f64, parse_i64};

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
    let (entry, out) = ctx.read_with_out(&argv[1]);
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

/// Expiry options of SET / GETEX.
#[derive(Clone, Copy, PartialEq)]
enum Ttl {
    None,
    Keep,
    Persist,
    At(i64),
}

/// Parses `EX n | PX n | EXAT n | PXAT n` at argv[i] into an absolute time.
fn parse_expiry(kind: &[u8], val: &[u8], now: i64, cmd: &str) -> Result<i64, CmdError> {
    let n = args::int(val)?;
    let invalid = || -> CmdError { format!("ERR invalid expire time in '{cmd}' command").into() };
    if n <= 0 {
        return Err(invalid());
    }
    let k = super::lower(kind);
    let (mul, rel) = match k.as_str() {
        "ex" => (1000, true),
        "px" => (1, true),
        "exat" => (1000, false),
        _ => (1, false),
    };
    let ms = n.checked_mul(mul).ok_or_else(invalid)?;
    if rel {
        ms.checked_add(now).ok_or_else(invalid)
    } else {
        Ok(ms)
    }
}

/// Stores a string and its expiry, with the `set` (and `expire`) events.
fn store(ctx: &mut Ctx, key: &[u8], val: &[u8], ttl: Ttl) {
    let now = ctx.now;
    let db = ctx.me.db;
    ctx.st.dbs[db].set_string(key, val, ttl == Ttl::Keep, now);
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

fn set(ctx: &mut Ctx, argv: &[Bytes]) -> CmdResult {
    let (key, val) = (&argv[1], &argv[2]);
    let (mut nx, mut xx, mut get) = (false, false, false);
    let mut ttl = Ttl::None;
    let mut i = 3;
    while i < argv.len() {
        let a = &argv[i];
        let next = argv.get(i + 1);
        if args::is(a, "nx") && !xx {
            nx = true;
        } else if args::is(a, "xx") && !nx {
            xx = true;
        } else if args::is(a, "get") {
            get = true;
        } else if args::is(a, "keepttl") && ttl == Ttl::None {
            ttl = Ttl::Keep;
        } else if (args::is(a, "ex") || args::is(a, "px") || args::is(a, "exat") || args::is(a, "pxat")) && ttl == Ttl::None && next.is_some() {
            ttl = Ttl::At(parse_expiry(a, &argv[i + 1], ctx.now, "set")?);
            i += 1;
        } else {
            return Err(SYNTAX.into());
        }
        i += 1;
    }
    let old = if get { read_str(ctx, key)? } else { None };
    let exists = ctx.lookup_write(key).is_some();
    if (nx && exists) || (xx && !exists) {
        if get {
            match old {
                Some(o) => ctx.out.bulk(&o),
                None => ctx.out.null(),
            }
        } else {
            ctx.out.null();
        }
        return Ok(());
    }
    store(ctx, key, val, ttl);
    if get {
        match old {
            Some(o) => ctx.out.bulk(&o),
            None => ctx.out.null(),
        }
    } else {
        ctx.out.ok();
    }
    Ok(())
}

fn setnx(ctx: &mut Ctx, argv: &[Bytes]) -> CmdResult {
    if ctx.lookup_write(&argv[1]).is_some() {
        ctx.out.int(0);
    } else {
        store(ctx, &argv[1], &argv[2], Ttl::None);
        ctx.out.int(1);
    }
    Ok(())
}

fn setex(ctx: &mut Ctx, argv: &[Bytes]) -> CmdResult {
    let name = super::lower(&argv[0]);
    let kind: &[u8] = if name == "setex" { b"ex" } else { b"px" };
    let at = parse_expiry(kind, &argv[2], ctx.now, &name)?;
    store(ctx, &argv[1], &argv[3], Ttl::At(at));
    ctx.out.ok();
    Ok(())
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
        return Err(format!("ERR wrong number of arguments for '{}' command", super::lower(&argv[0])).into());
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
    match old {
        Some(o) => ctx.out.bulk(&o),
        None => ctx.out.null(),
    }
    Ok(())
}

fn getdel(ctx: &mut Ctx, argv: &[Bytes]) -> CmdResult {
    match read_str(ctx, &argv[1])? {
        Some(v) => {
            ctx.delete(&argv[1]);
            ctx.modified(&argv[1]);
            ctx.notify(notify::GENERIC, "del", &argv[1]);
            ctx.dirty(1);
            ctx.out.bulk(&v);
        }
        None => ctx.out.null(),
    }
    Ok(())
}

fn getex(ctx: &mut Ctx, argv: &[Bytes]) -> CmdResult {
    let key = &argv[1];
    let mut ttl = Ttl::None;
    let mut i = 2;
    while i < argv.len() {
        let a = &argv[i];
        if args::is(a, "persist") && ttl == Ttl::None {
            ttl = Ttl::Persist;
        } else if (args::is(a, "ex") || args::is(a, "px") || args::is(a, "exat") || args::is(a, "pxat")) && ttl == Ttl::None && i + 1 < argv.len() {
            ttl = Ttl::At(parse_expiry(a, &argv[i + 1], ctx.now, "getex")?);
            i += 1;
        } else {
            return Err(SYNTAX.into());
        }
        i += 1;
    }
    let Some(v) = read_str(ctx, key)? else {
        ctx.out.null();
        return Ok(());
    };
    let db = ctx.me.db;
    match ttl {
        Ttl::At(at) if at <= ctx.now => {
            ctx.delete(key);
            ctx.modified(key);
            ctx.notify(notify::GENERIC, "del", key);
            ctx.dirty(1);
        }
        Ttl::At(at) => {
            ctx.st.dbs[db].set_expire(key, at);
            ctx.modified(key);
            ctx.notify(notify::GENERIC, "expire", key);
            ctx.dirty(1);
        }
        Ttl::Persist => {
            let had = ctx.lookup_write(key).is_some_and(|e| e.expire_at != 0);
            if had {
                ctx.st.dbs[db].set_expire(key, 0);
                ctx.modified(key);
                ctx.notify(notify::GENERIC, "persist", key);
                ctx.dirty(1);
            }
        }
        _ => {}
    }
    ctx.out.bulk(&v);
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
    let name = super::lower(&argv[0]);
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
    let by = parse_f64(&argv[2]).ok_or(super::NOT_FLOAT)?;
    let cur = match ctx.lookup_write(key) {
        None => 0.0,
        Some(e) => match e.str() {
            Some(s) => parse_f64(&s.to_vec()).ok_or(super::NOT_FLOAT)?,
            None => return Err(WRONGTYPE.into()),
        },
    };
    let n = cur + by;
    if !n.is_finite() {
        return Err("ERR increment would produce NaN or Infinity".into());
    }
    let text = fmt_human_double(n);
    let now = ctx.now;
    ctx.db().set_string(key, text.as_bytes(), true, now);
    ctx.modified(key);
    ctx.notify(notify::STRING, "incrbyfloat", key);
    ctx.dirty(1);
    ctx.out.bulk(text.as_bytes());
    Ok(())
}

fn getrange(ctx: &mut Ctx, argv: &[Bytes]) -> CmdResult {
    let start = args::int(&argv[2])?;
    let end = args::int(&argv[3])?;
    let Some(v) = read_str(ctx, &argv[1])? else {
        ctx.out.bulk(b"");
        return Ok(());
    };
    // Redis: both negative and start > end → empty.
    if start < 0 && end < 0 && start > end {
        ctx.out.bulk(b"");
        return Ok(());
    }
    match args::range(start, end, v.len()) {
        Some((s, e)) => ctx.out.bulk(&v[s..=e]),
        None => ctx.out.bulk(b""),
    }
    Ok(())
}

fn setrange(ctx: &mut Ctx, argv: &[Bytes]) -> CmdResult {
    let key = &argv[1];
    let offset = args::int(&argv[2])?;
    if offset < 0 {
        return Err("ERR offset is out of range".into());
    }
    let val = &argv[3];
    let offset = offset as usize;
    let max = ctx.st.config.proto_max_bulk_len as usize;
    let exists = match ctx.lookup_write(key) {
        None => false,
        Some(e) => {
            if !e.value.is_string() {
                return Err(WRONGTYPE.into());
            }
            true
        }
    };
    if val.is_empty() {
        let len = if exists { ctx.lookup_write(key).and_then(|e| e.str().map(|s| s.len())).unwrap_or(0) } else { 0 };
        ctx.out.int(len as i64);
        return Ok(());
    }
    if offset + val.len() > max {
        return Err(TOO_BIG.into());
    }
    if !exists {
        let now = ctx.now;
        ctx.db().set_string(key, b"", false, now);
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
    let (mut get_len, mut get_idx, mut with_len) = (false, false, false);
    let mut min_len = 0i64;
    let mut i = 3;
    while i < argv.len() {
        let a = &argv[i];
        if args::is(a, "idx") {
            get_idx = true;
        } else if args::is(a, "len") {
            get_len = true;
        } else if args::is(a, "withmatchlen") {
            with_len = true;
        } else if args::is(a, "minmatchlen") && i + 1 < argv.len() {
            min_len = args::int(&argv[i + 1])?.max(0);
            i += 1;
        } else {
            return Err(SYNTAX.into());
        }
        i += 1;
    }
    let mut fetch = |k: &[u8]| -> Result<Vec<u8>, CmdError> {
        match ctx.lookup_read(k) {
            None => Ok(Vec::new()),
            Some(e) => e.str().map(|s| s.to_vec()).ok_or_else(|| "ERR The specified keys must contain string values".into()),
        }
    };
    let a = fetch(&argv[1])?;
    let b = fetch(&argv[2])?;
    if get_len && get_idx {
        return Err("ERR If you want both the length and indexes, please just use IDX.".into());
    }
    // Classic DP table, (|a|+1) x (|b|+1), as Redis does.
    let cells = (a.len() + 1).checked_mul(b.len() + 1).filter(|n| *n < (1 << 32));
    let Some(cells) = cells else { return Err("ERR Insufficient memory, transient memory for LCS exceeds proto-max-bulk-len".into()) };
    let w = b.len() + 1;
    let mut dp = vec![0u32; cells];
    for i in 1..=a.len() {
        for j in 1..=b.len() {
            dp[i * w + j] = if a[i - 1] == b[j - 1] { dp[(i - 1) * w + j - 1] + 1 } else { dp[(i - 1) * w + j].max(dp[i * w + j - 1]) };
        }
    }
    let total = dp[a.len() * w + b.len()] as usize;
    if get_len {
        ctx.out.int(total as i64);
        return Ok(());
    }
    // Walk back to collect the LCS and the matching ranges (from the end, like Redis).
    let mut result = vec![0u8; total];
    let mut idx = total;
    let (mut i, mut j) = (a.len(), b.len());
    let mut matches: Vec<((usize, usize), (usize, usize), usize)> = Vec::new();
    let mut cur: Option<((usize, usize), (usize, usize))> = None;
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
                    if let Some((ra, rb)) = cur.take() {
                        let l = ra.1 - ra.0 + 1;
                        if l as i64 >= min_len {
                            matches.push((ra, rb, l));
                        }
                    }
                    cur = Some(((i - 1, i - 1), (j - 1, j - 1)));
                }
            }
            i -= 1;
            j -= 1;
        } else if dp[(i - 1) * w + j] > dp[i * w + j - 1] {
            i -= 1;
        } else {
            j -= 1;
        }
    }
    if let Some((ra, rb)) = cur.take() {
        let l = ra.1 - ra.0 + 1;
        if l as i64 >= min_len {
            matches.push((ra, rb, l));
        }
    }
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
