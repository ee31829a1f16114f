// G-Commerce products: the largest declaration of the API, in a file of its
// own (the rest of the API: gcommerce.cpp; docs/gcommerce.md says what each
// condition pushes and what each write calls).
#include "apis/gcommerce.h"

namespace cfdw {
namespace gcommerce {
namespace {

using namespace declare;

// order_ids takes a comma-separated list of no documented length: 100 ids a
// request keep the URL short.
constexpr int kOrderIds = 100;
// products_bulk: "Only 1,000 products can be updated at a time."
constexpr int kBulkMax = 1000;

// A column the API takes on writes but never returns (reads give NULL).
Column write_only(std::string name, ColType type, std::string path) {
  return col(std::move(name), type, std::move(path), ColumnFlag::kWriteOnly);
}

// A filter column: it is no field of the product, it echoes the value of its
// pushed = condition (as a search term does).
Column filter(std::string name, ColType type) { return col(std::move(name), type, "", ColumnFlag::kEcho); }

BodyField yn(std::string key, std::string column) { return field(std::move(key), std::move(column), Format::BoolYN); }

// The product search `q` looked for in the fields whose flag is Y, sent for
// a column's = / LIKE / ILIKE condition (the pattern's longest literal part).
// It matches words anywhere in the field, whatever their case: a superset that
// PostgreSQL rechecks.
std::vector<Binding> search_in(const std::string& column, const std::string& flag) {
  Binding eq = query_eq(column, "q");
  eq.extra = {{flag, "Y"}};
  eq.exact = false;
  Binding like = eq;
  like.ops = kLike | kILike;
  like.format = Format::LikeCore;
  return {eq, like};
}

// products_feed: "Only 10,000 items can be uploaded at a time."
constexpr int kFeedMax = 10000;

// The columns of products: the list's, the single product's (detail), the
// write-only attributes of the bulk endpoints, and the list's filters.
std::vector<Column> product_columns() {
  Column free_shipping = detail_col("free_shipping", ColType::Bool, "free_shipping", kWritable);
  free_shipping.write_format = Format::BoolYN;  // "Y" / "N"
  // The list filters by it (free_shipping=Y/N) without returning it: a row
  // found through that filter takes the condition's value.
  free_shipping.flags |= unsigned(ColumnFlag::kFill);
  Column avail_since = detail_col("avail_since", ColType::TimestampTz, "avail_since", kWritable, Format::EpochSeconds);
  avail_since.write_format = Format::EpochSeconds;
  return {
      col("product_id", ColType::Int8, "product_id", ColumnFlag::kReadOnly),
      col("product", ColType::Text, "product"),
      col("product_code", ColType::Text, "product_code"),
      col("product_upc_code", ColType::Text, "product_upc_code"),
      col("status", ColType::Text, "status"),
      col("amount", ColType::Int4, "amount"),
      col("min_qty", ColType::Int4, "min_qty"),
      col("weight", ColType::Numeric, "weight"),
      col("price", ColType::Numeric, "price"),
      epoch("created_at", "timestamp"),
      col("category_ids", ColType::Int8Array, "category_ids"),
      col("main_category", ColType::Int8, "main_category"),
      detail_col("full_description", ColType::Text, "full_description", kWritable),
      detail_col("list_price", ColType::Numeric, "list_price", kWritable),
      free_shipping,
      // The rest of the single-object answer and of the create/update fields.
      detail_col("short_description", ColType::Text, "short_description"),
      detail_col("shortname", ColType::Text, "shortname"),
      detail_col("lang_code", ColType::Text, "lang_code", kWritable),
      detail_col("page_title", ColType::Text, "page_title", kWritable),
      detail_col("meta_description", ColType::Text, "meta_description", kWritable),
      detail_col("meta_keywords", ColType::Text, "meta_keywords"),
      detail_col("search_words", ColType::Text, "search_words"),
      detail_col("promo_text", ColType::Text, "promo_text"),
      detail_col("product_notice", ColType::Text, "product_notice"),
      detail_col("age_warning_message", ColType::Text, "age_warning_message"),
      detail_col("ebay_title", ColType::Text, "ebay_title"),
      detail_col("ebay_description", ColType::Text, "ebay_description"),
      avail_since,
      detail_col("image_path", ColType::Text, "main_pair.detailed.image_path", kWritable),
      detail_col("main_pair", ColType::Jsonb, "main_pair", kWritable),
      detail_col("image_pairs", ColType::Jsonb, "image_pairs", kWritable),
      detail_col("product_features", ColType::Jsonb, "product_features"),
      detail_col("inventory_location", ColType::Text, "inventory_location"),
      detail_col("external_product_id", ColType::Text, "external_product_id"),
      detail_col("featured", ColType::Bool, "featured"),
      detail_col("average_rating", ColType::Numeric, "average_rating"),
      detail_col("list_qty_count", ColType::Int4, "list_qty_count"),
      detail_col("shipping_freight", ColType::Numeric, "shipping_freight"),
      detail_col("min_items_in_box", ColType::Int4, "min_items_in_box"),
      detail_col("max_items_in_box", ColType::Int4, "max_items_in_box"),
      detail_col("box_length", ColType::Int4, "box_length"),
      detail_col("box_width", ColType::Int4, "box_width"),
      detail_col("box_height", ColType::Int4, "box_height"),
      detail_col("override", ColType::Jsonb, "override"),
      detail_col("premoderation_reason", ColType::Text, "premoderation_reason"),
      // Attributes that products_bulk and products_feed take; no answer returns them.
      write_only("unit_of_measure", ColType::Text, "unit_of_measure"),
      write_only("manufacturer_name", ColType::Text, "manufacturer_name"),
      write_only("manufacturer_part_number", ColType::Text, "manufacturer_part_number"),
      write_only("country_of_origin", ColType::Text, "country_of_origin"),
      write_only("unspsc", ColType::Text, "unspsc"),
      write_only("eccn", ColType::Text, "eccn"),
      write_only("abilityone", ColType::Bool, "abilityone"),
      write_only("brand", ColType::Text, "brand"),
      write_only("made_in_usa", ColType::Bool, "made_in_usa"),
      write_only("green_product", ColType::Bool, "green_product"),
      write_only("images", ColType::TextArray, "images"),
      // Filters of the product list that are no field of a product.
      filter("search", ColType::Text),
      filter("category_tree", ColType::Int8),
      filter("order_id", ColType::Int8),
      raw(),
  };
}

// The product list's filters and sorts, and the single product.
std::vector<Endpoint> product_reads() {
  // One request carries one `q`: a name, code or description condition, or
  // `search`, whichever comes first, uses it.
  Binding code = query_eq("product_code", "q");
  code.extra = {{"pcode", "Y"}};
  code.exact = false;
  std::vector<Binding> bindings = {code};
  for (auto& b : search_in("product", "pname")) bindings.push_back(b);
  // search = 'term': the API's search of names and short and full descriptions.
  Binding search = query_eq("search", "q");
  search.extra = {{"pname", "Y"}, {"pshort", "Y"}, {"pfull", "Y"}};
  bindings.push_back(search);
  for (auto& b : search_in("short_description", "pshort")) bindings.push_back(b);
  for (auto& b : search_in("full_description", "pfull")) bindings.push_back(b);
  // cid: the products of a category, whether it is their main one or not;
  // category_tree = c: those of c and of every category below it (subcats=Y).
  Binding main_category = query_eq("main_category", "cid");
  main_category.exact = false;
  Binding in_category = query_eq("category_ids", "cid");
  in_category.ops = kContains;
  Binding tree = query_eq("category_tree", "cid");
  tree.extra = {{"subcats", "Y"}};
  Binding free = query_eq("free_shipping", "free_shipping");
  free.format = Format::BoolYN;
  // order_ids: "Comma-separated list of order IDs" (1,13,24): an IN list is
  // one request, up to kOrderIds orders. Its rows do not say which order they
  // were found in (order_id echoes a single order, else reads NULL), so the
  // condition is the API's to apply and is not rechecked.
  Binding orders = query_in("order_id", "order_ids");
  orders.chunk = kOrderIds;
  orders.join = ",";
  orders.authoritative = true;
  for (auto& b : std::vector<Binding>{lower("amount", "amount_from"), upper("amount", "amount_to"),
                                      lower("price", "price_from"), upper("price", "price_to"), in_category,
                                      main_category, tree, query_in("status", "status"), free, orders})
    bindings.push_back(b);
  return {
      one("products", "product_id"),
      sorted_list("products", bindings,
                  {{"product", "product"},
                   {"price", "price"},
                   {"product_code", "code"},
                   {"amount", "amount"},
                   {"status", "status"}}),
  };
}

// Create, feed, bulk update, update and delete.
std::vector<WriteRule> product_writes() {
  // The fields POST /products and PUT /products/:id take, in column order
  // (written as each column's own path and format declares).
  const std::vector<BodyField> product_fields = {
      field("product", "product"),
      field("product_code", "product_code"),
      field("product_upc_code", "product_upc_code"),
      field("status", "status"),
      field("amount", "amount"),
      field("min_qty", "min_qty"),
      field("weight", "weight"),
      field("price", "price"),
      field("category_ids", "category_ids"),
      field("main_category", "main_category"),
      field("full_description", "full_description"),
      field("list_price", "list_price"),
      yn("free_shipping", "free_shipping"),
      field("lang_code", "lang_code"),
      field("page_title", "page_title"),
      field("meta_description", "meta_description"),
      field("avail_since", "avail_since", Format::EpochSeconds),
      field("main_pair", "main_pair"),
      field("main_pair.detailed.image_path", "image_path"),
      field("image_pairs", "image_pairs"),
  };
  std::vector<std::string> product_columns;
  for (const auto& f : product_fields) product_columns.push_back(f.column);

  // Stock, price and the marketplace attributes of many products at once:
  // 1000 a request, sent as the rows come and at the end of the statement.
  const std::vector<std::string> bulk_columns = {"amount",
                                                 "price",
                                                 "product_upc_code",
                                                 "abilityone",
                                                 "unit_of_measure",
                                                 "manufacturer_name",
                                                 "manufacturer_part_number",
                                                 "country_of_origin",
                                                 "unspsc",
                                                 "eccn"};
  const WriteRule bulk =
      update("bulk update", bulk_columns)
          .request("POST", "/products_bulk")
          .body({field("product_id", "product_id", kRequired), field("vendor_price", "price"),
                 field("amount", "amount"), field("upc", "product_upc_code"), yn("abilityone", "abilityone"),
                 field("unit_of_measure", "unit_of_measure"), field("manufacturer_name", "manufacturer_name"),
                 field("manufacturer_part_number", "manufacturer_part_number"),
                 field("country_of_origin", "country_of_origin"), field("unspsc", "unspsc"), field("eccn", "eccn")})
          .batched("", kBulkMax)  // a bare JSON array
          .returning({{"product_id", "product_id"}})
          .proof_each("", {"product_id"});

  // insert_via 'feed': rows go to the bulk upload, up to 10,000 a request. The
  // API queues them and answers with a queue id (the products appear when the
  // queue is processed), so no row can be returned.
  BodyField categories = field("category_ids", "category_ids");
  categories.join = ",";
  BodyField images = field("images", "images");
  images.join = "///";
  const WriteRule feed = insert("feed")
                             .request("POST", "/products_feed")
                             .body({field("product", "product"),
                                    field("full_description", "full_description"),
                                    field("code", "product_code"),
                                    field("price", "price"),
                                    field("amount", "amount"),
                                    field("unit_of_measure", "unit_of_measure"),
                                    field("manufacturer_name", "manufacturer_name"),
                                    field("manufacturer_part_number", "manufacturer_part_number"),
                                    field("country_of_origin", "country_of_origin"),
                                    field("upc", "product_upc_code"),
                                    field("unspsc", "unspsc"),
                                    field("eccn", "eccn"),
                                    categories,
                                    images,
                                    field("weight", "weight"),
                                    yn("free_shipping", "free_shipping"),
                                    field("brand", "brand"),
                                    yn("abilityone", "abilityone"),
                                    yn("made_in_usa", "made_in_usa"),
                                    yn("green_product", "green_product")})
                             .batched("items", kFeedMax)
                             .when_option("insert_via", "feed")
                             .without_returning(
                                 "With insert_via 'feed' the products go to POST /products_feed, which queues them "
                                 "and answers with a queue id, not with the products or their ids.")
                             .keyed({"product_code"})
                             .proof("queue_id");
  const Returning id = {{"product_id", "product_id"}};
  return {
      insert("create")
          .request("POST", "/products")
          .body(product_fields)
          .returning(id)
          .keyed({"product_code"})
          .proof("product_id"),
      feed,
      bulk,
      // The default body: the columns the UPDATE sets, each by its path and format
      // (no old values, so an UPDATE never reads unread detail columns for it).
      update("update", product_columns).request("PUT", "/products/{product_id}").returning(id).proof("product_id"),
      remove("delete").request("DELETE", "/products/{product_id}"),
  };
}

}  // namespace

Table products() {
  Table t;
  t.name = "products";
  t.columns = product_columns();
  t.reads = product_reads();
  t.detail = "by id";
  t.key = {"product_id"};
  t.writes = product_writes();
  t.est_rows = 1000;
  return t;
}

}  // namespace gcommerce
}  // namespace cfdw
