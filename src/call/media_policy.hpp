#pragma once
// What a trunk's configuration (`codecs`, `dtmf_mode`, `srtp` of /voice/sip/providers) means for
// a call's media: the offer/answer preferences and how DTMF travels.
#include <string_view>

#include "media/sdp/offer_answer.hpp"
#include "media/session/session_config.hpp"

namespace parley::call {

struct MediaPolicy {
  media::sdp::OfferAnswerConfig offer_answer;
  media::session::DtmfMode dtmf_mode = media::session::DtmfMode::rfc2833;
  bool offer_srtp = false;  // our offers use RTP/SAVP (srtp optional or required)
};

// From a provider's stored config JSON; a call with no trunk (or an unreadable config) gets the
// defaults: every codec, wideband preferred, RFC 4733 DTMF, no SRTP.
MediaPolicy media_policy_for(std::string_view provider_config);

}  // namespace parley::call
