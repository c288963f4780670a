// DPM2 (k-diffusion sample_dpm_2): midpoint in log sigma, Euler for the last step.
#include "sampling/samplers/common.h"

namespace easel {

Tensor sample_dpm_2(SamplerRun& r, Tensor x) {
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
