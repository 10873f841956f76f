#!/bin/sh
# Starts a sentinel pod: finds the current master (another sentinel's answer, else a data pod that says
# it is master), writes the live sentinel.conf (sentinel rewrites it, so it lives on a writable emptyDir)
# and execs `redis-ha-node --sentinel`.
#
# When neither answers, the data pods are still choosing among themselves (start-node.sh), so this
# waits for one of them to say it is master; only after SENTINEL_BOOT_WAIT_SECONDS does it fall back to
# pod 0. Naming pod 0 at once would make the sentinels crown it even when it restarted empty and a peer
# holds the data, which the data pods then follow.
#
# Paths and addresses come from the environment, defaulting to the pod's, so tests can run this script
# on one machine: CONFIG_DIR, CONF_DIR, REDIS_HA_NODE, DATA_HOSTS (the data pods' addresses by ordinal,
# space-separated) and ANNOUNCE_HOST (this sentinel's address).
set -eu

# spec.tls: redis-cli speaks TLS with the pod's own certificate (TLS_DIR: the mounted Secret). Used
# unquoted on purpose, split into words; the paths hold no spaces.
REDIS_CLI="redis-cli"
if [ -n "${TLS_DIR:-}" ]; then
  REDIS_CLI="redis-cli --tls --cacert $TLS_DIR/ca.crt --cert $TLS_DIR/tls.crt --key $TLS_DIR/tls.key"
fi

CONFIG_DIR="${CONFIG_DIR:-/etc/redis-ha/config}"
CONF_DIR="${CONF_DIR:-/run/redis-ha}"
REDIS_HA_NODE="${REDIS_HA_NODE:-redis-ha-node}"
# Longer than start-node.sh's BOOT_WAIT_SECONDS, so the data pods get to choose first, and short enough
# for the liveness probe (10 s delay + 6 failures x 10 s) not to kill a sentinel that is still waiting.
SENTINEL_BOOT_WAIT_SECONDS="${SENTINEL_BOOT_WAIT_SECONDS:-45}"
CONF="$CONF_DIR/sentinel.conf"
SELF="${ANNOUNCE_HOST:-$POD_NAME.$SENTINEL_DOMAIN}"

data_host() {
  if [ -n "${DATA_HOSTS:-}" ]; then
    # shellcheck disable=SC2086
    printf '%s\n' $DATA_HOSTS | sed -n "$(($1 + 1))p"
  else
    printf '%s-%s.%s\n' "$MASTER_SET" "$1" "$DATA_DOMAIN"
  fi
}

if [ -n "${PASSWORD_FILE:-}" ]; then
  pw=$(cat "$PASSWORD_FILE")
  REDISCLI_AUTH="$pw"
  export REDISCLI_AUTH
fi

# The operator's own ACL user (with spec.auth): least privilege, its name and rules from the ConfigMap
# ($1), its password from the Secret the operator generated. Printed as a `user` line.
operator_user() {
  if [ -n "${OPERATOR_PASSWORD_FILE:-}" ] && [ -r "$OPERATOR_PASSWORD_FILE" ] && [ -s "$CONFIG_DIR/$1" ]; then
    read -r oname orules < "$CONFIG_DIR/$1"
    printf 'user %s on ">%s" %s\n' "$oname" "$(cat "$OPERATOR_PASSWORD_FILE")" "$orules"
  fi
}

# The master another sentinel knows, else the data pod that says it is master; nothing if none.
find_master() {
  m=$(timeout 3 $REDIS_CLI --no-auth-warning -h "$SENTINEL_SERVICE" -p "$SENTINEL_PORT" \
    SENTINEL get-master-addr-by-name "$MASTER_SET" 2>/dev/null | head -n 1 || true)
  case "$m" in *ERR*|*NOAUTH*|*WRONGPASS*) m="" ;; esac
  if [ -n "$m" ]; then
    printf '%s' "$m"
    return
  fi
  n=0
  while [ "$n" -lt "$REPLICAS" ]; do
    host=$(data_host "$n")
    if timeout 2 $REDIS_CLI --no-auth-warning -h "$host" -p "$DATA_PORT" INFO replication 2>/dev/null \
      | tr -d '\r' | grep -qx 'role:master'; then
      printf '%s' "$host"
      return
    fi
    n=$((n + 1))
  done
}

start=$(date +%s)
master=$(find_master)
while [ -z "$master" ] && [ $(($(date +%s) - start)) -lt "$SENTINEL_BOOT_WAIT_SECONDS" ]; do
  sleep 1
  master=$(find_master)
done
if [ -z "$master" ]; then
  master=$(data_host 0)
  echo "start-sentinel: no master found in ${SENTINEL_BOOT_WAIT_SECONDS}s; assuming pod 0"
fi

{
  cat "$CONFIG_DIR/sentinel.conf"
  printf 'sentinel announce-ip %s\n' "$SELF"
  printf 'sentinel monitor %s %s %s %s\n' "$MASTER_SET" "$master" "$DATA_PORT" "$QUORUM"
  cat "$CONFIG_DIR/sentinel-master.conf"
  if [ -n "${pw:-}" ]; then
    quoted=$(printf '%s' "$pw" | sed -e 's/\\/\\\\/g' -e 's/"/\\"/g')
    printf 'requirepass "%s"\n' "$quoted"
    printf 'sentinel auth-pass %s "%s"\n' "$MASTER_SET" "$quoted"
  fi
  operator_user operator-acl-sentinel
} > "$CONF"
chmod 0600 "$CONF"
echo "start-sentinel: monitoring $MASTER_SET at $master"

exec "$REDIS_HA_NODE" "$CONF" --sentinel
