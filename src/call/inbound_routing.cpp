#include "call/inbound_routing.hpp"

#include <spdlog/spdlog.h>

#include "core/log.hpp"

namespace parley::call {

InboundRouting::InboundRouting(store::Store& store, RoutingOptions options, std::chrono::milliseconds poll)
    : store_(store), options_(std::move(options)), poll_(poll), table_(RoutingTable::empty()) {}

InboundRouting::~InboundRouting() { stop(); }

void InboundRouting::start() {
  refresh();  // the empty table's generation (0) is older than any store's
  std::lock_guard lock(follower_mu_);
  follower_ = std::make_unique<RefreshThread>(poll_, [this] { refresh(); });
}

void InboundRouting::stop() {
  std::lock_guard lock(follower_mu_);
  follower_.reset();
}

// The API's write bumped the generation when it committed: the pass it wakes sees that.
void InboundRouting::routing_changed() {
  std::lock_guard lock(follower_mu_);
  if (follower_) follower_->nudge();
}

void InboundRouting::refresh() {
  auto generation = store_.routing_generation();
  if (!generation) {
    spdlog::error("event=routing.poll_failed error={}", core::log_value(generation.error().message));
    return;
  }
  if (*generation == current()->generation()) return;
  const auto started = std::chrono::steady_clock::now();
  auto table = RoutingTable::load(store_, options_);
  if (!table) {
    spdlog::error("event=routing.load_failed error={}", core::log_value(table.error().message));
    return;  // the previous table stays; the next poll tries again
  }
  table_.store(std::move(*table), std::memory_order_release);
  spdlog::debug("event=routing.loaded generation={} ms={}", current()->generation(),
                std::chrono::duration_cast<std::chrono::milliseconds>(std::chrono::steady_clock::now() - started).count());
}

}  // namespace parley::call
