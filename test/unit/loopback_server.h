// Unit tests: a scripted HTTP/1.1 server on the loopback interface, shared by
// the tests of the HTTP client and of the code that sends API requests.
#pragma once

#include <arpa/inet.h>
#include <netinet/in.h>
#include <poll.h>
#include <sys/socket.h>
#include <unistd.h>

#include <atomic>
#include <cctype>
#include <cerrno>
#include <chrono>
#include <cstring>
#include <functional>
#include <map>
#include <mutex>
#include <stdexcept>
#include <string>
#include <thread>
#include <vector>

#include "engine/http/ratelimit.h"

namespace cfdw {
namespace {

// One request as the server received it.
struct Received {
  std::string method;
  std::string target;  // path and query
  std::map<std::string, std::string> headers;  // names lower-cased
  std::string body;
};

// What the server answers to one request.
struct Reply {
  std::string raw;       // status line, headers and body, sent as they are
  int delay_ms = 0;      // before sending
  bool close = false;    // close the connection after sending
  bool silent = false;   // send nothing and wait for the client to give up
  std::vector<std::string> parts;  // sent after `raw`, one by one (a streamed body)
  int part_delay_ms = 0;           // before each part (a slow drip)
};

inline Reply respond(int status, const std::string& body = "", const std::string& headers = "") {
  Reply r;
  r.raw = "HTTP/1.1 " + std::to_string(status) + " Status\r\nContent-Length: " + std::to_string(body.size()) +
          "\r\n" + headers + "\r\n" + body;
  return r;
}

inline std::string lower(std::string s) {
  for (char& c : s) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
  return s;
}

// A TCP socket bound to a free port of 127.0.0.1, which is stored in *port.
inline int bind_loopback(int* port) {
  const int fd = ::socket(AF_INET, SOCK_STREAM, 0);
  sockaddr_in addr{};
  addr.sin_family = AF_INET;
  addr.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  socklen_t len = sizeof addr;
  if (fd < 0 || ::bind(fd, reinterpret_cast<sockaddr*>(&addr), len) != 0 ||
      ::getsockname(fd, reinterpret_cast<sockaddr*>(&addr), &len) != 0) {
    const int error = errno;
    if (fd >= 0) ::close(fd);
    throw std::runtime_error(std::string("loopback socket: ") + std::strerror(error));
  }
  *port = ntohs(addr.sin_port);
  return fd;
}

class LoopbackServer {
 public:
  // Called once per request, from the connection's thread, with the request's
  // number (0-based, in order of arrival).
  using Handler = std::function<Reply(const Received& request, int number)>;

  explicit LoopbackServer(Handler handler) : handler_(std::move(handler)), listen_fd_(bind_loopback(&port_)) {
    if (::listen(listen_fd_, 16) != 0) {
      ::close(listen_fd_);
      throw std::runtime_error(std::string("listen: ") + std::strerror(errno));
    }
    acceptor_ = std::thread([this] { accept_loop(); });
  }

  ~LoopbackServer() {
    stopping_ = true;
    acceptor_.join();
    for (std::thread& w : workers_) w.join();  // workers_ is the acceptor's until now
    ::close(listen_fd_);
  }

  LoopbackServer(const LoopbackServer&) = delete;
  LoopbackServer& operator=(const LoopbackServer&) = delete;

  std::string url(const std::string& target) const { return "http://127.0.0.1:" + std::to_string(port_) + target; }
  int connections() const {
    std::lock_guard<std::mutex> lock(mu_);
    return connections_;
  }
  std::vector<Received> received() const {
    std::lock_guard<std::mutex> lock(mu_);
    return received_;
  }
  int requests() const { return static_cast<int>(received().size()); }

 private:
  void accept_loop() {
    while (wait_readable(listen_fd_)) {
      const int fd = ::accept(listen_fd_, nullptr, nullptr);
      if (fd < 0) continue;
      {
        std::lock_guard<std::mutex> lock(mu_);
        ++connections_;
      }
      workers_.emplace_back([this, fd] { serve(fd); });
    }
  }

  void serve(int fd) {
    std::string buffer;
    Received request;
    while (read_request(fd, buffer, &request)) {
      int number;
      {
        std::lock_guard<std::mutex> lock(mu_);
        number = static_cast<int>(received_.size());
        received_.push_back(request);
      }
      const Reply reply = handler_(request, number);
      if (reply.silent) {
        while (read_more(fd, buffer)) {
        }
        break;
      }
      pause(reply.delay_ms);
      if (::send(fd, reply.raw.data(), reply.raw.size(), MSG_NOSIGNAL) < 0) break;
      bool gone = false;  // the client hung up (a bound or a timeout stopped it)
      for (const std::string& part : reply.parts) {
        pause(reply.part_delay_ms);
        if (stopping_ || ::send(fd, part.data(), part.size(), MSG_NOSIGNAL) < 0) {
          gone = true;
          break;
        }
      }
      if (gone || reply.close) break;
    }
    ::close(fd);
  }

  bool read_request(int fd, std::string& buffer, Received* out) {
    size_t head_end;
    while ((head_end = buffer.find("\r\n\r\n")) == std::string::npos)
      if (!read_more(fd, buffer)) return false;
    *out = Received();
    size_t line_end = buffer.find("\r\n");
    const std::string request_line = buffer.substr(0, line_end);
    const size_t sp1 = request_line.find(' '), sp2 = request_line.rfind(' ');
    out->method = request_line.substr(0, sp1);
    out->target = request_line.substr(sp1 + 1, sp2 - sp1 - 1);
    while (line_end < head_end) {
      const size_t next = buffer.find("\r\n", line_end + 2);
      const std::string line = buffer.substr(line_end + 2, next - line_end - 2);
      const size_t colon = line.find(':');
      if (colon != std::string::npos)
        out->headers[lower(line.substr(0, colon))] = line.substr(line.find_first_not_of(' ', colon + 1));
      line_end = next;
    }
    buffer.erase(0, head_end + 4);
    const auto length_header = out->headers.find("content-length");
    const size_t length = length_header == out->headers.end() ? 0 : std::stoul(length_header->second);
    while (buffer.size() < length)
      if (!read_more(fd, buffer)) return false;
    out->body = buffer.substr(0, length);
    buffer.erase(0, length);
    return true;
  }

  // Appends what the peer sends next; false once it closed or the server stops.
  bool read_more(int fd, std::string& buffer) {
    if (!wait_readable(fd)) return false;
    char chunk[4096];
    const ssize_t n = ::recv(fd, chunk, sizeof chunk, 0);
    if (n <= 0) return false;
    buffer.append(chunk, static_cast<size_t>(n));
    return true;
  }

  bool wait_readable(int fd) {
    pollfd p{fd, POLLIN, 0};
    while (!stopping_) {
      const int r = ::poll(&p, 1, 20);
      if (r > 0) return true;
      if (r < 0 && errno != EINTR) return false;
    }
    return false;
  }

  void pause(int ms) {
    const double until = monotonic_ms() + ms;
    while (!stopping_ && monotonic_ms() < until) std::this_thread::sleep_for(std::chrono::milliseconds(5));
  }

  Handler handler_;
  int port_ = 0;
  int listen_fd_;
  std::atomic<bool> stopping_{false};
  std::thread acceptor_;
  std::vector<std::thread> workers_;
  mutable std::mutex mu_;
  int connections_ = 0;
  std::vector<Received> received_;
};

}  // namespace
}  // namespace cfdw
