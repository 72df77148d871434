#!/usr/bin/env bash
# Runs every test of the solution. Installs and starts what the tests need on a fresh machine that has
# only the .NET SDK: the CJK font, the independent checkers (OpenSSL, qpdf, poppler's pdfsig, fontconfig's
# fc-scan, libxml2's xmllint), a throwaway PostgreSQL cluster and a throwaway s3rver on loopback (stopped and
# removed afterwards).
set -euo pipefail
cd "$(dirname "$0")/.."
source scripts/lib/packages.sh
source scripts/lib/postgres.sh
source scripts/lib/s3rver.sh

ensure_debian_packages "$ELIC_FONT_PACKAGE" openssl fontconfig qpdf poppler-utils libxml2-utils

ensure_postgres_installed
start_throwaway_postgres 55432 "-c fsync=off"   # throwaway data: durability is not under test here
export ELIC_TEST_POSTGRES="$PG_CONNECTION"

ensure_s3rver_installed
start_throwaway_s3rver 54568   # after PostgreSQL: its EXIT trap is kept and chained
export ELIC_TEST_S3="$S3RVER_URL"

results=$(mktemp -d)
status=0
dotnet test ElectronicLicense.sln -c Release --logger "trx" --results-directory "$results" "$@" || status=$?

# One plain closing line summing every test project's results.
passed=0; failed=0; skipped=0
for trx in "$results"/*.trx; do
  [ -f "$trx" ] || continue
  counters=$(grep -o '<Counters [^>]*>' "$trx" | head -n 1)
  p=$(sed -n 's/.* passed="\([0-9]*\)".*/\1/p' <<<"$counters"); f=$(sed -n 's/.* failed="\([0-9]*\)".*/\1/p' <<<"$counters")
  s=$(sed -n 's/.* notExecuted="\([0-9]*\)".*/\1/p' <<<"$counters")
  passed=$((passed + ${p:-0})); failed=$((failed + ${f:-0})); skipped=$((skipped + ${s:-0}))
done
rm -rf "$results"
echo "${passed} passed, ${failed} failed, ${skipped} skipped"
[ "$passed" -gt 0 ] || { echo "No test ran."; exit 1; }
exit $status
