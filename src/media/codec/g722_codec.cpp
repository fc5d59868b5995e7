#include "media/codec/g722_codec.hpp"

#include <spandsp.h>

#include "media/audio_format.hpp"

namespace parley::media::codec {
namespace {

constexpr int kBitRate = 64000;  // mode 1: 8 bits per pair of samples

}  // namespace

void G722Codec::EncoderDeleter::operator()(g722_encode_state_s* state) const noexcept { g722_encode_free(state); }
void G722Codec::DecoderDeleter::operator()(g722_decode_state_s* state) const noexcept { g722_decode_free(state); }

core::Result<std::unique_ptr<Codec>> G722Codec::create(int payload_type) {
  std::unique_ptr<G722Codec> codec(new G722Codec(payload_type));
  if (!codec->encoder_ || !codec->decoder_) return core::fail(core::Errc::internal, "spandsp g722 init failed");
  return std::unique_ptr<Codec>(std::move(codec));
}

G722Codec::G722Codec(int payload_type)
    : info_{"G722", payload_type, 8000, 1, 160, kFrameSamples / 2},
      encoder_(g722_encode_init(nullptr, kBitRate, 0)),
      decoder_(g722_decode_init(nullptr, kBitRate, 0)) {}

G722Codec::~G722Codec() = default;

CodecResult<std::size_t> G722Codec::encode(std::span<const std::int16_t> pcm, std::span<std::uint8_t> payload) {
  if (pcm.size() != kFrameSamples) return std::unexpected(CodecError::bad_frame_length);
  if (payload.size() < info_.max_payload_bytes) return std::unexpected(CodecError::output_too_small);
  const int bytes = g722_encode(encoder_.get(), payload.data(), pcm.data(), static_cast<int>(pcm.size()));
  if (bytes < 0) return std::unexpected(CodecError::codec_failure);
  return static_cast<std::size_t>(bytes);
}

CodecResult<std::size_t> G722Codec::decode(std::span<const std::uint8_t> payload, std::span<std::int16_t> pcm) {
  if (payload.empty() || payload.size() * 2 > kMaxPacketSamples) return std::unexpected(CodecError::bad_payload);
  if (pcm.size() < payload.size() * 2) return std::unexpected(CodecError::output_too_small);
  const int samples = g722_decode(decoder_.get(), pcm.data(), payload.data(), static_cast<int>(payload.size()));
  if (samples < 0) return std::unexpected(CodecError::codec_failure);
  plc_.observe(pcm.first(static_cast<std::size_t>(samples)));
  return static_cast<std::size_t>(samples);
}

void G722Codec::conceal(std::span<std::int16_t> pcm, std::span<const std::uint8_t>) {
  plc_.fill(pcm.first(kFrameSamples));
}

}  // namespace parley::media::codec
