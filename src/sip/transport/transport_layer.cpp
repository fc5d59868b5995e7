#include "sip/transport/transport_layer.hpp"

#include <boost/asio/ip/udp.hpp>
#include <boost/asio/ip/v6_only.hpp>
#include <spdlog/spdlog.h>

#include <unordered_map>

#include "core/log.hpp"
#include "sip/message/builder.hpp"
#include "sip/transport/detail/stream_connection.hpp"

namespace parley::sip {

namespace asio = boost::asio;
using asio::ip::tcp;
using asio::ip::udp;

namespace {

struct UdpSocket {
  explicit UdpSocket(asio::io_context& io, std::size_t max) : socket(io), rx(max + 1) {}
  udp::socket socket;
  std::vector<char> rx;  // reused for every datagram; one byte over the limit detects oversize
  udp::endpoint from;
  bool v6 = false;
};

struct Acceptor {
  Acceptor(asio::io_context& io, Transport t) : acceptor(io), transport(t) {}
  tcp::acceptor acceptor;
  Transport transport;
};

bool is_wildcard(const std::string& host) { return host == "0.0.0.0" || host == "::" || host == "[::]"; }

}  // namespace

struct TransportLayer::Impl final : ConnectionEvents {
  Impl(asio::io_context& io_, TransportConfig config_, MessageReceiver& receiver_)
      : io(io_), config(std::move(config_)), receiver(receiver_) {}

  asio::io_context& io;
  TransportConfig config;
  MessageReceiver& receiver;
  std::vector<std::unique_ptr<UdpSocket>> udp_sockets;
  std::vector<std::unique_ptr<Acceptor>> acceptors;
  std::unique_ptr<asio::ssl::context> tls_server;
  std::unique_ptr<asio::ssl::context> tls_client;
  std::unordered_map<Peer, std::shared_ptr<Connection>, PeerHash> connections;
  std::string public_host;
  std::function<void(const Peer&)> on_failure;
  MessageTap* tap = nullptr;
  bool stopped = false;

  core::Status open_udp(const asio::ip::address& address, std::uint16_t& port) {
    auto s = std::make_unique<UdpSocket>(io, config.max_message_size);
    udp::endpoint endpoint(address, port);
    boost::system::error_code ec;
    s->socket.open(endpoint.protocol(), ec);
    if (!ec && address.is_v6()) s->socket.set_option(asio::ip::v6_only(true), ec);
    if (!ec) s->socket.set_option(asio::socket_base::receive_buffer_size(4 << 20), ec);
    if (!ec) s->socket.bind(endpoint, ec);
    if (ec) return core::fail(core::Errc::io, "udp bind " + endpoint.address().to_string() + ": " + ec.message());
    port = s->socket.local_endpoint(ec).port();
    s->v6 = address.is_v6();
    udp_sockets.push_back(std::move(s));  // receiving starts once its TCP twin is bound too
    return {};
  }

  core::Status open_stream(const asio::ip::address& address, std::uint16_t& port, Transport transport) {
    auto a = std::make_unique<Acceptor>(io, transport);
    tcp::endpoint endpoint(address, port);
    boost::system::error_code ec;
    a->acceptor.open(endpoint.protocol(), ec);
    if (!ec && address.is_v6()) a->acceptor.set_option(asio::ip::v6_only(true), ec);
    if (!ec) a->acceptor.set_option(tcp::acceptor::reuse_address(true), ec);
    if (!ec) a->acceptor.bind(endpoint, ec);
    if (!ec) a->acceptor.listen(asio::socket_base::max_listen_connections, ec);
    if (ec) return core::fail(core::Errc::io, "tcp bind " + endpoint.address().to_string() + ": " + ec.message());
    port = a->acceptor.local_endpoint(ec).port();
    accept(*a);
    acceptors.push_back(std::move(a));
    return {};
  }

  core::Status open_tls_contexts() {
    tls_server = std::make_unique<asio::ssl::context>(asio::ssl::context::tls_server);
    tls_server->set_options(asio::ssl::context::default_workarounds | asio::ssl::context::no_sslv2 |
                            asio::ssl::context::no_sslv3 | asio::ssl::context::no_tlsv1 |
                            asio::ssl::context::no_tlsv1_1);
    boost::system::error_code ec;
    tls_server->use_certificate_chain_file(config.tls_cert_file, ec);
    if (ec) return core::fail(core::Errc::invalid_argument, "tls certificate: " + ec.message(), "sip_tls_cert");
    tls_server->use_private_key_file(config.tls_key_file, asio::ssl::context::pem, ec);
    if (ec) return core::fail(core::Errc::invalid_argument, "tls key: " + ec.message(), "sip_tls_key");
    return {};
  }

  void open_tls_client() {  // outbound TLS needs no certificate of ours
    tls_client = std::make_unique<asio::ssl::context>(asio::ssl::context::tls_client);
    boost::system::error_code ec;
    tls_client->set_default_verify_paths(ec);
    tls_client->set_verify_mode(config.tls_verify_peer ? asio::ssl::verify_peer : asio::ssl::verify_none);
  }

  core::Status start() {
    for (const auto& hp : config.listen) {
      auto peer = make_peer(hp.host, hp.port, Transport::udp);
      if (!peer) return core::fail(core::Errc::invalid_argument, "sip listen host must be an IP: " + hp.host);
      // UDP and TCP share the port. With port 0 the system picks a free UDP port whose TCP twin may
      // be taken: pick again a few times before giving up.
      for (int attempt = 0;; ++attempt) {
        std::uint16_t port = hp.port;
        if (auto s = open_udp(peer->address, port); !s) return s;
        auto tcp = open_stream(peer->address, port, Transport::tcp);
        if (tcp) {
          receive(*udp_sockets.back());
          break;
        }
        if (hp.port != 0 || attempt == 20) return tcp;
        boost::system::error_code ec;
        udp_sockets.back()->socket.close(ec);
        udp_sockets.pop_back();
      }
    }
    open_tls_client();
    if (!config.tls_listen.empty()) {
      if (auto s = open_tls_contexts(); !s) return s;
      for (const auto& hp : config.tls_listen) {
        auto peer = make_peer(hp.host, hp.port, Transport::tls);
        if (!peer) return core::fail(core::Errc::invalid_argument, "sip tls listen host must be an IP: " + hp.host);
        std::uint16_t port = hp.port;
        if (auto s = open_stream(peer->address, port, Transport::tls); !s) return s;
      }
    }
    public_host = config.public_host;
    if (public_host.empty()) {
      const auto& all = config.listen.empty() ? config.tls_listen : config.listen;
      public_host = all.empty() || is_wildcard(all.front().host) ? "127.0.0.1" : all.front().host;
    }
    if (public_host.find(':') != std::string::npos && public_host.front() != '[') public_host = "[" + public_host + "]";
    return {};
  }

  void stop() {
    stopped = true;
    boost::system::error_code ec;
    for (auto& s : udp_sockets) s->socket.close(ec);
    for (auto& a : acceptors) a->acceptor.close(ec);
    auto open = connections;  // close() erases from the table
    for (auto& [peer, c] : open) c->close();
    connections.clear();
  }

  void receive(UdpSocket& s) {
    s.socket.async_receive_from(asio::buffer(s.rx), s.from, [this, &s](const boost::system::error_code& ec, std::size_t n) {
      if (ec == asio::error::operation_aborted || stopped) return;
      if (!ec) {
        const Peer source{Transport::udp, s.from.address(), s.from.port()};
        if (n > config.max_message_size) {
          spdlog::warn("event=sip.transport.oversized peer={} bytes={}", to_string(source), n);
        } else if (std::string_view(s.rx.data(), n).find_first_not_of("\r\n") != std::string_view::npos) {
          deliver(std::string_view(s.rx.data(), n), source, Framing::datagram);
        }
      }
      receive(s);
    });
  }

  void accept(Acceptor& a) {
    a.acceptor.async_accept([this, &a](const boost::system::error_code& ec, tcp::socket socket) {
      if (ec == asio::error::operation_aborted || stopped) return;
      if (!ec) {
        boost::system::error_code rec;
        auto remote = socket.remote_endpoint(rec);
        if (!rec) {
          const Peer peer{a.transport, remote.address(), remote.port()};
          if (a.transport == Transport::tls) {
            auto c = std::make_shared<detail::TlsConnection>(
                asio::ssl::stream<tcp::socket>(std::move(socket), *tls_server), peer, *this,
                config.max_message_size, config.idle_timeout);
            connections[peer] = c;
            c->start_accepted();
          } else {
            auto c = std::make_shared<detail::TcpConnection>(std::move(socket), peer, *this, config.max_message_size,
                                                             config.idle_timeout);
            connections[peer] = c;
            c->start_accepted();
          }
        }
      }
      accept(a);
    });
  }

  std::shared_ptr<Connection> connect(const Peer& peer) {
    std::shared_ptr<Connection> c;
    if (peer.transport == Transport::tls) {
      if (!tls_client) return nullptr;
      auto t = std::make_shared<detail::TlsConnection>(asio::ssl::stream<tcp::socket>(io, *tls_client), peer, *this,
                                                       config.max_message_size, config.idle_timeout);
      t->start_connect();
      c = t;
    } else {
      auto t = std::make_shared<detail::TcpConnection>(tcp::socket(io), peer, *this, config.max_message_size,
                                                       config.idle_timeout);
      t->start_connect();
      c = t;
    }
    connections[peer] = c;
    return c;
  }

  void deliver(std::string_view bytes, const Peer& source, Framing framing) {
    if (tap) tap->on_message(Direction::in, source, bytes);
    auto in = make_inbound(bytes, framing, source);
    if (in) {
      receiver.on_message(std::move(*in));
      return;
    }
    reject(bytes, in.error(), source);
  }

  // RFC 3261 s8.2 / s16.3: a request we cannot process but can answer gets a 400-class response.
  void reject(std::string_view bytes, const ParseError& error, const Peer& source) {
    if (error.can_respond) {
      if (auto response = make_error_response(bytes, error)) {
        send(source, *response);
        spdlog::info("event=sip.transport.bad_request peer={} status={} reason={}", to_string(source), error.status(),
                     core::log_value(error.reason()));
        return;
      }
    }
    spdlog::info("event=sip.transport.dropped peer={} reason={}", to_string(source), core::log_value(error.reason()));
  }

  void send(const Peer& destination, std::string_view bytes) {
    if (stopped) return;
    if (tap && bytes.find_first_not_of("\r\n") != std::string_view::npos) tap->on_message(Direction::out, destination, bytes);
    if (destination.transport == Transport::udp) {
      if (bytes.size() > config.max_message_size) {
        spdlog::warn("event=sip.transport.send_oversized peer={} bytes={}", to_string(destination), bytes.size());
        return;
      }
      for (auto& s : udp_sockets) {
        if (s->v6 != destination.address.is_v6()) continue;
        boost::system::error_code ec;
        s->socket.send_to(asio::buffer(bytes.data(), bytes.size()), udp::endpoint(destination.address, destination.port), 0, ec);
        if (ec) {
          spdlog::info("event=sip.transport.send_failed peer={} error={}", to_string(destination), ec.message());
          on_send_failed(destination);
        }
        return;
      }
      spdlog::warn("event=sip.transport.no_socket peer={}", to_string(destination));
      return;
    }
    auto it = connections.find(destination);
    std::shared_ptr<Connection> c = it != connections.end() ? it->second : connect(destination);
    if (!c) {
      spdlog::warn("event=sip.transport.no_socket peer={}", to_string(destination));
      return;
    }
    c->send(bytes);
  }

  void on_stream_message(std::string_view bytes, const Peer& source) override { deliver(bytes, source, Framing::stream); }

  void on_stream_error(std::string_view bytes, const Peer& source) override {
    auto parsed = parse_message(bytes, Framing::stream);
    if (!parsed && parsed.error().code != ParseErrc::incomplete) reject(bytes, parsed.error(), source);
  }

  void on_send_failed(const Peer& peer) override {
    if (on_failure && !stopped) on_failure(peer);
  }

  void on_closed(const Connection& connection) override {
    auto it = connections.find(connection.peer());
    if (it != connections.end() && it->second.get() == &connection) connections.erase(it);
  }
};

TransportLayer::TransportLayer(asio::io_context& io, TransportConfig config, MessageReceiver& receiver)
    : impl_(std::make_unique<Impl>(io, std::move(config), receiver)) {}

TransportLayer::~TransportLayer() { impl_->stop(); }

core::Status TransportLayer::start() {
  try {
    return impl_->start();
  } catch (const std::exception& e) {  // asio::ssl::context construction throws
    return core::fail(core::Errc::io, std::string("sip transport: ") + e.what());
  }
}

void TransportLayer::stop() { impl_->stop(); }

void TransportLayer::send(const Peer& destination, std::string_view bytes) { impl_->send(destination, bytes); }

std::string TransportLayer::sent_by(Transport transport) const {
  return impl_->public_host + ":" + std::to_string(local_port(transport));
}

void TransportLayer::resolve(std::string_view host, std::optional<std::uint16_t> port, Transport transport,
                             std::function<void(std::optional<Peer>)> done) {
  if (auto literal = make_peer(host, port, transport)) {
    done(literal);
    return;
  }
  // getaddrinfo runs on asio's resolver thread, never on this I/O thread; a timer bounds the wait.
  struct Lookup {
    Lookup(asio::io_context& io) : resolver(io), deadline(io) {}
    tcp::resolver resolver;
    asio::steady_timer deadline;
    std::function<void(std::optional<Peer>)> done;
  };
  auto lookup = std::make_shared<Lookup>(impl_->io);
  lookup->done = std::move(done);
  lookup->deadline.expires_after(impl_->config.resolve_timeout);
  lookup->deadline.async_wait([lookup](const boost::system::error_code& ec) {
    if (!ec) lookup->resolver.cancel();
  });
  const std::uint16_t p = port.value_or(default_port(transport));
  lookup->resolver.async_resolve(std::string(host), std::to_string(p),
                                 [lookup, transport, p, name = std::string(host)](const boost::system::error_code& ec,
                                                                                  tcp::resolver::results_type results) {
                                   lookup->deadline.cancel();
                                   if (ec || results.empty()) {
                                     spdlog::info("event=sip.transport.resolve_failed host={} error={}",
                                                  core::log_value(name), ec.message());
                                     lookup->done(std::nullopt);
                                     return;
                                   }
                                   lookup->done(Peer{transport, results.begin()->endpoint().address(), p});
                                 });
}

void TransportLayer::set_failure_handler(std::function<void(const Peer& peer)> handler) {
  impl_->on_failure = std::move(handler);
}

void TransportLayer::set_tap(MessageTap* tap) { impl_->tap = tap; }

bool TransportLayer::connected(const Peer& peer) const { return impl_->connections.contains(peer); }

std::uint16_t TransportLayer::local_port(Transport transport) const {
  boost::system::error_code ec;
  if (transport == Transport::udp) {
    return impl_->udp_sockets.empty() ? 0 : impl_->udp_sockets.front()->socket.local_endpoint(ec).port();
  }
  for (const auto& a : impl_->acceptors) {
    if (a->transport == transport) return a->acceptor.local_endpoint(ec).port();
  }
  return 0;
}

}  // namespace parley::sip
