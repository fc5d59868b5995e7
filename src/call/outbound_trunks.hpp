#pragma once
// Where an outbound call goes (issue #6 "Dialing"): the trunk linked to the from-number first,
// then every other trunk with an `outbound` section by priority (multi-provider failover of
// seeds/002), each turned into the INVITE Parley sends through it.
#include <string>
#include <vector>

#include "call/media_policy.hpp"
#include "core/crypto.hpp"
#include "core/error.hpp"
#include "sip/dialog/outgoing_call.hpp"
#include "store/store.hpp"

namespace parley::call {

struct TrunkAttempt {
  std::string provider_id;
  std::string provider_name;
  sip::DialRequest request;  // everything but the SDP offer
  MediaPolicy media;
};

struct OutboundCallParties {
  std::string to_number;    // E.164
  std::string from_number;  // E.164, the caller ID
  std::string local_host;   // From domain when a trunk names none (public address)
  int ring_timeout_s = 30;
};

// The trunks that may carry calls from `from`, in the order they are tried. Errc::not_found when
// there is none (the dial API answers 422 then).
core::Result<std::vector<store::SipProvider>> outbound_trunk_candidates(store::Store& store,
                                                                       const store::PhoneNumber& from);

// The attempts for those trunks. Errc::not_found when no trunk can carry the call.
core::Result<std::vector<TrunkAttempt>> outbound_trunks(store::Store& store, const core::SecretBox& secrets,
                                                        const store::PhoneNumber& from,
                                                        const OutboundCallParties& parties);

// The INVITE for one trunk's stored config (host, port, transport, outbound{username, from_domain,
// caller_id_header}) and its sealed outbound password.
TrunkAttempt trunk_attempt(const store::SipProvider& trunk, const core::SecretBox& secrets,
                           const OutboundCallParties& parties);

}  // namespace parley::call
