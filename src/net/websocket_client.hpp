#pragma once
// Outbound WebSocket client (RFC 6455; Boost.Beast behind a pimpl in websocket.cpp): ws:// and wss://
// with the same TLS rules as HttpClient (system CA store, SNI, certificate name check), custom upgrade
// headers (e.g. "Authorization: Token ..."), text and binary messages, ping/pong, close with code and
// reason, a connect deadline (DNS + TCP + TLS + upgrade), an idle deadline, a message size cap, and
// cancellation. Events reach a WebSocketHandler on the client's io_context.
#include <boost/asio/io_context.hpp>

#include <chrono>
#include <cstddef>
#include <memory>
#include <string>

#include "net/http_client.hpp"
#include "net/websocket.hpp"

namespace parley::net {

struct WebSocketConnectRequest {
  std::string url;  // absolute ws:// or wss:// URL, already percent-encoded
  HeaderList headers;
  std::chrono::milliseconds connect_timeout{5000};
  // When nothing has arrived for half of this, a ping is sent; when nothing (not even the pong) has
  // arrived for all of it, the connection ends with a timeout. 0 disables both.
  std::chrono::milliseconds idle_timeout{30000};
  std::chrono::milliseconds close_timeout{3000};  // waiting for the server's close frame
  std::size_t max_message_bytes = 1 << 20;        // a larger message closes with 1009 (too_large)
};

class WebSocketClient {
 public:
  // Connections run on `io`, which must outlive them. TLS options are HttpClient's.
  explicit WebSocketClient(boost::asio::io_context& io, HttpClientOptions options = {});
  ~WebSocketClient();
  WebSocketClient(const WebSocketClient&) = delete;
  WebSocketClient& operator=(const WebSocketClient&) = delete;

  // Starts connecting. The returned channel accepts sends at once (they are queued until the upgrade
  // completes, and dropped if it fails) and may be cancelled at any time. An invalid URL arrives as
  // on_close with invalid_argument.
  std::shared_ptr<WebSocketChannel> connect(WebSocketConnectRequest request, std::shared_ptr<WebSocketHandler> handler);

  struct Impl;  // opaque: Beast stays in websocket.cpp

 private:
  std::shared_ptr<Impl> impl_;
};

}  // namespace parley::net
