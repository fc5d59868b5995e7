#include "core/serial_queue.hpp"

#include <gtest/gtest.h>

#include <future>
#include <mutex>
#include <vector>

using namespace parley::core;

TEST(SerialQueue, KeepsOrderAcrossWorkers) {
  std::vector<int> seen;
  std::mutex mu;
  {
    WorkerPool pool(4, 1000);
    auto q = SerialQueue::create(pool);
    for (int i = 0; i < 200; ++i) {
      ASSERT_TRUE(q->post([&, i] {
        std::lock_guard lock(mu);
        seen.push_back(i);
      }));
    }
  }
  ASSERT_EQ(seen.size(), 200u);
  for (int i = 0; i < 200; ++i) EXPECT_EQ(seen[i], i);
}

// A saturated pool sheds a normal queue's jobs but still runs a keep queue's.
TEST(SerialQueue, KeepQueueRunsWhenThePoolIsSaturated) {
  WorkerPool pool(1, 1);
  std::promise<void> gate;
  auto fut = gate.get_future().share();
  std::promise<void> started;
  ASSERT_TRUE(pool.try_submit([fut, &started] {
    started.set_value();
    fut.wait();
  }));
  started.get_future().wait();
  ASSERT_TRUE(pool.try_submit([] {}));  // the queue is now full

  auto shed = SerialQueue::create(pool);
  EXPECT_FALSE(shed->post([] {}));
  auto keep = SerialQueue::create(pool, SerialQueue::Overload::keep);
  std::promise<void> ran;
  EXPECT_TRUE(keep->post([&ran] { ran.set_value(); }));
  gate.set_value();
  EXPECT_EQ(ran.get_future().wait_for(std::chrono::seconds(5)), std::future_status::ready);
}
