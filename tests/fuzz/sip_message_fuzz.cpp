// libFuzzer target: the SIP parser, every accessor and the serializer must never crash or
// read out of bounds, and a successful parse must survive a rewrite/parse round trip.
#include <cstddef>
#include <cstdint>
#include <string>
#include <string_view>

#include "sip/auth/digest.hpp"
#include "sip/message/builder.hpp"
#include "sip/message/parser.hpp"

namespace {

// A re-serialized message may legitimately outgrow the parser limits (compact names expand).
bool reparsed(std::string_view text) {
  auto m = parley::sip::parse_message(text, parley::sip::Framing::stream);
  if (m) return true;
  const auto code = m.error().code;
  return code == parley::sip::ParseErrc::too_large || code == parley::sip::ParseErrc::header_too_long;
}

void touch_accessors(const parley::sip::Message& m) {
  using parley::sip::HeaderId;
  (void)m.top_via().branch();
  (void)m.top_via().rport();
  (void)m.top_via().ttl();
  (void)m.from().tag();
  (void)m.to().tag();
  (void)parley::sip::unquote(m.from().display_name);
  (void)parley::sip::unescape(m.request_uri().user);
  (void)m.request_uri().headers.size();
  (void)m.vias();
  if (auto contacts = m.contacts()) {
    for (const auto& c : *contacts) {
      (void)c.expires();
      (void)c.q();
    }
  }
  (void)m.routes();
  (void)m.record_routes();
  (void)m.refer_to();
  (void)m.content_type();
  (void)m.expires();
  (void)m.min_se();
  (void)m.session_expires();
  (void)m.event();
  for (HeaderId id : {HeaderId::require, HeaderId::supported, HeaderId::allow}) (void)m.tokens(id);
  for (HeaderId id : {HeaderId::authorization, HeaderId::www_authenticate}) {
    if (auto auth = m.auth(id)) {
      for (const auto& a : *auth) (void)parley::sip::auth::parse_credentials(a.params_text());
    }
  }
  for (const auto& h : m.headers()) (void)parley::sip::auth::parse_challenge(h.value);
  (void)parley::sip::validate(m);
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  const std::string_view input(reinterpret_cast<const char*>(data), size);
  for (auto framing : {parley::sip::Framing::datagram, parley::sip::Framing::stream}) {
    auto m = parley::sip::parse_message(input, framing);
    if (!m) {
      if (m.error().can_respond) {
        auto response = parley::sip::make_error_response(input, m.error());
        if (response && !reparsed(*response)) __builtin_trap();
      }
      continue;
    }
    touch_accessors(*m);
    const std::string out = parley::sip::rewrite(*m, {});
    if (!reparsed(out)) __builtin_trap();
    auto again = parley::sip::parse_message(out, parley::sip::Framing::stream);
    if (again && (again->body() != m->body() || again->call_id() != m->call_id())) __builtin_trap();
    if (m->is_request()) (void)parley::sip::make_response(*m, 200, "OK", "tag");
  }
  return 0;
}
