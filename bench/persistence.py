#!/usr/bin/env python3
"""Side-by-side persistence benchmark: real redis-server vs redis-ha-node, in the same run.

For each round (default 3), each server in turn (A/B, B/A, ...) gets a fresh process and directory and:

1. the dataset: `DEBUG POPULATE <keys>` (`--dataset strings`, the default) or a mix of strings (10% with a
   TTL), small and large hashes, lists, sets (intset and strings) and sorted sets sent through
   `redis-cli --pipe` (`--dataset mixed`); then a warm-up fills the load's own key space (below);
2. SAVE: wall time of the command, server CPU time spent in it (schedstat), RDB file size;
3. BGSAVE with no load: fork time (INFO latest_fork_usec), time from the command to the child's rename of
   temp-<pid>.rdb over dump.rdb (polled every 2 ms), time until INFO shows rdb_bgsave_in_progress:0
   (includes the parent's reaping, which both servers do from a cron at hz 10), child CPU time
   (cutime+cstime of the server once it reaped the child, 10 ms ticks);
4. latency impact: `redis-benchmark -c 50 -P 1 -r 100000 -d 16 -t set` (then the same with `-t get`) looping
   (`-l`) over 5,000-request runs, one CSV row (ops/s, p50, p99, max) each. After a first row that is
   dropped, 2 s of rows are the baseline; then BGSAVE is sent and the load runs until a row ends after the
   child's rename. The rows whose run overlaps [BGSAVE sent, rename] are the "during BGSAVE" sample.
   Reported: mean ops/s, median of the rows' p50, mean of the rows' p99 (an estimate of the window's p99:
   redis-benchmark gives no histogram), the worst row's p99, max of the rows' max; plus that BGSAVE's fork
   time, reply time (the parent's stall around fork, queued behind 50 clients), time to rename, child CPU
   time and copy-on-write peak (the child's Private_Dirty in /proc/<child>/smaps_rollup, sampled every
   50 ms: pages the parent wrote after the fork; Redis's rdb_last_cow_size measures the same);
5. load at start-up: the server is stopped and started again on that directory; the time from spawning
   the process to INFO showing loading:0 (DBSIZE checked against the saved count), the server's own
   "DB loaded from disk: X seconds" log line, and the process's CPU time by then;
6. (`--aof`, on by default) AOF: `CONFIG SET appendonly yes` (its initial rewrite is waited out), then a
   timed BGREWRITEAOF (command to aof_rewrite_in_progress:0, polled every 10 ms; hz-10 reaping again) and a
   restart with `--appendonly yes` timed like 5 ("DB loaded from append only file"). `--aof-preamble`
   chooses aof-use-rdb-preamble (default no: a pure command AOF; with yes the base file is an RDB and its
   load is the RDB load again).

Medians over rounds are reported as a Markdown table; `--out FILE` appends it (date, machine, command) to
FILE, or replaces the section with the same heading if FILE already has one.

Usage: bench/persistence.py [--ours PATH] [--rounds N] [--keys N] [--dataset strings|mixed] [--no-aof]
                            [--out bench/RESULTS.md]
"""
import argparse
import csv
import datetime
import os
import platform
import random
import re
import shutil
import socket
import statistics
import subprocess
import sys
import tempfile
import threading
import time

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from bench import ROOT, Server, free_port, fmt_rate  # noqa: E402

CLK_TCK = os.sysconf("SC_CLK_TCK")
LOAD_KEYSPACE = 100000  # redis-benchmark -r: the load's own keys (key:000000xxxxxx), not the dataset's


class RespError(Exception):
    pass


class Conn:
    """A minimal RESP2 client: one connection, one command at a time (no redis-cli process per call, so
    command wall times are not inflated by process start-up)."""

    def __init__(self, port, timeout=600):
        self.sock = socket.create_connection(("127.0.0.1", port), timeout=timeout)
        self.f = self.sock.makefile("rb")

    def cmd(self, *args):
        parts = [b"*%d\r\n" % len(args)]
        for a in args:
            a = a if isinstance(a, bytes) else str(a).encode()
            parts.append(b"$%d\r\n%s\r\n" % (len(a), a))
        self.sock.sendall(b"".join(parts))
        return self._read()

    def _read(self):
        line = self.f.readline()
        if not line:
            raise ConnectionError("connection closed")
        t, rest = line[:1], line[1:-2]
        if t == b"+":
            return rest.decode()
        if t == b"-":
            raise RespError(rest.decode())
        if t == b":":
            return int(rest)
        if t == b"$":
            n = int(rest)
            return None if n < 0 else self.f.read(n + 2)[:-2].decode(errors="replace")
        if t == b"*":
            n = int(rest)
            return None if n < 0 else [self._read() for _ in range(n)]
        raise RespError(f"bad reply {line!r}")

    def info(self, section):
        out = {}
        for line in self.cmd("INFO", section).splitlines():
            if ":" in line and not line.startswith("#"):
                k, v = line.split(":", 1)
                out[k] = v
        return out

    def close(self):
        try:
            self.sock.close()
        except OSError:
            pass


class PServer(Server):
    """bench.Server with a given directory, a log file, DEBUG enabled and extra directives; `cpu_ns`,
    `rss_bytes` and `stop` come from bench.Server."""

    def __init__(self, name, path, directory, extra=()):
        self.name = name
        self.port = free_port()
        self.dir = directory
        self.log = os.path.join(directory, "server.log")
        args = {"port": str(self.port), "bind": "127.0.0.1", "save": "", "appendonly": "no", "dir": directory,
                "logfile": self.log, "enable-debug-command": "yes"}
        args.update(dict(extra))
        argv = [path]
        for k, v in args.items():
            argv += [f"--{k}", v]
        self.log_offset = os.path.getsize(self.log) if os.path.exists(self.log) else 0
        self.spawned = time.monotonic()
        self.proc = subprocess.Popen(argv, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
        for _ in range(600):
            try:
                self.conn = Conn(self.port)
                return
            except OSError:
                if self.proc.poll() is not None:
                    break
                time.sleep(0.01)
        raise RuntimeError(f"{name} did not start: {argv}")

    def children_cpu_s(self):
        """CPU time of the children this server has reaped (cutime + cstime), in seconds."""
        with open(f"/proc/{self.proc.pid}/stat") as f:
            rest = f.read().rsplit(")", 1)[1].split()
        return (int(rest[13]) + int(rest[14])) / CLK_TCK

    def children_private_dirty_kib(self):
        """Private_Dirty of this server's child processes (the BGSAVE child), in KiB."""
        total = 0
        task_dir = f"/proc/{self.proc.pid}/task"
        for tid in os.listdir(task_dir):
            try:
                with open(f"{task_dir}/{tid}/children") as f:
                    kids = f.read().split()
            except OSError:
                continue
            for kid in kids:
                try:
                    with open(f"/proc/{kid}/smaps_rollup") as f:
                        for line in f:
                            if line.startswith("Private_Dirty:"):
                                total += int(line.split()[1])
                except OSError:
                    pass
        return total

    def process_cpu_s(self):
        """utime + stime of the whole process, exited threads included (10 ms ticks)."""
        with open(f"/proc/{self.proc.pid}/stat") as f:
            rest = f.read().rsplit(")", 1)[1].split()
        return (int(rest[11]) + int(rest[12])) / CLK_TCK

    def log_text(self):
        with open(self.log, errors="replace") as f:
            f.seek(self.log_offset)
            return f.read()

    def stop(self):
        self.conn.close()
        super().stop()


# --- datasets ------------------------------------------------------------------------------------

def resp(*args):
    out = [f"*{len(args)}\r\n"]
    for a in args:
        a = str(a)
        out.append(f"${len(a.encode())}\r\n{a}\r\n")
    return "".join(out)


def mixed_payload(n, seed=1):
    """n keys: 60% strings (16-100 bytes, 1 in 10 with an EX of a day), 12% hashes, 10% lists, 10% sets,
    8% sorted sets; collections mostly 3-16 elements (listpack/intset encodings), 1 in 500 with 200-1000
    (hashtable/skiplist/quicklist encodings)."""
    rnd = random.Random(seed)
    chunks = []
    for i in range(n):
        r = rnd.random()
        big = rnd.random() < 0.002
        size = rnd.randint(200, 1000) if big else rnd.randint(3, 16)
        if r < 0.60:
            v = f"{i:x}-" + "x" * rnd.randint(10, 94)
            chunks.append(resp("SET", f"s:{i}", v, "EX", 86400) if rnd.random() < 0.1 else resp("SET", f"s:{i}", v))
        elif r < 0.72:
            args = ["HSET", f"h:{i}"]
            for j in range(size):
                args += [f"field{j}", f"val-{rnd.randint(0, 10**9)}"]
            chunks.append(resp(*args))
        elif r < 0.82:
            chunks.append(resp("RPUSH", f"l:{i}", *(f"item-{rnd.randint(0, 10**6)}" for _ in range(size))))
        elif r < 0.92:
            if rnd.random() < 0.5:
                chunks.append(resp("SADD", f"is:{i}", *(rnd.randint(0, 10**9) for _ in range(size))))
            else:
                chunks.append(resp("SADD", f"ss:{i}", *(f"m-{rnd.randint(0, 10**9)}" for _ in range(size))))
        else:
            args = ["ZADD", f"z:{i}"]
            for j in range(size):
                args += [f"{rnd.random() * 1000:.3f}", f"member-{j}"]
            chunks.append(resp(*args))
    return "".join(chunks).encode()


def populate(server, a, payload):
    t = time.monotonic()
    if a.dataset == "strings":
        server.conn.cmd("DEBUG", "POPULATE", a.keys)
    else:
        subprocess.run(["redis-cli", "-p", str(server.port), "--pipe"], input=payload, capture_output=True, check=True)
    populate_s = time.monotonic() - t
    # Fill the load's own key space so the baseline and the BGSAVE runs see the same dataset.
    subprocess.run(["redis-benchmark", "-p", str(server.port), "-c", "50", "-P", "16", "-t", "set", "-d", "16",
                    "-r", str(LOAD_KEYSPACE), "-n", str(LOAD_KEYSPACE * 4), "-q"], capture_output=True, check=True)
    return populate_s


# --- measurements ---------------------------------------------------------------------------------

def wait_bgsave(server, rdb, ino_before, t0, poll=0.002):
    """Polls until INFO says no BGSAVE runs; returns (seconds to the rename of dump.rdb, seconds to
    rdb_bgsave_in_progress:0, peak copy-on-write MiB). Copy-on-write is the child's Private_Dirty
    (/proc/<child>/smaps_rollup, sampled every 50 ms): pages the parent wrote after the fork, which
    the child then holds alone (plus the child's own few buffers) -- what Redis's rdb_last_cow_size
    measures, read the same way for both servers."""
    renamed = None
    last_info = last_cow = 0.0
    cow_kib = 0
    while True:
        now = time.monotonic()
        if renamed is None:
            try:
                if os.stat(rdb).st_ino != ino_before:
                    renamed = now - t0
            except FileNotFoundError:
                pass
        if renamed is None and now - last_cow >= 0.05:
            last_cow = now
            cow_kib = max(cow_kib, server.children_private_dirty_kib())
        if now - last_info >= 0.01:
            last_info = now
            p = server.conn.info("persistence")
            if p["rdb_bgsave_in_progress"] == "0":
                done = now - t0
                if p.get("rdb_last_bgsave_status") != "ok":
                    raise RuntimeError(f"{server.name}: BGSAVE failed")
                return (renamed if renamed is not None else done), done, cow_kib / 1024
        time.sleep(poll)


def inode(path):
    try:
        return os.stat(path).st_ino
    except FileNotFoundError:
        return None


def bgsave(server):
    """BGSAVE; returns its measurements (the caller decides what else runs meanwhile)."""
    rdb = os.path.join(server.dir, "dump.rdb")
    ino = inode(rdb)
    cpu0 = server.children_cpu_s()
    t0 = time.monotonic()
    reply = server.conn.cmd("BGSAVE")
    reply_s = time.monotonic() - t0
    assert reply.startswith("Background saving started"), reply
    renamed, done, cow = wait_bgsave(server, rdb, ino, t0)
    return {
        "cow_mib": cow,
        "reply_ms": reply_s * 1000,
        "fork_ms": int(server.conn.info("stats")["latest_fork_usec"]) / 1000,
        "child_s": renamed,
        "done_s": done,
        "child_cpu_s": server.children_cpu_s() - cpu0,
        "t0": t0,
        "t_end": t0 + renamed,
    }


def run_load(server, test, baseline_s=2.0, chunk=5000):
    """`redis-benchmark -l` (looping over `chunk`-request runs, one CSV row each) against the server: the
    first row is dropped, the rows of the next `baseline_s` seconds are the baseline, then a BGSAVE is
    issued and the load keeps going until a row ends after the child's rename. Rows whose run overlaps
    [BGSAVE sent, rename] are the "during BGSAVE" sample."""
    cmd = ["stdbuf", "-oL", "redis-benchmark", "-p", str(server.port), "-c", "50", "-P", "1", "-t", test, "-d", "16",
           "-r", str(LOAD_KEYSPACE), "-n", str(chunk), "-l", "--csv"]
    proc = subprocess.Popen(cmd, stdout=subprocess.PIPE, stderr=subprocess.DEVNULL, text=True)
    rows = []  # (start, end, row)

    def reader():
        prev = time.monotonic()
        for line in proc.stdout:
            now = time.monotonic()
            if line.startswith('"test"'):
                prev = now
                continue
            vals = next(csv.reader([line]))
            rows.append((prev, now, {"rps": float(vals[1]), "p50": float(vals[4]), "p99": float(vals[6]), "max": float(vals[7])}))
            prev = now

    th = threading.Thread(target=reader, daemon=True)
    th.start()
    try:
        while len(rows) < 1:
            time.sleep(0.01)
        first_end = rows[0][1]
        while not rows or rows[-1][1] < first_end + baseline_s:
            time.sleep(0.01)
        save = bgsave(server)
        while rows[-1][1] < save["t_end"]:
            time.sleep(0.01)
    finally:
        proc.terminate()
        proc.wait()
        th.join(2)
    base = [r for (t0, t1, r) in rows[1:] if t1 <= save["t0"]]
    during = [r for (t0, t1, r) in rows[1:] if t1 > save["t0"] and t0 < save["t_end"]]

    def agg(rs):
        return {"rps": statistics.mean(r["rps"] for r in rs), "p50": statistics.median(r["p50"] for r in rs),
                "p99": statistics.mean(r["p99"] for r in rs), "worst_p99": max(r["p99"] for r in rs),
                "max": max(r["max"] for r in rs), "chunks": len(rs)}

    return agg(base), agg(during), save


def timed_start(name, path, directory, expect_keys, extra=()):
    """Starts a server on `directory` and times its loading; returns (server, results)."""
    s = PServer(name, path, directory, extra)
    while True:
        try:
            if s.conn.info("persistence").get("loading") == "0":
                break
        except RespError:
            pass
        time.sleep(0.002)
    ready = time.monotonic() - s.spawned
    cpu = s.process_cpu_s()
    dbsize = s.conn.cmd("DBSIZE")
    if dbsize != expect_keys:
        raise RuntimeError(f"{name}: loaded {dbsize} keys, expected {expect_keys}")
    m = re.search(r"DB loaded from (?:disk|append only file): ([0-9.]+) seconds", s.log_text())
    return s, {"ready_s": ready, "log_s": float(m.group(1)) if m else float("nan"), "cpu_s": cpu}


def server_round(name, path, a, payload):
    r = {}
    workdir = tempfile.mkdtemp(prefix=f"persist-{name}-")
    s = PServer(name, path, workdir)
    try:
        r["populate_s"] = populate(s, a, payload)
        keys = s.conn.cmd("DBSIZE")
        r["keys"] = keys
        r["rss_mib"] = s.rss_bytes() / 2**20
        r["used_mib"] = int(s.conn.info("memory")["used_memory"]) / 2**20

        cpu0 = s.cpu_ns()
        t = time.monotonic()
        s.conn.cmd("SAVE")
        r["save_s"] = time.monotonic() - t
        r["save_cpu_s"] = (s.cpu_ns() - cpu0) / 1e9
        r["rdb_mib"] = os.path.getsize(os.path.join(workdir, "dump.rdb")) / 2**20

        idle = bgsave(s)
        for k in ("reply_ms", "fork_ms", "child_s", "done_s", "child_cpu_s", "cow_mib"):
            r[f"bg_{k}"] = idle[k]

        for test in ("set", "get"):
            base, during, bg = run_load(s, test)
            for k in ("rps", "p50", "p99", "worst_p99", "max", "chunks"):
                r[f"{test}_base_{k}"] = base[k]
                r[f"{test}_bg_{k}"] = during[k]
            r[f"{test}_bg_cow_mib"] = bg["cow_mib"]
            r[f"{test}_bg_child_s"] = bg["child_s"]
            r[f"{test}_bg_fork_ms"] = bg["fork_ms"]
            r[f"{test}_bg_reply_ms"] = bg["reply_ms"]
            r[f"{test}_bg_child_cpu_s"] = bg["child_cpu_s"]
        keys = s.conn.cmd("DBSIZE")  # the last BGSAVE's dump.rdb holds exactly these
    finally:
        s.stop()

    s, load = timed_start(name, path, workdir, keys)
    try:
        r["load_ready_s"], r["load_log_s"], r["load_cpu_s"] = load["ready_s"], load["log_s"], load["cpu_s"]
        if a.aof:
            s.conn.cmd("CONFIG", "SET", "aof-use-rdb-preamble", a.aof_preamble)
            s.conn.cmd("CONFIG", "SET", "appendonly", "yes")
            while True:  # enabling AOF starts a rewrite; wait for it
                p = s.conn.info("persistence")
                if p["aof_rewrite_in_progress"] == "0" and p["aof_rewrite_scheduled"] == "0" and p["aof_enabled"] == "1":
                    break
                time.sleep(0.01)
            cpu0 = s.children_cpu_s()
            t = time.monotonic()
            s.conn.cmd("BGREWRITEAOF")
            while s.conn.info("persistence")["aof_rewrite_in_progress"] != "0":
                time.sleep(0.01)
            r["aofrw_s"] = time.monotonic() - t
            r["aofrw_cpu_s"] = s.children_cpu_s() - cpu0
            aofdir = os.path.join(workdir, "appendonlydir")
            r["aof_mib"] = sum(os.path.getsize(os.path.join(aofdir, f)) for f in os.listdir(aofdir)) / 2**20
    finally:
        s.stop()
    if a.aof:
        s, load = timed_start(name, path, workdir, keys, extra=[("appendonly", "yes"), ("aof-use-rdb-preamble", a.aof_preamble)])
        s.stop()
        r["aofload_ready_s"], r["aofload_log_s"], r["aofload_cpu_s"] = load["ready_s"], load["log_s"], load["cpu_s"]
    shutil.rmtree(workdir, ignore_errors=True)
    return r


# --- report -----------------------------------------------------------------------------------------

def median(samples, key):
    vals = [x[key] for x in samples if key in x]
    return statistics.median(vals) if vals else float("nan")


def spread(samples, key):
    vals = [x[key] for x in samples if key in x]
    return (min(vals), max(vals)) if vals else (float("nan"), float("nan"))


def report(a, samples, started):
    R, O = samples["redis"], samples["ours"]
    lines = []
    ver = subprocess.run([a.redis, "--version"], capture_output=True, text=True).stdout.strip()
    lines.append(f"Date: {started}  ")
    lines.append(f"Machine: {platform.node()} — {os.cpu_count()} cores, {platform.machine()}, Linux {platform.release()}  ")
    lines.append(f"Against: {ver}  ")
    lines.append(f"Ours: {a.ours_label}  ")
    lines.append(f"Command: `{a.command}`  ")
    lines.append(f"Load average (1/5/15 min) at the start: {a.loadavg_start}; at the end: {a.loadavg_end}  ")
    ds = "`DEBUG POPULATE`, `key:N` = `value:N`" if a.dataset == "strings" else "mixed (see the script)"
    lines.append(f"Dataset: {median(R, 'keys'):,.0f} keys ({a.keys:,} {ds}, plus the load's {LOAD_KEYSPACE:,}-key space); "
                 f"{a.rounds} alternating A/B rounds, medians (min–max over rounds in brackets where it matters).")
    lines.append("")
    lines.append("| metric | Redis | ours | ours/Redis |")
    lines.append("|---|---|---|---|")

    def row(label, key, fmt, rng=False):
        r, o = median(R, key), median(O, key)
        ratio = f"{o / r:.2f}" if r else "—"
        if rng:
            (rl, rh), (ol, oh) = spread(R, key), spread(O, key)
            lines.append(f"| {label} | {fmt(r)} [{fmt(rl)}–{fmt(rh)}] | {fmt(o)} [{fmt(ol)}–{fmt(oh)}] | {ratio} |")
        else:
            lines.append(f"| {label} | {fmt(r)} | {fmt(o)} | {ratio} |")

    s3 = lambda x: f"{x:.3f} s"  # noqa: E731
    ms = lambda x: f"{x:.1f} ms"  # noqa: E731
    mib = lambda x: f"{x:.1f} MiB"  # noqa: E731
    lat = lambda x: f"{x:.3f} ms"  # noqa: E731
    row("RSS with the dataset", "rss_mib", mib)
    row("SAVE wall time", "save_s", s3, True)
    row("SAVE server CPU time", "save_cpu_s", s3, True)
    row("RDB file size", "rdb_mib", lambda x: f"{x:.2f} MiB")
    row("BGSAVE fork (latest_fork_usec), idle", "bg_fork_ms", ms, True)
    row("BGSAVE command reply time, idle", "bg_reply_ms", ms)
    row("BGSAVE command to dump.rdb renamed, idle", "bg_child_s", s3, True)
    row("BGSAVE command to rdb_bgsave_in_progress:0, idle", "bg_done_s", s3)
    row("BGSAVE child CPU time (cutime+cstime), idle", "bg_child_cpu_s", lambda x: f"{x:.2f} s", True)
    row("BGSAVE copy-on-write peak (child Private_Dirty), idle", "bg_cow_mib", mib)
    for test in ("set", "get"):
        T = test.upper()
        row(f"{T} load ops/s: baseline", f"{test}_base_rps", fmt_rate)
        row(f"{T} load ops/s: during BGSAVE", f"{test}_bg_rps", fmt_rate)
        row(f"{T} load p50: baseline", f"{test}_base_p50", lat)
        row(f"{T} load p50: during BGSAVE", f"{test}_bg_p50", lat, True)
        row(f"{T} load p99: baseline", f"{test}_base_p99", lat)
        row(f"{T} load p99: during BGSAVE", f"{test}_bg_p99", lat, True)
        row(f"{T} load p99 of the worst 5k-request run: baseline", f"{test}_base_worst_p99", lat)
        row(f"{T} load p99 of the worst 5k-request run: during BGSAVE", f"{test}_bg_worst_p99", lat, True)
        row(f"{T} load max: baseline", f"{test}_base_max", lat)
        row(f"{T} load max: during BGSAVE", f"{test}_bg_max", lat, True)
        row(f"{T} load: 5k-request chunks during BGSAVE", f"{test}_bg_chunks", lambda x: f"{x:.0f}")
        row(f"{T} load: BGSAVE fork (latest_fork_usec)", f"{test}_bg_fork_ms", ms, True)
        row(f"{T} load: BGSAVE command reply time", f"{test}_bg_reply_ms", ms, True)
        row(f"{T} load: BGSAVE command to rename", f"{test}_bg_child_s", s3, True)
        row(f"{T} load: BGSAVE child CPU time", f"{test}_bg_child_cpu_s", lambda x: f"{x:.2f} s", True)
        row(f"{T} load: BGSAVE copy-on-write peak", f"{test}_bg_cow_mib", mib, True)
    row("Start-up: spawn to loading:0 (RDB)", "load_ready_s", s3, True)
    row("Start-up: \"DB loaded from disk\" (log)", "load_log_s", s3, True)
    row("Start-up: process CPU time by loading:0 (RDB)", "load_cpu_s", s3, True)
    if a.aof:
        row(f"BGREWRITEAOF command to aof_rewrite_in_progress:0 (preamble {a.aof_preamble})", "aofrw_s", s3, True)
        row("BGREWRITEAOF child CPU time", "aofrw_cpu_s", lambda x: f"{x:.2f} s", True)
        row("AOF directory size", "aof_mib", mib)
        row("Start-up: spawn to loading:0 (AOF)", "aofload_ready_s", s3, True)
        row("Start-up: \"DB loaded from append only file\" (log)", "aofload_log_s", s3, True)
        row("Start-up: process CPU time by loading:0 (AOF)", "aofload_cpu_s", s3, True)
    lines.append("")
    lines.append("How to read it: wall times on a shared 2-core VM swing from run to run (other jobs take the cores; "
                 "the bracketed min–max over rounds shows how much), while CPU times are much steadier. While a "
                 "BGSAVE runs, the child, the server and redis-benchmark share 2 cores, so part of the latency rise "
                 "is plain CPU contention, and a save that takes longer keeps it up for longer. A \"during BGSAVE\" "
                 "figure comes from the 5k-request redis-benchmark runs that overlap the save, edges included, so "
                 "with a short save it is one or two runs. Fork time grows with the page tables (RSS). Redis fsyncs "
                 "every 4 MB while saving (rdb-save-incremental-fsync); ours fsyncs once at the end.")
    return "\n".join(lines) + "\n"


def loadavg():
    with open("/proc/loadavg") as f:
        return " ".join(f.read().split()[:3])


def write_out(path, heading, text, source="bench/persistence.py"):
    """Replaces the `heading` section of `path` (up to the next `## ` heading), or appends one."""
    section = f"{heading}\n\nGenerated by `{source}`; see the script for the method.\n\n{text}"
    old = open(path).read() if os.path.exists(path) else "# Benchmark results\n"
    marker = f"\n{heading}\n"
    if marker in old:
        start = old.index(marker) + 1
        nxt = old.find("\n## ", start)
        new = old[:start] + section + ("" if nxt < 0 else "\n" + old[nxt + 1:])
    else:
        new = old.rstrip("\n") + "\n\n" + section
    with open(path, "w") as f:
        f.write(new)


def private_copy(path, prefix):
    """Copies the binary under test to a scratch dir, so a rebuild of target/release during the run
    cannot swap binaries between restarts. Returns (scratch dir, copy, label for the report)."""
    tmpbin = tempfile.mkdtemp(prefix=f"{prefix}-bin-")
    ours = os.path.join(tmpbin, "redis-ha-node")
    shutil.copy2(path, ours)
    sha = subprocess.run(["sha256sum", ours], capture_output=True, text=True).stdout.split()[0]
    mtime = datetime.datetime.fromtimestamp(os.path.getmtime(path), datetime.timezone.utc).strftime("%Y-%m-%d %H:%M UTC")
    shown = os.path.relpath(path, ROOT) if path.startswith(ROOT) else path
    return tmpbin, ours, f"`{shown}` built {mtime}, sha256 {sha[:12]}"


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--ours", default=os.path.join(ROOT, "target", "release", "redis-ha-node"))
    ap.add_argument("--redis", default="redis-server")
    ap.add_argument("--rounds", type=int, default=3)
    ap.add_argument("--keys", type=int, default=1000000)
    ap.add_argument("--dataset", choices=["strings", "mixed"], default="strings")
    ap.add_argument("--no-aof", dest="aof", action="store_false", help="skip the AOF rewrite and load measurements")
    ap.add_argument("--aof-preamble", choices=["yes", "no"], default="no")
    ap.add_argument("--out")
    ap.add_argument("--heading", default=None, help="section heading in --out (default derived from the dataset)")
    a = ap.parse_args()
    a.command = "bench/persistence.py " + " ".join(sys.argv[1:])
    started = datetime.datetime.now(datetime.timezone.utc).strftime("%Y-%m-%d %H:%M UTC")
    a.loadavg_start = loadavg()

    tmpbin, ours, a.ours_label = private_copy(a.ours, "persist")

    payload = mixed_payload(a.keys) if a.dataset == "mixed" else None
    samples = {"redis": [], "ours": []}
    paths = {"redis": a.redis, "ours": ours}
    try:
        for rnd in range(a.rounds):
            order = ["redis", "ours"] if rnd % 2 == 0 else ["ours", "redis"]
            for name in order:
                t = time.monotonic()
                r = server_round(name, paths[name], a, payload)
                samples[name].append(r)
                print(f"round {rnd + 1} {name:5}: SAVE {r['save_s']:.3f}s (cpu {r['save_cpu_s']:.3f}s) rdb {r['rdb_mib']:.1f}MiB | "
                      f"BGSAVE fork {r['bg_fork_ms']:.1f}ms child {r['bg_child_s']:.3f}s | "
                      f"SET p99 {r['set_base_p99']:.3f}->{r['set_bg_p99']:.3f} max {r['set_base_max']:.1f}->{r['set_bg_max']:.1f}ms "
                      f"(fork {r['set_bg_fork_ms']:.1f}ms, {r['set_bg_child_s']:.2f}s, cow {r['set_bg_cow_mib']:.1f}MiB) | "
                      f"GET p99 {r['get_base_p99']:.3f}->{r['get_bg_p99']:.3f} max {r['get_base_max']:.1f}->{r['get_bg_max']:.1f}ms "
                      f"(fork {r['get_bg_fork_ms']:.1f}ms, {r['get_bg_child_s']:.2f}s, cow {r['get_bg_cow_mib']:.1f}MiB) | "
                      f"load {r['load_ready_s']:.3f}s (log {r['load_log_s']:.3f}s)"
                      + (f" | AOFRW {r['aofrw_s']:.3f}s AOF load {r['aofload_ready_s']:.3f}s" if a.aof else "")
                      + f" [{time.monotonic() - t:.0f}s]", flush=True)
    finally:
        shutil.rmtree(tmpbin, ignore_errors=True)

    a.loadavg_end = loadavg()
    text = report(a, samples, started)
    print(text)
    if a.out:
        heading = a.heading or ("## Persistence" + ("" if a.dataset == "strings" else f" ({a.dataset} dataset)"))
        write_out(a.out, heading, text)


if __name__ == "__main__":
    main()
