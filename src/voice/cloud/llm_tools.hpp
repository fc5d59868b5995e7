#pragma once
// The tools an LLM agent may call (llm.tools of the agent config):
//   "end_call"                                 built in: the agent hangs up after its last words
//   {"name": "transfer_call", "targets": [..]} built in: transfer to one of the listed SIP/tel URIs
//   "send_dtmf"                                built in: press keys on the call
//   {"name", "description", "parameters", "url", "headers", "timeout_ms"}
//                                              a user HTTP tool: the model's arguments (matching the
//                                              JSON schema `parameters`) are POSTed as JSON to `url`;
//                                              the response body (first 16 KiB) is the tool's result
// Without llm.tools the agent has end_call only. Unknown or malformed entries are skipped (the API
// validates the config; this reader is tolerant like voice/config/agent_spec.hpp).
#include <chrono>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include <boost/json/array.hpp>

#include "net/http_message.hpp"

namespace parley::voice::cloud {

struct LlmTool {
  enum class Kind { end_call, transfer_call, send_dtmf, http };
  Kind kind = Kind::http;
  std::string name;
  std::string description;
  std::string parameters_json;        // http: the JSON schema of the arguments
  std::vector<std::string> targets;   // transfer_call: the allowed targets
  std::string url;                    // http
  net::HeaderList headers;            // http
  std::chrono::milliseconds timeout{5000};
};

std::vector<LlmTool> parse_llm_tools(std::string_view llm_options_json);

// The "tools" array of a chat completion request.
boost::json::array tool_definitions(const std::vector<LlmTool>& tools);

const LlmTool* find_tool(const std::vector<LlmTool>& tools, std::string_view name);

}  // namespace parley::voice::cloud
