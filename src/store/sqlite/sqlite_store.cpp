#include "store/sqlite/sqlite_store.hpp"

#include <condition_variable>
#include <deque>
#include <thread>

#include <fmt/format.h>

#include "core/ids.hpp"
#include "core/time.hpp"
#include "store/sqlite/migrations.hpp"
#include "store/sqlite/outbox.hpp"
#include "store/sqlite/query.hpp"
#include "store/sqlite/rows.hpp"

namespace parley::store::sqlite {
using core::Errc;
using core::fail;

namespace {

constexpr std::int64_t kIdempotencyWindowMs = 24LL * 3600 * 1000;

constexpr const char* kAgentColumns =
    "a.id, a.name, a.config, a.secrets, a.created_at, a.updated_at, p.id";
constexpr const char* kNumberColumns =
    "id, phone_number, provider, state, supports_inbound, supports_outbound, agent_id, sip_provider_id, config, "
    "credentials, last_error, created_at, updated_at, dlt_registered";
constexpr const char* kSessionColumns =
    "id, kind, status, agent_id, api_key_id, from_number, to_number, context, max_duration, recording, webhook_url, "
    "scheduled_at, created_at, started_at, answered_at, ended_at, end_reason, sip_call_id, telephony_status, "
    "tokens_used, cost, recording_id, quality, provider_id, outcome, sip_status, attempts, latency";
constexpr const char* kKeyColumns = "id, name, prefix, key_hash, created_at, last_used_at, revoked_at";

ApiKey read_key(const Statement& s) {
  return ApiKey{s.text(0), s.text(1), s.text(2), s.text(3), s.integer(4), s.opt_integer(5), s.opt_integer(6)};
}

Agent read_agent(const Statement& s) {
  return Agent{s.text(0), s.text(1), s.text(2), s.text(3), s.opt_text(6), s.integer(4), s.integer(5)};
}

PhoneNumber read_number(const Statement& s) {
  PhoneNumber n;
  n.id = s.text(0);
  n.phone_number = s.text(1);
  n.provider = s.text(2);
  n.state = s.text(3);
  n.supports_inbound = s.integer(4) != 0;
  n.supports_outbound = s.integer(5) != 0;
  n.agent_id = s.opt_text(6);
  n.sip_provider_id = s.opt_text(7);
  n.config = s.text(8);
  n.credentials = s.text(9);
  n.last_error = s.text(10);
  n.created_at = s.integer(11);
  n.updated_at = s.integer(12);
  n.dlt_registered = s.integer(13) != 0;
  return n;
}

VoiceSession read_session(const Statement& s) {
  VoiceSession v;
  v.id = s.text(0);
  v.kind = s.text(1);
  v.status = s.text(2);
  v.agent_id = s.text(3);
  v.api_key_id = s.opt_text(4);
  v.from_number = s.opt_text(5);
  v.to_number = s.opt_text(6);
  v.context = s.text(7);
  v.max_duration = static_cast<int>(s.integer(8));
  v.recording = s.integer(9) != 0;
  v.webhook_url = s.opt_text(10);
  v.scheduled_at = s.opt_integer(11);
  v.created_at = s.integer(12);
  v.started_at = s.opt_integer(13);
  v.answered_at = s.opt_integer(14);
  v.ended_at = s.opt_integer(15);
  v.end_reason = s.opt_text(16);
  v.sip_call_id = s.opt_text(17);
  v.telephony_status = s.opt_text(18);
  v.tokens_used = s.integer(19);
  v.cost = s.opt_text(20);
  v.recording_id = s.opt_text(21);
  v.quality = s.opt_text(22);
  v.provider_id = s.opt_text(23);
  v.outcome = s.opt_text(24);
  if (auto status = s.opt_integer(25)) v.sip_status = static_cast<int>(*status);
  v.attempts = s.opt_text(26);
  v.latency = s.opt_text(27);
  return v;
}

Result<Agent> load_agent(Connection& c, std::string_view id) {
  return query_one<Agent>(
      c, sql_once([] { return fmt::format("SELECT {} FROM agents a LEFT JOIN phone_numbers p ON p.agent_id = a.id WHERE a.id = ?1", kAgentColumns); }),
      [&](Statement& s) { s.bind(1, id); }, read_agent, "agent");
}

Result<VoiceSession> load_session(Connection& c, std::string_view id) {
  return query_one<VoiceSession>(
      c, sql_once([] { return fmt::format("SELECT {} FROM voice_sessions WHERE id = ?1", kSessionColumns); }),
      [&](Statement& s) { s.bind(1, id); }, read_session, "session");
}

// Points `number_id` at `agent_id` (one number per agent, one agent per number).
Status link_number(Connection& c, std::string_view agent_id, const PhoneLink& link) {
  {
    PARLEY_TRY(stmt, c.prepare("UPDATE phone_numbers SET agent_id = NULL, updated_at = ?2 WHERE agent_id = ?1"));
    stmt->bind(1, agent_id).bind(2, core::to_unix_ms(core::now_utc()));
    if (auto r = stmt->run(); !r) return r;
  }
  if (!link.phone_number_id) return {};
  auto number = load_number(c, *link.phone_number_id);
  if (!number) {
    if (number.error().code == Errc::not_found) {
      return fail(Errc::validation, "phone number " + *link.phone_number_id + " does not exist", "phone_number_id");
    }
    return std::unexpected(number.error());
  }
  if (number->agent_id && *number->agent_id != agent_id) {
    return fail(Errc::conflict, "phone number is already linked to agent " + *number->agent_id, "phone_number_id");
  }
  if (number->state != "active") {
    return fail(Errc::conflict, "phone number is " + number->state + ", not active", "phone_number_id");
  }
  PARLEY_TRY(stmt, c.prepare("UPDATE phone_numbers SET agent_id = ?1, updated_at = ?3 WHERE id = ?2"));
  stmt->bind(1, agent_id).bind(2, *link.phone_number_id).bind(3, core::to_unix_ms(core::now_utc()));
  return stmt->run();
}

}  // namespace

Result<PhoneNumber> load_number(Connection& c, std::string_view id) {
  return query_one<PhoneNumber>(
      c, sql_once([] { return fmt::format("SELECT {} FROM phone_numbers WHERE id = ?1", kNumberColumns); }), [&](Statement& s) { s.bind(1, id); },
      read_number, "phone number");
}

Status insert_number(Connection& c, const PhoneNumber& n) {
  PARLEY_TRY(dup, scalar(c, "SELECT count(*) FROM phone_numbers WHERE phone_number = ?1",
                         [&](Statement& s) { s.bind(1, n.phone_number); }));
  if (*dup) return fail(Errc::conflict, "phone number " + n.phone_number + " already exists", "phone_number");
  if (n.agent_id) {
    if (auto a = load_agent(c, *n.agent_id); !a) {
      if (a.error().code == Errc::not_found) {
        return fail(Errc::validation, "agent " + *n.agent_id + " does not exist", "agent_id");
      }
      return std::unexpected(a.error());
    } else if (a->phone_number_id) {
      return fail(Errc::conflict, "agent " + *n.agent_id + " already has phone number " + *a->phone_number_id, "agent_id");
    }
  }
  PARLEY_TRY(stmt, c.prepare(sql_once([] { return fmt::format("INSERT INTO phone_numbers ({}) VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, "
                                                            "?9, ?10, ?11, ?12, ?13, ?14)", kNumberColumns); })));
  stmt->bind(1, n.id).bind(2, n.phone_number).bind(3, n.provider).bind(4, n.state).bind(5, n.supports_inbound);
  stmt->bind(6, n.supports_outbound).bind(7, n.agent_id).bind(8, n.sip_provider_id).bind(9, n.config);
  stmt->bind(10, n.credentials).bind(11, n.last_error).bind(12, n.created_at).bind(13, n.updated_at);
  stmt->bind(14, n.dlt_registered);
  return stmt->run();
}

namespace {

constexpr std::size_t kMaxGroup = 256;  // writes per group commit: bounds how long one holds the lock

// The group commit a thread is running, if any: store methods called from its writes join it.
thread_local SqliteStore* tl_group_store = nullptr;
thread_local Connection* tl_group_connection = nullptr;

}  // namespace

// Writes queued by write_async; one thread commits them in groups.
struct SqliteStore::Committer {
  std::mutex mu;
  std::condition_variable_any wake;  // new writes, or stop
  std::condition_variable drained;   // a group finished
  std::deque<std::pair<Write, std::function<void(const Status&)>>> queue;
  std::uint64_t queued = 0;     // writes ever queued
  std::uint64_t finished = 0;   // writes committed (or failed) with their done run
  std::jthread thread;
};

SqliteStore::SqliteStore(std::string path) : path_(std::move(path)), committer_(std::make_unique<Committer>()) {
  committer_->thread = std::jthread([this](std::stop_token st) { commit_loop(st); });
}

SqliteStore::~SqliteStore() {
  committer_->thread.request_stop();  // the loop drains the queue before it leaves
  committer_->thread.join();
}

void SqliteStore::write_async(Write write, std::function<void(const Status&)> done) {
  {
    std::lock_guard lock(committer_->mu);
    committer_->queue.emplace_back(std::move(write), std::move(done));
    ++committer_->queued;
  }
  committer_->wake.notify_one();
}

void SqliteStore::flush() {
  std::unique_lock lock(committer_->mu);
  const auto target = committer_->queued;
  committer_->drained.wait(lock, [&] { return committer_->finished >= target; });
}

void SqliteStore::commit_loop(std::stop_token stop) {
  auto& c = *committer_;
  for (;;) {
    std::vector<Write> writes;
    std::vector<std::function<void(const Status&)>> dones;
    {
      std::unique_lock lock(c.mu);
      c.wake.wait(lock, stop, [&] { return !c.queue.empty(); });
      if (c.queue.empty()) return;  // stopping, and nothing left
      while (!c.queue.empty() && writes.size() < kMaxGroup) {
        writes.push_back(std::move(c.queue.front().first));
        dones.push_back(std::move(c.queue.front().second));
        c.queue.pop_front();
      }
    }
    auto results = write_together(writes);
    for (std::size_t i = 0; i < dones.size(); ++i) {
      if (dones[i]) dones[i](results[i]);
    }
    {
      std::lock_guard lock(c.mu);
      c.finished += writes.size();
    }
    c.drained.notify_all();
  }
}

std::vector<Status> SqliteStore::write_together(std::vector<Write>& writes) {
  std::vector<Status> results(writes.size());
  auto everything_failed = [&](const core::Error& e) {
    for (auto& r : results) r = std::unexpected(e);
    return std::move(results);
  };
  auto lease = acquire();
  if (!lease) return everything_failed(lease.error());
  auto& conn = **lease;
  if (auto r = conn.exec("BEGIN IMMEDIATE"); !r) return everything_failed(r.error());
  tl_group_store = this;
  tl_group_connection = &conn;
  for (std::size_t i = 0; i < writes.size(); ++i) {
    if (auto r = conn.exec("SAVEPOINT write"); !r) {
      results[i] = std::unexpected(r.error());
      continue;
    }
    results[i] = writes[i](*this);
    (void)conn.exec(results[i] ? "RELEASE write" : "ROLLBACK TO write; RELEASE write");
  }
  tl_group_store = nullptr;
  tl_group_connection = nullptr;
  if (auto r = conn.exec("COMMIT"); !r) {
    (void)conn.exec("ROLLBACK");
    return everything_failed(r.error());
  }
  return results;
}

core::Result<std::unique_ptr<SqliteStore>> SqliteStore::open(const std::string& path) {
  std::unique_ptr<SqliteStore> store(new SqliteStore(path));
  PARLEY_TRY(conn, Connection::open(path));  // fail early on a bad path or a non-database file
  if (auto r = (*conn)->exec("SELECT count(*) FROM sqlite_master"); !r) return std::unexpected(r.error());
  store->release(std::move(*conn));
  return store;
}

core::Result<SqliteStore::Lease> SqliteStore::acquire() {
  if (tl_group_store == this) return Lease(*tl_group_connection);  // inside a group commit's write
  {
    std::lock_guard lock(mu_);
    if (!idle_.empty()) {
      auto c = std::move(idle_.back());
      idle_.pop_back();
      return Lease(this, std::move(c));
    }
  }
  PARLEY_TRY(conn, Connection::open(path_));
  return Lease(this, std::move(*conn));
}

void SqliteStore::release(std::unique_ptr<Connection> c) {
  std::lock_guard lock(mu_);
  idle_.push_back(std::move(c));
}

Status SqliteStore::migrate() {
  PARLEY_TRY(c, acquire());
  if (auto r = (*c)->exec("CREATE TABLE IF NOT EXISTS schema_migrations (version INTEGER PRIMARY KEY, name TEXT NOT NULL, "
                          "applied_at INTEGER NOT NULL)");
      !r) {
    return r;
  }
  for (const auto& m : migrations()) {
    PARLEY_TRY(tx, Transaction::begin(**c));
    PARLEY_TRY(applied, scalar(**c, "SELECT count(*) FROM schema_migrations WHERE version = ?1",
                               [&](Statement& s) { s.bind(1, m.version); }));
    if (*applied) continue;  // tx rolls back: nothing was written
    if (auto r = (*c)->exec(m.sql); !r) {
      return fail(Errc::io, fmt::format("migration {} ({}) failed: {}", m.version, m.name, r.error().message));
    }
    PARLEY_TRY(stmt, (*c)->prepare("INSERT INTO schema_migrations (version, name, applied_at) VALUES (?1, ?2, ?3)"));
    stmt->bind(1, m.version).bind(2, m.name).bind(3, core::to_unix_ms(core::now_utc()));
    if (auto r = stmt->run(); !r) return r;
    if (auto r = tx->commit(); !r) return r;
  }
  return {};
}

Result<int> SqliteStore::schema_version() {
  PARLEY_TRY(c, acquire());
  PARLEY_TRY(v, scalar(**c, "SELECT coalesce(max(version), 0) FROM schema_migrations", [](Statement&) {}));
  return static_cast<int>(*v);
}

// ---- API keys ----

Status SqliteStore::create_api_key(const ApiKey& k) {
  PARLEY_TRY(c, acquire());
  PARLEY_TRY(stmt, (*c)->prepare("INSERT INTO api_keys (id, name, prefix, key_hash, created_at) VALUES (?1, ?2, ?3, ?4, ?5)"));
  stmt->bind(1, k.id).bind(2, k.name).bind(3, k.prefix).bind(4, k.key_hash).bind(5, k.created_at);
  return stmt->run();
}

Result<std::optional<ApiKey>> SqliteStore::find_api_key_by_hash(std::string_view key_hash) {
  PARLEY_TRY(c, acquire());
  PARLEY_TRY(rows, (query<ApiKey>(**c, sql_once([] { return fmt::format("SELECT {} FROM api_keys WHERE key_hash = ?1", kKeyColumns); }),
                                  [&](Statement& s) { s.bind(1, key_hash); }, read_key)));
  if (rows->empty()) return std::optional<ApiKey>{};
  return std::optional<ApiKey>(std::move(rows->front()));
}

Result<std::vector<ApiKey>> SqliteStore::list_api_keys() {
  PARLEY_TRY(c, acquire());
  return query<ApiKey>(**c, sql_once([] { return fmt::format("SELECT {} FROM api_keys ORDER BY created_at, id", kKeyColumns); }),
                       [](Statement&) {}, read_key);
}

Result<std::int64_t> SqliteStore::count_api_keys() {
  PARLEY_TRY(c, acquire());
  return scalar(**c, "SELECT count(*) FROM api_keys", [](Statement&) {});
}

Status SqliteStore::revoke_api_key(std::string_view id) {
  PARLEY_TRY(c, acquire());
  PARLEY_TRY(stmt, (*c)->prepare("UPDATE api_keys SET revoked_at = ?2 WHERE id = ?1 AND revoked_at IS NULL"));
  stmt->bind(1, id).bind(2, core::to_unix_ms(core::now_utc()));
  if (auto r = stmt->run(); !r) return r;
  if ((*c)->changes() == 0) {
    PARLEY_TRY(n, scalar(**c, "SELECT count(*) FROM api_keys WHERE id = ?1", [&](Statement& s) { s.bind(1, id); }));
    return *n ? fail(Errc::conflict, "API key is already revoked") : fail(Errc::not_found, "API key not found");
  }
  return {};
}

Status SqliteStore::touch_api_key(std::string_view id, std::int64_t at) {
  PARLEY_TRY(c, acquire());
  PARLEY_TRY(stmt, (*c)->prepare("UPDATE api_keys SET last_used_at = ?2 WHERE id = ?1"));
  stmt->bind(1, id).bind(2, at);
  return stmt->run();
}

// ---- agents ----

Result<Agent> SqliteStore::create_agent(const Agent& a, const std::optional<PhoneLink>& link) {
  PARLEY_TRY(c, acquire());
  PARLEY_TRY(tx, Transaction::begin(**c));
  {
    PARLEY_TRY(stmt, (*c)->prepare("INSERT INTO agents (id, name, config, secrets, created_at, updated_at) "
                                   "VALUES (?1, ?2, ?3, ?4, ?5, ?6)"));
    stmt->bind(1, a.id).bind(2, a.name).bind(3, a.config).bind(4, a.secrets).bind(5, a.created_at).bind(6, a.updated_at);
    if (auto r = stmt->run(); !r) return std::unexpected(r.error());
  }
  if (link) {
    if (auto r = link_number(**c, a.id, *link); !r) return std::unexpected(r.error());
  }
  PARLEY_TRY(out, load_agent(**c, a.id));
  if (auto r = tx->commit(); !r) return std::unexpected(r.error());
  return out;
}

Result<Agent> SqliteStore::get_agent(std::string_view id) {
  PARLEY_TRY(c, acquire());
  return load_agent(**c, id);
}

Result<Page<Agent>> SqliteStore::list_agents(int limit, int offset) {
  PARLEY_TRY(c, acquire());
  Page<Agent> page;
  PARLEY_TRY(total, scalar(**c, "SELECT count(*) FROM agents", [](Statement&) {}));
  page.total = *total;
  PARLEY_TRY(items, (query<Agent>(
                        **c,
                        sql_once([] { return fmt::format("SELECT {} FROM agents a LEFT JOIN phone_numbers p ON p.agent_id = a.id "
                                    "ORDER BY a.created_at DESC, a.rowid DESC LIMIT ?1 OFFSET ?2", kAgentColumns); }),
                        [&](Statement& s) { s.bind(1, limit).bind(2, offset); }, read_agent)));
  page.items = std::move(*items);
  return page;
}

Result<Agent> SqliteStore::update_agent(const Agent& a, const std::optional<PhoneLink>& link) {
  PARLEY_TRY(c, acquire());
  PARLEY_TRY(tx, Transaction::begin(**c));
  {
    PARLEY_TRY(stmt, (*c)->prepare("UPDATE agents SET name = ?2, config = ?3, secrets = ?4, updated_at = ?5 WHERE id = ?1"));
    stmt->bind(1, a.id).bind(2, a.name).bind(3, a.config).bind(4, a.secrets).bind(5, a.updated_at);
    if (auto r = stmt->run(); !r) return std::unexpected(r.error());
    if ((*c)->changes() == 0) return fail(Errc::not_found, "agent not found");
  }
  if (link) {
    if (auto r = link_number(**c, a.id, *link); !r) return std::unexpected(r.error());
  }
  PARLEY_TRY(out, load_agent(**c, a.id));
  if (auto r = tx->commit(); !r) return std::unexpected(r.error());
  return out;
}

Status SqliteStore::delete_agent(std::string_view id) {
  PARLEY_TRY(c, acquire());
  PARLEY_TRY(tx, Transaction::begin(**c));
  if (auto r = link_number(**c, id, PhoneLink{}); !r) return r;
  PARLEY_TRY(stmt, (*c)->prepare("DELETE FROM agents WHERE id = ?1"));
  stmt->bind(1, id);
  if (auto r = stmt->run(); !r) return r;
  if ((*c)->changes() == 0) return fail(Errc::not_found, "agent not found");
  return tx->commit();
}

// ---- phone numbers ----

Result<PhoneNumber> SqliteStore::create_phone_number(const PhoneNumber& n) {
  PARLEY_TRY(c, acquire());
  PARLEY_TRY(tx, Transaction::begin(**c));
  if (auto r = insert_number(**c, n); !r) return std::unexpected(r.error());
  PARLEY_TRY(out, load_number(**c, n.id));
  if (auto r = tx->commit(); !r) return std::unexpected(r.error());
  return out;
}

Result<PhoneNumber> SqliteStore::get_phone_number(std::string_view id) {
  PARLEY_TRY(c, acquire());
  return load_number(**c, id);
}

Result<std::optional<PhoneNumber>> SqliteStore::find_phone_number(std::string_view e164) {
  PARLEY_TRY(c, acquire());
  PARLEY_TRY(rows, (query<PhoneNumber>(**c, sql_once([] { return fmt::format("SELECT {} FROM phone_numbers WHERE phone_number = ?1", kNumberColumns); }),
                                       [&](Statement& s) { s.bind(1, e164); }, read_number)));
  if (rows->empty()) return std::optional<PhoneNumber>{};
  return std::optional<PhoneNumber>(std::move(rows->front()));
}

Result<Page<PhoneNumber>> SqliteStore::list_phone_numbers(int limit, int offset) {
  PARLEY_TRY(c, acquire());
  Page<PhoneNumber> page;
  PARLEY_TRY(total, scalar(**c, "SELECT count(*) FROM phone_numbers", [](Statement&) {}));
  page.total = *total;
  PARLEY_TRY(items, (query<PhoneNumber>(
                        **c,
                        sql_once([] { return fmt::format("SELECT {} FROM phone_numbers ORDER BY created_at DESC, rowid DESC LIMIT ?1 OFFSET ?2", kNumberColumns); }),
                        [&](Statement& s) { s.bind(1, limit).bind(2, offset); }, read_number)));
  page.items = std::move(*items);
  return page;
}

Status SqliteStore::set_phone_number_state(std::string_view id, std::string_view state, std::string_view last_error) {
  PARLEY_TRY(c, acquire());
  PARLEY_TRY(stmt, (*c)->prepare("UPDATE phone_numbers SET state = ?2, last_error = ?3, updated_at = ?4 WHERE id = ?1"));
  stmt->bind(1, id).bind(2, state).bind(3, last_error).bind(4, core::to_unix_ms(core::now_utc()));
  if (auto r = stmt->run(); !r) return r;
  if ((*c)->changes() == 0) return fail(Errc::not_found, "phone number not found");
  return {};
}

Status SqliteStore::delete_phone_number(std::string_view id) {
  PARLEY_TRY(c, acquire());
  PARLEY_TRY(stmt, (*c)->prepare("DELETE FROM phone_numbers WHERE id = ?1"));
  stmt->bind(1, id);
  if (auto r = stmt->run(); !r) return r;
  if ((*c)->changes() == 0) return fail(Errc::not_found, "phone number not found");
  return {};
}

// ---- sessions ----

Result<std::pair<VoiceSession, bool>> SqliteStore::create_session(const VoiceSession& v, const CreateOptions& options,
                                                                   const EventFor& event_for) {
  const auto& idempotency_key = options.idempotency_key;
  PARLEY_TRY(c, acquire());
  PARLEY_TRY(tx, Transaction::begin(**c));
  if (idempotency_key) {
    // The same key from the same API key within 24 h returns the first session; an older use of
    // the key is released so the key can start a new call.
    PARLEY_TRY(prior, (query<std::pair<std::string, std::int64_t>>(
                          **c, "SELECT id, created_at FROM voice_sessions WHERE api_key_id IS ?1 AND idempotency_key = ?2",
                          [&](Statement& s) { s.bind(1, v.api_key_id).bind(2, *idempotency_key); },
                          [](const Statement& s) { return std::pair{s.text(0), s.integer(1)}; })));
    if (!prior->empty()) {
      if (v.created_at - prior->front().second < kIdempotencyWindowMs) {
        PARLEY_TRY(first, load_session(**c, prior->front().first));
        return std::pair{std::move(*first), true};
      }
      PARLEY_TRY(release, (*c)->prepare("UPDATE voice_sessions SET idempotency_key = NULL WHERE id = ?1"));
      release->bind(1, prior->front().first);
      if (auto r = release->run(); !r) return std::unexpected(r.error());
    }
  }
  if (options.max_active_for_key) {
    PARLEY_TRY(active, scalar(**c,
                              "SELECT count(*) FROM voice_sessions WHERE api_key_id IS ?1 AND kind = 'outbound' AND "
                              "status IN ('initiating', 'ringing', 'in_progress')",
                              [&](Statement& s) { s.bind(1, v.api_key_id); }));
    if (*active >= *options.max_active_for_key) {
      return fail(Errc::rate_limited,
                  fmt::format("{} outbound calls are already in progress for this API key (limit {})", *active,
                              *options.max_active_for_key));
    }
  }
  if (options.require_agent) {
    PARLEY_TRY(exists, scalar(**c, "SELECT count(*) FROM agents WHERE id = ?1", [&](Statement& s) { s.bind(1, v.agent_id); }));
    if (*exists == 0) return fail(Errc::not_found, "agent " + v.agent_id + " no longer exists");
  }
  if (options.max_active_for_agent) {
    PARLEY_TRY(active, scalar(**c,
                              "SELECT count(*) FROM voice_sessions WHERE agent_id = ?1 AND "
                              "status IN ('initiating', 'ringing', 'in_progress')",
                              [&](Statement& s) { s.bind(1, v.agent_id); }));
    if (*active >= *options.max_active_for_agent) {
      return fail(Errc::unavailable, fmt::format("agent {} already has {} calls in flight (limit {})", v.agent_id,
                                                 *active, *options.max_active_for_agent));
    }
  }
  {
    PARLEY_TRY(stmt, (*c)->prepare(sql_once([] {
      return fmt::format("INSERT INTO voice_sessions ({}, idempotency_key) VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, "
                         "?10, ?11, ?12, ?13, ?14, ?15, ?16, ?17, ?18, ?19, ?20, ?21, ?22, ?23, ?24, ?25, ?26, "
                         "?27, ?28, ?29)",
                         kSessionColumns);
    })));
    auto& s = *stmt;
    s.bind(1, v.id).bind(2, v.kind).bind(3, v.status).bind(4, v.agent_id).bind(5, v.api_key_id).bind(6, v.from_number);
    s.bind(7, v.to_number).bind(8, v.context).bind(9, v.max_duration).bind(10, v.recording).bind(11, v.webhook_url);
    s.bind(12, v.scheduled_at).bind(13, v.created_at).bind(14, v.started_at).bind(15, v.answered_at).bind(16, v.ended_at);
    s.bind(17, v.end_reason).bind(18, v.sip_call_id).bind(19, v.telephony_status).bind(20, v.tokens_used);
    s.bind(21, v.cost).bind(22, v.recording_id).bind(23, v.quality).bind(24, v.provider_id).bind(25, v.outcome);
    s.bind(26, v.sip_status).bind(27, v.attempts).bind(28, v.latency).bind(29, idempotency_key);
    if (auto r = s.run(); !r) return std::unexpected(r.error());
  }
  // The remote party of every call is captured as a lead (seeds/000, "Call Analytics").
  const auto& remote = v.kind == "inbound" ? v.from_number : v.to_number;
  if (remote && !remote->empty()) {
    PARLEY_TRY(stmt, (*c)->prepare(
                         "INSERT INTO leads (id, phone_number, first_seen_at, last_seen_at, call_count, last_session_id, "
                         "last_agent_id) VALUES (?1, ?2, ?3, ?3, 1, ?4, ?5) ON CONFLICT (phone_number) DO UPDATE SET "
                         "last_seen_at = excluded.last_seen_at, call_count = call_count + 1, "
                         "last_session_id = excluded.last_session_id, last_agent_id = excluded.last_agent_id"));
    stmt->bind(1, core::new_id("lead")).bind(2, *remote).bind(3, v.created_at).bind(4, v.id).bind(5, v.agent_id);
    if (auto r = stmt->run(); !r) return std::unexpected(r.error());
  }
  PARLEY_TRY(out, load_session(**c, v.id));
  if (auto r = enqueue_event(**c, *out, event_for); !r) return std::unexpected(r.error());
  if (auto r = tx->commit(); !r) return std::unexpected(r.error());
  return std::pair{std::move(*out), false};
}

Result<VoiceSession> SqliteStore::get_session(std::string_view id) {
  PARLEY_TRY(c, acquire());
  return load_session(**c, id);
}

Result<Page<VoiceSession>> SqliteStore::list_sessions(const SessionFilter& f) {
  PARLEY_TRY(c, acquire());
  // Each filter adds a fixed clause: the SQL text has at most 16 shapes, all cached.
  std::string where = " WHERE 1 = 1";
  if (f.agent_id) where += " AND agent_id = ?1";
  if (f.status) where += " AND status = ?2";
  if (f.created_from) where += " AND created_at >= ?3";
  if (f.created_to) where += " AND created_at <= ?4";
  auto bind = [&](Statement& s) {
    if (f.agent_id) s.bind(1, *f.agent_id);
    if (f.status) s.bind(2, *f.status);
    if (f.created_from) s.bind(3, *f.created_from);
    if (f.created_to) s.bind(4, *f.created_to);
    s.bind(5, f.limit).bind(6, f.offset);
  };
  Page<VoiceSession> page;
  PARLEY_TRY(total, scalar(**c, "SELECT count(*) FROM voice_sessions" + where + " AND ?5 IS NOT NULL AND ?6 IS NOT NULL", bind));
  page.total = *total;
  PARLEY_TRY(items, (query<VoiceSession>(
                        **c,
                        fmt::format("SELECT {} FROM voice_sessions{} ORDER BY created_at DESC, rowid DESC LIMIT ?5 OFFSET ?6",
                                    kSessionColumns, where),
                        bind, read_session)));
  page.items = std::move(*items);
  return page;
}

Result<VoiceSession> SqliteStore::transition_session(const SessionTransition& t, const EventFor& event_for) {
  PARLEY_TRY(c, acquire());
  PARLEY_TRY(tx, Transaction::begin(**c));
  PARLEY_TRY(before, load_session(**c, t.session_id));
  if (std::find(t.from.begin(), t.from.end(), before->status) == t.from.end()) {
    return fail(Errc::conflict, fmt::format("session is {}, cannot become {}", before->status, t.to));
  }
  // COALESCE keeps a field that this transition does not set.
  PARLEY_TRY(stmt, (*c)->prepare("UPDATE voice_sessions SET status = ?2, started_at = coalesce(?3, started_at), "
                                 "answered_at = coalesce(?4, answered_at), ended_at = coalesce(?5, ended_at), "
                                 "end_reason = coalesce(?6, end_reason), telephony_status = coalesce(?7, telephony_status), "
                                 "sip_call_id = coalesce(?8, sip_call_id), quality = coalesce(?10, quality), "
                                 "tokens_used = coalesce(?11, tokens_used), cost = coalesce(?12, cost), "
                                 "provider_id = coalesce(?13, provider_id), outcome = coalesce(?14, outcome), "
                                 "sip_status = coalesce(?15, sip_status), attempts = coalesce(?16, attempts), "
                                 "latency = coalesce(?17, latency) "
                                 "WHERE id = ?1 AND status = ?9"));
  stmt->bind(1, t.session_id).bind(2, t.to).bind(3, t.started_at).bind(4, t.answered_at).bind(5, t.ended_at);
  stmt->bind(6, t.end_reason).bind(7, t.telephony_status).bind(8, t.sip_call_id).bind(9, before->status);
  stmt->bind(10, t.quality).bind(11, t.tokens_used).bind(12, t.cost).bind(13, t.provider_id).bind(14, t.outcome);
  stmt->bind(15, t.sip_status).bind(16, t.attempts).bind(17, t.latency);
  if (auto r = stmt->run(); !r) return std::unexpected(r.error());
  PARLEY_TRY(after, load_session(**c, t.session_id));
  if (auto r = enqueue_event(**c, *after, event_for); !r) return std::unexpected(r.error());
  if (auto r = tx->commit(); !r) return std::unexpected(r.error());
  return after;
}

Result<std::vector<std::string>> SqliteStore::session_ids_in(const std::vector<std::string>& statuses,
                                                             std::optional<std::int64_t> due_by, int limit) {
  PARLEY_TRY(c, acquire());
  std::vector<std::string> out;
  for (const auto& status : statuses) {
    // The partial index voice_sessions_due serves the scheduled case.
    PARLEY_TRY(ids, (query<std::string>(
                        **c,
                        "SELECT id FROM voice_sessions WHERE status = ?1 AND (?2 IS NULL OR scheduled_at <= ?2) "
                        "ORDER BY coalesce(scheduled_at, created_at), id LIMIT ?3",
                        [&](Statement& s) { s.bind(1, status).bind(2, due_by).bind(3, limit); },
                        [](const Statement& s) { return s.text(0); })));
    out.insert(out.end(), ids->begin(), ids->end());
  }
  return out;
}

Result<std::vector<TranscriptEntry>> SqliteStore::list_transcript(std::string_view session_id) {
  PARLEY_TRY(c, acquire());
  return query<TranscriptEntry>(
      **c, "SELECT session_id, seq, role, text, offset_s, interrupted FROM transcript_entries WHERE session_id = ?1 ORDER BY seq",
      [&](Statement& s) { s.bind(1, session_id); },
      [](const Statement& s) {
        return TranscriptEntry{s.text(0), static_cast<int>(s.integer(1)), s.text(2), s.text(3), s.real(4), s.integer(5) != 0};
      });
}

Status SqliteStore::append_transcript(const TranscriptEntry& e) {
  PARLEY_TRY(c, acquire());
  PARLEY_TRY(stmt, (*c)->prepare("INSERT INTO transcript_entries (session_id, seq, role, text, offset_s, interrupted) "
                                 "VALUES (?1, ?2, ?3, ?4, ?5, ?6)"));
  stmt->bind(1, e.session_id).bind(2, e.seq).bind(3, e.role).bind(4, e.text).bind(5, e.offset_s).bind(6, e.interrupted);
  return stmt->run();
}

namespace {
constexpr std::string_view kRecordingColumns =
    "SELECT id, session_id, path, duration_s, size_bytes, sample_rate, channels, state, created_at FROM recordings ";

Recording recording_from(const Statement& s) {
  return Recording{s.text(0), s.text(1), s.text(2), s.real(3), s.integer(4), static_cast<int>(s.integer(5)),
                   static_cast<int>(s.integer(6)), s.text(7), s.integer(8)};
}
}  // namespace

Result<Recording> SqliteStore::get_recording(std::string_view id) {
  PARLEY_TRY(c, acquire());
  static const std::string sql = std::string(kRecordingColumns) + "WHERE id = ?1";
  return query_one<Recording>(**c, sql, [&](Statement& s) { s.bind(1, id); }, recording_from, "recording");
}

Status SqliteStore::create_recording(const Recording& r) {
  PARLEY_TRY(c, acquire());
  PARLEY_TRY(tx, Transaction::begin(**c));
  PARLEY_TRY(insert, (*c)->prepare("INSERT INTO recordings (id, session_id, path, duration_s, size_bytes, sample_rate, "
                                   "channels, state, created_at) VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9)"));
  insert->bind(1, r.id).bind(2, r.session_id).bind(3, r.path).bind(4, r.duration_s).bind(5, r.size_bytes);
  insert->bind(6, r.sample_rate).bind(7, r.channels).bind(8, r.state).bind(9, r.created_at);
  if (auto done = insert->run(); !done) return done;
  PARLEY_TRY(link, (*c)->prepare("UPDATE voice_sessions SET recording_id = ?2 WHERE id = ?1"));
  link->bind(1, r.session_id).bind(2, r.id);
  if (auto done = link->run(); !done) return done;
  if ((*c)->changes() != 1) return fail(Errc::not_found, "session " + r.session_id + " not found", "session_id");
  return tx->commit();
}

Status SqliteStore::finish_recording(std::string_view id, std::string_view state, double duration_s,
                                     std::int64_t size_bytes) {
  PARLEY_TRY(c, acquire());
  PARLEY_TRY(stmt, (*c)->prepare("UPDATE recordings SET state = ?2, duration_s = ?3, size_bytes = ?4 WHERE id = ?1"));
  stmt->bind(1, id).bind(2, state).bind(3, duration_s).bind(4, size_bytes);
  if (auto done = stmt->run(); !done) return done;
  if ((*c)->changes() != 1) return fail(Errc::not_found, "recording " + std::string(id) + " not found", "recording");
  return {};
}

Result<std::vector<Recording>> SqliteStore::recordings_in_state(std::string_view state, int limit) {
  PARLEY_TRY(c, acquire());
  static const std::string sql = std::string(kRecordingColumns) + "WHERE state = ?1 ORDER BY created_at, rowid LIMIT ?2";
  return query<Recording>(**c, sql, [&](Statement& s) { s.bind(1, state).bind(2, limit); }, recording_from);
}

Result<Page<Lead>> SqliteStore::list_leads(int limit, int offset) {
  PARLEY_TRY(c, acquire());
  Page<Lead> page;
  PARLEY_TRY(total, scalar(**c, "SELECT count(*) FROM leads", [](Statement&) {}));
  page.total = *total;
  PARLEY_TRY(items, (query<Lead>(
                        **c,
                        "SELECT id, phone_number, first_seen_at, last_seen_at, call_count, last_session_id, last_agent_id "
                        "FROM leads ORDER BY last_seen_at DESC, rowid DESC LIMIT ?1 OFFSET ?2",
                        [&](Statement& s) { s.bind(1, limit).bind(2, offset); },
                        [](const Statement& s) {
                          return Lead{s.text(0), s.text(1), s.integer(2), s.integer(3), static_cast<int>(s.integer(4)),
                                      s.opt_text(5), s.opt_text(6)};
                        })));
  page.items = std::move(*items);
  return page;
}

}  // namespace parley::store::sqlite
