//! The RDB writer: a keyspace in Redis 7.0's RDB version 10, every value in the type and encoding
//! 7.0 writes for the value's OBJECT ENCODING, so a file (or DUMP payload) of ours loads in real
//! Redis and, where the encodings' contents are deterministic, is byte-identical to Redis's.
//!
//! | value | encoding | RDB type |
//! |---|---|---|
//! | string | int / embstr / raw | 0 (integer-encoded when canonical and within int32, LZF when it helps) |
//! | list | quicklist | 18 (LIST_QUICKLIST_2: listpack nodes split like `list-max-listpack-size`) |
//! | set | intset / hashtable | 11 / 2 |
//! | hash | listpack / hashtable | 16 / 4 |
//! | zset | listpack / skiplist | 17 / 5 (ZSET_2, highest score first) |
//! | stream | stream | 19 (STREAM_LISTPACKS_2: the nodes' listpacks as they are, groups, PELs) |

use std::collections::VecDeque;
use std::io::{self, Write};

use super::{opcodes, types, RDB_VERSION};
use crate::db::hash::HashVal;
use crate::db::listpack;
use crate::db::set::SetVal;
use crate::db::stream::{Stream, StreamId};
use crate::db::zset::{listpack_score_text, ZSet};
use crate::db::{Db, Elem, Entry, StrRef, Value};
use crate::persistence::{crc64, intset, lzf};
use crate::util::parse_i64;

/// How values are encoded (shared by RDB files and DUMP payloads).
#[derive(Debug, Clone, Copy)]
pub struct ValueOptions {
    /// `rdbcompression`: LZF-compress strings longer than 20 bytes when that saves 4+ bytes.
    pub compression: bool,
    /// `list-max-listpack-size`: how list elements are grouped into quicklist nodes.
    pub list_max_listpack_size: i64,
}

impl Default for ValueOptions {
    fn default() -> Self {
        ValueOptions { compression: true, list_max_listpack_size: -2 }
    }
}

/// Per-key eviction data to store (`maxmemory-policy`): LRU policies store each key's idle time,
/// LFU policies its access counter.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum KeyHints {
    #[default]
    None,
    /// IDLE opcode: seconds since the key's last access (`Entry::lru` is the access clock).
    Idle,
    /// FREQ opcode: the LFU counter (low 8 bits of `Entry::lru`).
    Freq,
}

/// Replication information saved as AUX fields (with a replication full sync, or when a replica
/// saves so it can later continue with PSYNC).
#[derive(Debug, Clone)]
pub struct ReplInfo {
    pub stream_db: i64,
    /// The 40-character replication ID.
    pub id: String,
    pub offset: i64,
}

/// Everything `save` needs besides the data.
#[derive(Debug, Clone)]
pub struct SaveOptions {
    pub values: ValueOptions,
    /// `rdbchecksum`: with `false` the trailer is 8 zero bytes (loaders then skip the check).
    pub checksum: bool,
    /// The `used-mem` AUX field.
    pub used_mem: u64,
    /// The `aof-base` AUX field (1 when the RDB is the base of a multi-part AOF).
    pub aof_base: bool,
    pub repl: Option<ReplInfo>,
    pub key_hints: KeyHints,
    /// Function library sources, saved as FUNCTION2 records.
    pub functions: Vec<Vec<u8>>,
    /// `rdb-key-save-delay`: microseconds to sleep after each key (a testing aid Redis has too,
    /// to make a background save last long enough to observe).
    pub key_delay_us: u64,
}

impl Default for SaveOptions {
    fn default() -> Self {
        SaveOptions {
            values: ValueOptions::default(),
            checksum: true,
            used_mem: 0,
            aof_base: false,
            repl: None,
            key_hints: KeyHints::None,
            functions: Vec::new(),
            key_delay_us: 0,
        }
    }
}

// ---------------------------------------------------------------------------------------------
// Primitives.

/// A length: 6-bit, 14-bit, 32-bit BE or 64-bit BE form, the smallest that fits (`rdbSaveLen`).
pub fn write_len(out: &mut Vec<u8>, len: u64) {
    if len < 1 << 6 {
        out.push(len as u8);
    } else if len < 1 << 14 {
        out.extend_from_slice(&[0x40 | (len >> 8) as u8, len as u8]);
    } else if len <= u32::MAX as u64 {
        out.push(0x80);
        out.extend_from_slice(&(len as u32).to_be_bytes());
    } else {
        out.push(0x81);
        out.extend_from_slice(&len.to_be_bytes());
    }
}

/// `rdbEncodeInteger`: the 8/16/32-bit special string encodings; false when the value is wider.
fn write_encoded_int(out: &mut Vec<u8>, v: i64) -> bool {
    if (-(1 << 7)..(1 << 7)).contains(&v) {
        out.extend_from_slice(&[0xC0, v as i8 as u8]);
    } else if (-(1 << 15)..(1 << 15)).contains(&v) {
        out.push(0xC1);
        out.extend_from_slice(&(v as i16).to_le_bytes());
    } else if (-(1 << 31)..(1 << 31)).contains(&v) {
        out.push(0xC2);
        out.extend_from_slice(&(v as i32).to_le_bytes());
    } else {
        return false;
    }
    true
}

/// An integer value as a string (`rdbSaveLongLongAsStringObject`).
pub fn write_int_string(out: &mut Vec<u8>, v: i64) {
    if !write_encoded_int(out, v) {
        let s = v.to_string();
        write_len(out, s.len() as u64);
        out.extend_from_slice(s.as_bytes());
    }
}

/// A string (`rdbSaveRawString`): integer-encoded when it is a canonical integer of at most 11
/// characters that fits 32 bits, LZF-compressed when enabled, longer than 20 bytes and it saves
/// at least 4 bytes, else plain.
pub fn write_string(out: &mut Vec<u8>, s: &[u8], compression: bool) {
    if s.len() <= 11 {
        if let Some(v) = parse_i64(s) {
            if write_encoded_int(out, v) {
                return;
            }
        }
    }
    if compression && s.len() > 20 {
        if let Some(c) = lzf::compress_for_rdb(s) {
            out.push(0xC3);
            write_len(out, c.len() as u64);
            write_len(out, s.len() as u64);
            out.extend_from_slice(&c);
            return;
        }
    }
    write_len(out, s.len() as u64);
    out.extend_from_slice(s);
}

// ---------------------------------------------------------------------------------------------
// Values.

/// The RDB type byte Redis 7.0 writes for a value.
pub fn value_type(v: &Value) -> u8 {
    match v {
        Value::Inline | Value::Int(_) | Value::Raw(_) => types::STRING,
        Value::List(_) => types::LIST_QUICKLIST_2,
        Value::Set(s) => match **s {
            SetVal::Ints(_) => types::SET_INTSET,
            SetVal::Table(_) => types::SET,
        },
        Value::Hash(h) => match **h {
            HashVal::Small(_) => types::HASH_LISTPACK,
            HashVal::Table(_) => types::HASH,
        },
        Value::ZSet(z) => match **z {
            ZSet::Small(_) => types::ZSET_LISTPACK,
            ZSet::Big(_) => types::ZSET_2,
        },
        Value::Stream(_) => types::STREAM_LISTPACKS_2,
    }
}

/// Writes an entry's value (without type byte and key), as `rdbSaveObject` does.
pub fn write_value(out: &mut Vec<u8>, entry: &Entry, opts: &ValueOptions) {
    let c = opts.compression;
    match &entry.value {
        Value::Int(n) => write_int_string(out, *n),
        Value::Inline | Value::Raw(_) => match entry.str() {
            Some(StrRef::Bytes(b)) => write_string(out, b, c),
            Some(StrRef::Int(n)) => write_int_string(out, n),
            None => write_string(out, b"", c),
        },
        Value::List(l) => write_list(out, l, opts),
        Value::Set(s) => match &**s {
            SetVal::Ints(v) => write_string(out, &intset::encode(v), c),
            SetVal::Table(t) => {
                write_len(out, t.len() as u64);
                for m in t.iter() {
                    write_string(out, m, c);
                }
            }
        },
        Value::Hash(h) => match &**h {
            HashVal::Small(v) => {
                let mut lp = listpack::Writer::new();
                for (f, val) in v {
                    lp.push(f);
                    lp.push(val);
                }
                write_string(out, &lp.finish(), c);
            }
            HashVal::Table(t) => {
                write_len(out, t.len() as u64);
                for (f, val) in t.iter() {
                    write_string(out, f, c);
                    write_string(out, val, c);
                }
            }
        },
        Value::ZSet(z) => match &**z {
            ZSet::Small(v) => {
                let mut lp = listpack::Writer::new();
                for (m, score) in v {
                    lp.push(m);
                    lp.push(listpack_score_text(*score).as_bytes());
                }
                write_string(out, &lp.finish(), c);
            }
            ZSet::Big(_) => {
                write_len(out, z.len() as u64);
                // Highest score first, so loading inserts at the head of the skiplist.
                for (m, score) in z.iter().rev() {
                    write_string(out, m, c);
                    out.extend_from_slice(&score.to_le_bytes());
                }
            }
        },
        Value::Stream(s) => write_stream(out, s, c),
    }
}

/// Node size limits for `list-max-listpack-size` -1 .. -5.
const OPTIMIZATION_LEVEL: [usize; 5] = [4096, 8192, 16384, 32768, 65536];
/// A count-limited node still never grows past this many bytes.
const SIZE_SAFETY_LIMIT: usize = 8192;
/// Redis's per-element overhead estimate when deciding whether an element fits a node.
const SIZE_ESTIMATE_OVERHEAD: usize = 8;

/// quicklist's `_quicklistNodeAllowInsert` (7.0): may an element of `sz` bytes join a packed node
/// of `node_bytes` bytes holding `node_count` elements?
fn node_allows(fill: i64, node_bytes: usize, node_count: usize, sz: usize) -> bool {
    let new_sz = node_bytes + sz + SIZE_ESTIMATE_OVERHEAD;
    if fill >= 0 {
        let count_limit = fill.max(1) as usize;
        new_sz <= SIZE_SAFETY_LIMIT && node_count < count_limit
    } else {
        let level = ((-fill - 1) as usize).min(OPTIMIZATION_LEVEL.len() - 1);
        new_sz <= OPTIMIZATION_LEVEL[level]
    }
}

/// A list as LIST_QUICKLIST_2: its elements grouped into nodes the way a list built with RPUSH
/// is (each element appended to the tail node while it fits, else to a new node).
fn write_list(out: &mut Vec<u8>, list: &VecDeque<Elem>, opts: &ValueOptions) {
    const PLAIN: u64 = 1;
    const PACKED: u64 = 2;
    let mut nodes: Vec<(u64, Vec<u8>)> = Vec::new();
    let mut cur: Option<listpack::Writer> = None;
    let packed_threshold = crate::db::types::list_packed_threshold();
    for e in list {
        if e.len() >= packed_threshold {
            if let Some(w) = cur.take() {
                nodes.push((PACKED, w.finish()));
            }
            nodes.push((PLAIN, e.to_vec()));
            continue;
        }
        if let Some(w) = cur.as_mut() {
            if node_allows(opts.list_max_listpack_size, w.bytes(), w.len(), e.len()) {
                w.push(e);
                continue;
            }
            if let Some(w) = cur.take() {
                nodes.push((PACKED, w.finish()));
            }
        }
        let mut w = listpack::Writer::new();
        w.push(e);
        cur = Some(w);
    }
    if let Some(w) = cur {
        nodes.push((PACKED, w.finish()));
    }
    write_len(out, nodes.len() as u64);
    for (container, blob) in nodes {
        write_len(out, container);
        write_string(out, &blob, opts.compression);
    }
}

/// One key record: expiry, eviction hint, type, key, value.
fn write_key(out: &mut Vec<u8>, e: &Entry, opts: &SaveOptions, lru_now: u32) {
    if e.expire_at != 0 {
        out.push(opcodes::EXPIRETIME_MS);
        out.extend_from_slice(&e.expire_at.to_le_bytes());
    }
    match opts.key_hints {
        KeyHints::None => {}
        KeyHints::Idle => {
            out.push(opcodes::IDLE);
            write_len(out, lru_now.saturating_sub(e.lru) as u64);
        }
        KeyHints::Freq => {
            out.push(opcodes::FREQ);
            out.push((e.lru & 0xff) as u8);
        }
    }
    out.push(value_type(&e.value));
    write_string(out, e.key(), opts.values.compression);
    write_value(out, e, &opts.values);
}

// ---------------------------------------------------------------------------------------------
// Files.

/// Buffers output, keeps the running checksum, and writes in large chunks.
struct Sink<W: Write> {
    w: W,
    buf: Vec<u8>,
    crc: u64,
    checksum: bool,
    written: u64,
}

impl<W: Write> Sink<W> {
    const CHUNK: usize = 1 << 16;

    fn flush_if_big(&mut self) -> io::Result<()> {
        if self.buf.len() >= Self::CHUNK {
            self.flush()?;
        }
        Ok(())
    }

    fn flush(&mut self) -> io::Result<()> {
        if self.checksum {
            self.crc = crc64::update(self.crc, &self.buf);
        }
        self.w.write_all(&self.buf)?;
        self.written += self.buf.len() as u64;
        self.buf.clear();
        Ok(())
    }
}

fn aux(out: &mut Vec<u8>, key: &str, val: &[u8], compression: bool) {
    out.push(opcodes::AUX);
    write_string(out, key.as_bytes(), compression);
    write_string(out, val, compression);
}

/// Writes the databases as an RDB file to `w` (`rdbSaveRio`): header, AUX fields, functions,
/// every non-empty database (SELECTDB, RESIZEDB, keys), EOF and the CRC64 trailer. Keys that have
/// expired but were not yet removed are written too, as Redis does (loaders drop them).
/// Returns the number of bytes written.
pub fn save<W: Write>(w: W, dbs: &[Db], opts: &SaveOptions, now_ms: i64) -> io::Result<u64> {
    let mut s = Sink { w, buf: Vec::with_capacity(Sink::<W>::CHUNK + 1024), crc: 0, checksum: opts.checksum, written: 0 };
    let c = opts.values.compression;
    s.buf.extend_from_slice(format!("REDIS{RDB_VERSION:04}").as_bytes());
    aux(&mut s.buf, "redis-ver", crate::REDIS_VERSION.as_bytes(), c);
    aux(&mut s.buf, "redis-bits", b"64", c);
    aux(&mut s.buf, "ctime", (now_ms / 1000).to_string().as_bytes(), c);
    aux(&mut s.buf, "used-mem", opts.used_mem.to_string().as_bytes(), c);
    if let Some(r) = &opts.repl {
        aux(&mut s.buf, "repl-stream-db", r.stream_db.to_string().as_bytes(), c);
        aux(&mut s.buf, "repl-id", r.id.as_bytes(), c);
        aux(&mut s.buf, "repl-offset", r.offset.to_string().as_bytes(), c);
    }
    aux(&mut s.buf, "aof-base", if opts.aof_base { b"1" } else { b"0" }, c);
    for f in &opts.functions {
        s.buf.push(opcodes::FUNCTION2);
        write_string(&mut s.buf, f, opts.values.compression);
    }
    let lru_now = (now_ms / 1000) as u32;
    for (i, db) in dbs.iter().enumerate() {
        if db.is_empty() {
            continue;
        }
        s.buf.push(opcodes::SELECTDB);
        write_len(&mut s.buf, i as u64);
        s.buf.push(opcodes::RESIZEDB);
        write_len(&mut s.buf, db.len() as u64);
        write_len(&mut s.buf, db.expires_count() as u64);
        for e in db.iter() {
            write_key(&mut s.buf, e, opts, lru_now);
            s.flush_if_big()?;
            if opts.key_delay_us > 0 {
                s.flush()?;
                std::thread::sleep(std::time::Duration::from_micros(opts.key_delay_us));
            }
        }
    }
    s.buf.push(opcodes::EOF);
    s.flush()?;
    let crc = if opts.checksum { s.crc } else { 0 };
    s.w.write_all(&crc.to_le_bytes())?;
    s.w.flush()?;
    Ok(s.written + 8)
}

/// `save` into memory.
pub fn save_to_vec(dbs: &[Db], opts: &SaveOptions, now_ms: i64) -> Vec<u8> {
    let mut out = Vec::new();
    // Writing to a Vec cannot fail.
    let _ = save(&mut out, dbs, opts, now_ms);
    out
}

// ---------------------------------------------------------------------------------------------
// Streams.

/// A stream as type 19 (`STREAM_LISTPACKS_2`): the nodes' listpacks as they are, then the
/// counters, then each group with its PEL and consumers (see `decode.rs` for the layout).
fn write_stream(out: &mut Vec<u8>, s: &Stream, compression: bool) {
    write_len(out, s.node_count() as u64);
    for (k, lp) in s.nodes() {
        write_string(out, &k.to_be_bytes(), compression);
        write_string(out, lp, compression);
    }
    write_len(out, s.length);
    write_id(out, s.last_id);
    write_id(out, s.first_id);
    write_id(out, s.max_deleted_entry_id);
    write_len(out, s.entries_added);
    write_len(out, s.groups.len() as u64);
    for (name, g) in &s.groups {
        write_string(out, name, compression);
        write_id(out, g.last_id);
        write_len(out, g.entries_read as u64);
        write_len(out, g.pel.len() as u64);
        for (id, n) in &g.pel {
            out.extend_from_slice(&id.to_be_bytes());
            out.extend_from_slice(&n.delivery_time.to_le_bytes());
            write_len(out, n.delivery_count);
        }
        write_len(out, g.consumers.len() as u64);
        for (cname, c) in &g.consumers {
            write_string(out, cname, compression);
            out.extend_from_slice(&c.seen_time.to_le_bytes());
            write_len(out, c.pel.len() as u64);
            for id in &c.pel {
                out.extend_from_slice(&id.to_be_bytes());
            }
        }
    }
}

fn write_id(out: &mut Vec<u8>, id: StreamId) {
    write_len(out, id.ms);
    write_len(out, id.seq);
}

#[cfg(test)]
mod tests {
    use super::*;

    fn enc_len(n: u64) -> Vec<u8> {
        let mut v = Vec::new();
        write_len(&mut v, n);
        v
    }

    fn enc_str(s: &[u8], c: bool) -> Vec<u8> {
        let mut v = Vec::new();
        write_string(&mut v, s, c);
        v
    }

    #[test]
    fn lengths() {
        assert_eq!(enc_len(0), [0x00]);
        assert_eq!(enc_len(63), [0x3f]);
        assert_eq!(enc_len(64), [0x40, 0x40]);
        assert_eq!(enc_len(16383), [0x7f, 0xff]);
        assert_eq!(enc_len(16384), [0x80, 0, 0, 0x40, 0]);
        assert_eq!(enc_len(u32::MAX as u64 + 1), [0x81, 0, 0, 0, 1, 0, 0, 0, 0]);
    }

    #[test]
    fn strings() {
        assert_eq!(enc_str(b"12345", true), [0xC1, 0x39, 0x30]);
        assert_eq!(enc_str(b"-1", true), [0xC0, 0xff]);
        assert_eq!(enc_str(b"2147483647", true), [0xC2, 0xff, 0xff, 0xff, 0x7f]);
        assert_eq!(enc_str(b"2147483648", true), b"\x0a2147483648");
        assert_eq!(enc_str(b"007", true), b"\x03007");
        assert_eq!(enc_str(&[b'a'; 30], false)[0], 30);
        assert_eq!(enc_str(&[b'a'; 30], true)[..3], [0xC3, 9, 30]);
    }

    #[test]
    fn node_split_rule() {
        // 100-byte elements: 79 per 8 KiB node (checked against redis-server 7.0.15).
        let list: VecDeque<Elem> = (0..400).map(|_| vec![b'x'; 100].into_boxed_slice()).collect();
        let mut out = Vec::new();
        write_list(&mut out, &list, &ValueOptions { compression: false, list_max_listpack_size: -2 });
        assert_eq!(out[0], 6); // ceil(400 / 79)
    }
}
