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
# Not -q: psql prints each command's tag, so every write shows its row count (UPDATE 3, INSERT 0 1).
as_postgres env SIMCTL="$SIMCTL" SIM_URL="$SIM_URL" PGHOST="$PGHOST" PGPORT="$PGPORT" \
  "$PGBIN/psql" -X -v ON_ERROR_STOP=1 -U postgres -d postgres -f "$ROOT/scripts/demo.sql"
echo "== demo finished"
echo
echo "Where to go next:"
echo "  README.md                 what the extension does, and the list of pages"
echo "  docs/glance.md, docs/gcommerce.md, docs/glocher.md, docs/extend.md   one page per API"
echo "  docs/reference.md         every setting, function and option on one page"
echo "  docs/operations.md        privileges, secrets, statistics, activity, the request log, upgrades"
if [ -n "${KEEP_WORK:-}" ]; then
  # Keep the cluster and the simulator running to play on.
  trap - EXIT
  echo
  echo "The cluster and the simulator keep running (KEEP_WORK is set):"
  echo "  psql:       sudo -u postgres $PGBIN/psql -h $PGHOST -p $PGPORT -U postgres"
  echo "  simulator:  SIM_URL=$SIM_URL $SIMCTL log"
  echo "  stop both:  sudo -u postgres $PGBIN/pg_ctl -D $WORK/data stop; kill $SIM_PID; rm -rf $WORK"
else
  echo
  echo "The throwaway cluster is removed now; run KEEP_WORK=1 bash scripts/demo.sh to keep it to play on."
fi
