// commerce_fdw PostgreSQL glue: scan execution callbacks.
#pragma once

#include "pg/glue.h"

namespace cfdw::pg {

void begin_scan(ForeignScanState* node, int eflags);
TupleTableSlot* iterate_scan(ForeignScanState* node);
void rescan_scan(ForeignScanState* node);
void end_scan(ForeignScanState* node);
void explain_scan(ForeignScanState* node, ExplainState* es);

}  // namespace cfdw::pg
