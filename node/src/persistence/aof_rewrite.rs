//! The dataset as commands (Redis's `rewriteAppendOnlyFileRio`), for an AOF base written with
//! `aof-use-rdb-preamble no`: one SELECT per database, then per key the commands that rebuild it
//! (collections in batches of 64 items, AOF_REWRITE_ITEMS_PER_CMD) and its PEXPIREAT.

use std::io::{self, Write};

use bytes::Bytes;

use crate::db::{Db, Entry, Value};
use crate::resp::request::encode_command;

const ITEMS_PER_CMD: usize = 64;

/// Writes the FUNCTION libraries (as FUNCTION LOAD, first, as Redis's `rewriteFunctions`) and
/// every database as commands. Keys already past their expiry are skipped.
pub fn write_commands<W: Write>(w: &mut W, dbs: &[Db], functions: &[Vec<u8>], now_ms: i64) -> io::Result<()> {
    let mut buf = Vec::with_capacity(1 << 16);
    for code in functions {
        encode_command(&mut buf, &[b("FUNCTION"), b("LOAD"), Bytes::copy_from_slice(code)]);
    }
    for (i, db) in dbs.iter().enumerate() {
        if db.is_empty() {
            continue;
        }
        encode_command(&mut buf, &[b("SELECT"), Bytes::from(i.to_string())]);
        for e in db.iter() {
            if e.expire_at != 0 && e.expire_at < now_ms {
                continue;
            }
            write_key(&mut buf, e);
            if buf.len() > 1 << 16 {
                w.write_all(&buf)?;
                buf.clear();
            }
        }
    }
    w.write_all(&buf)?;
    w.flush()
}

fn b(s: &'static str) -> Bytes {
    Bytes::from_static(s.as_bytes())
}

fn write_key(buf: &mut Vec<u8>, e: &Entry) {
    let key = Bytes::copy_from_slice(crate::db::slot_table::Keyed::key(e));
    match &e.value {
        Value::Inline | Value::Int(_) | Value::Raw(_) => {
            let v = e.str().map(|s| s.to_vec()).unwrap_or_default();
            encode_command(buf, &[b("SET"), key.clone(), Bytes::from(v)]);
        }
        Value::List(l) => batches(buf, "RPUSH", &key, l.iter().map(|x| vec![Bytes::copy_from_slice(x)])),
        Value::Set(s) => batches(buf, "SADD", &key, s.iter().map(|m| vec![Bytes::from(m.to_vec())])),
        Value::Hash(h) => batches(buf, "HMSET", &key, h.iter().map(|(f, v)| vec![Bytes::copy_from_slice(f), Bytes::copy_from_slice(v)])),
        Value::ZSet(z) => {
            batches(buf, "ZADD", &key, z.iter().map(|(m, s)| vec![Bytes::from(crate::util::fmt_double(s).into_bytes()), Bytes::copy_from_slice(m)]))
        }
        Value::Stream(s) => write_stream(buf, &key, s),
    }
    if e.expire_at != 0 {
        encode_command(buf, &[b("PEXPIREAT"), key, Bytes::from(e.expire_at.to_string())]);
    }
}

/// A stream as Redis's `rewriteStreamObject` writes it: an XADD per entry (or `XADD MAXLEN 0` for
/// an empty stream), XSETID with the counters, then each group with XGROUP CREATE ... ENTRIESREAD,
/// its pending entries as XCLAIM ... JUSTID FORCE per consumer, and empty consumers as
/// XGROUP CREATECONSUMER.
fn write_stream(buf: &mut Vec<u8>, key: &Bytes, s: &crate::db::stream::Stream) {
    let id = |i: crate::db::stream::StreamId| Bytes::from(i.to_text().into_bytes());
    if s.length > 0 {
        s.visit(crate::db::stream::StreamId::ZERO, crate::db::stream::StreamId::MAX, false, |node, m, e| {
            let mut argv = vec![b("XADD"), key.clone(), id(e.id)];
            e.for_each_pair(node, m, |f, v| {
                argv.push(Bytes::from(f.to_vec()));
                argv.push(Bytes::from(v.to_vec()));
            });
            encode_command(buf, &argv);
            true
        });
    } else {
        encode_command(buf, &[b("XADD"), key.clone(), b("MAXLEN"), b("0"), b("0-1"), b("x"), b("y")]);
    }
    encode_command(
        buf,
        &[
            b("XSETID"),
            key.clone(),
            id(s.last_id),
            b("ENTRIESADDED"),
            Bytes::from(s.entries_added.to_string()),
            b("MAXDELETEDID"),
            id(s.max_deleted_entry_id),
        ],
    );
    for (name, g) in &s.groups {
        let gname = Bytes::copy_from_slice(name);
        encode_command(
            buf,
            &[b("XGROUP"), b("CREATE"), key.clone(), gname.clone(), id(g.last_id), b("ENTRIESREAD"), Bytes::from(g.entries_read.to_string())],
        );
        for (cname, c) in &g.consumers {
            let cname = Bytes::copy_from_slice(cname);
            if c.pel.is_empty() {
                encode_command(buf, &[b("XGROUP"), b("CREATECONSUMER"), key.clone(), gname.clone(), cname]);
                continue;
            }
            for pid in &c.pel {
                let Some(n) = g.pel.get(pid) else { continue };
                encode_command(
                    buf,
                    &[
                        b("XCLAIM"),
                        key.clone(),
                        gname.clone(),
                        cname.clone(),
                        b("0"),
                        id(*pid),
                        b("TIME"),
                        Bytes::from(n.delivery_time.to_string()),
                        b("RETRYCOUNT"),
                        Bytes::from(n.delivery_count.to_string()),
                        b("JUSTID"),
                        b("FORCE"),
                    ],
                );
            }
        }
    }
}

/// `cmd key item...` commands of at most ITEMS_PER_CMD items each.
fn batches(buf: &mut Vec<u8>, cmd: &'static str, key: &Bytes, items: impl Iterator<Item = Vec<Bytes>>) {
    let mut argv: Vec<Bytes> = vec![b(cmd), key.clone()];
    let mut n = 0;
    for item in items {
        argv.extend(item);
        n += 1;
        if n == ITEMS_PER_CMD {
            encode_command(buf, &argv);
            argv.truncate(2);
            n = 0;
        }
    }
    if n > 0 {
        encode_command(buf, &argv);
    }
}
