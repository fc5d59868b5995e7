#pragma once
// IP allowlists: CIDR blocks ("203.0.113.0/24", "2001:db8::/32", or a bare address) and matching.
#include <string>
#include <string_view>
#include <vector>

#include "core/error.hpp"

namespace parley::net {

class CidrList {
 public:
  // Errors name the entry that is not an IPv4/IPv6 address or CIDR block.
  static core::Result<CidrList> parse(const std::vector<std::string>& entries);
  bool contains(std::string_view address) const;  // false for anything that is not an IP address
  bool empty() const { return v4_.empty() && v6_.empty(); }

 private:
  struct V4 {
    unsigned int net, mask;
  };
  struct V6 {
    unsigned char net[16];
    int prefix;
  };
  std::vector<V4> v4_;
  std::vector<V6> v6_;
};

}  // namespace parley::net
