#!/bin/sh
# Starts a data pod: builds the live redis.conf from the ConfigMap's, adds what is per pod (announced
# hostname, password from the mounted Secret, replicaof) and execs redis-ha-node.
#
# Who is master:
# - The sentinels' answer wins. A pod they name master that restarted with no data (no persistence, or
#   a lost volume) starts as a replica instead: serving as an empty master would make every replica
#   resync an empty dataset, while as a replica it makes the sentinels fail over to a pod with the data.
# - No sentinel knows the group (first start, or everything restarted, sentinels included): the data
#   pods settle it among themselves (choose_without_sentinels), and an empty pod never wins over a peer
#   with data. The sentinels wait for that choice (start-sentinel.sh).
#
# Paths and peer addresses are read from the environment, defaulting to the pod's, so tests can run this
# script on one machine: CONFIG_DIR, CONF_DIR, DATA_DIR, REDIS_HA_NODE, and DATA_HOSTS (the data pods'
# addresses by ordinal, space-separated; default their stable DNS names).
set -eu

CONFIG_DIR="${CONFIG_DIR:-/etc/redis-ha/config}"
CONF_DIR="${CONF_DIR:-/run/redis-ha}"
DATA_DIR="${DATA_DIR:-/data}"
REDIS_HA_NODE="${REDIS_HA_NODE:-redis-ha-node}"
# How long an empty pod of a persistent set waits for a peer with data before the first-start default
# (pod 0 master). Without persistence a restarting peer has nothing to wait for.
BOOT_WAIT_SECONDS="${BOOT_WAIT_SECONDS:-30}"
# A pod with data claims mastership ORDINAL * this many seconds after it starts asking, so when several
# start together the lowest ordinal claims first and the others see it and replicate it.
CLAIM_STAGGER_SECONDS="${CLAIM_STAGGER_SECONDS:-2}"
PROBE_TIMEOUT="${PROBE_TIMEOUT:-2}"
CONF="$CONF_DIR/redis.conf"
ORDINAL="${POD_NAME##*-}"

data_host() {
  if [ -n "${DATA_HOSTS:-}" ]; then
    # Word splitting of DATA_HOSTS is the point here.
    # shellcheck disable=SC2086
    printf '%s\n' $DATA_HOSTS | sed -n "$(($1 + 1))p"
  else
    printf '%s-%s.%s\n' "$MASTER_SET" "$1" "$DATA_DOMAIN"
  fi
}
SELF=$(data_host "$ORDINAL")

cp "$CONFIG_DIR/redis.conf" "$CONF"
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

# Without persistence the dataset comes from the master, never from a file: a dump.rdb that a
# replica's full sync left on the emptyDir (it survives container restarts) is an old snapshot, and
# loading it would let this pod pass for one with data, or serve it, stale, as master.
if [ "${PERSISTENCE:-}" = none ]; then
  rm -f "$DATA_DIR/dump.rdb" "$DATA_DIR"/temp-*.rdb
fi

has_data() {
  [ -s "$DATA_DIR/dump.rdb" ] || [ -n "$(ls -A "$DATA_DIR/appendonlydir" 2>/dev/null)" ]
}

# The master the sentinels name (host only), or nothing.
sentinel_master() {
  m=$(timeout 3 redis-cli --no-auth-warning -h "$SENTINEL_SERVICE" -p "$SENTINEL_PORT" \
    SENTINEL get-master-addr-by-name "$MASTER_SET" 2>/dev/null | head -n 1 || true)
  case "$m" in *ERR*|*NOAUTH*|*WRONGPASS*) m="" ;; esac
  printf '%s' "$m"
}

# Sets $master from the sentinels' answer $1 ("" = this pod is master).
follow_sentinels() {
  master="$1"
  if [ "$master" = "$SELF" ] || [ "$master" = "$POD_NAME" ]; then
    if has_data || [ "$REPLICAS" -le 1 ]; then
      master=""
      echo "start-node: the sentinels name this pod master"
    else
      master=$(data_host $(((ORDINAL + 1) % REPLICAS)))
      echo "start-node: named master but restarted without data; replicating $master so the sentinels fail over"
    fi
  fi
}

# One peer's INFO, carriage returns stripped; nothing when it does not answer in time.
peer_info() {
  timeout "$PROBE_TIMEOUT" redis-cli --no-auth-warning -h "$1" -p "$DATA_PORT" INFO 2>/dev/null | tr -d '\r' || true
}

field() {
  printf '%s\n' "$1" | sed -n "s/^$2://p" | head -n 1
}

keys_in() {
  printf '%s\n' "$1" | sed -n 's/^db[0-9]*:keys=\([0-9]*\).*/\1/p' | awk '{ n += $1 } END { print n + 0 }'
}

# No sentinel knows the group. Sets $master ("" = this pod is master) from what the peers that answer
# say, asking again every second:
# - a peer is master: replicate it; a replica with a live link: replicate its master;
# - a peer is still loading its dataset: it has data, so wait for it (up to BOOT_WAIT_SECONDS);
# - peers with data whose master is gone: promote the one with the highest master_repl_offset (ties:
#   lowest ordinal) and replicate it. This pod's own offset is unknown until its server runs, so a live
#   peer's data wins over this pod's files, and an empty pod never wipes them;
# - this pod has data: claim mastership once ORDINAL * CLAIM_STAGGER_SECONDS have passed;
# - no data anywhere: pod 0 is master and the others replicate it, in a persistent set only after
#   BOOT_WAIT_SECONDS (a peer with data may still be starting).
choose_without_sentinels() {
  start=$(date +%s)
  wait=0
  [ "${PERSISTENCE:-}" = none ] || wait="$BOOT_WAIT_SECONDS"
  while :; do
    elapsed=$(($(date +%s) - start))
    best="" best_offset=-1 loading=""
    n=0
    while [ "$n" -lt "$REPLICAS" ]; do
      if [ "$n" != "$ORDINAL" ]; then
        host=$(data_host "$n")
        info=$(peer_info "$host")
        case "$info" in
          *LOADING*|*"loading:1"*) loading="$host" ;;
          *"role:master"*)
            master="$host"
            echo "start-node: no sentinel knows the group; $host is master"
            return
            ;;
          *"role:slave"*)
            if [ "$(field "$info" master_link_status)" = up ]; then
              master=$(field "$info" master_host)
              echo "start-node: no sentinel knows the group; $host replicates $master"
              return
            fi
            offset=$(field "$info" master_repl_offset)
            if [ "$(keys_in "$info")" -gt 0 ] || [ "${offset:-0}" -gt 0 ]; then
              if [ "${offset:-0}" -gt "$best_offset" ]; then
                best="$host" best_offset="${offset:-0}"
              fi
            fi
            ;;
        esac
      fi
      n=$((n + 1))
    done
    if [ -n "$loading" ] && [ "$elapsed" -lt "$BOOT_WAIT_SECONDS" ]; then
      :
    elif [ -n "$best" ]; then
      # The reply, not the exit code: redis-cli exits 0 on an error reply.
      if [ "$(timeout 3 redis-cli --no-auth-warning -h "$best" -p "$DATA_PORT" REPLICAOF NO ONE 2>/dev/null | tr -d '\r')" = OK ]; then
        master="$best"
        echo "start-node: no sentinel knows the group; promoted $best (offset $best_offset), the peer with the most data"
        return
      fi
    elif has_data; then
      if [ "$elapsed" -ge $((ORDINAL * CLAIM_STAGGER_SECONDS)) ]; then
        master=""
        echo "start-node: no sentinel knows the group and no peer is master; this pod has data and starts as master"
        return
      fi
    elif [ "$elapsed" -ge "$wait" ]; then
      if [ "$ORDINAL" = 0 ]; then
        master=""
        echo "start-node: no sentinel knows the group and no peer has data; pod 0 starts as master"
      else
        master=$(data_host 0)
      fi
      return
    fi
    sleep 1
    m=$(sentinel_master)
    if [ -n "$m" ]; then
      follow_sentinels "$m"
      return
    fi
  done
}

master=""
answer=""
i=0
while [ "$i" -lt 3 ] && [ -z "$answer" ]; do
  answer=$(sentinel_master)
  [ -n "$answer" ] || sleep 1
  i=$((i + 1))
done
if [ -n "$answer" ]; then
  follow_sentinels "$answer"
else
  choose_without_sentinels
fi

if [ -n "$master" ]; then
  printf 'replicaof %s %s\n' "$master" "$DATA_PORT" >> "$CONF"
  echo "start-node: replica of $master"
fi

exec "$REDIS_HA_NODE" "$CONF"
