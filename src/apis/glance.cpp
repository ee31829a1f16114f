// Glance (invoicing and inventory): https://api.glance.co.il
//
// Bearer key auth; envelopes {success, data, pagination{total,limit,offset,hasMore}};
// page/limit paging capped at 100 rows; errors {success:false, error{status,message}}.
// See docs/glance.md for what each table pushes down and what each write calls.
#include "apis/apis.h"
#include "apis/declare.h"

namespace cfdw {
namespace {

using namespace declare;

const Paging kPaging =
    paged(PagingStyle::PageSize, "page").size("limit", 100).total("pagination.total").more("pagination.hasMore");

// GET <path>: the rows under "data", a page at a time.
Read list(const std::string& path, std::vector<Binding> bindings) {
  return get("list", path).rows("data").paged(kPaging).where(std::move(bindings));
}

// GET <path>/{column}: one object under "data".
Read one(const std::string& name, const std::string& path, const std::string& column) {
  return get(name, path).rows("data").object().where({path_eq(column, column)});
}

// Read-only, and filled from the pushed = condition when the row does not carry it.
Column fill_read_only(const std::string& name, ColType type, const std::string& path) {
  Column c = col(name, type, path, ColumnFlag::kFill);
  c.flags |= unsigned(ColumnFlag::kReadOnly);
  return c;
}

Table inventory() {
  Table t;
  t.name = "inventory";
  t.columns = {
      col("id", ColType::Int8, "id"),
      col("product_id", ColType::Int8, "product.id|productId", ColumnFlag::kFill),
      col("product_name", ColType::Text, "product.name", ColumnFlag::kReadOnly),
      col("product_sku", ColType::Text, "product.sku", ColumnFlag::kReadOnly),
      col("warehouse_id", ColType::Int8, "warehouse.id|warehouseId"),
      col("warehouse_name", ColType::Text, "warehouse.name", ColumnFlag::kReadOnly),
      col("quantity", ColType::Numeric, "quantity"),
      col("location", ColType::Text, "location"),
      echo("search"),
      raw(),
  };
  t.reads = {
      one("by id", "/inventory/{id}", "id"),
      // That response lacks the product object: one request for the product supplies name and SKU.
      get("by product", "/inventory/product/{product_id}")
          .rows("data")
          .where({path_eq("product_id", "product_id")})
          .supplemented({"product_name", "product_sku"}, "/products/id/{product_id}", "data",
                        {{"product_name", "name"}, {"product_sku", "sku"}}),
      list("/inventory", {query_in("warehouse_id", "warehouseId"), query_eq("search", "search")}),
  };
  t.key = {"id"};
  const auto result = Returning({{"id", "id"},
                                 {"product_id", "productId"},
                                 {"warehouse_id", "warehouseId"},
                                 {"quantity", "quantity"},
                                 {"location", "location"}});
  t.writes = {
      insert("create")
          .request("POST", "/inventory/create")
          .body({field("productId", "product_id", kRequired), field("warehouseId", "warehouse_id", kRequired),
                 field("quantity", "quantity"), field("location", "location")})
          .result("data")
          .returning(result)
          .keyed({"product_id", "warehouse_id"})
          .proof("data.id"),
      update_delta("adjust")
          .of("quantity")
          .request("POST", "/inventory/adjust")
          .body({field("productId", "product_id", kRequired), field("warehouseId", "warehouse_id", kRequired),
                 field("amount", "quantity", kRequired)})
          .batched("actions", 100)
          .result("data.adjusted")
          .returning({{"quantity", "newQuantity"}})
          .proof_each("data.adjusted", {"productId", "warehouseId"}),
      update("edit", {"quantity", "location"})
          .request("PUT", "/inventory/{id}/edit")
          .body({field("quantity", "quantity"), field("location", "location")})
          .result("data")
          .returning(result)
          .proof("data.id"),
      remove("delete").request("DELETE", "/inventory/{id}/delete").proof("success", "true"),
  };
  t.est_rows = 1000;
  return t;
}

Table inventory_adjustments() {
  Table t;
  t.name = "inventory_adjustments";
  t.insert_only = true;
  t.columns = {
      col("product_id", ColType::Int8, "productId"),
      col("warehouse_id", ColType::Int8, "warehouseId"),
      col("amount", ColType::Numeric, "amount"),
      col("reason", ColType::Text, "reason"),
      col("notes", ColType::Text, "notes"),
      col("previous_quantity", ColType::Numeric, "previousQuantity", ColumnFlag::kReadOnly),
      col("new_quantity", ColType::Numeric, "newQuantity", ColumnFlag::kReadOnly),
      raw(),
  };
  t.writes = {
      insert("adjust")
          .request("POST", "/inventory/adjust")
          .body({field("productId", "product_id", kRequired), field("warehouseId", "warehouse_id", kRequired),
                 field("amount", "amount", kRequired), field("reason", "reason"), field("notes", "notes")})
          .batched("actions", 100)
          .result("data.adjusted")
          .returning({{"previous_quantity", "previousQuantity"}, {"new_quantity", "newQuantity"}, {"amount", "amount"}})
          .keyed({"product_id", "warehouse_id"})
          .proof_each("data.adjusted", {"productId", "warehouseId"}),
  };
  t.no_delete_reason = "adjustments are recorded by INSERT only";
  return t;
}

Table warehouses() {
  Table t;
  t.name = "warehouses";
  t.columns = {
      col("id", ColType::Int8, "id"),
      col("name", ColType::Text, "name"),
      col("code", ColType::Text, "code"),
      col("is_active", ColType::Bool, "isActive"),
      col("is_default", ColType::Bool, "isDefault"),
      raw(),
  };
  t.reads = {one("by id", "/warehouses/{id}", "id"), list("/warehouses", {})};
  t.no_delete_reason = "warehouses are read-only through the API";
  t.est_rows = 10;
  return t;
}

// Stock movements: what changed, for jobs that read only that. Only the query
// parameters are documented; the fields are read under the names seen in
// Glance's other objects and common alternatives, and raw keeps the object.
Table inventory_movements() {
  Table t;
  t.name = "inventory_movements";
  t.columns = {
      col("id", ColType::Int8, "id|movementId"),
      col("product_id", ColType::Int8, "productId|product.id|product_id", ColumnFlag::kFill),
      col("warehouse_id", ColType::Int8, "warehouseId|warehouse.id|warehouse_id", ColumnFlag::kFill),
      col("type", ColType::Text, "type|movementType", ColumnFlag::kFill),
      col("quantity", ColType::Numeric, "quantity|amount|change"),
      col("created_at", ColType::TimestampTz, "createdAt|date|created_at"),
      raw(),
  };
  // startDate/endDate are dates the remote compares in its own time zone: a
  // bound widens by a day so no offset makes the remote return less;
  // PostgreSQL applies the exact range.
  Binding from = lower("created_at", "startDate", Format::DateDayBefore);
  Binding to = upper("created_at", "endDate", Format::DateDayAfter);
  from.exact = to.exact = false;
  t.reads = {list("/inventory/movements", {query_eq("product_id", "productId"),
                                           query_eq("warehouse_id", "warehouseId"), query_eq("type", "type"), from,
                                           to})};
  t.no_delete_reason = "movements are a read-only record of stock changes";
  t.est_rows = 5000;
  return t;
}

Table products() {
  Table t;
  t.name = "products";
  t.columns = {
      col("id", ColType::Int8, "id", ColumnFlag::kReadOnly),
      col("visible_id", ColType::Text, "visibleId"),
      col("name", ColType::Text, "name"),
      col("sku", ColType::Text, "sku"),
      col("description", ColType::Text, "description"),
      col("unit", ColType::Text, "unit"),
      col("vendor_id", ColType::Int8, "vendorId"),
      col("is_physical", ColType::Bool, "isPhysical"),
      col("unit_cost", ColType::Numeric, "unitCost"),
      col("buying_price", ColType::Numeric, "buyingPrice"),
      col("min_stock_level", ColType::Numeric, "minStockLevel"),
      col("max_stock_level", ColType::Numeric, "maxStockLevel"),
      col("track_serial_numbers", ColType::Bool, "trackSerialNumbers"),
      col("is_with_inventory", ColType::Bool, "isWithInventory"),
      col("is_active", ColType::Bool, "isActive"),
      col("created_at", ColType::TimestampTz, "createdAt", ColumnFlag::kReadOnly),
      col("updated_at", ColType::TimestampTz, "updatedAt", ColumnFlag::kReadOnly),
      echo("search"),
      raw(),
  };
  Binding physical = query_eq("is_physical", "isPhysical");
  physical.format = Format::BoolTrueFalse;
  t.reads = {
      one("by id", "/products/id/{id}", "id"),
      one("by sku", "/products/sku/{sku}", "sku"),
      list("/products", {query_eq("search", "search"), query_in("vendor_id", "vendorId"), physical}),
  };
  t.key = {"id"};
  const auto result = returning_all(t);
  t.writes = {
      insert("create")
          .request("POST", "/products/create")
          .result("data")
          .returning(result)
          .keyed({"sku"})
          .proof("data.id"),
      update("edit").request("PUT", "/products/edit/{id}").result("data").returning(result).proof("data.id"),
      remove("delete").request("DELETE", "/products/delete/{id}").proof("success", "true"),
  };
  t.est_rows = 1000;
  return t;
}

Table clients() {
  Table t;
  t.name = "clients";
  t.columns = {
      col("id", ColType::Text, "visibleId|id", ColumnFlag::kReadOnly),
      col("name", ColType::Text, "name"),
      col("tax_id", ColType::Text, "taxId"),
      col("type", ColType::Text, "type"),
      col("email", ColType::Text, "email"),
      col_w("contact_first_name", ColType::Text, "contacts.0.firstName", "contact.firstName"),
      col_w("contact_last_name", ColType::Text, "contacts.0.lastName", "contact.lastName"),
      col_w("contact_phone", ColType::Text, "contacts.0.phoneNumber", "contact.phoneNumber"),
      col_w("contact_email", ColType::Text, "contacts.0.email", "contact.email"),
      // Every contact and address as the API lists them (contact{} above writes the first contact).
      col("contacts", ColType::Jsonb, "contacts", ColumnFlag::kReadOnly),
      col("addresses", ColType::Jsonb, "addresses", ColumnFlag::kReadOnly),
      col("balance", ColType::Numeric, "balance", ColumnFlag::kReadOnly),
      col("created_at", ColType::TimestampTz, "createdAt", ColumnFlag::kReadOnly),
      echo("search"),
      raw(),
  };
  t.reads = {
      one("by id", "/clients/id/{id}", "id"),
      list("/clients", {query_eq("email", "email"), query_eq("tax_id", "taxId"), query_eq("type", "type"),
                        query_eq("search", "search")}),
  };
  t.key = {"id"};
  const auto result = returning_all(t);
  t.writes = {
      insert("create")
          .request("POST", "/clients/create")
          .result("data")
          .returning(result)
          .keyed({"email"})
          .proof("data.id"),
      update("edit").request("PUT", "/clients/edit/{id}").result("data").returning(result).proof("data.id"),
  };
  t.conflict = conflict_lookup("email", "list").ignoring_case();  // Glance matches emails case-insensitively
  t.no_delete_reason = "the Glance API has no way to delete a client";
  t.est_rows = 500;
  return t;
}

Table documents() {
  Table t;
  t.name = "documents";
  t.columns = {
      // The visible id (D-5001) is the document's key, as for clients; "id" where only that is given.
      col("id", ColType::Text, "visibleId|id", ColumnFlag::kReadOnly),
      col("type", ColType::Text, "type"),
      col("number", ColType::Text, "number", ColumnFlag::kReadOnly),
      col("date", ColType::Date, "date"),
      col("client_id", ColType::Text, "client.id|clientId"),
      col("client_name", ColType::Text, "client.name"),
      col("client_email", ColType::Text, "client.email"),
      col("client_tax_id", ColType::Text, "client.taxId"),
      // The client's type (MURSHE, COMPANY, PATOOR) in the create body's client{}: the type of a client
      // the document creates. Documents read back carry it only where the API returns it.
      col("client_type", ColType::Text, "client.type"),
      col("identify_client_by", ColType::Text, "identifyClientBy"),
      col("products", ColType::Jsonb, "products"),
      col("payments", ColType::Jsonb, "payments"),
      col("total", ColType::Numeric, "total", ColumnFlag::kReadOnly),
      col("notes", ColType::Text, "notes"),
      col("send_to_client", ColType::Bool, "sendToClient"),
      echo("search"),
      // Open (not yet closed) documents; the condition's value when the row does not say.
      fill_read_only("open", ColType::Bool, "open|isOpen"),
      // Documents with a line of this SKU: a filter column echoing its term, like search.
      echo("sku"),
      raw(),
  };
  Binding open = query_eq("open", "open");
  open.format = Format::BoolTrueFalse;
  Binding from = query_eq("date", "startDate");
  from.ops = kGe | kGt | kEq;
  from.format = Format::Date;
  Binding to = query_eq("date", "endDate");
  to.ops = kLe | kLt | kEq;
  to.format = Format::Date;
  t.reads = {
      one("by id", "/documents/id/{id}", "id"),
      list("/documents", {query_eq("type", "type"), query_eq("client_id", "clientId"), from, to,
                          query_eq("search", "search"), open, query_eq("sku", "sku")}),
  };
  t.key = {"id"};
  t.writes = {
      insert("create")
          .request("POST", "/documents/create/{type}")
          .body({field("clientId", "client_id"), field("client.name", "client_name"),
                 field("client.email", "client_email"), field("client.taxId", "client_tax_id"),
                 field("client.type", "client_type"), field("identifyClientBy", "identify_client_by"),
                 field("products", "products", kRequired), field("payments", "payments"), field("date", "date"),
                 field("notes", "notes"), field("sendToClient", "send_to_client")})
          .result("data")
          .returning(returning_all(t))
          .proof("data.id"),
  };
  // ON CONFLICT DO NOTHING (the integration guide: check that a document exists before creating it):
  // one list request for the type on the row's date (and client id), and a document conflicts when
  // its type, date, client (id or email) and total equal those the row gives.
  t.conflict = conflict_lookup("type", "list").also_equal({"date", "client_id", "client_email", "total"});
  t.no_delete_reason = "issued documents cannot be deleted";
  t.est_rows = 1000;
  return t;
}

class Glance : public Api {
 public:
  Glance() {
    name = "glance";
    default_base_url = "https://api.glance.co.il";
    options = {secret("api_key")};
    default_rate_per_minute = 100;
    default_burst = 20;
    default_concurrency = 4;
    default_max_requests = 1000;  // ten minutes at 100 a minute
    tables = {inventory(), warehouses(), inventory_movements(), inventory_adjustments(), products(), clients(),
              documents()};
  }

  void authenticate(Session& session, HttpRequest& req) const override {
    req.headers.push_back("Authorization: Bearer " + session.config().secrets.at("api_key"));
  }

  // {"success": false, "error": {"status": 422, "message": "..."}}, with any
  // HTTP status (the API also sends it with 200).
  bool application_error(const json::Value& root, std::string* message) const override {
    const json::Value* success = root.get("success");
    if (!success || success->kind() != json::Kind::Bool || success->is_true()) return false;
    const json::Value* error = root.get("error");
    std::string text;
    if (error && error->kind() == json::Kind::String) text = json::text(*error);
    if (const json::Value* m = root.get("error.message"); m && m->kind() == json::Kind::String) text = json::text(*m);
    *message = text.empty() ? "success: false" : text;
    return true;
  }

  // A 400's {"error": {"issues": [{"path": ["products", 0, "price"], "message": "..."}]}}: one line an
  // issue, "products.0.price: ...", the first 20 (the body is the remote's, so it is bounded).
  std::string error_detail(const json::Value& root) const override {
    const json::Value* issues = root.get("error.issues");
    if (!issues || issues->kind() != json::Kind::Array) return std::string();
    // At most 200 bytes, cut at a character boundary (the text is UTF-8).
    auto cut = [](std::string* s) {
      if (s->size() <= 200) return;
      size_t n = 200;
      while (n > 0 && (static_cast<unsigned char>((*s)[n]) & 0xC0) == 0x80) --n;
      *s = s->substr(0, n) + "...";
    };
    std::string headline;
    if (const json::Value* m = root.get("error.message"); m && m->kind() == json::Kind::String)
      headline = json::text(*m);
    std::string out;
    size_t shown = 0;
    for (const auto& issue : issues->elements()) {
      if (issue.kind() != json::Kind::Object) continue;
      if (shown == 20) {
        out += "\n(and " + std::to_string(issues->size() - shown) + " more issues)";
        break;
      }
      std::string path;
      if (const json::Value* p = issue.get("path"); p && p->kind() == json::Kind::Array)
        for (const auto& part : p->elements()) {
          const json::Kind k = part.kind();
          if (k != json::Kind::String && k != json::Kind::Number) continue;
          path += (path.empty() ? "" : ".") + json::text(part);
        }
      std::string message;
      if (const json::Value* m = issue.get("message"); m && m->kind() == json::Kind::String) message = json::text(*m);
      // An issue without a path that restates the error's message adds nothing.
      if (path.empty() && message == headline) continue;
      cut(&message);
      cut(&path);
      out += (shown ? "\n" : "") + (path.empty() ? std::string("(request)") : path) + ": " + message;
      ++shown;
    }
    return out.empty() ? out : "Issues:\n" + out;
  }

  long application_error_status(const json::Value& root) const override {
    const json::Value* status = root.get("error.status");
    if (!status || status->kind() != json::Kind::Number) return 0;
    const std::string text = json::text(*status);
    if (text.size() != 3 || text.find_first_not_of("0123456789") != std::string::npos) return 0;
    return std::stol(text);
  }
};

}  // namespace

Api* glance_api() {
  static Glance api;
  return &api;
}

}  // namespace cfdw
