//! Argument parsing with Redis's error replies.

use super::handler::{CmdError, NOT_FLOAT, NOT_INT};
use crate::util::{parse_f64, parse_i64};

/// An integer argument (`ERR value is not an integer or out of range`).
pub fn int(arg: &[u8]) -> Result<i64, CmdError> {
    parse_i64(arg).ok_or_else(|| NOT_INT.into())
}

/// A C `int` argument (`getIntFromObjectOrReply`): not-an-integer, or Redis's range message.
pub fn int32(arg: &[u8]) -> Result<i64, CmdError> {
    let n = int(arg)?;
    if n < i32::MIN as i64 || n > i32::MAX as i64 {
        return Err("ERR value is out of range, value must between -2147483648 and 2147483647".into());
    }
    Ok(n)
}

/// A non-negative integer argument with a custom message for negatives.
pub fn positive(arg: &[u8], negative_msg: &'static str) -> Result<i64, CmdError> {
    let n = int(arg)?;
    if n < 0 {
        return Err(negative_msg.into());
    }
    Ok(n)
}

/// A float argument (`ERR value is not a valid float`).
pub fn float(arg: &[u8]) -> Result<f64, CmdError> {
    parse_f64(arg).ok_or_else(|| NOT_FLOAT.into())
}

/// Case-insensitive keyword test.
pub fn is(arg: &[u8], kw: &str) -> bool {
    arg.eq_ignore_ascii_case(kw.as_bytes())
}

/// A `count` argument that must be positive (LPOP/RPOP/SPOP … style).
pub fn count(arg: &[u8]) -> Result<usize, CmdError> {
    let n = parse_i64(arg).ok_or::<CmdError>("ERR value is out of range, must be positive".into())?;
    if n < 0 {
        return Err("ERR value is out of range, must be positive".into());
    }
    Ok(n as usize)
}

/// Converts Redis's start/end index pair (negative = from the end) into a clamped inclusive range,
/// or None when the range is empty.
pub fn range(start: i64, end: i64, len: usize) -> Option<(usize, usize)> {
    let len = len as i64;
    let mut s = if start < 0 { len + start } else { start };
    let mut e = if end < 0 { len + end } else { end };
    if s < 0 {
        s = 0;
    }
    if s > e || s >= len {
        return None;
    }
    if e >= len {
        e = len - 1;
    }
    Some((s as usize, e as usize))
}
