//! HyperLogLog commands (Redis 7.0 `hyperloglog.c`): PFADD, PFCOUNT, PFMERGE, PFDEBUG, PFSELFTEST.
//! An HLL is a string in Redis's exact sparse or dense layout (`db::hll`), so values move between
//! real Redis and us through RDB, DUMP and replication unchanged.

use bytes::Bytes;

use super::ctx::{Ctx, Handler};
use super::handler::{CmdError, CmdResult, WRONGTYPE};
use crate::db::hll::{self, HllError, HLL_REGISTERS};
use crate::db::{Entry, Value};
use crate::notify;

pub const COMMANDS: &[(&str, Handler)] =
    &[("pfadd", pfadd), ("pfcount", pfcount), ("pfmerge", pfmerge), ("pfdebug", pfdebug), ("pfselftest", pfselftest)];

fn err(e: HllError) -> CmdError {
    e.message().into()
}

fn sparse_max_bytes(ctx: &Ctx) -> usize {
    ctx.st.config.get_int("hll-sparse-max-bytes").unwrap_or(3000).max(0) as usize
}

/// `isHLLObjectOrReply` on a value read for a merge or count: its bytes, or the error.
fn hll_bytes(e: &Entry) -> Result<Vec<u8>, CmdError> {
    let s = e.str().ok_or(WRONGTYPE)?.to_vec();
    hll::check(&s).map_err(err)?;
    Ok(s)
}

/// The HLL at `key` as a mutable string (`dbUnshareStringValue`), checked; None when missing.
fn hll_for_write<'a>(ctx: &'a mut Ctx, key: &[u8]) -> Result<Option<&'a mut Vec<u8>>, CmdError> {
    let Some(e) = ctx.lookup_write(key) else { return Ok(None) };
    hll::check(&e.str().ok_or(WRONGTYPE)?.to_vec()).map_err(err)?;
    Ok(Some(e.str_mut().ok_or(WRONGTYPE)?))
}

/// PFADD key [element ...]
fn pfadd(ctx: &mut Ctx, argv: &[Bytes]) -> CmdResult {
    let key = &argv[1];
    let max = sparse_max_bytes(ctx);
    let mut updated = 0u64;
    if hll_for_write(ctx, key)?.is_none() {
        ctx.db().insert(Entry::with_value(key, Value::Raw(Box::new(hll::new_sparse()))));
        ctx.notify_new(key);
        updated += 1;
    }
    let v = hll_for_write(ctx, key)?.expect("exists");
    for el in &argv[2..] {
        if hll::add(v, el, max).map_err(err)? {
            updated += 1;
        }
    }
    if updated > 0 {
        hll::invalidate_cache(v);
        ctx.modified(key);
        ctx.notify(notify::STRING, "pfadd", key);
        ctx.dirty(updated);
    }
    ctx.out.int((updated > 0) as i64);
    Ok(())
}

/// PFCOUNT key [key ...]: one key answers from (and refreshes) its cached cardinality, several
/// count the union without changing anything.
fn pfcount(ctx: &mut Ctx, argv: &[Bytes]) -> CmdResult {
    if argv.len() > 2 {
        let mut max = [0u8; HLL_REGISTERS];
        for k in &argv[1..] {
            let Some(e) = ctx.lookup_read(k) else { continue };
            let v = hll_bytes(e)?;
            hll::merge_into(&mut max, &v).map_err(err)?;
        }
        ctx.out.int(hll::count_registers(&max) as i64);
        return Ok(());
    }
    let key = &argv[1];
    if ctx.lookup_read(key).is_none() {
        ctx.out.int(0);
        return Ok(());
    }
    let v = hll_for_write(ctx, key)?.expect("exists");
    let (card, updated) = hll::count(v).map_err(err)?;
    if updated {
        ctx.modified(key);
        ctx.dirty(1);
    }
    ctx.out.int(card as i64);
    Ok(())
}

/// PFMERGE destkey [sourcekey ...]: the destination is one of the merged HLLs; it stays sparse
/// unless an input is dense (or a register outgrows the sparse form).
fn pfmerge(ctx: &mut Ctx, argv: &[Bytes]) -> CmdResult {
    let mut max = [0u8; HLL_REGISTERS];
    let mut use_dense = false;
    for k in &argv[1..] {
        let Some(e) = ctx.lookup_read(k) else { continue };
        let v = hll_bytes(e)?;
        if !hll::is_sparse(&v) {
            use_dense = true;
        }
        hll::merge_into(&mut max, &v).map_err(err)?;
    }
    let key = &argv[1];
    let limit = sparse_max_bytes(ctx);
    if ctx.lookup_write(key).is_none() {
        ctx.db().insert(Entry::with_value(key, Value::Raw(Box::new(hll::new_sparse()))));
        ctx.notify_new(key);
    }
    let v = hll_for_write(ctx, key)?.expect("exists");
    hll::merge_store(v, &max, use_dense, limit).map_err(err)?;
    hll::invalidate_cache(v);
    ctx.modified(key);
    ctx.notify(notify::STRING, "pfadd", key);
    ctx.dirty(1);
    ctx.out.ok();
    Ok(())
}

/// PFDEBUG GETREG|DECODE|ENCODING|TODENSE key
fn pfdebug(ctx: &mut Ctx, argv: &[Bytes]) -> CmdResult {
    let sub = String::from_utf8_lossy(&argv[1]).into_owned();
    let key = &argv[2];
    if ctx.lookup_write(key).is_none() {
        return Err("ERR The specified key does not exist".into());
    }
    let v = hll_for_write(ctx, key)?.expect("exists");
    match sub.to_ascii_lowercase().as_str() {
        "getreg" => {
            let (regs, converted) = hll::pfdebug_getreg(v).map_err(err)?;
            if converted {
                ctx.dirty(1);
            }
            ctx.out.array(regs.len());
            for r in regs {
                ctx.out.int(r as i64);
            }
        }
        "decode" => {
            let text = hll::decode_sparse(v).map_err(err)?;
            ctx.out.bulk(text.as_bytes());
        }
        "encoding" => {
            let name = hll::encoding_name(v).map_err(err)?;
            ctx.out.simple(name);
        }
        "todense" => {
            let converted = hll::to_dense(v).map_err(err)?;
            if converted {
                ctx.dirty(1);
            }
            ctx.out.int(converted as i64);
        }
        _ => return Err(format!("ERR Unknown PFDEBUG subcommand '{sub}'").into()),
    }
    Ok(())
}

/// PFSELFTEST: the representation and estimator checks Redis runs.
fn pfselftest(ctx: &mut Ctx, _argv: &[Bytes]) -> CmdResult {
    let max = sparse_max_bytes(ctx);
    match hll::selftest(max) {
        Ok(()) => {
            ctx.out.ok();
            Ok(())
        }
        Err(e) => Err(e.into()),
    }
}
