#include "voice/cloud/wav.hpp"

namespace parley::voice::cloud {
namespace {

void put_le(std::string& out, std::uint32_t v, int bytes) {
  for (int i = 0; i < bytes; ++i) out.push_back(static_cast<char>((v >> (8 * i)) & 0xFF));
}

}  // namespace

std::string wav_bytes(std::span<const std::int16_t> pcm, int sample_rate) {
  const auto data_bytes = static_cast<std::uint32_t>(pcm.size_bytes());
  std::string out;
  out.reserve(44 + data_bytes);
  out += "RIFF";
  put_le(out, 36 + data_bytes, 4);
  out += "WAVEfmt ";
  put_le(out, 16, 4);                                         // fmt chunk size
  put_le(out, 1, 2);                                          // PCM
  put_le(out, 1, 2);                                          // mono
  put_le(out, static_cast<std::uint32_t>(sample_rate), 4);
  put_le(out, static_cast<std::uint32_t>(sample_rate) * 2, 4);  // byte rate
  put_le(out, 2, 2);                                          // block align
  put_le(out, 16, 2);                                         // bits per sample
  out += "data";
  put_le(out, data_bytes, 4);
  for (std::int16_t s : pcm) put_le(out, static_cast<std::uint16_t>(s), 2);
  return out;
}

}  // namespace parley::voice::cloud
