#!/usr/bin/env python3
"""TLS side by side (issue 20): redis-server 7.0.15 (OpenSSL) and ours (rustls), each listening on a
TLS port only, driven by `redis-benchmark --tls` with the same certificates (an EC P-256 server key,
TLS 1.3, client certificates required). Throughput, p99, and server CPU time per operation for SET
and GET at -P 1 and -P 16, medians of alternating rounds.

Usage: bench/tls.py [--ours PATH] [--rounds N] [--requests N] [--out bench/RESULTS.md]
"""
import argparse
import csv
import datetime
import io
import os
import platform
import socket
import statistics
import subprocess
import sys
import tempfile
import time

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "node", "tests", "py"))
from bench import ROOT, Server, children_cpu_s, free_port  # noqa: E402
from persistence import loadavg, write_out  # noqa: E402
import tls_certs  # noqa: E402


class TlsServer(Server):
    """bench.Server with the plain port off and a TLS port on."""

    def __init__(self, name, path, certs):
        self.tls_port = free_port()
        super().__init__(name, path)
        self.cli("CONFIG", "SET", "tls-cert-file", certs["server"] + ".crt", "tls-key-file", certs["server"] + ".key",
                 "tls-ca-cert-file", certs["ca"] + ".crt", "tls-port", str(self.tls_port))
        self.certs = certs
        for _ in range(100):
            try:
                socket.create_connection(("127.0.0.1", self.tls_port), timeout=0.2).close()
                return
            except OSError:
                time.sleep(0.05)
        raise RuntimeError(f"{name} does not listen on its TLS port")

    def bench_cmd(self, test, pipeline, requests):
        c = self.certs
        cmd = ["redis-benchmark", "-p", str(self.tls_port), "--tls", "--cacert", c["ca"] + ".crt", "--cert", c["client"] + ".crt",
               "--key", c["client"] + ".key", "-c", "50", "-n", str(requests), "-P", str(pipeline), "--csv"]
        return cmd + ["-t", test.lower()]


def run_once(server, test, pipeline, requests):
    server.cli("FLUSHALL")
    before, client_before, started = server.cpu_ns(), children_cpu_s(), time.monotonic()
    out = subprocess.run(server.bench_cmd(test, pipeline, requests), capture_output=True, text=True, check=True).stdout
    wall = time.monotonic() - started
    row = list(csv.DictReader(io.StringIO(out)))[0]
    return {"rps": float(row["rps"]), "p99": float(row["p99_latency_ms"]), "cpu_ns": (server.cpu_ns() - before) / requests,
            "client_busy": (children_cpu_s() - client_before) / wall}


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--ours", default=os.path.join(ROOT, "target", "release", "redis-ha-node"))
    ap.add_argument("--rounds", type=int, default=5)
    ap.add_argument("--requests", type=int, default=50000)
    ap.add_argument("--out")
    a = ap.parse_args()
    certs = tls_certs.make(tempfile.mkdtemp(prefix="bench-tls-certs-"))
    servers = {"redis": TlsServer("redis", "redis-server", certs), "ours": TlsServer("ours", a.ours, certs)}
    rows = []
    try:
        for test in ("SET", "GET"):
            for pipeline in (1, 16):
                n = a.requests * (4 if pipeline == 16 else 1)
                res = {"redis": [], "ours": []}
                for r in range(a.rounds):
                    for name in (["redis", "ours"] if r % 2 == 0 else ["ours", "redis"]):
                        res[name].append(run_once(servers[name], test, pipeline, n))
                med = {k: {f: statistics.median(x[f] for x in v) for f in v[0]} for k, v in res.items()}
                rows.append((test, pipeline, med))
                r, o = med["redis"], med["ours"]
                print(f"{test} -P{pipeline}: redis {r['rps']:,.0f}/s {r['cpu_ns'] / 1000:.2f} µs/op, ours {o['rps']:,.0f}/s "
                      f"{o['cpu_ns'] / 1000:.2f} µs/op (CPU ratio {o['cpu_ns'] / r['cpu_ns']:.2f})", flush=True)
    finally:
        for s in servers.values():
            s.stop()
    lines = [
        f"Date: {datetime.date.today().isoformat()}  ",
        f"Machine: {platform.node()} — {os.cpu_count()} cores, {platform.machine()}, Linux {platform.release()}  ",
        f"Load before: {loadavg()}  ",
        f"{a.rounds} alternating rounds, {a.requests:,} requests at -P 1 (4x at -P 16), 50 clients, TLS 1.3 with client certificates.",
        "",
        "| command | -P | redis ops/s | ours ops/s | ratio | redis p99 ms | ours p99 ms | redis CPU/op µs | ours CPU/op µs | CPU ratio | client busy |",
        "|---|---|---|---|---|---|---|---|---|---|---|",
    ]
    for test, p, med in rows:
        r, o = med["redis"], med["ours"]
        lines.append(f"| {test} | {p} | {r['rps']:,.0f} | {o['rps']:,.0f} | {o['rps'] / r['rps']:.2f} | {r['p99']:.3f} | {o['p99']:.3f} | "
                     f"{r['cpu_ns'] / 1000:.2f} | {o['cpu_ns'] / 1000:.2f} | {o['cpu_ns'] / r['cpu_ns']:.2f} | {o['client_busy']:.0%} |")
    text = "\n".join(lines) + "\n"
    print(text)
    if a.out:
        write_out(a.out, "## TLS", text, source="bench/tls.py")


if __name__ == "__main__":
    main()
