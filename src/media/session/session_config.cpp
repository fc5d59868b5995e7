#include "media/session/session_config.hpp"

namespace parley::media::session {

core::Result<DtmfMode> parse_dtmf_mode(std::string_view text) {
  if (text == "rfc2833" || text == "rfc4733") return DtmfMode::rfc2833;
  if (text == "sip_info") return DtmfMode::sip_info;
  if (text == "inband") return DtmfMode::inband;
  return core::fail(core::Errc::invalid_argument, "dtmf mode must be rfc2833, sip_info or inband", "dtmf_mode");
}

std::string_view to_string(DtmfMode mode) noexcept {
  switch (mode) {
    case DtmfMode::rfc2833: return "rfc2833";
    case DtmfMode::sip_info: return "sip_info";
    case DtmfMode::inband: return "inband";
  }
  return "rfc2833";
}

core::Result<TestMode> parse_test_mode(std::string_view text) {
  constexpr std::string_view kPlay = "play:";
  if (text.empty() || text == "none") return TestMode{};
  if (text == "echo") return TestMode{TestModeKind::echo, {}};
  if (text.starts_with(kPlay) && text.size() > kPlay.size()) {
    return TestMode{TestModeKind::play, std::filesystem::path(text.substr(kPlay.size()))};
  }
  return core::fail(core::Errc::invalid_argument, "test mode must be none, echo or play:<wav path>", "test_mode");
}

}  // namespace parley::media::session
