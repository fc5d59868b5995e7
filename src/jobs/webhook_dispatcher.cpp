#include "jobs/webhook_dispatcher.hpp"

#include <spdlog/spdlog.h>

#include <cmath>
#include <random>

#include "core/log.hpp"
#include "core/time.hpp"
#include "jobs/webhook_signature.hpp"

namespace parley::jobs {

std::int64_t webhook_backoff_ms(int failures, const core::WebhookSettings& s, double jitter01) {
  double delay = static_cast<double>(s.base_delay_ms) * std::pow(4.0, std::max(0, failures - 1));
  delay = std::min(delay, static_cast<double>(s.max_delay_ms));
  return static_cast<std::int64_t>(delay * (0.8 + 0.4 * jitter01));
}

WebhookDispatcher::WebhookDispatcher(store::Store& store, core::WorkerPool& pool, WebhookSender& sender,
                                     const core::SecretBox& secrets, core::WebhookSettings settings)
    : store_(store), pool_(pool), sender_(sender), secrets_(secrets), settings_(settings) {}

WebhookDispatcher::~WebhookDispatcher() { stop(); }

void WebhookDispatcher::start() {
  thread_ = std::jthread([this](std::stop_token st) { run(st); });
}

void WebhookDispatcher::stop() {
  if (thread_.joinable()) {
    thread_.request_stop();
    cv_.notify_all();
    thread_.join();
  }
  // Deliveries already on the pool finish (or time out) before the store goes away.
  std::unique_lock lock(mu_);
  cv_.wait_for(lock, std::chrono::milliseconds(settings_.timeout_ms + 1000), [this] { return in_flight_.empty(); });
}

void WebhookDispatcher::run(std::stop_token st) {
  while (!st.stop_requested()) {
    std::size_t claimed = dispatch_due(core::to_unix_ms(core::now_utc()));
    std::unique_lock lock(mu_);
    // A full batch means more may be due: claim again as soon as half of it is delivered instead of
    // waiting out the poll (the poll alone capped delivery at kClaimBatch per poll interval).
    if (claimed == kClaimBatch) {
      cv_.wait_for(lock, st, std::chrono::milliseconds(settings_.poll_ms),
                   [this] { return in_flight_.size() <= kClaimBatch / 2; });
    } else {
      cv_.wait_for(lock, st, std::chrono::milliseconds(settings_.poll_ms), [] { return false; });
    }
  }
}

std::size_t WebhookDispatcher::dispatch_due(std::int64_t now_ms) {
  std::vector<std::string> busy;
  {
    std::lock_guard lock(mu_);
    busy.assign(in_flight_.begin(), in_flight_.end());
  }
  auto due = store_.claim_due_webhooks(now_ms, static_cast<int>(kClaimBatch), busy);
  if (!due) {
    spdlog::error("event=webhook.claim_failed error={}", core::log_value(due.error().message));
    return 0;
  }
  std::size_t claimed = 0;
  for (auto& d : *due) {
    {
      std::lock_guard lock(mu_);
      if (!in_flight_.insert(d.id).second) continue;
    }
    if (!pool_.try_submit([this, d] { deliver(d); })) {
      std::lock_guard lock(mu_);
      in_flight_.erase(d.id);  // the pool is saturated: the next pass retries
      break;
    }
    ++claimed;
  }
  return claimed;
}

std::string WebhookDispatcher::secret_for(const std::optional<std::string>& api_key_id) {
  if (!api_key_id) return {};
  auto sealed = store_.webhook_secret(*api_key_id);
  if (!sealed || sealed->empty()) return {};
  auto secret = secrets_.open(*sealed);
  return secret ? *secret : std::string();
}

void WebhookDispatcher::deliver(const store::WebhookDelivery& d) {
  auto started = std::chrono::steady_clock::now();
  auto now_ms = core::to_unix_ms(core::now_utc());
  std::string timestamp = std::to_string(now_ms / 1000);
  WebhookRequest req{d.url,
                     {{"Content-Type", "application/json"},
                      {"User-Agent", "Parley-Webhooks/1"},
                      {"X-Parley-Event", d.event},
                      {"X-Parley-Delivery", d.id},
                      {"X-Parley-Timestamp", timestamp}},
                     d.payload,
                     std::chrono::milliseconds(settings_.timeout_ms)};
  if (auto secret = secret_for(d.api_key_id); !secret.empty()) {
    req.headers.emplace_back("X-Parley-Signature", webhook_signature(secret, timestamp, d.payload));
  }
  WebhookResult res = sender_.send(req);
  auto ms = std::chrono::duration_cast<std::chrono::milliseconds>(std::chrono::steady_clock::now() - started).count();

  bool delivered = res.status && *res.status >= 200 && *res.status < 300;
  int attempt = d.attempts + 1;
  bool give_up = !delivered && attempt >= settings_.max_attempts;
  thread_local std::mt19937_64 rng{std::random_device{}()};
  std::int64_t next = now_ms + webhook_backoff_ms(attempt, settings_, std::uniform_real_distribution<>(0, 1)(rng));
  store::WebhookAttempt a{d.id, attempt, now_ms,
                          res.status ? std::optional<std::int64_t>(*res.status) : std::nullopt,
                          res.error.empty() ? std::nullopt : std::optional<std::string>(res.error), ms};
  if (auto r = store_.record_webhook_attempt(a, delivered, give_up, next); !r) {
    spdlog::error("event=webhook.record_failed delivery_id={} error={}", d.id, core::log_value(r.error().message));
  }
  auto level = delivered ? spdlog::level::info : spdlog::level::warn;
  spdlog::log(level, "event=webhook.attempt session_id={} delivery_id={} webhook_event={} attempt={} status={} outcome={} "
              "duration_ms={} error={}",
              d.session_id, d.id, d.event, attempt, res.status.value_or(0),
              delivered ? "delivered" : give_up ? "gave_up" : "retry", ms, core::log_value(res.error));
  {
    std::lock_guard lock(mu_);
    in_flight_.erase(d.id);
  }
  cv_.notify_all();
}

}  // namespace parley::jobs
