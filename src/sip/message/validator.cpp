#include "sip/message/detail/scan.hpp"
#include "sip/message/parser.hpp"

namespace parley::sip {
namespace {

// Turns any structured accessor result into a pass/fail.
template <class T>
ParseResult<void> check(const ParseResult<T>& r) {
  if (!r) return std::unexpected(r.error());
  return {};
}

}  // namespace

ParseResult<void> validate(const Message& m) {
  const ParseResult<void> checks[] = {
      check(m.vias()),
      check(m.contacts()),
      check(m.routes()),
      check(m.record_routes()),
      check(m.refer_to()),
      check(m.content_type()),
      check(m.expires()),
      check(m.min_se()),
      check(m.session_expires()),
      check(m.event()),
      check(m.tokens(HeaderId::require)),
      check(m.tokens(HeaderId::proxy_require)),
      check(m.tokens(HeaderId::supported)),
      check(m.tokens(HeaderId::unsupported)),
      check(m.tokens(HeaderId::allow)),
      check(m.auth(HeaderId::authorization)),
      check(m.auth(HeaderId::proxy_authorization)),
      check(m.auth(HeaderId::www_authenticate)),
      check(m.auth(HeaderId::proxy_authenticate)),
  };
  for (const auto& c : checks) {
    if (!c) return c;
  }
  // Date must be an RFC 1123 date in GMT (RFC 3261 s20.17, RFC 4475 s3.1.2.12).
  if (const Header* date = m.find(HeaderId::date); date != nullptr && !valid_date(date->value)) {
    return std::unexpected(ParseError{ParseErrc::bad_header_value, false, header_name(HeaderId::date)});
  }
  return {};
}

}  // namespace parley::sip
