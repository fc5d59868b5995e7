#include "sip/transport/stream_framer.hpp"

#include "sip/message/parser.hpp"

namespace parley::sip {

void StreamFramer::append(std::string_view data) {
  if (consumed_ > 0) {
    buffer_.erase(0, consumed_);
    consumed_ = 0;
  }
  buffer_.append(data);
}

Frame StreamFramer::next() {
  if (consumed_ > 0) {
    buffer_.erase(0, consumed_);
    consumed_ = 0;
  }
  std::string_view view = buffer_;
  while (view.starts_with("\r\n")) {
    if (view.starts_with("\r\n\r\n")) {  // RFC 5626 s3.5.1 ping
      consumed_ = 4;
      return Frame{Frame::Kind::ping};
    }
    if (view.size() < 4 && std::string_view("\r\n\r\n").starts_with(view)) return Frame{};  // ping or pong: wait
    buffer_.erase(0, 2);  // a pong, or CRLF ahead of a start line (RFC 3261 s7.5)
    view = buffer_;
  }
  if (view.empty()) return Frame{};
  auto parsed = parse_message(view, Framing::stream);
  if (parsed) {
    consumed_ = static_cast<std::size_t>(parsed->wire().data() + parsed->wire().size() - view.data());
    if (consumed_ > max_) return Frame{Frame::Kind::error, view, ParseError{ParseErrc::too_large}};
    return Frame{Frame::Kind::message, view.substr(0, consumed_)};
  }
  if (parsed.error().code == ParseErrc::incomplete) {
    if (view.size() > max_) return Frame{Frame::Kind::error, view, ParseError{ParseErrc::too_large}};
    return Frame{};
  }
  return Frame{Frame::Kind::error, view, parsed.error()};
}

}  // namespace parley::sip
