// commerce_fdw PostgreSQL glue: IMPORT FOREIGN SCHEMA — one CREATE FOREIGN
// TABLE per declared table of the server's API, and the catalog comments the
// utility hook adds once each table exists.
#include <algorithm>
#include <cstring>
#include <string>

#include "pg/boundary.h"
#include "pg/glue.h"
#include "pg/import.h"

#pragma GCC diagnostic push
#pragma GCC diagnostic ignored "-Wunused-parameter"
extern "C" {
#include "access/xact.h"
#include "catalog/namespace.h"
#include "catalog/pg_class.h"
#include "commands/comment.h"
}
#pragma GCC diagnostic pop

namespace cfdw::pg {

ProcessUtility_hook_type prev_process_utility = nullptr;

namespace {

// Comments for the tables an IMPORT FOREIGN SCHEMA is creating: PostgreSQL
// runs only CREATE FOREIGN TABLE commands from ImportForeignSchema, each
// through ProcessUtility as a subcommand; the utility hook adds the comments
// once the table exists. Plain C strings in TopMemoryContext.
struct PendingComments {
  char* schema;
  char* relname;
  char* table_comment;
  int ncolumns;
  char** columns;
  char** comments;
};
List* pending_comments = NIL;  // PendingComments*, in TopMemoryContext

void forget_pending_comments() {
  ListCell* lc;
  foreach (lc, pending_comments) {
    auto* p = static_cast<PendingComments*>(lfirst(lc));
    pfree(p->schema);
    pfree(p->relname);
    pfree(p->table_comment);
    for (int i = 0; i < p->ncolumns; ++i) {
      pfree(p->columns[i]);
      pfree(p->comments[i]);
    }
    pfree(p->columns);
    pfree(p->comments);
    pfree(p);
  }
  list_free(pending_comments);
  pending_comments = NIL;
}

// Raises an error when LIMIT TO / EXCEPT names a table the api does not have:
// PostgreSQL filters the import by these names, so a misspelt one would
// silently import nothing (LIMIT TO) or everything (EXCEPT).
void check_import_list(ImportForeignSchemaStmt* stmt, const Api* api) {
  if (stmt->list_type == FDW_IMPORT_SCHEMA_ALL) return;
  StringInfoData valid;
  initStringInfo(&valid);
  for (const Table& t : api->tables) appendStringInfo(&valid, "%s%s_%s", valid.len ? ", " : "", api->name.c_str(), t.name.c_str());
  ListCell* lc;
  foreach (lc, stmt->table_list) {
    RangeVar* rv = static_cast<RangeVar*>(lfirst(lc));
    bool found = false;
    for (const Table& t : api->tables)
      if (api->name + "_" + t.name == rv->relname) found = true;
    if (!found)
      ereport(ERROR, (errcode(ERRCODE_FDW_TABLE_NOT_FOUND),
                      errmsg("%s names no table \"%s\" of remote schema \"%s\"",
                             stmt->list_type == FDW_IMPORT_SCHEMA_LIMIT_TO ? "LIMIT TO" : "EXCEPT", rv->relname,
                             api->name.c_str()),
                      errhint("Valid names are: %s", valid.data)));
  }
}

}  // namespace

void cfdw_process_utility(PlannedStmt* pstmt, const char* query, bool read_only_tree,
                                 ProcessUtilityContext context, ParamListInfo params, QueryEnvironment* env,
                                 DestReceiver* dest, QueryCompletion* qc) {
  if (prev_process_utility)
    prev_process_utility(pstmt, query, read_only_tree, context, params, env, dest, qc);
  else
    standard_ProcessUtility(pstmt, query, read_only_tree, context, params, env, dest, qc);
  if (pending_comments == NIL || context != PROCESS_UTILITY_SUBCOMMAND || !IsA(pstmt->utilityStmt, CreateForeignTableStmt))
    return;
  auto* create = reinterpret_cast<CreateForeignTableStmt*>(pstmt->utilityStmt);
  const RangeVar* rv = create->base.relation;
  if (!rv->schemaname) return;
  ListCell* lc;
  foreach (lc, pending_comments) {
    auto* p = static_cast<PendingComments*>(lfirst(lc));
    if (std::strcmp(p->schema, rv->schemaname) != 0 || std::strcmp(p->relname, rv->relname) != 0) continue;
    CommandCounterIncrement();  // the new table is visible
    const Oid relid = RangeVarGetRelid(rv, NoLock, true);
    if (!OidIsValid(relid)) return;
    CreateComments(relid, RelationRelationId, 0, p->table_comment);
    for (int i = 0; i < p->ncolumns; ++i) {
      const AttrNumber att = get_attnum(relid, p->columns[i]);
      if (att != InvalidAttrNumber) CreateComments(relid, RelationRelationId, att, p->comments[i]);
    }
    return;
  }
}

List* cfdw_import(ImportForeignSchemaStmt* stmt, Oid server_oid) {
  ForeignServer* server = GetForeignServer(server_oid);
  const char* api_name = nullptr;
  ListCell* lc;
  foreach (lc, server->options) {
    DefElem* d = static_cast<DefElem*>(lfirst(lc));
    if (std::strcmp(d->defname, "api") == 0) api_name = strVal(d->arg);
  }
  const Api* api = api_name ? find_api(api_name) : nullptr;
  if (!api) ereport(ERROR, (errcode(ERRCODE_FDW_ERROR), errmsg("server \"%s\" has no valid api", server->servername)));
  if (api->name != stmt->remote_schema)
    ereport(ERROR, (errcode(ERRCODE_FDW_SCHEMA_NOT_FOUND),
                    errmsg("schema \"%s\" is not available on server \"%s\"", stmt->remote_schema,
                           server->servername),
                    errhint("The remote schema of this server is \"%s\".", api->name.c_str())));
  check_import_list(stmt, api);
  forget_pending_comments();
  List* commands = NIL;
  for (const Table& t : api->tables) {
    char* relname = psprintf("%s_%s", api->name.c_str(), t.name.c_str());
    bool listed = false;
    foreach (lc, stmt->table_list) {
      RangeVar* rv = static_cast<RangeVar*>(lfirst(lc));
      if (std::strcmp(rv->relname, relname) == 0) listed = true;
    }
    if (stmt->list_type == FDW_IMPORT_SCHEMA_LIMIT_TO && !listed) continue;
    if (stmt->list_type == FDW_IMPORT_SCHEMA_EXCEPT && listed) continue;
    StringInfoData sql;
    initStringInfo(&sql);
    appendStringInfo(&sql, "CREATE FOREIGN TABLE %s.%s (\n", quote_identifier(stmt->local_schema),
                     quote_identifier(relname));
    // Keys the API always fills are NOT NULL (not enforced for foreign tables; BI tools read keys from it).
    for (size_t i = 0; i < t.columns.size(); ++i)
      appendStringInfo(&sql, "  %s %s%s%s\n", quote_identifier(t.columns[i].name.c_str()),
                       coltype_sql_name(t.columns[i].type),
                       std::find(t.key.begin(), t.key.end(), t.columns[i].name) != t.key.end() ? " NOT NULL" : "",
                       i + 1 < t.columns.size() ? "," : "");
    appendStringInfo(&sql, ") SERVER %s OPTIONS (resource %s)", quote_identifier(server->servername),
                     quote_literal_cstr(t.name.c_str()));
    commands = lappend(commands, sql.data);

    // Its comments, generated from the declaration.
    MemoryContext old = MemoryContextSwitchTo(TopMemoryContext);
    auto* p = static_cast<PendingComments*>(palloc0(sizeof(PendingComments)));
    p->schema = pstrdup(stmt->local_schema);
    p->relname = pstrdup(relname);
    p->ncolumns = int(t.columns.size());
    p->columns = static_cast<char**>(palloc0(sizeof(char*) * std::max<size_t>(1, t.columns.size())));
    p->comments = static_cast<char**>(palloc0(sizeof(char*) * std::max<size_t>(1, t.columns.size())));
    pending_comments = lappend(pending_comments, p);
    MemoryContextSwitchTo(old);
    const bool ok = guarded([&] {
      auto keep = [](const std::string& s) {
        char* c = static_cast<char*>(MemoryContextAllocExtended(TopMemoryContext, s.size() + 1, MCXT_ALLOC_NO_OOM));
        if (!c) throw std::bad_alloc();
        std::memcpy(c, s.c_str(), s.size() + 1);
        return c;
      };
      p->table_comment = keep(describe_table(api->name, t));
      for (size_t i = 0; i < t.columns.size(); ++i) {
        p->columns[i] = keep(t.columns[i].name);
        p->comments[i] = keep(describe_column(t, t.columns[i]));
      }
    });
    if (!ok) {
      pending_comments = list_delete_last(pending_comments);
      raise_captured();
    }
  }
  return commands;
}

}  // namespace cfdw::pg
