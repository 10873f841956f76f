"""Write fencing (`ha-write-fence-ms`; issue 17): a master that has not heard from a majority of the
sentinels watching it for that long refuses writes with -NOQUORUM, keeps serving reads, and takes writes
again as soon as a majority is back. The sentinels are learned from their command links (Redis 7.0's and
ours name them `sentinel-<id>-cmd`), so this works with real redis-sentinel too (which PINGs once a
second, so its fence must be longer than ours, which PINGs every 100 ms).

Here sentinels are silenced with SIGSTOP; the network-cut version with network namespaces is the
write-safety suite's job.
"""
import signal
import time
import urllib.request

import pytest
import redis

from conftest import OURS, free_port
from sentinel_procs import procs  # noqa: F401  (fixture)
from sentinel_procs import NAME, start_group
from test_persistence import wait_until

# (sentinel program, fence ms, the sentinel's PING period in s: the fence runs from the last contact)
CASES = {"our-sentinels": (OURS, 500, 0.1), "redis-sentinel": ("redis-sentinel", 2500, 1.0)}


@pytest.mark.parametrize("case", list(CASES))
def test_a_master_without_a_majority_of_its_sentinels_refuses_writes(procs, tmp_path, case):
    program, fence, period = CASES[case]
    metrics = free_port()
    master, reps, sentinels = start_group(procs, str(tmp_path), OURS, [program] * 3, replicas=1,
                                          master_args=("--ha-write-fence-ms", str(fence), "--ha-metrics-port", str(metrics)))
    m = redis.Redis(port=master.port, socket_timeout=5)
    wait_until(lambda: m.info("replication").get("ha_sentinels_known") == 3, what="the master knows its 3 sentinels")
    info = m.info("replication")
    assert info["ha_fenced"] == 0 and info["ha_write_fence_ms"] == fence, info
    assert m.set("k", "1") is True

    # Two of three go silent: once the fence time passes without a majority, writes are refused.
    for s in sentinels[:2]:
        s.signal(signal.SIGSTOP)
    silenced = time.monotonic()
    wait_until(lambda: m.info("replication")["ha_fenced"] == 1, limit=fence / 1000 + 5, what="fenced")
    fenced_after = time.monotonic() - silenced
    # Fenced no earlier than the fence after the last contact, which came at most a PING period before.
    assert fenced_after >= fence / 1000 - period - 0.05, fenced_after
    with pytest.raises(redis.ResponseError) as e:
        m.set("k", "2")
    assert str(e.value).startswith(f"NOQUORUM this master heard from only 1 of its 3 sentinels in the last {fence} ms"), e.value
    with pytest.raises(redis.ResponseError, match="^NOQUORUM"):
        m.eval("return redis.call('SET', KEYS[1], 'x')", 1, "k")
    tx = m.pipeline(transaction=True)
    tx.set("k", "3")
    with pytest.raises(redis.ResponseError, match="EXECABORT|NOQUORUM"):
        tx.execute()
    assert m.get("k") == b"1", "reads still served, and no write went through"
    assert m.info("replication")["ha_ms_since_majority"] >= fence
    # The same in the Prometheus metrics.
    text = urllib.request.urlopen(f"http://127.0.0.1:{metrics}/metrics", timeout=5).read().decode()
    assert "\nredis_ha_fenced 1\n" in text and "\nredis_ha_sentinels_known 3\n" in text, text

    # A majority is back: writes are taken again.
    sentinels[0].signal(signal.SIGCONT)
    wait_until(lambda: _writes(m), limit=5, what="writes taken again")
    assert m.info("replication")["ha_fenced"] == 0
    sentinels[1].signal(signal.SIGCONT)


def _writes(m):
    try:
        return m.set("k", "4") is True
    except redis.ResponseError:
        return False


def test_off_by_default_and_invisible():
    """Without ha-write-fence-ms, INFO replication has none of the fencing fields (it stays Redis's)."""
    from conftest import ServerProc
    s = ServerProc(OURS, name="fence-off")
    try:
        info = redis.Redis(port=s.port).info("replication")
        assert not [k for k in info if k.startswith("ha_")], info
    finally:
        s.stop()
