// DPM++ 2M SDE (k-diffusion sample_dpmpp_2m_sde), midpoint or heun solver; the last step returns
// the denoised latent.
#include "sampling/samplers/common.h"

namespace easel {

Tensor sample_dpmpp_2m_sde(SamplerRun& r, Tensor x) {
  const auto& s = r.sigmas;
  const bool heun = r.opts.solver_type == "heun";
  if (!heun && r.opts.solver_type != "midpoint") fail("DPM++ 2M SDE: solver_type must be 'heun' or 'midpoint', got '{}'", r.opts.solver_type);
  const float eta = float(r.opts.eta);
  Tensor old;
  float h = 0, h_last = 0;
  for (size_t i = 0; i + 1 < s.size(); ++i) {
    Tensor den = r.denoise(x, s[i]);
    r.report(int(i), s[i], s[i], x, den);
    if (s[i + 1] == 0) {
      x = den;
    } else {
      const float t = -std::log(s[i]), sn1 = -std::log(s[i + 1]);
      h = sn1 - t;
      const float eta_h = eta * h;
      const float a = s[i + 1] / s[i] * std::exp(-eta_h), em = -std::expm1(-h - eta_h);
      x = emap([=](float v, float d) { return a * v + em * d; }, x, den);
      if (old.defined()) {
        const float rr = h_last / h;
        const float k = heun ? (em / (-h - eta_h) + 1.0f) * (1.0f / rr) : 0.5f * em * (1.0f / rr);
        x = emap([=](float v, float d, float o) { return v + k * (d - o); }, x, den, old);
      }
      if (r.opts.eta != 0) x = ksamp::add_sde_noise(r, x, i, std::sqrt(-std::expm1(-2.0f * eta_h)));
    }
    old = den;
    h_last = h;
  }
  return x;
}

}  // namespace easel
