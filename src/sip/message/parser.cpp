#include "sip/message/parser.hpp"

#include "sip/message/detail/lenient.hpp"
#include "sip/message/detail/list.hpp"
#include "sip/message/detail/scan.hpp"
#include "sip/message/limits.hpp"

namespace parley::sip {

class MessageParser {
 public:
  static ParseResult<Message> parse(std::string_view data, Framing framing, bool lenient);

 private:
  static std::optional<ParseErrc> parse_start_line(Message& m);
};

namespace {

std::unexpected<ParseError> fail(ParseErrc code, bool can_respond = false) {
  return std::unexpected(ParseError{code, can_respond});
}

// SIP-Version = "SIP" "/" 1*DIGIT "." 1*DIGIT (RFC 3261 s25.1); only 2.0 is spoken (s7.1).
std::optional<ParseErrc> check_version(std::string_view v) {
  if (detail::iequals(v, "SIP/2.0")) return std::nullopt;
  if (v.size() < 7 || !detail::iequals(v.substr(0, 4), "SIP/")) return ParseErrc::bad_start_line;
  const std::string_view num = v.substr(4);
  const auto dot = num.find('.');
  if (dot == std::string_view::npos || !detail::parse_uint(num.substr(0, dot), 999) ||
      !detail::parse_uint(num.substr(dot + 1), 999)) {
    return ParseErrc::bad_start_line;
  }
  return ParseErrc::bad_version;
}

}  // namespace

std::optional<ParseErrc> MessageParser::parse_start_line(Message& m) {
  const std::string_view line = m.start_line_;
  const auto sp1 = line.find(' ');
  if (sp1 == std::string_view::npos) return ParseErrc::bad_start_line;
  if (detail::iequals(line.substr(0, 4), "SIP/")) {
    // Status-Line = SIP-Version SP Status-Code SP Reason-Phrase (RFC 3261 s7.2)
    if (auto e = check_version(line.substr(0, sp1))) return e;
    const std::string_view rest = line.substr(sp1 + 1);
    if (rest.size() < 3 || (rest.size() > 3 && rest[3] != ' ')) return ParseErrc::bad_status_code;
    auto code = detail::parse_uint(rest.substr(0, 3), 699);
    if (!code || *code < 100) return ParseErrc::bad_status_code;
    m.status_ = static_cast<int>(*code);
    m.reason_ = rest.size() > 4 ? rest.substr(4) : std::string_view{};
    return std::nullopt;
  }
  // Request-Line = Method SP Request-URI SP SIP-Version (RFC 3261 s7.1): single SPs only.
  const auto sp2 = line.find(' ', sp1 + 1);
  if (sp2 == std::string_view::npos) return ParseErrc::bad_start_line;
  m.method_ = line.substr(0, sp1);
  const std::string_view uri_text = line.substr(sp1 + 1, sp2 - sp1 - 1);
  if (!detail::is_token(m.method_) || uri_text.empty()) return ParseErrc::bad_start_line;
  if (auto e = check_version(line.substr(sp2 + 1))) return e;
  auto uri = parse_uri(uri_text);
  // RFC 3261 s19.1.1 table 1: no URI headers in a Request-URI (RFC 4475 s3.1.2.11).
  if (!uri || (uri->is_sip() && !uri->headers.empty())) return ParseErrc::bad_request_uri;
  m.request_uri_ = *uri;
  return std::nullopt;
}

ParseResult<Message> MessageParser::parse(std::string_view data, Framing framing, bool lenient) {
  if (data.size() > kMaxMessageSize) return fail(ParseErrc::too_large);
  std::size_t pos = 0;
  while (data.substr(pos, 2) == "\r\n") pos += 2;  // RFC 3261 s7.5: ignore leading CRLFs
  const std::size_t begin = pos;
  Message m;
  std::size_t eol = data.find("\r\n", pos);
  if (eol == std::string_view::npos) return fail(ParseErrc::incomplete);
  m.start_line_ = data.substr(pos, eol - pos);
  pos = eol + 2;

  // Header fields, unfolding continuation lines in place (RFC 3261 s7.3.1).
  m.headers_.reserve(kTypicalHeaderCount);
  for (;;) {
    if (data.size() - pos < 2) return fail(ParseErrc::incomplete);
    if (data[pos] == '\r' && data[pos + 1] == '\n') {
      pos += 2;
      break;
    }
    if (data[pos] == ' ' || data[pos] == '\t') return fail(ParseErrc::bad_header);
    const std::size_t line_begin = pos;
    std::size_t end = data.find("\r\n", pos);
    while (end != std::string_view::npos && end + 2 < data.size() && (data[end + 2] == ' ' || data[end + 2] == '\t')) {
      if (end - line_begin > kMaxHeaderLineLength) return fail(ParseErrc::header_too_long);
      end = data.find("\r\n", end + 2);
    }
    if (end == std::string_view::npos || end + 2 >= data.size()) return fail(ParseErrc::incomplete);
    if (end - line_begin > kMaxHeaderLineLength) return fail(ParseErrc::header_too_long);
    const std::string_view line = data.substr(line_begin, end - line_begin);
    pos = end + 2;
    const auto colon = line.find(':');
    if (colon == std::string_view::npos) return fail(ParseErrc::bad_header);
    const std::string_view name = detail::trim(line.substr(0, colon));  // HCOLON
    if (!detail::is_token(name)) return fail(ParseErrc::bad_header);
    if (m.headers_.size() >= kMaxHeaderCount) return fail(ParseErrc::too_many_headers);
    m.headers_.push_back(Header{header_id(name), name, detail::trim(line.substr(colon + 1))});
  }
  const std::size_t body_begin = pos;

  const auto start_error = parse_start_line(m);
  const bool request = !detail::iequals(m.start_line_.substr(0, 4), "SIP/");

  const Header* via = nullptr;
  const Header* from = nullptr;
  const Header* to = nullptr;
  const Header* call_id = nullptr;
  const Header* cseq = nullptr;
  const Header* max_forwards = nullptr;
  const Header* content_length = nullptr;
  bool duplicate = false;
  auto first = [&duplicate](const Header*& slot, const Header& h) {
    duplicate = duplicate || slot != nullptr;
    if (slot == nullptr) slot = &h;
  };
  for (const Header& h : m.headers_) {
    switch (h.id) {
      case HeaderId::via: if (via == nullptr) via = &h; break;
      case HeaderId::from: first(from, h); break;
      case HeaderId::to: first(to, h); break;
      case HeaderId::call_id: first(call_id, h); break;
      case HeaderId::cseq: first(cseq, h); break;
      case HeaderId::max_forwards: first(max_forwards, h); break;
      case HeaderId::content_length: first(content_length, h); break;
      default: break;
    }
  }

  bool via_ok = false;
  if (via != nullptr) {
    std::string_view rest = via->value;
    std::string_view element;
    bool bad = false;
    if (detail::next_element(rest, element, bad)) {
      if (auto v = parse_via(element)) {
        m.top_via_ = *v;
        via_ok = true;
      }
    }
  }
  auto name_addr = [](const Header* h, NameAddr& out) {
    if (h == nullptr) return false;
    auto na = parse_name_addr(h->value);
    if (na) out = *na;
    return na.has_value();
  };
  const bool from_ok = name_addr(from, m.from_);
  const bool to_ok = name_addr(to, m.to_);
  const bool call_id_ok = call_id != nullptr && valid_call_id(call_id->value);
  if (call_id_ok) m.call_id_ = call_id->value;
  bool cseq_ok = false;
  if (cseq != nullptr) {
    if (auto c = parse_cseq(cseq->value)) {
      m.cseq_ = *c;
      cseq_ok = true;
    }
  }
  const bool can = request && via_ok && from_ok && to_ok && call_id_ok && cseq_ok;

  if (start_error && !lenient) return fail(*start_error, can);
  if (!via_ok) return fail(via == nullptr ? ParseErrc::missing_via : ParseErrc::bad_via);
  if (!from_ok) return fail(from == nullptr ? ParseErrc::missing_from : ParseErrc::bad_from);
  if (!to_ok) return fail(to == nullptr ? ParseErrc::missing_to : ParseErrc::bad_to);
  if (!call_id_ok) return fail(call_id == nullptr ? ParseErrc::missing_call_id : ParseErrc::bad_call_id);
  if (!cseq_ok) return fail(cseq == nullptr ? ParseErrc::missing_cseq : ParseErrc::bad_cseq);
  if (lenient) {
    m.wire_ = data.substr(begin);
    return m;
  }
  // RFC 3261 s8.1.1.5: the CSeq method matches the request method (RFC 4475 s3.1.2.17-18).
  if (request && m.cseq_.method != m.method_) return fail(ParseErrc::cseq_method_mismatch, can);
  if (duplicate) return fail(ParseErrc::duplicate_header, can);
  if (max_forwards != nullptr) {
    m.max_forwards_ = parse_max_forwards(max_forwards->value);
    if (!m.max_forwards_) return fail(ParseErrc::bad_max_forwards, can);
  }

  // Body (RFC 3261 s18.3, s20.14).
  const std::size_t available = data.size() - body_begin;
  std::size_t length = available;
  if (content_length != nullptr) {
    auto cl = detail::parse_uint(detail::trim(content_length->value), kMaxMessageSize);
    if (!cl) return fail(ParseErrc::bad_content_length, can);
    if (*cl > available) {
      return fail(framing == Framing::stream ? ParseErrc::incomplete : ParseErrc::content_length_mismatch, can);
    }
    length = *cl;
    m.content_length_ = length;
  } else if (framing == Framing::stream) {
    return fail(ParseErrc::missing_content_length, can);
  }
  m.body_ = data.substr(body_begin, length);
  m.wire_ = data.substr(begin, body_begin + length - begin);
  return m;
}

ParseResult<Message> parse_message(std::string_view data, Framing framing) {
  return MessageParser::parse(data, framing, false);
}

namespace detail {

ParseResult<Message> parse_essentials(std::string_view data) {
  return MessageParser::parse(data, Framing::datagram, true);
}

}  // namespace detail
}  // namespace parley::sip
