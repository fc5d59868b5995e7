#include "net/http_client.hpp"

#include <boost/asio/ip/tcp.hpp>
#include <boost/asio/ssl.hpp>
#include <boost/asio/steady_timer.hpp>
#include <boost/asio/strand.hpp>
#include <boost/beast/core.hpp>
#include <boost/beast/http.hpp>
#include <boost/beast/ssl.hpp>
#include <boost/url/parse.hpp>
#include <fmt/format.h>
#include <openssl/ssl.h>

#include <cctype>
#include <future>

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

struct Target {
  bool tls = false;
  std::string host;  // without IPv6 brackets
  std::string port;
  std::string host_header;
  std::string path_and_query;
};

core::Result<Target> parse_target(std::string_view url) {
  auto u = boost::urls::parse_absolute_uri(url);
  if (!u) return core::fail(core::Errc::invalid_argument, "not an absolute URL");
  Target t;
  if (u->scheme() == "https") {
    t.tls = true;
  } else if (u->scheme() != "http") {
    return core::fail(core::Errc::invalid_argument, "URL scheme must be http or https");
  }
  if (u->has_userinfo()) return core::fail(core::Errc::invalid_argument, "credentials in the URL are not supported");
  t.host = std::string(u->host_address());
  if (t.host.empty()) return core::fail(core::Errc::invalid_argument, "URL has no host");
  t.port = u->has_port() ? std::string(u->port()) : (t.tls ? "443" : "80");
  t.host_header = std::string(u->encoded_host_and_port());
  t.path_and_query = u->encoded_path().empty() ? "/" : std::string(u->encoded_path());
  if (u->has_query()) t.path_and_query += "?" + std::string(u->encoded_query());
  return t;
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
  ssl::context tls{ssl::context::tls_client};
  std::string tls_error;  // set when the trust store could not be loaded

  Impl(asio::io_context& io_, HttpClientOptions opts) : io(io_), options(std::move(opts)) {
    beast::error_code ec;
    tls.set_options(ssl::context::default_workarounds | ssl::context::no_sslv2 | ssl::context::no_sslv3 |
                    ssl::context::no_tlsv1 | ssl::context::no_tlsv1_1);
    tls.set_default_verify_paths(ec);
    if (ec) tls_error = "cannot load the system CA store: " + ec.message();
    if (!options.ca_file.empty()) {
      tls.load_verify_file(options.ca_file, ec);
      if (ec) tls_error = "cannot load " + options.ca_file + ": " + ec.message();
    }
    tls.set_verify_mode(options.verify_tls ? ssl::verify_peer : ssl::verify_none);
  }
};

namespace {

// One request from resolve to response. A single timer enforces the connect deadline, then the total
// deadline; when it fires it closes the socket, which aborts whatever operation is pending.
class Exchange : public std::enable_shared_from_this<Exchange> {
 public:
  Exchange(std::shared_ptr<HttpClient::Impl> client, HttpClientRequest req, Target target, HttpClient::Callback done)
      : client_(std::move(client)),
        req_(std::move(req)),
        target_(std::move(target)),
        done_(std::move(done)),
        strand_(asio::make_strand(client_->io)),
        resolver_(strand_),
        stream_(strand_, client_->tls),
        timer_(strand_),
        started_(Clock::now()) {}

  void start() {
    asio::dispatch(strand_, [self = shared_from_this()] { self->resolve(); });
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

  void resolve() {
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
    if (!client_->tls_error.empty()) {
      return finish(core::fail(core::Errc::unavailable, client_->tls_error));
    }
    beast::error_code ec;
    asio::ip::make_address(target_.host, ec);
    // RFC 6066 s3: SNI carries DNS names only, never address literals.
    if (ec && !SSL_set_tlsext_host_name(stream_.native_handle(), target_.host.c_str())) {
      return finish(core::fail(core::Errc::unavailable, "cannot set TLS server name"));
    }
    if (client_->options.verify_tls) stream_.set_verify_callback(ssl::host_name_verification(target_.host));
    stream_.async_handshake(ssl::stream_base::client, [self = shared_from_this()](beast::error_code ec2) {
      if (ec2) return self->fail(ec2, "tls_handshake");
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
      self->read();
    };
    if (target_.tls) {
      http::async_write(stream_, request_, std::move(on_write));
    } else {
      http::async_write(stream_.next_layer(), request_, std::move(on_write));
    }
  }

  void read() {
    auto limit = req_.max_response_bytes;
    parser_.header_limit(static_cast<std::uint32_t>(std::min<std::size_t>(limit, 1u << 20)));
    parser_.body_limit(limit);
    auto on_read = [self = shared_from_this()](beast::error_code ec, std::size_t) {
      if (ec) return self->fail(ec, "read");
      auto& msg = self->parser_.get();
      HttpClientResponse res;
      res.status = static_cast<int>(msg.result_int());
      for (const auto& f : msg) res.headers.emplace_back(std::string(f.name_string()), std::string(f.value()));
      res.body = std::move(msg.body());
      self->finish(std::move(res));
    };
    if (target_.tls) {
      http::async_read(stream_, buffer_, parser_, std::move(on_read));
    } else {
      http::async_read(stream_.next_layer(), buffer_, parser_, std::move(on_read));
    }
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
    finish(core::fail(core::Errc::unavailable,
                      fmt::format("HTTP request to {} failed ({}): {}", target_.host_header, step, ec.message())));
  }

  void finish(core::Result<HttpClientResponse> result) {
    if (finished_) return;
    finished_ = true;
    timer_.cancel();
    beast::error_code ignored;
    beast::get_lowest_layer(stream_).socket().shutdown(tcp::socket::shutdown_both, ignored);
    beast::get_lowest_layer(stream_).socket().close(ignored);
    auto done = std::move(done_);
    done(std::move(result));
  }

  std::shared_ptr<HttpClient::Impl> client_;
  HttpClientRequest req_;
  Target target_;
  HttpClient::Callback done_;
  asio::strand<asio::io_context::executor_type> strand_;
  tcp::resolver resolver_;
  beast::ssl_stream<beast::tcp_stream> stream_;
  asio::steady_timer timer_;
  Clock::time_point started_;
  std::string_view phase_ = "connect";
  bool timed_out_ = false;
  bool finished_ = false;
  beast::flat_buffer buffer_;
  http::request<http::string_body> request_;
  http::response_parser<http::string_body> parser_;
};

}  // namespace

HttpClient::HttpClient(asio::io_context& io, HttpClientOptions options)
    : impl_(std::make_shared<Impl>(io, std::move(options))) {}

HttpClient::~HttpClient() = default;

void HttpClient::async_send(HttpClientRequest request, Callback done) {
  auto target = parse_target(request.url);
  if (!target) {
    auto error = core::fail(core::Errc::invalid_argument, "invalid URL: " + target.error().message);
    asio::post(impl_->io, [done = std::move(done), error]() { done(error); });
    return;
  }
  if (!valid_token(request.method)) {
    auto error = core::fail(core::Errc::invalid_argument, "invalid HTTP method");
    asio::post(impl_->io, [done = std::move(done), error]() { done(error); });
    return;
  }
  std::make_shared<Exchange>(impl_, std::move(request), std::move(*target), std::move(done))->start();
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
