//! Choosing the replica to promote (sentinelSelectSlave): drop the unhealthy ones, then prefer the
//! lowest priority, the largest replication offset, the smallest run id.

use std::cmp::Ordering;

use super::instance::{flag, Loc, Ms};
use super::{Sentinel, Timing};

/// What selection looks at for one replica (ages in ms; `None` = never).
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct ReplicaView {
    pub down: bool,
    pub disconnected: bool,
    pub last_ok_ping_age: Ms,
    pub info_age: Option<Ms>,
    pub priority: i64,
    pub master_link_down_time: Ms,
    pub offset: u64,
    pub runid: Option<String>,
}

/// Promotion order: lower priority, then higher offset, then smaller run id (case-insensitive; a
/// missing run id sorts last).
pub(crate) fn compare_for_promotion(a: &ReplicaView, b: &ReplicaView) -> Ordering {
    a.priority.cmp(&b.priority).then_with(|| b.offset.cmp(&a.offset)).then_with(|| match (&a.runid, &b.runid) {
        (None, None) => Ordering::Equal,
        (None, Some(_)) => Ordering::Greater,
        (Some(_), None) => Ordering::Less,
        (Some(x), Some(y)) => x.to_ascii_lowercase().cmp(&y.to_ascii_lowercase()),
    })
}

/// The index of the replica to promote, if any is fit. `master_sdown_for` is how long the master
/// has been SDOWN (`None` when it is not).
pub(crate) fn pick(views: &[ReplicaView], master_sdown_for: Option<Ms>, down_after: Ms, t: &Timing) -> Option<usize> {
    // A replica may have lost its link while the master was down, but not for much longer.
    let max_master_down_time = master_sdown_for.unwrap_or(0) + down_after * 10;
    let info_validity = if master_sdown_for.is_some() { t.select_info_validity_sdown } else { t.select_info_validity } as Ms;
    views
        .iter()
        .enumerate()
        .filter(|(_, v)| {
            !v.down
                && !v.disconnected
                && v.last_ok_ping_age <= t.select_ping_validity as Ms
                && v.priority != 0
                && v.info_age.is_some_and(|a| a <= info_validity)
                && v.master_link_down_time <= max_master_down_time
        })
        .min_by(|(_, a), (_, b)| compare_for_promotion(a, b))
        .map(|(i, _)| i)
}

impl Sentinel {
    /// The replica of master `m` to promote now.
    pub(crate) fn select_replica(&self, m: usize, now: Ms) -> Option<usize> {
        let master = &self.masters[m];
        let views: Vec<ReplicaView> = (0..master.replicas.len())
            .map(|r| {
                let ri = &master.replicas[r];
                ReplicaView {
                    down: ri.has(flag::S_DOWN | flag::O_DOWN),
                    disconnected: self.disconnected(Loc::Replica(m, r)),
                    last_ok_ping_age: self.link(Loc::Replica(m, r)).map_or(Ms::MAX, |l| now - l.last_avail_time),
                    info_age: ri.info_refresh.map(|t| now - t),
                    priority: ri.slave_priority,
                    master_link_down_time: ri.master_link_down_time,
                    offset: ri.slave_repl_offset,
                    runid: ri.runid.clone(),
                }
            })
            .collect();
        let sdown_for = if master.inst.has(flag::S_DOWN) { master.inst.s_down_since.map(|t| now - t) } else { None };
        pick(&views, sdown_for, master.inst.down_after, &self.timing)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn healthy(priority: i64, offset: u64, runid: Option<&str>) -> ReplicaView {
        ReplicaView {
            down: false,
            disconnected: false,
            last_ok_ping_age: 100,
            info_age: Some(100),
            priority,
            master_link_down_time: 0,
            offset,
            runid: runid.map(str::to_string),
        }
    }

    /// §5.7 order: priority asc, offset desc, runid asc (case-insensitive), missing runid last.
    #[test]
    fn promotion_order_table() {
        // (candidates, expected winner index)
        let cases: Vec<(Vec<ReplicaView>, usize)> = vec![
            (vec![healthy(100, 5, Some("b")), healthy(10, 1, Some("c"))], 1),
            (vec![healthy(100, 5, Some("b")), healthy(100, 9, Some("c"))], 1),
            (vec![healthy(100, 9, Some("C")), healthy(100, 9, Some("b"))], 1),
            (vec![healthy(100, 9, Some("b")), healthy(100, 9, Some("C"))], 0),
            (vec![healthy(100, 9, None), healthy(100, 9, Some("z"))], 1),
            (vec![healthy(1, 0, None), healthy(2, 1000, Some("a"))], 0),
        ];
        let t = Timing::redis7();
        for (i, (views, expect)) in cases.iter().enumerate() {
            assert_eq!(pick(views, None, 30_000, &t), Some(*expect), "case {i}");
        }
    }

    /// §5.7 exclusions, each applied to an otherwise best candidate that must then lose.
    #[test]
    fn exclusions_table() {
        let t = Timing::redis7();
        let cases: Vec<(&str, fn(&mut ReplicaView), Option<Ms>)> = vec![
            ("sdown", |v| v.down = true, None),
            ("disconnected", |v| v.disconnected = true, None),
            ("stale ping", |v| v.last_ok_ping_age = 5001, None),
            ("priority 0", |v| v.priority = 0, None),
            ("no info", |v| v.info_age = None, None),
            ("info > 30s", |v| v.info_age = Some(30_001), None),
            ("info > 5s while master sdown", |v| v.info_age = Some(5001), Some(1000)),
            ("link down too long", |v| v.master_link_down_time = 300_001, None),
            ("link down too long while sdown", |v| v.master_link_down_time = 301_001, Some(1000)),
        ];
        for (name, spoil, sdown_for) in cases {
            let mut best = healthy(1, 1000, Some("a"));
            spoil(&mut best);
            let views = vec![best, healthy(100, 0, Some("z"))];
            assert_eq!(pick(&views, sdown_for, 30_000, &t), Some(1), "{name}");
        }
        // Limits are inclusive on the healthy side.
        let mut edge = healthy(1, 0, None);
        edge.last_ok_ping_age = 5000;
        edge.info_age = Some(5000);
        edge.master_link_down_time = 301_000;
        assert_eq!(pick(&[edge], Some(1000), 30_000, &t), Some(0));
        assert_eq!(pick(&[], None, 30_000, &t), None);
    }
}
