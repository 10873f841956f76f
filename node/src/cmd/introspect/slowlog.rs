//! SLOWLOG: the entries `call` records for commands slower than `slowlog-log-slower-than`, with secrets redacted.

use bytes::Bytes;

use super::{help_reply, subcommand_syntax_error};
use crate::client::ClientState;
use crate::cmd::args;
use crate::cmd::ctx::Ctx;
use crate::cmd::handler::CmdResult;
use crate::state::{SlowEntry, State};

/// Arguments kept per slowlog entry and bytes kept per argument (SLOWLOG_ENTRY_MAX_*).
const SLOWLOG_MAX_ARGC: usize = 32;
const SLOWLOG_MAX_STRING: usize = 128;

/// What SLOWLOG and MONITOR show of a command: secrets replaced by "(redacted)", as Redis's
/// `redactClientCommandArgument` does for AUTH, HELLO ... AUTH and sensitive CONFIG SET values.
pub fn redacted(argv: &[Bytes]) -> std::borrow::Cow<'_, [Bytes]> {
    const SECRET: &[u8] = b"(redacted)";
    let name = crate::cmd::handler::lower(&argv[0]);
    let mut hide: Vec<usize> = Vec::new();
    match name.as_str() {
        "auth" => hide.extend(1..argv.len()),
        "hello" => {
            let mut j = 2;
            while j < argv.len() {
                if args::is(&argv[j], "auth") && j + 2 < argv.len() {
                    hide.extend([j + 1, j + 2]);
                    j += 3;
                } else {
                    j += if args::is(&argv[j], "setname") { 2 } else { 1 };
                }
            }
        }
        "acl" if argv.len() >= 3 && args::is(&argv[1], "setuser") => hide.extend(2..argv.len()),
        "migrate" => hide = crate::cmd::migrate::secret_positions(argv),
        "config" if argv.len() > 3 && args::is(&argv[1], "set") => {
            for j in (2..argv.len() - 1).step_by(2) {
                if crate::config::Config::is_sensitive(&argv[j]) {
                    hide.push(j + 1);
                }
            }
        }
        _ => {}
    }
    if hide.is_empty() {
        return std::borrow::Cow::Borrowed(argv);
    }
    let mut v = argv.to_vec();
    for j in hide {
        if let Some(a) = v.get_mut(j) {
            *a = Bytes::from_static(SECRET);
        }
    }
    std::borrow::Cow::Owned(v)
}

pub fn slowlog_push(st: &mut State, me: &ClientState, argv: &[Bytes], duration_us: i64) {
    let threshold = st.config.slowlog_log_slower_than;
    if threshold < 0 || duration_us < threshold {
        return;
    }
    let argv = redacted(argv);
    let argv = &argv[..];
    let mut kept: Vec<Bytes> = Vec::new();
    let argc = argv.len().min(SLOWLOG_MAX_ARGC);
    for (i, a) in argv.iter().take(argc).enumerate() {
        if argc != argv.len() && i == argc - 1 {
            kept.push(Bytes::from(format!("... ({} more arguments)", argv.len() - argc + 1)));
        } else if a.len() > SLOWLOG_MAX_STRING {
            let mut v = a[..SLOWLOG_MAX_STRING].to_vec();
            v.extend_from_slice(format!("... ({} more bytes)", a.len() - SLOWLOG_MAX_STRING).as_bytes());
            kept.push(Bytes::from(v));
        } else {
            kept.push(a.clone());
        }
    }
    let id = st.slowlog_next_id;
    st.slowlog_next_id += 1;
    st.slowlog.push_front(SlowEntry {
        id,
        time_s: crate::util::now_ms() / 1000,
        duration_us,
        argv: kept,
        addr: me.addr.clone(),
        name: me.name.as_ref().map(|n| String::from_utf8_lossy(n).into_owned()).unwrap_or_default(),
    });
    let max = st.config.slowlog_max_len;
    while st.slowlog.len() > max {
        st.slowlog.pop_back();
    }
}

pub(super) fn slowlog_get(ctx: &mut Ctx, argv: &[Bytes]) -> CmdResult {
    if argv.len() > 3 {
        return Err(subcommand_syntax_error(argv));
    }
    let count = match argv.get(2) {
        None => 10,
        Some(a) => {
            let n = crate::util::parse_i64(a).ok_or("ERR count should be greater than or equal to -1")?;
            if n < -1 {
                return Err("ERR count should be greater than or equal to -1".into());
            }
            if n == -1 {
                usize::MAX
            } else {
                n as usize
            }
        }
    };
    let entries: Vec<SlowEntry> = ctx.st.slowlog.iter().take(count).cloned().collect();
    ctx.out.array(entries.len());
    for e in entries {
        ctx.out.array(6);
        ctx.out.int(e.id as i64);
        ctx.out.int(e.time_s);
        ctx.out.int(e.duration_us);
        ctx.out.array(e.argv.len());
        for a in &e.argv {
            ctx.out.bulk(a);
        }
        ctx.out.bulk(e.addr.as_bytes());
        ctx.out.bulk(e.name.as_bytes());
    }
    Ok(())
}

pub(super) fn slowlog_len(ctx: &mut Ctx, _argv: &[Bytes]) -> CmdResult {
    ctx.out.int(ctx.st.slowlog.len() as i64);
    Ok(())
}

pub(super) fn slowlog_reset(ctx: &mut Ctx, _argv: &[Bytes]) -> CmdResult {
    ctx.st.slowlog.clear();
    ctx.out.ok();
    Ok(())
}

pub(super) fn slowlog_help(ctx: &mut Ctx, _argv: &[Bytes]) -> CmdResult {
    help_reply(
        ctx,
        "SLOWLOG",
        &[
            "GET [<count>]",
            "    Return top <count> entries from the slowlog (default: 10, -1 mean all).",
            "    Entries are made of:",
            "    id, timestamp, time in microseconds, arguments array, client IP and port,",
            "    client name",
            "LEN",
            "    Return the length of the slowlog.",
            "RESET",
            "    Reset the slowlog.",
        ],
    );
    Ok(())
}
