// The avx2 instantiation of the CPU kernels (flash attention, norms, pointwise): the ISA-generic
// .inc sources compiled under a target pragma, in their own namespace.
#include <algorithm>
#include <cmath>
#include <vector>

#include "backend/cpu/kernels.h"
#include "core/thread_pool.h"

#pragma GCC push_options
#pragma GCC target("avx2,fma")
#include "backend/cpu/simd_avx2.h"

namespace easel::cpu::avx2 {
namespace {
#include "backend/cpu/simd_math.inc"
#include "backend/cpu/pointwise.inc"
#include "backend/cpu/norms.inc"
#include "backend/cpu/flash_attention.inc"
}  // namespace
}  // namespace easel::cpu::avx2

#pragma GCC pop_options

namespace easel::cpu {

const KernelTable* kernels_avx2() {
  namespace k = avx2;
  static const KernelTable t{"avx2",      k::attention_pack_floats, k::attention, k::group_norm,
                             k::layer_norm, k::softmax,               k::activation, k::geglu};
  return &t;
}

}  // namespace easel::cpu
