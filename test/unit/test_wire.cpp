// Unit tests: the wire module (src/engine/wire/) without a server — the one
// `{x}` substitution, a write's path, body and batch envelope, EXPLAIN's
// write line, the conflict lookup, the login request and a request's HTTP form.
#include <gtest/gtest.h>

#include <string>
#include <vector>

#include "engine/error.h"
#include "engine/wire/request.h"
#include "engine/wire/values.h"
#include "engine/wire/writes.h"

namespace cfdw {
namespace {

Table shop() {
  Table t;
  t.name = "things";
  t.columns = {Column{"id", ColType::Int8, "id"}, Column{"name", ColType::Text, "name"}};
  t.key = {"id"};
  WriteRule add;
  add.kind = WriteKind::Insert;
  add.name = "add";
  add.method = "POST";
  add.path = "/shops/{shop_id}/add";
  add.batch_max = 10;
  add.batch_key = "items";
  add.fixed = {{"shop", "{shop_id}"}};
  WriteRule rename;
  rename.kind = WriteKind::Update;
  rename.name = "rename";
  rename.method = "PUT";
  rename.path = "/shops/{shop_id}/things/{id}";
  t.writes = {add, rename};
  Endpoint list;
  list.name = "list";
  list.path = "/things";
  Binding by_name;
  by_name.column = "name";
  by_name.param = "name";
  by_name.ops = kEq;
  by_name.to = BindTo::Query;
  list.bindings = {by_name};
  t.reads = {list};
  t.conflict.column = "name";
  t.conflict.endpoint.name = "list";
  t.conflict.endpoint.index = 0;
  return t;
}

Config shop_config() {
  Config c;
  c.relname = "shop_things";
  c.options["shop_id"] = "42";
  return c;
}

TEST(Substitution, OnePassInsertedTextIsNotSearchedAgain) {
  auto value_of = [](std::string_view name) -> std::optional<std::string> {
    if (name == "a") return std::string("{b}");
    if (name == "b") return std::string("B");
    return std::nullopt;
  };
  EXPECT_EQ(substitute_braces("/{a}/{b}/{c}", value_of), "/{b}/B/{c}");
  EXPECT_EQ(substitute_braces("/x{{b}", value_of), "/x{B");
  EXPECT_EQ(substitute_braces("/{b", value_of), "/{b");
}

TEST(WriteRequests, PathTakesOptionsThenKeyValuesEncoded) {
  const Table t = shop();
  const Config c = shop_config();
  const std::vector<std::string> changed = {"name"};
  WriteRequests rename(t, t.writes[1], c, changed);
  EXPECT_EQ(rename.path({std::string("7"), std::string("x")}, {std::string("a/b"), std::nullopt}),
            "/shops/42/things/a%2Fb");  // the old row's key first
  try {
    rename.path({std::nullopt, std::string("x")}, Row());
    FAIL() << "a NULL key was accepted";
  } catch (const Error& e) {
    EXPECT_EQ(e.sqlstate(), "22023");
    EXPECT_NE(std::string(e.what()).find("column \"id\" of foreign table \"shop_things\" must not be NULL"),
              std::string::npos);
  }
}

TEST(WriteRequests, BatchedRowsGoInTheEnvelopeWithTheFixedMembers) {
  const Table t = shop();
  const Config c = shop_config();
  const std::vector<std::string> changed;
  WriteRequests add(t, t.writes[0], c, changed);
  const ApiRequest one = add.row({std::nullopt, std::string("a")}, Row(), std::nullopt, true);
  EXPECT_EQ(one.display(), "POST /shops/42/add");
  EXPECT_EQ(one.body, R"({"shop":42,"items":[{"name":"a"}]})");
  EXPECT_TRUE(one.expect_data);
  EXPECT_FALSE(one.idempotent);
  const ApiRequest two = add.batch({add.item({std::nullopt, std::string("a")}, Row(), std::nullopt),
                                    add.item({std::nullopt, std::string("b")}, Row(), std::nullopt)},
                                   {std::nullopt, std::string("a")}, false);
  EXPECT_EQ(two.body, R"({"shop":42,"items":[{"name":"a"},{"name":"b"}]})");
  EXPECT_FALSE(two.idempotent);
}

TEST(WriteRequests, ExplainShowsTheRuleItsBatchAndTheConflictLookup) {
  const Table t = shop();
  EXPECT_EQ(describe_write(t, t.writes[0], false, false), "POST /shops/{shop_id}/add (add, up to 10 rows a request)");
  EXPECT_EQ(describe_write(t, t.writes[0], true, true),
            "POST /shops/{shop_id}/add (add, one row a request because of RETURNING or ON CONFLICT); each row "
            "first looked up by name with GET /things");
  EXPECT_EQ(describe_write(t, t.writes[1], false, false), "PUT /shops/{shop_id}/things/{id} (rename)");
}

TEST(ConflictLookup, ReadsByTheConflictColumnAndNeverForNull) {
  const Table t = shop();
  ConflictLookup look;
  EXPECT_FALSE(conflict_lookup(t, {std::nullopt, std::nullopt}, &look));
  ASSERT_TRUE(conflict_lookup(t, {std::nullopt, std::string("Bun")}, &look));
  EXPECT_EQ(look.key, std::vector<int>{1});
  EXPECT_EQ(look.plan.endpoints, std::vector<int>{0});
  ASSERT_EQ(look.values.size(), 1u);
  EXPECT_EQ(look.values[0].values[0], std::optional<std::string>("Bun"));
  EXPECT_EQ(look.needed, (std::vector<bool>{false, true}));
}

TEST(LoginRequest, CarriesCredentialsInTheBodyNeverInItsDisplay) {
  const ApiRequest login = login_request("/auth", {{"email", "e@x"}, {"pwd", "s3cret"}});
  EXPECT_EQ(login.display(), "POST /auth");
  EXPECT_EQ(login.body, R"({"email":"e@x","pwd":"s3cret"})");
  const HttpRequest h = http_request("glocher", "https://api.example/v1/", login);
  EXPECT_EQ(h.url, "https://api.example/v1/auth");
  EXPECT_EQ(h.display, "POST /auth");
  EXPECT_EQ(h.headers, (std::vector<std::string>{"Content-Type: application/json", "Accept: application/json"}));
}

TEST(HttpRequestOf, AnEmptyKeySegmentIsNotSent) {
  ApiRequest r;
  r.path = "/things/";
  try {
    http_request("shop", "https://api.example", r);
    FAIL() << "an empty key was sent";
  } catch (const Error& e) {
    EXPECT_EQ(std::string(e.what()), "shop GET /things/: a key value in the URL path is empty; the request was not sent");
  }
  r.path = "/things/..";
  r.query.add("q", "a b");
  const HttpRequest h = http_request("shop", "https://api.example", r);
  EXPECT_EQ(h.url, "https://api.example/things/%2E%2E?q=a%20b");
  EXPECT_EQ(h.headers, std::vector<std::string>{"Accept: application/json"});
}

}  // namespace
}  // namespace cfdw
