#!/usr/bin/env bash
# An archivist's month: export January 2025's 营业执照 of the demo data to an S3-compatible bucket as BagIt packages,
# then run 四性检测 on what the bucket holds. Needs only the .NET SDK (s3rver is installed from npm when no endpoint is given).
#   samples/archive-walkthrough.sh [data-dir]          default ./data, the directory scripts/run.sh uses
# With your own MinIO: ELIC_S3_ENDPOINT=http://minio:9000 ELIC_S3_BUCKET=archives ELIC_S3_ACCESS_KEY=… ELIC_S3_SECRET_KEY=… samples/archive-walkthrough.sh
set -euo pipefail
cd "$(dirname "$0")/.."
DATA=${1:-data}
elic() { dotnet src/Licenses.Cli/bin/Release/net10.0/elic.dll "$@"; }
dotnet build -c Release src/Licenses.Cli -v quiet -nologo >/dev/null

# 1. Licenses to archive: the import sample (30 lines, 3 rejected on purpose; pushing it again stores nothing new).
#    Stop scripts/run.sh first if it uses the same data directory, or push the file through the API instead.
elic import samples/import.ndjson --data-dir "$DATA" --as 11500000MB1503013M --no-progress >/dev/null || true

# 2. An archivist department of samples/departments.json (重庆市规划和自然资源局: verifier, archivist).
ARCHIVIST=$(grep -B7 '"archivist"' samples/departments.json | sed -n 's/.*"code": "\(.*\)".*/\1/p' | head -1)

# 3. A bucket: yours, or a throwaway s3rver on loopback (removed when this script ends).
if [ -z "${ELIC_S3_ENDPOINT:-}" ]; then
  source scripts/lib/packages.sh
  source scripts/lib/s3rver.sh
  ensure_s3rver_installed
  start_throwaway_s3rver
  ELIC_S3_ENDPOINT=$S3RVER_URL
  export ELIC_S3_ACCESS_KEY=S3RVER ELIC_S3_SECRET_KEY=S3RVER
  curl -sf -X PUT "$ELIC_S3_ENDPOINT/archives" >/dev/null
fi
BUCKET=${ELIC_S3_BUCKET:-archives}

# 4. Export a month (packages not yet archived are made now), then validate the bucket's bags against the digests the
#    registry registered at archiving (--data-dir; without it that one check is NOT RUN): exit 0 = all valid.
elic archive export --type 11100000MB0000617G001 --issued-from 2025-01-01 --issued-to 2025-01-31 \
     --out "s3://$BUCKET/2025-01" --s3-endpoint "$ELIC_S3_ENDPOINT" --data-dir "$DATA" --as "$ARCHIVIST"
elic archive validate "s3://$BUCKET/2025-01" --s3-endpoint "$ELIC_S3_ENDPOINT" --data-dir "$DATA"
