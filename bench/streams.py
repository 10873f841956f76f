#!/usr/bin/env python3
"""Streams benchmark: XADD, XRANGE and XREADGROUP, redis-server vs redis-ha-node in the same run,
plus the memory a stream of 1,000,000 entries takes in each.

Throughput, p99 and server CPU time per operation come from `redis-benchmark -c 50` at -P 1 and
-P 16 in alternating rounds (medians), as in bench.py:
- XADD: `XADD bench:s * field value` on a fresh stream.
- XRANGE: `XRANGE bench:s - + COUNT 10` on a stream of 1,000 entries.
- XREADGROUP: `XREADGROUP GROUP g c COUNT 1 STREAMS bench:s >`, each call delivering one new entry
  (the stream is preloaded with one entry per call) into the pending list.
With `--instructions`, callgrind counts each server's user-space instructions per operation.
Memory: 1,000,000 `XADD bench:mem * field <8-byte value>` through redis-cli --pipe; the growth of
INFO's used_memory and of the process RSS. Prints a Markdown table; `--out FILE` appends it.

Usage: bench/streams.py [--ours PATH] [--rounds N] [--requests N] [--instructions] [--out bench/RESULTS.md]
"""
import argparse
import csv
import datetime
import io
import os
import subprocess
import time

from bench import ROOT, Server, children_cpu_s, compare_kinds, comparison_rows, instructions_per_request

KEY = "bench:s"


def pipe(server, commands):
    """Sends commands (lists of strings) through redis-cli --pipe."""
    out = []
    for c in commands:
        out.append(f"*{len(c)}\r\n" + "".join(f"${len(a)}\r\n{a}\r\n" for a in c))
    subprocess.run(["redis-cli", "-p", str(server.port), "--pipe"], input="".join(out).encode(), capture_output=True, check=True)


def prepare(kind, server, calls):
    server.cli("DEL", KEY)
    if kind == "xrange":
        pipe(server, [["XADD", KEY, "*", "field", f"value{i}"] for i in range(1000)])
    elif kind == "xreadgroup":
        pipe(server, [["XADD", KEY, "*", "field", f"value{i}"] for i in range(calls)])
        server.cli("XGROUP", "CREATE", KEY, "g", "0")


def command(kind):
    return {
        "xadd": ["XADD", KEY, "*", "field", "value"],
        "xrange": ["XRANGE", KEY, "-", "+", "COUNT", "10"],
        "xreadgroup": ["XREADGROUP", "GROUP", "g", "c", "COUNT", "1", "STREAMS", KEY, ">"],
    }[kind]


def run_once(server, kind, pipeline, requests):
    prepare(kind, server, requests)
    before = server.cpu_ns()
    client_before = children_cpu_s()
    started = time.monotonic()
    cmd = ["redis-benchmark", "-p", str(server.port), "-c", "50", "-n", str(requests), "-P", str(pipeline), "--csv", *command(kind)]
    out = subprocess.run(cmd, capture_output=True, text=True, check=True).stdout
    wall = time.monotonic() - started
    cpu = server.cpu_ns() - before
    if kind == "xadd":
        got = int(server.cli("XLEN", KEY).strip())
        assert got == requests, f"{server.name}: {got} entries, {requests} sent"
    if kind == "xreadgroup":
        pending = int(server.cli("XPENDING", KEY, "g").split()[0])
        assert pending == requests, f"{server.name}: {pending} delivered, {requests} sent"
    row = list(csv.DictReader(io.StringIO(out)))[0]
    return {"rps": float(row["rps"]), "p99": float(row["p99_latency_ms"]), "cpu_ns": cpu / requests, "client_busy": (children_cpu_s() - client_before) / wall}


def instructions(path, kind, pipeline, requests):
    # The warm-up run sends a tenth as many calls again: preload for both.
    total = requests + max(requests // 10, 1000)
    return instructions_per_request(path, kind, pipeline, requests, prepare=lambda server: prepare(kind, server, total), command=lambda server: command(kind))


def used_memory(server):
    for line in server.cli("INFO", "memory").splitlines():
        if line.startswith("used_memory:"):
            return int(line.split(":")[1])
    return 0


def memory(server, n):
    server.cli("FLUSHALL")
    time.sleep(0.5)
    used0, rss0 = used_memory(server), server.rss_bytes()
    batch = 100_000
    for start in range(0, n, batch):
        pipe(server, [["XADD", "bench:mem", "*", "field", f"{i:08d}"] for i in range(start, min(n, start + batch))])
    time.sleep(1.0)
    assert int(server.cli("XLEN", "bench:mem").strip()) == n
    return used_memory(server) - used0, server.rss_bytes() - rss0


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--ours", default=os.path.join(ROOT, "target", "release", "redis-ha-node"))
    ap.add_argument("--rounds", type=int, default=3)
    ap.add_argument("--requests", type=int, default=100000)
    ap.add_argument("--entries", type=int, default=1_000_000)
    ap.add_argument("--instructions", action="store_true")
    ap.add_argument("--out")
    a = ap.parse_args()
    servers = {"redis": Server("redis", "redis-server"), "ours": Server("ours", a.ours)}
    try:
        mem = {name: memory(s, a.entries) for name, s in servers.items()}
        for s in servers.values():
            s.cli("FLUSHALL")
        rows = compare_kinds(servers, ("xadd", "xrange", "xreadgroup"), a, run_once, instructions)
    finally:
        for s in servers.values():
            s.stop()
    lines = [
        f"### Streams ({datetime.date.today().isoformat()}, {os.cpu_count()} cores)",
        "",
    ]
    lines += comparison_rows(rows, "op")
    (ru, rr), (ou, orss) = mem["redis"], mem["ours"]
    lines += [
        "",
        f"Memory for {a.entries:,} entries (`XADD * field <8 bytes>`): used_memory grew {ru / 2**20:.1f} MiB on redis, "
        f"{ou / 2**20:.1f} MiB on ours ({ou / ru:.2f}x); RSS grew {rr / 2**20:.1f} MiB vs {orss / 2**20:.1f} MiB ({orss / rr:.2f}x).",
        "",
        f"Method: redis-benchmark -c 50 -n {a.requests} (x4 at -P 16), {a.rounds} alternating rounds, medians; "
        "CPU/op = server on-CPU time (schedstat) / operations; instructions by callgrind over 20,000 operations.",
    ]
    text = "\n".join(lines) + "\n"
    print(text)
    if a.out:
        with open(a.out, "a") as f:
            f.write("\n" + text)


if __name__ == "__main__":
    main()
