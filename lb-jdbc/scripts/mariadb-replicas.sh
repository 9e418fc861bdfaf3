#!/usr/bin/env bash
# Starts a throwaway MariaDB replication cluster on loopback for the lb-jdbc tests:
# one primary and two GTID replicas, each a separate `mariadbd --no-defaults`
# process with its own data directory, socket, pid file and error log.
# The Debian system service is never used.
#
# Usage:
#   mariadb-replicas.sh up            (re)create and start the cluster, wait until it replicates
#   mariadb-replicas.sh down [--purge] stop the nodes this script started (by pid file);
#                                      --purge also deletes their data directories
#   mariadb-replicas.sh status        show which nodes are running, with their role (read_only, source)
#                                      (exit 0 if all three are, 3 otherwise)
#
# Failover rehearsal (NODE and SOURCE are primary, replica1 or replica2):
#   mariadb-replicas.sh kill NODE      kill -9 the node's mariadbd (by its pid file), wait until it is gone
#   mariadb-replicas.sh restart NODE [--replica-of SOURCE]
#                                      start a stopped node on its data directory; the primary comes back
#                                      writable and not replicating unless --replica-of is given, a replica
#                                      read-only; --replica-of starts it read-only and replicating from SOURCE
#                                      (MASTER_USE_GTID=slave_pos, from its own binlog position)
#   mariadb-replicas.sh promote NODE   STOP SLAVE; RESET SLAVE ALL; SET GLOBAL read_only=0 (a new primary)
#   mariadb-replicas.sh repoint NODE SOURCE
#                                      STOP SLAVE; CHANGE MASTER TO SOURCE ... MASTER_USE_GTID=slave_pos;
#                                      START SLAVE (read_only=1), then wait until its threads run
#   mariadb-replicas.sh up             resets everything to the initial topology (primary + 2 replicas)
#
# A rehearsal: kill primary; promote replica1; repoint replica2 replica1;
#              restart primary --replica-of replica1; status; up (back to the start)
#
# Environment (defaults in brackets):
#   LB4J_MARIADB_DIR        base directory                  [/tmp/lb4j-mariadb]
#   LB4J_DB_PRIMARY_PORT    primary TCP port                [33061]
#   LB4J_DB_REPLICA1_PORT   replica 1 TCP port              [33062]
#   LB4J_DB_REPLICA2_PORT   replica 2 TCP port              [33063]
#   LB4J_DB_USER            test user                       [lb4j]
#   LB4J_DB_PASSWORD        test user's password            [lb4j-secret]
#   LB4J_DB_NAME            test database                   [lb4j_test]
#   LB4J_DB_BYPASS_READ_ONLY  1 = let the test user write on the read-only replicas
#                           (keeps READ_ONLY ADMIN); 0 = replicas reject its writes [0]
#   LB4J_DB_START_TIMEOUT   seconds to wait for each node    [60]
#   LB4J_DB_SYNC_TIMEOUT    seconds to wait for replication  [60]
#
# After `up`, ${LB4J_MARIADB_DIR}/cluster.env holds `export` lines for LB4J_DB_HOST, the three
# ports, user, password and database; `source` it from CI or a shell.
#
# The test user gets ALL PRIVILEGES ON *.* WITH GRANT OPTION (loopback test cluster only), so it
# can run SHOW SLAVE STATUS, STOP/START SLAVE, CHANGE MASTER TO MASTER_DELAY=..., MASTER_GTID_WAIT.
# Only READ_ONLY ADMIN is taken back (unless LB4J_DB_BYPASS_READ_ONLY=1), so that --read-only on
# the replicas applies to the test user too.

set -euo pipefail

PROG=$(basename "$0")
export PATH="${PATH:-/usr/bin:/bin}:/usr/sbin:/sbin:/usr/local/sbin"
export LC_ALL=C

BASE_DIR=${LB4J_MARIADB_DIR:-/tmp/lb4j-mariadb}
DB_HOST=127.0.0.1
DB_USER=${LB4J_DB_USER:-lb4j}
DB_PASSWORD=${LB4J_DB_PASSWORD:-lb4j-secret}
DB_NAME=${LB4J_DB_NAME:-lb4j_test}
BYPASS_READ_ONLY=${LB4J_DB_BYPASS_READ_ONLY:-0}
REPL_USER=lb4j_repl
REPL_PASSWORD=lb4j-repl-secret
START_TIMEOUT=${LB4J_DB_START_TIMEOUT:-60}
SYNC_TIMEOUT=${LB4J_DB_SYNC_TIMEOUT:-60}
STOP_TIMEOUT=30

NODES=(primary replica1 replica2)
declare -A PORT=(
  [primary]=${LB4J_DB_PRIMARY_PORT:-33061}
  [replica1]=${LB4J_DB_REPLICA1_PORT:-33062}
  [replica2]=${LB4J_DB_REPLICA2_PORT:-33063}
)
declare -A SERVER_ID=([primary]=1 [replica1]=2 [replica2]=3)

log() { printf '[%s] %s\n' "$PROG" "$*" >&2; }
die() { log "ERROR: $*"; exit 1; }

now() { date +%s.%N; }
elapsed() { awk -v a="$1" -v b="$(now)" 'BEGIN { printf "%.1f", b - a }'; }

node_dir() { printf '%s/%s' "$BASE_DIR" "$1"; }
node_datadir() { printf '%s/%s/data' "$BASE_DIR" "$1"; }
node_socket() { printf '%s/%s/mariadb.sock' "$BASE_DIR" "$1"; }
node_pidfile() { printf '%s/%s/mariadbd.pid' "$BASE_DIR" "$1"; }
node_launcher_pidfile() { printf '%s/%s/launcher.pid' "$BASE_DIR" "$1"; }
node_errlog() { printf '%s/%s/error.log' "$BASE_DIR" "$1"; }

# SQL string literal body: escape backslashes and single quotes.
sql_str() { local s=${1//\\/\\\\}; printf '%s' "${s//\'/\'\'}"; }

validate_config() {
  [[ -n "$BASE_DIR" && "$BASE_DIR" != "/" ]] || die "LB4J_MARIADB_DIR must not be empty or /"
  [[ "$BASE_DIR" == /* ]] || BASE_DIR="$(pwd)/$BASE_DIR"
  local n p seen=" "
  for n in "${NODES[@]}"; do
    p=${PORT[$n]}
    if ! [[ "$p" =~ ^[0-9]{1,5}$ ]] || (( p < 1 || p > 65535 )); then
      die "port for $n is not a valid port: '$p'"
    fi
    [[ "$seen" != *" $p "* ]] || die "port $p is used for two nodes"
    seen+="$p "
  done
  [[ "$DB_NAME" =~ ^[A-Za-z0-9_]+$ ]] || die "LB4J_DB_NAME must match [A-Za-z0-9_]+"
  [[ -n "$DB_USER" ]] || die "LB4J_DB_USER must not be empty"
  # unix socket paths are limited to 107 bytes
  (( ${#BASE_DIR} + 30 < 108 )) || die "LB4J_MARIADB_DIR is too long for unix socket paths: $BASE_DIR"
}

# ---------------------------------------------------------------- binaries / install

find_bin() {
  local name
  for name in "$@"; do
    if command -v "$name" >/dev/null 2>&1; then command -v "$name"; return 0; fi
  done
  return 1
}

resolve_bins() {
  MARIADBD=$(find_bin mariadbd mysqld) || return 1
  MARIADB=$(find_bin mariadb mysql) || return 1
  MARIADB_ADMIN=$(find_bin mariadb-admin mysqladmin) || return 1
  MARIADB_INSTALL_DB=$(find_bin mariadb-install-db mysql_install_db) || return 1
}

POLICY_RC_D=/usr/sbin/policy-rc.d
CREATED_POLICY_RC_D=0
remove_policy_rc_d() {
  if (( CREATED_POLICY_RC_D )); then rm -f "$POLICY_RC_D"; CREATED_POLICY_RC_D=0; fi
}
trap remove_policy_rc_d EXIT

INSTALL_SECONDS=0
ensure_mariadb() {
  if resolve_bins; then return 0; fi
  [[ $(id -u) -eq 0 ]] || die "mariadbd is missing and installing it needs root (apt-get install mariadb-server)"
  command -v apt-get >/dev/null 2>&1 || die "mariadbd is missing and apt-get is not available"
  local t0 apt_log
  t0=$(now)
  mkdir -p "$BASE_DIR"
  apt_log="$BASE_DIR/apt-install.log"
  log "mariadbd not found: installing mariadb-server with apt-get (log: $apt_log)"
  # Keep the package's maintainer scripts from starting the system service.
  if [[ ! -e "$POLICY_RC_D" ]]; then
    printf '#!/bin/sh\n# temporary, written by %s\nexit 101\n' "$PROG" >"$POLICY_RC_D"
    chmod 0755 "$POLICY_RC_D"
    CREATED_POLICY_RC_D=1
  fi
  if ! apt-get update >"$apt_log" 2>&1 </dev/null; then
    tail -n 30 "$apt_log" >&2; die "apt-get update failed"
  fi
  if ! DEBIAN_FRONTEND=noninteractive apt-get install -y -o Dpkg::Use-Pty=0 mariadb-server \
      >>"$apt_log" 2>&1 </dev/null; then
    tail -n 40 "$apt_log" >&2; die "apt-get install mariadb-server failed"
  fi
  remove_policy_rc_d
  resolve_bins || die "mariadb-server installed but mariadbd/mariadb/mariadb-admin/mariadb-install-db not found"
  INSTALL_SECONDS=$(elapsed "$t0")
  log "installed mariadb-server in ${INSTALL_SECONDS}s"
}

# ---------------------------------------------------------------- processes

# Prints the pid of the running mariadbd that serves this node's data dir, if any.
# Only pids from this node's pid files are considered, and only if that process
# really is a mariadbd started with this node's --datadir.
node_pid() {
  local node=$1 f pid datadir
  datadir=$(node_datadir "$node")
  for f in "$(node_pidfile "$node")" "$(node_launcher_pidfile "$node")"; do
    [[ -s "$f" ]] || continue
    pid=$(tr -dc '0-9' <"$f" 2>/dev/null || true)
    [[ -n "$pid" ]] || continue
    if is_our_mariadbd "$pid" "$datadir"; then printf '%s' "$pid"; return 0; fi
  done
  return 1
}

is_our_mariadbd() {
  local pid=$1 datadir=$2 cmdline
  [[ -r "/proc/$pid/cmdline" ]] || return 1
  cmdline=$(tr '\0' '\n' <"/proc/$pid/cmdline" 2>/dev/null) || return 1
  grep -qxF -- "--datadir=$datadir" <<<"$cmdline"
}

rss_kib() { awk '/^VmRSS:/ { print $2 }' "/proc/$1/status" 2>/dev/null || true; }

node_answers() {
  [[ -n "${MARIADB_ADMIN:-}" ]] || return 0
  "$MARIADB_ADMIN" --no-defaults --protocol=socket --socket="$(node_socket "$1")" -uroot \
    --connect-timeout=2 ping >/dev/null 2>&1
}

stop_cluster() {
  local node pid pids=() names=() i deadline ready_deadline
  resolve_bins || true
  for node in replica2 replica1 primary; do
    pid=$(node_pid "$node") || continue
    # MariaDB loses a SIGTERM that arrives while it is still starting up and then hangs for good
    # (even `mariadb-admin shutdown` is ignored). So let a starting node finish first; one that
    # never gets ready has nothing to shut down cleanly and is killed.
    ready_deadline=$(( $(date +%s) + 10 ))
    while ! node_answers "$node" && kill -0 "$pid" 2>/dev/null && (( $(date +%s) < ready_deadline )); do
      sleep 0.2
    done
    if ! kill -0 "$pid" 2>/dev/null; then continue; fi
    if node_answers "$node"; then
      log "stopping $node (pid $pid)"
      kill -TERM "$pid" 2>/dev/null || true
    else
      log "$node (pid $pid) never became ready: sending SIGKILL"
      kill -KILL "$pid" 2>/dev/null || true
    fi
    pids+=("$pid"); names+=("$node")
  done
  deadline=$(( $(date +%s) + STOP_TIMEOUT ))
  for i in "${!pids[@]}"; do
    while kill -0 "${pids[$i]}" 2>/dev/null && (( $(date +%s) < deadline )); do sleep 0.2; done
    if kill -0 "${pids[$i]}" 2>/dev/null; then
      log "${names[$i]} (pid ${pids[$i]}) did not stop within ${STOP_TIMEOUT}s: sending SIGKILL"
      kill -KILL "${pids[$i]}" 2>/dev/null || true
      while kill -0 "${pids[$i]}" 2>/dev/null; do sleep 0.1; done
    fi
  done
  for node in "${NODES[@]}"; do
    rm -f "$(node_pidfile "$node")" "$(node_launcher_pidfile "$node")"
  done
  (( ${#pids[@]} == 0 )) || log "stopped ${#pids[@]} node(s)"
}

port_in_use() { (exec 3<>"/dev/tcp/127.0.0.1/$1") 2>/dev/null; }

# ---------------------------------------------------------------- SQL helpers

# Admin work goes over the node's unix socket as root (root@localhost has no password).
sql() {
  local node=$1; shift
  "$MARIADB" --no-defaults --protocol=socket --socket="$(node_socket "$node")" -uroot \
    --batch --skip-column-names --connect-timeout=5 -e "$*"
}

# SHOW SLAVE STATUS as "Field: value" lines (--skip-column-names would drop the field names).
slave_status() {
  local node=$1
  "$MARIADB" --no-defaults --protocol=socket --socket="$(node_socket "$node")" -uroot \
    --connect-timeout=5 -e 'SHOW SLAVE STATUS\G' | sed -n 's/^ *\([A-Za-z_]*\): /\1: /p'
}

# As the test user over TCP, the way the tests connect.
sql_tcp_user() {
  local node=$1 query=$2; shift 2
  MYSQL_PWD="$DB_PASSWORD" "$MARIADB" --no-defaults --protocol=tcp -h"$DB_HOST" -P"${PORT[$node]}" \
    -u"$DB_USER" --batch --skip-column-names --connect-timeout=5 "$@" -e "$query"
}

# ---------------------------------------------------------------- up

init_node() {
  local node=$1 dir datadir
  dir=$(node_dir "$node"); datadir=$(node_datadir "$node")
  rm -rf -- "$dir"
  mkdir -p "$datadir" "$dir/tmp"
  local args=(--no-defaults --datadir="$datadir" --auth-root-authentication-method=normal
              --skip-test-db --skip-name-resolve --innodb-log-file-size=16M)
  [[ $(id -u) -ne 0 ]] || args+=(--user=root)
  # Own tmpdir per node: a starting mariadbd (bootstrap included) deletes every #sql* temp file in
  # its tmpdir, so nodes sharing /tmp would delete each other's temporary tables.
  if ! TMPDIR="$dir/tmp" "$MARIADB_INSTALL_DB" "${args[@]}" >"$dir/install-db.log" 2>&1 </dev/null; then
    tail -n 30 "$dir/install-db.log" >&2
    die "mariadb-install-db failed for $node (log: $dir/install-db.log)"
  fi
}

start_node() {
  local node=$1 read_only=${2:-} dir port
  dir=$(node_dir "$node"); port=${PORT[$node]}
  if port_in_use "$port"; then
    die "port $port for $node is already in use by another process (set LB4J_DB_*_PORT)"
  fi
  local args=(
    --no-defaults
    --datadir="$(node_datadir "$node")"
    --socket="$(node_socket "$node")"
    --pid-file="$(node_pidfile "$node")"
    --log-error="$(node_errlog "$node")"
    --tmpdir="$dir/tmp"
    --port="$port"
    --bind-address=127.0.0.1
    --skip-name-resolve
    --server-id="${SERVER_ID[$node]}"
    --log-bin=mariadb-bin
    --log-bin-index=mariadb-bin.index
    --relay-log=relay-bin
    --relay-log-index=relay-bin.index
    --binlog-format=ROW
    --performance-schema=OFF
    --innodb-buffer-pool-size=32M
    --innodb-log-file-size=16M
    --innodb-log-buffer-size=4M
    --innodb-flush-log-at-trx-commit=2
    --key-buffer-size=1M
    --aria-pagecache-buffer-size=8M
    --query-cache-size=0
    --query-cache-type=0
    --max-connections=200
    --thread-cache-size=16
    --table-open-cache=400
  )
  [[ $(id -u) -ne 0 ]] || args+=(--user=root)
  [[ -n "$read_only" ]] || { [[ "$node" == primary ]] && read_only=0 || read_only=1; }
  args+=(--log-slave-updates)
  (( read_only == 0 )) || args+=(--read-only)
  # setsid: detach from the caller's process group / terminal so the node outlives this script.
  # 9>&-: do not hand the script's lock fd to the server.
  setsid "$MARIADBD" "${args[@]}" </dev/null >>"$dir/stdout.log" 2>&1 9>&- &
  echo $! >"$(node_launcher_pidfile "$node")"
}

wait_ready() {
  local node=$1 deadline launcher errlog
  launcher=$(cat "$(node_launcher_pidfile "$node")")
  errlog=$(node_errlog "$node")
  deadline=$(( $(date +%s) + START_TIMEOUT ))
  while :; do
    # ready = answers on its socket and on its TCP port (root@127.0.0.1 has no password)
    if "$MARIADB_ADMIN" --no-defaults --protocol=socket --socket="$(node_socket "$node")" -uroot \
         --connect-timeout=2 ping >/dev/null 2>&1 \
       && "$MARIADB_ADMIN" --no-defaults --protocol=tcp -h127.0.0.1 -P"${PORT[$node]}" -uroot \
         --connect-timeout=2 ping >/dev/null 2>&1; then
      return 0
    fi
    if ! kill -0 "$launcher" 2>/dev/null && ! node_pid "$node" >/dev/null; then
      log "$node: mariadbd exited during startup; last lines of $errlog:"
      tail -n 40 "$errlog" >&2 2>/dev/null || tail -n 40 "$(node_dir "$node")/stdout.log" >&2 || true
      die "$node failed to start"
    fi
    if (( $(date +%s) >= deadline )); then
      log "$node: not accepting connections after ${START_TIMEOUT}s; last lines of $errlog:"
      tail -n 40 "$errlog" >&2 || true
      die "$node failed to start in time"
    fi
    sleep 0.3
  done
}

setup_primary() {
  local u p rp h stmts=""
  u=$(sql_str "$DB_USER"); p=$(sql_str "$DB_PASSWORD"); rp=$(sql_str "$REPL_PASSWORD")
  # Anonymous accounts (''@localhost) would shadow user@% for local connections.
  while IFS= read -r h; do
    [[ -n "$h" ]] && stmts+="DROP USER IF EXISTS ''@'$(sql_str "$h")';"
  done < <(sql primary "SELECT host FROM mysql.user WHERE user=''")
  stmts+="CREATE USER '$REPL_USER'@'127.0.0.1' IDENTIFIED BY '$rp';"
  stmts+="GRANT REPLICATION SLAVE ON *.* TO '$REPL_USER'@'127.0.0.1';"
  stmts+="CREATE DATABASE IF NOT EXISTS \`$DB_NAME\`;"
  for h in '%' '127.0.0.1' 'localhost' '::1'; do
    stmts+="CREATE USER '$u'@'$h' IDENTIFIED BY '$p';"
    stmts+="GRANT ALL PRIVILEGES ON *.* TO '$u'@'$h' WITH GRANT OPTION;"
    if [[ "$BYPASS_READ_ONLY" != 1 && -n "$READ_ONLY_PRIV" ]]; then
      stmts+="REVOKE $READ_ONLY_PRIV ON *.* FROM '$u'@'$h';"
    fi
  done
  stmts+="CREATE TABLE \`$DB_NAME\`.cluster_check (
            id BIGINT AUTO_INCREMENT PRIMARY KEY,
            token VARCHAR(64) NOT NULL,
            created_at TIMESTAMP(6) NOT NULL DEFAULT CURRENT_TIMESTAMP(6)) ENGINE=InnoDB;"
  sql primary "$stmts" || die "creating users/database on the primary failed"
}

# The READ_ONLY ADMIN privilege exists since MariaDB 10.5.2; since 10.11 SUPER no longer implies it.
detect_read_only_priv() {
  READ_ONLY_PRIV=""
  local v major minor
  v=$(sql primary "SELECT VERSION()")
  MARIADB_VERSION=$v
  IFS=. read -r major minor _ <<<"${v%%-*}"
  if (( major > 10 || (major == 10 && minor >= 5) )); then READ_ONLY_PRIV="READ_ONLY ADMIN"; fi
}

wire_replica() {
  local node=$1 rp
  rp=$(sql_str "$REPL_PASSWORD")
  # Empty gtid_slave_pos + MASTER_USE_GTID=slave_pos: the replica replays the primary's binlog
  # from its first event, so it also gets the users and database created above.
  sql "$node" "SET GLOBAL gtid_slave_pos='';
    CHANGE MASTER TO MASTER_HOST='127.0.0.1', MASTER_PORT=${PORT[primary]},
      MASTER_USER='$REPL_USER', MASTER_PASSWORD='$rp',
      MASTER_USE_GTID=slave_pos, MASTER_CONNECT_RETRY=1;
    START SLAVE;" || die "configuring replication on $node failed"
}

replica_diag() {
  local node=$1
  log "$node: SHOW SLAVE STATUS:"
  slave_status "$node" 2>&1 | grep -E 'Running|Last_.*Err|Seconds_Behind|Gtid|Master_(Host|Port)' >&2 || true
  log "$node: last lines of $(node_errlog "$node"):"
  tail -n 20 "$(node_errlog "$node")" >&2 || true
}

wait_replicated() {
  local token node n deadline
  token="$(od -An -N16 -tx1 /dev/urandom | tr -d ' \n')"
  sql primary "INSERT INTO \`$DB_NAME\`.cluster_check (token) VALUES ('$token')" \
    || die "writing the check row on the primary failed"
  deadline=$(( $(date +%s) + SYNC_TIMEOUT ))
  for node in replica1 replica2; do
    while :; do
      n=$(sql "$node" "SELECT COUNT(*) FROM \`$DB_NAME\`.cluster_check WHERE token='$token'" 2>/dev/null || true)
      [[ "$n" == 1 ]] && break
      if (( $(date +%s) >= deadline )); then
        replica_diag "$node"
        die "$node did not receive the check row within ${SYNC_TIMEOUT}s"
      fi
      sleep 0.3
    done
  done
  CHECK_TOKEN=$token
}

verify_user_access() {
  local node id users io_sql
  for node in "${NODES[@]}"; do
    users=$(sql "$node" "SELECT COUNT(*) FROM mysql.user WHERE user='$(sql_str "$DB_USER")'")
    [[ "$users" -ge 4 ]] || die "$node: expected 4 accounts for '$DB_USER', found $users"
    id=$(sql_tcp_user "$node" "SELECT @@server_id") \
      || die "$node: '$DB_USER' cannot log in over TCP on 127.0.0.1:${PORT[$node]}"
    [[ "$id" == "${SERVER_ID[$node]}" ]] || die "$node: expected server_id ${SERVER_ID[$node]}, got '$id'"
    sql_tcp_user "$node" "SELECT token FROM \`$DB_NAME\`.cluster_check WHERE token='$CHECK_TOKEN'" \
      | grep -qx "$CHECK_TOKEN" || die "$node: '$DB_USER' cannot read the check row"
  done
  for node in replica1 replica2; do
    io_sql=$(sql_tcp_user "$node" "SHOW SLAVE STATUS" --vertical --column-names \
      | sed -n 's/^ *\([A-Za-z_]*\): /\1: /p' | awk -F': ' \
      '$1=="Slave_IO_Running" { io=$2 } $1=="Slave_SQL_Running" { s=$2 } END { print io "/" s }') \
      || die "$node: '$DB_USER' cannot run SHOW SLAVE STATUS"
    [[ "$io_sql" == "Yes/Yes" ]] || { replica_diag "$node"; die "$node: replication threads are $io_sql"; }
  done
}

write_env_file() {
  local env="$BASE_DIR/cluster.env" tmp
  tmp=$(mktemp "$BASE_DIR/.cluster.env.XXXXXX")
  {
    echo "# written by $PROG up at $(date -u +%Y-%m-%dT%H:%M:%SZ)"
    printf 'export LB4J_DB_HOST=%q\n' "$DB_HOST"
    printf 'export LB4J_DB_PRIMARY_PORT=%q\n' "${PORT[primary]}"
    printf 'export LB4J_DB_REPLICA1_PORT=%q\n' "${PORT[replica1]}"
    printf 'export LB4J_DB_REPLICA2_PORT=%q\n' "${PORT[replica2]}"
    printf 'export LB4J_DB_USER=%q\n' "$DB_USER"
    printf 'export LB4J_DB_PASSWORD=%q\n' "$DB_PASSWORD"
    printf 'export LB4J_DB_NAME=%q\n' "$DB_NAME"
    printf 'export LB4J_MARIADB_DIR=%q\n' "$BASE_DIR"
  } >"$tmp"
  chmod 0644 "$tmp"
  mv -f "$tmp" "$env"
}

print_summary() {
  local node pid rss role
  echo "MariaDB replication cluster is up ($MARIADB_VERSION) in ${UP_SECONDS}s (base dir $BASE_DIR)"
  printf '  %-9s %-8s %-16s %-9s %-8s %s\n' NODE ROLE ADDRESS SERVER_ID PID RSS
  for node in "${NODES[@]}"; do
    pid=$(node_pid "$node" || echo '?')
    rss=$(rss_kib "$pid"); role=replica; [[ "$node" == primary ]] && role=primary
    printf '  %-9s %-8s %-16s %-9s %-8s %s\n' "$node" "$role" "$DB_HOST:${PORT[$node]}" \
      "${SERVER_ID[$node]}" "$pid" "${rss:+$(( rss / 1024 )) MiB}"
  done
  echo "  user $DB_USER / password $DB_PASSWORD, database $DB_NAME"
  echo "  env file: $BASE_DIR/cluster.env   (source it)"
  [[ "$INSTALL_SECONDS" == 0 ]] || echo "  mariadb-server install took ${INSTALL_SECONDS}s"
}

cmd_up() {
  local t0 node
  ensure_mariadb
  t0=$(now)
  mkdir -p "$BASE_DIR"
  stop_cluster
  rm -f "$BASE_DIR/cluster.env"
  for node in "${NODES[@]}"; do init_node "$node" & done
  wait_all "mariadb-install-db"
  for node in "${NODES[@]}"; do
    ! port_in_use "${PORT[$node]}" \
      || die "port ${PORT[$node]} for $node is already in use by another process (set LB4J_DB_*_PORT)"
  done
  for node in "${NODES[@]}"; do start_node "$node"; done
  for node in "${NODES[@]}"; do wait_ready "$node"; done
  detect_read_only_priv
  setup_primary
  wire_replica replica1
  wire_replica replica2
  wait_replicated
  verify_user_access
  write_env_file
  UP_SECONDS=$(elapsed "$t0")
  print_summary
}

# wait for all background jobs; fail if any failed
wait_all() {
  local pid rc=0
  for pid in $(jobs -p); do wait "$pid" || rc=1; done
  (( rc == 0 )) || die "$1 failed"
}

# ---------------------------------------------------------------- failover rehearsal

check_node() {
  local n
  for n in "${NODES[@]}"; do [[ "$1" == "$n" ]] && return 0; done
  die "unknown node '$1': allowed ${NODES[*]}"
}

cmd_kill() {
  [[ $# -eq 1 ]] || usage
  check_node "$1"
  local node=$1 pid deadline
  resolve_bins || true
  pid=$(node_pid "$node") || die "$node is not running"
  kill -KILL "$pid"
  deadline=$(( $(date +%s) + STOP_TIMEOUT ))
  while kill -0 "$pid" 2>/dev/null; do
    (( $(date +%s) < deadline )) || die "$node (pid $pid) still alive ${STOP_TIMEOUT}s after SIGKILL"
    sleep 0.05
  done
  log "killed $node (pid $pid) with SIGKILL"
}

cmd_restart() {
  local node=${1:-} source=""
  [[ -n "$node" ]] || usage
  shift
  check_node "$node"
  case "${1:-}" in
    "") ;;
    --replica-of) [[ $# -eq 2 ]] || usage; check_node "$2"; source=$2
                  [[ "$source" != "$node" ]] || die "$node cannot replicate from itself" ;;
    *) die "unknown option for restart: $1 (allowed: --replica-of SOURCE)" ;;
  esac
  resolve_bins || die "mariadbd is not installed (run up first)"
  [[ -d "$(node_datadir "$node")" ]] || die "$node has no data directory (run up first)"
  ! node_pid "$node" >/dev/null || die "$node is already running"
  if [[ -n "$source" ]]; then start_node "$node" 1; else start_node "$node"; fi
  wait_ready "$node"
  if [[ -n "$source" ]]; then
    # A former primary has no replication position of its own: start from what its binlog holds.
    sql "$node" "STOP SLAVE; RESET SLAVE ALL; SET GLOBAL gtid_slave_pos=@@gtid_binlog_pos;" \
      || die "preparing $node as a replica failed"
    repoint "$node" "$source"
  fi
  log "restarted $node (pid $(node_pid "$node" || echo '?'))${source:+ as a replica of $source}"
}

cmd_promote() {
  [[ $# -eq 1 ]] || usage
  check_node "$1"
  resolve_bins || die "mariadbd is not installed (run up first)"
  sql "$1" "STOP SLAVE; RESET SLAVE ALL; SET GLOBAL read_only=0;" || die "promoting $1 failed"
  log "promoted $1: not replicating, read_only=0"
}

repoint() {
  local node=$1 source=$2 rp deadline io_sql
  rp=$(sql_str "$REPL_PASSWORD")
  sql "$node" "STOP SLAVE; SET GLOBAL read_only=1;
    CHANGE MASTER TO MASTER_HOST='127.0.0.1', MASTER_PORT=${PORT[$source]},
      MASTER_USER='$REPL_USER', MASTER_PASSWORD='$rp',
      MASTER_USE_GTID=slave_pos, MASTER_CONNECT_RETRY=1;
    START SLAVE;" || die "re-pointing $node to $source failed"
  deadline=$(( $(date +%s) + SYNC_TIMEOUT ))
  while :; do
    io_sql=$(slave_status "$node" | awk -F': ' \
      '$1=="Slave_IO_Running" { io=$2 } $1=="Slave_SQL_Running" { s=$2 } END { print io "/" s }')
    [[ "$io_sql" == "Yes/Yes" ]] && break
    if (( $(date +%s) >= deadline )); then replica_diag "$node"; die "$node: replication threads are $io_sql"; fi
    sleep 0.1
  done
  log "$node replicates from $source (127.0.0.1:${PORT[$source]})"
}

cmd_repoint() {
  [[ $# -eq 2 ]] || usage
  check_node "$1"; check_node "$2"
  [[ "$1" != "$2" ]] || die "$1 cannot replicate from itself"
  resolve_bins || die "mariadbd is not installed (run up first)"
  repoint "$1" "$2"
}

# ---------------------------------------------------------------- down / status

cmd_down() {
  local purge=0 node
  case "${1:-}" in
    "") ;;
    --purge) purge=1 ;;
    *) die "unknown option for down: $1" ;;
  esac
  stop_cluster
  if (( purge )); then
    for node in "${NODES[@]}"; do rm -rf -- "$(node_dir "$node")"; done
    rm -f "$BASE_DIR/cluster.env" "$BASE_DIR/apt-install.log"
    rmdir "$BASE_DIR" 2>/dev/null || true
    log "purged data directories under $BASE_DIR"
  else
    rm -f "$BASE_DIR/cluster.env"
  fi
}

cmd_status() {
  local node pid running=0 rss extra
  resolve_bins || true
  for node in "${NODES[@]}"; do
    if pid=$(node_pid "$node"); then
      running=$(( running + 1 ))
      rss=$(rss_kib "$pid"); extra=""
      if [[ -n "${MARIADB:-}" ]]; then
        extra="read_only=$(sql "$node" 'SELECT @@global.read_only' 2>/dev/null || echo '?') "
        extra+=$(slave_status "$node" 2>/dev/null | awk -F': ' \
          '$1=="Master_Port" { p=$2 } $1=="Slave_IO_Running" { io=$2 } $1=="Slave_SQL_Running" { s=$2 } $1=="Seconds_Behind_Master" { b=$2 }
           END { if (io != "") printf "source=127.0.0.1:%s io=%s sql=%s behind=%s", p, io, s, b; else printf "not replicating" }' || true)
      fi
      printf '%-9s running  pid=%-8s %s:%s rss=%sMiB %s\n' "$node" "$pid" "$DB_HOST" "${PORT[$node]}" \
        "$(( ${rss:-0} / 1024 ))" "$extra"
    else
      printf '%-9s stopped  %s:%s\n' "$node" "$DB_HOST" "${PORT[$node]}"
    fi
  done
  (( running == ${#NODES[@]} )) || return 3
}

usage() {
  sed -n '2,/^$/p' "$0" | sed 's/^# \{0,1\}//' >&2
  exit 2
}

main() {
  local cmd=${1:-}
  [[ -n "$cmd" ]] || usage
  shift
  validate_config
  # Serialise concurrent invocations on the same base dir.
  mkdir -p "$(dirname "$BASE_DIR")"
  exec 9>"$BASE_DIR.lock"
  flock -w 300 9 || die "another $PROG is running on $BASE_DIR"
  case "$cmd" in
    up) [[ $# -eq 0 ]] || usage; cmd_up ;;
    down) cmd_down "$@" ;;
    status) cmd_status ;;
    kill) cmd_kill "$@" ;;
    restart) cmd_restart "$@" ;;
    promote) cmd_promote "$@" ;;
    repoint) cmd_repoint "$@" ;;
    -h|--help|help) usage ;;
    *) usage ;;
  esac
}

main "$@"
