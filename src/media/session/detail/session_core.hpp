#pragma once
// The state and behaviour behind MediaSession (media_session.hpp), shared with the asynchronous
// handlers that keep it alive. Everything runs on the call's io_context; nothing here locks.
// The class is long-lived and large, so its definition is split by job:
//   session_core.cpp     lifecycle: open, start/update (offer/answer results), stop, API, quality
//   session_receive.cpp  sockets in: demux, latching, SRTP, RTP to the jitter buffer, events, RTCP in
//   session_clock.cpp    the 20 ms clock: playout to the sink, the outgoing frame, encode/send, DTMF out, RTCP out
#include <boost/asio/io_context.hpp>
#include <boost/asio/ip/udp.hpp>
#include <boost/asio/steady_timer.hpp>

#include <array>
#include <chrono>
#include <cstdint>
#include <deque>
#include <functional>
#include <memory>
#include <optional>
#include <span>
#include <string_view>
#include <vector>

#include "core/error.hpp"
#include "media/audio_format.hpp"
#include "media/codec/codec.hpp"
#include "media/dsp/resampler.hpp"
#include "media/dtmf/dtmf_event.hpp"
#include "media/dtmf/inband_detector.hpp"
#include "media/dtmf/telephone_event_receiver.hpp"
#include "media/dtmf/telephone_event_sender.hpp"
#include "media/jitter/jitter_buffer.hpp"
#include "media/ports/port_allocator.hpp"
#include "media/rtp/receive_statistics.hpp"
#include "media/rtp/rtp_sender.hpp"
#include "media/sdp/negotiated_media.hpp"
#include "media/session/detail/audio_queue.hpp"
#include "media/session/detail/frame_clock.hpp"
#include "media/session/detail/rtcp_reporter.hpp"
#include "media/session/detail/session_recorder.hpp"
#include "media/session/detail/source_latch.hpp"
#include "media/session/detail/wav_loop.hpp"
#include "media/session/media_quality.hpp"
#include "media/session/session_config.hpp"
#include "media/srtp/srtp_session.hpp"

namespace parley::media::session::detail {

using AudioSink = std::function<void(std::span<const std::int16_t> frame16k, std::uint64_t frame_no)>;
using DtmfSink = std::function<void(const dtmf::Dtmf& digit)>;
using EndHandler = std::function<void(std::string_view reason)>;
using RecordingHandler = std::function<void(core::Status)>;

inline constexpr std::size_t kMaxOutgoingSamples = 120 * kSampleRate;  // two minutes of queued agent audio

class SessionCore : public std::enable_shared_from_this<SessionCore> {
 public:
  using Clock = std::chrono::steady_clock;
  using Endpoint = boost::asio::ip::udp::endpoint;

  SessionCore(boost::asio::io_context& io, ports::PortLease ports, MediaSessionConfig config);
  ~SessionCore();

  core::Status open();  // binds the sockets; called once by MediaSession::create
  core::Status start(const sdp::NegotiatedMedia& media);
  core::Status update(const sdp::NegotiatedMedia& media);
  void stop() noexcept;

  void set_audio_sink(AudioSink sink) { audio_sink_ = std::move(sink); }
  void set_dtmf_sink(DtmfSink sink) { dtmf_sink_ = std::move(sink); }
  void set_end_handler(EndHandler handler) { end_handler_ = std::move(handler); }
  void set_recording_handler(RecordingHandler handler) { *recording_handler_ = std::move(handler); }

  std::size_t enqueue_audio(std::span<const std::int16_t> pcm16k) { return outgoing_.push(pcm16k); }
  void clear_outgoing() noexcept { outgoing_.clear(); }
  int outgoing_ms() const noexcept { return static_cast<int>(outgoing_.size() * 1000 / kSampleRate); }
  std::size_t outgoing_samples() const noexcept { return outgoing_.size(); }
  std::uint64_t outgoing_samples_sent() const noexcept { return outgoing_sent_; }
  core::Status send_dtmf(char digit, int duration_ms);

  MediaQuality quality() const;
  std::uint16_t local_rtp_port() const noexcept { return local_port_; }
  const MediaSessionConfig& config() const noexcept { return config_; }
  bool started() const noexcept { return started_; }
  bool stopped() const noexcept { return stopped_; }
  std::uint64_t frames_played() const noexcept { return clock_ ? clock_->next_frame() : 0; }

 private:
  // session_core.cpp
  core::Status apply_codec(const sdp::NegotiatedCodec& negotiated);
  core::Status apply_media(const sdp::NegotiatedMedia& media, bool first);
  std::optional<Endpoint> signalled(const sdp::NegotiatedMedia& media, std::uint16_t port) const;
  std::optional<Endpoint> rtcp_destination() const;
  Endpoint normalize(const Endpoint& endpoint) const;
  bool expects_rtp() const noexcept;
  void load_play_file();

  // session_receive.cpp
  void receive_rtp();
  void receive_rtcp();
  void on_datagram(std::span<std::uint8_t> packet, const Endpoint& from, bool rtcp_socket);
  void handle_rtp(std::span<std::uint8_t> packet, const Endpoint& from, Clock::time_point now);
  void handle_rtcp(std::span<std::uint8_t> packet, const Endpoint& from, Clock::time_point now);
  void deliver_dtmf(const dtmf::Dtmf& digit);

  // session_clock.cpp
  void schedule_tick();
  void on_tick();
  void produce_frame(std::uint64_t frame_no);
  void pick_outgoing(std::span<const std::int16_t> received);
  void transmit();
  bool send_event_packet();
  void send_rtp(std::size_t length);
  void send_rtcp(Clock::time_point now, bool goodbye);
  void check_timers(Clock::time_point now);

  boost::asio::io_context& io_;
  ports::PortLease ports_;
  MediaSessionConfig config_;
  boost::asio::ip::udp::socket rtp_socket_;
  boost::asio::ip::udp::socket rtcp_socket_;
  boost::asio::steady_timer timer_;
  std::uint16_t local_port_ = 0;
  bool v6_socket_ = false;
  bool started_ = false;
  bool stopped_ = false;

  // What offer/answer settled.
  sdp::NegotiatedMedia media_;
  std::unique_ptr<codec::Codec> codec_;
  std::optional<jitter::JitterBuffer> jitter_;
  std::optional<rtp::RtpSender> sender_;
  std::optional<rtp::ReceiveStatistics> statistics_;
  std::optional<dtmf::TelephoneEventReceiver> events_in_;
  std::optional<srtp::SrtpStreams> srtp_;
  SourceLatch latch_;
  std::optional<Endpoint> rtcp_source_;  // latched RTCP source without rtcp-mux
  std::optional<std::uint32_t> remote_ssrc_;
  std::uint32_t local_ssrc_ = 0;
  std::optional<RtcpReporter> rtcp_;
  std::optional<FrameClock> clock_;

  // Audio in and out.
  AudioQueue outgoing_{kMaxOutgoingSamples};
  std::uint64_t outgoing_sent_ = 0;  // queued samples taken for sending, ever
  std::shared_ptr<const std::vector<std::int16_t>> play_pcm_;  // loaded on the worker pool
  std::optional<WavLoop> play_;
  std::unique_ptr<SessionRecorder> recorder_;
  std::optional<dtmf::InbandDtmfDetector> inband_detector_;
  std::optional<dsp::Resampler> detector_resampler_;  // 16 kHz -> 8 kHz for the detector
  std::array<std::int16_t, kFrameSamples> in_frame_{};
  std::array<std::int16_t, kFrameSamples> out_frame_{};
  std::array<std::int16_t, kFrameSamples / 2> narrow_frame_{};

  // DTMF out: RFC 4733 packet runs (one per digit) or inband tone samples.
  std::deque<std::vector<dtmf::TelephoneEventPacket>> digits_out_;
  std::size_t event_position_ = 0;
  std::uint32_t event_timestamp_ = 0;
  int frames_until_next_digit_ = 0;
  std::vector<std::int16_t> tone_;
  std::size_t tone_position_ = 0;

  // Buffers, reused for every packet.
  std::array<std::uint8_t, 2048> rtp_rx_{};
  std::array<std::uint8_t, 2048> rtcp_rx_{};
  Endpoint rtp_from_;
  Endpoint rtcp_from_;
  std::array<std::uint8_t, 1600> payload_{};
  std::array<std::uint8_t, 1700> tx_{};

  // Timing and counters.
  Clock::time_point last_rx_{};
  Clock::time_point last_event_rx_{};
  bool timed_out_ = false;
  std::uint64_t packets_received_ = 0;
  std::uint64_t packets_sent_ = 0;
  std::uint64_t packets_foreign_ = 0;
  std::uint64_t packets_invalid_ = 0;
  std::uint64_t frames_concealed_ = 0;
  std::uint64_t frames_late_ = 0;
  std::uint64_t delay_sum_ms_ = 0;
  std::uint64_t delay_samples_ = 0;
  int delay_max_ms_ = 0;
  std::uint64_t lost_before_codec_change_ = 0;
  std::uint32_t sent_packets_before_ = 0;  // RtpSender counts restart with a codec change
  std::uint32_t sent_octets_before_ = 0;

  AudioSink audio_sink_;
  DtmfSink dtmf_sink_;
  EndHandler end_handler_;
  std::shared_ptr<RecordingHandler> recording_handler_ = std::make_shared<RecordingHandler>();
};

}  // namespace parley::media::session::detail
