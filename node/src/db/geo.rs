//! Geo math of Redis 7.0 (`geohash.c`, `geohash_helper.c` and the numeric
//! parts of `geo.c`), reproduced bit for bit.
//!
//! This module depends only on `std`. All floating point operations are
//! written in the same order as the C code (no fused multiply-add, same
//! association), and `sin`/`cos`/`asin`/`sqrt` go to the platform libm just
//! like the C build does, so on the same libc the results are identical to
//! redis-server 7.0 (checked against 7.0.15 on x86_64 / glibc 2.36, see the
//! tests at the bottom of this file).
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

/// `geohash_move_x()` (geohash.c).
fn move_x(hash: &mut HashBits, d: i8) {
    if d == 0 {
        return;
    }
    let mut x = hash.bits & 0xaaaaaaaaaaaaaaaa;
    let y = hash.bits & 0x5555555555555555;
    let zz = 0x5555555555555555u64 >> (64 - hash.step as u32 * 2);
    if d > 0 {
        x = x.wrapping_add(zz + 1);
    } else {
        x |= zz;
        x = x.wrapping_sub(zz + 1);
    }
    x &= 0xaaaaaaaaaaaaaaaau64 >> (64 - hash.step as u32 * 2);
    hash.bits = x | y;
}

/// `geohash_move_y()` (geohash.c).
fn move_y(hash: &mut HashBits, d: i8) {
    if d == 0 {
        return;
    }
    let x = hash.bits & 0xaaaaaaaaaaaaaaaa;
    let mut y = hash.bits & 0x5555555555555555;
    let zz = 0xaaaaaaaaaaaaaaaau64 >> (64 - hash.step as u32 * 2);
    if d > 0 {
        y = y.wrapping_add(zz + 1);
    } else {
        y |= zz;
        y = y.wrapping_sub(zz + 1);
    }
    y &= 0x5555555555555555u64 >> (64 - hash.step as u32 * 2);
    hash.bits = x | y;
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

/// glibc 2.x `qsort()` = `msort_with_tmp()` (top-down merge sort, left run
/// wins on `cmp <= 0`, i.e. stable), written out so that even inconsistent
/// comparisons (NaN) give the same permutation as in C.
pub fn glibc_msort<T>(v: &mut Vec<T>, cmp: &dyn Fn(&T, &T) -> i32) {
    fn rec<T>(v: &mut [Option<T>], tmp: &mut Vec<Option<T>>, cmp: &dyn Fn(&T, &T) -> i32) {
        let n = v.len();
        if n <= 1 {
            return;
        }
        let n1 = n / 2;
        {
            let (b1, b2) = v.split_at_mut(n1);
            rec(b1, tmp, cmp);
            rec(b2, tmp, cmp);
        }
        tmp.clear();
        let (mut i, mut j) = (0usize, n1);
        while i < n1 && j < n {
            if cmp(v[i].as_ref().unwrap(), v[j].as_ref().unwrap()) <= 0 {
                tmp.push(v[i].take());
                i += 1;
            } else {
                tmp.push(v[j].take());
                j += 1;
            }
        }
        while i < n1 {
            tmp.push(v[i].take());
            i += 1;
        }
        // The remaining right run is already in place.
        for (k, item) in tmp.drain(..).enumerate() {
            v[k] = item;
        }
    }
    let mut slots: Vec<Option<T>> = v.drain(..).map(Some).collect();
    let mut tmp = Vec::with_capacity(slots.len());
    rec(&mut slots, &mut tmp, cmp);
    v.extend(slots.into_iter().map(|x| x.unwrap()));
}

/// Redis `pqsort()` (pqsort.c): partially sort `v` so that positions
/// `lrange..=rrange` hold what a full sort would put there. Element-exact
/// port (pointer comparisons are done on doubled indices so that the C
/// "last byte of the element" addresses map to odd numbers).
///
/// The 7.0 server does *not* have the NetBSD "no swaps -> switch to
/// insertion sort" shortcut (`swap_cnt`), which some copies of pqsort.c
/// carry: with it, ties come out in input order; without it (as here, and as
/// observed on 7.0.15: `COUNT 10` over six equal distances gives
/// B,E,A,F,C,D) they are permuted.
pub fn pqsort<T>(v: &mut [T], cmp: &dyn Fn(&T, &T) -> i32, lrange: usize, rrange: usize) {
    let l = (lrange * 2) as isize;
    let r = ((rrange + 1) * 2) as isize - 1;
    pqsort_inner(v, 0, v.len(), cmp, l, r);
}

fn pqsort_med3<T>(v: &[T], a: usize, b: usize, c: usize, cmp: &dyn Fn(&T, &T) -> i32) -> usize {
    if cmp(&v[a], &v[b]) < 0 {
        if cmp(&v[b], &v[c]) < 0 {
            b
        } else if cmp(&v[a], &v[c]) < 0 {
            c
        } else {
            a
        }
    } else if cmp(&v[b], &v[c]) > 0 {
        b
    } else if cmp(&v[a], &v[c]) < 0 {
        a
    } else {
        c
    }
}

fn pqsort_insertion<T>(v: &mut [T], a: usize, n: usize, cmp: &dyn Fn(&T, &T) -> i32) {
    for pm in a + 1..a + n {
        let mut pl = pm;
        while pl > a && cmp(&v[pl - 1], &v[pl]) > 0 {
            v.swap(pl, pl - 1);
            pl -= 1;
        }
    }
}

fn pqsort_inner<T>(v: &mut [T], mut a: usize, mut n: usize, cmp: &dyn Fn(&T, &T) -> i32, lrange: isize, rrange: isize) {
    let outside = |start: usize, len: usize| {
        let l_ = (start * 2) as isize;
        let r_ = ((start + len) * 2) as isize - 1;
        (lrange < l_ && rrange < l_) || (lrange > r_ && rrange > r_)
    };
    loop {
        if n < 7 {
            pqsort_insertion(v, a, n, cmp);
            return;
        }
        let mut pm = a + n / 2;
        if n > 7 {
            let mut pl = a;
            let mut pn = a + n - 1;
            if n > 40 {
                let d = n / 8;
                pl = pqsort_med3(v, pl, pl + d, pl + 2 * d, cmp);
                pm = pqsort_med3(v, pm - d, pm, pm + d, cmp);
                pn = pqsort_med3(v, pn - 2 * d, pn - d, pn, cmp);
            }
            pm = pqsort_med3(v, pl, pm, pn, cmp);
        }
        v.swap(a, pm);
        let mut pa = a + 1;
        let mut pb = a + 1;
        let mut pc = a + n - 1;
        let mut pd = a + n - 1;
        loop {
            while pb <= pc {
                let c = cmp(&v[pb], &v[a]);
                if c > 0 {
                    break;
                }
                if c == 0 {
                    v.swap(pa, pb);
                    pa += 1;
                }
                pb += 1;
            }
            while pb <= pc {
                let c = cmp(&v[pc], &v[a]);
                if c < 0 {
                    break;
                }
                if c == 0 {
                    v.swap(pc, pd);
                    pd -= 1;
                }
                pc -= 1;
            }
            if pb > pc {
                break;
            }
            v.swap(pb, pc);
            pb += 1;
            pc -= 1;
        }
        let pn = a + n;
        let r = std::cmp::min(pa - a, pb - pa);
        for i in 0..r {
            v.swap(a + i, pb - r + i);
        }
        let r = std::cmp::min(pd - pc, pn - pd - 1);
        for i in 0..r {
            v.swap(pb + i, pn - r + i);
        }
        let r = pb - pa;
        if r > 1 && !outside(a, r) {
            pqsort_inner(v, a, r, cmp, lrange, rrange);
        }
        let r = pd - pc;
        if r > 1 {
            a = pn - r;
            n = r;
            if !outside(a, n) {
                continue;
            }
        }
        return;
    }
}

/// Total order on `(score, member bytes)` used by the zset (helper for
/// callers and tests that keep members in a plain vector).
pub fn zset_order(a: (f64, &[u8]), b: (f64, &[u8])) -> Ordering {
    a.0.partial_cmp(&b.0).unwrap_or(Ordering::Equal).then_with(|| a.1.cmp(b.1))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn basic_known_values() {
        assert_eq!(encode(13.361389, 38.115556), Some(3479099956230698));
        assert_eq!(encode(0.0, 0.0), Some(3377699720527872));
        assert_eq!(encode(180.0, 85.05112878), Some(13510798882111488));
        assert_eq!(encode(-180.0, -85.05112878), Some(0));
        assert_eq!(encode(180.0000001, 0.0), None);
        let (x, y) = decode(3479099956230698);
        assert_eq!(fmt_coord(x), "13.36138933897018433");
        assert_eq!(fmt_coord(y), "38.11555639549629859");
        assert_eq!(geohash_string(x, y), "sqc8b49rny0");
        let (x, y) = decode(13510798882111488);
        assert_eq!((fmt_coord(x).as_str(), fmt_coord(y).as_str()), ("180", "85.0511287799999991"));
        assert_eq!(geohash_string(x, y), "bp05b5048p0");
        assert_eq!(score_to_bits(-1.0), u64::MAX);
        assert_eq!(score_to_bits(1e30), 0);
        assert_eq!(score_to_bits(f64::INFINITY), 0);
        assert_eq!(unit_factor(b"Km"), Some(1000.0));
        assert_eq!(unit_factor(b"m\0junk"), Some(1.0));
        assert_eq!(unit_factor(b"xx"), None);
        assert_eq!(invalid_lonlat_error(200.0, 10.0), "ERR invalid longitude,latitude pair 200.000000,10.000000");
        assert_eq!(invalid_lonlat_error(f64::INFINITY, 10.0), "ERR invalid longitude,latitude pair inf,10.000000");
        assert_eq!(fmt_coord(-0.0), "0");
        assert_eq!(fmt_coord(-1e-30), "0");
        assert_eq!(fmt_coord(2.5), "2.5");
        assert_eq!(fmt_coord(3.0), "3");
        assert_eq!(fmt_dist(0.0), "0.0000");
    }

    #[test]
    fn pqsort_sorts_requested_range() {
        let mut seed = 12345u64;
        for n in [1usize, 5, 7, 8, 20, 41, 100, 300] {
            for _ in 0..20 {
                let mut v: Vec<u64> = (0..n)
                    .map(|_| {
                        seed = seed.wrapping_mul(6364136223846793005).wrapping_add(1442695040888963407);
                        (seed >> 33) % 50
                    })
                    .collect();
                let mut sorted = v.clone();
                sorted.sort();
                let k = (seed as usize % n).max(1);
                let cmp = |a: &u64, b: &u64| sort_gp_asc(*a as f64, *b as f64);
                pqsort(&mut v, &cmp, 0, k - 1);
                assert_eq!(&v[..k], &sorted[..k]);
            }
        }
    }

    // ---- checks against recorded redis-server 7.0.15 replies ----------------
    //
    // DATA line formats (one case per line, space separated):
    //   P name lon lat zscore geopos_lon geopos_lat geohash
    //       GEOADD pts lon lat name; ZSCORE; GEOPOS; GEOHASH (key "pts")
    //   Z score geopos_lon geopos_lat geohash
    //       ZADD wz score m (arbitrary score); GEOPOS; GEOHASH
    //   E lon lat error...            GEOADD error text
    //   D name1 name2 unit dist       GEODIST pts name1 name2 unit
    //   A lon1 lat1 lon2 lat2 dist    GEODIST of two members added at these
    //                                 (antipodal) coordinates, meters
    //   U unit error...               GEODIST with a bad unit
    //   S center shape mode count : n fnv [first tokens...]
    //       GEOSEARCH pts FROM.. BY.. [ASC|DESC] [COUNT count [ANY]] WITHDIST
    //       center: M,member | L,lon,lat     shape: R,radius,unit | B,w,h,unit
    //       mode: raw (no sort), asc, desc, any (COUNT ANY, unsorted),
    //             anyasc (COUNT ANY ASC), cnt (COUNT), cntdesc (COUNT DESC)
    //       reply rendered as "member:dist member:dist ..."; n = entries,
    //       fnv = FNV-1a 64 of that whole text, then its first 3 tokens.
    //   W score lon lat unit withdist printf
    //       ZADD one score x; GEOSEARCH one FROMLONLAT lon lat BYRADIUS
    //       <huge> unit WITHDIST -> withdist; printf = what "%.4f" would give
    //       (chosen so that the two differ)

    fn lines(tag: &str) -> Vec<Vec<&'static str>> {
        DATA.lines().map(|l| l.split(' ').collect::<Vec<_>>()).filter(|t| t[0] == tag).collect()
    }

    fn num(s: &str) -> f64 {
        s.parse::<f64>().unwrap_or_else(|_| panic!("bad number {s}"))
    }

    fn fnv1a(s: &str) -> u64 {
        let mut h: u64 = 0xcbf29ce484222325;
        for b in s.bytes() {
            h ^= b as u64;
            h = h.wrapping_mul(0x100000001b3);
        }
        h
    }

    /// (name -> score) of the recorded "pts" key.
    fn point_scores() -> std::collections::HashMap<&'static str, u64> {
        lines("P").iter().map(|t| (t[1], t[4].parse::<u64>().unwrap())).collect()
    }

    #[test]
    fn redis_points_score_pos_hash() {
        let pts = lines("P");
        assert!(pts.len() > 400);
        for t in pts {
            let (lon, lat) = (num(t[2]), num(t[3]));
            let bits = encode(lon, lat).unwrap_or_else(|| panic!("{t:?}"));
            assert_eq!(bits.to_string(), t[4], "ZSCORE {t:?}");
            let (x, y) = decode_score(bits as f64);
            assert_eq!((fmt_coord(x).as_str(), fmt_coord(y).as_str()), (t[5], t[6]), "GEOPOS {t:?}");
            assert_eq!(geohash_string(x, y), t[7], "GEOHASH {t:?}");
        }
    }

    #[test]
    fn redis_weird_scores_decode() {
        let z = lines("Z");
        assert!(z.len() >= 10);
        for t in z {
            let (x, y) = decode_score(num(t[1]));
            assert_eq!((fmt_coord(x).as_str(), fmt_coord(y).as_str()), (t[2], t[3]), "GEOPOS {t:?}");
            assert_eq!(geohash_string_from_score(num(t[1])), t[4], "GEOHASH {t:?}");
        }
    }

    #[test]
    fn redis_invalid_pairs_and_units() {
        for t in lines("E") {
            let (lon, lat) = (num(t[1]), num(t[2]));
            assert!(!lonlat_valid(lon, lat), "{t:?}");
            assert!(encode(lon, lat).is_none(), "{t:?}");
            assert_eq!(invalid_lonlat_error(lon, lat), t[3..].join(" "), "{t:?}");
        }
        for t in lines("U") {
            assert!(unit_factor(t[1].as_bytes()).is_none());
            assert_eq!(ERR_UNSUPPORTED_UNIT, t[2..].join(" "));
        }
    }

    #[test]
    fn redis_geodist() {
        let scores = point_scores();
        let d = lines("D");
        assert!(d.len() > 400);
        for t in d {
            let (x1, y1) = decode(scores[t[1]]);
            let (x2, y2) = decode(scores[t[2]]);
            let f = unit_factor(t[3].as_bytes()).unwrap();
            assert_eq!(fmt_dist(distance(x1, y1, x2, y2) / f), t[4], "GEODIST {t:?}");
        }
        for t in lines("A") {
            let (x1, y1) = decode(encode(num(t[1]), num(t[2])).unwrap());
            let (x2, y2) = decode(encode(num(t[3]), num(t[4])).unwrap());
            assert_eq!(fmt_dist(distance(x1, y1, x2, y2)), t[5], "GEODIST {t:?}");
        }
    }

    #[test]
    fn redis_withdist_rounding() {
        let w = lines("W");
        assert!(w.len() >= 10);
        for t in w {
            let (x, y) = decode_score(num(t[1]));
            let f = unit_factor(t[4].as_bytes()).unwrap();
            let shape = Shape::radius(num(t[2]), num(t[3]), 3e7 / f, f);
            let d = within(&shape, x, y).unwrap();
            assert_eq!(fmt_dist(d / f), t[5], "WITHDIST {t:?}");
            assert_eq!(fmt_c_fixed(d / f, 4), t[6], "printf {t:?}");
            assert_ne!(t[5], t[6]);
        }
    }

    #[test]
    fn redis_geosearch() {
        // The zset: (score, member) in zset order.
        let mut zset: Vec<(f64, &'static str)> = lines("P").iter().map(|t| (t[4].parse::<u64>().unwrap() as f64, t[1])).collect();
        zset.sort_by(|a, b| zset_order((a.0, a.1.as_bytes()), (b.0, b.1.as_bytes())));
        let scores = point_scores();
        let cases = lines("S");
        assert!(cases.len() > 500);
        let mut nonempty = 0;
        for t in cases {
            let c: Vec<&str> = t[1].split(',').collect();
            let (lon, lat) = if c[0] == "M" { decode(scores[c[1]]) } else { (num(c[1]), num(c[2])) };
            let s: Vec<&str> = t[2].split(',').collect();
            let shape = if s[0] == "R" {
                Shape::radius(lon, lat, num(s[1]), unit_factor(s[2].as_bytes()).unwrap())
            } else {
                Shape::rect(lon, lat, num(s[1]), num(s[2]), unit_factor(s[3].as_bytes()).unwrap())
            };
            let mode = t[3];
            let count: usize = if matches!(mode, "any" | "anyasc" | "cnt" | "cntdesc") { t[4].parse().unwrap() } else { 0 };
            let any = matches!(mode, "any" | "anyasc");
            let sort = match mode {
                "asc" | "anyasc" => Sort::Asc,
                "desc" | "cntdesc" => Sort::Desc,
                _ => Sort::None,
            };
            let sort = effective_sort(sort, count, any);
            let mut hits = search(&shape, if any { count } else { 0 }, |min, max| {
                let start = zset.partition_point(|e| e.0 < min);
                zset[start..].iter().take_while(move |e| e.0 < max).map(|e| (e.0, e.1))
            });
            sort_and_limit(&mut hits, sort, count);
            let toks: Vec<String> = hits.iter().map(|h| format!("{}:{}", h.member, fmt_dist(h.dist / shape.conversion))).collect();
            let text = toks.join(" ");
            assert_eq!(t[5], ":");
            let n: usize = t[6].parse().unwrap();
            let shown = &t[8..];
            assert_eq!(
                (toks.len(), &toks[..shown.len().min(toks.len())]),
                (n, &shown.iter().map(|s| s.to_string()).collect::<Vec<_>>()[..]),
                "GEOSEARCH {t:?}"
            );
            assert_eq!(format!("{:016x}", fnv1a(&text)), t[7], "GEOSEARCH digest {t:?}\n got {text}");
            if n > 0 {
                nonempty += 1;
            }
        }
        assert!(nonempty > 300);
    }

    // BEGIN GENERATED TEST DATA
    // Produced by a script from redis-server 7.0.15 replies (see the
    // module tests above for the line formats). Do not edit by hand.
    const DATA: &str = r#"
P p0 22.634395926466084 8.558319368919598 3418404871710630 22.63439744710922241 8.55831997027203073 s980ejczgd0
P p1 38.84952 12.18 3440275532178142 38.84952038526535034 12.1800005349279914 sf5tk133ek0
P p2 -133.6779425818439 -37.10874104129406 426657241226051 -133.67794185876846313 -37.10873980379527382 312uyhd9yj0
P p3 32.819600395081494 25.802635641686535 3487544374759748 32.81959801912307739 25.80263635033315239 ssx6fc4x200
P p4 34.89282890447859 62.68604076489072 3726567856475641 34.89282757043838501 62.68604071042378223 ug0ud58htu0
P p5 19.0 -55.77 2338833309575237 18.99999886751174927 -55.77000079802310495 hqjd8r7khn0
P p6 -125.9406586472198 64.33662732330333 1621262920119738 -125.94065934419631958 64.33662831689487405 c5qqn0hu1b0
P p7 0.2 -1.48 2626825672428633 0.19999891519546509 -1.47999960508699502 kp8psd9dkk0
P p8 -3.7676508120988785 -9.452816608764195 1119539626523352 -3.76765340566635132 -9.45281546323926847 7ym64r0mr70
P p9 4.889175178908005 70.60782487279806 3734919277780801 4.88917618989944458 70.60782502747507294 uhe3xmb0qh0
P p10 -12.12966004166006 -7.742091333670842 1112307387756298 -12.12965995073318481 -7.74209159726286344 7wx7gyx7n30
P p11 -64.70635411019397 27.647422439142943 1799070504792418 -64.70635324716567993 27.6474216184269963 dscvr943bs0
P p12 -17.512779600309415 35.00372642682457 1954572204147575 -17.51277834177017212 35.00372738787789473 ew5x1kpx6x0
P p13 166.14566152859925 -4.5556256854292485 3367326354215733 166.1456635594367981 -4.55562519038656433 rxnnhdxtd90
P p14 102.51518829811977 -3.3070716120237904 3197768568354245 102.51518994569778442 -3.30707224171938918 qr2vhvcqcj0
P p15 -43.68173501875913 -77.33261472452932 708491895307753 -43.68173450231552124 -77.33261515896131755 542bjfpbvg0
P p16 175.09854200240727 -6.33830194357013 3372517069202344 175.0985446572303772 -6.33830218591312899 ryuebqnuey0
P p17 -153.079 -26.37444 339343341139241 -153.07899802923202515 -26.37443902722611355 2e71uwembb0
P p18 101.66206485061997 5.852102385253602 3953874111317181 101.66206508874893188 5.8521021120133625 w30333k4cy0
P p19 127.44630833404847 45.27708384437514 4267791981646663 127.44630664587020874 45.27708405217894949 yb49s47w4h0
P p20 9.4947 -42.39321 2536067866031968 9.49470072984695435 -42.39321012258337618 k0qyb49cds0
P p21 18.983361703947423 -20.01106394840545 2614878815330330 18.9833638072013855 -20.01106464696538723 kkmqpvp7070
P p22 112.3 -55.008 2902412095206386 112.30000108480453491 -55.0080002494968312 nqpz56n75t0
P p23 -5.688755498967112 -42.01282457171376 1029897239037534 -5.68875342607498169 -42.01282451820138419 7bebyxc9d30
P p24 -111.37616397505944 55.88221426563146 1602031896589965 -111.37616246938705444 55.88221543846819372 c9bvct437r0
P p25 168.513934990643 -82.9929007513633 2993945301047001 168.51393610239028931 -82.9929009798811137 p9pzfes5730
P p26 -1.5279555738333102 84.42499903441782 2251638977800452 -1.52795523405075073 84.42499815713834721 gznbm1p7k00
P p27 98.0070738102778 31.54631422117147 4019238788257356 98.00707250833511353 31.54631449739522253 wjteqnydd70
P p28 -78.25351740853432 -40.03079704252309 853595366016123 -78.25351506471633911 -40.03079677293513328 62bk729e8y0
P p29 -69.50390252248168 -82.51337307213937 574895074637043 -69.50390249490737915 -82.51337229207274504 43qdd6uuc80
P p30 -61.59394812523384 -68.74277516313185 622343528435071 -61.59395009279251099 -68.74277466371231071 4eu0ymu8kf0
P p31 78.11893834687692 -47.14353188085601 2523070202198674 78.1189379096031189 -47.14353104730050603 jxxec9u3p00
P p32 89.70793594857099 -53.20972785865893 2515679599027802 89.70793694257736206 -53.20972711467685912 jyxc337qf70
P p33 -38.5996 5.0 1833281211440455 -38.5995975136756897 4.99999983043607443 e0us3whxh50
P p34 -81.84853041226282 -54.21909996912403 641476080930436 -81.84852808713912964 -54.219098705306493 4nmg93xwz50
P p35 -58.4 17.9 1749082348022920 -58.40000241994857788 17.89999931691950508 denmz4d7j30
P p36 -73.71450890671291 36.71893412366228 1787776417504986 -73.71450930833816528 36.71893517558517317 dqe8fs6xr30
P p37 -62.1864436581499 -52.95169364588879 686829828447032 -62.18644469976425171 -52.95169250065615074 4wefbbmnnc0
P p38 -78.68113784597298 -29.641354658454176 871162349181045 -78.68113964796066284 -29.64135494897866963 668p3efnsd0
P p39 -122.44619385085338 -17.04487660009943 502801590529327 -122.44619160890579224 -17.04487564772028207 3kbzj9j6ku0
P p40 -15.421840498258632 50.243387583936396 2153342471593153 -15.4218408465385437 50.24338856688335397 g8vjc4d0vn0
P p41 90.12077880525305 -68.11877320241902 2836815002123801 90.1207771897315979 -68.11877193926392238 n5bh6xrgqk0
P p42 -92.338 83.5175 1688396515950647 -92.33799844980239868 83.5174995446237034 cyy74gcs8w0
P p43 -130.4309367158281 78.33776244724098 1637954157937275 -130.43093472719192505 78.33776136941833101 cjgjxuzndc0
P p44 137.83744029339 22.811015710188784 4152585154551238 137.83744186162948608 22.81101649369640683 xh41b8d5v10
P p45 12.779569745350614 61.73305130449123 3691221168087477 12.77956992387771606 61.73305145726247645 u6cp4y1v1d0
P p46 157.0 -16.08 3320514496933062 157.00000137090682983 -16.08000108704283804 rmpss8ezjn0
P p47 131.5402167823981 6.456382561750829 3991486413790402 131.54021590948104858 6.4563821711209286 wcjs9r2ejh0
P p48 -105.08982670572952 52.21859318313844 1591431735803056 -105.08982628583908081 52.21859284278866653 c9m30d5gme0
P p49 -59.94836388034247 -30.04816664021898 899843628792319 -59.94836121797561646 -30.04816755616793245 6dtm5cfutz0
P p50 -167.7822035971119 33.798835896723475 1222990680660632 -167.78220266103744507 33.79883501118032285 8q08q0bsrr0
P p51 69.40632799825022 24.316012282092345 3625254062725414 69.40632909536361694 24.31601225149622536 ts3676s5h90
P p52 -153.68919059524117 76.97838681914615 1531472431132168 -153.6891898512840271 76.97838787694368534 btdtytqzw70
P p53 24.85244609424805 23.716931082654327 3483789071526842 24.85244482755661011 23.7169309054864641 ss1wvt8cpu0
P p54 77.9154 10.5223 3562381587608587 77.9154011607170105 10.52230050088379443 t9z7v582b60
P p55 116.4360832311113 17.592234568843693 3998697735920026 116.43608540296554565 17.59223347375256452 we4u1dd4jq0
P p56 -55.5436 18.0 1755198805339480 -55.54360002279281616 17.99999913609774893 dg0w2hf3s70
P p57 -89.183 61.04 1992715425867978 -89.1830018162727356 61.04000039371254616 f4be4xfzv20
P p58 -128.43 -37.468 425908804783361 -128.43000143766403198 -37.46800104203533976 31kdve0jh40
P p59 49.556687542582694 4.6719035282038135 3520570389779300 49.5566895604133606 4.67190298885007849 t0g4xdqpf90
P p60 141.63337792433003 15.488399862329274 4102662953443710 141.63337916135787964 15.48839970317428794 x4u8ngw62y0
P p61 0.145 -34.2044 2538790226216759 0.14499753713607788 -34.20440053555920201 k1bj7m38ft0
P p62 97.5871 -45.06 2910556653921538 97.58709758520126343 -45.06000039320852579 npvrsthf2p0
P p63 -12.0 45.561 2150261195011766 -12.00000196695327759 45.56100070395766011 g8p7nyju5d0
P p64 -105.58358566845563 -23.150501815175716 482800707074327 -105.58358341455459595 -23.15050183745130852 3euum3s6s10
P p65 -138.95336790103522 9.675519043055871 1178009223978728 -138.95336955785751343 9.67551859901994504 8ctpn135zz0
P p66 61.2191654900397 76.80357402266267 3897751964839402 61.21916502714157104 76.80357322802640851 vmescjdmjz0
P p67 51.40526673013821 -24.327777773764367 2698585041815781 51.40526801347732544 -24.32777842711787741 m5st9g20mt0
P p68 -16.237236457768972 51.97960422818559 2154230878136638 -16.23723775148391724 51.97960412355922699 g9hrww87hu0
P p69 6.468039283067441 54.09947777153201 3679075100190738 6.46803706884384155 54.09947760963380858 u1seg0tbk10
P p70 -83.21915764666007 73.31561231592849 2048713120193749 -83.2191583514213562 73.31561187813137792 fjhc469wmh0
P p71 70.51447 -73.6126 2445935880656386 70.51446765661239624 -73.61260008692880774 jdfjhx5pd00
P p72 -75.625 -49.392 661446108021992 -75.62499850988388062 -49.39200107667299022 4r4pp07w9z0
P p73 -54.743221 -71.37 625777570176778 -54.74322348833084106 -71.37000047176132966 4g31fr3pw70
P p74 63.715 13.903 3548292861129681 63.71499806642532349 13.90300005547907602 t6mr1fgyg50
P p75 40.69286179637578 29.665237046189063 3499809058774366 40.69286316633224487 29.66523709174196455 svkbvbrss30
P p76 -35.8309 35.7309 1921521180269232 -35.8308979868888855 35.73090086767485474 enqe28sexd0
P p77 58.0 -32.853 2688738376036847 57.99999922513961792 -32.85299874113067631 m61jpg633v0
P p78 -63.0 30.2397 1800676328124656 -63.00000160932540894 30.23970122585222242 dt7hn2uz180
P p79 74.0 -78.588 2434441131726974 73.99999827146530151 -78.58799918115289529 jdh8gvmpsz0
P p80 -156.73188520480278 -2.8338286642495234 409415033975373 -156.73188775777816772 -2.83382966238616518 2x2xckp7dr0
P p81 -83.8 75.155 2060564722977626 -83.80000144243240356 75.15500072487698446 fjk7t1d9w70
P p82 84.75761828562264 -82.8506208112466 2439073398359971 84.75761979818344116 -82.85062201176509689 jck28tw85s0
P p83 -148.09522570792677 -29.056405234523723 338141182505620 -148.09522837400436401 -29.05640467343222255 2dydwn2q5j0
P p84 -120.5 -2.547 525026716341007 -120.50000220537185669 -2.54700061599536554 3rd39bqddk0
P p85 121.99 25.0 4050174561041601 121.99000149965286255 24.99999915218035795 wsqwpzn7t10
P p86 -167.3 27.0 1209618532131791 -167.30000048875808716 27.00000060518748768 8kc18gpy7k0
P p87 104.684836 53.4 4249078610675934 104.68483418226242065 53.40000102794495263 y36ry1jjt30
P p88 19.233157846436995 -48.350326610966476 2352374500236740 19.2331579327583313 -48.35032699958873792 hrmsvwj4vj0
P p89 172.89197739203854 -80.2510668420456 3001507638219717 172.89197713136672974 -80.2510677546125919 pcdzqq8peh0
P p90 25.674819117428285 -38.34733328954816 2570396264014454 25.67482084035873413 -38.34733383302741316 k94mb5pfdd0
P p91 160.43178365844926 -22.979085118913915 3295860837163684 160.43178588151931763 -22.97908624960869162 refj68yc5e0
P p92 -176.0500088681558 56.60394549970948 1426729526633626 -176.05001002550125122 56.60394433721489804 b44f1bkmck0
P p93 -18.264148143039336 79.43232432463554 2236355194158625 -18.26414555311203003 79.43232493821335538 gw55bkhqyd0
P p94 -59.9 51.0 2013375486581880 -59.90000098943710327 51.00000029822487591 f9j6huq0sc0
P p95 84.3623 6.0683 3567618514350356 84.36229974031448364 6.06830115329918129 tc5fx8wy2j0
P p96 74.61539218612165 -39.42885953105715 2712651124846886 74.61539357900619507 -39.42885879617879397 m8vp9yjq0x0
P p97 -108.519574 33.0 1390463018348151 -108.51957231760025024 32.99999989476653894 9tfgdx6qyt0
P p98 -157.2276996166831 -54.58490035668114 111143892628628 -157.22769945859909058 -54.58489952413765423 0w21qpn7cj0
P p99 -55.090026 57.78 2033338209585372 -55.09002774953842163 57.7799991912826556 ff2bdqs8vk0
P p100 -18.049222598687578 69.94478314385671 2221775993040483 -18.04922014474868774 69.9447825277305526 gs7jvm0cys0
P p101 -179.56034008316703 83.08814824532922 1500911290833261 -179.56034034490585327 83.08814819688559794 bnb2dj8psc0
P p102 79.81678735007739 15.22485081295396 3581449824695743 79.81678694486618042 15.22485207063201784 tf8y878g1y0
P p103 -7.100652471841869 -65.6253767488166 771423197101881 -7.10065215826034546 -65.62537687370684125 5u6fwmm2qz0
P p104 -104.35538766715702 -65.08882771270245 201666109234067 -104.35538917779922485 -65.08882709869797623 1smv9qfwp50
P p105 -135.695466297628 -74.40880437844733 64493247976267 -135.69546729326248169 -74.40880416277919096 0fz88nm9630
P p106 -55.10384126112372 -79.76186945734185 608439849816718 -55.10384112596511841 -79.76186910558132581 4cbf4pf97m0
P p107 -53.513 -78.6091 611598789464163 -53.51300150156021118 -78.60910073480440019 4f1by39hb90
P p108 95.64759005800198 -40.816168568934735 3098716131310410 95.64759224653244019 -40.81616745055050899 q0spb98kw60
P p109 5.6 -42.0 2534029310293390 5.59999912977218628 -41.99999882913512295 k0ecp6ju320
P p110 34.749104148573 -53.125172479782194 2383778373358957 34.7491040825843811 -53.12517135152246794 hy89y8ze2y0
P p111 -1.040325471250327 33.03387634074815 1964510824382002 -1.04032427072525024 33.03387644306111071 evz7bmdkq80
P p112 -96.8251 12.219 1329179676919522 -96.82509809732437134 12.21899975468557642 9f5js8qhgd0
P p113 -79.85892243663282 77.79966400071066 2062343232081990 -79.85892444849014282 77.79966287978109563 fjz4wfbxbh0
P p114 -37.7 -66.000667 729134659455817 -37.70000070333480835 -66.00066768855856481 5hm0w0gwnr0
P p115 52.38833680803873 17.470000692692707 3543051740140851 52.38833516836166382 17.47000161528576712 t5j72hk40s0
P p116 161.4953779188644 -59.56103335384935 3063012695369604 161.49537831544876099 -59.56103368749797511 pt6v4vjrg40
P p117 84.27466 14.80243 3582121028222443 84.27466124296188354 14.80243065054354901 tfeujwwymv0
P p118 103.25428641362686 -30.050854004940824 3123057741426637 103.25428873300552368 -30.05085436059683346 q69mj97mp60
P p119 170.91764503464617 56.24685123593508 4425724518300077 170.91764599084854126 56.24685028556606881 zccxcr6mtu0
P p120 179.3 63.53384 4433214057574461 179.29999977350234985 63.53383903547251066 zgr92jfr2y0
P p121 60.2215455054926 41.074554094687315 3621375504808934 60.22154420614242554 41.07455439081235937 tr6cdm7uxe0
P p122 -114.32 -17.197278 505537905662779 -114.31999951601028442 -17.19727829214669867 3kywnt6dwf0
P p123 -128.70158903399172 -6.1110217386857215 513779785544613 -128.70159119367599487 -6.11102134371868289 3numprd2ex0
P p124 -107.8555745505388 -46.65393432297408 269067054479978 -107.85557538270950317 -46.65393444704723436 1xeq9dvvnu0
P p125 10.577957810118278 14.93535363454572 3399592618547468 10.57795912027359009 14.93535396286043948 s4xsbwyssr0
P p126 -130.53960525013716 -19.60380537045755 493551301094962 -130.53960710763931274 -19.60380592885207562 3he0mrpzw90
P p127 -144.7402334569747 23.016245964782385 1240680238036993 -144.74023550748825073 23.01624526180460606 8u14fmgrk50
P p128 -161.0940164164087 -37.22477026892882 294084806289609 -161.09401792287826538 -37.22476919958517527 23mknpqyj20
P p129 -17.32608349263839 64.16245666191193 2217356762464366 -17.32608586549758911 64.16245748715205366 ge7tj8rt2u0
P p130 119.8 46.5677 4261022845868812 119.79999929666519165 46.56770069848536764 y8m0yj7sw20
P p131 49.17037180674794 -69.92153282711796 2412120804205670 49.17037099599838257 -69.92153406525710579 j5dfnzhv890
P p132 133.5471469530296 80.43558386593006 4361327354861397 133.54714661836624146 80.43558278140666573 yyqcwfy54p0
P p133 22.076433 38.9903 3482071278277378 22.07643359899520874 38.99029880646880741 sqzty3gwfn0
P p134 162.34217917184145 1.257470400078958 4117361290640942 162.34217852354049683 1.25747136506631563 x85rnhvvqc0
P p135 -70.51958607092195 58.0485740654932 2000540964101936 -70.51958531141281128 58.04857317588390231 f6mf5r3jqw0
P p136 102.1 -22.5724 3128420520819210 102.10000008344650269 -22.57240037847739345 q7bxe6ffnr0
P p137 106.90851748547806 31.172850585177528 4027808632289749 106.90851956605911255 31.17285121649937452 wms12fb7j00
P p138 -96.66310262835202 -8.302224883399319 555210433959754 -96.66310340166091919 -8.30222441793821986 3ye2b2sh430
P p139 43.099 -5.975 2669444618772366 43.09899777173995972 -5.97500060214508011 kyywh8r9p70
P p140 -87.0355 31.7392 1765631689592045 -87.03550189733505249 31.73919917345743613 djdhe3ywjz0
P p141 -135.6511331747978 -75.40470201027435 52690812314511 -135.65113574266433716 -75.40470117572579056 0fxe10vzg20
P p142 -148.3757924252411 13.842570563722376 1182557960947162 -148.37579280138015747 13.84256976831927233 8dqqxxunc60
P p143 122.9523337526901 -38.33502973565767 3135685021010064 122.9523351788520813 -38.33503029651998162 q9pmvv74m00
P p144 -164.0 33.431 1223634304153233 -163.99999827146530151 33.43099881125822037 8mgqhjfvej0
P p145 -158.55176938353105 40.24100584818443 1231066566038206 -158.55177193880081177 40.24100626812143133 8rpkbjdhgg0
P p146 -23.10479 -70.46505 734187891901148 -23.10479253530502319 -70.46504925401183073 57rx4hpx760
P p147 27.947325743513346 69.68293638466841 3769878552544939 27.94732779264450073 69.68293569308620761 us7u7vqseb0
P p148 -102.0963424809402 55.66190025921614 1604151011875704 -102.09634155035018921 55.66190001001962173 c9zksszwnf0
P p149 164.0 -17.7 3345922325367103 163.99999827146530151 -17.69999967856302447 rsue7cv4hb0
P p150 13.484518113081503 38.10985354867416 3479100522913044 13.48451882600784302 38.10985327288778279 sqc8fcejup0
P p151 13.360732969483923 38.11527178250866 3479099956116386 13.36073487997055054 38.1152725067264484 sqc8b48vx90
P p152 13.360936652217067 38.11596276374356 3479099956927498 13.36093872785568237 38.11596195088178973 sqc8b4c1s60
P p153 13.388489672407175 37.989080374118096 3479096501885727 13.38849037885665894 37.98908141380876202 sqc80etnqq0
P p154 13.321789143145606 38.10175273008394 3479076945042758 13.3217892050743103 38.10175230406253633 sqc2z0hwu10
P p155 13.355906312685335 38.118554038913395 3479077052890071 13.3559069037437439 38.11855497062779108 sqc2zgm2xj0
P p156 13.37209449698535 38.116744124021345 3479099965399323 13.3720967173576355 38.11674517972003429 sqc8b6cq0k0
P p157 13.361263826843304 38.11554969881993 3479099956227409 13.36126595735549927 38.11554879133282014 sqc8b49rhj0
P p158 14.027841660060798 38.98493749219727 3479331204358235 14.027843177318573 38.98493787121680754 sqcvz0yz8r0
P p159 13.18248391055943 38.34446319112401 3479088794323474 13.18248599767684937 38.34446199395387822 sqc65urhwj0
P p160 13.361592227025934 38.115619628123326 3479099956253667 13.36159318685531616 38.11561976352528092 sqc8b49xed0
P p161 10.004759381634386 38.451426893133764 3473036173057016 10.00476032495498657 38.45142722687798909 snz4exv5zc0
P p162 13.361668285069806 38.11547252269006 3479099956251103 13.36166828870773315 38.11547274969803567 sqc8b49wtr0
P p163 13.363400910313489 38.11634643266893 3479099957378536 13.36340099573135376 38.11634722849800738 sqc8b4fgvf0
P p164 13.361717851351477 38.11626483847195 3479099956976437 13.36171656847000122 38.11626358269975157 sqc8b4ceqd0
P p165 13.361350412204128 38.115913234310284 3479099956935249 13.36135178804397583 38.1159137911797643 sqc8b4c3q10
P p166 13.360935576351755 38.11605074407077 3479099956938765 13.36093336343765259 38.11605066612236925 sqc8b4c4h60
P p167 13.346407894070676 38.114011398274435 3479077040787964 13.34640651941299438 38.11401021558909719 sqc2zdqw1y0
P p168 13.234521105878981 38.12137938800715 3479076475127651 13.23452085256576538 38.12137864999930059 sqc2v5v14s0
P p169 13.36128014180734 38.115475606437734 3479099956227082 13.36128205060958862 38.11547528441919752 sqc8b49qsr0
P p170 13.37034673459019 38.11307264189637 3479099947351794 13.37034791707992554 38.11307236876015025 sqc8b4rbxx0
P p171 11.565225564410921 35.69395320825012 3475646340125069 11.56522661447525024 35.69395223733516787 sq25p1vs360
P p172 179.77695735641592 10.013210034572191 4134138801525542 179.77695554494857788 10.01320936019403973 xczbfyve4t0
P p173 179.91675367155938 10.002210936839528 4134140720855383 179.91675227880477905 10.00221120508366823 xczbyhg7h50
P p174 179.85749274474819 9.87305411259563 4134093236542360 179.85749155282974243 9.87305448840955791 xczbhv24xq0
P p175 -179.15000324438645 8.661709245280846 1131501292415517 -179.1500052809715271 8.66170871164030842 818972ffn70
P p176 179.90001488217155 9.999768951992811 4134140352809799 179.90001529455184937 9.99976773388606688 xczbvsrhy50
P p177 179.8999076125285 10.000227291609887 4134140352861090 179.89990800619125366 10.00022651841590715 xczbvsrpe90
P p178 179.89899695506625 9.999222503903226 4134140352494106 179.89899605512619019 9.99922276883680894 xczbvsq3wq0
P p179 179.8996653467419 10.000250156726896 4134140352772929 179.89966660737991333 10.00024933090633539 xczbvsqzwj0
P p180 179.33476792760356 10.580222625880447 4134152035862074 179.33476656675338745 10.58022141409584549 xczs0y5d6b0
P p181 179.90091419692897 10.000141941880262 4134140352898775 179.90091651678085327 10.00014287261765134 xczbvsrz510
P p182 178.67330610009066 11.241439042588496 4145868828748984 178.67330700159072876 11.24143891460564504 xczpcy3yju0
P p183 -179.903334445989 9.912442222151396 1131695503321119 -179.90333586931228638 9.91244152050452243 81b06hw2hm0
P p184 179.8809865910019 9.981262347263003 4134140258951996 179.88098770380020142 9.98126173470173228 xczbv3134f0
P p185 -179.87955995711033 9.573536378861412 1131678352002910 -179.87956076860427856 9.57353662789510196 818n6wz9yk0
P p186 -177.28722663187455 7.877432481576557 1130846072306694 -177.28722721338272095 7.87743303356576519 813uvdp3k50
P p187 179.89367460611035 10.00011891097124 4134140350662174 179.89367455244064331 10.00012006012720889 xczbvs6wfm0
P p188 179.8826502896762 10.001375527721713 4134140326281649 179.88265067338943481 10.00137474710108876 xczbvkdw1x0
P p189 -177.94634024778694 9.889936139174681 1131843645290978 -177.94634252786636353 9.88993573133074477 81c2q8rmj90
P p190 179.87945260872942 10.568313219690028 4134162811607748 179.87945348024368286 10.56831329408927189 xczuj7bhzh0
P p191 -179.95753959791912 8.538444444791072 1131419321297291 -179.9575379490852356 8.53844522166165376 81808fquj30
P p192 179.8790484506414 10.01959522098947 4134140520410337 179.87904578447341919 10.01959432279441131 xczcj0pbme0
P p193 179.90005517598533 9.999996603599142 4134140352814993 179.90005284547805786 9.99999585879040609 xczbvsrnpn0
P p194 -179.9505637845299 -20.000920300852762 351935144849086 -179.95056420564651489 -20.00092069288570684 2h2n1ngypy0
P p195 -179.9496202543881 -19.999204316212545 351935146596591 -179.94962006807327271 -19.99920468666083906 2h2n1pk8jy0
P p196 -179.9508990299131 -19.999753270508506 351935145096455 -179.95089679956436157 -19.99975218643125885 2h2n1p5ubp0
P p197 -179.94134416474537 -20.000396476222498 351935153151801 -179.94134277105331421 -20.0003960056057295 2h2n1r49nz0
P p198 -179.2084310296627 -19.98834041718111 351969957914731 -179.20842915773391724 -19.98834087177191066 2h2w610rkz0
P p199 -179.9333663162468 -20.027637125299083 351934424126822 -179.93336588144302368 -20.02763665390514092 2h2n1d0d890
P p200 -179.95047467277917 -19.999733941651872 351935146497860 -179.95047301054000854 -19.9997344433831401 2h2n1phj450
P p201 177.8430399948744 -17.440203425037826 3355261245224854 177.84303992986679077 -17.44020343333657763 ruykycj77n0
P p202 -179.94971973221905 -19.99992739251572 351935146526452 -179.94972199201583862 -19.99992708219124893 2h2n1phegx0
P p203 -179.95701364634974 -20.007321037100986 351935039172835 -179.95701223611831665 -20.00732086381304242 2h2n0vz2ct0
P p204 -179.95022980214773 -20.000161012248135 351935146318758 -179.95023161172866821 -20.00016027653790474 2h2n1ph4xe0
P p205 -179.94767124426298 -20.005459138935617 351935142643357 -179.94767278432846069 -20.00546037848209124 2h2n1nn5er0
P p206 -179.88438222196493 -19.759016980215254 352123471601412 -179.88438338041305542 -19.75901704432303774 2h2pddupqh0
P p207 -179.94965491251023 -19.99995830485602 351935146527878 -179.94965225458145142 -19.99995749884515561 2h2n1phev10
P p208 -179.9500527957776 -19.999837351733948 351935146505129 -179.9500545859336853 -19.99983836695067652 2h2n1phk7z0
P p209 -179.9391573259155 -19.966783576272597 351935407403174 -179.93915945291519165 -19.96678306831173444 2h2n3mhm190
P p210 -179.95025277394024 -19.99917756803403 351935146564502 -179.95025306940078735 -19.99917680472808712 2h2n1pk0r50
P p211 -179.9484776107169 -20.00149104873212 351935143596081 -179.94847744703292847 -20.00149100514656197 2h2n1nvdbe0
P p212 -179.9419205365463 -20.001714303931173 351935150240985 -179.94192212820053101 -20.00171406060858459 2h2n1qf3960
P p213 -179.96696501136213 -20.009124011945804 351935036129452 -179.96696323156356812 -20.00912305055732787 2h2n0v2n3v0
P p214 -179.95036775238123 -20.00007861546924 351935146319140 -179.95036572217941284 -20.00007916546081077 2h2n1ph5he0
P p215 -179.95053199297928 -19.999568634105483 351935146509671 -179.95053201913833618 -19.99956968650778322 2h2n1phn090
P p216 0.03162729707984174 -0.06360521813540711 2627099483133294 0.03162592649459839 -0.06360502541186719 kpbp8srj2z0
P p217 -0.01025210025293949 -0.05518047242824016 1125899617752468 -0.01025408506393433 -0.05517961227823065 7zzzxvbw910
P p218 0.005139793053883811 -0.001037910719438902 2627099783241404 0.00514179468154907 -0.00103796831475478 kpbpbpg9zy0
P p219 0.0002787308927651979 0.0003084811670753547 3377699720535883 0.00027626752853394 0.00030796862085936 s0000001y30
P p220 -0.03265853856579372 0.08711814662594967 1876500883446401 -0.03265589475631714 0.08711709888590491 ebpbrrb5rp0
P p221 0.7479567826864593 0.05764882267979159 3377734503946551 0.74795812368392944 0.0576484306874292 s008342xud0
P p222 -0.00010859254169797161 -0.002506210157239785 1125899906493583 -0.0001099705696106 -0.00250557186600275 7zzzzzxcmk0
P p223 -2.2342548924919066 -3.0059098382860587 1124610816295748 -2.23425596952438354 -3.00590934717252622 7zqqvhv1610
P p224 1.1110443561062217e-05 0.00011014966746822418 3377699720528973 0.00001341104507446 0.00011026037042683 s00000008k0
P p225 -0.07933490737618135 -0.08629096613257771 1125898655697560 -0.07933706045150757 -0.08629077978795152 7zzzw0q1r60
P p226 -0.004021174319890056 -0.000153448124160334 1125899906273805 -0.00402063131332397 -0.00015335063013566 7zzzzzvp470
P p227 -0.056145657151692924 0.1083421353026711 1876500844271543 -0.05614668130874634 0.1083428538742055 ebpbwexp5s0
P p228 0.14602824504992343 0.036232876160543985 3377700485821238 0.14602750539779663 0.03623257161216742 s0005qd74d0
P p229 -0.00010254518322992405 0.00010716493852209404 1876499844738276 -0.00010460615158081 0.00010772564927208 ebpbpbpbts0
P p230 0.10256848407496058 0.03215020790037014 3377700350315077 0.10257035493850708 0.03214913582447565 s0004mfeq10
P p231 -0.0001367993639452884 0.00021071653651063288 1876499844741421 -0.00013679265975952 0.00021164921680139 ebpbpbpchz0
P p232 -0.023052935323048068 0.006861318970753055 1876499815615276 -0.02305358648300171 0.00686022281774967 ebpbp3ppyy0
P p233 0.017356627541673927 0.05249479662755401 3377700016282654 0.01735657453536987 0.05249534257048794 s00023s9u30
P p234 0.003765723379785595 0.003902268900188099 3377699722398375 0.00376313924789429 0.00390220322480417 s00000dwxx0
P p235 -0.00016262184744120754 5.4204944193053446e-05 1876499844737299 -0.00016361474990845 0.00005449650492295 ebpbpbpbk40
P p236 -0.0018886117266686822 0.0019872679866815147 1876499844924330 -0.00189095735549927 0.00198848874949675 ebpbpbqeef0
P p237 -0.026176671094258173 -0.05425753113851868 1125899587075588 -0.02617567777633667 -0.0542569737762264 7zzzxqhgyj0
P p238 -0.009943534486862384 0.009856537799409705 1876499847554312 -0.00994294881820679 0.00985626322809452 ebpbpcbc2m0
P p239 0.01056564430203893 -0.027006641284367562 2627099714035203 0.01056522130966187 -0.02700618659218179 kpbpb5pdwj0
P p240 -3.0240106639256776 -3.682519780013618 1124162478472843 -3.02401095628738403 -3.68252020928299117 7zmg51tgz20
P p241 0.039092346533761146 -0.09390151104542808 2627098736147051 0.03909319639205933 -0.09390254742945103 kpbp2yukyz0
P p242 0.03639643104844391 0.0478373246651544 3377700035740992 0.03639489412307739 0.04783652507962444 s0002bdw8j0
P p243 -0.009961888813893618 0.010024554021832575 1876499847552940 -0.00996440649032593 0.01002355482460615 ebpbpcbdru0
P p244 0.6107032815935806 1.5283864939388299 3377989893332506 0.61070412397384644 1.52838743201878202 s022tyhxw20
P p245 -0.007270123357967858 0.006798239179285804 1876499846963044 -0.00727146863937378 0.0067993895099292 ebpbpc4xwe0
P p246 -0.013029964996356922 -0.002973395464310637 1125899897246798 -0.01302748918533325 -0.00297449528048332 7zzzzxqw8m0
P p247 -0.010038695548618838 0.010076593071083271 1876499847563797 -0.01003950834274292 0.01007678396894818 ebpbpcbdwn0
P p248 0.5666394874132485 1.8292485566122192 3378006855090930 0.56664079427719116 1.82924869474767604 s026kvh85s0
P p249 -0.01050779694926799 0.009614615378017052 1876499847476099 -0.01050621271133423 0.00961546471795316 ebpbpcb2500
P p250 -0.003615235284402365 -0.01790585039395081 1125899884967613 -0.0036129355430603 -0.0179065376301466 7zzzzutrev0
P p251 -0.021510667973574687 -0.0646552523951786 1125899559777144 -0.02150863409042358 -0.06465439997183609 7zzzxs0r6g0
P p252 -0.011012802401492185 0.009874469905690927 1876499841920927 -0.01101046800613403 0.00987400627619905 ebpbp9zcx20
P p253 0.047088313789922724 0.01706400509678839 3377699876516050 0.04708617925643921 0.01706501020525053 s00015473j0
P p254 -0.009341367427562334 0.008931520542222822 1876499847404045 -0.00934213399887085 0.00893109000492842 ebpbpc9hn20
P p255 0.02672398043425145 0.010644734607315217 3377699771530807 0.02672284841537476 0.01064456150864856 s00009gqn80
P p256 1.33855139851886 -1.3387242379189677 2626870544227889 1.33855372667312622 -1.33872438655008352 kpbbqkq9qe0
P p257 0.08352527051780514 0.08877157779771609 3377700976783964 0.08352667093276978 0.08877227180294511 s0009bhv4k0
P p258 -0.011017114348018893 0.008477197849518388 1876499841657736 -0.01101583242416382 0.00847737491741185 ebpbp9xcrk0
P p259 -0.009971860001458794 0.010045205229388354 1876499847552999 -0.00996977090835571 0.01004636731503439 ebpbpcbdx80
P p260 99.90156445788482 84.9058883772572 4318834639505095 99.90156501531600952 84.905887990209294 ypp512dheh0
P p261 58.705824058136415 83.60062781066216 3902431892104237 58.70582252740859985 83.60062825976538647 vqcexgh2by0
P p262 97.97042884337924 84.86311318805919 4318318393470303 97.97042816877365112 84.86311203592428853 ypjdv2ggkq0
P p263 100.4154412418736 84.90046823637925 4318845319082377 100.41543871164321899 84.9004687563706284 ypp6vp8m160
P p264 99.86302490389483 84.896792142266 4318834457314454 99.86302703619003296 84.89679087596843488 ypp4bqyp9h0
P p265 100.00134094776352 84.89994864358832 4318835152625682 100.00134319067001343 84.89994913853296055 ypp4gxdf010
P p266 62.18626551280987 84.615629149999 3904716837280196 62.1862676739692688 84.61562946608991354 vrh1r5f9v00
P p267 85.6979784698 85.05112878 6942362052469410 85.69798082113265991 85.0511287799999991 vzhgy556ex0
P p268 99.11886304509079 84.92831181870923 4318708701089134 99.11886423826217651 84.92831266830596348 ypn7ps8pkb0
P p269 104.30104442039662 83.6203327479877 4325021810395659 104.30104225873947144 83.62033318205808996 yqf5tqtewr0
P p270 100.0139595889904 84.90117119353805 4318835163987478 100.01396030187606812 84.90117087413176478 ypp4gzgcnj0
P p271 99.99924762174254 84.90009635870346 4318835152195548 99.99924570322036743 84.90009615236020579 ypp4gx94zm0
P p272 100.00077287817278 84.89982358900807 4318835152548654 100.0007745623588562 84.8998224024749959 ypp4gxd36c0
P p273 99.83175262216753 84.9316903414644 4318743064704095 99.8317524790763855 84.93169145161137124 ypngptr6bq0
P p274 100.01163735901487 84.89929044762272 4318835160915968 100.01163750886917114 84.899290111031533 ypp4gz6q0n0
P p275 99.96412326945237 84.9075678503189 4318835069868078 99.96412485837936401 84.90756851033793851 ypp548zwkv0
P p276 59.40300829345948 85.05112878 6905485633169930 59.40300911664962769 85.0511287799999991 vr45zepfwr0
P p277 100.70613342480283 85.05112878 7321270677580330 100.70613116025924683 85.0511287799999991 yppege5fwz0
P p278 100.05409487454051 84.9013474820154 4318836639861978 100.05409687757492065 84.90134830461292381 ypp4uzc4jq0
P p279 101.51654665017833 85.05112878 7327148172378666 101.51654452085494995 85.0511287799999991 yr05y544dz0
P p280 100.01017284553365 84.79309003699316 4318831200049598 100.01017302274703979 84.79309036389756216 ypp47u15tc0
P p281 100.45097804087449 84.94428193182813 4318845633108382 100.45097798109054565 84.94428141160980772 ypp7jzdhm30
P p282 -58.95197900137986 -85.05112878 600883675015816 -58.95197957754135132 -85.05112751263942528 48yh4sbmr20
P p283 -59.65912602125206 -85.02502196216363 600505766282725 -59.65912789106369019 -85.02502241941940042 48vs63tt3e0
P p284 -59.99832769309625 -84.98992975271784 600480241455522 -59.9983254075050354 -84.98992920496834813 48vkd8n9c80
P p285 -59.99853324373859 -84.99000337999864 600480241429805 -59.99853461980819702 -84.99000271188197075 48vkd8n3kg0
P p286 -60.0049766350913 -84.99000218754966 600480238964519 -60.00497728586196899 -84.99000271188197075 48vkd819qe0
P p287 -59.992348895790926 -84.98214283728825 600480297040170 -59.99234944581985474 -84.98214254156684433 48vkdc6zhu0
P p288 -59.998855252478215 -84.98948592681148 600480241442269 -59.99885648488998413 -84.98948562876546475 48vkd8nhm70
P p289 -59.99941761008118 -84.99014003584199 600480240891219 -59.99941974878311157 -84.9901395868245686 48vkd8jb810
P p290 -59.99434941281181 -84.91901276640576 600481303325516 -59.9943503737449646 -84.91901277637235523 48vkfucqyk0
P p291 -60.00205177657247 -84.99018176130697 600480239318648 -60.00205367803573608 -84.99018267708427743 48vkd85b6c0
P p292 -102.38116050201475 -85.05112878 178810771218944 -102.38115996122360229 -85.05112751263942528 18zhnkbm600
P p293 -59.99937644595834 -84.99002891788402 600480241067203 -59.99937683343887329 -84.99002805909356084 48vkd8jc1n0
P p294 -39.989244417369775 -81.34440633061351 705595229380292 -39.98924463987350464 -81.34440705308765018 51e94p8wrp0
P p295 -60.45362222848015 -84.97502851168598 600471150202933 -60.45361965894699097 -84.97502757927259154 48vh86g08d0
P p296 -59.998846916172155 -84.99005476450344 600480241420788 -59.99884575605392456 -84.99005594102629857 48vkd8n1j90
P p297 -59.99967604757902 -84.99011424107641 600480241058327 -59.99967724084854126 -84.99011423961297851 48vkd8j8dn0
P p298 -44.0560998552162 -84.57771544357372 703742637466383 -44.05610114336013794 -84.5777151069885349 50bwv7p7470
P p299 -60.01380845480563 -84.98890021921194 600480214381630 -60.01380711793899536 -84.98890010817765983 48vkd25rbb0
P p300 -59.97355163740627 -84.99066716317247 600480347686523 -59.97355252504348755 -84.99066680882570779 48vk7rbt6z0
P p301 -60.008843066939455 -84.9897526944701 600480216312116 -60.00884503126144409 -84.9897517744871891 48vkd2nfu90
P p302 -59.99015299693988 -84.98788183706719 600480294212928 -59.99015539884567261 -84.98788115027159051 48vkdbkt8n0
P p303 -59.90502779580209 -85.00915329517318 600481836068770 -59.90502744913101196 -85.00915253024075469 48vkkud3z90
P p304 24.941754890445196 69.99451662478268 3769373816262868 24.94175702333450317 69.99451629159794663 us3wpw45950
P p305 24.883269186221746 69.90106708061722 3769370412726854 24.88326877355575562 69.90106619189543835 us3twjp7np0
P p306 24.988322425340776 70.00243470906163 3769379637094916 24.98832017183303833 70.00243476049972458 us3y0xecwp0
P p307 25.02289893882944 69.97481879274977 3769379497138093 25.02289921045303345 69.9748189734687287 us3y16t0gg0
P p308 24.896394121663516 69.9286614257961 3769370523619585 24.89639550447463989 69.92866170115715363 us3tyd15bp0
P p309 15.574515404452434 69.61695070922805 3743446816134433 15.57451754808425903 69.6169518318662881 uk7h43mh0s0
P p310 25.05093659640339 69.98841896327633 3769380085617858 25.05093902349472046 69.98841775248857289 us3y4j18140
P p311 25.125680035152744 70.20699840990372 3769393996626477 25.12568145990371704 70.20699943166417256 us3z7szcqv0
P p312 25.000608555055784 69.99945598705594 3769379643063375 25.00061005353927612 69.99945646313750558 us3y0zhbkk0
P p313 25.86103387203624 70.06355782140321 3769760722349496 25.86103588342666626 70.06355702653601725 us6qs6xmvc0
P p314 24.750850886844518 70.04658437184315 3769372493103218 24.75085347890853882 70.04658453365308901 us3w7px4bt0
P p315 25.000306067277286 70.00004363581344 3769379643775373 25.00030428171157837 70.00004451844645814 us3y0zhev60
P p316 21.460203511385078 74.74146640119012 3758832247239466 21.4602014422416687 74.74146603717315429 umr30q6bdg0
P p317 18.528809997059057 69.84980074292488 3745145437630561 18.52880984544754028 69.84980145644780691 ukmjmeu28d0
P p318 24.99927520003968 69.99908116630405 3769379641604509 24.99927431344985962 69.99908132440592112 us3y0ygyjq0
P p319 24.633265007697208 69.99161209753248 3769370993457458 24.63326543569564819 69.99161150114935026 us3w0t96sw0
P p320 23.1663592734914 68.42891251285229 3766136503487197 23.16635996103286743 68.42891281615717958 us0mr1j5r30
P p321 25.00147783050469 70.00960280911593 3769379659956342 25.00147908926010132 70.0096029519383336 us3y2bve2x0
P p322 25.383645001933008 70.10911145752421 3769761688909032 25.38364559412002563 70.10911103521165444 us6ncdgz1v0
P p323 24.99923378180627 70.01148572832051 3769379659365657 24.99923139810562134 70.01148624975971302 us3y2c5ykq0
P p324 30.657591264862276 72.01809706950544 3772610326583735 30.65759271383285522 72.01809825555039879 usvc9wkpvd0
P p325 25.041599215753674 69.98850981862789 3769379725347568 25.0415995717048645 69.98850900245031426 us3y1v48xe0
P p326 -120.0006473160676 -75.00001777925746 155962216894279 -120.00064998865127563 -75.00001773431037577 16dtm6djnp0
P p327 -124.89786829413416 -76.3963805085471 149192330795123 -124.89787012338638306 -76.39638041266323398 14rjmuknud0
P p328 -120.01190152889849 -74.99884254888843 155962208763973 -120.01189917325973511 -74.99884162369244223 16dtm4fh040
P p329 -116.27118940515403 -69.9010351391152 170867307313195 -116.27118855714797974 -69.90103577524152456 17t664vuuy0
P p330 -119.96601437630402 -75.00263312353532 155961895120269 -119.96601194143295288 -75.00263356654679114 16dtq45mvr0
P p331 -119.9305654508173 -75.15388785630422 155915427924940 -119.93056386709213257 -75.15388798228804035 16dsqythz70
P p332 -120.02355256954631 -74.96242137131095 155962204210288 -120.02355068922042847 -74.96242021535388744 16dtsc98280
P p333 -120.08746751822184 -75.01061413870879 155959884889750 -120.0874677300453186 -75.01061540347757273 16dt72dzrp0
P p334 -121.70226504346323 -75.30385434962852 155473090910195 -121.70226484537124634 -75.30385475968031983 1697we75780
P p335 -120.05158064333891 -75.01677625641304 155961339106975 -120.05157977342605591 -75.01677731061590748 16dthpt5e70
P p336 -116.84231453802549 -76.50479718256032 157297224205666 -116.84231668710708618 -76.50479804081163593 16kuv0wp0x0
P p337 -119.9999024713648 -74.9999450449946 155962216930272 -119.9999043345451355 -74.99994422739675315 16dtm6dtxt0
P p338 -120.03118304597761 -74.85274585438454 155965665767203 -120.03118425607681274 -74.85274536551045799 16dwht7zns0
P p339 -120.60456796112196 -74.88201224477433 155931725621695 -120.60456544160842896 -74.88201125601617036 16dnp84ktv0
P p340 -119.99868133325525 -74.99969098752567 155962217237840 -119.99868124723434448 -74.99969075528079543 16dtm6exhh0
P p341 -120.00932114292164 -75.00233797300739 155961492679746 -120.00931888818740845 -75.00233700417115301 16dtm45zsp0
P p342 -120.00018790251033 -75.00001854538502 155962216924527 -120.00018864870071411 -75.00001773431037577 16dtm6dt0z0
P p343 -119.99989169995575 -75.00004316744275 155962216927145 -119.99989360570907593 -75.00004308152196586 16dtm6dtpf0
P p344 -120.0049171833589 -74.99834316825769 155962211701544 -120.00491470098495483 -74.99834228362404076 16dtm4znfz0
P p345 -120.00336314570693 -75.00283398099178 155961500180026 -120.00336438417434692 -75.00283380951839263 16dtm60hyf0
P p346 -120.03358769550364 -74.99806872131737 155962108825458 -120.03358751535415649 -74.99806853373883087 16dtke40wd0
P p347 -119.98838976543075 -75.01123316673696 155961520691116 -119.98839229345321655 -75.01123387544043908 16dtm8e5gu0
P p348 179.9878676230802 84.99931335248887 4503599344913561 179.98786836862564087 84.9993127427002122 zzpgx9xhvk0
P p349 -179.79775404874295 84.82955053294 1501197476192310 -179.79775339365005493 84.82954979305348786 bp04sderbw0
P p350 -179.93794531050858 84.99073213909999 1501199730105594 -179.93794709444046021 84.99073271157584486 bp0592j4vu0
P p351 179.62302950377313 84.97748015818203 4503590650931882 179.62302893400192261 84.97748118935481898 zzpermtmxy0
P p352 178.75583330343608 85.00912116843779 4503554253197357 178.7558332085609436 85.00912211358685511 zzp5eeqn0b0
P p353 -171.86244262038377 85.05112878 4505979175731752 -171.86244338750839233 85.0511287799999991 bpjgc5jddz0
P p354 179.989424021015 85.00000775705219 4503599350621621 179.98942404985427856 85.00000725629787723 zzpgxcb2ct0
P p355 -179.98468414613063 84.99832326117496 1501199599552895 -179.98468190431594849 84.99832420144807088 bp05837phu0
P p356 179.99225976044434 84.99990855854524 4503599351145378 179.99226182699203491 84.99990840217265031 zzpgxcf27e0
P p357 150.69882192874778 85.05112878 7468572455108736 150.69882184267044067 85.0511287799999991 zr55v5pd9p0
P p358 179.5226432216983 85.05112878 7505990209513512 179.52264457941055298 85.0511287799999991 zzpev5h6sz0
P p359 -179.92926971065165 84.92468810668001 1501198701790226 -179.92926746606826782 84.92468801704811199 bp051s5d0j0
P p360 179.98991044934053 85.00095933965189 4503599350860927 179.98991221189498901 85.00096031145378106 zzpgxcbwkz0
P p361 179.99287359576314 84.99988971511372 4503599351177451 179.99287337064743042 84.99989065912454578 zzpgxcfb3b0
P p362 -166.3262264106022 83.55414251031549 1509891415015253 -166.32622450590133667 83.55414147370311184 bqcer4sfnh0
P p363 179.9901261969558 85.00015573591854 4503599350658478 179.99012678861618042 85.00015680484627012 zzpgxcbccc0
P p364 179.90298463542055 84.99874833778917 4503598802612894 179.90298718214035034 84.99874749988168787 zzpgtc93e60
P p365 179.9876549844705 84.99947180242663 4503599344915480 179.98765379190444946 84.99947243013325249 zzpgx9xjb60
P p366 179.90280874320064 84.9992190008704 4503598813809288 179.90281015634536743 84.99921895801730898 zzpgtc9hr60
P p367 179.99495962799688 85.00049345080163 4503599352739637 179.99496012926101685 85.00049392276046945 zzpgxcu7f80
P p368 179.98092121247902 85.00053227111871 4503599342944926 179.98092144727706909 85.00053194357785458 zzpgx9f5gr0
P p369 -176.45010224477574 85.05112878 4504183784909344 -176.45010441541671753 85.0511287799999991 bp4ebg0fwx0
P p370 -179.97189296983717 -85.05112878 35662378 -179.97189313173294067 -85.05112751263942528 00bh0sumqb0
P p371 173.64839388884783 -85.05112878 3000166334900264 173.64839226007461548 -85.05112751263942528 pbgkpkyvkb0
P p372 -179.27463478662912 -85.02458969613703 34464620054 -179.27463680505752563 -85.02458898210113603 00bs298py50
P p373 -179.98421217322615 -85.05011226762669 9137067 -179.98420983552932739 -85.05011108945453202 00bh0m57py0
P p374 -178.98824308668537 -84.12208568985687 111284703222 -178.98824125528335571 -84.12208630499154083 0109rn09rd0
P p375 179.9834016892565 -85.05112878 3002399741094018 179.98339980840682983 -85.05112751263942528 pbzupsgvm00
P p376 -179.9916949414939 -85.04980581584846 2883809 -179.99169319868087769 -85.04980692291539413 00bh0jnhcw0
P p377 179.9969705281511 -85.02518071274818 3002399819560411 179.99697178602218628 -85.02517957213126465 pbzurctu3m0
P p378 178.9340726125914 -85.05112878 3002356793516544 178.93407136201858521 -85.05112751263942528 pbzhpszv600
P p379 -179.75143082819477 -85.05112878 2317484032 -179.75143164396286011 -85.05112751263942528 00bhjsvj200
P p380 142.59695598411207 -81.23947320991029 2959021335030955 142.59695738554000854 -81.23947213181216398 p1t3ufgcvb0
P p381 -179.9930158780028 -85.05012923985235 2310758 -179.99301820993423462 -85.05012883250265077 00bh0jj54d0
P p382 -179.9976068726643 -85.05112878 166568 -179.99760478734970093 -85.05112751263942528 00bh0hctrb0
P p383 -171.54722520663432 -84.4034042172997 2771673548730 -171.54722481966018677 -84.40340486758194061 00ypb6g4eb0
P p384 -179.989513942002 -85.04997528559969 2873373 -179.98951524496078491 -85.04997421451191997 00bh0jpeur0
P p385 -179.98903978083172 -85.05020156793259 2866907 -179.98903781175613403 -85.05020233941627339 00bh0jpfxm0
P p386 179.41178282901265 -84.98696383196386 3002389205277860 179.41178351640701294 -84.98696358121190997 pbzsd8eej90
P p387 -179.9898332476334 -85.05036424370253 2829435 -179.98983174562454224 -85.05036456157046132 00bh0jp3sy0
P p388 179.9914950493808 -85.04517814634175 3002399753217261 179.99149471521377563 -85.04517852207845863 pbzupvczcv0
P p389 -173.83363651831567 -85.05112878 2209769589282 -173.83363634347915649 -85.05112751263942528 00ukhkfjq80
P p390 -179.9897622957416 -85.04991188426482 2850336 -179.98976200819015503 -85.04991084648293054 00bh0jpkqe0
P p391 179.98544035198026 -85.0498724673422 3002399742721143 179.98543828725814819 -85.04987282566554541 pbzuptjksd0
P p392 -73.98210634043889 40.74846241758013 1791875673207722 -73.98210793733596802 40.7484625136634051 dr5ru6pbgz0
P p393 -71.02678552411534 41.958778137767865 1793797037941439 -71.02678567171096802 41.95877919364195208 drmqxwrgeg0
P p394 -73.97980886429868 40.750156607280196 1791875696022768 -73.97980660200119019 40.75015570739784465 dr5rud3dce0
P p395 -73.97243276302605 40.76817672616511 1791875764579726 -73.9724305272102356 40.76817757484074178 dr5rutwgv70
P p396 -73.97994115778437 40.75002167048931 1791875695996703 -73.97994071245193481 40.75002136717639445 dr5rud36n60
P p397 -74.50387741395431 41.50519805252179 1792072207034552 -74.50387805700302124 41.50519844634172983 dr7h0egcmc0
P p398 -73.98015096055046 40.74996869111598 1791875695994020 -73.98014992475509644 40.74996813803205242 dr5rud33c80
P p399 -74.01369688180263 40.7547894572676 1791874240455592 -74.0136989951133728 40.75478917767711806 dr5rgg0vgg0
P p400 -73.98044358421122 40.74985655663707 1791875695974198 -73.98044496774673462 40.74985661030104467 dr5rud314e0
P p401 -73.88249482792652 40.70709404732718 1791875972425941 -73.88249605894088745 40.70709332962183424 dr5rwf82j00
P p402 -73.97378362957521 40.74926991843338 1791875698059519 -73.97378236055374146 40.74927108971323264 dr5rudjvty0
P p403 -75.34196345752596 44.38895228642785 1979978029190337 -75.3419610857963562 44.38895324404280984 drfkt8c8mh0
P p404 -73.98003404848187 40.74995847012107 1791875695995228 -73.98003190755844116 40.74995799914741212 dr5rud33sq0
P p405 -73.98051225817696 40.74658090613523 1791875694859460 -73.98051470518112183 40.74658175056317333 dr5ru99n110
P p406 -78.11539472493124 41.682654255324344 1791409199273948 -78.11539739370346069 41.68265427470704765 dr2mnkn5530
P p407 -73.98009209572946 40.75024934170641 1791875707183915 -73.9800909161567688 40.75024949208073366 dr5rud376v0
P p408 -73.52347880381852 41.8581457237834 1792126508054313 -73.52347701787948608 41.85814569417387787 dr7wnujc6g0
P p409 -74.01157813912347 40.73361954259323 1791874039561602 -74.01158004999160767 40.73361918655431424 dr5rez66t00
P p410 -75.71262871538394 40.75474011867868 1791729780842491 -75.71262627840042114 40.75474101797508553 dr4pv55txf0
P p411 -73.9896964348082 36.82006437380595 1787753370825364 -73.98969858884811401 36.82006548040047988 dqe3kqfk7j0
P p412 -73.97768254914767 40.74855387756104 1791875696236432 -73.97768229246139526 40.74855376362513937 dr5rud51e00
P p413 -73.80919966188094 37.193382548934935 1787794443133247 -73.80920201539993286 37.19338174746908265 dqee86vg0u0
P p414 180 85.05112878 13510798882111488 180 85.0511287799999991 bp05b5048p0
P p415 -180 -85.05112878 0 -179.99999731779098511 -85.05112751263942528 00bh0hbj200
P p416 180 0 10133099161583616 180 0.00000126736058093 80000000000
P p417 -180 0 1125899906842624 -179.99999731779098511 0.00000126736058093 80000000000
P p418 0 85.05112878 6755399441055744 0.00000268220901489 85.0511287799999991 up05b5048p0
P p419 0 -85.05112878 2251799813685248 0.00000268220901489 -85.05112751263942528 h0bh0hbj200
P p420 -180 85.05112878 4503599627370496 -179.99999731779098511 85.0511287799999991 bp05b5048p0
P p421 180 -85.05112878 9007199254740992 180 -85.05112751263942528 00bh0hbj200
P p422 0 0 3377699720527872 0.00000268220901489 0.00000126736058093 s0000000000
P p423 -0 -0 3377699720527872 0.00000268220901489 0.00000126736058093 s0000000000
P p424 179.999999 85.051128 4503599627370495 179.99999731779098511 85.05112751263942528 zzpgzgpfxz0
P p425 1e-10 -1e-10 2627099782632789 0.00000268220901489 -0.00000126736058093 kpbpbpbpbp0
P p426 90 45 4222486838317376 90.00000268220901489 45.00000100864581043 y0000000000
P p427 -90 -45 656412758000661 -89.99999731779098511 -45.00000100864581043 4pbpbpbpbp0
P p428 0.000001 0.000001 3377699720527872 0.00000268220901489 0.00000126736058093 s0000000000
P p429 12.5 14.773348160212066 3405508912156309 12.49999791383743286 14.77334725996129094 s68uh3qhzp0
P p430 12.5 -27.573298530343777 2561099747319428 12.49999791383743286 -27.57329876756445231 k70ghkqjzh0
P p431 12.5 44.47771445146314 3668313593356165 12.49999791383743286 44.47771410960054084 srbvh2yjrn0
P p432 12.5 48.83362232791666 3672488389712773 12.49999791383743286 48.83362228303988672 u28vu3yhrn0
P p433 12.5 -66.86031328483577 2282980213611217 12.49999791383743286 -66.86031330030604636 hk0gskqnrn0
P dupA 13.361389 38.115556 3479099956230698 13.36138933897018433 38.11555639549629859 sqc8b49rny0
P dupB 13.361389 38.115556 3479099956230698 13.36138933897018433 38.11555639549629859 sqc8b49rny0
P dupC 13.361389 38.115556 3479099956230698 13.36138933897018433 38.11555639549629859 sqc8b49rny0
P dupD 13.361389 38.115556 3479099956230698 13.36138933897018433 38.11555639549629859 sqc8b49rny0
P dupE 13.361389 38.115556 3479099956230698 13.36138933897018433 38.11555639549629859 sqc8b49rny0
P dupF 13.361389 38.115556 3479099956230698 13.36138933897018433 38.11555639549629859 sqc8b49rny0
P dupw0 -179.95 -20.0 351935146502529 -179.95000094175338745 -20.00000058910486445 2h2n1ph7t10
P dupw1 -179.95 -20.0 351935146502529 -179.95000094175338745 -20.00000058910486445 2h2n1ph7t10
P dupw2 -179.95 -20.0 351935146502529 -179.95000094175338745 -20.00000058910486445 2h2n1ph7t10
P dupw3 -179.95 -20.0 351935146502529 -179.95000094175338745 -20.00000058910486445 2h2n1ph7t10
Z -1 180 85.0511287799999991 bp05b5048p0
Z 1e30 -179.99999731779098511 -85.05112751263942528 00bh0hbj200
Z inf -179.99999731779098511 -85.05112751263942528 00bh0hbj200
Z -inf 180 -85.05112751263942528 00bh0hbj200
Z 9007199254740993 180 -85.05112751263942528 00bh0hbj200
Z 4503599627370496 -179.99999731779098511 85.0511287799999991 bp05b5048p0
Z 13510798882111488 180 85.0511287799999991 bp05b5048p0
Z 13510798882111489 180 85.0511287799999991 bp05b5048p0
Z -0.5 -179.99999731779098511 -85.05112751263942528 00bh0hbj200
Z 0.75 -179.99999731779098511 -85.05112751263942528 00bh0hbj200
Z 1.5 -179.99999731779098511 -85.05112497791824921 00bh0hbj210
Z 18446744073709551615 -179.99999731779098511 -85.05112751263942528 00bh0hbj200
Z 9223372036854775808 180 -85.05112751263942528 00bh0hbj200
Z -9.3e18 180 -85.05112751263942528 00bh0hbj200
Z 123456789.987 -179.97304648160934448 -85.01108145304303321 00bh2s5ws10
E 200 10 ERR invalid longitude,latitude pair 200.000000,10.000000
E inf 10 ERR invalid longitude,latitude pair inf,10.000000
E 1e300 10 ERR invalid longitude,latitude pair 1000000000000000052504760255204420248704468581108159154915854115511802457988908195786371375080447864043704443832883878176942523235360430575644792184786706982848387200926575803737830233794788090059368953234970799945081119038967640880074652742780142494579258788820056842838115669472196386865459400540160.000000,10.000000
E 10 85.05112879 ERR invalid longitude,latitude pair 10.000000,85.051129
E -180.0000001 0 ERR invalid longitude,latitude pair -180.000000,0.000000
E 0 -90 ERR invalid longitude,latitude pair 0.000000,-90.000000
E -inf -inf ERR invalid longitude,latitude pair -inf,-inf
E 123.4567895 -86 ERR invalid longitude,latitude pair 123.456789,-86.000000
E 0.0000005 86.0000005 ERR invalid longitude,latitude pair 0.000000,86.000000
E -1e-7 -85.06 ERR invalid longitude,latitude pair -0.000000,-85.060000
D p335 p222 Ft 35556098.9341
D p429 p342 km 12740.2420
D p410 p391 Ft 48095947.9750
D p342 p319 ft 61479433.6751
D p85 p116 mi 6260.1705
D p319 p278 Ft 7056918.2690
D p97 p122 mI 3490.3809
D p340 p312 km 18749.9489
D p86 p404 mi 5189.8801
D p362 p158 ft 20968349.7485
D p125 p165 mI 1611.0759
D p393 p282 m 14138176.5481
D p260 p93 mI 948.1756
D p198 p208 m 77526.9964
D p57 p281 km 3776.5817
D p383 p224 m 10626084.7462
D p35 p339 ft 36647489.9588
D p141 p0 ft 40891054.9885
D p192 p415 mI 6570.6226
D p350 p422 mI 6566.3743
D p379 p207 km 7235.4044
D p55 p78 mi 9134.3171
D p13 p217 mI 11432.8108
D p10 p424 ft 37432652.2650
D p429 p46 mi 10076.3362
D p386 p110 KM 4566.0642
D p418 p94 mi 2538.4345
D p422 p359 Ft 34694470.4757
D p269 p253 ft 33408318.6753
D p237 p90 M 5003769.7089
D p345 p382 Ft 4823987.1470
D p400 p143 km 18546.1787
D p318 p383 mI 11423.0565
D p431 p233 mI 3164.6404
D p36 p375 mi 8843.4994
D p257 p99 M 8029833.1411
D dupw0 p118 m 7683483.9764
D p245 p58 ft 43628957.3449
D p14 p93 m 10972504.0199
D p190 p56 KM 13156.7437
D p407 p359 m 5652277.8047
D p58 p294 Ft 19266468.9806
D p285 p55 M 12523217.3151
D p39 p286 KM 7862.9202
D p339 p46 ft 26459649.1381
D p47 p400 mi 8797.7154
D p62 p261 M 14454108.4159
D p130 p191 ft 23193978.1136
D p223 p387 KM 10226.1390
D p142 p142 mI 0.0000
D p13 p333 mi 5628.7511
D p1 p39 mi 11145.8265
D p94 p53 km 7627.3751
D p215 p280 Ft 39782056.8498
D dupw3 p303 mi 5014.4819
D p300 p356 m 19464896.3584
D p387 p49 m 6953633.6757
D dupw1 p245 mi 11058.5429
D p63 p7 km 5368.4951
D dupw0 p230 mi 11060.2958
D p237 p138 ft 35235957.9894
D p136 p107 mi 5381.5903
D p38 p150 m 12160829.4912
D p299 p344 Ft 4820958.5319
D p164 p142 Ft 45721177.8802
D p396 p181 mI 6592.0708
D p46 p307 mI 8204.0747
D p159 p119 Ft 30484467.4724
D p323 p336 m 18637559.3241
D p247 p309 Ft 25685559.3957
D p203 p285 m 8069591.0447
D p16 p399 M 12224596.6700
D p149 p407 mI 8675.6950
D p415 p173 m 10572431.7420
D p429 p398 mI 5376.5898
D p266 p44 m 7336178.9838
D p137 p159 m 8218278.2458
D p12 p184 ft 48204700.3009
D p177 p71 ft 38316168.3473
D p136 p368 M 12394847.7900
D p187 p232 mI 11748.7022
D p362 p408 KM 5425.3672
D p44 p179 ft 15384680.9959
D p148 p299 km 15773.3555
D p213 p305 KM 14226.2358
D p60 p341 Ft 39085818.6273
D p210 p67 M 12590028.2142
D p161 p273 KM 5751.6222
D p185 p191 km 115.4475
D p319 p300 ft 58002074.9688
D p73 p7 km 8675.6963
D p301 p54 ft 38031706.8402
D p181 p168 ft 47545189.5949
D p314 dupD m 3614774.9943
D p398 p233 m 8665673.1129
D p172 p262 km 8819.7517
D p423 p178 KM 18908.5011
D p22 p351 mI 9870.6508
D p419 p325 Ft 56714870.8147
D p252 p143 KM 12821.1606
D p210 p208 M 76.4516
D p258 p305 ft 26211573.9060
D p185 p281 M 8848882.6343
D p189 p74 M 12721173.0568
D p78 p53 mi 5292.1964
D p127 p254 M 15428340.6887
D p349 dupA ft 20773806.1342
D p234 p55 m 12802864.3510
D p418 p85 KM 7528.8712
D p184 p242 mI 11747.1149
D p186 p334 mi 6182.7106
D p173 p331 km 10280.0561
D p64 p104 Ft 15306735.9818
D p331 p124 ft 10569327.0695
D p221 p417 KM 19937.2950
D p235 p246 Ft 4822.6069
D p213 p53 mI 10830.0154
D p278 p324 Ft 6150396.5819
D p157 p150 mi 6.7138
D p169 p217 mI 2771.9010
D p339 p315 m 18769145.3334
D p37 p84 mI 4797.3604
D p90 p430 mi 1064.6568
D p90 p99 Ft 42784123.3690
D p159 p20 KM 8987.8962
D dupw1 p85 Ft 26340097.3492
D p306 p262 M 2125485.1964
D p288 p259 M 9733003.6475
D p154 p200 M 17635223.4840
D p71 p338 mI 2170.0082
D p420 p272 m 718024.8898
D p299 p110 km 4179.5078
D p357 p231 Ft 34416736.1176
D p219 p147 mi 4985.6615
D p248 p293 m 9939663.1465
D p364 p163 m 6312752.0545
D p200 p5 m 11405460.4205
D p381 p222 km 10560.6442
D p203 p24 mI 6580.1531
D p233 p361 mI 6562.1135
D p293 dupw1 m 8070336.1165
D p104 p167 mi 9368.2667
D p207 p24 km 10588.6029
D p219 p350 KM 10567.4947
D p216 p230 mI 8.2363
D p83 p196 km 3364.9153
D p223 p157 ft 15903677.7246
D p185 p127 Ft 13201402.9588
D p210 p174 KM 3322.6444
D p303 p338 m 1486449.0452
D p279 p325 mI 1343.1428
D p257 p285 ft 31963741.3474
D p176 p275 mI 5470.3094
D p70 p193 km 9163.7089
D p250 p31 ft 29900984.2731
D p407 p219 mi 5386.1418
D p5 p69 mi 7626.5476
D p357 p392 mI 3652.9531
D p371 p52 m 18086440.8643
D p399 p247 KM 8669.4302
D p204 p251 m 17788985.3970
D p160 p344 ft 50138078.8955
D p36 dupC m 7379374.7442
D p235 dupB KM 4454.7326
D p244 p125 KM 1849.7658
D p364 p378 m 18914058.0730
D p202 p52 KM 10927.0402
D p29 p395 M 13714437.5387
D p398 p387 KM 14675.1994
D p260 p225 m 10118005.4973
D p314 p287 m 17685921.0585
D p303 p266 KM 19461.3398
D p181 p144 mI 1915.1440
D p221 p149 M 17335850.8628
D p376 p350 ft 62050459.9596
D p126 p127 Ft 16354308.0205
D p64 p126 m 2611400.0538
D p164 p44 Ft 36439867.3770
D p394 p194 km 12766.5667
D p267 p340 ft 61761181.5375
D p259 p338 Ft 35587233.4385
D p130 p93 mi 3571.6392
D p16 p347 mi 5359.5425
D p429 p182 m 16750493.9636
D p262 p226 mI 6269.3682
D p127 p126 mI 3097.4145
D p146 p265 km 18100.4077
D p427 p2 mI 2311.1752
D p255 p179 Ft 62031399.4341
D p312 p157 m 3612539.3030
D p333 p250 mI 6733.8025
D dupw1 p401 M 12774145.2617
D p180 p34 M 11535560.9234
D p365 p227 mI 6558.2826
D p412 p341 M 13306011.7373
D p380 p421 Ft 2073522.3094
D p230 p245 mi 7.7910
D p386 p347 mi 915.8057
D p60 p90 M 13321452.6942
D p143 p419 KM 6058.4166
D p300 p301 Ft 1173.1751
D p398 p399 Ft 9439.6075
D p315 p317 M 247519.5548
D p356 p358 km 7.2781
D dupC dupC ft 0.0000
D p282 p285 m 12177.8524
D dupF dupw1 KM 17631.9881
D p390 p393 km 14836.4110
D dupF dupF km 0.0000
D p418 p419 km 18919.8446
D p208 p210 M 76.4516
D p307 p307 M 0.0000
D p283 p284 Ft 16734.0289
D p419 p421 KM 1100.8896
D p232 p234 km 3.0008
D p306 p306 M 0.0000
D p289 p289 mI 0.0000
D p391 p393 mi 9219.0851
D p320 p322 mi 128.1494
D p427 p428 m 10010367.0997
D p248 p248 KM 0.0000
D p322 p325 km 18.6670
D p307 p308 ft 23111.5282
D p391 p393 mI 9219.0851
D p298 p300 km 166.7580
D p266 p267 Ft 782883.8735
D dupw0 dupw2 m 0.0000
D p270 p270 ft 0.0000
D p311 p314 KM 22.7860
D p343 p343 KM 0.0000
D p203 p206 mI 17.7984
D p373 p373 Ft 0.0000
D p431 dupA m 711278.4340
D p326 p329 km 580.4897
D p280 p280 m 0.0000
D dupD dupF mi 0.0000
D p283 p286 km 5.1360
D p338 p339 km 16.9639
D p188 p190 m 63059.4476
D p184 p186 mI 241.9046
D p297 p298 mI 103.7698
D p207 p209 KM 3.8494
D p234 p236 KM 0.6639
D p169 p171 mI 194.5690
D p413 p415 KM 14283.6321
D p362 p364 M 220615.0917
D p425 p425 KM 0.0000
D p412 p413 ft 1298217.4518
D p155 p156 ft 4694.7075
D p316 p319 M 538828.8397
D p365 p365 mi 0.0000
D p309 p309 Ft 0.0000
D p163 p165 KM 0.1857
D p355 p357 km 279.7979
D p321 p323 KM 0.2262
D p383 p384 mi 69.6893
D p205 p208 km 0.6730
D p206 p206 M 0.0000
D p419 p422 km 9459.9224
D p306 p309 ft 1192735.7542
D dupB dupC mi 0.0000
D p245 p247 Ft 1565.4567
D p403 p403 mi 0.0000
D p373 p373 Ft 0.0000
D p234 p235 m 611.4842
D p319 p322 KM 31.3322
D p339 p339 m 0.0000
D p381 p382 Ft 391.9996
D p245 p248 m 212514.5591
D p423 p425 m 0.2819
D p395 p396 mi 1.3150
D p411 p413 m 44510.0718
D p201 p204 Ft 1205900.8546
D p243 p245 ft 1532.9567
D p197 p200 Ft 3140.1299
D p185 p187 Ft 175732.4156
D p252 p253 ft 21362.1615
D p345 p347 M 1028.8490
D p182 p184 Ft 631738.2408
D p226 p228 KM 17.1730
D p245 p246 km 1.2616
D p194 p196 M 134.5372
D p410 p410 ft 0.0000
D p226 p227 KM 13.3881
D p288 p291 km 0.0835
D p304 p305 m 10630.7507
D p316 p316 mi 0.0000
D p335 p337 mi 1.4856
D p384 p384 Ft 0.0000
D p397 p398 mI 58.8879
D p302 p302 Ft 0.0000
D p282 p282 Ft 0.0000
D p375 p376 ft 920.4172
D p195 p195 mI 0.0000
D dupE dupE mI 0.0000
D p329 p332 mI 358.2841
D p374 p377 ft 331395.4552
D p419 p421 KM 1100.8896
D p370 p373 KM 0.1636
D p164 p167 M 1363.0199
D p429 p429 mi 0.0000
D p429 p430 km 4710.0608
D p429 p431 km 3303.9068
D p429 p432 Ft 12429128.5033
D p429 p433 mI 5641.9464
D p430 p429 ft 15452955.2331
D p430 p430 m 0.0000
D p430 p431 ft 26292544.5327
D p430 p432 mi 5280.7108
D p430 p433 Ft 14336447.7183
D p431 p429 M 3303906.8185
D p431 p430 mi 4979.6610
D p431 p431 mi 0.0000
D p431 p432 m 484491.5493
D p431 p433 mi 7694.9040
D p432 p429 Ft 12429128.5033
D p432 p430 mi 5280.7108
D p432 p431 M 484491.5493
D p432 p432 KM 0.0000
D p432 p433 m 12868208.3874
D p433 p429 M 9079810.0196
D p433 p430 km 4369.7493
D p433 p431 KM 12383.7168
D p433 p432 mI 7995.9539
D p433 p433 M 0.0000
D p335 p222 m 10837498.9551
D p335 p222 km 10837.4990
D p335 p222 ft 35556098.9341
D p335 p222 mi 6734.1264
D p429 p342 m 12740242.0337
D p429 p342 km 12740.2420
D p429 p342 ft 41798694.3362
D p429 p342 mi 7916.4391
D p410 p391 m 14659644.9428
D p410 p391 km 14659.6449
D p410 p391 ft 48095947.9750
D p410 p391 mi 9109.1037
D p342 p319 m 18738931.3842
D p342 p319 km 18738.9314
D p342 p319 ft 61479433.6751
D p342 p319 mi 11643.8611
D p85 p116 m 10074742.8224
D p85 p116 km 10074.7428
D p85 p116 ft 33053618.1836
D p85 p116 mi 6260.1705
D p319 p278 m 2150948.6884
D p319 p278 km 2150.9487
D p319 p278 ft 7056918.2690
D p319 p278 mi 1336.5409
D p97 p122 m 5617209.6054
D p97 p122 km 5617.2096
D p97 p122 ft 18429165.3721
D p97 p122 mi 3490.3809
D p340 p312 m 18749948.9389
D p340 p312 km 18749.9489
D p340 p312 ft 61515580.5081
D p340 p312 mi 11650.7071
D p86 p404 m 8352281.6330
D p86 p404 km 8352.2816
D p86 p404 ft 27402498.7960
D p86 p404 mi 5189.8801
D p362 p158 m 6391153.0033
D p362 p158 km 6391.1530
D p362 p158 ft 20968349.7485
D p362 p158 mi 3971.2882
D p125 p165 m 2592768.9098
D p125 p165 km 2592.7689
D p125 p165 ft 8506459.6779
D p125 p165 mi 1611.0759
D p393 p282 m 14138176.5481
D p393 p282 km 14138.1765
D p393 p282 ft 46385093.6619
D p393 p282 mi 8785.0775
D p260 p93 m 1525936.8795
D p260 p93 km 1525.9369
D p260 p93 ft 5006354.5915
D p260 p93 mi 948.1756
D p198 p208 m 77526.9964
D p198 p208 km 77.5270
D p198 p208 ft 254353.6628
D p198 p208 mi 48.1732
D p57 p281 m 3776581.7272
D p57 p281 km 3776.5817
D p57 p281 ft 12390359.9972
D p57 p281 mi 2346.6649
D p383 p224 m 10626084.7462
D p383 p224 km 10626.0847
D p383 p224 ft 34862482.7633
D p383 p224 mi 6602.7594
D p35 p339 m 11170154.9395
D p35 p339 km 11170.1549
D p35 p339 ft 36647489.9588
D p35 p339 mi 6940.8297
D p141 p0 m 12463593.5605
D p141 p0 km 12463.5936
D p141 p0 ft 40891054.9885
D p141 p0 mi 7744.5372
D p192 p415 m 10574365.8392
D p192 p415 km 10574.3658
D p192 p415 ft 34692801.3097
D p192 p415 mi 6570.6226
D p350 p422 m 10567528.7977
D p350 p422 km 10567.5288
D p350 p422 ft 34670370.0711
D p350 p422 mi 6566.3743
D p379 p207 m 7235404.3611
D p379 p207 km 7235.4044
D p379 p207 ft 23738203.2844
D p379 p207 mi 4495.8830
D p55 p78 m 14700221.9425
D p55 p78 km 14700.2219
D p55 p78 ft 48229074.6144
D p55 p78 mi 9134.3171
D p13 p217 m 18399279.7574
D p13 p217 km 18399.2798
D p13 p217 ft 60365091.0676
D p13 p217 mi 11432.8108
D p10 p424 m 11409472.4104
D p10 p424 km 11409.4724
D p10 p424 ft 37432652.2650
D p10 p424 mi 7089.5351
D p429 p46 m 16216250.8345
D p429 p46 km 16216.2508
D p429 p46 ft 53202922.6854
D p429 p46 mi 10076.3362
D p386 p110 m 4566064.2129
D p386 p110 km 4566.0642
D p386 p110 ft 14980525.6327
D p386 p110 mi 2837.2278
D p418 p94 m 4085204.2371
D p418 p94 km 4085.2042
D p418 p94 ft 13402901.0402
D p418 p94 mi 2538.4345
D p422 p359 m 10574874.6010
D p422 p359 km 10574.8746
D p422 p359 ft 34694470.4757
D p422 p359 mi 6570.9388
D p269 p253 m 10182855.5322
D p269 p253 km 10182.8555
D p269 p253 ft 33408318.6753
D p269 p253 mi 6327.3488
D p237 p90 m 5003769.7089
D p237 p90 km 5003.7697
D p237 p90 ft 16416567.2864
D p237 p90 mi 3109.2061
D p345 p382 m 1470351.2824
D p345 p382 km 1470.3513
D p345 p382 ft 4823987.1470
D p345 p382 mi 913.6362
D p400 p143 m 18546178.7337
D p400 p143 km 18546.1787
D p400 p143 ft 60847043.0896
D p400 p143 mi 11524.0898
D p318 p383 m 18383581.8231
D p318 p383 km 18383.5818
D p318 p383 ft 60313588.6585
D p318 p383 mi 11423.0565
D p431 p233 m 5092982.4362
D p431 p233 km 5092.9824
D p431 p233 ft 16709259.9614
D p431 p233 mi 3164.6404
D p36 p375 m 14232197.3050
D p36 p375 km 14232.1973
D p36 p375 ft 46693560.7121
D p36 p375 mi 8843.4994
D p257 p99 m 8029833.1411
D p257 p99 km 8029.8331
D p257 p99 ft 26344596.9196
D p257 p99 mi 4989.5194
D dupw0 p118 m 7683483.9764
D dupw0 p118 km 7683.4840
D dupw0 p118 ft 25208280.7626
D dupw0 p118 mi 4774.3075
D p245 p58 m 13298106.1987
D p245 p58 km 13298.1062
D p245 p58 ft 43628957.3449
D p245 p58 mi 8263.0806
D p14 p93 m 10972504.0199
D p14 p93 km 10972.5040
D p14 p93 ft 35999028.9367
D p14 p93 mi 6818.0149
D p190 p56 m 13156743.7145
D p190 p56 km 13156.7437
D p190 p56 ft 43165169.6669
D p190 p56 mi 8175.2418
A -50.0 15.0 130.0 -15.0 20020734.0000
A -46.0 -18.0 134.0 18.0 20020734.0000
A -149.0 -39.0 31.0 39.0 20020734.0000
A -15.0 -20.0 165.0 20.0 20020734.0000
A -138.0 25.0 42.0 -25.0 20020734.0000
A -79.44782394792078 -26.314253804240465 100.55217605207922 26.314253804240465 20020734.0000
A -107.86907469984293 -37.128517080379154 72.13092530015707 37.128517080379154 20020733.8101
A -162.73642983404943 -30.860747298511924 17.26357016595057 30.860747298511924 20020734.0000
A -130.33003959710277 -50.64204053706138 49.66996040289723 50.64204053706138 20020734.0000
A -49.736744389285434 41.0452611390632 130.26325561071457 -41.0452611390632 20020733.8101
A -31.09853267625155 17.598581062532773 148.90146732374845 -17.598581062532773 20020734.0000
A -49.62689388522131 -2.1910965785751557 130.3731061147787 2.1910965785751557 20020734.0000
A -160.600971425673 74.90245905740622 19.39902857432699 -74.90245905740622 20020734.0000
A -150.92725456543792 -66.98561854587854 29.07274543456208 66.98561854587854 20020734.0000
A -135.3276930938378 -72.50995277906576 44.67230690616219 72.50995277906576 20020734.0000
A -49.726564803526884 -40.41240523749661 130.27343519647312 40.41240523749661 20020734.0000
A -118.13575678358376 9.691833020574606 61.86424321641624 -9.691833020574606 20020734.0000
A -4.242114137566631 73.09197292936554 175.75788586243337 -73.09197292936554 20020734.0000
A -109.24870034695567 35.43091834669319 70.75129965304433 -35.43091834669319 20020734.0000
A -21.56786430049874 -52.64551278342316 158.43213569950126 52.64551278342316 20020734.0000
U yd ERR unsupported unit provided. please use M, KM, FT, MI
S M,p334 B,331476.282227388,85302.91969712988,m cntdesc 10 : 10 7d827539ca8b3642 p332:61129.5432 p330:59755.0911 p340:59176.9076
S L,12.89331133608129,37.26407765507274 R,67.12060230610676,km raw 40 : 0 cbf29ce484222325
S L,-0.010421387062221841,0.009984954984607107 B,0.0017531219234096715,0.0027320798400035607,km any 10 : 0 cbf29ce484222325
S L,-1.896646237387671,-38.53993870545686 B,15452970.401487287,20858980.238302574,m any 10 : 10 0fcaf0462840d257 p415:6273874.1824 p382:6273873.4685 p381:6273983.1228
S L,-0.02920448534332145,0.014389567928825097 R,582.1100055868028,m raw 10 : 0 cbf29ce484222325
S L,57.5828904362003,-49.83016618921651 R,53.08744919002075,km asc 10 : 0 cbf29ce484222325
S L,179.93875325043928,10.025377311431686 B,1.6891710029233507,0.40717448314837024,km asc 5 : 0 cbf29ce484222325
S M,p353 R,0.01,mi any 5 : 1 50a32709b99d0dbc p353:0.0000
S M,p95 R,101.15701233314097,m asc 5 : 1 067e239d2dc6e46b p95:0.0000
S L,-119.55892916783068,-74.78459790591285 R,39825.0,ft cntdesc 40 : 0 cbf29ce484222325
S L,179.9,10.0 B,1506.1301699753049,847.8472975715823,ft anyasc 5 : 5 ecba65c8b1f2fe1c p193:19.0512 p176:84.9356 p177:89.0262
S L,-0.009905324260261774,0.009407126096520141 R,10272.181769458235,km asc 2 : 253 232fde0fd545dcd3 p238:0.0501 p243:0.0689 p249:0.0707
S L,-179.99071527786964,-85.05066260372601 R,16.025635467821367,km raw 40 : 18 06550b2595699367 p415:0.1030 p382:0.0839 p381:0.0633
S L,-179.62841403451736,85.05112878 R,195480.46,ft anyasc 10 : 10 56770e510891ad6d p420:11697.4533 p355:22325.4350 p350:24121.4005
S L,-179.99,-85.05 R,2.7922379629065093,km asc 10 : 15 3ffda3b5d6632e04 p384:0.0055 p390:0.0102 p385:0.0243
S L,0.0008721580756493996,-0.0003170033870787759 B,10715025.624864832,78197136.19058026,m cntdesc 3 : 3 c43ed57a10bd2938 p6:11648352.9203 p52:11306481.5359 p105:11243801.8424
S L,0.0678792310516187,-0.062040271982129316 R,2.372508264946871,mi cntdesc 3 : 0 cbf29ce484222325
S L,25.00097739121028,70.0003695859629 R,13130.360933638252,ft anyasc 1 : 1 6eb81bc5250e013d p307:9717.4260
S L,-158.14466773123704,29.203084033666997 B,8.188527539143541,14749.067375267496,m any 2 : 0 cbf29ce484222325
S L,90.98006944147437,84.52580603688858 R,108.885375761155,km desc 2 : 15 3a8507ea5047c810 p281:107.1188 p263:105.1419 p278:101.7983
S L,-120.0007188891366,-74.99915529490848 R,16467.766859260046,ft cnt 10 : 10 d7c0df7586eb3cf1 p340:274.2625 p337:297.9963 p326:314.7849
S M,p336 B,361832.28946509515,995059.477525061,ft cntdesc 10 : 1 e86b113cdfa9565f p336:0.0000
S M,p3 B,0.048768928080834655,0.24017366230875528,mi cnt 40 : 1 c04696e596627780 p3:0.0000
S L,24.99994161111104,69.99962636075222 B,19.86743406999851,12.726131917563649,km cnt 1 : 1 4eb3f326a3112d7c p312:0.0317
S L,-120.00014950179218,-75.00090680611964 B,3818150.816040495,19347435.20290482,ft anyasc 10 : 10 d190dcc89937e250 p370:4823957.8231 p373:4824263.7115 p384:4824417.4402
S L,-179.9289512473722,85.05112878 B,457.284653390272,1015.9137263501067,mi any 40 : 25 6ad8ecbd7a7791c1 p420:0.4236 p369:20.7383 p353:48.0543
S L,179.99,85.0 R,20296308.311473165,m anyasc 3 : 3 8ca0cf1c63d5f1b6 p422:10566498.3505 p423:10566498.3505 p428:10566498.3505
S L,179.95656142155192,9.928092972037957 R,0.2,mi desc 3 : 0 cbf29ce484222325
S M,p293 B,423.36911993441987,101340.22449548852,ft raw 2 : 10 885a25e5aa8a04f2 p286:178.7139 p291:102.2753 p289:40.7212
S M,p176 R,3.3602776016054823,mi asc 5 : 11 64fd7d17f6cb1f0c p176:0.0000 p193:0.0160 p177:0.0325
S L,-73.98024349352758,40.75040471618326 R,3.1226373867882637,mi any 2 : 2 4014c586ed3e5497 p392:0.1660 p405:0.2646
S L,106.16309692297301,-27.559705313620974 R,906.0925542979458,mi anyasc 1 : 1 543e2ee92f6565f9 p118:246.3016
S L,24.99299331833705,69.95559986862827 R,4673062.582972652,m cntdesc 3 : 3 4e5ff4893d438ed2 p12:4645634.3149 p94:4612841.4281 p75:4589764.8578
S M,p101 R,0.006593864891920657,km asc 10 : 1 cf7e48632264ae63 p101:0.0000
S M,p301 B,1151316.9247423476,66870.61379741508,m anyasc 5 : 5 d267d71729ffdf13 p301:0.0000 p286:46.8027 p291:81.5398
S L,179.89932092829204,9.999719821345145 B,330.0559770354363,581.7614333639135,mi desc 2 : 21 a0ef6a84401c16d6 p189:146.8513 p182:119.5845 p175:112.9369
S L,-114.86713856736215,-14.524355571058123 B,459.88824655516675,120.22304741382789,km raw 2 : 0 cbf29ce484222325
S L,179.99584050079966,-85.05112878 R,73.04776755952368,km asc 2 : 20 f9d107f04b091a8a p415:0.0399 p382:0.0629 p375:0.1194
S L,69.75571001498878,24.761593429294493 R,4670660.549668722,m raw 10 : 19 48892ea7486a7d34 p1:3536261.5422 p53:4534827.4855 p3:3704352.3295
S L,-60.04686522776515,-85.0006182100945 B,556652.3263907838,1233935.9889142008,m asc 40 : 22 c2d6f38960e22808 p291:1239.4719 p286:1248.7197 p289:1253.1236
S L,168.1103239078646,-69.32583694406664 R,1384007.245,ft cntdesc 1 : 0 cbf29ce484222325
S L,24.999258692217843,69.99974068425651 B,10942.68765063388,16597.79266887436,m cntdesc 3 : 3 72f812f359a19768 p308:8824.2442 p307:2914.3567 p310:2335.2677
S L,118.51005050970264,70.70571382470959 R,1730.7746009231414,mi asc 10 : 45 140e48a15954ab5d p132:715.1665 p269:912.2557 p280:998.5189
S L,-60.0596073067305,-84.92067019098357 R,4.471491415396478,km asc 3 : 1 6b72008a34e604b0 p290:0.6686
S L,-68.24263802420705,-38.06308236538045 B,0.00157819589729284,0.0012936181159437599,mi any 1 : 0 cbf29ce484222325
S L,25.018630949801043,69.50401604648711 R,4121.04,mi asc 40 : 163 b55ce29ab9ed2fd1 p305:27.6325 p308:29.4943 p307:32.5388
S L,0.0,0.0 R,1182.5,km desc 3 : 50 a35afdf3bb80b246 p8:1131.1330 p240:529.8506 p223:416.5096
S L,-179.77239201610698,-20.687174072902817 R,42.65257876988455,km asc 40 : 0 cbf29ce484222325
S L,179.9897983915438,84.99997747154342 R,9997.019919674745,ft asc 40 : 13 f69b33d69e466be5 p354:16.1208 p363:66.2697 p356:82.3035
S L,13.361980568767104,38.11619143423239 B,1494.7414822929409,423.1215175275669,ft any 1 : 1 81c79274826faf92 p152:310.6157
S L,0.010139983279590536,0.06620428809115667 B,16843.41092075291,2370.979967119022,m any 2 : 0 cbf29ce484222325
S L,179.08975147302692,-85.05112878 R,211.248,mi cnt 40 : 23 28074737bd6199dc p378:0.9282 p386:4.8374 p375:5.3280
S M,p76 B,0.0011998451404289985,40.7093151964177,km raw 10 : 1 a73a3075dbc7c51a p76:0.0000
S M,p218 R,100.75426958441874,m any 2 : 1 7183e1d65fb33f3e p218:0.0000
S M,p166 R,1156.5969682965479,mi cntdesc 2 : 2 0a9c4d979e96e332 p69:1151.6429 p111:881.1761
S M,p252 B,0.11708187587124079,0.2983251355606504,mi asc 2 : 3 561231b382f4f1fa p252:0.0000 p249:0.0392 p258:0.0965
S L,13.36171549845548,38.116339345173614 R,967337.3956919715,ft cntdesc 10 : 10 56744d625005a453 p158:369599.6538 p159:97823.0392 p153:47071.4410
S L,24.81078906621966,69.4743037240848 R,0.1,km asc 40 : 0 cbf29ce484222325
S M,p16 R,0.014888311091639048,km desc 10 : 1 0b1867a19fbcf6b0 p16:0.0000
S L,179.9000010066493,10.00083851781653 B,3637.4640234228505,5598.290862262454,km anyasc 1 : 1 66b8128bc25e0825 p174:14.9565
S L,-73.98,40.75 B,4.453304728476612,6.221674701848248,m raw 10 : 0 cbf29ce484222325
S L,179.89877182205683,10.079488396150055 R,16.918326325345078,km raw 2 : 12 8f22ac9544266004 p172:15.2427 p184:11.0977 p188:8.8659
S L,-119.99929778164889,-74.99949366989743 B,1854844.6137692023,3974346.206739212,ft desc 2 : 22 ec49cc6e267e226e p329:1904276.9488 p327:673999.4279 p336:617975.4139
S L,-76.48267721156148,-26.75562708775759 R,1.2751787196366287,mi raw 10 : 0 cbf29ce484222325
S M,p66 B,0.4732819242802871,0.1590446280366316,mi raw 1 : 1 7d25df3e9f1607e1 p66:0.0000
S L,-0.00030857387491312256,-0.0004828850082565768 B,1.4083117417956028,0.0009237780477877242,mi cntdesc 10 : 0 cbf29ce484222325
S L,108.49699957171464,14.872239749397806 B,5.747710086828403,11.947765450498828,ft desc 2 : 0 cbf29ce484222325
S L,25.0,70.0 R,53001251.52,ft desc 5 : 345 9e68cccd0b0c4004 p2:52981491.6653 p34:52954499.5976 p41:52884298.6370
S L,-179.99,-85.05 B,543129.8383554094,63296.0392520878,ft asc 5 : 20 a8d676596e33d0c6 p384:17.9309 p390:33.3854 p385:79.8106
S L,135.48250510777427,7.821730626023452 B,1310.1307108323897,187.41919720435,m raw 5 : 0 cbf29ce484222325
S M,p41 R,15.07119526202205,km asc 10 : 1 a3dbe7424c3e98ac p41:0.0000
S L,-60.000581770813746,-84.9902857617585 R,4.81,mi cntdesc 10 : 10 f17abeca17273895 p283:3.1593 p295:2.9344 p303:1.4253
S M,p408 B,166892.02631513722,79156.27917585366,ft asc 2 : 1 ef9e7b6d189907e7 p408:0.0000
S L,24.394695385551902,69.16932912821561 B,4100.602977918973,10656.80332424644,m any 2 : 0 cbf29ce484222325
S M,p207 R,3.458683805029879,mi raw 40 : 23 d2ee679159185e46 p199:2.1859 p213:1.2904 p203:0.6982
S M,p154 R,15.257032128999443,m cnt 40 : 1 a7428982c0c18535 p154:0.0000
S M,p360 B,228.0214425216206,1574679.001267934,ft desc 3 : 7 4abca39738b63984 p348:604.7273 p365:547.6813 p361:401.5318
S L,111.63492879629541,-79.90705411323643 B,218.4430456258543,1476.761886824005,m cnt 2 : 0 cbf29ce484222325
S L,24.10920156574224,70.5778795565151 R,0.45377846233590086,mi anyasc 5 : 0 cbf29ce484222325
S L,58.41061864335762,-75.89108948256839 B,2709908.157511583,33.02033935973355,ft raw 10 : 0 cbf29ce484222325
S M,p288 R,0.026848184621984947,mi cnt 1 : 1 a500633180bd58a9 p288:0.0000
S L,-179.98889580009163,-85.03574129911333 R,0.004327944776332973,mi raw 2 : 0 cbf29ce484222325
S L,0.1306145874106257,0.6940129018447423 B,52209567.32581057,40027736.74083824,ft cntdesc 40 : 40 ab98683daa9c6ffa p124:37496124.1464 p48:36017082.2890 p87:35781178.0374
S L,179.36403018690504,9.058136837615717 B,13844071.344823176,1093.2398752854099,m raw 40 : 0 cbf29ce484222325
S M,p401 R,5.388112296543242,mi desc 10 : 1 8268352e4a4a7896 p401:0.0000
S L,-59.94525418620797,-84.60664375425833 R,19.870662700923155,mi any 2 : 0 cbf29ce484222325
S L,25.096014612470206,69.98950973738344 B,217.1665670299904,576.493031152291,mi anyasc 3 : 3 8c0ccdf378b06ca7 p308:6.3276 p305:7.9238 p320:117.7751
S L,-39.13777663610216,63.5099702096644 R,0.047446589727458854,mi desc 3 : 0 cbf29ce484222325
S L,39.52439108080384,76.93276747288968 R,0.0013290131550563022,km raw 5 : 0 cbf29ce484222325
S M,p90 R,10809.8,mi cnt 1 : 1 7d0d9d45e281b856 p90:0.0000
S L,31.664417352020138,13.197418706453178 B,0.040355286694751004,0.007866391545139588,mi any 5 : 0 cbf29ce484222325
S M,p155 B,74.99112909309811,1460693.0224908988,m cnt 40 : 1 cbe1720c21624e04 p155:0.0000
S L,21.74662652217225,-49.567288176181115 R,21.52671855281285,km asc 10 : 0 cbf29ce484222325
S L,58.573440402204966,55.45820852291587 B,7123.0395647410005,15931.303188668811,m cntdesc 40 : 0 cbf29ce484222325
S L,179.9,10.0 R,0.0042396847886845964,mi desc 5 : 1 ed68ea936e2ec7b3 p193:0.0036
S M,p245 B,6330.832904990904,1509514.7637697177,ft anyasc 5 : 5 acaca210581ddafd p258:1497.3062 p252:1766.4853 p231:3543.6662
S M,p100 R,0.013151759624310911,km desc 5 : 1 a3b20933e400bc2a p100:0.0000
S L,49.67030604555748,26.604228363361813 R,365284.458961495,ft any 40 : 0 cbf29ce484222325
S L,13.361389,38.115556 B,67.05839448226492,165.9747399007603,km raw 40 : 25 a6555e364c84a6a8 p168:11.1206 p154:3.7905 p167:1.3223
S L,13.327197951605193,38.082688028985714 B,10.43804062372019,2558967.641608159,ft cnt 10 : 0 cbf29ce484222325
S M,p313 R,0.0013696209948508757,mi desc 40 : 1 4aa4d8d336053a90 p313:0.0000
S L,179.99,85.0 R,0.008451193320072417,mi any 2 : 1 32c9170e713cd29f p354:0.0035
S L,169.74729085456568,-36.6963317551298 R,2208.938289201986,m desc 5 : 0 cbf29ce484222325
S M,p61 R,4.143362095771907,ft raw 3 : 1 2d50c30decbfcf0e p61:0.0000
S L,-179.9494309019534,-20.000680278950156 B,0.022905199841441293,0.021899038592220033,km raw 10 : 0 cbf29ce484222325
S L,0.033031037633244276,-0.002264652326245592 R,1.1637937977421258,km cntdesc 1 : 0 cbf29ce484222325
S L,99.14959376631366,84.26870069274435 R,13.899347766832266,mi asc 5 : 0 cbf29ce484222325
S L,99.83748554441816,85.05112878 R,566448.55,m any 3 : 3 7b362c9ea7537401 p277:8334.6885 p279:16110.2172 p357:472262.7805
S L,-73.98,40.75 B,94.38024915800446,47230.868568178674,ft cnt 1 : 1 b06a7a1307b0f478 p404:17.6838
S L,-59.92642081225348,-84.91512066091812 B,0.0573459497576143,0.008890009429121137,km any 3 : 0 cbf29ce484222325
S L,-163.13487427207517,-25.59976765670914 B,959.8023795395769,368.5985206121576,m desc 40 : 0 cbf29ce484222325
S M,p75 R,73981.51065982279,m desc 3 : 1 07be653aa948b991 p75:0.0000
S M,p58 B,26982.684513984852,1981066.4378179433,m any 1 : 1 777f17ded699aa52 p58:0.0000
S M,p329 B,8.56592058813713,41.58483531938684,km anyasc 2 : 1 ee999c44a9d01f37 p329:0.0000
S M,p269 R,25.14853677637368,ft cnt 40 : 1 71756ff96dbd26be p269:0.0000
S L,-0.06816081117119586,-0.01498684772192046 B,0.06400650861890302,0.26286158396578935,mi any 3 : 0 cbf29ce484222325
S L,-179.99,-85.05 R,0.0,mi asc 40 : 0 cbf29ce484222325
S L,25.0,70.0 R,1.2626472461323346,m raw 40 : 0 cbf29ce484222325
S M,p302 B,1.1566414775971572,1529.9840725610898,km any 5 : 5 23755e6aabcfeef6 p299:0.2562 p301:0.2762 p286:0.2764
S L,-0.019237075678758653,-0.08333313004089443 B,1949.5503251523412,220503.40776740146,ft cnt 40 : 1 85167f1f34f983f2 p251:6866.3802
S M,p141 B,0.2600933540391568,0.5831141123455055,km asc 3 : 1 7bd011174df6ddc7 p141:0.0000
S M,p279 R,9119437.601491768,ft desc 1 : 83 d63b772f6a448ffd p100:8352358.4303 p70:7889519.0118 p320:7702841.9073
S L,-73.98,40.75 R,0.06,km desc 3 : 6 50d16c297109bc40 p400:0.0407 p407:0.0288 p394:0.0238
S L,179.8958866776611,10.095136214245308 B,921.9602639177136,2708.051687801627,m raw 5 : 0 cbf29ce484222325
S L,100.0,84.9 B,24931.056399156045,38073.15705955523,m cntdesc 3 : 3 fa4bbc157b63a5ca p280:11891.5976 p268:9241.0142 p281:6630.8742
S L,0.046759254058823176,0.03803709367425292 R,0.9299417484826836,mi cntdesc 2 : 0 cbf29ce484222325
S L,148.03064525768457,-4.775808916618146 B,2721.5226117543043,5450.428889567127,mi cntdesc 5 : 5 965a6eaf0c787ada p143:2803.8287 p44:2027.0942 p91:1505.9978
S L,25.0,70.0 R,482.5691649058608,ft anyasc 40 : 3 d0e0660ad5cc8be8 p315:41.3057 p312:212.4576 p318:347.2591
S L,-179.0645747187524,85.05112878 R,6721.0,km raw 10 : 170 bbdf13fcafa04a52 p420:8.9754 p369:25.0840 p353:69.0602
S L,-179.9894109683658,-85.04987213149056 B,896819.4746903355,504114.0162959884,m cntdesc 40 : 23 42013537e7106cd3 p25:263635.4393 p383:112146.3468 p374:103723.7654
S L,-0.06907080162067633,0.05279696008819575 R,1352.1363967967607,m desc 40 : 0 cbf29ce484222325
S L,81.23174249367855,-36.95704012124318 R,6.150570684036563,km anyasc 10 : 0 cbf29ce484222325
S L,179.58990289644598,84.87889506875669 R,3165.790276332923,m asc 3 : 0 cbf29ce484222325
S L,-60.97942431078667,-53.176708146290125 R,187.8594567417345,m asc 3 : 0 cbf29ce484222325
S L,179.9,10.0 R,415.208235103842,ft raw 1 : 5 db82b80f639f7b87 p179:150.4430 p176:84.9356 p193:19.0512
S L,-179.85188275640309,-19.974899941764498 B,2355.4147390884104,10936.35953078527,m raw 5 : 0 cbf29ce484222325
S M,p122 R,2824.516055566123,mi any 1 : 1 7a481cc9a5dad407 p124:2069.1607
S M,p426 B,3186.336694487502,15789.519673863053,km anyasc 2 : 2 8a0bb79774bf0b99 p54:4004.9786 p95:4364.6066
S L,179.99,85.0 B,6590.8395547497075,7074.321319550928,m desc 3 : 13 53afc5978678eb0b p350:1245.4949 p364:855.0338 p366:849.7374
S L,-74.01519880381062,40.816722304971904 R,107370.93099942824,ft asc 3 : 14 f26bba23640c506d p395:21293.6786 p399:22604.1682 p407:26124.7422
S M,p94 R,95.635203660057,km cntdesc 1 : 1 9d9716d507654b92 p94:0.0000
S L,-73.98,40.75 R,779.0,km desc 2 : 23 dd59fe1ce4a48c08 p36:448.9510 p411:437.1129 p403:419.8233
S L,179.8971546717305,85.02958129835241 R,12123.695270461942,mi desc 1 : 429 ad71f9e2e62d98c0 p282:12103.8589 p283:12099.2907 p303:12097.4644
S L,128.38208240600682,-48.50811854790253 B,3552.045272605708,578.8325809346898,mi desc 40 : 1 4526c0ac046a8906 p62:1466.4730
S M,p166 R,2479.0,m desc 40 : 20 01342664ea1b2e4e p167:1291.3418 p156:979.9348 p170:887.9757
S M,p386 R,0.3820025033593295,mi cnt 2 : 1 c7547032399b7436 p386:0.0000
S L,-179.9387093170431,-20.03646085271089 R,16764184.92221663,m raw 1 : 345 24a2b6591b641553 p415:7231341.1443 p382:7231341.1194 p381:7231229.9948
S L,24.32394166695952,69.5082878892173 R,3.130781531894345,km cntdesc 10 : 0 cbf29ce484222325
S L,-179.95,-20.0 B,0.39122180813760904,1.3171566942015664,km desc 5 : 16 5c5718d617608917 p211:0.2298 p194:0.1182 p196:0.0977
S M,p324 R,0.5,mi cntdesc 5 : 1 5410ba4922604f22 p324:0.0000
S M,p419 B,4030.754969767339,1363.230844381623,ft any 5 : 1 e8dbed6edcb4dff5 p419:0.0000
S M,p170 R,0.46077545034174994,mi anyasc 2 : 2 06fef820d579f57b p170:0.0000 p163:0.4404
S M,p30 R,1818.4574434906242,ft raw 2 : 1 9834bd21aca370a8 p30:0.0000
S M,p104 R,0.020086718204819325,mi any 1 : 1 171b8423776abd4e p104:0.0000
S L,-179.98913544340215,-85.04968141285121 B,0.20175434549586022,1.4836370691344831,km any 5 : 5 a286b3ee21715dbc p382:0.1802 p381:0.0622 p387:0.0763
S L,179.8226848223988,10.020383708594544 R,7785654.217058247,ft cnt 2 : 2 d5a980ef7fc97471 p172:16640.2025 p192:20255.3412
S L,-179.8714161808984,84.85570450940817 B,2709307.145536565,96.66274041683023,ft anyasc 5 : 0 cbf29ce484222325
S L,-73.97920616377756,40.75083195431858 R,0.019351452619436656,km cntdesc 3 : 0 cbf29ce484222325
S L,179.9,10.0 B,0.02859527618961225,4.237050289740972,km raw 40 : 3 b3dccde7cfae4ca0 p176:0.0259 p193:0.0058 p177:0.0271
S L,13.361389,38.115556 B,0.0031992499568819148,0.0016470846053725785,mi anyasc 2 : 2 0859255b0362eb44 dupA:0.0000 dupB:0.0000
S L,0,0 R,0,m raw 0 : 0 cbf29ce484222325
S L,0,0 R,0,m cntdesc 7 : 0 cbf29ce484222325
S L,0,0 B,0,0,km raw 0 : 0 cbf29ce484222325
S L,0,0 B,0,0,km anyasc 1 : 0 cbf29ce484222325
S L,0,0 R,40000,km raw 0 : 431 9465de95f2a34b44 p422:0.0003 p423:0.0003 p428:0.0003
S L,0,0 R,40000,km asc 7 : 431 b5d2ca671a1fec3c p422:0.0003 p423:0.0003 p428:0.0003
S L,0,0 R,5000,km raw 0 : 96 5c128e7b3db3309e p422:0.0003 p423:0.0003 p428:0.0003
S L,0,0 R,5000,km any 3 : 3 708c6625a3b977a5 p422:0.0003 p423:0.0003 p428:0.0003
S L,0,0 R,20000,km raw 0 : 430 44fde384fcf02a50 p422:0.0003 p423:0.0003 p428:0.0003
S L,0,0 R,20000,km asc 1 : 430 5c8ad84b98b0f8c8 p422:0.0003 p423:0.0003 p428:0.0003
S L,0,0 B,40000,40000,km raw 0 : 430 44fde384fcf02a50 p422:0.0003 p423:0.0003 p428:0.0003
S L,0,0 B,40000,40000,km cntdesc 7 : 7 b71c491efb6a69a3 p16:19130.2272 p186:19094.3675 p191:19071.0227
S L,0,0 B,1,30000,km raw 0 : 15 3456a317d6b140e1 p422:0.0003 p423:0.0003 p428:0.0003
S L,0,0 B,1,30000,km cnt 1 : 1 9751770d391e98fa p422:0.0003
S L,0,0 R,10,km raw 0 : 35 602dcba31e6bf69d p422:0.0003 p423:0.0003 p428:0.0003
S L,0,0 R,10,km cnt 1 : 1 71f86145ff9d9879 p425:0.0003
S L,0,0 B,100,10,km raw 0 : 31 56002e22bf7a2559 p422:0.0003 p423:0.0003 p428:0.0003
S L,0,0 B,100,10,km asc 3 : 31 7310e2787adae585 p422:0.0003 p423:0.0003 p428:0.0003
S L,0,0 R,1000,mi raw 0 : 51 c73ee4c2efeb552e p422:0.0002 p423:0.0002 p428:0.0002
S L,0,0 R,1000,mi asc 7 : 51 af61e523894d2b0c p422:0.0002 p423:0.0002 p428:0.0002
S L,13.361389,38.115556 R,0,m raw 0 : 0 cbf29ce484222325
S L,13.361389,38.115556 R,0,m cnt 7 : 0 cbf29ce484222325
S L,13.361389,38.115556 B,0,0,km raw 0 : 0 cbf29ce484222325
S L,13.361389,38.115556 B,0,0,km cnt 7 : 0 cbf29ce484222325
S L,13.361389,38.115556 R,40000,km raw 0 : 431 782bfba2c9acdc3e p422:4454.7330 p423:4454.7330 p428:4454.7330
S L,13.361389,38.115556 R,40000,km cntdesc 3 : 3 b98f9cd690a28104 p128:19522.7162 p17:18199.2380 p98:18055.6738
S L,13.361389,38.115556 R,5000,km raw 0 : 126 b2aa0cb8e8458fdd p422:4454.7330 p423:4454.7330 p428:4454.7330
S L,13.361389,38.115556 R,5000,km cnt 7 : 7 02fc65d1d1d62392 dupB:0.0001 dupE:0.0001 dupA:0.0001
S L,13.361389,38.115556 R,20000,km raw 0 : 431 782bfba2c9acdc3e p422:4454.7330 p423:4454.7330 p428:4454.7330
S L,13.361389,38.115556 R,20000,km cnt 7 : 7 02fc65d1d1d62392 dupB:0.0001 dupE:0.0001 dupA:0.0001
S L,13.361389,38.115556 B,40000,40000,km raw 0 : 431 782bfba2c9acdc3e p422:4454.7330 p423:4454.7330 p428:4454.7330
S L,13.361389,38.115556 B,40000,40000,km any 3 : 3 91d9ae12c3b10810 p422:4454.7330 p423:4454.7330 p428:4454.7330
S L,13.361389,38.115556 B,1,30000,km raw 0 : 17 e7f4cce51ecfc93d p155:0.5843 p151:0.0654 p169:0.0130
S L,13.361389,38.115556 B,1,30000,km cnt 1 : 1 046de21aa204c2ef dupF:0.0001
S L,13.361389,38.115556 R,10,km raw 0 : 21 042b06f7cbe846e4 p170:0.8312 p151:0.0654 p169:0.0130
S L,13.361389,38.115556 R,10,km anyasc 1 : 1 5fba3579b99124ad p170:0.8312
S L,13.361389,38.115556 B,100,10,km raw 0 : 23 f8698cd45bc8a90a p168:11.1206 p154:3.7905 p167:1.3223
S L,13.361389,38.115556 B,100,10,km anyasc 1 : 1 29d93fcbb1900a87 p168:11.1206
S L,13.361389,38.115556 R,1000,mi raw 0 : 32 056e0d1c847cf78f p161:183.5620 p171:194.5768 p168:6.9100
S L,13.361389,38.115556 R,1000,mi asc 1 : 32 6a84598d0446fdbb dupA:0.0000 dupB:0.0000 dupC:0.0000
S M,dupA R,0,m raw 0 : 6 f04b822c43b2d9b0 dupA:0.0000 dupB:0.0000 dupC:0.0000
S M,dupA R,0,m cnt 3 : 3 0e638cc89b1bbda2 dupA:0.0000 dupB:0.0000 dupC:0.0000
S M,dupA B,0,0,km raw 0 : 6 f04b822c43b2d9b0 dupA:0.0000 dupB:0.0000 dupC:0.0000
S M,dupA B,0,0,km cntdesc 7 : 6 f04b822c43b2d9b0 dupA:0.0000 dupB:0.0000 dupC:0.0000
S M,dupA R,40000,km raw 0 : 431 e30436f80d627d0b p422:4454.7330 p423:4454.7330 p428:4454.7330
S M,dupA R,40000,km anyasc 3 : 3 91d9ae12c3b10810 p422:4454.7330 p423:4454.7330 p428:4454.7330
S M,dupA R,5000,km raw 0 : 126 994e559cfa97388b p422:4454.7330 p423:4454.7330 p428:4454.7330
S M,dupA R,5000,km any 7 : 7 30252ac353682184 p422:4454.7330 p423:4454.7330 p428:4454.7330
S M,dupA R,20000,km raw 0 : 431 e30436f80d627d0b p422:4454.7330 p423:4454.7330 p428:4454.7330
S M,dupA R,20000,km anyasc 7 : 7 97b4a99a53499a48 p255:4452.7583 p234:4454.1986 p219:4454.6917
S M,dupA B,40000,40000,km raw 0 : 431 e30436f80d627d0b p422:4454.7330 p423:4454.7330 p428:4454.7330
S M,dupA B,40000,40000,km cntdesc 1 : 1 ae09f544fe3de80f p128:19522.7162
S M,dupA B,1,30000,km raw 0 : 17 d98d14d8273a0f64 p155:0.5843 p151:0.0654 p169:0.0130
S M,dupA B,1,30000,km cntdesc 1 : 1 467a5af3e30ca0f4 p155:0.5843
S M,dupA R,10,km raw 0 : 21 8542bddf38edb561 p170:0.8312 p151:0.0654 p169:0.0130
S M,dupA R,10,km any 1 : 1 5fba3579b99124ad p170:0.8312
S M,dupA B,100,10,km raw 0 : 23 f0eeb2e647dd744a p168:11.1206 p154:3.7906 p167:1.3224
S M,dupA B,100,10,km cnt 3 : 3 2c219bec25e9bb48 dupA:0.0000 dupF:0.0000 dupE:0.0000
S M,dupA R,1000,mi raw 0 : 32 51df8f6dd41ab946 p161:183.5620 p171:194.5769 p168:6.9100
S M,dupA R,1000,mi cnt 1 : 1 e69dde1f59acf0bb dupA:0.0000
S L,-179.95,-20 R,0,m raw 0 : 0 cbf29ce484222325
S L,-179.95,-20 R,0,m cntdesc 7 : 0 cbf29ce484222325
S L,-179.95,-20 B,0,0,km raw 0 : 0 cbf29ce484222325
S L,-179.95,-20 B,0,0,km any 7 : 0 cbf29ce484222325
S L,-179.95,-20 R,40000,km raw 0 : 431 548b90722bb90ff6 p415:7235.3964 p382:7235.3964 p381:7235.2853
S L,-179.95,-20 R,40000,km any 1 : 1 169b8bdbcf4b819a p415:7235.3964
S L,-179.95,-20 R,5000,km raw 0 : 62 811e486ade9fa9fb p98:4298.4200 p128:2646.6290 p83:3364.8184
S L,-179.95,-20 R,5000,km cntdesc 7 : 7 c994e616732bed90 p2:4847.7238 p116:4642.3239 p98:4298.4200
S L,-179.95,-20 R,20000,km raw 0 : 431 548b90722bb90ff6 p415:7235.3964 p382:7235.3964 p381:7235.2853
S L,-179.95,-20 R,20000,km any 1 : 1 169b8bdbcf4b819a p415:7235.3964
S L,-179.95,-20 B,40000,40000,km raw 0 : 393 dfa8f24dc5477df9 p415:7235.3964 p382:7235.3964 p381:7235.2853
S L,-179.95,-20 B,40000,40000,km any 1 : 1 169b8bdbcf4b819a p415:7235.3964
S L,-179.95,-20 B,1,30000,km raw 0 : 31 9d42d8cedd25a838 p415:7235.3964 p382:7235.3964 p381:7235.2853
S L,-179.95,-20 B,1,30000,km cnt 3 : 3 cea1c39a339c04ef dupw0:0.0001 dupw1:0.0001 dupw2:0.0001
S L,-179.95,-20 R,10,km raw 0 : 23 4c7e6354689886dd p199:3.5314 p213:2.0428 p203:1.0955
S L,-179.95,-20 R,10,km any 3 : 3 b99bee6558f21891 p199:3.5314 p213:2.0428 p203:1.0955
S L,-179.95,-20 B,100,10,km raw 0 : 23 4c7e6354689886dd p199:3.5314 p213:2.0428 p203:1.0955
S L,-179.95,-20 B,100,10,km cnt 3 : 3 332685e684fdfa66 dupw3:0.0001 dupw2:0.0001 dupw1:0.0001
S L,-179.95,-20 R,1000,mi raw 0 : 26 2252250c23b64cbc p199:2.1943 p213:1.2693 p203:0.6807
S L,-179.95,-20 R,1000,mi cnt 7 : 7 27b0f23a959a3e00 dupw3:0.0001 dupw2:0.0001 dupw1:0.0001
S L,179.99,85 R,0,m raw 0 : 0 cbf29ce484222325
S L,179.99,85 R,0,m asc 7 : 0 cbf29ce484222325
S L,179.99,85 B,0,0,km raw 0 : 0 cbf29ce484222325
S L,179.99,85 B,0,0,km cnt 3 : 0 cbf29ce484222325
S L,179.99,85 R,40000,km raw 0 : 431 2d9a5abceedf631e p422:10566.4984 p423:10566.4984 p428:10566.4984
S L,179.99,85 R,40000,km cntdesc 7 : 7 02227148c74b9f04 p419:20015.0465 p298:19584.3811 p282:19476.8136
S L,179.99,85 R,5000,km raw 0 : 93 e80f4d2e8fdc41f4 p69:4546.0369 p45:3688.2455 p4:3507.4659
S L,179.99,85 R,5000,km any 1 : 1 893efc76d5699f51 p69:4546.0369
S L,179.99,85 R,20000,km raw 0 : 430 479c7ab9c952d991 p422:10566.4984 p423:10566.4984 p428:10566.4984
S L,179.99,85 R,20000,km cnt 7 : 7 35b8bd932c3e7638 p354:0.0056 p363:0.0175 p356:0.0242
S L,179.99,85 B,40000,40000,km raw 0 : 392 4b21df54f816e574 p257:10556.6239 p221:10560.0377 p244:10396.4690
S L,179.99,85 B,40000,40000,km cntdesc 3 : 3 3fd1d59f84315a44 p419:20015.0465 p298:19584.3811 p282:19476.8136
S L,179.99,85 B,1,30000,km raw 0 : 11 4e44005dae0a6551 p368:0.1060 p348:0.0792 p365:0.0629
S L,179.99,85 B,1,30000,km any 7 : 7 8f8383c19d2e964d p368:0.1060 p348:0.0792 p365:0.0629
S L,179.99,85 R,10,km raw 0 : 16 3f1f81e972d700bc p351:4.3572 p364:0.8550 p366:0.8497
S L,179.99,85 R,10,km anyasc 1 : 1 57a272508887e76f p351:4.3572
S L,179.99,85 B,100,10,km raw 0 : 15 39c09230913c6a23 p352:11.9959 p351:4.3572 p364:0.8550
S L,179.99,85 B,100,10,km any 7 : 7 cb29ca161a8f49b5 p352:11.9959 p351:4.3572 p364:0.8550
S L,179.99,85 R,1000,mi raw 0 : 44 8a58fb1d57b3ceb2 p261:688.0360 p266:614.4795 p262:459.4329
S L,179.99,85 R,1000,mi anyasc 7 : 7 41362d0b4ec69810 p273:447.6968 p264:449.1191 p268:451.1538
S L,180,85.05112878 R,0,m raw 0 : 1 957fc72a70bce408 p414:0.0000
S L,180,85.05112878 R,0,m cntdesc 1 : 1 957fc72a70bce408 p414:0.0000
S L,180,85.05112878 B,0,0,km raw 0 : 1 957fc72a70bce408 p414:0.0000
S L,180,85.05112878 B,0,0,km asc 7 : 1 957fc72a70bce408 p414:0.0000
S L,180,85.05112878 R,40000,km raw 0 : 164 bffa2d1075ef17cd p414:0.0000 p416:9459.9222 p418:1100.8893
S L,180,85.05112878 R,40000,km any 1 : 1 957fc72a70bce408 p414:0.0000
S L,180,85.05112878 R,5000,km raw 0 : 74 935edcfb6818f96e p414:0.0000 p418:1100.8893 p276:955.9603
S L,180,85.05112878 R,5000,km cntdesc 1 : 1 fe4b337fa0c22fbe p19:4655.9244
S L,180,85.05112878 R,20000,km raw 0 : 164 bffa2d1075ef17cd p414:0.0000 p416:9459.9222 p418:1100.8893
S L,180,85.05112878 R,20000,km anyasc 1 : 1 957fc72a70bce408 p414:0.0000
S L,180,85.05112878 B,40000,40000,km raw 0 : 152 61c7a3d7a3d18f26 p414:0.0000 p416:9459.9222 p418:1100.8893
S L,180,85.05112878 B,40000,40000,km asc 1 : 152 f5a0acf3256ce00a p414:0.0000 p424:0.0001 p358:4.5803
S L,180,85.05112878 B,1,30000,km raw 0 : 12 418ae80166a34a68 p414:0.0000 p416:9459.9222 p368:5.6307
S L,180,85.05112878 B,1,30000,km anyasc 7 : 7 0a13a81382d5a27d p414:0.0000 p368:5.6307 p363:5.6702
S L,180,85.05112878 R,10,km raw 0 : 15 324a65a47308c671 p414:0.0000 p358:4.5803 p351:8.9654
S L,180,85.05112878 R,10,km cnt 1 : 1 957fc72a70bce408 p414:0.0000
S L,180,85.05112878 B,100,10,km raw 0 : 4 7e9696fd71082dca p414:0.0000 p358:4.5803 p352:12.8664
S L,180,85.05112878 B,100,10,km anyasc 1 : 1 957fc72a70bce408 p414:0.0000
S L,180,85.05112878 R,1000,mi raw 0 : 41 a245a610297a0120 p414:0.0000 p418:684.0626 p276:594.0076
S L,180,85.05112878 R,1000,mi cntdesc 1 : 1 23e4f7efc9070714 p261:685.1228
S L,-180,-85.05112878 R,0,m raw 0 : 0 cbf29ce484222325
S L,-180,-85.05112878 R,0,m any 3 : 0 cbf29ce484222325
S L,-180,-85.05112878 B,0,0,km raw 0 : 0 cbf29ce484222325
S L,-180,-85.05112878 B,0,0,km anyasc 3 : 0 cbf29ce484222325
S L,-180,-85.05112878 R,40000,km raw 0 : 431 fa7ddf48d43ba1a8 p415:0.0001 p382:0.0230 p381:0.1298
S L,-180,-85.05112878 R,40000,km cnt 3 : 3 10cc25d8498a413c p415:0.0001 p382:0.0230 p387:0.1294
S L,-180,-85.05112878 R,5000,km raw 0 : 100 f2d481f4e0784784 p415:0.0001 p382:0.0230 p381:0.1298
S L,-180,-85.05112878 R,5000,km anyasc 3 : 3 2b4024d41e274e56 p415:0.0001 p382:0.0230 p381:0.1298
S L,-180,-85.05112878 R,20000,km raw 0 : 431 fa7ddf48d43ba1a8 p415:0.0001 p382:0.0230 p381:0.1298
S L,-180,-85.05112878 R,20000,km asc 1 : 431 f6994d3743ba41e0 p415:0.0001 p382:0.0230 p387:0.1294
S L,-180,-85.05112878 B,40000,40000,km raw 0 : 393 7b11098ad628c9a4 p415:0.0001 p382:0.0230 p381:0.1298
S L,-180,-85.05112878 B,40000,40000,km asc 1 : 393 7114344a04cf5988 p415:0.0001 p382:0.0230 p387:0.1294
S L,-180,-85.05112878 B,1,30000,km raw 0 : 15 c79925cfd3a3a0f6 p415:0.0001 p382:0.0230 p381:0.1298
S L,-180,-85.05112878 B,1,30000,km any 1 : 1 646cd215072e2386 p415:0.0001
S L,-180,-85.05112878 R,10,km raw 0 : 17 e9c662b19f2ad021 p415:0.0001 p382:0.0230 p381:0.1298
S L,-180,-85.05112878 R,10,km asc 7 : 17 e53bf74ec292ef31 p415:0.0001 p382:0.0230 p387:0.1294
S L,-180,-85.05112878 B,100,10,km raw 0 : 17 a236f48ea9f64aba p415:0.0001 p382:0.0230 p381:0.1298
S L,-180,-85.05112878 B,100,10,km cnt 3 : 3 10cc25d8498a413c p415:0.0001 p382:0.0230 p387:0.1294
S L,-180,-85.05112878 R,1000,mi raw 0 : 75 267679ccff3a19c0 p415:0.0001 p382:0.0143 p381:0.0807
S L,-180,-85.05112878 R,1000,mi any 7 : 7 77c6d483826b6f2f p415:0.0001 p382:0.0143 p381:0.0807
S M,dupw0 R,0,m raw 0 : 4 b5cb1863f0ce6ac7 dupw0:0.0000 dupw1:0.0000 dupw2:0.0000
S M,dupw0 R,0,m cnt 3 : 3 ca02c5d15bdb3c36 dupw0:0.0000 dupw1:0.0000 dupw2:0.0000
S M,dupw0 B,0,0,km raw 0 : 4 b5cb1863f0ce6ac7 dupw0:0.0000 dupw1:0.0000 dupw2:0.0000
S M,dupw0 B,0,0,km cnt 3 : 3 ca02c5d15bdb3c36 dupw0:0.0000 dupw1:0.0000 dupw2:0.0000
S M,dupw0 R,40000,km raw 0 : 431 29ae1ac6dc6d4a03 p415:7235.3964 p382:7235.3964 p381:7235.2852
S M,dupw0 R,40000,km asc 3 : 431 ac5af3b3ee638d9b dupw0:0.0000 dupw1:0.0000 dupw2:0.0000
S M,dupw0 R,5000,km raw 0 : 62 ec6009af9be17ba6 p98:4298.4200 p128:2646.6290 p83:3364.8184
S M,dupw0 R,5000,km anyasc 3 : 3 fb8ae7ca805740e7 p128:2646.6290 p83:3364.8184 p98:4298.4200
S M,dupw0 R,20000,km raw 0 : 431 29ae1ac6dc6d4a03 p415:7235.3964 p382:7235.3964 p381:7235.2852
S M,dupw0 R,20000,km cnt 7 : 7 c2848f2f9c7115e7 dupw0:0.0000 dupw1:0.0000 dupw2:0.0000
S M,dupw0 B,40000,40000,km raw 0 : 393 7ba9b9ed82499c78 p415:7235.3964 p382:7235.3964 p381:7235.2852
S M,dupw0 B,40000,40000,km anyasc 7 : 7 d69c9067ddfb59d7 p390:7235.2610 p384:7235.2680 p381:7235.2852
S M,dupw0 B,1,30000,km raw 0 : 31 e0d308a6e831bb1b p415:7235.3964 p382:7235.3964 p381:7235.2852
S M,dupw0 B,1,30000,km any 3 : 3 b240df75603d329c p415:7235.3964 p382:7235.3964 p381:7235.2852
S M,dupw0 R,10,km raw 0 : 23 54ce73192d574abc p199:3.5314 p213:2.0427 p203:1.0954
S M,dupw0 R,10,km cnt 7 : 7 d455090391a85557 dupw3:0.0000 dupw2:0.0000 dupw1:0.0000
S M,dupw0 B,100,10,km raw 0 : 23 54ce73192d574abc p199:3.5314 p213:2.0427 p203:1.0954
S M,dupw0 B,100,10,km any 1 : 1 171751e27e60040e p199:3.5314
S M,dupw0 R,1000,mi raw 0 : 26 30b5b5aaf8807742 p199:2.1943 p213:1.2692 p203:0.6807
S M,dupw0 R,1000,mi asc 3 : 26 bab0e2a618e6a8b8 dupw0:0.0000 dupw1:0.0000 dupw2:0.0000
S L,-0.01,0.01 R,0,m raw 0 : 0 cbf29ce484222325
S L,-0.01,0.01 R,0,m cnt 1 : 0 cbf29ce484222325
S L,-0.01,0.01 B,0,0,km raw 0 : 0 cbf29ce484222325
S L,-0.01,0.01 B,0,0,km cntdesc 1 : 0 cbf29ce484222325
S L,-0.01,0.01 R,40000,km raw 0 : 431 fe373ed0c299bd95 p417:20019.1607 p186:19092.9548 p191:19069.9043
S L,-0.01,0.01 R,40000,km asc 1 : 431 44c29efab5498d61 p243:0.0047 p259:0.0062 p247:0.0096
S L,-0.01,0.01 R,5000,km raw 0 : 96 19fb30a171efa5f2 p33:4322.3229 p232:1.4933 p258:0.2036
S L,-0.01,0.01 R,5000,km any 7 : 7 8d6cde736f96595a p33:4322.3229 p232:1.4933 p258:0.2036
S L,-0.01,0.01 R,20000,km raw 0 : 430 49b7e546140b4f1f p186:19092.9548 p191:19069.9043 p175:19051.5164
S L,-0.01,0.01 R,20000,km cntdesc 1 : 1 a62cb526cbe0656f p16:19131.7870
S L,-0.01,0.01 B,40000,40000,km raw 0 : 430 49b7e546140b4f1f p186:19092.9548 p191:19069.9043 p175:19051.5164
S L,-0.01,0.01 B,40000,40000,km cnt 7 : 7 d167522b75c7f096 p243:0.0047 p259:0.0062 p247:0.0096
S L,-0.01,0.01 B,1,30000,km raw 0 : 12 7cc82b76c19a5e26 p258:0.2036 p252:0.1133 p245:0.4678
S L,-0.01,0.01 B,1,30000,km asc 3 : 12 821c1228d220cab2 p243:0.0047 p259:0.0062 p247:0.0096
S L,-0.01,0.01 R,10,km raw 0 : 36 39e98eec319d809a p232:1.4933 p258:0.2036 p252:0.1133
S L,-0.01,0.01 R,10,km cntdesc 3 : 3 5b83bf0bad907a60 p216:9.4053 p220:8.9399 p251:8.4016
S L,-0.01,0.01 B,100,10,km raw 0 : 33 6f19ad9158d55186 p232:1.4933 p258:0.2036 p252:0.1133
S L,-0.01,0.01 B,100,10,km cntdesc 1 : 1 8a448ee82e125437 p228:17.5979
S L,-0.01,0.01 R,1000,mi raw 0 : 51 b8526ee375718a15 p232:0.9279 p258:0.1265 p252:0.0704
S L,-0.01,0.01 R,1000,mi any 3 : 3 c45ceb93cbf21384 p232:0.9279 p258:0.1265 p252:0.0704
S L,100,84.9 R,0,m raw 0 : 0 cbf29ce484222325
S L,100,84.9 R,0,m asc 1 : 0 cbf29ce484222325
S L,100,84.9 B,0,0,km raw 0 : 0 cbf29ce484222325
S L,100,84.9 B,0,0,km cnt 7 : 0 cbf29ce484222325
S L,100,84.9 R,40000,km raw 0 : 431 605c1ab9d3f6a37c p422:10108.7434 p423:10108.7434 p428:10108.7434
S L,100,84.9 R,40000,km anyasc 1 : 1 05eafe6fb596e02b p422:10108.7434
S L,100,84.9 R,5000,km raw 0 : 95 5bff1ebe98ff3bad p432:4582.9253 p69:4062.3164 p45:3163.4224
S L,100,84.9 R,5000,km any 3 : 3 9a1411f94d9c18d9 p432:4582.9253 p69:4062.3164 p45:3163.4224
S L,100,84.9 R,20000,km raw 0 : 431 605c1ab9d3f6a37c p422:10108.7434 p423:10108.7434 p428:10108.7434
S L,100,84.9 R,20000,km cnt 3 : 3 5af6fb02ac624cc3 p271:0.0130 p265:0.0144 p272:0.0212
S L,100,84.9 B,40000,40000,km raw 0 : 431 605c1ab9d3f6a37c p422:10108.7434 p423:10108.7434 p428:10108.7434
S L,100,84.9 B,40000,40000,km any 3 : 3 beacb3a8646cec04 p422:10108.7434 p423:10108.7434 p428:10108.7434
S L,100,84.9 B,1,30000,km raw 0 : 7 157f527357e4cbf5 p280:11.8916 p275:0.9134 p271:0.0130
S L,100,84.9 B,1,30000,km any 7 : 7 157f527357e4cbf5 p280:11.8916 p275:0.9134 p271:0.0130
S L,100,84.9 R,10,km raw 0 : 13 adbd6fd57d5408fb p268:9.2410 p273:3.8955 p264:1.4010
S L,100,84.9 R,10,km asc 1 : 13 83bef4616f5d75ff p271:0.0130 p265:0.0144 p272:0.0212
S L,100,84.9 B,100,10,km raw 0 : 14 87cad4829bbc3eee p262:20.5521 p268:9.2410 p273:3.8955
S L,100,84.9 B,100,10,km cnt 3 : 3 5af6fb02ac624cc3 p271:0.0130 p265:0.0144 p272:0.0212
S L,100,84.9 R,1000,mi raw 0 : 43 840baca4969cc3cf p66:673.7911 p261:292.1837 p266:235.2379
S L,100,84.9 R,1000,mi asc 7 : 43 3cd7e840e62a752f p271:0.0081 p265:0.0090 p272:0.0132
S M,p280 R,9602322.773899773,m raw 0 : 213 209b3f6dccccdda2 p125:8350446.2453 p429:8348985.8148 p0:8935827.7583
S M,p280 R,9602322.773899771,m raw 0 : 212 e078ac2c7674e942 p125:8350446.2453 p429:8348985.8148 p0:8935827.7583
S M,p220 R,7992890.210911102,m raw 0 : 143 03dad3ec20a76618 p35:6676884.1903 p56:6382626.3941 p11:7528790.1161
S M,p220 R,7992890.210911101,m raw 0 : 142 264982fa11223625 p35:6676884.1903 p56:6382626.3941 p11:7528790.1161
S M,p393 R,8454174.434829852,m raw 0 : 197 ee2ac1ca0e682680 p65:7472129.5797 p142:7947351.1452 p50:8073730.0496
S M,p393 R,8454174.43482985,m raw 0 : 196 c05f1ca9b039f030 p65:7472129.5797 p142:7947351.1452 p50:8073730.0496
S M,p358 R,15571294.05116227,m raw 0 : 257 81c170dbaddf27be p418:1100879.6941 p276:953676.1184 p267:803522.5299
S M,p358 R,15571294.051162269,m raw 0 : 257 81c170dbaddf27be p418:1100879.6941 p276:953676.1184 p267:803522.5299
S M,p104 R,7327465.689304321,m raw 0 : 137 e4fb83f2660b99d5 p415:2684362.7592 p382:2684339.8484 p381:2684288.9060
S M,p104 R,7327465.68930432,m raw 0 : 136 515b33362127fcb3 p415:2684362.7592 p382:2684339.8484 p381:2684288.9060
S M,p31 R,18849712.944622476,m raw 0 : 429 d9ae15f2f225c4d8 p419:4678524.9828 p433:4263611.8894 p5:4074724.6296
S M,p31 R,18849712.944622472,m raw 0 : 428 4754c9d76feba3e9 p419:4678524.9828 p433:4263611.8894 p5:4074724.6296
S M,p140 R,1538421.1702262177,m raw 0 : 17 14fcd1393f852804 p140:0.0000 p411:1323899.2055 p36:1342774.2044
S M,p140 R,1538421.1702262175,m raw 0 : 16 46befcc6faed645d p140:0.0000 p411:1323899.2055 p36:1342774.2044
S M,p214 R,12128138.609990675,m raw 0 : 245 e655a8585106a8ce p415:7235387.6325 p382:7235387.6124 p381:7235276.4972
S M,p214 R,12128138.609990673,m raw 0 : 244 2a87451e3d00ad0e p415:7235387.6325 p382:7235387.6124 p381:7235276.4972
S M,p104 R,12064102.537421223,m raw 0 : 260 f8c99bf7463826a2 p415:2684362.7592 p382:2684339.8484 p381:2684288.9060
S M,p104 R,12064102.53742122,m raw 0 : 259 a2f2dacd86ac7598 p415:2684362.7592 p382:2684339.8484 p381:2684288.9060
S M,p422 R,11313.41161120891,m raw 0 : 37 35f3573401def319 p422:0.0000 p423:0.0000 p428:0.0000
S M,p422 R,11313.411611208909,m raw 0 : 36 62ae17f5d91ccbc3 p422:0.0000 p423:0.0000 p428:0.0000
S M,p67 R,0.0,m raw 0 : 1 0b09f5c4adc6de30 p67:0.0000
S M,p67 R,0.0,m raw 0 : 1 0b09f5c4adc6de30 p67:0.0000
S M,p402 R,7173344.075651308,m raw 0 : 152 095752107eea05fe p145:6846487.0599 p127:6784049.8812 p112:3878428.5484
S M,p402 R,7173344.075651307,m raw 0 : 151 fa03e29ded020ffd p145:6846487.0599 p127:6784049.8812 p112:3878428.5484
S M,p274 R,6614.452531877359,m raw 0 : 12 281daee0a531c6f8 p264:1495.9851 p260:1312.1765 p275:1033.5479
S M,p274 R,6614.4525318773585,m raw 0 : 11 0f7d28fd46db47ba p264:1495.9851 p260:1312.1765 p275:1033.5479
S M,p169 R,10456213.881911617,m raw 0 : 245 fefdb15e8536f9cb p422:4454721.2288 p423:4454721.2288 p428:4454721.2288
S M,p169 R,10456213.881911615,m raw 0 : 244 a691d7c80d50219e p422:4454721.2288 p423:4454721.2288 p428:4454721.2288
S M,p318 R,33509.634701705385,m raw 0 : 17 9824d36ae4b6fd9c p305:11765.1484 p308:8758.8936 p319:13951.4233
S M,p318 R,33509.63470170538,m raw 0 : 16 e191e150f49a3877 p305:11765.1484 p308:8758.8936 p319:13951.4233
S M,p411 R,11852512.637049176,m raw 0 : 277 875ebad4d1b7997c p417:11429119.8211 p186:10650323.9877 p191:10833472.3226
S M,p411 R,11852512.637049174,m raw 0 : 276 2bbcf3461dff4145 p417:11429119.8211 p186:10650323.9877 p191:10833472.3226
S M,p199 R,12271215.95171893,m raw 0 : 254 9fc4f735f04bbae4 p415:7232322.6866 p382:7232322.6594 p381:7232211.5307
S M,p199 R,12271215.951718928,m raw 0 : 254 9fc4f735f04bbae4 p415:7232322.6866 p382:7232322.6594 p381:7232211.5307
S M,p304 R,1678737.5317167186,m raw 0 : 30 ad0893a87b1a8d83 p45:1068147.7002 p4:923701.3026 p9:751420.1374
S M,p304 R,1678737.5317167183,m raw 0 : 29 f90021dc942260f7 p45:1068147.7002 p4:923701.3026 p9:751420.1374
S M,p344 R,12714105.100849383,m raw 0 : 261 2d96131f947f35b5 p415:1470831.3772 p382:1470808.8821 p381:1470743.5895
S M,p344 R,12714105.10084938,m raw 0 : 260 d273e63858a4b7dd p415:1470831.3772 p382:1470808.8821 p381:1470743.5895
S M,p294 R,13728555.724690117,m raw 0 : 319 65898b84c252ca2c p415:1428603.5795 p382:1428593.5916 p381:1428674.4556
S M,p294 R,13728555.724690115,m raw 0 : 318 21a37c531c6e434d p415:1428603.5795 p382:1428593.5916 p381:1428674.4556
S M,p371 R,14734118.55251213,m raw 0 : 297 671f6d006e9bee08 p419:1099194.6506 p433:3099483.5331 p5:4310362.7315
S M,p371 R,14734118.552512128,m raw 0 : 296 5d27588b9bfafca4 p419:1099194.6506 p433:3099483.5331 p5:4310362.7315
S M,p430 R,7306933.825766168,m raw 0 : 139 9267cd4cafb7ee62 p419:6406736.5860 p433:4369749.2645 p5:3179175.3874
S M,p430 R,7306933.825766167,m raw 0 : 138 f132a2645a0dd171 p419:6406736.5860 p433:4369749.2645 p5:3179175.3874
S M,p156 R,2679813.236776349,m raw 0 : 41 b6293542b6de1fc5 p125:2592972.4248 p429:2597816.7033 p161:296321.8330
S M,p156 R,2679813.2367763487,m raw 0 : 40 cb3af8d8d2a0a5d6 p125:2592972.4248 p429:2597816.7033 p161:296321.8330
S M,p300 R,5994890.08384031,m raw 0 : 112 c354e0962c1383ad p415:959053.5878 p382:959042.0117 p381:959115.7403
S M,p300 R,5994890.083840309,m raw 0 : 111 7be2171cc7452a75 p415:959053.5878 p382:959042.0117 p381:959115.7403
S M,p105 R,373921.59381184436,m raw 0 : 3 0b409b2ba310a7b9 p105:0.0000 p141:110777.3729 p327:373921.5938
S M,p105 R,373921.5938118443,m raw 0 : 2 9db66f1f41049861 p105:0.0000 p141:110777.3729
S M,p392 R,12766246.714228975,m raw 0 : 306 2983d326e8a34742 p417:11352469.7438 p186:10541462.6949 p191:10708183.5763
S M,p392 R,12766246.714228973,m raw 0 : 302 ac5925cfcab571ce p417:11352469.7438 p186:10541462.6949 p191:10708183.5763
S M,p317 R,3518529.4295451823,m raw 0 : 84 3c961f862d5ecb94 p159:3518529.4295 p158:3443229.0954 p133:3438757.6521
S M,p317 R,3518529.429545182,m raw 0 : 83 9de6520b7bb2b45c p158:3443229.0954 p133:3438757.6521 p431:2842194.6508
S M,p324 R,2494098.956448972,m raw 0 : 64 dd66b208eefc0107 p69:2299579.4390 p45:1373269.3679 p4:1053064.3216
S M,p324 R,2494098.9564489718,m raw 0 : 63 6b45a402747ac4b7 p69:2299579.4390 p45:1373269.3679 p4:1053064.3216
S M,p335 R,18018497.98953293,m raw 0 : 378 abb9fc97d84f6051 p415:1468454.7310 p382:1468432.2378 p381:1468366.9040
S M,p335 R,18018497.989532925,m raw 0 : 377 094418448111cfff p415:1468454.7310 p382:1468432.2378 p381:1468366.9040
S M,p314 R,4600874.375676691,m raw 0 : 119 65ddad6d8f68fd2c p161:3619863.4614 p171:3902670.3302 p168:3615532.5465
S M,p314 R,4600874.37567669,m raw 0 : 118 a104459481699212 p161:3619863.4614 p171:3902670.3302 p168:3615532.5465
S M,p242 B,600.2435491864961,31530.225201232613,m raw 0 : 2 6c662e94db585e85 p242:0.0000 p241:15767.9691
S M,p242 B,600.243549186496,31530.225201232613,m raw 0 : 1 f3f4152cb1ef3c27 p242:0.0000
S M,p242 B,600.2435491864961,31530.22520123261,m raw 0 : 1 f3f4152cb1ef3c27 p242:0.0000
S M,p242 B,600.2435491864961,31530.225201232613,m raw 0 : 2 6c662e94db585e85 p242:0.0000 p241:15767.9691
S M,p2 B,21790069.93150245,16733840.272702664,m raw 0 : 211 5a94d65bb033ce14 p415:5512872.8263 p382:5512855.4306 p381:5512749.5932
S M,p2 B,21790069.931502447,16733840.272702664,m raw 0 : 205 832c57a874f84295 p415:5512872.8263 p382:5512855.4306 p381:5512749.5932
S M,p2 B,21790069.93150245,16733840.272702662,m raw 0 : 205 832c57a874f84295 p415:5512872.8263 p382:5512855.4306 p381:5512749.5932
S M,p2 B,21790069.93150245,16733840.272702664,m raw 0 : 211 5a94d65bb033ce14 p415:5512872.8263 p382:5512855.4306 p381:5512749.5932
S M,dupF B,33663075.86214979,9492315.288851842,m raw 0 : 204 ad4d86d75e04c805 p422:4454733.0204 p423:4454733.0204 p428:4454733.0204
S M,dupF B,33663075.86214978,9492315.288851842,m raw 0 : 203 7067383df4b626cf p422:4454733.0204 p423:4454733.0204 p428:4454733.0204
S M,dupF B,33663075.86214979,9492315.28885184,m raw 0 : 203 7067383df4b626cf p422:4454733.0204 p423:4454733.0204 p428:4454733.0204
S M,dupF B,33663075.86214979,9492315.288851842,m raw 0 : 204 ad4d86d75e04c805 p422:4454733.0204 p423:4454733.0204 p428:4454733.0204
S M,p226 B,35592302.69027863,2224591.8956316686,m raw 0 : 65 c6b96a4c5c4dca4f p80:17414198.3463 p123:14285594.8998 p84:13398614.1169
S M,p226 B,35592302.69027862,2224591.8956316686,m raw 0 : 64 9613ad840608b5dd p80:17414198.3463 p123:14285594.8998 p84:13398614.1169
S M,p226 B,35592302.69027863,2224591.895631668,m raw 0 : 64 9613ad840608b5dd p80:17414198.3463 p123:14285594.8998 p84:13398614.1169
S M,p226 B,35592302.69027863,2224591.8956316686,m raw 0 : 65 c6b96a4c5c4dca4f p80:17414198.3463 p123:14285594.8998 p84:13398614.1169
S M,p122 B,6150303.622080507,11849554.146671494,m raw 0 : 23 72535d0a3d11e833 p98:5530918.4923 p329:5863568.5837 p104:5378750.8147
S M,p122 B,6150303.622080506,11849554.146671494,m raw 0 : 22 8b3768ea0f2b3589 p98:5530918.4923 p329:5863568.5837 p104:5378750.8147
S M,p122 B,6150303.622080507,11849554.146671493,m raw 0 : 22 8b3768ea0f2b3589 p98:5530918.4923 p329:5863568.5837 p104:5378750.8147
S M,p122 B,6150303.622080507,11849554.146671494,m raw 0 : 23 72535d0a3d11e833 p98:5530918.4923 p329:5863568.5837 p104:5378750.8147
S M,p249 B,2204425.8402620903,18920660.06482738,m raw 0 : 138 cec423f75dc5f0a7 p42:10038523.6991 p232:1428.8487 p258:138.6970
S M,p249 B,2204425.84026209,18920660.06482738,m raw 0 : 137 f3da8a213451b5bb p42:10038523.6991 p232:1428.8487 p258:138.6970
S M,p249 B,2204425.8402620903,18920660.064827375,m raw 0 : 137 f3da8a213451b5bb p42:10038523.6991 p232:1428.8487 p258:138.6970
S M,p249 B,2204425.8402620903,18920660.06482738,m raw 0 : 138 cec423f75dc5f0a7 p42:10038523.6991 p232:1428.8487 p258:138.6970
S M,p56 B,25016244.34555342,8453234.261755342,m raw 0 : 163 8678d1b12ed827bc p65:8989326.8031 p142:9829954.2721 p86:11123655.2704
S M,p56 B,25016244.345553417,8453234.261755342,m raw 0 : 162 930e8a06b72e0e80 p65:8989326.8031 p142:9829954.2721 p86:11123655.2704
S M,p56 B,25016244.34555342,8453234.26175534,m raw 0 : 162 930e8a06b72e0e80 p65:8989326.8031 p142:9829954.2721 p86:11123655.2704
S M,p56 B,25016244.34555342,8453234.261755342,m raw 0 : 163 8678d1b12ed827bc p65:8989326.8031 p142:9829954.2721 p86:11123655.2704
S M,p194 B,38610967.597441904,3780584.4608834265,m raw 0 : 54 ee8dc3f795bbf144 p83:3364831.2343 p17:2831381.5963 p199:3472.8220
S M,p194 B,38610967.5974419,3780584.4608834265,m raw 0 : 53 ba3dcb4cd057693d p83:3364831.2343 p17:2831381.5963 p199:3472.8220
S M,p194 B,38610967.597441904,3780584.460883426,m raw 0 : 53 ba3dcb4cd057693d p83:3364831.2343 p17:2831381.5963 p199:3472.8220
S M,p194 B,38610967.597441904,3780584.4608834265,m raw 0 : 54 ee8dc3f795bbf144 p83:3364831.2343 p17:2831381.5963 p199:3472.8220
S M,p330 B,24121711.643539723,10550778.842304183,m raw 0 : 119 7aef8d7ee1f50c69 p415:1470746.0611 p382:1470723.5621 p381:1470658.3529
S M,p330 B,24121711.64353972,10550778.842304183,m raw 0 : 118 c1cd843d49c3426b p415:1470746.0611 p382:1470723.5621 p381:1470658.3529
S M,p330 B,24121711.643539723,10550778.842304181,m raw 0 : 118 c1cd843d49c3426b p415:1470746.0611 p382:1470723.5621 p381:1470658.3529
S M,p330 B,24121711.643539723,10550778.842304183,m raw 0 : 119 7aef8d7ee1f50c69 p415:1470746.0611 p382:1470723.5621 p381:1470658.3529
S M,p86 B,10369879.672812233,6906835.694640159,m raw 0 : 39 692334949f95c49d p417:3296002.9199 p186:2373428.4018 p191:2448023.7946
S M,p86 B,10369879.67281223,6906835.694640159,m raw 0 : 38 f5e8e5ab06b09376 p417:3296002.9199 p186:2373428.4018 p191:2448023.7946
S M,p86 B,10369879.672812233,6906835.694640158,m raw 0 : 38 f5e8e5ab06b09376 p417:3296002.9199 p186:2373428.4018 p191:2448023.7946
S M,p86 B,10369879.672812233,6906835.694640159,m raw 0 : 39 692334949f95c49d p417:3296002.9199 p186:2373428.4018 p191:2448023.7946
S M,p430 B,12607538.629746674,18515886.37959055,m raw 0 : 214 98b0e7eb13d21e89 p419:6406736.5860 p433:4369749.2645 p5:3179175.3874
S M,p430 B,12607538.629746672,18515886.37959055,m raw 0 : 213 598723113f51db0c p419:6406736.5860 p433:4369749.2645 p5:3179175.3874
S M,p430 B,12607538.629746674,18515886.379590545,m raw 0 : 213 598723113f51db0c p419:6406736.5860 p433:4369749.2645 p5:3179175.3874
S M,p430 B,12607538.629746674,18515886.37959055,m raw 0 : 214 98b0e7eb13d21e89 p419:6406736.5860 p433:4369749.2645 p5:3179175.3874
S M,p218 B,1113467.7075329707,18906046.62670187,m raw 0 : 62 97503cc0d4f50e9a p433:7500876.1565 p109:4705008.4743 p61:3804341.3978
S M,p218 B,1113467.7075329705,18906046.62670187,m raw 0 : 61 03356f57165c480f p433:7500876.1565 p109:4705008.4743 p61:3804341.3978
S M,p218 B,1113467.7075329707,18906046.626701865,m raw 0 : 61 03356f57165c480f p433:7500876.1565 p109:4705008.4743 p61:3804341.3978
S M,p218 B,1113467.7075329707,18906046.62670187,m raw 0 : 62 97503cc0d4f50e9a p433:7500876.1565 p109:4705008.4743 p61:3804341.3978
S M,dupw3 B,42189.57725338011,6645338.771936338,m raw 0 : 28 81e2c0b5db104623 p199:3531.4371 p213:2042.6524 p203:1095.4081
S M,dupw3 B,42189.5772533801,6645338.771936338,m raw 0 : 27 abf5ee195ad918f8 p199:3531.4371 p213:2042.6524 p203:1095.4081
S M,dupw3 B,42189.57725338011,6645338.771936337,m raw 0 : 27 abf5ee195ad918f8 p199:3531.4371 p213:2042.6524 p203:1095.4081
S M,dupw3 B,42189.57725338011,6645338.771936338,m raw 0 : 28 81e2c0b5db104623 p199:3531.4371 p213:2042.6524 p203:1095.4081
S M,p61 B,2300359.8955534166,26479411.73887096,m raw 0 : 152 6ef75e1d9879f9e5 p419:5655495.1862 p433:3720147.7400 p82:6165060.3490
S M,p61 B,2300359.895553416,26479411.73887096,m raw 0 : 151 2fc30453e311000a p419:5655495.1862 p433:3720147.7400 p82:6165060.3490
S M,p61 B,2300359.8955534166,26479411.738870956,m raw 0 : 151 2fc30453e311000a p419:5655495.1862 p433:3720147.7400 p82:6165060.3490
S M,p61 B,2300359.8955534166,26479411.73887096,m raw 0 : 152 6ef75e1d9879f9e5 p419:5655495.1862 p433:3720147.7400 p82:6165060.3490
S M,p388 B,8678595.132187143,34490082.16851253,m raw 0 : 163 be0666cc13530c81 p419:1101551.2330 p131:2625454.9663 p79:1515447.8710
S M,p388 B,8678595.132187141,34490082.16851253,m raw 0 : 162 b8044f323b427f0a p419:1101551.2330 p131:2625454.9663 p79:1515447.8710
S M,p388 B,8678595.132187143,34490082.16851252,m raw 0 : 162 b8044f323b427f0a p419:1101551.2330 p131:2625454.9663 p79:1515447.8710
S M,p388 B,8678595.132187143,34490082.16851253,m raw 0 : 163 be0666cc13530c81 p419:1101551.2330 p131:2625454.9663 p79:1515447.8710
S M,p363 B,2259041.26451953,11389867.156437743,m raw 0 : 45 840a0ef4e0b5b058 p266:988892.4016 p262:739373.4983 p268:726049.6884
S M,p363 B,2259041.2645195294,11389867.156437743,m raw 0 : 44 e5eca14750de8ded p266:988892.4016 p262:739373.4983 p268:726049.6884
S M,p363 B,2259041.26451953,11389867.156437742,m raw 0 : 44 e5eca14750de8ded p266:988892.4016 p262:739373.4983 p268:726049.6884
S M,p363 B,2259041.26451953,11389867.156437743,m raw 0 : 45 840a0ef4e0b5b058 p266:988892.4016 p262:739373.4983 p268:726049.6884
S M,p57 B,1563632.3488352466,32498351.239700817,m raw 0 : 37 a340eefc09af9f2c p42:2501469.8242 p140:3262783.7617 p57:0.0000
S M,p57 B,1563632.3488352464,32498351.239700817,m raw 0 : 36 3c606972cc4d36d6 p42:2501469.8242 p140:3262783.7617 p57:0.0000
S M,p57 B,1563632.3488352466,32498351.239700813,m raw 0 : 32 aa8ed78030d8bc6f p42:2501469.8242 p140:3262783.7617 p57:0.0000
S M,p57 B,1563632.3488352466,32498351.23970082,m raw 0 : 37 a340eefc09af9f2c p42:2501469.8242 p140:3262783.7617 p57:0.0000
S M,p88 B,30210996.836592913,6306222.654669827,m raw 0 : 77 f5d28eb8c7a1cbcf p433:2094653.6269 p5:825415.6028 p88:0.0000
S M,p88 B,30210996.83659291,6306222.654669827,m raw 0 : 76 e25bd4dd12e91e41 p433:2094653.6269 p5:825415.6028 p88:0.0000
S M,p88 B,30210996.836592913,6306222.654669826,m raw 0 : 76 e25bd4dd12e91e41 p433:2094653.6269 p5:825415.6028 p88:0.0000
S M,p88 B,30210996.836592913,6306222.654669827,m raw 0 : 77 f5d28eb8c7a1cbcf p433:2094653.6269 p5:825415.6028 p88:0.0000
S M,p345 B,7658025.788900165,25750584.203321613,m raw 0 : 112 2cd667494e6207c5 p415:1470373.7782 p382:1470351.2824 p381:1470286.0039
S M,p345 B,7658025.788900164,25750584.203321613,m raw 0 : 111 f3280b851f4fb0fa p415:1470373.7782 p382:1470351.2824 p381:1470286.0039
S M,p345 B,7658025.788900165,25750584.20332161,m raw 0 : 111 f3280b851f4fb0fa p415:1470373.7782 p382:1470351.2824 p381:1470286.0039
S M,p345 B,7658025.788900165,25750584.203321613,m raw 0 : 112 2cd667494e6207c5 p415:1470373.7782 p382:1470351.2824 p381:1470286.0039
S M,p364 B,9002285.936140869,27243046.62669587,m raw 0 : 149 cd2ad503521915b8 p9:2711499.9292 p309:2806575.5117 p317:2773824.5475
S M,p364 B,9002285.936140867,27243046.62669587,m raw 0 : 148 e42debc1bc695325 p9:2711499.9292 p309:2806575.5117 p317:2773824.5475
S M,p364 B,9002285.936140869,27243046.626695868,m raw 0 : 148 e42debc1bc695325 p9:2711499.9292 p309:2806575.5117 p317:2773824.5475
S M,p364 B,9002285.936140869,27243046.62669587,m raw 0 : 149 cd2ad503521915b8 p9:2711499.9292 p309:2806575.5117 p317:2773824.5475
S M,p429 R,4710060.755051424,m raw 0 : 98 9b334a27ce9fac08 p422:2142406.2865 p423:2142406.2865 p428:2142406.2865
S M,p429 R,4710060.755051425,m raw 0 : 99 4709627ffdb50ae3 p422:2142406.2865 p423:2142406.2865 p428:2142406.2865
S M,p429 R,3303906.8185280566,m raw 0 : 86 e679605167b046aa p422:2142406.2865 p423:2142406.2865 p428:2142406.2865
S M,p429 R,3303906.818528057,m raw 0 : 87 2e98ea0718ff7bb6 p422:2142406.2865 p423:2142406.2865 p428:2142406.2865
S M,p429 R,3788398.367799477,m raw 0 : 90 191b231e490e5619 p422:2142406.2865 p423:2142406.2865 p428:2142406.2865
S M,p429 R,3788398.3677994777,m raw 0 : 91 bdc9e5a80ccb375e p422:2142406.2865 p423:2142406.2865 p428:2142406.2865
S M,p429 R,9079810.019574534,m raw 0 : 225 d9c47462011aa8bf p422:2142406.2865 p423:2142406.2865 p428:2142406.2865
S M,p429 R,9079810.019574536,m raw 0 : 226 554c1f5f57adcc03 p422:2142406.2865 p423:2142406.2865 p428:2142406.2865
S M,p430 R,4710060.755051424,m raw 0 : 67 a54f75bc46dc2a7a p433:4369749.2645 p5:3179175.3874 p88:2382875.7428
S M,p430 R,4710060.755051425,m raw 0 : 68 c1edebb760291d95 p433:4369749.2645 p5:3179175.3874 p88:2382875.7428
S M,p430 R,8013967.573579481,m raw 0 : 179 9f5adb5e06567f20 p419:6406736.5860 p433:4369749.2645 p5:3179175.3874
S M,p430 R,8013967.573579482,m raw 0 : 180 2428f4f023dda905 p419:6406736.5860 p433:4369749.2645 p5:3179175.3874
S M,p430 R,8498459.1228509,m raw 0 : 208 44e520088d6d892a p419:6406736.5860 p433:4369749.2645 p5:3179175.3874
S M,p430 R,8498459.122850902,m raw 0 : 209 d4244b39a4857bf0 p419:6406736.5860 p433:4369749.2645 p5:3179175.3874
S M,p430 R,4369749.26452311,m raw 0 : 64 ad8e2c683355cf44 p109:1722440.2183 p20:1670648.8463 p61:1389267.2092
S M,p430 R,4369749.264523111,m raw 0 : 65 f27b54d3f4d213b9 p109:1722440.2183 p20:1670648.8463 p61:1389267.2092
S M,p431 R,3303906.8185280566,m raw 0 : 68 9c0e6658d26e6b9f p125:3290897.1422 p161:701708.6396 p171:980198.5069
S M,p431 R,3303906.818528057,m raw 0 : 69 0ab8ce81931728e6 p125:3290897.1422 p429:3303906.8185 p161:701708.6396
S M,p431 R,8013967.573579481,m raw 0 : 224 0b3c994f1c965ac3 p422:5099099.7429 p423:5099099.7429 p428:5099099.7429
S M,p431 R,8013967.573579482,m raw 0 : 225 be70d9c22c396723 p422:5099099.7429 p423:5099099.7429 p428:5099099.7429
S M,p431 R,484491.54927142075,m raw 0 : 1 9d9c57b38c34527b p431:0.0000
S M,p431 R,484491.5492714208,m raw 0 : 2 54d56552f928cbbf p431:0.0000 p432:484491.5493
S M,p431 R,12383716.83810259,m raw 0 : 262 3e099ac80a0cbfd0 p422:5099099.7429 p423:5099099.7429 p428:5099099.7429
S M,p431 R,12383716.838102592,m raw 0 : 263 f80014bc4b2b976d p422:5099099.7429 p423:5099099.7429 p428:5099099.7429
S M,p431 R,12383716.838102594,m raw 0 : 263 f80014bc4b2b976d p422:5099099.7429 p423:5099099.7429 p428:5099099.7429
S M,p432 R,3788398.367799477,m raw 0 : 71 ce5ec0900fd3c379 p125:3774465.7226 p161:1171931.2836 p171:1463470.0318
S M,p432 R,3788398.3677994777,m raw 0 : 72 3585c2ee3001779a p125:3774465.7226 p429:3788398.3678 p161:1171931.2836
S M,p432 R,8498459.1228509,m raw 0 : 229 44da5f38120ff368 p422:5562503.4375 p423:5562503.4375 p428:5562503.4375
S M,p432 R,8498459.122850902,m raw 0 : 230 0644e161d989da3c p422:5562503.4375 p423:5562503.4375 p428:5562503.4375
S M,p432 R,484491.54927142075,m raw 0 : 1 9d80e32d22761868 p432:0.0000
S M,p432 R,484491.5492714208,m raw 0 : 2 f0dd4cf1a7205f8b p432:0.0000 p431:484491.5493
S M,p432 R,12868208.387374012,m raw 0 : 264 796f89b48a3ae1ef p422:5562503.4375 p423:5562503.4375 p428:5562503.4375
S M,p432 R,12868208.387374014,m raw 0 : 265 3e86807399570444 p422:5562503.4375 p423:5562503.4375 p428:5562503.4375
S M,p433 R,9079810.019574534,m raw 0 : 179 22d6ca31a62ce1cf p419:2039637.2376 p433:0.0000 p5:1279756.7103
S M,p433 R,9079810.019574536,m raw 0 : 180 66b774eb9a98e6ee p419:2039637.2376 p433:0.0000 p5:1279756.7103
S M,p433 R,4369749.26452311,m raw 0 : 98 3730070cfca206e3 p419:2039637.2376 p433:0.0000 p5:1279756.7103
S M,p433 R,4369749.264523111,m raw 0 : 99 2146ffee5ad95ac3 p419:2039637.2376 p433:0.0000 p5:1279756.7103
S M,p433 R,12383716.83810259,m raw 0 : 271 568a7508dfef7370 p419:2039637.2376 p433:0.0000 p5:1279756.7103
S M,p433 R,12383716.838102592,m raw 0 : 272 8ef8367714d676b7 p419:2039637.2376 p433:0.0000 p5:1279756.7103
S M,p433 R,12383716.838102594,m raw 0 : 272 8ef8367714d676b7 p419:2039637.2376 p433:0.0000 p5:1279756.7103
S M,p433 R,12868208.387374012,m raw 0 : 277 947b4e615bbce29f p419:2039637.2376 p433:0.0000 p5:1279756.7103
S M,p433 R,12868208.387374014,m raw 0 : 278 d63928834cef616f p419:2039637.2376 p433:0.0000 p5:1279756.7103
S L,179.24105346700594,-85.05 R,621503.9674226304,m raw 0 : 9 9026640ff6202536 p25:259414.6484 p371:53647.4248 p89:540550.9491
S L,179.24105346700594,-85.05 R,621503.9674226304,m cnt 5 : 5 7a0e9b2be599ccae p378:2948.5334 p375:7124.7753 p391:7144.1499
S L,-180.0,-84.8581391593284 R,592581.9643800515,m raw 0 : 15 731a28aee87e8675 p415:21465.3805 p382:21465.3933 p381:21354.4102
S L,-180.0,-84.8581391593284 R,592581.9643800515,m cnt 5 : 5 bd9fa4abc9ed02e3 p372:19832.9760 p376:21318.6510 p390:21330.2903
S L,179.74211886694877,85.05 R,590536.0232990653,m raw 0 : 14 fb0365f89c37a722 p352:10536.0159 p351:8147.7450 p364:5908.0785
S L,179.74211886694877,85.05 R,590536.0232990653,m any 5 : 5 aa99d310f8fa6d97 p352:10536.0159 p351:8147.7450 p364:5908.0785
S L,180.0,84.68924074820988 R,611105.9816147899,m raw 0 : 0 cbf29ce484222325
S L,180.0,84.68924074820988 R,611105.9816147899,m cnt 5 : 0 cbf29ce484222325
S L,-180.0,-85.05 R,604620.1548688789,m raw 0 : 15 442de57307fcb1a0 p415:125.4091 p382:127.4980 p381:68.5207
S L,-180.0,-85.05 R,604620.1548688789,m cnt 5 : 5 f90dfee2be7fc777 p381:68.5207 p376:82.5663 p390:98.7572
S L,-180.0,-85.05 B,237266.38499796763,1184273.1683620957,m raw 0 : 15 442de57307fcb1a0 p415:125.4091 p382:127.4980 p381:68.5207
S L,-180.0,-85.05 B,237266.38499796763,1184273.1683620957,m cnt 5 : 5 f90dfee2be7fc777 p381:68.5207 p376:82.5663 p390:98.7572
S L,-59.58277253485966,-85.05 R,593642.2603450979,m raw 0 : 23 316fdd752de6d5ff p29:305390.8773 p295:11850.9067 p299:7969.1892
S L,-59.58277253485966,-85.05 R,593642.2603450979,m any 5 : 5 1743bdb444171538 p29:305390.8773 p295:11850.9067 p299:7969.1892
S L,-60.747072083684415,-85.05 R,569605.7394986635,m raw 0 : 22 78fe9316d75b8371 p29:300418.3883 p295:8808.4621 p299:9814.1820
S L,-60.747072083684415,-85.05 R,569605.7394986635,m asc 5 : 22 84ae18845f6f780d p295:8808.4621 p303:9299.8155 p301:9783.2414
S L,179.6933610781333,85.05 R,589736.5404231409,m raw 0 : 14 ab9bbbfe8d2861ea p352:10114.1987 p351:8094.6045 p364:6048.6746
S L,179.6933610781333,85.05 R,589736.5404231409,m asc 5 : 14 412b124cfa4370c8 p424:2945.2174 p366:5998.6716 p364:6048.6746
S L,100.5474462813311,85.05 R,580834.2107926172,m raw 0 : 16 102fc2c8dbb92176 p262:32660.6226 p268:19384.7954 p273:14881.6513
S L,100.5474462813311,85.05 R,580834.2107926172,m cnt 5 : 5 ead65e1b46e94ee4 p281:11795.8537 p273:14881.6513 p263:16681.4402
S L,-59.496163626088205,-85.05 R,623688.9310698496,m raw 0 : 23 628f1a722aed993c p29:305781.8446 p295:12459.8891 p299:8436.1758
S L,-59.496163626088205,-85.05 R,623688.9310698496,m cnt 5 : 5 47cceb9942e43a28 p283:3190.0879 p282:5223.5975 p303:6013.8258
S L,-60.46171080234252,-85.05 R,619112.5743836546,m raw 0 : 23 76598c1f30f08e98 p29:301587.5860 p295:8339.2720 p299:8055.4615
S L,-60.46171080234252,-85.05 R,619112.5743836546,m cnt 5 : 5 7bb13bea81c47c5f p303:7029.9706 p291:7997.5894 p286:7998.6963
S L,-59.12060794411045,-85.05 R,574775.8954293248,m raw 0 : 22 0cb0d5086ad0d082 p29:307510.0804 p295:15351.6083 p299:10980.5403
S L,-59.12060794411045,-85.05 R,574775.8954293248,m asc 5 : 22 4446c80c7faad79c p282:1623.0471 p283:5879.1355 p303:8819.4624
S L,-59.332223332675525,-85.05 R,565833.0991038531,m raw 0 : 22 bd01ce64380de425 p29:306529.7146 p295:13678.9106 p299:9460.4626
S L,-59.332223332675525,-85.05 R,565833.0991038531,m any 5 : 5 c569fb381812535d p29:306529.7146 p295:13678.9106 p299:9460.4626
S L,-179.2489132500303,85.05 R,588219.8456888262,m raw 0 : 6 f702f6553738255e p101:218238.0694 p349:25103.8085 p359:15426.5649
S L,-179.2489132500303,85.05 R,588219.8456888262,m cnt 5 : 5 fabc6f1e2bbf7f75 p355:9133.3511 p350:9365.2214 p359:15426.5649
S M,p108 B,13869702.745523624,17558548.58480995,m raw 0 : 132 7961084cb1e6c156 p419:5544783.9687 p433:5613169.0456 p5:5594987.8272
S M,p108 B,13869702.745523624,17558548.584809955,m raw 0 : 132 7961084cb1e6c156 p419:5544783.9687 p433:5613169.0456 p5:5594987.8272
S M,p263 B,1497104.5325319471,37806174.46419189,m raw 0 : 71 06c91c15686a4ee9 p261:474316.5601 p266:382542.7448 p18:8792393.1919
S M,p263 B,1497104.5325319471,37806174.464191884,m raw 0 : 63 c9b2eab38a564e70 p261:474316.5601 p266:382542.7448 p18:8792393.1919
S M,p17 B,22857556.55479553,14346231.603914224,m raw 0 : 211 99effc0219b6968d p415:6588688.9140 p382:6588678.0776 p381:6588559.3756
S M,p17 B,22857556.55479553,14346231.603914225,m raw 0 : 211 99effc0219b6968d p415:6588688.9140 p382:6588678.0776 p381:6588559.3756
S M,p24 B,31494640.89533109,8544896.836722938,m raw 0 : 174 cedf2aa922779e91 p86:5451715.3419 p50:4902283.3214 p144:4698870.5101
S M,p24 B,31494640.89533109,8544896.836722936,m raw 0 : 173 a0b91c77ff1bf5d1 p86:5451715.3419 p50:4902283.3214 p144:4698870.5101
S M,p400 B,274865.14417098113,27955366.734126125,m raw 0 : 23 00995f6e28422d17 p411:437096.8626 p36:448937.0801 p413:395850.3432
S M,p400 B,274865.14417098113,27955366.734126132,m raw 0 : 23 00995f6e28422d17 p411:437096.8626 p36:448937.0801 p413:395850.3432
S M,p382 B,20377829.66394504,22212683.63265146,m raw 0 : 184 682e91060cb13758 p415:22.9566 p382:0.0000 p381:119.4815
S M,p382 B,20377829.66394504,22212683.632651456,m raw 0 : 183 e9a77d4f2e8fe992 p415:22.9566 p382:0.0000 p381:119.4815
S M,p347 B,26689517.34768516,16688636.55618131,m raw 0 : 175 6dd14b2bff05d167 p415:1469631.5475 p382:1469609.0495 p381:1469543.8199
S M,p347 B,26689517.34768516,16688636.556181313,m raw 0 : 175 6dd14b2bff05d167 p415:1469631.5475 p382:1469609.0495 p381:1469543.8199
S M,p299 B,2351131.306534235,27970935.90700577,m raw 0 : 63 ff933ff82b1c620e p415:959029.1166 p382:959017.5314 p381:959091.2171
S M,p299 B,2351131.306534235,27970935.907005772,m raw 0 : 63 ff933ff82b1c620e p415:959029.1166 p382:959017.5314 p381:959091.2171
S M,p315 B,5566510.977962773,15570165.8288419,m raw 0 : 134 1e07e88f3a78698e p255:8000257.4020 p253:7999207.6505 p233:7995814.8235
S M,p315 B,5566510.977962773,15570165.828841897,m raw 0 : 133 9d6fae8b933ff852 p255:8000257.4020 p253:7999207.6505 p233:7995814.8235
S M,p302 B,8339001.832834846,30940344.583273977,m raw 0 : 134 a7f7a110c8481672 p415:959241.8901 p382:959230.3079 p381:959304.0076
S M,p302 B,8339001.832834846,30940344.583273984,m raw 0 : 134 a7f7a110c8481672 p415:959241.8901 p382:959230.3079 p381:959304.0076
S M,p106 B,2073922.6724283143,36663079.89344236,m raw 0 : 84 bb18d29b2d11734f p415:1521431.5375 p382:1521417.3852 p381:1521477.7105
S M,p106 B,2073922.6724283143,36663079.89344237,m raw 0 : 84 bb18d29b2d11734f p415:1521431.5375 p382:1521417.3852 p381:1521477.7105
S M,p322 B,28302717.3187672,21463016.568619616,m raw 0 : 250 e7ba4c3c56c66220 p422:8019236.4746 p423:8019236.4746 p428:8019236.4746
S M,p322 B,28302717.3187672,21463016.56861962,m raw 0 : 250 e7ba4c3c56c66220 p422:8019236.4746 p423:8019236.4746 p428:8019236.4746
S M,dupA R,0,km cntdesc 1 : 1 e69dde1f59acf0bb dupA:0.0000
S M,dupA R,0,km cntdesc 3 : 3 0e638cc89b1bbda2 dupA:0.0000 dupB:0.0000 dupC:0.0000
S M,dupA R,0,km cnt 4 : 4 5cebaba3a28312f3 dupA:0.0000 dupB:0.0000 dupC:0.0000
S M,dupA R,0,km cntdesc 4 : 4 5cebaba3a28312f3 dupA:0.0000 dupB:0.0000 dupC:0.0000
S M,dupA R,0,km cntdesc 5 : 5 3aebef30532aa03b dupA:0.0000 dupB:0.0000 dupC:0.0000
S M,dupA R,0,km cnt 6 : 6 f04b822c43b2d9b0 dupA:0.0000 dupB:0.0000 dupC:0.0000
S M,dupA R,0,km cntdesc 6 : 6 f04b822c43b2d9b0 dupA:0.0000 dupB:0.0000 dupC:0.0000
S M,dupA R,0,km cnt 9 : 6 f04b822c43b2d9b0 dupA:0.0000 dupB:0.0000 dupC:0.0000
S M,dupA R,0.5,km cnt 1 : 1 e05df2a38d0d3f4f dupE:0.0000
S M,dupA R,0.5,km cntdesc 1 : 1 142059873230ff83 p163:0.1968
S M,dupA R,0.5,km cnt 2 : 2 2606a36339942cae dupE:0.0000 dupD:0.0000
S M,dupA R,0.5,km cntdesc 2 : 2 a13b4d7171d7a0b2 p163:0.1968 p164:0.0837
S M,dupA R,0.5,km cnt 3 : 3 58de37ba4d19feed dupE:0.0000 dupD:0.0000 dupF:0.0000
S M,dupA R,0.5,km cnt 4 : 4 e1272a2c3fdc4181 dupE:0.0000 dupD:0.0000 dupF:0.0000
S M,dupA R,0.5,km cntdesc 4 : 4 2dec814bab611d69 p163:0.1968 p164:0.0837 p166:0.0679
S M,dupA R,0.5,km cnt 5 : 5 4395e69434c29e16 dupE:0.0000 dupD:0.0000 dupF:0.0000
S M,dupA R,0.5,km cntdesc 7 : 7 45ce46cbb988590b p163:0.1968 p164:0.0837 p166:0.0679
S M,dupA R,0.5,km cnt 9 : 9 60018fc2bd1e5e8f dupE:0.0000 dupD:0.0000 dupF:0.0000
S M,dupA R,0.5,km cntdesc 9 : 9 efadfca7fab07e26 p163:0.1968 p164:0.0837 p166:0.0679
S M,dupA R,50,km cnt 1 : 1 55215420f52c52d9 dupC:0.0000
S M,dupA R,50,km cnt 2 : 2 4b34e5d4d84ed92a dupC:0.0000 dupF:0.0000
S M,dupA R,50,km cntdesc 3 : 3 20f453b9769b4ac8 p159:29.8757 p153:14.2662 p168:11.1206
S M,dupA R,50,km cntdesc 4 : 4 cc65125864e066cd p159:29.8757 p153:14.2662 p168:11.1206
S M,dupA R,50,km cnt 5 : 5 730a600d13b5d229 dupC:0.0000 dupF:0.0000 dupE:0.0000
S M,dupA R,50,km cntdesc 6 : 6 284607ade21bb140 p159:29.8757 p153:14.2662 p168:11.1206
S M,dupA R,50,km cnt 7 : 7 54e5230c59040b96 dupC:0.0000 dupF:0.0000 dupE:0.0000
S M,dupA R,50,km cntdesc 7 : 7 048baabc0d1e1e9e p159:29.8757 p153:14.2662 p168:11.1206
S M,dupA R,50,km cnt 9 : 9 0f2cca143fa3a61f dupC:0.0000 dupF:0.0000 dupE:0.0000
S M,dupA R,300,km cntdesc 2 : 2 6dfacee07c65fe02 p161:295.4137 p158:112.7434
S M,dupA R,300,km cnt 3 : 3 2c0cdc4875cfc008 dupE:0.0000 dupF:0.0000 dupA:0.0000
S M,dupA R,300,km cntdesc 4 : 4 700061a77f3f7b1b p161:295.4137 p158:112.7434 p159:29.8757
S M,dupA R,300,km cntdesc 5 : 5 6050f0775f6d49eb p161:295.4137 p158:112.7434 p159:29.8757
S M,dupA R,300,km cnt 6 : 6 b395a83416450d90 dupE:0.0000 dupF:0.0000 dupA:0.0000
S M,dupA R,300,km cntdesc 7 : 7 bb836e978c35b667 p161:295.4137 p158:112.7434 p159:29.8757
S M,dupA R,300,km cnt 9 : 9 7673ff30851f5aef dupE:0.0000 dupF:0.0000 dupA:0.0000
S M,dupA R,3000,km cnt 2 : 2 02ce198a5033b945 dupD:0.0000 dupF:0.0000
S M,dupA R,3000,km cntdesc 2 : 2 db6d8387023ce44c p12:2767.1098 p68:2760.6580
S M,dupA R,3000,km cnt 3 : 3 a5c3ec4195bf652d dupD:0.0000 dupF:0.0000 dupE:0.0000
S M,dupA R,3000,km cnt 4 : 4 6f377b3832fbcdc1 dupD:0.0000 dupF:0.0000 dupE:0.0000
S M,dupA R,3000,km cntdesc 4 : 4 62a40d528e12ef1b p12:2767.1098 p68:2760.6580 p75:2680.7004
S M,dupA R,3000,km cnt 5 : 5 8fa5c05c2141a67f dupD:0.0000 dupF:0.0000 dupE:0.0000
S M,dupA R,3000,km cntdesc 5 : 5 a77fbf670ec03c57 p12:2767.1098 p68:2760.6580 p75:2680.7004
S M,dupA R,3000,km cnt 7 : 7 197ccc9885c4ac56 dupD:0.0000 dupF:0.0000 dupE:0.0000
S M,dupA R,3000,km cntdesc 9 : 9 d3ff21a97d8f05d4 p12:2767.1098 p68:2760.6580 p75:2680.7004
S M,dupw2 R,0,km cnt 1 : 1 f0ea1ecbab3e4cff dupw0:0.0000
S M,dupw2 R,0,km cnt 2 : 2 73ead5dfc05ea31e dupw0:0.0000 dupw1:0.0000
S M,dupw2 R,0,km cntdesc 2 : 2 73ead5dfc05ea31e dupw0:0.0000 dupw1:0.0000
S M,dupw2 R,0,km cntdesc 3 : 3 ca02c5d15bdb3c36 dupw0:0.0000 dupw1:0.0000 dupw2:0.0000
S M,dupw2 R,0,km cnt 4 : 4 b5cb1863f0ce6ac7 dupw0:0.0000 dupw1:0.0000 dupw2:0.0000
S M,dupw2 R,0,km cntdesc 4 : 4 b5cb1863f0ce6ac7 dupw0:0.0000 dupw1:0.0000 dupw2:0.0000
S M,dupw2 R,0,km cntdesc 5 : 4 b5cb1863f0ce6ac7 dupw0:0.0000 dupw1:0.0000 dupw2:0.0000
S M,dupw2 R,0,km cnt 6 : 4 b5cb1863f0ce6ac7 dupw0:0.0000 dupw1:0.0000 dupw2:0.0000
S M,dupw2 R,0,km cntdesc 6 : 4 b5cb1863f0ce6ac7 dupw0:0.0000 dupw1:0.0000 dupw2:0.0000
S M,dupw2 R,0,km cntdesc 7 : 4 b5cb1863f0ce6ac7 dupw0:0.0000 dupw1:0.0000 dupw2:0.0000
S M,dupw2 R,0.5,km cntdesc 3 : 3 324c59ef9651a9d0 p211:0.2299 p194:0.1181 p196:0.0976
S M,dupw2 R,0.5,km cntdesc 5 : 5 d4677ced9a7b67f6 p211:0.2299 p194:0.1181 p196:0.0976
S M,dupw2 R,0.5,km cntdesc 6 : 6 b022840f057e0535 p211:0.2299 p194:0.1181 p196:0.0976
S M,dupw2 R,0.5,km cnt 9 : 9 049f408de3f973b1 dupw1:0.0000 dupw3:0.0000 dupw2:0.0000
S M,dupw2 R,50,km cnt 1 : 1 977592b92a27d3ac dupw3:0.0000
S M,dupw2 R,50,km cnt 2 : 2 b6d90862069a93e0 dupw3:0.0000 dupw2:0.0000
S M,dupw2 R,50,km cnt 3 : 3 0c6c1d6aea3a832f dupw3:0.0000 dupw2:0.0000 dupw1:0.0000
S M,dupw2 R,50,km cntdesc 3 : 3 955eae78229dd0e2 p206:27.6685 p209:3.8646 p199:3.5314
S M,dupw2 R,50,km cnt 4 : 4 b8fdf46efded8577 dupw3:0.0000 dupw2:0.0000 dupw1:0.0000
S M,dupw2 R,50,km cnt 5 : 5 7c22c36037e707a9 dupw3:0.0000 dupw2:0.0000 dupw1:0.0000
S M,dupw2 R,50,km cnt 6 : 6 e0df22275b413cf3 dupw3:0.0000 dupw2:0.0000 dupw1:0.0000
S M,dupw2 R,50,km cntdesc 6 : 6 3263ba38ee3b6c71 p206:27.6685 p209:3.8646 p199:3.5314
S M,dupw2 R,50,km cnt 9 : 9 6ac2abc0e222169f dupw3:0.0000 dupw2:0.0000 dupw1:0.0000
S M,dupw2 R,300,km cnt 1 : 1 977592b92a27d3ac dupw3:0.0000
S M,dupw2 R,300,km cntdesc 1 : 1 22a19efb40230536 p198:77.5217
S M,dupw2 R,300,km cnt 2 : 2 b6d90862069a93e0 dupw3:0.0000 dupw2:0.0000
S M,dupw2 R,300,km cntdesc 4 : 4 6783d13667524cad p198:77.5217 p206:27.6685 p209:3.8646
S M,dupw2 R,300,km cnt 5 : 5 7c22c36037e707a9 dupw3:0.0000 dupw2:0.0000 dupw1:0.0000
S M,dupw2 R,300,km cntdesc 5 : 5 81bd44414a1c7b06 p198:77.5217 p206:27.6685 p209:3.8646
S M,dupw2 R,300,km cntdesc 6 : 6 1a88cafb8e5155a0 p198:77.5217 p206:27.6685 p209:3.8646
S M,dupw2 R,300,km cnt 9 : 9 6ac2abc0e222169f dupw3:0.0000 dupw2:0.0000 dupw1:0.0000
S M,dupw2 R,300,km cntdesc 9 : 9 6abaf566cf15b960 p198:77.5217 p206:27.6685 p209:3.8646
S M,dupw2 R,3000,km cnt 1 : 1 322931963b3ee83d dupw2:0.0000
S M,dupw2 R,3000,km cntdesc 1 : 1 7c7abad32173eb50 p17:2831.3604
S M,dupw2 R,3000,km cnt 2 : 2 aec17cac61d99606 dupw2:0.0000 dupw3:0.0000
S M,dupw2 R,3000,km cnt 3 : 3 b75107c5ea5d88e4 dupw2:0.0000 dupw3:0.0000 dupw0:0.0000
S M,dupw2 R,3000,km cntdesc 5 : 5 97951d676e1e0d0c p17:2831.3604 p128:2646.6290 p46:2474.2230
S M,dupw2 R,3000,km cntdesc 6 : 6 63abe4de6df9199b p17:2831.3604 p128:2646.6290 p46:2474.2230
S M,dupw2 R,3000,km cntdesc 9 : 9 6a102a51fb78b701 p17:2831.3604 p128:2646.6290 p46:2474.2230
S L,13.3614,38.1156 R,0,km cnt 1 : 0 cbf29ce484222325
S L,13.3614,38.1156 R,0,km cnt 2 : 0 cbf29ce484222325
S L,13.3614,38.1156 R,0,km cntdesc 2 : 0 cbf29ce484222325
S L,13.3614,38.1156 R,0,km cnt 4 : 0 cbf29ce484222325
S L,13.3614,38.1156 R,0,km cnt 6 : 0 cbf29ce484222325
S L,13.3614,38.1156 R,0,km cntdesc 6 : 0 cbf29ce484222325
S L,13.3614,38.1156 R,0,km cnt 7 : 0 cbf29ce484222325
S L,13.3614,38.1156 R,0,km cntdesc 7 : 0 cbf29ce484222325
S L,13.3614,38.1156 R,0,km cnt 9 : 0 cbf29ce484222325
S L,13.3614,38.1156 R,0,km cntdesc 9 : 0 cbf29ce484222325
S L,13.3614,38.1156 R,0.5,km cntdesc 1 : 1 142a5b873239576e p163:0.1938
S L,13.3614,38.1156 R,0.5,km cnt 2 : 2 a467b87ede8ee0a0 dupA:0.0049 dupF:0.0049
S L,13.3614,38.1156 R,0.5,km cnt 3 : 3 09fddbb857cc56c2 dupA:0.0049 dupF:0.0049 dupD:0.0049
S L,13.3614,38.1156 R,0.5,km cntdesc 3 : 3 a9c1e875ddf664e8 p163:0.1938 p164:0.0788 p151:0.0687
S L,13.3614,38.1156 R,0.5,km cntdesc 5 : 5 c258c4317a051ed2 p163:0.1938 p164:0.0788 p151:0.0687
S L,13.3614,38.1156 R,0.5,km cnt 6 : 6 72cc7ae8d609bc44 dupA:0.0049 dupF:0.0049 dupD:0.0049
S L,13.3614,38.1156 R,0.5,km cntdesc 6 : 6 239152e88438075e p163:0.1938 p164:0.0788 p151:0.0687
S L,13.3614,38.1156 R,0.5,km cnt 7 : 7 f2f1d8c9a5fc8161 dupA:0.0049 dupF:0.0049 dupD:0.0049
S L,13.3614,38.1156 R,0.5,km cntdesc 7 : 7 864882d0f0e5bafe p163:0.1938 p164:0.0788 p151:0.0687
S L,13.3614,38.1156 R,0.5,km cnt 9 : 9 e2db801b534e1c11 dupA:0.0049 dupF:0.0049 dupD:0.0049
S L,13.3614,38.1156 R,0.5,km cntdesc 9 : 9 78a9ba5de84574be p163:0.1938 p164:0.0788 p151:0.0687
S L,13.3614,38.1156 R,50,km cnt 2 : 2 2fbb38f88cae8ca3 dupB:0.0049 dupF:0.0049
S L,13.3614,38.1156 R,50,km cnt 3 : 3 119799f542422994 dupB:0.0049 dupF:0.0049 dupE:0.0049
S L,13.3614,38.1156 R,50,km cnt 4 : 4 09277bebbb03461e dupB:0.0049 dupF:0.0049 dupE:0.0049
S L,13.3614,38.1156 R,50,km cntdesc 5 : 5 bf8417aa8e990eeb p159:29.8721 p153:14.2708 p168:11.1212
S L,13.3614,38.1156 R,50,km cnt 6 : 6 c22a2ca3e4763c30 dupB:0.0049 dupF:0.0049 dupE:0.0049
S L,13.3614,38.1156 R,50,km cntdesc 6 : 6 9e1f97d98b0ddd77 p159:29.8721 p153:14.2708 p168:11.1212
S L,13.3614,38.1156 R,50,km cnt 7 : 7 f97d965909ee1d55 dupB:0.0049 dupF:0.0049 dupE:0.0049
S L,13.3614,38.1156 R,50,km cntdesc 7 : 7 5d0bc8df25dbbba7 p159:29.8721 p153:14.2708 p168:11.1212
S L,13.3614,38.1156 R,50,km cnt 9 : 9 cd3a8ee7e23f8725 dupB:0.0049 dupF:0.0049 dupE:0.0049
S L,13.3614,38.1156 R,300,km cnt 1 : 1 e04ff1a38d010040 dupE:0.0049
S L,13.3614,38.1156 R,300,km cntdesc 1 : 1 8303db21e604a64e p161:295.4139
S L,13.3614,38.1156 R,300,km cntdesc 2 : 2 8651d4d7cef7c8ee p161:295.4139 p158:112.7388
S L,13.3614,38.1156 R,300,km cntdesc 3 : 3 e35aee3a1b62aecc p161:295.4139 p158:112.7388 p159:29.8721
S L,13.3614,38.1156 R,300,km cnt 4 : 4 b8587d045a5b3757 dupE:0.0049 dupF:0.0049 dupA:0.0049
S L,13.3614,38.1156 R,300,km cntdesc 4 : 4 a799143251091fa7 p161:295.4139 p158:112.7388 p159:29.8721
S L,13.3614,38.1156 R,300,km cnt 6 : 6 b907994ae10656cc dupE:0.0049 dupF:0.0049 dupA:0.0049
S L,13.3614,38.1156 R,300,km cntdesc 6 : 6 b44ebdc374f63450 p161:295.4139 p158:112.7388 p159:29.8721
S L,13.3614,38.1156 R,3000,km cnt 2 : 2 d685afb5e2c4ce45 dupD:0.0049 dupF:0.0049
S L,13.3614,38.1156 R,3000,km cntdesc 2 : 2 e63e15effd1e77b0 p12:2767.1105 p68:2760.6554
S L,13.3614,38.1156 R,3000,km cnt 3 : 3 b081c9928e9b696e dupD:0.0049 dupF:0.0049 dupE:0.0049
S L,13.3614,38.1156 R,3000,km cntdesc 4 : 4 82039b095663d90c p12:2767.1105 p68:2760.6554 p75:2680.7006
S L,13.3614,38.1156 R,3000,km cnt 5 : 5 1d610f41dee52900 dupD:0.0049 dupF:0.0049 dupE:0.0049
S L,13.3614,38.1156 R,3000,km cntdesc 5 : 5 5ac536b358733af1 p12:2767.1105 p68:2760.6554 p75:2680.7006
S L,13.3614,38.1156 R,3000,km cntdesc 7 : 7 e379e63f7b4d3157 p12:2767.1105 p68:2760.6554 p75:2680.7006
S L,13.3614,38.1156 R,3000,km cnt 9 : 9 5bb05fa7eea6b225 dupD:0.0049 dupF:0.0049 dupE:0.0049
S L,13.3614,38.1156 R,3000,km cntdesc 9 : 9 06c49c1186d1c0b1 p12:2767.1105 p68:2760.6554 p75:2680.7006
S L,-179.9501,-20.0001 R,0,km cnt 1 : 0 cbf29ce484222325
S L,-179.9501,-20.0001 R,0,km cnt 4 : 0 cbf29ce484222325
S L,-179.9501,-20.0001 R,0,km cntdesc 5 : 0 cbf29ce484222325
S L,-179.9501,-20.0001 R,0,km cnt 7 : 0 cbf29ce484222325
S L,-179.9501,-20.0001 R,0,km cntdesc 7 : 0 cbf29ce484222325
S L,-179.9501,-20.0001 R,0,km cnt 9 : 0 cbf29ce484222325
S L,-179.9501,-20.0001 R,0.5,km cnt 1 : 1 e7c9f0cba5f1aac6 dupw0:0.0151
S L,-179.9501,-20.0001 R,0.5,km cnt 3 : 3 9fa5ed6bdf33d8a1 dupw0:0.0151 dupw1:0.0151 dupw2:0.0151
S L,-179.9501,-20.0001 R,0.5,km cnt 4 : 4 73d22785e005c6e3 dupw0:0.0151 dupw1:0.0151 dupw2:0.0151
S L,-179.9501,-20.0001 R,0.5,km cnt 5 : 5 0de7adcd321bf106 dupw0:0.0151 dupw1:0.0151 dupw2:0.0151
S L,-179.9501,-20.0001 R,0.5,km cntdesc 5 : 5 ced7a58a74602a15 p211:0.2296 p195:0.1115 p210:0.1039
S L,-179.9501,-20.0001 R,0.5,km cntdesc 6 : 6 362a7c29663dce1d p211:0.2296 p195:0.1115 p210:0.1039
S L,-179.9501,-20.0001 R,0.5,km cnt 7 : 7 a6415c5bbd07b8d7 dupw0:0.0151 dupw1:0.0151 dupw2:0.0151
S L,-179.9501,-20.0001 R,50,km cnt 3 : 3 0e3b9093b2a4461e dupw2:0.0151 dupw3:0.0151 dupw1:0.0151
S L,-179.9501,-20.0001 R,50,km cnt 4 : 4 be74a85828b9e93d dupw2:0.0151 dupw3:0.0151 dupw1:0.0151
S L,-179.9501,-20.0001 R,50,km cntdesc 4 : 4 b57079a94adc15da p206:27.6818 p209:3.8782 p199:3.5269
S L,-179.9501,-20.0001 R,50,km cnt 5 : 5 fde92a4b86a58988 dupw2:0.0151 dupw3:0.0151 dupw1:0.0151
S L,-179.9501,-20.0001 R,50,km cntdesc 5 : 5 4648baebe88df4ff p206:27.6818 p209:3.8782 p199:3.5269
S L,-179.9501,-20.0001 R,50,km cnt 7 : 7 f4ca0e677542c125 dupw2:0.0151 dupw3:0.0151 dupw1:0.0151
S L,-179.9501,-20.0001 R,50,km cntdesc 7 : 7 54bd988bf28496bf p206:27.6818 p209:3.8782 p199:3.5269
S L,-179.9501,-20.0001 R,50,km cnt 9 : 9 4e7a6b800021c5d1 dupw2:0.0151 dupw3:0.0151 dupw1:0.0151
S L,-179.9501,-20.0001 R,300,km cnt 1 : 1 2ad6f396377a870c dupw2:0.0151
S L,-179.9501,-20.0001 R,300,km cntdesc 1 : 1 2bbb44fb456a54a9 p198:77.5322
S L,-179.9501,-20.0001 R,300,km cnt 2 : 2 45173eccc6dea3f8 dupw2:0.0151 dupw3:0.0151
S L,-179.9501,-20.0001 R,300,km cntdesc 2 : 2 618a036bd81a424d p198:77.5322 p206:27.6818
S L,-179.9501,-20.0001 R,300,km cnt 5 : 5 fde92a4b86a58988 dupw2:0.0151 dupw3:0.0151 dupw1:0.0151
S L,-179.9501,-20.0001 R,300,km cntdesc 5 : 5 5488c01664530004 p198:77.5322 p206:27.6818 p209:3.8782
S L,-179.9501,-20.0001 R,300,km cnt 6 : 6 afa29feaca975f0b dupw2:0.0151 dupw3:0.0151 dupw1:0.0151
S L,-179.9501,-20.0001 R,300,km cnt 7 : 7 f4ca0e677542c125 dupw2:0.0151 dupw3:0.0151 dupw1:0.0151
S L,-179.9501,-20.0001 R,300,km cnt 9 : 9 4e7a6b800021c5d1 dupw2:0.0151 dupw3:0.0151 dupw1:0.0151
S L,-179.9501,-20.0001 R,3000,km cnt 1 : 1 2ad6f396377a870c dupw2:0.0151
S L,-179.9501,-20.0001 R,3000,km cnt 2 : 2 98acaa5612d9c00b dupw2:0.0151 dupw0:0.0151
S L,-179.9501,-20.0001 R,3000,km cnt 3 : 3 7218bba3933259c1 dupw2:0.0151 dupw0:0.0151 dupw3:0.0151
S L,-179.9501,-20.0001 R,3000,km cnt 4 : 4 f3526197186d9171 dupw2:0.0151 dupw0:0.0151 dupw3:0.0151
S L,-179.9501,-20.0001 R,3000,km cntdesc 4 : 4 1e0bd873c53b0ebe p17:2831.3665 p128:2646.6271 p46:2474.2139
S L,-179.9501,-20.0001 R,3000,km cnt 5 : 5 36a4c65ec68ef394 dupw2:0.0151 dupw0:0.0151 dupw3:0.0151
S L,-179.9501,-20.0001 R,3000,km cntdesc 5 : 5 6a3b0bbfb413d3ed p17:2831.3665 p128:2646.6271 p46:2474.2139
S L,-179.9501,-20.0001 R,3000,km cnt 6 : 6 c8b4ddb056d6591f dupw2:0.0151 dupw0:0.0151 dupw3:0.0151
S L,-179.9501,-20.0001 R,3000,km cntdesc 7 : 7 48f8160917e4648f p17:2831.3665 p128:2646.6271 p46:2474.2139
S L,-179.9501,-20.0001 R,3000,km cnt 9 : 9 c145fd423967ff75 dupw2:0.0151 dupw0:0.0151 dupw3:0.0151
S L,-179.9501,-20.0001 R,3000,km cntdesc 9 : 9 af9a59431006adae p17:2831.3665 p128:2646.6271 p46:2474.2139
W 1852621752856267 -81.68628908374868 -54.316581417853854 ft 29425082.0816 29425082.0817
W 2912053421733403 -11.835164430320987 35.43544990520448 m 14698280.7468 14698280.7467
W 1141491135939033 -178.05053097081705 74.47314418962745 ft 25362665.0242 25362665.0241
W 4463452329490780 -39.36670014579991 56.39011477200731 ft 16001293.1608 16001293.1609
W 3031482114739998 78.25334340578956 68.32884610842083 ft 47439648.1048 47439648.1049
W 300415004210426 27.60548865101012 41.31849407116492 ft 56780974.1884 56780974.1883
W 849144066006634 163.83826699330922 31.730455738926807 ft 44133836.1334 44133836.1333
W 4013189225155214 -153.38699626610136 -2.1642667701466536 m 12259912.1670 12259912.1671
W 3933119636711309 -65.79088784271262 -76.56396264643905 ft 62960931.3062 62960931.3061
W 2283303211594472 67.82960894908064 -38.53284338603841 m 4540689.5734 4540689.5735
W 1576907821948865 119.9828977095982 23.62710039411874 ft 32271672.2936 32271672.2937
W 1392201446566608 -34.50122374047706 -50.229569814552924 ft 37814521.6254 37814521.6255
W 3878037071052933 32.16111280161181 -16.07078723694272 ft 32632108.1622 32632108.1623
W 3739153193604581 -137.80577955523412 47.211149837280544 ft 24047508.8220 24047508.8219
W 3479905856910936 -156.38402631097787 -50.74386014775653 ft 61147912.2240 61147912.2239
W 3958407279020386 124.54322936792488 69.81744707480729 m 6934150.6578 6934150.6579
"#;
    // END GENERATED TEST DATA
}
