//! Geo math of Redis 7.0 (`geohash.c`, `geohash_helper.c` and the numeric
//! parts of `geo.c`), reproduced bit for bit.
//!
//! This module depends only on `std` and `util::csort` (glibc's qsort and
//! Redis's pqsort, re-exported here for the geo commands). All floating
//! point operations are written in the same order as the C code (no fused
//! multiply-add, same association), and `sin`/`cos`/`asin`/`sqrt` go to the
//! platform libm just like the C build does, so on the same libc the results
//! are identical to redis-server 7.0 (checked against 7.0.15 on x86_64 /
//! glibc 2.36, see `tests.rs`).
//!
//! What redis-server 7.0.15 actually does differs in a few places from
//! older copies of the C sources (all confirmed against the server by the
//! tests):
//! * `geohashGetDistance()` returns `R * |dlat|` (`geohashGetLatDistance`)
//!   when `sin(dlon/2) == 0`, and the BYBOX test checks the latitude edge
//!   with that same formula ([`distance`], [`distance_if_in_rectangle`]);
//! * distances are printed like `fixedpoint_d2string(d, 4)` =
//!   `llrint(d * 10000)`, not `printf("%.4f")` ([`fmt_dist`]);
//! * the partial sort used for `COUNT n` (without ANY) is `pqsort` *without*
//!   the "switch to insertion sort" shortcut, so members at equal distance
//!   come out permuted ([`pqsort`]); a full sort is glibc's stable `qsort`.
//!
//! Notes on precision:
//! * Everything in the geo code of 7.0 is computed in `double`. The only
//!   `long double` involvement is `addReplyHumanLongDouble()`, which widens an
//!   already computed `double` (exact) and prints it with `%.17Lf`; printing
//!   the exact value of the double with 17 decimals gives the same text, so no
//!   80-bit emulation is needed (see [`fmt_coord`]).
//! * Scores are `double`s; Redis turns them back into hash bits with a plain
//!   C cast `(uint64_t)score`, whose x86_64 behaviour for out-of-range values
//!   is emulated by [`score_to_bits`].

use std::cmp::Ordering;

pub use crate::util::csort::{glibc_msort, pqsort};

/// `GEO_STEP_MAX` (geohash.h): 26 steps per coordinate, 52 bits in total.
pub const GEO_STEP_MAX: u8 = 26;
/// `GEO_LAT_MIN` (geohash.h), EPSG:900913 limit.
pub const GEO_LAT_MIN: f64 = -85.05112878;
/// `GEO_LAT_MAX` (geohash.h), EPSG:900913 limit.
pub const GEO_LAT_MAX: f64 = 85.05112878;
/// `GEO_LONG_MIN` (geohash.h).
pub const GEO_LONG_MIN: f64 = -180.0;
/// `GEO_LONG_MAX` (geohash.h).
pub const GEO_LONG_MAX: f64 = 180.0;
/// `EARTH_RADIUS_IN_METERS` (geohash_helper.c).
pub const EARTH_RADIUS_IN_METERS: f64 = 6372797.560856;
/// `MERCATOR_MAX` (geohash_helper.c).
pub const MERCATOR_MAX: f64 = 20037726.37;
/// `MERCATOR_MIN` (geohash_helper.c).
pub const MERCATOR_MIN: f64 = -20037726.37;

/// `D_R` (geohash_helper.c): `M_PI / 180.0`.
const D_R: f64 = std::f64::consts::PI / 180.0;

/// Error reply of `extractUnitOrReply()` (geo.c), without the leading `-`.
pub const ERR_UNSUPPORTED_UNIT: &str = "ERR unsupported unit provided. please use M, KM, FT, MI";

/// `deg_rad()` (geohash_helper.c).
#[inline]
pub fn deg_rad(ang: f64) -> f64 {
    ang * D_R
}

/// `rad_deg()` (geohash_helper.c).
#[inline]
pub fn rad_deg(ang: f64) -> f64 {
    ang / D_R
}

/// `GeoHashBits` (geohash.h). `bits == 0 && step == 0` is the "zero" hash
/// (`GZERO` / `HASHISZERO`) used to mark neighbours that need no scan.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Default)]
pub struct HashBits {
    pub bits: u64,
    pub step: u8,
}

impl HashBits {
    /// `HASHISZERO()` (geohash.h).
    pub fn is_zero(&self) -> bool {
        self.bits == 0 && self.step == 0
    }
}

/// `GeoHashRange` (geohash.h).
#[derive(Clone, Copy, Debug, PartialEq, Default)]
pub struct HashRange {
    pub min: f64,
    pub max: f64,
}

impl HashRange {
    /// `RANGEISZERO()` / `RANGEPISZERO()` (geohash.h).
    fn is_zero(&self) -> bool {
        self.max == 0.0 && self.min == 0.0
    }
}

/// `GeoHashArea` (geohash.h).
#[derive(Clone, Copy, Debug, PartialEq, Default)]
pub struct HashArea {
    pub hash: HashBits,
    pub longitude: HashRange,
    pub latitude: HashRange,
}

/// `GeoHashNeighbors` (geohash.h).
#[derive(Clone, Copy, Debug, PartialEq, Default)]
pub struct Neighbors {
    pub north: HashBits,
    pub east: HashBits,
    pub west: HashBits,
    pub south: HashBits,
    pub north_east: HashBits,
    pub south_east: HashBits,
    pub north_west: HashBits,
    pub south_west: HashBits,
}

/// `GeoHashRadius` (geohash.h): the centre box and its 8 neighbours.
#[derive(Clone, Copy, Debug, PartialEq, Default)]
pub struct HashRadius {
    pub hash: HashBits,
    pub area: HashArea,
    pub neighbors: Neighbors,
}

/// `interleave64()` (geohash.c): bits of `xlo` go to even positions, bits of
/// `ylo` to odd positions.
pub fn interleave64(xlo: u32, ylo: u32) -> u64 {
    const B: [u64; 5] = [0x5555555555555555, 0x3333333333333333, 0x0F0F0F0F0F0F0F0F, 0x00FF00FF00FF00FF, 0x0000FFFF0000FFFF];
    const S: [u32; 5] = [1, 2, 4, 8, 16];
    let mut x = xlo as u64;
    let mut y = ylo as u64;
    for i in (0..5).rev() {
        x = (x | (x << S[i])) & B[i];
        y = (y | (y << S[i])) & B[i];
    }
    x | (y << 1)
}

/// `deinterleave64()` (geohash.c): even bits to the low 32 bits, odd bits to
/// the high 32 bits.
pub fn deinterleave64(interleaved: u64) -> u64 {
    const B: [u64; 6] = [0x5555555555555555, 0x3333333333333333, 0x0F0F0F0F0F0F0F0F, 0x00FF00FF00FF00FF, 0x0000FFFF0000FFFF, 0x00000000FFFFFFFF];
    const S: [u32; 6] = [0, 1, 2, 4, 8, 16];
    let mut x = interleaved;
    let mut y = interleaved >> 1;
    for i in 0..6 {
        x = (x | (x >> S[i])) & B[i];
        y = (y | (y >> S[i])) & B[i];
    }
    x | (y << 32)
}

/// `geohashGetCoordRange()` (geohash.c): `(long_range, lat_range)` of the
/// WGS84 / EPSG:900913 projection used for the scores.
pub fn coord_range() -> (HashRange, HashRange) {
    (HashRange { min: GEO_LONG_MIN, max: GEO_LONG_MAX }, HashRange { min: GEO_LAT_MIN, max: GEO_LAT_MAX })
}

/// C's `(uint32_t)double` for the values `geohashEncode()` can produce
/// (`0 ..= 2^32`); `as` saturates instead of being UB, which is irrelevant here.
#[inline]
fn c_double_to_u32(d: f64) -> u32 {
    d as u32
}

/// `geohashEncode()` (geohash.c). Returns `None` where C returns 0. Note that
/// the global WGS84 limits are checked too, whatever the ranges given.
///
/// A coordinate exactly on the upper limit yields offset `2^step`, i.e. a
/// bit above `2*step` (e.g. `180,85.05112878` encodes to `3 * 2^52`), as in C.
// The comparisons are spelled as in C on purpose: NaN passes them.
#[allow(clippy::manual_range_contains)]
pub fn hash_encode(long_range: &HashRange, lat_range: &HashRange, longitude: f64, latitude: f64, step: u8) -> Option<HashBits> {
    if step > 32 || step == 0 || lat_range.is_zero() || long_range.is_zero() {
        return None;
    }
    if longitude > GEO_LONG_MAX || longitude < GEO_LONG_MIN || latitude > GEO_LAT_MAX || latitude < GEO_LAT_MIN {
        return None;
    }
    if latitude < lat_range.min || latitude > lat_range.max || longitude < long_range.min || longitude > long_range.max {
        return None;
    }
    let mut lat_offset = (latitude - lat_range.min) / (lat_range.max - lat_range.min);
    let mut long_offset = (longitude - long_range.min) / (long_range.max - long_range.min);
    let scale = (1u64 << step) as f64;
    lat_offset *= scale;
    long_offset *= scale;
    Some(HashBits { bits: interleave64(c_double_to_u32(lat_offset), c_double_to_u32(long_offset)), step })
}

/// `geohashEncodeWGS84()` / `geohashEncodeType()` (geohash.c).
pub fn encode_wgs84(longitude: f64, latitude: f64, step: u8) -> Option<HashBits> {
    let (lo, la) = coord_range();
    hash_encode(&lo, &la, longitude, latitude, step)
}

/// `geohashAlign52Bits()` (geohash_helper.c): left-align a `step` hash to the
/// 52-bit score space.
pub fn align52(hash: HashBits) -> u64 {
    hash.bits << (52 - hash.step as u32 * 2)
}

/// The GEOADD score: `geohashEncodeWGS84(lon, lat, GEO_STEP_MAX)` followed by
/// `geohashAlign52Bits()` (geoaddCommand). `None` when the pair is out of
/// range (reply with [`invalid_lonlat_error`]).
pub fn encode(longitude: f64, latitude: f64) -> Option<u64> {
    encode_wgs84(longitude, latitude, GEO_STEP_MAX).map(align52)
}

/// The range test of `extractLongLatOrReply()` (geo.c). (NaN passes, as in
/// C; Redis's number parsing already rejects it.)
#[allow(clippy::manual_range_contains)]
pub fn lonlat_valid(longitude: f64, latitude: f64) -> bool {
    !(longitude < GEO_LONG_MIN || longitude > GEO_LONG_MAX || latitude < GEO_LAT_MIN || latitude > GEO_LAT_MAX)
}

/// Error text of `extractLongLatOrReply()` (geo.c), without the leading `-`:
/// `ERR invalid longitude,latitude pair %f,%f`.
pub fn invalid_lonlat_error(longitude: f64, latitude: f64) -> String {
    format!("ERR invalid longitude,latitude pair {},{}", fmt_c_fixed(longitude, 6), fmt_c_fixed(latitude, 6))
}

/// `geohashDecode()` (geohash.c). `None` where C returns 0.
///
/// `ilato + 1` is 32-bit unsigned arithmetic in C and wraps for
/// `0xFFFFFFFF`; that is reproduced.
pub fn hash_decode(long_range: HashRange, lat_range: HashRange, hash: HashBits) -> Option<HashArea> {
    if hash.is_zero() || lat_range.is_zero() || long_range.is_zero() {
        return None;
    }
    let step = hash.step;
    let hash_sep = deinterleave64(hash.bits);
    let lat_scale = lat_range.max - lat_range.min;
    let long_scale = long_range.max - long_range.min;
    let ilato = hash_sep as u32;
    let ilono = (hash_sep >> 32) as u32;
    let div = (1u64 << step) as f64;
    Some(HashArea {
        hash,
        latitude: HashRange {
            min: lat_range.min + (ilato as f64 * 1.0 / div) * lat_scale,
            max: lat_range.min + (ilato.wrapping_add(1) as f64 * 1.0 / div) * lat_scale,
        },
        longitude: HashRange {
            min: long_range.min + (ilono as f64 * 1.0 / div) * long_scale,
            max: long_range.min + (ilono.wrapping_add(1) as f64 * 1.0 / div) * long_scale,
        },
    })
}

/// `geohashDecodeWGS84()` / `geohashDecodeType()` (geohash.c).
pub fn decode_wgs84(hash: HashBits) -> Option<HashArea> {
    let (lo, la) = coord_range();
    hash_decode(lo, la, hash)
}

/// `geohashDecodeAreaToLongLat()` (geohash.c, 7.0: with clamping to the
/// WGS84 limits). Returns `(longitude, latitude)`.
pub fn decode_area_to_lonlat(area: &HashArea) -> (f64, f64) {
    // Same as the C `if (x > MAX) x = MAX; if (x < MIN) x = MIN;` (NaN stays).
    let x = ((area.longitude.min + area.longitude.max) / 2.0).clamp(GEO_LONG_MIN, GEO_LONG_MAX);
    let y = ((area.latitude.min + area.latitude.max) / 2.0).clamp(GEO_LAT_MIN, GEO_LAT_MAX);
    (x, y)
}

/// `geohashDecodeToLongLatWGS84()` (geohash.c) of a step-26 hash, i.e. the
/// `(longitude, latitude)` GEOPOS / WITHCOORD report for a score whose bits
/// are `bits`. Never fails for step 26.
pub fn decode(bits: u64) -> (f64, f64) {
    let area = decode_wgs84(HashBits { bits, step: GEO_STEP_MAX }).expect("step 26 hash always decodes");
    decode_area_to_lonlat(&area)
}

/// The `(uint64_t)bits` cast of `decodeGeohash()` (geo.c) as compiled by gcc
/// for x86_64: values below 2^63 (including negatives) go through
/// `cvttsd2si` (out of range / NaN -> `0x8000000000000000`), values at or
/// above 2^63 are offset by 2^63 first and get bit 63 flipped back.
/// E.g. `-1.0 -> u64::MAX`, `1e30 -> 0`, `inf -> 0`.
pub fn score_to_bits(score: f64) -> u64 {
    const TWO63: f64 = 9223372036854775808.0;
    fn cvttsd2si(d: f64) -> u64 {
        if !(-9223372036854775808.0..9223372036854775808.0).contains(&d) {
            // also NaN
            0x8000000000000000
        } else {
            (d as i64) as u64
        }
    }
    #[allow(clippy::neg_cmp_op_on_partial_ord)]
    let below = !(score >= TWO63);
    if below {
        // comisd: "not below" is false for NaN, so NaN takes this branch too.
        cvttsd2si(score)
    } else {
        cvttsd2si(score - TWO63) ^ 0x8000000000000000
    }
}

/// `decodeGeohash()` (geo.c): coordinates of a member from its zset score.
pub fn decode_score(score: f64) -> (f64, f64) {
    decode(score_to_bits(score))
}

/// `geohash_move_x()` / `geohash_move_y()` (geohash.c): steps the cell `d` cells along one
/// axis, whose bits are those of `axis` (odd positions for x, even for y), wrapping at the edge:
/// the other axis's bits are filled in so that the carry runs through this axis's bits only.
fn move_axis(hash: &mut HashBits, d: i8, axis: u64) {
    if d == 0 {
        return;
    }
    let shift = 64 - hash.step as u32 * 2;
    let mut v = hash.bits & axis;
    let other = hash.bits & !axis;
    let zz = !axis >> shift;
    if d > 0 {
        v = v.wrapping_add(zz + 1);
    } else {
        v |= zz;
        v = v.wrapping_sub(zz + 1);
    }
    v &= axis >> shift;
    hash.bits = v | other;
}

fn move_x(hash: &mut HashBits, d: i8) {
    move_axis(hash, d, 0xaaaaaaaaaaaaaaaa);
}

fn move_y(hash: &mut HashBits, d: i8) {
    move_axis(hash, d, 0x5555555555555555);
}

/// `geohashNeighbors()` (geohash.c). Wraps around at the edges of the grid.
pub fn neighbors(hash: &HashBits) -> Neighbors {
    let mv = |dx: i8, dy: i8| {
        let mut h = *hash;
        move_x(&mut h, dx);
        move_y(&mut h, dy);
        h
    };
    Neighbors {
        east: mv(1, 0),
        west: mv(-1, 0),
        south: mv(0, -1),
        north: mv(0, 1),
        north_west: mv(-1, 1),
        north_east: mv(1, 1),
        south_east: mv(1, -1),
        south_west: mv(-1, -1),
    }
}

/// `geohashGetLatDistance()` (geohash_helper.c): distance along a meridian,
/// `R * |lat2 - lat1|` in radians (no haversine). Meters.
pub fn lat_distance(lat1d: f64, lat2d: f64) -> f64 {
    EARTH_RADIUS_IN_METERS * (deg_rad(lat2d) - deg_rad(lat1d)).abs()
}

/// `geohashGetDistance()` (geohash_helper.c): haversine great circle
/// distance in meters, with the shortcut that redis-server 7.0.15 has: when
/// `sin(dlon/2) == 0` the result is [`lat_distance`] instead of
/// `2R*asin(|sin(dlat/2)|)` (the two differ in the last bits, which is
/// visible at radius / box boundaries; verified against the server).
pub fn distance(lon1d: f64, lat1d: f64, lon2d: f64, lat2d: f64) -> f64 {
    let lon1r = deg_rad(lon1d);
    let lon2r = deg_rad(lon2d);
    let v = ((lon2r - lon1r) / 2.0).sin();
    if v == 0.0 {
        return lat_distance(lat1d, lat2d);
    }
    let lat1r = deg_rad(lat1d);
    let lat2r = deg_rad(lat2d);
    let u = ((lat2r - lat1r) / 2.0).sin();
    let a = u * u + lat1r.cos() * lat2r.cos() * v * v;
    2.0 * EARTH_RADIUS_IN_METERS * a.sqrt().asin()
}

/// `geohashGetDistanceIfInRadiusWGS84()` (geohash_helper.c): the distance
/// when `distance <= radius` (note: a NaN distance is *accepted*, as in C).
pub fn distance_if_in_radius(x1: f64, y1: f64, x2: f64, y2: f64, radius: f64) -> Option<f64> {
    let d = distance(x1, y1, x2, y2);
    if d > radius {
        None
    } else {
        Some(d)
    }
}

/// `geohashGetDistanceIfInRectangle()` (geohash_helper.c): `(x1,y1)` is the
/// box centre, `(x2,y2)` the point. The latitude edge test uses
/// [`lat_distance`] (`R*|dlat|`), the longitude one the haversine distance
/// along the point's parallel, `distance(x2, y2, x1, y2)`; both inclusive.
/// (redis-server 7.0.15 behaves like this; the older variant with two
/// haversine edge distances gives different answers at the boundary.)
pub fn distance_if_in_rectangle(width_m: f64, height_m: f64, x1: f64, y1: f64, x2: f64, y2: f64) -> Option<f64> {
    let lat_distance = lat_distance(y2, y1);
    if lat_distance > height_m / 2.0 {
        return None;
    }
    let lon_distance = distance(x2, y2, x1, y2);
    if lon_distance > width_m / 2.0 {
        return None;
    }
    Some(distance(x1, y1, x2, y2))
}

/// The 11-character GEOHASH string (geohashCommand in geo.c) for a member
/// whose *decoded* position (see [`decode`]) is `(longitude, latitude)`:
/// re-encoded at step 26 with the standard ranges (-180..180, -90..90); the
/// 11th character is always `'0'`. Bits above bit 51 (coordinate exactly on
/// the upper limit) are dropped by the shifts, as in C.
pub fn geohash_string(longitude: f64, latitude: f64) -> String {
    const ALPHABET: &[u8; 32] = b"0123456789bcdefghjkmnpqrstuvwxyz";
    let r0 = HashRange { min: -180.0, max: 180.0 };
    let r1 = HashRange { min: -90.0, max: 90.0 };
    // In C a failed encode leaves `hash.bits == 0` (set before the range
    // checks); decoded positions never fail.
    let bits = hash_encode(&r0, &r1, longitude, latitude, 26).map(|h| h.bits).unwrap_or(0);
    let mut buf = String::with_capacity(11);
    for i in 0..11 {
        let idx = if i == 10 { 0 } else { ((bits >> (52 - ((i + 1) * 5))) & 0x1f) as usize };
        buf.push(ALPHABET[idx] as char);
    }
    buf
}

/// GEOHASH reply for a member with zset score `score` (decodeGeohash +
/// [`geohash_string`]).
pub fn geohash_string_from_score(score: f64) -> String {
    let (x, y) = decode_score(score);
    geohash_string(x, y)
}

/// `extractUnitOrReply()` (geo.c): meters per unit for `m`, `km`, `ft`, `mi`
/// (ASCII case-insensitive). `None` -> reply [`ERR_UNSUPPORTED_UNIT`].
/// Like `strcasecmp` on the sds, the comparison stops at an embedded NUL.
pub fn unit_factor(unit: &[u8]) -> Option<f64> {
    let u = match unit.iter().position(|&b| b == 0) {
        Some(p) => &unit[..p],
        None => unit,
    };
    if u.eq_ignore_ascii_case(b"m") {
        Some(1.0)
    } else if u.eq_ignore_ascii_case(b"km") {
        Some(1000.0)
    } else if u.eq_ignore_ascii_case(b"ft") {
        Some(0.3048)
    } else if u.eq_ignore_ascii_case(b"mi") {
        Some(1609.34)
    } else {
        None
    }
}

/// C `printf("%.<prec>f", v)` (glibc): exact decimal expansion, ties to even,
/// `inf`/`-inf`/`nan`/`-nan`. Rust's `{:.prec$}` is exact with the same tie
/// rule, only the non-finite spellings differ.
pub fn fmt_c_fixed(v: f64, prec: usize) -> String {
    if v.is_nan() {
        return if v.is_sign_negative() { "-nan".into() } else { "nan".into() };
    }
    if v.is_infinite() {
        return if v < 0.0 { "-inf".into() } else { "inf".into() };
    }
    format!("{:.*}", prec, v)
}

/// glibc `llrint()` on x86_64 (`cvtsd2si`, round half to even): values
/// outside the `i64` range and NaN give `i64::MIN`.
fn c_llrint(d: f64) -> i64 {
    let r = d.round_ties_even();
    if !(-9223372036854775808.0..9223372036854775808.0).contains(&r) {
        // also NaN
        i64::MIN
    } else {
        r as i64
    }
}

/// `fixedpoint_d2string(buf, len, d, fractional_digits)` (util.c):
/// `llrint(d * 10^digits)` written out with a dot; `0.0` / `-0.0` give
/// `"0.000.."`, tiny negatives that round to 0 have no sign.
pub fn fixedpoint_d2string(d: f64, fractional_digits: usize) -> String {
    const POW10: [f64; 18] = [1.0, 10.0, 100.0, 1e3, 1e4, 1e5, 1e6, 1e7, 1e8, 1e9, 1e10, 1e11, 1e12, 1e13, 1e14, 1e15, 1e16, 1e17];
    assert!((1..=17).contains(&fractional_digits));
    if d == 0.0 {
        return format!("0.{}", "0".repeat(fractional_digits));
    }
    let svalue = c_llrint(d * POW10[fractional_digits]);
    let value: u64 = svalue.unsigned_abs();
    let digits = value.to_string();
    let mut out = String::with_capacity(digits.len() + 3);
    if svalue < 0 {
        out.push('-');
    }
    if digits.len() <= fractional_digits {
        out.push_str("0.");
        out.push_str(&"0".repeat(fractional_digits - digits.len()));
        out.push_str(&digits);
    } else {
        let (int_part, frac_part) = digits.split_at(digits.len() - fractional_digits);
        out.push_str(int_part);
        out.push('.');
        out.push_str(frac_part);
    }
    out
}

/// `addReplyDoubleDistance()` (geo.c) of GEODIST / WITHDIST. Pass the
/// distance already converted to the reply unit (meters / conversion).
///
/// Although the C comment and older sources use `snprintf("%.4f")`, the
/// 7.0.15 server answers like `fixedpoint_d2string(.., 4)`, i.e.
/// `llrint(d * 10000)`: the product is rounded to a double first, so a
/// value just below a `...5` tie can round up where `%.4f` rounds down
/// (e.g. 17314235.563749998807907 ft -> `17314235.5638`, `%.4f` gives
/// `...5637`). Verified against the server in the tests.
pub fn fmt_dist(d: f64) -> String {
    fixedpoint_d2string(d, 4)
}

/// `addReplyHumanLongDouble()` -> `ld2string(.., LD_STR_HUMAN)` (util.c) of a
/// double widened to `long double`: `%.17Lf`, trailing zeros and a trailing
/// dot removed, `-0` turned into `0`, infinities as `inf`/`-inf`. The
/// widening is exact, so 80-bit arithmetic plays no role.
pub fn fmt_coord(v: f64) -> String {
    if v.is_infinite() {
        return if v > 0.0 { "inf".into() } else { "-inf".into() };
    }
    let mut s = fmt_c_fixed(v, 17);
    if s.contains('.') {
        while s.ends_with('0') {
            s.pop();
        }
        if s.ends_with('.') {
            s.pop();
        }
    }
    if s == "-0" {
        s = "0".into();
    }
    s
}

/// Search shape kind (`GeoShape.type` / `GeoShape.t` in geohash.h). Sizes are
/// in the *request unit*, exactly as parsed; [`Shape::conversion`] converts
/// to meters (Redis multiplies at each use, and the box radius estimate
/// depends on doing it after the square root).
#[derive(Clone, Copy, Debug, PartialEq)]
pub enum ShapeKind {
    /// `CIRCULAR_TYPE` (BYRADIUS / GEORADIUS*).
    Radius { radius: f64 },
    /// `RECTANGLE_TYPE` (BYBOX): full width and height.
    Box { width: f64, height: f64 },
}

/// `GeoShape` (geohash.h): search centre, size and unit conversion factor
/// (meters per unit, from [`unit_factor`]).
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct Shape {
    pub lon: f64,
    pub lat: f64,
    pub conversion: f64,
    pub kind: ShapeKind,
}

impl Shape {
    /// BYRADIUS `radius` `unit` around `(lon, lat)`.
    pub fn radius(lon: f64, lat: f64, radius: f64, conversion: f64) -> Shape {
        Shape { lon, lat, conversion, kind: ShapeKind::Radius { radius } }
    }

    /// BYBOX `width` `height` `unit` centred on `(lon, lat)`.
    pub fn rect(lon: f64, lat: f64, width: f64, height: f64, conversion: f64) -> Shape {
        Shape { lon, lat, conversion, kind: ShapeKind::Box { width, height } }
    }
}

/// `geohashEstimateStepsByRadius()` (geohash_helper.c): 26 for radius 0,
/// else the number of doublings needed to reach `MERCATOR_MAX`, minus 2,
/// minus 1 more above |66| degrees of latitude and another above |80|,
/// clamped to `1..=26`.
#[allow(clippy::manual_range_contains)]
pub fn estimate_steps_by_radius(range_meters: f64, lat: f64) -> u8 {
    if range_meters == 0.0 {
        return 26;
    }
    let mut range_meters = range_meters;
    let mut step: i32 = 1;
    while range_meters < MERCATOR_MAX {
        range_meters *= 2.0;
        step += 1;
    }
    step -= 2;
    if lat > 66.0 || lat < -66.0 {
        step -= 1;
        if lat > 80.0 || lat < -80.0 {
            step -= 1;
        }
    }
    step.clamp(1, 26) as u8
}

/// `geohashBoundingBox()` (geohash_helper.c): `[min_lon, min_lat, max_lon,
/// max_lat]`.
pub fn bounding_box(shape: &Shape) -> [f64; 4] {
    let longitude = shape.lon;
    let latitude = shape.lat;
    let (height, width) = match shape.kind {
        ShapeKind::Radius { radius } => (shape.conversion * radius, shape.conversion * radius),
        ShapeKind::Box { width, height } => (shape.conversion * (height / 2.0), shape.conversion * (width / 2.0)),
    };
    let lat_delta = rad_deg(height / EARTH_RADIUS_IN_METERS);
    let long_delta_top = rad_deg(width / EARTH_RADIUS_IN_METERS / deg_rad(latitude + lat_delta).cos());
    let long_delta_bottom = rad_deg(width / EARTH_RADIUS_IN_METERS / deg_rad(latitude - lat_delta).cos());
    let southern = latitude < 0.0;
    [
        if southern { longitude - long_delta_bottom } else { longitude - long_delta_top },
        latitude - lat_delta,
        if southern { longitude + long_delta_bottom } else { longitude + long_delta_top },
        latitude + lat_delta,
    ]
}

/// `geohashCalculateAreasByShapeWGS84()` (geohash_helper.c): estimate the
/// step (`geohashEstimateStepsByShapeWGS84`, i.e. by radius, for a box by its
/// half diagonal), decrement it once when a N/S/E/W neighbour does not reach
/// the bounding box, and zero (`GZERO`) the neighbours outside the bounding
/// box (only when `steps >= 2`).
pub fn calculate_areas(shape: &Shape) -> HashRadius {
    let b = bounding_box(shape);
    let (min_lon, min_lat, max_lon, max_lat) = (b[0], b[1], b[2], b[3]);
    let longitude = shape.lon;
    let latitude = shape.lat;
    let mut radius_meters = match shape.kind {
        ShapeKind::Radius { radius } => radius,
        ShapeKind::Box { width, height } => ((width / 2.0) * (width / 2.0) + (height / 2.0) * (height / 2.0)).sqrt(),
    };
    radius_meters *= shape.conversion;

    let mut steps = estimate_steps_by_radius(radius_meters, latitude);
    let (long_range, lat_range) = coord_range();
    // The centre is always valid (checked when parsing); fall back to C's
    // "bits = 0, step = steps" if not.
    let enc = |steps: u8| hash_encode(&long_range, &lat_range, longitude, latitude, steps).unwrap_or(HashBits { bits: 0, step: steps });
    let dec = |h: HashBits| hash_decode(long_range, lat_range, h).unwrap_or_default();

    let mut hash = enc(steps);
    let mut nb = neighbors(&hash);
    let mut area = dec(hash);

    let mut decrease_step = false;
    {
        let north = dec(nb.north);
        let south = dec(nb.south);
        let east = dec(nb.east);
        let west = dec(nb.west);
        if north.latitude.max < max_lat {
            decrease_step = true;
        }
        if south.latitude.min > min_lat {
            decrease_step = true;
        }
        if east.longitude.max < max_lon {
            decrease_step = true;
        }
        if west.longitude.min > min_lon {
            decrease_step = true;
        }
    }

    if steps > 1 && decrease_step {
        steps -= 1;
        hash = enc(steps);
        nb = neighbors(&hash);
        area = dec(hash);
    }

    if steps >= 2 {
        let z = HashBits::default();
        if area.latitude.min < min_lat {
            nb.south = z;
            nb.south_west = z;
            nb.south_east = z;
        }
        if area.latitude.max > max_lat {
            nb.north = z;
            nb.north_east = z;
            nb.north_west = z;
        }
        if area.longitude.min < min_lon {
            nb.west = z;
            nb.south_west = z;
            nb.north_west = z;
        }
        if area.longitude.max > max_lon {
            nb.east = z;
            nb.south_east = z;
            nb.north_east = z;
        }
    }
    HashRadius { hash, area, neighbors: nb }
}

/// `scoresOfGeoHashBox()` (geo.c): `[min, max)` 52-bit score range of a box.
pub fn scores_of_box(hash: HashBits) -> (u64, u64) {
    let min = align52(hash);
    let max = align52(HashBits { bits: hash.bits.wrapping_add(1), step: hash.step });
    (min, max)
}

/// The boxes `membersOfAllNeighbors()` (geo.c) scans, in scan order: centre,
/// N, S, E, W, NE, NW, SE, SW; zeroed (`GZERO`) neighbours are skipped, and a
/// box equal (bits and step) to the *last processed* one is skipped, except
/// when the last processed one is the centre (`if (last_processed && ...)`).
/// The skip only matters at step 1 (2x2 grid: S == N, W == E, NW == SE ==
/// SW == NE), leaving centre, N, E, NE. In practice the resulting ranges
/// never overlap (checked on millions of random shapes), so no member is
/// reported twice.
pub fn search_boxes(shape: &Shape) -> Vec<HashBits> {
    let n = calculate_areas(shape);
    let list = [
        n.hash,
        n.neighbors.north,
        n.neighbors.south,
        n.neighbors.east,
        n.neighbors.west,
        n.neighbors.north_east,
        n.neighbors.north_west,
        n.neighbors.south_east,
        n.neighbors.south_west,
    ];
    let mut out = Vec::with_capacity(9);
    let mut last_processed = 0usize;
    for (i, h) in list.iter().enumerate() {
        if h.is_zero() {
            continue;
        }
        if last_processed != 0 && h.bits == list[last_processed].bits && h.step == list[last_processed].step {
            continue;
        }
        out.push(*h);
        last_processed = i;
    }
    out
}

/// Score ranges `[min, max)` (as the doubles of the `zrangespec`) that Redis
/// queries, in order (`membersOfAllNeighbors` -> `membersOfGeoHashBox` ->
/// `geoGetPointsInRange`). Each range is scanned in zset order (score, then
/// member). For COUNT ANY, stop before a range when enough results were
/// found, and inside a range right after the element that reached the count
/// (see [`search`]).
pub fn search_ranges(shape: &Shape) -> Vec<(f64, f64)> {
    search_boxes(shape)
        .into_iter()
        .map(|h| {
            let (min, max) = scores_of_box(h);
            (min as f64, max as f64)
        })
        .collect()
}

/// `geoWithinShape()` / `geoAppendIfWithinShape()` (geo.c) for a member at the
/// *decoded* position `(lon, lat)`: `Some(distance in meters from the shape
/// centre)` if inside (`geohashGetDistanceIfInRadiusWGS84` /
/// `geohashGetDistanceIfInRectangle`). Divide by `shape.conversion` for the
/// WITHDIST / STOREDIST value.
pub fn within(shape: &Shape, lon: f64, lat: f64) -> Option<f64> {
    match shape.kind {
        ShapeKind::Radius { radius } => distance_if_in_radius(shape.lon, shape.lat, lon, lat, radius * shape.conversion),
        ShapeKind::Box { width, height } => {
            distance_if_in_rectangle(width * shape.conversion, height * shape.conversion, shape.lon, shape.lat, lon, lat)
        }
    }
}

/// `geoPoint` (geo.h): a search hit.
#[derive(Clone, Debug, PartialEq)]
pub struct GeoPoint<T> {
    pub member: T,
    /// zset score (WITHHASH replies it as an integer: `(long long)score`).
    pub score: f64,
    /// decoded longitude (WITHCOORD).
    pub lon: f64,
    /// decoded latitude (WITHCOORD).
    pub lat: f64,
    /// distance from the centre in meters.
    pub dist: f64,
}

/// `membersOfAllNeighbors()` + `geoGetPointsInRange()` (geo.c). `limit` is
/// COUNT when ANY was given, 0 otherwise. `scan(min, max)` must yield the
/// `(score, member)` pairs of the zset with `min <= score < max`, in zset order
/// (ascending score, ties by member bytes); it is consumed lazily and dropped
/// as soon as the limit is reached. Results are in Redis's raw (unsorted)
/// order, duplicates included.
pub fn search<T, I, F>(shape: &Shape, limit: usize, mut scan: F) -> Vec<GeoPoint<T>>
where
    F: FnMut(f64, f64) -> I,
    I: IntoIterator<Item = (f64, T)>,
{
    let mut ga: Vec<GeoPoint<T>> = Vec::new();
    let reached = |n: usize| n > 0 && limit > 0 && n >= limit;
    for (min, max) in search_ranges(shape) {
        if reached(ga.len()) {
            break;
        }
        for (score, member) in scan(min, max) {
            // geoGetPointsInRange() relies on the zset range itself; be
            // defensive about a scan that yields more than asked.
            if !(score >= min && score < max) {
                continue;
            }
            let (lon, lat) = decode_score(score);
            if let Some(dist) = within(shape, lon, lat) {
                ga.push(GeoPoint { member, score, lon, lat, dist });
            }
            if reached(ga.len()) {
                break;
            }
        }
    }
    ga
}

/// Requested ordering (`SORT_NONE` / `SORT_ASC` / `SORT_DESC` in geo.c).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Sort {
    None,
    Asc,
    Desc,
}

/// georadiusGeneric(): "COUNT without ordering ... force ASC ordering if
/// COUNT was specified but no sorting was requested. Note that this is not
/// needed for ANY option." `count == 0` means no COUNT.
pub fn effective_sort(sort: Sort, count: usize, any: bool) -> Sort {
    if count != 0 && sort == Sort::None && !any {
        Sort::Asc
    } else {
        sort
    }
}

/// `sort_gp_asc()` (geo.c): 1 / 0 / -1 (NaN compares as "less").
fn sort_gp_asc(a: f64, b: f64) -> i32 {
    if a > b {
        1
    } else if a == b {
        0
    } else {
        -1
    }
}

/// Sorting and truncation of georadiusGeneric(): with `returned_items ==
/// result_length` it calls libc `qsort` (glibc: stable merge sort, emulated
/// exactly by [`glibc_msort`]), otherwise Redis's `pqsort(.., 0,
/// returned_items-1)` (NetBSD quicksort with partial ranges, ported exactly in
/// [`pqsort`]), then keeps the first `returned_items`. `sort` should come from
/// [`effective_sort`]; `count == 0` means no COUNT.
pub fn sort_and_limit<T>(points: &mut Vec<GeoPoint<T>>, sort: Sort, count: usize) {
    let result_length = points.len();
    let returned = if count == 0 || result_length < count { result_length } else { count };
    if sort != Sort::None && result_length > 0 {
        let cmp = |a: &GeoPoint<T>, b: &GeoPoint<T>| -> i32 {
            match sort {
                Sort::Desc => -sort_gp_asc(a.dist, b.dist),
                _ => sort_gp_asc(a.dist, b.dist),
            }
        };
        if returned == result_length {
            glibc_msort(points, &cmp);
        } else {
            pqsort(points, &cmp, 0, returned - 1);
        }
    }
    points.truncate(returned);
}

/// Total order on `(score, member bytes)` used by the zset (helper for
/// callers and tests that keep members in a plain vector).
pub fn zset_order(a: (f64, &[u8]), b: (f64, &[u8])) -> Ordering {
    a.0.partial_cmp(&b.0).unwrap_or(Ordering::Equal).then_with(|| a.1.cmp(b.1))
}

#[cfg(test)]
mod tests;
