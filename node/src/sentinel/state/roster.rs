//! Adding and removing instances: masters, replicas, sentinel peers (whose links are shared by runid
//! across masters), and the master resets used by SENTINEL RESET and by a switch to a new address.

use super::instance::{flag, host_ok, Addr, FailoverState, Handover, InstId, Instance, Kind, Loc, Master, Ms, Role};
use super::{Level, Sentinel};
use crate::sentinel::settings::DEFAULT_PARALLEL_SYNCS;

/// Why an instance could not be created (Redis's sentinelCheckCreateInstanceErrors strings).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum CreateError {
    Duplicate,
    Unresolvable,
    BadPort,
}

impl CreateError {
    /// The error text for a master (SENTINEL MONITOR).
    pub fn master_text(self) -> &'static str {
        match self {
            CreateError::Duplicate => "Duplicate master name.",
            CreateError::Unresolvable => "Can't resolve instance hostname.",
            CreateError::BadPort => "Invalid port number.",
        }
    }
}

impl Sentinel {
    fn check_addr(&self, host: &str, port: i64) -> Result<Addr, CreateError> {
        let port = u16::try_from(port).map_err(|_| CreateError::BadPort)?;
        if !host_ok(host, self.resolve_hostnames) {
            return Err(CreateError::Unresolvable);
        }
        Ok(Addr::new(host, port))
    }

    /// A new master with the current defaults (down-after 30 s and failover-timeout 180 s unless
    /// SENTINEL DEBUG changed them, parallel-syncs 1).
    pub(crate) fn create_master(&mut self, name: &str, host: &str, port: i64, quorum: u32, now: Ms) -> Result<usize, CreateError> {
        let addr = self.check_addr(host, port)?;
        if self.master_by_name(name).is_some() {
            return Err(CreateError::Duplicate);
        }
        let id = InstId(self.alloc_id());
        let link = self.new_link(true, now);
        let inst = Instance::new(id, Kind::Master, name.to_string(), addr, link, self.timing.default_down_after as Ms, now);
        self.masters.push(Master {
            inst,
            replicas: Vec::new(),
            sentinels: Vec::new(),
            quorum,
            parallel_syncs: DEFAULT_PARALLEL_SYNCS,
            failover_timeout: self.timing.default_failover_timeout as Ms,
            auth_pass: None,
            auth_user: None,
            notification_script: None,
            client_reconfig_script: None,
            renames: Vec::new(),
            reboot_down_after: 0,
            reboot_since: 0,
            config_epoch: 0,
            leader: None,
            leader_epoch: 0,
            failover_epoch: 0,
            failover_state: FailoverState::None,
            failover_state_change_time: 0,
            failover_start_time: None,
            promoted: None,
            handover: Handover::Undecided,
        });
        Ok(self.masters.len() - 1)
    }

    /// A replica of master `m` named `ip:port`; `None` if the address is invalid or already known.
    pub(crate) fn create_replica(&mut self, m: usize, host: &str, port: i64, now: Ms) -> Option<usize> {
        let addr = self.check_addr(host, port).ok()?;
        let name = addr.name();
        if self.masters[m].replicas.iter().any(|r| r.name == name) {
            return None;
        }
        let id = InstId(self.alloc_id());
        let link = self.new_link(true, now);
        let down_after = self.masters[m].inst.down_after;
        let inst = Instance::new(id, Kind::Replica, name, addr, link, down_after, now);
        self.masters[m].replicas.push(inst);
        Some(self.masters[m].replicas.len() - 1)
    }

    /// A sentinel peer of master `m`, named by its runid, sharing the link of the same runid under
    /// another master if there is one; `None` if the address is invalid or the runid is known.
    pub(crate) fn create_sentinel(&mut self, m: usize, runid: &str, host: &str, port: i64, now: Ms) -> Option<usize> {
        let addr = self.check_addr(host, port).ok()?;
        if self.masters[m].sentinels.iter().any(|s| s.name == runid) {
            return None;
        }
        let shared = self
            .masters
            .iter()
            .enumerate()
            .filter(|(i, _)| *i != m)
            .find_map(|(_, other)| other.sentinels.iter().find(|s| s.runid.as_deref() == Some(runid)).map(|s| s.link));
        let link = match shared {
            Some(lid) => {
                if let Some(l) = self.links.get_mut(&lid) {
                    l.refcount += 1;
                }
                lid
            }
            None => self.new_link(false, now),
        };
        let id = InstId(self.alloc_id());
        let down_after = self.masters[m].inst.down_after;
        let mut inst = Instance::new(id, Kind::Sentinel, runid.to_string(), addr, link, down_after, now);
        inst.runid = Some(runid.to_string());
        self.masters[m].sentinels.push(inst);
        Some(self.masters[m].sentinels.len() - 1)
    }

    /// Removes master `m`'s sentinels with `runid`; returns how many.
    pub(crate) fn remove_sentinels_with_runid(&mut self, m: usize, runid: &str) -> usize {
        let mut removed = Vec::new();
        self.masters[m].sentinels.retain(|s| {
            let hit = s.runid.as_deref() == Some(runid);
            if hit {
                removed.push(s.link);
            }
            !hit
        });
        for lid in &removed {
            self.release_link(*lid);
        }
        removed.len()
    }

    /// After a sentinel changed address: drop the links of its records under every master (they
    /// reconnect to the new address) and copy the address; `+sentinel-address-update` if others moved.
    pub(crate) fn update_sentinel_address_everywhere(&mut self, m: usize, s: usize) {
        let (runid, addr, id) = {
            let si = &self.masters[m].sentinels[s];
            (si.runid.clone(), si.addr.clone(), si.id)
        };
        let Some(runid) = runid else { return };
        let mut reconfigured = 0;
        for mi in 0..self.masters.len() {
            let Some(si) = self.masters[mi].sentinels.iter().position(|x| x.runid.as_deref() == Some(runid.as_str())) else {
                continue;
            };
            let lid = self.masters[mi].sentinels[si].link;
            self.close_link(lid, super::LinkKind::Cmd);
            self.close_link(lid, super::LinkKind::PubSub);
            if self.masters[mi].sentinels[si].id != id {
                self.masters[mi].sentinels[si].addr = addr.clone();
                reconfigured += 1;
            }
        }
        if reconfigured > 0 {
            self.event_at(Level::Notice, "+sentinel-address-update", Loc::Sentinel(m, s), &format!(" {reconfigured} additional matching instances"));
        }
    }

    /// Removes master `m` entirely (SENTINEL REMOVE).
    pub(crate) fn remove_master(&mut self, m: usize) {
        let master = self.masters.remove(m);
        let links: Vec<_> =
            std::iter::once(master.inst.link).chain(master.replicas.iter().map(|r| r.link)).chain(master.sentinels.iter().map(|s| s.link)).collect();
        for lid in links {
            self.release_link(lid);
        }
    }

    /// sentinelResetMaster: forget replicas (and sentinels unless `keep_sentinels`), runtime flags and
    /// the failover state, drop the master's connections, restart its failure clock.
    pub(crate) fn reset_master(&mut self, m: usize, keep_sentinels: bool, generate_event: bool, now: Ms) {
        let replicas = std::mem::take(&mut self.masters[m].replicas);
        for r in replicas {
            self.release_link(r.link);
        }
        if !keep_sentinels {
            let sentinels = std::mem::take(&mut self.masters[m].sentinels);
            for s in sentinels {
                self.release_link(s.link);
            }
        }
        let lid = self.masters[m].inst.link;
        self.close_link(lid, super::LinkKind::Cmd);
        self.close_link(lid, super::LinkKind::PubSub);
        let master = &mut self.masters[m];
        master.inst.flags = 0;
        master.leader = None;
        master.failover_state = FailoverState::None;
        master.failover_state_change_time = 0;
        master.failover_start_time = None; // a failover may start again at once
        master.promoted = None;
        master.handover = Handover::Undecided;
        master.inst.runid = None;
        master.inst.slave_master_host = None;
        master.inst.role_reported = Some(Role::Master);
        master.inst.role_reported_time = now;
        if let Some(link) = self.links.get_mut(&lid) {
            link.act_ping_time = Some(now);
            link.last_ping_time = None;
            link.last_avail_time = now;
            link.last_pong_time = now;
        }
        if generate_event {
            self.event_at(Level::Warning, "+reset-master", Loc::Master(m), "");
        }
    }

    /// sentinelResetMasterAndChangeAddress: the master becomes `host:port`; the replicas are kept
    /// (minus the new master) and the old address is added as a replica, each with `+slave`.
    pub(crate) fn reset_master_and_change_address(&mut self, m: usize, host: &str, port: i64, now: Ms) -> bool {
        let Ok(mut new_addr) = self.check_addr(host, port) else { return false };
        let old_addr = self.masters[m].inst.addr.clone();
        // What the known addresses resolved to carries over to the new records (their links are
        // new and have not resolved anything yet).
        if new_addr.ip.is_none() {
            let known = self.masters[m].replicas.iter().map(|r| &r.addr).chain([&old_addr]).find(|a| a.same(&new_addr));
            new_addr.ip = known.and_then(|a| a.ip.clone());
        }
        let mut keep: Vec<Addr> = self.masters[m].replicas.iter().map(|r| r.addr.clone()).filter(|a| !a.same(&new_addr)).collect();
        if !new_addr.same(&old_addr) {
            keep.push(old_addr);
        }
        self.reset_master(m, true, false, now);
        let master = &mut self.masters[m];
        master.inst.addr = new_addr;
        master.inst.s_down_since = None;
        master.inst.o_down_since = None;
        for a in keep {
            if let Some(r) = self.create_replica(m, &a.host, i64::from(a.port), now) {
                self.masters[m].replicas[r].addr.ip = a.ip;
                self.event_at(Level::Notice, "+slave", Loc::Replica(m, r), "");
            }
        }
        self.flush();
        true
    }

    /// Clears the promoted mark and the in-progress flags (sentinelAbortFailover).
    pub(crate) fn abort_failover(&mut self, m: usize, now: Ms) {
        let master = &mut self.masters[m];
        master.inst.flags &= !(flag::FAILOVER_IN_PROGRESS | flag::FORCE_FAILOVER);
        master.failover_state = FailoverState::None;
        master.failover_state_change_time = now;
        if let Some(r) = master.promoted_idx() {
            master.replicas[r].flags &= !flag::PROMOTED;
        }
        master.promoted = None;
        master.handover = Handover::Undecided;
    }
}
