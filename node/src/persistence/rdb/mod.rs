//! RDB version 10, the format of Redis 7.0: file writer and loader, and the DUMP payload (one
//! value, as RESTORE takes it). Formats only: it imports `db` (the values it writes and builds),
//! `util` and the codecs beside it in `persistence` (`crc64`, `lzf`, `intset`, `ziplist`); where
//! the files go and when they are written is `rdb_file.rs` and `snapshot.rs`.
//!
//! - `mod.rs` (this file): the type and opcode numbers, [`RdbError`], and the DUMP payload
//!   ([`dump_payload`], [`verify_dump_payload`], [`decode_dump_payload`]).
//! - `encode.rs`: `save` / `save_to_vec` write a whole keyspace; `write_value` writes one value in
//!   the type and encoding Redis 7.0 would use for it.
//! - `decode.rs`: `load` / `load_from` read RDB versions 1..=10 into fresh `Db`s, refusing
//!   corrupt, truncated or unsupported input with an `RdbError` and never a partial result.
//! - `tests.rs`: round trips through the writer and loader, and robustness against corrupt input.
//!
//! A DUMP payload is `<type byte><value><RDB version u16 LE><CRC64 LE of everything before>`.

pub mod decode;
pub mod encode;

use crate::db::types::EncodingLimits;
use crate::db::{Entry, Value};

pub use decode::{load, load_from, LoadOptions, LoadedRdb};
pub use encode::{save, save_to_vec, KeyHints, ReplInfo, SaveOptions, ValueOptions};

/// The RDB version we write (Redis 7.0's) and the newest we read.
pub const RDB_VERSION: u16 = 10;

/// Value type codes (`rdb.h`).
pub mod types {
    pub const STRING: u8 = 0;
    pub const LIST: u8 = 1;
    pub const SET: u8 = 2;
    pub const ZSET: u8 = 3;
    pub const HASH: u8 = 4;
    pub const ZSET_2: u8 = 5;
    pub const MODULE: u8 = 6;
    pub const MODULE_2: u8 = 7;
    pub const HASH_ZIPMAP: u8 = 9;
    pub const LIST_ZIPLIST: u8 = 10;
    pub const SET_INTSET: u8 = 11;
    pub const ZSET_ZIPLIST: u8 = 12;
    pub const HASH_ZIPLIST: u8 = 13;
    pub const LIST_QUICKLIST: u8 = 14;
    pub const STREAM_LISTPACKS: u8 = 15;
    pub const HASH_LISTPACK: u8 = 16;
    pub const ZSET_LISTPACK: u8 = 17;
    pub const LIST_QUICKLIST_2: u8 = 18;
    pub const STREAM_LISTPACKS_2: u8 = 19;
    pub const SET_LISTPACK: u8 = 20;
    pub const STREAM_LISTPACKS_3: u8 = 21;
}

/// Opcodes (`rdb.h`).
pub mod opcodes {
    pub const FUNCTION2: u8 = 245;
    pub const FUNCTION: u8 = 246;
    pub const MODULE_AUX: u8 = 247;
    pub const IDLE: u8 = 248;
    pub const FREQ: u8 = 249;
    pub const AUX: u8 = 250;
    pub const RESIZEDB: u8 = 251;
    pub const EXPIRETIME_MS: u8 = 252;
    pub const EXPIRETIME: u8 = 253;
    pub const SELECTDB: u8 = 254;
    pub const EOF: u8 = 255;
}

/// Why an RDB file or DUMP payload could not be loaded.
#[derive(Debug, thiserror::Error)]
pub enum RdbError {
    #[error("I/O error reading RDB: {0}")]
    Io(#[from] std::io::Error),
    #[error("unexpected end of RDB data at byte {offset} (truncated file?)")]
    Truncated { offset: u64 },
    #[error("wrong signature: not an RDB file (it does not start with \"REDIS\")")]
    BadSignature,
    #[error("can't handle RDB format version {0} (this server reads versions 1 to 10)")]
    BadVersion(u32),
    #[error("wrong RDB checksum: computed {computed:016x}, file says {stored:016x}")]
    Checksum { computed: u64, stored: u64 },
    #[error("corrupt RDB data at byte {offset}: {what}")]
    Corrupt { what: String, offset: u64 },
    #[error("RDB holds {what} (RDB type {type_code}) for key '{key}', which this server does not support")]
    Unsupported { type_code: u8, what: String, key: String },
    #[error("RDB holds module auxiliary data for module '{module}', which this server does not support")]
    ModuleAux { module: String },
    #[error("RDB selects database {db}, but this server has only {databases} databases")]
    DbOutOfRange { db: u64, databases: usize },
    #[error("RDB has duplicated key '{key}' in DB {db}")]
    DuplicateKey { key: String, db: usize },
}

/// A key name for error messages: printable, and cut short when long.
pub(crate) fn show_key(key: &[u8]) -> String {
    let mut s = String::new();
    for &b in key.iter().take(128) {
        if b.is_ascii_graphic() || b == b' ' {
            s.push(b as char);
        } else {
            s.push_str(&format!("\\x{b:02x}"));
        }
    }
    if key.len() > 128 {
        s.push_str("...");
    }
    s
}

/// A value read from an RDB, before it is given its key.
#[derive(Debug)]
pub enum Loaded {
    /// A string (becomes `int`, `embstr` or `raw` as `tryObjectEncoding` would pick).
    Str(Vec<u8>),
    Value(Value),
}

impl Loaded {
    /// The keyspace entry for this value under `key` (no expiry set).
    pub fn into_entry(self, key: &[u8]) -> Entry {
        match self {
            Loaded::Str(s) => Entry::string(key, &s),
            Loaded::Value(v) => Entry::with_value(key, v),
        }
    }
}

/// The DUMP payload of a value: type, encoding, RDB version, CRC64.
pub fn dump_payload(entry: &Entry, opts: &ValueOptions) -> Vec<u8> {
    let mut out = Vec::with_capacity(32);
    out.push(encode::value_type(&entry.value));
    encode::write_value(&mut out, entry, opts);
    out.extend_from_slice(&RDB_VERSION.to_le_bytes());
    let crc = super::crc64::crc64(&out);
    out.extend_from_slice(&crc.to_le_bytes());
    out
}

/// Redis's `verifyDumpPayload`: at least the 10-byte footer, a version we can read, and a
/// matching checksum.
pub fn verify_dump_payload(p: &[u8]) -> bool {
    if p.len() < 10 {
        return false;
    }
    let footer = &p[p.len() - 10..];
    let version = u16::from_le_bytes([footer[0], footer[1]]);
    if version > RDB_VERSION {
        return false;
    }
    super::crc64::crc64(&p[..p.len() - 8]).to_le_bytes() == footer[2..10]
}

/// Decodes the value of a verified DUMP payload. `Ok(None)`: an empty collection (RESTORE
/// refuses it like any bad payload). Like Redis, the value is read from the whole payload: a
/// value that runs into the footer is not an error of its own. `deep`: `sanitize-dump-payload`'s
/// deep checks.
pub fn decode_dump_payload(p: &[u8], limits: &EncodingLimits, deep: bool) -> Result<Option<Loaded>, RdbError> {
    let mut rd = decode::Reader::new(p).sanitizing(deep);
    let t = rd.u8()?;
    decode::read_value(&mut rd, t, b"", limits)
}

#[cfg(test)]
mod tests;
