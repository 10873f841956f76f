"""100 consecutive kill -9 failovers under write load in synchronous mode (issue 17): no write the client
saw acknowledged is ever lost, and after each failover exactly one node is master.

Three data nodes (ours, `ha-sync-replicas 1`) and three of our sentinels (down-after 500 ms) on loopback; a
redis-py `Sentinel` client writes unique keys all along. Each round kills the current master with SIGKILL,
waits for the sentinels to promote a replica, and brings the killed node back (empty, no persistence) as a
replica of the new master. A write is acknowledged only once a replica has it, and the sentinels promote
the replica with the highest offset, so every acknowledged write survives the loss of the master.
"""
import os
import signal
import threading
import time

import pytest
import redis
from redis.sentinel import Sentinel as SentinelClient

from conftest import OURS
from sentinel_procs import procs  # noqa: F401  (fixture)
from sentinel_procs import DATA_ARGS, NAME, DataNode, SentinelProc
from test_persistence import wait_until

ROUNDS = int(os.environ.get("KILL9_ROUNDS", "100"))
SYNC = ("--ha-sync-replicas", "1", "--ha-sync-timeout-ms", "2000", "--ha-replica-prompt-ack", "yes")


class Writer:
    def __init__(self, sentinel_ports):
        s = SentinelClient([("127.0.0.1", p) for p in sentinel_ports], socket_timeout=0.5)
        self.master = s.master_for(NAME, socket_timeout=3, socket_connect_timeout=0.5, retry_on_timeout=False)
        self.acked, self.attempts, self.stop = [], 0, False
        self.thread = threading.Thread(target=self.run, daemon=True)
        self.thread.start()

    def run(self):
        while not self.stop:
            key = f"k9:{self.attempts}"
            self.attempts += 1
            try:
                self.master.set(key, 1)
                self.acked.append(key)
            except (redis.RedisError, OSError):
                time.sleep(0.01)


def role(node):
    try:
        return node.client().execute_command("ROLE")[0]
    except (redis.RedisError, OSError, AttributeError):
        return None



def test_kill9_failovers_in_sync_mode_lose_no_acknowledged_write(procs, tmp_path):
    workdir = str(tmp_path)
    nodes = [DataNode(OURS, workdir, DATA_ARGS + SYNC)]
    procs.append(nodes[0])
    nodes[0].start()
    for _ in range(2):
        n = DataNode(OURS, workdir, DATA_ARGS + SYNC + ("--replicaof", "127.0.0.1", str(nodes[0].port)))
        procs.append(n)
        nodes.append(n.start())
    sentinels = []
    for _ in range(3):
        s = SentinelProc(OURS, workdir, nodes[0].port, down_after=500, failover_timeout=2000)
        procs.append(s)
        sentinels.append(s.start())
    for s in sentinels:
        wait_until(lambda: s.master()["num-slaves"] == 2 and s.master()["num-other-sentinels"] == 2, what="discovery")
    writer = Writer([s.port for s in sentinels])
    try:
        for rnd in range(ROUNDS):
            addr = sentinels[0].master_addr()
            master = next(n for n in nodes if ("127.0.0.1", str(n.port)) == addr)
            before = len(writer.acked)
            wait_until(lambda: len(writer.acked) >= before + 20, what=f"round {rnd}: writes flowing")
            master.proc.send_signal(signal.SIGKILL)
            master.proc.wait(10)
            new = wait_until(lambda: next((n for n in nodes if n is not master and role(n) == "master"), None), limit=30,
                             what=f"round {rnd}: a replica promoted")
            for s in sentinels:
                wait_until(lambda: s.master_addr() == ("127.0.0.1", str(new.port)), limit=30, what=f"round {rnd}: sentinels follow")
            master.start("--replicaof", "127.0.0.1", str(new.port))
            for n in nodes:
                if n is not new:
                    wait_until(lambda: n.client().info("replication").get("master_link_status") == "up"
                               and n.client().info("replication").get("master_port") == new.port, limit=30,
                               what=f"round {rnd}: {n.port} follows {new.port}")
            masters = [n for n in nodes if role(n) == "master"]
            assert masters == [new], f"round {rnd}: masters {[m.port for m in masters]}"
    finally:
        writer.stop = True
        writer.thread.join(10)
    final = next(n for n in nodes if role(n) == "master")
    c = final.client()
    missing = 0
    for i in range(0, len(writer.acked), 1000):
        missing += sum(1 for v in c.mget(writer.acked[i:i + 1000]) if v is None)
    print(f"kill -9 x{ROUNDS} in sync mode: acknowledged {len(writer.acked)} of {writer.attempts} attempts, lost {missing}")
    assert len(writer.acked) > ROUNDS * 20
    assert missing == 0
