// commerce_fdw PostgreSQL glue: a statement's request budget (max_requests)
// for the scans of exec.cpp: the count per statement and server, and the
// error's parts.
#pragma once

#include <string>

#include "pg/glue.h"

namespace cfdw::pg {

// The requests statement `estate` has sent to `server`: one count shared by
// the statement's scans of the server, dropped with the statement's memory.
RequestBudget* statement_budget(EState* estate, Oid server);

// The max_requests error's parts: what drives the count and the ways out.
struct BudgetText {
  std::string detail, hint;
};
BudgetText budget_text(const RelDesc* d, const char* drivers, long max, double estimate);

}  // namespace cfdw::pg
