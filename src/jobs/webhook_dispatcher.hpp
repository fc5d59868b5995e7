#pragma once
// Delivers the webhook outbox: at-least-once, in order per call, with exponential backoff and
// jitter, every attempt recorded. Rows are written by whoever changes a session (same transaction),
// so a crash between the change and the delivery loses nothing: the next start sends it.
#include <chrono>
#include <condition_variable>
#include <functional>
#include <mutex>
#include <optional>
#include <set>
#include <string>
#include <thread>
#include <vector>

#include "core/config.hpp"
#include "core/crypto.hpp"
#include "core/worker_pool.hpp"
#include "store/store.hpp"

namespace parley::jobs {

struct WebhookRequest {
  std::string url;
  std::vector<std::pair<std::string, std::string>> headers;
  std::string body;
  std::chrono::milliseconds timeout{10'000};
};

struct WebhookResult {
  std::optional<int> status;  // HTTP status when a response came back
  std::string error;          // why there was none (refused, timeout, blocked target, ...)
};

// Sends one request and waits for its answer within `timeout`. Runs on a worker thread.
class WebhookSender {
 public:
  virtual ~WebhookSender() = default;
  virtual WebhookResult send(const WebhookRequest& request) = 0;
};

// Delay before the next attempt after `failures` failed ones: base * 4^(failures-1), capped, times
// a jitter factor in [0.8, 1.2) so that many receivers recovering at once are not hit together.
std::int64_t webhook_backoff_ms(int failures, const core::WebhookSettings& s, double jitter01);

class WebhookDispatcher {
 public:
  WebhookDispatcher(store::Store& store, core::WorkerPool& pool, WebhookSender& sender, const core::SecretBox& secrets,
                    core::WebhookSettings settings);
  ~WebhookDispatcher();

  void start();
  void stop();  // waits for deliveries in flight

  // One pass: claims what is due and hands it to the worker pool. Returns how many were claimed.
  std::size_t dispatch_due(std::int64_t now_ms);

 private:
  static constexpr std::size_t kClaimBatch = 32;  // deliveries claimed per pass

  void run(std::stop_token st);
  void deliver(const store::WebhookDelivery& d);
  std::string secret_for(const std::optional<std::string>& api_key_id);

  store::Store& store_;
  core::WorkerPool& pool_;
  WebhookSender& sender_;
  const core::SecretBox& secrets_;
  core::WebhookSettings settings_;
  std::mutex mu_;
  std::condition_variable_any cv_;
  std::set<std::string> in_flight_;
  std::jthread thread_;
};

}  // namespace parley::jobs
