//! The permission check a command passes before it runs (`ACLCheckAllUserCommandPerm`): some
//! selector of the user must allow the command, every key it names (with the access the key
//! spec asks) and every channel it publishes or subscribes to.

use bytes::Bytes;

use super::catalog;
use super::user::{Selector, User};

/// Why a command was refused, with the argument index of the key or channel that was not allowed.
/// Ordered as Redis ranks them when it picks the one to report (channel over key over command).
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
pub enum Denied {
    Command,
    Key(usize),
    Channel(usize),
}

impl Denied {
    fn rank(self) -> (u8, usize) {
        match self {
            Denied::Command => (1, 0),
            Denied::Key(i) => (2, i),
            Denied::Channel(i) => (4, i),
        }
    }
}

/// The channel arguments of a command: (first index, count, literal). `literal` is PSUBSCRIBE's:
/// its patterns must equal an allowed pattern rather than match it.
pub type ChannelArgs = Option<(usize, usize, bool)>;

/// Checks `argv` (the command with catalog id `cmd`) for `user`. `keys` lists the key
/// references (argument index, PERM_* needed); it is asked at most once, and only when a
/// selector restricts keys.
pub fn check(user: &User, cmd: usize, argv: &[Bytes], keys: &mut dyn FnMut() -> Vec<(usize, u8)>, channels: ChannelArgs) -> Result<(), Denied> {
    let mut cached: Option<Vec<(usize, u8)>> = None;
    let mut worst: Option<Denied> = None;
    for s in user.selectors() {
        match selector_check(s, cmd, argv, &mut cached, keys, channels) {
            Ok(()) => return Ok(()),
            Err(d) => {
                if worst.is_none_or(|w| d.rank() > w.rank()) {
                    worst = Some(d);
                }
            }
        }
    }
    Err(worst.unwrap_or(Denied::Command))
}

/// `ACLUserCheckCmdWithUnrestrictedKeyAccess` (SORT's BY and GET): a selector that allows the
/// command and may read any key (`allkeys`, or a `*` pattern with read access).
pub fn full_key_access(user: &User, cmd: usize, argv: &[Bytes], keys: &mut dyn FnMut() -> Vec<(usize, u8)>, channels: ChannelArgs) -> bool {
    let mut cached: Option<Vec<(usize, u8)>> = None;
    user.selectors().iter().any(|s| selector_check(s, cmd, argv, &mut cached, keys, channels).is_ok() && s.reads_every_key())
}

/// `ACLSelectorCheckCmd`: the command rules, then the keys, then the channels.
fn selector_check(
    s: &Selector,
    cmd: usize,
    argv: &[Bytes],
    cached: &mut Option<Vec<(usize, u8)>>,
    keys: &mut dyn FnMut() -> Vec<(usize, u8)>,
    channels: ChannelArgs,
) -> Result<(), Denied> {
    if !s.allows_command(catalog::get(), cmd, argv) {
        return Err(Denied::Command);
    }
    if !s.all_keys() {
        let refs = cached.get_or_insert_with(keys);
        if let Some((pos, _)) = refs.iter().find(|(pos, needed)| !s.allows_key(&argv[*pos], *needed)) {
            return Err(Denied::Key(*pos));
        }
    }
    if let (false, Some((first, count, literal))) = (s.all_channels(), channels) {
        if let Some(pos) = (first..first + count).find(|&j| !s.allows_channel(&argv[j], literal)) {
            return Err(Denied::Channel(pos));
        }
    }
    Ok(())
}

/// The channel arguments of the commands that name channels (`ACLDoesCommandHaveChannels`).
pub fn channel_args(name: &str, argc: usize) -> ChannelArgs {
    match name {
        "publish" | "spublish" => Some((1, 1, false)),
        "subscribe" | "ssubscribe" => Some((1, argc - 1, false)),
        "psubscribe" => Some((1, argc - 1, true)),
        _ => None,
    }
}
