//! ACL and authentication as the commands see them: the ACL command's subcommands, the
//! credential check AUTH and HELLO share, and the permission check the dispatcher, EXEC and
//! scripts run before a command (the rules themselves live in `crate::acl`).

use bytes::Bytes;

use super::command_table::CommandDef;
use super::ctx::{Ctx, Handler};
use super::handler::CmdResult;
use super::keyspecs;
use crate::acl::log::{Context, Entry, Reason};
use crate::acl::{Denied, UserId, DEFAULT_USER};
use crate::client::ClientState;
use crate::state::State;

pub const COMMANDS: &[(&str, Handler)] = &[
    ("acl|setuser", setuser),
    ("acl|getuser", getuser),
    ("acl|deluser", deluser),
    ("acl|list", list),
    ("acl|users", users),
    ("acl|whoami", whoami),
    ("acl|cat", cat),
    ("acl|genpass", genpass),
    ("acl|log", log),
    ("acl|dryrun", dryrun),
    ("acl|save", save),
    ("acl|load", load),
    ("acl|help", help),
];

/// Whether `me` may run `argv` (`ACLCheckAllPerm`). The master link and the AOF loader have no
/// user in Redis and are never checked.
#[inline]
pub fn permitted(st: &State, me: &ClientState, def: &CommandDef, argv: &[Bytes]) -> Result<(), Denied> {
    if st.acl.unrestricted(me.user) || me.is_master || me.is_aof_loader {
        return Ok(());
    }
    user_permitted(st, me.user, def, argv)
}

/// The check for any user (ACL DRYRUN asks it for another user than the caller's).
pub fn user_permitted(st: &State, user: UserId, def: &CommandDef, argv: &[Bytes]) -> Result<(), Denied> {
    let channels = crate::acl::check::channel_args(&def.name, argv.len());
    crate::acl::check::check(st.acl.user(user), def.acl_id, argv, &mut || keyspecs::key_refs(def, argv), channels)
}

/// Whether the client may read any key with this command (SORT's BY and GET need it).
pub fn full_key_access(st: &State, me: &ClientState, def: &CommandDef, argv: &[Bytes]) -> bool {
    if st.acl.unrestricted(me.user) || me.is_master || me.is_aof_loader {
        return true;
    }
    let channels = crate::acl::check::channel_args(&def.name, argv.len());
    crate::acl::check::full_key_access(st.acl.user(me.user), def.acl_id, argv, &mut || keyspecs::key_refs(def, argv), channels)
}

/// Records a refusal in the ACL log (`addACLLogEntry`); `client_info` is the CLIENT INFO line
/// of the client it happened to (a script's caller, not the script's client).
pub fn log_denied(st: &mut State, user: UserId, denied: Denied, context: Context, def: &CommandDef, argv: &[Bytes], client_info: String) {
    let (reason, object) = match denied {
        Denied::Command => (Reason::Command, def.name.as_bytes().to_vec()),
        Denied::Key(i) => (Reason::Key, argv[i].to_vec()),
        Denied::Channel(i) => (Reason::Channel, argv[i].to_vec()),
    };
    let username = st.acl.name_of(user).to_vec();
    add_log(st, reason, context, object, username, client_info);
}

fn add_log(st: &mut State, reason: Reason, context: Context, object: Vec<u8>, username: Vec<u8>, client_info: String) {
    let max = st.config.get_int("acllog-max-len").unwrap_or(128).max(0) as usize;
    let entry = Entry { count: 1, reason, context, object, username, ctime_ms: crate::util::now_ms(), client_info: client_info.into_bytes() };
    st.acl.log.add(entry, max);
}

/// The error a refused command gets from the dispatcher (processCommand's texts).
pub fn denied_message(def: &CommandDef, denied: Denied) -> String {
    match denied {
        Denied::Command => format!("NOPERM this user has no permissions to run the '{}' command", def.name),
        Denied::Key(_) => "NOPERM this user has no permissions to access one of the keys used as arguments".into(),
        Denied::Channel(_) => "NOPERM this user has no permissions to access one of the channels used as arguments".into(),
    }
}

/// Refuses a command from the dispatcher: logged, and the reply text.
pub fn refuse(st: &mut State, me: &ClientState, def: &CommandDef, argv: &[Bytes], denied: Denied) -> String {
    let context = if me.multi.active { Context::Multi } else { Context::Toplevel };
    let info = super::clients::describe(me, &st.acl, crate::util::now_ms(), Some(argv));
    log_denied(st, me.user, denied, context, def, argv, info);
    denied_message(def, denied)
}

/// EXEC's check of each queued command (the rules may have changed since it was queued).
pub fn refuse_in_exec(st: &mut State, me: &ClientState, def: &CommandDef, argv: &[Bytes]) -> Option<String> {
    let denied = permitted(st, me, def, argv).err()?;
    let info = super::clients::describe(me, &st.acl, crate::util::now_ms(), Some(argv));
    log_denied(st, me.user, denied, Context::Multi, def, argv, info);
    let reason = match denied {
        Denied::Command => "no permission to execute the command or subcommand",
        Denied::Key(_) => "no permission to touch the specified keys",
        Denied::Channel(_) => "no permission to access one of the channels used as arguments",
    };
    Some(format!(
        "NOPERM ACLs rules changed between the moment the transaction was accumulated and the EXEC call. This command is no longer allowed for the following reason: {reason}"
    ))
}

/// A script's command refused (`scriptVerifyACL`): the error the script sees.
pub fn script_denied_message(denied: Denied) -> &'static str {
    match denied {
        Denied::Command => "The user executing the script can't run this command or subcommand",
        Denied::Key(_) => "The user executing the script can't access at least one of the keys mentioned in the command arguments",
        Denied::Channel(_) => "The user executing the script can't publish to the channel mentioned in the command",
    }
}

/// AUTH / HELLO AUTH (`ACLAuthenticateUser`): on success the connection runs as the user; a
/// failure is logged (object: the command name as typed).
pub fn authenticate(ctx: &mut Ctx, user: &[u8], pass: &[u8], command: &[u8]) -> bool {
    if let Some(id) = ctx.st.acl.authenticate(user, pass) {
        ctx.me.authenticated = true;
        ctx.me.user = id;
        return true;
    }
    let context = if ctx.me.multi.active { Context::Multi } else { Context::Toplevel };
    let info = super::clients::describe(ctx.me, &ctx.st.acl, ctx.now, None);
    add_log(ctx.st, Reason::Auth, context, command.to_vec(), user.to_vec(), info);
    false
}

/// Disconnects the clients of users that were deleted or replaced (`ACLFreeUserAndKillClients`):
/// they go back to the default user, unauthenticated, and close; the caller itself closes after
/// its reply.
fn disconnect_users(ctx: &mut Ctx, ids: &[UserId]) {
    for c in ctx.st.clients.values_mut() {
        if ids.contains(&c.user) && !c.is_master {
            c.user = DEFAULT_USER;
            c.authenticated = false;
            c.killed = true;
            c.outbox.kill();
        }
    }
    if ids.contains(&ctx.me.user) {
        ctx.me.user = DEFAULT_USER;
        ctx.me.authenticated = false;
        ctx.me.killed = true;
    }
}

/// What Redis's `%s` prints of an argument: up to its first NUL.
fn lossy(b: &[u8]) -> String {
    let end = b.iter().position(|&c| c == 0).unwrap_or(b.len());
    String::from_utf8_lossy(&b[..end]).into_owned()
}

fn setuser(ctx: &mut Ctx, argv: &[Bytes]) -> CmdResult {
    let name = &argv[2];
    if crate::acl::user::has_spaces(name) {
        return Err("ERR Usernames can't contain spaces or null characters".into());
    }
    let ops: Vec<Vec<u8>> = argv[3..].iter().map(|a| a.to_vec()).collect();
    let rules = crate::acl::user::merge_selector_args(&ops)
        .map_err(|j| format!("ERR Unmatched parenthesis in acl selector starting at '{}'.", lossy(&argv[3 + j])))?;
    match ctx.st.acl.setuser(name, &rules) {
        Err((rule, e)) => Err(format!("ERR Error in ACL SETUSER modifier '{}': {}", lossy(&rule), e.message()).into()),
        Ok((id, old)) => {
            if let Some(old) = old {
                kill_pubsub_clients_if_needed(ctx, id, &old);
            }
            ctx.out.ok();
            Ok(())
        }
    }
}

/// `ACLKillPubsubClientsIfNeeded`: after a user's channels were narrowed, its subscribers whose
/// subscriptions the new rules no longer allow are disconnected.
fn kill_pubsub_clients_if_needed(ctx: &mut Ctx, id: UserId, old: &crate::acl::user::User) {
    let new = ctx.st.acl.user(id);
    if new.selectors().iter().any(|s| s.all_channels()) {
        return;
    }
    let upcoming: Vec<Vec<u8>> = new.selectors().iter().flat_map(|s| s.channels().iter().cloned()).collect();
    if old.selectors().iter().all(|s| s.channels().iter().all(|c| upcoming.contains(c))) {
        return;
    }
    let violates = |c: &ClientState| {
        c.patterns.iter().any(|p| !crate::acl::user::channel_in(&upcoming, p, true))
            || c.channels.iter().chain(c.shard_channels.iter()).any(|ch| !crate::acl::user::channel_in(&upcoming, ch, false))
    };
    for c in ctx.st.clients.values_mut() {
        if c.user == id && violates(c) {
            c.killed = true;
            c.outbox.kill();
        }
    }
    if ctx.me.user == id && violates(ctx.me) {
        ctx.me.killed = true;
    }
}

fn getuser(ctx: &mut Ctx, argv: &[Bytes]) -> CmdResult {
    let Some(id) = ctx.st.acl.id_of(&argv[2]) else {
        ctx.out.null();
        return Ok(());
    };
    let u = ctx.st.acl.user(id);
    let pd = ctx.st.acl.pubsub_default();
    let out = &mut *ctx.out;
    out.map(6);
    out.bulk(b"flags");
    let flags: Vec<&str> = crate::acl::user::USER_FLAGS.iter().filter(|(_, f)| u.flags() & f != 0).map(|(n, _)| *n).collect();
    out.set(flags.len());
    for f in flags {
        out.bulk(f.as_bytes());
    }
    out.bulk(b"passwords");
    out.array(u.passwords().len());
    for p in u.passwords() {
        out.bulk(p.as_bytes());
    }
    let describe = |out: &mut crate::resp::reply::Out, s: &crate::acl::user::Selector| {
        out.bulk(b"commands");
        out.bulk(s.describe_commands(pd).as_bytes());
        out.bulk(b"keys");
        out.bulk(&s.describe_keys());
        out.bulk(b"channels");
        out.bulk(&s.describe_channels());
    };
    describe(out, &u.selectors()[0]);
    out.bulk(b"selectors");
    out.array(u.selectors().len() - 1);
    for s in &u.selectors()[1..] {
        out.map(3);
        describe(out, s);
    }
    Ok(())
}

fn deluser(ctx: &mut Ctx, argv: &[Bytes]) -> CmdResult {
    if argv[2..].iter().any(|n| n.as_ref() == b"default") {
        return Err("ERR The 'default' user cannot be removed".into());
    }
    let mut gone = Vec::new();
    for name in &argv[2..] {
        gone.extend(ctx.st.acl.remove(name));
    }
    disconnect_users(ctx, &gone);
    ctx.out.int(gone.len() as i64);
    Ok(())
}

fn list(ctx: &mut Ctx, _argv: &[Bytes]) -> CmdResult {
    let lines = ctx.st.acl.lines();
    ctx.out.array(lines.len());
    for l in lines {
        ctx.out.bulk(&l);
    }
    Ok(())
}

fn users(ctx: &mut Ctx, _argv: &[Bytes]) -> CmdResult {
    let names: Vec<Vec<u8>> = ctx.st.acl.ids().map(|id| ctx.st.acl.name_of(id).to_vec()).collect();
    ctx.out.array(names.len());
    for n in names {
        ctx.out.bulk(&n);
    }
    Ok(())
}

fn whoami(ctx: &mut Ctx, _argv: &[Bytes]) -> CmdResult {
    let name = ctx.st.acl.name_of(ctx.me.user).to_vec();
    ctx.out.bulk(&name);
    Ok(())
}

fn cat(ctx: &mut Ctx, argv: &[Bytes]) -> CmdResult {
    use crate::acl::catalog::{self, CATEGORIES};
    if argv.len() > 3 {
        return Err(super::introspect::subcommand_syntax_error(argv));
    }
    let Some(name) = argv.get(2) else {
        ctx.out.array(CATEGORIES.len());
        for c in CATEGORIES {
            ctx.out.bulk(c.as_bytes());
        }
        return Ok(());
    };
    let Some(flag) = catalog::category_bit(name) else {
        let shown = &name[..name.len().min(128)];
        return Err(format!("ERR Unknown category '{}'", lossy(shown)).into());
    };
    let cat = catalog::get();
    let names: Vec<&str> = cat.entries.iter().filter(|e| e.categories & flag != 0).map(|e| e.name.as_str()).collect();
    ctx.out.array(names.len());
    for n in names {
        ctx.out.bulk(n.as_bytes());
    }
    Ok(())
}

fn genpass(ctx: &mut Ctx, argv: &[Bytes]) -> CmdResult {
    const MAX_BITS: i64 = 4096;
    if argv.len() > 3 {
        return Err(super::introspect::subcommand_syntax_error(argv));
    }
    let bits = match argv.get(2) {
        Some(a) => super::args::int(a)?,
        None => 256,
    };
    if bits <= 0 || bits > MAX_BITS {
        return Err(format!("ERR ACL GENPASS argument must be the number of bits for the output password, a positive number up to {MAX_BITS}").into());
    }
    let chars = ((bits + 3) / 4) as usize;
    let mut bytes = vec![0u8; chars.div_ceil(2)];
    ring::rand::SecureRandom::fill(&ring::rand::SystemRandom::new(), &mut bytes).map_err(|_| "ERR failed to generate random bytes")?;
    let hex = crate::util::to_hex(&bytes);
    ctx.out.bulk(&hex.as_bytes()[..chars]);
    Ok(())
}

fn log(ctx: &mut Ctx, argv: &[Bytes]) -> CmdResult {
    if argv.len() > 3 {
        return Err(super::introspect::subcommand_syntax_error(argv));
    }
    let mut count = 10i64;
    if let Some(a) = argv.get(2) {
        if a.eq_ignore_ascii_case(b"reset") {
            ctx.st.acl.log.entries.clear();
            ctx.out.ok();
            return Ok(());
        }
        count = super::args::int(a)?.max(0);
    }
    let now = crate::util::now_ms();
    let entries: Vec<Entry> = ctx.st.acl.log.entries.iter().take(count as usize).cloned().collect();
    let out = &mut *ctx.out;
    out.array(entries.len());
    for e in entries {
        out.map(7);
        out.bulk(b"count");
        out.int(e.count as i64);
        out.bulk(b"reason");
        out.bulk(e.reason.as_str().as_bytes());
        out.bulk(b"context");
        out.bulk(e.context.as_str().as_bytes());
        out.bulk(b"object");
        out.bulk(&e.object);
        out.bulk(b"username");
        out.bulk(&e.username);
        out.bulk(b"age-seconds");
        out.double((now - e.ctime_ms) as f64 / 1000.0);
        out.bulk(b"client-info");
        out.bulk(&e.client_info);
    }
    Ok(())
}

fn dryrun(ctx: &mut Ctx, argv: &[Bytes]) -> CmdResult {
    let Some(user) = ctx.st.acl.id_of(&argv[2]) else {
        return Err(format!("ERR User '{}' not found", lossy(&argv[2])).into());
    };
    let target = &argv[3..];
    let def = match super::lookup(target) {
        super::Lookup::Found(d) => d,
        _ => return Err(format!("ERR Command '{}' not found", lossy(&argv[3])).into()),
    };
    if !def.arity_ok(target.len()) {
        return Err(format!("ERR wrong number of arguments for '{}' command", def.name).into());
    }
    match user_permitted(ctx.st, user, def, target) {
        Ok(()) => ctx.out.ok(),
        Err(Denied::Command) => ctx.out.bulk(format!("This user has no permissions to run the '{}' command", def.name).as_bytes()),
        Err(Denied::Key(i)) => ctx.out.bulk(&[b"This user has no permissions to access the '".as_slice(), &target[i], b"' key"].concat()),
        Err(Denied::Channel(i)) => ctx.out.bulk(&[b"This user has no permissions to access the '".as_slice(), &target[i], b"' channel"].concat()),
    }
    Ok(())
}

const NO_ACLFILE: &str = "ERR This Redis instance is not configured to use an ACL file. You may want to specify users via the ACL SETUSER command and then issue a CONFIG REWRITE (assuming you have a Redis configuration file set) in order to store users in the Redis configuration.";

fn aclfile(ctx: &Ctx) -> Result<String, super::CmdError> {
    match ctx.st.config.get("aclfile") {
        Some(f) if !f.is_empty() => Ok(f),
        _ => Err(NO_ACLFILE.into()),
    }
}

fn save(ctx: &mut Ctx, _argv: &[Bytes]) -> CmdResult {
    let file = aclfile(ctx)?;
    if let Err(e) = ctx.st.acl.save_file(std::path::Path::new(&file)) {
        crate::log::warning(&format!("Writing ACL file for ACL SAVE: {}", crate::config::strerror(&e)));
        return Err("ERR There was an error trying to save the ACLs. Please check the server logs for more information".into());
    }
    ctx.out.ok();
    Ok(())
}

fn load(ctx: &mut Ctx, _argv: &[Bytes]) -> CmdResult {
    let file = aclfile(ctx)?;
    match ctx.st.acl.load_file(std::path::Path::new(&file), &file) {
        Ok(gone) => {
            disconnect_users(ctx, &gone);
            ctx.out.ok();
            Ok(())
        }
        Err(e) => Err(format!("ERR {e}").into()),
    }
}

fn help(ctx: &mut Ctx, _argv: &[Bytes]) -> CmdResult {
    super::introspect::help_reply(
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
