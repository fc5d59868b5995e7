#include "media/rtp/mos.hpp"

#include <algorithm>

namespace parley::media::rtp {

double r_factor(const MosInput& input) noexcept {
  constexpr double kPacketizationMs = 20.0;
  const double buffer = input.jitter_buffer_ms < 0 ? 2.0 * input.jitter_ms : input.jitter_buffer_ms;
  const double d = std::max(0.0, input.rtt_ms / 2.0 + buffer + kPacketizationMs);
  const double id = 0.024 * d + (d > 177.3 ? 0.11 * (d - 177.3) : 0.0);
  const double ppl = std::clamp(input.loss_fraction, 0.0, 1.0) * 100.0;
  const double ie = input.codec.ie;
  const double ie_eff = ppl <= 0.0 ? ie : ie + (95.0 - ie) * ppl / (ppl + input.codec.bpl);
  return 93.2 - id - ie_eff;
}

double mos_from_r(double r) noexcept {
  if (r < 0.0) return 1.0;
  if (r > 100.0) return 4.5;
  return 1.0 + 0.035 * r + 7.0e-6 * r * (r - 60.0) * (100.0 - r);
}

}  // namespace parley::media::rtp
