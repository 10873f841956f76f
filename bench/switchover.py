#!/usr/bin/env python3
"""Planned switchover (`SENTINEL FAILOVER`) under write load: writes lost and the write pause, real
redis-sentinel vs our sentinel, side by side in the same run (issue 21).

Each trial is node/tests/py/switchover.py's `run`: a master, two replicas and three sentinels on loopback
(down-after 1000 ms, failover-timeout 3000 ms), and one redis-py `Sentinel` client writing unique keys
`sw:<n>` through `master_for` (a failed write is retried with the same key after 10 ms, so the
acknowledged keys are exactly sw:0..acked-1). After 1 s of writes, one sentinel gets `SENTINEL FAILOVER`;
the client keeps writing until the old master reports role:slave (Redis's sentinel turns it into a
replica only later, with +convert-to-slave) and 2 s more. Then the keys are read from the new master:

- acked: writes the client saw acknowledged; lost: acknowledged keys the final master lacks;
- pause: the longest time without an acknowledged write after the request;
- switch: request → first +switch-master; demoted: request → the old master reports role:slave.

Variants alternate within each round: `redis` (redis-server nodes, redis-sentinel), `ours-on-redis`
(redis-server nodes, our sentinels), `ours` (our nodes and sentinels), `mixed` (our nodes; our sentinel
asked, two redis-sentinels). Medians over rounds, min–max in brackets. `--out FILE` writes the table
under "## Switchover" with bench/persistence.py's `write_out`.

Usage: bench/switchover.py [--ours PATH] [--rounds N] [--out bench/RESULTS.md]
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

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from bench import ROOT  # noqa: E402
from persistence import loadavg, private_copy, write_out  # noqa: E402

VARIANTS = ["redis", "ours-on-redis", "ours", "mixed"]


def setup(variant, ours):
    return {
        "redis": ("redis-server", ["redis-sentinel"] * 3),
        "ours-on-redis": ("redis-server", [ours] * 3),
        "ours": (ours, [ours] * 3),
        "mixed": (ours, [ours, "redis-sentinel", "redis-sentinel"]),
    }[variant]


def trial(switchover, variant, ours):
    data, sentinels = setup(variant, ours)
    procs = []
    workdir = tempfile.mkdtemp(prefix=f"bench-switchover-{variant}-")
    try:
        return switchover.run(procs, workdir, data, sentinels)
    finally:
        for p in procs:
            p.stop()
        shutil.rmtree(workdir, ignore_errors=True)


def med(xs, unit=""):
    if not xs:
        return "—"
    if unit == "s":
        return f"{statistics.median(xs) / 1000:.2f} s [{min(xs) / 1000:.2f}–{max(xs) / 1000:.2f}]"
    return f"{statistics.median(xs):,.0f} [{min(xs):,}–{max(xs):,}]"


def report(a, samples, started):
    ver = subprocess.run(["redis-sentinel", "--version"], capture_output=True, text=True).stdout.strip()
    lines = [
        f"Date: {started}  ",
        f"Machine: {platform.node()} — {os.cpu_count()} cores, {platform.machine()}, Linux {platform.release()}  ",
        f"Against: {ver}  ",
        f"Ours: {a.ours_label}  ",
        f"Command: `{a.command}`  ",
        f"Load average (1/5/15 min) at the start: {a.loadavg_start}; at the end: {a.loadavg_end}  ",
        f"Rounds: {a.rounds} (variants alternate within a round)",
        "",
        "| data nodes / sentinels | acked writes | lost | lost % | write pause | → +switch-master | → old master demoted |",
        "|---|---|---|---|---|---|---|",
    ]
    names = {"redis": "redis-server / redis-sentinel ×3", "ours-on-redis": "redis-server / ours ×3", "ours": "ours / ours ×3",
             "mixed": "ours / ours (asked) + redis-sentinel ×2"}
    for v in VARIANTS:
        rs = samples[v]
        pct = [100.0 * r["lost"] / r["acked"] for r in rs]
        pct_s = f"{statistics.median(pct):.1f} % [{min(pct):.1f}–{max(pct):.1f}]" if pct else "—"
        lines.append(f"| {names[v]} | {med([r['acked'] for r in rs])} | {med([r['lost'] for r in rs])} | {pct_s} | "
                     f"{med([r['pause_ms'] for r in rs], 's')} | {med([r['switch_ms'] for r in rs], 's')} | "
                     f"{med([r['demoted_ms'] for r in rs], 's')} |")
    coordinated = {v: sum(r["coordinated"] and not r["fallback"] for r in samples[v]) for v in VARIANTS}
    lines += ["", "Coordinated handovers (`+coordinated-failover`, no fallback) per variant: "
              + ", ".join(f"{v} {coordinated[v]}/{len(samples[v])}" for v in VARIANTS) + "."]
    return "\n".join(lines) + "\n"


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--ours", default=os.path.join(ROOT, "target", "release", "redis-ha-node"))
    ap.add_argument("--rounds", type=int, default=3)
    ap.add_argument("--out")
    a = ap.parse_args()
    a.command = "bench/switchover.py " + " ".join(sys.argv[1:])
    tmpbin, ours, a.ours_label = private_copy(a.ours, "switchover")
    # The test helpers pick our binary up from the environment when imported.
    os.environ["REDIS_HA_NODE"] = ours
    sys.path.insert(0, os.path.join(ROOT, "node", "tests", "py"))
    import switchover  # noqa: E402
    started = datetime.datetime.now(datetime.timezone.utc).strftime("%Y-%m-%d %H:%M UTC")
    a.loadavg_start = loadavg()
    samples = {v: [] for v in VARIANTS}
    try:
        for i in range(a.rounds):
            order = VARIANTS if i % 2 == 0 else list(reversed(VARIANTS))
            for v in order:
                r = trial(switchover, v, ours)
                print(f"round {i + 1} {v}: {r}", flush=True)
                samples[v].append(r)
    finally:
        shutil.rmtree(tmpbin, ignore_errors=True)
    a.loadavg_end = loadavg()
    text = report(a, samples, started)
    print(text)
    if a.out:
        write_out(a.out, "## Switchover", text, source="bench/switchover.py")


if __name__ == "__main__":
    main()
