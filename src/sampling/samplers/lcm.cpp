// LCM (A1111 sd_samplers_lcm.sample_lcm): jump to the denoised latent, re-noise to the next sigma.
#include "sampling/samplers/common.h"

namespace easel {

Tensor sample_lcm(SamplerRun& r, Tensor x) {
  const auto& s = r.sigmas;
  for (size_t i = 0; i + 1 < s.size(); ++i) {
    Tensor den = r.denoise(x, s[i]);
    r.report(int(i), s[i], s[i], x, den);
    x = den;
    if (s[i + 1] > 0) {
      const float k = s[i + 1];
      Tensor nz = r.sde_noise(x, s[i], s[i + 1]);
      x = emap([k](float a, float z) { return a + k * z; }, x, nz);
    }
  }
  return x;
}

}  // namespace easel
