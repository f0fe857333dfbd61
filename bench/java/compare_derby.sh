#!/usr/bin/env bash
# Compares drdaplex-odbm with Derby Network Server side by side, in one run,
# with the same client (the Derby JDBC client in JdbcBench), as
# shared/research/derby-baseline.md asks: the machine is noisy, so only
# ratios taken in the same run mean anything.
#
# Starts Derby Network Server (derby.jar + derbynet.jar, BUILTIN authentication,
# user app / secret, its own temporary derby.system.home, a free port) and
# drdaplex-odbm (a copy of fixtures/odbm/demo.cfg, a free port), runs round 0
# of every mode against both to warm them up (discarded), then ROUNDS measured
# rounds, alternating which server goes first, and prints the medians and the
# drdaplex/Derby ratios. Everything it started is stopped on exit.
#
# Usage: bench/java/compare_derby.sh
# Environment: DRDAPLEX_BUILD_DIR (default <repo>/build), ROUNDS (3),
#   N_PREPARED (20000), N_CONNECT (2000), MODES ("prepared prepared-noac connect"),
#   DRDAPLEX_DERBY_JAR_DIR (/usr/share/java), JAVA (java), ODBM_BIN,
#   BLOCK (0: one JVM per server and mode; B > 0: both servers in one JVM,
#   alternating blocks of B iterations, BLOCK_CONNECT (100) for connect),
#   DRDAPLEX_KEEP_TEMP (keep the work dir).
set -euo pipefail

top=$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)
. "$top/bench/java/bench_lib.sh"
bench_init compare_derby
[ -x "$odbm_bin" ] || die "no $odbm_bin (build the drdaplex-odbm target)"
need_jars derbyclient derby derbynet derbytools

bench_client

echo "== starting Derby Network Server and drdaplex-odbm (work dir $work)"
start_derby
start_odbm
echo "   Derby on port $derby_port, drdaplex-odbm on port $odbm_port"

declare -A url=(
  [derby]="jdbc:derby://127.0.0.1:$derby_port/IM1A"
  [drdaplex]="jdbc:derby://127.0.0.1:$odbm_port/IM1A"
)
run_rounds derby drdaplex

echo
echo "== medians of $rounds measured rounds (same client, same machine, same run)"
print_medians derby drdaplex
echo "(ratio = drdaplex / Derby: above 1 is better for throughput, worse for latency)"
