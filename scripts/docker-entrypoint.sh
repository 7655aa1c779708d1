#!/usr/bin/env bash
# Container start: Asterisk (configured from the environment by scripts/asterisk.sh), then the server.
set -euo pipefail
cd /app
# ARI is only spoken inside the container: unless one is given, use a fresh random password per
# start instead of the well-known development default.
if [ -z "${SWITCHBOARD_ARI_PASSWORD:-}" ]; then
  SWITCHBOARD_ARI_PASSWORD=$(head -c 24 /dev/urandom | base64 | tr -d '/+=')
  export SWITCHBOARD_ARI_PASSWORD
fi
# The sample softphones 1001-1003 must not keep the development password on a reachable SIP port.
if [ -z "${SWITCHBOARD_AGENT_PASSWORD:-}" ]; then
  SWITCHBOARD_AGENT_PASSWORD=$(head -c 24 /dev/urandom | base64 | tr -d '/+=')
  export SWITCHBOARD_AGENT_PASSWORD
fi
bash scripts/asterisk.sh up
mkdir -p "$SWITCHBOARD_DATA_DIR"
if [ ! -s "$SWITCHBOARD_DATA_DIR/admin-key" ]; then
  (umask 077; node dist/cli.js keys create --name "first admin" --role admin -q >"$SWITCHBOARD_DATA_DIR/admin-key")
  echo "first admin API key written to $SWITCHBOARD_DATA_DIR/admin-key"
fi
trap 'bash scripts/asterisk.sh down' EXIT
node dist/main.js
