//! Shared plumbing for the Rust ports of Redis's bundled Lua C libraries.
//!
//! The C originals lean on lauxlib (`luaL_checknumber`, `luaL_argerror`, ...) and on glibc
//! (`strtod`, `printf("%.14g")`, x86 float-to-int casts); scripts can observe all of that through
//! error messages and through how odd numbers are converted, so this module reproduces those
//! pieces once for every library.
//!
//! Errors: an mlua callback that returns `Err` raises a *userdata* error object, but a C library
//! raises a plain string that `pcall` hands back to the script (and that Redis prints after
//! `ERR`). Every library function is therefore a tiny Lua wrapper around the Rust callback: the
//! callback returns `true, results...` or `false, message`, and the wrapper raises the message with
//! `error(msg, 0)` so the script sees exactly the string the C library would have raised.

use std::fmt::Display;

use mlua::{Function, Lua, MultiValue, RegistryKey, Table, Value};

/// `LUAI_MAXCSTACK` of Lua 5.1: `lua_checkstack` refuses to let a C function's frame grow past
/// this many slots. The C libraries hit it on deep nesting or on many results, and report it with
/// their own messages, so the ports model the slots the C code would be using.
pub(crate) const MAX_C_STACK: usize = 8000;

/// Why a library call failed.
pub(crate) enum Fail {
    /// A message to raise as a plain Lua string, already complete (position prefix included).
    Msg(String),
    /// An mlua-level failure (allocation, ...), propagated as mlua raises it.
    Lua(mlua::Error),
}

impl From<mlua::Error> for Fail {
    fn from(e: mlua::Error) -> Self {
        Fail::Lua(e)
    }
}

pub(crate) type CallResult = Result<Vec<Value>, Fail>;

/// One invocation of a library function: its arguments plus the lauxlib-style helpers that build
/// the same error messages the C code produces.
pub(crate) struct Call<'a> {
    pub lua: &'a Lua,
    /// The name the function is registered under, used when the call site cannot name it.
    name: &'static str,
    pub args: Vec<Value>,
    /// Called through the Lua wrapper (`register_packed`): the caller is one level further up.
    wrapped: bool,
}

impl<'a> Call<'a> {
    /// Argument `n` (1-based), `None` when absent ("no value" in Lua's terms).
    pub fn arg(&self, n: usize) -> Option<&Value> {
        n.checked_sub(1).and_then(|i| self.args.get(i))
    }

    pub fn nargs(&self) -> usize {
        self.args.len()
    }

    /// The same call seen with a different argument list (for C code that pushes onto its own
    /// frame before reading further arguments).
    pub fn with_args(&self, args: Vec<Value>) -> Call<'a> {
        Call { lua: self.lua, name: self.name, args, wrapped: self.wrapped }
    }

    /// `luaL_where(L, 1)`: "chunk:line: " of the Lua code that called the library function.
    /// Level 0 is the Rust callback, so the caller sits at level 1 (level 2 behind the Lua
    /// wrapper of `register_packed`; when that wrapper was tail-called the caller's frame is
    /// gone and, like a C caller, it yields no prefix).
    pub fn location(&self) -> String {
        self.lua
            .inspect_stack(self.level(1), |d| match d.current_line() {
                Some(line) if line > 0 => {
                    let src = d.source().short_src.map(|s| s.into_owned()).unwrap_or_default();
                    format!("{src}:{line}: ")
                }
                _ => String::new(),
            })
            .unwrap_or_default()
    }

    /// A stack level counted from the function as Lua sees it (0: the library function).
    fn level(&self, n: usize) -> usize {
        if self.wrapped {
            n + 1
        } else {
            n
        }
    }

    /// `luaL_error`: the message prefixed with the caller's position.
    pub fn error(&self, msg: impl Display) -> Fail {
        Fail::Msg(format!("{}{}", self.location(), msg))
    }

    /// `luaL_argerror`: "bad argument #n to 'name' (extra)".
    pub fn arg_error(&self, narg: i64, extra: impl Display) -> Fail {
        let (name, what) = self
            .lua
            .inspect_stack(self.level(0), |d| {
                let names = d.names();
                (names.name.map(|s| s.into_owned()), names.name_what)
            })
            .unwrap_or((None, None));
        // A tail-called wrapper loses its name; the C function would have been named from the
        // call site, which is nearly always `lib.func(...)`, so use the registered name.
        let tail = self.lua.inspect_stack(self.level(1), |d| d.source().what == "tail").unwrap_or(false);
        let name = name.or_else(|| tail.then(|| self.name.to_string())).unwrap_or_else(|| "?".to_string());
        let mut narg = narg;
        if what == Some("method") {
            narg -= 1;
            if narg == 0 {
                return self.error(format!("calling '{name}' on bad self ({extra})"));
            }
        }
        self.error(format!("bad argument #{narg} to '{name}' ({extra})"))
    }

    /// `luaL_typerror`: "<expected> expected, got <type of the argument>".
    pub fn type_error(&self, narg: usize, expected: &str) -> Fail {
        let got = type_name(self.arg(narg));
        self.arg_error(narg as i64, format!("{expected} expected, got {got}"))
    }

    /// `luaL_checknumber`.
    pub fn check_number(&self, narg: usize) -> Result<f64, Fail> {
        self.arg(narg).and_then(to_number).ok_or_else(|| self.type_error(narg, "number"))
    }

    /// `luaL_checkinteger`: a number truncated the way Lua 5.1 on x86-64 does it.
    pub fn check_integer(&self, narg: usize) -> Result<i64, Fail> {
        self.check_number(narg).map(c_double_to_i64)
    }

    /// `luaL_optinteger`: absent or nil gives the default.
    pub fn opt_integer(&self, narg: usize, default: i64) -> Result<i64, Fail> {
        match self.arg(narg) {
            None | Some(Value::Nil) => Ok(default),
            Some(_) => self.check_integer(narg),
        }
    }

    /// `luaL_checklstring`: strings, and numbers converted the way Lua converts them.
    pub fn check_bytes(&self, narg: usize) -> Result<Vec<u8>, Fail> {
        self.arg(narg).and_then(to_bytes).ok_or_else(|| self.type_error(narg, "string"))
    }

    /// `luaL_checkoption` without a default: the index of the argument in `options`.
    pub fn check_option(&self, narg: usize, options: &[&str]) -> Result<usize, Fail> {
        let name = self.check_bytes(narg)?;
        options
            .iter()
            .position(|o| o.as_bytes() == name.as_slice())
            .ok_or_else(|| self.arg_error(narg as i64, format!("invalid option '{}'", String::from_utf8_lossy(&name))))
    }

    /// A Lua string value.
    pub fn string(&self, bytes: impl AsRef<[u8]>) -> Result<Value, Fail> {
        Ok(Value::String(self.lua.create_string(bytes)?))
    }
}

/// What a library function returns.
pub(crate) enum Ret {
    /// A handful of values, returned as they are.
    Values(Vec<Value>),
    /// `n` values stored at 1..=n of a table. Used by functions that can return thousands of
    /// strings or tables: holding that many values in Rust at once would exhaust mlua's
    /// reference stack, so they are unpacked on the Lua side instead.
    Packed(Table, usize),
}

impl From<Vec<Value>> for Ret {
    fn from(values: Vec<Value>) -> Self {
        Ret::Values(values)
    }
}

/// Lua wrapper that turns the callback's results into what the C function would return:
/// `true, values...`, `false, message` (raised as a plain string), or `n, table` (unpacked).
const WRAPPER: &str = r#"
local impl, error, unpack = ...
local function finish(ok, ...)
  if ok == true then return ... end
  if ok == false then error((...), 0) end
  return unpack((...), 1, ok)
end
return function(...) return finish(impl(...)) end
"#;

/// Registers `f` as `module[name]`, a Rust function as the C original is one (so a script's
/// `return lib.f(...)` keeps its own frame for error positions). Its failures are raised as
/// runtime errors; the script engine's `pcall` and error handler turn them into the plain
/// strings the C function raises.
pub(crate) fn register<F, R>(lua: &Lua, module: &Table, name: &'static str, f: F) -> mlua::Result<()>
where
    F: Fn(&Call) -> Result<R, Fail> + Send + 'static,
    R: Into<Ret>,
{
    let func = lua.create_function(move |lua, args: MultiValue| {
        let call = Call { lua, name, args: args.into_iter().collect(), wrapped: false };
        match f(&call).map(Into::into) {
            Ok(Ret::Values(values)) => Ok(MultiValue::from_vec(values)),
            Ok(Ret::Packed(table, n)) => Ok(MultiValue::from_vec((1..=n).map(|i| table.raw_get(i)).collect::<mlua::Result<Vec<Value>>>()?)),
            Err(Fail::Msg(msg)) => Err(mlua::Error::RuntimeError(msg)),
            Err(Fail::Lua(e)) => Err(e),
        }
    })?;
    module.raw_set(name, func)
}

/// `register` for functions that may return thousands of values (`Ret::Packed`): a Lua wrapper
/// unpacks them, since mlua cannot hold that many values on the Rust side at once.
pub(crate) fn register_packed<F, R>(lua: &Lua, module: &Table, name: &'static str, f: F) -> mlua::Result<()>
where
    F: Fn(&Call) -> Result<R, Fail> + Send + 'static,
    R: Into<Ret>,
{
    let raw = lua.create_function(move |lua, args: MultiValue| {
        let call = Call { lua, name, args: args.into_iter().collect(), wrapped: true };
        match f(&call).map(Into::into) {
            Ok(Ret::Values(values)) => {
                let mut out = Vec::with_capacity(values.len() + 1);
                out.push(Value::Boolean(true));
                out.extend(values);
                Ok(MultiValue::from_vec(out))
            }
            Ok(Ret::Packed(table, n)) => Ok(MultiValue::from_vec(vec![Value::Integer(n as i64), Value::Table(table)])),
            Err(Fail::Msg(msg)) => Ok(MultiValue::from_vec(vec![Value::Boolean(false), Value::String(lua.create_string(msg)?)])),
            Err(Fail::Lua(e)) => Err(e),
        }
    })?;
    let globals = lua.globals();
    let error: Function = globals.raw_get("error")?;
    let unpack: Function = globals.raw_get("unpack")?;
    let wrapper: Function = lua.load(WRAPPER).set_name("=[C]").call((raw, error, unpack))?;
    module.raw_set(name, wrapper)
}

/// A table that belongs to an open container of an iterative encoder/decoder. Only the
/// innermost container keeps a live handle; outer ones are parked in the Lua registry, because
/// every live handle occupies a slot of mlua's reference stack, which holds fewer than 8000 —
/// less than the nesting depth the C libraries allow.
pub(crate) struct Slot {
    live: Option<Table>,
    parked: Option<RegistryKey>,
}

impl Slot {
    pub fn new(table: Table) -> Self {
        Slot { live: Some(table), parked: None }
    }

    /// Releases the live handle (the registry keeps the table alive).
    pub fn park(&mut self, lua: &Lua) -> mlua::Result<()> {
        if let Some(t) = self.live.take() {
            self.parked = Some(lua.create_registry_value(t)?);
        }
        Ok(())
    }

    /// The table, taking it back from the registry if it was parked.
    pub fn table(&mut self, lua: &Lua) -> mlua::Result<Table> {
        if let Some(t) = &self.live {
            return Ok(t.clone());
        }
        let Some(key) = self.parked.take() else {
            return Err(mlua::Error::runtime("container table missing"));
        };
        let t: Table = lua.registry_value(&key)?;
        lua.remove_registry_value(key)?;
        self.live = Some(t.clone());
        Ok(t)
    }
}

/// `luaL_typename` of an argument (`None` is an absent argument).
pub(crate) fn type_name(v: Option<&Value>) -> &'static str {
    match v {
        None => "no value",
        Some(Value::Nil) => "nil",
        Some(Value::Boolean(_)) => "boolean",
        Some(Value::Integer(_)) | Some(Value::Number(_)) => "number",
        Some(Value::String(_)) => "string",
        Some(Value::Table(_)) => "table",
        Some(Value::Function(_)) => "function",
        Some(Value::Thread(_)) => "thread",
        // Light userdata, full userdata and mlua's error objects are all userdata to Lua.
        Some(_) => "userdata",
    }
}

/// The numeric value of a Lua number.
pub(crate) fn number_of(v: &Value) -> Option<f64> {
    match v {
        Value::Integer(i) => Some(*i as f64),
        Value::Number(n) => Some(*n),
        _ => None,
    }
}

/// `lua_tonumber`: numbers, and strings that Lua 5.1 would convert.
pub(crate) fn to_number(v: &Value) -> Option<f64> {
    match v {
        Value::String(s) => str_to_number(&s.as_bytes()),
        other => number_of(other),
    }
}

/// `lua_tolstring`: strings, and numbers formatted with Lua's "%.14g".
pub(crate) fn to_bytes(v: &Value) -> Option<Vec<u8>> {
    match v {
        Value::String(s) => Some(s.as_bytes().to_vec()),
        other => number_of(other).map(|n| fmt_g(n, 14).into_bytes()),
    }
}

fn is_space(c: u8) -> bool {
    matches!(c, b' ' | b'\t' | b'\n' | 0x0b | 0x0c | b'\r')
}

/// `luaO_str2d`: the whole string (up to a NUL, as C sees it) must be a number, surrounding
/// whitespace allowed.
pub(crate) fn str_to_number(s: &[u8]) -> Option<f64> {
    let s = &s[..s.iter().position(|&c| c == 0).unwrap_or(s.len())];
    let (value, used) = strtod(s);
    if used == 0 {
        return None;
    }
    s[used..].iter().all(|&c| is_space(c)).then_some(value)
}

/// glibc `strtod` on the prefix of `s`: returns the value and how many bytes it consumed (0 when
/// nothing parses). Accepts leading whitespace, a sign, decimal and hexadecimal forms, `inf`,
/// `infinity` and `nan[(chars)]` in any case, like glibc.
pub(crate) fn strtod(s: &[u8]) -> (f64, usize) {
    let at = |i: usize| s.get(i).copied().unwrap_or(0);
    let mut i = 0;
    while is_space(at(i)) {
        i += 1;
    }
    let negative = at(i) == b'-';
    if matches!(at(i), b'+' | b'-') {
        i += 1;
    }
    let sign = |v: f64| if negative { -v } else { v };
    let starts_ci = |i: usize, word: &[u8]| word.iter().enumerate().all(|(k, w)| at(i + k).eq_ignore_ascii_case(w));
    if starts_ci(i, b"inf") {
        let used = if starts_ci(i + 3, b"inity") { i + 8 } else { i + 3 };
        return (sign(f64::INFINITY), used);
    }
    if starts_ci(i, b"nan") {
        let mut used = i + 3;
        if at(used) == b'(' {
            let mut j = used + 1;
            while at(j).is_ascii_alphanumeric() || at(j) == b'_' {
                j += 1;
            }
            if at(j) == b')' {
                used = j + 1;
            }
        }
        return (sign(f64::NAN), used);
    }
    if at(i) == b'0' && (at(i + 1) | 0x20) == b'x' {
        let digits_follow = at(i + 2).is_ascii_hexdigit() || (at(i + 2) == b'.' && at(i + 3).is_ascii_hexdigit());
        if !digits_follow {
            // "0x" without digits: only the "0" is a number.
            return (sign(0.0), i + 1);
        }
        let (v, used) = hex_float(s, i + 2);
        return (sign(v), used);
    }
    let start = i;
    let mut digits = 0;
    while at(i).is_ascii_digit() {
        i += 1;
        digits += 1;
    }
    if at(i) == b'.' {
        i += 1;
        while at(i).is_ascii_digit() {
            i += 1;
            digits += 1;
        }
    }
    if digits == 0 {
        return (0.0, 0);
    }
    let mantissa_end = i;
    if (at(i) | 0x20) == b'e' {
        let mut j = i + 1;
        if matches!(at(j), b'+' | b'-') {
            j += 1;
        }
        if at(j).is_ascii_digit() {
            while at(j).is_ascii_digit() {
                j += 1;
            }
            i = j;
        }
    }
    let text = String::from_utf8_lossy(&s[start..i]);
    // Rust's parser accepts every form scanned above ("1.", ".5", huge exponents).
    let v = text.parse::<f64>().unwrap_or_else(|_| String::from_utf8_lossy(&s[start..mantissa_end]).parse().unwrap_or(0.0));
    (sign(v), i)
}

/// The hexadecimal part of `strtod` ("1f.8p3"), starting right after "0x".
fn hex_float(s: &[u8], mut i: usize) -> (f64, usize) {
    let at = |i: usize| s.get(i).copied().unwrap_or(0);
    let mut mantissa: u64 = 0;
    let mut exp2: i64 = 0;
    let mut seen_point = false;
    loop {
        let c = at(i);
        if c == b'.' && !seen_point {
            seen_point = true;
        } else if let Some(d) = (c as char).to_digit(16) {
            if mantissa < (1u64 << 59) {
                mantissa = mantissa * 16 + d as u64;
                if seen_point {
                    exp2 -= 4;
                }
            } else if !seen_point {
                // Digits beyond 64 bits of precision only scale the value.
                exp2 += 4;
            }
        } else {
            break;
        }
        i += 1;
    }
    if (at(i) | 0x20) == b'p' {
        let mut j = i + 1;
        let neg = at(j) == b'-';
        if matches!(at(j), b'+' | b'-') {
            j += 1;
        }
        if at(j).is_ascii_digit() {
            let mut e: i64 = 0;
            while at(j).is_ascii_digit() {
                e = (e * 10 + (at(j) - b'0') as i64).min(1 << 20);
                j += 1;
            }
            exp2 += if neg { -e } else { e };
            i = j;
        }
    }
    let exp = exp2.clamp(-2200, 2200) as i32;
    // Split the scaling so intermediate powers stay finite.
    let v = mantissa as f64 * 2f64.powi(exp / 2) * 2f64.powi(exp - exp / 2);
    (v, i)
}

/// C's `printf("%.<prec>g")` as glibc prints it (Lua's number format is "%.14g").
pub(crate) fn fmt_g(x: f64, prec: usize) -> String {
    if x.is_nan() {
        return if x.is_sign_negative() { "-nan".into() } else { "nan".into() };
    }
    if x.is_infinite() {
        return if x < 0.0 { "-inf".into() } else { "inf".into() };
    }
    let p = prec.max(1);
    if x == 0.0 {
        return if x.is_sign_negative() { "-0".into() } else { "0".into() };
    }
    // The exponent after rounding to `p` significant digits decides the style.
    let sci = format!("{:.*e}", p - 1, x);
    let (mantissa, exp) = sci.split_once('e').unwrap_or((sci.as_str(), "0"));
    let exp: i32 = exp.parse().unwrap_or(0);
    if exp < -4 || exp >= p as i32 {
        let mantissa = trim_fraction(mantissa);
        let sign = if exp < 0 { '-' } else { '+' };
        format!("{mantissa}e{sign}{:02}", exp.unsigned_abs())
    } else {
        let decimals = (p as i32 - 1 - exp).max(0) as usize;
        trim_fraction(&format!("{x:.decimals$}")).to_string()
    }
}

/// Drops trailing zeros of a fraction, and the point if nothing is left after it (%g without #).
fn trim_fraction(s: &str) -> &str {
    if s.contains('.') {
        s.trim_end_matches('0').trim_end_matches('.')
    } else {
        s
    }
}

/// x86-64 `cvttsd2si` with a 64-bit destination: C's `(long)d`, where out-of-range values and
/// NaN become the "integer indefinite" `i64::MIN` (Rust's `as` would saturate instead).
pub(crate) fn c_double_to_i64(x: f64) -> i64 {
    if !(-9_223_372_036_854_775_808.0..9_223_372_036_854_775_808.0).contains(&x) {
        i64::MIN
    } else {
        x as i64
    }
}

/// `cvttsd2si` with a 32-bit destination: C's `(int)d`.
pub(crate) fn c_double_to_i32(x: f64) -> i32 {
    if x.is_nan() || x >= 2_147_483_648.0 || x <= -2_147_483_649.0 {
        i32::MIN
    } else {
        x as i32
    }
}

/// C's `(unsigned long)d` as gcc compiles it for x86-64: values below 2^63 go through the signed
/// conversion, larger ones are offset by 2^63 first (so 2^64 and beyond wrap to 0).
pub(crate) fn c_double_to_u64(x: f64) -> u64 {
    const TWO63: f64 = 9_223_372_036_854_775_808.0;
    if x < TWO63 {
        c_double_to_i64(x) as u64
    } else {
        (c_double_to_i64(x - TWO63) as u64) ^ (1u64 << 63)
    }
}

#[cfg(test)]
pub(crate) mod testutil {
    //! Runs Lua expressions the way the expected values were captured from redis-server 7.0.15:
    //! `EVAL` of [`HARNESS`] with `EXPR` replaced, in a chunk named like Redis names scripts
    //! (`@user_script`), so positions in error messages match too. The harness calls the
    //! expression inside `pcall` and renders every result (numbers with %.17g, strings with
    //! non-printable bytes as \xHH, tables with sorted keys, errors as `ERR:<message>`).

    use mlua::Lua;

    pub const HARNESS: &str = r###"local function esc(s) return (s:gsub('[^%w%p ]', function(c) return string.format('\\x%02x', c:byte()) end)) end local function val(v, d) local t = type(v) if t == 'number' then return 'n:' .. string.format('%.17g', v) elseif t == 'string' then return 's:"' .. esc(v) .. '"' elseif t == 'table' then if d > 20 then return '{...}' end local ks = {} for k in pairs(v) do ks[#ks+1] = k end table.sort(ks, function(a, b) return val(a, 99) < val(b, 99) end) local parts = {} for _, k in ipairs(ks) do parts[#parts+1] = val(k, d+1) .. '=' .. val(v[k], d+1) end return '{' .. table.concat(parts, ',') .. '}' elseif t == 'userdata' then return 'u:' .. tostring(v) elseif t == 'nil' or t == 'boolean' then return tostring(v) else return t end end local function pk(...) return {n = select('#', ...), ...} end local ok, r = pcall(function() local t = pk(EXPR) return t end) if not ok then return 'ERR:' .. tostring(r) end local out = {} for i = 1, r.n do out[#out+1] = val(r[i], 0) end return table.concat(out, ' | ')"###;

    pub fn run(expr: &str) -> String {
        let lua = Lua::new();
        if let Err(e) = super::super::load_all(&lua) {
            return format!("load_all failed: {e}");
        }
        // The script engine's `pcall`: a library's error reaches the script as its message.
        let conv = lua.create_function(crate::script::engine::script_error_value);
        let installed = conv.and_then(|conv| {
            let opcall: mlua::Function = lua.globals().get("pcall")?;
            lua.load("local conv, opcall = ...\nlocal function fix(ok, ...) if ok then return ok, ... end return false, conv((...)) end\npcall = function(f, ...) return fix(opcall(f, ...)) end")
                .call::<()>((conv, opcall))
        });
        if let Err(e) = installed {
            return format!("pcall setup failed: {e}");
        }
        let src = HARNESS.replace("EXPR", expr);
        match lua.load(&src).set_name("@user_script").eval::<String>() {
            Ok(s) => s,
            Err(e) => format!("harness failed: {e}"),
        }
    }

    /// Asserts every `(expression, expected output)` pair, reporting all mismatches at once.
    pub fn check(cases: &[(&str, &str)]) {
        let failures: Vec<String> = cases
            .iter()
            .filter_map(|(expr, want)| {
                let got = run(expr);
                (got != *want).then(|| format!("{expr}\n   want: {want}\n    got: {got}"))
            })
            .collect();
        assert!(failures.is_empty(), "{} of {} cases differ:\n{}", failures.len(), cases.len(), failures.join("\n"));
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    // Expected strings are what C's printf/strtod (glibc) produce for the same inputs.

    #[test]
    fn fmt_g_matches_printf() {
        let cases: &[(f64, usize, &str)] = &[
            (0.1, 14, "0.1"),
            (1.0 / 3.0, 14, "0.33333333333333"),
            (9007199254740992.0, 14, "9.007199254741e+15"),
            (1e-5, 14, "1e-05"),
            (123456789012345678.0, 14, "1.2345678901235e+17"),
            (100.0, 14, "100"),
            (1e15, 14, "1e+15"),
            (1e21, 14, "1e+21"),
            (0.0001, 14, "0.0001"),
            (5e-324, 14, "4.9406564584125e-324"),
            (2.5, 1, "2"),
            (0.15, 1, "0.1"),
            (95.0, 1, "1e+02"),
            (1234567.0, 3, "1.23e+06"),
            (-1.5e-7, 14, "-1.5e-07"),
            (99999999999999.5, 14, "1e+14"),
            (-0.0, 14, "-0"),
            (f64::INFINITY, 14, "inf"),
            (f64::NEG_INFINITY, 14, "-inf"),
        ];
        for &(x, p, want) in cases {
            assert_eq!(fmt_g(x, p), want, "fmt_g({x}, {p})");
        }
    }

    #[test]
    fn strtod_prefixes() {
        let cases: &[(&str, f64, usize)] = &[
            ("12.5e3x", 12500.0, 6),
            ("  -7", -7.0, 4),
            ("0x1F", 31.0, 4),
            ("0x", 0.0, 1),
            ("0x1p4", 16.0, 5),
            ("1e", 1.0, 1),
            ("1e+", 1.0, 1),
            (".5", 0.5, 2),
            ("1.", 1.0, 2),
            ("Infinity!", f64::INFINITY, 8),
            ("-inf", f64::NEG_INFINITY, 4),
            ("-", 0.0, 0),
            (".", 0.0, 0),
            ("abc", 0.0, 0),
        ];
        for &(s, v, used) in cases {
            assert_eq!(strtod(s.as_bytes()), (v, used), "strtod({s:?})");
        }
        let (nan, used) = strtod(b"nan(123)z");
        assert!(nan.is_nan());
        assert_eq!(used, 8);
        assert_eq!(str_to_number(b" 0x10 "), Some(16.0));
        assert_eq!(str_to_number(b"12\0junk"), Some(12.0));
        assert_eq!(str_to_number(b"12 x"), None);
        assert_eq!(str_to_number(b""), None);
    }

    #[test]
    fn x86_conversions() {
        assert_eq!(c_double_to_i64(f64::NAN), i64::MIN);
        assert_eq!(c_double_to_i64(9.3e18), i64::MIN);
        assert_eq!(c_double_to_i64(-1.9), -1);
        assert_eq!(c_double_to_i32(2147483648.0), i32::MIN);
        assert_eq!(c_double_to_i32(-2147483648.5), -2147483648);
        assert_eq!(c_double_to_u64(9223372036854775808.0), 1 << 63);
        assert_eq!(c_double_to_u64(18446744073709551616.0), 0);
        assert_eq!(c_double_to_u64(f64::NAN), 0);
        assert_eq!(c_double_to_u64(-1.0), u64::MAX);
    }
}
