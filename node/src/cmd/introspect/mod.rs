//! Introspection commands, one file each: [`command`] (COMMAND), [`slowlog`], [`latency`],
//! [`monitor`], [`debug`], [`memory`]; and the HELP reply shape every command family shares.
//! Like every family they may call anything below `cmd` (DEBUG reaches into `db`, `persistence`
//! and `script`, MEMORY into `alloc`). What the dispatcher calls around each command (DEBUG's
//! `enable-debug-command` check, the slowlog entry, the MONITOR feed) is re-exported here; its
//! latency samples go to `keyspace::latency_sample`.

mod command;
mod debug;
mod latency;
mod memory;
mod monitor;
mod slowlog;

pub use debug::{debug_allowed, DEBUG_NOT_ALLOWED};
pub use monitor::feed_monitors;
pub use slowlog::{redacted, slowlog_push};

use bytes::Bytes;

use super::{Ctx, Handler};

pub const COMMANDS: &[(&str, Handler)] = &[
    ("command", command::command),
    ("command|count", command::command_count),
    ("command|info", command::command_info),
    ("command|docs", command::command_docs),
    ("command|list", command::command_list),
    ("command|getkeys", command::command_getkeys),
    ("command|getkeysandflags", command::command_getkeys),
    ("command|help", command::command_help),
    ("slowlog|get", slowlog::slowlog_get),
    ("slowlog|len", slowlog::slowlog_len),
    ("slowlog|reset", slowlog::slowlog_reset),
    ("slowlog|help", slowlog::slowlog_help),
    ("latency|latest", latency::latency_latest),
    ("latency|history", latency::latency_history),
    ("latency|reset", latency::latency_reset),
    ("latency|doctor", latency::latency_doctor),
    ("latency|graph", latency::latency_graph),
    ("latency|histogram", latency::latency_histogram),
    ("latency|help", latency::latency_help),
    ("monitor", monitor::monitor),
    ("debug", debug::debug),
    ("memory|usage", memory::memory_usage),
    ("memory|doctor", memory::memory_doctor),
    ("memory|stats", memory::memory_stats),
    ("memory|malloc-stats", memory::memory_malloc_stats),
    ("memory|purge", memory::memory_purge),
    ("memory|help", memory::memory_help),
];

/// Redis's `addReplySubcommandSyntaxError`: a known subcommand with arguments it does not take.
pub fn subcommand_syntax_error(argv: &[Bytes]) -> super::CmdError {
    let sub = String::from_utf8_lossy(&argv[1][..argv[1].len().min(128)]).into_owned();
    format!("ERR unknown subcommand or wrong number of arguments for '{sub}'. Try {} HELP.", String::from_utf8_lossy(&argv[0]).to_ascii_uppercase())
        .into()
}

/// Redis's `addReplyHelp`: a header line, the given lines and the HELP entry, as status replies.
pub fn help_reply(ctx: &mut Ctx, cmd: &str, lines: &[&str]) {
    ctx.out.array(lines.len() + 3);
    ctx.out.simple(&format!("{cmd} <subcommand> [<arg> [value] [opt] ...]. Subcommands are:"));
    for l in lines {
        ctx.out.simple(l);
    }
    ctx.out.simple("HELP");
    ctx.out.simple("    Prints this help.");
}
