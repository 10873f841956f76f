//! The order of a rolling update of the data pods (pure). The data StatefulSet uses `OnDelete`, so a
//! new pod template reaches a pod only when the operator deletes it; [`plan`] says which one, if any.
//!
//! The rules, each guarding the data:
//! - one pod at a time: nothing is taken down while any pod is missing, terminating or not ready
//!   (readiness means "master, or replica with a live synced link", so a restarted replica counts
//!   only once it holds the data again);
//! - except a stale pod that was never scheduled (Pending, say, for an anti-affinity rule the new
//!   template relaxes): it holds no data and serves nothing, and only the new template can let it run,
//!   so it is replaced first (a StatefulSet's own rolling update would wait for it forever); and when
//!   no other pod ever ran, the one that runs restarts in place, as a set of one pod does;
//! - stale replicas first, highest ordinal first (the StatefulSet convention, and pod 0 is the
//!   first-start master, so it goes last among replicas);
//! - the master last, and never by deletion: once every replica runs the new revision and is ready,
//!   the sentinels are asked for a switchover (`SENTINEL FAILOVER`), and the old master is deleted only
//!   after it has been demoted;
//! - no switchover while the sentinels' own StatefulSet is rolling (an image change rolls both): a
//!   sentinel restarted in the middle of the failover it leads leaves it to time out, and the request
//!   asked again would move the master a second time;
//! - a master the operator cannot name for sure (none known, or two candidates) stops the roll: a
//!   pod that may be the master is never deleted as a replica.

use std::fmt;

use crate::resources::names::ROLE_MASTER;

/// A data pod as the planner needs it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct PodView {
    pub name: String,
    pub ordinal: i32,
    /// `metadata.uid`: deletions carry it as a precondition, so a pod recreated meanwhile is spared.
    pub uid: String,
    /// The `controller-revision-hash` label: the StatefulSet revision the pod was created from.
    pub revision: Option<String>,
    pub ready: bool,
    pub terminating: bool,
    /// Bound to a node (`spec.nodeName`): a pod never scheduled has never run.
    pub scheduled: bool,
    /// The `redisha.io/role` label.
    pub role: Option<String>,
}

/// What the planner looks at.
#[derive(Debug, Clone, Copy)]
pub struct Input<'a> {
    /// `status.updateRevision` of the data StatefulSet, or None while its controller has not observed
    /// the latest spec (its revisions would be those of the previous template).
    pub update_revision: Option<&'a str>,
    /// `spec.replicas`: the ordinals 0..replicas must all be there before anything is deleted.
    pub replicas: i32,
    pub pods: &'a [PodView],
    /// The master as the operator knows it besides the pods' labels (status, the watcher's state).
    pub known_masters: &'a [String],
    /// The master a switchover was requested from and has not completed yet.
    pub switchover_from: Option<&'a str>,
    /// The sentinel StatefulSet has not finished rolling to its current template (or not observed it).
    pub sentinels_rolling: bool,
}

/// Why nothing may be deleted now.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Hold {
    /// The StatefulSet controller has not computed the revision of the current template yet.
    NoRevision,
    /// No pod with this ordinal (deleted and not recreated yet).
    Missing(i32),
    /// A pod beyond `spec.replicas` (a scale-down in progress).
    Extra(String),
    Terminating(String),
    NotReady(String),
    NoMaster,
    UnclearMaster(Vec<String>),
    /// The sentinels were asked to move the master off this pod; waiting for the switch.
    Switchover(String),
    /// The sentinels restart one by one (their StatefulSet is rolling): no switchover until they are done.
    SentinelsRolling,
}

impl fmt::Display for Hold {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Hold::NoRevision => write!(f, "the StatefulSet has not observed the new template yet"),
            Hold::Missing(o) => write!(f, "the pod with ordinal {o} does not exist yet"),
            Hold::Extra(p) => write!(f, "pod {p} is beyond spec.replicas (scale-down in progress)"),
            Hold::Terminating(p) => write!(f, "pod {p} is terminating"),
            Hold::NotReady(p) => write!(f, "pod {p} is not ready"),
            Hold::NoMaster => write!(f, "no master is known, so no pod is safe to restart"),
            Hold::UnclearMaster(pods) => write!(f, "more than one pod may be master ({})", pods.join(", ")),
            Hold::Switchover(p) => write!(f, "waiting for the sentinels to move the master off {p}"),
            Hold::SentinelsRolling => write!(f, "the sentinels are rolling; the master is switched over once they are done"),
        }
    }
}

/// The next step of the roll.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Step {
    /// Every pod runs the update revision.
    UpToDate,
    Wait(Hold),
    DeleteReplica {
        pod: String,
        uid: String,
    },
    /// Ask the sentinels to fail over from this master (every replica is updated and ready).
    Switchover {
        master: String,
    },
    /// The master a switchover moved away from, now a replica.
    DeleteOldMaster {
        pod: String,
        uid: String,
    },
    /// A set of one pod has no replica to hand over to: restarting it is the only way.
    DeleteOnlyPod {
        pod: String,
        uid: String,
    },
    /// A stale pod that was never scheduled: nothing runs there to hand over or wait for.
    DeleteUnscheduled {
        pod: String,
        uid: String,
    },
}

/// Where a roll stands, for status and Events.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Progress {
    pub revision: String,
    pub updated: usize,
    pub total: usize,
    pub step: Step,
}

impl Progress {
    /// True while some pod runs an older revision.
    pub fn rolling(&self) -> bool {
        !matches!(self.step, Step::UpToDate)
    }

    /// Condition reason and message.
    pub fn describe(&self) -> (&'static str, String) {
        let done = format!("{}/{} data pods at revision {}", self.updated, self.total, self.revision);
        match &self.step {
            Step::UpToDate => ("UpToDate", done),
            Step::Wait(Hold::Switchover(p)) => ("SwitchingOver", format!("{done}; waiting for the sentinels to move the master off {p}")),
            Step::Wait(h) => ("Waiting", format!("{done}; waiting: {h}")),
            Step::DeleteReplica { pod, .. } => ("RestartingReplica", format!("{done}; restarting replica {pod}")),
            Step::Switchover { master } => ("SwitchingOver", format!("{done}; switching over from master {master}")),
            Step::DeleteOldMaster { pod, .. } => ("RestartingFormerMaster", format!("{done}; restarting former master {pod}")),
            Step::DeleteOnlyPod { pod, .. } => ("RestartingOnlyPod", format!("{done}; restarting {pod}, the only data pod")),
            Step::DeleteUnscheduled { pod, .. } => ("ReplacingUnscheduledPod", format!("{done}; replacing {pod}, which was never scheduled")),
        }
    }
}

/// The next step, and how far the roll is.
pub fn plan(input: &Input<'_>) -> Progress {
    let Some(revision) = input.update_revision else {
        return Progress { revision: String::new(), updated: 0, total: input.pods.len(), step: Step::Wait(Hold::NoRevision) };
    };
    let stale = |p: &PodView| p.revision.as_deref() != Some(revision);
    let updated = input.pods.iter().filter(|p| !stale(p)).count();
    let progress = |step| Progress { revision: revision.to_string(), updated, total: input.pods.len(), step };
    if !input.pods.iter().any(stale) {
        return progress(Step::UpToDate);
    }
    progress(next_step(input, stale))
}

fn next_step(input: &Input<'_>, stale: impl Fn(&PodView) -> bool) -> Step {
    let pods = input.pods;
    if let Some(p) = pods.iter().find(|p| p.terminating) {
        return Step::Wait(Hold::Terminating(p.name.clone()));
    }
    if let Some(missing) = (0..input.replicas).find(|o| !pods.iter().any(|p| p.ordinal == *o)) {
        return Step::Wait(Hold::Missing(missing));
    }
    if let Some(p) = pods.iter().find(|p| p.ordinal >= input.replicas) {
        return Step::Wait(Hold::Extra(p.name.clone()));
    }
    let maybe_master = |p: &PodView| p.role.as_deref() == Some(ROLE_MASTER) || input.known_masters.contains(&p.name);
    if let Some(p) = pods.iter().filter(|p| stale(p) && !p.scheduled && !maybe_master(p)).max_by_key(|p| p.ordinal) {
        return Step::DeleteUnscheduled { pod: p.name.clone(), uid: p.uid.clone() };
    }
    // The others never ran (the old template's required anti-affinity, say, repels their new one from
    // the only node): nobody can take over, so the one pod that runs restarts in place.
    if let [only] = pods.iter().filter(|p| p.scheduled).collect::<Vec<_>>().as_slice() {
        if pods.len() > 1 && stale(only) && only.ready && !only.terminating {
            return Step::DeleteOnlyPod { pod: only.name.clone(), uid: only.uid.clone() };
        }
    }
    if let Some(p) = pods.iter().find(|p| !p.ready) {
        return Step::Wait(Hold::NotReady(p.name.clone()));
    }
    if let [only] = pods {
        // One pod: it is the master whatever the labels say, and there is nobody to hand over to.
        return Step::DeleteOnlyPod { pod: only.name.clone(), uid: only.uid.clone() };
    }
    let mut masters: Vec<String> =
        pods.iter().filter(|p| p.role.as_deref() == Some(ROLE_MASTER) || input.known_masters.contains(&p.name)).map(|p| p.name.clone()).collect();
    masters.sort();
    let master = match masters.as_slice() {
        [] => return Step::Wait(Hold::NoMaster),
        [m] => m.clone(),
        _ => return Step::Wait(Hold::UnclearMaster(masters)),
    };
    if let Some(p) = pods.iter().filter(|p| stale(p) && p.name != master).max_by_key(|p| p.ordinal) {
        let (pod, uid) = (p.name.clone(), p.uid.clone());
        return if input.switchover_from == Some(p.name.as_str()) { Step::DeleteOldMaster { pod, uid } } else { Step::DeleteReplica { pod, uid } };
    }
    // Only the master is stale, and every replica is updated and ready.
    if input.switchover_from == Some(master.as_str()) {
        return Step::Wait(Hold::Switchover(master));
    }
    if input.sentinels_rolling {
        return Step::Wait(Hold::SentinelsRolling);
    }
    Step::Switchover { master }
}

#[cfg(test)]
mod tests {
    use super::*;

    const NEW: &str = "cache-new";
    const OLD: &str = "cache-old";

    /// `spec`: one entry per pod, `"<rev><flags>"`: rev `n` (new) or `o` (old); flags `M` master label,
    /// `u` unready, `t` terminating, `p` never scheduled (Pending), `-` no revision label.
    fn pods(spec: &[&str]) -> Vec<PodView> {
        spec.iter()
            .enumerate()
            .map(|(i, s)| PodView {
                name: format!("cache-{i}"),
                ordinal: i as i32,
                uid: format!("uid-{i}"),
                revision: if s.contains('-') { None } else { Some(if s.starts_with('n') { NEW } else { OLD }.to_string()) },
                ready: !s.contains('u'),
                terminating: s.contains('t'),
                scheduled: !s.contains('p'),
                role: Some(if s.contains('M') { "master" } else { "replica" }.to_string()),
            })
            .collect()
    }

    fn step(spec: &[&str], known: &[&str], switchover: Option<&str>) -> Step {
        let pods = pods(spec);
        let known: Vec<String> = known.iter().map(|s| s.to_string()).collect();
        let input = Input {
            update_revision: Some(NEW),
            replicas: 3,
            pods: &pods,
            known_masters: &known,
            switchover_from: switchover,
            sentinels_rolling: false,
        };
        plan(&input).step
    }

    fn del(i: usize) -> Step {
        Step::DeleteReplica { pod: format!("cache-{i}"), uid: format!("uid-{i}") }
    }

    fn wait(h: Hold) -> Step {
        Step::Wait(h)
    }

    fn p(i: usize) -> String {
        format!("cache-{i}")
    }

    #[test]
    fn table() {
        #[rustfmt::skip]
        let cases: Vec<(&str, Vec<&str>, Vec<&str>, Option<&str>, Step)> = vec![
            ("all updated",                         vec!["nM", "n", "n"],  vec![],          None,           Step::UpToDate),
            ("all updated, even with one unready",  vec!["nM", "nu", "n"], vec![],          None,           Step::UpToDate),
            ("stale replicas: highest ordinal",     vec!["oM", "o", "o"],  vec![],          None,           del(2)),
            ("then the next one",                   vec!["oM", "o", "n"],  vec![],          None,           del(1)),
            ("master in the middle is skipped",     vec!["o", "oM", "o"],  vec![],          None,           del(2)),
            ("pod 0 as a replica, last of them",    vec!["o", "oM", "n"],  vec![],          None,           del(0)),
            ("unready pod: never a second one down",vec!["oM", "o", "nu"], vec![],          None,           wait(Hold::NotReady(p(2)))),
            ("an unready stale pod also holds",     vec!["oM", "ou", "n"], vec![],          None,           wait(Hold::NotReady(p(1)))),
            ("terminating pod holds",               vec!["oM", "ot", "n"], vec![],          None,           wait(Hold::Terminating(p(1)))),
            ("only the master is stale: switch",    vec!["oM", "n", "n"],  vec![],          None,           Step::Switchover { master: p(0) }),
            ("switch requested: wait for it",       vec!["oM", "n", "n"],  vec![],          Some("cache-0"),wait(Hold::Switchover(p(0)))),
            ("switch done: delete the old master",  vec!["o", "nM", "n"],  vec![],          Some("cache-0"),Step::DeleteOldMaster { pod: p(0), uid: "uid-0".into() }),
            ("master known from status only",       vec!["o", "o", "o"],   vec!["cache-2"], None,           del(1)),
            ("status and label disagree: hold",     vec!["oM", "o", "o"],  vec!["cache-1"], None,           wait(Hold::UnclearMaster(vec![p(0), p(1)]))),
            ("no master known: hold",               vec!["o", "o", "o"],   vec![],          None,           wait(Hold::NoMaster)),
            ("a pod without revision is stale",     vec!["nM", "n", "-"],  vec![],          None,           del(2)),
            ("label and status agree",              vec!["oM", "n", "n"],  vec!["cache-0"], None,           Step::Switchover { master: p(0) }),
            ("never scheduled: replaced at once",   vec!["oM", "oup", "oup"], vec![],       None,           Step::DeleteUnscheduled { pod: p(2), uid: "uid-2".into() }),
            ("never scheduled, updated: wait",      vec!["nM", "nup", "o"], vec![],         None,           wait(Hold::NotReady(p(1)))),
            ("a master is never replaced unseen",   vec!["oMup", "o", "o"], vec![],         None,           wait(Hold::NotReady(p(0)))),
            ("only the master ever ran: in place",  vec!["oM", "nup", "nup"], vec![],       None,           Step::DeleteOnlyPod { pod: p(0), uid: "uid-0".into() }),
        ];
        for (name, spec, known, switchover, want) in cases {
            assert_eq!(step(&spec, &known, switchover), want, "{name}");
        }
    }

    #[test]
    fn rolling_sentinels_hold_the_switchover_only() {
        let with = |spec: &[&str], switchover: Option<&str>| {
            let pods = pods(spec);
            let input = Input {
                update_revision: Some(NEW),
                replicas: 3,
                pods: &pods,
                known_masters: &[],
                switchover_from: switchover,
                sentinels_rolling: true,
            };
            plan(&input).step
        };
        assert_eq!(with(&["oM", "o", "o"], None), del(2), "replicas restart while the sentinels roll");
        assert_eq!(with(&["oM", "n", "n"], None), wait(Hold::SentinelsRolling), "no switchover while they roll");
        assert_eq!(with(&["oM", "n", "n"], Some("cache-0")), wait(Hold::Switchover(p(0))), "one already asked for is waited for");
        assert_eq!(with(&["o", "nM", "n"], Some("cache-0")), Step::DeleteOldMaster { pod: p(0), uid: "uid-0".into() }, "a demoted master restarts");
    }

    #[test]
    fn missing_and_extra_pods_hold_the_roll() {
        let mut two = pods(&["oM", "o", "n"]);
        two.remove(1);
        let input =
            Input { update_revision: Some(NEW), replicas: 3, pods: &two, known_masters: &[], switchover_from: None, sentinels_rolling: false };
        assert_eq!(plan(&input).step, wait(Hold::Missing(1)), "a deleted pod not yet recreated");
        let four = pods(&["oM", "o", "n", "o"]);
        let input =
            Input { update_revision: Some(NEW), replicas: 3, pods: &four, known_masters: &[], switchover_from: None, sentinels_rolling: false };
        assert_eq!(plan(&input).step, wait(Hold::Extra(p(3))));
    }

    #[test]
    fn no_revision_yet_means_wait_and_a_single_pod_is_restarted_in_place() {
        let three = pods(&["oM", "o", "o"]);
        let input = Input { update_revision: None, replicas: 3, pods: &three, known_masters: &[], switchover_from: None, sentinels_rolling: false };
        assert_eq!(plan(&input).step, wait(Hold::NoRevision));
        let one = pods(&["oM"]);
        let input =
            Input { update_revision: Some(NEW), replicas: 1, pods: &one, known_masters: &[], switchover_from: None, sentinels_rolling: false };
        assert_eq!(plan(&input).step, Step::DeleteOnlyPod { pod: p(0), uid: "uid-0".into() });
    }

    #[test]
    fn progress_counts_and_describes() {
        let three = pods(&["oM", "n", "n"]);
        let input =
            Input { update_revision: Some(NEW), replicas: 3, pods: &three, known_masters: &[], switchover_from: None, sentinels_rolling: false };
        let pr = plan(&input);
        assert!(pr.rolling());
        assert_eq!((pr.updated, pr.total), (2, 3));
        let (reason, msg) = pr.describe();
        assert_eq!(reason, "SwitchingOver");
        assert_eq!(msg, "2/3 data pods at revision cache-new; switching over from master cache-0");
        let done = pods(&["nM", "n", "n"]);
        let input = Input { pods: &done, ..input };
        assert!(!plan(&input).rolling());
    }

    /// Simulates a whole roll: apply each step (a deleted pod comes back updated and ready, a
    /// switchover moves the master to the lowest-ordinal replica) and check the order of deletions.
    #[test]
    fn a_full_roll_restarts_replicas_high_to_low_then_switches_then_the_old_master() {
        let mut state = pods(&["o", "oM", "o", "o"]);
        let mut switchover: Option<String> = None;
        let mut log = Vec::new();
        for _ in 0..20 {
            let input = Input {
                update_revision: Some(NEW),
                replicas: 4,
                pods: &state,
                known_masters: &[],
                switchover_from: switchover.as_deref(),
                sentinels_rolling: false,
            };
            match plan(&input).step {
                Step::UpToDate => break,
                Step::DeleteReplica { pod, .. } | Step::DeleteOldMaster { pod, .. } => {
                    log.push(format!("delete {pod}"));
                    if let Some(p) = state.iter_mut().find(|p| p.name == pod) {
                        assert_ne!(p.role.as_deref(), Some("master"), "the master is never deleted");
                        p.revision = Some(NEW.into());
                    }
                }
                Step::Switchover { master } => {
                    log.push(format!("switchover from {master}"));
                    switchover = Some(master.clone());
                    for p in state.iter_mut() {
                        p.role = Some("replica".into());
                    }
                    if let Some(p) = state.iter_mut().find(|p| p.name != master) {
                        p.role = Some("master".into());
                    }
                }
                other => panic!("unexpected {other:?}"),
            }
        }
        assert_eq!(log, ["delete cache-3", "delete cache-2", "delete cache-0", "switchover from cache-1", "delete cache-1"]);
    }
}
