// The machine's measured FP32 peak: independent FMA chains in vector registers on all threads.
// `easel bench` reports achieved GFLOP/s as a fraction of this.
#pragma once

namespace easel {

struct Fp32Peak {
  double avx2_gflops = 0;     // 256-bit FMAs (0 when the CPU lacks AVX2/FMA)
  double avx512_gflops = 0;   // 512-bit FMAs (0 when the CPU lacks AVX-512F)
  // The same per CPU-second of each thread times the thread count: what the threads reach when
  // they own their cores (on a shared, loaded machine the wall-clock figures drop, these do not).
  double avx2_cpu_gflops = 0, avx512_cpu_gflops = 0;
  double best() const { return avx2_gflops > avx512_gflops ? avx2_gflops : avx512_gflops; }
  double best_cpu() const { return avx2_cpu_gflops > avx512_cpu_gflops ? avx2_cpu_gflops : avx512_cpu_gflops; }
};

// Runs `threads` OS threads (<= 0: easel::num_threads()) for about `seconds` per ISA, best of 3.
Fp32Peak measure_fp32_peak(int threads, double seconds = 0.2);
// The best of the vector widths the CPU runs (what oneDNN will use), in GFLOP/s.
double measure_fp32_peak_gflops(int threads);

}  // namespace easel
