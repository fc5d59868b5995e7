#pragma once
// G.729 (PT 18, RFC 3551 s4.5.6) through bcg729: two 10 ms frames of 10 octets per 20 ms packet.
// Annex B (VAD/CNG) is off on the encoder; received 2-octet SID frames are decoded.
#include <memory>

#include "core/error.hpp"
#include "media/codec/narrowband_codec.hpp"

struct bcg729EncoderChannelContextStruct_struct;
struct bcg729DecoderChannelContextStruct_struct;

namespace parley::media::codec {

class G729Codec final : public NarrowbandCodec {
 public:
  static core::Result<std::unique_ptr<Codec>> create(int payload_type);
  ~G729Codec() override;

  const CodecInfo& info() const noexcept override { return info_; }

 private:
  struct EncoderDeleter {
    void operator()(bcg729EncoderChannelContextStruct_struct* context) const noexcept;
  };
  struct DecoderDeleter {
    void operator()(bcg729DecoderChannelContextStruct_struct* context) const noexcept;
  };

  G729Codec(int payload_type, dsp::Resampler down, dsp::Resampler up);

  CodecResult<std::size_t> encode_narrow(std::span<const std::int16_t> pcm8k, std::span<std::uint8_t> payload) override;
  CodecResult<std::size_t> decode_narrow(std::span<const std::uint8_t> payload, std::span<std::int16_t> pcm8k) override;
  void conceal_narrow(std::span<std::int16_t> pcm8k) override;

  CodecInfo info_;
  std::unique_ptr<bcg729EncoderChannelContextStruct_struct, EncoderDeleter> encoder_;
  std::unique_ptr<bcg729DecoderChannelContextStruct_struct, DecoderDeleter> decoder_;
};

}  // namespace parley::media::codec
