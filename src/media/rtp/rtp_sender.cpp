#include "media/rtp/rtp_sender.hpp"

#include <cstring>

#include "core/crypto.hpp"

namespace parley::media::rtp {
namespace {

template <class T>
T random_value() {
  const auto bytes = core::random_bytes(sizeof(T));
  T value{};
  std::memcpy(&value, bytes.data(), sizeof(T));
  return value;
}

}  // namespace

RtpSender::RtpSender(std::uint32_t ssrc, std::uint8_t payload_type, std::uint32_t timestamp_step)
    : RtpSender(ssrc, payload_type, timestamp_step, random_value<std::uint16_t>(), random_value<std::uint32_t>()) {}

RtpSender::RtpSender(std::uint32_t ssrc, std::uint8_t payload_type, std::uint32_t timestamp_step,
                     std::uint16_t first_sequence, std::uint32_t first_timestamp)
    : ssrc_(ssrc), payload_type_(payload_type), step_(timestamp_step), sequence_(first_sequence),
      timestamp_(first_timestamp) {}

RtpResult<std::size_t> RtpSender::build_audio(std::span<const std::uint8_t> payload,
                                              std::span<std::uint8_t> out) noexcept {
  auto size = build(payload_type_, timestamp_, talkspurt_, payload, out);
  if (size) {
    talkspurt_ = false;
    timestamp_ += step_;
  }
  return size;
}

void RtpSender::skip_frame() noexcept {
  timestamp_ += step_;
  talkspurt_ = true;
}

RtpResult<std::size_t> RtpSender::build(std::uint8_t payload_type, std::uint32_t timestamp, bool marker,
                                        std::span<const std::uint8_t> payload, std::span<std::uint8_t> out) noexcept {
  RtpHeader header;
  header.marker = marker;
  header.payload_type = payload_type;
  header.sequence = sequence_;
  header.timestamp = timestamp;
  header.ssrc = ssrc_;
  auto size = build_rtp(header, payload, out);
  if (size) {
    ++sequence_;
    ++packets_;
    octets_ += static_cast<std::uint32_t>(payload.size());
  }
  return size;
}

}  // namespace parley::media::rtp
