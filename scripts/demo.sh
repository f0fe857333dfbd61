#!/usr/bin/env bash
# Sets up a fresh Debian 12 machine (packages, build), starts drdaplex-odbm
# with the example ODBM (fixtures/odbm/demo.cfg: ODBMB1 with datastores IMS1
# and IMS2 sharing one SQLite file) on a free loopback port, and runs a short
# session against it: drdaplex-sql (the C++ driver), then the unmodified
# Derby JDBC client through ij. Stops the ODBM at the end.
set -euo pipefail
top=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
"$top/scripts/setup.sh"
bin=$top/build/bin

work=$(mktemp -d "${TMPDIR:-/tmp}/drdaplex-demo-XXXXXX")
odbm_pid=
cleanup() {
  [ -n "$odbm_pid" ] && kill "$odbm_pid" 2>/dev/null && wait "$odbm_pid" 2>/dev/null || true
  rm -rf "$work"
}
trap cleanup EXIT

cp "$top/fixtures/odbm/demo.cfg" "$work/"
"$bin/drdaplex-odbm" --config "$work/demo.cfg" --port-file "$work/port" 2>"$work/odbm.log" &
odbm_pid=$!
for _ in $(seq 100); do [ -s "$work/port" ] && break; sleep 0.1; done
[ -s "$work/port" ] || { cat "$work/odbm.log"; echo "demo: drdaplex-odbm did not start" >&2; exit 1; }
port=$(cat "$work/port")
sed 's/^/  odbm| /' "$work/odbm.log"

echo
echo "== drdaplex-sql (C++ driver) -> alias IO1A (datastore IMS1)"
"$bin/drdaplex-sql" --port "$port" --database IO1A --user app --password secret <<'SQL'
CREATE TABLE ACCOUNT (ID INTEGER NOT NULL PRIMARY KEY, OWNER VARCHAR(40), BALANCE DOUBLE);
INSERT INTO ACCOUNT VALUES (1, 'Ada', 120.5), (2, 'Grace', 99.0), (3, 'Edsger', 7.25);
SELECT ID, OWNER, BALANCE, DRDAPLEX_DATASTORE() AS SERVED_BY FROM ACCOUNT ORDER BY ID;
SQL

echo
echo "== drdaplex-sql -> alias IO2A (datastore IMS2, same database: data sharing)"
"$bin/drdaplex-sql" --port "$port" --database IO2A --user app --password secret \
  -c "SELECT COUNT(*) AS ACCOUNTS, SUM(BALANCE) AS TOTAL, DRDAPLEX_DATASTORE() AS SERVED_BY FROM ACCOUNT"

echo
echo "== drdaplex-sql -> alias IM1A (shared by IMS1 and IMS2: round-robin per connection)"
for i in 1 2 3 4; do
  "$bin/drdaplex-sql" --port "$port" --database IM1A --user app --password secret --csv \
    -c "VALUES DRDAPLEX_DATASTORE()" | tail -n 1 | sed "s/^/  connection $i served by /"
done

echo
echo "== Derby JDBC client (ij) -> alias IM1A"
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
echo "demo: done (the ODBM log above shows what listened where)"
