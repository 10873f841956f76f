//! Lazy freeing (Redis's lazyfree.c): a value whose freeing takes many allocations is dropped on
//! a background thread instead of the command's, when UNLINK, FLUSHALL/FLUSHDB ASYNC or one of the
//! `lazyfree-lazy-*` settings asks for it, so deleting a huge key does not stall every client.
//! INFO's `lazyfree_pending_objects` and `lazyfreed_objects` count exactly what Redis counts: one
//! per value freed in the background, and one per key of a database flushed asynchronously.

use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::mpsc::{channel, Sender};
use std::sync::{Mutex, OnceLock};

use crate::db::{Db, Entry, Value};

/// LAZYFREE_THRESHOLD: values that take more allocations than this to free go to the thread.
const THRESHOLD: usize = 64;

static PENDING: AtomicU64 = AtomicU64::new(0);
static FREED: AtomicU64 = AtomicU64::new(0);

enum Job {
    Value(Entry),
    Databases(Vec<Db>, u64),
}

/// The background thread's queue, started on first use. None: it could not be started (then
/// everything is freed at once, as without lazy freeing).
fn queue() -> Option<&'static Mutex<Sender<Job>>> {
    static QUEUE: OnceLock<Option<Mutex<Sender<Job>>>> = OnceLock::new();
    QUEUE
        .get_or_init(|| {
            let (tx, rx) = channel::<Job>();
            let spawned = std::thread::Builder::new().name("lazyfree".into()).spawn(move || {
                for job in rx {
                    let n = match job {
                        Job::Value(e) => {
                            drop(e);
                            1
                        }
                        Job::Databases(dbs, keys) => {
                            drop(dbs);
                            keys
                        }
                    };
                    PENDING.fetch_sub(n, Ordering::Relaxed);
                    FREED.fetch_add(n, Ordering::Relaxed);
                }
            });
            spawned.ok().map(|_| Mutex::new(tx))
        })
        .as_ref()
}

fn submit(job: Job, count: u64) {
    let Some(q) = queue() else { return };
    PENDING.fetch_add(count, Ordering::Relaxed);
    let sent = q.lock().map(|tx| tx.send(job));
    if !matches!(sent, Ok(Ok(()))) {
        // The job came back (or was dropped with the lock): it is freed here after all.
        PENDING.fetch_sub(count, Ordering::Relaxed);
    }
}

/// Redis's `lazyfreeGetFreeEffort`: about how many allocations freeing the value takes.
/// `list_fill` is `list-max-listpack-size` (a list's node count depends on it).
pub fn free_effort(v: &Value, list_fill: i64) -> usize {
    match v {
        Value::List(l) => crate::db::types::quicklist_shape(l, list_fill).0,
        Value::Set(s) if s.encoding() == "hashtable" => s.len(),
        Value::ZSet(z) if z.encoding() == "skiplist" => z.len(),
        Value::Hash(h) if h.encoding() == "hashtable" => h.len(),
        Value::Stream(s) => {
            // Every node is an allocation; every group too, and the entries of its PEL, which
            // Redis estimates from the first group's.
            let groups = s.groups.len();
            let first_pel = s.groups.values().next().map_or(0, |g| g.pel.len());
            s.rax_node_count() + groups * (1 + first_pel)
        }
        _ => 1,
    }
}

/// Frees a deleted key's value: on the background thread when `lazy` and it is worth it (Redis's
/// `freeObjAsync`), else here and now.
pub fn free(entry: Entry, lazy: bool, list_fill: i64) {
    if lazy && free_effort(&entry.value, list_fill) > THRESHOLD {
        submit(Job::Value(entry), 1);
    }
}

/// Frees flushed databases on the background thread (Redis's `emptyDbAsync`), counting their keys.
pub fn free_databases(dbs: Vec<Db>) {
    let keys: u64 = dbs.iter().map(|d| d.len() as u64).sum();
    submit(Job::Databases(dbs, keys), keys);
}

/// INFO's `lazyfree_pending_objects`.
pub fn pending() -> u64 {
    PENDING.load(Ordering::Relaxed)
}

/// INFO's `lazyfreed_objects`.
pub fn freed() -> u64 {
    FREED.load(Ordering::Relaxed)
}

/// CONFIG RESETSTAT.
pub fn reset_stats() {
    FREED.store(0, Ordering::Relaxed);
}

#[cfg(test)]
mod tests {
    use super::*;

    fn wait_idle() {
        let deadline = std::time::Instant::now() + std::time::Duration::from_secs(5);
        while pending() > 0 && std::time::Instant::now() < deadline {
            std::thread::sleep(std::time::Duration::from_millis(5));
        }
    }

    #[test]
    fn big_values_and_flushed_databases_are_counted() {
        let before = freed();
        let small = Entry::string(b"k", b"v");
        free(small, true, -2);
        let mut db = Db::new();
        for i in 0..10u32 {
            db.insert(Entry::string(format!("k{i}").as_bytes(), b"v"));
        }
        free_databases(vec![db, Db::new()]);
        wait_idle();
        assert_eq!(pending(), 0);
        assert_eq!(freed() - before, 10, "one per flushed key; a string is freed at once");
        assert_eq!(free_effort(&Value::Inline, -2), 1);
    }
}
