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
#include "engine/url.h"

namespace cfdw {
namespace {

using namespace declare;

// The documentation gives no maximum for items_per_page (its default is 10);
// 100 is the largest page we ask for: big enough that a catalogue of a few
// thousand products is read in a few dozen requests, small enough to stay
// clear of the API's "more objects than the allowed maximum" answer (413).
constexpr int kPageSize = 100;
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
  return col(std::move(name), ColType::TimestampTz, std::move(path), ColumnFlag::kReadOnly, Decode::EpochSeconds);
}

// A column only the single-object endpoint returns; read-only unless the API takes it on writes.
Column detail_col(std::string name, ColType type, std::string path, bool writable = false,
                  Decode decode = Decode::Plain) {
  Column c = col(std::move(name), type, std::move(path), ColumnFlag::kDetail, decode);
  if (!writable) c.flags |= unsigned(ColumnFlag::kReadOnly);
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
  t.detail = 0;
  t.est_rows = 100;
  return t;
}

Table products() {
  Table t;
  t.name = "products";
  Column free_shipping = detail_col("free_shipping", ColType::Bool, "free_shipping", true);
  free_shipping.write_format = json::WriteFormat::BoolYN;  // "Y" / "N"
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
      detail_col("full_description", ColType::Text, "full_description", true),
      detail_col("list_price", ColType::Numeric, "list_price", true),
      free_shipping,
      raw(),
  };

  // The product search: `q` is looked for in the fields whose flag is Y. It
  // matches words anywhere in the field, whatever their case, so it returns a
  // superset of an = or LIKE condition, which PostgreSQL then rechecks. One
  // request carries one `q`: a name and a code condition cannot both use it.
  Binding code = query_eq("product_code", "q");
  code.extra = {{"pcode", "Y"}};
  code.exact = false;
  Binding name_eq = query_eq("product", "q");
  name_eq.extra = {{"pname", "Y"}};
  name_eq.exact = false;
  Binding name_like = name_eq;
  name_like.ops = kLike | kILike;
  name_like.format = ValueFormat::LikeCore;
  // cid: the products of a category, whether it is their main one or not.
  Binding main_category = query_eq("main_category", "cid");
  main_category.exact = false;
  Binding in_category = query_eq("category_ids", "cid");
  in_category.ops = kContains;

  Endpoint all = list("products", {code, name_eq, name_like, lower("amount", "amount_from"),
                                   upper("amount", "amount_to"), lower("price", "price_from"),
                                   upper("price", "price_to"), in_category, main_category,
                                   query_in("status", "status")});
  sort_by(all, {{"product", "product"}, {"price", "price"}, {"product_code", "code"}, {"amount", "amount"},
                {"status", "status"}});
  t.reads = {one("products", "product_id"), all};
  t.detail = 0;
  t.key = {"product_id"};

  // Stock and price changes of many products at once: 1000 a request, sent
  // as the rows come and at the end of the statement.
  WriteRule bulk = update("bulk update", {"amount", "price"}, "POST", "/products_bulk",
                          {field("product_id", "product_id", true), field("vendor_price", "price"),
                           field("amount", "amount")},
                          "", {{"product_id", "product_id"}});
  bulk.batch_max = kBulkMax;
  bulk.batch_key = "";
  const Returning id = {{"product_id", "product_id"}};
  t.writes = {
      keyed({"product_code"}, insert("create", "POST", "/products", {}, "", id)),
      bulk,
      update("update", {}, "PUT", "/products/{product_id}", {}, "", id),
      remove("delete", "DELETE", "/products/{product_id}"),
  };
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
      detail_col("updated_at", ColType::TimestampTz, "updated_at", false, Decode::EpochSeconds),
  };
  add_address(t.columns, "b_", false, false);
  add_address(t.columns, "s_", false, false);
  t.columns.push_back(detail_col("payment_method", ColType::Jsonb, "payment_method"));
  t.columns.push_back(detail_col("shipping", ColType::Jsonb, "shipping"));
  t.columns.push_back(detail_col("products", ColType::Jsonb, "products"));
  t.columns.push_back(raw());

  Endpoint all = list("orders", {query_in("status", "status"), email_eq(),
                                 query_in("user_id", "user_id")});
  sort_by(all, {{"created_at", "date"}});
  t.reads = {one("orders", "order_id"), all};
  t.detail = 0;
  t.key = {"order_id"};
  // Accepting (K) or any other status change; the body carries only the status.
  t.writes = {update("status", {"status"}, "PUT", "/order_status/{order_id}", {field("status", "status", true)}, "",
                     {{"order_id", "order_id"}})};
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
  t.reads = {one("purchase_orders", "purchase_order_id"),
             list("purchase_orders", {query_in("status", "status"), email_eq(),
                                      query_eq("user_id", "user_id")})};
  t.detail = 0;
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
      raw(),
  };
  t.reads = {one("shipments", "shipment_id"),
             list("shipments", {query_in("order_id", "order_id"), query_in("status", "status")})};
  t.key = {"shipment_id"};
  t.writes = {
      // Shipping an order: products maps the order's item ids to quantities;
      // order_status (say 'J', shipped) moves the order along in the same call.
      keyed({"order_id"}, insert("ship", "POST", "/shipments",
             {field("order_id", "order_id", true), field("products", "products", true),
              field("carrier", "carrier"), field("shipping_id", "shipping_id"),
              field("tracking_number", "tracking_number"), field("comments", "comments"),
              field("status", "status"), field("order_status", "order_status")},
             "", {{"shipment_id", "shipment_id"}})),
      update("status", {"status"}, "PUT", "/shipments/{shipment_id}", {field("status", "status", true)}, "",
             {{"shipment_id", "shipment_id"}}),
      remove("delete", "DELETE", "/shipments/{shipment_id}"),
  };
  t.est_rows = 500;
  return t;
}

class GCommerce : public Api {
 public:
  GCommerce() {
    name = "gcommerce";
    default_base_url = "https://gcommerce.glass/api";
    options = {{"email", true, true}, {"api_key", true, true}};
    // "The Marketplace API supports a limit of 10 requests per minute": spread
    // evenly (no burst), as nothing says how the API counts its minute.
    default_rate_per_minute = 10;
    default_burst = 1;
    default_concurrency = 1;
    tables = {categories(), products(), orders(), order_items(), purchase_orders(), shipments()};
  }

  void authenticate(Session& session, HttpRequest& req) const override {
    const auto& s = session.config().secrets;
    req.headers.push_back("Authorization: Basic " + base64_encode(s.at("email") + ":" + s.at("api_key")));
  }
};

}  // namespace

const Api* gcommerce_api() {
  static const GCommerce api;
  return &api;
}

}  // namespace cfdw
