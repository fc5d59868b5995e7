// SqliteStore: SIP providers, inbound routes and SIP traces.
#include <fmt/format.h>

#include "core/time.hpp"
#include "store/sqlite/query.hpp"
#include "store/sqlite/rows.hpp"
#include "store/sqlite/sqlite_store.hpp"

namespace parley::store::sqlite {
namespace {

constexpr const char* kProviderColumns =
    "id, name, kind, priority, config, credentials, registration_state, registration_expires_at, registration_error, "
    "created_at, updated_at";

SipProvider read_provider(const Statement& s) {
  return SipProvider{s.text(0),  s.text(1),         s.text(2),         static_cast<int>(s.integer(3)),
                     s.text(4),  s.text(5),         s.text(6),         s.opt_integer(7),
                     s.text(8),  s.integer(9),      s.integer(10)};
}

SipRoute read_route(const Statement& s) {
  return SipRoute{s.text(0), s.text(1), static_cast<int>(s.integer(2)), s.text(3), s.integer(4), s.integer(5)};
}

Result<SipProvider> load_provider(Connection& c, std::string_view id) {
  return query_one<SipProvider>(
      c, sql_once([] { return fmt::format("SELECT {} FROM sip_providers WHERE id = ?1", kProviderColumns); }),
      [&](Statement& s) { s.bind(1, id); }, read_provider, "SIP provider");
}

Result<SipRoute> load_route(Connection& c, std::string_view id) {
  return query_one<SipRoute>(
      c, "SELECT id, name, priority, config, created_at, updated_at FROM sip_routes WHERE id = ?1",
      [&](Statement& s) { s.bind(1, id); }, read_route, "route");
}

// UPDATE or DELETE that must touch exactly the row named: not_found otherwise.
Status expect_changed(Connection& c, std::string_view what) {
  if (c.changes() == 0) return fail(Errc::not_found, std::string(what) + " not found");
  return {};
}

}  // namespace

Status insert_provider(Connection& c, const SipProvider& p) {
  PARLEY_TRY(stmt, c.prepare(sql_once([] {
    return fmt::format("INSERT INTO sip_providers ({}) VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11)",
                       kProviderColumns);
  })));
  stmt->bind(1, p.id).bind(2, p.name).bind(3, p.kind).bind(4, p.priority).bind(5, p.config).bind(6, p.credentials);
  stmt->bind(7, p.registration_state).bind(8, p.registration_expires_at).bind(9, p.registration_error);
  stmt->bind(10, p.created_at).bind(11, p.updated_at);
  return stmt->run();
}

Result<SipProvider> SqliteStore::create_sip_provider(const SipProvider& p) {
  PARLEY_TRY(c, acquire());
  if (auto r = insert_provider(**c, p); !r) return std::unexpected(r.error());
  return load_provider(**c, p.id);
}

Result<SipProvider> SqliteStore::get_sip_provider(std::string_view id) {
  PARLEY_TRY(c, acquire());
  return load_provider(**c, id);
}

Result<Page<SipProvider>> SqliteStore::list_sip_providers(int limit, int offset) {
  PARLEY_TRY(c, acquire());
  Page<SipProvider> page;
  PARLEY_TRY(total, scalar(**c, "SELECT count(*) FROM sip_providers", [](Statement&) {}));
  page.total = *total;
  PARLEY_TRY(items, (query<SipProvider>(**c, sql_once([] {
                                          return fmt::format("SELECT {} FROM sip_providers ORDER BY priority, created_at, "
                                                             "id LIMIT ?1 OFFSET ?2",
                                                             kProviderColumns);
                                        }),
                                        [&](Statement& s) { s.bind(1, limit).bind(2, offset); }, read_provider)));
  page.items = std::move(*items);
  return page;
}

Result<SipProvider> SqliteStore::update_sip_provider(const SipProvider& p) {
  PARLEY_TRY(c, acquire());
  PARLEY_TRY(stmt, (*c)->prepare("UPDATE sip_providers SET name = ?2, kind = ?3, priority = ?4, config = ?5, "
                                 "credentials = ?6, updated_at = ?7, registration_state = ?8 WHERE id = ?1"));
  stmt->bind(1, p.id).bind(2, p.name).bind(3, p.kind).bind(4, p.priority).bind(5, p.config).bind(6, p.credentials);
  stmt->bind(7, p.updated_at).bind(8, p.registration_state);
  if (auto r = stmt->run(); !r) return std::unexpected(r.error());
  if (auto r = expect_changed(**c, "SIP provider"); !r) return std::unexpected(r.error());
  return load_provider(**c, p.id);
}

Status SqliteStore::delete_sip_provider(std::string_view id) {
  PARLEY_TRY(c, acquire());
  PARLEY_TRY(tx, Transaction::begin(**c));
  PARLEY_TRY(users, scalar(**c, "SELECT count(*) FROM phone_numbers WHERE sip_provider_id = ?1",
                           [&](Statement& s) { s.bind(1, id); }));
  if (*users) {
    return fail(Errc::conflict, fmt::format("SIP provider is used by {} phone number(s); move or delete them first", *users));
  }
  PARLEY_TRY(stmt, (*c)->prepare("DELETE FROM sip_providers WHERE id = ?1"));
  stmt->bind(1, id);
  if (auto r = stmt->run(); !r) return r;
  if (auto r = expect_changed(**c, "SIP provider"); !r) return r;
  return tx->commit();
}

Status SqliteStore::set_registration_state(std::string_view id, std::string_view state,
                                           std::optional<std::int64_t> expires_at, std::string_view error) {
  PARLEY_TRY(c, acquire());
  PARLEY_TRY(stmt, (*c)->prepare("UPDATE sip_providers SET registration_state = ?2, registration_expires_at = ?3, "
                                 "registration_error = ?4 WHERE id = ?1"));
  stmt->bind(1, id).bind(2, state).bind(3, expires_at).bind(4, error);
  if (auto r = stmt->run(); !r) return r;
  return expect_changed(**c, "SIP provider");
}

Result<SipRoute> SqliteStore::create_sip_route(const SipRoute& r) {
  PARLEY_TRY(c, acquire());
  PARLEY_TRY(stmt, (*c)->prepare("INSERT INTO sip_routes (id, name, priority, config, created_at, updated_at) "
                                 "VALUES (?1, ?2, ?3, ?4, ?5, ?6)"));
  stmt->bind(1, r.id).bind(2, r.name).bind(3, r.priority).bind(4, r.config).bind(5, r.created_at).bind(6, r.updated_at);
  if (auto e = stmt->run(); !e) return std::unexpected(e.error());
  return load_route(**c, r.id);
}

Result<SipRoute> SqliteStore::get_sip_route(std::string_view id) {
  PARLEY_TRY(c, acquire());
  return load_route(**c, id);
}

Result<Page<SipRoute>> SqliteStore::list_sip_routes(int limit, int offset) {
  PARLEY_TRY(c, acquire());
  Page<SipRoute> page;
  PARLEY_TRY(total, scalar(**c, "SELECT count(*) FROM sip_routes", [](Statement&) {}));
  page.total = *total;
  PARLEY_TRY(items, (query<SipRoute>(**c,
                                     "SELECT id, name, priority, config, created_at, updated_at FROM sip_routes "
                                     "ORDER BY priority, created_at, id LIMIT ?1 OFFSET ?2",
                                     [&](Statement& s) { s.bind(1, limit).bind(2, offset); }, read_route)));
  page.items = std::move(*items);
  return page;
}

Result<SipRoute> SqliteStore::update_sip_route(const SipRoute& r) {
  PARLEY_TRY(c, acquire());
  PARLEY_TRY(stmt, (*c)->prepare("UPDATE sip_routes SET name = ?2, priority = ?3, config = ?4, updated_at = ?5 WHERE id = ?1"));
  stmt->bind(1, r.id).bind(2, r.name).bind(3, r.priority).bind(4, r.config).bind(5, r.updated_at);
  if (auto e = stmt->run(); !e) return std::unexpected(e.error());
  if (auto e = expect_changed(**c, "route"); !e) return std::unexpected(e.error());
  return load_route(**c, r.id);
}

Status SqliteStore::delete_sip_route(std::string_view id) {
  PARLEY_TRY(c, acquire());
  PARLEY_TRY(stmt, (*c)->prepare("DELETE FROM sip_routes WHERE id = ?1"));
  stmt->bind(1, id);
  if (auto r = stmt->run(); !r) return r;
  return expect_changed(**c, "route");
}

Result<std::int64_t> SqliteStore::routing_generation() {
  PARLEY_TRY(c, acquire());
  return scalar(**c, "SELECT value FROM routing_generation WHERE id = 1", [](Statement&) {});
}

Status SqliteStore::append_sip_traces(const std::vector<SipTrace>& traces) {
  if (traces.empty()) return {};
  PARLEY_TRY(c, acquire());
  PARLEY_TRY(tx, Transaction::begin(**c));
  for (const auto& t : traces) {
    PARLEY_TRY(stmt, (*c)->prepare("INSERT INTO sip_traces (provider_id, call_id, direction, remote, message, created_at) "
                                   "VALUES (?1, ?2, ?3, ?4, ?5, ?6)"));
    stmt->bind(1, t.provider_id).bind(2, t.call_id).bind(3, t.direction).bind(4, t.remote).bind(5, t.message);
    stmt->bind(6, t.created_at);
    if (auto r = stmt->run(); !r) return r;
  }
  return tx->commit();
}

Result<std::vector<SipTrace>> SqliteStore::list_sip_traces(std::string_view call_id, int limit) {
  PARLEY_TRY(c, acquire());
  return query<SipTrace>(
      **c,
      "SELECT id, provider_id, call_id, direction, remote, message, created_at FROM sip_traces WHERE call_id = ?1 "
      "ORDER BY id LIMIT ?2",
      [&](Statement& s) { s.bind(1, call_id).bind(2, limit); },
      [](const Statement& s) {
        return SipTrace{s.integer(0), s.opt_text(1), s.text(2), s.text(3), s.text(4), s.text(5), s.integer(6)};
      });
}

namespace {

constexpr int kPruneChunk = 5000;  // rows per DELETE: each holds the write lock only briefly

// Runs a chunked DELETE (at most parameter `limit_param` rows each) until a chunk comes back short.
template <class Binder>
Result<std::int64_t> delete_in_chunks(Connection& c, const char* sql, int limit_param, Binder&& bind) {
  std::int64_t total = 0;
  for (;;) {
    PARLEY_TRY(stmt, c.prepare(sql));
    bind(*stmt);
    stmt->bind(limit_param, kPruneChunk);
    if (auto r = stmt->run(); !r) return std::unexpected(r.error());
    const auto n = c.changes();
    total += n;
    if (n < kPruneChunk) return total;
  }
}

}  // namespace

Result<std::int64_t> SqliteStore::prune_sip_traces(std::string_view provider_id, std::int64_t older_than) {
  PARLEY_TRY(c, acquire());
  return delete_in_chunks(**c,
                          "DELETE FROM sip_traces WHERE id IN (SELECT id FROM sip_traces WHERE created_at < ?2 "
                          "AND provider_id = ?1 LIMIT ?3)",
                          3, [&](Statement& s) { s.bind(1, provider_id).bind(2, older_than); });
}

Result<std::int64_t> SqliteStore::prune_orphan_sip_traces(std::int64_t older_than) {
  PARLEY_TRY(c, acquire());
  return delete_in_chunks(**c,
                          "DELETE FROM sip_traces WHERE id IN (SELECT t.id FROM sip_traces t WHERE t.created_at < ?1 "
                          "AND (t.provider_id IS NULL OR NOT EXISTS (SELECT 1 FROM sip_providers p WHERE p.id = "
                          "t.provider_id)) LIMIT ?2)",
                          2, [&](Statement& s) { s.bind(1, older_than); });
}

}  // namespace parley::store::sqlite
