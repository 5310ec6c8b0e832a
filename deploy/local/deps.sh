#!/usr/bin/env bash
# Installs the npm dependencies with `npm ci` when node_modules is missing or was
# installed from another package-lock.json.
set -euo pipefail
cd "$(dirname "$0")/../.."
stamp=node_modules/.chat-guard-lock.sha256
want=$(sha256sum package-lock.json | cut -d' ' -f1)
if [ -f "$stamp" ] && [ "$(cat "$stamp")" = "$want" ]; then exit 0; fi
echo "[deps] npm ci" >&2
npm ci --no-audit --no-fund --loglevel=error
echo "$want" >"$stamp"
