// Euler (k-diffusion sample_euler), with Karras churn. Draws one noise per step even at churn 0,
// as upstream does, so the stream position matches.
#include "sampling/samplers/common.h"

namespace easel {

Tensor sample_euler(SamplerRun& r, Tensor x) {
  const auto& s = r.sigmas;
  const double n = double(s.size() - 1);
  for (size_t i = 0; i + 1 < s.size(); ++i) {
    const double gamma = (r.opts.s_tmin <= s[i] && s[i] <= r.opts.s_tmax) ? std::min(r.opts.s_churn / n, std::sqrt(2.0) - 1) : 0.0;
    Tensor eps = r.randn_like(x);
    const float sigma_hat = s[i] * float(gamma + 1);
    if (gamma > 0) {
      const float k = std::sqrt(sigma_hat * sigma_hat - s[i] * s[i]), sn = float(r.opts.s_noise);
      x = emap([=](float a, float e) { return a + (e * sn) * k; }, x, eps);
    }
    Tensor den = r.denoise(x, sigma_hat);
    Tensor d = ksamp::to_d(x, sigma_hat, den);
    r.report(int(i), s[i], sigma_hat, x, den);
    x = ksamp::euler_step(x, d, s[i + 1] - sigma_hat);
  }
  return x;
}

}  // namespace easel
