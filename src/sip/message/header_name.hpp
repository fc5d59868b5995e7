#pragma once
// Header field names: ids for the headers the stack knows, long and compact forms (RFC 3261 s7.3.3, s20).
#include <cstdint>
#include <string_view>

namespace parley::sip {

enum class HeaderId : std::uint8_t {
  other,  // unknown extension header, kept verbatim under its own name
  accept, accept_contact, accept_encoding, accept_language, alert_info, allow, allow_events,
  authentication_info, authorization, call_id, call_info, contact, content_disposition,
  content_encoding, content_language, content_length, content_type, cseq, date, error_info,
  event, expires, from, identity, identity_info, in_reply_to, max_forwards, min_expires, min_se,
  mime_version, organization, p_asserted_identity, path, priority, privacy, proxy_authenticate,
  proxy_authorization, proxy_require, rack, reason, record_route, refer_to, referred_by,
  reject_contact, reply_to, request_disposition, require, retry_after, route, rseq, server,
  session_expires, subject, subscription_state, supported, timestamp, to, unsupported,
  user_agent, via, warning, www_authenticate,
};

// Case-insensitive lookup of a long or compact name; HeaderId::other when unknown.
HeaderId header_id(std::string_view name) noexcept;

// Canonical long-form spelling ("Call-ID", "WWW-Authenticate"); empty for HeaderId::other.
std::string_view header_name(HeaderId id) noexcept;

}  // namespace parley::sip
