// commerce_fdw PostgreSQL glue: state shared by the callbacks.
#pragma once

#include <map>
#include <memory>
#include <string>
#include <vector>

#include "engine/declare/api.h"
#include "engine/http/http.h"
#include "engine/run/session.h"
#include "pg/ops.h"  // stats_add: one statement's counters added to its server's
#include "pg/pg.h"

namespace cfdw::pg {

// What a foreign table is: its API and declaration, how its attributes map to
// the declared columns, and its options. Plain palloc'd data.
struct RelDesc {
  Oid relid;
  const char* relname;
  const Api* api;
  const Table* table;
  int natts;
  int* column_of;  // attno-1 -> index in table->columns, -1 for dropped and constant attributes
  const char** constant_of;  // attno-1 -> the column's OPTIONS (constant '...') value, or nullptr
  List* options;   // merged DefElems: server, then table (the table's win)
  const char* server;
  Oid serverid;    // the foreign server's OID (cache entries and rate budgets are keyed by it)
};

// Looks the table up; raises a PostgreSQL error when it is not one of ours.
RelDesc* describe_relation(Relation rel);
RelDesc* describe_relation_oid(Oid relid);

// Builds the engine configuration (with the user mapping's secrets when
// `userid` is valid). C++ only: call inside guarded().
// umid: the user mapping the secrets came from (user_mapping_options); cached
// answers belong to one server and one mapping.
Config make_config(const RelDesc* d, List* user_options, Oid userid, Oid umid = InvalidOid);
// The user mapping's options (PostgreSQL; may raise "user mapping not found").
List* user_mapping_options(const RelDesc* d, Oid userid, Oid* umid = nullptr);

// The backend's HTTP client and rate budgets.
HttpClient& http_client();
RateLimiter* rate_limiter(const Config& cfg, const Api& api);
// Hooks that make waits interruptible and visible (wait event, activity),
// announce a statement's first long wait for a server, log requests, and add
// `stats` (the table access's counters) to the server's after every request.
HttpHooks backend_hooks(const Config& cfg, const ServerStats* stats = nullptr);
// The Session of one scan, write or ANALYZE: the backend's client, the
// server's rate budget and hooks, counters into *stats. C++ only: call inside guarded().
std::unique_ptr<Session> open_session(const Api& api, const Config& cfg, ServerStats* stats);

// Canonical text of a Datum for the engine (see values.h), palloc'd.
char* datum_to_canonical(Datum value, Oid type);
// The elements of an array Datum as canonical text (NULL elements: nullptr); *n gets the count.
char** array_to_canonical(Datum array, int* n);
// Datum from the engine's text for an attribute (raises on invalid input).
Datum canonical_to_datum(const char* text, Form_pg_attribute att, FmgrInfo* input, Oid ioparam);
// Looks up every attribute's input function (dropped ones are skipped), palloc'd per attribute.
void input_functions(TupleDesc td, FmgrInfo** inputs, Oid** ioparams);

// A C++ object owned by a memory context: deleted when the context is reset
// or deleted (an aborted query), or earlier by its owner.
template <typename T>
struct Owned {
  T* object = nullptr;
  MemoryContextCallback callback;
};
template <typename T>
Owned<T>* own_in(MemoryContext cxt) {
  auto* o = static_cast<Owned<T>*>(MemoryContextAllocZero(cxt, sizeof(Owned<T>)));
  o->callback.func = [](void* arg) {
    auto* self = static_cast<Owned<T>*>(arg);
    delete self->object;
    self->object = nullptr;
  };
  o->callback.arg = o;
  MemoryContextRegisterResetCallback(cxt, &o->callback);
  return o;
}

// palloc without raising on out-of-memory (nullptr instead), for C++ code.
char* pstrdup_nothrow(const std::string& s);

}  // namespace cfdw::pg
