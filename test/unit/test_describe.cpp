// Catalog comments and updatability generated from the declarations (describe.cpp).
#include <gtest/gtest.h>

#include "engine/declare/api.h"

namespace cfdw {
namespace {

const Table& table(const std::string& api, const std::string& name) { return *find_api(api)->table(name); }

bool has(const std::string& text, const std::string& part) { return text.find(part) != std::string::npos; }

TEST(Describe, EveryTableAndColumnOfEveryApiHasAComment) {
  for (const Api* api : all_apis())
    for (const Table& t : api->tables) {
      EXPECT_TRUE(has(describe_table(api->name, t), "resource \"" + t.name + "\"")) << t.name;
      for (const Column& c : t.columns) EXPECT_FALSE(describe_column(t, c).empty()) << t.name << "." << c.name;
    }
}

TEST(Describe, AColumnSaysWhereItComesFromAndWhatPushes) {
  const Table& inv = table("glance", "inventory");
  const std::string wh = describe_column(inv, *inv.column("warehouse_id"));
  EXPECT_TRUE(has(wh, "Remote field, first present of: warehouse.id,warehouseId, read as bigint")) << wh;
  EXPECT_TRUE(has(wh, "=/IN -> warehouseId of GET /inventory")) << wh;
  const std::string id = describe_column(inv, *inv.column("id"));
  EXPECT_TRUE(has(id, "=/IN -> path of GET /inventory/{id}")) << id;
  EXPECT_TRUE(has(id, "Identifies the row")) << id;
  EXPECT_TRUE(has(describe_column(inv, *inv.column("search")), "echoes"));
  EXPECT_TRUE(has(describe_column(inv, *inv.column("product_name")), "Read-only"));
}

TEST(Describe, DetailRequiredAndWriteOnlyColumnsSaySo) {
  const Table& products = table("gcommerce", "products");
  EXPECT_TRUE(has(describe_column(products, *products.column("full_description")), "Detail-only"));
  const Table& items = table("gcommerce", "order_items");
  EXPECT_TRUE(has(describe_column(items, *items.column("order_id")), "Required: a query must constrain it"));
  EXPECT_TRUE(has(describe_table("gcommerce", items), "Required condition: order_id"));
  const Table& shipments = table("gcommerce", "shipments");
  EXPECT_TRUE(has(describe_column(shipments, *shipments.column("order_status")), "Write-only"));
}

TEST(Describe, WritesFollowTheWriteRules) {
  const Table& adj = table("glance", "inventory_adjustments");
  EXPECT_TRUE(table_writes(adj, WriteKind::Insert));
  EXPECT_FALSE(table_writes(adj, WriteKind::Update));
  EXPECT_FALSE(table_writes(adj, WriteKind::Delete));
  EXPECT_TRUE(has(describe_table("glance", adj), "Insert-only"));
  const Table& products = table("extend", "products");
  EXPECT_FALSE(table_writes(products, WriteKind::Insert) || table_writes(products, WriteKind::Update) ||
               table_writes(products, WriteKind::Delete));
  EXPECT_TRUE(has(describe_table("extend", products), "Read-only"));
  const Table& inv = table("glance", "inventory");
  EXPECT_TRUE(has(describe_table("glance", inv), "UPDATE POST /inventory/adjust (SET quantity = quantity +/- n; "
                                                 "batched, up to 100 rows a request)"));
}

}  // namespace
}  // namespace cfdw
