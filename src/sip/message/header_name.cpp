#include "sip/message/header_name.hpp"

#include <array>

#include "sip/message/detail/scan.hpp"

namespace parley::sip {
namespace {

struct Entry {
  std::string_view name;
  HeaderId id;
};

// Long forms (RFC 3261 s20 and the extension RFCs named beside them).
constexpr std::array kLong{
    Entry{"Accept", HeaderId::accept},
    Entry{"Accept-Contact", HeaderId::accept_contact},  // RFC 3841
    Entry{"Accept-Encoding", HeaderId::accept_encoding},
    Entry{"Accept-Language", HeaderId::accept_language},
    Entry{"Alert-Info", HeaderId::alert_info},
    Entry{"Allow", HeaderId::allow},
    Entry{"Allow-Events", HeaderId::allow_events},  // RFC 6665
    Entry{"Authentication-Info", HeaderId::authentication_info},
    Entry{"Authorization", HeaderId::authorization},
    Entry{"Call-ID", HeaderId::call_id},
    Entry{"Call-Info", HeaderId::call_info},
    Entry{"Contact", HeaderId::contact},
    Entry{"Content-Disposition", HeaderId::content_disposition},
    Entry{"Content-Encoding", HeaderId::content_encoding},
    Entry{"Content-Language", HeaderId::content_language},
    Entry{"Content-Length", HeaderId::content_length},
    Entry{"Content-Type", HeaderId::content_type},
    Entry{"CSeq", HeaderId::cseq},
    Entry{"Date", HeaderId::date},
    Entry{"Error-Info", HeaderId::error_info},
    Entry{"Event", HeaderId::event},  // RFC 6665
    Entry{"Expires", HeaderId::expires},
    Entry{"From", HeaderId::from},
    Entry{"Identity", HeaderId::identity},            // RFC 8224
    Entry{"Identity-Info", HeaderId::identity_info},  // RFC 4474
    Entry{"In-Reply-To", HeaderId::in_reply_to},
    Entry{"Max-Forwards", HeaderId::max_forwards},
    Entry{"Min-Expires", HeaderId::min_expires},
    Entry{"Min-SE", HeaderId::min_se},  // RFC 4028
    Entry{"MIME-Version", HeaderId::mime_version},
    Entry{"Organization", HeaderId::organization},
    Entry{"P-Asserted-Identity", HeaderId::p_asserted_identity},  // RFC 3325
    Entry{"Path", HeaderId::path},                                // RFC 3327
    Entry{"Priority", HeaderId::priority},
    Entry{"Privacy", HeaderId::privacy},  // RFC 3323
    Entry{"Proxy-Authenticate", HeaderId::proxy_authenticate},
    Entry{"Proxy-Authorization", HeaderId::proxy_authorization},
    Entry{"Proxy-Require", HeaderId::proxy_require},
    Entry{"RAck", HeaderId::rack},  // RFC 3262
    Entry{"Reason", HeaderId::reason},  // RFC 3326
    Entry{"Record-Route", HeaderId::record_route},
    Entry{"Refer-To", HeaderId::refer_to},        // RFC 3515
    Entry{"Referred-By", HeaderId::referred_by},  // RFC 3892
    Entry{"Reject-Contact", HeaderId::reject_contact},
    Entry{"Reply-To", HeaderId::reply_to},
    Entry{"Request-Disposition", HeaderId::request_disposition},
    Entry{"Require", HeaderId::require},
    Entry{"Retry-After", HeaderId::retry_after},
    Entry{"Route", HeaderId::route},
    Entry{"RSeq", HeaderId::rseq},
    Entry{"Server", HeaderId::server},
    Entry{"Session-Expires", HeaderId::session_expires},  // RFC 4028
    Entry{"Subject", HeaderId::subject},
    Entry{"Subscription-State", HeaderId::subscription_state},
    Entry{"Supported", HeaderId::supported},
    Entry{"Timestamp", HeaderId::timestamp},
    Entry{"To", HeaderId::to},
    Entry{"Unsupported", HeaderId::unsupported},
    Entry{"User-Agent", HeaderId::user_agent},
    Entry{"Via", HeaderId::via},
    Entry{"Warning", HeaderId::warning},
    Entry{"WWW-Authenticate", HeaderId::www_authenticate},
};

// Compact forms (RFC 3261 s7.3.3 and the IANA SIP header registry).
constexpr HeaderId compact(char c) noexcept {
  switch (detail::ascii_lower(c)) {
    case 'a': return HeaderId::accept_contact;
    case 'b': return HeaderId::referred_by;
    case 'c': return HeaderId::content_type;
    case 'd': return HeaderId::request_disposition;
    case 'e': return HeaderId::content_encoding;
    case 'f': return HeaderId::from;
    case 'i': return HeaderId::call_id;
    case 'j': return HeaderId::reject_contact;
    case 'k': return HeaderId::supported;
    case 'l': return HeaderId::content_length;
    case 'm': return HeaderId::contact;
    case 'n': return HeaderId::identity_info;
    case 'o': return HeaderId::event;
    case 'r': return HeaderId::refer_to;
    case 's': return HeaderId::subject;
    case 't': return HeaderId::to;
    case 'u': return HeaderId::allow_events;
    case 'v': return HeaderId::via;
    case 'x': return HeaderId::session_expires;
    case 'y': return HeaderId::identity;
    default: return HeaderId::other;
  }
}

}  // namespace

HeaderId header_id(std::string_view name) noexcept {
  if (name.size() == 1) return compact(name[0]);
  const char first = detail::ascii_lower(name.empty() ? '\0' : name[0]);
  for (const Entry& e : kLong) {
    if (e.name.size() == name.size() && detail::ascii_lower(e.name[0]) == first && detail::iequals(e.name, name)) {
      return e.id;
    }
  }
  return HeaderId::other;
}

std::string_view header_name(HeaderId id) noexcept {
  for (const Entry& e : kLong) {
    if (e.id == id) return e.name;
  }
  return {};
}

}  // namespace parley::sip
