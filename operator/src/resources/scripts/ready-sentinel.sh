#!/bin/sh
# Readiness of a sentinel pod: it answers and knows the master of its set.
# LOCAL_HOST (default 127.0.0.1) is where this pod's sentinel answers; tests point it elsewhere.
set -u
[ -n "${PASSWORD_FILE:-}" ] && [ -r "$PASSWORD_FILE" ] && REDISCLI_AUTH=$(cat "$PASSWORD_FILE") && export REDISCLI_AUTH
out=$(timeout 3 redis-cli --no-auth-warning -h "${LOCAL_HOST:-127.0.0.1}" -p "${SENTINEL_PORT:-26379}" \
  SENTINEL get-master-addr-by-name "$MASTER_SET" 2>/dev/null) || exit 1
[ -n "$out" ] || exit 1
case "$out" in *ERR*|*NOAUTH*|*WRONGPASS*) exit 1 ;; esac
exit 0
