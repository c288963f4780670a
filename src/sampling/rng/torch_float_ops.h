// The float32 reductions of torch 1.13 CPU ops that A1111's slerp uses, with the results of each
// ATen kernel: norm over a middle axis and sum over a middle axis (ATen's cascade order). Its
// elementwise acos/sin are core/torch_math.h.
#pragma once
#include <cstdint>

namespace easel {

enum class TorchCpuKernel;

// x is [C, H, W] contiguous; out[c * W + w] reduces over h.
// torch.norm(x, dim=1): sequential sum of squares (fused multiply-add in the AVX2 build), sqrt.
void torch_norm_dim1(const float* x, int64_t C, int64_t H, int64_t W, float* out, TorchCpuKernel k);
// x.sum(1) as ATen's cascade_sum orders it (same in both kernels).
void torch_sum_dim1(const float* x, int64_t C, int64_t H, int64_t W, float* out);

}  // namespace easel
