#include "call/info_dtmf.hpp"

#include <gtest/gtest.h>

namespace parley::call {
namespace {

using media::dtmf::Dtmf;

TEST(InfoDtmf, DtmfRelayBody) {
  EXPECT_EQ(parse_info_dtmf("application/dtmf-relay", "Signal=5\r\nDuration=160\r\n"), (Dtmf{'5', 160}));
  EXPECT_EQ(parse_info_dtmf("Application/DTMF-Relay; charset=x", "signal= #\nduration = 250"), (Dtmf{'#', 250}));
  EXPECT_EQ(parse_info_dtmf("application/dtmf-relay", "Signal=10\r\n"), (Dtmf{'*', 100}));  // event code of *
  EXPECT_EQ(parse_info_dtmf("application/dtmf-relay", "Signal=d\r\nDuration=-3\r\n"), (Dtmf{'D', 100}));
}

TEST(InfoDtmf, PlainDtmfBody) {
  EXPECT_EQ(parse_info_dtmf("application/dtmf", "7\r\n"), (Dtmf{'7', 100}));
  EXPECT_EQ(parse_info_dtmf("application/dtmf", "77"), std::nullopt);
}

TEST(InfoDtmf, OtherBodiesAreNotDigits) {
  EXPECT_EQ(parse_info_dtmf("application/dtmf-relay", "Duration=160\r\n"), std::nullopt);
  EXPECT_EQ(parse_info_dtmf("application/dtmf-relay", "Signal=X\r\n"), std::nullopt);
  EXPECT_EQ(parse_info_dtmf("application/media_control+xml", "<media_control/>"), std::nullopt);
  EXPECT_EQ(parse_info_dtmf("", ""), std::nullopt);
}

TEST(InfoDtmf, BodyRoundTrips) {
  EXPECT_EQ(parse_info_dtmf("application/dtmf-relay", info_dtmf_body('9', 180)), (Dtmf{'9', 180}));
}

}  // namespace
}  // namespace parley::call
