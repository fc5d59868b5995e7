#include "app/telephony.hpp"

#include <boost/asio/post.hpp>
#include <spdlog/spdlog.h>

#include <future>
#include <thread>

#include "call/call_voice.hpp"
#include "call/inbound_calls.hpp"
#include "media/ports/port_allocator.hpp"
#include "media/session/session_config.hpp"
#include "sip/ua/engine.hpp"
#include "voice/cloud/cloud_engines.hpp"
#include "voice/engine/engine_registry.hpp"

namespace parley::app {

namespace {

// Trunk registration, SIP traces and Test Connection (call::Trunks) from the sip.* settings.
call::TrunkOptions trunk_options(const core::Config& config, const std::string& secret_key, std::size_t workers) {
  call::TrunkOptions o;
  o.poll = std::chrono::seconds(config.sip_trunks.poll_s);
  o.retry.base = std::chrono::seconds(config.sip_trunks.registration_retry_base_s);
  o.retry.max = std::chrono::seconds(config.sip_trunks.registration_retry_max_s);
  o.trace_queue_max = static_cast<std::size_t>(config.sip_trunks.trace_queue_max);
  o.binding_key = core::hmac_sha256(secret_key, "parley sip registration contact");  // never the sealing key itself
  o.max_concurrent_tests = static_cast<int>(std::max<std::size_t>(1, workers / 2));  // the rest serve the API
  return o;
}

// How often the routing table checks the store for changes the API of this process did not
// announce (another node on the same database): one single-row read each time.
constexpr std::chrono::seconds kRoutingPoll{2};

}  // namespace

struct Telephony::Parts {
  net::IoRuntime& io;
  call::ActiveCalls& calls;
  std::string media_address;
  bool tls = false;
  std::string tls_listen;
  std::optional<media::ports::PortAllocator> ports;
  // The voice agents' engines, and per I/O context an HTTP client and the environment using it
  // (SIP calls live on context 0, WebSocket calls on their connection's); empty in media test modes.
  voice::EngineRegistry engines;
  std::vector<std::unique_ptr<net::HttpClient>> voice_http;
  std::vector<call::VoiceEnvironment> voice;
  std::unique_ptr<call::Trunks> trunks;  // before inbound, which reads its bindings
  std::unique_ptr<call::InboundRouting> routing;  // before inbound, which reads its table
  std::unique_ptr<call::InboundCalls> inbound;
  std::unique_ptr<sip::Engine> engine;
  std::unique_ptr<call::OutboundCalls> outbound;
};

core::Result<std::unique_ptr<Telephony>> Telephony::create(const core::Config& config, net::IoRuntime& io,
                                                           store::Store& store, core::WorkerPool& pool,
                                                           const core::SecretBox& secrets, const std::string& secret_key,
                                                           call::ActiveCalls& calls) {
  auto parts = std::make_unique<Parts>(
      Parts{io, calls, {}, false, {}, std::nullopt, {}, {}, {}, nullptr, nullptr, nullptr, nullptr, nullptr});
  auto sip_listen = core::parse_host_port(config.sip_listen);
  if (!sip_listen) return std::unexpected(sip_listen.error());
  parts->media_address = config.public_ip;
  if (parts->media_address.empty()) {
    parts->media_address =
        sip_listen->host == "0.0.0.0" || sip_listen->host == "::" ? "127.0.0.1" : sip_listen->host;
    spdlog::warn("event=config.public_ip_unset using={} hint=\"set PARLEY_PUBLIC_IP to the address callers reach\"",
                 parts->media_address);
  }
  auto test_mode = media::session::parse_test_mode(config.media.test_mode);
  if (!test_mode) return core::fail(core::Errc::invalid_argument, "media.test_mode: " + test_mode.error().message);
  if (config.media.jitter_min_ms > config.media.jitter_max_ms) {
    return core::fail(core::Errc::invalid_argument, "media.jitter_min_ms must not exceed media.jitter_max_ms");
  }
  auto ports = media::ports::PortAllocator::create(static_cast<std::uint16_t>(config.rtp_port_min),
                                                   static_cast<std::uint16_t>(config.rtp_port_max));
  if (!ports) return std::unexpected(ports.error());
  parts->ports.emplace(std::move(*ports));

  call::InboundOptions inbound;
  inbound.media.bind_address = sip_listen->host;
  inbound.media.public_address = parts->media_address;
  inbound.media.timeout_s = config.media.timeout_s;
  inbound.media.jitter_min_ms = config.media.jitter_min_ms;
  inbound.media.jitter_max_ms = config.media.jitter_max_ms;
  inbound.media.test_mode = *test_mode;
  inbound.media.ports = &*parts->ports;
  inbound.media.workers = &pool;
  inbound.recordings_dir = std::filesystem::path(config.data_dir) / "recordings";
  std::error_code ec;
  std::filesystem::create_directories(inbound.recordings_dir, ec);
  if (ec) return core::fail(core::Errc::io, "create " + inbound.recordings_dir.string() + ": " + ec.message());
  voice::register_embedded_engines(parts->engines);
  voice::cloud::register_cloud_engines(parts->engines);
  if (test_mode->kind == media::session::TestModeKind::none) {
    parts->voice.reserve(io.size());  // addresses handed out below stay valid
    for (std::size_t i = 0; i < io.size(); ++i) {
      parts->voice_http.push_back(std::make_unique<net::HttpClient>(io.at(i)));
      parts->voice.push_back(call::VoiceEnvironment{&parts->engines, &pool, parts->voice_http.back().get(),
                                                    config.engines_allow_private_targets, config.pricing});
    }
    inbound.voice = &parts->voice.front();
  }
  inbound.secrets = &secrets;
  parts->trunks = std::make_unique<call::Trunks>(store, pool, secrets, trunk_options(config, secret_key, pool.threads()));
  inbound.bindings = parts->trunks->bindings();
  // Digest realm of trunks that name none: the address callers reach us at. The nonce key comes
  // from the secret key, so nonces survive a restart and every node of one database shares them.
  inbound.default_realm = parts->media_address;
  inbound.nonce_key = core::hmac_sha256(secret_key, "parley sip digest nonce");  // never the sealing key itself
  parts->routing = std::make_unique<call::InboundRouting>(
      store, call::RoutingOptions{&secrets, inbound.default_realm}, std::chrono::milliseconds(kRoutingPoll));
  inbound.routing = parts->routing.get();
  call::OutboundOptions outbound{inbound.media, inbound.recordings_dir, parts->media_address,
                                 config.outbound.ring_timeout_s, &secrets, inbound.voice};
  parts->inbound = std::make_unique<call::InboundCalls>(io.at(0), store, pool, calls, std::move(inbound));

  sip::EngineConfig sip_config;
  sip_config.transport.listen = {*sip_listen};
  sip_config.transport.public_host = parts->media_address;
  parts->tls = !config.sip_tls_cert.empty() && !config.sip_tls_key.empty();
  if (parts->tls) {
    auto tls_listen = core::parse_host_port(config.sip_tls_listen);
    if (!tls_listen) return std::unexpected(tls_listen.error());
    sip_config.transport.tls_listen = {*tls_listen};
    sip_config.transport.tls_cert_file = config.sip_tls_cert;
    sip_config.transport.tls_key_file = config.sip_tls_key;
    parts->tls_listen = config.sip_tls_listen;
  }
  sip_config.session.user_agent = "Parley/0.1";
  parts->engine = std::make_unique<sip::Engine>(io.at(0), sip_config, *parts->inbound);
  parts->outbound = std::make_unique<call::OutboundCalls>(*parts->engine, store, pool, calls, std::move(outbound));
  return std::unique_ptr<Telephony>(new Telephony(std::move(parts)));
}

Telephony::Telephony(std::unique_ptr<Parts> parts) : parts_(std::move(parts)) {}
Telephony::~Telephony() = default;

core::Status Telephony::start() {
  parts_->routing->start();  // the first table is loaded before the first INVITE can arrive
  if (auto r = parts_->engine->start(); !r) return r;
  parts_->trunks->attach(*parts_->engine);
  return {};
}

void Telephony::stop(std::chrono::milliseconds drain) {
  auto& p = *parts_;
  p.trunks->stop(std::chrono::seconds(3));  // un-REGISTER while SIP still runs
  p.calls.end_all("shutdown");
  auto deadline = std::chrono::steady_clock::now() + drain;
  while (p.calls.size() > 0 && std::chrono::steady_clock::now() < deadline) {
    std::this_thread::sleep_for(std::chrono::milliseconds(20));
  }
  std::promise<void> stopped;
  boost::asio::post(p.io.at(0), [&] {
    p.inbound->reject_pending();
    p.engine->stop();
    stopped.set_value();
  });
  stopped.get_future().wait_for(std::chrono::seconds(5));
  p.routing->stop();
  spdlog::info("event=telephony.stopped calls_left={}", p.calls.size());
}

call::OutboundCalls& Telephony::outbound() { return *parts_->outbound; }

const call::VoiceEnvironment* Telephony::voice_environment(std::size_t context) const {
  return context < parts_->voice.size() ? &parts_->voice[context] : nullptr;
}
call::Trunks& Telephony::trunks() { return *parts_->trunks; }
const voice::EngineRegistry& Telephony::engines() const { return parts_->engines; }
call::InboundRouting& Telephony::routing() { return *parts_->routing; }

std::string Telephony::sip_address() const {
  const auto& p = *parts_;
  std::string host = p.media_address.find(':') != std::string::npos ? "[" + p.media_address + "]" : p.media_address;
  std::string s = "sip:" + host + ":" + std::to_string(p.engine->local_port(sip::Transport::udp)) + " (udp, tcp)";
  if (p.tls) s += ", sips on " + p.tls_listen;
  return s;
}

}  // namespace parley::app
