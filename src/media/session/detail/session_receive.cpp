// SessionCore, sockets in: RTP/RTCP demux, latching, SRTP, jitter buffer, RFC 4733 events, RTCP reports.
#include <boost/asio/buffer.hpp>
#include <spdlog/spdlog.h>

#include "core/log.hpp"
#include "media/rtp/ntp_time.hpp"
#include "media/rtp/rtp_packet.hpp"
#include "media/session/detail/session_core.hpp"

namespace parley::media::session::detail {
namespace asio = boost::asio;

namespace {

// After a wake-up, read what else is already queued on the socket before going back to the reactor.
constexpr int kDrainBatch = 16;

std::string endpoint_text(const asio::ip::udp::endpoint& endpoint) {
  return endpoint.address().to_string() + ":" + std::to_string(endpoint.port());
}

}  // namespace

void SessionCore::receive_rtp() {
  rtp_socket_.async_receive_from(
      asio::buffer(rtp_rx_), rtp_from_, [self = shared_from_this()](const boost::system::error_code& ec, std::size_t n) {
        if (ec == asio::error::operation_aborted || self->stopped_) return;
        if (!ec) self->on_datagram(std::span(self->rtp_rx_).first(n), self->rtp_from_, false);
        for (int i = 0; i < kDrainBatch && !self->stopped_; ++i) {
          boost::system::error_code again;
          const auto m = self->rtp_socket_.receive_from(asio::buffer(self->rtp_rx_), self->rtp_from_, 0, again);
          if (again) break;
          self->on_datagram(std::span(self->rtp_rx_).first(m), self->rtp_from_, false);
        }
        if (!self->stopped_) self->receive_rtp();
      });
}

void SessionCore::receive_rtcp() {
  rtcp_socket_.async_receive_from(
      asio::buffer(rtcp_rx_), rtcp_from_, [self = shared_from_this()](const boost::system::error_code& ec, std::size_t n) {
        if (ec == asio::error::operation_aborted || self->stopped_) return;
        if (!ec) self->on_datagram(std::span(self->rtcp_rx_).first(n), self->rtcp_from_, true);
        if (!self->stopped_) self->receive_rtcp();
      });
}

void SessionCore::on_datagram(std::span<std::uint8_t> packet, const Endpoint& from, bool rtcp_socket) {
  const auto now = Clock::now();
  // RFC 5761 s4: with rtcp-mux, RTCP shares the RTP port and is told apart by the packet type.
  if (rtcp_socket || (media_.rtcp_mux && rtp::is_rtcp(packet))) {
    handle_rtcp(packet, from, now);
  } else {
    handle_rtp(packet, from, now);
  }
}

void SessionCore::handle_rtp(std::span<std::uint8_t> packet, const Endpoint& from, Clock::time_point now) {
  auto parsed = rtp::parse_rtp(packet);
  if (!parsed) {
    ++packets_invalid_;
    return;
  }
  const auto verdict = latch_.check(from, parsed->header.payload_type);
  if (verdict == SourceLatch::Verdict::drop) {
    ++packets_foreign_;
    return;
  }
  if (srtp_) {
    // RFC 3711 s3.3: authenticate before anything else; a source is latched only once it proved the key.
    auto plain = srtp_->inbound.unprotect_rtp(packet);
    if (!plain) {
      ++packets_invalid_;
      return;
    }
    parsed = rtp::parse_rtp(packet.first(*plain));
    if (!parsed) {
      ++packets_invalid_;
      return;
    }
  }
  if (verdict == SourceLatch::Verdict::latch) {
    latch_.latch(from);
    spdlog::info("event=media.latched call_id={} source={} ssrc={}", core::log_value(config_.call_id),
                 endpoint_text(from), parsed->header.ssrc);
  }
  const auto& header = parsed->header;
  last_rx_ = now;
  ++packets_received_;
  remote_ssrc_ = header.ssrc;
  const auto arrival = std::chrono::duration_cast<std::chrono::microseconds>(now - clock_->start());
  statistics_->on_packet(header.sequence, header.timestamp, arrival);

  if (media_.telephone_event_pt && header.payload_type == *media_.telephone_event_pt) {
    last_event_rx_ = now;
    const auto completed = events_in_->on_packet(header.timestamp, parsed->payload);
    for (const auto& digit : completed.view()) {
      if (stopped_) return;
      deliver_dtmf(digit);
    }
    return;
  }
  if (header.payload_type != media_.codec.payload_type) {
    ++packets_invalid_;  // comfort noise (RFC 3389) or a payload type nobody negotiated
    return;
  }
  jitter_->push(header.sequence, header.timestamp, parsed->payload, arrival);
}

void SessionCore::handle_rtcp(std::span<std::uint8_t> packet, const Endpoint& from, Clock::time_point now) {
  // RFC 4961 s3: RTCP comes from the same host as the RTP it describes.
  const auto& peer = latch_.destination();
  if (!peer || from.address() != peer->address()) {
    ++packets_foreign_;
    return;
  }
  auto plain = packet;
  if (srtp_) {
    auto length = srtp_->inbound.unprotect_rtcp(packet);
    if (!length) {
      ++packets_invalid_;
      return;
    }
    plain = packet.first(*length);
  }
  if (!rtcp_->on_packet(plain, now, rtp::to_ntp(std::chrono::system_clock::now()))) {
    ++packets_invalid_;
    return;
  }
  if (!media_.rtcp_mux && !rtcp_source_) rtcp_source_ = from;  // symmetric RTCP (RFC 4961 s3)
}

void SessionCore::deliver_dtmf(const dtmf::Dtmf& digit) {
  spdlog::info("event=media.dtmf call_id={} digit={} duration_ms={}", core::log_value(config_.call_id),
               std::string(1, digit.digit), digit.duration_ms);
  if (dtmf_sink_) dtmf_sink_(digit);
}

}  // namespace parley::media::session::detail
