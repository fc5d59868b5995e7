#include "call/call_media.hpp"

#include "core/text.hpp"
#include "core/time.hpp"
#include "media/sdp/sdp_parser.hpp"
#include "media/sdp/sdp_writer.hpp"

namespace parley::call {

core::Result<CallMedia> CallMedia::create(boost::asio::io_context& io, const MediaEnvironment& environment,
                                          MediaPolicy policy, std::string call_id,
                                          std::optional<std::filesystem::path> recording) {
  if (!environment.ports) return core::fail(core::Errc::invalid_argument, "no RTP port allocator", "ports");
  auto lease = environment.ports->allocate();
  if (!lease) return std::unexpected(lease.error());
  media::session::MediaSessionConfig config;
  config.call_id = std::move(call_id);
  config.bind_address = environment.bind_address;
  config.public_address = environment.public_address;
  config.media_timeout_s = environment.timeout_s;
  config.jitter_min_ms = environment.jitter_min_ms;
  config.jitter_max_ms = environment.jitter_max_ms;
  config.recording_path = std::move(recording);
  config.dtmf_mode = policy.dtmf_mode;
  config.test_mode = environment.test_mode;
  config.workers = environment.workers;
  auto session = media::session::MediaSession::create(io, std::move(*lease), std::move(config));
  if (!session) return std::unexpected(session.error());
  return CallMedia(std::move(*session), std::move(policy));
}

CallMedia::CallMedia(media::session::MediaSession session, MediaPolicy policy)
    : session_(std::move(session)),
      policy_(std::move(policy)),
      session_id_(std::to_string(core::to_unix_ms(core::now_utc()))) {}

media::sdp::LocalEndpoint CallMedia::local_endpoint() {
  media::sdp::LocalEndpoint local;
  local.address = session_.advertised_address();
  local.address_type =
      local.address.find(':') != std::string::npos ? media::sdp::AddressType::ip6 : media::sdp::AddressType::ip4;
  local.rtp_port = session_.local_rtp_port();
  local.session_id = session_id_;
  // RFC 3264 s8: every new SDP of the session increments the o= version.
  local.session_version = std::to_string(version_++);
  return local;
}

core::Result<std::string> CallMedia::answer(std::string_view offer_sdp) {
  if (offer_sdp.empty()) return offer();
  auto offer = media::sdp::parse_sdp(offer_sdp);
  if (!offer) return std::unexpected(offer.error());
  auto answer = media::sdp::answer_offer(*offer, local_endpoint(), policy_.offer_answer);
  if (!answer) return std::unexpected(answer.error());
  negotiated_ = std::move(answer->media);
  return media::sdp::write_sdp(answer->sdp);
}

std::string CallMedia::offer() {
  our_offer_ = media::sdp::build_offer(local_endpoint(), policy_.offer_answer, policy_.offer_srtp);
  return media::sdp::write_sdp(*our_offer_);
}

core::Status CallMedia::accept_answer(std::string_view answer_sdp) {
  if (!our_offer_) return core::fail(core::Errc::invalid_argument, "an answer without our offer", "sdp");
  auto answer = media::sdp::parse_sdp(answer_sdp);
  if (!answer) return std::unexpected(answer.error());
  auto media = media::sdp::process_answer(*our_offer_, *answer);
  if (!media) return std::unexpected(media.error());
  negotiated_ = std::move(*media);
  return {};
}

core::Status CallMedia::start() {
  if (started_) return {};
  if (!negotiated_) return core::fail(core::Errc::invalid_argument, "media not negotiated", "sdp");
  if (auto r = session_.start(*negotiated_); !r) return r;
  started_ = true;
  return {};
}

core::Result<std::string> CallMedia::reanswer(std::string_view offer_sdp) {
  auto offer = media::sdp::parse_sdp(offer_sdp);
  if (!offer) return std::unexpected(offer.error());
  auto answer = media::sdp::answer_offer(*offer, local_endpoint(), policy_.offer_answer);
  if (!answer) return std::unexpected(answer.error());
  if (started_) {
    if (auto r = session_.update(answer->media); !r) return std::unexpected(r.error());
  }
  negotiated_ = std::move(answer->media);
  return media::sdp::write_sdp(answer->sdp);
}

void CallMedia::stop() noexcept { session_.stop(); }

bool CallMedia::narrowband() const noexcept {
  if (!negotiated_) return true;
  const auto& name = negotiated_->codec.name;
  // G.722 runs at 16 kHz despite its 8000 RTP clock (RFC 3551 s4.5.2); opus is fullband.
  return !(core::iequals(name, "G722") || core::iequals(name, "opus"));
}

}  // namespace parley::call
