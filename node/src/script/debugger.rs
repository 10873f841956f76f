//! Redis 7.0's Lua debugger (LDB): `SCRIPT DEBUG YES|SYNC`, then an EVAL that stops at each line
//! the client asks it to, for `redis-cli --ldb`.
//!
//! While a session runs, a line hook stops the script and reads the client's debugger commands
//! straight from its socket (the [`Wire`] the command layer hands in: blocking I/O, as Redis's
//! `ldbRepl` does from inside its hook), and answers each with an array of status lines; what the
//! script does meanwhile (`redis.call`s, their replies, `redis.debug`) is logged and sent with the
//! next answer. Formats, limits and quirks are Redis 7.0.15's (eval.c's `ldb*` functions).
//! Whether the session runs in a forked child or blocks the server is the caller's business.

#![allow(unsafe_code)]

use std::cell::Cell;
use std::ffi::{c_char, c_int, CStr};
use std::ptr::NonNull;
use std::time::{Duration, Instant};

use bytes::Bytes;
use mlua::ffi;

/// The client's socket, in blocking mode for the session.
pub trait Wire {
    /// Reads what arrives (0: the client is gone).
    fn read(&mut self, buf: &mut [u8]) -> std::io::Result<usize>;
    fn write_all(&mut self, data: &[u8]) -> std::io::Result<()>;
}

/// LDB_BREAKPOINTS_MAX.
const MAX_BREAKPOINTS: usize = 64;
/// The default `maxlen` of logged replies and values.
const DEFAULT_MAXLEN: usize = 256;
/// More buffered than this without a whole command ends the session.
const MAX_INPUT: usize = 1 << 20;
/// LDB_MAX_VALUES_DEPTH (LUA_MINSTACK/2).
const MAX_VALUE_DEPTH: usize = 10;
/// The count hook's period (Redis's, 100000 instructions).
const COUNT_PERIOD: c_int = 100_000;

/// One debugging session.
pub struct Session {
    wire: Box<dyn Wire>,
    /// The script's source, one entry a line.
    src: Vec<Vec<u8>>,
    logs: Vec<Vec<u8>>,
    step: bool,
    /// `redis.breakpoint()` was called: stop at the next line.
    luabp: bool,
    breakpoints: Vec<i32>,
    current_line: i32,
    maxlen: usize,
    maxlen_hint_sent: bool,
    input: Vec<u8>,
    /// When the script started, or last stopped; a script running `timeout` past it with no stop
    /// asked for is stopped ("timeout reached, infinite loop?").
    since: Instant,
    timeout: Duration,
}

thread_local! {
    /// The session of the script running on this thread, set only inside [`Session::run`].
    static ACTIVE: Cell<Option<NonNull<Session>>> = const { Cell::new(None) };
}

/// Clears ACTIVE when a run ends.
struct ActiveGuard;

impl Drop for ActiveGuard {
    fn drop(&mut self) {
        ACTIVE.with(|a| a.set(None));
    }
}

/// Runs `f` with the active session, if any.
fn with_session<R>(f: impl FnOnce(&mut Session) -> R) -> Option<R> {
    let ptr = ACTIVE.with(|a| a.get())?;
    // SAFETY: ACTIVE is set only by `Session::run` from a `&mut Session` that outlives the call
    // (the guard clears it before `run` returns, even on unwind); the hooks and Lua functions that
    // get here run inside that call, on this thread, one at a time.
    Some(f(unsafe { &mut *ptr.as_ptr() }))
}

/// Whether a debugging session is running on this thread (the engine installs the hook then).
pub fn active() -> bool {
    ACTIVE.with(|a| a.get().is_some())
}

impl Session {
    /// A session for the script `body` (the EVAL's first argument), over `wire`; a script running
    /// `timeout_ms` without a stop is stopped (`busy-reply-threshold`, 5000 when 0).
    pub fn new(wire: Box<dyn Wire>, body: &[u8], timeout_ms: i64) -> Session {
        let mut end = body.len();
        while end > 0 && matches!(body[end - 1], b'\n' | b'\r') {
            end -= 1;
        }
        let src = if end == 0 { Vec::new() } else { body[..end].split(|&c| c == b'\n').map(|l| l.to_vec()).collect() };
        let timeout = Duration::from_millis(if timeout_ms > 0 { timeout_ms as u64 } else { 5000 });
        Session {
            wire,
            src,
            logs: Vec::new(),
            step: true,
            luabp: false,
            breakpoints: Vec::new(),
            current_line: 0,
            maxlen: DEFAULT_MAXLEN,
            maxlen_hint_sent: false,
            input: Vec::new(),
            since: Instant::now(),
            timeout,
        }
    }

    /// Runs `f` (the EVAL) with this session attached to the scripts it runs.
    pub fn run<R>(&mut self, f: impl FnOnce() -> R) -> R {
        self.since = Instant::now();
        ACTIVE.with(|a| a.set(Some(NonNull::from(&mut *self))));
        let _guard = ActiveGuard;
        f()
    }

    /// The end of the session: what is left of the log, then `<endsession>`.
    pub fn end(&mut self) {
        self.log(b"<endsession>".to_vec());
        self.send_logs();
    }

    /// Writes `data` to the client (the EVAL's reply, from a forked session).
    pub fn write(&mut self, data: &[u8]) {
        let _ = self.wire.write_all(data);
    }

    fn log(&mut self, entry: Vec<u8>) {
        self.logs.push(entry);
    }

    /// `ldbLogWithMaxLen`: an entry cut at `maxlen` bytes, with a hint the first time.
    fn log_trimmed(&mut self, mut entry: Vec<u8>) {
        let mut trimmed = false;
        if self.maxlen != 0 && entry.len() > self.maxlen {
            entry.truncate(self.maxlen);
            entry.extend_from_slice(b" ...");
            trimmed = true;
        }
        self.log(entry);
        if trimmed && !self.maxlen_hint_sent {
            self.maxlen_hint_sent = true;
            self.log(b"<hint> The above reply was trimmed. Use 'maxlen 0' to disable trimming.".to_vec());
        }
    }

    /// `ldbSendLogs`: the log as an array of status lines (CR and LF become spaces), consumed.
    fn send_logs(&mut self) {
        let mut proto = format!("*{}\r\n", self.logs.len()).into_bytes();
        for entry in self.logs.drain(..) {
            proto.push(b'+');
            proto.extend(entry.iter().map(|&c| if c == b'\r' || c == b'\n' { b' ' } else { c }));
            proto.extend_from_slice(b"\r\n");
        }
        // A failed write shows at the next read, which ends the session's stops.
        let _ = self.wire.write_all(&proto);
    }

    fn source_line(&self, line: i32) -> &[u8] {
        match usize::try_from(line - 1).ok().and_then(|i| self.src.get(i)) {
            Some(l) => l,
            None => b"<out of range source code line>",
        }
    }

    fn is_breakpoint(&self, line: i32) -> bool {
        self.breakpoints.contains(&line)
    }

    /// `ldbLogSourceLine`: the line with its markers (`->` current, `#` breakpoint).
    fn log_source_line(&mut self, line: i32) {
        let prefix = match (self.current_line == line, self.is_breakpoint(line)) {
            (true, true) => "->#",
            (true, false) => "-> ",
            (false, true) => "  #",
            (false, false) => "   ",
        };
        let mut entry = format!("{prefix}{line:<3} ").into_bytes();
        entry.extend_from_slice(self.source_line(line));
        self.log(entry);
    }

    /// `ldbList`: the lines within `context` of `around` (0: all).
    fn list(&mut self, around: i32, context: i32) {
        for j in 1..=self.src.len() as i32 {
            if around != 0 && (around - j).abs() > context {
                continue;
            }
            self.log_source_line(j);
        }
    }

    /// `ldbBreak`.
    fn breakpoint_command(&mut self, argv: &[Vec<u8>]) {
        if argv.len() == 1 {
            if self.breakpoints.is_empty() {
                self.log(b"No breakpoints set. Use 'b <line>' to add one.".to_vec());
            } else {
                self.log(format!("{} breakpoints set:", self.breakpoints.len()).into_bytes());
                for line in self.breakpoints.clone() {
                    self.log_source_line(line);
                }
            }
            return;
        }
        for arg in &argv[1..] {
            let Some(line) = crate::util::parse_i64(arg).filter(|l| i32::try_from(*l).is_ok()).map(|l| l as i32) else {
                let mut entry = b"Invalid argument:'".to_vec();
                entry.extend_from_slice(arg);
                entry.push(b'\'');
                self.log(entry);
                continue;
            };
            if line == 0 {
                self.breakpoints.clear();
                self.log(b"All breakpoints removed.".to_vec());
            } else if line > 0 {
                if self.breakpoints.len() == MAX_BREAKPOINTS {
                    self.log(b"Too many breakpoints set.".to_vec());
                } else if line <= self.src.len() as i32 && !self.is_breakpoint(line) {
                    self.breakpoints.push(line);
                    self.list(line, 1);
                } else {
                    self.log(b"Wrong line number.".to_vec());
                }
            } else if self.delete_breakpoint(-line) {
                self.log(b"Breakpoint removed.".to_vec());
            } else {
                self.log(b"No breakpoint in the specified line.".to_vec());
            }
        }
    }

    /// `ldbDelBreakpoint`, with its `memmove` of `count - j` *bytes* of an int array: removing a
    /// breakpoint other than the last shifts only part of the one after it (redis-cli users see
    /// exactly this in Redis 7.0, so it is kept).
    fn delete_breakpoint(&mut self, line: i32) -> bool {
        let Some(j) = self.breakpoints.iter().position(|&b| b == line) else { return false };
        let count = self.breakpoints.len() - 1;
        let mut bytes: Vec<u8> = self.breakpoints.iter().flat_map(|b| b.to_ne_bytes()).collect();
        let moved = count - j;
        let (from, to) = ((j + 1) * 4, j * 4);
        let chunk: Vec<u8> = bytes[from..(from + moved).min(bytes.len())].to_vec();
        bytes[to..to + chunk.len()].copy_from_slice(&chunk);
        self.breakpoints = bytes.chunks(4).take(count).map(|c| i32::from_ne_bytes([c[0], c[1], c[2], c[3]])).collect();
        true
    }

    /// `ldbMaxlen`.
    fn maxlen_command(&mut self, argv: &[Vec<u8>]) {
        if argv.len() == 2 {
            let mut n = atoi(&argv[1]) as i32;
            self.maxlen_hint_sent = true;
            if n != 0 && n <= 60 {
                n = 60;
            }
            self.maxlen = n as usize;
        }
        let entry = if self.maxlen != 0 {
            format!("<value> replies are truncated at {} bytes.", self.maxlen)
        } else {
            "<value> replies are unlimited.".to_string()
        };
        self.log(entry.into_bytes());
    }

    /// `ldbReplParseCommand`: one multibulk request from the input (Redis's forgiving parser:
    /// junk before the `*` is skipped). `Ok(None)`: more input is needed.
    fn parse_request(&self) -> Result<Option<Vec<Vec<u8>>>, &'static str> {
        const PROTOCOL_ERROR: &str = "protocol error";
        // Parsed as C strings: a NUL ends the buffer.
        let buf = match self.input.iter().position(|&c| c == 0) {
            Some(nul) => &self.input[..nul],
            None => &self.input[..],
        };
        if buf.is_empty() {
            return Ok(None);
        }
        let Some(star) = buf.iter().position(|&c| c == b'*') else { return Err(PROTOCOL_ERROR) };
        let find_crlf = |from: usize| buf[from..].windows(2).position(|w| w == b"\r\n").map(|i| from + i);
        let Some(eol) = find_crlf(star) else { return Ok(None) };
        let argc = atoi(&buf[star + 1..eol]);
        if argc <= 0 || argc > 1024 {
            return Err(PROTOCOL_ERROR);
        }
        let mut p = eol + 2;
        let mut argv = Vec::with_capacity(argc as usize);
        while (argv.len() as i64) < argc {
            if p >= buf.len() {
                return Ok(None);
            }
            if buf[p] != b'$' {
                return Err(PROTOCOL_ERROR);
            }
            let Some(eol) = find_crlf(p) else { return Ok(None) };
            let len = atoi(&buf[p + 1..eol]);
            if len <= 0 || len > 1024 {
                return Err(PROTOCOL_ERROR);
            }
            let start = eol + 2;
            let end = start + len as usize;
            if end + 2 > buf.len() {
                return Ok(None);
            }
            argv.push(buf[start..end].to_vec());
            if &buf[end..end + 2] != b"\r\n" {
                return Err(PROTOCOL_ERROR);
            }
            p = end + 2;
        }
        Ok(Some(argv))
    }
}

/// C's `atoi`: leading blanks, a sign, digits; 0 when there are none.
fn atoi(s: &[u8]) -> i64 {
    let mut i = 0;
    while i < s.len() && matches!(s[i], b' ' | b'\t' | b'\n' | b'\r' | 0x0b | 0x0c) {
        i += 1;
    }
    let neg = i < s.len() && s[i] == b'-';
    if i < s.len() && (s[i] == b'-' || s[i] == b'+') {
        i += 1;
    }
    let mut n: i64 = 0;
    while i < s.len() && s[i].is_ascii_digit() {
        n = n.wrapping_mul(10).wrapping_add((s[i] - b'0') as i64);
        i += 1;
    }
    (if neg { n.wrapping_neg() } else { n }) as i32 as i64
}

/// C's `%g` of a Lua number, as glibc prints it.
fn fmt_number(d: f64) -> String {
    if d.is_nan() {
        return if d.is_sign_negative() { "-nan".into() } else { "nan".into() };
    }
    if d.is_infinite() {
        return if d > 0.0 { "inf".into() } else { "-inf".into() };
    }
    crate::util::fmt_g(d, 6)
}

/// How a stop ends the REPL.
enum Resume {
    /// Back to the script.
    Continue,
    /// The client is gone.
    Gone,
    /// Raise this error in the script (`abort`, a protocol error).
    Raise(&'static str),
}

const HELP: &[&str] = &[
    "Redis Lua debugger help:",
    "[h]elp               Show this help.",
    "[s]tep               Run current line and stop again.",
    "[n]ext               Alias for step.",
    "[c]ontinue           Run till next breakpoint.",
    "[l]ist               List source code around current line.",
    "[l]ist [line]        List source code around [line].",
    "                     line = 0 means: current position.",
    "[l]ist [line] [ctx]  In this form [ctx] specifies how many lines",
    "                     to show before/after [line].",
    "[w]hole              List all source code. Alias for 'list 1 1000000'.",
    "[p]rint              Show all the local variables.",
    "[p]rint <var>        Show the value of the specified variable.",
    "                     Can also show global vars KEYS and ARGV.",
    "[b]reak              Show all breakpoints.",
    "[b]reak <line>       Add a breakpoint to the specified line.",
    "[b]reak -<line>      Remove breakpoint from the specified line.",
    "[b]reak 0            Remove all breakpoints.",
    "[t]race              Show a backtrace.",
    "[e]val <code>        Execute some Lua code (in a different callframe).",
    "[r]edis <cmd>        Execute a Redis command.",
    "[m]axlen [len]       Trim logged Redis replies and Lua var dumps to len.",
    "                     Specifying zero as <len> means unlimited.",
    "[a]bort              Stop the execution of the script. In sync",
    "                     mode dataset changes will be retained.",
    "",
    "Debugger functions you can call from Lua scripts:",
    "redis.debug()        Produce logs in the debugger console.",
    "redis.breakpoint()   Stop execution like if there was a breakpoint in the",
    "                     next line of code.",
];

fn is(arg: &[u8], short: &str, long: &str) -> bool {
    arg.eq_ignore_ascii_case(short.as_bytes()) || arg.eq_ignore_ascii_case(long.as_bytes())
}

/// `ldbRepl`: debugger commands until one resumes the script.
///
/// # Safety
/// `l` is the running script's state, inside the line hook.
unsafe fn repl(s: &mut Session, l: *mut ffi::lua_State) -> Resume {
    loop {
        let argv = loop {
            match s.parse_request() {
                Ok(Some(argv)) => break argv,
                Err(e) => return Resume::Raise(e),
                Ok(None) => {}
            }
            let mut buf = [0u8; 1024];
            match s.wire.read(&mut buf) {
                Ok(n) if n > 0 => s.input.extend_from_slice(&buf[..n]),
                _ => {
                    // The script goes on without its user.
                    s.step = false;
                    s.breakpoints.clear();
                    return Resume::Gone;
                }
            }
            if s.input.len() > MAX_INPUT {
                s.input.clear();
                return Resume::Raise("max client buffer reached");
            }
        };
        // What else was in the buffer is dropped, as Redis drops it.
        s.input.clear();
        let cmd = argv[0].as_slice();
        if is(cmd, "h", "help") {
            for line in HELP {
                s.log(line.as_bytes().to_vec());
            }
        } else if is(cmd, "s", "step") || is(cmd, "n", "next") {
            s.step = true;
            return Resume::Continue;
        } else if is(cmd, "c", "continue") {
            return Resume::Continue;
        } else if is(cmd, "t", "trace") {
            trace(s, l);
        } else if is(cmd, "m", "maxlen") {
            s.maxlen_command(&argv);
        } else if is(cmd, "b", "break") {
            s.breakpoint_command(&argv);
        } else if is(cmd, "e", "eval") {
            eval(s, l, &argv);
        } else if is(cmd, "a", "abort") {
            return Resume::Raise("script aborted for user request");
        } else if argv.len() > 1 && is(cmd, "r", "redis") {
            redis_command(s, l, &argv);
        } else if is(cmd, "p", "print") {
            if argv.len() == 2 {
                print_var(s, l, &argv[1]);
            } else {
                print_all(s, l);
            }
        } else if is(cmd, "l", "list") {
            let mut around = s.current_line;
            let mut context = 5;
            if argv.len() > 1 {
                let n = atoi(&argv[1]) as i32;
                if n > 0 {
                    around = n;
                }
            }
            if argv.len() > 2 {
                context = atoi(&argv[2]) as i32;
            }
            s.list(around, context);
        } else if is(cmd, "w", "whole") {
            s.list(1, 1_000_000);
        } else {
            s.log(b"<error> Unknown Redis Lua debugger command or wrong number of arguments.".to_vec());
        }
        s.send_logs();
    }
}

/// A zeroed activation record (its private field cannot be named).
fn new_debug() -> ffi::lua_Debug {
    // SAFETY: lua_Debug is plain C data; all-zero is what `lua_getstack` expects to fill.
    unsafe { std::mem::zeroed() }
}

/// `lua_Debug.short_src` as bytes.
fn short_src(ar: &ffi::lua_Debug) -> &[u8] {
    // SAFETY: Lua keeps `short_src` NUL-terminated within its buffer.
    unsafe { CStr::from_ptr(ar.short_src.as_ptr()) }.to_bytes()
}

fn contains(hay: &[u8], needle: &[u8]) -> bool {
    hay.windows(needle.len()).any(|w| w == needle)
}

/// The line hook (`luaLdbLineHook`), also called every [`COUNT_PERIOD`] instructions for the
/// timeout. An error to raise is raised here, after everything that owns memory is dropped.
unsafe extern "C-unwind" fn hook(l: *mut ffi::lua_State, ar: *mut ffi::lua_Debug) {
    let raise = std::panic::catch_unwind(std::panic::AssertUnwindSafe(|| hook_step(l, ar))).unwrap_or(None);
    if let Some(msg) = raise {
        super::convert::raise_error(l, msg);
    }
}

unsafe fn hook_step(l: *mut ffi::lua_State, ar: *mut ffi::lua_Debug) -> Option<&'static str> {
    let ar = &mut *ar;
    let event = ar.event;
    ffi::lua_getstack(l, 0, ar);
    ffi::lua_getinfo(l, c"Sl".as_ptr(), ar);
    let in_script = contains(short_src(ar), b"user_script");
    let line = ar.currentline;
    with_session(|s| {
        s.current_line = line;
        let bp = s.is_breakpoint(line) || s.luabp;
        if !in_script {
            return None;
        }
        let mut timeout = false;
        if event == ffi::LUA_HOOKCOUNT && !s.step && !bp {
            if s.since.elapsed() < s.timeout {
                return None;
            }
            timeout = true;
            s.step = true;
        }
        if !(s.step || bp) {
            return None;
        }
        let reason = if bp {
            if s.luabp {
                "redis.breakpoint() called"
            } else {
                "break point"
            }
        } else if timeout {
            "timeout reached, infinite loop?"
        } else {
            "step over"
        };
        s.step = false;
        s.luabp = false;
        s.log(format!("* Stopped at {line}, stop reason = {reason}").into_bytes());
        s.log_source_line(line);
        s.send_logs();
        let outcome = repl(s, l);
        s.since = Instant::now();
        match outcome {
            Resume::Continue => None,
            Resume::Raise(e) => Some(e),
            Resume::Gone if timeout => Some("timeout during Lua debugging with client closing connection"),
            Resume::Gone => None,
        }
    })
    .flatten()
}

/// Installs the debugger's hook on the running state (the engine does, when a session is active).
///
/// # Safety
/// `l` is the engine's state, about to run the script.
pub unsafe fn install_hook(l: *mut ffi::lua_State) {
    ffi::lua_sethook(l, Some(hook), ffi::LUA_MASKLINE | ffi::LUA_MASKCOUNT, COUNT_PERIOD);
}

/// `ldbCatStackValue`: the Lua value at `idx` as the debugger prints it.
unsafe fn cat_value(out: &mut Vec<u8>, l: *mut ffi::lua_State, idx: c_int, level: usize) {
    if level == MAX_VALUE_DEPTH {
        out.extend_from_slice(b"<max recursion level reached! Nested table?>");
        return;
    }
    let level = level + 1;
    let idx = if idx < 0 { ffi::lua_gettop(l) + idx + 1 } else { idx };
    let t = ffi::lua_type(l, idx);
    match t {
        ffi::LUA_TSTRING => {
            let mut len = 0usize;
            let p = ffi::lua_tolstring(l, idx, &mut len);
            let mut s = String::new();
            crate::util::repr_into(&mut s, std::slice::from_raw_parts(p as *const u8, len));
            out.extend_from_slice(s.as_bytes());
        }
        ffi::LUA_TBOOLEAN => out.extend_from_slice(if ffi::lua_toboolean(l, idx) != 0 { b"true" } else { b"false" }),
        ffi::LUA_TNUMBER => out.extend_from_slice(fmt_number(ffi::lua_tonumber(l, idx)).as_bytes()),
        ffi::LUA_TNIL => out.extend_from_slice(b"nil"),
        ffi::LUA_TTABLE => {
            let mut expected = 1.0;
            let mut is_array = true;
            let (mut as_array, mut as_map) = (Vec::new(), Vec::new());
            ffi::lua_pushnil(l);
            while ffi::lua_next(l, idx) != 0 {
                if is_array && (ffi::lua_type(l, -2) != ffi::LUA_TNUMBER || ffi::lua_tonumber(l, -2) != expected) {
                    is_array = false;
                }
                cat_value(&mut as_array, l, -1, level);
                as_array.extend_from_slice(b"; ");
                as_map.push(b'[');
                cat_value(&mut as_map, l, -2, level);
                as_map.extend_from_slice(b"]=");
                cat_value(&mut as_map, l, -1, level);
                as_map.extend_from_slice(b"; ");
                ffi::lua_settop(l, -2);
                expected += 1.0;
            }
            let chosen = if is_array { &mut as_array } else { &mut as_map };
            if !chosen.is_empty() {
                chosen.truncate(chosen.len() - 2);
            }
            out.push(b'{');
            out.extend_from_slice(chosen);
            out.push(b'}');
        }
        ffi::LUA_TFUNCTION | ffi::LUA_TUSERDATA | ffi::LUA_TTHREAD | ffi::LUA_TLIGHTUSERDATA => {
            let kind = match t {
                ffi::LUA_TFUNCTION => "function",
                ffi::LUA_TUSERDATA => "userdata",
                ffi::LUA_TTHREAD => "thread",
                _ => "light-userdata",
            };
            out.extend_from_slice(format!("\"{kind}@{:p}\"", ffi::lua_topointer(l, idx)).as_bytes());
        }
        _ => out.extend_from_slice(b"\"<unknown-lua-type>\""),
    }
}

/// `ldbLogStackValue`: `prefix` and the value on top of the stack, trimmed at `maxlen`.
unsafe fn log_top(s: &mut Session, l: *mut ffi::lua_State, prefix: &[u8]) {
    let mut entry = prefix.to_vec();
    cat_value(&mut entry, l, -1, 0);
    s.log_trimmed(entry);
}

/// Calls `f` with the name of each local of the frame `ar`, its value on top of the stack meanwhile,
/// until `f` returns true; whether it did.
unsafe fn each_local(l: *mut ffi::lua_State, ar: &ffi::lua_Debug, mut f: impl FnMut(&[u8]) -> bool) -> bool {
    let mut i = 1;
    loop {
        let local = ffi::lua_getlocal(l, ar, i);
        if local.is_null() {
            return false;
        }
        i += 1;
        let done = f(CStr::from_ptr(local).to_bytes());
        ffi::lua_settop(l, -2);
        if done {
            return true;
        }
    }
}

/// `ldbPrint`: the first local of that name from the current frame outwards, else KEYS or ARGV.
unsafe fn print_var(s: &mut Session, l: *mut ffi::lua_State, name: &[u8]) {
    let mut ar = new_debug();
    let mut level = 0;
    while ffi::lua_getstack(l, level, &mut ar) != 0 {
        level += 1;
        let found = each_local(l, &ar, |local| {
            let matches = local == name;
            if matches {
                log_top(s, l, b"<value> ");
            }
            matches
        });
        if found {
            return;
        }
    }
    if name == b"ARGV" || name == b"KEYS" {
        let global = if name == b"ARGV" { c"ARGV" } else { c"KEYS" };
        ffi::lua_getfield(l, ffi::LUA_GLOBALSINDEX, global.as_ptr());
        log_top(s, l, b"<value> ");
        ffi::lua_settop(l, -2);
    } else {
        s.log(b"No such variable.".to_vec());
    }
}

/// `ldbPrintAll`: the current frame's locals.
unsafe fn print_all(s: &mut Session, l: *mut ffi::lua_State) {
    let mut ar = new_debug();
    let mut vars = 0;
    if ffi::lua_getstack(l, 0, &mut ar) != 0 {
        each_local(l, &ar, |name| {
            if !contains(name, b"(*temporary)") {
                let mut prefix = b"<value> ".to_vec();
                prefix.extend_from_slice(name);
                prefix.extend_from_slice(b" = ");
                log_top(s, l, &prefix);
                vars += 1;
            }
            false
        });
    }
    if vars == 0 {
        s.log(b"No local variables in the current context.".to_vec());
    }
}

/// `ldbTrace`.
unsafe fn trace(s: &mut Session, l: *mut ffi::lua_State) {
    let mut ar = new_debug();
    let mut level = 0;
    while ffi::lua_getstack(l, level, &mut ar) != 0 {
        ffi::lua_getinfo(l, c"Snl".as_ptr(), &mut ar);
        if contains(short_src(&ar), b"user_script") {
            let name = if ar.name.is_null() { "top level".to_string() } else { CStr::from_ptr(ar.name).to_string_lossy().into_owned() };
            s.log(format!("{} {name}:", if level == 0 { "In" } else { "From" }).into_bytes());
            s.log_source_line(ar.currentline);
        }
        level += 1;
    }
    if level == 0 {
        s.log(b"<error> Can't retrieve Lua stack.".to_vec());
    }
}

/// The message of the error on top of the stack (`lua_tostring`: "(null)" for what is not a
/// string or a number, as C's `%s` of NULL prints).
unsafe fn top_text(l: *mut ffi::lua_State) -> Vec<u8> {
    let t = ffi::lua_type(l, -1);
    if t != ffi::LUA_TSTRING && t != ffi::LUA_TNUMBER {
        return b"(null)".to_vec();
    }
    let mut len = 0usize;
    let p = ffi::lua_tolstring(l, -1, &mut len);
    if p.is_null() {
        return b"(null)".to_vec();
    }
    std::slice::from_raw_parts(p as *const u8, len).to_vec()
}

/// `ldbEval`: the code as an expression (`return <code>`), else as a statement, in a frame of its
/// own with the script's globals.
unsafe fn eval(s: &mut Session, l: *mut ffi::lua_State, argv: &[Vec<u8>]) {
    let code = argv[1..].join(&b' ');
    let mut expr = b"return ".to_vec();
    expr.extend_from_slice(&code);
    let load = |body: &[u8]| ffi::luaL_loadbuffer(l, body.as_ptr() as *const c_char, body.len(), c"@ldb_eval".as_ptr());
    if load(&expr) != 0 {
        ffi::lua_settop(l, -2);
        if load(&code) != 0 {
            let mut entry = b"<error> ".to_vec();
            entry.extend_from_slice(&top_text(l));
            ffi::lua_settop(l, -2);
            s.log(entry);
            return;
        }
    }
    // The script's environment (the read-only globals), from the running function.
    let mut ar = new_debug();
    if ffi::lua_getstack(l, 0, &mut ar) != 0 && ffi::lua_getinfo(l, c"f".as_ptr(), &mut ar) != 0 {
        ffi::lua_getfenv(l, -1);
        ffi::lua_setfenv(l, -3);
        ffi::lua_settop(l, -2);
    }
    // Through the scripts' own `pcall`, which gives an error raised from Rust as its message (the
    // read-only globals' errors, `redis.*` argument errors), as Lua's own C functions give them.
    ffi::lua_getfield(l, ffi::LUA_GLOBALSINDEX, c"pcall".as_ptr());
    ffi::lua_insert(l, -2);
    if ffi::lua_pcall(l, 1, 2, 0) != 0 {
        ffi::lua_pushboolean(l, 0);
        ffi::lua_insert(l, -2);
    }
    if ffi::lua_toboolean(l, -2) == 0 {
        let mut entry = b"<error> ".to_vec();
        entry.extend_from_slice(&top_text(l));
        ffi::lua_settop(l, -3);
        s.log(entry);
        return;
    }
    log_top(s, l, b"<retval> ");
    ffi::lua_settop(l, -3);
}

/// `ldbRedis`: `redis.call` with logging forced on, so the command and its reply are logged.
unsafe fn redis_command(s: &mut Session, l: *mut ffi::lua_State, argv: &[Vec<u8>]) {
    if ffi::lua_checkstack(l, argv.len() as c_int + 1) == 0 {
        s.log_trimmed(b"<reply> max lua stack reached".to_vec());
        return;
    }
    ffi::lua_getfield(l, ffi::LUA_GLOBALSINDEX, c"redis".as_ptr());
    ffi::lua_pushstring(l, c"call".as_ptr());
    ffi::lua_gettable(l, -2);
    for a in &argv[1..] {
        ffi::lua_pushlstring(l, a.as_ptr() as *const c_char, a.len());
    }
    s.step = true;
    ffi::lua_pcall(l, argv.len() as c_int - 1, 1, 0);
    s.step = false;
    ffi::lua_settop(l, -3);
}

/// `redis.breakpoint()`: in a session, stop at the next line (true); else false.
pub fn breakpoint() -> bool {
    with_session(|s| s.luabp = true).is_some()
}

/// `redis.debug(...)`: the arguments logged as `<debug> line N: v1, v2, ...`.
///
/// # Safety
/// `l` is the state inside the call, with the arguments on its stack.
pub unsafe fn debug(l: *mut ffi::lua_State) {
    let argc = ffi::lua_gettop(l);
    with_session(|s| {
        let mut entry = format!("<debug> line {}: ", s.current_line).into_bytes();
        for i in 1..=argc {
            cat_value(&mut entry, l, i, 0);
            if i != argc {
                entry.extend_from_slice(b", ");
            }
        }
        s.log(entry);
    });
}

/// Whether `redis.call`s are logged now (a step, or the `redis` debugger command).
fn logging() -> bool {
    with_session(|s| s.step).unwrap_or(false)
}

/// A command a script is about to run: `<redis> argv...` (ten arguments at most).
pub fn log_command(argv: &[Bytes]) {
    if !logging() {
        return;
    }
    let mut entry = b"<redis>".to_vec();
    for (j, a) in argv.iter().enumerate() {
        if j == 10 {
            entry.extend_from_slice(format!(" ... ({} more)", argv.len() - j - 1).as_bytes());
            break;
        }
        entry.push(b' ');
        entry.extend_from_slice(a);
    }
    with_session(|s| s.log(entry));
}

/// An error a script's command met (`luaPushErrorBuff`'s log line).
pub fn log_error(msg: &[u8]) {
    if !logging() {
        return;
    }
    let mut entry = b"<error> ".to_vec();
    entry.extend_from_slice(msg);
    with_session(|s| s.log(entry));
}

/// A command's reply, in the debugger's human form (`ldbLogRedisReply`).
pub fn log_reply(reply: &[u8]) {
    if !logging() {
        return;
    }
    if reply.first() == Some(&b'-') {
        let end = reply.iter().position(|&c| c == b'\r').unwrap_or(reply.len());
        log_error(&reply[..end]);
    }
    let mut entry = b"<reply> ".to_vec();
    let mut pos = 0;
    human_reply(&mut entry, reply, &mut pos);
    with_session(|s| s.log_trimmed(entry));
}

/// `ldbRedisProtocolToHuman`.
fn human_reply(out: &mut Vec<u8>, r: &[u8], pos: &mut usize) {
    let Some(&kind) = r.get(*pos) else { return };
    let line_end = r[*pos..].iter().position(|&c| c == b'\r').map(|i| *pos + i).unwrap_or(r.len());
    let line = r.get(*pos + 1..line_end).unwrap_or(&[]);
    let after = (line_end + 2).min(r.len());
    let count = || crate::util::parse_i64(line).unwrap_or(0);
    let repr = |out: &mut Vec<u8>, s: &[u8]| {
        let mut t = String::new();
        crate::util::repr_into(&mut t, s);
        out.extend_from_slice(t.as_bytes());
    };
    match kind {
        b':' => {
            out.extend_from_slice(line);
            *pos = after;
        }
        b'$' => {
            let n = count();
            if n < 0 {
                out.extend_from_slice(b"NULL");
                *pos = after;
            } else {
                let end = (after + n as usize).min(r.len());
                repr(out, &r[after..end]);
                *pos = (end + 2).min(r.len());
            }
        }
        b'+' | b'-' => {
            repr(out, &r[*pos..line_end]);
            *pos = after;
        }
        b'*' | b'~' | b'%' => {
            let n = count();
            *pos = after;
            if kind == b'*' && n < 0 {
                out.extend_from_slice(b"NULL");
                return;
            }
            let (open, close): (&[u8], &[u8]) = match kind {
                b'*' => (b"[", b"]"),
                b'~' => (b"~(", b")"),
                _ => (b"{", b"}"),
            };
            out.extend_from_slice(open);
            for j in 0..n.max(0) {
                if *pos >= r.len() {
                    break;
                }
                human_reply(out, r, pos);
                if kind == b'%' {
                    out.extend_from_slice(b" => ");
                    human_reply(out, r, pos);
                }
                if j != n - 1 {
                    out.push(b',');
                }
            }
            out.extend_from_slice(close);
        }
        b'_' => {
            out.extend_from_slice(b"(null)");
            *pos = after;
        }
        b'#' => {
            out.extend_from_slice(if line.first() == Some(&b't') { b"#true" } else { b"#false" });
            *pos = after;
        }
        b',' => {
            out.extend_from_slice(b"(double) ");
            out.extend_from_slice(line);
            *pos = after;
        }
        // Big numbers and verbatim strings are not handled by Redis's converter either.
        _ => *pos = r.len(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    struct Script(Vec<u8>, Vec<u8>);

    impl Wire for Script {
        fn read(&mut self, buf: &mut [u8]) -> std::io::Result<usize> {
            let n = self.0.len().min(buf.len());
            buf[..n].copy_from_slice(&self.0[..n]);
            self.0.drain(..n);
            Ok(n)
        }
        fn write_all(&mut self, data: &[u8]) -> std::io::Result<()> {
            self.1.extend_from_slice(data);
            Ok(())
        }
    }

    fn session(src: &str) -> Session {
        Session::new(Box::new(Script(Vec::new(), Vec::new())), src.as_bytes(), 0)
    }

    #[test]
    fn removing_a_breakpoint_keeps_redis_s_byte_sized_memmove() {
        let mut s = session("a\nb\nc\nd\ne\n");
        s.breakpoint_command(&[b"b".to_vec(), b"2".to_vec(), b"3".to_vec(), b"4".to_vec()]);
        assert!(s.delete_breakpoint(2));
        assert_eq!(s.breakpoints, vec![3, 3]);
    }

    #[test]
    fn requests_are_parsed_as_ldb_parses_them() {
        let mut s = session("x");
        s.input = b"xyz*1\r\n$1\r\ns\r\n".to_vec();
        assert_eq!(s.parse_request(), Ok(Some(vec![b"s".to_vec()])));
        s.input = b"*1\r\n$1\r\n".to_vec();
        assert_eq!(s.parse_request(), Ok(None));
        for bad in [&b"s\r\n"[..], b"*0\r\n", b"*1025\r\n", b"*1\r\n$0\r\n\r\n", b"*1\r\n:1\r\n", b"*1\r\n$1\r\nsXX"] {
            s.input = bad.to_vec();
            assert_eq!(s.parse_request(), Err("protocol error"), "{:?}", String::from_utf8_lossy(bad));
        }
    }

    #[test]
    fn replies_read_as_redis_shows_them() {
        let mut out = Vec::new();
        human_reply(&mut out, b"*4\r\n$1\r\na\r\n:1\r\n$-1\r\n+OK\r\n", &mut 0);
        assert_eq!(out, b"[\"a\",1,NULL,\"+OK\"]");
        let mut out = Vec::new();
        human_reply(&mut out, b"%1\r\n$1\r\na\r\n,1.5\r\n", &mut 0);
        assert_eq!(out, b"{\"a\" => (double) 1.5}");
    }

    #[test]
    fn malformed_replies_are_shown_without_panicking() {
        for r in [&b"\r\n"[..], b"$5\r\nab", b"*3\r\n:1\r\n", b"%2\r\n", b"$-1", b"*", b"~1\r\n\r", b"*999999999\r\n"] {
            let mut out = Vec::new();
            human_reply(&mut out, r, &mut 0);
        }
    }

    #[test]
    fn long_entries_are_cut_with_a_hint_once() {
        let mut s = session("x");
        s.maxlen_command(&[b"m".to_vec(), b"10".to_vec()]);
        assert_eq!(s.maxlen, 60);
        s.maxlen_hint_sent = false;
        s.log_trimmed(vec![b'x'; 70]);
        s.log_trimmed(vec![b'y'; 70]);
        assert_eq!(s.logs.len(), 4);
        assert!(s.logs[1].ends_with(b" ...") && s.logs[1].len() == 64);
        assert!(s.logs[2].starts_with(b"<hint>"));
    }
}
