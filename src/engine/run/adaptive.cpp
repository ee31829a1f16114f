// commerce_fdw engine: adaptive lookups (see adaptive.h).
#include "engine/run/adaptive.h"

#include <algorithm>
#include <sstream>
#include <stdexcept>
#include <utility>

#include "engine/error.h"

namespace cfdw {

std::string ListFallback::serialize() const {
  std::ostringstream o;
  o << pages << ';';
  for (size_t k = 0; k < key_columns.size(); ++k) o << (k ? "," : "") << key_columns[k] << ':' << key_values[k];
  o << ';' << plan.serialize();
  return o.str();
}

ListFallback ListFallback::deserialize(const std::string& s) {
  ListFallback f;
  const size_t a = s.find(';');
  const size_t b = a == std::string::npos ? a : s.find(';', a + 1);
  if (b == std::string::npos) throw std::invalid_argument("bad list fallback: " + s);
  f.pages = std::stol(s.substr(0, a));
  std::stringstream keys(s.substr(a + 1, b - a - 1));
  std::string item;
  while (std::getline(keys, item, ',')) {
    const size_t colon = item.find(':');
    f.key_columns.push_back(std::stoi(item.substr(0, colon)));
    f.key_values.push_back(std::stoi(item.substr(colon + 1)));
  }
  f.plan = ScanPlan::deserialize(s.substr(b + 1));
  return f;
}

AdaptiveLookups::AdaptiveLookups(ListFallback fallback, long max_rows)
    : fb_(std::move(fallback)), max_rows_(max_rows) {}

AdaptiveLookups::~AdaptiveLookups() = default;

// Key parts joined with their lengths: no separator can be confused with a value.
std::string AdaptiveLookups::key_of(const std::vector<const std::string*>& parts) {
  std::string k;
  for (const std::string* p : parts) k += std::to_string(p->size()) + ':' + *p;
  return k;
}

void AdaptiveLookups::let_go(const std::string& why) {
  state_ = State::Abandoned;
  why_ = why;
  std::vector<Row>().swap(rows_);
  std::unordered_multimap<std::string, size_t>().swap(index_);
  std::vector<size_t>().swap(matches_);
  list_values_.clear();
}

void AdaptiveLookups::read_list(Session& session, const Table& table, const std::vector<CondValues>& list_values,
                                const std::vector<bool>& needed) {
  std::vector<bool> need = needed;
  need.resize(table.columns.size(), true);
  for (int c : fb_.key_columns) need[size_t(c)] = true;
  Scan scan(session, table, fb_.plan, list_values, need);
  Row row;
  bool over = false;
  try {
    while (scan.next(&row)) {
      if (long(rows_.size()) >= max_rows_) {
        over = true;
        break;
      }
      rows_.push_back(std::move(row));
    }
  } catch (const Error& e) {
    // The lookups may still work (a listing the remote cannot page, a value
    // the list holds and no lookup needs); a statement over its request budget stops.
    list_requests_ = scan.requests_sent();
    if (e.sqlstate() == sqlstate::kProgramLimitExceeded) throw;
    let_go(e.what());
    return;
  }
  list_requests_ = scan.requests_sent();
  if (over) {
    let_go("more than " + std::to_string(max_rows_) + " rows");
    return;
  }
  list_values_ = list_values;
  for (size_t r = 0; r < rows_.size(); ++r) {
    std::vector<const std::string*> parts;
    for (int c : fb_.key_columns) {
      const std::optional<std::string>& v = rows_[r][size_t(c)];
      if (!v) break;  // a NULL key matches no lookup
      parts.push_back(&*v);
    }
    if (parts.size() == fb_.key_columns.size()) index_.emplace(key_of(parts), r);
  }
  state_ = State::Held;
}

static bool same_values(const std::vector<CondValues>& a, const std::vector<CondValues>& b) {
  if (a.size() != b.size()) return false;
  for (size_t i = 0; i < a.size(); ++i)
    if (a[i].values != b[i].values) return false;
  return true;
}

bool AdaptiveLookups::answer(Session& session, const Table& table, const std::vector<CondValues>& lookup_values,
                             const std::vector<CondValues>& list_values, const std::vector<bool>& needed,
                             int64_t lookups_sent) {
  answering_ = false;
  matches_.clear();
  next_match_ = 0;
  if (state_ == State::Lookups && fb_.pages > 0 && lookups_sent >= fb_.pages) {
    lookups_before_ = lookups_sent;
    read_list(session, table, list_values, needed);
  }
  if (state_ != State::Held) return false;
  // The list was read for other values of its conditions (a correlated
  // subquery's): it answers nothing of this lookup.
  if (!same_values(list_values, list_values_)) {
    let_go("the list's conditions changed");
    return false;
  }
  std::vector<const std::string*> parts;
  for (int v : fb_.key_values) {
    const CondValues& cv = lookup_values.at(size_t(v));
    if (cv.values.size() != 1 || !cv.values[0]) break;  // NULL: no row, as the lookup
    parts.push_back(&*cv.values[0]);
  }
  if (parts.size() == fb_.key_values.size()) {
    auto range = index_.equal_range(key_of(parts));
    for (auto it = range.first; it != range.second; ++it) matches_.push_back(it->second);
    std::sort(matches_.begin(), matches_.end());  // the list's order
  }
  answering_ = true;
  ++answered_;
  return true;
}

std::string AdaptiveLookups::describe() const {
  const std::string list = std::to_string(list_requests_) + (list_requests_ == 1 ? " request" : " requests");
  const std::string sent = std::to_string(lookups_before_) + " sent, then the list read ";
  if (state_ == State::Held) return sent + "once (" + list + "); " + std::to_string(answered_) + " answered from it";
  return sent + "(" + list + ") and let go (" + why_ + "); the lookups went on";
}

bool AdaptiveLookups::next(Row* row) {
  if (!answering_ || next_match_ >= matches_.size()) return false;
  *row = rows_[matches_[next_match_++]];
  return true;
}

}  // namespace cfdw
