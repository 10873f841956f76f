"""A planned switchover under write load (`SENTINEL FAILOVER`), measured: how many writes the client had
acknowledged, how many of those the final master lacks, and how long writes paused.

Shared by test_switchover.py (which requires 0 lost with our sentinel) and bench/switchover.py (the
side-by-side table with redis-sentinel). The set-up is the one issue 21 measured: a master, two replicas
and three sentinels on loopback, and one redis-py `Sentinel` client (`master_for`, as applications use it)
writing unique keys `sw:<n>` in a loop; a write that fails is retried with the same key after 10 ms (the
pool asks the sentinels again on a connection error or -READONLY), so the acknowledged keys are exactly
`sw:0 .. sw:<acked-1>`.
"""
import threading
import time

import redis
from redis.sentinel import Sentinel as SentinelClient

from sentinel_procs import NAME, Events, start_group
from test_persistence import wait_until

# (case, result) of every run in this session, printed at the end of the pytest run (conftest.py).
RESULTS = []


class Writer:
    """Writes sw:0, sw:1, ... through the master the sentinels name, recording when each was acknowledged."""

    def __init__(self, sentinel_ports):
        self.sentinel = SentinelClient([("127.0.0.1", p) for p in sentinel_ports], socket_timeout=0.5)
        self.master = self.sentinel.master_for(NAME, socket_timeout=0.5, socket_connect_timeout=0.5, retry_on_timeout=False)
        self.acked_at = []  # monotonic time of each acknowledgement, index = key number
        self.errors = 0
        self.stopping = False
        self.thread = threading.Thread(target=self._run, daemon=True)

    def start(self):
        self.thread.start()
        return self

    def _run(self):
        n = 0
        while not self.stopping:
            try:
                self.master.set(f"sw:{n}", n)
            except (redis.RedisError, OSError):
                self.errors += 1
                time.sleep(0.01)
                continue
            self.acked_at.append(time.monotonic())
            n += 1

    def stop(self):
        self.stopping = True
        self.thread.join(10)
        assert not self.thread.is_alive(), "the writer is stuck"

    def longest_gap(self, since):
        """The longest time without an acknowledged write after `since` (monotonic)."""
        times = [since] + [t for t in self.acked_at if t >= since]
        return max((b - a for a, b in zip(times, times[1:])), default=0.0)


def missing_keys(client, acked):
    """How many of sw:0 .. sw:<acked-1> `client` lacks."""
    lost = 0
    for start in range(0, acked, 1000):
        keys = [f"sw:{i}" for i in range(start, min(start + 1000, acked))]
        lost += sum(1 for v in client.mget(keys) if v is None)
    return lost


def run(procs, workdir, data_program, sentinel_programs, ask=0, warm=1.0, after=2.0, failover_timeout=3000):
    """One switchover: returns {acked, lost, pause_ms, switch_ms, demoted_ms, coordinated, fallback,
    old_master_role} for `sentinel_programs` (the one at index `ask` gets SENTINEL FAILOVER). Times are
    from the request: the first +switch-master, the old master reporting role:slave, and the longest
    time without an acknowledged write."""
    master, reps, sentinels = start_group(procs, workdir, data_program, sentinel_programs, failover_timeout=failover_timeout)
    events = Events(sentinels)
    writer = Writer([s.port for s in sentinels]).start()
    try:
        wait_until(lambda: len(writer.acked_at) >= 200, what="writes flowing")
        time.sleep(warm)
        asked = time.monotonic()
        assert sentinels[ask].client().execute_command("SENTINEL", "FAILOVER", NAME) == "OK"
        switch = events.wait_for("+switch-master").split()
        switch_ms = (time.monotonic() - asked) * 1000
        new_port = int(switch[4])
        # Until the old master is a replica it may still take writes (with Redis's sentinel it does,
        # until +convert-to-slave): the count is final only once it follows the new master. Then
        # keep writing on the new master for a while.
        wait_until(lambda: (master.role() or [None])[0] == "slave", limit=90, what="the old master demoted")
        demoted_ms = (time.monotonic() - asked) * 1000
        time.sleep(after)
    finally:
        writer.stop()
        events.close()
    for s in sentinels:
        wait_until(lambda: s.master_addr() == ("127.0.0.1", str(new_port)), what=f"sentinel {s.port} names the new master")
    new_master = next(n for n in [master, *reps] if n.port == new_port)
    acked = len(writer.acked_at)
    assert acked > 0
    lost = missing_keys(new_master.client(), acked)
    return {
        "acked": acked,
        "lost": lost,
        "pause_ms": round(writer.longest_gap(asked) * 1000),
        "switch_ms": round(switch_ms),
        "demoted_ms": round(demoted_ms),
        "coordinated": bool(events.named("+coordinated-failover")),
        "fallback": events.named("-coordinated-failover"),
        "old_master_role": (master.role() or [None])[0],
    }
