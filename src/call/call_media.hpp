#pragma once
// The media half of one call (DESIGN.md s2: a call is a SIP dialog + a media session + a voice
// pipeline): SDP offer/answer under the trunk's media policy, and the MediaSession carrying RTP.
//
//   auto media = CallMedia::create(io, environment, policy, call_id, recording_path);
//   auto answer = media->answer(offer_sdp);   // or offer() ... accept_answer(answer_sdp)
//   media->start();                            // RTP flows (after our 2xx / their answer)
//   media->reanswer(reinvite_offer);           // hold, resume, codec change
//   media->stop();                             // hang-up: sockets closed, ports returned
//
// Lives on the call's io_context like the MediaSession it owns; create() may run anywhere (it only
// allocates ports and binds sockets).
#include <boost/asio/io_context.hpp>

#include <filesystem>
#include <optional>
#include <string>
#include <string_view>

#include "call/media_policy.hpp"
#include "core/error.hpp"
#include "core/worker_pool.hpp"
#include "media/ports/port_allocator.hpp"
#include "media/sdp/session_description.hpp"
#include "media/session/media_session.hpp"

namespace parley::call {

// What every call's media shares: from the daemon configuration.
struct MediaEnvironment {
  std::string bind_address = "0.0.0.0";  // RTP sockets
  std::string public_address;            // SDP c= and o= (config public_ip)
  int timeout_s = 30;
  int jitter_min_ms = 40;
  int jitter_max_ms = 200;
  media::session::TestMode test_mode;
  media::ports::PortAllocator* ports = nullptr;
  core::WorkerPool* workers = nullptr;
};

class CallMedia {
 public:
  // Errc::unavailable when no RTP port pair is free or binding fails.
  static core::Result<CallMedia> create(boost::asio::io_context& io, const MediaEnvironment& environment,
                                        MediaPolicy policy, std::string call_id,
                                        std::optional<std::filesystem::path> recording);

  // Our answer to the peer's offer (RFC 3264 s6). An empty offer (an INVITE without SDP) gets our
  // offer instead, answered later in the ACK (RFC 3261 s13.2.1). Errors: media::sdp's 488 class
  // (is_not_acceptable_here) or invalid_argument for SDP that does not parse.
  core::Result<std::string> answer(std::string_view offer_sdp);
  // Our offer for an outgoing INVITE (RFC 3264 s5), then the peer's answer to it.
  std::string offer();
  core::Status accept_answer(std::string_view answer_sdp);
  bool negotiated() const noexcept { return negotiated_.has_value(); }

  // Starts RTP with what was negotiated; idempotent.
  core::Status start();
  // A later offer in the dialog (re-INVITE/UPDATE: hold, resume, codec change, new address).
  core::Result<std::string> reanswer(std::string_view offer_sdp);
  void stop() noexcept;

  media::session::MediaSession& session() noexcept { return session_; }
  media::session::DtmfMode dtmf_mode() const noexcept { return policy_.dtmf_mode; }
  // The negotiated codec carries 8 kHz audio (G.711, G.729): speech recognition must know.
  bool narrowband() const noexcept;
  std::string codec_name() const { return negotiated_ ? negotiated_->codec.name : std::string(); }

 private:
  CallMedia(media::session::MediaSession session, MediaPolicy policy);
  media::sdp::LocalEndpoint local_endpoint();

  media::session::MediaSession session_;
  MediaPolicy policy_;
  std::optional<media::sdp::SessionDescription> our_offer_;
  std::optional<media::sdp::NegotiatedMedia> negotiated_;
  std::string session_id_;
  int version_ = 1;
  bool started_ = false;
};

}  // namespace parley::call
