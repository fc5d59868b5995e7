#pragma once
// A real SQLite store in a fresh temporary directory, migrated, for call-layer tests.
#include <gtest/gtest.h>

#include <filesystem>
#include <memory>

#include "core/ids.hpp"
#include "core/time.hpp"
#include "store/sqlite/sqlite_store.hpp"

namespace parley::call::test {

class StoreFixture : public ::testing::Test {
 protected:
  void SetUp() override {
    dir_ = std::filesystem::temp_directory_path() / ("parley_call_" + core::random_token(8));
    std::filesystem::create_directories(dir_);
    auto s = store::sqlite::SqliteStore::open((dir_ / "t.db").string());
    ASSERT_TRUE(s.has_value()) << s.error().message;
    store_ = std::move(*s);
    ASSERT_TRUE(store_->migrate().has_value());
  }
  void TearDown() override {
    store_.reset();
    std::filesystem::remove_all(dir_);
  }

  // A provider row as the API writes it: `config` is the JSON object without name and kind.
  store::SipProvider provider(std::string config, std::string credentials = {}) {
    store::SipProvider p;
    p.id = core::new_id("sp");
    p.name = "trunk";
    p.kind = "generic";
    p.config = std::move(config);
    p.credentials = std::move(credentials);
    p.created_at = p.updated_at = core::to_unix_ms(core::now_utc());
    auto created = store_->create_sip_provider(p);
    EXPECT_TRUE(created.has_value());
    return created.value_or(p);
  }

  std::filesystem::path dir_;
  std::unique_ptr<store::sqlite::SqliteStore> store_;
};

}  // namespace parley::call::test
