#!/bin/sh
# Readiness of a data pod: serving as master (and not fenced), or replica with a live, finished sync. A replica still
# loading or cut off from its master is not ready, so `<name>-replicas` never routes reads to stale data.
# LOCAL_HOST (default 127.0.0.1) is where this pod's own server answers; tests point it elsewhere.
set -u
[ -n "${PASSWORD_FILE:-}" ] && [ -r "$PASSWORD_FILE" ] && REDISCLI_AUTH=$(cat "$PASSWORD_FILE") && export REDISCLI_AUTH
# spec.tls: redis-cli speaks TLS with the pod's own certificate (TLS_DIR: the mounted Secret). Used
# unquoted on purpose, split into words; the paths hold no spaces.
REDIS_CLI="redis-cli"
if [ -n "${TLS_DIR:-}" ]; then
  REDIS_CLI="redis-cli --tls --cacert $TLS_DIR/ca.crt --cert $TLS_DIR/tls.crt --key $TLS_DIR/tls.key"
fi
info=$(timeout 3 $REDIS_CLI --no-auth-warning -h "${LOCAL_HOST:-127.0.0.1}" -p "${DATA_PORT:-6379}" INFO replication 2>/dev/null | tr -d '\r') || exit 1
# A master fenced off from the majority of its sentinels (writeSafety fenced or sync) refuses writes:
# not ready, so the master Service stops sending clients to it until it hears from them again.
case "$info" in
  *"role:master"*) printf '%s\n' "$info" | grep -qx 'ha_fenced:1' && exit 1; exit 0 ;;
esac
printf '%s\n' "$info" | grep -qx 'master_link_status:up' || exit 1
printf '%s\n' "$info" | grep -qx 'master_sync_in_progress:1' && exit 1
exit 0
