// Unit tests: percent-encoding, query strings, base64, URL parsing and joining.
#include <gtest/gtest.h>

#include <string>

#include "engine/wire/url.h"

namespace cfdw {
namespace {

TEST(PctEncode, ReservedAndUnreserved) {
  EXPECT_EQ(pct_encode("A/B?C&D=E F"), "A%2FB%3FC%26D%3DE%20F");
  EXPECT_EQ(pct_encode("azAZ09-._~"), "azAZ09-._~");
  EXPECT_EQ(pct_encode("é"), "%C3%A9");
  EXPECT_EQ(pct_encode("a+b%c#d"), "a%2Bb%25c%23d");
  EXPECT_EQ(pct_encode(std::string("\0\x7F\xFF", 3)), "%00%7F%FF");
  EXPECT_EQ(pct_encode(""), "");
}

TEST(PctDecode, InverseOfEncode) {
  EXPECT_EQ(pct_decode("A%2FB%3FC%26D%3DE%20F"), "A/B?C&D=E F");
  EXPECT_EQ(pct_decode("%c3%a9"), "é");
  EXPECT_EQ(pct_decode("a+b"), "a+b");  // '+' is not a space
  EXPECT_EQ(pct_decode("100%"), "100%");
  EXPECT_EQ(pct_decode("%4"), "%4");
  EXPECT_EQ(pct_decode("%zz%41"), "%zzA");
  EXPECT_EQ(pct_decode("%%41"), "%A");
  const std::string all = [] {
    std::string s;
    for (int c = 0; c < 256; ++c) s += char(c);
    return s;
  }();
  EXPECT_EQ(pct_decode(pct_encode(all)), all);
}

TEST(QueryStringTest, OrderedAndRepeated) {
  QueryString q;
  EXPECT_TRUE(q.empty());
  EXPECT_EQ(q.str(), "");
  q.add("q", "a b").add("page", "2");
  EXPECT_FALSE(q.empty());
  EXPECT_EQ(q.str(), "q=a%20b&page=2");
  QueryString r;
  r.add("productNumberList", "a").add("productNumberList", "b/c").add("empty", "");
  EXPECT_EQ(r.str(), "productNumberList=a&productNumberList=b%2Fc&empty=");
  ASSERT_EQ(r.items().size(), 3u);
  EXPECT_EQ(r.items()[1].second, "b/c");  // items keep the raw values
}

TEST(Base64, StandardAlphabetWithPadding) {
  EXPECT_EQ(base64_encode(""), "");
  EXPECT_EQ(base64_encode("f"), "Zg==");
  EXPECT_EQ(base64_encode("fo"), "Zm8=");
  EXPECT_EQ(base64_encode("foo"), "Zm9v");
  EXPECT_EQ(base64_encode("foob"), "Zm9vYg==");
  EXPECT_EQ(base64_encode("fooba"), "Zm9vYmE=");
  EXPECT_EQ(base64_encode("foobar"), "Zm9vYmFy");
  EXPECT_EQ(base64_encode("user:secret"), "dXNlcjpzZWNyZXQ=");
  EXPECT_EQ(base64_encode(std::string("\xFB\xFF\xBF", 3)), "+/+/");
  EXPECT_EQ(base64_encode(std::string("\0\0", 2)), "AAA=");
}

ParsedUrl url_ok(const std::string& url) {
  ParsedUrl u;
  std::string why;
  EXPECT_TRUE(parse_url(url, &u, &why)) << url << ": " << why;
  return u;
}

std::string url_error(const std::string& url) {
  ParsedUrl u;
  std::string why;
  EXPECT_FALSE(parse_url(url, &u, &why)) << url;
  return why;
}

TEST(ParseUrl, Accepted) {
  ParsedUrl u = url_ok("https://api.example.com/RESTAPI/v1_0/ACME");
  EXPECT_EQ(u.scheme, "https");
  EXPECT_EQ(u.host, "api.example.com");
  EXPECT_EQ(u.port, 0);
  EXPECT_EQ(u.path, "/RESTAPI/v1_0/ACME");

  u = url_ok("HTTP://LocalHost:8080/api/");
  EXPECT_EQ(u.scheme, "http");
  EXPECT_EQ(u.host, "localhost");
  EXPECT_EQ(u.port, 8080);
  EXPECT_EQ(u.path, "/api");

  u = url_ok("https://shop.example.com");
  EXPECT_EQ(u.path, "");
  u = url_ok("https://shop.example.com/");
  EXPECT_EQ(u.path, "");
  u = url_ok("https://shop.example.com:443//");
  EXPECT_EQ(u.port, 443);
  EXPECT_EQ(u.path, "");

  u = url_ok("http://[::1]:5000/v1");
  EXPECT_EQ(u.host, "::1");
  EXPECT_EQ(u.port, 5000);
  EXPECT_EQ(u.path, "/v1");
  u = url_ok("https://[2001:DB8::1]");
  EXPECT_EQ(u.host, "2001:db8::1");
  EXPECT_EQ(u.port, 0);

  u = url_ok("http://127.0.0.1:65535");
  EXPECT_EQ(u.host, "127.0.0.1");
  EXPECT_EQ(u.port, 65535);
}

TEST(ParseUrl, Rejected) {
  EXPECT_EQ(url_error("ftp://example.com"), "unsupported scheme \"ftp\"");
  EXPECT_EQ(url_error("example.com/api"), "not an absolute URL (expected https://host/...)");
  EXPECT_EQ(url_error("https://user:pass@example.com/api"),
            "credentials do not belong in base_url; use a user mapping");
  EXPECT_EQ(url_error("https://token@example.com"), "credentials do not belong in base_url; use a user mapping");
  EXPECT_EQ(url_error("https://example.com/api?x=1"), "a query string or fragment does not belong in base_url");
  EXPECT_EQ(url_error("https://example.com/api#top"), "a query string or fragment does not belong in base_url");
  EXPECT_EQ(url_error("https://"), "missing host");
  EXPECT_EQ(url_error("https:///api"), "missing host");
  EXPECT_EQ(url_error("https://:8080/api"), "missing host");
  EXPECT_EQ(url_error("https://example.com:0"), "invalid port");
  EXPECT_EQ(url_error("https://example.com:65536"), "invalid port");
  EXPECT_EQ(url_error("https://example.com:"), "invalid port");
  EXPECT_EQ(url_error("https://example.com:80a"), "invalid port");
  EXPECT_EQ(url_error("https://example.com:999999"), "invalid port");
  EXPECT_EQ(url_error("http://[::1]x"), "invalid port");
  EXPECT_EQ(url_error("http://[::1"), "unterminated IPv6 address");
  EXPECT_EQ(url_error("http://[zz]"), "invalid IPv6 address");
  EXPECT_EQ(url_error("http://[]"), "invalid IPv6 address");
  EXPECT_EQ(url_error("https://exa mple.com"), "URL contains spaces or control characters");
  EXPECT_EQ(url_error("https://example.com/a\tb"), "URL contains spaces or control characters");
  EXPECT_EQ(url_error("https://exa%6Dple.com"), "invalid host");
}

TEST(LoopbackHost, Recognised) {
  for (const char* h : {"localhost", "LOCALHOST", "127.0.0.1", "127.1.2.3", "127.255.255.255", "::1"})
    EXPECT_TRUE(is_loopback_host(h)) << h;
  for (const char* h : {"", "example.com", "localhost.example.com", "128.0.0.1", "127.0.0", "127.0.0.1.5",
                        "127.0.0.256", "127.0.0.", "127..0.1", "127.0.0.1a", "0127.0.0.1", "::2", "10.0.0.1"})
    EXPECT_FALSE(is_loopback_host(h)) << h;
}

TEST(JoinUrl, ExactlyOneSlash) {
  EXPECT_EQ(join_url("https://h/api", "/x"), "https://h/api/x");
  EXPECT_EQ(join_url("https://h/api/", "/x"), "https://h/api/x");
  EXPECT_EQ(join_url("https://h/api", "x"), "https://h/api/x");
  EXPECT_EQ(join_url("https://h/api/", "x/y"), "https://h/api/x/y");
  EXPECT_EQ(join_url("https://h", "//x"), "https://h/x");
  EXPECT_EQ(join_url("https://h/api/", ""), "https://h/api");
}

}  // namespace
}  // namespace cfdw
