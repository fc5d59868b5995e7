#pragma once
// The call's audio path as its voice agent (CallVoice) sees it, whatever carries it: a SIP call's
// RTP media session (RtpCallAudio), or a WebSocket stream (Twilio Media Streams, the browser
// protocol: api/stream/stream_call.hpp). Everything is called on the call's io_context thread.
#include <cstddef>
#include <cstdint>
#include <span>

namespace parley::call {

class CallAudio {
 public:
  virtual ~CallAudio() = default;

  // Agent audio (16 kHz mono PCM16) to send after what is queued; returns the samples accepted.
  virtual std::size_t enqueue_audio(std::span<const std::int16_t> pcm16k) = 0;
  // Barge-in: everything not yet heard is dropped; the caller hears silence within 20 ms.
  virtual void clear_outgoing() = 0;
  // Agent audio the caller has not heard yet, in ms: queued here, and for transports with a buffer
  // at the far end (Twilio), sent but not yet played there.
  virtual int outgoing_ms() const = 0;
  // Samples queued here, and samples taken from the queue for sending so far: audio enqueued now
  // starts leaving once outgoing_samples_sent() passes outgoing_samples_sent() + outgoing_samples()
  // as read now (the per-turn latency is measured to that moment).
  virtual std::size_t outgoing_samples() const = 0;
  virtual std::uint64_t outgoing_samples_sent() const = 0;
  // One DTMF digit towards the caller, however this transport carries it (RFC 4733, SIP INFO, tones).
  virtual void send_dtmf(char digit, int duration_ms) = 0;
};

}  // namespace parley::call
