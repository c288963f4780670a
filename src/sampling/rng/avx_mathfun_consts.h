// Constants of the Cephes-derived log/sincos in ATen's avx_mathfun.h (float32), shared by the
// AVX2 randn kernel and its per-lane emulation.
#pragma once
#include <cstdint>

namespace easel::avx_mathfun {

inline constexpr uint32_t kMinNormPos = 0x00800000u;
inline constexpr uint32_t kExpMask = 0x7F800000u;
inline constexpr float kSqrtHalf = 0.707106781186547524f;
// log(1+x) polynomial, highest degree first, then log(2) split in q1 + q2.
inline constexpr float kLogP[9] = {7.0376836292E-2f,  -1.1514610310E-1f, 1.1676998740E-1f,
                                   -1.2420140846E-1f, 1.4249322787E-1f,  -1.6668057665E-1f,
                                   2.0000714765E-1f,  -2.4999993993E-1f, 3.3333331174E-1f};
inline constexpr float kLogQ1 = -2.12194440e-4f;
inline constexpr float kLogQ2 = 0.693359375f;

inline constexpr float kFourOverPi = 1.27323954473516f;
// pi/4 split in three parts (extended-precision range reduction), negated.
inline constexpr float kMinusDP1 = -0.78515625f;
inline constexpr float kMinusDP2 = -2.4187564849853515625e-4f;
inline constexpr float kMinusDP3 = -3.77489497744594108e-8f;
inline constexpr float kSinP0 = -1.9515295891E-4f;
inline constexpr float kSinP1 = 8.3321608736E-3f;
inline constexpr float kSinP2 = -1.6666654611E-1f;
inline constexpr float kCosP0 = 2.443315711809948E-005f;
inline constexpr float kCosP1 = -1.388731625493765E-003f;
inline constexpr float kCosP2 = 4.166664568298827E-002f;

// ATen's `2.0f * c10::pi<double>` stored into a float vector.
inline constexpr float kTwoPi = float(6.283185307179586);

}  // namespace easel::avx_mathfun
