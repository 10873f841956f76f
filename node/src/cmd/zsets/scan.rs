//! ZSCAN: a listpack is returned whole with its scores as the listpack holds them, a skiplist in
//! steps of COUNT arena slots.

use bytes::Bytes;

use super::zread;
use crate::cmd::ctx::Ctx;
use crate::cmd::handler::CmdResult;
use crate::db::zset::listpack_score_text;
use crate::db::ZSet;

pub(super) fn zscan(ctx: &mut Ctx, argv: &[Bytes]) -> CmdResult {
    let cursor = crate::cmd::keys::parse_cursor(&argv[2])?;
    let (z, out) = zread(ctx, &argv[1])?;
    let Some(z) = z else {
        out.array(2);
        out.bulk(b"0");
        out.array(0);
        return Ok(());
    };
    let opts = crate::cmd::keys::parse_scan_opts(&argv[3..], false)?;
    let small = matches!(z, ZSet::Small(_));
    let mut items: Vec<(Vec<u8>, String)> = Vec::new();
    let next = z.scan(cursor, opts.count, |m, s| {
        if opts.pattern.as_ref().is_none_or(|p| crate::util::glob_match(p, m, false)) {
            let text = if small { listpack_score_text(s) } else { crate::util::fmt_double(s) };
            items.push((m.to_vec(), text));
        }
    });
    out.array(2);
    out.bulk(next.to_string().as_bytes());
    out.array(items.len() * 2);
    for (m, s) in &items {
        out.bulk(m);
        out.bulk(s.as_bytes());
    }
    Ok(())
}
