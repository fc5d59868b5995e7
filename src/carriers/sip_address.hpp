#pragma once
// Where carriers send calls for Parley: the SIP URI put in TwiML/Plivo XML/ExoML and in Twilio
// origination URLs. Host: public_ip, else the SIP listen address when it is a concrete one, else
// the host of public_url (or of the webhook request), so a default configuration still answers
// with an address the carrier can reach if the HTTP host is public.
#include <cstdint>
#include <string>
#include <string_view>

#include "core/config.hpp"

namespace parley::carriers {

struct SipAddress {
  std::string host;  // IPv6 in brackets
  std::uint16_t port = 5060;

  std::string uri(std::string_view user = {}) const;            // sip:user@host:port
  std::string uri_with_password(std::string_view user, std::string_view password) const;  // sip:user:pass@host:port
};

// `fallback_host`: a host (optionally with :port, which is dropped) used when nothing is configured.
SipAddress sip_address(const core::Config& config, std::string_view fallback_host);

}  // namespace parley::carriers
