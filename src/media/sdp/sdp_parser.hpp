#pragma once
// SDP text -> SessionDescription (RFC 8866 s5, s9 grammar). Malformed input yields an error naming the line.
#include <string_view>

#include "core/error.hpp"
#include "media/sdp/session_description.hpp"

namespace parley::media::sdp {

// Accepts CRLF or bare LF line ends. Errors are Errc::invalid_argument with "line N: ..." messages.
core::Result<SessionDescription> parse_sdp(std::string_view text);

}  // namespace parley::media::sdp
