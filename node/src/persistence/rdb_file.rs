//! Writing dump.rdb: the options this server saves with (from the config and the replication
//! state), where the file and its temporary go, and the encode-fsync-rename sequence that leaves
//! the old file untouched on failure. SAVE, BGSAVE and the AOF rewrite's base all write through it.

use std::fs::File;
use std::path::{Path, PathBuf};

use crate::db::Db;
use crate::persistence::rdb::encode::{self, KeyHints, SaveOptions, ValueOptions};
use crate::state::State;
use crate::util::now_ms;

/// How this server writes RDB files (rdbcompression, rdbchecksum, maxmemory-policy hints...).
pub fn save_options(st: &State) -> SaveOptions {
    let c = &st.config;
    let policy = c.maxmemory_policy.as_str();
    let key_hints = if policy.ends_with("-lru") {
        KeyHints::Idle
    } else if policy.ends_with("-lfu") {
        KeyHints::Freq
    } else {
        KeyHints::None
    };
    SaveOptions {
        values: ValueOptions { compression: c.get_bool("rdbcompression").unwrap_or(true), list_max_listpack_size: c.list_max_listpack_size },
        checksum: c.get_bool("rdbchecksum").unwrap_or(true),
        used_mem: crate::alloc::used_memory(),
        key_hints,
        key_delay_us: c.get_int("rdb-key-save-delay").unwrap_or(0).max(0) as u64,
        // Redis's rdbPopulateSaveInfo: a replica (or a master with a backlog) records where in the
        // replication history this data is, so after a restart it can continue with PSYNC.
        repl: st.repl.save_info().map(|(db, id, offset)| crate::persistence::rdb::encode::ReplInfo { stream_db: db as i64, id, offset }),
        functions: st.scripts.functions().sources(),
        ..SaveOptions::default()
    }
}

/// The RDB file: `dbfilename` in `dir`.
pub fn rdb_path(st: &State) -> PathBuf {
    st.config.resolve_path(&st.config.get("dbfilename").unwrap_or_else(|| "dump.rdb".into()))
}

/// The temporary file a save by process `pid` writes before renaming it.
pub fn temp_path(target: &Path, pid: i32) -> PathBuf {
    target.with_file_name(format!("temp-{pid}.rdb"))
}

/// Writes the databases to `path` by way of `temp`: encode, flush, fsync, rename. On failure the
/// temporary file is removed and `path` is untouched.
pub fn write_rdb_file(dbs: &[Db], opts: &SaveOptions, path: &Path, temp: &Path) -> std::io::Result<()> {
    let result = (|| {
        // `save` buffers in chunks itself.
        let mut file = File::create(temp)?;
        encode::save(&mut file, dbs, opts, now_ms())?;
        file.sync_all()?;
        std::fs::rename(temp, path)?;
        // Make the rename itself durable.
        if let Some(dir) = path.parent().filter(|d| !d.as_os_str().is_empty()) {
            if let Ok(d) = File::open(dir) {
                let _ = d.sync_all();
            }
        }
        Ok(())
    })();
    if result.is_err() {
        let _ = std::fs::remove_file(temp);
    }
    result
}
