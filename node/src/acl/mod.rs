//! ACL: users, their rules, the permission check every command passes, the ACL log, and the ACL
//! file — Redis 7.0's `acl.c` without the commands (those are in `cmd/acl.rs`).
//!
//! Owns: the user table (`State::acl`), each connection's user is an index into it
//! ([`UserId`]; the default user is always 0, so a client never holds a dangling user). Imports
//! only `util`, `resp` (argument splitting), `config` (an I/O error's text as Redis words it) and
//! `log`; the command metadata it needs comes from [`catalog`], which the command table fills in.

pub mod catalog;
pub mod check;
pub mod file;
pub mod log;
pub mod user;

use std::collections::BTreeMap;

pub use check::Denied;
use user::{RuleError, User};

pub type UserId = u32;
/// The default user's id, for ever.
pub const DEFAULT_USER: UserId = 0;

pub struct Acl {
    users: Vec<Option<User>>,
    by_name: BTreeMap<Vec<u8>, UserId>,
    /// Per user: every command, key and channel allowed, so the per-command check is skipped.
    unrestricted: Vec<bool>,
    /// Every user is unrestricted (a server without ACL rules): nothing to check at all.
    all_open: bool,
    /// `acl-pubsub-default`: `user::SEL_ALLCHANNELS` or 0, what new selectors start with.
    pubsub_default: u8,
    pub log: log::AclLog,
}

impl Acl {
    pub fn new(pubsub_default_all: bool) -> Acl {
        let pubsub_default = if pubsub_default_all { user::SEL_ALLCHANNELS } else { 0 };
        let default = User::default_user(pubsub_default);
        let mut acl =
            Acl { users: Vec::new(), by_name: BTreeMap::new(), unrestricted: Vec::new(), all_open: true, pubsub_default, log: Default::default() };
        acl.insert(default);
        acl
    }

    /// `acl-pubsub-default` changed (CONFIG SET): rules applied from now on start from it.
    pub fn set_pubsub_default(&mut self, all: bool) {
        self.pubsub_default = if all { user::SEL_ALLCHANNELS } else { 0 };
    }

    pub fn pubsub_default(&self) -> u8 {
        self.pubsub_default
    }

    fn insert(&mut self, u: User) -> UserId {
        let id = match self.users.iter().position(Option::is_none) {
            Some(free) => free,
            None => {
                self.users.push(None);
                self.unrestricted.push(false);
                self.users.len() - 1
            }
        };
        self.by_name.insert(u.name.clone(), id as UserId);
        self.unrestricted[id] = u.unrestricted();
        self.users[id] = Some(u);
        self.refresh_open();
        id as UserId
    }

    pub fn user(&self, id: UserId) -> &User {
        match self.users.get(id as usize) {
            Some(Some(u)) => u,
            // Every id a client holds is live (deleting a user moves its clients to the default).
            _ => self.default_user(),
        }
    }

    fn default_user(&self) -> &User {
        self.users[0].as_ref().expect("the default user always exists")
    }

    fn refresh_open(&mut self) {
        self.all_open = self.users.iter().zip(&self.unrestricted).all(|(u, open)| u.is_none() || *open);
    }

    /// No user has any restriction: the permission check has nothing to do.
    #[inline]
    pub fn all_open(&self) -> bool {
        self.all_open
    }

    #[inline]
    pub fn unrestricted(&self, id: UserId) -> bool {
        self.unrestricted.get(id as usize).copied().unwrap_or(false)
    }

    pub fn id_of(&self, name: &[u8]) -> Option<UserId> {
        self.by_name.get(name).copied()
    }

    pub fn name_of(&self, id: UserId) -> &[u8] {
        &self.user(id).name
    }

    /// Users by name, in Redis's (rax) order.
    pub fn ids(&self) -> impl Iterator<Item = UserId> + '_ {
        self.by_name.values().copied()
    }

    pub fn len(&self) -> usize {
        self.by_name.len()
    }

    pub fn is_empty(&self) -> bool {
        self.by_name.is_empty()
    }

    /// Redis's `authRequired` test on the default user: a connection starts authenticated only
    /// when the default user is on and needs no password.
    pub fn default_is_open(&self) -> bool {
        let d = self.default_user();
        d.nopass() && d.enabled()
    }

    /// `requirepass`: the default user's password (None: nopass), `ACLUpdateDefaultUserPassword`.
    pub fn set_default_password(&mut self, password: Option<&[u8]>) {
        let pd = self.pubsub_default;
        self.modify(DEFAULT_USER, |u| {
            let _ = u.apply(b"resetpass", pd);
            match password {
                Some(p) => {
                    let _ = u.apply(&[b">", p].concat(), pd);
                }
                None => {
                    let _ = u.apply(b"nopass", pd);
                }
            }
        });
    }

    fn modify(&mut self, id: UserId, f: impl FnOnce(&mut User)) {
        if let Some(Some(u)) = self.users.get_mut(id as usize) {
            f(u);
            self.unrestricted[id as usize] = u.unrestricted();
        }
        self.refresh_open();
    }

    /// `ACLCheckUserCredentials`: the user a name and password open.
    pub fn authenticate(&self, name: &[u8], password: &[u8]) -> Option<UserId> {
        let id = self.id_of(name)?;
        self.user(id).accepts(password).then_some(id)
    }

    /// ACL SETUSER: every rule applied to a copy first, so a bad rule changes nothing. Returns
    /// the user's id and, for an existing user, the old rules (to find revoked channels).
    pub fn setuser(&mut self, name: &[u8], rules: &[Vec<u8>]) -> Result<(UserId, Option<User>), (Vec<u8>, RuleError)> {
        let existing = self.id_of(name);
        let mut staged = match existing {
            Some(id) => self.user(id).clone(),
            None => User::new(name, self.pubsub_default),
        };
        for r in rules {
            staged.apply(r, self.pubsub_default).map_err(|e| (r.clone(), e))?;
        }
        Ok(match existing {
            Some(id) => {
                let old = self.user(id).clone();
                self.modify(id, |u| u.copy_rules(&staged));
                (id, Some(old))
            }
            None => (self.insert(staged), None),
        })
    }

    /// Removes a user (never the default one); its id is free for reuse once its clients moved.
    pub fn remove(&mut self, name: &[u8]) -> Option<UserId> {
        let id = self.by_name.remove(name)?;
        self.users[id as usize] = None;
        self.unrestricted[id as usize] = false;
        self.refresh_open();
        Some(id)
    }

    /// `user <name> <description>`, as ACL LIST, ACL SAVE and CONFIG REWRITE write it.
    pub fn describe_line(&self, id: UserId) -> Vec<u8> {
        let u = self.user(id);
        [b"user ".as_slice(), &u.name, b" ", &u.describe(self.pubsub_default)].concat()
    }

    /// Every user as a `user` line, by name.
    pub fn lines(&self) -> Vec<Vec<u8>> {
        self.ids().map(|id| self.describe_line(id)).collect()
    }

    /// Replaces every user but keeps the default user's id (`ACLLoadFromFile`'s swap): the
    /// ids of the users that are gone (all but the default's: Redis frees and re-creates them,
    /// so their clients are disconnected).
    fn replace_users(&mut self, mut users: Vec<User>) -> Vec<UserId> {
        let gone: Vec<UserId> = self.ids().filter(|&id| id != DEFAULT_USER).collect();
        let default = match users.iter().position(|u| u.name == b"default") {
            Some(i) => users.remove(i),
            None => User::default_user(self.pubsub_default),
        };
        for id in &gone {
            let name = self.user(*id).name.clone();
            self.remove(&name);
        }
        self.modify(DEFAULT_USER, |u| u.copy_rules(&default));
        for u in users {
            self.insert(u);
        }
        gone
    }

    /// The user lines of the configuration (`ACLLoadConfiguredUsers`): `default` is reset and
    /// redefined, others are created. The error is what Redis logs before exiting.
    pub fn load_config_users(&mut self, lines: &[Vec<Vec<u8>>]) -> Result<(), String> {
        let mut seen: Vec<&[u8]> = Vec::new();
        for line in lines {
            let Some(name) = line.first() else { continue };
            if seen.contains(&name.as_slice()) {
                return Err(format!("Error in user declaration '{}': {}", String::from_utf8_lossy(name), RuleError::Duplicate.message()));
            }
            seen.push(name);
            if user::has_spaces(name) {
                return Err("Spaces not allowed in ACL usernames".into());
            }
            let rules = user::merge_selector_args(&line[1..])
                .map_err(|j| format!("Error in user declaration '{}': Syntax error", String::from_utf8_lossy(&line[1 + j])))?;
            let pd = self.pubsub_default;
            let mut u = match self.id_of(name) {
                Some(id) => {
                    let mut u = self.user(id).clone();
                    let _ = u.apply(b"reset", pd);
                    u
                }
                None => User::new(name, pd),
            };
            for r in &rules {
                u.apply(r, pd).map_err(|e| {
                    format!(
                        "Error loading ACL rule '{}' for the user named '{}': {}",
                        String::from_utf8_lossy(r),
                        String::from_utf8_lossy(name),
                        e.message()
                    )
                })?;
            }
            if !u.enabled() {
                crate::log::notice(&format!(
                    "The user '{}' is disabled (there is no 'on' modifier in the user description). Make sure this is not a configuration error.",
                    String::from_utf8_lossy(name)
                ));
            }
            match self.id_of(name) {
                Some(id) => self.modify(id, |x| x.copy_rules(&u)),
                None => {
                    self.insert(u);
                }
            }
        }
        Ok(())
    }
}

impl Acl {
    /// `ACLLoadUsersAtStartup`: the configuration's `user` lines, or the `aclfile`, not both. The
    /// error is what Redis logs before it exits.
    pub fn load_at_startup(&mut self, user_lines: &[Vec<Vec<u8>>], aclfile: &str) -> Result<(), String> {
        if !aclfile.is_empty() && !user_lines.is_empty() {
            return Err("Configuring Redis with users defined in redis.conf and at the same setting an ACL file path is invalid. This setup is very likely to lead to configuration errors and security holes, please define either an ACL file or declare users directly in your redis.conf, but not both.".into());
        }
        if let Err(e) = self.load_config_users(user_lines) {
            crate::log::warning(&e);
            return Err("Critical error while loading ACLs. Exiting.".into());
        }
        if !aclfile.is_empty() {
            self.load_file(std::path::Path::new(aclfile), aclfile).map_err(|e| format!("Aborting Redis startup because of ACL errors: {e}"))?;
        }
        Ok(())
    }
}
