#!/usr/bin/env bash
# Makes the upgrade-test fixture: a registry created by a build that knew no migrations (EnsureCreated),
# once on SQLite and once on PostgreSQL, holding licenses with documents, a revocation, grants, 亮证 codes,
# verification receipts, audit events with signed tree heads and archive packages.
#   tests/Fixtures/registry-before-migrations/make.sh <checkout of that commit, built in Release>
# The keys, tokens and data in the output are TEST FIXTURES made by this script, not secrets of any registry.
set -euo pipefail
here=$(cd "$(dirname "$0")" && pwd)
legacy=$(cd "$1" && pwd)
repo=$(cd "$here/../../.." && pwd)
source "$repo/scripts/lib/postgres.sh"
api="$legacy/src/Licenses.Api/bin/Release/net10.0/ElectronicLicense.Api.dll"
[ -f "$api" ] || { echo "build $legacy in Release first"; exit 2; }

field() { sed -n "s/.*\"$1\":\"\([^\"]*\)\".*/\1/p" | head -n 1; }
token() { tr -d '\n ' < "$DATA/demo-credentials.json" | sed -n "s/.*\"$1\":{\([^}]*\)}.*/\1/p" | field "$2"; }

run_story() {   # $1 = data dir, $2 = port, extra API arguments after
  DATA=$1; local port=$2; shift 2
  BASE="http://127.0.0.1:$port"
  (cd "$legacy" && exec dotnet "$api" --urls "$BASE" --Storage:DataDirectory "$DATA" "$@" >"$DATA.log" 2>&1) &
  local pid=$!
  for _ in $(seq 120); do curl -sf "$BASE/api/v1/catalog/types" >/dev/null 2>&1 && break; sleep 1; done
  local market; market=$(token 11500103MB15030211 issuer)
  local business
  business=$(curl -sf -X POST "$BASE/api/v1/licenses" -H "Authorization: Bearer $market" -H "Content-Type: application/json" \
    --data-binary @"$legacy/samples/licenses/business-license-1.json" | field licenseId)
  curl -sf -X POST "$BASE/api/v1/licenses" -H "Authorization: Bearer $market" -H "Content-Type: application/json" \
    --data-binary @"$legacy/samples/licenses/food-business-license-1.json" >/dev/null
  curl -sf -X POST "$BASE/api/v1/licenses/$business/suspend" -H "Authorization: Bearer $market" -H "Content-Type: application/json" \
    -d '{"reasonCode":"under-investigation"}' >/dev/null
  (cd "$legacy" && samples/walkthrough.sh "$BASE" "$DATA") >"$DATA.walkthrough.log"
  local police verifier license
  police=$(token 11500000MB1501026H issuer)
  verifier=$(token 11500000MB1503013M verifier)
  license=$(sed -n 's/^证照标识 //p' "$DATA.walkthrough.log")
  curl -sf -X POST "$BASE/api/v1/verifications" -H "Authorization: Bearer $verifier" -H "Content-Type: application/json" \
    -d "{\"licenseId\":\"$license\"}" >/dev/null
  curl -sf -o "$DATA.ofd" "$BASE/api/v1/licenses/$license/document?format=ofd" -H "Authorization: Bearer $police"
  curl -sf -X POST "$BASE/api/v1/verifications" -H "Authorization: Bearer $verifier" -F "file=@$DATA.ofd;type=application/ofd" >/dev/null
  curl -sf -X POST "$BASE/api/v1/archives/case-closures" -H "Authorization: Bearer $verifier" -H "Content-Type: application/json" \
    -d "{\"caseNumber\":\"CASE-FIXTURE-1\",\"licenseIds\":[\"$license\"]}" >/dev/null
  curl -sf -X POST "$BASE/api/v1/licenses/$license/revoke" -H "Authorization: Bearer $police" -H "Content-Type: application/json" \
    -d '{"reasonCode":"issued-in-error"}' >/dev/null
  curl -sf "$BASE/api/v1/audit/tree-head" >/dev/null
  sleep 8   # the archive worker drains its outbox
  kill -TERM $pid; wait $pid || true
  rm -f "$DATA.ofd"
}

out=$(mktemp -d)
mkdir -p "$out/sqlite" "$out/postgresql"
run_story "$out/sqlite" 5391
sqlite3 "$out/sqlite/registry.db" 'PRAGMA wal_checkpoint(TRUNCATE); PRAGMA journal_mode=DELETE;' >/dev/null
rm -f "$out/sqlite/registry.db-wal" "$out/sqlite/registry.db-shm"

ensure_postgres_installed
start_throwaway_postgres 56032
run_story "$out/postgresql" 5392 --Storage:Provider postgresql --Storage:ConnectionString "$PG_CONNECTION"
pg_dump --inserts --no-owner --no-privileges --no-comments -d "postgresql://postgres@127.0.0.1:$PG_PORT/postgres" > "$out/postgresql/registry.sql"

for store in sqlite postgresql; do
  rm -rf "$here/$store"
  cp -r "$out/$store" "$here/$store"
done
cp "$out"/*.log "$here/" 2>/dev/null || true
echo "fixture written to $here (logs beside it); commit $(git -C "$legacy" rev-parse --short HEAD)"
