//! The status the reconciler writes: phase, ready counts and the five conditions. Pure: it takes what
//! the reconciler observed and what the watcher reports, and returns the status patch.
//!
//! The reconciler owns these fields; `master`, `failovers` and `lastFailover` belong to the watcher
//! side ([`crate::master::mover`]) and are never part of this patch, so neither overwrites the other.

use k8s_openapi::apimachinery::pkg::apis::meta::v1::{Condition, Time};
use k8s_openapi::jiff::Timestamp;
use serde_json::{json, Value};

use crate::crd::RedisHA;
use crate::master::mover::WatchState;
use crate::master::topology::majority;
use crate::rollout::plan::Progress;

pub const READY: &str = "Ready";
pub const MASTER_AVAILABLE: &str = "MasterAvailable";
pub const SENTINEL_QUORUM: &str = "SentinelQuorum";
pub const DEGRADED: &str = "Degraded";
/// True while some data pod runs an older revision than the StatefulSet's template.
pub const UPDATING: &str = "Updating";

/// What the reconciler saw this pass.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Observed {
    pub ready_replicas: i32,
    pub ready_sentinels: i32,
    /// Spec problems (the spec is refused and nothing is rendered).
    pub problems: Vec<String>,
    /// Why the auth Secret cannot be used, if it cannot.
    pub secret_problem: Option<String>,
    /// Where the rolling update of the data pods stands (None: not known this pass).
    pub rollout: Option<Progress>,
}

fn condition(type_: &str, ok: bool, reason: &str, message: String, generation: Option<i64>, previous: &[Condition], now: Timestamp) -> Condition {
    let status = if ok { "True" } else { "False" };
    // lastTransitionTime moves only when the status flips (Kubernetes API conventions).
    let since = previous.iter().find(|c| c.type_ == type_ && c.status == status).map(|c| c.last_transition_time.clone()).unwrap_or(Time(now));
    Condition {
        type_: type_.into(),
        status: status.into(),
        reason: reason.into(),
        message,
        observed_generation: generation,
        last_transition_time: since,
    }
}

/// The status patch (`{"observedGeneration": .., "phase": .., ...}`) for `rha`.
pub fn compute(rha: &RedisHA, seen: &Observed, watch: &WatchState, now: Timestamp) -> Value {
    let spec = &rha.spec;
    let generation = rha.metadata.generation;
    let previous = rha.status.as_ref().map(|s| s.conditions.as_slice()).unwrap_or_default();
    let cond = |t: &str, ok: bool, reason: &str, msg: String| condition(t, ok, reason, msg, generation, previous, now);

    if !seen.problems.is_empty() {
        let msg = seen.problems.join("; ");
        return json!({
            "observedGeneration": generation,
            "phase": "Invalid",
            "conditions": [cond(READY, false, "InvalidSpec", msg.clone()), cond(DEGRADED, true, "InvalidSpec", msg)],
        });
    }

    let master = match &watch.master_pod {
        Some(p) => cond(MASTER_AVAILABLE, true, "MasterLabelled", format!("{p} is master and carries the master label")),
        None => cond(MASTER_AVAILABLE, false, "NoMaster", "no master agreed by the sentinels yet".into()),
    };
    let need = majority(spec.sentinels.max(0) as usize);
    let quorum = if let Some(d) = &watch.disagreement {
        cond(SENTINEL_QUORUM, false, "SentinelsDisagree", d.clone())
    } else if watch.sentinels_up >= need && seen.ready_sentinels >= spec.effective_quorum() {
        cond(SENTINEL_QUORUM, true, "QuorumReachable", format!("{} of {} sentinels reachable", watch.sentinels_up, spec.sentinels))
    } else {
        cond(
            SENTINEL_QUORUM,
            false,
            "QuorumUnreachable",
            format!("{} of {} sentinels reachable, {} ready; a failover needs {need}", watch.sentinels_up, spec.sentinels, seen.ready_sentinels),
        )
    };
    let mut degraded_why = Vec::new();
    if seen.ready_replicas < spec.replicas {
        degraded_why.push(format!("{}/{} data pods ready", seen.ready_replicas, spec.replicas));
    }
    if seen.ready_sentinels < spec.sentinels {
        degraded_why.push(format!("{}/{} sentinels ready", seen.ready_sentinels, spec.sentinels));
    }
    if let Some(s) = &seen.secret_problem {
        degraded_why.push(s.clone());
    }
    if let Some(d) = &watch.disagreement {
        degraded_why.push(d.clone());
    }
    let master_ok = master.status == "True";
    let quorum_ok = quorum.status == "True";
    let degraded = if degraded_why.is_empty() {
        cond(DEGRADED, false, "AllReady", "every pod is ready".into())
    } else {
        cond(DEGRADED, true, "NotAllReady", degraded_why.join("; "))
    };
    let ready_ok = master_ok && quorum_ok && seen.secret_problem.is_none() && seen.ready_replicas >= 1;
    let ready = if ready_ok {
        cond(READY, true, "Serving", "the master Service has a master and the sentinels can fail over".into())
    } else if !master_ok {
        cond(READY, false, "NoMaster", master.message.clone())
    } else if !quorum_ok {
        cond(READY, false, "NoSentinelQuorum", quorum.message.clone())
    } else if let Some(s) = &seen.secret_problem {
        cond(READY, false, "SecretProblem", s.clone())
    } else {
        cond(READY, false, "NoDataPodReady", "no data pod is ready".into())
    };
    let updating = match &seen.rollout {
        Some(p) => {
            let (reason, message) = p.describe();
            cond(UPDATING, p.rolling(), reason, message)
        }
        None => cond(UPDATING, false, "NoRollout", "no rolling update of the data pods is in progress".into()),
    };
    let phase = if watch.master_pod.is_none() && seen.ready_replicas == 0 {
        "Pending"
    } else if updating.status == "True" {
        // Pods restart one by one during a roll: say so rather than just "Degraded".
        "Updating"
    } else if ready_ok && degraded.status == "False" {
        "Ready"
    } else {
        "Degraded"
    };
    json!({
        "observedGeneration": generation,
        "phase": phase,
        "readyReplicas": seen.ready_replicas,
        "readySentinels": seen.ready_sentinels,
        "conditions": [ready, master, quorum, degraded, updating],
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::crd::{RedisHASpec, RedisHAStatus};
    use crate::resources::fixtures::rha;

    fn conds(v: &Value) -> Vec<(String, String, String)> {
        v["conditions"]
            .as_array()
            .map(|a| {
                a.iter()
                    .map(|c| {
                        (
                            c["type"].as_str().unwrap_or("").into(),
                            c["status"].as_str().unwrap_or("").into(),
                            c["reason"].as_str().unwrap_or("").into(),
                        )
                    })
                    .collect()
            })
            .unwrap_or_default()
    }

    fn healthy() -> (Observed, WatchState) {
        (
            Observed { ready_replicas: 3, ready_sentinels: 3, ..Default::default() },
            WatchState { sentinels_up: 3, sentinels_configured: 3, disagreement: None, master_pod: Some("cache-0".into()) },
        )
    }

    #[test]
    fn all_ready() {
        let (seen, watch) = healthy();
        let s = compute(&rha(RedisHASpec::default()), &seen, &watch, Timestamp::now());
        assert_eq!(s["phase"], "Ready");
        assert_eq!(s["observedGeneration"], 1);
        assert_eq!(s["readyReplicas"], 3);
        let c = conds(&s);
        let want = [
            ("Ready", "True", "Serving"),
            ("MasterAvailable", "True", "MasterLabelled"),
            ("SentinelQuorum", "True", "QuorumReachable"),
            ("Degraded", "False", "AllReady"),
            ("Updating", "False", "NoRollout"),
        ];
        assert_eq!(c, want.map(|(a, b, r)| (a.to_string(), b.to_string(), r.to_string())));
        assert!(s.get("master").is_none() && s.get("failovers").is_none(), "watcher-owned fields stay out of this patch");
    }

    #[test]
    fn new_set_is_pending_then_degraded_while_pods_come_up() {
        let s = compute(&rha(RedisHASpec::default()), &Observed::default(), &WatchState::default(), Timestamp::now());
        assert_eq!(s["phase"], "Pending");
        assert_eq!(conds(&s)[0], ("Ready".into(), "False".into(), "NoMaster".into()));
        let (mut seen, watch) = healthy();
        seen.ready_replicas = 2;
        let s = compute(&rha(RedisHASpec::default()), &seen, &watch, Timestamp::now());
        assert_eq!(s["phase"], "Degraded");
        assert_eq!(conds(&s)[0].1, "True", "serving with 2 of 3 data pods");
        assert_eq!(conds(&s)[3], ("Degraded".into(), "True".into(), "NotAllReady".into()));
    }

    #[test]
    fn lost_quorum_and_disagreement_are_conditions() {
        let (seen, mut watch) = healthy();
        watch.sentinels_up = 1;
        let s = compute(&rha(RedisHASpec::default()), &seen, &watch, Timestamp::now());
        assert_eq!(conds(&s)[2], ("SentinelQuorum".into(), "False".into(), "QuorumUnreachable".into()));
        assert_eq!(conds(&s)[0], ("Ready".into(), "False".into(), "NoSentinelQuorum".into()));
        watch.sentinels_up = 3;
        watch.disagreement = Some("sentinels disagree on the master".into());
        let s = compute(&rha(RedisHASpec::default()), &seen, &watch, Timestamp::now());
        assert_eq!(conds(&s)[2], ("SentinelQuorum".into(), "False".into(), "SentinelsDisagree".into()));
        assert_eq!(s["phase"], "Degraded");
    }

    #[test]
    fn invalid_spec_names_the_field_and_nothing_else() {
        let seen = Observed { problems: vec!["spec.quorum: must be between 1 and spec.sentinels (3), got 4".into()], ..Default::default() };
        let s = compute(&rha(RedisHASpec::default()), &seen, &WatchState::default(), Timestamp::now());
        assert_eq!(s["phase"], "Invalid");
        assert_eq!(conds(&s)[0], ("Ready".into(), "False".into(), "InvalidSpec".into()));
        assert!(s["conditions"][0]["message"].as_str().is_some_and(|m| m.contains("spec.quorum")));
    }

    #[test]
    fn a_rolling_update_is_a_phase_and_a_condition() {
        use crate::rollout::plan::Step;
        let (mut seen, watch) = healthy();
        seen.rollout = Some(Progress {
            revision: "cache-7d9".into(),
            updated: 1,
            total: 3,
            step: Step::DeleteReplica { pod: "cache-1".into(), uid: "u".into() },
        });
        let s = compute(&rha(RedisHASpec::default()), &seen, &watch, Timestamp::now());
        assert_eq!(s["phase"], "Updating");
        assert_eq!(conds(&s)[4], ("Updating".into(), "True".into(), "RestartingReplica".into()));
        assert_eq!(s["conditions"][4]["message"], "1/3 data pods at revision cache-7d9; restarting replica cache-1");
        seen.rollout = Some(Progress { revision: "cache-7d9".into(), updated: 3, total: 3, step: Step::UpToDate });
        let s = compute(&rha(RedisHASpec::default()), &seen, &watch, Timestamp::now());
        assert_eq!(s["phase"], "Ready");
        assert_eq!(conds(&s)[4], ("Updating".into(), "False".into(), "UpToDate".into()));
    }

    #[test]
    fn transition_time_moves_only_when_the_status_flips() {
        let (seen, watch) = healthy();
        let mut r = rha(RedisHASpec::default());
        let t0: Timestamp = "2026-01-01T00:00:00Z".parse().expect("time");
        let first = compute(&r, &seen, &watch, t0);
        let conditions: Vec<Condition> = serde_json::from_value(first["conditions"].clone()).expect("conditions");
        r.status = Some(RedisHAStatus { conditions, ..Default::default() });
        let later: Timestamp = "2026-01-01T01:00:00Z".parse().expect("time");
        let again = compute(&r, &seen, &watch, later);
        assert_eq!(again["conditions"][0]["lastTransitionTime"], "2026-01-01T00:00:00Z");
        let mut down = watch.clone();
        down.master_pod = None;
        let flipped = compute(&r, &seen, &down, later);
        assert_eq!(flipped["conditions"][0]["lastTransitionTime"], "2026-01-01T01:00:00Z");
    }
}
