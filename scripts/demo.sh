#!/usr/bin/env bash
# Sets up a fresh Debian 12 machine (packages, build), then runs the seed
# IMSplex of fixtures/plex/plex1.plex with the plex launcher and drives it:
#   1. `drdaplex plex up` starts the plex registry, a WLM agent per system,
#      ODBMB1 (IMS1, IMS2 sharing one database) and ODBMB2 (IMS3, IMS4), the
#      routers HWS1 and HWS2 sharing SYS1's DRDA port and HWS3 on SYS2, and
#      the distributors SD1 (owning the DVIPA) and SD2 (its backup);
#   2. a client session through the DVIPA shows routing by alias, data
#      sharing, a blank alias spread over every datastore, and the Derby
#      JDBC client's `ij`;
#   3. `drdaplex bench` runs a pgbench-like load and writes its table, JSON
#      and plot;
#   4. `drdaplex scenario` kills ODBMB2 under load, restarts it and checks
#      that no committed transaction was lost;
#   5. `drdaplex plex down` stops it all.
# Ports are the kernel's choice. Outputs go to $DRDAPLEX_DEMO_OUT (default
# ./drdaplex-demo).
set -euo pipefail
top=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
"$top/scripts/setup.sh"
bin=$top/build/bin
out=${DRDAPLEX_DEMO_OUT:-$PWD/drdaplex-demo}
mkdir -p "$out"
out=$(cd "$out" && pwd)
dir=$out/plex
drdaplex=("$bin/drdaplex")

cleanup() { "${drdaplex[@]}" plex down --dir "$dir" >/dev/null 2>&1 || true; }
trap cleanup EXIT
# A fresh plex each run (a plex left running by an interrupted run first goes down).
cleanup
rm -rf "$dir"

echo "== drdaplex plex up fixtures/plex/plex1.plex"
"${drdaplex[@]}" plex up "$top/fixtures/plex/plex1.plex" --dir "$dir" --detach

# Where clients connect (the DVIPA) and the distributor's operator socket,
# from the launcher's plex.json.
entry=$(tr -d '\n' <"$dir/plex.json" | grep -o '"entry": *{[^}]*}')
host=$(grep -o '"host": *"[^"]*"' <<<"$entry" | cut -d'"' -f4)
port=$(grep -o '"port": *[0-9]*' <<<"$entry" | grep -o '[0-9]*$')
sd1_admin=$(tr -d '\n' <"$dir/plex.json" | grep -o '"name": *"SD1"[^}]*' | grep -o '"admin": *"[^"]*"' | cut -d'"' -f4)

sql() {  # sql ALIAS SQL...: one new connection through the DVIPA
  local alias=$1
  shift
  "$bin/drdaplex-sql" --host "$host" --port "$port" --database "$alias" --user app --password secret "$@"
}
served_by() {  # which datastore and ODBM a new connection reached
  sql "$1" --csv -c "VALUES DRDAPLEX_DATASTORE() || ' on ' || DRDAPLEX_ODBM()" | tail -n 1
}

echo
echo "== drdaplex-sql -> IO1A (IMS1 only) via the DVIPA $host:$port: create and fill a table"
sql IO1A <<'SQL'
CREATE TABLE ACCOUNT (ID INTEGER NOT NULL PRIMARY KEY, OWNER VARCHAR(40), BALANCE DOUBLE);
INSERT INTO ACCOUNT VALUES (1, 'Ada', 120.5), (2, 'Grace', 99.0), (3, 'Edsger', 7.25);
SELECT ID, OWNER, BALANCE, DRDAPLEX_DATASTORE() AS SERVED_BY FROM ACCOUNT ORDER BY ID;
SQL
echo
echo "== -> IO2A (IMS2, same database: data sharing)"
sql IO2A -c "SELECT COUNT(*) AS ACCOUNTS, SUM(BALANCE) AS TOTAL, DRDAPLEX_DATASTORE() AS SERVED_BY FROM ACCOUNT"
echo
echo "== routing, one new connection each (the distributor spreads them over HWS1, HWS2"
echo "   and HWS3, and each router keeps its own rotation for IM1A and a blank alias, as"
echo "   each IMS Connect does)"
for alias in IM1A IM1A IM1A IM1A IO3A IMS4 "" "" "" ""; do
  printf '  %-8s -> %s\n' "${alias:-(blank)}" "$(served_by "$alias")"
done
echo
echo "== an alias no ODBM has: a DRDA error naming it"
sql NOPE -c "VALUES 1" || true
echo
echo "== Derby JDBC client (ij) -> IM1A through the DVIPA"
cat >"$out/demo.ij" <<SQL
connect 'jdbc:derby://$host:$port/IM1A;user=app;password=secret';
SELECT OWNER, BALANCE FROM ACCOUNT WHERE BALANCE > 50 ORDER BY OWNER;
UPDATE ACCOUNT SET BALANCE = BALANCE + 1 WHERE ID = 3;
disconnect;
exit;
SQL
java -cp /usr/share/java/derbytools.jar:/usr/share/java/derbyclient.jar org.apache.derby.tools.ij "$out/demo.ij"
echo
echo "== where SD1 sent the new connections so far (VDPT)"
"$bin/drdaplex-ctl" --admin "$sd1_admin" vdpt
echo
echo "== drdaplex bench: 16 clients, 10 s, pgbench-like mix"
"${drdaplex[@]}" bench --plex "$dir" --init -c 16 -T 10 -b select-only@6 -b ledger@3 -b scan@1 \
  --check-ledger --json "$out/bench.json" --plot "$out/bench"
echo
echo "== drdaplex scenario: SIGKILL ODBMB2 under load, restart it, check the ledger"
"${drdaplex[@]}" scenario "$top/fixtures/faults/kill-odbm.scenario" --plex "$dir" --no-init \
  --json "$out/kill-odbm.json" --plot "$out/kill-odbm"
echo
echo "== drdaplex plex down"
"${drdaplex[@]}" plex down --dir "$dir"
trap - EXIT
echo
echo "demo: done. Bench: $out/bench.json, $out/bench.svg, $out/bench.png;"
echo "      scenario: $out/kill-odbm.json and its plots; logs and generated configs in $dir"
