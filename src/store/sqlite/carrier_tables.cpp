// SqliteStore: what the carrier integrations write (carrier call ids, telephony status, provisioned
// numbers and their journal of remote resources, SIP trunk imports).
#include <fmt/format.h>

#include <algorithm>

#include "core/time.hpp"
#include "store/sqlite/query.hpp"
#include "store/sqlite/rows.hpp"
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

namespace {

constexpr const char* kResourceColumns =
    "phone_number_id, seq, kind, label, remote_id, state, undo_request, lookup, last_error, created_at";

CarrierResource read_resource(const Statement& s) {
  return CarrierResource{s.text(0), static_cast<int>(s.integer(1)), s.text(2), s.text(3), s.text(4),
                         s.text(5), s.text(6),                      s.text(7), s.text(8), s.integer(9)};
}

std::int64_t now_ms() { return core::to_unix_ms(core::now_utc()); }

}  // namespace

Result<PhoneNumber> SqliteStore::transition_phone_number(std::string_view id, const std::vector<std::string>& from,
                                                         std::string_view to, std::string_view last_error) {
  PARLEY_TRY(c, acquire());
  PARLEY_TRY(tx, Transaction::begin(**c));
  PARLEY_TRY(n, load_number(**c, id));
  if (std::find(from.begin(), from.end(), n->state) == from.end()) {
    return fail(Errc::conflict, "phone number is " + n->state);
  }
  {
    PARLEY_TRY(stmt, (*c)->prepare("UPDATE phone_numbers SET state = ?2, last_error = ?3, updated_at = ?4 WHERE id = ?1"));
    stmt->bind(1, id).bind(2, to).bind(3, last_error).bind(4, now_ms());
    if (auto r = stmt->run(); !r) return std::unexpected(r.error());
  }
  PARLEY_TRY(out, load_number(**c, id));
  if (auto r = tx->commit(); !r) return std::unexpected(r.error());
  return out;
}

Result<PhoneNumber> SqliteStore::activate_phone_number(std::string_view id, std::string_view config,
                                                       std::string_view credentials,
                                                       const std::optional<SipProvider>& trunk) {
  PARLEY_TRY(c, acquire());
  PARLEY_TRY(tx, Transaction::begin(**c));
  PARLEY_TRY(n, load_number(**c, id));
  if (n->state != "provisioning") return fail(Errc::conflict, "phone number is " + n->state + ", not provisioning");
  if (trunk) {
    if (auto r = insert_provider(**c, *trunk); !r) return std::unexpected(r.error());
  }
  {
    PARLEY_TRY(stmt, (*c)->prepare("UPDATE phone_numbers SET state = 'active', config = ?2, credentials = ?3, "
                                   "sip_provider_id = coalesce(?4, sip_provider_id), last_error = '', updated_at = ?5 "
                                   "WHERE id = ?1"));
    stmt->bind(1, id).bind(2, config).bind(3, credentials);
    stmt->bind(4, trunk ? std::optional<std::string>(trunk->id) : std::nullopt).bind(5, now_ms());
    if (auto r = stmt->run(); !r) return std::unexpected(r.error());
  }
  PARLEY_TRY(out, load_number(**c, id));
  if (auto r = tx->commit(); !r) return std::unexpected(r.error());
  return out;
}

Status SqliteStore::delete_phone_number_and_trunk(std::string_view id, const std::optional<std::string>& owned_trunk_id) {
  PARLEY_TRY(c, acquire());
  PARLEY_TRY(tx, Transaction::begin(**c));
  {
    PARLEY_TRY(stmt, (*c)->prepare("DELETE FROM phone_numbers WHERE id = ?1"));
    stmt->bind(1, id);
    if (auto r = stmt->run(); !r) return r;
    if ((*c)->changes() == 0) return fail(Errc::not_found, "phone number not found");
  }
  if (owned_trunk_id) {
    // Kept when another number was moved onto it since.
    PARLEY_TRY(stmt, (*c)->prepare("DELETE FROM sip_providers WHERE id = ?1 AND NOT EXISTS "
                                   "(SELECT 1 FROM phone_numbers WHERE sip_provider_id = ?1)"));
    stmt->bind(1, *owned_trunk_id);
    if (auto r = stmt->run(); !r) return r;
  }
  return tx->commit();
}

Status SqliteStore::set_phone_number_dlt(std::string_view id, bool registered) {
  PARLEY_TRY(c, acquire());
  PARLEY_TRY(stmt, (*c)->prepare("UPDATE phone_numbers SET dlt_registered = ?2, updated_at = ?3 WHERE id = ?1"));
  stmt->bind(1, id).bind(2, registered).bind(3, now_ms());
  if (auto r = stmt->run(); !r) return r;
  if ((*c)->changes() == 0) return fail(Errc::not_found, "phone number not found");
  return {};
}

Result<int> SqliteStore::add_carrier_resource(const CarrierResource& r) {
  PARLEY_TRY(c, acquire());
  PARLEY_TRY(tx, Transaction::begin(**c));
  PARLEY_TRY(seq, scalar(**c, "SELECT coalesce(max(seq), 0) + 1 FROM carrier_resources WHERE phone_number_id = ?1",
                         [&](Statement& s) { s.bind(1, r.phone_number_id); }));
  {
    PARLEY_TRY(stmt, (*c)->prepare(sql_once([] {
      return fmt::format("INSERT INTO carrier_resources ({}) VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10)",
                         kResourceColumns);
    })));
    stmt->bind(1, r.phone_number_id).bind(2, *seq).bind(3, r.kind).bind(4, r.label).bind(5, r.remote_id);
    stmt->bind(6, r.state).bind(7, r.undo_request).bind(8, r.lookup).bind(9, r.last_error).bind(10, r.created_at);
    if (auto rr = stmt->run(); !rr) {
      // The number is gone (foreign key): report it as such rather than as a conflict.
      if (rr.error().code == Errc::conflict) return fail(Errc::not_found, "phone number not found");
      return std::unexpected(rr.error());
    }
  }
  if (auto rr = tx->commit(); !rr) return std::unexpected(rr.error());
  return static_cast<int>(*seq);
}

Status SqliteStore::update_carrier_resource(const CarrierResource& r) {
  PARLEY_TRY(c, acquire());
  PARLEY_TRY(stmt, (*c)->prepare("UPDATE carrier_resources SET remote_id = ?3, state = ?4, last_error = ?5 "
                                 "WHERE phone_number_id = ?1 AND seq = ?2"));
  stmt->bind(1, r.phone_number_id).bind(2, r.seq).bind(3, r.remote_id).bind(4, r.state).bind(5, r.last_error);
  if (auto rr = stmt->run(); !rr) return rr;
  if ((*c)->changes() == 0) return fail(Errc::not_found, "carrier resource not found");
  return {};
}

Status SqliteStore::remove_carrier_resource(std::string_view phone_number_id, int seq) {
  PARLEY_TRY(c, acquire());
  PARLEY_TRY(stmt, (*c)->prepare("DELETE FROM carrier_resources WHERE phone_number_id = ?1 AND seq = ?2"));
  stmt->bind(1, phone_number_id).bind(2, seq);
  return stmt->run();
}

Result<std::vector<CarrierResource>> SqliteStore::list_carrier_resources(std::string_view phone_number_id) {
  PARLEY_TRY(c, acquire());
  return query<CarrierResource>(
      **c,
      sql_once([] {
        return fmt::format("SELECT {} FROM carrier_resources WHERE phone_number_id = ?1 ORDER BY seq", kResourceColumns);
      }),
      [&](Statement& s) { s.bind(1, phone_number_id); }, read_resource);
}

Result<std::vector<PhoneNumber>> SqliteStore::import_sip_numbers(const SipProvider& p,
                                                                 const std::vector<PhoneNumber>& numbers) {
  PARLEY_TRY(c, acquire());
  PARLEY_TRY(tx, Transaction::begin(**c));
  if (auto r = insert_provider(**c, p); !r) return std::unexpected(r.error());
  std::vector<PhoneNumber> out;
  for (std::size_t i = 0; i < numbers.size(); ++i) {
    PhoneNumber row = numbers[i];
    row.sip_provider_id = p.id;
    if (auto r = insert_number(**c, row); !r) {
      return fail(r.error().code, r.error().message, fmt::format("numbers[{}].{}", i, r.error().field));
    }
    PARLEY_TRY(stored, load_number(**c, row.id));
    out.push_back(std::move(*stored));
  }
  if (auto r = tx->commit(); !r) return std::unexpected(r.error());
  return out;
}

}  // namespace parley::store::sqlite
