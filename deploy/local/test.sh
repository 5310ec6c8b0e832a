#!/usr/bin/env bash
# The Quickstart's second command: infrastructure, dependencies, type-check, lint, and
# every test against the real NATS, Redis and PostgreSQL of this machine.
set -euo pipefail
cd "$(dirname "$0")/../.."
bash deploy/local/infra.sh
bash deploy/local/deps.sh

echo "== type-check (tsc)"
node_modules/.bin/tsc -p tsconfig.json
# The dashboard's front end runs in browsers: its own settings (DOM, JSX).
node_modules/.bin/tsc -p services/dashboard/web/tsconfig.json
echo "== lint and format (biome)"
node_modules/.bin/biome ci --colors=off .
echo "== tests (vitest)"
mkdir -p .cache
status=0
node_modules/.bin/vitest run --config test/vitest.config.ts \
  --reporter=default --reporter=json --outputFile.json=.cache/vitest.json "$@" || status=$?
# One plain closing line with the counts, whatever the reporter printed above it.
node -e '
  const r = JSON.parse(require("fs").readFileSync(".cache/vitest.json", "utf8"));
  console.log(`tests: ${r.numPassedTests} passed, ${r.numFailedTests} failed, ${r.numPendingTests + r.numTodoTests} skipped`);
' || echo 'tests: no results (vitest did not finish)'
exit "$status"
