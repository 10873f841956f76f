//! `math.random` and `math.randomseed` as Redis replaces them (`redis_math_random`): numbers from
//! Redis's rand48 generator (`super::super::rand48`), with Lua's own argument rules and errors.

use std::cell::RefCell;

use mlua::{Lua, Table, Value};

use super::super::rand48::{self, Rand48};
use super::support::{register, Call, CallResult};

thread_local! {
    /// One sequence for the interpreter's life, as in Redis 7.0 (`math.randomseed` resets it).
    static RAND: RefCell<Rand48> = RefCell::new(Rand48::default());
}

/// Replaces `math.random` and `math.randomseed` in the global `math` table.
pub fn load(lua: &Lua) -> mlua::Result<()> {
    let math: Table = lua.globals().get("math")?;
    register(lua, &math, "random", random)?;
    register(lua, &math, "randomseed", randomseed)
}

/// `luaL_checkint`: a number truncated to a C `int`.
fn check_int(c: &Call, n: usize) -> Result<f64, super::support::Fail> {
    Ok(c.check_integer(n)? as i32 as f64)
}

fn random(c: &Call) -> CallResult {
    // The `%` keeps r below 1, as Redis's code says.
    let r = RAND.with(|g| g.borrow_mut().next_value()) % rand48::MAX;
    let r = r as f64 / rand48::MAX as f64;
    let v = match c.nargs() {
        0 => r,
        1 => {
            let u = check_int(c, 1)?;
            if u < 1.0 {
                return Err(c.arg_error(1, "interval is empty"));
            }
            (r * u).floor() + 1.0
        }
        2 => {
            let (l, u) = (check_int(c, 1)?, check_int(c, 2)?);
            if l > u {
                return Err(c.arg_error(2, "interval is empty"));
            }
            (r * (u - l + 1.0)).floor() + l
        }
        _ => return Err(c.error("wrong number of arguments")),
    };
    Ok(vec![Value::Number(v)])
}

fn randomseed(c: &Call) -> CallResult {
    let seed = c.check_integer(1)? as i32;
    RAND.with(|g| *g.borrow_mut() = Rand48::new(seed));
    Ok(Vec::new())
}
