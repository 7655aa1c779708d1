#!/usr/bin/env bash
# One command from a fresh clone to a running call center: npm packages, Asterisk 22 (chroot),
# the first admin API key, and Switchboard in the foreground with the flows in ivr-flows/.
set -euo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")/.."

bash scripts/install-deps.sh
bash scripts/asterisk.sh up
npm run --silent build

data=${SWITCHBOARD_DATA_DIR:-./data}
mkdir -p "$data"
if [ ! -s "$data/admin-key" ]; then
  umask 077
  node dist/cli.js keys create --name "first admin" --role admin -q >"$data/admin-key"
fi
port=${SWITCHBOARD_PORT:-3000}
cat <<TXT

  Switchboard is starting on http://127.0.0.1:$port  (API docs: http://127.0.0.1:$port/docs)
  Admin API key: $(cat "$data/admin-key")   (saved in $data/admin-key)

  Place a test call from the trunk address with SIPp (it calls 100, hears the sample flow):
    sipp -sf test/integration/sipp/caller-until-bye.xml -i 127.0.0.2 -mi 127.0.0.2 -s 100 -m 1 127.0.0.1:5060
  Then see it in the call log:
    curl -H "Authorization: Bearer \$(cat $data/admin-key)" http://127.0.0.1:$port/api/v1/calls

  Softphone: register 1001 (or 1002, 1003) / password ${SWITCHBOARD_AGENT_PASSWORD:-agent-dev} at 127.0.0.1:5060 (UDP), dial any number.
  Stop with Ctrl-C; stop Asterisk with: npm run asterisk -- down

TXT
exec node dist/main.js
