// Unit tests: JSON parsing with exact numbers, the read-only Value, path
// access, writing, request body building.
#include <gtest/gtest.h>

#include <string>
#include <vector>

#include "engine/error.h"
#include "engine/json/json.h"

namespace cfdw {
namespace json {
namespace {

Doc parsed(const std::string& text) {
  Doc d;
  std::string error;
  EXPECT_TRUE(d.parse(text, &error)) << text << ": " << error;
  return d;
}

std::string parse_error(const std::string& text) {
  Doc d;
  std::string error;
  EXPECT_FALSE(d.parse(text, &error)) << text;
  EXPECT_EQ(d.root().kind(), Kind::Null);
  return error;
}

// ---------------------------------------------------------------------------
// Parsing

TEST(JsonParse, NumbersKeepTheirSourceText) {
  Doc d = parsed(R"({"a":10.000000,"b":12345678901234567890,"c":1e400,"d":-0.0,"e":1E-7,"f":0})");
  const Value& r = d.root();
  for (const char* key : {"a", "b", "c", "d", "e", "f"}) EXPECT_EQ((*r.get(key)).kind(), Kind::Number) << key;
  EXPECT_EQ(text(*r.get("a")), "10.000000");
  EXPECT_EQ(text(*r.get("b")), "12345678901234567890");
  EXPECT_EQ(text(*r.get("c")), "1e400");
  EXPECT_EQ(text(*r.get("d")), "-0.0");
  EXPECT_EQ(text(*r.get("e")), "1E-7");
  EXPECT_EQ(serialize(r), R"({"a":10.000000,"b":12345678901234567890,"c":1e400,"d":-0.0,"e":1E-7,"f":0})");
}

TEST(JsonParse, NumbersAndStringsStayDistinct) {
  Doc d = parsed(R"([10.5,"10.5","","\u0000","\u00001",true,null])");
  const Value& r = d.root();
  EXPECT_EQ(r.element(0).kind(), Kind::Number);
  EXPECT_EQ(r.element(1).kind(), Kind::String);
  EXPECT_EQ(text(r.element(0)), text(r.element(1)));
  EXPECT_EQ(r.element(2).kind(), Kind::String);
  EXPECT_EQ(text(r.element(2)), "");
  // Strings starting with U+0000 are strings, not numbers.
  EXPECT_EQ(r.element(3).kind(), Kind::String);
  EXPECT_EQ(text(r.element(3)), std::string(1, '\0'));
  EXPECT_EQ(r.element(4).kind(), Kind::String);
  EXPECT_EQ(text(r.element(4)), std::string("\0" "1", 2));
  EXPECT_EQ(r.element(5).kind(), Kind::Bool);
  EXPECT_EQ(text(r.element(5)), "true");
  EXPECT_EQ(r.element(6).kind(), Kind::Null);
  EXPECT_EQ(text(r.element(6)), "");
  EXPECT_EQ(serialize(r), R"([10.5,"10.5","","\u0000","\u00001",true,null])");
}

TEST(JsonParse, StringsAreUnescapedAndReescaped) {
  Doc d = parsed(R"(["a\"b\\c\/d","\b\f\n\r\t\u0001","é€😀","\u00e9\u20AC\ud83d\ude00"])");
  const Value& r = d.root();
  EXPECT_EQ(text(r.element(0)), "a\"b\\c/d");
  EXPECT_EQ(text(r.element(1)), "\b\f\n\r\t\x01");
  EXPECT_EQ(text(r.element(2)), "é€😀");
  EXPECT_EQ(text(r.element(3)), "é€😀");
  EXPECT_EQ(serialize(r), R"(["a\"b\\c/d","\b\f\n\r\t\u0001","é€😀","é€😀"])");
}

TEST(JsonParse, WhitespaceAndScalarRoots) {
  EXPECT_EQ(serialize(parsed(" \n\t{ \"a\" : [ 1 , 2 ] }\r\n").root()), R"({"a":[1,2]})");
  EXPECT_EQ(serialize(parsed("42").root()), "42");
  EXPECT_EQ(serialize(parsed("\"x\"").root()), "\"x\"");
  EXPECT_EQ(serialize(parsed("null").root()), "null");
  EXPECT_EQ(serialize(parsed("{}").root()), "{}");
  EXPECT_EQ(serialize(parsed("[]").root()), "[]");
}

TEST(JsonParse, TruncatedInput) {
  EXPECT_EQ(parse_error(R"({"a":[1,2)"), "unexpected end of input at offset 9");
  EXPECT_EQ(parse_error(R"({"a")"), "unexpected end of input at offset 4");
  EXPECT_EQ(parse_error(R"({"a":"xy)"), "unexpected end of input at offset 8");
  EXPECT_EQ(parse_error(R"([tru)"), "unexpected end of input at offset 4");
  EXPECT_EQ(parse_error(R"([-)"), "unexpected end of input at offset 2");
  EXPECT_EQ(parse_error(R"([1.)"), "unexpected end of input at offset 3");
  EXPECT_EQ(parse_error(R"([1e+)"), "unexpected end of input at offset 4");
  EXPECT_EQ(parse_error(R"(["\u00)"), "unexpected end of input at offset 6");
  EXPECT_EQ(parse_error(R"(["\ud83d\)"), "unexpected end of input at offset 9");
  EXPECT_EQ(parse_error("[\"\xC3"), "unexpected end of input at offset 3");
  EXPECT_EQ(parse_error("{"), "unexpected end of input at offset 1");
}

TEST(JsonParse, SyntaxErrors) {
  EXPECT_EQ(parse_error(""), "empty document at offset 0");
  EXPECT_EQ(parse_error("  "), "empty document at offset 2");
  EXPECT_EQ(parse_error("{} x"), "unexpected data after the document at offset 3");
  EXPECT_EQ(parse_error("[1] [2]"), "unexpected data after the document at offset 4");
  EXPECT_EQ(parse_error("01"), "unexpected data after the document at offset 1");
  EXPECT_EQ(parse_error("[trux]"), "invalid value at offset 1");
  EXPECT_EQ(parse_error("[x]"), "invalid value at offset 1");
  EXPECT_EQ(parse_error("[-x]"), "invalid value at offset 1");
  EXPECT_EQ(parse_error("[1.x]"), "invalid number at offset 1");
  EXPECT_EQ(parse_error("[1e]"), "invalid number at offset 1");
  EXPECT_EQ(parse_error("[1 2]"), "missing ',' or ']' after an array element at offset 3");
  EXPECT_EQ(parse_error("[1,]"), "invalid value at offset 3");
  EXPECT_EQ(parse_error(R"({"a" 1})"), "missing ':' after an object member name at offset 5");
  EXPECT_EQ(parse_error(R"({"a":1 "b":2})"), "missing ',' or '}' after an object member at offset 7");
  EXPECT_EQ(parse_error(R"({a:1})"), "missing a name for an object member at offset 1");
  EXPECT_EQ(parse_error(R"({"a":1,})"), "missing a name for an object member at offset 7");
  EXPECT_EQ(parse_error(R"(["\x"])"), "invalid escape in string at offset 2");
  EXPECT_EQ(parse_error(R"(["\u12G4"])"), "invalid \\u escape in string at offset 6");
  EXPECT_EQ(parse_error(R"(["\udc00"])"), "invalid surrogate pair in string at offset 2");
  EXPECT_EQ(parse_error(R"(["\ud800x"])"), "invalid surrogate pair in string at offset 2");
  EXPECT_EQ(parse_error(R"(["\ud800\u0041"])"), "invalid surrogate pair in string at offset 2");
  EXPECT_EQ(parse_error("[\"a\nb\"]"), "control character in string at offset 3");
}

TEST(JsonParse, InvalidUtf8IsRejected) {
  EXPECT_EQ(parse_error("[\"a\xFF\"]"), "invalid UTF-8 in string at offset 3");
  EXPECT_EQ(parse_error("[\"\xC3(\"]"), "invalid UTF-8 in string at offset 2");
  EXPECT_EQ(parse_error("[\"\xC0\xAF\"]"), "invalid UTF-8 in string at offset 2");      // overlong '/'
  EXPECT_EQ(parse_error("[\"\xED\xA0\x80\"]"), "invalid UTF-8 in string at offset 2");  // surrogate
  EXPECT_EQ(parse_error("[\"\xF4\x90\x80\x80\"]"), "invalid UTF-8 in string at offset 2");  // > U+10FFFF
  EXPECT_EQ(parse_error("[\xC3\xA9]"), "invalid value at offset 1");
}

TEST(JsonParse, DeepNestingIsRejected) {
  EXPECT_EQ(parse_error(std::string(100000, '[')), "nesting too deep at offset 512");
  const std::string ok = std::string(500, '[') + std::string(500, ']');
  EXPECT_EQ(serialize(parsed(ok).root()), ok);
}

TEST(JsonParse, ReparseAndMove) {
  Doc d = parsed(R"({"a":1})");
  std::string error;
  EXPECT_FALSE(d.parse("{", &error));
  EXPECT_EQ(d.root().kind(), Kind::Null);
  EXPECT_TRUE(d.parse("[2]", nullptr));
  Doc moved = std::move(d);
  EXPECT_EQ(serialize(moved.root()), "[2]");
  EXPECT_EQ(d.root().kind(), Kind::Null);  // NOLINT(bugprone-use-after-move): a moved-from Doc reads as null
  EXPECT_EQ((Doc().root()).kind(), Kind::Null);
}

// The fast reader takes the common case; whatever it refuses goes to the strict
// parser. Both must give the same document, and the strict parser's errors.
TEST(JsonParse, FastAndStrictAgree) {
  const std::vector<std::string> docs = {
      R"({"success":true,"data":[{"id":1,"q":10.50,"s":"a\"b\u00e9\ud83d\ude00","n":null,"t":[]}],"p":{}})",
      R"([1e400,-12345678901234567890123456789012345678901234567890e300,0.000001,-0])",
      std::string("[\"") + std::string(5000, 'x') + "\",\"\\u0000\",\"\xF0\x9F\x98\x80\"]",
      "  \"top\"  ", "true", "-1.5E+3", R"({"a":{"b":{"c":[[[{}]]]}}})",
  };
  for (const std::string& text : docs) {
    Doc fast, strict;
    std::string e1, e2;
    ASSERT_TRUE(fast.parse(text, &e1)) << text << ": " << e1;
    ASSERT_TRUE(strict.parse_strict(text, &e2)) << text << ": " << e2;
    EXPECT_EQ(serialize(fast.root()), serialize(strict.root())) << text;
  }
  const std::vector<std::string> bad = {
      std::string("[1]\0", 4) + "x",      // the reader would stop at the NUL
      std::string("[\"a\0b\"]", 7),      // a NUL inside a string
      R"(["\udc00"])", R"({"\udfff":1})",  // lone low surrogates, which the reader would encode
      "[\"\xED\xA0\x80\"]", std::string(513, '[') + std::string(513, ']'), "[1e]", "{\"a\":01}",
  };
  for (const std::string& text : bad) {
    Doc fast, strict;
    std::string e1, e2;
    EXPECT_FALSE(fast.parse(text, &e1)) << text;
    EXPECT_FALSE(strict.parse_strict(text, &e2)) << text;
    EXPECT_EQ(e1, e2) << text;
    EXPECT_EQ(fast.root().kind(), Kind::Null);
  }
  EXPECT_EQ(parse_error(std::string("[1]\0", 4)), "unexpected data after the document at offset 3");
  EXPECT_EQ(parse_error(R"({"\udfff":1})"), "invalid surrogate pair in string at offset 2");
}

// A document keeps its own copy of the text: the input may go away.
TEST(JsonParse, DocumentOutlivesItsInput) {
  Doc d;
  {
    std::string text = R"({"name":"Tee","price":10.000000})";
    ASSERT_TRUE(d.parse(text, nullptr));
    text.assign(text.size(), 'x');
  }
  EXPECT_EQ(text(*d.root().get("name")), "Tee");
  EXPECT_EQ(text(*d.root().get("price")), "10.000000");
}

// ---------------------------------------------------------------------------
// Access and display

TEST(JsonGet, DotPaths) {
  Doc d = parsed(R"({"product":{"name":"Tee","sizes":["S","M"]},"contacts":[{"firstName":"Ann"}],"n":0})");
  const Value& r = d.root();
  EXPECT_EQ(r.get(""), &r);
  EXPECT_EQ(text(*r.get("product.name")), "Tee");
  EXPECT_EQ(text(*r.get("product.sizes.1")), "M");
  EXPECT_EQ(text(*r.get("contacts.0.firstName")), "Ann");
  EXPECT_EQ((*r.get("product")).kind(), Kind::Object);
  EXPECT_EQ(r.get("product.price"), nullptr);
  EXPECT_EQ(r.get("product.sizes.2"), nullptr);
  EXPECT_EQ(r.get("product.sizes.x"), nullptr);
  EXPECT_EQ(r.get("product.sizes.-1"), nullptr);
  EXPECT_EQ(r.get("product.name.x"), nullptr);
  EXPECT_EQ(r.get("n.0"), nullptr);
  EXPECT_EQ(r.get("product."), nullptr);
  EXPECT_EQ(r.get(".product"), nullptr);
  EXPECT_EQ(r.get("product..name"), nullptr);
}

TEST(JsonGet, NumericKeysOfObjects) {
  Doc d = parsed(R"({"0":{"1":"x"}})");
  EXPECT_EQ(text(*d.root().get("0.1")), "x");
}

TEST(JsonDisplay, ShortAndTruncated) {
  EXPECT_EQ(display(parsed(R"("abc")").root()), R"("abc")");
  EXPECT_EQ(display(parsed("12.50").root()), "12.50");
  const std::string long_text = "\"" + std::string(100, 'x') + "\"";
  const std::string shown = display(parsed(long_text).root());
  EXPECT_EQ(shown, "\"" + std::string(76, 'x') + "...");
  // The cut never splits a UTF-8 character.
  std::string accents = "\"";
  for (int i = 0; i < 60; ++i) accents += "é";
  accents += "\"";
  const std::string cut = display(parsed(accents).root());
  EXPECT_LE(cut.size(), 80u);
  EXPECT_EQ(cut.substr(cut.size() - 5), "é...");
}

// ---------------------------------------------------------------------------
// Builder

TEST(JsonBuilder, NestedPathsKeepFirstSetOrder) {
  Builder b;
  EXPECT_TRUE(b.empty());
  EXPECT_EQ(b.str(), "{}");
  b.set_string("name", "Tee");
  b.set_string("contact.firstName", "Ann");
  b.set_number("price", "10.000000");
  b.set_string("contact.lastName", "Lee");
  b.set_bool("active", true);
  b.set_null("note");
  b.set_string("name", "Shirt");  // replaced in place
  EXPECT_FALSE(b.empty());
  EXPECT_EQ(b.str(),
            R"({"name":"Shirt","contact":{"firstName":"Ann","lastName":"Lee"},"price":10.000000,"active":true,)"
            R"("note":null})");
}

TEST(JsonBuilder, EscapingAndRaw) {
  Builder b;
  b.set_string("s", "a\"b\\c\nd\x01é");
  b.set_raw("raw", R"( {"x": [1, 2.50, "y"]} )");
  b.set_raw("raw.z", "null");
  b.set_string(std::string("\0k", 2), std::string("\0v", 2));
  EXPECT_EQ(b.str(), R"({"s":"a\"b\\c\nd\u0001é","raw":{"x":[1,2.50,"y"],"z":null},"\u0000k":"\u0000v"})");
}

TEST(JsonBuilder, Errors) {
  Builder b;
  EXPECT_THROW(b.set_number("n", "1.2.3"), Error);
  EXPECT_THROW(b.set_number("n", "NaN"), Error);
  EXPECT_THROW(b.set_raw("r", "{"), Error);
  b.set_string("s", "x");
  EXPECT_THROW(b.set_string("s.t", "y"), Error);  // "s" is not an object
  EXPECT_THROW(b.set_string("a..b", "y"), Error);
  EXPECT_THROW(b.set_string("", "y"), Error);
  EXPECT_EQ(b.str(), R"({"s":"x"})");
  b.set_null("o");
  b.set_number("o.n", "1");  // a null becomes an object
  EXPECT_EQ(b.str(), R"({"s":"x","o":{"n":1}})");
}

// A document's memory is reused by later parses once it is dropped (or parses
// again), never while it lives: documents alive together keep their values.
TEST(JsonDoc, ReusedMemoryNeverChangesALiveDocument) {
  std::vector<Doc> docs(12);
  std::string big(70000, 'x');
  for (int round = 0; round < 3; ++round) {
    for (size_t i = 0; i < docs.size(); ++i) {
      const std::string text = "{\"i\":" + std::to_string(i) + ",\"s\":\"" + (i % 3 ? "v" + std::to_string(round) : big) +
                               "\",\"a\":[1,2,{\"k\":\"\\u00e9\"}]}";
      std::string err;
      ASSERT_TRUE(docs[i].parse(text, &err)) << err;
    }
    for (size_t i = 0; i < docs.size(); ++i) {
      EXPECT_EQ(docs[i].root().get("i")->view(), std::to_string(i));
      EXPECT_EQ(docs[i].root().get("s")->view(), i % 3 ? "v" + std::to_string(round) : big);
      EXPECT_EQ(docs[i].root().get("a.2.k")->view(), "\xc3\xa9");
    }
    if (round == 1) docs.erase(docs.begin(), docs.begin() + 6), docs.resize(12);  // dropped ones go back
  }
  Doc moved = std::move(docs[0]);
  std::string err;
  ASSERT_TRUE(docs[1].parse("[true]", &err));  // docs[1]'s old memory is reused, moved's is not
  EXPECT_EQ(moved.root().get("s")->view(), big);
  EXPECT_TRUE(docs[1].root().element(0).is_true());
  EXPECT_FALSE(docs[2].parse("[1,", &err));  // a failed parse leaves a null root
  EXPECT_EQ(docs[2].root().kind(), Kind::Null);
}

}  // namespace
}  // namespace json
}  // namespace cfdw

TEST(JsonHash, EqualForEqualTextDifferentOtherwise) {
  auto h = [](const char* text) {
    cfdw::json::Doc d;
    std::string err;
    EXPECT_TRUE(d.parse(text, &err)) << err;
    return d.root().hash();
  };
  EXPECT_EQ(h(R"([{"id":1,"sku":"A"},{"id":2}])"), h(R"( [ {"id": 1, "sku": "A"}, {"id": 2} ] )"));
  EXPECT_NE(h(R"([{"id":1}])"), h(R"([{"id":"1"}])"));    // a number is not the string of it
  EXPECT_NE(h(R"([{"id":1.0}])"), h(R"([{"id":1}])"));    // numbers compare by their text
  EXPECT_NE(h(R"([{"a":1,"b":2}])"), h(R"([{"b":2,"a":1}])"));
  EXPECT_NE(h(R"([[1],[2]])"), h(R"([[1,2]])"));
  EXPECT_NE(h(R"([true])"), h(R"([false])"));
  EXPECT_NE(h(R"([null])"), h(R"([])"));
}
