#pragma once
// Deepgram's live transcription protocol (wss://api.deepgram.com/v1/listen): the connection URL and
// its query parameters, the JSON messages the server sends (Results, UtteranceEnd, Metadata,
// SpeechStarted, Error), and the client's control messages. Audio goes as binary frames of raw
// linear16 samples at the declared rate.
#include <chrono>
#include <string>
#include <string_view>

#include "core/error.hpp"
#include "voice/config/agent_spec.hpp"

namespace parley::voice::cloud {

struct DeepgramOptions {
  std::string base_url = "wss://api.deepgram.com";  // http(s):// is taken as ws(s)://
  std::string model = "nova-2";
  std::string language = "en";
  int endpointing_ms = 300;      // Deepgram's own end-of-speech silence (speech_final)
  int utterance_end_ms = 1000;   // UtteranceEnd after this gap in words
  bool smart_format = true;
  std::chrono::milliseconds connect_timeout{5000};
  // After Finalize, the finalized transcript must arrive within this; otherwise the engine has failed.
  std::chrono::milliseconds finalize_timeout{3000};
  std::chrono::milliseconds keepalive_interval{5000};  // KeepAlive when no audio went out this long (keepalive_ms)
};

// voice.stt{model, language, base_url} plus provider options endpointing_ms, utterance_end_ms,
// smart_format, finalize_timeout_ms, keepalive_ms (members of the same object).
DeepgramOptions deepgram_options(const EngineSpec& spec);

std::string deepgram_listen_url(const DeepgramOptions& options, int sample_rate);

struct DeepgramMessage {
  enum class Kind { results, utterance_end, metadata, speech_started, error, other };
  Kind kind = Kind::other;
  std::string transcript;  // results: channel.alternatives[0].transcript
  float confidence = -1.0F;
  bool is_final = false;       // this segment's text will not change
  bool speech_final = false;   // Deepgram's endpointing saw the end of speech
  bool from_finalize = false;  // the answer to our Finalize
  double start = 0;            // seconds into the stream
  double duration = 0;
  std::string description;     // error: the server's description
};

// A text frame from the server; invalid_argument when it is not a JSON object with a "type".
core::Result<DeepgramMessage> parse_deepgram_message(std::string_view text);

inline constexpr std::string_view kDeepgramKeepAlive = R"({"type":"KeepAlive"})";
inline constexpr std::string_view kDeepgramFinalize = R"({"type":"Finalize"})";
inline constexpr std::string_view kDeepgramCloseStream = R"({"type":"CloseStream"})";

}  // namespace parley::voice::cloud
