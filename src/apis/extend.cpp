// Extend Commerce (XTND / Lxir): https://{host}/RESTAPI/v1_0/{client}
//
// The host and client segment differ per customer, so base_url has no
// default. Auth is the custom header ExtendBasicAuthorization: Basic
// base64(username:password). Two paging styles: CustomerOrders and Products
// answer a bare JSON array paged by pageCount (size) + pageOffset (0-based page
// index), the last page being the short one; every other list is
// {<name>List: [...], paginationInfo{currentPage,totalPages,pageSize,totalResources}}
// paged by pageNumber. Errors are {"Message": "..."} (read by Api::error_message).
// See docs/extend.md for what each table pushes down and what each write calls.
#include <algorithm>

#include "apis/apis.h"
#include "apis/declare.h"
#include "engine/wire/url.h"

namespace cfdw {
namespace {

using namespace declare;

// {<rows>: [...], paginationInfo{...}} lists, paged by pageNumber at the
// server's own page size.
Read numbered_list(const std::string& path, const std::string& rows, std::vector<Binding> bindings) {
  return get("list", path)
      .rows(rows)
      .paged(paged(PagingStyle::PageNumber, "pageNumber")
                 .pages("paginationInfo.totalPages")
                 .total("paginationInfo.totalResources"))
      .where(std::move(bindings));
}

// Bare-array lists (CustomerOrders, Products): pageCount rows from page
// pageOffset; the documented default of 100 is also the size asked.
Read offset_list(const std::string& path, std::vector<Binding> bindings) {
  return get("list", path)
      .paged(paged(PagingStyle::Offset, "pageOffset").size("pageCount", 100).first(0))
      .where(std::move(bindings));
}

Read one(const std::string& name, const std::string& path, const std::string& column) {
  return get(name, path).object().where({path_eq(column, column)});
}

// The API takes date-times in UTC as YYYY-MM-DDTHH:MM:SS ("fully qualified utc
// format"); timestamptz values are rendered in UTC.
Binding changed_since(const std::string& column, const std::string& param) {
  return lower(column, param, Format::IsoSeconds);
}

// Matches a text the remote compares loosely (case-insensitively): a superset.
Binding loose_eq(const std::string& column, const std::string& param) {
  Binding b = query_eq(column, param);
  b.exact = false;
  return b;
}

Table product_prices() {
  Table t;
  t.name = "product_prices";
  t.columns = {
      // The items do not repeat the customer: it comes from the condition.
      col("customer_number", ColType::Text, "customerNumber", ColumnFlag::kFill),
      col("product_number", ColType::Text, "productNumber"),
      col("sales_unit", ColType::Text, "salesUnit"),
      col("from_quantity", ColType::Numeric, "fromQuantity"),
      col("price", ColType::Numeric, "price"),
      col("list_price", ColType::Numeric, "listPrice"),
      col("vat_percent", ColType::Numeric, "vatPercent"),
      col("currency", ColType::Text, "currency"),
      raw(),
  };
  Binding customer = query_in("customer_number", "customerNumber");
  customer.required = true;
  Binding products = query_in("product_number", "productNumberList");
  products.chunk = 10;  // the parameter repeats, at most 10 product numbers a request
  t.reads = {numbered_list("/ProductPrices", "productPriceItemList",
                           {customer, products, query_eq("currency", "currency")})};
  t.required = {"customer_number"};
  t.required_hint =
      "Prices are each customer's net best price: add WHERE customer_number = '...' (or IN (...)), "
      "or join on customer_number.";
  t.no_delete_reason = "prices are read-only through the API";
  t.est_rows = 2000;
  return t;
}

Table product_availability() {
  Table t;
  t.name = "product_availability";
  t.columns = {
      col("product_number", ColType::Text, "productNumber"),
      col("warehouse", ColType::Text, "warehouse"),
      col("warehouse_name", ColType::Text, "warehouseName"),
      col("physical_balance", ColType::Numeric, "physicalBalance"),
      col("available_balance", ColType::Numeric, "availableBalanceNow"),
      col("blocked_balance", ColType::Numeric, "blockedBalance"),
      col("ordered_quantity", ColType::Numeric, "orderedQuantity"),
      col("next_receiving_date", ColType::Date, "nextReceivingDate"),
      col("quantity_on_next_receiving", ColType::Numeric, "quantityOnNextReceiving"),
      // The API spells it "avaiable"; the correct spelling is accepted too.
      col("available_on_next_receiving", ColType::Numeric, "avaiableOnNextReceiving|availableOnNextReceiving"),
      col("changed_at", ColType::TimestampTz, "changeDate"),
      raw(),
  };
  t.reads = {numbered_list("/ProductAvailability", "productAvailabilityList",
                           {query_in("product_number", "productNumber"), query_in("warehouse", "warehouse"),
                            changed_since("changed_at", "modifiedDateFrom")})};
  t.no_delete_reason = "availability is read-only through the API";
  t.est_rows = 5000;
  return t;
}

// A column only the single-object endpoint returns, never written.
Column detail_ro(std::string name, ColType type, std::string path) {
  Column c = detail(std::move(name), type, std::move(path));
  c.flags |= unsigned(ColumnFlag::kReadOnly);
  return c;
}

// A bound the remote applies on a column its rows lack (the product list
// carries no change date): PostgreSQL does not recheck it against NULL.
Binding remote_bound(Binding b) {
  b.authoritative = true;
  return b;
}

Table products() {
  Table t;
  t.name = "products";
  // List items are flat (ProductListItem, without a change date); the single
  // product nests its data under productData and its dates under productDates.
  t.columns = {
      col("product_number", ColType::Text, "productNumber"),
      col("name", ColType::Text, "productName|productData.productName"),
      col("created_at", ColType::TimestampTz, "createDate|productDates.createdDate"),
      col("unit", ColType::Text, "productUnit|productData.productUnit"),
      col("cost", ColType::Numeric, "cost|productData.cost"),
      col("currency", ColType::Text, "currency|productData.currency"),
      col("country_of_origin", ColType::Text, "countryOfOrigin|productData.countryOfOrigin"),
      col("supply_mode", ColType::Text, "supplyMode|productData.supplyMode"),
      col("manufacturer", ColType::Text, "manufacturer|productData.manufacturer"),
      col("manufacturer_product_number", ColType::Text,
          "manufacturerProductNumber|productData.manufacturerProductNumber"),
      col("gtin", ColType::TextArray, "gtinNumberList|productData.gtinNumberList"),
      col("warehouse", ColType::Text, "warehouse|productData.warehouse"),
      // Only Products/{id} has it; list rows read NULL (the list's date bounds are the remote's alone).
      col("changed_at", ColType::TimestampTz, "productDates.changedDate|productData.productDates.changedDate"),
      col("statistical_category1", ColType::Text, "statisticalCategory1|productData.statisticalCategory1"),
      col("statistical_category2", ColType::Text, "statisticalCategory2|productData.statisticalCategory2"),
      col("statistical_category3", ColType::Text, "statisticalCategory3|productData.statisticalCategory3"),
      // The single product's data ("then call the GET single product to fetch all data"): fetched per
      // product only when a query reads them.
      detail("description", ColType::Text, "productData.productDescription"),
      detail("enabled", ColType::Bool, "productData.enabled"),
      detail("annulled", ColType::Bool, "productData.annulled"),
      detail("changed_by", ColType::Text, "productDates.changedBy"),
      detail("external_changed_date", ColType::TimestampTz, "productDates.externalChangedDate"),
      // Filters of the list that are no field of a list item: they echo their = condition.
      col("supplier_number", ColType::Text, "", ColumnFlag::kEcho),
      col("supplier_product_number", ColType::Text, "", ColumnFlag::kEcho),
      raw(),
  };
  t.reads = {
      one("by number", "/Products/{product_number}", "product_number").detail(),
      offset_list("/Products", {loose_eq("name", "productName"), query_eq("warehouse", "warehouse"),
                                query_eq("supply_mode", "supplyMode"), query_eq("supplier_number", "supplierNumber"),
                                query_eq("supplier_product_number", "supplierProductNumber"),
                                remote_bound(changed_since("changed_at", "modifiedDateFrom")),
                                remote_bound(upper("changed_at", "modifiedDateTo", Format::IsoSeconds))}),
  };
  t.detail = "by number";
  t.no_delete_reason = "products are read-only through the API";
  t.est_rows = 5000;
  return t;
}

// Stock levels of a (3PL) warehouse, set or adjusted by the webshop.
Table warehouse_stock_levels() {
  Table t;
  t.name = "warehouse_stock_levels";
  t.columns = {
      // The condition's warehouse when an item does not repeat it.
      col("warehouse", ColType::Text, "warehouse", ColumnFlag::kFill),
      col("product_number", ColType::Text, "productNumber"),
      col("customer_product_number", ColType::Text, "customerProductNumber"),
      col("notes", ColType::Text, "notes"),
      col("balance", ColType::Numeric, "balance"),
      col("warehouse_name", ColType::Text, "warehouseName", ColumnFlag::kReadOnly),
      raw(),
  };
  Binding warehouse = query_in("warehouse", "warehouse");
  warehouse.required = true;
  t.reads = {numbered_list("/WarehouseStockLevels", "stockLevelItemList",
                           {warehouse, query_eq("product_number", "productNumber")})};
  t.required = {"warehouse"};
  t.required_hint = "Stock levels are listed per warehouse: add WHERE warehouse = '...' (or IN (...)).";
  t.key = {"warehouse", "product_number"};
  const std::vector<BodyField> item = {field("warehouse", "warehouse", kRequired),
                                       field("productNumber", "product_number", kRequired),
                                       field("customerProductNumber", "customer_product_number"),
                                       field("notes", "notes")};
  std::vector<BodyField> set_body = item, adjust_body = item;
  set_body.push_back(field("balance", "balance", kRequired));
  adjust_body.push_back(field("balanceDifference", "balance", kRequired));
  // The answer is {code?, Message, Information}, not the item (no record comes
  // back; RETURNING raw shows it): its Message proves the write.
  t.writes = {
      insert("set").request("POST", "/WarehouseStockLevels").body(set_body).proof("Message"),
      update_delta("adjust").of("balance").request("PUT", "/WarehouseStockLevels").body(adjust_body).proof("Message"),
      update("set", {"balance", "customer_product_number", "notes"})
          .request("POST", "/WarehouseStockLevels")
          .body(set_body)
          .proof("Message"),
  };
  t.no_delete_reason = "the Extend API has no request that deletes a stock level";
  t.est_rows = 500;
  return t;
}

Table customers() {
  Table t;
  t.name = "customers";
  Column credit_limit = col("credit_limit", ColType::Numeric, "creditLimit");
  credit_limit.write_format = Format::String;  // the API keeps it as a decimal string
  t.columns = {
      col("customer_number", ColType::Text, "customerNumber"),
      col("name", ColType::Text, "name"),
      col("last_name", ColType::Text, "lastName"),
      col("organization_number", ColType::Text, "organizationNumber"),
      col("email", ColType::Text, "email2"),
      col("phone", ColType::Text, "phoneNumber2"),
      col("delivery_address", ColType::Text, "deliveryAddress1"),
      col("delivery_postal_code", ColType::Text, "deliveryPostalCode"),
      col("delivery_city", ColType::Text, "deliveryCity"),
      credit_limit,
      col("credit_limit_currency", ColType::Text, "creditLimitCurrency"),
      col("invoice_email", ColType::Text, "invoiceEmail"),
      col("changed_at", ColType::TimestampTz, "changeDate", ColumnFlag::kReadOnly),
      // The single customer's master data beyond the list item (Customers/{id}, which the guide says to
      // call after the list): fetched per customer only when a query reads them.
      detail_ro("invoice_address", ColType::Text, "invoiceAddress1"),
      detail_ro("invoice_postal_code", ColType::Text, "invoicePostalCode"),
      detail_ro("invoice_city", ColType::Text, "invoiceCity"),
      detail_ro("country_code", ColType::Text, "countryCode"),
      detail_ro("vat_number", ColType::Text, "vatNumber"),
      detail_ro("payment_terms", ColType::Text, "paymentTerms"),
      detail_ro("delivery_terms", ColType::Text, "deliveryTerms"),
      detail_ro("customer_group", ColType::Text, "customerGroup"),
      detail_ro("language_code", ColType::Text, "languageCode"),
      detail_ro("blocked", ColType::Bool, "blocked"),
      raw(),
  };
  // customer_number = x: the single customer (a point lookup, 404 = no row), as the guide says.
  t.reads = {one("by number", "/Customers/{customer_number}", "customer_number").detail(),
             numbered_list("/Customers", "customerList",
                           {query_in("customer_number", "customerNumber"), loose_eq("name", "name"),
                            loose_eq("email", "email2"), changed_since("changed_at", "changedAfterDate")})};
  t.detail = "by number";
  t.key = {"customer_number"};
  Table listed = t;  // RETURNING: what the write answers carry (the list item's fields)
  listed.columns.erase(std::remove_if(listed.columns.begin(), listed.columns.end(),
                                      [](const Column& c) { return c.has(ColumnFlag::kDetail); }),
                       listed.columns.end());
  const auto result = returning_all(listed);
  // The body carries the columns under the names the list answers with.
  t.writes = {
      insert("create")
          .request("POST", "/Customers")
          .returning(result)
          .keyed({"customer_number"})
          .proof("customerNumber"),
      update("edit",
             {"name", "last_name", "organization_number", "email", "phone", "delivery_address", "delivery_postal_code",
              "delivery_city", "credit_limit", "credit_limit_currency", "invoice_email"})
          .request("PUT", "/Customers/{customer_number}")
          .returning(result)
          .proof("customerNumber"),
  };
  t.no_delete_reason = "the Extend API has no request that deletes a customer";
  t.est_rows = 1000;
  return t;
}

Table customer_orders() {
  Table t;
  t.name = "customer_orders";
  // List items are flat; CustomerOrders/{id} (and the POST's answer) is
  // {orderHeader{...}, orderRows[...]}, without customer name, total or change date.
  t.columns = {
      col("order_number", ColType::Text, "orderNumber|orderHeader.orderNumber", ColumnFlag::kReadOnly),
      col("order_number_external", ColType::Text, "orderNumberExternal|orderHeader.orderNumberExternal"),
      col("order_type", ColType::Text, "orderType|orderHeader.orderType"),
      col("order_status", ColType::Text, "orderStatus|orderHeader.orderStatus", ColumnFlag::kReadOnly),
      // Set by the ERP: the documented POST body has no order date. The API sends a date-time with its
      // offset (2026-10-01T10:01:00+00:00): order_date is its day, as the interface fixes, and
      // order_datetime the whole moment.
      col("order_date", ColType::Date, "orderDate|orderHeader.orderDate", ColumnFlag::kReadOnly),
      col("order_datetime", ColType::TimestampTz, "orderDate|orderHeader.orderDate", ColumnFlag::kReadOnly),
      col("asked_delivery_date", ColType::Date, "askedDeliveryDate|orderHeader.askedDeliveryDate"),
      col("customer_number", ColType::Text, "customerNumber|orderHeader.customerNumber"),
      col("customer_name", ColType::Text, "customerName", ColumnFlag::kReadOnly),
      col("total_price", ColType::Numeric, "totalPrice", ColumnFlag::kReadOnly),
      col("changed_at", ColType::TimestampTz, "changeDate", ColumnFlag::kReadOnly),
      // Only the single order carries its header flags and rows: fetched per order when a query reads them.
      detail("partial_delivery", ColType::Bool, "orderHeader.partialDelivery"),
      detail("freight_free", ColType::Bool, "orderHeader.freightFree"),
      detail("order_rows", ColType::Jsonb, "orderRows"),
      // What the ERP shipped (the details the guide fetches with CustomerOrders/{id} after an order hook);
      // one row per shipment in extend_customer_order_shipments.
      detail_ro("shipments", ColType::Jsonb, "shipments"),
      raw(),
  };
  // orderDate is a date-time in the ERP's own time zone: the bounds widen by a
  // day so that no offset makes the remote return less; PostgreSQL applies the
  // exact range.
  Binding from = lower("order_date", "orderDateFrom", Format::IsoDayBefore);
  Binding to = upper("order_date", "orderDateTo", Format::IsoDayAfter);
  from.exact = to.exact = false;
  Binding from_moment = lower("order_datetime", "orderDateFrom", Format::IsoDayBefore);
  Binding to_moment = upper("order_datetime", "orderDateTo", Format::IsoDayAfter);
  from_moment.exact = to_moment.exact = false;
  t.reads = {
      one("by number", "/CustomerOrders/{order_number}", "order_number").detail(),
      offset_list("/CustomerOrders",
                  {query_in("order_number_external", "orderNumberExternal"), query_in("order_status", "orderStatus"),
                   query_in("customer_number", "customerNumber"), from, to, from_moment, to_moment,
                   changed_since("changed_at", "modifiedDateFrom")}),
  };
  t.detail = "by number";
  t.key = {"order_number"};
  t.writes = {
      insert("place")
          .request("POST", "/CustomerOrders")
          .body({field("orderHeader.orderType", "order_type"),
                 field("orderHeader.orderNumberExternal", "order_number_external"),
                 field("orderHeader.customerNumber", "customer_number", kRequired),
                 field("orderHeader.askedDeliveryDate", "asked_delivery_date"),
                 field("orderHeader.partialDelivery", "partial_delivery"),
                 field("orderHeader.freightFree", "freight_free"), field("orderRows", "order_rows", kRequired)})
          .returning({{"order_number", "orderHeader.orderNumber"},
                      {"order_number_external", "orderHeader.orderNumberExternal"},
                      {"order_type", "orderHeader.orderType"},
                      {"order_status", "orderHeader.orderStatus"},
                      {"order_date", "orderHeader.orderDate"},
                      {"order_datetime", "orderHeader.orderDate"},
                      {"asked_delivery_date", "orderHeader.askedDeliveryDate"},
                      {"customer_number", "orderHeader.customerNumber"},
                      {"partial_delivery", "orderHeader.partialDelivery"},
                      {"freight_free", "orderHeader.freightFree"},
                      {"order_rows", "orderRows"}})
          .keyed({"order_number_external"})
          .proof("orderHeader.orderNumber"),
  };
  // A retried sync must not place an order twice: look its external number up first.
  t.conflict = conflict_lookup("order_number_external", "list");
  t.no_delete_reason = "orders are cancelled in the ERP; the API cannot delete them";
  t.est_rows = 5000;
  return t;
}

// The shipments of one order, from CustomerOrders/{id} (the guide: after an
// order hook, fetch the order "to fetch all details about the shipment").
Table customer_order_shipments() {
  Table t;
  t.name = "customer_order_shipments";
  t.columns = {
      // The shipments do not repeat their order: it comes from the condition.
      col("order_number", ColType::Text, "orderNumber", ColumnFlag::kFill),
      col("shipment_number", ColType::Text, "shipmentNumber"),
      col("shipped_at", ColType::TimestampTz, "shippedDate"),
      col("carrier", ColType::Text, "carrier"),
      col("tracking_number", ColType::Text, "trackingNumber"),
      col("tracking_url", ColType::Text, "trackingUrl"),
      col("warehouse", ColType::Text, "warehouse"),
      col("rows", ColType::Jsonb, "rows"),
      raw(),
  };
  t.reads = {
      get("order", "/CustomerOrders/{order_number}").rows("shipments").where({path_eq("order_number", "order_number")}),
  };
  t.required = {"order_number"};
  t.required_hint =
      "Shipments are read per order: add WHERE order_number = '...' (or IN (...)), or join on order_number, as "
      "in extend_customer_orders o JOIN extend_customer_order_shipments s ON s.order_number = o.order_number; "
      "each order is one request.";
  t.no_delete_reason = "shipments are read-only through the API";
  t.est_rows = 100;
  return t;
}

class Extend : public Api {
 public:
  Extend() {
    name = "extend";
    // No default_base_url: the host and the client segment are the customer's own.
    options = {secret("username"), secret("password")};
    default_rate_per_minute = 300;  // the standard endpoint group's x-ratelimit-limit
    default_burst = 10;
    default_concurrency = 4;
    default_max_requests = 3000;  // ten minutes at 300 a minute
    tables = {product_prices(), product_availability(), products(), warehouse_stock_levels(), customers(),
              customer_orders(), customer_order_shipments()};
  }

  // {"Message": ...} and, from the stock-level requests, {"Message", "Information"}: both are shown.
  std::string error_message(const HttpResponse& resp) const override {
    std::string message = Api::error_message(resp);
    json::Doc doc;
    std::string why;
    if (resp.body.empty() || !doc.parse(resp.body, &why)) return message;
    const json::Value* info = doc.root().get("Information");
    if (info && info->kind() == json::Kind::String && !json::text(*info).empty())
      message += (message.empty() ? "" : message.back() == '.' ? " " : ": ") + json::text(*info);
    return message;
  }

  void authenticate(Session& session, HttpRequest& req) const override {
    const auto& secrets = session.config().secrets;
    req.headers.push_back("ExtendBasicAuthorization: Basic " +
                          base64_encode(secrets.at("username") + ":" + secrets.at("password")));
  }
};

}  // namespace

Api* extend_api() {
  static Extend api;
  return &api;
}

}  // namespace cfdw
