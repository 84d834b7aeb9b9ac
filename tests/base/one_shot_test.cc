#include "ledger/base/one_shot.h"

#include <gtest/gtest.h>

#include <atomic>
#include <chrono>
#include <memory>
#include <string>
#include <thread>
#include <vector>

namespace ledger {
namespace {

TEST(OneShot, AValueSetBeforeGetIsReturnedAtOnce) {
  auto shot = std::make_shared<OneShot<std::string>>();
  OneShotFuture<std::string> f(shot);
  ASSERT_TRUE(f.valid());
  shot->Set("answer");
  EXPECT_EQ(f.get(), "answer");
  EXPECT_FALSE(f.valid());  // get() is once
}

TEST(OneShot, GetWaitsUntilTheValueIsSet) {
  auto shot = std::make_shared<OneShot<std::vector<int>>>();
  std::atomic<bool> returned{false};
  std::vector<int> got;
  std::thread taker([&, f = OneShotFuture<std::vector<int>>(shot)]() mutable {
    got = f.get();
    returned = true;
  });
  // Whatever the scheduling, the taker cannot have returned: nothing was set.
  std::this_thread::sleep_for(std::chrono::milliseconds(50));
  EXPECT_FALSE(returned.load());
  shot->Set({1, 2, 3});
  taker.join();
  EXPECT_TRUE(returned.load());
  EXPECT_EQ(got, (std::vector<int>{1, 2, 3}));
}

TEST(OneShot, CarriesMoveOnlyValues) {
  auto shot = std::make_shared<OneShot<std::unique_ptr<int>>>();
  OneShotFuture<std::unique_ptr<int>> f(shot);
  shot->Set(std::make_unique<int>(7));
  std::unique_ptr<int> v = f.get();
  ASSERT_NE(v, nullptr);
  EXPECT_EQ(*v, 7);
}

TEST(OneShot, ASetterOutlivingItsWaiterIsSafe) {
  auto shot = std::make_shared<OneShot<std::string>>();
  { OneShotFuture<std::string> dropped(shot); }  // the caller went away without get()
  shot->Set("nobody waits");                      // the setter's reference keeps the state alive
  SUCCEED();
}

// As the log uses it: one thread answers many callers, each waiting on its
// own shot; some callers wait before the answer, some arrive after it.
TEST(OneShot, OneSetterAnswersManyWaitersInTurn) {
  constexpr int kCallers = 16, kRounds = 2000;
  std::vector<std::shared_ptr<OneShot<int>>> shots(kCallers);
  std::atomic<int> ready{0};
  std::vector<std::thread> callers;
  std::vector<std::atomic<bool>> posted(kCallers);
  std::vector<int> sums(kCallers, 0);
  for (int c = 0; c < kCallers; ++c) {
    callers.emplace_back([&, c] {
      for (int r = 0; r < kRounds; ++r) {
        auto shot = std::make_shared<OneShot<int>>();
        OneShotFuture<int> f(shot);
        shots[c] = shot;  // published by the release below
        posted[c].store(true, std::memory_order_release);
        sums[c] += f.get();
      }
      ready++;
    });
  }
  std::thread setter([&] {
    int answered = 0;
    while (answered < kCallers * kRounds) {
      for (int c = 0; c < kCallers; ++c) {
        if (!posted[c].exchange(false, std::memory_order_acquire)) continue;
        // The setter holds its own reference while it sets: the caller may
        // return and drop the shot before Set has finished waking it.
        std::shared_ptr<OneShot<int>> shot = shots[c];
        shot->Set(c + 1);
        ++answered;
      }
    }
  });
  for (auto& t : callers) t.join();
  setter.join();
  EXPECT_EQ(ready.load(), kCallers);
  for (int c = 0; c < kCallers; ++c) EXPECT_EQ(sums[c], (c + 1) * kRounds) << c;
}

}  // namespace
}  // namespace ledger
