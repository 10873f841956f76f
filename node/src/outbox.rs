//! The way to one client's connection from anywhere else in the server, and the count of what is
//! waiting for it.
//!
//! Messages travel through the connection's channel. Every byte sent that way, and every byte of the
//! connection's own replies, is counted in its [`Meter`] until the socket takes it: the count is the
//! client's real backlog. `client-output-buffer-limit` and CLIENT LIST's `omem` read it, so a replica
//! or subscriber that keeps pace is never mistaken for one that fell behind (only what is still
//! pending counts, never what was ever queued).

use std::sync::atomic::{AtomicI64, AtomicUsize, Ordering};
use std::sync::Arc;

use tokio::sync::mpsc;

use crate::config::ObufLimit;

/// Messages for a connection task from elsewhere in the server.
#[derive(Debug)]
pub enum ClientMsg {
    /// Bytes to send as they are (pub/sub messages, MONITOR lines, the replication stream).
    Data(Vec<u8>),
    /// The client was blocked and has been served: its reply, after which it reads input again.
    Unblocked(Vec<u8>),
    /// Close the connection after flushing what is queued (CLIENT KILL, SHUTDOWN).
    Kill,
    /// Close the connection now, dropping what is queued: the client stopped reading and went
    /// over its output buffer limit, so waiting for a flush would wait forever.
    Drop,
    /// Re-check a pause or other state (CLIENT UNPAUSE).
    Wake,
    /// The client has been idle: give back empty buffers (Redis's clientsCron resizing), so ten
    /// thousand idle connections do not hold ten thousand 16 KB buffers.
    Trim,
}

/// Bytes queued for one client and not yet written to its socket, and since when they have been
/// over the soft limit. Shared by the connection task (which writes) and the senders.
#[derive(Debug, Default)]
pub struct Meter {
    pending: AtomicUsize,
    /// The part of `pending` that is a full sync's snapshot: queued before anything else for the
    /// replica (its stream is held back until the snapshot is sent), so the first bytes written are
    /// these. Redis sends the RDB beside the output buffer; it never counts against the limit.
    snapshot: AtomicUsize,
    soft_since_ms: AtomicI64,
    closing: std::sync::atomic::AtomicBool,
}

impl Meter {
    /// Bytes waiting for the socket.
    pub fn pending(&self) -> usize {
        self.pending.load(Ordering::Relaxed)
    }

    /// `n` more bytes are waiting.
    pub fn queued(&self, n: usize) {
        if n > 0 {
            self.pending.fetch_add(n, Ordering::Relaxed);
        }
    }

    /// The socket took `n` bytes (or they were discarded). Every byte is counted before it can be
    /// written (senders count before sending, the connection counts its replies before it flushes),
    /// so this never goes below zero; it runs on every write, hence a plain subtraction.
    pub fn written(&self, n: usize) {
        if n > 0 {
            self.pending.fetch_sub(n, Ordering::Relaxed);
            if self.snapshot.load(Ordering::Relaxed) > 0 {
                let _ = self.snapshot.fetch_update(Ordering::Relaxed, Ordering::Relaxed, |p| Some(p.saturating_sub(n)));
            }
        }
    }

    /// Pending bytes that count against the output buffer limit (and show as omem): all but a
    /// snapshot still being sent.
    pub fn limited(&self) -> usize {
        self.pending().saturating_sub(self.snapshot.load(Ordering::Relaxed))
    }

    /// True the first time only: the client is to be closed for its output buffer (Redis's
    /// `CLIENT_CLOSE_ASAP`), so it is dropped and logged once however many sends follow.
    pub fn close_asap(&self) -> bool {
        !self.closing.swap(true, Ordering::Relaxed)
    }

    /// Redis's `checkClientOutputBufferLimits`: over the hard limit at once, over the soft limit only
    /// once it has stayed over it for longer than `soft_seconds`. Called with the state lock held.
    pub fn over_limit(&self, limit: ObufLimit, now_ms: i64) -> bool {
        let mut since = self.soft_since_ms.load(Ordering::Relaxed);
        let over = obuf_over_limit(limit, self.limited(), &mut since, now_ms);
        self.soft_since_ms.store(since, Ordering::Relaxed);
        over
    }
}

/// The pure rule behind [`Meter::over_limit`], for buffers counted elsewhere (a replica's stream
/// held back during its full sync): `soft_since_ms` is 0 while under the soft limit.
pub fn obuf_over_limit(limit: ObufLimit, used: usize, soft_since_ms: &mut i64, now_ms: i64) -> bool {
    let used = used as u64;
    let hard = limit.hard > 0 && used >= limit.hard;
    let mut soft = limit.soft > 0 && used >= limit.soft;
    if soft {
        if *soft_since_ms == 0 {
            *soft_since_ms = now_ms;
            soft = false;
        } else if now_ms - *soft_since_ms <= limit.soft_seconds * 1000 {
            soft = false;
        }
    } else {
        *soft_since_ms = 0;
    }
    hard || soft
}

/// The sending end of one client's channel, counting what it sends.
#[derive(Debug, Clone)]
pub struct Outbox {
    tx: mpsc::UnboundedSender<ClientMsg>,
    meter: Arc<Meter>,
}

impl Outbox {
    pub fn new(tx: mpsc::UnboundedSender<ClientMsg>) -> Outbox {
        Outbox { tx, meter: Arc::default() }
    }

    /// Bytes to write as they are, after what is queued. False once the connection is gone.
    pub fn data(&self, bytes: Vec<u8>) -> bool {
        let n = bytes.len();
        self.meter.queued(n);
        if self.tx.send(ClientMsg::Data(bytes)).is_err() {
            self.meter.written(n);
            return false;
        }
        true
    }

    /// Part of a full sync's snapshot for a replica: pending, but not counted against its limit.
    pub fn snapshot(&self, bytes: Vec<u8>) -> bool {
        let n = bytes.len();
        self.meter.snapshot.fetch_add(n, Ordering::Relaxed);
        if self.data(bytes) {
            return true;
        }
        let _ = self.meter.snapshot.fetch_update(Ordering::Relaxed, Ordering::Relaxed, |p| Some(p.saturating_sub(n)));
        false
    }

    /// A blocked client's reply; the client reads input again after it.
    pub fn unblocked(&self, reply: Vec<u8>) {
        let n = reply.len();
        self.meter.queued(n);
        if self.tx.send(ClientMsg::Unblocked(reply)).is_err() {
            self.meter.written(n);
        }
    }

    /// Close after flushing what is queued.
    pub fn kill(&self) {
        let _ = self.tx.send(ClientMsg::Kill);
    }

    /// Close now, dropping what is queued (over its output buffer limit).
    pub fn drop_now(&self) {
        let _ = self.tx.send(ClientMsg::Drop);
    }

    /// Re-check a pause or other state.
    pub fn wake(&self) {
        let _ = self.tx.send(ClientMsg::Wake);
    }

    /// The connection is gone.
    pub fn is_closed(&self) -> bool {
        self.tx.is_closed()
    }

    /// The client is idle: release buffers with nothing in them.
    pub fn trim(&self) {
        let _ = self.tx.send(ClientMsg::Trim);
    }

    pub fn meter(&self) -> &Arc<Meter> {
        &self.meter
    }

    /// Bytes waiting for this client's socket.
    pub fn pending(&self) -> usize {
        self.meter.pending()
    }
}

#[cfg(test)]
mod tests {
    use crate::config::ObufLimit;

    #[test]
    fn output_buffer_limits_follow_redis_rules() {
        let limit = ObufLimit { hard: 1000, soft: 500, soft_seconds: 2 };
        let mut since = 0;
        // Under both limits: fine, and the soft clock stays stopped.
        assert!(!obuf_over_limit(limit, 499, &mut since, 10_000));
        assert_eq!(since, 0);
        // Over soft: the clock starts, not yet a disconnection...
        assert!(!obuf_over_limit(limit, 500, &mut since, 10_000));
        assert_eq!(since, 10_000);
        // ...still within soft_seconds...
        assert!(!obuf_over_limit(limit, 600, &mut since, 12_000));
        // ...and past them it is.
        assert!(obuf_over_limit(limit, 600, &mut since, 12_001));
        // Dropping under soft resets the clock.
        assert!(!obuf_over_limit(limit, 10, &mut since, 12_002));
        assert_eq!(since, 0);
        // The hard limit applies at once (at exactly the limit, as Redis's >=).
        assert!(obuf_over_limit(limit, 1000, &mut since, 12_003));
        // Zero disables a limit.
        let off = ObufLimit { hard: 0, soft: 0, soft_seconds: 0 };
        assert!(!obuf_over_limit(off, usize::MAX, &mut since, 0));
    }

    use super::*;

    #[test]
    fn only_bytes_not_yet_written_count() {
        let (tx, mut rx) = mpsc::unbounded_channel();
        let out = Outbox::new(tx);
        // A client that keeps pace: 1 MB sent in 8 KB pieces, each written before the next.
        for _ in 0..128 {
            assert!(out.data(vec![0; 8192]));
            assert_eq!(out.pending(), 8192);
            let Some(ClientMsg::Data(d)) = rx.try_recv().ok() else { panic!("data") };
            out.meter().written(d.len());
        }
        assert_eq!(out.pending(), 0, "nothing is pending once everything was written");
        out.unblocked(b"+OK\r\n".to_vec());
        assert_eq!(out.pending(), 5);
        drop(rx);
        assert!(!out.data(vec![0; 10]), "the connection is gone");
        assert_eq!(out.pending(), 5, "bytes nobody will receive are not counted");
    }

    #[test]
    fn a_snapshot_being_sent_does_not_count_against_the_limit() {
        let (tx, _rx) = mpsc::unbounded_channel();
        let out = Outbox::new(tx);
        let limit = ObufLimit { hard: 1000, soft: 0, soft_seconds: 0 };
        assert!(out.snapshot(vec![0; 5000]));
        assert!(out.data(vec![0; 600]), "stream after the snapshot");
        assert_eq!((out.pending(), out.meter().limited()), (5600, 600));
        assert!(!out.meter().over_limit(limit, 0));
        out.meter().written(4900);
        assert_eq!((out.pending(), out.meter().limited()), (700, 600), "the snapshot is written first");
        out.meter().written(200);
        assert_eq!((out.pending(), out.meter().limited()), (500, 500));
        assert!(out.data(vec![0; 600]));
        assert!(out.meter().over_limit(limit, 0), "stream bytes count");
    }

    #[test]
    fn soft_limit_needs_its_seconds_hard_limit_is_immediate() {
        let limit = ObufLimit { hard: 100, soft: 50, soft_seconds: 2 };
        let m = Meter::default();
        m.queued(60);
        assert!(!m.over_limit(limit, 1_000), "soft limit just reached");
        assert!(!m.over_limit(limit, 3_000), "over it for exactly soft_seconds");
        assert!(m.over_limit(limit, 3_001), "over it for longer");
        m.written(20);
        assert!(!m.over_limit(limit, 3_002), "back under the soft limit resets the clock");
        assert!(!m.over_limit(limit, 9_000));
        m.queued(60);
        assert!(m.over_limit(limit, 9_001), "hard limit");
        let none = ObufLimit { hard: 0, soft: 0, soft_seconds: 0 };
        assert!(!m.over_limit(none, 9_002), "0 0 0: no limit");
    }
}
