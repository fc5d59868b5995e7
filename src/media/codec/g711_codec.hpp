#pragma once
// G.711 PCMU (PT 0) and PCMA (PT 8), RFC 3551 s4.5.14, with waveform PLC for lost packets.
#include <memory>

#include "core/error.hpp"
#include "media/codec/detail/g711_tables.hpp"
#include "media/codec/detail/plc.hpp"
#include "media/codec/narrowband_codec.hpp"

namespace parley::media::codec {

class G711Codec final : public NarrowbandCodec {
 public:
  using Law = detail::G711Law;
  static core::Result<std::unique_ptr<Codec>> create(Law law, int payload_type);

  const CodecInfo& info() const noexcept override { return info_; }

 private:
  G711Codec(Law law, int payload_type, dsp::Resampler down, dsp::Resampler up);

  CodecResult<std::size_t> encode_narrow(std::span<const std::int16_t> pcm8k, std::span<std::uint8_t> payload) override;
  CodecResult<std::size_t> decode_narrow(std::span<const std::uint8_t> payload, std::span<std::int16_t> pcm8k) override;
  void conceal_narrow(std::span<std::int16_t> pcm8k) override;

  Law law_;
  CodecInfo info_;
  detail::Plc plc_;
};

}  // namespace parley::media::codec
