// Euler (k-diffusion sample_euler), with Karras churn. Draws one noise per step even at churn 0,
// as upstream does, so the stream position matches.
#include "sampling/samplers/common.h"

namespace easel {

Tensor sample_euler(SamplerRun& r, Tensor x) {
  const auto& s = r.sigmas;
  for (size_t i = 0; i + 1 < s.size(); ++i) {
    const auto [sigma_hat, d] = ksamp::open_churned_step(r, x, i);
    x = ksamp::euler_step(x, d, s[i + 1] - sigma_hat);
  }
  return x;
}

}  // namespace easel
