#pragma once
// STT stage: feeds every caller frame to the call's SttStream, opens and closes its utterances as
// the turn detector decides, sends each result upstream (the turn detector's early endpoint reads
// it) and, once the turn has ended and its final text is in, sends UserInput downstream to the
// agent. A final that came before the end of the turn (engine endpointing) is used at once.
// Caller audio ends here: nothing downstream needs it.
#include <functional>
#include <map>
#include <memory>

#include "voice/pipeline/call_state.hpp"
#include "voice/pipeline/processor.hpp"
#include "voice/stt/stt_engine.hpp"

namespace parley::voice {

class SttProcessor final : public Processor, public SttListener {
 public:
  using UsageHook = std::function<void(double stt_seconds)>;

  SttProcessor(CallState& state, UsageHook on_usage) : state_(state), on_usage_(std::move(on_usage)) {}
  // The stream reports to this processor (it is its SttListener); set before the first frame.
  void set_stream(std::unique_ptr<SttStream> stream) { stream_ = std::move(stream); }
  SttStream* stream() { return stream_.get(); }

  std::string_view name() const override { return "stt"; }
  void process(Frame frame, Direction dir) override;
  void stop() override { stream_.reset(); }

  void on_transcript(const SttResult& r) override;
  void on_stt_usage(double seconds) override { on_usage_(seconds); }
  void on_stt_error(const core::Error&) override {}  // the fallback wrapper recovers and reports

 private:
  struct Pending {
    std::uint32_t turn = 0;
    SpeechStopped stop;
  };
  void deliver(std::uint32_t utterance, const SttResult& final_result);

  CallState& state_;
  UsageHook on_usage_;
  std::unique_ptr<SttStream> stream_;
  std::map<std::uint32_t, SttResult> early_finals_;  // utterance -> final before the turn ended
  std::map<std::uint32_t, Pending> ended_;           // utterance -> turn waiting for its final
};

}  // namespace parley::voice
