#pragma once
// Serializing SIP messages (RFC 3261 s7): building new ones, answering requests, and
// re-serializing a parsed message with header edits. Content-Length is always computed.
#include <cstddef>
#include <optional>
#include <span>
#include <string>
#include <string_view>

#include "sip/message/message.hpp"

namespace parley::sip {

// Appends straight into one std::string reserved up front (`capacity_hint` bytes).
class MessageBuilder {
 public:
  static MessageBuilder request(std::string_view method, std::string_view request_uri,
                                std::size_t capacity_hint = 1024);
  static MessageBuilder response(int status, std::string_view reason, std::size_t capacity_hint = 1024);

  MessageBuilder& header(std::string_view name, std::string_view value);
  MessageBuilder& header(HeaderId id, std::string_view value);  // canonical long name
  // Adds Content-Type (when `content_type` is given), Content-Length, the blank line and `body`.
  std::string finish(std::string_view body = {}, std::string_view content_type = {});  // leaves the builder empty

 private:
  explicit MessageBuilder(std::size_t capacity_hint);
  std::string out_;
};

struct HeaderEdit {
  enum class Op {
    remove,   // drop every header with this id/name
    replace,  // drop them all, write `value` where the first one was (or last when absent)
    prepend,  // insert before the first such header (first header when absent), e.g. a proxy's Via
    append,   // insert after the last header
  };
  Op op = Op::append;
  HeaderId id = HeaderId::other;
  std::string_view name;  // used when id is HeaderId::other
  std::string_view value;
};

// Writes `message` back with `edits` applied, optionally a new start line and body.
// Known headers are written with their canonical long names; values verbatim.
std::string rewrite(const Message& message, std::span<const HeaderEdit> edits,
                    std::optional<std::string_view> start_line = std::nullopt,
                    std::optional<std::string_view> body = std::nullopt);

// A response to `request` (RFC 3261 s8.2.6.2): all Vias in order, From, To (with `to_tag`
// added when the To has none and the status is not 100), Call-ID, CSeq; Timestamp on 100
// (s8.2.6.1); then `extra` headers and the body.
struct ResponseExtras {
  std::span<const std::pair<std::string_view, std::string_view>> headers = {};
  std::string_view body = {};
  std::string_view content_type = {};
};
std::string make_response(const Message& request, int status, std::string_view reason,
                          std::string_view to_tag = {}, const ResponseExtras& extras = {});

// A response for a request that failed to parse but had ParseError::can_respond set.
ParseResult<std::string> make_error_response(std::string_view request_bytes, const ParseError& error);

}  // namespace parley::sip
