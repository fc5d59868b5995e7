#pragma once
// Phone number rules (libphonenumber): strict E.164 validation, region and number type. Used by the
// API to validate numbers and by the dialer for toll-fraud checks.
#include <string>
#include <string_view>

#include "core/error.hpp"

namespace parley::call {

enum class NumberType { fixed_line, mobile, fixed_line_or_mobile, toll_free, premium_rate, shared_cost, voip,
                        personal_number, pager, uan, voicemail, unknown };

struct PhoneNumberInfo {
  std::string e164;    // "+14155551234"
  std::string region;  // ISO 3166-1 alpha-2, e.g. "US"; "001" for non-geographic entities
  NumberType type = NumberType::unknown;
};

std::string_view to_string(NumberType t) noexcept;

// Accepts only E.164 text: '+', then 8 to 15 digits, no spaces or punctuation, and a number that
// libphonenumber considers valid for its country. The error message says what is wrong.
core::Result<PhoneNumberInfo> parse_e164(std::string_view text);

}  // namespace parley::call
