// commerce_fdw PostgreSQL glue: what ops.cpp, stats.cpp and activity.cpp
// share — their parts of shared memory and a few helpers. Not for other files.
#pragma once

#include <cstddef>

#include "pg/ops.h"

namespace cfdw::pg {

// Copies a C string into a fixed buffer of n bytes, cut and terminated.
void copy_text(char* dst, size_t n, const char* src);

// The path and query of a request as displayed ("GET /inventory?page=2" -> "/inventory?page=2").
const char* display_path(const HttpRequest& req);

// Shared memory of the statistics (stats.cpp) and of the activity
// (activity.cpp): its size, requested from shmem_request_hook, and its set-up
// from shmem_startup_hook (with AddinShmemInitLock held).
size_t stats_shmem_size();
void stats_shmem_startup();
void stats_define_settings();  // commerce_fdw.stats_max (preloading only)
size_t activity_shmem_size();
void activity_shmem_startup();

// Records a request's final failure as its server's last error. Never raises.
void note_error(const Config& cfg, const char* text) noexcept;

// Adds a table access's new requests and rows to the backend's statement in
// commerce_fdw_activity(). Never raises.
void activity_count(int64_t requests, int64_t rows) noexcept;

// The longest last_error kept.
constexpr int kErrorText = 256;

}  // namespace cfdw::pg
