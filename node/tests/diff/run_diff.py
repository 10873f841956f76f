#!/usr/bin/env python3
"""Differential test runner: replays command scripts against a real redis-server and redis-ha-node
and compares the raw reply bytes.

Script format (node/tests/diff/*.redis): one command per line in redis-cli quoting; `#` starts a
comment line. Prefixes: `@sort ` compares an array reply as a sorted multiset (hash-table order),
`@ignore ` runs the command on both servers without comparing, `@len ` compares only the reply's type
and element count (`@sort` on a SCAN-shaped `[cursor, [items]]` reply sorts the items), `@words `
compares each string as a multiset of space-separated words. A line `@resp3`
switches the connection to RESP3. Each script runs on a fresh connection after FLUSHALL. More
directives (several connections, pushes, closed connections, pauses): see `run_script`.

Usage: run_diff.py [--ours PATH] [--redis PATH] [--keep-going] script.redis ...
Exit status 0 when every reply matches. Used by test_diff.py (pytest) and by hand.
"""
import argparse
import concurrent.futures
import os
import re
import shlex
import socket
import subprocess
import sys
import tempfile
import time

# How much of a differing reply to print (DIFF_WIDTH=0 for all).
WIDTH = int(os.environ.get("DIFF_WIDTH", "300")) or None
HERE = os.path.dirname(os.path.abspath(__file__))
ROOT = os.path.abspath(os.path.join(HERE, "..", "..", ".."))


def free_port():
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


# ---------------------------------------------------------------------------------------------
# Quoting: the same rules as redis-cli / sdssplitargs.

def split_args(line):
    args, i, n = [], 0, len(line)
    while True:
        while i < n and line[i] in " \t\r\n":
            i += 1
        if i >= n:
            return args
        cur = bytearray()
        if line[i] == '"':
            i += 1
            while True:
                if i >= n:
                    raise ValueError("unbalanced quotes: " + line)
                c = line[i]
                if c == "\\" and i + 3 < n and line[i + 1] == "x" and all(x in "0123456789abcdefABCDEF" for x in line[i + 2:i + 4]):
                    cur.append(int(line[i + 2:i + 4], 16))
                    i += 4
                    continue
                if c == "\\" and i + 1 < n:
                    e = line[i + 1]
                    cur += {"n": b"\n", "r": b"\r", "t": b"\t", "b": b"\b", "a": b"\a"}.get(e, e.encode())
                    i += 2
                    continue
                if c == '"':
                    i += 1
                    break
                cur += c.encode()
                i += 1
        elif line[i] == "'":
            i += 1
            while True:
                if i >= n:
                    raise ValueError("unbalanced quotes: " + line)
                c = line[i]
                if c == "\\" and i + 1 < n and line[i + 1] == "'":
                    cur += b"'"
                    i += 2
                    continue
                if c == "'":
                    i += 1
                    break
                cur += c.encode()
                i += 1
        else:
            while i < n and line[i] not in " \t\r\n":
                cur += line[i].encode()
                i += 1
        args.append(bytes(cur))


def encode(args):
    out = b"*%d\r\n" % len(args)
    for a in args:
        out += b"$%d\r\n%s\r\n" % (len(a), a)
    return out


# ---------------------------------------------------------------------------------------------
# Reading one reply, keeping its raw bytes and a parsed shape.

class Conn:
    def __init__(self, port):
        self.sock = socket.create_connection(("127.0.0.1", port), timeout=10)
        self.buf = b""

    def _fill(self):
        chunk = self.sock.recv(65536)
        if not chunk:
            raise ConnectionError("server closed the connection")
        self.buf += chunk

    def _line(self, pos):
        while True:
            i = self.buf.find(b"\r\n", pos)
            if i >= 0:
                return self.buf[pos:i], i + 2
            self._fill()

    def _need(self, end):
        while len(self.buf) < end:
            self._fill()

    def _parse(self, pos):
        """Returns (value, next_pos); value is (type, payload) with nested lists for aggregates."""
        self._need(pos + 1)
        t = self.buf[pos:pos + 1]
        line, nxt = self._line(pos + 1)
        if t in (b"$", b"=", b"!"):
            n = int(line)
            if n < 0:
                return (t, None), nxt
            self._need(nxt + n + 2)
            return (t, self.buf[nxt:nxt + n]), nxt + n + 2
        if t in (b"*", b"~", b">", b"%", b"|"):
            n = int(line)
            if n < 0:
                return (t, None), nxt
            count = n * 2 if t in (b"%", b"|") else n
            items = []
            for _ in range(count):
                v, nxt = self._parse(nxt)
                items.append(v)
            return (t, items), nxt
        return (t, line), nxt

    def reply(self):
        value, end = self._parse(0)
        raw, self.buf = self.buf[:end], self.buf[end:]
        return raw, value

    def call(self, args):
        self.sock.sendall(encode(args))
        return self.reply()


def canonical(value):
    """A hashable form of a parsed reply, for sorting."""
    t, p = value
    if isinstance(p, list):
        return (t, tuple(canonical(v) for v in p))
    return (t, p)


def shape(value):
    t, p = value
    return (t, len(p) if isinstance(p, list) else None)


# ---------------------------------------------------------------------------------------------
# Servers

class Server:
    def __init__(self, path, name, extra):
        self.port = free_port()
        self.dir = tempfile.mkdtemp(prefix=f"diff-{name}-")
        cmd = [path, "--port", str(self.port), "--bind", "127.0.0.1", "--save", "", "--appendonly", "no",
               "--dir", self.dir, "--enable-debug-command", "yes", "--daemonize", "no"] + extra
        self.log = open(os.path.join(self.dir, "server.log"), "w")
        self.proc = subprocess.Popen(cmd, stdout=self.log, stderr=subprocess.STDOUT)
        deadline = time.time() + 10
        while time.time() < deadline:
            try:
                socket.create_connection(("127.0.0.1", self.port), timeout=0.2).close()
                return
            except OSError:
                if self.proc.poll() is not None:
                    break
                time.sleep(0.05)
        raise RuntimeError(f"{name} did not start: see {self.log.name}")

    def stop(self):
        self.proc.terminate()
        try:
            self.proc.wait(5)
        except subprocess.TimeoutExpired:
            self.proc.kill()


def drain(conn, quiet=0.25):
    """Every reply that arrives until the connection stays quiet for `quiet` seconds."""
    replies = []
    conn.sock.settimeout(quiet)
    try:
        while True:
            replies.append(conn.reply()[1])
    except socket.timeout:
        pass
    finally:
        conn.sock.settimeout(10)
    return replies


def closed_state(conn):
    """b"<closed>" when the server closed the connection, else what it sent (or b"<open>")."""
    if conn.buf:
        return b"<open: " + conn.buf[:100] + b">"
    conn.sock.settimeout(3)
    try:
        conn._fill()
        return b"<open: " + conn.buf[:100] + b">"
    except ConnectionError:
        return b"<closed>"
    except socket.timeout:
        return b"<open>"
    except OSError:
        return b"<closed>"


def masked(value, patterns):
    """The parsed reply with every regex match in its strings replaced by `<*>`."""
    t, p = value
    if isinstance(p, list):
        return (t, [masked(v, patterns) for v in p])
    if isinstance(p, bytes):
        for pat, repl in patterns:
            p = pat.sub(repl, p)
    return (t, p)


def same_reply(mode, r, o):
    """Compares two (raw, parsed) replies under a comparison mode."""
    (r_raw, r_val), (o_raw, o_val) = r, o
    if mode == "words":
        return words(r_val) == words(o_val)
    if mode in ("hello", "len"):
        # HELLO: server/version fields may differ in id; compare shape only.
        return shape(r_val) == shape(o_val)
    if mode == "sort":
        if r_val[0] != o_val[0] or not isinstance(r_val[1], list) or not isinstance(o_val[1], list):
            return False
        if len(r_val[1]) == 2 and len(o_val[1]) == 2 and isinstance(r_val[1][1][1], list) and isinstance(o_val[1][1][1], list) \
                and r_val[1][0][0] == b"$":
            # SCAN-shaped [cursor, [items]]: the cursor must match, the items compare as a multiset.
            return r_val[1][0] == o_val[1][0] and r_val[1][1][0] == o_val[1][1][0] and \
                sorted(map(canonical, r_val[1][1][1])) == sorted(map(canonical, o_val[1][1][1]))
        return sorted(map(canonical, r_val[1])) == sorted(map(canonical, o_val[1]))
    return r_raw == o_raw


def words(value):
    """A parsed reply with each string replaced by its sorted space-separated words (rules
    described in hash-table order: ACL LIST, GETUSER's commands)."""
    t, p = value
    if isinstance(p, list):
        return (t, [words(v) for v in p])
    if isinstance(p, bytes):
        return (t, sorted(p.split(b" ")))
    return (t, p)


def run_script(path, redis_port, ours_port, keep_going=False):
    """Replays one script. Besides commands and the @sort/@ignore/@len prefixes, these lines are
    understood (for what one connection cannot show: other clients, pushes, closed connections):
      @resp3          HELLO 3 on the current connection (reply compared by shape)
      @conn N         switch to connection N (1 = the first; opened on first use, no FLUSHALL)
      @next           read one more reply on the current connection (pushes, multi-reply commands)
      @drain          read replies until none arrives for 250 ms; compare the whole sequences
      @noreply CMD    send CMD without reading a reply (CLIENT REPLY OFF/SKIP, SUBSCRIBE on RESP2 ...)
      @closed         expect the server to have closed the current connection
      @sleep MS       pause the script
    and the prefixes `@mask REGEX ` / `@strip REGEX ` (repeatable, REGEX without spaces) before a
    command or @next/@drain: matches of REGEX in the reply's strings become `<*>` (or are removed) on
    both sides before comparing (ids, addresses, times; lines of a listing in hash order).
    """
    failures = []
    conns = {1: [Conn(redis_port), Conn(ours_port)]}
    cur = 1
    for c in conns[1]:
        c.call([b"FLUSHALL"])
    with open(path, encoding="utf-8") as f:
        lines = f.read().splitlines()

    def fail(lineno, line, r_raw, o_raw):
        failures.append(f"{os.path.basename(path)}:{lineno}: {line}\n    redis: {r_raw[:WIDTH]!r}\n    ours:  {o_raw[:WIDTH]!r}")

    for lineno, raw_line in enumerate(lines, 1):
        line = raw_line.strip()
        if not line or line.startswith("#"):
            continue
        if line.startswith("@conn "):
            cur = int(line.split()[1])
            if cur not in conns:
                conns[cur] = [Conn(redis_port), Conn(ours_port)]
            continue
        if line.startswith("@sleep "):
            time.sleep(int(line.split()[1]) / 1000)
            continue
        pair = conns[cur]
        patterns = []
        while line.startswith(("@mask ", "@strip ")):
            kind, _, line = line.partition(" ")
            regex, _, line = line.partition(" ")
            patterns.append((re.compile(regex.encode()), b"<*>" if kind == "@mask" else b""))
        if line == "@drain":
            # Both servers' quiet periods run at once (each drain waits 250 ms of silence).
            with concurrent.futures.ThreadPoolExecutor(2) as pool:
                got = list(pool.map(drain, pair))
            if [masked(v, patterns) for v in got[0]] != [masked(v, patterns) for v in got[1]]:
                fail(lineno, line, repr(got[0]).encode(), repr(got[1]).encode())
                if not keep_going:
                    break
            continue
        if line == "@closed":
            got = [closed_state(c) for c in pair]
            if got[0] != got[1]:
                fail(lineno, line, got[0], got[1])
                if not keep_going:
                    break
            continue
        if line.startswith("@noreply "):
            args = split_args(line[len("@noreply "):])
            for c in pair:
                c.sock.sendall(encode(args))
            continue
        mode = "exact"
        if line == "@resp3":
            line = "HELLO 3"
            mode = "hello"
        for prefix, m in (("@sort ", "sort"), ("@ignore ", "ignore"), ("@len ", "len"), ("@words ", "words")):
            if line.startswith(prefix):
                mode, line = m, line[len(prefix):]
        try:
            if line == "@next":
                r, o = [c.reply() for c in pair]
            else:
                args = split_args(line)
                r, o = [c.call(args) for c in pair]
        except (ConnectionError, OSError) as e:
            fail(lineno, line, b"", str(e).encode())
            break
        if mode == "ignore":
            continue
        if patterns:
            # Compare the masked parse trees (raw bytes would differ in lengths).
            r, o = [(repr(canonical(masked(x[1], patterns))).encode(), masked(x[1], patterns)) for x in (r, o)]
        if not same_reply(mode, r, o):
            fail(lineno, line, r[0], o[0])
            if not keep_going:
                break
    for pair in conns.values():
        for c in pair:
            c.sock.close()
    return failures


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--ours", default=os.path.join(ROOT, "target", "release", "redis-ha-node"))
    ap.add_argument("--redis", default="redis-server")
    ap.add_argument("--keep-going", action="store_true")
    ap.add_argument("scripts", nargs="+")
    a = ap.parse_args()
    redis = Server(a.redis, "redis", [])
    ours = Server(a.ours, "ours", [])
    total = 0
    try:
        for s in a.scripts:
            fails = run_script(s, redis.port, ours.port, a.keep_going)
            total += len(fails)
            for f in fails:
                print(f)
            print(f"{os.path.basename(s)}: {'ok' if not fails else str(len(fails)) + ' mismatch(es)'}")
    finally:
        redis.stop()
        ours.stop()
    sys.exit(1 if total else 0)


if __name__ == "__main__":
    main()
