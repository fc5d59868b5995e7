#pragma once
// A TtsStream over a streaming HTTP speech API (OpenAI /audio/speech, ElevenLabs .../stream): one
// request per piece of text, served in order; raw PCM16 chunks are resampled from the provider's rate
// to 16 kHz and handed on as they arrive, so the first audio plays while the rest is still coming.
#include <functional>
#include <memory>
#include <string>

#include "net/http_client.hpp"
#include "voice/tts/tts_engine.hpp"

namespace parley::voice::cloud {

struct HttpTtsProvider {
  std::string name;  // for errors and logs: "openai tts", "elevenlabs"
  int sample_rate = 16000;  // of the PCM the provider returns
  // The request for one piece of text (URL, headers with the key, JSON body); deadlines are set by
  // the stream from the spec's options timeout_ms (whole request, default 30000) and
  // idle_timeout_ms (first byte and between chunks, default 5000).
  std::function<net::HttpClientRequest(const std::string& text)> request;
};

// Failures end that request with on_tts_done(request, error): an HTTP error status with the
// provider's error JSON (401, 429, 5xx), a deadline (timeout), a body cut short (unavailable).
std::unique_ptr<TtsStream> make_http_tts_stream(const EngineContext& ctx, const EngineSpec& spec,
                                                HttpTtsProvider provider, TtsListener& listener);

}  // namespace parley::voice::cloud
