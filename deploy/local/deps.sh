#!/usr/bin/env bash
# Installs the npm dependencies with `npm ci` when node_modules is missing or was
# installed from another package-lock.json.
set -euo pipefail
cd "$(dirname "$0")/../.."
# The dashboard's browser tests drive Debian's Chromium through playwright-core (no browser download).
if ! command -v chromium >/dev/null 2>&1; then
  echo "[deps] apt-get install chromium" >&2
  sudo=""
  [ "$(id -u)" = 0 ] || sudo=sudo
  $sudo apt-get install -y --no-install-recommends chromium >&2 ||
    { $sudo apt-get update >&2 && $sudo apt-get install -y --no-install-recommends chromium >&2; }
fi
stamp=node_modules/.chat-guard-lock.sha256
want=$(sha256sum package-lock.json | cut -d' ' -f1)
if [ -f "$stamp" ] && [ "$(cat "$stamp")" = "$want" ]; then exit 0; fi
echo "[deps] npm ci" >&2
npm ci --no-audit --no-fund --loglevel=error
echo "$want" >"$stamp"
