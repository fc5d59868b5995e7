#include "media/dsp/resampler.hpp"

#include <speex/speex_resampler.h>

#include <string>

namespace parley::media::dsp {

void Resampler::Deleter::operator()(SpeexResamplerState_* state) const noexcept { speex_resampler_destroy(state); }

core::Result<Resampler> Resampler::create(int in_rate, int out_rate, int quality) {
  if (in_rate <= 0 || out_rate <= 0) return core::fail(core::Errc::invalid_argument, "sample rates must be positive");
  int err = RESAMPLER_ERR_SUCCESS;
  auto* state = speex_resampler_init(1, static_cast<spx_uint32_t>(in_rate), static_cast<spx_uint32_t>(out_rate),
                                     quality, &err);
  if (!state || err != RESAMPLER_ERR_SUCCESS) {
    return core::fail(core::Errc::internal, std::string("speex resampler: ") + speex_resampler_strerror(err));
  }
  return Resampler(state, in_rate, out_rate);
}

std::size_t Resampler::process(std::span<const std::int16_t> in, std::span<std::int16_t> out) noexcept {
  auto in_len = static_cast<spx_uint32_t>(in.size());
  auto out_len = static_cast<spx_uint32_t>(out.size());
  speex_resampler_process_int(state_.get(), 0, in.data(), &in_len, out.data(), &out_len);
  return out_len;
}

void Resampler::reset() noexcept { speex_resampler_reset_mem(state_.get()); }

}  // namespace parley::media::dsp
