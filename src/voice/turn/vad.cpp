#include "voice/turn/vad.hpp"

#include <webrtc/modules/audio_processing/include/audio_processing.h>
#include <webrtc/modules/interface/module_common_types.h>

#include <algorithm>

#include "voice/audio/pcm.hpp"

namespace parley::voice {

struct Vad::Impl {
  std::unique_ptr<webrtc::AudioProcessing> apm;
  webrtc::AudioFrame frame;
  double floor_dbfs = -50;
};

double Vad::energy_floor_dbfs(int aggressiveness) noexcept {
  static constexpr double kFloor[] = {-55, -50, -46, -42};
  return kFloor[std::clamp(aggressiveness, 0, 3)];
}

core::Result<Vad> Vad::create(int aggressiveness) {
  auto impl = std::make_unique<Impl>();
  impl->apm.reset(webrtc::AudioProcessing::Create());
  if (!impl->apm) return core::fail(core::Errc::unavailable, "webrtc: cannot create the audio processing module");
  static constexpr webrtc::VoiceDetection::Likelihood kLikelihood[] = {
      webrtc::VoiceDetection::kHighLikelihood, webrtc::VoiceDetection::kModerateLikelihood,
      webrtc::VoiceDetection::kLowLikelihood, webrtc::VoiceDetection::kVeryLowLikelihood};
  auto* vd = impl->apm->voice_detection();
  if (vd->Enable(true) != 0 || vd->set_likelihood(kLikelihood[std::clamp(aggressiveness, 0, 3)]) != 0 ||
      vd->set_frame_size_ms(10) != 0) {
    return core::fail(core::Errc::unavailable, "webrtc: cannot configure voice detection");
  }
  impl->floor_dbfs = energy_floor_dbfs(aggressiveness);
  impl->frame.sample_rate_hz_ = 16000;
  impl->frame.num_channels_ = 1;
  impl->frame.samples_per_channel_ = 160;
  return Vad(std::move(impl));
}

Vad::Vad(std::unique_ptr<Impl> impl) : impl_(std::move(impl)) {}
Vad::Vad(Vad&&) noexcept = default;
Vad& Vad::operator=(Vad&&) noexcept = default;
Vad::~Vad() = default;

bool Vad::is_speech(std::span<const std::int16_t> frame) {
  if (audio::rms_dbfs(frame) < impl_->floor_dbfs) {
    return false;
  }
  bool voiced = false;
  for (std::size_t half = 0; half + 160 <= frame.size(); half += 160) {
    std::copy_n(frame.data() + half, 160, impl_->frame.data_);
    impl_->frame.samples_per_channel_ = 160;
    impl_->frame.sample_rate_hz_ = 16000;
    impl_->frame.num_channels_ = 1;
    if (impl_->apm->ProcessStream(&impl_->frame) != 0) continue;
    voiced = voiced || impl_->apm->voice_detection()->stream_has_voice();
  }
  return voiced;
}

}  // namespace parley::voice
