// libFuzzer target: the JSON reader and the column codec (src/engine/json*,
// codec.*, pgtext.*).
//
// Parses the input (by the fast reader and by the strict parser alone, which
// must agree); when it parses, every value in it (up to a bound) is read
// with text(), display(), serialize() and decoded into every column type with
// every decoding rule, and the document's serialization must parse again to
// the same serialization. The input as a PostgreSQL text value also goes
// through the body builder (encode) for every type and write format, and
// through parse_pg_array. Any crash, sanitizer report or broken invariant
// is a finding; cfdw::Error is an expected outcome (a value that does not fit).
#include <cstddef>
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <string>
#include <string_view>
#include <vector>

#include "engine/error.h"
#include "engine/json/codec.h"
#include "engine/json/json.h"
#include "engine/json/pgtext.h"

using namespace cfdw;

namespace {

const ColType kTypes[] = {ColType::Bool, ColType::Int4,      ColType::Int8,        ColType::Float8,
                          ColType::Numeric, ColType::Text,   ColType::Date,        ColType::Timestamp,
                          ColType::TimestampTz, ColType::Jsonb, ColType::Int8Array, ColType::TextArray};
const Format kDecodes[] = {Format::Plain, Format::EpochSeconds, Format::MinusOneNull, Format::EmptyNull};
const Format kFormats[] = {Format::Plain,        Format::String,
                                      Format::BoolYN,       Format::Bool10,
                                      Format::EpochSeconds, Format::MinusOneNull};

[[noreturn]] void finding(const char* what, std::string_view detail) {
  std::fprintf(stderr, "fuzz_json: %s: %.*s\n", what, int(std::min<size_t>(detail.size(), 500)), detail.data());
  std::abort();
}

// UTF-8 as PostgreSQL accepts it in a UTF-8 database: no NUL, no overlong
// forms, no surrogates, nothing above U+10FFFF.
bool valid_utf8(std::string_view s) {
  for (size_t i = 0; i < s.size();) {
    const unsigned char c = s[i];
    size_t n = c < 0x80 ? 1 : (c >> 5) == 6 ? 2 : (c >> 4) == 14 ? 3 : (c >> 3) == 30 ? 4 : 0;
    if (c == 0 || n == 0 || i + n > s.size()) return false;
    uint32_t cp = n == 1 ? c : c & (0x7F >> n);
    for (size_t k = 1; k < n; ++k) {
      const unsigned char cc = s[i + k];
      if ((cc >> 6) != 2) return false;
      cp = (cp << 6) | (cc & 0x3F);
    }
    if ((n == 2 && cp < 0x80) || (n == 3 && cp < 0x800) || (n == 4 && cp < 0x10000) || cp > 0x10FFFF ||
        (cp >= 0xD800 && cp <= 0xDFFF))
      return false;
    i += n;
  }
  return true;
}

void decode_all(const json::Value& v) {
  (void)json::text(v);
  if (json::display(v).size() > 200) finding("display() too long", json::display(v));
  for (ColType t : kTypes)
    for (Format d : kDecodes) {
      std::string out, why;
      (void)json::decode(&v, t, d, &out, &why);
    }
}

// Visits up to *budget values, depth first.
void walk(const json::Value& v, int* budget) {
  if (--*budget < 0) return;
  decode_all(v);
  switch (v.kind()) {
    case json::Kind::Object:
      for (auto& m : v.members()) {
        walk(m.value, budget);
        // the member is found again by its name
        const std::string name = json::text(m.name);
        if (name.find('.') == std::string::npos && !name.empty() && !v.get(name))
          finding("get() misses a member", name);
      }
      break;
    case json::Kind::Array:
      for (auto& e : v.elements()) walk(e, budget);
      break;
    default:
      break;
  }
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  const std::string_view in(reinterpret_cast<const char*>(data), size);

  json::Doc doc;
  std::string why;
  const bool parsed = doc.parse(in, &why);
  // The fast reader and the strict parser agree: the same verdict, the same
  // error, the same document.
  json::Doc strict;
  std::string strict_why;
  if (strict.parse_strict(in, &strict_why) != parsed) finding("parse() and parse_strict() disagree", in);
  if (!parsed && strict_why != why) finding("parse() and parse_strict() give different errors", why + " / " + strict_why);
  if (parsed && json::serialize(strict.root()) != json::serialize(doc.root()))
    finding("parse() and parse_strict() give different documents", in);
  if (parsed) {
    int budget = 2000;
    walk(doc.root(), &budget);
    for (const char* path : {"data", "data.0", "pagination.total", "0", "a.b.c", ""}) {
      const json::Value* v = doc.root().get(path);
      if (v) decode_all(*v);
    }
    // serialize() gives JSON that parses back to the same text
    const std::string once = json::serialize(doc.root());
    json::Doc again;
    std::string why2;
    if (!again.parse(once, &why2)) finding("serialize() output does not parse", why2 + ": " + once);
    if (json::serialize(again.root()) != once) finding("serialize() is not stable", once);
  } else if (why.empty()) {
    finding("parse failed without a reason", in);
  }

  // With a row bound (at a path and of a size picked from the input): both
  // parsers agree, a bounded parse that succeeds gives the unbounded
  // document, and one that stops for too many rows stops for that alone.
  {
    static const char* const kPaths[] = {"", "data", "a.b"};
    const json::RowLimit limit{kPaths[size % 3], long(size / 3 % 4)};
    json::Doc fast_l, strict_l;
    std::string why_f, why_s;
    const bool ok_f = fast_l.parse(in, &why_f, &limit);
    const bool ok_s = strict_l.parse_strict(in, &why_s, &limit);
    if (ok_f != ok_s || fast_l.over_limit() != strict_l.over_limit() || (!ok_f && why_f != why_s))
      finding("bounded parse() and parse_strict() disagree", why_f + " / " + why_s);
    if (ok_f && (!parsed || json::serialize(fast_l.root()) != json::serialize(doc.root())))
      finding("a bounded parse gives another document", in);
    if (!ok_f && !fast_l.over_limit() && (parsed || why_f != why))
      finding("a bounded parse fails for another reason", why_f + " / " + why);
  }

  // The input as a PostgreSQL text value written into a request body (text
  // from a UTF-8 database: valid UTF-8 without NUL bytes).
  const std::string pg_text(in);
  const bool pg_valid = valid_utf8(in);
  for (ColType t : kTypes) {
    for (Format f : kFormats) {
      if (!pg_valid) break;
      json::Builder b;
      try {
        json::encode(&b, "a.b", t, pg_text.c_str(), f, "col");
      } catch (const Error&) {
        continue;
      }
      json::Doc body;
      std::string why3;
      if (!body.parse(b.str(), &why3)) finding("Builder wrote invalid JSON", b.str());
    }
  }
  std::vector<std::string> items;
  std::vector<bool> nulls;
  if (pgtext::parse_pg_array(in, &items, &nulls) && items.size() != nulls.size())
    finding("parse_pg_array: items and null flags differ in number", in);
  return 0;
}
