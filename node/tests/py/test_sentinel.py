"""`redis-ha-node --sentinel` as a drop-in for redis-sentinel 7.0, with real processes.

- The command surface is compared reply by reply with a real redis-sentinel (exact bytes where
  Redis's reply does not depend on timing; field names and order for instance records).
- Failovers: three of our sentinels over our data nodes and over real redis-server nodes; mixed
  groups of real and our sentinels; redis-py's Sentinel client writing across a failover.
- A restarted sentinel resumes from the config it rewrote; a sentinel cut off from the others
  cannot fail over alone.

Timings: down-after-milliseconds 1000 and small failover timeouts; every wait polls.
"""
import os
import re
import shutil
import signal
import subprocess
import tempfile
import time

import pytest
import redis
from redis.sentinel import Sentinel as SentinelClient

from conftest import OURS, free_port
from sentinel_procs import (DATA_ARGS, NAME, WAIT, DataNode, Events, SentinelProc, check_failover, fields, plain, raw,
                            start_group, _ping)
from sentinel_procs import procs, workdir  # noqa: F401  (fixtures)
from test_persistence import wait_until


# ---- (a) the command surface against a real redis-sentinel -------------------------------------

SAME_BYTES = [
    ("QUIT",), ("CONFIG", "GET", "port"), ("SELECT", "0"), ("GET", "foo"), ("ECHO", "hi"), ("MULTI",), ("EXEC",),
    ("WAIT", "0", "0"), ("DEBUG", "SLEEP", "0"), ("KEYS", "x" * 200), ("PING",), ("PING", "hello"),
    ("PUBLISH", "foo", "bar"), ("PUBLISH", "__sentinel__:hello", "not,a,hello"),
    ("SENTINEL",), ("SENTINEL", "FOO"), ("SENTINEL", "MASTER"), ("SENTINEL", "MASTERS", "x"),
    ("SENTINEL", "MASTER", "nope"), ("SENTINEL", "REPLICAS", "nope"), ("SENTINEL", "SLAVES", "nope"),
    ("SENTINEL", "SENTINELS", "nope"), ("SENTINEL", "CKQUORUM", "nope"), ("SENTINEL", "FAILOVER", "nope"),
    ("SENTINEL", "REMOVE", "nope"), ("SENTINEL", "RESET"), ("SENTINEL", "RESET", "no-such-*"),
    ("SENTINEL", "GET-MASTER-ADDR-BY-NAME", "nope"), ("SENTINEL", "INFO-CACHE"), ("SENTINEL", "INFO-CACHE", "nope"),
    ("SENTINEL", "IS-MASTER-DOWN-BY-ADDR", "127.0.0.1", "x", "0", "*"),
    ("SENTINEL", "IS-MASTER-DOWN-BY-ADDR", "127.0.0.1", "1", "x", "*"),
    ("SENTINEL", "IS-MASTER-DOWN-BY-ADDR", "127.0.0.1", "1", "0", "*"),
    ("SENTINEL", "SET", NAME), ("SENTINEL", "SET", NAME, "quorum"), ("SENTINEL", "SET", NAME, "quorum", "0"),
    ("SENTINEL", "SET", NAME, "foo", "1"), ("SENTINEL", "SET", "nope", "quorum", "1"),
    ("SENTINEL", "SET", NAME, "notification-script", "/bin/true"),
    ("SENTINEL", "SIMULATE-FAILURE"), ("SENTINEL", "SIMULATE-FAILURE", "help"), ("SENTINEL", "SIMULATE-FAILURE", "foo"),
    ("SENTINEL", "CONFIG"), ("SENTINEL", "CONFIG", "GET"), ("SENTINEL", "CONFIG", "FOO", "x"),
    ("SENTINEL", "CONFIG", "SET", "foo", "1"), ("SENTINEL", "CONFIG", "SET", "announce-port", "abc"),
    ("SENTINEL", "CONFIG", "GET", "*"), ("SENTINEL", "CONFIG", "GET", "announce*"),
    ("SENTINEL", "MONITOR", "x", "1.2.3.4", "1", "0"), ("SENTINEL", "MONITOR", "x", "1.2.3.4", "1", "q"),
    ("SENTINEL", "MONITOR", "x", "1.2.3.4", "p", "1"), ("SENTINEL", "MONITOR", NAME, "1.2.3.4", "1", "1"),
    ("SENTINEL", "MONITOR", "x", "not-an-ip", "1", "1"),
    ("SENTINEL", "DEBUG", "foo", "1"), ("SENTINEL", "DEBUG", "ping-period"), ("SENTINEL", "DEBUG", "ping-period", "0"),
    ("SENTINEL", "FLUSHCONFIG", "x"), ("SENTINEL", "MYID", "x"), ("SENTINEL", "PENDING-SCRIPTS"), ("SENTINEL", "HELP"),
    ("SENTINEL", "GET-MASTER-ADDR-BY-NAME", NAME), ("ROLE",), ("INFO", "keyspace"), ("INFO", "memory"),
    ("SHUTDOWN", "FOO"), ("COMMAND", "INFO", "get"), ("COMMAND", "INFO", "ping"), ("COMMAND", "COUNT"),
    ("ACL",), ("ACL", "FOO"), ("ACL", "WHOAMI"), ("ACL", "USERS"), ("ACL", "LIST"), ("ACL", "GETUSER", "default"),
    ("ACL", "GETUSER", "nope"), ("ACL", "CAT"), ("ACL", "CAT", "foo"), ("ACL", "HELP"),
]


@pytest.fixture(scope="module")
def pair():
    """A real redis-sentinel and ours, each alone with its own replica-less master."""
    d = tempfile.mkdtemp(prefix="pytest-sentinel-pair-")
    started = []
    try:
        out = []
        for prog in ("redis-sentinel", OURS):
            m = DataNode("redis-server", d, DATA_ARGS)
            started.append(m)
            m.start()
            s = SentinelProc(prog, d, m.port)
            started.append(s)
            out.append(s.start())
        yield out
    finally:
        for p in started:
            p.stop()
        shutil.rmtree(d, ignore_errors=True)


def normalize(reply, real_port, our_port):
    """Ports of the two masters differ; so do client ids."""
    return reply.replace(str(our_port).encode(), str(real_port).encode())


@pytest.mark.parametrize("cmd", SAME_BYTES, ids=lambda c: " ".join(c)[:40])
def test_reply_bytes_match_redis_sentinel(pair, cmd):
    real, ours = pair
    real_port = real.client().execute_command("SENTINEL", "GET-MASTER-ADDR-BY-NAME", NAME)[1]
    our_port = ours.client().execute_command("SENTINEL", "GET-MASTER-ADDR-BY-NAME", NAME)[1]
    expected = raw(real.port, *cmd)
    got = normalize(raw(ours.port, *cmd), real_port, our_port)
    assert got == expected


def test_records_and_info_match_redis_sentinel(pair):
    real, ours = pair
    r, o = real.client(), ours.client()
    for c in (r, o):
        assert c.execute_command("SENTINEL", "SET", NAME, "down-after-milliseconds", "1000") == "OK"
    rec_r = r.execute_command("SENTINEL", "MASTER", NAME)
    rec_o = o.execute_command("SENTINEL", "MASTER", NAME)
    assert fields(rec_o) == fields(rec_r)
    assert len(fields(rec_o)) == 20
    # RESP3: the same record is a map of bulk strings.
    m3 = raw(ours.port, "SENTINEL", "MASTER", NAME, resp3=True)
    assert m3.startswith(b"%20\r\n$4\r\nname\r\n")
    assert raw(real.port, "SENTINEL", "MASTER", NAME, resp3=True).startswith(b"%20\r\n$4\r\nname\r\n")
    assert raw(ours.port, "SENTINEL", "GET-MASTER-ADDR-BY-NAME", "nope", resp3=True) == b"_\r\n"
    assert raw(ours.port, "SENTINEL", "CONFIG", "GET", "*", resp3=True) == raw(real.port, "SENTINEL", "CONFIG", "GET", "*", resp3=True)
    hello_r = raw(real.port, "HELLO", "3")
    hello_o = raw(ours.port, "HELLO", "3")
    assert re.sub(rb"id\r\n:\d+", b"id", hello_o) == re.sub(rb"id\r\n:\d+", b"id", hello_r)
    myid = o.execute_command("SENTINEL", "MYID")
    assert re.fullmatch(r"[0-9a-f]{40}", myid)
    assert f"sentinel myid {myid}" in open(ours.conf).read()
    # INFO: the sections, their field names, the sentinel section's lines.
    for args in ((), ("all",), ("default",), ("everything",), ("server", "sentinel"), ("clients", "cpu")):
        sec_r = re.findall(r"^# (\w+)", raw(real.port, "INFO", *args).decode(), re.M)
        sec_o = re.findall(r"^# (\w+)", raw(ours.port, "INFO", *args).decode(), re.M)
        assert sec_o == sec_r, args
    info_r, info_o = r.info("sentinel"), o.info("sentinel")
    assert list(info_o) == list(info_r)
    assert info_o["master0"]["name"] == NAME and info_o["master0"]["status"] == "ok"
    assert o.info("server")["redis_mode"] == "sentinel"
    server_r = [line.split(":")[0] for line in raw(real.port, "INFO", "server").decode().splitlines()[1:]]
    server_o = [line.split(":")[0] for line in raw(ours.port, "INFO", "server").decode().splitlines()[1:]]
    assert server_o == server_r
    assert o.execute_command("ROLE") == ["sentinel", [NAME]]
    # DEBUG lists the same parameters (our values are the fast timing's).
    assert fields(o.execute_command("SENTINEL", "DEBUG")) == fields(r.execute_command("SENTINEL", "DEBUG"))
    assert o.execute_command("SENTINEL", "DEBUG", "info-period", "10000") == "OK"
    # COMMAND: the sentinel's own table.
    names_r = sorted(x for x in plain(real.port, "COMMAND", "LIST") if "|" not in x)
    names_o = sorted(x for x in plain(ours.port, "COMMAND", "LIST") if "|" not in x)
    assert names_o == names_r
    assert sorted(plain(ours.port, "ACL", "CAT", "pubsub")) == sorted(plain(real.port, "ACL", "CAT", "pubsub"))
    # SENTINEL's entry with every subcommand (Redis lists them in hash order: compare sorted).
    info_r = plain(real.port, "COMMAND", "INFO", "sentinel")[0]
    info_o = plain(ours.port, "COMMAND", "INFO", "sentinel")[0]
    assert info_o[:9] == info_r[:9]
    assert sorted(info_o[9]) == sorted(info_r[9])


def test_monitor_set_remove_and_events(pair):
    _, ours = pair
    c = ours.client()
    events = Events([ours])
    try:
        assert c.execute_command("SENTINEL", "MONITOR", "other", "127.0.0.1", "1", "1") == "OK"
        assert events.wait_for("+monitor") == "master other 127.0.0.1 1 quorum 1"
        assert c.execute_command("SENTINEL", "SET", "other", "auth-pass", "secret", "quorum", "3") == "OK"
        events.wait_payload("+set", "master other 127.0.0.1 1 auth-pass ******")
        events.wait_payload("+set", "master other 127.0.0.1 1 quorum 3")
        conf = open(ours.conf).read()
        assert "sentinel monitor other 127.0.0.1 1 3" in conf and "sentinel auth-pass other secret" in conf
        assert c.execute_command("SENTINEL", "RESET", "oth*") == 1
        # SENTINEL DEBUG default-down-after applies to masters added from then on.
        assert c.execute_command("SENTINEL", "DEBUG", "default-down-after", "5000") == "OK"
        assert c.execute_command("SENTINEL", "MONITOR", "third", "127.0.0.1", "2", "1") == "OK"
        assert c.sentinel_master("third")["down-after-milliseconds"] == 5000
        assert c.execute_command("SENTINEL", "DEBUG", "default-down-after", "30000") == "OK"
        assert c.execute_command("SENTINEL", "REMOVE", "third") == "OK"
        assert c.execute_command("SENTINEL", "REMOVE", "other") == "OK"
        events.wait_payload("-monitor", "master other 127.0.0.1 1")
        assert "other" not in open(ours.conf).read()
        assert c.execute_command("SENTINEL", "FLUSHCONFIG") == "OK"
    finally:
        events.close()


def test_startup_and_config_errors(workdir):
    # No config file, a config file that is missing: redis-sentinel's messages and exit status.
    r = subprocess.run([OURS, "--sentinel"], capture_output=True, text=True, timeout=WAIT)
    assert r.returncode == 1 and "Sentinel needs config file on disk to save state. Exiting..." in r.stdout
    missing = os.path.join(workdir, "missing.conf")
    r = subprocess.run([OURS, missing, "--sentinel"], capture_output=True, text=True, timeout=WAIT)
    real = subprocess.run(["redis-sentinel", missing], capture_output=True, text=True, timeout=WAIT)
    assert r.returncode == real.returncode == 1
    assert f"Fatal error, can't open config file '{missing}'" in r.stdout + r.stderr
    # Started as `redis-sentinel` (argv0): sentinel mode, and SIGTERM ends it cleanly.
    link = os.path.join(workdir, "redis-sentinel")
    os.symlink(OURS, link)
    port = free_port()
    conf = os.path.join(workdir, "s.conf")
    with open(conf, "w") as f:
        f.write(f"port {port}\nsentinel monitor m 127.0.0.1 1 1\n")
    p = subprocess.Popen([link, conf], stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True)
    try:
        wait_until(lambda: _ping(port), what="sentinel via argv0")
        p.send_signal(signal.SIGTERM)
        out, _ = p.communicate(timeout=WAIT)
    finally:
        if p.poll() is None:
            p.kill()
    assert p.returncode == 0
    assert f"Running mode=sentinel, port={port}." in out
    assert re.search(r"Sentinel ID is [0-9a-f]{40}", out)
    assert "+monitor master m 127.0.0.1 1 quorum 1" in out
    assert "Sentinel is now ready to exit, bye bye..." in out
    assert re.search(r"^sentinel myid [0-9a-f]{40}$", open(conf).read(), re.M)


# ---- (b, d) three of our sentinels: failover of our data nodes and of real redis-server -----------

@pytest.mark.parametrize("data", ["ours", "redis-server"])
def test_failover_with_three_of_our_sentinels(procs, workdir, data):
    program = OURS if data == "ours" else "redis-server"
    master, reps, sentinels = start_group(procs, workdir, program, [OURS] * 3)
    events = Events(sentinels)
    procs.append(events)
    master.kill9()
    promoted = check_failover(master, reps, sentinels, events)
    assert len(events.named("+elected-leader")) == 1
    epochs = {s.master()["config-epoch"] for s in sentinels}
    assert len(epochs) == 1 and epochs.pop() >= 1
    # The old master comes back as a master and is turned into a replica of the new one.
    master.start()
    events.wait_for("+convert-to-slave")
    wait_until(lambda: (master.role() or [""])[:3] == ["slave", "127.0.0.1", promoted.port], what="old master follows")
    for s in sentinels:
        wait_until(lambda: s.master()["num-slaves"] == 2, what="replicas known after the switch")


# ---- (c) mixed groups of real and our sentinels ---------------------------------------------------

@pytest.mark.parametrize("mix,data", [(("redis-sentinel", "redis-sentinel", OURS), "redis-server"),
                                      (("redis-sentinel", OURS, OURS), "ours")],
                         ids=["2real+1ours-redis-server", "1real+2ours-our-nodes"])
def test_failover_with_mixed_sentinels(procs, workdir, mix, data):
    program = OURS if data == "ours" else "redis-server"
    master, reps, sentinels = start_group(procs, workdir, program, list(mix))
    events = Events(sentinels)
    procs.append(events)
    master.kill9()
    check_failover(master, reps, sentinels, events)
    # Whoever led, every sentinel ends on the same configuration epoch.
    wait_until(lambda: len({s.master()["config-epoch"] for s in sentinels}) == 1, what="same config epoch")


# ---- (e) a client library writing across a failover -------------------------------------------------

def test_redis_py_sentinel_client_writes_across_failover(procs, workdir):
    master, reps, sentinels = start_group(procs, workdir, OURS, [OURS] * 3)
    client = SentinelClient([("127.0.0.1", s.port) for s in sentinels], socket_timeout=1.0)
    assert client.discover_master(NAME) == ("127.0.0.1", master.port)
    assert sorted(client.discover_slaves(NAME)) == sorted(("127.0.0.1", r.port) for r in reps)
    m = client.master_for(NAME, socket_timeout=1.0, decode_responses=True)
    replica = client.slave_for(NAME, socket_timeout=1.0, decode_responses=True)

    def write(i, limit=WAIT):
        deadline = time.time() + limit
        while True:
            try:
                return m.set(f"k{i}", i)
            except (redis.ConnectionError, redis.TimeoutError, redis.ReadOnlyError):
                if time.time() > deadline:
                    raise
                time.sleep(0.05)

    for i in range(50):
        assert write(i)
    master.kill9()
    killed = time.time()
    i = 50
    while time.time() - killed < WAIT:
        assert write(i)
        i += 1
        try:
            if client.discover_master(NAME)[1] != master.port:
                break
        except redis.ConnectionError:
            pass  # MasterNotFoundError: the master is known to be down, not replaced yet
    new = client.discover_master(NAME)
    assert new[1] in [r.port for r in reps]
    assert write(i)
    direct = redis.Redis(port=new[1], decode_responses=True)
    assert direct.get(f"k{i}") == str(i)
    assert direct.execute_command("ROLE")[0] == "master"
    def replica_has_it():
        try:
            return replica.get(f"k{i}") == str(i)
        except redis.ConnectionError:
            return False

    wait_until(replica_has_it, what="read from a replica of the new master")


# ---- (f) a restart resumes from the rewritten config ------------------------------------------------

def test_restart_resumes_from_rewritten_config(procs, workdir):
    master, reps, sentinels = start_group(procs, workdir, OURS, [OURS] * 3)
    events = Events(sentinels)
    procs.append(events)
    c0 = sentinels[0].client()
    wait_until(lambda: _try_failover(c0), what="forced failover accepted")
    new_port = int(events.wait_for("+switch-master").split()[4])
    s = sentinels[1]
    wait_until(lambda: s.master_addr() == ("127.0.0.1", str(new_port)), what="peer follows the forced failover")
    wait_until(lambda: s.master()["num-slaves"] == 2, what="replicas of the new master known")
    before = s.master()
    myid = s.client().execute_command("SENTINEL", "MYID")
    epoch = s.client().info("sentinel")

    def rewritten():
        # The rewrite follows each change within moments (written off the hot path).
        conf = open(s.conf).read()
        return (f"sentinel myid {myid}" in conf
                and len(re.findall(rf"^sentinel known-sentinel {NAME} ", conf, re.M)) == 2
                and len(re.findall(rf"^sentinel known-replica {NAME} ", conf, re.M)) == 2
                and re.search(rf"^sentinel monitor {NAME} 127.0.0.1 {new_port} 2$", conf, re.M)
                and re.search(r"^sentinel current-epoch 1$", conf, re.M))

    wait_until(rewritten, limit=5, what="the state in sentinel.conf")
    s.kill9()
    s.start()
    c = s.client()
    after = c.sentinel_master(NAME)
    assert c.execute_command("SENTINEL", "MYID") == myid
    assert (after["ip"], after["port"]) == (before["ip"], before["port"])
    assert after["config-epoch"] == before["config-epoch"] == 1
    assert after["num-slaves"] == 2 and after["num-other-sentinels"] == 2
    assert c.info("sentinel")["sentinel_masters"] == epoch["sentinel_masters"]
    peers = {x["runid"] for x in c.sentinel_sentinels(NAME)}
    assert peers == {x.client().execute_command("SENTINEL", "MYID") for x in sentinels if x is not s}


# ---- (g) a sentinel alone cannot fail over ----------------------------------------------------------

def test_partitioned_sentinel_cannot_fail_over(procs, workdir):
    # Quorum 1: the lone sentinel reaches ODOWN by itself, but a failover also needs a majority.
    master, reps, sentinels = start_group(procs, workdir, OURS, [OURS] * 3)
    for s in sentinels:
        s.client().execute_command("SENTINEL", "SET", NAME, "quorum", "1")
    lone = sentinels[0]
    events = Events([lone])
    procs.append(events)
    for s in sentinels[1:]:
        s.signal(signal.SIGSTOP)
    master.kill9()
    events.wait_for("+odown")
    events.wait_for("+try-failover")
    events.wait_for("-failover-abort-not-elected")
    assert not events.named("+elected-leader") and not events.named("+switch-master")
    assert lone.master_addr() == ("127.0.0.1", str(master.port))
    for r in reps:
        assert r.role()[:3] == ["slave", "127.0.0.1", master.port]


# ---- scripts and simulated failures -----------------------------------------------------------------

def test_scripts_and_simulated_crash(procs, workdir):
    notify_out = os.path.join(workdir, "notify.txt")
    reconf_out = os.path.join(workdir, "reconf.txt")
    scripts = {}
    for name, out in (("notify.sh", notify_out), ("reconf.sh", reconf_out)):
        path = os.path.join(workdir, name)
        with open(path, "w") as f:
            f.write(f'#!/bin/sh\necho "$@" >> {out}\n')
        os.chmod(path, 0o755)
        scripts[name] = path
    master, reps, _ = start_group(procs, workdir, OURS, [], replicas=1)
    s = SentinelProc(OURS, workdir, master.port, quorum=1,
                     extra=(f"sentinel notification-script {NAME} {scripts['notify.sh']}",
                            f"sentinel client-reconfig-script {NAME} {scripts['reconf.sh']}"))
    procs.append(s)
    s.start()
    c = s.client()
    # Accepted once the sentinel has the replica's INFO and a PING reply (NOGOODSLAVE before).
    wait_until(lambda: _try_failover(c), what="forced failover accepted")
    wait_until(lambda: s.master_addr() == ("127.0.0.1", str(reps[0].port)), what="forced failover")
    # The client-reconfig script: <master> <role> <state> <from-ip> <from-port> <to-ip> <to-port>.
    expected = f"{NAME} leader start 127.0.0.1 {master.port} 127.0.0.1 {reps[0].port}"
    wait_until(lambda: os.path.exists(reconf_out) and expected in open(reconf_out).read(), what="client-reconfig script")
    # The notification script: every warning-level event, as <event> <payload>.
    wait_until(lambda: os.path.exists(notify_out) and f"+switch-master {NAME} 127.0.0.1 {master.port}" in open(notify_out).read(),
               what="notification script")
    assert f"+monitor master {NAME} 127.0.0.1 {master.port} quorum 1" in open(notify_out).read()
    wait_until(lambda: c.execute_command("SENTINEL", "PENDING-SCRIPTS") == [], what="script queue drained")
    assert c.info("sentinel")["sentinel_scripts_queue_length"] == 0
    # SIMULATE-FAILURE crash-after-election: the next failover's leader exits with status 99.
    assert c.execute_command("SENTINEL", "SIMULATE-FAILURE", "crash-after-election") == "OK"
    assert c.info("sentinel")["sentinel_simulate_failure_flags"] == 1
    wait_until(lambda: s.master()["num-slaves"] == 1, what="old master known as a replica")
    # The old master was not stopped: it still says it is a master until the sentinel converts it.
    wait_until(lambda: (master.role() or [""])[0] == "slave", limit=WAIT, what="old master converted")
    wait_until(lambda: _try_failover(c), what="second failover accepted")
    assert s.proc.wait(WAIT) == 99


def _try_failover(c):
    try:
        return c.execute_command("SENTINEL", "FAILOVER", NAME) == "OK"
    except redis.ResponseError:
        return False  # NOGOODSLAVE until the returning replica is usable
    except redis.ConnectionError:
        return True  # crashed while answering


# ---- Kubernetes-style addressing: hostnames, and a name that stops resolving ----------------------

def test_hostnames_and_a_name_that_never_resolves_do_not_block_a_failover(procs, workdir):
    """With resolve-hostnames/announce-hostnames the sentinels monitor `localhost` (resolved on every
    connect, never pinned) and announce names in their events. One replica announces a name that does
    not resolve (its pod is gone): it counts as down and the failover still promotes the other one."""
    master = DataNode(OURS, workdir, DATA_ARGS + ("--replica-announce-ip", "localhost"))
    procs.append(master)
    master.start()
    good = DataNode(OURS, workdir, DATA_ARGS + ("--replicaof", "localhost", str(master.port), "--replica-announce-ip", "localhost"))
    gone = DataNode(OURS, workdir, DATA_ARGS + ("--replicaof", "localhost", str(master.port), "--replica-announce-ip", "gone.invalid"))
    for r in (good, gone):
        procs.append(r)
        r.start()
        wait_until(lambda: r.client().info("replication").get("master_link_status") == "up", what="replica link up")
    sentinels = []
    for _ in range(3):
        s = SentinelProc(OURS, workdir, master.port, extra=())
        with open(s.conf) as f:
            text = f.read().replace(f"sentinel monitor {NAME} 127.0.0.1 ", f"sentinel monitor {NAME} localhost ")
        with open(s.conf, "w") as f:
            f.write(text + "sentinel resolve-hostnames yes\nsentinel announce-hostnames yes\n")
        procs.append(s)
        sentinels.append(s.start())
    for s in sentinels:
        wait_until(lambda: s.master()["num-slaves"] == 2 and s.master()["num-other-sentinels"] == 2, what="discovery")
        wait_until(lambda: any("s_down" in r["flags"] for r in s.client().execute_command("SENTINEL", "REPLICAS", NAME)
                               if r["ip"] == "gone.invalid"), what="the unresolvable replica counted down")
    events = Events(sentinels)
    procs.append(events)
    master.kill9()
    switch = events.wait_for("+switch-master").split()
    assert switch == [NAME, "localhost", str(master.port), "localhost", str(good.port)], switch
    wait_until(lambda: (good.role() or [""])[0] == "master", what="the resolvable replica promoted")
    for s in sentinels:
        wait_until(lambda: s.master_addr() == ("localhost", str(good.port)), what=f"sentinel {s.port} follows")
