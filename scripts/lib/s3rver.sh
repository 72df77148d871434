# Throwaway S3-protocol server (npm s3rver) on loopback, for tests and benchmarks. Source this file
# (after packages.sh), then:
#   ensure_s3rver_installed; start_throwaway_s3rver [first port]
# exports S3RVER_URL (credentials S3RVER/S3RVER) and stops the server and removes its data on exit.
# s3rver is installed once into a cache folder outside the repository; it ignores checksums, object lock
# and retention, so tests that need those fake the bucket's answers in-process.

S3RVER_VERSION=3.7.1

ensure_s3rver_installed() {
  if ! command -v node >/dev/null 2>&1 || ! command -v npm >/dev/null 2>&1; then
    ensure_debian_packages nodejs npm
  fi
  S3RVER_HOME="${XDG_CACHE_HOME:-$HOME/.cache}/elic-s3rver"
  S3RVER_BIN="$S3RVER_HOME/node_modules/s3rver/bin/s3rver.js"
  local installed=""
  [ -f "$S3RVER_HOME/node_modules/s3rver/package.json" ] \
    && installed=$(node -p "require('$S3RVER_HOME/node_modules/s3rver/package.json').version" 2>/dev/null || true)
  if [ "$installed" != "$S3RVER_VERSION" ]; then
    echo "Installing s3rver $S3RVER_VERSION into $S3RVER_HOME..."
    mkdir -p "$S3RVER_HOME"
    npm install --prefix "$S3RVER_HOME" --no-audit --no-fund --loglevel=error "s3rver@$S3RVER_VERSION" >/dev/null
  fi
  export S3RVER_HOME S3RVER_BIN
}

_s3rver_free_port() {
  local port=$1
  while (echo >"/dev/tcp/127.0.0.1/$port") 2>/dev/null; do port=$((port + 1)); done
  echo "$port"
}

# Adds a command to the EXIT trap without dropping one already there (postgres.sh sets its own).
_s3rver_add_exit_trap() {
  local existing
  existing=$(trap -p EXIT | sed -E "s/^trap -- '(.*)' EXIT$/\1/")
  # shellcheck disable=SC2064
  trap "$1${existing:+; $existing}" EXIT
}

start_throwaway_s3rver() {
  S3RVER_DIR=$(mktemp -d /tmp/elic-s3rver.XXXXXX)
  S3RVER_PORT=$(_s3rver_free_port "${1:-54568}")
  # s3rver makes ListObjectsV2 continuation tokens with DES, which OpenSSL 3 keeps in its legacy provider: without it every
  # listing longer than one page fails with HTTP 500.
  local legacy=""
  node --openssl-legacy-provider -e 0 >/dev/null 2>&1 && legacy="--openssl-legacy-provider"
  node $legacy "$S3RVER_BIN" -d "$S3RVER_DIR/data" -a 127.0.0.1 -p "$S3RVER_PORT" --silent >"$S3RVER_DIR/server.log" 2>&1 &
  S3RVER_PID=$!
  export S3RVER_DIR S3RVER_PORT S3RVER_PID
  _s3rver_add_exit_trap stop_throwaway_s3rver
  local tries=0
  until (echo >"/dev/tcp/127.0.0.1/$S3RVER_PORT") 2>/dev/null; do
    if ! kill -0 "$S3RVER_PID" 2>/dev/null || [ $tries -ge 100 ]; then
      echo "s3rver did not start:"; cat "$S3RVER_DIR/server.log"; return 1
    fi
    tries=$((tries + 1)); sleep 0.1
  done
  export S3RVER_URL="http://127.0.0.1:$S3RVER_PORT"
  echo "s3rver started on $S3RVER_URL (data in $S3RVER_DIR, removed on exit)"
}

stop_throwaway_s3rver() {
  if [ -n "${S3RVER_PID:-}" ]; then
    kill "$S3RVER_PID" 2>/dev/null || true
    wait "$S3RVER_PID" 2>/dev/null || true
    S3RVER_PID=""
  fi
  if [ -n "${S3RVER_DIR:-}" ] && [ -d "$S3RVER_DIR" ]; then
    rm -rf "$S3RVER_DIR"
  fi
}
