"""TLS side by side with Debian's redis-server 7.0.15 (built with TLS): clients on `tls-port` with
redis-cli --tls and redis-py ssl=True, the refusals (no client certificate, a certificate from
another CA, an expired one, plaintext on the TLS port, a client that does not trust the server)
each leaving the server healthy, tls-auth-clients optional/no, certificate rotation with CONFIG
SET, replication over TLS in both directions, and a mixed sentinel quorum over TLS.
"""
import socket
import ssl
import subprocess
import tempfile
import time

import pytest
import redis
from redis.backoff import NoBackoff
from redis.retry import Retry

import tls_certs
from conftest import OURS, ServerProc, free_port
from test_persistence import wait_until

KINDS = {"ours": OURS, "redis": "redis-server"}


@pytest.fixture(scope="module")
def certs():
    d = tempfile.mkdtemp(prefix="pytest-tls-certs-")
    return tls_certs.make(d)


def tls_args(certs, port, *extra):
    return ("--port", "0", "--tls-port", str(port), "--tls-cert-file", certs["server"] + ".crt",
            "--tls-key-file", certs["server"] + ".key", "--tls-ca-cert-file", certs["ca"] + ".crt", *extra)


class TlsServer:
    """A server (ours or redis-server) listening on a TLS port only."""

    def __init__(self, kind, certs, *extra):
        self.kind = kind
        self.tls_port = free_port()
        # ServerProc waits for its --port: give it the TLS port to wait on, then listen on TLS only.
        self.proc = ServerProc(KINDS[kind], args=tls_args(certs, self.tls_port, *extra), name=f"tls-{kind}", wait_port=self.tls_port)
        self.certs = certs

    def client(self, cert="client", ca="ca", **kw):
        kw.setdefault("socket_timeout", 5)
        # A refused handshake is reported at once, not after redis-py's retries.
        kw.setdefault("retry", Retry(NoBackoff(), 0))
        c = self.certs
        return redis.Redis(host="127.0.0.1", port=self.tls_port, ssl=True, ssl_ca_certs=c[ca] + ".crt",
                           ssl_certfile=(c[cert] + ".crt") if cert else None, ssl_keyfile=(c[cert] + ".key") if cert else None,
                           ssl_check_hostname=False, decode_responses=True, **kw)

    def cli(self, *args, cert="client"):
        c = self.certs
        cmd = ["redis-cli", "-p", str(self.tls_port), "--tls", "--cacert", c["ca"] + ".crt"]
        if cert:
            cmd += ["--cert", c[cert] + ".crt", "--key", c[cert] + ".key"]
        p = subprocess.run(cmd + list(args), capture_output=True, timeout=20)
        return p.stdout + p.stderr

    def stop(self):
        self.proc.stop()


@pytest.fixture
def pair(certs):
    servers = {k: TlsServer(k, certs) for k in KINDS}
    yield servers
    for s in servers.values():
        s.stop()


def test_clients_over_tls_as_redis(pair):
    out = {}
    for kind, s in pair.items():
        got = [s.cli("PING"), s.cli("SET", "k", "v"), s.cli("GET", "k"), s.cli("--no-raw", "INCR", "n"), s.cli("DBSIZE")]
        c = s.client()
        p = c.pipeline(transaction=True)
        for i in range(100):
            p.rpush("list", i)
        p.lrange("list", 0, 2)
        got.append(repr(p.execute()[-1]))
        got.append(repr(c.get("k")))
        # A large value crosses many TLS records both ways.
        big = "x" * 3_000_000
        c.set("big", big)
        got.append(repr(c.get("big") == big))
        got.append(repr(" fd=" in c.client_list()[0] and c.client_list()[0]["addr"].startswith("127.0.0.1:")))
        out[kind] = got
    assert out["ours"] == out["redis"]
    assert out["redis"][0].strip() == b"PONG"


def outcome(f):
    try:
        return f()
    except (redis.ConnectionError, ssl.SSLError, OSError) as e:
        return f"refused ({type(e).__name__})"


def plaintext_on_tls_port(port):
    """What a plaintext client gets on the TLS port: no reply, the connection closed."""
    s = socket.create_connection(("127.0.0.1", port), timeout=5)
    try:
        s.sendall(b"PING\r\n")
        data = s.recv(1000)
        return "closed" if data == b"" else f"replied {data[:20]!r}"
    except OSError:
        return "closed"
    finally:
        s.close()


def test_refusals_leave_the_server_healthy(pair):
    got = {}
    for kind, s in pair.items():
        results = {
            "no client certificate": outcome(lambda: s.client(cert=None).ping()),
            "certificate of another CA": outcome(lambda: s.client(cert="stranger").ping()),
            "expired certificate": outcome(lambda: s.client(cert="expired").ping()),
            "client does not trust the server": outcome(lambda: s.client(ca="otherca").ping()),
            "plaintext on the TLS port": plaintext_on_tls_port(s.tls_port),
            "a good client afterwards": outcome(lambda: s.client().ping()),
        }
        got[kind] = results
    for what in got["redis"]:
        r, o = got["redis"][what], got["ours"][what]
        assert (r is True) == (o is True), f"{what}: redis {r}, ours {o}"
    assert got["ours"]["a good client afterwards"] is True
    assert got["ours"]["plaintext on the TLS port"] == "closed"
    assert all(str(v).startswith("refused") for k, v in got["ours"].items() if k not in ("a good client afterwards", "plaintext on the TLS port"))
    for s in pair.values():
        assert s.client().info("server")["redis_version"] == "7.0.15"


def test_auth_clients_optional_and_no(pair):
    got = {}
    for kind, s in pair.items():
        admin = s.client()
        row = []
        for mode in ("optional", "no", "yes"):
            admin.config_set("tls-auth-clients", mode)
            row.append((mode, outcome(lambda: s.client(cert=None).ping()), outcome(lambda: s.client().ping())))
        got[kind] = row
    assert got["ours"] == got["redis"]
    assert got["ours"][0][1] is True and got["ours"][2][1] != True  # noqa: E712


def peer_cn(port, certs):
    ctx = ssl.create_default_context(cafile=certs["ca"] + ".crt")
    ctx.check_hostname = False
    ctx.load_cert_chain(certs["client"] + ".crt", certs["client"] + ".key")
    with socket.create_connection(("127.0.0.1", port), timeout=5) as raw:
        with ctx.wrap_socket(raw) as s:
            return dict(x[0] for x in s.getpeercert()["subject"])["commonName"]


def test_certificates_rotate_with_config_set(pair, certs):
    got = {}
    for kind, s in pair.items():
        old = s.client()
        old.set("before", "1")
        first = peer_cn(s.tls_port, certs)
        # A certificate and its key change together, in one CONFIG SET.
        old.execute_command("CONFIG", "SET", "tls-cert-file", certs["server2"] + ".crt", "tls-key-file", certs["server2"] + ".key")
        second = peer_cn(s.tls_port, certs)
        # The connection made before keeps working; a broken setting changes nothing.
        still = old.get("before")
        try:
            old.config_set("tls-cert-file", "/nonexistent.crt")
            bad = "accepted"
        except redis.ResponseError as e:
            bad = str(e)
        got[kind] = (first, second, still, bad, peer_cn(s.tls_port, certs))
    assert got["ours"] == got["redis"]
    assert got["ours"][:3] == ("server", "server2", "1")


@pytest.mark.parametrize("master_kind,replica_kind", [("redis", "ours"), ("ours", "redis")])
def test_replication_over_tls(certs, master_kind, replica_kind):
    master = TlsServer(master_kind, certs)
    replica = TlsServer(replica_kind, certs, "--tls-replication", "yes")
    try:
        m, r = master.client(), replica.client()
        for i in range(200):
            m.set(f"k{i}", i)
        r.replicaof("127.0.0.1", master.tls_port)
        wait_until(lambda: r.info("replication").get("master_link_status") == "up", what="replica link up over TLS")
        m.set("after", "sync")
        wait_until(lambda: r.get("after") == "sync", what="stream over TLS")
        assert r.dbsize() == 201
        # Without tls-replication the replica cannot link to a TLS-only master.
        r.config_set("tls-replication", "no")
        r.execute_command("CLIENT", "KILL", "TYPE", "master")
        time.sleep(1.5)
        assert r.info("replication").get("master_link_status") == "down"
    finally:
        master.stop()
        replica.stop()


def test_mixed_sentinel_quorum_over_tls(certs, tmp_path):
    """A TLS-only master and replica (ours), watched over TLS by redis-sentinel and two of ours:
    they discover each other, and a SENTINEL FAILOVER promotes the replica."""
    # Every node replicates over TLS: after the switch the old master follows the new one.
    master = TlsServer("ours", certs, "--tls-replication", "yes")
    replica = TlsServer("ours", certs, "--tls-replication", "yes", "--replicaof", "127.0.0.1", str(master.tls_port))
    procs = []
    try:
        wait_until(lambda: replica.client().info("replication").get("master_link_status") == "up", what="replica up")
        ports = []
        for i, prog in enumerate(("redis-sentinel", OURS, OURS)):
            port = free_port()
            conf = tmp_path / f"s{i}.conf"
            conf.write_text(
                f"port 0\ntls-port {port}\nbind 127.0.0.1\ntls-replication yes\n"
                f"tls-cert-file {certs['server']}.crt\ntls-key-file {certs['server']}.key\ntls-ca-cert-file {certs['ca']}.crt\n"
                f"dir {tmp_path}\nlogfile {tmp_path}/s{i}.log\nsentinel monitor m 127.0.0.1 {master.tls_port} 2\n"
                "sentinel down-after-milliseconds m 1000\nsentinel failover-timeout m 5000\n")
            cmd = ["redis-sentinel", str(conf)] if prog == "redis-sentinel" else [OURS, str(conf), "--sentinel"]
            procs.append(subprocess.Popen(cmd, stdout=subprocess.DEVNULL, stderr=subprocess.STDOUT))
            ports.append(port)

        def sentinel(port):
            c = certs
            return redis.Redis(host="127.0.0.1", port=port, ssl=True, ssl_ca_certs=c["ca"] + ".crt", ssl_certfile=c["client"] + ".crt",
                               ssl_keyfile=c["client"] + ".key", ssl_check_hostname=False, decode_responses=True, socket_timeout=5)

        def settled(port):
            try:
                m = sentinel(port).sentinel_master("m")
            except (redis.ConnectionError, redis.ResponseError):
                return False
            return m["num-slaves"] == 1 and m["num-other-sentinels"] == 2 and "s_down" not in m["flags"]

        for port in ports:
            wait_until(lambda: settled(port), limit=60, what=f"sentinel {port} sees the group over TLS")
        assert sentinel(ports[1]).execute_command("SENTINEL", "FAILOVER", "m") == "OK"
        new_port = str(replica.tls_port)
        for port in ports:
            wait_until(lambda: sentinel(port).execute_command("SENTINEL", "GET-MASTER-ADDR-BY-NAME", "m")[1] == new_port,
                       limit=60, what=f"sentinel {port} follows the switch")
        wait_until(lambda: replica.client().info("replication")["role"] == "master", what="replica promoted")
    finally:
        for p in procs:
            p.terminate()
            p.wait(10)
        master.stop()
        replica.stop()


def _secret_volume(d, certs, name):
    """Lays the server's files out as the kubelet mounts a Secret: tls.crt -> ..data/tls.crt, with
    ..data a symlink to a timestamped directory that an update replaces in one rename."""
    version = d / f"..v-{name}-{time.time_ns()}"
    version.mkdir()
    for src, dst in ((certs[name] + ".crt", "tls.crt"), (certs[name] + ".key", "tls.key"), (certs["ca"] + ".crt", "ca.crt")):
        (version / dst).write_bytes(open(src, "rb").read())
    tmp = d / "..data_tmp"
    tmp.symlink_to(version.name)
    tmp.rename(d / "..data")
    for f in ("tls.crt", "tls.key", "ca.crt"):
        if not (d / f).is_symlink():
            (d / f).symlink_to(f"..data/{f}")


def test_certificates_rotate_on_disk_with_tls_auto_reload_interval(certs, tmp_path):
    """Valkey 9.1's tls-auto-reload-interval (Redis 7.0 has no such directive; the operator sets it):
    a Secret update swapped in by the kubelet reaches new connections of a data node and of a sentinel,
    which serves no CONFIG SET, without a restart; a half-swapped pair changes nothing."""
    vol = tmp_path / "tls"
    vol.mkdir()
    _secret_volume(vol, certs, "server")
    files = ("--tls-cert-file", str(vol / "tls.crt"), "--tls-key-file", str(vol / "tls.key"), "--tls-ca-cert-file", str(vol / "ca.crt"))
    port = free_port()
    node = ServerProc(OURS, args=("--port", "0", "--tls-port", str(port), *files, "--tls-auto-reload-interval", "1"), name="tls-reload",
                      wait_port=port)
    sport = free_port()
    conf = tmp_path / "sentinel.conf"
    conf.write_text(f"port 0\ntls-port {sport}\nbind 127.0.0.1\ntls-replication yes\ntls-auto-reload-interval 1\n"
                    f"tls-cert-file {vol}/tls.crt\ntls-key-file {vol}/tls.key\ntls-ca-cert-file {vol}/ca.crt\n"
                    f"dir {tmp_path}\nsentinel monitor m 127.0.0.1 {port} 1\n")
    sentinel = subprocess.Popen([OURS, str(conf), "--sentinel"], stdout=subprocess.DEVNULL, stderr=subprocess.STDOUT)
    try:
        wait_until(lambda: _cn_or_none(sport, certs) == "server", what="the sentinel serves TLS")
        c = TlsServer.__new__(TlsServer)
        c.tls_port, c.certs = port, certs
        old = c.client()
        old.set("k", "v")
        assert old.config_get("tls-auto-reload-interval") == {"tls-auto-reload-interval": "1"}
        assert "tls-auto-reload-interval" not in old.config_get("*"), "hidden, as Redis 7.0 has no such directive"
        assert peer_cn(port, certs) == "server"

        # The kubelet swaps the whole Secret at once.
        _secret_volume(vol, certs, "server2")
        wait_until(lambda: peer_cn(port, certs) == "server2", limit=10, what="the node presents the new certificate")
        wait_until(lambda: _cn_or_none(sport, certs) == "server2", limit=10, what="the sentinel presents the new certificate")
        assert old.get("k") == "v", "a connection made before keeps working"

        # A certificate without its key (written by hand, not by the kubelet) does not load: the
        # server keeps the settings it has, and takes the pair once the key follows.
        (vol / "..data" / "tls.crt").unlink()
        (vol / "..data" / "tls.crt").write_bytes(open(certs["server"] + ".crt", "rb").read())
        time.sleep(3)
        assert peer_cn(port, certs) == "server2"
        assert c.client().ping()
        (vol / "..data" / "tls.key").unlink()
        (vol / "..data" / "tls.key").write_bytes(open(certs["server"] + ".key", "rb").read())
        wait_until(lambda: peer_cn(port, certs) == "server", limit=10, what="the completed pair is taken")
        assert "do not load, keeping the current ones" in node.output()

        # 0 turns it off again.
        old.config_set("tls-auto-reload-interval", "0")
        _secret_volume(vol, certs, "server2")
        time.sleep(3)
        assert peer_cn(port, certs) == "server"
    finally:
        sentinel.terminate()
        sentinel.wait(10)
        node.stop()


def _cn_or_none(port, certs):
    try:
        return peer_cn(port, certs)
    except OSError:
        return None


def test_an_encrypted_private_key_with_tls_key_file_pass(certs, tmp_path):
    """tls-key-file-pass decrypts an encrypted PKCS#8 key, as Redis's OpenSSL does; a wrong passphrase
    stops the start-up, with Redis's messages."""
    def start(kind, password):
        port = free_port()
        args = ["--port", "0", "--tls-port", str(port), "--tls-cert-file", certs["server"] + ".crt", "--tls-key-file",
                certs["server-enc"] + ".key", "--tls-ca-cert-file", certs["ca"] + ".crt", "--tls-key-file-pass", password,
                "--dir", str(tmp_path), "--save", ""]
        return port, subprocess.Popen([KINDS[kind], *args], stdout=subprocess.PIPE, stderr=subprocess.STDOUT)

    for kind in KINDS:
        port, p = start(kind, "key-secret")
        try:
            wait_until(lambda: _cn_or_none(port, certs) == "server", what=f"{kind} serves TLS with the decrypted key")
        finally:
            p.terminate()
            p.wait(10)
    out = {}
    for kind in KINDS:
        _, p = start(kind, "wrong")
        text = p.communicate(timeout=20)[0].decode(errors="replace")
        out[kind] = (p.returncode, "Failed to load private key" in text, "Failed to configure TLS. Check logs for more info." in text)
    assert out["ours"] == out["redis"] == (1, True, True), out
