#include "jobs/webhook_signature.hpp"

#include "core/crypto.hpp"

namespace parley::jobs {

std::string webhook_signature(std::string_view secret, std::string_view timestamp, std::string_view body) {
  std::string signed_text;
  signed_text.reserve(timestamp.size() + 1 + body.size());
  signed_text.append(timestamp).push_back('.');
  signed_text.append(body);
  return "v1=" + core::to_hex(core::hmac_sha256(secret, signed_text));
}

}  // namespace parley::jobs
