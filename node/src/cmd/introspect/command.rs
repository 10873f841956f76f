//! COMMAND and its subcommands: the command table as Redis 7.0 describes it (INFO, DOCS, LIST, COUNT, GETKEYS).

use bytes::Bytes;

use super::help_reply;
use crate::cmd::args;
use crate::cmd::command_table::{self, CommandDef};
use crate::cmd::ctx::Ctx;
use crate::cmd::handler::{CmdResult, SYNTAX};
use crate::resp::frame::Frame;

pub(super) fn command(ctx: &mut Ctx, _argv: &[Bytes]) -> CmdResult {
    let all = command_table::table().sorted();
    ctx.out.array(all.len());
    for def in all {
        def.info.write(ctx.out);
    }
    Ok(())
}

pub(super) fn command_count(ctx: &mut Ctx, _argv: &[Bytes]) -> CmdResult {
    ctx.out.int(command_table::table().commands.len() as i64);
    Ok(())
}

/// Finds a command or subcommand by its full name ("config|get").
pub(super) fn find(name: &[u8]) -> Option<&'static CommandDef> {
    let n = crate::cmd::handler::lower(name);
    let mut parts = n.splitn(2, '|');
    let top = command_table::table().get(parts.next()?)?;
    match parts.next() {
        None => Some(top),
        Some(sub) => top.subcommand(sub.as_bytes()),
    }
}

pub(super) fn command_info(ctx: &mut Ctx, argv: &[Bytes]) -> CmdResult {
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
    let subs = command_table::table().get(parent)?.docs.as_ref()?.get("subcommands")?;
    match subs {
        Frame::Map(pairs) => pairs.iter().find(|(k, _)| k.as_str().is_some_and(|n| n.eq_ignore_ascii_case(&def.name))).map(|(_, v)| v),
        _ => None,
    }
}

pub(super) fn command_docs(ctx: &mut Ctx, argv: &[Bytes]) -> CmdResult {
    let defs: Vec<&CommandDef> = if argv.len() == 2 { command_table::table().sorted() } else { argv[2..].iter().filter_map(|n| find(n)).collect() };
    let docs: Vec<(&str, &Frame)> = defs.into_iter().filter_map(|d| docs_of(d).map(|f| (d.name.as_str(), f))).collect();
    ctx.out.map(docs.len());
    for (name, doc) in docs {
        ctx.out.bulk(name.as_bytes());
        doc.write(ctx.out);
    }
    Ok(())
}

pub(super) fn command_list(ctx: &mut Ctx, argv: &[Bytes]) -> CmdResult {
    // COMMAND LIST [FILTERBY MODULE name | ACLCAT cat | PATTERN pattern]
    let filter = match argv.len() {
        2 => None,
        5 if args::is(&argv[2], "filterby") => {
            let kind = crate::cmd::handler::lower(&argv[3]);
            if !matches!(kind.as_str(), "module" | "aclcat" | "pattern") {
                return Err(SYNTAX.into());
            }
            Some((kind, argv[4].clone()))
        }
        _ => return Err(SYNTAX.into()),
    };
    let mut names: Vec<String> = Vec::new();
    for def in command_table::table().sorted() {
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

pub(super) fn command_getkeys(ctx: &mut Ctx, argv: &[Bytes]) -> CmdResult {
    let with_flags = argv[1].eq_ignore_ascii_case(b"getkeysandflags");
    let target = &argv[2..];
    let def = match crate::cmd::lookup(target) {
        crate::cmd::Lookup::Found(d) if d.handler.is_some() || d.subcommands.is_empty() => d,
        _ => return Err("ERR Invalid command specified".into()),
    };
    let has_keys = def.first_key > 0 || def.info.items().and_then(|i| i.get(8)).and_then(|s| s.items()).is_some_and(|s| !s.is_empty());
    if !has_keys {
        return Err("ERR The command has no key arguments".into());
    }
    if !def.arity_ok(target.len()) {
        return Err("ERR Invalid number of arguments specified for command".into());
    }
    let keys = crate::cmd::keyspecs::keys_of(def, target);
    if keys.is_empty() {
        return Err("ERR Invalid arguments specified for command".into());
    }
    let flags = if with_flags { crate::cmd::keyspecs::key_flags(def, target, &keys) } else { Vec::new() };
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

pub(super) fn command_help(ctx: &mut Ctx, _argv: &[Bytes]) -> CmdResult {
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
