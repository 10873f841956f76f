"""MIGRATE between two live servers, for every (source, target) pair in {ours, real} x {ours, real}, each
outcome asserted as real Redis 7.0 gives it real -> real (exact replies, on the wire where it matters):

1. every type moved one at a time (string with a TTL, int and raw strings, small and large hash, list, set,
   sorted set, a stream with a consumer group and a pending entry): +OK, gone from the source, the target's
   DUMP equal to the source's (content equal where a hashtable's DUMP order is not defined), TTL kept,
   OBJECT ENCODING equal to the source's and to real Redis's;
2. COPY, REPLACE, and the BUSYKEY error without REPLACE;
3. the KEYS form: moved keys, a busy key left on the source, NOKEY when nothing is there;
4. the destination db, SELECT sent only when the cached connection's db changes (and again after an error),
   an out-of-range db, `migrate_cached_sockets`;
5. AUTH / AUTH2 against a target with requirepass (NOAUTH, WRONGPASS), the password redacted in SLOWLOG;
6. propagation: a real replica of the source loses moved keys (one DEL), keeps COPY'd ones; `del` keyspace
   events on the source and `restore` events on the target;
7. a target that never answers: the IOERR timeout error in time, and a closed port;
8. a target restarted on the same port: the dead cached connection is replaced transparently;
9. cached connections closed after about 10 s idle, on both kinds of source at once;
plus the argument errors that the source answers by itself.
"""
import socket
import threading
import time

import pytest
import redis

from conftest import ServerProc, enc, free_port

HOST = "127.0.0.1"
KINDS = ("real", "ours")
PAIRS = [(s, t) for s in KINDS for t in KINDS]
PAIR_IDS = [f"{s}-to-{t}" for s, t in PAIRS]
MS = 5000  # MIGRATE's own timeout (ms) where a case is not about timeouts
WAIT = 10.0

BUSYKEY = "Target instance replied with error: BUSYKEY Target key name already exists."
NOAUTH = "Target instance replied with error: NOAUTH Authentication required."
WRONGPASS = "Target instance replied with error: WRONGPASS invalid username-password pair or user is disabled."
DB_RANGE = "Target instance replied with error: ERR DB index is out of range"
IOERR_READ = "IOERR error or timeout reading to target instance"
IOERR_WRITE = "IOERR error or timeout writing to target instance"


# ---------------------------------------------------------------------------------------------- helpers

def _start(program, args, name, port=None):
    """A ServerProc; with `port`, on that port. ServerProc picks a free port itself and waits for it, and a
    `--port` among its args would only change where the server listens, so for a fixed port its pick is
    made to return that port for the duration of this start."""
    if port is None:
        return ServerProc(program, args, name=name)
    init_globals = ServerProc.__init__.__globals__
    saved = init_globals["free_port"]
    init_globals["free_port"] = lambda: port
    try:
        return ServerProc(program, args, name=name)
    finally:
        init_globals["free_port"] = saved


@pytest.fixture
def servers(ours_bin):
    """Factory: servers(kind, *args, port=None) -> ServerProc of kind "ours" or "real"; all stopped at the end."""
    started = []

    def start(kind, *args, port=None):
        assert kind in KINDS, kind
        program = ours_bin if kind == "ours" else "redis-server"
        s = _start(program, args, f"migrate-{kind}", port)
        s.kind = kind
        started.append(s)
        return s

    yield start
    for s in reversed(started):
        s.stop()


def cli(s, **kw):
    return redis.Redis(host=HOST, port=s.port, socket_timeout=WAIT, **kw)


def wire(port, *args, timeout=WAIT):
    """Send one command on a fresh connection and return its one-line reply (+..., -..., :...) as bytes."""
    with socket.create_connection((HOST, port), timeout=timeout) as s:
        s.sendall(enc(*args))
        buf = b""
        while not buf.endswith(b"\r\n"):
            chunk = s.recv(4096)
            assert chunk, f"connection closed after {buf!r}"
            buf += chunk
        return buf


def migrate(src, dst_port, key, db=0, *opts, ms=MS):
    """MIGRATE on the source through redis-py; a ResponseError is returned, not raised."""
    try:
        return cli(src).execute_command("MIGRATE", HOST, dst_port, key, db, ms, *opts)
    except redis.ResponseError as e:
        return e


def err(reply):
    assert isinstance(reply, redis.ResponseError), f"expected an error, got {reply!r}"
    return str(reply)


def wait_until(pred, what, limit=WAIT, step=0.05):
    deadline = time.time() + limit
    while time.time() < deadline:
        if pred():
            return
        time.sleep(step)
    raise AssertionError(f"timed out after {limit}s waiting for {what}")


def calls(client, command):
    return client.info("commandstats").get(f"cmdstat_{command}", {}).get("calls", 0)


def cached_sockets(s):
    return cli(s).info("stats")["migrate_cached_sockets"]


def next_message(pubsub, limit=5.0):
    deadline = time.time() + limit
    while time.time() < deadline:
        m = pubsub.get_message(timeout=0.1)
        if m is not None:
            return m
    return None


# ---------------------------------------------------------------------- 1. every type, one at a time

def build_string_ttl(c, k):
    c.set(k, "hello world", px=60000)


def build_string_int(c, k):
    c.set(k, 12345)


def build_string_raw(c, k):
    c.set(k, "x" * 100)


def build_hash(c, k):
    c.hset(k, mapping={"f1": "v1", "f2": "2", "f3": "v3"})


def build_hash_big(c, k):  # past hash-max-listpack-entries (512), with a TTL
    c.hset(k, mapping={f"f{i}": i for i in range(600)})
    c.expire(k, 3600)


def build_list(c, k):
    c.rpush(k, "a", "b", "c", 1, 2)


def build_list_big(c, k):
    c.rpush(k, *range(3000))


def build_set(c, k):
    c.sadd(k, "x", "y", "z")


def build_set_int(c, k):
    c.sadd(k, 1, 2, 3, 100000)


def build_zset(c, k):
    c.zadd(k, {"a": 1, "b": 2.5, "c": -3})


def build_zset_big(c, k):  # past zset-max-listpack-entries (128)
    c.zadd(k, {f"m{i}": i / 7 for i in range(200)})


def build_stream(c, k):
    c.xadd(k, {"a": "1"}, id="1-1")
    c.xadd(k, {"b": "2", "c": "3"}, id="2-1")
    c.xadd(k, {"a": "4"}, id="3-7")
    c.xgroup_create(k, "g", id="0")
    c.xreadgroup("g", "alice", {k: ">"}, count=1)


def content(c, k):
    t = c.type(k)
    if t == b"hash":
        return c.hgetall(k)
    if t == b"set":
        return c.smembers(k)
    raise AssertionError(f"no content reader for {t!r}")


# name -> (builder, OBJECT ENCODING in real Redis 7.0, whether DUMP bytes are defined: a hashtable's DUMP
# follows its bucket order, which differs between the source's and the target's dict even real -> real)
TYPES = {
    "string_ttl": (build_string_ttl, b"embstr", True),
    "string_int": (build_string_int, b"int", True),
    "string_raw": (build_string_raw, b"raw", True),
    "hash": (build_hash, b"listpack", True),
    "hash_big_ttl": (build_hash_big, b"hashtable", False),
    "list": (build_list, b"quicklist", True),
    "list_big": (build_list_big, b"quicklist", True),
    "set": (build_set, b"hashtable", False),
    "set_int": (build_set_int, b"intset", True),
    "zset": (build_zset, b"listpack", True),
    "zset_big": (build_zset_big, b"skiplist", True),
    "stream": (build_stream, b"stream", True),
}


@pytest.mark.parametrize("type_name", list(TYPES))
@pytest.mark.parametrize("pair", PAIRS, ids=PAIR_IDS)
def test_move_each_type(servers, pair, type_name):
    src, dst = servers(pair[0]), servers(pair[1])
    a, b = cli(src), cli(dst)
    build, encoding, dump_defined = TYPES[type_name]
    k = f"key:{type_name}"
    build(a, k)
    payload = a.dump(k)
    enc_before = a.object("encoding", k)
    assert enc_before == encoding
    before = content(a, k) if not dump_defined else None
    pttl = a.pttl(k)

    assert wire(src.port, "MIGRATE", HOST, dst.port, k, 0, MS) == b"+OK\r\n"

    assert a.exists(k) == 0
    assert b.exists(k) == 1
    assert b.object("encoding", k) == enc_before
    target_pttl = b.pttl(k)
    if pttl == -1:
        assert target_pttl == -1
    else:
        assert 0 < target_pttl <= pttl and pttl - target_pttl < 300, (pttl, target_pttl)
    if dump_defined:
        assert b.dump(k) == payload
    else:
        assert content(b, k) == before
        # the target's payload is one Redis reads back to the same value
        assert a.restore("roundtrip", 0, b.dump(k)) == b"OK"
        assert content(a, "roundtrip") == before
        assert a.object("encoding", "roundtrip") == encoding


# -------------------------------------------------------------------------- 2. COPY, REPLACE, BUSYKEY

@pytest.mark.parametrize("pair", PAIRS, ids=PAIR_IDS)
def test_copy_replace_busykey(servers, pair):
    src, dst = servers(pair[0]), servers(pair[1])
    a, b = cli(src), cli(dst)
    a.set("k", "v1")
    assert migrate(src, dst.port, "k", 0, "COPY") == b"OK"
    assert a.get("k") == b"v1" and b.get("k") == b"v1"

    a.set("k", "v2")
    assert err(migrate(src, dst.port, "k", 0)) == BUSYKEY
    assert wire(src.port, "MIGRATE", HOST, dst.port, "k", 0, MS) == b"-ERR " + BUSYKEY.encode() + b"\r\n"
    assert err(migrate(src, dst.port, "k", 0, "COPY")) == BUSYKEY
    assert a.get("k") == b"v2" and b.get("k") == b"v1"

    assert migrate(src, dst.port, "k", 0, "REPLACE") == b"OK"
    assert a.exists("k") == 0 and b.get("k") == b"v2"

    a.set("k", "v3", px=50000)
    assert migrate(src, dst.port, "k", 0, "copy", "replace") == b"OK"
    assert a.get("k") == b"v3" and b.get("k") == b"v3"
    assert 49000 < b.pttl("k") <= 50000

    assert migrate(src, dst.port, "absent", 0, "COPY", "REPLACE") == b"NOKEY"


# ---------------------------------------------------------------------------------------- 3. KEYS form

@pytest.mark.parametrize("pair", PAIRS, ids=PAIR_IDS)
def test_keys_form(servers, pair):
    src, dst = servers(pair[0]), servers(pair[1])
    a, b = cli(src), cli(dst)
    a.mset({"a": "1", "b": "2", "c": "3"})
    b.set("b", "target")

    reply = migrate(src, dst.port, "", 0, "KEYS", "a", "b", "missing", "c")
    assert err(reply) == BUSYKEY
    assert a.exists("a", "c") == 0
    assert b.get("a") == b"1" and b.get("c") == b"3"
    assert a.get("b") == b"2" and b.get("b") == b"target"
    assert b.exists("missing") == 0

    assert wire(src.port, "MIGRATE", HOST, dst.port, "", 0, MS, "KEYS", "m1", "m2") == b"+NOKEY\r\n"
    assert wire(src.port, "MIGRATE", HOST, dst.port, "m1", 0, MS) == b"+NOKEY\r\n"

    assert migrate(src, dst.port, "", 0, "REPLACE", "KEYS", "missing", "b") == b"OK"
    assert a.dbsize() == 0
    assert b.get("b") == b"2"


# -------------------------------------------------------------------------------- 4. destination db

@pytest.mark.parametrize("pair", PAIRS, ids=PAIR_IDS)
def test_destination_db_and_select(servers, pair):
    src, dst = servers(pair[0]), servers(pair[1])
    a, b = cli(src), cli(dst)  # b stays on db 0: any SELECT the target counts comes from MIGRATE
    a.mset({"d1": "1", "d2": "2", "d3": "3", "d4": "4", "d5": "5"})

    assert migrate(src, dst.port, "d1", 3) == b"OK"
    assert cached_sockets(src) == 1
    assert calls(b, "select") == 1
    assert migrate(src, dst.port, "d2", 3) == b"OK"
    assert calls(b, "select") == 1, "a second MIGRATE to the same db must not SELECT again"
    assert migrate(src, dst.port, "d3", 5) == b"OK"
    assert calls(b, "select") == 2

    # An error from the target makes the source forget the connection's db: the next MIGRATE SELECTs again.
    a.set("d3", "again")
    assert err(migrate(src, dst.port, "d3", 5)) == BUSYKEY
    assert calls(b, "select") == 2
    assert migrate(src, dst.port, "d4", 5) == b"OK"
    assert calls(b, "select") == 3

    assert wire(src.port, "MIGRATE", HOST, dst.port, "d5", 16, MS) == b"-ERR " + DB_RANGE.encode() + b"\r\n"
    assert a.get("d5") == b"5"
    assert cached_sockets(src) == 1

    assert b.dbsize() == 0
    assert cli(dst, db=3).mget("d1", "d2") == [b"1", b"2"]
    assert cli(dst, db=5).mget("d3", "d4") == [b"3", b"4"]
    assert a.mget("d1", "d2", "d4") == [None, None, None]
    assert a.get("d3") == b"again"


# ---------------------------------------------------------------------------------------------- 5. AUTH

@pytest.mark.parametrize("pair", PAIRS, ids=PAIR_IDS)
def test_auth(servers, pair):
    src, dst = servers(pair[0]), servers(pair[1], "--requirepass", "s3cret")
    a, b = cli(src), cli(dst, password="s3cret")
    a.config_set("slowlog-log-slower-than", 0)
    a.slowlog_reset()
    a.mset({"k1": "1", "k2": "2", "k3": "3"})

    assert err(migrate(src, dst.port, "k1", 0)) == NOAUTH
    assert err(migrate(src, dst.port, "k1", 0, "AUTH", "wrong")) == WRONGPASS
    assert a.get("k1") == b"1" and b.exists("k1") == 0
    assert migrate(src, dst.port, "k1", 0, "AUTH", "s3cret") == b"OK"
    assert migrate(src, dst.port, "k2", 0, "AUTH2", "default", "s3cret") == b"OK"
    assert err(migrate(src, dst.port, "k3", 0, "AUTH2", "default", "nope")) == WRONGPASS
    # Redis pipelines AUTH and RESTORE on its cached connection, which the AUTH before left authenticated:
    # the failed AUTH does not undo that, so the RESTORE went through, while the source, seeing the AUTH
    # error, kept its key. Both have k3 now.
    assert a.get("k3") == b"3" and b.get("k3") == b"3"
    assert err(migrate(src, dst.port, "", 0, "AUTH", "s3cret", "KEYS", "k3")) == BUSYKEY
    assert migrate(src, dst.port, "", 0, "AUTH", "s3cret", "REPLACE", "KEYS", "k3") == b"OK"
    assert a.dbsize() == 0
    assert b.mget("k1", "k2", "k3") == [b"1", b"2", b"3"]

    entries = a.execute_command("SLOWLOG", "GET", 128)
    assert isinstance(entries, list)
    logged = [list(e[3]) for e in reversed(entries) if e[3][0].upper() == b"MIGRATE"]
    head = [b"MIGRATE", HOST.encode(), str(dst.port).encode()]
    r = b"(redacted)"
    assert logged == [
        head + [b"k1", b"0", b"5000"],
        head + [b"k1", b"0", b"5000", b"AUTH", r],
        head + [b"k1", b"0", b"5000", b"AUTH", r],
        head + [b"k2", b"0", b"5000", b"AUTH2", r, r],  # the user name is redacted too
        head + [b"k3", b"0", b"5000", b"AUTH2", r, r],
        head + [b"", b"0", b"5000", b"AUTH", r, b"KEYS", b"k3"],
        head + [b"", b"0", b"5000", b"AUTH", r, b"REPLACE", b"KEYS", b"k3"],
    ]
    assert b"s3cret" not in repr(entries).encode()


# ----------------------------------------------------------------------------------------- 6. propagation

@pytest.mark.parametrize("pair", PAIRS, ids=PAIR_IDS)
def test_replica_sees_deletes(servers, pair):
    src = servers(pair[0], "--repl-diskless-sync-delay", "0")
    dst = servers(pair[1])
    replica = servers("real", "--replicaof", HOST, str(src.port))
    a, b, r = cli(src), cli(dst), cli(replica)
    wait_until(lambda: r.info("replication").get("master_link_status") == "up", "replica link up")
    a.mset({"a": "1", "b": "2", "c": "3"})
    wait_until(lambda: r.exists("a", "b", "c") == 3, "replica has a, b, c")
    assert calls(r, "del") == 0

    assert migrate(src, dst.port, "", 0, "KEYS", "a", "b") == b"OK"
    wait_until(lambda: r.exists("a", "b") == 0, "replica lost a and b")
    assert calls(r, "del") == 1, "real Redis propagates one DEL of all moved keys"
    assert r.get("c") == b"3"

    assert migrate(src, dst.port, "", 0, "COPY", "KEYS", "c") == b"OK"
    a.set("marker", "1")
    wait_until(lambda: r.exists("marker") == 1, "replica got the marker")
    assert r.get("c") == b"3" and a.get("c") == b"3"
    assert calls(r, "del") == 1
    assert b.mget("a", "b", "c") == [b"1", b"2", b"3"]


@pytest.mark.parametrize("pair", PAIRS, ids=PAIR_IDS)
def test_keyspace_events(servers, pair):
    src = servers(pair[0], "--notify-keyspace-events", "KEA")
    dst = servers(pair[1], "--notify-keyspace-events", "KEA")
    a = cli(src)
    dels = a.pubsub(ignore_subscribe_messages=True)
    dels.subscribe("__keyevent@0__:del")
    restores = cli(dst).pubsub(ignore_subscribe_messages=True)
    restores.subscribe("__keyevent@0__:restore")
    a.mset({"a": "1", "b": "2", "c": "3", "marker": "x"})
    try:
        assert migrate(src, dst.port, "", 0, "KEYS", "a", "b") == b"OK"
        for name in (b"a", b"b"):
            m = next_message(dels)
            assert m is not None and (m["channel"], m["data"]) == (b"__keyevent@0__:del", name), m
            m = next_message(restores)
            assert m is not None and (m["channel"], m["data"]) == (b"__keyevent@0__:restore", name), m

        assert migrate(src, dst.port, "c", 0, "COPY") == b"OK"
        m = next_message(restores)
        assert m is not None and m["data"] == b"c", m
        a.delete("marker")  # the next del event must be this one: COPY deleted nothing
        m = next_message(dels)
        assert m is not None and m["data"] == b"marker", m
    finally:
        dels.close()
        restores.close()


# ------------------------------------------------------------------------------- 7. a silent target

class SilentTarget:
    """Listens on a free port, accepts connections and reads everything, never writes."""

    def __init__(self):
        self.sock = socket.socket()
        self.sock.bind((HOST, 0))
        self.sock.listen(8)
        self.sock.settimeout(0.1)
        self.port = self.sock.getsockname()[1]
        self.received = b""
        self.lock = threading.Lock()
        self.done = threading.Event()
        self.thread = threading.Thread(target=self._serve, daemon=True)
        self.thread.start()

    def _serve(self):
        conns = []
        while not self.done.is_set():
            try:
                c, _ = self.sock.accept()
                c.setblocking(False)
                conns.append(c)
            except (socket.timeout, BlockingIOError):
                pass
            for c in conns:
                try:
                    data = c.recv(65536)
                except (BlockingIOError, InterruptedError):
                    continue
                except OSError:
                    data = b""
                with self.lock:
                    self.received += data
        for c in conns:
            c.close()

    def data(self):
        with self.lock:
            return self.received

    def close(self):
        self.done.set()
        self.thread.join(5)
        self.sock.close()


@pytest.fixture
def silent_target():
    t = SilentTarget()
    yield t
    t.close()


@pytest.mark.parametrize("kind", KINDS)
def test_silent_target_times_out(servers, silent_target, kind):
    src = servers(kind)
    a = cli(src)
    a.set("k", "v")
    payload = a.dump("k")

    t0 = time.time()
    reply = wire(src.port, "MIGRATE", HOST, silent_target.port, "k", 0, 200)
    elapsed = time.time() - t0
    assert reply == b"-" + IOERR_READ.encode() + b"\r\n"
    assert 0.15 <= elapsed < 1.0, elapsed
    assert a.get("k") == b"v"
    assert cached_sockets(src) == 0, "the timed-out connection is not kept"
    expected = enc("SELECT", 0) + enc("RESTORE", "k", 0, payload)
    wait_until(lambda: len(silent_target.data()) >= len(expected), "the RESTORE sent", limit=2)
    assert silent_target.data() == expected

    assert err(migrate(src, silent_target.port, "k", 0, ms=200)) == IOERR_READ

    # Nobody listening: Redis's blocking connect does not see the refusal; the write reports it.
    t0 = time.time()
    assert wire(src.port, "MIGRATE", HOST, free_port(), "k", 0, 200) == b"-" + IOERR_WRITE.encode() + b"\r\n"
    assert time.time() - t0 < 1.0
    assert a.get("k") == b"v"


# ------------------------------------------------------------------------- 8. reconnect after a restart

@pytest.mark.parametrize("pair", PAIRS, ids=PAIR_IDS)
def test_reconnect_after_target_restart(servers, pair):
    src, dst = servers(pair[0]), servers(pair[1])
    a = cli(src)
    a.mset({"k1": "1", "k2": "2"})
    assert migrate(src, dst.port, "k1", 0) == b"OK"
    assert cached_sockets(src) == 1

    port = dst.port
    dst.stop()
    dst2 = servers(pair[1], port=port)
    assert dst2.port == port
    assert cached_sockets(src) == 1, "the source has not noticed yet"

    assert wire(src.port, "MIGRATE", HOST, port, "k2", 0, MS) == b"+OK\r\n"
    b = cli(dst2)
    assert b.get("k2") == b"2" and b.exists("k1") == 0
    assert a.exists("k2") == 0
    assert calls(b, "select") == 1, "a new connection SELECTs its db"
    assert cached_sockets(src) == 1


# ------------------------------------------------------------------------ 9. cached connections expire

@pytest.mark.parametrize("target_kind", KINDS)
def test_cached_sockets_expire(servers, target_kind):
    dst = servers(target_kind)
    sources = [servers(kind) for kind in KINDS]
    b = cli(dst)
    t0 = time.time()
    for i, s in enumerate(sources):
        cli(s).set(f"k{i}", i)
        assert migrate(s, dst.port, f"k{i}", 0) == b"OK"
    for s in sources:
        assert cached_sockets(s) == 1
    assert b.info("clients")["connected_clients"] == 1 + len(sources)

    dropped = {}
    deadline = t0 + 15
    while len(dropped) < len(sources) and time.time() < deadline:
        for s in sources:
            if s.kind not in dropped and cached_sockets(s) == 0:
                dropped[s.kind] = time.time() - t0
        time.sleep(0.25)
    assert set(dropped) == set(KINDS), f"still cached after 15 s: {set(KINDS) - set(dropped)}"
    for kind, after in dropped.items():
        assert 9.0 <= after <= 15.0, (kind, after)
    wait_until(lambda: b.info("clients")["connected_clients"] == 1, "the target saw both connections close",
               limit=3)


# -------------------------------------------------------------------- argument errors (source only)

@pytest.mark.parametrize("kind", KINDS)
def test_argument_errors(servers, kind):
    src = servers(kind)
    a = cli(src)
    a.set("k", "v")
    p = free_port()  # never contacted: each of these fails before connecting
    cases = [
        (("k", 0, MS, "KEYS", "k"),
         b"-ERR When using MIGRATE KEYS option, the key argument must be set to the empty string\r\n"),
        (("k", 0, MS, "AUTH"), b"-ERR syntax error\r\n"),
        (("k", 0, MS, "AUTH2", "default"), b"-ERR syntax error\r\n"),
        (("k", 0, MS, "BOGUS"), b"-ERR syntax error\r\n"),
        (("k", "x", MS), b"-ERR value is not an integer or out of range\r\n"),
        (("k", 0, "x"), b"-ERR value is not an integer or out of range\r\n"),
        (("k",), b"-ERR wrong number of arguments for 'migrate' command\r\n"),
    ]
    for args, expected in cases:
        assert wire(src.port, "MIGRATE", HOST, p, *args) == expected, args
    assert a.get("k") == b"v"
    assert cached_sockets(src) == 0
