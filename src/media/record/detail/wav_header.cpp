#include "media/record/detail/wav_header.hpp"

#include <cstring>

namespace parley::media::record::detail {

std::array<std::uint8_t, kWavHeaderSize> wav_header(int channels, int sample_rate, std::uint32_t data_bytes) {
  std::array<std::uint8_t, kWavHeaderSize> h{};
  const auto block_align = static_cast<std::uint32_t>(channels * 2);
  std::memcpy(h.data(), "RIFF", 4);
  put_le32(h.data() + 4, 36 + data_bytes);
  std::memcpy(h.data() + 8, "WAVEfmt ", 8);
  put_le32(h.data() + 16, 16);  // fmt chunk size
  h[20] = 1;                    // PCM
  h[22] = static_cast<std::uint8_t>(channels);
  put_le32(h.data() + 24, static_cast<std::uint32_t>(sample_rate));
  put_le32(h.data() + 28, static_cast<std::uint32_t>(sample_rate) * block_align);
  h[32] = static_cast<std::uint8_t>(block_align);
  h[34] = 16;  // bits per sample
  std::memcpy(h.data() + 36, "data", 4);
  put_le32(h.data() + 40, data_bytes);
  return h;
}

}  // namespace parley::media::record::detail
