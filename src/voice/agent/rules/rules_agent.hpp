#pragma once
// The embedded agent engine, provider "rules": intents matched by phrases, keywords or DTMF
// (intent_matcher.hpp), slot capture, templated replies that see the call context and the slots,
// and the intent's action (continue, end_call, transfer:<uri>, http:<url>). No match: the fallback
// reply. Matching runs on the worker pool (slot patterns are user regular expressions).
//
// The http: action POSTs {"call_id", "agent_id", "intent", "slots", "text", "from", "to", "context"}
// as JSON to the URL (net::HttpClient, async, 5 s deadline). The intent's own reply, if any, is
// spoken first (it covers the wait); a 2xx JSON answer may carry "reply" (a template, spoken next;
// its other members are template variables too) and "action" (end_call | transfer:<uri>). A failure
// or timeout is answered with a short apology. Targets on loopback or private addresses are refused
// unless EngineContext::allow_private_targets (the SSRF rule of webhooks).
#include <chrono>
#include <memory>

#include "voice/agent/agent_engine.hpp"

namespace parley::voice {

struct RulesAgentOptions {
  std::chrono::milliseconds http_timeout{5000};
};

core::Result<std::unique_ptr<AgentSession>> make_rules_agent(const EngineContext& ctx, const AgentSetup& setup,
                                                             AgentListener& listener, RulesAgentOptions options = {});

// The fallback reply when the agent config has none.
inline constexpr std::string_view kDefaultFallback = "Sorry, I didn't catch that. Could you say it again?";
inline constexpr std::string_view kHttpApology = "Sorry, I couldn't complete that right now.";

}  // namespace parley::voice
