#!/usr/bin/env python3
"""Side-by-side benchmark: real redis-server vs redis-ha-node, in the same run.

For each test (SET GET INCR LPUSH LPOP SADD HSET ZADD) at -P 1 and -P 16, runs `redis-benchmark -c 50`
against both servers in alternating rounds (A/B, B/A, ...) and reports medians of ops/s, p50 and p99,
plus server CPU time per operation measured from /proc/<pid>/task/*/schedstat (far steadier than
throughput on a shared machine). Then loads 1,000,000 keys (`SET key:N <16 bytes>`) into each and
reports RSS. Prints a Markdown table; `--out FILE` also writes it with the date and machine.

Two more columns say what limits the numbers. "client busy" is redis-benchmark's own CPU time over the
run's wall time: near 100% means the single-threaded client, not the server, sets the throughput (then
both servers show about the same ops/s and the CPU/op columns are the comparison that means something).
With `--instructions`, each server also runs once per test under `valgrind --tool=callgrind`, which counts
the user-space instructions it executes per request: the same count run after run, whatever else the
machine is doing (the kernel's share, the sockets, is not counted and is the same for both).

Usage: bench/bench.py [--ours PATH] [--rounds N] [--requests N] [--instructions] [--out bench/RESULTS.md]
"""
import argparse
import csv
import datetime
import io
import os
import platform
import resource
import shutil
import socket
import statistics
import subprocess
import tempfile
import time

ROOT = os.path.abspath(os.path.join(os.path.dirname(__file__), ".."))
TESTS = ["set", "get", "incr", "lpush", "lpop", "sadd", "hset", "zadd"]


def free_port():
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


class Server:
    def __init__(self, name, path, wrapper=()):
        """Starts `path` (under `wrapper`, e.g. valgrind, when given) on a free port in a fresh directory."""
        self.name = name
        self.port = free_port()
        self.dir = tempfile.mkdtemp(prefix=f"bench-{name}-")
        self.proc = subprocess.Popen(
            [*wrapper, path, "--port", str(self.port), "--bind", "127.0.0.1", "--save", "", "--appendonly", "no", "--dir", self.dir],
            stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
        # Under valgrind start-up takes seconds, not milliseconds.
        for _ in range(200 if not wrapper else 1200):
            try:
                socket.create_connection(("127.0.0.1", self.port), timeout=0.2).close()
                return
            except OSError:
                time.sleep(0.05)
        raise RuntimeError(f"{name} did not start")

    def cpu_ns(self):
        """Total on-CPU time of every thread of the server, in ns (schedstat's first field)."""
        total = 0
        task_dir = f"/proc/{self.proc.pid}/task"
        for tid in os.listdir(task_dir):
            try:
                with open(f"{task_dir}/{tid}/schedstat") as f:
                    total += int(f.read().split()[0])
            except OSError:
                pass
        return total

    def rss_bytes(self):
        with open(f"/proc/{self.proc.pid}/status") as f:
            for line in f:
                if line.startswith("VmRSS:"):
                    return int(line.split()[1]) * 1024
        return 0

    def cli(self, *args):
        return subprocess.run(["redis-cli", "-p", str(self.port), *args], capture_output=True, text=True).stdout

    def stop(self):
        self.proc.terminate()
        try:
            self.proc.wait(5)
        except subprocess.TimeoutExpired:
            self.proc.kill()


def children_cpu_s():
    """CPU time (user + system) of the finished child processes so far: redis-benchmark's, here."""
    ru = resource.getrusage(resource.RUSAGE_CHILDREN)
    return ru.ru_utime + ru.ru_stime


def benchmark_cmd(port, test, pipeline, requests):
    return ["redis-benchmark", "-p", str(port), "-c", "50", "-n", str(requests), "-P", str(pipeline), "-t", test, "--csv"]


def run_benchmark(server, test, pipeline, requests):
    server.cli("FLUSHALL")
    before = server.cpu_ns()
    client_before = children_cpu_s()
    started = time.monotonic()
    out = subprocess.run(benchmark_cmd(server.port, test, pipeline, requests), capture_output=True, text=True, check=True).stdout
    wall = time.monotonic() - started
    cpu = server.cpu_ns() - before
    rows = list(csv.DictReader(io.StringIO(out)))
    row = rows[0]
    return {
        "rps": float(row["rps"]),
        "p50": float(row["p50_latency_ms"]),
        "p99": float(row["p99_latency_ms"]),
        "cpu_ns_per_op": cpu / requests,
        "client_busy": (children_cpu_s() - client_before) / wall,
    }


def instructions_per_request(path, test, pipeline, requests, prepare=None, command=None):
    """User-space instructions the server executes per request, counted by callgrind: the counters are
    zeroed after a warm-up run and dumped after the measured one. `command(server)`, when given, is the
    command to send instead of redis-benchmark's test `test`; `prepare(server)` runs first."""
    out_dir = tempfile.mkdtemp(prefix="bench-callgrind-")
    out_file = os.path.join(out_dir, "callgrind.out")
    server = Server("callgrind", path, wrapper=("valgrind", "--tool=callgrind", f"--callgrind-out-file={out_file}"))

    def run(n):
        if command is None:
            return benchmark_cmd(server.port, test, pipeline, n)
        return ["redis-benchmark", "-p", str(server.port), "-c", "50", "-n", str(n), "-P", str(pipeline), "--csv", *command(server)]

    try:
        if prepare is not None:
            prepare(server)
        subprocess.run(run(max(requests // 10, 1000)), capture_output=True, check=True)
        if command is None:
            server.cli("FLUSHALL")
        subprocess.run(["callgrind_control", "--zero", str(server.proc.pid)], capture_output=True, check=True)
        subprocess.run(run(requests), capture_output=True, check=True)
        subprocess.run(["callgrind_control", "--dump", str(server.proc.pid)], capture_output=True, check=True)
    finally:
        server.stop()
    # The dump is `callgrind.out.1`; the one valgrind writes at exit (`callgrind.out`) is not read.
    with open(out_file + ".1") as f:
        total = next(int(line.split()[1]) for line in f if line.startswith(("summary:", "totals:")))
    shutil.rmtree(out_dir, ignore_errors=True)
    return total / requests


def load_keys(server, n):
    """SET key:N <16 bytes> for N in 0..n through redis-cli --pipe."""
    value = "v" * 16
    payload = "".join(f"*3\r\n$3\r\nSET\r\n${len(f'key:{i}')}\r\nkey:{i}\r\n$16\r\n{value}\r\n" for i in range(n))
    subprocess.run(["redis-cli", "-p", str(server.port), "--pipe"], input=payload.encode(), capture_output=True, check=True)
    time.sleep(1.0)
    return server.rss_bytes()


def alternating_medians(servers, rounds, run):
    """Runs `run(server)` on redis and ours in alternating order for `rounds` rounds and returns,
    per server name, the median of each figure the runs report."""
    res = {"redis": [], "ours": []}
    for r in range(rounds):
        order = ["redis", "ours"] if r % 2 == 0 else ["ours", "redis"]
        for name in order:
            res[name].append(run(servers[name]))
    return {name: {k: statistics.median(x[k] for x in runs) for k in runs[0]} for name, runs in res.items()}


def compare_kinds(servers, kinds, a, run_once, instructions):
    """The rows of a comparison table: for each kind at -P 1 and -P 16 (four times the requests),
    the medians of `run_once(server, kind, pipeline, n)` over alternating rounds and, with
    `--instructions`, callgrind's counts for both servers."""
    rows = []
    for kind in kinds:
        for pipeline in (1, 16):
            n = a.requests * (4 if pipeline == 16 else 1)
            med = alternating_medians(servers, a.rounds, lambda s: run_once(s, kind, pipeline, n))
            ins = None
            if a.instructions:
                ins = (instructions("redis-server", kind, pipeline, 20000), instructions(a.ours, kind, pipeline, 20000))
            rows.append((kind.upper(), pipeline, med, ins))
    return rows


def comparison_rows(rows, unit):
    """Markdown table lines comparing redis-server and ours: `rows` holds (command, pipeline,
    medians by server name, (redis, ours) instructions or None); `unit` names what CPU and
    instructions are counted per ("call", "op")."""
    lines = [
        f"| command | -P | redis ops/s | ours ops/s | ratio | redis p99 ms | ours p99 ms | redis CPU/{unit} µs | ours CPU/{unit} µs | CPU ratio | instr/{unit} redis | instr/{unit} ours | instr ratio | client busy |",
        "|---|---|---|---|---|---|---|---|---|---|---|---|---|---|",
    ]
    for kind, p, med, ins in rows:
        r, o = med["redis"], med["ours"]
        i = f"{ins[0]:,.0f} | {ins[1]:,.0f} | {ins[1] / ins[0]:.2f}" if ins else "- | - | -"
        lines.append(
            f"| {kind} | {p} | {r['rps']:,.0f} | {o['rps']:,.0f} | {o['rps'] / r['rps']:.2f} | {r['p99']:.3f} | {o['p99']:.3f} | "
            f"{r['cpu_ns'] / 1000:.2f} | {o['cpu_ns'] / 1000:.2f} | {o['cpu_ns'] / r['cpu_ns']:.2f} | {i} | {o['client_busy']:.0%} |"
        )
    return lines


def fmt_rate(x):
    return f"{x:,.0f}"


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--ours", default=os.path.join(ROOT, "target", "release", "redis-ha-node"))
    ap.add_argument("--redis", default="redis-server")
    ap.add_argument("--rounds", type=int, default=5)
    ap.add_argument("--requests", type=int, default=200000)
    ap.add_argument("--keys", type=int, default=1000000)
    ap.add_argument("--tests", default=",".join(TESTS))
    ap.add_argument("--instructions", action="store_true", help="also count user-space instructions per request (callgrind)")
    ap.add_argument("--instruction-requests", type=int, default=100000)
    ap.add_argument("--out")
    a = ap.parse_args()

    redis = Server("redis", a.redis)
    ours = Server("ours", a.ours)
    results = {}
    try:
        for pipeline in (1, 16):
            for test in a.tests.split(","):
                samples = {"redis": [], "ours": []}
                for r in range(a.rounds):
                    order = [redis, ours] if r % 2 == 0 else [ours, redis]
                    for s in order:
                        n = a.requests * (4 if pipeline > 1 else 1)
                        samples[s.name].append(run_benchmark(s, test, pipeline, n))
                med = {name: {k: statistics.median(x[k] for x in v) for k in v[0]} for name, v in samples.items()}
                results[(test, pipeline)] = med
                print(f"{test.upper():6} P{pipeline:<2} redis {fmt_rate(med['redis']['rps']):>10}/s  ours {fmt_rate(med['ours']['rps']):>10}/s  "
                      f"ratio {med['ours']['rps'] / med['redis']['rps']:.2f}  cpu/op redis {med['redis']['cpu_ns_per_op']:.0f}ns ours {med['ours']['cpu_ns_per_op']:.0f}ns  "
                      f"client busy {med['redis']['client_busy']:.0%}/{med['ours']['client_busy']:.0%}",
                      flush=True)
        instructions = {}
        if a.instructions:
            for pipeline in (1, 16):
                for test in a.tests.split(","):
                    n = a.instruction_requests // (5 if pipeline == 1 else 1)
                    instructions[(test, pipeline)] = {name: instructions_per_request(path, test, pipeline, n)
                                                      for name, path in (("redis", a.redis), ("ours", a.ours))}
                    i = instructions[(test, pipeline)]
                    print(f"{test.upper():6} P{pipeline:<2} instructions/request redis {i['redis']:.0f} ours {i['ours']:.0f}", flush=True)
        rss = {}
        for s in (redis, ours):
            s.cli("FLUSHALL")
            base = s.rss_bytes()
            rss[s.name] = (base, load_keys(s, a.keys), s.cli("DBSIZE").strip())
    finally:
        redis.stop()
        ours.stop()

    lines = []
    lines.append(f"Date: {datetime.date.today().isoformat()}  ")
    lines.append(f"Machine: {platform.node()} — {os.cpu_count()} cores, {platform.machine()}, Linux {platform.release()}  ")
    ver = subprocess.run([a.redis, "--version"], capture_output=True, text=True).stdout.strip()
    lines.append(f"Against: {ver}  ")
    lines.append(f"Method: redis-benchmark -c 50, -n {a.requests} (x4 at -P 16), {a.rounds} alternating A/B rounds, medians; "
                 "CPU/op = server on-CPU time (schedstat) / requests; client busy = redis-benchmark's CPU time / wall time "
                 "(Redis's run / ours).")
    lines.append("")
    lines.append("| test | -P | Redis ops/s | ours ops/s | ratio | Redis p50/p99 ms | ours p50/p99 ms | Redis CPU/op | ours CPU/op | CPU ratio | client busy |")
    lines.append("|---|---|---|---|---|---|---|---|---|---|---|")
    for (test, p), med in results.items():
        r, o = med["redis"], med["ours"]
        lines.append(f"| {test.upper()} | {p} | {fmt_rate(r['rps'])} | {fmt_rate(o['rps'])} | {o['rps'] / r['rps']:.2f} | "
                     f"{r['p50']:.3f}/{r['p99']:.3f} | {o['p50']:.3f}/{o['p99']:.3f} | {r['cpu_ns_per_op']:.0f} ns | "
                     f"{o['cpu_ns_per_op']:.0f} ns | {o['cpu_ns_per_op'] / r['cpu_ns_per_op']:.2f} | "
                     f"{r['client_busy']:.0%} / {o['client_busy']:.0%} |")
    lines.append("")
    if instructions:
        lines.append(f"User-space instructions per request, counted by `valgrind --tool=callgrind` (one run each, "
                     f"-n {a.instruction_requests // 5} at -P 1 and {a.instruction_requests} at -P 16, after a warm-up; "
                     "kernel work is not counted):")
        lines.append("")
        lines.append("| test | -P | Redis | ours | ratio |")
        lines.append("|---|---|---|---|---|")
        for (test, p), i in instructions.items():
            lines.append(f"| {test.upper()} | {p} | {i['redis']:,.0f} | {i['ours']:,.0f} | {i['ours'] / i['redis']:.2f} |")
        lines.append("")
    rb, rl, rk = rss["redis"]
    ob, ol, ok = rss["ours"]
    lines.append(f"RSS after loading {a.keys:,} keys (`SET key:N <16 bytes>`): Redis {rl / 2**20:.1f} MiB "
                 f"(empty {rb / 2**20:.1f}, dbsize {rk}), ours {ol / 2**20:.1f} MiB (empty {ob / 2**20:.1f}, dbsize {ok}); "
                 f"ratio {ol / rl:.2f}.")
    text = "\n".join(lines) + "\n"
    print(text)
    if a.out:
        # Keep the `## ` sections other scripts (bench/persistence.py) add after this one.
        rest = ""
        if os.path.exists(a.out):
            with open(a.out) as f:
                old = f.read()
            if "\n## " in old:
                rest = "\n" + old[old.index("\n## ") + 1:]
        with open(a.out, "w") as f:
            f.write("# Benchmark results\n\nGenerated by `bench/bench.py`; see the script for the method.\n\n" + text + rest)


if __name__ == "__main__":
    main()
