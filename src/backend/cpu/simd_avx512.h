// 16-lane float vector helpers for AVX-512 kernels. Include only inside a region compiled with
// `#pragma GCC target("avx512f,avx512dq,avx512vl,avx512bw,avx2,fma")`, within namespace avx512.
#pragma once
#include <immintrin.h>

#include <cstdint>

namespace easel::cpu::avx512 {

constexpr int W = 16;
struct V {
  __m512 v;
};
inline V zero() { return {_mm512_setzero_ps()}; }
inline V set1(float x) { return {_mm512_set1_ps(x)}; }
inline V load(const float* p) { return {_mm512_loadu_ps(p)}; }
inline void store(float* p, V a) { _mm512_storeu_ps(p, a.v); }
inline __mmask16 tail_mask(int n) { return __mmask16((1u << n) - 1u); }
inline V load_n(const float* p, int n) { return {_mm512_maskz_loadu_ps(tail_mask(n), p)}; }
inline void store_n(float* p, V a, int n) { _mm512_mask_storeu_ps(p, tail_mask(n), a.v); }
inline V fmadd(V a, V b, V c) { return {_mm512_fmadd_ps(a.v, b.v, c.v)}; }
inline V add(V a, V b) { return {_mm512_add_ps(a.v, b.v)}; }
inline V sub(V a, V b) { return {_mm512_sub_ps(a.v, b.v)}; }
inline V mul(V a, V b) { return {_mm512_mul_ps(a.v, b.v)}; }
inline V div(V a, V b) { return {_mm512_div_ps(a.v, b.v)}; }
inline V max(V a, V b) { return {_mm512_max_ps(a.v, b.v)}; }
inline V min(V a, V b) { return {_mm512_min_ps(a.v, b.v)}; }
inline V abs(V a) { return {_mm512_abs_ps(a.v)}; }
inline V copysign(V mag, V sgn) {
  const __m512i m = _mm512_set1_epi32(0x7fffffff);
  return {_mm512_castsi512_ps(_mm512_or_si512(_mm512_and_si512(_mm512_castps_si512(mag.v), m),
                                              _mm512_andnot_si512(m, _mm512_castps_si512(sgn.v))))};
}
inline float hsum(V a) { return _mm512_reduce_add_ps(a.v); }
inline float hmax(V a) { return _mm512_reduce_max_ps(a.v); }
inline V round_nearest(V a) { return {_mm512_roundscale_ps(a.v, _MM_FROUND_TO_NEAREST_INT | _MM_FROUND_NO_EXC)}; }
inline V pow2i(V n) {  // 2^n for integral n in [-126, 127]
  return {_mm512_castsi512_ps(_mm512_slli_epi32(_mm512_add_epi32(_mm512_cvtps_epi32(n.v), _mm512_set1_epi32(127)), 23))};
}
// Zero where x < lim (used to make exp of -inf / masked scores exactly 0).
inline V zero_below(V y, V x, float lim) {
  return {_mm512_maskz_mov_ps(_mm512_cmp_ps_mask(x.v, _mm512_set1_ps(lim), _CMP_GE_OQ), y.v)};
}

}  // namespace easel::cpu::avx512
