"""HyperLogLog and geo values moving between a real redis-server 7.0 and ours, unchanged, both ways
(parametrized real -> ours and ours -> real):

1. RDB files: the source SAVEs, the target starts on a copy of its dump.rdb.
2. Replication: the target starts with `--replicaof` the source; compared after the full sync, then
   again after a live command stream (PFADD, PFMERGE, propagated PFCOUNT cache writes, GEOADD
   XX/NX/CH, GEOSEARCHSTORE, an HLL promoted to dense under a lowered hll-sparse-max-bytes), and once
   more after REPLICAOF NO ONE and the same further writes on both.
3. DUMP on the source, RESTORE on the target.

The dataset: sparse HLLs (with a valid and with an invalidated cardinality cache), dense ones (20000
PFADDed elements, cached and not), one promoted to dense by `CONFIG SET hll-sparse-max-bytes 100`,
PFMERGE results (sparse+dense -> dense, sparse+sparse -> sparse), an empty HLL; ~200 geo points
including the edges (lon +-180, lat +-85.05112878) updated with GEOADD XX CH / NX CH, a small
listpack-encoded geo set, and GEOSEARCHSTORE results with and without STOREDIST.

Compared, target against source, as raw reply bytes: GET of every HLL key (header, encoding and the
8 cache bytes; read before anything runs PFCOUNT), DUMP of every key (real Redis's DUMP of all of these
is deterministic: test_real_redis_payloads_are_deterministic checks that first), OBJECT ENCODING of the
zsets, PFDEBUG ENCODING (on a read-only replica: the encoding byte of the GET value), PFCOUNT of each
key and of several keys at once, then GET again (caches now valid), ZRANGE WITHSCORES, GEOPOS,
GEODIST, GEOHASH, GEOSEARCH ... WITHCOORD WITHDIST ASC/DESC. After transfer the same further
PFADD/PFMERGE/GEOADD/GEOSEARCHSTORE run on both, and their replies and the resulting state must match.
"""
import os
import random
import shutil

import pytest

from conftest import OURS
from run_diff import Conn
from test_persistence import Launcher, wait_until
from test_replication import caught_up, link_up

REAL = "/usr/bin/redis-server"
WAIT = 15.0
DIRECTIONS = pytest.mark.parametrize("source,target", [(REAL, OURS), (OURS, REAL)],
                                     ids=["real-to-ours", "ours-to-real"])


# ---------------------------------------------------------------------------------------------
# Servers and raw connections.

@pytest.fixture
def launch():
    """Factory: launch(program, *args, workdir=None) -> a started Node (test_persistence) in
    `workdir` (a fresh scratch dir when None); all killed and removed at the end."""
    launcher = Launcher("hllgeo")

    def start(program, *args, workdir=None):
        return launcher.start(program, ("--save", "", "--appendonly", "no", "--repl-diskless-sync-delay", "0", *args), workdir)

    start.mkdir = launcher.mkdir
    yield start
    launcher.close()


def b(x):
    return x if isinstance(x, bytes) else str(x).encode()


class R:
    """A RESP2 connection giving raw reply bytes (`raw`) or a checked Python value (`ok`)."""

    def __init__(self, port):
        self.port = port
        self.conn = Conn(port)

    def _call(self, *args):
        return self.conn.call([b(a) for a in args])

    def raw(self, *args):
        return self._call(*args)[0]

    def ok(self, *args):
        raw, value = self._call(*args)
        assert value[0] != b"-", f"{fmt(args)} on port {self.port}: {raw!r}"
        return py(value)


def py(value):
    t, p = value
    if t == b":":
        return int(p)
    if isinstance(p, list):
        return [py(v) for v in p]
    return p


def fmt(argv, limit=160):
    s = " ".join(a.decode(errors="replace") if isinstance(a, bytes) else str(a) for a in argv)
    return s if len(s) <= limit else s[:limit] + f"...({len(argv)} args)"


def describe(argv, want, got):
    """Where two raw replies first differ, with a window of bytes around it."""
    i = next((i for i, (x, y) in enumerate(zip(want, got)) if x != y), min(len(want), len(got)))
    lo = max(0, i - 24)
    return (f"{fmt(argv)}: {len(want)} vs {len(got)} bytes, first difference at byte {i}:\n"
            f"    source {want[lo:i + 48]!r}\n    target {got[lo:i + 48]!r}")


def assert_no_diffs(diffs, what):
    assert not diffs, f"{what}: {len(diffs)} difference(s):\n" + "\n".join(diffs[:40])


# ---------------------------------------------------------------------------------------------
# The dataset.

def chunks(items, n=2000):
    return [items[i:i + n] for i in range(0, len(items), n)]


def pfadd_many(c, key, elements):
    for part in chunks(elements):
        c.ok("PFADD", key, *part)


def geo_points():
    """~200 (lon, lat, member): the map's edges, a cluster around Sicily, and seeded random points."""
    rnd = random.Random(70015)
    edges = [("180", "85.05112878", "edge:ne"), ("-180", "85.05112878", "edge:nw"),
             ("180", "-85.05112878", "edge:se"), ("-180", "-85.05112878", "edge:sw"),
             ("180", "0", "edge:e"), ("-180", "0", "edge:w"), ("0", "85.05112878", "edge:n"),
             ("0", "-85.05112878", "edge:s"), ("0", "0", "edge:origin"), ("179.999999", "-0.000001", "edge:e2"),
             ("-179.999999", "85.05112877", "edge:nw2"), ("13.361389", "38.115556", "Palermo"),
             ("15.087269", "37.502669", "Catania")]
    sicily = [(f"{rnd.uniform(12, 16):.6f}", f"{rnd.uniform(36, 39):.6f}", f"s:{i}") for i in range(20)]
    world = [(f"{rnd.uniform(-180, 180):.6f}", f"{rnd.uniform(-85.05112878, 85.05112878):.6f}", f"p:{i}")
             for i in range(170)]
    return edges + sicily + world


def flat(points):
    return [x for p in points for x in p]


def state_of(c, key):
    """(encoding, cache valid) from an HLL string's header."""
    v = c.ok("GET", key)
    assert v[:4] == b"HYLL", (key, v[:16])
    return {0: "dense", 1: "sparse"}[v[4]], (v[15] & 0x80) == 0


def build(c):
    """Builds the HLL and geo keys on a source, and checks they are what their names say."""
    c.ok("CONFIG", "SET", "hll-sparse-max-bytes", "3000")
    c.ok("PFADD", "hll:sparse", *[f"s{i}" for i in range(6)])
    c.ok("PFCOUNT", "hll:sparse")  # caches the cardinality
    assert c.ok("PFADD", "hll:sparse", "s0") == 0  # no register changed: the cache stays valid
    c.ok("PFADD", "hll:sparse:nocache", *[f"u{i}" for i in range(40)])
    c.ok("PFADD", "hll:sparse:big", *[f"b{i}" for i in range(500)])
    c.ok("PFCOUNT", "hll:sparse:big")
    pfadd_many(c, "hll:dense", [f"d{i}" for i in range(20000)])
    c.ok("PFCOUNT", "hll:dense")
    pfadd_many(c, "hll:dense:nocache", [f"e{i}" for i in range(20000)])
    c.ok("CONFIG", "SET", "hll-sparse-max-bytes", "100")
    c.ok("PFADD", "hll:promoted", *[f"p{i}" for i in range(200)])
    c.ok("CONFIG", "SET", "hll-sparse-max-bytes", "3000")
    c.ok("PFMERGE", "hll:merged", "hll:sparse", "hll:dense")
    c.ok("PFMERGE", "hll:merged:sparse", "hll:sparse", "hll:sparse:nocache")
    c.ok("PFMERGE", "hll:merged:counted", "hll:sparse:big", "hll:dense:nocache")
    c.ok("PFCOUNT", "hll:merged:counted")
    c.ok("PFADD", "hll:empty")
    want = {"hll:sparse": ("sparse", True), "hll:sparse:nocache": ("sparse", False),
            "hll:sparse:big": ("sparse", True), "hll:dense": ("dense", True),
            "hll:dense:nocache": ("dense", False), "hll:promoted": ("dense", False),
            "hll:merged": ("dense", False), "hll:merged:sparse": ("sparse", False),
            "hll:merged:counted": ("dense", True)}
    assert {k: state_of(c, k) for k in want} == want
    # The promoted HLL is dense because of the lowered limit only: 500 elements stay sparse.
    assert c.ok("PFCOUNT", "hll:promoted") < c.ok("PFCOUNT", "hll:sparse:big")

    points = geo_points()
    assert c.ok("GEOADD", "geo:pts", *flat(points)) == len(points)
    moved = [(f"{10 + i}.5", f"{-20 - i}.25", f"p:{i}") for i in range(10)]
    assert c.ok("GEOADD", "geo:pts", "XX", "CH", *flat(moved), "1", "2", "not:added") == 10
    assert c.ok("GEOADD", "geo:pts", "NX", "CH", "1", "1", "p:11", "2.5", "3.5", "nx:new") == 1
    same = next(p for p in points if p[2] == "p:20")
    assert c.ok("GEOADD", "geo:pts", "CH", *same) == 0
    assert c.ok("GEOADD", "geo:pts", "XX", "CH", "-180", "-85.05112878", "edge:ne") == 1
    c.ok("GEOADD", "geo:small", "13.361389", "38.115556", "Palermo", "15.087269", "37.502669", "Catania",
         "2.349014", "48.864716", "Paris", "-180", "85.05112878", "corner")
    assert c.ok("GEOADD", "geo:small", "XX", "CH", "2.35", "48.86", "Paris") == 1
    assert c.ok("GEOSEARCHSTORE", "geo:dist:near", "geo:pts", "FROMLONLAT", "15", "37", "BYRADIUS", "400", "km",
                "ASC", "COUNT", "15", "STOREDIST") == 15
    # Nearly every point (Redis's geohash boxes miss a few at the map's edges for a radius this large).
    assert len(points) - 10 <= c.ok("GEOSEARCHSTORE", "geo:dist:world", "geo:pts", "FROMLONLAT", "1.5", "2.5",
                                    "BYRADIUS", "21000", "km", "ASC", "STOREDIST") <= len(points) + 1
    assert c.ok("GEOSEARCHSTORE", "geo:box", "geo:pts", "FROMMEMBER", "edge:sw", "BYBOX", "9000", "4000", "km",
                "DESC") >= 3
    assert c.ok("ZCARD", "geo:pts") == len(points) + 1 >= 200
    assert c.ok("OBJECT", "ENCODING", "geo:pts") == b"skiplist"
    assert c.ok("OBJECT", "ENCODING", "geo:dist:world") == b"skiplist"
    assert c.ok("OBJECT", "ENCODING", "geo:small") == b"listpack"
    assert c.ok("OBJECT", "ENCODING", "geo:dist:near") == b"listpack"


def further_writes(c):
    """The same writes on the source and on the target after a transfer; returns the raw replies."""
    out = []
    script = [
        ["PFADD", "hll:sparse", *[f"x{i}" for i in range(10)]],
        ["PFADD", "hll:sparse:nocache", *[f"x{i}" for i in range(100)]],
        ["PFADD", "hll:sparse:big", *[f"m{i}" for i in range(3000)]],  # past 3000 bytes: dense
        ["PFADD", "hll:dense", *[f"m{i}" for i in range(3000)]],
        ["PFADD", "hll:dense:nocache", "d1", "d2", "zz"],
        ["PFADD", "hll:promoted", *[f"q{i}" for i in range(50)]],
        ["PFADD", "hll:merged", "zz", "yy"],
        ["PFADD", "hll:merged:sparse", "zz", "yy"],
        ["PFADD", "hll:empty", "first"],
        ["PFADD", "hll:fresh", "a", "b", "c"],
        ["PFMERGE", "hll:merged:after", "hll:sparse", "hll:promoted", "hll:merged:sparse"],
        ["PFMERGE", "hll:merged:sparse", "hll:empty"],
        ["PFCOUNT", "hll:merged:after"],
        ["GEOADD", "geo:pts", "10", "10", "new:a", "180", "-85.05112878", "new:se"],
        ["GEOADD", "geo:pts", "XX", "CH", "11", "11", "new:a", "0", "0", "p:40"],
        ["GEOADD", "geo:small", "CH", "-0.1278", "51.5074", "London"],
        ["GEOSEARCHSTORE", "geo:dist:after", "geo:pts", "FROMMEMBER", "p:0", "BYRADIUS", "5000", "km", "ASC",
         "STOREDIST"],
        ["GEOSEARCHSTORE", "geo:box", "geo:pts", "FROMMEMBER", "Catania", "BYBOX", "2000", "2000", "km", "ASC"],
    ]
    for argv in script:
        out.append((argv, c.raw(*argv)))
    return out


def compare_further(src, dst):
    s, d = further_writes(src), further_writes(dst)
    diffs = [describe(argv, x, y) for (argv, x), (_, y) in zip(s, d) if x != y]
    assert_no_diffs(diffs, "replies to the same further writes")
    assert state_of(src, "hll:sparse:big")[0] == "dense"


# ---------------------------------------------------------------------------------------------
# Comparing.

def keys_of(c):
    return sorted(c.ok("KEYS", "*"))


def geo_queries(c):
    """Read-only geo queries over the source's keys (members as the source has them)."""
    qs = []
    for key in (b"geo:pts", b"geo:small", b"geo:box"):
        members = c.ok("ZRANGE", key, 0, -1)
        assert members, key
        qs.append(["GEOPOS", key, *members, "no:such"])
        qs.append(["GEOHASH", key, *members, "no:such"])
        pairs = list(zip(members, members[1:]))[::max(1, len(members) // 12)]
        for i, (m1, m2) in enumerate(pairs):
            qs.append(["GEODIST", key, m1, m2, ["m", "km", "mi", "ft"][i % 4]])
        qs.append(["GEODIST", key, members[0], "no:such"])
        qs.append(["GEOSEARCH", key, "FROMLONLAT", "14", "38", "BYRADIUS", "21000", "km", "WITHCOORD", "WITHDIST",
                   "ASC"])
    pts = [
        ["FROMLONLAT", "15", "37", "BYRADIUS", "500", "km", "WITHCOORD", "WITHDIST", "WITHHASH", "ASC"],
        ["FROMLONLAT", "1.5", "2.5", "BYRADIUS", "21000", "km", "WITHCOORD", "WITHDIST", "ASC"],
        ["FROMMEMBER", "edge:nw", "BYBOX", "6000", "3000", "km", "WITHCOORD", "WITHDIST", "ASC"],
        ["FROMMEMBER", "edge:sw", "BYRADIUS", "3000", "km", "WITHCOORD", "WITHDIST", "DESC"],
        ["FROMLONLAT", "-179.9", "0.1", "BYBOX", "1000", "1000", "km", "WITHCOORD", "WITHDIST", "ASC"],
        ["FROMLONLAT", "179.9", "-84.9", "BYRADIUS", "800", "km", "WITHCOORD", "WITHDIST", "ASC"],
        ["FROMMEMBER", "Palermo", "BYRADIUS", "200", "mi", "WITHCOORD", "WITHDIST", "ASC", "COUNT", "5"],
    ]
    qs += [["GEOSEARCH", "geo:pts", *q] for q in pts]
    for key in keys_of(c):
        if key.startswith(b"geo:"):
            qs.append(["ZRANGE", key, 0, -1, "WITHSCORES"])
    return qs


def compare(src, dst, replica=False, invalid_caches=True, what=""):
    """Every check, target against source. `replica`: the target is a read-only replica of the source
    (PFDEBUG is a write command there, so its encoding is read from the GET value's header).
    `invalid_caches`: some HLL is expected to hold an invalidated cardinality cache."""
    diffs = []

    def same(*argv):
        x, y = src.raw(*argv), dst.raw(*argv)
        if x != y:
            diffs.append(describe(argv, x, y))
        return x

    keys = keys_of(src)
    assert keys_of(dst) == keys, f"{what}: keys differ"
    hll = [k for k in keys if k.startswith(b"hll:")]
    geo = [k for k in keys if k.startswith(b"geo:")]
    assert len(hll) >= 10 and len(geo) >= 4, keys
    invalid = [k for k in hll if (src.ok("GET", k)[15] & 0x80)]
    assert bool(invalid) == invalid_caches, f"{what}: HLLs with an invalid cache: {invalid}"
    # Raw bytes first, before anything below runs PFCOUNT.
    for k in hll:
        same("GET", k)
    for k in keys:
        same("DUMP", k)
        same("TYPE", k)
    for k in geo:
        same("OBJECT", "ENCODING", k)
    for k in hll:
        want = src.ok("PFDEBUG", "ENCODING", k)
        if replica:
            got = state_of(dst, k)[0].encode()
            if got != want:
                diffs.append(f"PFDEBUG ENCODING {k!r}: source {want!r}, target's GET header {got!r}")
        else:
            same("PFDEBUG", "ENCODING", k)
    for k in hll:
        same("PFCOUNT", k)
    for group in (hll, hll[::2], [b"hll:sparse", b"hll:dense"], [b"hll:sparse", b"hll:sparse:nocache"],
                  [b"hll:promoted", b"hll:merged:sparse", b"hll:empty"]):
        same("PFCOUNT", *group)
    if replica:  # the source's PFCOUNTs wrote caches and were propagated
        wait_until(lambda: caught_up(src.node, dst.node), limit=WAIT, what="replica caught up after PFCOUNT")
    for k in hll:
        same("GET", k)
        same("DUMP", k)
    assert not [k for k in hll if (src.ok("GET", k)[15] & 0x80)], "PFCOUNT left an invalid cache"
    for argv in geo_queries(src):
        same(*argv)
    assert_no_diffs(diffs, what)


def client(node):
    c = R(node.port)
    c.node = node
    return c


# ---------------------------------------------------------------------------------------------
# 0. The reference: real Redis's own payloads are deterministic.

def test_real_redis_payloads_are_deterministic(launch):
    """The same commands on two real servers give byte-equal GETs and DUMPs for every key (the
    skiplist zsets too: RDB saves them in score order), so comparing DUMP bytes across servers is
    meaningful; and a real->real RESTORE re-DUMPs to the same bytes."""
    a, b_ = client(launch(REAL)), client(launch(REAL))
    build(a)
    build(b_)
    keys = keys_of(a)
    assert keys_of(b_) == keys
    diffs = []
    for k in keys:
        for argv in (["DUMP", k], ["GET", k] if k.startswith(b"hll:") else ["TYPE", k]):
            x, y = a.raw(*argv), b_.raw(*argv)
            if x != y:
                diffs.append(describe(argv, x, y))
    c = client(launch(REAL))
    for k in keys:
        assert c.ok("RESTORE", k, 0, a.ok("DUMP", k)) == b"OK"
        if c.raw("DUMP", k) != a.raw("DUMP", k):
            diffs.append(describe(["DUMP after RESTORE", k], a.raw("DUMP", k), c.raw("DUMP", k)))
    assert_no_diffs(diffs, "real vs real")


# ---------------------------------------------------------------------------------------------
# 1. RDB files.

@DIRECTIONS
def test_rdb_interop(launch, source, target):
    src = client(launch(source))
    build(src)
    assert src.ok("SAVE") == b"OK"
    d = launch.mkdir()
    shutil.copy(os.path.join(src.node.dir, "dump.rdb"), os.path.join(d, "dump.rdb"))
    dst = client(launch(target, workdir=d))
    compare(src, dst, what=f"{source} saved, {target} loaded the RDB")
    compare_further(src, dst)
    compare(src, dst, what="after the same further writes on both")


# ---------------------------------------------------------------------------------------------
# 2. Replication.

def live_stream(src, dst):
    """Writes on the master while the replica is linked; the hll-sparse-max-bytes limit is lowered on
    both (the replica runs the propagated PFADD itself) for one promotion."""
    dst.ok("CONFIG", "SET", "hll-sparse-max-bytes", "100")
    src.ok("CONFIG", "SET", "hll-sparse-max-bytes", "100")
    src.ok("PFADD", "hll:live:promoted", *[f"lp{i}" for i in range(200)])
    wait_until(lambda: caught_up(src.node, dst.node), limit=WAIT, what="replica caught up (promotion)")
    for c in (dst, src):
        c.ok("CONFIG", "SET", "hll-sparse-max-bytes", "3000")
    src.ok("PFADD", "hll:sparse", *[f"l{i}" for i in range(5)])
    pfadd_many(src, "hll:dense", [f"l{i}" for i in range(1000)])
    src.ok("PFADD", "hll:live:sparse", "a", "b", "c")
    src.ok("PFADD", "hll:live:dense", *[f"ld{i}" for i in range(3000)])
    src.ok("PFMERGE", "hll:live:merged", "hll:sparse", "hll:live:sparse")
    src.ok("PFMERGE", "hll:live:merged2", "hll:live:sparse", "hll:dense")
    src.ok("PFMERGE", "hll:sparse:nocache", "hll:live:sparse")
    src.ok("PFCOUNT", "hll:live:sparse")
    src.ok("PFCOUNT", "hll:live:merged2")
    src.ok("PFADD", "hll:live:nocache", "n1", "n2")
    assert src.ok("GEOADD", "geo:pts", "12", "34", "live:a", "-180", "-85.05112878", "live:sw") == 2
    assert src.ok("GEOADD", "geo:pts", "XX", "CH", "1", "1", "live:a", "2", "2", "p:30", "3", "3", "nope") == 2
    src.ok("GEOADD", "geo:live", "1", "1", "a", "180", "85.05112878", "b")
    src.ok("GEOSEARCHSTORE", "geo:dist:live", "geo:pts", "FROMMEMBER", "Palermo", "BYRADIUS", "1000", "km", "ASC",
           "STOREDIST")
    src.ok("GEOSEARCHSTORE", "geo:box", "geo:pts", "FROMLONLAT", "0", "0", "BYBOX", "10000", "10000", "km", "ASC",
           "COUNT", "50")
    want = {"hll:live:promoted": ("dense", False), "hll:live:dense": ("dense", False),
            "hll:live:sparse": ("sparse", True), "hll:live:merged": ("sparse", False),
            "hll:live:merged2": ("dense", True), "hll:live:nocache": ("sparse", False)}
    assert {k: state_of(src, k) for k in want} == want
    wait_until(lambda: caught_up(src.node, dst.node), limit=WAIT, what="replica caught up (live stream)")


@DIRECTIONS
def test_replication_full_sync_and_live_stream(launch, source, target):
    srcn = launch(source)
    src = client(srcn)
    build(src)
    dstn = launch(target, "--replicaof", "127.0.0.1", str(srcn.port))
    dst = client(dstn)
    wait_until(lambda: link_up(dstn), limit=WAIT, what="master_link_status:up")
    wait_until(lambda: caught_up(srcn, dstn), limit=WAIT, what="replica offset reached the master's")
    assert dstn.client().info("replication")["role"] == "slave"
    compare(src, dst, replica=True, what=f"{source} master, {target} replica after the full sync")
    live_stream(src, dst)
    compare(src, dst, replica=True, what=f"{source} master, {target} replica after the live stream")
    assert dst.ok("REPLICAOF", "NO", "ONE") == b"OK"
    compare(src, dst, invalid_caches=False, what="after REPLICAOF NO ONE")
    compare_further(src, dst)
    compare(src, dst, what="after the same further writes on both")


# ---------------------------------------------------------------------------------------------
# 3. DUMP / RESTORE.

@DIRECTIONS
def test_dump_restore(launch, source, target):
    src, dst = client(launch(source)), client(launch(target))
    build(src)
    for k in keys_of(src):
        payload = src.ok("DUMP", k)
        assert dst.ok("RESTORE", k, 0, payload) == b"OK", k
    compare(src, dst, what=f"DUMP by {source}, RESTORE in {target}")
    compare_further(src, dst)
    compare(src, dst, what="after the same further writes on both")
