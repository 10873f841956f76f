//! FCALL, FCALL_RO and FUNCTION (Redis 7.0's `functions.c`).

use bytes::Bytes;

use super::runner::{self, Job};
use crate::cmd::args;
use crate::cmd::ctx::{Ctx, Handler};
use crate::cmd::handler::CmdResult;
use crate::script::functions::{self, RestorePolicy};
use crate::script::shebang;
use crate::util::glob_match;

pub const COMMANDS: &[(&str, Handler)] = &[
    ("fcall", fcall),
    ("fcall_ro", fcall_ro),
    ("function|load", function_load),
    ("function|delete", function_delete),
    ("function|flush", function_flush),
    ("function|dump", function_dump),
    ("function|restore", function_restore),
    ("function|list", function_list),
    ("function|stats", function_stats),
    ("function|kill", function_kill),
    ("function|help", function_help),
];

fn fcall(ctx: &mut Ctx, argv: &[Bytes]) -> CmdResult {
    fcall_generic(ctx, argv, false)
}

fn fcall_ro(ctx: &mut Ctx, argv: &[Bytes]) -> CmdResult {
    fcall_generic(ctx, argv, true)
}

fn fcall_generic(ctx: &mut Ctx, argv: &[Bytes], read_only: bool) -> CmdResult {
    super::feed_monitors(ctx, argv);
    let Ok(name) = std::str::from_utf8(&argv[1]) else {
        return Err("ERR Function not found".into());
    };
    let Some(f) = ctx.st.scripts.functions.get(name) else {
        return Err("ERR Function not found".into());
    };
    let (func, flags) = (f.func.clone(), f.flags);
    let nk = super::eval::numkeys(argv, "ERR Bad number of keys provided")?;
    let engine = ctx.st.scripts.functions.take_engine()?;
    let job = Job { func: &func, keys: &argv[3..3 + nk], args: &argv[3 + nk..], flags, read_only, is_eval: false, name, argv };
    let result = runner::run(ctx, &engine, job);
    ctx.st.scripts.functions.put_engine(engine);
    result
}

fn function_load(ctx: &mut Ctx, argv: &[Bytes]) -> CmdResult {
    let (replace, code) = match argv.len() {
        3 => (false, &argv[2]),
        4 if args::is(&argv[2], "replace") => (true, &argv[3]),
        4 => return Err(format!("ERR Unknown option given: {}", String::from_utf8_lossy(&argv[2])).into()),
        _ => return Err("ERR wrong number of arguments for 'function|load' command".into()),
    };
    let name = ctx.st.scripts.functions.load(code, replace)?;
    // FUNCTION LOAD propagates as itself (the library's code, not its effects).
    ctx.st.dirty += 1;
    ctx.out.bulk(name.as_bytes());
    Ok(())
}

fn function_delete(ctx: &mut Ctx, argv: &[Bytes]) -> CmdResult {
    if !ctx.st.scripts.functions.delete(&String::from_utf8_lossy(&argv[2])) {
        return Err("ERR Library not found".into());
    }
    ctx.st.dirty += 1;
    ctx.out.ok();
    Ok(())
}

fn function_flush(ctx: &mut Ctx, argv: &[Bytes]) -> CmdResult {
    if argv.len() > 3 || (argv.len() == 3 && !args::is(&argv[2], "sync") && !args::is(&argv[2], "async")) {
        return Err("ERR FUNCTION FLUSH only supports SYNC|ASYNC option".into());
    }
    ctx.st.scripts.functions.flush();
    ctx.st.dirty += 1;
    ctx.out.ok();
    Ok(())
}

fn function_dump(ctx: &mut Ctx, _argv: &[Bytes]) -> CmdResult {
    let compression = ctx.st.config.get_bool("rdbcompression").unwrap_or(true);
    let payload = functions::dump_payload(&ctx.st.scripts.functions.sources(), compression);
    ctx.out.bulk(&payload);
    Ok(())
}

fn function_restore(ctx: &mut Ctx, argv: &[Bytes]) -> CmdResult {
    let policy = match argv.get(3) {
        None => RestorePolicy::Append,
        Some(p) if args::is(p, "append") => RestorePolicy::Append,
        Some(p) if args::is(p, "replace") => RestorePolicy::Replace,
        Some(p) if args::is(p, "flush") => RestorePolicy::Flush,
        Some(_) => return Err("ERR Wrong restore policy given, value should be either FLUSH, APPEND or REPLACE.".into()),
    };
    if argv.len() > 4 {
        return Err(crate::cmd::handler::SYNTAX.into());
    }
    let sources = functions::parse_payload(&argv[2])?;
    ctx.st.scripts.functions.restore(&sources, policy)?;
    ctx.st.dirty += 1;
    ctx.out.ok();
    Ok(())
}

fn function_list(ctx: &mut Ctx, argv: &[Bytes]) -> CmdResult {
    let (mut pattern, mut with_code) = (None, false);
    let mut i = 2;
    while i < argv.len() {
        if args::is(&argv[i], "withcode") && !with_code {
            with_code = true;
        } else if args::is(&argv[i], "libraryname") && pattern.is_none() {
            let Some(p) = argv.get(i + 1) else { return Err("ERR library name argument was not given".into()) };
            pattern = Some(p.clone());
            i += 1;
        } else {
            return Err(format!("ERR Unknown argument {}", String::from_utf8_lossy(&argv[i])).into());
        }
        i += 1;
    }
    let libs: Vec<_> = ctx
        .st
        .scripts
        .functions
        .libraries()
        .iter()
        .filter(|l| pattern.as_ref().is_none_or(|p| glob_match(p, l.name.as_bytes(), false)))
        .cloned()
        .collect();
    let out = &mut *ctx.out;
    out.array(libs.len());
    for lib in &libs {
        out.map(if with_code { 4 } else { 3 });
        out.bulk(b"library_name");
        out.bulk(lib.name.as_bytes());
        out.bulk(b"engine");
        out.bulk(b"LUA");
        out.bulk(b"functions");
        out.array(lib.functions.len());
        for f in &lib.functions {
            out.map(3);
            out.bulk(b"name");
            out.bulk(f.name.as_bytes());
            out.bulk(b"description");
            match &f.description {
                Some(d) => out.bulk(d),
                None => out.null(),
            }
            out.bulk(b"flags");
            let names: Vec<&str> = shebang::NAMES.iter().filter(|(_, bit)| f.flags & bit != 0).map(|(n, _)| *n).collect();
            out.set(names.len());
            for n in names {
                out.simple(n);
            }
        }
        if with_code {
            out.bulk(b"library_code");
            out.bulk(&lib.code);
        }
    }
    Ok(())
}

fn function_stats(ctx: &mut Ctx, _argv: &[Bytes]) -> CmdResult {
    // An EVAL script is running: FUNCTION STATS has nothing to say of it but that.
    if ctx.st.scripts.running.as_ref().is_some_and(|r| r.is_eval) {
        return Err(super::BUSY_EVAL.into());
    }
    let running = ctx.st.scripts.running.clone().filter(|r| !r.is_eval);
    let (libs, funcs) = (ctx.st.scripts.functions.libraries().len(), ctx.st.scripts.functions.function_count());
    let now = ctx.now;
    let out = &mut *ctx.out;
    out.map(2);
    out.bulk(b"running_script");
    match running {
        None => out.null(),
        Some(r) => {
            out.map(3);
            out.bulk(b"name");
            out.bulk(r.name.as_bytes());
            out.bulk(b"command");
            out.array(r.argv.len());
            for a in &r.argv {
                out.bulk(a);
            }
            out.bulk(b"duration_ms");
            out.int(now - r.start_ms);
        }
    }
    out.bulk(b"engines");
    out.map(1);
    out.bulk(b"LUA");
    out.map(2);
    out.bulk(b"libraries_count");
    out.int(libs as i64);
    out.bulk(b"functions_count");
    out.int(funcs as i64);
    Ok(())
}

fn function_kill(ctx: &mut Ctx, _argv: &[Bytes]) -> CmdResult {
    super::kill(ctx, false)
}

const FUNCTION_HELP: &[&str] = &[
    "FUNCTION <subcommand> [<arg> [value] [opt] ...]. Subcommands are:",
    "LOAD [REPLACE] <FUNCTION CODE>",
    "    Create a new library with the given library name and code.",
    "DELETE <LIBRARY NAME>",
    "    Delete the given library.",
    "LIST [LIBRARYNAME PATTERN] [WITHCODE]",
    "    Return general information on all the libraries:",
    "    * Library name",
    "    * The engine used to run the Library",
    "    * Library description",
    "    * Functions list",
    "    * Library code (if WITHCODE is given)",
    "    It also possible to get only function that matches a pattern using LIBRARYNAME argument.",
    "STATS",
    "    Return information about the current function running:",
    "    * Function name",
    "    * Command used to run the function",
    "    * Duration in MS that the function is running",
    "    If no function is running, return nil",
    "    In addition, returns a list of available engines.",
    "KILL",
    "    Kill the current running function.",
    "FLUSH [ASYNC|SYNC]",
    "    Delete all the libraries.",
    "    When called without the optional mode argument, the behavior is determined by the",
    "    lazyfree-lazy-user-flush configuration directive. Valid modes are:",
    "    * ASYNC: Asynchronously flush the libraries.",
    "    * SYNC: Synchronously flush the libraries.",
    "DUMP",
    "    Return a serialized payload representing the current libraries, can be restored using FUNCTION RESTORE command",
    "RESTORE <PAYLOAD> [FLUSH|APPEND|REPLACE]",
    "    Restore the libraries represented by the given payload, it is possible to give a restore policy to",
    "    control how to handle existing libraries (default APPEND):",
    "    * FLUSH: delete all existing libraries.",
    "    * APPEND: appends the restored libraries to the existing libraries. On collision, abort.",
    "    * REPLACE: appends the restored libraries to the existing libraries, On collision, replace the old",
    "      libraries with the new libraries (notice that even on this option there is a chance of failure",
    "      in case of functions name collision with another library).",
    "HELP",
    "    Prints this help.",
];

fn function_help(ctx: &mut Ctx, _argv: &[Bytes]) -> CmdResult {
    ctx.out.array(FUNCTION_HELP.len());
    for line in FUNCTION_HELP {
        ctx.out.simple(line);
    }
    Ok(())
}
