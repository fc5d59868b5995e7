#pragma once
// The codec interface: 20 ms of 16 kHz PCM16 <-> one RTP payload, plus concealment of a lost packet.
#include <cstddef>
#include <cstdint>
#include <expected>
#include <span>
#include <string_view>

namespace parley::media::codec {

enum class CodecError {
  bad_frame_length,   // encode needs exactly kFrameSamples
  output_too_small,   // the caller's span cannot hold the result
  bad_payload,        // the payload is not a valid packet for this codec
  codec_failure,      // the library reported an internal error
};

std::string_view to_string(CodecError error) noexcept;

template <class T>
using CodecResult = std::expected<T, CodecError>;

struct CodecInfo {
  std::string_view name;  // SDP encoding name
  int payload_type = 0;
  int rtp_clock_rate = 8000;   // RTP timestamp rate (RFC 3551 s4.5.2: 8000 for G722, RFC 7587: 48000 for opus)
  int sdp_channels = 1;        // channels in a=rtpmap (opus/48000/2); audio is mono either way
  std::uint32_t timestamp_step = 160;  // RTP timestamp advance per 20 ms frame
  std::size_t max_payload_bytes = 0;   // largest payload one 20 ms frame encodes to
};

// Implementations keep pre-allocated buffers: encode/decode/conceal do not allocate.
class Codec {
 public:
  virtual ~Codec() = default;

  virtual const CodecInfo& info() const noexcept = 0;

  // `pcm` is exactly 320 samples (20 ms at 16 kHz). Returns the payload size; 0 means "send nothing"
  // (Opus DTX during silence).
  virtual CodecResult<std::size_t> encode(std::span<const std::int16_t> pcm, std::span<std::uint8_t> payload) = 0;

  // Decodes one packet's payload into 16 kHz samples and returns how many were written.
  virtual CodecResult<std::size_t> decode(std::span<const std::uint8_t> payload, std::span<std::int16_t> pcm) = 0;

  // Fills 20 ms (320 samples) for a lost packet. `next_payload` is the packet after the lost one when the
  // caller has it (empty otherwise); codecs with in-band FEC (Opus) rebuild the lost frame from it.
  virtual void conceal(std::span<std::int16_t> pcm, std::span<const std::uint8_t> next_payload) = 0;
};

}  // namespace parley::media::codec
