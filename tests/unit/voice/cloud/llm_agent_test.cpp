// The OpenAI-compatible LLM agent against a local chat completions server (cloud_http_peer.py):
// streamed deltas, tool-call fragments split across chunks, tool results fed back, usage, errors.
#include <gtest/gtest.h>

#include <boost/json.hpp>

#include "core/worker_pool.hpp"
#include "engine_harness.hpp"
#include "net/http_server.hpp"
#include "voice/cloud/cloud_engines.hpp"
#include "voice/config/agent_spec.hpp"

namespace parley::voice::test {
namespace {
namespace json = boost::json;

parley::test::PythonPeer& chat_peer() {
  static parley::test::PythonPeer p(peer_script("cloud_http_peer.py"));
  return p;
}

// The user's own HTTP tool endpoint (a real Parley HTTP server on loopback).
class ToolServer {
 public:
  ToolServer() : io_(1), pool_(1, 16) {
    server_ = std::make_unique<net::HttpServer>(io_, pool_, net::HttpServerOptions{.port = 0}, [this](net::HttpRequest& r) {
      std::lock_guard l(mu_);
      bodies_.push_back(r.body);
      call_ids_.emplace_back(r.header("X-Parley-Call-Id").value_or(""));
      return net::HttpResponse{200, {}, R"({"status":"shipped","eta":"tomorrow"})"};
    });
    io_.start();
    EXPECT_TRUE(server_->start());
  }
  ~ToolServer() {
    server_->stop(100ms);
    pool_.stop();
    io_.stop();
  }
  std::string url() const { return "http://127.0.0.1:" + std::to_string(server_->port()) + "/orders"; }
  std::vector<std::string> bodies() {
    std::lock_guard l(mu_);
    return bodies_;
  }
  std::vector<std::string> call_ids() {
    std::lock_guard l(mu_);
    return call_ids_;
  }

 private:
  net::IoRuntime io_;
  core::WorkerPool pool_;
  std::unique_ptr<net::HttpServer> server_;
  std::mutex mu_;
  std::vector<std::string> bodies_, call_ids_;
};

class LlmAgentTest : public ::testing::Test {
 protected:
  LlmAgentTest() { cloud::register_cloud_engines(registry_); }

  std::unique_ptr<AgentSession> make(const std::string& key, const std::string& llm_extra = "",
                                     const std::string& provider = "openai") {
    auto json = R"({"name":"a","engine":"llm","system_prompt":"You help {{customer_name}} with orders.",)"
                R"("llm":{"provider":")" + provider + R"(","model":"gpt-test","base_url":"http://127.0.0.1:)" +
                std::to_string(chat_peer().port()) + R"(/v1","temperature":0.2)" + llm_extra + "}}";
    auto spec = parse_agent_spec(json, EngineKeys{.llm = key});
    EXPECT_TRUE(spec);
    agent_ = *spec;
    call_.call_id = "call_test";
    call_.context_json = R"({"customer_name":"Jane Doe","order":"1234"})";
    auto* factory = registry_.agent(provider);
    EXPECT_NE(factory, nullptr);
    return h_.on_io([&] {
      auto a = (*factory)(h_.ctx, AgentSetup{agent_, call_}, rec_);
      EXPECT_TRUE(a) << a.error().message;
      return std::move(*a);
    });
  }

  void say(AgentSession& a, std::uint32_t turn, std::string text,
           AgentInput::Source source = AgentInput::Source::speech) {
    h_.on_io([&] { a.respond({turn, source, text}); });
  }

  // The next chat request the peer received (headers and body) with `needle` in it.
  json::value next_request(std::string_view needle = "gpt-test") {
    auto line = line_starting(chat_peer(), "REQUEST POST /v1/chat/completions", needle);
    EXPECT_FALSE(line.empty());
    return line.empty() ? json::value() : json::parse(line.substr(line.find('{')));
  }

  void drop(std::unique_ptr<AgentSession>& a) {
    h_.on_io([&] { a.reset(); });
  }

  EngineHarness h_;
  EngineRegistry registry_;
  AgentSpec agent_;
  CallInfo call_;
  AgentRecorder rec_;
};

TEST_F(LlmAgentTest, StreamsTheReplyAndRecordsUsage) {
  auto a = make("sk-good");
  say(*a, 1, "hello");
  auto done = rec_.wait_done(1);
  ASSERT_TRUE(done && *done) << (done ? done->error().message : "no done");
  EXPECT_EQ(rec_.text[1], "You said: hello. Anything else?");
  EXPECT_GT(rec_.chunks, 3);
  EXPECT_EQ(rec_.usage.llm_prompt_tokens, 42);
  EXPECT_EQ(rec_.usage.llm_completion_tokens, 7);
  auto req = next_request();
  EXPECT_EQ(req.at("headers").at("authorization").as_string(), "Bearer sk-good");
  const auto& body = req.at("body");
  EXPECT_TRUE(body.at("stream").as_bool());
  EXPECT_TRUE(body.at("stream_options").at("include_usage").as_bool());
  EXPECT_EQ(body.at("model").as_string(), "gpt-test");
  EXPECT_DOUBLE_EQ(body.at("temperature").as_double(), 0.2);
  const auto& system = body.at("messages").at(0);
  EXPECT_EQ(system.at("role").as_string(), "system");
  EXPECT_TRUE(system.at("content").as_string().starts_with("You help Jane Doe with orders."));
  EXPECT_NE(system.at("content").as_string().find(R"("order":"1234")"), std::string::npos);
  EXPECT_EQ(body.at("tools").at(0).at("function").at("name").as_string(), "end_call");  // the default tool

  // The next turn carries the history: the reply as the model wrote it, then the DTMF input.
  say(*a, 2, "42", AgentInput::Source::dtmf);
  ASSERT_TRUE(rec_.wait_done(2));
  auto second = next_request();
  const auto& msgs = second.at("body").at("messages").as_array();
  ASSERT_EQ(msgs.size(), 4u);
  EXPECT_EQ(msgs[2].at("content").as_string(), "You said: hello. Anything else?");
  EXPECT_EQ(msgs[3].at("content").as_string(), "The caller pressed the keys: 42");
  drop(a);
}

TEST_F(LlmAgentTest, HttpToolCallArrivesInFragmentsAndItsResultIsFedBack) {
  ToolServer tools;
  auto a = make("sk-good", R"(,"tools":["end_call",{"name":"lookup_order","description":"Find an order",)"
                           R"("parameters":{"type":"object","properties":{"order_id":{"type":"string"}},"required":["order_id"]},)"
                           R"("url":")" + tools.url() + R"(","headers":{"X-Api-Key":"tool-secret"}}])");
  say(*a, 1, "what is my order status");
  auto done = rec_.wait_done(1);
  ASSERT_TRUE(done && *done) << (done ? done->error().message : "no done");
  EXPECT_EQ(rec_.text[1], R"(The tool said: {"status":"shipped","eta":"tomorrow"}.)");
  ASSERT_EQ(tools.bodies().size(), 1u);
  EXPECT_EQ(json::parse(tools.bodies()[0]), json::parse(R"({"order_id":"1234"})"));
  EXPECT_EQ(tools.call_ids()[0], "call_test");
  auto first = next_request("order status");
  EXPECT_EQ(first.at("body").at("tools").at(1).at("function").at("parameters").at("required").at(0).as_string(), "order_id");
  auto second = next_request("order status");
  const auto& msgs = second.at("body").at("messages").as_array();
  ASSERT_EQ(msgs.size(), 4u);  // system, user, assistant tool call, tool result
  const auto& call = msgs[2].at("tool_calls").at(0);
  EXPECT_EQ(call.at("id").as_string(), "call_abc123");
  EXPECT_EQ(call.at("function").at("name").as_string(), "lookup_order");
  EXPECT_EQ(call.at("function").at("arguments").as_string(), R"({"order_id": "1234"})");  // fragments joined
  EXPECT_EQ(msgs[3].at("role").as_string(), "tool");
  EXPECT_EQ(msgs[3].at("tool_call_id").as_string(), "call_abc123");
  EXPECT_EQ(msgs[3].at("content").as_string(), R"({"status":"shipped","eta":"tomorrow"})");
  // The tool call was reported to the conversation (before the reply it led to was done).
  ASSERT_EQ(rec_.tools.size(), 1u);
  EXPECT_EQ(rec_.tools[0].tool, "lookup_order");
  EXPECT_EQ(rec_.tools[0].result, "HTTP 200");
  EXPECT_TRUE(rec_.tools[0].ok);
  drop(a);
}

TEST_F(LlmAgentTest, EndCallComesAfterTheGoodbye) {
  auto a = make("sk-good");
  say(*a, 1, "ok goodbye");
  ASSERT_TRUE(rec_.wait_done(1));
  ASSERT_EQ(rec_.actions.size(), 1u);
  EXPECT_EQ(rec_.actions[0].kind, AgentAction::Kind::end_call);
  EXPECT_EQ(rec_.actions[0].argument, "done");
  EXPECT_EQ(rec_.text[1], "Goodbye!");
  auto action_at = std::find_if(rec_.events.begin(), rec_.events.end(),
                                [](auto& e) { return e.kind == AgentRecorder::Event::Kind::action; });
  EXPECT_EQ(std::prev(action_at)->kind, AgentRecorder::Event::Kind::text);
  drop(a);
}

TEST_F(LlmAgentTest, DtmfAndTransferTools) {
  auto a = make("sk-good", R"(,"tools":["send_dtmf",{"name":"transfer_call","targets":["sip:sales@pbx.test"]}])");
  say(*a, 1, "press one for me");
  ASSERT_TRUE(rec_.wait_done(1));
  ASSERT_EQ(rec_.actions.size(), 1u);
  EXPECT_EQ(rec_.actions[0].kind, AgentAction::Kind::send_dtmf);
  EXPECT_EQ(rec_.actions[0].argument, "1");
  EXPECT_EQ(rec_.text[1], "The tool said: sent.");  // the model went on after the tool
  say(*a, 2, "transfer me please");
  ASSERT_TRUE(rec_.wait_done(2));
  ASSERT_EQ(rec_.actions.size(), 2u);
  EXPECT_EQ(rec_.actions[1].kind, AgentAction::Kind::transfer);
  EXPECT_EQ(rec_.actions[1].argument, "sip:sales@pbx.test");
  drop(a);
}

TEST_F(LlmAgentTest, TransferWithoutAllowedTargetsIsNotOffered) {
  auto a = make("sk-good", R"(,"tools":["end_call","transfer_call"])");
  say(*a, 1, "transfer me now");
  ASSERT_TRUE(rec_.wait_done(1));
  EXPECT_TRUE(rec_.actions.empty());
  EXPECT_EQ(next_request("transfer me now").at("body").at("tools").as_array().size(), 1u);
  drop(a);
}

TEST_F(LlmAgentTest, PrivateToolTargetsAreRefusedUnlessAllowed) {
  ToolServer tools;
  h_.ctx.allow_private_targets = false;
  auto a = make("sk-good", R"(,"tools":[{"name":"lookup_order","url":")" + tools.url() + R"("}])");
  say(*a, 1, "order status");
  ASSERT_TRUE(rec_.wait_done(1));
  EXPECT_TRUE(tools.bodies().empty());
  EXPECT_NE(rec_.text[1].find("The tool said: error"), std::string::npos) << rec_.text[1];
  drop(a);
}

TEST_F(LlmAgentTest, EndlessToolCallsStopAfterFourRounds) {
  ToolServer tools;
  auto a = make("sk-good", R"(,"tools":[{"name":"lookup_order","url":")" + tools.url() + R"("}])");
  say(*a, 1, "loop forever");
  auto done = rec_.wait_done(1);
  ASSERT_TRUE(done);
  ASSERT_FALSE(*done);
  EXPECT_EQ(done->error().code, core::Errc::unavailable);
  EXPECT_EQ(tools.bodies().size(), 4u);
  drop(a);
}

TEST_F(LlmAgentTest, ProviderErrorsEndTheTurnWithTheirMessage) {
  struct Case {
    const char* key;
    const char* extra;
    core::Errc code;
    const char* text;
  } cases[] = {{"bad", "", core::Errc::unauthorized, "Incorrect API key provided"},
               {"rate", "", core::Errc::rate_limited, "Rate limit reached"},
               {"boom", "", core::Errc::unavailable, "The server had an error"},
               {"cut", "", core::Errc::unavailable, "cut short"},
               {"stall", R"(,"idle_timeout_ms":300)", core::Errc::timeout, "timed out"}};
  for (const auto& c : cases) {
    AgentRecorder rec;
    auto json = R"({"name":"a","engine":"llm","llm":{"provider":"groq","model":"m","base_url":"http://127.0.0.1:)" +
                std::to_string(chat_peer().port()) + "/v1\"" + c.extra + "}}";
    agent_ = *parse_agent_spec(json, EngineKeys{.llm = c.key});
    auto a = h_.on_io([&] { return std::move(*(*registry_.agent("groq"))(h_.ctx, AgentSetup{agent_, call_}, rec)); });
    h_.on_io([&] { a->respond({1, AgentInput::Source::speech, "hello"}); });
    auto done = rec.wait_done(1);
    ASSERT_TRUE(done) << c.key;
    ASSERT_FALSE(*done) << c.key;
    EXPECT_EQ(done->error().code, c.code) << c.key << ": " << done->error().message;
    EXPECT_NE(done->error().message.find(c.text), std::string::npos) << done->error().message;
    h_.on_io([&] { a.reset(); });
  }
}

TEST_F(LlmAgentTest, CancelOnBargeInStopsTheReply) {
  auto a = make("slow");
  say(*a, 1, "tell me a long story");
  ASSERT_TRUE(rec_.wait_chunks(1));
  h_.on_io([&] {
    a->cancel();
    a->record_speech("You said", true);  // what the caller heard before interrupting
  });
  auto chunks = rec_.chunks;
  std::this_thread::sleep_for(700ms);
  EXPECT_EQ(rec_.chunks, chunks);
  EXPECT_EQ(rec_.done.count(1), 0u);
  say(*a, 2, "again");
  ASSERT_TRUE(rec_.wait_done(2, 15s));
  // The interrupted reply is in the history only as far as it was heard.
  auto last = next_request("again");
  ASSERT_FALSE(last.is_null());
  const auto& msgs = last.at("body").at("messages").as_array();
  ASSERT_EQ(msgs.size(), 4u);
  EXPECT_EQ(msgs[2].at("content").as_string(), "You said");
  EXPECT_EQ(msgs[3].at("content").as_string(), "again");
  drop(a);
}

TEST_F(LlmAgentTest, MissingKeyForAHostedProviderIsRefused) {
  agent_ = *parse_agent_spec(R"({"name":"a","engine":"llm","llm":{"provider":"openai","model":"gpt-4o-mini"}})");
  auto r = h_.on_io([&] { return (*registry_.agent("openai"))(h_.ctx, AgentSetup{agent_, call_}, rec_); });
  ASSERT_FALSE(r);
  EXPECT_EQ(r.error().code, core::Errc::unauthorized);
}

}  // namespace
}  // namespace parley::voice::test
