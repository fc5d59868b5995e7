#pragma once
// UDP and TCP listeners on each listen address, TLS on its own addresses (RFC 3261 s18),
// IPv4 and IPv6. Received messages are parsed, stamped with received/rport (RFC 3581) and handed
// to one MessageReceiver; unparseable requests get a 400 when they can (RFC 3261 s16.3 / s8.2).
// Single-threaded: everything runs on the io_context given at construction.
#include <boost/asio/io_context.hpp>

#include <chrono>
#include <cstddef>
#include <memory>
#include <string>
#include <vector>

#include "core/config.hpp"
#include "core/error.hpp"
#include "sip/message/limits.hpp"
#include "sip/transport/inbound_message.hpp"
#include "sip/transport/message_tap.hpp"
#include "sip/transport/sender.hpp"

namespace parley::sip {

struct TransportConfig {
  std::vector<core::HostPort> listen;      // UDP + TCP on each ("0.0.0.0:5060", "[::]:5060"); port 0 = any
  std::vector<core::HostPort> tls_listen;  // TLS on each
  std::string tls_cert_file;               // PEM chain
  std::string tls_key_file;                // PEM private key
  bool tls_verify_peer = true;             // outbound TLS: verify the server certificate (system CAs)
  std::string public_host;                 // Via/Contact host; empty: the first listen host
  std::size_t max_message_size = kMaxMessageSize;
  std::chrono::seconds idle_timeout{300};  // stream connections without traffic are closed
  std::chrono::seconds resolve_timeout{5};  // DNS lookups give up after this
};

class MessageReceiver {
 public:
  virtual ~MessageReceiver() = default;
  virtual void on_message(Inbound message) = 0;
};

class TransportLayer final : public Sender {
 public:
  TransportLayer(boost::asio::io_context& io, TransportConfig config, MessageReceiver& receiver);
  ~TransportLayer() override;
  TransportLayer(const TransportLayer&) = delete;
  TransportLayer& operator=(const TransportLayer&) = delete;

  core::Status start();  // binds every socket; call on the io_context's thread or before it runs
  void stop();           // closes sockets and connections

  void send(const Peer& destination, std::string_view bytes) override;
  std::string sent_by(Transport transport) const override;
  bool connected(const Peer& peer) const override;
  void set_failure_handler(std::function<void(const Peer& peer)> handler) override;
  void resolve(std::string_view host, std::optional<std::uint16_t> port, Transport transport,
               std::function<void(std::optional<Peer>)> done) override;

  // The port actually bound for `transport` (useful with port 0); 0 when not listening.
  std::uint16_t local_port(Transport transport) const;
  // Every message in and out is shown to `tap` (nullptr: none). Set on the io_context's thread.
  void set_tap(MessageTap* tap);

 private:
  struct Impl;
  std::unique_ptr<Impl> impl_;
};

}  // namespace parley::sip
