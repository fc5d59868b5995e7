#pragma once
// A parsed SIP message (RFC 3261 s7): every field is a view into the caller's buffer, which
// must outlive the Message. The transaction essentials (top Via, From, To, Call-ID, CSeq,
// Max-Forwards, Content-Length) are parsed and validated by parse_message(); everything else
// is parsed on demand by the accessors below, which return ParseError{bad_header_value}.
#include <cstdint>
#include <expected>
#include <optional>
#include <span>
#include <string_view>
#include <vector>

#include "sip/message/auth_header.hpp"
#include "sip/message/header_name.hpp"
#include "sip/message/header_values.hpp"
#include "sip/message/name_addr.hpp"
#include "sip/message/parse_error.hpp"
#include "sip/message/uri.hpp"
#include "sip/message/via.hpp"

namespace parley::sip {

template <class T>
using ParseResult = std::expected<T, ParseError>;

struct Header {
  HeaderId id = HeaderId::other;
  std::string_view name;   // as received ("v", "Via", "NewFangledHeader")
  std::string_view value;  // trimmed; folded lines keep their CRLF + WSP (treat as LWS)
};

class Message {
 public:
  bool is_request() const noexcept { return status_ == 0; }
  bool is_response() const noexcept { return status_ != 0; }

  // Request-Line (RFC 3261 s7.1)
  std::string_view method() const noexcept { return method_; }
  const Uri& request_uri() const noexcept { return request_uri_; }
  // Status-Line (RFC 3261 s7.2)
  int status() const noexcept { return status_; }
  std::string_view reason() const noexcept { return reason_; }

  std::string_view start_line() const noexcept { return start_line_; }
  std::span<const Header> headers() const noexcept { return headers_; }
  std::string_view body() const noexcept { return body_; }
  // The bytes this message occupies in the buffer (start line to end of body); on a stream
  // the next message starts right after; on UDP anything past it was ignored (RFC 3261 s18.3).
  std::string_view wire() const noexcept { return wire_; }

  // Generic lookup (ids for known headers, case-insensitive names for the rest).
  const Header* find(HeaderId id) const noexcept;
  const Header* find(std::string_view name) const noexcept;
  std::size_t count(HeaderId id) const noexcept;
  // All comma-separated elements of every `id` header, in order (RFC 3261 s7.3.1).
  ParseResult<std::vector<std::string_view>> values(HeaderId id) const;

  // Transaction essentials, validated at parse time.
  const Via& top_via() const noexcept { return top_via_; }
  const NameAddr& from() const noexcept { return from_; }
  const NameAddr& to() const noexcept { return to_; }
  std::string_view call_id() const noexcept { return call_id_; }
  const CSeq& cseq() const noexcept { return cseq_; }
  std::optional<std::uint8_t> max_forwards() const noexcept { return max_forwards_; }
  std::optional<std::size_t> content_length() const noexcept { return content_length_; }

  // On-demand structured accessors.
  ParseResult<std::vector<Via>> vias() const;
  ParseResult<std::vector<Contact>> contacts() const;
  ParseResult<std::vector<NameAddr>> routes() const;         // Route
  ParseResult<std::vector<NameAddr>> record_routes() const;  // Record-Route
  ParseResult<std::optional<NameAddr>> refer_to() const;     // RFC 3515
  ParseResult<std::optional<MediaType>> content_type() const;
  ParseResult<std::optional<std::uint32_t>> expires() const;
  ParseResult<std::optional<std::uint32_t>> min_se() const;  // RFC 4028
  ParseResult<std::optional<SessionExpires>> session_expires() const;
  ParseResult<std::optional<Event>> event() const;
  // Require, Supported, Proxy-Require, Unsupported, Allow, Allow-Events: lists of tokens.
  ParseResult<std::vector<std::string_view>> tokens(HeaderId id) const;
  // WWW-Authenticate, Proxy-Authenticate, Authorization, Proxy-Authorization: one per header.
  ParseResult<std::vector<AuthHeader>> auth(HeaderId id) const;

 private:
  friend class MessageParser;

  std::string_view wire_;
  std::string_view start_line_;
  std::string_view method_;
  Uri request_uri_;
  int status_ = 0;
  std::string_view reason_;
  std::vector<Header> headers_;
  std::string_view body_;

  Via top_via_;
  NameAddr from_;
  NameAddr to_;
  std::string_view call_id_;
  CSeq cseq_;
  std::optional<std::uint8_t> max_forwards_;
  std::optional<std::size_t> content_length_;
};

}  // namespace parley::sip
