// SqliteStore: the webhook outbox, delivery attempts and per-key webhook secrets.
#include <fmt/format.h>

#include "core/ids.hpp"
#include "core/time.hpp"
#include "store/sqlite/outbox.hpp"
#include "store/sqlite/query.hpp"
#include "store/sqlite/sqlite_store.hpp"

namespace parley::store::sqlite {
namespace {

constexpr const char* kDeliveryColumns =
    "id, session_id, seq, event, url, api_key_id, payload, status, attempts, next_attempt_at, last_status_code, "
    "last_error, created_at, delivered_at";

WebhookDelivery read_delivery(const Statement& s) {
  WebhookDelivery d;
  d.id = s.text(0);
  d.session_id = s.text(1);
  d.seq = static_cast<int>(s.integer(2));
  d.event = s.text(3);
  d.url = s.text(4);
  d.api_key_id = s.opt_text(5);
  d.payload = s.text(6);
  d.status = s.text(7);
  d.attempts = static_cast<int>(s.integer(8));
  d.next_attempt_at = s.integer(9);
  d.last_status_code = s.opt_integer(10);
  d.last_error = s.opt_text(11);
  d.created_at = s.integer(12);
  d.delivered_at = s.opt_integer(13);
  return d;
}

}  // namespace

core::Status enqueue_event(Connection& c, const VoiceSession& session, const Store::EventFor& event_for) {
  if (!event_for) return {};
  auto event = event_for(session);
  if (!event) return {};
  PARLEY_TRY(seq, scalar(c, "SELECT coalesce(max(seq), 0) + 1 FROM webhook_deliveries WHERE session_id = ?1",
                         [&](Statement& s) { s.bind(1, session.id); }));
  auto now = core::to_unix_ms(core::now_utc());
  PARLEY_TRY(stmt, c.prepare("INSERT INTO webhook_deliveries (id, session_id, seq, event, url, api_key_id, payload, "
                             "status, next_attempt_at, created_at) VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, 'pending', ?8, ?8)"));
  stmt->bind(1, core::new_id("whd")).bind(2, session.id).bind(3, *seq).bind(4, event->event).bind(5, event->url);
  stmt->bind(6, event->api_key_id).bind(7, event->payload).bind(8, now);
  return stmt->run();
}

Result<std::vector<WebhookDelivery>> SqliteStore::claim_due_webhooks(std::int64_t now, int limit,
                                                                      const std::vector<std::string>& in_flight) {
  PARLEY_TRY(c, acquire());
  // Only the oldest pending delivery of each session is eligible: events reach a receiver in order.
  PARLEY_TRY(rows, (query<WebhookDelivery>(
                       **c, sql_once([] {
                         return fmt::format(
                             "SELECT {} FROM webhook_deliveries d WHERE d.status = 'pending' AND d.next_attempt_at <= ?1 "
                             "AND NOT EXISTS (SELECT 1 FROM webhook_deliveries e WHERE e.session_id = d.session_id "
                             "AND e.status = 'pending' AND e.seq < d.seq) ORDER BY d.next_attempt_at, d.created_at "
                             "LIMIT ?2",
                             kDeliveryColumns);
                       }),
                       [&](Statement& s) { s.bind(1, now).bind(2, limit + static_cast<int>(in_flight.size())); },
                       read_delivery)));
  std::erase_if(*rows, [&](const WebhookDelivery& d) {
    return std::find(in_flight.begin(), in_flight.end(), d.id) != in_flight.end();
  });
  if (rows->size() > static_cast<std::size_t>(limit)) rows->resize(static_cast<std::size_t>(limit));
  return rows;
}

Status SqliteStore::record_webhook_attempt(const WebhookAttempt& a, bool delivered, bool give_up,
                                           std::int64_t next_attempt_at) {
  PARLEY_TRY(c, acquire());
  PARLEY_TRY(tx, Transaction::begin(**c));
  {
    PARLEY_TRY(stmt, (*c)->prepare("INSERT INTO webhook_attempts (delivery_id, attempt, attempted_at, status_code, error, "
                                   "duration_ms) VALUES (?1, ?2, ?3, ?4, ?5, ?6)"));
    stmt->bind(1, a.delivery_id).bind(2, a.attempt).bind(3, a.attempted_at).bind(4, a.status_code).bind(5, a.error);
    stmt->bind(6, a.duration_ms);
    if (auto r = stmt->run(); !r) return r;
  }
  PARLEY_TRY(stmt, (*c)->prepare("UPDATE webhook_deliveries SET attempts = ?2, last_status_code = ?3, last_error = ?4, "
                                 "status = ?5, next_attempt_at = ?6, delivered_at = ?7 WHERE id = ?1"));
  const char* status = delivered ? "delivered" : give_up ? "failed" : "pending";
  stmt->bind(1, a.delivery_id).bind(2, a.attempt).bind(3, a.status_code).bind(4, a.error).bind(5, status);
  stmt->bind(6, next_attempt_at).bind(7, delivered ? std::optional<std::int64_t>(a.attempted_at) : std::nullopt);
  if (auto r = stmt->run(); !r) return r;
  if ((*c)->changes() == 0) return fail(Errc::not_found, "webhook delivery not found");
  return tx->commit();
}

Result<std::vector<WebhookDelivery>> SqliteStore::list_webhooks(std::string_view session_id) {
  PARLEY_TRY(c, acquire());
  return query<WebhookDelivery>(
      **c, sql_once([] { return fmt::format("SELECT {} FROM webhook_deliveries WHERE session_id = ?1 ORDER BY seq", kDeliveryColumns); }),
      [&](Statement& s) { s.bind(1, session_id); }, read_delivery);
}

Result<std::vector<WebhookAttempt>> SqliteStore::list_webhook_attempts(std::string_view session_id) {
  PARLEY_TRY(c, acquire());
  return query<WebhookAttempt>(
      **c,
      "SELECT a.delivery_id, a.attempt, a.attempted_at, a.status_code, a.error, a.duration_ms FROM webhook_attempts a "
      "JOIN webhook_deliveries d ON d.id = a.delivery_id WHERE d.session_id = ?1 ORDER BY d.seq, a.attempt",
      [&](Statement& s) { s.bind(1, session_id); },
      [](const Statement& s) {
        return WebhookAttempt{s.text(0), static_cast<int>(s.integer(1)), s.integer(2), s.opt_integer(3), s.opt_text(4),
                              s.integer(5)};
      });
}

Result<std::optional<std::int64_t>> SqliteStore::next_webhook_due() {
  PARLEY_TRY(c, acquire());
  PARLEY_TRY(rows, (query<std::optional<std::int64_t>>(
                       **c, "SELECT min(next_attempt_at) FROM webhook_deliveries WHERE status = 'pending'",
                       [](Statement&) {}, [](const Statement& s) { return s.opt_integer(0); })));
  return rows->empty() ? std::nullopt : rows->front();
}

Status SqliteStore::set_webhook_secret(std::string_view api_key_id, std::string_view sealed) {
  PARLEY_TRY(c, acquire());
  PARLEY_TRY(stmt, (*c)->prepare("UPDATE api_keys SET webhook_secret = ?2 WHERE id = ?1"));
  stmt->bind(1, api_key_id).bind(2, sealed);
  if (auto r = stmt->run(); !r) return r;
  if ((*c)->changes() == 0) return fail(Errc::not_found, "API key not found");
  return {};
}

Result<std::string> SqliteStore::webhook_secret(std::string_view api_key_id) {
  PARLEY_TRY(c, acquire());
  return query_one<std::string>(**c, "SELECT webhook_secret FROM api_keys WHERE id = ?1",
                                [&](Statement& s) { s.bind(1, api_key_id); },
                                [](const Statement& s) { return s.text(0); }, "API key");
}

}  // namespace parley::store::sqlite
