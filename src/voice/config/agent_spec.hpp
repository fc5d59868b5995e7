#pragma once
// An agent's configuration as the voice pipeline uses it: plain structs parsed once from the JSON the
// API validated and stored (src/api/routes/agents.cpp; seeds/000 "Example Agent Configuration").
// This is the only place that reads that JSON. Parsing is tolerant: members it does not know are
// ignored (the API may add fields before the pipeline uses them), a member of the wrong type falls
// back to its default, and only an unparsable document is an error.
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "core/error.hpp"

namespace parley::voice {

// One engine choice: voice.stt, voice.tts, or llm.
struct EngineSpec {
  std::string provider;  // "pocketsphinx", "flite", "espeak", "aero", "deepgram", "openai", "groq", ...
  std::string model;
  std::string voice;     // TTS voice ("slt", "kal16", "kal", an espeak voice, a cloud voice id)
  std::string language;  // STT/TTS language ("en", "en-US")
  std::string base_url;  // OpenAI-compatible endpoints, self-hosted Whisper
  std::string api_key;   // opened secret (BYOK); never logged
  std::string fallback;  // provider to switch to when this one fails; empty: the registry default
  std::string options_json;  // the engine's whole JSON object, for provider-specific members
};

struct LlmSpec : EngineSpec {
  std::optional<double> temperature;
  std::optional<int> max_tokens;
};

// A slot an intent captures: rules.intents[].slots{name: kind}.
//   "digits"            spoken digits ("one two three four", "oh") -> "1234"
//   "number"            a spoken cardinal number up to 999999 ("twenty three") -> "23"
//   ["a", "b", ...]     one of the listed words or phrases -> the phrase as listed
//   {"values": [...]}   the same
//   {"pattern": "re"}   an ECMAScript regular expression over the transcript (first group, else the
//                       match); any other string is taken as such a pattern too
// A phrase names a slot as "{name}" ("my order number is {order_number}"); a slot not named in any
// phrase is searched for anywhere in the caller's words.
struct SlotSpec {
  enum class Kind { digits, number, choice, pattern };
  std::string name;
  Kind kind = Kind::digits;
  std::vector<std::string> choices;
  std::string pattern;
};

// What an intent does after its reply: rules.intents[].action.
struct IntentAction {
  enum class Kind { continue_call, end_call, transfer, http };
  Kind kind = Kind::continue_call;
  std::string target;  // transfer: the URI; http: the URL
};

struct IntentSpec {
  std::string name;
  std::vector<std::string> phrases;  // trigger phrases or keywords, matched case-insensitively
  std::string dtmf;                  // digits that select it: "1" for "say ... or press 1"
  std::vector<SlotSpec> slots;
  std::string reply;  // template: {{customer_name}} from the call context, {{slot}} from captured slots
  IntentAction action;
};

struct RulesSpec {
  std::vector<IntentSpec> intents;  // in priority order
  std::string fallback;  // reply when nothing matched (out of grammar, no intent)
  std::string reprompt;  // said once after a silence timeout
  std::string goodbye;   // said before the agent ends the call (silence, max_duration)
};

// One weekly opening window: days is a bit set (bit 0 = Monday ... bit 6 = Sunday), minutes since
// local midnight; end <= start means the window runs past midnight into the next day.
struct ScheduleWindow {
  std::uint8_t days = 0;
  int start_min = 0;
  int end_min = 0;
};

struct AfterHoursSpec {
  std::string timezone;  // IANA name ("America/New_York"); empty = UTC
  std::vector<ScheduleWindow> schedule;  // open hours; outside them the call gets `message`
  std::string message;
};

// Turn-taking settings (voice.turn{}, optional; the defaults are justified in docs/voice-pipeline.md).
struct TurnSpec {
  int noise_suppression = 1;      // WebRTC noise suppression before VAD and STT: 0..3, -1 off
  int vad_aggressiveness = 2;     // 0 (least) .. 3 (most eager to call a frame silence)
  int endpoint_silence_ms = 600;  // silence that ends the caller's turn
  int early_endpoint_ms = 240;    // silence that is enough once the STT's text is final/complete
  int min_speech_ms = 120;        // shorter bursts are noise, not a turn
  int barge_in_ms = 300;          // caller speech this long while the agent talks interrupts it
  int silence_timeout_ms = 8000;  // no caller input this long after the agent finished: reprompt
  int dtmf_interdigit_ms = 1500;  // a pause this long ends a multi-digit DTMF entry
};

struct VoiceSpec {
  std::string greeting;  // template, spoken on answer
  EngineSpec tts;        // provider defaults to "flite" (voice "slt")
  EngineSpec stt;        // provider defaults to "pocketsphinx"
  int max_duration_s = 600;
  bool recording = false;
  bool transcription = true;
  bool barge_in = true;
};

struct AgentSpec {
  std::string id;
  std::string name;
  enum class Engine { rules, llm };
  Engine engine = Engine::rules;
  std::string system_prompt;  // template (llm agents)
  VoiceSpec voice;
  std::optional<AfterHoursSpec> after_hours;
  RulesSpec rules;
  LlmSpec llm;
  TurnSpec turn;
  std::string webhook_url;

  // The agent engine's registry key: "rules", or llm.provider ("openai", "groq", "ollama", ...).
  std::string agent_provider() const { return engine == Engine::rules ? "rules" : llm.provider; }
};

// Opened engine secrets (the API seals them as {"llm": ..., "tts": ..., "stt": ...}).
struct EngineKeys {
  std::string llm;
  std::string tts;
  std::string stt;
};

// Parses the stored agent config JSON (the object GET /voice/agents/{id} returns, or the store's
// config column). Errc::invalid_argument when `config_json` is not a JSON object.
core::Result<AgentSpec> parse_agent_spec(std::string_view config_json, const EngineKeys& keys = {});

}  // namespace parley::voice
