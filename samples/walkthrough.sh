#!/usr/bin/env bash
# The registry's day in one script, against a running API (scripts/run.sh in another terminal):
#   issue a license → the holder shows it as a QR code (亮证) → a department redeems the code →
#   the holder grants another department two fields → that department reads exactly those two →
#   the holder revokes the grant → the next read is refused → the holder reads the whole story in
#   the access log, and checks offline that each event is in the audit log and the log was not rewritten.
# Needs curl; uses the demo credentials the first start wrote. Usage: samples/walkthrough.sh [base-url] [data-dir]
set -euo pipefail
cd "$(dirname "$0")/.."
BASE=${1:-http://127.0.0.1:5080}
DATA=${2:-data}
OUT=$(mktemp -d)
echo "files of this walkthrough: $OUT"

HOLDER=500112198802140159          # 何俊杰, holder of the sample driving licence
POLICE=11500000MB1501026H          # 重庆市公安局交通管理局: issues it
MARKET=11500000MB1503013M          # 重庆市市场监督管理局: redeems the 亮证 code
CIVIL=11500000MB15020105           # 重庆市民政局: receives the grant

# The value of a string member of a one-line JSON answer, e.g. field token.
field() { sed -n "s/.*\"$1\":\"\([^\"]*\)\".*/\1/p" | head -n 1; }
token() { tr -d '\n ' < "$DATA/demo-credentials.json" | sed -n "s/.*\"$1\":{\([^}]*\)}.*/\1/p" | field "$2"; }
step() { printf '\n== %s\n' "$*"; }

ISSUER_TOKEN=$(token $POLICE issuer)
MARKET_TOKEN=$(token $MARKET verifier)
CIVIL_TOKEN=$(token $CIVIL verifier)
dotnet build src/Licenses.Cli -c Release -v quiet -nologo >/dev/null
elic() { dotnet src/Licenses.Cli/bin/Release/net10.0/elic.dll "$@"; }

curl -sf "$BASE/api/v1/audit/public-key.pem" > "$OUT/audit-key.pem"

step "1. 公安局交管局 issues a driving licence (归集: validated, numbered, sealed as OFD and PDF)"
sed "s/\"证照编号\": \"[^\"]*\"/\"证照编号\": \"WALK-$(date +%s)\"/" samples/licenses/motor-vehicle-driving-licence-1.json > "$OUT/license.json"
LICENSE=$(curl -sf -X POST "$BASE/api/v1/licenses" -H "Authorization: Bearer $ISSUER_TOKEN" \
  -H "Content-Type: application/json" --data-binary @"$OUT/license.json" | field licenseId)
echo "证照标识 $LICENSE"
curl -sf "$BASE/api/v1/audit/tree-head" > "$OUT/sth-before.json"   # the holder keeps this signed head

step "2. The holder signs in (development identity provider) and shows the licence as a single-use QR code"
HOLDER_TOKEN=$(curl -sf -X POST "$BASE/api/v1/dev/holder-tokens" -H "Content-Type: application/json" \
  -d "{\"holderCode\":\"$HOLDER\"}" | field token)
curl -sf -X POST "$BASE/api/v1/presentations" -H "Authorization: Bearer $HOLDER_TOKEN" \
  -H "Content-Type: application/json" -d "{\"licenseId\":\"$LICENSE\"}" > "$OUT/presentation.json"
CODE=$(field code < "$OUT/presentation.json")
sed -n 's/.*"qrSvg":"\(.*\)".*/\1/p' "$OUT/presentation.json" | sed 's/\\"/"/g; s/\\n/\n/g; s/\\u003C/</g; s/\\u003E/>/g' > "$OUT/presentation-qr.svg"
echo "code $CODE (QR drawing: $OUT/presentation-qr.svg)"

step "3. 市场监管局 scans it: status and the fields the type shows without a grant (sensitive ones masked)"
curl -sf -X POST "$BASE/api/v1/presentations/redeem" -H "Authorization: Bearer $MARKET_TOKEN" \
  -H "Content-Type: application/json" -d "{\"code\":\"$CODE\"}"; echo
echo "scanning it again:"
curl -s -X POST "$BASE/api/v1/presentations/redeem" -H "Authorization: Bearer $MARKET_TOKEN" \
  -H "Content-Type: application/json" -d "{\"code\":\"$CODE\"}"; echo

step "4. The holder grants 民政局 two fields (准驾车型, 有效期截止日期) for one service item"
GRANT=$(curl -sf -X POST "$BASE/api/v1/grants" -H "Authorization: Bearer $HOLDER_TOKEN" -H "Content-Type: application/json" -d "{
  \"grantee\":\"$CIVIL\",\"licenseTypes\":[\"11100000000013338W004\"],\"fields\":[\"准驾车型\",\"有效期截止日期\"],
  \"purpose\":{\"itemCode\":\"500000-000201-001\",\"serialNumber\":\"SN-WALK-$(date +%s)\"},
  \"notAfter\":\"$(date -u -d '+7 days' +%Y-%m-%dT%H:%M:%SZ)\",\"maxUses\":3}" | field id)
echo "grant $GRANT"

step "5. 民政局 reads the licence under the grant: exactly those two fields"
curl -sf "$BASE/api/v1/shared/licenses/$LICENSE?grant=$GRANT" -H "Authorization: Bearer $CIVIL_TOKEN"; echo

step "6. The holder revokes the grant; 民政局's next read is refused"
curl -sf -X POST "$BASE/api/v1/grants/$GRANT/revoke" -H "Authorization: Bearer $HOLDER_TOKEN" > /dev/null
curl -s -w ' → HTTP %{http_code}\n' "$BASE/api/v1/shared/licenses/$LICENSE?grant=$GRANT" -H "Authorization: Bearer $CIVIL_TOKEN"

step "7. The holder's access log (用证留痕), newest first"
curl -sf "$BASE/api/v1/holders/me/access-log?take=10" -H "Authorization: Bearer $HOLDER_TOKEN" > "$OUT/access-log.json"
sed 's/},{/},\n{/g' "$OUT/access-log.json"; echo

step "8. Offline proofs: each event above is in the signed audit log, and the log only grew since step 1"
curl -sf "$BASE/api/v1/audit/tree-head" > "$OUT/sth-after.json"
SIZE=$(sed -n 's/.*"treeSize":\([0-9]*\).*/\1/p' "$OUT/sth-after.json")
paste -d' ' <(grep -o '"leafIndex":[0-9]*' "$OUT/access-log.json" | cut -d: -f2) \
            <(grep -o '"leafHash":"[0-9a-f]*"' "$OUT/access-log.json" | cut -d'"' -f4) |
while read -r INDEX HASH; do
  curl -sf "$BASE/api/v1/audit/proofs/inclusion?index=$INDEX&treeSize=$SIZE" > "$OUT/proof-$INDEX.json"
  elic audit verify --tree-head "$OUT/sth-after.json" --proof "$OUT/proof-$INDEX.json" --leaf-hash "$HASH" --public-key "$OUT/audit-key.pem"
done
FIRST=$(sed -n 's/.*"treeSize":\([0-9]*\).*/\1/p' "$OUT/sth-before.json")
curl -sf "$BASE/api/v1/audit/proofs/consistency?first=$FIRST&second=$SIZE" > "$OUT/consistency.json"
elic audit consistency --old "$OUT/sth-before.json" --new "$OUT/sth-after.json" --proof "$OUT/consistency.json" --public-key "$OUT/audit-key.pem"
