//! `cjson`: lua-cjson 2.1.0 as vendored in Redis 7.0 (deps/lua/src/lua_cjson.c).
//!
//! Behaviour kept from the C library because scripts observe it:
//! - numbers print with C's "%.14g" (precision configurable 1..14), so `2^53` encodes as
//!   `9.007199254741e+15` and `-0.0` as `-0`;
//! - "/" is escaped as "\/", control bytes and DEL as `\u00XX`, other bytes pass through
//!   untouched (no UTF-8 validation);
//! - a table is an array when every key is a positive integer; an empty table is `{}`; arrays
//!   whose highest index is more than twice their element count (and above 10) are "excessively
//!   sparse" and refused unless `encode_sparse_array(true)` converts them to objects;
//! - decoding accepts what C's `strtod` accepts when `decode_invalid_numbers` is on (hex, inf,
//!   nan, leading '+' or zeros), stops at a NUL byte, and reports errors as "Expected X but found
//!   Y at character N";
//! - nesting limits (`encode_max_depth`/`decode_max_depth`, 1000 by default) and, beyond them, the
//!   Lua C-stack limit the C code runs into, with the same depth numbers in the messages.
//!
//! Encoding and decoding use explicit stacks instead of recursion, so even the deepest nesting
//! the limits allow cannot exhaust the native stack.

use std::sync::{Arc, Mutex};

use mlua::{LightUserData, Lua, RegistryKey, Table, Value};

use super::support::{c_double_to_i32, fmt_g, number_of, register, strtod, type_name, Call, CallResult, Fail, Slot, MAX_C_STACK};

/// Per-module settings (the C library keeps them in a userdata upvalue shared by the module's
/// functions; `cjson.new()` makes an independent set).
#[derive(Clone, Copy)]
struct Config {
    sparse_convert: i32,
    sparse_ratio: i32,
    sparse_safe: i32,
    encode_max_depth: i32,
    decode_max_depth: i32,
    /// 0: refuse NaN/Inf, 1: print them as nan/inf, 2: print them as null.
    encode_invalid_numbers: i32,
    encode_number_precision: i32,
    /// Only a memory-reuse switch in C; kept so the setter reports it back.
    encode_keep_buffer: i32,
    decode_invalid_numbers: i32,
}

impl Default for Config {
    fn default() -> Self {
        Config {
            sparse_convert: 0,
            sparse_ratio: 2,
            sparse_safe: 10,
            encode_max_depth: 1000,
            decode_max_depth: 1000,
            encode_invalid_numbers: 0,
            encode_number_precision: 14,
            encode_keep_buffer: 1,
            decode_invalid_numbers: 1,
        }
    }
}

type Shared = Arc<Mutex<Config>>;

fn snapshot(cfg: &Shared) -> Config {
    *cfg.lock().unwrap_or_else(|e| e.into_inner())
}

fn update(cfg: &Shared, f: impl FnOnce(&mut Config)) {
    f(&mut cfg.lock().unwrap_or_else(|e| e.into_inner()))
}

/// Creates the `cjson` table and installs it as a global, as Redis does.
pub fn load(lua: &Lua) -> mlua::Result<()> {
    let module = new_module(lua)?;
    lua.globals().raw_set("cjson", module)
}

fn new_module(lua: &Lua) -> mlua::Result<Table> {
    let t = lua.create_table()?;
    let cfg: Shared = Arc::default();
    let c = cfg.clone();
    register(lua, &t, "encode", move |call| encode(call, &snapshot(&c)))?;
    let c = cfg.clone();
    register(lua, &t, "decode", move |call| decode(call, &snapshot(&c)))?;
    let c = cfg.clone();
    register(lua, &t, "encode_sparse_array", move |call| {
        arg_init(call, 3)?;
        let convert = enum_option(call, 1, &c, |k| &mut k.sparse_convert, BOOL_OPTIONS)?;
        let ratio = integer_option(call, 2, &c, |k| &mut k.sparse_ratio, 0, i32::MAX)?;
        let safe = integer_option(call, 3, &c, |k| &mut k.sparse_safe, 0, i32::MAX)?;
        Ok(vec![convert, ratio, safe])
    })?;
    let c = cfg.clone();
    register(lua, &t, "encode_max_depth", move |call| {
        arg_init(call, 1)?;
        Ok(vec![integer_option(call, 1, &c, |k| &mut k.encode_max_depth, 1, i32::MAX)?])
    })?;
    let c = cfg.clone();
    register(lua, &t, "decode_max_depth", move |call| {
        arg_init(call, 1)?;
        Ok(vec![integer_option(call, 1, &c, |k| &mut k.decode_max_depth, 1, i32::MAX)?])
    })?;
    let c = cfg.clone();
    register(lua, &t, "encode_number_precision", move |call| {
        arg_init(call, 1)?;
        Ok(vec![integer_option(call, 1, &c, |k| &mut k.encode_number_precision, 1, 14)?])
    })?;
    let c = cfg.clone();
    register(lua, &t, "encode_keep_buffer", move |call| {
        arg_init(call, 1)?;
        Ok(vec![enum_option(call, 1, &c, |k| &mut k.encode_keep_buffer, BOOL_OPTIONS)?])
    })?;
    let c = cfg.clone();
    register(lua, &t, "encode_invalid_numbers", move |call| {
        arg_init(call, 1)?;
        Ok(vec![enum_option(call, 1, &c, |k| &mut k.encode_invalid_numbers, &["off", "on", "null"])?])
    })?;
    let c = cfg;
    register(lua, &t, "decode_invalid_numbers", move |call| {
        arg_init(call, 1)?;
        Ok(vec![enum_option(call, 1, &c, |k| &mut k.decode_invalid_numbers, BOOL_OPTIONS)?])
    })?;
    register(lua, &t, "new", |call| Ok(vec![Value::Table(new_module(call.lua)?)]))?;
    t.raw_set("null", Value::LightUserData(LightUserData(std::ptr::null_mut())))?;
    t.raw_set("_NAME", "cjson")?;
    t.raw_set("_VERSION", "2.1.0")?;
    Ok(t)
}

// ===== Configuration =====

const BOOL_OPTIONS: &[&str] = &["off", "on"];

/// `json_arg_init`: at most `max` arguments.
fn arg_init(call: &Call, max: usize) -> Result<(), Fail> {
    if call.nargs() > max {
        return Err(call.arg_error(max as i64 + 1, "found too many arguments"));
    }
    Ok(())
}

fn is_nil(call: &Call, n: usize) -> bool {
    matches!(call.arg(n), None | Some(Value::Nil))
}

/// `json_integer_option`: sets the field when the argument is given (checked against the
/// range, reported as argument #1 like the C code does), then returns the current value.
fn integer_option(call: &Call, n: usize, cfg: &Shared, field: fn(&mut Config) -> &mut i32, min: i32, max: i32) -> Result<Value, Fail> {
    if !is_nil(call, n) {
        // luaL_checkinteger's value lands in a C int.
        let value = call.check_integer(n)? as i32;
        if !(min <= value && value <= max) {
            return Err(call.arg_error(1, format!("expected integer between {min} and {max}")));
        }
        update(cfg, |k| *field(k) = value);
    }
    let current = *field(&mut snapshot(cfg));
    Ok(Value::Integer(current as i64))
}

/// `json_enum_option` with `bool_true` = 1: booleans map to off/on, strings must name an option;
/// the result is a boolean for off/on and the option's name otherwise.
fn enum_option(call: &Call, n: usize, cfg: &Shared, field: fn(&mut Config) -> &mut i32, options: &[&str]) -> Result<Value, Fail> {
    if !is_nil(call, n) {
        let value = match call.arg(n) {
            Some(Value::Boolean(b)) => *b as i32,
            _ => call.check_option(n, options)? as i32,
        };
        update(cfg, |k| *field(k) = value);
    }
    let current = *field(&mut snapshot(cfg));
    if current == 0 || current == 1 {
        Ok(Value::Boolean(current == 1))
    } else {
        call.string(options[current as usize])
    }
}

// ===== Encoding =====

/// A value ready to be written: JSON text for scalars, a parked table still to be walked, or
/// the error the C encoder would raise on reaching it (errors are raised in encounter order).
enum Item {
    Text(Vec<u8>),
    Table(RegistryKey),
    Fail(String),
}

/// An open table on the encoder's explicit stack. `slots` is how many Lua stack slots the C
/// encoder would be using while it serialises this table's children.
enum Frame {
    /// Elements are fetched one at a time (a sparse array can be far longer than its table).
    Array { slot: Slot, len: i64, next: i64, slots: usize },
    /// Entries are gathered up front as owned data: pending key texts (or key errors) and items.
    Object { entries: std::vec::IntoIter<(Result<Vec<u8>, String>, Item)>, first: bool, slots: usize },
}

struct Encoder<'c, 'a> {
    call: &'c Call<'a>,
    cfg: Config,
    out: Vec<u8>,
    stack: Vec<Frame>,
}

fn encode(call: &Call, cfg: &Config) -> CallResult {
    if call.nargs() != 1 {
        return Err(call.arg_error(1, "expected 1 argument"));
    }
    let mut enc = Encoder { call, cfg: *cfg, out: Vec::new(), stack: Vec::new() };
    enc.run(&call.args[0])?;
    Ok(vec![call.string(&enc.out)?])
}

impl Encoder<'_, '_> {
    fn run(&mut self, root: &Value) -> Result<(), Fail> {
        let lua = self.call.lua;
        // The argument itself occupies one slot of the C function's frame.
        let root = self.item(root)?;
        self.write(root, 1)?;
        while let Some(frame) = self.stack.last_mut() {
            let (item, slots) = match frame {
                Frame::Array { slot, len, next, slots } => {
                    if *next > *len {
                        self.out.push(b']');
                        self.stack.pop();
                        continue;
                    }
                    if *next > 1 {
                        self.out.push(b',');
                    }
                    let v: Value = slot.table(lua)?.raw_get(*next)?;
                    *next += 1;
                    // lua_rawgeti pushes the element. (`table` revives the handle parked while a
                    // nested table was being written.)
                    let slots = *slots + 1;
                    (self.item(&v)?, slots)
                }
                Frame::Object { entries, first, slots } => {
                    let Some((key, item)) = entries.next() else {
                        self.out.push(b'}');
                        self.stack.pop();
                        continue;
                    };
                    if !*first {
                        self.out.push(b',');
                    }
                    *first = false;
                    // lua_next keeps key and value on the stack.
                    let slots = *slots + 2;
                    match key {
                        Ok(text) => self.out.extend_from_slice(&text),
                        Err(msg) => return Err(self.call.error(msg)),
                    }
                    (item, slots)
                }
            };
            self.write(item, slots)?;
        }
        Ok(())
    }

    /// Writes an item; a table opens a frame that `run` then walks.
    fn write(&mut self, item: Item, slots: usize) -> Result<(), Fail> {
        let lua = self.call.lua;
        match item {
            Item::Text(t) => self.out.extend_from_slice(&t),
            Item::Fail(msg) => return Err(self.call.error(msg)),
            Item::Table(key) => {
                let depth = self.stack.len() + 1;
                // json_check_encode_depth: the configured limit, or lua_checkstack(3) failing.
                if depth > self.cfg.encode_max_depth.max(0) as usize || slots + 3 > MAX_C_STACK {
                    return Err(self.call.error(format!("Cannot serialise, excessive nesting ({depth})")));
                }
                let table: Table = lua.registry_value(&key)?;
                lua.remove_registry_value(key)?;
                if let Some(Frame::Array { slot, .. }) = self.stack.last_mut() {
                    slot.park(lua)?;
                }
                let len = self.array_length(&table)?;
                if len > 0 {
                    self.out.push(b'[');
                    self.stack.push(Frame::Array { slot: Slot::new(table), len: len as i64, next: 1, slots });
                } else {
                    let entries = self.entries(&table)?;
                    self.out.push(b'{');
                    self.stack.push(Frame::Object { entries: entries.into_iter(), first: true, slots });
                }
            }
        }
        Ok(())
    }

    /// Converts a Lua value into an item (scalars are rendered right away).
    fn item(&self, v: &Value) -> Result<Item, Fail> {
        let mut text = Vec::new();
        match v {
            Value::String(s) => escape_into(&mut text, &s.as_bytes()),
            Value::Integer(_) | Value::Number(_) => {
                if let Err(msg) = self.number(&mut text, number_of(v).unwrap_or(0.0)) {
                    return Ok(Item::Fail(msg));
                }
            }
            Value::Boolean(true) => text.extend_from_slice(b"true"),
            Value::Boolean(false) => text.extend_from_slice(b"false"),
            Value::Nil => text.extend_from_slice(b"null"),
            Value::LightUserData(p) if p.0.is_null() => text.extend_from_slice(b"null"),
            Value::Table(t) => return Ok(Item::Table(self.call.lua.create_registry_value(t.clone())?)),
            other => return Ok(Item::Fail(format!("Cannot serialise {}: type not supported", type_name(Some(other))))),
        }
        Ok(Item::Text(text))
    }

    /// An object's entries in `next()` order, as owned key texts and items.
    fn entries(&self, table: &Table) -> Result<Vec<(Result<Vec<u8>, String>, Item)>, Fail> {
        let mut entries = Vec::new();
        for pair in table.pairs::<Value, Value>() {
            let (k, v) = pair?;
            let key = match &k {
                Value::String(s) => {
                    let mut text = Vec::new();
                    escape_into(&mut text, &s.as_bytes());
                    text.push(b':');
                    Ok(text)
                }
                other => match number_of(other) {
                    Some(n) => {
                        let mut text = vec![b'"'];
                        self.number(&mut text, n).map(|()| {
                            text.extend_from_slice(b"\":");
                            text
                        })
                    }
                    None => Err(format!("Cannot serialise {}: table key must be a number or string", type_name(Some(other)))),
                },
            };
            entries.push((key, self.item(&v)?));
        }
        Ok(entries)
    }

    /// `lua_array_length`: the highest index when every key is a positive integer (<= 0 means
    /// "encode as an object"). The index lands in a C int, so indexes of 2^31 and beyond become
    /// INT_MIN and turn the table into an object, as in Redis.
    fn array_length(&self, table: &Table) -> Result<i32, Fail> {
        let mut max: i32 = 0;
        let mut items: i32 = 0;
        for pair in table.pairs::<Value, Value>() {
            let (k, _) = pair?;
            match number_of(&k) {
                Some(k) if k != 0.0 && k.floor() == k && k >= 1.0 => {
                    if k > max as f64 {
                        max = c_double_to_i32(k);
                    }
                    items = items.wrapping_add(1);
                }
                _ => return Ok(-1),
            }
        }
        let cfg = &self.cfg;
        if cfg.sparse_ratio > 0 && max > items.wrapping_mul(cfg.sparse_ratio) && max > cfg.sparse_safe {
            if cfg.sparse_convert == 0 {
                return Err(self.call.error("Cannot serialise table: excessively sparse array"));
            }
            return Ok(-1);
        }
        Ok(max)
    }

    /// Renders a number, or the error message the C encoder raises for it.
    fn number(&self, out: &mut Vec<u8>, n: f64) -> Result<(), String> {
        match self.cfg.encode_invalid_numbers {
            0 if !n.is_finite() => return Err("Cannot serialise number: must not be NaN or Inf".to_string()),
            // Printed as "nan" whatever its sign (printf could say "-nan").
            1 if n.is_nan() => {
                out.extend_from_slice(b"nan");
                return Ok(());
            }
            2 if !n.is_finite() => {
                out.extend_from_slice(b"null");
                return Ok(());
            }
            _ => {}
        }
        out.extend_from_slice(fmt_g(n, self.cfg.encode_number_precision.clamp(1, 14) as usize).as_bytes());
        Ok(())
    }
}

/// Appends `s` as a JSON string with lua-cjson's escapes.
fn escape_into(out: &mut Vec<u8>, s: &[u8]) {
    const HEX: &[u8; 16] = b"0123456789abcdef";
    out.reserve(s.len() + 2);
    out.push(b'"');
    for &b in s {
        match b {
            b'"' => out.extend_from_slice(b"\\\""),
            b'\\' => out.extend_from_slice(b"\\\\"),
            b'/' => out.extend_from_slice(b"\\/"),
            0x08 => out.extend_from_slice(b"\\b"),
            b'\t' => out.extend_from_slice(b"\\t"),
            b'\n' => out.extend_from_slice(b"\\n"),
            0x0c => out.extend_from_slice(b"\\f"),
            b'\r' => out.extend_from_slice(b"\\r"),
            0..=0x1f | 0x7f => out.extend_from_slice(&[b'\\', b'u', b'0', b'0', HEX[(b >> 4) as usize], HEX[(b & 15) as usize]]),
            _ => out.push(b),
        }
    }
    out.push(b'"');
}

// ===== Decoding =====

enum Tok {
    ObjBegin,
    ObjEnd,
    ArrBegin,
    ArrEnd,
    Str(Vec<u8>),
    Num(f64),
    Bool(bool),
    Null,
    Colon,
    Comma,
    End,
    Error(&'static str),
}

struct Token {
    tok: Tok,
    /// 0-based offset of the token (of the fault, for errors).
    index: usize,
}

impl Tok {
    /// The C token type names used in parse errors.
    fn name(&self) -> &'static str {
        match self {
            Tok::ObjBegin => "T_OBJ_BEGIN",
            Tok::ObjEnd => "T_OBJ_END",
            Tok::ArrBegin => "T_ARR_BEGIN",
            Tok::ArrEnd => "T_ARR_END",
            Tok::Str(_) => "T_STRING",
            Tok::Num(_) => "T_NUMBER",
            Tok::Bool(_) => "T_BOOLEAN",
            Tok::Null => "T_NULL",
            Tok::Colon => "T_COLON",
            Tok::Comma => "T_COMMA",
            Tok::End => "T_END",
            Tok::Error(msg) => msg,
        }
    }
}

/// An open container on the parser's explicit stack.
enum Open {
    Array { slot: Slot, next: i64 },
    Object { slot: Slot, key: Vec<u8> },
}

impl Open {
    fn slot(&mut self) -> &mut Slot {
        match self {
            Open::Array { slot, .. } | Open::Object { slot, .. } => slot,
        }
    }
}

struct Parser<'c, 'a> {
    call: &'c Call<'a>,
    cfg: Config,
    data: Vec<u8>,
    pos: usize,
}

fn decode(call: &Call, cfg: &Config) -> CallResult {
    if call.nargs() != 1 {
        return Err(call.arg_error(1, "expected 1 argument"));
    }
    let data = call.check_bytes(1)?;
    // Only the first two bytes are checked, exactly like the C library.
    if data.len() >= 2 && (data[0] == 0 || data[1] == 0) {
        return Err(call.error("JSON parser does not support UTF-16 or UTF-32"));
    }
    let mut p = Parser { call, cfg: *cfg, data, pos: 0 };
    let value = p.parse_value()?;
    let end = p.next_token();
    if !matches!(end.tok, Tok::End) {
        return Err(p.parse_error("the end", &end));
    }
    Ok(vec![value])
}

impl Parser<'_, '_> {
    /// The byte at `i`; past the end reads as the NUL terminator C would find.
    fn peek(&self, i: usize) -> u8 {
        self.data.get(i).copied().unwrap_or(0)
    }

    fn parse_error(&self, expected: &str, t: &Token) -> Fail {
        self.call.error(format!("Expected {expected} but found {} at character {}", t.tok.name(), t.index + 1))
    }

    /// `json_decode_descend`: the configured depth, or lua_checkstack(`slots_needed`) failing.
    fn descend(&self, depth: usize, slots_needed: usize) -> Result<(), Fail> {
        if depth > self.cfg.decode_max_depth.max(0) as usize || slots_needed > MAX_C_STACK {
            return Err(self.call.error(format!("Found too many nested data structures ({depth}) at character {}", self.pos)));
        }
        Ok(())
    }

    /// Parses one complete value (containers included) iteratively.
    fn parse_value(&mut self) -> Result<Value, Fail> {
        let lua = self.call.lua;
        let mut stack: Vec<Open> = Vec::new();
        // Slots the C parser would be using: the argument plus one per open array (its table)
        // and two per open object (its table and the pending key).
        let mut slots = 1usize;
        let mut tok = self.next_token();
        'value: loop {
            let mut value = match tok.tok {
                Tok::ArrBegin => {
                    self.descend(stack.len() + 1, slots + 2)?;
                    let table = lua.create_table()?;
                    let first = self.next_token();
                    if matches!(first.tok, Tok::ArrEnd) {
                        Value::Table(table)
                    } else {
                        if let Some(parent) = stack.last_mut() {
                            parent.slot().park(lua)?;
                        }
                        stack.push(Open::Array { slot: Slot::new(table), next: 1 });
                        slots += 1;
                        tok = first;
                        continue 'value;
                    }
                }
                Tok::ObjBegin => {
                    self.descend(stack.len() + 1, slots + 3)?;
                    let table = lua.create_table()?;
                    let first = self.next_token();
                    if matches!(first.tok, Tok::ObjEnd) {
                        Value::Table(table)
                    } else {
                        let key = self.object_key(first)?;
                        if let Some(parent) = stack.last_mut() {
                            parent.slot().park(lua)?;
                        }
                        stack.push(Open::Object { slot: Slot::new(table), key });
                        slots += 2;
                        tok = self.next_token();
                        continue 'value;
                    }
                }
                Tok::Str(s) => self.call.string(s)?,
                Tok::Num(n) => Value::Number(n),
                Tok::Bool(b) => Value::Boolean(b),
                Tok::Null => Value::LightUserData(LightUserData(std::ptr::null_mut())),
                _ => return Err(self.parse_error("value", &tok)),
            };
            // Store the finished value in its container; close containers that end here.
            loop {
                // Falling out of this match means the innermost container just closed.
                match stack.last_mut() {
                    None => return Ok(value),
                    Some(Open::Array { slot, next }) => {
                        slot.table(lua)?.raw_set(*next, value)?;
                        *next += 1;
                        let t = self.next_token();
                        match t.tok {
                            Tok::ArrEnd => {}
                            Tok::Comma => {
                                tok = self.next_token();
                                continue 'value;
                            }
                            _ => return Err(self.parse_error("comma or array end", &t)),
                        }
                    }
                    Some(Open::Object { slot, key }) => {
                        slot.table(lua)?.raw_set(lua.create_string(&*key)?, value)?;
                        let t = self.next_token();
                        match t.tok {
                            Tok::ObjEnd => {}
                            Tok::Comma => {
                                let kt = self.next_token();
                                *key = self.object_key(kt)?;
                                tok = self.next_token();
                                continue 'value;
                            }
                            _ => return Err(self.parse_error("comma or object end", &t)),
                        }
                    }
                }
                value = match stack.pop() {
                    Some(Open::Array { mut slot, .. }) => {
                        slots -= 1;
                        Value::Table(slot.table(lua)?)
                    }
                    Some(Open::Object { mut slot, .. }) => {
                        slots -= 2;
                        Value::Table(slot.table(lua)?)
                    }
                    // Unreachable: the frame that just finished is still on the stack.
                    None => Value::Nil,
                };
            }
        }
    }

    /// An object key followed by its colon.
    fn object_key(&mut self, t: Token) -> Result<Vec<u8>, Fail> {
        let Tok::Str(key) = t.tok else {
            return Err(self.parse_error("object key string", &t));
        };
        let colon = self.next_token();
        if !matches!(colon.tok, Tok::Colon) {
            return Err(self.parse_error("colon", &colon));
        }
        Ok(key)
    }

    fn next_token(&mut self) -> Token {
        while matches!(self.peek(self.pos), b' ' | b'\t' | b'\n' | b'\r') {
            self.pos += 1;
        }
        let index = self.pos;
        let single = |p: &mut Self, tok: Tok| {
            p.pos += 1;
            Token { tok, index }
        };
        let ch = self.peek(index);
        match ch {
            b'{' => single(self, Tok::ObjBegin),
            b'}' => single(self, Tok::ObjEnd),
            b'[' => single(self, Tok::ArrBegin),
            b']' => single(self, Tok::ArrEnd),
            b',' => single(self, Tok::Comma),
            b':' => single(self, Tok::Colon),
            0 => Token { tok: Tok::End, index },
            b'"' => self.string_token(),
            b'-' | b'0'..=b'9' => {
                if self.cfg.decode_invalid_numbers == 0 && self.is_invalid_number() {
                    return Token { tok: Tok::Error("invalid number"), index };
                }
                self.number_token()
            }
            b'f' | b'i' | b'I' | b'n' | b'N' | b't' | b'+' => {
                let rest = &self.data[index..];
                if rest.starts_with(b"true") {
                    self.pos += 4;
                    Token { tok: Tok::Bool(true), index }
                } else if rest.starts_with(b"false") {
                    self.pos += 5;
                    Token { tok: Tok::Bool(false), index }
                } else if rest.starts_with(b"null") {
                    self.pos += 4;
                    Token { tok: Tok::Null, index }
                } else if self.cfg.decode_invalid_numbers != 0 && self.is_invalid_number() {
                    self.number_token()
                } else {
                    Token { tok: Tok::Error("invalid token"), index }
                }
            }
            _ => Token { tok: Tok::Error("invalid token"), index },
        }
    }

    /// `json_is_invalid_number`: forms strtod takes but strict JSON does not (leading '+',
    /// hex, leading zeros, inf, nan).
    fn is_invalid_number(&self) -> bool {
        let mut p = self.pos;
        if self.peek(p) == b'+' {
            return true;
        }
        if self.peek(p) == b'-' {
            p += 1;
        }
        let c = self.peek(p);
        if c == b'0' {
            let c2 = self.peek(p + 1);
            return (c2 | 0x20) == b'x' || c2.is_ascii_digit();
        }
        if c <= b'9' {
            return false;
        }
        let word = |w: &[u8]| (0..3).all(|k| self.peek(p + k).eq_ignore_ascii_case(&w[k]));
        word(b"inf") || word(b"nan")
    }

    fn number_token(&mut self) -> Token {
        let index = self.pos;
        // strtod never consumes a NUL byte, so it stops where C's would.
        let (value, used) = strtod(&self.data[index..]);
        if used == 0 {
            return Token { tok: Tok::Error("invalid number"), index };
        }
        self.pos += used;
        Token { tok: Tok::Num(value), index }
    }

    fn string_token(&mut self) -> Token {
        let start = self.pos;
        self.pos += 1;
        let mut buf = Vec::new();
        loop {
            let ch = self.peek(self.pos);
            if ch == b'"' {
                break;
            }
            if ch == 0 {
                return Token { tok: Tok::Error("unexpected end of string"), index: self.pos };
            }
            if ch == b'\\' {
                let esc = match self.peek(self.pos + 1) {
                    b'"' => b'"',
                    b'\\' => b'\\',
                    b'/' => b'/',
                    b'b' => 0x08,
                    b't' => b'\t',
                    b'n' => b'\n',
                    b'f' => 0x0c,
                    b'r' => b'\r',
                    b'u' => {
                        if self.unicode_escape(&mut buf) {
                            continue;
                        }
                        return Token { tok: Tok::Error("invalid unicode escape code"), index: self.pos };
                    }
                    _ => return Token { tok: Tok::Error("invalid escape code"), index: self.pos },
                };
                buf.push(esc);
                self.pos += 2;
                continue;
            }
            buf.push(ch);
            self.pos += 1;
        }
        self.pos += 1;
        Token { tok: Tok::Str(buf), index: start }
    }

    fn hex4(&self, at: usize) -> Option<u32> {
        (0..4).try_fold(0u32, |acc, k| (self.peek(at + k) as char).to_digit(16).map(|d| acc * 16 + d))
    }

    /// `\uXXXX` (with a surrogate pair when needed) appended as UTF-8; advances past it.
    fn unicode_escape(&mut self, buf: &mut Vec<u8>) -> bool {
        let Some(mut cp) = self.hex4(self.pos + 2) else { return false };
        let mut len = 6;
        if cp & 0xF800 == 0xD800 {
            // Must be a high surrogate followed by an escaped low one.
            if cp & 0x400 != 0 || self.peek(self.pos + 6) != b'\\' || self.peek(self.pos + 7) != b'u' {
                return false;
            }
            let Some(low) = self.hex4(self.pos + 8) else { return false };
            if low & 0xFC00 != 0xDC00 {
                return false;
            }
            cp = (((cp & 0x3FF) << 10) | (low & 0x3FF)) + 0x10000;
            len = 12;
        }
        push_utf8(buf, cp);
        self.pos += len;
        true
    }
}

fn push_utf8(buf: &mut Vec<u8>, cp: u32) {
    if cp <= 0x7F {
        buf.push(cp as u8);
    } else if cp <= 0x7FF {
        buf.extend_from_slice(&[(cp >> 6) as u8 | 0xC0, (cp & 0x3F) as u8 | 0x80]);
    } else if cp <= 0xFFFF {
        buf.extend_from_slice(&[(cp >> 12) as u8 | 0xE0, ((cp >> 6) & 0x3F) as u8 | 0x80, (cp & 0x3F) as u8 | 0x80]);
    } else {
        buf.extend_from_slice(&[
            (cp >> 18) as u8 | 0xF0,
            ((cp >> 12) & 0x3F) as u8 | 0x80,
            ((cp >> 6) & 0x3F) as u8 | 0x80,
            (cp & 0x3F) as u8 | 0x80,
        ]);
    }
}

#[cfg(test)]
mod tests {
    // Every expected value below was produced by a real redis-server 7.0.15: the expression
    // was run through `EVAL` with the harness in `support::testutil`, which renders results
    // and errors as the strings compared here.
    use super::super::support::testutil::check;

    #[test]
    fn encode_values_and_tables() {
        check(&[
            (
                r#"cjson.encode({}), cjson.encode({1,2,3}), cjson.encode({[1]=1,[2]=2,[4]=4}), cjson.encode({[10]='x'}), cjson.encode({a={b={c=1}}})"#,
                r#"s:"{}" | s:"[1,2,3]" | s:"[1,2,null,4]" | s:"[null,null,null,null,null,null,null,null,null,"x"]" | s:"{"a":{"b":{"c":1}}}""#,
            ),
            (
                r#"cjson.encode({1,'a',true,false,cjson.null}), cjson.encode({[1.5]=1}), cjson.encode({[-1]=1}), cjson.encode({[0]=1}), cjson.encode({[1e300]=1}), cjson.encode({[2^31]=1})"#,
                r#"s:"[1,"a",true,false,null]" | s:"{"1.5":1}" | s:"{"-1":1}" | s:"{"0":1}" | s:"{"1e+300":1}" | s:"{"2147483648":1}""#,
            ),
            (
                r#"cjson.encode('\0\1\31\127\128\255"\\/\b\f\n\r\t'), cjson.encode(''), cjson.encode('héllo')"#,
                r#"s:""\u0000\u0001\u001f\u007f\x80\xff\"\\\/\b\f\n\r\t"" | s:"""" | s:""h\xc3\xa9llo"""#,
            ),
            (
                r#"cjson.encode(nil), cjson.encode(true), cjson.encode(false), cjson.encode(cjson.null)"#,
                r#"s:"null" | s:"true" | s:"false" | s:"null""#,
            ),
            (
                r#"cjson.encode(123456789012345678), cjson.encode(0.1+0.2), cjson.encode(1e-5), cjson.encode(1e-4), cjson.encode(123456.789e3), cjson.encode(-0.0), cjson.encode(2^53), cjson.encode(1/3), cjson.encode(-1e-300), cjson.encode(5e-324), cjson.encode(1e21), cjson.encode(1e14), cjson.encode(1e15), cjson.encode(123456789012345)"#,
                r#"s:"1.2345678901235e+17" | s:"0.3" | s:"1e-05" | s:"0.0001" | s:"123456789" | s:"-0" | s:"9.007199254741e+15" | s:"0.33333333333333" | s:"-1e-300" | s:"4.9406564584125e-324" | s:"1e+21" | s:"1e+14" | s:"1e+15" | s:"1.2345678901234e+14""#,
            ),
            (
                r#"cjson.encode({a=1,b=2,c=3,d=4,e=5,foo='x',bar='y'}), cjson.encode({1,2,{3,{4,{5}}}, x={}})"#,
                r#"s:"{"a":1,"c":3,"b":2,"e":5,"d":4,"bar":"y","foo":"x"}" | s:"{"1":1,"2":2,"3":[3,[4,[5]]],"x":{}}""#,
            ),
            (r#"cjson.encode({[1]='a', x='b'}), cjson.encode({one='one', [1]='one'})"#, r#"s:"{"1":"a","x":"b"}" | s:"{"one":"one","1":"one"}""#),
        ]);
    }

    #[test]
    fn encode_errors() {
        check(&[
            (r#"cjson.encode({[1]=1,[20]=2})"#, r#"ERR:user_script:1: Cannot serialise table: excessively sparse array"#),
            (r#"cjson.encode({[11]='x'})"#, r#"ERR:user_script:1: Cannot serialise table: excessively sparse array"#),
            (r#"cjson.encode({[2^31-1]=1})"#, r#"ERR:user_script:1: Cannot serialise table: excessively sparse array"#),
            (r#"cjson.encode({[1/0]=1})"#, r#"ERR:user_script:1: Cannot serialise number: must not be NaN or Inf"#),
            (r#"cjson.encode({[true]=1})"#, r#"ERR:user_script:1: Cannot serialise boolean: table key must be a number or string"#),
            (r#"cjson.encode(function() end)"#, r#"ERR:user_script:1: Cannot serialise function: type not supported"#),
            (r#"cjson.encode({f=function() end})"#, r#"ERR:user_script:1: Cannot serialise function: type not supported"#),
            (r#"cjson.encode(coroutine.create(function() end))"#, r#"ERR:user_script:1: Cannot serialise thread: type not supported"#),
            (r#"cjson.encode(0/0)"#, r#"ERR:user_script:1: Cannot serialise number: must not be NaN or Inf"#),
            (r#"cjson.encode(1/0)"#, r#"ERR:user_script:1: Cannot serialise number: must not be NaN or Inf"#),
            (r#"cjson.encode()"#, r#"ERR:user_script:1: bad argument #1 to 'encode' (expected 1 argument)"#),
            (r#"cjson.encode(1,2)"#, r#"ERR:user_script:1: bad argument #1 to 'encode' (expected 1 argument)"#),
        ]);
    }

    #[test]
    fn encode_nesting_limits() {
        check(&[
            (
                r#"(function() cjson.encode_max_depth(100000) local t={} t[1]=t local ok, e = pcall(cjson.encode, t) cjson.encode_max_depth(1000) return ok, e end)()"#,
                r#"false | s:"Cannot serialise, excessive nesting (7998)""#,
            ),
            (
                r#"(function() cjson.encode_max_depth(100000) local t={} t.a=t local ok, e = pcall(cjson.encode, t) cjson.encode_max_depth(1000) return ok, e end)()"#,
                r#"false | s:"Cannot serialise, excessive nesting (4000)""#,
            ),
            (
                r#"(function() cjson.encode_max_depth(100000) local t={} local u = {t} t.a = u local ok, e = pcall(cjson.encode, t) cjson.encode_max_depth(1000) return ok, e end)()"#,
                r#"false | s:"Cannot serialise, excessive nesting (5332)""#,
            ),
            (
                r#"(function() cjson.encode_max_depth(2) local ok, e = pcall(cjson.encode, {{{1}}}) local ok2, e2 = pcall(cjson.encode, {{1}}) cjson.encode_max_depth(1000) return ok, e, ok2, e2 end)()"#,
                r#"false | s:"Cannot serialise, excessive nesting (3)" | true | s:"[[1]]""#,
            ),
        ]);
    }

    #[test]
    fn sparse_array_config() {
        check(&[
            (r#"cjson.encode_sparse_array()"#, r#"false | n:2 | n:10"#),
            (
                r#"(function() local r = {cjson.encode_sparse_array(true, 3, 2)} cjson.encode_sparse_array(false, 2, 10) return unpack(r) end)()"#,
                r#"true | n:3 | n:2"#,
            ),
            (
                r#"(function() cjson.encode_sparse_array(true) local ok, r = pcall(cjson.encode, {[1]=1,[50]=1}) cjson.encode_sparse_array(false) return ok, r end)()"#,
                r#"true | s:"{"1":1,"50":1}""#,
            ),
            (
                r#"(function() local a = {cjson.encode_sparse_array('on')} cjson.encode_sparse_array(false) return unpack(a) end)()"#,
                r#"true | n:2 | n:10"#,
            ),
            (
                r#"(function() cjson.encode_sparse_array(false, 0) local ok, r = pcall(cjson.encode, {[1]=1,[5000]=1}) cjson.encode_sparse_array(false, 2) return ok and #r, r:sub(1,20) end)()"#,
                r#"n:24995 | s:"[1,null,null,null,nu""#,
            ),
            (
                r#"(function() cjson.encode_sparse_array(false, 1, 0) local ok, r = pcall(cjson.encode, {[1]=1,[3]=1}) cjson.encode_sparse_array(false, 2, 10) return ok, r end)()"#,
                r#"false | s:"Cannot serialise table: excessively sparse array""#,
            ),
            (r#"cjson.encode_sparse_array(1)"#, r#"ERR:user_script:1: bad argument #1 to 'encode_sparse_array' (invalid option '1')"#),
            (
                r#"(function() local ok, e = pcall(cjson.encode_sparse_array, true, -1) local s = {cjson.encode_sparse_array()} cjson.encode_sparse_array(false, 2, 10) return e, unpack(s) end)()"#,
                r#"s:"bad argument #1 to '?' (expected integer between 0 and 2147483647)" | true | n:2 | n:10"#,
            ),
            (
                r#"cjson.encode_sparse_array(false, 'x')"#,
                r#"ERR:user_script:1: bad argument #2 to 'encode_sparse_array' (number expected, got string)"#,
            ),
            (r#"(function() local r = {cjson.encode_sparse_array(false, 2.9)} return unpack(r) end)()"#, r#"false | n:2 | n:10"#),
            (
                r#"cjson.encode_sparse_array(false, 2, 10, 4)"#,
                r#"ERR:user_script:1: bad argument #4 to 'encode_sparse_array' (found too many arguments)"#,
            ),
            (r#"cjson.encode_sparse_array(nil, nil, nil)"#, r#"false | n:2 | n:10"#),
            (r#"cjson.encode_sparse_array({})"#, r#"ERR:user_script:1: bad argument #1 to 'encode_sparse_array' (string expected, got table)"#),
        ]);
    }

    #[test]
    fn number_precision_and_invalid_numbers() {
        check(&[
            (
                r#"cjson.encode_number_precision(15)"#,
                r#"ERR:user_script:1: bad argument #1 to 'encode_number_precision' (expected integer between 1 and 14)"#,
            ),
            (
                r#"cjson.encode_number_precision(0)"#,
                r#"ERR:user_script:1: bad argument #1 to 'encode_number_precision' (expected integer between 1 and 14)"#,
            ),
            (
                r#"(function() local a = cjson.encode_number_precision(3) local r = cjson.encode({math.pi, 1234567, 0.000123456, 100, 2.5, 1e100}) cjson.encode_number_precision(14) return a, r end)()"#,
                r#"n:3 | s:"[3.14,1.23e+06,0.000123,100,2.5,1e+100]""#,
            ),
            (
                r#"(function() cjson.encode_number_precision(1) local r = cjson.encode({2.5, 3.5, 0.15, 95, 0.05}) cjson.encode_number_precision(14) return r end)()"#,
                r#"s:"[2,4,0.1,1e+02,0.05]""#,
            ),
            (
                r#"(function() local a = cjson.encode_invalid_numbers('null') local r = cjson.encode({0/0, 1/0, -1/0}) cjson.encode_invalid_numbers(false) return a, r end)()"#,
                r#"s:"null" | s:"[null,null,null]""#,
            ),
            (
                r#"(function() local a = cjson.encode_invalid_numbers(true) local r = cjson.encode({0/0, 1/0, -1/0, -(0/0), [1/0]=1}) cjson.encode_invalid_numbers(false) return a, r end)()"#,
                r#"true | s:"{"1":nan,"2":inf,"3":-inf,"4":nan,"inf":1}""#,
            ),
            (
                r#"(function() local a = cjson.encode_invalid_numbers(true) local r = cjson.encode({x=0/0, y=1/0}) cjson.encode_invalid_numbers(false) return a, r end)()"#,
                r#"true | s:"{"y":inf,"x":nan}""#,
            ),
            (r#"(function() local a = cjson.encode_invalid_numbers('on') cjson.encode_invalid_numbers('off') return a end)()"#, r#"true"#),
            (
                r#"cjson.encode_invalid_numbers('bogus')"#,
                r#"ERR:user_script:1: bad argument #1 to 'encode_invalid_numbers' (invalid option 'bogus')"#,
            ),
            (r#"cjson.encode_invalid_numbers(1)"#, r#"ERR:user_script:1: bad argument #1 to 'encode_invalid_numbers' (invalid option '1')"#),
            (r#"cjson.encode_invalid_numbers()"#, r#"false"#),
        ]);
    }

    #[test]
    fn other_config() {
        check(&[
            (
                r#"(function() local a = cjson.encode_keep_buffer('off') local b = cjson.encode_keep_buffer() local c = cjson.encode_keep_buffer(true) return a, b, c, cjson.encode({1}) end)()"#,
                r#"false | false | true | s:"[1]""#,
            ),
            (r#"cjson.encode_keep_buffer(1)"#, r#"ERR:user_script:1: bad argument #1 to 'encode_keep_buffer' (invalid option '1')"#),
            (
                r#"cjson.encode_max_depth(0)"#,
                r#"ERR:user_script:1: bad argument #1 to 'encode_max_depth' (expected integer between 1 and 2147483647)"#,
            ),
            (
                r#"(function() local a = cjson.encode_max_depth('5') local b = cjson.encode_max_depth(5.7) local c = cjson.encode_max_depth(2^32+7) cjson.encode_max_depth(1000) return a, b, c end)()"#,
                r#"n:5 | n:5 | n:7"#,
            ),
            (
                r#"cjson.decode_max_depth(2^31)"#,
                r#"ERR:user_script:1: bad argument #1 to 'decode_max_depth' (expected integer between 1 and 2147483647)"#,
            ),
            (r#"cjson.encode_max_depth({})"#, r#"ERR:user_script:1: bad argument #1 to 'encode_max_depth' (number expected, got table)"#),
            (r#"cjson.encode_max_depth(1, 2)"#, r#"ERR:user_script:1: bad argument #2 to 'encode_max_depth' (found too many arguments)"#),
            (
                r#"(function() local a = cjson.decode_invalid_numbers('off') local r = {} for _, s in ipairs({'0x10', '+1', '01', 'nan', '-inf', '-0x1', '0', '-0.5e1', 'Infinity', '-', '1.5'}) do local ok, v = pcall(cjson.decode, s) r[#r+1] = tostring(v) end cjson.decode_invalid_numbers(true) return a, table.concat(r, ' ; ') end)()"#,
                r#"false | s:"Expected value but found invalid number at character 1 ; Expected value but found invalid token at character 1 ; Expected value but found invalid number at character 1 ; Expected value but found invalid token at character 1 ; Expected value but found invalid number at character 1 ; Expected value but found invalid number at character 1 ; 0 ; -5 ; Expected value but found invalid token at character 1 ; Expected value but found invalid number at character 1 ; 1.5""#,
            ),
            (r#"cjson.decode_invalid_numbers()"#, r#"true"#),
            (
                r#"cjson.new().encode({1}), cjson.new().encode_max_depth(), cjson.null == cjson.new().null, cjson._NAME, cjson._VERSION"#,
                r#"s:"[1]" | n:1000 | true | s:"cjson" | s:"2.1.0""#,
            ),
        ]);
    }

    #[test]
    fn decode_values() {
        check(&[
            (
                r#"cjson.decode('[1,2,3]'), cjson.decode('{"a":1,"b":[true,false,null]}'), cjson.decode('  "abc"  ')"#,
                r#"{n:1=n:1,n:2=n:2,n:3=n:3} | {s:"a"=n:1,s:"b"={n:1=true,n:2=false,n:3=u:userdata: (nil)}} | s:"abc""#,
            ),
            (
                r#"cjson.decode('"\\u00e9\\ud83d\\ude00\\/\\b\\f\\n\\r\\t\\"\\\\"'), cjson.decode('"\\u0000x"'), cjson.decode('"\\u007f\\u0080\\u07ff\\u0800\\uffff"'), cjson.decode('"\\uD83D\\uDE00"')"#,
                r#"s:"\xc3\xa9\xf0\x9f\x98\x80/\x08\x0c\x0a\x0d\x09"\" | s:"\x00x" | s:"\x7f\xc2\x80\xdf\xbf\xe0\xa0\x80\xef\xbf\xbf" | s:"\xf0\x9f\x98\x80""#,
            ),
            (
                r#"cjson.decode('12.5e3'), cjson.decode('-0'), cjson.decode('0x10'), cjson.decode('+1'), cjson.decode('01'), cjson.decode('NaN'), cjson.decode('nan'), cjson.decode('-inf'), cjson.decode('Infinity'), cjson.decode('inf'), cjson.decode('-Infinity'), cjson.decode('nan(123)'), cjson.decode('0x1p4'), cjson.decode('0x1.8'), cjson.decode('0X1F'), cjson.decode('-0x10'), cjson.decode('1E2'), cjson.decode('1.'), cjson.decode('1e400'), cjson.decode('-1e400'), cjson.decode('1e-400'), cjson.decode('123456789012345678901234567890'), cjson.decode('0.1'), cjson.decode('  7 ')"#,
                r#"n:12500 | n:-0 | n:16 | n:1 | n:1 | n:nan | n:nan | n:-inf | n:inf | n:inf | n:-inf | n:nan | n:16 | n:1.5 | n:31 | n:-16 | n:100 | n:1 | n:inf | n:-inf | n:0 | n:1.2345678901234568e+29 | n:0.10000000000000001 | n:7"#,
            ),
            (
                r#"cjson.decode('"tab	in"'), cjson.decode('true'), cjson.decode('false'), cjson.decode('null'), cjson.decode('[]'), cjson.decode('{}'), cjson.decode('[[],{}]'), cjson.decode('{"a":{"b":{"c":[1,{"d":null}]}}}')"#,
                r#"s:"tab\x09in" | true | false | u:userdata: (nil) | {} | {} | {n:1={},n:2={}} | {s:"a"={s:"b"={s:"c"={n:1=n:1,n:2={s:"d"=u:userdata: (nil)}}}}}"#,
            ),
            (
                r#"cjson.decode('{"a":1,"a":2}'), cjson.decode('{"":""}'), cjson.decode('[null,null,3]'), cjson.decode(' \t\n\r[ 1 , 2 ] \n')"#,
                r#"{s:"a"=n:2} | {s:""=s:""} | {n:1=u:userdata: (nil),n:2=u:userdata: (nil),n:3=n:3} | {n:1=n:1,n:2=n:2}"#,
            ),
            (r#"cjson.decode('1 \0garbage'), cjson.decode('[1] \0 x')"#, r#"n:1 | {n:1=n:1}"#),
            (r#"cjson.decode(1), cjson.decode(123), cjson.decode(1.5), cjson.decode(-0.0)"#, r#"n:1 | n:123 | n:1.5 | n:-0"#),
            (
                r#"(function() local s = cjson.encode({a={1,2,{b='c'}}, d='e/f', g=1.5}) local t = cjson.decode(s) return s, t end)()"#,
                r#"s:"{"a":[1,2,{"b":"c"}],"d":"e\/f","g":1.5}" | {s:"a"={n:1=n:1,n:2=n:2,n:3={s:"b"=s:"c"}},s:"d"=s:"e/f",s:"g"=n:1.5}"#,
            ),
            (r#"(function() local t = cjson.decode('{"x":null}') return t.x == cjson.null, cjson.encode(t) end)()"#, r#"true | s:"{"x":null}""#),
        ]);
    }

    #[test]
    fn decode_string_errors() {
        check(&[
            (r#"cjson.decode('"\\ud83d"')"#, r#"ERR:user_script:1: Expected value but found invalid unicode escape code at character 2"#),
            (r#"cjson.decode('"\\ude00"')"#, r#"ERR:user_script:1: Expected value but found invalid unicode escape code at character 2"#),
            (r#"cjson.decode('"\\ud83d\\u0041"')"#, r#"ERR:user_script:1: Expected value but found invalid unicode escape code at character 2"#),
            (r#"cjson.decode('"\\ud83dx"')"#, r#"ERR:user_script:1: Expected value but found invalid unicode escape code at character 2"#),
            (r#"cjson.decode('"\\u12"')"#, r#"ERR:user_script:1: Expected value but found invalid unicode escape code at character 2"#),
            (r#"cjson.decode('"\\u12g4"')"#, r#"ERR:user_script:1: Expected value but found invalid unicode escape code at character 2"#),
            (r#"cjson.decode('"\\x"')"#, r#"ERR:user_script:1: Expected value but found invalid escape code at character 2"#),
            (r#"cjson.decode('"\\')"#, r#"ERR:user_script:1: Expected value but found invalid escape code at character 2"#),
            (r#"cjson.decode('"abc')"#, r#"ERR:user_script:1: Expected value but found unexpected end of string at character 5"#),
        ]);
    }

    #[test]
    fn decode_syntax_errors() {
        check(&[
            (r#"cjson.decode('infx')"#, r#"ERR:user_script:1: Expected the end but found invalid token at character 4"#),
            (r#"cjson.decode('1 2')"#, r#"ERR:user_script:1: Expected the end but found T_NUMBER at character 3"#),
            (r#"cjson.decode('[1,]')"#, r#"ERR:user_script:1: Expected value but found T_ARR_END at character 4"#),
            (r#"cjson.decode('{"a" 1}')"#, r#"ERR:user_script:1: Expected colon but found T_NUMBER at character 6"#),
            (r#"cjson.decode('{"a":1,}')"#, r#"ERR:user_script:1: Expected object key string but found T_OBJ_END at character 8"#),
            (r#"cjson.decode('{1:2}')"#, r#"ERR:user_script:1: Expected object key string but found T_NUMBER at character 2"#),
            (r#"cjson.decode('[1 2]')"#, r#"ERR:user_script:1: Expected comma or array end but found T_NUMBER at character 4"#),
            (r#"cjson.decode('')"#, r#"ERR:user_script:1: Expected value but found T_END at character 1"#),
            (r#"cjson.decode('   ')"#, r#"ERR:user_script:1: Expected value but found T_END at character 4"#),
            (r#"cjson.decode('tru')"#, r#"ERR:user_script:1: Expected value but found invalid token at character 1"#),
            (r#"cjson.decode('nul')"#, r#"ERR:user_script:1: Expected value but found invalid token at character 1"#),
            (r#"cjson.decode('[')"#, r#"ERR:user_script:1: Expected value but found T_END at character 2"#),
            (r#"cjson.decode('{')"#, r#"ERR:user_script:1: Expected object key string but found T_END at character 2"#),
            (r#"cjson.decode('{"a":')"#, r#"ERR:user_script:1: Expected value but found T_END at character 6"#),
            (r#"cjson.decode('.5')"#, r#"ERR:user_script:1: Expected value but found invalid token at character 1"#),
            (r#"cjson.decode('-')"#, r#"ERR:user_script:1: Expected value but found invalid number at character 1"#),
            (r#"cjson.decode('+')"#, r#"ERR:user_script:1: Expected value but found invalid number at character 1"#),
            (r#"cjson.decode('1e')"#, r#"ERR:user_script:1: Expected the end but found invalid token at character 2"#),
            (r#"cjson.decode('0.1e-2x')"#, r#"ERR:user_script:1: Expected the end but found invalid token at character 7"#),
            (r#"cjson.decode('0x')"#, r#"ERR:user_script:1: Expected the end but found invalid token at character 2"#),
            (r#"cjson.decode('[1,2,3,]')"#, r#"ERR:user_script:1: Expected value but found T_ARR_END at character 8"#),
            (r#"cjson.decode('{"a":1 "b":2}')"#, r#"ERR:user_script:1: Expected comma or object end but found T_STRING at character 8"#),
            (r#"cjson.decode('{"a":1}}')"#, r#"ERR:user_script:1: Expected the end but found T_OBJ_END at character 8"#),
            (r#"cjson.decode(']')"#, r#"ERR:user_script:1: Expected value but found T_ARR_END at character 1"#),
            (r#"cjson.decode('@')"#, r#"ERR:user_script:1: Expected value but found invalid token at character 1"#),
        ]);
    }

    #[test]
    fn decode_input_checks() {
        check(&[
            (r#"cjson.decode('1\0garbage')"#, r#"ERR:user_script:1: JSON parser does not support UTF-16 or UTF-32"#),
            (r#"cjson.decode('\0a')"#, r#"ERR:user_script:1: JSON parser does not support UTF-16 or UTF-32"#),
            (r#"cjson.decode('a\0')"#, r#"ERR:user_script:1: JSON parser does not support UTF-16 or UTF-32"#),
            (r#"cjson.decode('"a\0b"')"#, r#"ERR:user_script:1: Expected value but found unexpected end of string at character 3"#),
            (r#"cjson.decode()"#, r#"ERR:user_script:1: bad argument #1 to 'decode' (expected 1 argument)"#),
            (r#"cjson.decode({})"#, r#"ERR:user_script:1: bad argument #1 to 'decode' (string expected, got table)"#),
            (r#"cjson.decode('1', 2)"#, r#"ERR:user_script:1: bad argument #1 to 'decode' (expected 1 argument)"#),
            (r#"cjson.decode(nil)"#, r#"ERR:user_script:1: bad argument #1 to 'decode' (string expected, got nil)"#),
        ]);
    }

    #[test]
    fn decode_nesting_limits() {
        check(&[
            (r#"cjson.decode(string.rep('[', 1001))"#, r#"ERR:user_script:1: Found too many nested data structures (1001) at character 1001"#),
            (r#"cjson.decode(string.rep('[', 1000))"#, r#"ERR:user_script:1: Expected value but found T_END at character 1001"#),
            (r#"cjson.decode(string.rep('{"a":', 1001))"#, r#"ERR:user_script:1: Found too many nested data structures (1001) at character 5001"#),
            (r#"cjson.decode(' '..string.rep('[', 1001))"#, r#"ERR:user_script:1: Found too many nested data structures (1001) at character 1002"#),
            (
                r#"(function() cjson.decode_max_depth(100000) local ok, r = pcall(cjson.decode, string.rep('[', 10000)) cjson.decode_max_depth(1000) return r end)()"#,
                r#"s:"Found too many nested data structures (7999) at character 7999""#,
            ),
            (
                r#"(function() cjson.decode_max_depth(100000) local ok, r = pcall(cjson.decode, string.rep('{"a":', 10000)) cjson.decode_max_depth(1000) return r end)()"#,
                r#"s:"Found too many nested data structures (4000) at character 19996""#,
            ),
            (
                r#"(function() cjson.decode_max_depth(100000) local ok, r = pcall(cjson.decode, string.rep('[{"a":', 3000)) cjson.decode_max_depth(1000) return r end)()"#,
                r#"s:"Found too many nested data structures (5333) at character 15997""#,
            ),
            (
                r#"(function() cjson.decode_max_depth(100000) local ok, r = pcall(cjson.decode, string.rep('[', 7998)..string.rep(']', 7998)) cjson.decode_max_depth(1000) return ok, type(r) end)()"#,
                r#"true | s:"table""#,
            ),
            (
                r#"(function() cjson.decode_max_depth(2) local ok, r = pcall(cjson.decode, '[[1]]') local ok2, r2 = pcall(cjson.decode, '[[[1]]]') cjson.decode_max_depth(1000) return ok, ok2, r2 end)()"#,
                r#"true | false | s:"Found too many nested data structures (3) at character 3""#,
            ),
        ]);
    }

    /// A script that *tail-calls* a library function (`return cjson.encode(t)`) keeps its frame
    /// (the function is a Rust, i.e. C, function), so the error carries the caller's position as
    /// in Redis.
    #[test]
    fn tail_call_errors_keep_position() {
        check(&[
            ("(function() local t={} t[1]=t return cjson.encode(t) end)()", "ERR:user_script:1: Cannot serialise, excessive nesting (1001)"),
            (
                "(function() local t={} t[1]=t local r = cjson.encode(t) return r end)()",
                "ERR:user_script:1: Cannot serialise, excessive nesting (1001)",
            ),
        ]);
    }
}
