#include "voice/agent/rules/rules_agent.hpp"

#include <gtest/gtest.h>

#include <boost/json.hpp>

#include <atomic>

#include "net/http_server.hpp"
#include "net/io_runtime.hpp"
#include "voice_test_util.hpp"

using namespace parley;
using namespace parley::voice;

namespace {

struct Reply final : AgentListener {
  std::string text;
  std::vector<AgentAction> actions;
  std::vector<std::uint32_t> done;
  void on_agent_text(std::uint32_t, std::string_view chunk) override { text += (text.empty() ? "" : " ") + std::string(chunk); }
  void on_agent_action(std::uint32_t, const AgentAction& a) override { actions.push_back(a); }
  void on_agent_usage(const Usage&) override {}
  void on_agent_tool(std::uint32_t, const ToolCall& c) override { tools.push_back(c); }
  std::vector<ToolCall> tools;
  void on_agent_done(std::uint32_t turn, const core::Status& s) override {
    EXPECT_TRUE(s.has_value());
    done.push_back(turn);
  }
};

// The customer's endpoint for the http: action, on loopback.
class ActionServer {
 public:
  ActionServer() : io_(1), pool_(2, 16) {
    net::HttpServerOptions opts;
    opts.port = 0;
    server_ = std::make_unique<net::HttpServer>(io_, pool_, opts, [this](net::HttpRequest& req) {
      ++hits;
      last_body = req.body;
      if (req.path == "/fail") return net::HttpResponse{503, {}, R"({"error":"down"})", "application/json"};
      return net::HttpResponse{
          200, {}, R"({"reply": "Order {{order_number}} for {{customer_name}} ships {{when}}.", "when": "today", "action": "end_call"})",
          "application/json"};
    });
    io_.start();
    EXPECT_TRUE(server_->start().has_value());
  }
  ~ActionServer() {
    server_->stop(std::chrono::milliseconds(100));
    pool_.stop();
    io_.stop();
  }
  std::string url(std::string_view path) const { return "http://127.0.0.1:" + std::to_string(server_->port()) + std::string(path); }
  std::atomic<int> hits{0};
  std::string last_body;

 private:
  net::IoRuntime io_;
  core::WorkerPool pool_;
  std::unique_ptr<net::HttpServer> server_;
};

AgentSpec agent_calling(std::string url) {
  auto spec = test::support_agent();
  IntentSpec lookup{"lookup", {"check order {order_number}"}, "", {}, "Let me check.", {IntentAction::Kind::http, std::move(url)}};
  lookup.slots.push_back(SlotSpec{"order_number", SlotSpec::Kind::digits, {}, {}});
  spec.rules.intents.insert(spec.rules.intents.begin(), lookup);
  return spec;
}

CallInfo call() {
  CallInfo c;
  c.call_id = "call_abc";
  c.from = "+14155550100";
  c.context_json = R"({"customer_name": "Jane"})";
  return c;
}

}  // namespace

TEST(RulesAgent, RepliesWithTemplatesActionsAndTheFallback) {
  test::EngineRig rig;
  auto spec = test::support_agent();
  auto info = call();
  Reply r;
  auto agent = *make_rules_agent(rig.ctx, AgentSetup{spec, info}, r);
  agent->respond(AgentInput{1, AgentInput::Source::speech, "my order number is four two"});
  ASSERT_TRUE(rig.run_until([&] { return r.done.size() == 1; }));
  EXPECT_EQ(r.text, "Thanks, order 42 is on its way.");
  agent->respond(AgentInput{2, AgentInput::Source::dtmf, "0"});
  ASSERT_TRUE(rig.run_until([&] { return r.done.size() == 2; }));
  ASSERT_EQ(r.actions.size(), 1U);
  EXPECT_EQ(r.actions[0].kind, AgentAction::Kind::transfer);
  EXPECT_EQ(r.actions[0].argument, "sip:support@127.0.0.1");
  r.text.clear();
  agent->respond(AgentInput{3, AgentInput::Source::speech, "tell me a joke"});
  ASSERT_TRUE(rig.run_until([&] { return r.done.size() == 3; }));
  EXPECT_EQ(r.text, "Sorry, I did not get that. Say order status, or press 1.");
}

TEST(RulesAgent, CancelSilencesTheReplyInFlight) {
  test::EngineRig rig;
  auto spec = test::support_agent();
  auto info = call();
  Reply r;
  auto agent = *make_rules_agent(rig.ctx, AgentSetup{spec, info}, r);
  agent->respond(AgentInput{1, AgentInput::Source::dtmf, "1"});
  agent->cancel();
  rig.run_for(std::chrono::milliseconds(200));
  EXPECT_TRUE(r.text.empty());
  EXPECT_TRUE(r.done.empty());
}

TEST(RulesAgent, HttpActionPostsTheIntentAndSpeaksTheAnswer) {
  ActionServer server;
  test::EngineRig rig;
  auto spec = agent_calling(server.url("/orders"));
  auto info = call();
  Reply r;
  auto agent = *make_rules_agent(rig.ctx, AgentSetup{spec, info}, r);
  agent->respond(AgentInput{1, AgentInput::Source::speech, "check order one two three"});
  ASSERT_TRUE(rig.run_until([&] { return r.done.size() == 1; }));
  EXPECT_EQ(r.text, "Let me check. Order 123 for Jane ships today.");
  ASSERT_EQ(r.actions.size(), 1U);
  EXPECT_EQ(r.actions[0].kind, AgentAction::Kind::end_call);
  auto body = boost::json::parse(server.last_body).as_object();
  ASSERT_EQ(r.tools.size(), 1U);
  EXPECT_EQ(r.tools[0].tool, "http");
  EXPECT_EQ(r.tools[0].result, "HTTP 200");
  EXPECT_TRUE(r.tools[0].ok);
  EXPECT_EQ(body.at("intent").as_string(), "lookup");
  EXPECT_EQ(body.at("slots").at("order_number").as_string(), "123");
  EXPECT_EQ(body.at("call_id").as_string(), "call_abc");
  EXPECT_EQ(body.at("context").at("customer_name").as_string(), "Jane");
}

TEST(RulesAgent, HttpActionFailuresAndPrivateTargetsGetTheApology) {
  ActionServer server;
  test::EngineRig rig;
  auto info = call();
  {
    auto spec = agent_calling(server.url("/fail"));
    Reply r;
    auto agent = *make_rules_agent(rig.ctx, AgentSetup{spec, info}, r);
    agent->respond(AgentInput{1, AgentInput::Source::speech, "check order five"});
    ASSERT_TRUE(rig.run_until([&] { return r.done.size() == 1; }));
    EXPECT_EQ(r.text, "Let me check. " + std::string(kHttpApology));
  }
  {
    int before = server.hits;
    auto spec = agent_calling(server.url("/orders"));
    Reply r;
    EngineContext strict = rig.ctx;
    strict.allow_private_targets = false;  // production default: loopback is refused before any connect
    auto agent = *make_rules_agent(strict, AgentSetup{spec, info}, r);
    agent->respond(AgentInput{1, AgentInput::Source::speech, "check order five"});
    ASSERT_TRUE(rig.run_until([&] { return r.done.size() == 1; }));
    EXPECT_EQ(r.text, "Let me check. " + std::string(kHttpApology));
    EXPECT_EQ(server.hits, before);
  }
}
