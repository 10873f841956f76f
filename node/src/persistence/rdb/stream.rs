//! Streams in RDB files and DUMP payloads: type 19 (`STREAM_LISTPACKS_2`) as Redis 7.0 writes it,
//! and types 15 (6.x) and 21 (7.2) read.
//!
//! ```text
//! nodes: count, then per node its master ID (16 raw bytes as a string) and its listpack
//! length, last ID, [v2+] first ID, max deleted ID, entries added
//! groups: count, then per group: name, last ID, [v2+] entries read,
//!   PEL: count, per entry: ID (16 raw bytes), delivery time (8 bytes ms), delivery count
//!   consumers: count, per consumer: name, seen time (8 bytes ms), [v3] active time, PEL count, IDs
//! ```

use std::io::BufRead;

use super::decode::Reader;
use super::encode::{write_len, write_string};
use super::{types, RdbError};
use crate::db::stream::{groups::INVALID_ENTRIES_READ, node, Group, Stream, StreamId};
use crate::db::Value;

pub fn write(out: &mut Vec<u8>, s: &Stream, compression: bool) {
    write_len(out, s.node_count() as u64);
    for (k, lp) in s.nodes() {
        write_string(out, &k.to_be_bytes(), compression);
        write_string(out, lp, compression);
    }
    write_len(out, s.length);
    write_id(out, s.last_id);
    write_id(out, s.first_id);
    write_id(out, s.max_deleted_entry_id);
    write_len(out, s.entries_added);
    write_len(out, s.groups.len() as u64);
    for (name, g) in &s.groups {
        write_string(out, name, compression);
        write_id(out, g.last_id);
        write_len(out, g.entries_read as u64);
        write_len(out, g.pel.len() as u64);
        for (id, n) in &g.pel {
            out.extend_from_slice(&id.to_be_bytes());
            out.extend_from_slice(&n.delivery_time.to_le_bytes());
            write_len(out, n.delivery_count);
        }
        write_len(out, g.consumers.len() as u64);
        for (cname, c) in &g.consumers {
            write_string(out, cname, compression);
            out.extend_from_slice(&c.seen_time.to_le_bytes());
            write_len(out, c.pel.len() as u64);
            for id in &c.pel {
                out.extend_from_slice(&id.to_be_bytes());
            }
        }
    }
}

fn write_id(out: &mut Vec<u8>, id: StreamId) {
    write_len(out, id.ms);
    write_len(out, id.seq);
}

fn read_id<R: BufRead>(rd: &mut Reader<R>) -> Result<StreamId, RdbError> {
    Ok(StreamId { ms: rd.length()?, seq: rd.length()? })
}

fn raw_id<R: BufRead>(rd: &mut Reader<R>) -> Result<StreamId, RdbError> {
    let b: [u8; 16] = rd.array()?;
    Ok(StreamId::from_be_bytes(&b).expect("16 bytes"))
}

pub fn read<R: BufRead>(rd: &mut Reader<R>, t: u8) -> Result<Value, RdbError> {
    let mut s = Stream::new();
    let nodes = rd.count()?;
    let mut live_total: u64 = 0;
    let mut prev: Option<StreamId> = None;
    for _ in 0..nodes {
        let key = rd.string()?;
        let master = StreamId::from_be_bytes(&key).ok_or_else(|| rd.corrupt("Stream node key entry is not the size of a stream ID"))?;
        let lp = rd.string()?;
        let (live, _) = node::validate(&lp).map_err(|e| rd.corrupt(format!("Stream listpack integrity check failed: {e}")))?;
        if prev.is_some_and(|p| p >= master) {
            return Err(rd.corrupt("Stream nodes out of order"));
        }
        prev = Some(master);
        live_total += live as u64;
        s.insert_node(master, lp);
    }
    s.length = rd.length()?;
    s.last_id = read_id(rd)?;
    if s.length != live_total {
        return Err(rd.corrupt("Stream length inconsistent with its nodes"));
    }
    if t >= types::STREAM_LISTPACKS_2 {
        s.first_id = read_id(rd)?;
        s.max_deleted_entry_id = read_id(rd)?;
        s.entries_added = rd.length()?;
    } else {
        // 6.x files: what 7.0 derives when loading them.
        s.first_id = s.edge_id(true).unwrap_or(StreamId::ZERO);
        s.entries_added = s.length;
    }
    let ngroups = rd.count()?;
    for _ in 0..ngroups {
        let name = rd.string()?;
        let last_id = read_id(rd)?;
        let entries_read = if t >= types::STREAM_LISTPACKS_2 {
            rd.length()? as i64
        } else {
            s.estimate_distance(last_id).map(|n| n as i64).unwrap_or(INVALID_ENTRIES_READ)
        };
        let mut g = Group::new(last_id, entries_read);
        let npel = rd.count()?;
        for _ in 0..npel {
            let id = raw_id(rd)?;
            let time = i64::from_le_bytes(rd.array()?);
            let count = rd.length()?;
            if g.pel.insert(id, crate::db::stream::Nack { delivery_time: time, delivery_count: count, consumer: Box::default() }).is_some() {
                return Err(rd.corrupt("Duplicated global PEL entry loading stream consumer group"));
            }
        }
        let mut owned = std::collections::HashSet::new();
        let ncons = rd.count()?;
        for _ in 0..ncons {
            let cname = rd.string()?;
            let seen = i64::from_le_bytes(rd.array()?);
            if t >= types::STREAM_LISTPACKS_3 {
                let _active: [u8; 8] = rd.array()?;
            }
            if !g.ensure_consumer(&cname, seen) {
                return Err(rd.corrupt("Duplicate stream consumer detected."));
            }
            let n = rd.count()?;
            for _ in 0..n {
                let id = raw_id(rd)?;
                let Some(nack) = g.pel.get_mut(&id) else { return Err(rd.corrupt("Consumer entry not found in group global PEL")) };
                if !owned.insert(id) {
                    return Err(rd.corrupt("Duplicated consumer PEL entry loading a stream consumer group"));
                }
                nack.consumer = cname.clone().into_boxed_slice();
                g.consumers.get_mut(&cname[..]).expect("just added").pel.insert(id);
            }
        }
        if owned.len() != g.pel.len() {
            return Err(rd.corrupt("Stream CG PEL entry without consumer"));
        }
        if s.groups.insert(name.into_boxed_slice(), g).is_some() {
            return Err(rd.corrupt("Duplicated consumer group name"));
        }
    }
    Ok(Value::Stream(Box::new(s)))
}
