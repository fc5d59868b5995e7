#pragma once
// RFC 3264 offer/answer for one audio stream: answer a remote offer, build an offer, process its answer.
#include <cstdint>
#include <string>
#include <vector>

#include "core/error.hpp"
#include "media/sdp/negotiated_media.hpp"
#include "media/sdp/session_description.hpp"
#include "media/srtp/srtp_suite.hpp"

namespace parley::media::sdp {

// One entry of a trunk's codec list. "telephone-event" entries enable RFC 4733 DTMF.
struct CodecPreference {
  std::string name;
  int clock_rate = 8000;
  int channels = 1;
  std::string fmtp;
};

// PCMU, PCMA, G722, opus/48000/2, G729, telephone-event/8000.
std::vector<CodecPreference> default_codec_preferences();

struct OfferAnswerConfig {
  std::vector<CodecPreference> codecs = default_codec_preferences();
  bool prefer_wideband = true;  // pick G722/opus when offered even if listed after a narrowband codec
  int ptime_ms = 20;
  bool rtcp_mux = true;
  std::vector<srtp::SrtpSuite> srtp_suites{srtp::SrtpSuite::aes_cm_128_hmac_sha1_80,
                                          srtp::SrtpSuite::aes_cm_128_hmac_sha1_32};
  bool srtp_required = false;  // a plain RTP/AVP offer is not acceptable (488)
  Direction local_direction = Direction::sendrecv;  // what Parley is willing to do
};

struct LocalEndpoint {
  AddressType address_type = AddressType::ip4;
  std::string address;
  std::uint16_t rtp_port = 0;
  std::string session_id = "0";
  std::string session_version = "1";
  std::string username = "parley";
};

struct Answer {
  SessionDescription sdp;
  NegotiatedMedia media;
};

// Errc::unsupported from these functions means "488 Not Acceptable Here" (RFC 3261 s21.4.26):
// no usable audio stream, no common codec, or no acceptable SRTP crypto on an RTP/SAVP stream.
bool is_not_acceptable_here(const core::Error& error) noexcept;

// RFC 3264 s6: one answer m-line per offered m-line; the first usable audio stream is accepted,
// every other stream is rejected with port 0.
core::Result<Answer> answer_offer(const SessionDescription& offer, const LocalEndpoint& local,
                                  const OfferAnswerConfig& config);

// RFC 3264 s5: one audio m-line listing every preference; RTP/SAVP with one a=crypto per suite when `srtp`.
SessionDescription build_offer(const LocalEndpoint& local, const OfferAnswerConfig& config, bool srtp);

// RFC 3264 s7: the offerer's view once the answer arrives.
core::Result<NegotiatedMedia> process_answer(const SessionDescription& offer, const SessionDescription& answer);

}  // namespace parley::media::sdp
