//! `maxmemory`: the eviction policies and the per-key access data they read (Redis 7.0's evict.c).
//!
//! Before every command (and when CONFIG SET lowers `maxmemory`), `perform` compares the memory
//! the allocator counts (`crate::alloc`), minus what is not counted for eviction (the AOF buffer
//! and the replicas' output), with `maxmemory`, and evicts keys until enough memory was freed or
//! the time limit that `maxmemory-eviction-tenacity` sets runs out; in that case a background task
//! keeps evicting (Redis's eviction time proc). Keys are picked as Redis does: the LRU, LFU and TTL policies keep
//! a pool of the best candidates (`EVPOOL_SIZE`) filled by sampling `maxmemory-samples` keys per
//! database, the random policies take a random key from each database in turn.
//!
//! The per-key access data the policies rank keys by (LRU clock or LFU counter) is kept and
//! updated by `crate::db::access`; this module only reads it.
//!
//! Layout: `evictor.rs` holds eviction's part of `State` (settings, the pool, time over the limit),
//! below the state; this file evicts, working on the whole state from above. It may call the
//! state, the data (`db`), `alloc`'s count and the keyspace side effects (`keyspace`, `propagate`)
//! for each evicted key, never the commands.

pub mod evictor;

use crate::client::ClientState;
use crate::db::access::{lfu_decr_and_return, lfu_minutes};
use crate::db::Elem;
use crate::resp::reply::Out;
use crate::state::State;
use crate::util::now_us;
pub use evictor::{Candidate, Evict, Evictor, Policy, Pool, Settings, EVPOOL_SIZE};

/// The error a command that may grow memory gets when nothing more can be evicted.
pub const OOM_ERROR: &str = "OOM command not allowed when used memory > 'maxmemory'.";

// --- Memory accounting -------------------------------------------------------------------------

/// Memory not counted for eviction: the AOF buffer and the replicas' output (evicting pushes DELs
/// into them; counting them would feed back into more eviction). The backlog, capped in size, is
/// counted.
pub fn not_counted(st: &State) -> u64 {
    let replicas = st.repl.replica_output_bytes();
    let aof = if st.aof.is_on() { st.aof.buffer_capacity() as u64 } else { 0 };
    replicas + aof
}

/// Redis's `getMaxmemoryState`: Some(bytes to free) when over `maxmemory`.
fn over_limit(st: &State) -> Option<u64> {
    let max = st.config.maxmemory;
    let used = crate::alloc::used_memory();
    if max == 0 || used <= max {
        return None;
    }
    let counted = used.saturating_sub(not_counted(st));
    (counted > max).then(|| counted - max)
}

/// Bytes of the server's own structures rather than data (INFO's used_memory_overhead): memory at
/// startup, client buffers, the AOF buffer, and the keyspace tables.
pub fn overhead(st: &State) -> u64 {
    let clients: u64 = st.clients.values().map(|c| (c.qbuf + c.outbox.pending()) as u64).sum();
    let dbs: u64 = st.dbs.iter().map(|d| d.mem_usage_estimate() as u64).sum();
    st.startup_memory + clients + st.aof.buffer_capacity() as u64 + dbs
}

// --- Eviction ----------------------------------------------------------------------------------

/// Redis's `evictionTimeLimitUs`: tenacity 0..10 is 0..500 µs, then 15% more per step, 100 = no limit.
pub fn time_limit_us(tenacity: u32) -> u64 {
    if tenacity <= 10 {
        50 * tenacity as u64
    } else if tenacity < 100 {
        (500.0 * 1.15f64.powf(tenacity as f64 - 10.0)) as u64
    } else {
        u64::MAX
    }
}

/// Evicting is off while clients are paused (the dataset must stay still) and on a replica that
/// ignores maxmemory.
fn safe_to_evict(st: &State) -> bool {
    if st.pause.is_some_and(|p| p.until_ms > crate::util::now_ms()) {
        return false;
    }
    !((st.config.replicaof.is_some() || st.repl.is_replica()) && st.evict.settings.replica_ignores)
}

/// Redis's `performEvictions`: called before each command when `maxmemory` is set. `me` and
/// `out` are the client running the command (taken out of `st.clients`), so it sees its own
/// WATCHes invalidated and its own keyspace event subscriptions.
pub fn perform(st: &mut State, me: Option<&mut ClientState>, out: Option<&mut Out>) -> Evict {
    if !safe_to_evict(st) {
        return Evict::Ok;
    }
    let result = evict(st, me, out);
    // Track how long memory stays over the limit.
    match result {
        Evict::Running | Evict::Fail => {
            if st.evict.exceeded_since_us.is_none() {
                st.evict.exceeded_since_us = Some(now_us());
            }
        }
        Evict::Ok => {
            if let Some(t) = st.evict.exceeded_since_us.take() {
                st.evict.exceeded_total_us += (now_us() - t).max(0) as u64;
            }
        }
    }
    result
}

fn evict(st: &mut State, mut me: Option<&mut ClientState>, mut out: Option<&mut Out>) -> Evict {
    let Some(to_free) = over_limit(st) else { return Evict::Ok };
    let settings = st.evict.settings;
    if settings.policy == Policy::NoEviction {
        return Evict::Fail;
    }
    let limit_us = time_limit_us(settings.tenacity);
    let start = now_us();
    let mut freed: i64 = 0;
    let mut keys_freed = 0u64;
    while freed < to_free as i64 {
        let Some((db, key)) = pick(st) else {
            latency(st, "eviction-cycle", start);
            return Evict::Fail;
        };
        // Only the deletion itself counts as freed memory: the DEL propagated and the events sent
        // grow buffers that are freed later.
        let before = crate::alloc::used_memory() as i64;
        let del_start = now_us();
        drop(st.dbs[db].remove(&key));
        latency(st, "eviction-del", del_start);
        freed += before - crate::alloc::used_memory() as i64;
        st.stats.evicted_keys += 1;
        crate::keyspace::touch_watched(st, me.as_deref_mut(), db, &key);
        crate::keyspace::notify_in_db(st, me.as_deref_mut(), out.as_deref_mut(), crate::notify::EVICTED, "evicted", &key, db);
        crate::propagate::deletion(st, db, &key, settings.lazy);
        keys_freed += 1;
        // Stop after a while even if not done; `background` continues.
        if keys_freed % 16 == 0 && (now_us() - start).max(0) as u64 > limit_us {
            if !st.evict.running {
                st.evict.running = true;
                WAKE.notify_one();
            }
            break;
        }
    }
    latency(st, "eviction-cycle", start);
    if st.evict.running {
        Evict::Running
    } else {
        Evict::Ok
    }
}

fn latency(st: &mut State, event: &str, start_us: i64) {
    let ms = ((now_us() - start_us).max(0) / 1000) as u64;
    crate::keyspace::latency_sample(st, event, ms);
}

/// The next key to evict, or None when no key qualifies.
fn pick(st: &mut State) -> Option<(usize, Elem)> {
    let policy = st.evict.settings.policy;
    let volatile_only = !policy.allkeys();
    let ndb = st.dbs.len();
    if !policy.uses_pool() {
        for _ in 0..ndb {
            st.evict.next_db = st.evict.next_db.wrapping_add(1);
            let j = st.evict.next_db % ndb;
            let mut key = None;
            st.dbs[j].sample(1, volatile_only, &mut st.rng, |e| key = Some(Elem::from(e.key())));
            if let Some(k) = key {
                return Some((j, k));
            }
        }
        return None;
    }
    let now = crate::util::now_ms();
    loop {
        let mut total = 0;
        for db in 0..ndb {
            let keys = if volatile_only { st.dbs[db].expires_count() } else { st.dbs[db].len() };
            if keys != 0 {
                populate(st, db, now);
                total += keys;
            }
        }
        if total == 0 {
            return None;
        }
        // Best first; a candidate whose key is gone (or lost its TTL) is a ghost: try the next.
        while let Some(c) = st.evict.pool.pop_best() {
            if st.dbs.get(c.db).is_some_and(|d| d.has_candidate(&c.key, volatile_only)) {
                return Some((c.db, c.key));
            }
        }
    }
}

/// Redis's `evictionPoolPopulate`: samples keys of one database into the pool.
fn populate(st: &mut State, db: usize, now_ms: i64) {
    let State { dbs, rng, evict, .. } = st;
    let settings = evict.settings;
    let pool = &mut evict.pool;
    let clock = (now_ms / 1000) as u32;
    let now_min = lfu_minutes(now_ms);
    dbs[db].sample(settings.samples, !settings.policy.allkeys(), rng, |e| {
        let idle = if settings.policy.is_lru() {
            clock.wrapping_sub(e.lru) as u64 * 1000
        } else if settings.policy.is_lfu() {
            255 - lfu_decr_and_return(e.lru, now_min, settings.lfu_decay_time) as u64
        } else {
            // volatile-ttl: the sooner the expiry, the better.
            u64::MAX - e.expire_at as u64
        };
        pool.offer(idle, db, e.key());
    });
}

/// Wakes `background` when a time-limited run stopped over the limit.
static WAKE: tokio::sync::Notify = tokio::sync::Notify::const_new();

/// Redis's eviction time proc: while a run stopped at its time limit with memory still over the
/// limit, keep running time-limited rounds, letting clients in between (Redis runs one per event
/// loop iteration), until memory is back under the limit or nothing is left to evict.
pub async fn background(shared: std::sync::Arc<crate::state::Shared>) {
    loop {
        WAKE.notified().await;
        loop {
            {
                let mut st = shared.lock();
                if !st.evict.running {
                    break;
                }
                if perform(&mut st, None, None) != Evict::Running {
                    st.evict.running = false;
                    break;
                }
            }
            tokio::task::yield_now().await;
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn policies_parse() {
        assert_eq!(Policy::parse("volatile-ttl"), Policy::VolatileTtl);
        assert_eq!(Policy::parse("noeviction"), Policy::NoEviction);
        assert!(Policy::parse("allkeys-lfu").is_lfu() && Policy::parse("allkeys-lfu").allkeys());
        assert!(Policy::parse("volatile-lru").is_lru() && !Policy::parse("volatile-lru").allkeys());
        assert!(!Policy::AllkeysRandom.uses_pool() && Policy::VolatileTtl.uses_pool());
    }

    #[test]
    fn pool_keeps_the_best_sixteen_in_order() {
        let mut p = Pool::default();
        for (i, idle) in [50u64, 10, 30, 20, 40].iter().enumerate() {
            p.offer(*idle, 0, format!("k{i}").as_bytes());
        }
        assert_eq!(p.scores(), vec![10, 20, 30, 40, 50]);
        for idle in 100..120u64 {
            p.offer(idle, 1, b"x");
        }
        // Full: the worst ones left, in ascending order.
        assert_eq!(p.len(), EVPOOL_SIZE);
        assert_eq!(p.scores(), (104..120).collect::<Vec<_>>());
        // Not better than the worst: refused.
        p.offer(104, 0, b"y");
        p.offer(3, 0, b"y");
        assert_eq!(p.scores()[0], 104);
        // Better than some: the worst leaves.
        p.offer(110, 2, b"z");
        assert_eq!(p.scores(), vec![105, 106, 107, 108, 109, 110, 110, 111, 112, 113, 114, 115, 116, 117, 118, 119]);
        let best = p.pop_best().unwrap();
        assert_eq!((best.idle, best.db, &*best.key), (119, 1, &b"x"[..]));
    }

    #[test]
    fn tenacity_time_limits() {
        assert_eq!(time_limit_us(0), 0);
        assert_eq!(time_limit_us(10), 500);
        assert_eq!(time_limit_us(11), 575);
        assert!(time_limit_us(99) > 100_000_000);
        assert_eq!(time_limit_us(100), u64::MAX);
    }
}
