"""The Lua debugger (SCRIPT DEBUG YES|SYNC and `redis-cli --ldb`), compared byte for byte with a real
redis-server 7.0.15: every debugger command's answer, the logs of the script's commands, breakpoints
(Redis's own quirks included), redis.debug/redis.breakpoint, the timeout stop, aborts and protocol
errors, the end of a session, and what each mode does with the data (YES: a forked copy whose
writes vanish while the server keeps serving; SYNC: the server itself, writes kept).
"""
import os
import socket
import subprocess
import tempfile
import time

import pytest
import redis

from conftest import OURS, ServerProc, enc

WAIT = 10.0

SCRIPT = """local function f(x) return redis.call('INCR', x) end
local k = KEYS[1]
redis.call('SET', k, ARGV[1])
local n = f(k)
return {k, n, redis.call('GET', k)}
"""

# Every debugger command, in an order that walks through the script: listing, printing,
# breakpoints (adding, removing, the byte-sized memmove quirk), eval, redis, maxlen, trace.
# (Locals are printed only where none is a function: a function prints as its address.)
COMMANDS = [
    ("help",), ("print",), ("print", "a", "b"), ("s",), ("list",), ("list", "3", "1"), ("list", "0", "0"), ("list", "2", "-1"),
    ("whole",), ("print", "k"), ("print", "KEYS"), ("print", "ARGV"), ("print", "nope"),
    ("break",), ("break", "4"), ("break", "1", "-9", "x", "+3", "01"), ("break",), ("break", "4"), ("break", "-4"),
    ("break", "-4"), ("break", "2", "3", "5"), ("break", "-2"), ("break",), ("break", "0"), ("break", "99"),
    ("eval", "1+1"), ("e", "redis.call('GET','key1')"), ("e", "local a = 1"), ("e", "syntax error here"),
    ("e", "error('boom')"), ("e", "KEYS"), ("e", "nosuchglobal"), ("e", "1", "+", "2"), ("e",),
    ("e", "{1, 'two', {3, {4}}, x={y=true}}"), ("e", "'a\\r\\nb\\0c\"'"), ("e", "1/0"), ("e", "1.5e300*1e10"),
    ("redis", "SET", "other", "val"), ("redis", "GET", "other"), ("r", "GET"), ("r", "NOSUCHCMD"), ("redis",),
    ("r", "INCR", "other"), ("r", "HSET", "h", "a", "1", "b", "2"), ("r", "HGETALL", "h"), ("r", "LRANGE", "none", "0", "-1"),
    ("maxlen",), ("maxlen", "10"), ("e", "string.rep('x', 100)"), ("maxlen", "0"), ("e", "string.rep('x', 100)"),
    ("maxlen", "1000"), ("maxlen", "-5"), ("maxlen", "abc"), ("maxlen", "256"),
    ("bogus",), ("TRACE",), ("next",), ("step",), ("step",), ("trace",), ("print",), ("s",), ("s",),
]


class Conn:
    """A raw RESP connection that reads one reply at a time and notices the end of the stream."""

    def __init__(self, port):
        self.s = socket.create_connection(("127.0.0.1", port), timeout=WAIT)
        self.buf = b""

    def _fill(self):
        chunk = self.s.recv(65536)
        if not chunk:
            raise EOFError
        self.buf += chunk

    def _line(self):
        while b"\r\n" not in self.buf:
            self._fill()
        line, self.buf = self.buf.split(b"\r\n", 1)
        return line + b"\r\n"

    def reply(self):
        """The bytes of one whole reply."""
        line = self._line()
        if line[:1] in (b"*", b"%", b"~"):
            n = int(line[1:-2]) * (2 if line[:1] == b"%" else 1)
            return line + b"".join(self.reply() for _ in range(max(n, 0)))
        if line[:1] == b"$" and int(line[1:-2]) >= 0:
            n = int(line[1:-2]) + 2
            while len(self.buf) < n:
                self._fill()
            body, self.buf = self.buf[:n], self.buf[n:]
            return line + body
        return line

    def eof(self):
        try:
            self._fill()
        except (EOFError, ConnectionResetError):
            return True
        return False

    def send(self, *args):
        self.s.sendall(enc(*args))

    def close(self):
        self.s.close()


def exchange(c, *args):
    """Sends one request and returns what it got: one reply, or at the end of a session the
    <endsession> array, the EVAL's reply and whether the connection then closed."""
    c.send(*args)
    return answer(c)


def answer(c):
    r = c.reply()
    if b"+<endsession>\r\n" in r:
        return r + c.reply() + (b"<EOF>" if c.eof() else b"<open>")
    return r


def session(port, mode, commands, script=SCRIPT, keys=("key1",), args=("10",), setup=()):
    """A whole debugging session's transcript."""
    c = Conn(port)
    out = []
    for cmd in [("DEL", "key1", "other", "h"), *setup]:
        c.send(*cmd)
        c.reply()
    out.append(exchange(c, "SCRIPT", "DEBUG", mode))
    out.append(exchange(c, "EVAL", script, len(keys), *keys, *args))
    for cmd in commands:
        if out[-1].endswith((b"<EOF>", b"<open>")):
            break
        out.append(exchange(c, *cmd))
    c.close()
    return out


@pytest.fixture(scope="module")
def pair():
    servers = {"redis": ServerProc("redis-server", (), name="ldb-redis"), "ours": ServerProc(OURS, (), name="ldb-ours")}
    yield servers
    for s in servers.values():
        s.stop()


def same(pair, run):
    """`run(port)` on both servers; the transcripts must be equal (printed for the record)."""
    seen = {which: run(srv.port) for which, srv in pair.items()}
    for i, (r, o) in enumerate(zip(seen["redis"], seen["ours"])):
        assert o == r, f"step {i}: ours {o!r}\nredis {r!r}"
    assert len(seen["ours"]) == len(seen["redis"])
    return seen["redis"]


@pytest.mark.parametrize("mode", ["SYNC", "YES"])
def test_every_debugger_command_answers_as_redis(pair, mode):
    t = same(pair, lambda port: session(port, mode, COMMANDS))
    assert t[0] == b"+OK\r\n" and t[-1].endswith(b"<EOF>"), t[-1]
    assert b"+<endsession>\r\n" in t[-1]


@pytest.mark.parametrize("mode,kept", [("SYNC", b"val"), ("YES", None)])
def test_sync_keeps_the_writes_and_yes_throws_them_away(pair, mode, kept):
    for srv in pair.values():
        r = redis.Redis(port=srv.port, socket_timeout=WAIT)
        c = Conn(srv.port)
        c.send("DEL", "other")
        c.reply()
        assert exchange(c, "SCRIPT", "DEBUG", mode) == b"+OK\r\n"
        c.send("EVAL", "redis.call('SET', KEYS[1], 'val')\nreturn 1", 1, "other")
        assert c.reply().startswith(b"*2\r\n+* Stopped at 1")
        if mode == "YES":
            # The server goes on serving while the child holds the session.
            assert r.ping() and r.get("other") is None
        assert exchange(c, "c").endswith(b":1\r\n<EOF>")
        assert r.get("other") == kept, srv.program
        c.close()


def test_breakpoints_debug_and_a_timeout_stop(pair):
    script = "local a = 1\nredis.debug('hello', a, {1, 2}, {x = 1}, nil, true)\nredis.debug()\nredis.breakpoint()\nlocal b = 2\nlocal i = 0\nwhile true do i = i + 1 end\n"
    for srv in pair.values():
        redis.Redis(port=srv.port).config_set("busy-reply-threshold", 300)
    try:
        t = same(pair, lambda port: session(port, "SYNC", [("b", "5"), ("c",), ("c",), ("c",), ("p", "b"), ("a",)], script=script, keys=(), args=()))
    finally:
        for srv in pair.values():
            redis.Redis(port=srv.port).config_set("busy-reply-threshold", 5000)
    assert any(b"timeout reached, infinite loop?" in x for x in t)
    assert t[-1].startswith(b"*1\r\n+<endsession>\r\n-ERR script aborted for user request")


@pytest.mark.parametrize(
    "body,requests",
    [
        ("return 1", [b"s\r\n"]),  # an inline request: a protocol error ends the session
        ("return 1", [b"xyz*1\r\n$1\r\ns\r\n"]),  # junk before the '*' is skipped
        ("return 1", [b"*1\r\n$1\r\np\r\n*1\r\n$1\r\nl\r\n", b"*1\r\n$1\r\nc\r\n"]),  # the rest of a read is dropped
        ("local x = 1\nreturn x", [b"*2\r\n$1\r\ns\r\n"]),  # incomplete: waits for more
        ("return 1", [b"*1\r\n$0\r\n\r\n"]),
        ("return 1", [b"*1025\r\n"]),
    ],
)
def test_malformed_debugger_requests(pair, body, requests):
    def run(port):
        c = Conn(port)
        out = [exchange(c, "SCRIPT", "DEBUG", "SYNC"), exchange(c, "EVAL", body, 0)]
        for raw in requests:
            c.s.sendall(raw)
            c.s.settimeout(0.5)
            try:
                out.append(answer(c))
            except socket.timeout:
                out.append(b"<waiting>")
        c.close()
        return out

    same(pair, run)


def test_sessions_that_end_before_they_start_and_refusals(pair):
    def run(port):
        out = []
        for mode in ("SYNC", "YES"):
            for args in (("EVAL", "return 1", 5), ("EVAL", "return +", 0), ("EVALSHA", "a" * 40, 0), ("EVALSHA", "abc", 0)):
                c = Conn(port)
                out.append(exchange(c, "SCRIPT", "DEBUG", mode))
                out.append(exchange(c, *args))
                c.close()
        c = Conn(port)
        out.append(exchange(c, "SCRIPT", "DEBUG", "maybe"))
        out.append(exchange(c, "SCRIPT", "DEBUG", "NO"))
        c.s.sendall(enc("PING") + enc("SCRIPT", "DEBUG", "YES"))
        out.append(c.reply() + c.reply())
        c.s.sendall(enc("MULTI") + enc("SCRIPT", "DEBUG", "YES") + enc("EXEC"))
        out.append(c.reply() + c.reply() + c.reply())
        c.close()
        return out

    same(pair, run)


def test_a_client_that_leaves_lets_the_script_finish(pair):
    for srv in pair.values():
        r = redis.Redis(port=srv.port, socket_timeout=WAIT)
        r.delete("left")
        c = Conn(srv.port)
        assert exchange(c, "SCRIPT", "DEBUG", "SYNC") == b"+OK\r\n"
        c.send("EVAL", "local x = 1\nredis.call('SET', 'left', 'yes')\nreturn x", 0)
        assert c.reply().startswith(b"*2\r\n+* Stopped at 1")
        c.close()
        deadline = time.time() + WAIT
        while r.get("left") != b"yes":
            assert time.time() < deadline, f"{srv.program}: the script did not finish without its client"
            time.sleep(0.05)


@pytest.mark.parametrize("flag", ["--ldb", "--ldb-sync-mode"])
def test_redis_cli_ldb_session(pair, flag):
    path = os.path.join(tempfile.mkdtemp(prefix="pytest-ldb-"), "s.lua")
    with open(path, "w") as f:
        f.write(SCRIPT)
    outputs = {}
    for which, srv in pair.items():
        redis.Redis(port=srv.port).delete("key1")
        p = subprocess.run(
            ["redis-cli", "-p", str(srv.port), flag, "--eval", path, "key1", ",", "10"],
            input=b"s\nlist\nb 5\nc\nwhole\nc\n", capture_output=True, timeout=30,
        )
        outputs[which] = p.stdout
    print(outputs["redis"].decode())
    assert outputs["ours"] == outputs["redis"]
    assert b"Lua debugging session ended" in outputs["redis"]
