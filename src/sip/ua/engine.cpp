#include "sip/ua/engine.hpp"

namespace parley::sip {

Engine::Engine(boost::asio::io_context& io, EngineConfig config, CallHandler& handler)
    : io_(io),
      timers_(io),
      transport_(io, std::move(config.transport), forward_),
      transactions_(transport_, timers_, config.timers, ua_),
      ua_(transactions_, std::move(config.session), handler) {
  forward_.layer = &transactions_;
}

Engine::~Engine() { transport_.stop(); }

core::Status Engine::start() { return transport_.start(); }

void Engine::stop() { transport_.stop(); }

core::Result<std::shared_ptr<OutgoingCall>> Engine::dial(DialRequest request, CallEvents* events) {
  return ua_.dial(std::move(request), events);
}

}  // namespace parley::sip
