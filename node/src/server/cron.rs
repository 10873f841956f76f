//! Redis's serverCron, at `hz`: active expiry, instantaneous rates, idle clients, pause expiry.

use std::sync::Arc;
use std::time::Duration;

use crate::log;
use crate::state::{Shared, State};
use crate::util::now_ms;

/// Active expiry: keys sampled per database per cycle (ACTIVE_EXPIRE_CYCLE_KEYS_PER_LOOP).
const EXPIRE_KEYS_PER_LOOP: usize = 20;
/// Keep sampling a database while more than this share of the sample was expired.
const EXPIRE_ACCEPTABLE_STALE: f64 = 0.10;

/// Redis's serverCron at `hz`: active expiry, instantaneous rates, idle clients, pause expiry.
/// Clients idle for 2 s give back their empty buffers, once per idle spell (Redis's clientsCron
/// frees an idle client's query buffer after 2 s the same way). DEBUG REPLYBUFFER RESIZING 0 or
/// PEAK-RESET-TIME NEVER keeps them, as they stop Redis's reply-buffer resizing.
fn trim_idle_clients(st: &mut State, now: i64) {
    if !st.reply_buffer_resizing || st.reply_buffer_peak_reset_ms < 0 {
        return;
    }
    for c in st.clients.values_mut() {
        if !c.buffers_trimmed && now - c.last_interaction_ms > 2000 {
            c.buffers_trimmed = true;
            c.outbox.trim();
        }
    }
}

/// Redis's clientsCron: each tick visits `clients / hz` clients (at least 5, or all of them when
/// fewer), so each is seen about once a second, or every tick when there are few; a visit resizes
/// what its buffers are accounted as (`client::memory`), as Redis resizes the buffers themselves.
fn visit_clients(st: &mut State, now: i64, tick: u64) {
    let n = st.clients.len();
    let State { clients, client_memory, config, reply_buffer_resizing, reply_buffer_peak_reset_ms, .. } = st;
    client_memory.start_tick(now / 1000);
    if n == 0 {
        return;
    }
    let per_tick = (n / config.hz.clamp(1, 500) as usize).max(n.min(5));
    let period = n.div_ceil(per_tick) as u64;
    for c in clients.values_mut() {
        if period > 1 && (c.id + tick) % period != 0 {
            continue;
        }
        let idle_s = now / 1000 - c.last_interaction_ms / 1000;
        let pending = c.outbox.pending();
        c.mem.cron_visit(now, idle_s, *reply_buffer_resizing, *reply_buffer_peak_reset_ms, pending);
        let shown = c.memory(None);
        client_memory.visit(now / 1000, &mut c.mem, &shown, c.is_replica && !c.monitor);
    }
}

pub(super) async fn cron(shared: Arc<Shared>) {
    let mut last_second = 0i64;
    let mut tick = 0u64;
    loop {
        let hz = shared.lock().config.hz.clamp(1, 500);
        tokio::time::sleep(Duration::from_millis(1000 / hz as u64)).await;
        let mut st = shared.lock();
        let now = now_ms();
        // A replica waits for its master's DELs instead of expiring keys itself.
        if st.active_expire_enabled && !st.repl.is_replica() {
            active_expire(&mut st, now);
        }
        if st.tracking.clients > 0 {
            // Keys expired in the background reach BCAST clients too, and the caching table is
            // trimmed on the timer as well as before commands, as in Redis.
            crate::tracking::broadcast(&mut st, None, None);
            crate::tracking::limit_used_slots(&mut st, None);
        }
        let second_tick = now - last_second >= 1000;
        if second_tick {
            last_second = now;
        }
        crate::repl::replica::cron(&shared, &mut st);
        crate::repl::master::cron(&shared, &mut st, second_tick);
        let used = crate::alloc::used_memory();
        if used > st.peak_memory {
            st.peak_memory = used;
        }
        let (ops, input, output) = (st.stats.total_commands_processed, st.stats.total_net_input_bytes, st.stats.total_net_output_bytes);
        st.stats.ops_rate.sample(now, ops);
        st.stats.input_rate.sample(now, input);
        st.stats.output_rate.sample(now, output);
        crate::persistence::snapshot::cron(&mut st);
        st.scripts.reap_debug_sessions();
        crate::persistence::aof::flush(&mut st);
        crate::repl::flush_stream(&mut st);
        if st.pause.is_some_and(|p| p.until_ms <= now) {
            st.pause = None;
        }
        tick += 1;
        visit_clients(&mut st, now, tick);
        if second_tick {
            trim_idle_clients(&mut st, now);
            st.migrate_sockets.close_idle(now / 1000);
        }
        let timeout = st.config.timeout;
        if timeout > 0 {
            let limit = now - timeout as i64 * 1000;
            for c in st.clients.values_mut() {
                let exempt = c.is_replica || c.is_master || c.subscriptions() > 0 || c.blocked.is_some();
                if !exempt && c.last_interaction_ms < limit && !c.killed {
                    log::verbose("Closing idle client");
                    c.killed = true;
                    c.outbox.kill();
                }
            }
        }
    }
}

/// The active expiry cycle: sample keys with a TTL in each db, repeat while many were stale,
/// within a time budget (25% of a cron tick, as Redis's slow cycle).
pub fn active_expire(st: &mut crate::state::State, now: i64) {
    let effort = st.config.active_expire_effort.clamp(1, 10) as usize;
    let per_loop = EXPIRE_KEYS_PER_LOOP + EXPIRE_KEYS_PER_LOOP / 4 * (effort - 1);
    let budget_us = 1_000_000 / st.config.hz.max(1) as i64 / 4;
    let start = crate::util::now_us();
    let mut total_sampled = 0usize;
    let mut total_expired = 0usize;
    for db in 0..st.dbs.len() {
        if st.dbs[db].expires_count() == 0 {
            continue;
        }
        loop {
            let (sampled, expired) = st.dbs[db].active_expire(now, per_loop);
            total_sampled += sampled;
            total_expired += expired;
            if !st.dbs[db].expired_log.is_empty() {
                crate::keyspace::expired_events(st, None, None, db);
            }
            if crate::util::now_us() - start > budget_us {
                st.stats.expired_time_cap_reached_count += 1;
                break;
            }
            if sampled == 0 || (expired as f64) <= sampled as f64 * EXPIRE_ACCEPTABLE_STALE {
                break;
            }
        }
    }
    if total_sampled > 0 {
        let perc = total_expired as f64 / total_sampled as f64;
        st.stats.expired_stale_perc = perc * 0.05 + st.stats.expired_stale_perc * 0.95;
    }
    if st.group_readers_blocked > 0 {
        crate::cmd::streams::drop_readers_of_deleted_keys(st);
    }

    if !st.ready_keys.is_empty() {
        crate::cmd::blocking::serve_ready_keys(st, None);
    }
}
