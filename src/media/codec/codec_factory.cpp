#include "media/codec/codec_factory.hpp"

#include "media/codec/g711_codec.hpp"
#include "media/codec/g722_codec.hpp"
#include "media/codec/g729_codec.hpp"
#include "media/codec/opus_codec.hpp"
#include "media/detail/text.hpp"
#include "media/sdp/rtp_map.hpp"

namespace parley::media::codec {

core::Result<std::unique_ptr<Codec>> make_codec(std::string_view name, int payload_type, std::string_view fmtp) {
  using detail::G711Law;
  using media::detail::iequals;
  if (iequals(name, "PCMU")) return G711Codec::create(G711Law::mu, payload_type);
  if (iequals(name, "PCMA")) return G711Codec::create(G711Law::a, payload_type);
  if (iequals(name, "G722")) return G722Codec::create(payload_type);
  if (iequals(name, "G729")) return G729Codec::create(payload_type);
  if (iequals(name, "opus")) return OpusCodec::create(payload_type, opus_settings_from_fmtp(fmtp));
  return core::fail(core::Errc::unsupported, "no codec named '" + std::string(name) + "'", "codec");
}

core::Result<std::unique_ptr<Codec>> make_codec(int static_payload_type) {
  const auto map = sdp::static_rtp_map(static_payload_type);
  if (!map) {
    return core::fail(core::Errc::unsupported, "payload type " + std::to_string(static_payload_type) + " is not static",
                      "codec");
  }
  return make_codec(map->encoding, static_payload_type);
}

core::Result<std::unique_ptr<Codec>> make_codec(const sdp::NegotiatedCodec& negotiated) {
  return make_codec(negotiated.name, negotiated.payload_type, negotiated.fmtp);
}

}  // namespace parley::media::codec
