// DPM++ 3M SDE (k-diffusion sample_dpmpp_3m_sde); the last step returns the denoised latent.
#include "sampling/samplers/common.h"

namespace easel {

Tensor sample_dpmpp_3m_sde(SamplerRun& r, Tensor x) {
  const auto& s = r.sigmas;
  const float eta = float(r.opts.eta);
  Tensor den1, den2;
  float h = 0, h1 = 0, h2 = 0;
  bool has_h1 = false, has_h2 = false;
  for (size_t i = 0; i + 1 < s.size(); ++i) {
    Tensor den = r.denoise(x, s[i]);
    r.report(int(i), s[i], s[i], x, den);
    if (s[i + 1] == 0) {
      x = den;
    } else {
      const float t = -std::log(s[i]), sn1 = -std::log(s[i + 1]);
      h = sn1 - t;
      const float h_eta = h * (eta + 1.0f);
      const float a = std::exp(-h_eta), em = -std::expm1(-h_eta);
      x = emap([=](float v, float d) { return a * v + em * d; }, x, den);
      if (has_h2) {
        const float r0 = h1 / h, r1 = h2 / h;
        const float phi2 = std::expm1(-h_eta) / h_eta + 1.0f, phi3 = phi2 / h_eta - 0.5f;
        x = emap(
            [=](float v, float d, float d1, float d2) {
              const float d10 = (d - d1) / r0, d11 = (d1 - d2) / r1;
              const float dd1 = d10 + (d10 - d11) * r0 / (r0 + r1), dd2 = (d10 - d11) / (r0 + r1);
              return v + phi2 * dd1 - phi3 * dd2;
            },
            x, den, den1, den2);
      } else if (has_h1) {
        const float rr = h1 / h, phi2 = std::expm1(-h_eta) / h_eta + 1.0f;
        x = emap([=](float v, float d, float d1) { return v + phi2 * ((d - d1) / rr); }, x, den, den1);
      }
      if (r.opts.eta != 0) x = ksamp::add_sde_noise(r, x, i, std::sqrt(-std::expm1((-2.0f * h) * eta)));
    }
    den2 = den1;
    den1 = den;
    has_h2 = has_h1;
    h2 = h1;
    h1 = h;
    has_h1 = true;
  }
  return x;
}

}  // namespace easel
