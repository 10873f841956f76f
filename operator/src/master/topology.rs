//! Which pod is master: the pure decisions behind the switch-master watcher. No sockets, no clock
//! (time comes in as an `Instant` argument), so every rule is tested directly.
//!
//! - [`verdict`]: what a set of sentinels' answers to GET-MASTER-ADDR-BY-NAME says, by majority of the
//!   configured sentinels (not of those that answered: one sentinel of three is not a quorum).
//! - [`MasterTracker`]: turns events and verdicts into proposed switches, deduplicated (every sentinel
//!   publishes the same `+switch-master`) and timed from `+odown`.
//! - [`confirm`]: whether a ROLE reply lets a switch proceed.
//! - [`label_plan`]: the role-label patches for a new master, in the order that never gives the master
//!   Service two endpoints: demote first, then promote.

use std::collections::BTreeMap;
use std::time::{Duration, Instant};

use crate::master::events::{Addr, SentinelEvent};
use crate::resources::names::{ROLE_MASTER, ROLE_REPLICA};

/// What the sentinels' answers say.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Verdict {
    /// A majority of the configured sentinels name this master.
    Agreed(Addr),
    /// Sentinels answered but no address has a majority; `answers` counts each address named.
    Split { answers: BTreeMap<Addr, usize>, silent: usize },
    /// Too few sentinels answered to tell.
    Unknown { answered: usize },
}

/// Majority of `configured` sentinels.
pub fn majority(configured: usize) -> usize {
    configured / 2 + 1
}

/// Combines one answer per reachable sentinel (`None`: it answered but knows no master) into a verdict.
pub fn verdict<'a>(answers: impl IntoIterator<Item = Option<&'a Addr>>, configured: usize) -> Verdict {
    let mut counts: BTreeMap<Addr, usize> = BTreeMap::new();
    let mut answered = 0;
    for a in answers {
        answered += 1;
        if let Some(a) = a {
            *counts.entry(a.clone()).or_default() += 1;
        }
    }
    let need = majority(configured.max(answered));
    if let Some((addr, _)) = counts.iter().find(|(_, n)| **n >= need) {
        return Verdict::Agreed(addr.clone());
    }
    if answered < need {
        return Verdict::Unknown { answered };
    }
    let named: usize = counts.values().sum();
    Verdict::Split { answers: counts, silent: answered - named }
}

/// Why a switch was proposed.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Cause {
    /// A sentinel published `+switch-master`.
    Event,
    /// The periodic (or on-reconnect) poll found a majority naming another master.
    Backstop,
}

/// A proposed master change.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Switch {
    pub from: Option<Addr>,
    pub to: Addr,
    pub cause: Cause,
    /// From the first `+odown` of the old master to this switch, when the watcher saw both.
    pub odown_to_switch: Option<Duration>,
    /// When the watcher learnt of it (for the switch-to-label latency).
    pub seen_at: Instant,
}

/// What the tracker tells its driver to do.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Decision {
    /// Confirm `to` with ROLE, then move the master label.
    Switch(Switch),
    /// The sentinels agree on the current master: converge labels to it (idempotent).
    Agreement(Addr),
    /// The sentinels stopped agreeing (reported once per episode).
    Disagreement(String),
}

/// The watcher's memory of one master set.
#[derive(Debug, Clone, Default)]
pub struct MasterTracker {
    current: Option<Addr>,
    odown: Option<(Addr, Instant)>,
    split: bool,
}

impl MasterTracker {
    /// `current`: the master the operator last recorded (status), if any.
    pub fn new(current: Option<Addr>) -> Self {
        MasterTracker { current, odown: None, split: false }
    }

    pub fn current(&self) -> Option<&Addr> {
        self.current.as_ref()
    }

    /// A sentinel event for this set (events for other sets must be filtered by the caller).
    pub fn on_event(&mut self, event: &SentinelEvent, now: Instant) -> Option<Decision> {
        match event {
            SentinelEvent::ODown { master, .. } => {
                // Keep the first +odown: every sentinel reports it, the first is closest to the failure.
                if self.odown.as_ref().is_none_or(|(a, _)| a != master) {
                    self.odown = Some((master.clone(), now));
                }
                None
            }
            SentinelEvent::ODownCleared { master, .. } => {
                if self.odown.as_ref().is_some_and(|(a, _)| a == master) {
                    self.odown = None;
                }
                None
            }
            SentinelEvent::FailoverEnd { .. } => None,
            SentinelEvent::SwitchMaster { old, new, .. } => {
                if self.current.as_ref() == Some(new) {
                    return None;
                }
                let odown_to_switch = self.odown.as_ref().filter(|(a, _)| a == old).map(|(_, at)| now.saturating_duration_since(*at));
                let from = self.current.clone().or_else(|| Some(old.clone()));
                Some(Decision::Switch(Switch { from, to: new.clone(), cause: Cause::Event, odown_to_switch, seen_at: now }))
            }
        }
    }

    /// A fresh verdict from polling the sentinels.
    pub fn on_verdict(&mut self, verdict: &Verdict, now: Instant) -> Option<Decision> {
        match verdict {
            Verdict::Agreed(addr) => {
                self.split = false;
                if self.current.as_ref() == Some(addr) {
                    Some(Decision::Agreement(addr.clone()))
                } else {
                    Some(Decision::Switch(Switch {
                        from: self.current.clone(),
                        to: addr.clone(),
                        cause: Cause::Backstop,
                        odown_to_switch: None,
                        seen_at: now,
                    }))
                }
            }
            Verdict::Split { answers, silent } => {
                if std::mem::replace(&mut self.split, true) {
                    return None;
                }
                let named: Vec<String> = answers.iter().map(|(a, n)| format!("{a} ({n})")).collect();
                Some(Decision::Disagreement(format!("sentinels disagree on the master: {}; {silent} know none", named.join(", "))))
            }
            Verdict::Unknown { .. } => None,
        }
    }

    /// Records that a switch was carried out (or that `to` is master for another reason).
    pub fn commit(&mut self, to: &Addr) {
        if self.odown.as_ref().is_some_and(|(a, _)| a != to) {
            self.odown = None;
        }
        self.current = Some(to.clone());
    }
}

/// What the new master says about itself, as far as the watcher could ask.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum RoleCheck {
    /// First element of the ROLE reply (`master`, `slave`, `sentinel`).
    Role(String),
    /// Could not ask (connection refused, timeout, auth error).
    Unreachable(String),
}

/// Whether `switch` may proceed given what its target said. A node that says it is a replica is not the
/// master, whatever an event claimed (a late `+switch-master` from a lagging sentinel). A node the
/// operator cannot reach is trusted after a `+switch-master` (the sentinels that elected it reach it,
/// and a network policy that blocks the operator must not freeze the master Service on a dead pod), and
/// when nothing is recorded yet; but the poll may not move the label *away* from a known master to a
/// node nobody can confirm: that is how stale answers (sentinels not yet told of a failover) would
/// drag the Service back to a dead master.
pub fn confirm(switch: &Switch, check: &RoleCheck) -> bool {
    match check {
        RoleCheck::Role(role) => role.eq_ignore_ascii_case("master"),
        RoleCheck::Unreachable(_) => switch.cause == Cause::Event || switch.from.is_none(),
    }
}

/// A data pod as the label plan sees it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct PodRole {
    pub name: String,
    /// Current value of `redisha.io/role`, if any.
    pub role: Option<String>,
}

/// One label patch.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct LabelChange {
    pub pod: String,
    pub role: &'static str,
}

/// The patches that make `master` the only pod labelled master, in a safe order: every other pod
/// labelled master is demoted first, then the master is promoted, then unlabelled pods become replicas.
/// Between the two steps the master Service has no endpoint, never two.
pub fn label_plan(pods: &[PodRole], master: &str) -> Vec<LabelChange> {
    let mut plan: Vec<LabelChange> = pods
        .iter()
        .filter(|p| p.name != master && p.role.as_deref() == Some(ROLE_MASTER))
        .map(|p| LabelChange { pod: p.name.clone(), role: ROLE_REPLICA })
        .collect();
    if let Some(p) = pods.iter().find(|p| p.name == master) {
        if p.role.as_deref() != Some(ROLE_MASTER) {
            plan.push(LabelChange { pod: p.name.clone(), role: ROLE_MASTER });
        }
    }
    plan.extend(
        pods.iter()
            .filter(|p| p.name != master && p.role.as_deref() != Some(ROLE_MASTER) && p.role.as_deref() != Some(ROLE_REPLICA))
            .map(|p| LabelChange { pod: p.name.clone(), role: ROLE_REPLICA }),
    );
    plan
}

#[cfg(test)]
mod tests {
    use super::*;

    fn a(port: u16) -> Addr {
        Addr::new("127.0.0.1", port)
    }

    #[test]
    fn verdict_needs_a_majority_of_configured_sentinels() {
        // Table: (answers, configured) → expected.
        let (x, y) = (a(1), a(2));
        assert_eq!(verdict([Some(&x), Some(&x), Some(&y)], 3), Verdict::Agreed(x.clone()));
        assert_eq!(verdict([Some(&x), Some(&x)], 3), Verdict::Agreed(x.clone()), "two of three is a majority");
        assert_eq!(verdict([Some(&x)], 3), Verdict::Unknown { answered: 1 }, "one of three is not");
        assert_eq!(verdict([Some(&x), Some(&y)], 3), Verdict::Split { answers: BTreeMap::from([(x.clone(), 1), (y.clone(), 1)]), silent: 0 });
        assert_eq!(verdict([Some(&x), None, None], 3), Verdict::Split { answers: BTreeMap::from([(x.clone(), 1)]), silent: 2 });
        assert_eq!(
            verdict([Some(&x), Some(&x), Some(&y), Some(&y)], 5),
            Verdict::Split { answers: BTreeMap::from([(x.clone(), 2), (y.clone(), 2)]), silent: 0 }
        );
        assert_eq!(verdict([Some(&x), Some(&x), Some(&x), Some(&y)], 5), Verdict::Agreed(x.clone()));
        assert_eq!(verdict([Some(&x)], 1), Verdict::Agreed(x.clone()));
        assert_eq!(verdict([], 3), Verdict::Unknown { answered: 0 });
        // More answers than configured (scaled down, old pods still up): the majority is of those answering.
        assert_eq!(verdict([Some(&x), Some(&y), Some(&y)], 1), Verdict::Agreed(y));
    }

    #[test]
    fn switch_is_proposed_once_and_timed_from_odown() {
        let t0 = Instant::now();
        let mut t = MasterTracker::new(Some(a(1)));
        let odown = SentinelEvent::ODown { master_set: "m".into(), master: a(1) };
        assert_eq!(t.on_event(&odown, t0), None);
        assert_eq!(t.on_event(&odown, t0 + Duration::from_millis(300)), None, "a second +odown keeps the first time");
        let switch = SentinelEvent::SwitchMaster { master_set: "m".into(), old: a(1), new: a(2) };
        let at = t0 + Duration::from_millis(2500);
        let Some(Decision::Switch(s)) = t.on_event(&switch, at) else { panic!("expected a switch") };
        assert_eq!((s.from, s.to.clone(), s.cause), (Some(a(1)), a(2), Cause::Event));
        assert_eq!(s.odown_to_switch, Some(Duration::from_millis(2500)));
        t.commit(&s.to);
        // The other sentinels publish the same switch: nothing more to do.
        assert_eq!(t.on_event(&switch, at + Duration::from_millis(10)), None);
        assert_eq!(t.current(), Some(&a(2)));
    }

    #[test]
    fn an_unconfirmed_switch_is_proposed_again() {
        let now = Instant::now();
        let mut t = MasterTracker::new(Some(a(1)));
        let switch = SentinelEvent::SwitchMaster { master_set: "m".into(), old: a(1), new: a(2) };
        assert!(matches!(t.on_event(&switch, now), Some(Decision::Switch(_))));
        // Not committed (ROLE said replica): the next sentinel's message is still acted on.
        assert!(matches!(t.on_event(&switch, now), Some(Decision::Switch(_))));
    }

    #[test]
    fn odown_cleared_or_for_another_node_gives_no_duration() {
        let now = Instant::now();
        let mut t = MasterTracker::new(Some(a(1)));
        t.on_event(&SentinelEvent::ODown { master_set: "m".into(), master: a(1) }, now);
        t.on_event(&SentinelEvent::ODownCleared { master_set: "m".into(), master: a(1) }, now);
        let Some(Decision::Switch(s)) = t.on_event(&SentinelEvent::SwitchMaster { master_set: "m".into(), old: a(1), new: a(2) }, now) else {
            panic!("expected a switch")
        };
        assert_eq!(s.odown_to_switch, None);
    }

    #[test]
    fn unknown_current_master_takes_the_events_old_address() {
        let mut t = MasterTracker::new(None);
        let Some(Decision::Switch(s)) = t.on_event(&SentinelEvent::SwitchMaster { master_set: "m".into(), old: a(1), new: a(2) }, Instant::now())
        else {
            panic!("expected a switch")
        };
        assert_eq!(s.from, Some(a(1)));
    }

    #[test]
    fn backstop_switches_agrees_and_reports_a_split_once() {
        let now = Instant::now();
        let mut t = MasterTracker::new(None);
        let Some(Decision::Switch(s)) = t.on_verdict(&Verdict::Agreed(a(1)), now) else { panic!("expected a switch") };
        assert_eq!((s.from, s.cause), (None, Cause::Backstop));
        t.commit(&a(1));
        assert_eq!(t.on_verdict(&Verdict::Agreed(a(1)), now), Some(Decision::Agreement(a(1))));
        let split = Verdict::Split { answers: BTreeMap::from([(a(1), 1), (a(2), 1)]), silent: 1 };
        let Some(Decision::Disagreement(msg)) = t.on_verdict(&split, now) else { panic!("expected a disagreement") };
        assert!(msg.contains("127.0.0.1:1 (1)") && msg.contains("127.0.0.1:2 (1)") && msg.contains("1 know none"), "{msg}");
        assert_eq!(t.on_verdict(&split, now), None, "reported once per episode");
        assert_eq!(t.on_verdict(&Verdict::Unknown { answered: 1 }, now), None);
        assert!(matches!(t.on_verdict(&Verdict::Agreed(a(1)), now), Some(Decision::Agreement(_))));
        assert!(matches!(t.on_verdict(&split, now), Some(Decision::Disagreement(_))), "a new episode is reported again");
    }

    #[test]
    fn role_confirmation() {
        let sw = |cause, from: Option<Addr>| Switch { from, to: a(2), cause, odown_to_switch: None, seen_at: Instant::now() };
        let down = RoleCheck::Unreachable("timeout".into());
        for s in [sw(Cause::Event, Some(a(1))), sw(Cause::Backstop, Some(a(1))), sw(Cause::Backstop, None)] {
            assert!(confirm(&s, &RoleCheck::Role("master".into())));
            assert!(!confirm(&s, &RoleCheck::Role("slave".into())));
            assert!(!confirm(&s, &RoleCheck::Role("sentinel".into())));
        }
        assert!(confirm(&sw(Cause::Event, Some(a(1))), &down), "an elected master the operator cannot reach still gets the label");
        assert!(confirm(&sw(Cause::Backstop, None), &down), "first sight: nothing better to point at");
        assert!(!confirm(&sw(Cause::Backstop, Some(a(1))), &down), "the poll never moves away from a master to an unconfirmed node");
    }

    fn pods(roles: &[(&str, Option<&str>)]) -> Vec<PodRole> {
        roles.iter().map(|(n, r)| PodRole { name: n.to_string(), role: r.map(str::to_string) }).collect()
    }

    fn plan(roles: &[(&str, Option<&str>)], master: &str) -> Vec<(String, &'static str)> {
        label_plan(&pods(roles), master).into_iter().map(|c| (c.pod, c.role)).collect()
    }

    #[test]
    fn label_plan_demotes_before_it_promotes() {
        let p = plan(&[("c-0", Some("master")), ("c-1", Some("replica")), ("c-2", Some("replica"))], "c-1");
        assert_eq!(p, [("c-0".into(), "replica"), ("c-1".into(), "master")]);
        // Two stale masters (split brain seen earlier): both demoted before the promotion.
        let p = plan(&[("c-0", Some("master")), ("c-1", None), ("c-2", Some("master"))], "c-1");
        assert_eq!(p, [("c-0".into(), "replica"), ("c-2".into(), "replica"), ("c-1".into(), "master")]);
        // New set: nothing labelled yet.
        let p = plan(&[("c-0", None), ("c-1", None), ("c-2", Some("bogus"))], "c-0");
        assert_eq!(p, [("c-0".into(), "master"), ("c-1".into(), "replica"), ("c-2".into(), "replica")]);
        // Already right: nothing to do (the backstop is idempotent).
        assert!(plan(&[("c-0", Some("replica")), ("c-1", Some("master"))], "c-1").is_empty());
        // The master pod is gone (rescheduling): demote only, never promote a pod that does not exist.
        assert_eq!(plan(&[("c-0", Some("master"))], "c-9"), [("c-0".into(), "replica")]);
    }

    #[test]
    fn applying_the_plan_step_by_step_never_labels_two_masters() {
        let mut state = pods(&[("c-0", Some("master")), ("c-1", Some("master")), ("c-2", Some("replica")), ("c-3", None)]);
        for change in label_plan(&state, "c-2") {
            if let Some(p) = state.iter_mut().find(|p| p.name == change.pod) {
                p.role = Some(change.role.to_string());
            }
            let masters = state.iter().filter(|p| p.role.as_deref() == Some("master")).count();
            if change.role == ROLE_MASTER {
                assert_eq!(masters, 1, "the promotion must come after every demotion");
            }
        }
        let masters: Vec<_> = state.iter().filter(|p| p.role.as_deref() == Some("master")).map(|p| p.name.as_str()).collect();
        assert_eq!(masters, ["c-2"]);
        assert!(state.iter().all(|p| p.role.is_some()));
    }
}
