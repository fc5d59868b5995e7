#pragma once
// Row helpers shared by the SQLite store's translation units, for work that must run inside a
// caller's transaction on its connection (one place per table that writes its rows).
#include <string_view>

#include "core/error.hpp"
#include "store/records.hpp"
#include "store/sqlite/connection.hpp"

namespace parley::store::sqlite {

core::Result<PhoneNumber> load_number(Connection& c, std::string_view id);
// Refuses a duplicate E.164 number (conflict, field phone_number), an unknown agent (validation,
// field agent_id) and an agent that already has a number (conflict, field agent_id).
core::Status insert_number(Connection& c, const PhoneNumber& n);
core::Status insert_provider(Connection& c, const SipProvider& p);

}  // namespace parley::store::sqlite
