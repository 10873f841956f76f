//! Incremental request parser: RESP multibulk and inline commands, as redis-server reads them.
//!
//! The parser keeps its progress between calls (like networking.c's `multibulklen`/`bulklen`), so a
//! large request that arrives in many reads is scanned once, and a complete argument is split off the
//! buffer without copying.
//!
//! [`encode_command`] is the other direction: the one encoder of a command as a client sends it
//! (the AOF, the replication stream, and every connection this process opens to a peer use it).

use bytes::{Buf, Bytes, BytesMut};

/// Longest `*<n>` / `$<n>` line or inline request accepted without a newline (PROTO_INLINE_MAX_SIZE).
pub const INLINE_MAX_SIZE: usize = 64 * 1024;
/// Arguments this large get a buffer sized for them up front (PROTO_MBULK_BIG_ARG).
const BIG_ARG: usize = 32 * 1024;
/// Limits for a client that has not authenticated yet (networking.c).
const UNAUTH_MAX_MULTIBULK: i64 = 10;
const UNAUTH_MAX_BULK: i64 = 16384;

/// A protocol error: the reply text to send (without `-`), after which the connection is closed.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("{0}")]
pub struct ProtocolError(pub String);

fn proto_err(msg: &str) -> ProtocolError {
    ProtocolError(format!("ERR Protocol error: {msg}"))
}

/// What the parser needs to know about the connection.
#[derive(Debug, Clone, Copy)]
pub struct Limits {
    pub max_bulk_len: i64,
    pub authenticated: bool,
    /// The connection is our master's link: bulk length limits do not apply.
    pub from_master: bool,
}

/// One parsed request.
#[derive(Debug, PartialEq, Eq)]
pub enum Request {
    /// A command with its arguments (never empty).
    Command(Vec<Bytes>),
    /// A request with no command: `*0`, `*-1` or an empty inline line. Redis replies nothing.
    Empty,
}

#[derive(Default, Debug)]
pub struct RequestParser {
    /// Arguments still expected in the current multibulk request; 0 when between requests.
    multibulk_left: i64,
    /// Length of the bulk argument being read, or -1 when its `$` line is next.
    bulk_len: i64,
    args: Vec<Bytes>,
    /// Whether the request being read was inline (matters only to the master link).
    pub last_was_inline: bool,
    /// A large argument's header was read with only that argument (these many bytes of it)
    /// behind it, and (second) the argument then ended exactly at the buffer's end: the events
    /// Redis's query buffer is resized on, for the connection's accounting (`client::memory`).
    pub big_arg_header: Option<(usize, usize)>,
    pub big_arg_taken: Option<usize>,
}

impl RequestParser {
    pub fn new() -> Self {
        RequestParser { multibulk_left: 0, bulk_len: -1, args: Vec::new(), last_was_inline: false, big_arg_header: None, big_arg_taken: None }
    }

    /// True while a multibulk request has been started but not finished.
    pub fn in_request(&self) -> bool {
        self.multibulk_left > 0
    }

    /// The arguments of the unfinished request read so far: (count, bytes, the request's count).
    pub fn partial_args(&self) -> (usize, usize, usize) {
        if self.multibulk_left == 0 {
            return (0, 0, 0);
        }
        (self.args.len(), self.args.iter().map(|a| a.len()).sum(), self.args.len() + self.multibulk_left as usize)
    }

    /// The length of the bulk argument being read, once its `$` line is in.
    pub fn bulk_len(&self) -> Option<usize> {
        (self.multibulk_left > 0 && self.bulk_len >= 0).then_some(self.bulk_len as usize)
    }

    /// Parses the next request from `buf`, consuming what it used. `Ok(None)` means more input is needed.
    pub fn parse(&mut self, buf: &mut BytesMut, limits: Limits) -> Result<Option<Request>, ProtocolError> {
        if self.multibulk_left == 0 {
            if buf.is_empty() {
                return Ok(None);
            }
            if buf[0] != b'*' {
                self.last_was_inline = true;
                return parse_inline(buf);
            }
            self.last_was_inline = false;
            let (line_end, count) = match quick_len_line(buf) {
                Some(hit) => hit,
                None => {
                    let Some(line_end) = find_crlf(buf) else {
                        if buf.len() > INLINE_MAX_SIZE {
                            return Err(proto_err("too big mbulk count string"));
                        }
                        return Ok(None);
                    };
                    (line_end, buf.get(1..line_end).and_then(parse_strict_i64))
                }
            };
            let count = match count {
                Some(n) if n <= i32::MAX as i64 => n,
                _ => return Err(proto_err("invalid multibulk length")),
            };
            if !limits.authenticated && count > UNAUTH_MAX_MULTIBULK {
                return Err(proto_err("unauthenticated multibulk length"));
            }
            buf.advance(line_end + 2);
            if count <= 0 {
                return Ok(Some(Request::Empty));
            }
            self.multibulk_left = count;
            self.bulk_len = -1;
            self.args = Vec::with_capacity(count.min(1024) as usize);
        }
        while self.multibulk_left > 0 {
            if self.bulk_len < 0 {
                let (line_end, parsed) = match quick_len_line(buf) {
                    Some(hit) if buf[0] == b'$' => hit,
                    _ => {
                        let Some(line_end) = find_crlf(buf) else {
                            if buf.len() > INLINE_MAX_SIZE {
                                return Err(proto_err("too big bulk count string"));
                            }
                            return Ok(None);
                        };
                        (line_end, buf.get(1..line_end).and_then(parse_strict_i64))
                    }
                };
                if buf[0] != b'$' {
                    let got = String::from_utf8_lossy(&buf[..1]).into_owned();
                    return Err(proto_err(&format!("expected '$', got '{got}'")));
                }
                let len = match parsed {
                    Some(n) if n >= 0 && (limits.from_master || n <= limits.max_bulk_len) => n,
                    _ => return Err(proto_err("invalid bulk length")),
                };
                if !limits.authenticated && len > UNAUTH_MAX_BULK {
                    return Err(proto_err("unauthenticated bulk length"));
                }
                buf.advance(line_end + 2);
                self.bulk_len = len;
                let need = len as usize + 2;
                if len as usize >= BIG_ARG && buf.len() <= need {
                    self.big_arg_header = Some((need, buf.len()));
                    if buf.capacity() < need {
                        buf.reserve(need - buf.len());
                    }
                }
            }
            let need = self.bulk_len as usize + 2;
            if buf.len() <= need {
                if buf.len() < need {
                    return Ok(None);
                }
                if self.bulk_len as usize >= BIG_ARG {
                    self.big_arg_taken = Some(need);
                }
            }
            let arg = buf.split_to(self.bulk_len as usize).freeze();
            buf.advance(2);
            self.args.push(arg);
            self.bulk_len = -1;
            self.multibulk_left -= 1;
        }
        Ok(Some(Request::Command(std::mem::take(&mut self.args))))
    }
}

/// The common case of a `*<n>` / `$<n>` line in one pass: a type byte, canonical decimal digits
/// (no sign, no leading zero) and CRLF. Returns (index of the CR, value); None sends the caller to
/// the general path, which also produces the errors.
#[inline]
fn quick_len_line(buf: &[u8]) -> Option<(usize, Option<i64>)> {
    let mut n: i64 = 0;
    let mut i = 1;
    // 18 digits always fit in an i64.
    let end = buf.len().min(19);
    while i < end && buf[i].is_ascii_digit() {
        n = n * 10 + (buf[i] - b'0') as i64;
        i += 1;
    }
    let digits = i - 1;
    if digits == 0 || (digits > 1 && buf[1] == b'0') || i + 1 >= buf.len() || buf[i] != b'\r' || buf[i + 1] != b'\n' {
        return None;
    }
    Some((i, Some(n)))
}

/// End of a `*`/`$` line the way Redis finds it: the first `\r`, with one more byte after it that is
/// skipped unseen (Redis does not check that it is `\n`).
fn find_crlf(buf: &[u8]) -> Option<usize> {
    let at = strchr(b'\r', buf)?;
    if at + 1 >= buf.len() {
        return None;
    }
    Some(at)
}

/// C's `strchr` over the buffer: a NUL byte ends the search, as it does in networking.c, so a NUL
/// before the line end means "no line yet".
fn strchr(needle: u8, hay: &[u8]) -> Option<usize> {
    hay.iter().position(|&b| b == needle || b == 0).filter(|&i| hay[i] == needle)
}

pub(crate) fn memchr(needle: u8, hay: &[u8]) -> Option<usize> {
    hay.iter().position(|&b| b == needle)
}

/// Parses a decimal integer the way Redis's `string2ll` does: no spaces, no `+`, no leading zeros.
pub fn parse_strict_i64(s: &[u8]) -> Option<i64> {
    crate::util::parse_i64(s)
}

fn parse_inline(buf: &mut BytesMut) -> Result<Option<Request>, ProtocolError> {
    let Some(nl) = strchr(b'\n', buf) else {
        if buf.len() > INLINE_MAX_SIZE {
            return Err(proto_err("too big inline request"));
        }
        return Ok(None);
    };
    let line_end = if nl > 0 && buf[nl - 1] == b'\r' { nl - 1 } else { nl };
    let parsed = split_args(&buf[..line_end]);
    buf.advance(nl + 1);
    match parsed {
        None => Err(proto_err("unbalanced quotes in request")),
        Some(args) if args.is_empty() => Ok(Some(Request::Empty)),
        Some(args) => Ok(Some(Request::Command(args.into_iter().map(Bytes::from).collect()))),
    }
}

/// Splits a line into arguments with Redis's shell-like rules (`sdssplitargs`): double quotes with
/// `\xHH`, `\n`, `\r`, `\t`, `\b`, `\a` and `\<c>` escapes, single quotes with `\'`. A closing quote
/// must be followed by a space or the end. Returns None on unbalanced quotes.
pub fn split_args(line: &[u8]) -> Option<Vec<Vec<u8>>> {
    let mut args = Vec::new();
    let mut i = 0;
    // NB: sdssplitargs works on a C string: a NUL byte ends the line (else an unquoted NUL loops forever).
    let n = memchr(0, line).unwrap_or(line.len());
    loop {
        while i < n && is_space(line[i]) {
            i += 1;
        }
        if i >= n {
            return Some(args);
        }
        let mut cur = Vec::new();
        let mut in_dq = false;
        let mut in_sq = false;
        loop {
            if in_dq {
                if i >= n {
                    return None;
                }
                let c = line[i];
                if c == b'\\' && i + 3 < n && line[i + 1] == b'x' && is_hex(line[i + 2]) && is_hex(line[i + 3]) {
                    cur.push(hex_val(line[i + 2]) * 16 + hex_val(line[i + 3]));
                    i += 3;
                } else if c == b'\\' && i + 1 < n {
                    i += 1;
                    cur.push(match line[i] {
                        b'n' => b'\n',
                        b'r' => b'\r',
                        b't' => b'\t',
                        b'b' => 8,
                        b'a' => 7,
                        other => other,
                    });
                } else if c == b'"' {
                    if i + 1 < n && !is_space(line[i + 1]) {
                        return None;
                    }
                    in_dq = false;
                    i += 1;
                    break;
                } else {
                    cur.push(c);
                }
            } else if in_sq {
                if i >= n {
                    return None;
                }
                let c = line[i];
                if c == b'\\' && i + 1 < n && line[i + 1] == b'\'' {
                    i += 1;
                    cur.push(b'\'');
                } else if c == b'\'' {
                    if i + 1 < n && !is_space(line[i + 1]) {
                        return None;
                    }
                    in_sq = false;
                    i += 1;
                    break;
                } else {
                    cur.push(c);
                }
            } else {
                if i >= n {
                    break;
                }
                match line[i] {
                    b' ' | b'\n' | b'\r' | b'\t' | 0 => break,
                    b'"' => in_dq = true,
                    b'\'' => in_sq = true,
                    c => cur.push(c),
                }
            }
            i += 1;
        }
        let _ = (in_dq, in_sq);
        args.push(cur);
    }
}

fn is_space(c: u8) -> bool {
    matches!(c, b' ' | b'\n' | b'\r' | b'\t' | 0x0b | 0x0c)
}
fn is_hex(c: u8) -> bool {
    c.is_ascii_hexdigit()
}
fn hex_val(c: u8) -> u8 {
    match c {
        b'0'..=b'9' => c - b'0',
        b'a'..=b'f' => c - b'a' + 10,
        _ => c - b'A' + 10,
    }
}

/// Appends `argv` as a RESP array of bulk strings: a command as a client sends it, and the form
/// the AOF and replicas receive.
pub fn encode_command<A: AsRef<[u8]>>(out: &mut Vec<u8>, argv: &[A]) {
    encode_len(out, b'*', argv.len());
    for a in argv {
        let a = a.as_ref();
        encode_len(out, b'$', a.len());
        out.extend_from_slice(a);
        out.extend_from_slice(b"\r\n");
    }
}

/// [`encode_command`] into a new buffer.
pub fn command_bytes<A: AsRef<[u8]>>(argv: &[A]) -> Vec<u8> {
    let mut out = Vec::with_capacity(16 + argv.iter().map(|a| a.as_ref().len() + 16).sum::<usize>());
    encode_command(&mut out, argv);
    out
}

fn encode_len(out: &mut Vec<u8>, mark: u8, n: usize) {
    out.push(mark);
    out.extend_from_slice(n.to_string().as_bytes());
    out.extend_from_slice(b"\r\n");
}

#[cfg(test)]
mod tests {

    #[test]
    fn encodes_commands_as_arrays_of_bulk_strings() {
        let mut out = Vec::new();
        encode_command(&mut out, &[bytes::Bytes::from_static(b"SET"), bytes::Bytes::from_static(b"k"), bytes::Bytes::from_static(b"")]);
        assert_eq!(out, b"*3\r\n$3\r\nSET\r\n$1\r\nk\r\n$0\r\n\r\n");
        assert_eq!(command_bytes(&["INFO", "replication"]), b"*2\r\n$4\r\nINFO\r\n$11\r\nreplication\r\n");
    }
    use super::*;

    const OPEN: Limits = Limits { max_bulk_len: 512 * 1024 * 1024, authenticated: true, from_master: false };

    fn cmd(args: &[&str]) -> Request {
        Request::Command(args.iter().map(|a| Bytes::copy_from_slice(a.as_bytes())).collect())
    }

    #[test]
    fn multibulk_in_pieces() {
        let mut p = RequestParser::new();
        let mut buf = BytesMut::new();
        let whole = b"*2\r\n$3\r\nGET\r\n$3\r\nkey\r\n";
        for (i, b) in whole.iter().enumerate() {
            buf.extend_from_slice(&[*b]);
            let r = p.parse(&mut buf, OPEN).unwrap();
            if i + 1 < whole.len() {
                assert_eq!(r, None, "at byte {i}");
            } else {
                assert_eq!(r, Some(cmd(&["GET", "key"])));
            }
        }
        assert!(buf.is_empty());
    }

    #[test]
    fn inline_and_quotes() {
        let mut p = RequestParser::new();
        let mut buf = BytesMut::from(&b"set \"a b\" 'c\\'d' \"\\x41\\n\"\r\nPING\n\r\n"[..]);
        assert_eq!(p.parse(&mut buf, OPEN).unwrap(), Some(cmd(&["set", "a b", "c'd", "A\n"])));
        assert_eq!(p.parse(&mut buf, OPEN).unwrap(), Some(cmd(&["PING"])));
        assert_eq!(p.parse(&mut buf, OPEN).unwrap(), Some(Request::Empty));
        assert_eq!(p.parse(&mut buf, OPEN).unwrap(), None);
    }

    #[test]
    fn protocol_errors() {
        let cases: &[(&[u8], &str)] = &[
            (b"*x\r\n", "ERR Protocol error: invalid multibulk length"),
            (b"*1\r\n:3\r\n", "ERR Protocol error: expected '$', got ':'"),
            (b"*1\r\n$-5\r\n", "ERR Protocol error: invalid bulk length"),
            (b"set \"a\r\n", "ERR Protocol error: unbalanced quotes in request"),
            (b"set \"a\"b\r\n", "ERR Protocol error: unbalanced quotes in request"),
        ];
        for (input, want) in cases {
            let mut p = RequestParser::new();
            let mut buf = BytesMut::from(*input);
            assert_eq!(p.parse(&mut buf, OPEN).unwrap_err().0, *want);
        }
        let mut p = RequestParser::new();
        let mut buf = BytesMut::from(&b"*11\r\n"[..]);
        let unauth = Limits { authenticated: false, ..OPEN };
        assert_eq!(p.parse(&mut buf, unauth).unwrap_err().0, "ERR Protocol error: unauthenticated multibulk length");
        let mut buf = BytesMut::from(vec![b'a'; INLINE_MAX_SIZE + 1].as_slice());
        assert_eq!(p.parse(&mut buf, OPEN).unwrap_err().0, "ERR Protocol error: too big inline request");
    }

    #[test]
    fn zero_and_negative_counts_are_empty() {
        let mut p = RequestParser::new();
        let mut buf = BytesMut::from(&b"*0\r\n*-1\r\n"[..]);
        assert_eq!(p.parse(&mut buf, OPEN).unwrap(), Some(Request::Empty));
        assert_eq!(p.parse(&mut buf, OPEN).unwrap(), Some(Request::Empty));
    }
}
