"""A planned switchover (`SENTINEL FAILOVER`) under write load loses no acknowledged write (issue 21).

Real Redis's sentinel promotes the replica with SLAVEOF NO ONE and tells the old master nothing until a
later INFO, so every write the old master acknowledges in between is thrown away (redis/redis#6062;
bench/switchover.py measures it side by side). Our sentinel asks a master that serves FAILOVER to hand
over itself. Each case runs switchover.run (a master, two replicas, three sentinels, a redis-py Sentinel
client writing unique keys) and requires: the handover was coordinated, nothing acknowledged is lost,
the old master follows the new one, and writes paused only briefly.
"""
import pytest

import switchover
from conftest import OURS
from sentinel_procs import NAME, Events, start_group
from sentinel_procs import procs, workdir  # noqa: F401  (fixtures)
from test_persistence import wait_until

REAL_SENTINEL = "redis-sentinel"


CASES = {
    # data nodes, sentinels (the first one is asked)
    "our-nodes-our-sentinels": (OURS, [OURS, OURS, OURS]),
    "redis-server-nodes-our-sentinels": ("redis-server", [OURS, OURS, OURS]),
    "mixed-quorum": (OURS, [OURS, REAL_SENTINEL, REAL_SENTINEL]),
}


@pytest.mark.parametrize("case", list(CASES))
def test_a_planned_switchover_loses_no_acknowledged_write(procs, workdir, case):
    data, sentinels = CASES[case]
    r = switchover.run(procs, workdir, data, sentinels)
    switchover.RESULTS.append((case, r))
    assert r["coordinated"] and not r["fallback"], r
    assert r["acked"] > 1000, r
    assert r["lost"] == 0, r
    assert r["old_master_role"] == "slave", r
    # The write pause: catching up and handing over take milliseconds; the rest is the client finding
    # the new master through the sentinels. Bounded loosely against a loaded 2-core machine.
    assert r["pause_ms"] < 3000, r


def test_a_master_that_cannot_coordinate_gets_the_classic_promotion(procs, workdir):
    """A master that refuses the handover (here FAILOVER is renamed away, so it is an unknown command):
    the sentinel says so (-coordinated-failover ... refused ...) and promotes the replica the way
    Redis's sentinel does; the old master is turned into a replica later, by +convert-to-slave."""
    master, reps, sentinels = start_group(procs, workdir, OURS, [OURS, OURS, OURS],
                                          master_args=("--rename-command", "FAILOVER", ""))
    events = Events(sentinels)
    procs.append(events)
    assert sentinels[0].client().execute_command("SENTINEL", "FAILOVER", NAME) == "OK"
    switch = events.wait_for("+switch-master").split()
    fallback = events.named("-coordinated-failover")
    assert len(fallback) == 1, "\n".join(f"{p} {c} {d}" for _, p, c, d in events.items)
    assert fallback[0].startswith(f"master {NAME} 127.0.0.1 {master.port} refused ERR unknown command 'FAILOVER'"), fallback
    assert events.named("+coordinated-failover") == [f"slave 127.0.0.1:{switch[4]} 127.0.0.1 {switch[4]} @ {NAME} 127.0.0.1 {master.port}"]
    new = next(r for r in reps if r.port == int(switch[4]))
    wait_until(lambda: (new.role() or [""])[0] == "master", what="the replica promoted")
    wait_until(lambda: (master.role() or [""])[:3] == ["slave", "127.0.0.1", new.port], what="the old master converted")
    events.wait_for("+convert-to-slave")
