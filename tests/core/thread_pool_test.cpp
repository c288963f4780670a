// parallel_for covers the range exactly once, propagates exceptions, and nests inline.
#include <gtest/gtest.h>

#include <atomic>
#include <stdexcept>
#include <vector>

#include "core/thread_pool.h"

using namespace easel;

TEST(ThreadPool, CoversRangeOnce) {
  for (int threads : {1, 2, 3}) {
    set_num_threads(threads);
    std::vector<std::atomic<int>> hits(1001);
    parallel_for(1001, [&](int64_t b, int64_t e) {
      for (int64_t i = b; i < e; ++i) hits[i]++;
    });
    for (auto& h : hits) EXPECT_EQ(h.load(), 1);
  }
}

TEST(ThreadPool, NestedAndExceptions) {
  set_num_threads(2);
  std::atomic<int64_t> sum{0};
  parallel_for(8, [&](int64_t b, int64_t e) {
    for (int64_t i = b; i < e; ++i)
      parallel_for(10, [&](int64_t b2, int64_t e2) { sum += e2 - b2; });
  });
  EXPECT_EQ(sum.load(), 80);
  EXPECT_THROW(parallel_for(4, [](int64_t b, int64_t) {
                 if (b >= 2) throw std::runtime_error("boom");
               }),
               std::runtime_error);
}
