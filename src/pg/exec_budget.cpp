// commerce_fdw PostgreSQL glue: a statement's request budget (see exec_budget.h).
#include "pg/exec_budget.h"

#include <algorithm>
#include <cmath>

#include "pg/options.h"

namespace cfdw::pg {

namespace {

// The requests one statement (an executor state) has sent to a server: a
// list of the live ones, each dropped with its statement's memory.
struct StatementBudget {
  EState* estate;
  Oid server;
  RequestBudget budget;  // plain data
  StatementBudget* next;
  MemoryContextCallback callback;
};
StatementBudget* statement_budgets = nullptr;

}  // namespace

RequestBudget* statement_budget(EState* estate, Oid server) {
  for (StatementBudget* b = statement_budgets; b; b = b->next)
    if (b->estate == estate && b->server == server) return &b->budget;
  auto* b = static_cast<StatementBudget*>(MemoryContextAllocZero(estate->es_query_cxt, sizeof(StatementBudget)));
  b->estate = estate;
  b->server = server;
  b->next = statement_budgets;
  statement_budgets = b;
  b->callback.func = [](void* arg) {
    for (StatementBudget** p = &statement_budgets; *p; p = &(*p)->next)
      if (*p == arg) {
        *p = (*p)->next;
        break;
      }
  };
  b->callback.arg = b;
  MemoryContextRegisterResetCallback(estate->es_query_cxt, &b->callback);
  return &b->budget;
}

BudgetText budget_text(const RelDesc* d, const char* drivers, long max, double estimate) {
  // The table's own option is changed with SET, else added.
  const bool on_table = option_value(GetForeignTable(d->relid)->options, "max_requests") != nullptr;
  const long raise_to = long(std::max(double(max) * 2, std::ceil(estimate * 1.2)));
  BudgetText t;
  t.detail = std::string("The requests: ") + (drivers && *drivers ? drivers : "none estimated") + ".";
  t.hint = std::string("Select only columns the list returns, add a condition the ") + d->api->name +
           " API applies (EXPLAIN VERBOSE shows the requests), or raise max_requests: ALTER FOREIGN TABLE " +
           quote_identifier(d->relname) + " OPTIONS (" + (on_table ? "SET" : "ADD") + " max_requests '" +
           std::to_string(raise_to) + "');";
  return t;
}

}  // namespace cfdw::pg
