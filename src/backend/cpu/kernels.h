// The CPU backend's vectorised kernels, compiled once per ISA (kernels_avx2.cpp,
// kernels_avx512.cpp from the same ISA-generic .inc sources) and picked at run time.
#pragma once
#include <cstddef>
#include <cstdint>

#include "backend/backend.h"

namespace easel::cpu {

struct AttnArgs {
  const float *q, *k, *v;
  float* out;
  int64_t B, Nq, Nk, C, H;
  bool causal;
  float* pack;  // attention_pack_floats(...) floats of scratch for the packed K and V
};

struct KernelTable {
  const char* isa;
  size_t (*attention_pack_floats)(int64_t B, int64_t Nk, int64_t C, int64_t H);
  void (*attention)(const AttnArgs& a);
  // x [N, C, S]: statistics per (n, group); optional fused SiLU.
  void (*group_norm)(const float* x, float* y, const float* gamma, const float* beta, int64_t N, int64_t C,
                     int64_t S, int64_t groups, float eps, bool silu);
  void (*layer_norm)(const float* x, float* y, const float* gamma, const float* beta, int64_t M, int64_t D,
                     float eps);
  void (*softmax)(const float* x, float* y, int64_t M, int64_t D);
  void (*activation)(const float* x, float* y, int64_t n, Act act);
  void (*geglu)(const float* x, float* y, int64_t M, int64_t F);
};

const KernelTable* kernels_avx2();
const KernelTable* kernels_avx512();
// The widest table the CPU supports ($EASEL_ISA=avx2 forces AVX2); nullptr without AVX2 + FMA.
const KernelTable* best_kernels();

}  // namespace easel::cpu
