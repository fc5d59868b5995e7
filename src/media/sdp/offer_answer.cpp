#include "media/sdp/offer_answer.hpp"

#include <algorithm>

#include "core/crypto.hpp"
#include "media/detail/text.hpp"
#include "media/sdp/detail/codec_selection.hpp"

namespace parley::media::sdp {
namespace {

constexpr std::string_view kAvp = "RTP/AVP";
constexpr std::string_view kSavp = "RTP/SAVP";  // RFC 3711 s12 / RFC 4568 s3.1
constexpr std::string_view kNotAcceptable = "488 Not Acceptable Here: ";

std::unexpected<core::Error> not_acceptable(std::string_view why) {
  return core::fail(core::Errc::unsupported, std::string(kNotAcceptable) + std::string(why), "sdp");
}

bool wants_telephone_event(const OfferAnswerConfig& config) {
  return std::ranges::any_of(config.codecs, [](const CodecPreference& p) {
    return media::detail::iequals(p.name, "telephone-event");
  });
}

// RFC 3264 s8.4 (and RFC 2543's older form): a zero connection address puts the stream on hold.
bool is_null_address(const Connection& c) {
  const auto host = media::detail::split_once(c.address, '/').first;
  return host == "0.0.0.0" || host == "::";
}

bool remote_holds(Direction remote, const Connection& c) {
  return remote == Direction::sendonly || remote == Direction::inactive || is_null_address(c);
}

Origin make_origin(const LocalEndpoint& local) {
  return Origin{local.username, local.session_id, local.session_version, local.address_type, local.address};
}

SessionDescription local_session(const LocalEndpoint& local) {
  SessionDescription sdp;
  sdp.origin = make_origin(local);
  sdp.session_name = "parley";
  sdp.connection = Connection{local.address_type, local.address};
  return sdp;
}

NegotiatedMedia remote_transport(const Connection& c, const MediaDescription& m, bool mux) {
  NegotiatedMedia media;
  media.remote_address_type = c.address_type;
  media.remote_address = std::string(media::detail::split_once(c.address, '/').first);
  media.remote_rtp_port = m.port;
  media.rtcp_mux = mux;
  // RFC 5761 s4 (mux), RFC 3605 s2.1 (a=rtcp), RFC 3550 s11 (next port up).
  media.remote_rtcp_port = mux ? m.port : (m.rtcp ? m.rtcp->port : static_cast<std::uint16_t>(m.port + 1));
  return media;
}

NegotiatedCodec negotiated_codec(const RtpMap& map, const MediaDescription& remote) {
  const auto* fmtp = remote.fmtp(map.payload_type);
  return NegotiatedCodec{map.encoding, map.payload_type, map.clock_rate, map.channels, fmtp ? *fmtp : std::string{}};
}

struct CryptoChoice {
  srtp::SrtpSuite suite;
  std::uint32_t tag;
  std::string remote_key;
};

// RFC 4568 s7.1.2: the answerer accepts one offered crypto attribute it supports.
std::optional<CryptoChoice> choose_crypto(const MediaDescription& m, std::span<const srtp::SrtpSuite> suites) {
  for (const auto& crypto : m.crypto) {
    const auto suite = srtp::parse_srtp_suite(crypto.suite);
    if (!suite || std::ranges::find(suites, *suite) == suites.end() || !is_single_inline_key(crypto)) continue;
    auto key = inline_key(crypto);
    if (!key || key->size() != srtp::kMasterKeySaltLength) continue;
    return CryptoChoice{*suite, crypto.tag, std::move(*key)};
  }
  return std::nullopt;
}

// RFC 3264 s6: a rejected stream keeps media, protocol and formats, with port zero.
MediaDescription rejected(const MediaDescription& offered) {
  MediaDescription m;
  m.media = offered.media;
  m.protocol = offered.protocol;
  m.formats = offered.formats;
  return m;
}

void add_format(MediaDescription& m, const RtpMap& map, const std::string* fmtp) {
  m.formats.push_back(std::to_string(map.payload_type));
  m.rtpmaps.push_back(map);
  if (fmtp && !fmtp->empty()) m.fmtps.push_back(Fmtp{map.payload_type, *fmtp});
}

const std::string* local_fmtp(const RtpMap& map, const OfferAnswerConfig& config) {
  for (const auto& preference : config.codecs) {
    if (detail::matches(map, preference) && !preference.fmtp.empty()) return &preference.fmtp;
  }
  return nullptr;
}

core::Result<std::pair<MediaDescription, NegotiatedMedia>> accept_stream(const SessionDescription& offer,
                                                                          const MediaDescription& offered,
                                                                          const LocalEndpoint& local,
                                                                          const OfferAnswerConfig& config) {
  if (offered.media != "audio" || offered.port == 0) return not_acceptable("no active audio stream");
  const bool secure = offered.protocol == kSavp;
  if (!secure && offered.protocol != kAvp) return not_acceptable("transport " + offered.protocol + " unsupported");
  if (!secure && config.srtp_required) return not_acceptable("SRTP (RTP/SAVP) is required");
  const Connection* connection = offer.effective_connection(offered);
  if (!connection) return core::fail(core::Errc::invalid_argument, "audio stream has no c= line", "sdp");

  const auto maps = detail::offered_maps(offered);
  const auto codec = detail::select_codec(maps, config.codecs, config.prefer_wideband);
  if (!codec) return not_acceptable("no common codec");
  const auto event = wants_telephone_event(config) ? detail::select_telephone_event(maps, codec->clock_rate)
                                                   : std::nullopt;
  std::optional<CryptoChoice> crypto;
  if (secure) {
    crypto = choose_crypto(offered, config.srtp_suites);
    if (!crypto) return not_acceptable("no supported a=crypto");
  }
  const bool mux = config.rtcp_mux && offered.rtcp_mux;
  const Direction offered_direction = offer.effective_direction(offered);
  const Direction answered = answer_direction(offered_direction, config.local_direction);

  NegotiatedMedia media = remote_transport(*connection, offered, mux);
  media.codec = negotiated_codec(*codec, offered);
  if (event) media.telephone_event_pt = event->payload_type;
  media.ptime_ms = offered.ptime.value_or(config.ptime_ms);
  media.remote_hold = remote_holds(offered_direction, *connection);
  // Nothing can be sent to a zero address, whatever the direction attribute says.
  media.direction = is_null_address(*connection) ? make_direction(false, receives(answered)) : answered;

  MediaDescription answer;
  answer.port = local.rtp_port;
  answer.protocol = offered.protocol;
  const auto* codec_fmtp = local_fmtp(*codec, config);
  add_format(answer, *codec, codec_fmtp ? codec_fmtp : offered.fmtp(codec->payload_type));
  if (event) add_format(answer, *event, offered.fmtp(event->payload_type));  // RFC 4733 s7.1.1: mirror events
  answer.ptime = config.ptime_ms;
  answer.direction = answered;
  answer.rtcp_mux = mux;
  if (crypto) {
    const auto local_key = core::random_bytes(srtp::kMasterKeySaltLength);
    answer.crypto.push_back(make_inline_crypto(crypto->tag, srtp::to_string(crypto->suite), local_key));
    media.srtp = SrtpKeys{crypto->suite, crypto->tag, local_key, std::move(crypto->remote_key)};
  }
  return std::pair{std::move(answer), std::move(media)};
}

}  // namespace

std::vector<CodecPreference> default_codec_preferences() {
  return {
      {"PCMU", 8000, 1, {}},
      {"PCMA", 8000, 1, {}},
      {"G722", 8000, 1, {}},
      {"opus", 48000, 2, "useinbandfec=1"},
      {"G729", 8000, 1, "annexb=no"},
      {"telephone-event", 8000, 1, "0-16"},
  };
}

bool is_not_acceptable_here(const core::Error& error) noexcept {
  return error.code == core::Errc::unsupported && error.message.starts_with(kNotAcceptable);
}

core::Result<Answer> answer_offer(const SessionDescription& offer, const LocalEndpoint& local,
                                  const OfferAnswerConfig& config) {
  Answer result{local_session(local), {}};
  std::optional<core::Error> reason;
  bool accepted = false;
  for (const auto& offered : offer.media) {
    if (accepted) {
      result.sdp.media.push_back(rejected(offered));
      continue;
    }
    auto stream = accept_stream(offer, offered, local, config);
    if (!stream) {
      if (!reason || offered.media == "audio") reason = stream.error();
      result.sdp.media.push_back(rejected(offered));
      continue;
    }
    result.sdp.media.push_back(std::move(stream->first));
    result.media = std::move(stream->second);
    accepted = true;
  }
  if (!accepted) return std::unexpected(reason.value_or(not_acceptable("offer has no media").error()));
  return result;
}

SessionDescription build_offer(const LocalEndpoint& local, const OfferAnswerConfig& config, bool srtp) {
  SessionDescription sdp = local_session(local);
  MediaDescription m;
  m.port = local.rtp_port;
  m.protocol = std::string(srtp ? kSavp : kAvp);
  int next_dynamic = 96;  // RFC 3551 s6: dynamic payload types are 96-127
  for (const auto& preference : config.codecs) {
    RtpMap map{0, preference.name, preference.clock_rate, preference.channels};
    const auto fixed = static_payload_type(map);
    map.payload_type = fixed ? *fixed : next_dynamic++;
    add_format(m, map, &preference.fmtp);
  }
  m.ptime = config.ptime_ms;
  m.direction = config.local_direction;
  m.rtcp_mux = config.rtcp_mux;
  if (srtp) {
    std::uint32_t tag = 1;
    for (auto suite : config.srtp_suites) {
      m.crypto.push_back(make_inline_crypto(tag++, srtp::to_string(suite),
                                            core::random_bytes(srtp::kMasterKeySaltLength)));
    }
  }
  sdp.media.push_back(std::move(m));
  return sdp;
}

core::Result<NegotiatedMedia> process_answer(const SessionDescription& offer, const SessionDescription& answer) {
  // RFC 3264 s6: the answer has exactly as many m-lines as the offer, in the same order.
  if (answer.media.size() != offer.media.size()) {
    return core::fail(core::Errc::invalid_argument, "answer m-line count differs from the offer", "sdp");
  }
  const auto index = std::ranges::find_if(offer.media, [](const MediaDescription& m) {
                       return m.media == "audio" && m.port != 0;
                     }) - offer.media.begin();
  if (static_cast<std::size_t>(index) == offer.media.size()) return not_acceptable("offer had no audio stream");
  const auto& ours = offer.media[index];
  const auto& theirs = answer.media[index];
  if (theirs.port == 0) return not_acceptable("peer rejected the audio stream");
  const Connection* connection = answer.effective_connection(theirs);
  if (!connection) return core::fail(core::Errc::invalid_argument, "answered stream has no c= line", "sdp");

  std::vector<CodecPreference> offered;
  for (const auto& map : detail::offered_maps(ours)) offered.push_back({map.encoding, map.clock_rate, map.channels, {}});
  const auto answered_maps = detail::offered_maps(theirs);
  const auto codec = detail::select_codec(answered_maps, offered, false);
  if (!codec) return not_acceptable("answer holds no codec that was offered");
  const bool offered_events = std::ranges::any_of(detail::offered_maps(ours), detail::is_telephone_event);
  const auto event = offered_events ? detail::select_telephone_event(answered_maps, codec->clock_rate) : std::nullopt;

  const bool mux = ours.rtcp_mux && theirs.rtcp_mux;
  const Direction our_direction = offer.effective_direction(ours);
  const Direction their_direction = answer.effective_direction(theirs);
  NegotiatedMedia media = remote_transport(*connection, theirs, mux);
  media.codec = negotiated_codec(*codec, theirs);
  if (event) media.telephone_event_pt = event->payload_type;
  media.ptime_ms = theirs.ptime.value_or(ours.ptime.value_or(20));
  media.remote_hold = remote_holds(their_direction, *connection);
  media.direction = make_direction(sends(our_direction) && receives(their_direction) && !is_null_address(*connection),
                                   receives(our_direction) && sends(their_direction));

  if (ours.protocol == kSavp) {
    // RFC 4568 s7.1.3: the answer carries one crypto attribute whose tag names the offered one accepted.
    if (theirs.crypto.size() != 1) return not_acceptable("SRTP answer needs exactly one a=crypto");
    const auto& chosen = theirs.crypto.front();
    const auto mine = std::ranges::find_if(ours.crypto, [&](const CryptoAttribute& c) {
      return c.tag == chosen.tag && c.suite == chosen.suite;
    });
    const auto suite = srtp::parse_srtp_suite(chosen.suite);
    auto remote_key = inline_key(chosen);
    auto local_key = mine != ours.crypto.end() ? inline_key(*mine) : remote_key;
    if (mine == ours.crypto.end() || !suite || !is_single_inline_key(chosen) || !remote_key ||
        remote_key->size() != srtp::kMasterKeySaltLength || !local_key) {
      return not_acceptable("answered a=crypto does not match the offer");
    }
    media.srtp = SrtpKeys{*suite, chosen.tag, std::move(*local_key), std::move(*remote_key)};
  }
  return media;
}

}  // namespace parley::media::sdp
