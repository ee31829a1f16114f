// commerce_fdw engine: writes (see modify.h) — the ledger of a statement's rows by
// outcome, and Writer: batching, sending, what comes back (the requests are
// built by engine/wire/writes.h).
// Which rule a statement uses: modify_rule.cpp.
#include "engine/run/modify.h"

#include <algorithm>
#include <cctype>
#include <cstdlib>

#include "engine/error.h"

namespace cfdw {

namespace {

// A key value in an outcome report: as is when plain, else double-quoted;
// long values are cut (the report must fit an error's DETAIL).
std::string show_key_value(const std::string& v) {
  constexpr size_t kMax = 40;
  bool plain = !v.empty();
  for (unsigned char c : v)
    if (!(std::isalnum(c) || c == '-' || c == '_' || c == '.' || c == '/' || c == ':' || c == '@' || c == '+'))
      plain = false;
  std::string body = v;
  if (body.size() > kMax) {
    size_t cut = kMax;
    while (cut > 0 && (static_cast<unsigned char>(body[cut]) & 0xC0) == 0x80) --cut;  // a UTF-8 boundary
    body = body.substr(0, cut) + "...";
  }
  if (plain) return body;
  std::string q = "\"";
  for (char c : body) {
    if (c == '"') q += "\"\"";
    else if (static_cast<unsigned char>(c) < 0x20) q += ' ';
    else q += c;
  }
  return q + "\"";
}

}  // namespace

const char* write_outcome_name(WriteOutcome o) {
  switch (o) {
    case WriteOutcome::Applied: return "applied";
    case WriteOutcome::NotApplied: return "not applied";
    case WriteOutcome::Unknown: return "unknown";
  }
  return "?";
}

WriteOutcome outcome_of(const Error& e) {
  // Only a failure known not to have reached or changed the remote is "not
  // applied"; anything unsaid is unknown.
  return e.effect() == RequestEffect::NotApplied ? WriteOutcome::NotApplied : WriteOutcome::Unknown;
}

void WriteLedger::add(WriteOutcome o, const std::string& key, int64_t rows) {
  Part& p = parts_[int(o)];
  if (p.keys.size() < kListed) p.keys.push_back(key);
  p.count += rows;
}

int64_t WriteLedger::total() const { return parts_[0].count + parts_[1].count + parts_[2].count; }

std::string WriteLedger::describe(const std::string& label) const {
  std::string out;
  for (WriteOutcome o : {WriteOutcome::Applied, WriteOutcome::Unknown, WriteOutcome::NotApplied}) {
    const Part& p = parts_[int(o)];
    if (!out.empty()) out += '\n';
    out += std::string(write_outcome_name(o)) + ": " + std::to_string(p.count) + (p.count == 1 ? " row" : " rows");
    if (p.keys.empty()) continue;
    // Rows named by their key values, then rows named by position ("row 3":
    // a key value never reads so, since one with a space is quoted).
    std::string keyed, positional;
    for (const std::string& k : p.keys) {
      std::string& list = k.rfind("row ", 0) == 0 ? positional : keyed;
      list += (list.empty() ? "" : ", ") + k;
    }
    out += " (";
    if (!keyed.empty()) out += (label.empty() ? "" : label + ": ") + keyed;
    if (!positional.empty()) out += (keyed.empty() ? "" : "; ") + positional;
    if (p.count > int64_t(p.keys.size())) out += " and " + std::to_string(p.count - int64_t(p.keys.size())) + " more";
    out += ")";
  }
  return out;
}

Writer::Writer(Session& session, const Table& table, int rule, int batch, bool returning,
               std::vector<std::string> changed)
    : session_(session), table_(table), w_(table.writes.at(rule)),
      batch_(returning || w_.batch_max <= 0 ? 1 : std::max(1, std::min(batch, w_.batch_max))),
      changed_(std::move(changed)) {
  key_columns_ = !w_.key.empty() ? w_.key : w_.kind != WriteKind::Insert ? table_.key : std::vector<std::string>();
}

Writer::~Writer() = default;

WriteRequests Writer::requests() const { return WriteRequests(table_, w_, session_.config(), changed_); }

bool Writer::expects_data() const { return w_.kind != WriteKind::Delete && !w_.returning.empty(); }

std::string Writer::row_key(const Row& new_row, const Row& old_row) const {
  std::vector<std::string> values;
  for (const std::string& col : key_columns_) {
    const int idx = table_.column_index(col);
    const std::optional<std::string>* v = nullptr;
    if (idx >= 0 && size_t(idx) < old_row.size() && old_row[idx]) v = &old_row[idx];
    else if (idx >= 0 && size_t(idx) < new_row.size() && new_row[idx]) v = &new_row[idx];
    if (!v) return "row " + std::to_string(seq_);  // no key value (yet): its position in the statement
    values.push_back(show_key_value(**v));
  }
  if (values.empty()) return "row " + std::to_string(seq_);
  if (values.size() == 1) return values[0];
  std::string s = "(";
  for (size_t i = 0; i < values.size(); ++i) s += (i ? ", " : "") + values[i];
  return s + ")";
}

Error Writer::report(const Error& e) const {
  std::string label;
  if (key_columns_.size() == 1) {
    label = key_columns_[0];
  } else if (!key_columns_.empty()) {
    for (const auto& c : key_columns_) label += (label.empty() ? "(" : ", ") + c;
    label += ")";
  }
  std::string detail = e.detail();
  detail += (detail.empty() ? "" : "\n") + std::string("Rows of this statement by outcome:\n") + ledger_.describe(label);
  std::string hint = e.hint();
  auto add_hint = [&](const std::string& h) { hint += (hint.empty() ? "" : " ") + h; };
  if (ledger_.count(WriteOutcome::Unknown) > 0)
    add_hint("A row with an unknown outcome may or may not have been written: read it back and compare before "
             "running the statement again (see \"Write outcomes\" in docs/" + session_.api().name + ".md).");
  else if (ledger_.count(WriteOutcome::Applied) > 0)
    add_hint("The applied rows stay applied (a remote write is not rolled back); run the statement again only "
             "for the rows not applied.");
  Error out(e.sqlstate(), e.what(), detail, hint);
  out.set_effect(e.effect());
  return out;
}

Error Writer::not_sent(const Error& e, const std::string& key) {
  for (const std::string& k : queued_keys_) ledger_.add(WriteOutcome::NotApplied, k);
  queued_keys_.clear();
  queued_items_.clear();
  queued_rows_.clear();
  if (!key.empty()) ledger_.add(WriteOutcome::NotApplied, key);
  return report(e);
}

Error Writer::not_sent(const Error& e, const std::vector<std::string>& keys) {
  for (const std::string& k : keys) ledger_.add(WriteOutcome::NotApplied, k);
  return not_sent(e, std::string());
}

bool Writer::proven(const json::Value& root, size_t n, const std::vector<std::string>& items,
                    std::vector<bool>* named, std::string* why) const {
  const SuccessProof& p = w_.proof;
  named->assign(n, false);
  if (!p.declared) return true;
  const json::Value* v = root.get(p.path);
  const std::string what = p.path.empty() ? std::string("the answer") : "\"" + p.path + "\"";
  if (!p.each) {
    if (!v || v->kind() == json::Kind::Null) {
      *why = "the answer lacks " + what + ", the proof that the " + w_.name + " request succeeded";
      return false;
    }
    if (!p.equals.empty() && json::serialize(*v) != p.equals) {
      *why = what + " is " + json::display(*v) + ", not " + p.equals + " as when the " + w_.name + " request succeeds";
      return false;
    }
    return true;
  }
  if (!v || v->kind() != json::Kind::Array) {
    *why = "the answer lacks " + what + ", the list proving each row of the " + w_.name + " request";
    return false;
  }
  if (v->size() == n) return true;
  // A list of another length: the rows its entries name are done, the others unknown.
  size_t found = 0;
  if (!p.names.empty() && items.size() == n) {
    std::vector<bool> used(v->size(), false);
    for (size_t i = 0; i < n; ++i) {
      json::Doc item;
      std::string err;
      if (!item.parse(items[i], &err)) continue;
      for (size_t k = 0; k < v->size() && !(*named)[i]; ++k) {
        if (used[k] || (v->element(k)).kind() != json::Kind::Object) continue;
        bool same = true;
        for (const std::string& name : p.names) {
          const json::Value* a = item.root().get(name);
          const json::Value* b = (v->element(k)).get(name);
          same = same && a && b && a->kind() != json::Kind::Null && json::serialize(*a) == json::serialize(*b);
        }
        if (same) used[k] = (*named)[i] = true;
      }
      if ((*named)[i]) ++found;
    }
  }
  if (found == n) return true;
  *why = what + " lists " + std::to_string(v->size()) + " entries for the " + std::to_string(n) +
         (n == 1 ? " row" : " rows") + " sent" +
         (p.names.empty() ? std::string() : ", naming " + std::to_string(found) + " of them");
  return false;
}

ApiResult Writer::send(const ApiRequest& r, const std::vector<std::string>& keys,
                       const std::vector<std::string>& items) {
  in_flight_ = keys;
  ApiResult res;
  try {
    res = session_.call(r);
  } catch (const Error& e) {
    const WriteOutcome o = outcome_of(e);
    for (const std::string& k : keys) ledger_.add(o, k);
    in_flight_.clear();
    throw report(e);
  }
  // (a cfdw::Cancelled leaves in_flight_ set for cancelled_in_flight())
  // A 2xx without the rule's proof of success: the rows it does not name may
  // or may not have been written.
  std::vector<bool> named;
  std::string why;
  if (!proven(res.doc.root(), keys.size(), items, &named, &why)) {
    for (size_t i = 0; i < keys.size(); ++i)
      ledger_.add(named[i] ? WriteOutcome::Applied : WriteOutcome::Unknown, keys[i]);
    in_flight_.clear();
    throw report(Error(sqlstate::kFdwUnableToEstablishConnection,
                       session_.api().name + " " + r.display() + ": HTTP " + std::to_string(res.status) + ": " + why)
                     .set_effect(RequestEffect::Unknown));
  }
  for (const std::string& k : keys) ledger_.add(WriteOutcome::Applied, k);
  in_flight_.clear();
  return res;
}

void Writer::refuse(const Row& new_row, const Row& old_row, const Error& e) {
  if (counted_) counted_ = false;
  else ++seq_;
  throw not_sent(e, row_key(new_row, old_row));
}

void Writer::cancelled_in_flight() {
  for (const std::string& k : in_flight_) ledger_.add(WriteOutcome::Unknown, k);
  in_flight_.clear();
  for (const std::string& k : queued_keys_) ledger_.add(WriteOutcome::NotApplied, k);
  queued_keys_.clear();
  queued_items_.clear();
  queued_rows_.clear();
}

void Writer::decode_result(const json::Value& obj, Row* row) const {
  for (const auto& [col, path] : w_.returning) {
    const int idx = table_.column_index(col);
    if (idx < 0) continue;
    const Column& c = table_.columns[idx];
    std::string text, why;
    const json::Value* v = obj.get(path);
    switch (json::decode(v, c.type, c.decode, &text, &why)) {
      case json::DecodeResult::Ok: (*row)[idx] = text; break;
      case json::DecodeResult::Null: if (v) (*row)[idx] = std::nullopt; break;
      case json::DecodeResult::Nul: throw json::nul_error(c.name, session_.config().relname);
      case json::DecodeResult::Bad:
        throw Error(sqlstate::kFdwInvalidDataType, "column \"" + c.name + "\" of foreign table \"" +
                                                       session_.config().relname + "\": returned value " +
                                                       json::display(*v) + " is not a valid " +
                                                       coltype_sql_name(c.type));
    }
  }
  const int raw = [&] {
    for (size_t i = 0; i < table_.columns.size(); ++i)
      if (table_.columns[i].has(ColumnFlag::kRaw)) return int(i);
    return -1;
  }();
  if (raw >= 0) (*row)[raw] = json::serialize(obj);
}

bool Writer::write(const Row& new_row, const Row& old_row, const std::optional<std::string>& delta, Row* returned) {
  if (counted_) counted_ = false;  // exists() has counted this row
  else ++seq_;
  const std::string key = row_key(new_row, old_row);
  ApiRequest r;
  std::vector<std::string> items;
  try {
    if (!w_.value_column.empty()) {
      const int idx = table_.column_index(w_.value_column);
      if (!new_row[idx] || *new_row[idx] != w_.value)
        throw Error(sqlstate::kFeatureNotSupported,
                    "foreign table \"" + session_.config().relname + "\" can only set " + w_.value_column + " = '" +
                        w_.value + "' through " + w_.name);
    }
    if (batch_ > 1) {
      std::string item = requests().item(new_row, old_row, delta);
      queued_items_.push_back(std::move(item));
      queued_rows_.push_back(new_row);
      queued_keys_.push_back(key);
    } else {
      r = requests().row(new_row, old_row, delta, expects_data());
      // A proof naming its rows (an adjust's entries) is matched against the item sent.
      if (w_.kind != WriteKind::Delete && !w_.proof.names.empty())
        items.push_back(requests().item(new_row, old_row, delta));
    }
  } catch (const Error& e) {
    throw not_sent(e, key);
  }
  if (batch_ > 1) {
    if (int(queued_items_.size()) >= batch_) send_batch();
    return false;
  }
  ApiResult res = send(r, {key}, items);
  *returned = new_row;
  try {
    if (res.doc.root().kind() != json::Kind::Null) {
      const json::Value* obj = res.doc.root().get(w_.result);
      if (obj && w_.batch_max > 0 && obj->kind() == json::Kind::Array && obj->size() > 0) obj = &obj->element(0);
      if (obj) decode_result(*obj, returned);
    }
  } catch (const Error& e) {
    throw report(e);  // the row is applied; what came back does not fit
  }
  return true;
}

ApiResult Writer::send_items(const std::vector<std::string>& items, const Row& first_row,
                             const std::vector<std::string>& keys, bool expect_data) {
  ApiRequest r;
  try {
    r = requests().batch(items, first_row, expect_data);
  } catch (const Error& e) {
    throw not_sent(e, keys);
  }
  return send(r, keys, items);
}

void Writer::send_batch() {
  if (queued_items_.empty()) return;
  std::vector<std::string> items, keys;
  items.swap(queued_items_);
  keys.swap(queued_keys_);
  const Row first = queued_rows_.front();
  queued_rows_.clear();
  send_items(items, first, keys, false);
}

void Writer::flush() { send_batch(); }

std::vector<Row> Writer::write_batch(const std::vector<Row>& rows) {
  std::vector<Row> out;
  if (w_.batch_max <= 0 || rows.size() == 1) {
    for (const Row& r : rows) {
      Row ret;
      write(r, Row(), std::nullopt, &ret);
      out.push_back(ret);
    }
    return out;
  }
  std::vector<std::string> keys;
  for (const Row& row : rows) {
    ++seq_;
    keys.push_back(row_key(row, Row()));
  }
  std::vector<std::string> items;
  try {
    for (const Row& row : rows) items.push_back(requests().item(row, Row(), std::nullopt));
  } catch (const Error& e) {
    throw not_sent(e, keys);
  }
  ApiResult res = send_items(items, rows.front(), keys, expects_data());
  const json::Value* arr = res.doc.root().get(w_.result);
  try {
    for (size_t i = 0; i < rows.size(); ++i) {
      Row ret = rows[i];
      if (arr && arr->kind() == json::Kind::Array) {
        const json::Value* item = nullptr;
        const int key = w_.match_key.empty() ? -1 : table_.column_index(w_.match_key);
        if (key >= 0 && ret[key]) {
          // match by key (e.g. an external id echoed back); rows without one by position
          const Column& c = table_.columns[key];
          for (auto& cand : arr->elements()) {
            const json::Value* k = cand.get(c.write_path.empty() ? c.path : c.write_path);
            if (k && json::text(*k) == *ret[key]) item = &cand;
          }
        } else if (i < arr->size()) {
          item = &arr->element(i);
        }
        if (item) decode_result(*item, &ret);
      }
      out.push_back(std::move(ret));
    }
  } catch (const Error& e) {
    throw report(e);  // the rows are applied; what came back does not fit
  }
  return out;
}

bool Writer::first_visit(const Row& old_row) {
  if (table_.key.empty()) return true;
  std::string key;
  for (const std::string& col : table_.key) {
    const int idx = table_.column_index(col);
    if (idx < 0 || size_t(idx) >= old_row.size() || !old_row[idx]) return true;
    key += std::to_string(old_row[idx]->size()) + ':' + *old_row[idx];  // length-prefixed: unambiguous
  }
  return visited_.insert(std::move(key)).second;
}

bool Writer::exists(const Row& new_row) {
  ++seq_;
  counted_ = true;
  try {
    return lookup(new_row);
  } catch (const Error& e) {
    counted_ = false;
    throw not_sent(e, row_key(new_row, Row()));
  }
}

bool Writer::lookup(const Row& new_row) {
  const ConflictCheck& cc = table_.conflict;
  ConflictLookup look;
  if (!conflict_lookup(table_, new_row, &look)) return false;
  const std::vector<int>& key = look.key;
  Scan scan(session_, table_, std::move(look.plan), std::move(look.values), std::move(look.needed));
  Row row;
  // The lookup may return a superset (a search): only equal values are a conflict.
  auto fold = [&](std::string v) {
    if (cc.ignore_case) std::transform(v.begin(), v.end(), v.begin(), [](unsigned char c) { return std::tolower(c); });
    return v;
  };
  auto same = [&](int k, const std::string& remote) {
    const ColType t = table_.columns[k].type;
    if (t == ColType::Numeric || t == ColType::Int4 || t == ColType::Int8 ||
        t == ColType::Float8) {
      char* end1 = nullptr;
      char* end2 = nullptr;
      const long double a = std::strtold(remote.c_str(), &end1), b = std::strtold(new_row[k]->c_str(), &end2);
      if (end1 && !*end1 && end2 && !*end2) return a == b;
    }
    return fold(remote) == fold(*new_row[k]);
  };
  while (scan.next(&row)) {
    bool all = true;
    for (int k : key)
      if (!row[k] || !same(k, *row[k])) all = false;
    if (all) return true;
  }
  return false;
}

}  // namespace cfdw
