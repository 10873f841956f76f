//! CONFIG GET and CONFIG SET semantics: matching, duplicate and permission checks, atomicity and
//! Redis 7.0's error replies.

use super::directives::{self, Entry, HIDDEN, IMMUTABLE, MULTI_ARG, PROTECTED};
use super::store::Origin;
use super::value::format_value;
use super::Config;
use crate::util::glob_match;

/// Error replies quote user input; like addReplyErrorFormat, keep them on one line.
fn one_line(b: &[u8]) -> String {
    String::from_utf8_lossy(b).replace(['\r', '\n'], " ")
}

impl Config {
    /// CONFIG GET: every (name, value) whose name matches any of the glob patterns (case-insensitive),
    /// aliases included, each name once. A pattern without `*`, `?` or `[` is an exact lookup that
    /// also finds hidden directives and is replied under the name as given, like Redis. Redis
    /// replies in hash-table order (it changes from run to run); here exact names come in request
    /// order and glob matches in table order, each primary name followed by its alias.
    pub fn get_matching(&self, patterns: &[&[u8]]) -> Vec<(String, String)> {
        self.get_matching_raw(patterns).into_iter().map(|(name, v)| (name, String::from_utf8_lossy(&v).into_owned())).collect()
    }

    /// Like [`Config::get_matching`], with values as bytes.
    pub fn get_matching_raw(&self, patterns: &[&[u8]]) -> Vec<(String, Vec<u8>)> {
        let mut found: Vec<(String, Entry)> = Vec::new();
        for pattern in patterns {
            if !pattern.iter().any(|c| matches!(c, b'*' | b'?' | b'[')) {
                if let Some(entry) = directives::lookup(pattern) {
                    if !found.iter().any(|(_, e)| *e == entry) {
                        found.push((String::from_utf8_lossy(pattern).into_owned(), entry));
                    }
                }
                continue;
            }
            for entry in directives::entries() {
                if entry.directive().has(HIDDEN) || found.iter().any(|(_, e)| *e == entry) {
                    continue;
                }
                if glob_match(pattern, entry.name().as_bytes(), true) {
                    found.push((entry.name().to_string(), entry));
                }
            }
        }
        found.into_iter().map(|(name, entry)| (name, format_value(&entry.directive().kind, &self.read(entry.idx)))).collect()
    }

    /// CONFIG SET with one or more pairs, atomic: on any error nothing changes. Returns the
    /// canonical names whose value changed. Err is the full error reply text without the leading
    /// '-', worded as Redis 7.0 does. Protected directives (`dir`, `dbfilename`) are refused
    /// unless `enable-protected-configs` is `yes`; see [`Config::set_pairs_from`] for `local`.
    pub fn set_pairs(&mut self, pairs: &[(&[u8], &[u8])]) -> Result<Vec<&'static str>, String> {
        self.set_pairs_from(pairs, false)
    }

    /// [`Config::set_pairs`] for a client known to be local (loopback or unix socket), which
    /// `enable-protected-configs local` lets change protected directives.
    pub fn set_pairs_from(&mut self, pairs: &[(&[u8], &[u8])], local_client: bool) -> Result<Vec<&'static str>, String> {
        let protected_ok = match self.get("enable-protected-configs").as_deref() {
            Some("yes") => true,
            Some("local") => local_client,
            _ => false,
        };
        // First pass, as configSetCommand: the first unknown name wins over any other problem
        // seen before it is reached; after one problem, later names are only checked for existence.
        let mut unknown: Option<&[u8]> = None;
        let mut problem: Option<(String, &'static str)> = None;
        let mut entries: Vec<Entry> = Vec::with_capacity(pairs.len());
        for (name, _) in pairs {
            let Some(entry) = directives::lookup(name) else {
                if unknown.is_none() && problem.is_none() {
                    unknown = Some(name);
                }
                continue;
            };
            if unknown.is_some() || problem.is_some() {
                continue;
            }
            let d = entry.directive();
            if d.has(IMMUTABLE) {
                problem = Some((one_line(name), "can't set immutable config"));
            } else if d.has(PROTECTED) && !protected_ok {
                problem = Some((one_line(name), "can't set protected config"));
            } else if entries.contains(&entry) {
                problem = Some((one_line(name), "duplicate parameter"));
            }
            entries.push(entry);
        }
        if let Some(name) = unknown {
            return Err(format!("ERR Unknown option or number of arguments for CONFIG SET - '{}'", one_line(name)));
        }
        if let Some((name, why)) = problem {
            return Err(format!("ERR CONFIG SET failed (possibly related to argument '{name}') - {why}"));
        }

        // Second pass on a copy, so a bad value leaves the live configuration untouched.
        let mut next = self.clone();
        let mut changed: Vec<&'static str> = Vec::new();
        for (entry, (_, value)) in entries.iter().zip(pairs) {
            let d = entry.directive();
            let args: Vec<&[u8]> = if d.has(MULTI_ARG) {
                // sdssplitlen(value, " "): an empty value is no argument at all.
                if value.is_empty() {
                    Vec::new()
                } else {
                    value.split(|c| *c == b' ').collect()
                }
            } else {
                vec![*value]
            };
            match next.apply(entry.idx, &args, Origin::ConfigSet) {
                Ok(true) if !changed.contains(&d.name) => changed.push(d.name),
                Ok(_) => {}
                Err(why) => {
                    return Err(format!("ERR CONFIG SET failed (possibly related to argument '{}') - {why}", entry.name()));
                }
            }
        }
        *self = next;
        Ok(changed)
    }
}
