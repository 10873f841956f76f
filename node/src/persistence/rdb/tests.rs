//! Round trips through the writer and loader, and robustness against corrupt input.

use std::collections::VecDeque;

use super::*;
use crate::db::hash::HashVal;
use crate::db::set::SetVal;
use crate::db::zset::ZSet;
use crate::db::{Db, Elem};
use crate::util::Rng;

const NOW: i64 = 1_700_000_000_000;

fn lim() -> EncodingLimits {
    EncodingLimits::default()
}

/// A keyspace with every type and encoding, expiries, and two databases.
fn sample_dbs() -> Vec<Db> {
    let lim = lim();
    let mut dbs: Vec<Db> = (0..4).map(|_| Db::new()).collect();
    let d = &mut dbs[0];
    d.insert(Entry::string(b"int", b"12345"));
    d.insert(Entry::string(b"bigint", b"-9223372036854775808"));
    d.insert(Entry::string(b"small", b"hello"));
    d.insert(Entry::string(b"empty", b""));
    d.insert(Entry::string(b"long", "compress me ".repeat(20).as_bytes()));
    let mut e = Entry::string(b"ttl", b"v");
    e.expire_at = NOW + 100_000;
    d.insert(e);
    let mut e = Entry::string(b"gone", b"v");
    e.expire_at = NOW - 1;
    d.insert(e);
    let small_list: VecDeque<Elem> = ["a", "1", "-5", "hello"].iter().map(|s| Elem::from(s.as_bytes())).collect();
    d.insert(Entry::with_value(b"list", Value::List(Box::new(small_list))));
    let big_list: VecDeque<Elem> = (0..3000).map(|i| Elem::from(format!("element-{i}-{}", "x".repeat(i % 50)).as_bytes())).collect();
    d.insert(Entry::with_value(b"biglist", Value::List(Box::new(big_list))));
    let ints = SetVal::from_members(["3", "1", "-70000", "2"].iter().map(|s| s.as_bytes()), &lim);
    d.insert(Entry::with_value(b"intset", Value::Set(Box::new(ints))));
    let strs = SetVal::from_members(["a", "b", "1"].iter().map(|s| s.as_bytes()), &lim);
    d.insert(Entry::with_value(b"strset", Value::Set(Box::new(strs))));
    let many: Vec<String> = (0..600).map(|i| i.to_string()).collect();
    let bigints = SetVal::from_members(many.iter().map(|s| s.as_bytes()), &lim);
    d.insert(Entry::with_value(b"bigintset", Value::Set(Box::new(bigints))));
    let mut h = HashVal::default();
    h.set(b"f", b"v", &lim);
    h.set(b"n", b"7", &lim);
    d.insert(Entry::with_value(b"hash", Value::Hash(Box::new(h))));
    let mut h = HashVal::default();
    for i in 0..600 {
        h.set(format!("field{i}").as_bytes(), format!("{i}").as_bytes(), &lim);
    }
    d.insert(Entry::with_value(b"bighash", Value::Hash(Box::new(h))));
    let mut z = ZSet::default();
    z.insert(b"a", 1.5, &lim);
    z.insert(b"b", 2.0, &lim);
    z.insert(b"c", f64::INFINITY, &lim);
    z.insert(b"d", -0.1, &lim);
    d.insert(Entry::with_value(b"zset", Value::ZSet(Box::new(z))));
    let mut z = ZSet::default();
    for i in 0..300 {
        z.insert(format!("m{i}").as_bytes(), i as f64 / 3.0, &lim);
    }
    d.insert(Entry::with_value(b"bigzset", Value::ZSet(Box::new(z))));
    dbs[3].insert(Entry::string(b"in3", b"three"));
    let d = &mut dbs[0];
    d.insert(Entry::with_value(b"stream", Value::Stream(Box::new(sample_stream()))));
    d.insert(Entry::with_value(b"emptystream", Value::Stream(Box::default())));
    dbs
}

/// A stream over several nodes, with a deleted entry, two groups, pending entries and an empty
/// consumer.
fn sample_stream() -> crate::db::stream::Stream {
    use crate::db::stream::{Group, NodeLimits, Stream, StreamId};
    let mut s = Stream::new();
    let lim = NodeLimits { max_bytes: 4096, max_entries: 3 };
    for i in 1..=8u64 {
        let v = format!("value-{i}-{}", "z".repeat(30));
        let fv: Vec<&[u8]> = if i % 3 == 0 { vec![b"other", v.as_bytes()] } else { vec![b"f", v.as_bytes(), b"n", b"42"] };
        s.append(StreamId::new(1000 + i, i % 2), &fv, lim);
    }
    assert!(s.delete(StreamId::new(1002, 0)));
    s.after_deletes(&[StreamId::new(1002, 0)]);
    let mut g = Group::new(StreamId::new(1005, 1), 5);
    g.ensure_consumer(b"alice", 1_700_000_000_000);
    g.ensure_consumer(b"bob", 1_700_000_000_001);
    g.ensure_consumer(b"idle", 1_700_000_000_002);
    g.assign(StreamId::new(1001, 1), b"alice", 1_700_000_000_010, 2);
    g.assign(StreamId::new(1004, 0), b"bob", 1_700_000_000_011, 1);
    s.groups.insert(b"g1"[..].into(), g);
    s.groups.insert(b"g0"[..].into(), Group::new(StreamId::ZERO, -1));
    s
}

/// Asserts two descriptions are equal, showing the first difference only.
fn same(a: &[String], b: &[String]) {
    for (x, y) in a.iter().zip(b) {
        assert_eq!(x, y);
    }
    assert_eq!(a.len(), b.len());
}

fn txt(b: &[u8]) -> String {
    show_key(b)
}

/// A canonical dump of a keyspace for comparisons: (db, key, type, encoding, contents, ttl).
fn describe(dbs: &[Db]) -> Vec<String> {
    let mut out = Vec::new();
    for (i, db) in dbs.iter().enumerate() {
        for e in db.iter() {
            let body = match &e.value {
                Value::List(l) => format!("{:?}", l.iter().map(|x| txt(x)).collect::<Vec<_>>()),
                Value::Set(s) => {
                    let mut m: Vec<String> = s.members().iter().map(|x| txt(x)).collect();
                    m.sort();
                    format!("{m:?}")
                }
                Value::Hash(h) => {
                    let mut p: Vec<_> = h.iter().map(|(f, v)| (txt(f), txt(v))).collect();
                    if matches!(**h, HashVal::Table(_)) {
                        p.sort();
                    }
                    format!("{p:?}")
                }
                Value::ZSet(z) => format!("{:?}", z.iter().map(|(m, s)| (txt(m), s)).collect::<Vec<_>>()),
                Value::Stream(s) => {
                    let entries = s.entries(crate::db::stream::StreamId::ZERO, crate::db::stream::StreamId::MAX, false, 0);
                    let groups: Vec<String> = s
                        .groups
                        .iter()
                        .map(|(n, g)| {
                            let pel: Vec<_> = g.pel.iter().map(|(id, n)| (id, txt(&n.consumer), n.delivery_time, n.delivery_count)).collect();
                            let cons: Vec<_> = g.consumers.iter().map(|(n, c)| (txt(n), c.seen_time, c.pel.iter().collect::<Vec<_>>())).collect();
                            format!("{} {:?} {} {pel:?} {cons:?}", txt(n), g.last_id, g.entries_read)
                        })
                        .collect();
                    format!(
                        "{entries:?} {} {:?} {:?} {:?} {} {} {groups:?}",
                        s.length,
                        s.last_id,
                        s.first_id,
                        s.max_deleted_entry_id,
                        s.entries_added,
                        s.node_count()
                    )
                }
                _ => txt(&e.str().map(|s| s.to_vec()).unwrap_or_default()),
            };
            out.push(format!("{i} {} {} {} {body} {}", show_key(e.key()), e.value.type_name(), e.encoding(), e.expire_at));
        }
    }
    out.sort();
    out
}

fn opts() -> LoadOptions {
    LoadOptions {
        databases: 4,
        now_ms: NOW,
        drop_expired: false,
        verify_checksum: true,
        limits: lim(),
        lfu: false,
        deep_sanitize: false,
        key_delay_us: 0,
    }
}

#[test]
fn round_trip_every_type() {
    let dbs = sample_dbs();
    for compression in [true, false] {
        let so = SaveOptions { values: ValueOptions { compression, list_max_listpack_size: -2 }, ..Default::default() };
        let bytes = save_to_vec(&dbs, &so, NOW);
        assert_eq!(&bytes[..9], b"REDIS0010");
        let loaded = load(&bytes, &opts()).unwrap();
        same(&describe(&loaded.dbs), &describe(&dbs));
        assert!(loaded.checksum_verified);
        assert_eq!(loaded.bytes_read as usize, bytes.len());
        assert_eq!(loaded.keys_loaded as usize, dbs.iter().map(|d| d.len()).sum::<usize>());
        assert_eq!(loaded.dbs[0].expires_count(), 2);
    }
}

#[test]
fn expired_keys_are_dropped_by_a_master() {
    let bytes = save_to_vec(&sample_dbs(), &SaveOptions::default(), NOW);
    let loaded = load(&bytes, &LoadOptions { drop_expired: true, ..opts() }).unwrap();
    assert_eq!(loaded.keys_expired, 1);
    assert!(loaded.dbs[0].peek(b"gone", 0).is_none());
    assert!(loaded.dbs[0].peek(b"ttl", 0).is_some());
}

#[test]
fn aux_fields_and_checksum_off() {
    let so = SaveOptions {
        checksum: false,
        repl: Some(ReplInfo { stream_db: 0, id: "a".repeat(40), offset: 1234 }),
        functions: vec![b"#!lua name=lib\nredis.register_function('f', function() return 1 end)".to_vec()],
        ..Default::default()
    };
    let bytes = save_to_vec(&sample_dbs(), &so, NOW);
    assert_eq!(&bytes[bytes.len() - 8..], &[0; 8]);
    let loaded = load(&bytes, &opts()).unwrap();
    assert!(!loaded.checksum_verified);
    assert_eq!(loaded.repl_id.as_deref(), Some(&*"a".repeat(40)));
    assert_eq!(loaded.repl_offset, Some(1234));
    assert_eq!(loaded.repl_stream_db, Some(0));
    assert_eq!(loaded.functions, so.functions);
    let aux: Vec<&[u8]> = loaded.aux.iter().map(|(k, _)| &k[..]).collect();
    assert_eq!(aux, vec![&b"redis-ver"[..], b"redis-bits", b"ctime", b"used-mem", b"repl-stream-db", b"repl-id", b"repl-offset", b"aof-base"]);
}

#[test]
fn encodings_follow_limits_on_load() {
    let bytes = save_to_vec(&sample_dbs(), &SaveOptions::default(), NOW);
    let tight = EncodingLimits {
        hash_max_entries: 1,
        hash_max_value: 64,
        set_max_intset: 2,
        zset_max_entries: 2,
        zset_max_value: 64,
        stream: Default::default(),
    };
    let loaded = load(&bytes, &LoadOptions { limits: tight, ..opts() }).unwrap();
    let enc = |k: &[u8]| loaded.dbs[0].peek(k, 0).map(|e| e.encoding());
    assert_eq!(enc(b"hash"), Some("hashtable"));
    assert_eq!(enc(b"intset"), Some("hashtable"));
    assert_eq!(enc(b"zset"), Some("skiplist"));
    // A big table hash with small contents comes back as a listpack under roomy limits.
    let roomy = EncodingLimits { hash_max_entries: 1000, set_max_intset: 1000, zset_max_entries: 1000, ..lim() };
    let loaded = load(&bytes, &LoadOptions { limits: roomy, ..opts() }).unwrap();
    let enc = |k: &[u8]| loaded.dbs[0].peek(k, 0).map(|e| e.encoding());
    assert_eq!(enc(b"bighash"), Some("listpack"));
    assert_eq!(enc(b"bigintset"), Some("intset"));
    assert_eq!(enc(b"bigzset"), Some("listpack"));
}

#[test]
fn dump_payloads_round_trip() {
    let dbs = sample_dbs();
    for e in dbs[0].iter() {
        let p = dump_payload(e, &ValueOptions::default());
        assert!(verify_dump_payload(&p));
        let v = decode_dump_payload(&p, &lim(), false).unwrap().unwrap();
        let back = v.into_entry(e.key());
        let mut a = Db::new();
        a.insert(back);
        let mut b = Db::new();
        let mut copy = e.duplicate(e.key());
        copy.expire_at = 0;
        b.insert(copy);
        same(&describe(&[a]), &describe(&[b]));
    }
    // A numeric string kept verbatim comes back int-encoded, as Redis's tryObjectEncoding does.
    let p = dump_payload(&Entry::string_verbatim(b"k", b"42"), &ValueOptions::default());
    assert_eq!(decode_dump_payload(&p, &lim(), false).unwrap().unwrap().into_entry(b"k").encoding(), "int");
    // Redis 7.0's DUMP of SET foo bar.
    let e = Entry::string(b"foo", b"bar");
    assert_eq!(dump_payload(&e, &ValueOptions::default()), b"\x00\x03bar\x0a\x00\xe6\xbeI`\xeef\xfd\x17".to_vec());
}

#[test]
fn refuses_bad_headers_and_types() {
    assert!(matches!(load(b"", &opts()), Err(RdbError::BadSignature)));
    assert!(matches!(load(b"RUBIS0010", &opts()), Err(RdbError::BadSignature)));
    assert!(matches!(load(b"REDIS0011\xff", &opts()), Err(RdbError::BadVersion(11))));
    assert!(matches!(load(b"REDIS0000\xff", &opts()), Err(RdbError::BadVersion(0))));
    // Version 4 files have no checksum.
    assert!(load(b"REDIS0004\xfe\x00\x00\x01k\x01v\xff", &opts()).is_ok());
    // A stream cut short after its node count.
    let err = load(b"REDIS0010\xfe\x00\x13\x01s\x00", &opts()).unwrap_err();
    assert!(matches!(err, RdbError::Truncated { .. }), "{err}");
    let err = load(b"REDIS0010\xfe\x00\x07\x01m\x05", &opts()).unwrap_err();
    assert!(err.to_string().contains("module"), "{err}");
    let err = load(b"REDIS0010\xfe\x09", &opts()).unwrap_err();
    assert!(matches!(err, RdbError::DbOutOfRange { db: 9, databases: 4 }));
    let err = load(b"REDIS0009\xfe\x00\x00\x01k\x01v\x00\x01k\x01w\xff", &opts()).unwrap_err();
    assert!(matches!(err, RdbError::DuplicateKey { .. }), "{err}");
    let mut bytes = save_to_vec(&sample_dbs(), &SaveOptions::default(), NOW);
    let n = bytes.len();
    bytes[n - 3] ^= 1;
    assert!(matches!(load(&bytes, &opts()), Err(RdbError::Checksum { .. })));
}

#[test]
fn truncation_is_always_an_error() {
    let bytes = save_to_vec(&sample_dbs(), &SaveOptions::default(), NOW);
    // Every prefix fails; sample the positions for speed.
    let mut cut = 0;
    while cut < bytes.len() {
        assert!(load(&bytes[..cut], &opts()).is_err(), "prefix of {cut} bytes loaded");
        cut += 1 + cut / 50;
    }
}

/// Found by the `rdb_loader` fuzz target: RESIZEDB's size is a hint from the file and must not
/// size an allocation (a 2^64 hint reserved 64M entries, 3 GB, in every database it named).
#[test]
fn resizedb_hints_do_not_allocate() {
    let mut f = b"REDIS0010".to_vec();
    for db in 0..4u8 {
        f.extend_from_slice(&[opcodes::SELECTDB, db, opcodes::RESIZEDB, 0x81]);
        f.extend_from_slice(&[0xff; 8]);
        f.extend_from_slice(&[0x80, 0xff, 0xff, 0xff, 0xff]);
    }
    f.extend_from_slice(&[types::STRING, 1, b'k', 1, b'v', opcodes::EOF]);
    let crc = crate::persistence::crc64::crc64(&f);
    f.extend_from_slice(&crc.to_le_bytes());
    let before = crate::alloc::used_memory();
    let loaded = load(&f, &opts()).unwrap();
    let grew = crate::alloc::used_memory().saturating_sub(before);
    assert_eq!(loaded.keys_loaded, 1);
    // Other tests allocate concurrently, but nowhere near the gigabytes the hint used to cost.
    assert!(grew < 256 << 20, "loading a {}-byte file allocated {grew} bytes", f.len());
}

#[test]
fn random_corruption_never_panics() {
    let dbs = sample_dbs();
    let bytes = save_to_vec(&dbs, &SaveOptions::default(), NOW);
    let mut rng = Rng::seeded();
    let o = LoadOptions { verify_checksum: false, ..opts() };
    for _ in 0..3000 {
        let mut m = bytes.clone();
        for _ in 0..1 + rng.below(4) {
            let i = rng.below(m.len());
            m[i] = rng.below(256) as u8;
        }
        let _ = load(&m, &o);
    }
    // DUMP payloads with fixed-up checksums, so the value decoder itself is exercised.
    let payloads: Vec<Vec<u8>> = dbs[0].iter().map(|e| dump_payload(e, &ValueOptions::default())).collect();
    for _ in 0..20_000 {
        let mut p = payloads[rng.below(payloads.len())].clone();
        let body = p.len() - 10;
        for _ in 0..1 + rng.below(3) {
            let i = rng.below(body);
            p[i] = rng.below(256) as u8;
        }
        if rng.below(4) == 0 {
            let keep = rng.below(body + 1);
            p.drain(keep..body);
        }
        let n = p.len();
        let crc = crate::persistence::crc64::crc64(&p[..n - 8]);
        p[n - 8..].copy_from_slice(&crc.to_le_bytes());
        assert!(verify_dump_payload(&p));
        let _ = decode_dump_payload(&p, &lim(), false);
    }
}

/// Save and load time for 1,000,000 small string keys (run with `--ignored --nocapture`).
#[test]
#[ignore]
fn bench_million_keys() {
    let mut dbs = vec![Db::new()];
    let t = std::time::Instant::now();
    for i in 0..1_000_000 {
        dbs[0].insert(Entry::string(format!("key:{i:08}").as_bytes(), format!("value-{i}").as_bytes()));
    }
    println!("building 1M entries: {:?}", t.elapsed());
    let t = std::time::Instant::now();
    let bytes = save_to_vec(&dbs, &SaveOptions::default(), NOW);
    let saved = t.elapsed();
    let t = std::time::Instant::now();
    let loaded = load(&bytes, &LoadOptions { databases: 1, ..opts() }).unwrap();
    let took = t.elapsed();
    assert_eq!(loaded.dbs[0].len(), 1_000_000);
    println!("1M keys: {} bytes, save {saved:?}, load {took:?}", bytes.len());
}
