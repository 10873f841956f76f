#!/usr/bin/env python3
"""What synchronous acknowledgement costs (issue 17): SET throughput and p99 latency of a master with one
replica, side by side in one run:

- `redis-async`: redis-server, plain SET (Redis's default: acknowledged before any replica has it);
- `redis-wait`: redis-server, each SET followed by `WAIT 1 0` (how Redis users get the same guarantee:
  one more round trip per write, and the client must check WAIT's count itself);
- `ours-async`: our node, plain SET;
- `ours-sync`: our node with `ha-sync-replicas 1` (the reply itself waits for the replica).

Pipelined (`-P 16`): 16 SETs per round trip; for redis-wait the 16 SETs are followed by one WAIT in the same
pipeline. The client is one Python process with `--clients` threads, each with its own connection, the
same for every variant (on 2 cores the client is a bottleneck too, so compare the variants with each
other, not with redis-benchmark's figures). Latency is per round trip (one SET, or one pipeline).

Usage: bench/write_safety.py [--ours PATH] [--seconds S] [--clients N] [--out bench/RESULTS.md]
"""
import argparse
import datetime
import os
import platform
import shutil
import statistics
import subprocess
import sys
import tempfile
import threading
import time

import redis

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from bench import ROOT, free_port  # noqa: E402
from persistence import loadavg, private_copy, write_out  # noqa: E402

VARIANTS = ["redis-async", "redis-wait", "ours-async", "ours-sync"]


def start(program, *args):
    port = free_port()
    d = tempfile.mkdtemp(prefix="bench-ws-")
    p = subprocess.Popen([program, "--port", str(port), "--bind", "127.0.0.1", "--save", "", "--appendonly", "no",
                          "--dir", d, *args], stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    c = redis.Redis(port=port)
    for _ in range(200):
        try:
            c.ping()
            break
        except redis.ConnectionError:
            time.sleep(0.05)
    return p, port, d


def run_variant(variant, ours, seconds, clients, pipeline):
    program = ours if variant.startswith("ours") else "redis-server"
    extra = ("--ha-sync-replicas", "1", "--ha-sync-timeout-ms", "5000") if variant == "ours-sync" else ()
    mp, mport, md = start(program, *extra)
    rp, rport, rd = start(program, "--replicaof", "127.0.0.1", str(mport))
    try:
        r = redis.Redis(port=rport)
        while r.info("replication").get("master_link_status") != "up":
            time.sleep(0.05)
        wait = variant == "redis-wait"
        lat, counts, stop = [], [0] * clients, threading.Event()
        lock = threading.Lock()

        def worker(i):
            c = redis.Redis(port=mport)
            mine, n = [], 0
            while not stop.is_set():
                t0 = time.perf_counter()
                if pipeline == 1:
                    c.set(f"k{i}:{n}", "v")
                    if wait:
                        assert c.execute_command("WAIT", 1, 0) >= 1
                    n += 1
                else:
                    p = c.pipeline(transaction=False)
                    for j in range(pipeline):
                        p.set(f"k{i}:{n + j}", "v")
                    if wait:
                        p.execute_command("WAIT", 1, 0)
                    p.execute()
                    n += pipeline
                mine.append(time.perf_counter() - t0)
            counts[i] = n
            with lock:
                lat.extend(mine)

        threads = [threading.Thread(target=worker, args=(i,)) for i in range(clients)]
        t0 = time.perf_counter()
        for t in threads:
            t.start()
        time.sleep(seconds)
        stop.set()
        for t in threads:
            t.join()
        elapsed = time.perf_counter() - t0
        lat.sort()
        return {"ops": sum(counts) / elapsed, "p50_ms": lat[len(lat) // 2] * 1000, "p99_ms": lat[int(len(lat) * 0.99)] * 1000}
    finally:
        for p in (rp, mp):
            p.kill()
            p.wait()
        shutil.rmtree(md, ignore_errors=True)
        shutil.rmtree(rd, ignore_errors=True)


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--ours", default=os.path.join(ROOT, "target", "release", "redis-ha-node"))
    ap.add_argument("--seconds", type=float, default=5)
    ap.add_argument("--clients", type=int, default=8)
    ap.add_argument("--rounds", type=int, default=2)
    ap.add_argument("--out")
    a = ap.parse_args()
    tmpbin, ours, label = private_copy(a.ours, "write-safety")
    started = datetime.datetime.now(datetime.timezone.utc).strftime("%Y-%m-%d %H:%M UTC")
    load0 = loadavg()
    results = {}
    try:
        for rnd in range(a.rounds):
            for pipeline in (1, 16):
                order = VARIANTS if rnd % 2 == 0 else list(reversed(VARIANTS))
                for v in order:
                    r = run_variant(v, ours, a.seconds, a.clients, pipeline)
                    print(f"round {rnd + 1} -P {pipeline} {v}: {r}", flush=True)
                    results.setdefault((pipeline, v), []).append(r)
    finally:
        shutil.rmtree(tmpbin, ignore_errors=True)
    lines = [
        f"Date: {started}  ",
        f"Machine: {platform.node()} — {os.cpu_count()} cores, {platform.machine()}, Linux {platform.release()}  ",
        f"Ours: {label}  ",
        f"Command: `bench/write_safety.py {' '.join(sys.argv[1:])}`  ",
        f"Load average at the start: {load0}; at the end: {loadavg()}  ",
        f"Client: one Python process, {a.clients} connections, {a.seconds:g} s per variant, {a.rounds} rounds (medians)",
        "",
        "| pipeline | variant | SET/s | p50 per round trip | p99 per round trip |",
        "|---|---|---|---|---|",
    ]
    for pipeline in (1, 16):
        for v in VARIANTS:
            rs = results[(pipeline, v)]
            med = lambda k: statistics.median(r[k] for r in rs)  # noqa: E731
            lines.append(f"| -P {pipeline} | {v} | {med('ops'):,.0f} | {med('p50_ms'):.2f} ms | {med('p99_ms'):.2f} ms |")
    text = "\n".join(lines) + "\n"
    print(text)
    if a.out:
        write_out(a.out, "## Write safety: synchronous acknowledgement", text, source="bench/write_safety.py")


if __name__ == "__main__":
    main()
