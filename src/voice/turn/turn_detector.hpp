#pragma once
// Turn-taking (docs/voice-pipeline.md "Turn-taking"): decides where the caller's turns start and
// end, and when the caller barges in. Timing counts caller frames (one every 20 ms from media), so
// it is exact and needs no timers.
//
//   SpeechStarted (VAD)      opens utterance n (forwarded with utterance = n: the STT begins it) or,
//                            if the caller resumes within the endpoint silence, continues it
//   silence >= endpoint      end of turn (SpeechStopped end_of_turn: the STT delivers its final);
//                            an utterance with less than min_speech_ms of voice is noise instead
//   silence >= early         end of turn sooner when the STT's latest result for n is final, or its
//                            interim text already completes an intent (`completes`)
//   barge-in                 caller speech that starts while the agent is busy (replying, audio
//                            queued, or the previous turn still in flight) is only a turn once it
//                            has barge_in_ms of voice; then Interrupt
//                            goes both ways. Shorter speech, or any with barge-in off, is noise.
//   DTMF                     digits collect until '#', max_digits, or dtmf_interdigit_ms without a
//                            key; then UserInput{dtmf}. A key press while the agent is busy
//                            interrupts it (barge-in on); keys end an open utterance as noise.
#include <functional>
#include <optional>
#include <string>
#include <string_view>

#include "voice/config/agent_spec.hpp"
#include "voice/pipeline/call_state.hpp"
#include "voice/pipeline/processor.hpp"

namespace parley::voice {

struct TurnDetectorSettings {
  TurnSpec turn;
  bool barge_in = true;
  std::size_t max_dtmf_digits = 1;  // the longest intent dtmf (1 when none)
  // True when a transcript already says all the agent needs (rules: a full intent phrase).
  std::function<bool(std::string_view text)> completes;
};

class TurnDetector final : public Processor {
 public:
  using Activity = std::function<void()>;  // the caller did something (silence timer reset)

  TurnDetector(TurnDetectorSettings settings, CallState& state, Activity on_activity)
      : s_(std::move(settings)), state_(state), on_activity_(std::move(on_activity)) {}
  std::string_view name() const override { return "turn"; }
  void process(Frame frame, Direction dir) override;
  // The caller is mid-turn: talking, in the endpoint silence, or entering digits.
  bool caller_active() const noexcept { return utt_.has_value() || !digits_.empty(); }

 private:
  void on_frame(const AudioFrame& f);
  void on_speech_started(const SpeechStarted& s);
  void on_speech_stopped(const SpeechStopped& s);
  void on_transcript(const Transcript& t);
  void on_dtmf(const Dtmf& d);
  void end_utterance(SpeechStopped::Verdict verdict, SteadyTime now, std::uint64_t frame_no);
  void finish_dtmf(SteadyTime now);
  void interrupt(std::string reason);

  TurnDetectorSettings s_;
  CallState& state_;
  Activity on_activity_;
  std::uint32_t next_utterance_ = 1;
  std::uint32_t next_turn_ = 1;

  struct Utterance {
    std::uint32_t id = 0;
    bool speaking = false;        // between VAD start and stop
    int voiced_ms = 0;
    bool during_agent = false;    // started while the agent was busy and has not barged in yet
    std::uint64_t silence_from = 0;  // frame where the current silence began
    SteadyTime started_at{};
    SteadyTime silence_at{};
    std::string text;             // latest STT result
    bool final = false;
  };
  std::optional<Utterance> utt_;
  bool ignoring_ = false;  // speech the agent talks over with barge-in off

  std::string digits_;
  std::uint64_t last_digit_frame_ = 0;
  std::uint64_t frame_no_ = 0;
  SteadyTime first_digit_at_{};
  SteadyTime last_digit_at_{};
};

}  // namespace parley::voice
