//! The AOF's part of `State`: whether it is on, the buffer of commands not yet written, the open
//! incremental file and its fsync thread, the manifest, and the statistics INFO persistence shows.
//! Only `persistence` touches the file side; everyone else feeds it commands (`feed`) or reads it.

use std::fs::File;
use std::path::PathBuf;
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::Arc;

use bytes::Bytes;

use super::aof_manifest::Manifest;
use crate::config::Config;
use crate::log;
use crate::resp::request::encode_command;

#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum Fsync {
    Always,
    #[default]
    EverySec,
    No,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum AofState {
    #[default]
    Off,
    On,
    /// Turned on at runtime: writes are collected while the first base is written.
    WaitRewrite,
}

/// The AOF writer's state.
#[derive(Debug, Default)]
pub struct Aof {
    pub(in crate::persistence) state: AofState,
    /// Commands not yet written to the incremental file.
    pub(in crate::persistence) buf: Vec<u8>,
    /// The database the incremental file's last SELECT chose (None: none yet in this file).
    pub(in crate::persistence) selected_db: Option<usize>,
    pub(in crate::persistence) manifest: Manifest,
    /// The incremental file being appended to.
    pub(in crate::persistence) incr: Option<File>,
    /// While waiting for the first rewrite: the incremental file not yet in the manifest.
    pub(in crate::persistence) pending_incr: Option<PathBuf>,
    pub(in crate::persistence) fsync: Fsync,
    /// Size of the base and incremental files (aof_current_size).
    pub(in crate::persistence) current_size: u64,
    /// Size after the last rewrite or load (aof_base_size, the auto-rewrite baseline).
    pub(in crate::persistence) base_size: u64,
    pub(in crate::persistence) last_fsync_ms: i64,
    pub(in crate::persistence) fsync_in_flight: Arc<AtomicBool>,
    pub(in crate::persistence) fsync_tx: Option<std::sync::mpsc::Sender<File>>,
    /// Set while writes to the AOF fail (MISCONF for writes until it clears).
    pub(in crate::persistence) last_write_error: Option<String>,
    pub(in crate::persistence) rewrite_scheduled: bool,
    pub(in crate::persistence) rewrites: u64,
    pub(in crate::persistence) last_rewrite_ok: bool,
    pub(in crate::persistence) last_rewrite_time_sec: i64,
    pub(in crate::persistence) rewrite_failures: u64,
    pub(in crate::persistence) delayed_fsync: u64,
}

impl Aof {
    /// Reads `appendfsync` after the config changed.
    pub fn refresh(&mut self, c: &Config) {
        self.fsync = match c.get("appendfsync").as_deref() {
            Some("always") => Fsync::Always,
            Some("no") => Fsync::No,
            _ => Fsync::EverySec,
        };
    }

    /// Commands buffered, not yet written (a batch's end flushes them).
    pub fn has_unwritten(&self) -> bool {
        !self.buf.is_empty()
    }

    /// Memory the buffer holds (INFO's mem_aof_buffer; not counted for eviction).
    pub fn buffer_capacity(&self) -> usize {
        self.buf.capacity()
    }

    /// Writes to the AOF are failing (MISCONF for writes until they work again).
    pub fn write_failing(&self) -> bool {
        self.last_write_error.is_some()
    }

    /// BGREWRITEAOF while another child runs: start a rewrite once none does.
    pub fn schedule_rewrite(&mut self) {
        self.rewrite_scheduled = true;
        self.rewrite_failures = 0;
    }

    pub fn is_on(&self) -> bool {
        self.state != AofState::Off
    }

    /// Appends a propagated command, preceded by a SELECT when it runs in another database than
    /// the previous one.
    pub fn feed(&mut self, db: Option<usize>, argv: &[Bytes]) {
        if let Some(db) = db {
            if self.selected_db != Some(db) {
                let n = db.to_string();
                encode_command(&mut self.buf, &[Bytes::from_static(b"SELECT"), Bytes::from(n)]);
                self.selected_db = Some(db);
            }
        }
        encode_command(&mut self.buf, argv);
    }

    pub fn pending_fsync(&self) -> bool {
        self.fsync_in_flight.load(Ordering::Relaxed)
    }

    /// Switches appends to a new file; the next command starts with a SELECT.
    pub(super) fn switch_incr(&mut self, file: File) {
        self.incr = Some(file);
        self.selected_db = None;
    }

    /// Hands an fsync of the incremental file to the background thread (Redis's bio fsync).
    pub(super) fn background_fsync(&mut self) {
        let Some(f) = self.incr.as_ref().and_then(|f| f.try_clone().ok()) else { return };
        if self.fsync_in_flight.load(Ordering::Relaxed) {
            // Redis postpones the write up to 2 s while an fsync is in flight; we only count it.
            self.delayed_fsync += 1;
            return;
        }
        if self.fsync_tx.is_none() {
            let (tx, rx) = std::sync::mpsc::channel::<File>();
            let flag = self.fsync_in_flight.clone();
            let spawned = std::thread::Builder::new().name("aof-fsync".into()).spawn(move || {
                for f in rx {
                    if let Err(e) = f.sync_data() {
                        log::warning(&format!("Error in the AOF fsync: {e}"));
                    }
                    flag.store(false, Ordering::Relaxed);
                }
            });
            if spawned.is_err() {
                let _ = f.sync_data();
                return;
            }
            self.fsync_tx = Some(tx);
        }
        self.fsync_in_flight.store(true, Ordering::Relaxed);
        if let Some(tx) = &self.fsync_tx {
            if tx.send(f).is_err() {
                self.fsync_in_flight.store(false, Ordering::Relaxed);
            }
        }
    }
}
