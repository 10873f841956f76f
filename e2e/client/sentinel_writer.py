"""Writes consecutive keys through the master a Sentinel names, for a fixed time, across failovers.

Each key is retried until acknowledged, so the acknowledged keys are e2e:0..n-1. Prints `progress N`
every second and, at the end, `RESULT {json}`: how many were acknowledged, the longest time without an
acknowledged write, the masters the client wrote to, and how many acknowledged keys the final master
lacks (writes lost in the switch), and the spans of time in which writes failed.

With `--wait N` a write counts as acknowledged only once `WAIT N` says N replicas have it, the way an
application that must not lose a write uses Redis; the e2e failover tests assert that none of those is lost.

The password is REDISCLI_AUTH (the same environment variable redis-cli reads).
"""

import argparse
import json
import os
import sys
import time

import redis
from redis.sentinel import Sentinel

ap = argparse.ArgumentParser()
ap.add_argument("--sentinel", required=True, help="host:port of the sentinel Service")
ap.add_argument("--master", required=True, help="master set name")
ap.add_argument("--seconds", type=float, default=60)
ap.add_argument("--interval", type=float, default=0.05)
ap.add_argument("--stop-key", help="stop early once this key exists (checked every second)")
ap.add_argument("--wait", type=int, default=0, help="replicas that must acknowledge each write (WAIT)")
ap.add_argument("--wait-timeout-ms", type=int, default=300, help="below the 0.5 s socket timeout")
args = ap.parse_args()

host, port = args.sentinel.rsplit(":", 1)
password = os.environ.get("REDISCLI_AUTH") or None
sentinel = Sentinel([(host, int(port))], socket_timeout=0.5, sentinel_kwargs={"password": password, "socket_timeout": 0.5})
master = sentinel.master_for(args.master, socket_timeout=0.5, socket_connect_timeout=0.5, password=password, retry_on_timeout=False)

acked = 0
errors = 0
first_error_at_ack = None
masters = []  # addresses the sentinels named while the client wrote, in order
switched_at_ack = None  # acknowledged writes when the current master was first seen
rediscover = True
start = last_ok = time.monotonic()
longest_outage = 0.0
error_spans = []  # [first failure, last failure] in seconds since the start, one per run of failures
unconfirmed = 0  # writes WAIT did not confirm in time (retried under the same key)
end = time.monotonic() + args.seconds
next_progress = time.monotonic()
while time.monotonic() < end:
    try:
        master.set(f"e2e:{acked}", acked)
        if args.wait and master.execute_command("WAIT", args.wait, args.wait_timeout_ms) < args.wait:
            unconfirmed += 1
            rediscover = True
        else:
            now = time.monotonic()
            longest_outage = max(longest_outage, now - last_ok)
            last_ok = now
            acked += 1
        if rediscover:
            # Which master the sentinels name: asked apart from the write, so a sentinel pod that is
            # restarting (they roll too) is not counted as a failed write; asked again next time.
            try:
                addr = "%s:%s" % sentinel.discover_master(args.master)
                if not masters or masters[-1] != addr:
                    masters.append(addr)
                    switched_at_ack = acked
                rediscover = False
            except (redis.ConnectionError, redis.TimeoutError) as e:
                print(f"sentinels not asked ({type(e).__name__}: {e}); the write itself was acknowledged", flush=True)
        time.sleep(args.interval)
    except (redis.ConnectionError, redis.TimeoutError, redis.ReadOnlyError, redis.ResponseError) as e:
        errors += 1
        rediscover = True
        t = round(time.monotonic() - start, 3)
        if error_spans and t - error_spans[-1][1] < 1.0:
            error_spans[-1][1] = t
        else:
            error_spans.append([t, t])
        if first_error_at_ack is None:
            first_error_at_ack = acked
            print(f"first error after {acked} writes: {type(e).__name__}: {e}", flush=True)
        time.sleep(0.1)
    if time.monotonic() >= next_progress:
        print(f"progress {acked}", flush=True)
        if args.stop_key:
            try:
                if master.exists(args.stop_key):
                    break
            except (redis.ConnectionError, redis.TimeoutError, redis.ResponseError):
                pass
        next_progress += 1.0
        rediscover = True
longest_outage = max(longest_outage, time.monotonic() - last_ok)

lost = None
for _ in range(30):
    try:
        pipe = master.pipeline(transaction=False)
        for i in range(acked):
            pipe.exists(f"e2e:{i}")
        lost = sum(1 for present in pipe.execute() if not present)
        break
    except (redis.ConnectionError, redis.TimeoutError) as e:
        print(f"read-back retry: {e}", flush=True)
        time.sleep(1)

result = {
    "acked": acked,
    "errors": errors,
    "error_spans": error_spans,
    "unconfirmed": unconfirmed,
    "first_error_at": first_error_at_ack,
    "acked_on_last_master": acked - switched_at_ack if switched_at_ack is not None else 0,
    "longest_outage_seconds": round(longest_outage, 3),
    "masters": masters,
    "lost": lost,
}
print("RESULT " + json.dumps(result), flush=True)
sys.exit(0 if lost is not None else 1)
