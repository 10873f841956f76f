//! Hello messages: what we publish every publish period (who we are, our epoch, the master's current
//! address and config epoch) and what we learn from others' — new sentinels, address changes, a
//! newer epoch, and a newer master configuration (+switch-master as an observer).

use super::info::{atoi, atou};
use super::instance::{Addr, Kind, Loc, Ms};
use super::{Action, Expect, Level, Sentinel, HELLO_CHANNEL};

/// The 8 comma-separated fields of a hello payload.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct Hello {
    pub ip: String,
    pub port: i64,
    pub runid: String,
    pub current_epoch: u64,
    pub master_name: String,
    pub master_ip: String,
    pub master_port: i64,
    pub master_config_epoch: u64,
}

impl Hello {
    /// Splits a payload; anything but exactly 8 fields is not a hello. Numbers parse like atoi.
    pub fn parse(payload: &str) -> Option<Hello> {
        let t: Vec<&str> = payload.split(',').collect();
        if t.len() != 8 {
            return None;
        }
        Some(Hello {
            ip: t[0].to_string(),
            port: atoi(t[1]),
            runid: t[2].to_string(),
            current_epoch: atou(t[3]),
            master_name: t[4].to_string(),
            master_ip: t[5].to_string(),
            master_port: atoi(t[6]),
            master_config_epoch: atou(t[7]),
        })
    }

    /// The comma-joined payload.
    pub fn payload(&self) -> String {
        format!(
            "{},{},{},{},{},{},{},{}",
            self.ip, self.port, self.runid, self.current_epoch, self.master_name, self.master_ip, self.master_port, self.master_config_epoch
        )
    }
}

impl Sentinel {
    /// `PUBLISH __sentinel__:hello <payload>` received by this sentinel (the reply is `:1`).
    pub fn publish_hello(&mut self, payload: &str, now_ms: u64) {
        self.process_hello(payload, now_ms as Ms);
    }

    /// Our hello for the master of `loc`; `None` while we do not know the address to announce.
    fn hello_for(&self, loc: Loc) -> Option<String> {
        let ip = match &self.announce_ip {
            Some(ip) => ip.clone(),
            None => self.link(loc)?.local_ip.clone()?,
        };
        let port = if self.announce_port != 0 { self.announce_port } else { self.node.port };
        let master = &self.masters[loc.master()];
        let addr = master.current_addr();
        Some(
            Hello {
                ip,
                port: i64::from(port),
                runid: self.myid.clone(),
                current_epoch: self.current_epoch,
                master_name: master.inst.name.clone(),
                master_ip: self.announced(addr).to_string(),
                master_port: i64::from(addr.port),
                master_config_epoch: master.config_epoch,
            }
            .payload(),
        )
    }

    /// Publishes our hello on the instance's command link (masters, replicas and sentinels alike).
    pub(super) fn send_hello(&mut self, loc: Loc) -> bool {
        if self.disconnected(loc) {
            return false;
        }
        let Some(payload) = self.hello_for(loc) else { return false };
        self.send_owned(loc, Expect::Publish, vec!["PUBLISH".into(), HELLO_CHANNEL.into(), payload])
    }

    /// Makes every instance of master `m` due for a hello at the next tick.
    pub(super) fn force_hello_update(&mut self, m: usize) {
        let back = self.timing.publish_period as Ms + 1;
        let master = &mut self.masters[m];
        master.inst.last_pub_time -= back;
        for ri in master.sentinels.iter_mut().chain(master.replicas.iter_mut()) {
            ri.last_pub_time -= back;
        }
    }

    /// Runs the client-reconfig script: `<master> <leader|observer> start <from ip> <from port> <to ip> <to port>`.
    pub(super) fn client_reconfig_script(&mut self, m: usize, role: &str, from: &Addr, to: &Addr) {
        let master = &self.masters[m];
        let Some(path) = master.client_reconfig_script.clone() else { return };
        let args = vec![
            master.inst.name.clone(),
            role.to_string(),
            "start".to_string(),
            self.announced(from).to_string(),
            from.port.to_string(),
            self.announced(to).to_string(),
            to.port.to_string(),
        ];
        self.out.push(Action::RunScript { path, args });
    }

    /// sentinelProcessHelloMessage.
    pub(super) fn process_hello(&mut self, payload: &str, now: Ms) {
        if payload.contains(self.myid.as_str()) {
            return; // our own hello, echoed by the pub/sub channel
        }
        let Some(h) = Hello::parse(payload) else { return };
        let Some(m) = self.master_by_name(&h.master_name) else { return };

        let mut si = self.masters[m].sentinels.iter().position(|s| s.runid.as_deref() == Some(h.runid.as_str()) && s.addr.is(&h.ip, h.port));
        if si.is_none() {
            // Same runid at another address: it moved. Another runid at this address: that one is stale.
            let removed = self.remove_sentinels_with_runid(m, &h.runid);
            if removed > 0 {
                self.event_at(Level::Notice, "+sentinel-address-switch", Loc::Master(m), &format!(" ip {} port {} for {}", h.ip, h.port, h.runid));
            } else if let Some(other) = self.masters[m].sentinels.iter().position(|s| s.addr.is(&h.ip, h.port)) {
                self.event_at(Level::Notice, "+sentinel-invalid-addr", Loc::Sentinel(m, other), "");
                if let Some(obsolete) = self.masters[m].sentinels[other].runid.clone() {
                    for mi in 0..self.masters.len() {
                        self.remove_sentinels_with_runid(mi, &obsolete);
                    }
                }
            }
            si = self.create_sentinel(m, &h.runid, &h.ip, h.port, now);
            if let Some(s) = si {
                if removed == 0 {
                    self.event_at(Level::Notice, "+sentinel", Loc::Sentinel(m, s), "");
                } else {
                    self.update_sentinel_address_everywhere(m, s);
                }
                self.flush();
            }
        }

        if h.current_epoch > self.current_epoch {
            self.current_epoch = h.current_epoch;
            self.flush();
            self.event(Level::Warning, "+new-epoch", Some(m), h.current_epoch.to_string());
        }

        let Some(s) = si else { return };
        if self.masters[m].config_epoch < h.master_config_epoch {
            self.masters[m].config_epoch = h.master_config_epoch;
            self.flush();
            let old = self.masters[m].inst.addr.clone();
            if !old.is(&h.master_ip, h.master_port) {
                self.event_at(Level::Warning, "+config-update-from", Loc::Sentinel(m, s), "");
                let text = format!("{} {} {} {} {}", self.masters[m].inst.name, self.announced(&old), old.port, h.master_ip, h.master_port);
                self.event(Level::Warning, "+switch-master", Some(m), text);
                if self.reset_master_and_change_address(m, &h.master_ip, h.master_port, now) {
                    let new = self.masters[m].inst.addr.clone();
                    self.client_reconfig_script(m, "observer", &old, &new);
                    if self.timing.hello_after_switch {
                        self.force_hello_update(m);
                    }
                }
            }
        }
        // The reset above keeps sentinels, but look the record up again to be safe.
        if let Some(s) = self.masters[m].sentinels.iter_mut().find(|x| x.kind == Kind::Sentinel && x.runid.as_deref() == Some(h.runid.as_str())) {
            s.last_hello_time = now;
        }
    }
}

#[cfg(test)]
mod tests {
    use super::super::{Action, NodeInfo, Timing};
    use super::*;
    use crate::sentinel::settings::{MasterSettings, SentinelSettings};
    use crate::util::Rng;

    fn sentinel() -> Sentinel {
        let ms = MasterSettings::new("mymaster", "10.0.0.1", 6379, 2);
        let cfg = SentinelSettings { myid: Some("a".repeat(40)), masters: vec![ms], ..SentinelSettings::default() };
        let mut s = Sentinel::new(cfg, NodeInfo { port: 26379, requirepass: None }, Timing::redis7(), Box::new(Rng::with_seed(5)), 0);
        s.take_actions();
        s
    }

    fn events(s: &mut Sentinel) -> Vec<String> {
        s.take_actions()
            .into_iter()
            .filter_map(|a| match a {
                Action::Event(e) => Some(format!("{} {}", e.name, e.payload)),
                _ => None,
            })
            .collect()
    }

    fn hello(runid: char, ip: &str, epoch: u64, master: &str, config_epoch: u64) -> String {
        format!("{ip},26379,{},{epoch},mymaster,{master},6379,{config_epoch}", runid.to_string().repeat(40))
    }

    #[test]
    fn payload_round_trip_and_rejects() {
        let p = "127.0.0.1,26391,1264c3ddbeac747c471fb935213a508b4748cca6,0,mymaster,127.0.0.1,16379,0";
        let h = Hello::parse(p).unwrap();
        assert_eq!((h.port, h.master_port, h.current_epoch), (26391, 16379, 0));
        assert_eq!(h.payload(), p);
        assert!(Hello::parse("a,b,c").is_none());
        assert!(Hello::parse("1,2,3,4,5,6,7,8,9").is_none());
        assert_eq!(Hello::parse("x,y,z,w,m,i,p,e").map(|h| (h.port, h.current_epoch)), Some((0, 0)));
    }

    #[test]
    fn discovers_a_sentinel_and_adopts_epochs() {
        let mut s = sentinel();
        s.publish_hello(&hello('b', "10.0.1.2", 5, "10.0.0.1", 0), 10);
        let ev = events(&mut s);
        assert_eq!(ev, vec![format!("+sentinel sentinel {} 10.0.1.2 26379 @ mymaster 10.0.0.1 6379", "b".repeat(40)), "+new-epoch 5".to_string()]);
        assert_eq!(s.current_epoch(), 5);
        assert_eq!(s.masters[0].sentinels.len(), 1);
        // Same again: nothing new.
        s.publish_hello(&hello('b', "10.0.1.2", 5, "10.0.0.1", 0), 20);
        assert!(events(&mut s).is_empty());
        assert_eq!(s.masters[0].sentinels[0].last_hello_time, 20);
        // Own hellos and unknown masters are ignored.
        s.publish_hello(&hello('a', "10.0.1.1", 9, "10.0.0.1", 0), 30);
        s.publish_hello(&hello('c', "10.0.1.3", 9, "10.0.0.1", 0).replace("mymaster", "other"), 30);
        assert_eq!(s.current_epoch(), 5);
        assert_eq!(s.masters[0].sentinels.len(), 1);
    }

    #[test]
    fn address_switch_and_invalid_address() {
        let mut s = sentinel();
        s.publish_hello(&hello('b', "10.0.1.2", 0, "10.0.0.1", 0), 10);
        events(&mut s);
        s.publish_hello(&hello('b', "10.0.1.9", 0, "10.0.0.1", 0), 20);
        let ev = events(&mut s);
        assert_eq!(ev, vec![format!("+sentinel-address-switch master mymaster 10.0.0.1 6379 ip 10.0.1.9 port 26379 for {}", "b".repeat(40))]);
        assert_eq!(s.masters[0].sentinels[0].addr.host, "10.0.1.9");
        // A different runid at that address replaces it.
        s.publish_hello(&hello('c', "10.0.1.9", 0, "10.0.0.1", 0), 30);
        let ev = events(&mut s);
        assert_eq!(ev[0], format!("+sentinel-invalid-addr sentinel {} 10.0.1.9 26379 @ mymaster 10.0.0.1 6379", "b".repeat(40)));
        assert_eq!(s.masters[0].sentinels.len(), 1);
        assert_eq!(s.masters[0].sentinels[0].name, "c".repeat(40));
    }

    #[test]
    fn newer_config_epoch_switches_the_master() {
        let mut s = sentinel();
        s.create_replica(0, "10.0.0.2", 6379, 0);
        s.publish_hello(&hello('b', "10.0.1.2", 3, "10.0.0.2", 3), 10);
        let ev = events(&mut s);
        let b = "b".repeat(40);
        assert_eq!(
            ev,
            vec![
                format!("+sentinel sentinel {b} 10.0.1.2 26379 @ mymaster 10.0.0.1 6379"),
                "+new-epoch 3".to_string(),
                format!("+config-update-from sentinel {b} 10.0.1.2 26379 @ mymaster 10.0.0.1 6379"),
                "+switch-master mymaster 10.0.0.1 6379 10.0.0.2 6379".to_string(),
                "+slave slave 10.0.0.1:6379 10.0.0.1 6379 @ mymaster 10.0.0.2 6379".to_string(),
            ]
        );
        assert_eq!(s.master_addr("mymaster"), Some(("10.0.0.2".to_string(), 6379)));
        assert_eq!(s.masters[0].config_epoch, 3);
        // An older or equal config epoch changes nothing.
        s.publish_hello(&hello('b', "10.0.1.2", 3, "10.0.0.9", 3), 20);
        assert!(events(&mut s).is_empty());
    }
}
