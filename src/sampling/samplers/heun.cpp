// Heun (k-diffusion sample_heun): second order except for the last step to sigma 0 (2n-1 calls).
#include "sampling/samplers/common.h"

namespace easel {

Tensor sample_heun(SamplerRun& r, Tensor x) {
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
