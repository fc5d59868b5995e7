#include "media/codec/g729_codec.hpp"

extern "C" {
#include <bcg729/decoder.h>
#include <bcg729/encoder.h>
}

namespace parley::media::codec {
namespace {

constexpr std::size_t kSubframeSamples = 80;  // 10 ms at 8 kHz
constexpr std::size_t kSubframeBytes = 10;    // RFC 3551 s4.5.6
constexpr std::size_t kSidBytes = 2;          // G.729 Annex B comfort-noise frame

}  // namespace

void G729Codec::EncoderDeleter::operator()(bcg729EncoderChannelContextStruct_struct* context) const noexcept {
  closeBcg729EncoderChannel(context);
}

void G729Codec::DecoderDeleter::operator()(bcg729DecoderChannelContextStruct_struct* context) const noexcept {
  closeBcg729DecoderChannel(context);
}

core::Result<std::unique_ptr<Codec>> G729Codec::create(int payload_type) {
  auto down = dsp::Resampler::create(kSampleRate, 8000);
  auto up = dsp::Resampler::create(8000, kSampleRate);
  if (!down) return std::unexpected(down.error());
  if (!up) return std::unexpected(up.error());
  std::unique_ptr<G729Codec> codec(new G729Codec(payload_type, std::move(*down), std::move(*up)));
  if (!codec->encoder_ || !codec->decoder_) return core::fail(core::Errc::internal, "bcg729 channel init failed");
  return std::unique_ptr<Codec>(std::move(codec));
}

G729Codec::G729Codec(int payload_type, dsp::Resampler down, dsp::Resampler up)
    : NarrowbandCodec(std::move(down), std::move(up)),
      info_{"G729", payload_type, 8000, 1, 160, 2 * kSubframeBytes},
      encoder_(initBcg729EncoderChannel(0)),
      decoder_(initBcg729DecoderChannel()) {}

G729Codec::~G729Codec() = default;

CodecResult<std::size_t> G729Codec::encode_narrow(std::span<const std::int16_t> pcm8k, std::span<std::uint8_t> payload) {
  const std::size_t frames = pcm8k.size() / kSubframeSamples;
  if (payload.size() < frames * kSubframeBytes) return std::unexpected(CodecError::output_too_small);
  std::size_t written = 0;
  for (std::size_t i = 0; i < frames; ++i) {
    std::uint8_t length = 0;
    bcg729Encoder(encoder_.get(), pcm8k.data() + i * kSubframeSamples, payload.data() + written, &length);
    written += length;
  }
  return written;
}

CodecResult<std::size_t> G729Codec::decode_narrow(std::span<const std::uint8_t> payload, std::span<std::int16_t> pcm8k) {
  // RFC 3551 s4.5.6: N 10-octet frames, optionally followed by one 2-octet SID frame.
  const std::size_t frames = payload.size() / kSubframeBytes;
  const std::size_t rest = payload.size() % kSubframeBytes;
  if ((rest != 0 && rest != kSidBytes) || payload.empty()) return std::unexpected(CodecError::bad_payload);
  const std::size_t total = frames + (rest ? 1 : 0);
  if (total * kSubframeSamples > pcm8k.size()) return std::unexpected(CodecError::bad_payload);
  for (std::size_t i = 0; i < total; ++i) {
    const bool sid = i == frames;
    bcg729Decoder(decoder_.get(), payload.data() + i * kSubframeBytes,
                  static_cast<std::uint8_t>(sid ? kSidBytes : kSubframeBytes), 0, sid ? 1 : 0, 0,
                  pcm8k.data() + i * kSubframeSamples);
  }
  return total * kSubframeSamples;
}

void G729Codec::conceal_narrow(std::span<std::int16_t> pcm8k) {
  // G.729 s4.4: the decoder's own frame erasure concealment.
  for (std::size_t i = 0; i + kSubframeSamples <= pcm8k.size(); i += kSubframeSamples) {
    bcg729Decoder(decoder_.get(), nullptr, 0, 1, 0, 0, pcm8k.data() + i);
  }
}

}  // namespace parley::media::codec
