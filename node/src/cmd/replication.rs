//! Replication commands: REPLICAOF / SLAVEOF, PSYNC, SYNC, REPLCONF, ROLE (the work is in `repl`).

use bytes::Bytes;

use super::ctx::{Ctx, Handler};
use super::handler::CmdResult;

pub const COMMANDS: &[(&str, Handler)] = &[
    ("replicaof", replicaof),
    ("slaveof", replicaof),
    ("psync", psync),
    ("sync", sync),
    ("replconf", replconf),
    ("role", role),
    ("failover", failover),
];

fn replicaof(ctx: &mut Ctx, argv: &[Bytes]) -> CmdResult {
    let status = crate::repl::replica::replicaof(ctx.st, ctx.me, &argv[1], &argv[2])?;
    ctx.out.simple(status);
    Ok(())
}

fn psync(ctx: &mut Ctx, argv: &[Bytes]) -> CmdResult {
    crate::repl::master::psync(ctx.st, ctx.me, argv, ctx.out, false)?;
    Ok(())
}

fn sync(ctx: &mut Ctx, argv: &[Bytes]) -> CmdResult {
    crate::repl::master::psync(ctx.st, ctx.me, argv, ctx.out, true)?;
    Ok(())
}

fn replconf(ctx: &mut Ctx, argv: &[Bytes]) -> CmdResult {
    crate::repl::master::replconf(ctx.st, ctx.me, argv, ctx.out)?;
    Ok(())
}

fn role(ctx: &mut Ctx, _argv: &[Bytes]) -> CmdResult {
    crate::repl::info::role_reply(ctx.st, ctx.out);
    Ok(())
}

fn failover(ctx: &mut Ctx, argv: &[Bytes]) -> CmdResult {
    crate::repl::failover::command(ctx.st, argv)?;
    ctx.out.ok();
    Ok(())
}
