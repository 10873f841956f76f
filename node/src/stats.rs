//! Counters behind INFO stats, commandstats and errorstats, and the instantaneous-rate samplers.

use std::collections::BTreeMap;

/// Per-command counters (INFO commandstats).
#[derive(Debug, Default, Clone)]
pub struct CommandStat {
    pub calls: u64,
    pub usec: u64,
    pub rejected_calls: u64,
    pub failed_calls: u64,
}

/// How many samples the instantaneous metrics average over (STATS_METRIC_SAMPLES).
const RATE_SAMPLES: usize = 16;

/// Redis's instantaneous metric: samples of a counter's rate, averaged.
#[derive(Debug, Default, Clone)]
pub struct RateSampler {
    last_ms: i64,
    last_value: u64,
    samples: [f64; RATE_SAMPLES],
    idx: usize,
}

impl RateSampler {
    pub fn sample(&mut self, now_ms: i64, value: u64) {
        if self.last_ms != 0 {
            let dt = (now_ms - self.last_ms).max(1) as f64;
            let per_sec = (value.saturating_sub(self.last_value)) as f64 * 1000.0 / dt;
            self.samples[self.idx] = per_sec;
            self.idx = (self.idx + 1) % RATE_SAMPLES;
        }
        self.last_ms = now_ms;
        self.last_value = value;
    }

    pub fn rate(&self) -> f64 {
        self.samples.iter().sum::<f64>() / RATE_SAMPLES as f64
    }
}

#[derive(Debug, Default)]
pub struct Stats {
    pub total_connections_received: u64,
    pub total_commands_processed: u64,
    pub total_net_input_bytes: u64,
    pub total_net_output_bytes: u64,
    pub rejected_connections: u64,
    pub expired_keys: u64,
    pub evicted_keys: u64,
    pub keyspace_hits: u64,
    pub keyspace_misses: u64,
    pub total_error_replies: u64,
    pub unexpected_error_replies: u64,
    pub total_reads_processed: u64,
    pub total_writes_processed: u64,
    pub client_query_buffer_limit_disconnections: u64,
    pub client_output_buffer_limit_disconnections: u64,
    pub expired_stale_perc: f64,
    pub expired_time_cap_reached_count: u64,
    /// Per-command counters indexed by `CommandDef::id`.
    pub commands: Vec<CommandStat>,
    /// Error code → count (INFO errorstats), sorted for output.
    pub errors: BTreeMap<String, u64>,
    pub ops_rate: RateSampler,
    pub input_rate: RateSampler,
    pub output_rate: RateSampler,
}

/// Redis caps errorstats at this many distinct codes, then stops tracking new ones.
const ERRORSTATS_LIMIT: usize = 128;

impl Stats {
    /// Counts an error reply by its code. An empty code marks an error already counted where it
    /// happened (a command's error that a script passes on as its own reply, as Redis's
    /// `ignore_err_stats_update`): it fails the command but is not counted again.
    pub fn record_error(&mut self, code: &str) {
        if code.is_empty() {
            return;
        }
        self.total_error_replies += 1;
        if let Some(n) = self.errors.get_mut(code) {
            *n += 1;
        } else if self.errors.len() < ERRORSTATS_LIMIT {
            self.errors.insert(code.to_string(), 1);
        }
    }

    /// Counters of a command by id (the hot path: no hashing).
    pub fn by_id(&mut self, id: usize) -> &mut CommandStat {
        if id >= self.commands.len() {
            self.commands.resize(id + 1, CommandStat::default());
        }
        &mut self.commands[id]
    }

    /// (full name, counters) of every command that was called or rejected; `names` are the full
    /// command names by id (the command table's).
    pub fn named(&self, names: &[&'static str]) -> Vec<(&'static str, &CommandStat)> {
        self.commands
            .iter()
            .enumerate()
            .filter(|(i, c)| *i < names.len() && (c.calls > 0 || c.rejected_calls > 0 || c.failed_calls > 0))
            .map(|(i, c)| (names[i], c))
            .collect()
    }

    /// CONFIG RESETSTAT.
    pub fn reset(&mut self) {
        *self = Stats::default();
    }
}
