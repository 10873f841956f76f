//! Eviction's part of `State`: the `maxmemory-*` settings as read from the config, the access
//! policy every key access follows, the candidate pool, and the time spent over the limit. The
//! eviction itself (`super::perform`) works on it from above.

use crate::config::Config;
use crate::db::access::AccessPolicy;
use crate::db::Elem;
use crate::util::now_us;

/// Size of the pool of eviction candidates.
pub const EVPOOL_SIZE: usize = 16;
/// `maxmemory-policy`.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Policy {
    NoEviction,
    AllkeysLru,
    AllkeysLfu,
    AllkeysRandom,
    VolatileLru,
    VolatileLfu,
    VolatileRandom,
    VolatileTtl,
}

impl Policy {
    pub fn parse(name: &str) -> Policy {
        match name {
            "allkeys-lru" => Policy::AllkeysLru,
            "allkeys-lfu" => Policy::AllkeysLfu,
            "allkeys-random" => Policy::AllkeysRandom,
            "volatile-lru" => Policy::VolatileLru,
            "volatile-lfu" => Policy::VolatileLfu,
            "volatile-random" => Policy::VolatileRandom,
            "volatile-ttl" => Policy::VolatileTtl,
            _ => Policy::NoEviction,
        }
    }

    pub fn is_lfu(self) -> bool {
        matches!(self, Policy::AllkeysLfu | Policy::VolatileLfu)
    }

    pub fn is_lru(self) -> bool {
        matches!(self, Policy::AllkeysLru | Policy::VolatileLru)
    }

    /// Evicts from every key, not only from keys with a TTL.
    pub fn allkeys(self) -> bool {
        matches!(self, Policy::AllkeysLru | Policy::AllkeysLfu | Policy::AllkeysRandom)
    }

    /// Picks keys through the candidate pool (LRU, LFU, TTL) rather than at random.
    pub(super) fn uses_pool(self) -> bool {
        self.is_lru() || self.is_lfu() || self == Policy::VolatileTtl
    }
}

/// The eviction settings, read from the config when it is loaded or changed (they are needed on
/// every key access and every command).
#[derive(Debug, Clone, Copy)]
pub struct Settings {
    pub policy: Policy,
    /// `maxmemory-samples`.
    pub samples: usize,
    /// `maxmemory-eviction-tenacity` (0..=100).
    pub tenacity: u32,
    /// `lfu-log-factor`.
    pub lfu_log_factor: f64,
    /// `lfu-decay-time` in minutes (0: never decay).
    pub lfu_decay_time: u32,
    /// `lazyfree-lazy-eviction`: evictions propagate as UNLINK.
    pub lazy: bool,
    /// `replica-ignore-maxmemory`.
    pub replica_ignores: bool,
}

impl Settings {
    pub fn from_config(c: &Config) -> Settings {
        let int = |name: &str, default: i64| c.get_int(name).unwrap_or(default);
        Settings {
            policy: Policy::parse(&c.maxmemory_policy),
            samples: int("maxmemory-samples", 5).clamp(1, 1 << 16) as usize,
            tenacity: int("maxmemory-eviction-tenacity", 10).clamp(0, 100) as u32,
            lfu_log_factor: int("lfu-log-factor", 10).max(0) as f64,
            lfu_decay_time: int("lfu-decay-time", 1).clamp(0, u32::MAX as i64) as u32,
            lazy: c.get_bool("lazyfree-lazy-eviction").unwrap_or(false),
            replica_ignores: c.get_bool("replica-ignore-maxmemory").unwrap_or(true),
        }
    }
}

/// One eviction candidate: a score (higher = evict first: idle time, inverse frequency, or
/// nearness of the expiry), its database and key.
#[derive(Debug)]
pub struct Candidate {
    pub idle: u64,
    pub db: usize,
    pub key: Elem,
}

/// The candidate pool, kept in ascending score order: the best candidate is the last. Entries
/// are not removed when their key goes away; such ghosts are skipped when picked.
#[derive(Debug, Default)]
pub struct Pool {
    entries: Vec<Candidate>,
}

impl Pool {
    /// Adds a sampled key if the pool has room or it scores better than the worst entry (which
    /// then leaves the pool).
    pub fn offer(&mut self, idle: u64, db: usize, key: &[u8]) {
        let full = self.entries.len() >= EVPOOL_SIZE;
        // The first entry not scoring below ours: we go right before it.
        let k = self.entries.iter().position(|c| c.idle >= idle).unwrap_or(self.entries.len());
        if k == 0 && full {
            return;
        }
        let c = Candidate { idle, db, key: key.into() };
        if full {
            // Drop the worst (leftmost) entry; ours lands just before the first better one.
            self.entries.remove(0);
            self.entries.insert(k - 1, c);
        } else {
            self.entries.insert(k, c);
        }
    }

    /// Takes the best candidate out of the pool.
    pub fn pop_best(&mut self) -> Option<Candidate> {
        self.entries.pop()
    }

    pub fn len(&self) -> usize {
        self.entries.len()
    }

    pub fn is_empty(&self) -> bool {
        self.entries.is_empty()
    }

    /// The scores from worst to best (for tests and debugging).
    pub fn scores(&self) -> Vec<u64> {
        self.entries.iter().map(|c| c.idle).collect()
    }
}

/// What `perform` found.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Evict {
    /// Memory is within the limit (or evicting is not possible right now).
    Ok,
    /// Over the limit, but keys are still being evicted (in the background).
    Running,
    /// Over the limit with nothing left to evict: commands that grow memory are refused.
    Fail,
}

/// The eviction state kept in `State`.
#[derive(Debug)]
pub struct Evictor {
    pub(super) settings: Settings,
    /// How key accesses are recorded under the policy, read on every key access.
    pub(super) access: AccessPolicy,
    pub(super) pool: Pool,
    /// The database the random policies try first next time.
    pub(super) next_db: usize,
    /// The time-limited run stopped while memory was still over the limit; `background` continues
    /// (Redis's `isEvictionProcRunning`).
    pub(super) running: bool,
    /// Since when (µs) memory has been over the limit without eviction bringing it back.
    pub(super) exceeded_since_us: Option<i64>,
    /// Total µs spent over the limit (INFO total_eviction_exceeded_time).
    pub(super) exceeded_total_us: u64,
}

impl Evictor {
    pub fn new(c: &Config) -> Evictor {
        let mut e = Evictor {
            settings: Settings::from_config(c),
            access: AccessPolicy::default(),
            pool: Pool::default(),
            next_db: 0,
            running: false,
            exceeded_since_us: None,
            exceeded_total_us: 0,
        };
        e.refresh(c);
        e
    }

    /// Re-reads the settings after the config changed.
    pub fn refresh(&mut self, c: &Config) {
        self.settings = Settings::from_config(c);
        let s = &self.settings;
        self.access = AccessPolicy { lfu: s.policy.is_lfu(), log_factor: s.lfu_log_factor, decay_time: s.lfu_decay_time };
        crate::db::access::set_lfu_mode(self.access.lfu);
    }

    /// How key accesses are recorded under the policy (read on every key access).
    #[inline]
    pub fn access(&self) -> &AccessPolicy {
        &self.access
    }

    /// INFO's (total_eviction_exceeded_time, current_eviction_exceeded_time) in milliseconds.
    pub fn exceeded_time_ms(&self) -> (u64, u64) {
        let current = self.exceeded_since_us.map(|t| (now_us() - t).max(0) as u64).unwrap_or(0);
        ((self.exceeded_total_us + current) / 1000, current / 1000)
    }

    /// CONFIG RESETSTAT.
    pub fn reset_stats(&mut self) {
        self.exceeded_total_us = 0;
        self.exceeded_since_us = None;
    }
}
