#include "call/inbound_routing.hpp"

#include <spdlog/spdlog.h>

#include "core/log.hpp"

namespace parley::call {
namespace {

constexpr std::chrono::seconds kChangeWait{2};

}  // namespace

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

// The API's write bumped the generation when it committed: the pass it wakes sees that, and the
// caller (a worker, after the write) waits for it, at most kChangeWait (a store that fails).
void InboundRouting::routing_changed() {
  auto target = store_.routing_generation();
  {
    std::lock_guard lock(follower_mu_);
    if (!follower_) return;
    follower_->nudge();
  }
  if (!target) return;
  std::unique_lock lock(loaded_mu_);
  if (!loaded_.wait_for(lock, kChangeWait, [&] { return current()->generation() >= *target; })) {
    spdlog::warn("event=routing.change_not_loaded generation={}", *target);
  }
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
  {
    std::lock_guard lock(loaded_mu_);
    table_.store(std::move(*table), std::memory_order_release);
  }
  loaded_.notify_all();
  spdlog::debug("event=routing.loaded generation={} ms={}", current()->generation(),
                std::chrono::duration_cast<std::chrono::milliseconds>(std::chrono::steady_clock::now() - started).count());
}

}  // namespace parley::call
