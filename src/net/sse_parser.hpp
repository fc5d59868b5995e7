#pragma once
// Incremental parser for text/event-stream (WHATWG HTML, "Server-sent events", s9.2.6 "Interpreting an
// event stream"): feed it the body in chunks of any size, as they arrive; it calls back once per
// dispatched event.
#include <cstddef>
#include <functional>
#include <optional>
#include <string>
#include <string_view>

#include "core/error.hpp"

namespace parley::net {

struct SseEvent {
  std::string type = "message";  // the "event" field, "message" when absent
  std::string data;              // "data" lines joined with LF, without the final LF
  std::string last_event_id;     // the last "id" seen on the stream (it persists across events)
  std::optional<long> retry_ms;  // the stream's reconnection time, once a valid "retry" field set it
};

class SseParser {
 public:
  using OnEvent = std::function<void(const SseEvent&)>;

  // `max_line_bytes` bounds one line and `max_event_bytes` one event's data: a stream past either is
  // refused (too_large) instead of growing without end.
  explicit SseParser(OnEvent on_event, std::size_t max_line_bytes = 1 << 20, std::size_t max_event_bytes = 4 << 20);

  // Parses `chunk`, dispatching every event it completes. After an error the parser stays failed.
  core::Status feed(std::string_view chunk);
  // The end of the stream: a pending event without its blank line is discarded (s9.2.6), an unfinished
  // last line too.
  void finish();

 private:
  void line(std::string_view line);
  void field(std::string_view name, std::string_view value);
  void dispatch();

  OnEvent on_event_;
  std::size_t max_line_;
  std::size_t max_event_;
  std::string pending_;  // an incomplete line carried to the next chunk
  bool at_start_ = true;  // a leading U+FEFF BOM is skipped once
  bool after_cr_ = false;  // the last chunk ended with CR: a LF starting the next one belongs to it
  std::optional<core::Error> failed_;
  std::string type_;
  std::string data_;
  std::string last_id_;
  std::optional<long> retry_;
};

}  // namespace parley::net
