# shellcheck shell=bash disable=SC2154
# Shell helpers shared by the side-by-side JDBC comparisons (compare_derby.sh,
# compare_router.sh, compare_all.sh). Sourced, not run.
#
# The sourcing script sets top (the repository) and calls bench_init, which
# sets the common settings from the environment, makes the temporary work
# directory and installs the clean-up. The script then sets url (an
# associative array: target label -> JDBC URL) for the targets it starts.

# bench_init NAME: settings from the environment (see the scripts' usage),
# the work directory $work, the results file and the EXIT trap that stops
# everything started with spawn or start_derby.
bench_init() {
  bench_name=$1
  build=${DRDAPLEX_BUILD_DIR:-$top/build}
  rounds=${ROUNDS:-3}
  n_prepared=${N_PREPARED:-20000}
  n_connect=${N_CONNECT:-2000}
  modes=${MODES:-prepared prepared-noac connect}
  block=${BLOCK:-0}
  block_connect=${BLOCK_CONNECT:-100}
  jars=${DRDAPLEX_DERBY_JAR_DIR:-/usr/share/java}
  java=${JAVA:-java}
  odbm_bin=${ODBM_BIN:-$build/bin/drdaplex-odbm}
  spawned=()
  derby_pid=
  work=$(mktemp -d "${TMPDIR:-/tmp}/drdaplex-$bench_name-XXXXXX")
  results=$work/results.txt
  trap bench_cleanup EXIT
  trap 'exit 130' INT TERM
}

die() { echo "$bench_name: $*" >&2; exit 1; }

# need_programs NAME...: fails unless $build/bin/drdaplex-NAME exist.
need_programs() {
  local program
  for program in "$@"; do
    [ -x "$build/bin/drdaplex-$program" ] ||
      die "no $build/bin/drdaplex-$program (build the drdaplex-$program target)"
  done
}
# need_jars NAME...: fails unless $jars/NAME.jar exist.
need_jars() {
  local jar
  for jar in "$@"; do
    [ -f "$jars/$jar.jar" ] ||
      die "no $jars/$jar.jar (apt-get install libderby-java libderbyclient-java derby-tools)"
  done
}
need_haproxy() { command -v haproxy >/dev/null || die "the HAProxy path needs haproxy (apt-get install haproxy)"; }

bench_cleanup() {
  set +e
  local i
  stop_derby
  for ((i = ${#spawned[@]} - 1; i >= 0; i--)); do stop_process "${spawned[i]}"; done
  if [ -n "${DRDAPLEX_KEEP_TEMP:-}" ]; then
    echo "$bench_name: keeping $work" >&2
  else
    rm -rf "$work"
  fi
}

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

# spawn NAME COMMAND...: runs COMMAND in the background, its output in
# $work/NAME.log, stopped (in reverse order of starting) at exit.
spawn() {
  local name=$1; shift
  "$@" >"$work/$name.log" 2>&1 &
  spawned+=($!)
}
# started NAME FILE: fails, showing NAME's log, unless FILE (a port file) appeared in 10 s.
started() {
  poll 100 test -s "$2" && return 0
  echo "$1 did not start:" >&2
  cat "$work/$1.log" >&2
  exit 1
}

# start_derby: Derby Network Server (BUILTIN authentication, user app /
# secret, its own derby.system.home) on a free loopback port $derby_port,
# with the database IM1A created (so that timed connects do not carry
# ";create=true").
start_derby() {
  mkdir -p "$work/derby"
  cat > "$work/derby/derby.properties" <<'EOF'
derby.connection.requireAuthentication=true
derby.authentication.provider=BUILTIN
derby.user.app=secret
EOF
  derby_port=$(bench --free-port)
  "$java" -Dderby.system.home="$work/derby" -cp "$jars/derby.jar:$jars/derbynet.jar:$jars/derbytools.jar" \
    org.apache.derby.drda.NetworkServerControl start -h 127.0.0.1 -p "$derby_port" \
    >"$work/derby.log" 2>&1 &
  derby_pid=$!
  poll 600 derby_control ping ||
    { echo "Derby did not start:" >&2; cat "$work/derby.log" >&2; exit 1; }
  bench --url "jdbc:derby://127.0.0.1:$derby_port/IM1A;create=true" --mode connect --n 1 \
    --warmup-percent 0 --target create >/dev/null
}
derby_control() {
  "$java" -cp "$jars/derbynet.jar:$jars/derby.jar" org.apache.derby.drda.NetworkServerControl \
    "$@" -h 127.0.0.1 -p "$derby_port" >/dev/null 2>&1
}
stop_derby() {
  [ -n "$derby_pid" ] && kill -0 "$derby_pid" 2>/dev/null || return 0
  derby_control shutdown -user app -password secret
  stop_process "$derby_pid"
}

# start_registry: a drdaplex-registry on a free loopback port, $registry
# (HOST:PORT), and a fresh plex key $work/plex.key.
start_registry() {
  "$build/bin/drdaplex-passwd" --plex-key "$work/plex.key"
  spawn registry "$build/bin/drdaplex-registry" --listen 127.0.0.1:0 \
    --port-file "$work/registry.port" --log-level warn
  started registry "$work/registry.port"
  registry=127.0.0.1:$(cat "$work/registry.port")
}

# start_odbm [REGISTRY]: drdaplex-odbm from a copy of fixtures/odbm/demo.cfg
# on a free loopback port, $odbm_port. With REGISTRY it registers there and
# takes the plex key (OPTIONS(PLEXKEY=...)), not ROUTERONLY, so clients can
# still sign on to it directly as app / secret.
start_odbm() {
  local -a register=()
  mkdir -p "$work/odbm"
  cp "$top/fixtures/odbm/demo.cfg" "$work/odbm/demo.cfg"
  if [ -n "${1:-}" ]; then
    echo "OPTIONS(PLEXKEY='$work/plex.key')" >> "$work/odbm/demo.cfg"
    register=(--registry "$1")
  fi
  spawn odbm "$odbm_bin" --config "$work/odbm/demo.cfg" --listen 127.0.0.1:0 \
    --port-file "$work/odbm.port" "${register[@]}" --log-level warn
  started odbm "$work/odbm.port"
  odbm_port=$(cat "$work/odbm.port")
}

# router_config [STATEMENT...]: writes $work/router.cfg, a router (USER app /
# secret, the plex key) whose DRDA port, operator socket and registry come
# from the command line; the STATEMENTs are added (one a line).
router_config() {
  {
    echo "HWS(ID=HWSB)"
    echo "TCPIP(HOSTNAME=127.0.0.1, MAXSOC=2000)"
    echo "ODACCESS(DRDAPORT=(ID=0, PORTTMOT=1000), ODBMTMOT=300, PLEXKEY='$work/plex.key')"
    printf '%s\n' "$@"
    printf secret | "$build/bin/drdaplex-passwd" --user app
  } > "$work/router.cfg"
}

# start_router NAME [PORT]: a router from $work/router.cfg on PORT (default:
# a free one), in $registry, with ROUTER_THREADS event loops (default: its
# own); its port in $work/NAME.port.
start_router() {
  local name=$1 port=${2:-0}
  local -a threads=()
  [ -n "${ROUTER_THREADS:-}" ] && threads=(--threads "$ROUTER_THREADS")
  spawn "$name" "$build/bin/drdaplex-router" --config "$work/router.cfg" --name "$name" \
    --port "$port" --registry "$registry" --admin 127.0.0.1:0 --port-file "$work/$name.port" \
    --admin-port-file "$work/$name.admin" "${threads[@]}" --log-level warn
  started "$name" "$work/$name.admin"
  started "$name" "$work/$name.port"
}
# ctl NAME ARG...: drdaplex-ctl on the operator socket of router or distributor NAME.
ctl() { "$build/bin/drdaplex-ctl" --admin "127.0.0.1:$(cat "$work/$1.admin")" "${@:2}"; }
odbm_active() { ctl "$1" --json query odbm 2>/dev/null | grep -q '"status":"ACTIVE"'; }
# wait_active NAME: fails unless router NAME reports the ODBM ACTIVE within 10 s.
wait_active() {
  poll 100 odbm_active "$1" && return 0
  echo "router $1 did not report the ODBM ACTIVE within 10 s:" >&2
  ctl "$1" query odbm >&2
  cat "$work/$1.log" "$work/odbm.log" "$work/registry.log" >&2
  exit 1
}
# router_total NAME: the connections router NAME passed to the ODBM.
router_total() { ctl "$1" --json query odbm | sed -n 's/.*"total":\([0-9]*\).*/\1/p'; }

# start_haproxy BACKEND_PORT: HAProxy in TCP mode (no DRDA awareness) on a
# free loopback port $haproxy_port, in front of 127.0.0.1:BACKEND_PORT.
start_haproxy() {
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
  server odbmb1 127.0.0.1:$1
EOF
  spawn haproxy haproxy -db -f "$work/haproxy.cfg"
  poll 100 port_open 127.0.0.1 "$haproxy_port" ||
    { echo "haproxy did not start:" >&2; cat "$work/haproxy.log" >&2; exit 1; }
  haproxy_version=$(haproxy -v | sed -n '1s/HAProxy version \([^ ]*\).*/\1/p')
}
port_open() { (exec 3<>"/dev/tcp/$1/$2") 2>/dev/null; }

# time_waits: the most TCP sockets in TIME_WAIT toward one peer address and
# port in this network namespace (IPv4-mapped IPv6 addresses, the Java
# client's, counted as IPv4).
time_waits() {
  ss -Htan state time-wait 2>/dev/null | awk '{ sub(/^\[::ffff:/, "", $4); sub(/\]/, "", $4); n[$4]++ }
    END { for (p in n) if (n[p] > m) m = n[p]; print m + 0 }'
}
# wait_time_waits MAX: waits (at most 90 s) until at most MAX sockets toward
# one destination are in TIME_WAIT: many thousands toward one address and
# port make connect() search for a free local port (bench/RESULTS.md), which
# would be measured instead of the target. MAX 0: no wait.
wait_time_waits() {
  local max=$1 count waited=0
  count=$(time_waits)
  while ((max > 0 && count > max && waited < 90)); do
    sleep 1; waited=$((waited + 1)); count=$(time_waits)
  done
  echo "   (at most $count sockets in TIME_WAIT toward one destination, waited $waited s)"
}

# bench_targets ROUND MODE N TARGET...: result lines of one mode against the
# TARGETs: with block=0 one run (one JVM) per target, one after the other;
# otherwise one run for all, alternating blocks of $block iterations.
bench_targets() {
  local round=$1 mode=$2 n=$3 target
  shift 3
  if ((block == 0)); then
    for target in "$@"; do
      bench --url "${url[$target]}" --mode "$mode" --n "$n" --run "$round" --target "$target"
    done
  else
    local -a endpoints=()
    local size=$block
    [ "$mode" = connect ] && size=$block_connect
    for target in "$@"; do endpoints+=(--endpoint "$target=${url[$target]}"); done
    bench "${endpoints[@]}" --block "$size" --mode "$mode" --n "$n" --run "$round"
  fi
}

# run_rounds TARGET... : round 0 (warm-up, discarded), then ROUNDS measured
# rounds of every mode of $modes against every TARGET (its URL: ${url[TARGET]}); round r
# starts the target list r places further on, so the order alternates (two
# targets) or rotates (more). With MAX_TIME_WAIT set, waits before each
# connect mode until no more sockets than that are in TIME_WAIT. Measured
# lines go to $results.
run_rounds() {
  local -a targets=("$@")
  local count=${#targets[@]} round mode n i line lines
  local -a order
  : > "$results"
  for round in $(seq 0 "$rounds"); do
    if ((round == 0)); then echo "== round 0 (warm-up, discarded)"; else echo "== round $round of $rounds"; fi
    order=()
    for ((i = 0; i < count; i++)); do order+=("${targets[(round + i) % count]}"); done
    for mode in $modes; do
      n=$n_prepared
      if [ "$mode" = connect ]; then
        n=$n_connect
        [ -z "${MAX_TIME_WAIT:-}" ] || wait_time_waits "$MAX_TIME_WAIT"
      fi
      lines=$(bench_targets "$round" "$mode" "$n" "${order[@]}")
      while read -r line; do
        echo "   $line"
        ((round == 0)) || echo "$line" >> "$results"
      done <<<"$lines"
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

# round_ratios NUMERATOR DENOMINATOR MODE FIELD: the per-round ratios
# NUMERATOR/DENOMINATOR of FIELD (both targets measured in the same round,
# side by side) as "median (min–max)", or n/a.
round_ratios() {
  awk -v a="$1" -v b="$2" -v m="$3" -v f="$4" '
    { delete kv; for (i = 1; i <= NF; i++) { split($i, p, "="); kv[p[1]] = p[2] } }
    kv["mode"] != m { next }
    kv["target"] == a { num[kv["run"]] = kv[f] }
    kv["target"] == b { den[kv["run"]] = kv[f] }
    END {
      for (r in num) if ((r in den) && den[r] > 0) v[++n] = num[r] / den[r]
      if (n == 0) { print "n/a"; exit }
      for (i = 2; i <= n; i++) for (j = i; j > 1 && v[j - 1] > v[j]; j--) { t = v[j]; v[j] = v[j - 1]; v[j - 1] = t }
      med = (n % 2) ? v[(n + 1) / 2] : (v[n / 2] + v[n / 2 + 1]) / 2
      printf "%.2f (%.2f–%.2f)\n", med, v[1], v[n]
    }' "$results"
}

# thousands NUMBER: with thousands separators (1234567.8 -> 1,234,567.8).
thousands() { sed -e ':a' -e 's/^\([0-9]*\)\([0-9]\{3\}\)/\1,\2/; ta' -e 's/^,//' <<<"$1"; }

# markdown_table FIELD FORMAT HEADING: a Markdown table, one row per mode of
# $modes: the median FIELD of every target of $table_targets (headed by
# ${title[TARGET]}), then per pair "NUMERATOR DENOMINATOR HEADING" of
# $table_pairs (an array) the per-round ratios (round_ratios).
markdown_table() {
  local fld=$1 fmt=$2 heading=$3 mode target pair row
  local -a p
  row="| mode ($heading) |"
  for target in "${table_targets[@]}"; do row+=" ${title[$target]} |"; done
  for pair in "${table_pairs[@]}"; do read -r -a p <<<"$pair"; row+=" ${p[*]:2} |"; done
  echo "$row"
  echo "$row" | sed 's/[^|]\+/---/g'
  for mode in $modes; do
    row="| $mode |"
    for target in "${table_targets[@]}"; do row+=" $(thousands "$(median "$target" "$mode" "$fld" "$fmt")") |"; done
    for pair in "${table_pairs[@]}"; do
      read -r -a p <<<"$pair"
      row+=" $(round_ratios "${p[0]}" "${p[1]}" "$mode" "$fld") |"
    done
    echo "$row"
  done
}
