//! Loading an AOF's command stream (Redis's `loadSingleAppendOnlyFile`): `*<argc>` / `$<len>`
//! framed commands, `#` annotation lines, an RDB preamble at the start of a base file, replayed
//! through the command dispatcher on the loading server's own state.
//!
//! A stream cut short (a crash in the middle of a write) is "truncated": the caller may cut the
//! file back to the last complete command when `aof-load-truncated` allows. Anything else that is
//! not a command is a format error. A MULTI without its EXEC at the end is dropped, as Redis does.

use bytes::Bytes;

use crate::client::ClientState;
use crate::resp::reply::Out;
use crate::state::State;

/// Longest argument count / bulk length line accepted.
const MAX_LINE: usize = 128;

/// One step of parsing.
#[derive(Debug, PartialEq, Eq)]
pub enum Next {
    /// A command and the offset right after it.
    Command(Vec<Bytes>, usize),
    /// An annotation line (`#...`), skipped; the offset after it.
    Annotation(usize),
    /// Clean end of the stream.
    End,
    /// The stream ends in the middle of a command.
    Truncated,
    /// Not a command: the reason.
    Bad(&'static str),
}

/// Reads a `\r\n`-terminated line starting at `pos`: (line without CRLF, offset after it).
fn line(buf: &[u8], pos: usize) -> Option<(&[u8], usize)> {
    let rest = buf.get(pos..)?;
    let window = &rest[..rest.len().min(MAX_LINE + 2)];
    let nl = window.iter().position(|&c| c == b'\n')?;
    let l = &window[..nl];
    Some((l.strip_suffix(b"\r").unwrap_or(l), pos + nl + 1))
}

fn number(digits: &[u8]) -> Option<i64> {
    std::str::from_utf8(digits).ok()?.parse().ok()
}

/// Parses the command at `pos`.
pub fn next_command(buf: &[u8], pos: usize) -> Next {
    if pos >= buf.len() {
        return Next::End;
    }
    if buf[pos] == b'#' {
        return match buf[pos..].iter().position(|&c| c == b'\n') {
            Some(n) => Next::Annotation(pos + n + 1),
            None => Next::Truncated,
        };
    }
    if buf[pos] != b'*' {
        return Next::Bad("expected '*'");
    }
    let Some((l, mut at)) = line(buf, pos) else {
        return if buf.len() - pos > MAX_LINE { Next::Bad("argument count line too long") } else { Next::Truncated };
    };
    let argc = match number(&l[1..]) {
        Some(n) if n >= 1 => n as usize,
        _ => return Next::Bad("invalid argument count"),
    };
    let mut argv = Vec::with_capacity(argc.min(1024));
    for _ in 0..argc {
        if at >= buf.len() {
            return Next::Truncated;
        }
        if buf[at] != b'$' {
            return Next::Bad("expected '$'");
        }
        let Some((l, after)) = line(buf, at) else {
            return if buf.len() - at > MAX_LINE { Next::Bad("bulk length line too long") } else { Next::Truncated };
        };
        let len = match number(&l[1..]) {
            Some(n) if n >= 0 => n as usize,
            _ => return Next::Bad("invalid bulk length"),
        };
        let Some(end) = after.checked_add(len).and_then(|e| e.checked_add(2)) else { return Next::Bad("invalid bulk length") };
        if end > buf.len() {
            return Next::Truncated;
        }
        if &buf[after + len..end] != b"\r\n" {
            return Next::Bad("bulk string not terminated by CRLF");
        }
        argv.push(Bytes::copy_from_slice(&buf[after..after + len]));
        at = end;
    }
    Next::Command(argv, at)
}

/// How replaying a stream ended.
#[derive(Debug, PartialEq, Eq)]
pub enum Replayed {
    /// Every byte was a complete command.
    Complete { commands: u64 },
    /// The stream was cut short; everything up to `valid_up_to` was applied.
    Truncated { commands: u64, valid_up_to: usize },
}

/// Why a stream cannot be loaded.
#[derive(Debug, PartialEq, Eq)]
pub enum Refused {
    /// Not the AOF format, at this offset.
    Format { offset: usize, why: &'static str },
    /// A command this server does not have (argv[0] as written). Redis refuses the whole file
    /// rather than load part of its effects.
    UnknownCommand(String),
}

/// Replays the command stream in `buf` (from `start`) on `st` as `me` (a loading client that
/// needs no authentication). Every command is looked up before any runs past it: an unknown one
/// stops the load, as in Redis, so a file is never half applied without a word.
pub fn replay(st: &mut State, me: &mut ClientState, buf: &[u8], start: usize) -> Result<Replayed, Refused> {
    let mut pos = start;
    let mut commands = 0u64;
    let mut valid_up_to = start;
    // Offset before the MULTI of a transaction still open.
    let mut before_multi: Option<usize> = None;
    let mut out = Out::with_resp(2);
    loop {
        match next_command(buf, pos) {
            Next::End => break,
            Next::Annotation(next) => {
                pos = next;
                if before_multi.is_none() {
                    valid_up_to = pos;
                }
            }
            Next::Truncated => {
                discard_open_multi(st, me);
                let valid = before_multi.unwrap_or(valid_up_to);
                return Ok(Replayed::Truncated { commands, valid_up_to: valid });
            }
            Next::Bad(why) => return Err(Refused::Format { offset: pos, why }),
            Next::Command(argv, next) => {
                if !crate::state::knows_command(&argv) {
                    return Err(Refused::UnknownCommand(String::from_utf8_lossy(&argv[0]).into_owned()));
                }
                // The transaction is what the client's state says, not what the command's name
                // says: a MULTI that fails (nested, wrong arity) opens none, and DISCARD closes
                // one as EXEC does (Redis checks its client's CLIENT_MULTI flag the same way).
                let was_in_multi = me.multi.active;
                out.buf.clear();
                crate::state::execute(st, me, &mut out, argv);
                commands += 1;
                if !me.multi.active {
                    before_multi = None;
                } else if !was_in_multi {
                    before_multi = Some(pos);
                }
                pos = next;
                if before_multi.is_none() {
                    valid_up_to = pos;
                }
            }
        }
    }
    if let Some(at) = before_multi {
        // A transaction with no EXEC: Redis reverts it and treats the file as truncated there.
        crate::log::warning("Revert incomplete MULTI/EXEC transaction in AOF file");
        discard_open_multi(st, me);
        return Ok(Replayed::Truncated { commands, valid_up_to: at });
    }
    Ok(Replayed::Complete { commands })
}

fn discard_open_multi(st: &mut State, me: &mut ClientState) {
    if me.multi.active {
        let mut out = Out::with_resp(2);
        crate::state::execute(st, me, &mut out, vec![Bytes::from_static(b"DISCARD")]);
    }
}

/// The client AOF commands run as.
pub fn loading_client() -> (ClientState, tokio::sync::mpsc::UnboundedReceiver<crate::client::ClientMsg>) {
    let (tx, rx) = tokio::sync::mpsc::unbounded_channel();
    let mut me = ClientState::new(0, String::new(), String::new(), -1, tx, crate::util::now_ms());
    me.authenticated = true;
    me.is_aof_loader = true;
    (me, rx)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::config::Config;

    fn cmds(buf: &[u8]) -> Vec<Next> {
        let mut v = Vec::new();
        let mut pos = 0;
        loop {
            let n = next_command(buf, pos);
            match &n {
                Next::Command(_, next) | Next::Annotation(next) => pos = *next,
                _ => {
                    v.push(n);
                    return v;
                }
            }
            v.push(n);
        }
    }

    #[test]
    fn parses_commands_and_annotations() {
        let buf = b"*2\r\n$6\r\nSELECT\r\n$1\r\n0\r\n#TS:1700000000\r\n*3\r\n$3\r\nSET\r\n$1\r\nk\r\n$0\r\n\r\n";
        let v = cmds(buf);
        assert_eq!(v.len(), 4);
        assert!(matches!(&v[0], Next::Command(a, 23) if a.len() == 2));
        assert!(matches!(&v[1], Next::Annotation(_)));
        assert!(matches!(&v[2], Next::Command(a, _) if a[2].is_empty()));
        assert_eq!(v[3], Next::End);
    }

    #[test]
    fn truncation_and_bad_format() {
        let full = b"*3\r\n$3\r\nSET\r\n$1\r\nk\r\n$1\r\nv\r\n";
        for cut in 1..full.len() {
            assert_eq!(next_command(&full[..cut], 0), Next::Truncated, "cut at {cut}");
        }
        assert_eq!(next_command(b"SET k v\r\n", 0), Next::Bad("expected '*'"));
        assert_eq!(next_command(b"*0\r\n", 0), Next::Bad("invalid argument count"));
        assert_eq!(next_command(b"*1\r\n+OK\r\n", 0), Next::Bad("expected '$'"));
        assert_eq!(next_command(b"*1\r\n$-1\r\n", 0), Next::Bad("invalid bulk length"));
        assert_eq!(next_command(b"*1\r\n$1\r\nab\r\n", 0), Next::Bad("bulk string not terminated by CRLF"));
        assert_eq!(next_command(b"*1\r\n$99999999999999999999\r\n", 0), Next::Bad("invalid bulk length"));
    }

    #[test]
    fn replays_and_reverts_open_transaction() {
        crate::cmd::install();
        let mut st = State::new(Config::default());
        let (mut me, _rx) = loading_client();
        let buf = b"*3\r\n$3\r\nSET\r\n$1\r\na\r\n$1\r\n1\r\n*1\r\n$5\r\nMULTI\r\n*3\r\n$3\r\nSET\r\n$1\r\nb\r\n$1\r\n2\r\n";
        let r = replay(&mut st, &mut me, buf, 0).unwrap();
        assert_eq!(r, Replayed::Truncated { commands: 3, valid_up_to: 27 });
        assert!(st.dbs[0].peek(b"a", 0).is_some());
        assert!(st.dbs[0].peek(b"b", 0).is_none());
        assert!(!me.multi.active);
    }

    #[test]
    fn an_unknown_command_refuses_the_stream() {
        crate::cmd::install();
        let mut st = State::new(Config::default());
        let (mut me, _rx) = loading_client();
        let buf = b"*3\r\n$3\r\nSET\r\n$1\r\na\r\n$1\r\n1\r\n*2\r\n$6\r\nFOOBAR\r\n$1\r\nx\r\n*3\r\n$3\r\nSET\r\n$1\r\nb\r\n$1\r\n2\r\n";
        assert_eq!(replay(&mut st, &mut me, buf, 0), Err(Refused::UnknownCommand("FOOBAR".into())));
        assert!(st.dbs[0].peek(b"b", 0).is_none(), "nothing after it is applied");
        let sub = b"*2\r\n$6\r\nCONFIG\r\n$3\r\nFOO\r\n";
        assert_eq!(replay(&mut st, &mut me, sub, 0), Err(Refused::UnknownCommand("CONFIG".into())), "unknown subcommand");
    }

    /// Found by `tests/loader_fuzz.rs`: a MULTI closed by DISCARD (or a MULTI that failed) left the
    /// loader believing a transaction was open, so the commands after it were applied but the
    /// reported `valid_up_to` pointed before the MULTI, and `aof-load-truncated` cut them from
    /// the file: the next start loaded less than this one.
    #[test]
    fn discarded_or_failed_multi_does_not_move_the_truncation_point() {
        let multi_discard = b"*1\r\n$5\r\nMULTI\r\n*1\r\n$7\r\nDISCARD\r\n*3\r\n$3\r\nSET\r\n$1\r\na\r\n$1\r\n1\r\n";
        let failed_multi = b"*2\r\n$5\r\nMULTI\r\n$1\r\nx\r\n*3\r\n$3\r\nSET\r\n$1\r\na\r\n$1\r\n1\r\n";
        for (buf, commands) in [(&multi_discard[..], 3), (&failed_multi[..], 2)] {
            crate::cmd::install();
            let mut st = State::new(Config::default());
            let (mut me, _rx) = loading_client();
            assert_eq!(replay(&mut st, &mut me, buf, 0).unwrap(), Replayed::Complete { commands });
            assert!(st.dbs[0].peek(b"a", 0).is_some());
            // Cut mid-command after it: the truncation point is after the SET, not before the MULTI.
            let mut cut = buf.to_vec();
            cut.extend_from_slice(b"*3\r\n$3\r\nSET");
            crate::cmd::install();
            let mut st = State::new(Config::default());
            let (mut me, _rx) = loading_client();
            let r = replay(&mut st, &mut me, &cut, 0).unwrap();
            assert!(matches!(r, Replayed::Truncated { valid_up_to, .. } if valid_up_to == buf.len()), "{r:?}");
        }
        // A nested MULTI is an error inside the open transaction: the cut is at the first one.
        let nested = b"*1\r\n$5\r\nMULTI\r\n*3\r\n$3\r\nSET\r\n$1\r\na\r\n$1\r\n1\r\n*1\r\n$5\r\nMULTI\r\n";
        crate::cmd::install();
        let mut st = State::new(Config::default());
        let (mut me, _rx) = loading_client();
        assert_eq!(replay(&mut st, &mut me, nested, 0).unwrap(), Replayed::Truncated { commands: 3, valid_up_to: 0 });
    }
}
