#pragma once
// DTMF tones in 8 kHz audio (spandsp dtmf_rx, Q.24 thresholds). A digit is reported when its tone ends,
// so a tone at the very end of the audio needs some trailing silence before it shows up.
#include <array>
#include <cstdint>
#include <memory>
#include <optional>
#include <span>

#include "core/error.hpp"
#include "media/dtmf/dtmf_event.hpp"

namespace parley::media::dtmf {

class InbandDtmfDetector {
 public:
  static core::Result<InbandDtmfDetector> create();
  ~InbandDtmfDetector();
  InbandDtmfDetector(InbandDtmfDetector&&) noexcept;
  InbandDtmfDetector& operator=(InbandDtmfDetector&&) noexcept;

  void process(std::span<const std::int16_t> pcm8k) noexcept;
  // Digits in the order they ended; at most 16 wait here, older ones are dropped first.
  std::optional<Dtmf> next_digit() noexcept;

 private:
  struct State;
  explicit InbandDtmfDetector(std::unique_ptr<State> state);
  std::unique_ptr<State> state_;
};

}  // namespace parley::media::dtmf
