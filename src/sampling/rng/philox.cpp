// Philox4x32-10 and rng_philox.py's box_muller (float64 math on float32-rounded constants,
// sine branch only). Built with -ffp-contract=off: numpy rounds every operation.
#include "sampling/rng/philox.h"

#include <cmath>

#include "core/error.h"
#include "core/thread_pool.h"

namespace easel {

std::array<uint32_t, 4> philox4x32_10(std::array<uint32_t, 4> c, uint32_t k0, uint32_t k1) {
  constexpr uint64_t M0 = 0xD2511F53u, M1 = 0xCD9E8D57u;
  constexpr uint32_t W0 = 0x9E3779B9u, W1 = 0xBB67AE85u;
  for (int round = 0; round < 10; ++round) {
    if (round > 0) {
      k0 += W0;
      k1 += W1;
    }
    const uint64_t p0 = uint64_t(c[0]) * M0;
    const uint64_t p1 = uint64_t(c[2]) * M1;
    c = {uint32_t(p1 >> 32) ^ c[1] ^ k0, uint32_t(p1), uint32_t(p0 >> 32) ^ c[3] ^ k1, uint32_t(p0)};
  }
  return c;
}

void PhiloxGenerator::randn(float* out, int64_t n) {
  // rng_philox.py puts the element index in a uint32 counter word.
  if (n > int64_t(UINT32_MAX) + 1) fail("NV randn: {} values requested, at most 2^32 per call", n);
  const uint32_t k0 = uint32_t(seed_), k1 = uint32_t(seed_ >> 32);
  const uint32_t c0 = uint32_t(offset_);
  ++offset_;
  // numpy: uint32 * float32 array -> float64; the float32 constants are rounded first.
  const float a32 = 2.3283064e-10f;
  const float b32 = float(2.3283064e-10 * 6.2831855);
  const double a = a32, b = b32;
  const double a_half = double(a32 / 2.0f), b_half = double(b32 / 2.0f);
  parallel_for(
      n,
      [&](int64_t begin, int64_t end) {
        for (int64_t i = begin; i < end; ++i) {
          const auto g = philox4x32_10({c0, 0u, uint32_t(i), 0u}, k0, k1);
          const double u = double(g[0]) * a + a_half;
          const double v = double(g[1]) * b + b_half;
          const double s = std::sqrt(-2.0 * std::log(u));
          out[i] = float(s * std::sin(v));
        }
      },
      2048);
}

}  // namespace easel
