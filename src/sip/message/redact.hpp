#pragma once
// A copy of a raw SIP message that is safe to store and show in SIP traces (issue 3 item 9).
// Works on bytes, so malformed messages are redacted too:
//   - Authorization / Proxy-Authorization (RFC 3261 s20.7, s20.28): the digest response and
//     everything else that could help recover the password is replaced; username, realm, uri,
//     algorithm and qop stay, because they are what a failing registration is debugged with.
//     Other schemes keep only their name.
//   - passwords in SIP URIs, "sip:user:password@host" (RFC 3261 s19.1.1, deprecated but legal);
//   - SDES keys in SDP, "a=crypto:... inline:<key>" (RFC 4568 s6.1), and "a=key-mgmt:" (RFC 4567).
#include <string>
#include <string_view>

namespace parley::sip {

inline constexpr std::string_view kRedacted = "[redacted]";

std::string redact_credentials(std::string_view message);

}  // namespace parley::sip
