//! INFO must look like redis-server 7.0's to tools that parse it (redis-py's `info()`, exporters,
//! redis-cli): this starts a real `redis-server` next to ours, runs the same commands on both, and
//! compares `INFO everything` section by section — headers in order, and each section's field
//! names in order. Values (times, memory, pids) are not compared. `commandstats` and
//! `latencystats` list commands in Redis's dict order, so those two compare as sets.
//!
//! Skipped (with a note) when no `redis-server` is installed.

mod harness;

use harness::*;
use std::collections::BTreeSet;

/// `INFO` text → [(section header, [field names])], in order.
fn sections(text: &str) -> Vec<(String, Vec<String>)> {
    let mut out: Vec<(String, Vec<String>)> = Vec::new();
    for line in text.split("\r\n") {
        if let Some(h) = line.strip_prefix("# ") {
            out.push((h.to_string(), Vec::new()));
        } else if let Some((name, _)) = line.split_once(':') {
            if let Some(last) = out.last_mut() {
                last.1.push(name.to_string());
            }
        }
    }
    out
}

fn have_redis_server() -> bool {
    std::process::Command::new("redis-server").arg("--version").output().map(|o| o.status.success()).unwrap_or(false)
}

/// The same activity on both servers, so the activity-dependent sections have the same entries.
fn exercise(c: &mut Conn) {
    for cmd in [
        &["SET", "k", "v"][..],
        &["GET", "k"],
        &["SET", "e", "v", "EX", "100"],
        &["NOSUCH"],
        &["INCR", "k"],
        &["SELECT", "2"],
        &["SET", "x", "1"],
        &["SELECT", "0"],
    ] {
        c.cmd(cmd);
    }
}

#[test]
fn info_sections_and_fields_match_redis() {
    if !have_redis_server() {
        eprintln!("redis-server not installed: skipping the INFO field comparison");
        return;
    }
    let redis = Server::start_with("redis-server", &[]);
    let ours = Server::start_with(BIN, &[]);
    let mut rc = redis.conn();
    let mut oc = ours.conn();
    exercise(&mut rc);
    exercise(&mut oc);
    for args in [&["INFO", "everything"][..], &["INFO"], &["INFO", "all"], &["INFO", "default"]] {
        let want = sections(&bulk_text(&rc.cmd(args)));
        let got = sections(&bulk_text(&oc.cmd(args)));
        let want_heads: Vec<&String> = want.iter().map(|s| &s.0).collect();
        let got_heads: Vec<&String> = got.iter().map(|s| &s.0).collect();
        assert_eq!(got_heads, want_heads, "{args:?}: section headers");
        for ((head, want_fields), (_, got_fields)) in want.iter().zip(&got) {
            if head == "Commandstats" || head == "Latencystats" {
                let w: BTreeSet<&String> = want_fields.iter().collect();
                let g: BTreeSet<&String> = got_fields.iter().collect();
                assert_eq!(g, w, "{args:?}: fields of # {head}");
            } else {
                assert_eq!(got_fields, want_fields, "{args:?}: fields of # {head}");
            }
        }
    }
    // A single section, in any case, and several at once.
    for args in [&["INFO", "SERVER"][..], &["INFO", "clients", "memory"], &["INFO", "keyspace"], &["INFO", "nosuch"]] {
        let want = sections(&bulk_text(&rc.cmd(args)));
        let got = sections(&bulk_text(&oc.cmd(args)));
        assert_eq!(got, want, "{args:?}");
    }
}
