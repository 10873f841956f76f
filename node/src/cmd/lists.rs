//! lists commands.

use super::Handler;

pub const COMMANDS: &[(&str, Handler)] = &[];
