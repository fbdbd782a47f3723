#!/usr/bin/env bash
# A streaming read replica of the local PostgreSQL 15 primary, for the tests and CI (docs/scale-out.md).
#
#   deploy/replica.sh start    ensure a replica streams on REPLICA_PORT (5433): start it on its data if it can
#                              catch up, else make it afresh with pg_basebackup -R (seconds for a small cluster)
#   deploy/replica.sh halt     stop the server, keep its data (a "stopped replica" for the tests)
#   deploy/replica.sh stop     stop it and remove its data
#   deploy/replica.sh status   exit 0 when it is streaming
#
# Run as root: PostgreSQL's own tools run as the postgres user (initdb and pg_ctl refuse root). The primary
# must accept replication connections from 127.0.0.1: a trust line for the postgres role is added to its
# pg_hba.conf once, then the configuration is reloaded (pg_reload_conf: no connection is dropped).
set -euo pipefail

PORT=${REPLICA_PORT:-5433}
DIR=${REPLICA_DIR:-/tmp/newsroom-replica-$PORT}
PRIMARY_HOST=${PRIMARY_HOST:-127.0.0.1}
PRIMARY_PORT=${PRIMARY_PORT:-5432}
BIN=${PG_BIN:-/usr/lib/postgresql/15/bin}
HBA_LINE="host replication postgres 127.0.0.1/32 trust"

as_postgres() { runuser -u postgres -- "$@"; }
primary_sql() { psql -h "$PRIMARY_HOST" -p "$PRIMARY_PORT" -U postgres -XtAqc "$1"; }
replica_sql() { psql -h 127.0.0.1 -p "$PORT" -U postgres -XtAqc "$1" 2>/dev/null; }
running() { [ -f "$DIR/postmaster.pid" ] && as_postgres "$BIN/pg_ctl" -D "$DIR" status >/dev/null 2>&1; }

streaming() {
  [ "$(replica_sql "SELECT pg_is_in_recovery() AND EXISTS (SELECT FROM pg_stat_wal_receiver WHERE status = 'streaming')")" = t ]
}

wait_streaming() {
  for _ in $(seq "${1:-50}"); do streaming && return 0; sleep 0.2; done
  return 1
}

allow_replication() {
  local hba
  hba=$(primary_sql "SHOW hba_file")
  if ! grep -qxF "$HBA_LINE" "$hba"; then
    printf '# newsroom read replica (deploy/replica.sh)\n%s\n' "$HBA_LINE" >>"$hba"
    primary_sql "SELECT pg_reload_conf()" >/dev/null
    sleep 0.2
  fi
}

configure() {
  # The Debian primary keeps its configuration in /etc: the copy has none, so it gets its own.
  cat >"$DIR/postgresql.conf" <<EOF
port = $PORT
listen_addresses = '127.0.0.1'
unix_socket_directories = '$DIR'
hot_standby = on
hot_standby_feedback = off  # a paused replica must not hold back the shared primary's vacuum
max_connections = $(primary_sql "SHOW max_connections")
shared_buffers = 32MB
fsync = off
EOF
  printf 'local all all trust\nhost all all 127.0.0.1/32 trust\n' >"$DIR/pg_hba.conf"
  : >"$DIR/pg_ident.conf"
  chown postgres:postgres "$DIR/postgresql.conf" "$DIR/pg_hba.conf" "$DIR/pg_ident.conf"
}

make_afresh() {
  allow_replication
  rm -rf "$DIR"
  install -d -o postgres -g postgres -m 700 "$DIR"
  local tries=0
  until as_postgres "$BIN/pg_basebackup" -h "$PRIMARY_HOST" -p "$PRIMARY_PORT" -U postgres -D "$DIR" \
    -R -X stream --checkpoint=fast -c fast 2>"$DIR.basebackup.log"; do
    tries=$((tries + 1))
    [ "$tries" -lt 3 ] || { cat "$DIR.basebackup.log" >&2; exit 1; }
    rm -rf "$DIR" && install -d -o postgres -g postgres -m 700 "$DIR" && sleep 0.5
  done
  configure
}

start() {
  if streaming; then
    echo "replica on $PORT: streaming"
    return
  fi
  if [ -f "$DIR/standby.signal" ]; then  # its data is there: start on it, if it can still catch up
    running || as_postgres "$BIN/pg_ctl" -D "$DIR" -l "$DIR/server.log" -w -t 30 start >/dev/null || true
    if wait_streaming 25; then
      echo "replica on $PORT: streaming (restarted on its data)"
      return
    fi
    halt
  fi
  make_afresh
  as_postgres "$BIN/pg_ctl" -D "$DIR" -l "$DIR/server.log" -w -t 60 start >/dev/null
  wait_streaming || { tail -20 "$DIR/server.log" >&2; echo "replica on $PORT: not streaming" >&2; exit 1; }
  echo "replica on $PORT: streaming (made afresh)"
}

halt() {
  if running; then as_postgres "$BIN/pg_ctl" -D "$DIR" -m fast -w -t 30 stop >/dev/null; fi
}

case "${1:-}" in
  start) start ;;
  halt) halt ;;
  stop) halt; rm -rf "$DIR" "$DIR.basebackup.log" ;;
  status) streaming ;;
  *) echo "usage: $0 start|halt|stop|status" >&2; exit 2 ;;
esac
