#pragma once
// The LLM agent engine: any OpenAI-compatible chat completions endpoint, streamed
// (cloud/chat_stream.hpp), registered for the providers openai, groq, ollama, vllm and llama_cpp.
// The system prompt is the agent's system_prompt with the call context filled in ({{customer_name}})
// plus the context itself as JSON; each caller turn is a user message (DTMF as "The caller pressed
// ..."); text deltas stream to the conversation as they arrive; tool calls (cloud/llm_tools.hpp) are
// executed and their results fed back as role "tool" messages until the model answers in words (at
// most 4 rounds per turn); end_call and transfer_call end the reply with their action.
#include <memory>
#include <string>

#include "voice/agent/agent_engine.hpp"

namespace parley::voice::cloud {

// The base URL used when llm.base_url is empty: https://api.openai.com/v1 (openai),
// https://api.groq.com/openai/v1 (groq), and the servers' usual local ports for ollama (11434),
// vllm (8000) and llama_cpp (8080).
std::string default_llm_base_url(std::string_view provider);

// Options (members of llm): timeout_ms (whole request, default 60000), idle_timeout_ms (first token
// and between chunks, default 10000), stream_usage (default true: stream_options.include_usage).
// Failures end the turn with on_agent_done(turn, error): an HTTP error status with the provider's
// error JSON, a deadline, a stream cut before [DONE], an error event in the stream.
core::Result<std::unique_ptr<AgentSession>> make_llm_agent(const EngineContext& ctx, const AgentSetup& setup,
                                                           AgentListener& listener);

}  // namespace parley::voice::cloud
