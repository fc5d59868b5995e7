#pragma once
// Which offered payload type matches which local codec preference (RFC 3264 s6.1).
#include <optional>
#include <span>

#include "media/sdp/offer_answer.hpp"
#include "media/sdp/session_description.hpp"

namespace parley::media::sdp::detail {

bool is_telephone_event(const RtpMap& map);
bool matches(const RtpMap& map, const CodecPreference& preference);

// The offered payload types resolved to rtpmaps (static table for PTs without a=rtpmap).
std::vector<RtpMap> offered_maps(const MediaDescription& m);

// First local preference the offer carries, with wideband codecs (G722, opus) tried first when asked.
std::optional<RtpMap> select_codec(std::span<const RtpMap> offered, std::span<const CodecPreference> preferences,
                                   bool prefer_wideband);

// RFC 4733 s7.1.1: the telephone-event whose rate matches the voice codec's RTP clock, else the 8000 Hz one.
std::optional<RtpMap> select_telephone_event(std::span<const RtpMap> offered, int clock_rate);

}  // namespace parley::media::sdp::detail
