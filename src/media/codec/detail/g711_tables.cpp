#include "media/codec/detail/g711_tables.hpp"

#include <algorithm>
#include <array>
#include <bit>
#include <cstdlib>

namespace parley::media::codec::detail {
namespace {

// G.711 s2 (mu-law): bias 132, 8 segments, 4-bit mantissa, all bits inverted on the wire.
std::uint8_t ulaw_from_linear(int sample) {
  constexpr int kBias = 0x84;
  constexpr int kClip = 32635;
  const int sign = sample < 0 ? 0x80 : 0x00;
  const int magnitude = std::min(std::abs(sample), kClip) + kBias;
  const int exponent = std::bit_width(static_cast<unsigned>(magnitude)) - 8;  // magnitude >= 2^7
  const int mantissa = (magnitude >> (exponent + 3)) & 0x0F;
  return static_cast<std::uint8_t>(~(sign | (exponent << 4) | mantissa));
}

int linear_from_ulaw(std::uint8_t code) {
  const int inverted = ~code & 0xFF;
  const int exponent = (inverted >> 4) & 0x07;
  const int magnitude = (((inverted & 0x0F) << 3) + 0x84) << exponent;
  return (inverted & 0x80) ? 0x84 - magnitude : magnitude - 0x84;
}

// G.711 s3 (A-law): 13-bit magnitude, segment 0 and 1 share the step size, even bits inverted (0x55).
std::uint8_t alaw_from_linear(int sample) {
  const int sign = sample >= 0 ? 0x80 : 0x00;
  const int magnitude = (sample >= 0 ? sample : -sample - 1) >> 3;  // 0..4095
  const int segment = std::max(0, static_cast<int>(std::bit_width(static_cast<unsigned>(magnitude))) - 5);
  const int mantissa = segment == 0 ? (magnitude >> 1) & 0x0F : (magnitude >> segment) & 0x0F;
  return static_cast<std::uint8_t>((sign | (segment << 4) | mantissa) ^ 0x55);
}

int linear_from_alaw(std::uint8_t code) {
  const int value = code ^ 0x55;
  const int segment = (value >> 4) & 0x07;
  int magnitude = ((value & 0x0F) << 4) + 8;
  if (segment > 0) magnitude = (magnitude + 0x100) << (segment - 1);
  return (value & 0x80) ? magnitude : -magnitude;
}

struct Tables {
  std::array<std::uint8_t, 65536> ulaw_encode;
  std::array<std::uint8_t, 65536> alaw_encode;
  std::array<std::int16_t, 256> ulaw_decode;
  std::array<std::int16_t, 256> alaw_decode;

  Tables() {
    for (int i = 0; i < 65536; ++i) {
      const int sample = static_cast<std::int16_t>(static_cast<std::uint16_t>(i));
      ulaw_encode[i] = ulaw_from_linear(sample);
      alaw_encode[i] = alaw_from_linear(sample);
    }
    for (int code = 0; code < 256; ++code) {
      ulaw_decode[code] = static_cast<std::int16_t>(linear_from_ulaw(static_cast<std::uint8_t>(code)));
      alaw_decode[code] = static_cast<std::int16_t>(linear_from_alaw(static_cast<std::uint8_t>(code)));
    }
  }
};

const Tables& tables() {
  static const Tables instance;
  return instance;
}

}  // namespace

void g711_encode(G711Law law, std::span<const std::int16_t> in, std::span<std::uint8_t> out) noexcept {
  const auto& table = law == G711Law::mu ? tables().ulaw_encode : tables().alaw_encode;
  for (std::size_t i = 0; i < in.size(); ++i) out[i] = table[static_cast<std::uint16_t>(in[i])];
}

void g711_decode(G711Law law, std::span<const std::uint8_t> in, std::span<std::int16_t> out) noexcept {
  const auto& table = law == G711Law::mu ? tables().ulaw_decode : tables().alaw_decode;
  for (std::size_t i = 0; i < in.size(); ++i) out[i] = table[in[i]];
}

}  // namespace parley::media::codec::detail
