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
//!
//! Both directions run on every `redis.call` and every script's return, so they work on Lua's
//! stack directly, from inside Lua (the C function `redis.call`, the protected call that runs a
//! script), as Redis's C code does: going through mlua's safe API costs a protected call per
//! value, several times what the conversion itself costs.
#![allow(unsafe_code)]

use std::ffi::{c_char, c_int, CStr};

use mlua::ffi::{self, lua_State};

use crate::resp::reply::Out;

/// Normalises an error text as Redis's `luaPushErrorBuff`: `-CODE msg` keeps its code, a bare
/// message gets `ERR`; trailing CR/LF is trimmed.
pub fn error_text(err: &str) -> String {
    let (code, msg) = split_error(err.as_bytes());
    format!("{} {}", String::from_utf8_lossy(code), String::from_utf8_lossy(msg))
}

/// `error_text`'s code and message, as slices of `err`.
fn split_error(err: &[u8]) -> (&[u8], &[u8]) {
    match err.strip_prefix(b"-") {
        Some(rest) => split_code(rest),
        None => trim_crlf(b"ERR", err),
    }
}

/// The code and message of an error line without its '-' (`WRONGTYPE Operation ...`).
fn split_code(rest: &[u8]) -> (&[u8], &[u8]) {
    match rest.iter().position(|&c| c == b' ') {
        Some(i) => trim_crlf(&rest[..i], &rest[i + 1..]),
        None => trim_crlf(b"ERR", rest),
    }
}

fn trim_crlf<'a>(code: &'a [u8], msg: &'a [u8]) -> (&'a [u8], &'a [u8]) {
    let start = msg.iter().position(|&c| c != b'\r' && c != b'\n').unwrap_or(msg.len());
    let end = msg.iter().rposition(|&c| c != b'\r' && c != b'\n').map(|i| i + 1).unwrap_or(start);
    (code, &msg[start..end.max(start)])
}

fn line<'a>(buf: &'a [u8], pos: &mut usize) -> &'a [u8] {
    let start = (*pos).min(buf.len());
    let end = buf[start..].windows(2).position(|w| w == b"\r\n").map(|i| start + i).unwrap_or(buf.len());
    *pos = (end + 2).min(buf.len());
    &buf[start..end]
}

fn int(b: &[u8]) -> i64 {
    crate::util::parse_i64(b).unwrap_or(0)
}

/// Pushes `{err=msg}` (with Redis's flag for an error already counted in the stats).
pub(super) unsafe fn push_error_table(l: *mut lua_State, msg: &[u8], counted: bool) {
    ffi::lua_createtable(l, 0, 2);
    push_bytes(l, msg);
    set_field(l, c"err");
    if counted {
        ffi::lua_pushboolean(l, 1);
        set_field(l, c"ignore_err_stats_update");
    }
}

/// Raises `{err=msg}` in the running script (the debugger's `abort`, its protocol errors).
///
/// # Safety
/// `l` is a running state, inside a hook or a C function, with no Rust value that needs dropping
/// left in the frames the error unwinds.
pub(super) unsafe fn raise_error(l: *mut lua_State, msg: &str) -> ! {
    {
        let text = error_text(msg);
        push_error_table(l, text.as_bytes(), false);
    }
    ffi::lua_error(l)
}

pub(super) unsafe fn push_bytes(l: *mut lua_State, b: &[u8]) {
    ffi::lua_pushlstring(l, b.as_ptr() as *const c_char, b.len());
}

/// `t[key] = <top of stack>` for the table just below the value.
pub(super) unsafe fn set_field(l: *mut lua_State, key: &CStr) {
    ffi::lua_pushstring(l, key.as_ptr());
    ffi::lua_insert(l, -2);
    ffi::lua_rawset(l, -3);
}

/// A one-field table `{key = <top of stack>}`, replacing the value on the stack.
unsafe fn wrap(l: *mut lua_State, key: &CStr) {
    ffi::lua_createtable(l, 0, 1);
    ffi::lua_insert(l, -2);
    set_field(l, key);
}

/// Pushes the reply at `buf[*pos..]` (one value, always). For callers already running inside
/// Lua (a C function); a memory error unwinds through them.
pub(super) unsafe fn push_reply(l: *mut lua_State, buf: &[u8], pos: &mut usize, depth: usize) {
    if *pos >= buf.len() || depth > 1000 || ffi::lua_checkstack(l, 4) == 0 {
        ffi::lua_pushnil(l);
        return;
    }
    let kind = buf[*pos];
    *pos += 1;
    let head = line(buf, pos);
    match kind {
        b':' => ffi::lua_pushnumber(l, int(head) as f64),
        b'$' | b'=' => {
            let n = int(head);
            if n < 0 {
                ffi::lua_pushboolean(l, 0);
                return;
            }
            let start = (*pos).min(buf.len());
            let data = &buf[start..(start + n as usize).min(buf.len())];
            *pos = (start + n as usize + 2).min(buf.len());
            if kind == b'=' {
                // "txt:..." → {verbatim_string={format="txt", string="..."}}
                let (format, text) = if data.len() >= 4 { (&data[..3], &data[4..]) } else { (&data[..0], data) };
                ffi::lua_createtable(l, 0, 2);
                push_bytes(l, format);
                set_field(l, c"format");
                push_bytes(l, text);
                set_field(l, c"string");
                wrap(l, c"verbatim_string");
            } else {
                push_bytes(l, data);
            }
        }
        b'+' => {
            push_bytes(l, head);
            wrap(l, c"ok");
        }
        b'-' => {
            // {err="CODE msg", ignore_err_stats_update=true}: the command counted it already.
            let (code, msg) = split_code(head);
            ffi::lua_createtable(l, 0, 2);
            push_bytes(l, code);
            push_bytes(l, b" ");
            push_bytes(l, msg);
            ffi::lua_concat(l, 3);
            set_field(l, c"err");
            ffi::lua_pushboolean(l, 1);
            set_field(l, c"ignore_err_stats_update");
        }
        b'*' | b'~' | b'%' | b'>' => {
            let n = int(head);
            if n < 0 {
                ffi::lua_pushboolean(l, 0);
                return;
            }
            let n = n.min(i32::MAX as i64) as c_int;
            match kind {
                b'%' => {
                    ffi::lua_createtable(l, 0, n);
                    for _ in 0..n {
                        push_reply(l, buf, pos, depth + 1);
                        push_reply(l, buf, pos, depth + 1);
                        if ffi::lua_type(l, -2) == ffi::LUA_TNIL {
                            ffi::lua_pop(l, 2);
                        } else {
                            ffi::lua_rawset(l, -3);
                        }
                    }
                    wrap(l, c"map");
                }
                b'~' => {
                    ffi::lua_createtable(l, 0, n);
                    for _ in 0..n {
                        push_reply(l, buf, pos, depth + 1);
                        if ffi::lua_type(l, -1) == ffi::LUA_TNIL {
                            ffi::lua_pop(l, 1);
                        } else {
                            ffi::lua_pushboolean(l, 1);
                            ffi::lua_rawset(l, -3);
                        }
                    }
                    wrap(l, c"set");
                }
                _ => {
                    ffi::lua_createtable(l, n, 0);
                    for i in 1..=n {
                        push_reply(l, buf, pos, depth + 1);
                        ffi::lua_rawseti(l, -2, i as ffi::lua_Integer);
                    }
                }
            }
        }
        b'_' => ffi::lua_pushnil(l),
        b'#' => ffi::lua_pushboolean(l, (head == b"t") as c_int),
        b',' => {
            ffi::lua_pushnumber(l, crate::util::parse_f64(head).unwrap_or(0.0));
            wrap(l, c"double");
        }
        b'(' => {
            push_bytes(l, head);
            wrap(l, c"big_number");
        }
        _ => ffi::lua_pushnil(l),
    }
}

/// C's `(long long)` of a double on x86-64: out of range (and NaN) gives `LLONG_MIN`.
pub fn c_trunc(d: f64) -> i64 {
    if d.is_finite() && d > -9.223_372_036_854_776e18 && d < 9.223_372_036_854_776e18 {
        d as i64
    } else {
        i64::MIN
    }
}

/// Writes the value at the top of the stack (what a script returned) as the reply to its
/// caller, for a caller already in protected mode. `script_resp` is the protocol the script
/// chose with `redis.setresp` (it decides how booleans are read).
pub(super) unsafe fn write_top(l: *mut lua_State, out: &mut Out, script_resp: u8) {
    let top = ffi::lua_gettop(l);
    write_value(l, top, out, script_resp, 0);
    ffi::lua_settop(l, top);
}

fn write_bool(b: bool, out: &mut Out, script_resp: u8) {
    if script_resp == 2 {
        if b {
            out.int(1);
        } else {
            out.null();
        }
    } else {
        out.boolean(b);
    }
}

unsafe fn bytes_at<'a>(l: *mut lua_State, idx: c_int) -> &'a [u8] {
    let mut len = 0usize;
    let p = ffi::lua_tolstring(l, idx, &mut len);
    if p.is_null() {
        return &[];
    }
    std::slice::from_raw_parts(p as *const u8, len)
}

/// Pushes `t[key]` (raw) for the table at absolute index `t`; its type.
unsafe fn get_field(l: *mut lua_State, t: c_int, key: &CStr) -> c_int {
    ffi::lua_pushstring(l, key.as_ptr());
    ffi::lua_rawget(l, t);
    ffi::lua_type(l, -1)
}

/// Writes the value at absolute index `idx`.
unsafe fn write_value(l: *mut lua_State, idx: c_int, out: &mut Out, script_resp: u8, depth: usize) {
    // Redis refuses to walk deeper than this (a self-referencing table would never end).
    if depth > 1000 || ffi::lua_checkstack(l, 6) == 0 {
        out.error("ERR reached lua stack limit");
        return;
    }
    match ffi::lua_type(l, idx) {
        ffi::LUA_TSTRING => out.bulk(bytes_at(l, idx)),
        ffi::LUA_TBOOLEAN => write_bool(ffi::lua_toboolean(l, idx) != 0, out, script_resp),
        ffi::LUA_TNUMBER => out.int(c_trunc(ffi::lua_tonumber(l, idx))),
        ffi::LUA_TTABLE => write_table(l, idx, out, script_resp, depth),
        _ => out.null(),
    }
}

unsafe fn write_table(l: *mut lua_State, t: c_int, out: &mut Out, script_resp: u8, depth: usize) {
    let top = ffi::lua_gettop(l);
    // The usual case, a plain array: no key after its last element, so none of the one-field
    // forms below (one `next` instead of seven lookups).
    let len = ffi::lua_objlen(l, t);
    ffi::lua_pushinteger(l, len as ffi::lua_Integer);
    let array_only = len > 0 && ffi::lua_next(l, t) == 0;
    ffi::lua_settop(l, top);
    if array_only {
        return write_array(l, t, out, script_resp, depth);
    }
    if get_field(l, t, c"err") == ffi::LUA_TSTRING {
        // "-%s" of the message: a message that already starts with '-' keeps both.
        let msg = bytes_at(l, -1);
        // A command's error passed on is already counted (an empty code: failed, not counted).
        let counted = get_field(l, t, c"ignore_err_stats_update") == ffi::LUA_TBOOLEAN && ffi::lua_toboolean(l, -1) != 0;
        out.errors.push(if counted { String::new() } else { crate::resp::reply::error_code(msg) });
        out.buf.push(b'-');
        out.buf.extend(msg.iter().map(|&c| if c == b'\r' || c == b'\n' { b' ' } else { c }));
        out.buf.extend_from_slice(b"\r\n");
        ffi::lua_settop(l, top);
        return;
    }
    ffi::lua_settop(l, top);
    if get_field(l, t, c"ok") == ffi::LUA_TSTRING {
        out.buf.push(b'+');
        out.buf.extend(bytes_at(l, -1).iter().map(|&c| if c == b'\r' || c == b'\n' { b' ' } else { c }));
        out.buf.extend_from_slice(b"\r\n");
        ffi::lua_settop(l, top);
        return;
    }
    ffi::lua_settop(l, top);
    if get_field(l, t, c"double") == ffi::LUA_TNUMBER {
        out.double(ffi::lua_tonumber(l, -1));
        ffi::lua_settop(l, top);
        return;
    }
    ffi::lua_settop(l, top);
    if get_field(l, t, c"big_number") == ffi::LUA_TSTRING {
        let digits: Vec<u8> = bytes_at(l, -1).iter().map(|&c| if c == b'\r' || c == b'\n' { b' ' } else { c }).collect();
        if out.is_resp3() {
            out.buf.push(b'(');
            out.buf.extend_from_slice(&digits);
            out.buf.extend_from_slice(b"\r\n");
        } else {
            out.bulk(&digits);
        }
        ffi::lua_settop(l, top);
        return;
    }
    ffi::lua_settop(l, top);
    if get_field(l, t, c"verbatim_string") == ffi::LUA_TTABLE {
        let vt = ffi::lua_gettop(l);
        if get_field(l, vt, c"format") == ffi::LUA_TSTRING && get_field(l, vt, c"string") == ffi::LUA_TSTRING {
            let (format, text) = (bytes_at(l, -2), bytes_at(l, -1));
            if out.is_resp3() {
                out.buf.push(b'=');
                out.buf.extend_from_slice((format.len() + 1 + text.len()).to_string().as_bytes());
                out.buf.extend_from_slice(b"\r\n");
                out.buf.extend_from_slice(format);
                out.buf.push(b':');
                out.buf.extend_from_slice(text);
                out.buf.extend_from_slice(b"\r\n");
            } else {
                out.bulk(text);
            }
            ffi::lua_settop(l, top);
            return;
        }
    }
    ffi::lua_settop(l, top);
    if get_field(l, t, c"map") == ffi::LUA_TTABLE {
        let m = ffi::lua_gettop(l);
        out.map(count_pairs(l, m));
        ffi::lua_pushnil(l);
        while ffi::lua_next(l, m) != 0 {
            write_value(l, ffi::lua_gettop(l) - 1, out, script_resp, depth + 1);
            write_value(l, ffi::lua_gettop(l), out, script_resp, depth + 1);
            ffi::lua_pop(l, 1);
        }
        ffi::lua_settop(l, top);
        return;
    }
    ffi::lua_settop(l, top);
    if get_field(l, t, c"set") == ffi::LUA_TTABLE {
        let s = ffi::lua_gettop(l);
        out.set(count_pairs(l, s));
        ffi::lua_pushnil(l);
        while ffi::lua_next(l, s) != 0 {
            write_value(l, ffi::lua_gettop(l) - 1, out, script_resp, depth + 1);
            ffi::lua_pop(l, 1);
        }
        ffi::lua_settop(l, top);
        return;
    }
    ffi::lua_settop(l, top);
    write_array(l, t, out, script_resp, depth);
}

/// An array: elements 1, 2, ... up to the first nil.
unsafe fn write_array(l: *mut lua_State, t: c_int, out: &mut Out, script_resp: u8, depth: usize) {
    let top = ffi::lua_gettop(l);
    let mut n = 0;
    while ffi::lua_rawgeti(l, t, n as ffi::lua_Integer + 1) != ffi::LUA_TNIL {
        ffi::lua_pop(l, 1);
        n += 1;
    }
    ffi::lua_settop(l, top);
    out.array(n);
    for i in 1..=n {
        ffi::lua_rawgeti(l, t, i as ffi::lua_Integer);
        write_value(l, ffi::lua_gettop(l), out, script_resp, depth + 1);
        ffi::lua_settop(l, top);
    }
}

unsafe fn count_pairs(l: *mut lua_State, t: c_int) -> usize {
    let mut n = 0;
    ffi::lua_pushnil(l);
    while ffi::lua_next(l, t) != 0 {
        ffi::lua_pop(l, 1);
        n += 1;
    }
    n
}
