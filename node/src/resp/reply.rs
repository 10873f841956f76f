//! Reply encoding straight into the client's output buffer, in RESP2 or RESP3 as the client chose.
//!
//! Commands describe their reply with typed calls (`map`, `double`, `null` …); this writer picks the
//! wire form for the protocol, so no command has to know which one the client speaks.

use crate::util::fmt_double;

/// The code an error reply counts under in INFO errorstats (Redis's `afterErrorReply`): the text
/// before the first space, if that space is among the first 32 bytes of the reply, else `ERR`.
/// `msg` is the reply's text without its leading '-' (CR and LF count as the spaces they are
/// written as).
pub fn error_code(msg: &[u8]) -> String {
    match msg.iter().take(31).position(|&c| c == b' ' || c == b'\r' || c == b'\n') {
        Some(i) => String::from_utf8_lossy(&msg[..i]).into_owned(),
        None => "ERR".to_string(),
    }
}

/// The output buffer of one client plus its protocol version.
#[derive(Debug)]
pub struct Out {
    pub buf: Vec<u8>,
    pub resp: u8,
    /// Error codes replied since the caller last drained them (for errorstats and failed_calls).
    pub errors: Vec<String>,
}

impl Out {
    pub fn new(resp: u8) -> Self {
        Out { buf: Vec::with_capacity(16 * 1024), resp, errors: Vec::new() }
    }

    pub fn with_resp(resp: u8) -> Self {
        Out { buf: Vec::new(), resp, errors: Vec::new() }
    }

    pub fn is_resp3(&self) -> bool {
        self.resp >= 3
    }

    fn line(&mut self, prefix: u8, n: i64) {
        self.buf.push(prefix);
        let mut b = itoa_buf();
        self.buf.extend_from_slice(fmt_i64(&mut b, n));
        self.buf.extend_from_slice(b"\r\n");
    }

    pub fn raw(&mut self, bytes: &[u8]) {
        self.buf.extend_from_slice(bytes);
    }

    pub fn ok(&mut self) {
        self.buf.extend_from_slice(b"+OK\r\n");
    }

    pub fn simple(&mut self, s: &str) {
        self.buf.push(b'+');
        self.buf.extend_from_slice(s.as_bytes());
        self.buf.extend_from_slice(b"\r\n");
    }

    /// An error reply. `msg` starts with its code (`ERR ...`, `WRONGTYPE ...`); newlines are replaced
    /// by spaces as Redis does, since they would break the protocol.
    pub fn error(&mut self, msg: &str) {
        let msg = msg.strip_prefix('-').unwrap_or(msg);
        self.errors.push(error_code(msg.as_bytes()));
        self.buf.push(b'-');
        for b in msg.bytes() {
            self.buf.push(if b == b'\r' || b == b'\n' { b' ' } else { b });
        }
        self.buf.extend_from_slice(b"\r\n");
    }

    pub fn int(&mut self, n: i64) {
        self.line(b':', n);
    }

    pub fn bulk(&mut self, data: &[u8]) {
        self.line(b'$', data.len() as i64);
        self.buf.extend_from_slice(data);
        self.buf.extend_from_slice(b"\r\n");
    }

    pub fn bulk_str(&mut self, s: &str) {
        self.bulk(s.as_bytes());
    }

    pub fn bulk_int(&mut self, n: i64) {
        let mut b = itoa_buf();
        let s = fmt_i64(&mut b, n).to_vec();
        self.bulk(&s);
    }

    /// The null bulk string: `$-1` in RESP2, `_` in RESP3.
    pub fn null(&mut self) {
        if self.is_resp3() {
            self.buf.extend_from_slice(b"_\r\n");
        } else {
            self.buf.extend_from_slice(b"$-1\r\n");
        }
    }

    /// The null array: `*-1` in RESP2, `_` in RESP3.
    pub fn null_array(&mut self) {
        if self.is_resp3() {
            self.buf.extend_from_slice(b"_\r\n");
        } else {
            self.buf.extend_from_slice(b"*-1\r\n");
        }
    }

    pub fn array(&mut self, n: usize) {
        self.line(b'*', n as i64);
    }

    /// A map of `n` pairs: `%n` in RESP3, a flat array of 2n in RESP2.
    pub fn map(&mut self, n: usize) {
        if self.is_resp3() {
            self.line(b'%', n as i64);
        } else {
            self.line(b'*', 2 * n as i64);
        }
    }

    pub fn set(&mut self, n: usize) {
        if self.is_resp3() {
            self.line(b'~', n as i64);
        } else {
            self.line(b'*', n as i64);
        }
    }

    /// An out-of-band push (pub/sub messages): `>` in RESP3, an array in RESP2.
    pub fn push(&mut self, n: usize) {
        if self.is_resp3() {
            self.line(b'>', n as i64);
        } else {
            self.line(b'*', n as i64);
        }
    }

    /// A double, formatted like Redis 7.0 (`%.17g`): a bulk string in RESP2, `,` in RESP3.
    pub fn double(&mut self, d: f64) {
        let s = fmt_double(d);
        if self.is_resp3() {
            self.buf.push(b',');
            self.buf.extend_from_slice(s.as_bytes());
            self.buf.extend_from_slice(b"\r\n");
        } else {
            self.bulk(s.as_bytes());
        }
    }

    pub fn boolean(&mut self, b: bool) {
        if self.is_resp3() {
            self.buf.extend_from_slice(if b { b"#t\r\n" } else { b"#f\r\n" });
        } else {
            self.int(b as i64);
        }
    }

    /// Verbatim text (INFO, CLIENT LIST …): `=` with a `txt:` tag in RESP3, bulk in RESP2.
    pub fn verbatim(&mut self, text: &[u8]) {
        if self.is_resp3() {
            self.line(b'=', text.len() as i64 + 4);
            self.buf.extend_from_slice(b"txt:");
            self.buf.extend_from_slice(text);
            self.buf.extend_from_slice(b"\r\n");
        } else {
            self.bulk(text);
        }
    }

    pub fn bulks<'a>(&mut self, items: impl ExactSizeIterator<Item = &'a [u8]>) {
        self.array(items.len());
        for it in items {
            self.bulk(it);
        }
    }

    pub fn len(&self) -> usize {
        self.buf.len()
    }

    pub fn is_empty(&self) -> bool {
        self.buf.is_empty()
    }
}

pub fn itoa_buf() -> [u8; 20] {
    [0u8; 20]
}

/// Formats `n` into `buf` without allocating; returns the digits.
pub fn fmt_i64(buf: &mut [u8; 20], n: i64) -> &[u8] {
    let mut i = buf.len();
    let neg = n < 0;
    let mut v = n.unsigned_abs();
    loop {
        i -= 1;
        buf[i] = b'0' + (v % 10) as u8;
        v /= 10;
        if v == 0 {
            break;
        }
    }
    if neg {
        i -= 1;
        buf[i] = b'-';
    }
    &buf[i..]
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn resp2_and_resp3_forms() {
        let mut o = Out::new(2);
        o.map(1);
        o.null();
        o.null_array();
        o.double(1.5);
        o.boolean(true);
        assert_eq!(o.buf, b"*2\r\n$-1\r\n*-1\r\n$3\r\n1.5\r\n:1\r\n");
        let mut o = Out::new(3);
        o.map(1);
        o.null();
        o.double(f64::INFINITY);
        o.verbatim(b"hi");
        assert_eq!(o.buf, b"%1\r\n_\r\n,inf\r\n=6\r\ntxt:hi\r\n");
    }

    #[test]
    fn errors_are_recorded_and_sanitized() {
        let mut o = Out::new(2);
        o.error("ERR bad\nthing");
        assert_eq!(o.buf, b"-ERR bad thing\r\n");
        assert_eq!(o.errors, vec!["ERR".to_string()]);
        let mut b = itoa_buf();
        assert_eq!(fmt_i64(&mut b, i64::MIN), b"-9223372036854775808");
    }
}
