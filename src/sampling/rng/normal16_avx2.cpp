// The AVX2 kernel of torch randn (normal_fill_16_AVX2 with avx_mathfun.h log/sincos), with the
// FMAs GCC forms when it builds ATen with -mfma written out and no others (file built with
// -ffp-contract=off). Falls back to the per-lane emulation on CPUs without AVX2/FMA.
#include <immintrin.h>

#include "sampling/rng/avx_mathfun_consts.h"
#include "sampling/rng/torch_cpu_generator.h"

namespace easel {
namespace {

using namespace avx_mathfun;

#define EASEL_AVX2 __attribute__((target("avx2,fma")))

EASEL_AVX2 inline __m256 set1(float v) { return _mm256_set1_ps(v); }

EASEL_AVX2 __m256 log8(__m256 x) {
  const __m256 one = set1(1.0f);
  x = _mm256_max_ps(x, _mm256_castsi256_ps(_mm256_set1_epi32(int(kMinNormPos))));
  __m256i imm0 = _mm256_srli_epi32(_mm256_castps_si256(x), 23);
  x = _mm256_and_ps(x, _mm256_castsi256_ps(_mm256_set1_epi32(int(~kExpMask))));
  x = _mm256_or_ps(x, set1(0.5f));
  imm0 = _mm256_sub_epi32(imm0, _mm256_set1_epi32(127));
  __m256 e = _mm256_add_ps(_mm256_cvtepi32_ps(imm0), one);
  const __m256 mask = _mm256_cmp_ps(x, set1(kSqrtHalf), _CMP_LT_OS);
  const __m256 tmp = _mm256_and_ps(x, mask);
  x = _mm256_sub_ps(x, one);
  e = _mm256_sub_ps(e, _mm256_and_ps(one, mask));
  x = _mm256_add_ps(x, tmp);
  const __m256 z = _mm256_mul_ps(x, x);
  __m256 y = set1(kLogP[0]);
  for (int k = 1; k < 9; ++k) y = _mm256_fmadd_ps(y, x, set1(kLogP[k]));
  const __m256 eq1 = _mm256_mul_ps(e, set1(kLogQ1));
  y = _mm256_mul_ps(y, x);
  y = _mm256_fmadd_ps(y, z, eq1);
  y = _mm256_fnmadd_ps(z, set1(0.5f), y);
  x = _mm256_add_ps(x, y);
  return _mm256_fmadd_ps(e, set1(kLogQ2), x);
}

// x >= 0 only (the sign handling of negative inputs is not needed for theta = 2pi u).
EASEL_AVX2 void sincos8(__m256 x, __m256* s, __m256* c) {
  __m256 y = _mm256_mul_ps(x, set1(kFourOverPi));
  __m256i j = _mm256_cvttps_epi32(y);
  j = _mm256_add_epi32(j, _mm256_set1_epi32(1));
  j = _mm256_and_si256(j, _mm256_set1_epi32(~1));
  y = _mm256_cvtepi32_ps(j);
  const __m256i four = _mm256_set1_epi32(4);
  const __m256 sign_sin = _mm256_castsi256_ps(_mm256_slli_epi32(_mm256_and_si256(j, four), 29));
  const __m256 poly_sin = _mm256_castsi256_ps(
      _mm256_cmpeq_epi32(_mm256_and_si256(j, _mm256_set1_epi32(2)), _mm256_setzero_si256()));
  x = _mm256_fmadd_ps(y, set1(kMinusDP1), x);
  x = _mm256_fmadd_ps(y, set1(kMinusDP2), x);
  x = _mm256_fmadd_ps(y, set1(kMinusDP3), x);
  const __m256i jm2 = _mm256_sub_epi32(j, _mm256_set1_epi32(2));
  const __m256 sign_cos = _mm256_castsi256_ps(_mm256_slli_epi32(_mm256_andnot_si256(jm2, four), 29));
  const __m256 z = _mm256_mul_ps(x, x);
  const __m256 half_z = _mm256_mul_ps(z, set1(0.5f));
  __m256 yc = _mm256_fmadd_ps(set1(kCosP0), z, set1(kCosP1));
  yc = _mm256_fmadd_ps(yc, z, set1(kCosP2));
  yc = _mm256_mul_ps(z, yc);
  yc = _mm256_fmsub_ps(yc, z, half_z);
  yc = _mm256_add_ps(yc, set1(1.0f));
  __m256 ys = _mm256_fmadd_ps(set1(kSinP0), z, set1(kSinP1));
  ys = _mm256_fmadd_ps(ys, z, set1(kSinP2));
  ys = _mm256_mul_ps(z, ys);
  ys = _mm256_fmadd_ps(x, ys, x);
  const __m256 ysin2 = _mm256_and_ps(poly_sin, ys);
  const __m256 ysin1 = _mm256_andnot_ps(poly_sin, yc);
  ys = _mm256_sub_ps(ys, ysin2);
  yc = _mm256_sub_ps(yc, ysin1);
  *s = _mm256_xor_ps(_mm256_add_ps(ysin1, ysin2), sign_sin);
  *c = _mm256_xor_ps(_mm256_add_ps(yc, ys), sign_cos);
}

EASEL_AVX2 void normal16_avx2_impl(float* d, int64_t blocks) {
  const __m256 one = set1(1.0f), minus_two = set1(-2.0f), two_pi = set1(kTwoPi);
  const __m256 zero = _mm256_setzero_ps();
  for (int64_t b = 0; b < blocks; ++b, d += 16) {
    const __m256 u1 = _mm256_sub_ps(one, _mm256_loadu_ps(d));
    const __m256 u2 = _mm256_loadu_ps(d + 8);
    const __m256 radius = _mm256_sqrt_ps(_mm256_mul_ps(minus_two, log8(u1)));
    __m256 s, c;
    sincos8(_mm256_mul_ps(two_pi, u2), &s, &c);
    _mm256_storeu_ps(d, _mm256_fmadd_ps(_mm256_mul_ps(radius, c), one, zero));
    _mm256_storeu_ps(d + 8, _mm256_fmadd_ps(_mm256_mul_ps(radius, s), one, zero));
  }
}

bool have_avx2_fma() {
  static const bool ok = (__builtin_cpu_init(), __builtin_cpu_supports("avx2") && __builtin_cpu_supports("fma"));
  return ok;
}

}  // namespace

void normal16_avx2(float* d, int64_t blocks) {
  if (have_avx2_fma())
    normal16_avx2_impl(d, blocks);
  else
    normal16_avx2_emulated(d, blocks);
}

}  // namespace easel
