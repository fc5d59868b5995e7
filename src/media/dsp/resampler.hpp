#pragma once
// Streaming PCM16 sample-rate conversion (speexdsp), e.g. 8k <-> 16k and 48k <-> 16k.
#include <cstdint>
#include <memory>
#include <span>

#include "core/error.hpp"

struct SpeexResamplerState_;

namespace parley::media::dsp {

class Resampler {
 public:
  static constexpr int kVoipQuality = 3;  // SPEEX_RESAMPLER_QUALITY_VOIP

  static core::Result<Resampler> create(int in_rate, int out_rate, int quality = kVoipQuality);

  // Converts all of `in` and returns the samples written; for whole ratios that is
  // in.size() * out_rate / in_rate. `out` must hold that many. No allocation.
  std::size_t process(std::span<const std::int16_t> in, std::span<std::int16_t> out) noexcept;
  void reset() noexcept;

  int in_rate() const noexcept { return in_rate_; }
  int out_rate() const noexcept { return out_rate_; }

 private:
  struct Deleter {
    void operator()(SpeexResamplerState_* state) const noexcept;
  };
  Resampler(SpeexResamplerState_* state, int in_rate, int out_rate) : state_(state), in_rate_(in_rate), out_rate_(out_rate) {}

  std::unique_ptr<SpeexResamplerState_, Deleter> state_;
  int in_rate_;
  int out_rate_;
};

}  // namespace parley::media::dsp
