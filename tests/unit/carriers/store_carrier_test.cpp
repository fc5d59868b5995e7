// The store methods the carrier integrations use, on a real SQLite database.
#include <gtest/gtest.h>

#include <filesystem>

#include "core/ids.hpp"
#include "store/sqlite/sqlite_store.hpp"

using namespace parley;

namespace {

class CarrierStoreTest : public ::testing::Test {
 protected:
  void SetUp() override {
    dir_ = std::filesystem::temp_directory_path() / ("parley_carrier_store_" + core::random_token(8));
    std::filesystem::create_directories(dir_);
    auto s = store::sqlite::SqliteStore::open((dir_ / "t.db").string());
    ASSERT_TRUE(s.has_value());
    store_ = std::move(*s);
    ASSERT_TRUE(store_->migrate().has_value());
  }
  void TearDown() override {
    store_.reset();
    std::filesystem::remove_all(dir_);
  }
  store::Agent agent() {
    store::Agent a{core::new_id("agent"), "a", "{}", "", std::nullopt, 1, 1};
    return store_->create_agent(a, std::nullopt).value();
  }
  store::PhoneNumber number(std::string e164, std::optional<std::string> agent_id = std::nullopt) {
    store::PhoneNumber n;
    n.id = core::new_id("pn");
    n.phone_number = std::move(e164);
    n.provider = "sip";
    n.state = "active";
    n.agent_id = std::move(agent_id);
    n.created_at = n.updated_at = 1;
    return n;
  }
  std::filesystem::path dir_;
  std::unique_ptr<store::sqlite::SqliteStore> store_;
};

}  // namespace

TEST_F(CarrierStoreTest, StatusCallbacksFindSessionsByCarrierCallId) {
  auto a = agent();
  store::VoiceSession s;
  s.id = core::new_id("call");
  s.kind = "outbound";
  s.status = "initiating";
  s.agent_id = a.id;
  s.to_number = "+14155550100";
  s.created_at = 1;
  ASSERT_TRUE(store_->create_session(s).has_value());
  EXPECT_EQ(store_->set_carrier_call_id("call_missing", "CA1").error().code, core::Errc::not_found);
  ASSERT_TRUE(store_->set_carrier_call_id(s.id, "CA1").has_value());
  EXPECT_FALSE(store_->set_telephony_status("CA2", "ringing").value());
  EXPECT_FALSE(store_->get_session(s.id)->telephony_status.has_value());
  EXPECT_TRUE(store_->set_telephony_status("CA1", "ringing").value());
  EXPECT_EQ(store_->get_session(s.id)->telephony_status.value_or(""), "ringing");
}

TEST_F(CarrierStoreTest, ActivationCreatesTheTrunkAndLinksItInOneStep) {
  auto pending = number("+14155550001");
  pending.state = "provisioning";
  auto n = store_->create_phone_number(pending).value();
  store::SipProvider trunk;
  trunk.id = core::new_id("sp");
  trunk.name = "twilio";
  trunk.kind = "twilio";
  trunk.created_at = trunk.updated_at = 1;
  auto active = store_->activate_phone_number(n.id, R"({"mode":"sip_trunk"})", "sealed", trunk);
  ASSERT_TRUE(active.has_value()) << active.error().message;
  EXPECT_EQ(active->state, "active");
  EXPECT_EQ(active->config, R"({"mode":"sip_trunk"})");
  EXPECT_EQ(active->credentials, "sealed");
  EXPECT_EQ(active->sip_provider_id.value_or(""), trunk.id);
  ASSERT_TRUE(store_->get_sip_provider(trunk.id).has_value());
  // Only a provisioning number can be activated; a failed activation writes nothing.
  store::SipProvider other = trunk;
  other.id = core::new_id("sp");
  EXPECT_EQ(store_->activate_phone_number(n.id, "{}", "", other).error().code, core::Errc::conflict);
  EXPECT_EQ(store_->get_sip_provider(other.id).error().code, core::Errc::not_found);
  EXPECT_EQ(store_->activate_phone_number("pn_missing", "{}", "", std::nullopt).error().code, core::Errc::not_found);
}

TEST_F(CarrierStoreTest, TransitionsAreCompareAndSet) {
  auto n = store_->create_phone_number(number("+14155550002")).value();
  auto deleting = store_->transition_phone_number(n.id, {"active", "corrupted"}, "deleting", "");
  ASSERT_TRUE(deleting.has_value());
  EXPECT_EQ(deleting->state, "deleting");
  // A second deleter loses.
  EXPECT_EQ(store_->transition_phone_number(n.id, {"active", "corrupted"}, "deleting", "").error().code,
            core::Errc::conflict);
  auto corrupted = store_->transition_phone_number(n.id, {"deleting"}, "corrupted", "clean-up failed");
  ASSERT_TRUE(corrupted.has_value());
  EXPECT_EQ(corrupted->last_error, "clean-up failed");
}

TEST_F(CarrierStoreTest, JournalKeepsOrderAndGoesWithTheNumber) {
  auto n = store_->create_phone_number(number("+14155550003")).value();
  store::CarrierResource r;
  r.phone_number_id = n.id;
  r.kind = "twilio.trunk";
  r.label = "trunk";
  r.state = "pending";
  r.undo_request = R"({"method":"DELETE"})";
  r.created_at = 1;
  EXPECT_EQ(store_->add_carrier_resource(r).value(), 1);
  r.kind = "twilio.origination_url";
  EXPECT_EQ(store_->add_carrier_resource(r).value(), 2);
  r.seq = 1;
  r.remote_id = "TK1";
  r.state = "created";
  ASSERT_TRUE(store_->update_carrier_resource(r).has_value());
  auto list = store_->list_carrier_resources(n.id).value();
  ASSERT_EQ(list.size(), 2u);
  EXPECT_EQ(list[0].seq, 1);
  EXPECT_EQ(list[0].remote_id, "TK1");
  EXPECT_EQ(list[0].state, "created");
  EXPECT_EQ(list[1].kind, "twilio.origination_url");
  ASSERT_TRUE(store_->remove_carrier_resource(n.id, 2).has_value());
  EXPECT_EQ(store_->list_carrier_resources(n.id)->size(), 1u);
  // Numbering continues after the highest seq left.
  EXPECT_EQ(store_->add_carrier_resource(r).value(), 2);
  r.phone_number_id = "pn_missing";
  EXPECT_EQ(store_->add_carrier_resource(r).error().code, core::Errc::not_found);
  ASSERT_TRUE(store_->delete_phone_number_and_trunk(n.id, std::nullopt).has_value());
  EXPECT_TRUE(store_->list_carrier_resources(n.id)->empty());
}

TEST_F(CarrierStoreTest, DeletingANumberTakesItsOwnTrunkOnly) {
  store::SipProvider p;
  p.id = core::new_id("sp");
  p.name = "twilio";
  p.kind = "twilio";
  p.created_at = p.updated_at = 1;
  auto two = store_->import_sip_numbers(p, {number("+14155550004"), number("+14155550005")}).value();
  ASSERT_TRUE(store_->delete_phone_number_and_trunk(two[0].id, p.id).has_value());
  EXPECT_TRUE(store_->get_sip_provider(p.id).has_value()) << "still used by the second number";
  ASSERT_TRUE(store_->delete_phone_number_and_trunk(two[1].id, p.id).has_value());
  EXPECT_EQ(store_->get_sip_provider(p.id).error().code, core::Errc::not_found);
  EXPECT_EQ(store_->delete_phone_number_and_trunk(two[1].id, p.id).error().code, core::Errc::not_found);
}

TEST_F(CarrierStoreTest, DltFlagIsStored) {
  auto in = number("+919800000009");
  in.dlt_registered = true;
  auto n = store_->create_phone_number(in).value();
  EXPECT_TRUE(n.dlt_registered);
  ASSERT_TRUE(store_->set_phone_number_dlt(n.id, false).has_value());
  EXPECT_FALSE(store_->get_phone_number(n.id)->dlt_registered);
  EXPECT_EQ(store_->set_phone_number_dlt("pn_missing", true).error().code, core::Errc::not_found);
}

TEST_F(CarrierStoreTest, SipImportIsAllOrNothing) {
  auto a = agent();
  store::SipProvider p;
  p.id = core::new_id("sp");
  p.name = "vobiz";
  p.kind = "vobiz";
  p.created_at = p.updated_at = 1;
  auto ok = store_->import_sip_numbers(p, {number("+919800000001", a.id), number("+919800000002")});
  ASSERT_TRUE(ok.has_value()) << ok.error().message;
  ASSERT_EQ(ok->size(), 2u);
  EXPECT_EQ((*ok)[0].sip_provider_id.value_or(""), p.id);
  EXPECT_EQ(store_->get_agent(a.id)->phone_number_id.value_or(""), (*ok)[0].id);

  store::SipProvider q = p;
  q.id = core::new_id("sp");
  auto dup = store_->import_sip_numbers(q, {number("+919800000003"), number("+919800000001")});
  ASSERT_FALSE(dup.has_value());
  EXPECT_EQ(dup.error().code, core::Errc::conflict);
  EXPECT_EQ(dup.error().field, "numbers[1].phone_number");
  EXPECT_EQ(store_->get_sip_provider(q.id).error().code, core::Errc::not_found);
  EXPECT_FALSE(store_->find_phone_number("+919800000003")->has_value());

  auto taken = store_->import_sip_numbers(q, {number("+919800000004", a.id)});
  ASSERT_FALSE(taken.has_value());
  EXPECT_EQ(taken.error().code, core::Errc::conflict);
  EXPECT_EQ(store_->list_sip_providers(10, 0)->total, 1);
}
