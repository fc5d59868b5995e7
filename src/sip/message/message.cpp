#include "sip/message/message.hpp"

#include "sip/message/detail/list.hpp"
#include "sip/message/detail/scan.hpp"

namespace parley::sip {
namespace {

std::unexpected<ParseError> bad_value(HeaderId id) {
  return std::unexpected(ParseError{ParseErrc::bad_header_value, false, header_name(id)});
}

// Parses every element of every `id` header with `parse` (nullopt = grammar error).
template <class T, class F>
ParseResult<std::vector<T>> parse_all(const Message& m, HeaderId id, F parse) {
  auto elements = m.values(id);
  if (!elements) return std::unexpected(elements.error());
  std::vector<T> out;
  out.reserve(elements->size());
  for (std::string_view e : *elements) {
    auto v = parse(e);
    if (!v) return bad_value(id);
    out.push_back(*v);
  }
  return out;
}

// A single-valued header parsed with `parse`; nullopt when absent; error when repeated.
template <class T, class F>
ParseResult<std::optional<T>> parse_single(const Message& m, HeaderId id, F parse) {
  const Header* h = m.find(id);
  if (h == nullptr) return std::optional<T>{};
  if (m.count(id) > 1) return std::unexpected(ParseError{ParseErrc::duplicate_header, false, header_name(id)});
  auto v = parse(h->value);
  if (!v) return bad_value(id);
  return std::optional<T>{*v};
}

}  // namespace

const Header* Message::find(HeaderId id) const noexcept {
  for (const Header& h : headers_) {
    if (h.id == id) return &h;
  }
  return nullptr;
}

const Header* Message::find(std::string_view name) const noexcept {
  const HeaderId id = header_id(name);
  if (id != HeaderId::other) return find(id);
  for (const Header& h : headers_) {
    if (h.id == HeaderId::other && detail::iequals(h.name, name)) return &h;
  }
  return nullptr;
}

std::size_t Message::count(HeaderId id) const noexcept {
  std::size_t n = 0;
  for (const Header& h : headers_) n += h.id == id ? 1 : 0;
  return n;
}

ParseResult<std::vector<std::string_view>> Message::values(HeaderId id) const {
  std::vector<std::string_view> out;
  for (const Header& h : headers_) {
    if (h.id != id) continue;
    std::string_view rest = h.value;
    std::string_view element;
    bool bad = false;
    while (detail::next_element(rest, element, bad)) out.push_back(element);
    if (bad) return bad_value(id);
  }
  return out;
}

ParseResult<std::vector<Via>> Message::vias() const { return parse_all<Via>(*this, HeaderId::via, parse_via); }

ParseResult<std::vector<Contact>> Message::contacts() const {
  return parse_all<Contact>(*this, HeaderId::contact, parse_contact);
}

ParseResult<std::vector<NameAddr>> Message::routes() const {
  return parse_all<NameAddr>(*this, HeaderId::route, parse_name_addr);
}

ParseResult<std::vector<NameAddr>> Message::record_routes() const {
  return parse_all<NameAddr>(*this, HeaderId::record_route, parse_name_addr);
}

ParseResult<std::optional<NameAddr>> Message::refer_to() const {
  return parse_single<NameAddr>(*this, HeaderId::refer_to, parse_name_addr);
}

ParseResult<std::optional<MediaType>> Message::content_type() const {
  return parse_single<MediaType>(*this, HeaderId::content_type, parse_media_type);
}

ParseResult<std::optional<std::uint32_t>> Message::expires() const {
  return parse_single<std::uint32_t>(*this, HeaderId::expires, parse_delta_seconds);
}

ParseResult<std::optional<std::uint32_t>> Message::min_se() const {
  // Min-SE = delta-seconds *(SEMI generic-param) (RFC 4028 s5)
  return parse_single<std::uint32_t>(*this, HeaderId::min_se, [](std::string_view v) {
    auto se = parse_session_expires(v);
    return se ? std::optional<std::uint32_t>{se->delta} : std::nullopt;
  });
}

ParseResult<std::optional<SessionExpires>> Message::session_expires() const {
  return parse_single<SessionExpires>(*this, HeaderId::session_expires, parse_session_expires);
}

ParseResult<std::optional<Event>> Message::event() const {
  return parse_single<Event>(*this, HeaderId::event, parse_event);
}

ParseResult<std::vector<std::string_view>> Message::tokens(HeaderId id) const {
  return parse_all<std::string_view>(*this, id, [](std::string_view e) {
    return detail::is_token(e) ? std::optional<std::string_view>{e} : std::nullopt;
  });
}

ParseResult<std::vector<AuthHeader>> Message::auth(HeaderId id) const {
  std::vector<AuthHeader> out;
  for (const Header& h : headers_) {
    if (h.id != id) continue;
    auto a = parse_auth_header(h.value);
    if (!a) return bad_value(id);
    out.push_back(*a);
  }
  return out;
}

}  // namespace parley::sip
