//! RDB snapshots as redis-server takes them: SAVE, BGSAVE, `save` points, the background child's
//! bookkeeping, the MISCONF guard and the final save at shutdown.
//!
//! BGSAVE forks, like Redis: the child sees a copy-on-write image of the dataset as it was at the
//! fork, encodes it to `temp-<child pid>.rdb`, fsyncs and renames it over `dbfilename`, and exits.
//! The parent keeps serving; the cron reaps the child and records the outcome. The file is
//! replaced only by an atomic rename of a complete, synced file, so a crash at any moment leaves
//! the previous RDB intact.

pub use super::rdb_file::{rdb_path, save_options, temp_path, write_rdb_file};
pub use super::save_status::{Child, ChildKind, SaveStatus};
use crate::log;
use crate::state::State;
use crate::sys;
use crate::util::{now_ms, now_us};

/// Wait this long after a failed background save before a save point may try again
/// (CONFIG_BGSAVE_RETRY_DELAY).
const BGSAVE_RETRY_DELAY_S: i64 = 5;

/// A save that failed (the reason was logged, as Redis logs it).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct SaveFailed;

/// SAVE (Redis's `rdbSave`): a foreground save. Errors are logged as Redis logs them.
pub fn save(st: &mut State) -> Result<(), SaveFailed> {
    let path = rdb_path(st);
    let temp = temp_path(&path, sys::getpid());
    let opts = save_options(st);
    st.snapshots.saves += 1;
    match write_rdb_file(&st.dbs, &opts, &path, &temp) {
        Ok(()) => {
            log::notice("DB saved on disk");
            st.dirty = 0;
            st.lastsave = now_ms() / 1000;
            st.snapshots.last_bgsave_ok = true;
            Ok(())
        }
        Err(e) => {
            log::warning(&format!("Write error saving DB on disk: {e}"));
            st.snapshots.last_bgsave_ok = false;
            Err(SaveFailed)
        }
    }
}

/// Starts a background save (Redis's `rdbSaveBackground`). The caller checked no child runs.
pub fn bgsave(st: &mut State) -> Result<(), String> {
    bgsave_with(st, None)
}

/// BGSAVE, with the replication AUX fields when it is for a replica's full sync.
pub fn bgsave_with(st: &mut State, repl: Option<crate::persistence::rdb::encode::ReplInfo>) -> Result<(), String> {
    let path = rdb_path(st);
    let mut opts = save_options(st);
    opts.repl = repl;
    let now = now_ms();
    st.snapshots.dirty_at_fork = st.dirty;
    st.snapshots.last_bgsave_try = now / 1000;
    st.snapshots.saves += 1;
    let started = now_us();
    let dbs = &st.dbs;
    let forked = sys::fork_child(|| {
        let temp = temp_path(&path, sys::getpid());
        match write_rdb_file(dbs, &opts, &path, &temp) {
            Ok(()) => 0,
            Err(_) => 1,
        }
    });
    match forked {
        Ok(pid) => {
            st.snapshots.latest_fork_usec = (now_us() - started).max(0) as u64;
            st.snapshots.total_forks += 1;
            st.snapshots.child = Some(Child { pid, kind: ChildKind::Rdb, start_ms: now });
            log::notice(&format!("Background saving started by pid {pid}"));
            Ok(())
        }
        Err(e) => {
            st.snapshots.last_bgsave_ok = false;
            log::warning(&format!("Can't save in background: fork: {e}"));
            Err(format!("ERR Can't save in background: fork: {e}"))
        }
    }
}

/// Records the end of a background save (Redis's `backgroundSaveDoneHandler`).
fn bgsave_done(st: &mut State, child: Child, exit: sys::ChildExit) {
    let now = now_ms();
    st.snapshots.last_bgsave_time_sec = (now - child.start_ms) / 1000;
    match exit {
        sys::ChildExit::Code(0) => {
            st.repl.rdb_done(true);
            log::notice("Background saving terminated with success");
            st.dirty = st.dirty.saturating_sub(st.snapshots.dirty_at_fork);
            st.lastsave = now / 1000;
            st.snapshots.last_bgsave_ok = true;
        }
        sys::ChildExit::Code(_) => {
            st.repl.rdb_done(false);
            log::warning("Background saving error");
            st.snapshots.last_bgsave_ok = false;
        }
        sys::ChildExit::Signal(sig) => {
            st.repl.rdb_done(false);
            log::warning(&format!("Background saving terminated by signal {sig}"));
            let _ = std::fs::remove_file(temp_path(&rdb_path(st), child.pid));
            // SIGUSR1 is how the server itself stops a save it no longer wants: not an error.
            if sig != sys::SIGUSR1 {
                st.snapshots.last_bgsave_ok = false;
            }
        }
    }
}

/// Stops a running background child and removes its temporary file (FLUSHALL, SHUTDOWN, a
/// replaced dataset). Returns the kind of child that was stopped.
pub fn kill_child(st: &mut State) -> Option<ChildKind> {
    let child = st.snapshots.stop_child()?;
    match child.kind {
        ChildKind::Rdb => {
            let _ = std::fs::remove_file(temp_path(&rdb_path(st), child.pid));
        }
        ChildKind::AofRewrite => crate::persistence::aof::rewrite_aborted(st, child.pid),
        ChildKind::Sync => st.repl.sync_child_done(sys::ChildExit::Signal(sys::SIGUSR1)),
    }
    Some(child.kind)
}

/// The cron's part: reap a finished child; otherwise check the save points, scheduled saves and
/// automatic AOF rewrites (Redis's serverCron).
pub fn cron(st: &mut State) {
    let now_s = now_ms() / 1000;
    if let Some(child) = st.snapshots.child {
        if let Some(exit) = sys::reap(child.pid) {
            st.snapshots.child = None;
            match child.kind {
                ChildKind::Rdb => bgsave_done(st, child, exit),
                ChildKind::AofRewrite => crate::persistence::aof::rewrite_done(st, child, exit),
                ChildKind::Sync => st.repl.sync_child_done(exit),
            }
        }
        return;
    }
    let retry_ok = now_s - st.snapshots.last_bgsave_try > BGSAVE_RETRY_DELAY_S || st.snapshots.last_bgsave_ok;
    for &(seconds, changes) in &st.config.save.clone() {
        if st.dirty >= changes && now_s - st.lastsave > seconds as i64 && retry_ok {
            log::notice(&format!("{changes} changes in {seconds} seconds. Saving..."));
            let _ = bgsave(st);
            return;
        }
    }
    if crate::persistence::aof::auto_rewrite_due(st) {
        return;
    }
    if st.snapshots.bgsave_scheduled && retry_ok && bgsave(st).is_ok() {
        st.snapshots.bgsave_scheduled = false;
        return;
    }
    crate::persistence::aof::start_scheduled_rewrite(st);
}

/// Redis's `writeCommandsDeniedByDiskError`: the MISCONF reply writes get while the last
/// background save failed (with `stop-writes-on-bgsave-error` and save points) or the AOF cannot
/// be written.
pub fn disk_error(st: &State) -> Option<String> {
    if !st.config.save.is_empty() && !st.snapshots.last_bgsave_ok && st.config.get_bool("stop-writes-on-bgsave-error").unwrap_or(true) {
        return Some(
            "MISCONF Redis is configured to save RDB snapshots, but it's currently unable to persist to disk. Commands that may modify \
             the data set are disabled, because this instance is configured to report errors during writes if RDB snapshotting fails \
             (stop-writes-on-bgsave-error option). Please check the Redis logs for details about the RDB error."
                .to_string(),
        );
    }
    crate::persistence::aof::write_error(st).map(|e| format!("MISCONF Errors writing to the AOF file: {e}"))
}

/// Redis's `prepareForShutdown`: stop a background child, flush the AOF, save the final RDB when
/// asked (or by default when save points are set). A failed save keeps the server running unless
/// `force`.
pub fn prepare_shutdown(st: &mut State, save_mode: crate::state::ShutdownRequest, force: bool) -> Result<(), SaveFailed> {
    use crate::state::ShutdownRequest;
    log::warning(match save_mode {
        ShutdownRequest::Default => "User requested shutdown...",
        ShutdownRequest::Save => "User requested shutdown... (save)",
        ShutdownRequest::NoSave => "User requested shutdown... (nosave)",
    });
    st.scripts.kill_debug_sessions();
    if let Some(kind) = st.snapshots.child {
        match kind.kind {
            ChildKind::Rdb => log::warning("There is a child saving an .rdb. Killing it!"),
            ChildKind::AofRewrite => log::warning("There is a child rewriting the AOF. Killing it!"),
            ChildKind::Sync => log::warning("There is a child streaming an RDB to replicas. Killing it!"),
        }
        kill_child(st);
    }
    crate::persistence::aof::flush_at_shutdown(st);
    let want_save = match save_mode {
        ShutdownRequest::Save => true,
        ShutdownRequest::NoSave => false,
        ShutdownRequest::Default => !st.config.save.is_empty(),
    };
    if want_save {
        log::notice("Saving the final RDB snapshot before exiting.");
        if save(st).is_err() {
            if force {
                log::warning("Error trying to save the DB. Exit anyway.");
            } else {
                log::warning("Error trying to save the DB, can't exit.");
                return Err(SaveFailed);
            }
        }
    }
    Ok(())
}
