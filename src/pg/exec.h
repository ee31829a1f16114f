// commerce_fdw PostgreSQL glue: scan execution callbacks.
#pragma once

#include "pg/glue.h"

namespace cfdw::pg {

void begin_scan(ForeignScanState* node, int eflags);
TupleTableSlot* iterate_scan(ForeignScanState* node);
void rescan_scan(ForeignScanState* node);
void end_scan(ForeignScanState* node);
void explain_scan(ForeignScanState* node, ExplainState* es);

// Asynchronous execution under an Append (option async_capable, default true).
bool is_async_capable_path(ForeignPath* path);
void async_request(AsyncRequest* areq);
void async_configure_wait(AsyncRequest* areq);
void async_notify(AsyncRequest* areq);

}  // namespace cfdw::pg
