#pragma once
// The caller audio of one utterance, for STT engines that decode per utterance (pocketsphinx,
// Whisper): a ring of the last kPreRollMs while nobody speaks, then the utterance from that pre-roll
// on (stt/stt_engine.hpp "Utterances"). Capped at `max_seconds`: a longer monologue keeps its start.
#include <cstdint>
#include <optional>
#include <span>
#include <vector>

#include "voice/stt/stt_engine.hpp"

namespace parley::voice {

class UtteranceBuffer {
 public:
  explicit UtteranceBuffer(int pre_roll_ms = kPreRollMs, int max_seconds = 60);

  void audio(std::span<const std::int16_t> frame16k);
  void begin(std::uint32_t id);
  // Samples of the open utterance not taken yet (a streaming decoder feeds them as they come).
  std::vector<std::int16_t> take_new();
  // Closes the utterance and returns all of it.
  std::vector<std::int16_t> finish();
  void cancel();

  std::optional<std::uint32_t> open_id() const noexcept { return open_; }
  double seconds() const noexcept;  // length of the open utterance

 private:
  std::size_t pre_roll_samples_;
  std::size_t max_samples_;
  std::vector<std::int16_t> ring_;  // newest pre-roll, oldest first once rotated
  std::vector<std::int16_t> utterance_;
  std::size_t taken_ = 0;
  std::optional<std::uint32_t> open_;
};

}  // namespace parley::voice
