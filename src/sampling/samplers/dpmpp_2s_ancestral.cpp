// DPM++ 2S a (k-diffusion sample_dpmpp_2s_ancestral).
#include "sampling/samplers/common.h"

namespace easel {

Tensor sample_dpmpp_2s_ancestral(SamplerRun& r, Tensor x) {
  const auto& s = r.sigmas;
  for (size_t i = 0; i + 1 < s.size(); ++i) {
    const auto [den, down, up] = ksamp::open_ancestral_step(r, x, i);
    if (down == 0) {
      x = ksamp::euler_step(x, ksamp::to_d(x, s[i], den), down - s[i]);
    } else {
      const float t = -std::log(s[i]), tn = -std::log(down), h = tn - t, sm = t + 0.5f * h;
      const float sig_s = std::exp(-sm), sig_t = std::exp(-t), sig_tn = std::exp(-tn);
      const float a1 = sig_s / sig_t, b1 = std::expm1((-h) * 0.5f);
      Tensor x2 = emap([=](float a, float d) { return a1 * a - b1 * d; }, x, den);
      Tensor den2 = r.denoise(x2, sig_s);
      const float a2 = sig_tn / sig_t, b2 = std::expm1(-h);
      x = emap([=](float a, float d) { return a2 * a - b2 * d; }, x, den2);
    }
    if (s[i + 1] > 0) x = ksamp::add_noise(x, r.sde_noise(x, s[i], s[i + 1]), float(r.opts.s_noise), up);
  }
  return x;
}

}  // namespace easel
