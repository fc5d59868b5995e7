#pragma once
// A Conversation driven the way src/call drives it, with the real embedded engines. The call side
// (CallControl) models the media session's outgoing queue: play() appends, every 20 ms frame sends
// 320 samples of it, stop_playback() empties it.
#include <deque>
#include <optional>
#include <string>
#include <vector>

#include "voice/conversation/conversation.hpp"
#include "voice_test_util.hpp"

namespace parley::voice::test {

class CallSide final : public CallControl, public ConversationObserver {
 public:
  std::size_t play(std::span<const std::int16_t> pcm) override {
    queue_.insert(queue_.end(), pcm.begin(), pcm.end());
    queued_total += pcm.size();
    return pcm.size();
  }
  void stop_playback() override {
    flushed += queue_.size();
    queue_.clear();
    stops.push_back(frame);
  }
  int queued_playback_ms() const override { return static_cast<int>(queue_.size() / 16); }
  void hang_up(std::string_view reason) override {
    hangups.emplace_back(reason);
    queued_at_hangup = queue_.size();
    hangup_frame = frame;
  }
  void transfer(std::string_view target) override {
    transfers.emplace_back(target);
    queued_at_transfer = queue_.size();
  }
  void send_dtmf(std::string_view digits) override { dtmf_sent += digits; }

  void on_transcript(const TranscriptEntry& e) override { transcript.push_back(e); }
  void on_usage(const Usage& u) override { usage += u; }
  void on_turn_latency(const TurnLatency& l) override { latencies.push_back(l); }
  void on_engine_error(const EngineErrorReport& r) override { errors.push_back(r); }

  // One 20 ms media tick: the next outgoing frame leaves (agent audio or silence).
  void tick() {
    ++frame;
    std::size_t n = std::min<std::size_t>(320, queue_.size());
    if (n > 0) frames_with_audio.push_back(frame);
    queue_.erase(queue_.begin(), queue_.begin() + static_cast<std::ptrdiff_t>(n));
    played += n;
  }
  std::size_t queued() const { return queue_.size(); }

  std::vector<const TranscriptEntry*> entries(TranscriptEntry::Role role) const {
    std::vector<const TranscriptEntry*> out;
    for (const auto& e : transcript) {
      if (e.role == role) out.push_back(&e);
    }
    return out;
  }
  bool agent_said(std::string_view text) const {
    for (const auto& e : transcript) {
      if (e.role == TranscriptEntry::Role::agent && e.text.find(text) != std::string::npos) return true;
    }
    return false;
  }

  std::uint64_t frame = 0;
  std::size_t queued_total = 0, played = 0, flushed = 0;
  std::vector<std::uint64_t> stops, frames_with_audio;
  std::vector<std::string> hangups, transfers;
  std::string dtmf_sent;
  std::size_t queued_at_hangup = 0, queued_at_transfer = 0;
  std::uint64_t hangup_frame = 0;
  std::vector<TranscriptEntry> transcript;
  Usage usage;
  std::vector<TurnLatency> latencies;
  std::vector<EngineErrorReport> errors;

 private:
  std::deque<std::int16_t> queue_;
};

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
  bool silence_until(Pred pred, int max_ms = 20000) {
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
