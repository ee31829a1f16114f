// commerce_fdw engine: writes (see modify.h) — the ledger of a statement's rows by
// outcome, and Writer: bodies, paths, batching, sending, what comes back.
// Which rule a statement uses: modify_rule.cpp.
#include "engine/run/modify.h"

#include <algorithm>
#include <cctype>
#include <cstdlib>

#include "engine/error.h"
#include "engine/json/pgtext.h"
#include "engine/wire/url.h"
#include "engine/wire/values.h"

namespace cfdw {

namespace {

bool contains(const std::vector<std::string>& v, const std::string& s) {
  return std::find(v.begin(), v.end(), s) != v.end();
}

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
    : session_(session), table_(table), rule_(rule), w_(table.writes.at(rule)),
      batch_(returning || w_.batch_max <= 0 ? 1 : std::max(1, std::min(batch, w_.batch_max))),
      changed_(std::move(changed)) {
  key_columns_ = !w_.key.empty() ? w_.key : w_.kind != WriteKind::Insert ? table_.key : std::vector<std::string>();
}

Writer::~Writer() = default;

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
  const json::Value* v = json::get(root, p.path);
  const std::string what = p.path.empty() ? std::string("the answer") : "\"" + p.path + "\"";
  if (!p.each) {
    if (!v || json::kind(*v) == json::Kind::Null) {
      *why = "the answer lacks " + what + ", the proof that the " + w_.name + " request succeeded";
      return false;
    }
    if (!p.equals.empty() && json::serialize(*v) != p.equals) {
      *why = what + " is " + json::display(*v) + ", not " + p.equals + " as when the " + w_.name + " request succeeds";
      return false;
    }
    return true;
  }
  if (!v || json::kind(*v) != json::Kind::Array) {
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
        if (used[k] || json::kind(v->element(k)) != json::Kind::Object) continue;
        bool same = true;
        for (const std::string& name : p.names) {
          const json::Value* a = json::get(item.root(), name);
          const json::Value* b = json::get(v->element(k), name);
          same = same && a && b && json::kind(*a) != json::Kind::Null && json::serialize(*a) == json::serialize(*b);
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

std::string Writer::render_path(const Row& new_row, const Row& old_row) const {
  std::string path = substitute_config(w_.path, session_.config());
  size_t open;
  while ((open = path.find('{')) != std::string::npos) {
    size_t close = path.find('}', open);
    if (close == std::string::npos) break;
    const std::string col = path.substr(open + 1, close - open - 1);
    const int idx = table_.column_index(col);
    std::optional<std::string> v;
    if (idx >= 0) {
      if (size_t(idx) < old_row.size() && old_row[idx]) v = old_row[idx];
      else if (size_t(idx) < new_row.size()) v = new_row[idx];
    }
    if (!v)
      throw Error(sqlstate::kInvalidParameterValue,
                  "column \"" + col + "\" of foreign table \"" + session_.config().relname + "\" must not be NULL",
                  "The " + w_.name + " request needs it in its path.");
    path.replace(open, close - open + 1, pct_encode(*v));
  }
  return path;
}

void Writer::add_fixed(json::Builder* b) const {
  for (const auto& [key, json_text] : w_.fixed) b->set_raw(key, substitute_config(json_text, session_.config()));
}

std::string Writer::batch_body(const std::string& items) const {
  if (w_.batch_key.empty()) return "[" + items + "]";
  json::Builder b;
  add_fixed(&b);
  b.set_raw(w_.batch_key, "[" + items + "]");
  return b.str();
}

std::string Writer::item_json(const Row& new_row, const Row& old_row, const std::optional<std::string>& delta) const {
  json::Builder b;
  if (w_.batch_max <= 0) add_fixed(&b);
  auto value_of = [&](int idx) -> const char* {
    return size_t(idx) < new_row.size() && new_row[idx] ? new_row[idx]->c_str() : nullptr;
  };
  // An UPDATE sends the columns it changes (and what the rule requires).
  auto sent = [&](const std::string& column, bool required) {
    return w_.kind != WriteKind::Update || w_.all_columns || required || column == w_.delta_column ||
           contains(changed_, column);
  };
  if (w_.kind == WriteKind::Insert) {
    for (const auto& col : w_.not_null) {
      const int idx = table_.column_index(col);
      if (idx >= 0 && !value_of(idx))
        throw Error(sqlstate::kNotNullViolation,
                    "null value in column \"" + col + "\" of foreign table \"" + session_.config().relname +
                        "\" violates not-null constraint",
                    "The " + w_.name + " request needs it to create a row; nothing was sent for this row.");
    }
  }
  if (!w_.body.empty()) {
    for (const BodyField& f : w_.body) {
      if (!f.column.empty() && !sent(f.column, f.required)) continue;
      if (f.column.empty()) {
        b.set_raw(f.key, f.constant);
        continue;
      }
      const int idx = table_.column_index(f.column);
      const Column& c = table_.columns.at(idx);
      const char* v = value_of(idx);
      std::string tmp;
      if (f.column == w_.delta_column && delta) {
        tmp = *delta;
        v = tmp.c_str();
      } else if (!w_.delta_column.empty() && f.column != w_.delta_column && !v && size_t(idx) < old_row.size() &&
                 old_row[idx]) {
        v = old_row[idx]->c_str();
      }
      if (!v && f.required)
        throw Error(sqlstate::kInvalidParameterValue,
                    "column \"" + c.name + "\" of foreign table \"" + session_.config().relname +
                        "\" must not be NULL",
                    "The " + w_.name + " request requires it.");
      if (!v && f.skip_null && f.format != Format::MinusOneNull && w_.kind != WriteKind::Update)
        continue;
      if (!f.join.empty() && v && (c.type == ColType::Int8Array || c.type == ColType::TextArray)) {
        std::vector<std::string> items;
        std::vector<bool> nulls;
        if (!pgtext::parse_pg_array(v, &items, &nulls))
          throw Error(sqlstate::kInvalidParameterValue,
                      "value \"" + std::string(v) + "\" of column \"" + c.name + "\" is not an array literal");
        std::string joined;
        for (size_t k = 0; k < items.size(); ++k) {
          if (nulls[k]) continue;
          joined += (joined.empty() ? "" : f.join) + items[k];
        }
        b.set_string(f.key, joined);
        continue;
      }
      json::encode(&b, f.key, c.type, v, f.format, c.name);
    }
    return b.str();
  }
  // Default body: every writable column by its write path.
  for (size_t i = 0; i < table_.columns.size(); ++i) {
    const Column& c = table_.columns[i];
    if (c.has(ColumnFlag::kRaw) || c.has(ColumnFlag::kEcho) || c.has(ColumnFlag::kReadOnly)) continue;
    if (contains(table_.key, c.name) && w_.kind != WriteKind::Insert) continue;
    if (!sent(c.name, false)) continue;
    const char* v = value_of(int(i));
    if (!v && w_.kind != WriteKind::Update) continue;  // an UPDATE sends a NULL it assigns
    std::string path = c.write_path.empty() ? c.path.substr(0, c.path.find('|')) : c.write_path;
    json::encode(&b, path, c.type, v, c.write_format, c.name);
  }
  return b.str();
}

void Writer::decode_result(const json::Value& obj, Row* row) const {
  for (const auto& [col, path] : w_.returning) {
    const int idx = table_.column_index(col);
    if (idx < 0) continue;
    const Column& c = table_.columns[idx];
    std::string text, why;
    const json::Value* v = json::get(obj, path);
    switch (json::decode(v, c.type, c.decode, &text, &why)) {
      case json::DecodeResult::Ok: (*row)[idx] = text; break;
      case json::DecodeResult::Null: if (v) (*row)[idx] = std::nullopt; break;
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
      std::string item = item_json(new_row, old_row, delta);
      queued_items_.push_back(std::move(item));
      queued_rows_.push_back(new_row);
      queued_keys_.push_back(key);
    } else {
      r.method = w_.method;
      r.path = render_path(new_row, old_row);
      // A PUT that applies a difference (a delta rule) is not safe to repeat.
      r.idempotent = (w_.method == "PUT" || w_.method == "DELETE") && w_.delta_column.empty();
      r.expect_data = expects_data();
      if (w_.kind != WriteKind::Delete) {
        std::string item = item_json(new_row, old_row, delta);
        r.body = w_.batch_max > 0 ? batch_body(item) : item;
        items.push_back(std::move(item));
      }
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
    if (json::kind(res.doc.root()) != json::Kind::Null) {
      const json::Value* obj = json::get(res.doc.root(), w_.result);
      if (obj && w_.batch_max > 0 && json::kind(*obj) == json::Kind::Array && obj->size() > 0) obj = &obj->element(0);
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
    r.path = render_path(first_row, Row());
  } catch (const Error& e) {
    throw not_sent(e, keys);
  }
  std::string joined;
  for (size_t i = 0; i < items.size(); ++i) joined += (i ? "," : "") + items[i];
  r.method = w_.method;
  r.idempotent = false;
  r.expect_data = expect_data;
  r.body = batch_body(joined);
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
    for (const Row& row : rows) items.push_back(item_json(row, Row(), std::nullopt));
  } catch (const Error& e) {
    throw not_sent(e, keys);
  }
  ApiResult res = send_items(items, rows.front(), keys, expects_data());
  const json::Value* arr = json::get(res.doc.root(), w_.result);
  try {
    for (size_t i = 0; i < rows.size(); ++i) {
      Row ret = rows[i];
      if (arr && json::kind(*arr) == json::Kind::Array) {
        const json::Value* item = nullptr;
        const int key = w_.match_key.empty() ? -1 : table_.column_index(w_.match_key);
        if (key >= 0 && ret[key]) {
          // match by key (e.g. an external id echoed back); rows without one by position
          const Column& c = table_.columns[key];
          for (auto& cand : arr->elements()) {
            const json::Value* k = json::get(cand, c.write_path.empty() ? c.path : c.write_path);
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
  if (cc.column.empty() || cc.endpoint < 0) return false;
  const int idx = table_.column_index(cc.column);
  if (idx < 0 || !new_row[idx]) return false;  // NULL never conflicts
  // The key: the column, and the further columns the new row gives.
  std::vector<int> key{idx};
  for (const auto& c : cc.also) {
    const int k = table_.column_index(c);
    if (k >= 0 && new_row[k]) key.push_back(k);
  }
  ScanPlan plan;
  plan.table = table_.name;
  plan.endpoints = {cc.endpoint};
  const Endpoint& ep = table_.reads[cc.endpoint];
  std::vector<CondValues> values;
  std::vector<bool> needed(table_.columns.size(), false);
  for (size_t k = 0; k < key.size(); ++k) {
    const std::string& col = table_.columns[key[k]].name;
    needed[key[k]] = true;
    // Every = binding of the key column (a date sent as both range bounds); the first key column's at least.
    for (int b = 0; b < int(ep.bindings.size()); ++b)
      if (ep.bindings[b].column == col && (ep.bindings[b].ops & kEq) && (k == 0 || ep.bindings[b].to == BindTo::Query)) {
        plan.used.push_back(int(values.size()));
        plan.binding_of.push_back(b);
        values.push_back(CondValues{{new_row[key[k]]}});
        if (k == 0 && cc.also.empty()) break;
      }
  }
  Scan scan(session_, table_, plan, std::move(values), needed);
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
