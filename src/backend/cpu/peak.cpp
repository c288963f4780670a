// FMA throughput micro-benchmark: each thread runs 12 independent accumulator chains (enough to
// cover FMA latency x issue width on current x86 cores) for a fixed iteration count.
#include "backend/cpu/peak.h"

#include <immintrin.h>

#include <algorithm>
#include <atomic>
#include <chrono>
#include <thread>
#include <ctime>
#include <vector>

#include "core/thread_pool.h"

namespace easel {
namespace {

using Clock = std::chrono::steady_clock;

// Returns a value depending on every chain so nothing is optimised away. 12 FMAs of 8 floats
// per iteration = 192 flops.
__attribute__((target("avx2,fma"))) float fma_avx2(int64_t iters) {
  __m256 a[12];
  for (int i = 0; i < 12; ++i) a[i] = _mm256_set1_ps(0.001f * float(i));
  const __m256 m = _mm256_set1_ps(0.999999f), c = _mm256_set1_ps(1e-7f);
  for (int64_t it = 0; it < iters; ++it)
    for (int i = 0; i < 12; ++i) a[i] = _mm256_fmadd_ps(a[i], m, c);
  __m256 s = a[0];
  for (int i = 1; i < 12; ++i) s = _mm256_add_ps(s, a[i]);
  float out[8];
  _mm256_storeu_ps(out, s);
  return out[0] + out[7];
}

// 12 FMAs of 16 floats per iteration = 384 flops.
__attribute__((target("avx512f"))) float fma_avx512(int64_t iters) {
  __m512 a[12];
  for (int i = 0; i < 12; ++i) a[i] = _mm512_set1_ps(0.001f * float(i));
  const __m512 m = _mm512_set1_ps(0.999999f), c = _mm512_set1_ps(1e-7f);
  for (int64_t it = 0; it < iters; ++it)
    for (int i = 0; i < 12; ++i) a[i] = _mm512_fmadd_ps(a[i], m, c);
  __m512 s = a[0];
  for (int i = 1; i < 12; ++i) s = _mm512_add_ps(s, a[i]);
  return _mm512_reduce_add_ps(s);
}

double thread_cpu_seconds() {
  timespec ts{};
  clock_gettime(CLOCK_THREAD_CPUTIME_ID, &ts);
  return double(ts.tv_sec) + 1e-9 * double(ts.tv_nsec);
}

struct Rate {
  double wall = 0, cpu = 0;
};

// GFLOP/s of `threads` threads each running kernel(iters) from a common start: by wall clock,
// and by each thread's own CPU time (summed over threads).
Rate run_threads(int threads, float (*kernel)(int64_t), double flops_per_iter, double seconds) {
  // Calibrate the iteration count on one thread.
  int64_t iters = 1 << 16;
  for (;;) {
    auto t0 = Clock::now();
    volatile float sink = kernel(iters);
    (void)sink;
    double dt = std::chrono::duration<double>(Clock::now() - t0).count();
    if (dt > seconds / 4 || iters > (int64_t(1) << 40)) {
      iters = int64_t(double(iters) * seconds / std::max(dt, 1e-9));
      break;
    }
    iters *= 4;
  }
  std::atomic<int> ready{0};
  std::atomic<bool> go{false};
  std::vector<double> secs(size_t(threads), 0.0), cpu(size_t(threads), 0.0);
  std::vector<std::thread> ts;
  for (int t = 0; t < threads; ++t)
    ts.emplace_back([&, t] {
      ready.fetch_add(1);
      while (!go.load(std::memory_order_acquire)) {
      }
      auto t0 = Clock::now();
      const double c0 = thread_cpu_seconds();
      volatile float sink = kernel(iters);
      (void)sink;
      cpu[size_t(t)] = thread_cpu_seconds() - c0;
      secs[size_t(t)] = std::chrono::duration<double>(Clock::now() - t0).count();
    });
  while (ready.load() < threads) {
  }
  go.store(true, std::memory_order_release);
  for (auto& th : ts) th.join();
  const double slowest = *std::max_element(secs.begin(), secs.end());
  Rate r;
  r.wall = double(threads) * double(iters) * flops_per_iter / slowest * 1e-9;
  for (double c : cpu) r.cpu += double(iters) * flops_per_iter / std::max(c, 1e-9) * 1e-9;
  return r;
}

Rate best_of_3(int threads, float (*kernel)(int64_t), double flops, double seconds) {
  Rate best;
  for (int i = 0; i < 3; ++i) {
    Rate r = run_threads(threads, kernel, flops, seconds);
    best.wall = std::max(best.wall, r.wall);
    best.cpu = std::max(best.cpu, r.cpu);
  }
  return best;
}

}  // namespace

Fp32Peak measure_fp32_peak(int threads, double seconds) {
  if (threads <= 0) threads = num_threads();
  Fp32Peak p;
  if (__builtin_cpu_supports("avx2") && __builtin_cpu_supports("fma")) {
    Rate r = best_of_3(threads, fma_avx2, 192.0, seconds);
    p.avx2_gflops = r.wall, p.avx2_cpu_gflops = r.cpu;
  }
  if (__builtin_cpu_supports("avx512f")) {
    Rate r = best_of_3(threads, fma_avx512, 384.0, seconds);
    p.avx512_gflops = r.wall, p.avx512_cpu_gflops = r.cpu;
  }
  return p;
}

double measure_fp32_peak_gflops(int threads) { return measure_fp32_peak(threads).best(); }

}  // namespace easel
