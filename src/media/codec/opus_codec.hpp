#pragma once
// Opus (RFC 6716, RTP payload RFC 7587): VOIP mode, mono at 16 kHz internally, 48 kHz RTP clock,
// in-band FEC on, DTX when the peer's fmtp asks for it (usedtx=1).
#include <memory>
#include <string_view>

#include "core/error.hpp"
#include "media/codec/codec.hpp"

struct OpusEncoder;
struct OpusDecoder;

namespace parley::media::codec {

struct OpusSettings {
  int bitrate = 24000;       // maxaveragebitrate from fmtp when given (RFC 7587 s6.1)
  bool dtx = false;          // usedtx=1
  int expected_loss_percent = 10;  // how much FEC redundancy the encoder budgets for
};

// Reads RFC 7587 s6.1 fmtp parameters (maxaveragebitrate, usedtx); unknown ones are ignored.
OpusSettings opus_settings_from_fmtp(std::string_view fmtp);

class OpusCodec final : public Codec {
 public:
  static core::Result<std::unique_ptr<Codec>> create(int payload_type, const OpusSettings& settings);
  ~OpusCodec() override;

  const CodecInfo& info() const noexcept override { return info_; }
  CodecResult<std::size_t> encode(std::span<const std::int16_t> pcm, std::span<std::uint8_t> payload) override;
  CodecResult<std::size_t> decode(std::span<const std::uint8_t> payload, std::span<std::int16_t> pcm) override;
  // With `next_payload`, decodes the lost frame from that packet's FEC data; otherwise Opus PLC.
  void conceal(std::span<std::int16_t> pcm, std::span<const std::uint8_t> next_payload) override;

 private:
  struct EncoderDeleter {
    void operator()(OpusEncoder* encoder) const noexcept;
  };
  struct DecoderDeleter {
    void operator()(OpusDecoder* decoder) const noexcept;
  };
  OpusCodec(int payload_type, bool dtx, OpusEncoder* encoder, OpusDecoder* decoder);

  CodecInfo info_;
  bool dtx_;
  std::unique_ptr<OpusEncoder, EncoderDeleter> encoder_;
  std::unique_ptr<OpusDecoder, DecoderDeleter> decoder_;
};

}  // namespace parley::media::codec
