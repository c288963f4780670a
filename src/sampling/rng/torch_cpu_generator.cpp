// torch CPU randn: uniform fill, Box-Muller in 16-blocks with the recomputed tail, and the
// double-precision element path (with its cached sample) for tensors under 16 values.
#include "sampling/rng/torch_cpu_generator.h"

#include <cmath>
#include <numbers>

#include "core/thread_pool.h"

namespace easel {

TorchCpuGenerator::TorchCpuGenerator(uint64_t seed, TorchCpuKernel kernel) : kernel_(kernel) {
  manual_seed(seed);
}

void TorchCpuGenerator::manual_seed(uint64_t seed) {
  mt_.seed(uint32_t(seed & 0xFFFFFFFFu));
  next_double_normal_.reset();
}

double TorchCpuGenerator::uniform_f64() {
  uint64_t hi = next_u32();
  uint64_t lo = next_u32();
  uint64_t r = (hi << 32) | lo;
  return double(r & ((uint64_t(1) << 53) - 1)) * (1.0 / 9007199254740992.0);
}

double TorchCpuGenerator::normal_f64() {
  if (next_double_normal_) {
    double v = *next_double_normal_;
    next_double_normal_.reset();
    return v;
  }
  const double u1 = uniform_f64();
  const double u2 = uniform_f64();
  const double r = std::sqrt(-2.0 * std::log(1.0 - u2));
  const double theta = 2.0 * std::numbers::pi * u1;
  next_double_normal_ = r * std::sin(theta);
  return r * std::cos(theta);
}

void TorchCpuGenerator::randn(float* out, int64_t n) {
  if (n <= 0) return;
  if (n < 16) {
    // ATen: normal_distribution<double>, then `ret * std + mean` (turns -0 into +0), then float.
    for (int64_t i = 0; i < n; ++i) out[i] = float(normal_f64() * 1.0 + 0.0);
    return;
  }
  for (int64_t i = 0; i < n; ++i) out[i] = uniform_f32();
  auto normal16 = kernel_ == TorchCpuKernel::Avx2     ? normal16_avx2
                  : kernel_ == TorchCpuKernel::Scalar ? normal16_scalar
                                                      : normal16_avx2_emulated;
  const int64_t blocks = n / 16;
  parallel_for(
      blocks, [&](int64_t b, int64_t e) { normal16(out + b * 16, e - b); }, 128);
  if (n % 16) {
    // ATen recomputes the last 16 outputs from 16 fresh uniforms.
    float* tail = out + n - 16;
    for (int i = 0; i < 16; ++i) tail[i] = uniform_f32();
    normal16(tail, 1);
  }
}

}  // namespace easel
