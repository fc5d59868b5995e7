#include "call/active_calls.hpp"

#include <gtest/gtest.h>

#include <boost/asio/executor_work_guard.hpp>

#include <thread>

namespace parley::call {
namespace {

// The end action runs on the call's own io_context thread, and end() waits for its record.
TEST(ActiveCalls, EndRunsOnTheCallsContextAndWaitsForTheWrite) {
  boost::asio::io_context io;
  auto guard = boost::asio::make_work_guard(io);
  std::thread runner([&] { io.run(); });
  ActiveCalls calls;
  std::thread::id ran_on;
  std::string got_reason;
  calls.add("call_1", io, [&](std::string reason, std::function<void()> written) {
    ran_on = std::this_thread::get_id();
    got_reason = reason;
    std::thread([written] {
      std::this_thread::sleep_for(std::chrono::milliseconds(50));
      written();
    }).detach();
  });
  EXPECT_EQ(calls.size(), 1u);
  auto start = std::chrono::steady_clock::now();
  EXPECT_TRUE(calls.end("call_1", "ended_by_api", std::chrono::seconds(5)));
  EXPECT_GE(std::chrono::steady_clock::now() - start, std::chrono::milliseconds(50));
  EXPECT_EQ(ran_on, runner.get_id());
  EXPECT_EQ(got_reason, "ended_by_api");
  EXPECT_FALSE(calls.end("call_2", "ended_by_api", std::chrono::seconds(1)));
  calls.remove("call_1");
  EXPECT_EQ(calls.size(), 0u);
  guard.reset();
  runner.join();
}

// A call that never confirms its write does not block the caller past the deadline; calling
// `written` twice is harmless.
TEST(ActiveCalls, EndGivesUpAtTheDeadline) {
  boost::asio::io_context io;
  auto guard = boost::asio::make_work_guard(io);
  std::thread runner([&] { io.run(); });
  ActiveCalls calls;
  std::function<void()> kept;
  calls.add("call_1", io, [&](std::string, std::function<void()> written) { kept = written; });
  auto start = std::chrono::steady_clock::now();
  EXPECT_TRUE(calls.end("call_1", "x", std::chrono::milliseconds(100)));
  EXPECT_LT(std::chrono::steady_clock::now() - start, std::chrono::seconds(2));
  guard.reset();
  runner.join();
  kept();
  kept();
}

}  // namespace
}  // namespace parley::call
