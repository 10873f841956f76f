//! The ACL file (`aclfile`): ACL LOAD reads it all or nothing (`ACLLoadFromFile`), ACL SAVE
//! writes every user as a `user` line and renames it into place (`ACLSaveToFile`).

use super::user::{self, RuleError, User};
use super::{Acl, UserId};

const NO_CHANGE: &str = "WARNING: ACL errors detected, no change to the previously active ACL rules was performed";

impl Acl {
    /// Loads `path` (named `shown` in messages, as configured). On success every user is
    /// replaced and the ids of the users that are gone are returned (their clients must be
    /// disconnected); on any error nothing changes and the error lists every problem found.
    pub fn load_file(&mut self, path: &std::path::Path, shown: &str) -> Result<Vec<UserId>, String> {
        let text = std::fs::read(path).map_err(|e| format!("Error loading ACLs, opening file '{shown}': {}", crate::config::strerror(&e)))?;
        let mut errors = String::new();
        let mut users: Vec<User> = Vec::new();
        let pd = self.pubsub_default();
        for (i, raw) in text.split(|&c| c == b'\n').enumerate() {
            let linenum = i + 1;
            let line = trim(raw, b" \t\r\n");
            if line.is_empty() {
                continue;
            }
            // Split on single spaces, as sdssplitlen does: no quoting in an ACL file.
            let argv: Vec<&[u8]> = line.split(|&c| c == b' ').collect();
            if argv[0] != b"user" || argv.len() < 2 {
                errors.push_str(&format!("{shown}:{linenum} should start with user keyword followed by the username. "));
                continue;
            }
            let name = argv[1];
            if user::has_spaces(name) {
                errors.push_str(&format!("'{shown}:{linenum}: username '{}' contains invalid characters. ", String::from_utf8_lossy(name)));
                continue;
            }
            if users.iter().any(|u| u.name == name) {
                errors.push_str(&format!("WARNING: Duplicate user '{}' found on line {linenum}. ", String::from_utf8_lossy(name)));
                continue;
            }
            let mut u = User::new(name, pd);
            let ops: Vec<Vec<u8>> = argv[2..].iter().map(|a| a.to_vec()).collect();
            match user::merge_selector_args(&ops) {
                Err(_) => errors.push_str(&format!("{shown}:{linenum}: Unmatched parenthesis in selector definition.")),
                Ok(rules) => {
                    // An unknown command is named; of the other errors only the line's first is
                    // reported (it may explain the ones after it).
                    let mut syntax_error = false;
                    for r in rules {
                        let r = trim(&r, b"\t\r\n");
                        match u.apply(r, pd) {
                            Err(RuleError::Unknown) => errors.push_str(&format!(
                                "{shown}:{linenum}: Error in applying operation '{}': {}. ",
                                String::from_utf8_lossy(r),
                                RuleError::Unknown.message()
                            )),
                            Err(e) if !syntax_error => {
                                errors.push_str(&format!("{shown}:{linenum}: {}. ", e.message()));
                                syntax_error = true;
                            }
                            _ => {}
                        }
                    }
                }
            }
            users.push(u);
        }
        if !errors.is_empty() {
            errors.push_str(NO_CHANGE);
            return Err(errors);
        }
        Ok(self.replace_users(users))
    }

    /// Writes every user to `path` through a temporary file renamed over it.
    pub fn save_file(&self, path: &std::path::Path) -> std::io::Result<()> {
        let mut content = Vec::new();
        for line in self.lines() {
            content.extend_from_slice(&line);
            content.push(b'\n');
        }
        let mut tmp = path.as_os_str().to_owned();
        tmp.push(format!(".tmp-{}-{}", std::process::id(), crate::util::now_ms()));
        let tmp = std::path::PathBuf::from(tmp);
        let written = std::fs::write(&tmp, &content).and_then(|_| std::fs::rename(&tmp, path));
        if written.is_err() {
            let _ = std::fs::remove_file(&tmp);
        }
        written
    }
}

fn trim<'a>(s: &'a [u8], set: &[u8]) -> &'a [u8] {
    let start = s.iter().position(|c| !set.contains(c)).unwrap_or(s.len());
    let end = s.iter().rposition(|c| !set.contains(c)).map_or(start, |e| e + 1);
    &s[start..end]
}
