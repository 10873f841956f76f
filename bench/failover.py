#!/usr/bin/env python3
"""Failover time: real redis-sentinel vs `redis-ha-node --sentinel`, side by side in the same run.

Each trial: a master and two replicas (redis-server by default, `--data ours` for our data nodes), three
sentinels of one kind (quorum 2, failover-timeout 10000 ms, down-after-milliseconds as given), a subscriber
on every sentinel (PSUBSCRIBE *) and a redis-py `Sentinel` client writing in a loop through
`master_for` (socket timeout 0.5 s; on an error it waits 10 ms and tries again, which makes the pool ask
the sentinels for the master again). Once every sentinel knows both replicas and the two other sentinels
and writes are flowing, the master is killed with SIGKILL. Measured from the kill, on one monotonic clock:

- `+sdown`: the first sentinel to publish `+sdown` for the master;
- `+odown`: the first `+odown`;
- `+switch-master`: the first `+switch-master` (the new address is final from then on);
- first write: the first SET acknowledged among those sent after the old master's process was reaped
  (so it can only have been served by the new master).

Variants alternate within each round (A/B, B/A, ...): `real` is redis-sentinel 7.0, `ours` our sentinel
with its default timing, `ours-redis7` (with `--redis7`) ours with `RHN_SENTINEL_TIMING=redis7`, sentinel.c's
exact periods. Medians over rounds, min–max in brackets. `--out FILE` writes the table under "## Failover"
with bench/persistence.py's `write_out`.

Usage: bench/failover.py [--ours PATH] [--rounds N] [--down-after 1000,5000] [--data redis|ours] [--redis7]
                         [--out bench/RESULTS.md]
"""
import argparse
import datetime
import os
import platform
import shutil
import signal
import statistics
import subprocess
import sys
import tempfile
import threading
import time

import redis
from redis.sentinel import Sentinel as SentinelClient

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from bench import ROOT, free_port  # noqa: E402
from persistence import loadavg, private_copy, write_out  # noqa: E402

NAME = "mymaster"
FAILOVER_TIMEOUT = 10000
METRICS = [("+sdown", "kill → +sdown"), ("+odown", "kill → +odown"), ("+switch-master", "kill → +switch-master"),
           ("write", "kill → first acknowledged write")]


def wait_until(pred, limit=30.0, what="condition"):
    deadline = time.monotonic() + limit
    while time.monotonic() < deadline:
        try:
            v = pred()
        except (redis.RedisError, OSError):
            v = None
        if v:
            return v
        time.sleep(0.02)
    raise RuntimeError(f"timed out waiting for {what}")


class Proc:
    def __init__(self, cmd, env=None):
        self.proc = subprocess.Popen(cmd, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, stdin=subprocess.DEVNULL, env=env)

    def kill(self):
        if self.proc.poll() is None:
            self.proc.kill()
            self.proc.wait(10)


def data_node(program, workdir, port, *extra):
    p = Proc([program, "--port", str(port), "--bind", "127.0.0.1", "--save", "", "--appendonly", "no", "--dir", workdir,
              "--daemonize", "no", *extra])
    wait_until(lambda: redis.Redis(port=port, socket_timeout=0.5).ping(), what=f"data node {port}")
    return p


def sentinel(kind, ours, workdir, master_port, down_after):
    port = free_port()
    d = tempfile.mkdtemp(prefix="s-", dir=workdir)
    conf = os.path.join(d, "sentinel.conf")
    with open(conf, "w") as f:
        f.write(f"port {port}\nbind 127.0.0.1\ndir {d}\n"
                f"sentinel monitor {NAME} 127.0.0.1 {master_port} 2\n"
                f"sentinel down-after-milliseconds {NAME} {down_after}\n"
                f"sentinel failover-timeout {NAME} {FAILOVER_TIMEOUT}\n")
    if kind == "real":
        p = Proc(["redis-sentinel", conf])
    else:
        env = dict(os.environ)
        if kind == "ours-redis7":
            env["RHN_SENTINEL_TIMING"] = "redis7"
        p = Proc([ours, conf, "--sentinel"], env=env)
    wait_until(lambda: redis.Redis(port=port, socket_timeout=0.5).ping(), what=f"sentinel {port}")
    return p, port


def trial(kind, a, down_after):
    workdir = tempfile.mkdtemp(prefix="failover-bench-")
    procs = []
    stop = threading.Event()
    try:
        data = a.ours if a.data == "ours" else "redis-server"
        mport = free_port()
        master = data_node(data, workdir, mport)
        procs.append(master)
        rports = [free_port(), free_port()]
        for p in rports:
            procs.append(data_node(data, workdir, p, "--replicaof", "127.0.0.1", str(mport)))
        sports = []
        for _ in range(3):
            p, port = sentinel(kind, a.ours, workdir, mport, down_after)
            procs.append(p)
            sports.append(port)

        def discovered():
            for port in sports:
                m = redis.Redis(port=port, socket_timeout=0.5).sentinel_master(NAME)
                if m["num-slaves"] != 2 or m["num-other-sentinels"] != 2:
                    return False
            return True

        wait_until(discovered, limit=60, what="discovery")

        first = {}
        lock = threading.Lock()

        def note(key, t):
            with lock:
                first.setdefault(key, t)

        def listen(port):
            ps = redis.Redis(port=port, decode_responses=True).pubsub()
            ps.psubscribe("*")
            while not stop.is_set():
                msg = ps.get_message(timeout=0.05)
                if msg and msg["type"] == "pmessage":
                    t = time.monotonic()
                    ch, payload = msg["channel"], msg["data"]
                    if ch in ("+sdown", "+odown") and payload.startswith("master "):
                        note(ch, t)
                    elif ch == "+switch-master":
                        note(ch, t)
            ps.close()

        killed = {}

        def write():
            client = SentinelClient([("127.0.0.1", p) for p in sports], socket_timeout=0.5)
            m = client.master_for(NAME, socket_timeout=0.5)
            i = 0
            while not stop.is_set():
                sent = time.monotonic()
                try:
                    m.set("k", i)
                    # Only a write sent once the old master was gone can have reached the new one.
                    if "dead" in killed and sent >= killed["dead"]:
                        note("write", time.monotonic())
                    i += 1
                except (redis.ConnectionError, redis.TimeoutError, redis.ReadOnlyError):
                    time.sleep(0.01)

        threads = [threading.Thread(target=listen, args=(p,), daemon=True) for p in sports]
        threads.append(threading.Thread(target=write, daemon=True))
        for t in threads:
            t.start()
        time.sleep(0.5)  # subscribed, writes flowing
        killed["t"] = time.monotonic()
        master.kill()
        killed["dead"] = time.monotonic()
        wait_until(lambda: "write" in first and "+switch-master" in first, limit=down_after / 1000 + 60, what="failover")
        t0 = killed["t"]
        return {k: first[k] - t0 for k, _ in METRICS if k in first}
    finally:
        stop.set()
        time.sleep(0.1)
        for p in procs:
            p.kill()
        shutil.rmtree(workdir, ignore_errors=True)


def fmt(xs):
    if not xs:
        return "—"
    return f"{statistics.median(xs):.2f} s [{min(xs):.2f}–{max(xs):.2f}]"


def report(a, samples, started, kinds):
    ver = subprocess.run(["redis-sentinel", "--version"], capture_output=True, text=True).stdout.strip()
    lines = [
        f"Date: {started}  ",
        f"Machine: {platform.node()} — {os.cpu_count()} cores, {platform.machine()}, Linux {platform.release()}  ",
        f"Against: {ver}  ",
        f"Ours: {a.ours_label}  ",
        f"Command: `{a.command}`  ",
        f"Load average (1/5/15 min) at the start: {a.loadavg_start}; at the end: {a.loadavg_end}  ",
        f"Setup: 1 master + 2 replicas ({'our data nodes' if a.data == 'ours' else 'redis-server'}), 3 sentinels of one kind, "
        f"quorum 2, failover-timeout {FAILOVER_TIMEOUT} ms; {a.rounds} alternating rounds, medians [min–max]. "
        "`ours` is our default timing; `ours-redis7` runs sentinel.c's exact periods.",
        "",
    ]
    head = "| down-after | metric | " + " | ".join(kinds) + " | ours/real |"
    lines.append(head)
    lines.append("|" + "---|" * (3 + len(kinds)))
    for da in a.down_after:
        for key, label in METRICS:
            cells = [fmt([s[key] for s in samples[(kind, da)] if key in s]) for kind in kinds]
            real = [s[key] for s in samples[("real", da)] if key in s]
            ours = [s[key] for s in samples[("ours", da)] if key in s]
            ratio = f"{statistics.median(ours) / statistics.median(real):.2f}" if real and ours and statistics.median(real) > 0 else "—"
            lines.append(f"| {da} ms | {label} | " + " | ".join(cells) + f" | {ratio} |")
    return "\n".join(lines) + "\n"


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--ours", default=os.path.join(ROOT, "target", "release", "redis-ha-node"))
    ap.add_argument("--rounds", type=int, default=3)
    ap.add_argument("--down-after", default="1000,5000")
    ap.add_argument("--data", choices=["redis", "ours"], default="redis")
    ap.add_argument("--redis7", action="store_true", help="also run ours with sentinel.c's exact timing")
    ap.add_argument("--out")
    a = ap.parse_args()
    a.command = "bench/failover.py " + " ".join(sys.argv[1:])
    a.down_after = [int(x) for x in a.down_after.split(",")]
    started = datetime.datetime.now(datetime.timezone.utc).strftime("%Y-%m-%d %H:%M UTC")
    a.loadavg_start = loadavg()
    tmpbin, ours, a.ours_label = private_copy(a.ours, "failover")
    a.ours = ours
    kinds = ["real", "ours"] + (["ours-redis7"] if a.redis7 else [])
    samples = {(k, da): [] for k in kinds for da in a.down_after}
    signal.signal(signal.SIGTERM, lambda *_: sys.exit(1))
    try:
        for rnd in range(a.rounds):
            order = kinds if rnd % 2 == 0 else list(reversed(kinds))
            for da in a.down_after:
                for kind in order:
                    r = trial(kind, a, da)
                    samples[(kind, da)].append(r)
                    print(f"round {rnd + 1} down-after {da} {kind:11}: "
                          + " ".join(f"{k} {r[k]:.3f}s" for k, _ in METRICS if k in r), flush=True)
    finally:
        shutil.rmtree(tmpbin, ignore_errors=True)
    a.loadavg_end = loadavg()
    text = report(a, samples, started, kinds)
    print(text)
    if a.out:
        write_out(a.out, "## Failover", text, source="bench/failover.py")


if __name__ == "__main__":
    main()
