//! What `/readyz` answers: can this process do its job? A leader can when its controllers run; a standby
//! can when it keeps up with the Lease, so that it could take over the moment the leader goes. Either
//! way, with leader election, a replica whose Lease calls keep failing cannot: it is cut off from the
//! API server. The verdict is pure ([`verdict`]); [`Readiness`] is the shared state behind it.

use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

/// Where this process is in its life.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Role {
    /// Not yet leading or waiting for the Lease (connecting, or before the first Lease read).
    Starting,
    /// Waiting for the Lease, ready to take it over.
    Standby,
    /// Holding the Lease (or running without election), controllers running.
    Leading,
    /// Shutting down: controllers stopping, the Lease being given up.
    Stopping,
}

/// The answer to `/readyz`: what this process is doing, or why it cannot do its job.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Verdict {
    Ready(&'static str),
    NotReady(String),
}

/// Pure: is a process in `role` ready at `now`? `lease_fresh_for` is None without leader election;
/// with it, the last successful Lease read or renewal must be at most that old.
pub fn verdict(role: Role, last_lease_ok: Option<Instant>, lease_fresh_for: Option<Duration>, now: Instant) -> Verdict {
    let doing = match role {
        Role::Starting => return Verdict::NotReady("starting".into()),
        Role::Stopping => return Verdict::NotReady("stopping".into()),
        Role::Standby => "standby",
        Role::Leading => "leading",
    };
    let Some(fresh_for) = lease_fresh_for else { return Verdict::Ready(doing) };
    match last_lease_ok {
        None => Verdict::NotReady(format!("{doing}, but no Lease call has succeeded yet")),
        Some(at) if now.saturating_duration_since(at) > fresh_for => {
            Verdict::NotReady(format!("{doing}, but no Lease call has succeeded for {}s", now.saturating_duration_since(at).as_secs()))
        }
        Some(_) => Verdict::Ready(doing),
    }
}

#[derive(Debug)]
struct State {
    role: Role,
    last_lease_ok: Option<Instant>,
}

/// Shared between the HTTP server (reads) and the main task and leader election (write).
#[derive(Clone, Debug)]
pub struct Readiness {
    state: Arc<Mutex<State>>,
    lease_fresh_for: Option<Duration>,
}

impl Default for Readiness {
    /// Without leader election: ready exactly while leading.
    fn default() -> Self {
        Readiness { state: Arc::new(Mutex::new(State { role: Role::Starting, last_lease_ok: None })), lease_fresh_for: None }
    }
}

impl Readiness {
    /// With leader election: also needs a successful Lease call within `fresh_for` (the lease duration:
    /// a standby that cannot read the Lease for that long would miss the leader's lease expiring).
    pub fn with_lease(fresh_for: Duration) -> Self {
        Readiness { lease_fresh_for: Some(fresh_for), ..Readiness::default() }
    }

    pub fn set_role(&self, role: Role) {
        self.lock().role = role;
    }

    /// A Lease read, creation or renewal succeeded (whether or not it won the Lease).
    pub fn lease_ok(&self) {
        self.lock().last_lease_ok = Some(Instant::now());
    }

    pub fn verdict(&self) -> Verdict {
        let s = self.lock();
        verdict(s.role, s.last_lease_ok, self.lease_fresh_for, Instant::now())
    }

    fn lock(&self) -> std::sync::MutexGuard<'_, State> {
        self.state.lock().unwrap_or_else(|e| e.into_inner())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    const FRESH: Option<Duration> = Some(Duration::from_secs(15));

    #[test]
    fn without_election_ready_exactly_while_leading() {
        let now = Instant::now();
        assert_eq!(verdict(Role::Leading, None, None, now), Verdict::Ready("leading"));
        assert!(matches!(verdict(Role::Starting, None, None, now), Verdict::NotReady(_)));
        assert!(matches!(verdict(Role::Stopping, None, None, now), Verdict::NotReady(_)));
    }

    #[test]
    fn with_election_a_standby_or_leader_is_ready_while_its_lease_calls_succeed() {
        let now = Instant::now() + Duration::from_secs(100);
        let ago = |s: u64| Some(now - Duration::from_secs(s));
        assert_eq!(verdict(Role::Standby, ago(4), FRESH, now), Verdict::Ready("standby"));
        assert_eq!(verdict(Role::Leading, ago(4), FRESH, now), Verdict::Ready("leading"));
        assert_eq!(verdict(Role::Standby, ago(15), FRESH, now), Verdict::Ready("standby"), "exactly the window");
        assert_eq!(verdict(Role::Standby, ago(16), FRESH, now), Verdict::NotReady("standby, but no Lease call has succeeded for 16s".into()));
        assert!(matches!(verdict(Role::Leading, ago(30), FRESH, now), Verdict::NotReady(_)));
        assert!(matches!(verdict(Role::Standby, None, FRESH, now), Verdict::NotReady(_)), "never read the Lease");
        assert!(matches!(verdict(Role::Starting, ago(1), FRESH, now), Verdict::NotReady(_)));
        assert!(matches!(verdict(Role::Stopping, ago(1), FRESH, now), Verdict::NotReady(_)));
    }

    #[test]
    fn shared_state_follows_role_and_lease_calls() {
        let r = Readiness::with_lease(Duration::from_secs(15));
        let seen = r.clone();
        r.set_role(Role::Standby);
        assert!(matches!(seen.verdict(), Verdict::NotReady(_)), "no Lease call yet");
        r.lease_ok();
        assert_eq!(seen.verdict(), Verdict::Ready("standby"));
        r.set_role(Role::Stopping);
        assert!(matches!(seen.verdict(), Verdict::NotReady(_)));
    }
}
