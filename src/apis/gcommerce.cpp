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
#include "apis/gcommerce.h"

#include "apis/apis.h"
#include "apis/declare.h"
#include "engine/run/session.h"
#include "engine/wire/url.h"

namespace cfdw {
namespace gcommerce {

using namespace declare;

namespace {

// No has-more flag: paging stops once total_items rows came, or on a short page.
const Paging kPaging =
    paged(PagingStyle::PageSize, "page").size("items_per_page", kPageSize).total("params.total_items");

}  // namespace

Read list(const std::string& resource, std::vector<Binding> bindings) {
  return get("list", "/" + resource).rows(resource).paged(kPaging).where(std::move(bindings));
}

Read sorted_list(const std::string& resource, std::vector<Binding> bindings,
                 std::vector<std::pair<std::string, std::string>> sorts) {
  return list(resource, std::move(bindings)).sorted_by("sort_by", "sort_order", std::move(sorts));
}

Read one(const std::string& resource, const std::string& key) {
  return get("by id", "/" + resource + "/{" + key + "}").object().where({path_eq(key, key)}).detail();
}

Column epoch(std::string name, std::string path) {
  return col(std::move(name), ColType::TimestampTz, std::move(path), ColumnFlag::kReadOnly, Format::EpochSeconds);
}

Column detail_col(std::string name, ColType type, std::string path, Writable writable, Format decode) {
  Column c = col(std::move(name), type, std::move(path), ColumnFlag::kDetail, decode);
  if (writable == kNotWritten) c.flags |= unsigned(ColumnFlag::kReadOnly);
  return c;
}

}  // namespace gcommerce

namespace {

using namespace declare;
using namespace gcommerce;

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
      detail_col("updated_at", ColType::TimestampTz, "updated_at", kNotWritten, Format::EpochSeconds),
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

  t.reads = {
      one("orders", "order_id"),
      sorted_list("orders", {query_in("status", "status"), email_eq(), query_in("user_id", "user_id")},
                  {{"created_at", "date"}}),
  };
  t.detail = "by id";
  t.key = {"order_id"};
  // Accepting (K) or any other status change; the body carries only the status.
  t.writes = {
      update("status", {"status"})
          .request("PUT", "/order_status/{order_id}")
          .body({field("status", "status", kRequired)})
          .returning({{"order_id", "order_id"}})
          .proof("order_id"),
  };
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
  t.reads = {
      get("order", "/orders/{order_id}").rows("products").object_map().where({path_eq("order_id", "order_id")}),
  };
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
  t.reads = {
      one("purchase_orders", "purchase_order_id"),
      // The list answers sort_by "date" by default: ORDER BY created_at goes to the API.
      sorted_list("purchase_orders", {query_in("status", "status"), email_eq(), query_eq("user_id", "user_id")},
                  {{"created_at", "date"}}),
  };
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
  t.reads = {
      one("shipments", "shipment_id"),
      // Sort names: status (documented) and id (the list's default sort_by).
      sorted_list("shipments", {query_in("order_id", "order_id"), query_in("status", "status")},
                  {{"status", "status"}, {"shipment_id", "id"}}),
  };
  t.detail = "by id";
  t.key = {"shipment_id"};
  t.writes = {
      // Shipping an order: products maps the order's item ids to quantities;
      // order_status (say 'J', shipped) moves the order along in the same call.
      insert("ship")
          .request("POST", "/shipments")
          .body({field("order_id", "order_id", kRequired), field("products", "products", kRequired),
                 field("carrier", "carrier"), field("shipping_id", "shipping_id"),
                 field("tracking_number", "tracking_number"), field("comments", "comments"), field("status", "status"),
                 field("order_status", "order_status")})
          .returning({{"shipment_id", "shipment_id"}})
          .keyed({"order_id"})
          .proof("shipment_id"),
      update("status", {"status"})
          .request("PUT", "/shipments/{shipment_id}")
          .body({field("status", "status", kRequired)})
          .returning({{"shipment_id", "shipment_id"}})
          .proof("shipment_id"),
      remove("delete").request("DELETE", "/shipments/{shipment_id}"),
  };
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
