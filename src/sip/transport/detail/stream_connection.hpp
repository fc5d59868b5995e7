#pragma once
// TCP or TLS connection: Content-Length framing, CRLF keep-alive answers, a write queue, and an
// idle deadline (also bounding connect and TLS handshake).
#include <boost/asio/connect.hpp>
#include <boost/asio/ip/tcp.hpp>
#include <boost/asio/ssl.hpp>
#include <boost/asio/steady_timer.hpp>
#include <boost/asio/write.hpp>
#include <spdlog/spdlog.h>

#include <array>
#include <chrono>
#include <deque>
#include <memory>
#include <string>
#include <type_traits>

#include "sip/transport/connection.hpp"
#include "sip/transport/stream_framer.hpp"

namespace parley::sip::detail {

template <class Stream>
class StreamConnection final : public Connection, public std::enable_shared_from_this<StreamConnection<Stream>> {
 public:
  static constexpr bool kTls = !std::is_same_v<Stream, boost::asio::ip::tcp::socket>;

  StreamConnection(Stream stream, Peer peer, ConnectionEvents& events, std::size_t max_message_size,
                   std::chrono::seconds idle_timeout)
      : stream_(std::move(stream)),
        peer_(peer),
        events_(events),
        framer_(max_message_size),
        idle_timeout_(idle_timeout),
        idle_(stream_.get_executor()) {}

  const Peer& peer() const noexcept override { return peer_; }

  void start_accepted() {
    touch();
    if constexpr (kTls) {
      stream_.async_handshake(boost::asio::ssl::stream_base::server,
                              [self = this->shared_from_this()](const boost::system::error_code& ec) {
                                if (ec) return self->fail("tls_handshake", ec);
                                self->on_ready();
                              });
    } else {
      on_ready();
    }
  }

  void start_connect() {
    touch();
    boost::asio::ip::tcp::endpoint endpoint(peer_.address, peer_.port);
    lowest().async_connect(endpoint, [self = this->shared_from_this()](const boost::system::error_code& ec) {
      if (ec) return self->fail("connect", ec);
      if constexpr (kTls) {
        self->stream_.async_handshake(boost::asio::ssl::stream_base::client,
                                      [self](const boost::system::error_code& hec) {
                                        if (hec) return self->fail("tls_handshake", hec);
                                        self->on_ready();
                                      });
      } else {
        self->on_ready();
      }
    });
  }

  void send(std::string_view bytes) override {
    if (closed_) return;
    queue_.emplace_back(bytes);
    if (ready_ && !writing_) write_next();
  }

  void close() override {
    if (closed_) return;
    closed_ = true;
    idle_.cancel();
    boost::system::error_code ec;
    lowest().shutdown(boost::asio::ip::tcp::socket::shutdown_both, ec);
    lowest().close(ec);
    events_.on_closed(*this);
  }

 private:
  auto& lowest() { return stream_.lowest_layer(); }

  void on_ready() {
    ready_ = true;
    if (!queue_.empty() && !writing_) write_next();
    read_next();
  }

  void touch() {
    idle_.expires_after(idle_timeout_);
    idle_.async_wait([weak = this->weak_from_this()](const boost::system::error_code& ec) {
      auto self = weak.lock();
      if (ec || !self || self->closed_) return;
      spdlog::info("event=sip.transport.idle_close peer={}", to_string(self->peer_));
      self->close();
    });
  }

  void read_next() {
    stream_.async_read_some(boost::asio::buffer(rx_), [self = this->shared_from_this()](
                                                          const boost::system::error_code& ec, std::size_t n) {
      if (ec) return self->fail("read", ec);
      self->touch();
      self->framer_.append(std::string_view(self->rx_.data(), n));
      if (!self->drain()) return;
      self->read_next();
    });
  }

  // Hands every complete message up; false when the connection was closed.
  bool drain() {
    for (;;) {
      if (closed_) return false;
      Frame frame = framer_.next();
      switch (frame.kind) {
        case Frame::Kind::need_more: return true;
        case Frame::Kind::ping: send("\r\n"); break;  // RFC 5626 s3.5.1 pong
        case Frame::Kind::message: events_.on_stream_message(frame.bytes, peer_); break;
        case Frame::Kind::error:
          events_.on_stream_error(frame.bytes, peer_);
          spdlog::warn("event=sip.transport.unframeable peer={} reason={}", to_string(peer_),
                       frame.error.reason());
          close();
          return false;
      }
    }
  }

  void write_next() {
    writing_ = true;
    boost::asio::async_write(stream_, boost::asio::buffer(queue_.front()),
                             [self = this->shared_from_this()](const boost::system::error_code& ec, std::size_t) {
                               self->writing_ = false;
                               if (ec) return self->fail("write", ec);
                               self->queue_.pop_front();
                               if (!self->queue_.empty()) self->write_next();
                             });
  }

  void fail(const char* what, const boost::system::error_code& ec) {
    if (closed_) return;
    if (ec != boost::asio::error::eof) {
      spdlog::info("event=sip.transport.connection_error peer={} op={} error={}", to_string(peer_), what,
                   ec.message());
    }
    const bool lost = !ready_ || !queue_.empty();
    close();
    if (lost) events_.on_send_failed(peer_);
  }

  Stream stream_;
  Peer peer_;
  ConnectionEvents& events_;
  StreamFramer framer_;
  std::chrono::seconds idle_timeout_;
  boost::asio::steady_timer idle_;
  std::array<char, 16384> rx_{};
  std::deque<std::string> queue_;
  bool ready_ = false;
  bool writing_ = false;
  bool closed_ = false;
};

using TcpConnection = StreamConnection<boost::asio::ip::tcp::socket>;
using TlsConnection = StreamConnection<boost::asio::ssl::stream<boost::asio::ip::tcp::socket>>;

}  // namespace parley::sip::detail
