//! A stable-Rust fuzz of the persistence loaders (the cargo-fuzz targets in `node/fuzz` need
//! nightly and run by hand; this runs in CI with `cargo test`). Properties:
//! - RDB truncation: every prefix of a valid file (all of them for small files of every type,
//!   encoding and format version, sampled ones for a big file) is an error, never a partial load
//!   and never a panic, with checksum verification on or off and through a small read buffer;
//! - RDB corruption: random byte flips, insertions and deletions in valid files never panic;
//!   whatever still loads is a dataset that saves and loads back unchanged; with checksum
//!   verification on, any change to a checksummed file is an error unless the change removed the
//!   checksum itself (a version below 5, or a zero trailer: "saved without checksum");
//! - DUMP payloads: any change fails verification; with the CRC fixed up, decoding never panics
//!   and a decoded value re-DUMPs to the same value;
//! - the AOF command parser: valid streams round-trip exactly, every strict prefix parses to the
//!   complete commands then `Truncated` (or `End` at a command boundary), garbage never panics and
//!   every step makes progress;
//! - AOF replay: random streams of data commands and transactions replay into a fresh `State`
//!   without panicking, and a stream cut back to the reported `valid_up_to` (what
//!   `aof-load-truncated` does to the file) replays as complete, to the same keyspace;
//! - the AOF manifest: random and mutated manifests never panic the parser, and
//!   `parse(format(m)) == m` for random valid manifests (names with spaces, quotes, escapes).
//!
//! The PRNG is a fixed-seed xorshift, so a failure reproduces; the failing input is printed.
//! `cargo test --release --test loader_fuzz -- --ignored write_fuzz_seeds` writes the cargo-fuzz
//! seed corpora (`node/fuzz/seeds/`) from the same valid files.

use std::collections::VecDeque;
use std::io::BufReader;
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::Once;
use std::time::{Duration, SystemTime, UNIX_EPOCH};

use bytes::Bytes;
use redis_ha_node::config::Config;
use redis_ha_node::db::listpack;
use redis_ha_node::db::stream::{Group, NodeLimits, Stream, StreamId};
use redis_ha_node::db::types::EncodingLimits;
use redis_ha_node::db::{Db, Elem, Entry, HashVal, SetVal, Value, ZSet};
use redis_ha_node::persistence::aof_load::{loading_client, next_command, replay, Next, Refused, Replayed};
use redis_ha_node::persistence::aof_manifest::{AofFile, FileKind, Manifest};
use redis_ha_node::persistence::crc64::crc64;
use redis_ha_node::persistence::rdb::{self, KeyHints, LoadOptions, LoadedRdb, RdbError, ReplInfo, SaveOptions, ValueOptions};
use redis_ha_node::persistence::{intset, lzf};
use redis_ha_node::propagate::encode_command;
use redis_ha_node::state::State;

// ---------------------------------------------------------------------------------------------
// Harness: watchdog, PRNG, printing.

/// Unix ms of the last input any test finished; the watchdog aborts when it stops moving.
static LAST_PROGRESS: AtomicU64 = AtomicU64::new(0);
static GUARD: Once = Once::new();
/// No single input may take this long: a loader would be looping.
const STALL: Duration = Duration::from_secs(20);

fn now_ms() -> u64 {
    SystemTime::now().duration_since(UNIX_EPOCH).map(|d| d.as_millis() as u64).unwrap_or(0)
}

/// Bounds the whole test process: a loader stuck inside one call (which no assertion can see) is
/// reported by a watchdog, and one that allocates from a corrupt length field hits an
/// address-space cap instead of exhausting the machine's memory.
fn guard() {
    GUARD.call_once(|| {
        // Best effort: prlimit(1) from util-linux caps this process's address space at 8 GiB.
        let _ = std::process::Command::new("prlimit").args(["--pid", &std::process::id().to_string(), "--as=8589934592"]).status();
        // Replay logs a warning for every reverted transaction; thousands of them are noise.
        redis_ha_node::log::set_silent(true);
        LAST_PROGRESS.store(now_ms(), Ordering::Relaxed);
        std::thread::spawn(|| loop {
            std::thread::sleep(Duration::from_secs(1));
            if now_ms().saturating_sub(LAST_PROGRESS.load(Ordering::Relaxed)) > STALL.as_millis() as u64 {
                eprintln!("loader_fuzz: no input finished for {STALL:?}: a loader is looping");
                std::process::abort();
            }
        });
    });
    progress();
}

fn progress() {
    LAST_PROGRESS.store(now_ms(), Ordering::Relaxed);
}

/// xorshift64*: small, deterministic, good enough to pick bytes and cut points.
struct Rng(u64);

impl Rng {
    fn next(&mut self) -> u64 {
        self.0 ^= self.0 >> 12;
        self.0 ^= self.0 << 25;
        self.0 ^= self.0 >> 27;
        self.0.wrapping_mul(0x2545_F491_4F6C_DD1D)
    }
    fn below(&mut self, n: usize) -> usize {
        if n == 0 {
            0
        } else {
            (self.next() % n as u64) as usize
        }
    }
    fn chance(&mut self, one_in: usize) -> bool {
        self.below(one_in) == 0
    }
    fn pick<'a, T>(&mut self, items: &'a [T]) -> &'a T {
        &items[self.below(items.len())]
    }
    fn bytes(&mut self, max_len: usize) -> Vec<u8> {
        let len = self.below(max_len + 1);
        (0..len).map(|_| self.next() as u8).collect()
    }
}

fn show(b: &[u8]) -> String {
    let s = b.escape_ascii().to_string();
    if s.len() > 600 {
        format!("{}... ({} bytes)", &s[..600], b.len())
    } else {
        s
    }
}

// ---------------------------------------------------------------------------------------------
// Valid inputs: datasets of every type and encoding, written by our writer, plus hand-assembled
// files in the formats only older Redis versions write.

const NOW: i64 = 1_700_000_000_000;

/// Thresholds small enough that a handful of elements already needs the big encodings, so one
/// small file holds every RDB type the 7.0 writer emits.
fn tiny_limits() -> EncodingLimits {
    EncodingLimits {
        hash_max_entries: 2,
        hash_max_value: 16,
        set_max_intset: 2,
        zset_max_entries: 2,
        zset_max_value: 16,
        stream: NodeLimits { max_bytes: 4096, max_entries: 2 },
    }
}

fn list(items: &[&[u8]]) -> Value {
    Value::List(Box::new(items.iter().map(|i| Elem::from(*i)).collect::<VecDeque<_>>()))
}

fn set(members: &[&[u8]], lim: &EncodingLimits) -> Value {
    Value::Set(Box::new(SetVal::from_members(members.iter().copied(), lim)))
}

fn hash(pairs: &[(&[u8], &[u8])], lim: &EncodingLimits) -> Value {
    let mut h = HashVal::default();
    for (f, v) in pairs {
        h.set(f, v, lim);
    }
    Value::Hash(Box::new(h))
}

fn zset(items: &[(&[u8], f64)], lim: &EncodingLimits) -> Value {
    let mut z = ZSet::default();
    for (m, s) in items {
        z.insert(m, *s, lim);
    }
    Value::ZSet(Box::new(z))
}

/// Every value type in every encoding (strings: int, embstr, raw, LZF-compressible), expiries,
/// and keys in two databases; a couple of KB when saved.
fn small_dbs() -> Vec<Db> {
    let lim = tiny_limits();
    let mut dbs: Vec<Db> = (0..16).map(|_| Db::new()).collect();
    let d = &mut dbs[0];
    d.insert(Entry::string(b"int", b"-12345"));
    d.insert(Entry::string(b"big", b"9223372036854775807"));
    d.insert(Entry::string(b"emb", b"hello\r\n\x00\xff"));
    d.insert(Entry::string(b"empty", b""));
    d.insert(Entry::string(b"lzf", "compress me ".repeat(12).as_bytes()));
    d.insert(Entry::string(b"raw", &(0..=255u8).collect::<Vec<u8>>()));
    let mut e = Entry::string(b"ttl", b"v");
    e.expire_at = NOW + 100_000;
    d.insert(e);
    let mut e = Entry::string(b"expired", b"v");
    e.expire_at = NOW - 1;
    d.insert(e);
    d.insert(Entry::with_value(b"list", list(&[b"a", b"1", b"-5", b"hello", b"", b"4096", b"70000", b"5000000000"])));
    d.insert(Entry::with_value(b"intset", set(&[b"1", b"-2"], &lim)));
    d.insert(Entry::with_value(b"settable", set(&[b"1", b"2", b"x"], &lim)));
    d.insert(Entry::with_value(b"hashlp", hash(&[(b"f", b"v"), (b"n", b"7")], &lim)));
    d.insert(Entry::with_value(b"hashtable", hash(&[(b"f", b"v"), (b"g", b"w"), (b"h", b"x")], &lim)));
    d.insert(Entry::with_value(b"zsetlp", zset(&[(b"a", 1.5), (b"b", f64::NEG_INFINITY)], &lim)));
    d.insert(Entry::with_value(b"zsetskip", zset(&[(b"a", 1.0), (b"b", -0.25), (b"c", f64::INFINITY)], &lim)));
    d.insert(Entry::with_value(b"stream", stream(&lim)));
    dbs[3].insert(Entry::string(b"in3", b"three"));
    dbs[3].insert(Entry::with_value(b"l3", list(&[b"p", b"q"])));
    dbs
}

/// A stream over three nodes with a deleted entry, a group with pending entries of two consumers
/// and an empty one, and a second group.
fn stream(lim: &EncodingLimits) -> Value {
    let mut s = Stream::new();
    for i in 1..=5u64 {
        let fv: Vec<&[u8]> = if i == 3 { vec![b"x", b"12345678901234567890123"] } else { vec![b"f", b"v", b"n", b"-7"] };
        s.append(StreamId::new(100 + i, i), &fv, lim.stream);
    }
    assert!(s.delete(StreamId::new(102, 2)));
    s.after_deletes(&[StreamId::new(102, 2)]);
    let mut g = Group::new(StreamId::new(104, 4), 4);
    g.ensure_consumer(b"a", NOW);
    g.ensure_consumer(b"b", NOW + 1);
    g.ensure_consumer(b"idle", NOW + 2);
    g.assign(StreamId::new(101, 1), b"a", NOW + 3, 1);
    g.assign(StreamId::new(104, 4), b"b", NOW + 4, 3);
    s.groups.insert(b"g"[..].into(), g);
    s.groups.insert(b"h"[..].into(), Group::new(StreamId::ZERO, -1));
    Value::Stream(Box::new(s))
}

/// A dataset of some 50 KB (compressed) under the default limits: multi-node lists, table hashes and
/// sets, skiplist sorted sets, long compressible strings.
fn big_dbs() -> Vec<Db> {
    let lim = EncodingLimits::default();
    let mut dbs: Vec<Db> = (0..16).map(|_| Db::new()).collect();
    let d = &mut dbs[0];
    let items: Vec<Vec<u8>> = (0..3000).map(|i| format!("element-{i}-{}", "x".repeat(i % 60)).into_bytes()).collect();
    let refs: Vec<&[u8]> = items.iter().map(|v| &v[..]).collect();
    d.insert(Entry::with_value(b"biglist", list(&refs)));
    let members: Vec<Vec<u8>> = (0..600).map(|i| (i * 7).to_string().into_bytes()).collect();
    let refs: Vec<&[u8]> = members.iter().map(|v| &v[..]).collect();
    d.insert(Entry::with_value(b"bigintset", set(&refs, &lim)));
    let pairs: Vec<(Vec<u8>, Vec<u8>)> = (0..700).map(|i| (format!("field:{i}").into_bytes(), format!("value {i}").into_bytes())).collect();
    let refs: Vec<(&[u8], &[u8])> = pairs.iter().map(|(f, v)| (&f[..], &v[..])).collect();
    d.insert(Entry::with_value(b"bighash", hash(&refs, &lim)));
    let scored: Vec<(Vec<u8>, f64)> = (0..300).map(|i| (format!("member:{i}").into_bytes(), i as f64 / 3.0)).collect();
    let refs: Vec<(&[u8], f64)> = scored.iter().map(|(m, s)| (&m[..], *s)).collect();
    d.insert(Entry::with_value(b"bigzset", zset(&refs, &lim)));
    for i in 0..200 {
        d.insert(Entry::string(format!("key:{i}").as_bytes(), format!("{}", i * 1000).as_bytes()));
    }
    d.insert(Entry::string(b"longstr", "lorem ipsum dolor sit amet ".repeat(800).as_bytes()));
    dbs[1].insert(Entry::string(b"x", b"in db 1"));
    dbs
}

fn save(dbs: &[Db], so: &SaveOptions) -> Vec<u8> {
    rdb::save_to_vec(dbs, so, NOW)
}

/// Save options with every optional record: replication info, a function library, IDLE hints,
/// multi-node quicklists.
fn rich_save_options() -> SaveOptions {
    SaveOptions {
        values: ValueOptions { compression: true, list_max_listpack_size: 3 },
        repl: Some(ReplInfo { stream_db: 0, id: "0123456789abcdef0123456789abcdef01234567".into(), offset: 4242 }),
        functions: vec![b"#!lua name=lib\nredis.register_function('f', function() return 1 end)".to_vec()],
        key_hints: KeyHints::Idle,
        ..SaveOptions::default()
    }
}

/// `rdbSaveLen`.
fn rlen(out: &mut Vec<u8>, n: u64) {
    if n < 64 {
        out.push(n as u8);
    } else if n < 16384 {
        out.extend_from_slice(&[0x40 | (n >> 8) as u8, n as u8]);
    } else if n <= u32::MAX as u64 {
        out.push(0x80);
        out.extend_from_slice(&(n as u32).to_be_bytes());
    } else {
        out.push(0x81);
        out.extend_from_slice(&n.to_be_bytes());
    }
}

/// A plain (length-prefixed) RDB string.
fn rstr(out: &mut Vec<u8>, s: &[u8]) {
    rlen(out, s.len() as u64);
    out.extend_from_slice(s);
}

/// A ziplist (Redis <= 6.2) holding `items`, integers in the smallest integer encoding.
fn ziplist(items: &[&[u8]]) -> Vec<u8> {
    let mut body = Vec::new();
    let (mut prev, mut tail) = (0usize, 10usize);
    for it in items {
        let start = body.len();
        tail = 10 + start;
        if prev < 254 {
            body.push(prev as u8);
        } else {
            body.push(0xFE);
            body.extend_from_slice(&(prev as u32).to_le_bytes());
        }
        let int = std::str::from_utf8(it).ok().and_then(|s| s.parse::<i64>().ok()).filter(|v| v.to_string().as_bytes() == *it);
        match int {
            Some(v @ 0..=12) => body.push(0xF1 + v as u8),
            Some(v) if i8::try_from(v).is_ok() => body.extend_from_slice(&[0xFE, v as i8 as u8]),
            Some(v) if i16::try_from(v).is_ok() => {
                body.push(0xC0);
                body.extend_from_slice(&(v as i16).to_le_bytes());
            }
            Some(v) if (-8_388_608..=8_388_607).contains(&v) => {
                body.push(0xF0);
                body.extend_from_slice(&(v as i32).to_le_bytes()[..3]);
            }
            Some(v) if i32::try_from(v).is_ok() => {
                body.push(0xD0);
                body.extend_from_slice(&(v as i32).to_le_bytes());
            }
            Some(v) => {
                body.push(0xE0);
                body.extend_from_slice(&v.to_le_bytes());
            }
            None => {
                let n = it.len();
                if n < 64 {
                    body.push(n as u8);
                } else if n < 16384 {
                    body.extend_from_slice(&[0x40 | (n >> 8) as u8, n as u8]);
                } else {
                    body.push(0x80);
                    body.extend_from_slice(&(n as u32).to_be_bytes());
                }
                body.extend_from_slice(it);
            }
        }
        prev = body.len() - start;
    }
    let mut zl = Vec::new();
    zl.extend_from_slice(&((10 + body.len() + 1) as u32).to_le_bytes());
    zl.extend_from_slice(&(tail as u32).to_le_bytes());
    zl.extend_from_slice(&(items.len() as u16).to_le_bytes());
    zl.extend_from_slice(&body);
    zl.push(0xFF);
    zl
}

/// A zipmap (Redis <= 2.4 small hashes).
fn zipmap(pairs: &[(&[u8], &[u8])]) -> Vec<u8> {
    let len = |out: &mut Vec<u8>, n: usize| {
        if n < 254 {
            out.push(n as u8);
        } else {
            out.push(254);
            out.extend_from_slice(&(n as u32).to_le_bytes());
        }
    };
    let mut zm = vec![pairs.len() as u8];
    for (f, v) in pairs {
        len(&mut zm, f.len());
        zm.extend_from_slice(f);
        len(&mut zm, v.len());
        zm.push(0); // free bytes after the value
        zm.extend_from_slice(v);
    }
    zm.push(0xFF);
    zm
}

/// The value records only older writers produce, as (type, body) pairs: the types the loader
/// reads but our writer never emits.
fn legacy_values() -> Vec<(u8, Vec<u8>)> {
    let mut v = Vec::new();
    let mut rec = |t: u8, f: &dyn Fn(&mut Vec<u8>)| {
        let mut b = Vec::new();
        f(&mut b);
        v.push((t, b));
    };
    // LIST (type 1): plain strings.
    rec(1, &|b| {
        rlen(b, 3);
        for s in [&b"a"[..], b"1", b"b"] {
            rstr(b, s);
        }
    });
    // SET (type 2): integers and strings.
    rec(2, &|b| {
        rlen(b, 3);
        for s in [&b"x"[..], b"2", b"-7"] {
            rstr(b, s);
        }
    });
    // ZSET (type 3): scores as strings, 254 = +inf, 255 = -inf.
    rec(3, &|b| {
        rlen(b, 3);
        rstr(b, b"a");
        rstr(b, b"1.5");
        rstr(b, b"b");
        b.push(254);
        rstr(b, b"c");
        b.push(255);
    });
    // HASH (type 4).
    rec(4, &|b| {
        rlen(b, 2);
        for s in [&b"f1"[..], b"v1", b"f2", b"22"] {
            rstr(b, s);
        }
    });
    // ZSET_2 (type 5): binary doubles.
    rec(5, &|b| {
        rlen(b, 2);
        rstr(b, b"m1");
        b.extend_from_slice(&0.5f64.to_le_bytes());
        rstr(b, b"m2");
        b.extend_from_slice(&(-2.25f64).to_le_bytes());
    });
    rec(9, &|b| rstr(b, &zipmap(&[(b"f", b"v"), (b"n", b"7"), (&[b'k'; 300], b"long field")])));
    let long = [b'z'; 70];
    rec(10, &|b| rstr(b, &ziplist(&[b"a", b"12", b"-3", b"hello", b"100000", b"300", b"-70000", b"5000000000", &long])));
    rec(11, &|b| rstr(b, &intset::encode(&[-70000, 1, 2, 3])));
    rec(12, &|b| rstr(b, &ziplist(&[b"m", b"1.5", b"n", b"2"])));
    rec(13, &|b| rstr(b, &ziplist(&[b"f", b"v", b"g", b"1"])));
    // LIST_QUICKLIST (type 14): ziplist nodes.
    rec(14, &|b| {
        rlen(b, 2);
        rstr(b, &ziplist(&[b"a", b"b"]));
        rstr(b, &ziplist(&[b"3"]));
    });
    // LIST_QUICKLIST_2 (type 18) with a PLAIN node (7.0 writes them for elements of 1 GB+).
    rec(18, &|b| {
        rlen(b, 2);
        rlen(b, 1);
        rstr(b, b"a plain node");
        rlen(b, 2);
        rstr(b, &listpack::encode([&b"x"[..], b"-1"]));
    });
    v
}

/// A hand-assembled file of version `version` with every legacy record and opcode: int-encoded
/// and LZF strings, EXPIRETIME in seconds and ms, IDLE, FREQ, RESIZEDB, AUX, the FUNCTION record
/// of 7.0 release candidates, two databases. Version 5+ files get a CRC64 trailer.
fn crafted_rdb(version: u32) -> Vec<u8> {
    let mut f = format!("REDIS{version:04}").into_bytes();
    f.push(0xFA);
    rstr(&mut f, b"redis-ver");
    rstr(&mut f, b"6.2.14");
    f.push(0xFA);
    rstr(&mut f, b"redis-bits");
    f.extend_from_slice(&[0xC0, 64]);
    f.extend_from_slice(&[0xFE, 0]);
    f.push(0xFB);
    rlen(&mut f, 30);
    rlen(&mut f, 2);
    let key = |f: &mut Vec<u8>, t: u8, k: &[u8]| {
        f.push(t);
        rstr(f, k);
    };
    key(&mut f, 0, b"str");
    rstr(&mut f, b"plain");
    key(&mut f, 0, b"i8");
    f.extend_from_slice(&[0xC0, (-123i8) as u8]);
    key(&mut f, 0, b"i16");
    f.push(0xC1);
    f.extend_from_slice(&30000i16.to_le_bytes());
    key(&mut f, 0, b"i32");
    f.push(0xC2);
    f.extend_from_slice(&(-2_000_000_000i32).to_le_bytes());
    let text = "an LZF-compressed string, an LZF-compressed string, an LZF-compressed string".as_bytes();
    if let Some(c) = lzf::compress_for_rdb(text) {
        key(&mut f, 0, b"lzf");
        f.push(0xC3);
        rlen(&mut f, c.len() as u64);
        rlen(&mut f, text.len() as u64);
        f.extend_from_slice(&c);
    }
    f.push(0xFC);
    f.extend_from_slice(&(NOW + 1_000_000).to_le_bytes());
    key(&mut f, 0, b"ms");
    rstr(&mut f, b"v");
    f.push(0xFD);
    f.extend_from_slice(&((NOW / 1000 + 1000) as i32).to_le_bytes());
    key(&mut f, 0, b"sec");
    rstr(&mut f, b"v");
    f.push(0xF8);
    rlen(&mut f, 100);
    key(&mut f, 0, b"idle");
    rstr(&mut f, b"v");
    f.extend_from_slice(&[0xF9, 5]);
    key(&mut f, 0, b"freq");
    rstr(&mut f, b"v");
    for (i, (t, body)) in legacy_values().into_iter().enumerate() {
        key(&mut f, t, format!("legacy:{t}:{i}").as_bytes());
        f.extend_from_slice(&body);
    }
    f.extend_from_slice(&[0xFE, 1]);
    key(&mut f, 0, b"db1");
    rstr(&mut f, b"x");
    f.push(0xF6);
    rstr(&mut f, b"mylib");
    rstr(&mut f, b"LUA");
    rlen(&mut f, 0);
    rstr(&mut f, b"redis.register_function('f', function() return 1 end)");
    f.push(0xFF);
    if version >= 5 {
        let crc = crc64(&f);
        f.extend_from_slice(&crc.to_le_bytes());
    }
    f
}

/// A DUMP payload for a raw value record.
fn payload(t: u8, body: &[u8]) -> Vec<u8> {
    let mut p = vec![t];
    p.extend_from_slice(body);
    p.extend_from_slice(&rdb::RDB_VERSION.to_le_bytes());
    let crc = crc64(&p);
    p.extend_from_slice(&crc.to_le_bytes());
    p
}

/// Valid DUMP payloads: every entry of the small dataset, and every legacy record.
fn valid_payloads() -> Vec<Vec<u8>> {
    let mut out: Vec<Vec<u8>> = small_dbs()[0].iter().map(|e| rdb::dump_payload(e, &ValueOptions::default())).collect();
    out.extend(legacy_values().iter().map(|(t, b)| payload(*t, b)));
    out
}

/// Valid RDB files: (name, bytes, whether it carries a checksum).
fn valid_rdbs() -> Vec<(&'static str, Vec<u8>, bool)> {
    vec![
        ("small", save(&small_dbs(), &rich_save_options()), true),
        ("small-no-checksum", save(&small_dbs(), &SaveOptions { checksum: false, key_hints: KeyHints::Freq, ..SaveOptions::default() }), false),
        (
            "small-uncompressed",
            save(&small_dbs(), &SaveOptions { values: ValueOptions { compression: false, list_max_listpack_size: 1 }, ..SaveOptions::default() }),
            true,
        ),
        ("crafted-v9", crafted_rdb(9), true),
        ("crafted-v4", crafted_rdb(4), false),
    ]
}

fn opts(verify: bool) -> LoadOptions {
    LoadOptions {
        databases: 16,
        now_ms: NOW,
        drop_expired: false,
        verify_checksum: verify,
        limits: EncodingLimits::default(),
        lfu: false,
        deep_sanitize: true,
        key_delay_us: 0,
    }
}

// ---------------------------------------------------------------------------------------------
// Canonical keyspace text, to compare what two loads produced.

fn text(b: &[u8]) -> String {
    b.escape_ascii().to_string()
}

/// Type, encoding, contents (order-free where the type is) and, when asked, expiry.
fn describe(e: &Entry, ttl: bool) -> String {
    let body = match &e.value {
        Value::List(l) => format!("{:?}", l.iter().map(|x| text(x)).collect::<Vec<_>>()),
        Value::Set(s) => {
            let mut m: Vec<String> = s.members().iter().map(|x| text(x)).collect();
            m.sort();
            format!("{m:?}")
        }
        Value::Hash(h) => {
            let mut p: Vec<(String, String)> = h.iter().map(|(f, v)| (text(f), text(v))).collect();
            p.sort();
            format!("{p:?}")
        }
        Value::ZSet(z) => format!("{:?}", z.iter().map(|(m, s)| (text(m), s)).collect::<Vec<_>>()),
        Value::Stream(s) => {
            let nodes: Vec<_> = s.nodes().map(|(k, n)| (*k, text(n))).collect();
            let groups: Vec<_> = s
                .groups
                .iter()
                .map(|(n, g)| {
                    let pel: Vec<_> = g.pel.iter().map(|(id, n)| (*id, text(&n.consumer), n.delivery_time, n.delivery_count)).collect();
                    let cons: Vec<_> = g.consumers.iter().map(|(n, c)| (text(n), c.seen_time, c.pel.iter().copied().collect::<Vec<_>>())).collect();
                    format!("{} {:?} {} {pel:?} {cons:?}", text(n), g.last_id, g.entries_read)
                })
                .collect();
            format!("{nodes:?} {} {:?} {:?} {:?} {} {groups:?}", s.length, s.last_id, s.first_id, s.max_deleted_entry_id, s.entries_added)
        }
        _ => text(&e.str().map(|s| s.to_vec()).unwrap_or_default()),
    };
    let expiry = if ttl { e.expire_at.to_string() } else { String::new() };
    format!("{} {} {} {body} {expiry}", text(e.key()), e.value.type_name(), e.encoding())
}

fn describe_dbs(dbs: &[Db], ttl: bool) -> Vec<String> {
    let mut out: Vec<String> = dbs.iter().enumerate().flat_map(|(i, db)| db.iter().map(move |e| format!("{i} {}", describe(e, ttl)))).collect();
    out.sort();
    out
}

/// A loaded dataset must be one the server can hold and write: saving it and loading the result
/// (under the same encoding limits) gives it back.
fn assert_round_trips(loaded: &LoadedRdb, input: &[u8], limits: &EncodingLimits) {
    let bytes = save(&loaded.dbs, &SaveOptions::default());
    match rdb::load(&bytes, &LoadOptions { limits: *limits, ..opts(true) }) {
        Ok(again) => assert_eq!(describe_dbs(&loaded.dbs, true), describe_dbs(&again.dbs, true), "save/load of what {} loaded", show(input)),
        Err(e) => panic!("what {} loaded does not load back after saving: {e}", show(input)),
    }
}

// ---------------------------------------------------------------------------------------------
// (a) Truncation.

/// Asserts a strict prefix of a valid file fails the way a short file must: a bad signature
/// while the 9-byte header is incomplete, `Truncated` after.
fn assert_prefix_fails(name: &str, file: &[u8], cut: usize, o: &LoadOptions) {
    match rdb::load(&file[..cut], o) {
        Err(RdbError::BadSignature) if cut < 9 => {}
        Err(RdbError::Truncated { offset }) if cut >= 9 => assert_eq!(offset, cut as u64, "{name}: truncation reported at the wrong offset"),
        Err(e) => panic!("{name}: prefix of {cut} bytes: unexpected error {e}"),
        Ok(_) => panic!("{name}: prefix of {cut} of {} bytes loaded", file.len()),
    }
}

#[test]
fn every_prefix_of_a_valid_rdb_is_an_error() {
    guard();
    let mut rng = Rng(0x10ad_0001);
    for (name, file, _) in valid_rdbs() {
        // The whole file loads (else the prefixes prove nothing).
        for verify in [false, true] {
            match rdb::load(&file, &opts(verify)) {
                Ok(l) => assert_eq!(l.bytes_read as usize, file.len(), "{name}"),
                Err(e) => panic!("{name} does not load: {e}"),
            }
        }
        for cut in 0..file.len() {
            assert_prefix_fails(name, &file, cut, &opts(cut % 2 == 0));
            // The streaming reader too, through a small buffer.
            if cut % 7 == 0 {
                let r = rdb::load_from(BufReader::with_capacity(1 + rng.below(16), &file[..cut]), &opts(true));
                assert!(r.is_err(), "{name}: prefix of {cut} bytes loaded from a reader");
            }
        }
        progress();
    }
    let big = save(&big_dbs(), &SaveOptions::default());
    assert!(big.len() > 40_000, "the big file is only {} bytes", big.len());
    for i in 0..300 {
        // Cuts near the start and the end (headers, trailer) are the interesting ones.
        let cut = match i % 3 {
            0 => rng.below(64),
            1 => big.len() - 1 - rng.below(64),
            _ => rng.below(big.len()),
        };
        assert_prefix_fails("big", &big, cut, &opts(i % 2 == 0));
    }
}

// ---------------------------------------------------------------------------------------------
// (b) Corruption.

/// Byte sequences that mean something to the loader: opcodes, length encodings (6/14/32/64-bit,
/// huge values), string encodings (integers, LZF), blob headers.
const INTERESTING: &[&[u8]] = &[
    b"\x00",
    b"\xff",
    b"\xfe",
    b"\xfe\x0f",
    b"\xfb",
    b"\x80",
    b"\x81",
    b"\x3f",
    b"\x40\x00",
    b"\x7f\xff",
    b"\xc0",
    b"\xc3",
    b"\xc3\x05\x7f",
    b"\xc4",
    b"\x80\xff\xff\xff\xff",
    b"\x81\xff\xff\xff\xff\xff\xff\xff\xff",
    b"\x81\x00\x00\x00\x01\x00\x00\x00\x00",
    b"\x80\x10\x00\x00\x00",
    b"\x0e\x01",
    b"\x12\x01\x01",
    b"\x12\x01\x03",
    b"\xf0\xff\xff\xff\xff",
    b"\xf4",
    b"\x00\x00\x00\x00",
    b"\xff\xff\xff\xff",
    b"\x7f\xf8\x00\x00\x00\x00\x00\x00",
];

/// 1 to 4 random edits: bit flips, byte writes, insertions, deletions, interesting sequences
/// inserted or written over, duplicated segments.
fn mutate(rng: &mut Rng, v: &mut Vec<u8>) {
    for _ in 0..1 + rng.below(4) {
        let len = v.len();
        match rng.below(8) {
            0 if len > 0 => {
                let i = rng.below(len);
                v[i] ^= 1 << rng.below(8);
            }
            1 if len > 0 => {
                let i = rng.below(len);
                v[i] = rng.next() as u8;
            }
            2 => {
                let i = rng.below(len + 1);
                v.insert(i, rng.next() as u8);
            }
            3 if len > 0 => {
                let i = rng.below(len);
                let n = 1 + rng.below((len - i).min(16));
                v.drain(i..i + n);
            }
            4 => {
                let i = rng.below(len + 1);
                let s = *rng.pick(INTERESTING);
                v.splice(i..i, s.iter().copied());
            }
            5 if len > 0 => {
                let i = rng.below(len);
                let s = *rng.pick(INTERESTING);
                let end = (i + s.len()).min(len);
                v.splice(i..end, s.iter().copied());
            }
            6 if len > 0 => {
                let i = rng.below(len);
                let n = 1 + rng.below((len - i).min(32));
                let seg = v[i..i + n].to_vec();
                let at = rng.below(len + 1);
                v.splice(at..at, seg);
            }
            _ if len > 0 => {
                let i = rng.below(len);
                v[i] = v[i].wrapping_add(1 + rng.below(3) as u8);
            }
            _ => v.push(rng.next() as u8),
        }
    }
}

/// The version a loader sees in a file's header (atoi of bytes 5..9).
fn header_version(f: &[u8]) -> u32 {
    f.get(5..9).unwrap_or(&[]).iter().take_while(|b| b.is_ascii_digit()).fold(0u32, |v, d| v * 10 + (d - b'0') as u32)
}

#[test]
fn corrupt_rdbs_never_panic_and_checksums_catch_every_change() {
    guard();
    let mut rng = Rng(0x10ad_0002);
    let files = valid_rdbs();
    let (mut loaded_unverified, mut caught, mut checksum_removed) = (0usize, 0usize, 0usize);
    for n in 0..30_000 {
        let (name, original, checksummed) = rng.pick(&files);
        let mut m = original.clone();
        mutate(&mut rng, &mut m);
        if m == *original {
            continue;
        }
        // Tight limits half the time: the conversions to big encodings are loader paths too.
        let limits = if n % 2 == 0 { EncodingLimits::default() } else { tiny_limits() };
        let unverified = LoadOptions { limits, ..opts(false) };
        if let Ok(l) = rdb::load(&m, &unverified) {
            loaded_unverified += 1;
            assert!(l.bytes_read as usize <= m.len(), "{name}: read past the end");
            assert_round_trips(&l, &m, &limits);
        }
        if n % 5 == 0 {
            // Chunked reads must not change anything.
            let a = rdb::load(&m, &unverified).map(|l| describe_dbs(&l.dbs, true)).map_err(|e| e.to_string());
            let b = rdb::load_from(BufReader::with_capacity(1 + rng.below(9), &m[..]), &unverified)
                .map(|l| describe_dbs(&l.dbs, true))
                .map_err(|e| e.to_string());
            assert_eq!(a, b, "{name}: load_from differs from load for {}", show(&m));
        }
        if *checksummed {
            match rdb::load(&m, &LoadOptions { limits, ..opts(true) }) {
                Err(_) => caught += 1,
                Ok(l) if l.checksum_verified => {
                    // Only what comes after the trailer may change (it is not read).
                    assert_eq!(&m[..l.bytes_read as usize], &original[..], "{name}: a changed file passed its checksum: {}", show(&m));
                }
                Ok(l) => {
                    // The edit removed the checksum itself: the version now predates checksums,
                    // or the trailer reads 0 ("saved without checksum"). Redis loads those too.
                    let end = l.bytes_read as usize;
                    let trailer_zero = end >= 8 && m[end - 8..end] == [0; 8];
                    assert!(header_version(&m) < 5 || trailer_zero, "{name}: loaded unverified: {}", show(&m));
                    checksum_removed += 1;
                }
            }
        }
        progress();
    }
    eprintln!("corrupt RDBs: {loaded_unverified} loaded unverified, {caught} refused by the checksum, {checksum_removed} had it edited away");
    // The mutations must leave some files loadable, or the round-trip check tests nothing.
    assert!(loaded_unverified > 1_000, "only {loaded_unverified} corrupt files loaded without verification");
}

/// Whether `a` and `b` differ only by a prefix the CRC cannot see. CRC-64/Jones as Redis uses it
/// starts from 0 with no final xor, so bytes that leave the register at 0 are invisible in front
/// of a message: zero bytes (before a STRING's type byte, 0), or a whole valid payload (data
/// followed by its own CRC leaves 0). Redis's `verifyDumpPayload` accepts such payloads too, and
/// both decoders read the value from the front, so the edit is harmless.
fn crc_blind(a: &[u8], b: &[u8]) -> bool {
    let (long, short) = if a.len() >= b.len() { (a, b) } else { (b, a) };
    long.ends_with(short) && crc64(&long[..long.len() - short.len()]) == 0
}

#[test]
fn corrupt_dump_payloads_never_panic() {
    guard();
    let mut rng = Rng(0x10ad_0003);
    let payloads = valid_payloads();
    for p in &payloads {
        assert!(rdb::verify_dump_payload(p), "a valid payload does not verify: {}", show(p));
        assert!(matches!(rdb::decode_dump_payload(p, &EncodingLimits::default(), true), Ok(Some(_))), "a valid payload does not decode: {}", show(p));
    }
    let mut decoded = 0usize;
    for n in 0..100_000 {
        let original = rng.pick(&payloads);
        let mut p = original.clone();
        mutate(&mut rng, &mut p);
        if p == *original {
            continue;
        }
        if !crc_blind(&p, original) {
            assert!(!rdb::verify_dump_payload(&p), "a changed payload verifies: {}", show(&p));
        }
        // Unverified decoding (RESTORE never does this, but the decoder must still be safe).
        let _ = rdb::decode_dump_payload(&p, &EncodingLimits::default(), true);
        // With the footer fixed up, as a crafted RESTORE payload would be.
        if p.len() >= 10 {
            let at = p.len() - 8;
            let crc = crc64(&p[..at]);
            p[at..].copy_from_slice(&crc.to_le_bytes());
        }
        let limits = if n % 2 == 0 { EncodingLimits::default() } else { tiny_limits() };
        if let Ok(Some(v)) = rdb::decode_dump_payload(&p, &limits, true) {
            decoded += 1;
            let entry = v.into_entry(b"k");
            let again = rdb::dump_payload(&entry, &ValueOptions::default());
            match rdb::decode_dump_payload(&again, &limits, true) {
                Ok(Some(back)) => assert_eq!(describe(&entry, false), describe(&back.into_entry(b"k"), false), "DUMP round trip of {}", show(&p)),
                other => panic!("our DUMP of what {} decoded to does not decode: {:?}", show(&p), other.map(|o| o.is_some())),
            }
        }
        progress();
    }
    assert!(decoded > 5_000, "only {decoded} mutated payloads decoded");
}

// ---------------------------------------------------------------------------------------------
// (c) The AOF command stream.

/// Walks a stream from 0: its commands, and how it ended. Asserts progress on every step.
fn walk(buf: &[u8]) -> (Vec<Vec<Bytes>>, Next) {
    let mut cmds = Vec::new();
    let mut pos = 0;
    loop {
        match next_command(buf, pos) {
            Next::Command(argv, next) => {
                assert!(next > pos && next <= buf.len(), "command at {pos} ends at {next} in {}", show(buf));
                assert!(!argv.is_empty(), "empty command at {pos} in {}", show(buf));
                cmds.push(argv);
                pos = next;
            }
            Next::Annotation(next) => {
                assert!(next > pos && next <= buf.len(), "annotation at {pos} ends at {next} in {}", show(buf));
                pos = next;
            }
            Next::End => {
                assert_eq!(pos, buf.len(), "End before the end of {}", show(buf));
                return (cmds, Next::End);
            }
            end => return (cmds, end),
        }
    }
}

/// A random argument: often empty or short, with CR/LF and `*`/`$` inside, sometimes long.
fn random_arg(rng: &mut Rng) -> Bytes {
    let len = match rng.below(10) {
        0 => 0,
        1 => rng.below(5000),
        _ => rng.below(12),
    };
    const BIASED: &[u8] = b"*$#\r\n0123456789-";
    Bytes::from((0..len).map(|_| if rng.chance(3) { *rng.pick(BIASED) } else { rng.next() as u8 }).collect::<Vec<u8>>())
}

/// A stream of random commands with annotations between them: (bytes, the commands, the offsets
/// where an annotation or a command ends, with whether it is a command).
fn random_stream(rng: &mut Rng, max_cmds: usize) -> (Vec<u8>, Vec<Vec<Bytes>>, Vec<(usize, bool)>) {
    let (mut buf, mut cmds, mut ends) = (Vec::new(), Vec::new(), Vec::new());
    for _ in 0..rng.below(max_cmds + 1) {
        if rng.chance(5) {
            buf.extend_from_slice(format!("#TS:{}\r\n", rng.next() % 2_000_000_000).as_bytes());
            ends.push((buf.len(), false));
        }
        let argv: Vec<Bytes> = (0..1 + rng.below(6)).map(|_| random_arg(rng)).collect();
        encode_command(&mut buf, &argv);
        ends.push((buf.len(), true));
        cmds.push(argv);
    }
    (buf, cmds, ends)
}

#[test]
fn aof_streams_round_trip_and_every_prefix_is_truncated() {
    guard();
    let mut rng = Rng(0x10ad_0004);
    for _ in 0..5_000 {
        let (buf, cmds, _) = random_stream(&mut rng, 8);
        let (got, end) = walk(&buf);
        assert_eq!(end, Next::End, "a valid stream did not end cleanly: {}", show(&buf));
        assert_eq!(got, cmds, "round trip of {}", show(&buf));
    }
    let mut prefixes = 0usize;
    for _ in 0..400 {
        let (buf, cmds, ends) = random_stream(&mut rng, 4);
        if buf.len() > 3000 {
            continue;
        }
        for cut in 0..buf.len() {
            // The commands wholly inside the prefix, then End exactly at a boundary, else Truncated.
            let (got, end) = walk(&buf[..cut]);
            let at_boundary = cut == 0 || ends.iter().any(|&(e, _)| e == cut);
            let want_end = if at_boundary { Next::End } else { Next::Truncated };
            assert_eq!(end, want_end, "prefix of {cut} bytes of {}", show(&buf));
            let complete = ends.iter().filter(|&&(e, is_cmd)| is_cmd && e <= cut).count();
            assert_eq!(got[..], cmds[..complete], "prefix of {cut} bytes of {}", show(&buf));
            prefixes += 1;
        }
        progress();
    }
    assert!(prefixes > 10_000, "only {prefixes} prefixes checked");
}

/// Random bytes biased towards the stream's syntax.
fn garbage(rng: &mut Rng) -> Vec<u8> {
    const BIASED: &[u8] = b"*$#\r\n0123456789-+ ";
    let len = rng.below(300);
    (0..len).map(|_| if rng.chance(2) { *rng.pick(BIASED) } else { rng.next() as u8 }).collect()
}

#[test]
fn aof_garbage_never_panics_and_always_progresses() {
    guard();
    let mut rng = Rng(0x10ad_0005);
    let (mut bad, mut truncated, mut commands) = (0usize, 0usize, 0usize);
    for n in 0..100_000 {
        let buf = if n % 2 == 0 {
            garbage(&mut rng)
        } else {
            let (mut buf, _, _) = random_stream(&mut rng, 4);
            mutate(&mut rng, &mut buf);
            // And cut, as a crash mid-write would.
            if rng.chance(2) {
                buf.truncate(rng.below(buf.len() + 1));
            }
            buf
        };
        let (cmds, end) = walk(&buf);
        commands += cmds.len();
        match end {
            Next::Bad(_) => bad += 1,
            Next::Truncated => truncated += 1,
            _ => {}
        }
        if n % 1000 == 0 {
            progress();
        }
    }
    // The generator must reach every outcome, or it tests little.
    assert!(bad > 10_000 && truncated > 10_000 && commands > 20_000, "bad {bad}, truncated {truncated}, commands {commands}");
}

/// A key from a small pool, so commands meet each other's keys (and their types).
fn key(rng: &mut Rng) -> Bytes {
    Bytes::from(format!("k{}", rng.below(6)))
}

fn word(rng: &mut Rng) -> Bytes {
    const WORDS: &[&str] = &["a", "b", "hello", "", "1", "-1", "0", "42", "3.5", "-0", "1e3", "inf", "-inf", "+inf", "nan", "9223372036854775807"];
    if rng.chance(4) {
        random_arg(rng)
    } else {
        Bytes::from_static(rng.pick(WORDS).as_bytes())
    }
}

/// Seconds for EXPIRE / SET EX: none so short that a key could expire between two replays.
fn seconds(rng: &mut Rng) -> Bytes {
    Bytes::from_static(rng.pick(&["-1", "0", "100", "86400", "9223372036854775807", "x", "-9223372036854775808"]).as_bytes())
}

/// A random command of the families an AOF holds, sometimes malformed (wrong arity, bad options,
/// bad numbers), in random letter case.
fn random_command(rng: &mut Rng) -> Vec<Bytes> {
    let name = *rng.pick(&["SET", "RPUSH", "SADD", "HSET", "ZADD", "DEL", "EXPIRE", "MULTI", "EXEC", "SELECT", "DISCARD"]);
    let name = if rng.chance(2) { name.to_ascii_lowercase() } else { name.to_string() };
    let mut argv = vec![Bytes::from(name.clone())];
    let k = key(rng);
    match name.to_ascii_uppercase().as_str() {
        "SET" => {
            argv.extend([k, word(rng)]);
            match rng.below(6) {
                0 => argv.extend([Bytes::from_static(b"EX"), seconds(rng)]),
                1 => argv.push(Bytes::from_static(rng.pick(&["NX", "XX", "KEEPTTL", "GET"]).as_bytes())),
                2 => argv.push(word(rng)),
                _ => {}
            }
        }
        "RPUSH" | "SADD" => {
            argv.push(k);
            for _ in 0..rng.below(5) {
                argv.push(word(rng));
            }
        }
        "HSET" => {
            argv.push(k);
            for _ in 0..rng.below(6) {
                argv.push(word(rng));
            }
        }
        "ZADD" => {
            argv.push(k);
            if rng.chance(4) {
                argv.push(Bytes::from_static(rng.pick(&["NX", "XX", "GT", "LT", "CH", "INCR"]).as_bytes()));
            }
            for _ in 0..rng.below(4) {
                argv.extend([word(rng), word(rng)]);
            }
        }
        "DEL" => {
            argv.push(k);
            if rng.chance(2) {
                argv.push(key(rng));
            }
        }
        "EXPIRE" => {
            argv.extend([k, seconds(rng)]);
            if rng.chance(5) {
                argv.push(Bytes::from_static(rng.pick(&["NX", "XX", "GT", "LT", "??"]).as_bytes()));
            }
        }
        "SELECT" => argv.push(Bytes::from(rng.below(18).to_string())),
        // MULTI / EXEC / DISCARD: now and then with a stray argument (an arity error).
        _ => {
            if rng.chance(20) {
                argv.push(word(rng));
            }
        }
    }
    argv
}

/// Replays `buf` into a fresh state: the outcome and the keyspace (without expiry times, which
/// depend on the clock).
fn replay_fresh(buf: &[u8]) -> (Result<Replayed, Refused>, Vec<String>, bool) {
    redis_ha_node::cmd::install();
    let mut st = State::new(Config::default());
    let (mut me, _rx) = loading_client();
    let r = replay(&mut st, &mut me, buf, 0);
    (r, describe_dbs(st.dbs(), false), me.multi.active)
}

#[test]
fn replaying_random_command_streams_never_panics() {
    guard();
    let mut rng = Rng(0x10ad_0006);
    let (mut complete, mut truncated) = (0usize, 0usize);
    for n in 0..4_000 {
        let mut buf = Vec::new();
        for _ in 0..1 + rng.below(40) {
            encode_command(&mut buf, &random_command(&mut rng));
        }
        // Now and then a tail cut mid-command, like a crash during a write.
        if n % 4 == 0 {
            let mut tail = Vec::new();
            encode_command(&mut tail, &random_command(&mut rng));
            buf.extend_from_slice(&tail[..rng.below(tail.len())]);
        }
        let (r, keys, in_multi) = replay_fresh(&buf);
        assert!(!in_multi, "replay left a transaction open: {}", show(&buf));
        match r {
            Ok(Replayed::Complete { .. }) => complete += 1,
            Ok(Replayed::Truncated { valid_up_to, .. }) => {
                truncated += 1;
                assert!(valid_up_to <= buf.len(), "valid_up_to {valid_up_to} past the end of {}", show(&buf));
                // aof-load-truncated cuts the file there; the next start must load it cleanly,
                // to the same data.
                let cut = &buf[..valid_up_to];
                let (r2, keys2, _) = replay_fresh(cut);
                assert!(matches!(r2, Ok(Replayed::Complete { .. })), "the stream cut at {valid_up_to} replays as {r2:?}: {}", show(&buf));
                assert_eq!(keys, keys2, "the stream cut at {valid_up_to} loads different data: {}", show(&buf));
            }
            Err(refused) => panic!("a stream of known commands is refused ({refused:?}): {}", show(&buf)),
        }
        progress();
    }
    assert!(complete > 100 && truncated > 100, "complete {complete}, truncated {truncated}");
}

#[test]
fn rdb_preamble_then_commands_loads() {
    guard();
    // A base file as `aof-use-rdb-preamble yes` writes it: an RDB, then commands.
    let mut rng = Rng(0x10ad_0007);
    let rdb_part = save(&small_dbs(), &SaveOptions { aof_base: true, ..SaveOptions::default() });
    for _ in 0..200 {
        let mut buf = rdb_part.clone();
        for _ in 0..rng.below(10) {
            encode_command(&mut buf, &random_command(&mut rng));
        }
        let loaded = match rdb::load(&buf, &opts(true)) {
            Ok(l) => l,
            Err(e) => panic!("the preamble does not load: {e}"),
        };
        assert_eq!(loaded.bytes_read as usize, rdb_part.len(), "the RDB loader read into the commands");
        redis_ha_node::cmd::install();
        let mut st = State::new(Config::default());
        st.install_dataset(loaded.dbs);
        let (mut me, _rx) = loading_client();
        let r = replay(&mut st, &mut me, &buf, rdb_part.len());
        assert!(r.is_ok(), "commands after the preamble: {r:?}");
        progress();
    }
}

// ---------------------------------------------------------------------------------------------
// (d) The manifest.

/// A file name: printable words with spaces, both quote kinds, backslashes, escapes' letters,
/// control bytes and non-ASCII characters (never '/', which the parser refuses); now and then
/// empty, which the parser accepts too.
fn file_name(rng: &mut Rng) -> String {
    if rng.chance(50) {
        return String::new();
    }
    const PIECES: &[&str] = &[
        "append", ".aof", ".1", ".base", ".rdb", ".incr", " ", "\"", "'", "\\", "\\x41", "\\n", "\t", "\n", "\r", "\x07", "\x08", "\x0b", "\0", "#",
        "é", "€", "file", "seq", "type", "b", "i", "h", "x y",
    ];
    (0..1 + rng.below(6)).map(|_| *rng.pick(PIECES)).collect()
}

fn random_manifest(rng: &mut Rng) -> Manifest {
    let mut m = Manifest::default();
    let seq = |rng: &mut Rng| if rng.chance(8) { u64::MAX - rng.below(3) as u64 } else { rng.below(1000) as u64 };
    if !rng.chance(5) {
        let s = seq(rng);
        m.base = Some(AofFile { name: file_name(rng), seq: s, kind: FileKind::Base });
        m.base_seq = s;
    }
    for _ in 0..rng.below(3) {
        let s = seq(rng);
        m.history.push(AofFile { name: file_name(rng), seq: s, kind: FileKind::History });
    }
    let mut s = rng.below(5) as u64;
    for _ in 0..rng.below(4) + usize::from(m.base.is_none() && m.history.is_empty()) {
        m.incrs.push(AofFile { name: file_name(rng), seq: s, kind: FileKind::Incr });
        m.incr_seq = s;
        s += 1 + rng.below(3) as u64;
    }
    m
}

#[test]
fn manifests_round_trip_and_never_panic() {
    guard();
    let mut rng = Rng(0x10ad_0008);
    for _ in 0..20_000 {
        let m = random_manifest(&mut rng);
        let text = m.format();
        assert_eq!(Manifest::parse(text.as_bytes()), Ok(m.clone()), "parse(format(m)) for {text:?}");
    }
    const TOKENS: &[&[u8]] = &[
        b"file",
        b"seq",
        b"type",
        b" b",
        b" i",
        b" h",
        b"\"",
        b"'",
        b"\\x",
        b"\\",
        b" ",
        b"\n",
        b"\r\n",
        b"#",
        b"/",
        b"\0",
        b"99999999999999999999",
        b"-1",
    ];
    let mut accepted = 0usize;
    for n in 0..50_000 {
        let mut text = random_manifest(&mut rng).format().into_bytes();
        for _ in 0..1 + rng.below(3) {
            let at = rng.below(text.len() + 1);
            match rng.below(4) {
                0 => text.splice(at..at, rng.pick(TOKENS).iter().copied()).for_each(drop),
                1 if at < text.len() => text[at] = rng.next() as u8,
                2 if at < text.len() => {
                    text.remove(at);
                }
                _ => text.splice(at..at, rng.bytes(3)).for_each(drop),
            }
        }
        if n % 100 == 0 {
            // Over-long lines.
            text.extend(vec![b'a'; 1000 + rng.below(100)]);
        }
        if let Ok(m) = Manifest::parse(&text) {
            accepted += 1;
            let again = m.format();
            // Quoting can lengthen a line past the parser's 1024-byte limit (Redis's too).
            if again.lines().all(|l| l.len() <= 1024) {
                assert_eq!(Manifest::parse(again.as_bytes()), Ok(m), "parse(format(parse(t))) for {:?}", show(&text));
            }
        }
        if n % 1000 == 0 {
            progress();
        }
    }
    assert!(accepted > 5_000, "only {accepted} mutated manifests parsed");
}

// ---------------------------------------------------------------------------------------------
// Seed corpora for the cargo-fuzz targets.

/// Writes `node/fuzz/seeds/<target>/<name>` from the valid inputs above. Run by hand after the
/// formats change: `cargo test --release -p redis-ha-node --test loader_fuzz -- --ignored write_fuzz_seeds`.
#[test]
#[ignore]
fn write_fuzz_seeds() {
    let root = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("fuzz/seeds");
    let write = |target: &str, name: &str, bytes: &[u8]| {
        let dir = root.join(target);
        std::fs::create_dir_all(&dir).expect("create the seed directory");
        std::fs::write(dir.join(name), bytes).expect("write a seed");
    };
    let with_mode = |mode: u8, body: &[u8]| {
        let mut v = vec![mode];
        v.extend_from_slice(body);
        v
    };
    // rdb_loader: mode byte (see fuzz_targets/common) + file. Small files only: libFuzzer's
    // default -max_len follows the biggest seed.
    for (i, (name, file, _)) in valid_rdbs().into_iter().enumerate() {
        write("rdb_loader", name, &with_mode([0x00, 0x44, 0x90, 0x14, 0x28][i % 5], &file));
    }
    write("rdb_loader", "lfu", &with_mode(0x20, &save(&small_dbs(), &SaveOptions { key_hints: KeyHints::Freq, ..SaveOptions::default() })));
    write("rdb_loader", "stream-refused", &with_mode(0, b"REDIS0010\xfe\x00\x13\x01s\x00"));
    write("rdb_loader", "module-refused", &with_mode(0, b"REDIS0010\xfe\x00\x07\x01m\x05"));
    // dump_payload: mode 1 fixes the CRC up, mode 4 picks tiny limits.
    for (i, p) in valid_payloads().iter().enumerate() {
        write("dump_payload", &format!("payload-{i:02}"), &with_mode(if i % 2 == 0 { 1 } else { 5 }, p));
    }
    // aof_loader: command streams, a transaction, an open one, a cut tail, an RDB preamble.
    let mut rng = Rng(0x5eed);
    let mut stream = Vec::new();
    for _ in 0..30 {
        encode_command(&mut stream, &random_command(&mut rng));
    }
    write("aof_loader", "commands", &stream);
    let tx = b"*2\r\n$6\r\nSELECT\r\n$1\r\n0\r\n#TS:1700000000\r\n*1\r\n$5\r\nMULTI\r\n*3\r\n$3\r\nSET\r\n$1\r\na\r\n$1\r\n1\r\n*4\r\n$5\r\nRPUSH\r\n$1\r\nl\r\n$1\r\nx\r\n$1\r\ny\r\n*1\r\n$4\r\nEXEC\r\n";
    write("aof_loader", "transaction", tx);
    write("aof_loader", "open-transaction", &tx[..tx.len() - 14]);
    write("aof_loader", "cut-tail", &tx[..tx.len() - 30]);
    let mut preamble = save(&small_dbs(), &SaveOptions { aof_base: true, ..SaveOptions::default() });
    preamble.extend_from_slice(tx);
    write("aof_loader", "rdb-preamble", &preamble);
    let mut restore = Vec::new();
    let p = rdb::dump_payload(&Entry::with_value(b"r", list(&[b"a", b"b"])), &ValueOptions::default());
    encode_command(&mut restore, &[Bytes::from_static(b"RESTORE"), Bytes::from_static(b"r"), Bytes::from_static(b"0"), Bytes::from(p)]);
    write("aof_loader", "restore", &restore);
    // aof_manifest.
    write("aof_manifest", "base-and-incr", b"file appendonly.aof.1.base.rdb seq 1 type b\nfile appendonly.aof.1.incr.aof seq 1 type i\n");
    write(
        "aof_manifest",
        "history",
        b"file a.2.base.rdb seq 2 type b\nfile a.1.base.rdb seq 1 type h\nfile a.2.incr.aof seq 2 type i\nfile a.3.incr.aof seq 3 type i\n",
    );
    write("aof_manifest", "quoted", b"# comment\r\nfile \"a b\\x00\\\"c\" seq 1 type b newkey val\nFILE 'it\\'s' SEQ 2 TYPE i\n");
    for i in 0..3 {
        write("aof_manifest", &format!("random-{i}"), random_manifest(&mut rng).format().as_bytes());
    }
}
