#include "media/codec/g711_codec.hpp"

namespace parley::media::codec {

core::Result<std::unique_ptr<Codec>> G711Codec::create(Law law, int payload_type) {
  auto down = dsp::Resampler::create(kSampleRate, 8000);
  auto up = dsp::Resampler::create(8000, kSampleRate);
  if (!down) return std::unexpected(down.error());
  if (!up) return std::unexpected(up.error());
  return std::unique_ptr<Codec>(new G711Codec(law, payload_type, std::move(*down), std::move(*up)));
}

G711Codec::G711Codec(Law law, int payload_type, dsp::Resampler down, dsp::Resampler up)
    : NarrowbandCodec(std::move(down), std::move(up)),
      law_(law),
      info_{law == Law::mu ? "PCMU" : "PCMA", payload_type, 8000, 1, 160, kNarrowFrameSamples} {}

CodecResult<std::size_t> G711Codec::encode_narrow(std::span<const std::int16_t> pcm8k, std::span<std::uint8_t> payload) {
  if (payload.size() < pcm8k.size()) return std::unexpected(CodecError::output_too_small);
  detail::g711_encode(law_, pcm8k, payload);
  return pcm8k.size();  // RFC 3551 s4.5.14: one octet per sample
}

CodecResult<std::size_t> G711Codec::decode_narrow(std::span<const std::uint8_t> payload, std::span<std::int16_t> pcm8k) {
  if (payload.empty() || payload.size() > pcm8k.size()) return std::unexpected(CodecError::bad_payload);
  detail::g711_decode(law_, payload, pcm8k);
  plc_.observe(pcm8k.first(payload.size()));
  return payload.size();
}

void G711Codec::conceal_narrow(std::span<std::int16_t> pcm8k) { plc_.fill(pcm8k); }

}  // namespace parley::media::codec
