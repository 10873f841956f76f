//! Server commands: INFO, TIME, LASTSAVE, ROLE, SHUTDOWN.

use bytes::Bytes;
use std::fmt::Write;

use super::args;
use super::ctx::{Ctx, Handler};
use super::handler::{CmdResult, SYNTAX};
use crate::state::{ShutdownRequest, State};
use crate::util::{now_ms, now_us};

pub const COMMANDS: &[(&str, Handler)] = &[("info", info), ("time", time), ("lastsave", lastsave), ("shutdown", shutdown)];

/// INFO's sections in Redis 7.0's order, and whether each is in the default set.
const SECTIONS: &[(&str, bool)] = &[
    ("server", true),
    ("clients", true),
    ("memory", true),
    ("persistence", true),
    ("stats", true),
    ("replication", true),
    ("cpu", true),
    ("modules", true),
    ("commandstats", false),
    ("errorstats", true),
    ("latencystats", false),
    ("cluster", true),
    ("keyspace", true),
];

fn human_bytes(n: u64) -> String {
    let n = n as f64;
    if n < 1024.0 {
        format!("{}B", n as u64)
    } else if n < 1024.0 * 1024.0 {
        format!("{:.2}K", n / 1024.0)
    } else if n < 1024.0 * 1024.0 * 1024.0 {
        format!("{:.2}M", n / (1024.0 * 1024.0))
    } else if n < 1024.0 * 1024.0 * 1024.0 * 1024.0 {
        format!("{:.2}G", n / (1024.0 * 1024.0 * 1024.0))
    } else {
        format!("{:.2}T", n / (1024.0 * 1024.0 * 1024.0 * 1024.0))
    }
}

fn os_line() -> String {
    let read = |p: &str| std::fs::read_to_string(p).map(|s| s.trim().to_string()).unwrap_or_default();
    format!("{} {} {}", read("/proc/sys/kernel/ostype"), read("/proc/sys/kernel/osrelease"), std::env::consts::ARCH)
}

fn total_system_memory() -> u64 {
    std::fs::read_to_string("/proc/meminfo")
        .ok()
        .and_then(|s| s.lines().find(|l| l.starts_with("MemTotal:")).and_then(|l| l.split_whitespace().nth(1)?.parse::<u64>().ok()))
        .map(|kb| kb * 1024)
        .unwrap_or(0)
}

/// Builds the INFO text for the requested section names (lowercase).
pub fn info_text(st: &State, me_id: u64, me_count: usize, requested: &[String]) -> String {
    // ALL and EVERYTHING are every section (EVERYTHING adds module-generated ones: we have none);
    // DEFAULT (or nothing) is the default set; other words name sections.
    let all = requested.iter().any(|s| s == "all" || s == "everything");
    let default = requested.is_empty() || requested.iter().any(|s| s == "default");
    let mut out = String::new();
    let mut first = true;
    for (name, in_default) in SECTIONS {
        let named = requested.iter().any(|s| s == name || (*name == "modules" && s == "module_list"));
        if !(all || named || (default && *in_default)) {
            continue;
        }
        if !first {
            out.push_str("\r\n");
        }
        first = false;
        section(st, me_id, me_count, name, &mut out);
    }
    out
}

fn section(st: &State, _me_id: u64, me_count: usize, name: &str, o: &mut String) {
    let now = now_ms();
    match name {
        "server" => {
            o.push_str("# Server\r\n");
            let mut f = |k: &str, v: &dyn std::fmt::Display| {
                let _ = write!(o, "{k}:{v}\r\n");
            };
            let uptime = (now - st.start_ms) / 1000;
            f("redis_version", &crate::REDIS_VERSION);
            f("redis_git_sha1", &"00000000");
            f("redis_git_dirty", &0);
            // A hex build id like redis-server's (clients read it as text, not a number).
            f("redis_build_id", &"ad6a5e1d0c0ffee0");
            f("redis_mode", &if st.config.is_sentinel() { "sentinel" } else { "standalone" });
            f("os", &os_line());
            f("arch_bits", &64);
            f("monotonic_clock", &"POSIX clock_gettime");
            f("multiplexing_api", &"epoll");
            f("atomicvar_api", &"c11-builtin");
            f("gcc_version", &"0.0.0");
            f("process_id", &std::process::id());
            f("process_supervised", &"no");
            f("run_id", &st.run_id);
            f("tcp_port", &st.config.port);
            f("server_time_usec", &now_us());
            f("uptime_in_seconds", &uptime);
            f("uptime_in_days", &(uptime / 86400));
            f("hz", &st.config.hz);
            f("configured_hz", &st.config.hz);
            f("lru_clock", &(crate::db::access::lru_clock() & 0xff_ffff));
            f("executable", &st.executable);
            f("config_file", &st.config_file_abs);
            f("io_threads_active", &0);
        }
        "clients" => {
            o.push_str("# Clients\r\n");
            let mut f = |k: &str, v: &dyn std::fmt::Display| {
                let _ = write!(o, "{k}:{v}\r\n");
            };
            let blocked = st.clients.values().filter(|c| c.is_blocked()).count();
            f("connected_clients", &(st.clients.len() + me_count));
            f("cluster_connections", &0);
            f("maxclients", &st.config.maxclients);
            let (recent_in, recent_out) = st.client_memory.recent_max();
            f("client_recent_max_input_buffer", &recent_in);
            f("client_recent_max_output_buffer", &recent_out);
            f("blocked_clients", &blocked);
            f("tracking_clients", &st.tracking.clients);
            f("clients_in_timeout_table", &st.clients.values().filter(|c| c.blocked.as_ref().is_some_and(|b| b.deadline_ms != 0)).count());
        }
        "memory" => {
            o.push_str("# Memory\r\n");
            let mut f = |k: &str, v: &dyn std::fmt::Display| {
                let _ = write!(o, "{k}:{v}\r\n");
            };
            // used_memory is what the allocator counts (`crate::alloc`), as Redis's zmalloc does.
            let used = crate::alloc::used_memory();
            let rss = crate::sys::rss_bytes();
            let peak = st.peak_memory.max(used);
            let sysmem = total_system_memory();
            f("used_memory", &used);
            f("used_memory_human", &human_bytes(used));
            f("used_memory_rss", &rss);
            f("used_memory_rss_human", &human_bytes(rss));
            f("used_memory_peak", &peak);
            f("used_memory_peak_human", &human_bytes(peak));
            f("used_memory_peak_perc", &format!("{:.2}%", if peak > 0 { used as f64 * 100.0 / peak as f64 } else { 100.0 }));
            let overhead = crate::evict::overhead(st);
            f("used_memory_overhead", &overhead);
            f("used_memory_startup", &st.startup_memory);
            let dataset = used.saturating_sub(overhead);
            f("used_memory_dataset", &dataset);
            // Like Redis: the share of the memory used since startup.
            let net = used.saturating_sub(st.startup_memory).max(1);
            f("used_memory_dataset_perc", &format!("{:.2}%", dataset as f64 * 100.0 / net as f64));
            f("allocator_allocated", &used);
            f("allocator_active", &used);
            f("allocator_resident", &rss);
            f("total_system_memory", &sysmem);
            f("total_system_memory_human", &human_bytes(sysmem));
            let sc = &st.scripts;
            let (vm_eval, vm_functions) = (sc.vm_memory(), sc.functions.vm_memory());
            f("used_memory_lua", &vm_eval);
            f("used_memory_vm_eval", &vm_eval);
            f("used_memory_lua_human", &human_bytes(vm_eval as u64));
            f("used_memory_scripts_eval", &sc.cache_bytes);
            f("number_of_cached_scripts", &sc.cache.len());
            f("number_of_functions", &sc.functions.function_count());
            f("number_of_libraries", &sc.functions.libraries().len());
            f("used_memory_vm_functions", &vm_functions);
            f("used_memory_vm_total", &(vm_eval + vm_functions));
            f("used_memory_vm_total_human", &human_bytes((vm_eval + vm_functions) as u64));
            let scripts = sc.cache_bytes + sc.functions.code_bytes();
            f("used_memory_functions", &sc.functions.code_bytes());
            f("used_memory_scripts", &scripts);
            f("used_memory_scripts_human", &human_bytes(scripts as u64));
            f("maxmemory", &st.config.maxmemory);
            f("maxmemory_human", &human_bytes(st.config.maxmemory));
            f("maxmemory_policy", &st.config.maxmemory_policy);
            f("allocator_frag_ratio", &"1.00");
            f("allocator_frag_bytes", &0);
            f("allocator_rss_ratio", &"1.00");
            f("allocator_rss_bytes", &0);
            f("rss_overhead_ratio", &"1.00");
            f("rss_overhead_bytes", &0);
            f("mem_fragmentation_ratio", &format!("{:.2}", rss as f64 / used.max(1) as f64));
            f("mem_fragmentation_bytes", &(rss as i64 - used as i64));
            f("mem_not_counted_for_evict", &crate::evict::not_counted(st));
            f("mem_replication_backlog", &0);
            f("mem_total_replication_buffers", &0);
            let (normal, replicas) = st.client_memory.by_kind();
            f("mem_clients_slaves", &replicas);
            f("mem_clients_normal", &normal);
            f("mem_cluster_links", &0);
            f("mem_aof_buffer", &st.aof.buffer_capacity());
            f("mem_allocator", &"libc");
            f("active_defrag_running", &0);
            f("lazyfree_pending_objects", &crate::lazyfree::pending());
            f("lazyfreed_objects", &crate::lazyfree::freed());
        }
        "persistence" => crate::persistence::info::info_section(st, o),
        "stats" => {
            o.push_str("# Stats\r\n");
            let s = &st.stats;
            let mut f = |k: &str, v: &dyn std::fmt::Display| {
                let _ = write!(o, "{k}:{v}\r\n");
            };
            f("total_connections_received", &s.total_connections_received);
            f("total_commands_processed", &s.total_commands_processed);
            f("instantaneous_ops_per_sec", &(s.ops_rate.rate() as u64));
            f("total_net_input_bytes", &s.total_net_input_bytes);
            f("total_net_output_bytes", &s.total_net_output_bytes);
            f("total_net_repl_input_bytes", &0);
            f("total_net_repl_output_bytes", &0);
            f("instantaneous_input_kbps", &format!("{:.2}", s.input_rate.rate() / 1024.0));
            f("instantaneous_output_kbps", &format!("{:.2}", s.output_rate.rate() / 1024.0));
            f("instantaneous_input_repl_kbps", &"0.00");
            f("instantaneous_output_repl_kbps", &"0.00");
            f("rejected_connections", &s.rejected_connections);
            let (full, partial_ok, partial_err) = st.repl.sync_stats();
            f("sync_full", &full);
            f("sync_partial_ok", &partial_ok);
            f("sync_partial_err", &partial_err);
            f("expired_keys", &s.expired_keys);
            f("expired_stale_perc", &format!("{:.2}", s.expired_stale_perc * 100.0));
            f("expired_time_cap_reached_count", &s.expired_time_cap_reached_count);
            f("expire_cycle_cpu_milliseconds", &0);
            f("evicted_keys", &s.evicted_keys);
            f("evicted_clients", &0);
            let (exceeded_total, exceeded_current) = st.evict.exceeded_time_ms();
            f("total_eviction_exceeded_time", &exceeded_total);
            f("current_eviction_exceeded_time", &exceeded_current);
            f("keyspace_hits", &s.keyspace_hits);
            f("keyspace_misses", &s.keyspace_misses);
            f("pubsub_channels", &st.channels.len());
            f("pubsub_patterns", &crate::pubsub::numpat(st));
            f("pubsubshard_channels", &st.shard_channels.len());
            let (latest_fork_usec, total_forks) = st.snapshots.fork_stats();
            f("latest_fork_usec", &latest_fork_usec);
            f("total_forks", &total_forks);
            f("migrate_cached_sockets", &st.migrate_sockets.len());
            f("slave_expires_tracked_keys", &0);
            f("active_defrag_hits", &0);
            f("active_defrag_misses", &0);
            f("active_defrag_key_hits", &0);
            f("active_defrag_key_misses", &0);
            f("total_active_defrag_time", &0);
            f("current_active_defrag_time", &0);
            f("tracking_total_keys", &st.tracking.total_keys());
            f("tracking_total_items", &st.tracking.total_items());
            f("tracking_total_prefixes", &st.tracking.total_prefixes());
            f("unexpected_error_replies", &s.unexpected_error_replies);
            f("total_error_replies", &s.total_error_replies);
            f("dump_payload_sanitizations", &0);
            f("total_reads_processed", &s.total_reads_processed);
            f("total_writes_processed", &s.total_writes_processed);
            f("io_threaded_reads_processed", &0);
            f("io_threaded_writes_processed", &0);
            f("reply_buffer_shrinks", &0);
            f("reply_buffer_expands", &0);
        }
        "replication" => {
            o.push_str("# Replication\r\n");
            crate::repl::info::info_section(st, o);
        }
        "cpu" => {
            o.push_str("# CPU\r\n");
            let mut f = |k: &str, v: &dyn std::fmt::Display| {
                let _ = write!(o, "{k}:{v}\r\n");
            };
            let (u, s) = crate::sys::cpu_times(false);
            let (cu, cs) = crate::sys::cpu_times(true);
            f("used_cpu_sys", &format!("{s:.6}"));
            f("used_cpu_user", &format!("{u:.6}"));
            f("used_cpu_sys_children", &format!("{cs:.6}"));
            f("used_cpu_user_children", &format!("{cu:.6}"));
            f("used_cpu_sys_main_thread", &format!("{s:.6}"));
            f("used_cpu_user_main_thread", &format!("{u:.6}"));
        }
        "modules" => o.push_str("# Modules\r\n"),
        "commandstats" => {
            o.push_str("# Commandstats\r\n");
            let mut names = st.stats.named(crate::cmd::command_table::names());
            names.sort_by(|a, b| a.0.cmp(b.0));
            for (n, c) in names {
                let per = if c.calls > 0 { c.usec as f64 / c.calls as f64 } else { 0.0 };
                let _ = write!(
                    o,
                    "cmdstat_{}:calls={},usec={},usec_per_call={:.2},rejected_calls={},failed_calls={}\r\n",
                    n, c.calls, c.usec, per, c.rejected_calls, c.failed_calls
                );
            }
        }
        "errorstats" => {
            o.push_str("# Errorstats\r\n");
            for (code, n) in &st.stats.errors {
                let _ = write!(o, "errorstat_{code}:count={n}\r\n");
            }
        }
        "latencystats" => {
            o.push_str("# Latencystats\r\n");
            let mut names: Vec<_> = st.stats.named(crate::cmd::command_table::names()).into_iter().filter(|(_, c)| c.calls > 0).collect();
            names.sort_by(|a, b| a.0.cmp(b.0));
            for (n, c) in names {
                let per = c.usec as f64 / c.calls as f64;
                let _ = write!(o, "latency_percentiles_usec_{n}:p50={per:.3},p99={per:.3},p99.9={per:.3}\r\n");
            }
        }
        "cluster" => {
            o.push_str("# Cluster\r\ncluster_enabled:0\r\n");
        }
        "keyspace" => {
            o.push_str("# Keyspace\r\n");
            for (i, db) in st.dbs.iter().enumerate() {
                if !db.is_empty() {
                    let _ = write!(o, "db{}:keys={},expires={},avg_ttl={}\r\n", i, db.len(), db.expires_count(), db.avg_ttl);
                }
            }
        }
        _ => {}
    }
}

fn info(ctx: &mut Ctx, argv: &[Bytes]) -> CmdResult {
    let requested: Vec<String> = argv[1..].iter().map(|a| super::handler::lower(a)).collect();
    let text = info_text(ctx.st, ctx.me.id, 1, &requested);
    ctx.out.verbatim(text.as_bytes());
    Ok(())
}

fn time(ctx: &mut Ctx, _argv: &[Bytes]) -> CmdResult {
    let us = now_us();
    ctx.out.array(2);
    ctx.out.bulk_int(us / 1_000_000);
    ctx.out.bulk_int(us % 1_000_000);
    Ok(())
}

fn lastsave(ctx: &mut Ctx, _argv: &[Bytes]) -> CmdResult {
    ctx.out.int(ctx.st.lastsave);
    Ok(())
}

fn shutdown(ctx: &mut Ctx, argv: &[Bytes]) -> CmdResult {
    let (mut nosave, mut save, mut abort, mut now, mut force) = (false, false, false, false, false);
    for a in &argv[1..] {
        if args::is(a, "nosave") {
            nosave = true;
        } else if args::is(a, "save") {
            save = true;
        } else if args::is(a, "now") {
            // NOW skips waiting for lagging replicas; there is no wait without replicas.
            now = true;
        } else if args::is(a, "force") {
            force = true;
        } else if args::is(a, "abort") {
            abort = true;
        } else {
            return Err(SYNTAX.into());
        }
    }
    if (abort && (nosave || save || now || force)) || (nosave && save) {
        return Err(SYNTAX.into());
    }
    // While a script is busy, only SHUTDOWN NOSAVE may stop the server (it cannot save a dataset
    // a script is changing).
    if !nosave {
        if let Some(busy) = crate::cmd::scripting::busy_error(ctx.st) {
            return Err(busy.into());
        }
    }
    if abort {
        // A shutdown here is immediate, so there is never one to abort.
        return Err("ERR No shutdown in progress.".into());
    }
    let request = if nosave {
        ShutdownRequest::NoSave
    } else if save {
        ShutdownRequest::Save
    } else {
        ShutdownRequest::Default
    };
    if crate::persistence::snapshot::prepare_shutdown(ctx.st, request, force).is_err() {
        return Err("ERR Errors trying to SHUTDOWN. Check logs.".into());
    }
    ctx.st.shutdown = Some(request);
    // No reply: the connection closes as the server goes down, as with Redis.
    ctx.me.killed = true;
    Ok(())
}
