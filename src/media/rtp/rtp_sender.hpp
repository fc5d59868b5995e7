#pragma once
// Outgoing RTP stream state: SSRC, sequence and timestamp counters, marker at talk-spurt start,
// packet/octet counts for the sender report.
#include <cstdint>
#include <span>

#include "media/rtp/rtp_packet.hpp"

namespace parley::media::rtp {

class RtpSender {
 public:
  // RFC 3550 s5.1: sequence and timestamp start at random values; `timestamp_step` is per audio frame.
  RtpSender(std::uint32_t ssrc, std::uint8_t payload_type, std::uint32_t timestamp_step);
  RtpSender(std::uint32_t ssrc, std::uint8_t payload_type, std::uint32_t timestamp_step, std::uint16_t first_sequence,
            std::uint32_t first_timestamp);

  // The next audio frame: the marker is set on the first packet and after skip_frame() (RFC 3551 s4.1).
  RtpResult<std::size_t> build_audio(std::span<const std::uint8_t> payload, std::span<std::uint8_t> out) noexcept;
  // A frame's time passes without a packet (silence, DTX): the next audio packet starts a talk spurt.
  void skip_frame() noexcept;
  // Any other payload on this SSRC (e.g. RFC 4733 events): takes the next sequence number only.
  RtpResult<std::size_t> build(std::uint8_t payload_type, std::uint32_t timestamp, bool marker,
                               std::span<const std::uint8_t> payload, std::span<std::uint8_t> out) noexcept;

  std::uint32_t ssrc() const noexcept { return ssrc_; }
  std::uint32_t timestamp() const noexcept { return timestamp_; }  // of the next audio frame
  std::uint16_t next_sequence() const noexcept { return sequence_; }
  std::uint32_t packet_count() const noexcept { return packets_; }
  std::uint32_t octet_count() const noexcept { return octets_; }

 private:
  std::uint32_t ssrc_;
  std::uint8_t payload_type_;
  std::uint32_t step_;
  std::uint16_t sequence_;
  std::uint32_t timestamp_;
  bool talkspurt_ = true;
  std::uint32_t packets_ = 0;
  std::uint32_t octets_ = 0;  // payload octets, as the SR counts them (RFC 3550 s6.4.1)
};

}  // namespace parley::media::rtp
