//! Stream commands (Redis 7.0 `t_stream.c`): XADD, XTRIM, XDEL, XLEN, XRANGE, XREVRANGE, XSETID
//! (`entries.rs`); XREAD and XREADGROUP, blocking included (`read.rs`); XGROUP, XACK, XPENDING,
//! XCLAIM, XAUTOCLAIM (`groups.rs`); XINFO (`info.rs`). May call what a command family may: the
//! `cmd` helpers, the stream values of `db::stream`, `blocked` (the readers parked on a key),
//! notifications and the reply writer. The dispatcher, the cron and `cmd::blocking` reach in
//! through [`COMMANDS`] and the tests on blocked readers re-exported from `read.rs`.
//!
//! Shared by all of them (`common.rs`): ID parsing, entry replies, lookups, and the commands a
//! group's changes propagate as. The data and its encoding live in `db::stream`; here are the
//! argument rules, replies, keyspace events and the propagation Redis 7.0 does (XREADGROUP as
//! XCLAIM / XGROUP SETID, an XADD `*` as the ID it generated, an approximate trim as the exact
//! one it did).

mod common;
mod entries;
mod groups;
mod info;
mod read;

use super::ctx::Handler;

pub use read::{blocked_reader_ready, drop_readers_of_deleted_keys, fail_blocked, ReaderVerdict};

pub const COMMANDS: &[(&str, Handler)] = &[
    ("xadd", entries::xadd),
    ("xtrim", entries::xtrim),
    ("xdel", entries::xdel),
    ("xlen", entries::xlen),
    ("xrange", entries::xrange),
    ("xrevrange", entries::xrevrange),
    ("xsetid", entries::xsetid),
    ("xread", read::xread),
    ("xreadgroup", read::xread),
    ("xgroup|create", groups::xgroup),
    ("xgroup|setid", groups::xgroup),
    ("xgroup|destroy", groups::xgroup),
    ("xgroup|createconsumer", groups::xgroup),
    ("xgroup|delconsumer", groups::xgroup),
    ("xgroup|help", groups::xgroup_help),
    ("xack", groups::xack),
    ("xpending", groups::xpending),
    ("xclaim", groups::xclaim),
    ("xautoclaim", groups::xautoclaim),
    ("xinfo|stream", info::xinfo),
    ("xinfo|groups", info::xinfo),
    ("xinfo|consumers", info::xinfo),
    ("xinfo|help", info::xinfo_help),
];
