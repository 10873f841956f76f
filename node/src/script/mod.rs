//! Scripting's part of the server: the Lua engine, the EVAL script cache, the FUNCTION libraries
//! and what a running script shares with the rest of the server (SCRIPT KILL, -BUSY).
//!
//! This sits below the state, like the other subsystems' parts: it runs Lua and converts values,
//! and reaches commands only through the [`engine::Host`] the command layer hands to each run
//! (`cmd/scripting/`). It imports only `client` (the client scripts run their commands as),
//! `resp` (replies), `persistence`'s RDB encoding and CRC64 (a FUNCTION DUMP payload is RDB's),
//! `util`, `log` and `sys` (the forked debugging sessions). Layout:
//! - `engine.rs`: the interpreter Redis gives scripts (libraries, `redis` API, global
//!   protection, error shapes) and running a script with a host;
//! - `convert.rs`: replies ↔ Lua values, by Redis's conversion tables;
//! - `debugger.rs`: the Lua debugger (LDB) a session of `SCRIPT DEBUG` runs scripts under;
//! - `shebang.rs`: `#!lua flags=...` and the script flags;
//! - `functions.rs`: FUNCTION libraries (registry, `redis.register_function`, DUMP payloads);
//! - `libs/`: cjson, cmsgpack, struct and bit as Redis builds them in;
//! - `rand48.rs`: `math.random`'s generator.

pub mod convert;
pub mod debugger;
pub mod engine;
pub mod functions;
pub mod libs;
pub mod rand48;
pub mod shebang;

use bytes::Bytes;

use crate::client::ClientState;
pub use engine::Engine;

/// An EVAL script in the cache (SCRIPT LOAD, EVAL).
#[derive(Debug)]
pub struct Script {
    pub body: Bytes,
    pub func: mlua::Function,
    /// `shebang::flags` bits, or [`shebang::EVAL_COMPAT`] for a script without a shebang.
    pub flags: u32,
}

/// The script that is running now (SCRIPT KILL / FUNCTION KILL, -BUSY for other clients).
#[derive(Debug, Clone)]
pub struct Running {
    /// EVAL (true) or FCALL (false): which KILL applies and which -BUSY text others get.
    pub is_eval: bool,
    /// The sha or the function name, for logs.
    pub name: String,
    /// Unix ms when it started.
    pub start_ms: i64,
    /// It has written: it can no longer be killed (-UNKILLABLE).
    pub wrote: bool,
    /// Run for its master: never killable.
    pub from_master: bool,
    /// The command that started it (FUNCTION STATS).
    pub argv: Vec<Bytes>,
    /// It has run past `busy-reply-threshold`: other clients get -BUSY.
    pub timed_out: bool,
}

#[derive(Default)]
pub struct Scripts {
    engine: engine::Slot,
    /// EVAL scripts by lowercase sha1.
    pub(crate) cache: hashbrown::HashMap<String, Script>,
    /// Bytes of the cached scripts' bodies (INFO `used_memory_scripts_eval`).
    pub(crate) cache_bytes: usize,
    /// The client scripts run their commands as (Redis's `lua_client`), kept between runs.
    pub(crate) client: Option<Box<ClientState>>,
    pub(crate) running: Option<Running>,
    /// Scripts and functions run so far (the session writes a batch that ran several after the
    /// other ready connections' batches: see `server/session.rs`).
    pub(crate) runs: u64,
    /// SCRIPT KILL / FUNCTION KILL asked the running script to stop (it sees this at its next
    /// instruction hook; the KILL itself ran in the busy loop, under the same lock).
    kill: bool,
    pub(crate) functions: functions::Functions,
    /// The children running forked Lua debugging sessions (SCRIPT DEBUG YES).
    pub(crate) debug_sessions: Vec<i32>,
}

impl std::fmt::Debug for Scripts {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Scripts").field("cached", &self.cache.len()).field("running", &self.running).finish()
    }
}

impl Scripts {
    /// The FUNCTION libraries (what RDB, AOF and DEBUG RELOAD save and restore).
    pub fn functions(&self) -> &functions::Functions {
        &self.functions
    }

    /// [`Scripts::functions`], to restore a loaded set.
    pub fn functions_mut(&mut self) -> &mut functions::Functions {
        &mut self.functions
    }

    /// A script or function is running (the command it runs is inside it).
    pub fn is_running(&self) -> bool {
        self.running.is_some()
    }

    /// Scripts and functions run so far.
    pub fn runs(&self) -> u64 {
        self.runs
    }

    /// Forgets the debugging sessions whose child ended (Redis's `ldbRemoveChild`), when there
    /// are any.
    pub fn reap_debug_sessions(&mut self) {
        if !self.debug_sessions.is_empty() {
            self.debug_sessions.retain(|&pid| crate::sys::reap(pid).is_none());
        }
    }

    /// Ends the debugging sessions (at shutdown: `ldbKillForkedSessions`); their clients see
    /// the connection close.
    pub fn kill_debug_sessions(&mut self) {
        for pid in self.debug_sessions.drain(..) {
            crate::log::warning(&format!("Killing debugging session {pid}"));
            crate::sys::kill(pid, crate::sys::SIGKILL);
            crate::sys::wait_child(pid);
        }
    }

    /// The interpreter, started on first use.
    pub fn engine(&mut self) -> Result<&Engine, String> {
        self.engine.get(no_setup)
    }

    /// Takes the interpreter out for a run; give it back with [`Self::put_engine`].
    pub fn take_engine(&mut self) -> Result<Engine, String> {
        self.engine.take(no_setup)
    }

    pub fn put_engine(&mut self, engine: Engine) {
        self.engine.put(engine);
    }

    /// SCRIPT FLUSH: forgets every EVAL script and starts a new interpreter (Redis resets its Lua
    /// state, freeing everything scripts left behind). Functions live in their own interpreter.
    pub fn flush_eval(&mut self) {
        self.cache.clear();
        self.cache_bytes = 0;
        self.engine.reset();
    }

    /// Bytes the EVAL interpreter holds (INFO `used_memory_vm_eval`); an interpreter not started
    /// yet counts as an empty one.
    pub fn vm_memory(&self) -> usize {
        self.engine.memory()
    }

    /// Asks the running script to stop at its next check.
    pub fn request_kill(&mut self) {
        self.kill = true;
    }

    pub fn kill_requested(&self) -> bool {
        self.kill
    }

    pub fn clear_kill(&mut self) {
        self.kill = false;
    }
}

/// What an interpreter that has not started yet is reported to hold (Redis's fresh Lua state).
pub const EMPTY_VM_BYTES: usize = 31744;

/// EVAL's interpreter needs nothing beyond what every interpreter has.
fn no_setup(_: &mut Engine) -> mlua::Result<()> {
    Ok(())
}

/// A sha as given (EVALSHA, SCRIPT EXISTS) in the cache's lowercase form.
pub fn sha_key(sha: &[u8]) -> String {
    match std::str::from_utf8(sha) {
        Ok(s) => s.to_ascii_lowercase(),
        Err(_) => String::from_utf8_lossy(sha).to_ascii_lowercase(),
    }
}

/// The sha1 of `data` in lowercase hex (script ids, `redis.sha1hex`).
pub fn sha1_hex(data: &[u8]) -> String {
    sha1_smol::Sha1::from(data).digest().to_string()
}
