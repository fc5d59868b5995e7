#pragma once
// The inbound routing table: one immutable snapshot of what admission reads (trunks with their
// allowlists, digest credentials and realms; enabled routes with their regexes compiled; the
// numbers linked to agents; the agents' call settings), built from the store by InboundRouting
// and shared by every admission without locks (DESIGN.md s3: swap immutable snapshots).
//
//   auto table = RoutingTable::load(store, options);          // off the SIP thread: reads the store
//   auto admission = (*table)->admit(request, bindings);     // which trunk; digest to check?
//   auto decision = (*table)->route(*admission.trunk, request);  // which agent, and its failover
#include <cstdint>
#include <memory>
#include <optional>
#include <regex>
#include <span>
#include <string>
#include <string_view>
#include <unordered_map>
#include <vector>

#include "call/agent_settings.hpp"
#include "call/inbound_router.hpp"
#include "call/trunk_bindings.hpp"
#include "call/trunk_settings.hpp"
#include "core/crypto.hpp"
#include "core/error.hpp"
#include "net/cidr.hpp"
#include "sip/auth/digest.hpp"
#include "store/store.hpp"

namespace parley::call {

struct RoutingOptions {
  const core::SecretBox* secrets = nullptr;  // opens the trunks' inbound digest passwords
  std::string default_realm;                 // digest realm of trunks that name none (the public SIP address)
};

// A trunk as admission sees it.
struct InboundTrunk {
  std::string id;
  std::string config;  // the provider's config JSON (media policy)
  InboundAuth auth = InboundAuth::none;
  std::optional<net::CidrList> allowlist;  // ip and ip_and_digest
  std::string username;                    // digest and ip_and_digest
  std::string realm;
  std::vector<sip::auth::DigestAlgorithm> algorithms;  // offered, preferred first
  std::optional<std::string> password;                 // nullopt: not readable, nobody authenticates
};

// Which trunk an INVITE came through, before any route is looked at.
struct TrunkAdmission {
  enum class Kind {
    admitted,   // by registration binding or IP allowlist: `trunk`
    digest,     // credentials must be checked (RFC 3261 s22.4) in `realm` with `algorithms`; `trunk` is
                // the one whose username the Authorization names, or null (a challenge is all there is)
    forbidden,  // no trunk admits the caller: 403
  };
  Kind kind = Kind::forbidden;
  const InboundTrunk* trunk = nullptr;
  std::string_view realm;
  std::span<const sip::auth::DigestAlgorithm> algorithms;
};

struct InboundAgent {
  std::string id;
  AgentSettings settings;
  store::Agent record;  // config and sealed engine keys, for the call's conversation
};

class RoutingTable {
 public:
  // Reads the routing generation first, then every provider, route, number and agent: a change
  // committed meanwhile shows as a newer generation, so the next poll loads again.
  static core::Result<std::shared_ptr<const RoutingTable>> load(store::Store& store, const RoutingOptions& options);
  // Before the first load: admits nobody.
  static std::shared_ptr<const RoutingTable> empty();

  std::int64_t generation() const noexcept { return generation_; }

  // A registration binding first (with its allowlist, if any), then an `ip` trunk whose allowlist
  // holds the source, then digest: `ip_and_digest` trunks whose allowlist holds the source and
  // `digest` trunks, picked by the username of the INVITE's first Digest Authorization.
  TrunkAdmission admit(const InboundRequest& request, const TrunkBindings* bindings) const;

  // The first enabled route by priority that matches, then the agent linked to the dialled number;
  // 404 otherwise.
  RouteDecision route(const InboundTrunk& trunk, const InboundRequest& request) const;

  const InboundAgent* agent(std::string_view id) const;

 private:
  struct Route {
    enum class Type { did, header, caller_id };
    enum class Mode { exact, prefix, regex };
    std::string id;
    std::string provider_id;  // empty: any trunk
    Type type = Type::did;
    Mode mode = Mode::exact;
    std::string header;       // Type::header
    std::string value;        // the number (did) or the pattern
    std::optional<std::regex> regex;  // Mode::regex; nullopt when it no longer compiles (matches nothing)
    std::string agent_id;
    Failover failover;
    bool text_matches(std::string_view text) const;
    bool matches(const InboundRequest& request, const std::string& did, const std::string& provider_id) const;
  };
  struct Number {
    std::optional<std::string> agent_id;  // linked, active and taking inbound calls
    std::optional<std::string> provider_id;
  };

  const InboundTrunk* trunk(std::string_view id) const;
  // The protection space a caller is challenged in before its credentials name a trunk.
  const InboundTrunk* challenge_trunk(const InboundRequest& request, const InboundTrunk* by_ip) const;

  std::int64_t generation_ = 0;
  std::vector<InboundTrunk> trunks_;  // by priority, then age (the store's order)
  std::vector<Route> routes_;         // enabled ones, by priority
  std::unordered_map<std::string, Number> numbers_;  // by E.164
  std::unordered_map<std::string, InboundAgent> agents_;
  std::string default_realm_;
  std::vector<sip::auth::DigestAlgorithm> default_algorithms_;
};

}  // namespace parley::call
