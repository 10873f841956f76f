//! The order sorted-set members keep and the intervals of it that commands ask for: [`Score`]
//! and [`zcmp`] (by score, then by member bytes), score intervals ([`ScoreRange`], ZRANGEBYSCORE
//! syntax) and lex intervals ([`LexRange`], ZRANGEBYLEX syntax, parsed here).

use std::cmp::Ordering;

/// A score with the total order sorted sets use (scores are never NaN).
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Score(pub f64);

impl Eq for Score {}
impl PartialOrd for Score {
    fn partial_cmp(&self, other: &Self) -> Option<Ordering> {
        Some(self.cmp(other))
    }
}
impl Ord for Score {
    fn cmp(&self, other: &Self) -> Ordering {
        self.0.partial_cmp(&other.0).unwrap_or(Ordering::Equal)
    }
}

/// Redis's element order: by score, then by member bytes.
pub fn zcmp(a: (f64, &[u8]), b: (f64, &[u8])) -> Ordering {
    Score(a.0).cmp(&Score(b.0)).then_with(|| a.1.cmp(b.1))
}

/// A score interval (`ZRANGEBYSCORE` syntax: `(` makes a bound exclusive).
#[derive(Debug, Clone, Copy)]
pub struct ScoreRange {
    pub min: f64,
    pub max: f64,
    pub minex: bool,
    pub maxex: bool,
}

impl ScoreRange {
    /// True when `s` is not below the lower end.
    pub fn gte_min(&self, s: f64) -> bool {
        if self.minex {
            s > self.min
        } else {
            s >= self.min
        }
    }

    /// True when `s` is not above the upper end.
    pub fn lte_max(&self, s: f64) -> bool {
        if self.maxex {
            s < self.max
        } else {
            s <= self.max
        }
    }
}

/// One end of a lex interval: `-`, `+`, or a string.
#[derive(Debug, Clone, PartialEq)]
pub enum LexBound {
    Min,
    Max,
    Str(Vec<u8>),
}

/// A lex interval (`ZRANGEBYLEX` syntax: `[a` inclusive, `(a` exclusive, `-` and `+`).
#[derive(Debug, Clone)]
pub struct LexRange {
    pub min: LexBound,
    pub minex: bool,
    pub max: LexBound,
    pub maxex: bool,
}

/// Redis's `sdscmplex` for a member against a bound.
fn cmp_member(v: &[u8], b: &LexBound) -> Ordering {
    match b {
        LexBound::Min => Ordering::Greater,
        LexBound::Max => Ordering::Less,
        LexBound::Str(s) => v.cmp(s),
    }
}

/// `sdscmplex` between two bounds (the same sentinel compares equal).
fn cmp_bounds(a: &LexBound, b: &LexBound) -> Ordering {
    match (a, b) {
        (LexBound::Min, LexBound::Min) | (LexBound::Max, LexBound::Max) => Ordering::Equal,
        (LexBound::Min, _) | (_, LexBound::Max) => Ordering::Less,
        (LexBound::Max, _) | (_, LexBound::Min) => Ordering::Greater,
        (LexBound::Str(x), LexBound::Str(y)) => x.cmp(y),
    }
}

impl LexRange {
    /// Parses min and max; None when either is not a valid range item.
    pub fn parse(min: &[u8], max: &[u8]) -> Option<LexRange> {
        let (min, minex) = parse_lex_item(min)?;
        let (max, maxex) = parse_lex_item(max)?;
        Some(LexRange { min, minex, max, maxex })
    }

    /// True when `v` is not below the lower end.
    pub fn gte_min(&self, v: &[u8]) -> bool {
        let c = cmp_member(v, &self.min);
        if self.minex {
            c == Ordering::Greater
        } else {
            c != Ordering::Less
        }
    }

    /// True when `v` is not above the upper end.
    pub fn lte_max(&self, v: &[u8]) -> bool {
        let c = cmp_member(v, &self.max);
        if self.maxex {
            c == Ordering::Less
        } else {
            c != Ordering::Greater
        }
    }

    /// True when no string can be inside (min above max, or equal with an exclusive end).
    pub(super) fn is_void(&self) -> bool {
        let c = cmp_bounds(&self.min, &self.max);
        c == Ordering::Greater || c == Ordering::Equal && (self.minex || self.maxex)
    }
}

/// `zslParseLexRangeItem`: the first byte decides; `+`/`-` must stand alone (as a C string).
fn parse_lex_item(item: &[u8]) -> Option<(LexBound, bool)> {
    let alone = item.len() == 1 || item.get(1) == Some(&0);
    match item.first() {
        Some(b'+') if alone => Some((LexBound::Max, true)),
        Some(b'-') if alone => Some((LexBound::Min, true)),
        Some(b'(') => Some((LexBound::Str(item[1..].to_vec()), true)),
        Some(b'[') => Some((LexBound::Str(item[1..].to_vec()), false)),
        _ => None,
    }
}
