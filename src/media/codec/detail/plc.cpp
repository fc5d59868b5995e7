#include "media/codec/detail/plc.hpp"

#include <spandsp.h>

#include <algorithm>

namespace parley::media::codec::detail {

struct Plc::State {
  plc_state_t plc;
};

Plc::Plc() : state_(std::make_unique<State>()) { plc_init(&state_->plc); }
Plc::~Plc() = default;
Plc::Plc(Plc&&) noexcept = default;
Plc& Plc::operator=(Plc&&) noexcept = default;

void Plc::observe(std::span<std::int16_t> pcm) noexcept {
  plc_rx(&state_->plc, pcm.data(), static_cast<int>(pcm.size()));
}

void Plc::fill(std::span<std::int16_t> pcm) noexcept {
  auto& plc = state_->plc;
  if (plc.missing_samples == 0 && plc.buf_ptr != 0) {
    // spandsp 0.0.6 starts a gap by rotating its history ring with memcpy() over overlapping ranges
    // (undefined behaviour, caught by ASan). Do the same rotation safely first; it then has nothing to do.
    std::rotate(plc.history, plc.history + plc.buf_ptr, plc.history + PLC_HISTORY_LEN);
    plc.buf_ptr = 0;
  }
  plc_fillin(&plc, pcm.data(), static_cast<int>(pcm.size()));
}

}  // namespace parley::media::codec::detail
