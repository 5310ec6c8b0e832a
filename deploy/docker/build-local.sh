#!/usr/bin/env bash
# The Dockerfile's steps without Docker, in a temporary folder, then one service started from
# the output the way the image starts it: as user 65532 (when run as root), from a read-only
# tree with no repository around it. Prints the time from start to ready.
#
#   bash deploy/docker/build-local.sh [service]   # default anomaly-detector (loads TF.js wasm)
#
# The service reads NATS_URL, REDIS_URL, DATABASE_URL… as usual; it runs until it is ready,
# then gets SIGTERM and must drain. KEEP=1 keeps the folder.
set -euo pipefail
cd "$(dirname "$0")/../.."
service=${1:-anomaly-detector}
work=$(mktemp -d /tmp/chat-guard-image.XXXXXX)
[ "${KEEP:-}" = 1 ] || trap 'chmod -R u+w "$work"; rm -rf "$work"' EXIT

# Stage 1 (build): the repository's dependencies are installed from the same package-lock.json.
bash deploy/local/deps.sh
node --import tsx deploy/docker/build.ts --out "$work/app"

# Stage 2 (run): only the output, read-only, as the image's numeric user.
chmod -R a-w "$work/app"
chmod a+rx "$work"
run=(node --heap-growing-percent=20 --enable-source-maps --import ./dist/instrument.mjs "dist/services/$service/main.mjs")
if [ "$(id -u)" = 0 ]; then run=(setpriv --reuid=65532 --regid=65532 --clear-groups "${run[@]}"); fi
log="$work/$service.log"
started=$(date +%s%N)
(cd "$work/app" && exec env HOME=/nonexistent "${run[@]}") >"$log" 2>&1 &
pid=$!
until grep -q '"msg":"ready"' "$log"; do
  if ! kill -0 "$pid" 2>/dev/null; then
    cat "$log" >&2
    echo "$service exited before it was ready" >&2
    exit 1
  fi
  if (( ($(date +%s%N) - started) / 1000000 > 60000 )); then
    cat "$log" >&2
    kill "$pid"
    echo "$service was not ready within 60 s" >&2
    exit 1
  fi
  sleep 0.05
done
ready_ms=$(( ($(date +%s%N) - started) / 1000000 ))
kill -TERM "$pid"
status=0
wait "$pid" || status=$?
cat "$log"
if [ "$status" != 0 ]; then echo "$service did not drain cleanly (exit $status)" >&2; exit 1; fi
echo "{\"service\":\"$service\",\"readyMs\":$ready_ms,\"size\":\"$(du -sh "$work/app" | cut -f1)\"}"
