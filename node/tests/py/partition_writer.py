"""Writes unique keys w:0, w:1, ... to one server for a while and reports, as one JSON line on stdout,
every acknowledged key with its time and every error with its time and code. Run beside the master in
its network namespace (test_partition.py), so a cut isolates the two together.

Usage: partition_writer.py PORT SECONDS
"""
import json
import sys
import time

import redis

port, seconds = int(sys.argv[1]), float(sys.argv[2])
r = redis.Redis(host="127.0.0.1", port=port, socket_timeout=5, socket_connect_timeout=2)
acked, errors = [], []
n = 0
end = time.time() + seconds
while time.time() < end:
    key = f"w:{n}"
    n += 1
    try:
        r.set(key, n)
        acked.append([n - 1, time.time()])
    except redis.ResponseError as e:
        errors.append([time.time(), str(e).split(" ", 1)[0]])
        time.sleep(0.005)
    except (redis.ConnectionError, redis.TimeoutError) as e:
        errors.append([time.time(), type(e).__name__])
        time.sleep(0.05)
print(json.dumps({"acked": acked, "errors": errors}), flush=True)
