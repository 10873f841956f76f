#!/bin/sh
# preStop of a data pod: a master hands mastership over (SENTINEL FAILOVER) and waits until the handover
# is done, so a rolling update or a drain costs a switchover instead of a down-after timeout. Done means
# demoted AND linked to the new master: a coordinated switchover demotes the master first and then
# hands over by connecting to the target (PSYNC ... FAILOVER), which promotes itself only when that
# connection arrives. Returning at the demotion let the kubelet's SIGTERM stop the process before the
# connection was made (over TLS, whose handshake takes longer, it did), and the sentinels aborted the
# failover with the old master back as master.
# LOCAL_HOST (default 127.0.0.1) is where this pod's own server answers; tests point it elsewhere.
set -u
LOCAL_HOST="${LOCAL_HOST:-127.0.0.1}"
[ -n "${PASSWORD_FILE:-}" ] && [ -r "$PASSWORD_FILE" ] && REDISCLI_AUTH=$(cat "$PASSWORD_FILE") && export REDISCLI_AUTH
# spec.tls: redis-cli speaks TLS with the pod's own certificate (TLS_DIR: the mounted Secret). Used
# unquoted on purpose, split into words; the paths hold no spaces.
REDIS_CLI="redis-cli"
if [ -n "${TLS_DIR:-}" ]; then
  REDIS_CLI="redis-cli --tls --cacert $TLS_DIR/ca.crt --cert $TLS_DIR/tls.crt --key $TLS_DIR/tls.key"
fi
replication() {
  timeout 3 $REDIS_CLI --no-auth-warning -h "$LOCAL_HOST" -p "${DATA_PORT:-6379}" INFO replication 2>/dev/null | tr -d '\r'
}
role() {
  replication | sed -n 's/^role://p'
}
[ "$(role)" = master ] || exit 0
[ "$REPLICAS" -gt 1 ] || exit 0
# NOGOODSLAVE: the sentinels know no replica yet (they learn them from the master's INFO, every 10 s),
# so a master stopped right after its replicas attached would find nobody to hand over to; and a master
# that stops with nobody to take over comes back empty. Ask again until they know one.
i=0
while :; do
  out=$(timeout 3 $REDIS_CLI --no-auth-warning -h "$SENTINEL_SERVICE" -p "$SENTINEL_PORT" SENTINEL FAILOVER "$MASTER_SET" 2>&1)
  case "$out" in
    # INPROG: a failover is already running (the operator's switchover, say): wait for it all the same.
    OK|*INPROG*) break ;;
    *NOGOODSLAVE*) if [ "$i" -lt "$FAILOVER_WAIT_SECONDS" ]; then sleep 1; i=$((i + 1)); continue; fi ;;
  esac
  echo "pre-stop: SENTINEL FAILOVER refused: $out" >&2
  exit 0
done
i=0
while [ "$i" -lt "$FAILOVER_WAIT_SECONDS" ]; do
  info=$(replication)
  case "$info" in
    *role:slave*master_link_status:up*) exit 0 ;;
  esac
  sleep 1
  i=$((i + 1))
done
echo "pre-stop: the handover did not complete within ${FAILOVER_WAIT_SECONDS}s" >&2
exit 0
