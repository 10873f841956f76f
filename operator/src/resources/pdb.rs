//! PodDisruptionBudgets: voluntary disruptions (drains) take at most one data pod at a time, and never
//! so many sentinels that the rest cannot reach the quorum and a majority to authorise a failover.

use k8s_openapi::api::policy::v1::{PodDisruptionBudget, PodDisruptionBudgetSpec};
use k8s_openapi::apimachinery::pkg::apis::meta::v1::{LabelSelector, OwnerReference};
use k8s_openapi::apimachinery::pkg::util::intstr::IntOrString;

use super::names::{Names, COMPONENT_DATA, COMPONENT_SENTINEL};
use crate::crd::RedisHA;

/// The data and sentinel PDBs, or none when `spec.podDisruptionBudget.enabled` is false.
pub fn all(rha: &RedisHA, names: &Names, owner: &OwnerReference) -> Vec<PodDisruptionBudget> {
    if !rha.spec.pod_disruption_budget.enabled {
        return Vec::new();
    }
    vec![
        pdb(names, names.data_pdb(), COMPONENT_DATA, 1, owner),
        pdb(names, names.sentinel_pdb(), COMPONENT_SENTINEL, sentinel_max_unavailable(rha.spec.sentinels, rha.spec.effective_quorum()), owner),
    ]
}

/// Sentinels that may be down at once: the rest must still reach the quorum (to agree the master is
/// down) and a majority (to elect the leader that runs the failover). At least 1, or a drain could never finish.
pub fn sentinel_max_unavailable(sentinels: i32, quorum: i32) -> i32 {
    let needed = quorum.max(sentinels / 2 + 1);
    (sentinels - needed).max(1)
}

fn pdb(names: &Names, name: String, component: &str, max_unavailable: i32, owner: &OwnerReference) -> PodDisruptionBudget {
    PodDisruptionBudget {
        metadata: super::child_meta(names, name, Some(component), owner),
        spec: Some(PodDisruptionBudgetSpec {
            max_unavailable: Some(IntOrString::Int(max_unavailable)),
            selector: Some(LabelSelector { match_labels: Some(names.selector(Some(component))), ..LabelSelector::default() }),
            ..PodDisruptionBudgetSpec::default()
        }),
        ..PodDisruptionBudget::default()
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::crd::{PodDisruptionBudgetSpec as PdbSetting, RedisHASpec};
    use crate::resources::{fixtures::rha, render, RenderOptions};

    #[test]
    fn sentinel_budget_keeps_quorum_and_majority() {
        assert_eq!(sentinel_max_unavailable(3, 2), 1);
        assert_eq!(sentinel_max_unavailable(5, 3), 2);
        assert_eq!(sentinel_max_unavailable(5, 4), 1);
        assert_eq!(sentinel_max_unavailable(7, 2), 3, "majority (4) matters more than a low quorum");
        assert_eq!(sentinel_max_unavailable(1, 1), 1, "a single sentinel cannot be protected, but must not block drains");
    }

    #[test]
    fn two_budgets_or_none() {
        let c = render(&rha(RedisHASpec { sentinels: 5, ..Default::default() }), &RenderOptions::default()).expect("renders");
        let got: Vec<_> =
            c.pdbs.iter().map(|p| (p.metadata.name.clone().unwrap_or_default(), p.spec.as_ref().and_then(|s| s.max_unavailable.clone()))).collect();
        assert_eq!(got, [("cache".to_string(), Some(IntOrString::Int(1))), ("cache-sentinel".to_string(), Some(IntOrString::Int(2)))]);
        let off = RedisHASpec { pod_disruption_budget: PdbSetting { enabled: false }, ..Default::default() };
        assert!(render(&rha(off), &RenderOptions::default()).expect("renders").pdbs.is_empty());
    }
}
