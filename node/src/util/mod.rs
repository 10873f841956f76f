//! Number parsing and formatting with Redis's exact rules, glob matching, `sdscatrepr`, time and a
//! small PRNG. Ground: it imports only `sys` (the wall clock). Beside this file: `strtod.rs` (C's
//! `strtod`), `long_double.rs` (x87 `long double` arithmetic for HINCRBYFLOAT and INCRBYFLOAT),
//! `csort.rs` (glibc's qsort and Redis's pqsort, whose tie orders replies show).

/// Strict decimal integer parse like Redis's `string2ll`: optional `-`, no `+`, no spaces, no
/// leading zeros (except "0" itself), fits in i64.
pub fn parse_i64(s: &[u8]) -> Option<i64> {
    if s.is_empty() || s.len() > 20 {
        return None;
    }
    if s == b"0" {
        return Some(0);
    }
    let (neg, digits) = if s[0] == b'-' { (true, &s[1..]) } else { (false, s) };
    if digits.is_empty() || digits[0] == b'0' {
        return None;
    }
    let mut v: u64 = 0;
    for &c in digits {
        if !c.is_ascii_digit() {
            return None;
        }
        v = v.checked_mul(10)?.checked_add((c - b'0') as u64)?;
    }
    if neg {
        if v > i64::MAX as u64 + 1 {
            None
        } else {
            Some((v as i64).wrapping_neg())
        }
    } else if v > i64::MAX as u64 {
        None
    } else {
        Some(v as i64)
    }
}

/// Parses a double like Redis's `getDoubleFromObject`: C's strtod over the whole argument (hex
/// and `inf` included), no leading space, no overflow, never NaN.
pub fn parse_f64(s: &[u8]) -> Option<f64> {
    strtod::parse_double(s)
}

/// Formats a double as C's `%.17g` (what Redis 7.0 replies for scores and RESP3 doubles).
pub fn fmt_double(d: f64) -> String {
    if d.is_nan() {
        return "nan".into();
    }
    if d.is_infinite() {
        return if d > 0.0 { "inf".into() } else { "-inf".into() };
    }
    fmt_g(d, 17)
}

/// C's `%.<prec>g`.
pub fn fmt_g(d: f64, prec: usize) -> String {
    if d == 0.0 {
        return if d.is_sign_negative() { "-0".into() } else { "0".into() };
    }
    let sci = format!("{:.*e}", prec - 1, d);
    let (mant, exp) = sci.split_once('e').unwrap_or((&sci, "0"));
    let exp: i32 = exp.parse().unwrap_or(0);
    if exp < -4 || exp >= prec as i32 {
        let mant = trim_fraction(mant);
        let sign = if exp < 0 { '-' } else { '+' };
        format!("{mant}e{sign}{:02}", exp.abs())
    } else {
        let decimals = (prec as i32 - 1 - exp).max(0) as usize;
        trim_fraction(&format!("{:.*}", decimals, d)).to_string()
    }
}

fn trim_fraction(s: &str) -> &str {
    if s.contains('.') {
        s.trim_end_matches('0').trim_end_matches('.')
    } else {
        s
    }
}

/// Formats the result of INCRBYFLOAT/HINCRBYFLOAT: fixed notation with 17 decimals, trailing zeros
/// trimmed (Redis's human-friendly long double format).
pub fn fmt_human_double(d: f64) -> String {
    if d.is_infinite() {
        return if d > 0.0 { "inf".into() } else { "-inf".into() };
    }
    // Redis prints a long double with %.17Lf. With a 64-bit double, the last digits of that form
    // are noise, so print the shortest representation that round-trips, in fixed notation.
    let s = format!("{d}");
    if s.contains('e') || s.contains('E') {
        let fixed = format!("{:.17}", d);
        return trim_fraction(&fixed).to_string();
    }
    let t = trim_fraction(&s);
    if t == "-0" {
        "0".into()
    } else {
        t.to_string()
    }
}

/// Bytes as lowercase hex (sentinel ids, password hashes, generated passwords).
pub fn to_hex(bytes: &[u8]) -> String {
    bytes.iter().map(|b| format!("{b:02x}")).collect()
}

/// Glob-style matching with Redis's `stringmatchlen` rules: `*`, `?`, `[abc]`, `[^a-z]`, `\\x`.
/// Every token but `*` matches one byte, so backtracking to the last `*` is enough (no blow-up).
pub fn glob_match(pattern: &[u8], string: &[u8], nocase: bool) -> bool {
    let (mut pi, mut si) = (0usize, 0usize);
    let mut star: Option<(usize, usize)> = None;
    while si < string.len() {
        if pi < pattern.len() && pattern[pi] == b'*' {
            star = Some((pi, si));
            pi += 1;
            continue;
        }
        if pi < pattern.len() {
            let (ok, len) = token_match(&pattern[pi..], string[si], nocase);
            if ok {
                pi += len;
                si += 1;
                continue;
            }
        }
        match star {
            Some((sp, ss)) => {
                pi = sp + 1;
                si = ss + 1;
                star = Some((sp, ss + 1));
            }
            None => return false,
        }
    }
    while pi < pattern.len() && pattern[pi] == b'*' {
        pi += 1;
    }
    pi == pattern.len()
}

/// Matches one pattern token (not `*`) against byte `c`; returns whether it matched and the token's length.
fn token_match(p: &[u8], c: u8, nocase: bool) -> (bool, usize) {
    let fold = |b: u8| if nocase { b.to_ascii_lowercase() } else { b };
    match p[0] {
        b'?' => (true, 1),
        b'\\' if p.len() >= 2 => (fold(p[1]) == fold(c), 2),
        b'[' => {
            let mut i = 1;
            let not = i < p.len() && p[i] == b'^';
            if not {
                i += 1;
            }
            let mut matched = false;
            while i < p.len() && p[i] != b']' {
                if p[i] == b'\\' && i + 1 < p.len() {
                    i += 1;
                    matched |= fold(p[i]) == fold(c);
                    i += 1;
                } else if i + 2 < p.len() && p[i + 1] == b'-' {
                    let (mut lo, mut hi) = (fold(p[i]), fold(p[i + 2]));
                    if lo > hi {
                        std::mem::swap(&mut lo, &mut hi);
                    }
                    matched |= fold(c) >= lo && fold(c) <= hi;
                    i += 3;
                } else {
                    matched |= fold(p[i]) == fold(c);
                    i += 1;
                }
            }
            // Skip the closing bracket when there is one.
            let len = if i < p.len() { i + 1 } else { i };
            (matched != not, len)
        }
        other => (fold(other) == fold(c), 1),
    }
}

/// Milliseconds on a monotonic clock, starting at 1 when first read: for timeouts that a
/// wall-clock jump must not fake (the sentinel's timers).
pub fn mono_ms() -> u64 {
    static START: std::sync::OnceLock<std::time::Instant> = std::sync::OnceLock::new();
    START.get_or_init(std::time::Instant::now).elapsed().as_millis() as u64 + 1
}

/// Milliseconds since the Unix epoch.
pub fn now_ms() -> i64 {
    crate::sys::realtime_us() / 1000
}

/// Microseconds since the Unix epoch.
pub fn now_us() -> i64 {
    crate::sys::realtime_us()
}

/// A small, fast PRNG (wyrand) for sampling keys and members; not for secrets.
#[derive(Debug, Clone)]
pub struct Rng(u64);

impl Rng {
    /// A generator with a fixed seed (reproducible sequences, for tests).
    pub fn with_seed(seed: u64) -> Self {
        Rng(seed | 1)
    }

    pub fn seeded() -> Self {
        let seed = now_us() as u64 ^ ((std::process::id() as u64) << 32) ^ 0x9e37_79b9_7f4a_7c15;
        Rng(seed)
    }

    pub fn next_u64(&mut self) -> u64 {
        self.0 = self.0.wrapping_add(0xa076_1d64_78bd_642f);
        let t = (self.0 as u128).wrapping_mul((self.0 ^ 0xe703_7ed1_a0b4_28db) as u128);
        ((t >> 64) as u64) ^ (t as u64)
    }

    /// Uniform in `0..n` (n > 0).
    pub fn below(&mut self, n: usize) -> usize {
        ((self.next_u64() as u128 * n as u128) >> 64) as usize
    }

    pub fn hex(&mut self, len: usize) -> String {
        let mut s = String::with_capacity(len);
        while s.len() < len {
            s.push_str(&format!("{:016x}", self.next_u64()));
        }
        s.truncate(len);
        s
    }
}

/// Case-insensitive ASCII comparison of an argument with a keyword.
pub fn eq_ic(arg: &[u8], kw: &str) -> bool {
    arg.eq_ignore_ascii_case(kw.as_bytes())
}

pub mod csort;
pub mod long_double;
pub mod strtod;

/// Redis's `sdscatrepr`: `s` double-quoted with C escapes (MONITOR lines, CONFIG REWRITE values,
/// AOF manifest names, protocol error logs).
pub fn repr_into(out: &mut String, s: &[u8]) {
    out.push('"');
    for &c in s {
        match c {
            b'\\' => out.push_str("\\\\"),
            b'"' => out.push_str("\\\""),
            b'\n' => out.push_str("\\n"),
            b'\r' => out.push_str("\\r"),
            b'\t' => out.push_str("\\t"),
            7 => out.push_str("\\a"),
            8 => out.push_str("\\b"),
            0x20..=0x7e => out.push(c as char),
            _ => out.push_str(&format!("\\x{c:02x}")),
        }
    }
    out.push('"');
}

/// [`repr_into`] as a new string.
pub fn repr(s: &[u8]) -> String {
    let mut out = String::with_capacity(s.len() + 2);
    repr_into(&mut out, s);
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn strict_integers() {
        assert_eq!(parse_i64(b"-9223372036854775808"), Some(i64::MIN));
        assert_eq!(parse_i64(b"9223372036854775808"), None);
        for bad in [&b"+1"[..], b" 1", b"01", b"-0", b"", b"1.0", b"-"] {
            assert_eq!(parse_i64(bad), None, "{:?}", bad);
        }
    }

    #[test]
    fn hex_floats_like_strtod() {
        assert_eq!(parse_f64(b"0x10"), Some(16.0));
        assert_eq!(parse_f64(b"-0X1.8p1"), Some(-3.0));
        assert_eq!(parse_f64(b"0x.8"), Some(0.5));
        assert_eq!(parse_f64(b"0x1P-2"), Some(0.25));
        for bad in [&b"0x"[..], b"0x1p", b"0xg", b"0x1p+", b"0x10p99999", b"0x1p-99999", b"0x."] {
            assert_eq!(parse_f64(bad), None, "{:?}", bad);
        }
    }

    #[test]
    fn g17_matches_c() {
        assert_eq!(fmt_double(1.1), "1.1000000000000001");
        assert_eq!(fmt_double(1.5), "1.5");
        assert_eq!(fmt_double(100.0), "100");
        assert_eq!(fmt_double(1e17), "1e+17");
        assert_eq!(fmt_double(0.0001), "0.0001");
        assert_eq!(fmt_double(0.00001), "1.0000000000000001e-05");
        assert_eq!(fmt_double(-2.5e-300), "-2.5e-300");
        assert_eq!(fmt_human_double(10.5), "10.5");
        assert_eq!(fmt_human_double(5.0e3), "5000");
    }

    #[test]
    fn globs() {
        assert!(glob_match(b"h?llo", b"hello", false));
        assert!(glob_match(b"h*llo", b"heeeello", false));
        assert!(glob_match(b"h[ae]llo", b"hallo", false));
        assert!(!glob_match(b"h[^e]llo", b"hello", false));
        assert!(glob_match(b"h[a-b]llo", b"hbllo", false));
        assert!(glob_match(b"h\\*", b"h*", false));
        assert!(glob_match(b"*", b"", false));
        assert!(glob_match(b"HE*", b"hello", true));
        assert!(!glob_match(b"a*a*a*a*a*a*a*a*a*a*b", &[b'a'; 60], false));
    }

    #[test]
    fn repr_escapes_like_sdscatrepr() {
        assert_eq!(repr(b"x\"y\\z"), r#""x\"y\\z""#);
        assert_eq!(repr("é".as_bytes()), r#""\xc3\xa9""#);
        assert_eq!(repr(b"a\tb\n"), r#""a\tb\n""#);
        assert_eq!(repr(b""), r#""""#);
    }
}
