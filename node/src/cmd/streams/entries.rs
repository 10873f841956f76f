//! XADD, XTRIM, XDEL, XLEN, XRANGE, XREVRANGE, XSETID.

use bytes::Bytes;

use super::common::{id_bytes, must_obey, parse_strict_id, range_end, range_start, read_stream, reply_range, write_stream};
use crate::cmd::args;
use crate::cmd::ctx::Ctx;
use crate::cmd::handler::{CmdError, CmdResult, NO_SUCH_KEY, SYNTAX};
use crate::db::stream::{Stream, StreamId, Trim, LISTPACK_MAX_SIZE};
use crate::db::Value;
use crate::notify;

/// XADD / XTRIM options (`streamAddTrimArgs`).
struct TrimArgs {
    how: Option<Trim>,
    approx: bool,
    /// 0 = no limit.
    limit: i64,
    /// Index of the MAXLEN / MINID value (its `~` or `=` sits just before it when given).
    arg_idx: usize,
    /// XADD: the ID and whether its sequence was given (`ms-*` leaves it to the server).
    id: Option<(StreamId, bool)>,
    no_mkstream: bool,
}

/// `streamParseAddOrTrimArgsOrReply`; returns the options and, for XADD, the ID's index.
fn parse_add_or_trim(ctx: &Ctx, argv: &[Bytes], xadd: bool) -> Result<(TrimArgs, usize), CmdError> {
    let mut a = TrimArgs { how: None, approx: false, limit: 0, arg_idx: 0, id: None, no_mkstream: false };
    let mut limit_given = false;
    let argc = argv.len();
    let mut i = 2;
    while i < argc {
        let more = argc - 1 - i;
        let opt = &argv[i][..];
        if xadd && opt == b"*" {
            break;
        } else if (args::is(opt, "maxlen") || args::is(opt, "minid")) && more > 0 {
            if a.how.is_some() {
                return Err("ERR syntax error, MAXLEN and MINID options at the same time are not compatible".into());
            }
            let maxlen = args::is(opt, "maxlen");
            a.approx = false;
            let next = &argv[i + 1][..];
            if more >= 2 && next == b"~" {
                a.approx = true;
                i += 1;
            } else if more >= 2 && next == b"=" {
                i += 1;
            }
            if maxlen {
                let n = args::int(&argv[i + 1])?;
                if n < 0 {
                    return Err("ERR The MAXLEN argument must be >= 0.".into());
                }
                a.how = Some(Trim::MaxLen(n as u64));
            } else {
                a.how = Some(Trim::MinId(parse_strict_id(&argv[i + 1])?));
            }
            i += 1;
            a.arg_idx = i;
        } else if args::is(opt, "limit") && more > 0 {
            let n = args::int(&argv[i + 1])?;
            if n < 0 {
                return Err("ERR The LIMIT argument must be >= 0.".into());
            }
            a.limit = n;
            limit_given = true;
            i += 1;
        } else if xadd && args::is(opt, "nomkstream") {
            a.no_mkstream = true;
        } else if xadd {
            match StreamId::parse(opt, 0) {
                Some((id, seq_given)) if opt.len() <= 127 => a.id = Some((id, seq_given)),
                _ => return Err(super::common::INVALID_ID.into()),
            }
            break;
        } else {
            return Err(SYNTAX.into());
        }
        i += 1;
    }
    if a.limit != 0 && a.how.is_none() {
        return Err("ERR syntax error, LIMIT cannot be used without specifying a trimming strategy".into());
    }
    if !xadd && a.how.is_none() {
        return Err("ERR syntax error, XTRIM must be called with a trimming strategy".into());
    }
    if must_obey(ctx) {
        a.limit = 0;
    } else if limit_given {
        if !a.approx {
            return Err("ERR syntax error, LIMIT cannot be used without the special ~ option".into());
        }
    } else if a.approx {
        a.limit = (100 * ctx.st.enc.stream.max_entries).clamp(0, 1_000_000);
        if a.limit <= 0 {
            a.limit = 10000;
        }
    } else {
        a.limit = 0;
    }
    Ok((a, i))
}

/// After an approximate trim, the command is propagated with the exact bound it reached (`=` and
/// the resulting length or first ID), so replicas and the AOF trim the same entries.
fn rewrite_trim(argv: &mut [Bytes], a: &TrimArgs, s: &Stream) {
    if !a.approx {
        return;
    }
    argv[a.arg_idx - 1] = Bytes::from_static(b"=");
    argv[a.arg_idx] = match a.how {
        Some(Trim::MaxLen(_)) => Bytes::from(s.length.to_string()),
        _ => id_bytes(s.first_id),
    };
}

/// XADD key [NOMKSTREAM] [MAXLEN|MINID [=|~] threshold [LIMIT count]] *|id field value [...]
pub fn xadd(ctx: &mut Ctx, argv: &[Bytes]) -> CmdResult {
    let (a, idpos) = parse_add_or_trim(ctx, argv, true)?;
    let field_pos = idpos + 1;
    if argv.len() < field_pos + 2 || (argv.len() - field_pos) % 2 == 1 {
        return Err("ERR wrong number of arguments for 'xadd' command".into());
    }
    if let Some((id, true)) = a.id {
        if id.is_zero() {
            return Err("ERR The ID specified in XADD must be greater than 0-0".into());
        }
    }
    let key = &argv[1];
    if a.no_mkstream && write_stream(ctx, key)?.is_none() {
        ctx.out.null();
        return Ok(());
    }
    let now = ctx.now;
    let limits = ctx.st.enc.stream;
    let e = ctx.write_or_create(key, "stream", || Value::Stream(Box::default()))?;
    let Value::Stream(s) = &mut e.value else { unreachable!("checked stream") };
    if s.last_id == StreamId::MAX {
        return Err("ERR The stream has exhausted the last possible ID, unable to add more items".into());
    }
    let too_small = "ERR The ID specified in XADD is equal or smaller than the target stream top item";
    let id = match a.id {
        Some((id, true)) => id,
        Some((id, false)) => {
            if s.last_id.ms == id.ms {
                s.last_id.incr().filter(|n| n.ms == id.ms).ok_or(too_small)?
            } else {
                id
            }
        }
        None => s.next_auto_id(now.max(0) as u64).ok_or(too_small)?,
    };
    if id <= s.last_id {
        return Err(too_small.into());
    }
    let fv: Vec<&[u8]> = argv[field_pos..].iter().map(|b| &b[..]).collect();
    if fv.iter().map(|b| b.len()).sum::<usize>() > LISTPACK_MAX_SIZE {
        return Err("ERR Elements are too large to be stored".into());
    }
    s.append(id, &fv, limits);
    let mut trimmed = 0;
    if let Some(how) = a.how {
        trimmed = s.trim(how, a.approx, a.limit);
    }
    let text = id.to_text();
    ctx.out.bulk(text.as_bytes());
    ctx.modified(key);
    ctx.notify(notify::STREAM, "xadd", key);
    ctx.dirty(1);
    if trimmed > 0 {
        ctx.notify(notify::STREAM, "xtrim", key);
    }
    let rewrite_id = !matches!(a.id, Some((_, true)));
    if ctx.propagation_wanted() && (rewrite_id || a.approx) {
        let mut v = argv.to_vec();
        if a.how.is_some() {
            if let Some(Value::Stream(s)) = ctx.lookup_write(key).map(|e| &e.value) {
                rewrite_trim(&mut v, &a, s);
            }
        }
        if rewrite_id {
            v[idpos] = Bytes::from(text.into_bytes());
        }
        ctx.propagate_as(v);
    }
    ctx.signal_ready(key);
    Ok(())
}

/// XTRIM key MAXLEN|MINID [=|~] threshold [LIMIT count]
pub fn xtrim(ctx: &mut Ctx, argv: &[Bytes]) -> CmdResult {
    let (a, _) = parse_add_or_trim(ctx, argv, false)?;
    let key = &argv[1];
    let Some(s) = write_stream(ctx, key)? else {
        ctx.out.int(0);
        return Ok(());
    };
    let deleted = s.trim(a.how.expect("checked"), a.approx, a.limit);
    if deleted > 0 {
        if a.approx {
            let mut v = argv.to_vec();
            rewrite_trim(&mut v, &a, s);
            ctx.propagate_as(v);
        }
        ctx.notify(notify::STREAM, "xtrim", key);
        ctx.modified(key);
        ctx.dirty(deleted as u64);
    }
    ctx.out.int(deleted);
    Ok(())
}

/// XDEL key id [id ...]
pub fn xdel(ctx: &mut Ctx, argv: &[Bytes]) -> CmdResult {
    let key = &argv[1];
    if write_stream(ctx, key)?.is_none() {
        ctx.out.int(0);
        return Ok(());
    }
    let ids = argv[2..].iter().map(|a| parse_strict_id(a)).collect::<Result<Vec<_>, _>>()?;
    let s = write_stream(ctx, key)?.expect("exists");
    let mut gone = Vec::new();
    for id in ids {
        if s.delete(id) {
            gone.push(id);
        }
    }
    s.after_deletes(&gone);
    if !gone.is_empty() {
        ctx.modified(key);
        ctx.notify(notify::STREAM, "xdel", key);
        ctx.dirty(gone.len() as u64);
    }
    ctx.out.int(gone.len() as i64);
    Ok(())
}

/// XLEN key
pub fn xlen(ctx: &mut Ctx, argv: &[Bytes]) -> CmdResult {
    let (s, out) = read_stream(ctx, &argv[1])?;
    out.int(s.map(|s| s.length as i64).unwrap_or(0));
    Ok(())
}

pub fn xrange(ctx: &mut Ctx, argv: &[Bytes]) -> CmdResult {
    range_generic(ctx, argv, false)
}

pub fn xrevrange(ctx: &mut Ctx, argv: &[Bytes]) -> CmdResult {
    range_generic(ctx, argv, true)
}

/// XRANGE key start end [COUNT n] / XREVRANGE key end start [COUNT n]
fn range_generic(ctx: &mut Ctx, argv: &[Bytes], rev: bool) -> CmdResult {
    let (start_arg, end_arg) = if rev { (&argv[3], &argv[2]) } else { (&argv[2], &argv[3]) };
    let start = range_start(start_arg)?;
    let end = range_end(end_arg)?;
    let mut count: i64 = -1;
    let mut j = 4;
    while j < argv.len() {
        if args::is(&argv[j], "count") && j + 1 < argv.len() {
            count = args::int(&argv[j + 1])?.max(0);
            j += 2;
        } else {
            return Err(SYNTAX.into());
        }
    }
    let (s, out) = read_stream(ctx, &argv[1])?;
    let Some(s) = s else {
        out.array(0);
        return Ok(());
    };
    if count == 0 {
        out.null_array();
    } else {
        reply_range(out, s, start, end, count.max(0) as usize, rev);
    }
    Ok(())
}

/// XSETID key last-id [ENTRIESADDED entries-added] [MAXDELETEDID max-deleted-id]
pub fn xsetid(ctx: &mut Ctx, argv: &[Bytes]) -> CmdResult {
    let id = parse_strict_id(&argv[2])?;
    let mut entries_added: i64 = -1;
    let mut max_xdel = StreamId::ZERO;
    let mut i = 3;
    while i < argv.len() {
        let more = argv.len() - 1 - i;
        if args::is(&argv[i], "entriesadded") && more > 0 {
            entries_added = args::int(&argv[i + 1])?;
            if entries_added < 0 {
                return Err("ERR entries_added must be positive".into());
            }
            i += 2;
        } else if args::is(&argv[i], "maxdeletedid") && more > 0 {
            max_xdel = parse_strict_id(&argv[i + 1])?;
            if id < max_xdel {
                return Err("ERR The ID specified in XSETID is smaller than the provided max_deleted_entry_id".into());
            }
            i += 2;
        } else {
            return Err(SYNTAX.into());
        }
    }
    let key = &argv[1];
    let Some(s) = write_stream(ctx, key)? else { return Err(NO_SUCH_KEY.into()) };
    if s.length > 0 {
        let maxid = s.edge_id(false).unwrap_or(StreamId::ZERO);
        if id < maxid {
            return Err("ERR The ID specified in XSETID is smaller than the target stream top item".into());
        }
        if entries_added != -1 && s.length > entries_added as u64 {
            return Err("ERR The entries_added specified in XSETID is smaller than the target stream length".into());
        }
    }
    s.last_id = id;
    if entries_added != -1 {
        s.entries_added = entries_added as u64;
    }
    if !max_xdel.is_zero() {
        s.max_deleted_entry_id = max_xdel;
    }
    ctx.out.ok();
    ctx.modified(key);
    ctx.notify(notify::STREAM, "xsetid", key);
    ctx.dirty(1);
    Ok(())
}
