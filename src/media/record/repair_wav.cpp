#include "media/record/repair_wav.hpp"

#include <algorithm>
#include <cstring>
#include <fstream>

#include "media/record/detail/wav_header.hpp"

namespace parley::media::record {

core::Result<WavRepair> repair_wav(const std::filesystem::path& path) {
  std::error_code ec;
  const auto file_size = std::filesystem::file_size(path, ec);
  if (ec) return core::fail(core::Errc::io, "stat " + path.string() + ": " + ec.message(), "recording");
  std::fstream file(path, std::ios::in | std::ios::out | std::ios::binary);
  if (!file) return core::fail(core::Errc::io, "open " + path.string(), "recording");
  std::uint8_t riff[12];
  if (!file.read(reinterpret_cast<char*>(riff), 12) || std::memcmp(riff, "RIFF", 4) != 0 ||
      std::memcmp(riff + 8, "WAVE", 4) != 0) {
    return core::fail(core::Errc::corrupt, "not a RIFF/WAVE file", "recording");
  }
  WavRepair repair;
  std::uint32_t block_align = 0;
  std::uint64_t offset = 12;
  // Walk the chunks; the data chunk's own size is not trusted (a crash leaves it at 0).
  while (offset + 8 <= file_size) {
    std::uint8_t chunk[8];
    file.seekg(static_cast<std::streamoff>(offset));
    if (!file.read(reinterpret_cast<char*>(chunk), 8)) break;
    const std::uint32_t size = detail::get_le32(chunk + 4);
    if (std::memcmp(chunk, "fmt ", 4) == 0) {
      std::uint8_t fmt[16];
      if (size < 16 || !file.read(reinterpret_cast<char*>(fmt), 16)) break;
      if (fmt[0] != 1 || fmt[1] != 0) return core::fail(core::Errc::corrupt, "not PCM", "recording");
      repair.channels = fmt[2] | (fmt[3] << 8);
      repair.sample_rate = static_cast<int>(detail::get_le32(fmt + 4));
      block_align = static_cast<std::uint32_t>(fmt[12] | (fmt[13] << 8));
    } else if (std::memcmp(chunk, "data", 4) == 0) {
      if (block_align == 0) return core::fail(core::Errc::corrupt, "data chunk before fmt chunk", "recording");
      const std::uint64_t data_start = offset + 8;
      std::uint64_t bytes = file_size - data_start;
      bytes = std::min<std::uint64_t>(bytes - bytes % block_align, 0xFFFFFFFFULL - data_start);
      bytes -= bytes % block_align;
      repair.data_bytes = static_cast<std::uint32_t>(bytes);
      std::uint8_t value[4];
      detail::put_le32(value, repair.data_bytes);
      file.seekp(static_cast<std::streamoff>(offset + 4));
      file.write(reinterpret_cast<const char*>(value), 4);
      detail::put_le32(value, static_cast<std::uint32_t>(data_start + bytes - 8));
      file.seekp(4);
      file.write(reinterpret_cast<const char*>(value), 4);
      file.close();
      if (!file) return core::fail(core::Errc::io, "rewrite sizes of " + path.string(), "recording");
      std::filesystem::resize_file(path, data_start + bytes, ec);  // drop a torn final frame
      if (ec) return core::fail(core::Errc::io, "truncate " + path.string() + ": " + ec.message(), "recording");
      return repair;
    }
    offset += 8 + size + (size & 1);  // chunks are padded to even length
  }
  return core::fail(core::Errc::corrupt, "no fmt/data chunk", "recording");
}

}  // namespace parley::media::record
