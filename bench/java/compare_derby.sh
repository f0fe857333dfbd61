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

work=$(mktemp -d "${TMPDIR:-/tmp}/drdaplex-compare-XXXXXX")
derby_pid=
odbm_pid=
derby_port=

cleanup() {
  set +e
  if [ -n "$odbm_pid" ] && kill -0 "$odbm_pid" 2>/dev/null; then
    kill -TERM "$odbm_pid"
    for _ in $(seq 100); do kill -0 "$odbm_pid" 2>/dev/null || break; sleep 0.1; done
    kill -KILL "$odbm_pid" 2>/dev/null
    wait "$odbm_pid" 2>/dev/null
  fi
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

# The benchmark: the jar the build made, unless it is older than its source.
src=$top/bench/java/JdbcBench.java
bench_cp=$build/java/drdaplex-jdbc-bench.jar
if [ ! -f "$bench_cp" ] || [ "$src" -nt "$bench_cp" ]; then
  mkdir -p "$work/classes"
  javac --release 17 -d "$work/classes" -cp "$jars/derbyclient.jar" "$src"
  bench_cp=$work/classes
fi
bench() { "$java" -cp "$bench_cp:$jars/derbyclient.jar" JdbcBench "$@"; }

# Waits at most $1 tenths of a second for the command after it to succeed.
poll() {
  local tries=$1; shift
  for _ in $(seq "$tries"); do "$@" && return 0; sleep 0.1; done
  return 1
}

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
: > "$results"
for round in $(seq 0 "$rounds"); do
  if ((round == 0)); then echo "== round 0 (warm-up, discarded)"; else echo "== round $round of $rounds"; fi
  if ((round % 2 == 0)); then order="derby drdaplex"; else order="drdaplex derby"; fi
  for mode in $modes; do
    n=$n_prepared
    [ "$mode" = connect ] && n=$n_connect
    for target in $order; do
      line=$(bench --url "${url[$target]}" --mode "$mode" --n "$n" --run "$round" --target "$target")
      echo "   $line"
      ((round == 0)) || echo "$line" >> "$results"
    done
  done
done

# field NAME LINE: the value of NAME=... in a result line.
field() { sed -n "s/.* $1=\([^ ]*\).*/\1/p; s/^$1=\([^ ]*\).*/\1/p" <<<"$2" | head -1; }
# median TARGET MODE FIELD FORMAT over the measured rounds.
median() {
  grep "^target=$1 .* mode=$2 " "$results" | while read -r line; do field "$3" "$line"; done |
    sort -g | awk -v f="$4" '{ v[NR] = $1 } END { if (NR == 0) { print "n/a"; exit }
      m = (NR % 2) ? v[(NR + 1) / 2] : (v[NR / 2] + v[NR / 2 + 1]) / 2; printf f "\n", m }'
}
ratio() { awk -v a="$1" -v b="$2" 'BEGIN { if (b + 0 == 0) print "n/a"; else printf "%.2f", a / b }'; }

echo
echo "== medians of $rounds measured rounds (same client, same machine, same run)"
printf '%-14s %12s %12s %8s   %9s %9s %6s   %9s %9s %6s\n' mode "derby op/s" "drdaplex" ratio \
  "derby p50" drdaplex ratio "derby p99" drdaplex ratio
for mode in $modes; do
  d_ops=$(median derby "$mode" ops_per_s %.0f); x_ops=$(median drdaplex "$mode" ops_per_s %.0f)
  d_p50=$(median derby "$mode" p50_us %.1f);    x_p50=$(median drdaplex "$mode" p50_us %.1f)
  d_p99=$(median derby "$mode" p99_us %.1f);    x_p99=$(median drdaplex "$mode" p99_us %.1f)
  printf '%-14s %12s %12s %8s   %9s %9s %6s   %9s %9s %6s\n' "$mode" "$d_ops" "$x_ops" \
    "$(ratio "$x_ops" "$d_ops")" "$d_p50" "$x_p50" "$(ratio "$x_p50" "$d_p50")" \
    "$d_p99" "$x_p99" "$(ratio "$x_p99" "$d_p99")"
done
echo "(ratio = drdaplex / Derby: above 1 is better for throughput, worse for latency)"
