#pragma once
// Async HTTP/1.1 server (Boost.Beast behind a pimpl): keep-alive, head and body limits, timeouts,
// request ids, access log, JSON errors for malformed requests, load shedding and graceful drain.
// WebSocket routes (RFC 6455) take an upgraded connection to a handler on the connection's I/O thread.
#include <chrono>
#include <cstdint>
#include <functional>
#include <memory>
#include <string>

#include "core/error.hpp"
#include "core/worker_pool.hpp"
#include "net/http_message.hpp"
#include "net/io_runtime.hpp"
#include "net/websocket.hpp"

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

// The answer to an upgrade request on a WebSocket route. With a handler, the server answers 101 and the
// handler receives the connection's events on its I/O thread from then on (WebSocketHandler); without
// one, `refusal` is sent (e.g. 401 when the request's credentials do not check out) and the
// connection is closed.
struct WebSocketUpgrade {
  std::shared_ptr<WebSocketHandler> handler;
  HttpResponse refusal{404, {}, json_error_body("not_found", "no WebSocket endpoint here")};
};

// Runs on the worker pool, like HttpHandler (it may use the store to authenticate the request, whose
// path, query, headers and remote address it sees). It must not throw; if it does, the upgrade is
// refused with 500.
using WebSocketUpgradeHandler = std::function<WebSocketUpgrade(HttpRequest&)>;

struct WebSocketRouteOptions {
  std::size_t max_message_bytes = 1 << 20;  // a larger message closes the connection with 1009
  // Half of this without a frame from the client sends a ping; all of it closes the connection.
  std::chrono::seconds idle_timeout{60};
};

class HttpServer {
 public:
  HttpServer(IoRuntime& io, core::WorkerPool& pool, HttpServerOptions options, HttpHandler handler);
  ~HttpServer();

  // Before start(): requests whose decoded path starts with `path_prefix` are WebSocket upgrades
  // (the longest matching prefix wins). A plain request to such a path is answered 426.
  void add_websocket_route(std::string path_prefix, WebSocketUpgradeHandler handler, WebSocketRouteOptions options = {});

  core::Status start();  // binds and listens; an error names the address
  std::uint16_t port() const;
  // Stops accepting, closes idle keep-alive connections, lets requests in flight finish, closes
  // WebSocket connections (1001 "going away", RFC 6455 s7.4.1), and returns when none is left or
  // `drain` has passed.
  void stop(std::chrono::milliseconds drain);

 private:
  struct Impl;
  std::shared_ptr<Impl> impl_;
};

}  // namespace parley::net
