//! `struct`: Roberto Ierusalimschy's struct library (struct.c 1.4) as vendored in Redis 7.0
//! (deps/lua/src/lua_struct.c), including Redis's security fixes: format numbers that overflow
//! an int are refused ("integral size overflow"), integers are limited to 32 bytes, and
//! `unpack` offsets must be 1 or greater and are bounds-checked without overflow.
//!
//! Formats: `>`/`<` endianness (native = little), `![n]` maximum alignment (default 8),
//! `x` padding, `b/B h/H l/L T i[n]/I[n]` integers (1, 2, 8, 8, n bytes; 4 by default), `f`/`d`
//! floats, `c[n]` fixed strings (`c0`: whole string when packing, previous number as the length
//! when unpacking), `s` zero-terminated strings, spaces ignored.
//!
//! Integers follow the C code's 64-bit (`long`) arithmetic: packing converts the Lua number
//! with x86 conversion rules and writes at most 8 significant bytes (wider fields get zero
//! bytes, not sign extension); unpacking keeps the last 8 bytes read and sign-extends with the
//! same shift-masking the C code gets from the CPU.

use mlua::{Lua, Value};

use super::support::{c_double_to_i64, c_double_to_u64, register, register_packed, to_number, Call, CallResult, Fail, Ret, MAX_C_STACK};

const MAX_INT_SIZE: i32 = 32;
/// `MAXALIGN` on x86-64: the alignment of a double.
const MAX_ALIGN: i32 = 8;

/// Creates the `struct` table and installs it as a global, as Redis does.
pub fn load(lua: &Lua) -> mlua::Result<()> {
    let t = lua.create_table()?;
    register(lua, &t, "pack", pack)?;
    register_packed(lua, &t, "unpack", unpack)?;
    register(lua, &t, "size", size)?;
    lua.globals().raw_set("struct", t)
}

#[derive(Clone, Copy, PartialEq)]
enum Endian {
    Big,
    Little,
}

struct Header {
    endian: Endian,
    align: i32,
}

impl Header {
    fn new() -> Self {
        Header { endian: Endian::Little, align: 1 }
    }
}

/// A format string being walked (C stops at its first NUL).
struct Format {
    bytes: Vec<u8>,
    at: usize,
}

impl Format {
    fn new(mut bytes: Vec<u8>) -> Self {
        if let Some(nul) = bytes.iter().position(|&b| b == 0) {
            bytes.truncate(nul);
        }
        Format { bytes, at: 0 }
    }

    fn next_opt(&mut self) -> Option<u8> {
        let b = self.bytes.get(self.at).copied();
        self.at += 1;
        b
    }

    /// `getnum`: an optional decimal count after an option.
    fn num(&mut self, c: &Call, default: i32) -> Result<i32, Fail> {
        let mut a: i32 = 0;
        if !self.bytes.get(self.at).is_some_and(u8::is_ascii_digit) {
            return Ok(default);
        }
        while let Some(&d) = self.bytes.get(self.at).filter(|d| d.is_ascii_digit()) {
            let digit = (d - b'0') as i32;
            if a > i32::MAX / 10 || a * 10 > i32::MAX - digit {
                return Err(c.error("integral size overflow"));
            }
            a = a * 10 + digit;
            self.at += 1;
        }
        Ok(a)
    }

    /// `optsize`: the byte size of an option (0 for control characters and unknown options).
    fn size(&mut self, c: &Call, opt: u8) -> Result<u64, Fail> {
        Ok(match opt {
            b'B' | b'b' => 1,
            b'H' | b'h' => 2,
            b'L' | b'l' | b'T' | b'd' => 8,
            b'f' => 4,
            b'x' => 1,
            b'c' => self.num(c, 1)? as u64,
            b'i' | b'I' => {
                let sz = self.num(c, 4)?;
                if sz > MAX_INT_SIZE {
                    return Err(c.error(format!("integral size {sz} is larger than limit of {MAX_INT_SIZE}")));
                }
                sz as u64
            }
            _ => 0,
        })
    }

    /// `controloptions`: endianness, alignment and spaces; anything else is invalid.
    fn control(&mut self, c: &Call, opt: u8, h: &mut Header) -> Result<(), Fail> {
        match opt {
            b' ' => {}
            b'>' => h.endian = Endian::Big,
            b'<' => h.endian = Endian::Little,
            b'!' => {
                let a = self.num(c, MAX_ALIGN)?;
                if !(a > 0 && a & (a - 1) == 0) {
                    return Err(c.error(format!("alignment {a} is not a power of 2")));
                }
                h.align = a;
            }
            _ => return Err(c.arg_error(1, format!("invalid format option '{}'", opt as char))),
        }
        Ok(())
    }
}

fn is_integer_opt(opt: u8) -> bool {
    matches!(opt, b'b' | b'B' | b'h' | b'H' | b'l' | b'L' | b'T' | b'i' | b'I')
}

/// `gettoalign`: padding needed before an item of `size` bytes at offset `len`.
fn to_align(len: u64, h: &Header, opt: u8, size: u64) -> u64 {
    if size == 0 || opt == b'c' {
        return 0;
    }
    let size = size.min(h.align.max(1) as u64);
    (size.wrapping_sub(len & (size - 1))) & (size - 1)
}

fn struct_pack(c: &Call) -> CallResult {
    let mut fmt = Format::new(c.check_bytes(1)?);
    let mut h = Header::new();
    let mut out: Vec<u8> = Vec::new();
    let mut arg = 2usize;
    let mut total: u64 = 0;
    while let Some(opt) = fmt.next_opt() {
        let mut size = fmt.size(c, opt)?;
        let pad = to_align(total, &h, opt, size);
        total = total.wrapping_add(pad);
        out.resize(out.len() + pad as usize, 0);
        match opt {
            _ if is_integer_opt(opt) => {
                let n = c.check_number(arg)?;
                arg += 1;
                let mut value = if n < 0.0 { c_double_to_i64(n) as u64 } else { c_double_to_u64(n) };
                let mut bytes = Vec::with_capacity(size as usize);
                for _ in 0..size {
                    bytes.push((value & 0xff) as u8);
                    value = value.checked_shr(8).unwrap_or(0);
                }
                if h.endian == Endian::Big {
                    bytes.reverse();
                }
                out.extend_from_slice(&bytes);
            }
            b'x' => out.push(0),
            b'f' => {
                let f = c.check_number(arg)? as f32;
                arg += 1;
                out.extend_from_slice(&if h.endian == Endian::Big { f.to_be_bytes() } else { f.to_le_bytes() });
            }
            b'd' => {
                let d = c.check_number(arg)?;
                arg += 1;
                out.extend_from_slice(&if h.endian == Endian::Big { d.to_be_bytes() } else { d.to_le_bytes() });
            }
            b'c' | b's' => {
                let s = c.check_bytes(arg)?;
                arg += 1;
                if size == 0 {
                    size = s.len() as u64;
                }
                if (s.len() as u64) < size {
                    // The C code reports the already-advanced argument index.
                    return Err(c.arg_error(arg as i64, "string too short"));
                }
                out.extend_from_slice(&s[..size as usize]);
                if opt == b's' {
                    out.push(0);
                    size += 1;
                }
            }
            _ => fmt.control(c, opt, &mut h)?,
        }
        total = total.wrapping_add(size);
    }
    Ok(vec![c.string(out)?])
}

/// `struct.pack(fmt, ...)`. The C code pushes a nil marker right after the arguments before
/// reading them, so a missing first value reports "got nil" rather than "got no value".
fn pack(c: &Call) -> CallResult {
    // The format is checked before the marker is pushed.
    c.check_bytes(1)?;
    let mut args = c.args.clone();
    args.push(Value::Nil);
    struct_pack(&c.with_args(args))
}

/// `getinteger`: at most the last 8 bytes survive; signed values are extended with the
/// mask the C code computes (its shift count wraps modulo 64 on x86).
fn get_integer(bytes: &[u8], endian: Endian, signed: bool) -> f64 {
    let mut l: u64 = 0;
    let mut push = |b: &u8| l = (l << 8) | *b as u64;
    match endian {
        Endian::Big => bytes.iter().for_each(&mut push),
        Endian::Little => bytes.iter().rev().for_each(&mut push),
    }
    if !signed {
        return l as f64;
    }
    let shift = ((bytes.len() as i64) * 8 - 1) & 63;
    let mask = u64::MAX << shift;
    if l & mask != 0 {
        l |= mask;
    }
    l as i64 as f64
}

fn unpack(c: &Call) -> Result<Ret, Fail> {
    let mut fmt = Format::new(c.check_bytes(1)?);
    let data = c.check_bytes(2)?;
    let ld = data.len() as u64;
    // A size_t in C: negative offsets wrap to huge values and fail the bounds check below.
    let mut pos = c.opt_integer(3, 1)? as u64;
    if pos == 0 {
        return Err(c.arg_error(3, "offset must be 1 or greater"));
    }
    pos -= 1;
    let mut h = Header::new();
    // Results go straight into a table (see `Ret::Packed`).
    let results = c.lua.create_table()?;
    let mut n: usize = 0;
    let base = c.nargs();
    let too_short = |c: &Call| c.arg_error(2, "data string too short");
    while let Some(opt) = fmt.next_opt() {
        let mut size = fmt.size(c, opt)?;
        pos = pos.wrapping_add(to_align(pos, &h, opt, size));
        if !(size <= ld && pos <= ld - size) {
            return Err(too_short(c));
        }
        if base + n + 2 > MAX_C_STACK {
            return Err(c.error("stack overflow (too many results)"));
        }
        let at = pos as usize;
        match opt {
            _ if is_integer_opt(opt) => {
                let bytes = &data[at..at + size as usize];
                n += 1;
                results.raw_set(n, get_integer(bytes, h.endian, opt.is_ascii_lowercase()))?;
            }
            b'x' => {}
            b'f' => {
                let mut b = [0u8; 4];
                b.copy_from_slice(&data[at..at + 4]);
                let f = if h.endian == Endian::Big { f32::from_be_bytes(b) } else { f32::from_le_bytes(b) };
                n += 1;
                results.raw_set(n, f as f64)?;
            }
            b'd' => {
                let mut b = [0u8; 8];
                b.copy_from_slice(&data[at..at + 8]);
                let d = if h.endian == Endian::Big { f64::from_be_bytes(b) } else { f64::from_le_bytes(b) };
                n += 1;
                results.raw_set(n, d)?;
            }
            b'c' => {
                if size == 0 {
                    // The length is the previous result, which is consumed.
                    let previous: Value = if n == 0 { Value::Nil } else { results.raw_get(n)? };
                    let Some(len) = to_number(&previous) else {
                        return Err(c.error("format 'c0' needs a previous size"));
                    };
                    size = c_double_to_u64(len);
                    results.raw_set(n, Value::Nil)?;
                    n -= 1;
                    if !(size <= ld && pos <= ld - size) {
                        return Err(too_short(c));
                    }
                }
                n += 1;
                results.raw_set(n, c.string(&data[at..at + size as usize])?)?;
            }
            b's' => {
                let Some(len) = data[at..].iter().position(|&b| b == 0) else {
                    return Err(c.error("unfinished string in data"));
                };
                size = len as u64 + 1;
                n += 1;
                results.raw_set(n, c.string(&data[at..at + len])?)?;
            }
            _ => fmt.control(c, opt, &mut h)?,
        }
        pos = pos.wrapping_add(size);
    }
    n += 1;
    results.raw_set(n, pos.wrapping_add(1) as i64 as f64)?;
    Ok(Ret::Packed(results, n))
}

fn size(c: &Call) -> CallResult {
    let mut fmt = Format::new(c.check_bytes(1)?);
    let mut h = Header::new();
    let mut pos: u64 = 0;
    while let Some(opt) = fmt.next_opt() {
        let size = fmt.size(c, opt)?;
        pos = pos.wrapping_add(to_align(pos, &h, opt, size));
        if opt == b's' {
            return Err(c.arg_error(1, "option 's' has no fixed size"));
        } else if opt == b'c' && size == 0 {
            return Err(c.arg_error(1, "option 'c0' has no fixed size"));
        }
        if !opt.is_ascii_alphanumeric() {
            fmt.control(c, opt, &mut h)?;
        }
        pos = pos.wrapping_add(size);
    }
    Ok(vec![Value::Number(pos as i64 as f64)])
}

#[cfg(test)]
mod tests {
    // Every expected value below was produced by a real redis-server 7.0.15: the expression
    // was run through `EVAL` with the harness in `support::testutil`, which renders results
    // and errors as the strings compared here.
    use super::super::support::testutil::check;

    #[test]
    fn pack_integers() {
        check(&[
            (
                r#"struct.pack('>I4', 1), struct.pack('<I4', 1), struct.pack('I4', 1), struct.pack('<i8', -2), struct.pack('>h', -2), struct.pack('>H', 65535), struct.pack('>H', 65536), struct.pack('>b', 200), struct.pack('B', -1), struct.pack('>l', 1)"#,
                r#"s:"\x00\x00\x00\x01" | s:"\x01\x00\x00\x00" | s:"\x01\x00\x00\x00" | s:"\xfe\xff\xff\xff\xff\xff\xff\xff" | s:"\xff\xfe" | s:"\xff\xff" | s:"\x00\x00" | s:"\xc8" | s:"\xff" | s:"\x00\x00\x00\x00\x00\x00\x00\x01""#,
            ),
            (
                r#"struct.pack('>L', 2^63), struct.pack('>L', 2^64), struct.pack('>l', -2^63), struct.pack('>L', 1e20), struct.pack('>i', 1.9), struct.pack('>i', -1.9), struct.pack('>i', 0/0), struct.pack('>l', -1e30), struct.pack('>i', 1/0), struct.pack('>i', -1/0), struct.pack('T', 5)"#,
                r#"s:"\x80\x00\x00\x00\x00\x00\x00\x00" | s:"\x00\x00\x00\x00\x00\x00\x00\x00" | s:"\x80\x00\x00\x00\x00\x00\x00\x00" | s:"\x00\x00\x00\x00\x00\x00\x00\x00" | s:"\x00\x00\x00\x01" | s:"\xff\xff\xff\xff" | s:"\x00\x00\x00\x00" | s:"\x80\x00\x00\x00\x00\x00\x00\x00" | s:"\x00\x00\x00\x00" | s:"\x00\x00\x00\x00" | s:"\x05\x00\x00\x00\x00\x00\x00\x00""#,
            ),
        ]);
    }

    #[test]
    fn pack_floats_and_strings() {
        check(&[
            (
                r#"struct.pack('>f', 1.5), struct.pack('<d', 0.1), struct.pack('>d', -0.0), struct.pack('<f', 1e40), struct.pack('>f', 0/0), struct.pack('s', 'abc'), struct.pack('c0', 'abc'), struct.pack('c2', 'abc'), struct.pack('s', ''), struct.pack('c0', '')"#,
                r#"s:"?\xc0\x00\x00" | s:"\x9a\x99\x99\x99\x99\x99\xb9?" | s:"\x80\x00\x00\x00\x00\x00\x00\x00" | s:"\x00\x00\x80\x7f" | s:"\xff\xc0\x00\x00" | s:"abc\x00" | s:"abc" | s:"ab" | s:"\x00" | s:"""#,
            ),
            (r#"struct.pack('c5', 'abc')"#, r#"ERR:user_script:1: bad argument #3 to 'pack' (string too short)"#),
            (
                r#"struct.pack('b', '12'), struct.pack('c', 'ab'), struct.pack('!', 1), struct.pack('i0', 5), struct.pack('>I5', 2^40-1), struct.pack('>i9', -1), struct.pack('s', 12), struct.pack('c0c0', 'ab', 'c'), struct.pack('>i4 <i4', 1, 1), struct.pack(''), struct.pack('   ')"#,
                r#"s:"\x0c" | s:"a" | s:"" | s:"" | s:"\xff\xff\xff\xff\xff" | s:"\x00\xff\xff\xff\xff\xff\xff\xff\xff" | s:"12\x00" | s:"abc" | s:"\x00\x00\x00\x01\x01\x00\x00\x00" | s:"" | s:"""#,
            ),
        ]);
    }

    #[test]
    fn alignment() {
        check(&[
            (
                r#"struct.pack('!4 b i', 1, 2), struct.pack('! b d', 1, 2), struct.pack('!2 b i4', 1, 2), struct.pack('b x x b', 1, 2), struct.pack('>i16', -1), struct.pack('>i3', 1), struct.pack('<i3', -2), struct.pack('!4 b i3', 1, 2), struct.pack('!4 b h b i', 1, 2, 3, 4), struct.pack('!8 b c3 h', 1, 'abc', 5), struct.pack('!8 b d', 1, 2), struct.pack('!16 b d', 1, 2), struct.pack('!1 b i', 1, 2), struct.pack('! b f', 1, 2)"#,
                r#"s:"\x01\x00\x00\x00\x02\x00\x00\x00" | s:"\x01\x00\x00\x00\x00\x00\x00\x00\x00\x00\x00\x00\x00\x00\x00@" | s:"\x01\x00\x02\x00\x00\x00" | s:"\x01\x00\x00\x02" | s:"\x00\x00\x00\x00\x00\x00\x00\x00\xff\xff\xff\xff\xff\xff\xff\xff" | s:"\x00\x00\x01" | s:"\xfe\xff\xff" | s:"\x01\x00\x00\x02\x00\x00" | s:"\x01\x00\x02\x00\x03\x00\x00\x00\x04\x00\x00\x00" | s:"\x01abc\x05\x00" | s:"\x01\x00\x00\x00\x00\x00\x00\x00\x00\x00\x00\x00\x00\x00\x00@" | s:"\x01\x00\x00\x00\x00\x00\x00\x00\x00\x00\x00\x00\x00\x00\x00@" | s:"\x01\x02\x00\x00\x00" | s:"\x01\x00\x00\x00\x00\x00\x00@""#,
            ),
            (r#"struct.pack('!3 b', 1)"#, r#"ERR:user_script:1: alignment 3 is not a power of 2"#),
            (r#"struct.pack('!0 b', 1)"#, r#"ERR:user_script:1: alignment 0 is not a power of 2"#),
        ]);
    }

    #[test]
    fn pack_errors() {
        check(&[
            (r#"struct.pack('>I33', 1)"#, r#"ERR:user_script:1: integral size 33 is larger than limit of 32"#),
            (r#"struct.pack('z', 1)"#, r#"ERR:user_script:1: bad argument #1 to 'pack' (invalid format option 'z')"#),
            (r#"struct.pack('b')"#, r#"ERR:user_script:1: bad argument #2 to 'pack' (number expected, got nil)"#),
            (r#"struct.pack('bb', 1)"#, r#"ERR:user_script:1: bad argument #3 to 'pack' (number expected, got nil)"#),
            (r#"struct.pack('b', 'x')"#, r#"ERR:user_script:1: bad argument #2 to 'pack' (number expected, got string)"#),
            (r#"struct.pack('i99999999999', 1)"#, r#"ERR:user_script:1: integral size overflow"#),
            (r#"struct.pack('c99999999999', 'a')"#, r#"ERR:user_script:1: integral size overflow"#),
            (r#"struct.pack('c2147483647', 'a')"#, r#"ERR:user_script:1: bad argument #3 to 'pack' (string too short)"#),
            (r#"struct.pack()"#, r#"ERR:user_script:1: bad argument #1 to 'pack' (string expected, got no value)"#),
            (r#"struct.pack(12, 1)"#, r#"ERR:user_script:1: bad argument #1 to 'pack' (invalid format option '1')"#),
            (r#"struct.pack('s', {})"#, r#"ERR:user_script:1: bad argument #2 to 'pack' (string expected, got table)"#),
            (r#"struct.pack('d', nil)"#, r#"ERR:user_script:1: bad argument #2 to 'pack' (number expected, got nil)"#),
            (r#"struct.pack('b\0z', 1)"#, r#"s:"\x01""#),
        ]);
    }

    #[test]
    fn unpack_values() {
        check(&[
            (
                r#"struct.unpack('>I4', '\0\0\0\1'), struct.unpack('<i4', '\254\255\255\255'), struct.unpack('>i2 B', '\255\254\128'), struct.unpack('>l', '\128\0\0\0\0\0\0\0'), struct.unpack('>L', '\255\255\255\255\255\255\255\255')"#,
                r#"n:1 | n:-2 | n:-2 | n:-9.2233720368547758e+18 | n:1.8446744073709552e+19 | n:9"#,
            ),
            (
                r#"struct.unpack('>i16', string.rep('\255', 16)), struct.unpack('>I16', string.rep('\0', 15)..'\1'), struct.unpack('<I16', '\1'..string.rep('\0', 15)), struct.unpack('>i9', '\1'..string.rep('\255', 8)), struct.unpack('>i3', '\255\255\255'), struct.unpack('<i3', '\0\0\128'), struct.unpack('>I3', '\255\255\255'), struct.unpack('>i10', '\0\0\128\0\0\0\0\0\0\0')"#,
                r#"n:-1 | n:1 | n:1 | n:-1 | n:-1 | n:-8388608 | n:16777215 | n:-32768 | n:11"#,
            ),
            (
                r#"struct.unpack('>f', '\63\192\0\0'), struct.unpack('<d', '\154\153\153\153\153\153\185\63'), struct.unpack('s', 'abc\0def'), struct.unpack('b c0', '\3abcdef'), struct.unpack('c2', 'abc'), struct.unpack('b', 'abc', 2), struct.unpack('!4 b i', '\1\0\0\0\2\0\0\0'), struct.unpack('x b', 'ab'), struct.unpack('', 'ab'), struct.unpack('i0', 'ab')"#,
                r#"n:1.5 | n:0.10000000000000001 | s:"abc" | s:"abc" | s:"ab" | n:98 | n:1 | n:98 | n:1 | n:0 | n:1"#,
            ),
            (
                r#"struct.unpack('c1 c0', '3abc'), struct.unpack('b', 'a', 1.9), struct.unpack('i', 1234), struct.unpack('b s', '\5xy\0'), struct.unpack('bbbb', 'abcd'), struct.unpack('>i', '\255\255\255\255', 1), struct.unpack('  >  h', '\1\2'), struct.unpack('b', 'abc', 3), struct.unpack('b', 'abc', 2.5)"#,
                r#"s:"abc" | n:97 | n:875770417 | n:5 | n:97 | n:-1 | n:258 | n:99 | n:98 | n:3"#,
            ),
        ]);
    }

    #[test]
    fn unpack_errors() {
        check(&[
            (r#"struct.unpack('s', 'abc')"#, r#"ERR:user_script:1: unfinished string in data"#),
            (r#"struct.unpack('c0', 'abc')"#, r#"ERR:user_script:1: format 'c0' needs a previous size"#),
            (r#"struct.unpack('c4', 'abc')"#, r#"ERR:user_script:1: bad argument #2 to 'unpack' (data string too short)"#),
            (r#"struct.unpack('b', 'abc', 4)"#, r#"ERR:user_script:1: bad argument #2 to 'unpack' (data string too short)"#),
            (r#"struct.unpack('b', 'abc', 0)"#, r#"ERR:user_script:1: bad argument #3 to 'unpack' (offset must be 1 or greater)"#),
            (r#"struct.unpack('b', 'abc', -1)"#, r#"ERR:user_script:1: bad argument #2 to 'unpack' (data string too short)"#),
            (r#"struct.unpack('b', 'abc', 'x')"#, r#"ERR:user_script:1: bad argument #3 to 'unpack' (number expected, got string)"#),
            (r#"struct.unpack('b')"#, r#"ERR:user_script:1: bad argument #2 to 'unpack' (string expected, got no value)"#),
            (r#"struct.unpack('z', 'a')"#, r#"ERR:user_script:1: bad argument #1 to 'unpack' (invalid format option 'z')"#),
            (r#"struct.unpack('b c0', '\5ab')"#, r#"ERR:user_script:1: bad argument #2 to 'unpack' (data string too short)"#),
            (r#"struct.unpack('c1 c0', 'xabc')"#, r#"ERR:user_script:1: format 'c0' needs a previous size"#),
            (r#"struct.unpack('b c0', '\255abc')"#, r#"ERR:user_script:1: bad argument #2 to 'unpack' (data string too short)"#),
            (r#"struct.unpack(12, '1234')"#, r#"ERR:user_script:1: bad argument #1 to 'unpack' (invalid format option '1')"#),
            (r#"struct.unpack('b', 'a', 1, 2, 3)"#, r#"n:97 | n:2"#),
        ]);
    }

    #[test]
    fn size() {
        check(&[
            (
                r#"struct.size('>i4 b'), struct.size('!4 b i'), struct.size('c3 d'), struct.size('z'), struct.size('!'), struct.size(' '), struct.size('!8 b d c3 h'), struct.size('x'), struct.size('!4 b T')"#,
                r#"n:5 | n:8 | n:11 | n:0 | n:0 | n:0 | n:22 | n:1 | n:12"#,
            ),
            (r#"struct.size('s')"#, r#"ERR:user_script:1: bad argument #1 to 'size' (option 's' has no fixed size)"#),
            (r#"struct.size('c0')"#, r#"ERR:user_script:1: bad argument #1 to 'size' (option 'c0' has no fixed size)"#),
            (r#"struct.size('!3')"#, r#"ERR:user_script:1: alignment 3 is not a power of 2"#),
            (r#"struct.size('I33')"#, r#"ERR:user_script:1: integral size 33 is larger than limit of 32"#),
            (r#"struct.size()"#, r#"ERR:user_script:1: bad argument #1 to 'size' (string expected, got no value)"#),
            (r#"struct.size('!8 b d <>!2 h')"#, r#"n:18"#),
        ]);
    }

    #[test]
    fn result_limits() {
        check(&[
            (
                r#"(function() local ok, r = pcall(struct.unpack, string.rep('b', 7998), string.rep('a', 7998)) return ok, r end)()"#,
                r#"false | s:"stack overflow (too many results)""#,
            ),
            (
                r#"(function() local ok, r = pcall(struct.unpack, string.rep('b', 7997), string.rep('a', 7997), 1) return ok, r end)()"#,
                r#"false | s:"stack overflow (too many results)""#,
            ),
            (r#"select('#', struct.unpack(string.rep('b', 7996), string.rep('a', 7996)))"#, r#"n:7997"#),
            (r#"select('#', struct.unpack(string.rep('c1', 5000), string.rep('a', 5000)))"#, r#"n:5001"#),
        ]);
    }
}
