// crypto::RandomBytes: draws from the per-thread pool never repeat, within a
// thread, across threads, across pool refills, and across a fork (a child
// must not hand out the bytes its parent's pool still holds).
#include <gtest/gtest.h>
#include <sys/wait.h>
#include <unistd.h>

#include <set>
#include <string>
#include <thread>
#include <vector>

#include "ledger/crypto/ed25519.h"

namespace ledger::crypto {
namespace {

TEST(RandomBytes, SizesAreExactAndDrawsNeverRepeat) {
  for (size_t n : {0, 1, 16, 64, 65, 5000}) {
    auto r = RandomBytes(n);
    ASSERT_TRUE(r.ok());
    EXPECT_EQ(r->size(), n);
  }
  // 4 threads x 2,000 draws of 16 bytes: many pool refills each.
  std::vector<std::vector<std::string>> drawn(4);
  std::vector<std::thread> threads;
  for (auto& d : drawn) {
    threads.emplace_back([&d] {
      for (int i = 0; i < 2000; ++i) d.push_back(*RandomBytes(16));
    });
  }
  for (auto& t : threads) t.join();
  std::set<std::string> all;
  for (const auto& d : drawn) all.insert(d.begin(), d.end());
  EXPECT_EQ(all.size(), 8000u);
}

TEST(RandomBytes, AForkedChildDrawsOtherBytesThanItsParent) {
  ASSERT_TRUE(RandomBytes(16).ok());  // the parent's pool now holds unused bytes
  int fds[2];
  ASSERT_EQ(pipe(fds), 0);
  const pid_t child = fork();
  ASSERT_GE(child, 0);
  if (child == 0) {
    auto r = RandomBytes(16);
    _exit(r.ok() && write(fds[1], r->data(), 16) == 16 ? 0 : 1);
  }
  close(fds[1]);
  const std::string parent = *RandomBytes(16);
  std::string from_child(16, '\0');
  EXPECT_EQ(read(fds[0], from_child.data(), 16), 16);
  close(fds[0]);
  int status = 0;
  waitpid(child, &status, 0);
  EXPECT_TRUE(WIFEXITED(status) && WEXITSTATUS(status) == 0);
  EXPECT_NE(parent, from_child);
}

}  // namespace
}  // namespace ledger::crypto
