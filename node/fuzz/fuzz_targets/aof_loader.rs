//! cargo-fuzz target for AOF loading (`persistence::aof_load`): the input is an AOF file, with or
//! without an RDB preamble (a base file starting with "REDIS"), loaded the way start-up loads a
//! base file. Asserts:
//! - `next_command` never panics and every step either consumes input or ends the stream (no
//!   loop), stays within the buffer, and a parsed command re-encodes to something that parses back
//!   to the same command;
//! - replaying the stream into a fresh `State` never panics, a format error points inside the
//!   stream, and a truncated stream cut back to `valid_up_to` (what `aof-load-truncated` does to
//!   the file) replays as complete: the cut file loads at the next start.
//!
//! Replay runs real commands, so commands with effects outside the state (SHUTDOWN, SAVE and other
//! forks, CONFIG, DEBUG, blocking) and those whose cost is legitimately set by an argument
//! (SETRANGE's offset, LCS, negative random counts) are renamed to an allowed data command before
//! replaying; the framing bytes around them are kept, so truncation and format errors are intact.
//!
//! Run in `node/fuzz` (nightly; `-a` adds overflow checks; the seeds are committed, `corpus/` is not):
//! `mkdir -p corpus/aof_loader && cargo +nightly fuzz run -a aof_loader corpus/aof_loader seeds/aof_loader -- -malloc_limit_mb=256`.
#![no_main]

mod common;

use bytes::Bytes;
use libfuzzer_sys::fuzz_target;
use redis_ha_node::config::Config;
use redis_ha_node::persistence::aof_load::{loading_client, next_command, replay, Next, Replayed};
use redis_ha_node::persistence::rdb::{self, LoadOptions};
use redis_ha_node::propagate::encode_command;
use redis_ha_node::state::State;

/// Commands an AOF holds (writes, transactions, SELECT) plus a few harmless reads.
const ALLOWED: &str = "set setnx setex psetex mset msetnx getset getdel getex append incr decr incrby decrby incrbyfloat del unlink expire \
     pexpire expireat pexpireat persist rename renamenx move copy swapdb flushdb select multi exec discard watch unwatch \
     rpush lpush rpushx lpushx lpop rpop lrem lset ltrim linsert lmove rpoplpush lmpop sadd srem spop smove sinterstore \
     sunionstore sdiffstore hset hmset hsetnx hdel hincrby hincrbyfloat zadd zincrby zrem zremrangebyrank zremrangebyscore \
     zremrangebylex zpopmin zpopmax zmpop zunionstore zinterstore zdiffstore zrangestore restore ping publish get lrange \
     hgetall smembers zrange type exists dbsize";

fn allowed(name: &[u8]) -> bool {
    ALLOWED.split_whitespace().any(|a| a.as_bytes().eq_ignore_ascii_case(name))
}

/// Walks the stream from `start` checking each step; returns a copy in which every command not
/// allowed is renamed (re-encoded), everything else byte for byte.
fn walk_and_sanitize(data: &[u8], start: usize) -> Vec<u8> {
    let mut safe = data[..start].to_vec();
    let mut pos = start;
    loop {
        match next_command(data, pos) {
            Next::Command(argv, next) => {
                assert!(next > pos && next <= data.len(), "command at {pos} ends at {next} (len {})", data.len());
                assert!(!argv.is_empty(), "empty command at {pos}");
                let mut enc = Vec::new();
                encode_command(&mut enc, &argv);
                assert_eq!(next_command(&enc, 0), Next::Command(argv.clone(), enc.len()), "re-encoded command does not parse back");
                if allowed(&argv[0]) {
                    safe.extend_from_slice(&data[pos..next]);
                } else {
                    let mut argv = argv;
                    let pick = argv[0].iter().fold(0usize, |h, &b| h.wrapping_mul(31).wrapping_add(b as usize));
                    let names: Vec<&'static str> = ALLOWED.split_whitespace().collect();
                    argv[0] = Bytes::from_static(names[pick % names.len()].as_bytes());
                    encode_command(&mut safe, &argv);
                }
                pos = next;
            }
            Next::Annotation(next) => {
                assert!(next > pos && next <= data.len(), "annotation at {pos} ends at {next} (len {})", data.len());
                safe.extend_from_slice(&data[pos..next]);
                pos = next;
            }
            Next::End => {
                assert!(pos >= data.len(), "End before the end of the stream");
                return safe;
            }
            Next::Truncated | Next::Bad(_) => {
                safe.extend_from_slice(&data[pos..]);
                return safe;
            }
        }
    }
}

/// A fresh loading state with the RDB preamble of `data` loaded, and where commands start; None
/// when the preamble does not load (the RDB loader has its own target).
fn fresh(data: &[u8]) -> Option<(State, usize)> {
    redis_ha_node::cmd::install();
    let mut st = State::new(Config::default());
    let mut start = 0;
    if data.starts_with(b"REDIS") {
        let opts = LoadOptions { databases: st.dbs.len(), now_ms: common::NOW, drop_expired: false, ..LoadOptions::default() };
        let loaded = rdb::load(data, &opts).ok()?;
        st.dbs = loaded.dbs;
        start = loaded.bytes_read as usize;
    }
    Some((st, start))
}

fuzz_target!(|data: &[u8]| {
    redis_ha_node::log::set_silent(true);
    let Some((mut st, start)) = fresh(data) else { return };
    let safe = walk_and_sanitize(data, start);
    let (mut me, _rx) = loading_client();
    match replay(&mut st, &mut me, &safe, start) {
        Ok(Replayed::Complete { .. }) => {}
        Ok(Replayed::Truncated { valid_up_to, .. }) => {
            assert!(valid_up_to >= start && valid_up_to <= safe.len(), "valid_up_to {valid_up_to} outside {start}..={}", safe.len());
            let Some((mut st, _)) = fresh(&safe) else { panic!("the preamble loaded once but not twice") };
            let (mut me, _rx) = loading_client();
            let cut = &safe[..valid_up_to];
            match replay(&mut st, &mut me, cut, start) {
                Ok(Replayed::Complete { .. }) => {}
                other => panic!("the AOF cut back to {valid_up_to} does not load as complete: {other:?}"),
            }
        }
        Err((offset, why)) => assert!(offset >= start && offset < safe.len(), "format error '{why}' at {offset} outside the stream"),
    }
});
