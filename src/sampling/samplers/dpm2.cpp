// DPM2 (k-diffusion sample_dpm_2): midpoint in log sigma, Euler for the last step.
#include "sampling/samplers/common.h"

namespace easel {

Tensor sample_dpm_2(SamplerRun& r, Tensor x) {
  const auto& s = r.sigmas;
  for (size_t i = 0; i + 1 < s.size(); ++i) {
    const auto [sigma_hat, d] = ksamp::open_churned_step(r, x, i);
    if (s[i + 1] == 0) {
      x = ksamp::euler_step(x, d, s[i + 1] - sigma_hat);
    } else {
      const float mid = std::exp(ksamp::lerp(std::log(sigma_hat), std::log(s[i + 1]), 0.5f));
      Tensor x2 = ksamp::euler_step(x, d, mid - sigma_hat);
      Tensor d2 = ksamp::to_d(x2, mid, r.denoise(x2, mid));
      x = ksamp::euler_step(x, d2, s[i + 1] - sigma_hat);
    }
  }
  return x;
}

}  // namespace easel
