//! What persistence shows: the INFO `# Persistence` section, in Redis 7.0's field order (the COW and
//! module fields Redis reports are 0 here: a forked child's copy-on-write is not measured).

use std::fmt::Write as _;

use super::aof_writer::AofState;
use super::save_status::ChildKind;
use crate::state::State;

/// Appends the `# Persistence` section.
pub fn info_section(st: &State, o: &mut String) {
    o.push_str("# Persistence\r\n");
    let mut f = |k: &str, v: &dyn std::fmt::Display| {
        let _ = write!(o, "{k}:{v}\r\n");
    };
    let now_s = crate::util::now_ms() / 1000;
    let snaps = &st.snapshots;
    let child = snaps.child;
    let rdb_child = child.filter(|c| c.kind == ChildKind::Rdb);
    let aof_child = child.filter(|c| c.kind == ChildKind::AofRewrite);
    let aof = &st.aof;
    f("loading", &(st.loading.is_some() as u8));
    f("async_loading", &(st.async_loading as u8));
    f("current_cow_peak", &0);
    f("current_cow_size", &0);
    f("current_cow_size_age", &0);
    f("current_fork_perc", &"0.00");
    f("current_save_keys_processed", &0);
    f("current_save_keys_total", &0);
    f("rdb_changes_since_last_save", &st.dirty);
    f("rdb_bgsave_in_progress", &(rdb_child.is_some() as u8));
    f("rdb_last_save_time", &st.lastsave);
    f("rdb_last_bgsave_status", &if snaps.last_bgsave_ok { "ok" } else { "err" });
    f("rdb_last_bgsave_time_sec", &snaps.last_bgsave_time_sec);
    f("rdb_current_bgsave_time_sec", &rdb_child.map_or(-1, |c| now_s - c.start_ms / 1000));
    f("rdb_saves", &snaps.saves);
    f("rdb_last_cow_size", &0);
    f("rdb_last_load_keys_expired", &snaps.last_load_keys_expired);
    f("rdb_last_load_keys_loaded", &snaps.last_load_keys_loaded);
    f("aof_enabled", &((aof.state != AofState::Off) as u8));
    f("aof_rewrite_in_progress", &(aof_child.is_some() as u8));
    f("aof_rewrite_scheduled", &(aof.rewrite_scheduled as u8));
    f("aof_last_rewrite_time_sec", &if aof.rewrites > 0 || !aof.last_rewrite_ok { aof.last_rewrite_time_sec } else { -1 });
    f("aof_current_rewrite_time_sec", &aof_child.map_or(-1, |c| now_s - c.start_ms / 1000));
    f("aof_last_bgrewrite_status", &if aof.last_rewrite_ok || aof.rewrites == 0 && aof.rewrite_failures == 0 { "ok" } else { "err" });
    f("aof_rewrites", &aof.rewrites);
    f("aof_rewrites_consecutive_failures", &aof.rewrite_failures);
    f("aof_last_write_status", &if aof.last_write_error.is_none() { "ok" } else { "err" });
    f("aof_last_cow_size", &0);
    f("module_fork_in_progress", &0);
    f("module_fork_last_cow_size", &0);
    if aof.state != AofState::Off {
        f("aof_current_size", &(aof.current_size + aof.buf.len() as u64));
        f("aof_base_size", &aof.base_size);
        f("aof_pending_rewrite", &(aof.rewrite_scheduled as u8));
        f("aof_buffer_length", &aof.buf.len());
        f("aof_pending_bio_fsync", &(aof.pending_fsync() as u8));
        f("aof_delayed_fsync", &aof.delayed_fsync);
    }
    if let Some(l) = &st.loading {
        let loaded = l.loaded.load(std::sync::atomic::Ordering::Relaxed);
        let elapsed = (now_s - l.start_s).max(0);
        let perc = if l.total_bytes > 0 { loaded as f64 * 100.0 / l.total_bytes as f64 } else { 0.0 };
        let eta = if loaded > 0 && elapsed > 0 { (l.total_bytes.saturating_sub(loaded)) as f64 / (loaded as f64 / elapsed as f64) } else { 1.0 };
        f("loading_start_time", &l.start_s);
        f("loading_total_bytes", &l.total_bytes);
        f("loading_rdb_used_mem", &0);
        f("loading_loaded_bytes", &loaded);
        f("loading_loaded_perc", &format!("{perc:.2}"));
        f("loading_eta_seconds", &(eta as i64));
    }
}
