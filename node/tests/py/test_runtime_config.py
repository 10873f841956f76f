"""CONFIG SET of `port`, `bind` and `maxclients` while the server runs, on ours and on a real
redis-server 7.0.15 side by side: the server listens where it is told at once, connected clients
keep their connections, an address that cannot be bound gives Redis's error and the server keeps
listening where it was, and maxclients turns away the next client with Redis's error.
"""
import socket

import pytest
import redis

from conftest import OURS, ServerProc, free_port

KINDS = {"ours": OURS, "redis": "redis-server"}


@pytest.fixture(params=sorted(KINDS))
def server(request):
    s = ServerProc(KINDS[request.param], name=f"rtcfg-{request.param}")
    yield s
    s.stop()


def listening(port, host="127.0.0.1"):
    try:
        socket.create_connection((host, port), timeout=1).close()
        return True
    except OSError:
        return False


def test_port_moves_at_once_and_clients_stay(server):
    c = redis.Redis(port=server.port)
    c.set("k", "v")
    new = free_port()
    assert c.config_set("port", new) is True
    assert not listening(server.port), "the old port still accepts"
    assert redis.Redis(port=new).get("k") == b"v"
    # The connection that changed it is still served.
    assert c.config_get("port") == {"port": str(new)}
    assert c.ping() is True
    # Back again: the same port can be bound once more.
    assert redis.Redis(port=new).config_set("port", server.port) is True
    assert listening(server.port) and not listening(new)


def test_a_port_in_use_is_refused_and_the_old_one_kept(server):
    c = redis.Redis(port=server.port)
    taken = socket.socket()
    taken.bind(("0.0.0.0", 0))
    taken.listen(1)
    try:
        busy = taken.getsockname()[1]
        with pytest.raises(redis.ResponseError) as e:
            c.config_set("port", busy)
        assert str(e.value) == "CONFIG SET failed (possibly related to argument 'port') - Unable to listen on this port. Check server logs."
        assert c.config_get("port") == {"port": str(server.port)}
        assert listening(server.port)
        assert redis.Redis(port=server.port).ping() is True
    finally:
        taken.close()


def test_bind_changes_the_addresses(server):
    c = redis.Redis(port=server.port)
    assert c.config_set("bind", "127.0.0.2") is True
    assert c.config_get("bind") == {"bind": "127.0.0.2"}
    assert not listening(server.port, "127.0.0.1")
    assert redis.Redis(host="127.0.0.2", port=server.port).ping() is True
    assert c.ping() is True
    with pytest.raises(redis.ResponseError) as e:
        c.config_set("bind", "192.0.2.77")
    assert str(e.value) == "CONFIG SET failed (possibly related to argument 'bind') - Failed to bind to specified addresses."
    assert c.config_get("bind") == {"bind": "127.0.0.2"}
    assert redis.Redis(host="127.0.0.2", port=server.port).ping() is True
    # An optional address that is not there is skipped.
    assert c.config_set("bind", "127.0.0.1 -192.0.2.77") is True
    assert redis.Redis(port=server.port).ping() is True
    assert not listening(server.port, "127.0.0.2")


def test_maxclients_applies_to_the_next_client(server):
    c = redis.Redis(port=server.port, single_connection_client=True)
    c.ping()
    assert c.config_set("maxclients", 2) is True
    second = redis.Redis(port=server.port, single_connection_client=True)
    assert second.ping() is True
    third = socket.create_connection(("127.0.0.1", server.port), timeout=2)
    third.sendall(b"PING\r\n")
    assert third.recv(100) == b"-ERR max number of clients reached\r\n"
    third.close()
    assert c.config_set("maxclients", 10) is True
    assert redis.Redis(port=server.port).ping() is True
