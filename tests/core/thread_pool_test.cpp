// parallel_for covers the range exactly once, propagates exceptions, and nests inline.
#include <gtest/gtest.h>

#include <atomic>
#include <chrono>
#include <cstdlib>
#include <thread>
#include <stdexcept>
#include <string>
#include <vector>

#include <sys/resource.h>

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

// The pool's pre-main hook chose libgomp's passive waiting (see thread_pool.cpp) unless the
// environment named a policy: idle workers sleep instead of spinning. Spinning workers burn
// 3-5 ms of CPU after every parallel region on the dev box; sleeping ones about 0.03 ms.
TEST(ThreadPool, IdleWorkersDoNotSpin) {
  const char* policy = std::getenv("OMP_WAIT_POLICY");
  ASSERT_NE(policy, nullptr) << "the pre-main hook did not re-execute with OMP_WAIT_POLICY";
  if (std::string(policy) != "passive") GTEST_SKIP() << "OMP_WAIT_POLICY=" << policy << " set by the environment";
  auto cpu_s = [] {
    rusage u{};
    getrusage(RUSAGE_SELF, &u);
    return double(u.ru_utime.tv_sec + u.ru_stime.tv_sec) + 1e-6 * double(u.ru_utime.tv_usec + u.ru_stime.tv_usec);
  };
  set_num_threads(2);
  std::atomic<int> sink{0};
  double idle_cpu = 0;
  for (int r = 0; r < 10; ++r) {
    parallel_for(2, [&](int64_t b, int64_t e) { sink += int(e - b); });
    const double c0 = cpu_s();
    std::this_thread::sleep_for(std::chrono::milliseconds(20));
    idle_cpu += cpu_s() - c0;
  }
  EXPECT_EQ(sink.load(), 20);
  EXPECT_LT(idle_cpu, 0.010) << "CPU seconds used while idle over 10 x 20 ms";
}
