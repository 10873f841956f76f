//! Introspection: COMMAND, SLOWLOG, LATENCY, MONITOR, DEBUG, MEMORY, and the HELP reply shape.

use bytes::Bytes;

use super::table::{self, CommandDef};
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
    ("latency|graph", latency_graph),
    ("latency|histogram", latency_histogram),
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

/// Redis's `addReplySubcommandSyntaxError`: a known subcommand with arguments it does not take.
pub fn subcommand_syntax_error(argv: &[Bytes]) -> super::CmdError {
    let sub = String::from_utf8_lossy(&argv[1][..argv[1].len().min(128)]).into_owned();
    format!("ERR unknown subcommand or wrong number of arguments for '{sub}'. Try {} HELP.", String::from_utf8_lossy(&argv[0]).to_ascii_uppercase())
        .into()
}

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
            None => ctx.out.null(),
        }
    }
    Ok(())
}

/// The COMMAND DOCS map of a command; a subcommand's lives in its parent's `subcommands`.
fn docs_of(def: &CommandDef) -> Option<&Frame> {
    if let Some(d) = &def.docs {
        return Some(d);
    }
    let (parent, _) = def.name.split_once('|')?;
    let subs = table::table().get(parent)?.docs.as_ref()?.get("subcommands")?;
    match subs {
        Frame::Map(pairs) => pairs.iter().find(|(k, _)| k.as_str().is_some_and(|n| n.eq_ignore_ascii_case(&def.name))).map(|(_, v)| v),
        _ => None,
    }
}

fn command_docs(ctx: &mut Ctx, argv: &[Bytes]) -> CmdResult {
    let defs: Vec<&CommandDef> = if argv.len() == 2 { table::table().sorted() } else { argv[2..].iter().filter_map(|n| find(n)).collect() };
    let docs: Vec<(&str, &Frame)> = defs.into_iter().filter_map(|d| docs_of(d).map(|f| (d.name.as_str(), f))).collect();
    ctx.out.map(docs.len());
    for (name, doc) in docs {
        ctx.out.bulk(name.as_bytes());
        doc.write(ctx.out);
    }
    Ok(())
}

fn command_list(ctx: &mut Ctx, argv: &[Bytes]) -> CmdResult {
    // COMMAND LIST [FILTERBY MODULE name | ACLCAT cat | PATTERN pattern]
    let filter = match argv.len() {
        2 => None,
        5 if args::is(&argv[2], "filterby") => {
            let kind = super::lower(&argv[3]);
            if !matches!(kind.as_str(), "module" | "aclcat" | "pattern") {
                return Err(SYNTAX.into());
            }
            Some((kind, argv[4].clone()))
        }
        _ => return Err(SYNTAX.into()),
    };
    let mut names: Vec<String> = Vec::new();
    for def in table::table().sorted() {
        let mut push = |d: &CommandDef| {
            let ok = match &filter {
                None => true,
                Some((kind, val)) if kind == "pattern" => crate::util::glob_match(val, d.name.as_bytes(), true),
                Some((kind, val)) if kind == "aclcat" => acl_categories(d).iter().any(|c| c.eq_ignore_ascii_case(&String::from_utf8_lossy(val))),
                // No modules: nothing belongs to one.
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
    d.info
        .items()
        .and_then(|i| i.get(6))
        .and_then(|c| c.items())
        .unwrap_or(&[])
        .iter()
        .filter_map(|f| f.as_str())
        .map(|s| s.trim_start_matches('@').to_string())
        .collect()
}

/// Key positions of a command invocation, from its key specs (handles movable keys).
pub fn keys_of(def: &CommandDef, argv: &[Bytes]) -> Vec<usize> {
    keys_with_spec(def, argv).into_iter().map(|(p, _)| p).collect()
}

/// Key positions with the index of the key spec that found each.
fn keys_with_spec(def: &CommandDef, argv: &[Bytes]) -> Vec<(usize, usize)> {
    let specs = def.info.items().and_then(|i| i.get(8)).and_then(|s| s.items()).unwrap_or(&[]);
    if specs.is_empty() {
        return def.key_positions(argv.len()).into_iter().map(|p| (p, 0)).collect();
    }
    // Redis's `getKeysUsingKeySpecs`: a spec whose range falls outside the arguments makes the
    // whole lookup invalid (no keys); a keyword that is absent just skips its spec.
    let n = argv.len() as i64;
    let mut out = Vec::new();
    for (spec_index, spec) in specs.iter().enumerate() {
        let (Some(bs), Some(fk)) = (spec.get("begin_search"), spec.get("find_keys")) else { continue };
        let first = match bs.get("type").and_then(|t| t.as_str()) {
            Some("index") => bs.get("spec").and_then(|s| s.get("index")).and_then(|i| i.as_int()).unwrap_or(0),
            Some("keyword") => {
                let spec = bs.get("spec");
                let kw = spec.and_then(|s| s.get("keyword")).and_then(|k| k.as_bytes()).unwrap_or(b"");
                let from = spec.and_then(|s| s.get("startfrom")).and_then(|k| k.as_int()).unwrap_or(1);
                let range: Box<dyn Iterator<Item = i64>> = if from > 0 { Box::new(from..n) } else { Box::new((1..=(n + from)).rev()) };
                match range.take_while(|i| *i >= 1 && *i < n).find(|&i| argv[i as usize].eq_ignore_ascii_case(kw)) {
                    Some(i) => i + 1,
                    None => continue,
                }
            }
            _ => return Vec::new(),
        };
        let fspec = fk.get("spec");
        let geti = |k: &str| fspec.and_then(|s| s.get(k)).and_then(|v| v.as_int()).unwrap_or(0);
        let (first, last, step) = match fk.get("type").and_then(|t| t.as_str()) {
            Some("range") => {
                let (lastkey, limit) = (geti("lastkey"), geti("limit"));
                let last = if lastkey >= 0 {
                    first + lastkey
                } else if limit == 0 {
                    n + lastkey
                } else {
                    first + ((n - first) / limit + lastkey)
                };
                (first, last, geti("keystep").max(1))
            }
            Some("keynum") => {
                let idx = first + geti("keynumidx");
                if idx >= n {
                    return Vec::new();
                }
                let Some(numkeys) = crate::util::parse_i64(&argv[idx as usize]).filter(|k| *k >= 0) else { return Vec::new() };
                let first = first + geti("firstkey");
                (first, first + numkeys - 1, geti("keystep").max(1))
            }
            _ => return Vec::new(),
        };
        if last >= n || last < first || first >= n {
            return Vec::new();
        }
        let mut i = first;
        while i <= last {
            out.push((i as usize, spec_index));
            i += step;
        }
    }
    out
}

/// The key-spec flags of each key position (what COMMAND GETKEYSANDFLAGS replies).
fn key_flags(def: &CommandDef, argv: &[Bytes], positions: &[usize]) -> Vec<Vec<String>> {
    // SET's flags depend on its arguments (`setGetKeys`): with GET it reads the old value.
    if def.name == "set" {
        let get = argv.iter().skip(3).any(|a| args::is(a, "get"));
        let f: &[&str] = if get { &["RW", "access", "update"] } else { &["OW", "update"] };
        return positions.iter().map(|_| f.iter().map(|s| s.to_string()).collect()).collect();
    }
    let specs = def.info.items().and_then(|i| i.get(8)).and_then(|s| s.items()).unwrap_or(&[]);
    let spec_flags: Vec<Vec<String>> = specs
        .iter()
        .map(|sp| sp.get("flags").and_then(|f| f.items()).unwrap_or(&[]).iter().filter_map(|f| f.as_str().map(str::to_string)).collect())
        .collect();
    keys_with_spec(def, argv)
        .into_iter()
        .filter(|(p, _)| positions.contains(p))
        .map(|(_, i)| spec_flags.get(i).cloned().unwrap_or_default())
        .collect()
}

fn command_getkeys(ctx: &mut Ctx, argv: &[Bytes]) -> CmdResult {
    let with_flags = argv[1].eq_ignore_ascii_case(b"getkeysandflags");
    let target = &argv[2..];
    let def = match super::lookup(target) {
        super::Lookup::Found(d) if d.handler.is_some() || d.subcommands.is_empty() => d,
        _ => return Err("ERR Invalid command specified".into()),
    };
    let has_keys = def.first_key > 0 || def.info.items().and_then(|i| i.get(8)).and_then(|s| s.items()).is_some_and(|s| !s.is_empty());
    if !has_keys {
        return Err("ERR The command has no key arguments".into());
    }
    if !def.arity_ok(target.len()) {
        return Err("ERR Invalid number of arguments specified for command".into());
    }
    let keys = keys_of(def, target);
    if keys.is_empty() {
        return Err("ERR Invalid arguments specified for command".into());
    }
    let flags = if with_flags { key_flags(def, target, &keys) } else { Vec::new() };
    ctx.out.array(keys.len());
    for (i, k) in keys.iter().enumerate() {
        if with_flags {
            ctx.out.array(2);
            ctx.out.bulk(&target[*k]);
            let f = flags.get(i).cloned().unwrap_or_default();
            ctx.out.set(f.len());
            for name in f {
                ctx.out.simple(&name);
            }
        } else {
            ctx.out.bulk(&target[*k]);
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

/// What SLOWLOG and MONITOR show of a command: secrets replaced by "(redacted)", as Redis's
/// `redactClientCommandArgument` does for AUTH, HELLO ... AUTH and sensitive CONFIG SET values.
pub fn redacted(argv: &[Bytes]) -> std::borrow::Cow<'_, [Bytes]> {
    const SECRET: &[u8] = b"(redacted)";
    let name = super::lower(&argv[0]);
    let mut hide: Vec<usize> = Vec::new();
    match name.as_str() {
        "auth" => hide.extend(1..argv.len()),
        "hello" => {
            let mut j = 2;
            while j < argv.len() {
                if args::is(&argv[j], "auth") && j + 2 < argv.len() {
                    hide.extend([j + 1, j + 2]);
                    j += 3;
                } else {
                    j += if args::is(&argv[j], "setname") { 2 } else { 1 };
                }
            }
        }
        "config" if argv.len() > 3 && args::is(&argv[1], "set") => {
            for j in (2..argv.len() - 1).step_by(2) {
                if crate::config::Config::is_sensitive(&argv[j]) {
                    hide.push(j + 1);
                }
            }
        }
        _ => {}
    }
    if hide.is_empty() {
        return std::borrow::Cow::Borrowed(argv);
    }
    let mut v = argv.to_vec();
    for j in hide {
        if let Some(a) = v.get_mut(j) {
            *a = Bytes::from_static(SECRET);
        }
    }
    std::borrow::Cow::Owned(v)
}

pub fn slowlog_push(st: &mut State, me: &ClientState, argv: &[Bytes], duration_us: i64) {
    let threshold = st.config.slowlog_log_slower_than;
    if threshold < 0 || duration_us < threshold {
        return;
    }
    let argv = redacted(argv);
    let argv = &argv[..];
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
    if argv.len() > 3 {
        return Err(subcommand_syntax_error(argv));
    }
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

/// How many samples an event keeps (LATENCY_TS_LEN).
const LATENCY_TS_LEN: usize = 160;

/// `latencyAddSampleIfNeeded`: records `ms` for `event` when it reaches latency-monitor-threshold;
/// samples in the same second are merged, keeping the highest.
pub fn latency_sample(st: &mut State, event: &str, ms: u64) {
    let threshold = st.config.latency_monitor_threshold;
    if threshold == 0 || ms < threshold {
        return;
    }
    let now = crate::util::now_ms() / 1000;
    let e = st.latency.entry(event.to_string()).or_default();
    e.max_ms = e.max_ms.max(ms);
    match e.history.back_mut() {
        Some(last) if last.0 == now => last.1 = last.1.max(ms),
        _ => {
            e.history.push_back((now, ms));
            if e.history.len() > LATENCY_TS_LEN {
                e.history.pop_front();
            }
        }
    }
    if let Some(&(t, l)) = e.history.back() {
        e.latest_s = t;
        e.latest_ms = l;
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

/// Width of LATENCY GRAPH (LATENCY_GRAPH_COLS) and its height in rows.
const GRAPH_COLS: usize = 80;
const GRAPH_ROWS: usize = 4;

fn latency_graph(ctx: &mut Ctx, argv: &[Bytes]) -> CmdResult {
    let name = String::from_utf8_lossy(&argv[2]).into_owned();
    let Some(e) = ctx.st.latency.get(&name) else {
        return Err(format!("ERR No samples available for event '{name}'").into());
    };
    let now = crate::util::now_ms() / 1000;
    let samples: Vec<(u64, String)> = e
        .history
        .iter()
        .map(|&(t, ms)| {
            let elapsed = now - t;
            let label = if elapsed < 60 {
                format!("{elapsed}s")
            } else if elapsed < 3600 {
                format!("{}m", elapsed / 60)
            } else if elapsed < 86400 {
                format!("{}h", elapsed / 3600)
            } else {
                format!("{}d", elapsed / 86400)
            };
            (ms, label)
        })
        .collect();
    let max = samples.iter().map(|s| s.0).max().unwrap_or(0);
    let min = samples.iter().map(|s| s.0).min().unwrap_or(0);
    let mut graph = format!("{name} - high {max} ms, low {min} ms (all time high {} ms)\n", e.max_ms);
    graph.push_str(&"-".repeat(GRAPH_COLS));
    graph.push('\n');
    let mut first = true;
    for chunk in samples.chunks(GRAPH_COLS) {
        if !first {
            graph.push('\n');
        }
        first = false;
        sparkline_rows(&mut graph, chunk, min, max);
    }
    ctx.out.verbatim(graph.as_bytes());
    Ok(())
}

/// Redis's sparkline rendering (filled style): `GRAPH_ROWS` rows of `_o#|` bars scaled between the
/// sequence's min and max, then the labels written vertically under each column.
fn sparkline_rows(out: &mut String, samples: &[(u64, String)], min: u64, max: u64) {
    const FILL: [char; 3] = ['_', 'o', '#'];
    let steps = (FILL.len() * GRAPH_ROWS) as f64;
    let relmax = if max == min { 1.0 } else { (max - min) as f64 };
    let mut row = 0;
    loop {
        let mut chars = vec![' '; samples.len()];
        let mut more = false;
        for (j, (value, label)) in samples.iter().enumerate() {
            let relval = (value - min) as f64;
            let step = ((relval * steps) / relmax) as i64;
            let step = step.clamp(0, steps as i64 - 1);
            if row < GRAPH_ROWS {
                more = true;
                let idx = step - ((GRAPH_ROWS - row - 1) * FILL.len()) as i64;
                if (0..FILL.len() as i64).contains(&idx) {
                    chars[j] = FILL[idx as usize];
                } else if idx >= FILL.len() as i64 {
                    chars[j] = '|';
                }
            } else {
                // One blank row between the bars and the labels.
                if row - GRAPH_ROWS < 1 {
                    more = true;
                    break;
                }
                let label_char = row - GRAPH_ROWS - 1;
                if let Some(c) = label.chars().nth(label_char) {
                    more = true;
                    chars[j] = c;
                }
            }
        }
        if !more {
            break;
        }
        row += 1;
        out.extend(chars);
        out.push('\n');
    }
}

fn latency_doctor(ctx: &mut Ctx, _argv: &[Bytes]) -> CmdResult {
    let text = if ctx.st.latency.is_empty() {
        if ctx.st.config.latency_monitor_threshold == 0 {
            "I'm sorry, Dave, I can't do that. Latency monitoring is disabled in this Redis instance. You may use \"CONFIG SET latency-monitor-threshold <milliseconds>.\" in order to enable it. If we weren't in a deep space mission I'd suggest to take a look at https://redis.io/topics/latency-monitor.\n".to_string()
        } else {
            "Dave, no latency spike was observed during the lifetime of this Redis instance, not in the slightest bit. I honestly think you ought to sit down calmly, take a stress pill, and think things over.\n".to_string()
        }
    } else {
        let mut s = String::from("Dave, I have observed latency spikes in this Redis instance. You don't mind talking about it, do you Dave?\n\n");
        let mut names: Vec<_> = ctx.st.latency.iter().collect();
        names.sort_by(|a, b| a.0.cmp(b.0));
        let mut commands = false;
        for (i, (name, e)) in names.iter().enumerate() {
            let n = e.history.len().max(1) as u64;
            let avg = e.history.iter().map(|h| h.1).sum::<u64>() / n;
            let mad = e.history.iter().map(|h| h.1.abs_diff(avg)).sum::<u64>() / n;
            let period = match (e.history.front(), e.history.back()) {
                (Some(a), Some(b)) if e.history.len() > 1 => (b.0 - a.0) as f64 / n as f64,
                _ => (crate::util::now_ms() / 1000 - e.latest_s).max(1) as f64 / n as f64,
            };
            s.push_str(&format!(
                "{}. {}: {} latency spikes (average {}ms, mean deviation {}ms, period {:.2} sec). Worst all time event {}ms.\n",
                i + 1,
                name,
                e.history.len(),
                avg,
                mad,
                period,
                e.max_ms
            ));
            commands |= name.as_str() == "command" || name.as_str() == "fast-command";
        }
        s.push_str("\nI have a few advices for you:\n\n");
        if commands {
            let threshold_us = ctx.st.config.latency_monitor_threshold as i64 * 1000;
            if ctx.st.config.slowlog_log_slower_than < 0 || ctx.st.config.slowlog_log_slower_than > threshold_us {
                s.push_str(&format!("- Your current Slow Log configuration only logs events that are slower than your configured latency monitor threshold. Please use 'CONFIG SET slowlog-log-slower-than {threshold_us}'.\n"));
            }
            s.push_str("- Check your Slow Log to understand what are the commands you are running which are too slow to execute. Please check https://redis.io/commands/slowlog for more information.\n");
            s.push_str("- Deleting, expiring or evicting (because of maxmemory policy) large objects is a blocking operation. If you have very large objects that are often deleted, expired, or evicted, try to fragment those objects into multiple smaller objects.\n");
        }
        s
    };
    ctx.out.verbatim(text.as_bytes());
    Ok(())
}

/// LATENCY HISTOGRAM [command ...]: per-command call counts and a cumulative log2 histogram of
/// their latencies (we keep totals only, so every call is put in the bucket of the mean).
fn latency_histogram(ctx: &mut Ctx, argv: &[Bytes]) -> CmdResult {
    let stats: std::collections::HashMap<&str, crate::stats::CommandStat> =
        ctx.st.stats.named().into_iter().filter(|(_, c)| c.calls > 0).map(|(n, c)| (n, c.clone())).collect();
    let mut names: Vec<String> = Vec::new();
    if argv.len() == 2 {
        names = stats.keys().map(|n| n.to_string()).collect();
        names.sort();
    } else {
        for a in &argv[2..] {
            let Some(d) = find(a) else { continue };
            let mut candidates = vec![d.name.clone()];
            let mut subs: Vec<&String> = d.subcommands.values().map(|s| &s.name).collect();
            subs.sort();
            candidates.extend(subs.into_iter().cloned());
            for n in candidates {
                if stats.contains_key(n.as_str()) && !names.contains(&n) {
                    names.push(n);
                }
            }
        }
    }
    let out = &mut *ctx.out;
    out.map(names.len());
    for n in names {
        let c = stats.get(n.as_str()).cloned().unwrap_or_default();
        out.bulk(n.as_bytes());
        out.map(2);
        out.bulk(b"calls");
        out.int(c.calls as i64);
        out.bulk(b"histogram_usec");
        let mean = c.usec / c.calls.max(1);
        let bucket = mean.max(1).next_power_of_two();
        out.map(1);
        out.int(bucket as i64);
        out.int(c.calls as i64);
    }
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
    // Already monitoring: Redis does not even reply.
    if !ctx.me.monitor {
        ctx.me.monitor = true;
        ctx.st.monitors.push(ctx.me.id);
        ctx.out.ok();
    }
    Ok(())
}

/// Sends a command to every MONITOR client: `+<unix time> [<db> <addr>] "arg" ...`. Returns the
/// line when the running client is itself a monitor (it gets it after its own reply).
pub fn feed_monitors(st: &mut State, me: &ClientState, argv: &[Bytes], now_ms: i64) -> Option<Vec<u8>> {
    let us = crate::util::now_us();
    let _ = now_ms;
    let mut line = format!("+{}.{:06} [{} {}]", us / 1_000_000, us % 1_000_000, me.db, me.addr);
    for a in redacted(argv).iter() {
        line.push(' ');
        crate::util::repr_into(&mut line, a);
    }
    line.push_str("\r\n");
    for id in &st.monitors {
        if let Some(c) = st.clients.get(id) {
            c.send_within_limit(&st.obuf_limits, line.clone().into_bytes());
        }
    }
    me.monitor.then(|| line.into_bytes())
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

/// Quicklist node sizes per `list-max-listpack-size` (positive: entries per node; negative: 4 KB
/// times 2^(n-1) per node), in the SIZE_SAFETY_LIMIT / estimate terms of `_quicklistNodeAllowInsert`.
const QL_SIZE_LEVELS: [usize; 5] = [4096, 8192, 16384, 32768, 65536];

/// (nodes, total listpack bytes) of a list laid out the way RPUSH builds it: each element goes to
/// the tail node while it fits, else starts a new one.
fn quicklist_shape(list: &std::collections::VecDeque<crate::db::Elem>, fill: i64) -> (usize, usize) {
    const LP_EMPTY: usize = 7; // header (6) + end byte
    let (mut nodes, mut total) = (0usize, 0usize);
    let (mut cur_bytes, mut cur_count) = (0usize, 0usize);
    for e in list {
        let fits = cur_count > 0 && {
            let new_sz = cur_bytes + e.len() + 8;
            if fill >= 0 {
                new_sz <= 8192 && cur_count < fill.max(1) as usize
            } else {
                new_sz <= QL_SIZE_LEVELS[((-fill - 1) as usize).min(QL_SIZE_LEVELS.len() - 1)]
            }
        };
        if !fits {
            total += cur_bytes;
            nodes += 1;
            cur_bytes = LP_EMPTY;
            cur_count = 0;
        }
        cur_bytes += crate::persistence::listpack::entry_size(e);
        cur_count += 1;
    }
    total += cur_bytes;
    (nodes.max(1), total)
}

/// DEBUG OBJECT: Redis's one-line summary (the key is looked up without expiring it).
fn debug_object(ctx: &mut Ctx, key: &[u8]) -> CmdResult {
    let db = ctx.me.db;
    let Some(e) = ctx.st.dbs[db].peek(key, i64::MIN) else { return Err(super::NO_SUCH_KEY.into()) };
    let shared_int = matches!(e.value, Value::Int(n) if (0..10000).contains(&n));
    let refcount = if shared_int { i32::MAX } else { 1 };
    let extra = match &e.value {
        Value::List(l) => {
            let fill = ctx.st.config.list_max_listpack_size;
            let (nodes, bytes) = quicklist_shape(l, fill);
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
    let positive = |a: &[u8]| -> Result<i64, super::CmdError> {
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

// --- MEMORY ---------------------------------------------------------------------------------

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

fn memory_usage(ctx: &mut Ctx, argv: &[Bytes]) -> CmdResult {
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

fn memory_doctor(ctx: &mut Ctx, _argv: &[Bytes]) -> CmdResult {
    let used = crate::alloc::used_memory();
    let text: &[u8] = if used < DOCTOR_MIN_MEMORY {
        b"Hi Sam, this instance is empty or is using very little memory, my issues detector can't be used in these conditions. Please, leave for your mission on Earth and fill it with some data. The new Sam and I will be back to our programming as soon as I finished rebooting.\n"
    } else {
        b"Hi Sam, I can't find any memory issue in your instance. I can only account for what occurs on this base.\n"
    };
    ctx.out.verbatim(text);
    Ok(())
}

fn memory_stats(ctx: &mut Ctx, _argv: &[Bytes]) -> CmdResult {
    // "allocated" is what the allocator counts (`crate::alloc`), as Redis's zmalloc reports it.
    let used = crate::alloc::used_memory() as i64;
    let rss = crate::sys::rss_bytes() as i64;
    let peak = (ctx.st.peak_memory as i64).max(used);
    let startup = ctx.st.startup_memory as i64;
    let keys = ctx.st.total_keys() as i64;
    let clients: i64 = ctx.st.clients.values().map(|c| (c.qbuf + c.outbox.pending() + 16384) as i64).sum::<i64>() + 16384;
    let dbs: Vec<(usize, i64, i64)> = ctx
        .st
        .dbs
        .iter()
        .enumerate()
        .filter(|(_, d)| !d.is_empty())
        .map(|(i, d)| (i, d.mem_usage_estimate() as i64, d.expires_count() as i64 * 8))
        .collect();
    let aof = ctx.st.aof.buf.capacity() as i64;
    let overhead: i64 = startup + clients + aof + dbs.iter().map(|d| d.1 + d.2).sum::<i64>();
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
    int(out, "clients.slaves", 0);
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
