// commerce_fdw PostgreSQL glue: the response cache in shared memory.
//
// When the library is preloaded and commerce_fdw.cache_size is not 0, the
// answers cache_ttl_ms keeps are shared by every backend (engine/run/cache.h
// says what an answer belongs to and what drops it). Otherwise each backend
// keeps its own. commerce_fdw_cache_reset() and commerce_fdw_cache_info() are
// defined with it (shared_cache.cpp).
#pragma once

namespace cfdw::pg {

// From _PG_init, before any other setting is defined (commerce_fdw.cache_size
// must exist before the prefix is reserved): defines the setting and, when the
// library is being preloaded, reserves the shared memory and its lock.
void shared_cache_init();

}  // namespace cfdw::pg
