#!/usr/bin/env python3
"""Side-by-side replication benchmark: real redis-server -> redis-server vs redis-ha-node -> redis-ha-node,
in the same run, alternating which pair goes first in each round (A/B, B/A, ...).

Per round and pair, fresh processes and directories:

1. full sync: the master gets `DEBUG POPULATE <keys>` (1,000,000 by default: `key:N` -> `value:N`); the
   replica is sent `REPLICAOF`; timed from the command to the replica reporting `master_link_status:up`
   with DBSIZE equal to the master's (polled every 5 ms). Done twice: `repl-diskless-sync no` (the master
   writes an RDB file and sends it) and `yes` (streamed through a pipe, `repl-diskless-sync-delay 0`).
   Reported with the replica's CPU time during the sync (schedstat, all threads) and the master's (its
   own threads, plus the forked child's CPU once reaped: cutime + cstime, 10 ms ticks).
2. replication lag under load: with the replica online, `redis-benchmark -c 50 -P 16 -t set -r 100000
   -d 64 -n <n>` runs against the master; meanwhile a probe writes `lagprobe:<i>` = a sequence number
   on the master every 20 ms and polls the replica (every 0.5 ms) until the key is there. The probe's
   delays (write acknowledged on the master -> visible on the replica) give p50/p99/max; the benchmark's
   ops/s and the byte lag (master_repl_offset - the replica's slave_repl_offset, sampled every 20 ms
   right after each probe write) are reported too.

Medians over rounds are printed as a Markdown table; `--out FILE` replaces (or appends) the
"## Replication" section of FILE.

Usage: bench/replication.py [--ours PATH] [--redis redis-server] [--rounds N] [--keys N] [--requests N]
                            [--out bench/RESULTS.md]
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

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from bench import ROOT  # noqa: E402
from persistence import Conn, PServer, loadavg, private_copy, write_out  # noqa: E402

POLL_S = 0.005


def start(name, path, extra=()):
    d = tempfile.mkdtemp(prefix=f"bench-repl-{name}-")
    return PServer(name, path, d, extra)


def stop(*servers):
    for s in servers:
        s.stop()
        shutil.rmtree(s.dir, ignore_errors=True)


def link_up(replica_conn):
    info = replica_conn.info("replication")
    return info.get("master_link_status") == "up"


def full_sync(name, path, keys, diskless):
    m = start(name, path, {"repl-diskless-sync": diskless, "repl-diskless-sync-delay": "0"}.items())
    r = start(name, path)
    try:
        m.conn.cmd("DEBUG", "POPULATE", keys)
        assert m.conn.cmd("DBSIZE") == keys
        m_cpu, m_child = m.cpu_ns(), m.children_cpu_s()
        r_cpu = r.cpu_ns()
        t0 = time.monotonic()
        r.conn.cmd("REPLICAOF", "127.0.0.1", m.port)
        deadline = t0 + 600
        while time.monotonic() < deadline:
            try:
                if link_up(r.conn) and r.conn.cmd("DBSIZE") == keys:
                    break
            except Exception as e:  # -LOADING while a replica loads
                if "LOADING" not in str(e):
                    raise
            time.sleep(POLL_S)
        else:
            raise RuntimeError(f"{name}: full sync did not finish")
        wall = time.monotonic() - t0
        # Let the master reap its child so its CPU shows in cutime/cstime.
        time.sleep(0.3)
        return {
            "wall_s": wall,
            "replica_cpu_s": (r.cpu_ns() - r_cpu) / 1e9,
            "master_cpu_s": (m.cpu_ns() - m_cpu) / 1e9 + (m.children_cpu_s() - m_child),
        }
    finally:
        stop(m, r)


def lag_under_load(name, path, requests):
    m = start(name, path)
    r = start(name, path)
    try:
        r.conn.cmd("REPLICAOF", "127.0.0.1", m.port)
        while not link_up(r.conn):
            time.sleep(POLL_S)
        mp, rp = Conn(m.port), Conn(r.port)
        delays, byte_lags = [], []
        done = threading.Event()

        def probe():
            i = 0
            while not done.is_set():
                key = f"lagprobe:{i}"
                mp.cmd("SET", key, i)
                t = time.monotonic()
                mo = int(mp.info("replication")["master_repl_offset"])
                ro = int(rp.info("replication")["slave_repl_offset"])
                byte_lags.append(max(0, mo - ro))
                while rp.cmd("EXISTS", key) != 1:
                    if time.monotonic() - t > 30:
                        raise RuntimeError(f"{name}: probe {key} never reached the replica")
                    time.sleep(0.0005)
                delays.append((time.monotonic() - t) * 1000)
                i += 1
                time.sleep(0.02)

        th = threading.Thread(target=probe)
        th.start()
        t0 = time.monotonic()
        out = subprocess.run(["redis-benchmark", "-p", str(m.port), "-c", "50", "-P", "16", "-t", "set", "-r", "100000",
                              "-d", "64", "-n", str(requests), "--csv"], capture_output=True, text=True, check=True).stdout
        elapsed = time.monotonic() - t0
        done.set()
        th.join(60)
        mp.close()
        rp.close()
        rps = float(out.strip().splitlines()[-1].split(",")[1].strip('"'))
        delays.sort()
        return {
            "rps": rps,
            "elapsed_s": elapsed,
            "probes": len(delays),
            "lag_p50_ms": statistics.median(delays),
            "lag_p99_ms": delays[min(len(delays) - 1, int(len(delays) * 0.99))],
            "lag_max_ms": delays[-1],
            "bytes_p50": statistics.median(byte_lags),
            "bytes_max": max(byte_lags),
        }
    finally:
        stop(m, r)


def one_round(name, path, a):
    res = {}
    for mode in ("no", "yes"):
        fs = full_sync(name, path, a.keys, mode)
        tag = "disk" if mode == "no" else "diskless"
        for k, v in fs.items():
            res[f"{tag}_{k}"] = v
    res.update(lag_under_load(name, path, a.requests))
    return res


ROWS = [
    ("full sync, disk: time (s)", "disk_wall_s", "{:.2f}"),
    ("full sync, disk: master CPU (s)", "disk_master_cpu_s", "{:.2f}"),
    ("full sync, disk: replica CPU (s)", "disk_replica_cpu_s", "{:.2f}"),
    ("full sync, diskless: time (s)", "diskless_wall_s", "{:.2f}"),
    ("full sync, diskless: master CPU (s)", "diskless_master_cpu_s", "{:.2f}"),
    ("full sync, diskless: replica CPU (s)", "diskless_replica_cpu_s", "{:.2f}"),
    ("SET -P 16 load with a replica (ops/s)", "rps", "{:.0f}"),
    ("replication lag p50 (ms)", "lag_p50_ms", "{:.2f}"),
    ("replication lag p99 (ms)", "lag_p99_ms", "{:.2f}"),
    ("replication lag max (ms)", "lag_max_ms", "{:.2f}"),
    ("byte lag p50", "bytes_p50", "{:.0f}"),
    ("byte lag max", "bytes_max", "{:.0f}"),
]


def report(a, samples, started):
    R, O = samples["redis"], samples["ours"]
    lines = [
        f"Run {started} on {platform.node()} ({os.cpu_count()} cores, load average {a.loadavg_start} at start, "
        f"{a.loadavg_end} at end); {a.rounds} rounds alternating the order; {a.keys:,} keys for the full syncs; "
        f"{a.requests:,} SETs for the lag load. Ours: {a.ours_label}. Command: `{a.command}`.",
        "",
        "Medians over rounds (lower is better except ops/s):",
        "",
        "| metric | redis-server → redis-server | ours → ours | ours/Redis |",
        "|---|---:|---:|---:|",
    ]
    for label, key, fmt in ROWS:
        r = statistics.median(s[key] for s in R)
        o = statistics.median(s[key] for s in O)
        ratio = f"{o / r:.2f}" if r else "–"
        lines.append(f"| {label} | {fmt.format(r)} | {fmt.format(o)} | {ratio} |")
    lines.append("")
    lines.append("Per round (redis / ours): " + "; ".join(
        f"{i + 1}: disk {R[i]['disk_wall_s']:.2f}/{O[i]['disk_wall_s']:.2f}s, diskless {R[i]['diskless_wall_s']:.2f}/"
        f"{O[i]['diskless_wall_s']:.2f}s, lag p99 {R[i]['lag_p99_ms']:.1f}/{O[i]['lag_p99_ms']:.1f}ms"
        for i in range(len(R))) + ".")
    return "\n".join(lines) + "\n"


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--ours", default=os.path.join(ROOT, "target", "release", "redis-ha-node"))
    ap.add_argument("--redis", default="redis-server")
    ap.add_argument("--rounds", type=int, default=3)
    ap.add_argument("--keys", type=int, default=1000000)
    ap.add_argument("--requests", type=int, default=2000000)
    ap.add_argument("--out")
    a = ap.parse_args()
    a.command = "bench/replication.py " + " ".join(sys.argv[1:])
    started = datetime.datetime.now(datetime.timezone.utc).strftime("%Y-%m-%d %H:%M UTC")
    a.loadavg_start = loadavg()
    tmpbin, ours, a.ours_label = private_copy(a.ours, "repl")
    samples = {"redis": [], "ours": []}
    paths = {"redis": a.redis, "ours": ours}
    try:
        for rnd in range(a.rounds):
            for name in (["redis", "ours"] if rnd % 2 == 0 else ["ours", "redis"]):
                r = one_round(name, paths[name], a)
                samples[name].append(r)
                print(f"round {rnd + 1} {name:5}: full sync disk {r['disk_wall_s']:.2f}s diskless {r['diskless_wall_s']:.2f}s | "
                      f"load {r['rps']:.0f} ops/s, lag p50 {r['lag_p50_ms']:.2f} p99 {r['lag_p99_ms']:.2f} "
                      f"max {r['lag_max_ms']:.2f} ms ({r['probes']} probes), bytes max {r['bytes_max']:.0f}", flush=True)
    finally:
        shutil.rmtree(tmpbin, ignore_errors=True)
    a.loadavg_end = loadavg()
    text = report(a, samples, started)
    print(text)
    if a.out:
        write_out(a.out, "## Replication", text)


if __name__ == "__main__":
    main()
