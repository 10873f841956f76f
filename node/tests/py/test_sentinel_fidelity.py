"""Sentinel behaviours that set-ups changing things at runtime rely on, checked side by side: a real
redis-sentinel 7.0.15 and ours watch the same real redis-server master and replica, and each check
asserts that ours shows what redis-sentinel shows.

- A data node whose ACL stops accepting the sentinels' user: links are refused (the `disconnected`
  flag), for a running and a restarted sentinel alike, until SENTINEL SET gives the new credentials
  (with real data nodes, and with ours, whose ACL the same commands change).
- Sentinels whose default user is off authenticate to each other with `sentinel-user` /
  `sentinel-pass` (their own ACL users); with a wrong password each judges the other down.
- `SENTINEL CONFIG SET announce-hostnames` at runtime switches replies, events and the config file
  between hostnames and the IPs they resolve to.
"""
import shutil
import tempfile
import time

import pytest
import redis

from conftest import OURS
from sentinel_procs import DATA_ARGS, NAME, DataNode, Events, SentinelProc
from test_persistence import wait_until

PROGRAMS = ("redis-sentinel", OURS)


@pytest.fixture
def procs():
    started = []
    d = tempfile.mkdtemp(prefix="pytest-sentinel-fid-")
    yield d, started
    for p in started:
        if isinstance(p, Events):
            p.close()
        else:
            p.stop()
    shutil.rmtree(d, ignore_errors=True)


def group(workdir, started, master_host="127.0.0.1", replica_args=(), sentinel_extra=(), data="redis-server"):
    """A master and replica (real ones, or ours with `data`), watched by redis-sentinel and ours. The
    quorum, 3, is more than the sentinels there are: both may judge the master down, neither may
    fail it over."""
    master = DataNode(data, workdir, DATA_ARGS)
    started.append(master)
    master.start()
    replica = DataNode(data, workdir, DATA_ARGS + ("--replicaof", "127.0.0.1", str(master.port), *replica_args))
    started.append(replica)
    replica.start()
    wait_until(lambda: replica.client().info("replication").get("master_link_status") == "up", what="replica link up")
    sentinels = []
    for prog in PROGRAMS:
        s = SentinelProc(prog, workdir, master.port, quorum=3, extra=sentinel_extra)
        if master_host != "127.0.0.1":
            with open(s.conf) as f:
                text = f.read().replace(f"sentinel monitor {NAME} 127.0.0.1 ", f"sentinel monitor {NAME} {master_host} ")
            with open(s.conf, "w") as f:
                f.write(text)
        started.append(s)
        sentinels.append(s.start())
    for s in sentinels:
        wait_until(lambda: s.master()["num-slaves"] == 1 and s.master()["num-other-sentinels"] == 1,
                   what=f"discovery by sentinel {s.port}")
    return master, replica, sentinels


def flags(s):
    """The flags of the master and of the one replica, as SENTINEL MASTER / REPLICAS show them."""
    c = s.client()
    replicas = c.execute_command("SENTINEL", "REPLICAS", NAME)
    rep = dict(zip(replicas[0][::2], replicas[0][1::2])) if replicas and isinstance(replicas[0], list) else replicas[0]
    return c.sentinel_master(NAME)["flags"], rep["flags"]


def both_show(sentinels, expected, what, limit=15.0):
    for s in sentinels:
        wait_until(lambda: tuple(sorted(f.split(",")) for f in flags(s)) == tuple(sorted(e.split(",")) for e in expected),
                   limit=limit, what=f"{what} on {s.program} (now {flags(s)}, tilt {s.client().info('sentinel')['sentinel_tilt']})")


def disconnected_share(s, samples=10):
    """How many of `samples` looks at the master over 2 s found it flagged `disconnected`."""
    seen = 0
    for _ in range(samples):
        seen += "disconnected" in flags(s)[0].split(",")
        time.sleep(0.2)
    return seen


@pytest.mark.parametrize("data", ["redis-server", OURS], ids=["redis-nodes", "our-nodes"])
def test_refused_links_show_as_disconnected_until_the_credentials_are_set(procs, data):
    workdir, started = procs
    master, replica, sentinels = group(workdir, started, data=data)
    both_show(sentinels, ("master", "slave"), "a healthy group")

    # The data nodes stop accepting the default user; the replica follows with the new user. Killing
    # the default user's connections stands in for the restart that usually goes with such a change.
    for node in (master, replica):
        c = node.client()
        c.execute_command("ACL", "SETUSER", "admin", "on", ">pw", "~*", "&*", "+@all")
    replica.client().config_set("masteruser", "admin")
    replica.client().config_set("masterauth", "pw")
    for node in (master, replica):
        c = node.client()
        c.execute_command("ACL", "SETUSER", "default", "off")
        c.execute_command("CLIENT", "KILL", "USER", "default")

    down = ("s_down,master,disconnected", "s_down,slave,disconnected")
    both_show(sentinels, down, "links refused")
    real, ours = (disconnected_share(s) for s in sentinels)
    assert real >= 8, f"redis-sentinel showed the link connected in {10 - real} of 10 looks"
    assert ours >= 8, f"ours showed the link connected in {10 - ours} of 10 looks (redis-sentinel: {10 - real})"

    # A sentinel restarted with the old credentials is refused the same way.
    for s in sentinels:
        s.stop()
        s.start()
    # The margin is for a loaded machine: a sentinel whose first timer ticks come late enters TILT
    # (redis-sentinel too) and judges nothing down for 30 s.
    both_show(sentinels, down, "links refused after a restart", limit=45.0)

    # New credentials: every sentinel reconnects and sees both nodes healthy again.
    for s in sentinels:
        c = s.client()
        assert c.execute_command("SENTINEL", "SET", NAME, "auth-user", "admin") == "OK"
        assert c.execute_command("SENTINEL", "SET", NAME, "auth-pass", "pw") == "OK"
    both_show(sentinels, ("master", "slave"), "reconnected with the new credentials")


def peer_flags(s, password):
    """The flags of the one other sentinel, as SENTINEL SENTINELS shows them (asked as `admin`)."""
    peers = s.client(username="admin", password=password).execute_command("SENTINEL", "SENTINELS", NAME)
    if not peers:
        return None
    peer = dict(zip(peers[0][::2], peers[0][1::2])) if isinstance(peers[0], list) else peers[0]
    return ",".join(sorted(peer["flags"].split(",")))


def test_sentinels_authenticate_to_each_other_with_their_acl_users(procs):
    workdir, started = procs
    acl = ("user default off", "user admin on >apw ~* &* +@all")
    groups = {}
    for creds in ("apw", "wrong"):
        master = DataNode("redis-server", workdir, DATA_ARGS)
        started.append(master)
        master.start()
        extra = acl + ("sentinel sentinel-user admin", f"sentinel sentinel-pass {creds}")
        sentinels = []
        for prog in PROGRAMS:
            s = SentinelProc(prog, workdir, master.port, quorum=3, extra=extra)
            started.append(s)
            sentinels.append(s.start())
        groups[creds] = sentinels
    # The default user is off: a client must log in, on ours as on redis-sentinel.
    for s in groups["apw"]:
        with pytest.raises(redis.AuthenticationError):
            s.client().ping()
        assert s.client(username="admin", password="apw").execute_command("ACL", "WHOAMI") == "admin"
    for creds, sentinels in groups.items():
        for s in sentinels:
            wait_until(lambda: peer_flags(s, "apw") is not None, what=f"{s.program} discovers its peer ({creds})")
    time.sleep(3)  # three down-after periods: a peer that refuses the links is judged down by now
    good = [peer_flags(s, "apw") for s in groups["apw"]]
    bad = [peer_flags(s, "apw") for s in groups["wrong"]]
    assert good == ["sentinel", "sentinel"], good
    assert bad[0] == bad[1] and "s_down" in bad[0], bad


def addresses(s):
    """GET-MASTER-ADDR-BY-NAME's host, the master record's ip, the replica's name and ip."""
    c = s.client()
    rep = c.execute_command("SENTINEL", "REPLICAS", NAME)[0]
    rep = dict(zip(rep[::2], rep[1::2])) if isinstance(rep, list) else rep
    return c.execute_command("SENTINEL", "GET-MASTER-ADDR-BY-NAME", NAME)[0], c.sentinel_master(NAME)["ip"], rep["name"], rep["ip"]


def monitor_line(s):
    with open(s.conf) as f:
        return next(line.strip() for line in f if line.startswith(f"sentinel monitor {NAME} "))


def test_announce_hostnames_switches_between_names_and_ips_at_runtime(procs):
    workdir, started = procs
    extra = ("sentinel resolve-hostnames yes", "sentinel announce-hostnames yes")
    master, replica, sentinels = group(workdir, started, master_host="localhost",
                                       replica_args=("--replica-announce-ip", "localhost"), sentinel_extra=extra)
    events = Events(sentinels)
    started.append(events)
    named = ("localhost", "localhost", f"localhost:{replica.port}", "localhost")
    for s in sentinels:
        assert addresses(s) == named, s.program
        assert monitor_line(s) == f"sentinel monitor {NAME} localhost {master.port} 3", s.program

    for quorum, setting, host in ((1, "no", "127.0.0.1"), (3, "yes", "localhost")):
        for s in sentinels:
            c = s.client()
            assert c.execute_command("SENTINEL", "CONFIG", "SET", "announce-hostnames", setting) == "OK"
            # The replica keeps the name it was created with; only the address shown changes.
            assert addresses(s) == (host, host, f"localhost:{replica.port}", host), (s.program, setting)
            assert c.execute_command("SENTINEL", "SET", NAME, "quorum", str(quorum)) == "OK"
            assert monitor_line(s) == f"sentinel monitor {NAME} {host} {master.port} {quorum}", (s.program, setting)
            payload = f"master {NAME} {host} {master.port} quorum {quorum}"
            wait_until(lambda: any(port == s.port and ch == "+set" and data == payload for _, port, ch, data in events.items),
                       what=f"+set {payload} from {s.program}")
    # Neither sentinel took the other's IP-addressed hellos for a master switch.
    assert not events.named("+switch-master")
