#pragma once
// Symmetric RTP latching (RFC 4961 s3, and common NAT practice): the first packet from the signalled
// address, or else the first that carries an expected payload type, fixes the one source this stream
// accepts and sends to. Packets from any other source are dropped (RTP bleed, injection).
#include <boost/asio/ip/udp.hpp>

#include <cstdint>
#include <optional>

namespace parley::media::session::detail {

class SourceLatch {
 public:
  using Endpoint = boost::asio::ip::udp::endpoint;

  enum class Verdict {
    accept,  // from the latched source
    latch,   // no source yet and this one qualifies: accept and latch() once it proves valid (SRTP)
    drop,    // another source
  };

  // Forgets the latched source: a new offer/answer may move the peer.
  void reset(std::optional<Endpoint> signalled, int audio_payload_type, std::optional<int> event_payload_type) noexcept;

  // The payload types may change with a re-INVITE while the peer stays put.
  void expect(int audio_payload_type, std::optional<int> event_payload_type) noexcept {
    audio_payload_type_ = audio_payload_type;
    event_payload_type_ = event_payload_type.value_or(-1);
  }

  Verdict check(const Endpoint& from, int payload_type) const noexcept;
  void latch(const Endpoint& from) noexcept { latched_ = from; }

  const std::optional<Endpoint>& latched() const noexcept { return latched_; }
  // Where to send: the latched source once there is one (symmetric RTP), the signalled address before.
  const std::optional<Endpoint>& destination() const noexcept { return latched_ ? latched_ : signalled_; }

 private:
  std::optional<Endpoint> signalled_;
  std::optional<Endpoint> latched_;
  int audio_payload_type_ = -1;
  int event_payload_type_ = -1;
};

}  // namespace parley::media::session::detail
