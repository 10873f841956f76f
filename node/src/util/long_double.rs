//! C `long double` (x87 80-bit extended precision) arithmetic, for the commands Redis computes
//! in it: HINCRBYFLOAT (and INCRBYFLOAT). Parsing follows glibc's `strtold` with Redis's
//! `string2ld` checks, addition rounds to nearest-even at 64 significant bits, and formatting is
//! `printf("%.17Lf")` with trailing zeros trimmed (`ld2string`, `LD_STR_HUMAN`). Exact big-integer
//! arithmetic keeps all three correctly rounded, like the C library.

use std::cmp::Ordering;

/// The exponent of the smallest denormal's bit: 2^-16445.
const MIN_LSB: i64 = -16445;
/// Values must stay below 2^16384.
const MAX_BITS: i64 = 16384;
/// `MAX_LONG_DOUBLE_CHARS`: string2ld refuses inputs this long.
const MAX_CHARS: usize = 5 * 1024;

/// A finite value: (-1)^neg × mant × 2^exp.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Ld {
    neg: bool,
    mant: u64,
    exp: i64,
}

impl Ld {
    pub const ZERO: Ld = Ld { neg: false, mant: 0, exp: 0 };
}

/// A parsed number: finite, or an infinity (`inf` is valid input to strtold).
#[derive(Debug, Clone, Copy, PartialEq)]
pub enum Num {
    Finite(Ld),
    Inf(bool),
}

/// A non-negative big integer, 32-bit limbs, little endian, no high zero limbs.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
struct Big(Vec<u32>);

impl Big {
    fn from_u128(mut v: u128) -> Big {
        let mut b = Big(Vec::new());
        while v != 0 {
            b.0.push(v as u32);
            v >>= 32;
        }
        b
    }

    fn is_zero(&self) -> bool {
        self.0.is_empty()
    }

    fn trim(&mut self) {
        while self.0.last() == Some(&0) {
            self.0.pop();
        }
    }

    /// self = self × m + a
    fn mul_add(&mut self, m: u32, a: u32) {
        let mut carry = a as u64;
        for l in self.0.iter_mut() {
            let t = *l as u64 * m as u64 + carry;
            *l = t as u32;
            carry = t >> 32;
        }
        if carry != 0 {
            self.0.push(carry as u32);
        }
        self.trim();
    }

    fn pow10(k: u64) -> Big {
        let mut b = Big::from_u128(1);
        let mut left = k;
        while left > 0 {
            let step = left.min(9);
            b.mul_add(10u32.pow(step as u32), 0);
            left -= step;
        }
        b
    }

    fn bits(&self) -> i64 {
        match self.0.last() {
            None => 0,
            Some(top) => (self.0.len() as i64 - 1) * 32 + (32 - top.leading_zeros() as i64),
        }
    }

    fn shl(&self, n: u64) -> Big {
        if self.is_zero() {
            return Big::default();
        }
        let (limbs, bits) = ((n / 32) as usize, (n % 32) as u32);
        let mut v = vec![0u32; limbs];
        let mut carry = 0u32;
        for &l in &self.0 {
            if bits == 0 {
                v.push(l);
            } else {
                v.push((l << bits) | carry);
                carry = l >> (32 - bits);
            }
        }
        if carry != 0 {
            v.push(carry);
        }
        let mut b = Big(v);
        b.trim();
        b
    }

    fn bit(&self, i: u64) -> bool {
        self.0.get((i / 32) as usize).is_some_and(|l| (l >> (i % 32)) & 1 == 1)
    }

    /// Whether any bit below position `i` is set.
    fn any_below(&self, i: u64) -> bool {
        let (limbs, bits) = ((i / 32) as usize, i % 32);
        self.0.iter().take(limbs).any(|&l| l != 0) || (bits > 0 && self.0.get(limbs).is_some_and(|&l| l & ((1u32 << bits) - 1) != 0))
    }

    /// The 128 bits of self >> shift.
    fn low_u128_from(&self, shift: u64) -> u128 {
        let mut v = 0u128;
        for i in 0..128 {
            if self.bit(shift + i) {
                v |= 1 << i;
            }
        }
        v
    }

    fn cmp(&self, o: &Big) -> Ordering {
        self.0.len().cmp(&o.0.len()).then_with(|| self.0.iter().rev().cmp(o.0.iter().rev()))
    }

    /// self -= o (self >= o).
    fn sub(&mut self, o: &Big) {
        let mut borrow = 0i64;
        for (i, l) in self.0.iter_mut().enumerate() {
            let t = *l as i64 - borrow - o.0.get(i).copied().unwrap_or(0) as i64;
            borrow = (t < 0) as i64;
            *l = t.rem_euclid(1 << 32) as u32;
        }
        self.trim();
    }

    fn add(&self, o: &Big) -> Big {
        let mut v = Vec::with_capacity(self.0.len().max(o.0.len()) + 1);
        let mut carry = 0u64;
        for i in 0..self.0.len().max(o.0.len()) {
            let t = self.0.get(i).copied().unwrap_or(0) as u64 + o.0.get(i).copied().unwrap_or(0) as u64 + carry;
            v.push(t as u32);
            carry = t >> 32;
        }
        if carry != 0 {
            v.push(carry as u32);
        }
        Big(v)
    }

    /// self /= d, returning the remainder.
    fn div_small(&mut self, d: u32) -> u32 {
        let mut rem = 0u64;
        for l in self.0.iter_mut().rev() {
            let t = (rem << 32) | *l as u64;
            *l = (t / d as u64) as u32;
            rem = t % d as u64;
        }
        self.trim();
        rem as u32
    }

    fn to_decimal(&self) -> String {
        if self.is_zero() {
            return "0".into();
        }
        let mut n = self.clone();
        let mut chunks = Vec::new();
        while !n.is_zero() {
            chunks.push(n.div_small(1_000_000_000));
        }
        let mut s = String::new();
        for (i, c) in chunks.iter().rev().enumerate() {
            if i == 0 {
                s.push_str(&c.to_string());
            } else {
                s.push_str(&format!("{c:09}"));
            }
        }
        s
    }
}

/// Rounds the exact value n × 2^e (plus something below n's last bit when `sticky`) to 64
/// significant bits, or fewer in the denormal range, ties to even. None on overflow.
fn round(n: &Big, e: i64, sticky: bool, neg: bool) -> Option<Ld> {
    let bits = n.bits();
    if bits == 0 {
        return Some(Ld { neg, mant: 0, exp: 0 });
    }
    let mut lsb = (bits + e - 64).max(MIN_LSB);
    let shift = lsb - e;
    let mant = if shift <= 0 {
        (n.low_u128_from(0) as u64) << (-shift)
    } else {
        let sh = shift as u64;
        let m = n.low_u128_from(sh) as u64;
        let half = n.bit(sh - 1);
        let rest = sticky || n.any_below(sh - 1);
        if half && (rest || m & 1 == 1) {
            match m.checked_add(1) {
                Some(m) => m,
                None => {
                    lsb += 1;
                    1 << 63
                }
            }
        } else {
            m
        }
    };
    if mant == 0 {
        lsb = 0;
    }
    if mant != 0 && 64 - mant.leading_zeros() as i64 + lsb > MAX_BITS {
        return None;
    }
    Some(Ld { neg, mant, exp: lsb })
}

fn is_c_space(b: u8) -> bool {
    matches!(b, b' ' | b'\t' | b'\n' | b'\x0b' | b'\x0c' | b'\r')
}

/// Digits of a mantissa: (big integer of all digits, digits after the point), or None when
/// there is no digit.
fn mantissa(s: &[u8], radix: u32) -> Option<(Big, i64)> {
    let mut n = Big::default();
    let (mut any, mut frac, mut dot) = (false, 0i64, false);
    // Digits are folded in groups, one big multiplication per group.
    let group = if radix == 10 { 9 } else { 7 };
    let (mut acc, mut mul, mut len) = (0u32, 1u32, 0);
    for &c in s {
        if c == b'.' && !dot {
            dot = true;
            continue;
        }
        let d = (c as char).to_digit(radix)?;
        any = true;
        acc = acc * radix + d;
        mul *= radix;
        len += 1;
        if len == group {
            n.mul_add(mul, acc);
            (acc, mul, len) = (0, 1, 0);
        }
        if dot {
            frac += 1;
        }
    }
    if len > 0 {
        n.mul_add(mul, acc);
    }
    any.then_some((n, frac))
}

/// An exponent: [+-]digits, saturated far beyond any meaningful value.
fn exponent(s: &[u8]) -> Option<i64> {
    let (neg, digits) = match s.first() {
        Some(b'-') => (true, &s[1..]),
        Some(b'+') => (false, &s[1..]),
        _ => (false, s),
    };
    if digits.is_empty() || !digits.iter().all(u8::is_ascii_digit) {
        return None;
    }
    let mut v: i64 = 0;
    for &d in digits {
        v = (v * 10 + (d - b'0') as i64).min(1 << 40);
    }
    Some(if neg { -v } else { v })
}

/// Parses like Redis's `string2ld` (strtold on the whole string; no leading space, no NaN,
/// no overflow, no underflow to zero).
pub fn parse(s: &[u8]) -> Option<Num> {
    if s.is_empty() || s.len() >= MAX_CHARS {
        return None;
    }
    if is_c_space(s[0]) {
        return None;
    }
    let (neg, body) = match s[0] {
        b'-' => (true, &s[1..]),
        b'+' => (false, &s[1..]),
        _ => (false, s),
    };
    let lower = body.to_ascii_lowercase();
    if lower == b"inf" || lower == b"infinity" {
        return Some(Num::Inf(neg));
    }
    if lower.starts_with(b"0x") {
        return parse_hex(&lower[2..], neg).map(Num::Finite);
    }
    let (mant, exp) = match lower.iter().position(|&c| c == b'e') {
        Some(i) => (&lower[..i], exponent(&lower[i + 1..])?),
        None => (&lower[..], 0),
    };
    let (n, frac) = mantissa(mant, 10)?;
    decimal_to_ld(&n, exp - frac, neg).map(Num::Finite)
}

fn parse_hex(s: &[u8], neg: bool) -> Option<Ld> {
    let (mant, exp) = match s.iter().position(|&c| c == b'p') {
        Some(i) => (&s[..i], exponent(&s[i + 1..])?),
        None => (s, 0),
    };
    let (n, frac) = mantissa(mant, 16)?;
    if n.is_zero() {
        return Some(Ld { neg, mant: 0, exp: 0 });
    }
    let e = exp - 4 * frac;
    if n.bits() + e > MAX_BITS {
        return None;
    }
    if n.bits() + e < MIN_LSB - 1 {
        return None;
    }
    let x = round(&n, e, false, neg)?;
    (x.mant != 0).then_some(x)
}

/// n × 10^e10 correctly rounded. None on overflow or underflow to zero (strtold's ERANGE).
fn decimal_to_ld(n: &Big, e10: i64, neg: bool) -> Option<Ld> {
    if n.is_zero() {
        return Some(Ld { neg, mant: 0, exp: 0 });
    }
    // n has about `digits` decimal digits: reject what is surely out of range before
    // computing with huge powers of ten.
    let digits = (n.bits() as f64 * std::f64::consts::LOG10_2) as i64 + 1;
    if digits - 1 + e10 > 4933 {
        return None;
    }
    if digits + e10 < -4952 {
        return None;
    }
    let x = if e10 >= 0 {
        let mut v = n.clone();
        let mut left = e10;
        while left > 0 {
            let step = left.min(9);
            v.mul_add(10u32.pow(step as u32), 0);
            left -= step;
        }
        round(&v, 0, false, neg)?
    } else {
        // n / 10^k: scale so the quotient has 66+ bits, keep the remainder as a sticky bit.
        let b = Big::pow10((-e10) as u64);
        let s = b.bits() + 66 - n.bits();
        let (mut a, d) = if s >= 0 { (n.shl(s as u64), b) } else { (n.clone(), b.shl((-s) as u64)) };
        let mut q: u128 = 0;
        let qbits = (a.bits() - d.bits()).max(0);
        for i in (0..=qbits).rev() {
            let t = d.shl(i as u64);
            if a.cmp(&t) != Ordering::Less {
                a.sub(&t);
                q |= 1 << i;
            }
        }
        round(&Big::from_u128(q), -s, !a.is_zero(), neg)?
    };
    (x.mant != 0).then_some(x)
}

/// a + b, rounded to long double. None when the sum overflows.
pub fn add(a: Ld, b: Ld) -> Option<Ld> {
    if a.mant == 0 {
        return Some(if b.mant == 0 { Ld { neg: a.neg && b.neg, ..Ld::ZERO } } else { b });
    }
    if b.mant == 0 {
        return Some(a);
    }
    let emin = a.exp.min(b.exp);
    let x = Big::from_u128(a.mant as u128).shl((a.exp - emin) as u64);
    let y = Big::from_u128(b.mant as u128).shl((b.exp - emin) as u64);
    let (n, neg) = if a.neg == b.neg {
        (x.add(&y), a.neg)
    } else if x.cmp(&y) != Ordering::Less {
        let mut d = x;
        d.sub(&y);
        (d, a.neg)
    } else {
        let mut d = y;
        d.sub(&x);
        (d, b.neg)
    };
    if n.is_zero() {
        return Some(Ld::ZERO);
    }
    round(&n, emin, false, neg)
}

/// `%.17Lf` with trailing zeros (and a bare point) removed, and "-0" printed as "0".
pub fn format_human(x: Ld) -> String {
    const SCALE: u128 = 100_000_000_000_000_000; // 10^17
    let (int, frac) = if x.exp >= 0 {
        (Big::from_u128(x.mant as u128).shl(x.exp as u64), 0u128)
    } else {
        let sh = (-x.exp) as u64;
        let (int, frac) = if sh >= 64 { (0, x.mant) } else { (x.mant >> sh, x.mant & ((1u64 << sh) - 1)) };
        let mut int = int as u128;
        let mut q = 0u128;
        if frac != 0 && sh <= 127 {
            let p = frac as u128 * SCALE;
            q = p >> sh;
            let r = p & ((1u128 << sh) - 1);
            let half = 1u128 << (sh - 1);
            if r > half || (r == half && q & 1 == 1) {
                q += 1;
            }
            if q == SCALE {
                q = 0;
                int += 1;
            }
        }
        (Big::from_u128(int), q)
    };
    let mut s = String::new();
    if x.neg {
        s.push('-');
    }
    s.push_str(&int.to_decimal());
    if frac != 0 {
        let mut digits = format!("{frac:017}");
        while digits.ends_with('0') {
            digits.pop();
        }
        s.push('.');
        s.push_str(&digits);
    }
    if s == "-0" {
        s = "0".into();
    }
    s
}

#[cfg(test)]
mod tests {
    use super::*;

    fn p(s: &str) -> Ld {
        match parse(s.as_bytes()) {
            Some(Num::Finite(x)) => x,
            other => panic!("{s}: {other:?}"),
        }
    }

    fn sum(a: &str, b: &str) -> String {
        format_human(add(p(a), p(b)).expect("finite"))
    }

    #[test]
    fn adds_like_x87() {
        assert_eq!(sum("0.1", "0.2"), "0.3");
        assert_eq!(sum("10.5", "0.1"), "10.6");
        assert_eq!(sum("5.0e3", "2.0e2"), "5200");
        assert_eq!(sum("3", "-3"), "0");
        assert_eq!(sum("-1", "0.5"), "-0.5");
        // What redis-server replies: 1e308 is not exact in 64 bits of mantissa either.
        let big = sum("1e308", "1e308");
        assert!(big.starts_with("19999999999999999999337175931169129132112019969") && big.len() == 309, "{big}");
        assert_eq!(sum("0x10", "1"), "17");
        assert_eq!(sum("1e-20", "0"), "0");
        assert_eq!(sum("-1e-20", "0"), "0");
        assert_eq!(sum("1.5", "0"), "1.5");
        assert_eq!(sum("0.000003814697265625", "0"), "0.00000381469726562");
        assert_eq!(sum("0.000011444091796875", "0"), "0.00001144409179688");
    }

    #[test]
    fn parses_like_string2ld() {
        for bad in ["", " 1", "1 ", "abc", "nan", "-nan", "1e", "1e+", "0x", "1..2", ".", "-", "1e5000", "1e-5000", "0xp1"] {
            assert_eq!(parse(bad.as_bytes()), None, "{bad:?}");
        }
        assert_eq!(parse(b"inf"), Some(Num::Inf(false)));
        assert_eq!(parse(b"-Infinity"), Some(Num::Inf(true)));
        assert_eq!(format_human(p(".5")), "0.5");
        assert_eq!(format_human(p("5.")), "5");
        assert_eq!(format_human(p("+7e2")), "700");
        assert_eq!(format_human(p("0x1.8p1")), "3");
        assert_eq!(format_human(p("1e-4950")), "0");
        assert_eq!(format_human(p("18446744073709551615")), "18446744073709551615");
        assert_eq!(format_human(p("18446744073709551617")), "18446744073709551616");
    }
}

#[cfg(test)]
mod redis_values {
    use super::*;

    fn add_text(a: &str, b: &str) -> Option<String> {
        match (parse(a.as_bytes())?, parse(b.as_bytes())?) {
            (Num::Finite(a), Num::Finite(b)) => add(a, b).map(format_human),
            _ => None,
        }
    }

    #[test]
    fn incrbyfloat_results_match_redis() {
        // What redis-server 7.0 replies for INCRBYFLOAT (x87 long double, %.17Lf, zeros trimmed).
        assert_eq!(add_text("10.5", "0.1").as_deref(), Some("10.6"));
        assert_eq!(add_text("0.1", "0.2").as_deref(), Some("0.3"));
        assert_eq!(add_text("1.1", "2.2").as_deref(), Some("3.3"));
        assert_eq!(add_text("1e308", "1e308").map(|s| s.len()), Some(309));
        assert_eq!(add_text("0", "-0.0").as_deref(), Some("0"));
        assert_eq!(add_text("-9223372036854775808", "0").as_deref(), Some("-9223372036854775808"));
        assert_eq!(add_text("0x10", "0").as_deref(), Some("16"));
        for bad in ["", " 1", "1 ", "1e", "0x", "nan", "abc", "1e5000", "1e-5000", ".", "-", "1\x002"] {
            assert!(parse(bad.as_bytes()).is_none(), "{bad:?} should not parse");
        }
        assert!(matches!(parse(b"inf"), Some(Num::Inf(_))));
        assert!(parse(b"1e-4940").is_some());
    }
}
