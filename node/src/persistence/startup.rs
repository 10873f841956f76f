//! Loading the dataset at start-up (Redis's `loadDataFromDisk`): the AOF when `appendonly yes`
//! (its manifest's base and incremental files), else the RDB file.
//!
//! The server listens while it loads, as redis-server does: loading runs on its own thread into
//! a private state, and until it is swapped in, commands without the `loading` flag get
//! `-LOADING Redis is loading the dataset in memory`. A file that cannot be loaded stops the
//! server with an error naming the file and the reason; nothing is half-loaded.

use std::io::{BufReader, Read};
use std::path::Path;
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::Arc;

use super::aof_load::{self, Replayed};
use super::aof_manifest::{AofFile, FileKind, Manifest};
pub use super::loading::Loading;
use super::{aof, snapshot};
use crate::config::Config;
use crate::db::Db;
use crate::log;
use crate::persistence::rdb::decode::{self, LoadOptions};
use crate::state::{Shared, State};
use crate::util::now_ms;

/// What a load produced.
struct Loaded {
    dbs: Vec<Db>,
    /// The replication ID and offset the RDB was saved at (a replica's own RDB).
    repl: Option<(String, i64)>,
    keys_loaded: u64,
    keys_expired: u64,
    manifest: Option<Manifest>,
    /// FUNCTION libraries' code (RDB records, or what the AOF's FUNCTION commands left).
    functions: Vec<Vec<u8>>,
}

/// Counts bytes read, for the loading progress.
struct Counting<R> {
    inner: R,
    count: Arc<AtomicU64>,
}

impl<R: Read> Read for Counting<R> {
    fn read(&mut self, buf: &mut [u8]) -> std::io::Result<usize> {
        let n = self.inner.read(buf)?;
        self.count.fetch_add(n as u64, Ordering::Relaxed);
        Ok(n)
    }
}

/// Starts loading what is on disk. Returns at once; the data appears when loading ends. Exits
/// the process (status 1) when the files cannot be loaded, as Redis does.
pub fn start(shared: &Arc<Shared>) {
    let mut st = shared.lock();
    let config = st.config.clone();
    let started = now_ms();
    if config.appendonly {
        let dir = aof::aof_dir(&st);
        let base = aof::basename(&st);
        let manifest = match read_manifest(&config, &dir, &base) {
            Ok(m) => m,
            Err(e) => fatal(&e),
        };
        let Some(manifest) = manifest else {
            // No AOF yet: start empty (Redis ignores the RDB when AOF is on) and create one.
            if let Err(e) = aof::open_on_start(&mut st, Manifest::default()) {
                fatal(&e);
            }
            return;
        };
        let total = manifest.load_order().map(|f| file_len(&dir.join(&f.name))).sum();
        let loading = Loading { start_s: started / 1000, total_bytes: total, loaded: Arc::new(AtomicU64::new(0)) };
        st.loading = Some(loading.clone());
        drop(st);
        let shared = shared.clone();
        std::thread::spawn(move || {
            let result = load_aof(&config, &dir, manifest, &loading.loaded);
            finish(&shared, result, started, true);
        });
    } else {
        let path = snapshot::rdb_path(&st);
        let Ok(meta) = std::fs::metadata(&path) else { return };
        let loading = Loading { start_s: started / 1000, total_bytes: meta.len(), loaded: Arc::new(AtomicU64::new(0)) };
        st.loading = Some(loading.clone());
        drop(st);
        let shared = shared.clone();
        std::thread::spawn(move || {
            let result = load_rdb(&config, &path, &loading.loaded).map(|(dbs, l, e, repl, functions)| Loaded {
                dbs,
                keys_loaded: l,
                keys_expired: e,
                manifest: None,
                repl,
                functions,
            });
            finish(&shared, result, started, false);
        });
    }
}

fn fatal(msg: &str) -> ! {
    log::warning(msg);
    std::process::exit(1);
}

/// Swaps the loaded data in and ends the loading state.
fn finish(shared: &Shared, result: Result<Loaded, String>, started: i64, from_aof: bool) {
    let loaded = match result {
        Ok(l) => l,
        Err(e) => fatal(&e),
    };
    let mut st = shared.lock();
    st.install_dataset(loaded.dbs);
    if let Err(e) = st.scripts.functions_mut().restore(&loaded.functions, crate::script::functions::RestorePolicy::Flush) {
        fatal(&format!("Failed loading the functions library: {e}"));
    }
    st.snapshots.last_load_keys_loaded = loaded.keys_loaded;
    st.snapshots.last_load_keys_expired = loaded.keys_expired;
    st.loading = None;
    // A replica restarted from its own RDB offers that history to its master (PSYNC).
    if let (Some((id, offset)), true) = (loaded.repl, st.repl.is_replica()) {
        st.repl.resume_history(id, offset);
    }
    let secs = (now_ms() - started) as f64 / 1000.0;
    if from_aof {
        if let Err(e) = aof::open_on_start(&mut st, loaded.manifest.unwrap_or_default()) {
            fatal(&e);
        }
        log::notice(&format!("DB loaded from append only file: {secs:.3} seconds"));
    } else {
        log::notice(&format!("DB loaded from disk: {secs:.3} seconds"));
    }
}

fn file_len(p: &Path) -> u64 {
    std::fs::metadata(p).map(|m| m.len()).unwrap_or(0)
}

pub fn load_options(config: &Config) -> LoadOptions {
    LoadOptions {
        databases: config.databases.max(1),
        now_ms: now_ms(),
        drop_expired: true,
        verify_checksum: config.get_bool("rdbchecksum").unwrap_or(true),
        limits: crate::state::encoding_limits(config),
        lfu: config.maxmemory_policy.ends_with("-lfu"),
        // Loading is no client: only `yes` checks deeply, as in Redis.
        deep_sanitize: config.get("sanitize-dump-payload").as_deref() == Some("yes"),
        key_delay_us: config.get_int("key-load-delay").unwrap_or(0).max(0) as u64,
    }
}

/// Loads an RDB file: (databases, keys loaded, keys expired).
pub fn load_rdb(config: &Config, path: &Path, progress: &Arc<AtomicU64>) -> Result<(Vec<Db>, u64, u64, Option<(String, i64)>, Vec<Vec<u8>>), String> {
    let file = std::fs::File::open(path).map_err(|e| format!("Fatal error loading the DB: {e}. Exiting."))?;
    let reader = BufReader::with_capacity(1 << 16, Counting { inner: file, count: progress.clone() });
    let loaded =
        decode::load_from(reader, &load_options(config)).map_err(|e| format!("Fatal error loading the DB ({}): {e}. Exiting.", path.display()))?;
    log_rdb_loaded(&loaded);
    let repl = loaded.repl_id.clone().zip(loaded.repl_offset);
    Ok((loaded.dbs, loaded.keys_loaded, loaded.keys_expired, repl, loaded.functions))
}

fn log_rdb_loaded(loaded: &decode::LoadedRdb) {
    let aux = |k: &str| loaded.aux.iter().find(|(n, _)| n == k.as_bytes()).map(|(_, v)| String::from_utf8_lossy(v).into_owned());
    if let Some(v) = aux("redis-ver") {
        log::notice(&format!("Loading RDB produced by version {v}"));
    }
    if let Some(t) = aux("ctime").and_then(|t| t.parse::<i64>().ok()) {
        log::notice(&format!("RDB age {} seconds", (now_ms() / 1000 - t).max(0)));
    }
    if let Some(m) = aux("used-mem").and_then(|m| m.parse::<f64>().ok()) {
        log::notice(&format!("RDB memory usage when created {:.2} Mb", m / 1024.0 / 1024.0));
    }
    log::notice(&format!("Done loading RDB, keys loaded: {}, keys expired: {}.", loaded.keys_loaded, loaded.keys_expired));
}

/// Reads the AOF manifest. An AOF of Redis before 7.0 (one `appendfilename` file in `dir`) is
/// moved into the AOF directory and becomes the base, as Redis 7.0 upgrades it. None: no AOF.
pub fn read_manifest(config: &Config, dir: &Path, basename: &str) -> Result<Option<Manifest>, String> {
    let path = aof::manifest_path(dir, basename);
    match std::fs::read(&path) {
        Ok(text) => return Manifest::parse(&text).map(Some).map_err(|e| format!("{e} (manifest {})", path.display())),
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => {}
        Err(e) => return Err(format!("Fatal error: can't open the AOF manifest {} for reading: {e}", path.display())),
    }
    let old = config.resolve_path(basename);
    if !old.is_file() {
        return Ok(None);
    }
    std::fs::create_dir_all(dir).map_err(|e| format!("Can't open or create append-only dir {}: {e}", dir.display()))?;
    std::fs::rename(&old, dir.join(basename)).map_err(|e| format!("Error moving the old AOF {} into {}: {e}", old.display(), dir.display()))?;
    let m = Manifest { base: Some(AofFile { name: basename.to_string(), seq: 1, kind: FileKind::Base }), base_seq: 1, ..Manifest::default() };
    std::fs::write(&path, m.format()).map_err(|e| format!("Can't write the AOF manifest {}: {e}", path.display()))?;
    log::notice(&format!("Successfully migrated an old-style AOF into the AOF directory {}", dir.display()));
    Ok(Some(m))
}

/// Loads the AOF named by `manifest`: the base (an RDB, possibly followed by commands, or
/// commands), then each incremental file.
fn load_aof(config: &Config, dir: &Path, manifest: Manifest, progress: &Arc<AtomicU64>) -> Result<Loaded, String> {
    let mut st = State::new(config.clone());
    let (mut me, _rx) = aof_load::loading_client();
    let files: Vec<AofFile> = manifest.load_order().cloned().collect();
    let (mut keys_loaded, mut keys_expired) = (0, 0);
    for (i, f) in files.iter().enumerate() {
        let last = i + 1 == files.len();
        let path = dir.join(&f.name);
        let started = now_ms();
        let buf = std::fs::read(&path).map_err(|e| format!("Fatal error: can't open the append log file {} for reading: {e}", f.name))?;
        if f.kind == FileKind::Base && buf.starts_with(b"REDIS") {
            log::notice("Reading RDB base file on AOF loading...");
        }
        let mut start = 0;
        if buf.starts_with(b"REDIS") {
            let loaded =
                decode::load(&buf, &load_options(config)).map_err(|e| format!("Fatal error loading the AOF base file {}: {e}. Exiting.", f.name))?;
            log_rdb_loaded(&loaded);
            keys_loaded += loaded.keys_loaded;
            keys_expired += loaded.keys_expired;
            st.install_dataset(loaded.dbs);
            // Later FUNCTION commands in the AOF apply on top of the base's libraries.
            st.scripts
                .functions_mut()
                .restore(&loaded.functions, crate::script::functions::RestorePolicy::Flush)
                .map_err(|e| format!("Fatal error loading the AOF base file {}: {e}. Exiting.", f.name))?;
            start = loaded.bytes_read as usize;
        }
        match aof_load::replay(&mut st, &mut me, &buf, start) {
            Ok(Replayed::Complete { .. }) => {}
            Ok(Replayed::Truncated { valid_up_to, .. }) => {
                let allowed = config.get_bool("aof-load-truncated").unwrap_or(true);
                if !last || !allowed {
                    return Err(format!(
                        "Unexpected end of file reading the append only file {}. You can: 1) Make a backup of your AOF file, then use \
                         ./redis-check-aof --fix <filename.manifest>. 2) Alternatively you can set the 'aof-load-truncated' configuration \
                         option to yes and restart the server.",
                        f.name
                    ));
                }
                log::warning(&format!("!!! Warning: short read while loading the AOF file {}!!!", f.name));
                log::warning(&format!("!!! Truncating the AOF {} at offset {} !!!", f.name, valid_up_to));
                let file =
                    std::fs::OpenOptions::new().write(true).open(&path).map_err(|e| format!("Error truncating the AOF file {}: {e}", f.name))?;
                file.set_len(valid_up_to as u64).map_err(|e| format!("Error truncating the AOF file {}: {e}", f.name))?;
                log::warning(&format!("AOF {} loaded anyway because aof-load-truncated is enabled", f.name));
            }
            Err(aof_load::Refused::UnknownCommand(name)) => {
                return Err(format!("Unknown command '{name}' reading the append only file {}", f.name));
            }
            Err(aof_load::Refused::Format { offset, why }) => {
                return Err(format!(
                    "Bad file format reading the append only file {} ({why} at offset {offset}): make a backup of your AOF file, then use \
                     ./redis-check-aof --fix <filename.manifest>",
                    f.name
                ));
            }
        }
        progress.fetch_add(buf.len() as u64, Ordering::Relaxed);
        let kind = if f.kind == FileKind::Base { "base" } else { "incr" };
        log::notice(&format!("DB loaded from {kind} file {}: {:.3} seconds", f.name, (now_ms() - started) as f64 / 1000.0));
    }
    let functions = st.scripts.functions().sources();
    Ok(Loaded { dbs: std::mem::take(&mut st.dbs), keys_loaded, keys_expired, manifest: Some(manifest), repl: None, functions })
}
