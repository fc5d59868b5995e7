#include "call/dial_policy.hpp"

#include <algorithm>

namespace parley::call {

core::Status check_destination(const PhoneNumberInfo& to, const core::OutboundPolicy& policy) {
  const auto& allowed = policy.allowed_countries;
  if (!allowed.empty() && std::find(allowed.begin(), allowed.end(), to.region) == allowed.end()) {
    return core::fail(core::Errc::validation,
                      "calls to " + to.region + " are not allowed (outbound.allowed_countries)", "to_number");
  }
  if (policy.block_premium && (to.type == NumberType::premium_rate || to.type == NumberType::shared_cost)) {
    return core::fail(core::Errc::validation,
                      std::string("to_number is a ") + std::string(to_string(to.type)) +
                          " number; such calls are blocked (outbound.block_premium)",
                      "to_number");
  }
  return {};
}

}  // namespace parley::call
