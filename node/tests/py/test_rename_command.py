"""`rename-command` as redis-server 7.0.15 applies it, side by side: a renamed command answers only to its
new name, an empty new name removes it, later lines see earlier ones, and the configuration errors
(an unknown command, a target that exists) stop the server with Redis's FATAL CONFIG FILE ERROR block.
"""
import os
import subprocess
import tempfile

import pytest

from conftest import OURS, ServerProc
from sentinel_procs import raw

KINDS = {"ours": OURS, "redis": "redis-server"}
RENAMES = ("--rename-command", "PING", "PONGX", "--rename-command", "flushall", "",
           "--rename-command", "get", "foo", "--rename-command", "FOO", "get2", "--rename-command", "set", "set")

CALLS = [("PING",), ("PONGX",), ("pongx", "hi"), ("FLUSHALL",), ("SET", "k", "v"), ("GET", "k"), ("FOO", "k"), ("GET2", "k"),
         ("MULTI",), ("GET2", "k"), ("GET", "k"), ("EXEC",), ("DISCARD",), ("MULTI",), ("GET2", "k"), ("EXEC",)]


def replies(kind):
    s = ServerProc(KINDS[kind], args=RENAMES, name=f"rename-{kind}")
    try:
        return [raw(s.port, *c) for c in CALLS]
    finally:
        s.stop()


def test_renamed_and_removed_commands_answer_as_in_redis():
    ours, real = replies("ours"), replies("redis")
    for call, o, r in zip(CALLS, ours, real):
        assert o == r, f"{call}: ours {o!r}, redis {r!r}"
    # The calls above do exercise the renames (not only errors on both sides).
    assert real[1] == b"+PONG\r\n" and real[7] == b"$1\r\nv\r\n" and real[0].startswith(b"-ERR unknown command")


BAD = [
    "rename-command nosuch x\n",
    "rename-command get set\n",
    "rename-command get foo\nrename-command GET bar\n",
    "rename-command get foo\nrename-command foo get\nrename-command get \"\"\nrename-command get x\n",
]


@pytest.mark.parametrize("text", BAD)
def test_configuration_errors_match_redis(text):
    out = {}
    for kind, program in KINDS.items():
        d = tempfile.mkdtemp(prefix="pytest-rename-")
        path = os.path.join(d, "redis.conf")
        with open(path, "w") as f:
            f.write("port 0\n" + text)
        p = subprocess.run([program, path], capture_output=True, timeout=20, cwd=d)
        out[kind] = (p.returncode, p.stdout + p.stderr)
    assert out["ours"] == out["redis"]
    assert b"FATAL CONFIG FILE ERROR" in out["redis"][1]
