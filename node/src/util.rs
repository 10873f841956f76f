//! Number parsing and formatting with Redis's exact rules, glob matching, time and a small PRNG.

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

/// Parses a double like Redis's `string2d`/`getDoubleFromObject`: strtod syntax (including `inf`),
/// no leading or trailing spaces, and never NaN.
pub fn parse_f64(s: &[u8]) -> Option<f64> {
    if s.is_empty() || s.len() > 5000 {
        return None;
    }
    if s[0].is_ascii_whitespace() || s[s.len() - 1].is_ascii_whitespace() {
        return None;
    }
    let text = std::str::from_utf8(s).ok()?;
    let lower = text.to_ascii_lowercase();
    let v = match lower.as_str() {
        "inf" | "+inf" | "infinity" | "+infinity" => f64::INFINITY,
        "-inf" | "-infinity" => f64::NEG_INFINITY,
        _ => {
            // Rust's parser accepts "nan"/"inf" spellings we handle above and rejects hex floats.
            if lower.contains("nan") || lower.contains("inf") {
                return None;
            }
            let unsigned = lower.strip_prefix(['+', '-']).unwrap_or(&lower);
            if let Some(hex) = unsigned.strip_prefix("0x") {
                let v = parse_hex_float(hex)?;
                return Some(if lower.starts_with('-') { -v } else { v });
            }
            text.parse::<f64>().ok()?
        }
    };
    if v.is_nan() {
        None
    } else {
        Some(v)
    }
}

/// The part after `0x` of a C99 hex float (`1.8p3`, `.8`, `10`), as strtod reads it; None when
/// malformed or out of range (strtod's ERANGE, which Redis rejects).
fn parse_hex_float(s: &str) -> Option<f64> {
    let (mant, exp) = match s.find('p') {
        Some(i) => (&s[..i], Some(&s[i + 1..])),
        None => (s, None),
    };
    let (int, frac) = mant.split_once('.').unwrap_or((mant, ""));
    if int.len() + frac.len() == 0 || !int.chars().chain(frac.chars()).all(|c| c.is_ascii_hexdigit()) {
        return None;
    }
    let mut e2: i64 = match exp {
        Some(e) => {
            let digits = e.strip_prefix(['+', '-']).unwrap_or(e);
            if digits.is_empty() || !digits.bytes().all(|b| b.is_ascii_digit()) {
                return None;
            }
            e.parse::<i64>().unwrap_or(if e.starts_with('-') { -100_000 } else { 100_000 }).clamp(-100_000, 100_000)
        }
        None => 0,
    };
    // Keep 60 significant bits; later digits only shift the exponent (or are dropped after the point).
    let mut m: u64 = 0;
    let mut nonzero = false;
    for (i, c) in int.chars().chain(frac.chars()).enumerate() {
        let d = c.to_digit(16).unwrap_or(0) as u64;
        nonzero |= d != 0;
        if m >> 56 == 0 {
            m = m * 16 + d;
            if i >= int.len() {
                e2 -= 4;
            }
        } else if i < int.len() {
            e2 += 4;
        }
    }
    let mut v = m as f64;
    while e2 > 0 && v.is_finite() {
        let step = e2.min(1000);
        v *= 2f64.powi(step as i32);
        e2 -= step;
    }
    while e2 < 0 && v != 0.0 {
        let step = (-e2).min(1000);
        v /= 2f64.powi(step as i32);
        e2 += step;
    }
    if v.is_infinite() || (v == 0.0 && nonzero) {
        return None;
    }
    Some(v)
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

/// C's `long double`, which Redis uses for INCRBYFLOAT and HINCRBYFLOAT. On x86-64 that is the x87
/// 80-bit extended format: parsing goes through glibc (`%Lf`, the same code as `strtold`), addition
/// through the FPU and formatting (`%.17Lf`) is done exactly here, so results match redis-server
/// byte for byte. Other targets fall back to f64.
pub mod long_double {
    #![allow(unsafe_code)]

    /// Longest accepted input (MAX_LONG_DOUBLE_CHARS).
    const MAX_CHARS: usize = 5 * 1024;

    /// An x87 extended value as stored in memory: 64-bit mantissa (explicit integer bit), then
    /// sign and 15-bit exponent.
    #[derive(Debug, Clone, Copy, PartialEq, Eq)]
    #[repr(C, align(16))]
    pub struct LongDouble([u8; 16]);

    impl LongDouble {
        fn mant(&self) -> u64 {
            let mut b = [0u8; 8];
            b.copy_from_slice(&self.0[..8]);
            u64::from_le_bytes(b)
        }

        fn sign_exp(&self) -> u16 {
            u16::from_le_bytes([self.0[8], self.0[9]])
        }

        fn from_parts(negative: bool, exp: u16, mant: u64) -> Self {
            let mut b = [0u8; 16];
            b[..8].copy_from_slice(&mant.to_le_bytes());
            b[8..10].copy_from_slice(&(exp | if negative { 0x8000 } else { 0 }).to_le_bytes());
            LongDouble(b)
        }

        /// An exact conversion (`(long double) n`).
        pub fn from_i64(n: i64) -> Self {
            if n == 0 {
                return Self::from_parts(false, 0, 0);
            }
            let m = n.unsigned_abs();
            let lz = m.leading_zeros();
            Self::from_parts(n < 0, (16383 + 63 - lz) as u16, m << lz)
        }

        pub fn is_finite(&self) -> bool {
            self.sign_exp() & 0x7fff != 0x7fff
        }

        pub fn is_zero(&self) -> bool {
            self.mant() == 0 && self.sign_exp() & 0x7fff == 0
        }

        /// Redis's `string2ld`: the whole string must be a number (strtold syntax: decimal, hex,
        /// inf/infinity), no leading space, no NaN, no overflow or underflow to zero.
        pub fn parse(s: &[u8]) -> Option<Self> {
            if s.is_empty() || s.len() >= MAX_CHARS || s[0].is_ascii_whitespace() || s[0] == 0x0b {
                return None;
            }
            // The whole buffer must be consumed, so an embedded NUL is an error.
            let text = s;
            if strtold_len(text) != text.len() {
                return None;
            }
            let (v, consumed, range_err) = scan(text)?;
            if consumed != text.len() || v.is_nan() {
                return None;
            }
            if range_err && (!v.is_finite() || v.is_zero()) {
                return None;
            }
            Some(v)
        }

        fn is_nan(&self) -> bool {
            !self.is_finite() && self.mant() << 1 != 0
        }

        /// `self + other` in extended precision, rounded to nearest.
        pub fn add(&self, other: &Self) -> Self {
            add(self, other)
        }

        /// Redis's human-friendly form (`ld2string(LD_STR_HUMAN)`): `%.17Lf` with trailing zeros
        /// (and a trailing dot) removed, and "-0" written "0".
        pub fn to_human_string(&self) -> String {
            let se = self.sign_exp();
            let negative = se & 0x8000 != 0;
            let exp = i32::from(se & 0x7fff);
            if exp == 0x7fff {
                return if self.mant() << 1 != 0 {
                    "nan".into()
                } else if negative {
                    "-inf".into()
                } else {
                    "inf".into()
                };
            }
            let mant = self.mant();
            // value = mant * 2^e2 (denormals use the minimum exponent).
            let e2 = if exp == 0 { 1 - 16383 - 63 } else { exp - 16383 - 63 };
            let mut text = if e2 >= 0 { big_shift_to_decimal(mant, e2 as u32) } else { fixed17(mant, (-e2) as u32) };
            if text.contains('.') {
                while text.ends_with('0') {
                    text.pop();
                }
                if text.ends_with('.') {
                    text.pop();
                }
            }
            if negative {
                text.insert(0, '-');
            }
            if text == "-0" {
                text = "0".into();
            }
            text
        }
    }

    /// How many bytes C's `strtold` would consume from `s` (0 when it finds no number): an optional
    /// sign, then `inf`/`infinity`/`nan[(...)]`, a hex float (`0x1.8p3`) or a decimal float; an
    /// exponent counts only when digits follow it.
    fn strtold_len(s: &[u8]) -> usize {
        let mut i = usize::from(matches!(s.first(), Some(b'+' | b'-')));
        let rest = &s[i..];
        let starts = |kw: &[u8]| rest.len() >= kw.len() && rest[..kw.len()].eq_ignore_ascii_case(kw);
        if starts(b"infinity") {
            return i + 8;
        }
        if starts(b"inf") {
            return i + 3;
        }
        if starts(b"nan") {
            i += 3;
            if s.get(i) == Some(&b'(') {
                if let Some(close) = s[i..].iter().position(|&c| c == b')') {
                    if s[i + 1..i + close].iter().all(|c| c.is_ascii_alphanumeric() || *c == b'_') {
                        return i + close + 1;
                    }
                }
            }
            return i;
        }
        let hex = rest.len() > 2
            && rest[0] == b'0'
            && (rest[1] | 0x20) == b'x'
            && (rest[2].is_ascii_hexdigit() || (rest[2] == b'.' && rest.get(3).is_some_and(u8::is_ascii_hexdigit)));
        let (digit, exp_char): (fn(&u8) -> bool, u8) = if hex { (u8::is_ascii_hexdigit, b'p') } else { (u8::is_ascii_digit, b'e') };
        if hex {
            i += 2;
        }
        let int_digits = s[i..].iter().take_while(|c| digit(c)).count();
        i += int_digits;
        let mut frac_digits = 0;
        if s.get(i) == Some(&b'.') {
            frac_digits = s[i + 1..].iter().take_while(|c| digit(c)).count();
            if int_digits + frac_digits > 0 {
                i += 1 + frac_digits;
            }
        }
        if int_digits + frac_digits == 0 {
            return 0;
        }
        if s.get(i).is_some_and(|c| c | 0x20 == exp_char) {
            let mut j = i + 1;
            if matches!(s.get(j), Some(b'+' | b'-')) {
                j += 1;
            }
            let exp_digits = s[j.min(s.len())..].iter().take_while(|c| c.is_ascii_digit()).count();
            if exp_digits > 0 {
                i = j + exp_digits;
            }
        }
        i
    }

    /// `mant * 2^shift` in decimal (an integer).
    fn big_shift_to_decimal(mant: u64, shift: u32) -> String {
        const BASE: u64 = 1_000_000_000;
        // Little-endian base-1e9 limbs.
        let mut limbs: Vec<u64> = Vec::new();
        let mut m = mant;
        while m > 0 {
            limbs.push(m % BASE);
            m /= BASE;
        }
        let mut left = shift;
        while left > 0 {
            let k = left.min(29);
            left -= k;
            let mut carry = 0u64;
            for l in limbs.iter_mut() {
                let v = (*l << k) + carry;
                *l = v % BASE;
                carry = v / BASE;
            }
            while carry > 0 {
                limbs.push(carry % BASE);
                carry /= BASE;
            }
        }
        let mut s = match limbs.last() {
            Some(top) => top.to_string(),
            None => "0".to_string(),
        };
        for l in limbs.iter().rev().skip(1) {
            s.push_str(&format!("{l:09}"));
        }
        s
    }

    /// `mant / 2^shift` with 17 decimals, rounded half to even like glibc's printf.
    fn fixed17(mant: u64, shift: u32) -> String {
        const SCALE: u128 = 100_000_000_000_000_000;
        let n = u128::from(mant) * SCALE;
        let q = if shift >= 128 {
            // n < 2^122, so the value is below half a unit of the last decimal.
            0
        } else {
            let q = n >> shift;
            let r = n & ((1u128 << shift) - 1);
            let half = 1u128 << (shift - 1);
            if r > half || (r == half && q & 1 == 1) {
                q + 1
            } else {
                q
            }
        };
        format!("{}.{:017}", q / SCALE, q % SCALE)
    }

    #[cfg(target_arch = "x86_64")]
    fn scan(text: &[u8]) -> Option<(LongDouble, usize, bool)> {
        let c = std::ffi::CString::new(text).ok()?;
        let mut v = LongDouble([0; 16]);
        let mut consumed: libc::c_int = 0;
        // SAFETY: sscanf writes one long double (16 bytes, 16-aligned) into `v` and an int into
        // `consumed`; both outlive the call, and the format string matches those pointers.
        let (matched, errno) = unsafe {
            *libc::__errno_location() = 0;
            let matched = libc::sscanf(c.as_ptr(), c"%Lf%n".as_ptr(), v.0.as_mut_ptr(), &mut consumed as *mut libc::c_int);
            (matched, *libc::__errno_location())
        };
        if matched != 1 {
            return None;
        }
        Some((v, consumed as usize, errno == libc::ERANGE))
    }

    #[cfg(target_arch = "x86_64")]
    fn add(a: &LongDouble, b: &LongDouble) -> LongDouble {
        let mut out = LongDouble([0; 16]);
        // SAFETY: loads two 10-byte extended values from valid 16-byte buffers, adds them on the
        // x87 stack (left empty again) and stores the result into `out`.
        unsafe {
            std::arch::asm!(
                "fld tbyte ptr [{a}]",
                "fld tbyte ptr [{b}]",
                "faddp st(1), st",
                "fstp tbyte ptr [{o}]",
                a = in(reg) a.0.as_ptr(),
                b = in(reg) b.0.as_ptr(),
                o = in(reg) out.0.as_mut_ptr(),
                out("st(0)") _,
                out("st(1)") _,
                options(nostack),
            );
        }
        out
    }

    /// Without x87, an f64 stored in extended layout (exact widening).
    #[cfg(not(target_arch = "x86_64"))]
    fn from_f64(d: f64) -> LongDouble {
        if d == 0.0 {
            return LongDouble::from_parts(d.is_sign_negative(), 0, 0);
        }
        if !d.is_finite() {
            return LongDouble::from_parts(d < 0.0, 0x7fff, if d.is_nan() { 0xc000_0000_0000_0000 } else { 1 << 63 });
        }
        let bits = d.to_bits();
        let exp = ((bits >> 52) & 0x7ff) as i32;
        let frac = bits & ((1 << 52) - 1);
        let (m, e) = if exp == 0 { (frac, -1022 - 52) } else { (frac | (1 << 52), exp - 1023 - 52) };
        let lz = m.leading_zeros() as i32;
        LongDouble::from_parts(d < 0.0, (e - lz + 16383 + 63) as u16, m << lz)
    }

    #[cfg(not(target_arch = "x86_64"))]
    fn to_f64(v: &LongDouble) -> f64 {
        let se = v.sign_exp();
        let exp = i32::from(se & 0x7fff);
        let sign = if se & 0x8000 != 0 { -1.0 } else { 1.0 };
        if exp == 0x7fff {
            return if v.mant() << 1 != 0 { f64::NAN } else { sign * f64::INFINITY };
        }
        sign * (v.mant() as f64) * 2f64.powi(if exp == 0 { 1 - 16383 - 63 } else { exp - 16383 - 63 })
    }

    #[cfg(not(target_arch = "x86_64"))]
    fn scan(text: &[u8]) -> Option<(LongDouble, usize, bool)> {
        let d = super::parse_f64(text)?;
        Some((from_f64(d), text.len(), false))
    }

    #[cfg(not(target_arch = "x86_64"))]
    fn add(a: &LongDouble, b: &LongDouble) -> LongDouble {
        from_f64(to_f64(a) + to_f64(b))
    }
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
    fn long_double_like_redis() {
        use super::long_double::LongDouble as Ld;
        let p = |s: &str| Ld::parse(s.as_bytes());
        let add = |a: &str, b: &str| p(a).and_then(|a| p(b).map(|b| a.add(&b).to_human_string()));
        // Values redis-server 7.0 gives for INCRBYFLOAT (x87 long double, %.17Lf, zeros trimmed).
        assert_eq!(add("10.5", "0.1").as_deref(), Some("10.6"));
        assert_eq!(add("0.1", "0.2").as_deref(), Some("0.3"));
        assert_eq!(add("1.1", "2.2").as_deref(), Some("3.3"));
        assert_eq!(add("1e308", "1e308").map(|s| s.len()), Some(309));
        assert_eq!(add("0", "-0.0").as_deref(), Some("0"));
        assert_eq!(Ld::from_i64(-9223372036854775808).to_human_string(), "-9223372036854775808");
        assert_eq!(p("0x10").map(|v| v.to_human_string()).as_deref(), Some("16"));
        for bad in ["", " 1", "1 ", "1e", "0x", "nan", "abc", "1e5000", "1e-5000", ".", "-", "1\x002"] {
            assert!(p(bad).is_none(), "{bad:?} should not parse");
        }
        assert!(p("inf").is_some_and(|v| !v.is_finite()));
        assert!(p("1e-4940").is_some());
    }
}
