#pragma once
// A voice call carried by a WebSocket (Twilio Media Streams, the browser protocol) rather than by
// SIP and RTP: the same voice agent as a SIP call (call::CallVoice, fed 20 ms frames of 16 kHz
// PCM16), the same records (transcript, usage and cost, latency, the final state with its webhook
// event), listed in ActiveCalls like a SIP call (POST /voice/end, shutdown). What differs is the
// wire, behind StreamWire: each transport's route turns its messages into caller_audio() /
// caller_dtmf() / end() and implements StreamWire for the way back.
//
// A WebSocket has no media clock, so the call keeps its own: a timer on absolute deadlines
// (start + n x 20 ms, late wake-ups do not accumulate) plays out one caller frame per tick from a
// CallerAudioBuffer and sends one 20 ms frame of the agent's queued audio (an outgoing DTMF tone
// first, as a SIP call's inband tones do).
//
// Everything runs on the connection's io_context; store writes go to the SessionWriter.
#include <boost/asio/io_context.hpp>
#include <boost/asio/steady_timer.hpp>

#include <chrono>
#include <deque>
#include <functional>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "api/stream/caller_audio_buffer.hpp"
#include "api/stream/stream_deps.hpp"
#include "call/active_calls.hpp"
#include "call/call_audio.hpp"
#include "call/call_voice.hpp"
#include "call/session_writer.hpp"
#include "media/audio_format.hpp"
#include "media/dsp/resampler.hpp"

namespace parley::api::stream {

// What one transport does on its wire for the call. Called on the connection's thread.
class StreamWire {
 public:
  virtual ~StreamWire() = default;
  // 20 ms (media::kFrameSamples) of agent audio to send now.
  virtual void send_audio(std::span<const std::int16_t> frame16k) = 0;
  // Barge-in: the far end drops the agent audio it has buffered.
  virtual void clear_audio() = 0;
  // Agent audio sent but not played yet at the far end, in ms (Twilio: since the last echoed mark).
  virtual int unplayed_ms() const { return 0; }
  virtual void transcript(const voice::TranscriptEntry&) {}
  // The call ended on our side (the agent, max duration, POST /voice/end, shutdown): tell the far
  // end and close. Called once, after the final state was queued for writing.
  virtual void hang_up(const std::string& reason) = 0;
  // The agent asks for a blind transfer; failure comes back through StreamCall::transfer_failed().
  virtual void transfer(const std::string& target) = 0;
};

struct StreamCallSettings {
  call::VoiceSetup voice;  // prepared on the worker pool; info.narrowband as the transport says
  int max_duration_s = 600;
  bool telephony = false;  // a carrier leg: the final state also sets telephony_status "terminated"
};

class StreamCall final : public call::CallAudio, public std::enable_shared_from_this<StreamCall> {
 public:
  // The session is already in_progress (the route wrote it). Starts the conversation (greeting) and
  // the clock, and lists the call in `active`. `wire` must outlive the call.
  static core::Result<std::shared_ptr<StreamCall>> start(StreamContext context, StreamCallSettings settings,
                                                         std::shared_ptr<call::SessionWriter> writer,
                                                         StreamWire& wire, call::ActiveCalls& active);
  ~StreamCall() override;
  StreamCall(const StreamCall&) = delete;
  StreamCall& operator=(const StreamCall&) = delete;

  // Caller audio, any amount (re-chunked into 20 ms frames by the clock).
  void caller_audio(std::span<const std::int16_t> pcm16k);
  void caller_dtmf(char digit);
  void transfer_failed();
  // Ends the call once: the conversation stops, the final state is written (`written` runs once
  // stored, on a worker thread). `ours`: we hang up (the wire is told); otherwise the far end did.
  void end(std::string reason, bool ours, std::function<void()> written = {});
  bool ended() const noexcept { return ended_; }
  const std::string& session_id() const noexcept { return writer_->session_id(); }

  // call::CallAudio
  std::size_t enqueue_audio(std::span<const std::int16_t> pcm16k) override;
  void clear_outgoing() override;
  int outgoing_ms() const override;
  std::size_t outgoing_samples() const override { return outgoing_.size(); }
  std::uint64_t outgoing_samples_sent() const override { return sent_; }
  void send_dtmf(char digit, int duration_ms) override;

 private:
  StreamCall(StreamContext context, std::shared_ptr<call::SessionWriter> writer, StreamWire& wire,
             call::ActiveCalls& active, const StreamCallSettings& settings, media::dsp::Resampler tone_upsampler);
  void schedule_tick();
  void on_tick();
  void produce_frame(std::uint64_t frame_no);
  bool pick_outgoing();

  StreamContext context_;
  std::shared_ptr<call::SessionWriter> writer_;
  StreamWire& wire_;
  call::ActiveCalls& active_;
  int max_duration_s_;
  bool telephony_;
  std::unique_ptr<call::CallVoice> voice_;
  boost::asio::steady_timer clock_;
  boost::asio::steady_timer max_duration_;
  std::chrono::steady_clock::time_point started_;
  std::uint64_t next_frame_ = 0;
  std::uint64_t frames_late_ = 0;
  CallerAudioBuffer caller_;
  std::deque<std::int16_t> outgoing_;
  std::uint64_t sent_ = 0;
  std::vector<std::int16_t> tone_;  // an outgoing DTMF tone still to play, 16 kHz
  std::size_t tone_position_ = 0;
  media::dsp::Resampler tone_upsampler_;  // tones are made at 8 kHz
  std::vector<std::int16_t> in_frame_ = std::vector<std::int16_t>(media::kFrameSamples);
  std::vector<std::int16_t> out_frame_ = std::vector<std::int16_t>(media::kFrameSamples);
  bool ended_ = false;
};

}  // namespace parley::api::stream
