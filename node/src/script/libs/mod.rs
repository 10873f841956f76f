//! The C libraries Redis 7.0 preloads into its Lua 5.1 interpreter, ported to Rust on mlua:
//! `bit` (LuaBitOp), `cjson` (lua-cjson 2.1.0), `cmsgpack` (lua-cmsgpack 0.4.0) and `struct`
//! (Roberto Ierusalimschy's struct library, with Redis's security fixes); and `math.rs`, Redis's
//! replacements for `math.random` / `math.randomseed` (loaded by the engine, not `load_all`);
//! `support.rs` holds what the ports share: lauxlib's argument checks and messages, and glibc's
//! number conversions and formatting. The engine (`script::engine`) loads them; they import
//! nothing of the crate but `script::rand48`, `math.random`'s generator.
//!
//! Scripts depend on their exact output bytes and error messages (clients compare JSON text,
//! msgpack blobs and error strings), so each port follows its C original down to number
//! formatting, edge-case conversions and message wording; the expected values in the tests were
//! taken from a real redis-server 7.0.15.
//!
//! Every library function raises its C counterpart's message (see `support::register`); the
//! script engine's `pcall` and error handler hand it to the script as the plain string C would
//! raise. Making the library tables read-only, as Redis 7.0 does, is left to the engine.

pub mod bit;
pub mod cjson;
pub mod cmsgpack;
pub mod math;
pub mod structlib;
mod support;

use mlua::Lua;

/// Creates the globals `bit`, `cjson`, `cmsgpack` and `struct`, as Redis does when it sets up
/// the scripting interpreter.
pub fn load_all(lua: &Lua) -> mlua::Result<()> {
    bit::load(lua)?;
    cjson::load(lua)?;
    cmsgpack::load(lua)?;
    structlib::load(lua)?;
    Ok(())
}
