"""Client-side caching (CLIENT TRACKING) beyond what one differential script can express: every
scenario runs against a real redis-server 7.0.15 and against ours, started with the same options,
and what each server sent is compared exactly (raw RESP bytes where the order is deterministic;
counts and key sets where Redis picks keys at random).

- RESP2 redirect mode: invalidations published to a `__redis__:invalidate` subscriber, FLUSHALL's
  null, BCAST with prefixes and NOLOOP through a redirect, and a broken redirect (the RESP2 client
  learns nothing but TRACKINGINFO's `broken_redirect`; a RESP3 one gets `tracking-redir-broken`).
- Redirect targets in the other protocol, and a client redirecting to itself.
- redis-py's client-side cache (RESP3 pushes): reads served locally, invalidated by other writes.
- tracking-table-max-keys: keys dropped from the table are announced as invalidations; INFO's
  tracking_clients / tracking_total_keys / tracking_total_items / tracking_total_prefixes.
- Invalidations caused by eviction (maxmemory, allkeys-random) and by active and lazy expiry.

Ours is conftest's OURS ($REDIS_HA_NODE, else target/release/redis-ha-node). To check the tests
themselves against real redis on both sides: REDIS_HA_NODE=/usr/bin/redis-server pytest ...
"""
import re
import socket
import time

import pytest
import redis
from redis.cache import CacheConfig
from redis.connection import CacheProxyConnection

from conftest import OURS, ServerProc
from run_diff import Conn, encode

ARGS = ("--enable-debug-command", "yes")
QUIET = 0.3  # a connection that stays silent this long has nothing more coming
WAIT = 10.0


@pytest.fixture
def servers():
    """A fresh real redis-server and a fresh ours for each test (CONFIG changes, tracking tables
    and INFO counters start clean)."""
    real = ServerProc("redis-server", ARGS, name="track-redis")
    try:
        ours = ServerProc(OURS, ARGS, name="track-ours")
    except Exception:
        real.stop()
        raise
    yield {"redis": real, "ours": ours}
    real.stop()
    ours.stop()


def run_both(servers, scenario, *args):
    """The scenario's observations on each server (real redis first)."""
    return {which: scenario(srv.port, *args) for which, srv in servers.items()}


def _b(x):
    return x if isinstance(x, bytes) else str(x).encode()


class Client:
    """A raw connection: replies as raw bytes (exact comparisons) or parsed (type, payload)."""

    def __init__(self, port, resp3=False):
        self.conn = Conn(port)
        self.early = []  # pushes set aside by call_past_pushes
        if resp3:
            self.call("HELLO", 3)

    def call(self, *args):
        return self.conn.call([_b(a) for a in args])[0]

    def value(self, *args):
        return self.conn.call([_b(a) for a in args])[1]

    def call_past_pushes(self, *args):
        """The command's reply, setting aside the RESP3 pushes that arrive before it (for drain):
        for commands racing with asynchronous invalidations."""
        self.conn.sock.sendall(encode([_b(a) for a in args]))
        while True:
            raw, value = self.conn.reply()
            if value[0] != b">":
                return raw
            self.early.append((raw, value))

    def id(self):
        return int(self.value("CLIENT", "ID")[1])

    def drain_parsed(self, quiet=QUIET):
        """Every (raw, parsed) message that arrives until the connection is quiet."""
        got, self.early = self.early, []
        self.conn.sock.settimeout(quiet)
        try:
            while True:
                got.append(self.conn.reply())
        except socket.timeout:
            pass
        finally:
            self.conn.sock.settimeout(WAIT)
        return got

    def drain(self, quiet=QUIET):
        """The raw bytes of every message that arrives until the connection is quiet."""
        return [raw for raw, _ in self.drain_parsed(quiet)]

    def close(self):
        self.conn.sock.close()


def invalidated_keys(parsed):
    """The key lists of a sequence of invalidation messages: a RESP3 push [invalidate, keys] or a
    RESP2 message [message, __redis__:invalidate, keys]; None stands for a flush."""
    out = []
    for t, items in parsed:
        assert t in (b">", b"*"), (t, items)
        payload = items[-1]
        if payload[1] is None or payload[0] == b"_":
            out.append(None)
        else:
            out.append([k for _, k in payload[1]])
    return out


def info(client, section=""):
    raw = client.value(*(("INFO", section) if section else ("INFO",)))[1].decode()
    return dict(line.split(":", 1) for line in raw.split("\r\n") if ":" in line and not line.startswith("#"))


def tracking_info(client):
    i = info(client)
    return {k: int(i[k]) for k in ("tracking_clients", "tracking_total_keys", "tracking_total_items",
                                    "tracking_total_prefixes")}


def wait_until(what, cond, timeout=WAIT):
    deadline = time.time() + timeout
    while not cond():
        assert time.time() < deadline, f"timed out waiting for {what}"
        time.sleep(0.02)


def wait_client_gone(w, cid):
    wait_until(f"client {cid} to be gone", lambda: w.value("CLIENT", "LIST", "ID", cid)[1] == b"")


def masked(raw, cid, name):
    """Replaces the integer reply/element `cid` (a client id, which differs between servers)."""
    return raw.replace(b":%d\r\n" % cid, b":<%s>\r\n" % name.encode())


# ---------------------------------------------------------------------------------------------
# RESP2 redirect mode


def redirect_scenario(port):
    out = []
    a, b, w = Client(port), Client(port), Client(port)
    aid = a.id()

    def log(label, raw, mask=False):
        if isinstance(raw, list):
            raw = b"".join(raw)
        out.append((label, masked(raw, aid, "A") if mask else raw))

    log("subscribe", a.call("SUBSCRIBE", "__redis__:invalidate"))
    log("tracking on redirect", b.call("CLIENT", "TRACKING", "on", "REDIRECT", aid))
    log("trackinginfo", b.call("CLIENT", "TRACKINGINFO"), True)
    log("getredir", b.call("CLIENT", "GETREDIR"), True)
    log("two redirects", b.call("CLIENT", "TRACKING", "on", "REDIRECT", aid, "REDIRECT", aid))
    b.call("MGET", "k1", "k2", "k3")
    w.call("MSET", "k1", "1", "k2", "2")
    log("A after another client's MSET", a.drain())
    log("B after another client's MSET", b.drain())
    b.call("GET", "k1")
    log("own write", b.call("SET", "k1", "x"))
    log("A after B's own write", a.drain())
    log("B after its own write", b.drain())
    w.call("FLUSHALL")
    log("A after FLUSHALL", a.drain())
    log("own FLUSHALL", b.call("FLUSHALL"))
    log("A after B's FLUSHALL", a.drain())
    log("B after its FLUSHALL", b.drain())

    # BCAST with prefixes through the redirect: one message per prefix with the keys in order
    b.call("CLIENT", "TRACKING", "off")
    log("bcast on", b.call("CLIENT", "TRACKING", "on", "BCAST", "PREFIX", "user:", "PREFIX", "obj:",
                           "REDIRECT", aid))
    log("bcast trackinginfo", b.call("CLIENT", "TRACKINGINFO"), True)
    w.call("MSET", "user:2", "a", "user:1", "b", "obj:1", "c", "other", "d")
    log("A after MSET under BCAST", a.drain())
    w.call("SET", "other", "x")
    log("A after a non-matching write", a.drain())
    w.call("FLUSHDB")
    log("A after FLUSHDB under BCAST", a.drain())

    # NOLOOP through the redirect
    b.call("CLIENT", "TRACKING", "off")
    b.call("CLIENT", "TRACKING", "on", "REDIRECT", aid, "NOLOOP")
    b.call("GET", "n")
    b.call("SET", "n", "own")
    log("A after a NOLOOP client's own write", a.drain())
    b.call("GET", "n")
    w.call("SET", "n", "other")
    log("A after another client's write (NOLOOP)", a.drain())

    # the redirect target leaves: nothing is said until an invalidation is due
    b.call("CLIENT", "TRACKING", "off")
    b.call("CLIENT", "TRACKING", "on", "REDIRECT", aid)
    b.call("MGET", "r1", "r2")
    a.close()
    wait_client_gone(w, aid)
    log("trackinginfo, target gone", b.call("CLIENT", "TRACKINGINFO"), True)
    w.call("MSET", "r1", "1", "r2", "2")
    log("RESP2 B after a write, target gone", b.drain())
    log("trackinginfo, redirect broken", b.call("CLIENT", "TRACKINGINFO"), True)
    log("getredir, redirect broken", b.call("CLIENT", "GETREDIR"), True)
    # RESP3: a tracking-redir-broken push for every invalidation that cannot be delivered
    b.call("HELLO", 3)
    log("RESP3 trackinginfo, redirect broken", b.call("CLIENT", "TRACKINGINFO"), True)
    b.call("GET", "r1")
    w.call("SET", "r1", "x")
    log("RESP3 B after a write, target gone", b.drain(), True)
    b.call("MGET", "r1", "r2")
    w.call("MSET", "r1", "2", "r2", "2")
    log("RESP3 B after a write of two keys", b.drain(), True)
    w.call("SET", "r1", "3")
    log("RESP3 B after a write of an untracked key", b.drain())
    w.call("FLUSHALL")
    log("RESP3 B after FLUSHALL", b.drain(), True)
    b.call("GET", "r1")
    log("RESP3 own write, target gone", b.call("SET", "r1", "own"))
    log("RESP3 B after its own write", b.drain(), True)
    # a plain ON drops the redirect (and the broken flag): pushes come to B itself
    log("on again", b.call("CLIENT", "TRACKING", "on"))
    log("trackinginfo after on", b.call("CLIENT", "TRACKINGINFO"))
    b.call("GET", "r1")
    w.call("SET", "r1", "4")
    log("RESP3 B, no redirect", b.drain())
    b.close()
    w.close()
    return out


def test_resp2_redirect_mode(servers):
    got = run_both(servers, redirect_scenario)
    real = dict(got["redis"])
    msg = b"*3\r\n$7\r\nmessage\r\n$20\r\n__redis__:invalidate\r\n"
    assert real["A after another client's MSET"] == msg + b"*1\r\n$2\r\nk1\r\n" + msg + b"*1\r\n$2\r\nk2\r\n"
    assert real["B after another client's MSET"] == b""
    assert real["A after B's own write"] == msg + b"*1\r\n$2\r\nk1\r\n"
    assert real["A after FLUSHALL"] == msg + b"$-1\r\n"
    assert real["A after B's FLUSHALL"] == msg + b"$-1\r\n"
    assert real["two redirects"] == b"-ERR A client can only redirect to a single other client\r\n"
    assert real["A after MSET under BCAST"] == (msg + b"*1\r\n$5\r\nobj:1\r\n"
                                                + msg + b"*2\r\n$6\r\nuser:1\r\n$6\r\nuser:2\r\n")
    assert real["A after a non-matching write"] == b""
    assert real["A after a NOLOOP client's own write"] == b""
    assert real["RESP2 B after a write, target gone"] == b""
    assert b"broken_redirect" not in real["trackinginfo, target gone"]
    assert b"broken_redirect" in real["trackinginfo, redirect broken"]
    assert real["getredir, redirect broken"] == b":<A>\r\n"
    broken = b">2\r\n$21\r\ntracking-redir-broken\r\n:<A>\r\n"
    assert real["RESP3 B after a write, target gone"] == broken
    assert real["RESP3 B after a write of two keys"] == broken * 2
    assert real["RESP3 B after a write of an untracked key"] == b""
    assert real["RESP3 B after FLUSHALL"] == broken
    assert real["RESP3 B after its own write"] == broken
    assert real["RESP3 B, no redirect"] == b">2\r\n$10\r\ninvalidate\r\n*1\r\n$2\r\nr1\r\n"
    for (label, r), (_, o) in zip(got["redis"], got["ours"]):
        assert o == r, f"{label}:\n  redis: {r!r}\n  ours:  {o!r}"
    assert len(got["ours"]) == len(got["redis"])


def target_protocols_scenario(port):
    """What the redirect target receives depending on its protocol and subscription: a RESP3
    target gets pushes (subscribed or not), a RESP2 one only as a subscriber; the flush's null is
    written in the *tracking* client's protocol whatever the target's."""
    out = []
    w = Client(port)

    def case(label, src_resp3, dst_resp3, subscribe):
        dst = Client(port, resp3=dst_resp3)
        did = dst.id()
        if subscribe:
            dst.call("SUBSCRIBE", "__redis__:invalidate")
        src = Client(port, resp3=src_resp3)
        src.call("CLIENT", "TRACKING", "on", "REDIRECT", did)
        src.call("GET", "pk")
        w.call("SET", "pk", label)
        first = b"".join(dst.drain())
        w.call("FLUSHALL")
        flush = b"".join(dst.drain())
        out.append((label, first, flush, b"".join(src.drain())))
        src.close()
        dst.close()

    case("RESP2 to RESP2 subscriber", False, False, True)
    case("RESP2 to RESP2 non-subscriber", False, False, False)
    case("RESP2 to RESP3 non-subscriber", False, True, False)
    case("RESP2 to RESP3 subscriber", False, True, True)
    case("RESP3 to RESP2 subscriber", True, False, True)
    case("RESP3 to RESP3 non-subscriber", True, True, False)

    # redirecting to itself: nothing in RESP2 (a client cannot be subscribed and send commands),
    # the usual pushes in RESP3
    s = Client(port)
    sid = s.id()
    out.append(("self redirect", masked(s.call("CLIENT", "TRACKING", "on", "REDIRECT", sid), sid, "S")))
    s.call("GET", "sk")
    w.call("SET", "sk", "1")
    out.append(("self redirect RESP2", b"".join(s.drain())))
    s.call("HELLO", 3)
    s.call("GET", "sk")
    w.call("SET", "sk", "2")
    out.append(("self redirect RESP3", b"".join(s.drain())))
    out.append(("self getredir", masked(s.call("CLIENT", "GETREDIR"), sid, "S")))
    s.close()
    w.close()
    return out


def test_redirect_target_protocols(servers):
    got = run_both(servers, target_protocols_scenario)
    real = {row[0]: row[1:] for row in got["redis"]}
    msg = b"*3\r\n$7\r\nmessage\r\n$20\r\n__redis__:invalidate\r\n"
    push = b">2\r\n$10\r\ninvalidate\r\n"
    key = b"*1\r\n$2\r\npk\r\n"
    assert real["RESP2 to RESP2 subscriber"] == (msg + key, msg + b"$-1\r\n", b"")
    assert real["RESP2 to RESP2 non-subscriber"] == (b"", b"", b"")
    assert real["RESP2 to RESP3 non-subscriber"] == (push + key, push + b"$-1\r\n", b"")
    assert real["RESP2 to RESP3 subscriber"] == (push + key, push + b"$-1\r\n", b"")
    assert real["RESP3 to RESP2 subscriber"] == (msg + key, msg + b"_\r\n", b"")
    assert real["RESP3 to RESP3 non-subscriber"] == (push + key, push + b"_\r\n", b"")
    assert real["self redirect RESP2"] == (b"",)
    assert real["self redirect RESP3"] == (push + b"*1\r\n$2\r\nsk\r\n",)
    assert got["ours"] == got["redis"]


# ---------------------------------------------------------------------------------------------
# redis-py client-side caching (RESP3 push mode)


def get_calls(w, command):
    stats = w.info("commandstats")
    return stats.get(f"cmdstat_{command}", {}).get("calls", 0)


def redis_py_scenario(port):
    w = redis.Redis(port=port, socket_timeout=WAIT)
    w.flushall()
    w.set("foo", "bar")
    w.hset("h", mapping={"f": "v"})
    r = redis.Redis(port=port, protocol=3, cache_config=CacheConfig(), socket_timeout=WAIT)
    cache = r.get_cache()
    obs = []

    def note(label, values):
        obs.append((label, values, get_calls(w, "get"), get_calls(w, "hgetall"), cache.size))

    note("before", None)
    note("five GETs", [r.get("foo") for _ in range(5)])
    note("three HGETALLs", [r.hgetall("h") for _ in range(3)])
    note("trackinginfo", r.execute_command("CLIENT", "TRACKINGINFO"))
    w.set("foo", "baz")
    time.sleep(QUIET)
    note("GETs after another client's SET", [r.get("foo") for _ in range(3)])
    note("HGETALL still cached", r.hgetall("h"))
    w.hset("h", "g", "w")
    time.sleep(QUIET)
    note("HGETALL after HSET", [r.hgetall("h") for _ in range(2)])
    r.set("foo", "own")
    note("GETs after the client's own SET", [r.get("foo") for _ in range(2)])
    w.expire("foo", 1)
    time.sleep(QUIET)
    note("GET after EXPIRE", r.get("foo"))
    w.flushall()
    time.sleep(QUIET)
    note("after FLUSHALL", [r.get("foo"), r.hgetall("h")])
    note("missing key (redis-py caches no None)", [r.get("foo") for _ in range(2)])
    w.set("foo", "again")
    time.sleep(QUIET)
    note("created key", [r.get("foo") for _ in range(2)])
    r.close()
    w.close()
    return obs


def test_redis_py_client_side_cache(servers, monkeypatch):
    # redis-py 8 only enables its cache against Redis >= 7.4 (a version check in
    # CacheProxyConnection.connect, not a protocol requirement): 7.0 has the same tracking.
    monkeypatch.setattr(CacheProxyConnection, "MIN_ALLOWED_VERSION", "7.0.0")
    got = run_both(servers, redis_py_scenario)
    real = {row[0]: row[1:] for row in got["redis"]}
    # (values, GET calls, HGETALL calls, cache entries)
    assert real["before"] == (None, 0, 0, 0)
    assert real["five GETs"] == ([b"bar"] * 5, 1, 0, 1)
    assert real["three HGETALLs"] == ([{b"f": b"v"}] * 3, 1, 1, 2)
    assert real["GETs after another client's SET"] == ([b"baz"] * 3, 2, 1, 2)
    assert real["HGETALL after HSET"] == ([{b"f": b"v", b"g": b"w"}] * 2, 2, 2, 2)
    assert real["GETs after the client's own SET"] == ([b"own"] * 2, 3, 2, 2)
    assert real["GET after EXPIRE"] == (b"own", 4, 2, 2)
    assert real["after FLUSHALL"] == ([None, {}], 5, 3, 1)
    assert real["missing key (redis-py caches no None)"] == ([None, None], 7, 3, 1)
    assert real["created key"] == ([b"again"] * 2, 8, 3, 2)
    assert got["ours"] == got["redis"]


# ---------------------------------------------------------------------------------------------
# tracking-table-max-keys and INFO's tracking fields


def max_keys_scenario(port):
    """Redis enforces tracking-table-max-keys before every command (processCommand) and in
    serverCron (hz times a second): a table the last command left over the limit, or a limit
    lowered by CONFIG SET, shrinks within ~100 ms with no further command. Each dropped key (a
    random one) is announced like a modification."""
    obs = {}
    w = Client(port)
    c1, c2, bc = Client(port, resp3=True), Client(port, resp3=True), Client(port, resp3=True)
    obs["start"] = tracking_info(w)
    c1.call("CLIENT", "TRACKING", "on")
    c2.call("CLIENT", "TRACKING", "on")
    bc.call("CLIENT", "TRACKING", "on", "BCAST", "PREFIX", "a:", "PREFIX", "b:")
    obs["tracking, nothing read"] = tracking_info(w)
    c1.call("MGET", *[f"s:{i}" for i in range(5)])
    c2.call("GET", "s:0")
    c2.call("GET", "s:1")
    c2.call("GET", "t:0")
    obs["two readers"] = tracking_info(w)
    w.call("SET", "s:0", "x")
    obs["after invalidating a shared key"] = tracking_info(w)
    obs["pushes after it"] = (c1.drain(), c2.drain(), bc.drain())
    w.call("FLUSHALL")
    obs["pushes after FLUSHALL"] = (c1.drain(), c2.drain(), bc.drain())
    obs["after FLUSHALL"] = tracking_info(w)
    bc.close()
    wait_until("the BCAST client to be dropped", lambda: tracking_info(w)["tracking_clients"] == 2)
    obs["BCAST client gone"] = tracking_info(w)
    c2.call("CLIENT", "TRACKING", "off")
    obs["one tracking client"] = tracking_info(w)

    obs["config set"] = w.call("CONFIG", "SET", "tracking-table-max-keys", "10")
    obs["config get"] = w.call("CONFIG", "GET", "tracking-table-max-keys")
    read = [f"key:{i}".encode() for i in range(50)]
    for k in read:
        c1.call_past_pushes("GET", k)
    parsed = c1.drain_parsed()
    evicted = invalidated_keys([v for _, v in parsed])
    obs["pushes after 50 GETs"] = len(evicted)
    assert all(e is not None and len(e) == 1 for e in evicted), evicted
    evicted = [e[0] for e in evicted]
    obs["evicted keys distinct and read"] = len(set(evicted)) == len(evicted) and set(evicted) <= set(read)
    obs["push shape"] = sorted({re.sub(rb"\$\d+\r\nkey:\d+\r\n$", b"<key>", raw) for raw, _ in parsed})
    obs["after 50 GETs"] = tracking_info(w)
    # the keys still in the table are exactly the ones read and not evicted
    w.call("MSET", *[x for k in read for x in (k, b"v")])
    left = invalidated_keys([v for _, v in c1.drain_parsed()])
    obs["left in the table"] = sorted(k for e in left for k in e) == sorted(set(read) - set(evicted))
    obs["pushes for the rest"] = len(left)
    obs["after writing them"] = tracking_info(w)
    # one command reading 50 keys: the table goes back down to 10 at once
    c1.call("MGET", *[f"m:{i}" for i in range(50)])
    obs["pushes after one MGET of 50"] = len(c1.drain())
    obs["after the MGET"] = tracking_info(w)
    # lowering the limit evicts down to it without any further command
    w.call("CONFIG", "SET", "tracking-table-max-keys", "4")
    obs["pushes after lowering the limit"] = len(c1.drain())
    obs["after lowering the limit"] = tracking_info(w)
    w.call("CONFIG", "SET", "tracking-table-max-keys", "0")
    c1.call("MGET", *[f"u:{i}" for i in range(30)])
    obs["pushes, no limit"] = len(c1.drain())
    obs["no limit"] = tracking_info(w)
    c1.close()
    c2.close()
    w.close()
    return obs


def test_tracking_table_max_keys(servers):
    got = run_both(servers, max_keys_scenario)
    real = got["redis"]

    def ti(clients, keys, items, prefixes):
        return {"tracking_clients": clients, "tracking_total_keys": keys, "tracking_total_items": items,
                "tracking_total_prefixes": prefixes}

    assert real["start"] == ti(0, 0, 0, 0)
    assert real["tracking, nothing read"] == ti(3, 0, 0, 2)
    assert real["two readers"] == ti(3, 6, 8, 2)
    assert real["after invalidating a shared key"] == ti(3, 5, 6, 2)
    inv = b">2\r\n$10\r\ninvalidate\r\n"
    assert real["pushes after it"] == ([inv + b"*1\r\n$3\r\ns:0\r\n"], [inv + b"*1\r\n$3\r\ns:0\r\n"], [])
    assert real["pushes after FLUSHALL"] == ([inv + b"_\r\n"], [inv + b"_\r\n"], [inv + b"_\r\n"])
    assert real["after FLUSHALL"] == ti(3, 0, 0, 2)
    assert real["BCAST client gone"] == ti(2, 0, 0, 0)
    assert real["one tracking client"] == ti(1, 0, 0, 0)
    assert real["pushes after 50 GETs"] == 40
    assert real["evicted keys distinct and read"] is True
    assert real["push shape"] == [inv + b"*1\r\n<key>"]
    assert real["after 50 GETs"] == ti(1, 10, 10, 0)
    assert real["left in the table"] is True
    assert real["pushes for the rest"] == 10
    assert real["after writing them"] == ti(1, 0, 0, 0)
    assert real["pushes after one MGET of 50"] == 40
    assert real["after the MGET"] == ti(1, 10, 10, 0)
    assert real["pushes after lowering the limit"] == 6
    assert real["after lowering the limit"] == ti(1, 4, 4, 0)
    assert real["pushes, no limit"] == 0
    assert real["no limit"] == ti(1, 34, 34, 0)
    assert got["ours"] == got["redis"]


# ---------------------------------------------------------------------------------------------
# eviction and expiry


def eviction_scenario(port, redirect):
    """20 tracked keys and one untracked; maxmemory 1 with allkeys-random evicts every key (the
    memory never gets under the limit), each tracked one with an invalidation."""
    obs = {}
    w = Client(port)
    keys = [f"ev:{i}".encode() for i in range(20)]
    w.call("MSET", *[x for k in keys for x in (k, b"value-" + k)])
    w.call("SET", "untracked", "1")
    if redirect:
        sink = Client(port)
        sink_id = sink.id()
        sink.call("SUBSCRIBE", "__redis__:invalidate")
        reader = Client(port)
        reader.call("CLIENT", "TRACKING", "on", "REDIRECT", sink_id)
    else:
        sink = reader = Client(port, resp3=True)
        reader.call("CLIENT", "TRACKING", "on")
    for k in keys:
        reader.call("GET", k)
    obs["before"] = tracking_info(w)
    obs["policy"] = w.call("CONFIG", "SET", "maxmemory-policy", "allkeys-random")
    obs["maxmemory"] = w.call("CONFIG", "SET", "maxmemory", "1")
    obs["dbsize"] = w.call("DBSIZE")
    parsed = sink.drain_parsed()
    inv = invalidated_keys([v for _, v in parsed])
    obs["messages"] = len(inv)
    obs["one key each"] = all(e is not None and len(e) == 1 for e in inv)
    obs["invalidated = tracked"] = sorted(k for e in inv if e for k in e) == sorted(keys)
    obs["shapes"] = sorted({re.sub(rb"\$\d+\r\nev:\d+\r\n$", b"<key>", raw) for raw, _ in parsed})
    obs["evicted_keys"] = info(w, "stats")["evicted_keys"]
    obs["after"] = tracking_info(w)
    obs["write refused"] = w.call("SET", "x", "1")
    obs["read allowed"] = reader.call("GET", "ev:0")
    w.call("CONFIG", "SET", "maxmemory", "0")
    obs["write after"] = w.call("SET", "ev:0", "1")
    obs["invalidation after"] = b"".join(sink.drain())
    for c in {id(x): x for x in (w, sink, reader)}.values():
        c.close()
    return obs


@pytest.mark.parametrize("mode", ["resp3", "redirect"])
def test_invalidation_on_eviction(servers, mode):
    got = run_both(servers, eviction_scenario, mode == "redirect")
    real = got["redis"]
    assert real["messages"] == 20 and real["one key each"] and real["invalidated = tracked"], real
    assert real["dbsize"] == b":0\r\n"
    assert real["evicted_keys"] == "21"
    assert real["after"]["tracking_total_keys"] == 0
    assert real["write refused"] == b"-OOM command not allowed when used memory > 'maxmemory'.\r\n"
    if mode == "resp3":
        assert real["shapes"] == [b">2\r\n$10\r\ninvalidate\r\n*1\r\n<key>"]
        assert real["invalidation after"] == b">2\r\n$10\r\ninvalidate\r\n*1\r\n$4\r\nev:0\r\n"
    else:
        assert real["shapes"] == [b"*3\r\n$7\r\nmessage\r\n$20\r\n__redis__:invalidate\r\n*1\r\n<key>"]
    assert got["ours"] == got["redis"]


def active_expiry_scenario(port, redirect):
    obs = {}
    w = Client(port)
    tracked = [f"ex:{i}".encode() for i in range(20)]
    if redirect:
        sink = Client(port)
        sink_id = sink.id()
        sink.call("SUBSCRIBE", "__redis__:invalidate")
        reader = Client(port)
        reader.call("CLIENT", "TRACKING", "on", "REDIRECT", sink_id)
    else:
        sink = reader = Client(port, resp3=True)
        reader.call("CLIENT", "TRACKING", "on")
    for k in tracked:
        w.call("SET", k, "v", "PX", 400)
    for i in range(5):
        w.call("SET", f"quiet:{i}", "v", "PX", 400)
    w.call("SET", "forever", "v")
    obs["reads"] = [reader.call("GET", k) for k in tracked]
    obs["before expiry"] = b"".join(sink.drain(0.05))
    # DBSIZE does not expire keys lazily: it reaches 1 through active expiry only
    wait_until("active expiry", lambda: w.value("DBSIZE")[1] == b"1")
    parsed = sink.drain_parsed()
    inv = invalidated_keys([v for _, v in parsed])
    obs["messages"] = len(inv)
    obs["invalidated = tracked"] = sorted(k for e in inv if e for k in e) == sorted(tracked)
    obs["one key each"] = all(e is not None and len(e) == 1 for e in inv)
    obs["expired_keys"] = info(w, "stats")["expired_keys"]
    obs["after"] = tracking_info(w)
    for c in {id(x): x for x in (w, sink, reader)}.values():
        c.close()
    return obs


@pytest.mark.parametrize("mode", ["resp3", "redirect"])
def test_invalidation_on_active_expiry(servers, mode):
    got = run_both(servers, active_expiry_scenario, mode == "redirect")
    real = got["redis"]
    assert real["reads"] == [b"$1\r\nv\r\n"] * 20
    assert real["before expiry"] == b""
    assert real["messages"] == 20 and real["invalidated = tracked"] and real["one key each"], real
    assert real["expired_keys"] == "25"
    assert real["after"]["tracking_total_keys"] == 0
    assert got["ours"] == got["redis"]


def lazy_expiry_scenario(port):
    out = []
    w = Client(port)
    c = Client(port, resp3=True)
    c.call("CLIENT", "TRACKING", "on")
    out.append(("debug", w.call("DEBUG", "SET-ACTIVE-EXPIRE", "0")))
    keys = [f"lz:{i}" for i in range(5)]
    for k in keys:
        w.call("SET", k, "v", "PX", 100)
    out.append(("reads", c.call("MGET", *keys)))
    time.sleep(0.4)
    out.append(("expired, nobody looked", b"".join(c.drain())))
    # another client's access deletes the key: an invalidation
    out.append(("GET by another client", w.call("GET", "lz:0")))
    out.append(("after it", b"".join(c.drain())))
    out.append(("EXISTS by another client", w.call("EXISTS", "lz:1")))
    out.append(("after it", b"".join(c.drain())))
    # the tracking client's own access: a null reply, then the invalidation; the key is tracked again
    out.append(("own GET", c.call("GET", "lz:2")))
    out.append(("after own GET", b"".join(c.drain())))
    w.call("SET", "lz:2", "new")
    out.append(("lz:2 written", b"".join(c.drain())))
    # active expiry back on: the two keys nobody touched go, one invalidation each
    out.append(("debug", w.call("DEBUG", "SET-ACTIVE-EXPIRE", "1")))
    wait_until("active expiry", lambda: w.value("DBSIZE")[1] == b"1")
    rest = invalidated_keys([v for _, v in c.drain_parsed()])
    out.append(("active expiry of the rest", sorted(k for e in rest for k in e)))
    out.append(("expired_keys", info(w, "stats")["expired_keys"]))
    c.close()
    w.close()
    return out


def test_invalidation_on_lazy_expiry(servers):
    got = run_both(servers, lazy_expiry_scenario)
    inv = b">2\r\n$10\r\ninvalidate\r\n"
    assert got["redis"] == [
        ("debug", b"+OK\r\n"),
        ("reads", b"*5\r\n" + b"$1\r\nv\r\n" * 5),
        ("expired, nobody looked", b""),
        ("GET by another client", b"$-1\r\n"),
        ("after it", inv + b"*1\r\n$4\r\nlz:0\r\n"),
        ("EXISTS by another client", b":0\r\n"),
        ("after it", inv + b"*1\r\n$4\r\nlz:1\r\n"),
        ("own GET", b"_\r\n"),
        ("after own GET", inv + b"*1\r\n$4\r\nlz:2\r\n"),
        ("lz:2 written", inv + b"*1\r\n$4\r\nlz:2\r\n"),
        ("debug", b"+OK\r\n"),
        ("active expiry of the rest", [b"lz:3", b"lz:4"]),
        ("expired_keys", "5"),
    ]
    assert got["ours"] == got["redis"]


def movable_keys_scenario(port):
    """Read-only commands whose keys move with their arguments (a numkeys count, a STREAMS
    keyword) remember every key they read: a later write to any of them is announced."""
    obs = {}
    w = Client(port)
    c = Client(port, resp3=True)
    w.call("ZADD", "za", 1, "a")
    w.call("ZADD", "zb", 2, "b")
    w.call("SADD", "sa", "x")
    w.call("SADD", "sb", "x")
    w.call("XADD", "xa", "1-1", "f", "v")
    w.call("XADD", "xb", "1-1", "f", "v")
    c.call("CLIENT", "TRACKING", "on")
    for cmd, keys in ((("ZUNION", 2, "za", "zb"), ("za", "zb")),
                      (("ZINTERCARD", 2, "za", "zb", "LIMIT", 1), ("za", "zb")),
                      (("ZDIFF", 2, "za", "zb", "WITHSCORES"), ("za", "zb")),
                      (("SINTERCARD", 2, "sa", "sb"), ("sa", "sb")),
                      (("XREAD", "COUNT", 1, "STREAMS", "xa", "xb", "0", "0"), ("xa", "xb"))):
        obs[f"{cmd[0]} reply"] = c.call(*cmd)
        obs[f"{cmd[0]} tracked"] = tracking_info(w)["tracking_total_keys"]
        for k in keys:
            w.call("DEL", k)
        obs[f"{cmd[0]} invalidated"] = sorted(k for e in invalidated_keys([v for _, v in c.drain_parsed()]) for k in e)
        # put the keys back for the next command (their writes are not tracked any more)
        for k in keys:
            if k.startswith("z"):
                w.call("ZADD", k, 1, k)
            elif k.startswith("s"):
                w.call("SADD", k, "x")
            else:
                w.call("XADD", k, "1-1", "f", "v")
        c.drain()
    c.close()
    w.close()
    return obs


def test_movable_key_reads_are_tracked(servers):
    got = run_both(servers, movable_keys_scenario)
    real = got["redis"]
    assert real["ZUNION invalidated"] == [b"za", b"zb"]
    assert real["XREAD invalidated"] == [b"xa", b"xb"]
    assert real["SINTERCARD tracked"] == 2
    assert got["ours"] == real
