//! Prometheus metrics (served on `/metrics` by [`crate::http`]).

use prometheus::{Encoder, Histogram, HistogramOpts, IntCounter, IntCounterVec, IntGaugeVec, Opts, Registry, TextEncoder};

/// Every metric the operator exports.
#[derive(Clone)]
pub struct Metrics {
    pub registry: Registry,
    pub reconciles: IntCounter,
    pub failures: IntCounterVec,
    pub reconcile_duration: Histogram,
    pub failovers: IntCounterVec,
    /// Seconds from the watcher seeing a switch to the master label being on the new pod.
    pub switch_to_label: Histogram,
    pub sentinel_connections: IntGaugeVec,
}

impl Metrics {
    /// Fails only on a malformed metric definition (they are constants; the test below builds them).
    pub fn new() -> Result<Self, prometheus::Error> {
        let registry = Registry::new_custom(Some("redisha".into()), None)?;
        let reconciles = IntCounter::new("reconciles_total", "Reconciliations run")?;
        let failures = IntCounterVec::new(Opts::new("reconcile_failures_total", "Reconciliations failed, by error kind"), &["error"])?;
        let reconcile_duration = Histogram::with_opts(
            HistogramOpts::new("reconcile_duration_seconds", "Time per reconciliation").buckets(vec![0.01, 0.05, 0.1, 0.25, 0.5, 1., 5.]),
        )?;
        let failovers = IntCounterVec::new(Opts::new("failovers_total", "Master switches applied, by RedisHA"), &["namespace", "name"])?;
        let switch_to_label = Histogram::with_opts(
            HistogramOpts::new("switch_to_label_seconds", "From +switch-master seen to the master label moved")
                .buckets(vec![0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1., 2.5]),
        )?;
        let sentinel_connections =
            IntGaugeVec::new(Opts::new("sentinel_connections", "Sentinels the watcher is connected to"), &["namespace", "name"])?;
        for c in [
            Box::new(reconciles.clone()) as Box<dyn prometheus::core::Collector>,
            Box::new(failures.clone()),
            Box::new(reconcile_duration.clone()),
            Box::new(failovers.clone()),
            Box::new(switch_to_label.clone()),
            Box::new(sentinel_connections.clone()),
        ] {
            registry.register(c)?;
        }
        Ok(Metrics { registry, reconciles, failures, reconcile_duration, failovers, switch_to_label, sentinel_connections })
    }

    /// The text exposition format.
    pub fn render(&self) -> String {
        let mut buf = Vec::new();
        let _ = TextEncoder::new().encode(&self.registry.gather(), &mut buf);
        String::from_utf8(buf).unwrap_or_default()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_metric_is_exported() {
        let m = Metrics::new().expect("metric definitions are valid");
        m.reconciles.inc();
        m.failures.with_label_values(&["kube"]).inc();
        m.reconcile_duration.observe(0.02);
        m.failovers.with_label_values(&["prod", "cache"]).inc();
        m.switch_to_label.observe(0.003);
        m.sentinel_connections.with_label_values(&["prod", "cache"]).set(3);
        let text = m.render();
        for name in [
            "redisha_reconciles_total 1",
            "redisha_reconcile_failures_total{error=\"kube\"} 1",
            "redisha_reconcile_duration_seconds_count 1",
            "redisha_failovers_total{name=\"cache\",namespace=\"prod\"} 1",
            "redisha_switch_to_label_seconds_bucket{le=\"0.005\"} 1",
            "redisha_sentinel_connections{name=\"cache\",namespace=\"prod\"} 3",
        ] {
            assert!(text.contains(name), "missing {name} in\n{text}");
        }
    }
}
