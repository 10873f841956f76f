//! One ACL user: flags, password hashes and selectors (the root selector holds the rules written
//! outside parentheses), the rules that change them (Redis's `ACLSetUser` / `ACLSetSelector`) and
//! the description `ACL LIST`, `ACL GETUSER`, `ACL SAVE` and CONFIG REWRITE show.

use std::collections::BTreeMap;

use super::catalog::{self, Catalog, CATEGORIES};

/// Command bitmap size: 1024 bits as Redis's, the last one reserved for "future commands" (set
/// only by `+@all`, it tells `+@all -x` from `-@all +everything`).
const WORDS: usize = 16;
const FUTURE_BIT: usize = WORDS * 64 - 1;

pub const FLAG_ON: u8 = 1;
pub const FLAG_OFF: u8 = 2;
pub const FLAG_NOPASS: u8 = 4;
pub const FLAG_SKIP_SANITIZE: u8 = 8;
pub const FLAG_SANITIZE: u8 = 16;
/// In Redis's order, which ACLDescribeUser and GETUSER follow.
pub const USER_FLAGS: [(&str, u8); 5] =
    [("on", FLAG_ON), ("off", FLAG_OFF), ("nopass", FLAG_NOPASS), ("skip-sanitize-payload", FLAG_SKIP_SANITIZE), ("sanitize-payload", FLAG_SANITIZE)];

const SEL_ROOT: u8 = 1;
const SEL_ALLKEYS: u8 = 2;
pub const SEL_ALLCHANNELS: u8 = 4;
const SEL_ALLCOMMANDS: u8 = 8;

/// Key permissions of a pattern (and needed by a key reference).
pub const PERM_READ: u8 = 1;
pub const PERM_WRITE: u8 = 2;
pub const PERM_ALL: u8 = PERM_READ | PERM_WRITE;

/// Why a rule was refused (Redis's errno values in `ACLSetUser`), with Redis's message.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum RuleError {
    Syntax,
    Unknown,
    KeyAfterAll,
    ChannelAfterAll,
    NoSuchPassword,
    BadHash,
    Duplicate,
    FirstArgOfSub,
}

impl RuleError {
    pub fn message(self) -> &'static str {
        match self {
            RuleError::Syntax => "Syntax error",
            RuleError::Unknown => "Unknown command or category name in ACL",
            RuleError::KeyAfterAll => "Adding a pattern after the * pattern (or the 'allkeys' flag) is not valid and does not have any effect. Try 'resetkeys' to start with an empty list of patterns",
            RuleError::ChannelAfterAll => "Adding a pattern after the * pattern (or the 'allchannels' flag) is not valid and does not have any effect. Try 'resetchannels' to start with an empty list of channels",
            RuleError::NoSuchPassword => "The password you are trying to remove from the user does not exist",
            RuleError::BadHash => "The password hash must be exactly 64 characters and contain only lowercase hexadecimal characters",
            RuleError::Duplicate => "Duplicate user found. A user can only be defined once in config files",
            RuleError::FirstArgOfSub => "Allowing first-arg of a subcommand is not supported",
        }
    }
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Selector {
    flags: u8,
    allowed: [u64; WORDS],
    /// `+cmd|arg` for a command without subcommands: the first arguments allowed while the
    /// command itself is not.
    firstargs: BTreeMap<usize, Vec<Vec<u8>>>,
    /// Key patterns with their permissions, in the order added.
    patterns: Vec<(u8, Vec<u8>)>,
    channels: Vec<Vec<u8>>,
}

impl Selector {
    /// `pubsub_default` is `acl-pubsub-default` (SEL_ALLCHANNELS or 0), which every new selector starts with.
    fn new(flags: u8, pubsub_default: u8) -> Selector {
        Selector { flags: flags | pubsub_default, allowed: [0; WORDS], firstargs: BTreeMap::new(), patterns: Vec::new(), channels: Vec::new() }
    }

    fn bit(&self, id: usize) -> bool {
        id < WORDS * 64 && self.allowed[id / 64] & (1 << (id % 64)) != 0
    }

    fn set_bit(&mut self, id: usize, on: bool) {
        if id >= WORDS * 64 {
            return;
        }
        if on {
            self.allowed[id / 64] |= 1 << (id % 64);
        } else {
            self.allowed[id / 64] &= !(1 << (id % 64));
            self.flags &= !SEL_ALLCOMMANDS;
        }
    }

    /// `ACLChangeSelectorPerm`: a command, and all of a container's subcommands.
    fn change_perm(&mut self, cat: &Catalog, id: usize, on: bool) {
        self.set_bit(id, on);
        self.firstargs.remove(&id);
        for &sub in &cat.entries[id].subcommands {
            self.set_bit(sub, on);
        }
    }

    fn set_category(&mut self, cat: &Catalog, flag: u32, on: bool) {
        for &id in &cat.top {
            self.set_category_in(cat, id, flag, on);
        }
    }

    fn set_category_in(&mut self, cat: &Catalog, id: usize, flag: u32, on: bool) {
        if cat.entries[id].categories & flag != 0 {
            self.change_perm(cat, id, on);
        }
        for &sub in &cat.entries[id].subcommands {
            self.set_category_in(cat, sub, flag, on);
        }
    }

    /// (allowed, denied) among the commands of a category.
    fn count_category(&self, cat: &Catalog, flag: u32) -> (usize, usize) {
        let (mut on, mut off) = (0, 0);
        for e in 0..cat.len() {
            if cat.entries[e].categories & flag != 0 {
                if self.bit(e) {
                    on += 1;
                } else {
                    off += 1;
                }
            }
        }
        (on, off)
    }

    fn future_commands(&self) -> bool {
        self.bit(FUTURE_BIT)
    }

    pub fn all_keys(&self) -> bool {
        self.flags & SEL_ALLKEYS != 0
    }

    pub fn all_channels(&self) -> bool {
        self.flags & SEL_ALLCHANNELS != 0
    }

    pub fn all_commands(&self) -> bool {
        self.flags & SEL_ALLCOMMANDS != 0
    }

    /// `ACLSelectorHasUnrestrictedKeyAccess` for reads: `allkeys`, or the pattern `*` with read.
    pub fn reads_every_key(&self) -> bool {
        self.all_keys() || self.patterns.iter().any(|(f, p)| f & PERM_READ != 0 && p.as_slice() == b"*")
    }

    pub fn channels(&self) -> &[Vec<u8>] {
        &self.channels
    }

    /// `ACLSetSelector`: one rule about commands, keys or channels.
    fn apply(&mut self, op: &[u8]) -> Result<(), RuleError> {
        let is = |w: &str| op.eq_ignore_ascii_case(w.as_bytes());
        if is("allkeys") || op == b"~*" {
            self.flags |= SEL_ALLKEYS;
            self.patterns.clear();
        } else if is("resetkeys") {
            self.flags &= !SEL_ALLKEYS;
            self.patterns.clear();
        } else if is("allchannels") || op == b"&*" {
            self.flags |= SEL_ALLCHANNELS;
            self.channels.clear();
        } else if is("resetchannels") {
            self.flags &= !SEL_ALLCHANNELS;
            self.channels.clear();
        } else if is("allcommands") || is("+@all") {
            self.allowed = [u64::MAX; WORDS];
            self.flags |= SEL_ALLCOMMANDS;
            self.firstargs.clear();
        } else if is("nocommands") || is("-@all") {
            self.allowed = [0; WORDS];
            self.flags &= !SEL_ALLCOMMANDS;
            self.firstargs.clear();
        } else if op[0] == b'~' || op[0] == b'%' {
            if self.all_keys() {
                return Err(RuleError::KeyAfterAll);
            }
            let (perms, pattern) = key_pattern(op)?;
            if has_spaces(pattern) {
                return Err(RuleError::Syntax);
            }
            match self.patterns.iter_mut().find(|(_, p)| p.as_slice() == pattern) {
                Some((f, _)) => *f |= perms,
                None => self.patterns.push((perms, pattern.to_vec())),
            }
            self.flags &= !SEL_ALLKEYS;
        } else if op[0] == b'&' {
            if self.all_channels() {
                return Err(RuleError::ChannelAfterAll);
            }
            let pattern = &op[1..];
            if has_spaces(pattern) {
                return Err(RuleError::Syntax);
            }
            if !self.channels.iter().any(|c| c.as_slice() == pattern) {
                self.channels.push(pattern.to_vec());
            }
            self.flags &= !SEL_ALLCHANNELS;
        } else if op[0] == b'+' && op.get(1) != Some(&b'@') {
            self.allow_command(&op[1..])?;
        } else if op[0] == b'-' && op.get(1) != Some(&b'@') {
            let cat = catalog::get();
            let id = cat.lookup(&op[1..]).ok_or(RuleError::Unknown)?;
            self.change_perm(cat, id, false);
        } else if (op[0] == b'+' || op[0] == b'-') && op.get(1) == Some(&b'@') {
            let flag = catalog::category_bit(&op[2..]).ok_or(RuleError::Unknown)?;
            self.set_category(catalog::get(), flag, op[0] == b'+');
        } else {
            return Err(RuleError::Syntax);
        }
        Ok(())
    }

    /// `+name`, `+container|sub`, or `+command|first-arg` for a command without subcommands.
    fn allow_command(&mut self, name: &[u8]) -> Result<(), RuleError> {
        let cat = catalog::get();
        let Some(bar) = name.iter().rposition(|&c| c == b'|') else {
            let id = cat.lookup(name).ok_or(RuleError::Unknown)?;
            self.change_perm(cat, id, true);
            return Ok(());
        };
        let (base, sub) = (&name[..bar], &name[bar + 1..]);
        let id = cat.lookup(base).ok_or(RuleError::Unknown)?;
        if cat.entries[id].parent.is_some() {
            return Err(RuleError::FirstArgOfSub);
        }
        if sub.is_empty() {
            return Err(RuleError::Syntax);
        }
        if !cat.entries[id].subcommands.is_empty() {
            let sub_id = cat.lookup(name).ok_or(RuleError::Unknown)?;
            self.change_perm(cat, sub_id, true);
        } else {
            crate::log::warning(&format!(
                "Deprecation warning: Allowing a first arg of an otherwise blocked command is a misuse of ACL and may get disabled in the future (offender: +{})",
                String::from_utf8_lossy(name)
            ));
            let args = self.firstargs.entry(id).or_default();
            if !args.iter().any(|a| a.eq_ignore_ascii_case(sub)) {
                args.push(sub.to_vec());
            }
        }
        Ok(())
    }

    /// Whether this selector lets the command with catalog id `id` run with these arguments
    /// (the command rules only; keys and channels are checked by the caller).
    pub fn allows_command(&self, cat: &Catalog, id: usize, argv: &[bytes::Bytes]) -> bool {
        if self.all_commands() || cat.entries.get(id).is_none_or(|e| e.no_auth) || self.bit(id) {
            return true;
        }
        let Some(args) = self.firstargs.get(&id) else { return false };
        let idx = if cat.entries[id].parent.is_some() { 2 } else { 1 };
        argv.get(idx).is_some_and(|a| args.iter().any(|x| x.eq_ignore_ascii_case(a)))
    }

    /// `ACLSelectorCheckKey`: `needed` is the permission the key reference asks (PERM_READ for
    /// an access, PERM_WRITE for an insert, delete or update, 0 for neither).
    pub fn allows_key(&self, key: &[u8], needed: u8) -> bool {
        self.all_keys() || self.patterns.iter().any(|(f, p)| f & needed == needed && crate::util::glob_match(p, key, false))
    }

    /// Whether a channel (or, `literal`, a PSUBSCRIBE pattern, which must equal a rule) is allowed.
    pub fn allows_channel(&self, channel: &[u8], literal: bool) -> bool {
        self.all_channels() || channel_in(&self.channels, channel, literal)
    }

    /// `ACLDescribeSelectorCommandRules`: `+@all` or `-@all`, the categories that fit best, then
    /// single commands, so that applying the rules gives exactly this bitmap.
    pub fn describe_commands(&self, pubsub_default: u8) -> String {
        let cat = catalog::get();
        let mut rules = String::new();
        let mut fake = Selector::new(0, pubsub_default);
        let additive = !self.future_commands();
        let _ = fake.apply(if additive { b"-@all" } else { b"+@all" });
        rules.push_str(if additive { "-@all " } else { "+@all " });
        let mut temp = self.clone();
        let mut applied = [false; CATEGORIES.len()];
        loop {
            let mut best = None;
            let (mut mindiff, mut maxsame) = (usize::MAX, 0);
            for (j, _) in CATEGORIES.iter().enumerate() {
                if applied[j] {
                    continue;
                }
                let (on, off) = temp.count_category(cat, 1 << j);
                let (diff, same) = if additive { (off, on) } else { (on, off) };
                if same > diff && (diff < mindiff || (diff == mindiff && same > maxsame)) {
                    best = Some(j);
                    mindiff = diff;
                    maxsame = same;
                }
            }
            let Some(j) = best else { break };
            fake.set_category(cat, 1 << j, additive);
            temp.set_category(cat, 1 << j, !additive);
            rules.push_str(if additive { "+@" } else { "-@" });
            rules.push_str(CATEGORIES[j]);
            rules.push(' ');
            applied[j] = true;
        }
        for &id in &cat.top {
            self.describe_single(cat, &mut fake, &mut rules, id);
        }
        rules.pop();
        rules
    }

    fn describe_single(&self, cat: &Catalog, fake: &mut Selector, rules: &mut String, id: usize) {
        let mine = self.bit(id);
        if mine != fake.bit(id) {
            rules.push(if mine { '+' } else { '-' });
            rules.push_str(&cat.entries[id].name);
            rules.push(' ');
            fake.change_perm(cat, id, mine);
        }
        for &sub in &cat.entries[id].subcommands {
            self.describe_single(cat, fake, rules, sub);
        }
        if !mine {
            for arg in self.firstargs.get(&id).map(Vec::as_slice).unwrap_or(&[]) {
                rules.push('+');
                rules.push_str(&cat.entries[id].name);
                rules.push('|');
                rules.push_str(&String::from_utf8_lossy(arg));
                rules.push(' ');
            }
        }
    }

    /// The key patterns as GETUSER shows them (`~*` for allkeys).
    pub fn describe_keys(&self) -> Vec<u8> {
        if self.all_keys() {
            return b"~*".to_vec();
        }
        join(self.patterns.iter().map(|(f, p)| pattern_string(*f, p)))
    }

    /// The channel patterns as GETUSER shows them (`&*` for allchannels).
    pub fn describe_channels(&self) -> Vec<u8> {
        if self.all_channels() {
            return b"&*".to_vec();
        }
        join(self.channels.iter().map(|c| [b"&".as_slice(), c].concat()))
    }

    /// `ACLDescribeSelector`: keys, channels, then command rules.
    fn describe(&self, pubsub_default: u8) -> Vec<u8> {
        let mut out = Vec::new();
        if self.all_keys() {
            out.extend_from_slice(b"~* ");
        } else {
            for (f, p) in &self.patterns {
                out.extend_from_slice(&pattern_string(*f, p));
                out.push(b' ');
            }
        }
        if self.all_channels() {
            out.extend_from_slice(b"&* ");
        } else {
            out.extend_from_slice(b"resetchannels ");
            for c in &self.channels {
                out.push(b'&');
                out.extend_from_slice(c);
                out.push(b' ');
            }
        }
        out.extend_from_slice(self.describe_commands(pubsub_default).as_bytes());
        out
    }
}

fn join(parts: impl Iterator<Item = Vec<u8>>) -> Vec<u8> {
    let mut out = Vec::new();
    for (i, p) in parts.enumerate() {
        if i > 0 {
            out.push(b' ');
        }
        out.extend_from_slice(&p);
    }
    out
}

fn pattern_string(flags: u8, pattern: &[u8]) -> Vec<u8> {
    let prefix: &[u8] = match flags {
        PERM_READ => b"%R~",
        PERM_WRITE => b"%W~",
        _ => b"~",
    };
    [prefix, pattern].concat()
}

/// `~pattern` (read and write) or `%R~`, `%W~`, `%RW~` (each letter once, any case). As in
/// Redis, `%R` without a `~` is a pattern of its own: the empty one.
fn key_pattern(op: &[u8]) -> Result<(u8, &[u8]), RuleError> {
    if op[0] == b'~' {
        return Ok((PERM_ALL, &op[1..]));
    }
    let mut flags = 0;
    let mut offset = 1;
    while offset < op.len() {
        let c = op[offset];
        if c.eq_ignore_ascii_case(&b'R') && flags & PERM_READ == 0 {
            flags |= PERM_READ;
        } else if c.eq_ignore_ascii_case(&b'W') && flags & PERM_WRITE == 0 {
            flags |= PERM_WRITE;
        } else if c == b'~' {
            offset += 1;
            break;
        } else {
            return Err(RuleError::Syntax);
        }
        offset += 1;
    }
    if flags == 0 {
        return Err(RuleError::Syntax);
    }
    Ok((flags, &op[offset..]))
}

/// Spaces or NULs are refused in user names and patterns (`ACLStringHasSpaces`).
pub fn has_spaces(s: &[u8]) -> bool {
    s.iter().any(|&c| c == 0 || c.is_ascii_whitespace() || c == 0x0b)
}

/// `ACLCheckChannelAgainstList`.
pub fn channel_in(list: &[Vec<u8>], channel: &[u8], literal: bool) -> bool {
    list.iter().any(|p| if literal { p.as_slice() == channel } else { crate::util::glob_match(p, channel, false) })
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct User {
    pub name: Vec<u8>,
    flags: u8,
    /// SHA-256 hex digests, in the order added.
    passwords: Vec<String>,
    /// The root selector first.
    selectors: Vec<Selector>,
}

impl User {
    /// A new user: off, no passwords, no permissions (`ACLCreateUser`).
    pub fn new(name: &[u8], pubsub_default: u8) -> User {
        User { name: name.to_vec(), flags: FLAG_OFF, passwords: Vec::new(), selectors: vec![Selector::new(SEL_ROOT, pubsub_default)] }
    }

    /// The default user of a fresh server: `on nopass ~* &* +@all`.
    pub fn default_user(pubsub_default: u8) -> User {
        let mut u = User::new(b"default", pubsub_default);
        for op in ["+@all", "~*", "&*", "on", "nopass"] {
            let _ = u.apply(op.as_bytes(), pubsub_default);
        }
        u
    }

    pub fn flags(&self) -> u8 {
        self.flags
    }

    pub fn enabled(&self) -> bool {
        self.flags & FLAG_OFF == 0
    }

    pub fn nopass(&self) -> bool {
        self.flags & FLAG_NOPASS != 0
    }

    pub fn passwords(&self) -> &[String] {
        &self.passwords
    }

    pub fn selectors(&self) -> &[Selector] {
        &self.selectors
    }

    /// Every command, key and channel: nothing to check per command.
    pub fn unrestricted(&self) -> bool {
        self.selectors.iter().any(|s| s.all_commands() && s.all_keys() && s.all_channels())
    }

    /// Whether `password` opens this user (enabled, and nopass or a matching hash).
    pub fn accepts(&self, password: &[u8]) -> bool {
        if !self.enabled() {
            return false;
        }
        if self.nopass() {
            return true;
        }
        let hashed = hash_password(password);
        // Compare every stored hash without an early exit on the first differing byte.
        self.passwords.iter().fold(false, |found, p| found | constant_time_eq(p.as_bytes(), hashed.as_bytes()))
    }

    /// `ACLSetUser`: one rule. An empty rule does nothing.
    pub fn apply(&mut self, op: &[u8], pubsub_default: u8) -> Result<(), RuleError> {
        if op.is_empty() {
            return Ok(());
        }
        let is = |w: &str| op.eq_ignore_ascii_case(w.as_bytes());
        if is("on") {
            self.flags = (self.flags | FLAG_ON) & !FLAG_OFF;
        } else if is("off") {
            self.flags = (self.flags | FLAG_OFF) & !FLAG_ON;
        } else if is("skip-sanitize-payload") {
            self.flags = (self.flags | FLAG_SKIP_SANITIZE) & !FLAG_SANITIZE;
        } else if is("sanitize-payload") {
            self.flags = (self.flags | FLAG_SANITIZE) & !FLAG_SKIP_SANITIZE;
        } else if is("nopass") {
            self.flags |= FLAG_NOPASS;
            self.passwords.clear();
        } else if is("resetpass") {
            self.flags &= !FLAG_NOPASS;
            self.passwords.clear();
        } else if op[0] == b'>' || op[0] == b'#' {
            let hash = if op[0] == b'>' { hash_password(&op[1..]) } else { checked_hash(&op[1..])? };
            if !self.passwords.contains(&hash) {
                self.passwords.push(hash);
            }
            self.flags &= !FLAG_NOPASS;
        } else if op[0] == b'<' || op[0] == b'!' {
            let hash = if op[0] == b'<' { hash_password(&op[1..]) } else { checked_hash(&op[1..])? };
            let Some(i) = self.passwords.iter().position(|p| *p == hash) else { return Err(RuleError::NoSuchPassword) };
            self.passwords.remove(i);
        } else if op[0] == b'(' && op[op.len() - 1] == b')' {
            let mut s = Selector::new(0, pubsub_default);
            for rule in split_args(&op[1..op.len() - 1]) {
                s.apply(&rule)?;
            }
            self.selectors.push(s);
        } else if is("clearselectors") {
            self.selectors.truncate(1);
        } else if is("reset") {
            for r in ["resetpass", "resetkeys", "resetchannels"] {
                self.apply(r.as_bytes(), pubsub_default)?;
            }
            if pubsub_default & SEL_ALLCHANNELS != 0 {
                self.apply(b"allchannels", pubsub_default)?;
            }
            for r in ["off", "sanitize-payload", "clearselectors", "-@all"] {
                self.apply(r.as_bytes(), pubsub_default)?;
            }
        } else {
            self.selectors[0].apply(op)?;
        }
        Ok(())
    }

    /// `ACLDescribeUser`: flags, `#hash`es, the root selector's rules, then ` (...)` for each
    /// other selector.
    pub fn describe(&self, pubsub_default: u8) -> Vec<u8> {
        let mut out = Vec::new();
        for (name, f) in USER_FLAGS {
            if self.flags & f != 0 {
                out.extend_from_slice(name.as_bytes());
                out.push(b' ');
            }
        }
        for p in &self.passwords {
            out.push(b'#');
            out.extend_from_slice(p.as_bytes());
            out.push(b' ');
        }
        for s in &self.selectors {
            let d = s.describe(pubsub_default);
            if s.flags & SEL_ROOT != 0 {
                out.extend_from_slice(&d);
            } else {
                out.extend_from_slice(b" (");
                out.extend_from_slice(&d);
                out.push(b')');
            }
        }
        out
    }

    /// Copies another user's rules (`ACLCopyUser`), keeping the name.
    pub fn copy_rules(&mut self, from: &User) {
        self.flags = from.flags;
        self.passwords = from.passwords.clone();
        self.selectors = from.selectors.clone();
    }
}

/// SHA-256 of a password, as lowercase hex (what `#` rules hold).
pub fn hash_password(password: &[u8]) -> String {
    let digest = ring::digest::digest(&ring::digest::SHA256, password);
    crate::util::to_hex(digest.as_ref())
}

fn checked_hash(h: &[u8]) -> Result<String, RuleError> {
    if h.len() != 64 || !h.iter().all(|c| c.is_ascii_digit() || (b'a'..=b'f').contains(c)) {
        return Err(RuleError::BadHash);
    }
    Ok(String::from_utf8_lossy(h).into_owned())
}

fn constant_time_eq(a: &[u8], b: &[u8]) -> bool {
    a.len() == b.len() && a.iter().zip(b).fold(0u8, |acc, (x, y)| acc | (x ^ y)) == 0
}

/// `sdssplitargs` for a selector's rules: spaces separate, double or single quotes group.
/// Unbalanced quotes give no rules (Redis's sdssplitargs returns NULL; the selector is empty).
pub fn split_args(s: &[u8]) -> Vec<Vec<u8>> {
    crate::resp::request::split_args(s).unwrap_or_default()
}

/// `ACLMergeSelectorArguments`: a selector written across several arguments (`(~x` `+get)`) is
/// joined into one. Err with the index of the argument that opened an unclosed selector.
pub fn merge_selector_args(args: &[Vec<u8>]) -> Result<Vec<Vec<u8>>, usize> {
    let mut out = Vec::new();
    let mut open: Option<(usize, Vec<u8>)> = None;
    for (j, op) in args.iter().enumerate() {
        if let Some((_, sel)) = &mut open {
            sel.push(b' ');
            sel.extend_from_slice(op);
            if op.last() == Some(&b')') {
                out.push(open.take().map(|(_, s)| s).unwrap_or_default());
            }
            continue;
        }
        if op.first() == Some(&b'(') && op.last() != Some(&b')') {
            open = Some((j, op.clone()));
            continue;
        }
        out.push(op.clone());
    }
    match open {
        Some((j, _)) => Err(j),
        None => Ok(out),
    }
}
