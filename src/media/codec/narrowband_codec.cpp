#include "media/codec/narrowband_codec.hpp"

namespace parley::media::codec {

CodecResult<std::size_t> NarrowbandCodec::encode(std::span<const std::int16_t> pcm, std::span<std::uint8_t> payload) {
  if (pcm.size() != kFrameSamples) return std::unexpected(CodecError::bad_frame_length);
  const auto narrow = std::span(narrow_).first(kNarrowFrameSamples);
  const auto produced = down_.process(pcm, narrow);
  return encode_narrow(narrow.first(produced), payload);
}

CodecResult<std::size_t> NarrowbandCodec::decode(std::span<const std::uint8_t> payload, std::span<std::int16_t> pcm) {
  auto samples = decode_narrow(payload, narrow_);
  if (!samples) return samples;
  if (pcm.size() < *samples * 2) return std::unexpected(CodecError::output_too_small);
  return up_.process(std::span(narrow_).first(*samples), pcm);
}

void NarrowbandCodec::conceal(std::span<std::int16_t> pcm, std::span<const std::uint8_t>) {
  const auto narrow = std::span(narrow_).first(kNarrowFrameSamples);
  conceal_narrow(narrow);
  up_.process(narrow, pcm.first(kFrameSamples));
}

}  // namespace parley::media::codec
