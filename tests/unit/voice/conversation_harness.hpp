#pragma once
// A Conversation driven the way src/call drives it, with the real embedded engines, at 10x real time
// (turn-taking counts frames, so timing rules hold; call_side.hpp models the media queue).
#include <deque>
#include <optional>
#include <string>
#include <vector>

#include "call_side.hpp"
#include "voice/conversation/conversation.hpp"
#include "voice_test_util.hpp"

namespace parley::voice::test {

class Harness {
  EngineRegistry own_registry_;  // first: outlives the conversation

 public:
  explicit Harness(AgentSpec spec, CallInfo info = default_call(), EngineRegistry* registry = nullptr) {
    if (registry == nullptr) {
      register_embedded_engines(own_registry_);
      registry = &own_registry_;
    }
    auto c = Conversation::create(ConversationDeps{rig.io, rig.pool, rig.http, *registry, call, call, true},
                                  std::move(spec), std::move(info));
    EXPECT_TRUE(c.has_value()) << (c ? "" : c.error().message);
    conv = std::move(*c);
  }
  ~Harness() {
    if (conv) conv->stop();
  }

  static CallInfo default_call() {
    CallInfo info;
    info.call_id = "call_test";
    info.from = "+14155550100";
    info.to = "+18005550199";
    info.context_json = R"({"customer_name": "Jane Doe"})";
    return info;
  }

  // One caller frame, then the media tick, then whatever the engines posted meanwhile.
  void frame(std::span<const std::int16_t> pcm) {
    conv->on_audio(pcm, frame_no_++);
    call.tick();
    rig.run_for(std::chrono::microseconds(pace_us));
  }
  void say(const std::vector<std::int16_t>& pcm) {
    for (const auto& f : frames_of(pcm)) frame(f);
  }
  void silence(int ms) {
    static const std::vector<std::int16_t> quiet(320, 0);
    for (int i = 0; i < ms / 20; ++i) frame(quiet);
  }
  // Silence frames until pred() or `max_ms` of call time.
  template <class Pred>
  bool silence_until(Pred pred, int max_ms = 60000) {
    static const std::vector<std::int16_t> quiet(320, 0);
    for (int t = 0; t < max_ms && !pred(); t += 20) frame(quiet);
    return pred();
  }
  bool agent_idle() const { return call.queued() == 0; }

  EngineRig rig;
  CallSide call;
  std::unique_ptr<Conversation> conv;
  int pace_us = 2000;  // real time per 20 ms frame (10x faster than a call)

 private:
  std::uint64_t frame_no_ = 0;
};

}  // namespace parley::voice::test
