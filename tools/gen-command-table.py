#!/usr/bin/env python3
"""Captures COMMAND INFO and COMMAND DOCS from a real redis-server 7.0 as RESP3 bytes.

The node replays these (filtered to the commands it implements) so COMMAND replies, arity checks,
flags and key positions match Redis 7.0 exactly. Usage: tools/gen-command-table.py [port]
with a redis-server 7.0 listening on 127.0.0.1:port (default 6379).

`tools/gen-command-table.py <port> sentinel` captures a redis-sentinel 7.0 instead (its command table is
the 15 commands a sentinel serves, with the SENTINEL subcommands) into redis-7.0-sentinel-commands.resp3.
"""
import socket, sys, time, pathlib

port = int(sys.argv[1]) if len(sys.argv) > 1 else 6379
sentinel = len(sys.argv) > 2 and sys.argv[2] == "sentinel"
name = "redis-7.0-sentinel-commands.resp3" if sentinel else "redis-7.0-commands.resp3"
out = pathlib.Path(__file__).resolve().parent.parent / "node" / "src" / "cmd" / name

def read_all(sock, idle=1.0):
    sock.settimeout(idle)
    data = b""
    while True:
        try:
            chunk = sock.recv(1 << 20)
        except socket.timeout:
            return data
        if not chunk:
            return data
        data += chunk

s = socket.create_connection(("127.0.0.1", port))
s.sendall(b"HELLO 3\r\n")
hello = read_all(s, 0.5)
s.sendall(b"COMMAND INFO\r\n")
info = read_all(s)
s.sendall(b"COMMAND DOCS\r\n")
docs = read_all(s)
out.write_bytes(info + docs)
print(f"wrote {out} ({len(info)} + {len(docs)} bytes)")
