#pragma once
// The webhook outbox inside a transaction the caller holds (docs/architecture.md, "Nothing lost").
#include "store/sqlite/connection.hpp"
#include "store/store.hpp"

namespace parley::store::sqlite {

// Inserts the event `event_for(session)` returns (if any) as the session's next delivery.
core::Status enqueue_event(Connection& c, const VoiceSession& session, const Store::EventFor& event_for);

}  // namespace parley::store::sqlite
