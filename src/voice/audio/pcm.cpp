#include "voice/audio/pcm.hpp"

#include <algorithm>
#include <cmath>

#include "media/dsp/resampler.hpp"

namespace parley::voice::audio {

core::Result<std::vector<std::int16_t>> to_16k(std::span<const std::int16_t> in, int in_rate) {
  constexpr int kOut = 16000;
  if (in_rate == kOut) return std::vector<std::int16_t>(in.begin(), in.end());
  auto rs = media::dsp::Resampler::create(in_rate, kOut, 5);
  if (!rs) return std::unexpected(rs.error());
  const std::size_t want = in.size() * kOut / static_cast<std::size_t>(in_rate);
  // Speex delays its output by half its filter (a few dozen input samples at quality 5): push
  // silence after the input to flush it, then drop that many leading output samples.
  const std::size_t pad = 256;
  std::vector<std::int16_t> padded(in.begin(), in.end());
  padded.resize(in.size() + pad, 0);
  std::vector<std::int16_t> out(padded.size() * kOut / static_cast<std::size_t>(in_rate) + 64);
  std::size_t n = rs->process(padded, out);
  out.resize(n);
  // Find the delay from the filter: resample a unit impulse the same way.
  auto probe = media::dsp::Resampler::create(in_rate, kOut, 5);
  std::vector<std::int16_t> impulse(pad, 0);
  impulse[0] = 16384;
  std::vector<std::int16_t> response(pad * kOut / static_cast<std::size_t>(in_rate) + 64);
  std::size_t m = probe->process(impulse, response);
  auto peak = std::max_element(response.begin(), response.begin() + static_cast<std::ptrdiff_t>(m),
                               [](std::int16_t a, std::int16_t b) { return std::abs(a) < std::abs(b); });
  std::size_t delay = static_cast<std::size_t>(peak - response.begin());
  if (delay >= out.size()) return std::vector<std::int16_t>(want, 0);
  out.erase(out.begin(), out.begin() + static_cast<std::ptrdiff_t>(delay));
  out.resize(want, 0);
  return out;
}

double rms_dbfs(std::span<const std::int16_t> pcm) noexcept {
  if (pcm.empty()) return -120.0;
  double sum = 0;
  for (auto s : pcm) sum += static_cast<double>(s) * s;
  double rms = std::sqrt(sum / static_cast<double>(pcm.size())) / 32768.0;
  return rms <= 1e-6 ? -120.0 : 20.0 * std::log10(rms);
}

std::size_t leading_silence(std::span<const std::int16_t> pcm16k, double threshold_dbfs, int keep_ms) noexcept {
  constexpr std::size_t kWindow = 16000 / 200;  // 5 ms
  for (std::size_t at = 0; at < pcm16k.size(); at += kWindow) {
    if (rms_dbfs(pcm16k.subspan(at, std::min(kWindow, pcm16k.size() - at))) > threshold_dbfs) {
      const auto keep = static_cast<std::size_t>(std::max(0, keep_ms)) * 16;
      return at > keep ? at - keep : 0;
    }
  }
  return 0;
}

}  // namespace parley::voice::audio
