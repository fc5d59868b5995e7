#include "net/http_client.hpp"

#include <boost/asio/ip/tcp.hpp>
#include <boost/asio/ssl.hpp>
#include <boost/asio/steady_timer.hpp>
#include <boost/asio/strand.hpp>
#include <boost/beast/core.hpp>
#include <boost/beast/http.hpp>
#include <boost/beast/ssl.hpp>
#include <fmt/format.h>

#include <array>
#include <atomic>
#include <cctype>
#include <future>

#include "net/detail/client_target.hpp"

namespace parley::net {
namespace asio = boost::asio;
namespace beast = boost::beast;
namespace http = beast::http;
namespace ssl = asio::ssl;
using tcp = asio::ip::tcp;
using Clock = std::chrono::steady_clock;

namespace {

bool iequals(std::string_view a, std::string_view b) {
  if (a.size() != b.size()) return false;
  for (std::size_t i = 0; i < a.size(); ++i) {
    if (std::tolower(static_cast<unsigned char>(a[i])) != std::tolower(static_cast<unsigned char>(b[i]))) return false;
  }
  return true;
}

bool valid_token(std::string_view method) {
  if (method.empty() || method.size() > 32) return false;
  for (char c : method) {
    if (!std::isupper(static_cast<unsigned char>(c))) return false;
  }
  return true;
}

}  // namespace

std::optional<std::string_view> HttpClientResponse::header(std::string_view name) const {
  for (const auto& [k, v] : headers) {
    if (iequals(k, name)) return std::string_view(v);
  }
  return std::nullopt;
}

struct HttpClient::Impl {
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

namespace {

// One request from resolve to the end of the response body. A single timer enforces the connect
// deadline, then the total deadline and the idle deadline; when it fires it closes the socket, which
// aborts whatever operation is pending. The body is handed out in chunks as it arrives.
class Exchange : public HttpStream, public std::enable_shared_from_this<Exchange> {
 public:
  Exchange(std::shared_ptr<HttpClient::Impl> client, HttpClientRequest req, detail::ClientTarget target,
           HttpStreamHandler handler)
      : client_(std::move(client)),
        req_(std::move(req)),
        target_(std::move(target)),
        handler_(std::move(handler)),
        strand_(asio::make_strand(client_->io)),
        resolver_(strand_),
        stream_(strand_, client_->tls.ctx),
        timer_(strand_),
        started_(Clock::now()) {}

  void start() {
    asio::dispatch(strand_, [self = shared_from_this()] { self->resolve(); });
  }

  void cancel() override {
    cancelled_ = true;
    asio::dispatch(strand_, [self = shared_from_this()] { self->finish({}); });
  }

 private:
  Clock::time_point total_deadline() const { return started_ + req_.timeout; }

  void arm(Clock::time_point at, std::string_view phase) {
    phase_ = phase;
    timer_.expires_at(at);
    timer_.async_wait([self = shared_from_this()](beast::error_code ec) {
      if (ec || self->finished_) return;
      self->timed_out_ = true;
      self->resolver_.cancel();
      beast::error_code ignored;
      beast::get_lowest_layer(self->stream_).socket().close(ignored);
    });
  }

  // While reading the response: the total deadline, or sooner the idle deadline from now.
  void arm_read() {
    auto at = total_deadline();
    if (req_.idle_timeout.count() > 0 && Clock::now() + req_.idle_timeout < at) {
      return arm(Clock::now() + req_.idle_timeout, "idle");
    }
    arm(at, "exchange");
  }

  void resolve() {
    if (cancelled_) return;
    arm(std::min(started_ + req_.connect_timeout, total_deadline()), "connect");
    resolver_.async_resolve(target_.host, target_.port,
                            [self = shared_from_this()](beast::error_code ec, tcp::resolver::results_type results) {
                              if (ec) return self->fail(ec, "resolve");
                              self->connect(results);
                            });
  }

  void connect(const tcp::resolver::results_type& results) {
    beast::get_lowest_layer(stream_).async_connect(
        results, [self = shared_from_this()](beast::error_code ec, const tcp::endpoint&) {
          if (ec) return self->fail(ec, "connect");
          if (self->target_.tls) return self->handshake();
          self->write();
        });
  }

  void handshake() {
    if (!client_->tls.error.empty()) return finish(core::fail(core::Errc::unavailable, client_->tls.error));
    if (auto ok = detail::prepare_tls_connection(stream_.native_handle(), target_.host, client_->tls.verify); !ok) {
      return finish(ok);
    }
    stream_.async_handshake(ssl::stream_base::client, [self = shared_from_this()](beast::error_code ec) {
      if (ec) return self->fail(ec, "tls_handshake");
      self->write();
    });
  }

  void write() {
    arm(total_deadline(), "exchange");
    auto verb = http::string_to_verb(req_.method);
    request_.version(11);
    if (verb == http::verb::unknown) {
      request_.method_string(req_.method);
    } else {
      request_.method(verb);
    }
    request_.target(target_.path_and_query);
    request_.set(http::field::host, target_.host_header);
    request_.set(http::field::user_agent, client_->options.user_agent);
    for (const auto& [k, v] : req_.headers) request_.set(k, v);
    request_.keep_alive(false);
    request_.body() = std::move(req_.body);
    if (!request_.body().empty() || verb == http::verb::post || verb == http::verb::put || verb == http::verb::patch) {
      request_.prepare_payload();
    }
    auto on_write = [self = shared_from_this()](beast::error_code ec, std::size_t) {
      if (ec) return self->fail(ec, "write");
      self->read_head();
    };
    if (target_.tls) {
      http::async_write(stream_, request_, std::move(on_write));
    } else {
      http::async_write(stream_.next_layer(), request_, std::move(on_write));
    }
  }

  template <class Op>
  void with_stream(Op&& op) {
    if (target_.tls) {
      op(stream_);
    } else {
      op(stream_.next_layer());
    }
  }

  void read_head() {
    auto limit = req_.max_response_bytes;
    parser_.header_limit(static_cast<std::uint32_t>(std::min<std::size_t>(limit, 1u << 20)));
    parser_.body_limit(limit);
    arm_read();
    with_stream([this](auto& s) {
      http::async_read_header(s, buffer_, parser_, [self = shared_from_this()](beast::error_code ec, std::size_t) {
        if (ec) return self->fail(ec, "read");
        auto& msg = self->parser_.get();
        HttpClientResponse head;
        head.status = static_cast<int>(msg.result_int());
        for (const auto& f : msg) head.headers.emplace_back(std::string(f.name_string()), std::string(f.value()));
        if (self->handler_.on_head) self->handler_.on_head(head);
        if (self->finished_) return;
        if (self->parser_.is_done()) return self->finish({});
        self->read_body();
      });
    });
  }

  void read_body() {
    arm_read();
    auto& body = parser_.get().body();
    body.data = chunk_.data();
    body.size = chunk_.size();
    with_stream([this](auto& s) {
      // read_some: back as soon as some body arrived, not when the buffer is full.
      http::async_read_some(s, buffer_, parser_, [self = shared_from_this()](beast::error_code ec, std::size_t) {
        if (ec == http::error::need_buffer) ec = {};
        if (ec) return self->fail(ec, "read");
        std::size_t got = self->chunk_.size() - self->parser_.get().body().size;
        if (got > 0 && self->handler_.on_body) self->handler_.on_body(std::string_view(self->chunk_.data(), got));
        if (self->finished_) return;
        if (self->parser_.is_done()) return self->finish({});
        self->read_body();
      });
    });
  }

  void fail(beast::error_code ec, std::string_view step) {
    if (timed_out_) {
      auto ms = std::chrono::duration_cast<std::chrono::milliseconds>(Clock::now() - started_).count();
      return finish(core::fail(core::Errc::timeout, fmt::format("HTTP request to {} timed out in {} after {} ms",
                                                                target_.host_header, phase_, ms)));
    }
    if (ec == http::error::body_limit || ec == http::error::header_limit || ec == http::error::buffer_overflow) {
      return finish(core::fail(core::Errc::too_large, fmt::format("HTTP response from {} exceeds {} bytes",
                                                                  target_.host_header, req_.max_response_bytes)));
    }
    if (ec == http::error::partial_message || (parser_.is_header_done() && ec == asio::error::eof)) {
      return finish(core::fail(core::Errc::unavailable,
                               fmt::format("HTTP response from {} was cut short: {}", target_.host_header, ec.message())));
    }
    finish(core::fail(core::Errc::unavailable,
                      fmt::format("HTTP request to {} failed ({}): {}", target_.host_header, step, ec.message())));
  }

  void finish(core::Status result) {
    if (finished_) return;
    finished_ = true;
    timer_.cancel();
    resolver_.cancel();
    beast::error_code ignored;
    beast::get_lowest_layer(stream_).socket().shutdown(tcp::socket::shutdown_both, ignored);
    beast::get_lowest_layer(stream_).socket().close(ignored);
    // The handler may be what is running now (a callback that cancelled): free it once that returns.
    auto end = std::move(handler_.on_end);
    asio::post(strand_, [self = shared_from_this()] { self->handler_ = {}; });
    if (!cancelled_ && end) end(std::move(result));
  }

  std::shared_ptr<HttpClient::Impl> client_;
  HttpClientRequest req_;
  detail::ClientTarget target_;
  HttpStreamHandler handler_;
  asio::strand<asio::io_context::executor_type> strand_;
  tcp::resolver resolver_;
  beast::ssl_stream<beast::tcp_stream> stream_;
  asio::steady_timer timer_;
  Clock::time_point started_;
  std::string_view phase_ = "connect";
  std::atomic<bool> cancelled_{false};
  bool timed_out_ = false;
  bool finished_ = false;
  beast::flat_buffer buffer_;
  http::request<http::string_body> request_;
  http::response_parser<http::buffer_body> parser_;
  std::array<char, 16384> chunk_{};
};

struct RefusedStream : HttpStream {
  std::atomic<bool> cancelled{false};
  void cancel() override { cancelled = true; }
};

}  // namespace

HttpClient::HttpClient(asio::io_context& io, HttpClientOptions options)
    : impl_(std::make_shared<Impl>(io, std::move(options))) {}

HttpClient::~HttpClient() = default;

std::shared_ptr<HttpStream> HttpClient::async_stream(HttpClientRequest request, HttpStreamHandler handler) {
  auto target = detail::parse_client_target(request.url, "http", "https");
  core::Status invalid;
  if (!target) {
    invalid = core::fail(core::Errc::invalid_argument, "invalid URL: " + target.error().message);
  } else if (!valid_token(request.method)) {
    invalid = core::fail(core::Errc::invalid_argument, "invalid HTTP method");
  }
  if (!invalid.has_value()) {
    // Refused before any I/O: the error still arrives on the io_context, like every other outcome.
    auto refused = std::make_shared<RefusedStream>();
    asio::post(impl_->io, [refused, end = std::move(handler.on_end), invalid]() {
      if (!refused->cancelled && end) end(invalid);
    });
    return refused;
  }
  auto exchange = std::make_shared<Exchange>(impl_, std::move(request), std::move(*target), std::move(handler));
  exchange->start();
  return exchange;
}

void HttpClient::async_send(HttpClientRequest request, Callback done) {
  auto response = std::make_shared<HttpClientResponse>();
  HttpStreamHandler h;
  h.on_head = [response](const HttpClientResponse& head) { *response = head; };
  h.on_body = [response](std::string_view chunk) { response->body.append(chunk); };
  h.on_end = [response, done = std::move(done)](core::Status end) {
    if (!end) return done(std::unexpected(std::move(end.error())));
    done(std::move(*response));
  };
  async_stream(std::move(request), std::move(h));
}

core::Result<HttpClientResponse> HttpClient::send(HttpClientRequest request) {
  if (impl_->io.get_executor().running_in_this_thread()) {
    return core::fail(core::Errc::internal, "blocking HTTP request on an I/O thread");
  }
  constexpr auto kGrace = std::chrono::seconds(2);
  auto wait = request.timeout + kGrace;
  auto promise = std::make_shared<std::promise<core::Result<HttpClientResponse>>>();
  auto future = promise->get_future();
  async_send(std::move(request), [promise](core::Result<HttpClientResponse> r) { promise->set_value(std::move(r)); });
  if (future.wait_for(wait) != std::future_status::ready) {
    return core::fail(core::Errc::timeout, "HTTP request did not complete: the I/O context is not running");
  }
  return future.get();
}

std::string form_encode(std::string_view text) {
  static constexpr char kHex[] = "0123456789ABCDEF";
  std::string out;
  out.reserve(text.size());
  for (unsigned char c : text) {
    if (std::isalnum(c) || c == '-' || c == '.' || c == '_' || c == '~') {
      out.push_back(static_cast<char>(c));
    } else {
      out.push_back('%');
      out.push_back(kHex[c >> 4]);
      out.push_back(kHex[c & 15]);
    }
  }
  return out;
}

std::string form_body(const std::vector<std::pair<std::string, std::string>>& pairs) {
  std::string out;
  for (const auto& [k, v] : pairs) {
    if (!out.empty()) out.push_back('&');
    out += form_encode(k);
    out.push_back('=');
    out += form_encode(v);
  }
  return out;
}

}  // namespace parley::net
