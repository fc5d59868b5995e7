#pragma once
// The last stage: agent audio to the call (CallControl::play), and the bookkeeping of what the
// caller actually heard. It knows each reply's sentences and how much of their audio media has sent,
// so a barge-in (Interrupt: CallControl::stop_playback at once) reports the reply cut short with the
// words played so far. Hangup, Transfer and outbound Dtmf run once the audio queued before them has
// been played (or its length plus a grace period has passed). tick() is called for every caller
// frame (20 ms): it follows the playout.
#include <functional>
#include <optional>
#include <string>
#include <vector>

#include "voice/conversation/call_control.hpp"
#include "voice/conversation/conversation_observer.hpp"
#include "voice/pipeline/call_state.hpp"
#include "voice/pipeline/processor.hpp"

namespace parley::voice {

class PlaybackProcessor final : public Processor {
 public:
  struct Hooks {
    // A reply has been played out, or cut (interrupted) with `text` the part played.
    std::function<void(std::uint32_t turn, const std::string& text, bool interrupted, SteadyTime started)> on_spoken;
    std::function<void(const TurnLatency&)> on_latency;
    std::function<void(std::string_view reason)> on_hangup;  // after CallControl::hang_up
    std::function<void()> on_idle;                          // the agent finished speaking
    std::function<void(const ToolResult&)> on_tool;         // a tool the agent ran, in reply order
  };
  static constexpr int kGraceMs = 2000;

  PlaybackProcessor(CallControl& control, CallState& state, Hooks hooks)
      : control_(control), state_(state), hooks_(std::move(hooks)) {}

  std::string_view name() const override { return "playback"; }
  void process(Frame frame, Direction dir) override;
  void tick();
  bool ended() const noexcept { return ended_; }

 private:
  struct Sentence {
    std::string text;
    std::size_t samples = 0;
    std::uint32_t index = 0;
  };
  struct Reply {
    std::uint32_t turn = 0;
    std::vector<Sentence> sentences;
    std::size_t queued_samples = 0;
    SteadyTime started{};
    bool complete = false;  // end_of_reply seen
  };
  struct Deferred {
    Frame frame;
    int deadline_ms;  // frames of waiting left, in ms
  };
  void on_audio(const AgentAudio& a);
  void finish_reply(bool interrupted);
  void run(Frame& frame);
  std::string played_text() const;

  CallControl& control_;
  CallState& state_;
  Hooks hooks_;
  std::optional<Reply> reply_;
  std::vector<Deferred> deferred_;
  bool ended_ = false;
};

}  // namespace parley::voice
