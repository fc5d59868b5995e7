#pragma once
// SessionDescription -> SDP text with CRLF line ends, fields in RFC 8866 s5 order.
#include <string>

#include "media/sdp/session_description.hpp"

namespace parley::media::sdp {

std::string write_sdp(const SessionDescription& sdp);

}  // namespace parley::media::sdp
