//! The commands a sentinel serves differently from the data server: SENTINEL and its
//! subcommands, and the sentinel versions of INFO, ROLE and PUBLISH (HELLO checks the mode
//! itself). In sentinel mode the command table is redis-sentinel's own (captured in
//! `cmd/redis-7.0-sentinel-commands.resp3`), so arity errors, unknown commands and COMMAND's output
//! are Redis's; these handlers produce Redis 7.0's reply shapes: instance records are maps (flat
//! arrays in RESP2) of bulk strings, errors are sentinel.c's texts.
//!
//! Each handler feeds the state machine and executes what it asked for before replying; the
//! commands Redis answers with `sentinelFlushConfigAndReply` write the config file synchronously
//! and reply with the outcome.

use bytes::Bytes;

use super::driver::{self, Runtime, FLUSH_FAILED};
use crate::cmd::args;
use crate::cmd::ctx::{Ctx, Handler};
use crate::cmd::handler::{CmdError, CmdResult, NOT_INT};
use crate::log;
use crate::resp::reply::Out;
use crate::sentinel::state::{Record, HELLO_CHANNEL, SIMFAILURE_CRASH_AFTER_ELECTION, SIMFAILURE_CRASH_AFTER_PROMOTION};
use crate::state::State;
use crate::util::mono_ms;
use crate::util::parse_i64;

pub const COMMANDS: &[(&str, Handler)] = &[
    ("info", info),
    ("role", role),
    ("publish", publish),
    ("sentinel|masters", masters),
    ("sentinel|master", master),
    ("sentinel|replicas", replicas),
    ("sentinel|slaves", replicas),
    ("sentinel|sentinels", sentinels),
    ("sentinel|get-master-addr-by-name", get_master_addr_by_name),
    ("sentinel|is-master-down-by-addr", is_master_down_by_addr),
    ("sentinel|reset", reset),
    ("sentinel|failover", failover),
    ("sentinel|ckquorum", ckquorum),
    ("sentinel|monitor", monitor),
    ("sentinel|remove", remove),
    ("sentinel|set", set),
    ("sentinel|flushconfig", flushconfig),
    ("sentinel|myid", myid),
    ("sentinel|info-cache", info_cache),
    ("sentinel|simulate-failure", simulate_failure),
    ("sentinel|config", config),
    ("sentinel|pending-scripts", pending_scripts),
    ("sentinel|debug", debug),
    ("sentinel|help", help),
];

/// INFO sections of a sentinel, in the order INFO prints them (the last is ours).
const INFO_SECTIONS: [&str; 4] = ["server", "clients", "stats", "cpu"];

fn runtime(st: &mut State) -> Result<&mut Runtime, CmdError> {
    super::driver::runtime(&mut st.sentinel).ok_or(CmdError::Reply("ERR the sentinel is not running".into()))
}

fn text(b: &Bytes) -> String {
    String::from_utf8_lossy(b).into_owned()
}

/// Executes what the machine asked for; events reach this client too if it is subscribed.
fn drain(ctx: &mut Ctx) {
    driver::drain(ctx.st, Some((&mut *ctx.me, &mut *ctx.out)));
}

/// sentinelFlushConfigAndReply: the queued actions run (the flush among them is done here, now),
/// then `+OK` or the flush error.
fn flush_and_reply(ctx: &mut Ctx) -> CmdResult {
    driver::drain_except_flush(ctx.st, Some((&mut *ctx.me, &mut *ctx.out)));
    match driver::flush_now(ctx.st) {
        Ok(()) => {
            ctx.out.ok();
            Ok(())
        }
        Err(_) => Err(FLUSH_FAILED.into()),
    }
}

/// An instance record: a map of bulk strings (a flat array in RESP2).
fn write_record(out: &mut Out, r: &Record) {
    out.map(r.len());
    for (k, v) in r {
        out.bulk(k.as_bytes());
        out.bulk(v.as_bytes());
    }
}

fn write_records(out: &mut Out, records: &[Record]) {
    out.array(records.len());
    for r in records {
        write_record(out, r);
    }
}

fn info(ctx: &mut Ctx, argv: &[Bytes]) -> CmdResult {
    let requested: Vec<String> = argv[1..].iter().map(|a| crate::cmd::handler::lower(a)).collect();
    let everything = requested.is_empty() || requested.iter().any(|s| matches!(s.as_str(), "all" | "everything" | "default"));
    let wanted = |name: &str| everything || requested.iter().any(|s| s == name);
    let base: Vec<String> = INFO_SECTIONS.iter().filter(|s| wanted(s)).map(|s| s.to_string()).collect();
    let mut info = if base.is_empty() { String::new() } else { crate::cmd::info::info_text(ctx.st, ctx.me.id, 1, &base) };
    if wanted("sentinel") {
        let rt = runtime(ctx.st)?;
        if !info.is_empty() {
            info.push_str("\r\n");
        }
        info.push_str(&rt.machine.info_section(mono_ms(), rt.scripts.running(), rt.scripts.len()));
    }
    ctx.out.bulk(info.as_bytes());
    Ok(())
}

fn role(ctx: &mut Ctx, _argv: &[Bytes]) -> CmdResult {
    let names = runtime(ctx.st)?.machine.master_names();
    ctx.out.array(2);
    ctx.out.bulk(b"sentinel");
    ctx.out.array(names.len());
    for n in &names {
        ctx.out.bulk(n.as_bytes());
    }
    Ok(())
}

/// Only hellos may be published to a sentinel (sentinelPublishCommand); the reply is always 1.
fn publish(ctx: &mut Ctx, argv: &[Bytes]) -> CmdResult {
    if argv[1].as_ref() != HELLO_CHANNEL.as_bytes() {
        return Err("ERR Only HELLO messages are accepted by Sentinel instances.".into());
    }
    runtime(ctx.st)?.machine.publish_hello(&text(&argv[2]), mono_ms());
    drain(ctx);
    ctx.out.int(1);
    Ok(())
}

fn masters(ctx: &mut Ctx, _argv: &[Bytes]) -> CmdResult {
    let records = runtime(ctx.st)?.machine.masters_records(mono_ms());
    write_records(ctx.out, &records);
    Ok(())
}

fn master(ctx: &mut Ctx, argv: &[Bytes]) -> CmdResult {
    let record = runtime(ctx.st)?.machine.master_record(&text(&argv[2]), mono_ms()).map_err(|e| e.to_string())?;
    write_record(ctx.out, &record);
    Ok(())
}

fn replicas(ctx: &mut Ctx, argv: &[Bytes]) -> CmdResult {
    let records = runtime(ctx.st)?.machine.replica_records(&text(&argv[2]), mono_ms()).map_err(|e| e.to_string())?;
    write_records(ctx.out, &records);
    Ok(())
}

fn sentinels(ctx: &mut Ctx, argv: &[Bytes]) -> CmdResult {
    let records = runtime(ctx.st)?.machine.sentinel_records(&text(&argv[2]), mono_ms()).map_err(|e| e.to_string())?;
    write_records(ctx.out, &records);
    Ok(())
}

fn get_master_addr_by_name(ctx: &mut Ctx, argv: &[Bytes]) -> CmdResult {
    match runtime(ctx.st)?.machine.master_addr(&text(&argv[2])) {
        Some((ip, port)) => {
            ctx.out.array(2);
            ctx.out.bulk(ip.as_bytes());
            ctx.out.bulk_int(i64::from(port));
        }
        None => ctx.out.null_array(),
    }
    Ok(())
}

fn is_master_down_by_addr(ctx: &mut Ctx, argv: &[Bytes]) -> CmdResult {
    let port = parse_i64(&argv[3]).ok_or(NOT_INT)?;
    let epoch = parse_i64(&argv[4]).ok_or(NOT_INT)?;
    // NB: Redis casts a negative epoch to uint64_t; so do we.
    let reply = runtime(ctx.st)?.machine.is_master_down_by_addr(&text(&argv[2]), port, epoch as u64, &text(&argv[5]), mono_ms());
    drain(ctx);
    reply.to_frame().write(ctx.out);
    Ok(())
}

fn reset(ctx: &mut Ctx, argv: &[Bytes]) -> CmdResult {
    let n = runtime(ctx.st)?.machine.reset(&text(&argv[2]), mono_ms());
    drain(ctx);
    ctx.out.int(n as i64);
    Ok(())
}

fn failover(ctx: &mut Ctx, argv: &[Bytes]) -> CmdResult {
    let name = text(&argv[2]);
    runtime(ctx.st)?.machine.failover(&name, mono_ms()).map_err(|e| e.to_string())?;
    log::warning(&format!("Executing user requested FAILOVER of '{name}'"));
    drain(ctx);
    ctx.out.ok();
    Ok(())
}

fn ckquorum(ctx: &mut Ctx, argv: &[Bytes]) -> CmdResult {
    let ok = runtime(ctx.st)?.machine.ckquorum(&text(&argv[2])).map_err(|e| e.to_string())?;
    ctx.out.simple(&ok);
    Ok(())
}

fn monitor(ctx: &mut Ctx, argv: &[Bytes]) -> CmdResult {
    // Redis reads the quorum before the port.
    let quorum = parse_i64(&argv[5]).ok_or("ERR Invalid quorum")?;
    let port = parse_i64(&argv[4]).ok_or("ERR Invalid port")?;
    runtime(ctx.st)?.machine.monitor(&text(&argv[2]), &text(&argv[3]), port, quorum, mono_ms()).map_err(|e| e.to_string())?;
    flush_and_reply(ctx)
}

fn remove(ctx: &mut Ctx, argv: &[Bytes]) -> CmdResult {
    runtime(ctx.st)?.machine.remove(&text(&argv[2])).map_err(|e| e.to_string())?;
    flush_and_reply(ctx)
}

fn set(ctx: &mut Ctx, argv: &[Bytes]) -> CmdResult {
    let options: Vec<String> = argv[3..].iter().map(text).collect();
    let executable = |path: &str| crate::sys::access(std::path::Path::new(path), crate::sys::X_OK).is_ok();
    let result = runtime(ctx.st)?.machine.set(&text(&argv[2]), &options, &executable);
    match result {
        Ok(()) => flush_and_reply(ctx),
        Err(e) => {
            // Options applied before the bad one stay applied and are flushed (in the background).
            drain(ctx);
            Err(e.to_string().into())
        }
    }
}

fn flushconfig(ctx: &mut Ctx, _argv: &[Bytes]) -> CmdResult {
    runtime(ctx.st)?.machine.flush_config();
    flush_and_reply(ctx)
}

fn myid(ctx: &mut Ctx, _argv: &[Bytes]) -> CmdResult {
    let id = runtime(ctx.st)?.machine.myid().to_string();
    ctx.out.bulk(id.as_bytes());
    Ok(())
}

fn info_cache(ctx: &mut Ctx, argv: &[Bytes]) -> CmdResult {
    let names: Vec<String> = argv[2..].iter().map(text).collect();
    let cache = runtime(ctx.st)?.machine.info_cache(&names, mono_ms());
    let out = &mut *ctx.out;
    out.array(cache.len() * 2);
    for (name, entries) in &cache {
        out.bulk(name.as_bytes());
        out.array(entries.len());
        for (age, info) in entries {
            out.array(2);
            out.int(*age);
            match info {
                Some(text) => out.bulk(text.as_bytes()),
                None => out.null(),
            }
        }
    }
    Ok(())
}

fn simulate_failure(ctx: &mut Ctx, argv: &[Bytes]) -> CmdResult {
    let machine = &mut runtime(ctx.st)?.machine;
    // Like Redis: the flags are cleared first, and set one by one as the arguments are read.
    let mut flags = 0;
    machine.simulate_failure(flags);
    for a in &argv[2..] {
        if args::is(a, "crash-after-election") {
            flags |= SIMFAILURE_CRASH_AFTER_ELECTION;
            log::warning("Failure simulation: this Sentinel will crash after being successfully elected as failover leader");
        } else if args::is(a, "crash-after-promotion") {
            flags |= SIMFAILURE_CRASH_AFTER_PROMOTION;
            log::warning("Failure simulation: this Sentinel will crash after promoting the selected replica to master");
        } else if args::is(a, "help") {
            ctx.out.array(2);
            ctx.out.bulk(b"crash-after-election");
            ctx.out.bulk(b"crash-after-promotion");
            return Ok(());
        } else {
            return Err("ERR Unknown failure simulation specified".into());
        }
        machine.simulate_failure(flags);
    }
    ctx.out.ok();
    Ok(())
}

fn config(ctx: &mut Ctx, argv: &[Bytes]) -> CmdResult {
    if args::is(&argv[2], "set") && argv.len() == 5 {
        runtime(ctx.st)?.machine.config_set(&text(&argv[3]), &text(&argv[4])).map_err(|e| e.to_string())?;
        return flush_and_reply(ctx);
    }
    if args::is(&argv[2], "get") && argv.len() == 4 {
        let pairs = runtime(ctx.st)?.machine.config_get(&text(&argv[3]));
        ctx.out.map(pairs.len());
        for (k, v) in &pairs {
            ctx.out.bulk(k.as_bytes());
            ctx.out.bulk(v.as_bytes());
        }
        return Ok(());
    }
    Err("ERR Only SENTINEL CONFIG GET <option> / SET <option> <value> are supported.".into())
}

fn pending_scripts(ctx: &mut Ctx, _argv: &[Bytes]) -> CmdResult {
    let State { sentinel, .. } = &mut *ctx.st;
    let rt = driver::runtime_ref(sentinel).ok_or("ERR the sentinel is not running")?;
    rt.scripts.write_pending(ctx.out, mono_ms());
    Ok(())
}

/// SENTINEL DEBUG's parameters, in Redis's order, with where each lives.
const DEBUG_PARAMS: [&str; 13] = [
    "info-period",
    "ping-period",
    "ask-period",
    "publish-period",
    "default-down-after",
    "default-failover-timeout",
    "tilt-trigger",
    "tilt-period",
    "slave-reconf-timeout",
    "min-link-reconnect-period",
    "election-timeout",
    "script-max-runtime",
    "script-retry-delay",
];

/// The value of a DEBUG parameter (`name` from [`DEBUG_PARAMS`]), or a mutable slot for it.
fn debug_param<'a>(rt: &'a mut Runtime, name: &str) -> Option<&'a mut u64> {
    let t = rt.machine.timing_mut();
    Some(match name {
        "info-period" => &mut t.info_period,
        "ping-period" => &mut t.ping_period,
        "ask-period" => &mut t.ask_period,
        "publish-period" => &mut t.publish_period,
        "tilt-trigger" => &mut t.tilt_trigger,
        "tilt-period" => &mut t.tilt_period,
        "slave-reconf-timeout" => &mut t.slave_reconf_timeout,
        "min-link-reconnect-period" => &mut t.min_link_reconnect_period,
        "election-timeout" => &mut t.election_timeout,
        "default-down-after" => &mut t.default_down_after,
        "default-failover-timeout" => &mut t.default_failover_timeout,
        "script-max-runtime" => &mut rt.scripts.max_runtime_ms,
        "script-retry-delay" => &mut rt.scripts.retry_delay_ms,
        _ => return None,
    })
}

fn debug(ctx: &mut Ctx, argv: &[Bytes]) -> CmdResult {
    let rt = runtime(ctx.st)?;
    if argv.len() == 2 {
        ctx.out.map(DEBUG_PARAMS.len());
        for name in DEBUG_PARAMS {
            let v = debug_param(rt, name).map_or(0, |v| *v);
            ctx.out.bulk(name.to_ascii_uppercase().as_bytes());
            ctx.out.bulk_int(v as i64);
        }
        return Ok(());
    }
    // Pairs are applied as they are read: a bad one leaves the earlier ones set, as in Redis.
    let mut j = 2;
    while j < argv.len() {
        let option = text(&argv[j]);
        let slot = if j + 1 < argv.len() { debug_param(rt, &option.to_ascii_lowercase()) } else { None };
        let Some(slot) = slot else {
            return Err(format!("ERR Unknown option or number of arguments for SENTINEL DEBUG '{option}'").into());
        };
        match parse_i64(&argv[j + 1]).filter(|v| *v > 0) {
            Some(v) => *slot = v as u64,
            None => return Err(format!("ERR Invalid argument '{}' for SENTINEL DEBUG '{option}'", text(&argv[j + 1])).into()),
        }
        j += 2;
    }
    ctx.out.ok();
    Ok(())
}

fn help(ctx: &mut Ctx, _argv: &[Bytes]) -> CmdResult {
    crate::cmd::introspect::help_reply(
        ctx,
        "SENTINEL",
        &[
            "CKQUORUM <master-name>",
            "    Check if the current Sentinel configuration is able to reach the quorum",
            "    needed to failover a master and the majority needed to authorize the",
            "    failover.",
            "CONFIG SET <param> <value>",
            "    Set a global Sentinel configuration parameter.",
            "CONFIG GET <param>",
            "    Get global Sentinel configuration parameter.",
            "DEBUG [<param> <value> ...]",
            "    Show a list of configurable time parameters and their values (milliseconds).",
            "    Or update current configurable parameters values (one or more).",
            "GET-MASTER-ADDR-BY-NAME <master-name>",
            "    Return the ip and port number of the master with that name.",
            "FAILOVER <master-name>",
            "    Manually failover a master node without asking for agreement from other",
            "    Sentinels",
            "FLUSHCONFIG",
            "    Force Sentinel to rewrite its configuration on disk, including the current",
            "    Sentinel state.",
            "INFO-CACHE <master-name>",
            "    Return last cached INFO output from masters and all its replicas.",
            "IS-MASTER-DOWN-BY-ADDR <ip> <port> <current-epoch> <runid>",
            "    Check if the master specified by ip:port is down from current Sentinel's",
            "    point of view.",
            "MASTER <master-name>",
            "    Show the state and info of the specified master.",
            "MASTERS",
            "    Show a list of monitored masters and their state.",
            "MONITOR <name> <ip> <port> <quorum>",
            "    Start monitoring a new master with the specified name, ip, port and quorum.",
            "MYID",
            "    Return the ID of the Sentinel instance.",
            "PENDING-SCRIPTS",
            "    Get pending scripts information.",
            "REMOVE <master-name>",
            "    Remove master from Sentinel's monitor list.",
            "REPLICAS <master-name>",
            "    Show a list of replicas for this master and their state.",
            "RESET <pattern>",
            "    Reset masters for specific master name matching this pattern.",
            "SENTINELS <master-name>",
            "    Show a list of Sentinel instances for this master and their state.",
            "SET <master-name> <option> <value> [<option> <value> ...]",
            "    Set configuration parameters for certain masters.",
            "SIMULATE-FAILURE [CRASH-AFTER-ELECTION] [CRASH-AFTER-PROMOTION] [HELP]",
            "    Simulate a Sentinel crash.",
        ],
    );
    Ok(())
}
