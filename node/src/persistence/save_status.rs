//! Saving's part of `State` (the `rdb_*` fields of INFO persistence): the one forked child that
//! may run (a BGSAVE, an AOF rewrite or a diskless sync), and the record of past saves and loads.

/// What a forked child is doing.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ChildKind {
    Rdb,
    AofRewrite,
    /// A diskless full sync: the child streams the RDB to replicas through a pipe.
    Sync,
}

#[derive(Debug, Clone, Copy)]
pub struct Child {
    pub pid: i32,
    pub kind: ChildKind,
    pub start_ms: i64,
}

/// Snapshot bookkeeping (the `rdb_*` fields of INFO persistence).
#[derive(Debug)]
pub struct SaveStatus {
    /// The background child, if one runs (only one at a time, as in Redis).
    pub child: Option<Child>,
    pub last_bgsave_ok: bool,
    /// Unix seconds of the last BGSAVE attempt.
    pub last_bgsave_try: i64,
    pub last_bgsave_time_sec: i64,
    /// Saves performed (rdb_saves).
    pub saves: u64,
    /// `dirty` when the running BGSAVE forked: what its success makes saved.
    pub dirty_at_fork: u64,
    /// BGSAVE SCHEDULE (or one asked for inside MULTI): start when no child runs.
    pub bgsave_scheduled: bool,
    pub last_load_keys_loaded: u64,
    pub last_load_keys_expired: u64,
    /// Microseconds the last fork took (latest_fork_usec).
    pub latest_fork_usec: u64,
    pub total_forks: u64,
}

impl Default for SaveStatus {
    fn default() -> Self {
        SaveStatus {
            child: None,
            last_bgsave_ok: true,
            last_bgsave_try: 0,
            last_bgsave_time_sec: -1,
            saves: 0,
            dirty_at_fork: 0,
            bgsave_scheduled: false,
            last_load_keys_loaded: 0,
            last_load_keys_expired: 0,
            latest_fork_usec: 0,
            total_forks: 0,
        }
    }
}

impl SaveStatus {
    /// Stops the running child, if any (SIGUSR1, which the child's exit reports as no error, as in
    /// Redis), waits for it, and hands it back for its owner to clean up after.
    pub fn stop_child(&mut self) -> Option<Child> {
        let child = self.child.take()?;
        crate::sys::kill(child.pid, crate::sys::SIGUSR1);
        crate::sys::wait_child(child.pid);
        Some(child)
    }

    pub fn rdb_child(&self) -> Option<Child> {
        self.child.filter(|c| c.kind == ChildKind::Rdb)
    }
}
