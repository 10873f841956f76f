//! Running one script or function for a client (Redis's `scriptPrepareForRun`, `scriptCall` and
//! the hooks around them): the checks before it starts, the commands it runs through
//! `redis.call` with the rules scripts have, and its reply.

use std::time::Instant;

use bytes::Bytes;

use crate::client::ClientState;
use crate::cmd::command_table::flags;
use crate::cmd::ctx::Ctx;
use crate::cmd::handler::CmdResult;
use crate::cmd::{call, lookup, Lookup};
use crate::resp::reply::Out;
use crate::script::engine::{Engine, Host, RunError};
use crate::script::{shebang, Running};
use crate::state::State;

/// What is about to run.
pub struct Job<'a> {
    pub func: &'a mlua::Function,
    /// FCALL passes its keys and args as arguments; EVAL sets KEYS and ARGV.
    pub keys: &'a [Bytes],
    pub args: &'a [Bytes],
    /// `shebang` flags (EVAL_COMPAT for an EVAL body without a shebang).
    pub flags: u32,
    /// EVAL_RO / EVALSHA_RO / FCALL_RO.
    pub read_only: bool,
    pub is_eval: bool,
    /// The sha or the function name (error messages, SCRIPT KILL logs).
    pub name: &'a str,
    /// The command running it (FUNCTION STATS).
    pub argv: &'a [Bytes],
}

/// Redis's `scriptPrepareForRun` checks: the script's flags against the server's state.
fn prepare(ctx: &mut Ctx, job: &Job, oom: bool) -> Result<(), String> {
    let st = &mut *ctx.st;
    let obey = ctx.me.is_master;
    let stale = st.repl.master_link_down() && !st.config.get_bool("replica-serve-stale-data").unwrap_or(true);
    if job.flags & shebang::EVAL_COMPAT != 0 {
        if stale {
            return Err("MASTERDOWN Link with MASTER is down and replica-serve-stale-data is set to 'no'.".into());
        }
        return Ok(());
    }
    // A script that cannot write cannot grow memory either: no-writes implies allow-oom.
    if job.flags & (shebang::ALLOW_OOM | shebang::NO_WRITES) == 0 && oom {
        return Err("OOM allow-oom flag is not set on the script, can not run it when used memory > 'maxmemory'".into());
    }
    if stale && job.flags & shebang::ALLOW_STALE == 0 {
        return Err(
            "MASTERDOWN Link with MASTER is down, replica-serve-stale-data is set to 'no' and 'allow-stale' flag is not set on the script.".into()
        );
    }
    if job.flags & shebang::NO_WRITES == 0 {
        if st.repl.is_replica() && st.config.get_bool("replica-read-only").unwrap_or(true) && !obey {
            return Err("READONLY Can not run script with write flag on readonly replica".into());
        }
        if !obey && (!st.snapshots.last_bgsave_ok() || st.aof.write_failing()) {
            if let Some(msg) = crate::persistence::snapshot::disk_error(st) {
                return Err(if msg.contains("RDB snapshots") {
                    "MISCONF Redis is configured to save RDB snapshots, but it's currently unable to persist to disk. Writable scripts are blocked. Use 'no-writes' flag for read only scripts.".to_string()
                } else {
                    msg
                });
            }
        }
        if job.read_only {
            return Err("ERR Can not execute a script with write flag using *_ro command.".into());
        }
        if !obey && crate::repl::master::not_enough_replicas(st) {
            return Err("NOREPLICAS Not enough good replicas to write.".into());
        }
        if !obey {
            if let Some(msg) = crate::fence::refusal(st) {
                return Err(msg);
            }
        }
    }
    Ok(())
}

/// Runs `job` for the client in `ctx` with `engine`, and writes its reply.
pub fn run(ctx: &mut Ctx, engine: &Engine, job: Job) -> CmdResult {
    // Over maxmemory with nothing left to evict (Redis's `server.script_oom`).
    let oom_at_start = ctx.st.config.maxmemory != 0 && !ctx.me.is_master && crate::evict::perform(ctx.st, None, None) == crate::evict::Evict::Fail;
    if let Err(msg) = prepare(ctx, &job, oom_at_start) {
        return Err(msg.into());
    }
    // The script's own argv never propagates: its writes do, one by one (effects replication).
    ctx.prop.prevent = true;

    let mut client = ctx.st.scripts.client.take().unwrap_or_else(|| Box::new(script_client()));
    client.db = ctx.me.db;
    client.resp = 2;
    client.is_master = ctx.me.is_master;
    client.is_aof_loader = ctx.me.is_aof_loader;
    // A script's commands run as its caller's user (Redis's `scriptRunCtx` copies the user).
    client.user = ctx.me.user;
    let caller_info =
        if ctx.st.acl.unrestricted(ctx.me.user) { String::new() } else { super::super::clients::describe(ctx.me, &ctx.st.acl, ctx.now, None) };
    let read_only = job.read_only || (job.flags & shebang::EVAL_COMPAT == 0 && job.flags & shebang::NO_WRITES != 0);
    ctx.st.scripts.clear_kill();
    // Its name and command are filled in if it runs long enough for anyone to ask (FUNCTION
    // STATS, the slow-script log line): nobody else runs before that.
    ctx.st.scripts.runs += 1;
    ctx.st.scripts.running = Some(Running {
        is_eval: job.is_eval,
        name: String::new(),
        start_ms: ctx.now,
        wrote: false,
        from_master: ctx.me.is_master,
        argv: Vec::new(),
        timed_out: false,
    });
    let mut runner = Runner {
        st: ctx.st,
        client: &mut client,
        now: ctx.now,
        read_only,
        allow_oom: job.flags & shebang::ALLOW_OOM != 0,
        oom_at_start,
        obey: ctx.me.is_master,
        write_dirty: false,
        started: Instant::now(),
        name: job.name,
        argv: job.argv,
        caller_info,
    };
    crate::tracking::script_starts(runner.st, ctx.me);
    let result = engine.run(job.func, (job.keys, job.args), job.is_eval, &mut runner, ctx.out);
    crate::tracking::script_ends(ctx.st);
    ctx.st.prop.set_script_targets(None);
    ctx.st.scripts.running = None;
    ctx.st.scripts.clear_kill();
    ctx.st.scripts.client = Some(client);
    match result {
        Ok(()) => Ok(()),
        Err(RunError::Raised(info)) => {
            let mut text = info.msg.clone();
            if let Some((source, line)) = &info.at {
                text = format!("{text} script: {}, on {source}:{line}.", job.name);
            }
            write_error(ctx.out, &text, info.counted);
            Ok(())
        }
        Err(RunError::Other(text)) => Err(format!("ERR Error running script (call to {}): {text}", job.name).into()),
    }
}

/// An error reply with the text as the script left it (a leading '-' stays doubled, as Redis's
/// `"-%s"` of the message writes it).
fn write_error(out: &mut Out, text: &str, counted: bool) {
    // An error a command replied inside the script is in the error stats already.
    out.errors.push(if counted { String::new() } else { crate::resp::reply::error_code(text.as_bytes()) });
    out.buf.push(b'-');
    out.buf.extend(text.bytes().map(|c| if c == b'\r' || c == b'\n' { b' ' } else { c }));
    out.buf.extend_from_slice(b"\r\n");
}

/// The client scripts run their commands as (Redis's `lua_client`): its address reads "lua" in
/// MONITOR, and it may not block (blocking commands answer at once, as inside MULTI).
fn script_client() -> ClientState {
    let (tx, _rx) = tokio::sync::mpsc::unbounded_channel();
    let mut c = ClientState::new(0, "lua".into(), String::new(), -1, tx, crate::util::now_ms());
    c.authenticated = true;
    c.in_exec = true;
    c.is_script = true;
    c
}

struct Runner<'a> {
    st: &'a mut State,
    client: &'a mut ClientState,
    now: i64,
    read_only: bool,
    allow_oom: bool,
    /// Memory was over `maxmemory` when the script started (Redis's `server.script_oom`).
    oom_at_start: bool,
    /// The caller is our master: its scripts must run whatever our state.
    obey: bool,
    /// The script has run a write command (Redis's SCRIPT_WRITE_DIRTY).
    write_dirty: bool,
    started: Instant,
    /// The script's name and command, for `Running` once it is timed out.
    name: &'a str,
    argv: &'a [Bytes],
    /// CLIENT INFO of the caller, for ACL LOG entries (empty when its user is unrestricted).
    caller_info: String,
}

impl Host for Runner<'_> {
    /// Redis's `scriptCall`: the checks a command from a script passes, then `call`.
    fn call(&mut self, argv: Vec<Bytes>, resp: u8) -> Result<Vec<u8>, String> {
        let def = match lookup(&argv) {
            Lookup::Found(d) => d,
            _ => return Err("Unknown Redis command called from script".into()),
        };
        if !def.arity_ok(argv.len()) {
            return Err("Wrong number of args calling Redis command from script".into());
        }
        if def.has(flags::NOSCRIPT) {
            return Err("This Redis command is not allowed from script".into());
        }
        if let Err(denied) = crate::cmd::acl::permitted(self.st, self.client, def, &argv) {
            let (user, info) = (self.client.user, self.caller_info.clone());
            crate::cmd::acl::log_denied(self.st, user, denied, crate::acl::log::Context::Lua, def, &argv, info);
            return Err(crate::cmd::acl::script_denied_message(denied).into());
        }
        if def.has(flags::WRITE) {
            if self.read_only {
                return Err("Write commands are not allowed from read-only scripts.".into());
            }
            if !self.obey {
                if self.st.repl.is_replica() && self.st.config.get_bool("replica-read-only").unwrap_or(true) {
                    return Err("-READONLY You can't write against a read only replica.".into());
                }
                if !self.st.snapshots.last_bgsave_ok() || self.st.aof.write_failing() {
                    if let Some(msg) = crate::persistence::snapshot::disk_error(self.st) {
                        return Err(format!("-{msg}"));
                    }
                }
                if !self.write_dirty && crate::repl::master::not_enough_replicas(self.st) {
                    return Err("-NOREPLICAS Not enough good replicas to write.".into());
                }
                if !self.write_dirty {
                    if let Some(msg) = crate::fence::refusal(self.st) {
                        return Err(format!("-{msg}"));
                    }
                }
            }
        }
        // Over maxmemory, a script may not start growing memory, but once it has written it
        // must be allowed to finish.
        if !self.allow_oom && self.oom_at_start && !self.obey && !self.write_dirty && def.has(flags::DENYOOM) {
            return Err(format!("-{}", crate::evict::OOM_ERROR));
        }
        if def.has(flags::WRITE) {
            self.write_dirty = true;
            if let Some(r) = self.st.scripts.running.as_mut() {
                r.wrote = true;
            }
        }
        self.client.resp = resp;
        let mut out = Out::with_resp(resp);
        call(self.st, self.client, &mut out, def, &argv, self.now, crate::util::now_us());
        Ok(out.buf)
    }

    fn may_run(&mut self, argv: &[Bytes]) -> Result<bool, String> {
        match lookup(argv) {
            Lookup::Found(def) => Ok(crate::cmd::acl::permitted(self.st, self.client, def, argv).is_ok()),
            _ => Err("Invalid command passed to redis.acl_check_cmd()".into()),
        }
    }

    fn set_repl(&mut self, targets: u8) {
        self.st.prop.set_script_targets(Some(targets));
    }

    /// Redis's `scriptInterrupt`: past `busy-reply-threshold` the script is timed out — logged
    /// once, other clients served (with -BUSY for most) on every tick — and SCRIPT KILL /
    /// FUNCTION KILL stops it here.
    fn tick(&mut self) -> Result<(), String> {
        let threshold = self.st.config.get_int("busy-reply-threshold").unwrap_or(5000);
        let elapsed = self.started.elapsed().as_millis() as i64;
        if threshold <= 0 || elapsed < threshold {
            return Ok(());
        }
        let Some(running) = self.st.scripts.running.as_mut() else { return Ok(()) };
        if !running.timed_out {
            running.timed_out = true;
            running.name = self.name.to_string();
            running.argv = self.argv.to_vec();
            let kill = if running.is_eval { "SCRIPT KILL" } else { "FUNCTION KILL" };
            let name = if running.is_eval { "" } else { running.name.as_str() };
            crate::log::warning(&format!(
                "Slow script detected: still in execution after {elapsed} milliseconds. You can try killing the script using the {kill} command. Script name is: {name}."
            ));
        }
        super::serve_while_busy(self.st);
        if self.st.scripts.kill_requested() {
            crate::log::warning("Lua script killed by user with SCRIPT KILL.");
            return Err("Script killed by user with SCRIPT KILL...".into());
        }
        Ok(())
    }
}
