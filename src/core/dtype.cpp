// DType names, sizes and element conversions. The F16/BF16 -> F32 bulk paths (every weight of an
// fp16 checkpoint goes through them at load) are vectorised with F16C/AVX2 and threaded.
#include "core/dtype.h"

#include <cpuid.h>
#include <immintrin.h>

#include <algorithm>
#include <bit>
#include <cmath>
#include <cstring>

#include "core/error.h"
#include "core/thread_pool.h"

namespace easel {

namespace {
struct Info {
  DType t;
  std::string_view name;
  size_t size;
  bool is_float;
};
constexpr Info kInfo[] = {
    {DType::F64, "F64", 8, true},        {DType::F32, "F32", 4, true},
    {DType::F16, "F16", 2, true},        {DType::BF16, "BF16", 2, true},
    {DType::I64, "I64", 8, false},       {DType::I32, "I32", 4, false},
    {DType::I16, "I16", 2, false},       {DType::I8, "I8", 1, false},
    {DType::U8, "U8", 1, false},         {DType::BOOL, "BOOL", 1, false},
    {DType::F8_E4M3, "F8_E4M3", 1, true}, {DType::F8_E5M2, "F8_E5M2", 1, true},
};
const Info& info(DType t) { return kInfo[static_cast<size_t>(t)]; }
}  // namespace

size_t dtype_size(DType t) { return info(t).size; }
std::string_view dtype_name(DType t) { return info(t).name; }
bool dtype_is_float(DType t) { return info(t).is_float; }

std::optional<DType> dtype_from_name(std::string_view s) {
  for (const auto& i : kInfo)
    if (i.name == s) return i.t;
  return std::nullopt;
}

float f16_to_f32(uint16_t h) {
  uint32_t sign = uint32_t(h & 0x8000) << 16;
  uint32_t exp = (h >> 10) & 0x1f;
  uint32_t mant = h & 0x3ff;
  uint32_t bits;
  if (exp == 0) {
    if (mant == 0) {
      bits = sign;
    } else {  // subnormal: renormalise
      int e = -1;
      do {
        mant <<= 1;
        ++e;
      } while (!(mant & 0x400));
      bits = sign | uint32_t(127 - 15 - e) << 23 | (mant & 0x3ff) << 13;
    }
  } else if (exp == 31) {
    bits = sign | 0x7f800000u | mant << 13;
  } else {
    bits = sign | (exp + 112) << 23 | mant << 13;
  }
  return std::bit_cast<float>(bits);
}

uint16_t f32_to_f16(float f) {
  uint32_t x = std::bit_cast<uint32_t>(f);
  uint32_t sign = (x >> 16) & 0x8000;
  uint32_t ax = x & 0x7fffffffu;
  if (ax >= 0x7f800000u) return uint16_t(sign | 0x7c00 | (ax > 0x7f800000u ? 0x200 : 0));
  if (ax >= 0x477ff000u) return uint16_t(sign | 0x7c00);  // rounds to inf
  if (ax < 0x38800000u) {                                  // subnormal or zero in f16
    float a = std::bit_cast<float>(ax);
    // 2^-24 is the f16 subnormal unit; nearbyint rounds half to even.
    uint32_t m = static_cast<uint32_t>(std::nearbyint(a * 16777216.0f));
    return uint16_t(sign | m);
  }
  uint32_t mant_odd = (ax >> 13) & 1;
  ax += 0xc8000fffu + mant_odd;  // rebias exponent (-112 << 23) and round to nearest even
  return uint16_t(sign | (ax >> 13));
}

float bf16_to_f32(uint16_t h) { return std::bit_cast<float>(uint32_t(h) << 16); }

uint16_t f32_to_bf16(float f) {
  uint32_t x = std::bit_cast<uint32_t>(f);
  if ((x & 0x7fffffffu) > 0x7f800000u) return uint16_t((x >> 16) | 0x40);  // quiet NaN
  x += 0x7fff + ((x >> 16) & 1);
  return uint16_t(x >> 16);
}

float f8e4m3_to_f32(uint8_t v) {
  // E4M3FN: bias 7, no infinities, S.1111.111 is NaN.
  uint32_t sign = v >> 7, exp = (v >> 3) & 0xf, mant = v & 7;
  float r;
  if (exp == 15 && mant == 7) return std::nanf("");
  if (exp == 0) r = std::ldexp(float(mant), -9);
  else r = std::ldexp(float(8 + mant), int(exp) - 10);
  return sign ? -r : r;
}

float f8e5m2_to_f32(uint8_t v) { return f16_to_f32(uint16_t(v) << 8); }

namespace {

// 8 halves -> 8 floats with F16C; Inf/NaN lanes are rebuilt with integer ops so NaN payloads
// (signalling ones included, which VCVTPH2PS quiets) come out as in f16_to_f32.
__attribute__((target("avx2,f16c"))) void f16_to_f32_avx2(const uint16_t* src, float* dst, size_t n) {
  size_t i = 0;
  const __m256i exp_mask = _mm256_set1_epi32(0x7c00), mant_mask = _mm256_set1_epi32(0x3ff);
  const __m256i sign_mask = _mm256_set1_epi32(0x8000), f32_inf = _mm256_set1_epi32(0x7f800000);
  for (; i + 8 <= n; i += 8) {
    const __m128i h = _mm_loadu_si128(reinterpret_cast<const __m128i*>(src + i));
    const __m256 f = _mm256_cvtph_ps(h);
    const __m256i w = _mm256_cvtepu16_epi32(h);
    const __m256i special = _mm256_cmpeq_epi32(_mm256_and_si256(w, exp_mask), exp_mask);
    const __m256i bits = _mm256_or_si256(_mm256_or_si256(_mm256_slli_epi32(_mm256_and_si256(w, sign_mask), 16), f32_inf),
                                         _mm256_slli_epi32(_mm256_and_si256(w, mant_mask), 13));
    _mm256_storeu_ps(dst + i, _mm256_blendv_ps(f, _mm256_castsi256_ps(bits), _mm256_castsi256_ps(special)));
  }
  for (; i < n; ++i) dst[i] = f16_to_f32(src[i]);
}

__attribute__((target("avx2"))) void bf16_to_f32_avx2(const uint16_t* src, float* dst, size_t n) {
  size_t i = 0;
  for (; i + 8 <= n; i += 8) {
    const __m256i w = _mm256_cvtepu16_epi32(_mm_loadu_si128(reinterpret_cast<const __m128i*>(src + i)));
    _mm256_storeu_ps(dst + i, _mm256_castsi256_ps(_mm256_slli_epi32(w, 16)));
  }
  for (; i < n; ++i) dst[i] = bf16_to_f32(src[i]);
}

// F16C is read from CPUID directly: clang's __builtin_cpu_supports does not know "f16c"
// (the fuzz build uses clang).
bool has_avx2_f16c() {
  static const bool yes = [] {
    unsigned a = 0, b = 0, c = 0, d = 0;
    return __builtin_cpu_supports("avx2") && __get_cpuid(1, &a, &b, &c, &d) && (c & bit_F16C);
  }();
  return yes;
}

void convert_serial(DType t, const void* src, float* dst, size_t n, bool simd);

}  // namespace

void convert_to_f32(DType t, const void* src, float* dst, size_t n) {
  // Large conversions (weights at load) run on all threads; the first touch of `dst` (page
  // faults and zeroing) is spread with them. Chunks stay whole cache lines of the output.
  constexpr size_t kChunk = size_t(1) << 16;
  if (n < 2 * kChunk || t == DType::F32) return convert_serial(t, src, dst, n, has_avx2_f16c());
  const size_t es = dtype_size(t);
  const bool simd = has_avx2_f16c();
  parallel_for(int64_t((n + kChunk - 1) / kChunk), [&](int64_t lo, int64_t hi) {
    const size_t b = size_t(lo) * kChunk, e = std::min(n, size_t(hi) * kChunk);
    convert_serial(t, static_cast<const uint8_t*>(src) + b * es, dst + b, e - b, simd);
  });
}

void convert_to_f32_scalar(DType t, const void* src, float* dst, size_t n) { convert_serial(t, src, dst, n, false); }

namespace {

void convert_serial(DType t, const void* src, float* dst, size_t n, bool simd) {
  const auto* b = static_cast<const uint8_t*>(src);
  // Stored tensors are 2-byte aligned in practice; the vector paths need no more than that.
  const bool aligned2 = reinterpret_cast<uintptr_t>(src) % 2 == 0;
  if (simd && aligned2 && t == DType::F16) return f16_to_f32_avx2(static_cast<const uint16_t*>(src), dst, n);
  if (simd && aligned2 && t == DType::BF16) return bf16_to_f32_avx2(static_cast<const uint16_t*>(src), dst, n);
  auto load = [&](size_t i, auto dummy) {
    decltype(dummy) v;
    std::memcpy(&v, b + i * sizeof(v), sizeof(v));
    return v;
  };
  switch (t) {
    case DType::F32: std::memcpy(dst, src, n * 4); return;
    case DType::F64: for (size_t i = 0; i < n; ++i) dst[i] = float(load(i, double{})); return;
    case DType::F16: for (size_t i = 0; i < n; ++i) dst[i] = f16_to_f32(load(i, uint16_t{})); return;
    case DType::BF16: for (size_t i = 0; i < n; ++i) dst[i] = bf16_to_f32(load(i, uint16_t{})); return;
    case DType::I64: for (size_t i = 0; i < n; ++i) dst[i] = float(load(i, int64_t{})); return;
    case DType::I32: for (size_t i = 0; i < n; ++i) dst[i] = float(load(i, int32_t{})); return;
    case DType::I16: for (size_t i = 0; i < n; ++i) dst[i] = float(load(i, int16_t{})); return;
    case DType::I8: for (size_t i = 0; i < n; ++i) dst[i] = float(int8_t(b[i])); return;
    case DType::U8: for (size_t i = 0; i < n; ++i) dst[i] = float(b[i]); return;
    case DType::BOOL: for (size_t i = 0; i < n; ++i) dst[i] = b[i] ? 1.f : 0.f; return;
    case DType::F8_E4M3: for (size_t i = 0; i < n; ++i) dst[i] = f8e4m3_to_f32(b[i]); return;
    case DType::F8_E5M2: for (size_t i = 0; i < n; ++i) dst[i] = f8e5m2_to_f32(b[i]); return;
  }
  fail("convert_to_f32: unknown dtype {}", int(t));
}

}  // namespace

}  // namespace easel
