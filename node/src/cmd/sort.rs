//! SORT and SORT_RO (Redis 7.0 `sort.c`): lists, sets and sorted sets sorted numerically or
//! with ALPHA, by the elements or BY a pattern (`*` replaced by the element, `->field` for hash
//! fields, no `*` = no sorting), LIMIT, GET patterns, DESC, STORE into a list. The sort itself is
//! glibc's stable merge sort, or Redis's partial quicksort for BY with LIMIT, so ties come out
//! as in Redis.

use bytes::Bytes;

use super::args;
use super::ctx::{Ctx, Handler};
use super::handler::{CmdResult, SYNTAX, WRONGTYPE};
use crate::db::{Elem, Entry, Value};
use crate::notify;
use crate::util::csort::{glibc_msort, pqsort};

pub const COMMANDS: &[(&str, Handler)] = &[("sort", sort), ("sort_ro", sort_ro)];

fn sort(ctx: &mut Ctx, argv: &[Bytes]) -> CmdResult {
    sort_generic(ctx, argv, false)
}

fn sort_ro(ctx: &mut Ctx, argv: &[Bytes]) -> CmdResult {
    sort_generic(ctx, argv, true)
}

/// The part of a value C's string functions see: up to the first NUL.
fn c_str(b: &[u8]) -> &[u8] {
    match b.iter().position(|&c| c == 0) {
        Some(i) => &b[..i],
        None => b,
    }
}

/// `lookupKeyByPattern`: `#` is the element itself; else the key named by the pattern with its
/// first `*` replaced by the element (a string key), or a hash field with `->field`.
fn by_pattern(ctx: &mut Ctx, pattern: &[u8], elem: &[u8]) -> Option<Vec<u8>> {
    let pat = c_str(pattern);
    if pat == b"#" {
        return Some(elem.to_vec());
    }
    let star = pat.iter().position(|&c| c == b'*')?;
    let after = &pat[star + 1..];
    let field = after.windows(2).position(|w| w == b"->").filter(|&f| f + 2 < after.len()).map(|f| (f, &pattern[star + 1 + f + 2..]));
    let post_end = match field {
        Some((f, _)) => star + 1 + f,
        None => pattern.len(),
    };
    let mut key = Vec::with_capacity(pattern.len() + elem.len());
    key.extend_from_slice(&pattern[..star]);
    key.extend_from_slice(elem);
    key.extend_from_slice(&pattern[star + 1..post_end]);
    let e = ctx.lookup_read(&key)?;
    match field {
        Some((_, f)) => match &e.value {
            Value::Hash(h) => h.get(f).map(|v| v.to_vec()),
            _ => None,
        },
        None => e.str().map(|s| s.to_vec()),
    }
}

/// SORT's numeric reading of a value: C's `strtod` over the whole C string.
fn sort_score(v: &[u8]) -> Option<f64> {
    let s = c_str(v);
    let (d, n, erange) = crate::util::strtod::strtod(s);
    // glibc's strtod also sets ERANGE for a result that underflows to a subnormal.
    let subnormal = d != 0.0 && d.abs() < f64::MIN_POSITIVE;
    if n != s.len() || erange || subnormal || d.is_nan() {
        return None;
    }
    Some(d)
}

struct Item {
    obj: Elem,
    score: f64,
    cmp: Option<Vec<u8>>,
}

fn full_key_access(ctx: &Ctx, argv: &[Bytes]) -> bool {
    match crate::cmd::lookup(argv) {
        crate::cmd::Lookup::Found(def) => crate::cmd::acl::full_key_access(ctx.st, ctx.me, def, argv),
        _ => true,
    }
}

fn sort_generic(ctx: &mut Ctx, argv: &[Bytes], readonly: bool) -> CmdResult {
    let (mut desc, mut alpha) = (false, false);
    let (mut limit_start, mut limit_count): (i64, i64) = (0, -1);
    let mut store: Option<Bytes> = None;
    let mut sortby: Option<Bytes> = None;
    let mut dontsort = false;
    let mut gets: Vec<Bytes> = Vec::new();
    let mut j = 2;
    while j < argv.len() {
        let left = argv.len() - j - 1;
        let a = &argv[j];
        if args::is(a, "asc") {
            desc = false;
        } else if args::is(a, "desc") {
            desc = true;
        } else if args::is(a, "alpha") {
            alpha = true;
        } else if args::is(a, "limit") && left >= 2 {
            limit_start = args::int(&argv[j + 1])?;
            limit_count = args::int(&argv[j + 2])?;
            j += 2;
        } else if !readonly && args::is(a, "store") && left >= 1 {
            store = Some(argv[j + 1].clone());
            j += 1;
        } else if args::is(a, "by") && left >= 1 {
            sortby = Some(argv[j + 1].clone());
            dontsort = !c_str(&argv[j + 1]).contains(&b'*');
            // A pattern may name any key: only a user who may read every key can use it.
            if !full_key_access(ctx, argv) {
                return Err("ERR BY option of SORT denied due to insufficient ACL permissions.".into());
            }
            j += 1;
        } else if args::is(a, "get") && left >= 1 {
            if !full_key_access(ctx, argv) {
                return Err("ERR GET option of SORT denied due to insufficient ACL permissions.".into());
            }
            gets.push(argv[j + 1].clone());
            j += 1;
        } else {
            return Err(SYNTAX.into());
        }
        j += 1;
    }

    // The elements, in the value's own order (a set's iteration order, a sorted set's by score).
    enum Kind {
        List,
        Set,
        ZSet,
    }
    let (kind, elems): (Kind, Vec<Elem>) = match ctx.lookup_read(&argv[1]).map(|e| &e.value) {
        None => (Kind::List, Vec::new()),
        Some(Value::List(l)) => (Kind::List, l.iter().cloned().collect()),
        Some(Value::Set(s)) => (Kind::Set, s.members().into_iter().map(Elem::from).collect()),
        Some(Value::ZSet(z)) => (Kind::ZSet, z.iter().map(|(m, _)| Elem::from(m)).collect()),
        Some(_) => return Err(WRONGTYPE.into()),
    };
    // A set's order is the hash table's: with nothing to sort by, sort ALPHA when the result is
    // stored or returned to a script, so it is the same everywhere.
    if dontsort && matches!(kind, Kind::Set) && (store.is_some() || ctx.me.is_script) {
        dontsort = false;
        alpha = true;
        sortby = None;
    }
    let len = elems.len() as i64;
    let mut start = limit_start.max(0);
    let mut end = if limit_count < 0 { len - 1 } else { start.saturating_add(limit_count).saturating_sub(1) };
    if start >= len {
        start = len - 1;
        end = len - 2;
    }
    if end >= len {
        end = len - 1;
    }

    let mut vector: Vec<Item> = Vec::new();
    let ordered = matches!(kind, Kind::List | Kind::ZSet);
    if ordered && dontsort {
        // Lists and sorted sets keep their order (reversed for DESC); only the range is loaded.
        if end >= start {
            let n = (end - start + 1) as usize;
            let it: Box<dyn Iterator<Item = &Elem>> = if desc { Box::new(elems.iter().rev()) } else { Box::new(elems.iter()) };
            vector.extend(it.skip(start as usize).take(n).map(|e| Item { obj: e.clone(), score: 0.0, cmp: None }));
            end -= start;
            start = 0;
        }
    } else {
        vector.extend(elems.into_iter().map(|obj| Item { obj, score: 0.0, cmp: None }));
    }

    let mut conversion_error = false;
    if !dontsort {
        for it in vector.iter_mut() {
            let byval = match &sortby {
                Some(p) => match by_pattern(ctx, p, &it.obj) {
                    Some(v) => v,
                    None => continue,
                },
                None => it.obj.to_vec(),
            };
            if alpha {
                if sortby.is_some() {
                    it.cmp = Some(byval);
                }
            } else {
                match sort_score(&byval) {
                    Some(d) => it.score = d,
                    None => conversion_error = true,
                }
            }
        }
        let by = sortby.is_some();
        let stored = store.is_some();
        let cmp = |a: &Item, b: &Item| -> i32 {
            let c = if !alpha {
                if a.score > b.score {
                    1
                } else if a.score < b.score {
                    -1
                } else {
                    ord(a.obj.cmp(&b.obj))
                }
            } else if by {
                match (&a.cmp, &b.cmp) {
                    (None, None) => 0,
                    (None, Some(_)) => -1,
                    (Some(_), None) => 1,
                    (Some(x), Some(y)) => {
                        if stored {
                            ord(x.cmp(y))
                        } else {
                            ord(c_str(x).cmp(c_str(y)))
                        }
                    }
                }
            } else if stored {
                ord(a.obj.cmp(&b.obj))
            } else {
                ord(c_str(&a.obj).cmp(c_str(&b.obj)))
            };
            if desc {
                -c
            } else {
                c
            }
        };
        let n = vector.len() as i64;
        if by && (start != 0 || end != n - 1) && n > 0 && end >= start {
            pqsort(&mut vector, &cmp, start as usize, end as usize);
        } else {
            glibc_msort(&mut vector, &cmp);
        }
    }

    if conversion_error {
        return Err("ERR One or more scores can't be converted into double".into());
    }
    let rows = (end - start + 1).max(0) as usize;
    let outputlen = if gets.is_empty() { rows } else { gets.len() * rows };
    let picked = if rows == 0 { &vector[0..0] } else { &vector[start as usize..=end as usize] };
    let Some(dest) = store else {
        let mut values: Vec<Option<Vec<u8>>> = Vec::with_capacity(outputlen);
        for it in picked {
            if gets.is_empty() {
                values.push(Some(it.obj.to_vec()));
            }
            for g in &gets {
                values.push(by_pattern(ctx, g, &it.obj));
            }
        }
        ctx.out.array(values.len());
        for v in values {
            match v {
                Some(v) => ctx.out.bulk(&v),
                None => ctx.out.null(),
            }
        }
        return Ok(());
    };
    let mut list: std::collections::VecDeque<Elem> = std::collections::VecDeque::with_capacity(outputlen);
    for it in picked {
        if gets.is_empty() {
            list.push_back(it.obj.clone());
        }
        for g in &gets {
            list.push_back(Elem::from(by_pattern(ctx, g, &it.obj).unwrap_or_default()));
        }
    }
    if outputlen > 0 {
        ctx.delete(&dest);
        ctx.db().insert(Entry::with_value(&dest, Value::List(Box::new(list))));
        ctx.modified(&dest);
        ctx.notify(notify::LIST, "sortstore", &dest);
        ctx.dirty(outputlen as u64);
    } else {
        ctx.delete_signalled(&dest);
    }
    ctx.out.int(outputlen as i64);
    Ok(())
}

fn ord(o: std::cmp::Ordering) -> i32 {
    match o {
        std::cmp::Ordering::Less => -1,
        std::cmp::Ordering::Equal => 0,
        std::cmp::Ordering::Greater => 1,
    }
}
