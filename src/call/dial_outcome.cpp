#include "call/dial_outcome.hpp"

namespace parley::call {

DialOutcome classify_final_response(int s) {
  switch (s) {
    case 486:  // Busy Here
    case 600:  // Busy Everywhere
      return {"failed", "busy", "busy", false};
    case 603:  // Decline
    case 607:  // Unwanted (RFC 8197)
      return {"failed", "declined", "rejected", false};
    case 404:  // Not Found
    case 484:  // Address Incomplete
    case 604:  // Does Not Exist Anywhere
    case 485:  // Ambiguous
    case 410:  // Gone
      return {"failed", "not_found", "invalid_number", false};
    case 480:  // Temporarily Unavailable: the callee is not reachable now
      return {"failed", "unavailable", "no_answer", false};
    case 487:  // Request Terminated: our CANCEL took effect
      return {"canceled", "canceled", "failed", false};
    case 488:  // Not Acceptable Here: no common media
    case 606:  // Not Acceptable
      return {"failed", "media_not_acceptable", "failed", false};
    case 0:    // no response at all (timer B, unreachable trunk)
    case 408:  // Request Timeout
      return {"failed", "trunk_error", "trunk_error", true};
    case 403:  // the trunk refused us (caller ID, credentials, account)
    case 401:
    case 407:  // a challenge we could not answer (or answered wrong)
      return {"failed", "trunk_error", "trunk_error", true};
    case 503:  // Service Unavailable: the carrier is out of capacity
      return {"failed", "unavailable", "carrier_capacity", true};
    default:
      break;
  }
  if (s >= 500 && s < 600) return {"failed", "trunk_error", "trunk_error", true};
  if (s >= 600) return {"failed", "declined", "rejected", false};
  return {"failed", "failed", "failed", false};
}

DialOutcome ring_timeout_outcome() { return {"no_answer", "no_answer", "no_answer", false}; }

}  // namespace parley::call
