// A1111's variation-seed blend rng.slerp(val, low, high), evaluated the way torch 1.13 does it
// on the CPU in float32 (norms and dot products over axis 1 of a [C, H, W] tensor).
#pragma once
#include <cstdint>

#include "sampling/rng/generator.h"

namespace easel {

// out = slerp(val, low, high) for [C, H, W] tensors. `source` picks the torch CPU kernel whose
// float math the reference ran with (scalar for CpuScalar, AVX2 otherwise).
void slerp_a1111(double val, const float* low, const float* high, float* out, int64_t C, int64_t H,
                 int64_t W, RandnSource source);

}  // namespace easel
