#pragma once
// The canonical 44-octet PCM WAV header (RIFF/WAVE with one fmt and one data chunk), little endian.
#include <array>
#include <cstdint>

namespace parley::media::record::detail {

inline constexpr std::size_t kWavHeaderSize = 44;

std::array<std::uint8_t, kWavHeaderSize> wav_header(int channels, int sample_rate, std::uint32_t data_bytes);

inline void put_le32(std::uint8_t* p, std::uint32_t v) {
  for (int i = 0; i < 4; ++i) p[i] = static_cast<std::uint8_t>(v >> (8 * i));
}
inline std::uint32_t get_le32(const std::uint8_t* p) {
  return std::uint32_t{p[0]} | (std::uint32_t{p[1]} << 8) | (std::uint32_t{p[2]} << 16) | (std::uint32_t{p[3]} << 24);
}

}  // namespace parley::media::record::detail
