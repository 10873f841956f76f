//! Every period and timeout of the sentinel in one place, and the injected randomness.
//!
//! [`Timing::redis7`] is sentinel.c's constants. [`Timing::fast`] (the default) keeps every rule that
//! decides *whether* a failover may happen — down-after-milliseconds as the failure detector,
//! quorum for ODOWN, majority and quorum for the election, one vote per epoch, failover-timeout and
//! its 2× retry delay, the 10 s election and reconf timeouts, TILT — and only removes dead time
//! between an event and the sentinel noticing it:
//!
//! | field | redis7 | fast | why fast stays safe |
//! |---|---|---|---|
//! | `hz_min`/`hz_spread` | 10 + 0..10 Hz | 30 + 0..20 Hz | ticks only sample state; still randomised to desynchronise sentinels |
//! | `ping_period` | 1000 | 100 | SDOWN is still "no valid reply for down-after ms"; pinging more often only shortens the gap before the first unanswered ping |
//! | `info_period_failover` | 1000 | 100 | replicas of a down/failing-over master are watched more closely; more observation, same decisions |
//! | `info_watch_on_sdown` | no | yes | the above already from SDOWN, so replica selection sees fresh INFO |
//! | `info_after_slaveof` | no | yes | an INFO right behind the SLAVEOF transaction shows the promotion/reconf at once |
//! | `ask_period` | 1000 | 100 | other sentinels are asked more often; ODOWN still needs quorum answers |
//! | `ask_on_sdown` | no | yes | ask at the moment SDOWN is reached instead of at the next period |
//! | `master_down_validity` | 5000 | 500 | 5 × ask period as in Redis: stale answers expire sooner, which can only remove votes |
//! | `failover_desync` | 0..1000 | 0..100 | still random, so retries and vote-induced delays stay desynchronised |
//! | `reconnect_period` | 1000 | 100 | only how soon a dropped link is retried |
//! | `hello_after_switch` | no | yes | a hello with the new config epoch right after +switch-master; peers accept it only if the epoch is higher |
//! | `hello_on_connect` | no | yes | the first hello as soon as a master's or replica's link connects, not a period later; a hello only states our view |
//! | `chain_failover_steps` | no | yes | wait_start → select → send SLAVEOF in one tick instead of three; same steps, same checks, same order |
//!
//! Everything else (info_period 10 s, hello every 2 s, the defaults of a new master, election timeout min(10 s, failover-timeout),
//! reconf timeout 10 s, link-health periods, TILT 2 s / 30 s, replica-selection freshness limits) is
//! the same in both.

/// The periods and timeouts, in milliseconds.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Timing {
    /// The timer runs at `hz_min + rand(0..hz_spread)` Hz, re-drawn each tick (Redis: 10..19).
    pub hz_min: u64,
    pub hz_spread: u64,
    /// PING period cap: an instance is pinged every min(down-after, this).
    pub ping_period: u64,
    /// INFO period for masters and replicas in normal times.
    pub info_period: u64,
    /// INFO period for replicas whose master is ODOWN or failing over.
    pub info_period_failover: u64,
    /// INFO period for replicas reporting a down replication link.
    pub info_period_link_down: u64,
    /// Also use `info_period_failover` while the master is only SDOWN.
    pub info_watch_on_sdown: bool,
    /// Send INFO right after a SLAVEOF transaction.
    pub info_after_slaveof: bool,
    /// Period of SENTINEL is-master-down-by-addr while the master is SDOWN.
    pub ask_period: u64,
    /// Ask the other sentinels immediately when the master turns SDOWN.
    pub ask_on_sdown: bool,
    /// A sentinel's MASTER_DOWN flag and vote are dropped after this long without a reply.
    pub master_down_validity: u64,
    /// Hello (PUBLISH __sentinel__:hello) period.
    pub publish_period: u64,
    /// Force hellos to every instance of a master right after a switch.
    pub hello_after_switch: bool,
    /// Send the first hello to a master or replica as soon as its command link connects (Redis waits a
    /// publish period): a master fencing its writes (`ha-write-fence-ms`) counts a sentinel only once
    /// a hello of its names it master, so a restarted sentinel counts at once.
    pub hello_on_connect: bool,
    /// failover_start_time jitter: rand(0..this).
    pub failover_desync: u64,
    /// Cap of the election timeout (the effective one is min(this, failover-timeout)).
    pub election_timeout: u64,
    /// A replica in reconf_sent for longer is considered done.
    pub slave_reconf_timeout: u64,
    /// Minimum gap between two reconnection attempts of a link.
    pub reconnect_period: u64,
    /// A link younger than this is never closed for inactivity.
    pub min_link_reconnect_period: u64,
    /// A timer delta above this (or negative) enters TILT.
    pub tilt_trigger: u64,
    /// TILT lasts this long after the last trigger.
    pub tilt_period: u64,
    /// Replica selection: last valid PING reply at most this old.
    pub select_ping_validity: u64,
    /// Replica selection: INFO at most this old when the master is SDOWN.
    pub select_info_validity_sdown: u64,
    /// Replica selection: INFO at most this old otherwise.
    pub select_info_validity: u64,
    /// The `TIMEOUT` of a coordinated manual failover's `FAILOVER TO` (capped by failover-timeout):
    /// how long the old master holds writes while the replica catches up before it gives up and
    /// takes writes again.
    pub coordinated_failover_timeout: u64,
    /// Run consecutive failover steps in one tick while the state advances.
    pub chain_failover_steps: bool,
    /// down-after-milliseconds of a master added by SENTINEL MONITOR (SENTINEL DEBUG
    /// default-down-after).
    pub default_down_after: u64,
    /// failover-timeout of a master added by SENTINEL MONITOR (SENTINEL DEBUG default-failover-timeout).
    pub default_failover_timeout: u64,
}

impl Timing {
    /// sentinel.c's constants, exactly.
    pub fn redis7() -> Timing {
        Timing {
            hz_min: 10,
            hz_spread: 10,
            ping_period: 1000,
            info_period: 10_000,
            info_period_failover: 1000,
            info_period_link_down: 1000,
            info_watch_on_sdown: false,
            info_after_slaveof: false,
            ask_period: 1000,
            ask_on_sdown: false,
            master_down_validity: 5000,
            publish_period: 2000,
            hello_after_switch: false,
            hello_on_connect: false,
            failover_desync: 1000,
            election_timeout: 10_000,
            slave_reconf_timeout: 10_000,
            reconnect_period: 1000,
            min_link_reconnect_period: 15_000,
            tilt_trigger: 2000,
            tilt_period: 30_000,
            select_ping_validity: 5000,
            select_info_validity_sdown: 5000,
            select_info_validity: 30_000,
            chain_failover_steps: false,
            coordinated_failover_timeout: 5000,
            default_down_after: crate::sentinel::settings::DEFAULT_DOWN_AFTER_MS,
            default_failover_timeout: crate::sentinel::settings::DEFAULT_FAILOVER_TIMEOUT_MS,
        }
    }

    /// The same safety rules without the dead time (see the module table).
    pub fn fast() -> Timing {
        Timing {
            hz_min: 30,
            hz_spread: 20,
            ping_period: 100,
            info_period_failover: 100,
            info_watch_on_sdown: true,
            info_after_slaveof: true,
            ask_period: 100,
            ask_on_sdown: true,
            master_down_validity: 500,
            hello_after_switch: true,
            hello_on_connect: true,
            failover_desync: 100,
            reconnect_period: 100,
            chain_failover_steps: true,
            ..Timing::redis7()
        }
    }

    /// A master reporting role:slave is SDOWN after down-after plus this (two INFO periods).
    pub fn role_mismatch_grace(&self) -> u64 {
        self.info_period * 2
    }

    /// A master "looks sane" only with INFO younger than this.
    pub fn sane_info_age(&self) -> u64 {
        self.info_period * 2
    }

    /// Wait before converting a replica that claims to be a master (4 hello periods).
    pub fn convert_wait(&self) -> u64 {
        self.publish_period * 4
    }

    /// A pub/sub link with no traffic for this long is closed (3 hello periods).
    pub fn pubsub_idle_limit(&self) -> u64 {
        self.publish_period * 3
    }
}

impl Default for Timing {
    fn default() -> Self {
        Timing::fast()
    }
}

/// The sentinel's source of randomness (failover desync, timer frequency, a generated myid), so tests
/// can pass a seeded one.
pub trait RandomSource: Send {
    fn next_u64(&mut self) -> u64;

    /// Uniform in `0..n`; 0 when `n` is 0.
    fn below(&mut self, n: u64) -> u64 {
        if n == 0 {
            0
        } else {
            ((self.next_u64() as u128 * n as u128) >> 64) as u64
        }
    }
}

impl RandomSource for crate::util::Rng {
    fn next_u64(&mut self) -> u64 {
        crate::util::Rng::next_u64(self)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn redis7_matches_sentinel_c() {
        let t = Timing::redis7();
        assert_eq!((t.ping_period, t.info_period, t.info_period_failover), (1000, 10_000, 1000));
        assert_eq!((t.ask_period, t.publish_period, t.master_down_validity), (1000, 2000, 5000));
        assert_eq!((t.election_timeout, t.slave_reconf_timeout), (10_000, 10_000));
        assert_eq!((t.tilt_trigger, t.tilt_period, t.min_link_reconnect_period), (2000, 30_000, 15_000));
        assert_eq!((t.convert_wait(), t.sane_info_age(), t.pubsub_idle_limit()), (8000, 20_000, 6000));
        assert_eq!(t.failover_desync, 1000);
    }

    #[test]
    fn fast_keeps_the_safety_timeouts() {
        let (f, r) = (Timing::fast(), Timing::redis7());
        assert_eq!(f.election_timeout, r.election_timeout);
        assert_eq!(f.slave_reconf_timeout, r.slave_reconf_timeout);
        assert_eq!((f.tilt_trigger, f.tilt_period), (r.tilt_trigger, r.tilt_period));
        assert_eq!(f.select_info_validity_sdown, r.select_info_validity_sdown);
        assert_eq!(f.master_down_validity, f.ask_period * 5);
        assert!(f.failover_desync > 0, "votes must stay desynchronised");
        assert_eq!(Timing::default(), f);
    }

    #[test]
    fn below_stays_in_range() {
        let mut rng = crate::util::Rng::with_seed(7);
        for n in [1u64, 2, 10, 1000] {
            for _ in 0..100 {
                assert!(RandomSource::below(&mut rng, n) < n);
            }
        }
        assert_eq!(RandomSource::below(&mut rng, 0), 0);
    }
}
