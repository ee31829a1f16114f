// commerce_fdw PostgreSQL glue: request budgets shared by every backend.
//
// When the library is loaded through shared_preload_libraries, each foreign
// server (of a database) gets one budget in shared memory: all sessions using
// it book their requests from the same schedule, so together they stay within
// the API's rate limit. Loaded any other way, shared memory cannot be had and
// each backend keeps a budget of its own (engine/ratelimit.h).
#pragma once

#include <string>

#include "engine/http/ratelimit.h"

namespace cfdw::pg {

// From _PG_init: reserves the shared memory when the library is being
// preloaded; otherwise does nothing.
void shared_budgets_init();

// The shared budget of `server` in the current database, set to `per_minute`
// requests a minute with bursts of `burst` (0: unlimited, the server's
// rate-limit answers still apply to everyone). nullptr when the library was
// not preloaded, or when every slot is busy with other servers. C++ only; it
// raises no PostgreSQL error.
RateLimiter* shared_rate_limiter(const std::string& server, double per_minute, double burst);

}  // namespace cfdw::pg
