// DPM++ SDE (k-diffusion sample_dpmpp_sde, r = 1/2): two noise-sampler queries per step.
#include "sampling/samplers/common.h"
#include "core/torch_math.h"

namespace easel {

Tensor sample_dpmpp_sde(SamplerRun& r, Tensor x) {
  const auto& s = r.sigmas;
  const float rr = 0.5f;
  const float fac = float(1.0 / (2 * 0.5)), one_m_fac = float(1 - 1.0 / (2 * 0.5));
  // torch-exact exp/log: these sigmas are Brownian-tree query times, which torchsde rounds to
  // 1e-6, so one ulp can pick another tree node.
  auto sigma_fn = [](float t) { return torch_exp(-t); };
  auto t_fn = [](float sg) { return -torch_log(sg); };
  for (size_t i = 0; i + 1 < s.size(); ++i) {
    Tensor den = r.denoise(x, s[i]);
    r.report(int(i), s[i], s[i], x, den);
    if (s[i + 1] == 0) {
      x = ksamp::euler_step(x, ksamp::to_d(x, s[i], den), s[i + 1] - s[i]);
      continue;
    }
    const float t = t_fn(s[i]), tn = t_fn(s[i + 1]), h = tn - t, sm = t + h * rr;
    auto [sd, su] = ksamp::ancestral_step(sigma_fn(t), sigma_fn(sm), r.opts.eta);
    const float s_ = t_fn(sd);
    const float a1 = sigma_fn(s_) / sigma_fn(t), b1 = std::expm1(t - s_);
    Tensor x2 = emap([=](float a, float d) { return a1 * a - b1 * d; }, x, den);
    x2 = ksamp::add_noise(x2, r.sde_noise(x, sigma_fn(t), sigma_fn(sm)), float(r.opts.s_noise), su);
    Tensor den2 = r.denoise(x2, sigma_fn(sm));
    auto [sd2, su2] = ksamp::ancestral_step(sigma_fn(t), sigma_fn(tn), r.opts.eta);
    const float tn_ = t_fn(sd2);
    const float a2 = sigma_fn(tn_) / sigma_fn(t), b2 = std::expm1(t - tn_);
    x = emap([=](float a, float d, float d2) { return a2 * a - b2 * (one_m_fac * d + fac * d2); }, x, den, den2);
    x = ksamp::add_noise(x, r.sde_noise(x, sigma_fn(t), sigma_fn(tn)), float(r.opts.s_noise), su2);
  }
  return x;
}

}  // namespace easel
