// commerce_fdw engine: one attempt of an HTTP request (see http_impl.h) — the
// easy handle's settings (protocols, timeouts, TLS, headers, body, method),
// the libcurl callbacks that fill the response and keep its bounds
// (max_response_bytes after decompression, kMaxHeaderBytes of headers), and
// the error for a response beyond them.
#include <algorithm>
#include <cctype>
#include <new>

#include "engine/http/http_impl.h"

namespace cfdw {
namespace http_impl {

namespace {

std::string lower(std::string_view s) {
  std::string out(s);
  for (char& c : out) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
  return out;
}

// ---------------------------------------------------------------------------
// libcurl callbacks: they only fill the response; an exception must not
// cross libcurl, so running out of memory aborts the transfer instead. So does
// a response beyond its bounds: returning less than was given makes libcurl
// stop the transfer at once (CURLE_WRITE_ERROR).

size_t on_body(char* data, size_t size, size_t count, void* sink_ptr) {
  auto* sink = static_cast<Sink*>(sink_ptr);
  const size_t n = size * count;
  std::string& body = sink->response->body;
  if (static_cast<int64_t>(body.size()) + static_cast<int64_t>(n) > sink->max_body) {
    sink->body_too_large = true;
    return n == 0 ? 1 : 0;
  }
  try {
    // Grow geometrically but never beyond the bound, so that a body close to
    // it does not reserve twice as much.
    if (body.size() + n > body.capacity()) {
      const size_t wanted = std::max(body.capacity() * 2, body.size() + n);
      body.reserve(std::min<size_t>(wanted, static_cast<size_t>(sink->max_body)));
    }
    body.append(data, n);
    return n;
  } catch (...) {
    return 0;
  }
}

size_t on_header(char* data, size_t size, size_t count, void* sink_ptr) {
  auto* sink = static_cast<Sink*>(sink_ptr);
  auto& headers = sink->response->headers;
  const std::string_view line(data, size * count);
  sink->header_bytes += static_cast<int64_t>(line.size());
  if (sink->header_bytes > kMaxHeaderBytes) {
    sink->headers_too_large = true;
    return 0;
  }
  try {
    if (line.substr(0, 5) == "HTTP/") {
      headers.clear();  // status line of a new response (e.g. after "100 Continue")
    } else if (const size_t colon = line.find(':'); colon != std::string_view::npos) {
      headers[lower(trim(line.substr(0, colon)))] = std::string(trim(line.substr(colon + 1)));
    }
    return line.size();
  } catch (...) {
    return 0;
  }
}

HeaderList make_header_list(const std::vector<std::string>& headers) {
  HeaderList list;
  auto append = [&](const char* header) {
    curl_slist* head = curl_slist_append(list.get(), header);
    if (!head) throw std::bad_alloc();
    if (!list) list.reset(head);  // the first entry starts the list; later ones extend it
  };
  for (const std::string& h : headers) append(h.c_str());
  // Send a body at once instead of asking "100-continue" first: some servers
  // never answer that, which costs a second per request.
  append("Expect:");
  return list;
}

// Adds a request's setting to its easy handle; a refused value (say a
// negative timeout) is reported against the request.
template <typename T>
void set(const Transfer& t, CURLoption option, T value) {
  const CURLcode rc = curl_easy_setopt(t.easy.get(), option, value);
  if (rc != CURLE_OK) throw Error(sqlstate::kFdwError, display(t) + ": " + curl_easy_strerror(rc));
}

void configure(Transfer& t, const HttpOptions& opts) {
  const HttpRequest& req = *t.req;
  set(t, CURLOPT_URL, req.url.c_str());
#if LIBCURL_VERSION_NUM >= 0x075500  // 7.85.0
  set(t, CURLOPT_PROTOCOLS_STR, "http,https");
#else
  set(t, CURLOPT_PROTOCOLS, static_cast<long>(CURLPROTO_HTTP | CURLPROTO_HTTPS));
#endif
  set(t, CURLOPT_NOSIGNAL, 1L);
  set(t, CURLOPT_HTTP_VERSION, static_cast<long>(CURL_HTTP_VERSION_1_1));
  set(t, CURLOPT_FOLLOWLOCATION, 0L);  // a 3xx is returned to the caller, which refuses it
  set(t, CURLOPT_PATH_AS_IS, 1L);       // "." and ".." are never resolved away (keys encode them anyway)
  set(t, CURLOPT_USERAGENT, kUserAgent);
  set(t, CURLOPT_ACCEPT_ENCODING, "");  // whatever libcurl can decode
  set(t, CURLOPT_TIMEOUT_MS, opts.timeout_ms);
  set(t, CURLOPT_CONNECTTIMEOUT_MS, opts.connect_timeout_ms);
  // Peer and host verification are libcurl's defaults and stay on. A
  // ca_file replaces the system's bundle (as PostgreSQL's sslrootcert does).
  if (!opts.ca_file.empty()) set(t, CURLOPT_CAINFO, opts.ca_file.c_str());
  // A proxy only where the server names one: http_proxy, https_proxy,
  // ALL_PROXY and no_proxy in the postmaster's environment are ignored
  // (an empty CURLOPT_PROXY turns libcurl's reading of them off).
  set(t, CURLOPT_PROXY, opts.proxy.c_str());
  set(t, CURLOPT_HTTPHEADER, t.header_list.get());
  // A request that must not be sent twice gets a new connection: on a reused
  // connection that the server closes without answering, libcurl itself
  // sends the request again, and a write could be applied twice.
  if (!req.idempotent) set(t, CURLOPT_FRESH_CONNECT, 1L);

  // A body makes libcurl send a POST (not copied: the request outlives the
  // transfer); any other method is sent by name.
  const bool with_body = !req.body.empty() || req.method == "POST" || req.method == "PUT";
  if (with_body) {
    set(t, CURLOPT_POSTFIELDSIZE_LARGE, static_cast<curl_off_t>(req.body.size()));
    set(t, CURLOPT_POSTFIELDS, req.body.data());
  }
  if (req.method != (with_body ? "POST" : "GET")) set(t, CURLOPT_CUSTOMREQUEST, req.method.c_str());

  set(t, CURLOPT_WRITEFUNCTION, on_body);
  set(t, CURLOPT_WRITEDATA, static_cast<void*>(&t.sink));
  set(t, CURLOPT_HEADERFUNCTION, on_header);
  set(t, CURLOPT_HEADERDATA, static_cast<void*>(&t.sink));
  set(t, CURLOPT_ERRORBUFFER, t.error);
}

}  // namespace

EasyHandle EasyPool::acquire() {
  if (idle_.empty()) {
    EasyHandle easy(curl_easy_init());
    if (!easy) throw Error(sqlstate::kInternalError, "libcurl could not create a transfer handle");
    return easy;
  }
  EasyHandle easy = std::move(idle_.back());
  idle_.pop_back();
  return easy;
}

void EasyPool::release(EasyHandle easy) {
  curl_easy_reset(easy.get());
  idle_.push_back(std::move(easy));
}

void init_curl_once() {
  static const CURLcode rc = curl_global_init(CURL_GLOBAL_DEFAULT);
  if (rc != CURLE_OK)
    throw Error(sqlstate::kInternalError, std::string("could not initialise libcurl: ") + curl_easy_strerror(rc));
}

void prepare_attempt(Transfer& t, const HttpOptions& opts, EasyPool& pool) {
  // Defence in depth: option validation refuses such values already.
  for (const std::string& h : t.req->headers) {
    if (!is_safe_header(h)) {
      const std::string name = h.substr(0, std::min(h.find(':'), h.size()));
      throw Error(sqlstate::kFdwInvalidAttributeValue,
                  display(t) + ": the request header \"" + (is_safe_header(name) ? name : "?") +
                      "\" holds a control character; the request was not sent");
    }
  }
  t.response = HttpResponse();
  t.sink = Sink();
  t.sink.response = &t.response;
  t.sink.max_body = opts.max_response_bytes > 0 ? opts.max_response_bytes : INT64_MAX;
  t.error[0] = '\0';
  t.header_list = make_header_list(t.req->headers);
  t.easy = pool.acquire();
  configure(t, opts);
}

// The transfer was stopped when the bound was crossed; it is not retried (the
// next answer would be as large). The server answered, so a write it carried
// may have been applied.
void throw_too_large(const Transfer& t) {
  if (t.sink.headers_too_large)
    throw Error(sqlstate::kProgramLimitExceeded,
                display(t) + ": the response headers exceed " + std::to_string(kMaxHeaderBytes) + " bytes")
        .set_effect(RequestEffect::Unknown);
  throw Error(sqlstate::kProgramLimitExceeded,
              display(t) + ": the response exceeds max_response_bytes (" + std::to_string(t.sink.max_body) +
                  " bytes, counted after decompression)",
              std::string(),
              "Raise the server or table option max_response_bytes if responses this large are expected.")
      .set_effect(RequestEffect::Unknown);
}

}  // namespace http_impl
}  // namespace cfdw
