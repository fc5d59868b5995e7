#pragma once
// OpenAI-compatible chat completions, streamed (POST {base_url}/chat/completions with "stream": true):
// the request body, and the incremental reader of the server-sent events that answer it. Each event
// is "data: {chat.completion.chunk}" with choices[0].delta.content (text), choices[0].delta.tool_calls
// (fragments keyed by index: the first carries id, type and function.name, later ones append to
// function.arguments), choices[0].finish_reason, and with stream_options.include_usage a last chunk
// whose "usage" holds the token counts; "data: [DONE]" ends the stream.
#include <cstdint>
#include <functional>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include <boost/json/array.hpp>

#include "core/error.hpp"
#include "net/sse_parser.hpp"

namespace parley::voice::cloud {

struct ChatToolCall {
  std::string id;
  std::string name;
  std::string arguments;  // JSON text as the model wrote it
};

struct ChatRequest {
  std::string model;
  boost::json::array messages;
  boost::json::array tools;  // {"type":"function","function":{...}}; empty: none offered
  std::optional<double> temperature;
  std::optional<int> max_tokens;
  bool include_usage = true;  // stream_options.include_usage
};

std::string chat_request_body(const ChatRequest& request);

class ChatStreamReader {
 public:
  explicit ChatStreamReader(std::function<void(std::string_view)> on_content);

  // A piece of the response body. Errors: too_large (an oversized event), unavailable (the server
  // sent an {"error": ...} event or a chunk that is not JSON).
  core::Status feed(std::string_view body_chunk);
  // The body ended: unavailable when it stopped before [DONE] and before any finish_reason (cut).
  core::Status finish();

  const std::string& content() const { return content_; }
  const std::vector<ChatToolCall>& tool_calls() const { return tool_calls_; }
  const std::string& finish_reason() const { return finish_reason_; }
  std::int64_t prompt_tokens() const { return prompt_tokens_; }
  std::int64_t completion_tokens() const { return completion_tokens_; }

 private:
  void on_event(const net::SseEvent& event);

  std::function<void(std::string_view)> on_content_;
  net::SseParser sse_;
  std::optional<core::Error> error_;
  std::string content_;
  std::vector<ChatToolCall> tool_calls_;
  std::string finish_reason_;
  std::int64_t prompt_tokens_ = 0;
  std::int64_t completion_tokens_ = 0;
  bool done_ = false;
};

}  // namespace parley::voice::cloud
