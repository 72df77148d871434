#!/usr/bin/env bash
# Builds the 归集 benchmark in Release and runs it against SQLite and PostgreSQL.
#   bench/run.sh [--count N] [--no-profile]
# or the OFD issuance/verification benchmark (SQLite only, no PostgreSQL needed):
#   bench/run.sh ofd [--count N] [--batch B] [--isolated M] [--verify V] [--seconds S]
# or the PDF issuance/verification benchmark, with poppler's pdfsig beside it (SQLite only):
#   bench/run.sh pdf [--count N] [--seed S] [--pdfsig M]
# or the audit log benchmark (appends/s with concurrent writers, proof costs; PostgreSQL only when $ELIC_BENCH_POSTGRES is set):
#   bench/run.sh audit [--count N] [--writers W]
# PostgreSQL: uses $ELIC_BENCH_POSTGRES when set; otherwise installs the Debian package if missing and
# starts a throwaway cluster on loopback, removed on exit. It keeps fsync on, so the figures are
# comparable with a real server's.
# or 核验 over HTTP with wrk (installed if missing) against the Release API and a bare endpoint:
#   bench/run.sh http [--seconds S] [--connections C]
# or electronic archives (archive at issue, export to a folder and to a throwaway s3rver against tar, 四性检测 of the bags):
#   bench/run.sh archive [--count N]
# or one large package through the MinIO blob store into a throwaway s3rver, with the peak memory:
#   bench/run.sh store [--mib N]
set -euo pipefail
cd "$(dirname "$0")/.."

if [ "${1:-}" = "http" ]; then
  source scripts/lib/packages.sh
  ensure_debian_packages wrk
  dotnet build -c Release src/Licenses.Api -v quiet -nologo
  dotnet build -c Release bench/BareEndpoint -v quiet -nologo
  dotnet build -c Release bench/Licenses.Bench -v quiet -nologo
  exec dotnet run -c Release --no-build --project bench/Licenses.Bench -- "$@"
fi

if [ "${1:-}" = "archive" ] || [ "${1:-}" = "store" ]; then
  source scripts/lib/packages.sh
  source scripts/lib/s3rver.sh
  if [ -z "${ELIC_BENCH_S3:-}" ]; then
    ensure_s3rver_installed
    start_throwaway_s3rver 54668
    export ELIC_BENCH_S3="$S3RVER_URL"
  fi
  dotnet build -c Release bench/Licenses.Bench -v quiet -nologo
  dotnet run -c Release --no-build --project bench/Licenses.Bench -- "$@"
  exit $?
fi

if [ "${1:-}" = "ofd" ] || [ "${1:-}" = "pdf" ] || [ "${1:-}" = "verify" ] || [ "${1:-}" = "audit" ]; then
  dotnet build -c Release bench/Licenses.Bench -v quiet -nologo
  exec dotnet run -c Release --no-build --project bench/Licenses.Bench -- "$@"
fi

source scripts/lib/postgres.sh

if [ -z "${ELIC_BENCH_POSTGRES:-}" ]; then
  ensure_postgres_installed
  start_throwaway_postgres 55433
  export ELIC_BENCH_POSTGRES="$PG_CONNECTION"
fi

dotnet build -c Release bench/Licenses.Bench -v quiet -nologo
dotnet run -c Release --no-build --project bench/Licenses.Bench -- "$@"
