"""Shared fixtures for the Python tests: start our binary (and a real redis-server to compare with)
on free loopback ports, stop them at the end, and bound every wait.

Our binary: $REDIS_HA_NODE, else target/release/redis-ha-node (built by scripts/test.sh).
A missing binary or redis-server is an error, never a skip.
"""
import os
import shutil
import socket
import subprocess
import sys
import tempfile
import time

import pytest

HERE = os.path.dirname(os.path.abspath(__file__))
ROOT = os.path.abspath(os.path.join(HERE, "..", "..", ".."))
DIFF_DIR = os.path.join(ROOT, "node", "tests", "diff")
OURS = os.environ.get("REDIS_HA_NODE", os.path.join(ROOT, "target", "release", "redis-ha-node"))
START_TIMEOUT = 10.0

sys.path.insert(0, DIFF_DIR)

from run_diff import encode  # noqa: E402  (found through DIFF_DIR)


def enc(*args):
    """One command in RESP, from str, int or bytes arguments (the differential runner's encoder)."""
    return encode([a if isinstance(a, bytes) else str(a).encode() for a in args])


def free_port():
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


class ServerProc:
    """One server process on a free port, with its own scratch dir; `stop()` ends it."""

    def __init__(self, program, args=(), name="server", wrap=(), wait_port=None):
        """`wrap`: a command the server runs under (`prlimit --nofile=...`); `wait_port`: the port
        that shows it is up, when `args` move it off `--port` (a TLS-only server)."""
        self.wait_port = wait_port
        if shutil.which(program) is None and not os.path.exists(program):
            raise RuntimeError(f"{program} not found (scripts/test.sh installs and builds everything)")
        self.program = program
        last = ""
        for _ in range(3):  # the port may be taken between picking and binding it
            self.port = free_port()
            self.dir = tempfile.mkdtemp(prefix=f"pytest-{name}-")
            cmd = [*wrap, program, "--port", str(self.port), "--bind", "127.0.0.1", "--save", "",
                   "--appendonly", "no", "--dir", self.dir, "--daemonize", "no", *args]
            self.logpath = os.path.join(self.dir, "server.log")
            self.log = open(self.logpath, "w")
            self.proc = subprocess.Popen(cmd, stdout=self.log, stderr=subprocess.STDOUT, stdin=subprocess.DEVNULL)
            if self._wait_ready():
                return
            last = self.output()
            self.stop()
        raise RuntimeError(f"{program} did not start:\n{last}")

    def _wait_ready(self):
        deadline = time.time() + START_TIMEOUT
        while time.time() < deadline:
            if self.proc.poll() is not None:
                return False
            try:
                socket.create_connection(("127.0.0.1", self.wait_port or self.port), timeout=0.5).close()
                return True
            except OSError:
                time.sleep(0.05)
        return False

    def alive(self):
        return self.proc.poll() is None

    def output(self):
        try:
            with open(self.logpath, errors="replace") as f:
                return f.read()
        except OSError:
            return ""

    def stop(self):
        if self.proc.poll() is None:
            self.proc.terminate()
            try:
                self.proc.wait(5)
            except subprocess.TimeoutExpired:
                self.proc.kill()
                self.proc.wait(5)
        self.log.close()
        shutil.rmtree(self.dir, ignore_errors=True)


@pytest.fixture(scope="session")
def ours_bin():
    assert os.path.exists(OURS), f"{OURS} is missing: run `cargo build --release` (scripts/test.sh does)"
    return OURS


@pytest.fixture(scope="module")
def ours(ours_bin):
    s = ServerProc(ours_bin, name="ours")
    yield s
    s.stop()


@pytest.fixture(scope="module")
def real():
    s = ServerProc("redis-server", name="redis")
    yield s
    s.stop()


@pytest.fixture
def start_ours(ours_bin):
    """Factory for extra servers of ours with particular options; all stopped after the test."""
    started = []

    def start(*args):
        s = ServerProc(ours_bin, args, name="ours-extra")
        started.append(s)
        return s

    yield start
    for s in started:
        s.stop()


def pytest_terminal_summary(terminalreporter):
    """The planned-switchover measurements (test_switchover.py), shown even when every test passes."""
    switchover = sys.modules.get("switchover")
    for case, r in getattr(switchover, "RESULTS", []):
        terminalreporter.write_line(f"switchover {case}: acknowledged {r['acked']}, lost {r['lost']}, "
                                    f"write pause {r['pause_ms']} ms, +switch-master after {r['switch_ms']} ms")
    partition = sys.modules.get("test_partition")
    for r in getattr(partition, "RESULTS", []):
        terminalreporter.write_line(f"partition {r['mode']}: acknowledged {r['acked']}, lost {r['lost']}, refused {r['refused']}, "
                                    f"first refusal {r['fenced_after_ms']} ms after the cut")
