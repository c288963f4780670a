// Run-time choice of the kernel table by CPU features.
#include "backend/cpu/kernels.h"

#include <cstdlib>
#include <cstring>

namespace easel::cpu {

const KernelTable* best_kernels() {
  static const KernelTable* t = [] {
    const char* force = std::getenv("EASEL_ISA");
    const bool avx2 = __builtin_cpu_supports("avx2") && __builtin_cpu_supports("fma");
    const bool avx512 = __builtin_cpu_supports("avx512f") && __builtin_cpu_supports("avx512dq") &&
                        __builtin_cpu_supports("avx512vl") && __builtin_cpu_supports("avx512bw");
    if (force && !std::strcmp(force, "generic")) return static_cast<const KernelTable*>(nullptr);
    if (avx512 && !(force && !std::strcmp(force, "avx2"))) return kernels_avx512();
    return avx2 ? kernels_avx2() : nullptr;
  }();
  return t;
}

}  // namespace easel::cpu
