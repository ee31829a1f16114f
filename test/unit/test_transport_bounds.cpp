// Unit tests: the HTTP client's bounds on what a server may send — header
// checks, response bounds (with a gzip bomb and the process's peak RSS), slow
// drips, libcurl's error text and ca_file against a self-signed HTTPS server
// (test/tls/serve.py).
#include <fcntl.h>
#include <signal.h>
#include <sys/wait.h>
#include <unistd.h>
#include <zlib.h>

#include <gtest/gtest.h>

#include <cstdio>
#include <fstream>
#include <sstream>
#include <string>
#include <vector>

#include "engine/error.h"
#include "engine/http/http.h"
#include "loopback_server.h"
#include "test_support.h"

namespace cfdw {
namespace {

// ---------------------------------------------------------------------------
// The HTTP client

// The error a request ends with (fails the test when it succeeds).
Error error_of(HttpClient& client, const HttpRequest& req, const HttpOptions& opts, HttpStats* stats = nullptr) {
  try {
    client.perform_one(req, opts, nullptr, HttpHooks(), stats);
  } catch (const Error& e) {
    return e;
  }
  ADD_FAILURE() << "expected cfdw::Error";
  return Error("00000", "");
}

TEST(HeaderCheck, ControlCharactersAreRefused) {
  EXPECT_TRUE(is_safe_header("Authorization: Bearer abc"));
  EXPECT_TRUE(is_safe_header("X-Note: a\tb"));
  EXPECT_FALSE(is_safe_header("Authorization: Bearer abc\r\nX-Evil: 1"));
  EXPECT_FALSE(is_safe_header("Authorization: Bearer abc\n"));
  EXPECT_FALSE(is_safe_header(std::string("X: a\0b", 6)));
  EXPECT_FALSE(is_safe_header("X: a\x7f"));
}

TEST(HeaderCheck, NothingIsSentWithAnUnsafeHeader) {
  LoopbackServer server([](const Received&, int) { return respond(200, "{}"); });
  HttpClient client;
  HttpRequest req = loopback_get(server, "/x");
  req.headers = {"Authorization: Bearer SECRET\r\nX-Injected: 1"};
  const Error e = error_of(client, req, fast_http_options(2));
  EXPECT_EQ(e.sqlstate(), sqlstate::kFdwInvalidAttributeValue);
  EXPECT_EQ(std::string(e.what()),
            "GET /x: the request header \"Authorization\" holds a control character; the request was not sent");
  EXPECT_EQ(std::string(e.what()).find("SECRET"), std::string::npos);
  EXPECT_EQ(server.requests(), 0);
}

TEST(ResponseBounds, ABodyOverTheLimitFailsAndIsNotRetried) {
  LoopbackServer server([](const Received&, int) { return respond(200, std::string(5000, 'x')); });
  HttpClient client;
  HttpOptions o = fast_http_options(2);
  o.max_response_bytes = 4096;
  HttpStats stats;
  const Error e = error_of(client, loopback_get(server, "/big"), o, &stats);
  EXPECT_EQ(e.sqlstate(), sqlstate::kProgramLimitExceeded);
  EXPECT_EQ(std::string(e.what()),
            "GET /big: the response exceeds max_response_bytes (4096 bytes, counted after decompression)");
  EXPECT_NE(e.hint().find("max_response_bytes"), std::string::npos);
  EXPECT_EQ(server.requests(), 1);
  EXPECT_EQ(stats.errors, 1);
}

TEST(ResponseBounds, ABodyAtTheLimitIsAccepted) {
  LoopbackServer server([](const Received&, int) { return respond(200, std::string(4096, 'x')); });
  HttpClient client;
  HttpOptions o = fast_http_options(2);
  o.max_response_bytes = 4096;
  EXPECT_EQ(client.perform_one(loopback_get(server, "/big"), o, nullptr, HttpHooks(), nullptr).body.size(), 4096u);
}

TEST(ResponseBounds, HeadersAreBounded) {
  LoopbackServer server([](const Received&, int) {
    std::string headers;
    for (int i = 0; i < 400; ++i) headers += "X-Filler-" + std::to_string(i) + ": " + std::string(1000, 'h') + "\r\n";
    return respond(200, "{}", headers);
  });
  HttpClient client;
  const Error e = error_of(client, loopback_get(server, "/h"), fast_http_options(2));
  EXPECT_EQ(e.sqlstate(), sqlstate::kProgramLimitExceeded);
  EXPECT_EQ(server.requests(), 1);  // not retried
  EXPECT_EQ(std::string(e.what()), "GET /h: the response headers exceed 262144 bytes");
}

// The gzip stream of `megabytes` MB of spaces, in parts of at most 64 KB:
// what a server streams without ever holding the inflated body.
std::vector<std::string> gzip_bomb(int megabytes) {
  z_stream z{};
  EXPECT_EQ(deflateInit2(&z, 1, Z_DEFLATED, 15 + 16, 9, Z_DEFAULT_STRATEGY), Z_OK);
  const std::string mb(1 << 20, ' ');
  std::vector<std::string> parts;
  std::string out(1 << 16, '\0');
  for (int i = 0; i <= megabytes; ++i) {
    const bool last = i == megabytes;
    z.next_in = reinterpret_cast<Bytef*>(const_cast<char*>(mb.data()));
    z.avail_in = last ? 0 : uInt(mb.size());
    do {
      z.next_out = reinterpret_cast<Bytef*>(&out[0]);
      z.avail_out = uInt(out.size());
      deflate(&z, last ? Z_FINISH : Z_NO_FLUSH);
      const size_t n = out.size() - z.avail_out;
      if (n) parts.emplace_back(out.data(), n);
    } while (z.avail_out == 0);
  }
  deflateEnd(&z);
  return parts;
}

// The peak resident set of this process, in kB (VmHWM).
long peak_rss_kb() {
  std::ifstream status("/proc/self/status");
  std::string line;
  while (std::getline(status, line))
    if (line.rfind("VmHWM:", 0) == 0) return std::stol(line.substr(6));
  return -1;
}

// Resets the peak RSS to the current RSS (Linux 4.0+); false when it cannot.
bool reset_peak_rss() {
  std::ofstream clear("/proc/self/clear_refs");
  clear << "5";
  clear.flush();
  return bool(clear);
}

TEST(ResponseBounds, AGzipBombStopsAtTheLimitAndMemoryStaysBounded) {
  const std::vector<std::string> bomb = gzip_bomb(400);  // 400 MB inflated
  size_t compressed = 0;
  for (const auto& p : bomb) compressed += p.size();
  LoopbackServer server([&](const Received&, int) {
    Reply r;
    r.raw = "HTTP/1.1 200 OK\r\nContent-Type: application/json\r\nContent-Encoding: gzip\r\nContent-Length: " +
            std::to_string(compressed) + "\r\n\r\n";
    r.parts = bomb;
    return r;
  });
  HttpClient client;
  HttpOptions o = fast_http_options(2);  // the default bound: 64 MB
  ASSERT_EQ(o.max_response_bytes, 64 << 20);
  const bool reset = reset_peak_rss();
  const long before_kb = peak_rss_kb();
  const Error e = error_of(client, loopback_get(server, "/bomb"), o);
  const long peak_kb = peak_rss_kb();
  EXPECT_EQ(e.sqlstate(), sqlstate::kProgramLimitExceeded);
  EXPECT_EQ(std::string(e.what()),
            "GET /bomb: the response exceeds max_response_bytes (67108864 bytes, counted after decompression)");
  EXPECT_EQ(server.requests(), 1);
  std::printf("gzip bomb: %zu bytes compressed, 400 MB inflated; peak RSS %ld kB (before %ld kB, reset %s)\n",
              compressed, peak_kb, before_kb, reset ? "yes" : "no");
#if defined(__SANITIZE_ADDRESS__)
  // AddressSanitizer's shadow memory and its quarantine of freed buffers
  // inflate the resident set: the bound is asserted by the plain build.
#else
  EXPECT_LT(peak_kb, 200 * 1024);
#endif
}

TEST(SlowDrip, EndsAtTimeoutMs) {
  LoopbackServer server([](const Received&, int) {
    Reply r;
    r.raw = "HTTP/1.1 200 OK\r\nContent-Type: application/json\r\nContent-Length: 100000\r\n\r\n";
    r.parts.assign(1000, " ");
    r.part_delay_ms = 100;
    return r;
  });
  HttpClient client;
  HttpOptions o = fast_http_options(2);
  o.timeout_ms = 600;
  o.max_retries = 0;
  const Error e = error_of(client, loopback_get(server, "/drip"), o);
  EXPECT_EQ(e.sqlstate(), sqlstate::kFdwUnableToEstablishConnection);
  EXPECT_EQ(std::string(e.what()), "GET /drip: Timeout was reached");
  // libcurl's own text is quoted as such, not glued to ours.
  EXPECT_EQ(e.detail().rfind("libcurl says \"Operation timed out after ", 0), 0u) << e.detail();
  EXPECT_EQ(e.detail().back(), '.');
}

// ---------------------------------------------------------------------------
// ca_file: a self-signed server on loopback (test/tls/serve.py)

class TlsServer {
 public:
  TlsServer() {
    const std::string dir = std::string(CFDW_SOURCE_DIR) + "/test/tls/";
    int to_child[2], from_child[2];
    if (::pipe(to_child) != 0 || ::pipe(from_child) != 0) return;
    pid_ = ::fork();
    if (pid_ == 0) {
      ::dup2(to_child[0], 0);
      ::dup2(from_child[1], 1);
      ::close(to_child[1]);
      ::close(from_child[0]);
      ::execlp("python3", "python3", (dir + "serve.py").c_str(), (dir + "server.crt").c_str(),
               (dir + "server.key").c_str(), static_cast<char*>(nullptr));
      ::_exit(127);
    }
    ::close(to_child[0]);
    ::close(from_child[1]);
    stdin_ = to_child[1];
    std::string line;
    char c;
    while (::read(from_child[0], &c, 1) == 1 && c != '\n') line += c;
    ::close(from_child[0]);
    port_ = line.empty() ? 0 : std::stoi(line);
  }
  ~TlsServer() {
    if (stdin_ >= 0) ::close(stdin_);  // the server exits when its stdin closes
    if (pid_ > 0) ::waitpid(pid_, nullptr, 0);
  }
  int port() const { return port_; }
  static std::string ca_file() { return std::string(CFDW_SOURCE_DIR) + "/test/tls/server.crt"; }

 private:
  pid_t pid_ = -1;
  int stdin_ = -1;
  int port_ = 0;
};

TEST(CaFile, ASelfSignedServerIsRefusedWithoutItAndTrustedWithIt) {
  TlsServer server;
  ASSERT_GT(server.port(), 0) << "python3 test/tls/serve.py did not start";
  HttpClient client;
  HttpRequest req;
  req.url = "https://127.0.0.1:" + std::to_string(server.port()) + "/ok";
  req.display = "GET /ok";
  HttpOptions o = fast_http_options(2);
  o.max_retries = 0;

  const Error e = error_of(client, req, o);  // the system bundle does not know it
  EXPECT_EQ(e.sqlstate(), sqlstate::kFdwUnableToEstablishConnection);
  EXPECT_NE((std::string(e.what()) + " " + e.detail()).find("certificate"), std::string::npos)
      << e.what() << " / " << e.detail();

  o.ca_file = TlsServer::ca_file();  // replaces the system bundle
  const HttpResponse r = client.perform_one(req, o, nullptr, HttpHooks(), nullptr);
  EXPECT_EQ(r.status, 200);
  EXPECT_EQ(r.body, "{\"ok\": true}");

  req.url = "https://localhost:" + std::to_string(server.port()) + "/ok";  // the SAN's other name
  EXPECT_EQ(client.perform_one(req, o, nullptr, HttpHooks(), nullptr).status, 200);
}

}  // namespace
}  // namespace cfdw
