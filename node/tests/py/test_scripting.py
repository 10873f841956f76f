"""Scripting against real processes: EVAL and FUNCTION as applications and tools use them.

- A script that loops forever: other clients (also ones that connect meanwhile) get -BUSY, SCRIPT
  KILL / FUNCTION KILL stop it, a script that wrote is UNKILLABLE, SHUTDOWN NOSAVE ends the server.
- Unchanged client code: redis-py's Lock and register_script, a BullMQ/Sidekiq-style job queue in
  Lua, and `redis-cli --eval`, on ours and on redis-server with the same results.
- Effects replication: a script's writes reach a real replica (and ours from a real master) as
  MULTI/EXEC, `redis.set_repl` keeps writes local, FUNCTION LOAD replicates, and a full sync carries
  the libraries, both ways.
- Persistence: functions in the RDB and in the AOF (with and without the RDB preamble), read by
  the other server; the AOF records a script's writes wrapped in MULTI/EXEC.
- Rules: deny-oom, read-only replicas, keyspace notifications and commandstats of commands run
  inside scripts, compared with redis-server.
- Bad input: huge scripts, deep recursion, bad Lua, malformed FUNCTION RESTORE payloads leave the
  server serving and the data intact.
"""
import os
import subprocess
import threading
import time

import pytest
import redis

from conftest import OURS
from test_persistence import Node, wait_until
# `cluster`: servers in scratch dirs, stopped after each test (the replication tests' factory).
from test_replication import caught_up, cluster, link_up  # noqa: F401  (cluster: a fixture)

WAIT = 20.0
PROGRAMS = [("ours", OURS), ("redis", "redis-server")]
LOOP = "local i = 0 while true do i = i + 1 end"


def run_in_thread(fn):
    box = {}

    def target():
        try:
            box["value"] = fn()
        except Exception as e:  # noqa: BLE001  (the error is the result under test)
            box["error"] = e

    t = threading.Thread(target=target, daemon=True)
    t.start()
    return t, box


def wait_busy(n):
    """Until a new client gets -BUSY (the script passed busy-reply-threshold)."""

    def busy():
        try:
            n.client().ping()
            return False
        except redis.exceptions.BusyLoadingError:
            return True
        except redis.ResponseError as e:
            return str(e).startswith("BUSY")

    wait_until(busy, what="-BUSY")


# --- busy scripts -------------------------------------------------------------------------------


@pytest.mark.parametrize("name,program", PROGRAMS)
def test_script_kill_stops_a_busy_script(cluster, name, program):
    n = cluster(program, "--busy-reply-threshold", "100")
    c = n.client()
    c.set("k", "before")
    t, box = run_in_thread(lambda: n.client().eval(LOOP, 0))
    wait_busy(n)
    other = n.client()
    with pytest.raises(redis.ResponseError, match="^BUSY Redis is busy running a script. You can only call SCRIPT KILL or SHUTDOWN NOSAVE.$"):
        other.get("k")
    with pytest.raises(redis.ResponseError, match="^BUSY Redis is busy running a script. You can only call SCRIPT KILL or SHUTDOWN NOSAVE.$"):
        other.execute_command("FUNCTION", "KILL")
    assert other.execute_command("SCRIPT", "KILL") in (b"OK", "OK", True)
    t.join(WAIT)
    assert not t.is_alive()
    assert "Script killed by user with SCRIPT KILL..." in str(box.get("error"))
    assert c.get("k") == "before"
    with pytest.raises(redis.ResponseError, match="^NOTBUSY No scripts in execution right now.$"):
        c.execute_command("SCRIPT", "KILL")
    assert "Slow script detected" in n.log()


@pytest.mark.parametrize("name,program", PROGRAMS)
def test_function_kill_and_unkillable(cluster, name, program):
    n = cluster(program, "--busy-reply-threshold", "100")
    c = n.client()
    c.function_load("#!lua name=spin\nredis.register_function('spin', function() " + LOOP + " end)\n"
                    "redis.register_function('spinw', function() redis.call('set', 'w', '1') " + LOOP + " end)")
    t, box = run_in_thread(lambda: n.client().fcall("spin", 0))
    wait_busy(n)
    other = n.client()
    with pytest.raises(redis.ResponseError, match="You can only call FUNCTION KILL or SHUTDOWN NOSAVE"):
        other.get("x")
    stats = other.execute_command("FUNCTION", "STATS")
    running = stats["running_script"]
    assert running["name"] == "spin" and running["command"] == ["FCALL", "spin", "0"], stats
    assert running["duration_ms"] >= 100
    with pytest.raises(redis.ResponseError, match="^BUSY Redis is busy running a script. You can only call FUNCTION KILL or SHUTDOWN NOSAVE.$"):
        other.execute_command("SCRIPT", "KILL")
    assert other.execute_command("FUNCTION", "KILL")
    t.join(WAIT)
    assert "Script killed by user with SCRIPT KILL..." in str(box.get("error"))
    # A script that wrote cannot be killed; only SHUTDOWN NOSAVE ends it.
    t, box = run_in_thread(lambda: n.client().fcall("spinw", 0))
    wait_busy(n)
    other = n.client()
    with pytest.raises(redis.ResponseError, match="^UNKILLABLE Sorry the script already executed write commands"):
        other.execute_command("FUNCTION", "KILL")
    with pytest.raises(redis.ResponseError, match="^BUSY"):
        other.execute_command("SHUTDOWN")
    try:
        other.execute_command("SHUTDOWN", "NOSAVE")
    except redis.ConnectionError:
        pass
    assert n.proc.wait(WAIT) == 0


# --- unchanged client code ----------------------------------------------------------------------


QUEUE_ADD = """
local id = redis.call('INCR', KEYS[1] .. ':id')
redis.call('HSET', KEYS[1] .. ':job:' .. id, 'data', ARGV[1], 'state', 'waiting', 'attempts', 0)
redis.call('LPUSH', KEYS[1] .. ':wait', id)
redis.call('PUBLISH', KEYS[1] .. ':events', 'added ' .. id)
return id
"""

QUEUE_TAKE = """
local id = redis.call('RPOPLPUSH', KEYS[1] .. ':wait', KEYS[1] .. ':active')
if not id then return false end
local job = KEYS[1] .. ':job:' .. id
redis.call('HSET', job, 'state', 'active', 'token', ARGV[1])
redis.call('HINCRBY', job, 'attempts', 1)
redis.call('ZADD', KEYS[1] .. ':lock', tonumber(ARGV[2]), id)
return {id, redis.call('HGET', job, 'data')}
"""

QUEUE_DONE = """
local job = KEYS[1] .. ':job:' .. ARGV[1]
if redis.call('HGET', job, 'token') ~= ARGV[2] then
  return redis.error_reply('ERR lock mismatch for job ' .. ARGV[1])
end
redis.call('LREM', KEYS[1] .. ':active', 0, ARGV[1])
redis.call('ZREM', KEYS[1] .. ':lock', ARGV[1])
redis.call('HSET', job, 'state', 'completed', 'result', cjson.encode({ok = true, id = tonumber(ARGV[1])}))
return redis.call('LLEN', KEYS[1] .. ':active')
"""


def queue_workload(c):
    add, take, done = c.register_script(QUEUE_ADD), c.register_script(QUEUE_TAKE), c.register_script(QUEUE_DONE)
    out = [add(keys=["q"], args=[f"payload-{i}"]) for i in range(20)]
    for i in range(15):
        out.append(take(keys=["q"], args=[f"tok{i}", 1000 + i]))
    out.append(done(keys=["q"], args=["1", "tok0"]))
    with pytest.raises(redis.ResponseError, match="lock mismatch for job 2"):
        done(keys=["q"], args=["2", "wrong"])
    out.append(done(keys=["q"], args=["2", "tok1"]))
    state = {k: (c.type(k), c.dump(k) is not None) for k in sorted(c.keys("q:*"))}
    out.append(c.hgetall("q:job:1"))
    out.append(c.lrange("q:wait", 0, -1))
    out.append(c.zrange("q:lock", 0, -1, withscores=True))
    out.append(state)
    return out


def lock_workload(c):
    from redis.lock import Lock

    out = []
    lock = Lock(c, "res", timeout=5, blocking=False)
    out.append(lock.acquire())
    out.append(Lock(c, "res", timeout=5, blocking=False).acquire())
    out.append(lock.extend(5))
    out.append(lock.reacquire())
    out.append(0 < c.pttl("res") <= 10000)
    lock.release()
    out.append(c.exists("res"))
    other = Lock(c, "res", timeout=5, blocking=False)
    out.append(other.acquire())
    # A stale holder's token no longer matches: the release script refuses it.
    lock.local.token = b"stale-token"
    with pytest.raises(redis.exceptions.LockNotOwnedError):
        lock.release()
    out.append(other.owned())
    other.release()
    out.append(other.locked())
    return out


@pytest.mark.parametrize("workload", [queue_workload, lock_workload])
def test_client_libraries_run_unchanged(cluster, workload):
    ours, real = cluster(OURS), cluster("redis-server")
    assert workload(ours.client()) == workload(real.client())


def test_redis_cli_eval(cluster, tmp_path):
    ours, real = cluster(OURS), cluster("redis-server")
    script = tmp_path / "incr.lua"
    script.write_text("redis.call('INCRBY', KEYS[1], ARGV[1])\nreturn {KEYS[1], redis.call('GET', KEYS[1]), ARGV[2]}\n")
    outs = []
    for n in (ours, real):
        p = subprocess.run(["redis-cli", "-p", str(n.port), "--eval", str(script), "counter", ",", "5", "extra"],
                           capture_output=True, text=True, timeout=WAIT)
        outs.append((p.returncode, p.stdout))
    assert outs[0] == outs[1]
    assert outs[0][1].split() == ["counter", "5", "extra"]


# --- replication and persistence ----------------------------------------------------------------


LIB = "#!lua name=repl\nredis.register_function('bump', function(keys, args) redis.call('incr', keys[1]) return redis.call('rpush', keys[2], args[1]) end)"
MULTI_WRITE = "redis.call('set', KEYS[1], ARGV[1]); redis.call('incr', KEYS[2]); redis.call('lpush', KEYS[3], ARGV[1]); return 1"
LOCAL_ONLY = "redis.set_repl(redis.REPL_NONE); redis.call('set', 'local-only', '1'); redis.set_repl(redis.REPL_ALL); return redis.call('set', 'replicated', '1')"


def dataset(c):
    return {k: c.dump(k) for k in sorted(c.keys("*"))}


def libraries(c):
    """(name, code) of every library (FUNCTION LIST's RESP2 maps are flat lists)."""
    libs = [dict(zip(entry[::2], entry[1::2])) for entry in c.function_list(withcode=True)]
    return sorted((lib["library_name"], lib["library_code"]) for lib in libs)


@pytest.mark.parametrize("master_prog,replica_prog", [(OURS, "redis-server"), ("redis-server", OURS)])
def test_scripts_and_functions_replicate(cluster, master_prog, replica_prog):
    m = cluster(master_prog)
    mc = m.client()
    mc.function_load(LIB)  # before the replica attaches: the full sync carries it
    mc.set("pre", "1")
    r = cluster(replica_prog, "--replicaof", "127.0.0.1", str(m.port))
    wait_until(lambda: link_up(r), limit=WAIT, what="link up")
    rc = r.client()
    assert libraries(rc) == libraries(mc)
    for i in range(5):
        mc.eval(MULTI_WRITE, 3, f"s{i}", "counter", "list", f"v{i}")
        mc.fcall("bump", 2, "fc", "fl", f"x{i}")
    mc.eval(LOCAL_ONLY, 0)
    mc.function_load(LIB.replace("name=repl", "name=repl2").replace("'bump'", "'bump2'"))
    wait_until(lambda: caught_up(m, r), limit=WAIT, what="replica caught up")
    expected = dataset(mc)
    del expected["local-only"]
    assert dataset(rc) == expected
    assert libraries(rc) == libraries(mc)
    # Scripts on a read-only replica: reads run, writes are refused.
    assert rc.eval("return redis.call('get', 'pre')", 0) == "1"
    # (redis-py drops the READONLY code from the message.)
    sha = rc.script_load("return redis.call('set', 'pre', '2')")
    with pytest.raises(redis.exceptions.ReadOnlyError, match=f"^You can't write against a read only replica. script: {sha}, on @user_script:1.$"):
        rc.evalsha(sha, 0)
    # A script declaring it may write is refused before it runs, as any write command.
    writer = "#!lua\nreturn redis.call('set', 'pre', '2')"
    for _ in range(2):  # not cached yet, then cached
        with pytest.raises(redis.exceptions.ReadOnlyError, match="^You can't write against a read only replica.$"):
            rc.eval(writer, 0)
    assert rc.eval("#!lua flags=no-writes\nreturn redis.call('get', 'pre')", 0) == "1"


def test_effects_reach_the_aof_in_multi_exec(cluster):
    n = cluster(OURS, "--appendonly", "yes")
    c = n.client()
    c.eval(MULTI_WRITE, 3, "a", "b", "c", "v")
    c.eval("return redis.call('set', 'single', '1')", 0)
    c.eval("return redis.call('get', 'single')", 0)
    aofdir = os.path.join(n.dir, "appendonlydir")
    incr = [f for f in os.listdir(aofdir) if f.endswith(".incr.aof")]
    text = open(os.path.join(aofdir, incr[0]), "rb").read()
    assert b"*1\r\n$5\r\nMULTI\r\n*3\r\n$3\r\nset\r\n$1\r\na\r\n$1\r\nv\r\n*2\r\n$4\r\nincr\r\n$1\r\nb\r\n*3\r\n$5\r\nlpush\r\n$1\r\nc\r\n$1\r\nv\r\n*1\r\n$4\r\nEXEC\r\n" in text
    assert b"*3\r\n$3\r\nset\r\n$6\r\nsingle\r\n$1\r\n1\r\n" in text
    assert b"eval" not in text.lower().replace(b"\r\n", b" ")


@pytest.mark.parametrize("preamble", ["yes", "no"])
@pytest.mark.parametrize("writer,reader", [(OURS, "redis-server"), ("redis-server", OURS)])
def test_functions_persist_across_servers(cluster, writer, reader, preamble):
    w = cluster(writer, "--appendonly", "yes", "--aof-use-rdb-preamble", preamble)
    c = w.client()
    c.function_load(LIB)
    c.fcall("bump", 2, "fc", "fl", "x")
    c.execute_command("BGREWRITEAOF")
    wait_until(lambda: c.info("persistence")["aof_rewrite_in_progress"] == 0, what="rewrite done")
    c.function_load(LIB.replace("name=repl", "name=later").replace("'bump'", "'later'"))
    c.save()
    libs, data = libraries(c), dataset(c)
    w.stop()
    for aof in ("yes", "no"):  # from the AOF, then from dump.rdb
        r = Node(reader, w.dir, ("--save", "", "--appendonly", aof, "--aof-use-rdb-preamble", preamble)).start()
        try:
            rc = r.client()
            assert libraries(rc) == libs
            assert dataset(rc) == data
            assert rc.fcall("bump", 2, "fc", "fl", "y") == 2
        finally:
            r.stop()


def test_function_dump_restore_both_ways(cluster):
    ours, real = cluster(OURS), cluster("redis-server")
    for src, dst in ((ours, real), (real, ours)):
        sc, dc = src.client(), dst.client()
        sc.function_flush()
        dc.function_flush()
        sc.function_load(LIB)
        sc.function_load("#!lua name=other\nredis.register_function('o', function() return 'o' end)")
        payload = sc.function_dump()
        assert dc.function_restore(payload)
        assert libraries(dc) == libraries(sc)
        with pytest.raises(redis.ResponseError, match="already exists"):
            dc.function_restore(payload)
        assert dc.function_restore(payload, "REPLACE")
        assert dc.function_restore(payload, "FLUSH")
        assert dc.fcall("o", 0) == "o"


# --- rules around scripts, compared with redis-server -------------------------------------------


def both(cluster, *args):
    return [cluster(OURS, *args).client(), cluster("redis-server", *args).client()]


def outcome(fn):
    try:
        return ("ok", fn())
    except redis.ResponseError as e:
        return ("err", str(e))


def test_deny_oom(cluster):
    results = []
    for c in both(cluster):
        c.set("filler", "x" * 100)
        c.config_set("maxmemory", 1)
        r = [
            outcome(lambda: c.eval("return redis.call('set', 'a', 'b')", 0)),
            outcome(lambda: c.eval("return redis.call('get', 'filler') ~= nil", 0)),
            outcome(lambda: c.eval("#!lua\nreturn 1", 0)),
            outcome(lambda: c.eval("#!lua flags=allow-oom\nreturn redis.call('set', 'a', 'b')", 0)),
            outcome(lambda: c.eval("#!lua flags=no-writes\nreturn redis.call('get', 'a')", 0)),
        ]
        c.config_set("maxmemory", 0)
        results.append(r)
    assert results[0] == results[1]
    assert results[0][0][0] == "err" and results[0][0][1].startswith("command not allowed when used memory > 'maxmemory'.")
    assert results[0][3] == ("ok", "OK")


def test_notifications_and_commandstats_inside_scripts(cluster):
    seen = []
    for c in both(cluster):
        c.config_set("notify-keyspace-events", "KEA")
        p = c.pubsub()
        p.psubscribe("__key*__:*")
        p.get_message(timeout=1)
        c.config_resetstat()
        c.eval("redis.call('set', 'n', '1'); redis.call('incr', 'n'); redis.call('del', 'n'); return 1", 0)
        msgs = []
        deadline = time.time() + 5
        while len(msgs) < 6 and time.time() < deadline:
            m = p.get_message(timeout=0.5)
            if m and m["type"] == "pmessage":
                msgs.append((m["channel"], m["data"]))
        # A command's error inside a script counts once, where it happened; the script's own
        # errors count as the script's.
        c.set("str", "x")
        for script in ("return redis.call('incr', 'str')", "return redis.pcall('incr', 'str')", "error('mine')",
                       "return redis.call('nosuch')", "return redis.pcall('nosuch')", "return redis.error_reply('MY own')"):
            outcome(lambda: c.eval(script, 0))
        stats = c.info("commandstats")
        errors = c.info("errorstats")
        seen.append((msgs, {k: (v["calls"], v["failed_calls"]) for k, v in stats.items()}, errors, c.info("stats")["total_error_replies"]))
        p.close()
    assert seen[0] == seen[1]
    assert seen[0][1]["cmdstat_set"] == (2, 0) and seen[0][1]["cmdstat_eval"] == (7, 6)


# --- bad input ----------------------------------------------------------------------------------


def test_bad_scripts_and_payloads_do_not_hurt(cluster):
    n = cluster(OURS)
    c = n.client()
    c.set("keep", "safe")
    c.function_load(LIB)
    bad = [
        lambda: c.eval("x = " * 10000, 0),
        lambda: c.eval("return " + "(" * 300 + "1" + ")" * 300, 0),
        lambda: c.eval("local function f(n) return f(n + 1) + 1 end return f(1)", 0),
        lambda: c.eval("local t = {} for i = 1, 200 do t = {t} end return t", 0),
        lambda: c.eval("local s = string.rep('x', 1024 * 1024) return #s", 0),
        lambda: c.eval("return string.rep('ab', 1e10)", 0),
        lambda: c.eval("local t = {} for i = 1, 1e9 do t[i] = i end", 0),
        lambda: c.eval("return " + "1 + " * 100000 + "1", 0),
        lambda: c.eval("\x00\x01\x02garbage", 0),
        lambda: c.eval("return cjson.decode('" + "[" * 2000 + "')", 0),
        lambda: c.eval("return cmsgpack.unpack('\\xdd\\xff\\xff\\xff\\xff')", 0),
        lambda: c.eval("return struct.pack('i999', 1)", 0),
        lambda: c.function_load("#!lua name=bad\n" + "(" * 5000),
        lambda: c.function_load("#!lua name=loop\nwhile true do end"),
    ]
    big = "return '" + "y" * (8 * 1024 * 1024) + "'"
    bad.append(lambda: len(c.eval(big, 0)))
    for fn in bad:
        outcome(fn)
    # FUNCTION RESTORE with damaged payloads: valid checksum, nonsense inside; and random bytes.
    good = c.function_dump()
    for payload in (good[:-3], b"\xf5" + good[1:], good[:1] + b"\x7f" * 20 + good[-10:], b"", b"\x00" * 10, os.urandom(64)):
        outcome(lambda: c.function_restore(payload, "REPLACE"))
    assert c.ping()
    assert c.get("keep") == "safe"
    assert c.fcall("bump", 2, "fc", "fl", "x") == 1
    assert n.proc.poll() is None


def test_monitor_shows_scripts_then_their_commands(cluster):
    seen = []
    for c in both(cluster):
        c.function_load(LIB)
        with c.monitor() as m:
            c.eval("return redis.call('set', 'mk', '1')", 0)
            c.fcall("bump", 2, "fc", "fl", "x")
            c.ping()
            lines = []
            while True:
                ev = m.next_command()
                if ev["command"] == "PING":
                    break
                if not ev["command"].startswith(("HELLO", "CLIENT")):  # a new connection's handshake
                    lines.append((ev["db"], ev["client_type"] if ev["client_type"] == "lua" else "client", ev["command"]))
        seen.append(lines)
    assert seen[0] == seen[1]
    assert [cmd for _, _, cmd in seen[0]] == ["EVAL return redis.call('set', 'mk', '1') 0", "set mk 1", "FCALL bump 2 fc fl x", "incr fc", "rpush fl x"]
