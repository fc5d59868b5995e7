#include "media/codec/opus_codec.hpp"

#include <opus.h>

#include <algorithm>

#include "media/audio_format.hpp"
#include "media/detail/text.hpp"

namespace parley::media::codec {
namespace {

constexpr std::size_t kMaxOpusPacket = 1275;  // RFC 6716 s3.2.1
constexpr std::size_t kDtxPacketMax = 2;      // RFC 7587 s3.1.3: packets this small need not be sent

}  // namespace

OpusSettings opus_settings_from_fmtp(std::string_view fmtp) {
  OpusSettings settings;
  for (auto parameter : media::detail::split(fmtp, ';')) {
    const auto [name, value] = media::detail::split_once(media::detail::trim(parameter), '=');
    if (name == "maxaveragebitrate") {
      // RFC 7587 s6.1: 6000-510000 bit/s.
      if (auto rate = media::detail::parse_number<int>(value); rate && *rate >= 6000 && *rate <= 510000) {
        settings.bitrate = *rate;
      }
    } else if (name == "usedtx") {
      settings.dtx = value == "1";
    }
  }
  return settings;
}

void OpusCodec::EncoderDeleter::operator()(OpusEncoder* encoder) const noexcept { opus_encoder_destroy(encoder); }
void OpusCodec::DecoderDeleter::operator()(OpusDecoder* decoder) const noexcept { opus_decoder_destroy(decoder); }

core::Result<std::unique_ptr<Codec>> OpusCodec::create(int payload_type, const OpusSettings& settings) {
  int error = OPUS_OK;
  OpusEncoder* encoder = opus_encoder_create(kSampleRate, 1, OPUS_APPLICATION_VOIP, &error);
  if (error != OPUS_OK) return core::fail(core::Errc::internal, std::string("opus encoder: ") + opus_strerror(error));
  OpusDecoder* decoder = opus_decoder_create(kSampleRate, 1, &error);
  std::unique_ptr<OpusCodec> codec(new OpusCodec(payload_type, settings.dtx, encoder, decoder));
  if (error != OPUS_OK) return core::fail(core::Errc::internal, std::string("opus decoder: ") + opus_strerror(error));
  opus_encoder_ctl(encoder, OPUS_SET_BITRATE(settings.bitrate));
  opus_encoder_ctl(encoder, OPUS_SET_INBAND_FEC(1));
  opus_encoder_ctl(encoder, OPUS_SET_PACKET_LOSS_PERC(settings.expected_loss_percent));
  opus_encoder_ctl(encoder, OPUS_SET_DTX(settings.dtx ? 1 : 0));
  opus_encoder_ctl(encoder, OPUS_SET_SIGNAL(OPUS_SIGNAL_VOICE));
  return std::unique_ptr<Codec>(std::move(codec));
}

OpusCodec::OpusCodec(int payload_type, bool dtx, OpusEncoder* encoder, OpusDecoder* decoder)
    : info_{"opus", payload_type, 48000, 2, 960, kMaxOpusPacket}, dtx_(dtx), encoder_(encoder), decoder_(decoder) {}

OpusCodec::~OpusCodec() = default;

CodecResult<std::size_t> OpusCodec::encode(std::span<const std::int16_t> pcm, std::span<std::uint8_t> payload) {
  if (pcm.size() != kFrameSamples) return std::unexpected(CodecError::bad_frame_length);
  const int bytes = opus_encode(encoder_.get(), pcm.data(), static_cast<int>(pcm.size()), payload.data(),
                                static_cast<opus_int32>(payload.size()));
  if (bytes == OPUS_BUFFER_TOO_SMALL) return std::unexpected(CodecError::output_too_small);
  if (bytes < 0) return std::unexpected(CodecError::codec_failure);
  if (dtx_ && static_cast<std::size_t>(bytes) <= kDtxPacketMax) return std::size_t{0};
  return static_cast<std::size_t>(bytes);
}

CodecResult<std::size_t> OpusCodec::decode(std::span<const std::uint8_t> payload, std::span<std::int16_t> pcm) {
  if (payload.empty()) return std::unexpected(CodecError::bad_payload);
  const int samples = opus_decode(decoder_.get(), payload.data(), static_cast<opus_int32>(payload.size()), pcm.data(),
                                  static_cast<int>(pcm.size()), 0);
  if (samples == OPUS_BUFFER_TOO_SMALL) return std::unexpected(CodecError::output_too_small);
  if (samples < 0) return std::unexpected(CodecError::bad_payload);
  return static_cast<std::size_t>(samples);
}

void OpusCodec::conceal(std::span<std::int16_t> pcm, std::span<const std::uint8_t> next_payload) {
  const auto frame = pcm.first(kFrameSamples);
  // RFC 6716 s2.1.7 / opus_decode(): decode_fec=1 rebuilds the previous frame from the next packet's LBRR data.
  const bool fec = !next_payload.empty();
  const int samples = opus_decode(decoder_.get(), fec ? next_payload.data() : nullptr,
                                  fec ? static_cast<opus_int32>(next_payload.size()) : 0, frame.data(),
                                  static_cast<int>(frame.size()), fec ? 1 : 0);
  if (samples < static_cast<int>(frame.size())) {
    std::fill(frame.begin() + std::max(samples, 0), frame.end(), std::int16_t{0});
  }
}

}  // namespace parley::media::codec
