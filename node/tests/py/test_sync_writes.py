"""Synchronous acknowledgement (`ha-sync-replicas`, `ha-sync-timeout-ms`; issue 17): a write's reply is
sent only once that many replicas acknowledged it, with our replicas and with real redis-server replicas.

- A SET's +OK comes back only when the replica has applied it (a GET on the replica right after the
  reply sees it), EXEC's and EVAL's replies likewise.
- A stopped replica (SIGSTOP): the reply waits ha-sync-timeout-ms, then the write's reply is an
  -UNCONFIRMED error saying it was applied on the master (and it was); a read in the same pipeline keeps
  its reply; a read alone is never held.
- A pipeline of 200 writes costs one acknowledgement round, not 200: the master's offset grows by the
  writes and at most a few REPLCONF GETACKs.
- Off (the default), a write with the replica stopped is acknowledged at once, as in Redis.
"""
import os
import signal
import socket
import time

import pytest
import redis

from conftest import OURS, ServerProc
from test_persistence import wait_until

GETACK = b"*3\r\n$8\r\nREPLCONF\r\n$6\r\nGETACK\r\n$1\r\n*\r\n"


@pytest.fixture(params=["ours", "redis-server"])
def group(request):
    """Our master with ha-sync-replicas 1 (timeout 500 ms) and one replica of the given kind."""
    master = ServerProc(OURS, args=("--ha-sync-replicas", "1", "--ha-sync-timeout-ms", "500"), name="sync-master")
    replica = ServerProc(OURS if request.param == "ours" else "redis-server",
                         args=("--replicaof", "127.0.0.1", str(master.port)), name="sync-replica")
    wait_until(lambda: redis.Redis(port=replica.port).info("replication").get("master_link_status") == "up",
               what="replica link up")
    yield master, replica
    replica.proc.send_signal(signal.SIGCONT)
    replica.stop()
    master.stop()


def send(port, payload, expect_replies, timeout=5.0):
    """Writes raw RESP and reads until `expect_replies` top-level replies arrived; returns (bytes, seconds)."""
    from sentinel_procs import _parse
    s = socket.create_connection(("127.0.0.1", port), timeout=timeout)
    try:
        start = time.monotonic()
        s.sendall(payload)
        data = b""
        while True:
            chunk = s.recv(65536)
            assert chunk, f"connection closed after {data!r}"
            data += chunk
            i, n = 0, 0
            try:
                while i < len(data):
                    i = _parse(data, i)
                    n += 1
            except (IndexError, ValueError):
                pass
            if n >= expect_replies:
                return data, time.monotonic() - start
    finally:
        s.close()


def cmd(*args):
    out = b"*%d\r\n" % len(args)
    for a in args:
        a = a.encode() if isinstance(a, str) else a
        out += b"$%d\r\n%s\r\n" % (len(a), a)
    return out


def test_a_write_is_acknowledged_only_once_the_replica_has_it(group):
    master, replica = group
    m, r = redis.Redis(port=master.port), redis.Redis(port=replica.port)
    for i in range(50):
        assert m.set(f"k{i}", i) is True
        assert r.get(f"k{i}") == str(i).encode(), f"the replica lacks k{i} after its +OK"
    tx = m.pipeline(transaction=True)
    tx.set("tx", "1").incr("tx")
    assert tx.execute() == [True, 2]
    assert r.get("tx") == b"2"
    assert m.eval("redis.call('SET', KEYS[1], ARGV[1]); return 7", 1, "ev", "x") == 7
    assert r.get("ev") == b"x"


def test_an_unconfirmed_write_gets_an_error_after_the_timeout(group):
    master, replica = group
    m = redis.Redis(port=master.port)
    m.set("before", "1")
    replica.proc.send_signal(signal.SIGSTOP)
    try:
        # A read alone is not held.
        _, took = send(master.port, cmd("GET", "before"), 1)
        assert took < 0.3, took
        data, took = send(master.port, cmd("PING") + cmd("SET", "k", "v") + cmd("GET", "k") + cmd("MULTI") + cmd("INCR", "n")
                          + cmd("EXEC"), 6)
        assert took >= 0.45, f"replies came back after {took:.3f} s, before the 500 ms timeout"
        err = b"-UNCONFIRMED the write was applied on the master but confirmed by only 0 of 1 replica within 500 ms\r\n"
        assert data == b"+PONG\r\n" + err + b"$1\r\nv\r\n+OK\r\n+QUEUED\r\n" + err, data
        # Applied on the master, as the error says.
        assert m.get("k") == b"v" and m.get("n") == b"1"
    finally:
        replica.proc.send_signal(signal.SIGCONT)
    wait_until(lambda: redis.Redis(port=replica.port).get("n") == b"1", what="the replica catches up")
    assert m.set("after", "1") is True
    stats = m.info("errorstats")
    assert stats["errorstat_UNCONFIRMED"]["count"] == 2, stats


def test_a_pipeline_costs_one_acknowledgement_round(group):
    master, _ = group
    m = redis.Redis(port=master.port)
    m.set("warm", "1")
    before = m.info("replication")["master_repl_offset"]
    payload = b"".join(cmd("SET", f"p{i}", "x") for i in range(200))
    data, _ = send(master.port, payload, 200)
    assert data == b"+OK\r\n" * 200
    grown = m.info("replication")["master_repl_offset"] - before
    writes = len(payload)  # the SETs propagate as sent (same db, no SELECT needed)
    assert writes <= grown <= writes + 3 * len(GETACK), (grown, writes)


def test_off_by_default_as_in_redis():
    master = ServerProc(OURS, name="sync-off")
    replica = ServerProc(OURS, args=("--replicaof", "127.0.0.1", str(master.port)), name="sync-off-replica")
    try:
        wait_until(lambda: redis.Redis(port=replica.port).info("replication").get("master_link_status") == "up",
                   what="replica link up")
        replica.proc.send_signal(signal.SIGSTOP)
        _, took = send(master.port, cmd("SET", "k", "v"), 1)
        assert took < 0.3, took
        cfg = redis.Redis(port=master.port)
        assert cfg.config_get("ha-sync-replicas") == {"ha-sync-replicas": "0"}
        # Hidden from CONFIG GET *, like the other ha- directives, so the listing stays Redis's.
        assert "ha-sync-replicas" not in cfg.config_get("*")
        assert cfg.config_set("ha-sync-replicas", 1) is True
        _, took = send(master.port, cmd("SET", "k", "w"), 1)
        assert took >= 0.9, f"held for the default 1000 ms timeout, got {took:.3f} s"
    finally:
        replica.proc.send_signal(signal.SIGCONT)
        replica.stop()
        master.stop()
