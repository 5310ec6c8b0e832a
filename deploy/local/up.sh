#!/usr/bin/env bash
# The Quickstart's first command: infrastructure, dependencies, then the whole system.
set -euo pipefail
cd "$(dirname "$0")/../.."
bash deploy/local/infra.sh
bash deploy/local/deps.sh
# The dashboard serves its pages from dist/dashboard-web (React, built by Vite).
node --import tsx deploy/docker/build.ts --dashboard-web
exec node_modules/.bin/chat-guard up "$@"
