#pragma once
// Frame-level voice activity: WebRTC's VAD (webrtc-audio-processing 0.3, whose audio processing
// module takes 10 ms frames only, so a 20 ms frame is two calls) gated by an energy floor, so line
// noise that the statistical VAD accepts at low levels is still silence.
// aggressiveness 0..3 maps to WebRTC's likelihood high..very low: the higher, the more eagerly a
// frame is called silence (noisy lines).
#include <cstdint>
#include <memory>
#include <span>

#include "core/error.hpp"

namespace parley::voice {

class Vad {
 public:
  static core::Result<Vad> create(int aggressiveness);
  Vad(Vad&&) noexcept;
  Vad& operator=(Vad&&) noexcept;
  ~Vad();

  // One 20 ms frame of 16 kHz PCM16 (320 samples).
  bool is_speech(std::span<const std::int16_t> frame);

  static double energy_floor_dbfs(int aggressiveness) noexcept;

 private:
  struct Impl;
  explicit Vad(std::unique_ptr<Impl> impl);
  std::unique_ptr<Impl> impl_;
};

}  // namespace parley::voice
