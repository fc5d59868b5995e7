#include "media/sdp/crypto_attribute.hpp"

#include "core/crypto.hpp"
#include "media/detail/text.hpp"

namespace parley::media::sdp {

core::Result<CryptoAttribute> parse_crypto(std::string_view value) {
  const auto parts = detail::split(detail::trim(value), ' ');
  if (parts.size() < 3) {
    return core::fail(core::Errc::invalid_argument, "a=crypto needs '<tag> <suite> <key-params>'", "crypto");
  }
  // RFC 4568 s9.1: tag = 1*9DIGIT.
  const auto tag = detail::parse_number<std::uint32_t>(parts[0]);
  if (!tag || parts[0].size() > 9) {
    return core::fail(core::Errc::invalid_argument, "a=crypto tag is not 1-9 digits", "crypto");
  }
  if (parts[2].find(':') == std::string_view::npos) {
    return core::fail(core::Errc::invalid_argument, "a=crypto key-params lack 'method:info'", "crypto");
  }
  CryptoAttribute crypto{*tag, std::string(parts[1]), std::string(parts[2]), {}};
  for (std::size_t i = 3; i < parts.size(); ++i) crypto.session_params.emplace_back(parts[i]);
  return crypto;
}

std::string format_crypto(const CryptoAttribute& crypto) {
  std::string out = std::to_string(crypto.tag) + ' ' + crypto.suite + ' ' + crypto.key_params;
  for (const auto& param : crypto.session_params) out += ' ' + param;
  return out;
}

core::Result<std::string> inline_key(const CryptoAttribute& crypto) {
  // RFC 4568 s9.1: key-params = key-param *(";" key-param); inline key-info = key||salt ["|" lifetime] ["|" MKI:len].
  for (auto param : detail::split(crypto.key_params, ';')) {
    const auto [method, info] = detail::split_once(param, ':');
    if (method != "inline") continue;
    const auto key_salt = detail::split_once(info, '|').first;
    auto raw = core::base64_decode(key_salt);
    if (!raw) return core::fail(core::Errc::invalid_argument, "a=crypto inline key is not base64", "crypto");
    return raw;
  }
  return core::fail(core::Errc::unsupported, "a=crypto has no inline key", "crypto");
}

bool is_single_inline_key(const CryptoAttribute& crypto) {
  const auto params = detail::split(crypto.key_params, ';');
  if (params.size() != 1 || !crypto.session_params.empty()) return false;
  const auto [method, info] = detail::split_once(params[0], ':');
  if (method != "inline") return false;
  // key||salt ["|" lifetime] ["|" MKI ":" length]: only the MKI field holds a colon.
  const auto [key, rest] = detail::split_once(info, '|');
  return rest.find(':') == std::string_view::npos;
}

CryptoAttribute make_inline_crypto(std::uint32_t tag, std::string_view suite, std::string_view raw_key) {
  return CryptoAttribute{tag, std::string(suite), "inline:" + core::base64_encode(raw_key), {}};
}

}  // namespace parley::media::sdp
