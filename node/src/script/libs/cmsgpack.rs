//! `cmsgpack`: lua-cmsgpack 0.4.0 as vendored in Redis 7.0 (deps/lua/src/lua_cmsgpack.c).
//!
//! Encoding rules kept from the C library:
//! - a number whose value is a 64-bit integer (by C's `(int64_t)x == x`, so 2^63 is *not* one)
//!   uses the smallest int/uint format; any other number is a float32 when that is exact, else
//!   a float64 (NaN therefore always float64, ±inf float32);
//! - a table is an array only when its keys are exactly 1..n (each fitting a C int), otherwise
//!   a map in `next()` order; tables nested deeper than 16 levels encode as nil (that is how
//!   the C library survives cycles); functions, userdata and nil encode as nil;
//! - strings use fixstr/str8/str16/str32; there is no bin/ext support when decoding.
//!
//! Decoding is iterative and models the Lua stack slots the C decoder uses, so "too many
//! values" and deep nesting fail with the same messages at the same sizes as in Redis.

use mlua::{Lua, Table, Value};

use super::support::{c_double_to_i32, c_double_to_i64, number_of, register, register_packed, Call, CallResult, Fail, Ret, Slot, MAX_C_STACK};

/// Tables at this nesting level are encoded as nil.
const MAX_NESTING: usize = 16;

/// Creates the `cmsgpack` table and installs it as a global, as Redis does.
pub fn load(lua: &Lua) -> mlua::Result<()> {
    let t = lua.create_table()?;
    register(lua, &t, "pack", pack)?;
    register_packed(lua, &t, "unpack", |c| {
        // Extra arguments stay on the C stack and count against its limit.
        unpack_full(c, 0, 0, c.nargs().max(1))
    })?;
    register_packed(lua, &t, "unpack_one", |c| {
        let offset = c.opt_integer(2, 0)?;
        unpack_full(c, 1, offset, 1)
    })?;
    register_packed(lua, &t, "unpack_limit", |c| {
        let limit = c.check_integer(2)?;
        let offset = c.opt_integer(3, 0)?;
        unpack_full(c, limit, offset, 1)
    })?;
    t.raw_set("_NAME", "cmsgpack")?;
    t.raw_set("_VERSION", "lua-cmsgpack 0.4.0")?;
    t.raw_set("_COPYRIGHT", "Copyright (C) 2012, Salvatore Sanfilippo")?;
    t.raw_set("_DESCRIPTION", "MessagePack C implementation for Lua")?;
    lua.globals().raw_set("cmsgpack", t)
}

// ===== Encoding =====

/// `cmsgpack.pack(...)`: every argument encoded, concatenated.
fn pack(c: &Call) -> CallResult {
    let n = c.nargs();
    if n == 0 {
        return Err(c.arg_error(0, "MessagePack pack needs input."));
    }
    // lua_checkstack(L, nargs) on a frame already holding the arguments.
    if n + n > MAX_C_STACK {
        return Err(c.arg_error(0, "Too many arguments for MessagePack pack."));
    }
    let mut out = Vec::new();
    for v in &c.args {
        encode_value(&mut out, v, 0)?;
    }
    Ok(vec![c.string(out)?])
}

fn encode_value(out: &mut Vec<u8>, v: &Value, level: usize) -> Result<(), Fail> {
    match v {
        Value::String(s) => encode_bytes(out, &s.as_bytes()),
        Value::Boolean(b) => out.push(if *b { 0xc3 } else { 0xc2 }),
        Value::Integer(_) | Value::Number(_) => {
            let n = number_of(v).unwrap_or(0.0);
            // IS_INT64_EQUIVALENT with x86 conversion semantics.
            if !n.is_infinite() && c_double_to_i64(n) as f64 == n {
                encode_int(out, c_double_to_i64(n));
            } else {
                encode_double(out, n);
            }
        }
        Value::Table(t) if level < MAX_NESTING => encode_table(out, t, level)?,
        _ => out.push(0xc0),
    }
    Ok(())
}

fn encode_table(out: &mut Vec<u8>, t: &Table, level: usize) -> Result<(), Fail> {
    // Entries are walked lazily (twice for maps, as in C): collecting them would hold a
    // reference per string or table and could exhaust mlua's reference stack.
    let (array, count) = shape(t)?;
    if array {
        encode_len(out, count as u64, 0x90, 0xdc, 0xdd);
        for i in 1..=count {
            let v: Value = t.raw_get(i as i64)?;
            encode_value(out, &v, level + 1)?;
        }
    } else {
        encode_len(out, count as u64, 0x80, 0xde, 0xdf);
        for pair in t.pairs::<Value, Value>() {
            let (k, v) = pair?;
            encode_value(out, &k, level + 1)?;
            encode_value(out, &v, level + 1)?;
        }
    }
    Ok(())
}

/// `table_is_an_array` plus the entry count: an array has only positive keys that are C ints,
/// the largest equal to the count.
fn shape(t: &Table) -> Result<(bool, usize), Fail> {
    let mut max: i32 = 0;
    let mut count: usize = 0;
    let mut array = true;
    for pair in t.pairs::<Value, Value>() {
        let (k, _) = pair?;
        count += 1;
        if !array {
            continue;
        }
        match number_of(&k) {
            Some(n) if n > 0.0 && !n.is_infinite() && c_double_to_i32(n) as f64 == n => {
                if n > max as f64 {
                    max = n as i32;
                }
            }
            _ => array = false,
        }
    }
    Ok((array && max as i64 == count as i64, count))
}

fn encode_len(out: &mut Vec<u8>, n: u64, fix: u8, w16: u8, w32: u8) {
    if n <= 15 {
        out.push(fix | n as u8);
    } else if n <= 0xffff {
        out.push(w16);
        out.extend_from_slice(&(n as u16).to_be_bytes());
    } else {
        out.push(w32);
        out.extend_from_slice(&(n as u32).to_be_bytes());
    }
}

fn encode_bytes(out: &mut Vec<u8>, s: &[u8]) {
    let len = s.len();
    if len < 32 {
        out.push(0xa0 | len as u8);
    } else if len <= 0xff {
        out.extend_from_slice(&[0xd9, len as u8]);
    } else if len <= 0xffff {
        out.push(0xda);
        out.extend_from_slice(&(len as u16).to_be_bytes());
    } else {
        out.push(0xdb);
        out.extend_from_slice(&(len as u32).to_be_bytes());
    }
    out.extend_from_slice(s);
}

fn encode_double(out: &mut Vec<u8>, d: f64) {
    let f = d as f32;
    if f as f64 == d {
        out.push(0xca);
        out.extend_from_slice(&f.to_bits().to_be_bytes());
    } else {
        out.push(0xcb);
        out.extend_from_slice(&d.to_bits().to_be_bytes());
    }
}

fn encode_int(out: &mut Vec<u8>, n: i64) {
    if n >= 0 {
        if n <= 127 {
            out.push(n as u8);
        } else if n <= 0xff {
            out.extend_from_slice(&[0xcc, n as u8]);
        } else if n <= 0xffff {
            out.push(0xcd);
            out.extend_from_slice(&(n as u16).to_be_bytes());
        } else if n <= 0xffff_ffff {
            out.push(0xce);
            out.extend_from_slice(&(n as u32).to_be_bytes());
        } else {
            out.push(0xcf);
            out.extend_from_slice(&(n as u64).to_be_bytes());
        }
    } else if n >= -32 {
        out.push(n as i8 as u8);
    } else if n >= -128 {
        out.extend_from_slice(&[0xd0, n as i8 as u8]);
    } else if n >= -32768 {
        out.push(0xd1);
        out.extend_from_slice(&(n as i16).to_be_bytes());
    } else if n >= -2_147_483_648 {
        out.push(0xd2);
        out.extend_from_slice(&(n as i32).to_be_bytes());
    } else {
        out.push(0xd3);
        out.extend_from_slice(&n.to_be_bytes());
    }
}

// ===== Decoding =====

/// `mp_unpack_full`. `base` is how many stack slots the C function holds besides its results.
fn unpack_full(c: &Call, limit: i64, offset: i64, base: usize) -> Result<Ret, Fail> {
    let data = c.check_bytes(1)?;
    let len = data.len();
    let decode_all = limit == 0 && offset == 0;
    if offset < 0 || limit < 0 {
        return Err(c.error(format!("Invalid request to unpack with offset of {} and limit of {}.", offset as i32, len as i32)));
    }
    if offset as u64 > len as u64 {
        return Err(c.error(format!("Start offset {} greater than input length {}.", offset as i32, len as i32)));
    }
    let limit = if decode_all { i32::MAX as i64 } else { limit };
    let mut dec = Decoder { call: c, data: &data, pos: offset as usize };
    // Results go straight into a table (see `Ret::Packed`); slot 1 is kept for the offset.
    let results = c.lua.create_table()?;
    let first = if decode_all { 1 } else { 2 };
    let mut count: usize = 0;
    while dec.pos < len && (count as i64) < limit {
        let v = dec.value(base + count)?;
        results.raw_set(first + count as i64, v)?;
        count += 1;
    }
    if decode_all {
        return Ok(Ret::Packed(results, count));
    }
    if base + count + 1 > MAX_C_STACK {
        return Err(c.error("stack overflow (in function mp_unpack_full)"));
    }
    // The next offset, or -1 once the whole input has been consumed.
    let next = if dec.pos >= len { -1 } else { dec.pos as i64 };
    results.raw_set(1, next)?;
    Ok(Ret::Packed(results, count + 1))
}

/// A container being filled by the iterative decoder.
enum Open {
    Array { slot: Slot, remaining: usize, index: i64 },
    Map { slot: Slot, remaining: usize, key: Option<Value> },
}

impl Open {
    fn slot(&mut self) -> &mut Slot {
        match self {
            Open::Array { slot, .. } | Open::Map { slot, .. } => slot,
        }
    }
}

/// What a header byte starts.
enum Item {
    Value(Value),
    Array(usize),
    Map(usize),
}

struct Decoder<'c, 'a, 'd> {
    call: &'c Call<'a>,
    data: &'d [u8],
    pos: usize,
}

impl Decoder<'_, '_, '_> {
    fn eof(&self) -> Fail {
        self.call.error("Missing bytes in input.")
    }

    /// `mp_cur_need`: the `n` bytes at the cursor.
    fn need(&self, n: usize) -> Result<&[u8], Fail> {
        self.data.get(self.pos..).filter(|rest| rest.len() >= n).map(|rest| &rest[..n]).ok_or_else(|| self.eof())
    }

    fn take(&mut self, n: usize) -> Result<Vec<u8>, Fail> {
        let bytes = self.need(n)?.to_vec();
        self.pos += n;
        Ok(bytes)
    }

    /// Decodes one value; `top` is the C stack height before it is pushed.
    fn value(&mut self, top: usize) -> Result<Value, Fail> {
        let lua = self.call.lua;
        let mut stack: Vec<Open> = Vec::new();
        let mut top = top;
        'value: loop {
            let mut value = match self.item(top)? {
                Item::Value(v) => v,
                Item::Array(n) => {
                    let table = lua.create_table()?;
                    if top + 2 > MAX_C_STACK {
                        return Err(self.call.error("stack overflow (in function mp_decode_to_lua_array)"));
                    }
                    if n == 0 {
                        Value::Table(table)
                    } else {
                        if let Some(parent) = stack.last_mut() {
                            parent.slot().park(lua)?;
                        }
                        // The table and the pending index stay on the stack.
                        stack.push(Open::Array { slot: Slot::new(table), remaining: n, index: 1 });
                        top += 2;
                        continue 'value;
                    }
                }
                Item::Map(n) => {
                    let table = lua.create_table()?;
                    if n == 0 {
                        Value::Table(table)
                    } else {
                        if let Some(parent) = stack.last_mut() {
                            parent.slot().park(lua)?;
                        }
                        stack.push(Open::Map { slot: Slot::new(table), remaining: n, key: None });
                        top += 1;
                        continue 'value;
                    }
                }
            };
            loop {
                let done = match stack.last_mut() {
                    None => return Ok(value),
                    Some(Open::Array { slot, remaining, index }) => {
                        slot.table(lua)?.raw_set(*index, value)?;
                        *index += 1;
                        *remaining -= 1;
                        *remaining == 0
                    }
                    Some(Open::Map { slot, remaining, key }) => match key.take() {
                        None => {
                            *key = Some(value);
                            top += 1;
                            continue 'value;
                        }
                        Some(k) => {
                            // lua_settable's own errors (raised without a position).
                            match &k {
                                Value::Nil => return Err(Fail::Msg("table index is nil".into())),
                                Value::Number(n) if n.is_nan() => return Err(Fail::Msg("table index is NaN".into())),
                                _ => {}
                            }
                            slot.table(lua)?.raw_set(k, value)?;
                            top -= 1;
                            *remaining -= 1;
                            *remaining == 0
                        }
                    },
                };
                if !done {
                    continue 'value;
                }
                value = match stack.pop() {
                    Some(Open::Array { mut slot, .. }) => {
                        top -= 2;
                        Value::Table(slot.table(lua)?)
                    }
                    Some(Open::Map { mut slot, .. }) => {
                        top -= 1;
                        Value::Table(slot.table(lua)?)
                    }
                    // Unreachable: the frame that just finished is still on the stack.
                    None => Value::Nil,
                };
            }
        }
    }

    /// Reads one header (and a scalar's payload).
    fn item(&mut self, top: usize) -> Result<Item, Fail> {
        let b = self.need(1)?[0];
        if top + 1 > MAX_C_STACK {
            return Err(self.call.error("stack overflow (too many return values at once; use unpack_one or unpack_limit instead.)"));
        }
        let num = |v: f64| Ok(Item::Value(Value::Number(v)));
        match b {
            0xcc => num(self.take(2)?[1] as f64),
            0xd0 => num(self.take(2)?[1] as i8 as f64),
            0xcd => num(be(&self.take(3)?[1..]) as u16 as f64),
            0xd1 => num(be(&self.take(3)?[1..]) as u16 as i16 as f64),
            0xce => num(be(&self.take(5)?[1..]) as u32 as f64),
            0xd2 => num(be(&self.take(5)?[1..]) as u32 as i32 as f64),
            // Unsigned 64-bit values go through lua_Integer, so the top half wraps negative.
            0xcf | 0xd3 => num(be(&self.take(9)?[1..]) as i64 as f64),
            0xc0 => {
                self.pos += 1;
                Ok(Item::Value(Value::Nil))
            }
            0xc2 | 0xc3 => {
                self.pos += 1;
                Ok(Item::Value(Value::Boolean(b == 0xc3)))
            }
            0xca => num(f32::from_bits(be(&self.take(5)?[1..]) as u32) as f64),
            0xcb => num(f64::from_bits(be(&self.take(9)?[1..]))),
            0xd9 => {
                let n = self.need(2)?[1] as usize;
                self.string(2, n)
            }
            0xda => {
                let n = be(&self.need(3)?[1..]) as usize;
                self.string(3, n)
            }
            0xdb => {
                let n = be(&self.need(5)?[1..]) as usize;
                self.string(5, n)
            }
            0xdc => Ok(Item::Array(be(&self.take(3)?[1..]) as usize)),
            0xdd => Ok(Item::Array(be(&self.take(5)?[1..]) as usize)),
            0xde => Ok(Item::Map(be(&self.take(3)?[1..]) as usize)),
            0xdf => Ok(Item::Map(be(&self.take(5)?[1..]) as usize)),
            _ if b & 0x80 == 0 => {
                self.pos += 1;
                num(b as f64)
            }
            _ if b & 0xe0 == 0xe0 => {
                self.pos += 1;
                num(b as i8 as f64)
            }
            _ if b & 0xe0 == 0xa0 => self.string(1, (b & 0x1f) as usize),
            _ if b & 0xf0 == 0x90 => {
                self.pos += 1;
                Ok(Item::Array((b & 0xf) as usize))
            }
            _ if b & 0xf0 == 0x80 => {
                self.pos += 1;
                Ok(Item::Map((b & 0xf) as usize))
            }
            _ => Err(self.call.error("Bad data format in input.")),
        }
    }

    /// A string of `n` bytes after a `header`-byte header.
    fn string(&mut self, header: usize, n: usize) -> Result<Item, Fail> {
        let total = header.checked_add(n).ok_or_else(|| self.eof())?;
        let bytes = self.take(total)?;
        Ok(Item::Value(self.call.string(&bytes[header..])?))
    }
}

/// Big-endian bytes as an integer.
fn be(bytes: &[u8]) -> u64 {
    bytes.iter().fold(0u64, |acc, &b| (acc << 8) | b as u64)
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
                r#"cmsgpack.pack(0), cmsgpack.pack(127), cmsgpack.pack(128), cmsgpack.pack(255), cmsgpack.pack(256), cmsgpack.pack(65535), cmsgpack.pack(65536), cmsgpack.pack(4294967295), cmsgpack.pack(4294967296), cmsgpack.pack(2^53), cmsgpack.pack(2^63), cmsgpack.pack(2^64), cmsgpack.pack(-2^63), cmsgpack.pack(-2^64)"#,
                r#"s:"\x00" | s:"\x7f" | s:"\xcc\x80" | s:"\xcc\xff" | s:"\xcd\x01\x00" | s:"\xcd\xff\xff" | s:"\xce\x00\x01\x00\x00" | s:"\xce\xff\xff\xff\xff" | s:"\xcf\x00\x00\x00\x01\x00\x00\x00\x00" | s:"\xcf\x00 \x00\x00\x00\x00\x00\x00" | s:"\xca_\x00\x00\x00" | s:"\xca_\x80\x00\x00" | s:"\xd3\x80\x00\x00\x00\x00\x00\x00\x00" | s:"\xca\xdf\x80\x00\x00""#,
            ),
            (
                r#"cmsgpack.pack(-1), cmsgpack.pack(-32), cmsgpack.pack(-33), cmsgpack.pack(-128), cmsgpack.pack(-129), cmsgpack.pack(-32768), cmsgpack.pack(-32769), cmsgpack.pack(-2147483648), cmsgpack.pack(-2147483649), cmsgpack.pack(2^31), cmsgpack.pack(2^32-1)"#,
                r#"s:"\xff" | s:"\xe0" | s:"\xd0\xdf" | s:"\xd0\x80" | s:"\xd1\xff\x7f" | s:"\xd1\x80\x00" | s:"\xd2\xff\xff\x7f\xff" | s:"\xd2\x80\x00\x00\x00" | s:"\xd3\xff\xff\xff\xff\x7f\xff\xff\xff" | s:"\xce\x80\x00\x00\x00" | s:"\xce\xff\xff\xff\xff""#,
            ),
        ]);
    }

    #[test]
    fn pack_floats_strings_scalars() {
        check(&[
            (
                r#"cmsgpack.pack(1.5), cmsgpack.pack(0.1), cmsgpack.pack(-0.0), cmsgpack.pack(1/0), cmsgpack.pack(-1/0), cmsgpack.pack(0/0), cmsgpack.pack(1e300), cmsgpack.pack(3.4e38), cmsgpack.pack(1e-45), cmsgpack.pack(-2.5)"#,
                r#"s:"\xca?\xc0\x00\x00" | s:"\xcb?\xb9\x99\x99\x99\x99\x99\x9a" | s:"\x00" | s:"\xca\xff\x80\x00\x00" | s:"\xca\x7f\x80\x00\x00" | s:"\xcb\xff\xf8\x00\x00\x00\x00\x00\x00" | s:"\xcb~7\xe4<\x88\x00u\x9c" | s:"\xcbG\xef\xf93\xc7\x8c\xdf\xad" | s:"\xcb6\x96\xd6\x01\xad7j\xb9" | s:"\xca\xc0 \x00\x00""#,
            ),
            (
                r#"cmsgpack.pack(''), cmsgpack.pack(string.rep('a',31)), cmsgpack.pack(string.rep('a',32)), #cmsgpack.pack(string.rep('a',255)), cmsgpack.pack(string.rep('a',256)):sub(1,4), cmsgpack.pack(string.rep('a',65535)):sub(1,4), cmsgpack.pack(string.rep('a',65536)):sub(1,6)"#,
                r#"s:"\xa0" | s:"\xbfaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa" | s:"\xd9 aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa" | n:257 | s:"\xda\x01\x00a" | s:"\xda\xff\xffa" | s:"\xdb\x00\x01\x00\x00a""#,
            ),
            (
                r#"cmsgpack.pack(true), cmsgpack.pack(false), cmsgpack.pack(nil), cmsgpack.pack(cjson.null), cmsgpack.pack(function() end), cmsgpack.pack(coroutine.create(function() end))"#,
                r#"s:"\xc3" | s:"\xc2" | s:"\xc0" | s:"\xc0" | s:"\xc0" | s:"\xc0""#,
            ),
        ]);
    }

    #[test]
    fn pack_tables() {
        check(&[
            (
                r#"cmsgpack.pack({}), cmsgpack.pack({1,2,3}), cmsgpack.pack({a=1}), cmsgpack.pack({[1]=1,[3]=3}), cmsgpack.pack({[0]=1}), cmsgpack.pack({[1.5]=1}), cmsgpack.pack({1,2,nil,4}), cmsgpack.pack({[2^31]=1}), cmsgpack.pack({[1]=1, [2^31+1]=2}), cmsgpack.pack({[-1]=1})"#,
                r#"s:"\x90" | s:"\x93\x01\x02\x03" | s:"\x81\xa1a\x01" | s:"\x82\x01\x01\x03\x03" | s:"\x81\x00\x01" | s:"\x81\xca?\xc0\x00\x00\x01" | s:"\x83\x01\x01\x02\x02\x04\x04" | s:"\x81\xce\x80\x00\x00\x00\x01" | s:"\x82\x01\x01\xce\x80\x00\x00\x01\x02" | s:"\x81\xff\x01""#,
            ),
            (
                r#"cmsgpack.pack(1,2,'x'), cmsgpack.pack({1,{2,{3,{4}}}}), cmsgpack.pack({x={y={z='w'}}})"#,
                r#"s:"\x01\x02\xa1x" | s:"\x92\x01\x92\x02\x92\x03\x91\x04" | s:"\x81\xa1x\x81\xa1y\x81\xa1z\xa1w""#,
            ),
            (
                r#"(function() local t = {} for i=1,16 do t[i]=i end local m = {} for i=1,16 do m['k'..i]=i end return cmsgpack.pack(t):sub(1,3), #cmsgpack.pack(m), cmsgpack.pack(m):sub(1,3) end)()"#,
                r#"s:"\xdc\x00\x10" | n:74 | s:"\xde\x00\x10""#,
            ),
            (r#"(function() local t = {} for i=1,70000 do t[i]=1 end return cmsgpack.pack(t):sub(1,5) end)()"#, r#"s:"\xdd\x00\x01\x11p""#),
            (
                r#"(function() local t = {} t[1] = t return cmsgpack.pack(t) end)()"#,
                r#"s:"\x91\x91\x91\x91\x91\x91\x91\x91\x91\x91\x91\x91\x91\x91\x91\x91\xc0""#,
            ),
            (
                r#"(function() local t = {} t.a = t return cmsgpack.pack(t) end)()"#,
                r#"s:"\x81\xa1a\x81\xa1a\x81\xa1a\x81\xa1a\x81\xa1a\x81\xa1a\x81\xa1a\x81\xa1a\x81\xa1a\x81\xa1a\x81\xa1a\x81\xa1a\x81\xa1a\x81\xa1a\x81\xa1a\x81\xa1a\xc0""#,
            ),
            (
                r#"(function() local t = {} for i = 1, 20000 do t['key' .. i] = 'v' .. i end local p = cmsgpack.pack(t) local u = cmsgpack.unpack(p) local n = 0 for k, v in pairs(u) do n = n + 1 end return #p, n, u.key777 end)()"#,
                r#"n:297791 | n:20000 | s:"v777""#,
            ),
        ]);
    }

    #[test]
    fn pack_errors() {
        check(&[(r#"cmsgpack.pack()"#, r#"ERR:user_script:1: bad argument #0 to 'pack' (MessagePack pack needs input.)"#)]);
    }

    #[test]
    fn unpack_values() {
        check(&[
            (
                r#"cmsgpack.unpack(cmsgpack.pack(0,1,-1,127,128,-32,-33,255,256,65535,65536,-129,-32769,2^32,-2^31-1,2^53,1.5,0.1,-0.0,1/0,-1/0,'', 'abc', true, false))"#,
                r#"n:0 | n:1 | n:-1 | n:127 | n:128 | n:-32 | n:-33 | n:255 | n:256 | n:65535 | n:65536 | n:-129 | n:-32769 | n:4294967296 | n:-2147483649 | n:9007199254740992 | n:1.5 | n:0.10000000000000001 | n:0 | n:inf | n:-inf | s:"" | s:"abc" | true | false"#,
            ),
            (r#"cmsgpack.unpack(cmsgpack.pack({1,2,{a='b'},{}}))"#, r#"{n:1=n:1,n:2=n:2,n:3={s:"a"=s:"b"},n:4={}}"#),
            (
                r#"cmsgpack.unpack('\207\0\32\0\0\0\0\0\1'), cmsgpack.unpack('\207\255\255\255\255\255\255\255\255'), cmsgpack.unpack('\211\255\255\255\255\255\255\255\255'), cmsgpack.unpack('\211\128\0\0\0\0\0\0\0'), cmsgpack.unpack('\206\255\255\255\255'), cmsgpack.unpack('\210\255\255\255\255'), cmsgpack.unpack('\209\255\127'), cmsgpack.unpack('\208\128'), cmsgpack.unpack('\202\63\192\0\0'), cmsgpack.unpack('\203\63\185\153\153\153\153\153\154')"#,
                r#"n:9007199254740992 | n:-1 | n:-1 | n:-9.2233720368547758e+18 | n:4294967295 | n:-1 | n:-129 | n:-128 | n:1.5 | n:0.10000000000000001"#,
            ),
            (r#"cmsgpack.unpack('\1\2\3\4')"#, r#"n:1 | n:2 | n:3 | n:4"#),
            (r#"cmsgpack.unpack('\146\192\192'), cmsgpack.unpack('\146\192\1'), cmsgpack.unpack('\129\1\192')"#, r#"{} | {n:2=n:1} | {}"#),
            (
                r#"cmsgpack.unpack('\220\0\2\195\194'), cmsgpack.unpack('\222\0\1\161x\161y'), cmsgpack.unpack('\217\1a'), cmsgpack.unpack('\221\0\0\0\2\195\194'), cmsgpack.unpack('\223\0\0\0\1\161x\161y'), cmsgpack.unpack('\218\0\1a'), cmsgpack.unpack('\219\0\0\0\1a')"#,
                r#"{n:1=true,n:2=false} | {s:"x"=s:"y"} | s:"a" | {n:1=true,n:2=false} | {s:"x"=s:"y"} | s:"a" | s:"a""#,
            ),
        ]);
    }

    #[test]
    fn unpack_errors() {
        check(&[
            (r#"cmsgpack.unpack('\193')"#, r#"ERR:user_script:1: Bad data format in input."#),
            (r#"cmsgpack.unpack('\205\1')"#, r#"ERR:user_script:1: Missing bytes in input."#),
            (r#"cmsgpack.unpack('')"#, r#""#),
            (r#"cmsgpack.unpack('\130\192\192\161a\192')"#, r#"ERR:table index is nil"#),
            (r#"cmsgpack.unpack('\129\192\1')"#, r#"ERR:table index is nil"#),
            (r#"cmsgpack.unpack('\129\202\127\192\0\0\1')"#, r#"ERR:table index is NaN"#),
            (r#"cmsgpack.unpack('\147')"#, r#"ERR:user_script:1: Missing bytes in input."#),
            (r#"cmsgpack.unpack()"#, r#"ERR:user_script:1: bad argument #1 to 'unpack' (string expected, got no value)"#),
            (r#"cmsgpack.unpack(5)"#, r#"n:53"#),
            (r#"cmsgpack.unpack({})"#, r#"ERR:user_script:1: bad argument #1 to 'unpack' (string expected, got table)"#),
            (r#"cmsgpack.unpack('\196')"#, r#"ERR:user_script:1: Bad data format in input."#),
            (r#"cmsgpack.unpack('\217')"#, r#"ERR:user_script:1: Missing bytes in input."#),
            (r#"cmsgpack.unpack('\219\0\0\0\1')"#, r#"ERR:user_script:1: Missing bytes in input."#),
            (r#"cmsgpack.unpack('\221\255\255\255\255')"#, r#"ERR:user_script:1: Missing bytes in input."#),
        ]);
    }

    #[test]
    fn unpack_one_and_limit() {
        check(&[
            (r#"cmsgpack.unpack_one('\1\2\3')"#, r#"n:1 | n:1"#),
            (r#"cmsgpack.unpack_one('\1\2\3', 1)"#, r#"n:2 | n:2"#),
            (r#"cmsgpack.unpack_one('\1\2\3', 2)"#, r#"n:-1 | n:3"#),
            (r#"cmsgpack.unpack_one('\1\2\3', 3)"#, r#"n:-1"#),
            (r#"cmsgpack.unpack_one('\1\2\3', 4)"#, r#"ERR:user_script:1: Start offset 4 greater than input length 3."#),
            (r#"cmsgpack.unpack_one('\1\2\3', -1)"#, r#"ERR:user_script:1: Invalid request to unpack with offset of -1 and limit of 3."#),
            (r#"cmsgpack.unpack_limit('\1\2\3', 2)"#, r#"n:2 | n:1 | n:2"#),
            (r#"cmsgpack.unpack_limit('\1\2\3', 2, 2)"#, r#"n:-1 | n:3"#),
            (r#"cmsgpack.unpack_limit('\1\2\3', 0)"#, r#"n:1 | n:2 | n:3"#),
            (r#"cmsgpack.unpack_limit('\1\2\3', -1)"#, r#"ERR:user_script:1: Invalid request to unpack with offset of 0 and limit of 3."#),
            (r#"cmsgpack.unpack_limit('\1\2\3')"#, r#"ERR:user_script:1: bad argument #2 to 'unpack_limit' (number expected, got no value)"#),
            (r#"cmsgpack.unpack_limit('\1\2\3', 0, 1)"#, r#"n:1"#),
            (r#"cmsgpack.unpack_limit('\1\2\3', 5, 1)"#, r#"n:-1 | n:2 | n:3"#),
            (r#"cmsgpack.unpack_one('\1', 'x')"#, r#"ERR:user_script:1: bad argument #2 to 'unpack_one' (number expected, got string)"#),
            (r#"cmsgpack.unpack_one('\1\2', 1.7)"#, r#"n:-1 | n:2"#),
            (r#"cmsgpack.unpack_one('\1\2', 0/0)"#, r#"ERR:user_script:1: Invalid request to unpack with offset of 0 and limit of 2."#),
            (r#"cmsgpack.unpack_one()"#, r#"ERR:user_script:1: bad argument #1 to 'unpack_one' (string expected, got no value)"#),
        ]);
    }

    #[test]
    fn stack_limits() {
        check(&[
            (
                r#"(function() local ok, r = pcall(cmsgpack.unpack, string.rep('\1', 8000)) return ok, r end)()"#,
                r#"false | s:"stack overflow (too many return values at once; use unpack_one or unpack_limit instead.)""#,
            ),
            (r#"select('#', cmsgpack.unpack(string.rep('\1', 7997)))"#, r#"n:7997"#),
            (r#"select('#', cmsgpack.unpack(string.rep('\161a', 5000)))"#, r#"n:5000"#),
            (
                r#"(function() local ok, r = pcall(cmsgpack.unpack, string.rep('\145', 4000)..'\1') return ok, r end)()"#,
                r#"false | s:"stack overflow (in function mp_decode_to_lua_array)""#,
            ),
            (r#"(function() local ok, r = pcall(cmsgpack.unpack, string.rep('\145', 3999)..'\1') return ok, type(r) end)()"#, r#"true | s:"table""#),
            (
                r#"(function() local ok, r = pcall(cmsgpack.unpack, string.rep('\129\1', 4000)..'\1') return ok, r end)()"#,
                r#"false | s:"stack overflow (too many return values at once; use unpack_one or unpack_limit instead.)""#,
            ),
            (
                r#"(function() local ok, r = pcall(cmsgpack.unpack, string.rep('\129\1', 3999)..'\1') return ok, type(r) end)()"#,
                r#"true | s:"table""#,
            ),
        ]);
    }

    #[test]
    fn metadata() {
        check(&[(
            r#"cmsgpack._NAME, cmsgpack._VERSION, cmsgpack._COPYRIGHT, cmsgpack._DESCRIPTION"#,
            r#"s:"cmsgpack" | s:"lua-cmsgpack 0.4.0" | s:"Copyright (C) 2012, Salvatore Sanfilippo" | s:"MessagePack C implementation for Lua""#,
        )]);
    }

    /// A known difference: results are unpacked on the Lua side (see `support::Ret`), and Lua
    /// 5.1's `unpack` stops at 7997 values, while Redis can return up to 7999.
    #[test]
    fn result_count_ceiling() {
        check(&[
            ("select('#', cmsgpack.unpack(string.rep('\\1', 7997)))", "n:7997"),
            (
                "(function() local ok, r = pcall(cmsgpack.unpack, string.rep('\\1', 7998)) return ok, r end)()",
                r#"false | s:"[C]:6: too many results to unpack""#,
            ),
        ]);
    }
}
