#include "voice/turn/noise_suppressor.hpp"

#include <webrtc/modules/audio_processing/include/audio_processing.h>
#include <webrtc/modules/interface/module_common_types.h>

#include <algorithm>

namespace parley::voice {

struct NoiseSuppressor::Impl {
  std::unique_ptr<webrtc::AudioProcessing> apm;
  webrtc::AudioFrame frame;
};

core::Result<NoiseSuppressor> NoiseSuppressor::create(int level) {
  auto impl = std::make_unique<Impl>();
  impl->apm.reset(webrtc::AudioProcessing::Create());
  if (!impl->apm) return core::fail(core::Errc::unavailable, "webrtc: cannot create the audio processing module");
  auto* ns = impl->apm->noise_suppression();
  if (ns->set_level(static_cast<webrtc::NoiseSuppression::Level>(std::clamp(level, 0, 3))) != 0 || ns->Enable(true) != 0) {
    return core::fail(core::Errc::unavailable, "webrtc: cannot configure noise suppression");
  }
  return NoiseSuppressor(std::move(impl));
}

NoiseSuppressor::NoiseSuppressor(std::unique_ptr<Impl> impl) : impl_(std::move(impl)) {}
NoiseSuppressor::NoiseSuppressor(NoiseSuppressor&&) noexcept = default;
NoiseSuppressor& NoiseSuppressor::operator=(NoiseSuppressor&&) noexcept = default;
NoiseSuppressor::~NoiseSuppressor() = default;

void NoiseSuppressor::process(std::span<std::int16_t> pcm) {
  auto& f = impl_->frame;
  for (std::size_t i = 0; i + 160 <= pcm.size(); i += 160) {
    f.sample_rate_hz_ = 16000;
    f.num_channels_ = 1;
    f.samples_per_channel_ = 160;
    std::copy_n(pcm.data() + i, 160, f.data_);
    if (impl_->apm->ProcessStream(&f) == 0) std::copy_n(f.data_, 160, pcm.data() + i);
  }
}

}  // namespace parley::voice
