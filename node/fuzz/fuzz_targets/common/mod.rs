//! Helpers shared by the persistence fuzz targets: loader options picked from a mode byte, and a
//! canonical text of a keyspace entry to compare what two loads produced.
#![allow(dead_code)] // each target uses a different subset

use redis_ha_node::db::types::EncodingLimits;
use redis_ha_node::db::{Db, Entry, Value};
use redis_ha_node::persistence::rdb::LoadOptions;

/// A fixed clock, so expiry decisions do not depend on when the fuzzer runs.
pub const NOW: i64 = 1_700_000_000_000;

/// Redis's default thresholds, or tiny ones that push every loaded value into its big encoding
/// (the conversion paths are where loaders go wrong).
pub fn limits(tight: bool) -> EncodingLimits {
    if tight {
        EncodingLimits { hash_max_entries: 1, hash_max_value: 4, set_max_intset: 1, zset_max_entries: 1, zset_max_value: 4 }
    } else {
        EncodingLimits::default()
    }
}

/// Loader options from the bits of a mode byte (checksum verification is set by the caller).
pub fn load_options(mode: u8) -> LoadOptions {
    LoadOptions {
        databases: if mode & 8 == 0 { 16 } else { 2 },
        now_ms: NOW,
        drop_expired: mode & 16 != 0,
        verify_checksum: false,
        limits: limits(mode & 4 != 0),
        lfu: mode & 32 != 0,
        key_delay_us: 0,
    }
}

fn text(b: &[u8]) -> String {
    b.escape_ascii().to_string()
}

/// Type, encoding, contents (order-free where the type is) and expiry of an entry.
pub fn describe(e: &Entry) -> String {
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
        _ => text(&e.str().map(|s| s.to_vec()).unwrap_or_default()),
    };
    format!("{} {} {} {body} {}", text(e.key()), e.value.type_name(), e.encoding(), e.expire_at)
}

/// Every entry of every database, sorted: equal keyspaces give equal lists.
pub fn describe_dbs(dbs: &[Db]) -> Vec<String> {
    let mut out: Vec<String> = dbs.iter().enumerate().flat_map(|(i, db)| db.iter().map(move |e| format!("{i} {}", describe(e)))).collect();
    out.sort();
    out
}
