#!/usr/bin/env bash
# Sets up a fresh Debian 12 machine (packages, build), starts an ODBM serving
# the embedded example datastores on a free loopback port, and runs a short
# client session against it with drdaplex-sql and with the Derby JDBC client.
set -euo pipefail
top=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
"$top/scripts/setup.sh"
exec "$top/build/bin/drdaplex-demo"
