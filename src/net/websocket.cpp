// WebSocket connections (RFC 6455) over Boost.Beast: the one translation unit that includes Beast's
// websocket code. A Connection pumps one stream (plain or TLS): a read loop that hands messages to the
// handler, and one queue that sends data, ping and close frames one at a time in call order.
#include "net/websocket_client.hpp"

#include <boost/asio/ip/tcp.hpp>
#include <boost/asio/dispatch.hpp>
#include <boost/asio/post.hpp>
#include <boost/asio/ssl.hpp>
#include <boost/asio/steady_timer.hpp>
#include <boost/asio/strand.hpp>
#include <boost/beast/core.hpp>
#include <boost/beast/http.hpp>
#include <boost/beast/ssl.hpp>
#include <boost/beast/websocket.hpp>
#include <boost/beast/websocket/ssl.hpp>
#include <fmt/format.h>

#include <atomic>
#include <deque>

#include "net/detail/client_target.hpp"
#include "net/detail/websocket_session.hpp"

namespace parley::net {
namespace asio = boost::asio;
namespace beast = boost::beast;
namespace http = beast::http;
namespace websocket = beast::websocket;
namespace ssl = asio::ssl;
using tcp = asio::ip::tcp;
using Clock = std::chrono::steady_clock;

namespace {

websocket::stream_base::duration beast_duration(std::chrono::milliseconds d) {
  return d.count() > 0 ? websocket::stream_base::duration(d) : websocket::stream_base::none();
}

struct Outgoing {
  enum class Kind { text, binary, ping, close } kind;
  std::string data;
  std::uint16_t code = kWsNormalClosure;
};

// One open (or opening) connection over `Stream`. Everything runs on the stream's executor.
template <class Stream>
class Connection : public WebSocketChannel, public std::enable_shared_from_this<Connection<Stream>> {
 public:
  template <class... Args>
  Connection(std::shared_ptr<WebSocketHandler> handler, HttpRequest request, std::size_t max_message_bytes,
             std::chrono::milliseconds idle_timeout, std::chrono::milliseconds close_timeout, Args&&... stream_args)
      : ws_(std::forward<Args>(stream_args)...),
        handler_(std::move(handler)),
        request_(std::move(request)),
        max_message_(max_message_bytes),
        idle_timeout_(idle_timeout),
        close_timeout_(close_timeout) {}

  void send_text(std::string text) override { enqueue({Outgoing::Kind::text, std::move(text)}); }
  void send_binary(std::string bytes) override { enqueue({Outgoing::Kind::binary, std::move(bytes)}); }
  void ping(std::string payload) override { enqueue({Outgoing::Kind::ping, std::move(payload)}); }
  void close(std::uint16_t code, std::string reason) override {
    enqueue({Outgoing::Kind::close, std::move(reason), code});
  }

  void cancel() override {
    cancelled_ = true;
    asio::dispatch(ws_.get_executor(), [self = this->shared_from_this()] {
      self->handler_.reset();
      self->queue_.clear();
      self->drop_socket();
    });
  }

  const HttpRequest& upgrade_request() const override { return request_; }

 protected:
  // Called once the upgrade is done (either side): timeouts, the read loop, then the queued frames.
  void opened() {
    if (cancelled_) return drop_socket();
    beast::get_lowest_layer(ws_).expires_never();  // Beast's websocket timer takes over from here
    websocket::stream_base::timeout t{beast_duration(close_timeout_), beast_duration(idle_timeout_), true};
    ws_.set_option(t);
    ws_.read_message_max(max_message_);
    ws_.control_callback([weak = this->weak_from_this()](websocket::frame_type kind, beast::string_view payload) {
      auto self = weak.lock();
      auto handler = self ? self->handler_ : nullptr;  // a copy: the handler may cancel us from inside
      if (handler && kind == websocket::frame_type::pong) handler->on_pong(std::string_view(payload.data(), payload.size()));
    });
    open_ = true;
    auto handler = handler_;
    if (handler) handler->on_open(this->shared_from_this());
    if (ended_) return;
    read();
    pump();
  }

  // Reports the end once (unless cancelled) and lets go of the handler.
  void end(WebSocketClose close) {
    if (ended_) return;
    ended_ = true;
    queue_.clear();
    drop_socket();
    auto handler = std::move(handler_);
    handler_.reset();
    if (handler && !cancelled_) handler->on_close(close);
  }

  static WebSocketClose failure(core::Errc code, std::string message) {
    WebSocketClose c;
    c.error = core::Error{code, std::move(message)};
    return c;
  }

  websocket::stream<Stream> ws_;
  std::shared_ptr<WebSocketHandler> handler_;
  HttpRequest request_;
  std::atomic<bool> cancelled_{false};
  bool open_ = false;
  bool ended_ = false;

 private:
  void enqueue(Outgoing out) {
    asio::dispatch(ws_.get_executor(), [self = this->shared_from_this(), out = std::move(out)]() mutable {
      if (self->ended_ || self->cancelled_ || self->close_sent_) return;
      if (out.kind == Outgoing::Kind::close) self->close_sent_ = true;
      self->queue_.push_back(std::move(out));
      if (self->open_) self->pump();
    });
  }

  void pump() {
    if (writing_ || queue_.empty() || ended_) return;
    writing_ = true;
    auto self = this->shared_from_this();
    auto& out = queue_.front();
    bool closing = out.kind == Outgoing::Kind::close;
    auto done = [self, closing](beast::error_code ec, std::size_t = 0) {
      self->writing_ = false;
      if (ec) return self->on_error(ec);
      if (closing) return self->closed_cleanly();  // the peer's close frame has arrived
      if (!self->queue_.empty()) self->queue_.pop_front();
      self->pump();
    };
    switch (out.kind) {
      case Outgoing::Kind::text:
      case Outgoing::Kind::binary:
        ws_.binary(out.kind == Outgoing::Kind::binary);
        ws_.async_write(asio::buffer(out.data), std::move(done));
        break;
      case Outgoing::Kind::ping:
        ws_.async_ping(websocket::ping_data(out.data.substr(0, 125)), [done](beast::error_code ec) { done(ec); });
        break;
      case Outgoing::Kind::close: {
        // RFC 6455 s5.5: a control frame payload is at most 125 bytes (2 of them the code).
        websocket::close_reason reason(static_cast<websocket::close_code>(out.code), out.data.substr(0, 123));
        ws_.async_close(reason, [done](beast::error_code ec) { done(ec); });
        break;
      }
    }
  }

  void read() {
    ws_.async_read(buffer_, [self = this->shared_from_this()](beast::error_code ec, std::size_t) {
      if (ec) return self->on_error(ec);
      WebSocketMessage m{!self->ws_.got_text(), beast::buffers_to_string(self->buffer_.data())};
      self->buffer_.consume(self->buffer_.size());
      auto handler = self->handler_;  // a copy: the handler may cancel us from inside
      if (handler && !self->cancelled_) handler->on_message(std::move(m));
      if (!self->ended_ && !self->cancelled_) self->read();
    });
  }

  // The close handshake is complete: report the peer's code and reason (RFC 6455 s7.1.5).
  void closed_cleanly() {
    WebSocketClose c;
    c.code = ws_.reason().code == websocket::close_code::none ? kWsAbnormalClosure
                                                              : static_cast<std::uint16_t>(ws_.reason().code);
    c.reason = std::string(ws_.reason().reason.c_str());
    end(std::move(c));
  }

  void on_error(beast::error_code ec) {
    if (ended_ || cancelled_) return;
    if (ec == websocket::error::closed) return closed_cleanly();
    // Our async_close aborts the pending read and finishes the handshake itself.
    if (ec == asio::error::operation_aborted && close_sent_) return;
    if (ec == beast::error::timeout) {
      return end(failure(core::Errc::timeout, close_sent_ ? "WebSocket close handshake timed out"
                                                          : "WebSocket peer silent past the idle timeout"));
    }
    if (ec == websocket::error::message_too_big) {
      auto c = failure(core::Errc::too_large, fmt::format("WebSocket message exceeds {} bytes", max_message_));
      c.code = kWsMessageTooBig;
      return end(std::move(c));
    }
    end(failure(core::Errc::unavailable, "WebSocket connection lost: " + ec.message()));
  }

  void drop_socket() {
    beast::error_code ignored;
    beast::get_lowest_layer(ws_).socket().shutdown(tcp::socket::shutdown_both, ignored);
    beast::get_lowest_layer(ws_).socket().close(ignored);
  }

  beast::flat_buffer buffer_;
  std::deque<Outgoing> queue_;
  std::size_t max_message_;
  std::chrono::milliseconds idle_timeout_;
  std::chrono::milliseconds close_timeout_;
  bool writing_ = false;
  bool close_sent_ = false;
};

// Client: resolve, connect, TLS, upgrade under one connect deadline, then the shared pump.
template <class Stream>
class ClientConnection final : public Connection<Stream> {
 public:
  using Base = Connection<Stream>;

  template <class... Args>
  ClientConnection(WebSocketConnectRequest req, detail::ClientTarget target, std::shared_ptr<WebSocketHandler> handler,
                   HttpRequest sent, std::string user_agent, bool verify, std::string tls_error,
                   asio::strand<asio::io_context::executor_type> strand, Args&&... stream_args)
      : Base(std::move(handler), std::move(sent), req.max_message_bytes, req.idle_timeout, req.close_timeout,
             std::forward<Args>(stream_args)...),
        req_(std::move(req)),
        target_(std::move(target)),
        user_agent_(std::move(user_agent)),
        verify_(verify),
        tls_error_(std::move(tls_error)),
        resolver_(strand),
        timer_(strand) {}

  void start() {
    asio::dispatch(this->ws_.get_executor(), [self = shared()] { self->resolve(); });
  }

 private:
  std::shared_ptr<ClientConnection> shared() { return std::static_pointer_cast<ClientConnection>(this->shared_from_this()); }

  void resolve() {
    if (this->cancelled_) return;
    started_ = Clock::now();
    timer_.expires_after(req_.connect_timeout);
    timer_.async_wait([self = shared()](beast::error_code ec) {
      if (ec || self->connected_) return;
      self->timed_out_ = true;
      self->resolver_.cancel();
      beast::error_code ignored;
      beast::get_lowest_layer(self->ws_).socket().close(ignored);
    });
    resolver_.async_resolve(target_.host, target_.port,
                            [self = shared()](beast::error_code ec, tcp::resolver::results_type results) {
                              if (ec) return self->fail(ec, "resolve");
                              beast::get_lowest_layer(self->ws_).async_connect(
                                  results, [self](beast::error_code ec2, const tcp::endpoint&) {
                                    if (ec2) return self->fail(ec2, "connect");
                                    self->secure();
                                  });
                            });
  }

  void secure() {
    if constexpr (std::is_same_v<Stream, beast::ssl_stream<beast::tcp_stream>>) {
      if (!tls_error_.empty()) return this->end(Base::failure(core::Errc::unavailable, tls_error_));
      auto& tls = this->ws_.next_layer();
      if (auto ok = detail::prepare_tls_connection(tls.native_handle(), target_.host, verify_); !ok) {
        return this->end(Base::failure(ok.error().code, ok.error().message));
      }
      tls.async_handshake(ssl::stream_base::client, [self = shared()](beast::error_code ec) {
        if (ec) return self->fail(ec, "tls_handshake");
        self->upgrade();
      });
    } else {
      upgrade();
    }
  }

  void upgrade() {
    this->ws_.set_option(websocket::stream_base::decorator(
        [headers = req_.headers, ua = user_agent_](websocket::request_type& r) {
          r.set(http::field::user_agent, ua);
          for (const auto& [k, v] : headers) r.set(k, v);
        }));
    this->ws_.async_handshake(response_, target_.host_header, target_.path_and_query,
                              [self = shared()](beast::error_code ec) {
                                if (ec == websocket::error::upgrade_declined && !self->timed_out_) return self->declined();
                                if (ec) return self->fail(ec, "upgrade");
                                self->connected_ = true;
                                self->timer_.cancel();
                                self->opened();
                              });
  }

  void declined() {
    HttpResponse res;
    res.status = static_cast<int>(response_.result_int());
    for (const auto& f : response_) res.headers.emplace_back(std::string(f.name_string()), std::string(f.value()));
    res.content_type = std::string(response_[http::field::content_type]);
    res.body = std::move(response_.body());
    auto c = Base::failure(errc_for_http_status(res.status),
                           fmt::format("WebSocket upgrade to {} declined with HTTP {}", target_.host_header, res.status));
    c.upgrade_response = std::move(res);
    this->end(std::move(c));
  }

  void fail(beast::error_code ec, std::string_view step) {
    timer_.cancel();
    if (timed_out_) {
      auto ms = std::chrono::duration_cast<std::chrono::milliseconds>(Clock::now() - started_).count();
      return this->end(Base::failure(core::Errc::timeout, fmt::format("WebSocket connect to {} timed out ({}) after {} ms",
                                                                     target_.host_header, step, ms)));
    }
    this->end(Base::failure(core::Errc::unavailable,
                            fmt::format("WebSocket connect to {} failed ({}): {}", target_.host_header, step, ec.message())));
  }

  WebSocketConnectRequest req_;
  detail::ClientTarget target_;
  std::string user_agent_;
  bool verify_;
  std::string tls_error_;
  tcp::resolver resolver_;
  asio::steady_timer timer_;
  Clock::time_point started_;
  websocket::response_type response_;
  bool connected_ = false;
  bool timed_out_ = false;
};

// Server: the route accepted the upgrade request; answer 101 and pump.
class ServerConnection final : public Connection<beast::tcp_stream> {
 public:
  ServerConnection(beast::tcp_stream stream, std::shared_ptr<WebSocketHandler> handler, HttpRequest request,
                   detail::WebSocketServerLimits limits, std::shared_ptr<void> lease)
      : Connection(std::move(handler), std::move(request), limits.max_message_bytes, limits.idle_timeout,
                   limits.handshake_timeout, std::move(stream)),
        handshake_timeout_(limits.handshake_timeout),
        lease_(std::move(lease)) {}

  void accept(http::request<http::string_body> upgrade) {
    upgrade_ = std::move(upgrade);
    auto self = std::static_pointer_cast<ServerConnection>(shared_from_this());
    asio::dispatch(ws_.get_executor(), [self] {
      beast::get_lowest_layer(self->ws_).expires_never();  // the HTTP session's deadline no longer applies
      self->ws_.set_option(websocket::stream_base::timeout{beast_duration(self->handshake_timeout_),
                                                           websocket::stream_base::none(), false});
      self->ws_.set_option(websocket::stream_base::decorator(
          [](websocket::response_type& r) { r.set(http::field::server, "parley"); }));
      self->ws_.async_accept(self->upgrade_, [self](beast::error_code ec) {
        if (ec) return self->end(failure(core::Errc::unavailable, "WebSocket accept failed: " + ec.message()));
        self->opened();
      });
    });
  }

 private:
  std::chrono::milliseconds handshake_timeout_;
  std::shared_ptr<void> lease_;
  http::request<http::string_body> upgrade_;
};

// A connection refused before any I/O (bad URL): only its on_close, on the executor.
class RefusedConnection final : public WebSocketChannel {
 public:
  explicit RefusedConnection(HttpRequest request) : request_(std::move(request)) {}
  void send_text(std::string) override {}
  void send_binary(std::string) override {}
  void ping(std::string) override {}
  void close(std::uint16_t, std::string) override {}
  void cancel() override { cancelled = true; }
  const HttpRequest& upgrade_request() const override { return request_; }
  std::atomic<bool> cancelled{false};

 private:
  HttpRequest request_;
};

}  // namespace

struct WebSocketClient::Impl {
  asio::io_context& io;
  HttpClientOptions options;
  std::shared_ptr<const detail::TlsClientContext> tls_;
  const detail::TlsClientContext& tls;

  Impl(asio::io_context& io_, HttpClientOptions opts)
      : io(io_),
        options(std::move(opts)),
        tls_(detail::shared_tls_context(options.verify_tls, options.ca_file)),
        tls(*tls_) {}
};

WebSocketClient::WebSocketClient(asio::io_context& io, HttpClientOptions options)
    : impl_(std::make_shared<Impl>(io, std::move(options))) {}

WebSocketClient::~WebSocketClient() = default;

std::shared_ptr<WebSocketChannel> WebSocketClient::connect(WebSocketConnectRequest request,
                                                           std::shared_ptr<WebSocketHandler> handler) {
  HttpRequest sent;
  sent.method = "GET";
  sent.target = request.url;
  sent.headers = request.headers;
  auto target = detail::parse_client_target(request.url, "ws", "wss");
  if (!target) {
    auto refused = std::make_shared<RefusedConnection>(std::move(sent));
    asio::post(impl_->io, [refused, handler = std::move(handler), error = target.error()]() {
      if (refused->cancelled || !handler) return;
      WebSocketClose c;
      c.error = core::Error{core::Errc::invalid_argument, "invalid WebSocket URL: " + error.message};
      handler->on_close(c);
    });
    return refused;
  }
  sent.path = target->path_and_query.substr(0, target->path_and_query.find('?'));
  auto strand = asio::make_strand(impl_->io);
  if (target->tls) {
    auto c = std::make_shared<ClientConnection<beast::ssl_stream<beast::tcp_stream>>>(
        std::move(request), std::move(*target), std::move(handler), std::move(sent), impl_->options.user_agent,
        impl_->tls.verify, impl_->tls.error, strand, strand, impl_->tls.ctx);
    c->start();
    return c;
  }
  auto c = std::make_shared<ClientConnection<beast::tcp_stream>>(std::move(request), std::move(*target),
                                                                 std::move(handler), std::move(sent),
                                                                 impl_->options.user_agent, impl_->tls.verify,
                                                                 impl_->tls.error, strand, strand);
  c->start();
  return c;
}

namespace detail {

std::shared_ptr<WebSocketChannel> accept_websocket(beast::tcp_stream stream, http::request<http::string_body> upgrade,
                                                   HttpRequest request, std::shared_ptr<WebSocketHandler> handler,
                                                   WebSocketServerLimits limits, std::shared_ptr<void> lease) {
  auto c = std::make_shared<ServerConnection>(std::move(stream), std::move(handler), std::move(request), limits,
                                              std::move(lease));
  c->accept(std::move(upgrade));
  return c;
}

}  // namespace detail
}  // namespace parley::net
