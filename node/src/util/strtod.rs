//! C's `strtod`, which Redis parses doubles with (scores, INCRBYFLOAT-free float arguments,
//! timeouts): decimal and hex forms, `inf`/`infinity`, overflow reported as ERANGE.

/// C's optional sign at `i` (strtod, strtoll): the index after it and whether it was `-`.
pub fn c_sign(s: &[u8], i: usize) -> (usize, bool) {
    match s.get(i) {
        Some(b'-') => (i + 1, true),
        Some(b'+') => (i + 1, false),
        _ => (i, false),
    }
}

pub fn is_c_space(b: u8) -> bool {
    matches!(b, b' ' | b'\t' | b'\n' | 0x0b | 0x0c | b'\r')
}

fn starts_with_ci(s: &[u8], word: &[u8]) -> bool {
    s.len() >= word.len() && s[..word.len()].eq_ignore_ascii_case(word)
}

/// C's `strtod` on `s` (read as a C string: it stops at a NUL byte). Returns the value, the bytes
/// consumed (0 = no conversion) and whether the result over- or underflowed (`ERANGE`).
pub fn strtod(s: &[u8]) -> (f64, usize, bool) {
    let mut i = 0;
    while i < s.len() && is_c_space(s[i]) {
        i += 1;
    }
    let sign_at = i;
    let (after_sign, neg) = c_sign(s, i);
    i = after_sign;
    let signed = |v: f64| if neg { -v } else { v };
    let rest = &s[i..];
    if starts_with_ci(rest, b"inf") {
        let n = if starts_with_ci(rest, b"infinity") { 8 } else { 3 };
        return (signed(f64::INFINITY), i + n, false);
    }
    if starts_with_ci(rest, b"nan") {
        let mut n = 3;
        if rest.get(3) == Some(&b'(') {
            if let Some(close) = rest[4..].iter().position(|&c| !(c.is_ascii_alphanumeric() || c == b'_')) {
                if rest[4 + close] == b')' {
                    n = 4 + close + 1;
                }
            }
        }
        return (f64::NAN, i + n, false);
    }
    let hex_digit_at = |k: usize| rest.get(k).is_some_and(|c| c.is_ascii_hexdigit());
    if rest.len() > 2 && rest[0] == b'0' && (rest[1] | 0x20) == b'x' && (hex_digit_at(2) || rest[2] == b'.' && hex_digit_at(3)) {
        let (v, n, erange) = strtod_hex(&rest[2..]);
        return (signed(v), i + 2 + n, erange);
    }
    let mut j = i;
    let mut digits = 0;
    let mut nonzero = false;
    while j < s.len() && s[j].is_ascii_digit() {
        nonzero |= s[j] != b'0';
        digits += 1;
        j += 1;
    }
    if s.get(j) == Some(&b'.') {
        j += 1;
        while j < s.len() && s[j].is_ascii_digit() {
            nonzero |= s[j] != b'0';
            digits += 1;
            j += 1;
        }
    }
    if digits == 0 {
        return (0.0, 0, false);
    }
    if matches!(s.get(j), Some(b'e' | b'E')) {
        let mut k = j + 1;
        if matches!(s.get(k), Some(b'+' | b'-')) {
            k += 1;
        }
        if s.get(k).is_some_and(|c| c.is_ascii_digit()) {
            while k < s.len() && s[k].is_ascii_digit() {
                k += 1;
            }
            j = k;
        }
    }
    let text = std::str::from_utf8(&s[sign_at..j]).unwrap_or("0");
    let v: f64 = text.parse().unwrap_or(0.0);
    let erange = v.is_infinite() || v == 0.0 && nonzero;
    (v, j, erange)
}

/// The part of a hex float after `0x`: hex digits, an optional fraction, an optional `p` exponent.
fn strtod_hex(s: &[u8]) -> (f64, usize, bool) {
    let mut mant: u64 = 0;
    let mut exp: i64 = 0;
    let mut j = 0;
    let mut seen_dot = false;
    while j < s.len() {
        let c = s[j];
        if c == b'.' && !seen_dot {
            seen_dot = true;
        } else if let Some(d) = (c as char).to_digit(16) {
            if mant < (1 << 56) {
                mant = mant * 16 + d as u64;
                if seen_dot {
                    exp -= 4;
                }
            } else if !seen_dot {
                exp += 4;
            }
        } else {
            break;
        }
        j += 1;
    }
    if matches!(s.get(j), Some(b'p' | b'P')) {
        let mut k = j + 1;
        let eneg = s.get(k) == Some(&b'-');
        if matches!(s.get(k), Some(b'+' | b'-')) {
            k += 1;
        }
        if s.get(k).is_some_and(|c| c.is_ascii_digit()) {
            let mut e: i64 = 0;
            while k < s.len() && s[k].is_ascii_digit() {
                e = (e * 10 + (s[k] - b'0') as i64).min(100_000);
                k += 1;
            }
            exp += if eneg { -e } else { e };
            j = k;
        }
    }
    let mut v = mant as f64;
    let mut e = exp;
    while e > 0 && v.is_finite() {
        let step = e.min(1000);
        v *= 2f64.powi(step as i32);
        e -= step;
    }
    while e < 0 && v != 0.0 {
        let step = (-e).min(1000);
        v /= 2f64.powi(step as i32);
        e += step;
    }
    (v, j, v.is_infinite() || v == 0.0 && mant != 0)
}

/// A double argument as Redis's `getDoubleFromObject` reads it: strtod over the whole argument,
/// no leading space, no overflow, never NaN.
pub fn parse_double(arg: &[u8]) -> Option<f64> {
    if arg.is_empty() || is_c_space(arg[0]) {
        return None;
    }
    let (v, n, erange) = strtod(arg);
    if n != arg.len() || erange && (v.is_infinite() || v == 0.0) || v.is_nan() {
        return None;
    }
    Some(v)
}
