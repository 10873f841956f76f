//! The RDB loader: RDB versions 1..=10 (Redis 7.0 and every older format) into fresh `Db`s.
//!
//! Values get the encoding Redis 7.0 gives them after loading (`rdbLoadObject`): small hashes,
//! sets and sorted sets stay compact when they fit the configured limits, bigger ones become
//! tables, ziplists of old files become listpacks.
//!
//! Robustness: every length is checked against what is actually there (no allocation trusts a
//! length field), every blob is validated before use, and any corruption, truncation, duplicate,
//! bad checksum or unsupported type ends the load with an `RdbError`; the caller only ever gets a
//! complete dataset or none. Streams and module values are refused with an error naming the type
//! (this server has neither).

use std::collections::VecDeque;
use std::io::{BufRead, ErrorKind};

use super::{opcodes, show_key, types, Loaded, RdbError, RDB_VERSION};
use crate::db::hash::HashVal;
use crate::db::listpack;
use crate::db::set::SetVal;
use crate::db::slot_table::Table;
use crate::db::stream::{groups::INVALID_ENTRIES_READ, node, Group, Nack, Stream, StreamId};
use crate::db::types::EncodingLimits;
use crate::db::zset::{zcmp, SkipList, ZSet};
use crate::db::{Db, Elem, Value};
use crate::persistence::{crc64, intset, lzf, ziplist};
use crate::util::{parse_f64, parse_i64};

/// How to load.
#[derive(Debug, Clone)]
pub struct LoadOptions {
    /// `databases`: a SELECTDB beyond it is an error.
    pub databases: usize,
    /// The clock used for expiry decisions and access times (Unix ms).
    pub now_ms: i64,
    /// Drop keys whose expiry has passed (a master loading its own file does; a replica loading
    /// its master's keeps them and waits for the master's DEL).
    pub drop_expired: bool,
    /// `rdbchecksum`: verify the CRC64 trailer (a stored 0 means "saved without checksum").
    pub verify_checksum: bool,
    /// Encoding thresholds, to pick each value's encoding as Redis does after loading.
    pub limits: EncodingLimits,
    /// An LFU `maxmemory-policy` is active: FREQ opcodes set the keys' counters (else IDLE
    /// opcodes set their access clocks).
    pub lfu: bool,
    /// `sanitize-dump-payload yes`: deep integrity checks of every listpack.
    pub deep_sanitize: bool,
    /// `key-load-delay`: microseconds to sleep after each key (a testing aid Redis has too, to make
    /// loading last long enough to observe).
    pub key_delay_us: u64,
}

impl Default for LoadOptions {
    fn default() -> Self {
        LoadOptions {
            databases: 16,
            now_ms: crate::util::now_ms(),
            drop_expired: true,
            verify_checksum: true,
            limits: EncodingLimits::default(),
            lfu: false,
            deep_sanitize: false,
            key_delay_us: 0,
        }
    }
}

/// A loaded RDB file.
#[derive(Debug)]
pub struct LoadedRdb {
    /// `databases` fresh databases with the file's keys.
    pub dbs: Vec<Db>,
    /// The file's RDB version.
    pub version: u32,
    /// Every AUX field, in file order.
    pub aux: Vec<(Vec<u8>, Vec<u8>)>,
    /// `repl-id` when present and 40 characters long.
    pub repl_id: Option<String>,
    pub repl_offset: Option<i64>,
    pub repl_stream_db: Option<i64>,
    /// Function library sources (FUNCTION2 records; FUNCTION records of 7.0-rc files translated
    /// to the same `#!engine name=lib` form).
    pub functions: Vec<Vec<u8>>,
    pub keys_loaded: u64,
    pub keys_expired: u64,
    pub empty_keys_skipped: u64,
    /// The checksum was present (not 0) and verified.
    pub checksum_verified: bool,
    /// Bytes consumed, trailer included (anything after it is left unread).
    pub bytes_read: u64,
}

/// Reads RDB primitives from a buffered source, keeping a running CRC64 of what it consumed.
pub struct Reader<R: BufRead> {
    inner: R,
    pos: u64,
    crc: u64,
    /// Deep integrity checks of listpacks (`sanitize-dump-payload`).
    deep: bool,
}

impl<R: BufRead> Reader<R> {
    pub fn new(inner: R) -> Self {
        Reader { inner, pos: 0, crc: 0, deep: false }
    }

    /// With the deep checks Redis makes under `sanitize-dump-payload yes`.
    pub fn sanitizing(mut self, deep: bool) -> Self {
        self.deep = deep;
        self
    }

    /// Bytes consumed so far.
    pub fn pos(&self) -> u64 {
        self.pos
    }

    pub(super) fn corrupt(&self, what: impl Into<String>) -> RdbError {
        RdbError::Corrupt { what: what.into(), offset: self.pos }
    }

    fn fill(&mut self, dst: &mut [u8]) -> Result<(), RdbError> {
        let mut done = 0;
        while done < dst.len() {
            let avail = match self.inner.fill_buf() {
                Ok(b) => b,
                Err(e) if e.kind() == ErrorKind::Interrupted => continue,
                Err(e) => return Err(RdbError::Io(e)),
            };
            if avail.is_empty() {
                return Err(RdbError::Truncated { offset: self.pos });
            }
            let n = avail.len().min(dst.len() - done);
            dst[done..done + n].copy_from_slice(&avail[..n]);
            self.crc = crc64::update(self.crc, &avail[..n]);
            self.inner.consume(n);
            done += n;
            self.pos += n as u64;
        }
        Ok(())
    }

    pub fn u8(&mut self) -> Result<u8, RdbError> {
        let mut b = [0u8; 1];
        self.fill(&mut b)?;
        Ok(b[0])
    }

    pub(super) fn array<const N: usize>(&mut self) -> Result<[u8; N], RdbError> {
        let mut b = [0u8; N];
        self.fill(&mut b)?;
        Ok(b)
    }

    /// `n` bytes, read in bounded steps so a corrupt length cannot allocate more than is there.
    pub fn bytes(&mut self, n: u64) -> Result<Vec<u8>, RdbError> {
        const STEP: usize = 1 << 20;
        let n = usize::try_from(n).map_err(|_| self.corrupt("length does not fit in memory"))?;
        let mut out = Vec::with_capacity(n.min(STEP));
        while out.len() < n {
            let start = out.len();
            let step = (n - start).min(STEP);
            out.resize(start + step, 0);
            self.fill(&mut out[start..])?;
        }
        Ok(out)
    }

    /// A length, or the special-encoding marker: (value, is_encoding).
    fn len_or_enc(&mut self) -> Result<(u64, bool), RdbError> {
        let b = self.u8()?;
        match b >> 6 {
            0 => Ok(((b & 0x3f) as u64, false)),
            1 => Ok(((((b & 0x3f) as u64) << 8) | self.u8()? as u64, false)),
            2 => match b {
                0x80 => Ok((u32::from_be_bytes(self.array()?) as u64, false)),
                0x81 => Ok((u64::from_be_bytes(self.array()?), false)),
                _ => Err(self.corrupt(format!("unknown length encoding 0x{b:02x}"))),
            },
            _ => Ok(((b & 0x3f) as u64, true)),
        }
    }

    /// A length (`rdbLoadLen`).
    pub fn length(&mut self) -> Result<u64, RdbError> {
        match self.len_or_enc()? {
            (n, false) => Ok(n),
            (_, true) => Err(self.corrupt("string encoding where a length was expected")),
        }
    }

    /// A count of items that follow; a count cannot exceed the bytes left, but we only learn
    /// that while reading, so callers reserve at most a little up front.
    pub(super) fn count(&mut self) -> Result<usize, RdbError> {
        let n = self.length()?;
        usize::try_from(n).map_err(|_| self.corrupt("count does not fit in memory"))
    }

    /// A string in any encoding (`rdbGenericLoadStringObject`): plain, integer, or LZF.
    pub fn string(&mut self) -> Result<Vec<u8>, RdbError> {
        match self.len_or_enc()? {
            (n, false) => self.bytes(n),
            (0, true) => Ok((self.u8()? as i8).to_string().into_bytes()),
            (1, true) => Ok(i16::from_le_bytes(self.array()?).to_string().into_bytes()),
            (2, true) => Ok(i32::from_le_bytes(self.array()?).to_string().into_bytes()),
            (3, true) => {
                let clen = self.length()?;
                let ulen = self.length()?;
                let data = self.bytes(clen)?;
                let ulen = usize::try_from(ulen).map_err(|_| self.corrupt("LZF length does not fit in memory"))?;
                lzf::decompress(&data, ulen).map_err(|e| self.corrupt(format!("invalid LZF compressed string: {e}")))
            }
            (e, true) => Err(self.corrupt(format!("unknown string encoding {e}"))),
        }
    }

    fn elem(&mut self) -> Result<Elem, RdbError> {
        Ok(self.string()?.into_boxed_slice())
    }

    /// ZSET_2 score: 8-byte little-endian IEEE double.
    fn binary_double(&mut self) -> Result<f64, RdbError> {
        Ok(f64::from_le_bytes(self.array()?))
    }

    /// Old ZSET score: length byte then ASCII; 253 = NaN, 254 = +inf, 255 = -inf.
    fn string_double(&mut self) -> Result<f64, RdbError> {
        match self.u8()? {
            253 => Ok(f64::NAN),
            254 => Ok(f64::INFINITY),
            255 => Ok(f64::NEG_INFINITY),
            n => {
                let b = self.bytes(n as u64)?;
                parse_f64(&b).ok_or_else(|| self.corrupt("invalid score"))
            }
        }
    }
}

/// Loads an RDB file held in memory.
pub fn load(bytes: &[u8], opts: &LoadOptions) -> Result<LoadedRdb, RdbError> {
    load_from(bytes, opts)
}

/// Loads an RDB from a buffered reader (a `BufReader<File>`, a socket…), reading nothing past
/// the checksum trailer.
pub fn load_from<R: BufRead>(r: R, opts: &LoadOptions) -> Result<LoadedRdb, RdbError> {
    let mut rd = Reader::new(r).sanitizing(opts.deep_sanitize);
    let magic: [u8; 9] = rd.array().map_err(|e| match e {
        RdbError::Truncated { .. } => RdbError::BadSignature,
        e => e,
    })?;
    if &magic[..5] != b"REDIS" {
        return Err(RdbError::BadSignature);
    }
    // Like atoi(): leading digits.
    let version = magic[5..].iter().take_while(|b| b.is_ascii_digit()).fold(0u32, |v, d| v * 10 + (d - b'0') as u32);
    if version < 1 || version > RDB_VERSION as u32 {
        return Err(RdbError::BadVersion(version));
    }
    let mut out = LoadedRdb {
        dbs: (0..opts.databases).map(|_| Db::new()).collect(),
        version,
        aux: Vec::new(),
        repl_id: None,
        repl_offset: None,
        repl_stream_db: None,
        functions: Vec::new(),
        keys_loaded: 0,
        keys_expired: 0,
        empty_keys_skipped: 0,
        checksum_verified: false,
        bytes_read: 0,
    };
    let mut db = 0usize;
    // Per-key attributes set by opcodes before the key.
    let mut expire: Option<i64> = None;
    let mut idle: Option<u64> = None;
    let mut freq: Option<u8> = None;
    loop {
        let t = rd.u8()?;
        match t {
            opcodes::EXPIRETIME => expire = Some(i32::from_le_bytes(rd.array()?) as i64 * 1000),
            opcodes::EXPIRETIME_MS => expire = Some(i64::from_le_bytes(rd.array()?)),
            opcodes::FREQ => freq = Some(rd.u8()?),
            opcodes::IDLE => idle = Some(rd.length()?),
            opcodes::EOF => break,
            opcodes::SELECTDB => {
                let n = rd.length()?;
                if n >= opts.databases as u64 {
                    return Err(RdbError::DbOutOfRange { db: n, databases: opts.databases });
                }
                db = n as usize;
            }
            opcodes::RESIZEDB => {
                let size = rd.length()?;
                rd.length()?;
                // A hint only, and an untrusted one: reserve for at most 64K keys up front (the
                // table grows as keys really arrive). The old cap of 64M keys let a 20-byte file
                // allocate 3 GB per database (found by the `rdb_loader` fuzz target).
                out.dbs[db].reserve(size.min(1 << 16) as usize);
            }
            opcodes::AUX => {
                let k = rd.string()?;
                let v = rd.string()?;
                read_aux(&mut out, &k, &v);
                out.aux.push((k, v));
            }
            opcodes::MODULE_AUX => {
                let id = rd.length()?;
                return Err(RdbError::ModuleAux { module: module_name(id) });
            }
            opcodes::FUNCTION => {
                let name = rd.string()?;
                let engine = rd.string()?;
                if rd.length()? != 0 {
                    rd.string()?; // description
                }
                let code = rd.string()?;
                let mut lib = Vec::with_capacity(code.len() + 32);
                lib.extend_from_slice(b"#!");
                lib.extend_from_slice(&engine);
                lib.extend_from_slice(b" name=");
                lib.extend_from_slice(&name);
                lib.push(b'\n');
                lib.extend_from_slice(&code);
                out.functions.push(lib);
            }
            opcodes::FUNCTION2 => {
                let lib = rd.string()?;
                out.functions.push(lib);
            }
            _ => {
                let key = rd.string()?;
                let value = read_value(&mut rd, t, &key, &opts.limits)?;
                let (exp, id, fq) = (expire.take(), idle.take(), freq.take());
                let Some(value) = value else {
                    out.empty_keys_skipped += 1;
                    continue;
                };
                if opts.drop_expired && exp.is_some_and(|at| at < opts.now_ms) {
                    out.keys_expired += 1;
                    continue;
                }
                let mut entry = value.into_entry(&key);
                // 0 means "no expiry" in an Entry; a stored time at or before the epoch is simply
                // long past.
                entry.expire_at = exp.map_or(0, |at| at.max(1));
                crate::db::access::restore(&mut entry, opts.lfu, fq, id, opts.now_ms);
                if out.dbs[db].insert(entry).is_some() {
                    return Err(RdbError::DuplicateKey { key: show_key(&key), db });
                }
                out.keys_loaded += 1;
                if opts.key_delay_us > 0 {
                    std::thread::sleep(std::time::Duration::from_micros(opts.key_delay_us));
                }
            }
        }
    }
    let computed = rd.crc;
    if version >= 5 {
        let stored = u64::from_le_bytes(rd.array()?);
        if opts.verify_checksum && stored != 0 {
            if stored != computed {
                return Err(RdbError::Checksum { computed, stored });
            }
            out.checksum_verified = true;
        }
    }
    out.bytes_read = rd.pos();
    Ok(out)
}

fn read_aux(out: &mut LoadedRdb, k: &[u8], v: &[u8]) {
    let text = std::str::from_utf8(v).ok();
    if k.eq_ignore_ascii_case(b"repl-id") {
        if let Some(id) = text.filter(|t| t.len() == 40) {
            out.repl_id = Some(id.to_string());
        }
    } else if k.eq_ignore_ascii_case(b"repl-offset") {
        out.repl_offset = text.and_then(|t| t.parse().ok());
    } else if k.eq_ignore_ascii_case(b"repl-stream-db") {
        out.repl_stream_db = text.and_then(|t| t.parse().ok());
    }
}

/// The 9-character name of a module type from its 64-bit id (`moduleTypeNameByID`).
fn module_name(id: u64) -> String {
    const CSET: &[u8] = b"ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_";
    let mut name = [0u8; 9];
    let mut bits = id >> 10;
    for j in (0..9).rev() {
        name[j] = CSET[(bits & 63) as usize];
        bits >>= 6;
    }
    String::from_utf8_lossy(&name).into_owned()
}

// ---------------------------------------------------------------------------------------------
// Values.

/// Reads one value of RDB type `t` (`rdbLoadObject`). `Ok(None)`: an empty collection, which Redis
/// skips with a warning. `key` only names the key in error messages.
pub fn read_value<R: BufRead>(rd: &mut Reader<R>, t: u8, key: &[u8], lim: &EncodingLimits) -> Result<Option<Loaded>, RdbError> {
    let unsupported = |what: &str| RdbError::Unsupported { type_code: t, what: what.to_string(), key: show_key(key) };
    let v = match t {
        types::STRING => return Ok(Some(Loaded::Str(rd.string()?))),
        types::LIST => {
            let n = rd.count()?;
            let mut l = VecDeque::with_capacity(n.min(4096));
            for _ in 0..n {
                l.push_back(rd.elem()?);
            }
            list(l)
        }
        types::SET => read_set(rd, lim)?,
        types::ZSET | types::ZSET_2 => read_zset(rd, t == types::ZSET_2, lim)?,
        types::HASH => read_hash(rd, lim)?,
        types::HASH_ZIPMAP => {
            let blob = rd.string()?;
            let pairs = ziplist::decode_zipmap(&blob).map_err(|e| rd.corrupt(e.to_string()))?;
            let maxlen = pairs.iter().map(|(f, v)| f.len().max(v.len())).max().unwrap_or(0);
            let pairs: Vec<(Elem, Elem)> = pairs.into_iter().map(|(f, v)| (f.into_boxed_slice(), v.into_boxed_slice())).collect();
            let big = pairs.len() > lim.hash_max_entries || maxlen > lim.hash_max_value;
            hash_from_pairs(rd, pairs, big)?
        }
        types::LIST_ZIPLIST => {
            let blob = rd.string()?;
            let items = ziplist::decode(&blob).map_err(|e| rd.corrupt(e.to_string()))?;
            list(items.into_iter().map(Vec::into_boxed_slice).collect())
        }
        types::SET_INTSET => {
            let blob = rd.string()?;
            let ints = intset::decode(&blob).map_err(|e| rd.corrupt(e.to_string()))?;
            if ints.len() > lim.set_max_intset {
                let mut t = Table::with_capacity(ints.len());
                for n in ints {
                    t.insert(n.to_string().into_bytes().into_boxed_slice());
                }
                Some(Value::Set(Box::new(SetVal::Table(t))))
            } else {
                Some(Value::Set(Box::new(SetVal::Ints(ints))))
            }
        }
        types::ZSET_ZIPLIST | types::ZSET_LISTPACK => {
            let blob = rd.string()?;
            let items =
                if t == types::ZSET_ZIPLIST { ziplist::decode(&blob).map_err(|e| rd.corrupt(e.to_string()))? } else { lp_strings(rd, &blob)? };
            zset_from_flat(rd, items, lim)?
        }
        types::HASH_ZIPLIST | types::HASH_LISTPACK => {
            let blob = rd.string()?;
            let items =
                if t == types::HASH_ZIPLIST { ziplist::decode(&blob).map_err(|e| rd.corrupt(e.to_string()))? } else { lp_strings(rd, &blob)? };
            if items.len() % 2 != 0 {
                return Err(rd.corrupt("hash listpack with an odd number of elements"));
            }
            let mut it = items.into_iter();
            let mut pairs = Vec::new();
            while let (Some(f), Some(v)) = (it.next(), it.next()) {
                pairs.push((f.into_boxed_slice(), v.into_boxed_slice()));
            }
            let big = pairs.len() > lim.hash_max_entries;
            hash_from_pairs(rd, pairs, big)?
        }
        types::LIST_QUICKLIST | types::LIST_QUICKLIST_2 => read_quicklist(rd, t == types::LIST_QUICKLIST_2)?,
        types::MODULE | types::MODULE_2 => {
            let id = rd.length()?;
            return Err(unsupported(&format!("a value of module type '{}'", module_name(id))));
        }
        types::STREAM_LISTPACKS | types::STREAM_LISTPACKS_2 | types::STREAM_LISTPACKS_3 => Some(read_stream(rd, t)?),
        types::SET_LISTPACK => return Err(unsupported("a listpack set (Redis 7.2+ format)")),
        _ => return Err(rd.corrupt(format!("unknown RDB value type {t} for key '{}'", show_key(key)))),
    };
    Ok(v.map(Loaded::Value))
}

fn list(l: VecDeque<Elem>) -> Option<Value> {
    (!l.is_empty()).then(|| Value::List(Box::new(l)))
}

/// A listpack's elements, with the deep checks when sanitizing.
fn lp_decode<'b, R: BufRead>(rd: &Reader<R>, blob: &'b [u8]) -> Result<Vec<listpack::LpItem<'b>>, RdbError> {
    let items = listpack::decode(blob).map_err(|e| rd.corrupt(e.to_string()))?;
    if rd.deep {
        listpack::check_backlens(blob).map_err(|e| rd.corrupt(e.to_string()))?;
    }
    Ok(items)
}

/// A listpack's elements as strings.
fn lp_strings<R: BufRead>(rd: &Reader<R>, blob: &[u8]) -> Result<Vec<Vec<u8>>, RdbError> {
    let items = lp_decode(rd, blob)?;
    Ok(items.iter().map(|i| i.to_vec()).collect())
}

fn read_quicklist<R: BufRead>(rd: &mut Reader<R>, v2: bool) -> Result<Option<Value>, RdbError> {
    const PLAIN: u64 = 1;
    const PACKED: u64 = 2;
    let nodes = rd.count()?;
    let mut l: VecDeque<Elem> = VecDeque::new();
    for _ in 0..nodes {
        let container = if v2 { rd.length()? } else { PACKED };
        if container != PLAIN && container != PACKED {
            return Err(rd.corrupt("quicklist integrity check failed: unknown node container"));
        }
        let blob = rd.string()?;
        if blob.is_empty() {
            return Err(rd.corrupt("quicklist integrity check failed: empty node"));
        }
        if container == PLAIN {
            l.push_back(blob.into_boxed_slice());
        } else if v2 {
            for it in lp_decode(rd, &blob)? {
                l.push_back(it.to_vec().into_boxed_slice());
            }
        } else {
            for it in ziplist::decode(&blob).map_err(|e| rd.corrupt(e.to_string()))? {
                l.push_back(it.into_boxed_slice());
            }
        }
    }
    Ok(list(l))
}

/// SET (type 2): an intset while the members are integers and few enough, else a table.
fn read_set<R: BufRead>(rd: &mut Reader<R>, lim: &EncodingLimits) -> Result<Option<Value>, RdbError> {
    let n = rd.count()?;
    if n == 0 {
        return Ok(None);
    }
    let dup = |rd: &Reader<R>| rd.corrupt("duplicate set members detected");
    let mut ints: Vec<i64> = Vec::new();
    let mut table: Option<Table<Elem>> = (n > lim.set_max_intset.min(1 << 30)).then(|| Table::with_capacity(n.min(1 << 16)));
    for _ in 0..n {
        let m = rd.string()?;
        if table.is_none() {
            if let Some(v) = parse_i64(&m) {
                match ints.binary_search(&v) {
                    Ok(_) => return Err(dup(rd)),
                    Err(pos) => ints.insert(pos, v),
                }
                continue;
            }
            let mut t = Table::with_capacity(n.min(1 << 16));
            for v in ints.drain(..) {
                t.insert(v.to_string().into_bytes().into_boxed_slice());
            }
            table = Some(t);
        }
        if let Some(t) = table.as_mut() {
            if t.insert(m.into_boxed_slice()).1.is_some() {
                return Err(dup(rd));
            }
        }
    }
    Ok(Some(Value::Set(Box::new(match table {
        Some(t) => SetVal::Table(t),
        None => SetVal::Ints(ints),
    }))))
}

/// Refuses a member list with duplicates (sorting a copy of the references).
fn check_unique<R: BufRead>(rd: &Reader<R>, mut members: Vec<&[u8]>, what: &str) -> Result<(), RdbError> {
    members.sort_unstable();
    if members.windows(2).any(|w| w[0] == w[1]) {
        return Err(rd.corrupt(format!("duplicate {what} detected")));
    }
    Ok(())
}

/// ZSET / ZSET_2: read, check, sort, then listpack if within both limits (Redis converts after
/// loading).
fn read_zset<R: BufRead>(rd: &mut Reader<R>, binary: bool, lim: &EncodingLimits) -> Result<Option<Value>, RdbError> {
    let n = rd.count()?;
    if n == 0 {
        return Ok(None);
    }
    let mut items: Vec<(Elem, f64)> = Vec::with_capacity(n.min(4096));
    for _ in 0..n {
        let m = rd.elem()?;
        let score = if binary { rd.binary_double()? } else { rd.string_double()? };
        if score.is_nan() {
            return Err(rd.corrupt("zset with NAN score detected"));
        }
        items.push((m, score));
    }
    check_unique(rd, items.iter().map(|(m, _)| &**m).collect(), "zset members")?;
    items.sort_by(|a, b| zcmp((a.1, &a.0), (b.1, &b.0)));
    Ok(Some(Value::ZSet(Box::new(ZSet::from_sorted(items, lim)))))
}

/// ZSET_LISTPACK / ZSET_ZIPLIST: member, score, member, score…; a listpack unless it holds more
/// than `zset-max-listpack-entries` members (only the count is checked, as in Redis).
fn zset_from_flat<R: BufRead>(rd: &Reader<R>, items: Vec<Vec<u8>>, lim: &EncodingLimits) -> Result<Option<Value>, RdbError> {
    if items.len() % 2 != 0 {
        return Err(rd.corrupt("zset listpack with an odd number of elements"));
    }
    if items.is_empty() {
        return Ok(None);
    }
    let mut pairs: Vec<(Elem, f64)> = Vec::with_capacity(items.len() / 2);
    let mut it = items.into_iter();
    while let (Some(m), Some(s)) = (it.next(), it.next()) {
        let score = parse_f64(&s).ok_or_else(|| rd.corrupt("zset listpack with an invalid score"))?;
        pairs.push((m.into_boxed_slice(), score));
    }
    check_unique(rd, pairs.iter().map(|(m, _)| &**m).collect(), "zset members")?;
    pairs.sort_by(|a, b| zcmp((a.1, &a.0), (b.1, &b.0)));
    let z = if pairs.len() > lim.zset_max_entries { ZSet::Big(Box::new(SkipList::from_sorted(pairs))) } else { ZSet::Small(pairs) };
    Ok(Some(Value::ZSet(Box::new(z))))
}

/// HASH (type 4): a listpack until there are too many fields or a long field/value shows up.
fn read_hash<R: BufRead>(rd: &mut Reader<R>, lim: &EncodingLimits) -> Result<Option<Value>, RdbError> {
    let n = rd.count()?;
    if n == 0 {
        return Ok(None);
    }
    let mut small: Vec<(Elem, Elem)> = Vec::new();
    let mut table: Option<Table<(Elem, Elem)>> = (n > lim.hash_max_entries).then(|| Table::with_capacity(n.min(1 << 16)));
    let dup = |rd: &Reader<R>| rd.corrupt("duplicate hash fields detected");
    for _ in 0..n {
        let f = rd.elem()?;
        let v = rd.elem()?;
        if table.is_none() {
            if f.len() <= lim.hash_max_value && v.len() <= lim.hash_max_value {
                if small.iter().any(|(x, _)| *x == f) {
                    return Err(dup(rd));
                }
                small.push((f, v));
                continue;
            }
            let mut t = Table::with_capacity(n.min(1 << 16));
            for pair in small.drain(..) {
                t.insert(pair);
            }
            table = Some(t);
        }
        if let Some(t) = table.as_mut() {
            if t.insert((f, v)).1.is_some() {
                return Err(dup(rd));
            }
        }
    }
    Ok(Some(Value::Hash(Box::new(match table {
        Some(t) => HashVal::Table(t),
        None => HashVal::Small(small),
    }))))
}

/// A hash from decoded pairs (listpack, ziplist, zipmap): duplicates refused, empty skipped.
fn hash_from_pairs<R: BufRead>(rd: &Reader<R>, pairs: Vec<(Elem, Elem)>, big: bool) -> Result<Option<Value>, RdbError> {
    if pairs.is_empty() {
        return Ok(None);
    }
    check_unique(rd, pairs.iter().map(|(f, _)| &**f).collect(), "hash fields")?;
    let h = if big {
        let mut t = Table::with_capacity(pairs.len());
        for p in pairs {
            t.insert(p);
        }
        HashVal::Table(t)
    } else {
        HashVal::Small(pairs)
    };
    Ok(Some(Value::Hash(Box::new(h))))
}

// ---------------------------------------------------------------------------------------------
// Streams.
//
// Streams in RDB files and DUMP payloads: type 19 (`STREAM_LISTPACKS_2`) as Redis 7.0 writes it,
// and types 15 (6.x) and 21 (7.2) read.
//
// nodes: count, then per node its master ID (16 raw bytes as a string) and its listpack
// length, last ID, [v2+] first ID, max deleted ID, entries added
// groups: count, then per group: name, last ID, [v2+] entries read,
//   PEL: count, per entry: ID (16 raw bytes), delivery time (8 bytes ms), delivery count
//   consumers: count, per consumer: name, seen time (8 bytes ms), [v3] active time, PEL count, IDs
//

fn read_id<R: BufRead>(rd: &mut Reader<R>) -> Result<StreamId, RdbError> {
    Ok(StreamId { ms: rd.length()?, seq: rd.length()? })
}

fn raw_id<R: BufRead>(rd: &mut Reader<R>) -> Result<StreamId, RdbError> {
    let b: [u8; 16] = rd.array()?;
    Ok(StreamId::from_be_bytes(&b).expect("16 bytes"))
}

/// A stream of type 15 (6.x), 19 (7.0) or 21 (7.2), every node validated and every PEL entry
/// matched with its consumer.
fn read_stream<R: BufRead>(rd: &mut Reader<R>, t: u8) -> Result<Value, RdbError> {
    let mut s = Stream::new();
    let nodes = rd.count()?;
    let mut live_total: u64 = 0;
    let mut prev: Option<StreamId> = None;
    for _ in 0..nodes {
        let key = rd.string()?;
        let master = StreamId::from_be_bytes(&key).ok_or_else(|| rd.corrupt("Stream node key entry is not the size of a stream ID"))?;
        let lp = rd.string()?;
        let (live, _) = node::validate(&lp).map_err(|e| rd.corrupt(format!("Stream listpack integrity check failed: {e}")))?;
        if prev.is_some_and(|p| p >= master) {
            return Err(rd.corrupt("Stream nodes out of order"));
        }
        prev = Some(master);
        live_total += live as u64;
        s.insert_node(master, lp);
    }
    s.length = rd.length()?;
    s.last_id = read_id(rd)?;
    if s.length != live_total {
        return Err(rd.corrupt("Stream length inconsistent with its nodes"));
    }
    if t >= types::STREAM_LISTPACKS_2 {
        s.first_id = read_id(rd)?;
        s.max_deleted_entry_id = read_id(rd)?;
        s.entries_added = rd.length()?;
    } else {
        // 6.x files: what 7.0 derives when loading them.
        s.first_id = s.edge_id(true).unwrap_or(StreamId::ZERO);
        s.entries_added = s.length;
    }
    let ngroups = rd.count()?;
    for _ in 0..ngroups {
        let name = rd.string()?;
        let last_id = read_id(rd)?;
        let entries_read = if t >= types::STREAM_LISTPACKS_2 {
            rd.length()? as i64
        } else {
            s.estimate_distance(last_id).map(|n| n as i64).unwrap_or(INVALID_ENTRIES_READ)
        };
        let mut g = Group::new(last_id, entries_read);
        let npel = rd.count()?;
        for _ in 0..npel {
            let id = raw_id(rd)?;
            let time = i64::from_le_bytes(rd.array()?);
            let count = rd.length()?;
            if g.pel.insert(id, Nack { delivery_time: time, delivery_count: count, consumer: Box::default() }).is_some() {
                return Err(rd.corrupt("Duplicated global PEL entry loading stream consumer group"));
            }
        }
        let mut owned = std::collections::HashSet::new();
        let ncons = rd.count()?;
        for _ in 0..ncons {
            let cname = rd.string()?;
            let seen = i64::from_le_bytes(rd.array()?);
            if t >= types::STREAM_LISTPACKS_3 {
                let _active: [u8; 8] = rd.array()?;
            }
            if !g.ensure_consumer(&cname, seen) {
                return Err(rd.corrupt("Duplicate stream consumer detected."));
            }
            let n = rd.count()?;
            for _ in 0..n {
                let id = raw_id(rd)?;
                let Some(nack) = g.pel.get_mut(&id) else { return Err(rd.corrupt("Consumer entry not found in group global PEL")) };
                if !owned.insert(id) {
                    return Err(rd.corrupt("Duplicated consumer PEL entry loading a stream consumer group"));
                }
                nack.consumer = cname.clone().into_boxed_slice();
                g.consumers.get_mut(&cname[..]).expect("just added").pel.insert(id);
            }
        }
        if owned.len() != g.pel.len() {
            return Err(rd.corrupt("Stream CG PEL entry without consumer"));
        }
        if s.groups.insert(name.into_boxed_slice(), g).is_some() {
            return Err(rd.corrupt("Duplicated consumer group name"));
        }
    }
    Ok(Value::Stream(Box::new(s)))
}
