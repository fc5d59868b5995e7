#pragma once
// The call layer's side of a Conversation (implemented by src/call on top of the SIP dialog and the
// media session). Every method is called on the call's io_context thread and must not block.
#include <cstddef>
#include <cstdint>
#include <span>
#include <string_view>

namespace parley::voice {

class CallControl {
 public:
  virtual ~CallControl() = default;
  // Queues agent audio (16 kHz mono PCM16) behind what is queued; returns the samples accepted
  // (media::session::MediaSession::enqueue_audio).
  virtual std::size_t play(std::span<const std::int16_t> pcm16k) = 0;
  // Barge-in: drop all queued agent audio; the next frame sent is silence (MediaSession::clear_outgoing).
  virtual void stop_playback() = 0;
  // Agent audio still queued, in ms (MediaSession::outgoing_ms).
  virtual int queued_playback_ms() const = 0;
  // End the call (BYE). Called once, after the agent's last audio has been played out. `reason` is
  // the session end_reason: "agent", "max_duration", "silence", "after_hours", "error".
  virtual void hang_up(std::string_view reason) = 0;
  // Blind transfer (SIP REFER) after the agent's audio has been played. The call layer reports the
  // outcome by ending the call (transfer succeeded) or leaving it up (the conversation goes on).
  virtual void transfer(std::string_view target_uri) = 0;
  // DTMF towards the far end (RFC 4733 or inband, as negotiated).
  virtual void send_dtmf(std::string_view digits) = 0;
};

}  // namespace parley::voice
