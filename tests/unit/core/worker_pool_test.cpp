#include <gtest/gtest.h>

#include <atomic>
#include <future>

#include "core/worker_pool.hpp"

using namespace parley::core;

TEST(WorkerPool, RunsEveryJobAndSurvivesThrowingOnes) {
  std::atomic<int> n{0};
  {
    WorkerPool pool(2, 1000);
    for (int i = 0; i < 500; ++i) {
      ASSERT_TRUE(pool.try_submit([&n, i] {
        if (i % 100 == 0) throw std::runtime_error("boom");
        ++n;
      }));
    }
  }  // destructor drains
  EXPECT_EQ(n.load(), 495);
}

TEST(WorkerPool, ShedsWhenFull) {
  WorkerPool pool(1, 1);
  std::promise<void> gate;
  auto fut = gate.get_future().share();
  std::promise<void> started;
  ASSERT_TRUE(pool.try_submit([fut, &started] {
    started.set_value();
    fut.wait();
  }));
  started.get_future().wait();
  EXPECT_TRUE(pool.try_submit([] {}));
  EXPECT_FALSE(pool.try_submit([] {}));
  EXPECT_TRUE(pool.submit([] {}));  // work that must not be shed passes the bound
  gate.set_value();
}
