//! The sentinels a master has heard from, and whether each still names it master: the state part
//! of write fencing (the rule is in the parent module). Imports nothing above the state.

use std::collections::HashMap;

/// The sentinels a master has heard from.
#[derive(Debug, Default)]
pub struct Fence {
    /// Sentinel (first 8 characters of its run ID) → what we know of it.
    seen: HashMap<String, Seen>,
}

#[derive(Debug, Clone, Copy)]
struct Seen {
    /// Last contact (ms).
    last: i64,
    /// Whether its latest hello named us as the master, since its last contact gap. A sentinel that
    /// failed over elsewhere still talks to us (we are a replica in its view) but counts for nothing.
    owns_us: bool,
}

impl Fence {
    /// Something arrived on sentinel `id`'s command link. After a silence longer than `window_ms` the
    /// sentinel counts again only once a hello of its names us (it may have failed over meanwhile).
    pub fn heard(&mut self, id: &str, now: i64, window_ms: i64) {
        match self.seen.get_mut(id) {
            Some(s) => {
                if now - s.last > window_ms {
                    s.owns_us = false;
                }
                s.last = now.max(s.last);
            }
            None => {
                self.seen.insert(id.to_string(), Seen { last: now, owns_us: false });
            }
        }
    }

    /// A hello of sentinel `id`: whether it names us as the master.
    pub fn hello(&mut self, id: &str, names_us: bool, now: i64) {
        let s = self.seen.entry(id.to_string()).or_insert(Seen { last: now, owns_us: false });
        s.owns_us = names_us;
        s.last = now.max(s.last);
    }

    /// How many sentinels watch the master: `configured`, or (0) every one heard from.
    pub fn known(&self, configured: usize) -> usize {
        if configured > 0 {
            configured
        } else {
            self.seen.len()
        }
    }

    /// When a majority of `known` sentinels that name us master had last been heard from: the
    /// (known/2+1)-th most recent contact among them. None if there never were that many.
    pub fn majority_heard_at(&self, known: usize) -> Option<i64> {
        let k = known / 2 + 1;
        let mut times: Vec<i64> = self.seen.values().filter(|s| s.owns_us).map(|s| s.last).collect();
        if times.len() < k {
            return None;
        }
        times.sort_unstable_by(|a, b| b.cmp(a));
        Some(times[k - 1])
    }

    /// How many that name us master were heard from within `window_ms` of `now`.
    pub fn heard_within(&self, window_ms: i64, now: i64) -> usize {
        self.seen.values().filter(|s| s.owns_us && now - s.last <= window_ms).count()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_majority_of_the_known_sentinels_counts() {
        let mut f = Fence::default();
        f.hello("aaaaaaaa", true, 100);
        f.hello("bbbbbbbb", true, 0);
        f.hello("cccccccc", true, 900);
        assert_eq!(f.known(0), 3);
        // Two of three make a majority: the second most recent contact.
        assert_eq!(f.majority_heard_at(3), Some(100));
        assert_eq!(f.heard_within(500, 1000), 1);
        // ha-write-fence-sentinels says five: three of them were never heard.
        assert_eq!(f.known(5), 5);
        assert_eq!(f.majority_heard_at(5), Some(0));
        assert_eq!(f.majority_heard_at(7), None);
    }

    #[test]
    fn a_sentinel_that_names_another_master_or_comes_back_from_silence_does_not_count() {
        let mut f = Fence::default();
        f.hello("aaaaaaaa", true, 0);
        f.hello("bbbbbbbb", true, 0);
        assert_eq!(f.heard_within(1000, 500), 2);
        // After a 5 s silence (a cut), contact alone does not count: it may have failed over.
        f.heard("aaaaaaaa", 5000, 1000);
        f.heard("bbbbbbbb", 5000, 1000);
        assert_eq!(f.heard_within(1000, 5000), 0);
        // Its hello names another master: still nothing.
        f.hello("aaaaaaaa", false, 5100);
        assert_eq!(f.heard_within(1000, 5100), 0);
        // A hello naming us: counts again.
        f.hello("bbbbbbbb", true, 5200);
        assert_eq!(f.heard_within(1000, 5200), 1);
        f.heard("bbbbbbbb", 5300, 1000);
        assert_eq!(f.heard_within(1000, 5300), 1);
    }
}
