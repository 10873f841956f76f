//! Write fencing (`ha-write-fence-ms <ms>`, ours; 0 = off, Redis's behaviour): a master cut off from
//! the majority of the sentinels that watch it refuses writes, so it stops acknowledging writes that
//! the failover the majority is about to make would throw away. `contacts.rs` holds fencing's part
//! of `State` (the sentinels heard from, and whether each still names us master), below the state;
//! this file applies the rule to the whole state and imports only the state and `util`. The
//! dispatcher and scripts ask [`refusal`] before a write, the session reports each batch
//! ([`on_client_batch`]), PUBLISH on the hello channel reports a hello ([`on_hello`]), and INFO
//! replication reads [`info_fields`].
//!
//! The rule: a master that has not heard from a majority of its sentinels for `ha-write-fence-ms`
//! refuses writes (`-NOQUORUM ...`) and takes them again as soon as it hears from a majority. Reads
//! keep working. A sentinel counts only while its latest hello (published on the master every 2 s)
//! names us as the master, and after a silence longer than the fence only once a new hello does: a
//! sentinel that failed over elsewhere keeps talking to the old master (a replica in its view), and
//! must not unfence it when a cut heals. Sentinels name their command links
//! `sentinel-<first 8 of runid>-cmd` (Redis 7.0 does, and so does ours) and PING the master at
//! least once a second, so every command on such a link counts as hearing from that sentinel. How
//! many sentinels watch the master is `ha-write-fence-sentinels <n>` when set (the operator sets
//! it: pods that restart with new sentinel IDs do not change the count, and a master restarted
//! inside a partition starts fenced); otherwise every sentinel heard from since start counts.
//!
//! Why it is safe: the sentinels may fail over only after `down-after-milliseconds` without a reply
//! from the master, and only with a majority's authorization. If the master fences after
//! `ha-write-fence-ms` well below `down-after-milliseconds`, every write acknowledged while cut off
//! from a majority falls into the first `ha-write-fence-ms` of the cut — before any failover can be
//! authorized. A sentinel's PING period (1 s for redis-sentinel, 100 ms for ours) must be well below
//! the fence, or a healthy master fences between two PINGs.

pub mod contacts;

use crate::state::State;

/// The sentinel ID in a command link's name (`sentinel-1a2b3c4d-cmd`), if it is one.
pub fn sentinel_link_id(name: &[u8]) -> Option<&str> {
    let id = name.strip_prefix(b"sentinel-")?.strip_suffix(b"-cmd")?;
    (id.len() == 8).then(|| std::str::from_utf8(id).ok()).flatten()
}

/// `ha-write-fence-sentinels`: how many sentinels watch this master (0: learn them).
fn configured_sentinels(st: &State) -> usize {
    st.config.get_int("ha-write-fence-sentinels").unwrap_or(0).max(0) as usize
}

/// Fencing at `now`: (sentinels known, ms since a majority was heard from (None: never), fenced).
pub fn status(st: &State, now: i64) -> (usize, Option<i64>, bool) {
    let window = st.config.ha_write_fence_ms;
    let known = st.fence.known(configured_sentinels(st));
    let since = st.fence.majority_heard_at(known).map(|t| (now - t).max(0));
    let fenced = window > 0 && known > 0 && !st.repl.is_replica() && since.is_none_or(|s| s > window);
    (known, since, fenced)
}

/// The error a fenced master answers writes with, or None. Runs for every write: with fencing off it
/// is one comparison (the clock is read only when fencing is on).
#[inline]
pub fn refusal(st: &State) -> Option<String> {
    if st.config.ha_write_fence_ms == 0 {
        return None;
    }
    refusal_at(st, crate::util::now_ms())
}

#[cold]
fn refusal_at(st: &State, now: i64) -> Option<String> {
    let window = st.config.ha_write_fence_ms;
    let (known, _, fenced) = status(st, now);
    fenced.then(|| {
        let recent = st.fence.heard_within(window, now);
        format!("NOQUORUM this master heard from only {recent} of its {known} sentinels in the last {window} ms (no majority): writes are refused until it hears from a majority")
    })
}

/// Called with every batch of a client: a sentinel's command link counts as hearing from it.
pub fn on_client_batch(st: &mut State, name: Option<&[u8]>, now: i64) {
    if st.config.ha_write_fence_ms == 0 {
        return;
    }
    if let Some(id) = name.and_then(sentinel_link_id) {
        let id = id.to_string();
        let window = st.config.ha_write_fence_ms;
        st.fence.heard(&id, now, window);
    }
}

/// A PUBLISH on `__sentinel__:hello` (`ip,port,runid,epoch,master-name,master-ip,master-port,
/// master-epoch`) received on a connection whose local address is `laddr`: records whether the
/// sentinel names us as the master. The address names us if the port is ours and the host is the
/// address the sentinel reached us at, or our `replica-announce-ip`; a hostname we cannot compare
/// (no announce-ip set) is taken as naming us.
pub fn on_hello(st: &mut State, payload: &[u8], laddr: &str, now: i64) {
    if st.config.ha_write_fence_ms == 0 {
        return;
    }
    let text = String::from_utf8_lossy(payload);
    let f: Vec<&str> = text.split(',').collect();
    if f.len() != 8 || f[2].len() < 8 {
        return;
    }
    let (id, host, port) = (&f[2][..8], f[5], f[6]);
    // The port a sentinel knows us by: `port`, or `tls-port` on a TLS-only node, or the announced one.
    let ours = |p: &str| {
        let mine = [i64::from(st.config.port), st.config.get_int("tls-port").unwrap_or(0), st.config.get_int("replica-announce-port").unwrap_or(0)];
        p.parse::<i64>().is_ok_and(|p| p != 0 && mine.contains(&p))
    };
    // laddr is `ip:port`, `[ipv6]:port`, or an IPv4-mapped `::ffff:a.b.c.d` on a dual-stack listener.
    let local_ip = laddr.rsplit_once(':').map_or(laddr, |(ip, _)| ip).trim_start_matches('[').trim_end_matches(']');
    let local_ip = local_ip.strip_prefix("::ffff:").unwrap_or(local_ip);
    let announce = st.config.get("replica-announce-ip").unwrap_or_default();
    let names_us = ours(port)
        && (host == local_ip
            || (!announce.is_empty() && host.eq_ignore_ascii_case(&announce))
            || (announce.is_empty() && host.parse::<std::net::IpAddr>().is_err()));
    st.fence.hello(id, names_us, now);
}

/// INFO replication's fencing fields (only with fencing on, so INFO stays Redis's otherwise).
pub fn info_fields(st: &State, now: i64, f: &mut dyn FnMut(&str, &dyn std::fmt::Display)) {
    if st.config.ha_write_fence_ms == 0 {
        return;
    }
    let (known, since, fenced) = status(st, now);
    f("ha_write_fence_ms", &st.config.ha_write_fence_ms);
    f("ha_sentinels_known", &known);
    f("ha_sentinels_heard", &st.fence.heard_within(st.config.ha_write_fence_ms, now));
    f("ha_ms_since_majority", &since.unwrap_or(-1));
    f("ha_fenced", &(fenced as u8));
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn sentinel_links_are_recognised_by_name() {
        assert_eq!(sentinel_link_id(b"sentinel-1a2b3c4d-cmd"), Some("1a2b3c4d"));
        assert_eq!(sentinel_link_id(b"sentinel-1a2b3c4d-pubsub"), None);
        assert_eq!(sentinel_link_id(b"sentinel-1a2b-cmd"), None);
        assert_eq!(sentinel_link_id(b"myapp"), None);
    }
}
