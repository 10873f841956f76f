//! SAVE, BGSAVE, BGREWRITEAOF (LASTSAVE is with the server commands). The work itself lives in
//! `persistence::snapshot` and `persistence::aof`.

use bytes::Bytes;

use super::args;
use super::ctx::{Ctx, Handler};
use super::handler::{CmdResult, SYNTAX};
use crate::persistence::{aof, snapshot};

pub const COMMANDS: &[(&str, Handler)] = &[("save", save), ("bgsave", bgsave), ("bgrewriteaof", bgrewriteaof)];

fn save(ctx: &mut Ctx, _argv: &[Bytes]) -> CmdResult {
    if ctx.st.snapshots.rdb_child().is_some() {
        return Err("ERR Background save already in progress".into());
    }
    match snapshot::save(ctx.st) {
        Ok(()) => {
            ctx.out.ok();
            Ok(())
        }
        Err(snapshot::SaveFailed) => Err("ERR".into()),
    }
}

fn bgsave(ctx: &mut Ctx, argv: &[Bytes]) -> CmdResult {
    let schedule = match argv.len() {
        1 => false,
        2 if args::is(&argv[1], "schedule") => true,
        _ => return Err(SYNTAX.into()),
    };
    if ctx.st.snapshots.rdb_child().is_some() {
        return Err("ERR Background save already in progress".into());
    }
    if ctx.st.snapshots.child().is_some() || ctx.me.in_exec {
        if schedule || ctx.me.in_exec {
            ctx.st.snapshots.schedule_bgsave();
            ctx.out.simple("Background saving scheduled");
            return Ok(());
        }
        return Err("ERR Another child process is active (AOF?): can't BGSAVE right now. Use BGSAVE SCHEDULE in order to schedule a BGSAVE whenever possible.".into());
    }
    snapshot::bgsave(ctx.st)?;
    ctx.out.simple("Background saving started");
    Ok(())
}

fn bgrewriteaof(ctx: &mut Ctx, _argv: &[Bytes]) -> CmdResult {
    if ctx.st.snapshots.running(snapshot::ChildKind::AofRewrite) {
        return Err("ERR Background append only file rewriting already in progress".into());
    }
    if ctx.st.snapshots.child().is_some() || ctx.me.in_exec {
        ctx.st.aof.schedule_rewrite();
        ctx.out.simple("Background append only file rewriting scheduled");
        return Ok(());
    }
    if aof::rewrite_background(ctx.st).is_err() {
        return Err("ERR Can't execute an AOF background rewriting. Please check the server logs for more information.".into());
    }
    ctx.out.simple("Background append only file rewriting started");
    Ok(())
}
