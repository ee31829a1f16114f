// commerce_fdw PostgreSQL glue: IMPORT FOREIGN SCHEMA (import.cpp).
#pragma once

#include "pg/pg.h"

#pragma GCC diagnostic push
#pragma GCC diagnostic ignored "-Wunused-parameter"
extern "C" {
#include "tcop/utility.h"
}
#pragma GCC diagnostic pop

namespace cfdw::pg {

// ImportForeignSchema: the CREATE FOREIGN TABLE commands of the server's API's
// tables (LIMIT TO / EXCEPT checked against them); their comments are kept for
// the utility hook.
List* cfdw_import(ImportForeignSchemaStmt* stmt, Oid server_oid);

// The utility hook _PG_init installs (after the one it found, kept in
// prev_process_utility): comments each table an import creates.
extern ProcessUtility_hook_type prev_process_utility;
void cfdw_process_utility(PlannedStmt* pstmt, const char* query, bool read_only_tree, ProcessUtilityContext context,
                          ParamListInfo params, QueryEnvironment* env, DestReceiver* dest, QueryCompletion* qc);

}  // namespace cfdw::pg
