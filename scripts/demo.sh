#!/usr/bin/env bash
# The commerce_fdw demo: installs the dependencies, builds and installs the
# extension, starts a throwaway cluster and the bundled API simulator, and runs
# real queries and a stock sync through the foreign tables, showing after each
# step the HTTP requests the simulator received.
set -euo pipefail
cd "$(dirname "$0")/.."
source scripts/lib.sh

bash scripts/install-deps.sh
build_and_install
new_workdir
start_simulator
start_cluster

echo "== running scripts/demo.sql"
as_postgres env SIMCTL="$SIMCTL" SIM_URL="$SIM_URL" PGHOST="$PGHOST" PGPORT="$PGPORT" \
  "$PGBIN/psql" -X -q -v ON_ERROR_STOP=1 -U postgres -d postgres -f "$ROOT/scripts/demo.sql"
echo "== demo finished"
