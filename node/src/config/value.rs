//! Directive values: parsing arguments with Redis's exact rules and error texts, and formatting
//! them for CONFIG GET. Numbers go through the same C conversions Redis uses (`memtoull`,
//! `strtoll`, `string2ll`), so odd inputs are accepted or refused exactly as by redis-server.

use super::directives::{Kind, NumFmt, Special, StrCheck, SHUTDOWN_NOSAVE, SHUTDOWN_SAVE};
use super::notify::{notify_flags_from_str, notify_flags_to_string};
use crate::util::{parse_f64, parse_i64};

/// Output buffer limits of one client class: hard bytes, soft bytes, soft seconds.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct ObufLimit {
    pub hard: u64,
    pub soft: u64,
    pub soft_seconds: i64,
}

/// Redis's defaults for the normal, replica and pubsub classes.
pub(crate) const OBUF_DEFAULTS: [ObufLimit; 3] = [
    ObufLimit { hard: 0, soft: 0, soft_seconds: 0 },
    ObufLimit { hard: 256 << 20, soft: 64 << 20, soft_seconds: 60 },
    ObufLimit { hard: 32 << 20, soft: 8 << 20, soft_seconds: 60 },
];
pub(crate) const OBUF_CLASSES: [&str; 3] = ["normal", "slave", "pubsub"];
pub(crate) const OOM_DEFAULTS: [i32; 3] = [0, 200, 800];
pub(crate) const SAVE_DEFAULTS: [(u64, u64); 3] = [(3600, 1), (300, 100), (60, 10000)];
pub(crate) const BIND_DEFAULTS: [&str; 2] = ["*", "-::*"];
pub(crate) const PERCENTILE_DEFAULTS: [f64; 3] = [50.0, 99.0, 99.9];
/// CONFIG_BINDADDR_MAX.
const BIND_MAX: usize = 16;
/// NET_HOST_STR_LEN.
const HOST_STR_LEN: usize = 256;

/// The value of one directive.
#[derive(Debug, Clone, PartialEq)]
pub(crate) enum Val {
    Bool(bool),
    /// A numeric value as the `long long` Redis reads it back (unsigned types keep their bits).
    Num(i64),
    /// An enum value, or OR-ed flags for multi-argument enums.
    Enum(u32),
    /// A string; `None` is the NULL Redis stores for an empty value of some directives.
    Str(Option<Vec<u8>>),
    Dir(String),
    Save(Vec<(u64, u64)>),
    Obuf([ObufLimit; 3]),
    Oom([i32; 3]),
    Notify(u32),
    Bind(Vec<String>),
    ReplicaOf(Option<(String, u16)>),
    Percentiles(Vec<f64>),
}

/// The compiled-in default of a directive (`dir` excepted: its default is the working directory).
pub(crate) fn default_value(kind: &Kind) -> Val {
    match *kind {
        Kind::Bool { default } => Val::Bool(default),
        Kind::Num { default, .. } => Val::Num(default),
        Kind::Enum { default, .. } => Val::Enum(default),
        Kind::Str { default, empty_is_null, .. } => match default {
            Some(d) if !(empty_is_null && d.is_empty()) => Val::Str(Some(d.as_bytes().to_vec())),
            _ => Val::Str(None),
        },
        Kind::Special(sp) => match sp {
            Special::Dir => Val::Dir(current_dir()),
            Special::Save => Val::Save(SAVE_DEFAULTS.to_vec()),
            Special::ClientOutputBufferLimit => Val::Obuf(OBUF_DEFAULTS),
            Special::OomScoreAdjValues => Val::Oom(OOM_DEFAULTS),
            Special::NotifyKeyspaceEvents => Val::Notify(0),
            Special::Bind => Val::Bind(BIND_DEFAULTS.iter().map(|s| s.to_string()).collect()),
            Special::ReplicaOf => Val::ReplicaOf(None),
            Special::LatencyPercentiles => Val::Percentiles(PERCENTILE_DEFAULTS.to_vec()),
        },
    }
}

/// The process's working directory, what Redis reports as `dir` until it is changed.
pub(crate) fn current_dir() -> String {
    std::env::current_dir().map(|p| p.to_string_lossy().into_owned()).unwrap_or_default()
}

/// Formats a value as CONFIG GET shows it.
pub(crate) fn format_value(kind: &Kind, val: &Val) -> Vec<u8> {
    match (kind, val) {
        (_, Val::Bool(v)) => {
            if *v {
                b"yes".to_vec()
            } else {
                b"no".to_vec()
            }
        }
        (Kind::Num { fmt, .. }, Val::Num(v)) => format_num(*fmt, *v).into_bytes(),
        (Kind::Enum { values, bitflags, .. }, Val::Enum(v)) => enum_name(values, *bitflags, *v).into_bytes(),
        (_, Val::Str(v)) => v.clone().unwrap_or_default(),
        (_, Val::Dir(d)) => d.clone().into_bytes(),
        (_, Val::Save(params)) => {
            let parts: Vec<String> = params.iter().map(|(s, c)| format!("{s} {c}")).collect();
            parts.join(" ").into_bytes()
        }
        (_, Val::Obuf(limits)) => {
            let parts: Vec<String> =
                limits.iter().zip(OBUF_CLASSES).map(|(l, class)| format!("{class} {} {} {}", l.hard, l.soft, l.soft_seconds)).collect();
            parts.join(" ").into_bytes()
        }
        (_, Val::Oom(v)) => format!("{} {} {}", v[0], v[1], v[2]).into_bytes(),
        (_, Val::Notify(f)) => notify_flags_to_string(*f).into_bytes(),
        (_, Val::Bind(addrs)) => addrs.join(" ").into_bytes(),
        (_, Val::ReplicaOf(r)) => r.as_ref().map(|(h, p)| format!("{h} {p}")).unwrap_or_default().into_bytes(),
        (_, Val::Percentiles(p)) => {
            let parts: Vec<String> = p.iter().map(|v| format_percentile(*v)).collect();
            parts.join(" ").into_bytes()
        }
        // A kind/value mismatch cannot be built by this module; show nothing rather than panic.
        _ => Vec::new(),
    }
}

/// A numeric value in its CONFIG GET form.
pub(crate) fn format_num(fmt: NumFmt, v: i64) -> String {
    match fmt {
        NumFmt::MemoryPercent if v < 0 => format!("{}%", v.unsigned_abs()),
        NumFmt::Memory | NumFmt::MemoryPercent => (v as u64).to_string(),
        NumFmt::Octal => format!("{v:o}"),
        NumFmt::Int => v.to_string(),
    }
}

/// `%f` with trailing zeros (and a trailing dot) removed, as Redis prints percentiles.
pub(crate) fn format_percentile(v: f64) -> String {
    let s = format!("{v:.6}");
    s.trim_end_matches('0').trim_end_matches('.').to_string()
}

/// The name of an enum value: the first entry with that value, or for bit flags the names of the
/// flags set (the exact match wins), "unknown" when nothing fits.
pub(crate) fn enum_name(values: &[(&str, u32)], bitflags: bool, v: u32) -> String {
    if let Some((name, _)) = values.iter().find(|(_, val)| *val == v) {
        return name.to_string();
    }
    if !bitflags {
        return "unknown".into();
    }
    let mut unmatched = v;
    let mut names = Vec::new();
    for (name, val) in values {
        if *val != 0 && unmatched & val == *val {
            names.push(*name);
            unmatched &= !val;
        }
    }
    if names.is_empty() || unmatched != 0 {
        "unknown".into()
    } else {
        names.join(" ")
    }
}

/// What the value of a string directive is checked against besides its own text.
pub(crate) struct CheckCtx<'a> {
    pub unixsocket: &'a str,
    pub config_file: Option<&'a str>,
    pub port: u16,
}

/// Parses the arguments of a non-special directive. `args` is exactly one value for single-argument
/// directives; multi-argument enums get all their words.
pub(crate) fn parse_plain(kind: &Kind, args: &[&[u8]], ctx: &CheckCtx) -> Result<Val, String> {
    match *kind {
        Kind::Bool { .. } => {
            let arg = args.first().copied().unwrap_or_default();
            if arg.eq_ignore_ascii_case(b"yes") {
                Ok(Val::Bool(true))
            } else if arg.eq_ignore_ascii_case(b"no") {
                Ok(Val::Bool(false))
            } else {
                Err("argument must be 'yes' or 'no'".into())
            }
        }
        Kind::Num { lo, hi, unsigned, fmt, .. } => {
            let arg = args.first().copied().unwrap_or_default();
            let v = parse_num(fmt, arg)?;
            check_bounds(v, lo, hi, unsigned, fmt)?;
            Ok(Val::Num(v))
        }
        Kind::Enum { values, bitflags, .. } => parse_enum(values, bitflags, args).map(Val::Enum),
        Kind::Str { empty_is_null, check, .. } => {
            let arg = args.first().copied().unwrap_or_default();
            check_string(check, arg, ctx)?;
            if empty_is_null && arg.is_empty() {
                Ok(Val::Str(None))
            } else {
                Ok(Val::Str(Some(arg.to_vec())))
            }
        }
        Kind::Special(_) => Err("internal error: special directive parsed as plain".into()),
    }
}

/// `numericParseString`: memory units, percentages, octal or a strict integer, by format.
fn parse_num(fmt: NumFmt, s: &[u8]) -> Result<i64, String> {
    if matches!(fmt, NumFmt::Memory | NumFmt::MemoryPercent) {
        if let Some(v) = memtoull(s) {
            return Ok(v as i64);
        }
    }
    if fmt == NumFmt::MemoryPercent && s.len() > 1 && s.ends_with(b"%") {
        if let Some(v) = parse_i64(&s[..s.len() - 1]).filter(|v| *v >= 0) {
            // Percentages are stored negated, as Redis does.
            return Ok(-v);
        }
    }
    match fmt {
        NumFmt::Octal => match c_strtoll(s, 8) {
            Some((v, true)) => Ok(v),
            _ => Err("argument couldn't be parsed as an octal number".into()),
        },
        NumFmt::Int => parse_i64(s).ok_or_else(|| "argument couldn't be parsed into an integer".into()),
        NumFmt::Memory => Err("argument must be a memory value".into()),
        NumFmt::MemoryPercent => Err("argument must be a memory or percent value".into()),
    }
}

/// `numericBoundaryCheck`, with its three different messages.
fn check_bounds(v: i64, lo: i64, hi: i64, unsigned: bool, fmt: NumFmt) -> Result<(), String> {
    if unsigned {
        let (u, ulo, uhi) = (v as u64, lo as u64, hi as u64);
        if u < ulo || u > uhi {
            return Err(if fmt == NumFmt::Octal {
                format!("argument must be between {ulo:o} and {uhi:o} inclusive")
            } else {
                format!("argument must be between {ulo} and {uhi} inclusive")
            });
        }
    } else if fmt == NumFmt::MemoryPercent && v < 0 {
        if v < lo {
            return Err(format!("percentage argument must be less or equal to {}", lo.unsigned_abs()));
        }
    } else if v < lo || v > hi {
        return Err(format!("argument must be between {lo} and {hi} inclusive"));
    }
    Ok(())
}

/// Redis's `memtoull`: digits then an optional unit (b, k, kb, m, mb, g, gb; any case). An empty
/// number reads as 0 and overflow saturates then wraps with the unit, exactly like the C code.
pub(crate) fn memtoull(s: &[u8]) -> Option<u64> {
    if s.first() == Some(&b'-') {
        return None;
    }
    let digits = s.iter().take_while(|c| c.is_ascii_digit()).count();
    let unit = &s[digits..];
    let mul: u64 = match unit.to_ascii_lowercase().as_slice() {
        b"" | b"b" => 1,
        b"k" => 1000,
        b"kb" => 1024,
        b"m" => 1000 * 1000,
        b"mb" => 1024 * 1024,
        b"g" => 1000 * 1000 * 1000,
        b"gb" => 1024 * 1024 * 1024,
        _ => return None,
    };
    if digits >= 128 {
        return None;
    }
    let mut v: u64 = 0;
    for &c in &s[..digits] {
        v = v.checked_mul(10).and_then(|v| v.checked_add(u64::from(c - b'0'))).unwrap_or(u64::MAX);
    }
    Some(v.wrapping_mul(mul))
}

/// C's `strtoll`: leading white space, optional sign, digits in `base`. Returns the value and
/// whether the whole string was consumed; None on overflow (ERANGE). With no digits at all it
/// returns 0 and reports "consumed" only for the empty string, as C's end pointer does.
pub(crate) fn c_strtoll(s: &[u8], base: u32) -> Option<(i64, bool)> {
    let spaces = s.iter().take_while(|c| crate::util::strtod::is_c_space(**c)).count();
    let (mut i, neg) = crate::util::strtod::c_sign(s, spaces);
    let start = i;
    let mut v: i128 = 0;
    while let Some(d) = s.get(i).and_then(|c| (*c as char).to_digit(base)) {
        v = v * i128::from(base) + i128::from(d);
        if v > i128::from(i64::MAX) + 1 {
            return None;
        }
        i += 1;
    }
    if i == start {
        return Some((0, s.is_empty()));
    }
    let v = if neg { -v } else { v };
    let v = i64::try_from(v).ok()?;
    Some((v, i == s.len()))
}

/// Parses an enum value; several words OR their flags (only multi-argument enums get several).
fn parse_enum(values: &[(&str, u32)], bitflags: bool, args: &[&[u8]]) -> Result<u32, String> {
    let mut out = None;
    if !args.is_empty() && (bitflags || args.len() == 1) {
        let mut acc = 0u32;
        let mut all = true;
        for arg in args {
            match values.iter().find(|(name, _)| arg.eq_ignore_ascii_case(name.as_bytes())) {
                Some((_, v)) => acc |= v,
                None => all = false,
            }
        }
        if all {
            out = Some(acc);
        }
    }
    let Some(v) = out else {
        let names: Vec<&str> = values.iter().map(|(n, _)| *n).collect();
        let mut msg = format!("argument(s) must be one of the following: {}", names.join(", "));
        // Redis builds this message in a 256-byte buffer.
        msg.truncate(255);
        return Err(msg);
    };
    if bitflags && v & SHUTDOWN_SAVE != 0 && v & SHUTDOWN_NOSAVE != 0 {
        return Err("shutdown options SAVE and NOSAVE can't be used simultaneously".into());
    }
    Ok(v)
}

fn is_base_name(s: &[u8]) -> bool {
    !s.contains(&b'/') && !s.contains(&b'\\')
}

fn check_string(check: StrCheck, v: &[u8], ctx: &CheckCtx) -> Result<(), String> {
    match check {
        StrCheck::None => Ok(()),
        StrCheck::DbFilename if !is_base_name(v) => Err("dbfilename can't be a path, just a filename".into()),
        StrCheck::AofFilename if v.is_empty() => Err("appendfilename can't be empty".into()),
        StrCheck::AofFilename if !is_base_name(v) => Err("appendfilename can't be a path, just a filename".into()),
        StrCheck::AofDirname if v.is_empty() => Err("appenddirname can't be empty".into()),
        StrCheck::AofDirname if !is_base_name(v) => Err("appenddirname can't be a path, just a dirname".into()),
        StrCheck::Hostname if v.len() >= HOST_STR_LEN => Err(format!("Hostnames must be less than {HOST_STR_LEN} characters")),
        StrCheck::Hostname if !v.iter().all(|c| c.is_ascii_alphanumeric() || *c == b'-' || *c == b'.') => {
            Err("Hostnames may only contain alphanumeric characters, hyphens or dots".into())
        }
        StrCheck::ProcTitle if !proc_title_ok(v, ctx) => Err("template format is invalid or contains unknown variables".into()),
        _ => Ok(()),
    }
}

/// `validateProcTitleTemplate`: `{var}` with known variables (`{{` is a literal brace), and a
/// result that is not blank once expanded with an empty title, as `sdstemplate` expands it.
fn proc_title_ok(t: &[u8], ctx: &CheckCtx) -> bool {
    let mut out = Vec::new();
    let mut i = 0;
    while i < t.len() {
        if t[i] != b'{' {
            out.push(t[i]);
            i += 1;
            continue;
        }
        match t.get(i + 1) {
            None => return false,
            Some(b'{') => {
                out.push(b'{');
                i += 2;
                continue;
            }
            Some(_) => {}
        }
        let Some(len) = t[i + 1..].iter().position(|c| *c == b'}') else { return false };
        let value = match &t[i + 1..i + 1 + len] {
            b"title" | b"server-mode" => String::new(),
            b"listen-addr" => format!("*:{}", ctx.port),
            b"port" => ctx.port.to_string(),
            b"tls-port" => "0".into(),
            b"unixsocket" => ctx.unixsocket.to_string(),
            b"config-file" => ctx.config_file.unwrap_or_default().to_string(),
            _ => return false,
        };
        out.extend_from_slice(value.as_bytes());
        i += len + 2;
    }
    out.iter().any(|c| *c != b' ')
}

/// Parses `save`: pairs of `<seconds> <changes>`, seconds >= 1, changes >= 0; `""` or no
/// arguments mean "no save points".
pub(crate) fn parse_save(args: &[&[u8]]) -> Result<Vec<(u64, u64)>, String> {
    let args = if args.len() == 1 && args[0].is_empty() { &[][..] } else { args };
    let bad = || "Invalid save parameters".to_string();
    if args.len() % 2 != 0 {
        return Err(bad());
    }
    let mut out = Vec::new();
    for pair in args.chunks(2) {
        let secs = match c_strtoll(pair[0], 10) {
            Some((v, true)) if v >= 1 => v,
            _ => return Err(bad()),
        };
        // Redis stores the changes count in an int.
        let changes = match c_strtoll(pair[1], 10) {
            Some((v, true)) if v >= 0 => i64::from(v as i32).max(0),
            _ => return Err(bad()),
        };
        out.push((secs as u64, changes as u64));
    }
    Ok(out)
}

/// Parses `client-output-buffer-limit`: groups of `<class> <hard> <soft> <soft seconds>`; the
/// classes not mentioned keep their current limits.
pub(crate) fn parse_obuf(args: &[&[u8]], current: [ObufLimit; 3]) -> Result<[ObufLimit; 3], String> {
    if args.len() % 4 != 0 {
        return Err("Wrong number of arguments in buffer limit configuration.".into());
    }
    let mut out = current;
    for group in args.chunks(4) {
        let class = match group[0].to_ascii_lowercase().as_slice() {
            b"normal" => 0,
            b"slave" | b"replica" => 1,
            b"pubsub" => 2,
            _ => return Err("Invalid client class specified in buffer limit configuration.".into()),
        };
        let secs = c_strtoll(group[3], 10);
        match (memtoull(group[1]), memtoull(group[2]), secs) {
            // Redis keeps the seconds in an int.
            (Some(hard), Some(soft), Some((secs, true))) if (secs as i32) >= 0 => {
                out[class] = ObufLimit { hard, soft, soft_seconds: i64::from(secs as i32) };
            }
            _ => {
                return Err("Error in hard, soft or soft_seconds setting in buffer limit configuration.".into());
            }
        }
    }
    Ok(out)
}

/// Parses `oom-score-adj-values`: three integers in -2000..=2000.
pub(crate) fn parse_oom(args: &[&[u8]]) -> Result<[i32; 3], String> {
    if args.len() != 3 {
        return Err("wrong number of arguments".into());
    }
    let mut out = [0i32; 3];
    for (slot, arg) in out.iter_mut().zip(args) {
        match c_strtoll(arg, 10) {
            Some((v, true)) if (-2000..=2000).contains(&v) => *slot = v as i32,
            _ => return Err("Invalid oom-score-adj-values, elements must be between -2000 and 2000.".into()),
        }
    }
    Ok(out)
}

/// Parses `notify-keyspace-events`.
pub(crate) fn parse_notify(args: &[&[u8]]) -> Result<u32, String> {
    let [arg] = args else { return Err("wrong number of arguments".into()) };
    notify_flags_from_str(arg).ok_or_else(|| "Invalid event class character. Use 'Ag$lshzxeKEtmdn'.".into())
}

/// Parses `bind`: up to 16 addresses; a single empty argument means "listen nowhere".
pub(crate) fn parse_bind(args: &[&[u8]]) -> Result<Vec<String>, String> {
    if args.len() > BIND_MAX {
        return Err("Too many bind addresses specified.".into());
    }
    if args.len() == 1 && args[0].is_empty() {
        return Ok(Vec::new());
    }
    Ok(args.iter().map(|a| String::from_utf8_lossy(a).into_owned()).collect())
}

/// Parses `replicaof <host> <port>` or `replicaof no one`.
pub(crate) fn parse_replicaof(args: &[&[u8]]) -> Result<Option<(String, u16)>, String> {
    let [host, port] = args else { return Err("wrong number of arguments".into()) };
    if host.eq_ignore_ascii_case(b"no") && port.eq_ignore_ascii_case(b"one") {
        return Ok(None);
    }
    match c_strtoll(port, 10) {
        Some((p, true)) if (0..=65535).contains(&p) => Ok(Some((String::from_utf8_lossy(host).into_owned(), p as u16))),
        _ => Err("Invalid master port".into()),
    }
}

/// Parses `latency-tracking-info-percentiles`: doubles in [0, 100]; `""` means none.
pub(crate) fn parse_percentiles(args: &[&[u8]]) -> Result<Vec<f64>, String> {
    if args.len() == 1 && args[0].is_empty() {
        return Ok(Vec::new());
    }
    let mut out = Vec::with_capacity(args.len());
    for arg in args {
        let Some(v) = parse_f64(arg) else {
            return Err("Invalid latency-tracking-info-percentiles parameters".into());
        };
        if !(0.0..=100.0).contains(&v) {
            return Err("latency-tracking-info-percentiles parameters should sit between [0.0,100.0]".into());
        }
        out.push(v);
    }
    Ok(out)
}

/// Resolves a new `dir` the way `chdir` would from `base` (the current `dir`), refusing what chdir
/// refuses, with the same strerror text. The result is absolute, like getcwd() after chdir.
pub(crate) fn resolve_dir(base: &str, arg: &[u8]) -> Result<String, String> {
    if arg.is_empty() {
        return Err("No such file or directory".into());
    }
    let arg = String::from_utf8_lossy(arg).into_owned();
    let path = std::path::Path::new(base).join(&arg);
    let real = std::fs::canonicalize(&path).map_err(|e| strerror(&e))?;
    if !real.is_dir() {
        return Err("Not a directory".into());
    }
    Ok(real.to_string_lossy().into_owned())
}

/// The C `strerror` text of an I/O error (Rust's Display appends " (os error N)").
pub(crate) fn strerror(e: &std::io::Error) -> String {
    let s = e.to_string();
    match s.rfind(" (os error ") {
        Some(pos) => s[..pos].to_string(),
        None => s,
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::config::directives::lookup;

    fn ctx() -> CheckCtx<'static> {
        CheckCtx { unixsocket: "", config_file: None, port: 6379 }
    }

    fn parse(name: &str, arg: &str) -> Result<Val, String> {
        let d = lookup(name.as_bytes()).map(|e| e.directive()).ok_or("no such directive")?;
        parse_plain(&d.kind, &[arg.as_bytes()], &ctx())
    }

    #[test]
    fn memory_units_like_memtoull() {
        assert_eq!(memtoull(b"1k"), Some(1000));
        assert_eq!(memtoull(b"1KB"), Some(1024));
        assert_eq!(memtoull(b"1kB"), Some(1024));
        assert_eq!(memtoull(b"2m"), Some(2_000_000));
        assert_eq!(memtoull(b"2mb"), Some(2 << 20));
        assert_eq!(memtoull(b"1G"), Some(1_000_000_000));
        assert_eq!(memtoull(b"1gb"), Some(1 << 30));
        assert_eq!(memtoull(b"5B"), Some(5));
        // Oddities redis-server 7.0.15 accepts, checked with CONFIG SET maxmemory.
        assert_eq!(memtoull(b""), Some(0));
        assert_eq!(memtoull(b"b"), Some(0));
        assert_eq!(memtoull(b"18446744073709551616"), Some(u64::MAX));
        assert_eq!(memtoull(b"99999999999gb"), Some(15140462030378500096));
        for bad in ["-1", " 5", "1.5gb", "5KB5", "0x10", "+5", "10x"] {
            assert_eq!(memtoull(bad.as_bytes()), None, "{bad}");
        }
    }

    #[test]
    fn numeric_errors_match_redis() {
        assert_eq!(parse("port", "abc"), Err("argument couldn't be parsed into an integer".into()));
        assert_eq!(parse("port", "+5"), Err("argument couldn't be parsed into an integer".into()));
        assert_eq!(parse("port", "70000"), Err("argument must be between 0 and 65535 inclusive".into()));
        assert_eq!(parse("maxmemory", "10x"), Err("argument must be a memory value".into()));
        assert_eq!(parse("maxclients", "0"), Err("argument must be between 1 and 4294967295 inclusive".into()));
        assert_eq!(parse("slowlog-max-len", "-1"), Err("argument must be between 0 and 9223372036854775807 inclusive".into()));
        assert_eq!(parse("proto-max-bulk-len", "1000"), Err("argument must be between 1048576 and 9223372036854775807 inclusive".into()));
        assert_eq!(parse("unixsocketperm", "999"), Err("argument couldn't be parsed as an octal number".into()));
        assert_eq!(parse("unixsocketperm", "-7"), Err("argument must be between 0 and 777 inclusive".into()));
        assert_eq!(parse("unixsocketperm", "700"), Ok(Val::Num(0o700)));
        assert_eq!(parse("maxmemory-clients", "10%"), Ok(Val::Num(-10)));
        assert_eq!(parse("maxmemory-clients", "101%"), Err("percentage argument must be less or equal to 100".into()));
        assert_eq!(parse("maxmemory-clients", "-5"), Err("argument must be a memory or percent value".into()));
        // Redis casts the unsigned parse to long long, so this reads as -1, i.e. "1%".
        assert_eq!(parse("maxmemory-clients", "18446744073709551615"), Ok(Val::Num(-1)));
        assert_eq!(format_num(NumFmt::MemoryPercent, -1), "1%");
        assert_eq!(format_num(NumFmt::Octal, 0o755), "755");
    }

    #[test]
    fn enums_and_bools() {
        assert_eq!(parse("daemonize", "YES"), Ok(Val::Bool(true)));
        assert_eq!(parse("daemonize", "maybe"), Err("argument must be 'yes' or 'no'".into()));
        assert_eq!(parse("loglevel", "loud"), Err("argument(s) must be one of the following: debug, verbose, notice, warning".into()));
        assert_eq!(parse("loglevel", "WARNING"), Ok(Val::Enum(3)));
        let d = lookup(b"shutdown-on-sigint").map(|e| e.directive()).ok_or("missing");
        let kind = d.map(|d| d.kind).ok();
        let Some(kind) = kind else { panic!("shutdown-on-sigint missing") };
        let v = parse_plain(&kind, &[b"now", b"nosave", b"force"], &ctx());
        assert_eq!(v, Ok(Val::Enum(14)));
        assert_eq!(format_value(&kind, &Val::Enum(14)), b"nosave now force");
        assert_eq!(format_value(&kind, &Val::Enum(0)), b"default");
        assert_eq!(parse_plain(&kind, &[b"save", b"nosave"], &ctx()), Err("shutdown options SAVE and NOSAVE can't be used simultaneously".into()));
        // "relative" and "yes" share a value; Redis shows the first name.
        let oom = lookup(b"oom-score-adj").map(|e| e.directive().kind);
        let Some(oom) = oom else { panic!("oom-score-adj missing") };
        let v = parse_plain(&oom, &[b"relative"], &ctx()).unwrap_or(Val::Enum(99));
        assert_eq!(format_value(&oom, &v), b"yes");
    }

    #[test]
    fn string_checks() {
        assert_eq!(parse("dbfilename", "a/b"), Err("dbfilename can't be a path, just a filename".into()));
        assert_eq!(parse("appendfilename", ""), Err("appendfilename can't be empty".into()));
        assert_eq!(parse("cluster-announce-hostname", "a_b"), Err("Hostnames may only contain alphanumeric characters, hyphens or dots".into()));
        let bad = Err("template format is invalid or contains unknown variables".to_string());
        assert_eq!(parse("proc-title-template", ""), bad);
        assert_eq!(parse("proc-title-template", "{title}"), bad);
        assert_eq!(parse("proc-title-template", "{title"), bad);
        assert_eq!(parse("proc-title-template", "{nope} x"), bad);
        assert!(parse("proc-title-template", "x {port}").is_ok());
        assert!(parse("proc-title-template", "{title} }}{{").is_ok());
        assert!(parse("proc-title-template", "{title}}").is_ok());
        assert_eq!(parse("proc-title-template", "{title} {"), bad);
        assert_eq!(parse("pidfile", ""), Ok(Val::Str(None)));
        assert_eq!(parse("logfile", ""), Ok(Val::Str(Some(Vec::new()))));
    }

    #[test]
    fn specials() {
        assert_eq!(parse_save(&[b"900", b"1", b"300", b"10"]), Ok(vec![(900, 1), (300, 10)]));
        assert_eq!(parse_save(&[b""]), Ok(vec![]));
        assert_eq!(parse_save(&[]), Ok(vec![]));
        for bad in [&[&b"900"[..]][..], &[b"0", b"1"], &[b"a", b"b"], &[b"1", b"-1"]] {
            assert_eq!(parse_save(bad), Err("Invalid save parameters".into()));
        }
        let ob = parse_obuf(&[b"NORMAL", b"1mb", b"2", b" 3"], OBUF_DEFAULTS);
        assert_eq!(ob.map(|o| o[0]), Ok(ObufLimit { hard: 1 << 20, soft: 2, soft_seconds: 3 }));
        assert_eq!(
            parse_obuf(&[b"master", b"0", b"0", b"0"], OBUF_DEFAULTS),
            Err("Invalid client class specified in buffer limit configuration.".into())
        );
        assert_eq!(parse_obuf(&[b"normal", b"0", b"0"], OBUF_DEFAULTS), Err("Wrong number of arguments in buffer limit configuration.".into()));
        assert_eq!(
            parse_obuf(&[b"normal", b"1", b"2", b"-3"], OBUF_DEFAULTS),
            Err("Error in hard, soft or soft_seconds setting in buffer limit configuration.".into())
        );
        let v = Val::Obuf(OBUF_DEFAULTS);
        assert_eq!(
            format_value(&Kind::Special(Special::ClientOutputBufferLimit), &v),
            b"normal 0 0 0 slave 268435456 67108864 60 pubsub 33554432 8388608 60"
        );
        assert_eq!(parse_oom(&[b"1", b"2"]), Err("wrong number of arguments".into()));
        assert_eq!(parse_oom(&[b"1", b"2", b"3000"]), Err("Invalid oom-score-adj-values, elements must be between -2000 and 2000.".into()));
        assert_eq!(parse_replicaof(&[b"NO", b"ONE"]), Ok(None));
        assert_eq!(parse_replicaof(&[b"h", b"99999"]), Err("Invalid master port".into()));
        assert_eq!(parse_replicaof(&[b"h"]), Err("wrong number of arguments".into()));
        assert_eq!(parse_bind(&[b""]), Ok(vec![]));
        let many: Vec<&[u8]> = vec![b"1"; 17];
        assert_eq!(parse_bind(&many), Err("Too many bind addresses specified.".into()));
        assert_eq!(parse_percentiles(&[b"1.5", b"99.99"]), Ok(vec![1.5, 99.99]));
        assert_eq!(parse_percentiles(&[b"50", b"101"]), Err("latency-tracking-info-percentiles parameters should sit between [0.0,100.0]".into()));
        assert_eq!(parse_percentiles(&[b"nan"]), Err("Invalid latency-tracking-info-percentiles parameters".into()));
        assert_eq!(format_percentile(99.9), "99.9");
        assert_eq!(format_percentile(50.0), "50");
    }

    #[test]
    fn strtoll_like_c() {
        assert_eq!(c_strtoll(b" +7", 10), Some((7, true)));
        assert_eq!(c_strtoll(b"", 10), Some((0, true)));
        assert_eq!(c_strtoll(b" ", 10), Some((0, false)));
        assert_eq!(c_strtoll(b"12x", 10), Some((12, false)));
        assert_eq!(c_strtoll(b"99999999999999999999", 10), None);
        assert_eq!(c_strtoll(b"-9223372036854775808", 10), Some((i64::MIN, true)));
    }
}
