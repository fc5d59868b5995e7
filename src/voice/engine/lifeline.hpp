#pragma once
// Safe hand-back from the worker pool (or a network callback) to an engine on its io_context, for
// engines that may be destroyed while work is in flight (engine/engine_context.hpp).
//
//   auto life = Lifeline::create();            // member of the engine; destructor calls cut()
//   run_on_pool(ctx, life, [=] { return decode(...); },              // on a worker thread
//               [this](Result r) { listener_.on_transcript(...); }); // on io, only if still alive
#include <boost/asio/post.hpp>

#include <atomic>
#include <functional>
#include <memory>
#include <type_traits>
#include <utility>

#include "core/error.hpp"
#include "voice/engine/engine_context.hpp"

namespace parley::voice {

class Lifeline {
 public:
  static std::shared_ptr<Lifeline> create() { return std::make_shared<Lifeline>(); }
  // After cut() (on io), callbacks guarded by this lifeline are skipped.
  void cut() noexcept { alive_.store(false, std::memory_order_release); }
  bool alive() const noexcept { return alive_.load(std::memory_order_acquire); }

 private:
  std::atomic<bool> alive_{true};
};

// Posts `fn` to io; it runs only if `life` is still alive then.
template <class Fn>
void post_if_alive(boost::asio::io_context& io, const std::shared_ptr<Lifeline>& life, Fn&& fn) {
  boost::asio::post(io, [life, fn = std::forward<Fn>(fn)]() mutable {
    if (life->alive()) fn();
  });
}

// Runs `work` on the pool, then `done(result)` on io if `life` is alive. When the pool refuses the
// job (saturated or stopping), `on_refused()` is posted instead (same guard).
template <class Work, class Done, class Refused>
void run_on_pool(const EngineContext& ctx, const std::shared_ptr<Lifeline>& life, Work&& work, Done&& done,
                 Refused&& on_refused) {
  auto& io = ctx.io;
  bool queued = ctx.pool.try_submit([&io, life, work = std::forward<Work>(work),
                                     done = std::forward<Done>(done)]() mutable {
    if (!life->alive()) return;
    auto result = work();
    post_if_alive(io, life, [done = std::move(done), result = std::move(result)]() mutable { done(std::move(result)); });
  });
  if (!queued) post_if_alive(io, life, std::forward<Refused>(on_refused));
}

}  // namespace parley::voice
