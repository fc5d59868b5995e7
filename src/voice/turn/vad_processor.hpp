#pragma once
// VAD stage: marks each caller frame voiced or not (turn/vad.hpp) and turns runs of them into
// SpeechStarted (after kOnsetFrames voiced frames in a row, dated at the first) and SpeechStopped
// (after kHangoverFrames unvoiced frames, dated at the first unvoiced one: the caller's speech end).
#include "voice/pipeline/processor.hpp"
#include "voice/turn/vad.hpp"

namespace parley::voice {

class VadProcessor final : public Processor {
 public:
  static constexpr int kOnsetFrames = 2;     // 40 ms
  static constexpr int kHangoverFrames = 3;  // 60 ms

  explicit VadProcessor(Vad vad) : vad_(std::move(vad)) {}
  std::string_view name() const override { return "vad"; }
  void process(Frame frame, Direction dir) override;

 private:
  Vad vad_;
  bool speaking_ = false;
  int run_ = 0;  // voiced frames in a row (silent), unvoiced frames in a row (speaking)
  std::uint64_t run_start_frame_ = 0;
  SteadyTime run_start_at_{};
  int voiced_frames_ = 0;  // of the current segment
};

}  // namespace parley::voice
