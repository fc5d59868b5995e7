#pragma once
// The `openai` STT engine: each utterance is uploaded as a 16 kHz WAV to an OpenAI-compatible
// POST {base_url}/audio/transcriptions (multipart: file, model, language, response_format=json) and
// its {"text"} is the final transcript. Works with OpenAI (whisper-1, gpt-4o-transcribe), Groq and
// self-hosted Whisper servers (base_url); no interim results.
#include <memory>

#include "voice/stt/stt_engine.hpp"

namespace parley::voice::cloud {

// Failures reach on_stt_error: an HTTP error status (with the server's error JSON), a timeout
// (options member timeout_ms, default 15000), or a connection failure.
core::Result<std::unique_ptr<SttStream>> make_whisper_stt(const EngineContext& ctx, const SttSetup& setup,
                                                          SttListener& listener);

}  // namespace parley::voice::cloud
