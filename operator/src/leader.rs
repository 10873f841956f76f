//! Leader election through a `coordination.k8s.io/v1` Lease, so two operator replicas never both move
//! master labels. The decision is pure ([`decide`]); the loop around it uses optimistic concurrency
//! (replace with the read resourceVersion), so two candidates racing for an expired lease cannot both win.
//!
//! A leader that cannot renew before its lease expires stops leading (the process exits and restarts as
//! a candidate): acting on a lease it may have lost is exactly the two-writers case this prevents.

use std::time::Duration;

use k8s_openapi::api::coordination::v1::{Lease, LeaseSpec};
use k8s_openapi::apimachinery::pkg::apis::meta::v1::{MicroTime, ObjectMeta};
use k8s_openapi::jiff::{SignedDuration, Timestamp};
use kube::api::{Api, PostParams};

use crate::error::{Error, Result};

/// Lease settings.
#[derive(Debug, Clone)]
pub struct LeaseConfig {
    pub name: String,
    pub identity: String,
    /// How long a lease stays valid without renewal.
    pub duration: Duration,
    /// How often the leader renews (well under `duration`).
    pub renew_every: Duration,
}

/// What a candidate or leader should do with the lease it read.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Step {
    /// Take it: free, expired, or ours.
    Take,
    /// Someone else holds it; look again later.
    Wait,
}

/// Pure: may `me` take (or renew) the lease as read at `now`?
pub fn decide(spec: Option<&LeaseSpec>, me: &str, now: Timestamp) -> Step {
    let Some(spec) = spec else { return Step::Take };
    let holder = spec.holder_identity.as_deref().unwrap_or("");
    if holder.is_empty() || holder == me {
        return Step::Take;
    }
    let seconds = i64::from(spec.lease_duration_seconds.unwrap_or(0).max(0));
    let renewed = spec.renew_time.as_ref().or(spec.acquire_time.as_ref()).map(|t| t.0);
    match renewed {
        Some(at) if at + SignedDuration::from_secs(seconds) > now => Step::Wait,
        _ => Step::Take,
    }
}

/// The lease spec `me` writes when taking or renewing.
pub fn next_spec(previous: Option<&LeaseSpec>, me: &str, cfg: &LeaseConfig, now: Timestamp) -> LeaseSpec {
    let ours = previous.and_then(|p| p.holder_identity.as_deref()) == Some(me);
    let transitions = previous.and_then(|p| p.lease_transitions).unwrap_or(0);
    LeaseSpec {
        holder_identity: Some(me.to_string()),
        lease_duration_seconds: Some(i32::try_from(cfg.duration.as_secs()).unwrap_or(i32::MAX)),
        acquire_time: if ours { previous.and_then(|p| p.acquire_time.clone()) } else { Some(MicroTime(now)) },
        renew_time: Some(MicroTime(now)),
        lease_transitions: Some(if ours { transitions } else { transitions + 1 }),
        ..LeaseSpec::default()
    }
}

/// One attempt: true if `me` holds the lease afterwards.
pub async fn try_take(api: &Api<Lease>, cfg: &LeaseConfig) -> Result<bool> {
    let now = Timestamp::now();
    match api.get_opt(&cfg.name).await.map_err(Error::Kube)? {
        None => {
            let lease = Lease {
                metadata: ObjectMeta { name: Some(cfg.name.clone()), ..ObjectMeta::default() },
                spec: Some(next_spec(None, &cfg.identity, cfg, now)),
            };
            match api.create(&PostParams::default(), &lease).await {
                Ok(_) => Ok(true),
                Err(kube::Error::Api(s)) if s.code == 409 => Ok(false),
                Err(e) => Err(Error::Kube(e)),
            }
        }
        Some(mut lease) => {
            if decide(lease.spec.as_ref(), &cfg.identity, now) == Step::Wait {
                return Ok(false);
            }
            lease.spec = Some(next_spec(lease.spec.as_ref(), &cfg.identity, cfg, now));
            // resourceVersion from the read: a concurrent writer makes this a 409, and we lose the race.
            match api.replace(&cfg.name, &PostParams::default(), &lease).await {
                Ok(_) => Ok(true),
                Err(kube::Error::Api(s)) if s.code == 409 => Ok(false),
                Err(e) => Err(Error::Kube(e)),
            }
        }
    }
}

/// Blocks until this replica leads.
pub async fn acquire(api: &Api<Lease>, cfg: &LeaseConfig) {
    loop {
        match try_take(api, cfg).await {
            Ok(true) => return,
            Ok(false) => {}
            Err(e) => tracing::warn!(error = %e, "leader election"),
        }
        tokio::time::sleep(cfg.renew_every).await;
    }
}

/// Renews until a renewal cannot be made before the lease would expire; then returns.
pub async fn hold(api: &Api<Lease>, cfg: &LeaseConfig) {
    let mut last_ok = tokio::time::Instant::now();
    loop {
        tokio::time::sleep(cfg.renew_every).await;
        match try_take(api, cfg).await {
            Ok(true) => last_ok = tokio::time::Instant::now(),
            Ok(false) => return,
            Err(e) => tracing::warn!(error = %e, "lease renewal failed"),
        }
        // Stop before the lease runs out, with a renewal period of margin.
        if last_ok.elapsed() + cfg.renew_every >= cfg.duration {
            return;
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn at(s: &str) -> Timestamp {
        s.parse().expect("timestamp")
    }

    fn held(by: &str, renewed: &str, secs: i32) -> LeaseSpec {
        LeaseSpec {
            holder_identity: Some(by.into()),
            renew_time: Some(MicroTime(at(renewed))),
            lease_duration_seconds: Some(secs),
            ..LeaseSpec::default()
        }
    }

    #[test]
    fn decide_table() {
        let now = at("2026-01-01T00:00:10Z");
        assert_eq!(decide(None, "a", now), Step::Take, "no lease");
        assert_eq!(decide(Some(&LeaseSpec::default()), "a", now), Step::Take, "no holder");
        assert_eq!(decide(Some(&held("a", "2026-01-01T00:00:09Z", 15)), "a", now), Step::Take, "ours: renew");
        assert_eq!(decide(Some(&held("b", "2026-01-01T00:00:00Z", 15)), "a", now), Step::Wait, "b's, 5 s left");
        assert_eq!(decide(Some(&held("b", "2026-01-01T00:00:00Z", 10)), "a", now), Step::Take, "b's, expired exactly now");
        assert_eq!(decide(Some(&held("b", "2025-12-31T23:00:00Z", 15)), "a", now), Step::Take, "b's, long expired");
        let no_times = LeaseSpec { holder_identity: Some("b".into()), ..LeaseSpec::default() };
        assert_eq!(decide(Some(&no_times), "a", now), Step::Take, "a holder that never renewed");
    }

    #[test]
    fn transitions_count_changes_of_holder_only() {
        let cfg = LeaseConfig { name: "l".into(), identity: "a".into(), duration: Duration::from_secs(15), renew_every: Duration::from_secs(5) };
        let now = at("2026-01-01T00:00:10Z");
        let first = next_spec(None, "a", &cfg, now);
        assert_eq!((first.lease_transitions, first.lease_duration_seconds), (Some(1), Some(15)));
        let renewed = next_spec(Some(&first), "a", &cfg, at("2026-01-01T00:00:15Z"));
        assert_eq!(renewed.lease_transitions, Some(1));
        assert_eq!(renewed.acquire_time, first.acquire_time);
        assert_eq!(renewed.renew_time, Some(MicroTime(at("2026-01-01T00:00:15Z"))));
        let taken = next_spec(Some(&held("b", "2026-01-01T00:00:00Z", 15)), "a", &cfg, now);
        assert_eq!(taken.holder_identity.as_deref(), Some("a"));
        assert_eq!(taken.lease_transitions, Some(1));
    }
}
