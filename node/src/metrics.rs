//! Prometheus metrics over HTTP (`ha-metrics-port <port>`, ours; 0 = off), for data nodes and
//! sentinels alike, so a pod needs no exporter sidecar.
//!
//! The metrics are INFO read the way oliver006/redis_exporter reads it, with its names where it has
//! one (`redis_up`, `redis_connected_clients`, `redis_memory_used_bytes`,
//! `redis_commands_processed_total`, `redis_db_keys{db="db0"}`, `redis_instance_info{role=...}`,
//! `redis_master_link_up`, `redis_sentinel_master_status{master_name=...}`, ...), so existing
//! dashboards and alerts work; every other numeric INFO field is exported as `redis_<field>`.
//! The HTTP side answers `GET /metrics` (and `/`), one request per connection.

use std::fmt::Write as _;
use std::sync::Arc;
use std::time::Duration;

use tokio::io::{AsyncReadExt, AsyncWriteExt};
use tokio::net::{TcpListener, TcpStream};

use crate::log;
use crate::state::{Shared, State};

/// The longest request head we read.
const MAX_REQUEST: usize = 8192;
const REQUEST_TIMEOUT: Duration = Duration::from_secs(5);

/// INFO fields with redis_exporter's names (and whether they are counters).
const RENAMED: &[(&str, &str)] = &[
    ("used_memory", "memory_used_bytes"),
    ("used_memory_rss", "memory_used_rss_bytes"),
    ("used_memory_peak", "memory_used_peak_bytes"),
    ("maxmemory", "memory_max_bytes"),
    ("total_commands_processed", "commands_processed_total"),
    ("total_connections_received", "connections_received_total"),
    ("rejected_connections", "rejected_connections_total"),
    ("keyspace_hits", "keyspace_hits_total"),
    ("keyspace_misses", "keyspace_misses_total"),
    ("expired_keys", "expired_keys_total"),
    ("evicted_keys", "evicted_keys_total"),
    ("total_net_input_bytes", "net_input_bytes_total"),
    ("total_net_output_bytes", "net_output_bytes_total"),
    ("total_error_replies", "errors_total"),
    ("sync_full", "replica_resyncs_full"),
    ("sync_partial_ok", "replica_partial_resync_accepted"),
    ("sync_partial_err", "replica_partial_resync_denied"),
    ("used_cpu_sys", "cpu_sys_seconds_total"),
    ("used_cpu_user", "cpu_user_seconds_total"),
];

/// Starts the metrics listener when `ha-metrics-port` is set.
pub fn start(shared: &Arc<Shared>) {
    let port = shared.lock().config.get_int("ha-metrics-port").unwrap_or(0);
    if port <= 0 {
        return;
    }
    let shared = shared.clone();
    tokio::spawn(async move {
        // Dual-stack where the kernel allows it, IPv4 otherwise: Prometheus scrapes the pod's IP.
        let listener = match TcpListener::bind(("::", port as u16)).await {
            Ok(l) => l,
            Err(_) => match TcpListener::bind(("0.0.0.0", port as u16)).await {
                Ok(l) => l,
                Err(e) => {
                    log::warning(&format!("Could not listen for metrics on port {port}: {e}"));
                    return;
                }
            },
        };
        log::notice(&format!("Metrics available on http://*:{port}/metrics"));
        loop {
            let Ok((sock, _)) = listener.accept().await else { continue };
            let shared = shared.clone();
            tokio::spawn(async move {
                let _ = tokio::time::timeout(REQUEST_TIMEOUT, answer(&shared, sock)).await;
            });
        }
    });
}

async fn answer(shared: &Shared, mut sock: TcpStream) -> std::io::Result<()> {
    let mut head = Vec::new();
    let mut buf = [0u8; 1024];
    while !head.windows(4).any(|w| w == b"\r\n\r\n") {
        let n = sock.read(&mut buf).await?;
        if n == 0 || head.len() + n > MAX_REQUEST {
            return Ok(());
        }
        head.extend_from_slice(&buf[..n]);
    }
    let line = head.split(|c| *c == b'\r').next().unwrap_or_default();
    let mut parts = line.split(|c| *c == b' ');
    let (method, path) = (parts.next().unwrap_or_default(), parts.next().unwrap_or_default());
    let path = path.split(|c| *c == b'?').next().unwrap_or_default();
    let (status, body) = match (method, path) {
        (b"GET", b"/metrics") | (b"GET", b"/") => {
            let text = render(&shared.lock());
            ("200 OK", text)
        }
        (b"GET", _) => ("404 Not Found", "not found: try /metrics\n".to_string()),
        _ => ("405 Method Not Allowed", "only GET\n".to_string()),
    };
    let response = format!(
        "HTTP/1.1 {status}\r\nContent-Type: text/plain; version=0.0.4; charset=utf-8\r\nContent-Length: {}\r\nConnection: close\r\n\r\n{body}",
        body.len()
    );
    sock.write_all(response.as_bytes()).await?;
    sock.shutdown().await
}

/// The metrics text for this server's current state.
pub fn render(st: &State) -> String {
    let mut info = crate::cmd::info::info_text(st, 0, 1, &info_sections(st));
    if let Some(sentinel) = st.sentinel.as_deref() {
        info.push_str("\r\n");
        info.push_str(&sentinel.info_section());
    }
    from_info(&info)
}

fn info_sections(st: &State) -> Vec<String> {
    let names: &[&str] = if st.sentinel.is_some() { &["server", "clients", "cpu", "stats"] } else { &["all"] };
    names.iter().map(|s| s.to_string()).collect()
}

/// Converts INFO text into the Prometheus text format.
pub fn from_info(info: &str) -> String {
    let mut out = String::new();
    let mut seen = std::collections::HashSet::new();
    let mut metric = |out: &mut String, name: &str, labels: &str, value: &str| {
        let full = format!("redis_{name}");
        if seen.insert(full.clone()) {
            let kind = if name.ends_with("_total") { "counter" } else { "gauge" };
            let _ = writeln!(out, "# TYPE {full} {kind}");
        }
        let _ = writeln!(out, "{full}{labels} {value}");
    };
    metric(&mut out, "up", "", "1");
    let field = |k: &str| info.lines().find_map(|l| l.strip_prefix(k).and_then(|r| r.strip_prefix(':')).map(str::trim));
    let role = field("role").unwrap_or(if field("redis_mode") == Some("sentinel") { "sentinel" } else { "master" });
    let labels = format!(
        "{{role=\"{}\",redis_version=\"{}\",redis_mode=\"{}\",run_id=\"{}\"}}",
        escape(role),
        escape(field("redis_version").unwrap_or("")),
        escape(field("redis_mode").unwrap_or("")),
        escape(field("run_id").unwrap_or(""))
    );
    metric(&mut out, "instance_info", &labels, "1");
    for line in info.lines().map(str::trim_end) {
        if line.starts_with('#') || line.is_empty() {
            continue;
        }
        let Some((key, value)) = line.split_once(':') else { continue };
        if let Some(db) = key.strip_prefix("db").filter(|d| d.parse::<u32>().is_ok()) {
            let kv = sub_fields(value);
            let lbl = format!("{{db=\"db{db}\"}}");
            metric(&mut out, "db_keys", &lbl, kv.get("keys").copied().unwrap_or("0"));
            metric(&mut out, "db_keys_expiring", &lbl, kv.get("expires").copied().unwrap_or("0"));
            continue;
        }
        if key.starts_with("master") && key[6..].parse::<u32>().is_ok() && value.contains("name=") {
            let kv = sub_fields(value);
            let lbl = format!(
                "{{master_name=\"{}\",master_address=\"{}\"}}",
                escape(kv.get("name").copied().unwrap_or("")),
                escape(kv.get("address").copied().unwrap_or(""))
            );
            metric(&mut out, "sentinel_master_status", &lbl, if kv.get("status") == Some(&"ok") { "1" } else { "0" });
            metric(&mut out, "sentinel_master_slaves", &lbl, kv.get("slaves").copied().unwrap_or("0"));
            metric(&mut out, "sentinel_master_sentinels", &lbl, kv.get("sentinels").copied().unwrap_or("0"));
            continue;
        }
        if key == "master_link_status" {
            metric(&mut out, "master_link_up", "", if value == "up" { "1" } else { "0" });
            continue;
        }
        if value.parse::<f64>().is_err() || !key.bytes().all(|c| c.is_ascii_alphanumeric() || c == b'_') {
            continue;
        }
        let name = RENAMED.iter().find(|(k, _)| *k == key).map_or(key, |(_, n)| *n);
        metric(&mut out, name, "", value);
    }
    out
}

/// `a=1,b=x` → map.
fn sub_fields(value: &str) -> std::collections::HashMap<&str, &str> {
    value.split(',').filter_map(|kv| kv.split_once('=')).collect()
}

fn escape(v: &str) -> String {
    v.replace('\\', "\\\\").replace('"', "\\\"").replace('\n', "\\n")
}

#[cfg(test)]
mod tests {
    use super::from_info;

    #[test]
    fn info_becomes_prometheus_text() {
        let info = "# Server\r\nredis_version:7.0.15\r\nredis_mode:standalone\r\nrun_id:abc\r\nuptime_in_seconds:12\r\n\
                    # Clients\r\nconnected_clients:3\r\n# Memory\r\nused_memory:1024\r\nused_memory_human:1.00K\r\n\
                    # Stats\r\ntotal_commands_processed:99\r\n# Replication\r\nrole:slave\r\nmaster_link_status:down\r\n\
                    # Keyspace\r\ndb0:keys=5,expires=2,avg_ttl=0\r\ndb3:keys=1,expires=0,avg_ttl=0\r\n";
        let m = from_info(info);
        for want in [
            "redis_up 1",
            "redis_instance_info{role=\"slave\",redis_version=\"7.0.15\",redis_mode=\"standalone\",run_id=\"abc\"} 1",
            "redis_uptime_in_seconds 12",
            "redis_connected_clients 3",
            "# TYPE redis_memory_used_bytes gauge\nredis_memory_used_bytes 1024",
            "# TYPE redis_commands_processed_total counter\nredis_commands_processed_total 99",
            "redis_master_link_up 0",
            "# TYPE redis_db_keys gauge\nredis_db_keys{db=\"db0\"} 5\n",
            "redis_db_keys_expiring{db=\"db0\"} 2",
            "redis_db_keys{db=\"db3\"} 1",
        ] {
            assert!(m.contains(want), "missing {want:?} in:\n{m}");
        }
        assert!(!m.contains("used_memory_human"), "{m}");
        // One TYPE line per metric even with several series.
        assert_eq!(m.matches("# TYPE redis_db_keys gauge").count(), 1);
    }

    #[test]
    fn sentinel_masters_become_labelled_series() {
        let info = "# Server\r\nredis_mode:sentinel\r\n# Sentinel\r\nsentinel_masters:1\r\nsentinel_tilt:0\r\n\
                    master0:name=mymaster,status=odown,address=10.0.0.1:6379,slaves=2,sentinels=3\r\n";
        let m = from_info(info);
        assert!(m.contains("redis_instance_info{role=\"sentinel\""), "{m}");
        assert!(m.contains("redis_sentinel_masters 1"));
        assert!(m.contains("redis_sentinel_master_status{master_name=\"mymaster\",master_address=\"10.0.0.1:6379\"} 0"), "{m}");
        assert!(m.contains("redis_sentinel_master_slaves{master_name=\"mymaster\",master_address=\"10.0.0.1:6379\"} 2"));
        assert!(m.contains("redis_sentinel_master_sentinels{master_name=\"mymaster\",master_address=\"10.0.0.1:6379\"} 3"));
    }
}
