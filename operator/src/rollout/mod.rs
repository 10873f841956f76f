//! Rolling updates of the data pods. Their StatefulSet is `OnDelete`, so a new pod template reaches a
//! pod only when the operator deletes it: replicas first, one at a time, the master last after a
//! switchover through the sentinels.
//!
//! Owns: the order of a roll and the switchovers in flight. May call: [`crate::crd`],
//! [`crate::resources`], [`crate::master`] (to ask the sentinels and read the master), [`crate::error`].
//!
//! - [`plan`]: which pod, if any, goes next (pure).
//! - [`apply`]: takes that step once per reconcile — pod deletion with a UID precondition, or
//!   `SENTINEL FAILOVER` — and records `RollingUpdate` Events.
//! - [`handover`]: before the former master restarts, checks that the new master took over at its
//!   offset (nothing it acknowledged is missing).

pub mod apply;
pub mod handover;
pub mod plan;
