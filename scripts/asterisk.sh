#!/usr/bin/env bash
# Switchboard's Asterisk 22: provision, configure, start, stop, inspect.
#
#   scripts/asterisk.sh up        provision (first run ~1 min) and start; a second `up` takes seconds
#   scripts/asterisk.sh down      stop Asterisk (and unmount the chroot's /proc and /dev)
#   scripts/asterisk.sh restart   down + up
#   scripts/asterisk.sh status    running? ARI reachable? active channels
#   scripts/asterisk.sh cli [CMD] an Asterisk console, or run one CLI command
#   scripts/asterisk.sh logs      follow Asterisk's messages.log
#
# Modes (SWITCHBOARD_ASTERISK_MODE): `chroot` runs Debian sid's Asterisk 22 package in a cached
# chroot (Debian bookworm has no asterisk package); `native` uses an Asterisk 22 already installed
# on the host (/etc/asterisk); `auto` (default) picks native when `asterisk -V` says 22, else chroot.
# Settings are environment variables, shared with the server; see docs/configuration.md.
set -euo pipefail

here=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
cmd=${1:-status}
shift || true

ROOT=${SWITCHBOARD_ASTERISK_ROOT:-/var/lib/switchboard/asterisk-root}
MODE=${SWITCHBOARD_ASTERISK_MODE:-auto}
ARI_URL=${SWITCHBOARD_ARI_URL:-http://127.0.0.1:8088}
ARI_USER=${SWITCHBOARD_ARI_USER:-switchboard}
ARI_PASSWORD=${SWITCHBOARD_ARI_PASSWORD:-switchboard-dev}
ARI_APP=${SWITCHBOARD_ARI_APP:-switchboard}
HTTP_BIND=${SWITCHBOARD_ASTERISK_HTTP_BIND:-127.0.0.1}
HTTP_PORT=${SWITCHBOARD_ASTERISK_HTTP_PORT:-8088}
SIP_BIND=${SWITCHBOARD_SIP_BIND:-127.0.0.1}
SIP_PORT=${SWITCHBOARD_SIP_PORT:-5060}
TRUNK_MATCH=${SWITCHBOARD_TRUNK_MATCH:-127.0.0.2}
TRUNK_HOST=${SWITCHBOARD_TRUNK_HOST:-127.0.0.2:5060}
AGENT_PASSWORD=${SWITCHBOARD_AGENT_PASSWORD:-agent-dev}
FALLBACK_DIAL=${SWITCHBOARD_FALLBACK_DIAL:-}
# French sounds back the sample flows' language menu (the call's locale sets CHANNEL(language)).
PACKAGES="asterisk asterisk-core-sounds-en-wav asterisk-core-sounds-fr-wav asterisk-moh-opsound-wav"

log() { printf '[asterisk] %s\n' "$*" >&2; }
die() { printf '[asterisk] error: %s\n' "$*" >&2; exit 1; }

resolve_mode() {
  if [ "$MODE" = auto ]; then
    if command -v asterisk >/dev/null 2>&1 && asterisk -V 2>/dev/null | grep -q '^Asterisk 22'; then
      MODE=native
    else
      MODE=chroot
    fi
  fi
  case "$MODE" in
    chroot) ETC="$ROOT/etc/asterisk"; RUN=(chroot "$ROOT") ;;
    native) ETC=/etc/asterisk; RUN=() ;;
    *) die "SWITCHBOARD_ASTERISK_MODE must be auto, chroot or native (got '$MODE')" ;;
  esac
}

need_root() { [ "$(id -u)" = 0 ] || die "this needs root (chroot, apt-get); run it with sudo"; }

host_packages() {
  local missing=()
  command -v debootstrap >/dev/null 2>&1 || missing+=(debootstrap)
  command -v sipp >/dev/null 2>&1 || missing+=(sip-tester)
  command -v curl >/dev/null 2>&1 || missing+=(curl)
  if [ ${#missing[@]} -gt 0 ]; then
    log "installing host packages: ${missing[*]}"
    apt-get update -qq
    DEBIAN_FRONTEND=noninteractive apt-get install -y -qq "${missing[@]}" >/dev/null
  fi
}

mount_chroot() {
  mountpoint -q "$ROOT/proc" || mount -t proc proc "$ROOT/proc"
  mountpoint -q "$ROOT/dev" || mount --bind /dev "$ROOT/dev"
  # Without the host's /etc/hosts, Asterisk resolves A.ROOT-SERVERS.NET on PJSIP threads for every
  # SDP it builds, the PJSIP taskprocessors overflow and calls hang in Answer().
  cp /etc/hosts "$ROOT/etc/hosts"
  cp /etc/resolv.conf "$ROOT/etc/resolv.conf" 2>/dev/null || true
}

umount_chroot() {
  mountpoint -q "$ROOT/dev" && umount -l "$ROOT/dev" || true
  mountpoint -q "$ROOT/proc" && umount -l "$ROOT/proc" || true
}

provision_chroot() {
  if [ -f "$ROOT/.switchboard-provisioned" ]; then
    # A chroot built from an older package list gets what is missing, without a rebuild.
    if [ "$(cat "$ROOT/.switchboard-packages" 2>/dev/null)" != "$PACKAGES" ]; then
      log "adding packages to the chroot: $PACKAGES"
      mount_chroot
      chroot "$ROOT" apt-get -o Acquire::Check-Valid-Until=false update -qq
      chroot "$ROOT" env DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends $PACKAGES \
        >/tmp/switchboard-chroot-apt.log 2>&1 || die "apt-get in the chroot failed; see /tmp/switchboard-chroot-apt.log"
      echo "$PACKAGES" >"$ROOT/.switchboard-packages"
    fi
    return
  fi
  log "building the Asterisk 22 chroot in $ROOT (Debian sid; about a minute)"
  rm -rf "$ROOT"
  mkdir -p "$(dirname "$ROOT")"
  debootstrap --variant=minbase sid "$ROOT" >/tmp/switchboard-debootstrap.log 2>&1 \
    || die "debootstrap failed; see /tmp/switchboard-debootstrap.log"
  mount_chroot
  # sid's Release file on the mirror is past its Valid-Until date.
  chroot "$ROOT" apt-get -o Acquire::Check-Valid-Until=false update -qq
  # policy-rc.d stops the package's postinst from starting an Asterisk of its own.
  printf '#!/bin/sh\nexit 101\n' >"$ROOT/usr/sbin/policy-rc.d"; chmod +x "$ROOT/usr/sbin/policy-rc.d"
  chroot "$ROOT" env DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends $PACKAGES \
    >/tmp/switchboard-chroot-apt.log 2>&1 || die "apt-get in the chroot failed; see /tmp/switchboard-chroot-apt.log"
  echo "$PACKAGES" >"$ROOT/.switchboard-packages"
  chroot "$ROOT" asterisk -V >"$ROOT/.switchboard-provisioned"
  log "provisioned: $(cat "$ROOT/.switchboard-provisioned")"
}

render() {
  # @NAME@ placeholders in asterisk-config/ are filled from the settings above.
  local content
  content=$(<"$1")
  content=${content//@ARI_USER@/$ARI_USER}
  content=${content//@ARI_PASSWORD@/$ARI_PASSWORD}
  content=${content//@ARI_APP@/$ARI_APP}
  content=${content//@HTTP_BIND@/$HTTP_BIND}
  content=${content//@HTTP_PORT@/$HTTP_PORT}
  content=${content//@SIP_BIND@/$SIP_BIND}
  content=${content//@SIP_PORT@/$SIP_PORT}
  content=${content//@TRUNK_MATCH@/$TRUNK_MATCH}
  content=${content//@TRUNK_HOST@/$TRUNK_HOST}
  content=${content//@AGENT_PASSWORD@/$AGENT_PASSWORD}
  content=${content//@FALLBACK_DIAL@/$FALLBACK_DIAL}
  printf '%s\n' "$content"
}

install_config() {
  # Returns 0 when the installed config changed.
  local staged f sum_new sum_old=""
  staged=$(mktemp -d)
  for f in "$here"/asterisk-config/*.conf; do render "$f" >"$staged/$(basename "$f")"; done
  sum_new=$(cat "$staged"/*.conf | sha256sum | cut -d' ' -f1)
  [ -f "$ETC/.switchboard-config" ] && sum_old=$(cat "$ETC/.switchboard-config")
  if [ "$MODE" = native ] && [ ! -d "$ETC/.switchboard-original" ]; then
    mkdir -p "$ETC/.switchboard-original"; cp -a "$ETC"/*.conf "$ETC/.switchboard-original/" 2>/dev/null || true
  fi
  install -m 0640 -o root -g "$(asterisk_gid)" "$staged"/*.conf "$ETC/"
  echo "$sum_new" >"$ETC/.switchboard-config"
  rm -rf "$staged"
  [ "$sum_new" != "$sum_old" ]
}

asterisk_gid() { "${RUN[@]}" id -g asterisk; }

install_sounds() {
  # Flow prompts written as file:NAME play sounds/NAME; Asterisk finds them as sound:switchboard/NAME
  # under <astdatadir>/sounds/ (a real directory in both modes, unlike sounds/en, a symlink).
  local dest
  if [ "$MODE" = chroot ]; then dest="$ROOT/usr/share/asterisk/sounds/switchboard"; else dest=/usr/share/asterisk/sounds/switchboard; fi
  mkdir -p "$dest"
  find "$here/sounds" -type f \( -name '*.wav' -o -name '*.alaw' -o -name '*.ulaw' -o -name '*.sln*' -o -name '*.gsm' \) -printf '%P\n' 2>/dev/null \
    | while read -r f; do mkdir -p "$dest/$(dirname "$f")"; cp -p "$here/sounds/$f" "$dest/$f"; done
  # Debian's asterisk-core-sounds-fr-wav installs fr_CA_f_June but registers no sounds/fr
  # alternative (the en package does), so CHANNEL(language)=fr would find nothing.
  local base; base=$(dirname "$dest")
  if [ -d "$base/fr_CA_f_June" ] && [ ! -e "$base/fr" ]; then ln -s fr_CA_f_June "$base/fr"; fi
}

prepare_dirs() {
  "${RUN[@]}" sh -c 'mkdir -p /var/run/asterisk /var/spool/asterisk/recording /var/log/asterisk /var/lib/asterisk /var/cache/asterisk /var/spool/asterisk/tmp
    chown -R asterisk:asterisk /var/run/asterisk /var/spool/asterisk /var/log/asterisk /var/lib/asterisk /var/cache/asterisk'
}

pid_of() {
  local pid
  # Read through the chroot: its /var/run is an absolute symlink to /run.
  pid=$("${RUN[@]}" cat /var/run/asterisk/asterisk.pid 2>/dev/null) || return 1
  [ -n "$pid" ] && [ -d "/proc/$pid" ] && grep -q asterisk "/proc/$pid/comm" 2>/dev/null || return 1
  echo "$pid"
}

ari_ok() { curl -fsS -m 2 -u "$ARI_USER:$ARI_PASSWORD" "$ARI_URL/ari/asterisk/info" >/dev/null 2>&1; }

wait_ready() {
  local i
  for i in $(seq 1 150); do
    if ari_ok; then return 0; fi
    [ "$i" -gt 25 ] && ! pid_of >/dev/null && { tail -20 "$(logfile)" >&2 2>/dev/null || true; die "Asterisk exited during start"; }
    sleep 0.2
  done
  die "Asterisk started but ARI at $ARI_URL did not answer within 30 s (see $(logfile))"
}

logfile() { if [ "$MODE" = chroot ]; then echo "$ROOT/var/log/asterisk/messages.log"; else echo /var/log/asterisk/messages.log; fi; }

start() {
  prepare_dirs
  # As root with -U root Asterisk drops capabilities and cannot read its own 0640 config files.
  # Asterisk daemonizes keeping every descriptor it inherits: started under
  # `flock /tmp/asterisk-it.lock …` it held the tests' lock for its whole life, so only
  # stdin/out/err go with it.
  (
    for fd in /proc/self/fd/*; do
      fd=${fd##*/}
      [ "$fd" -gt 2 ] && eval "exec $fd>&-"
    done 2>/dev/null
    exec "${RUN[@]}" asterisk -U asterisk -G asterisk
  )
  wait_ready
  "${RUN[@]}" asterisk -rx 'core waitfullybooted' >/dev/null 2>&1 || true
}

stop() {
  local pid i
  pid=$(pid_of) || return 0
  "${RUN[@]}" asterisk -rx 'core stop now' >/dev/null 2>&1 || kill "$pid" 2>/dev/null || true
  for i in $(seq 1 50); do [ -d "/proc/$pid" ] || return 0; sleep 0.1; done
  kill -9 "$pid" 2>/dev/null || true
}

up() {
  need_root
  resolve_mode
  if [ "$MODE" = chroot ]; then host_packages; provision_chroot; mount_chroot; fi
  local changed=0
  install_config && changed=1
  install_sounds
  if pid_of >/dev/null; then
    if [ "$changed" = 1 ]; then
      log "configuration changed: restarting Asterisk"
      stop; start
    elif ! ari_ok; then
      log "Asterisk runs but ARI does not answer: restarting"
      stop; start
    fi
  else
    start
  fi
  log "up ($MODE): $("${RUN[@]}" asterisk -V) — ARI $ARI_URL (app '$ARI_APP'), SIP udp $SIP_BIND:$SIP_PORT, trunk from $TRUNK_MATCH"
}

down() {
  resolve_mode
  stop
  [ "$MODE" = chroot ] && [ -d "$ROOT" ] && umount_chroot
  log "down"
}

status() {
  resolve_mode
  local pid
  if pid=$(pid_of); then
    echo "asterisk: running (pid $pid, mode $MODE)"
    if ari_ok; then echo "ari: ok ($ARI_URL)"; else echo "ari: not answering ($ARI_URL)"; fi
    "${RUN[@]}" asterisk -rx 'core show channels count' 2>/dev/null | sed 's/^/  /'
  else
    echo "asterisk: stopped (mode $MODE)"
    return 3
  fi
}

cli() {
  resolve_mode
  if [ $# -gt 0 ]; then "${RUN[@]}" asterisk -rx "$*"; else "${RUN[@]}" asterisk -r; fi
}

case "$cmd" in
  up) up ;;
  down) down ;;
  restart) down; up ;;
  status) status ;;
  cli) cli "$@" ;;
  logs) resolve_mode; tail -F "$(logfile)" ;;
  *) die "unknown command '$cmd' (up|down|restart|status|cli|logs)" ;;
esac
