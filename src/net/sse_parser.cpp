#include "net/sse_parser.hpp"

#include <fmt/format.h>

namespace parley::net {

SseParser::SseParser(OnEvent on_event, std::size_t max_line_bytes, std::size_t max_event_bytes)
    : on_event_(std::move(on_event)), max_line_(max_line_bytes), max_event_(max_event_bytes) {}

core::Status SseParser::feed(std::string_view chunk) {
  if (failed_) return std::unexpected(*failed_);
  if (at_start_ && !chunk.empty()) {
    pending_.append(chunk);
    if (pending_.size() < 3 && std::string_view("\xEF\xBB\xBF").starts_with(pending_)) return {};
    if (pending_.starts_with("\xEF\xBB\xBF")) pending_.erase(0, 3);
    at_start_ = false;
    std::string first = std::move(pending_);
    pending_.clear();
    return feed(first);
  }
  // s9.2.5: lines end with CRLF, LF or CR.
  std::size_t pos = 0;
  if (after_cr_ && !chunk.empty()) {
    after_cr_ = false;
    if (chunk.front() == '\n') pos = 1;
  }
  while (pos < chunk.size()) {
    auto end = chunk.find_first_of("\r\n", pos);
    if (end == std::string_view::npos) {
      pending_.append(chunk.substr(pos));
      if (pending_.size() > max_line_) {
        failed_ = core::Error{core::Errc::too_large, fmt::format("event-stream line exceeds {} bytes", max_line_)};
        return std::unexpected(*failed_);
      }
      return {};
    }
    if (pending_.empty()) {
      line(chunk.substr(pos, end - pos));
    } else {
      pending_.append(chunk.substr(pos, end - pos));
      std::string whole = std::move(pending_);
      pending_.clear();
      line(whole);
    }
    if (failed_) return std::unexpected(*failed_);
    if (chunk[end] == '\r') {
      if (end + 1 == chunk.size()) after_cr_ = true;
      else if (chunk[end + 1] == '\n') ++end;
    }
    pos = end + 1;
  }
  return {};
}

void SseParser::finish() {
  pending_.clear();
  data_.clear();
  type_.clear();
}

void SseParser::line(std::string_view text) {
  if (text.empty()) return dispatch();
  if (text.front() == ':') return;  // a comment
  auto colon = text.find(':');
  if (colon == std::string_view::npos) return field(text, {});
  auto value = text.substr(colon + 1);
  if (!value.empty() && value.front() == ' ') value.remove_prefix(1);
  field(text.substr(0, colon), value);
}

void SseParser::field(std::string_view name, std::string_view value) {
  if (name == "event") {
    type_ = value;
  } else if (name == "data") {
    if (data_.size() + value.size() + 1 > max_event_) {
      failed_ = core::Error{core::Errc::too_large, fmt::format("event-stream event exceeds {} bytes", max_event_)};
      return;
    }
    data_.append(value);
    data_.push_back('\n');
  } else if (name == "id") {
    if (value.find('\0') == std::string_view::npos) last_id_ = value;
  } else if (name == "retry") {
    bool digits = !value.empty() && value.size() < 10 && value.find_first_not_of("0123456789") == std::string_view::npos;
    if (digits) retry_ = std::stol(std::string(value));
  }
  // Any other field is ignored.
}

void SseParser::dispatch() {
  if (data_.empty()) {  // no data lines: nothing is dispatched, the event type is reset
    type_.clear();
    return;
  }
  data_.pop_back();  // the last LF
  SseEvent event;
  if (!type_.empty()) event.type = std::move(type_);
  event.data = std::move(data_);
  event.last_event_id = last_id_;
  event.retry_ms = retry_;
  type_.clear();
  data_.clear();
  on_event_(event);
}

}  // namespace parley::net
