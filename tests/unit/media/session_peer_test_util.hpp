#pragma once
// A scripted RTP peer on 127.0.0.1 and a harness that runs MediaSessions on a test io_context,
// for the session_*_test.cpp files.
#include <gtest/gtest.h>
#include <boost/asio/io_context.hpp>
#include <boost/asio/ip/udp.hpp>
#include <boost/asio/steady_timer.hpp>

#include <chrono>
#include <cmath>
#include <cstdlib>
#include <functional>
#include <memory>
#include <optional>
#include <span>
#include <string_view>
#include <vector>

#include "core/worker_pool.hpp"
#include "media/audio_format.hpp"
#include "media/codec/codec_factory.hpp"
#include "media/ports/port_allocator.hpp"
#include "media/rtp/rtp_packet.hpp"
#include "media/rtp/rtp_sender.hpp"
#include "media/sdp/negotiated_media.hpp"
#include "media/session/media_session.hpp"
#include "media/srtp/srtp_session.hpp"

namespace parley::media::test {

namespace asio = boost::asio;
using Udp = asio::ip::udp;

inline sdp::NegotiatedCodec negotiated_codec(std::string_view name) {
  if (name == "PCMA") return {"PCMA", 8, 8000, 1, ""};
  if (name == "G722") return {"G722", 9, 8000, 1, ""};
  if (name == "opus") return {"opus", 111, 48000, 2, ""};
  return {"PCMU", 0, 8000, 1, ""};
}

// One end of a call as a phone would be: sends 20 ms RTP frames on an absolute schedule, decodes what
// comes back in arrival order (loopback does not reorder), keeps every packet.
class RtpPeer {
 public:
  struct Received {
    rtp::RtpHeader header;
    std::vector<std::uint8_t> payload;
  };

  RtpPeer(asio::io_context& io, std::string_view codec_name, std::uint32_t ssrc = 0x5eed0001)
      : io_(io), socket_(io, Udp::endpoint(asio::ip::make_address("127.0.0.1"), 0)), timer_(io),
        negotiated_(negotiated_codec(codec_name)), codec_(std::move(*codec::make_codec(negotiated_))),
        sender_(ssrc, static_cast<std::uint8_t>(negotiated_.payload_type), codec_->info().timestamp_step) {
    receive();
  }
  ~RtpPeer() {
    boost::system::error_code ec;
    socket_.close(ec);
    timer_.cancel();
  }

  std::uint16_t port() const { return socket_.local_endpoint().port(); }
  const sdp::NegotiatedCodec& codec_settings() const { return negotiated_; }
  rtp::RtpSender& sender() { return sender_; }
  void set_target(std::uint16_t port) { target_ = Udp::endpoint(asio::ip::make_address("127.0.0.1"), port); }
  void set_srtp(srtp::SrtpStreams streams) { srtp_.emplace(std::move(streams)); }

  void send_raw(std::span<const std::uint8_t> packet) {
    std::vector<std::uint8_t> buffer(packet.begin(), packet.end());
    std::size_t size = buffer.size();
    if (srtp_) {
      buffer.resize(size + 64);
      size = *srtp_->outbound.protect_rtp(buffer, size);
    }
    socket_.send_to(asio::buffer(buffer.data(), size), target_);
  }

  void send_frame(std::span<const std::int16_t> frame) {
    std::array<std::uint8_t, 1500> payload{};
    std::array<std::uint8_t, 1600> packet{};
    const auto bytes = *codec_->encode(frame, payload);
    if (bytes == 0) {
      sender_.skip_frame();
      return;
    }
    const auto size = *sender_.build_audio(std::span(payload).first(bytes), packet);
    send_raw(std::span(packet).first(size));
    ++frames_sent;
  }

  // Sends `pcm` (16 kHz) as 20 ms frames at start + n x 20 ms, from now.
  void stream(std::vector<std::int16_t> pcm) {
    script_ = std::move(pcm);
    script_frame_ = 0;
    script_start_ = std::chrono::steady_clock::now();
    tick();
  }
  bool streaming() const { return (script_frame_ + 1) * kFrameSamples <= script_.size(); }
  void stop_stream() {
    script_.clear();
    timer_.cancel();
  }

  std::vector<std::int16_t> audio;  // decoded audio packets, in arrival order
  std::vector<Received> packets;    // every RTP packet (audio and events)
  std::size_t rtcp_packets = 0;
  std::function<void(std::span<const std::uint8_t>)> on_rtcp;  // plain RTCP (rtcp-mux)
  std::size_t frames_sent = 0;

 private:
  void tick() {
    if (!streaming()) return;
    send_frame(std::span(script_).subspan(script_frame_ * kFrameSamples, kFrameSamples));
    ++script_frame_;
    timer_.expires_at(script_start_ + std::chrono::milliseconds(kFrameMs) * script_frame_);
    timer_.async_wait([this](const boost::system::error_code& ec) {
      if (!ec) tick();
    });
  }

  void receive() {
    socket_.async_receive_from(asio::buffer(rx_), from_, [this](const boost::system::error_code& ec, std::size_t n) {
      if (ec == asio::error::operation_aborted) return;
      if (!ec) on_packet(std::span(rx_).first(n));
      receive();
    });
  }

  void on_packet(std::span<std::uint8_t> data) {
    if (rtp::is_rtcp(data)) {
      ++rtcp_packets;
      if (on_rtcp) on_rtcp(data);
      return;
    }
    if (srtp_) {
      auto plain = srtp_->inbound.unprotect_rtp(data);
      if (!plain) return;
      data = data.first(*plain);
    }
    auto packet = rtp::parse_rtp(data);
    if (!packet) return;
    packets.push_back({packet->header, {packet->payload.begin(), packet->payload.end()}});
    if (packet->header.payload_type != negotiated_.payload_type) return;
    std::array<std::int16_t, kMaxPacketSamples> pcm{};
    if (auto n = codec_->decode(packet->payload, pcm)) audio.insert(audio.end(), pcm.begin(), pcm.begin() + *n);
  }

  asio::io_context& io_;
  Udp::socket socket_;
  asio::steady_timer timer_;
  sdp::NegotiatedCodec negotiated_;
  std::unique_ptr<codec::Codec> codec_;
  rtp::RtpSender sender_;
  std::optional<srtp::SrtpStreams> srtp_;
  Udp::endpoint target_;
  Udp::endpoint from_;
  std::array<std::uint8_t, 2048> rx_{};
  std::vector<std::int16_t> script_;
  std::size_t script_frame_ = 0;
  std::chrono::steady_clock::time_point script_start_;
};

class SessionHarness {
 public:
  SessionHarness() : ports_(*ports::PortAllocator::create(47000, 47999)) {}

  asio::io_context io;
  core::WorkerPool workers{1, 256};

  // Another test binary may hold a port of the range: try the next pair.
  session::MediaSession open(session::MediaSessionConfig config) {
    config.bind_address = "127.0.0.1";
    for (int attempt = 0; attempt < 50; ++attempt) {
      auto lease = ports_.allocate();
      if (!lease) break;
      auto session = session::MediaSession::create(io, std::move(*lease), config);
      if (session) return std::move(*session);
    }
    ADD_FAILURE() << "no media port could be bound";
    std::abort();
  }

  static sdp::NegotiatedMedia media_for(const RtpPeer& peer, bool rtcp_mux = true) {
    sdp::NegotiatedMedia media;
    media.remote_address = "127.0.0.1";
    media.remote_rtp_port = peer.port();
    media.remote_rtcp_port = rtcp_mux ? peer.port() : static_cast<std::uint16_t>(peer.port() + 1);
    media.rtcp_mux = rtcp_mux;
    media.codec = peer.codec_settings();
    media.telephone_event_pt = 101;
    return media;
  }

  void run_for(std::chrono::milliseconds duration) {
    io.restart();
    io.run_for(duration);
  }

  // Runs until `done` holds or `deadline` passes; returns `done()`.
  template <class Predicate>
  bool run_until(Predicate done, std::chrono::milliseconds deadline) {
    const auto end = std::chrono::steady_clock::now() + deadline;
    while (!done() && std::chrono::steady_clock::now() < end) run_for(std::chrono::milliseconds(10));
    return done();
  }

 private:
  ports::PortAllocator ports_;
};

// Largest normalized cross-correlation of `out` against `ref` over lags 0..max_lag.
inline double max_normalized_xcorr(std::span<const std::int16_t> ref, std::span<const std::int16_t> out,
                                   std::size_t max_lag, std::size_t* best_lag = nullptr) {
  double best = 0.0;
  for (std::size_t lag = 0; lag <= max_lag && lag + ref.size() <= out.size(); ++lag) {
    double xy = 0.0, xx = 0.0, yy = 0.0;
    for (std::size_t i = 0; i < ref.size(); ++i) {
      const double x = ref[i], y = out[i + lag];
      xy += x * y;
      xx += x * x;
      yy += y * y;
    }
    if (xx <= 0.0 || yy <= 0.0) continue;
    const double r = xy / std::sqrt(xx * yy);
    if (r > best) {
      best = r;
      if (best_lag) *best_lag = lag;
    }
  }
  return best;
}

}  // namespace parley::media::test
