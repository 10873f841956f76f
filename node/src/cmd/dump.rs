//! DUMP and RESTORE: a value serialized as Redis 7.0's DUMP payload (RDB value encoding, RDB
//! version, CRC64), so payloads move between redis-server and us in both directions.

use bytes::Bytes;

use super::args;
use super::ctx::{Ctx, Handler};
use super::handler::{CmdResult, SYNTAX};
use crate::db::Value;
use crate::notify;
use crate::persistence::rdb::{self, ValueOptions};

pub const COMMANDS: &[(&str, Handler)] = &[("dump", dump), ("restore", restore), ("restore-asking", restore)];

/// The value encoding options DUMP uses: `rdbcompression` and `list-max-listpack-size`.
pub(super) fn value_options(ctx: &Ctx) -> ValueOptions {
    let c = &ctx.st.config;
    ValueOptions { compression: c.get_bool("rdbcompression").unwrap_or(true), list_max_listpack_size: c.list_max_listpack_size }
}

/// DUMP key: the payload, or null when the key does not exist.
fn dump(ctx: &mut Ctx, argv: &[Bytes]) -> CmdResult {
    let opts = value_options(ctx);
    let payload = match ctx.lookup_read(&argv[1]) {
        Some(e) => rdb::dump_payload(e, &opts),
        None => {
            ctx.out.null();
            return Ok(());
        }
    };
    ctx.out.bulk(&payload);
    Ok(())
}

/// RESTORE key ttl payload [REPLACE] [ABSTTL] [IDLETIME s] [FREQ f], with Redis's checks in
/// Redis's order (options, BUSYKEY, TTL, payload) and its replies.
fn restore(ctx: &mut Ctx, argv: &[Bytes]) -> CmdResult {
    let key = &argv[1];
    let (mut replace, mut absttl) = (false, false);
    let (mut idle, mut freq): (Option<u64>, Option<u8>) = (None, None);
    let mut j = 4;
    while j < argv.len() {
        let more = argv.len() - j - 1;
        if args::is(&argv[j], "replace") {
            replace = true;
        } else if args::is(&argv[j], "absttl") {
            absttl = true;
        } else if args::is(&argv[j], "idletime") && more >= 1 && freq.is_none() {
            let v = args::int(&argv[j + 1])?;
            if v < 0 {
                return Err("ERR Invalid IDLETIME value, must be >= 0".into());
            }
            idle = Some(v as u64);
            j += 1;
        } else if args::is(&argv[j], "freq") && more >= 1 && idle.is_none() {
            let v = args::int(&argv[j + 1])?;
            if !(0..=255).contains(&v) {
                return Err("ERR Invalid FREQ value, must be >= 0 and <= 255".into());
            }
            freq = Some(v as u8);
            j += 1;
        } else {
            return Err(SYNTAX.into());
        }
        j += 1;
    }
    if !replace && ctx.lookup_write(key).is_some() {
        return Err("BUSYKEY Target key name already exists.".into());
    }
    let ttl = args::int(&argv[2])?;
    if ttl < 0 {
        return Err("ERR Invalid TTL value, must be >= 0".into());
    }
    let payload = &argv[3];
    if !rdb::verify_dump_payload(payload) {
        return Err("ERR DUMP payload version or checksum are wrong".into());
    }
    // `sanitize-dump-payload`: `clients` checks what clients send, not what our master sends.
    let deep = match ctx.st.config.get("sanitize-dump-payload").as_deref() {
        Some("yes") => true,
        Some("clients") => !ctx.me.is_master,
        _ => false,
    };
    let loaded = match rdb::decode_dump_payload(payload, &ctx.st.enc, deep) {
        Ok(Some(v)) => v,
        _ => return Err("ERR Bad data format".into()),
    };
    let deleted = replace && ctx.delete(key);
    let expire_at = if ttl != 0 && !absttl { ttl.saturating_add(ctx.now) } else { ttl };
    if expire_at != 0 && ctx.already_expired(expire_at) {
        // Already expired: the key is not created (an old one replaced is deleted).
        if deleted {
            ctx.modified(key);
            ctx.notify(notify::GENERIC, "del", key);
            ctx.dirty(1);
            // Only the deletion of the replaced key happened, and that is what propagates.
            if ctx.propagation_wanted() {
                ctx.propagate_as(vec![Bytes::from_static(b"DEL"), key.clone()]);
            }
        }
        ctx.out.ok();
        return Ok(());
    }
    let mut entry = loaded.into_entry(key);
    entry.expire_at = expire_at;
    let lfu = ctx.st.evict.access().lfu;
    crate::db::access::restore(&mut entry, lfu, freq, idle, ctx.now);
    let wakes = matches!(entry.value, Value::List(_) | Value::ZSet(_) | Value::Stream(_));
    ctx.db().insert(entry);
    ctx.modified(key);
    ctx.notify(notify::GENERIC, "restore", key);
    if wakes {
        ctx.signal_ready(key);
    }
    ctx.dirty(1);
    // A relative TTL is propagated as the absolute deadline it became, flagged ABSTTL.
    if ttl != 0 && !absttl && ctx.propagation_wanted() {
        let mut v = argv.to_vec();
        v[2] = Bytes::from(expire_at.to_string());
        v.push(Bytes::from_static(b"ABSTTL"));
        ctx.propagate_as(v);
    }
    ctx.out.ok();
    Ok(())
}
