#include <gtest/gtest.h>

#include <filesystem>
#include <mutex>
#include <thread>

#include "core/ids.hpp"
#include "core/time.hpp"
#include "store/sqlite/sqlite_store.hpp"

using namespace parley;
using store::sqlite::SqliteStore;

namespace {
class SqliteStoreTest : public ::testing::Test {
 protected:
  void SetUp() override {
    dir_ = std::filesystem::temp_directory_path() / ("parley_store_" + core::random_token(8));
    std::filesystem::create_directories(dir_);
    auto s = SqliteStore::open((dir_ / "t.db").string());
    ASSERT_TRUE(s.has_value()) << s.error().message;
    store_ = std::move(*s);
    ASSERT_TRUE(store_->migrate().has_value());
  }
  void TearDown() override {
    store_.reset();
    std::filesystem::remove_all(dir_);
  }
  store::Agent agent(std::string name) {
    auto now = core::to_unix_ms(core::now_utc());
    return store::Agent{core::new_id("agent"), std::move(name), "{}", "", std::nullopt, now, now};
  }
  store::PhoneNumber number(std::string e164) {
    store::PhoneNumber n;
    n.id = core::new_id("pn");
    n.phone_number = std::move(e164);
    n.provider = "sip";
    n.state = "active";
    return n;
  }
  std::filesystem::path dir_;
  std::unique_ptr<SqliteStore> store_;
};
}  // namespace

TEST_F(SqliteStoreTest, MigrateIsIdempotentAndVersioned) {
  EXPECT_TRUE(store_->migrate().has_value());
  auto v = store_->schema_version();
  ASSERT_TRUE(v.has_value());
  EXPECT_GE(*v, 1);
}

TEST_F(SqliteStoreTest, OpenRejectsANonDatabaseFile) {
  auto path = dir_ / "junk.db";
  {
    std::FILE* f = std::fopen(path.c_str(), "wb");
    std::fputs("this is not a database, just text padded out to look like a header.............", f);
    std::fclose(f);
  }
  auto s = SqliteStore::open(path.string());
  ASSERT_FALSE(s.has_value());
  EXPECT_EQ(s.error().code, core::Errc::corrupt);
}

TEST_F(SqliteStoreTest, ApiKeyLifecycle) {
  store::ApiKey k{core::new_id("key"), "ci", "pk_abc", "hash1", 1, {}, {}};
  ASSERT_TRUE(store_->create_api_key(k).has_value());
  EXPECT_EQ(store_->create_api_key(k).error().code, core::Errc::conflict);
  auto found = store_->find_api_key_by_hash("hash1");
  ASSERT_TRUE(found.has_value() && found->has_value());
  EXPECT_EQ((*found)->name, "ci");
  EXPECT_FALSE(store_->find_api_key_by_hash("nope")->has_value());
  ASSERT_TRUE(store_->revoke_api_key(k.id).has_value());
  EXPECT_EQ(store_->revoke_api_key(k.id).error().code, core::Errc::conflict);
  EXPECT_EQ(store_->revoke_api_key("key_missing").error().code, core::Errc::not_found);
  EXPECT_TRUE((*store_->find_api_key_by_hash("hash1"))->revoked_at.has_value());
  EXPECT_EQ(*store_->count_api_keys(), 1);
}

TEST_F(SqliteStoreTest, LinkRulesAreOneToOneAndTransactional) {
  auto a = store_->create_agent(agent("a"), std::nullopt);
  auto b = store_->create_agent(agent("b"), std::nullopt);
  ASSERT_TRUE(a && b);
  auto n = store_->create_phone_number(number("+14155551234"));
  ASSERT_TRUE(n.has_value());
  auto linked = store_->update_agent(*a, store::PhoneLink{n->id});
  ASSERT_TRUE(linked.has_value());
  EXPECT_EQ(linked->phone_number_id, n->id);

  auto stolen = store_->update_agent(*b, store::PhoneLink{n->id});
  ASSERT_FALSE(stolen.has_value());
  EXPECT_EQ(stolen.error().code, core::Errc::conflict);

  // A failed create rolls back the agent row too.
  auto c = agent("c");
  auto failed = store_->create_agent(c, store::PhoneLink{n->id});
  ASSERT_FALSE(failed.has_value());
  EXPECT_EQ(store_->get_agent(c.id).error().code, core::Errc::not_found);

  auto dup = store_->create_phone_number(number("+14155551234"));
  ASSERT_FALSE(dup.has_value());
  EXPECT_EQ(dup.error().field, "phone_number");

  ASSERT_TRUE(store_->delete_phone_number(n->id).has_value());
  EXPECT_FALSE(store_->get_agent(a->id)->phone_number_id.has_value());
}

TEST_F(SqliteStoreTest, SessionsFilterPageAndEndOnce) {
  auto a = store_->create_agent(agent("a"), std::nullopt);
  ASSERT_TRUE(a.has_value());
  for (int i = 0; i < 5; ++i) {
    store::VoiceSession s;
    s.id = core::new_id("call");
    s.kind = "outbound";
    s.status = i == 0 ? "scheduled" : "initiating";
    s.agent_id = a->id;
    s.to_number = "+1415555000" + std::to_string(i % 2);
    s.created_at = 1000 + i;
    ASSERT_TRUE(store_->create_session(s).has_value());
  }
  store::SessionFilter f;
  f.limit = 2;
  auto page = store_->list_sessions(f);
  ASSERT_TRUE(page.has_value());
  EXPECT_EQ(page->total, 5);
  ASSERT_EQ(page->items.size(), 2u);
  EXPECT_EQ(page->items[0].created_at, 1004);
  f.status = "scheduled";
  EXPECT_EQ(store_->list_sessions(f)->total, 1);
  f.status.reset();
  f.created_from = 1002;
  f.created_to = 1003;
  EXPECT_EQ(store_->list_sessions(f)->total, 2);

  auto id = page->items[0].id;
  store::SessionTransition end{id, {"scheduled", "initiating", "ringing", "in_progress"}, "canceled"};
  end.ended_at = 2000;
  end.end_reason = "ended_by_api";
  auto ended = store_->transition_session(end, nullptr);
  ASSERT_TRUE(ended.has_value());
  EXPECT_EQ(ended->status, "canceled");
  EXPECT_EQ(ended->ended_at, 2000);
  end.to = "completed";
  EXPECT_EQ(store_->transition_session(end, nullptr).error().code, core::Errc::conflict) << "a session ends once";

  auto leads = store_->list_leads(10, 0);
  ASSERT_TRUE(leads.has_value());
  EXPECT_EQ(leads->total, 2);
  EXPECT_EQ(leads->items[0].call_count + leads->items[1].call_count, 5);
}

TEST_F(SqliteStoreTest, IdempotencyAndConcurrencyCapAreTransactional) {
  auto make = [&](std::int64_t at) {
    store::VoiceSession s;
    s.id = core::new_id("call");
    s.kind = "outbound";
    s.status = "initiating";
    s.agent_id = "agent_x";
    s.api_key_id = "key_a";
    s.to_number = "+14155550000";
    s.created_at = at;
    return s;
  };
  store::Store::CreateOptions idem{"order-1", std::nullopt};
  auto first = store_->create_session(make(1000), idem, nullptr);
  ASSERT_TRUE(first.has_value());
  EXPECT_FALSE(first->second);
  auto replay = store_->create_session(make(2000), idem, nullptr);
  ASSERT_TRUE(replay.has_value());
  EXPECT_TRUE(replay->second);
  EXPECT_EQ(replay->first.id, first->first.id);
  auto day_later = store_->create_session(make(1000 + 24LL * 3600 * 1000), idem, nullptr);
  ASSERT_TRUE(day_later.has_value());
  EXPECT_FALSE(day_later->second) << "the key is released after 24 h";

  store::Store::CreateOptions capped{std::nullopt, 2};
  auto over = store_->create_session(make(5000), capped, nullptr);
  ASSERT_FALSE(over.has_value()) << "two calls are already initiating";
  EXPECT_EQ(over.error().code, core::Errc::rate_limited);
  EXPECT_EQ(store_->list_sessions({})->total, 2) << "nothing written by a refused create";
}

TEST_F(SqliteStoreTest, AgentCapCountsInFlightCallsOfBothDirectionsInTheTransaction) {
  auto a = store_->create_agent(agent("Desk"), std::nullopt);
  ASSERT_TRUE(a.has_value());
  auto make = [&](std::string kind, std::string status) {
    store::VoiceSession s;
    s.id = core::new_id("call");
    s.kind = std::move(kind);
    s.status = std::move(status);
    s.agent_id = a->id;
    s.from_number = "+14155550000";
    s.created_at = core::to_unix_ms(core::now_utc());
    return s;
  };
  store::Store::CreateOptions capped;
  capped.require_agent = true;
  capped.max_active_for_agent = 2;
  ASSERT_TRUE(store_->create_session(make("outbound", "initiating"), capped, nullptr).has_value());
  ASSERT_TRUE(store_->create_session(make("inbound", "completed"), {}, nullptr).has_value());  // over: not counted
  ASSERT_TRUE(store_->create_session(make("inbound", "ringing"), capped, nullptr).has_value());
  auto over = store_->create_session(make("inbound", "ringing"), capped, nullptr);
  ASSERT_FALSE(over.has_value()) << "an outbound and an inbound call are in flight";
  EXPECT_EQ(over.error().code, core::Errc::unavailable);
  EXPECT_EQ(store_->list_sessions({})->total, 3) << "nothing written by a refused create";

  ASSERT_TRUE(store_->delete_agent(a->id).has_value());
  store::Store::CreateOptions must_exist;
  must_exist.require_agent = true;
  auto gone = store_->create_session(make("inbound", "ringing"), must_exist, nullptr);
  ASSERT_FALSE(gone.has_value());
  EXPECT_EQ(gone.error().code, core::Errc::not_found);
}

TEST_F(SqliteStoreTest, GroupCommitRunsWritesInOrderAndUndoesAFailedOneAlone) {
  auto a = store_->create_agent(agent("Desk"), std::nullopt);
  ASSERT_TRUE(a.has_value());
  auto session = [&](int i) {
    store::VoiceSession s;
    s.id = "call_group" + std::to_string(i);
    s.kind = "inbound";
    s.status = "ringing";
    s.agent_id = a->id;
    s.from_number = "+1415555010" + std::to_string(i % 10);
    s.created_at = 1000 + i;
    return s;
  };
  std::mutex mu;
  std::vector<std::string> order;
  std::vector<core::Status> outcomes(40);
  for (int i = 0; i < 40; ++i) {
    store_->write_async(
        [&, i](store::Store& st) -> core::Status {
          {
            std::lock_guard lock(mu);
            order.push_back(std::to_string(i));
          }
          auto created = st.create_session(session(i));
          if (!created) return std::unexpected(created.error());
          if (i % 10 == 3) {  // written, then refused: its session must not stay
            return core::fail(core::Errc::conflict, "refused after writing");
          }
          return {};
        },
        [&, i](const core::Status& s) { outcomes[i] = s; });
  }
  store_->flush();
  for (int i = 0; i < 40; ++i) {
    ASSERT_EQ(order[i], std::to_string(i)) << "submission order";
    EXPECT_EQ(outcomes[i].has_value(), i % 10 != 3) << i;
    EXPECT_EQ(store_->get_session("call_group" + std::to_string(i)).has_value(), i % 10 != 3) << i;
  }
  EXPECT_EQ(store_->list_sessions({})->total, 36);
  // Callers +1415555010..9; every call from ...3 was refused, and its lead went with it.
  EXPECT_EQ(store_->list_leads(100, 0)->total, 9);

  // A transition inside a group is the same compare-and-set.
  core::Status moved, stale;
  store_->write_async([](store::Store& st) -> core::Status {
    store::SessionTransition t{"call_group0", {"ringing"}, "in_progress"};
    if (auto r = st.transition_session(t, nullptr); !r) return std::unexpected(r.error());
    return {};
  }, [&](const core::Status& s) { moved = s; });
  store_->write_async([](store::Store& st) -> core::Status {
    store::SessionTransition t{"call_group0", {"ringing"}, "canceled"};
    if (auto r = st.transition_session(t, nullptr); !r) return std::unexpected(r.error());
    return {};
  }, [&](const core::Status& s) { stale = s; });
  store_->flush();
  EXPECT_TRUE(moved.has_value());
  ASSERT_FALSE(stale.has_value());
  EXPECT_EQ(stale.error().code, core::Errc::conflict);
  EXPECT_EQ(store_->get_session("call_group0")->status, "in_progress");
}

TEST_F(SqliteStoreTest, RoutingGenerationGrowsWithEveryRoutingChangeOnly) {
  auto before = store_->routing_generation();
  ASSERT_TRUE(before.has_value());
  auto a = store_->create_agent(agent("Desk"), std::nullopt);
  ASSERT_TRUE(a.has_value());
  auto after_agent = store_->routing_generation();
  EXPECT_GT(*after_agent, *before);
  store::SipProvider p;
  p.id = core::new_id("sp");
  p.name = "pbx";
  p.kind = "generic";
  p.config = "{}";
  p.created_at = p.updated_at = 1;
  ASSERT_TRUE(store_->create_sip_provider(p).has_value());
  auto after_provider = store_->routing_generation();
  EXPECT_GT(*after_provider, *after_agent);
  ASSERT_TRUE(store_->set_registration_state(p.id, "registered", 5, "").has_value());
  EXPECT_EQ(*store_->routing_generation(), *after_provider) << "registration state is not routing";
  ASSERT_TRUE(store_->create_phone_number(number("+14155550100")).has_value());
  auto after_number = store_->routing_generation();
  EXPECT_GT(*after_number, *after_provider);
  ASSERT_TRUE(store_->delete_sip_provider(p.id).has_value());
  EXPECT_GT(*store_->routing_generation(), *after_number);
}

TEST_F(SqliteStoreTest, TranscriptOrderedAndUniquePerSeq) {
  auto a = store_->create_agent(agent("a"), std::nullopt);
  store::VoiceSession s;
  s.id = core::new_id("call");
  s.kind = "inbound";
  s.status = "in_progress";
  s.agent_id = a->id;
  s.from_number = "+14155550000";
  ASSERT_TRUE(store_->create_session(s).has_value());
  ASSERT_TRUE(store_->append_transcript({s.id, 2, "user", "second", 2.0, false}).has_value());
  ASSERT_TRUE(store_->append_transcript({s.id, 1, "agent", "first", 0.5, false}).has_value());
  EXPECT_EQ(store_->append_transcript({s.id, 1, "agent", "dup", 0.6, false}).error().code, core::Errc::conflict);
  auto t = store_->list_transcript(s.id);
  ASSERT_TRUE(t.has_value());
  ASSERT_EQ(t->size(), 2u);
  EXPECT_EQ((*t)[0].text, "first");
}

TEST_F(SqliteStoreTest, ConcurrentWritersAllCommit) {
  std::vector<std::thread> threads;
  std::atomic<int> ok{0};
  for (int t = 0; t < 4; ++t) {
    threads.emplace_back([&] {
      for (int i = 0; i < 25; ++i) {
        if (store_->create_agent(agent("x"), std::nullopt)) ++ok;
      }
    });
  }
  for (auto& t : threads) t.join();
  EXPECT_EQ(ok.load(), 100);
  EXPECT_EQ(store_->list_agents(1, 0)->total, 100);
}

TEST_F(SqliteStoreTest, SipTracesAppendInBatchesAndPrunePerProviderAndOrphans) {
  auto now = core::to_unix_ms(core::now_utc());
  store::SipProvider p{core::new_id("sp"), "trunk", "generic", 10, "{}", "", "disabled", std::nullopt, "", now, now};
  ASSERT_TRUE(store_->create_sip_provider(p).has_value());
  std::vector<store::SipTrace> batch;
  auto trace = [&](std::optional<std::string> provider, std::string call_id, std::int64_t at) {
    batch.push_back(store::SipTrace{0, std::move(provider), std::move(call_id), "in", "udp:127.0.0.1:5060", "OPTIONS", at});
  };
  for (int i = 0; i < 12000; ++i) trace(p.id, "old", 1000 + i);  // more than one delete chunk
  trace(p.id, "new", 50'000);
  trace(std::string("sp_gone"), "orphan-old", 1000);
  trace(std::string("sp_gone"), "orphan-new", 50'000);
  trace(std::nullopt, "none-old", 1000);
  ASSERT_TRUE(store_->append_sip_traces(batch).has_value());
  ASSERT_TRUE(store_->append_sip_traces({}).has_value());
  auto old = store_->list_sip_traces("old", 20000);
  ASSERT_EQ(old->size(), 12000U);
  EXPECT_EQ(old->front().created_at, 1000);
  EXPECT_EQ(old->back().created_at, 12999) << "in insertion order";

  auto pruned = store_->prune_sip_traces(p.id, 20'000);
  ASSERT_TRUE(pruned.has_value());
  EXPECT_EQ(*pruned, 12000);
  EXPECT_TRUE(store_->list_sip_traces("old", 10)->empty());
  EXPECT_EQ(store_->list_sip_traces("new", 10)->size(), 1U);
  EXPECT_EQ(store_->list_sip_traces("orphan-old", 10)->size(), 1U) << "another provider's traces are not touched";

  auto orphans = store_->prune_orphan_sip_traces(20'000);
  ASSERT_TRUE(orphans.has_value());
  EXPECT_EQ(*orphans, 2);
  EXPECT_TRUE(store_->list_sip_traces("orphan-old", 10)->empty());
  EXPECT_TRUE(store_->list_sip_traces("none-old", 10)->empty());
  EXPECT_EQ(store_->list_sip_traces("orphan-new", 10)->size(), 1U);
  EXPECT_EQ(store_->list_sip_traces("new", 10)->size(), 1U) << "a known provider's traces are not orphans";
}
