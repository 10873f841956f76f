"""Lazy freeing against a real redis-server 7.0.15: which deletions free in the background, as INFO's
`lazyfreed_objects` counts them (UNLINK of a large value, DEL under `lazyfree-lazy-user-del`,
FLUSHALL/FLUSHDB ASYNC or under `lazyfree-lazy-user-flush`, one per flushed key; small values and
plain DEL freed at once), `lazyfree_pending_objects` back at 0 once done, and CONFIG RESETSTAT.
"""
import time

import redis

from conftest import OURS, ServerProc


def lazy_counts(r):
    deadline = time.time() + 10
    while True:
        m = r.info("memory")
        if m["lazyfree_pending_objects"] == 0 or time.time() > deadline:
            return m["lazyfreed_objects"], m["lazyfree_pending_objects"]
        time.sleep(0.01)


def build(r, prefix):
    """Values whose freeing takes more than 64 allocations, and a few that do not."""
    p = r.pipeline(transaction=False)
    p.rpush(f"{prefix}:list", *[f"element-{i:06d}-" + "x" * 40 for i in range(20000)])
    p.sadd(f"{prefix}:set", *[f"m{i}" for i in range(1000)])
    p.zadd(f"{prefix}:zset", {f"m{i}": i for i in range(1000)})
    p.hset(f"{prefix}:hash", mapping={f"f{i}": i for i in range(1000)})
    for i in range(20000):
        p.xadd(f"{prefix}:stream", {"f": i}, id=f"{i + 1}-1")
    p.rpush(f"{prefix}:small", *range(100))
    p.sadd(f"{prefix}:intset", *range(100))
    p.set(f"{prefix}:str", "x" * 100000)
    p.execute()


def scenario(program):
    s = ServerProc(program, name="lazyfree")
    try:
        r = redis.Redis(port=s.port)
        obs = {"start": lazy_counts(r)}
        build(r, "a")
        for kind in ("list", "set", "zset", "hash", "stream", "small", "intset", "str"):
            r.unlink(f"a:{kind}")
            obs[f"UNLINK {kind}"] = lazy_counts(r)
        build(r, "b")
        r.delete("b:list", "b:set")
        obs["DEL, not lazy"] = lazy_counts(r)
        r.config_set("lazyfree-lazy-user-del", "yes")
        r.delete("b:zset", "b:hash", "b:small")
        obs["DEL, lazy"] = lazy_counts(r)
        r.flushall(asynchronous=True)
        obs["FLUSHALL ASYNC of 3 keys"] = lazy_counts(r)
        r.mset({f"k{i}": i for i in range(10)})
        r.flushdb(asynchronous=False)
        obs["FLUSHDB SYNC"] = lazy_counts(r)
        r.mset({f"k{i}": i for i in range(10)})
        r.config_set("lazyfree-lazy-user-flush", "yes")
        r.flushdb()
        obs["FLUSHDB under lazyfree-lazy-user-flush"] = lazy_counts(r)
        r.config_resetstat()
        obs["after RESETSTAT"] = lazy_counts(r)
        return obs
    finally:
        s.stop()


def test_lazy_freeing_counts_as_redis():
    real = scenario("redis-server")
    assert real["UNLINK list"] == (1, 0)
    assert real["UNLINK small"] == real["UNLINK stream"]
    assert real["FLUSHALL ASYNC of 3 keys"][0] == real["DEL, lazy"][0] + 3
    assert scenario(OURS) == real
