// Perf mode (skipped unless $EASEL_OPS_PERF is set): times the full-size SD 1.5 cases of
// op_cases.cpp and prints GFLOP/s and the fraction of the measured FP32 peak.
// EASEL_OPS_PERF=<substring> selects cases ("1" = all); EASEL_OPS_BACKEND picks the backend.
#include <gtest/gtest.h>

#include <algorithm>
#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <cstring>

#include "backend/cpu/peak.h"
#include "core/thread_pool.h"
#include "ops/op_cases.h"

namespace easel::test {
namespace {

TEST(OpsPerf, SdShapes) {
  const char* sel = std::getenv("EASEL_OPS_PERF");
  if (!sel) GTEST_SKIP() << "set EASEL_OPS_PERF=1 (or a case-name substring) to time the SD-shaped cases";
  const char* bname = std::getenv("EASEL_OPS_BACKEND");
  auto be = make_backend(bname ? bname : "cpu");
  const int threads = num_threads();
  const Fp32Peak peak = measure_fp32_peak(threads);
  std::printf("backend %s, %d threads, FP32 peak %.1f GFLOP/s (AVX2 %.1f, AVX-512 %.1f)\n", be->name().c_str(),
              threads, peak.best(), peak.avx2_gflops, peak.avx512_gflops);
  std::printf("%-36s %10s %10s %9s %7s\n", "case", "best ms", "median ms", "GFLOP/s", "%peak");
  for (const OpCase& c : perf_cases()) {
    if (std::strcmp(sel, "1") != 0 && c.name.find(sel) == std::string::npos) continue;
    auto run = c.build(*be);
    run();  // plans primitives and grows the arena
    std::vector<double> ms;
    auto start = std::chrono::steady_clock::now();
    while (ms.size() < 3 || (ms.size() < 20 && std::chrono::steady_clock::now() - start < std::chrono::seconds(2))) {
      auto t0 = std::chrono::steady_clock::now();
      run();
      ms.push_back(std::chrono::duration<double, std::milli>(std::chrono::steady_clock::now() - t0).count());
    }
    std::sort(ms.begin(), ms.end());
    const double gf = c.flops / (ms[0] * 1e6);
    std::printf("%-36s %10.2f %10.2f %9.1f %6.1f%%\n", c.name.c_str(), ms[0], ms[ms.size() / 2], gf,
                c.flops > 0 ? 100 * gf / peak.best() : 0.0);
    std::fflush(stdout);
  }
}

}  // namespace
}  // namespace easel::test
