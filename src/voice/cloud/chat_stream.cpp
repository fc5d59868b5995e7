#include "voice/cloud/chat_stream.hpp"

#include <boost/json.hpp>

namespace parley::voice::cloud {
namespace json = boost::json;

std::string chat_request_body(const ChatRequest& r) {
  json::object body{{"model", r.model}, {"messages", r.messages}, {"stream", true}};
  if (r.include_usage) body["stream_options"] = json::object{{"include_usage", true}};
  if (!r.tools.empty()) body["tools"] = r.tools;
  if (r.temperature) body["temperature"] = *r.temperature;
  if (r.max_tokens) body["max_tokens"] = *r.max_tokens;
  return json::serialize(body);
}

ChatStreamReader::ChatStreamReader(std::function<void(std::string_view)> on_content)
    : on_content_(std::move(on_content)), sse_([this](const net::SseEvent& e) { on_event(e); }) {}

core::Status ChatStreamReader::feed(std::string_view chunk) {
  if (error_) return std::unexpected(*error_);
  if (auto r = sse_.feed(chunk); !r) {
    error_ = r.error();
    return r;
  }
  if (error_) return std::unexpected(*error_);
  return {};
}

core::Status ChatStreamReader::finish() {
  sse_.finish();
  if (error_) return std::unexpected(*error_);
  if (!done_ && finish_reason_.empty()) {
    return core::fail(core::Errc::unavailable, "the chat completion stream ended before [DONE]");
  }
  return {};
}

void ChatStreamReader::on_event(const net::SseEvent& event) {
  if (error_ || done_) return;
  if (event.data == "[DONE]") {
    done_ = true;
    return;
  }
  boost::system::error_code ec;
  auto doc = json::parse(event.data, ec);
  if (ec || !doc.is_object()) {
    error_ = core::Error{core::Errc::unavailable, "the chat completion stream sent an event that is not JSON"};
    return;
  }
  const auto& o = doc.get_object();
  if (auto* err = o.if_contains("error")) {
    std::string message = "the chat completion stream failed";
    if (err->is_object()) {
      if (auto* m = err->get_object().if_contains("message"); m && m->is_string()) message += ": " + std::string(m->get_string());
    } else if (err->is_string()) {
      message += ": " + std::string(err->get_string());
    }
    error_ = core::Error{core::Errc::unavailable, message};
    return;
  }
  if (auto* usage = o.if_contains("usage"); usage && usage->is_object()) {
    const auto& u = usage->get_object();
    if (auto* p = u.if_contains("prompt_tokens"); p && p->is_int64()) prompt_tokens_ = p->get_int64();
    if (auto* c = u.if_contains("completion_tokens"); c && c->is_int64()) completion_tokens_ = c->get_int64();
  }
  auto* choices = o.if_contains("choices");
  if (choices == nullptr || !choices->is_array() || choices->get_array().empty()) return;
  const auto& choice = choices->get_array().front();
  if (!choice.is_object()) return;
  if (auto* fr = choice.get_object().if_contains("finish_reason"); fr && fr->is_string()) {
    finish_reason_ = fr->get_string();
  }
  auto* delta = choice.get_object().if_contains("delta");
  if (delta == nullptr || !delta->is_object()) return;
  if (auto* text = delta->get_object().if_contains("content"); text && text->is_string() && !text->get_string().empty()) {
    content_ += text->get_string();
    on_content_(text->get_string());
  }
  auto* calls = delta->get_object().if_contains("tool_calls");
  if (calls == nullptr || !calls->is_array()) return;
  for (const auto& c : calls->get_array()) {
    if (!c.is_object()) continue;
    const auto& call = c.get_object();
    std::size_t index = tool_calls_.size();
    if (auto* i = call.if_contains("index"); i && i->is_int64() && i->get_int64() >= 0 && i->get_int64() < 64) {
      index = static_cast<std::size_t>(i->get_int64());
    }
    if (index >= tool_calls_.size()) tool_calls_.resize(index + 1);
    auto& t = tool_calls_[index];
    if (auto* id = call.if_contains("id"); id && id->is_string()) t.id = id->get_string();
    if (auto* fn = call.if_contains("function"); fn && fn->is_object()) {
      if (auto* n = fn->get_object().if_contains("name"); n && n->is_string()) t.name += n->get_string();
      if (auto* a = fn->get_object().if_contains("arguments"); a && a->is_string()) t.arguments += a->get_string();
    }
  }
}

}  // namespace parley::voice::cloud
