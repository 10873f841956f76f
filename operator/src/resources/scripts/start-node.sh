#!/bin/sh
# Starts a data pod: builds the live redis.conf from the ConfigMap's, adds what is per pod (announced
# hostname, password from the mounted Secret, replicaof) and execs redis-ha-node.
#
# Who is master:
# - The sentinels' answer wins. A pod they name master that restarted with no data (no persistence, or
#   a lost volume) must not serve: as an empty master it would make every replica resync an empty
#   dataset. It starts with the node's boot guard instead (ha-boot-master-name/ha-boot-sentinels): the
#   node stays unreachable, so the sentinels see their master down after down-after-milliseconds and
#   promote a replica with the data, and then it follows that one. (Starting it as a replica of a peer
#   instead makes the sentinels wait for "master reports slave", down-after + 20 s, by which time a short
#   down-after has ruled every replica out: their link to it has been down for longer than 10 ×
#   down-after, so the failover never happens.)
# - No sentinel knows the group (first start, or everything restarted, sentinels included): the data
#   pods settle it among themselves (choose_without_sentinels): the pod with the most data (highest
#   replication offset) wins, the lowest ordinal breaks ties, and an empty pod never wins over a peer
#   with data. The sentinels wait for that choice (start-sentinel.sh).
#
# Paths and peer addresses are read from the environment, defaulting to the pod's, so tests can run this
# script on one machine: CONFIG_DIR, CONF_DIR, DATA_DIR, REDIS_HA_NODE, DATA_HOSTS (the data pods'
# addresses by ordinal, space-separated; default their stable DNS names) and LOCAL_HOST (where this
# pod's own server answers; default 127.0.0.1).
set -eu

# spec.tls: redis-cli speaks TLS with the pod's own certificate (TLS_DIR: the mounted Secret). Used
# unquoted on purpose, split into words; the paths hold no spaces.
REDIS_CLI="redis-cli"
if [ -n "${TLS_DIR:-}" ]; then
  REDIS_CLI="redis-cli --tls --cacert $TLS_DIR/ca.crt --cert $TLS_DIR/tls.crt --key $TLS_DIR/tls.key"
fi

CONFIG_DIR="${CONFIG_DIR:-/etc/redis-ha/config}"
CONF_DIR="${CONF_DIR:-/run/redis-ha}"
DATA_DIR="${DATA_DIR:-/data}"
REDIS_HA_NODE="${REDIS_HA_NODE:-redis-ha-node}"
# How long a pod of a persistent set waits for peers that do not answer yet (one may hold the most
# data) before choosing among those that do. Without persistence a restarting peer has nothing to bring.
BOOT_WAIT_SECONDS="${BOOT_WAIT_SECONDS:-30}"
PROBE_TIMEOUT="${PROBE_TIMEOUT:-2}"
LOCAL_HOST="${LOCAL_HOST:-127.0.0.1}"
# What a probe replicates: a name that never resolves (RFC 6761), so a probe never syncs, and peers
# tell a probe from a replica that lost its master.
PROBE_MASTER="redis-ha-undecided.invalid"
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

# The operator's own ACL user (with spec.auth): least privilege, its name and rules from the ConfigMap
# ($1), its password from the Secret the operator generated. Printed as a `user` line.
operator_user() {
  if [ -n "${OPERATOR_PASSWORD_FILE:-}" ] && [ -r "$OPERATOR_PASSWORD_FILE" ] && [ -s "$CONFIG_DIR/$1" ]; then
    read -r oname orules < "$CONFIG_DIR/$1"
    printf 'user %s on ">%s" %s\n' "$oname" "$(cat "$OPERATOR_PASSWORD_FILE")" "$orules"
  fi
}
operator_user operator-acl >> "$CONF"

# ACL users (spec.users): the rules come from the ConfigMap, each password from its mounted Secret
# file, so no password is ever in the ConfigMap.
if [ -s "$CONFIG_DIR/users" ]; then
  while read -r uname urules; do
    [ -n "$uname" ] || continue
    ufile="${USERS_DIR:-/etc/redis-ha/users}/$uname"
    if [ ! -r "$ufile" ]; then
      echo "start-node: the password file of user $uname ($ufile) is missing" >&2
      exit 1
    fi
    upw=$(cat "$ufile")
    case "$upw" in
      *"
"*) echo "start-node: the password of user $uname must be one line" >&2; exit 1 ;;
    esac
    uquoted=$(printf '%s' "$upw" | sed -e 's/\\/\\\\/g' -e 's/"/\\"/g')
    printf 'user %s on ">%s" %s\n' "$uname" "$uquoted" "$urules" >> "$CONF"
  done < "$CONFIG_DIR/users"
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
  m=$(timeout 3 $REDIS_CLI --no-auth-warning -h "$SENTINEL_SERVICE" -p "$SENTINEL_PORT" \
    SENTINEL get-master-addr-by-name "$MASTER_SET" 2>/dev/null | head -n 1 || true)
  case "$m" in *ERR*|*NOAUTH*|*WRONGPASS*) m="" ;; esac
  printf '%s' "$m"
}

# Sets $master from the sentinels' answer $1 ("" = this pod is master).
follow_sentinels() {
  master="$1"
  if [ "$master" = "$SELF" ] || [ "$master" = "$POD_NAME" ]; then
    master=""
    if has_data || [ "$REPLICAS" -le 1 ]; then
      echo "start-node: the sentinels name this pod master"
    else
      boot_guard=1
      echo "start-node: named master but restarted without data; unreachable until the sentinels promote a replica (boot guard)"
    fi
  fi
}

# One peer's INFO, carriage returns stripped; nothing when it does not answer in time.
peer_info() {
  timeout "$PROBE_TIMEOUT" $REDIS_CLI --no-auth-warning -h "$1" -p "$DATA_PORT" INFO 2>/dev/null | tr -d '\r' || true
}

field() {
  printf '%s\n' "$1" | sed -n "s/^$2://p" | head -n 1
}

keys_in() {
  printf '%s\n' "$1" | sed -n 's/^db[0-9]*:keys=\([0-9]*\).*/\1/p' | awk '{ n += $1 } END { print n + 0 }'
}

# This pod's server started early as a probe: an orphan replica of PROBE_MASTER. It loads the pod's files
# and answers INFO, so every pod can compare how much data each holds (master_repl_offset: the node
# restores a replica's offset from its RDB), while nothing can write to it (replica-read-only).
probe_pid=""
start_probe() {
  cp "$CONF" "$CONF_DIR/probe.conf"
  printf 'replicaof %s %s\n' "$PROBE_MASTER" "$DATA_PORT" >> "$CONF_DIR/probe.conf"
  "$REDIS_HA_NODE" "$CONF_DIR/probe.conf" &
  probe_pid=$!
  echo "start-node: no sentinel knows the group; probing (this pod's data, served read-only) to compare with its peers"
}

# SIGKILL: a probe took no writes, so it has nothing to save, and a shutdown save would only rewrite the
# files it loaded.
stop_probe() {
  [ -n "$probe_pid" ] || return 0
  kill -KILL "$probe_pid" 2>/dev/null || true
  wait "$probe_pid" 2>/dev/null || true
  probe_pid=""
}
trap stop_probe EXIT
trap 'exit 143' TERM INT

# Classifies one pod's INFO ("" when it does not answer). Sets $state: master; linked (a replica with a
# live link to $of); loading; candidate (a replica without its master, a probe included, with $offset
# and $data = yes when it holds data; $of is what it replicates); or absent.
classify() {
  state=absent offset=0 data="" of=""
  # Fields, not substrings: INFO's errorstats keep "errorstat_LOADING" forever once the pod has
  # answered -LOADING, and that must not read as loading now.
  case "$1" in
    "") return 0 ;;
    LOADING*) state=loading; return 0 ;;
  esac
  if [ "$(field "$1" loading)" = 1 ] || [ "$(field "$1" async_loading)" = 1 ]; then
    state=loading
    return 0
  fi
  case "$(field "$1" role)" in
    master) state=master ;;
    slave)
      of=$(field "$1" master_host)
      if [ "$(field "$1" master_link_status)" = up ]; then
        state=linked
      else
        state=candidate
        offset=$(field "$1" master_repl_offset)
        offset="${offset:-0}"
        if [ "$(keys_in "$1")" -gt 0 ] || [ "$offset" -gt 0 ]; then
          data=yes
        fi
      fi
      ;;
  esac
}

# No sentinel knows the group. Sets $master ("" = this pod is master) from what every pod says, asking
# again every second. In a persistent set this pod first starts its probe, so it is one of the pods
# compared; without persistence it has no data to bring (its files are removed above).
# - a peer is master: replicate it; a replica with a live link: replicate its master;
# - a pod is loading its files: it has data whose offset is not known yet, so wait for it;
# - peers that do not answer yet: wait for them, up to BOOT_WAIT_SECONDS in a persistent set;
# - otherwise the pod with data and the highest master_repl_offset wins, the lowest ordinal among equal
#   offsets. This pod: it starts as master. A probing peer: it comes to the same answer from the same
#   replies and starts as master; wait for that, without choosing again unless it fails to within
#   BOOT_WAIT_SECONDS. A replica that lost its master: promote it and replicate it;
# - no pod has data: pod 0 is master and the others replicate it.
# NB: a pod that keeps only an AOF reports offset 0 (the node restores the offset from an RDB only), so
# in aof mode every pod with data ties and the lowest ordinal among them wins.
choose_without_sentinels() {
  start=$(date +%s)
  wait=0
  if [ "${PERSISTENCE:-}" != none ]; then
    wait="$BOOT_WAIT_SECONDS"
    start_probe
  fi
  chosen="" chosen_at=0
  while :; do
    now=$(date +%s)
    elapsed=$((now - start))
    best="" best_n="" best_of="" best_offset=-1 loading="" absent=""
    n=0
    while [ "$n" -lt "$REPLICAS" ]; do
      host=$(data_host "$n")
      if [ "$n" = "$ORDINAL" ]; then
        info=""
        [ -z "$probe_pid" ] || info=$(peer_info "$LOCAL_HOST")
      else
        info=$(peer_info "$host")
      fi
      classify "$info"
      if [ "$n" = "$ORDINAL" ]; then
        # A probe that does not answer yet is starting, and has data if the files say so. (One that
        # died on its files never answers: the pod waits until its liveness probe restarts it.)
        if [ "$state" = absent ] && [ -n "$probe_pid" ] && has_data; then
          state=loading
        fi
        if [ "$state" = master ]; then
          # A peer promoted this pod's probe (a script that took it for a replica without its master).
          stop_probe
          master=""
          echo "start-node: no sentinel knows the group; a peer promoted this pod, which starts as master"
          return
        fi
      fi
      case "$state" in
        absent) [ "$n" = "$ORDINAL" ] || absent="$host" ;;
        loading) loading="$host" ;;
        master)
          stop_probe
          master="$host"
          echo "start-node: no sentinel knows the group; $host is master"
          return
          ;;
        linked)
          stop_probe
          master="$of"
          echo "start-node: no sentinel knows the group; $host replicates $master"
          return
          ;;
        candidate)
          # Strictly greater: in ordinal order, so equal offsets go to the lowest ordinal.
          if [ -n "$data" ] && [ "$offset" -gt "$best_offset" ]; then
            best="$host" best_n="$n" best_of="$of" best_offset="$offset"
          fi
          ;;
      esac
      n=$((n + 1))
    done
    if [ -n "$chosen" ] && [ $((now - chosen_at)) -ge "$BOOT_WAIT_SECONDS" ]; then
      echo "start-node: $chosen did not start as master in ${BOOT_WAIT_SECONDS}s; choosing again"
      chosen=""
    fi
    if [ -n "$loading" ] || [ -n "$chosen" ]; then
      :
    elif [ -n "$absent" ] && [ "$elapsed" -lt "$wait" ]; then
      :
    elif [ "$best_n" = "$ORDINAL" ]; then
      stop_probe
      master=""
      echo "start-node: no sentinel knows the group; this pod has the most data (offset $best_offset) and starts as master"
      return
    elif [ -n "$best" ] && [ "$best_of" = "$PROBE_MASTER" ]; then
      chosen="$best" chosen_at="$now"
      echo "start-node: no sentinel knows the group; $best has the most data (offset $best_offset); waiting for it to start as master"
    elif [ -n "$best" ]; then
      # The reply, not the exit code: redis-cli exits 0 on an error reply.
      if [ "$(timeout 3 $REDIS_CLI --no-auth-warning -h "$best" -p "$DATA_PORT" REPLICAOF NO ONE 2>/dev/null | tr -d '\r')" = OK ]; then
        stop_probe
        master="$best"
        echo "start-node: no sentinel knows the group; promoted $best (offset $best_offset), the peer with the most data"
        return
      fi
    elif [ "$elapsed" -ge "$wait" ]; then
      stop_probe
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
      stop_probe
      follow_sentinels "$m"
      return
    fi
  done
}

master=""
boot_guard=""
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
elif [ -n "$boot_guard" ]; then
  printf 'ha-boot-master-name %s\nha-boot-sentinels %s:%s\n' "$MASTER_SET" "$SENTINEL_SERVICE" "$SENTINEL_PORT" >> "$CONF"
fi

trap - EXIT TERM INT
exec "$REDIS_HA_NODE" "$CONF"
