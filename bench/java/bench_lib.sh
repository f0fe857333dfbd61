# shellcheck shell=bash disable=SC2154
# Shell helpers shared by the side-by-side JDBC comparisons (compare_derby.sh,
# compare_router.sh). Sourced, not run.
#
# The sourcing script sets, before calling these: top (the repository), build
# (the build directory), jars (the Derby jar folder), java, work (its temporary
# directory), results (the file of measured result lines), and the associative
# array url (target label -> JDBC URL).

# bench_client: makes bench() run JdbcBench, from the jar the build made
# unless that is older than its source (then compiled into $work/classes).
bench_client() {
  local src=$top/bench/java/JdbcBench.java
  bench_cp=$build/java/drdaplex-jdbc-bench.jar
  if [ ! -f "$bench_cp" ] || [ "$src" -nt "$bench_cp" ]; then
    mkdir -p "$work/classes"
    javac --release 17 -d "$work/classes" -cp "$jars/derbyclient.jar" "$src"
    bench_cp=$work/classes
  fi
}
bench() { "$java" -cp "$bench_cp:$jars/derbyclient.jar" JdbcBench "$@"; }

# Waits at most $1 tenths of a second for the command after it to succeed.
poll() {
  local tries=$1; shift
  for _ in $(seq "$tries"); do "$@" && return 0; sleep 0.1; done
  return 1
}

# stop_process PID: SIGTERM, up to 10 s to exit, then SIGKILL. Only for a
# child this shell started.
stop_process() {
  local pid=$1
  [ -n "$pid" ] && kill -0 "$pid" 2>/dev/null || return 0
  kill -TERM "$pid"
  for _ in $(seq 100); do kill -0 "$pid" 2>/dev/null || break; sleep 0.1; done
  kill -KILL "$pid" 2>/dev/null
  wait "$pid" 2>/dev/null
}

# run_rounds TARGET... : round 0 (warm-up, discarded), then ROUNDS measured
# rounds of every mode of $modes against every TARGET (its URL: ${url[TARGET]}); round r
# starts the target list r places further on, so the order alternates (two
# targets) or rotates (more). Measured lines go to $results.
run_rounds() {
  local -a targets=("$@")
  local count=${#targets[@]} round mode n i target line order
  : > "$results"
  for round in $(seq 0 "$rounds"); do
    if ((round == 0)); then echo "== round 0 (warm-up, discarded)"; else echo "== round $round of $rounds"; fi
    order=
    for ((i = 0; i < count; i++)); do order+="${targets[(round + i) % count]} "; done
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
}

# field NAME LINE: the value of NAME=... in a result line.
field() { sed -n "s/.* $1=\([^ ]*\).*/\1/p; s/^$1=\([^ ]*\).*/\1/p" <<<"$2" | head -1; }
# median TARGET MODE FIELD FORMAT over the measured rounds.
median() {
  grep "^target=$1 .* mode=$2 " "$results" | while read -r line; do field "$3" "$line"; done |
    sort -g | awk -v f="$4" '{ v[NR] = $1 } END { if (NR == 0) { print "n/a"; exit }
      m = (NR % 2) ? v[(NR + 1) / 2] : (v[NR / 2] + v[NR / 2 + 1]) / 2; printf f "\n", m }'
}
ratio() { awk -v a="$1" -v b="$2" 'BEGIN { if (b + 0 == 0) print "n/a"; else printf "%.2f", a / b }'; }

# print_medians BASE OTHER: per mode, the medians of both targets and the
# OTHER/BASE ratios of throughput, p50 and p99 latency.
print_medians() {
  local base=$1 other=$2 mode b_ops x_ops b_p50 x_p50 b_p99 x_p99
  printf '%-14s %12s %12s %8s   %9s %9s %6s   %9s %9s %6s\n' mode "$base op/s" "$other" ratio \
    "$base p50" "$other" ratio "$base p99" "$other" ratio
  for mode in $modes; do
    b_ops=$(median "$base" "$mode" ops_per_s %.0f); x_ops=$(median "$other" "$mode" ops_per_s %.0f)
    b_p50=$(median "$base" "$mode" p50_us %.1f);    x_p50=$(median "$other" "$mode" p50_us %.1f)
    b_p99=$(median "$base" "$mode" p99_us %.1f);    x_p99=$(median "$other" "$mode" p99_us %.1f)
    printf '%-14s %12s %12s %8s   %9s %9s %6s   %9s %9s %6s\n' "$mode" "$b_ops" "$x_ops" \
      "$(ratio "$x_ops" "$b_ops")" "$b_p50" "$x_p50" "$(ratio "$x_p50" "$b_p50")" \
      "$b_p99" "$x_p99" "$(ratio "$x_p99" "$b_p99")"
  done
}
