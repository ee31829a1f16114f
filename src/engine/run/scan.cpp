// commerce_fdw engine: executing table reads (see scan.h) — the request
// series render_scan gives, fetched lazily, guarded and decoded into rows.
#include "engine/run/scan.h"

#include <algorithm>
#include <functional>
#include <string_view>

#include "engine/error.h"
#include "engine/wire/url.h"
#include "engine/wire/values.h"

namespace cfdw {

// ---------------------------------------------------------------------------
// Execution: request series

// One series of requests as rendered (path, parameters, echoed values,
// supplement lookup), and how far it has been read: `page` and `size` start
// at the rendered first page and move on as pages arrive.
struct Scan::Series : RenderedSeries {
  explicit Series(RenderedSeries r) : RenderedSeries(std::move(r)) {}
  long received = 0;                                      // rows received so far
  long total = -1;                                        // remote total, when reported
  long pages = -1;                                        // remote page count, when reported
  bool done = false;
  bool started = false;
  long pages_seen = 0;                                    // pages received (guard against endless listings)
  uint64_t last_hash = 0;                                 // hash of the previous page's rows
  long last_rows = 0;                                     // rows of the previous page
  std::unique_ptr<json::Doc> supplement;                  // supplement object (null: none/404)
};

Scan::Scan(Session& session, const Table& table, ScanPlan plan, std::vector<CondValues> values,
           std::vector<bool> needed)
    : session_(session), table_(table), plan_(std::move(plan)), values_(std::move(values)),
      needed_(std::move(needed)) {
  build_series();
}

Scan::~Scan() = default;

void Scan::build_series() {
  const std::vector<std::optional<CondValues>> values(values_.begin(), values_.end());
  for (RenderedSeries& r : render_scan(table_, plan_, values, session_.config()).series)
    series_.push_back(std::make_unique<Series>(std::move(r)));
}

namespace {

// A has-more flag: 1, 0, or -1 when absent or not a flag.
int more_flag(const json::Value* v) {
  if (!v) return -1;
  switch (v->kind()) {
    case json::Kind::Bool: return v->is_true() ? 1 : 0;
    case json::Kind::Number: {
      const std::string t = json::text(*v);
      return t == "0" ? 0 : t == "1" ? 1 : -1;
    }
    default: return -1;
  }
}

}  // namespace

json::RowLimit page_row_limit(const Endpoint& ep, long size) {
  json::RowLimit limit;
  if (ep.shape != Shape::List || ep.paging.style == PagingStyle::None) return limit;
  limit.rows_path = ep.rows;
  // The size asked for, or the API's own fixed page size.
  limit.max_rows = ep.paging.size_param.empty() ? std::max<long>(ep.paging.max_size, size) : size;
  return limit;
}

// ---------------------------------------------------------------------------
// Execution: paging and decoding

long parse_total(const json::Value* v) {
  if (!v) return -1;
  const json::Kind k = v->kind();
  if (k != json::Kind::Number && k != json::Kind::String) return -1;
  const std::string t = json::text(*v);  // a number's exact source text
  if (t.empty() || t.size() > 15 || t.find_first_not_of("0123456789") != std::string::npos) return -1;
  return std::stol(t);
}

void Scan::guard_page(Series& s, const json::Value* rows, long n, const std::string& where) {
  const std::string api = session_.api().name + " " + where;
  if (++s.pages_seen > max_pages_)
    throw Error(sqlstate::kFdwError,
                api + ": the listing did not end after " + std::to_string(max_pages_) + " pages",
                "commerce_fdw stops a listing at " + std::to_string(max_pages_) +
                    " pages per request series rather than page forever.");
  // The same rows as the page before: the remote ignores the page asked for.
  // Compared by the first, middle and last rows (and the count): a page the
  // remote repeats matches in all of them, a page of other rows in none, and
  // the check costs three rows, not a pass over the page.
  uint64_t hash = 0;
  if (n > 0 && rows && rows->kind() == json::Kind::Array && rows->size() > 0) {
    const size_t m = rows->size();
    hash = uint64_t(m);
    for (const size_t i : {size_t(0), m / 2, m - 1}) hash = hash * 0x9E3779B97F4A7C15ull ^ rows->element(i).hash();
  }
  if (n > 0 && s.pages_seen > 1 && n == s.last_rows && hash == s.last_hash) {
    // With a total, say how many rows the listing could not reach.
    std::string unread;
    if (s.total >= 0 && s.total > s.received - n)
      unread = "; " + std::to_string(s.total - (s.received - n)) + " of its " + std::to_string(s.total) +
               " rows could not be read";
    throw Error(sqlstate::kFdwError, api + ": the response repeats the previous page (" + std::to_string(n) +
                                         " rows)" + unread,
                "The remote paging cannot be trusted; the listing was stopped instead of paging forever.");
  }
  s.last_hash = hash;
  s.last_rows = n;
  if (s.total >= 0 && s.received > s.total)
    throw Error(sqlstate::kFdwError,
                api + ": the listing returned more rows (" + std::to_string(s.received) + ") than its total (" +
                    std::to_string(s.total) + ")",
                "The remote paging cannot be trusted; the listing was stopped instead of returning a guess.");
}

bool Scan::fetch_more() {
  std::vector<ApiRequest> reqs;
  if (!begin_fetch(&reqs)) return false;
  end_fetch(reqs, session_.call_many(reqs));
  return true;
}

bool Scan::begin_fetch(std::vector<ApiRequest>* out) {
  while (current_ < series_.size() && series_[current_]->done) ++current_;
  if (current_ >= series_.size()) return false;
  Series& s = *series_[current_];
  const Endpoint& ep = table_.reads[s.endpoint];

  if (!s.started && s.supplement_request) {
    ApiResult res = session_.call(*s.supplement_request);
    ++requests_;
    if (!res.not_found) s.supplement = std::make_unique<json::Doc>(std::move(res.doc));
  }
  s.started = true;

  // How many pages to ask at once: several only when every row will be read
  // and the remote has told how many there are.
  // The pages still to come, from the page count the API reported, else from
  // its row total and the page size it answered with.
  long pages_left = -1;
  if (s.pages >= 0)
    pages_left = s.pages - (s.page - ep.paging.first_page);
  else if (s.total >= 0 && s.size > 0)
    pages_left = (s.total - s.received + s.size - 1) / s.size;
  int batch = 1;
  if (plan_.eager && pages_left > 1 && ep.paging.style != PagingStyle::None)
    batch = int(std::min<long>(pages_left, session_.config().max_concurrency));
  std::vector<ApiRequest>& reqs = *out;
  reqs.clear();
  for (int i = 0; i < batch; ++i) {
    reqs.push_back(page_request(ep, s.path, s.query, s.page + i, s.size));
    reqs.back().row_limit = page_row_limit(ep, s.size);
  }
  requests_ += long(reqs.size());
  return true;
}

void Scan::end_fetch(const std::vector<ApiRequest>& reqs, std::vector<ApiResult> results) {
  Series& s = *series_[current_];
  const Endpoint& ep = table_.reads[s.endpoint];
  for (size_t i = 0; i < results.size(); ++i) {
    ApiResult& res = results[i];
    if (s.done) break;  // an earlier page of this batch was the last
    s.page++;
    if (res.not_found) {
      s.done = true;
      break;
    }
    const json::Value& root = res.doc.root();  // stays where it is when res moves into pages_
    const json::Value* rows = root.get(ep.rows);
    const std::string where = reqs[i].display();
    const long got = decode_page(s, res, where);
    s.received += got;
    // A reported total replaces an earlier one; one that is not an exact
    // count makes it unknown (never guessed from a prefix).
    const json::Value* reported_total =
        ep.paging.total_path.empty() ? nullptr : root.get(ep.paging.total_path);
    if (reported_total) s.total = parse_total(reported_total);
    if (!ep.paging.count_path.empty() && rows && rows->kind() == json::Kind::Array) {
      // A count larger than its page is the list's total; one that is not
      // says nothing (it may be the page's own count).
      const long count = parse_total(root.get(ep.paging.count_path));
      if (count > long(rows->size()) || (count >= 0 && s.total >= 0)) s.total = count;
    }

    switch (ep.paging.style) {
      case PagingStyle::None:
        s.done = true;
        break;
      case PagingStyle::PageSize:
      case PagingStyle::Offset: {
        long n = rows && rows->kind() == json::Kind::Array ? long(rows->size()) : got;
        guard_page(s, rows, n, where);
        const int more = ep.paging.more_path.empty() ? -1 : more_flag(root.get(ep.paging.more_path));
        if (more >= 0) {
          s.done = more == 0;
        } else if (s.total >= 0) {
          s.done = s.received >= s.total || n == 0;
        } else {
          s.done = n < s.size;
        }
        if (!s.done && n < s.size && n > 0 && s.page == ep.paging.first_page + 1) {
          // The server capped the page below what was asked: continue at its size.
          s.size = n;
        }
        if (n == 0) s.done = true;
        break;
      }
      case PagingStyle::PageNumber: {
        long pages = parse_total(root.get(ep.paging.pages_path));
        if (pages >= 0) s.pages = pages;
        long n = rows && rows->kind() == json::Kind::Array ? long(rows->size()) : got;
        guard_page(s, rows, n, where);
        s.done = n == 0 || (pages >= 0 ? s.page - ep.paging.first_page >= pages : n < s.size);
        break;
      }
    }
    if (plan_.limit >= 0 && returned_ + long(buffered_) >= plan_.limit) s.done = true;
  }
}

// A page's rows, decoded one at a time as next() returns them (the page's
// document is all a page costs, not a decoded copy of each of its rows).
struct Scan::Page {
  ApiResult result;                      // owns the document the rows are in
  const Series* series = nullptr;
  const json::Value* rows = nullptr;     // the list, the object of objects, or the one row
  Shape shape = Shape::List;
  size_t count = 0;                      // rows
  size_t next = 0;                       // the next row to return
  std::vector<ApiResult> details;        // per row: its detail object (fetched for detail columns)
  std::vector<uint32_t> kept;            // with details: the rows whose detail exists, in order
  const Endpoint* detail = nullptr;

  const json::Value& object(size_t i) const {
    if (shape == Shape::Object) return *rows;
    if (rows->kind() == json::Kind::Object) return rows->members().begin()[i].value;
    return rows->elements().begin()[i];
  }
};

long Scan::decode_page(const Series& s, ApiResult& res, const std::string& where) {
  const Endpoint& ep = table_.reads[s.endpoint];
  const json::Value* rows = res.doc.root().get(ep.rows);
  const std::string api = session_.api().name + " " + where;
  const std::string at = ep.rows.empty() ? "the top level" : "\"" + ep.rows + "\"";
  if (ep.shape == Shape::List && (!rows || rows->kind() != json::Kind::Array))
    throw Error(sqlstate::kFdwInvalidDataType,
                api + ": expected a list of rows at " + at + ", got " + (rows ? json::display(*rows) : "nothing"));
  if (!rows || rows->kind() == json::Kind::Null) return 0;
  Page page;
  page.series = &s;
  page.rows = rows;
  page.shape = ep.shape;
  switch (ep.shape) {
    case Shape::Object:
      page.count = 1;
      break;
    case Shape::List:
      page.count = rows->size();
      break;
    case Shape::ObjectMap:
      page.count = rows->kind() == json::Kind::Object || rows->kind() == json::Kind::Array ? rows->size() : 0;
      break;
  }
  if (page.count == 0) return 0;
  // A row is an object; anything else (a number, a string, null) would be a
  // row of NULLs.
  for (size_t i = 0; i < page.count; ++i)
    if (page.object(i).kind() != json::Kind::Object)
      throw Error(sqlstate::kFdwInvalidDataType,
                  api + ": item " + std::to_string(i + 1) + " of the list at " + at + " is not an object: " +
                      json::display(page.object(i)));
  if (plan_.detail && table_.detail >= 0 && !ep.has_detail) {
    // Fetch each row's detail object; a row deleted meanwhile (404) is dropped.
    const Endpoint& det = table_.reads[table_.detail];
    std::vector<ApiRequest> reqs;
    for (size_t i = 0; i < page.count; ++i) reqs.push_back(detail_request(table_, page.object(i)));
    page.details = session_.call_many(reqs);
    requests_ += long(reqs.size());
    page.detail = &det;
    for (size_t i = 0; i < page.count; ++i)
      if (!page.details[i].not_found) page.kept.push_back(uint32_t(i));
    page.count = page.kept.size();
    if (page.count == 0) return 0;
  }
  const long n = long(page.count);
  page.result = std::move(res);  // the document's values stay where they are
  buffered_ += page.count;
  pages_.push_back(std::move(page));
  return n;
}

void Scan::take_row(Row* row) {
  Page& p = pages_.front();
  const size_t i = p.next++;
  if (p.detail) {
    const size_t k = p.kept[i];
    const json::Value* d = p.details[k].doc.root().get(p.detail->rows);
    decode_row(d ? *d : p.object(k), *p.series, row, d ? &p.object(k) : nullptr);
  } else {
    decode_row(p.object(i), *p.series, row);
  }
  --buffered_;
  if (p.next == p.count) pages_.pop_front();
}

void Scan::decode_row(const json::Value& obj, const Series& s, Row* out, const json::Value* fallback) {
  out->assign(table_.columns.size(), std::nullopt);
  const Endpoint& ep = table_.reads[s.endpoint];
  // The object that supplies columns this endpoint's rows lack, if any.
  const json::Value* supplement = s.supplement ? (s.supplement->root()).get(ep.supplement_rows) : nullptr;
  // The first non-null value at one of a column's '|'-separated paths.
  auto lookup = [](const json::Value& o, std::string_view paths) -> const json::Value* {
    for (;;) {  // no copy of a path: this runs for every column of every row
      const size_t bar = paths.find('|');
      const json::Value* v = o.get(paths.substr(0, bar));
      if (v && v->kind() != json::Kind::Null) return v;
      if (bar == std::string_view::npos) return nullptr;
      paths.remove_prefix(bar + 1);
    }
  };
  for (size_t i = 0; i < table_.columns.size(); ++i) {
    if (i < needed_.size() && !needed_[i]) continue;
    const Column& c = table_.columns[i];
    if (c.has(ColumnFlag::kWriteOnly)) continue;
    if (c.has(ColumnFlag::kRaw)) {
      (*out)[i] = json::serialize(obj);
      continue;
    }
    const json::Value* v = nullptr;
    if (!c.has(ColumnFlag::kEcho)) {
      v = lookup(obj, c.path);
      if (!v && fallback) v = lookup(*fallback, c.path);
    }
    if (!v && supplement) {
      for (const auto& [col, p] : ep.supplement_map)
        if (col == c.name) v = supplement->get(p);
    }
    if (!v && (c.has(ColumnFlag::kEcho) || c.has(ColumnFlag::kFill))) {
      for (const auto& [col, val] : s.echo)
        if (col == c.name) (*out)[i] = val;
      continue;
    }
    if (!v) {
      bool from_config = false;
      for (const auto& [col, value] : ep.fill)
        if (col == c.name) {
          (*out)[i] = substitute_config(value, session_.config());
          from_config = true;
        }
      if (from_config) continue;
    }
    std::string text, why;
    switch (json::decode(v, c.type, c.decode, &text, &why)) {
      case json::DecodeResult::Null:
        break;
      case json::DecodeResult::Ok:
        (*out)[i] = std::move(text);
        break;
      case json::DecodeResult::Nul:
        throw json::nul_error(c.name, session_.config().relname);
      case json::DecodeResult::Bad:
        throw Error(sqlstate::kFdwInvalidDataType,
                    "column \"" + c.name + "\" of foreign table \"" + session_.config().relname +
                        "\": remote value " + json::display(*v) + " is not a valid " + coltype_sql_name(c.type),
                    why.empty() ? std::string() : "The value is " + why + ".",
                    "The remote API returned data that does not fit the declared column type.");
    }
  }
}

bool Scan::next(Row* row) {
  while (buffered_ == 0) {
    if (plan_.limit >= 0 && returned_ >= plan_.limit) return false;
    if (!fetch_more()) return false;
  }
  take_row(row);
  ++returned_;
  session_.stats().rows++;
  return true;
}

Scan::Poll Scan::poll(Row* row) {
  while (buffered_ == 0) {
    if (plan_.limit >= 0 && returned_ >= plan_.limit) return Poll::End;
    if (!pending_) {
      if (!begin_fetch(&pending_reqs_)) return Poll::End;
      pending_ = session_.start_many(pending_reqs_);
    }
    if (!session_.poll(*pending_)) return Poll::Pending;
    std::vector<ApiResult> results = session_.finish_many(*pending_);
    pending_.reset();
    end_fetch(pending_reqs_, std::move(results));
  }
  take_row(row);
  ++returned_;
  session_.stats().rows++;
  return Poll::Row;
}

int64_t Scan::count() {
  int64_t total = 0;
  for (size_t i = 0; i < series_.size(); ++i) {
    Series& s = *series_[i];
    const Endpoint& ep = table_.reads[s.endpoint];
    ApiRequest r = count_request(ep, s);
    r.row_limit = page_row_limit(ep, 1);
    ApiResult res = session_.call(r);
    ++requests_;
    if (res.not_found) continue;
    const long n = parse_total(res.doc.root().get(ep.paging.total_path));
    // A total that is not an exact count is never guessed from: count the rows.
    total += n >= 0 ? n : count_by_paging(i);
  }
  return total;
}

int64_t Scan::count_by_paging(size_t index) {
  Series& s = *series_[index];
  const Endpoint& ep = table_.reads[s.endpoint];
  s.page = ep.paging.first_page;
  s.size = page_size_for(ep, session_.config(), -1);
  s.received = 0;
  s.total = s.pages = -1;
  s.pages_seen = 0;
  s.done = false;
  const long limit = plan_.limit;
  plan_.limit = -1;
  current_ = index;
  int64_t rows = 0;
  while (!s.done && fetch_more()) {
    rows += int64_t(buffered_);
    pages_.clear();
    buffered_ = 0;
  }
  plan_.limit = limit;
  return rows;
}

int64_t Scan::reported_total() const {
  int64_t total = 0;
  for (const auto& s : series_) {
    if (s->total >= 0)
      total += s->total;
    else if (s->done)
      total += s->received;
    else
      return -1;
  }
  return total;
}

}  // namespace cfdw
