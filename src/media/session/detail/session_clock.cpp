// SessionCore, the 20 ms clock: playout to the sink, the outgoing frame, encode and send, DTMF out,
// RTCP out, the media timeout.
#include <boost/asio/buffer.hpp>
#include <boost/asio/post.hpp>
#include <spdlog/spdlog.h>

#include <algorithm>

#include "core/log.hpp"
#include "media/rtp/ntp_time.hpp"
#include "media/session/detail/session_core.hpp"

namespace parley::media::session::detail {
namespace asio = boost::asio;

namespace {

constexpr int kInterDigitFrames = 3;                      // 60 ms of audio between two RFC 4733 digits
constexpr auto kEventQuiet = std::chrono::milliseconds(1000);  // an event with no end packet is over after this

}  // namespace

void SessionCore::schedule_tick() {
  // Absolute deadlines (start + n x 20 ms): a late wake-up shortens the next wait instead of shifting it.
  timer_.expires_at(clock_->next_deadline());
  timer_.async_wait([self = shared_from_this()](const boost::system::error_code& ec) {
    if (ec || self->stopped_) return;
    self->on_tick();
  });
}

void SessionCore::on_tick() {
  const auto now = Clock::now();
  const auto due = clock_->advance(now);
  frames_late_ += due.skipped;
  for (std::uint64_t i = 0; i < due.count; ++i) {
    produce_frame(due.first + i);
    if (stopped_) return;
  }
  check_timers(now);
  if (!stopped_) schedule_tick();
}

void SessionCore::produce_frame(std::uint64_t frame_no) {
  const auto kind = jitter_->pop(*codec_, in_frame_);
  if (kind == jitter::FrameKind::concealed) ++frames_concealed_;
  if (kind != jitter::FrameKind::silence) {
    // The audio buffered behind the frame played now: how long a packet arriving now waits.
    const int delay = jitter_->current_delay_ms();
    delay_sum_ms_ += static_cast<std::uint64_t>(delay);
    ++delay_samples_;
    delay_max_ms_ = std::max(delay_max_ms_, delay);
  }
  if (inband_detector_) {
    detector_resampler_->process(in_frame_, narrow_frame_);
    inband_detector_->process(narrow_frame_);
    while (auto digit = inband_detector_->next_digit()) {
      deliver_dtmf(*digit);
      if (stopped_) return;
    }
  }
  if (audio_sink_) {
    audio_sink_(in_frame_, frame_no);
    if (stopped_) return;
  }
  pick_outgoing(in_frame_);
  if (recorder_) recorder_->add(frame_no, in_frame_, out_frame_);
  transmit();
}

void SessionCore::pick_outgoing(std::span<const std::int16_t> received) {
  if (tone_position_ < tone_.size()) {
    // An inband DTMF tone replaces the outgoing audio while it lasts; queued audio waits.
    const auto n = std::min(kFrameSamples, tone_.size() - tone_position_);
    std::copy_n(tone_.begin() + static_cast<std::ptrdiff_t>(tone_position_), n, out_frame_.begin());
    std::fill(out_frame_.begin() + static_cast<std::ptrdiff_t>(n), out_frame_.end(), std::int16_t{0});
    tone_position_ += n;
    return;
  }
  switch (config_.test_mode.kind) {
    case TestModeKind::echo:
      std::ranges::copy(received, out_frame_.begin());
      return;
    case TestModeKind::play:
      if (play_) {
        play_->next(out_frame_);
      } else {
        out_frame_.fill(0);  // the file is still loading (or failed)
      }
      return;
    case TestModeKind::none:
      outgoing_sent_ += outgoing_.pop(out_frame_);
      return;
  }
}

void SessionCore::transmit() {
  if (frames_until_next_digit_ > 0) --frames_until_next_digit_;
  // RFC 3264 s8.4: nothing goes out while the stream does not send; the RTP clock keeps running.
  if (!sdp::sends(media_.direction) || !latch_.destination()) {
    sender_->skip_frame();
    return;
  }
  if (send_event_packet()) {
    sender_->skip_frame();  // RFC 4733 s2.5.1.1: the event replaces the audio of this interval
    return;
  }
  const auto bytes = codec_->encode(out_frame_, payload_);
  if (!bytes || *bytes == 0) {
    sender_->skip_frame();  // DTX: the next packet starts a talk spurt (RFC 3551 s4.1 marker)
    return;
  }
  const auto size = sender_->build_audio(std::span(payload_).first(*bytes), tx_);
  if (size) send_rtp(*size);
}

bool SessionCore::send_event_packet() {
  if (digits_out_.empty() || frames_until_next_digit_ > 0 || !media_.telephone_event_pt) return false;
  const auto& packets = digits_out_.front();
  // RFC 4733 s2.3.1: every packet of one event carries the RTP timestamp of its start.
  if (event_position_ == 0) event_timestamp_ = sender_->timestamp();
  const auto& packet = packets[event_position_];
  std::array<std::uint8_t, dtmf::kTelephoneEventSize> payload{};
  dtmf::write_telephone_event(packet.event, payload);
  const auto size = sender_->build(static_cast<std::uint8_t>(*media_.telephone_event_pt), event_timestamp_,
                                   packet.marker, payload, tx_);
  if (size) send_rtp(*size);
  if (++event_position_ == packets.size()) {
    digits_out_.pop_front();
    event_position_ = 0;
    frames_until_next_digit_ = kInterDigitFrames;
  }
  return true;
}

void SessionCore::send_rtp(std::size_t length) {
  std::size_t size = length;
  if (srtp_) {
    const auto protected_size = srtp_->outbound.protect_rtp(tx_, length);
    if (!protected_size) return;
    size = *protected_size;
  }
  boost::system::error_code ec;
  rtp_socket_.send_to(asio::buffer(tx_.data(), size), *latch_.destination(), 0, ec);
  if (!ec) ++packets_sent_;
}

std::optional<SessionCore::Endpoint> SessionCore::rtcp_destination() const {
  if (media_.rtcp_mux) return latch_.destination();
  if (rtcp_source_) return rtcp_source_;
  const auto& latched = latch_.latched();
  if (latched && latched != signalled(media_, media_.remote_rtp_port)) {
    // RTP came from elsewhere than SDP said (NAT): its RTCP is on the next port there (RFC 3550 s11).
    return Endpoint(latched->address(), static_cast<std::uint16_t>(latched->port() + 1));
  }
  return signalled(media_, media_.remote_rtcp_port);
}

void SessionCore::send_rtcp(Clock::time_point now, bool goodbye) {
  const auto destination = rtcp_destination();
  RtcpReporter::Sender sender;
  sender.packets = sent_packets_before_ + sender_->packet_count();
  sender.octets = sent_octets_before_ + sender_->octet_count();
  // RFC 3550 s6.4.1: the RTP time of the same instant as the NTP time; the next frame is due later.
  const auto ahead = std::chrono::duration<double>(clock_->next_deadline() - now).count();
  sender.rtp_timestamp = sender_->timestamp() -
                         static_cast<std::uint32_t>(std::max(0.0, ahead) * codec_->info().rtp_clock_rate);
  std::optional<RtcpReporter::Source> source;
  if (remote_ssrc_) source = RtcpReporter::Source{*remote_ssrc_, &*statistics_};
  auto size = rtcp_->build(now, rtp::to_ntp(std::chrono::system_clock::now()), sender, source, goodbye, tx_);
  if (!size || !destination) return;
  std::size_t length = *size;
  if (srtp_) {
    const auto protected_size = srtp_->outbound.protect_rtcp(tx_, length);
    if (!protected_size) return;
    length = *protected_size;
  }
  boost::system::error_code ec;
  auto& socket = media_.rtcp_mux ? rtp_socket_ : rtcp_socket_;
  socket.send_to(asio::buffer(tx_.data(), length), *destination, 0, ec);
}

void SessionCore::check_timers(Clock::time_point now) {
  if (config_.media_timeout_s > 0 && !timed_out_ && expects_rtp() &&
      now - last_rx_ >= std::chrono::seconds(config_.media_timeout_s)) {
    timed_out_ = true;
    spdlog::warn("event=media.timeout call_id={} timeout_s={} packets_received={}", core::log_value(config_.call_id),
                 config_.media_timeout_s, packets_received_);
    // Posted: the handler typically ends the call, which stops this session.
    asio::post(io_, [weak = weak_from_this()] {
      auto self = weak.lock();
      if (self && !self->stopped_ && self->end_handler_) self->end_handler_("media_timeout");
    });
  }
  // RFC 4733 s2.5.2.2: an event whose end packets were all lost ends when its packets stop.
  if (now - last_event_rx_ > kEventQuiet) {
    if (auto digit = events_in_->flush()) deliver_dtmf(*digit);
    if (stopped_) return;
  }
  if (rtcp_->due(now)) send_rtcp(now, false);
}

}  // namespace parley::media::session::detail
