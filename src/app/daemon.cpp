#include "app/daemon.hpp"

#include <fmt/format.h>
#include <spdlog/spdlog.h>

#include <atomic>
#include <csignal>
#include <cstdio>
#include <future>
#include <thread>

#include <boost/asio/post.hpp>

#include "api/api.hpp"
#include "call/inbound_calls.hpp"
#include "call/trunks.hpp"
#include "media/ports/port_allocator.hpp"
#include "sip/ua/engine.hpp"
#include "api/api_keys.hpp"
#include "app/data_dir.hpp"
#include "app/store_factory.hpp"
#include "core/crypto.hpp"
#include "core/log.hpp"
#include "core/worker_pool.hpp"
#include "jobs/call_scheduler.hpp"
#include "jobs/http_webhook_sender.hpp"
#include "jobs/sip_trace_pruner.hpp"
#include "jobs/webhook_dispatcher.hpp"
#include "net/http_client.hpp"
#include "net/http_server.hpp"
#include "net/io_runtime.hpp"

namespace parley::app {
namespace {

std::size_t cores() { return std::max(1u, std::thread::hardware_concurrency()); }

// On first start (no key was ever created) makes one and prints it once; it is never shown again.
core::Status bootstrap_api_key(store::Store& store, const core::Config& config) {
  auto count = store.count_api_keys();
  if (!count) return std::unexpected(count.error());
  if (*count > 0) return {};
  auto key = api::create_api_key(store, "bootstrap", config.bootstrap_api_key);
  if (!key) return std::unexpected(key.error());
  spdlog::info("event=api_key.bootstrap key_id={} prefix={}", key->record.id, key->record.prefix);
  std::printf("\nFirst start: created API key %s\n  %s\nIt is stored hashed and will not be shown again.\n\n",
              key->record.id.c_str(), key->secret.c_str());
  std::fflush(stdout);
  return {};
}

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

}  // namespace

int serve(const core::Config& config) {
  // Block the signals before any thread starts, so only the sigwait below receives them.
  sigset_t signals;
  sigemptyset(&signals);
  sigaddset(&signals, SIGINT);
  sigaddset(&signals, SIGTERM);
  pthread_sigmask(SIG_BLOCK, &signals, nullptr);
  std::signal(SIGPIPE, SIG_IGN);

  auto fail = [](const core::Error& e) {
    spdlog::critical("event=startup_failed code={} error={}", core::to_string(e.code), core::log_value(e.message));
    std::fprintf(stderr, "parley: %s\n", e.message.c_str());
    return 1;
  };
  if (auto r = ensure_data_dir(config); !r) return fail(r.error());
  auto secret = load_secret_key(config);
  if (!secret) return fail(secret.error());
  core::SecretBox box(*secret);
  auto store = open_store(config);
  if (!store) return fail(store.error());
  if (auto r = (*store)->migrate(); !r) return fail(r.error());
  auto version = (*store)->schema_version();
  if (!version) return fail(version.error());
  spdlog::info("event=store.ready path={} schema_version={}", core::log_value(config.effective_database_path()), *version);
  if (auto r = bootstrap_api_key(**store, config); !r) return fail(r.error());
  if (auto closed = jobs::reconcile_after_restart(**store); !closed) {
    return fail(closed.error());
  } else if (*closed > 0) {
    spdlog::warn("event=startup.reconciled sessions={} status=failed end_reason=restart", *closed);
  }

  auto listen = core::parse_host_port(config.http_listen);
  if (!listen) return fail(listen.error());
  std::size_t io_threads = config.io_threads > 0 ? static_cast<std::size_t>(config.io_threads) : cores();
  std::size_t workers = config.worker_threads > 0 ? static_cast<std::size_t>(config.worker_threads)
                                                  : std::max<std::size_t>(2, cores());
  core::WorkerPool pool(workers, 4096);
  net::IoRuntime io(io_threads);
  std::atomic<bool> ready{false};
  // Trunks first: the API reports provider changes to it and the inbound router reads its bindings.
  call::Trunks trunks(**store, pool, box, trunk_options(config, *secret, workers));
  api::Api api(api::ApiDeps{**store, config, box, [&ready] { return ready.load(); }, &trunks});
  net::HttpServerOptions http_options{listen->host,
                                      listen->port,
                                      config.http_max_body_bytes,
                                      config.http_max_header_bytes,
                                      std::chrono::seconds(config.http_request_timeout_s),
                                      std::chrono::seconds(config.http_idle_timeout_s),
                                      config.http_max_connections};
  net::HttpServer http(io, pool, http_options, [&api](net::HttpRequest& req) { return api.handle(req); });
  if (auto r = http.start(); !r) return fail(r.error());

  // SIP on the first I/O context: the engine and every call it carries live there.
  auto sip_listen = core::parse_host_port(config.sip_listen);
  if (!sip_listen) return fail(sip_listen.error());
  std::string media_address = config.public_ip;
  if (media_address.empty()) {
    media_address = sip_listen->host == "0.0.0.0" || sip_listen->host == "::" ? "127.0.0.1" : sip_listen->host;
    spdlog::warn("event=config.public_ip_unset using={} hint=\"set PARLEY_PUBLIC_IP to the address callers reach\"",
                 media_address);
  }
  auto ports = media::ports::PortAllocator::create(static_cast<std::uint16_t>(config.rtp_port_min),
                                                   static_cast<std::uint16_t>(config.rtp_port_max));
  if (!ports) return fail(ports.error());
  call::InboundCalls inbound(io.at(0), **store, pool, *ports, call::InboundOptions{media_address, {}, trunks.bindings()});
  sip::EngineConfig sip_config;
  sip_config.transport.listen = {*sip_listen};
  sip_config.transport.public_host = media_address;
  bool tls = !config.sip_tls_cert.empty() && !config.sip_tls_key.empty();
  if (tls) {
    auto tls_listen = core::parse_host_port(config.sip_tls_listen);
    if (!tls_listen) return fail(tls_listen.error());
    sip_config.transport.tls_listen = {*tls_listen};
    sip_config.transport.tls_cert_file = config.sip_tls_cert;
    sip_config.transport.tls_key_file = config.sip_tls_key;
  }
  sip_config.session.user_agent = "Parley/0.1";
  sip::Engine sip_engine(io.at(0), sip_config, inbound);
  if (auto r = sip_engine.start(); !r) return fail(r.error());
  trunks.attach(sip_engine);
  jobs::SipTracePruner trace_pruner(**store, std::chrono::seconds(config.sip_trunks.trace_prune_interval_s));

  net::HttpClient http_client(io.next());
  jobs::HttpWebhookSender webhook_sender(http_client, config.webhooks);
  jobs::WebhookDispatcher webhooks(**store, pool, webhook_sender, box, config.webhooks);
  // Until the call layer places calls, a fired call stays initiating (README "What works today").
  jobs::CallScheduler scheduler(**store, nullptr);
  io.start();
  webhooks.start();
  scheduler.start();
  trace_pruner.start();
  ready = true;
  spdlog::info("event=ready http=http://{}:{} sip_udp_tcp={}:{} sip_tls={} io_threads={} workers={}", listen->host,
               http.port(), sip_listen->host, sip_engine.local_port(sip::Transport::udp), tls ? config.sip_tls_listen : "off",
               io_threads, workers);
  std::printf("Parley is ready.\n  API:  http://%s:%u  (docs: /openapi.json)\n  SIP:  sip:%s:%u (udp, tcp)%s\n",
              listen->host.c_str(), http.port(), media_address.c_str(), sip_engine.local_port(sip::Transport::udp),
              tls ? ("  sips on " + config.sip_tls_listen).c_str() : "");
  std::fflush(stdout);

  int sig = 0;
  sigwait(&signals, &sig);
  spdlog::info("event=shutdown signal={}", sig == SIGINT ? "SIGINT" : "SIGTERM");
  ready = false;
  trunks.stop(std::chrono::seconds(3));  // un-REGISTER while SIP still runs
  // Calls end first (BYE, or 503 before answer), then SIP stops, on its own context.
  std::promise<void> sip_stopped;
  boost::asio::post(io.at(0), [&] {
    inbound.hangup_all();
    sip_engine.stop();
    sip_stopped.set_value();
  });
  sip_stopped.get_future().wait_for(std::chrono::seconds(5));
  http.stop(std::chrono::seconds(10));
  scheduler.stop();
  trace_pruner.stop();
  webhooks.stop();
  pool.stop();
  io.stop();
  spdlog::info("event=stopped");
  return 0;
}

}  // namespace parley::app
