// float32 transcendental math exactly as torch 1.13's CPU kernels compute it, for every module
// that must match torch's last bits (schedules, sampler scalars, slerp, the timestep embedding).
#pragma once
#include <cstdint>

namespace easel {

// Which ATen CPU kernel to reproduce. Avx2: the build x86 torch runs by default, whose
// Vectorized<float> calls SLEEF's u10 functions (plus FMA in some formulas). Scalar: the portable
// "default" capability (ATEN_CPU_CAPABILITY=default), i.e. glibc libm, like plain C++ on Linux.
enum class TorchKernel { Avx2, Scalar };

// True when this CPU runs SLEEF's AVX2/FMA code. Otherwise the Avx2 kernel falls back to SLEEF's
// portable non-FMA code ("purec"), which differs from torch in the last bit of a rare value
// (measured over 3.5e8 inputs: 1 in ~2300 for exp, ~240 for sin/cos, ~3.5e6 for log). SLEEF's
// "purecfma" build matches the AVX2 code bit for bit but needs FMA hardware itself.
bool torch_math_has_avx2_fma();

// Elementwise torch.exp/log/sin/cos/tan/atan/acos/expm1 over contiguous float32. ATen runs these
// through vml (vec::map), so every element, the partial last vector and 0-dim tensors included,
// goes through the vector function: no scalar tail. in == out is allowed.
void torch_exp(const float* in, float* out, int64_t n, TorchKernel k = TorchKernel::Avx2);
void torch_log(const float* in, float* out, int64_t n, TorchKernel k = TorchKernel::Avx2);
void torch_sin(const float* in, float* out, int64_t n, TorchKernel k = TorchKernel::Avx2);
void torch_cos(const float* in, float* out, int64_t n, TorchKernel k = TorchKernel::Avx2);
void torch_tan(const float* in, float* out, int64_t n, TorchKernel k = TorchKernel::Avx2);
void torch_atan(const float* in, float* out, int64_t n, TorchKernel k = TorchKernel::Avx2);
void torch_acos(const float* in, float* out, int64_t n, TorchKernel k = TorchKernel::Avx2);
void torch_expm1(const float* in, float* out, int64_t n, TorchKernel k = TorchKernel::Avx2);

// The same ops on one value (a 0-dim tensor).
float torch_exp(float x, TorchKernel k = TorchKernel::Avx2);
float torch_log(float x, TorchKernel k = TorchKernel::Avx2);
float torch_sin(float x, TorchKernel k = TorchKernel::Avx2);
float torch_cos(float x, TorchKernel k = TorchKernel::Avx2);
float torch_tan(float x, TorchKernel k = TorchKernel::Avx2);
float torch_atan(float x, TorchKernel k = TorchKernel::Avx2);
float torch_acos(float x, TorchKernel k = TorchKernel::Avx2);
float torch_expm1(float x, TorchKernel k = TorchKernel::Avx2);

// float32 tensor ** python float. torch special-cases 0, 1, +-0.5, -1, 2, 3, -2 (fill, copy, sqrt,
// products); any other exponent goes through cpu_kernel_vec, which runs whole blocks of 16 elements
// through the vector pow (SLEEF powf under AVX2, powf in the portable build) and the remaining < 16
// through the scalar lambda std::pow(float, double), i.e. double pow rounded to float.
void torch_pow_scalar(const float* in, double exponent, float* out, int64_t n, TorchKernel k = TorchKernel::Avx2);

}  // namespace easel
