//! Pub/Sub commands: SUBSCRIBE, UNSUBSCRIBE, PSUBSCRIBE, PUNSUBSCRIBE, PUBLISH, PUBSUB.

use bytes::Bytes;

use super::ctx::{Ctx, Handler};
use super::handler::CmdResult;
use crate::client::ClientState;
use crate::pubsub;
use crate::state::State;
use crate::util::glob_match;

pub const COMMANDS: &[(&str, Handler)] = &[
    ("subscribe", subscribe),
    ("unsubscribe", unsubscribe),
    ("psubscribe", psubscribe),
    ("punsubscribe", punsubscribe),
    ("publish", publish),
    ("ssubscribe", ssubscribe),
    ("sunsubscribe", sunsubscribe),
    ("spublish", spublish),
    ("pubsub|shardchannels", pubsub_shardchannels),
    ("pubsub|shardnumsub", pubsub_shardnumsub),
    ("pubsub|channels", pubsub_channels),
    ("pubsub|numsub", pubsub_numsub),
    ("pubsub|numpat", pubsub_numpat),
    ("pubsub|help", pubsub_help),
];

/// A subscription confirmation: `[kind, name, count]` as a push. The count is the client's
/// channels and patterns, or for the shard kinds its shard channels, as in Redis.
fn confirm(ctx: &mut Ctx, kind: &[u8], name: Option<&[u8]>) {
    let count =
        if kind == b"ssubscribe" || kind == b"sunsubscribe" { ctx.me.shard_channels.len() } else { ctx.me.channels.len() + ctx.me.patterns.len() }
            as i64;
    ctx.out.push(3);
    ctx.out.bulk(kind);
    match name {
        Some(n) => ctx.out.bulk(n),
        None => ctx.out.null(),
    }
    ctx.out.int(count);
}

/// The SUBSCRIBE family: `add` for each name, each confirmed as `kind`.
fn subscribe_each(ctx: &mut Ctx, names: &[Bytes], kind: &[u8], add: fn(&mut State, &mut ClientState, &Bytes) -> bool) -> CmdResult {
    for name in names {
        add(ctx.st, ctx.me, name);
        confirm(ctx, kind, Some(name));
    }
    Ok(())
}

/// The UNSUBSCRIBE family: `remove` for each name, each confirmed as `kind`; with no names, one
/// confirmation with a null name.
fn unsubscribe_each(ctx: &mut Ctx, names: Vec<Bytes>, kind: &[u8], remove: fn(&mut State, &mut ClientState, &[u8]) -> bool) -> CmdResult {
    if names.is_empty() {
        confirm(ctx, kind, None);
    }
    for name in &names {
        remove(ctx.st, ctx.me, name);
        confirm(ctx, kind, Some(name));
    }
    Ok(())
}

fn subscribe(ctx: &mut Ctx, argv: &[Bytes]) -> CmdResult {
    subscribe_each(ctx, &argv[1..], b"subscribe", pubsub::subscribe)
}

fn unsubscribe(ctx: &mut Ctx, argv: &[Bytes]) -> CmdResult {
    let chans: Vec<Bytes> = if argv.len() > 1 { argv[1..].to_vec() } else { ctx.me.channels.iter().cloned().collect() };
    unsubscribe_each(ctx, chans, b"unsubscribe", pubsub::unsubscribe)
}

fn psubscribe(ctx: &mut Ctx, argv: &[Bytes]) -> CmdResult {
    subscribe_each(ctx, &argv[1..], b"psubscribe", pubsub::psubscribe)
}

fn punsubscribe(ctx: &mut Ctx, argv: &[Bytes]) -> CmdResult {
    // Without arguments: every pattern of this client, in subscription order (Redis keeps a list).
    let me_id = ctx.me.id;
    let pats: Vec<Bytes> =
        if argv.len() > 1 { argv[1..].to_vec() } else { ctx.st.patterns.iter().filter(|(_, id)| *id == me_id).map(|(p, _)| p.clone()).collect() };
    unsubscribe_each(ctx, pats, b"punsubscribe", pubsub::punsubscribe)
}

fn publish(ctx: &mut Ctx, argv: &[Bytes]) -> CmdResult {
    if ctx.st.config.ha_write_fence_ms != 0 && &argv[1][..] == b"__sentinel__:hello" {
        let laddr = ctx.me.laddr.clone();
        crate::fence::on_hello(ctx.st, &argv[2], &laddr, crate::util::now_ms());
    }
    let n = ctx.publish(&argv[1], &argv[2]);
    // Replicas get every message (their own subscribers see it too); the AOF never does.
    ctx.prop.force_repl = true;
    ctx.out.int(n as i64);
    Ok(())
}

fn ssubscribe(ctx: &mut Ctx, argv: &[Bytes]) -> CmdResult {
    subscribe_each(ctx, &argv[1..], b"ssubscribe", pubsub::ssubscribe)
}

fn sunsubscribe(ctx: &mut Ctx, argv: &[Bytes]) -> CmdResult {
    let chans: Vec<Bytes> = if argv.len() > 1 { argv[1..].to_vec() } else { ctx.me.shard_channels.iter().cloned().collect() };
    unsubscribe_each(ctx, chans, b"sunsubscribe", pubsub::sunsubscribe)
}

/// SPUBLISH shardchannel message: like PUBLISH, to shard subscribers only (replicas get it too).
fn spublish(ctx: &mut Ctx, argv: &[Bytes]) -> CmdResult {
    let n = pubsub::spublish(ctx.st, Some(&mut *ctx.me), Some(&mut *ctx.out), &argv[1], &argv[2]);
    ctx.prop.force_repl = true;
    ctx.out.int(n as i64);
    Ok(())
}

fn pubsub_shardchannels(ctx: &mut Ctx, argv: &[Bytes]) -> CmdResult {
    if argv.len() > 3 {
        return Err(
            format!("ERR unknown subcommand or wrong number of arguments for '{}'. Try PUBSUB HELP.", String::from_utf8_lossy(&argv[1])).into()
        );
    }
    let pat = argv.get(2);
    let mut names: Vec<Bytes> = ctx.st.shard_channels.keys().filter(|c| pat.is_none_or(|p| glob_match(p, c, false))).cloned().collect();
    names.sort();
    ctx.out.array(names.len());
    for n in &names {
        ctx.out.bulk(n);
    }
    Ok(())
}

fn pubsub_shardnumsub(ctx: &mut Ctx, argv: &[Bytes]) -> CmdResult {
    ctx.out.array((argv.len() - 2) * 2);
    for ch in &argv[2..] {
        let n = ctx.st.shard_channels.get(ch).map(|v| v.len()).unwrap_or(0);
        ctx.out.bulk(ch);
        ctx.out.int(n as i64);
    }
    Ok(())
}

fn pubsub_channels(ctx: &mut Ctx, argv: &[Bytes]) -> CmdResult {
    if argv.len() > 3 {
        return Err(
            format!("ERR unknown subcommand or wrong number of arguments for '{}'. Try PUBSUB HELP.", String::from_utf8_lossy(&argv[1])).into()
        );
    }
    let pat = argv.get(2);
    let mut names: Vec<&Bytes> = ctx.st.channels.keys().filter(|c| pat.is_none_or(|p| glob_match(p, c, false))).collect();
    names.sort();
    let names: Vec<Bytes> = names.into_iter().cloned().collect();
    ctx.out.array(names.len());
    for n in &names {
        ctx.out.bulk(n);
    }
    Ok(())
}

fn pubsub_numsub(ctx: &mut Ctx, argv: &[Bytes]) -> CmdResult {
    ctx.out.array((argv.len() - 2) * 2);
    for ch in &argv[2..] {
        let n = ctx.st.channels.get(ch).map(|v| v.len()).unwrap_or(0);
        ctx.out.bulk(ch);
        ctx.out.int(n as i64);
    }
    Ok(())
}

fn pubsub_numpat(ctx: &mut Ctx, _argv: &[Bytes]) -> CmdResult {
    let n = pubsub::numpat(ctx.st);
    ctx.out.int(n as i64);
    Ok(())
}

fn pubsub_help(ctx: &mut Ctx, _argv: &[Bytes]) -> CmdResult {
    super::introspect::help_reply(
        ctx,
        "PUBSUB",
        &[
            "CHANNELS [<pattern>]",
            "    Return the currently active channels matching a <pattern> (default: '*').",
            "NUMPAT",
            "    Return number of subscriptions to patterns.",
            "NUMSUB [<channel> ...]",
            "    Return the number of subscribers for the specified channels, excluding",
            "    pattern subscriptions(default: no channels).",
            "SHARDCHANNELS [<pattern>]",
            "    Return the currently active shard level channels matching a <pattern> (default: '*').",
            "SHARDNUMSUB [<shardchannel> ...]",
            "    Return the number of subscribers for the specified shard level channel(s)",
        ],
    );
    Ok(())
}
