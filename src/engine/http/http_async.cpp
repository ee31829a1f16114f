// commerce_fdw engine: the HTTP client's non-blocking mode (see http.h) —
// start / progress / take run a batch one round at a time, and the one wait
// descriptor (an epoll set holding libcurl's sockets, plus a timerfd for
// libcurl's timeout, the next due attempt and at most one slice) that a
// caller such as PostgreSQL's async Append waits on between rounds.
#include <fcntl.h>
#include <sys/epoll.h>
#include <sys/select.h>
#include <sys/timerfd.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <cmath>
#include <cstring>

#include "engine/http/http_impl.h"

namespace cfdw {

namespace {

[[noreturn]] void fail_errno(const char* what) {
  throw Error(sqlstate::kInternalError, std::string("commerce_fdw could not ") + what + ": " + std::strerror(errno));
}

}  // namespace

HttpClient::Impl::~Impl() {
  if (epoll_fd >= 0) close(epoll_fd);
  if (timer_fd >= 0) close(timer_fd);
}

int HttpClient::Impl::prepare_wait(bool now_please) {
  if (epoll_fd < 0) {
    epoll_fd = epoll_create1(EPOLL_CLOEXEC);
    if (epoll_fd < 0) fail_errno("create an epoll set");
    timer_fd = timerfd_create(CLOCK_MONOTONIC, TFD_NONBLOCK | TFD_CLOEXEC);
    if (timer_fd < 0) fail_errno("create a timerfd");
    epoll_event ev{};
    ev.events = EPOLLIN;
    ev.data.fd = timer_fd;
    if (epoll_ctl(epoll_fd, EPOLL_CTL_ADD, timer_fd, &ev) != 0) fail_errno("watch a timerfd");
  }
  // libcurl's sockets, as it wants them now. A socket it closed has left the
  // set by itself; its number may be back as a new socket, hence MOD, else ADD.
  fd_set r, w, x;
  FD_ZERO(&r);
  FD_ZERO(&w);
  FD_ZERO(&x);
  int max_fd = -1;
  if (curl_multi_fdset(multi.get(), &r, &w, &x, &max_fd) != CURLM_OK) max_fd = -1;
  std::map<int, uint32_t> now_wanted;
  for (int fd = 0; fd <= max_fd; ++fd) {
    uint32_t events = 0;
    if (FD_ISSET(fd, &r)) events |= EPOLLIN;
    if (FD_ISSET(fd, &w)) events |= EPOLLOUT;
    if (FD_ISSET(fd, &x)) events |= EPOLLPRI;
    if (events) now_wanted[fd] = events;
  }
  for (const auto& [fd, events] : registered)
    if (!now_wanted.count(fd)) epoll_ctl(epoll_fd, EPOLL_CTL_DEL, fd, nullptr);  // may be gone already
  registered.clear();
  for (const auto& [fd, events] : now_wanted) {
    epoll_event ev{};
    ev.events = events;
    ev.data.fd = fd;
    if (epoll_ctl(epoll_fd, EPOLL_CTL_MOD, fd, &ev) != 0 && epoll_ctl(epoll_fd, EPOLL_CTL_ADD, fd, &ev) != 0)
      continue;  // not watchable: the timer still comes round
    registered[fd] = events;
  }
  // The timer: libcurl's own timeout, the next due attempt, at most one slice.
  const double now = monotonic_ms();
  double wait = now_please ? 0 : kWaitSliceMs;
  long curl_ms = -1;
  if (curl_multi_timeout(multi.get(), &curl_ms) == CURLM_OK && curl_ms >= 0) wait = std::min(wait, double(curl_ms));
  for (const Batch* b : live)
    if (const double due = b->due_in_ms(now); due >= 0) wait = std::min(wait, due);
  uint64_t expirations;
  while (read(timer_fd, &expirations, sizeof expirations) > 0) {
  }
  itimerspec spec{};
  const long ns = std::max(1L, static_cast<long>(std::ceil(wait * 1e6)));  // 0 would disarm it
  spec.it_value.tv_sec = ns / 1000000000L;
  spec.it_value.tv_nsec = ns % 1000000000L;
  if (timerfd_settime(timer_fd, 0, &spec, nullptr) != 0) fail_errno("arm a timerfd");
  return epoll_fd;
}

// A batch of the non-blocking mode, with its own copy of what it sends.
class HttpClient::Async {
 public:
  Async(Impl& client, std::vector<HttpRequest> reqs, int max_parallel, const HttpOptions& opts,
        RateLimiter* limiter, const HttpHooks& hooks, HttpStats* stats)
      : reqs_(std::move(reqs)), opts_(opts), hooks_(hooks),
        batch_(client, reqs_.data(), reqs_.size(), max_parallel, opts_, limiter, hooks_, stats ? *stats : unused_) {}
  Impl::Batch& batch() { return batch_; }

 private:
  std::vector<HttpRequest> reqs_;
  HttpOptions opts_;
  HttpHooks hooks_;
  HttpStats unused_;
  Impl::Batch batch_;  // last: gone before what it refers to
};

std::shared_ptr<HttpClient::Async> HttpClient::start(std::vector<HttpRequest> reqs, int max_parallel,
                                                    const HttpOptions& opts, RateLimiter* limiter,
                                                    const HttpHooks& hooks, HttpStats* stats) {
  auto batch = std::make_shared<Async>(*impl_, std::move(reqs), max_parallel, opts, limiter, hooks, stats);
  progress(*batch);
  return batch;
}

bool HttpClient::progress(Async& batch) { return batch.batch().step(); }

std::vector<HttpResponse> HttpClient::take(Async& batch) { return batch.batch().take(); }

int HttpClient::prepare_wait(bool now) { return impl_->prepare_wait(now); }

int HttpClient::new_wait_fd() {
  const int fd = fcntl(impl_->prepare_wait(false), F_DUPFD_CLOEXEC, 0);
  if (fd < 0) fail_errno("duplicate a descriptor");
  return fd;
}

}  // namespace cfdw
