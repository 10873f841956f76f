//! What a command handler may answer: its result (a reply
//! already written, an error reply, or "block this client"), Redis's shared error strings, and the
//! lowercase command names the table is keyed by. Every command family imports these from here,
//! not from the dispatcher above them.

use std::borrow::Cow;

use crate::client::Blocked;

pub type CmdResult = Result<(), CmdError>;

/// Why a handler did not reply normally.
#[derive(Debug)]
pub enum CmdError {
    /// An error reply (text starts with the code: "ERR ...", "WRONGTYPE ...").
    Reply(Cow<'static, str>),
    /// The client must wait (blocking commands); nothing is replied yet.
    Block(Blocked),
}

impl From<&'static str> for CmdError {
    fn from(s: &'static str) -> Self {
        CmdError::Reply(Cow::Borrowed(s))
    }
}

impl From<String> for CmdError {
    fn from(s: String) -> Self {
        CmdError::Reply(Cow::Owned(s))
    }
}

pub use crate::resp::errors::{NOT_FLOAT, NOT_INT, NO_SUCH_KEY, OUT_OF_RANGE, OVERFLOW, SYNTAX, WRONGTYPE};

/// Calls `f` with the ASCII-lowercased name, without allocating for names that fit on the stack
/// (this runs for every command). Bytes, not `str`: the command table is keyed by bytes, so the
/// name is never validated as UTF-8 on the way.
pub(crate) fn with_lower<R>(name: &[u8], f: impl FnOnce(&[u8]) -> R) -> R {
    let mut buf = [0u8; 32];
    if name.len() <= buf.len() {
        for (d, s) in buf.iter_mut().zip(name) {
            *d = s.to_ascii_lowercase();
        }
        return f(&buf[..name.len()]);
    }
    f(&name.to_ascii_lowercase())
}

pub fn lower(b: &[u8]) -> String {
    String::from_utf8_lossy(b).to_ascii_lowercase()
}
