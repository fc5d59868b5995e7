#pragma once
// Agent stage: hands each UserInput to the call's AgentSession and turns its callbacks into frames:
// streamed AgentText, and its actions as Hangup / Transfer / outbound Dtmf in the data lane behind
// the text they follow. An Interrupt cancels the reply in flight. say() speaks text of the
// conversation's own (greeting, reprompt, goodbye, apologies) the same way.
// An empty speech input (nothing recognized) is answered with the "didn't catch that" reply without
// asking the agent.
#include <functional>
#include <memory>
#include <optional>

#include "voice/agent/agent_engine.hpp"
#include "voice/pipeline/call_state.hpp"
#include "voice/pipeline/processor.hpp"

namespace parley::voice {

class AgentProcessor final : public Processor, public AgentListener {
 public:
  struct Hooks {
    std::function<void(const UserInput&)> on_input;  // transcript entry of the caller's turn
    std::function<void(const Usage&)> on_usage;
  };

  AgentProcessor(CallState& state, std::string not_understood, Hooks hooks)
      : state_(state), not_understood_(std::move(not_understood)), hooks_(std::move(hooks)) {}
  void set_session(std::unique_ptr<AgentSession> session) { session_ = std::move(session); }
  AgentSession* session() { return session_.get(); }

  // Speaks `text` as turn `turn` (0 for the conversation's own prompts), then the optional frame
  // (a graceful Hangup). Cancels a reply in flight.
  void say(std::uint32_t turn, std::string text, std::optional<Frame> then = std::nullopt);

  std::string_view name() const override { return "agent"; }
  void process(Frame frame, Direction dir) override;
  void stop() override { session_.reset(); }

  void on_agent_text(std::uint32_t turn, std::string_view chunk) override;
  void on_agent_action(std::uint32_t turn, const AgentAction& action) override;
  void on_agent_usage(const Usage& usage) override { hooks_.on_usage(usage); }
  void on_agent_tool(std::uint32_t turn, const ToolCall& call) override;
  void on_agent_done(std::uint32_t turn, const core::Status& status) override;

 private:
  void begin_reply(std::uint32_t turn);

  CallState& state_;
  std::string not_understood_;
  Hooks hooks_;
  std::unique_ptr<AgentSession> session_;
  std::optional<std::uint32_t> generating_;  // the turn whose reply the agent is producing
};

}  // namespace parley::voice
