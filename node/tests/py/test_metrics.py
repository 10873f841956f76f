"""`ha-metrics-port`: Prometheus metrics over HTTP from a data node and from a sentinel, with
redis_exporter's metric names, values that follow the server's state, and HTTP errors for other paths."""
import os
import tempfile
import urllib.error
import urllib.request

import pytest
import redis

from conftest import OURS, free_port
from sentinel_procs import SentinelProc
from test_persistence import Node, wait_until


def scrape(port, path="/metrics"):
    with urllib.request.urlopen(f"http://127.0.0.1:{port}{path}", timeout=5) as r:
        assert r.status == 200
        assert r.headers["Content-Type"].startswith("text/plain; version=0.0.4")
        return r.read().decode()


def samples(text):
    out = {}
    for line in text.splitlines():
        if line and not line.startswith("#"):
            name, value = line.rsplit(" ", 1)
            out[name] = float(value)
    return out


def test_data_node_metrics(tmp_path):
    mport = free_port()
    n = Node(OURS, str(tmp_path), ("--save", "", "--ha-metrics-port", str(mport)))
    n.start()
    try:
        c = n.client()
        for i in range(7):
            c.set(f"k{i}", i, ex=100 if i < 3 else None)
        c.execute_command("SELECT", 2)
        text = scrape(mport)
        m = samples(text)
        assert m["redis_up"] == 1
        assert m['redis_db_keys{db="db0"}'] == 7 and m['redis_db_keys_expiring{db="db0"}'] == 3
        assert m["redis_connected_clients"] >= 1
        assert m["redis_memory_used_bytes"] > 0
        assert m["redis_commands_processed_total"] >= 7
        assert "# TYPE redis_commands_processed_total counter" in text
        info = [k for k in m if k.startswith("redis_instance_info{")]
        assert len(info) == 1 and 'role="master"' in info[0] and 'redis_version="7.0.15"' in info[0]
        before = m["redis_commands_processed_total"]
        c.ping()
        assert samples(scrape(mport))["redis_commands_processed_total"] > before
        # CONFIG GET shows it by name, like Redis's hidden directives (not in CONFIG GET *).
        assert c.config_get("ha-metrics-port") == {"ha-metrics-port": str(mport)}
        assert "ha-metrics-port" not in c.config_get("*")
        with pytest.raises(urllib.error.HTTPError) as e:
            scrape(mport, "/nope")
        assert e.value.code == 404
    finally:
        n.stop()


def test_sentinel_metrics(tmp_path):
    master = Node(OURS, str(tmp_path), ("--save", ""))
    master.start()
    mport = free_port()
    s = SentinelProc(OURS, str(tmp_path), master.port, quorum=1, extra=(f"ha-metrics-port {mport}",))
    try:
        s.start()
        m = samples(scrape(mport))
        assert m["redis_up"] == 1
        assert m["redis_sentinel_masters"] == 1
        key = f'redis_sentinel_master_status{{master_name="mymaster",master_address="127.0.0.1:{master.port}"}}'
        assert m[key] == 1
        assert any(k.startswith("redis_instance_info{") and 'role="sentinel"' in k for k in m)
        # The master goes away: its status drops once the sentinel sees it down.
        master.kill9()
        wait_until(lambda: samples(scrape(mport)).get(key) == 0, what="master status 0 after it died")
    finally:
        s.stop()
        master.stop()
