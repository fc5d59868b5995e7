// The provisioning journal and its rollback against a loopback HTTP server that keeps "things" the
// way a carrier keeps resources (POST creates, GET lists in pages, DELETE removes), on a real
// SQLite store. Failures are scripted per request.
#include <gtest/gtest.h>

#include <boost/json.hpp>

#include <atomic>
#include <filesystem>
#include <map>
#include <mutex>
#include <thread>

#include "carriers/provisioning/saga.hpp"
#include "core/ids.hpp"
#include "core/worker_pool.hpp"
#include "net/http_server.hpp"
#include "net/io_runtime.hpp"
#include "store/sqlite/sqlite_store.hpp"

using namespace parley;
using namespace parley::carriers;
using namespace std::chrono_literals;
namespace json = boost::json;

namespace {

// A carrier-like collection at /things: POST (form field Name) answers 201 {"sid","name"}, GET
// lists one item per page with a relative meta.next, DELETE /things/{sid} answers 204 or 404.
class FakeCarrier {
 public:
  FakeCarrier() : io_(1), pool_(4, 64) {
    net::HttpServerOptions opts;
    opts.port = 0;
    server_ = std::make_unique<net::HttpServer>(io_, pool_, opts, [this](net::HttpRequest& req) { return handle(req); });
    io_.start();
    EXPECT_TRUE(server_->start().has_value());
  }
  ~FakeCarrier() {
    server_->stop(100ms);
    pool_.stop();
    io_.stop();
  }
  std::string url(std::string_view path) const { return "http://127.0.0.1:" + std::to_string(server_->port()) + std::string(path); }

  // The next POST: answered with this status (nothing created), or created and answered late.
  void fail_next_post(int status) { std::lock_guard l(mu_); post_status_ = status; }
  void create_then_stall() { std::lock_guard l(mu_); stall_ = true; }
  void fail_deletes(int status) { std::lock_guard l(mu_); delete_status_ = status; }
  std::map<std::string, std::string> things() { std::lock_guard l(mu_); return things_; }

 private:
  net::HttpResponse handle(net::HttpRequest& req) {
    std::unique_lock l(mu_);
    if (req.method == "POST" && req.path == "/things") {
      if (post_status_) {
        int s = std::exchange(post_status_, 0);
        return {s, {}, R"({"code":20500,"message":"injected"})"};
      }
      auto form = net::parse_query(req.body).value_or(std::vector<std::pair<std::string, std::string>>{});
      std::string name;
      for (const auto& [k, v] : form) {
        if (k == "Name") name = v;
      }
      auto sid = "TH" + std::to_string(++next_);
      things_[sid] = name;
      if (std::exchange(stall_, false)) {
        l.unlock();
        std::this_thread::sleep_for(3000ms);  // past the client's deadline
      }
      return {201, {}, json::serialize(json::object{{"sid", sid}, {"name", name}})};
    }
    if (req.method == "GET" && req.path == "/things") {
      int page = std::stoi(std::string(req.query_param("Page").value_or("0")));
      json::array items;
      int i = 0;
      for (const auto& [sid, name] : things_) {
        if (i++ == page) items.push_back(json::object{{"sid", sid}, {"name", name}});
      }
      json::value next = page + 1 < static_cast<int>(things_.size()) ? json::value("/things?Page=" + std::to_string(page + 1))
                                                                       : json::value(nullptr);
      return {200, {}, json::serialize(json::object{{"things", items}, {"meta", json::object{{"next", next}}}})};
    }
    if (req.method == "DELETE" && req.path.starts_with("/things/")) {
      if (delete_status_) return {delete_status_, {}, R"({"code":20500,"message":"delete failed"})"};
      auto sid = req.path.substr(8);
      if (!things_.erase(sid)) return {404, {}, R"({"code":20404,"message":"not found"})"};
      return {204, {}, {}};
    }
    return {404, {}, "{}"};
  }

  net::IoRuntime io_;
  core::WorkerPool pool_;
  std::unique_ptr<net::HttpServer> server_;
  std::mutex mu_;
  std::map<std::string, std::string> things_;
  int next_ = 0;
  int post_status_ = 0;
  int delete_status_ = 0;
  bool stall_ = false;
};

class SagaTest : public ::testing::Test {
 protected:
  SagaTest() : io_(1), http_(io_.at(0)), rest_(http_, Dialect::twilio, "AC1", "token", 1500ms) {
    io_.start();
    dir_ = std::filesystem::temp_directory_path() / ("parley_saga_" + core::random_token(8));
    std::filesystem::create_directories(dir_);
    store_ = std::move(store::sqlite::SqliteStore::open((dir_ / "t.db").string()).value());
    EXPECT_TRUE(store_->migrate().has_value());
    store::PhoneNumber n;
    n.id = core::new_id("pn");
    n.phone_number = "+14155550123";
    n.provider = "twilio";
    n.state = "provisioning";
    number_id_ = store_->create_phone_number(n).value().id;
  }
  ~SagaTest() override {
    io_.stop();
    store_.reset();
    std::filesystem::remove_all(dir_);
  }

  RemoteStep create(std::string name) {
    RemoteStep s;
    s.step = "create_thing";
    s.kind = "test.thing";
    s.label = "thing " + name;
    s.request = form_request("POST", fake_.url("/things"), {{"Name", name}});
    s.id_field = "sid";
    s.undo = RestRequest{"DELETE", fake_.url("/things/{id}"), {}, {}};
    s.lookup = Lookup{fake_.url("/things?Page=0"), "things", "name", name, "sid", "meta.next"};
    return s;
  }
  std::vector<store::CarrierResource> journal() { return store_->list_carrier_resources(number_id_).value(); }

  FakeCarrier fake_;
  net::IoRuntime io_;
  net::HttpClient http_;
  RestClient rest_;
  std::filesystem::path dir_;
  std::unique_ptr<store::sqlite::SqliteStore> store_;
  std::string number_id_;
};

}  // namespace

TEST_F(SagaTest, EachStepIsJournalledWithItsIdAndUndoneNewestFirst) {
  Saga saga(*store_, number_id_, rest_);
  auto a = saga.apply(create("a"));
  ASSERT_TRUE(a.has_value());
  auto b = saga.apply(create("b"));
  ASSERT_TRUE(b.has_value());
  EXPECT_EQ(a->answer.at("name"), "a");
  auto rows = journal();
  ASSERT_EQ(rows.size(), 2u);
  EXPECT_EQ(rows[0].remote_id, a->id);
  EXPECT_EQ(rows[0].state, "created");
  EXPECT_EQ(rows[1].remote_id, b->id);
  EXPECT_EQ(fake_.things().size(), 2u);

  auto left = undo_all(*store_, number_id_, rest_);
  ASSERT_TRUE(left.has_value());
  EXPECT_TRUE(left->empty());
  EXPECT_TRUE(fake_.things().empty());
  EXPECT_TRUE(journal().empty());
}

TEST_F(SagaTest, ARefusedRequestLeavesNothingToUndo) {
  Saga saga(*store_, number_id_, rest_);
  ASSERT_TRUE(saga.apply(create("a")).has_value());
  fake_.fail_next_post(429);
  auto b = saga.apply(create("b"));
  ASSERT_FALSE(b.has_value());
  EXPECT_EQ(b.error().step, "create_thing");
  EXPECT_EQ(b.error().carrier.http_status, 429);
  EXPECT_FALSE(b.error().carrier.maybe_applied);
  EXPECT_EQ(journal().size(), 1u) << "the refused step's row is gone";
}

TEST_F(SagaTest, AServerErrorKeepsTheRowUntilTheLookupSaysNothingWasMade) {
  Saga saga(*store_, number_id_, rest_);
  fake_.fail_next_post(500);
  auto a = saga.apply(create("a"));
  ASSERT_FALSE(a.has_value());
  EXPECT_TRUE(a.error().carrier.maybe_applied);
  auto rows = journal();
  ASSERT_EQ(rows.size(), 1u);
  EXPECT_EQ(rows[0].state, "pending");
  EXPECT_EQ(rows[0].remote_id, "");
  ASSERT_TRUE(undo_all(*store_, number_id_, rest_)->empty());
  EXPECT_TRUE(journal().empty());
}

TEST_F(SagaTest, AnAnswerLostToATimeoutIsFoundByNameAndRemoved) {
  Saga saga(*store_, number_id_, rest_);
  ASSERT_TRUE(saga.apply(create("first")).has_value());
  ASSERT_TRUE(saga.apply(create("second")).has_value());
  fake_.create_then_stall();
  auto lost = saga.apply(create("lost"));
  ASSERT_FALSE(lost.has_value());
  EXPECT_EQ(lost.error().carrier.http_status, 0);
  EXPECT_TRUE(lost.error().carrier.maybe_applied);
  EXPECT_EQ(fake_.things().size(), 3u) << "the carrier made it although we never heard back";
  // The lookup walks the pages (one item each) to find it.
  auto left = undo_all(*store_, number_id_, rest_);
  ASSERT_TRUE(left.has_value());
  EXPECT_TRUE(left->empty());
  EXPECT_TRUE(fake_.things().empty());
}

TEST_F(SagaTest, WhatCannotBeUndoneStaysWithItsErrorAndARetryFinishes) {
  Saga saga(*store_, number_id_, rest_);
  ASSERT_TRUE(saga.apply(create("a")).has_value());
  ASSERT_TRUE(saga.apply(create("b")).has_value());
  fake_.fail_deletes(500);
  auto left = undo_all(*store_, number_id_, rest_);
  ASSERT_TRUE(left.has_value());
  ASSERT_EQ(left->size(), 2u);
  EXPECT_EQ((*left)[0].label, "thing a") << "oldest first";
  EXPECT_NE((*left)[1].last_error.find("HTTP 500"), std::string::npos) << (*left)[1].last_error;
  EXPECT_EQ(journal()[0].last_error, (*left)[0].last_error);
  EXPECT_EQ(fake_.things().size(), 2u);

  fake_.fail_deletes(0);
  // One of them was removed by hand meanwhile: its 404 counts as done.
  auto sid = journal()[0].remote_id;
  ASSERT_TRUE(rest_.send(RestRequest{"DELETE", fake_.url("/things/" + sid), {}, {}}).has_value());
  ASSERT_TRUE(undo_all(*store_, number_id_, rest_)->empty());
  EXPECT_TRUE(fake_.things().empty());
}

TEST_F(SagaTest, StepsWithKnownIdsAndNoUndoAreNotJournalled) {
  Saga saga(*store_, number_id_, rest_);
  auto step = create("x");
  step.undo.reset();
  ASSERT_TRUE(saga.apply(step).has_value());
  EXPECT_TRUE(journal().empty());
}

TEST_F(SagaTest, JournallingFailsWhenTheNumberIsGone) {
  ASSERT_TRUE(store_->delete_phone_number(number_id_).has_value());
  Saga saga(*store_, number_id_, rest_);
  auto r = saga.apply(create("a"));
  ASSERT_FALSE(r.has_value());
  ASSERT_TRUE(r.error().store.has_value());
  EXPECT_TRUE(fake_.things().empty()) << "nothing is sent before the journal row exists";
}
