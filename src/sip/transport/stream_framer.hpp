#pragma once
// Splits a TCP/TLS byte stream into SIP messages by Content-Length (RFC 3261 s18.3) and
// recognises RFC 5626 s3.5.1 keep-alives: a double CRLF "ping" (answered with one CRLF) and a
// single CRLF "pong"; stray CRLFs before a start line are skipped (RFC 3261 s7.5).
#include <cstddef>
#include <string>
#include <string_view>

#include "sip/message/parse_error.hpp"

namespace parley::sip {

struct Frame {
  enum class Kind { need_more, ping, message, error };
  Kind kind = Kind::need_more;
  std::string_view bytes;  // message: its bytes; error: the unframeable buffer (valid until the next call)
  ParseError error{};
};

class StreamFramer {
 public:
  explicit StreamFramer(std::size_t max_message_size) : max_(max_message_size) {}

  void append(std::string_view data);
  // The next frame; a message's bytes are consumed by the following call. After an error the
  // stream cannot be resynchronised: close the connection.
  Frame next();
  std::size_t buffered() const noexcept { return buffer_.size(); }

 private:
  std::string buffer_;  // reused: keeps its capacity across messages
  std::size_t consumed_ = 0;
  std::size_t max_;
};

}  // namespace parley::sip
