#!/usr/bin/env bash
# Installs the npm dependencies with `npm ci` when node_modules is missing or was
# installed from another package-lock.json; with --browser, also Debian's Chromium when missing.
set -euo pipefail
cd "$(dirname "$0")/../.."
# The verify page's browser test drives Debian's Chromium (playwright-core downloads no browser).
if [ "${1:-}" = "--browser" ] && ! command -v chromium >/dev/null 2>&1; then
  echo "[deps] apt-get install chromium" >&2
  if [ "$(id -u)" = 0 ]; then sudo=""; else sudo="sudo"; fi
  $sudo apt-get update -qq && DEBIAN_FRONTEND=noninteractive $sudo apt-get install -y -qq chromium >/dev/null
fi
stamp=node_modules/.chat-guard-lock.sha256
want=$(sha256sum package-lock.json | cut -d' ' -f1)
if [ -f "$stamp" ] && [ "$(cat "$stamp")" = "$want" ]; then exit 0; fi
echo "[deps] npm ci" >&2
npm ci --no-audit --no-fund --loglevel=error
echo "$want" >"$stamp"
