#pragma once
// Noise suppression of the caller's audio before the VAD and the STT (DESIGN.md s4's optional
// stage): WebRTC's noise suppressor (webrtc-audio-processing 0.3: 10 ms frames, so two calls per
// 20 ms frame). Level 0..3 = low .. very high. Only what the recognizer hears changes; the call
// recording is made by media from the untouched audio.
#include <cstdint>
#include <memory>
#include <span>

#include "core/error.hpp"
#include "voice/pipeline/processor.hpp"

namespace parley::voice {

class NoiseSuppressor {
 public:
  static core::Result<NoiseSuppressor> create(int level);
  NoiseSuppressor(NoiseSuppressor&&) noexcept;
  NoiseSuppressor& operator=(NoiseSuppressor&&) noexcept;
  ~NoiseSuppressor();

  // In place, 16 kHz PCM16, any multiple of 10 ms (a trailing partial 10 ms is left as it is).
  void process(std::span<std::int16_t> pcm16k);

 private:
  struct Impl;
  explicit NoiseSuppressor(std::unique_ptr<Impl> impl);
  std::unique_ptr<Impl> impl_;
};

class NoiseSuppressionProcessor final : public Processor {
 public:
  explicit NoiseSuppressionProcessor(NoiseSuppressor ns) : ns_(std::move(ns)) {}
  std::string_view name() const override { return "noise_suppression"; }
  void process(Frame frame, Direction dir) override {
    if (auto* a = frame.get_if<AudioFrame>(); a != nullptr && dir == Direction::downstream) ns_.process(a->pcm);
    push(std::move(frame), dir);
  }

 private:
  NoiseSuppressor ns_;
};

}  // namespace parley::voice
