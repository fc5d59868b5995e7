#pragma once
// Test signals and an alignment-tolerant SNR for codec and DSP tests.
#include <cmath>
#include <cstdint>
#include <numbers>
#include <span>
#include <vector>

namespace parley::media::test {

inline std::vector<std::int16_t> tone(double hz, int rate, std::size_t samples, double amplitude = 8000.0) {
  std::vector<std::int16_t> out(samples);
  for (std::size_t i = 0; i < samples; ++i) {
    out[i] = static_cast<std::int16_t>(amplitude * std::sin(2.0 * std::numbers::pi * hz * static_cast<double>(i) / rate));
  }
  return out;
}

// Voiced-speech-like: harmonics of a gliding 110-190 Hz pitch with a 1/k spectral tilt, two formant-ish
// boosts, and a 4 Hz syllable envelope.
inline std::vector<std::int16_t> speech_like(int rate, std::size_t samples) {
  std::vector<std::int16_t> out(samples);
  double phase = 0.0;
  for (std::size_t i = 0; i < samples; ++i) {
    const double t = static_cast<double>(i) / rate;
    const double f0 = 150.0 + 40.0 * std::sin(2.0 * std::numbers::pi * 0.7 * t);
    phase += 2.0 * std::numbers::pi * f0 / rate;
    double v = 0.0;
    for (int k = 1; k * f0 < 3400.0; ++k) {
      const double f = k * f0;
      const double formant = 1.0 + 2.0 * std::exp(-std::pow((f - 700.0) / 200.0, 2)) +
                             1.5 * std::exp(-std::pow((f - 1800.0) / 300.0, 2));
      v += formant / k * std::sin(k * phase);
    }
    const double envelope = 0.35 + 0.65 * std::pow(std::sin(std::numbers::pi * 4.0 * t), 2);
    out[i] = static_cast<std::int16_t>(2500.0 * envelope * v);
  }
  return out;
}

// Best SNR (dB) of `out` against `ref` over lags 0..max_lag (codec and resampler delay), skipping `skip`
// samples of warm-up.
inline double aligned_snr_db(std::span<const std::int16_t> ref, std::span<const std::int16_t> out, std::size_t max_lag,
                             std::size_t skip) {
  double best = -100.0;
  for (std::size_t lag = 0; lag <= max_lag; ++lag) {
    double signal = 0.0, noise = 0.0;
    for (std::size_t i = skip; i + lag < out.size() && i < ref.size(); ++i) {
      const double r = ref[i];
      const double e = r - out[i + lag];
      signal += r * r;
      noise += e * e;
    }
    if (noise <= 0.0) return 200.0;
    best = std::max(best, 10.0 * std::log10(signal / noise));
  }
  return best;
}

inline double rms(std::span<const std::int16_t> pcm) {
  double sum = 0.0;
  for (auto s : pcm) sum += static_cast<double>(s) * s;
  return pcm.empty() ? 0.0 : std::sqrt(sum / static_cast<double>(pcm.size()));
}

}  // namespace parley::media::test
