#pragma once
// WebSocket values and the two sides of a connection, shared by the client (websocket_client.hpp)
// and the server's upgraded routes (http_server.hpp). Beast stays in websocket.cpp.
#include <cstdint>
#include <memory>
#include <optional>
#include <string>
#include <string_view>

#include "core/error.hpp"
#include "net/http_message.hpp"

namespace parley::net {

struct WebSocketMessage {
  bool binary = false;  // RFC 6455 s5.6: opcode 0x2 (binary) or 0x1 (text, UTF-8)
  std::string data;
};

// Close status codes of RFC 6455 s7.4.1 that Parley sends or reports.
inline constexpr std::uint16_t kWsNormalClosure = 1000;
inline constexpr std::uint16_t kWsGoingAway = 1001;
inline constexpr std::uint16_t kWsUnsupportedData = 1003;  // a data type the endpoint does not take
inline constexpr std::uint16_t kWsInvalidPayload = 1007;   // a message inconsistent with its type (bad JSON)
inline constexpr std::uint16_t kWsPolicyViolation = 1008;
inline constexpr std::uint16_t kWsMessageTooBig = 1009;
inline constexpr std::uint16_t kWsInternalError = 1011;
inline constexpr std::uint16_t kWsTryAgainLater = 1013;  // IANA WebSocket close code registry
inline constexpr std::uint16_t kWsAbnormalClosure = 1006;  // reported only: no close frame was received

// How a connection ended. `error` is empty for a clean close handshake (either side started it);
// otherwise it classifies the failure: timeout (connect or idle deadline), too_large (a message over
// the cap), unavailable (DNS, refused, TLS, connection lost), or the HTTP status class of a declined
// upgrade (see errc_for_http_status), in which case `upgrade_response` holds the server's answer.
struct WebSocketClose {
  std::uint16_t code = kWsAbnormalClosure;
  std::string reason;
  std::optional<core::Error> error;
  std::optional<HttpResponse> upgrade_response;  // client side: the non-101 answer to the upgrade
};

// The sending side of an open connection. Every method may be called from any thread: the work is
// posted to the connection's executor, frames leave in call order, and calls after the close are
// ignored.
class WebSocketChannel {
 public:
  virtual ~WebSocketChannel() = default;
  virtual void send_text(std::string text) = 0;
  virtual void send_binary(std::string bytes) = 0;
  virtual void ping(std::string payload = {}) = 0;
  // Starts the close handshake (RFC 6455 s7.1.2); on_close follows when the peer answers or the
  // close deadline passes.
  virtual void close(std::uint16_t code = kWsNormalClosure, std::string reason = {}) = 0;
  // Drops the connection at once, without a close frame. No handler callback starts after cancel()
  // has run on the connection's executor (at once when called from that executor's thread).
  virtual void cancel() = 0;
  // The request that opened the connection: server side, the client's upgrade request (path,
  // query, headers, remote address); client side, the request as sent.
  virtual const HttpRequest& upgrade_request() const = 0;
};

// Receives a connection's events, all on the connection's executor, never concurrently: on_open once,
// then messages and pongs in arrival order, then on_close exactly once (also when the connection never
// opened), unless the channel was cancelled. After on_close the connection drops its reference.
class WebSocketHandler {
 public:
  virtual ~WebSocketHandler() = default;
  virtual void on_open(std::shared_ptr<WebSocketChannel> channel) = 0;
  virtual void on_message(WebSocketMessage message) = 0;
  virtual void on_pong(std::string_view /*payload*/) {}
  virtual void on_close(const WebSocketClose& close) = 0;
};

}  // namespace parley::net
