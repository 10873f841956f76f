"""A real network cut (issue 17): the master and its client are cut off from the replicas and the sentinels
for several seconds while the client writes unique keys, then the cut heals.

Each host — the master (with the client beside it), two replicas, three sentinels — is a network
namespace on one bridge (netlab.py); the cut takes the master's link down. The sentinels (ours, quorum 2,
down-after 2000 ms) fail over to a replica; when the link comes back the old master is turned into a
replica and everything it took while cut off is thrown away. Then every key the client saw acknowledged
is looked up on the final master. For each mode the test prints writes acknowledged, lost, refused, and
the time from the cut to the first refusal:

- async (Redis's behaviour): the isolated master keeps acknowledging writes that are then lost;
- fenced (`ha-write-fence-ms 1000`): it refuses writes once it has not heard from a majority of the
  sentinels for 1 s, so at most the writes of that first second are lost;
- sync (`ha-sync-replicas 1` on top): a write is acknowledged only once a replica has it: nothing is lost.
"""
import json
import os
import subprocess
import tempfile
import time

import pytest
import redis

from conftest import OURS
from netlab import Lab
from test_persistence import wait_until

HERE = os.path.dirname(os.path.abspath(__file__))
NAME = "mymaster"
DOWN_AFTER = 2000
FENCE = 1000
CUT_AT, CUT_FOR, WRITE_FOR = 2.0, 6.0, 12.0

MODES = {
    "async": (),
    "fenced": ("--ha-write-fence-ms", str(FENCE), "--ha-write-fence-sentinels", "3"),
    "sync": ("--ha-write-fence-ms", str(FENCE), "--ha-write-fence-sentinels", "3", "--ha-sync-replicas", "1",
             "--ha-sync-timeout-ms", "1000"),
}

RESULTS = []


def data_node(lab, host, workdir, *extra):
    d = tempfile.mkdtemp(prefix=f"{host}-", dir=workdir)
    cmd = [OURS, "--port", "6379", "--bind", "0.0.0.0", "--protected-mode", "no", "--save", "", "--appendonly", "no",
           "--dir", d, "--logfile", os.path.join(d, "log"), "--repl-diskless-sync-delay", "0",
           "--ha-replica-prompt-ack", "yes", *extra]
    return lab.popen(host, cmd, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)


def sentinel(lab, host, workdir, master_ip):
    d = tempfile.mkdtemp(prefix=f"{host}-", dir=workdir)
    conf = os.path.join(d, "sentinel.conf")
    with open(conf, "w") as f:
        f.write(f"port 26379\nbind 0.0.0.0\nprotected-mode no\ndir {d}\nlogfile {d}/log\n"
                f"sentinel monitor {NAME} {master_ip} 6379 2\nsentinel down-after-milliseconds {NAME} {DOWN_AFTER}\n"
                f"sentinel failover-timeout {NAME} 5000\n")
    return lab.popen(host, [OURS, conf, "--sentinel"], stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)


def client(lab, host, port=6379):
    return redis.Redis(host=lab.ip(host), port=port, socket_timeout=2, socket_connect_timeout=2, decode_responses=True)


def quiet(f):
    """f(), or None while the server does not answer yet."""
    try:
        return f()
    except (redis.RedisError, OSError):
        return None


def role(lab, host):
    try:
        return client(lab, host).execute_command("ROLE")
    except redis.RedisError:
        return None


@pytest.fixture
def lab():
    lab = Lab(["m", "r1", "r2", "s1", "s2", "s3"])
    yield lab
    lab.close()


@pytest.mark.parametrize("mode", list(MODES))
def test_a_cut_off_master(lab, tmp_path, mode):
    workdir = str(tmp_path)
    mip = lab.ip("m")
    data_node(lab, "m", workdir, *MODES[mode])
    wait_until(lambda: quiet(client(lab, "m").ping), what="master up")
    for r in ("r1", "r2"):
        data_node(lab, r, workdir, "--replicaof", mip, "6379")
    for r in ("r1", "r2"):
        wait_until(lambda: quiet(lambda: client(lab, r).info("replication").get("master_link_status") == "up"), what=f"{r} linked")
    for s in ("s1", "s2", "s3"):
        sentinel(lab, s, workdir, mip)
    for s in ("s1", "s2", "s3"):
        wait_until(lambda: _knows(lab, s), limit=30, what=f"{s} knows the group")
    if mode != "async":
        wait_until(lambda: quiet(lambda: client(lab, "m").info("replication").get("ha_fenced") == 0), what="master hears its sentinels")

    writer = lab.popen("m", ["python3", os.path.join(HERE, "partition_writer.py"), "6379", str(WRITE_FOR)],
                       stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
    time.sleep(CUT_AT)
    lab.cut("m")
    t_cut = time.time()
    # The majority side fails over to a replica.
    new = wait_until(lambda: next((h for h in ("r1", "r2") if (role(lab, h) or [""])[0] == "master"), None), limit=30,
                     what="a replica promoted")
    time.sleep(max(0.0, t_cut + CUT_FOR - time.time()))
    lab.heal("m")
    out, err = writer.communicate(timeout=WRITE_FOR + 30)
    assert writer.returncode == 0, err
    w = json.loads(out)
    # The old master comes back and is turned into a replica of the new one.
    wait_until(lambda: (role(lab, "m") or [None, None])[:2] == ["slave", lab.ip(new)], limit=60, what="old master converted")
    wait_until(lambda: quiet(lambda: client(lab, "m").info("replication").get("master_link_status") == "up"), limit=30,
               what="old master resynced")

    final = client(lab, new)
    acked = w["acked"]
    keys = [f"w:{n}" for n, _ in acked]
    present = []
    for i in range(0, len(keys), 1000):
        present += final.mget(keys[i:i + 1000])
    lost = [acked[i] for i, v in enumerate(present) if v is None]
    refused = [e for e in w["errors"] if e[0] >= t_cut]
    first_refusal = min((e[0] for e in refused), default=None)
    # What fencing may lose: writes acknowledged in the fence's first interval, and those acknowledged
    # just before the cut that were still on their way to the replicas (asynchronous replication).
    window = (t_cut - 0.2, t_cut + FENCE / 1000 + 0.2)
    in_first_window = sum(1 for _, t in acked if window[0] <= t <= window[1])
    r = {"mode": mode, "acked": len(acked), "lost": len(lost), "refused": len(refused),
         "fenced_after_ms": None if first_refusal is None else round((first_refusal - t_cut) * 1000),
         "acked_in_first_fence_window": in_first_window, "error_codes": sorted({e[1] for e in refused}),
         "lost_before_window": sum(1 for _, t in lost if t < window[0]),
         "lost_after_window": sum(1 for _, t in lost if t > window[1])}
    RESULTS.append(r)
    assert len(acked) > 100, r
    if mode == "async":
        # Redis's behaviour, shown: the isolated master acknowledged writes that are gone.
        assert len(lost) > 100, r
    elif mode == "fenced":
        assert "NOQUORUM" in r["error_codes"], r
        # Nothing acknowledged after the fence's first interval is lost: from then on the master refuses.
        assert r["lost_after_window"] == 0, f"a write lost after the fence's first interval: {r}"
        # What is lost before it is the tail of the stream the replicas had not received yet
        # (asynchronous replication: on a loaded machine the tail can be longer than the 0.2 s the
        # window allows for it); never a write the promoted replica had passed.
        present_n = [n for (n, _), v in zip(acked, present) if v is not None]
        assert all(n > max(present_n, default=-1) for n, _ in lost), f"a lost write older than one kept: {r}"
    else:
        assert len(lost) == 0, r
        assert {"NOQUORUM", "UNCONFIRMED"} & set(r["error_codes"]), r


def _knows(lab, s):
    try:
        m = client(lab, s, 26379).sentinel_master(NAME)
    except redis.RedisError:
        return False
    return m["num-slaves"] == 2 and m["num-other-sentinels"] == 2
