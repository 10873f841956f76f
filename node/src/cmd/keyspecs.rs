//! Which arguments of a command are keys, and what it does to each: Redis's key specs
//! (`getKeysUsingKeySpecs`) with the fallbacks Redis uses where a spec cannot tell (MIGRATE,
//! SORT, SET's GET). COMMAND GETKEYS[ANDFLAGS], the dispatcher's movable-key paths and the ACL
//! key check read them here.

use bytes::Bytes;

use super::args;
use super::command_table::CommandDef;

/// Key positions of a command invocation, from its key specs (handles movable keys).
pub fn keys_of(def: &CommandDef, argv: &[Bytes]) -> Vec<usize> {
    keys_with_spec(def, argv).into_iter().map(|(p, _)| p).collect()
}

/// Key positions with the index of the key spec that found each.
fn keys_with_spec(def: &CommandDef, argv: &[Bytes]) -> Vec<(usize, usize)> {
    // MIGRATE's KEYS spec is "incomplete" (AUTH/AUTH2 arguments may read as KEYS), so Redis finds
    // its keys with `migrateGetKeys` instead; they all carry the first spec's flags.
    if def.name == "migrate" {
        return migrate_keys(argv).into_iter().map(|p| (p, 0)).collect();
    }
    // SORT's STORE spec is "unknown" (BY/GET patterns could read as STORE), so Redis falls back
    // to `sortGetKeys`; the STORE key carries the third spec's flags.
    if def.name == "sort" {
        return sort_keys(argv);
    }
    let specs = def.info.items().and_then(|i| i.get(8)).and_then(|s| s.items()).unwrap_or(&[]);
    if specs.is_empty() {
        return def.key_positions(argv.len()).into_iter().map(|p| (p, 0)).collect();
    }
    // Redis's `getKeysUsingKeySpecs`: a spec whose range falls outside the arguments makes the
    // whole lookup invalid (no keys); a keyword that is absent just skips its spec.
    let n = argv.len() as i64;
    let mut out = Vec::new();
    for (spec_index, spec) in specs.iter().enumerate() {
        let (Some(bs), Some(fk)) = (spec.get("begin_search"), spec.get("find_keys")) else { continue };
        let first = match bs.get("type").and_then(|t| t.as_str()) {
            Some("index") => bs.get("spec").and_then(|s| s.get("index")).and_then(|i| i.as_int()).unwrap_or(0),
            Some("keyword") => {
                let spec = bs.get("spec");
                let kw = spec.and_then(|s| s.get("keyword")).and_then(|k| k.as_bytes()).unwrap_or(b"");
                let from = spec.and_then(|s| s.get("startfrom")).and_then(|k| k.as_int()).unwrap_or(1);
                let range: Box<dyn Iterator<Item = i64>> = if from > 0 { Box::new(from..n) } else { Box::new((1..=(n + from)).rev()) };
                match range.take_while(|i| *i >= 1 && *i < n).find(|&i| argv[i as usize].eq_ignore_ascii_case(kw)) {
                    Some(i) => i + 1,
                    None => continue,
                }
            }
            _ => return Vec::new(),
        };
        let fspec = fk.get("spec");
        let geti = |k: &str| fspec.and_then(|s| s.get(k)).and_then(|v| v.as_int()).unwrap_or(0);
        let (first, last, step) = match fk.get("type").and_then(|t| t.as_str()) {
            Some("range") => {
                let (lastkey, limit) = (geti("lastkey"), geti("limit"));
                let last = if lastkey >= 0 {
                    first + lastkey
                } else if limit == 0 {
                    n + lastkey
                } else {
                    first + ((n - first) / limit + lastkey)
                };
                (first, last, geti("keystep").max(1))
            }
            Some("keynum") => {
                let idx = first + geti("keynumidx");
                if idx >= n {
                    return Vec::new();
                }
                let Some(numkeys) = crate::util::parse_i64(&argv[idx as usize]).filter(|k| *k >= 0) else { return Vec::new() };
                let first = first + geti("firstkey");
                (first, first + numkeys - 1, geti("keystep").max(1))
            }
            _ => return Vec::new(),
        };
        if last >= n || last < first || first >= n {
            return Vec::new();
        }
        let mut i = first;
        while i <= last {
            out.push((i as usize, spec_index));
            i += step;
        }
    }
    out
}

/// `migrateGetKeys`: argv[3], or with KEYS (and an empty argv[3]) everything after it; the
/// arguments of AUTH and AUTH2 are skipped while looking for KEYS.
fn migrate_keys(argv: &[Bytes]) -> Vec<usize> {
    let mut i = 6;
    while i < argv.len() {
        if args::is(&argv[i], "keys") {
            return if argv.get(3).is_some_and(|k| k.is_empty()) { (i + 1..argv.len()).collect() } else { Vec::new() };
        }
        if args::is(&argv[i], "auth") {
            i += 1;
        } else if args::is(&argv[i], "auth2") {
            i += 2;
        }
        i += 1;
    }
    if argv.len() > 3 {
        vec![3]
    } else {
        Vec::new()
    }
}

/// The key-spec flags of each key position (what COMMAND GETKEYSANDFLAGS replies).
pub fn key_flags(def: &CommandDef, argv: &[Bytes], positions: &[usize]) -> Vec<Vec<String>> {
    // SET's flags depend on its arguments (`setGetKeys`): with GET it reads the old value.
    if def.name == "set" {
        let get = argv.iter().skip(3).any(|a| args::is(a, "get"));
        let f: &[&str] = if get { &["RW", "access", "update"] } else { &["OW", "update"] };
        return positions.iter().map(|_| f.iter().map(|s| s.to_string()).collect()).collect();
    }
    let specs = def.info.items().and_then(|i| i.get(8)).and_then(|s| s.items()).unwrap_or(&[]);
    let spec_flags: Vec<Vec<String>> = specs
        .iter()
        .map(|sp| sp.get("flags").and_then(|f| f.items()).unwrap_or(&[]).iter().filter_map(|f| f.as_str().map(str::to_string)).collect())
        .collect();
    keys_with_spec(def, argv)
        .into_iter()
        .filter(|(p, _)| positions.contains(p))
        .map(|(_, i)| spec_flags.get(i).cloned().unwrap_or_default())
        .collect()
}

/// `sortGetKeys`: the sorted key, and the last STORE's key (LIMIT skips two arguments, GET and BY one).
fn sort_keys(argv: &[Bytes]) -> Vec<(usize, usize)> {
    let mut out = vec![(1, 0)];
    let mut store = None;
    let mut i = 2;
    while i < argv.len() {
        if args::is(&argv[i], "limit") {
            i += 2;
        } else if args::is(&argv[i], "store") && i + 1 < argv.len() {
            store = Some(i + 1);
        } else if args::is(&argv[i], "get") || args::is(&argv[i], "by") {
            i += 1;
        }
        i += 1;
    }
    // Key spec 2 is STORE's (1 is BY/GET's patterns).
    out.extend(store.map(|p| (p, 2)));
    out
}

/// The key references ACL checks: (argument index, the `acl::user::PERM_*` it needs): read for
/// an access, write for an insert, delete or update, nothing for a key only looked at.
pub fn key_refs(def: &CommandDef, argv: &[Bytes]) -> Vec<(usize, u8)> {
    use crate::acl::user::{PERM_READ, PERM_WRITE};
    let positions = keys_of(def, argv);
    key_flags(def, argv, &positions)
        .into_iter()
        .zip(positions)
        .map(|(flags, pos)| {
            let mut need = 0;
            for f in flags {
                match f.as_str() {
                    "access" => need |= PERM_READ,
                    "insert" | "delete" | "update" => need |= PERM_WRITE,
                    _ => {}
                }
            }
            (pos, need)
        })
        .collect()
}
