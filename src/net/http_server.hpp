#pragma once
// Async HTTP/1.1 server (Boost.Beast behind a pimpl): keep-alive, head and body limits, timeouts,
// request ids, access log, JSON errors for malformed requests, load shedding and graceful drain.
#include <chrono>
#include <cstdint>
#include <functional>
#include <memory>
#include <string>

#include "core/error.hpp"
#include "core/worker_pool.hpp"
#include "net/http_message.hpp"
#include "net/io_runtime.hpp"

namespace parley::net {

struct HttpServerOptions {
  std::string host = "127.0.0.1";
  std::uint16_t port = 8080;  // 0: any free port (see HttpServer::port())
  std::size_t max_body_bytes = 1 << 20;
  std::size_t max_header_bytes = 16 << 10;
  std::chrono::seconds request_timeout{30};
  std::chrono::seconds idle_timeout{60};
  int max_connections = 10000;
};

// Runs on the worker pool, never on an I/O thread: it may use the store. It must not throw;
// if it does, the client gets a 500 without details and the error is logged.
using HttpHandler = std::function<HttpResponse(HttpRequest&)>;

class HttpServer {
 public:
  HttpServer(IoRuntime& io, core::WorkerPool& pool, HttpServerOptions options, HttpHandler handler);
  ~HttpServer();

  core::Status start();  // binds and listens; an error names the address
  std::uint16_t port() const;
  // Stops accepting, closes idle keep-alive connections, lets requests in flight finish, and
  // returns when none is left or `drain` has passed.
  void stop(std::chrono::milliseconds drain);

 private:
  struct Impl;
  std::shared_ptr<Impl> impl_;
};

}  // namespace parley::net
