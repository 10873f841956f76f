#!/bin/sh
# Readiness of a sentinel pod: it answers and knows the master of its set.
# LOCAL_HOST (default 127.0.0.1) is where this pod's sentinel answers; tests point it elsewhere.
set -u
[ -n "${PASSWORD_FILE:-}" ] && [ -r "$PASSWORD_FILE" ] && REDISCLI_AUTH=$(cat "$PASSWORD_FILE") && export REDISCLI_AUTH
# spec.tls: redis-cli speaks TLS with the pod's own certificate (TLS_DIR: the mounted Secret). Used
# unquoted on purpose, split into words; the paths hold no spaces.
REDIS_CLI="redis-cli"
if [ -n "${TLS_DIR:-}" ]; then
  REDIS_CLI="redis-cli --tls --cacert $TLS_DIR/ca.crt --cert $TLS_DIR/tls.crt --key $TLS_DIR/tls.key"
fi
out=$(timeout 3 $REDIS_CLI --no-auth-warning -h "${LOCAL_HOST:-127.0.0.1}" -p "${SENTINEL_PORT:-26379}" \
  SENTINEL get-master-addr-by-name "$MASTER_SET" 2>/dev/null) || exit 1
[ -n "$out" ] || exit 1
case "$out" in *ERR*|*NOAUTH*|*WRONGPASS*) exit 1 ;; esac
# A sentinel that knows no replica cannot fail over (it learns them from the master's INFO, every 10 s):
# not ready until it knows one, so a RedisHA is Ready only once a failover can happen.
if [ "${REPLICAS:-1}" -gt 1 ]; then
  n=$(timeout 3 $REDIS_CLI --no-auth-warning -h "${LOCAL_HOST:-127.0.0.1}" -p "${SENTINEL_PORT:-26379}" \
    SENTINEL master "$MASTER_SET" 2>/dev/null | tr -d '\r' | sed -n '/^num-slaves$/{n;p;}')
  [ "${n:-0}" -ge 1 ] 2>/dev/null || exit 1
fi
exit 0
