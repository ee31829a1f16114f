// See fake_http.h.
#include "fake_http.h"

namespace cfdw {

namespace fuzz {
std::function<HttpResponse(const HttpRequest&)> fake_server;
}

struct HttpClient::Impl {};

HttpClient::HttpClient() : impl_(std::make_unique<Impl>()) {}
HttpClient::~HttpClient() = default;

std::vector<HttpResponse> HttpClient::perform(const std::vector<HttpRequest>& reqs, int, const HttpOptions&,
                                              RateLimiter*, const HttpHooks&, HttpStats* stats) {
  std::vector<HttpResponse> out;
  for (const HttpRequest& r : reqs) {
    if (stats) stats->requests++;
    out.push_back(fuzz::fake_server(r));
    if (stats) stats->bytes_received += int64_t(out.back().body.size());
  }
  return out;
}

HttpResponse HttpClient::perform_one(const HttpRequest& req, const HttpOptions& opts, RateLimiter* limiter,
                                     const HttpHooks& hooks, HttpStats* stats) {
  return perform({req}, 1, opts, limiter, hooks, stats).front();
}

// The non-blocking mode answers at once: start() performs the batch, progress()
// reports it complete, take() hands the responses over.
class HttpClient::Async {
 public:
  std::vector<HttpResponse> responses;
};

std::shared_ptr<HttpClient::Async> HttpClient::start(std::vector<HttpRequest> reqs, int max_parallel,
                                                     const HttpOptions& opts, RateLimiter* limiter,
                                                     const HttpHooks& hooks, HttpStats* stats) {
  auto batch = std::make_shared<Async>();
  batch->responses = perform(reqs, max_parallel, opts, limiter, hooks, stats);
  return batch;
}

bool HttpClient::progress(Async&) { return true; }

std::vector<HttpResponse> HttpClient::take(Async& batch) { return std::move(batch.responses); }

}  // namespace cfdw
