//! XINFO STREAM [FULL [COUNT n]] / GROUPS / CONSUMERS / HELP.

use bytes::Bytes;

use super::common::{read_stream, reply_entry, reply_id, reply_range};
use crate::cmd::args;
use crate::cmd::ctx::Ctx;
use crate::cmd::handler::{CmdError, CmdResult, NO_SUCH_KEY};
use crate::db::stream::{Stream, StreamId};
use crate::resp::reply::Out;

/// A HELP reply: the lines as status replies (`addReplyHelp`, which appends the HELP line).
pub(super) fn reply_help(ctx: &mut Ctx, lines: &[&str]) {
    ctx.out.array(lines.len());
    for l in lines {
        ctx.out.simple(l);
    }
}

const XINFO_HELP: &[&str] = &[
    "XINFO <subcommand> [<arg> [value] [opt] ...]. Subcommands are:",
    "CONSUMERS <key> <groupname>",
    "    Show consumers of <groupname>.",
    "GROUPS <key>",
    "    Show the stream consumer groups.",
    "STREAM <key> [FULL [COUNT <count>]",
    "    Show information about the stream.",
    "HELP",
    "    Prints this help.",
];

pub fn xinfo_help(ctx: &mut Ctx, _argv: &[Bytes]) -> CmdResult {
    reply_help(ctx, XINFO_HELP);
    Ok(())
}

fn syntax(sub: &[u8]) -> CmdError {
    format!("ERR unknown subcommand or wrong number of arguments for '{}'. Try XINFO HELP.", String::from_utf8_lossy(sub)).into()
}

pub fn xinfo(ctx: &mut Ctx, argv: &[Bytes]) -> CmdResult {
    let sub = &argv[1];
    let key = &argv[2];
    let now = ctx.now;
    // Options are checked after the key is found, as in Redis.
    let (s, out) = read_stream(ctx, key)?;
    let Some(s) = s else { return Err(NO_SUCH_KEY.into()) };
    if args::is(sub, "consumers") && argv.len() == 4 {
        let Some(g) = s.groups.get(&argv[3][..]) else {
            return Err(format!(
                "NOGROUP No such consumer group '{}' for key name '{}'",
                String::from_utf8_lossy(&argv[3]),
                String::from_utf8_lossy(key)
            )
            .into());
        };
        out.array(g.consumers.len());
        for (name, c) in &g.consumers {
            out.map(3);
            out.bulk(b"name");
            out.bulk(name);
            out.bulk(b"pending");
            out.int(c.pel.len() as i64);
            out.bulk(b"idle");
            out.int((now - c.seen_time).max(0));
        }
    } else if args::is(sub, "groups") && argv.len() == 3 {
        out.array(s.groups.len());
        for (name, g) in &s.groups {
            out.map(6);
            out.bulk(b"name");
            out.bulk(name);
            out.bulk(b"consumers");
            out.int(g.consumers.len() as i64);
            out.bulk(b"pending");
            out.int(g.pel.len() as i64);
            out.bulk(b"last-delivered-id");
            reply_id(out, g.last_id);
            out.bulk(b"entries-read");
            reply_entries_read(out, g.entries_read);
            out.bulk(b"lag");
            reply_lag(out, s, g);
        }
    } else if args::is(sub, "stream") {
        stream_info(out, s, argv, sub)?;
    } else {
        return Err(syntax(sub));
    }
    Ok(())
}

fn reply_entries_read(out: &mut Out, n: i64) {
    if n == crate::db::stream::groups::INVALID_ENTRIES_READ {
        out.null();
    } else {
        out.int(n);
    }
}

fn reply_lag(out: &mut Out, s: &Stream, g: &crate::db::stream::Group) {
    match s.group_lag(g) {
        Some(l) => out.int(l),
        None => out.null(),
    }
}

fn stream_info(out: &mut Out, s: &Stream, argv: &[Bytes], sub: &[u8]) -> Result<(), CmdError> {
    let opts = &argv[3..];
    let mut count: i64 = 10;
    let full = !opts.is_empty();
    if full {
        if (opts.len() != 1 && opts.len() != 3) || !args::is(&opts[0], "full") {
            return Err(syntax(sub));
        }
        if opts.len() == 3 {
            if !args::is(&opts[1], "count") {
                return Err(syntax(sub));
            }
            count = args::int(&opts[2])?;
            if count < 0 {
                count = 10;
            }
        }
    }
    out.map(if full { 9 } else { 10 });
    out.bulk(b"length");
    out.int(s.length as i64);
    out.bulk(b"radix-tree-keys");
    out.int(s.node_count() as i64);
    out.bulk(b"radix-tree-nodes");
    out.int(s.rax_node_count() as i64);
    out.bulk(b"last-generated-id");
    reply_id(out, s.last_id);
    out.bulk(b"max-deleted-entry-id");
    reply_id(out, s.max_deleted_entry_id);
    out.bulk(b"entries-added");
    out.int(s.entries_added as i64);
    out.bulk(b"recorded-first-entry-id");
    reply_id(out, s.first_id);
    if !full {
        out.bulk(b"groups");
        out.int(s.groups.len() as i64);
        // Each is the first entry a range walk meets from its end, as Redis's
        // streamReplyWithRange(COUNT 1) finds it.
        for (name, rev) in [(&b"first-entry"[..], false), (b"last-entry", true)] {
            out.bulk(name);
            let mut emitted = false;
            s.visit(StreamId::ZERO, StreamId::MAX, rev, |node, m, e| {
                reply_entry(out, node, m, e);
                emitted = true;
                false
            });
            if !emitted {
                out.null();
            }
        }
        return Ok(());
    }
    let count = count as usize;
    let limit = if count == 0 { usize::MAX } else { count };
    out.bulk(b"entries");
    reply_range(out, s, StreamId::ZERO, StreamId::MAX, count, false);
    out.bulk(b"groups");
    out.array(s.groups.len());
    for (name, g) in &s.groups {
        out.map(7);
        out.bulk(b"name");
        out.bulk(name);
        out.bulk(b"last-delivered-id");
        reply_id(out, g.last_id);
        out.bulk(b"entries-read");
        reply_entries_read(out, g.entries_read);
        out.bulk(b"lag");
        reply_lag(out, s, g);
        out.bulk(b"pel-count");
        out.int(g.pel.len() as i64);
        out.bulk(b"pending");
        let pel: Vec<_> = g.pel.iter().take(limit).collect();
        out.array(pel.len());
        for (id, n) in pel {
            out.array(4);
            reply_id(out, *id);
            out.bulk(&n.consumer);
            out.int(n.delivery_time);
            out.int(n.delivery_count as i64);
        }
        out.bulk(b"consumers");
        out.array(g.consumers.len());
        for (cname, c) in &g.consumers {
            out.map(4);
            out.bulk(b"name");
            out.bulk(cname);
            out.bulk(b"seen-time");
            out.int(c.seen_time);
            out.bulk(b"pel-count");
            out.int(c.pel.len() as i64);
            out.bulk(b"pending");
            let ids: Vec<_> = c.pel.iter().take(limit).collect();
            out.array(ids.len());
            for id in ids {
                let n = &g.pel[id];
                out.array(3);
                reply_id(out, *id);
                out.int(n.delivery_time);
                out.int(n.delivery_count as i64);
            }
        }
    }
    Ok(())
}
