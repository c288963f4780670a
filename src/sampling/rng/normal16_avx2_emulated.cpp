// The AVX2 kernel of torch randn (avx_mathfun.h log/sincos as GCC compiles them with -mfma)
// evaluated one lane at a time: std::fma exactly where GCC fused, single rounding elsewhere.
// Built with -ffp-contract=off; must stay bit-identical to normal16_avx2.cpp.
#include <cmath>
#include <cstdint>
#include <cstring>

#include "sampling/rng/avx_mathfun_consts.h"
#include "sampling/rng/torch_cpu_generator.h"

namespace easel {
namespace {

using namespace avx_mathfun;

uint32_t bits(float f) {
  uint32_t u;
  std::memcpy(&u, &f, 4);
  return u;
}
float from_bits(uint32_t u) {
  float f;
  std::memcpy(&f, &u, 4);
  return f;
}

// log for x > 0 (the kernel's inputs are in [2^-24, 1]).
float log_lane(float x) {
  x = std::fmax(x, from_bits(kMinNormPos));
  const int32_t imm0 = int32_t(bits(x) >> 23) - 127;
  x = from_bits((bits(x) & ~kExpMask) | bits(0.5f));
  float e = float(imm0) + 1.0f;
  const bool small = x < kSqrtHalf;
  const float tmp = small ? x : 0.0f;
  x = x - 1.0f;
  e = e - (small ? 1.0f : 0.0f);
  x = x + tmp;
  const float z = x * x;
  float y = kLogP[0];
  for (int k = 1; k < 9; ++k) y = std::fma(y, x, kLogP[k]);
  const float eq1 = e * kLogQ1;
  y = y * x;
  y = std::fma(y, z, eq1);
  y = std::fma(-z, 0.5f, y);
  x = x + y;
  return std::fma(e, kLogQ2, x);
}

// sin and cos for x >= 0 (theta = 2pi u).
void sincos_lane(float x, float* s, float* c) {
  float y = x * kFourOverPi;
  int32_t j = int32_t(y);  // cvttps: truncation
  j = (j + 1) & ~1;
  y = float(j);
  uint32_t sign_sin = uint32_t(j & 4) << 29;
  const bool poly_sin = (j & 2) == 0;
  x = std::fma(y, kMinusDP1, x);
  x = std::fma(y, kMinusDP2, x);
  x = std::fma(y, kMinusDP3, x);
  const uint32_t sign_cos = uint32_t(~(j - 2) & 4) << 29;
  const float z = x * x;
  const float half_z = z * 0.5f;
  float yc = std::fma(kCosP0, z, kCosP1);
  yc = std::fma(yc, z, kCosP2);
  yc = z * yc;
  yc = std::fma(yc, z, -half_z);
  yc = yc + 1.0f;
  float ys = std::fma(kSinP0, z, kSinP1);
  ys = std::fma(ys, z, kSinP2);
  ys = z * ys;
  ys = std::fma(x, ys, x);
  // Same blend as the vector code (masked lanes are +0), so zero signs come out alike.
  const float ysin2 = poly_sin ? ys : 0.0f;
  const float ysin1 = poly_sin ? 0.0f : yc;
  ys = ys - ysin2;
  yc = yc - ysin1;
  *s = from_bits(bits(ysin1 + ysin2) ^ sign_sin);
  *c = from_bits(bits(ys + yc) ^ sign_cos);
}

}  // namespace

void normal16_avx2_emulated(float* d, int64_t blocks) {
  for (int64_t b = 0; b < blocks; ++b, d += 16) {
    for (int j = 0; j < 8; ++j) {
      const float u1 = 1.0f - d[j];
      const float u2 = d[j + 8];
      const float radius = std::sqrt(-2.0f * log_lane(u1));
      const float theta = kTwoPi * u2;
      float s, c;
      sincos_lane(theta, &s, &c);
      // _mm256_fmadd_ps(n, std=1, mean=0): n + 0 exactly.
      d[j] = radius * c + 0.0f;
      d[j + 8] = radius * s + 0.0f;
    }
  }
}

}  // namespace easel
