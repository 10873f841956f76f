//! Converting between replies and Lua values, by Redis 7.0's tables (`redisProtocolToLuaType`
//! and `luaReplyToRedisReply`).
//!
//! RESP → Lua: integer → number, bulk → string, null (RESP2) → false, null (RESP3) → nil,
//! array → table, status → `{ok=...}`, error → `{err=...}`, and in RESP3 map → `{map={...}}`,
//! set → `{set={k=true}}`, double → `{double=n}`, boolean → boolean, big number →
//! `{big_number="..."}`, verbatim → `{verbatim_string={format=..., string=...}}`.
//!
//! Lua → reply: the reverse, where a number is truncated to an integer, `true` is 1 (or a RESP3
//! boolean when the script chose RESP3), `false` and nil are null, and a table is read as an
//! error, status, double, map, set, big number or verbatim string by its one field, else as an
//! array up to its first nil.

use mlua::{Lua, Table, Value};

use crate::resp::reply::Out;

/// Normalises an error text as Redis's `luaPushErrorBuff`: `-CODE msg` keeps its code, a bare
/// message gets `ERR`; trailing CR/LF is trimmed.
pub fn error_text(err: &str) -> String {
    let (code, msg) = match err.strip_prefix('-') {
        Some(rest) => match rest.split_once(' ') {
            Some((code, msg)) => (code, msg),
            None => ("ERR", rest),
        },
        None => ("ERR", err),
    };
    format!("{code} {}", msg.trim_matches(|c| c == '\r' || c == '\n'))
}

/// Parses one reply (what a command wrote for the script) into a Lua value.
pub fn reply_to_lua(lua: &Lua, reply: &[u8]) -> mlua::Result<Value> {
    let mut pos = 0;
    parse(lua, reply, &mut pos)
}

fn line<'a>(buf: &'a [u8], pos: &mut usize) -> &'a [u8] {
    let start = *pos;
    let end = buf[start..].windows(2).position(|w| w == b"\r\n").map(|i| start + i).unwrap_or(buf.len());
    *pos = (end + 2).min(buf.len());
    &buf[start..end]
}

fn int(b: &[u8]) -> i64 {
    crate::util::parse_i64(b).unwrap_or(0)
}

fn parse(lua: &Lua, buf: &[u8], pos: &mut usize) -> mlua::Result<Value> {
    if *pos >= buf.len() {
        return Ok(Value::Nil);
    }
    let kind = buf[*pos];
    *pos += 1;
    let head = line(buf, pos);
    Ok(match kind {
        b':' => Value::Number(int(head) as f64),
        b'$' | b'=' => {
            let n = int(head);
            if n < 0 {
                return Ok(Value::Boolean(false));
            }
            let n = n as usize;
            let data = &buf[*pos..(*pos + n).min(buf.len())];
            *pos = (*pos + n + 2).min(buf.len());
            if kind == b'=' {
                // "txt:..." → {verbatim_string={format="txt", string="..."}}
                let (format, text) = if data.len() >= 4 { (&data[..3], &data[4..]) } else { (&data[..0], data) };
                let inner = lua.create_table()?;
                inner.raw_set("format", lua.create_string(format)?)?;
                inner.raw_set("string", lua.create_string(text)?)?;
                return field(lua, "verbatim_string", Value::Table(inner));
            }
            Value::String(lua.create_string(data)?)
        }
        b'+' => return field(lua, "ok", Value::String(lua.create_string(head)?)),
        b'-' => {
            let mut text = b"-".to_vec();
            text.extend_from_slice(head);
            let msg = error_text(&String::from_utf8_lossy(&text));
            let t = lua.create_table()?;
            t.raw_set("err", msg)?;
            // Counted in the error stats when the command replied it (Redis's flag).
            t.raw_set("ignore_err_stats_update", true)?;
            return Ok(Value::Table(t));
        }
        b'*' | b'~' | b'%' | b'>' => {
            let n = int(head);
            if n < 0 {
                return Ok(Value::Boolean(false));
            }
            let t = lua.create_table()?;
            match kind {
                b'%' => {
                    for _ in 0..n {
                        let k = parse(lua, buf, pos)?;
                        let v = parse(lua, buf, pos)?;
                        if !k.is_nil() {
                            t.raw_set(k, v)?;
                        }
                    }
                    return field(lua, "map", Value::Table(t));
                }
                b'~' => {
                    for _ in 0..n {
                        let k = parse(lua, buf, pos)?;
                        if !k.is_nil() {
                            t.raw_set(k, true)?;
                        }
                    }
                    return field(lua, "set", Value::Table(t));
                }
                _ => {
                    for i in 1..=n {
                        let v = parse(lua, buf, pos)?;
                        t.raw_set(i, v)?;
                    }
                }
            }
            Value::Table(t)
        }
        b'_' => Value::Nil,
        b'#' => Value::Boolean(head == b"t"),
        b',' => {
            let d = crate::util::parse_f64(head).unwrap_or(0.0);
            return field(lua, "double", Value::Number(d));
        }
        b'(' => return field(lua, "big_number", Value::String(lua.create_string(head)?)),
        _ => Value::Nil,
    })
}

fn field(lua: &Lua, name: &str, v: Value) -> mlua::Result<Value> {
    let t = lua.create_table()?;
    t.raw_set(name, v)?;
    Ok(Value::Table(t))
}

/// C's `(long long)` of a double on x86-64: out of range (and NaN) gives `LLONG_MIN`.
pub fn c_trunc(d: f64) -> i64 {
    if d.is_finite() && d > -9.223_372_036_854_776e18 && d < 9.223_372_036_854_776e18 {
        d as i64
    } else {
        i64::MIN
    }
}

/// Writes what a script returned as the reply to its caller. `script_resp` is the protocol the
/// script chose with `redis.setresp` (it decides how booleans are read).
pub fn lua_to_reply(v: &Value, out: &mut Out, script_resp: u8) {
    lua_to_reply_depth(v, out, script_resp, 0)
}

fn lua_to_reply_depth(v: &Value, out: &mut Out, script_resp: u8, depth: usize) {
    // Redis refuses to walk deeper than this (a self-referencing table would never end).
    if depth > 1000 {
        out.error("ERR reached lua stack limit");
        return;
    }
    match v {
        Value::String(s) => out.bulk(&s.as_bytes()),
        Value::Boolean(b) => {
            if script_resp == 2 {
                if *b {
                    out.int(1);
                } else {
                    out.null();
                }
            } else {
                out.boolean(*b);
            }
        }
        Value::Integer(n) => out.int(*n),
        Value::Number(n) => out.int(c_trunc(*n)),
        Value::Table(t) => table_to_reply(t, out, script_resp, depth),
        _ => out.null(),
    }
}

fn table_to_reply(t: &Table, out: &mut Out, script_resp: u8, depth: usize) {
    if let Ok(Value::String(e)) = t.raw_get::<Value>("err") {
        // "-%s" of the message: a message that already starts with '-' keeps both.
        let msg = e.as_bytes();
        let code_end = msg.iter().position(|&c| c == b' ').unwrap_or(msg.len());
        // A command's error passed on is already counted (an empty code: failed, not counted).
        let counted = matches!(t.raw_get::<Value>("ignore_err_stats_update"), Ok(Value::Boolean(true)));
        out.errors.push(if counted { String::new() } else { String::from_utf8_lossy(&msg[..code_end]).into_owned() });
        out.buf.push(b'-');
        out.buf.extend(msg.iter().map(|&c| if c == b'\r' || c == b'\n' { b' ' } else { c }));
        out.buf.extend_from_slice(b"\r\n");
        return;
    }
    if let Ok(Value::String(s)) = t.raw_get::<Value>("ok") {
        out.buf.push(b'+');
        out.buf.extend(s.as_bytes().iter().map(|&c| if c == b'\r' || c == b'\n' { b' ' } else { c }));
        out.buf.extend_from_slice(b"\r\n");
        return;
    }
    if let Ok(d) = t.raw_get::<Value>("double") {
        if let Some(d) = number(&d) {
            out.double(d);
            return;
        }
    }
    if let Ok(Value::String(s)) = t.raw_get::<Value>("big_number") {
        let digits: Vec<u8> = s.as_bytes().iter().map(|&c| if c == b'\r' || c == b'\n' { b' ' } else { c }).collect();
        if out.is_resp3() {
            out.buf.push(b'(');
            out.buf.extend_from_slice(&digits);
            out.buf.extend_from_slice(b"\r\n");
        } else {
            out.bulk(&digits);
        }
        return;
    }
    if let Ok(Value::Table(vt)) = t.raw_get::<Value>("verbatim_string") {
        let format = vt.raw_get::<Value>("format");
        let text = vt.raw_get::<Value>("string");
        if let (Ok(Value::String(f)), Ok(Value::String(s))) = (format, text) {
            let f = f.as_bytes();
            let s = s.as_bytes();
            if out.is_resp3() {
                let mut body = f.to_vec();
                body.push(b':');
                body.extend_from_slice(&s);
                out.buf.push(b'=');
                out.buf.extend_from_slice(body.len().to_string().as_bytes());
                out.buf.extend_from_slice(b"\r\n");
                out.buf.extend_from_slice(&body);
                out.buf.extend_from_slice(b"\r\n");
            } else {
                out.bulk(&s);
            }
            return;
        }
    }
    if let Ok(Value::Table(m)) = t.raw_get::<Value>("map") {
        let pairs: Vec<(Value, Value)> = m.pairs::<Value, Value>().filter_map(Result::ok).collect();
        out.map(pairs.len());
        for (k, v) in &pairs {
            lua_to_reply_depth(k, out, script_resp, depth + 1);
            lua_to_reply_depth(v, out, script_resp, depth + 1);
        }
        return;
    }
    if let Ok(Value::Table(s)) = t.raw_get::<Value>("set") {
        let keys: Vec<Value> = s.pairs::<Value, Value>().filter_map(Result::ok).map(|(k, _)| k).collect();
        out.set(keys.len());
        for k in &keys {
            lua_to_reply_depth(k, out, script_resp, depth + 1);
        }
        return;
    }
    // An array: elements 1, 2, ... up to the first nil.
    let mut items = Vec::new();
    for i in 1.. {
        match t.raw_get::<Value>(i) {
            Ok(Value::Nil) | Err(_) => break,
            Ok(v) => items.push(v),
        }
    }
    out.array(items.len());
    for v in &items {
        lua_to_reply_depth(v, out, script_resp, depth + 1);
    }
}

fn number(v: &Value) -> Option<f64> {
    match v {
        Value::Number(n) => Some(*n),
        Value::Integer(n) => Some(*n as f64),
        _ => None,
    }
}
