#include "media/session/media_session.hpp"

#include "media/session/detail/session_core.hpp"

namespace parley::media::session {

core::Result<MediaSession> MediaSession::create(boost::asio::io_context& io, ports::PortLease ports,
                                                MediaSessionConfig config) {
  auto core = std::make_shared<detail::SessionCore>(io, std::move(ports), std::move(config));
  if (auto status = core->open(); !status) return std::unexpected(status.error());
  return MediaSession(std::move(core));
}

MediaSession::MediaSession(std::shared_ptr<detail::SessionCore> core) noexcept : core_(std::move(core)) {}
MediaSession::MediaSession(MediaSession&&) noexcept = default;

MediaSession& MediaSession::operator=(MediaSession&& other) noexcept {
  if (this != &other) {
    stop();
    core_ = std::move(other.core_);
  }
  return *this;
}

MediaSession::~MediaSession() { stop(); }

core::Status MediaSession::start(const sdp::NegotiatedMedia& media) { return core_->start(media); }
core::Status MediaSession::update(const sdp::NegotiatedMedia& media) { return core_->update(media); }

void MediaSession::stop() noexcept {
  if (core_) core_->stop();
}

void MediaSession::set_audio_sink(AudioSink sink) { core_->set_audio_sink(std::move(sink)); }
void MediaSession::set_dtmf_sink(DtmfSink sink) { core_->set_dtmf_sink(std::move(sink)); }
void MediaSession::set_end_handler(EndHandler handler) { core_->set_end_handler(std::move(handler)); }
void MediaSession::set_recording_handler(RecordingHandler handler) { core_->set_recording_handler(std::move(handler)); }

std::size_t MediaSession::enqueue_audio(std::span<const std::int16_t> pcm16k) { return core_->enqueue_audio(pcm16k); }
void MediaSession::clear_outgoing() noexcept { core_->clear_outgoing(); }
int MediaSession::outgoing_ms() const noexcept { return core_->outgoing_ms(); }
std::size_t MediaSession::outgoing_samples() const noexcept { return core_->outgoing_samples(); }
std::uint64_t MediaSession::outgoing_samples_sent() const noexcept { return core_->outgoing_samples_sent(); }
core::Status MediaSession::send_dtmf(char digit, int duration_ms) { return core_->send_dtmf(digit, duration_ms); }

MediaQuality MediaSession::quality() const { return core_->quality(); }
std::uint16_t MediaSession::local_rtp_port() const noexcept { return core_->local_rtp_port(); }
std::uint64_t MediaSession::frames_played() const noexcept { return core_->frames_played(); }

std::string MediaSession::advertised_address() const {
  const auto& config = core_->config();
  return config.public_address.empty() ? config.bind_address : config.public_address;
}

}  // namespace parley::media::session
