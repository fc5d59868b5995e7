#include "voice/cloud/llm_agent.hpp"

#include <boost/json.hpp>
#include <boost/url/parse.hpp>
#include <fmt/format.h>
#include <spdlog/spdlog.h>

#include <optional>

#include "net/address_policy.hpp"
#include "voice/cloud/chat_stream.hpp"
#include "voice/cloud/cloud_options.hpp"
#include "voice/cloud/llm_tools.hpp"
#include "voice/cloud/provider_error.hpp"
#include "voice/engine/lifeline.hpp"
#include "voice/text/template.hpp"

namespace parley::voice::cloud {
namespace json = boost::json;
namespace {

constexpr int kMaxToolRounds = 4;
constexpr std::size_t kMaxToolResult = 16 << 10;
constexpr std::size_t kMaxErrorBody = 8 << 10;

std::string system_prompt(const AgentSpec& agent, const CallInfo& call) {
  text::TemplateVars vars(call.context_json);
  std::string prompt = text::render(agent.system_prompt, vars);
  auto context = vars.context_json();
  if (context != "{}") prompt += "\n\nCall context (JSON): " + context;
  return prompt;
}

class LlmAgent final : public AgentSession {
 public:
  LlmAgent(const EngineContext& ctx, const AgentSetup& setup, AgentListener& listener)
      : ctx_(ctx), spec_(setup.agent.llm), listener_(listener), life_(Lifeline::create()) {
    url_ = endpoint_url(spec_.base_url.empty() ? default_llm_base_url(spec_.provider) : spec_.base_url,
                        "/chat/completions");
    tools_ = parse_llm_tools(spec_.options_json);
    timeout_ = option_ms(spec_.options_json, "timeout_ms", 60000);
    idle_timeout_ = option_ms(spec_.options_json, "idle_timeout_ms", 10000);
    include_usage_ = option_bool(spec_.options_json, "stream_usage", true);
    system_ = system_prompt(setup.agent, setup.call);
  }

  ~LlmAgent() override {
    life_->cut();
    if (stream_) stream_->cancel();
  }

  void respond(const AgentInput& input) override {
    cancel();
    turn_ = input.turn;
    rounds_ = 0;
    heard_.clear();
    history_.push_back(json::object{
        {"role", "user"},
        {"content", input.source == AgentInput::Source::dtmf ? "The caller pressed the keys: " + input.text : input.text}});
    active_ = true;
    request();
  }

  void cancel() override {
    ++generation_;
    active_ = false;
    if (stream_) stream_->cancel();
    stream_.reset();
  }

  void record_speech(std::string_view text, bool /*interrupted*/) override {
    // What the caller heard. A complete reply is already in the history as the model wrote it.
    if (text.empty() || text == last_reply_) return;
    history_.push_back(json::object{{"role", "assistant"}, {"content", text}});
    last_reply_ = std::string(text);
  }

 private:
  void request() {
    ChatRequest r;
    r.model = spec_.model;
    r.messages.push_back(json::object{{"role", "system"}, {"content", system_}});
    for (const auto& m : history_) r.messages.push_back(m);
    r.tools = tool_definitions(tools_);
    r.temperature = spec_.temperature;
    r.max_tokens = spec_.max_tokens;
    r.include_usage = include_usage_;
    net::HttpClientRequest req;
    req.method = "POST";
    req.url = url_;
    req.headers = {{"Content-Type", "application/json"}, {"Accept", "text/event-stream"}};
    if (!spec_.api_key.empty()) req.headers.emplace_back("Authorization", "Bearer " + spec_.api_key);
    req.body = chat_request_body(r);
    req.timeout = timeout_;
    req.idle_timeout = idle_timeout_;
    req.connect_timeout = std::min(req.connect_timeout, timeout_);

    auto gen = generation_;
    auto life = life_;
    auto current = [this, life, gen] { return life->alive() && gen == generation_; };
    status_ = 0;
    error_body_.clear();
    reader_.emplace([this, current, turn = turn_](std::string_view delta) {
      if (current()) listener_.on_agent_text(turn, delta);
    });
    net::HttpStreamHandler h;
    h.on_head = [this, current](const net::HttpClientResponse& head) {
      if (current()) status_ = head.status;
    };
    h.on_body = [this, current](std::string_view chunk) {
      if (!current()) return;
      if (status_ != 200) {
        if (error_body_.size() < kMaxErrorBody) error_body_.append(chunk.substr(0, kMaxErrorBody - error_body_.size()));
        return;
      }
      if (auto r = reader_->feed(chunk); !r) {
        stream_->cancel();
        finish(core::fail(r.error().code, spec_.provider + ": " + r.error().message));
      }
    };
    h.on_end = [this, current](core::Status end) {
      if (current()) on_end(std::move(end));
    };
    stream_ = ctx_.http.async_stream(std::move(req), std::move(h));
  }

  void on_end(core::Status end) {
    stream_.reset();
    if (!end) return finish(core::fail(end.error().code, spec_.provider + ": " + end.error().message));
    if (status_ != 200) return finish(std::unexpected(provider_error(spec_.provider, status_, error_body_)));
    if (auto r = reader_->finish(); !r) return finish(core::fail(r.error().code, spec_.provider + ": " + r.error().message));
    if (reader_->prompt_tokens() > 0 || reader_->completion_tokens() > 0) {
      Usage u;
      u.llm_prompt_tokens = reader_->prompt_tokens();
      u.llm_completion_tokens = reader_->completion_tokens();
      listener_.on_agent_usage(u);
      if (!life_->alive()) return;
    }
    const auto& calls = reader_->tool_calls();
    if (calls.empty() || reader_->finish_reason() == "stop") {
      if (!reader_->content().empty()) {
        history_.push_back(json::object{{"role", "assistant"}, {"content", reader_->content()}});
        last_reply_ = reader_->content();
      }
      return finish({});
    }
    run_tools(calls);
  }

  // The assistant message with its tool calls goes into the history first, each call answered by a
  // "tool" message whose content is filled in when the tool finishes (even after a barge-in: a tool
  // result is uninterruptible and stays next to its call).
  void run_tools(std::vector<ChatToolCall> calls) {
    json::array call_list;
    for (std::size_t i = 0; i < calls.size(); ++i) {
      if (calls[i].id.empty()) calls[i].id = fmt::format("call_{}_{}", turn_, i);
      call_list.push_back(json::object{{"id", calls[i].id},
                                       {"type", "function"},
                                       {"function", json::object{{"name", calls[i].name}, {"arguments", calls[i].arguments}}}});
    }
    json::object assistant{{"role", "assistant"}, {"tool_calls", std::move(call_list)}};
    assistant["content"] = reader_->content().empty() ? json::value(nullptr) : json::value(reader_->content());
    history_.push_back(std::move(assistant));
    pending_tools_ = calls.size();
    ends_call_ = false;
    for (const auto& call : calls) {
      history_.push_back(json::object{{"role", "tool"}, {"tool_call_id", call.id}, {"content", "(still running)"}});
      run_tool(call, history_.size() - 1);
      if (!life_->alive()) return;
    }
  }

  void run_tool(const ChatToolCall& call, std::size_t slot) {
    boost::system::error_code ec;
    auto args = json::parse(call.arguments.empty() ? "{}" : call.arguments, ec);
    const LlmTool* tool = find_tool(tools_, call.name);
    if (tool == nullptr) return tool_done(slot, "error: there is no tool named " + call.name);
    if (ec || !args.is_object()) return tool_done(slot, "error: the arguments are not a JSON object");
    const auto& a = args.get_object();
    auto arg = [&](std::string_view key) {
      auto* v = a.if_contains(key);
      return v && v->is_string() ? std::string(v->get_string()) : std::string();
    };
    switch (tool->kind) {
      case LlmTool::Kind::end_call:
        ends_call_ = true;
        listener_.on_agent_action(turn_, {AgentAction::Kind::end_call, arg("reason")});
        return tool_done(slot, "the call ends after your last words");
      case LlmTool::Kind::transfer_call: {
        auto target = arg("target");
        if (std::find(tool->targets.begin(), tool->targets.end(), target) == tool->targets.end()) {
          return tool_done(slot, "error: target must be one of the listed targets");
        }
        ends_call_ = true;
        listener_.on_agent_action(turn_, {AgentAction::Kind::transfer, target});
        return tool_done(slot, "transferring the caller");
      }
      case LlmTool::Kind::send_dtmf: {
        auto digits = arg("digits");
        if (digits.empty() || digits.size() > 32 || digits.find_first_not_of("0123456789*#ABCD") != std::string::npos) {
          return tool_done(slot, "error: digits must be 1 to 32 of 0-9, *, #, A-D");
        }
        listener_.on_agent_action(turn_, {AgentAction::Kind::send_dtmf, digits});
        return tool_done(slot, "sent");
      }
      case LlmTool::Kind::http: return call_http(*tool, json::serialize(args), slot);
    }
  }

  void call_http(const LlmTool& tool, std::string body, std::size_t slot) {
    net::HttpClientRequest req;
    req.method = "POST";
    req.url = tool.url;
    req.headers = tool.headers;
    req.headers.emplace_back("Content-Type", "application/json");
    req.headers.emplace_back("X-Parley-Call-Id", ctx_.call_id);
    req.body = std::move(body);
    req.timeout = tool.timeout;
    req.connect_timeout = std::min(req.connect_timeout, tool.timeout);
    req.max_response_bytes = 1 << 20;
    auto life = life_;
    auto gen = generation_;
    auto send = [this, life, gen, slot, name = tool.name, turn = turn_](net::HttpClientRequest r) {
      ctx_.http.async_send(std::move(r), [this, life, gen, slot, name, turn](core::Result<net::HttpClientResponse> res) {
        if (!life->alive()) return;
        std::string result;
        if (!res) {
          result = "error: " + res.error().message;
        } else if (res->status < 200 || res->status >= 300) {
          result = fmt::format("error: HTTP {}: {}", res->status, res->body.substr(0, 500));
        } else {
          result = res->body.substr(0, kMaxToolResult);
        }
        const bool ok = res && res->status / 100 == 2;
        spdlog::info("event=llm.tool call_id={} tool={} ok={}", ctx_.call_id, name, ok);
        listener_.on_agent_tool(turn, ToolCall{name, res ? "HTTP " + std::to_string(res->status) : res.error().message, ok});
        if (gen == generation_) return tool_done(slot, std::move(result));
        set_tool_result(slot, std::move(result));  // interrupted meanwhile: keep the result in the history
      });
    };
    auto u = boost::urls::parse_absolute_uri(req.url);
    if (!u) return tool_done(slot, "error: the tool URL is invalid");
    if (ctx_.allow_private_targets) return send(std::move(req));
    // SSRF guard, as for webhooks: user URLs may not reach loopback or private networks.
    std::string host(u->host_address());
    run_on_pool(
        ctx_, life_, [host] { return net::resolve_checked(host, false); },
        [this, gen, slot, send, req = std::move(req)](core::Result<std::vector<boost::asio::ip::address>> ok) mutable {
          if (!ok) {
            if (gen == generation_) return tool_done(slot, "error: " + ok.error().message);
            return set_tool_result(slot, "error: " + ok.error().message);
          }
          send(std::move(req));
        },
        [this, slot] { tool_done(slot, "error: the server is too busy to run the tool"); });
  }

  void set_tool_result(std::size_t slot, std::string result) {
    if (slot < history_.size()) history_[slot].as_object()["content"] = std::move(result);
  }

  void tool_done(std::size_t slot, std::string result) {
    set_tool_result(slot, std::move(result));
    if (!active_ || --pending_tools_ > 0) return;
    if (ends_call_) return finish({});
    if (++rounds_ >= kMaxToolRounds) {
      return finish(core::fail(core::Errc::unavailable, spec_.provider + ": the model kept calling tools"));
    }
    request();
  }

  void finish(core::Status status) {
    if (!active_) return;
    active_ = false;
    if (!status) {
      spdlog::warn("event=agent.error provider={} call_id={} code={} error={}", spec_.provider, ctx_.call_id,
                   core::to_string(status.error().code), status.error().message);
    }
    listener_.on_agent_done(turn_, status);
  }

  EngineContext ctx_;
  LlmSpec spec_;
  AgentListener& listener_;
  std::shared_ptr<Lifeline> life_;
  std::string url_;
  std::string system_;
  std::vector<LlmTool> tools_;
  std::chrono::milliseconds timeout_, idle_timeout_;
  bool include_usage_ = true;
  json::array history_;
  std::string last_reply_;
  std::string heard_;
  std::uint32_t turn_ = 0;
  std::uint64_t generation_ = 0;
  bool active_ = false;
  bool ends_call_ = false;
  int rounds_ = 0;
  std::size_t pending_tools_ = 0;
  int status_ = 0;
  std::string error_body_;
  std::optional<ChatStreamReader> reader_;
  std::shared_ptr<net::HttpStream> stream_;
};

}  // namespace

std::string default_llm_base_url(std::string_view provider) {
  if (provider == "groq") return "https://api.groq.com/openai/v1";
  if (provider == "ollama") return "http://127.0.0.1:11434/v1";
  if (provider == "vllm") return "http://127.0.0.1:8000/v1";
  if (provider == "llama_cpp") return "http://127.0.0.1:8080/v1";
  return "https://api.openai.com/v1";
}

core::Result<std::unique_ptr<AgentSession>> make_llm_agent(const EngineContext& ctx, const AgentSetup& setup,
                                                           AgentListener& listener) {
  const auto& llm = setup.agent.llm;
  if (llm.model.empty()) return core::fail(core::Errc::validation, "llm.model is required", "llm.model");
  if (llm.api_key.empty() && (llm.provider == "openai" || llm.provider == "groq") && llm.base_url.empty()) {
    return core::fail(core::Errc::unauthorized, llm.provider + " needs llm.api_key", "llm.api_key");
  }
  return std::make_unique<LlmAgent>(ctx, setup, listener);
}

}  // namespace parley::voice::cloud
