//! A RESP2/RESP3 reply value: parsed from a peer's bytes, and written back out in either protocol.
//!
//! Used for replies we read (from a master, a sentinel peer, the captured command table) and for
//! replies built as trees (COMMAND DOCS); everyday replies are written directly with `Out`.

use super::reply::Out;
use crate::util::parse_i64;

#[derive(Debug, Clone, PartialEq)]
pub enum Frame {
    Simple(String),
    Error(String),
    Int(i64),
    Bulk(Vec<u8>),
    Null,
    NullArray,
    Array(Vec<Frame>),
    Map(Vec<(Frame, Frame)>),
    Set(Vec<Frame>),
    Push(Vec<Frame>),
    Double(f64),
    Bool(bool),
    Verbatim(Vec<u8>),
    BigNum(String),
}

#[derive(Debug, PartialEq, Eq)]
pub enum FrameError {
    Incomplete,
    Invalid(String),
}

impl Frame {
    /// Parses one frame from the start of `buf`; returns it and the bytes consumed.
    pub fn parse(buf: &[u8]) -> Result<(Frame, usize), FrameError> {
        let mut pos = 0;
        let f = parse_at(buf, &mut pos, 0)?;
        Ok((f, pos))
    }

    /// Writes this frame for a client speaking `out.resp`.
    pub fn write(&self, out: &mut Out) {
        match self {
            Frame::Simple(s) => out.simple(s),
            Frame::Error(e) => out.error(e),
            Frame::Int(n) => out.int(*n),
            Frame::Bulk(b) => out.bulk(b),
            Frame::Null => out.null(),
            Frame::NullArray => out.null_array(),
            Frame::Array(items) => {
                out.array(items.len());
                items.iter().for_each(|f| f.write(out));
            }
            Frame::Set(items) => {
                out.set(items.len());
                items.iter().for_each(|f| f.write(out));
            }
            Frame::Push(items) => {
                out.push(items.len());
                items.iter().for_each(|f| f.write(out));
            }
            Frame::Map(pairs) => {
                out.map(pairs.len());
                for (k, v) in pairs {
                    k.write(out);
                    v.write(out);
                }
            }
            Frame::Double(d) => out.double(*d),
            Frame::Bool(b) => out.boolean(*b),
            Frame::Verbatim(t) => out.verbatim(t),
            Frame::BigNum(n) => {
                if out.is_resp3() {
                    out.raw(format!("({n}\r\n").as_bytes())
                } else {
                    out.bulk(n.as_bytes())
                }
            }
        }
    }

    /// The bytes of a string-like frame.
    pub fn as_bytes(&self) -> Option<&[u8]> {
        match self {
            Frame::Simple(s) | Frame::BigNum(s) => Some(s.as_bytes()),
            Frame::Bulk(b) | Frame::Verbatim(b) => Some(b),
            _ => None,
        }
    }

    pub fn as_str(&self) -> Option<&str> {
        self.as_bytes().and_then(|b| std::str::from_utf8(b).ok())
    }

    pub fn as_int(&self) -> Option<i64> {
        match self {
            Frame::Int(n) => Some(*n),
            _ => None,
        }
    }

    /// Elements of an array-like frame.
    pub fn items(&self) -> Option<&[Frame]> {
        match self {
            Frame::Array(v) | Frame::Set(v) | Frame::Push(v) => Some(v),
            _ => None,
        }
    }

    /// Value for a string key in a map frame.
    pub fn get(&self, key: &str) -> Option<&Frame> {
        match self {
            Frame::Map(pairs) => pairs.iter().find(|(k, _)| k.as_str() == Some(key)).map(|(_, v)| v),
            _ => None,
        }
    }
}

const MAX_DEPTH: usize = 64;

fn line<'a>(buf: &'a [u8], pos: &mut usize) -> Result<&'a [u8], FrameError> {
    let start = *pos;
    let rest = &buf[start..];
    match rest.windows(2).position(|w| w == b"\r\n") {
        Some(i) => {
            *pos = start + i + 2;
            Ok(&rest[..i])
        }
        None => Err(FrameError::Incomplete),
    }
}

fn int_line(buf: &[u8], pos: &mut usize) -> Result<i64, FrameError> {
    let l = line(buf, pos)?;
    parse_i64(l).ok_or_else(|| FrameError::Invalid(format!("bad integer {:?}", String::from_utf8_lossy(l))))
}

fn text(b: &[u8]) -> String {
    String::from_utf8_lossy(b).into_owned()
}

fn parse_at(buf: &[u8], pos: &mut usize, depth: usize) -> Result<Frame, FrameError> {
    if depth > MAX_DEPTH {
        return Err(FrameError::Invalid("nesting too deep".into()));
    }
    if *pos >= buf.len() {
        return Err(FrameError::Incomplete);
    }
    let tag = buf[*pos];
    *pos += 1;
    match tag {
        b'+' => Ok(Frame::Simple(text(line(buf, pos)?))),
        b'-' => Ok(Frame::Error(text(line(buf, pos)?))),
        b':' => Ok(Frame::Int(int_line(buf, pos)?)),
        b'(' => Ok(Frame::BigNum(text(line(buf, pos)?))),
        b'_' => {
            line(buf, pos)?;
            Ok(Frame::Null)
        }
        b'#' => Ok(Frame::Bool(line(buf, pos)? == b"t")),
        b',' => {
            let l = text(line(buf, pos)?);
            let d = match l.as_str() {
                "inf" => f64::INFINITY,
                "-inf" => f64::NEG_INFINITY,
                "nan" => f64::NAN,
                s => s.parse().map_err(|_| FrameError::Invalid(format!("bad double {s}")))?,
            };
            Ok(Frame::Double(d))
        }
        b'$' | b'=' | b'!' => {
            let n = int_line(buf, pos)?;
            if n < 0 {
                return Ok(Frame::Null);
            }
            let n = n as usize;
            if buf.len() < *pos + n + 2 {
                return Err(FrameError::Incomplete);
            }
            let data = buf[*pos..*pos + n].to_vec();
            *pos += n + 2;
            Ok(match tag {
                b'$' => Frame::Bulk(data),
                b'!' => Frame::Error(text(&data)),
                _ => Frame::Verbatim(data.get(4..).map(|d| d.to_vec()).unwrap_or_default()),
            })
        }
        b'*' | b'~' | b'>' => {
            let n = int_line(buf, pos)?;
            if n < 0 {
                return Ok(Frame::NullArray);
            }
            let mut items = Vec::with_capacity((n as usize).min(1024));
            for _ in 0..n {
                items.push(parse_at(buf, pos, depth + 1)?);
            }
            Ok(match tag {
                b'*' => Frame::Array(items),
                b'~' => Frame::Set(items),
                _ => Frame::Push(items),
            })
        }
        b'%' | b'|' => {
            let n = int_line(buf, pos)?;
            let mut pairs = Vec::with_capacity((n.max(0) as usize).min(1024));
            for _ in 0..n {
                let k = parse_at(buf, pos, depth + 1)?;
                let v = parse_at(buf, pos, depth + 1)?;
                pairs.push((k, v));
            }
            if tag == b'|' {
                // An attribute precedes the real reply; skip it.
                return parse_at(buf, pos, depth + 1);
            }
            Ok(Frame::Map(pairs))
        }
        other => Err(FrameError::Invalid(format!("unexpected byte {other:#x}"))),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn round_trip_resp3_to_resp2() {
        let bytes = b"%1\r\n$1\r\nk\r\n~2\r\n+a\r\n,1.5\r\n";
        let (f, used) = Frame::parse(bytes).unwrap();
        assert_eq!(used, bytes.len());
        let mut o = Out::new(2);
        f.write(&mut o);
        assert_eq!(o.buf, b"*2\r\n$1\r\nk\r\n*2\r\n+a\r\n$3\r\n1.5\r\n");
        assert_eq!(Frame::parse(b"*2\r\n:1\r\n"), Err(FrameError::Incomplete));
    }
}
