// Unit tests: every declared table of every API resolves — the endpoints named
// by detail and conflict checks, the columns named in bindings, write rules,
// conflict checks and supplements, the path placeholders, the options — and a
// declaration with a dangling name is reported; option substitution.
#include <gtest/gtest.h>

#include <algorithm>
#include <map>
#include <string>
#include <vector>

#include "apis/apis.h"
#include "apis/declare.h"
#include "engine/wire/values.h"

namespace cfdw {
namespace {

using namespace declare;

TEST(Declarations, TheRegisteredApisResolve) {
  EXPECT_EQ(declaration_problems(), std::vector<std::string>{});
  EXPECT_EQ(all_apis().size(), 4u);
}

// Every reference of every declared table, walked here independently of
// resolve_references: an endpoint reference names an endpoint and holds its
// index, every column named anywhere is declared.
TEST(Declarations, EveryReferenceOfEveryTableResolves) {
  for (const Api* api : all_apis()) {
    for (const Table& t : api->tables) {
      const std::string where = api->name + "." + t.name;
      auto has_column = [&](const std::string& c) { return t.column(c) != nullptr; };
      auto ref_ok = [&](const EndpointRef& r) {
        return r.index >= 0 && r.index < int(t.reads.size()) && t.reads[r.index].name == r.name;
      };
      if (!t.detail.name.empty()) {
        EXPECT_TRUE(ref_ok(t.detail)) << where << " detail " << t.detail.name;
      }
      if (t.detail.name.empty()) {
        EXPECT_EQ(int(t.detail), -1) << where;
      }
      for (const Endpoint& e : t.reads) {
        for (const Binding& b : e.bindings) EXPECT_TRUE(has_column(b.column)) << where << " " << e.name << " " << b.column;
        for (const auto& c : e.lacks) EXPECT_TRUE(has_column(c)) << where << " " << c;
        for (const auto& [c, p] : e.supplement_map) EXPECT_TRUE(has_column(c)) << where << " " << c;
        for (const auto& [c, k] : e.sorts) EXPECT_TRUE(has_column(c)) << where << " " << c;
        for (const auto& [c, v] : e.fill) EXPECT_TRUE(has_column(c)) << where << " " << c;
        if (!e.part_column.empty()) {
          EXPECT_TRUE(has_column(e.part_column)) << where;
        }
        EXPECT_EQ(std::count_if(t.reads.begin(), t.reads.end(), [&](const Endpoint& o) { return o.name == e.name; }),
                  1)
            << where << " endpoint names are unique: " << e.name;
      }
      for (const auto& c : t.key) EXPECT_TRUE(has_column(c)) << where << " key " << c;
      for (const WriteRule& w : t.writes) {
        for (const auto& c : w.columns) EXPECT_TRUE(has_column(c)) << where << " " << w.name << " " << c;
        for (const BodyField& f : w.body)
          if (!f.column.empty()) {
            EXPECT_TRUE(has_column(f.column)) << where << " " << w.name << " " << f.column;
          }
        for (const auto& [c, p] : w.returning) EXPECT_TRUE(has_column(c)) << where << " " << w.name << " " << c;
        for (const auto& c : w.key) EXPECT_TRUE(has_column(c)) << where << " " << w.name << " " << c;
        for (const auto& c : w.not_null) EXPECT_TRUE(has_column(c)) << where << " " << w.name << " " << c;
        if (!w.delta_column.empty()) {
          EXPECT_TRUE(has_column(w.delta_column)) << where << " " << w.name;
          EXPECT_FALSE(w.null_delta_message.empty()) << where << " " << w.name;
        }
        if (!w.value_column.empty()) {
          EXPECT_TRUE(has_column(w.value_column)) << where << " " << w.name;
        }
      }
      if (!t.conflict.column.empty()) {
        EXPECT_TRUE(has_column(t.conflict.column)) << where;
        for (const auto& c : t.conflict.also) EXPECT_TRUE(has_column(c)) << where << " " << c;
        ASSERT_TRUE(ref_ok(t.conflict.endpoint)) << where << " conflict " << t.conflict.endpoint.name;
      }
    }
  }
}

// An option name means the same wherever it is declared (the validator sees
// a table's options without knowing its API).
TEST(Declarations, AnOptionNameMeansOneThingAcrossApis) {
  std::map<std::string, const OptionDef*> seen;
  for (const Api* api : all_apis())
    for (const OptionDef& o : api->options) {
      auto [it, fresh] = seen.emplace(o.name, &o);
      if (fresh) continue;
      EXPECT_EQ(int(it->second->kind), int(o.kind)) << o.name;
      EXPECT_EQ(it->second->places, o.places) << o.name;
    }
}

// The names, not the positions, decide: reordering the reads keeps the
// lookups on their endpoints.
TEST(Declarations, ReorderingReadsKeepsTheNamedEndpoints) {
  Api api = *find_api("glance");  // a copy: the registered one stays as it is
  Table& clients = api.tables[api.tables.size() - 2];
  ASSERT_EQ(clients.name, "clients");
  const std::string path = clients.reads[clients.conflict.endpoint].path;
  std::reverse(clients.reads.begin(), clients.reads.end());
  EXPECT_EQ(resolve_references(api), std::vector<std::string>{});
  EXPECT_EQ(clients.reads[clients.conflict.endpoint].path, path);
  EXPECT_EQ(clients.reads[clients.conflict.endpoint].name, "list");
}

Api broken_api() {
  Api api;
  api.name = "broken";
  api.options = {one_of("mode", {"a", "b"})};
  Table t;
  t.name = "things";
  t.columns = {col("id", ColType::Int8, "id"), col("qty", ColType::Int4, "qty")};
  t.reads = {
      get("list", "/things/{shop}").rows("data").where({query_eq("missing", "m")}).supplemented({}, "", "", {{"gone", "x"}}),
      get("list", "/things"),
  };
  t.detail = "by id";
  t.key = {"nope"};
  t.writes = {update_delta("adjust")
                  .of("qty")
                  .request("POST", "/things/{ghost}")
                  .body({field("x", "absent")})
                  .when_option("undeclared", "")};
  t.conflict = conflict_lookup("id", "search");
  api.tables = {t};
  return api;
}

TEST(Declarations, ADanglingNameIsReported) {
  Api api = broken_api();
  const std::vector<std::string> problems = resolve_references(api);
  const std::vector<std::string> expected = {
      "broken.things: endpoint \"list\": a binding names no column \"missing\"",
      "broken.things: endpoint \"list\": {shop} in its path is bound by no binding and no option",
      "broken.things: endpoint \"list\": the supplement names no column \"gone\"",
      "broken.things: endpoint \"list\" declared twice",
      "broken.things: detail names no endpoint \"by id\"",
      "broken.things: the key names no column \"nope\"",
      "broken.things: UPDATE rule \"adjust\": body field \"x\" names no column \"absent\"",
      "broken.things: UPDATE rule \"adjust\": {ghost} in its path is no column or option",
      "broken.things: UPDATE rule \"adjust\": option \"undeclared\" is not declared by the API",
      "broken.things: the conflict check names no endpoint \"search\"",
  };
  EXPECT_EQ(problems, expected);
  EXPECT_EQ(int(api.tables[0].detail), -1);
  EXPECT_EQ(int(api.tables[0].conflict.endpoint), -1);
}

TEST(Declarations, TheDeltaRuleSaysWhyANullIsRefused) {
  const Table& inventory = *find_api("glance")->table("inventory");
  const auto adjust = std::find_if(inventory.writes.begin(), inventory.writes.end(),
                                   [](const WriteRule& w) { return !w.delta_column.empty(); });
  ASSERT_NE(adjust, inventory.writes.end());
  EXPECT_EQ(adjust->null_delta_message, "cannot adjust a NULL quantity by a difference");
  EXPECT_EQ(adjust->batch_key, "actions");
  EXPECT_EQ(adjust->batch_max, 100);
}

TEST(Substitution, AnyDeclaredOptionIsReplacedOnce) {
  Config c;
  c.options["shop_id"] = "42";
  c.options["region"] = "{shop_id}";
  EXPECT_EQ(substitute_config("/s/{shop_id}/r/{region}", c), "/s/42/r/{shop_id}");
  EXPECT_EQ(substitute_config("{\"id\":{shop_id}}", c), "{\"id\":42}");
  EXPECT_EQ(substitute_config("/p/{product_id}/{", c), "/p/{product_id}/{");
  EXPECT_EQ(substitute_config("", c), "");
}

}  // namespace
}  // namespace cfdw
