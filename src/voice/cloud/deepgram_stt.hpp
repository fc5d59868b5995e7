#pragma once
// The `deepgram` STT engine: one live WebSocket per call (cloud/deepgram_protocol.hpp) carrying every
// frame of the caller's audio; interim and final transcripts come back as Results messages.
#include <memory>

#include "voice/stt/stt_engine.hpp"

namespace parley::voice::cloud {

// Errors: unauthorized when voice.stt.api_key is missing. Later failures reach on_stt_error: the
// upgrade refused (401/403/429/5xx with Deepgram's error JSON), the connection lost or closed by the
// server (e.g. 1011 NET-0001), or no finalized transcript within finalize_timeout (timeout).
core::Result<std::unique_ptr<SttStream>> make_deepgram_stt(const EngineContext& ctx, const SttSetup& setup,
                                                           SttListener& listener);

}  // namespace parley::voice::cloud
