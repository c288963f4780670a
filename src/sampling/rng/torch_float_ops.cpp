// torch float32 op semantics for slerp: SLEEF acos/sin as ATen's AVX2 Vectorized<float> calls
// them, glibc for the portable kernel; ATen's reduction orders. Built with -ffp-contract=off.
#include "sampling/rng/torch_float_ops.h"

#include <immintrin.h>

#include <algorithm>
#include <array>
#include <cmath>

#include "sampling/rng/torch_cpu_generator.h"

// SLEEF 3.5 (Debian libsleef, the library Debian's torch links). sleef.h declares the AVX2
// entry points only when the includer is built with -mavx2, so the three used are declared here.
extern "C" {
__m256 Sleef_acosf8_u10avx2(__m256);
__m256 Sleef_sinf8_u10avx2(__m256);
__m256 Sleef_expf8_u10avx2(__m256);
__m256 Sleef_logf8_u10avx2(__m256);
float Sleef_acosf1_u10purec(float);
float Sleef_sinf1_u10purec(float);
}

namespace easel {
namespace {

bool have_avx2_fma() {
  static const bool ok = (__builtin_cpu_init(), __builtin_cpu_supports("avx2") && __builtin_cpu_supports("fma"));
  return ok;
}

// vec::map over 8 lanes; the tail is a partial vector (lanes are independent).
__attribute__((target("avx2,fma"))) void sleef_map(__m256 (*f)(__m256), const float* in, float* out,
                                                   int64_t n) {
  int64_t i = 0;
  for (; i + 8 <= n; i += 8) _mm256_storeu_ps(out + i, f(_mm256_loadu_ps(in + i)));
  if (i < n) {
    alignas(32) float buf[8] = {};
    for (int64_t j = i; j < n; ++j) buf[j - i] = in[j];
    _mm256_store_ps(buf, f(_mm256_load_ps(buf)));
    for (int64_t j = i; j < n; ++j) out[j] = buf[j - i];
  }
}

// Without AVX2/FMA hardware SLEEF's FMA algorithm is unavailable; its non-FMA variant differs
// from it in rare last-bit cases.
void sleef_avx2_or_purec(__m256 (*vf)(__m256), float (*sf)(float), const float* in, float* out, int64_t n) {
  if (have_avx2_fma()) return sleef_map(vf, in, out, n);
  for (int64_t i = 0; i < n; ++i) out[i] = sf(in[i]);
}

float sleef_scalar(__m256 (*vf)(__m256), float (*libm)(float), float x) {
  if (!have_avx2_fma()) return libm(x);
  float out;
  sleef_map(vf, &x, &out, 1);
  return out;
}

int64_t ceil_log2(int64_t x) {
  if (x <= 2) return 1;
  int64_t r = 0;
  for (uint64_t v = uint64_t(x - 1); v; v >>= 1) ++r;
  return r;
}

// ATen multi_row_sum for one column: accumulate in chunks of 2^p rows into four levels, carrying
// a level up whenever the row count crosses a multiple of 2^(p*level).
template <typename Load>
float cascade_rows(int64_t rows, Load load) {
  const int64_t power = std::max<int64_t>(4, ceil_log2(rows) / 4);
  const int64_t step = int64_t(1) << power, mask = step - 1;
  float acc[4] = {0.0f, 0.0f, 0.0f, 0.0f};
  int64_t i = 0;
  while (i + step <= rows) {
    for (int64_t j = 0; j < step; ++j, ++i) acc[0] = acc[0] + load(i);
    for (int j = 1; j < 4; ++j) {
      acc[j] = acc[j] + acc[j - 1];
      acc[j - 1] = 0.0f;
      if ((i & (mask << (j * power))) != 0) break;
    }
  }
  for (; i < rows; ++i) acc[0] = acc[0] + load(i);
  for (int j = 1; j < 4; ++j) acc[0] = acc[0] + acc[j];
  return acc[0];
}

// ATen row_sum: the rows viewed as [rows/4, 4], a cascade per column, leftovers into column 0,
// then the four partial sums added in order.
template <typename Load>
float interleaved_rows(int64_t rows, Load load) {
  const int64_t groups = rows / 4;
  std::array<float, 4> part;
  for (int k = 0; k < 4; ++k) part[k] = cascade_rows(groups, [&](int64_t g) { return load(4 * g + k); });
  for (int64_t i = groups * 4; i < rows; ++i) part[0] = part[0] + load(i);
  return ((part[0] + part[1]) + part[2]) + part[3];
}

}  // namespace

void torch_acos(const float* in, float* out, int64_t n, TorchCpuKernel k) {
  if (k == TorchCpuKernel::Scalar) {
    for (int64_t i = 0; i < n; ++i) out[i] = std::acos(in[i]);
    return;
  }
  sleef_avx2_or_purec(Sleef_acosf8_u10avx2, Sleef_acosf1_u10purec, in, out, n);
}

void torch_sin(const float* in, float* out, int64_t n, TorchCpuKernel k) {
  if (k == TorchCpuKernel::Scalar) {
    for (int64_t i = 0; i < n; ++i) out[i] = std::sin(in[i]);
    return;
  }
  sleef_avx2_or_purec(Sleef_sinf8_u10avx2, Sleef_sinf1_u10purec, in, out, n);
}

void torch_norm_dim1(const float* x, int64_t C, int64_t H, int64_t W, float* out, TorchCpuKernel k) {
  // binary_kernel_reduce with NormTwoOps: acc + v*v in order; GCC fuses it under -mfma.
  const bool fused = k != TorchCpuKernel::Scalar;
  for (int64_t c = 0; c < C; ++c)
    for (int64_t w = 0; w < W; ++w) {
      float acc = 0.0f;
      for (int64_t h = 0; h < H; ++h) {
        const float v = x[(c * H + h) * W + w];
        acc = fused ? std::fma(v, v, acc) : acc + v * v;
      }
      out[c * W + w] = std::sqrt(acc);
    }
}

void torch_sum_dim1(const float* x, int64_t C, int64_t H, int64_t W, float* out) {
  // cascade_sum's outer reduction: with W >= 8, blocks of 32 columns use a plain cascade over
  // the rows and the rest the interleaved row_sum; with W < 8, blocks of 4 and the rest.
  const int64_t block = W >= 8 ? 32 : 4;
  const int64_t direct = W / block * block;
  for (int64_t c = 0; c < C; ++c)
    for (int64_t w = 0; w < W; ++w) {
      auto load = [&](int64_t h) { return x[(c * H + h) * W + w]; };
      const float s = w < direct ? cascade_rows(H, load) : interleaved_rows(H, load);
      out[c * W + w] = 0.0f + s;  // accumulated into a zero-filled output
    }
}

float torch_exp_f32(float x) { return sleef_scalar(Sleef_expf8_u10avx2, [](float v) { return std::exp(v); }, x); }
float torch_log_f32(float x) { return sleef_scalar(Sleef_logf8_u10avx2, [](float v) { return std::log(v); }, x); }

}  // namespace easel
