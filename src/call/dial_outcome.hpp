#pragma once
// What the final response to an outgoing INVITE means (issue #6 "Dialing"): the session's status
// and end_reason, the outcome normalized for users, and whether the next trunk should be tried.
//
// A trunk failure (408, a 5xx, 403/407 from the trunk, no response at all) moves on to the next
// trunk by priority (seeds/002 multi-provider failover); an answer from the callee's side (486,
// 600, 603, 404, 484, 480, ...) is final and never retried elsewhere.
#include <string>

namespace parley::call {

struct DialOutcome {
  std::string status;      // failed | no_answer | canceled
  std::string end_reason;  // busy, declined, not_found, unavailable, trunk_error, no_answer, ...
  std::string outcome;     // busy | no_answer | rejected | invalid_number | carrier_capacity | trunk_error | failed
  bool try_next_trunk = false;
};

// `sip_status` is the final response code (0 when none came: timer B or a transport failure).
DialOutcome classify_final_response(int sip_status);

// The ring timeout expired and we cancelled.
DialOutcome ring_timeout_outcome();

}  // namespace parley::call
