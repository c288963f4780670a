// The float32 building blocks of torch 1.13 CPU ops that A1111's slerp uses, with the results
// of each ATen kernel: elementwise acos/sin (SLEEF u10 under AVX2, glibc in the portable
// build), norm over a middle axis, and sum over a middle axis (ATen's cascade order).
#pragma once
#include <cstdint>

namespace easel {

enum class TorchCpuKernel;

void torch_acos(const float* in, float* out, int64_t n, TorchCpuKernel k);
void torch_sin(const float* in, float* out, int64_t n, TorchCpuKernel k);

// torch.exp / torch.log of one float32 value as torch's default CPU build computes them (SLEEF
// u10 under AVX2/FMA, even for a 0-dim tensor; libm otherwise). Samplers whose sigmas become
// Brownian-tree query times need these: torchsde rounds times to 1e-6, so one ulp matters.
float torch_exp_f32(float x);
float torch_log_f32(float x);

// x is [C, H, W] contiguous; out[c * W + w] reduces over h.
// torch.norm(x, dim=1): sequential sum of squares (fused multiply-add in the AVX2 build), sqrt.
void torch_norm_dim1(const float* x, int64_t C, int64_t H, int64_t W, float* out, TorchCpuKernel k);
// x.sum(1) as ATen's cascade_sum orders it (same in both kernels).
void torch_sum_dim1(const float* x, int64_t C, int64_t H, int64_t W, float* out);

}  // namespace easel
