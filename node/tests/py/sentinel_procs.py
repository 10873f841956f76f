"""Processes for the sentinel tests: data nodes that keep their port across restarts, sentinels (ours or
redis-sentinel) with their own sentinel.conf, an event collector subscribed to sentinels, a group builder,
the failover checks, and raw RESP helpers for byte-for-byte comparisons with real Redis.
"""
import os
import shutil
import signal
import socket
import subprocess
import tempfile
import threading
import time

import pytest
import redis
from redis.backoff import NoBackoff
from redis.retry import Retry

from conftest import OURS, free_port
from test_persistence import Node, wait_until

NAME = "mymaster"
WAIT = 30.0
DATA_ARGS = ("--save", "", "--appendonly", "no", "--repl-diskless-sync-delay", "0")


@pytest.fixture
def workdir():
    """A scratch directory for a test's processes."""
    d = tempfile.mkdtemp(prefix="pytest-sentinel-")
    yield d
    shutil.rmtree(d, ignore_errors=True)


@pytest.fixture
def procs():
    """Everything started by a test, stopped at its end (sentinels resumed first if stopped)."""
    started = []
    yield started
    for p in started:
        if isinstance(p, Events):
            p.close()
        else:
            p.stop()


class DataNode(Node):
    """A data node (ours or redis-server) that keeps its port across restarts."""

    def start(self, *extra, wait_ready=True):
        self.port = self.port or free_port()
        cmd = [self.program, "--port", str(self.port), "--bind", "127.0.0.1", "--dir", self.dir, "--daemonize", "no",
               "--logfile", self.logpath, *self.args, *extra]
        self.proc = subprocess.Popen(cmd, stdout=subprocess.DEVNULL, stderr=subprocess.STDOUT, stdin=subprocess.DEVNULL)
        if wait_ready:
            self.wait_serving()
        return self

    def role(self):
        try:
            return self.client().execute_command("ROLE")
        except redis.RedisError:
            return None


class SentinelProc:
    """One sentinel process (ours or redis-sentinel) with its own sentinel.conf; same port on restart."""

    def __init__(self, program, workdir, master_port, quorum=2, down_after=1000, failover_timeout=3000, extra=()):
        self.program = program
        self.dir = tempfile.mkdtemp(prefix="sent-", dir=workdir)
        self.port = free_port()
        self.conf = os.path.join(self.dir, "sentinel.conf")
        self.logpath = os.path.join(self.dir, "sentinel.log")
        with open(self.conf, "w") as f:
            f.write(f"port {self.port}\nbind 127.0.0.1\ndaemonize no\ndir {self.dir}\nlogfile {self.logpath}\n"
                    f"sentinel monitor {NAME} 127.0.0.1 {master_port} {quorum}\n"
                    f"sentinel down-after-milliseconds {NAME} {down_after}\n"
                    f"sentinel failover-timeout {NAME} {failover_timeout}\n")
            for line in extra:
                f.write(line + "\n")
        self.proc = None

    @property
    def ours(self):
        return self.program == OURS

    def start(self):
        cmd = [self.program, self.conf, "--sentinel"] if self.ours else ["redis-sentinel", self.conf]
        self.proc = subprocess.Popen(cmd, stdout=subprocess.DEVNULL, stderr=subprocess.STDOUT, stdin=subprocess.DEVNULL)
        wait_until(self._up, limit=WAIT, what=f"sentinel on {self.port}")
        return self

    def _up(self):
        assert self.proc.poll() is None, f"sentinel exited:\n{self.log()}"
        try:
            # No retries: an ACL test's refusal (AuthenticationError) must come back at once.
            return redis.Redis(port=self.port, socket_timeout=1, retry=Retry(NoBackoff(), 0)).ping()
        except redis.AuthenticationError:
            # Answering, but not to the default user (an ACL test turned it off).
            return True
        except redis.ConnectionError:
            return False

    def client(self, **kw):
        return redis.Redis(port=self.port, socket_timeout=5, decode_responses=True, **kw)

    def master_addr(self):
        try:
            return tuple(self.client().execute_command("SENTINEL", "GET-MASTER-ADDR-BY-NAME", NAME) or ())
        except redis.RedisError:
            return None

    def master(self):
        return self.client().sentinel_master(NAME)

    def log(self):
        try:
            with open(self.logpath, errors="replace") as f:
                return f.read()
        except OSError:
            return ""

    def signal(self, sig):
        if self.proc and self.proc.poll() is None:
            self.proc.send_signal(sig)

    def kill9(self):
        if self.proc and self.proc.poll() is None:
            self.proc.kill()
            self.proc.wait(WAIT)

    def stop(self):
        self.signal(signal.SIGCONT)
        self.kill9()


class Events:
    """Every event published by some sentinels (PSUBSCRIBE *), with the port it came from."""

    def __init__(self, sentinels):
        self.items = []
        self.lock = threading.Lock()
        self.stopping = False
        self.threads = []
        for s in sentinels:
            ps = redis.Redis(port=s.port, decode_responses=True).pubsub()
            ps.psubscribe("*")
            # Subscribed for sure before the test goes on.
            wait_until(lambda: (ps.get_message(timeout=0.1) or {}).get("type") == "psubscribe", what="psubscribe")
            t = threading.Thread(target=self._listen, args=(s.port, ps), daemon=True)
            t.start()
            self.threads.append(t)

    def _listen(self, port, ps):
        while not self.stopping:
            try:
                msg = ps.get_message(timeout=0.1)
            except (redis.ConnectionError, ValueError, OSError):
                return
            if msg and msg["type"] == "pmessage":
                with self.lock:
                    self.items.append((time.time(), port, msg["channel"], msg["data"]))

    def named(self, channel):
        with self.lock:
            return [data for _, _, ch, data in self.items if ch == channel]

    def wait_for(self, channel, limit=WAIT):
        return wait_until(lambda: (self.named(channel) or [None])[0], limit=limit, what=f"event {channel}")

    def wait_payload(self, channel, payload, limit=WAIT):
        return wait_until(lambda: payload in self.named(channel), limit=limit, what=f"event {channel} {payload}")

    def close(self):
        self.stopping = True



def start_group(procs, workdir, data_program, sentinel_programs, quorum=2, failover_timeout=3000, replicas=2, master_args=()):
    """A master, its replicas and the sentinels; returns once every sentinel knows them all."""
    master = DataNode(data_program, workdir, DATA_ARGS + tuple(master_args))
    procs.append(master)
    master.start()
    reps = []
    for _ in range(replicas):
        r = DataNode(data_program, workdir, DATA_ARGS + ("--replicaof", "127.0.0.1", str(master.port)))
        procs.append(r)
        reps.append(r.start())
    for r in reps:
        wait_until(lambda: r.client().info("replication").get("master_link_status") == "up", what="replica link up")
    sentinels = []
    for prog in sentinel_programs:
        s = SentinelProc(prog, workdir, master.port, quorum=quorum, failover_timeout=failover_timeout)
        procs.append(s)
        sentinels.append(s.start())
    for s in sentinels:
        wait_until(lambda: _knows(s, replicas, len(sentinels) - 1), what=f"discovery by sentinel {s.port}")
    return master, reps, sentinels


def _knows(s, replicas, others):
    try:
        m = s.master()
    except redis.RedisError:
        return False
    return m["num-slaves"] == replicas and m["num-other-sentinels"] == others


def check_failover(master, reps, sentinels, events):
    """After the master was killed: one new master, every replica and sentinel following it."""
    switch = events.wait_for("+switch-master").split()
    assert switch[:3] == [NAME, "127.0.0.1", str(master.port)], switch
    new_port = int(switch[4])
    assert switch[3] == "127.0.0.1" and new_port in [r.port for r in reps], switch
    promoted = next(r for r in reps if r.port == new_port)
    for s in sentinels:
        wait_until(lambda: s.master_addr() == ("127.0.0.1", str(new_port)), what=f"sentinel {s.port} follows the new master")
    wait_until(lambda: (promoted.role() or [""])[0] == "master", what="promoted replica is master")
    for r in reps:
        if r is not promoted:
            wait_until(lambda: (r.role() or [""])[:3] == ["slave", "127.0.0.1", new_port], what="replica repointed")
    masters = [r for r in reps if (r.role() or [""])[0] == "master"]
    assert masters == [promoted]
    return promoted


def raw(port, *args, resp3=False):
    """Sends one command as RESP and returns the raw reply bytes."""
    with socket.create_connection(("127.0.0.1", port), timeout=5) as s:
        if resp3:
            s.sendall(b"*2\r\n$5\r\nHELLO\r\n$1\r\n3\r\n")
            _read_reply(s)
        out = b"*%d\r\n" % len(args)
        for a in args:
            a = a.encode() if isinstance(a, str) else a
            out += b"$%d\r\n%s\r\n" % (len(a), a)
        s.sendall(out)
        return _read_reply(s)


def _read_reply(s):
    data = b""
    s.settimeout(5)
    while True:
        chunk = s.recv(65536)
        data += chunk
        if not chunk or _complete(data):
            return data


def _complete(data):
    try:
        return _parse(data, 0) == len(data)
    except IndexError:
        return False


def _parse(b, i):
    """End offset of the RESP value at i (IndexError when incomplete)."""
    end = b.index(b"\r\n", i)
    t, line = b[i:i + 1], b[i + 1:end]
    i = end + 2
    if t in b"+-:_,#(":
        return i
    if t in b"$=!":
        n = int(line)
        if n < 0:
            return i
        if len(b) < i + n + 2:
            raise IndexError
        return i + n + 2
    n = int(line)
    if t == b"%":
        n *= 2
    for _ in range(max(n, 0)):
        i = _parse(b, i)
    return i


def plain(port, *args):
    """A command's reply as parsed RESP, without redis-py's per-command reshaping."""
    conn = redis.Connection(port=port, decode_responses=True, socket_timeout=5)
    try:
        conn.send_command(*args)
        return conn.read_response()
    finally:
        conn.disconnect()


def fields(reply):
    """The field names of a map reply, whether redis-py made it a dict or left it a flat list."""
    if isinstance(reply, dict):
        return list(reply)
    return [reply[i] for i in range(0, len(reply), 2)]


def _ping(port):
    try:
        return redis.Redis(port=port, socket_timeout=1).ping()
    except redis.ConnectionError:
        return False
