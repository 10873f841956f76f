"""Replication against real processes, both directions with a real redis-server 7.0: full sync (disk and
diskless), partial resync after `CLIENT KILL TYPE master` (sync_partial_ok rises, no new full sync),
datasets compared key by key under concurrent writes, a mixed chain real -> ours -> real, promotion with
PSYNC2 continuation for the other replicas, WAIT and min-replicas, read-only and stale-data errors,
demotion closing client connections, and INFO replication / ROLE shapes.
"""
import os
import signal
import shutil
import socket
import tempfile
import threading
import time

import pytest
import redis

from conftest import OURS
from test_persistence import Node, fill_every_type, raw, snapshot_of, wait_until

WAIT = 20.0
REAL = "redis-server"


@pytest.fixture
def cluster():
    """Factory: start(program, *args) -> Node in its own scratch dir; all killed at the end."""
    nodes, dirs = [], []

    def start(program, *args):
        d = tempfile.mkdtemp(prefix="pytest-repl-")
        dirs.append(d)
        n = Node(program, d, ("--save", "", "--repl-diskless-sync-delay", "0", *args))
        n.start()
        nodes.append(n)
        return n

    yield start
    for n in nodes:
        n.stop()
    for d in dirs:
        shutil.rmtree(d, ignore_errors=True)


def link_up(n):
    info = n.client().info("replication")
    return info.get("role") == "slave" and info.get("master_link_status") == "up"


def caught_up(master, replica):
    m = master.client().info("replication")["master_repl_offset"]
    r = replica.client().info("replication")
    return r.get("master_link_status") == "up" and r["slave_repl_offset"] == m


def same_data(a, b, dbs=(0, 3)):
    wait_until(lambda: caught_up(a, b), limit=WAIT, what="replica caught up")
    assert snapshot_of(b.client(), dbs) == snapshot_of(a.client(), dbs)


def writer(port, stop, prefix):
    c = redis.Redis(port=port, socket_timeout=5)
    i = 0
    try:
        while not stop.is_set():
            p = c.pipeline(transaction=False)
            p.set(f"{prefix}:{i}", i)
            p.incr(f"{prefix}:counter")
            p.rpush(f"{prefix}:list", i)
            p.execute_command("SELECT", 3)
            p.hset(f"{prefix}:h", str(i % 50), i)
            p.execute_command("SELECT", 0)
            p.execute()
            i += 1
    except (redis.ConnectionError, redis.TimeoutError):
        pass


def with_writes(master, fn, prefix="w"):
    stop = threading.Event()
    t = threading.Thread(target=writer, args=(master.port, stop, prefix))
    t.start()
    try:
        time.sleep(0.3)
        return fn()
    finally:
        time.sleep(0.3)
        stop.set()
        t.join(WAIT)


@pytest.mark.parametrize("diskless", ["no", "yes"])
def test_real_replica_of_ours(cluster, diskless):
    m = cluster(OURS, "--repl-diskless-sync", diskless)
    fill_every_type(m.client())
    r = cluster(REAL)

    def attach():
        r.client().replicaof("127.0.0.1", m.port)
        wait_until(lambda: link_up(r), limit=WAIT, what="link up")

    with_writes(m, attach)
    same_data(m, r)
    assert m.client().info("stats")["sync_full"] == 1
    # A dropped link continues from the backlog.
    with_writes(m, lambda: (r.client().client_kill_filter(_type="master"), wait_until(lambda: link_up(r), what="relink")))
    same_data(m, r)
    stats = m.client().info("stats")
    assert stats["sync_full"] == 1 and stats["sync_partial_ok"] == 1, m.log() + r.log()


@pytest.mark.parametrize("diskless", ["no", "yes"])
def test_ours_replica_of_real(cluster, diskless):
    m = cluster(REAL, "--repl-diskless-sync", diskless)
    fill_every_type(m.client())
    r = cluster(OURS)

    def attach():
        assert r.client().replicaof("127.0.0.1", m.port) == "OK"
        wait_until(lambda: link_up(r), limit=WAIT, what="link up")

    with_writes(m, attach)
    same_data(m, r)
    with_writes(m, lambda: (r.client().client_kill_filter(_type="master"), time.sleep(0.2), wait_until(lambda: link_up(r), what="relink")))
    same_data(m, r)
    stats = m.client().info("stats")
    assert stats["sync_full"] == 1 and stats["sync_partial_ok"] == 1
    # Expiry reaches the replica as the master's DEL; relative TTLs arrive as absolute times.
    mc = m.client()
    mc.set("ttl", "v", ex=100)
    mc.set("gone", "v", px=50)
    time.sleep(0.2)
    assert mc.get("gone") is None
    wait_until(lambda: caught_up(m, r), what="caught up")
    rc = r.client()
    assert rc.execute_command("PEXPIRETIME", "ttl") == mc.execute_command("PEXPIRETIME", "ttl")
    assert rc.exists("gone") == 0


def test_chain_real_ours_real(cluster):
    a = cluster(REAL)
    b = cluster(OURS)
    c = cluster(REAL)
    fill_every_type(a.client())
    b.client().replicaof("127.0.0.1", a.port)
    wait_until(lambda: link_up(b), what="b up")
    c.client().replicaof("127.0.0.1", b.port)
    wait_until(lambda: link_up(c), what="c up")
    with_writes(a, lambda: time.sleep(0.5))
    same_data(a, b)
    same_data(a, c)
    # The chain shares one offset space: the last replica's offset is the head master's.
    assert c.client().info("replication")["slave_repl_offset"] == a.client().info("replication")["master_repl_offset"]


def test_promotion_lets_other_replicas_continue(cluster):
    m = cluster(OURS)
    r1 = cluster(OURS)
    r2 = cluster(REAL)
    fill_every_type(m.client())
    for r in (r1, r2):
        r.client().replicaof("127.0.0.1", m.port)
        wait_until(lambda: link_up(r), what="up")
    with_writes(m, lambda: time.sleep(0.3))
    wait_until(lambda: caught_up(m, r1) and caught_up(m, r2), what="both caught up")
    old_id = m.client().info("replication")["master_replid"]
    m.stop()
    # Failover: r1 becomes master, r2 follows it and continues with a partial resync (PSYNC2).
    assert r1.client().replicaof("no", "one") == "OK"
    info = r1.client().info("replication")
    assert info["role"] == "master" and info["master_replid2"] == old_id
    r2.client().replicaof("127.0.0.1", r1.port)
    wait_until(lambda: link_up(r2), what="r2 follows r1")
    stats = r1.client().info("stats")
    assert stats["sync_partial_ok"] == 1 and stats["sync_full"] == 0
    r1.client().set("after-failover", "1")
    same_data(r1, r2)


def test_wait_and_min_replicas(cluster):
    m = cluster(OURS)
    mc = m.client()
    mc.set("k", "v")
    assert mc.execute_command("WAIT", 0, 0) == 0
    t0 = time.time()
    assert mc.execute_command("WAIT", 1, 200) == 0
    assert time.time() - t0 >= 0.19
    r = cluster(REAL)
    r.client().replicaof("127.0.0.1", m.port)
    wait_until(lambda: link_up(r), what="up")
    mc.set("k2", "v")
    assert mc.execute_command("WAIT", 1, 5000) == 1
    with pytest.raises(redis.ResponseError, match="^timeout is negative$"):
        mc.execute_command("WAIT", 1, -1)
    # min-replicas-to-write 2 with one replica: writes refused, reads fine.
    mc.config_set("min-replicas-to-write", "2")
    with pytest.raises(redis.ResponseError) as e:
        mc.set("k3", "v")
    assert str(e.value) == "NOREPLICAS Not enough good replicas to write."
    assert mc.get("k") == "v"
    assert mc.info("replication")["min_slaves_good_slaves"] == 1
    mc.config_set("min-replicas-to-write", "1")
    assert mc.set("k3", "v") is True
    # WAIT on a replica is an error.
    with pytest.raises(redis.ResponseError, match="^WAIT cannot be used with replica instances"):
        ours_replica = cluster(OURS)
        ours_replica.client().replicaof("127.0.0.1", m.port)
        ours_replica.client().execute_command("WAIT", 1, 10)


def test_replica_errors_and_demotion(cluster):
    m = cluster(REAL)
    r = cluster(OURS)
    rc = r.client()
    # Demotion closes normal clients so they reconnect to the new master.
    bystander = socket.create_connection(("127.0.0.1", r.port))
    bystander.sendall(b"PING\r\n")
    assert bystander.recv(100) == b"+PONG\r\n"
    assert rc.replicaof("127.0.0.1", m.port) == "OK"
    bystander.settimeout(5)
    assert bystander.recv(100) == b""
    wait_until(lambda: link_up(r), what="up")
    # (redis-py strips the READONLY code into its exception class.)
    with pytest.raises(redis.ReadOnlyError) as e:
        rc.set("k", "v")
    assert str(e.value) == "You can't write against a read only replica."
    assert raw(rc, "REPLICAOF", "127.0.0.1", str(m.port)) == "OK Already connected to specified master"
    with pytest.raises(redis.ResponseError, match="^Invalid master port$"):
        rc.execute_command("REPLICAOF", "127.0.0.1", "70000")
    # Link down + replica-serve-stale-data no: MASTERDOWN for data commands, INFO still works.
    rc.config_set("replica-serve-stale-data", "no")
    m.stop()
    wait_until(lambda: rc.info("replication")["master_link_status"] == "down", what="link down")
    with pytest.raises(redis.exceptions.MasterDownError) as e:
        rc.get("k")
    assert str(e.value) == "Link with MASTER is down and replica-serve-stale-data is set to 'no'."
    info = rc.info("replication")
    assert info["master_link_down_since_seconds"] >= 0
    role = rc.execute_command("ROLE")
    assert role[0] == "slave" and role[1] == "127.0.0.1" and role[2] == m.port and role[4] == -1


def test_info_replication_and_role_match_real_redis(cluster):
    ours_m, real_m = cluster(OURS), cluster(REAL)
    ours_r, real_r = cluster(OURS), cluster(REAL)
    ours_r.client().replicaof("127.0.0.1", ours_m.port)
    real_r.client().replicaof("127.0.0.1", real_m.port)
    wait_until(lambda: link_up(ours_r) and link_up(real_r), what="links up")
    for m in (ours_m, real_m):
        m.client().set("k", "v")
    time.sleep(1.2)

    def fields(n):
        text = raw(n.client(), "INFO", "replication")
        return [line.split(":")[0] for line in text.splitlines() if ":" in line]

    assert fields(ours_m) == fields(real_m)
    assert fields(ours_r) == fields(real_r)
    om, rm = ours_m.client().execute_command("ROLE"), real_m.client().execute_command("ROLE")
    assert om[0] == rm[0] == "master" and len(om[2]) == len(rm[2]) == 1
    assert [type(x) for x in om[2][0]] == [type(x) for x in rm[2][0]]
    orr, rr = ours_r.client().execute_command("ROLE"), real_r.client().execute_command("ROLE")
    assert [type(x) for x in orr] == [type(x) for x in rr] and orr[3] == rr[3] == "connected"


def test_redis_cli_rdb_and_replica_modes(cluster, tmp_path):
    m = cluster(OURS)
    m.client().set("k", "v")
    out = tmp_path / "dump.rdb"
    import subprocess
    res = subprocess.run(["redis-cli", "-p", str(m.port), "--rdb", str(out)], capture_output=True, text=True, timeout=WAIT)
    assert res.returncode == 0, res.stderr
    assert out.read_bytes().startswith(b"REDIS0010")
    p = subprocess.Popen(["redis-cli", "-p", str(m.port), "--replica"], stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True)
    try:
        time.sleep(1.0)
        m.client().set("streamed", "yes")
        deadline = time.time() + WAIT
        seen = ""
        while time.time() < deadline and "streamed" not in seen:
            seen += p.stdout.readline()
        assert '"set","streamed","yes"' in seen.lower() or "streamed" in seen
    finally:
        p.kill()


@pytest.mark.parametrize("target_program", [OURS, REAL], ids=["ours", "real"])
def test_failover_switches_roles_without_losing_writes(cluster, target_program):
    m = cluster(OURS)
    r = cluster(target_program)
    mc = m.client()
    with pytest.raises(redis.ResponseError, match="^FAILOVER requires connected replicas.$"):
        mc.execute_command("FAILOVER")
    with pytest.raises(redis.ResponseError, match="^No failover in progress.$"):
        mc.execute_command("FAILOVER", "ABORT")
    r.client().replicaof("127.0.0.1", m.port)
    wait_until(lambda: link_up(r), what="up")
    fill_every_type(mc)
    with pytest.raises(redis.ResponseError, match="^FAILOVER target HOST and PORT is not a replica.$"):
        mc.execute_command("FAILOVER", "TO", "127.0.0.1", "1")
    with pytest.raises(redis.ResponseError, match="^FORCE option requires both a timeout and target HOST and IP.$"):
        mc.execute_command("FAILOVER", "FORCE")
    assert raw(mc, "FAILOVER", "TO", "127.0.0.1", str(r.port), "TIMEOUT", "5000") == "OK"
    wait_until(lambda: r.client().info("replication")["role"] == "master" and link_up(m), what="roles switched")
    wait_until(lambda: m.client().info("replication")["master_failover_state"] == "no-failover", what="failover done")
    # The old master continued from the new one's history: a partial resync, and writes flow again.
    assert r.client().info("stats")["sync_partial_ok"] == 1
    rc = r.client()
    rc.set("after-failover", "1")
    same_data(r, m)
    with pytest.raises(redis.ReadOnlyError):
        m.client().set("x", "1")


@pytest.mark.parametrize("mode,preloaded", [("disabled", False), ("on-empty-db", False), ("on-empty-db", True), ("swapdb", True)])
def test_diskless_load_modes_match_real_redis(cluster, mode, preloaded):
    """repl-diskless-load: `disabled` stores the master's RDB before loading it, `on-empty-db` parses it
    straight from the socket only when the replica holds no keys, `swapdb` always does. Whether the
    replica's dump.rdb appears must match real Redis, and the data must be the master's either way."""
    m = cluster(OURS)
    fill_every_type(m.client())
    wrote_rdb = {}
    for program in (REAL, OURS):
        r = cluster(program, "--repl-diskless-load", mode)
        if preloaded:
            r.client().set("replica-only", "x")
        assert r.client().replicaof("127.0.0.1", m.port) == "OK"
        wait_until(lambda: link_up(r), limit=WAIT, what="link up")
        same_data(m, r)
        assert r.client().exists("replica-only") == 0
        wrote_rdb[program] = os.path.exists(os.path.join(r.dir, "dump.rdb"))
    expected = mode == "disabled" or (mode == "on-empty-db" and preloaded)
    assert wrote_rdb == {REAL: expected, OURS: expected}


@pytest.mark.parametrize("master_program", [OURS, REAL], ids=["ours", "real"])
def test_replica_output_buffer_limit_drops_a_stalled_replica(cluster, master_program):
    """client-output-buffer-limit replica: a replica that stops reading is dropped once its pending
    stream passes the hard limit; when it resumes it comes back with a new full sync."""
    m = cluster(master_program, "--client-output-buffer-limit", "replica", "1mb", "1mb", "0")
    r = cluster(REAL)
    r.client().replicaof("127.0.0.1", m.port)
    wait_until(lambda: link_up(r), limit=WAIT, what="link up")
    mc = m.client()
    assert mc.info("replication")["connected_slaves"] == 1
    r.proc.send_signal(signal.SIGSTOP)
    try:
        value = "x" * (512 * 1024)
        # Far more than loopback socket buffers hold, so the excess waits in the master's buffer.
        for i in range(48):
            mc.set(f"big:{i}", value)
        wait_until(lambda: mc.info("replication")["connected_slaves"] == 0, limit=WAIT, what="stalled replica dropped")
    finally:
        r.proc.send_signal(signal.SIGCONT)
    same_data(m, r)
    assert mc.info("stats")["sync_full"] == 2, m.log() + r.log()
    assert "scheduled to be closed ASAP for overcoming of output buffer limits" in m.log()


class LoadWatcher(threading.Thread):
    """Polls a replica while it syncs, over a plain socket (client libraries retry on -LOADING): what
    GET of one key answered (its value, None, or the error's first word) and whether INFO ever showed
    `loading:1` or `async_loading:1`."""

    def __init__(self, port, key):
        super().__init__(daemon=True)
        self.sock = socket.create_connection(("127.0.0.1", port), timeout=10)
        self.reader = self.sock.makefile("rb")
        self.key = key
        self.seen = []
        self.info = set()
        self.stop = threading.Event()

    def call(self, *args):
        self.sock.sendall(b"".join([f"*{len(args)}\r\n".encode()] + [f"${len(a)}\r\n{a}\r\n".encode() for a in args]))
        line = self.reader.readline().decode().rstrip("\r\n")
        if line.startswith("-"):
            return line[1:].split()[0]
        if line == "$-1":
            return None
        assert line.startswith("$"), line
        body = self.reader.read(int(line[1:]) + 2)
        return body[:-2].decode()

    def run(self):
        while not self.stop.is_set():
            got = self.call("GET", self.key)
            if not self.seen or self.seen[-1] != got:
                self.seen.append(got)
            text = self.call("INFO", "persistence")
            for flag in ("loading", "async_loading"):
                if f"\r\n{flag}:1\r\n" in text:
                    self.info.add(flag)

    def finish(self, last):
        """Stops once the poll has seen `last` (the sync may end between two polls)."""
        wait_until(lambda: self.seen and self.seen[-1] == last, limit=WAIT, what=f"watcher saw {last!r}")
        self.stop.set()
        self.join(WAIT)
        self.sock.close()
        return self.seen


def populated_master(cluster, keys=1_500_000):
    m = cluster(OURS)
    mc = m.client()
    mc.execute_command("DEBUG", "POPULATE", keys, "key", 64)
    mc.set("marker", "new")
    return m


@pytest.mark.parametrize("program", [REAL, OURS], ids=["real", "ours"])
@pytest.mark.parametrize("mode", ["disabled", "swapdb"])
def test_replica_loading_the_masters_rdb_answers_loading(cluster, program, mode):
    """While a replica loads its first RDB from a master it answers -LOADING (its event loop stays
    responsive): in `disabled` mode the old data was flushed before, with `swapdb` it is kept aside.
    The old value serves until then and the master's after, never anything else."""
    m = populated_master(cluster)
    r = cluster(program, "--repl-diskless-load", mode)
    r.client().set("marker", "old")
    # (Watching starts after REPLICAOF, which makes our node close its normal clients.)
    r.client().replicaof("127.0.0.1", m.port)
    watcher = LoadWatcher(r.port, "marker")
    watcher.start()
    wait_until(lambda: link_up(r), limit=60, what="link up")
    seen = watcher.finish("new")
    assert seen == ["old", "LOADING", "new"], seen
    assert watcher.info == {"loading"}


@pytest.mark.parametrize("program", [REAL, OURS], ids=["real", "ours"])
def test_swapdb_replica_resyncing_the_same_history_keeps_serving(cluster, program):
    """`repl-diskless-load swapdb` with a full resync of the history the replica already had (it fell
    out of the master's backlog): Redis's async loading. Reads keep being served from the old dataset
    while the new one loads (INFO async_loading:1), never -LOADING, then switch to the new data."""
    m = populated_master(cluster)
    mc = m.client()
    mc.config_set("repl-backlog-size", "16kb")
    mc.config_set("client-output-buffer-limit", "replica 256kb 256kb 0")
    r = cluster(program, "--repl-diskless-load", "swapdb")
    r.client().replicaof("127.0.0.1", m.port)
    wait_until(lambda: caught_up(m, r), limit=60, what="replica caught up")
    watcher = LoadWatcher(r.port, "marker")
    # Stall the replica until the master drops it and its backlog has moved on: PSYNC must fail.
    r.proc.send_signal(signal.SIGSTOP)
    try:
        # Far more than loopback socket buffers hold, so the excess waits in the master's buffer.
        for i in range(48):
            mc.set(f"filler:{i}", "x" * (512 * 1024))
        wait_until(lambda: mc.info("replication")["connected_slaves"] == 0, limit=WAIT, what="stalled replica dropped")
        mc.set("marker", "newer")
    finally:
        r.proc.send_signal(signal.SIGCONT)
    watcher.start()
    wait_until(lambda: mc.info("stats")["sync_full"] == 2, limit=WAIT, what="second full sync")
    wait_until(lambda: caught_up(m, r), limit=60, what="replica caught up")
    seen = watcher.finish("newer")
    assert seen == ["new", "newer"], seen
    assert watcher.info == {"async_loading"}
