#include "call/media_policy.hpp"

#include <gtest/gtest.h>

namespace parley::call {
namespace {

std::vector<std::string> names(const MediaPolicy& p) {
  std::vector<std::string> out;
  for (const auto& c : p.offer_answer.codecs) out.push_back(c.name);
  return out;
}

TEST(MediaPolicy, NoTrunkMeansEveryCodecRfc4733AndNoSrtp) {
  auto p = media_policy_for("");
  EXPECT_EQ(names(p), (std::vector<std::string>{"PCMU", "PCMA", "G722", "opus", "G729", "telephone-event"}));
  EXPECT_EQ(p.dtmf_mode, media::session::DtmfMode::rfc2833);
  EXPECT_TRUE(p.offer_answer.srtp_suites.empty());
  EXPECT_FALSE(p.offer_srtp);
}

TEST(MediaPolicy, TrunkOrderIsThePreferenceOrder) {
  auto p = media_policy_for(R"({"codecs":["G722","PCMA"],"dtmf_mode":"rfc2833","srtp":"off"})");
  EXPECT_EQ(names(p), (std::vector<std::string>{"G722", "PCMA", "telephone-event"}));
}

TEST(MediaPolicy, SipInfoAndInbandDropTelephoneEvent) {
  for (auto mode : {"sip_info", "inband"}) {
    auto p = media_policy_for(std::string(R"({"codecs":["PCMU"],"dtmf_mode":")") + mode + "\"}");
    EXPECT_EQ(names(p), (std::vector<std::string>{"PCMU"})) << mode;
    EXPECT_EQ(media::session::to_string(p.dtmf_mode), mode);
  }
}

TEST(MediaPolicy, SrtpOptionalOffersSavpAndRequiredRefusesPlainRtp) {
  auto optional = media_policy_for(R"({"srtp":"optional"})");
  EXPECT_TRUE(optional.offer_srtp);
  EXPECT_FALSE(optional.offer_answer.srtp_required);
  EXPECT_EQ(optional.offer_answer.srtp_suites.size(), 2u);
  auto required = media_policy_for(R"({"srtp":"required"})");
  EXPECT_TRUE(required.offer_answer.srtp_required);
}

TEST(MediaPolicy, UnreadableConfigFallsBackToDefaults) {
  auto p = media_policy_for(R"({"codecs":"PCMU","dtmf_mode":7)");
  EXPECT_EQ(p.offer_answer.codecs.size(), 6u);
  EXPECT_EQ(p.dtmf_mode, media::session::DtmfMode::rfc2833);
}

}  // namespace
}  // namespace parley::call
