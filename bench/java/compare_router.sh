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
#   (/usr/share/java), JAVA (java), BLOCK (0: one JVM per path and mode; B > 0:
#   all paths in one JVM, alternating blocks of B iterations, BLOCK_CONNECT
#   (100) for connect), MAX_TIME_WAIT (wait before each connect mode until at
#   most this many sockets are in TIME_WAIT), DRDAPLEX_KEEP_TEMP (keep the work dir).
set -euo pipefail

top=$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)
. "$top/bench/java/bench_lib.sh"
bench_init compare_router
shared=${SHARED:-0}
use_haproxy=${HAPROXY:-0}
need_programs registry odbm router ctl passwd
[ "$use_haproxy" = 1 ] && need_haproxy
need_jars derbyclient

bench_client

echo "== starting drdaplex-registry, drdaplex-odbm and drdaplex-router (work dir $work)"
start_registry
start_odbm "$registry"
router_config

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
  start_haproxy "$odbm_port"
  url[haproxy]="jdbc:derby://127.0.0.1:$haproxy_port/IM1A"
  paths+=(haproxy)
  echo "   HAProxy $haproxy_version on port $haproxy_port, in front of the ODBM"
fi

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
  printf '%s: %s\n' "$name" "$(router_total "$name")"
done
