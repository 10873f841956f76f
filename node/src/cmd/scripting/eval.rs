//! EVAL, EVALSHA, EVAL_RO, EVALSHA_RO and SCRIPT (Redis 7.0's `eval.c`).

use bytes::Bytes;

use super::debug;
use super::runner::{self, Job};
use crate::client::LuaDebug;
use crate::cmd::args;
use crate::cmd::ctx::{Ctx, Handler};
use crate::cmd::handler::CmdResult;
use crate::script::{sha1_hex, shebang, Script};

pub const COMMANDS: &[(&str, Handler)] = &[
    ("eval", eval),
    ("evalsha", evalsha),
    ("eval_ro", eval_ro),
    ("evalsha_ro", evalsha_ro),
    ("script|load", script_load),
    ("script|exists", script_exists),
    ("script|flush", script_flush),
    ("script|kill", script_kill),
    ("script|debug", debug::script_debug),
    ("script|help", script_help),
];

fn eval(ctx: &mut Ctx, argv: &[Bytes]) -> CmdResult {
    if ctx.me.lua_debug != LuaDebug::Off {
        return debug::eval(ctx, argv, |ctx, argv| eval_generic(ctx, argv, false, false));
    }
    eval_generic(ctx, argv, false, false)
}

fn evalsha(ctx: &mut Ctx, argv: &[Bytes]) -> CmdResult {
    if ctx.me.lua_debug != LuaDebug::Off {
        return debug::evalsha(ctx, argv);
    }
    eval_generic(ctx, argv, true, false)
}

fn eval_ro(ctx: &mut Ctx, argv: &[Bytes]) -> CmdResult {
    if ctx.me.lua_debug != LuaDebug::Off {
        return debug::eval(ctx, argv, |ctx, argv| eval_generic(ctx, argv, false, true));
    }
    eval_generic(ctx, argv, false, true)
}

fn evalsha_ro(ctx: &mut Ctx, argv: &[Bytes]) -> CmdResult {
    if ctx.me.lua_debug != LuaDebug::Off {
        return debug::evalsha(ctx, argv);
    }
    eval_generic(ctx, argv, true, true)
}

/// The number of keys of EVAL/FCALL-style arguments (`name numkeys key... arg...`).
pub fn numkeys(argv: &[Bytes], not_int: &'static str) -> Result<usize, crate::cmd::handler::CmdError> {
    let n = crate::util::parse_i64(&argv[2]).ok_or(not_int)?;
    if n > (argv.len() - 3) as i64 {
        return Err("ERR Number of keys can't be greater than number of args".into());
    }
    if n < 0 {
        return Err("ERR Number of keys can't be negative".into());
    }
    Ok(n as usize)
}

/// Compiles `body` into the cache (EVAL of a new script, SCRIPT LOAD); its sha.
fn cache_script(ctx: &mut Ctx, body: &Bytes) -> Result<String, String> {
    let sha = sha1_hex(body);
    if ctx.st.scripts.cache.contains_key(&sha) {
        return Ok(sha);
    }
    let (flags, code) = shebang::parse(body)?;
    let engine = ctx.st.scripts.engine()?;
    let func =
        engine.compile(code.as_deref().unwrap_or(body), "@user_script").map_err(|e| format!("ERR Error compiling script (new function): {e}"))?;
    ctx.st.scripts.cache_bytes += body.len();
    ctx.st.scripts.cache.insert(sha.clone(), Script { body: body.clone(), func, flags });
    Ok(sha)
}

fn eval_generic(ctx: &mut Ctx, argv: &[Bytes], by_sha: bool, read_only: bool) -> CmdResult {
    super::feed_monitors(ctx, argv);
    let nk = numkeys(argv, crate::cmd::handler::NOT_INT)?;
    let sha = if by_sha {
        let sha = crate::script::sha_key(&argv[1]);
        if !ctx.st.scripts.cache.contains_key(&sha) {
            return Err("NOSCRIPT No matching script. Please use EVAL.".into());
        }
        sha
    } else {
        cache_script(ctx, &argv[1])?
    };
    let script = &ctx.st.scripts.cache[&sha];
    let (func, flags) = (script.func.clone(), script.flags);
    let engine = ctx.st.scripts.take_engine()?;
    let job = Job { func: &func, keys: &argv[3..3 + nk], args: &argv[3 + nk..], flags, read_only, is_eval: true, name: &sha, argv };
    let result = runner::run(ctx, &engine, job);
    ctx.st.scripts.put_engine(engine);
    result
}

fn script_load(ctx: &mut Ctx, argv: &[Bytes]) -> CmdResult {
    let sha = cache_script(ctx, &argv[2])?;
    ctx.out.bulk(sha.as_bytes());
    Ok(())
}

fn script_exists(ctx: &mut Ctx, argv: &[Bytes]) -> CmdResult {
    ctx.out.array(argv.len() - 2);
    for sha in &argv[2..] {
        let known = ctx.st.scripts.cache.contains_key(&crate::script::sha_key(sha));
        ctx.out.int(known as i64);
    }
    Ok(())
}

fn script_flush(ctx: &mut Ctx, argv: &[Bytes]) -> CmdResult {
    if argv.len() > 3 || (argv.len() == 3 && !args::is(&argv[2], "sync") && !args::is(&argv[2], "async")) {
        return Err("ERR SCRIPT FLUSH only support SYNC|ASYNC option".into());
    }
    ctx.st.scripts.flush_eval();
    ctx.out.ok();
    Ok(())
}

fn script_kill(ctx: &mut Ctx, _argv: &[Bytes]) -> CmdResult {
    super::kill(ctx, true)
}

const SCRIPT_HELP: &[&str] = &[
    "SCRIPT <subcommand> [<arg> [value] [opt] ...]. Subcommands are:",
    "DEBUG (YES|SYNC|NO)",
    "    Set the debug mode for subsequent scripts executed.",
    "EXISTS <sha1> [<sha1> ...]",
    "    Return information about the existence of the scripts in the script cache.",
    "FLUSH [ASYNC|SYNC]",
    "    Flush the Lua scripts cache. Very dangerous on replicas.",
    "    When called without the optional mode argument, the behavior is determined by the",
    "    lazyfree-lazy-user-flush configuration directive. Valid modes are:",
    "    * ASYNC: Asynchronously flush the scripts cache.",
    "    * SYNC: Synchronously flush the scripts cache.",
    "KILL",
    "    Kill the currently executing Lua script.",
    "LOAD <script>",
    "    Load a script into the scripts cache without executing it.",
    "HELP",
    "    Prints this help.",
];

fn script_help(ctx: &mut Ctx, _argv: &[Bytes]) -> CmdResult {
    ctx.out.array(SCRIPT_HELP.len());
    for line in SCRIPT_HELP {
        ctx.out.simple(line);
    }
    Ok(())
}
