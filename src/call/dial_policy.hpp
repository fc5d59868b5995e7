#pragma once
// Toll-fraud protection for outbound calls: destination country allowlist and premium-rate /
// shared-cost blocks, decided from libphonenumber's region and number type.
#include "call/e164.hpp"
#include "core/config.hpp"
#include "core/error.hpp"

namespace parley::call {

// A validation error (HTTP 422 on field to_number) with the reason, or success.
core::Status check_destination(const PhoneNumberInfo& to, const core::OutboundPolicy& policy);

}  // namespace parley::call
