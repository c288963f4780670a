// torch.linspace as torch 1.13's CPU kernels compute it (vector lanes + tail, FMA in the AVX2
// build), because every k-diffusion/A1111 schedule is built on it and its last bits show.
#pragma once
#include <cstdint>
#include <vector>

#include "core/torch_math.h"  // TorchKernel: which ATen CPU kernel to reproduce

namespace easel {

std::vector<float> torch_linspace_f32(float start, float end, int64_t n, TorchKernel k = TorchKernel::Avx2);
std::vector<double> torch_linspace_f64(double start, double end, int64_t n, TorchKernel k = TorchKernel::Avx2);

}  // namespace easel
