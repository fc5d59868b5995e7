#include "net/http_server.hpp"

#include <boost/asio/ip/tcp.hpp>
#include <boost/asio/dispatch.hpp>
#include <boost/asio/post.hpp>
#include <boost/beast/core.hpp>
#include <boost/beast/http.hpp>
#include <fmt/format.h>
#include <spdlog/spdlog.h>

#include <atomic>
#include <mutex>
#include <set>
#include <thread>

#include "core/ids.hpp"
#include "core/log.hpp"
#include "net/detail/websocket_session.hpp"

namespace parley::net {
namespace asio = boost::asio;
namespace beast = boost::beast;
namespace http = beast::http;
using tcp = asio::ip::tcp;
using Clock = std::chrono::steady_clock;

namespace {

// An incoming X-Request-Id is kept only if it is short and harmless to log.
bool acceptable_request_id(std::string_view id) {
  if (id.empty() || id.size() > 128) return false;
  for (char c : id) {
    if (!std::isalnum(static_cast<unsigned char>(c)) && c != '-' && c != '_' && c != '.') return false;
  }
  return true;
}

bool has_token(std::string_view list, std::string_view token) {
  // A comma-separated header value holding `token`, compared case-insensitively (RFC 9110 s7.8).
  while (!list.empty()) {
    auto comma = list.find(',');
    auto item = list.substr(0, comma);
    while (!item.empty() && (item.front() == ' ' || item.front() == '\t')) item.remove_prefix(1);
    while (!item.empty() && (item.back() == ' ' || item.back() == '\t')) item.remove_suffix(1);
    bool same = item.size() == token.size() && std::equal(item.begin(), item.end(), token.begin(), [](char a, char b) {
                  return std::tolower(static_cast<unsigned char>(a)) == std::tolower(static_cast<unsigned char>(b));
                });
    if (same) return true;
    list = comma == std::string_view::npos ? std::string_view{} : list.substr(comma + 1);
  }
  return false;
}

struct WebSocketRoute {
  std::string prefix;
  WebSocketUpgradeHandler handler;
  WebSocketRouteOptions options;
};

}  // namespace

struct HttpServer::Impl : std::enable_shared_from_this<HttpServer::Impl> {
  class Session;

  IoRuntime& io;
  core::WorkerPool& pool;
  HttpServerOptions options;
  HttpHandler handler;
  tcp::acceptor acceptor;
  std::atomic<bool> stopping{false};
  std::atomic<int> active{0};
  std::mutex sessions_mu;
  std::set<std::weak_ptr<Session>, std::owner_less<std::weak_ptr<Session>>> sessions;
  std::vector<WebSocketRoute> websocket_routes;  // fixed before start()
  std::set<std::weak_ptr<WebSocketChannel>, std::owner_less<std::weak_ptr<WebSocketChannel>>> websockets;

  const WebSocketRoute* websocket_route(std::string_view path) const {
    const WebSocketRoute* best = nullptr;
    for (const auto& r : websocket_routes) {
      if (path.starts_with(r.prefix) && (!best || r.prefix.size() > best->prefix.size())) best = &r;
    }
    return best;
  }

  Impl(IoRuntime& io_, core::WorkerPool& pool_, HttpServerOptions opts, HttpHandler h)
      : io(io_), pool(pool_), options(std::move(opts)), handler(std::move(h)), acceptor(io_.at(0)) {}

  class Session : public std::enable_shared_from_this<Session> {
   public:
    Session(std::shared_ptr<Impl> server, tcp::socket socket)
        : server_(std::move(server)), stream_(std::move(socket)), executor_(stream_.get_executor()) {
      beast::error_code ec;
      auto ep = stream_.socket().remote_endpoint(ec);
      remote_ = ec ? "unknown" : ep.address().to_string();
    }
    ~Session() { --server_->active; }

    void start() { asio::dispatch(executor_, [self = shared_from_this()] { self->read(); }); }

    // Called on stop: an idle connection closes now, a busy one after its response.
    void close_if_idle() {
      asio::post(executor_, [self = shared_from_this()] {
        if (self->upgraded_) return;  // the WebSocket connection owns the stream now
        if (self->reading_ && (!self->parser_ || !self->parser_->got_some())) {
          beast::error_code ec;
          self->stream_.socket().shutdown(tcp::socket::shutdown_both, ec);
          self->stream_.close();
        }
      });
    }

   private:
    void read() {
      parser_.emplace();
      parser_->header_limit(static_cast<std::uint32_t>(server_->options.max_header_bytes));
      parser_->body_limit(server_->options.max_body_bytes);
      stream_.expires_after(requests_ == 0 ? server_->options.request_timeout : server_->options.idle_timeout);
      reading_ = true;
      http::async_read(stream_, buffer_, *parser_,
                       [self = shared_from_this()](beast::error_code ec, std::size_t) { self->on_read(ec); });
    }

    void on_read(beast::error_code ec) {
      reading_ = false;
      if (ec == http::error::end_of_stream || ec == asio::error::operation_aborted || ec == beast::error::timeout ||
          ec == asio::error::connection_reset || ec == asio::error::eof || ec == asio::error::bad_descriptor) {
        return close();
      }
      started_ = Clock::now();
      if (ec) return reject_malformed(ec);
      ++requests_;
      auto& msg = parser_->get();
      keep_alive_ = msg.keep_alive();

      HttpRequest req;
      req.method = std::string(msg.method_string());
      req.target = std::string(msg.target());
      req.remote_address = remote_;
      for (const auto& f : msg) req.headers.emplace_back(std::string(f.name_string()), std::string(f.value()));
      req.body = std::move(msg.body());
      auto rid = req.header("X-Request-Id");
      req.request_id = rid && acceptable_request_id(*rid) ? std::string(*rid) : core::random_token(16);

      std::string_view target = req.target;
      auto qpos = target.find('?');
      auto path = percent_decode(target.substr(0, qpos), false);
      auto query = parse_query(qpos == std::string_view::npos ? std::string_view{} : target.substr(qpos + 1));
      if (!path || !query || target.empty() || target.front() != '/') {
        return respond_error(std::move(req), 400, "invalid_argument", "malformed request target");
      }
      req.path = std::move(*path);
      req.query = std::move(*query);

      if (const auto* route = server_->websocket_route(req.path)) return upgrade(*route, std::move(req));

      auto self = shared_from_this();
      auto job = [self, req = std::make_shared<HttpRequest>(std::move(req))]() mutable {
        HttpResponse res;
        try {
          res = self->server_->handler(*req);
        } catch (const std::exception& e) {
          spdlog::error("event=http.handler_exception request_id={} error={}", req->request_id,
                        core::log_value(e.what()));
          res = HttpResponse{500, {}, json_error_body("internal_error", "internal server error")};
        }
        asio::post(self->executor_, [self, req, res = std::move(res)]() mutable { self->write(*req, std::move(res)); });
      };
      if (!server_->pool.try_submit(std::move(job))) {
        HttpRequest shed;
        shed.method = std::string(msg.method_string());
        shed.target = std::string(msg.target());
        shed.request_id = core::random_token(16);
        HttpResponse res{503, {{"Retry-After", "1"}}, json_error_body("unavailable", "server is overloaded, retry")};
        write(shed, std::move(res));
      }
    }

    // RFC 6455 s4.2.1: an upgrade is a GET with "Upgrade: websocket" and "Connection: Upgrade"; Beast's
    // accept checks the rest (key, version) and answers 400/426 itself.
    void upgrade(const WebSocketRoute& route, HttpRequest req) {
      bool is_upgrade = req.method == "GET" && has_token(req.header("Upgrade").value_or(""), "websocket") &&
                        has_token(req.header("Connection").value_or(""), "upgrade");
      if (!is_upgrade) {
        HttpResponse res{426, {{"Upgrade", "websocket"}, {"Connection", "Upgrade"}},
                         json_error_body("upgrade_required", "this path takes a WebSocket upgrade")};
        return write(req, std::move(res));
      }
      auto self = shared_from_this();
      auto job = [self, &route, req = std::make_shared<HttpRequest>(std::move(req))]() mutable {
        WebSocketUpgrade decision;
        try {
          decision = route.handler(*req);
        } catch (const std::exception& e) {
          spdlog::error("event=http.upgrade_exception request_id={} error={}", req->request_id, core::log_value(e.what()));
          decision = WebSocketUpgrade{nullptr, HttpResponse{500, {}, json_error_body("internal_error", "internal server error")}};
        }
        asio::post(self->executor_, [self, &route, req, decision = std::move(decision)]() mutable {
          self->hand_over(route, std::move(*req), std::move(decision));
        });
      };
      if (!server_->pool.try_submit(std::move(job))) {
        keep_alive_ = false;
        write(req, HttpResponse{503, {{"Retry-After", "1"}}, json_error_body("unavailable", "server is overloaded, retry")});
      }
    }

    void hand_over(const WebSocketRoute& route, HttpRequest req, WebSocketUpgrade decision) {
      if (!decision.handler) {
        keep_alive_ = false;
        return write(req, std::move(decision.refusal));
      }
      // Checked and registered under the lock stop() takes: either stop() sees this channel and closes it,
      // or the upgrade is refused; the 101 is only sent once the channel is registered.
      std::unique_lock lock(server_->sessions_mu);
      if (server_->stopping) {
        lock.unlock();
        return respond_error(std::move(req), 503, "unavailable", "server is shutting down");
      }
      auto ms = std::chrono::duration<double, std::milli>(Clock::now() - started_).count();
      spdlog::info("event=http.websocket_upgrade request_id={} path={} status=101 duration_ms={:.2f} remote={}",
                   req.request_id, core::log_value(req.path), ms, remote_);
      upgraded_ = true;
      detail::WebSocketServerLimits limits;
      limits.max_message_bytes = route.options.max_message_bytes;
      limits.idle_timeout = route.options.idle_timeout;
      limits.handshake_timeout = server_->options.request_timeout;
      auto channel = detail::accept_websocket(std::move(stream_), parser_->release(), std::move(req),
                                              std::move(decision.handler), limits, shared_from_this());
      if (server_->websockets.size() > 1024) std::erase_if(server_->websockets, [](const auto& w) { return w.expired(); });
      server_->websockets.insert(channel);
    }

    void reject_malformed(beast::error_code ec) {
      int status = 400;
      std::string code = "invalid_argument";
      std::string message = "malformed HTTP request: " + ec.message();
      if (ec == http::error::body_limit) {
        status = 413;
        code = "payload_too_large";
        message = fmt::format("request body exceeds {} bytes", server_->options.max_body_bytes);
      } else if (ec == http::error::header_limit) {
        status = 431;
        code = "headers_too_large";
        message = fmt::format("request head exceeds {} bytes", server_->options.max_header_bytes);
      }
      keep_alive_ = false;
      HttpRequest req;
      req.method = "-";
      req.target = "-";
      req.request_id = core::random_token(16);
      respond_error(std::move(req), status, code, message);
    }

    void respond_error(HttpRequest req, int status, std::string_view code, std::string_view message) {
      keep_alive_ = false;
      write(req, HttpResponse{status, {}, json_error_body(code, message)});
    }

    void write(const HttpRequest& req, HttpResponse res) {
      bool keep = keep_alive_ && !server_->stopping;
      auto out = std::make_shared<http::response<http::string_body>>(static_cast<http::status>(res.status), 11);
      out->set(http::field::server, "parley");
      if (!res.body.empty() || res.status != 204) out->set(http::field::content_type, res.content_type);
      for (auto& [k, v] : res.headers) out->set(k, v);
      out->set("X-Request-Id", req.request_id);
      out->keep_alive(keep);
      out->body() = std::move(res.body);
      out->prepare_payload();
      auto ms = std::chrono::duration<double, std::milli>(Clock::now() - started_).count();
      spdlog::info("event=http.request request_id={} method={} path={} status={} duration_ms={:.2f} remote={} bytes={}",
                   req.request_id, core::log_value(req.method), core::log_value(req.path.empty() ? req.target : req.path),
                   res.status, ms, remote_, out->body().size());
      stream_.expires_after(server_->options.request_timeout);
      http::async_write(stream_, *out, [self = shared_from_this(), out, keep](beast::error_code ec, std::size_t) {
        if (ec || !keep) return self->close();
        self->read();
      });
    }

    void close() {
      beast::error_code ec;
      stream_.socket().shutdown(tcp::socket::shutdown_send, ec);
      stream_.close();
    }

    std::shared_ptr<Impl> server_;
    beast::tcp_stream stream_;
    asio::any_io_executor executor_;  // the connection's I/O thread (still valid once the stream moved away)
    beast::flat_buffer buffer_;
    std::optional<http::request_parser<http::string_body>> parser_;
    std::string remote_;
    Clock::time_point started_ = Clock::now();
    std::uint64_t requests_ = 0;
    bool keep_alive_ = false;
    bool reading_ = false;
    bool upgraded_ = false;
  };

  void accept() {
    // Each connection gets the next I/O context: its whole life runs on that one thread.
    acceptor.async_accept(io.next(), [self = shared_from_this()](beast::error_code ec, tcp::socket socket) {
      if (ec == asio::error::operation_aborted || !self->acceptor.is_open()) return;
      if (!ec) self->on_accept(std::move(socket));
      self->accept();
    });
  }

  void on_accept(tcp::socket socket) {
    if (stopping || active.load() >= options.max_connections) {
      beast::error_code ec;
      socket.close(ec);
      spdlog::warn("event=http.connection_refused reason={}", stopping ? "stopping" : "max_connections");
      return;
    }
    socket.set_option(tcp::no_delay(true));
    ++active;
    auto session = std::make_shared<Session>(shared_from_this(), std::move(socket));
    {
      std::lock_guard lock(sessions_mu);
      if (sessions.size() > 1024) std::erase_if(sessions, [](const auto& w) { return w.expired(); });
      sessions.insert(session);
    }
    session->start();
  }
};

HttpServer::HttpServer(IoRuntime& io, core::WorkerPool& pool, HttpServerOptions options, HttpHandler handler)
    : impl_(std::make_shared<Impl>(io, pool, std::move(options), std::move(handler))) {}

HttpServer::~HttpServer() = default;

core::Status HttpServer::start() {
  beast::error_code ec;
  auto addr = asio::ip::make_address(impl_->options.host, ec);
  if (ec) return core::fail(core::Errc::invalid_argument, "invalid HTTP listen host " + impl_->options.host);
  tcp::endpoint ep(addr, impl_->options.port);
  auto& a = impl_->acceptor;
  a.open(ep.protocol(), ec);
  if (!ec) a.set_option(asio::socket_base::reuse_address(true), ec);
  if (!ec) a.bind(ep, ec);
  if (!ec) a.listen(asio::socket_base::max_listen_connections, ec);
  if (ec) {
    return core::fail(core::Errc::unavailable,
                      fmt::format("cannot listen on {}:{}: {}", impl_->options.host, impl_->options.port, ec.message()));
  }
  asio::post(a.get_executor(), [impl = impl_] { impl->accept(); });
  return {};
}

void HttpServer::add_websocket_route(std::string path_prefix, WebSocketUpgradeHandler handler,
                                     WebSocketRouteOptions options) {
  impl_->websocket_routes.push_back({std::move(path_prefix), std::move(handler), options});
}

std::uint16_t HttpServer::port() const {
  beast::error_code ec;
  auto ep = impl_->acceptor.local_endpoint(ec);
  return ec ? 0 : ep.port();
}

void HttpServer::stop(std::chrono::milliseconds drain) {
  {
    std::lock_guard lock(impl_->sessions_mu);  // orders this against a WebSocket hand-over in progress
    if (impl_->stopping.exchange(true)) return;
  }
  asio::post(impl_->acceptor.get_executor(), [impl = impl_] {
    beast::error_code ec;
    impl->acceptor.close(ec);
  });
  std::vector<std::shared_ptr<Impl::Session>> live;
  {
    std::lock_guard lock(impl_->sessions_mu);
    for (auto& w : impl_->sessions) {
      if (auto s = w.lock()) live.push_back(std::move(s));
    }
  }
  std::vector<std::shared_ptr<WebSocketChannel>> sockets;
  {
    std::lock_guard lock(impl_->sessions_mu);
    for (auto& w : impl_->websockets) {
      if (auto s = w.lock()) sockets.push_back(std::move(s));
    }
  }
  for (auto& s : live) s->close_if_idle();
  for (auto& s : sockets) s->close(kWsGoingAway, "server shutting down");
  live.clear();
  sockets.clear();
  auto deadline = Clock::now() + drain;
  while (impl_->active.load() > 0 && Clock::now() < deadline) {
    std::this_thread::sleep_for(std::chrono::milliseconds(10));
  }
  if (impl_->active.load() > 0) spdlog::warn("event=http.drain_timeout open_connections={}", impl_->active.load());
}

}  // namespace parley::net
