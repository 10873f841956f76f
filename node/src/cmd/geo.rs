//! Geo commands (Redis 7.0 `geo.c`): GEOADD, GEOPOS, GEOHASH, GEODIST, GEORADIUS,
//! GEORADIUSBYMEMBER (and their _RO forms), GEOSEARCH, GEOSEARCHSTORE. Points are members of a
//! sorted set whose score is the 52-bit geohash; the math, the search areas, the scan order and
//! the sorting are Redis's own (`db::geo`), so replies match redis-server's byte for byte.

use bytes::Bytes;

use super::args;
use super::ctx::{Ctx, Handler};
use super::handler::{CmdError, CmdResult, NOT_FLOAT, SYNTAX};
use crate::db::geo::{self, GeoPoint, Shape, Sort};
use crate::db::zset::{ScoreRange, ZSet};
use crate::db::{Elem, Entry, Value};
use crate::notify;
use crate::resp::reply::Out;
use crate::util::strtod::parse_double;

pub const COMMANDS: &[(&str, Handler)] = &[
    ("geoadd", geoadd),
    ("geopos", geopos),
    ("geohash", geohash),
    ("geodist", geodist),
    ("georadius", georadius),
    ("georadius_ro", georadius_ro),
    ("georadiusbymember", georadiusbymember),
    ("georadiusbymember_ro", georadiusbymember_ro),
    ("geosearch", geosearch),
    ("geosearchstore", geosearchstore),
];

/// `extractLongLatOrReply`.
fn lonlat(a: &[u8], b: &[u8]) -> Result<(f64, f64), CmdError> {
    let lon = parse_double(a).ok_or(NOT_FLOAT)?;
    let lat = parse_double(b).ok_or(NOT_FLOAT)?;
    if !geo::lonlat_valid(lon, lat) {
        return Err(geo::invalid_lonlat_error(lon, lat).into());
    }
    Ok((lon, lat))
}

fn unit(arg: &[u8]) -> Result<f64, CmdError> {
    geo::unit_factor(arg).ok_or_else(|| geo::ERR_UNSUPPORTED_UNIT.into())
}

/// `extractDistanceOrReply`: a radius and its unit.
fn distance_arg(r: &[u8], u: &[u8]) -> Result<(f64, f64), CmdError> {
    let d = parse_double(r).ok_or("ERR need numeric radius")?;
    if d < 0.0 {
        return Err("ERR radius cannot be negative".into());
    }
    Ok((d, unit(u)?))
}

/// `extractBoxOrReply`: width, height and unit.
fn box_arg(w: &[u8], h: &[u8], u: &[u8]) -> Result<(f64, f64, f64), CmdError> {
    let width = parse_double(w).ok_or("ERR need numeric width")?;
    let height = parse_double(h).ok_or("ERR need numeric height")?;
    if height < 0.0 || width < 0.0 {
        return Err("ERR height or width cannot be negative".into());
    }
    Ok((width, height, unit(u)?))
}

/// GEOADD key [NX|XX] [CH] longitude latitude member [...]: run as the ZADD it stands for (and
/// propagated as that ZADD, as Redis does).
fn geoadd(ctx: &mut Ctx, argv: &[Bytes]) -> CmdResult {
    let (mut nx, mut xx) = (false, false);
    let mut i = 2;
    while i < argv.len() {
        if args::is(&argv[i], "nx") {
            nx = true;
        } else if args::is(&argv[i], "xx") {
            xx = true;
        } else if !args::is(&argv[i], "ch") {
            break;
        }
        i += 1;
    }
    if (argv.len() - i) % 3 != 0 || (xx && nx) {
        return Err(SYNTAX.into());
    }
    let mut z: Vec<Bytes> = Vec::with_capacity(i + (argv.len() - i) / 3 * 2);
    z.push(Bytes::from_static(b"zadd"));
    z.extend_from_slice(&argv[1..i]);
    for t in argv[i..].chunks_exact(3) {
        let (lon, lat) = lonlat(&t[0], &t[1])?;
        let bits = geo::encode(lon, lat).ok_or_else(|| CmdError::from(geo::invalid_lonlat_error(lon, lat)))?;
        z.push(Bytes::from(bits.to_string()));
        z.push(t[2].clone());
    }
    super::zsets::zadd_command(ctx, &z)?;
    ctx.propagate_as(z);
    Ok(())
}

/// The sorted set at `key` for reading, or None; WRONGTYPE for other types.
fn read_zset<'a>(ctx: &'a mut Ctx, key: &[u8]) -> Result<(Option<&'a ZSet>, &'a mut Out), CmdError> {
    ctx.read_typed(key, |v| match v {
        Value::ZSet(z) => Some(&**z),
        _ => None,
    })
}

/// A coordinate: a bulk string in RESP2, a double in RESP3 (`addReplyHumanLongDouble`).
fn reply_coord(out: &mut Out, v: f64) {
    let text = geo::fmt_coord(v);
    if out.is_resp3() {
        out.raw(b",");
        out.raw(text.as_bytes());
        out.raw(b"\r\n");
    } else {
        out.bulk(text.as_bytes());
    }
}

/// GEOPOS key [member ...]
fn geopos(ctx: &mut Ctx, argv: &[Bytes]) -> CmdResult {
    let (z, out) = read_zset(ctx, &argv[1])?;
    out.array(argv.len() - 2);
    for m in &argv[2..] {
        match z.and_then(|z| z.score(m)) {
            None => out.null_array(),
            Some(score) => {
                let (lon, lat) = geo::decode_score(score);
                out.array(2);
                reply_coord(out, lon);
                reply_coord(out, lat);
            }
        }
    }
    Ok(())
}

/// GEOHASH key [member ...]
fn geohash(ctx: &mut Ctx, argv: &[Bytes]) -> CmdResult {
    let (z, out) = read_zset(ctx, &argv[1])?;
    out.array(argv.len() - 2);
    for m in &argv[2..] {
        match z.and_then(|z| z.score(m)) {
            None => out.null(),
            Some(score) => out.bulk(geo::geohash_string_from_score(score).as_bytes()),
        }
    }
    Ok(())
}

/// GEODIST key member1 member2 [M|KM|FT|MI]
fn geodist(ctx: &mut Ctx, argv: &[Bytes]) -> CmdResult {
    let to_meter = match argv.len() {
        5 => unit(&argv[4])?,
        n if n > 5 => return Err(SYNTAX.into()),
        _ => 1.0,
    };
    let (z, out) = read_zset(ctx, &argv[1])?;
    let Some(z) = z else {
        out.null();
        return Ok(());
    };
    match (z.score(&argv[2]), z.score(&argv[3])) {
        (Some(a), Some(b)) => {
            let (x1, y1) = geo::decode_score(a);
            let (x2, y2) = geo::decode_score(b);
            out.bulk(geo::fmt_dist(geo::distance(x1, y1, x2, y2) / to_meter).as_bytes());
        }
        _ => out.null(),
    }
    Ok(())
}

const RADIUS_COORDS: u32 = 1;
const RADIUS_MEMBER: u32 = 2;
const NOSTORE: u32 = 4;
const SEARCH: u32 = 8;
const SEARCHSTORE: u32 = 16;

fn georadius(ctx: &mut Ctx, argv: &[Bytes]) -> CmdResult {
    search_generic(ctx, argv, 1, RADIUS_COORDS)
}

fn georadius_ro(ctx: &mut Ctx, argv: &[Bytes]) -> CmdResult {
    search_generic(ctx, argv, 1, RADIUS_COORDS | NOSTORE)
}

fn georadiusbymember(ctx: &mut Ctx, argv: &[Bytes]) -> CmdResult {
    search_generic(ctx, argv, 1, RADIUS_MEMBER)
}

fn georadiusbymember_ro(ctx: &mut Ctx, argv: &[Bytes]) -> CmdResult {
    search_generic(ctx, argv, 1, RADIUS_MEMBER | NOSTORE)
}

fn geosearch(ctx: &mut Ctx, argv: &[Bytes]) -> CmdResult {
    search_generic(ctx, argv, 1, SEARCH)
}

fn geosearchstore(ctx: &mut Ctx, argv: &[Bytes]) -> CmdResult {
    search_generic(ctx, argv, 2, SEARCH | SEARCHSTORE)
}

/// `longLatFromMember`.
fn member_pos(z: Option<&ZSet>, m: &[u8]) -> Result<(f64, f64), CmdError> {
    z.and_then(|z| z.score(m)).map(geo::decode_score).ok_or_else(|| "ERR could not decode requested zset member".into())
}

/// `georadiusGeneric`: every radius and box search, replying or storing.
fn search_generic(ctx: &mut Ctx, argv: &[Bytes], src: usize, flags: u32) -> CmdResult {
    let src_key = argv[src].clone();
    // The set is copied out as (score, member) pairs only when a search runs; options are parsed
    // against a borrowed view first.
    let (center, radius_arg, base) = {
        let (z, _) = read_zset(ctx, &src_key)?;
        if flags & RADIUS_COORDS != 0 {
            let c = lonlat(&argv[2], &argv[3])?;
            (Some(c), Some(distance_arg(&argv[4], &argv[5])?), 6)
        } else if flags & RADIUS_MEMBER != 0 {
            if z.is_none() {
                (None, None, 5)
            } else {
                let c = member_pos(z, &argv[2])?;
                (Some(c), Some(distance_arg(&argv[3], &argv[4])?), 5)
            }
        } else {
            (None, None, if flags & SEARCHSTORE != 0 { 3 } else { 2 })
        }
    };
    let mut store: Option<Bytes> = if flags & SEARCHSTORE != 0 { Some(argv[1].clone()) } else { None };
    let mut storedist = false;
    let (mut withdist, mut withhash, mut withcoord) = (false, false, false);
    let (mut frommember, mut fromloc, mut byradius, mut bybox) = (false, false, false, false);
    let mut center = center;
    let mut size: Option<ShapeSize> = radius_arg.map(|(r, c)| ShapeSize::Radius(r, c));
    let mut sort = Sort::None;
    let mut any = false;
    let mut count: i64 = 0;
    let rem = argv.len() - base;
    let mut i = 0;
    while i < rem {
        let a = &argv[base + i];
        let more = |n: usize| i + n < rem;
        if args::is(a, "withdist") {
            withdist = true;
        } else if args::is(a, "withhash") {
            withhash = true;
        } else if args::is(a, "withcoord") {
            withcoord = true;
        } else if args::is(a, "any") {
            any = true;
        } else if args::is(a, "asc") {
            sort = Sort::Asc;
        } else if args::is(a, "desc") {
            sort = Sort::Desc;
        } else if args::is(a, "count") && more(1) {
            count = args::int(&argv[base + i + 1])?;
            if count <= 0 {
                return Err("ERR COUNT must be > 0".into());
            }
            i += 1;
        } else if (args::is(a, "store") || args::is(a, "storedist")) && more(1) && flags & (NOSTORE | SEARCH) == 0 {
            store = Some(argv[base + i + 1].clone());
            storedist = args::is(a, "storedist");
            i += 1;
        } else if args::is(a, "storedist") && flags & SEARCHSTORE != 0 {
            storedist = true;
        } else if args::is(a, "frommember") && more(1) && flags & SEARCH != 0 && !fromloc {
            let (z, _) = read_zset(ctx, &src_key)?;
            if z.is_some() {
                center = Some(member_pos(z, &argv[base + i + 1])?);
            }
            frommember = true;
            i += 1;
        } else if args::is(a, "fromlonlat") && more(2) && flags & SEARCH != 0 && !frommember {
            center = Some(lonlat(&argv[base + i + 1], &argv[base + i + 2])?);
            fromloc = true;
            i += 2;
        } else if args::is(a, "byradius") && more(2) && flags & SEARCH != 0 && !bybox {
            let (r, c) = distance_arg(&argv[base + i + 1], &argv[base + i + 2])?;
            size = Some(ShapeSize::Radius(r, c));
            byradius = true;
            i += 2;
        } else if args::is(a, "bybox") && more(3) && flags & SEARCH != 0 && !byradius {
            let (w, h, c) = box_arg(&argv[base + i + 1], &argv[base + i + 2], &argv[base + i + 3])?;
            size = Some(ShapeSize::Box(w, h, c));
            bybox = true;
            i += 3;
        } else {
            return Err(SYNTAX.into());
        }
        i += 1;
    }
    if store.is_some() && (withdist || withhash || withcoord) {
        let what = if flags & SEARCHSTORE != 0 { "GEOSEARCHSTORE" } else { "STORE option in GEORADIUS" };
        return Err(format!("ERR {what} is not compatible with WITHDIST, WITHHASH and WITHCOORD options").into());
    }
    let name = String::from_utf8_lossy(&argv[0]).into_owned();
    if flags & SEARCH != 0 && !(frommember || fromloc) {
        return Err(format!("ERR exactly one of FROMMEMBER or FROMLONLAT can be specified for {name}").into());
    }
    if flags & SEARCH != 0 && !(byradius || bybox) {
        return Err(format!("ERR exactly one of BYRADIUS and BYBOX can be specified for {name}").into());
    }
    if any && count == 0 {
        return Err("ERR the ANY argument requires COUNT argument".into());
    }
    let (z, _) = read_zset(ctx, &src_key)?;
    let Some(z) = z else {
        match store {
            Some(dest) => {
                ctx.delete_signalled(&dest);
                ctx.out.int(0);
            }
            None => ctx.out.array(0),
        }
        return Ok(());
    };
    let (lon, lat) = center.expect("a centre once the set exists");
    let shape = match size.expect("a size once the options are checked") {
        ShapeSize::Radius(r, c) => Shape::radius(lon, lat, r, c),
        ShapeSize::Box(w, h, c) => Shape::rect(lon, lat, w, h, c),
    };
    let count = count as usize;
    let limit = if any { count } else { 0 };
    let mut points: Vec<GeoPoint<Elem>> = geo::search(&shape, limit, |min, max| {
        let (lo, hi) = z.score_span(&ScoreRange { min, max, minex: false, maxex: true });
        z.range(lo, hi).map(|(m, s)| (s, Elem::from(m))).collect::<Vec<_>>()
    });
    if points.is_empty() && store.is_none() {
        ctx.out.array(0);
        return Ok(());
    }
    let sort = geo::effective_sort(sort, count, any);
    geo::sort_and_limit(&mut points, sort, count);
    for p in &mut points {
        p.dist /= shape.conversion;
    }
    let Some(dest) = store else {
        let opts = withdist as usize + withhash as usize + withcoord as usize;
        let out = &mut *ctx.out;
        out.array(points.len());
        for p in &points {
            if opts > 0 {
                out.array(opts + 1);
            }
            out.bulk(&p.member);
            if withdist {
                out.bulk(geo::fmt_dist(p.dist).as_bytes());
            }
            if withhash {
                out.int(p.score as i64);
            }
            if withcoord {
                out.array(2);
                reply_coord(out, p.lon);
                reply_coord(out, p.lat);
            }
        }
        return Ok(());
    };
    let n = points.len();
    if n > 0 {
        let mut items: Vec<(Elem, f64)> = points.into_iter().map(|p| (p.member, if storedist { p.dist } else { p.score })).collect();
        items.sort_by(|a, b| crate::db::zset::zcmp((a.1, &a.0), (b.1, &b.0)));
        items.dedup_by(|a, b| a.0 == b.0);
        let lim = ctx.st.enc;
        let zs = ZSet::from_sorted(items, &lim);
        ctx.delete(&dest);
        ctx.db().insert(Entry::with_value(&dest, Value::ZSet(Box::new(zs))));
        ctx.modified(&dest);
        ctx.notify(notify::ZSET, if flags & SEARCH != 0 { "geosearchstore" } else { "georadiusstore" }, &dest);
        ctx.dirty(n as u64);
    } else {
        ctx.delete_signalled(&dest);
    }
    ctx.out.int(n as i64);
    Ok(())
}

enum ShapeSize {
    Radius(f64, f64),
    Box(f64, f64, f64),
}
