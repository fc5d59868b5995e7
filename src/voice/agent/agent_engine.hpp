#pragma once
// Agent engines: what to say (and do) in answer to the caller. One AgentSession per call, holding the
// conversation history. Engine contract: engine/engine_context.hpp. Embedded: the rules agent
// (agent/rules/rules_agent.hpp); cloud: any OpenAI-compatible chat endpoint (registered by provider).
//
// respond(input) starts the reply to one caller turn (at most one reply in flight; the conversation
// cancels before it sends the next). The engine streams on_agent_text chunks as it has them (LLM
// deltas; the conversation cuts sentences for TTS), may emit actions, reports token usage, and ends
// the reply with exactly one on_agent_done(turn, status). An error status makes the conversation
// apologise and switch to the fallback agent for the rest of the call.
//
// Actions are executed in order with the text: an action runs after the caller has heard all text
// sent before it (end_call after the goodbye, transfer after "let me put you through"). Built-in LLM
// tools map to them: end_call, transfer_call(target), send_dtmf(digits). Tools the engine runs
// itself (user HTTP tools, the rules agent's http: action) stay inside the engine; their results
// belong to the history even if the reply is interrupted (they are uninterruptible), and are
// reported with on_agent_tool (logged on the call, kept in order through a barge-in flush).
//
// cancel() (barge-in) stops the reply in flight: no callback for it runs after cancel() returns,
// except on_agent_tool for a tool that was already running (its result still belongs to the call).
// record_speech() tells the engine what the caller heard that its own replies do not cover: the
// conversation's prompts (greeting, reprompts, goodbyes, apologies) and, for an interrupted reply,
// the part that was played (interrupted = true: replace the reply in the history). A reply played
// in full is not reported again.
#include <cstdint>
#include <functional>
#include <memory>
#include <string>
#include <string_view>

#include "core/error.hpp"
#include "voice/config/agent_spec.hpp"
#include "voice/conversation/call_info.hpp"
#include "voice/engine/engine_context.hpp"

namespace parley::voice {

struct AgentInput {
  enum class Source { speech, dtmf };
  std::uint32_t turn = 0;
  Source source = Source::speech;
  std::string text;  // the final transcript, or the DTMF digits pressed ("1", "1234")
  float confidence = -1.0F;
};

struct ToolCall {
  std::string tool;    // "http", or the user tool's name
  std::string result;  // short summary: status code, error
  bool ok = true;
};

struct AgentAction {
  enum class Kind { end_call, transfer, send_dtmf };
  Kind kind = Kind::end_call;
  std::string argument;  // transfer: target URI; send_dtmf: digits; end_call: reason (may be empty)
};

class AgentListener {
 public:
  virtual ~AgentListener() = default;
  virtual void on_agent_text(std::uint32_t turn, std::string_view chunk) = 0;
  virtual void on_agent_action(std::uint32_t turn, const AgentAction& action) = 0;
  virtual void on_agent_usage(const Usage& usage) = 0;
  virtual void on_agent_tool(std::uint32_t turn, const ToolCall& call) = 0;
  virtual void on_agent_done(std::uint32_t turn, const core::Status& status) = 0;
};

class AgentSession {
 public:
  virtual ~AgentSession() = default;
  virtual void respond(const AgentInput& input) = 0;
  virtual void cancel() = 0;
  virtual void record_speech(std::string_view text, bool interrupted) = 0;
};

struct AgentSetup {
  const AgentSpec& agent;
  const CallInfo& call;
};

using AgentFactory = std::function<core::Result<std::unique_ptr<AgentSession>>(const EngineContext&,
                                                                              const AgentSetup&, AgentListener&)>;

}  // namespace parley::voice
