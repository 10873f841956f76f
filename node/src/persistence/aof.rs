//! The append-only file, as Redis 7.0 keeps it: a directory (`appenddirname`) holding a base
//! file (an RDB, or commands when `aof-use-rdb-preamble no`), incremental files of commands, and
//! a manifest naming them (`aof_manifest.rs`).
//!
//! Writes reach the AOF through propagation (`propagate/`) into `buf`; `flush` writes the buffer
//! before the replies of the commands that produced it leave (the end of a connection's batch,
//! before a blocked client is woken, and every cron tick), so an acknowledged write is in the file.
//! `appendfsync always` fsyncs there too; `everysec` hands an fsync to a background thread once a
//! second; `no` leaves it to the kernel.
//!
//! BGREWRITEAOF opens a new incremental file for the writes that follow, forks a child that writes
//! the dataset as the new base, and when it succeeds renames the base into place, records the new
//! manifest (atomically) and deletes the files it replaced. Turning `appendonly` on at runtime does
//! the same rewrite first; the AOF counts as on only once the base exists.

use std::fs::{File, OpenOptions};
use std::io::Write;
use std::path::{Path, PathBuf};

use super::aof_manifest::{AofFile, FileKind, Manifest};
pub use super::aof_writer::{Aof, AofState, Fsync};
use super::rdb_file;
use super::save_status::{Child, ChildKind};
use crate::log;
use crate::state::State;
use crate::sys;
use crate::util::now_ms;

/// The AOF directory: `appenddirname` in `dir`.
pub fn aof_dir(st: &State) -> PathBuf {
    st.config.resolve_path(&st.config.get("appenddirname").unwrap_or_else(|| "appendonlydir".into()))
}

pub fn basename(st: &State) -> String {
    st.config.get("appendfilename").unwrap_or_else(|| "appendonly.aof".into())
}

pub fn manifest_path(dir: &Path, basename: &str) -> PathBuf {
    dir.join(format!("{basename}.manifest"))
}

/// Writes the buffered commands (Redis's `flushAppendOnlyFile` in `beforeSleep`), then fsyncs per
/// `appendfsync`. A write error keeps the buffer for the next try and denies writes (MISCONF);
/// with `always` it is fatal, as in Redis.
pub fn flush(st: &mut State) {
    let aof = &mut st.aof;
    if aof.state == AofState::Off {
        return;
    }
    let now = now_ms();
    if !aof.buf.is_empty() {
        let Some(file) = aof.incr.as_mut() else { return };
        match file.write_all(&aof.buf) {
            Ok(()) => {
                aof.current_size += aof.buf.len() as u64;
                aof.buf.clear();
                if aof.last_write_error.take().is_some() {
                    log::warning("AOF write error looks solved, Redis can write again.");
                }
            }
            Err(e) => {
                if aof.fsync == Fsync::Always {
                    log::warning(&format!("Can't recover from AOF write error when the AOF fsync policy is 'always'. Exiting... ({e})"));
                    std::process::exit(1);
                }
                if aof.last_write_error.is_none() {
                    log::warning(&format!("Error writing to the AOF file: {e}"));
                }
                aof.last_write_error = Some(e.to_string());
                return;
            }
        }
        if aof.fsync == Fsync::Always {
            if let Some(Err(e)) = aof.incr.as_ref().map(|f| f.sync_data()) {
                log::warning(&format!("Can't persist AOF for fsync error when the AOF fsync policy is 'always': {e}. Exiting..."));
                std::process::exit(1);
            }
            aof.last_fsync_ms = now;
        }
    }
    if aof.fsync == Fsync::EverySec && now - aof.last_fsync_ms >= 1000 {
        aof.last_fsync_ms = now;
        aof.background_fsync();
    }
}

/// Writes the manifest atomically (temp file, fsync, rename).
fn persist_manifest(dir: &Path, basename: &str, m: &Manifest) -> std::io::Result<()> {
    let path = manifest_path(dir, basename);
    let temp = dir.join(format!("temp-{basename}.manifest"));
    let mut f = File::create(&temp)?;
    f.write_all(m.format().as_bytes())?;
    f.sync_all()?;
    std::fs::rename(&temp, &path)?;
    if let Ok(d) = File::open(dir) {
        let _ = d.sync_all();
    }
    Ok(())
}

fn open_append(path: &Path) -> std::io::Result<File> {
    OpenOptions::new().create(true).append(true).open(path)
}

fn file_size(path: &Path) -> u64 {
    std::fs::metadata(path).map(|m| m.len()).unwrap_or(0)
}

/// Total size of the base and incremental files.
fn aof_size(dir: &Path, m: &Manifest) -> u64 {
    m.load_order().map(|f| file_size(&dir.join(&f.name))).sum()
}

/// Writes a base file of the current dataset in the foreground (start-up of a fresh AOF).
fn write_base_now(st: &State, path: &Path) -> std::io::Result<()> {
    let temp = path.with_file_name(format!("temp-rewriteaof-{}.aof", sys::getpid()));
    write_base(st, path, &temp)
}

/// Writes the dataset as an AOF base: an RDB (`aof-use-rdb-preamble yes`) or commands.
fn write_base(st: &State, path: &Path, temp: &Path) -> std::io::Result<()> {
    if use_preamble(st) {
        let mut opts = rdb_file::save_options(st);
        opts.aof_base = true;
        rdb_file::write_rdb_file(&st.dbs, &opts, path, temp)
    } else {
        let result = (|| {
            let mut w = std::io::BufWriter::with_capacity(1 << 16, File::create(temp)?);
            super::aof_rewrite::write_commands(&mut w, &st.dbs, &st.scripts.functions().sources(), now_ms())?;
            let f = w.into_inner().map_err(|e| e.into_error())?;
            f.sync_all()?;
            std::fs::rename(temp, path)
        })();
        if result.is_err() {
            let _ = std::fs::remove_file(temp);
        }
        result
    }
}

fn use_preamble(st: &State) -> bool {
    st.config.get_bool("aof-use-rdb-preamble").unwrap_or(true)
}

/// Opens the AOF after the dataset was loaded at start-up (Redis's
/// `aofOpenIfNeededOnServerStart`): a fresh AOF gets a base of the loaded data and a first
/// incremental file; an existing one continues in its last incremental file.
pub fn open_on_start(st: &mut State, manifest: Manifest) -> Result<(), String> {
    st.aof.refresh(&st.config);
    let dir = aof_dir(st);
    let base = basename(st);
    std::fs::create_dir_all(&dir).map_err(|e| format!("Can't open or create append-only dir {}: {e}", dir.display()))?;
    let mut m = manifest;
    if m.base.is_none() && m.incrs.is_empty() {
        let b = m.next_base(&base, use_preamble(st));
        write_base_now(st, &dir.join(&b.name)).map_err(|e| format!("Can't write the AOF base file {}: {e}", b.name))?;
        log::notice(&format!("Creating AOF base file {} on server start", b.name));
        m.base = Some(b);
    }
    if m.incrs.is_empty() {
        let i = m.next_incr(&base);
        log::notice(&format!("Creating AOF incr file {} on server start", i.name));
        m.incrs.push(i);
    }
    let last = m.incrs.last().map(|f| dir.join(&f.name)).ok_or("no incremental AOF file")?;
    let file = open_append(&last).map_err(|e| format!("Can't open the append-only file {}: {e}", last.display()))?;
    persist_manifest(&dir, &base, &m).map_err(|e| format!("Can't persist the AOF manifest: {e}"))?;
    st.aof.switch_incr(file);
    st.aof.current_size = aof_size(&dir, &m);
    st.aof.base_size = st.aof.current_size;
    st.aof.manifest = m;
    st.aof.state = AofState::On;
    st.aof.last_fsync_ms = now_ms();
    Ok(())
}

/// BGREWRITEAOF (Redis's `rewriteAppendOnlyFileBackground`). The caller checked no child runs.
pub fn rewrite_background(st: &mut State) -> Result<(), String> {
    flush(st);
    let dir = aof_dir(st);
    let base = basename(st);
    if let Err(e) = std::fs::create_dir_all(&dir) {
        log::warning(&format!("Can't open or create append-only dir {}: {e}", dir.display()));
        return Err(e.to_string());
    }
    // Writes from now on go to a new incremental file; the child's base holds everything before.
    match st.aof.state {
        AofState::On => {
            let mut m = st.aof.manifest.clone();
            let i = m.next_incr(&base);
            let file = open_append(&dir.join(&i.name)).map_err(|e| e.to_string())?;
            m.incrs.push(i.clone());
            persist_manifest(&dir, &base, &m).map_err(|e| e.to_string())?;
            log::notice(&format!("Creating AOF incr file {} on background rewrite", i.name));
            st.aof.manifest = m;
            st.aof.switch_incr(file);
        }
        AofState::WaitRewrite => {
            let temp = dir.join(format!("temp-{base}.incr"));
            let file = OpenOptions::new().create(true).write(true).truncate(true).open(&temp).map_err(|e| e.to_string())?;
            st.aof.pending_incr = Some(temp);
            st.aof.switch_incr(file);
        }
        AofState::Off => {}
    }
    let now = now_ms();
    let started = crate::util::now_us();
    let st_ref: &State = st;
    let forked = sys::fork_child(|| {
        let pid = sys::getpid();
        let temp = dir.join(format!("temp-rewriteaof-bg-{pid}.aof"));
        let done = dir.join(format!("temp-rewriteaof-bg-{pid}.done"));
        match write_base(st_ref, &done, &temp) {
            Ok(()) => 0,
            Err(_) => 1,
        }
    });
    match forked {
        Ok(pid) => {
            st.snapshots.latest_fork_usec = (crate::util::now_us() - started).max(0) as u64;
            st.snapshots.total_forks += 1;
            st.snapshots.child = Some(Child { pid, kind: ChildKind::AofRewrite, start_ms: now });
            log::notice(&format!("Background append only file rewriting started by pid {pid}"));
            Ok(())
        }
        Err(e) => {
            log::warning(&format!("Can't rewrite append only file in background: fork: {e}"));
            st.aof.last_rewrite_ok = false;
            Err(e.to_string())
        }
    }
}

/// The end of a rewrite child (Redis's `backgroundRewriteDoneHandler`).
pub fn rewrite_done(st: &mut State, child: Child, exit: sys::ChildExit) {
    let dir = aof_dir(st);
    let base = basename(st);
    let done = dir.join(format!("temp-rewriteaof-bg-{}.done", child.pid));
    st.aof.last_rewrite_time_sec = (now_ms() - child.start_ms) / 1000;
    match exit {
        sys::ChildExit::Code(0) => {
            log::notice("Background AOF rewrite terminated with success");
            match install_rewrite(st, &dir, &base, &done) {
                Ok(()) => {
                    st.aof.rewrites += 1;
                    st.aof.last_rewrite_ok = true;
                    st.aof.rewrite_failures = 0;
                    log::notice("Background AOF rewrite finished successfully");
                }
                Err(e) => {
                    log::warning(&format!("Error trying to install the rewritten AOF: {e}"));
                    rewrite_failed(st, child.pid);
                }
            }
        }
        sys::ChildExit::Code(_) => {
            log::warning("Background AOF rewrite terminated with error");
            rewrite_failed(st, child.pid);
        }
        sys::ChildExit::Signal(sig) => {
            log::warning(&format!("Background AOF rewrite terminated by signal {sig}"));
            if sig == sys::SIGUSR1 {
                rewrite_aborted(st, child.pid);
            } else {
                rewrite_failed(st, child.pid);
            }
        }
    }
}

/// Puts the child's base in place and records the manifest that replaces the old files.
fn install_rewrite(st: &mut State, dir: &Path, base: &str, done: &Path) -> std::io::Result<()> {
    let mut m = st.aof.manifest.clone();
    let new_base = m.next_base(base, use_preamble(st));
    std::fs::rename(done, dir.join(&new_base.name))?;
    log::notice(&format!("Successfully renamed the temporary AOF base file {} into {}", done.display(), new_base.name));
    let mut history: Vec<AofFile> = Vec::new();
    if let Some(old) = m.base.replace(new_base) {
        history.push(AofFile { kind: FileKind::History, ..old });
    }
    match st.aof.state {
        AofState::On => {
            // Every incremental file but the one being appended to is now inside the base.
            let keep = m.incrs.pop();
            history.extend(m.incrs.drain(..).map(|f| AofFile { kind: FileKind::History, ..f }));
            m.incrs.extend(keep);
        }
        AofState::WaitRewrite => {
            history.extend(m.incrs.drain(..).map(|f| AofFile { kind: FileKind::History, ..f }));
            let i = m.next_incr(base);
            if let Some(temp) = st.aof.pending_incr.take() {
                std::fs::rename(&temp, dir.join(&i.name))?;
            }
            m.incrs.push(i);
        }
        AofState::Off => {
            history.extend(m.incrs.drain(..).map(|f| AofFile { kind: FileKind::History, ..f }));
        }
    }
    m.history = history.clone();
    persist_manifest(dir, base, &m)?;
    for h in &history {
        log::notice(&format!("Removing the history file {} in the background", h.name));
        let _ = std::fs::remove_file(dir.join(&h.name));
    }
    m.history.clear();
    persist_manifest(dir, base, &m)?;
    if st.aof.state == AofState::WaitRewrite {
        st.aof.state = AofState::On;
        log::notice("AOF rewrite done, AOF enabled");
    }
    st.aof.manifest = m;
    // Redis counts the new size from the rewrite on; pending writes are added as they land.
    st.aof.current_size = aof_size(dir, &st.aof.manifest);
    st.aof.base_size = st.aof.current_size;
    Ok(())
}

fn rewrite_failed(st: &mut State, pid: i32) {
    st.aof.last_rewrite_ok = false;
    st.aof.rewrite_failures += 1;
    remove_child_temp(st, pid);
    // Turning AOF on keeps trying until the first base exists.
    if st.aof.state == AofState::WaitRewrite {
        st.aof.rewrite_scheduled = true;
    }
}

/// Stops a running rewrite child and removes what it left.
fn stop_rewrite(st: &mut State) {
    if let Some(child) = st.snapshots.stop_child() {
        rewrite_aborted(st, child.pid);
    }
}

/// The rewrite child was stopped on purpose (shutdown, AOF turned off): clean up its files.
pub fn rewrite_aborted(st: &mut State, pid: i32) {
    remove_child_temp(st, pid);
}

fn remove_child_temp(st: &State, pid: i32) {
    let dir = aof_dir(st);
    let _ = std::fs::remove_file(dir.join(format!("temp-rewriteaof-bg-{pid}.aof")));
    let _ = std::fs::remove_file(dir.join(format!("temp-rewriteaof-bg-{pid}.done")));
}

/// `auto-aof-rewrite-percentage` / `auto-aof-rewrite-min-size`: starts a rewrite when the AOF grew
/// enough since the last one. Returns whether one started.
pub fn auto_rewrite_due(st: &mut State) -> bool {
    if st.aof.state != AofState::On || st.snapshots.child.is_some() {
        return false;
    }
    let perc = st.config.get_int("auto-aof-rewrite-percentage").unwrap_or(100);
    let min = st.config.get_int("auto-aof-rewrite-min-size").unwrap_or(64 << 20).max(0) as u64;
    let size = st.aof.current_size + st.aof.buf.len() as u64;
    if perc <= 0 || size <= min {
        return false;
    }
    let base = st.aof.base_size.max(1);
    let growth = (size * 100 / base) as i64 - 100;
    if growth < perc {
        return false;
    }
    log::notice(&format!("Starting automatic rewriting of AOF on {growth}% growth"));
    rewrite_background(st).is_ok()
}

/// Starts a rewrite that was asked for while another child ran.
pub fn start_scheduled_rewrite(st: &mut State) {
    if st.aof.rewrite_scheduled && st.snapshots.child.is_none() && rewrite_background(st).is_ok() {
        st.aof.rewrite_scheduled = false;
    }
}

/// The AOF write error that makes writes fail with MISCONF, if any.
pub fn write_error(st: &State) -> Option<String> {
    if st.aof.is_on() {
        st.aof.last_write_error.clone()
    } else {
        None
    }
}

/// Writes and fsyncs what is pending before the process exits.
pub fn flush_at_shutdown(st: &mut State) {
    if st.aof.state == AofState::Off {
        return;
    }
    flush(st);
    log::notice("Calling fsync() on the AOF file.");
    if let Some(f) = &st.aof.incr {
        let _ = f.sync_data();
    }
}

/// CONFIG SET appendonly yes|no (Redis's `startAppendOnly` / `stopAppendOnly`).
pub fn set_enabled(st: &mut State, on: bool) -> Result<(), String> {
    st.aof.refresh(&st.config);
    if on {
        if st.aof.state != AofState::Off {
            return Ok(());
        }
        st.aof.state = AofState::WaitRewrite;
        st.aof.buf.clear();
        if st.snapshots.child.is_some() {
            if st.snapshots.child.is_some_and(|c| c.kind == ChildKind::AofRewrite) {
                stop_rewrite(st);
            } else {
                st.aof.rewrite_scheduled = true;
                log::warning(
                    "AOF was enabled but there is already another background operation. An AOF background was scheduled to start when possible.",
                );
                return Ok(());
            }
        }
        if let Err(e) = rewrite_background(st) {
            st.aof.state = AofState::Off;
            log::warning("Redis needs to enable the AOF but can't trigger a background AOF rewrite operation. Check the above logs for more info about the error.");
            return Err(e);
        }
        Ok(())
    } else {
        if st.aof.state == AofState::Off {
            return Ok(());
        }
        flush(st);
        if let Some(f) = &st.aof.incr {
            let _ = f.sync_data();
        }
        if st.snapshots.child.is_some_and(|c| c.kind == ChildKind::AofRewrite) {
            log::notice("Killing running AOF rewrite child");
            stop_rewrite(st);
        }
        if let Some(temp) = st.aof.pending_incr.take() {
            let _ = std::fs::remove_file(temp);
        }
        st.aof.incr = None;
        st.aof.buf.clear();
        st.aof.state = AofState::Off;
        st.aof.rewrite_scheduled = false;
        Ok(())
    }
}
