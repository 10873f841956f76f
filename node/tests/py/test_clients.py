"""Real clients against our binary: redis-py (RESP2 and RESP3), redis-cli (one-shot output compared
with a real redis-server's, and interactive hints through tmux), and redis-benchmark's default
suite. Each server runs on a free loopback port and is stopped at the end.
"""
import os
import re
import shutil
import subprocess
import time
import uuid

import pytest
import redis
from redis.backoff import NoBackoff
from redis.retry import Retry

from conftest import ServerProc

WAIT = 10.0


# ---------------------------------------------------------------------------------------------
# redis-py

@pytest.fixture(params=[2, 3], ids=["resp2", "resp3"])
def r(request, ours):
    client = redis.Redis(port=ours.port, protocol=request.param, decode_responses=True, socket_timeout=WAIT,
                         retry=Retry(NoBackoff(), 0))
    client.flushall()
    yield client
    client.close()


@pytest.fixture(params=[2, 3], ids=["resp2", "resp3"])
def both(request, ours, real):
    """(ours, real) redis-py clients with the same protocol, both flushed."""
    kw = dict(protocol=request.param, decode_responses=True, socket_timeout=WAIT, retry=Retry(NoBackoff(), 0))
    o, t = redis.Redis(port=ours.port, **kw), redis.Redis(port=real.port, **kw)
    o.flushall()
    t.flushall()
    yield o, t
    o.close()
    t.close()


def test_ping_echo(r):
    assert r.ping() is True
    assert r.echo("hello") == "hello"


def test_strings_and_keys(r):
    assert r.set("k", "v") is True
    assert r.get("k") == "v"
    assert r.get("missing") is None
    assert r.set("k", "w", nx=True) is None
    assert r.set("k", "w", xx=True, get=True) == "v"
    assert r.incr("n") == 1
    assert r.incrby("n", 41) == 42
    assert r.incrbyfloat("f", 1.5) == 1.5
    assert r.mset({"a": "1", "b": "2"}) is True
    assert r.mget("a", "b", "nope") == ["1", "2", None]
    assert r.append("a", "xx") == 3
    assert r.strlen("a") == 3
    assert r.getrange("a", 1, -1) == "xx"
    assert r.expire("a", 100) is True
    assert 0 < r.ttl("a") <= 100
    assert 0 < r.pttl("a") <= 100000
    assert r.persist("a") is True
    assert r.ttl("a") == -1
    assert r.type("a") == "string"
    assert r.exists("a", "b", "nope") == 2
    assert sorted(r.keys("*")) == ["a", "b", "f", "k", "n"]
    assert sorted(r.scan_iter(match="[ab]", count=2)) == ["a", "b"]
    assert r.delete("a", "b", "nope") == 2
    assert r.dbsize() == 3
    assert r.rename("k", "k2") is True
    assert r.get("k2") == "w"


def test_collections(r):
    assert r.rpush("l", "a", "b", "c") == 3
    assert r.lpush("l", "z") == 4
    assert r.lrange("l", 0, -1) == ["z", "a", "b", "c"]
    assert r.lpop("l") == "z"
    assert r.rpop("l", 2) == ["c", "b"]
    assert r.hset("h", mapping={"f1": "1", "f2": "2"}) == 2
    assert r.hgetall("h") == {"f1": "1", "f2": "2"}
    assert r.hincrby("h", "f1", 9) == 10
    assert r.hmget("h", "f1", "nope") == ["10", None]
    assert r.sadd("s", "x", "y", "x") == 2
    assert r.smembers("s") == {"x", "y"}
    assert r.sismember("s", "x") in (True, 1)
    assert r.zadd("z", {"one": 1, "two": 2.5}) == 2
    assert r.zscore("z", "two") == 2.5
    assert [tuple(x) for x in r.zrange("z", 0, -1, withscores=True)] == [("one", 1.0), ("two", 2.5)]
    assert r.zincrby("z", 1, "one") == 2.0
    assert r.zrank("z", "two") == 1


def test_pipeline(r):
    with r.pipeline(transaction=False) as p:
        p.set("a", "1").incr("a").get("a").lpush("a", "x").get("nope")
        res = p.execute(raise_on_error=False)
    assert res[:3] == [True, 2, "2"]
    assert isinstance(res[3], redis.ResponseError) and "WRONGTYPE" in str(res[3])
    assert res[4] is None
    # A big pipeline keeps order.
    with r.pipeline(transaction=False) as p:
        for i in range(2000):
            p.incr("c")
        assert p.execute() == list(range(1, 2001))


def test_transactions_with_watch(r, ours):
    other = redis.Redis(port=ours.port, decode_responses=True, socket_timeout=WAIT)
    r.set("bal", 10)
    with r.pipeline() as p:
        p.watch("bal")
        bal = int(p.get("bal"))
        p.multi()
        p.set("bal", bal - 3)
        p.get("bal")
        assert p.execute() == [True, "7"]
    with r.pipeline() as p:
        p.watch("bal")
        other.set("bal", 100)  # another client touches the watched key
        p.multi()
        p.set("bal", 0)
        with pytest.raises(redis.WatchError):
            p.execute()
    assert r.get("bal") == "100"

    def incr(pipe):
        v = int(pipe.get("bal"))
        pipe.multi()
        pipe.set("bal", v + 1)

    r.transaction(incr, "bal")
    assert r.get("bal") == "101"
    # A queue-time error aborts the whole transaction.
    with r.pipeline() as p:
        p.set("x", 1)
        p.execute_command("NOSUCHCOMMAND")
        with pytest.raises(redis.ResponseError):
            p.execute()
    assert r.get("x") is None
    other.close()


def _get_message(ps, want_type, timeout=WAIT):
    deadline = time.time() + timeout
    while time.time() < deadline:
        m = ps.get_message(timeout=0.2)
        if m is not None and m["type"] == want_type:
            return m
    raise AssertionError(f"no {want_type} message within {timeout}s")


def test_pubsub(r, ours):
    pub = redis.Redis(port=ours.port, decode_responses=True, socket_timeout=WAIT)
    ps = r.pubsub()
    ps.subscribe("news")
    ps.psubscribe("ev.*")
    assert _get_message(ps, "subscribe") == {"type": "subscribe", "pattern": None, "channel": "news", "data": 1}
    assert _get_message(ps, "psubscribe") == {"type": "psubscribe", "pattern": None, "channel": "ev.*", "data": 2}
    assert pub.publish("news", "hello") == 1
    assert pub.publish("ev.one", "x") == 1
    assert _get_message(ps, "message") == {"type": "message", "pattern": None, "channel": "news", "data": "hello"}
    assert _get_message(ps, "pmessage") == {"type": "pmessage", "pattern": "ev.*", "channel": "ev.one", "data": "x"}
    assert pub.pubsub_numsub("news") == [("news", 1)]
    assert pub.pubsub_numpat() == 1
    assert pub.pubsub_channels() == ["news"]
    ps.unsubscribe("news")
    assert _get_message(ps, "unsubscribe")["channel"] == "news"
    assert pub.publish("news", "late") == 0
    ps.close()
    pub.close()


def test_resp3_types_match_real_redis(both):
    o, t = both
    cmds = [
        ("HSET", "h", "a", "1", "b", "2"), ("HGETALL", "h"), ("HGETALL", "none"),
        ("SADD", "s", "x", "y"), ("SMEMBERS", "s"),
        ("ZADD", "z", "1.5", "m"), ("ZSCORE", "z", "m"), ("ZRANGE", "z", "0", "-1", "WITHSCORES"),
        ("ZINCRBY", "z", "0.1", "m"), ("ZSCORE", "z", "nope"),
        ("GET", "none"), ("CONFIG", "GET", "maxmemory*"), ("EXISTS", "h", "s"),
        ("TTL", "h"), ("OBJECT", "ENCODING", "h"), ("TYPE", "z"), ("LPOS", "none", "x"),
        ("RPUSH", "l", "a", "b"), ("LRANGE", "l", "0", "-1"), ("SMISMEMBER", "s", "x", "q"),
        ("ZRANDMEMBER", "z", "1", "WITHSCORES"), ("HRANDFIELD", "h", "-1"),
    ]
    for cmd in cmds:
        got, want = o.execute_command(*cmd), t.execute_command(*cmd)
        if cmd[0] == "HRANDFIELD":
            assert len(got) == len(want) and set(got) <= {"a", "b"}, cmd
            continue
        if isinstance(want, (set, list)) and cmd[0] in ("SMEMBERS",):
            got, want = sorted(got), sorted(want)
        if cmd[0] == "CONFIG" and isinstance(want, list):  # RESP2 flat pairs, in hash-table order
            assert isinstance(got, list) and len(got) == len(want), cmd
            got, want = dict(zip(got[::2], got[1::2])), dict(zip(want[::2], want[1::2]))
        assert got == want, f"{cmd}: ours {got!r} redis {want!r}"
        assert type(got) is type(want), f"{cmd}: ours {type(got)} redis {type(want)}"


def test_resp3_hello_and_client_info(ours):
    c = redis.Redis(port=ours.port, protocol=3, decode_responses=True, socket_timeout=WAIT)
    hello = c.execute_command("HELLO", "3")
    assert hello["server"] == "redis" and hello["version"] == "7.0.15" and hello["proto"] == 3
    assert hello["mode"] == "standalone" and hello["role"] == "master" and hello["modules"] == []
    assert c.client_info()["resp"] == "3"
    c.close()


def test_info_parses_with_redis_fields(ours, real):
    o = redis.Redis(port=ours.port, decode_responses=True, socket_timeout=WAIT)
    t = redis.Redis(port=real.port, decode_responses=True, socket_timeout=WAIT)
    for c in (o, t):
        c.flushall()
        c.set("a", 1)
        c.set("b", 2, ex=100)
        c.get("a")
        try:
            c.incr("a", "b")
        except redis.ResponseError:
            pass
        with pytest.raises(redis.ResponseError):
            c.execute_command("NOSUCHCOMMAND")
    info = o.info()
    assert info["redis_version"] == "7.0.15"
    assert info["redis_mode"] == "standalone"
    assert info["tcp_port"] == ours.port
    assert info["process_id"] == ours.proc.pid
    assert info["role"] == "master"
    assert info["db0"] == {"keys": 2, "expires": 1, "avg_ttl": info["db0"]["avg_ttl"]}
    assert isinstance(info["used_memory"], int) and info["used_memory"] > 0
    assert isinstance(info["instantaneous_ops_per_sec"], int)
    assert isinstance(info["used_cpu_sys"], float)
    # Every field real Redis shows in these sections exists in ours, with a value of the same type
    # (redis-py turns numbers into int/float, so the types say the formats agree).
    skip = {"allocator", "jemalloc", "mem_allocator", "executable", "config_file", "lazyfree_pending_objects"}
    problems = []
    for section in ("server", "clients", "memory", "persistence", "stats", "replication", "cpu"):
        mine, theirs = o.info(section), t.info(section)
        for field, value in theirs.items():
            if any(s in field for s in skip):
                continue
            if field not in mine:
                problems.append(f"{section}: missing {field}")
            elif type(mine[field]) is not type(value) and field not in ("redis_build_id", "redis_git_sha1"):
                # (ids are hex strings that redis-py reads as int when they happen to be all digits)
                problems.append(f"{section}: {field} is {mine[field]!r}, redis has {value!r}")
    assert not problems, "\n".join(problems)
    cs = o.info("commandstats")
    assert cs["cmdstat_set"]["calls"] >= 2 and set(cs["cmdstat_set"]) == set(t.info("commandstats")["cmdstat_set"])
    es = o.info("errorstats")
    assert es["errorstat_ERR"]["count"] >= 1, es
    assert set(o.info("keyspace")) == set(t.info("keyspace")) == {"db0"}
    o.close()
    t.close()


def test_client_list_and_names(r, ours):
    r.client_setname("worker-1")
    assert r.client_getname() == "worker-1"
    me = r.client_id()
    clients = r.client_list()
    mine = [c for c in clients if c["id"] == str(me)]
    assert len(mine) == 1, clients
    c = mine[0]
    assert c["name"] == "worker-1"
    assert c["laddr"] == f"127.0.0.1:{ours.port}"
    assert c["cmd"] == "client|list"
    for field in ("addr", "fd", "age", "idle", "flags", "db", "sub", "psub", "multi", "qbuf", "omem", "events", "user", "resp"):
        assert field in c, field
    assert r.client_info()["name"] == "worker-1"


def test_config_get_set(r):
    assert r.config_get("maxmemory") == {"maxmemory": "0"}
    assert r.config_get("maxmemory-policy") == {"maxmemory-policy": "noeviction"}
    assert r.config_set("maxmemory", "10mb") is True
    assert r.config_get("maxmemory") == {"maxmemory": "10485760"}
    assert r.config_set("maxmemory", "0") is True
    with pytest.raises(redis.ResponseError, match="Unknown option or number of arguments for CONFIG SET - 'no-such-option'"):
        r.config_set("no-such-option", "1")


def test_config_get_globs_match_real_redis(both):
    o, t = both
    for pattern in ("*max-*-entries*", "maxmemory*", "save", "appendonly", "list-*", "*notify*", "port", "bind",
                    "timeout", "databases", "hz"):
        got, want = o.config_get(pattern), t.config_get(pattern)
        assert set(got) == set(want), f"CONFIG GET {pattern}: ours {sorted(got)} redis {sorted(want)}"
        for k in ("port", "dir", "pidfile", "logfile", "bind", "save", "appendonly"):
            got.pop(k, None)
            want.pop(k, None)
        assert got == want, pattern


def test_errors_map_to_redis_py_exceptions(r, start_ours):
    r.set("s", "text")
    with pytest.raises(redis.ResponseError, match="^value is not an integer or out of range$"):
        r.incr("s")
    with pytest.raises(redis.ResponseError, match="^WRONGTYPE Operation against a key holding the wrong kind of value$"):
        r.lpush("s", "x")
    with pytest.raises(redis.ResponseError, match="^unknown command 'FOO', with args beginning with: 'bar' $"):
        r.execute_command("FOO", "bar")
    with pytest.raises(redis.ResponseError, match="wrong number of arguments for 'get' command"):
        r.execute_command("GET")
    # redis-py reports a queue-time error as the failing command's error (after EXECABORT) ...
    with pytest.raises(redis.ResponseError, match=r"Command # 2 \(GET\) of pipeline caused error: wrong number of arguments"):
        with r.pipeline() as p:
            p.set("a", 1)
            p.execute_command("GET")
            p.execute()
    # ... and maps EXECABORT itself to ExecAbortError.
    conn = r.connection_pool.get_connection()
    try:
        conn.send_command("MULTI")
        assert conn.read_response() in (b"OK", "OK")
        conn.send_command("GET")
        with pytest.raises(redis.ResponseError):
            conn.read_response()
        conn.send_command("EXEC")
        with pytest.raises(redis.exceptions.ExecAbortError, match="^Transaction discarded because of previous errors.$"):
            conn.read_response()
    finally:
        r.connection_pool.release(conn)
    # AUTH against a server without a password: redis-py knows this exact text.
    with pytest.raises(redis.AuthenticationError):
        r.execute_command("AUTH", "pw")

    # No retries: redis-py would otherwise retry each failing connection with backoff for seconds.
    once = dict(socket_timeout=WAIT, retry=Retry(NoBackoff(), 0))
    secured = start_ours("--requirepass", "s3cret")
    with pytest.raises(redis.AuthenticationError):  # NOAUTH
        redis.Redis(port=secured.port, **once).get("x")
    with pytest.raises(redis.AuthenticationError):  # WRONGPASS
        redis.Redis(port=secured.port, password="wrong", **once).ping()
    with pytest.raises(redis.AuthenticationError):
        redis.Redis(port=secured.port, username="default", password="wrong", protocol=3, **once).ping()
    good = redis.Redis(port=secured.port, password="s3cret", **once)
    assert good.ping() is True
    assert redis.Redis(port=secured.port, username="default", password="s3cret", protocol=3, **once).ping() is True

    full = start_ours("--maxclients", "1")
    holder = redis.Redis(port=full.port, **once)
    deadline = time.time() + WAIT
    while True:  # the start-up probe's connection may still hold the only slot for a moment
        try:
            assert holder.ping() is True
            break
        except redis.ConnectionError:
            assert time.time() < deadline, "the first client is never accepted with maxclients 1"
            time.sleep(0.05)
    with pytest.raises(redis.ConnectionError, match="max number of clients reached"):
        redis.Redis(port=full.port, **once).ping()
    holder.close()


# ---------------------------------------------------------------------------------------------
# redis-cli: one-shot output must equal real Redis's

CLI_SETUP = [
    ["SET", "str", "hello world"], ["SET", "num", "42"], ["RPUSH", "list", "a", "b", "c d"],
    ["HSET", "hash", "f", "v"], ["SADD", "set", "only"], ["ZADD", "zset", "1", "a", "2.5", "b"],
    ["SET", "bin", "\x01\x02\n"],
]
CLI_COMMANDS = [
    ["PING"], ["PING", "hi there"], ["ECHO", "x"], ["GET", "str"], ["GET", "missing"], ["GET", "bin"],
    ["INCR", "num"], ["INCR", "str"], ["LRANGE", "list", "0", "-1"], ["LRANGE", "missing", "0", "-1"],
    ["HGETALL", "hash"], ["SMEMBERS", "set"], ["ZRANGE", "zset", "0", "-1", "WITHSCORES"],
    ["ZSCORE", "zset", "b"], ["TYPE", "list"], ["EXISTS", "str", "missing"], ["TTL", "str"],
    ["LPUSH", "str", "x"], ["NOSUCH", "arg"], ["GET"], ["MGET", "str", "missing", "num"],
    ["DBSIZE"], ["CONFIG", "GET", "maxmemory"], ["OBJECT", "ENCODING", "num"], ["SELECT", "99"],
]


def _cli(port, args, extra=()):
    p = subprocess.run(["redis-cli", "-p", str(port), *extra, *args], capture_output=True, timeout=WAIT)
    return p.returncode, p.stdout, p.stderr


@pytest.mark.parametrize("mode", [(), ("--no-raw",), ("-3", "--no-raw"), ("--csv",)], ids=["raw", "no-raw", "resp3", "csv"])
def test_redis_cli_output_matches_real_redis(ours, real, mode):
    for port in (ours.port, real.port):
        assert _cli(port, ["FLUSHALL"])[1] == b"OK\n"
        for cmd in CLI_SETUP:
            assert _cli(port, cmd)[0] == 0
    mismatches = []
    for cmd in CLI_COMMANDS:
        got, want = _cli(ours.port, cmd, mode), _cli(real.port, cmd, mode)
        if got != want:
            mismatches.append(f"redis-cli {' '.join(mode)} {cmd}:\n  ours:  {got!r}\n  redis: {want!r}")
    assert not mismatches, "\n".join(mismatches)


def test_redis_cli_pipe_mode(ours):
    cmds = "".join(f"SET pipe:{i} {i}\r\n" for i in range(1000)).encode()
    p = subprocess.run(["redis-cli", "-p", str(ours.port), "--pipe"], input=cmds, capture_output=True, timeout=60)
    assert p.returncode == 0, p.stderr
    assert b"errors: 0, replies: 1000" in p.stdout, p.stdout
    assert _cli(ours.port, ["GET", "pipe:999"])[1] == b"999\n"


# ---------------------------------------------------------------------------------------------
# redis-benchmark: every default test runs, and no reply is an error

BENCH_TESTS = [
    "PING_INLINE", "PING_MBULK", "SET", "GET", "INCR", "LPUSH", "RPUSH", "LPOP", "RPOP", "SADD", "HSET",
    "SPOP", "ZADD", "ZPOPMIN", "LPUSH (needed to benchmark LRANGE)", "LRANGE_100 (first 100 elements)",
    "LRANGE_300 (first 300 elements)", "LRANGE_500 (first 500 elements)", "LRANGE_600 (first 600 elements)",
    "MSET (10 keys)",
]


def test_redis_benchmark_default_suite(ours):
    p = subprocess.run(["redis-benchmark", "-p", str(ours.port), "-q", "-n", "2000", "-c", "10"],
                       capture_output=True, timeout=300)
    out = (p.stdout + p.stderr).decode(errors="replace")
    assert p.returncode == 0, out
    assert "ERR" not in out and "error" not in out.lower(), out
    # Each test's final line (after progress lines ending in \r): "NAME: N requests per second, p50=..."
    finals = {}
    for chunk in re.split(r"[\r\n]", out):
        m = re.match(r"^\s*(.+?): ([\d.]+) requests per second", chunk)
        if m:
            finals[m.group(1)] = float(m.group(2))
    missing = [t for t in BENCH_TESTS if t not in finals]
    assert not missing, f"tests without a result line: {missing}\n{out}"
    assert all(v > 0 for v in finals.values()), finals


# ---------------------------------------------------------------------------------------------
# Interactive redis-cli: hints come from COMMAND DOCS

class Tmux:
    """A private tmux server (its own socket), so nothing else the user runs is touched."""

    def __init__(self):
        assert shutil.which("tmux"), "tmux is required (scripts/test.sh installs it)"
        self.sock = f"redis-ha-test-{uuid.uuid4().hex[:8]}"

    def run(self, *args):
        return subprocess.run(["tmux", "-L", self.sock, *args], capture_output=True, text=True, timeout=WAIT)

    def start(self, name, command):
        p = self.run("new-session", "-d", "-s", name, "-x", "220", "-y", "20", command)
        assert p.returncode == 0, p.stderr

    def screen(self, name):
        return self.run("capture-pane", "-p", "-t", name).stdout

    def wait_screen(self, name, predicate, timeout=WAIT):
        deadline = time.time() + timeout
        text = ""
        while time.time() < deadline:
            text = self.screen(name)
            if predicate(text):
                return text
            time.sleep(0.1)
        raise AssertionError(f"screen never matched; last screen:\n{text}")

    def kill(self):
        self.run("kill-server")


def _hint_for(tmux, name, port, typed):
    tmux.start(name, f"redis-cli -p {port}")
    prompt = f"127.0.0.1:{port}> "
    # capture-pane drops trailing spaces, so look for the prompt without its space.
    tmux.wait_screen(name, lambda s: prompt.rstrip() in s)
    tmux.run("send-keys", "-t", name, "-l", typed)
    screen = tmux.wait_screen(name, lambda s: prompt + typed + "key" in s)
    line = next(line for line in screen.splitlines() if line.startswith(prompt))
    tmux.run("send-keys", "-t", name, "C-u")
    return line[len(prompt):].rstrip()


def test_interactive_redis_cli_hints(ours, real):
    tmux = Tmux()
    try:
        docs_before = redis.Redis(port=ours.port, decode_responses=True).info("commandstats").get("cmdstat_command|docs", {}).get("calls", 0)
        for typed in ("SET ", "HSET ", "ZADD "):
            want = _hint_for(tmux, f"real{typed.strip()}", real.port, typed)
            got = _hint_for(tmux, f"ours{typed.strip()}", ours.port, typed)
            assert got == want, f"hint after {typed!r}: ours {got!r}, redis {want!r}"
            if typed == "SET ":
                assert got.startswith("SET key value [NX|XX] [GET] [EX seconds|PX milliseconds|"), got
        # redis-cli built those hints from our COMMAND DOCS reply (it asks once per session).
        docs_after = redis.Redis(port=ours.port, decode_responses=True).info("commandstats").get("cmdstat_command|docs", {}).get("calls", 0)
        assert docs_after >= docs_before + 3, (docs_before, docs_after)
        # And the session works: a command typed interactively is executed, with a formatted reply.
        tmux.run("send-keys", "-t", "oursSET", "-l", "SET interactive yes")
        tmux.run("send-keys", "-t", "oursSET", "Enter")
        tmux.wait_screen("oursSET", lambda s: "\nOK" in s)
        tmux.run("send-keys", "-t", "oursSET", "-l", "GET interactive")
        tmux.run("send-keys", "-t", "oursSET", "Enter")
        tmux.wait_screen("oursSET", lambda s: '"yes"' in s)
    finally:
        tmux.kill()
