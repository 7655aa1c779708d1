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
# The sample main flow looks accounts up in a CRM: without one of yours, run the stand-in.
crm_pid=
if [ -z "${FLOW_CRM_URL:-}" ]; then
  export FLOW_CRM_URL=http://127.0.0.1:${SAMPLE_CRM_PORT:-3901} FLOW_CRM_TOKEN=${FLOW_CRM_TOKEN:-dev-token}
  node scripts/sample-crm.mjs & crm_pid=$!
  trap '[ -n "$crm_pid" ] && kill "$crm_pid" 2>/dev/null' EXIT
fi
cat <<TXT

  Switchboard is starting on http://127.0.0.1:$port  (API docs: http://127.0.0.1:$port/docs)
  Admin API key: $(cat "$data/admin-key")   (saved in $data/admin-key)

  Place a test call from the trunk address with SIPp (it calls 100, the sample main line; it
  presses no keys, so it hears the menus' retries, then the voicemail prompt):
    sipp -sf test/integration/sipp/caller-until-bye.xml -i 127.0.0.2 -mi 127.0.0.2 -s 100 -m 1 127.0.0.1:5060
  Then see it in the call log:
    curl -H "Authorization: Bearer \$(cat $data/admin-key)" http://127.0.0.1:$port/api/v1/calls

  Agents: alice, bob and chloe on softphones 1001, 1002, 1003 (password ${SWITCHBOARD_AGENT_PASSWORD:-agent-dev},
  127.0.0.1:5060 UDP). Register one, log its agent in, and the sample flow's queues ring it:
    curl -X POST -H "Authorization: Bearer \$(cat $data/admin-key)" http://127.0.0.1:$port/api/v1/agents/alice/login
  Watch the queues live: curl -N -H "Authorization: Bearer \$(cat $data/admin-key)" http://127.0.0.1:$port/api/v1/acd/events
  Stop with Ctrl-C; stop Asterisk with: npm run asterisk -- down

TXT
node scripts/sample-acd.mjs "http://127.0.0.1:$port" "$(cat "$data/admin-key")" &
node dist/main.js
