#include "call/e164.hpp"

#include <phonenumbers/phonenumberutil.h>

namespace parley::call {
using i18n::phonenumbers::PhoneNumber;
using i18n::phonenumbers::PhoneNumberUtil;

std::string_view to_string(NumberType t) noexcept {
  switch (t) {
    case NumberType::fixed_line: return "fixed_line";
    case NumberType::mobile: return "mobile";
    case NumberType::fixed_line_or_mobile: return "fixed_line_or_mobile";
    case NumberType::toll_free: return "toll_free";
    case NumberType::premium_rate: return "premium_rate";
    case NumberType::shared_cost: return "shared_cost";
    case NumberType::voip: return "voip";
    case NumberType::personal_number: return "personal_number";
    case NumberType::pager: return "pager";
    case NumberType::uan: return "uan";
    case NumberType::voicemail: return "voicemail";
    case NumberType::unknown: return "unknown";
  }
  return "unknown";
}

namespace {
NumberType map_type(PhoneNumberUtil::PhoneNumberType t) {
  switch (t) {
    case PhoneNumberUtil::FIXED_LINE: return NumberType::fixed_line;
    case PhoneNumberUtil::MOBILE: return NumberType::mobile;
    case PhoneNumberUtil::FIXED_LINE_OR_MOBILE: return NumberType::fixed_line_or_mobile;
    case PhoneNumberUtil::TOLL_FREE: return NumberType::toll_free;
    case PhoneNumberUtil::PREMIUM_RATE: return NumberType::premium_rate;
    case PhoneNumberUtil::SHARED_COST: return NumberType::shared_cost;
    case PhoneNumberUtil::VOIP: return NumberType::voip;
    case PhoneNumberUtil::PERSONAL_NUMBER: return NumberType::personal_number;
    case PhoneNumberUtil::PAGER: return NumberType::pager;
    case PhoneNumberUtil::UAN: return NumberType::uan;
    case PhoneNumberUtil::VOICEMAIL: return NumberType::voicemail;
    default: return NumberType::unknown;
  }
}
}  // namespace

core::Result<PhoneNumberInfo> parse_e164(std::string_view text) {
  using core::Errc;
  if (text.empty() || text.front() != '+') {
    return core::fail(Errc::validation, "must be in E.164 format: '+' followed by the country code and number");
  }
  auto digits = text.substr(1);
  if (digits.size() < 8 || digits.size() > 15) {
    return core::fail(Errc::validation, "must have 8 to 15 digits after '+' (E.164)");
  }
  for (char c : digits) {
    if (c < '0' || c > '9') return core::fail(Errc::validation, "must contain only digits after '+' (E.164)");
  }
  if (digits.front() == '0') return core::fail(Errc::validation, "country codes never start with 0 (E.164)");
  const PhoneNumberUtil& util = *PhoneNumberUtil::GetInstance();
  PhoneNumber number;
  if (util.Parse(std::string(text), "ZZ", &number) != PhoneNumberUtil::NO_PARSING_ERROR) {
    return core::fail(Errc::validation, "is not a phone number (E.164)");
  }
  if (!util.IsValidNumber(number)) {
    return core::fail(Errc::validation, "is not a valid number for its country code");
  }
  PhoneNumberInfo info;
  util.Format(number, PhoneNumberUtil::E164, &info.e164);
  util.GetRegionCodeForNumber(number, &info.region);
  info.type = map_type(util.GetNumberType(number));
  return info;
}

}  // namespace parley::call
