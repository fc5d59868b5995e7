#include "app/daemon.hpp"

#include <fmt/format.h>
#include <spdlog/spdlog.h>

#include <atomic>
#include <csignal>
#include <cstdio>
#include <thread>

#include "api/api.hpp"
#include "api/api_keys.hpp"
#include "api/routes/carrier_numbers.hpp"
#include "app/data_dir.hpp"
#include "app/store_factory.hpp"
#include "app/telephony.hpp"
#include "call/active_calls.hpp"
#include "call/recordings.hpp"
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
  if (auto recovered = call::recover_recordings(**store); !recovered) return fail(recovered.error());

  auto listen = core::parse_host_port(config.http_listen);
  if (!listen) return fail(listen.error());
  std::size_t io_threads = config.io_threads > 0 ? static_cast<std::size_t>(config.io_threads) : cores();
  std::size_t workers = config.worker_threads > 0 ? static_cast<std::size_t>(config.worker_threads)
                                                  : std::max<std::size_t>(2, cores());
  core::WorkerPool pool(workers, 4096);
  net::IoRuntime io(io_threads);
  std::atomic<bool> ready{false};
  net::HttpClient http_client(io.next());  // carrier REST APIs and webhook deliveries
  call::ActiveCalls calls;
  auto telephony = Telephony::create(config, io, **store, pool, box, *secret, calls);
  if (!telephony) return fail(telephony.error());
  // WebSocket voice calls run on their connection's I/O context, with that context's voice environment.
  api::stream::StreamDeps streams{
      pool,
      [&io, &telephony]() -> std::optional<api::stream::StreamContext> {
        for (std::size_t i = 0; i < io.size(); ++i) {
          if (io.at(i).get_executor().running_in_this_thread()) {
            return api::stream::StreamContext{&io.at(i), (*telephony)->voice_environment(i)};
          }
        }
        return std::nullopt;
      },
      (*telephony)->voice_environment(0) != nullptr, io.at(0),
      core::hmac_sha256(*secret, "parley web voice session token")};  // never the sealing key itself
  api::ApiDeps api_deps{**store, config, box, [&ready] { return ready.load(); }, &http_client, &calls,
                        &(*telephony)->outbound(), &(*telephony)->trunks(), &(*telephony)->engines(),
                        &(*telephony)->routing(), &streams};
  api::Api api(api_deps);
  net::HttpServerOptions http_options{listen->host,
                                      listen->port,
                                      config.http_max_body_bytes,
                                      config.http_max_header_bytes,
                                      std::chrono::seconds(config.http_request_timeout_s),
                                      std::chrono::seconds(config.http_idle_timeout_s),
                                      config.http_max_connections};
  net::HttpServer http(io, pool, http_options, [&api](net::HttpRequest& req) { return api.handle(req); });
  api::add_websocket_routes(http, api_deps);
  if (auto r = http.start(); !r) return fail(r.error());

  if (auto r = (*telephony)->start(); !r) return fail(r.error());
  jobs::SipTracePruner trace_pruner(**store, std::chrono::seconds(config.sip_trunks.trace_prune_interval_s));

  jobs::HttpWebhookSender webhook_sender(http_client, config.webhooks);
  jobs::WebhookDispatcher webhooks(**store, pool, webhook_sender, box, config.webhooks);
  jobs::CallScheduler scheduler(**store, [&telephony](const store::VoiceSession& fired) {
    (*telephony)->outbound().place(fired.id);
  });
  io.start();
  webhooks.start();
  scheduler.start();
  // Numbers a previous run left half-provisioned or half-deleted are rolled back or finished,
  // on the pool (their clean-up talks to the carriers).
  if (!pool.try_submit([&api_deps] { api::recover_interrupted_numbers(api_deps); })) {
    spdlog::error("event=phone_number.recovery_not_started reason=worker_queue_full");
  }
  trace_pruner.start();
  ready = true;
  spdlog::info("event=ready http=http://{}:{} sip={} io_threads={} workers={}", listen->host, http.port(),
               core::log_value((*telephony)->sip_address()), io_threads, workers);
  std::printf("Parley is ready.\n  API:  http://%s:%u  (docs: /openapi.json)\n  SIP:  %s\n", listen->host.c_str(),
              http.port(), (*telephony)->sip_address().c_str());
  std::fflush(stdout);

  int sig = 0;
  sigwait(&signals, &sig);
  spdlog::info("event=shutdown signal={}", sig == SIGINT ? "SIGINT" : "SIGTERM");
  ready = false;
  // Calls end first (BYE, or 503 before answer), then SIP stops.
  (*telephony)->stop(std::chrono::seconds(5));
  http.stop(std::chrono::seconds(10));
  scheduler.stop();
  trace_pruner.stop();
  webhooks.stop();
  pool.stop();
  (**store).flush();  // the last calls' records are committed while their callbacks can still post
  io.stop();
  spdlog::info("event=stopped");
  return 0;
}

}  // namespace parley::app
