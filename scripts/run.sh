#!/usr/bin/env bash
# Starts the registry API on the embedded default: SQLite and a local object store under ./data, demo
# departments, keys and seals created on first run. Installs the CJK font licenses are rendered with.
# Extra arguments go to the API, e.g. scripts/run.sh --urls http://0.0.0.0:5080
set -euo pipefail
cd "$(dirname "$0")/.."
source scripts/lib/packages.sh
ensure_debian_packages "$ELIC_FONT_PACKAGE"
if [ $# -eq 0 ]; then set -- --urls http://127.0.0.1:5080; fi
exec dotnet run --project src/Licenses.Api -c Release -- "$@"
