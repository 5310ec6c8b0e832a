#!/usr/bin/env bash
# Installs the npm dependencies with `npm ci` when node_modules is missing or was
# installed from another package-lock.json.
set -euo pipefail
cd "$(dirname "$0")/../.."
# A test that runs `npm run up` from inside the suite sets this: node_modules is in use.
if [ -n "${CHAT_GUARD_SKIP_DEPS:-}" ]; then exit 0; fi
stamp=node_modules/.chat-guard-lock.sha256
want=$(sha256sum package-lock.json | cut -d' ' -f1)
if [ -f "$stamp" ] && [ "$(cat "$stamp")" = "$want" ]; then exit 0; fi
echo "[deps] npm ci" >&2
npm ci --no-audit --no-fund --loglevel=error
echo "$want" >"$stamp"
