#include "voice/agent/rules/rules_agent.hpp"

#include <boost/json.hpp>
#include <boost/url/parse.hpp>

#include "net/address_policy.hpp"
#include "voice/agent/rules/intent_matcher.hpp"
#include "voice/engine/lifeline.hpp"
#include "voice/text/template.hpp"

namespace parley::voice {
namespace json = boost::json;
namespace {

struct Matched {
  std::optional<std::size_t> intent;  // index into rules.intents
  std::map<std::string, std::string> slots;
};

std::optional<AgentAction> parse_action(std::string_view a) {
  if (a == "end_call") return AgentAction{AgentAction::Kind::end_call, "agent"};
  if (a.starts_with("transfer:")) return AgentAction{AgentAction::Kind::transfer, std::string(a.substr(9))};
  return std::nullopt;
}

class RulesAgent final : public AgentSession {
 public:
  RulesAgent(const EngineContext& ctx, const AgentSetup& setup, AgentListener& listener, RulesAgentOptions options)
      : ctx_(ctx),
        listener_(listener),
        options_(options),
        rules_(std::make_shared<const RulesSpec>(setup.agent.rules)),
        vars_(setup.call.context_json),
        call_(setup.call),
        agent_id_(setup.agent.id),
        life_(Lifeline::create()) {}

  ~RulesAgent() override { life_->cut(); }

  void respond(const AgentInput& input) override {
    std::uint64_t gen = ++generation_;
    auto rules = rules_;
    run_on_pool(
        ctx_, life_,
        [rules, input] {
          Matched m;
          if (auto hit = match_intent(*rules, input)) {
            m.intent = static_cast<std::size_t>(hit->intent - rules->intents.data());
            m.slots = std::move(hit->slots);
          }
          return m;
        },
        [this, gen, input](Matched m) {
          if (gen == generation_) answer(gen, input, m);
        },
        [this, gen, turn = input.turn] {
          if (gen == generation_) {
            listener_.on_agent_done(turn, core::fail(core::Errc::unavailable, "rules: the worker pool is saturated"));
          }
        });
  }

  void cancel() override { ++generation_; }
  void record_speech(std::string_view, bool) override {}  // the rules agent keeps no history

 private:
  void answer(std::uint64_t gen, const AgentInput& input, const Matched& m) {
    if (!m.intent) {
      std::string fallback = rules_->fallback.empty() ? std::string(kDefaultFallback) : render(rules_->fallback, vars_);
      listener_.on_agent_text(input.turn, fallback);
      listener_.on_agent_done(input.turn, {});
      return;
    }
    const IntentSpec& intent = rules_->intents[*m.intent];
    text::TemplateVars vars = vars_;
    for (const auto& [k, v] : m.slots) vars.set_slot(k, v);
    if (std::string reply = render(intent.reply, vars); !reply.empty()) listener_.on_agent_text(input.turn, reply);
    switch (intent.action.kind) {
      case IntentAction::Kind::continue_call: break;
      case IntentAction::Kind::end_call:
        listener_.on_agent_action(input.turn, AgentAction{AgentAction::Kind::end_call, "agent"});
        break;
      case IntentAction::Kind::transfer:
        listener_.on_agent_action(input.turn, AgentAction{AgentAction::Kind::transfer, intent.action.target});
        break;
      case IntentAction::Kind::http: call_http(gen, input, intent, std::move(vars)); return;
    }
    listener_.on_agent_done(input.turn, {});
  }

  void call_http(std::uint64_t gen, const AgentInput& input, const IntentSpec& intent, text::TemplateVars vars) {
    json::object slots;
    for (const auto& [k, v] : vars.slots()) slots[k] = v;
    boost::system::error_code ec;
    json::value context = json::parse(vars.context_json(), ec);
    json::object body{{"call_id", call_.call_id}, {"agent_id", agent_id_}, {"intent", intent.name},
                      {"slots", std::move(slots)},  {"text", input.text},   {"from", call_.from},
                      {"to", call_.to},             {"context", ec ? json::value(json::object{}) : context}};
    net::HttpClientRequest req;
    req.method = "POST";
    req.url = intent.action.target;
    req.headers = {{"Content-Type", "application/json"}};
    req.body = json::serialize(body);
    req.timeout = options_.http_timeout;
    req.connect_timeout = std::min(options_.http_timeout, req.connect_timeout);
    std::uint32_t turn = input.turn;
    auto finish = [this, gen, turn, vars](core::Result<net::HttpClientResponse> r) mutable {
      bool ok = r && r->status >= 200 && r->status < 300;
      listener_.on_agent_tool(turn, ToolCall{"http", r ? "HTTP " + std::to_string(r->status) : r.error().message, ok});
      if (gen != generation_) return;  // cancelled meanwhile: the result is logged, nothing is said
      handle_http(turn, std::move(r), std::move(vars));
    };
    auto host = boost::urls::parse_absolute_uri(req.url);
    if (!host) {
      finish(core::fail(core::Errc::invalid_argument, "http action: bad URL"));
      return;
    }
    if (ctx_.allow_private_targets) {
      send(std::move(req), std::move(finish));
      return;
    }
    // SSRF guard: resolve on the pool (blocking getaddrinfo) and refuse non-public targets.
    std::string h(host->host_address());
    run_on_pool(
        ctx_, life_, [h] { return net::resolve_checked(h, false); },
        [this, req = std::move(req), finish](core::Result<std::vector<boost::asio::ip::address>> checked) mutable {
          if (!checked) {
            finish(std::unexpected(checked.error()));
            return;
          }
          send(std::move(req), std::move(finish));
        },
        [finish]() mutable { finish(core::fail(core::Errc::unavailable, "http action: the worker pool is saturated")); });
  }

  template <class Done>
  void send(net::HttpClientRequest req, Done done) {
    auto life = life_;
    ctx_.http.async_send(std::move(req), [life, done = std::move(done)](core::Result<net::HttpClientResponse> r) mutable {
      if (life->alive()) done(std::move(r));
    });
  }

  void handle_http(std::uint32_t turn, core::Result<net::HttpClientResponse> r, text::TemplateVars vars) {
    if (!r || r->status < 200 || r->status >= 300) {
      listener_.on_agent_text(turn, kHttpApology);
      listener_.on_agent_done(turn, {});  // the action failed, the agent did not: no engine fallback
      return;
    }
    boost::system::error_code ec;
    json::value v = json::parse(r->body, ec);
    if (!ec && v.is_object()) {
      const auto& o = v.get_object();
      for (const auto& kv : o) {
        if (kv.value().is_string()) vars.set_slot(std::string(kv.key()), std::string(kv.value().get_string()));
      }
      if (const auto* reply = o.if_contains("reply"); reply != nullptr && reply->is_string()) {
        if (std::string text = render(reply->get_string(), vars); !text.empty()) listener_.on_agent_text(turn, text);
      }
      if (const auto* action = o.if_contains("action"); action != nullptr && action->is_string()) {
        if (auto a = parse_action(action->get_string())) listener_.on_agent_action(turn, *a);
      }
    }
    listener_.on_agent_done(turn, {});
  }

  EngineContext ctx_;
  AgentListener& listener_;
  RulesAgentOptions options_;
  std::shared_ptr<const RulesSpec> rules_;
  text::TemplateVars vars_;
  CallInfo call_;
  std::string agent_id_;
  std::shared_ptr<Lifeline> life_;
  std::uint64_t generation_ = 0;
};

}  // namespace

core::Result<std::unique_ptr<AgentSession>> make_rules_agent(const EngineContext& ctx, const AgentSetup& setup,
                                                             AgentListener& listener, RulesAgentOptions options) {
  return std::make_unique<RulesAgent>(ctx, setup, listener, options);
}

}  // namespace parley::voice
