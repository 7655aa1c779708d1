#!/usr/bin/env bash
# `npm test`: installs what the tests need (npm packages, Asterisk 22 in its chroot, SIPp), then
# type-checks and runs the unit and real-Asterisk integration suites. Needs root (chroot, apt-get).
# Extra arguments go to vitest, e.g. `npm test -- --project unit`.
set -euo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")/.."

bash scripts/install-deps.sh
bash scripts/asterisk.sh up
echo "[test] type-checking"
npx tsc --noEmit -p .
npx vitest run "$@"
