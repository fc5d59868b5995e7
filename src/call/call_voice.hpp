#pragma once
// The voice agent of one live call (DESIGN.md s4): a voice::Conversation fed with the call's audio
// and DTMF, acting on the call through voice::CallControl, and its records — transcript entries,
// usage and cost, per-turn latency, engine errors — written through the call's SessionWriter.
// One glue for every transport: the call's audio path is a CallAudio (a SIP call's RTP media
// session, or a WebSocket stream), the rest of the call is reached through Hooks.
//
// Voice to voice latency is measured to the first packet of the reply: when the conversation
// reports a turn's first audio, the position of that audio in the outgoing stream is noted, and the
// 20 ms tick that sends the sample at that position is the turn's end.
//
// Everything runs on the call's io_context; store writes go to the SessionWriter.
#include <boost/asio/io_context.hpp>
#include <boost/asio/steady_timer.hpp>

#include <chrono>
#include <deque>
#include <functional>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "call/call_audio.hpp"
#include "call/session_writer.hpp"
#include "core/config.hpp"
#include "core/crypto.hpp"
#include "store/records.hpp"
#include "core/worker_pool.hpp"
#include "net/http_client.hpp"
#include "voice/config/agent_spec.hpp"
#include "voice/conversation/conversation.hpp"
#include "voice/engine/engine_registry.hpp"

namespace parley::call {

// What every call's voice agent shares: from the daemon.
struct VoiceEnvironment {
  const voice::EngineRegistry* engines = nullptr;
  core::WorkerPool* pool = nullptr;
  net::HttpClient* http = nullptr;  // bound to the io_context the calls using this environment live on
  bool allow_private_targets = false;
  core::Pricing pricing;
};

// One call's agent and call facts, prepared off the I/O thread when the call is admitted or dialled.
struct VoiceSetup {
  voice::AgentSpec spec;
  voice::CallInfo info;  // answered_at is set when the conversation starts
};

// The agent's spec (its sealed engine keys opened) and the call facts for `session`, on the worker
// pool. Errc::invalid_argument when the stored agent config cannot be read.
core::Result<VoiceSetup> prepare_voice(const core::SecretBox& secrets, const store::Agent& agent,
                                       const store::VoiceSession& session);

class CallVoice final : public voice::CallControl, public voice::ConversationObserver {
 public:
  // What the call does on the conversation's behalf.
  struct Hooks {
    std::function<void(std::string reason)> hang_up;
    std::function<void(std::string target_uri)> transfer;
    // Optional: each transcript entry as it is written (the browser protocol shows them live).
    std::function<void(const voice::TranscriptEntry& entry)> transcript;
  };

  // `audio` must outlive the CallVoice.
  static core::Result<std::unique_ptr<CallVoice>> create(boost::asio::io_context& io, const VoiceEnvironment& env,
                                                         VoiceSetup setup, CallAudio& audio,
                                                         std::shared_ptr<SessionWriter> writer, Hooks hooks);
  ~CallVoice() override;

  void start();  // the call is answered: greeting (or the after-hours message)
  void on_audio(std::span<const std::int16_t> frame16k, std::uint64_t frame_no);
  void on_dtmf(char digit, int duration_ms);
  void on_transfer_failed();
  void stop();  // the call ended; no hook is called afterwards

  // Usage, cost and latency for the session's final transition.
  void fill_final(store::SessionTransition& t) const;

  // voice::CallControl
  std::size_t play(std::span<const std::int16_t> pcm16k) override;
  void stop_playback() override;
  int queued_playback_ms() const override;
  void hang_up(std::string_view reason) override;
  void transfer(std::string_view target_uri) override;
  void send_dtmf(std::string_view digits) override;

  // voice::ConversationObserver
  void on_transcript(const voice::TranscriptEntry& entry) override;
  void on_usage(const voice::Usage& increment) override;
  void on_turn_latency(const voice::TurnLatency& latency) override;
  void on_engine_error(const voice::EngineErrorReport& report) override;

 private:
  CallVoice(boost::asio::io_context& io, const VoiceEnvironment& env, CallAudio& audio,
            std::shared_ptr<SessionWriter> writer, Hooks hooks);
  void send_next_digit();

  struct PendingTurn {
    voice::TurnLatency latency;
    std::uint64_t first_sample;  // position in the outgoing stream of the turn's first audio
  };
  struct MeasuredTurn {
    double voice_to_voice_ms;
    double transport_ms;  // first audio handed to the transport -> its first packet
    voice::TurnLatency latency;
  };

  boost::asio::io_context& io_;
  const VoiceEnvironment& env_;
  CallAudio& audio_;
  std::shared_ptr<SessionWriter> writer_;
  Hooks hooks_;
  std::unique_ptr<voice::Conversation> conversation_;
  std::optional<voice::CallInfo> info_;  // until start()
  voice::Usage usage_;
  int transcript_seq_ = 0;
  std::deque<PendingTurn> pending_;
  std::vector<MeasuredTurn> turns_;
  std::chrono::steady_clock::time_point previous_tick_{};
  std::string digits_;  // DTMF still to send
  boost::asio::steady_timer digit_timer_;
  bool stopped_ = false;
};

}  // namespace parley::call
