// ATen's portable normal_fill_16 (ATEN_CPU_CAPABILITY=default): float32 Box-Muller with libm
// logf/cosf/sinf. Built with -ffp-contract=off so every operation rounds as in the reference.
#include <cmath>

#include "sampling/rng/torch_cpu_generator.h"

namespace easel {

void normal16_scalar(float* d, int64_t blocks) {
  for (int64_t b = 0; b < blocks; ++b, d += 16) {
    for (int j = 0; j < 8; ++j) {
      const float u1 = 1.0f - d[j];
      const float u2 = d[j + 8];
      const float radius = std::sqrt(-2.0f * std::log(u1));
      // ATen writes 2.0f * c10::pi<double> * u2: a double product rounded once to float.
      const float theta = float(6.283185307179586 * double(u2));
      // `* std + mean` with std 1, mean 0: keeps the +0 of a -0 product as ATen does.
      d[j] = radius * std::cos(theta) * 1.0f + 0.0f;
      d[j + 8] = radius * std::sin(theta) * 1.0f + 0.0f;
    }
  }
}

}  // namespace easel
