#!/usr/bin/env bash
# The requests the BI queries of docs/bi.md send, as asserted by the pg_regress tests sql/bi.sql and
# sql/adaptive.sql: prints each statement of expected/bi.out and expected/adaptive.out with the
# simulator log lines (or count) that follow it.
# Run the tests themselves (they assert these counts) with: make installcheck REGRESS="setup bi adaptive"
set -euo pipefail
cd "$(dirname "$0")/.."
awk '
  /^(SELECT|EXPLAIN|REFRESH|CREATE TEMP)/ { stmt = $0; next }
  /^\\! \$SIMCTL log/ { inlog = 1; print "-- " stmt; next }
  inlog && /^(glance|gcommerce|extend|glocher) / { print "   " $0; next }
  inlog && /^[0-9]+$/ { print "   requests: " $0; next }
  { inlog = 0 }
' expected/bi.out expected/adaptive.out
