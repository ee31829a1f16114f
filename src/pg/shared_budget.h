// commerce_fdw PostgreSQL glue: request budgets shared by every backend.
//
// When the library is loaded through shared_preload_libraries, each foreign
// server (of a database) gets one budget in shared memory: all sessions using
// it book their requests from the same schedule, so together they stay within
// the API's rate limit. Loaded any other way, shared memory cannot be had and
// each backend keeps a budget of its own (engine/ratelimit.h).
#pragma once

#include <cstdint>
#include <string>

#include "engine/http/ratelimit.h"

namespace cfdw::pg {

// From _PG_init: reserves the shared memory when the library is being
// preloaded; otherwise does nothing.
void shared_budgets_init();

// Which remote a server's budget is for: a hash of its api and base_url. A
// budget is kept by server OID and forgotten when this changes.
uint64_t budget_identity(const std::string& api, const std::string& base_url);

// The shared budget of server `server_id` in the current database (for the
// remote `identity`), set to `per_minute` requests a minute with bursts of
// `burst` (0: unlimited, the server's rate-limit answers still apply to
// everyone). nullptr when the library was not preloaded, or when every slot is
// busy with other servers. C++ only; it raises no PostgreSQL error.
RateLimiter* shared_rate_limiter(unsigned server_id, uint64_t identity, double per_minute, double burst);

}  // namespace cfdw::pg
