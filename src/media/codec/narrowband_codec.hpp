#pragma once
// Base for codecs that run at 8 kHz (G.711, G.729): resamples 16k <-> 8k around the narrowband core.
#include <array>

#include "media/audio_format.hpp"
#include "media/codec/codec.hpp"
#include "media/dsp/resampler.hpp"

namespace parley::media::codec {

class NarrowbandCodec : public Codec {
 public:
  static constexpr std::size_t kNarrowFrameSamples = 160;  // 20 ms at 8 kHz

  CodecResult<std::size_t> encode(std::span<const std::int16_t> pcm, std::span<std::uint8_t> payload) final;
  CodecResult<std::size_t> decode(std::span<const std::uint8_t> payload, std::span<std::int16_t> pcm) final;
  void conceal(std::span<std::int16_t> pcm, std::span<const std::uint8_t> next_payload) final;

 protected:
  NarrowbandCodec(dsp::Resampler down, dsp::Resampler up) : down_(std::move(down)), up_(std::move(up)) {}

  // 160 samples at 8 kHz -> payload.
  virtual CodecResult<std::size_t> encode_narrow(std::span<const std::int16_t> pcm8k, std::span<std::uint8_t> payload) = 0;
  // payload -> samples at 8 kHz (at most kMaxPacketMs); returns the count.
  virtual CodecResult<std::size_t> decode_narrow(std::span<const std::uint8_t> payload, std::span<std::int16_t> pcm8k) = 0;
  // 160 samples at 8 kHz for a lost packet.
  virtual void conceal_narrow(std::span<std::int16_t> pcm8k) = 0;

 private:
  dsp::Resampler down_;
  dsp::Resampler up_;
  std::array<std::int16_t, kMaxPacketSamples / 2> narrow_{};
};

}  // namespace parley::media::codec
