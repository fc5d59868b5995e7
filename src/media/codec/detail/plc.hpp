#pragma once
// Waveform packet loss concealment (spandsp plc: pitch-period repetition with fade-out).
#include <cstdint>
#include <memory>
#include <span>

namespace parley::media::codec::detail {

class Plc {
 public:
  Plc();
  ~Plc();
  Plc(Plc&&) noexcept;
  Plc& operator=(Plc&&) noexcept;

  // Records good audio; call for every decoded packet.
  void observe(std::span<std::int16_t> pcm) noexcept;
  // Synthesises audio for a lost packet from what was observed.
  void fill(std::span<std::int16_t> pcm) noexcept;

 private:
  struct State;
  std::unique_ptr<State> state_;
};

}  // namespace parley::media::codec::detail
