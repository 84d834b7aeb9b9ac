// ReadGate: while a write is recorded, at most `capacity` reads at once; a
// waiter that gets no place in time is refused (503 at the route); a place
// left is taken by a waiter. Without writes, reads are not limited.
#include "api/read_gate.h"

#include <gtest/gtest.h>
#include <sys/resource.h>
#include <unistd.h>

#include <atomic>
#include <stdexcept>
#include <thread>
#include <vector>

namespace ledger::api {
namespace {

using std::chrono::milliseconds;

TEST(ReadGateTest, AtMostCapacityAtOnceAndTheRestWaitOrAreRefused) {
  ReadGate gate(2, milliseconds(50));
  auto writing = gate.Write();
  auto a = gate.Enter();
  auto b = gate.Enter();
  ASSERT_TRUE(a && b);
  EXPECT_FALSE(gate.Enter().has_value()) << "a third view while two are computed";
  EXPECT_EQ(gate.refused(), 1u);
  { auto gone = std::move(*a); }  // the first view is done
  EXPECT_TRUE(gate.Enter().has_value());
}

TEST(ReadGateTest, AWaiterGetsThePlaceWhenItIsLeft) {
  ReadGate gate(1, std::chrono::seconds(60));
  auto writing = gate.Write();
  std::optional<ReadGate::Pass> held = gate.Enter();
  ASSERT_TRUE(held);
  std::atomic<bool> in{false};
  std::thread waiter([&] {
    auto p = gate.Enter();
    in = p.has_value();
  });
  held.reset();
  waiter.join();
  EXPECT_TRUE(in.load());
  EXPECT_EQ(gate.refused(), 0u);
}

TEST(ReadGateTest, ConcurrentReadsNeverExceedCapacityWhileWriting) {
  ReadGate gate(3, std::chrono::seconds(60));
  auto writing = gate.Write();
  std::atomic<int> inside{0}, most{0};
  std::vector<std::thread> threads;
  for (int t = 0; t < 16; ++t) {
    threads.emplace_back([&] {
      for (int i = 0; i < 200; ++i) {
        auto p = gate.Enter();
        ASSERT_TRUE(p);
        int now = ++inside;
        int m = most.load();
        while (now > m && !most.compare_exchange_weak(m, now)) {
        }
        std::this_thread::yield();
        --inside;
      }
    });
  }
  for (auto& t : threads) t.join();
  EXPECT_LE(most.load(), 3);
  EXPECT_GE(most.load(), 1);
}

TEST(ReadGateTest, WithoutWritesReadsAreNotLimited) {
  ReadGate gate(1, milliseconds(50));
  std::vector<ReadGate::Pass> passes;
  for (int i = 0; i < 8; ++i) {
    auto p = gate.Enter();
    ASSERT_TRUE(p) << i;
    passes.push_back(std::move(*p));
  }
  EXPECT_EQ(gate.refused(), 0u);
}

// A read that waits while a write is recorded gets in once no write has been
// in progress for kWriteLinger, without anyone waking it (writers never
// notify readers); within the linger it still waits.
TEST(ReadGateTest, ReadsAreLimitedUntilTheLingerAfterTheLastWrite) {
  ReadGate gate(1, std::chrono::seconds(60));
  auto held = gate.Enter();
  ASSERT_TRUE(held);
  std::optional<ReadGate::Writing> writing = gate.Write();
  std::atomic<bool> in{false};
  std::thread waiter([&] {
    auto p = gate.Enter();
    in = p.has_value();
  });
  std::this_thread::sleep_for(3 * ReadGate::kWriteLinger);
  EXPECT_FALSE(in.load()) << "a second read while a write is recorded";
  const auto ended = std::chrono::steady_clock::now();
  writing.reset();
  waiter.join();
  EXPECT_TRUE(in.load());
  EXPECT_GE(std::chrono::steady_clock::now() - ended, ReadGate::kWriteLinger);
  // Once the linger is over, reads are not limited again.
  auto again = gate.Enter();
  EXPECT_TRUE(again);
}

// The nice value and thread id of the thread a read was computed on.
struct Where {
  int nice;
  pid_t tid;
};
Where Here() { return {getpriority(PRIO_PROCESS, static_cast<id_t>(gettid())), gettid()}; }

// A read admitted while a write is recorded is computed on one of the gate's
// threads at the lowest priority, so that writers' threads take the CPU from
// it; without writes, on the caller's thread at its own priority.
TEST(ReadGateTest, ReadsAdmittedWhileWritingYieldTheCpuToWriters) {
  ReadGate gate(2, std::chrono::seconds(60));
  const Where caller = Here();
  ASSERT_LT(caller.nice, ReadGate::kReadNice) << "the test must not run at the lowest priority already";
  Where alone{}, while_writing{};
  {
    auto p = gate.Enter();
    ASSERT_TRUE(p);
    gate.Run(*p, [&] { alone = Here(); });
  }
  EXPECT_EQ(alone.tid, caller.tid);
  EXPECT_EQ(alone.nice, caller.nice);
  {
    auto writing = gate.Write();
    auto p = gate.Enter();
    ASSERT_TRUE(p);
    gate.Run(*p, [&] { while_writing = Here(); });
  }
  EXPECT_NE(while_writing.tid, caller.tid);
  EXPECT_EQ(while_writing.nice, ReadGate::kReadNice);
  EXPECT_EQ(Here().nice, caller.nice) << "the caller's own priority is left as it was";
}

TEST(ReadGateTest, AnExceptionOfAYieldingReadReachesTheCaller) {
  ReadGate gate(1, std::chrono::seconds(60));
  auto writing = gate.Write();
  auto p = gate.Enter();
  ASSERT_TRUE(p);
  EXPECT_THROW(gate.Run(*p, [] { throw std::runtime_error("a read failed"); }), std::runtime_error);
  // The gate's thread survives and computes the next read.
  int n = 0;
  gate.Run(*p, [&] { n = 1; });
  EXPECT_EQ(n, 1);
}

TEST(ReadGateTest, CapacityZeroMeansHalfTheCpusAtLeastOne) {
  ReadGate gate(0);
  EXPECT_GE(gate.capacity(), 1);
  EXPECT_LE(gate.capacity(), std::max(1, static_cast<int>(std::thread::hardware_concurrency())));
}

}  // namespace
}  // namespace ledger::api
