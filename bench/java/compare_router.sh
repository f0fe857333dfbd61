#!/usr/bin/env bash
# Measures what the router costs: the same client (the Derby JDBC client in
# JdbcBench) against one drdaplex-odbm, straight to it and through
# drdaplex-router, side by side in one run. The machine is noisy, so only
# ratios taken in the same run mean anything (bench/RESULTS.md).
#
# Starts a registry, one drdaplex-odbm (a copy of fixtures/odbm/demo.cfg with
# OPTIONS(PLEXKEY=...) added, not ROUTERONLY, so clients can still sign on to
# it directly as app / secret) and one router (USER app / secret, the same plex
# key), all on free loopback ports, waits until the router reports the ODBM
# ACTIVE, then runs round 0 of every mode against both paths to warm them up
# (discarded) and ROUNDS measured rounds, alternating which path goes first.
# Both paths use the database name IM1A (an alias of both datastores of the
# demo ODBM). Prints the medians and the router/direct ratios. Everything it
# started is stopped on exit.
#
# With SHARED=1 it also starts two more routers (the same configuration)
# sharing one DRDA port, the second started with --port <first's port>, and
# adds that port as a third path ("shared", rotated with the other two), to
# show what sharing the port costs against a router alone.
#
# With HAPROXY=1 it also puts HAProxy (TCP mode, no DRDA awareness) in front
# of the same ODBM as one more path ("haproxy"): a plain TCP relay, the
# reference for what one extra process hop costs on this machine; clients
# then sign on to the ODBM themselves, with their password.
#
# Usage: bench/java/compare_router.sh
# Environment: DRDAPLEX_BUILD_DIR (default <repo>/build), ROUNDS (3),
#   N_PREPARED (20000), N_CONNECT (2000), MODES ("prepared prepared-noac connect"),
#   SHARED (0), HAPROXY (0), ROUTER_THREADS (the router's default), DRDAPLEX_DERBY_JAR_DIR
#   (/usr/share/java), JAVA (java), DRDAPLEX_KEEP_TEMP (keep the work dir).
set -euo pipefail

top=$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)
build=${DRDAPLEX_BUILD_DIR:-$top/build}
rounds=${ROUNDS:-3}
n_prepared=${N_PREPARED:-20000}
n_connect=${N_CONNECT:-2000}
modes=${MODES:-prepared prepared-noac connect}
shared=${SHARED:-0}
use_haproxy=${HAPROXY:-0}
router_threads=${ROUTER_THREADS:-}
jars=${DRDAPLEX_DERBY_JAR_DIR:-/usr/share/java}
java=${JAVA:-java}

for program in registry odbm router ctl passwd; do
  [ -x "$build/bin/drdaplex-$program" ] ||
    { echo "compare_router: no $build/bin/drdaplex-$program (build the drdaplex-$program target)" >&2; exit 1; }
done
if [ "$use_haproxy" = 1 ] && ! command -v haproxy >/dev/null; then
  echo "compare_router: HAPROXY=1 needs haproxy (apt-get install haproxy)" >&2; exit 1
fi
[ -f "$jars/derbyclient.jar" ] ||
  { echo "compare_router: no $jars/derbyclient.jar (apt-get install libderbyclient-java)" >&2; exit 1; }

. "$top/bench/java/bench_lib.sh"

work=$(mktemp -d "${TMPDIR:-/tmp}/drdaplex-router-compare-XXXXXX")
registry_pid=
odbm_pid=
haproxy_pid=
router_pids=()

cleanup() {
  set +e
  local pid
  for pid in "${router_pids[@]}"; do stop_process "$pid"; done
  stop_process "$haproxy_pid"
  stop_process "$odbm_pid"
  stop_process "$registry_pid"
  if [ -n "${DRDAPLEX_KEEP_TEMP:-}" ]; then
    echo "compare_router: keeping $work" >&2
  else
    rm -rf "$work"
  fi
}
trap cleanup EXIT
trap 'exit 130' INT TERM

bench_client

# started NAME FILE: fails, showing NAME's log, unless FILE (a port file) appeared in 10 s.
started() {
  poll 100 test -s "$2" && return 0
  echo "$1 did not start:" >&2
  cat "$work/$1.log" >&2
  exit 1
}

echo "== starting drdaplex-registry, drdaplex-odbm and drdaplex-router (work dir $work)"
"$build/bin/drdaplex-passwd" --plex-key "$work/plex.key"

"$build/bin/drdaplex-registry" --listen 127.0.0.1:0 --port-file "$work/registry.port" \
  --log-level warn >"$work/registry.log" 2>&1 &
registry_pid=$!
started registry "$work/registry.port"
registry=127.0.0.1:$(cat "$work/registry.port")

mkdir -p "$work/odbm"
cp "$top/fixtures/odbm/demo.cfg" "$work/odbm/demo.cfg"
echo "OPTIONS(PLEXKEY='$work/plex.key')" >> "$work/odbm/demo.cfg"
"$build/bin/drdaplex-odbm" --config "$work/odbm/demo.cfg" --listen 127.0.0.1:0 \
  --port-file "$work/odbm.port" --registry "$registry" --log-level warn >"$work/odbm.log" 2>&1 &
odbm_pid=$!
started odbm "$work/odbm.port"
odbm_port=$(cat "$work/odbm.port")

# The router's configuration: its DRDA port, operator socket and registry come
# from the command line.
{
  echo "HWS(ID=HWSB)"
  echo "TCPIP(HOSTNAME=127.0.0.1, MAXSOC=2000)"
  echo "ODACCESS(DRDAPORT=(ID=0, PORTTMOT=1000), ODBMTMOT=300, PLEXKEY='$work/plex.key')"
  printf secret | "$build/bin/drdaplex-passwd" --user app
} > "$work/router.cfg"

# start_router NAME [PORT]: a router on PORT (default: a free one).
start_router() {
  local name=$1 port=${2:-0}
  local -a threads=()
  [ -n "$router_threads" ] && threads=(--threads "$router_threads")
  "$build/bin/drdaplex-router" --config "$work/router.cfg" --name "$name" --port "$port" \
    --registry "$registry" --admin 127.0.0.1:0 --port-file "$work/$name.port" \
    --admin-port-file "$work/$name.admin" "${threads[@]}" --log-level warn >"$work/$name.log" 2>&1 &
  router_pids+=($!)
  started "$name" "$work/$name.admin"
  started "$name" "$work/$name.port"
}
ctl() { "$build/bin/drdaplex-ctl" --admin "127.0.0.1:$(cat "$work/$1.admin")" "${@:2}"; }
odbm_active() { ctl "$1" --json query odbm 2>/dev/null | grep -q '"status":"ACTIVE"'; }
wait_active() {
  poll 100 odbm_active "$1" && return 0
  echo "router $1 did not report the ODBM ACTIVE within 10 s:" >&2
  ctl "$1" query odbm >&2
  cat "$work/$1.log" "$work/odbm.log" "$work/registry.log" >&2
  exit 1
}

routers=HWSB
start_router HWSB
wait_active HWSB
router_port=$(cat "$work/HWSB.port")
echo "   drdaplex-odbm on port $odbm_port, drdaplex-router on port $router_port"

declare -A url=(
  [direct]="jdbc:derby://127.0.0.1:$odbm_port/IM1A"
  [router]="jdbc:derby://127.0.0.1:$router_port/IM1A"
)
paths=(direct router)
if [ "$shared" = 1 ]; then
  start_router HWSC
  shared_port=$(cat "$work/HWSC.port")
  start_router HWSD "$shared_port"
  wait_active HWSC
  wait_active HWSD
  routers="HWSB HWSC HWSD"
  url[shared]="jdbc:derby://127.0.0.1:$shared_port/IM1A"
  paths+=(shared)
  echo "   drdaplex-routers HWSC and HWSD share port $shared_port"
fi
if [ "$use_haproxy" = 1 ]; then
  haproxy_port=$(bench --free-port)
  cat > "$work/haproxy.cfg" <<EOF
global
  maxconn 4000
defaults
  mode tcp
  timeout connect 5s
  timeout client 300s
  timeout server 300s
frontend drda
  bind 127.0.0.1:$haproxy_port
  default_backend odbm
backend odbm
  server odbmb1 127.0.0.1:$odbm_port
EOF
  haproxy -db -f "$work/haproxy.cfg" >"$work/haproxy.log" 2>&1 &
  haproxy_pid=$!
  haproxy_up() { (exec 3<>"/dev/tcp/127.0.0.1/$haproxy_port") 2>/dev/null; }
  poll 100 haproxy_up || { echo "haproxy did not start:" >&2; cat "$work/haproxy.log" >&2; exit 1; }
  url[haproxy]="jdbc:derby://127.0.0.1:$haproxy_port/IM1A"
  paths+=(haproxy)
  echo "   HAProxy $(haproxy -v | sed -n '1s/HAProxy version \([^ ]*\).*/\1/p') on port $haproxy_port, in front of the ODBM"
fi

results=$work/results.txt
run_rounds "${paths[@]}"

echo
echo "== medians of $rounds measured rounds (same client, same ODBM, same machine, same run)"
print_medians direct router
echo "(ratio = router / direct: above 1 is better for throughput, worse for latency)"
if [ "$shared" = 1 ]; then
  echo
  print_medians router shared
  echo "(ratio = two routers sharing a port / one router alone)"
fi
if [ "$use_haproxy" = 1 ]; then
  echo
  print_medians direct haproxy
  echo "(ratio = through HAProxy / direct)"
  echo
  print_medians haproxy router
  echo "(ratio = through the router / through HAProxy)"
fi

echo
echo "== connections each router passed to the ODBM (TOTAL, warm-up included)"
for name in $routers; do
  printf '%s: %s\n' "$name" "$(ctl "$name" --json query odbm | sed -n 's/.*"total":\([0-9]*\).*/\1/p')"
done
