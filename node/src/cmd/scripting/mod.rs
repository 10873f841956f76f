//! Scripting commands: EVAL and SCRIPT (`eval.rs`), FUNCTION and FCALL (`function.rs`), and
//! running one script with the rules Redis applies to scripts (`runner.rs`). The interpreter,
//! the conversions and the libraries sit below, in `crate::script`.

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

/// The -BUSY error while a script runs past `busy-reply-threshold`, else None.
pub fn busy_error(st: &crate::state::State) -> Option<&'static str> {
    match &st.scripts.running {
        Some(r) if r.timed_out => Some(if r.is_eval { BUSY_EVAL } else { BUSY_FUNCTION }),
        _ => None,
    }
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
