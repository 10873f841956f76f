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

/// What other clients get while a script runs past `busy-reply-threshold` (Redis's
/// `slowevalerr` / `slowscripterr`).
pub const BUSY_EVAL: &str = "BUSY Redis is busy running a script. You can only call SCRIPT KILL or SHUTDOWN NOSAVE.";
pub const BUSY_FUNCTION: &str = "BUSY Redis is busy running a script. You can only call FUNCTION KILL or SHUTDOWN NOSAVE.";

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
