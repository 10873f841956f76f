//! Introspection: COMMAND, SLOWLOG, LATENCY, MONITOR, DEBUG, MEMORY, and the HELP reply shape.

use bytes::Bytes;

use super::table::{self, flags, CommandDef};
use super::{args, CmdResult, Ctx, Handler, SYNTAX};
use crate::client::ClientState;
use crate::db::Value;
use crate::resp::frame::Frame;
use crate::state::{SlowEntry, State};

pub const COMMANDS: &[(&str, Handler)] = &[
    ("command", command),
    ("command|count", command_count),
    ("command|info", command_info),
    ("command|docs", command_docs),
    ("command|list", command_list),
    ("command|getkeys", command_getkeys),
    ("command|getkeysandflags", command_getkeys),
    ("command|help", command_help),
    ("slowlog|get", slowlog_get),
    ("slowlog|len", slowlog_len),
    ("slowlog|reset", slowlog_reset),
    ("slowlog|help", slowlog_help),
    ("latency|latest", latency_latest),
    ("latency|history", latency_history),
    ("latency|reset", latency_reset),
    ("latency|doctor", latency_doctor),
    ("latency|help", latency_help),
    ("monitor", monitor),
    ("debug", debug),
    ("memory|usage", memory_usage),
    ("memory|doctor", memory_doctor),
    ("memory|stats", memory_stats),
    ("memory|malloc-stats", memory_malloc_stats),
    ("memory|purge", memory_purge),
    ("memory|help", memory_help),
];

/// Redis's `addReplyHelp`: a header line, the given lines and the HELP entry, as status replies.
pub fn help_reply(ctx: &mut Ctx, cmd: &str, lines: &[&str]) {
    ctx.out.array(lines.len() + 3);
    ctx.out.simple(&format!("{cmd} <subcommand> [<arg> [value] [opt] ...]. Subcommands are:"));
    for l in lines {
        ctx.out.simple(l);
    }
    ctx.out.simple("HELP");
    ctx.out.simple("    Prints this help.");
}

fn command(ctx: &mut Ctx, _argv: &[Bytes]) -> CmdResult {
    let all = table::table().sorted();
    ctx.out.array(all.len());
    for def in all {
        def.info.write(ctx.out);
    }
    Ok(())
}

fn command_count(ctx: &mut Ctx, _argv: &[Bytes]) -> CmdResult {
    ctx.out.int(table::table().commands.len() as i64);
    Ok(())
}

/// Finds a command or subcommand by its full name ("config|get").
fn find(name: &[u8]) -> Option<&'static CommandDef> {
    let n = super::lower(name);
    let mut parts = n.splitn(2, '|');
    let top = table::table().get(parts.next()?)?;
    match parts.next() {
        None => Some(top),
        Some(sub) => top.subcommands.get(sub),
    }
}

fn command_info(ctx: &mut Ctx, argv: &[Bytes]) -> CmdResult {
    if argv.len() == 2 {
        return command(ctx, argv);
    }
    ctx.out.array(argv.len() - 2);
    for name in &argv[2..] {
        match find(name) {
            Some(d) => d.info.write(ctx.out),
            None => ctx.out.null_array(),
        }
    }
    Ok(())
}

fn command_docs(ctx: &mut Ctx, argv: &[Bytes]) -> CmdResult {
    let defs: Vec<&CommandDef> = if argv.len() == 2 { table::table().sorted() } else { argv[2..].iter().filter_map(|n| find(n)).collect() };
    let defs: Vec<&CommandDef> = defs.into_iter().filter(|d| d.docs.is_some()).collect();
    ctx.out.map(defs.len());
    for d in defs {
        ctx.out.bulk(d.name.as_bytes());
        if let Some(doc) = &d.docs {
            doc.write(ctx.out);
        }
    }
    Ok(())
}

fn command_list(ctx: &mut Ctx, argv: &[Bytes]) -> CmdResult {
    let mut names: Vec<String> = Vec::new();
    let filter = if argv.len() == 2 {
        None
    } else if argv.len() == 5 && args::is(&argv[2], "filterby") {
        Some((super::lower(&argv[3]), argv[4].clone()))
    } else {
        return Err(SYNTAX.into());
    };
    for def in table::table().sorted() {
        let mut push = |d: &CommandDef| {
            let ok = match &filter {
                None => true,
                Some((kind, val)) if kind == "pattern" => crate::util::glob_match(val, d.name.as_bytes(), true),
                Some((kind, val)) if kind == "aclcat" => acl_categories(d).iter().any(|c| c.eq_ignore_ascii_case(&String::from_utf8_lossy(val))),
                Some(_) => false,
            };
            if ok {
                names.push(d.name.clone());
            }
        };
        push(def);
        let mut subs: Vec<&CommandDef> = def.subcommands.values().collect();
        subs.sort_by(|a, b| a.name.cmp(&b.name));
        for s in subs {
            push(s);
        }
    }
    ctx.out.array(names.len());
    for n in &names {
        ctx.out.bulk(n.as_bytes());
    }
    Ok(())
}

fn acl_categories(d: &CommandDef) -> Vec<String> {
    d.info.items().and_then(|i| i.get(6)).and_then(|c| c.items()).unwrap_or(&[]).iter().filter_map(|f| f.as_str()).map(|s| s.trim_start_matches('@').to_string()).collect()
}

/// Key positions of a command invocation, from its key specs (handles movable keys).
pub fn keys_of(def: &CommandDef, argv: &[Bytes]) -> Vec<usize> {
    let specs = def.info.items().and_then(|i| i.get(8)).and_then(|s| s.items()).unwrap_or(&[]);
    if specs.is_empty() {
        return def.key_positions(argv.len());
    }
    let mut out = Vec::new();
    for spec in specs {
        let (Some(bs), Some(fk)) = (spec.get("begin_search"), spec.get("find_keys")) else { continue };
        let start = match bs.get("type").and_then(|t| t.as_str()) {
            Some("index") => bs.get("spec").and_then(|s| s.get("index")).and_then(|i| i.as_int()).unwrap_or(0),
            Some("keyword") => {
                let spec = bs.get("spec");
                let kw = spec.and_then(|s| s.get("keyword")).and_then(|k| k.as_bytes()).unwrap_or(b"");
                let from = spec.and_then(|s| s.get("startfrom")).and_then(|k| k.as_int()).unwrap_or(1);
                let n = argv.len() as i64;
                let range: Box<dyn Iterator<Item = i64>> = if from >= 0 { Box::new(from..n) } else { Box::new((1..=(n + from)).rev()) };
                let mut found = 0;
                for i in range {
                    if argv[i as usize].eq_ignore_ascii_case(kw) {
                        found = i + 1;
                        break;
                    }
                }
                if found == 0 {
                    continue;
                }
                found
            }
            _ => continue,
        };
        if start <= 0 || start as usize >= argv.len() {
            continue;
        }
        let fspec = fk.get("spec");
        let geti = |k: &str| fspec.and_then(|s| s.get(k)).and_then(|v| v.as_int()).unwrap_or(0);
        match fk.get("type").and_then(|t| t.as_str()) {
            Some("range") => {
                let (last, step, limit) = (geti("lastkey"), geti("keystep").max(1), geti("limit"));
                let n = argv.len() as i64;
                let end = if last >= 0 {
                    start + last
                } else if limit <= 1 {
                    n + last
                } else {
                    start + (n - start) / limit - 1
                };
                let mut i = start;
                while i <= end && i < n {
                    out.push(i as usize);
                    i += step;
                }
            }
            Some("keynum") => {
                let (numidx, first, step) = (geti("keynumidx"), geti("firstkey"), geti("keystep").max(1));
                let Some(numkeys) = argv.get((start + numidx) as usize).and_then(|a| crate::util::parse_i64(a)) else { continue };
                let mut i = start + first;
                for _ in 0..numkeys.max(0) {
                    if i as usize >= argv.len() {
                        break;
                    }
                    out.push(i as usize);
                    i += step;
                }
            }
            _ => {}
        }
    }
    out
}

fn command_getkeys(ctx: &mut Ctx, argv: &[Bytes]) -> CmdResult {
    let with_flags = argv[1].eq_ignore_ascii_case(b"getkeysandflags");
    let target = &argv[2..];
    let def = match super::lookup(target) {
        super::Lookup::Found(d) => d,
        _ => return Err("ERR Invalid command specified".into()),
    };
    if !def.arity_ok(target.len()) {
        return Err("ERR Invalid number of arguments specified for command".into());
    }
    let keys = keys_of(def, target);
    if keys.is_empty() {
        return Err("ERR The command has no key arguments".into());
    }
    ctx.out.array(keys.len());
    for k in keys {
        if with_flags {
            ctx.out.array(2);
            ctx.out.bulk(&target[k]);
            ctx.out.set(1);
            ctx.out.simple(if def.has(flags::WRITE) { "RW" } else { "RO" });
        } else {
            ctx.out.bulk(&target[k]);
        }
    }
    Ok(())
}

fn command_help(ctx: &mut Ctx, _argv: &[Bytes]) -> CmdResult {
    help_reply(
        ctx,
        "COMMAND",
        &[
            "(no subcommand)",
            "    Return details about all Redis commands.",
            "COUNT",
            "    Return the total number of commands in this Redis server.",
            "LIST",
            "    Return a list of all commands in this Redis server.",
            "INFO [<command-name> ...]",
            "    Return details about multiple Redis commands.",
            "    If no command names are given, documentation details for all",
            "    commands are returned.",
            "DOCS [<command-name> ...]",
            "    Return documentation details about multiple Redis commands.",
            "    If no command names are given, documentation details for all",
            "    commands are returned.",
            "GETKEYS <full-command>",
            "    Return the keys from a full Redis command.",
            "GETKEYSANDFLAGS <full-command>",
            "    Return the keys and the access flags from a full Redis command.",
        ],
    );
    Ok(())
}

// --- SLOWLOG --------------------------------------------------------------------------------

/// Arguments kept per slowlog entry and bytes kept per argument (SLOWLOG_ENTRY_MAX_*).
const SLOWLOG_MAX_ARGC: usize = 32;
const SLOWLOG_MAX_STRING: usize = 128;

pub fn slowlog_push(st: &mut State, me: &ClientState, argv: &[Bytes], duration_us: i64) {
    let threshold = st.config.slowlog_log_slower_than;
    if threshold < 0 || duration_us < threshold {
        return;
    }
    let mut kept: Vec<Bytes> = Vec::new();
    let argc = argv.len().min(SLOWLOG_MAX_ARGC);
    for (i, a) in argv.iter().take(argc).enumerate() {
        if argc != argv.len() && i == argc - 1 {
            kept.push(Bytes::from(format!("... ({} more arguments)", argv.len() - argc + 1)));
        } else if a.len() > SLOWLOG_MAX_STRING {
            let mut v = a[..SLOWLOG_MAX_STRING].to_vec();
            v.extend_from_slice(format!("... ({} more bytes)", a.len() - SLOWLOG_MAX_STRING).as_bytes());
            kept.push(Bytes::from(v));
        } else {
            kept.push(a.clone());
        }
    }
    let id = st.slowlog_next_id;
    st.slowlog_next_id += 1;
    st.slowlog.push_front(SlowEntry {
        id,
        time_s: crate::util::now_ms() / 1000,
        duration_us,
        argv: kept,
        addr: me.addr.clone(),
        name: me.name.as_ref().map(|n| String::from_utf8_lossy(n).into_owned()).unwrap_or_default(),
    });
    let max = st.config.slowlog_max_len;
    while st.slowlog.len() > max {
        st.slowlog.pop_back();
    }
}

fn slowlog_get(ctx: &mut Ctx, argv: &[Bytes]) -> CmdResult {
    let count = match argv.get(2) {
        None => 10,
        Some(a) => {
            let n = crate::util::parse_i64(a).ok_or("ERR count should be greater than or equal to -1")?;
            if n < -1 {
                return Err("ERR count should be greater than or equal to -1".into());
            }
            if n == -1 {
                usize::MAX
            } else {
                n as usize
            }
        }
    };
    let entries: Vec<SlowEntry> = ctx.st.slowlog.iter().take(count).cloned().collect();
    ctx.out.array(entries.len());
    for e in entries {
        ctx.out.array(6);
        ctx.out.int(e.id as i64);
        ctx.out.int(e.time_s);
        ctx.out.int(e.duration_us);
        ctx.out.array(e.argv.len());
        for a in &e.argv {
            ctx.out.bulk(a);
        }
        ctx.out.bulk(e.addr.as_bytes());
        ctx.out.bulk(e.name.as_bytes());
    }
    Ok(())
}

fn slowlog_len(ctx: &mut Ctx, _argv: &[Bytes]) -> CmdResult {
    ctx.out.int(ctx.st.slowlog.len() as i64);
    Ok(())
}

fn slowlog_reset(ctx: &mut Ctx, _argv: &[Bytes]) -> CmdResult {
    ctx.st.slowlog.clear();
    ctx.out.ok();
    Ok(())
}

fn slowlog_help(ctx: &mut Ctx, _argv: &[Bytes]) -> CmdResult {
    help_reply(
        ctx,
        "SLOWLOG",
        &[
            "GET [<count>]",
            "    Return top <count> entries from the slowlog (default: 10, -1 mean all).",
            "    Entries are made of:",
            "    id, timestamp, time in microseconds, arguments array, client IP and port,",
            "    client name",
            "LEN",
            "    Return the length of the slowlog.",
            "RESET",
            "    Reset the slowlog.",
        ],
    );
    Ok(())
}

// --- LATENCY --------------------------------------------------------------------------------

/// Records a latency sample when it crosses `latency-monitor-threshold`.
pub fn latency_sample(st: &mut State, event: &str, ms: u64) {
    let threshold = st.config.latency_monitor_threshold;
    if threshold == 0 || ms < threshold {
        return;
    }
    let now = crate::util::now_ms() / 1000;
    let e = st.latency.entry(event.to_string()).or_default();
    e.latest_s = now;
    e.latest_ms = ms;
    e.max_ms = e.max_ms.max(ms);
    e.history.push_back((now, ms));
    if e.history.len() > 160 {
        e.history.pop_front();
    }
}

fn latency_latest(ctx: &mut Ctx, _argv: &[Bytes]) -> CmdResult {
    let mut events: Vec<(String, crate::state::LatencyEvent)> = ctx.st.latency.iter().map(|(k, v)| (k.clone(), v.clone())).collect();
    events.sort_by(|a, b| a.0.cmp(&b.0));
    ctx.out.array(events.len());
    for (name, e) in events {
        ctx.out.array(4);
        ctx.out.bulk(name.as_bytes());
        ctx.out.int(e.latest_s);
        ctx.out.int(e.latest_ms as i64);
        ctx.out.int(e.max_ms as i64);
    }
    Ok(())
}

fn latency_history(ctx: &mut Ctx, argv: &[Bytes]) -> CmdResult {
    let name = String::from_utf8_lossy(&argv[2]).into_owned();
    let hist: Vec<(i64, u64)> = ctx.st.latency.get(&name).map(|e| e.history.iter().copied().collect()).unwrap_or_default();
    ctx.out.array(hist.len());
    for (t, ms) in hist {
        ctx.out.array(2);
        ctx.out.int(t);
        ctx.out.int(ms as i64);
    }
    Ok(())
}

fn latency_reset(ctx: &mut Ctx, argv: &[Bytes]) -> CmdResult {
    let n = if argv.len() == 2 {
        let n = ctx.st.latency.len();
        ctx.st.latency.clear();
        n
    } else {
        argv[2..].iter().filter(|a| ctx.st.latency.remove(&*String::from_utf8_lossy(a)).is_some()).count()
    };
    ctx.out.int(n as i64);
    Ok(())
}

fn latency_doctor(ctx: &mut Ctx, _argv: &[Bytes]) -> CmdResult {
    let text = if ctx.st.latency.is_empty() {
        if ctx.st.config.latency_monitor_threshold == 0 {
            "I'm sorry, Dave, I can't do that. Latency monitoring is disabled in this Redis instance. You may use \"CONFIG SET latency-monitor-threshold <milliseconds>.\" in order to enable it. If we weren't in a deep space mission I'd suggest to take a look at https://redis.io/topics/latency-monitor.\n".to_string()
        } else {
            "Dave, no latency spike was observed during the lifetime of this Redis instance, not in the slightest bit. I honestly think you ought to sleep tonight.\n".to_string()
        }
    } else {
        let mut s = String::from("Dave, I have observed latency spikes in this Redis instance. You don't mind talking about it, do you Dave?\n\n");
        let mut names: Vec<_> = ctx.st.latency.iter().collect();
        names.sort_by(|a, b| a.0.cmp(b.0));
        for (i, (name, e)) in names.iter().enumerate() {
            s.push_str(&format!("{}. {}: {} latency spikes (average {}ms, mean deviation 0ms, period 0 sec). Worst all time event {}ms.\n", i + 1, name, e.history.len(), e.history.iter().map(|h| h.1).sum::<u64>() / e.history.len().max(1) as u64, e.max_ms));
        }
        s
    };
    ctx.out.verbatim(text.as_bytes());
    Ok(())
}

fn latency_help(ctx: &mut Ctx, _argv: &[Bytes]) -> CmdResult {
    help_reply(
        ctx,
        "LATENCY",
        &[
            "DOCTOR",
            "    Return a human readable latency analysis report.",
            "GRAPH <event>",
            "    Return an ASCII latency graph for the <event> class.",
            "HISTORY <event>",
            "    Return time-latency samples for the <event> class.",
            "LATEST",
            "    Return the latest latency samples for all events.",
            "RESET [<event> ...]",
            "    Reset latency data of one or more <event> classes.",
            "    (default: reset all data for all event classes)",
            "HISTOGRAM [COMMAND ...]",
            "    Return a cumulative distribution of latencies in the format of a histogram for the specified command names.",
            "    If no commands are specified then all histograms are replied.",
        ],
    );
    Ok(())
}

// --- MONITOR --------------------------------------------------------------------------------

fn monitor(ctx: &mut Ctx, _argv: &[Bytes]) -> CmdResult {
    if ctx.me.multi.active || ctx.me.in_exec {
        return Err("ERR MONITOR isn't allowed for DENY BLOCKING client".into());
    }
    if !ctx.me.monitor {
        ctx.me.monitor = true;
        ctx.st.monitors.push(ctx.me.id);
    }
    ctx.out.ok();
    Ok(())
}

/// Quotes an argument like Redis's `sdscatrepr`.
pub fn repr(out: &mut String, s: &[u8]) {
    out.push('"');
    for &c in s {
        match c {
            b'\\' => out.push_str("\\\\"),
            b'"' => out.push_str("\\\""),
            b'\n' => out.push_str("\\n"),
            b'\r' => out.push_str("\\r"),
            b'\t' => out.push_str("\\t"),
            7 => out.push_str("\\a"),
            8 => out.push_str("\\b"),
            c if c.is_ascii_graphic() || c == b' ' => out.push(c as char),
            c => out.push_str(&format!("\\x{c:02x}")),
        }
    }
    out.push('"');
}

/// Sends a command to every MONITOR client: `+<unix time> [<db> <addr>] "arg" ...`.
pub fn feed_monitors(st: &mut State, me: &ClientState, argv: &[Bytes], now_ms: i64) {
    let us = crate::util::now_us();
    let _ = now_ms;
    let mut line = format!("+{}.{:06} [{} {}]", us / 1_000_000, us % 1_000_000, me.db, me.addr);
    for a in argv {
        line.push(' ');
        repr(&mut line, a);
    }
    line.push_str("\r\n");
    for id in &st.monitors {
        if *id == me.id {
            continue;
        }
        if let Some(c) = st.clients.get(id) {
            c.send(line.clone().into_bytes());
        }
    }
}

// --- DEBUG ----------------------------------------------------------------------------------

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
    let end = s.char_indices().take_while(|(_, c)| c.is_ascii_digit() || matches!(c, '.' | '-' | '+' | 'e' | 'E')).map(|(i, c)| i + c.len_utf8()).last().unwrap_or(0);
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

/// RDB length-prefix size (`rdbSaveLen`).
fn rdb_len_size(n: usize) -> usize {
    if n < 1 << 6 {
        1
    } else if n < 1 << 14 {
        2
    } else if n <= u32::MAX as usize {
        5
    } else {
        9
    }
}

/// Size of an integer in RDB's compact integer encoding, if it has one (`rdbEncodeInteger`).
fn rdb_int_size(n: i64) -> Option<usize> {
    if (-(1 << 7)..1 << 7).contains(&n) {
        Some(2)
    } else if (-(1 << 15)..1 << 15).contains(&n) {
        Some(3)
    } else if (-(1 << 31)..1 << 31).contains(&n) {
        Some(5)
    } else {
        None
    }
}

/// `rdbSavedObjectLen` for strings (without LZF compression, which Redis applies to strings over 20
/// bytes when rdbcompression is on); other types get an estimate from their size.
fn serialized_len(e: &crate::db::Entry) -> usize {
    match e.str() {
        Some(crate::db::StrRef::Int(n)) => rdb_int_size(n).unwrap_or_else(|| {
            let l = n.to_string().len();
            rdb_len_size(l) + l
        }),
        Some(crate::db::StrRef::Bytes(b)) => {
            // Strings that look like integers (up to 11 chars) are saved as integers.
            let as_int = if b.len() <= 11 { crate::util::parse_i64(b).and_then(rdb_int_size) } else { None };
            as_int.unwrap_or(rdb_len_size(b.len()) + b.len())
        }
        None => e.mem_usage(),
    }
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

fn debug(ctx: &mut Ctx, argv: &[Bytes]) -> CmdResult {
    let sub = super::lower(&argv[1]);
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
        ("error", 3) => return Err(String::from_utf8_lossy(&argv[2]).into_owned().into()),
        ("change-repl-id", 2) => {
            ctx.st.run_id = ctx.st.rng.hex(40);
            ctx.out.ok();
        }
        ("stringmatch-len", 2) | ("pause-cron", 3) => ctx.out.ok(),
        _ => {
            return Err(format!(
                "ERR unknown subcommand or wrong number of arguments for '{}'. Try DEBUG HELP.",
                String::from_utf8_lossy(&argv[1][..argv[1].len().min(128)])
            )
            .into());
        }
    }
    Ok(())
}

/// DEBUG OBJECT: Redis's one-line summary (the key is looked up without expiring it).
fn debug_object(ctx: &mut Ctx, key: &[u8]) -> CmdResult {
    let db = ctx.me.db;
    let Some(e) = ctx.st.dbs[db].peek(key, i64::MIN) else { return Err(super::NO_SUCH_KEY.into()) };
    let shared_int = matches!(e.value, Value::Int(n) if (0..10000).contains(&n));
    let refcount = if shared_int { i32::MAX } else { 1 };
    let extra = match &e.value {
        Value::List(l) => {
            // A quicklist with list-max-listpack-size -2 (8 KB nodes): estimate the node count.
            let bytes: usize = l.iter().map(|x| x.len() + 2).sum::<usize>() + 7;
            let nodes = bytes.div_ceil(8192).max(1);
            format!(
                " ql_nodes:{} ql_avg_node:{:.2} ql_listpack_max:{} ql_compressed:{} ql_uncompressed_size:{}",
                nodes,
                l.len() as f64 / nodes as f64,
                ctx.st.config.list_max_listpack_size,
                0,
                bytes
            )
        }
        _ => String::new(),
    };
    let idle = crate::db::lru_clock().saturating_sub(e.lru);
    let text = format!(
        "Value at:{:p} refcount:{} encoding:{} serializedlength:{} lru:{} lru_seconds_idle:{}{}",
        e as *const crate::db::Entry,
        refcount,
        e.encoding(),
        serialized_len(e),
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
    let positive = |a: &[u8]| -> Result<i64, super::CmdError> { args::positive(a, "ERR value is out of range, must be positive") };
    let count = positive(&argv[2])?;
    let size = match argv.get(4) {
        Some(a) => positive(a)? as usize,
        None => 0,
    };
    let prefix: &[u8] = argv.get(3).map(|p| &p[..]).unwrap_or(b"key");
    let db = ctx.me.db;
    let now = ctx.now;
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
            val.resize(size, 0);
        }
        ctx.st.dbs[db].insert(crate::db::Entry::string_verbatim(&key, &val));
        ctx.modified(&key);
    }
    ctx.out.ok();
    Ok(())
}

// --- MEMORY ---------------------------------------------------------------------------------

fn memory_usage(ctx: &mut Ctx, argv: &[Bytes]) -> CmdResult {
    if argv.len() > 3 {
        if argv.len() != 5 || !args::is(&argv[3], "samples") {
            return Err(SYNTAX.into());
        }
        let n = args::int(&argv[4])?;
        if n < 0 {
            return Err(SYNTAX.into());
        }
    }
    let db = ctx.me.db;
    let now = ctx.now;
    match ctx.st.dbs[db].lookup(&argv[2], now) {
        Some(e) => {
            let n = e.mem_usage();
            ctx.out.int(n as i64)
        }
        None => ctx.out.null(),
    }
    Ok(())
}

fn memory_doctor(ctx: &mut Ctx, _argv: &[Bytes]) -> CmdResult {
    ctx.out.verbatim(b"Hi Sam, I can't find any memory issue in your instance. I can only account for what occurs on this base.");
    Ok(())
}

fn memory_stats(ctx: &mut Ctx, _argv: &[Bytes]) -> CmdResult {
    let rss = crate::sys::rss_bytes() as i64;
    let keys = ctx.st.total_keys() as i64;
    let dataset: i64 = ctx.st.dbs.iter().map(|d| d.mem_usage_estimate() as i64).sum();
    let out = &mut *ctx.out;
    out.map(6);
    out.bulk(b"peak.allocated");
    out.int(rss);
    out.bulk(b"total.allocated");
    out.int(rss);
    out.bulk(b"keys.count");
    out.int(keys);
    out.bulk(b"keys.bytes-per-key");
    out.int(if keys > 0 { rss / keys } else { 0 });
    out.bulk(b"dataset.bytes");
    out.int(dataset);
    out.bulk(b"allocator.resident");
    out.int(rss);
    Ok(())
}

fn memory_malloc_stats(ctx: &mut Ctx, _argv: &[Bytes]) -> CmdResult {
    ctx.out.verbatim(b"Stats not supported for the current allocator");
    Ok(())
}

fn memory_purge(ctx: &mut Ctx, _argv: &[Bytes]) -> CmdResult {
    ctx.out.ok();
    Ok(())
}

fn memory_help(ctx: &mut Ctx, _argv: &[Bytes]) -> CmdResult {
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

#[allow(dead_code)]
fn frame_of(def: &CommandDef) -> &Frame {
    &def.info
}
