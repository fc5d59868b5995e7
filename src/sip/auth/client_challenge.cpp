#include "sip/auth/client_challenge.hpp"

namespace parley::sip::auth {

std::optional<Challenge> pick_challenge(const Message& response) {
  const int status = response.status();
  if (status != 401 && status != 407) return std::nullopt;
  const bool proxy = status == 407;
  const HeaderId id = proxy ? HeaderId::proxy_authenticate : HeaderId::www_authenticate;
  std::optional<Challenge> best;
  for (const Header& h : response.headers()) {
    if (h.id != id) continue;
    auto c = parse_challenge(h.value);
    if (!c) continue;
    const bool stronger = c->algorithm == DigestAlgorithm::sha256 && best && best->digest.algorithm != DigestAlgorithm::sha256;
    if (!best || stronger) best = Challenge{std::move(*c), proxy};
  }
  return best;
}

}  // namespace parley::sip::auth
