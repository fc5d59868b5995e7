#pragma once
// Builds the Codec for a negotiated payload: by encoding name, or by static payload type (RFC 3551 s6).
#include <memory>
#include <string_view>

#include "core/error.hpp"
#include "media/codec/codec.hpp"
#include "media/sdp/negotiated_media.hpp"

namespace parley::media::codec {

// Names compare case-insensitively: PCMU, PCMA, G722, opus, G729. Errc::unsupported for anything else.
core::Result<std::unique_ptr<Codec>> make_codec(std::string_view name, int payload_type, std::string_view fmtp = {});
// Static payload types 0, 8, 9 and 18.
core::Result<std::unique_ptr<Codec>> make_codec(int static_payload_type);
core::Result<std::unique_ptr<Codec>> make_codec(const sdp::NegotiatedCodec& negotiated);

}  // namespace parley::media::codec
