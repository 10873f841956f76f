#!/usr/bin/env python3
"""Scripting benchmark: EVALSHA and FCALL of a small script (GET + INCR), redis-server vs
redis-ha-node in the same run.

Each server gets the same script (`SCRIPT LOAD`) and the same function library (`FUNCTION LOAD`);
`redis-benchmark -c 50` then sends `EVALSHA <sha> 1 counter` and `FCALL getincr 1 counter` at -P 1
and -P 16, in alternating rounds, and the medians of ops/s, p99 and server CPU time per call are
reported, as in bench.py. With `--instructions`, callgrind counts each server's user-space
instructions per call as well. Prints a Markdown table; `--out FILE` appends it to FILE.

Usage: bench/scripting.py [--ours PATH] [--rounds N] [--requests N] [--instructions] [--out bench/RESULTS.md]
"""
import argparse
import csv
import datetime
import io
import os
import subprocess
import time

from bench import ROOT, Server, children_cpu_s, compare_kinds, comparison_rows, instructions_per_request

SCRIPT = "local v = redis.call('GET', KEYS[1]) return {v, redis.call('INCR', KEYS[1])}"
LIBRARY = "#!lua name=benchlib\nredis.register_function('getincr', function(keys) local v = redis.call('GET', keys[1]) return {v, redis.call('INCR', keys[1])} end)"


def prepare(server):
    sha = server.cli("SCRIPT", "LOAD", SCRIPT).strip()
    server.cli("FUNCTION", "LOAD", "REPLACE", LIBRARY)
    return sha


def command(kind, sha):
    return ["EVALSHA", sha, "1", "counter"] if kind == "evalsha" else ["FCALL", "getincr", "1", "counter"]


def bench_cmd(port, pipeline, requests, cmd):
    return ["redis-benchmark", "-p", str(port), "-c", "50", "-n", str(requests), "-P", str(pipeline), "--csv", *cmd]


def run_once(server, kind, pipeline, requests):
    sha = prepare(server)
    server.cli("DEL", "counter")
    before = server.cpu_ns()
    client_before = children_cpu_s()
    started = time.monotonic()
    out = subprocess.run(bench_cmd(server.port, pipeline, requests, command(kind, sha)), capture_output=True, text=True, check=True).stdout
    wall = time.monotonic() - started
    cpu = server.cpu_ns() - before
    calls = int(server.cli("GET", "counter").strip() or 0)
    assert calls == requests, f"{server.name}: {calls} calls counted, {requests} sent"
    row = list(csv.DictReader(io.StringIO(out)))[0]
    return {"rps": float(row["rps"]), "p99": float(row["p99_latency_ms"]), "cpu_ns": cpu / requests, "client_busy": (children_cpu_s() - client_before) / wall}


def instructions(path, kind, pipeline, requests):
    sha = {}
    return instructions_per_request(path, kind, pipeline, requests, prepare=lambda server: sha.setdefault("v", prepare(server)),
                                    command=lambda server: command(kind, sha["v"]))


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--ours", default=os.path.join(ROOT, "target", "release", "redis-ha-node"))
    ap.add_argument("--rounds", type=int, default=3)
    ap.add_argument("--requests", type=int, default=100000)
    ap.add_argument("--instructions", action="store_true")
    ap.add_argument("--out")
    a = ap.parse_args()
    servers = {"redis": Server("redis", "redis-server"), "ours": Server("ours", a.ours)}
    try:
        rows = compare_kinds(servers, ("evalsha", "fcall"), a, run_once, instructions)
    finally:
        for s in servers.values():
            s.stop()
    lines = [
        f"### Scripting ({datetime.date.today().isoformat()}, {os.cpu_count()} cores)",
        "",
    ]
    lines += comparison_rows(rows, "call")
    lines.append("")
    lines.append(f"Method: redis-benchmark -c 50 -n {a.requests} (x4 at -P 16), {a.rounds} alternating rounds, medians; "
                 "script = GET + INCR of one key; CPU/call = server on-CPU time (schedstat) / calls; instructions by callgrind over 20,000 calls.")
    text = "\n".join(lines) + "\n"
    print(text)
    if a.out:
        with open(a.out, "a") as f:
            f.write("\n" + text)


if __name__ == "__main__":
    main()
