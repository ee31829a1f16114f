// commerce_fdw PostgreSQL glue: remote sizes learned at plan time.
//
// A foreign table without statistics (never ANALYZEd) learns its row count
// from one request where the API reports a total (plan.cpp). The count is
// remembered for ten minutes per (database, server, table): in shared memory
// when the library is preloaded, so every backend reuses it, else in the
// backend.
#pragma once

#include "pg/pg.h"

namespace cfdw::pg {

// How long a learned size is reused.
constexpr double kRemoteSizeTtlMs = 10 * 60 * 1000.0;

// From _PG_init: reserves the shared memory when the library is being
// preloaded; otherwise does nothing.
void remote_sizes_init();

// The remembered row count of `table` on `server` in the current database, or
// a negative number when none is known (or it is older than the TTL).
// Raises nothing.
double remembered_remote_size(Oid server, Oid table);

// Remembers `rows` for the table. Raises nothing.
void remember_remote_size(Oid server, Oid table, double rows);

}  // namespace cfdw::pg
