#!/usr/bin/env bash
# All the JDBC comparisons in one run: the same client (the Derby JDBC client
# in JdbcBench) and the same workloads against
#   derby    Apache Derby Network Server (BUILTIN authentication, app / secret)
#   direct   drdaplex-odbm, straight (a copy of fixtures/odbm/demo.cfg)
#   router   a drdaplex-router in front of that ODBM
#   dvipa    the Sysplex Distributor's DVIPA in front of that same router: the
#            distributor accepts and hands the socket to the router over its
#            SYSPLEX HANDOFF Unix socket (SCM_RIGHTS), then steps aside
#   haproxy  HAProxy in TCP mode in front of the same ODBM (no DRDA: the client
#            signs on to the ODBM itself)
# and the ratios drdaplex ÷ Derby (direct/derby), router ÷ direct,
# distributor ÷ router (dvipa/router) and router ÷ HAProxy.
#
# The machine is shared and noisy, so only ratios taken side by side mean
# anything: every mode runs in one JVM against all targets at once, timed in
# alternating blocks (BLOCK iterations each, BLOCK_CONNECT for connect; each
# cycle of blocks starts one target further on); round 0 of every mode warms
# everything up and is discarded; each measured round starts the target list
# one place further on. The tables give the medians over the measured rounds
# and, per ratio, the median of the per-round ratios with their range.
#
# The sysplex is the loopback form of tests/sysplex (sim_systems.h): the DVIPA
# is 127.0.<b>.100 (all of 127/8 is local), bound by the distributor in this
# namespace; the router (SYSPLEX SYSTEM=SYS1, LUNAME=HWSB, HANDOFF=<unix
# socket>) registers with the registry, a drdaplex-system agent gives SYS1 a
# capacity, and the distributor (VIPADEFINE / VIPADISTRIBUTE DISTMETHOD=
# SERVERWLM) sends every connection to that one router. Each path is checked
# with one connection before measuring. Everything started is stopped on exit.
#
# Prints the Markdown tables and writes them, with the machine, the command
# and every measured line, to the --out file.
#
# Usage: bench/java/compare_all.sh [--build-dir DIR] [--rounds R] [--n-prepared N]
#   [--n-connect N] [--block B] [--block-connect B] [--modes "M..."]
#   [--targets "derby direct router dvipa haproxy"] [--max-time-wait N] [--out FILE]
# Each option can also come from the environment: DRDAPLEX_BUILD_DIR (<repo>/build),
#   ROUNDS (5), N_PREPARED (20000), N_CONNECT (1000), BLOCK (1000),
#   BLOCK_CONNECT (100), MODES ("prepared prepared-noac connect"), TARGETS (all
#   five), MAX_TIME_WAIT (6000: before each connect mode, wait up to 90 s until
#   at most this many sockets toward one destination are in TIME_WAIT; 0: no
#   wait), OUT
#   (${TMPDIR:-/tmp}/drdaplex-compare-all-<time>.md); also ROUTER_THREADS (1),
#   DVIPA (127.0.<b>.100), DRDAPLEX_DERBY_JAR_DIR (/usr/share/java), JAVA (java),
#   DRDAPLEX_KEEP_TEMP (keep the work dir).
set -euo pipefail

usage() { sed -n '2,/^set -euo/p' "$0" | sed -e '$d' -e 's/^# \{0,1\}//' >&2; exit 2; }
command_line="$0${*:+ $*}"
while (($#)); do
  [ $# -ge 2 ] || usage
  case $1 in
    --build-dir) export DRDAPLEX_BUILD_DIR=$2 ;;
    --rounds) export ROUNDS=$2 ;;
    --n-prepared) export N_PREPARED=$2 ;;
    --n-connect) export N_CONNECT=$2 ;;
    --block) export BLOCK=$2 ;;
    --block-connect) export BLOCK_CONNECT=$2 ;;
    --modes) export MODES=$2 ;;
    --targets) export TARGETS=$2 ;;
    --max-time-wait) export MAX_TIME_WAIT=$2 ;;
    --out) export OUT=$2 ;;
    *) usage ;;
  esac
  shift 2
done
export ROUNDS=${ROUNDS:-5} N_CONNECT=${N_CONNECT:-1000} BLOCK=${BLOCK:-1000}
export MAX_TIME_WAIT=${MAX_TIME_WAIT:-6000}
# One event loop in the router (as in sysplex_bench): with two, which loop a
# connection lands on (round-robin) changes its round trips by up to 2x on a
# 2-core machine, so the router and DVIPA connections, one each, would differ
# by their placement rather than by the path.
export ROUTER_THREADS=${ROUTER_THREADS:-1}

top=$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)
. "$top/bench/java/bench_lib.sh"
bench_init compare_all
out=${OUT:-${TMPDIR:-/tmp}/drdaplex-compare-all-$(date +%Y%m%d-%H%M%S).md}
read -r -a targets <<<"${TARGETS:-derby direct router dvipa haproxy}"
has() { [[ " ${targets[*]} " == *" $1 "* ]]; }
for target in "${targets[@]}"; do
  [[ $target =~ ^(derby|direct|router|dvipa|haproxy)$ ]] || die "unknown target $target"
done
((BLOCK > 0)) || die "BLOCK must be positive (the targets run side by side)"

need_programs registry odbm passwd
need_jars derbyclient
has derby && need_jars derby derbynet derbytools
{ has router || has dvipa; } && need_programs router ctl
has dvipa && need_programs system distributor
has haproxy && need_haproxy

bench_client
start_time=$(date -u '+%Y-%m-%d %H:%M UTC')
load_before=$(cut -d' ' -f1-3 /proc/loadavg)
declare -A url

echo "== starting the targets (work dir $work)"
if has derby; then
  start_derby
  url[derby]="jdbc:derby://127.0.0.1:$derby_port/IM1A"
  echo "   Derby Network Server on port $derby_port"
fi
start_registry
start_odbm "$registry"
url[direct]="jdbc:derby://127.0.0.1:$odbm_port/IM1A"
echo "   drdaplex-registry on $registry, drdaplex-odbm on port $odbm_port"
if has router || has dvipa; then
  router_config "SYSPLEX(SYSTEM=SYS1, LUNAME=HWSB, HANDOFF='$work/HWSB.sock')"
  start_router HWSB
  wait_active HWSB
  url[router]="jdbc:derby://127.0.0.1:$(cat "$work/HWSB.port")/IM1A"
  echo "   drdaplex-router HWSB on port $(cat "$work/HWSB.port"), hand-over socket $work/HWSB.sock"
fi
if has dvipa; then
  spawn agent-SYS1 "$build/bin/drdaplex-system" --name SYS1 --registry "$registry" \
    --capacity 10 --log-level warn
  dvipa=${DVIPA:-127.0.$((128 + RANDOM % 127)).100}
  dvipa_port=$(bench --free-port "$dvipa")
  cat > "$work/SD1.cfg" <<EOF
DISTRIBUTOR(NAME=SD1)
VIPADEFINE(ADDRESS=$dvipa, MOVEABLE=IMMEDIATE)
VIPADISTRIBUTE(PORT=$dvipa_port, DISTMETHOD=SERVERWLM)
REGISTRY(ADDRESS=$registry)
ADMIN(ADDRESS=127.0.0.1:0)
EOF
  spawn SD1 "$build/bin/drdaplex-distributor" --config "$work/SD1.cfg" \
    --admin-port-file "$work/SD1.admin" --log-level warn
  started SD1 "$work/SD1.admin"
  vdpt() { ctl SD1 --json raw '{"command":"vdpt"}'; }
  # Ready when it owns the DVIPA and sees HWSB ready (RDY 1).
  dvipa_ready() { vdpt 2>/dev/null | grep -q '"owner":true' && vdpt | grep -q '"rdy":1'; }
  poll 200 dvipa_ready || {
    echo "the distributor did not become ready with HWSB as its target in 20 s:" >&2
    vdpt >&2; cat "$work/SD1.log" "$work/HWSB.log" >&2; exit 1
  }
  url[dvipa]="jdbc:derby://$dvipa:$dvipa_port/IM1A"
  echo "   drdaplex-distributor SD1 on the DVIPA $dvipa:$dvipa_port (SERVERWLM, target HWSB on SYS1)"
fi
if has haproxy; then
  start_haproxy "$odbm_port"
  url[haproxy]="jdbc:derby://127.0.0.1:$haproxy_port/IM1A"
  echo "   HAProxy $haproxy_version on port $haproxy_port, in front of the ODBM"
fi

echo "== checking every path with one connection"
for target in "${targets[@]}"; do
  bench --url "${url[$target]}" --mode prepared --n 1 --warmup-percent 0 --target "$target" >/dev/null ||
    die "one prepared query through $target (${url[$target]}) failed"
  echo "   $target: ok"
done

run_rounds "${targets[@]}"

declare -A title=([derby]="Derby" [direct]="drdaplex-odbm" [router]="router"
  [dvipa]="DVIPA → router" [haproxy]="HAProxy")
table_targets=("${targets[@]}")
table_pairs=()
for pair in "direct derby drdaplex ÷ Derby" "router direct router ÷ direct" \
  "dvipa router distributor ÷ router" "router haproxy router ÷ HAProxy"; do
  read -r a b _ <<<"$pair"
  has "$a" && has "$b" && table_pairs+=("$pair")
done
tables() {
  markdown_table ops_per_s %.0f op/s
  echo
  echo "(ratios of throughput: above 1 is faster)"
  echo
  markdown_table p50_us %.1f "p50 µs"
  echo
  markdown_table p99_us %.0f "p99 µs"
  echo
  echo "(ratios of latency: above 1 is slower; ratio cells: median of the per-round ratios, (lowest–highest))"
}
echo
echo "== medians of $rounds measured rounds, all targets side by side in every round"
tables
load_after=$(cut -d' ' -f1-3 /proc/loadavg)
elapsed=$SECONDS

{
  echo "# compare_all: the same JDBC client against Derby, drdaplex-odbm, router, DVIPA and HAProxy"
  echo
  echo "- date: $start_time; run took $((elapsed / 60)) min $((elapsed % 60)) s"
  echo "- command: \`$command_line\` (ROUNDS=$rounds N_PREPARED=$n_prepared N_CONNECT=$n_connect BLOCK=$block BLOCK_CONNECT=$block_connect MODES=\"$modes\" MAX_TIME_WAIT=$MAX_TIME_WAIT)"
  echo "- router event loops: $ROUTER_THREADS"
  echo "- source: $(git -C "$top" rev-parse --short HEAD 2>/dev/null || echo unknown)$(git -C "$top" diff --quiet HEAD 2>/dev/null || echo ' (with uncommitted changes)'), binaries from $build"
  echo "- machine: $(nproc) CPUs, $(sed -n 's/^model name[[:space:]]*: //p' /proc/cpuinfo | head -1), kernel $(uname -r), $(awk '/MemTotal/ { printf "%.0f GiB", $2 / 1048576 }' /proc/meminfo)"
  echo "- load average (1/5/15 min): $load_before before, $load_after after"
  echo "- client: $("$java" -version 2>&1 | head -1), $(unzip -p "$jars/derbyclient.jar" META-INF/MANIFEST.MF 2>/dev/null | sed -n 's/^Bundle-Name: *//p' | tr -d '\r') client (Debian libderbyclient-java $(dpkg-query -W -f '${Version}' libderbyclient-java 2>/dev/null))"
  echo
  tables
  echo
  echo "Measured lines (round 0 discarded):"
  echo
  echo '```'
  cat "$results"
  echo '```'
} > "$out"

if has dvipa; then
  echo
  echo "== distributor: connections handed over (warm-up and checks included)"
  vdpt | sed -n 's/.*"rows":\[\(.*\)\].*/\1/p'
fi
if has router || has dvipa; then
  echo "   HWSB passed $(router_total HWSB) connections to the ODBM"
fi
echo
echo "== written to $out (the run took $((elapsed / 60)) min $((elapsed % 60)) s)"
