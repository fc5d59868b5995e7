#include "sip/message/builder.hpp"

#include <charconv>

#include "sip/message/detail/lenient.hpp"
#include "sip/message/detail/scan.hpp"

namespace parley::sip {
namespace {

constexpr std::string_view kVersion = "SIP/2.0";

void append_uint(std::string& out, std::size_t v) {
  char buf[24];
  auto [end, ec] = std::to_chars(buf, buf + sizeof buf, v);
  out.append(buf, static_cast<std::size_t>(end - buf));
}

void append_header(std::string& out, std::string_view name, std::string_view value) {
  out.append(name).append(": ").append(value).append("\r\n");
}

void append_status_line(std::string& out, int status, std::string_view reason) {
  out.append(kVersion).push_back(' ');
  append_uint(out, static_cast<std::size_t>(status));
  out.append(" ").append(reason).append("\r\n");
}

// Content-Type (optional), Content-Length, blank line, body (RFC 3261 s20.14: always present).
void append_tail(std::string& out, std::string_view body, std::string_view content_type) {
  if (!content_type.empty()) append_header(out, "Content-Type", content_type);
  out.append("Content-Length: ");
  append_uint(out, body.size());
  out.append("\r\n\r\n").append(body);
}

std::string_view written_name(const Header& h) { return h.id == HeaderId::other ? h.name : header_name(h.id); }

bool matches(const HeaderEdit& e, const Header& h) {
  if (e.id != HeaderId::other) return e.id == h.id;
  return h.id == HeaderId::other && detail::iequals(e.name, h.name);
}

std::string_view edit_name(const HeaderEdit& e) { return e.id == HeaderId::other ? e.name : header_name(e.id); }

}  // namespace

MessageBuilder::MessageBuilder(std::size_t capacity_hint) { out_.reserve(capacity_hint); }

MessageBuilder MessageBuilder::request(std::string_view method, std::string_view request_uri,
                                       std::size_t capacity_hint) {
  MessageBuilder b(capacity_hint);
  b.out_.append(method).append(" ").append(request_uri).append(" ").append(kVersion).append("\r\n");
  return b;
}

MessageBuilder MessageBuilder::response(int status, std::string_view reason, std::size_t capacity_hint) {
  MessageBuilder b(capacity_hint);
  append_status_line(b.out_, status, reason);
  return b;
}

MessageBuilder& MessageBuilder::header(std::string_view name, std::string_view value) {
  append_header(out_, name, value);
  return *this;
}

MessageBuilder& MessageBuilder::header(HeaderId id, std::string_view value) { return header(header_name(id), value); }

std::string MessageBuilder::finish(std::string_view body, std::string_view content_type) {
  append_tail(out_, body, content_type);
  return std::move(out_);
}

std::string rewrite(const Message& message, std::span<const HeaderEdit> edits,
                    std::optional<std::string_view> start_line, std::optional<std::string_view> body) {
  const std::string_view new_body = body.value_or(message.body());
  std::size_t size = message.wire().size() + new_body.size() + 64;
  for (const HeaderEdit& e : edits) size += edit_name(e).size() + e.value.size() + 4;
  std::string out;
  out.reserve(size);
  out.append(start_line.value_or(message.start_line())).append("\r\n");

  const auto headers = message.headers();
  auto first_index = [&](const HeaderEdit& e) {
    for (std::size_t i = 0; i < headers.size(); ++i) {
      if (matches(e, headers[i])) return i;
    }
    return headers.size();
  };
  for (const HeaderEdit& e : edits) {  // prepends with no anchor go first
    if (e.op == HeaderEdit::Op::prepend && first_index(e) == headers.size()) append_header(out, edit_name(e), e.value);
  }
  for (std::size_t i = 0; i < headers.size(); ++i) {
    const Header& h = headers[i];
    if (h.id == HeaderId::content_length) continue;
    bool drop = false;
    for (const HeaderEdit& e : edits) {
      if (!matches(e, h)) continue;
      const bool is_first = first_index(e) == i;
      if (e.op == HeaderEdit::Op::prepend && is_first) append_header(out, edit_name(e), e.value);
      if (e.op == HeaderEdit::Op::replace && is_first) append_header(out, edit_name(e), e.value);
      drop = drop || e.op == HeaderEdit::Op::remove || e.op == HeaderEdit::Op::replace;
    }
    if (!drop) append_header(out, written_name(h), h.value);
  }
  for (const HeaderEdit& e : edits) {
    const bool absent_replace = e.op == HeaderEdit::Op::replace && first_index(e) == headers.size();
    if (e.op == HeaderEdit::Op::append || absent_replace) append_header(out, edit_name(e), e.value);
  }
  append_tail(out, new_body, {});
  return out;
}

std::string make_response(const Message& request, int status, std::string_view reason, std::string_view to_tag,
                          const ResponseExtras& extras) {
  // RFC 3261 s8.2.6.2: Via (all, in order), From, To (+tag), Call-ID, CSeq are copied.
  const bool add_tag = status != 100 && !to_tag.empty() && !request.to().tag();
  const bool copy_timestamp = status == 100;  // RFC 3261 s8.2.6.1
  // Single-valued headers are copied once (a lenient parse may have seen duplicates).
  auto copied = [&](const Header& h) {
    switch (h.id) {
      case HeaderId::via:
        return true;
      case HeaderId::from: case HeaderId::to: case HeaderId::call_id: case HeaderId::cseq:
        return request.find(h.id) == &h;
      case HeaderId::timestamp:
        return copy_timestamp && request.find(h.id) == &h;
      default:
        return false;
    }
  };
  std::size_t size = 64 + reason.size() + to_tag.size() + extras.body.size() + extras.content_type.size();
  for (const Header& h : request.headers()) {
    if (copied(h)) size += written_name(h).size() + h.value.size() + 4;
  }
  for (const auto& [name, value] : extras.headers) size += name.size() + value.size() + 4;
  std::string out;
  out.reserve(size + 48);
  append_status_line(out, status, reason);
  for (const Header& h : request.headers()) {
    if (!copied(h)) continue;
    out.append(written_name(h)).append(": ").append(h.value);
    if (h.id == HeaderId::to && add_tag) out.append(";tag=").append(to_tag);
    out.append("\r\n");
  }
  for (const auto& [name, value] : extras.headers) append_header(out, name, value);
  append_tail(out, extras.body, extras.content_type);
  return out;
}

ParseResult<std::string> make_error_response(std::string_view request_bytes, const ParseError& error) {
  auto m = detail::parse_essentials(request_bytes);
  if (!m) return std::unexpected(m.error());
  if (!m->is_request() || !error.can_respond) return std::unexpected(error);
  return make_response(*m, error.status(), error.reason());
}

}  // namespace parley::sip
