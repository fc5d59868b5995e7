#pragma once
// The call side of a Conversation for tests and benchmarks: CallControl and ConversationObserver
// over a model of the media session's outgoing queue (play() appends, every 20 ms tick() sends 320
// samples of it, stop_playback() empties it), recording everything the conversation did.
#include <algorithm>
#include <deque>
#include <string>
#include <string_view>
#include <vector>

#include "voice/conversation/call_control.hpp"
#include "voice/conversation/conversation_observer.hpp"

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

// The transcript as text, for failure messages.
inline std::string dump(const CallSide& call) {
  std::string all;
  for (const auto& e : call.transcript) {
    all += std::string(e.role == TranscriptEntry::Role::agent ? "agent" : "user") + (e.interrupted ? " (cut)" : "") +
           " turn " + std::to_string(e.turn) + ": " + e.text + "\n";
  }
  return all;
}

}  // namespace parley::voice::test
