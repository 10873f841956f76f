//! The Lua 5.1 interpreter Redis 7.0 gives scripts: its libraries, the `redis` API, the global
//! protection, and running one script or function with the caller's command runner installed.
//!
//! The engine knows nothing of commands: `redis.call` hands its arguments to the [`Host`] the
//! caller passed to [`Engine::run`] (the command layer's script runner), and gets back the reply
//! bytes, which `convert` turns into Lua values as Redis's `redisProtocolToLuaType` does.
//!
//! Errors follow Redis's shapes: the `redis` API raises error *tables* (`{err="ERR ..."}`), so a
//! script's `pcall(redis.call, ...)` gets the same value it gets from Redis; an uncaught error is
//! turned by the message handler into `{err, source, line}`, from which the caller builds
//! `... script: <name>, on @user_script:<line>.`.

use std::cell::Cell;
use std::ptr::NonNull;

use bytes::Bytes;
use mlua::{Function, HookTriggers, Lua, LuaOptions, MultiValue, StdLib, Table, Value, VmState};

use super::convert::{self, error_text};

/// What a running script needs from the server: the command layer implements it.
pub trait Host {
    /// Runs a command for `redis.call` / `redis.pcall`: the reply in the script's protocol
    /// (`resp`), or an error text (`"-CODE msg"` or a bare message, which gets `ERR`) when the
    /// command may not run from a script.
    fn call(&mut self, argv: Vec<Bytes>, resp: u8) -> Result<Vec<u8>, String>;
    /// `redis.set_repl`: where the script's next writes propagate (`REPL_*` bits).
    fn set_repl(&mut self, flags: u8);
    /// Called every [`HOOK_INSTRUCTIONS`] instructions: an error text stops the script (SCRIPT
    /// KILL); meanwhile the host may serve other clients with -BUSY.
    fn tick(&mut self) -> Result<(), String>;
    /// `redis.acl_check_cmd`: whether the script's user may run `argv`; an error text for an
    /// unknown command.
    fn may_run(&mut self, argv: &[Bytes]) -> Result<bool, String>;
}

/// What one interpreter may allocate: more fails the script with "not enough memory".
pub const MEMORY_LIMIT: usize = 1 << 30;

/// How often the instruction hook runs (Redis's `LUA_MASKCOUNT` of 100000).
pub const HOOK_INSTRUCTIONS: u32 = 100_000;

/// The `redis.REPL_*` bits (Redis's PROPAGATE_AOF / PROPAGATE_REPL).
pub const REPL_AOF: u8 = 1;
pub const REPL_REPLICA: u8 = 2;

/// Where an uncaught error came from, as Redis's error handler records it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ErrorInfo {
    /// The error text with its code ("ERR user_script:1: boom", "WRONGTYPE ...").
    pub msg: String,
    /// `@user_script` and the line, when the error was raised from a Lua frame.
    pub at: Option<(String, i64)>,
    /// A command's error reply passed on: already in the error stats.
    pub counted: bool,
}

/// Why a script did not return a value.
#[derive(Debug)]
pub enum RunError {
    /// An error raised and not caught by the script.
    Raised(ErrorInfo),
    /// A Lua value that is not a table reached the top (should not happen: the handler makes
    /// every error a table); kept as text, as Redis's "Error running script" branch.
    Other(String),
}

/// An error the `redis` API raises as a table `{err=msg}` (Redis's `luaPushError` + `luaError`);
/// the flag: it is a command's error reply, already counted in the error stats.
#[derive(Debug)]
struct TableError(String, bool);

impl std::fmt::Display for TableError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(&self.0)
    }
}

impl std::error::Error for TableError {}

/// The chunk name of the engine's own Lua code: frames from it are skipped when an error's
/// location is looked up, so the location is the user's line, as with Redis's C functions.
const PRELUDE_NAME: &str = "=redis";

/// Sets up the sandbox in Lua (run once per interpreter, in the real globals): read-only
/// proxies for the globals and the library tables (Redis 7.0 patches Lua for read-only tables;
/// stock Lua 5.1 gets there with proxies), `next`/`pairs` that see through them, `rawset` and
/// `setmetatable` that refuse them, and `pcall`/`xpcall` that hand a script the error values
/// Redis gives (`pcall`: the text of an error table; `xpcall`'s handler: the table itself;
/// the libraries' errors: their message).
const PRELUDE: &str = r#"
local conv, ro_error = ...
local G = _G
local opcall, oxpcall, onext, orawset, osetmetatable, error, type, rawget = pcall, xpcall, next, rawset, setmetatable, error, type, rawget
local real = osetmetatable({}, {__mode = 'k'})
local function protect(t)
  local p, meta = {}, {__index = t, __newindex = ro_error}
  osetmetatable(p, meta)
  real[p] = t
  return p, meta
end
for _, name in ipairs({'string', 'math', 'table', 'coroutine', 'bit', 'cjson', 'cmsgpack', 'struct', 'redis'}) do
  if G[name] then orawset(G, name, (protect(G[name]))) end
end
-- Redis's pcall gives a script the text of an error table, not the table.
local function fix(ok, ...)
  if ok then return ok, ... end
  local e = conv((...))
  if type(e) == 'table' and type(rawget(e, 'err')) == 'string' then e = rawget(e, 'err') end
  return false, e
end
orawset(G, 'pcall', function(f, ...) return fix(opcall(f, ...)) end)
orawset(G, 'xpcall', function(f, h) return oxpcall(f, function(e) return h(conv(e)) end) end)
local function nxt(t, k) return onext(real[t] or t, k) end
orawset(G, 'next', nxt)
orawset(G, 'pairs', function(t) return nxt, t, nil end)
orawset(G, 'rawset', function(t, k, v)
  if real[t] then error('Attempt to modify a readonly table', 0) end
  return orawset(t, k, v)
end)
orawset(G, 'setmetatable', function(t, m)
  if real[t] then error('Attempt to modify a readonly table', 0) end
  return osetmetatable(t, m)
end)
local env, env_meta = protect(G)
orawset(G, '_G', env)
return env, env_meta, oxpcall
"#;

thread_local! {
    /// The host of the script running on this thread, set only inside [`Engine::run`].
    static HOST: Cell<Option<NonNull<dyn Host + 'static>>> = const { Cell::new(None) };
    /// The protocol `redis.call` replies in (`redis.setresp`), reset to 2 for every script.
    static RESP: Cell<u8> = const { Cell::new(2) };
    /// When a FUNCTION library's code, running at load time, is stopped.
    static LOAD_DEADLINE: Cell<Option<std::time::Instant>> = const { Cell::new(None) };
}

/// Runs `f` with the host of the running script, if any.
#[allow(unsafe_code)]
fn with_host<R>(f: impl FnOnce(&mut dyn Host) -> R) -> Option<R> {
    let ptr = HOST.with(|h| h.get())?;
    // SAFETY: HOST is set only by `Engine::run` from a `&mut dyn Host` that outlives the call
    // (the guard clears it before `run` returns, even on unwind), and the Lua callbacks that
    // get here run only inside that call, on this thread. No other reference to the host is
    // used while a callback runs: `run` itself is blocked in the Lua call.
    Some(f(unsafe { &mut *ptr.as_ptr() }))
}

/// The hook every script runs with: every [`HOOK_INSTRUCTIONS`] instructions the host serves
/// other clients and checks for SCRIPT KILL (a debugging session replaces it while it runs).
fn install_count_hook(lua: &Lua) -> mlua::Result<()> {
    lua.set_hook(HookTriggers::new().every_nth_instruction(HOOK_INSTRUCTIONS), |_lua, _dbg| match with_host(|h| h.tick()) {
        Some(Err(msg)) => Err(table_error(&msg)),
        Some(Ok(())) => Ok(VmState::Continue),
        // No script runs: a FUNCTION library's code at load time, which Redis stops after
        // half a second.
        None => match LOAD_DEADLINE.with(|d| d.get()) {
            Some(deadline) if std::time::Instant::now() > deadline => Err(table_error("FUNCTION LOAD timeout")),
            _ => Ok(VmState::Continue),
        },
    })
}

/// Clears HOST when a run ends.
struct HostGuard(Option<NonNull<dyn Host + 'static>>);

impl Drop for HostGuard {
    fn drop(&mut self) {
        HOST.with(|h| h.set(self.0));
    }
}

/// An interpreter started on first use (a sentinel never needs one) and lent out for each run
/// (the run needs the rest of the state mutably). `setup` runs once on a new interpreter.
#[derive(Default)]
pub struct Slot {
    engine: Option<Engine>,
}

impl Slot {
    pub fn get(&mut self, setup: fn(&mut Engine) -> mlua::Result<()>) -> Result<&Engine, String> {
        if self.engine.is_none() {
            let start = |e: mlua::Error| format!("ERR Failed to start the Lua engine: {e}");
            let mut engine = Engine::new().map_err(start)?;
            setup(&mut engine).map_err(start)?;
            self.engine = Some(engine);
        }
        Ok(self.engine.as_ref().expect("just set"))
    }

    /// Takes the interpreter out for a run; give it back with [`Self::put`].
    pub fn take(&mut self, setup: fn(&mut Engine) -> mlua::Result<()>) -> Result<Engine, String> {
        self.get(setup)?;
        Ok(self.engine.take().expect("just made"))
    }

    /// Gives back what [`Self::take`] lent (nothing can replace it meanwhile: the commands that
    /// reset an interpreter cannot run inside a script).
    pub fn put(&mut self, engine: Engine) {
        self.engine = Some(engine);
    }

    /// Drops the interpreter; the next use starts a new one.
    pub fn reset(&mut self) {
        self.engine = None;
    }

    /// Bytes the interpreter holds (an interpreter not started yet counts as an empty one).
    pub fn memory(&self) -> usize {
        self.engine.as_ref().map(|e| e.lua().used_memory()).unwrap_or(super::EMPTY_VM_BYTES)
    }
}

pub struct Engine {
    lua: Lua,
    /// The real globals: the libraries, `redis`, and KEYS/ARGV (set raw before each EVAL).
    globals: Table,
    /// What scripts see as their globals: an empty table that reads through to `globals` and
    /// refuses writes (Redis 7.0's read-only global table).
    env: Table,
    /// The metatable of `env`: its `__index` is `globals`, or the library API while a FUNCTION
    /// library's code runs at load time.
    env_meta: Table,
    /// What a library's code sees at load time (`redis.register_function` and little else).
    library_api: Option<Table>,
    xpcall: Function,
    handler: Function,
}

impl std::fmt::Debug for Engine {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("Engine")
    }
}

impl Engine {
    pub fn new() -> mlua::Result<Engine> {
        // Redis loads base, table, string and math (and debug, which it hides), then cjson,
        // struct, cmsgpack and bit; not io, os or package (so no require). Its globals lack the
        // base functions below.
        let lua = Lua::new_with(StdLib::TABLE | StdLib::STRING | StdLib::MATH, LuaOptions::default())?;
        // Redis's Lua has no limit and a script can take the server down with one
        // `string.rep`; here an allocation past the limit is a script error instead.
        lua.set_memory_limit(MEMORY_LIMIT)?;
        let globals = lua.globals();
        super::libs::load_all(&lua)?;
        for name in ["loadfile", "dofile", "print", "setfenv", "getfenv", "newproxy"] {
            globals.raw_set(name, Value::Nil)?;
        }
        super::libs::math::load(&lua)?;
        let redis = lua.create_table()?;
        Self::install_redis(&lua, &redis)?;
        globals.raw_set("redis", redis)?;
        let handler = lua.create_function(|lua, err: Value| error_handler(lua, err))?;
        globals.raw_set("__redis__err__handler", handler.clone())?;
        let conv = lua.create_function(|lua, v: Value| script_error_value(lua, v))?;
        let ro_error = lua.create_function(|lua, _: MultiValue| -> mlua::Result<()> { Err(lua_error(lua, "Attempt to modify a readonly table")) })?;
        let (env, env_meta, xpcall): (Table, Table, Function) = lua.load(PRELUDE).set_name(PRELUDE_NAME).call((conv, ro_error))?;
        // Reading a global that does not exist is an error.
        let missing = lua.create_table()?;
        missing.raw_set(
            "__index",
            lua.create_function(|lua, (_t, key): (Value, Value)| -> mlua::Result<Value> {
                let name = match &key {
                    Value::String(s) => s.to_string_lossy().to_string(),
                    other => other.to_string().unwrap_or_default(),
                };
                Err(lua_error(lua, &format!("Script attempted to access nonexistent global variable '{name}'")))
            })?,
        )?;
        let _ = globals.set_metatable(Some(missing));
        install_count_hook(&lua)?;
        Ok(Engine { lua, globals, env, env_meta, library_api: None, xpcall, handler })
    }

    /// The fields of `redis` that need no host: constants and pure functions.
    fn install_redis(lua: &Lua, redis: &Table) -> mlua::Result<()> {
        redis.set("LOG_DEBUG", 0)?;
        redis.set("LOG_VERBOSE", 1)?;
        redis.set("LOG_NOTICE", 2)?;
        redis.set("LOG_WARNING", 3)?;
        redis.set("REPL_NONE", 0)?;
        redis.set("REPL_AOF", REPL_AOF)?;
        redis.set("REPL_SLAVE", REPL_REPLICA)?;
        redis.set("REPL_REPLICA", REPL_REPLICA)?;
        redis.set("REPL_ALL", REPL_AOF | REPL_REPLICA)?;
        redis.set("REDIS_VERSION", crate::REDIS_VERSION)?;
        redis.set("REDIS_VERSION_NUM", version_num(crate::REDIS_VERSION))?;
        redis.set("error_reply", lua.create_function(|lua, args: MultiValue| single_field(lua, args, "err"))?)?;
        redis.set("status_reply", lua.create_function(|lua, args: MultiValue| single_field(lua, args, "ok"))?)?;
        // Effects replication is the only mode in 7.0: asking for it always succeeds.
        redis.set("replicate_commands", lua.create_function(|_, _: MultiValue| Ok(true))?)?;
        // The debugger's functions do nothing outside a debugging session.
        redis.set("breakpoint", lua.create_function(|_, _: MultiValue| Ok(super::debugger::breakpoint()))?)?;
        Self::install_host_api(lua, redis)
    }

    /// `redis.call` and the other functions that reach the host or raise errors.
    #[allow(unsafe_code)]
    fn install_host_api(lua: &Lua, redis: &Table) -> mlua::Result<()> {
        // SAFETY: plain Lua C functions (see `lua_redis_call`).
        unsafe {
            redis.raw_set("call", lua.create_c_function(lua_redis_call)?)?;
            redis.raw_set("pcall", lua.create_c_function(lua_redis_pcall)?)?;
            redis.raw_set("debug", lua.create_c_function(lua_redis_debug)?)?;
        }
        redis.raw_set(
            "sha1hex",
            lua.create_function(|lua, args: MultiValue| {
                if args.len() != 1 {
                    return Err(table_error("wrong number of arguments"));
                }
                let bytes = match &args[0] {
                    Value::String(s) => s.as_bytes().to_vec(),
                    Value::Integer(_) | Value::Number(_) => args[0].to_string().unwrap_or_default().into_bytes(),
                    _ => Vec::new(),
                };
                lua.create_string(super::sha1_hex(&bytes))
            })?,
        )?;
        redis.raw_set(
            "setresp",
            lua.create_function(|_, args: MultiValue| {
                if args.len() != 1 {
                    return Err(table_error("redis.setresp() requires one argument."));
                }
                let n = number(&args[0]).unwrap_or(0.0);
                if n != 2.0 && n != 3.0 {
                    return Err(table_error("RESP version must be 2 or 3."));
                }
                RESP.with(|r| r.set(n as u8));
                Ok(())
            })?,
        )?;
        redis.raw_set(
            "set_repl",
            lua.create_function(|_, args: MultiValue| {
                if args.len() != 1 {
                    return Err(table_error("redis.set_repl() requires two arguments."));
                }
                let n = number(&args[0]).unwrap_or(0.0) as i64;
                if n & !((REPL_AOF | REPL_REPLICA) as i64) != 0 {
                    return Err(table_error("Invalid replication flags. Use REPL_AOF, REPL_REPLICA, REPL_ALL or REPL_NONE."));
                }
                with_host(|h| h.set_repl(n as u8)).ok_or_else(|| table_error("redis.set_repl can only be called inside a script invocation"))
            })?,
        )?;
        redis.raw_set(
            "acl_check_cmd",
            lua.create_function(|_, args: MultiValue| {
                if args.is_empty() {
                    return Err(table_error("Please specify at least one argument for this redis lib call"));
                }
                let argv = command_args(args.into_iter()).map_err(|e| table_error(&e))?;
                match with_host(|h| h.may_run(&argv)) {
                    Some(Ok(allowed)) => Ok(allowed),
                    Some(Err(e)) => Err(table_error(&e)),
                    None => Err(table_error("redis.acl_check_cmd can only be called inside a script invocation")),
                }
            })?,
        )?;
        redis.raw_set(
            "log",
            lua.create_function(|_, args: MultiValue| {
                if args.len() < 2 {
                    return Err(table_error("redis.log() requires two arguments or more."));
                }
                let Some(level) = number(&args[0]) else {
                    return Err(table_error("First argument must be a number (log level)."));
                };
                let level = level as i64;
                if !(0..=3).contains(&level) {
                    return Err(table_error("Invalid debug level."));
                }
                let mut msg = String::new();
                for (i, a) in args.iter().skip(1).enumerate() {
                    if i > 0 {
                        msg.push(' ');
                    }
                    // Redis concatenates what lua_tolstring gives: strings and numbers.
                    match a {
                        Value::String(s) => msg.push_str(&s.to_string_lossy()),
                        Value::Integer(_) | Value::Number(_) => msg.push_str(&a.to_string().unwrap_or_default()),
                        _ => {}
                    }
                }
                match level {
                    0 => crate::log::debug(&msg),
                    1 => crate::log::verbose(&msg),
                    2 => crate::log::notice(&msg),
                    _ => crate::log::warning(&msg),
                }
                Ok(())
            })?,
        )?;
        Ok(())
    }

    /// Compiles a script body. `name` is the chunk name (`@user_script`); a syntax error comes
    /// back as Lua's message (`user_script:1: '=' expected near 'x'`).
    pub fn compile(&self, body: &[u8], name: &str) -> Result<Function, String> {
        self.lua.load(body).set_name(name).set_environment(self.env.clone()).into_function().map_err(|e| match e {
            mlua::Error::SyntaxError { message, .. } => message,
            other => other.to_string(),
        })
    }

    /// Sets what FUNCTION library code sees at load time: `redis` = `api`, nothing else.
    pub fn set_library_api(&mut self, api: Table) -> mlua::Result<()> {
        let load_globals = self.lua.create_table()?;
        load_globals.raw_set("redis", api)?;
        let protect: Option<Table> = self.globals.metatable();
        let _ = load_globals.set_metatable(protect);
        self.library_api = Some(load_globals);
        Ok(())
    }

    /// Runs a FUNCTION library's compiled code once, with the library API as its globals, so it
    /// registers its functions.
    pub fn load_library(&self, f: &Function) -> Result<(), ErrorInfo> {
        let api = self.library_api.clone().map(Value::Table).unwrap_or(Value::Nil);
        let _ = self.env_meta.raw_set("__index", api);
        LOAD_DEADLINE.with(|d| d.set(Some(std::time::Instant::now() + std::time::Duration::from_millis(500))));
        let result = self.xpcall.call::<MultiValue>((f.clone(), self.handler.clone()));
        LOAD_DEADLINE.with(|d| d.set(None));
        let _ = self.env_meta.raw_set("__index", self.globals.clone());
        let mut values = result.map_err(|e| ErrorInfo { msg: format!("ERR {e}"), at: None, counted: false })?.into_iter();
        match values.next() {
            Some(Value::Boolean(true)) => Ok(()),
            _ => match values.next() {
                Some(Value::Table(t)) => Err(error_info(&t)),
                other => {
                    Err(ErrorInfo { msg: format!("ERR {}", other.and_then(|v| v.to_string().ok()).unwrap_or_default()), at: None, counted: false })
                }
            },
        }
    }

    pub fn lua(&self) -> &Lua {
        &self.lua
    }

    pub fn env(&self) -> &Table {
        &self.env
    }

    /// Sets KEYS and ARGV for an EVAL script (Redis keeps them as globals).
    /// Runs `f` with `host` serving `redis.call`, and writes the first value it returned to
    /// `out` as the reply (in the protocol the script chose last); or its error. `args`: the keys
    /// and args, as the KEYS and ARGV globals for an EVAL script (`as_globals`), else as a
    /// FUNCTION's two arguments.
    #[allow(unsafe_code)]
    pub fn run(
        &self,
        f: &Function,
        args: (&[Bytes], &[Bytes]),
        as_globals: bool,
        host: &mut dyn Host,
        out: &mut crate::resp::reply::Out,
    ) -> Result<(), RunError> {
        let ptr: NonNull<dyn Host + '_> = NonNull::from(host);
        // SAFETY: only erases the lifetime; the guard below restores HOST before `host`'s borrow
        // ends (see `with_host`).
        let ptr: NonNull<dyn Host + 'static> = unsafe { std::mem::transmute(ptr) };
        let _guard = HostGuard(HOST.with(|h| h.replace(Some(ptr))));
        RESP.with(|r| r.set(2));
        let nargs = if as_globals { 0 } else { 2 };
        let debugging = super::debugger::active();
        // SAFETY: one protected call on the interpreter's stack, holding handler and f: the keys
        // and args tables are built (into the real globals, or after f as its arguments);
        // `lua_pcall` with the handler as its message handler (as Redis calls scripts) leaves
        // the handler and one result. A result is written to `out` (which lives outside) and the
        // closure returns `true`; an error is returned as `false, error`. Nothing in the closure
        // needs dropping.
        let result = unsafe {
            self.lua.exec_raw::<(bool, Value)>((self.handler.clone(), f.clone()), |l| {
                use mlua::ffi;
                let handler = ffi::lua_gettop(l) - 1;
                for (name, items) in [(c"KEYS", args.0), (c"ARGV", args.1)] {
                    if as_globals {
                        ffi::lua_pushstring(l, name.as_ptr());
                    }
                    ffi::lua_createtable(l, items.len().min(i32::MAX as usize) as i32, 0);
                    for (i, item) in items.iter().enumerate() {
                        ffi::lua_pushlstring(l, item.as_ptr() as *const std::ffi::c_char, item.len());
                        ffi::lua_rawseti(l, -2, i as ffi::lua_Integer + 1);
                    }
                    if as_globals {
                        ffi::lua_rawset(l, ffi::LUA_GLOBALSINDEX);
                    }
                }
                if debugging {
                    super::debugger::install_hook(l);
                }
                let status = ffi::lua_pcall(l, nargs, 1, handler);
                if status == 0 {
                    convert::write_top(l, out, RESP.with(|r| r.get()));
                    ffi::lua_settop(l, handler - 1);
                    ffi::lua_pushboolean(l, 1);
                    ffi::lua_pushnil(l);
                } else {
                    ffi::lua_pushboolean(l, 0);
                    ffi::lua_insert(l, -2);
                    ffi::lua_remove(l, handler);
                }
            })
        };
        if debugging {
            let _ = install_count_hook(&self.lua);
        }
        match result {
            Ok((true, _)) => Ok(()),
            Ok((false, Value::Table(t))) => Err(RunError::Raised(error_info(&t))),
            // A memory error skips the handler: its message comes as it is.
            Ok((false, other)) => Err(RunError::Other(match other {
                Value::String(s) => s.to_string_lossy().to_string(),
                v => v.to_string().unwrap_or_default(),
            })),
            Err(e) => Err(RunError::Other(e.to_string())),
        }
    }
}

/// The text and location in an error table (Redis's `luaExtractErrorInformation`).
pub fn error_info(t: &Table) -> ErrorInfo {
    let msg = match t.raw_get::<Value>("err") {
        Ok(Value::String(s)) => String::from_utf8_lossy(&s.as_bytes()).into_owned(),
        _ => "(null)".to_string(),
    };
    let source = t.raw_get::<Option<String>>("source").ok().flatten();
    let line = t.raw_get::<Option<i64>>("line").ok().flatten();
    let counted = t.raw_get::<Option<bool>>("ignore_err_stats_update").ok().flatten().unwrap_or(false);
    ErrorInfo { msg, at: source.zip(line), counted }
}

/// An error to raise as `{err=msg}` (Redis's `luaPushError` + `luaError`).
pub fn table_error(msg: &str) -> mlua::Error {
    mlua::Error::external(TableError(error_text(msg), false))
}

/// `redis.call`: a C function, as Redis's is, so a script's `return redis.call(...)` keeps its
/// frame (error positions) and an error is raised as the table `{err=...}` itself.
#[allow(unsafe_code)]
unsafe extern "C-unwind" fn lua_redis_call(l: *mut mlua::ffi::lua_State) -> std::ffi::c_int {
    lua_redis_command(l, true)
}

/// `redis.pcall`: as `redis.call`, but an error table is returned, not raised.
#[allow(unsafe_code)]
unsafe extern "C-unwind" fn lua_redis_pcall(l: *mut mlua::ffi::lua_State) -> std::ffi::c_int {
    lua_redis_command(l, false)
}

#[allow(unsafe_code)]
unsafe fn lua_redis_command(l: *mut mlua::ffi::lua_State, raise: bool) -> std::ffi::c_int {
    // Everything that owns memory lives in `command_step`, which has returned (and dropped it)
    // before `lua_error` unwinds this frame. A panic (a bug) becomes a script error rather than
    // unwinding through Lua's C frames.
    let failed = std::panic::catch_unwind(std::panic::AssertUnwindSafe(|| command_step(l))).unwrap_or_else(|_| {
        convert::push_error_table(l, b"ERR internal error running the command", false);
        true
    });
    if failed && raise {
        mlua::ffi::lua_error(l);
    }
    1
}

/// `redis.debug(...)`: a log line in a debugging session, nothing otherwise.
#[allow(unsafe_code)]
unsafe extern "C-unwind" fn lua_redis_debug(l: *mut mlua::ffi::lua_State) -> std::ffi::c_int {
    let _ = std::panic::catch_unwind(std::panic::AssertUnwindSafe(|| super::debugger::debug(l)));
    0
}

/// Reads the arguments, runs the command through the host, pushes its reply (or an error
/// table); true when the result is an error.
#[allow(unsafe_code)]
unsafe fn command_step(l: *mut mlua::ffi::lua_State) -> bool {
    use mlua::ffi;
    let n = ffi::lua_gettop(l);
    if n == 0 {
        convert::push_error_table(l, b"ERR Please specify at least one argument for this redis lib call", false);
        return true;
    }
    let mut argv = Vec::with_capacity(n as usize);
    for i in 1..=n {
        match ffi::lua_type(l, i) {
            ffi::LUA_TSTRING => {
                let mut len = 0usize;
                let p = ffi::lua_tolstring(l, i, &mut len);
                argv.push(Bytes::copy_from_slice(std::slice::from_raw_parts(p as *const u8, len)));
            }
            ffi::LUA_TNUMBER => argv.push(Bytes::from(crate::util::fmt_double(ffi::lua_tonumber(l, i)))),
            _ => {
                drop(argv);
                super::debugger::log_error(b"Lua redis lib command arguments must be strings or integers");
                convert::push_error_table(l, b"ERR Lua redis lib command arguments must be strings or integers", false);
                return true;
            }
        }
    }
    super::debugger::log_command(&argv);
    let resp = RESP.with(|r| r.get());
    let reply = match with_host(|h| h.call(argv, resp)) {
        None => {
            convert::push_error_table(l, b"ERR redis.call can only be called inside a script invocation", false);
            return true;
        }
        Some(Err(msg)) => {
            // Redis's shared errors (those with their code) keep their CRLF in the log line.
            let logged = if msg.starts_with('-') { format!("{msg}\r\n") } else { msg.clone() };
            super::debugger::log_error(logged.as_bytes());
            convert::push_error_table(l, error_text(&msg).as_bytes(), false);
            return true;
        }
        Some(Ok(reply)) => reply,
    };
    super::debugger::log_reply(&reply);
    let mut pos = 0;
    convert::push_reply(l, &reply, &mut pos, 0);
    reply.first() == Some(&b'-')
}

/// What a script's `pcall` / `xpcall` handler sees of an error raised from Rust: `{err=...}` for
/// the `redis` API's errors, the message string for the libraries' (as from `luaL_error`).
pub(crate) fn script_error_value(lua: &Lua, v: Value) -> mlua::Result<Value> {
    let Value::Error(e) = v else { return Ok(v) };
    match root(&e) {
        mlua::Error::ExternalError(x) => match x.downcast_ref::<TableError>() {
            Some(te) => {
                let t = lua.create_table()?;
                t.raw_set("err", te.0.as_str())?;
                if te.1 {
                    t.raw_set("ignore_err_stats_update", true)?;
                }
                Ok(Value::Table(t))
            }
            None => Ok(Value::String(lua.create_string(x.to_string())?)),
        },
        mlua::Error::RuntimeError(m) | mlua::Error::MemoryError(m) => Ok(Value::String(lua.create_string(m)?)),
        other => Ok(Value::String(lua.create_string(other.to_string())?)),
    }
}

fn number(v: &Value) -> Option<f64> {
    match v {
        Value::Integer(n) => Some(*n as f64),
        Value::Number(n) => Some(*n),
        _ => None,
    }
}

/// `redis.error_reply` / `redis.status_reply`: a one-field table, or an error table for a bad
/// argument (returned, not raised, as Redis does).
fn single_field(lua: &Lua, args: MultiValue, field: &str) -> mlua::Result<Table> {
    let t = lua.create_table()?;
    match (args.len(), args.front()) {
        (1, Some(Value::String(s))) => {
            if field == "err" {
                // Redis prefixes '-' and then parses the code back out.
                let text = String::from_utf8_lossy(&s.as_bytes()).into_owned();
                let text = if text.starts_with('-') { text } else { format!("-{text}") };
                t.raw_set("err", lua.create_string(error_text(&text))?)?;
            } else {
                t.raw_set(field, s.clone())?;
            }
        }
        _ => t.raw_set("err", "ERR wrong number or type of arguments")?,
    }
    Ok(t)
}

/// The arguments of `redis.call`: strings, or numbers formatted as `%.17g`.
fn command_args(args: impl Iterator<Item = Value>) -> Result<Vec<Bytes>, String> {
    let mut argv = Vec::new();
    for a in args {
        match a {
            Value::String(s) => argv.push(Bytes::copy_from_slice(&s.as_bytes())),
            Value::Integer(n) => argv.push(Bytes::from(crate::util::fmt_double(n as f64))),
            Value::Number(n) => argv.push(Bytes::from(crate::util::fmt_double(n))),
            _ => return Err("Lua redis lib command arguments must be strings or integers".into()),
        }
    }
    if argv.is_empty() {
        return Err("Please specify at least one argument for this redis lib call".into());
    }
    Ok(argv)
}

/// "7.0.15" → 0x07000f.
fn version_num(v: &str) -> i64 {
    let mut n = 0;
    for part in v.split('.').take(3) {
        n = n * 256 + part.parse::<i64>().unwrap_or(0);
    }
    n
}

/// An error raised from Rust the way `luaL_error` raises it: prefixed with the calling Lua
/// line (`user_script:3: `).
pub fn lua_error(lua: &Lua, msg: &str) -> mlua::Error {
    let at = lua.inspect_stack(1, |d| {
        let line = d.current_line();
        let src = d.source();
        line.map(|l| format!("{}:{}: ", src.short_src.as_deref().unwrap_or("?"), l))
    });
    mlua::Error::RuntimeError(format!("{}{msg}", at.flatten().unwrap_or_default()))
}

/// The innermost error of a Rust callback's failure.
fn root(e: &mlua::Error) -> &mlua::Error {
    match e {
        mlua::Error::CallbackError { cause, .. } => root(cause),
        other => other,
    }
}

/// Redis's `__redis__err__handler`: every error becomes `{err=..., source=..., line=...}`.
fn error_handler(lua: &Lua, err: Value) -> mlua::Result<Table> {
    // An error raised from Rust reads as it would from C: a table, or a message.
    let t = match script_error_value(lua, err)? {
        Value::Table(t) => t,
        other => {
            let t = lua.create_table()?;
            let text = match &other {
                Value::String(s) => String::from_utf8_lossy(&s.as_bytes()).into_owned(),
                Value::Nil => "nil".into(),
                v => v.to_string().unwrap_or_else(|_| v.type_name().to_string()),
            };
            t.raw_set("err", format!("ERR {text}"))?;
            t
        }
    };
    // The first frame that is neither C nor the engine's own code is where the error happened.
    for level in 1..32 {
        let frame = lua.inspect_stack(level, |d| {
            let s = d.source();
            (s.what.to_string(), s.source.as_deref().map(str::to_string), d.current_line())
        });
        let Some((what, source, line)) = frame else { break };
        // "=[C]": the wrapper of the libraries' functions that return many values.
        if what == "C" || source.as_deref() == Some(PRELUDE_NAME) || source.as_deref() == Some("=[C]") {
            continue;
        }
        if let Some(src) = source {
            t.raw_set("source", src)?;
        }
        t.raw_set("line", line.map(|l| l as i64).unwrap_or(-1))?;
        break;
    }
    Ok(t)
}
