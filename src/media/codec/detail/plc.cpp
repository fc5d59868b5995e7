#include "media/codec/detail/plc.hpp"

#include <spandsp.h>

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
  plc_fillin(&state_->plc, pcm.data(), static_cast<int>(pcm.size()));
}

}  // namespace parley::media::codec::detail
