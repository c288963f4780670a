// Heun (k-diffusion sample_heun): second order except for the last step to sigma 0 (2n-1 calls).
#include "sampling/samplers/common.h"

namespace easel {

Tensor sample_heun(SamplerRun& r, Tensor x) {
  const auto& s = r.sigmas;
  for (size_t i = 0; i + 1 < s.size(); ++i) {
    const auto [sigma_hat, d] = ksamp::open_churned_step(r, x, i);
    const float dt = s[i + 1] - sigma_hat;
    if (s[i + 1] == 0) {
      x = ksamp::euler_step(x, d, dt);
    } else {
      Tensor x2 = ksamp::euler_step(x, d, dt);
      Tensor d2 = ksamp::to_d(x2, s[i + 1], r.denoise(x2, s[i + 1]));
      x = emap([dt](float a, float p, float q) { return a + ((p + q) / 2.0f) * dt; }, x, d, d2);
    }
  }
  return x;
}

}  // namespace easel
