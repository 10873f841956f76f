//! Scripting commands: EVAL and SCRIPT (`eval.rs`), FUNCTION and FCALL (`function.rs`), the Lua
//! debugger's sessions (`debug.rs`), and running one script with the rules Redis applies to
//! scripts (`runner.rs`). The interpreter, the conversions and the libraries sit below, in
//! `crate::script`; like every family these files may call anything below `cmd`.
//!
//! This file keeps what they share with the dispatcher: the -BUSY errors, SCRIPT KILL / FUNCTION
//! KILL, the flags a script declares in place of its command's, and the hook through which
//! `server::busy` serves other clients while a script runs (handed in at start-up, since the
//! server sits above the commands).

pub mod debug;
pub mod eval;
pub mod function;
pub mod runner;

use crate::cmd::ctx::{Ctx, Handler};
use crate::cmd::handler::CmdResult;

/// Every scripting handler.
pub fn commands() -> Vec<(&'static str, Handler)> {
    let mut v = eval::COMMANDS.to_vec();
    v.extend_from_slice(function::COMMANDS);
    v
}

/// How the server serves other clients while a script is busy (`server::busy`, installed at
/// start-up: the server sits above the commands).
static BUSY_SERVER: std::sync::OnceLock<std::sync::Mutex<Option<fn(&mut crate::state::State)>>> = std::sync::OnceLock::new();

pub fn set_busy_server(f: fn(&mut crate::state::State)) {
    if let Ok(mut s) = BUSY_SERVER.get_or_init(Default::default).lock() {
        *s = Some(f);
    }
}

/// Serves other clients once (from the script's hook, past `busy-reply-threshold`).
pub(crate) fn serve_while_busy(st: &mut crate::state::State) {
    let f = BUSY_SERVER.get().and_then(|s| s.lock().ok().and_then(|g| *g));
    if let Some(f) = f {
        f(st);
    }
}

/// What other clients get while a script runs past `busy-reply-threshold` (Redis's
/// `slowevalerr` / `slowscripterr`).
pub const BUSY_EVAL: &str = "BUSY Redis is busy running a script. You can only call SCRIPT KILL or SHUTDOWN NOSAVE.";
pub const BUSY_FUNCTION: &str = "BUSY Redis is busy running a script. You can only call FUNCTION KILL or SHUTDOWN NOSAVE.";

/// EVAL and FCALL skip the monitors in `call` (they are `skip_monitor`) but, as in Redis, show
/// themselves to them before the commands they run.
fn feed_monitors(ctx: &mut Ctx, argv: &[bytes::Bytes]) {
    if !ctx.st.monitors.is_empty() {
        if let Some(line) = crate::cmd::introspect::feed_monitors(ctx.st, ctx.me, argv, ctx.now) {
            ctx.out.raw(&line);
        }
    }
}

/// The -BUSY error while a script runs past `busy-reply-threshold`, else None.
pub fn busy_error(st: &crate::state::State) -> Option<&'static str> {
    match &st.scripts.running {
        Some(r) if r.timed_out => Some(if r.is_eval { BUSY_EVAL } else { BUSY_FUNCTION }),
        _ => None,
    }
}

/// The flags `dispatch` checks for a command: for EVAL/EVALSHA(_RO) of a cached script and
/// FCALL(_RO) of a function that declare flags, the script's (Redis's `scriptFlagsToCmdFlags`):
/// WRITE unless no-writes, DENYOOM unless allow-oom or no-writes, STALE with allow-stale, and no
/// MAY_REPLICATE. Anything else keeps the command's own flags.
#[cold]
pub fn command_flags(st: &crate::state::State, def: &crate::cmd::command_table::CommandDef, argv: &[bytes::Bytes]) -> u32 {
    use crate::cmd::command_table::flags;
    use crate::script::shebang;
    let script_flags = match def.name.as_str() {
        // A body not cached yet declares its flags in its shebang.
        "eval" | "eval_ro" if argv.len() > 1 => match st.scripts.cache.get(&crate::script::sha1_hex(&argv[1])) {
            Some(s) => Some(s.flags),
            None => shebang::parse(&argv[1]).ok().map(|(f, _)| f),
        },
        "evalsha" | "evalsha_ro" if argv.len() > 1 => st.scripts.cache.get(&crate::script::sha_key(&argv[1])).map(|s| s.flags),
        "fcall" | "fcall_ro" if argv.len() > 1 => st.scripts.functions.get(&String::from_utf8_lossy(&argv[1])).map(|f| f.flags),
        _ => None,
    };
    let Some(sf) = script_flags.filter(|f| f & shebang::EVAL_COMPAT == 0) else { return def.flags };
    let mut f = def.flags & !(flags::STALE | flags::DENYOOM | flags::WRITE | flags::MAY_REPLICATE);
    if sf & (shebang::ALLOW_OOM | shebang::NO_WRITES) == 0 {
        f |= flags::DENYOOM;
    }
    if sf & shebang::NO_WRITES == 0 {
        f |= flags::WRITE;
    }
    if sf & shebang::ALLOW_STALE != 0 {
        f |= flags::STALE;
    }
    f
}

/// SCRIPT KILL (`is_eval`) and FUNCTION KILL (Redis's `scriptKill`).
pub fn kill(ctx: &mut Ctx, is_eval: bool) -> CmdResult {
    let Some(running) = ctx.st.scripts.running.as_ref() else {
        return Err("NOTBUSY No scripts in execution right now.".into());
    };
    if running.from_master {
        return Err("UNKILLABLE The busy script was sent by a master instance in the context of replication and cannot be killed.".into());
    }
    if running.wrote {
        return Err("UNKILLABLE Sorry the script already executed write commands against the dataset. You can either wait the script termination or kill the server in a hard way using the SHUTDOWN NOSAVE command.".into());
    }
    if is_eval && !running.is_eval {
        return Err(BUSY_FUNCTION.into());
    }
    if !is_eval && running.is_eval {
        return Err(BUSY_EVAL.into());
    }
    ctx.st.scripts.request_kill();
    ctx.out.ok();
    Ok(())
}
