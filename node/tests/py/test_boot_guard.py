"""Boot guard (ha-boot-master-name / ha-boot-sentinels) against real redis-sentinel 7.0 processes.

The failure it prevents: a master restarts with an empty dataset before the sentinels notice it was
gone, comes back as a master, and its replicas resynchronize from it and lose everything. The control
test shows that failure really happens without the guard on these same processes; the guarded test
shows the node waits, unreachable, until the sentinels promote the replica, then follows it, and no
data is lost.
"""
import os
import shutil
import subprocess
import tempfile
import time

import pytest
import redis

from conftest import OURS, free_port
from test_persistence import Node, wait_until

WAIT = 30.0
NAME = "mymaster"


class Sentinels:
    """Three real redis-sentinel processes monitoring one master (quorum 2, down-after 1000 ms)."""

    def __init__(self, master_port, n=3):
        self.procs, self.ports, self.dirs = [], [], []
        for _ in range(n):
            d = tempfile.mkdtemp(prefix="pytest-sent-")
            port = free_port()
            conf = os.path.join(d, "sentinel.conf")
            with open(conf, "w") as f:
                f.write(f"port {port}\nbind 127.0.0.1\ndaemonize no\ndir {d}\nlogfile {d}/sentinel.log\n"
                        f"sentinel monitor {NAME} 127.0.0.1 {master_port} 2\n"
                        f"sentinel down-after-milliseconds {NAME} 1000\n"
                        f"sentinel failover-timeout {NAME} 3000\n")
            self.procs.append(subprocess.Popen(["redis-sentinel", conf], stdout=subprocess.DEVNULL, stderr=subprocess.STDOUT))
            self.ports.append(port)
            self.dirs.append(d)
        for port in self.ports:
            wait_until(lambda: self._ping(port), limit=10, what="sentinel up")

    def _ping(self, port):
        try:
            return redis.Redis(port=port, socket_timeout=1).ping()
        except redis.ConnectionError:
            return False

    def client(self, i=0):
        return redis.Redis(port=self.ports[i], socket_timeout=5, decode_responses=True)

    def addrs(self):
        return ",".join(f"127.0.0.1:{p}" for p in self.ports)

    def master(self):
        return tuple(self.client().execute_command("SENTINEL", "GET-MASTER-ADDR-BY-NAME", NAME))

    def know_replica(self, port):
        def known():
            for i in range(len(self.ports)):
                reps = self.client(i).execute_command("SENTINEL", "REPLICAS", NAME)
                ok = [r for r in reps if str(r["port"]) == str(port) and r["flags"] == "slave"]
                if not ok:
                    return False
            return True
        wait_until(known, limit=WAIT, what=f"every sentinel knows replica {port}")

    def stop(self):
        for p in self.procs:
            p.kill()
            p.wait(10)
        for d in self.dirs:
            shutil.rmtree(d, ignore_errors=True)


@pytest.fixture
def group():
    """A master and a replica of ours (no persistence) holding 200 keys, and three real sentinels."""
    dirs = [tempfile.mkdtemp(prefix="pytest-guard-") for _ in range(2)]
    a = Node(OURS, dirs[0], ("--save", "", "--repl-diskless-sync-delay", "0"))
    a.start()
    b = Node(OURS, dirs[1], ("--save", "", "--repl-diskless-sync-delay", "0", "--replicaof", "127.0.0.1", str(a.port)))
    b.start()
    ac = a.client()
    for i in range(200):
        ac.set(f"k:{i}", i)
    wait_until(lambda: b.client().dbsize() == 200, limit=WAIT, what="replica synced")
    s = Sentinels(a.port)
    s.know_replica(b.port)
    yield a, b, s
    s.stop()
    for n in (a, b):
        n.stop()
    for d in dirs:
        shutil.rmtree(d, ignore_errors=True)


def restart_empty(node, *extra):
    """kill -9 and start again at once on the same port, with nothing on disk."""
    port = node.port
    node.kill9()
    node.start("--port", str(port), *extra, wait_ready=False)
    node.port = port


def test_without_the_guard_an_empty_master_wipes_its_replica(group):
    a, b, s = group
    restart_empty(a)
    a.wait_serving()
    # The sentinels never saw it down: it is still their master, and the replica follows it.
    wait_until(lambda: b.client().info("replication").get("master_link_status") == "up" and b.client().dbsize() == 0,
               limit=WAIT, what="replica resynced from the empty master")
    assert s.master() == ("127.0.0.1", str(a.port))


def test_guard_waits_for_the_failover_and_follows_the_new_master(group):
    a, b, s = group
    restart_empty(a, "--ha-boot-master-name", NAME, "--ha-boot-sentinels", s.addrs())
    # Unreachable while it waits: the sentinels see it down and promote the replica.
    wait_until(lambda: s.master() == ("127.0.0.1", str(b.port)), limit=WAIT, what="sentinels promote the replica")
    # Then it starts, as the new master's replica, and gets the data back.
    a.wait_serving()
    wait_until(lambda: a.client().info("replication").get("master_link_status") == "up", limit=WAIT, what="guarded node follows")
    info = a.client().info("replication")
    assert (info["role"], info["master_port"]) == ("slave", b.port)
    assert b.client().dbsize() == 200
    wait_until(lambda: a.client().dbsize() == 200, limit=WAIT, what="guarded node has the data")
    assert "waiting for them to promote one instead of serving an empty dataset" in a.log()


def test_guard_starts_a_node_as_replica_of_the_master_the_sentinels_name(group):
    a, b, s = group
    # A fresh node configured as a master, pointed at sentinels that know the group's master: it
    # starts as that master's replica instead.
    d = tempfile.mkdtemp(prefix="pytest-guard-")
    c = Node(OURS, d, ("--save", "", "--ha-boot-master-name", NAME, "--ha-boot-sentinels", s.addrs()))
    try:
        c.start()
        wait_until(lambda: c.client().info("replication").get("master_link_status") == "up", limit=WAIT, what="follows")
        assert c.client().info("replication")["master_port"] == a.port
        wait_until(lambda: c.client().dbsize() == 200, limit=WAIT, what="synced")
        # A group the sentinels do not know leaves the configured role alone.
        c.stop()
        c.args = ["--save", "", "--ha-boot-master-name", "unknown-group", "--ha-boot-sentinels", s.addrs()]
        c.start()
        assert c.client().info("replication")["role"] == "master"
        assert "no sentinel knows master 'unknown-group'" in c.log()
    finally:
        c.stop()
        shutil.rmtree(d, ignore_errors=True)
