//! Pub/Sub delivery: channel and pattern registries live in `State`; this encodes and routes messages.

use std::collections::HashSet;

use bytes::Bytes;
use hashbrown::HashMap;

use crate::client::ClientState;
use crate::resp::reply::Out;
use crate::state::State;
use crate::util::glob_match;

/// Encodes a `message` push for a client speaking `resp`.
fn message(resp: u8, channel: &[u8], payload: &[u8]) -> Vec<u8> {
    let mut o = Out::with_resp(resp);
    o.push(3);
    o.bulk(b"message");
    o.bulk(channel);
    o.bulk(payload);
    o.buf
}

fn pmessage(resp: u8, pattern: &[u8], channel: &[u8], payload: &[u8]) -> Vec<u8> {
    let mut o = Out::with_resp(resp);
    o.push(4);
    o.bulk(b"pmessage");
    o.bulk(pattern);
    o.bulk(channel);
    o.bulk(payload);
    o.buf
}

/// Queues a message for another client, disconnecting it when it has fallen too far behind
/// (client-output-buffer-limit pubsub), as Redis does.
fn deliver(st: &State, c: &ClientState, bytes: Vec<u8>) {
    c.send_within_limit(&st.obuf_limits, bytes);
}

/// Delivers `payload` on `channel`; `me`/`out` is the publishing client (it may be subscribed too,
/// in RESP3). Returns the number of deliveries, as PUBLISH replies.
pub fn publish(st: &mut State, me: Option<&mut ClientState>, out: Option<&mut Out>, channel: &[u8], payload: &[u8]) -> usize {
    let mut count = 0;
    let me_id = me.as_ref().map(|m| m.id);
    let mut out = out;
    if let Some(subs) = st.channels.get(channel) {
        for id in subs {
            if Some(*id) == me_id {
                if let Some(o) = out.as_deref_mut() {
                    let bytes = message(o.resp, channel, payload);
                    o.raw(&bytes);
                }
            } else if let Some(c) = st.clients.get(id) {
                deliver(st, c, message(c.resp, channel, payload));
            }
            count += 1;
        }
    }
    for (pattern, id) in &st.patterns {
        if !glob_match(pattern, channel, false) {
            continue;
        }
        if Some(*id) == me_id {
            if let Some(o) = out.as_deref_mut() {
                let bytes = pmessage(o.resp, pattern, channel, payload);
                o.raw(&bytes);
            }
        } else if let Some(c) = st.clients.get(id) {
            deliver(st, c, pmessage(c.resp, pattern, channel, payload));
        }
        count += 1;
    }
    count
}

/// Adds client `id` to a channel's subscribers (`index`) and the channel to the client's own set
/// (`mine`); returns false if it already was subscribed.
fn add_subscriber(index: &mut HashMap<Bytes, Vec<u64>>, mine: &mut HashSet<Bytes>, id: u64, channel: &Bytes) -> bool {
    if !mine.insert(channel.clone()) {
        return false;
    }
    index.entry(channel.clone()).or_default().push(id);
    true
}

/// Undoes [`add_subscriber`]; a channel left without subscribers leaves the index.
fn remove_subscriber(index: &mut HashMap<Bytes, Vec<u64>>, mine: &mut HashSet<Bytes>, id: u64, channel: &[u8]) -> bool {
    if !mine.remove(channel) {
        return false;
    }
    if let Some(v) = index.get_mut(channel) {
        v.retain(|i| *i != id);
        if v.is_empty() {
            index.remove(channel);
        }
    }
    true
}

/// Subscribes a client to a channel; returns false if it already was.
pub fn subscribe(st: &mut State, me: &mut ClientState, channel: &Bytes) -> bool {
    add_subscriber(&mut st.channels, &mut me.channels, me.id, channel)
}

pub fn unsubscribe(st: &mut State, me: &mut ClientState, channel: &[u8]) -> bool {
    remove_subscriber(&mut st.channels, &mut me.channels, me.id, channel)
}

pub fn psubscribe(st: &mut State, me: &mut ClientState, pattern: &Bytes) -> bool {
    if !me.patterns.insert(pattern.clone()) {
        return false;
    }
    st.patterns.push((pattern.clone(), me.id));
    true
}

pub fn punsubscribe(st: &mut State, me: &mut ClientState, pattern: &[u8]) -> bool {
    if !me.patterns.remove(pattern) {
        return false;
    }
    st.patterns.retain(|(p, id)| !(*id == me.id && p == pattern));
    true
}

/// Subscribes a client to a shard channel; returns false if it already was.
pub fn ssubscribe(st: &mut State, me: &mut ClientState, channel: &Bytes) -> bool {
    add_subscriber(&mut st.shard_channels, &mut me.shard_channels, me.id, channel)
}

pub fn sunsubscribe(st: &mut State, me: &mut ClientState, channel: &[u8]) -> bool {
    remove_subscriber(&mut st.shard_channels, &mut me.shard_channels, me.id, channel)
}

/// SPUBLISH: delivers `smessage` to the shard channel's subscribers; returns how many got it.
pub fn spublish(st: &mut State, me: Option<&mut ClientState>, out: Option<&mut Out>, channel: &[u8], payload: &[u8]) -> usize {
    let me_id = me.as_ref().map(|m| m.id);
    let Some(subs) = st.shard_channels.get(channel) else { return 0 };
    let mut out = out;
    let smessage = |resp: u8| {
        let mut o = Out::with_resp(resp);
        o.push(3);
        o.bulk(b"smessage");
        o.bulk(channel);
        o.bulk(payload);
        o.buf
    };
    for id in subs {
        if Some(*id) == me_id {
            if let Some(o) = out.as_deref_mut() {
                let bytes = smessage(o.resp);
                o.raw(&bytes);
            }
        } else if let Some(c) = st.clients.get(id) {
            deliver(st, c, smessage(c.resp));
        }
    }
    subs.len()
}

/// Drops every subscription of a client that is going away.
pub fn forget_client(st: &mut State, me: &mut ClientState) {
    let shards: Vec<Bytes> = me.shard_channels.iter().cloned().collect();
    for c in shards {
        sunsubscribe(st, me, &c);
    }
    let chans: Vec<Bytes> = me.channels.iter().cloned().collect();
    for c in chans {
        unsubscribe(st, me, &c);
    }
    if !me.patterns.is_empty() {
        st.patterns.retain(|(_, id)| *id != me.id);
        me.patterns.clear();
    }
}

/// Number of distinct patterns (PUBSUB NUMPAT counts unique patterns).
pub fn numpat(st: &State) -> usize {
    let mut seen = std::collections::HashSet::new();
    st.patterns.iter().filter(|(p, _)| seen.insert(p.clone())).count()
}
