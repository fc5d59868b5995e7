#pragma once
// DTMF carried in SIP INFO (trunks with dtmf_mode sip_info): the de-facto `application/dtmf-relay`
// body ("Signal=5\r\nDuration=160") and the plain `application/dtmf` body ("5").
#include <optional>
#include <string>
#include <string_view>

#include "media/dtmf/dtmf_event.hpp"

namespace parley::call {

// nullopt for other content types or a body without one valid digit (the INFO is still answered 200).
std::optional<media::dtmf::Dtmf> parse_info_dtmf(std::string_view content_type, std::string_view body);

// The application/dtmf-relay body that sends `digit`.
std::string info_dtmf_body(char digit, int duration_ms);

}  // namespace parley::call
