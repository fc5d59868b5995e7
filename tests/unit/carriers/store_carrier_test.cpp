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

TEST_F(CarrierStoreTest, ProvisioningUpdatesStateConfigCredentialsAndLink) {
  auto n = store_->create_phone_number(number("+14155550001")).value();
  ASSERT_TRUE(store_->update_phone_number_carrier(n.id, "provisioning", R"({"trunk_sid":"TK1"})", "sealed", std::nullopt)
                  .has_value());
  auto got = store_->get_phone_number(n.id).value();
  EXPECT_EQ(got.state, "provisioning");
  EXPECT_EQ(got.config, R"({"trunk_sid":"TK1"})");
  EXPECT_EQ(got.credentials, "sealed");
  EXPECT_FALSE(got.sip_provider_id.has_value());
  ASSERT_TRUE(store_->update_phone_number_carrier(n.id, "active", "{}", "sealed2", std::string("sp_1")).has_value());
  got = store_->get_phone_number(n.id).value();
  EXPECT_EQ(got.state, "active");
  EXPECT_EQ(got.sip_provider_id.value_or(""), "sp_1");
  EXPECT_EQ(store_->update_phone_number_carrier("pn_missing", "active", "{}", "", std::nullopt).error().code,
            core::Errc::not_found);
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
  EXPECT_EQ(store_->get_sip_provider(q.id).error().code, core::Errc::not_found);
  EXPECT_FALSE(store_->find_phone_number("+919800000003")->has_value());

  auto taken = store_->import_sip_numbers(q, {number("+919800000004", a.id)});
  ASSERT_FALSE(taken.has_value());
  EXPECT_EQ(taken.error().code, core::Errc::conflict);
  EXPECT_EQ(store_->list_sip_providers(10, 0)->total, 1);
}
