#pragma once
// The SIP engine: transport + transactions + user agent on one io_context.
//
//   sip::EngineConfig cfg;
//   cfg.transport.listen = {{"0.0.0.0", 5060}};           // UDP + TCP
//   cfg.transport.tls_listen = {{"0.0.0.0", 5061}};       // TLS (cert/key files below)
//   cfg.transport.tls_cert_file = "..."; cfg.transport.tls_key_file = "...";
//   cfg.transport.public_host = "203.0.113.10";           // Via and Contact host
//   cfg.timers.t1 = 500ms;                                // T1/T2/T4
//   cfg.session.user_agent = "Parley/0.1";
//   sip::Engine engine(runtime.at(0), cfg, handler);      // handler: sip::CallHandler
//   if (auto s = engine.start(); !s) ...                  // binds sockets
//   asio::post(engine.context(), [&] { auto call = engine.dial(request, &events); });
//   engine.stop();                                        // on the io_context, after calls are dropped
//
// Requests outside dialogs go through transactions(): sip::RegistrationClient (REGISTER) and
// sip::probe_options (OPTIONS "Test Connection").
//
// Every callback runs on `context()`, and every call object is used there only.
#include <boost/asio/io_context.hpp>

#include <memory>

#include "sip/transport/transport_layer.hpp"
#include "sip/ua/user_agent.hpp"

namespace parley::sip {

struct EngineConfig {
  TransportConfig transport;
  TimerConfig timers;
  SessionSettings session;
};

class Engine {
 public:
  Engine(boost::asio::io_context& io, EngineConfig config, CallHandler& handler);
  ~Engine();
  Engine(const Engine&) = delete;
  Engine& operator=(const Engine&) = delete;

  core::Status start();
  void stop();

  core::Result<std::shared_ptr<OutgoingCall>> dial(DialRequest request, CallEvents* events);
  boost::asio::io_context& context() noexcept { return io_; }
  std::uint16_t local_port(Transport transport) const { return transport_.local_port(transport); }
  std::string sent_by(Transport transport) const { return transport_.sent_by(transport); }
  std::size_t dialog_count() const noexcept { return ua_.dialog_count(); }
  // For requests outside any dialog (REGISTER, OPTIONS probes), on `context()` only.
  TransactionLayer& transactions() noexcept { return transactions_; }
  const std::string& user_agent() const noexcept { return ua_.settings().user_agent; }
  // Shows every message in and out to `tap` (SIP traces); set before start().
  void set_tap(MessageTap* tap) { transport_.set_tap(tap); }

 private:
  struct Forward final : MessageReceiver {
    TransactionLayer* layer = nullptr;
    void on_message(Inbound message) override { layer->on_message(std::move(message)); }
  };

  boost::asio::io_context& io_;
  TimerQueue timers_;
  Forward forward_;
  TransportLayer transport_;
  TransactionLayer transactions_;
  UserAgent ua_;
};

}  // namespace parley::sip
