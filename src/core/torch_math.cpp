// torch float32 math per ATen kernel: SLEEF u10 AVX2 functions (what torch's Vectorized<float>
// calls) or glibc (the portable kernel), with ATen's vector/scalar-tail split where it has one.
// Built with -ffp-contract=off: every product and sum here must round on its own, as in torch.
#include "core/torch_math.h"

#include <immintrin.h>

#include <cmath>

// SLEEF 3.5 (Debian libsleef, the library Debian's torch links). sleef.h declares the AVX2 entry
// points only when the includer is built with -mavx2, so the ones used are declared here.
extern "C" {
__m256 Sleef_expf8_u10avx2(__m256);
__m256 Sleef_logf8_u10avx2(__m256);
__m256 Sleef_sinf8_u10avx2(__m256);
__m256 Sleef_cosf8_u10avx2(__m256);
__m256 Sleef_tanf8_u10avx2(__m256);
__m256 Sleef_atanf8_u10avx2(__m256);
__m256 Sleef_acosf8_u10avx2(__m256);
__m256 Sleef_expm1f8_u10avx2(__m256);
__m256 Sleef_powf8_u10avx2(__m256, __m256);
float Sleef_expf1_u10purec(float);
float Sleef_logf1_u10purec(float);
float Sleef_sinf1_u10purec(float);
float Sleef_cosf1_u10purec(float);
float Sleef_tanf1_u10purec(float);
float Sleef_atanf1_u10purec(float);
float Sleef_acosf1_u10purec(float);
float Sleef_expm1f1_u10purec(float);
float Sleef_powf1_u10purec(float, float);
}

namespace easel {
namespace {

using Vec8 = __m256 (*)(__m256);
using Lane = float (*)(float);

// One elementwise op: the AVX2 vector function, SLEEF's portable twin, and what the portable
// ATen kernel calls (std::op on float = glibc's op##f).
struct Unary {
  Vec8 avx2;
  Lane purec;
  Lane libm;
};

// vec::map: full vectors, then one partial vector (unused lanes zero; lanes are independent).
__attribute__((target("avx2,fma"))) void map_avx2(Vec8 f, const float* in, float* out, int64_t n) {
  int64_t i = 0;
  for (; i + 8 <= n; i += 8) _mm256_storeu_ps(out + i, f(_mm256_loadu_ps(in + i)));
  if (i < n) {
    alignas(32) float buf[8] = {};
    for (int64_t j = i; j < n; ++j) buf[j - i] = in[j];
    _mm256_store_ps(buf, f(_mm256_load_ps(buf)));
    for (int64_t j = i; j < n; ++j) out[j] = buf[j - i];
  }
}

void map(const Unary& f, const float* in, float* out, int64_t n, TorchKernel k) {
  if (k == TorchKernel::Scalar) {
    for (int64_t i = 0; i < n; ++i) out[i] = f.libm(in[i]);
  } else if (torch_math_has_avx2_fma()) {
    map_avx2(f.avx2, in, out, n);
  } else {
    for (int64_t i = 0; i < n; ++i) out[i] = f.purec(in[i]);
  }
}

float map1(const Unary& f, float x, TorchKernel k) {
  float y;
  map(f, &x, &y, 1, k);
  return y;
}

const Unary kExp{Sleef_expf8_u10avx2, Sleef_expf1_u10purec, [](float v) { return std::exp(v); }};
const Unary kLog{Sleef_logf8_u10avx2, Sleef_logf1_u10purec, [](float v) { return std::log(v); }};
const Unary kSin{Sleef_sinf8_u10avx2, Sleef_sinf1_u10purec, [](float v) { return std::sin(v); }};
const Unary kCos{Sleef_cosf8_u10avx2, Sleef_cosf1_u10purec, [](float v) { return std::cos(v); }};
const Unary kTan{Sleef_tanf8_u10avx2, Sleef_tanf1_u10purec, [](float v) { return std::tan(v); }};
const Unary kAtan{Sleef_atanf8_u10avx2, Sleef_atanf1_u10purec, [](float v) { return std::atan(v); }};
const Unary kAcos{Sleef_acosf8_u10avx2, Sleef_acosf1_u10purec, [](float v) { return std::acos(v); }};
const Unary kExpm1{Sleef_expm1f8_u10avx2, Sleef_expm1f1_u10purec, [](float v) { return std::expm1(v); }};

// cpu_kernel_vec's vectorized_loop: pairs of 8-lane vectors while 16 elements remain. (SLEEF is
// called through a pointer, as in map_avx2: clang rejects direct calls to a non-AVX declaration.)
__attribute__((target("avx2,fma"))) void pow_blocks_avx2(__m256 (*f)(__m256, __m256), const float* in, float e,
                                                         float* out, int64_t blocks) {
  const __m256 ev = _mm256_set1_ps(e);
  for (int64_t i = 0; i < blocks * 16; i += 8) _mm256_storeu_ps(out + i, f(_mm256_loadu_ps(in + i), ev));
}

}  // namespace

bool torch_math_has_avx2_fma() {
  static const bool ok = (__builtin_cpu_init(), __builtin_cpu_supports("avx2") && __builtin_cpu_supports("fma"));
  return ok;
}

void torch_exp(const float* in, float* out, int64_t n, TorchKernel k) { map(kExp, in, out, n, k); }
void torch_log(const float* in, float* out, int64_t n, TorchKernel k) { map(kLog, in, out, n, k); }
void torch_sin(const float* in, float* out, int64_t n, TorchKernel k) { map(kSin, in, out, n, k); }
void torch_cos(const float* in, float* out, int64_t n, TorchKernel k) { map(kCos, in, out, n, k); }
void torch_tan(const float* in, float* out, int64_t n, TorchKernel k) { map(kTan, in, out, n, k); }
void torch_atan(const float* in, float* out, int64_t n, TorchKernel k) { map(kAtan, in, out, n, k); }
void torch_acos(const float* in, float* out, int64_t n, TorchKernel k) { map(kAcos, in, out, n, k); }
void torch_expm1(const float* in, float* out, int64_t n, TorchKernel k) { map(kExpm1, in, out, n, k); }

float torch_exp(float x, TorchKernel k) { return map1(kExp, x, k); }
float torch_log(float x, TorchKernel k) { return map1(kLog, x, k); }
float torch_sin(float x, TorchKernel k) { return map1(kSin, x, k); }
float torch_cos(float x, TorchKernel k) { return map1(kCos, x, k); }
float torch_tan(float x, TorchKernel k) { return map1(kTan, x, k); }
float torch_atan(float x, TorchKernel k) { return map1(kAtan, x, k); }
float torch_acos(float x, TorchKernel k) { return map1(kAcos, x, k); }
float torch_expm1(float x, TorchKernel k) { return map1(kExpm1, x, k); }

void torch_pow_scalar(const float* in, double exponent, float* out, int64_t n, TorchKernel k) {
  // Pow.cpp and PowKernel.cpp's special cases (vector and scalar paths agree on each).
  if (exponent == 0.0) {
    for (int64_t i = 0; i < n; ++i) out[i] = 1.0f;
    return;
  }
  auto each = [&](auto f) {
    for (int64_t i = 0; i < n; ++i) out[i] = f(in[i]);
  };
  if (exponent == 1.0) return each([](float x) { return x; });
  if (exponent == 0.5) return each([](float x) { return std::sqrt(x); });
  if (exponent == -0.5) return each([](float x) { return 1.0f / std::sqrt(x); });
  if (exponent == -1.0) return each([](float x) { return 1.0f / x; });
  if (exponent == 2.0) return each([](float x) { return x * x; });
  if (exponent == 3.0) return each([](float x) { return x * x * x; });
  if (exponent == -2.0) return each([](float x) { return 1.0f / (x * x); });
  const int64_t blocks = n / 16, head = blocks * 16;
  const float ef = float(exponent);  // Vectorized<float>(exp): the exponent rounded to float
  if (k == TorchKernel::Scalar) {
    for (int64_t i = 0; i < head; ++i) out[i] = std::pow(in[i], ef);
  } else if (torch_math_has_avx2_fma()) {
    pow_blocks_avx2(Sleef_powf8_u10avx2, in, ef, out, blocks);
  } else {
    for (int64_t i = 0; i < head; ++i) out[i] = Sleef_powf1_u10purec(in[i], ef);
  }
  for (int64_t i = head; i < n; ++i) out[i] = float(std::pow(double(in[i]), exponent));
}

}  // namespace easel
