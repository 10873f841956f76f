//! DEBUG: the subcommands Redis's test suite and tools use (OBJECT, POPULATE, SLEEP, RELOAD, ...).

use bytes::Bytes;

use super::help_reply;
use crate::client::ClientState;
use crate::cmd::ctx::Ctx;
use crate::cmd::handler::CmdResult;
use crate::db::Value;
use crate::state::State;

/// The rejection for DEBUG when `enable-debug-command` does not allow this client.
pub const DEBUG_NOT_ALLOWED: &str = "ERR DEBUG command not allowed. If the enable-debug-command option is set to \"local\", you can run it from a local connection, otherwise you need to set this option in the configuration file, and then restart the server.";

/// Redis's `allowProtectedAction` for DEBUG: "yes", or "local" from a loopback/unix connection.
pub fn debug_allowed(st: &State, me: &ClientState) -> bool {
    match st.config.enable_debug_command.as_str() {
        "yes" => true,
        "local" => {
            let ip = me.addr.rsplit_once(':').map(|(ip, _)| ip).unwrap_or(&me.addr);
            matches!(ip, "127.0.0.1" | "[::1]" | "::1") || me.addr.starts_with('/') || me.addr.starts_with("unix")
        }
        _ => false,
    }
}

/// C's `strtod` on a prefix (DEBUG SLEEP's lenient parse): junk reads as 0.
fn lenient_f64(arg: &[u8]) -> f64 {
    let s = String::from_utf8_lossy(arg);
    let s = s.trim_start();
    let end = s
        .char_indices()
        .take_while(|(_, c)| c.is_ascii_digit() || matches!(c, '.' | '-' | '+' | 'e' | 'E'))
        .map(|(i, c)| i + c.len_utf8())
        .last()
        .unwrap_or(0);
    (0..=end).rev().find_map(|i| s.get(..i).and_then(|p| p.parse::<f64>().ok())).unwrap_or(0.0)
}

/// C's `atoi` (DEBUG SET-ACTIVE-EXPIRE): leading digits, junk reads as 0.
fn lenient_int(arg: &[u8]) -> i64 {
    let s = String::from_utf8_lossy(arg);
    let s = s.trim_start();
    let (neg, digits) = match s.as_bytes().first() {
        Some(b'-') => (true, &s[1..]),
        Some(b'+') => (false, &s[1..]),
        _ => (false, s),
    };
    let n = digits.bytes().take_while(u8::is_ascii_digit).fold(0i64, |acc, d| acc.wrapping_mul(10).wrapping_add(i64::from(d - b'0')));
    if neg {
        -n
    } else {
        n
    }
}

/// `rdbSavedObjectLen`: the size of the value as an RDB file stores it (LZF compression included).
fn serialized_len(st: &State, e: &crate::db::Entry) -> usize {
    let opts = crate::persistence::rdb::encode::ValueOptions {
        compression: st.config.get_bool("rdbcompression").unwrap_or(true),
        list_max_listpack_size: st.config.list_max_listpack_size,
    };
    let mut buf = Vec::new();
    crate::persistence::rdb::encode::write_value(&mut buf, e, &opts);
    buf.len()
}

/// Redis's DEBUG HELP text (7.0), subcommands we do not implement included: it is what clients see.
const DEBUG_HELP: &[&str] = &[
    "AOF-FLUSH-SLEEP <microsec>",
    "    Server will sleep before flushing the AOF, this is used for testing.",
    "ASSERT",
    "    Crash by assertion failed.",
    "CHANGE-REPL-ID",
    "    Change the replication IDs of the instance.",
    "    Dangerous: should be used only for testing the replication subsystem.",
    "CONFIG-REWRITE-FORCE-ALL",
    "    Like CONFIG REWRITE but writes all configuration options, including",
    "    keywords not listed in original configuration file or default values.",
    "CRASH-AND-RECOVER [<milliseconds>]",
    "    Hard crash and restart after a <milliseconds> delay (default 0).",
    "DIGEST",
    "    Output a hex signature representing the current DB content.",
    "DIGEST-VALUE <key> [<key> ...]",
    "    Output a hex signature of the values of all the specified keys.",
    "ERROR <string>",
    "    Return a Redis protocol error with <string> as message. Useful for clients",
    "    unit tests to simulate Redis errors.",
    "LEAK <string>",
    "    Create a memory leak of the input string.",
    "LOG <message>",
    "    Write <message> to the server log.",
    "HTSTATS <dbid>",
    "    Return hash table statistics of the specified Redis database.",
    "HTSTATS-KEY <key>",
    "    Like HTSTATS but for the hash table stored at <key>'s value.",
    "LOADAOF",
    "    Flush the AOF buffers on disk and reload the AOF in memory.",
    "REPLICATE <string>",
    "    Replicates the provided string to replicas, allowing data divergence.",
    "MALLCTL <key> [<val>]",
    "    Get or set a malloc tuning integer.",
    "MALLCTL-STR <key> [<val>]",
    "    Get or set a malloc tuning string.",
    "OBJECT <key>",
    "    Show low level info about `key` and associated value.",
    "DROP-CLUSTER-PACKET-FILTER <packet-type>",
    "    Drop all packets that match the filtered type. Set to -1 allow all packets.",
    "OOM",
    "    Crash the server simulating an out-of-memory error.",
    "PANIC",
    "    Crash the server simulating a panic.",
    "POPULATE <count> [<prefix>] [<size>]",
    "    Create <count> string keys named key:<num>. If <prefix> is specified then",
    "    it is used instead of the 'key' prefix. These are not propagated to",
    "    replicas. Cluster slots are not respected so keys not belonging to the",
    "    current node can be created in cluster mode.",
    "PROTOCOL <type>",
    "    Reply with a test value of the specified type. <type> can be: string,",
    "    integer, double, bignum, null, array, set, map, attrib, push, verbatim,",
    "    true, false.",
    "RELOAD [option ...]",
    "    Save the RDB on disk and reload it back to memory. Valid <option> values:",
    "    * MERGE: conflicting keys will be loaded from RDB.",
    "    * NOFLUSH: the existing database will not be removed before load, but",
    "      conflicting keys will generate an exception and kill the server.",
    "    * NOSAVE: the database will be loaded from an existing RDB file.",
    "    Examples:",
    "    * DEBUG RELOAD: verify that the server is able to persist, flush and reload",
    "      the database.",
    "    * DEBUG RELOAD NOSAVE: replace the current database with the contents of an",
    "      existing RDB file.",
    "    * DEBUG RELOAD NOSAVE NOFLUSH MERGE: add the contents of an existing RDB",
    "      file to the database.",
    "RESTART [<milliseconds>]",
    "    Graceful restart: save config, db, restart after a <milliseconds> delay (default 0).",
    "SDSLEN <key>",
    "    Show low level SDS string info representing `key` and value.",
    "SEGFAULT",
    "    Crash the server with sigsegv.",
    "SET-ACTIVE-EXPIRE <0|1>",
    "    Setting it to 0 disables expiring keys in background when they are not",
    "    accessed (otherwise the Redis behavior). Setting it to 1 reenables back the",
    "    default.",
    "QUICKLIST-PACKED-THRESHOLD <size>",
    "    Sets the threshold for elements to be inserted as plain vs packed nodes",
    "    Default value is 1GB, allows values up to 4GB. Setting to 0 restores to default.",
    "SET-SKIP-CHECKSUM-VALIDATION <0|1>",
    "    Enables or disables checksum checks for RDB files and RESTORE's payload.",
    "SLEEP <seconds>",
    "    Stop the server for <seconds>. Decimals allowed.",
    "STRINGMATCH-TEST",
    "    Run a fuzz tester against the stringmatchlen() function.",
    "STRUCTSIZE",
    "    Return the size of different Redis core C structures.",
    "LISTPACK <key>",
    "    Show low level info about the listpack encoding of <key>.",
    "QUICKLIST <key> [<0|1>]",
    "    Show low level info about the quicklist encoding of <key>.",
    "    The optional argument (0 by default) sets the level of detail",
    "CLIENT-EVICTION",
    "    Show low level client eviction pools info (maxmemory-clients).",
    "PAUSE-CRON <0|1>",
    "    Stop periodic cron job processing.",
    "REPLYBUFFER PEAK-RESET-TIME <NEVER||RESET|time>",
    "    Sets the time (in milliseconds) to wait between client reply buffer peak resets.",
    "    In case NEVER is provided the last observed peak will never be reset",
    "    In case RESET is provided the peak reset time will be restored to the default value",
    "REPLYBUFFER RESIZING <0|1>",
    "    Enable or disable the reply buffer resize cron job",
    "CLUSTERLINK KILL <to|from|all> <node-id>",
    "    Kills the link based on the direction to/from (both) with the provided node.",
];

pub(super) fn debug(ctx: &mut Ctx, argv: &[Bytes]) -> CmdResult {
    let sub = crate::cmd::handler::lower(&argv[1]);
    match (sub.as_str(), argv.len()) {
        ("help", 2) => help_reply(ctx, "DEBUG", DEBUG_HELP),
        ("sleep", 3) => {
            let secs = lenient_f64(&argv[2]);
            // Like Redis, the whole server stops (we hold the state lock).
            let us = (secs * 1_000_000.0) as i64;
            if us > 0 {
                std::thread::sleep(std::time::Duration::from_micros(us.min(3_600_000_000) as u64));
            }
            ctx.out.ok();
        }
        ("set-active-expire", 3) => {
            ctx.st.active_expire_enabled = lenient_int(&argv[2]) != 0;
            ctx.out.ok();
        }
        ("object", 3) => debug_object(ctx, &argv[2])?,
        ("populate", 3..=5) => debug_populate(ctx, argv)?,
        ("log", 3) => {
            crate::log::warning(&format!("DEBUG LOG: {}", String::from_utf8_lossy(&argv[2])));
            ctx.out.ok();
        }
        ("error", 3) => {
            // The argument is the whole error line, after a '-' (no code added); written raw,
            // so, as in Redis, it is not counted in errorstats.
            ctx.out.raw(b"-");
            ctx.out.raw(&argv[2].iter().map(|&c| if c == b'\r' || c == b'\n' { b' ' } else { c }).collect::<Vec<u8>>());
            ctx.out.raw(b"\r\n");
        }
        ("change-repl-id", 2) => {
            ctx.st.run_id = ctx.st.rng.hex(40);
            ctx.out.ok();
        }
        ("pause-cron", 3) => ctx.out.ok(),
        ("reload", _) => debug_reload(ctx, &argv[2..])?,
        ("quicklist-packed-threshold", 3) => {
            let sz = crate::config::memtoull(&argv[2]);
            if !sz.is_some_and(crate::db::types::set_list_packed_threshold) {
                return Err("ERR argument must be a memory value bigger than 1 and smaller than 4gb".into());
            }
            ctx.out.ok();
        }
        ("listpack", 3) | ("quicklist", 3 | 4) => debug_print_structure(ctx, &sub, &argv[2])?,
        ("replybuffer", 4) => {
            if crate::cmd::args::is(&argv[2], "peak-reset-time") {
                ctx.st.reply_buffer_peak_reset_ms = if crate::cmd::args::is(&argv[3], "never") {
                    -1
                } else if crate::cmd::args::is(&argv[3], "reset") {
                    crate::state::REPLY_BUFFER_DEFAULT_PEAK_RESET_MS
                } else {
                    crate::cmd::args::int(&argv[3])?
                };
            } else if crate::cmd::args::is(&argv[2], "resizing") {
                ctx.st.reply_buffer_resizing = lenient_int(&argv[3]) != 0;
            } else {
                return Err(unknown_subcommand(&argv[1]));
            }
            ctx.out.ok();
        }
        _ => return Err(unknown_subcommand(&argv[1])),
    }
    Ok(())
}

fn unknown_subcommand(sub: &[u8]) -> crate::cmd::handler::CmdError {
    format!("ERR unknown subcommand or wrong number of arguments for '{}'. Try DEBUG HELP.", String::from_utf8_lossy(&sub[..sub.len().min(128)]))
        .into()
}

/// DEBUG RELOAD [MERGE] [NOFLUSH] [NOSAVE]: saves the RDB (unless NOSAVE), empties the dataset
/// and the functions (unless NOFLUSH) and loads the file back; with NOFLUSH and MERGE the loaded
/// keys and libraries replace those already here. Unlike Redis, the file is read before anything
/// is emptied, so a file that does not load leaves the data as it was (Redis empties first), and a
/// duplicate key without MERGE is that same error instead of Redis's crash.
fn debug_reload(ctx: &mut Ctx, opts: &[Bytes]) -> CmdResult {
    use crate::cmd::args::is;
    let (mut merge, mut flush, mut save) = (false, true, true);
    for o in opts {
        if is(o, "merge") {
            merge = true;
        } else if is(o, "noflush") {
            flush = false;
        } else if is(o, "nosave") {
            save = false;
        } else {
            return Err("ERR DEBUG RELOAD only supports the MERGE, NOFLUSH and NOSAVE options.".into());
        }
    }
    if save && crate::persistence::snapshot::save(ctx.st).is_err() {
        return Err("ERR".into());
    }
    const LOAD_FAILED: &str = "ERR Error trying to load the RDB dump";
    let path = crate::persistence::snapshot::rdb_path(ctx.st);
    let progress = std::sync::Arc::new(std::sync::atomic::AtomicU64::new(0));
    let Ok((mut dbs, _, _, _, functions)) =
        crate::persistence::startup::load_rdb(&ctx.st.config, &path, &progress).map_err(|e| crate::log::warning(&e))
    else {
        return Err(LOAD_FAILED.into());
    };
    let now = ctx.now;
    if !flush && !merge {
        let dup = dbs.iter().zip(ctx.st.dbs.iter()).any(|(new, old)| new.iter().any(|e| old.peek(e.key(), now).is_some()));
        if dup {
            crate::log::warning("RDB has duplicated key: DEBUG RELOAD NOFLUSH needs MERGE");
            return Err(LOAD_FAILED.into());
        }
    }
    let policy = match (flush, merge) {
        (true, _) => crate::script::functions::RestorePolicy::Flush,
        (false, true) => crate::script::functions::RestorePolicy::Replace,
        (false, false) => crate::script::functions::RestorePolicy::Append,
    };
    let backup = ctx.st.scripts.functions().sources();
    if let Err(e) = ctx.st.scripts.functions_mut().restore(&functions, policy) {
        crate::log::warning(&format!("Failed loading the functions library: {e}"));
        let _ = ctx.st.scripts.functions_mut().restore(&backup, crate::script::functions::RestorePolicy::Flush);
        return Err(LOAD_FAILED.into());
    }
    crate::keyspace::touch_all_watched(ctx.st, Some(&mut *ctx.me), None);
    if flush {
        for (old, new) in ctx.st.dbs.iter_mut().zip(dbs.iter_mut()) {
            std::mem::swap(old, new);
        }
    } else {
        for (old, new) in ctx.st.dbs.iter_mut().zip(dbs.iter_mut()) {
            let keys: Vec<Vec<u8>> = new.iter().map(|e| e.key().to_vec()).collect();
            for k in keys {
                if let Some(e) = new.remove(&k) {
                    old.insert(e);
                }
            }
        }
    }
    crate::log::warning("DB reloaded by DEBUG RELOAD");
    ctx.out.ok();
    Ok(())
}

/// DEBUG LISTPACK key / DEBUG QUICKLIST key [full]: the value's internal layout printed on
/// standard output, as Redis's `lpRepr` / `quicklistRepr` do, for a value of that encoding.
fn debug_print_structure(ctx: &mut Ctx, sub: &str, key: &[u8]) -> CmdResult {
    let fill = ctx.st.config.list_max_listpack_size;
    let Some(e) = ctx.lookup_read_notouch(key) else { return Err(crate::cmd::handler::NO_SUCH_KEY.into()) };
    let text = match (sub, &e.value) {
        ("listpack", _) if e.encoding() == "listpack" => {
            let items: Vec<Vec<u8>> = match &e.value {
                Value::Hash(h) => h.iter().flat_map(|(f, v)| [f.to_vec(), v.to_vec()]).collect(),
                Value::ZSet(z) => z.iter().flat_map(|(m, s)| [m.to_vec(), crate::util::fmt_double(s).into_bytes()]).collect(),
                _ => Vec::new(),
            };
            let mut t = format!("{{total entries {}}}\n", items.len());
            for (i, it) in items.iter().enumerate() {
                t.push_str(&format!("{{\n\taddr: {i}\n\tindex: {i:>2}\n\tentry: {}\n}}\n", String::from_utf8_lossy(it)));
            }
            t.push_str("{end}\n\n");
            t
        }
        ("quicklist", Value::List(l)) => {
            let (nodes, bytes) = crate::db::types::quicklist_shape(l, fill);
            format!("{{quicklist {{count : {}}} {{len : {nodes}}} {{fill : {fill}}} {{compress : 0}} {{bytes : {bytes}}}}}\n", l.len())
        }
        ("listpack", _) => return Err("ERR Not a listpack encoded object.".into()),
        _ => return Err("ERR Not a quicklist encoded object.".into()),
    };
    use std::io::Write;
    let _ = std::io::stdout().write_all(text.as_bytes());
    let _ = std::io::stdout().flush();
    ctx.out.simple(if sub == "listpack" { "Listpack structure printed on stdout" } else { "Quicklist structure printed on stdout" });
    Ok(())
}

/// DEBUG OBJECT: Redis's one-line summary (the key is looked up without expiring it).
fn debug_object(ctx: &mut Ctx, key: &[u8]) -> CmdResult {
    let db = ctx.me.db;
    let Some(e) = ctx.st.dbs[db].peek(key, i64::MIN) else { return Err(crate::cmd::handler::NO_SUCH_KEY.into()) };
    let shared_int = matches!(e.value, Value::Int(n) if (0..10000).contains(&n));
    let refcount = if shared_int { i32::MAX } else { 1 };
    let extra = match &e.value {
        Value::List(l) => {
            let fill = ctx.st.config.list_max_listpack_size;
            let (nodes, bytes) = crate::db::types::quicklist_shape(l, fill);
            format!(
                " ql_nodes:{} ql_avg_node:{:.2} ql_listpack_max:{} ql_compressed:0 ql_uncompressed_size:{}",
                nodes,
                l.len() as f64 / nodes.max(1) as f64,
                fill,
                bytes
            )
        }
        _ => String::new(),
    };
    let idle = crate::db::access::lru_clock().saturating_sub(e.lru);
    let text = format!(
        "Value at:{:p} refcount:{} encoding:{} serializedlength:{} lru:{} lru_seconds_idle:{}{}",
        e as *const crate::db::Entry,
        refcount,
        e.encoding(),
        serialized_len(ctx.st, e),
        e.lru & 0xff_ffff,
        idle,
        extra
    );
    ctx.out.simple(&text);
    Ok(())
}

/// DEBUG POPULATE <count> [<prefix>] [<size>]: creates `prefix:N` = `value:N` (padded with zero
/// bytes or cut to `size`), skipping keys that exist.
fn debug_populate(ctx: &mut Ctx, argv: &[Bytes]) -> CmdResult {
    // getPositiveLongFromObjectOrReply with a message: the same error for junk and negatives.
    let positive = |a: &[u8]| -> Result<i64, crate::cmd::handler::CmdError> {
        crate::util::parse_i64(a).filter(|n| *n >= 0).ok_or_else(|| "ERR value is out of range, must be positive".into())
    };
    let count = positive(&argv[2])?;
    let size = match argv.get(4) {
        Some(a) => positive(a)? as usize,
        None => 0,
    };
    let prefix: &[u8] = argv.get(3).map(|p| &p[..]).unwrap_or(b"key");
    let db = ctx.me.db;
    let now = ctx.now;
    // Room for every key first, as Redis's dbExpand: a count no memory can hold is refused here
    // instead of filling memory key by key until an allocation fails.
    if !usize::try_from(count).is_ok_and(|n| ctx.st.dbs[db].try_reserve(n)) {
        return Err("ERR OOM in dictTryExpand".into());
    }
    // Redis would abort allocating a value this large; refusing the command keeps the server up.
    if size > 0 && Vec::<u8>::new().try_reserve_exact(size).is_err() {
        return Err(format!("ERR OOM allocating a value of {size} bytes").into());
    }
    for j in 0..count {
        let mut key = prefix.to_vec();
        key.extend_from_slice(format!(":{j}").as_bytes());
        // Redis formats the key into a 128-byte buffer.
        key.truncate(127);
        if ctx.st.dbs[db].lookup(&key, now).is_some() {
            continue;
        }
        let mut val = format!("value:{j}").into_bytes();
        if size > 0 {
            if val.try_reserve_exact(size.saturating_sub(val.len())).is_err() {
                return Err(format!("ERR OOM allocating a value of {size} bytes").into());
            }
            val.resize(size, 0);
        }
        ctx.st.dbs[db].insert(crate::db::Entry::string_verbatim(&key, &val));
        ctx.notify_new(&key);
        ctx.modified(&key);
    }
    ctx.out.ok();
    Ok(())
}
