//! MEMORY: USAGE (sized like Redis's allocator would), STATS, DOCTOR and the allocator subcommands.

use bytes::Bytes;

use super::help_reply;
use crate::cmd::args;
use crate::cmd::ctx::Ctx;
use crate::cmd::handler::{CmdResult, SYNTAX};
use crate::db::Value;

/// jemalloc's usable size for an allocation of `n` bytes (its size classes: 8, 16, then four
/// classes per doubling), which is what Redis's memory accounting reports.
fn jemalloc_size(n: usize) -> usize {
    if n <= 8 {
        return 8;
    }
    if n <= 16 {
        return 16;
    }
    let mut base = 16usize;
    loop {
        let step = (base / 4).max(16);
        let mut c = base;
        while c < base * 2 {
            c += step;
            if n <= c {
                return c;
            }
        }
        base *= 2;
    }
}

/// Bytes of an sds string of `len` bytes allocated exactly (`sdsnewlen`): header by size + NUL.
fn sds_alloc(len: usize) -> usize {
    let hdr = if len < 1 << 5 {
        1
    } else if len < 1 << 8 {
        3
    } else if len < 1 << 16 {
        5
    } else if len < 1 << 32 {
        9
    } else {
        17
    };
    jemalloc_size(hdr + len + 1)
}

/// MEMORY USAGE of an entry, following Redis's `objectComputeSize` + key sds + dict entry: exact
/// for strings (int: the 16-byte object; embstr: object and string in one allocation; raw: object
/// plus an exactly sized sds), an estimate from our own sizes for collections.
fn memory_usage_of(e: &crate::db::Entry) -> usize {
    const ROBJ: usize = 16;
    const DICT_ENTRY: usize = 24;
    let value = match &e.value {
        Value::Int(_) => ROBJ,
        _ if e.value.is_string() => {
            let len = e.str().map(|s| s.len()).unwrap_or(0);
            if e.encoding() == "embstr" {
                jemalloc_size(ROBJ + 3 + len + 1)
            } else {
                ROBJ + sds_alloc(len)
            }
        }
        _ => e.mem_usage(),
    };
    value + sds_alloc(e.key().len()) + DICT_ENTRY
}

pub(super) fn memory_usage(ctx: &mut Ctx, argv: &[Bytes]) -> CmdResult {
    // [SAMPLES count], repeatable; a negative count is a syntax error.
    let mut j = 3;
    while j < argv.len() {
        if args::is(&argv[j], "samples") && j + 1 < argv.len() {
            if args::int(&argv[j + 1])? < 0 {
                return Err(SYNTAX.into());
            }
            j += 2;
        } else {
            return Err(SYNTAX.into());
        }
    }
    // Like Redis's dictFind: a key past its expiry but not yet removed still counts.
    let db = ctx.me.db;
    match ctx.st.dbs[db].peek(&argv[2], i64::MIN) {
        Some(e) => {
            let n = memory_usage_of(e);
            ctx.out.int(n as i64)
        }
        None => ctx.out.null(),
    }
    Ok(())
}

/// Under this much used memory, MEMORY DOCTOR declines to diagnose (5 MB, as Redis).
const DOCTOR_MIN_MEMORY: u64 = 5 * 1024 * 1024;

pub(super) fn memory_doctor(ctx: &mut Ctx, _argv: &[Bytes]) -> CmdResult {
    let used = crate::alloc::used_memory();
    let text: &[u8] = if used < DOCTOR_MIN_MEMORY {
        b"Hi Sam, this instance is empty or is using very little memory, my issues detector can't be used in these conditions. Please, leave for your mission on Earth and fill it with some data. The new Sam and I will be back to our programming as soon as I finished rebooting.\n"
    } else {
        b"Hi Sam, I can't find any memory issue in your instance. I can only account for what occurs on this base.\n"
    };
    ctx.out.verbatim(text);
    Ok(())
}

pub(super) fn memory_stats(ctx: &mut Ctx, _argv: &[Bytes]) -> CmdResult {
    // "allocated" is what the allocator counts (`crate::alloc`), as Redis's zmalloc reports it.
    let used = crate::alloc::used_memory() as i64;
    let rss = crate::sys::rss_bytes() as i64;
    let peak = (ctx.st.peak_memory as i64).max(used);
    let startup = ctx.st.startup_memory as i64;
    let keys = ctx.st.total_keys() as i64;
    let (clients, replicas) = ctx.st.client_memory.by_kind();
    let (clients, replicas) = (clients as i64, replicas as i64);
    let dbs: Vec<(usize, i64, i64)> = ctx
        .st
        .dbs
        .iter()
        .enumerate()
        .filter(|(_, d)| !d.is_empty())
        .map(|(i, d)| (i, d.mem_usage_estimate() as i64, d.expires_count() as i64 * 8))
        .collect();
    let aof = ctx.st.aof.buffer_capacity() as i64;
    let overhead: i64 = startup + clients + replicas + aof + dbs.iter().map(|d| d.1 + d.2).sum::<i64>();
    let dataset = (used - overhead).max(0);
    let out = &mut *ctx.out;
    out.map(27 + dbs.len());
    let int = |out: &mut crate::resp::reply::Out, k: &str, v: i64| {
        out.bulk(k.as_bytes());
        out.int(v);
    };
    int(out, "peak.allocated", peak);
    int(out, "total.allocated", used);
    int(out, "startup.allocated", startup);
    int(out, "replication.backlog", 0);
    int(out, "clients.slaves", replicas);
    int(out, "clients.normal", clients);
    int(out, "cluster.links", 0);
    int(out, "aof.buffer", aof);
    int(out, "lua.caches", 0);
    int(out, "functions.caches", 0);
    for (i, main, expires) in &dbs {
        out.bulk(format!("db.{i}").as_bytes());
        out.map(3);
        int(out, "overhead.hashtable.main", *main);
        int(out, "overhead.hashtable.expires", *expires);
        int(out, "overhead.hashtable.slot-to-keys", 0);
    }
    int(out, "overhead.total", overhead);
    int(out, "keys.count", keys);
    int(out, "keys.bytes-per-key", if keys > 0 { (used - startup).max(0) / keys } else { 0 });
    int(out, "dataset.bytes", dataset);
    let pct = |a: i64, b: i64| if b > 0 { a as f64 * 100.0 / b as f64 } else { 0.0 };
    out.bulk(b"dataset.percentage");
    out.double(pct(dataset, (used - startup).max(1)));
    out.bulk(b"peak.percentage");
    out.double(pct(used, peak));
    int(out, "allocator.allocated", used);
    int(out, "allocator.active", used);
    int(out, "allocator.resident", rss);
    out.bulk(b"allocator-fragmentation.ratio");
    out.double(1.0);
    int(out, "allocator-fragmentation.bytes", 0);
    out.bulk(b"allocator-rss.ratio");
    out.double(1.0);
    int(out, "allocator-rss.bytes", 0);
    out.bulk(b"rss-overhead.ratio");
    out.double(1.0);
    int(out, "rss-overhead.bytes", 0);
    out.bulk(b"fragmentation");
    out.double(rss as f64 / used.max(1) as f64);
    int(out, "fragmentation.bytes", rss - used);
    Ok(())
}

pub(super) fn memory_malloc_stats(ctx: &mut Ctx, _argv: &[Bytes]) -> CmdResult {
    ctx.out.verbatim(b"Stats not supported for the current allocator");
    Ok(())
}

pub(super) fn memory_purge(ctx: &mut Ctx, _argv: &[Bytes]) -> CmdResult {
    ctx.out.ok();
    Ok(())
}

pub(super) fn memory_help(ctx: &mut Ctx, _argv: &[Bytes]) -> CmdResult {
    help_reply(
        ctx,
        "MEMORY",
        &[
            "DOCTOR",
            "    Return memory problems reports.",
            "MALLOC-STATS",
            "    Return internal statistics report from the memory allocator.",
            "PURGE",
            "    Attempt to purge dirty pages for reclamation by the allocator.",
            "STATS",
            "    Return information about the memory usage of the server.",
            "USAGE <key> [SAMPLES <count>]",
            "    Return memory in bytes used by <key> and its value. Nested values are",
            "    sampled up to <count> times (default: 5, 0 means sample all).",
        ],
    );
    Ok(())
}
