//! The check a roll makes before it restarts the former master: did the new master take over at the
//! old master's offset, so nothing the old master acknowledged is missing?
//!
//! Both sides show it in `INFO replication`. A replica promoted to master keeps the history it
//! followed as `master_replid2`, valid up to `second_repl_offset` (its offset at the promotion + 1).
//! The old master, once it continued as the new master's replica with a partial resync, also keeps
//! its own former history there, up to its own final offset + 1. Same `master_replid2`, and the old
//! master's `second_repl_offset` no higher than the new master's: the new master had everything.
//! Had the old master acknowledged writes past the promotion point (a switchover that was not
//! coordinated), its partial resync would have been refused and the full resync that followed wiped
//! its history (`master_replid2` all zeros): those writes are gone.

use crate::master::credentials::Credentials;
use crate::master::events::Addr;
use crate::master::watcher::{conn_config, REQUEST_TIMEOUT};

/// The fields of `INFO replication` the check reads.
#[derive(Debug, Default, Clone, PartialEq, Eq)]
pub struct ReplicationView {
    pub role: String,
    pub master_host: Option<String>,
    pub master_port: Option<u16>,
    pub link_up: bool,
    pub replid2: String,
    pub second_offset: i64,
}

/// Parses `INFO replication` (any INFO text with that section).
pub fn parse_info(text: &str) -> ReplicationView {
    let mut v = ReplicationView { second_offset: -1, ..ReplicationView::default() };
    for line in text.lines() {
        let Some((k, val)) = line.trim_end().split_once(':') else { continue };
        match k {
            "role" => v.role = val.to_string(),
            "master_host" => v.master_host = Some(val.to_string()),
            "master_port" => v.master_port = val.parse().ok(),
            "master_link_status" => v.link_up = val == "up",
            "master_replid2" => v.replid2 = val.to_string(),
            "second_repl_offset" => v.second_offset = val.parse().unwrap_or(-1),
            _ => {}
        }
    }
    v
}

/// What the check found.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Handover {
    /// The new master continued the old master's history from its final offset.
    Continued { offset: i64, new_master: Addr },
    /// Not settled yet (still a master, link not up): look again on the next pass.
    NotYet(String),
    /// The old master's history was not continued: what it acknowledged last is lost.
    Diverged(String),
    /// The pods could not be asked.
    Unknown(String),
}

/// Judges the old master's and the new master's views.
pub fn judge(old: &ReplicationView, new: &ReplicationView, new_master: Addr) -> Handover {
    if old.role != "slave" {
        return Handover::NotYet("the former master is still a master".into());
    }
    if !old.link_up {
        return Handover::NotYet("the former master's link to the new master is not up yet".into());
    }
    if new.role != "master" {
        return Handover::NotYet(format!("{new_master} is not a master (yet)"));
    }
    let no_history = old.replid2.is_empty() || old.replid2.bytes().all(|b| b == b'0') || old.second_offset <= 0;
    if no_history {
        return Handover::Diverged(format!("the former master resynced from scratch from {new_master}, so its last acknowledged writes may be lost"));
    }
    if old.replid2 != new.replid2 || old.second_offset > new.second_offset {
        return Handover::Diverged(format!(
            "{new_master} took over at offset {} of history {}, the former master had reached {} of {}",
            new.second_offset - 1,
            new.replid2,
            old.second_offset - 1,
            old.replid2
        ));
    }
    Handover::Continued { offset: old.second_offset - 1, new_master }
}

/// Asks the former master (`old`, a pod address) and the master it now follows.
pub async fn check(old: &Addr, creds: &Credentials) -> Handover {
    let old_view = match info(old, creds).await {
        Ok(v) => v,
        Err(e) => return Handover::Unknown(format!("{old}: {e}")),
    };
    let (Some(host), Some(port)) = (old_view.master_host.clone(), old_view.master_port) else {
        return judge(&old_view, &ReplicationView::default(), Addr::new("?", 0));
    };
    let new_master = Addr::new(host, port);
    match info(&new_master, creds).await {
        Ok(new_view) => judge(&old_view, &new_view, new_master),
        Err(e) => Handover::Unknown(format!("{new_master}: {e}")),
    }
}

async fn info(addr: &Addr, creds: &Credentials) -> Result<ReplicationView, String> {
    let (_, mut conn) = creds.connect(addr, &conn_config()).await?;
    let text: String = tokio::time::timeout(REQUEST_TIMEOUT, redis::cmd("INFO").arg("replication").query_async(&mut conn))
        .await
        .map_err(|_| "INFO timed out".to_string())?
        .map_err(|e| e.to_string())?;
    Ok(parse_info(&text))
}

#[cfg(test)]
mod tests {
    use super::*;

    const NEW: &str = "# Replication\r\nrole:master\r\nconnected_slaves:2\r\nmaster_failover_state:no-failover\r\nmaster_replid:bbbb\r\nmaster_replid2:aaaa\r\nmaster_repl_offset:5000\r\nsecond_repl_offset:4001\r\n";

    fn old(replid2: &str, second: i64, link: &str) -> String {
        format!("# Replication\r\nrole:slave\r\nmaster_host:10.0.0.2\r\nmaster_port:6379\r\nmaster_link_status:{link}\r\nmaster_replid:bbbb\r\nmaster_replid2:{replid2}\r\nmaster_repl_offset:5000\r\nsecond_repl_offset:{second}\r\n")
    }

    fn judge_texts(o: &str, n: &str) -> Handover {
        judge(&parse_info(o), &parse_info(n), Addr::new("10.0.0.2", 6379))
    }

    #[test]
    fn a_continued_history_is_verified() {
        assert_eq!(judge_texts(&old("aaaa", 4001, "up"), NEW), Handover::Continued { offset: 4000, new_master: Addr::new("10.0.0.2", 6379) });
        // The old master stopped earlier than the promotion point (it had fewer writes): still whole.
        assert!(matches!(judge_texts(&old("aaaa", 3500, "up"), NEW), Handover::Continued { offset: 3499, .. }));
    }

    #[test]
    fn writes_past_the_promotion_point_or_a_full_resync_are_reported() {
        assert!(matches!(judge_texts(&old("aaaa", 4500, "up"), NEW), Handover::Diverged(_)));
        assert!(matches!(judge_texts(&old("0000000000000000000000000000000000000000", -1, "up"), NEW), Handover::Diverged(_)));
        assert!(matches!(judge_texts(&old("cccc", 3000, "up"), NEW), Handover::Diverged(_)));
    }

    #[test]
    fn an_unsettled_switch_waits() {
        assert!(matches!(judge_texts(&old("aaaa", 4001, "down"), NEW), Handover::NotYet(_)));
        assert!(matches!(judge_texts(NEW, NEW), Handover::NotYet(_)));
        assert!(matches!(judge_texts(&old("aaaa", 4001, "up"), &old("aaaa", 4001, "up")), Handover::NotYet(_)));
    }
}
