#include "media/ports/port_allocator.hpp"

#include <gtest/gtest.h>

#include <mutex>
#include <set>
#include <thread>
#include <vector>

namespace parley::media::ports {
namespace {

TEST(PortAllocator, HandsOutEvenRtpAndOddRtcpPairsInRange) {
  auto allocator = PortAllocator::create(10001, 10010);  // pairs 10002, 10004, 10006, 10008 (10010 has no 10011)
  ASSERT_TRUE(allocator);
  EXPECT_EQ(allocator->capacity(), 4u);
  std::vector<PortLease> leases;
  for (int i = 0; i < 4; ++i) {
    auto lease = allocator->allocate();
    ASSERT_TRUE(lease);
    EXPECT_EQ(lease->rtp_port() % 2, 0);
    EXPECT_EQ(lease->rtcp_port(), lease->rtp_port() + 1);
    EXPECT_GE(lease->rtp_port(), 10002);
    EXPECT_LE(lease->rtcp_port(), 10010);
    leases.push_back(std::move(*lease));
  }
  auto none = allocator->allocate();
  ASSERT_FALSE(none);
  EXPECT_EQ(none.error().code, core::Errc::unavailable);
  EXPECT_EQ(allocator->in_use(), 4u);
}

TEST(PortAllocator, ReleaseReturnsThePairAndReuseIsRoundRobin) {
  auto allocator = PortAllocator::create(20000, 20007);
  ASSERT_TRUE(allocator);
  auto a = allocator->allocate();
  const auto a_port = a->rtp_port();
  {
    auto b = allocator->allocate();
    EXPECT_NE(b->rtp_port(), a_port);
  }  // b released here
  EXPECT_EQ(allocator->in_use(), 1u);
  a->release();
  EXPECT_FALSE(*a);
  EXPECT_EQ(allocator->in_use(), 0u);
  // The next pair is the one after b, not a freshly released one.
  auto c = allocator->allocate();
  EXPECT_EQ(c->rtp_port(), 20004);
  // Moving a lease moves ownership: only one release happens.
  PortLease moved = std::move(*c);
  EXPECT_EQ(moved.rtp_port(), 20004);
  EXPECT_EQ(allocator->in_use(), 1u);
}

TEST(PortAllocator, LeaseOutlivesTheAllocator) {
  std::optional<PortLease> lease;
  {
    auto allocator = PortAllocator::create(30000, 30001);
    lease = std::move(*allocator->allocate());
  }
  EXPECT_EQ(lease->rtp_port(), 30000);
  lease.reset();  // must not touch freed memory (checked under ASan)
}

TEST(PortAllocator, RejectsEmptyRanges) {
  EXPECT_FALSE(PortAllocator::create(10000, 10000));
  EXPECT_FALSE(PortAllocator::create(10001, 10002));
  EXPECT_FALSE(PortAllocator::create(0, 100));
  EXPECT_FALSE(PortAllocator::create(200, 100));
}

TEST(PortAllocator, ConcurrentLeasesAreNeverShared) {
  auto allocator = PortAllocator::create(40000, 40999);  // 500 pairs
  ASSERT_TRUE(allocator);
  std::mutex mutex;
  std::set<std::uint16_t> held;
  bool duplicate = false;
  std::vector<std::thread> threads;
  for (int t = 0; t < 8; ++t) {
    threads.emplace_back([&] {
      for (int round = 0; round < 200; ++round) {
        std::vector<PortLease> mine;
        for (int i = 0; i < 20; ++i) {
          auto lease = allocator->allocate();
          if (!lease) continue;
          std::lock_guard lock(mutex);
          duplicate |= !held.insert(lease->rtp_port()).second;
          mine.push_back(std::move(*lease));
        }
        std::lock_guard lock(mutex);
        for (auto& lease : mine) held.erase(lease.rtp_port());
        mine.clear();  // released while holding the lock: the set and the pool agree
      }
    });
  }
  for (auto& thread : threads) thread.join();
  EXPECT_FALSE(duplicate);
  EXPECT_EQ(allocator->in_use(), 0u);
}

}  // namespace
}  // namespace parley::media::ports
