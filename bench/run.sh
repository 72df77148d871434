#!/usr/bin/env bash
# Builds the 归集 benchmark in Release and runs it against SQLite and PostgreSQL.
#   bench/run.sh [--count N] [--no-profile]
# PostgreSQL: uses $ELIC_BENCH_POSTGRES when set; otherwise starts a throwaway cluster on loopback
# (installing the Debian package first when run as root), and stops and removes it on exit.
# The cluster keeps fsync on: the figures are meant to be comparable with a real server's.
set -euo pipefail
cd "$(dirname "$0")/.."

as_postgres() {
  if [ "$(id -u)" -eq 0 ]; then runuser -u postgres -- "$@"; else "$@"; fi
}

free_port() {
  local port=$1
  while (echo >"/dev/tcp/127.0.0.1/$port") 2>/dev/null; do port=$((port + 1)); done
  echo "$port"
}

PG_DIR=""
stop_postgres() {
  if [ -n "$PG_DIR" ] && [ -d "$PG_DIR" ]; then
    as_postgres "$PG_BIN/pg_ctl" -D "$PG_DIR" -m fast -w stop >/dev/null 2>&1 || true
    rm -rf "$PG_DIR"
  fi
}

if [ -z "${ELIC_BENCH_POSTGRES:-}" ]; then
  PG_BIN=$(ls -d /usr/lib/postgresql/*/bin 2>/dev/null | sort -V | tail -n 1 || true)
  if [ -z "$PG_BIN" ] && [ "$(id -u)" -eq 0 ]; then
    echo "Installing PostgreSQL (Debian package postgresql)..."
    apt-get update -qq
    DEBIAN_FRONTEND=noninteractive apt-get install -y -qq postgresql >/dev/null
    PG_BIN=$(ls -d /usr/lib/postgresql/*/bin | sort -V | tail -n 1)
  fi

  if [ -n "$PG_BIN" ]; then
    PG_DIR=$(mktemp -d /tmp/elic-bench-pg.XXXXXX)
    [ "$(id -u)" -eq 0 ] && chown postgres:postgres "$PG_DIR"
    trap stop_postgres EXIT
    PG_PORT=$(free_port 55433)
    as_postgres "$PG_BIN/initdb" -D "$PG_DIR" -U postgres --auth=trust -E UTF8 --locale=C.UTF-8 >/dev/null
    as_postgres "$PG_BIN/pg_ctl" -D "$PG_DIR" -l "$PG_DIR/server.log" \
      -o "-k $PG_DIR -p $PG_PORT -c listen_addresses=127.0.0.1" -w start >/dev/null
    export ELIC_BENCH_POSTGRES="Host=127.0.0.1;Port=$PG_PORT;Username=postgres;Database=postgres"
    echo "PostgreSQL $("$PG_BIN/postgres" --version | awk '{print $3}') started on 127.0.0.1:$PG_PORT (removed on exit)"
  else
    echo "PostgreSQL is not installed (run as root to install it): SQLite only."
  fi
fi

dotnet build -c Release bench/Licenses.Bench -v quiet -nologo
dotnet run -c Release --no-build --project bench/Licenses.Bench -- "$@"
