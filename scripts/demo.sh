#!/usr/bin/env bash
# Sets up a fresh Debian 12 machine (packages, build), then brings up the
# seed IMSplex on loopback and drives it:
#   - the plex registry (drdaplex-registry, the SCI analogue);
#   - ODBMB1 (IMS1, IMS2 sharing one database) and ODBMB2 (IMS3, IMS4),
#     fixtures/plex/odbmb*.cfg, which register themselves;
#   - two routers, HWS1 and HWS2 (fixtures/router/hws1.cfg), sharing one
#     DRDA port, as two IMS Connects with SHAREPORT;
# and runs client sessions through the shared port: drdaplex-sql (the C++
# driver) and the unmodified Derby JDBC client (ij), operator commands
# (drdaplex-ctl), and an ODBM killed with SIGKILL. Everything it started is
# stopped at the end; ports are the kernel's choice.
set -euo pipefail
top=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
"$top/scripts/setup.sh"
bin=$top/build/bin

work=$(mktemp -d "${TMPDIR:-/tmp}/drdaplex-demo-XXXXXX")
pids=()
cleanup() {
  for pid in "${pids[@]}"; do kill "$pid" 2>/dev/null || true; done
  for pid in "${pids[@]}"; do wait "$pid" 2>/dev/null || true; done
  rm -rf "$work"
}
trap cleanup EXIT

# Starts a program in the background with its log in $work/<name>.log and
# waits (10 s at most) for the port file it was told to write.
start() {
  local name=$1 port_file=$2
  shift 2
  "$@" >"$work/$name.log" 2>&1 &
  pids+=($!)
  for _ in $(seq 100); do [ -s "$port_file" ] && return 0; sleep 0.1; done
  cat "$work/$name.log" >&2
  echo "demo: $name did not start" >&2
  exit 1
}

cp "$top"/fixtures/plex/odbmb1.cfg "$top"/fixtures/plex/odbmb2.cfg "$top"/fixtures/router/hws1.cfg "$work/"
"$bin/drdaplex-passwd" --plex-key "$work/plex.key"

start registry "$work/registry.port" "$bin/drdaplex-registry" --listen 127.0.0.1:0 --port-file "$work/registry.port"
registry=127.0.0.1:$(cat "$work/registry.port")
start HWS1 "$work/HWS1.port" "$bin/drdaplex-router" --config "$work/hws1.cfg" --port 0 \
  --admin 127.0.0.1:0 --registry "$registry" --port-file "$work/HWS1.port" --admin-port-file "$work/HWS1.admin"
port=$(cat "$work/HWS1.port")
start HWS2 "$work/HWS2.port" "$bin/drdaplex-router" --config "$work/hws1.cfg" --name HWS2 --port "$port" \
  --admin 127.0.0.1:0 --registry "$registry" --port-file "$work/HWS2.port" --admin-port-file "$work/HWS2.admin"
for odbm in odbmb1 odbmb2; do
  start "$odbm" "$work/$odbm.port" "$bin/drdaplex-odbm" --config "$work/$odbm.cfg" \
    --listen 127.0.0.1:0 --registry "$registry" --port-file "$work/$odbm.port"
done
odbmb2_pid=${pids[-1]}
ctl1=("$bin/drdaplex-ctl" --admin "127.0.0.1:$(cat "$work/HWS1.admin")")
ctl2=("$bin/drdaplex-ctl" --admin "127.0.0.1:$(cat "$work/HWS2.admin")")
for _ in $(seq 50); do
  [ "$("${ctl2[@]}" --json query odbm | grep -o '"ACTIVE"' | wc -l)" = 2 ] && break
  sleep 0.1
done

sql() {  # sql ALIAS SQL...: one connection through the shared port
  local alias=$1
  shift
  "$bin/drdaplex-sql" --port "$port" --database "$alias" --user app --password secret "$@"
}
served_by() {  # served_by ALIAS: which datastore and ODBM a new connection reached
  sql "$1" --csv -c "VALUES DRDAPLEX_DATASTORE() || ' on ' || DRDAPLEX_ODBM()" | tail -n 1
}

echo "== the plex: routers HWS1 and HWS2 share DRDA port $port; ODBMs as the routers see them"
"${ctl1[@]}" query odbm
echo
echo "== aliases (QUERY IMSCON TYPE(ALIAS))"
"${ctl1[@]}" query alias
echo
echo "== drdaplex-sql -> IO1A (IMS1 only): create and fill a table"
sql IO1A <<'SQL'
CREATE TABLE ACCOUNT (ID INTEGER NOT NULL PRIMARY KEY, OWNER VARCHAR(40), BALANCE DOUBLE);
INSERT INTO ACCOUNT VALUES (1, 'Ada', 120.5), (2, 'Grace', 99.0), (3, 'Edsger', 7.25);
SELECT ID, OWNER, BALANCE, DRDAPLEX_DATASTORE() AS SERVED_BY FROM ACCOUNT ORDER BY ID;
SQL
echo
echo "== -> IO2A (IMS2, same database: data sharing)"
sql IO2A -c "SELECT COUNT(*) AS ACCOUNTS, SUM(BALANCE) AS TOTAL, DRDAPLEX_DATASTORE() AS SERVED_BY FROM ACCOUNT"
echo
echo "== routing, one new connection each"
for alias in IM1A IM1A IM1A IM1A IO3A IMS4 "" "" "" ""; do
  printf '  %-8s -> %s\n' "${alias:-(blank)}" "$(served_by "$alias")"
done
echo
echo "== an alias no ODBM has: a DRDA error naming it"
sql NOPE -c "VALUES 1" || true
echo
echo "== Derby JDBC client (ij) -> IM1A through the shared port"
cat >"$work/demo.ij" <<SQL
connect 'jdbc:derby://127.0.0.1:$port/IM1A;user=app;password=secret';
SELECT OWNER, BALANCE FROM ACCOUNT WHERE BALANCE > 50 ORDER BY OWNER;
UPDATE ACCOUNT SET BALANCE = BALANCE + 1 WHERE ID = 3;
SELECT * FROM NO_SUCH_TABLE;
disconnect;
exit;
SQL
java -cp /usr/share/java/derbytools.jar:/usr/share/java/derbyclient.jar org.apache.derby.tools.ij "$work/demo.ij"
echo
echo "== STOP(ROUTE) for IO1A on both routers, then a new IO1A connection"
"${ctl1[@]}" update alias IO1A --stop
"${ctl2[@]}" update alias IO1A --stop
sql IO1A -c "VALUES 1" || true
"${ctl1[@]}" update alias IO1A --start >/dev/null
"${ctl2[@]}" update alias IO1A --start >/dev/null
echo
echo "== ODBMB2 killed with SIGKILL: the registry drops it, routers stop routing to it"
kill -9 "$odbmb2_pid"
sleep 0.5
"${ctl1[@]}" query odbm
for alias in IO3A "" "" ""; do
  printf '  %-8s -> %s\n' "${alias:-(blank)}" "$(served_by "$alias" 2>&1 || true)"
done
echo
echo "== routing decisions so far: HWS1, then HWS2"
"${ctl1[@]}" query decisions
"${ctl2[@]}" query decisions
echo
echo "demo: done (logs were in $work)"
