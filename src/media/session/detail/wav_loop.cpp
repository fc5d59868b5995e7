#include "media/session/detail/wav_loop.hpp"

#include <sndfile.h>

#include <algorithm>

#include "media/audio_format.hpp"
#include "media/dsp/resampler.hpp"

namespace parley::media::session::detail {
namespace {

struct SndfileCloser {
  void operator()(SNDFILE* file) const noexcept { sf_close(file); }
};

}  // namespace

core::Result<std::vector<std::int16_t>> load_wav_16k(const std::filesystem::path& path) {
  SF_INFO info{};
  std::unique_ptr<SNDFILE, SndfileCloser> file(sf_open(path.c_str(), SFM_READ, &info));
  if (!file) return core::fail(core::Errc::invalid_argument, "play file: " + std::string(sf_strerror(nullptr)), "test_mode");
  const int subtype = info.format & SF_FORMAT_SUBMASK;
  const bool pcm = subtype == SF_FORMAT_PCM_16 || subtype == SF_FORMAT_PCM_S8 || subtype == SF_FORMAT_PCM_U8 ||
                   subtype == SF_FORMAT_PCM_24 || subtype == SF_FORMAT_PCM_32;
  if (!pcm || info.channels < 1 || info.channels > 2 || info.samplerate < 8000 || info.samplerate > 192000) {
    return core::fail(core::Errc::invalid_argument, "play file must be mono or stereo PCM at 8-192 kHz", "test_mode");
  }
  const auto max_frames = static_cast<sf_count_t>(info.samplerate) * kMaxPlaySeconds;
  const auto frames = std::min(info.frames, max_frames);
  std::vector<std::int16_t> interleaved(static_cast<std::size_t>(frames * info.channels));
  const auto got = sf_readf_short(file.get(), interleaved.data(), frames);
  if (got <= 0) return core::fail(core::Errc::invalid_argument, "play file has no audio", "test_mode");

  std::vector<std::int16_t> mono(static_cast<std::size_t>(got));
  for (std::size_t i = 0; i < mono.size(); ++i) {
    if (info.channels == 1) {
      mono[i] = interleaved[i];
    } else {
      mono[i] = static_cast<std::int16_t>((interleaved[2 * i] + interleaved[2 * i + 1]) / 2);
    }
  }
  if (info.samplerate == kSampleRate) return mono;

  auto resampler = dsp::Resampler::create(info.samplerate, kSampleRate);
  if (!resampler) return std::unexpected(resampler.error());
  std::vector<std::int16_t> out;
  out.reserve(mono.size() * kSampleRate / static_cast<std::size_t>(info.samplerate) + kFrameSamples);
  constexpr std::size_t kChunk = 4800;
  std::vector<std::int16_t> chunk(kChunk * kSampleRate / 8000 + 64);
  for (std::size_t at = 0; at < mono.size(); at += kChunk) {
    const auto in = std::span(mono).subspan(at, std::min(kChunk, mono.size() - at));
    const auto n = resampler->process(in, chunk);
    out.insert(out.end(), chunk.begin(), chunk.begin() + static_cast<std::ptrdiff_t>(n));
  }
  if (out.empty()) return core::fail(core::Errc::invalid_argument, "play file has no audio", "test_mode");
  return out;
}

void WavLoop::next(std::span<std::int16_t> out) noexcept {
  const auto& pcm = *pcm_;
  for (auto& sample : out) {
    sample = pcm[position_];
    if (++position_ == pcm.size()) position_ = 0;
  }
}

}  // namespace parley::media::session::detail
