#include "media/dtmf/inband_generator.hpp"

#include <spandsp.h>

#include <array>
#include <string>

#include "media/dtmf/telephone_event.hpp"

namespace parley::media::dtmf {

core::Result<std::vector<std::int16_t>> generate_dtmf(std::string_view digits, int on_ms, int off_ms) {
  if (digits.size() > 64) return core::fail(core::Errc::too_large, "at most 64 digits at a time", "digits");
  for (char digit : digits) {
    if (!digit_to_event(digit)) return core::fail(core::Errc::invalid_argument, "not a DTMF digit", "digits");
  }
  if (on_ms <= 0 || off_ms < 0) return core::fail(core::Errc::invalid_argument, "bad tone timing");
  dtmf_tx_state_t* tx = dtmf_tx_init(nullptr);
  if (!tx) return core::fail(core::Errc::internal, "spandsp dtmf_tx_init failed");
  dtmf_tx_set_timing(tx, on_ms, off_ms);
  const std::string text(digits);
  dtmf_tx_put(tx, text.c_str(), static_cast<int>(text.size()));
  std::vector<std::int16_t> pcm;
  std::array<std::int16_t, 160> block{};
  for (int n; (n = dtmf_tx(tx, block.data(), static_cast<int>(block.size()))) > 0;) {
    pcm.insert(pcm.end(), block.begin(), block.begin() + n);
  }
  dtmf_tx_free(tx);
  return pcm;
}

}  // namespace parley::media::dtmf
