//! The read-only part of ACL that a sentinel serves (redis-sentinel 7.0 keeps the ACL command):
//! WHOAMI, USERS, LIST, GETUSER, CAT and HELP, for the one user a sentinel has, `default`
//! (`requirepass` is its password). Users cannot be created or changed here: SETUSER, DELUSER,
//! LOAD, SAVE, LOG, DRYRUN and GENPASS are unknown subcommands.

use bytes::Bytes;

use crate::cmd::command_table;
use crate::cmd::ctx::{Ctx, Handler};
use crate::cmd::handler::CmdResult;

pub const COMMANDS: &[(&str, Handler)] =
    &[("acl|whoami", whoami), ("acl|users", users), ("acl|list", list), ("acl|getuser", getuser), ("acl|cat", cat), ("acl|help", help)];

/// ACL CAT's categories, in Redis's order.
const CATEGORIES: [&str; 21] = [
    "keyspace",
    "read",
    "write",
    "set",
    "sortedset",
    "list",
    "hash",
    "string",
    "bitmap",
    "hyperloglog",
    "geo",
    "stream",
    "pubsub",
    "admin",
    "fast",
    "slow",
    "blocking",
    "dangerous",
    "connection",
    "transaction",
    "scripting",
];

/// The password-protected default user is described with its SHA-256, which we do not compute.
const PASSWORD_USER: &str = "ERR the default user has a password (requirepass): its ACL description is not available in redis-ha-node";

fn whoami(ctx: &mut Ctx, _argv: &[Bytes]) -> CmdResult {
    ctx.out.bulk(b"default");
    Ok(())
}

fn users(ctx: &mut Ctx, _argv: &[Bytes]) -> CmdResult {
    ctx.out.array(1);
    ctx.out.bulk(b"default");
    Ok(())
}

/// Whether the default user was (re)defined by a `user default ...` line, which every sentinel
/// config rewrite writes: Redis then creates it through ACL SETUSER, which adds `sanitize-payload`,
/// while the built-in default user of a first start has no such flag.
fn from_user_line(ctx: &Ctx) -> bool {
    ctx.st.config.users.iter().any(|u| u.first().is_some_and(|n| n.as_slice() == b"default"))
}

fn list(ctx: &mut Ctx, _argv: &[Bytes]) -> CmdResult {
    if ctx.st.config.requirepass.is_some() {
        return Err(PASSWORD_USER.into());
    }
    let line: &[u8] =
        if from_user_line(ctx) { b"user default on nopass sanitize-payload ~* &* +@all" } else { b"user default on nopass ~* &* +@all" };
    ctx.out.array(1);
    ctx.out.bulk(line);
    Ok(())
}

fn getuser(ctx: &mut Ctx, argv: &[Bytes]) -> CmdResult {
    if argv[2].as_ref() != b"default" {
        ctx.out.null();
        return Ok(());
    }
    if ctx.st.config.requirepass.is_some() {
        return Err(PASSWORD_USER.into());
    }
    let flags: &[&str] = if from_user_line(ctx) { &["on", "nopass", "sanitize-payload"] } else { &["on", "nopass"] };
    let out = &mut *ctx.out;
    out.map(6);
    out.bulk(b"flags");
    out.array(flags.len());
    for f in flags {
        out.bulk(f.as_bytes());
    }
    out.bulk(b"passwords");
    out.array(0);
    for (k, v) in [("commands", "+@all"), ("keys", "~*"), ("channels", "&*")] {
        out.bulk(k.as_bytes());
        out.bulk(v.as_bytes());
    }
    out.bulk(b"selectors");
    out.array(0);
    Ok(())
}

/// Whether a COMMAND INFO entry lists `@category` among its ACL categories (element 6).
fn in_category(info: &crate::resp::frame::Frame, category: &str) -> bool {
    let cats = info.items().and_then(|i| i.get(6)).and_then(|c| c.items()).unwrap_or(&[]);
    cats.iter().any(|c| c.as_str().and_then(|s| s.strip_prefix('@')).is_some_and(|s| s.eq_ignore_ascii_case(category)))
}

fn cat(ctx: &mut Ctx, argv: &[Bytes]) -> CmdResult {
    let Some(wanted) = argv.get(2) else {
        ctx.out.array(CATEGORIES.len());
        for c in CATEGORIES {
            ctx.out.bulk(c.as_bytes());
        }
        return Ok(());
    };
    let given = String::from_utf8_lossy(wanted).into_owned();
    let wanted = given.to_ascii_lowercase();
    if !CATEGORIES.contains(&wanted.as_str()) {
        return Err(format!("ERR Unknown category '{given}'").into());
    }
    let mut names = Vec::new();
    for def in command_table::table().sorted() {
        // A container is listed itself when it is in the category, then its subcommands that are.
        if in_category(&def.info, &wanted) {
            names.push(def.name.clone());
        }
        if !def.subcommands.is_empty() {
            let mut subs: Vec<_> = def.subcommands.values().filter(|s| in_category(&s.info, &wanted)).map(|s| s.name.clone()).collect();
            subs.sort();
            names.extend(subs);
        }
    }
    ctx.out.array(names.len());
    for n in &names {
        ctx.out.bulk(n.as_bytes());
    }
    Ok(())
}

fn help(ctx: &mut Ctx, _argv: &[Bytes]) -> CmdResult {
    crate::cmd::introspect::help_reply(
        ctx,
        "ACL",
        &[
            "CAT [<category>]",
            "    List all commands that belong to <category>, or all command categories",
            "    when no category is specified.",
            "DELUSER <username> [<username> ...]",
            "    Delete a list of users.",
            "DRYRUN <username> <command> [<arg> ...]",
            "    Returns whether the user can execute the given command without executing the command.",
            "GETUSER <username>",
            "    Get the user's details.",
            "GENPASS [<bits>]",
            "    Generate a secure 256-bit user password. The optional `bits` argument can",
            "    be used to specify a different size.",
            "LIST",
            "    Show users details in config file format.",
            "LOAD",
            "    Reload users from the ACL file.",
            "LOG [<count> | RESET]",
            "    Show the ACL log entries.",
            "SAVE",
            "    Save the current config to the ACL file.",
            "SETUSER <username> <attribute> [<attribute> ...]",
            "    Create or modify a user with the specified attributes.",
            "USERS",
            "    List all the registered usernames.",
            "WHOAMI",
            "    Return the current connection username.",
        ],
    );
    Ok(())
}
