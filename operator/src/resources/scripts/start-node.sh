#!/bin/sh
# Starts a data pod: builds the live redis.conf from the ConfigMap's, adds what is per pod (announced
# hostname, password from the mounted Secret, replicaof) and execs redis-ha-node.
#
# Who is master: the sentinels' answer wins. Without one (first start), pod 0 is master and the others
# replicate it, so a new set never starts with two masters. A pod the sentinels still call master but
# that restarted with no data (no persistence, or a lost volume) starts as a replica instead: serving as
# an empty master would make every replica resync an empty dataset, while as a replica it makes the
# sentinels fail over to a pod that has the data.
set -eu

CONF_DIR=/run/redis-ha
CONF="$CONF_DIR/redis.conf"
SELF="$POD_NAME.$DATA_DOMAIN"
ORDINAL="${POD_NAME##*-}"

cp /etc/redis-ha/config/redis.conf "$CONF"
chmod 0600 "$CONF"
printf 'replica-announce-ip %s\n' "$SELF" >> "$CONF"

if [ -n "${PASSWORD_FILE:-}" ]; then
  if [ ! -r "$PASSWORD_FILE" ]; then
    echo "start-node: password file $PASSWORD_FILE is missing" >&2
    exit 1
  fi
  pw=$(cat "$PASSWORD_FILE")
  case "$pw" in
    *"
"*) echo "start-node: the password must be one line" >&2; exit 1 ;;
  esac
  # redis.conf quoting: backslash and double quote are escaped inside "...".
  quoted=$(printf '%s' "$pw" | sed -e 's/\\/\\\\/g' -e 's/"/\\"/g')
  printf 'requirepass "%s"\nmasterauth "%s"\n' "$quoted" "$quoted" >> "$CONF"
  REDISCLI_AUTH="$pw"
  export REDISCLI_AUTH
fi

has_data() {
  [ -s /data/dump.rdb ] || [ -n "$(ls -A /data/appendonlydir 2>/dev/null)" ]
}

master=""
i=0
while [ "$i" -lt 3 ] && [ -z "$master" ]; do
  master=$(timeout 3 redis-cli --no-auth-warning -h "$SENTINEL_SERVICE" -p "$SENTINEL_PORT" \
    SENTINEL get-master-addr-by-name "$MASTER_SET" 2>/dev/null | head -n 1 || true)
  case "$master" in *ERR*|*NOAUTH*|*WRONGPASS*) master="" ;; esac
  [ -n "$master" ] || sleep 1
  i=$((i + 1))
done

if [ -z "$master" ]; then
  if [ "$ORDINAL" = 0 ]; then
    echo "start-node: no sentinel knows a master; pod 0 starts as master"
  else
    master="$MASTER_SET-0.$DATA_DOMAIN"
  fi
elif [ "$master" = "$SELF" ] || [ "$master" = "$POD_NAME" ]; then
  if has_data || [ "$REPLICAS" -le 1 ]; then
    master=""
    echo "start-node: the sentinels name this pod master"
  else
    next=$(( (ORDINAL + 1) % REPLICAS ))
    master="$MASTER_SET-$next.$DATA_DOMAIN"
    echo "start-node: named master but restarted without data; replicating $master so the sentinels fail over"
  fi
fi

if [ -n "$master" ]; then
  printf 'replicaof %s %s\n' "$master" "$DATA_PORT" >> "$CONF"
  echo "start-node: replica of $master"
fi

exec redis-ha-node "$CONF"
