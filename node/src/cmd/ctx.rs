//! `Ctx`: what a command handler works with, and the side effects that every write carries
//! (WATCH invalidation, keyspace notifications, waking blocked clients, the dirty counter).

use bytes::Bytes;

use super::handler::{CmdError, CmdResult, WRONGTYPE};
use crate::client::ClientState;
use crate::db::{Db, Entry, Value};
use crate::keyspace::{expired_events, notify_in_db, touch_watched};
use crate::notify;
use crate::resp::reply::Out;
use crate::state::State;

/// A command handler: reads `argv` (argv[0] is the command name), writes its reply to `ctx.out`.
pub type Handler = fn(&mut Ctx, &[Bytes]) -> CmdResult;

pub struct Ctx<'a> {
    pub st: &'a mut State,
    /// The client running the command (taken out of `st.clients` while it runs).
    pub me: &'a mut ClientState,
    pub out: &'a mut Out,
    /// The command's clock (Unix ms), fixed for its whole run like Redis's cached `mstime`.
    pub now: i64,
    /// How the command's own argv is propagated (see `propagate`).
    pub prop: crate::propagate::CommandProp,
}

impl<'a> Ctx<'a> {
    pub fn new(st: &'a mut State, me: &'a mut ClientState, out: &'a mut Out, now: i64) -> Self {
        Ctx { st, me, out, now, prop: Default::default() }
    }

    /// Redis's `checkAlreadyExpired`: a deadline already past deletes the key at once, except on a
    /// replica, which keeps it until the deletion comes from its master.
    pub fn already_expired(&self, when: i64) -> bool {
        when <= self.now && !self.st.repl.is_replica()
    }

    pub fn db_index(&self) -> usize {
        self.me.db
    }

    pub fn db(&mut self) -> &mut Db {
        let i = self.me.db;
        &mut self.st.dbs[i]
    }

    /// Looks a key up for reading: counts keyspace hits/misses and refreshes the access clock.
    pub fn lookup_read(&mut self, key: &[u8]) -> Option<&mut Entry> {
        self.lookup_read_flags(key, true)
    }

    /// `lookup_read` without refreshing the access clock (Redis's LOOKUP_NOTOUCH): for commands
    /// that look at a key's metadata (TYPE, TTL, EXISTS), so they neither reset OBJECT IDLETIME
    /// nor make a key look recently used to LRU eviction.
    pub fn lookup_read_notouch(&mut self, key: &[u8]) -> Option<&mut Entry> {
        self.lookup_read_flags(key, false)
    }

    fn lookup_read_flags(&mut self, key: &[u8], touch: bool) -> Option<&mut Entry> {
        let slot = self.lookup_read_slot(key, touch)?;
        let i = self.me.db;
        self.st.dbs[i].at_mut(slot)
    }

    /// The read lookup itself (hit/miss accounting, `keymiss` event, access clock), one hash of
    /// the key: it returns the entry's slot, which the callers borrow the entry from.
    fn lookup_read_slot(&mut self, key: &[u8], touch: bool) -> Option<u32> {
        let now = self.now;
        let i = self.me.db;
        let Some(slot) = self.st.dbs[i].lookup_slot(key, now) else {
            self.st.stats.keyspace_misses += 1;
            if self.st.config.notify_keyspace_events & notify::KEY_MISS != 0 {
                self.notify(notify::KEY_MISS, "keymiss", key);
            }
            return None;
        };
        let st = &mut *self.st;
        st.stats.keyspace_hits += 1;
        // Like Redis, no access clock updates while a forked child holds a snapshot: each would
        // copy a page of memory for nothing.
        if touch && st.snapshots.child().is_none() {
            if let Some(e) = st.dbs[i].at_mut(slot) {
                crate::db::access::touch(st.evict.access(), &mut st.rng, e, now);
            }
        }
        Some(slot)
    }

    /// `lookup_read` that also hands back the output, so a handler can reply straight from the value.
    pub fn read_with_out(&mut self, key: &[u8]) -> (Option<&mut Entry>, &mut Out) {
        let slot = self.lookup_read_slot(key, true);
        let i = self.me.db;
        let e = match slot {
            Some(s) => self.st.dbs[i].at_mut(s),
            None => None,
        };
        (e, &mut *self.out)
    }

    /// `read_with_out` for a typed value: `project` picks the value out of the entry (None = another
    /// type, which replies WRONGTYPE). Shared by the collection families' read paths.
    pub fn read_typed<T: ?Sized>(&mut self, key: &[u8], project: fn(&Value) -> Option<&T>) -> Result<(Option<&T>, &mut Out), CmdError> {
        let (e, out) = self.read_with_out(key);
        match e {
            None => Ok((None, out)),
            Some(e) => match project(&e.value) {
                Some(v) => Ok((Some(v), out)),
                None => Err(WRONGTYPE.into()),
            },
        }
    }

    /// Looks a key up for writing (no hit/miss accounting).
    pub fn lookup_write(&mut self, key: &[u8]) -> Option<&mut Entry> {
        let now = self.now;
        let i = self.me.db;
        let st = &mut *self.st;
        let e = st.dbs[i].lookup(key, now)?;
        // Like Redis, no access clock updates while a forked child holds a snapshot: each would
        // copy a page of memory for nothing.
        if st.snapshots.child().is_none() {
            crate::db::access::touch(st.evict.access(), &mut st.rng, e, now);
        }
        Some(e)
    }

    pub fn exists(&mut self, key: &[u8]) -> bool {
        let now = self.now;
        let i = self.me.db;
        self.st.dbs[i].contains(key, now)
    }

    /// The value's type check shared by every typed command: Ok(None) when missing, WRONGTYPE when
    /// the key holds another type.
    pub fn read_value(&mut self, key: &[u8], want: &'static str) -> Result<Option<&mut Entry>, CmdError> {
        match self.lookup_read(key) {
            None => Ok(None),
            Some(e) if e.value.type_name() == want => Ok(Some(e)),
            Some(_) => Err(WRONGTYPE.into()),
        }
    }

    pub fn write_value(&mut self, key: &[u8], want: &'static str) -> Result<Option<&mut Entry>, CmdError> {
        match self.lookup_write(key) {
            None => Ok(None),
            Some(e) if e.value.type_name() == want => Ok(Some(e)),
            Some(_) => Err(WRONGTYPE.into()),
        }
    }

    /// Gets the entry for `key` of type `want`, creating it with `make` when missing.
    pub fn write_or_create(&mut self, key: &[u8], want: &'static str, make: impl FnOnce() -> Value) -> Result<&mut Entry, CmdError> {
        let now = self.now;
        let i = self.me.db;
        let st = &mut *self.st;
        let db = &mut st.dbs[i];
        match db.lookup(key, now) {
            Some(e) if e.value.type_name() != want => return Err(WRONGTYPE.into()),
            // An access, like Redis's lookupKeyWrite.
            Some(e) if st.snapshots.child().is_none() => crate::db::access::touch(st.evict.access(), &mut st.rng, e, now),
            Some(_) => {}
            None => {
                db.insert(Entry::with_value(key, make()));
                self.notify_new(key);
            }
        }
        let db = &mut self.st.dbs[i];
        match db.lookup(key, now) {
            Some(e) => Ok(e),
            None => Err("ERR internal error: key vanished".into()),
        }
    }

    /// Removes a key; returns whether it existed. Does not notify (callers name the event).
    pub fn delete(&mut self, key: &[u8]) -> bool {
        self.delete_freeing(key, false)
    }

    /// Deletes a key the way DEL does: WATCHers see the change, the `del` event goes out and it
    /// counts as one change. Returns whether it existed.
    pub fn delete_signalled(&mut self, key: &[u8]) -> bool {
        if !self.delete(key) {
            return false;
        }
        self.modified(key);
        self.notify(notify::GENERIC, "del", key);
        self.dirty(1);
        true
    }

    /// Removes a key as DEL / UNLINK do: its value freed in the background when `lazy` and large
    /// (Redis's `dbAsyncDelete`). Returns whether it existed.
    pub fn delete_freeing(&mut self, key: &[u8], lazy: bool) -> bool {
        let now = self.now;
        let fill = self.st.config.list_max_listpack_size;
        let db = &mut self.st.dbs[self.me.db];
        if db.lookup(key, now).is_none() {
            return false;
        }
        match db.remove(key) {
            Some(e) => {
                crate::lazyfree::free(e, lazy, fill);
                true
            }
            None => false,
        }
    }

    /// Removes the key if its collection became empty (Redis deletes empty aggregates), notifying `del`.
    pub fn delete_if_empty(&mut self, key: &[u8]) -> bool {
        let empty = match self.lookup_write(key).map(|e| &e.value) {
            Some(Value::List(l)) => l.is_empty(),
            Some(Value::Hash(h)) => h.is_empty(),
            Some(Value::Set(s)) => s.is_empty(),
            Some(Value::ZSet(z)) => z.is_empty(),
            _ => false,
        };
        if empty {
            self.delete(key);
            self.notify(notify::GENERIC, "del", key);
        }
        empty
    }

    /// Redis's `signalModifiedKey`: WATCHers of the key see their transaction fail.
    pub fn modified(&mut self, key: &[u8]) {
        let db = self.me.db;
        touch_watched(self.st, Some(self.me), db, key);
    }

    /// Adds to the count of changes since the last save.
    pub fn dirty(&mut self, n: u64) {
        self.st.dirty += n;
    }

    /// Wakes clients blocked on `key` (after this command finishes).
    pub fn signal_ready(&mut self, key: &[u8]) {
        if self.st.blocking_keys.is_empty() {
            return;
        }
        let db = self.me.db;
        let k = (db, Bytes::copy_from_slice(key));
        if self.st.blocking_keys.contains_key(&k) && !self.st.ready_keys.contains(&k) {
            self.st.ready_keys.push(k);
        }
    }

    /// Publishes a keyspace notification if the class is enabled (`notifyKeyspaceEvent`).
    pub fn notify(&mut self, class: u32, event: &str, key: &[u8]) {
        let db = self.me.db;
        notify_in_db(self.st, Some(&mut *self.me), Some(&mut *self.out), class, event, key, db);
    }

    /// The `new` keyspace event Redis's `dbAdd` sends when a key is created (class `n`).
    pub fn notify_new(&mut self, key: &[u8]) {
        if self.st.config.notify_keyspace_events & notify::NEW != 0 {
            self.notify(notify::NEW, "new", key);
        }
    }

    /// PUBLISH: delivers to channel and pattern subscribers; returns how many received it.
    pub fn publish(&mut self, channel: &[u8], message: &[u8]) -> usize {
        crate::pubsub::publish(self.st, Some(&mut *self.me), Some(&mut *self.out), channel, message)
    }

    /// Propagates `argv` instead of the command as it was sent (Redis's `rewriteClientCommandVector`).
    pub fn propagate_as(&mut self, argv: Vec<Bytes>) {
        self.prop.rewrite = Some(argv);
    }

    /// `propagate_as` built from byte strings.
    pub fn propagate_as_parts(&mut self, parts: &[&[u8]]) {
        self.propagate_as(parts.iter().map(|p| Bytes::copy_from_slice(p)).collect());
    }

    /// Keeps the command's own argv out of the AOF and replication (it propagated something else).
    pub fn prevent_propagation(&mut self) {
        self.prop.prevent = true;
    }

    /// Propagates an extra operation in the current database, after anything queued before it and
    /// before the command's own argv (Redis's `alsoPropagate`).
    pub fn also_propagate(&mut self, argv: Vec<Bytes>) {
        let db = self.me.db;
        crate::propagate::push(self.st, db, argv, crate::propagate::ALL);
    }

    /// Whether anything receives propagated operations (commands may skip building them if not).
    pub fn propagation_wanted(&self) -> bool {
        crate::propagate::wanted(self.st)
    }

    /// Bookkeeping after the handler: turn keys removed by lazy expiry into events.
    pub fn finish(&mut self) {
        let db = self.me.db;
        expired_events(self.st, Some(&mut *self.me), Some(&mut *self.out), db);
    }
}
