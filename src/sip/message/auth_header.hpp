#pragma once
// WWW-Authenticate, Proxy-Authenticate, Authorization, Proxy-Authorization values:
// scheme followed by comma-separated auth-params (RFC 3261 s25.1, RFC 2617 s1.2).
// One header field carries one challenge or one set of credentials.
#include <optional>
#include <string_view>

namespace parley::sip {

struct AuthParam {
  std::string_view name;
  std::string_view value;  // quoted values without their DQUOTEs (escapes kept)
  bool quoted = false;
};

class AuthHeader {
 public:
  std::string_view scheme() const noexcept { return scheme_; }  // "Digest" (compare case-insensitively)
  std::string_view params_text() const noexcept { return params_; }

  std::optional<std::string_view> param(std::string_view name) const noexcept;
  // Iteration: `pos` starts at 0; false at the end or on a grammar error.
  bool next(std::size_t& pos, AuthParam& out) const noexcept;

  friend std::optional<AuthHeader> parse_auth_header(std::string_view text) noexcept;

 private:
  std::string_view scheme_;
  std::string_view params_;
};

// nullopt when the scheme is not a token or a parameter is malformed.
std::optional<AuthHeader> parse_auth_header(std::string_view text) noexcept;

}  // namespace parley::sip
