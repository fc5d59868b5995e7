// SqliteStore: what the carrier integrations write (carrier call ids, telephony status, provisioned
// numbers, SIP trunk imports).
#include <fmt/format.h>

#include "core/time.hpp"
#include "store/sqlite/query.hpp"
#include "store/sqlite/sqlite_store.hpp"

namespace parley::store::sqlite {

Status SqliteStore::set_carrier_call_id(std::string_view session_id, std::string_view carrier_call_id) {
  PARLEY_TRY(c, acquire());
  PARLEY_TRY(stmt, (*c)->prepare("UPDATE voice_sessions SET carrier_call_id = ?2 WHERE id = ?1"));
  stmt->bind(1, session_id).bind(2, carrier_call_id);
  if (auto r = stmt->run(); !r) return r;
  if ((*c)->changes() == 0) return fail(Errc::not_found, "session not found");
  return {};
}

Result<bool> SqliteStore::set_telephony_status(std::string_view carrier_call_id, std::string_view status) {
  PARLEY_TRY(c, acquire());
  PARLEY_TRY(stmt, (*c)->prepare("UPDATE voice_sessions SET telephony_status = ?2 WHERE carrier_call_id = ?1"));
  stmt->bind(1, carrier_call_id).bind(2, status);
  if (auto r = stmt->run(); !r) return std::unexpected(r.error());
  return (*c)->changes() > 0;
}

Status SqliteStore::update_phone_number_carrier(std::string_view id, std::string_view state, std::string_view config,
                                                std::string_view credentials,
                                                const std::optional<std::string>& sip_provider_id) {
  PARLEY_TRY(c, acquire());
  PARLEY_TRY(stmt, (*c)->prepare("UPDATE phone_numbers SET state = ?2, config = ?3, credentials = ?4, "
                                 "sip_provider_id = coalesce(?5, sip_provider_id), updated_at = ?6 WHERE id = ?1"));
  stmt->bind(1, id).bind(2, state).bind(3, config).bind(4, credentials).bind(5, sip_provider_id);
  stmt->bind(6, core::to_unix_ms(core::now_utc()));
  if (auto r = stmt->run(); !r) return r;
  if ((*c)->changes() == 0) return fail(Errc::not_found, "phone number not found");
  return {};
}

Result<std::vector<PhoneNumber>> SqliteStore::import_sip_numbers(const SipProvider& p,
                                                                 const std::vector<PhoneNumber>& numbers) {
  PARLEY_TRY(c, acquire());
  PARLEY_TRY(tx, Transaction::begin(**c));
  {
    PARLEY_TRY(stmt, (*c)->prepare("INSERT INTO sip_providers (id, name, kind, priority, config, credentials, "
                                   "registration_state, registration_expires_at, registration_error, created_at, "
                                   "updated_at) VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11)"));
    stmt->bind(1, p.id).bind(2, p.name).bind(3, p.kind).bind(4, p.priority).bind(5, p.config).bind(6, p.credentials);
    stmt->bind(7, p.registration_state).bind(8, p.registration_expires_at).bind(9, p.registration_error);
    stmt->bind(10, p.created_at).bind(11, p.updated_at);
    if (auto r = stmt->run(); !r) return std::unexpected(r.error());
  }
  for (const auto& n : numbers) {
    PARLEY_TRY(dup, scalar(**c, "SELECT count(*) FROM phone_numbers WHERE phone_number = ?1",
                           [&](Statement& s) { s.bind(1, n.phone_number); }));
    if (*dup) return fail(Errc::conflict, "phone number " + n.phone_number + " already exists", "numbers");
    if (n.agent_id) {
      PARLEY_TRY(agents, scalar(**c, "SELECT count(*) FROM agents WHERE id = ?1", [&](Statement& s) { s.bind(1, *n.agent_id); }));
      if (!*agents) return fail(Errc::validation, "agent " + *n.agent_id + " does not exist", "numbers");
      PARLEY_TRY(linked, scalar(**c, "SELECT count(*) FROM phone_numbers WHERE agent_id = ?1",
                                [&](Statement& s) { s.bind(1, *n.agent_id); }));
      if (*linked) return fail(Errc::conflict, "agent " + *n.agent_id + " already has a phone number", "numbers");
    }
    PARLEY_TRY(stmt, (*c)->prepare("INSERT INTO phone_numbers (id, phone_number, provider, state, supports_inbound, "
                                   "supports_outbound, agent_id, sip_provider_id, config, credentials, last_error, "
                                   "created_at, updated_at) VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11, ?12, ?13)"));
    stmt->bind(1, n.id).bind(2, n.phone_number).bind(3, n.provider).bind(4, n.state).bind(5, n.supports_inbound);
    stmt->bind(6, n.supports_outbound).bind(7, n.agent_id).bind(8, p.id).bind(9, n.config);
    stmt->bind(10, n.credentials).bind(11, n.last_error).bind(12, n.created_at).bind(13, n.updated_at);
    if (auto r = stmt->run(); !r) return std::unexpected(r.error());
  }
  if (auto r = tx->commit(); !r) return std::unexpected(r.error());
  std::vector<PhoneNumber> out;
  for (const auto& n : numbers) {
    PARLEY_TRY(row, get_phone_number(n.id));
    out.push_back(std::move(*row));
  }
  return out;
}

}  // namespace parley::store::sqlite
