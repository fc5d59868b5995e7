#include "media/record/stereo_wav_writer.hpp"

#include <algorithm>
#include <bit>
#include <cerrno>
#include <cstring>

#include "media/record/detail/wav_header.hpp"

namespace parley::media::record {
namespace {

constexpr std::int64_t kMaxDataBytes = 0xFFFFFFFFLL - 36;  // RIFF sizes are 32-bit

std::unexpected<core::Error> io_error(std::string_view what) {
  return core::fail(core::Errc::io, std::string(what) + ": " + std::strerror(errno), "recording");
}

}  // namespace

core::Result<StereoWavWriter> StereoWavWriter::open(const std::filesystem::path& path, int sample_rate,
                                                    int max_skew_ms) {
  static_assert(std::endian::native == std::endian::little, "samples are written as stored");
  if (sample_rate != 16000 && sample_rate != 8000) {
    return core::fail(core::Errc::invalid_argument, "recording rate must be 8000 or 16000", "sample_rate");
  }
  if (max_skew_ms <= 0) return core::fail(core::Errc::invalid_argument, "max skew must be positive");
  std::unique_ptr<std::FILE, FileCloser> file(std::fopen(path.c_str(), "wb"));
  if (!file) return io_error("open " + path.string());
  const auto header = detail::wav_header(2, sample_rate, 0);  // sizes completed by close() or repair_wav()
  if (std::fwrite(header.data(), 1, header.size(), file.get()) != header.size()) return io_error("write header");
  return StereoWavWriter(std::move(file), sample_rate, std::int64_t{max_skew_ms} * sample_rate / 1000);
}

StereoWavWriter::StereoWavWriter(std::unique_ptr<std::FILE, FileCloser> file, int sample_rate, std::int64_t max_skew)
    : file_(std::move(file)), sample_rate_(sample_rate), max_skew_(max_skew) {}

StereoWavWriter::~StereoWavWriter() {
  if (file_) (void)close();
}

core::Status StereoWavWriter::write(Channel channel, std::int64_t start_sample, std::span<const std::int16_t> pcm) {
  if (!file_) return core::fail(core::Errc::conflict, "recording is closed", "recording");
  if (start_sample < 0) return core::fail(core::Errc::invalid_argument, "negative timeline position", "recording");
  // Time already on disk cannot change: drop that part of the frame.
  if (start_sample < committed_) {
    const auto skip = static_cast<std::size_t>(std::min<std::int64_t>(committed_ - start_sample, std::ssize(pcm)));
    dropped_ += skip;
    pcm = pcm.subspan(skip);
    start_sample = committed_;
  }
  const auto index = static_cast<std::size_t>(channel);
  const std::int64_t end = start_sample + std::ssize(pcm);
  if (end * 4 > kMaxDataBytes) {
    return core::fail(core::Errc::too_large, "recording reached the 4 GiB WAV limit", "recording");
  }
  const auto needed = static_cast<std::size_t>(end - committed_) * 2;
  if (pending_.size() < needed) pending_.resize(needed, 0);  // silence for gaps
  for (std::size_t i = 0; i < pcm.size(); ++i) {
    pending_[static_cast<std::size_t>(start_sample - committed_ + static_cast<std::int64_t>(i)) * 2 + index] = pcm[i];
  }
  end_[index] = std::max(end_[index], end);
  // Both channels are complete up to the shorter end; a channel lagging more than the skew is silent.
  const std::int64_t longest = std::max(end_[0], end_[1]);
  return commit(std::max(std::min(end_[0], end_[1]), longest - max_skew_));
}

core::Status StereoWavWriter::commit(std::int64_t until) {
  if (until <= committed_) return {};
  const auto samples = static_cast<std::size_t>(until - committed_) * 2;
  if (std::fwrite(pending_.data(), sizeof(std::int16_t), samples, file_.get()) != samples) return io_error("write");
  if (std::fflush(file_.get()) != 0) return io_error("flush");
  pending_.erase(pending_.begin(), pending_.begin() + static_cast<std::ptrdiff_t>(samples));
  committed_ = until;
  return {};
}

core::Status StereoWavWriter::close() {
  if (!file_) return {};
  auto status = commit(std::max(end_[0], end_[1]));
  const auto header = detail::wav_header(2, sample_rate_, static_cast<std::uint32_t>(committed_ * 4));
  if (status && (std::fseek(file_.get(), 0, SEEK_SET) != 0 ||
                 std::fwrite(header.data(), 1, header.size(), file_.get()) != header.size())) {
    status = io_error("rewrite header");
  }
  if (std::fclose(file_.release()) != 0 && status) status = io_error("close");
  return status;
}

}  // namespace parley::media::record
