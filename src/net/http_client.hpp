#pragma once
// Outbound HTTP/1.1 client (Boost.Beast behind a pimpl, like the server): http:// and https://
// (system CA store, certificate host-name check, SNI), a connect deadline, a total deadline and an
// idle deadline, a response size cap, and plain request/response values. A response is either
// buffered whole (async_send/send) or streamed in chunks as they arrive (async_stream: server-sent
// events, audio). Used for carrier REST APIs, webhook delivery and cloud engines.
#include <boost/asio/io_context.hpp>

#include <chrono>
#include <cstddef>
#include <functional>
#include <memory>
#include <optional>
#include <string>
#include <string_view>

#include "core/error.hpp"
#include "net/http_message.hpp"

namespace parley::net {

struct HttpClientRequest {
  std::string method = "GET";
  std::string url;  // absolute http:// or https:// URL, already percent-encoded
  HeaderList headers;
  std::string body;
  std::chrono::milliseconds connect_timeout{5000};  // DNS + TCP + TLS handshake
  std::chrono::milliseconds timeout{15000};         // the whole exchange, connect included
  std::chrono::milliseconds idle_timeout{0};        // longest silence while reading the response; 0: none
  std::size_t max_response_bytes = 4 << 20;         // head + body
};

struct HttpClientResponse {
  int status = 0;
  HeaderList headers;
  std::string body;

  std::optional<std::string_view> header(std::string_view name) const;  // case-insensitive, first match
};

struct HttpClientOptions {
  bool verify_tls = true;  // off only in tests
  std::string ca_file;     // extra PEM trust anchors on top of the system store (tests, private CAs)
  std::string user_agent = "parley";
};

// Callbacks of a streamed response, all on the client's io_context, never concurrently: on_head once
// (status and headers; body empty), on_body for each chunk of the decoded body as it arrives (chunked
// transfer coding removed), then on_end exactly once (an error if the exchange failed at any point,
// also before the head), unless the stream was cancelled.
struct HttpStreamHandler {
  std::function<void(const HttpClientResponse& head)> on_head;
  std::function<void(std::string_view chunk)> on_body;
  std::function<void(core::Status end)> on_end;
};

// A streamed exchange in flight.
class HttpStream {
 public:
  virtual ~HttpStream() = default;
  // Aborts the exchange (closes the connection). No callback starts after cancel() has run on the
  // client's io_context (at once when called from its thread).
  virtual void cancel() = 0;
};

// Errors: invalid_argument (bad URL or method), timeout, unavailable (DNS, refused, reset, TLS, the
// body cut short), too_large (response over the cap).
class HttpClient {
 public:
  using Callback = std::function<void(core::Result<HttpClientResponse>)>;

  // Operations run on `io`, which must outlive every request in flight.
  explicit HttpClient(boost::asio::io_context& io, HttpClientOptions options = {});
  ~HttpClient();
  HttpClient(const HttpClient&) = delete;
  HttpClient& operator=(const HttpClient&) = delete;

  // Completes exactly once, on `io`'s thread.
  void async_send(HttpClientRequest request, Callback done);

  // Streams the response body (the cap still applies to head + body). Any status is delivered:
  // the caller reads an error body the same way.
  std::shared_ptr<HttpStream> async_stream(HttpClientRequest request, HttpStreamHandler handler);

  // Blocking form for worker-pool threads (never an I/O thread of `io`: that is refused): waits for
  // the result until the request's own deadline plus a short grace period.
  core::Result<HttpClientResponse> send(HttpClientRequest request);

  struct Impl;  // opaque: Beast stays in http_client.cpp

 private:
  std::shared_ptr<Impl> impl_;
};

// application/x-www-form-urlencoded encoding of one value (RFC 3986 unreserved kept, space as %20).
std::string form_encode(std::string_view text);
// "a=1&b=x%20y" from pairs, in the given order.
std::string form_body(const std::vector<std::pair<std::string, std::string>>& pairs);

}  // namespace parley::net
