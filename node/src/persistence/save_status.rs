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
    pub(in crate::persistence) child: Option<Child>,
    pub(in crate::persistence) last_bgsave_ok: bool,
    /// Unix seconds of the last BGSAVE attempt.
    pub(in crate::persistence) last_bgsave_try: i64,
    pub(in crate::persistence) last_bgsave_time_sec: i64,
    /// Saves performed (rdb_saves).
    pub(in crate::persistence) saves: u64,
    /// `dirty` when the running BGSAVE forked: what its success makes saved.
    pub(in crate::persistence) dirty_at_fork: u64,
    /// BGSAVE SCHEDULE (or one asked for inside MULTI): start when no child runs.
    pub(in crate::persistence) bgsave_scheduled: bool,
    pub(in crate::persistence) last_load_keys_loaded: u64,
    pub(in crate::persistence) last_load_keys_expired: u64,
    /// Microseconds the last fork took (latest_fork_usec).
    pub(in crate::persistence) latest_fork_usec: u64,
    pub(in crate::persistence) total_forks: u64,
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
    /// The forked child running, if any (only one at a time).
    pub fn child(&self) -> Option<Child> {
        self.child
    }

    /// A forked child starts (a diskless sync's; saves and rewrites start theirs in persistence).
    pub fn child_started(&mut self, child: Child) {
        self.child = Some(child);
        self.total_forks += 1;
    }

    /// A child of this kind is running.
    pub fn running(&self, kind: ChildKind) -> bool {
        self.child.is_some_and(|c| c.kind == kind)
    }

    /// BGSAVE SCHEDULE (or inside MULTI): start a save once no child runs.
    pub fn schedule_bgsave(&mut self) {
        self.bgsave_scheduled = true;
    }

    /// The last background save worked (else writes get MISCONF).
    pub fn last_bgsave_ok(&self) -> bool {
        self.last_bgsave_ok
    }

    /// INFO stats' (latest_fork_usec, total_forks).
    pub fn fork_stats(&self) -> (u64, u64) {
        (self.latest_fork_usec, self.total_forks)
    }

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
