"""`redis-ha-node --group`: the README's run command. Starts 3 data nodes and 3 sentinels on loopback,
prints their addresses and the live event stream; killing the master shows a failover; Ctrl-C stops
every child and leaves nothing behind."""
import os
import queue
import random
import signal
import socket
import subprocess
import threading
import time

import redis

from conftest import OURS

WAIT = 30.0


def free_range(n):
    """A base port with n consecutive free ports after it."""
    for _ in range(200):
        base = random.randint(20000, 60000)
        ok = True
        for p in range(base, base + n):
            with socket.socket() as s:
                try:
                    s.bind(("127.0.0.1", p))
                except OSError:
                    ok = False
                    break
        if ok:
            return base
    raise AssertionError("no free port range")


def listening(port):
    try:
        socket.create_connection(("127.0.0.1", port), timeout=0.5).close()
        return True
    except OSError:
        return False


def test_group_runs_fails_over_and_stops_cleanly():
    port = free_range(3)
    sport = free_range(3)
    proc = subprocess.Popen([OURS, "--group", "--port", str(port), "--sentinel-port", str(sport),
                             "--down-after-milliseconds", "1000", "--failover-timeout", "3000"],
                            stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True)
    lines = queue.Queue()
    threading.Thread(target=lambda: [lines.put(l) for l in proc.stdout], daemon=True).start()
    seen = []
    pids = []

    def wait_line(pred, what):
        deadline = time.time() + WAIT
        while time.time() < deadline:
            try:
                line = lines.get(timeout=0.2)
            except queue.Empty:
                assert proc.poll() is None, "group exited:\n" + "".join(seen)
                continue
            seen.append(line)
            if pred(line):
                return line
        raise AssertionError(f"no {what} in:\n" + "".join(seen))

    try:
        wait_line(lambda l: "Sentinel events follow" in l, "start-up banner")
        banner = "".join(seen)
        for p in (port, port + 1, port + 2, sport, sport + 1, sport + 2):
            assert f"127.0.0.1:{p}" in banner, banner
        master = redis.Redis(port=port, socket_timeout=5)
        master.set("k", "v")
        replica = redis.Redis(port=port + 1, socket_timeout=5, decode_responses=True)
        deadline = time.time() + WAIT
        while replica.get("k") != "v" and time.time() < deadline:
            time.sleep(0.05)
        assert replica.get("k") == "v"
        pids = [redis.Redis(port=p).info("server")["process_id"] for p in (port, port + 1, port + 2, sport, sport + 1, sport + 2)]
        # Give the sentinels a moment to discover each other, then kill the master.
        deadline = time.time() + WAIT
        s0 = redis.Redis(port=sport, decode_responses=True)
        while int(s0.execute_command("SENTINEL", "MASTER", "mymaster")["num-other-sentinels"]) < 2:
            assert time.time() < deadline, "sentinels never met"
            time.sleep(0.1)
        os.kill(pids[0], signal.SIGKILL)
        line = wait_line(lambda l: f"+switch-master mymaster 127.0.0.1 {port} 127.0.0.1 " in l, "+switch-master event")
        new_port = int(line.split()[-1])
        assert new_port in (port + 1, port + 2)
        assert redis.Redis(port=new_port, socket_timeout=5).set("after", "1")
    finally:
        proc.send_signal(signal.SIGINT)
        code = proc.wait(WAIT)
    assert code == 0, "".join(seen)
    for pid in pids[1:]:
        deadline = time.time() + 10
        while os.path.exists(f"/proc/{pid}") and time.time() < deadline:
            time.sleep(0.05)
        assert not os.path.exists(f"/proc/{pid}"), f"child {pid} left behind"
    for p in (port + 1, port + 2, sport, sport + 1, sport + 2):
        assert not listening(p), f"port {p} still listening"
    scratch = [l for l in seen if "files in" in l][0].split("files in ")[1].split(")")[0]
    assert not os.path.exists(scratch), f"{scratch} left behind"
