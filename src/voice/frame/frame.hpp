#pragma once
// The typed frames a call's voice pipeline carries (DESIGN.md s4, docs/voice-pipeline.md).
//
// Lanes: system frames (Interrupt, SpeechStarted, an immediate Hangup) overtake queued data frames;
// data frames keep their order. An Interrupt flushes the agent's queued output, the interruptible
// frames (AgentText, AgentAudio); everything else survives: the agent's uninterruptible frames
// (Hangup, Transfer, outbound Dtmf, ToolResult) and all of the caller's frames.
// A graceful Hangup or a Transfer from the agent travels in the data lane, in order behind the reply
// text it follows, so the caller hears the goodbye before the line drops.
#include <chrono>
#include <concepts>
#include <cstdint>
#include <string>
#include <type_traits>
#include <variant>
#include <vector>

namespace parley::voice {

using SteadyTime = std::chrono::steady_clock::time_point;

// Caller audio: one 20 ms frame of 16 kHz mono PCM16 from the media session.
struct AudioFrame {
  std::vector<std::int16_t> pcm;
  std::uint64_t frame_no = 0;  // media timeline: frame n is due at start + n x 20 ms
  SteadyTime at{};             // when it reached the conversation
  bool voiced = false;         // set by the VAD
};

// The caller started talking; `frame_no` is the first voiced frame. From the VAD, utterance is 0;
// the turn detector passes it on with the utterance number it opens (the STT begins it).
struct SpeechStarted {
  std::uint64_t frame_no = 0;
  SteadyTime at{};
  std::uint32_t utterance = 0;
};

// The caller stopped talking. From the VAD (utterance 0, verdict silence): silence began at
// `frame_no`/`at` (the "caller's speech end" of the latency figures). From the turn detector
// (utterance set): its verdict on that utterance, end_of_turn (the STT delivers its final) or noise
// (too short, or ignored while the agent talks: the STT drops it).
struct SpeechStopped {
  enum class Verdict { silence, end_of_turn, noise };
  std::uint64_t frame_no = 0;
  SteadyTime at{};
  int speech_ms = 0;  // voiced length of the segment (VAD) or of the utterance (turn detector)
  std::uint32_t utterance = 0;
  Verdict verdict = Verdict::silence;
  SteadyTime speech_end{};  // end_of_turn: when the caller's speech ended (the last VAD silence onset)
  std::uint32_t turn = 0;   // end_of_turn: the turn number the caller's input gets
  SteadyTime speech_start{};  // end_of_turn: the utterance's onset
};

// What the STT engine heard in utterance `utterance`: the whole text so far (not a delta).
struct Transcript {
  std::uint32_t utterance = 0;
  std::string text;
  bool is_final = false;    // the engine will not revise this text any more
  float confidence = -1.0F;  // 0..1 when the engine reports one
  SteadyTime at{};
};

// The end of the caller's turn: the input the agent answers (turn detector output).
struct UserInput {
  enum class Source { speech, dtmf };
  std::uint32_t turn = 0;
  Source source = Source::speech;
  std::string text;  // final transcript, or the digits pressed ("1", "1234#")
  float confidence = -1.0F;
  SteadyTime speech_start{};  // speech: onset of the utterance; dtmf: the first key press
  SteadyTime speech_end{};    // speech: SpeechStopped.at; dtmf: the last key press
  SteadyTime endpoint_at{};   // when the turn detector ended the turn
  SteadyTime final_at{};     // when the final transcript arrived (speech)
};

// A streamed chunk of the agent's reply to `turn` (any size; the TTS stage cuts sentences).
struct AgentText {
  std::uint32_t turn = 0;
  std::string text;
  bool end_of_reply = false;  // no more text for this turn (the chunk may be empty)
};

// Synthesized agent speech, 16 kHz mono PCM16, in order; `text` is the part of the reply it speaks.
struct AgentAudio {
  std::uint32_t turn = 0;
  std::uint32_t sentence = 0;  // index within the turn
  std::vector<std::int16_t> pcm;
  std::string text;
  bool end_of_sentence = false;
  bool end_of_reply = false;
};

// A DTMF digit: from the caller (inbound) or to send to the far end (outbound, uninterruptible).
struct Dtmf {
  enum class Direction { inbound, outbound };
  Direction direction = Direction::inbound;
  std::string digits;  // one digit inbound; one or more outbound
  int duration_ms = 100;
  SteadyTime at{};
};

// Barge-in (or the conversation) stops the agent: generation cancelled, queued audio dropped.
struct Interrupt {
  std::uint32_t turn = 0;  // the agent turn being cut
  std::string reason;      // "barge_in", "dtmf", "stop"
};

// End the call. graceful: after the agent's queued audio has been played (data lane);
// otherwise at once (system lane: the caller hung up, the pipeline is stopping).
struct Hangup {
  std::string reason;  // "agent", "max_duration", "silence", "after_hours", "remote"
  bool graceful = true;
};

// Transfer the caller (SIP REFER) once the agent's audio before it has been played.
struct Transfer {
  std::string target;  // sip:, sips: or tel: URI
};

// The result of an agent tool (e.g. the rules agent's http: action): kept through a flush so the
// conversation history stays true to what happened.
struct ToolResult {
  std::uint32_t turn = 0;
  std::string tool;
  std::string result;
  bool ok = true;
};

using FramePayload = std::variant<AudioFrame, SpeechStarted, SpeechStopped, Transcript, UserInput, AgentText,
                                  AgentAudio, Dtmf, Interrupt, Hangup, Transfer, ToolResult>;

enum class Lane { system, data };

struct Frame {
  FramePayload payload;

  template <class T>
    requires(!std::same_as<std::remove_cvref_t<T>, Frame>)
  Frame(T&& p) : payload(std::forward<T>(p)) {}  // implicit from any payload type

  template <class T>
  bool is() const noexcept {
    return std::holds_alternative<T>(payload);
  }
  template <class T>
  T& as() {
    return std::get<T>(payload);
  }
  template <class T>
  const T& as() const {
    return std::get<T>(payload);
  }
  template <class T>
  T* get_if() noexcept {
    return std::get_if<T>(&payload);
  }
  template <class T>
  const T* get_if() const noexcept {
    return std::get_if<T>(&payload);
  }

  Lane lane() const noexcept;
  // True for the frames an Interrupt drops: the agent's pending speech (AgentText, AgentAudio).
  bool interruptible() const noexcept;
  const char* name() const noexcept;  // "audio", "speech_started", ... for logs and tests
};

}  // namespace parley::voice
