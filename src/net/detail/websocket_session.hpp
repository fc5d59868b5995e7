#pragma once
// The server half of an upgraded connection, for http_server.cpp: takes over the TCP stream once the
// route has accepted the upgrade request. Beast's websocket code stays in websocket.cpp.
#include <boost/beast/core/tcp_stream.hpp>
#include <boost/beast/http/message.hpp>
#include <boost/beast/http/string_body.hpp>

#include <chrono>
#include <memory>

#include "net/websocket.hpp"

namespace parley::net::detail {

struct WebSocketServerLimits {
  std::size_t max_message_bytes = 1 << 20;
  std::chrono::milliseconds idle_timeout{60000};
  std::chrono::milliseconds handshake_timeout{10000};  // writing the 101, and the close handshake
};

// Answers the upgrade (101, RFC 6455 s4.2.2) and runs the connection on the stream's executor.
// `lease` is kept until the connection ends (the server counts open connections with it).
std::shared_ptr<WebSocketChannel> accept_websocket(boost::beast::tcp_stream stream,
                                                   boost::beast::http::request<boost::beast::http::string_body> upgrade,
                                                   HttpRequest request, std::shared_ptr<WebSocketHandler> handler,
                                                   WebSocketServerLimits limits, std::shared_ptr<void> lease);

}  // namespace parley::net::detail
