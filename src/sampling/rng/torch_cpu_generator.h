// torch's CPU generator (at::CPUGeneratorImpl): MT19937 plus the cached double normal, and
// torch.randn's float32 algorithm for both ATen kernels, bit-exact with torch 1.13.
#pragma once
#include <cstdint>
#include <optional>
#include <random>

#include "sampling/rng/generator.h"

namespace easel {

// Avx2Portable: the AVX2 kernel's arithmetic without AVX2 instructions (for tests; Avx2 uses
// it by itself on CPUs without AVX2/FMA).
enum class TorchCpuKernel { Avx2, Scalar, Avx2Portable };

class TorchCpuGenerator : public RandnGenerator {
 public:
  TorchCpuGenerator(uint64_t seed, TorchCpuKernel kernel);
  // torch.manual_seed: low 32 bits seed MT19937; the cached normal is dropped.
  void manual_seed(uint64_t seed);
  void randn(float* out, int64_t n) override;
  using RandnGenerator::randn;

  // The pieces randn is built from, exposed for tests.
  uint32_t next_u32() { return uint32_t(mt_()); }
  float uniform_f32() { return float(next_u32() & 0xFFFFFFu) * (1.0f / 16777216.0f); }
  double uniform_f64();
  double normal_f64();  // normal_distribution<double>, with the cached second sample

 private:
  std::mt19937 mt_;  // init_genrand seeding and output are those of at::mt19937
  std::optional<double> next_double_normal_;
  TorchCpuKernel kernel_;
};

// Box-Muller over `blocks` consecutive 16-float blocks of uniforms, in place: j in 0..7 pairs
// d[j] (radius) with d[j+8] (angle). One function per ATen kernel.
void normal16_scalar(float* d, int64_t blocks);
void normal16_avx2(float* d, int64_t blocks);
// The AVX2 kernel's arithmetic written per lane with std::fma (used where the CPU lacks
// AVX2/FMA; bit-identical to normal16_avx2).
void normal16_avx2_emulated(float* d, int64_t blocks);

}  // namespace easel
