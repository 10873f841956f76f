//! LATENCY: the latency monitor's events and samples (`latency-monitor-threshold`), graphs, doctor and the per-command histograms.

use bytes::Bytes;

use super::help_reply;
use crate::cmd::ctx::Ctx;
use crate::cmd::handler::CmdResult;

pub(super) fn latency_latest(ctx: &mut Ctx, _argv: &[Bytes]) -> CmdResult {
    let mut events: Vec<(String, crate::state::LatencyEvent)> = ctx.st.latency.iter().map(|(k, v)| (k.clone(), v.clone())).collect();
    events.sort_by(|a, b| a.0.cmp(&b.0));
    ctx.out.array(events.len());
    for (name, e) in events {
        ctx.out.array(4);
        ctx.out.bulk(name.as_bytes());
        ctx.out.int(e.latest_s);
        ctx.out.int(e.latest_ms as i64);
        ctx.out.int(e.max_ms as i64);
    }
    Ok(())
}

pub(super) fn latency_history(ctx: &mut Ctx, argv: &[Bytes]) -> CmdResult {
    let name = String::from_utf8_lossy(&argv[2]).into_owned();
    let hist: Vec<(i64, u64)> = ctx.st.latency.get(&name).map(|e| e.history.iter().copied().collect()).unwrap_or_default();
    ctx.out.array(hist.len());
    for (t, ms) in hist {
        ctx.out.array(2);
        ctx.out.int(t);
        ctx.out.int(ms as i64);
    }
    Ok(())
}

pub(super) fn latency_reset(ctx: &mut Ctx, argv: &[Bytes]) -> CmdResult {
    let n = if argv.len() == 2 {
        let n = ctx.st.latency.len();
        ctx.st.latency.clear();
        n
    } else {
        argv[2..].iter().filter(|a| ctx.st.latency.remove(&*String::from_utf8_lossy(a)).is_some()).count()
    };
    ctx.out.int(n as i64);
    Ok(())
}

/// Width of LATENCY GRAPH (LATENCY_GRAPH_COLS) and its height in rows.
const GRAPH_COLS: usize = 80;
const GRAPH_ROWS: usize = 4;

pub(super) fn latency_graph(ctx: &mut Ctx, argv: &[Bytes]) -> CmdResult {
    let name = String::from_utf8_lossy(&argv[2]).into_owned();
    let Some(e) = ctx.st.latency.get(&name) else {
        return Err(format!("ERR No samples available for event '{name}'").into());
    };
    let now = crate::util::now_ms() / 1000;
    let samples: Vec<(u64, String)> = e
        .history
        .iter()
        .map(|&(t, ms)| {
            let elapsed = now - t;
            let label = if elapsed < 60 {
                format!("{elapsed}s")
            } else if elapsed < 3600 {
                format!("{}m", elapsed / 60)
            } else if elapsed < 86400 {
                format!("{}h", elapsed / 3600)
            } else {
                format!("{}d", elapsed / 86400)
            };
            (ms, label)
        })
        .collect();
    let max = samples.iter().map(|s| s.0).max().unwrap_or(0);
    let min = samples.iter().map(|s| s.0).min().unwrap_or(0);
    let mut graph = format!("{name} - high {max} ms, low {min} ms (all time high {} ms)\n", e.max_ms);
    graph.push_str(&"-".repeat(GRAPH_COLS));
    graph.push('\n');
    let mut first = true;
    for chunk in samples.chunks(GRAPH_COLS) {
        if !first {
            graph.push('\n');
        }
        first = false;
        sparkline_rows(&mut graph, chunk, min, max);
    }
    ctx.out.verbatim(graph.as_bytes());
    Ok(())
}

/// Redis's sparkline rendering (filled style): `GRAPH_ROWS` rows of `_o#|` bars scaled between the
/// sequence's min and max, then the labels written vertically under each column.
fn sparkline_rows(out: &mut String, samples: &[(u64, String)], min: u64, max: u64) {
    const FILL: [char; 3] = ['_', 'o', '#'];
    let steps = (FILL.len() * GRAPH_ROWS) as f64;
    let relmax = if max == min { 1.0 } else { (max - min) as f64 };
    let mut row = 0;
    loop {
        let mut chars = vec![' '; samples.len()];
        let mut more = false;
        for (j, (value, label)) in samples.iter().enumerate() {
            let relval = (value - min) as f64;
            let step = ((relval * steps) / relmax) as i64;
            let step = step.clamp(0, steps as i64 - 1);
            if row < GRAPH_ROWS {
                more = true;
                let idx = step - ((GRAPH_ROWS - row - 1) * FILL.len()) as i64;
                if (0..FILL.len() as i64).contains(&idx) {
                    chars[j] = FILL[idx as usize];
                } else if idx >= FILL.len() as i64 {
                    chars[j] = '|';
                }
            } else {
                // One blank row between the bars and the labels.
                if row - GRAPH_ROWS < 1 {
                    more = true;
                    break;
                }
                let label_char = row - GRAPH_ROWS - 1;
                if let Some(c) = label.chars().nth(label_char) {
                    more = true;
                    chars[j] = c;
                }
            }
        }
        if !more {
            break;
        }
        row += 1;
        out.extend(chars);
        out.push('\n');
    }
}

pub(super) fn latency_doctor(ctx: &mut Ctx, _argv: &[Bytes]) -> CmdResult {
    let text = if ctx.st.latency.is_empty() {
        if ctx.st.config.latency_monitor_threshold == 0 {
            "I'm sorry, Dave, I can't do that. Latency monitoring is disabled in this Redis instance. You may use \"CONFIG SET latency-monitor-threshold <milliseconds>.\" in order to enable it. If we weren't in a deep space mission I'd suggest to take a look at https://redis.io/topics/latency-monitor.\n".to_string()
        } else {
            "Dave, no latency spike was observed during the lifetime of this Redis instance, not in the slightest bit. I honestly think you ought to sit down calmly, take a stress pill, and think things over.\n".to_string()
        }
    } else {
        let mut s = String::from("Dave, I have observed latency spikes in this Redis instance. You don't mind talking about it, do you Dave?\n\n");
        let mut names: Vec<_> = ctx.st.latency.iter().collect();
        names.sort_by(|a, b| a.0.cmp(b.0));
        let mut commands = false;
        for (i, (name, e)) in names.iter().enumerate() {
            let n = e.history.len().max(1) as u64;
            let avg = e.history.iter().map(|h| h.1).sum::<u64>() / n;
            let mad = e.history.iter().map(|h| h.1.abs_diff(avg)).sum::<u64>() / n;
            let period = match (e.history.front(), e.history.back()) {
                (Some(a), Some(b)) if e.history.len() > 1 => (b.0 - a.0) as f64 / n as f64,
                _ => (crate::util::now_ms() / 1000 - e.latest_s).max(1) as f64 / n as f64,
            };
            s.push_str(&format!(
                "{}. {}: {} latency spikes (average {}ms, mean deviation {}ms, period {:.2} sec). Worst all time event {}ms.\n",
                i + 1,
                name,
                e.history.len(),
                avg,
                mad,
                period,
                e.max_ms
            ));
            commands |= name.as_str() == "command" || name.as_str() == "fast-command";
        }
        s.push_str("\nI have a few advices for you:\n\n");
        if commands {
            let threshold_us = ctx.st.config.latency_monitor_threshold as i64 * 1000;
            if ctx.st.config.slowlog_log_slower_than < 0 || ctx.st.config.slowlog_log_slower_than > threshold_us {
                s.push_str(&format!("- Your current Slow Log configuration only logs events that are slower than your configured latency monitor threshold. Please use 'CONFIG SET slowlog-log-slower-than {threshold_us}'.\n"));
            }
            s.push_str("- Check your Slow Log to understand what are the commands you are running which are too slow to execute. Please check https://redis.io/commands/slowlog for more information.\n");
            s.push_str("- Deleting, expiring or evicting (because of maxmemory policy) large objects is a blocking operation. If you have very large objects that are often deleted, expired, or evicted, try to fragment those objects into multiple smaller objects.\n");
        }
        s
    };
    ctx.out.verbatim(text.as_bytes());
    Ok(())
}

/// LATENCY HISTOGRAM [command ...]: per-command call counts and a cumulative log2 histogram of
/// their latencies (we keep totals only, so every call is put in the bucket of the mean).
pub(super) fn latency_histogram(ctx: &mut Ctx, argv: &[Bytes]) -> CmdResult {
    let stats: std::collections::HashMap<&str, crate::stats::CommandStat> =
        ctx.st.stats.named(crate::cmd::command_table::names()).into_iter().filter(|(_, c)| c.calls > 0).map(|(n, c)| (n, c.clone())).collect();
    let mut names: Vec<String> = Vec::new();
    if argv.len() == 2 {
        names = stats.keys().map(|n| n.to_string()).collect();
        names.sort();
    } else {
        for a in &argv[2..] {
            let Some(d) = super::command::find(a) else { continue };
            let mut candidates = vec![d.name.clone()];
            let mut subs: Vec<&String> = d.subcommands.values().map(|s| &s.name).collect();
            subs.sort();
            candidates.extend(subs.into_iter().cloned());
            for n in candidates {
                if stats.contains_key(n.as_str()) && !names.contains(&n) {
                    names.push(n);
                }
            }
        }
    }
    let out = &mut *ctx.out;
    out.map(names.len());
    for n in names {
        let c = stats.get(n.as_str()).cloned().unwrap_or_default();
        out.bulk(n.as_bytes());
        out.map(2);
        out.bulk(b"calls");
        out.int(c.calls as i64);
        out.bulk(b"histogram_usec");
        let mean = c.usec / c.calls.max(1);
        let bucket = mean.max(1).next_power_of_two();
        out.map(1);
        out.int(bucket as i64);
        out.int(c.calls as i64);
    }
    Ok(())
}

pub(super) fn latency_help(ctx: &mut Ctx, _argv: &[Bytes]) -> CmdResult {
    help_reply(
        ctx,
        "LATENCY",
        &[
            "DOCTOR",
            "    Return a human readable latency analysis report.",
            "GRAPH <event>",
            "    Return an ASCII latency graph for the <event> class.",
            "HISTORY <event>",
            "    Return time-latency samples for the <event> class.",
            "LATEST",
            "    Return the latest latency samples for all events.",
            "RESET [<event> ...]",
            "    Reset latency data of one or more <event> classes.",
            "    (default: reset all data for all event classes)",
            "HISTOGRAM [COMMAND ...]",
            "    Return a cumulative distribution of latencies in the format of a histogram for the specified command names.",
            "    If no commands are specified then all histograms are replied.",
        ],
    );
    Ok(())
}
