// Glocher (shop stock and carts): https://api-v1.glocher.com/api
//
// Every call names the shop (`id` or `shop_id`, from the shop_id option) and
// carries a token from `auth`. Parameters go in the query string of a GET or
// in a raw JSON body, never mixed. Every answer is {status: "OK"|"ERR", data};
// an ERR may come with HTTP 200, its data a list of [field, message] pairs.
// Lists come 1000 rows a page. See docs/glocher.md for what each table pushes
// down and what each write calls.
#include <cctype>

#include "apis/apis.h"
#include "apis/declare.h"
#include "engine/error.h"
#include "engine/wire/url.h"

namespace cfdw {
namespace {

using namespace declare;

// The documented page size of getStock and the cart lists; no parameter sets it.
constexpr int kPage = 1000;
// updateStock documents no limit; one request a page's worth of products.
constexpr int kStockBatch = 1000;

// `page` = 1, 2, ... until a short page. `count` ("number of products in the
// list") may be the whole list's or the page's: larger than its page, it is
// the total and the listing stops there.
const Paging kPaging = paged(PagingStyle::PageSize, "page").fixed_size(kPage).count("count");

// The shop's list under "data" (one answer: no paging).
Read list(const std::string& name, const std::string& path) {
  return get(name, path).rows("data").fixed({{"id", "{shop_id}"}});
}

// One object by its id; the shop goes as shop_id then.
Read by_id(const std::string& path) {
  Binding id = query_in("id", "id");
  id.required = true;
  return get("by id", path).rows("data").object().where({id}).fixed({{"shop_id", "{shop_id}"}});
}

Table shop() {
  Table t;
  t.name = "shop";
  t.columns = {
      col("id", ColType::Int8, "id"),
      col("name", ColType::Text, "name"),
      col("user_id", ColType::Int8, "user_id"),
      col("description", ColType::Text, "description"),
      col("address", ColType::Text, "address"),
      col("zip", ColType::Text, "zip"),
      col("city", ColType::Text, "city"),
      col("country", ColType::Text, "country"),
      col("full_address", ColType::Text, "fulladdress"),
      col("lat", ColType::Float8, "lat"),
      col("lng", ColType::Float8, "lng"),
      col("published", ColType::Bool, "published"),
      col("currency_id", ColType::Int8, "currency_id"),
      col("shipping_enabled", ColType::Bool, "shipping_enabled"),
      col("shipping_free_from", ColType::Numeric, "shipping_free_from"),
      col("shipping_rates", ColType::Jsonb, "shipping_rates"),
      // The rest of getShop's documented data.
      col("shop_category_id", ColType::Int8, "shop_category_id"),
      col("shipping_rate_base", ColType::Text, "shipping_rate_base"),
      col("shipping_required", ColType::Bool, "shipping_required"),
      col("pickup_time_required", ColType::Bool, "pickup_time_required"),
      col("paypal_email", ColType::Text, "paypal_email"),
      col("user_ratings_sum", ColType::Numeric, "user_ratings_sum"),
      col("user_ratings_count", ColType::Int8, "user_ratings_count"),
  };
  // Opening hours, day 1 (Monday) to 7 (Sunday): open_N (1/0), open_from_N, open_until_N ("8:00").
  for (int day = 1; day <= 7; ++day) {
    const std::string n = std::to_string(day);
    t.columns.push_back(col("open_" + n, ColType::Bool, "open_" + n));
    t.columns.push_back(col("open_from_" + n, ColType::Text, "open_from_" + n));
    t.columns.push_back(col("open_until_" + n, ColType::Text, "open_until_" + n));
  }
  t.columns.push_back(raw());
  // getShop's data has no id: the shop is the one the shop_id option names.
  t.reads = {get("shop", "/getShop").rows("data").object().fixed({{"id", "{shop_id}"}}).fill({{"id", "{shop_id}"}})};
  t.est_rows = 1;
  return t;
}

Table categories() {
  Table t;
  t.name = "categories";
  t.columns = {
      col("id", ColType::Int8, "id"),
      col("shop_id", ColType::Int8, "shop_id"),
      col("name", ColType::Text, "name"),
      col("description", ColType::Text, "description"),
      raw(),
  };
  t.reads = {list("list", "/getCategories")};
  t.est_rows = 20;
  return t;
}

Table stock() {
  Table t;
  t.name = "stock";
  Column qty = col("qty", ColType::Int4, "qty|stock_qty", ColumnFlag::kNone, Format::MinusOneNull);
  qty.write_path = "stock_qty";
  qty.write_format = Format::MinusOneNull;
  t.columns = {
      col("id", ColType::Int8, "id"),
      col("shop_id", ColType::Int8, "shop_id", ColumnFlag::kReadOnly),
      col("category_id", ColType::Int8, "shop_has_product_category_id"),
      col("name", ColType::Text, "name"),
      col("description", ColType::Text, "description"),
      col("price", ColType::Numeric, "price"),
      col("weight", ColType::Numeric, "weight"),
      col("size", ColType::Text, "size"),
      col("color", ColType::Text, "color"),
      col("published", ColType::Bool, "published"),
      qty,
      col("image_url", ColType::Text, "_imageUrl", ColumnFlag::kReadOnly),
      col("tags", ColType::TextArray, "_tags"),
      col("external_id", ColType::Text, "_external_id"),
      // Sent with a write, never returned: a new image as a data URL
      // ("data:image/jpg;base64,..."), and true to delete the product's image.
      col("image_data", ColType::Text, "_imageData", ColumnFlag::kWriteOnly),
      col("delete_image", ColType::Bool, "_deleteImage", ColumnFlag::kWriteOnly),
      raw(),
  };
  t.reads = {by_id("/getStockByProduct"), list("list", "/getStock").paged(kPaging)};
  t.key = {"id"};

  // One updateStock item. An item with the id of a product updates it, one
  // without inserts a product; price and weight are required either way.
  auto item = [](bool update) {
    return std::vector<BodyField>{
        field("id", "id", update ? kRequired : kOptional),
        field("name", "name"),
        field("description", "description"),
        field("shop_has_product_category_id", "category_id"),
        field("price", "price", kRequired),
        field("weight", "weight", kRequired),
        field("size", "size"),
        field("color", "color"),
        field("published", "published", Format::Bool10),
        field("stock_qty", "qty", Format::MinusOneNull),
        field("_tags", "tags"),
        field("_external_id", "external_id"),
        field("_imageData", "image_data"),
        field("_deleteImage", "delete_image"),
    };
  };
  // The answer lists the products as stored, quantity as stock_qty.
  const Returning result = {
      {"id", "id"},          {"shop_id", "shop_id"},         {"category_id", "shop_has_product_category_id"},
      {"name", "name"},      {"description", "description"}, {"price", "price"},
      {"weight", "weight"},  {"size", "size"},               {"color", "color"},
      {"published", "published"}, {"qty", "stock_qty"},      {"image_url", "_imageUrl"},
      {"tags", "_tags"},     {"external_id", "_external_id"},
  };
  // updateStock: a page's worth of products a request, answered in the order
  // sent and matched back by external id.
  auto batched = [&result](Write w) {
    return w.request("POST", "/updateStock")
        .batched("data", kStockBatch)
        .fixed({{"id", "{shop_id}"}})
        .matched_by("external_id")
        .result("data")
        .returning(result)
        .proof("status", "\"OK\"");
  };
  t.writes = {
      // A new product needs a name ("optional on update only"): checked before
      // any request, so one nameless row does not fail a whole batch remotely.
      // An INSERT carrying an id is an update of that product (updateStock: "If
      // valid ID providet, the product will be updated"): no name needed then.
      batched(insert("updateStock").body(item(false))).keyed({"external_id"}).needs({"name"}, "id"),
      batched(update("updateStock", {"category_id", "name", "description", "price", "weight", "size", "color",
                                     "published", "qty", "tags", "external_id", "image_data", "delete_image"})
                  .body(item(true))),
  };
  t.no_delete_reason = "the Glocher API has no request that deletes a product (set qty or published instead)";
  t.est_rows = 2000;
  return t;
}

Table carts() {
  Table t;
  t.name = "carts";
  t.columns = {
      col("id", ColType::Int8, "id"),
      col("user_id", ColType::Int8, "user_id"),
      col("shop_id", ColType::Int8, "shop_id"),
      col("status", ColType::Text, "status"),
      col("products", ColType::Jsonb, "products"),
      col("created_at", ColType::Timestamp, "createdate"),
      col("subtotal", ColType::Numeric, "subtotal"),
      col("shipping_cost", ColType::Numeric, "shipping_cost"),
      col("total", ColType::Numeric, "total"),
      col("currency_id", ColType::Int8, "currency_id"),
      col("token", ColType::Text, "token"),
      col("comment", ColType::Text, "comment"),
      col("shipping", ColType::Bool, "shipping"),
      col("shipping_data", ColType::Jsonb, "shipping_data"),
      col("package_status", ColType::Text, "package_status"),
      col("package_id", ColType::Text, "package_id"),
      col("pickup", ColType::Bool, "pickup"),
      col("pickup_time", ColType::Timestamp, "pickup_time"),
      col("pickup_address", ColType::Text, "pickup_address"),
      col("pickup_lat", ColType::Float8, "pickup_lat"),
      col("pickup_lng", ColType::Float8, "pickup_lng"),
      col("user_rating", ColType::Int4, "user_rating"),
      col("billing_name", ColType::Text, "billing_name"),
      col("billing_address", ColType::Text, "billing_address"),
      raw(),
  };
  // The three lists partition the carts by status and are read together; a
  // status condition picks the lists that can hold it.
  // The cart lists come "1000 per page" and answer `page` and `count` as
  // getStock does: they are paged like it, so no cart beyond the first 1000 is
  // cut (an API ignoring `page` repeats the page: the scan fails, naming the
  // carts it could not read).
  auto by_status = [](const std::string& path, std::vector<std::string> statuses) {
    return list(path.substr(1), path).paged(kPaging).part(1, "status", std::move(statuses));
  };
  t.reads = {
      by_id("/getCart"),
      by_status("/getPendingCarts", {"pending"}),
      by_status("/getPaidCarts", {"paid", "cash"}),
      by_status("/getCompletedCarts", {"completed"}),
  };
  t.key = {"id"};
  // Both calls take the cart and answer it as getCart does.
  auto set_to = [&t](const std::string& path, const std::string& column, const std::string& value) {
    return update(path.substr(1), {column})
        .request("POST", path)
        .body({field("id", "id", kRequired)})
        .fixed({{"shop_id", "{shop_id}"}})
        .sets(column, value)
        .result("data")
        .returning(returning_all(t))
        .proof("status", "\"OK\"");
  };
  t.writes = {
      set_to("/updateCartStatus", "status", "completed"),
      set_to("/updateCartPackageStatus", "package_status", "ready"),
  };
  t.no_delete_reason = "the Glocher API has no request that deletes a cart";
  t.est_rows = 500;
  return t;
}

// The [field, message] pairs of an ERR answer: "login: Wrong email or password; ...".
std::string err_pairs(const json::Value* data) {
  if (!data) return std::string();
  if (data->kind() == json::Kind::String) return json::text(*data);
  if (data->kind() != json::Kind::Array) return json::display(*data);
  std::string out;
  for (const auto& pair : data->elements()) {
    std::string one;
    if (pair.kind() == json::Kind::Array && pair.size() == 2)
      one = json::text(pair.element(0)) + ": " + json::text(pair.element(1));
    else if (pair.kind() == json::Kind::String)
      one = json::text(pair);
    else
      one = json::display(pair);
    out += (out.empty() ? "" : "; ") + one;
  }
  return out;
}

constexpr const char* kErr = "status ERR: ";

// Whether an error message (as err_pairs formats it) has a pair whose field is
// `field` and, when `text` is set, whose message contains it.
bool has_pair(const std::string& message, const std::string& field, const std::string& text = "") {
  std::string rest = message.rfind(kErr, 0) == 0 ? message.substr(std::string(kErr).size()) : message;
  size_t start = 0;
  while (start <= rest.size()) {
    size_t end = rest.find("; ", start);
    const std::string pair = rest.substr(start, end == std::string::npos ? std::string::npos : end - start);
    if (pair.rfind(field + ": ", 0) == 0) {
      if (text.empty()) return true;
      std::string lower = pair;
      for (char& c : lower) c = char(std::tolower(static_cast<unsigned char>(c)));
      if (lower.find(text) != std::string::npos) return true;
    }
    if (end == std::string::npos) break;
    start = end + 2;
  }
  return false;
}

class Glocher : public Api {
 public:
  Glocher() {
    name = "glocher";
    default_base_url = "https://api-v1.glocher.com/api";
    // The shop every call names: {shop_id} in the declarations below.
    options = {secret("email"), secret("password"), required(id_option("shop_id"))};
    default_rate_per_minute = 0;
    default_concurrency = 4;
    default_max_requests = 10000;  // no published limit: a bound all the same
    login_requests = 1;  // a token from auth
    tables = {shop(), categories(), stock(), carts()};
  }

  // The token goes where the request's other parameters are: a query field
  // of a GET, a member of a JSON body (the API rejects the two mixed).
  void authenticate(Session& session, HttpRequest& req) const override {
    const std::string token = login(session);
    if (req.body.empty()) {
      req.url += (req.url.find('?') == std::string::npos ? "?" : "&") + std::string("token=") + pct_encode(token);
      return;
    }
    json::Builder b;
    b.set_string("token", token);
    const std::string member = b.str();  // {"token":"..."}
    if (req.body.size() < 2 || req.body.front() != '{')
      throw Error(sqlstate::kInternalError, "glocher " + req.display + ": the body is not a JSON object");
    const bool empty = req.body.find_first_not_of(" \t\r\n", 1) == req.body.size() - 1;
    req.body = member.substr(0, member.size() - 1) + (empty ? "" : ",") + req.body.substr(1);
  }

  std::string error_message(const HttpResponse& resp) const override {
    json::Doc doc;
    std::string why;
    if (!resp.body.empty() && doc.parse(resp.body, &why)) {
      std::string message;
      if (application_error(doc.root(), &message)) return message;
    }
    return Api::error_message(resp);
  }

  bool application_error(const json::Value& root, std::string* message) const override {
    const json::Value* status = root.get("status");
    if (!status || status->kind() != json::Kind::String || json::text(*status) == "OK") return false;
    // The [field, message] pairs of `data`, and a top-level "message" when
    // there is one (some errors, e.g. in an HTTP 500, carry only that).
    std::string text = err_pairs(root.get("data"));
    if (const json::Value* m = root.get("message"); m && m->kind() == json::Kind::String && !json::text(*m).empty())
      text += (text.empty() ? "" : "; ") + json::text(*m);
    *message = kErr + text;
    return true;
  }

  // An ERR about the token (or an HTTP 401): the cached token expired.
  bool is_expired_login(long status, const std::string& message) const override {
    return status == 401 || has_pair(message, "token");
  }

  // A lookup of a product or cart that is not there answers ERR "id: ... not found".
  bool is_not_found(long status, const std::string& message) const override {
    return status == 404 || has_pair(message, "id", "not found");
  }

 private:
  // The cached token of this server and user, or a new one from `auth`. The
  // cache entry remembers the URL and email it was issued for, so a changed
  // user mapping or base_url logs in again.
  static std::string login(Session& session) {
    const Config& cfg = session.config();
    const std::string email = cfg.secrets.count("email") ? cfg.secrets.at("email") : std::string();
    const std::string password = cfg.secrets.count("password") ? cfg.secrets.at("password") : std::string();
    const std::string owner = cfg.base_url + '\n' + email + '\n';
    std::string& state = session.login_state();
    if (state.size() > owner.size() && state.compare(0, owner.size(), owner) == 0) return state.substr(owner.size());

    // Errors show the request's display, never its body with the password.
    const ApiRequest shown = login_request("/auth", {{"email", email}, {"pwd", password}});
    HttpRequest h = http_request(session.api().name, cfg.base_url, shown);
    h.login = true;
    const HttpResponse resp = session.send_raw(std::move(h));

    const Api& api = session.api();
    if (resp.status >= 300 || resp.status < 200)
      session.fail(shown, resp.status, api.error_message(resp), resp.status == 400 ? 401 : 0);
    json::Doc doc;
    std::string why;
    if (!doc.parse(resp.body, &why))
      session.fail(shown, resp.status, "the response is not valid JSON (" + why + ")", 502);
    std::string message;
    if (api.application_error(doc.root(), &message)) session.fail(shown, resp.status, message, 401);
    const json::Value* token = doc.root().get("data.token");
    if (!token || token->kind() != json::Kind::String || json::text(*token).empty())
      session.fail(shown, resp.status, "the answer holds no token", 502);
    state = owner + json::text(*token);
    return json::text(*token);
  }
};

}  // namespace

Api* glocher_api() {
  static Glocher api;
  return &api;
}

}  // namespace cfdw
