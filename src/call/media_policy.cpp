#include "call/media_policy.hpp"

#include <boost/json.hpp>

#include <algorithm>

namespace parley::call {
namespace json = boost::json;

MediaPolicy media_policy_for(std::string_view provider_config) {
  MediaPolicy policy;
  policy.offer_answer.srtp_suites.clear();  // SRTP only where the trunk asks for it
  boost::system::error_code ec;
  auto parsed = json::parse(provider_config, ec);
  if (ec || !parsed.is_object()) return policy;
  const auto& cfg = parsed.get_object();

  if (auto* mode = cfg.if_contains("dtmf_mode"); mode && mode->is_string()) {
    if (auto m = media::session::parse_dtmf_mode(mode->get_string()); m) policy.dtmf_mode = *m;
  }
  const auto all = media::sdp::default_codec_preferences();
  if (auto* codecs = cfg.if_contains("codecs"); codecs && codecs->is_array() && !codecs->get_array().empty()) {
    // The trunk's order is the preference order (RFC 3264 s5.1); telephone-event is added for RFC 4733.
    std::vector<media::sdp::CodecPreference> chosen;
    for (const auto& name : codecs->get_array()) {
      if (!name.is_string()) continue;
      auto it = std::find_if(all.begin(), all.end(), [&](const auto& p) { return p.name == name.get_string(); });
      if (it != all.end()) chosen.push_back(*it);
    }
    if (!chosen.empty()) policy.offer_answer.codecs = std::move(chosen);
  }
  auto& codecs = policy.offer_answer.codecs;
  auto event = std::find_if(codecs.begin(), codecs.end(), [](const auto& p) { return p.name == "telephone-event"; });
  if (policy.dtmf_mode != media::session::DtmfMode::rfc2833 && event != codecs.end()) {
    codecs.erase(event);
  } else if (policy.dtmf_mode == media::session::DtmfMode::rfc2833 && event == codecs.end()) {
    codecs.push_back({"telephone-event", 8000, 1, "0-16"});
  }

  if (auto* srtp = cfg.if_contains("srtp"); srtp && srtp->is_string() && srtp->get_string() != "off") {
    policy.offer_answer.srtp_suites = {media::srtp::SrtpSuite::aes_cm_128_hmac_sha1_80,
                                       media::srtp::SrtpSuite::aes_cm_128_hmac_sha1_32};
    policy.offer_answer.srtp_required = srtp->get_string() == "required";
    policy.offer_srtp = true;
  }
  return policy;
}

}  // namespace parley::call
