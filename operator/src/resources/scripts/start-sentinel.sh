#!/bin/sh
# Starts a sentinel pod: finds the current master (another sentinel's answer, else a data pod that says
# it is master, else data pod 0), writes the live sentinel.conf (sentinel rewrites it, so it lives on a
# writable emptyDir) and execs `redis-ha-node --sentinel`.
set -eu

CONF_DIR=/run/redis-ha
CONF="$CONF_DIR/sentinel.conf"
SELF="$POD_NAME.$SENTINEL_DOMAIN"

if [ -n "${PASSWORD_FILE:-}" ]; then
  pw=$(cat "$PASSWORD_FILE")
  REDISCLI_AUTH="$pw"
  export REDISCLI_AUTH
fi

master=$(timeout 3 redis-cli --no-auth-warning -h "$SENTINEL_SERVICE" -p "$SENTINEL_PORT" \
  SENTINEL get-master-addr-by-name "$MASTER_SET" 2>/dev/null | head -n 1 || true)
case "$master" in *ERR*|*NOAUTH*|*WRONGPASS*) master="" ;; esac

if [ -z "$master" ]; then
  n=0
  while [ "$n" -lt "$REPLICAS" ]; do
    host="$MASTER_SET-$n.$DATA_DOMAIN"
    if timeout 2 redis-cli --no-auth-warning -h "$host" -p "$DATA_PORT" INFO replication 2>/dev/null \
      | grep -q '^role:master'; then
      master="$host"
      break
    fi
    n=$((n + 1))
  done
fi
[ -n "$master" ] || master="$MASTER_SET-0.$DATA_DOMAIN"

{
  cat /etc/redis-ha/config/sentinel.conf
  printf 'sentinel announce-ip %s\n' "$SELF"
  printf 'sentinel monitor %s %s %s %s\n' "$MASTER_SET" "$master" "$DATA_PORT" "$QUORUM"
  cat /etc/redis-ha/config/sentinel-master.conf
  if [ -n "${pw:-}" ]; then
    quoted=$(printf '%s' "$pw" | sed -e 's/\\/\\\\/g' -e 's/"/\\"/g')
    printf 'requirepass "%s"\n' "$quoted"
    printf 'sentinel auth-pass %s "%s"\n' "$MASTER_SET" "$quoted"
  fi
} > "$CONF"
chmod 0600 "$CONF"
echo "start-sentinel: monitoring $MASTER_SET at $master"

exec redis-ha-node "$CONF" --sentinel
