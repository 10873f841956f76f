"""The whole command set against redis-server 7.0.15's: COMMAND COUNT and COMMAND LIST equal Redis's
less the commands the README lists as not served (cluster mode and modules, outside the project's
scope), and every command we serve describes itself exactly as Redis does (COMMAND INFO and
COMMAND DOCS, subcommands included). A sentinel's table equals redis-sentinel 7.0.15's, whole.
"""
import os
import re
import shutil
import subprocess
import tempfile
import time

import pytest

from conftest import OURS, ROOT, ServerProc, free_port
from run_diff import Conn

# The exceptions, as README.md's "Commands not served" paragraph names them.
NOT_SERVED = {
    "cluster": "cluster mode",
    "asking": "cluster mode",
    "readonly": "cluster mode",
    "readwrite": "cluster mode",
    "module": "modules",
}


@pytest.fixture(scope="module")
def both():
    """Raw RESP3 connections (replies compared as the servers send them)."""
    ours, real = ServerProc(OURS, name="cmdtable-ours"), ServerProc("redis-server", name="cmdtable-redis")
    conns = (Conn(ours.port), Conn(real.port))
    for c in conns:
        c.call([b"HELLO", b"3"])
    yield conns
    ours.stop()
    real.stop()


def call(c, *args):
    return c.call([a.encode() if isinstance(a, str) else a for a in args])


def names(c):
    """Every name COMMAND LIST gives, subcommands ("client|list") included."""
    _, (_, items) = call(c, "COMMAND", "LIST")
    return {v.decode() for _, v in items}


def served_by_redis(name):
    return name.split("|")[0] not in NOT_SERVED


def canonical(value):
    """A parsed reply with the one order Redis itself does not keep: subcommands come in its dict's
    hash order, which changes from run to run. Maps become sorted pairs; everything else keeps
    its order."""
    t, v = value
    if t in (b"%", b"|"):
        pairs = [(canonical(v[i]), canonical(v[i + 1])) for i in range(0, len(v), 2)]
        return (t, sorted(pairs, key=repr))
    if t in (b"*", b"~", b">") and v is not None:
        return (t, [canonical(x) for x in v])
    return value


def canonical_info(value):
    """COMMAND INFO's reply, each entry's subcommand array (its 10th element) sorted."""
    def entry(e):
        t, items = e
        if t != b"*" or items is None:
            return e
        items = list(items)
        if len(items) >= 10:
            st, subs = items[9]
            items[9] = (st, sorted((entry(x) for x in subs), key=repr))
        return (t, items)
    t, entries = value
    return (t, [entry(e) for e in entries])


def count(c):
    _, (t, n) = call(c, "COMMAND", "COUNT")
    assert t == b":"
    return int(n)


def test_command_list_and_count_are_redis_less_the_exceptions(both):
    ours, real = both
    ours_names, real_names = names(ours), names(real)
    assert ours_names - real_names == set(), "commands Redis 7.0.15 does not have"
    assert {n for n in real_names - ours_names if served_by_redis(n)} == set(), "missing beyond the exceptions"
    assert {n for n in real_names if not served_by_redis(n)} & ours_names == set()
    assert count(ours) == count(real) - len(NOT_SERVED), "COMMAND COUNT counts top-level commands"
    for name in NOT_SERVED:
        raw, _ = call(ours, name, "x")
        assert raw.startswith(f"-ERR unknown command '{name}'".encode()), raw


def test_every_command_describes_itself_as_redis(both):
    ours, real = both
    served = sorted(names(ours))
    assert len(served) > 200
    assert_described_alike(ours, real, served)


def assert_described_alike(ours, real, commands):
    """COMMAND INFO and COMMAND DOCS of each command, ours against Redis's."""
    for name in commands:
        _, a = call(ours, "COMMAND", "INFO", name)
        _, b = call(real, "COMMAND", "INFO", name)
        assert canonical_info(a) == canonical_info(b), f"COMMAND INFO {name}"
        _, a = call(ours, "COMMAND", "DOCS", name)
        _, b = call(real, "COMMAND", "DOCS", name)
        assert canonical(a) == canonical(b), f"COMMAND DOCS {name}"


def test_the_readme_lists_the_exceptions():
    with open(os.path.join(ROOT, "README.md")) as f:
        text = f.read()
    m = re.search(r"Commands not served: (.*?)\.\n", text, re.S)
    assert m, "README.md has no 'Commands not served:' sentence"
    listed = {w.lower() for w in re.findall(r"`([A-Z]+)`", m.group(1))}
    assert listed == set(NOT_SERVED)


@pytest.fixture(scope="module")
def sentinels():
    """redis-sentinel and ours (as a sentinel), each monitoring a master that is not there."""
    d = tempfile.mkdtemp(prefix="pytest-cmdtable-sentinel-")
    procs, conns = [], []
    for i, cmd in enumerate((["redis-sentinel"], [OURS, "--sentinel"])):
        port = free_port()
        conf = os.path.join(d, f"s{i}.conf")
        with open(conf, "w") as f:
            f.write(f"port {port}\nbind 127.0.0.1\nsentinel monitor m 127.0.0.1 {free_port()} 2\n")
        procs.append(subprocess.Popen([cmd[0], conf, *cmd[1:]], stdout=subprocess.DEVNULL, stderr=subprocess.STDOUT, cwd=d))
        deadline = time.time() + 10
        while True:
            try:
                conns.append(Conn(port))
                break
            except OSError:
                assert time.time() < deadline, f"{cmd[0]} sentinel did not start"
                time.sleep(0.05)
        call(conns[-1], "HELLO", "3")
    yield conns[1], conns[0]
    for p in procs:
        p.terminate()
        p.wait(10)
    shutil.rmtree(d, ignore_errors=True)


def test_a_sentinel_has_redis_sentinels_whole_command_table(sentinels):
    ours, real = sentinels
    assert names(ours) == names(real)
    assert count(ours) == count(real)
    assert len(names(real)) > 60
    # ACL's subcommands (all of them, SETUSER and LOG included) and CLIENT TRACKING/CACHING are there.
    assert {"acl|setuser", "acl|deluser", "acl|dryrun", "acl|log", "client|tracking", "client|caching"} <= names(ours)
    assert_described_alike(ours, real, sorted(names(real)))
