#include "media/session/detail/session_core.hpp"

#include <boost/asio/ip/address.hpp>
#include <boost/asio/ip/v6_only.hpp>
#include <boost/asio/post.hpp>
#include <spdlog/spdlog.h>

#include <algorithm>
#include <cstring>

#include "core/crypto.hpp"
#include "core/log.hpp"
#include "core/worker_pool.hpp"
#include "media/codec/codec_factory.hpp"
#include "media/dtmf/inband_generator.hpp"
#include "media/rtp/mos.hpp"

namespace parley::media::session::detail {
namespace asio = boost::asio;

namespace {

std::uint32_t random_ssrc() {
  const auto bytes = core::random_bytes(sizeof(std::uint32_t));
  std::uint32_t value = 0;
  std::memcpy(&value, bytes.data(), sizeof value);
  return value;
}

bool same_keys(const std::optional<sdp::SrtpKeys>& a, const std::optional<sdp::SrtpKeys>& b) {
  if (a.has_value() != b.has_value()) return false;
  if (!a) return true;
  return a->suite == b->suite && a->local_key == b->local_key && a->remote_key == b->remote_key;
}

std::optional<asio::ip::address> parse_remote_address(const sdp::NegotiatedMedia& media) {
  boost::system::error_code ec;
  const auto address = asio::ip::make_address(media.remote_address, ec);
  if (ec || address.is_unspecified()) return std::nullopt;  // c=0.0.0.0: RFC 2543-style hold, nowhere to send
  return address;
}

}  // namespace

SessionCore::SessionCore(asio::io_context& io, ports::PortLease ports, MediaSessionConfig config)
    : io_(io), ports_(std::move(ports)), config_(std::move(config)), rtp_socket_(io), rtcp_socket_(io), timer_(io),
      local_port_(ports_.rtp_port()), local_ssrc_(random_ssrc()) {}

SessionCore::~SessionCore() { stop(); }

core::Status SessionCore::open() {
  if (!ports_) return core::fail(core::Errc::invalid_argument, "media session needs a port lease", "ports");
  if (config_.jitter_min_ms < kFrameMs || config_.jitter_max_ms < config_.jitter_min_ms) {
    return core::fail(core::Errc::invalid_argument, "jitter bounds need 20 <= min <= max", "jitter");
  }
  const bool needs_workers = config_.recording_path || config_.test_mode.kind == TestModeKind::play;
  if (needs_workers && !config_.workers) {
    return core::fail(core::Errc::invalid_argument, "recording and play need the worker pool", "workers");
  }
  boost::system::error_code ec;
  const auto bind = asio::ip::make_address(config_.bind_address, ec);
  if (ec) return core::fail(core::Errc::invalid_argument, "bad media bind address", "bind_address");
  v6_socket_ = bind.is_v6();
  for (auto [socket, port] : {std::pair{&rtp_socket_, ports_.rtp_port()}, std::pair{&rtcp_socket_, ports_.rtcp_port()}}) {
    socket->open(v6_socket_ ? asio::ip::udp::v6() : asio::ip::udp::v4(), ec);
    if (!ec && v6_socket_ && bind.is_unspecified()) socket->set_option(asio::ip::v6_only(false), ec);
    if (!ec) socket->bind(Endpoint(bind, port), ec);
    if (!ec) socket->non_blocking(true, ec);  // sends never block the I/O thread: a full buffer drops the packet
    if (ec) {
      return core::fail(core::Errc::unavailable, "bind media port " + std::to_string(port) + ": " + ec.message(), "ports");
    }
  }
  if (config_.recording_path) {
    // The file completes after stop(), possibly after the session is gone: the handler slot outlives it.
    recorder_ = std::make_unique<SessionRecorder>(io_, *config_.workers, *config_.recording_path, config_.call_id,
                                                  [slot = recording_handler_](core::Status status) {
                                                    if (*slot) (*slot)(status);
                                                  });
  }
  if (config_.dtmf_mode == DtmfMode::inband) {
    auto detector = dtmf::InbandDtmfDetector::create();
    if (!detector) return std::unexpected(detector.error());
    auto resampler = dsp::Resampler::create(kSampleRate, kSampleRate / 2);
    if (!resampler) return std::unexpected(resampler.error());
    inband_detector_.emplace(std::move(*detector));
    detector_resampler_.emplace(std::move(*resampler));
  }
  if (config_.test_mode.kind == TestModeKind::play) load_play_file();
  return {};
}

void SessionCore::load_play_file() {
  auto job = [weak = weak_from_this(), &io = io_, path = config_.test_mode.play_file, call_id = config_.call_id] {
    auto pcm = load_wav_16k(path);
    if (!pcm) {
      spdlog::error("event=media.play_failed call_id={} path={} error={}", core::log_value(call_id),
                    core::log_value(path.string()), core::log_value(pcm.error().message));
      return;
    }
    auto shared = std::make_shared<const std::vector<std::int16_t>>(std::move(*pcm));
    asio::post(io, [weak, shared] {
      if (auto self = weak.lock()) self->play_.emplace(shared);
    });
  };
  if (!config_.workers->try_submit(std::move(job))) {
    spdlog::error("event=media.play_failed call_id={} error=worker_queue_full", core::log_value(config_.call_id));
  }
}

SessionCore::Endpoint SessionCore::normalize(const Endpoint& endpoint) const {
  if (v6_socket_ && endpoint.address().is_v4()) {
    return Endpoint(asio::ip::make_address_v6(asio::ip::v4_mapped, endpoint.address().to_v4()), endpoint.port());
  }
  return endpoint;
}

std::optional<SessionCore::Endpoint> SessionCore::signalled(const sdp::NegotiatedMedia& media, std::uint16_t port) const {
  const auto address = parse_remote_address(media);
  if (!address || port == 0) return std::nullopt;
  if (!v6_socket_ && address->is_v6()) return std::nullopt;  // an IPv4 socket cannot reach it
  return normalize(Endpoint(*address, port));
}

bool SessionCore::expects_rtp() const noexcept {
  // RFC 3264 s8.4: a peer that holds us (sendonly/inactive) sends nothing; neither does one we hold.
  return started_ && !stopped_ && sdp::receives(media_.direction) && !media_.remote_hold;
}

core::Status SessionCore::apply_codec(const sdp::NegotiatedCodec& negotiated) {
  auto codec = codec::make_codec(negotiated);
  if (!codec) return std::unexpected(codec.error());
  const auto& info = (*codec)->info();
  jitter::JitterConfig jitter_config;
  jitter_config.clock_rate = info.rtp_clock_rate;
  jitter_config.min_delay_ms = config_.jitter_min_ms;
  jitter_config.max_delay_ms = config_.jitter_max_ms;
  // Room for up to 60 ms packets of the sample-based codecs; one full Opus packet at most.
  jitter_config.max_payload_bytes = std::clamp<std::size_t>(3 * info.max_payload_bytes, 480, 1500);
  auto buffer = jitter::JitterBuffer::create(jitter_config);
  if (!buffer) return std::unexpected(buffer.error());

  const auto payload_type = static_cast<std::uint8_t>(negotiated.payload_type);
  if (sender_) {
    // RFC 3550 s5.1: same SSRC, the sequence continues; SR counts carry over.
    sent_packets_before_ += sender_->packet_count();
    sent_octets_before_ += sender_->octet_count();
    sender_.emplace(local_ssrc_, payload_type, info.timestamp_step, sender_->next_sequence(), sender_->timestamp());
  } else {
    sender_.emplace(local_ssrc_, payload_type, info.timestamp_step);
  }
  if (statistics_) lost_before_codec_change_ += static_cast<std::uint64_t>(std::max(0, statistics_->cumulative_lost()));
  statistics_.emplace(info.rtp_clock_rate);
  events_in_.emplace(info.rtp_clock_rate);  // RFC 4733 s2.1: events use the audio stream's clock
  codec_ = std::move(*codec);
  jitter_.emplace(std::move(*buffer));
  return {};
}

core::Status SessionCore::apply_media(const sdp::NegotiatedMedia& media, bool first) {
  if (!media.remote_address.empty()) {
    boost::system::error_code ec;
    asio::ip::make_address(media.remote_address, ec);
    if (ec) return core::fail(core::Errc::unsupported, "c= must carry an IP address", "remote_address");
  }
  std::optional<srtp::SrtpStreams> srtp;
  const bool rekey = media.srtp && (first || !same_keys(media.srtp, media_.srtp));
  if (rekey) {
    auto streams = srtp::make_srtp_streams(*media.srtp);
    if (!streams) return std::unexpected(streams.error());
    srtp.emplace(std::move(*streams));
  }
  if (first || !(media.codec == media_.codec)) {
    if (auto status = apply_codec(media.codec); !status) return status;
  }
  if (rekey) srtp_ = std::move(srtp);
  if (!media.srtp) srtp_.reset();

  const auto signalled_rtp = signalled(media, media.remote_rtp_port);
  if (first || signalled_rtp != signalled(media_, media_.remote_rtp_port)) {
    latch_.reset(signalled_rtp, media.codec.payload_type, media.telephone_event_pt);
    rtcp_source_.reset();
  } else {
    latch_.expect(media.codec.payload_type, media.telephone_event_pt);
  }
  if (!media.telephone_event_pt) {
    digits_out_.clear();
    event_position_ = 0;
  }
  const bool was_expecting = expects_rtp();
  media_ = media;
  // Time on hold does not count toward the media timeout (RFC 3264 s8.4).
  if (!was_expecting) last_rx_ = Clock::now();
  return {};
}

core::Status SessionCore::start(const sdp::NegotiatedMedia& media) {
  if (stopped_) return core::fail(core::Errc::conflict, "media session is stopped");
  if (started_) return update(media);
  if (auto status = apply_media(media, true); !status) return status;
  const auto now = Clock::now();
  clock_.emplace(now, std::chrono::milliseconds(kFrameMs));
  rtcp_.emplace(local_ssrc_, "parley-" + std::to_string(local_ssrc_) + "@" + std::to_string(local_port_), now);
  started_ = true;
  last_rx_ = now;
  receive_rtp();
  receive_rtcp();
  schedule_tick();
  spdlog::info("event=media.session_started call_id={} local_port={} remote={}:{} codec={} pt={} ptime_ms={} srtp={} "
               "direction={} dtmf_mode={} test_mode={} recording={}",
               core::log_value(config_.call_id), local_port_, core::log_value(media.remote_address),
               media.remote_rtp_port, core::log_value(media.codec.name), media.codec.payload_type, media.ptime_ms,
               media.srtp.has_value(), sdp::to_string(media.direction), to_string(config_.dtmf_mode),
               static_cast<int>(config_.test_mode.kind), config_.recording_path.has_value());
  return {};
}

core::Status SessionCore::update(const sdp::NegotiatedMedia& media) {
  if (stopped_) return core::fail(core::Errc::conflict, "media session is stopped");
  if (!started_) return core::fail(core::Errc::conflict, "media session is not started");
  const bool codec_changed = !(media.codec == media_.codec);
  if (auto status = apply_media(media, false); !status) return status;
  spdlog::info("event=media.session_updated call_id={} remote={}:{} codec={} codec_changed={} direction={} remote_hold={}",
               core::log_value(config_.call_id), core::log_value(media.remote_address), media.remote_rtp_port,
               core::log_value(media.codec.name), codec_changed, sdp::to_string(media.direction), media.remote_hold);
  return {};
}

void SessionCore::stop() noexcept {
  if (stopped_) return;
  if (started_) send_rtcp(Clock::now(), true);  // RFC 3550 s6.3.7: BYE when leaving
  stopped_ = true;
  boost::system::error_code ec;
  rtp_socket_.close(ec);
  rtcp_socket_.close(ec);
  timer_.cancel();
  if (recorder_) recorder_->finish();
  ports_.release();
  if (started_) {
    const auto q = quality();
    spdlog::info("event=media.session_stopped call_id={} packets_received={} packets_lost={} packets_sent={} "
                 "packets_foreign={} packets_invalid={} jitter_ms={:.1f} jitter_buffer_delay_ms={:.1f} mos={:.2f} "
                 "frames_late={}",
                 core::log_value(config_.call_id), q.packets_received, q.packets_lost, q.packets_sent,
                 q.packets_foreign, q.packets_invalid, q.jitter_ms, q.jitter_buffer_delay_ms, q.mos_estimate,
                 q.frames_late);
  }
}

core::Status SessionCore::send_dtmf(char digit, int duration_ms) {
  if (!started_ || stopped_) return core::fail(core::Errc::conflict, "media session is not running");
  if (config_.dtmf_mode == DtmfMode::sip_info) {
    return core::fail(core::Errc::unsupported, "DTMF goes by SIP INFO on this call", "dtmf_mode");
  }
  if (!sdp::sends(media_.direction)) return core::fail(core::Errc::unavailable, "the stream is on hold");
  if (config_.dtmf_mode == DtmfMode::rfc2833 && media_.telephone_event_pt) {
    auto packets = dtmf::telephone_event_packets(digit, duration_ms, codec_->info().rtp_clock_rate, kFrameMs);
    if (!packets) return std::unexpected(packets.error());
    digits_out_.push_back(std::move(*packets));
    return {};
  }
  // Inband mode, or RFC 4733 was not negotiated: the tone goes in the audio.
  auto tone8k = dtmf::generate_dtmf(std::string(1, digit), duration_ms, 2 * kFrameMs);
  if (!tone8k) return std::unexpected(tone8k.error());
  auto up = dsp::Resampler::create(kSampleRate / 2, kSampleRate);
  if (!up) return std::unexpected(up.error());
  if (tone_position_ == tone_.size()) {
    tone_.clear();
    tone_position_ = 0;
  }
  const auto at = tone_.size();
  tone_.resize(at + 2 * tone8k->size());
  const auto n = up->process(*tone8k, std::span(tone_).subspan(at));
  tone_.resize(at + n);
  return {};
}

MediaQuality SessionCore::quality() const {
  MediaQuality q;
  q.packets_received = packets_received_;
  q.packets_lost = lost_before_codec_change_;
  if (statistics_) {
    q.packets_lost += static_cast<std::uint64_t>(std::max(0, statistics_->cumulative_lost()));
    q.jitter_ms = statistics_->jitter_ms();
  }
  if (rtcp_) q.rtt_ms = rtcp_->rtt_ms();
  q.jitter_buffer_delay_ms = delay_samples_ ? static_cast<double>(delay_sum_ms_) / static_cast<double>(delay_samples_) : 0.0;
  q.jitter_buffer_max_delay_ms = delay_max_ms_;
  q.packets_sent = packets_sent_;
  q.packets_foreign = packets_foreign_;
  q.packets_invalid = packets_invalid_;
  q.frames_concealed = frames_concealed_;
  q.frames_late = frames_late_;
  rtp::MosInput input;
  const double total = static_cast<double>(q.packets_lost + q.packets_received);
  input.loss_fraction = total > 0 ? static_cast<double>(q.packets_lost) / total : 0.0;
  input.jitter_ms = q.jitter_ms;
  input.rtt_ms = q.rtt_ms.value_or(0.0);
  input.jitter_buffer_ms = q.jitter_buffer_delay_ms;
  if (codec_ && codec_->info().name == "G729") input.codec = rtp::kG729Impairment;
  q.mos_estimate = rtp::estimate_mos(input);
  return q;
}

}  // namespace parley::media::session::detail
