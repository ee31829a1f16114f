// commerce_fdw PostgreSQL glue: the C++ / PostgreSQL error boundary (see boundary.h).
#include "pg/boundary.h"

#include <cstring>

#include "pg/pg.h"

namespace cfdw::pg {

namespace {

CapturedError g_error;  // static storage: recording an error allocates nothing

void copy(char* dst, size_t n, const char* src) {
  if (!src) src = "";
  const size_t len = strnlen(src, n - 1);
  std::memcpy(dst, src, len);
  dst[len] = '\0';
}

}  // namespace

void capture_error(const char* sqlstate, const char* message, const char* detail, const char* hint) noexcept {
  g_error.cancelled = false;
  copy(g_error.sqlstate, sizeof g_error.sqlstate, sqlstate && std::strlen(sqlstate) == 5 ? sqlstate : "XX000");
  copy(g_error.message, sizeof g_error.message, message);
  copy(g_error.detail, sizeof g_error.detail, detail);
  copy(g_error.hint, sizeof g_error.hint, hint);
}

void capture_cancel() noexcept {
  g_error.cancelled = true;
  copy(g_error.sqlstate, sizeof g_error.sqlstate, "57014");
  copy(g_error.message, sizeof g_error.message, "canceling statement due to user request");
  g_error.detail[0] = g_error.hint[0] = '\0';
}

void raise_captured() {
  if (g_error.cancelled) {
    // PostgreSQL raises the right error (cancel, statement timeout, termination).
    CHECK_FOR_INTERRUPTS();
  }
  const char* s = g_error.sqlstate;
  ereport(ERROR, (errcode(MAKE_SQLSTATE(s[0], s[1], s[2], s[3], s[4])), errmsg("%s", g_error.message),
                  g_error.detail[0] ? errdetail("%s", g_error.detail) : 0,
                  g_error.hint[0] ? errhint("%s", g_error.hint) : 0));
  pg_unreachable();
}

bool interrupt_pending() noexcept {
  return InterruptPending && (QueryCancelPending || ProcDiePending);
}

void notice_safely(const char* message) noexcept {
  MemoryContext oldcxt = CurrentMemoryContext;
  PG_TRY();
  {
    ereport(NOTICE, (errmsg("%s", message)));
  }
  PG_CATCH();
  {
    MemoryContextSwitchTo(oldcxt);
    FlushErrorState();
  }
  PG_END_TRY();
}

}  // namespace cfdw::pg
