#pragma once
// Cloud providers' HTTP errors as Parley errors: the status classifies (net::errc_for_http_status) and
// the provider's own error JSON supplies the message. Shapes understood:
//   OpenAI and compatible servers  {"error": {"message": "...", "type": "...", "code": "..."}}
//   Deepgram                       {"err_code": "INVALID_AUTH", "err_msg": "Invalid credentials."}
//   ElevenLabs                     {"detail": {"status": "invalid_api_key", "message": "..."}} or {"detail": "..."}
// Anything else keeps the first 200 bytes of the body.
#include <string>
#include <string_view>

#include "core/error.hpp"

namespace parley::voice::cloud {

core::Error provider_error(std::string_view provider, int status, std::string_view body);

// "https://api.openai.com/v1" + "/audio/speech": the base URL of an OpenAI-compatible server ends
// with its API version path; a base URL without a path gets "/v1" (the OpenAI convention, also
// Ollama's, vLLM's and llama.cpp's).
std::string endpoint_url(std::string_view base_url, std::string_view path);

}  // namespace parley::voice::cloud
