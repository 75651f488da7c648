#!/usr/bin/env bash
# A throwaway PostgreSQL cluster for the PostgreSQL tests (docs/operations.md, "PostgreSQL").
#   eval "$(bash .ci/postgres.sh start)"   # installs Debian's postgresql when missing, starts a
#                                          # cluster on 127.0.0.1 and a free port, prints the exports
#   bash .ci/postgres.sh stop              # stops it and removes its folder ($PLANSYNC_POSTGRES_DIR)
# Everything but the export lines goes to stderr.
set -euo pipefail

bindir() {
  local dir
  dir=$(ls -d /usr/lib/postgresql/*/bin 2>/dev/null | sort -V | tail -n 1 || true)
  if [ -n "$dir" ] && [ -x "$dir/initdb" ] && [ -x "$dir/pg_ctl" ]; then echo "$dir"; return; fi
  if command -v initdb >/dev/null 2>&1 && command -v pg_ctl >/dev/null 2>&1; then dirname "$(command -v pg_ctl)"; return; fi
  return 1
}

# PostgreSQL refuses to run as root: as root, run its programs as the postgres user.
as_owner() {
  if [ "$(id -u)" = 0 ]; then runuser -u postgres -- "$@"; else "$@"; fi
}

start() {
  local bin
  if ! bin=$(bindir); then
    echo "postgres.sh: installing postgresql" >&2
    apt-get update -qq >&2
    DEBIAN_FRONTEND=noninteractive apt-get install -y -qq postgresql >&2
    bin=$(bindir)
  fi
  local dir port
  dir=$(mktemp -d /tmp/plansync-pg.XXXXXX)
  [ "$(id -u)" = 0 ] && chown postgres:postgres "$dir"
  port=$(python3 -c 'import socket; s = socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])')
  as_owner "$bin/initdb" -D "$dir/data" --auth=trust --username=postgres --encoding=UTF8 --locale=C >"$dir.initdb.log" 2>&1 \
    || { cat "$dir.initdb.log" >&2; exit 1; }
  as_owner "$bin/pg_ctl" -D "$dir/data" -l "$dir/server.log" -w -t 60 \
    -o "-c listen_addresses=127.0.0.1 -p $port -k $dir" start >&2 \
    || { cat "$dir/server.log" >&2; exit 1; }
  for _ in $(seq 1 60); do
    if "$bin/pg_isready" -q -h 127.0.0.1 -p "$port"; then
      echo "postgres.sh: PostgreSQL $("$bin/pg_ctl" --version | awk '{print $3}') ready on 127.0.0.1:$port ($dir)" >&2
      echo "export PLANSYNC_POSTGRES_URL=postgres://postgres@127.0.0.1:$port/postgres"
      echo "export PLANSYNC_POSTGRES_DIR=$dir"
      return
    fi
    sleep 0.5
  done
  echo "postgres.sh: the server did not become ready; its log:" >&2
  cat "$dir/server.log" >&2
  exit 1
}

stop() {
  local dir=${1:-${PLANSYNC_POSTGRES_DIR:-}}
  [ -n "$dir" ] && [ -d "$dir/data" ] || { echo "postgres.sh: no cluster to stop" >&2; return 0; }
  local bin
  bin=$(bindir)
  as_owner "$bin/pg_ctl" -D "$dir/data" -m fast -w stop >&2 || true
  rm -rf "$dir" "$dir.initdb.log"
}

case "${1:-}" in
  start) start ;;
  stop) shift; stop "$@" ;;
  *) echo "usage: $0 start | stop [DIR]" >&2; exit 2 ;;
esac
