#!/usr/bin/env bash
# Installs the npm dependencies when node_modules is missing or older than the lockfile.
# better-sqlite3 compiles from source here (about 2 minutes; no prebuilt binary can be fetched):
# package.json's allowScripts lets its install script run.
set -euo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")/.."
if [ ! -f node_modules/.package-lock.json ] || [ package-lock.json -nt node_modules/.package-lock.json ]; then
  echo "[deps] npm ci (better-sqlite3 builds from source: about 2 minutes)"
  npm ci --no-audit --no-fund --loglevel=error
fi
node -e "new (require('better-sqlite3'))(':memory:').close()" \
  || { echo "[deps] better-sqlite3 did not build; rebuilding"; npm rebuild better-sqlite3; }
