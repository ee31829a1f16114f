// G-Commerce Marketplace (a CS-Cart Multi-Vendor marketplace): https://gcommerce.glass/api
//
// Basic auth with the vendor admin's email and API key; list envelopes
// {<resource>: [...], params: {page, items_per_page, ..., total_items}} paged
// with page/items_per_page; numbers and epoch-second timestamps arrive as
// strings; an order's products are an object keyed by item id. The API allows
// 10 requests a minute, so every table here is declared to cost as few
// requests as possible: filters, sorting and LIMIT go to the API, detail
// columns are fetched only when a query reads them, and stock/price updates go
// through the 1000-row bulk endpoint.
// See docs/gcommerce.md for what each table pushes down and what each write calls.
#include "apis/apis.h"
#include "apis/declare.h"
#include "engine/run/session.h"
#include "engine/wire/url.h"

namespace cfdw {
namespace {

using namespace declare;

// The documentation gives no maximum for items_per_page (its default is 10);
// 100 is the largest page we ask for: big enough that a catalogue of a few
// thousand products is read in a few dozen requests, small enough to stay
// clear of the API's "more objects than the allowed maximum" answer (413).
constexpr int kPageSize = 100;
// order_ids takes a comma-separated list of no documented length: 100 ids a
// request keep the URL short.
constexpr int kOrderIds = 100;
// products_bulk: "Only 1,000 products can be updated at a time."
constexpr int kBulkMax = 1000;

Paging gcommerce_paging() {
  Paging p;
  p.style = PagingStyle::PageSize;
  p.page_param = "page";
  p.size_param = "items_per_page";
  p.first_page = 1;
  p.max_size = kPageSize;
  // No has-more flag: paging stops once total_items rows came, or on a short page.
  p.total_path = "params.total_items";
  return p;
}

// GET /<resource>: the rows under the resource's name.
Endpoint list(const std::string& resource, std::vector<Binding> bindings) {
  Endpoint e = endpoint("list", "GET", "/" + resource, resource, Shape::List, std::move(bindings));
  e.paging = gcommerce_paging();
  return e;
}

// GET /<resource>/:id: one object with every field (the detail columns too).
Endpoint one(const std::string& resource, const std::string& key) {
  Endpoint e = endpoint("by id", "GET", "/" + resource + "/{" + key + "}", "", Shape::Object, {path_eq(key, key)});
  e.has_detail = true;
  return e;
}

void sort_by(Endpoint& e, std::vector<std::pair<std::string, std::string>> sorts) {
  e.sort_param = "sort_by";
  e.order_param = "sort_order";
  e.sorts = std::move(sorts);
}

// A time the API sets, sent as a string of epoch seconds.
Column epoch(std::string name, std::string path) {
  return col(std::move(name), ColType::TimestampTz, std::move(path), ColumnFlag::kReadOnly, Format::EpochSeconds);
}

// A column only the single-object endpoint returns; read-only unless the API takes it on writes.
enum Writable { kReadOnly, kWritable };
Column detail_col(std::string name, ColType type, std::string path, Writable writable = kReadOnly,
                  Format decode = Format::Plain) {
  Column c = col(std::move(name), type, std::move(path), ColumnFlag::kDetail, decode);
  if (writable == kReadOnly) c.flags |= unsigned(ColumnFlag::kReadOnly);
  return c;
}

// The billing (b_) or shipping (s_) address fields of an order's detail object.
void add_address(std::vector<Column>& cols, const std::string& prefix, bool with_company, bool with_email) {
  std::vector<std::string> fields = {"firstname", "lastname", "address", "address_2", "city",
                                     "county",    "state",    "country", "zipcode",   "phone"};
  if (with_company) fields.insert(fields.begin(), "company");
  if (with_email) fields.push_back("email");
  for (const auto& f : fields) cols.push_back(detail_col(prefix + f, ColType::Text, prefix + f));
}

// email =: the API compares emails without regard to case, a superset of
// PostgreSQL's = (which rechecks), so a LIMIT is not sent along.
Binding email_eq() {
  Binding b = query_eq("email", "email");
  b.exact = false;
  return b;
}

Table categories() {
  Table t;
  t.name = "categories";
  t.columns = {
      col("category_id", ColType::Int8, "category_id"),
      col("category", ColType::Text, "category"),
      col("status", ColType::Text, "status"),
      detail_col("parent_id", ColType::Int8, "parent_id"),
      detail_col("id_path", ColType::Text, "id_path"),
      detail_col("level", ColType::Int4, "level"),
      detail_col("description", ColType::Text, "description"),
      detail_col("lang_code", ColType::Text, "lang_code"),
      raw(),
  };
  t.reads = {one("categories", "category_id"), list("categories", {})};
  t.detail = "by id";
  t.est_rows = 100;
  return t;
}

// A column the API takes on writes but never returns (reads give NULL).
Column write_only(std::string name, ColType type, std::string path) {
  return col(std::move(name), type, std::move(path), ColumnFlag::kWriteOnly);
}

// A filter column: it is no field of the product, it echoes the value of its
// pushed = condition (as a search term does).
Column filter(std::string name, ColType type) { return col(std::move(name), type, "", ColumnFlag::kEcho); }

BodyField yn(std::string key, std::string column) {
  return field(std::move(key), std::move(column), Format::BoolYN);
}

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

Table products() {
  Table t;
  t.name = "products";
  Column free_shipping = detail_col("free_shipping", ColType::Bool, "free_shipping", kWritable);
  free_shipping.write_format = Format::BoolYN;  // "Y" / "N"
  // The list filters by it (free_shipping=Y/N) without returning it: a row
  // found through that filter takes the condition's value.
  free_shipping.flags |= unsigned(ColumnFlag::kFill);
  Column avail_since = detail_col("avail_since", ColType::TimestampTz, "avail_since", kWritable, Format::EpochSeconds);
  avail_since.write_format = Format::EpochSeconds;
  t.columns = {
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
  Endpoint all = list("products", bindings);
  sort_by(all, {{"product", "product"}, {"price", "price"}, {"product_code", "code"}, {"amount", "amount"},
                {"status", "status"}});
  t.reads = {one("products", "product_id"), all};
  t.detail = "by id";
  t.key = {"product_id"};

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
  const std::vector<std::string> bulk_columns = {"amount",           "price",      "product_upc_code",
                                                 "abilityone",       "unit_of_measure", "manufacturer_name",
                                                 "manufacturer_part_number", "country_of_origin", "unspsc", "eccn"};
  WriteRule bulk = update("bulk update", bulk_columns, "POST", "/products_bulk",
                          {field("product_id", "product_id", kRequired), field("vendor_price", "price"),
                           field("amount", "amount"), field("upc", "product_upc_code"), yn("abilityone", "abilityone"),
                           field("unit_of_measure", "unit_of_measure"), field("manufacturer_name", "manufacturer_name"),
                           field("manufacturer_part_number", "manufacturer_part_number"),
                           field("country_of_origin", "country_of_origin"), field("unspsc", "unspsc"),
                           field("eccn", "eccn")},
                          "", {{"product_id", "product_id"}});
  bulk.batch_max = kBulkMax;
  bulk.batch_key = "";

  // insert_via 'feed': rows go to the bulk upload, up to 10,000 a request. The
  // API queues them and answers with a queue id (the products appear when the
  // queue is processed), so no row can be returned.
  BodyField categories = field("category_ids", "category_ids");
  categories.join = ",";
  BodyField images = field("images", "images");
  images.join = "///";
  WriteRule feed = insert("feed", "POST", "/products_feed",
                          {field("product", "product"), field("full_description", "full_description"),
                           field("code", "product_code"), field("price", "price"), field("amount", "amount"),
                           field("unit_of_measure", "unit_of_measure"), field("manufacturer_name", "manufacturer_name"),
                           field("manufacturer_part_number", "manufacturer_part_number"),
                           field("country_of_origin", "country_of_origin"), field("upc", "product_upc_code"),
                           field("unspsc", "unspsc"), field("eccn", "eccn"), categories, images,
                           field("weight", "weight"), yn("free_shipping", "free_shipping"), field("brand", "brand"),
                           yn("abilityone", "abilityone"), yn("made_in_usa", "made_in_usa"),
                           yn("green_product", "green_product")},
                          "", {});
  feed.batch_max = kFeedMax;
  feed.batch_key = "items";
  feed.option = "insert_via";
  feed.option_value = "feed";
  feed.no_returning =
      "With insert_via 'feed' the products go to POST /products_feed, which queues them and answers with a queue "
      "id, not with the products or their ids.";
  const Returning id = {{"product_id", "product_id"}};
  t.writes = {
      keyed({"product_code"}, insert("create", "POST", "/products", product_fields, "", id)),
      keyed({"product_code"}, feed),
      bulk,
      // The default body: the columns the UPDATE sets, each by its path and format
      // (no old values, so an UPDATE never reads unread detail columns for it).
      update("update", product_columns, "PUT", "/products/{product_id}", {}, "", id),
      remove("delete", "DELETE", "/products/{product_id}"),
  };
  proves(t, "create", "product_id");
  proves(t, "feed", "queue_id");
  proves_each(t, "bulk update", "", {"product_id"});
  proves(t, "update", "product_id");
  t.est_rows = 1000;
  return t;
}

Table orders() {
  Table t;
  t.name = "orders";
  t.columns = {
      col("order_id", ColType::Int8, "order_id", ColumnFlag::kReadOnly),
      epoch("created_at", "timestamp"),
      col("user_id", ColType::Int8, "user_id", ColumnFlag::kReadOnly),
      col("firstname", ColType::Text, "firstname", ColumnFlag::kReadOnly),
      col("lastname", ColType::Text, "lastname", ColumnFlag::kReadOnly),
      col("email", ColType::Text, "email", ColumnFlag::kReadOnly),
      col("phone", ColType::Text, "phone", ColumnFlag::kReadOnly),
      col("status", ColType::Text, "status"),
      col("total", ColType::Numeric, "total", ColumnFlag::kReadOnly),
      detail_col("subtotal", ColType::Numeric, "subtotal"),
      detail_col("discount", ColType::Numeric, "discount"),
      detail_col("shipping_cost", ColType::Numeric, "shipping_cost"),
      detail_col("notes", ColType::Text, "notes"),
      detail_col("updated_at", ColType::TimestampTz, "updated_at", kReadOnly, Format::EpochSeconds),
  };
  add_address(t.columns, "b_", false, false);
  add_address(t.columns, "s_", false, false);
  t.columns.push_back(detail_col("payment_method", ColType::Jsonb, "payment_method"));
  t.columns.push_back(detail_col("shipping", ColType::Jsonb, "shipping"));
  t.columns.push_back(detail_col("products", ColType::Jsonb, "products"));
  // The rest of the single-object answer, field by field.
  for (Column c : std::vector<Column>{
           detail_col("shipping_ids", ColType::Int8Array, "shipping_ids"),  // "44" or "44,45"
           detail_col("payment_id", ColType::Int8, "payment_id"),
           detail_col("total_weight", ColType::Numeric, "total_weight"),
           detail_col("subtotal_discount", ColType::Numeric, "subtotal_discount"),
           detail_col("payment_surcharge", ColType::Numeric, "payment_surcharge"),
           detail_col("tax_subtotal", ColType::Numeric, "tax_subtotal"),
           detail_col("display_subtotal", ColType::Numeric, "display_subtotal"),
           detail_col("display_shipping_cost", ColType::Numeric, "display_shipping_cost"),
           detail_col("secondary_currency", ColType::Text, "secondary_currency"),
           detail_col("need_shipping", ColType::Bool, "need_shipping"),
           detail_col("shipment_ids", ColType::Int8Array, "shipment_ids"),
           detail_col("promotion_ids", ColType::Int8Array, "promotion_ids"),
           detail_col("promotions", ColType::Jsonb, "promotions"),
           detail_col("taxes", ColType::Jsonb, "taxes"),
           detail_col("payment_info", ColType::Jsonb, "payment_info"),
           detail_col("details", ColType::Text, "details"),
           detail_col("lang_code", ColType::Text, "lang_code"),
           detail_col("repaid", ColType::Int4, "repaid"),
           detail_col("validation_code", ColType::Text, "validation_code"),
           detail_col("po_number", ColType::Text, "po_number"),
           detail_col("payment_terms", ColType::Text, "payment_terms"),
           detail_col("fax", ColType::Text, "fax"),
           detail_col("url", ColType::Text, "url"),
           detail_col("s_address_type", ColType::Text, "s_address_type"),
           detail_col("b_country_descr", ColType::Text, "b_country_descr"),
           detail_col("b_state_descr", ColType::Text, "b_state_descr"),
           detail_col("s_country_descr", ColType::Text, "s_country_descr"),
           detail_col("s_state_descr", ColType::Text, "s_state_descr"),
       })
    t.columns.push_back(c);
  t.columns.push_back(raw());

  Endpoint all = list("orders", {query_in("status", "status"), email_eq(),
                                 query_in("user_id", "user_id")});
  sort_by(all, {{"created_at", "date"}});
  t.reads = {one("orders", "order_id"), all};
  t.detail = "by id";
  t.key = {"order_id"};
  // Accepting (K) or any other status change; the body carries only the status.
  t.writes = {update("status", {"status"}, "PUT", "/order_status/{order_id}", {field("status", "status", kRequired)}, "",
                     {{"order_id", "order_id"}})};
  proves(t, "status", "order_id");
  t.no_delete_reason = "the G-Commerce API has no way to delete an order";
  t.est_rows = 1000;
  return t;
}

Table order_items() {
  Table t;
  t.name = "order_items";
  t.columns = {
      col("order_id", ColType::Int8, "order_id", ColumnFlag::kFill),
      col("item_id", ColType::Int8, "item_id"),
      col("product_id", ColType::Int8, "product_id"),
      col("product_code", ColType::Text, "product_code"),
      col("product", ColType::Text, "product"),
      col("price", ColType::Numeric, "price"),
      col("amount", ColType::Int4, "amount"),
      col("product_status", ColType::Text, "product_status"),
      raw(),
  };
  // The items are the values of the order's `products` object, keyed by item id.
  t.reads = {endpoint("order", "GET", "/orders/{order_id}", "products", Shape::ObjectMap,
                      {path_eq("order_id", "order_id")})};
  t.required = {"order_id"};
  t.required_hint =
      "Add WHERE order_id = ... (or order_id IN (...)), or join on order_id, as in "
      "gcommerce_orders o JOIN gcommerce_order_items i ON i.order_id = o.order_id; each order is one request.";
  t.no_delete_reason = "order items are read from their order";
  t.est_rows = 3;
  return t;
}

Table purchase_orders() {
  Table t;
  t.name = "purchase_orders";
  t.columns = {
      col("purchase_order_id", ColType::Int8, "purchase_order_id"),
      epoch("created_at", "timestamp"),
      col("status", ColType::Text, "status"),
      col("subtotal", ColType::Numeric, "subtotal"),
      col("total", ColType::Numeric, "total"),
      col("firstname", ColType::Text, "firstname"),
      col("lastname", ColType::Text, "lastname"),
      col("email", ColType::Text, "email"),
      col("phone", ColType::Text, "phone"),
      // The list filters by user_id but no response carries it: the column
      // echoes the value of a user_id = condition.
      col("user_id", ColType::Int8, "", ColumnFlag::kEcho),
      detail_col("notes", ColType::Text, "notes"),
      detail_col("products", ColType::Jsonb, "products"),
      detail_col("shipping", ColType::Jsonb, "shipping"),
  };
  add_address(t.columns, "b_", true, true);
  add_address(t.columns, "s_", true, false);
  t.columns.push_back(raw());
  Endpoint all = list("purchase_orders", {query_in("status", "status"), email_eq(), query_eq("user_id", "user_id")});
  // The list answers sort_by "date" by default: ORDER BY created_at goes to the API.
  sort_by(all, {{"created_at", "date"}});
  t.reads = {one("purchase_orders", "purchase_order_id"), all};
  t.detail = "by id";
  t.est_rows = 500;
  return t;
}

Table shipments() {
  Table t;
  t.name = "shipments";
  t.columns = {
      col("shipment_id", ColType::Int8, "shipment_id", ColumnFlag::kReadOnly),
      epoch("created_at", "shipment_timestamp"),
      col("comments", ColType::Text, "comments"),
      col("status", ColType::Text, "status"),
      col("order_id", ColType::Int8, "order_id"),
      epoch("order_created_at", "order_timestamp"),
      col("s_firstname", ColType::Text, "s_firstname", ColumnFlag::kReadOnly),
      col("s_lastname", ColType::Text, "s_lastname", ColumnFlag::kReadOnly),
      col("firstname", ColType::Text, "firstname", ColumnFlag::kReadOnly),
      col("lastname", ColType::Text, "lastname", ColumnFlag::kReadOnly),
      col("company", ColType::Text, "company", ColumnFlag::kReadOnly),
      col("shipping_id", ColType::Int8, "shipping_id"),
      col("shipping", ColType::Text, "shipping", ColumnFlag::kReadOnly),
      col("tracking_number", ColType::Text, "tracking_number"),
      col("carrier", ColType::Text, "carrier"),
      col("products", ColType::Jsonb, "products"),  // item id -> quantity
      col("tracking_url", ColType::Text, "carrier_info.tracking_url", ColumnFlag::kReadOnly),
      // Sent when shipping (the order's new status), never returned.
      col("order_status", ColType::Text, "order_status", ColumnFlag::kWriteOnly),
      col("carrier_name", ColType::Text, "carrier_info.name", ColumnFlag::kReadOnly),
      col("group_key", ColType::Int4, "group_key", ColumnFlag::kReadOnly),
      col("one_full", ColType::Bool, "one_full", ColumnFlag::kReadOnly),
      // Only the single shipment carries the customer's id.
      detail_col("user_id", ColType::Int8, "user_id"),
      raw(),
  };
  Endpoint all = list("shipments", {query_in("order_id", "order_id"), query_in("status", "status")});
  // Sort names: status (documented) and id (the list's default sort_by).
  sort_by(all, {{"status", "status"}, {"shipment_id", "id"}});
  t.reads = {one("shipments", "shipment_id"), all};
  t.detail = "by id";
  t.key = {"shipment_id"};
  t.writes = {
      // Shipping an order: products maps the order's item ids to quantities;
      // order_status (say 'J', shipped) moves the order along in the same call.
      keyed({"order_id"}, insert("ship", "POST", "/shipments",
             {field("order_id", "order_id", kRequired), field("products", "products", kRequired),
              field("carrier", "carrier"), field("shipping_id", "shipping_id"),
              field("tracking_number", "tracking_number"), field("comments", "comments"),
              field("status", "status"), field("order_status", "order_status")},
             "", {{"shipment_id", "shipment_id"}})),
      update("status", {"status"}, "PUT", "/shipments/{shipment_id}", {field("status", "status", kRequired)}, "",
             {{"shipment_id", "shipment_id"}}),
      remove("delete", "DELETE", "/shipments/{shipment_id}"),
  };
  proves(t, "ship", "shipment_id");
  proves(t, "status", "shipment_id");
  t.est_rows = 500;
  return t;
}

class GCommerce : public Api {
 public:
  GCommerce() {
    name = "gcommerce";
    default_base_url = "https://gcommerce.glass/api";
    // insert_via 'feed': INSERTs into products go to the bulk upload (products_feed).
    options = {secret("email"), secret("api_key"), one_of("insert_via", {"create", "feed"})};
    // "The Marketplace API supports a limit of 10 requests per minute": spread
    // evenly (no burst), as nothing says how the API counts its minute.
    default_rate_per_minute = 10;
    default_burst = 1;
    default_concurrency = 1;
    default_max_requests = 100;  // ten minutes at 10 a minute
    tables = {categories(), products(), orders(), order_items(), purchase_orders(), shipments()};
  }

  void authenticate(Session& session, HttpRequest& req) const override {
    const auto& s = session.config().secrets;
    req.headers.push_back("Authorization: Basic " + base64_encode(s.at("email") + ":" + s.at("api_key")));
  }

  // The seed's error table: "509 Bandwidth Limit Exceeded -- The
  // requests-per-hour limitations for the API have been reached" (a refusal:
  // the request did not run), and "413 Request Entity Too Large -- The client
  // requests more objects than the allowed maximum is".
  bool status_note(long status, const ApiRequest& req, const Config& cfg, StatusNote* note) const override {
    if (status == 509) {
      const long per_hour = long(cfg.rate_limit_per_hour);
      note->message = "the API's requests-per-hour limit was reached" +
                      (per_hour > 0 ? " (rate_limit_per_hour is " + std::to_string(per_hour) + ")"
                                    : std::string(" (rate_limit_per_hour is not set)"));
      note->hint =
          "G-Commerce counts requests per hour besides the 10 a minute: retry after the hour's window has passed "
          "(within the next hour), spread scheduled jobs over the hour instead of running them together, and set "
          "rate_limit_per_hour on server \"" + cfg.server + "\" below the account's hourly limit so that requests "
          "are paced ahead of it.";
      note->refused = true;
      return true;
    }
    if (status == 413) {
      for (const auto& [name, value] : req.query.items())
        if (name == "items_per_page") {
          note->message = "the page size sent was items_per_page=" + value;
          note->hint = "Lower the page_size option of the foreign table \"" + cfg.relname + "\" or server \"" +
                       cfg.server + "\" below " + value + ".";
          note->refused = true;
          return true;
        }
      if (!req.body.empty()) {
        note->message = "the request carried more objects than the API allows";
        note->hint = "Lower the batch_size option of the foreign table \"" + cfg.relname + "\" or server \"" +
                     cfg.server + "\".";
        note->refused = true;
        return true;
      }
    }
    return false;
  }
};

}  // namespace

Api* gcommerce_api() {
  static GCommerce api;
  return &api;
}

}  // namespace cfdw
