#pragma once
// The live media of one call: everything between the negotiated SDP and 20 ms frames of 16 kHz PCM16.
//
// Threading: a session lives on the call's io_context. Create it anywhere, then call every method on
// that context's thread (the call's strand); the sinks and handlers are invoked there too. Nothing
// here blocks or locks per packet: file writes (recording, loading the play file) go to the WorkerPool.
//
// Lifecycle (the call layer):
//   auto lease = port_allocator.allocate();                         // even RTP port, RTCP + 1
//   auto session = MediaSession::create(io, std::move(*lease), config);   // binds both sockets
//   answer SDP with session->advertised_address() / local_rtp_port(), then
//   session->start(negotiated);      // after offer/answer (sdp::answer_offer / process_answer)
//   session->update(renegotiated);   // re-INVITE: codec change, hold/resume, new remote address
//   session->stop();                 // BYE/CANCEL/failure: idempotent, closes sockets, returns the ports,
//                                    // completes the recording (on the worker pool)
// The destructor stops too.
//
// Voice pipeline interface (all on the I/O thread):
//   set_audio_sink(f):  f(frame16k, frame_no) every 20 ms with the caller's audio (jitter buffer
//                       playout, loss concealed; silence before the first packet). frame_no counts
//                       from 0 at start() on the session timeline (frame n is due at start + n x 20 ms).
//   set_dtmf_sink(f):   one call per digit, from RFC 4733 events or (inband mode) tone detection.
//   enqueue_audio(pcm): agent audio (16 kHz mono) to send, in order; returns the samples accepted
//                       (queue cap two minutes). A partial last frame is padded with silence.
//   clear_outgoing():   barge-in: drops everything queued; the next frame (<= 20 ms) is silence.
//   outgoing_ms():      audio still queued.
//   send_dtmf(d, ms):   RFC 4733 events (rfc2833 mode with telephone-event negotiated) or inband tones.
//   set_end_handler(f): f("media_timeout") once when no RTP came for media_timeout_s while the stream
//                       should carry it (not while either side holds). Posted, so f may stop the session.
//   set_recording_handler(f): f(status) once the recording file is complete, after stop().
//   quality():          receive statistics for the session record.
#include <boost/asio/io_context.hpp>

#include <cstdint>
#include <functional>
#include <memory>
#include <span>
#include <string>
#include <string_view>

#include "core/error.hpp"
#include "media/dtmf/dtmf_event.hpp"
#include "media/ports/port_allocator.hpp"
#include "media/sdp/negotiated_media.hpp"
#include "media/session/media_quality.hpp"
#include "media/session/session_config.hpp"

namespace parley::media::session {

namespace detail {
class SessionCore;
}

class MediaSession {
 public:
  using AudioSink = std::function<void(std::span<const std::int16_t> frame16k, std::uint64_t frame_no)>;
  using DtmfSink = std::function<void(const dtmf::Dtmf& digit)>;
  using EndHandler = std::function<void(std::string_view reason)>;
  using RecordingHandler = std::function<void(core::Status)>;

  // Binds RTP and RTCP on config.bind_address. Errc::unavailable when a port cannot be bound,
  // invalid_argument for a bad address or missing worker pool (recording, play mode).
  static core::Result<MediaSession> create(boost::asio::io_context& io, ports::PortLease ports,
                                           MediaSessionConfig config);

  MediaSession(MediaSession&&) noexcept;
  MediaSession& operator=(MediaSession&&) noexcept;
  ~MediaSession();

  core::Status start(const sdp::NegotiatedMedia& media);
  core::Status update(const sdp::NegotiatedMedia& media);
  void stop() noexcept;

  void set_audio_sink(AudioSink sink);
  void set_dtmf_sink(DtmfSink sink);
  void set_end_handler(EndHandler handler);
  void set_recording_handler(RecordingHandler handler);

  std::size_t enqueue_audio(std::span<const std::int16_t> pcm16k);
  void clear_outgoing() noexcept;
  int outgoing_ms() const noexcept;
  // Queued agent samples, and how many queued samples have been taken for sending so far: the
  // first sample of audio enqueued now goes out once outgoing_samples_sent() passes
  // outgoing_samples_sent() + outgoing_samples() as read now (unless clear_outgoing() drops it).
  std::size_t outgoing_samples() const noexcept;
  std::uint64_t outgoing_samples_sent() const noexcept;
  // Digits 0-9 * # A-D. Errc::unsupported in sip_info mode (the dialog sends INFO), unavailable on hold.
  core::Status send_dtmf(char digit, int duration_ms = 100);

  MediaQuality quality() const;
  std::uint16_t local_rtp_port() const noexcept;
  std::string advertised_address() const;  // public_address, else bind_address
  std::uint64_t frames_played() const noexcept;

 private:
  explicit MediaSession(std::shared_ptr<detail::SessionCore> core) noexcept;
  std::shared_ptr<detail::SessionCore> core_;
};

}  // namespace parley::media::session
