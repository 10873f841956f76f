"""ACL users side by side with redis-server 7.0.15 (the rule language itself is in
node/tests/diff/acl.redis): the aclfile (LOAD, SAVE, errors, clients of replaced users
disconnected), `user` lines in the configuration and CONFIG REWRITE, replication through
`masteruser` in both directions, and a real client library whose users cannot read or write each
other's keys through commands, transactions or scripts.
"""
import os
import socket
import subprocess
import tempfile
import time

import pytest
import redis

from conftest import OURS, ServerProc, free_port
from test_persistence import wait_until

KINDS = {"ours": OURS, "redis": "redis-server"}


def words(line):
    """ACL rules that name several commands come in Redis's hash order: compare them as sets."""
    return sorted(line.split(" "))


def acl_list(c):
    return [words(x) for x in c.execute_command("ACL", "LIST")]


ACLFILE = """user default on nopass ~* &* +@all
user alice on #30c952fab122c3f9759f02a6d95c3758b246b4fee239957b2d4fee46e26170c4 ~alice:* &alice:* -@all +@read +@write +@connection +multi +exec +eval
user bob on >bobpw ~bob:* (+set ~shared:*) -@all +get
user carol off resetchannels -@all

"""

# (An unclosed selector is left out: redis-server 7.0.15 crashes on it in ACL LOAD.)
BROKEN = """user default on nopass ~* &* +@all
user dave on >x +nosuch ~*
notauser line
user dave on
user 'e f' on
user gina %Q~x
"""


@pytest.fixture
def aclfile_pair():
    """Both servers with an aclfile of the same content (each its own file)."""
    started = {}
    for kind, program in KINDS.items():
        d = tempfile.mkdtemp(prefix=f"pytest-aclfile-{kind}-")
        path = os.path.join(d, "users.acl")
        with open(path, "w") as f:
            f.write(ACLFILE)
        started[kind] = (ServerProc(program, args=("--aclfile", path), name=f"acl-{kind}"), path)
    yield started
    for s, _ in started.values():
        s.stop()


def client(s, **kw):
    return redis.Redis(host="127.0.0.1", port=s.port, decode_responses=True, **kw)


def test_aclfile_loads_saves_and_refuses_a_broken_file_as_redis(aclfile_pair):
    (ours, ours_path), (real, real_path) = aclfile_pair["ours"], aclfile_pair["redis"]
    o, r = client(ours), client(real)
    assert acl_list(o) == acl_list(r)
    assert len(acl_list(r)) == 4
    # Alice's password is given as its hash in the file.
    assert client(ours, username="alice", password="pw").ping() and client(real, username="alice", password="pw").ping()

    # SETUSER + SAVE writes the file Redis writes.
    for c in (o, r):
        c.execute_command("ACL", "SETUSER", "zed", "on", ">zpw", "%R~z:*", "+@read", "(~y:* +set)")
        c.execute_command("ACL", "DELUSER", "carol")
        assert c.execute_command("ACL", "SAVE") == "OK"
    saved = {}
    for kind, path in (("ours", ours_path), ("redis", real_path)):
        with open(path) as f:
            saved[kind] = [words(x) for x in f.read().splitlines()]
    assert saved["ours"] == saved["redis"]
    assert len(saved["redis"]) == 4

    # A broken file: every problem reported, in Redis's words, and nothing changes.
    before = acl_list(r)
    errors = {}
    for kind, c, path in (("ours", o, ours_path), ("redis", r, real_path)):
        with open(path, "w") as f:
            f.write(BROKEN)
        with pytest.raises(redis.ResponseError) as e:
            c.execute_command("ACL", "LOAD")
        errors[kind] = str(e.value).replace(path, "<file>")
    assert errors["ours"] == errors["redis"]
    assert "no change to the previously active ACL rules" in errors["redis"]
    assert acl_list(o) == acl_list(r) == before

    # A good file replaces every user; the clients of the users that were there are disconnected.
    for kind, c, s, path in (("ours", o, ours, ours_path), ("redis", r, real, real_path)):
        with open(path, "w") as f:
            f.write(ACLFILE)
        bob, default = socket.create_connection(("127.0.0.1", s.port)), socket.create_connection(("127.0.0.1", s.port))
        bob.sendall(b"AUTH bob bobpw\r\n")
        assert bob.recv(100) == b"+OK\r\n"
        default.sendall(b"PING\r\n")
        assert default.recv(100) == b"+PONG\r\n"
        assert c.execute_command("ACL", "LOAD") == "OK"
        bob.settimeout(5)
        assert bob.recv(100) == b"", f"{kind}: bob's connection stays open"
        default.sendall(b"PING\r\n")
        assert default.recv(100) == b"+PONG\r\n", kind
        bob.close()
        default.close()
    assert acl_list(o) == acl_list(r)


def test_acl_without_a_file_and_missing_files():
    out = {}
    for kind, program in KINDS.items():
        s = ServerProc(program, name=f"acl-nofile-{kind}")
        try:
            c = client(s)
            got = []
            for cmd in (("ACL", "LOAD"), ("ACL", "SAVE")):
                with pytest.raises(redis.ResponseError) as e:
                    c.execute_command(*cmd)
                got.append(str(e.value))
            out[kind] = got
        finally:
            s.stop()
    assert out["ours"] == out["redis"]


def start_failure(program, args, cwd):
    p = subprocess.run([program, "--port", str(free_port()), *args], capture_output=True, timeout=20, cwd=cwd)
    return p.returncode, (p.stdout + p.stderr).decode(errors="replace")


def test_users_in_the_configuration_and_config_rewrite():
    files = {}
    for kind, program in KINDS.items():
        d = tempfile.mkdtemp(prefix=f"pytest-acl-conf-{kind}-")
        conf = os.path.join(d, "redis.conf")
        with open(conf, "w") as f:
            f.write(f"port 0\ndir {d}\nrequirepass secret\nuser default on nopass ~* &* +@all\n"
                    "user alice on >pw ~a:* -@all +get +set\nuser bob off\n")
        sock = os.path.join(d, "s.sock")
        p = subprocess.Popen([program, conf, "--unixsocket", sock, "--port", "0"], stdout=subprocess.DEVNULL,
                             stderr=subprocess.DEVNULL, cwd=d)
        try:
            wait_until(lambda: os.path.exists(sock), what=f"{kind} listening")
            c = redis.Redis(unix_socket_path=sock, decode_responses=True)
            wait_until(lambda: c.ping(), what=f"{kind} answering")
            # The user line for default comes after requirepass: it wins (reset, then its rules).
            listed = acl_list(c)
            c.execute_command("ACL", "SETUSER", "carol", "on", ">cpw", "~c:*", "+@hash")
            c.execute_command("ACL", "DELUSER", "bob")
            c.config_set("requirepass", "other")
            assert c.execute_command("CONFIG", "REWRITE") == "OK"
            with open(conf) as f:
                users = [words(x) for x in f.read().splitlines() if x.startswith("user ")]
            files[kind] = (listed, users)
        finally:
            p.kill()
            p.wait()
    assert files["ours"] == files["redis"]
    assert len(files["redis"][1]) == 3

    # Users in the configuration and an aclfile at once: refused at start-up.
    d = tempfile.mkdtemp(prefix="pytest-acl-both-")
    with open(os.path.join(d, "users.acl"), "w") as f:
        f.write("user default on nopass ~* &* +@all\n")
    args = ("--aclfile", "users.acl", "--user", "x", "on")
    for kind, program in KINDS.items():
        code, out = start_failure(program, args, d)
        assert code != 0, kind
        assert "define either an ACL file or declare users directly in your redis.conf, but not both" in out, (kind, out)
    # A broken aclfile stops the start-up too.
    with open(os.path.join(d, "users.acl"), "w") as f:
        f.write("user x on +nosuch\n")
    for kind, program in KINDS.items():
        code, out = start_failure(program, ("--aclfile", "users.acl"), d)
        assert code != 0, kind
        assert "Aborting Redis startup because of ACL errors: users.acl:1: Error in applying operation '+nosuch': Unknown command or category name in ACL." in out, (kind, out)


REPL_USER = ("--user", "repl", "on", ">rpw", "~*", "&*", "+@all", "--user", "default", "off")


@pytest.mark.parametrize("master_kind,replica_kind", [("redis", "ours"), ("ours", "redis")])
def test_replication_through_masteruser(master_kind, replica_kind):
    master = ServerProc(KINDS[master_kind], args=REPL_USER, name=f"acl-master-{master_kind}")
    replica = ServerProc(KINDS[replica_kind], args=("--masteruser", "repl", "--masterauth", "rpw"), name=f"acl-replica-{replica_kind}")
    try:
        m = redis.Redis(host="127.0.0.1", port=master.port, username="repl", password="rpw", decode_responses=True)
        for i in range(100):
            m.set(f"k{i}", i)
        r = client(replica)
        r.replicaof("127.0.0.1", master.port)
        wait_until(lambda: r.info("replication").get("master_link_status") == "up", what="replica link up")
        m.set("after", "sync")
        wait_until(lambda: r.get("after") == "sync", what="stream applied")
        assert r.dbsize() == 101
        # The replica's link runs as the user it authenticated as.
        kinds = [line for line in m.execute_command("CLIENT", "LIST").splitlines() if "flags=S" in line]
        assert len(kinds) == 1 and " user=repl " in kinds[0], kinds
        # A replica with wrong credentials never links.
        r.config_set("masterauth", "wrong")
        r.execute_command("CLIENT", "KILL", "TYPE", "master")
        time.sleep(1.5)
        assert r.info("replication").get("master_link_status") == "down"
    finally:
        master.stop()
        replica.stop()


def users_scenario(s):
    """What two applications' users see when each touches the other's keys, through commands, a
    transaction and scripts; the replies (or errors) as strings."""
    admin = client(s)
    admin.execute_command("ACL", "SETUSER", "app1", "on", ">p1", "~app1:*", "&app1:*", "+@all", "-@dangerous")
    admin.execute_command("ACL", "SETUSER", "app2", "on", ">p2", "%R~app1:*", "~app2:*", "+@all", "-@dangerous")
    app1 = client(s, username="app1", password="p1")
    app2 = client(s, username="app2", password="p2")
    out = []

    def attempt(f):
        try:
            out.append(repr(f()))
        except redis.ResponseError as e:
            out.append(f"{type(e).__name__}: {e}")

    attempt(lambda: app1.set("app1:k", "v1"))
    attempt(lambda: app2.set("app2:k", "v2"))
    attempt(lambda: app1.get("app2:k"))
    attempt(lambda: app1.set("app2:k", "x"))
    attempt(lambda: app2.get("app1:k"))
    attempt(lambda: app2.set("app1:k", "x"))
    attempt(lambda: app2.delete("app1:k"))
    attempt(lambda: app2.copy("app1:k", "app2:copy"))
    attempt(lambda: app2.rename("app1:k", "app2:moved"))
    attempt(lambda: app1.flushall())
    attempt(lambda: app1.keys("*"))

    def tx(c, *ops):
        p = c.pipeline(transaction=True)
        for op in ops:
            getattr(p, op[0])(*op[1:])
        return p.execute(raise_on_error=False)

    attempt(lambda: [repr(x) for x in tx(app1, ("set", "app1:t", "1"), ("get", "app2:k"))])
    attempt(lambda: [repr(x) for x in tx(app2, ("get", "app1:k"), ("set", "app2:t", "2"))])
    attempt(lambda: app1.eval("return redis.call('get', KEYS[1])", 1, "app2:k"))
    attempt(lambda: app1.eval("return redis.call('get', 'app2:k')", 0))
    attempt(lambda: app2.eval("return redis.call('set', 'app1:k', 'x')", 0))
    attempt(lambda: app2.eval("return redis.pcall('get', 'app1:k')", 0))
    script = app1.register_script("return redis.call('incr', KEYS[1])")
    attempt(lambda: script(keys=["app1:n"]))
    attempt(lambda: script(keys=["app2:n"]))
    attempt(lambda: app1.publish("app2:chan", "x"))
    attempt(lambda: app1.publish("app1:chan", "x"))
    attempt(lambda: app2.publish("app2:chan", "x"))
    attempt(lambda: admin.mget("app1:k", "app2:k", "app1:t", "app2:t", "app1:n"))
    log = admin.execute_command("ACL", "LOG")
    out.append(repr(sorted((e["reason"], e["context"], e["object"], e["username"], e["count"]) for e in log)))
    return out


def test_users_cannot_reach_each_others_keys_through_a_client_library():
    got = {}
    for kind, program in KINDS.items():
        s = ServerProc(program, name=f"acl-users-{kind}")
        try:
            got[kind] = users_scenario(s)
        finally:
            s.stop()
    for i, (o, r) in enumerate(zip(got["ours"], got["redis"])):
        assert o == r, f"step {i}: ours {o}, redis {r}"
    assert len(got["ours"]) == len(got["redis"])
    # The scenario does refuse things (not only errors on both sides, or none).
    assert sum("NoPermissionError" in x or "NOPERM" in x for x in got["redis"]) >= 8
