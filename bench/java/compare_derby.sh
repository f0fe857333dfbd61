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
#   DRDAPLEX_DERBY_JAR_DIR (/usr/share/java), JAVA (java), ODBM_BIN.
set -euo pipefail

top=$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)
build=${DRDAPLEX_BUILD_DIR:-$top/build}
rounds=${ROUNDS:-3}
n_prepared=${N_PREPARED:-20000}
n_connect=${N_CONNECT:-2000}
modes=${MODES:-prepared prepared-noac connect}
jars=${DRDAPLEX_DERBY_JAR_DIR:-/usr/share/java}
java=${JAVA:-java}
odbm_bin=${ODBM_BIN:-$build/bin/drdaplex-odbm}

[ -x "$odbm_bin" ] || { echo "compare_derby: no $odbm_bin (build the drdaplex-odbm target)" >&2; exit 1; }
for jar in derbyclient derby derbynet derbytools; do
  [ -f "$jars/$jar.jar" ] || { echo "compare_derby: no $jars/$jar.jar (apt-get install libderby-java libderbyclient-java derby-tools)" >&2; exit 1; }
done

. "$top/bench/java/bench_lib.sh"

work=$(mktemp -d "${TMPDIR:-/tmp}/drdaplex-compare-XXXXXX")
derby_pid=
odbm_pid=
derby_port=

cleanup() {
  set +e
  stop_process "$odbm_pid"
  if [ -n "$derby_pid" ] && kill -0 "$derby_pid" 2>/dev/null; then
    "$java" -cp "$jars/derbynet.jar:$jars/derby.jar" org.apache.derby.drda.NetworkServerControl \
      shutdown -h 127.0.0.1 -p "$derby_port" -user app -password secret >/dev/null 2>&1
    for _ in $(seq 100); do kill -0 "$derby_pid" 2>/dev/null || break; sleep 0.1; done
    kill -KILL "$derby_pid" 2>/dev/null
    wait "$derby_pid" 2>/dev/null
  fi
  if [ -n "${DRDAPLEX_KEEP_TEMP:-}" ]; then
    echo "compare_derby: keeping $work" >&2
  else
    rm -rf "$work"
  fi
}
trap cleanup EXIT
trap 'exit 130' INT TERM

bench_client

echo "== starting Derby Network Server and drdaplex-odbm (work dir $work)"
mkdir -p "$work/derby" "$work/odbm"
cat > "$work/derby/derby.properties" <<'EOF'
derby.connection.requireAuthentication=true
derby.authentication.provider=BUILTIN
derby.user.app=secret
EOF
derby_port=$(bench --free-port)
"$java" -Dderby.system.home="$work/derby" -cp "$jars/derby.jar:$jars/derbynet.jar:$jars/derbytools.jar" \
  org.apache.derby.drda.NetworkServerControl start -h 127.0.0.1 -p "$derby_port" \
  >"$work/derby/server.log" 2>&1 &
derby_pid=$!
derby_ping() {
  "$java" -cp "$jars/derbynet.jar:$jars/derby.jar" org.apache.derby.drda.NetworkServerControl \
    ping -h 127.0.0.1 -p "$derby_port" >/dev/null 2>&1
}
poll 600 derby_ping || { echo "Derby did not start:" >&2; cat "$work/derby/server.log" >&2; exit 1; }
# Create the database once, so that timed connects do not carry ";create=true".
bench --url "jdbc:derby://127.0.0.1:$derby_port/IM1A;create=true" --mode connect --n 1 \
  --warmup-percent 0 --target create >/dev/null

cp "$top/fixtures/odbm/demo.cfg" "$work/odbm/demo.cfg"
"$odbm_bin" --config "$work/odbm/demo.cfg" --port-file "$work/odbm/port" --log-level warn \
  >"$work/odbm/server.log" 2>&1 &
odbm_pid=$!
poll 100 test -s "$work/odbm/port" || { echo "drdaplex-odbm did not start:" >&2; cat "$work/odbm/server.log" >&2; exit 1; }
odbm_port=$(cat "$work/odbm/port")
echo "   Derby on port $derby_port, drdaplex-odbm on port $odbm_port"

declare -A url=(
  [derby]="jdbc:derby://127.0.0.1:$derby_port/IM1A"
  [drdaplex]="jdbc:derby://127.0.0.1:$odbm_port/IM1A"
)
results=$work/results.txt
run_rounds derby drdaplex

echo
echo "== medians of $rounds measured rounds (same client, same machine, same run)"
print_medians derby drdaplex
echo "(ratio = drdaplex / Derby: above 1 is better for throughput, worse for latency)"
