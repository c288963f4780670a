// Perf mode (skipped unless $EASEL_OPS_PERF is set): times the full-size SD 1.5 cases of
// op_cases.cpp and prints GFLOP/s and the fraction of the measured FP32 peak.
// EASEL_OPS_PERF=<substring> selects cases ("1" = all); EASEL_OPS_BACKEND picks the backend.
#include <gtest/gtest.h>

#include <algorithm>
#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <sys/resource.h>

#include "backend/cpu/peak.h"
#include "core/thread_pool.h"
#include "ops/op_cases.h"

namespace easel::test {
namespace {

// CPU seconds used by the whole process (all threads) so far.
double process_cpu_seconds() {
  rusage u{};
  getrusage(RUSAGE_SELF, &u);
  return double(u.ru_utime.tv_sec + u.ru_stime.tv_sec) + 1e-6 * double(u.ru_utime.tv_usec + u.ru_stime.tv_usec);
}

TEST(OpsPerf, SdShapes) {
  const char* sel = std::getenv("EASEL_OPS_PERF");
  if (!sel) GTEST_SKIP() << "set EASEL_OPS_PERF=1 (or a case-name substring) to time the SD-shaped cases";
  const char* bname = std::getenv("EASEL_OPS_BACKEND");
  auto be = make_backend(bname ? bname : "cpu");
  const int threads = num_threads();
  const Fp32Peak peak = measure_fp32_peak(threads);
  std::printf("backend %s, %d threads, FP32 peak %.1f GFLOP/s (AVX2 %.1f, AVX-512 %.1f); per CPU-second x threads "
              "%.1f (AVX2 %.1f, AVX-512 %.1f)\n",
              be->name().c_str(), threads, peak.best(), peak.avx2_gflops, peak.avx512_gflops, peak.best_cpu(),
              peak.avx2_cpu_gflops, peak.avx512_cpu_gflops);
  // cpu-GF/s: FLOPs per process CPU-second times the thread count, against the CPU-time peak; it
  // is insensitive to other processes taking the cores (spin-waiting threads count against it).
  std::printf("%-36s %10s %10s %9s %7s %9s %7s\n", "case", "best ms", "median ms", "GFLOP/s", "%peak", "cpu-GF/s",
              "%peak");
  for (const OpCase& c : perf_cases()) {
    if (std::strcmp(sel, "1") != 0 && c.name.find(sel) == std::string::npos) continue;
    auto run = c.build(*be);
    run();  // plans primitives and grows the arena
    std::vector<double> ms, cpu;
    auto start = std::chrono::steady_clock::now();
    while (ms.size() < 3 || (ms.size() < 20 && std::chrono::steady_clock::now() - start < std::chrono::seconds(2))) {
      auto t0 = std::chrono::steady_clock::now();
      const double c0 = process_cpu_seconds();
      run();
      cpu.push_back(process_cpu_seconds() - c0);
      ms.push_back(std::chrono::duration<double, std::milli>(std::chrono::steady_clock::now() - t0).count());
    }
    std::sort(ms.begin(), ms.end());
    std::sort(cpu.begin(), cpu.end());
    const double gf = c.flops / (ms[0] * 1e6), cgf = c.flops / (std::max(cpu[0], 1e-6) / threads) * 1e-9;
    std::printf("%-36s %10.2f %10.2f %9.1f %6.1f%% %9.1f %6.1f%%\n", c.name.c_str(), ms[0], ms[ms.size() / 2], gf,
                c.flops > 0 ? 100 * gf / peak.best() : 0.0, cgf, c.flops > 0 ? 100 * cgf / peak.best_cpu() : 0.0);
    std::fflush(stdout);
  }
}

}  // namespace
}  // namespace easel::test
