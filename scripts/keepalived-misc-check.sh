#!/bin/sh
# keepalived-misc-check.sh: keepalived's MISC_CHECK for one drdaplex router,
# so that IPVS weights, quiesces and removes it from the same WLM weight,
# health and drain flag HAProxy's agent check uses.
#
#   keepalived-misc-check.sh HOST:PORT     (the router's operator socket,
#                                           TCPIP ADMIN)
#
# It asks the router "drdaplex-ctl --json query router" and reads the row's
# "agent" field, the very line the router's agent check would answer:
#   "up ready 38% maxconn:2000"   exit 2 + 38 = 40: up, IPVS weight 38
#   "up drain 38% maxconn:2000"   exit 2: up, weight 0 (IPVS quiesces a
#                                 server of weight 0: no new connection,
#                                 those made go on)
#   "down ..."                    exit 1: failed, keepalived removes it
# and exits 1 too when the router does not answer, answers not ok, or the
# arguments are wrong: with keepalived's misc_dynamic, exit 0 means "up,
# weight unchanged", 1 "down" and 2..255 "up, weight = status - 2", so any
# failure must be 1, never drdaplex-ctl's own 2.
#
# The percentage is the router's WLM server weight x 100 / 64 when it has
# learned it from the registry, else its health from free MAXSOC slots
# (1..100).
#
# Environment: DRDAPLEX_CTL, the drdaplex-ctl to run (default: drdaplex-ctl
# in PATH); DRDAPLEX_CHECK_TIMEOUT, seconds allowed for the answer
# (default 2; keep it under keepalived's misc_timeout).
set -u

readonly ctl="${DRDAPLEX_CTL:-drdaplex-ctl}"
readonly timeout="${DRDAPLEX_CHECK_TIMEOUT:-2}"

fail() {
  echo "keepalived-misc-check: $*" >&2
  exit 1
}

[ "$#" -eq 1 ] || fail "usage: keepalived-misc-check.sh HOST:PORT (a router's operator socket)"

if ! reply=$("$ctl" --admin "$1" --json --timeout "$timeout" query router 2>&1); then
  fail "router $1: ${reply:-no answer}"
fi

# The row is flat and "agent" is a plain string (words, digits, '%', ':').
agent=$(printf '%s\n' "$reply" | sed -n 's/.*"agent":"\([^"]*\)".*/\1/p')
[ -n "$agent" ] || fail "router $1 reports no agent state: $reply"

case "$agent" in
  "up drain"*) exit 2 ;;
  "up ready "*) ;;
  *) fail "router $1 is $agent" ;;
esac

percent=$(printf '%s\n' "$agent" | sed -n 's/^up ready \([0-9][0-9]*\)%.*/\1/p')
case "$percent" in
  "" | *[!0-9]*) fail "router $1: no weight in '$agent'" ;;
esac
if [ "$percent" -lt 1 ] || [ "$percent" -gt 100 ]; then
  fail "router $1: weight $percent out of range"
fi
exit $((2 + percent))
