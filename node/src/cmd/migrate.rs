//! MIGRATE (Redis 7.0 `cluster.c`): keys moved to another instance as RESTORE commands over a
//! cached blocking connection, then deleted here (unless COPY) and propagated as DEL. The target
//! may be real Redis or us: the payloads are DUMP's.

use std::time::Duration;

use bytes::Bytes;

use super::args;
use super::ctx::{Ctx, Handler};
use super::handler::{CmdResult, SYNTAX};
use crate::migrate_sockets::IoFailure;
use crate::persistence::rdb;
use crate::resp::request::encode_command;

pub const COMMANDS: &[(&str, Handler)] = &[("migrate", migrate)];

/// MIGRATE's options after the five fixed arguments.
struct Options<'a> {
    copy: bool,
    replace: bool,
    username: Option<&'a [u8]>,
    password: Option<&'a [u8]>,
    /// The keys to move: argv[3] alone, or everything after KEYS.
    keys: &'a [Bytes],
}

fn parse(argv: &[Bytes]) -> Result<Options<'_>, super::handler::CmdError> {
    let mut o = Options { copy: false, replace: false, username: None, password: None, keys: &argv[3..4] };
    let mut j = 6;
    while j < argv.len() {
        let more = argv.len() - 1 - j;
        if args::is(&argv[j], "copy") {
            o.copy = true;
        } else if args::is(&argv[j], "replace") {
            o.replace = true;
        } else if args::is(&argv[j], "auth") {
            if more == 0 {
                return Err(SYNTAX.into());
            }
            j += 1;
            o.password = Some(&argv[j]);
        } else if args::is(&argv[j], "auth2") {
            if more < 2 {
                return Err(SYNTAX.into());
            }
            o.username = Some(&argv[j + 1]);
            o.password = Some(&argv[j + 2]);
            j += 2;
        } else if args::is(&argv[j], "keys") {
            if !argv[3].is_empty() {
                return Err("ERR When using MIGRATE KEYS option, the key argument must be set to the empty string".into());
            }
            o.keys = &argv[j + 1..];
            break;
        } else {
            return Err(SYNTAX.into());
        }
        j += 1;
    }
    Ok(o)
}

/// The positions SLOWLOG and MONITOR hide: the passwords of AUTH and AUTH2, as far as the
/// options parse (Redis redacts while parsing).
pub fn secret_positions(argv: &[Bytes]) -> Vec<usize> {
    let mut hide = Vec::new();
    let mut j = 6;
    while j < argv.len() {
        let more = argv.len() - 1 - j;
        if args::is(&argv[j], "auth") && more >= 1 {
            hide.push(j + 1);
            j += 1;
        } else if args::is(&argv[j], "auth2") && more >= 2 {
            hide.extend([j + 1, j + 2]);
            j += 2;
        } else if !args::is(&argv[j], "copy") && !args::is(&argv[j], "replace") {
            break;
        }
        j += 1;
    }
    hide
}

/// A key found here: its name, DUMP payload and absolute expiry (0: none).
struct Found {
    key: Bytes,
    payload: Vec<u8>,
    expire_at: i64,
}

/// MIGRATE host port key|"" destination-db timeout [COPY] [REPLACE] [AUTH password]
/// [AUTH2 username password] [KEYS key ...]
fn migrate(ctx: &mut Ctx, argv: &[Bytes]) -> CmdResult {
    let o = parse(argv)?;
    let timeout = args::int(&argv[5])?;
    let dbid = args::int(&argv[4])?;
    let timeout = Duration::from_millis(if timeout <= 0 { 1000 } else { timeout as u64 });

    // The keys that are here; none at all is not an error (they may just have expired).
    let opts = super::dump::value_options(ctx);
    let mut found: Vec<Found> = Vec::new();
    for key in o.keys {
        if let Some(e) = ctx.lookup_read(key) {
            found.push(Found { key: key.clone(), payload: rdb::dump_payload(e, &opts), expire_at: e.expire_at });
        }
    }
    if found.is_empty() {
        ctx.out.simple("NOKEY");
        return Ok(());
    }

    let (host, port) = (&argv[1], &argv[2]);
    let mut may_retry = true;
    loop {
        let now_s = crate::util::now_ms() / 1000;
        let Ok((name, mut cs)) = ctx.st.migrate_sockets.take(host, port, timeout, now_s) else {
            return Err("IOERR error or timeout connecting to the client".into());
        };
        let select = cs.last_dbid != dbid;
        let (query, sent) = restore_commands(&o, select, dbid, &found);

        // Each exchange step either goes on or ends in a socket error: (failure, while writing).
        let mut socket_err: Option<(IoFailure, bool)> = None;
        let mut auth_reply = Vec::new();
        let mut select_reply = Vec::new();
        if let Err(f) = cs.write_all(&query, timeout) {
            socket_err = Some((f, true));
        }
        if socket_err.is_none() && o.password.is_some() {
            match cs.read_line(timeout) {
                Ok(l) => auth_reply = l,
                Err(f) => socket_err = Some((f, false)),
            }
        }
        if socket_err.is_none() && select {
            match cs.read_line(timeout) {
                Ok(l) => select_reply = l,
                Err(f) => socket_err = Some((f, false)),
            }
        }
        if let Some((f, writing)) = socket_err {
            // The connection is dropped; a fresh one gets one more try unless this was a timeout.
            if f != IoFailure::Timeout && may_retry {
                may_retry = false;
                continue;
            }
            return Err(io_error(writing));
        }

        let mut target_error: Option<String> = None;
        let mut read_failure: Option<(IoFailure, usize)> = None;
        let mut deleted: Vec<Bytes> = Vec::new();
        for (j, key) in sent.iter().enumerate() {
            let reply = match cs.read_line(timeout) {
                Ok(l) => l,
                Err(f) => {
                    read_failure = Some((f, j));
                    break;
                }
            };
            let failed = [&auth_reply, &select_reply, &reply].into_iter().find(|r| r.first() == Some(&b'-'));
            if let Some(err) = failed {
                if target_error.is_none() {
                    cs.last_dbid = -1;
                    target_error = Some(String::from_utf8_lossy(&err[1..]).into_owned());
                }
            } else if !o.copy {
                ctx.delete_signalled(key);
                deleted.push((*key).clone());
            }
        }
        // Nothing was processed and the first reply never came: one more try on a new connection.
        if let Some((f, 0)) = read_failure {
            if target_error.is_none() && may_retry && f != IoFailure::Timeout {
                may_retry = false;
                continue;
            }
        }
        if !deleted.is_empty() {
            let mut del = Vec::with_capacity(deleted.len() + 1);
            del.push(Bytes::from_static(b"DEL"));
            del.extend(deleted);
            ctx.propagate_as(del);
        }
        if read_failure.is_none() {
            if target_error.is_none() {
                cs.last_dbid = dbid;
            }
            ctx.st.migrate_sockets.put_back(name, cs);
        }
        return match (target_error, read_failure) {
            (Some(e), _) => Err(format!("ERR Target instance replied with error: {e}").into()),
            (None, Some(_)) => Err(io_error(false)),
            (None, None) => {
                ctx.out.ok();
                Ok(())
            }
        };
    }
}

fn io_error(writing: bool) -> super::handler::CmdError {
    format!("IOERR error or timeout {} to target instance", if writing { "writing" } else { "reading" }).into()
}

/// The query sent to the target: AUTH, SELECT when the connection has another db selected, and
/// one RESTORE per key with its TTL left (keys that expired meanwhile are left out). Returns the
/// keys actually sent, in order.
fn restore_commands<'a>(o: &Options, select: bool, dbid: i64, found: &'a [Found]) -> (Vec<u8>, Vec<&'a Bytes>) {
    let mut q = Vec::new();
    if let Some(pass) = o.password {
        match o.username {
            Some(user) => encode_command(&mut q, &[&b"AUTH"[..], user, pass]),
            None => encode_command(&mut q, &[&b"AUTH"[..], pass]),
        }
    }
    if select {
        encode_command(&mut q, &[&b"SELECT"[..], dbid.to_string().as_bytes()]);
    }
    let now = crate::util::now_ms();
    let mut sent = Vec::with_capacity(found.len());
    for f in found {
        let mut ttl = 0;
        if f.expire_at != 0 {
            ttl = f.expire_at - now;
            if ttl < 0 {
                continue;
            }
            ttl = ttl.max(1);
        }
        let ttl = ttl.to_string();
        let mut cmd: Vec<&[u8]> = vec![b"RESTORE", &f.key, ttl.as_bytes(), &f.payload];
        if o.replace {
            cmd.push(b"REPLACE");
        }
        encode_command(&mut q, &cmd);
        sent.push(&f.key);
    }
    (q, sent)
}
