//! Commands: the dispatcher (Redis's `processCommand` checks and `call`) and one module per
//! command family. Owns command semantics and replies; may call everything below it (subsystems,
//! side effects, state, data, security, ground). Nothing below calls in here: the command table gets
//! its handlers, `acl` and `config` their view of the commands, and the state its entry point for
//! replayed commands from [`install`].
//!
//! Layout:
//! - `mod.rs` (this file): [`install`], [`execute`] → `dispatch` → [`call`], the OOM refusal rule,
//!   [`execute_while_busy`] (what a client may run while a script is busy), and for unit tests
//!   `testing::Session` (commands run without sockets).
//! - `command_table.rs`: Redis 7.0's command metadata (arity, flags, keys, COMMAND INFO/DOCS) joined
//!   with the installed handlers; [`lookup`]. The metadata is captured from real servers in
//!   `redis-7.0-commands.resp3` and, for a sentinel, `redis-7.0-sentinel-commands.resp3`.
//! - `keyspecs.rs`: which arguments are keys (Redis's key specs and its fallbacks), for COMMAND
//!   GETKEYS, the dispatcher and the ACL check.
//! - `ctx.rs`: `Ctx`, what a handler sees (the state, its client, its output) and the side effects
//!   every write has; `handler.rs`: what a handler may answer and Redis's shared error strings;
//!   `args.rs`: argument parsing with Redis's error messages.
//! - `acl.rs`: the ACL command, the credential check AUTH and HELLO share, and the permission check
//!   run before a command.
//! - `blocking.rs`: blocked clients, served again when their keys get data; `wait.rs`: WAIT.
//! - families: `keys`, `strings`, `bits`, `hll`, `lists`, `hashes`, `sets`, `zsets/`, `geo`,
//!   `streams/`, `sort`, `dump`, `migrate`, `pubsub`, `tx`, `scripting/`, `connection`, `clients`,
//!   `info`, `persist`, `replication`, `config_cmd`, `introspect/`, `lolwut`.
//! - `propagation_tests.rs` (tests): what each write propagates, as redis-server 7.0.15 wrote it to
//!   its AOF.

pub mod acl;
pub mod args;
pub mod bits;
pub mod blocking;
pub mod clients;
pub mod command_table;
pub mod config_cmd;
pub mod connection;
pub mod ctx;
pub mod dump;
pub mod geo;
pub mod handler;
pub mod hashes;
pub mod hll;
pub mod info;
pub mod introspect;
pub mod keys;
pub mod keyspecs;
pub mod lists;
pub mod lolwut;
pub mod migrate;
pub mod persist;
#[cfg(test)]
mod propagation_tests;
pub mod pubsub;
pub mod replication;
pub mod scripting;
pub mod sets;
pub mod sort;
pub mod streams;
pub mod strings;
pub mod tx;
pub mod wait;
pub mod zsets;

use bytes::Bytes;

use crate::client::{ClientState, ReplyMode};
use crate::resp::reply::Out;
use crate::state::State;
use crate::util::now_us;
use command_table::{flags, CommandDef};
pub use command_table::{lookup, Lookup};
pub use ctx::{Ctx, Handler};
pub use handler::{lower, CmdError, CmdResult, NOT_FLOAT, NOT_INT, NO_SUCH_KEY, OUT_OF_RANGE, OVERFLOW, SYNTAX, WRONGTYPE};

/// Gives the command table every family's handlers (and builds it). Runs once at start-up, before
/// any command, in every process and test that executes commands; later calls do nothing.
pub fn install() {
    install_handlers();
    crate::state::set_dispatcher(crate::state::Dispatcher {
        execute: |st, me, out, argv| {
            execute(st, me, out, argv);
        },
        knows: |argv| matches!(lookup(argv), Lookup::Found(_)),
    });
    command_table::table();
}

/// Registers the handlers (the table is built later, by [`install`]) and lets the configuration
/// check `rename-command` names against them; runs before the configuration is read.
pub fn install_handlers() {
    command_table::install(all_handlers());
    crate::acl::catalog::set_source(command_table::acl_catalog);
    crate::config::set_command_catalog(command_table::handler_known);
}

/// Every handler, by lowercase full name ("config|get" for subcommands).
pub fn all_handlers() -> Vec<(&'static str, Handler)> {
    let mut v = Vec::new();
    v.extend_from_slice(connection::COMMANDS);
    v.extend_from_slice(acl::COMMANDS);
    v.extend_from_slice(keys::COMMANDS);
    v.extend_from_slice(dump::COMMANDS);
    v.extend_from_slice(migrate::COMMANDS);
    v.extend_from_slice(strings::COMMANDS);
    v.extend_from_slice(bits::COMMANDS);
    v.extend_from_slice(hll::COMMANDS);
    v.extend_from_slice(geo::COMMANDS);
    v.extend_from_slice(sort::COMMANDS);
    v.extend_from_slice(lists::COMMANDS);
    v.extend_from_slice(hashes::COMMANDS);
    v.extend_from_slice(sets::COMMANDS);
    v.extend_from_slice(zsets::COMMANDS);
    v.extend_from_slice(streams::COMMANDS);
    v.extend_from_slice(pubsub::COMMANDS);
    v.extend_from_slice(replication::COMMANDS);
    v.extend_from_slice(tx::COMMANDS);
    v.extend_from_slice(wait::COMMANDS);
    v.extend_from_slice(clients::COMMANDS);
    v.extend_from_slice(info::COMMANDS);
    v.extend_from_slice(persist::COMMANDS);
    v.extend_from_slice(config_cmd::COMMANDS);
    v.extend_from_slice(introspect::COMMANDS);
    v.extend_from_slice(lolwut::COMMANDS);
    v.extend(scripting::commands());
    v
}

/// What the connection must do after a command.
#[derive(Debug, PartialEq, Eq)]
pub enum Outcome {
    Done,
    /// The client is now blocked; stop processing its input until it is served or times out.
    Blocked,
    /// Close the connection once the output is written (QUIT, CLIENT KILL of self).
    Close,
    /// Clients are paused: retry this command later.
    Paused,
}

fn unknown_command_msg(argv: &[Bytes]) -> Vec<u8> {
    // Redis builds "'arg' " pieces while the text is under 128 bytes, each cut to the room left.
    let mut args: Vec<u8> = Vec::new();
    for a in &argv[1..] {
        if args.len() >= 128 {
            break;
        }
        let room = 128 - args.len();
        args.push(b'\'');
        args.extend_from_slice(truncate(a, room));
        args.extend_from_slice(b"' ");
    }
    let mut msg = b"ERR unknown command '".to_vec();
    msg.extend_from_slice(truncate(&argv[0], 128));
    msg.extend_from_slice(b"', with args beginning with: ");
    msg.extend_from_slice(&args);
    msg
}

/// Runs one command for a client, with Redis's checks in Redis's order. The caller holds the lock and
/// has taken `me` out of `st.clients`.
pub fn execute(st: &mut State, me: &mut ClientState, out: &mut Out, argv: Vec<Bytes>) -> Outcome {
    // One clock read serves as the command's time and the start of its commandstats duration.
    execute_at(st, me, out, argv, now_us())
}

/// The commands whose replies are pub/sub confirmations.
const SUBSCRIPTION_COMMANDS: [&[u8]; 6] = [b"subscribe", b"psubscribe", b"unsubscribe", b"punsubscribe", b"ssubscribe", b"sunsubscribe"];

/// `execute` with the clock already read: `start_us` is the command's time and the start of its
/// duration. A connection running a pipelined batch passes the reading that ended the previous
/// command (`State::last_call_end_us`), so a batch of N commands reads the clock N + 1 times, not 2N.
pub fn execute_at(st: &mut State, me: &mut ClientState, out: &mut Out, argv: Vec<Bytes>, start_us: i64) -> Outcome {
    me.last_interaction_ms = start_us / 1000;
    // Client-side caching before a command: the table kept within `tracking-table-max-keys`,
    // and whether a CLIENT CACHING flag ends with this command.
    let caching_ends = st.tracking.clients > 0 && tracking_before(st, me, &argv);
    // CLIENT REPLY OFF / SKIP: everything the command replies, errors included, is dropped.
    let outcome = if matches!(me.reply_mode, ReplyMode::Off | ReplyMode::SkipThis) {
        // Except pub/sub's confirmations, which Redis 7.0 writes as pushes (CLIENT_PUSHING) that
        // go out whatever the reply mode, in RESP2 as in RESP3.
        let pushes = !me.multi.active && SUBSCRIPTION_COMMANDS.iter().any(|c| argv[0].eq_ignore_ascii_case(c));
        let mut scratch = Out::with_resp(out.resp);
        let outcome = dispatch(st, me, &mut scratch, argv, start_us);
        // CLIENT REPLY ON lifts the silence before it replies its +OK.
        if me.reply_mode == ReplyMode::On || (pushes && !scratch.buf.starts_with(b"-")) {
            out.raw(&scratch.buf);
        }
        outcome
    } else {
        dispatch(st, me, out, argv, start_us)
    };
    // Redis's resetClient: a SKIP lasts one command, and a CLIENT REPLY SKIP just run arms the next.
    if outcome != Outcome::Paused {
        if caching_ends {
            crate::tracking::clear_caching(me);
        }
        me.reply_mode = match me.reply_mode {
            ReplyMode::Skip => ReplyMode::SkipThis,
            ReplyMode::SkipThis => ReplyMode::On,
            m => m,
        };
    }
    outcome
}

/// Keeps the tracking table in bounds (Redis does it in processCommand) and says whether this
/// command consumes a pending CLIENT CACHING (resetClient clears it after any command but CLIENT).
#[cold]
fn tracking_before(st: &mut State, me: &mut ClientState, argv: &[Bytes]) -> bool {
    crate::tracking::limit_used_slots(st, Some(&mut *me));
    me.tracking.as_ref().is_some_and(|t| t.caching) && !argv[0].eq_ignore_ascii_case(b"client")
}

/// `processCommand`: the checks before running a command, in Redis 7.0's order.
fn dispatch(st: &mut State, me: &mut ClientState, out: &mut Out, argv: Vec<Bytes>, start_us: i64) -> Outcome {
    let now = start_us / 1000;
    // QUIT is handled before anything else (even before the lookup, auth and MULTI queuing); a
    // 7.0 sentinel has no QUIT at all (it is an unknown command there).
    if argv[0].eq_ignore_ascii_case(b"quit") && !st.config.is_sentinel() {
        out.ok();
        return Outcome::Close;
    }
    let def = match lookup(&argv) {
        Lookup::Found(d) => d,
        Lookup::Unknown => {
            me.last_cmd = "NULL";
            reject_bytes(st, me, out, &unknown_command_msg(&argv), None);
            return Outcome::Done;
        }
        Lookup::UnknownSub(parent) => {
            me.last_cmd = "NULL";
            let mut msg = b"ERR unknown subcommand '".to_vec();
            msg.extend_from_slice(truncate(&argv[1], 128));
            msg.extend_from_slice(format!("'. Try {} HELP.", parent.name.to_ascii_uppercase()).as_bytes());
            reject_bytes(st, me, out, &msg, None);
            return Outcome::Done;
        }
    };
    me.last_cmd = def.name.as_str();
    if !def.arity_ok(argv.len()) {
        let msg = format!("ERR wrong number of arguments for '{}' command", def.name);
        reject(st, me, out, &msg, Some(def));
        return Outcome::Done;
    }
    if def.name == "debug" && !introspect::debug_allowed(st, me) {
        reject(st, me, out, introspect::DEBUG_NOT_ALLOWED, Some(def));
        return Outcome::Done;
    }
    if !me.authenticated && !def.has(flags::NO_AUTH) && !st.acl.default_is_open() {
        reject(st, me, out, "NOAUTH Authentication required.", Some(def));
        return Outcome::Done;
    }
    if me.multi.active && def.has(flags::NO_MULTI) {
        reject(st, me, out, "ERR Command not allowed inside a transaction", Some(def));
        return Outcome::Done;
    }
    if !st.acl.all_open() {
        if let Err(denied) = acl::permitted(st, me, def, &argv) {
            let msg = acl::refuse(st, me, def, &argv, denied);
            reject(st, me, out, &msg, Some(def));
            return Outcome::Done;
        }
    }
    // EVAL and FCALL of a script that declares its flags are checked by those flags instead of
    // their own (Redis's `getCommandFlags` → `scriptFlagsToCmdFlags`); EVAL and FCALL are among
    // the few commands both noscript and skip_monitor.
    if def.flags & (flags::SKIP_MONITOR | flags::NOSCRIPT) == flags::SKIP_MONITOR | flags::NOSCRIPT {
        let cflags = scripting::command_flags(st, def, &argv);
        if cflags != def.flags {
            if let Some(msg) = script_flag_checks(st, me, out, cflags) {
                reject(st, me, out, &msg, Some(def));
                return Outcome::Done;
            }
        }
    }
    // maxmemory: evict before running; when nothing more can go, refuse what would grow memory.
    if st.config.maxmemory != 0 {
        let oom = crate::evict::perform(st, Some(&mut *me), Some(&mut *out)) == crate::evict::Evict::Fail;
        if oom && refused_when_oom(def, me) {
            reject(st, me, out, crate::evict::OOM_ERROR, Some(def));
            return Outcome::Done;
        }
    }
    // A failed background save or AOF write stops writes (and PING) until persistence works again.
    if (!st.snapshots.last_bgsave_ok() || st.aof.write_failing()) && !me.is_master && (is_write(def, me) || def.name == "ping") {
        if let Some(msg) = crate::persistence::snapshot::disk_error(st) {
            reject(st, me, out, &msg, Some(def));
            return Outcome::Done;
        }
    }
    if !me.is_master && is_write(def, me) {
        // min-replicas-to-write: a master without enough good replicas refuses writes.
        if crate::repl::master::not_enough_replicas(st) {
            reject(st, me, out, "NOREPLICAS Not enough good replicas to write.", Some(def));
            return Outcome::Done;
        }
        if let Some(msg) = crate::fence::refusal(st) {
            reject(st, me, out, &msg, Some(def));
            return Outcome::Done;
        }
        if st.repl.is_replica() && st.config.get_bool("replica-read-only").unwrap_or(true) {
            reject(st, me, out, "READONLY You can't write against a read only replica.", Some(def));
            return Outcome::Done;
        }
    }
    if me.in_pubsub_context() && !allowed_in_pubsub(&def.name) {
        let msg =
            format!("ERR Can't execute '{}': only (P|S)SUBSCRIBE / (P|S)UNSUBSCRIBE / PING / QUIT / RESET are allowed in this context", def.name);
        reject(st, me, out, &msg, Some(def));
        return Outcome::Done;
    }
    // A replica (and a MONITOR, flagged like one) may not touch the keyspace.
    if (me.monitor || me.is_replica) && !me.is_master && touches_keyspace(def, me) {
        reject(st, me, out, "ERR Replica can't interact with the keyspace", Some(def));
        return Outcome::Done;
    }
    // A replica whose link is down serves stale data only if allowed (replica-serve-stale-data).
    if st.repl.master_link_down() && !def.has(flags::STALE) && !st.config.get_bool("replica-serve-stale-data").unwrap_or(true) {
        reject(st, me, out, "MASTERDOWN Link with MASTER is down and replica-serve-stale-data is set to 'no'.", Some(def));
        return Outcome::Done;
    }
    if st.loading.is_some() && !def.has(flags::LOADING) {
        reject(st, me, out, "LOADING Redis is loading the dataset in memory", Some(def));
        return Outcome::Done;
    }
    // CLIENT PAUSE holds the command (even one that would only be queued in a MULTI).
    if let Some(p) = st.pause {
        if p.until_ms > now && is_paused_for(def, p.write_only, me) {
            return Outcome::Paused;
        }
    }
    if me.multi.active && !matches!(def.name.as_str(), "exec" | "discard" | "multi" | "watch" | "quit" | "reset") {
        me.multi.queue.push(argv);
        out.simple("QUEUED");
        return Outcome::Done;
    }
    call(st, me, out, def, &argv, now, start_us)
}

/// Runs a command that arrived while a script runs past `busy-reply-threshold` (the busy loop
/// in `server/busy.rs` is the only caller then: nothing else runs): only the commands that may
/// stop the script (and a few harmless ones) run; the others get -BUSY, rejected as `dispatch`
/// rejects (Redis checks this in `processCommand`, after the command's lookup).
pub fn execute_while_busy(st: &mut State, me: &mut ClientState, out: &mut Out, argv: Vec<Bytes>) -> Outcome {
    if let (Lookup::Found(def), Some(busy)) = (lookup(&argv), scripting::busy_error(st)) {
        if !def.has(flags::ALLOW_BUSY) {
            me.last_cmd = def.name.as_str();
            reject(st, me, out, busy, Some(def));
            return Outcome::Done;
        }
    }
    execute(st, me, out, argv)
}

/// At most `n` bytes of `b` (Redis's `%.128s`).
/// What Redis's `%.*s` prints of an argument: up to its first NUL, at most `n` bytes.
/// Whether a command is refused when memory is over the limit with nothing left to evict: it may
/// grow memory (DENYOOM, or an EXEC with such a command queued), or it would be queued in a MULTI
/// (queuing grows memory too; EXEC, DISCARD, QUIT and RESET are never refused for that).
fn refused_when_oom(def: &CommandDef, me: &ClientState) -> bool {
    if def.has(flags::DENYOOM) {
        return true;
    }
    if def.name == "exec" {
        return me.multi.queue.iter().any(|argv| matches!(lookup(argv), Lookup::Found(d) if d.has(flags::DENYOOM)));
    }
    me.multi.active && !matches!(def.name.as_str(), "discard" | "quit" | "reset")
}

fn truncate(b: &[u8], n: usize) -> &[u8] {
    let end = b.iter().position(|&c| c == 0).unwrap_or(b.len());
    &b[..end.min(n)]
}

fn allowed_in_pubsub(name: &str) -> bool {
    matches!(name, "subscribe" | "unsubscribe" | "psubscribe" | "punsubscribe" | "ssubscribe" | "sunsubscribe" | "ping" | "quit" | "reset")
}

/// CLIENT PAUSE WRITE holds writes and commands that may write; PAUSE ALL holds everything but the
/// commands needed to lift it.
/// Reads or writes data: a read-only, write or may-replicate command (or an EXEC queuing one).
fn touches_keyspace(def: &CommandDef, me: &ClientState) -> bool {
    let touches = |d: &CommandDef| d.has(flags::WRITE) || d.has(flags::MAY_REPLICATE) || d.has(flags::READONLY);
    if def.name == "exec" {
        return me.multi.queue.iter().any(|argv| matches!(lookup(argv), Lookup::Found(d) if touches(d)));
    }
    touches(def)
}

/// A write command, or an EXEC whose queue holds one (Redis's `is_write_command`).
fn is_write(def: &CommandDef, me: &ClientState) -> bool {
    if def.name == "exec" {
        return me.multi.queue.iter().any(|argv| matches!(lookup(argv), Lookup::Found(d) if d.has(flags::WRITE)));
    }
    def.has(flags::WRITE)
}

/// The checks `dispatch` makes by a command's flags, for a script's flags (`cflags`): OOM (with
/// DENYOOM), a failing disk, too few replicas and a read-only replica (with WRITE), a stale
/// replica (without STALE), in `dispatch`'s order. The error to reply, if any.
#[cold]
fn script_flag_checks(st: &mut State, me: &mut ClientState, out: &mut Out, cflags: u32) -> Option<String> {
    if st.config.maxmemory != 0
        && cflags & flags::DENYOOM != 0
        && crate::evict::perform(st, Some(&mut *me), Some(&mut *out)) == crate::evict::Evict::Fail
    {
        return Some(crate::evict::OOM_ERROR.to_string());
    }
    let write = cflags & flags::WRITE != 0;
    if write && !me.is_master {
        if !st.snapshots.last_bgsave_ok() || st.aof.write_failing() {
            if let Some(msg) = crate::persistence::snapshot::disk_error(st) {
                return Some(msg);
            }
        }
        if crate::repl::master::not_enough_replicas(st) {
            return Some("NOREPLICAS Not enough good replicas to write.".into());
        }
        if let Some(msg) = crate::fence::refusal(st) {
            return Some(msg);
        }
        if st.repl.is_replica() && st.config.get_bool("replica-read-only").unwrap_or(true) {
            return Some("READONLY You can't write against a read only replica.".into());
        }
    }
    if st.repl.master_link_down() && cflags & flags::STALE == 0 && !st.config.get_bool("replica-serve-stale-data").unwrap_or(true) {
        return Some("MASTERDOWN Link with MASTER is down and replica-serve-stale-data is set to 'no'.".into());
    }
    None
}

/// Replicas and the master link are never paused; an EXEC counts as a write when its queue holds one.
fn is_paused_for(def: &CommandDef, write_only: bool, me: &ClientState) -> bool {
    if me.is_replica || me.is_master || me.monitor {
        return false;
    }
    if !write_only {
        return true;
    }
    let may_write = |d: &CommandDef| d.has(flags::WRITE) || d.has(flags::MAY_REPLICATE);
    if def.name == "exec" {
        return me.multi.queue.iter().any(|argv| matches!(lookup(argv), Lookup::Found(d) if may_write(d)));
    }
    may_write(def)
}

/// A command rejected before running: error reply, rejected_calls, and a failed MULTI.
fn reject(st: &mut State, me: &mut ClientState, out: &mut Out, msg: &str, def: Option<&CommandDef>) {
    reject_bytes(st, me, out, msg.as_bytes(), def)
}

/// `reject` for a message that quotes client bytes (kept as sent, not UTF-8 cleaned; CR/LF become
/// spaces as in Redis).
fn reject_bytes(st: &mut State, me: &mut ClientState, out: &mut Out, msg: &[u8], def: Option<&CommandDef>) {
    if me.multi.active {
        me.multi.dirty_queue = true;
    }
    if def.is_some_and(|d| d.name == "exec") {
        // A rejected EXEC aborts the transaction (`execCommandAbort`), quoting the reason.
        tx::discard_transaction(me);
        tx::unwatch_all(st, me);
        let reason = msg.strip_prefix(b"ERR ").unwrap_or(msg);
        let mut text = b"EXECABORT Transaction discarded because of: ".to_vec();
        text.extend_from_slice(reason);
        error_bytes(out, &text);
    } else {
        error_bytes(out, msg);
    }
    for code in out.errors.drain(..) {
        st.stats.record_error(&code);
    }
    if let Some(d) = def {
        st.stats.by_id(d.id).rejected_calls += 1;
    }
}

/// Writes an error reply whose text may hold any bytes; records its code like `Out::error`.
fn error_bytes(out: &mut Out, msg: &[u8]) {
    out.errors.push(crate::resp::reply::error_code(msg));
    out.buf.push(b'-');
    out.buf.extend(msg.iter().map(|&c| if c == b'\r' || c == b'\n' { b' ' } else { c }));
    out.buf.extend_from_slice(b"\r\n");
}

/// Queues the command's own propagation (Redis's `call`): its argv, or what it rewrote itself
/// into, when it changed the dataset, unless it propagated something else instead. EXEC is never
/// propagated itself: its commands are, wrapped in MULTI/EXEC when there are several.
fn propagate_command(st: &mut State, db: usize, def: &CommandDef, argv: &[Bytes], prop: crate::propagate::CommandProp, dirty: bool) {
    if prop.prevent || def.name == "exec" || !crate::propagate::wanted(st) {
        return;
    }
    let mut targets = 0;
    if dirty {
        targets |= crate::propagate::ALL;
    }
    if prop.force_repl {
        targets |= crate::propagate::REPL;
    }
    if targets != 0 {
        let argv = prop.rewrite.unwrap_or_else(|| argv.to_vec());
        crate::propagate::push(st, db, argv, targets);
    }
}

/// Client-side caching after a command: a read-only command's keys are remembered (not for
/// EVAL_RO & co., whose own commands are remembered one by one); after the outermost one, the
/// running client's own invalidations and the BCAST broadcasts go out.
#[cold]
fn tracking_after_call(st: &mut State, me: &mut ClientState, def: &CommandDef, argv: &[Bytes], out: &mut Out) {
    if def.has(flags::READONLY) && !matches!(def.name.as_str(), "eval_ro" | "evalsha_ro" | "fcall_ro") {
        if let Some(id) = crate::tracking::reader(st, me) {
            // Movable keys (ZUNION, SINTERCARD, XREAD ...) are found through the key specs.
            let positions = if def.has(flags::MOVABLEKEYS) { keyspecs::keys_of(def, argv) } else { def.key_positions(argv.len()) };
            let keys = positions.into_iter().filter_map(|i| argv.get(i).cloned());
            crate::tracking::remember_keys(st, id, keys);
        }
    }
    if st.prop.outermost() {
        crate::tracking::after_command(st, me, out);
    }
}

/// Runs the handler and does the bookkeeping after it (stats, slowlog, monitor, expired keys,
/// blocked clients). `now` is the command's time in ms (EXEC's for the commands it runs: Redis freezes
/// the clock for nested calls); `start_us` starts its commandstats duration.
pub fn call(st: &mut State, me: &mut ClientState, out: &mut Out, def: &CommandDef, argv: &[Bytes], now: i64, start_us: i64) -> Outcome {
    let Some(handler) = def.handler else {
        // A container command called without a subcommand: arity already rejected this.
        out.error(&format!("ERR wrong number of arguments for '{}' command", def.name));
        return Outcome::Done;
    };
    let target = out;
    let dirty_before = st.dirty;
    st.prop.enter();
    let (result, prop) = {
        let mut ctx = Ctx::new(st, me, target, now);
        let r = handler(&mut ctx, argv);
        ctx.finish();
        (r, ctx.prop)
    };
    st.prop.leave();
    propagate_command(st, me.db, def, argv, prop, st.dirty != dirty_before);
    let end_us = now_us();
    st.last_call_end_us = end_us;
    let duration = (end_us - start_us).max(0);
    let mut outcome = Outcome::Done;
    match result {
        Ok(()) => {}
        Err(CmdError::Reply(msg)) => target.error(&msg),
        Err(CmdError::Block(b)) => {
            blocking::block_client(st, me, b);
            outcome = Outcome::Blocked;
        }
    }
    let failed = !target.errors.is_empty();
    for code in target.errors.drain(..) {
        st.stats.record_error(&code);
    }
    if outcome != Outcome::Blocked {
        let cs = st.stats.by_id(def.id);
        cs.calls += 1;
        cs.usec += duration as u64;
        if failed {
            cs.failed_calls += 1;
        }
        st.stats.total_commands_processed += 1;
        let event = if def.has(flags::FAST) { "fast-command" } else { "command" };
        crate::keyspace::latency_sample(st, event, (duration / 1000) as u64);
        if !def.has(flags::SKIP_SLOWLOG) {
            introspect::slowlog_push(st, me, argv, duration);
        }
    }
    if !st.monitors.is_empty() && !def.has(flags::SKIP_MONITOR) && !def.has(flags::ADMIN) {
        if let Some(line) = introspect::feed_monitors(st, me, argv, now) {
            target.raw(&line);
        }
    }
    // The outermost command's operations go out as one unit, before any blocked client it
    // served runs its own command.
    if st.prop.outermost() {
        let offset_before = st.repl.offset();
        crate::propagate::flush(st);
        if st.repl.offset() != offset_before {
            me.woff = st.repl.offset();
        }
    }
    if st.tracking.clients > 0 {
        tracking_after_call(st, me, def, argv, target);
    }
    // Inside EXEC, clients blocked on keys are served once the whole transaction has run, as in
    // Redis (a MULTI that pushes then pops leaves nothing for them); likewise after a script, not
    // while the busy loop serves other clients in the middle of one.
    if (!st.ready_keys.is_empty() || st.group_readers_blocked > 0) && !me.in_exec && !st.scripts.is_running() {
        if st.group_readers_blocked > 0 {
            streams::drop_readers_of_deleted_keys(st);
        }
        if !st.ready_keys.is_empty() {
            blocking::serve_ready_keys(st, Some(me));
        }
    }
    if me.killed {
        return Outcome::Close;
    }
    outcome
}

/// Running commands without sockets, for unit tests: a state, one client, and the replies.
#[cfg(test)]
pub mod testing {
    use super::*;
    use crate::config::Config;

    pub struct Session {
        pub st: State,
        pub me: ClientState,
        // Keeps the client's message channel open.
        _rx: tokio::sync::mpsc::UnboundedReceiver<crate::client::ClientMsg>,
    }

    impl Default for Session {
        fn default() -> Self {
            Session::new()
        }
    }

    impl Session {
        /// A server with the default configuration (16 databases, as redis-server).
        pub fn new() -> Session {
            let mut config = Config::default();
            config.databases = config.databases.max(16);
            let (tx, rx) = tokio::sync::mpsc::unbounded_channel();
            let me = ClientState::new(1, "127.0.0.1:1".into(), "127.0.0.1:6379".into(), -1, tx, crate::util::now_ms());
            super::install();
            Session { st: State::new(config), me, _rx: rx }
        }

        /// Records every propagated operation from now on.
        pub fn capture(&mut self) {
            self.st.prop.start_capture();
        }

        /// The operations propagated since the last call, as readable strings ("SELECT 0", "SET k v").
        pub fn propagated(&mut self) -> Vec<String> {
            let ops = self.st.prop.take_captured();
            ops.iter().map(|op| op.argv.iter().map(|a| String::from_utf8_lossy(a).into_owned()).collect::<Vec<_>>().join(" ")).collect()
        }

        /// Runs one command (arguments split on spaces) and returns the raw reply.
        pub fn run(&mut self, line: &str) -> String {
            let argv: Vec<Bytes> = line.split(' ').map(|a| Bytes::copy_from_slice(a.as_bytes())).collect();
            self.run_argv(argv)
        }

        pub fn run_argv(&mut self, argv: Vec<Bytes>) -> String {
            let mut out = Out::with_resp(2);
            execute(&mut self.st, &mut self.me, &mut out, argv);
            String::from_utf8_lossy(&out.buf).into_owned()
        }
    }
}
